/*
 * near_dups: one index file's fingerprints in this process, shared by the
 * instances that name the file (the old and the new one across a reload:
 * a file has one writer, held by flock, so the new instance takes the old
 * one's index over instead of reading the file again).
 *
 * In the daemon the file is appended to as fingerprints are added and
 * compacted by a thread of its own; otherwise (newsd --try, --check-config)
 * it is only read, and what is added stays in memory.
 */
#ifndef NEAR_DUPS_SHARED_INDEX_H
#define NEAR_DUPS_SHARED_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"

struct nd_shared;

/* The index of path, opened (and read) on first use, else the one open
 * already, resized to max_entries if that changed.  NULL after logging
 * why (a damaged file, out of memory). */
struct nd_shared *nd_shared_open(const char *path, int writable, size_t max_entries, int64_t max_age_ms);
/* Drop a reference; the last one syncs and closes the file. */
void nd_shared_release(struct nd_shared *sh);
/* Look e up and, unless its id is there, add it (root and sim from the
 * match) and append it to the file.  Thread-safe. */
void nd_shared_lookup_add(struct nd_shared *sh, struct nd_entry *e, double min_sim, struct nd_match *m);

#endif
