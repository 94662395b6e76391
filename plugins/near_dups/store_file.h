/*
 * near_dups: the index file in the state directory, an append-only log of
 * fixed-size records behind a header, compacted by rewriting.
 *
 *   header  32 bytes: "NEWSDND\0", format version, ND_K, ND_SHINGLE,
 *           record size, hash version (all uint32 little-endian), and a
 *           checksum of the 28 bytes before it
 *   record  ND_RECORD_BYTES: id[16], root[16], received_ms (int64),
 *           sim (float bits), sig (ND_K uint16), checksum (uint32), all
 *           little-endian
 *
 * A record is written with one write() to a file opened O_APPEND, so a
 * daemon killed half-way leaves at most one short last record: that is
 * cut off when the file is read (logged).  Any other damage (a bad header,
 * another format, a bad checksum before the last record) refuses the file
 * with a message that names it and the cause: newsd never overwrites an
 * index it cannot read.
 *
 * The file is locked (flock) by the process that writes it.  Another
 * process (newsd --try beside a running daemon) reads it and writes
 * nothing.
 */
#ifndef NEAR_DUPS_STORE_FILE_H
#define NEAR_DUPS_STORE_FILE_H

#include <stdint.h>

#include "index.h"

#define ND_HEADER_BYTES 32
#define ND_RECORD_BYTES (16 + 16 + 8 + 4 + 2 * ND_K + 4)

struct nd_file;

/* Open (or, when writable, create) the index file at path and add its
 * entries to x, leaving out those older than x's age bound at now_ms.
 * *read_only is set to 1 when the file is not to be written (not
 * writable, or another process holds it): *out is then NULL, a missing
 * file reads as empty, and a torn last record is skipped, not cut.
 * Returns 0, or -1 with *err (malloc'd, one line that names the file).
 * A file much longer than what counts is compacted. */
int nd_file_open(const char *path, int writable, struct nd_index *x, int64_t now_ms, struct nd_file **out,
                 int *read_only, char **err);
/* Append one entry.  0, or -1 with *err. */
int nd_file_append(struct nd_file *f, const struct nd_entry *e, char **err);
/* Rewrite the file with the entries of x that count (write a new file,
 * fsync, rename over).  0, or -1 with *err (the old file stays). */
int nd_file_compact(struct nd_file *f, const struct nd_index *x, char **err);

/* The same in steps, for a compaction that runs beside the appends: begin
 * (PATH.tmp with a header), add entries, sync what was added (the long
 * part, without the caller's lock), then commit (sync the rest, rename
 * over, and append from now on to the new file) under the lock that
 * guards nd_file_append().  commit and abort free c; add returns -1 on a
 * write error (then abort). */
struct nd_compaction;
struct nd_compaction *nd_file_compact_begin(const struct nd_file *f, char **err);
int nd_file_compact_add(struct nd_compaction *c, const struct nd_entry *e);
int nd_file_compact_sync(struct nd_compaction *c, const struct nd_file *f, char **err);
int nd_file_compact_commit(struct nd_file *f, struct nd_compaction *c, char **err);
void nd_file_compact_abort(struct nd_compaction *c);
/* Records in the file (what compaction is measured against). */
uint64_t nd_file_records(const struct nd_file *f);
/* Bytes of a torn last record that open cut off (0: none), for the log. */
uint64_t nd_file_torn(const struct nd_file *f);
/* fdatasync: 0 or -1 with *err. */
int nd_file_sync(struct nd_file *f, char **err);
void nd_file_close(struct nd_file *f);

#endif
