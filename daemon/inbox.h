/*
 * The inbox watch: which names are ready to be claimed, and when.
 *
 * inotify (a raw fd under uv_poll: libuv's fs events drop IN_CLOSE_WRITE and
 * IN_Q_OVERFLOW) gives hints; a directory scan is the truth.  A scan runs at
 * start, after a queue overflow or a lost watch, on a slow timer, and
 * whenever hints had to be dropped because the ready list was full, so
 * memory stays flat under any backlog: the scan is incremental and only
 * reads as many names as the daemon can take.
 *
 * When is a name ready?
 *   moved in (IN_MOVED_TO)           at once: rename is the safe protocol
 *   not a regular file               at once: it will be refused, not waited for
 *   written in place                 after close, once size and mtime stayed
 *                                    the same for settle_ms
 *   found by a scan                  once its mtime is settle_ms old (10 s
 *                                    for the scan at start: its writer may
 *                                    still hold it open, unseen)
 *   ".name", "*.tmp", "*.part"       never, until renamed
 */
#ifndef NEWSD_INBOX_H
#define NEWSD_INBOX_H

#include <stdbool.h>
#include <uv.h>

#include "spool.h"

struct inbox;

typedef void (*inbox_ready_cb)(void *ud);
/* The watch on the inbox folder is gone (the folder moved or deleted, or
 * the kernel dropped the watch): check the folders, then inbox_rewatch(). */
typedef void (*inbox_lost_cb)(void *ud);

int inbox_start(struct inbox **out, uv_loop_t *loop, struct spool *spool,
                unsigned settle_ms, unsigned rescan_s, inbox_ready_cb ready, void *ud);

/* The next name to claim, or NULL when none is ready now.  The string is
 * valid until the next call. */
const char *inbox_next(struct inbox *in);

/* A claim could not happen now (a file of that name is still in work/):
 * offer the name again in a while. */
void inbox_retry_later(struct inbox *in, const char *name);

/* Who hears of a lost watch (with the ud of inbox_start); without one the
 * inbox watches its path again by itself. */
void inbox_on_lost(struct inbox *in, inbox_lost_cb lost);

/* spool->inbox_fd names a new folder (or the watch was lost): watch the
 * path again and rescan, soon, from the loop.  Returns 0 or -errno (then
 * only the rescan timer finds files, and that is logged). */
int inbox_rewatch(struct inbox *in);
/* False after the kernel dropped the watch and it could not be added again. */
bool inbox_watching(const struct inbox *in);

/* Files in the inbox that are not ignored names and were put there (ctime)
 * at least min_age_s ago, counted up to cap: a directory scan, for the
 * stall check only. */
size_t inbox_count_waiting(struct inbox *in, unsigned min_age_s, size_t cap);

void inbox_set_timing(struct inbox *in, unsigned settle_ms, unsigned rescan_s);

/* Stop watching; in is freed once its handles are closed. */
void inbox_stop(struct inbox *in);

/* Names the inbox never takes: ".x", "x.tmp", "x.part". */
bool inbox_name_ignored(const char *name);

#endif
