/*
 * Group commit.  Finished jobs collect in a batch; a batch is handed to the
 * archive plugins (archive() per article, then one commit()) on a libuv
 * thread-pool thread as soon as none is in their hands (batch_ms 0, the
 * default: a batch forms while the one before is being committed, so it
 * is as large as the load makes it and an article arriving at an idle
 * archive waits for nothing), when it holds batch_size jobs, or when
 * batch_ms have passed.
 * Only after commit() succeeded are the batch's work files unlinked (and
 * work/ fsynced, on another pool thread after the batch is reported, one
 * fsync at a time; the loop waits for it at a stop).  One batch is in the
 * archive's hands at a time; a failed commit is retried with backoff and
 * nothing is unlinked.
 */
#ifndef NEWSD_ARCHIVER_H
#define NEWSD_ARCHIVER_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "pipeline.h"
#include "plugins.h"
#include "spool.h"

struct archiver;

/* Called on the loop for each job of a committed batch (archive_rc says
 * NEWSD_OK or NEWSD_DUPLICATE) and for each job whose archive() failed
 * (status JOB_FAILED, cause set; its file is still in work/).  The callback
 * owns the job. */
typedef void (*archiver_done_cb)(struct job *j, void *ud);

int archiver_start(struct archiver **out, uv_loop_t *loop, struct spool *spool,
                   struct plugin_set *plugins, unsigned batch_size, unsigned batch_ms,
                   archiver_done_cb done, void *ud);
void archiver_add(struct archiver *a, struct job *j);
/* Start committing what is collected now, without waiting for batch_ms. */
void archiver_flush(struct archiver *a);
/* True when nothing is collected and nothing is being committed. */
bool archiver_idle(const struct archiver *a);
/* New plugins (a reload); a batch waiting for its retry is retried with
 * them at once.  Not while a commit runs. */
void archiver_set_plugins(struct archiver *a, struct plugin_set *plugins,
                          unsigned batch_size, unsigned batch_ms);
/* The sinks whose outboxes each commit writes (sinks.h); NULL: none.  Not
 * while a commit runs. */
struct sinks;
void archiver_set_sinks(struct archiver *a, struct sinks *sinks);
/* True while a failed commit waits for its retry. */
bool archiver_failing(const struct archiver *a);
/* Since when commits have failed without a success in between (monotonic
 * ms, uv_hrtime's clock), or 0. */
int64_t archiver_failing_since(const struct archiver *a);
/* Give up on everything not committed (shutdown with a broken archive):
 * the jobs are freed, their files stay in work/ for the next start.
 * Returns how many.  Not while a commit runs. */
unsigned archiver_abandon(struct archiver *a);
/* Close the timers; only when idle.  a is freed once they are closed. */
void archiver_stop(struct archiver *a);

#endif
