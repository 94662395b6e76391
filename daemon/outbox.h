/*
 * The outbox of one sink: records waiting to be delivered, kept as files in
 * STATE_DIR/outbox/SINK/ so that a receiver that is down or a daemon that
 * is killed delays a delivery and never loses it.
 *
 * Life of an entry:
 *   stage    written to .tmp-ID while the archive commits a batch;
 *            outbox_sync() then flushes them all (one syncfs), renames them
 *            to ID.json and fsyncs the folder, before the archive's
 *            commit, so a committed article always has its entry;
 *   release  the commit succeeded: the entry may be delivered
 *            (unstage: it failed, the files go; the batch is retried and
 *            staged again);
 *   take     handed to the sink (read back and checked);
 *   done     delivered: the file is removed (ack); or failed: due again
 *            after retry_min_ms, doubling up to retry_max_ms, and once it
 *            is dead_after_ms old, moved to dead/ with a .reason file.
 *
 * A file found at open is due at once: it was staged by a run that may
 * have committed it (a repeat is allowed, a loss is not).  A file that
 * does not read back as it was written (truncated, changed, not ours) is a
 * dead letter with the reason, never delivered half.
 *
 * File format: one header line "newsd-outbox 1 CREATED_MS LEN SUM\n" and
 * the LEN bytes of the record; SUM is hash_id() of those bytes.
 *
 * Every function is thread-safe: the archive thread stages, the sink's
 * thread takes, the loop reads the figures.
 */
#ifndef NEWSD_OUTBOX_H
#define NEWSD_OUTBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct outbox_policy {
    int64_t retry_min_ms;    /* first back-off */
    int64_t retry_max_ms;    /* longest back-off */
    int64_t dead_after_ms;   /* an entry this old that fails again is a dead letter */
};

/* One record handed to the sink.  error: set (malloc'd) when delivery
 * failed, NULL when it went out. */
struct outbox_item {
    char id[33];
    char *json;
    size_t len;
    unsigned attempt;        /* 1, 2, ... */
    int64_t created_ms;
    char *error;
};

struct outbox_stats {
    uint64_t depth;          /* entries waiting or being delivered (staged ones included) */
    uint64_t dead;           /* dead letters in dead/ */
    uint64_t delivered;      /* since open */
    uint64_t retries;        /* failed attempts since open */
    uint64_t died;           /* entries made dead letters since open */
    uint64_t errors;         /* the outbox's own I/O errors since open */
    int64_t oldest_ms;       /* created time of the oldest waiting entry; 0: none */
};

struct outbox;

/* Open (creating DIR and DIR/dead) and load the entries there.  Returns 0,
 * or -1 with *err (malloc'd). */
int outbox_open(struct outbox **out, const char *dir, const struct outbox_policy *p, char **err);
void outbox_close(struct outbox *ob);
void outbox_set_policy(struct outbox *ob, const struct outbox_policy *p);
const char *outbox_dir(const struct outbox *ob);

/* Write one entry (not yet deliverable).  An id already in the outbox gets
 * its file rewritten and keeps its place.  Returns 0, or -1 with *err. */
int outbox_stage(struct outbox *ob, const char *id, const char *json, size_t len, int64_t now_ms, char **err);
/* Make the staged entries durable and give them their names. */
int outbox_sync(struct outbox *ob, char **err);
/* The batch committed: staged entries become due now. */
void outbox_release(struct outbox *ob, int64_t now_ms);
/* The batch did not commit: staged entries are removed. */
void outbox_unstage(struct outbox *ob);

/* Up to max due entries, oldest first, marked as being delivered.  An
 * entry that does not read back is made a dead letter instead.  Returns
 * how many items were filled. */
size_t outbox_take(struct outbox *ob, int64_t now_ms, struct outbox_item *items, size_t max);
/* The outcome of a taken item (item->error NULL: delivered).  Returns 1
 * when it became a dead letter, else 0.  Clears the item. */
int outbox_done(struct outbox *ob, struct outbox_item *item, int64_t now_ms);
/* When the next entry is due (ms, the clock of now_ms), or -1: none. */
int64_t outbox_next_due(struct outbox *ob);
/* Delay before attempt number attempts + 1 under p. */
int64_t outbox_backoff(const struct outbox_policy *p, unsigned attempts);

void outbox_stats(struct outbox *ob, struct outbox_stats *st);
/* The waiting entries (dead = false) or the dead letters (true), at most
 * limit, as a JSON array of {"id", "created", "attempts", "next", "error"}
 * (dead letters: {"id", "created", "died", "attempts", "error"}). */
json_t *outbox_list(struct outbox *ob, bool dead, size_t limit);

#endif
