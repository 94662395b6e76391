/* Group commit of finished articles; see archiver.h. */
#include "archiver.h"
#include "metrics.h"
#include "sched_hint.h"
#include "sinks.h"
#include "xalloc.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RETRY_FIRST_MS 500
#define RETRY_MAX_MS 10000

struct batch {
    struct job *head, *tail;
    unsigned n;
};

struct archiver {
    uv_loop_t *loop;
    struct spool *spool;
    struct plugin_set *plugins;
    unsigned batch_size, batch_ms;
    /* The batch size now: halved by every failed commit down to 1 (a batch
     * that does not fit into the space freed on a full disk may never
     * fit), doubled by every success back up to batch_size. */
    unsigned limit;

    struct batch collecting;
    struct batch committing;     /* in the archive's hands (or waiting for a retry) */
    bool busy;                   /* a uv_work_t is running */
    bool flush_wanted;
    unsigned retry_ms;

    uv_work_t work;
    int commit_rc;
    char failed_plugin[64];
    int64_t failing_since;       /* monotonic ms of the first failed commit in a row; 0: none */
    int unlink_errno;
    /* Where the last commit's time went (uv_hrtime ns), for the debug
     * line that commit_done writes: archive() calls, outbox + commit(),
     * unlinks (the fsync of work/ is sync_work_dir()'s). */
    uint64_t t_queued, t_start, t_archived, t_committed, t_end;

    /* fsync(work/) after the unlinks, off the batch's path (sync_work_dir()). */
    uv_work_t sync_work;
    bool unlinked;               /* commit_work removed work files */
    bool sync_busy, sync_wanted;
    int sync_errno;

    uv_timer_t batch_timer;
    uv_timer_t retry_timer;
    int open_handles;            /* the two timers and a sync_work queued */

    archiver_done_cb done;
    void *ud;
    struct sinks *sinks;         /* outboxes written with each commit; may be NULL */
};

static void batch_push(struct batch *b, struct job *j)
{
    j->next = NULL;
    if (b->tail)
        b->tail->next = j;
    else
        b->head = j;
    b->tail = j;
    b->n++;
}

static void start_commit(struct archiver *a);

/* Put b in front of the jobs collected (they waited longer). */
static void batch_prepend(struct batch *to, struct batch *b)
{
    if (!b->n)
        return;
    b->tail->next = to->head;
    to->head = b->head;
    if (!to->tail)
        to->tail = b->tail;
    to->n += b->n;
    *b = (struct batch){0};
}

/* The first n jobs of from, moved to to (which is empty). */
static void batch_take(struct batch *to, struct batch *from, unsigned n)
{
    *to = (struct batch){0};
    while (from->head && to->n < n) {
        struct job *j = from->head;
        from->head = j->next;
        from->n--;
        batch_push(to, j);
    }
    if (!from->head)
        from->tail = NULL;
}

/* Commit now rather than wait for the batch to fill: asked to, batch_ms
 * is 0, a full batch is there, or jobs of a failed batch are waiting. */
static bool commit_due(const struct archiver *a)
{
    return a->collecting.n && (a->flush_wanted || a->batch_ms == 0 || a->collecting.n >= a->limit ||
                               a->limit < a->batch_size);
}

/* Thread-pool side: archive() each article, commit once, then unlink. */
static void commit_work(uv_work_t *req)
{
    struct archiver *a = req->data;
    const char *plugin = NULL;
    /* Any of libuv's pool threads may run a batch: each asks once. */
    static _Thread_local bool hinted;

    if (!hinted) {
        sched_hint_short_slice("archive thread");
        hinted = true;
    }
    a->t_start = uv_hrtime();
    for (struct job *j = a->committing.head; j; j = j->next) {
        char *cause = NULL;
        const char *p = NULL;
        log_set_article(j->name, j->article->id);
        j->archive_rc = plugin_set_archive(a->plugins, j->article, &p, &cause);
        log_set_article(NULL, NULL);
        if (j->archive_rc == NEWSD_ERROR) {
            job_fail(j, p, "%s", cause);
            free(cause);
        }
    }
    /* The outbox entries are durable before the archive's commit: an
     * archived article cannot lose its delivery (sinks.h). */
    a->t_archived = uv_hrtime();
    char *why = NULL;
    if (sinks_stage(a->sinks, a->committing.head, &why) < 0) {
        log_error("%s", why);
        free(why);
        a->commit_rc = NEWSD_ERROR;
        plugin = "outbox";
    } else {
        a->commit_rc = plugin_set_commit(a->plugins, &plugin);
    }
    a->unlink_errno = 0;
    a->t_committed = a->t_end = uv_hrtime();
    if (a->commit_rc != NEWSD_OK) {
        snprintf(a->failed_plugin, sizeof a->failed_plugin, "%s", plugin ? plugin : "?");
        return;
    }
    /* Durable in the archive: now, and only now, the work files may go.
     * The unlinks are made durable by sync_work_dir(), after the batch is
     * reported. */
    for (struct job *j = a->committing.head; j; j = j->next) {
        if (j->status == JOB_FAILED)
            continue;
        if (unlinkat(a->spool->work_fd, j->name, 0) < 0 && errno != ENOENT)
            a->unlink_errno = errno;
        else
            a->unlinked = true;
    }
    a->t_end = uv_hrtime();
}

/* Why the fsync of work/ is not on the batch's path: the articles are
 * durable once commit() returned, and an unlink lost to a power cut only
 * brings a work file back, which the next start recognises as already
 * archived (a replay).  On the path it was the batch's third device flush
 * after the archive's two (syncfs, the WAL's fsync), each waiting for
 * whatever else the disk had queued.  So it runs on a pool thread of its
 * own while the next batch commits, one at a time, again if more unlinks
 * came meanwhile. */
static void sync_run(uv_work_t *req)
{
    struct archiver *a = req->data;
    a->sync_errno = fsync(a->spool->work_fd) < 0 ? errno : 0;
}

static void sync_work_dir(struct archiver *a);

static void sync_done(uv_work_t *req, int status)
{
    struct archiver *a = req->data;
    a->sync_busy = false;
    if (status == 0 && a->sync_errno)
        log_warning("archived, but could not flush the removal of work files: %s (they are recognised as "
                    "duplicates at the next start after a power cut)", strerror(a->sync_errno));
    if (a->sync_wanted)
        sync_work_dir(a);
    if (--a->open_handles == 0)
        free(a);
}

static void sync_work_dir(struct archiver *a)
{
    if (a->sync_busy) {
        a->sync_wanted = true;
        return;
    }
    a->sync_wanted = false;
    a->sync_work.data = a;
    if (uv_queue_work(a->loop, &a->sync_work, sync_run, sync_done) < 0) {
        /* Nowhere to run it: here, as before. */
        if (fsync(a->spool->work_fd) < 0)
            log_warning("archived, but could not flush the removal of work files: %s", strerror(errno));
        return;
    }
    a->sync_busy = true;
    a->open_handles++;
}

static void on_retry(uv_timer_t *t)
{
    struct archiver *a = t->data;
    start_commit(a);
}

static void commit_done(uv_work_t *req, int status)
{
    struct archiver *a = req->data;
    a->busy = false;
    sinks_settle(a->sinks, status == 0 && a->commit_rc == NEWSD_OK);
    if (status == 0)
        log_debug("archive batch of %u: waited %.1f ms for the thread, archive() %.1f ms, commit %.1f ms, "
                  "unlinks %.1f ms, back on the loop %.1f ms later", a->committing.n,
                  (double)(a->t_start - a->t_queued) / 1e6, (double)(a->t_archived - a->t_start) / 1e6,
                  (double)(a->t_committed - a->t_archived) / 1e6,
                  (double)(a->t_end - a->t_committed) / 1e6, (double)(uv_hrtime() - a->t_end) / 1e6);

    if (status == 0 && a->commit_rc == NEWSD_OK) {
        if (a->unlink_errno)
            log_warning("archived, but could not remove some work files: %s (they are recognised as "
                        "duplicates at the next start)", strerror(a->unlink_errno));
        if (a->retry_ms)
            log_notice("archive commit succeeded again after an error (a batch of %u)", a->committing.n);
        a->retry_ms = 0;
        a->failing_since = 0;
        a->limit = a->limit * 2 < a->batch_size ? a->limit * 2 : a->batch_size;
        bool unlinked = a->unlinked;
        a->unlinked = false;
        struct job *j = a->committing.head;
        a->committing = (struct batch){0};
        /* The next batch first, then the finished one's results: those
         * log, free and claim new files (done() pumps the inbox), a few ms
         * a batch on the loop that the archive thread would wait for. */
        if (commit_due(a))
            start_commit(a);
        if (unlinked)
            sync_work_dir(a);
        while (j) {
            struct job *next = j->next;
            j->next = NULL;
            a->done(j, a->ud);
            j = next;
        }
        return;
    }

    /* Articles whose archive() failed leave the batch for failed/; the rest
     * wait in work/ and are offered again. */
    struct batch keep = {0};
    struct job *j = a->committing.head;
    while (j) {
        struct job *next = j->next;
        if (j->status == JOB_FAILED) {
            j->next = NULL;
            a->done(j, a->ud);
        } else {
            batch_push(&keep, j);
        }
        j = next;
    }
    metrics_commit_retry();
    if (!a->failing_since)
        a->failing_since = (int64_t)(uv_hrtime() / 1000000);
    a->retry_ms = a->retry_ms ? a->retry_ms * 2 : RETRY_FIRST_MS;
    if (a->retry_ms > RETRY_MAX_MS)
        a->retry_ms = RETRY_MAX_MS;
    unsigned tried = a->committing.n < a->limit ? a->committing.n : a->limit;
    a->limit = tried > 1 ? tried / 2 : 1;
    /* The retry takes the first of them, as many as the halved size; the
     * rest wait in front of the newer articles. */
    unsigned failed_n = keep.n;
    batch_take(&a->committing, &keep, a->limit);
    batch_prepend(&a->collecting, &keep);
    if (status != 0)
        log_error("archive commit could not run: %s; retrying in %u ms", uv_strerror(status), a->retry_ms);
    else
        log_error("archive plugin %s failed to commit a batch of %u articles; they stay in work/ and are "
                  "retried in %u ms, %u at a time", a->failed_plugin, failed_n, a->retry_ms, a->limit);
    uv_timer_start(&a->retry_timer, on_retry, a->retry_ms, 0);
}

static void start_commit(struct archiver *a)
{
    if (a->busy || uv_is_active((uv_handle_t *)&a->retry_timer))
        return;
    /* A batch that failed before is retried first and alone, so its size
     * stays bounded; new articles join the next one. */
    if (!a->committing.n) {
        if (!a->collecting.n)
            return;
        batch_take(&a->committing, &a->collecting, a->limit);
        if (!a->collecting.n) {
            a->flush_wanted = false;
            uv_timer_stop(&a->batch_timer);
        }
    }
    a->busy = true;
    a->work.data = a;
    a->t_queued = uv_hrtime();
    int rc = uv_queue_work(a->loop, &a->work, commit_work, commit_done);
    if (rc < 0) {
        a->busy = false;
        log_error("cannot queue the archive commit: %s", uv_strerror(rc));
        uv_timer_start(&a->retry_timer, on_retry, RETRY_FIRST_MS, 0);
    }
}

static void on_batch_timer(uv_timer_t *t)
{
    archiver_flush(t->data);
}

int archiver_start(struct archiver **out, uv_loop_t *loop, struct spool *spool,
                   struct plugin_set *plugins, unsigned batch_size, unsigned batch_ms,
                   archiver_done_cb done, void *ud)
{
    struct archiver *a = xcalloc(1, sizeof *a);
    a->loop = loop;
    a->spool = spool;
    a->plugins = plugins;
    a->batch_size = batch_size;
    a->batch_ms = batch_ms;
    a->limit = batch_size;
    a->done = done;
    a->ud = ud;
    uv_timer_init(loop, &a->batch_timer);
    uv_timer_init(loop, &a->retry_timer);
    a->batch_timer.data = a->retry_timer.data = a;
    a->open_handles = 2;
    *out = a;
    return 0;
}

void archiver_add(struct archiver *a, struct job *j)
{
    batch_push(&a->collecting, j);
    if (a->collecting.n >= a->limit || a->batch_ms == 0)
        archiver_flush(a);
    else if (!uv_is_active((uv_handle_t *)&a->batch_timer))
        uv_timer_start(&a->batch_timer, on_batch_timer, a->batch_ms, 0);
}

void archiver_flush(struct archiver *a)
{
    if (a->busy || uv_is_active((uv_handle_t *)&a->retry_timer)) {
        a->flush_wanted = true;
        return;
    }
    start_commit(a);
}

bool archiver_idle(const struct archiver *a)
{
    return !a->busy && !a->collecting.n && !a->committing.n;
}

bool archiver_failing(const struct archiver *a)
{
    return !a->busy && uv_is_active((const uv_handle_t *)&a->retry_timer);
}

static unsigned batch_drop(struct batch *b)
{
    unsigned n = b->n;
    while (b->head) {
        struct job *j = b->head;
        b->head = j->next;
        job_free(j);
    }
    *b = (struct batch){0};
    return n;
}

unsigned archiver_abandon(struct archiver *a)
{
    if (a->busy)
        return 0;
    uv_timer_stop(&a->retry_timer);
    uv_timer_stop(&a->batch_timer);
    return batch_drop(&a->committing) + batch_drop(&a->collecting);
}

void archiver_set_plugins(struct archiver *a, struct plugin_set *plugins,
                          unsigned batch_size, unsigned batch_ms)
{
    a->plugins = plugins;
    a->batch_size = batch_size;
    a->batch_ms = batch_ms;
    if (a->limit > batch_size)
        a->limit = batch_size;
    /* A batch waiting for its retry gets it now: new plugins are what an
     * operator reloads to mend a failing archive. */
    if (archiver_failing(a))
        uv_timer_start(&a->retry_timer, on_retry, 0, 0);
}

static void on_closed(uv_handle_t *h)
{
    struct archiver *a = h->data;
    if (--a->open_handles == 0)
        free(a);
}

void archiver_stop(struct archiver *a)
{
    uv_close((uv_handle_t *)&a->batch_timer, on_closed);
    uv_close((uv_handle_t *)&a->retry_timer, on_closed);
}

void archiver_set_sinks(struct archiver *a, struct sinks *sinks)
{
    a->sinks = sinks;
}

int64_t archiver_failing_since(const struct archiver *a)
{
    return a->failing_since;
}
