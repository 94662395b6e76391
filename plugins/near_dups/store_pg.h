/*
 * near_dups: fingerprints in PostgreSQL, shared by every newsd instance
 * that names the same database (the archive_pg one, typically).
 *
 * Two tables: newsd_near_dups, the id (unique), the story's root, the
 * similarity, the received time and the signature (bytea); and
 * newsd_near_dup_bands, one row per band hash and fingerprint.  A lookup
 * asks for the newest rows that share a band and compares their
 * signatures here; an insert that meets an id already
 * there (another instance took the same bytes, or a reprocessing) does
 * nothing.  Rows past the count or age bound are deleted every
 * PRUNE_EVERY inserts, by whichever instance gets there.
 */
#ifndef NEAR_DUPS_STORE_PG_H
#define NEAR_DUPS_STORE_PG_H

#include <stdint.h>

#include "index.h"

struct nd_pg;

/* Connect and create the table when missing.  0, or -1 with *err
 * (malloc'd; never contains the conninfo, which may hold a password). */
int nd_pg_open(const char *conninfo, int connect_timeout, uint64_t max_entries, int64_t max_age_ms,
               struct nd_pg **out, char **err);
/* Look e up (as nd_index_lookup()) and, when add is set and its id is not
 * there, add it with root and sim taken from the match.  Thread-safe.  0,
 * or -1 with *err when the server cannot answer. */
int nd_pg_lookup_add(struct nd_pg *p, struct nd_entry *e, int add, double min_sim, int64_t now_ms,
                     struct nd_match *out, char **err);
void nd_pg_close(struct nd_pg *p);

#endif
