/* Worker threads: queue in, uv_async_t out; the watchdog's view of them. */
#include "workers.h"
#include "budget.h"
#include "crash_report.h"
#include "xalloc.h"
#include "log.h"
#include "lua_host.h"
#include "metrics.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct worker {
    struct workers *pool;
    uv_thread_t thread;
    bool started;
    int journal_fd;
    struct budget_watch watch;   /* read by the loop's watchdog */
    struct job *current;         /* under pool->lock */
    bool abandoned;              /* under pool->lock: see workers_abandon() */
};

struct workers {
    uv_loop_t *loop;
    uv_mutex_t lock;
    uv_cond_t cond;
    struct job *queue_head, *queue_tail;
    struct job *done_head, *done_tail;
    bool stopping;
    unsigned n_abandoned;
    uv_async_t async;

    struct worker *v;
    unsigned n;
    int dir_fd;
    char *dir_path;
    uint64_t max_bytes;
    struct article_limits limits;
    unsigned max_article_ms;
    struct plugin_set *plugins;

    workers_done_cb done;
    void *ud;
};

static void append(struct job **head, struct job **tail, struct job *j)
{
    j->next = NULL;
    if (*tail)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

static void worker_main(void *arg)
{
    struct worker *self = arg;
    struct workers *w = self->pool;

    /* Lua plugins keep one state per worker, picked by this index. */
    l_host_set_worker((unsigned)(self - w->v));
    budget_watch_attach(&self->watch);
    /* A crash on an article here is counted (the journal, spool.h). */
    crash_report_thread_begin("; newsd stops, and the article is tried again at the next start (moved to "
                              "failed/ once newsd has crashed on it max_attempts times)");

    uv_mutex_lock(&w->lock);
    for (;;) {
        while (!w->queue_head && !w->stopping)
            uv_cond_wait(&w->cond, &w->lock);
        if (w->stopping)
            break;
        struct job *j = w->queue_head;
        w->queue_head = j->next;
        if (!w->queue_head)
            w->queue_tail = NULL;
        self->current = j;
        unsigned article_ms = w->max_article_ms;
        struct pipeline_opts o = {
            .dir_fd = w->dir_fd,
            .dir_path = w->dir_path,
            .max_bytes = w->max_bytes,
            .limits = &w->limits,
            .plugins = w->plugins,
            .journal_fd = self->journal_fd,
            .prepare_archive = true,
        };
        uv_mutex_unlock(&w->lock);

        budget_article_begin(j->name, article_ms);
        pipeline_run(&o, j);
        budget_article_end();

        uv_mutex_lock(&w->lock);
        if (self->abandoned) {
            /* The loop gave up on this job and forgot it (the daemon is
             * exiting): hand nothing back, touch nothing of the loop's. */
            uv_mutex_unlock(&w->lock);
            crash_report_thread_end();
            return;
        }
        self->current = NULL;
        append(&w->done_head, &w->done_tail, j);
        uv_async_send(&w->async);
    }
    uv_mutex_unlock(&w->lock);
    crash_report_thread_end();
}

static void deliver(uv_async_t *h)
{
    struct workers *w = h->data;

    uv_mutex_lock(&w->lock);
    struct job *j = w->done_head;
    w->done_head = w->done_tail = NULL;
    uv_mutex_unlock(&w->lock);

    while (j) {
        struct job *next = j->next;
        j->next = NULL;
        w->done(j, w->ud);
        j = next;
    }
}

static void pool_free(struct workers *w)
{
    while (w->queue_head) {
        struct job *j = w->queue_head;
        w->queue_head = j->next;
        job_free(j);
    }
    for (unsigned i = 0; i < w->n; i++)
        if (w->v[i].journal_fd >= 0)
            close(w->v[i].journal_fd);
    free(w->v);
    free(w->dir_path);
    uv_cond_destroy(&w->cond);
    uv_mutex_destroy(&w->lock);
    free(w);
}

int workers_start(struct workers **out, uv_loop_t *loop, unsigned n, struct spool *spool,
                  uint64_t max_bytes, const struct article_limits *limits, unsigned max_article_ms,
                  struct plugin_set *plugins, workers_done_cb done, void *ud)
{
    struct workers *w = xcalloc(1, sizeof *w);
    w->v = xcalloc(n, sizeof *w->v);
    w->loop = loop;
    w->n = n;
    w->dir_fd = spool->work_fd;
    w->dir_path = xasprintf("%s/work", spool->state_dir);
    w->max_bytes = max_bytes;
    w->limits = *limits;
    w->max_article_ms = max_article_ms;
    w->plugins = plugins;
    w->done = done;
    w->ud = ud;
    l_host_register_workers(n);
    if (uv_mutex_init(&w->lock) || uv_cond_init(&w->cond))
        abort();
    for (unsigned i = 0; i < n; i++) {
        w->v[i].pool = w;
        w->v[i].journal_fd = spool_journal_open(spool, i);
        if (w->v[i].journal_fd < 0)
            log_warning("cannot open the in-flight journal for worker %u; poison articles will not "
                        "be detected", i);
    }
    int rc = uv_async_init(loop, &w->async, deliver);
    if (rc < 0) {
        pool_free(w);
        return rc;
    }
    w->async.data = w;
    for (unsigned i = 0; i < n; i++) {
        rc = uv_thread_create(&w->v[i].thread, worker_main, &w->v[i]);
        if (rc < 0) {
            log_error("cannot start worker thread %u: %s", i, uv_strerror(rc));
            workers_stop(w);
            return rc;
        }
        w->v[i].started = true;
    }
    *out = w;
    return 0;
}

void workers_submit(struct workers *w, struct job *j)
{
    uv_mutex_lock(&w->lock);
    append(&w->queue_head, &w->queue_tail, j);
    uv_cond_signal(&w->cond);
    uv_mutex_unlock(&w->lock);
}

void workers_set_plugins(struct workers *w, struct plugin_set *plugins, uint64_t max_bytes,
                         const struct article_limits *limits, unsigned max_article_ms)
{
    uv_mutex_lock(&w->lock);
    w->plugins = plugins;
    w->max_bytes = max_bytes;
    w->limits = *limits;
    w->max_article_ms = max_article_ms;
    uv_mutex_unlock(&w->lock);
}

int workers_find_stuck(struct workers *w, unsigned factor, struct budget_stuck *out)
{
    uint64_t now = metrics_now_ns();
    for (unsigned i = 0; i < w->n; i++) {
        uv_mutex_lock(&w->lock);
        bool abandoned = w->v[i].abandoned;
        uv_mutex_unlock(&w->lock);
        if (!abandoned && budget_watch_stuck(&w->v[i].watch, now, factor, out))
            return (int)i;
    }
    return -1;
}

int workers_abandon(struct workers *w, unsigned i, const char *plugin, const char *cause)
{
    struct worker *self = &w->v[i];
    int rc = -1;
    uv_mutex_lock(&w->lock);
    if (self->current && !self->abandoned) {
        self->abandoned = true;
        w->n_abandoned++;
        if (spool_journal_mark(self->journal_fd, self->current->name, plugin, cause) < 0)
            log_error("cannot mark %s in the in-flight journal of worker %u: the next start counts it as a "
                      "crash instead of setting it aside", self->current->name, i);
        rc = 0;
    }
    uv_mutex_unlock(&w->lock);
    return rc;
}

struct job *workers_take_queued(struct workers *w)
{
    uv_mutex_lock(&w->lock);
    struct job *j = w->queue_head;
    w->queue_head = w->queue_tail = NULL;
    uv_mutex_unlock(&w->lock);
    return j;
}

static void on_async_closed(uv_handle_t *h)
{
    struct workers *w = h->data;
    /* An abandoned thread may still wake up and take the lock. */
    if (!w->n_abandoned)
        pool_free(w);
}

void workers_stop(struct workers *w)
{
    uv_mutex_lock(&w->lock);
    w->stopping = true;
    uv_cond_broadcast(&w->cond);
    uv_mutex_unlock(&w->lock);
    for (unsigned i = 0; i < w->n; i++)
        if (w->v[i].started && !w->v[i].abandoned)
            uv_thread_join(&w->v[i].thread);
    /* Results that arrived after the last async callback. */
    deliver(&w->async);
    for (unsigned i = 0; i < w->n; i++)
        if (!w->v[i].abandoned)
            spool_journal_end(w->v[i].journal_fd);
    uv_close((uv_handle_t *)&w->async, on_async_closed);
}
