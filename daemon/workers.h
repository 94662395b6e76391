/*
 * The worker pool: a fixed set of threads taking jobs from one queue and
 * handing finished jobs back to the loop through a uv_async_t.
 *
 * The queue itself is not bounded here: the loop bounds how many jobs are
 * in flight (claimed and not yet archived), which covers the queue, the
 * workers and the archive batch at once.
 */
#ifndef NEWSD_WORKERS_H
#define NEWSD_WORKERS_H

#include <uv.h>

#include "budget.h"
#include "pipeline.h"
#include "spool.h"

struct workers;

typedef void (*workers_done_cb)(struct job *j, void *ud);

/* max_article_ms: the time budget of each article's plugin calls. */
int workers_start(struct workers **out, uv_loop_t *loop, unsigned n, struct spool *spool,
                  uint64_t max_bytes, const struct article_limits *limits, unsigned max_article_ms,
                  struct plugin_set *plugins, workers_done_cb done, void *ud);

void workers_submit(struct workers *w, struct job *j);

/* Only while no job is queued or running (the loop quiesces first). */
void workers_set_plugins(struct workers *w, struct plugin_set *plugins, uint64_t max_bytes,
                         const struct article_limits *limits, unsigned max_article_ms);

/* The watchdog (budget.h): the first worker not yet abandoned whose call,
 * or article, has run for more than factor times its budget, with *out
 * saying where; -1 when none. */
int workers_find_stuck(struct workers *w, unsigned factor, struct budget_stuck *out);

/* Give up on worker i's job: it is never handed back and the thread is
 * never joined (its pool is never freed); its journal gets the mark that
 * makes the next start move the file to failed/ with cause.  The daemon
 * must then exit without finalising plugins.  Returns 0, or -1 when the
 * worker handed its job back meanwhile. */
int workers_abandon(struct workers *w, unsigned i, const char *plugin, const char *cause);

/* Take back the jobs not yet started (they stay in work/ for the next
 * start).  Returns a list linked through next. */
struct job *workers_take_queued(struct workers *w);

/* Stop the threads after their current job; deliver the last results;
 * close the async handle.  w is freed once the handle is closed (unless a
 * worker was abandoned). */
void workers_stop(struct workers *w);

#endif
