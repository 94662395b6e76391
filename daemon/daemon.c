/*
 * The daemon's loop: claims, dispatch, results, reload and shutdown.
 *
 * In flight = claimed and not yet archived or failed.  It is bounded
 * (queue_size + 2 * batch_size), and the loop claims nothing while it is at
 * the bound: that single number is the backpressure of the whole pipeline.
 *
 * Reload and shutdown both first let in-flight articles finish, so plugins
 * are never swapped or finalised under a worker (the one exception is a
 * call that never returns: see "the watchdog" below):
 *   reload:   new config and plugins are loaded beside the old (refused whole
 *             if anything fails), claiming pauses, in-flight drains, swap.
 *   shutdown: claiming stops, queued-but-unstarted jobs are left in work/
 *             (resumed at the next start), running ones finish and commit.
 *
 * What it reports is data: the counters (struct daemon_counters) and, for
 * the control API, a snapshot of them with the gauges (status.h); the
 * /status and /metrics formats are control_status.c's.
 */
#include "daemon.h"
#include "action_counts.h"
#include "tag_trends.h"
#include "datadir.h"
#include "archiver.h"
#include "inputs.h"
#include "sinks.h"
#include "budget.h"
#include "config.h"
#include "control.h"
#include "fdlimit.h"
#include "fifo.h"
#include "folders.h"
#include "health.h"
#include "inbox.h"
#include "liveness.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "sched_hint.h"
#include "pipeline.h"
#include "plugins.h"
#include "retry.h"
#include "spool.h"
#include "status.h"
#include "workers.h"
#include "xalloc.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define TMP_MAX_AGE_S (36 * 3600)
#define WATCHDOG_MS 1000
/* The upkeep timer: state folders checked, stalls looked for (folders.h). */
#define UPKEEP_MS 2000
#define WORK_SCAN_MS 30000
/* The stall check counts the inbox's waiting files up to this many. */
#define STALL_COUNT_CAP 100000

struct daemon {
    uv_loop_t loop;
    bool loop_ready;
    const char *config_path;
    const char *state_dir_override;
    int log_level_override;
    const char *control_socket_override;

    struct daemon_config cfg;
    struct spool spool;
    struct plugin_set *plugins;
    struct workers *workers;
    struct archiver *archiver;
    struct sinks *sinks;           /* outboxes and delivery threads (sinks.h) */
    struct inputs *inputs;         /* input plugins' threads (inputs.h) */
    struct inbox *inbox;
    struct retry_queue *retries;   /* jobs put off by transient faults */
    unsigned n_workers;
    /* A shortage of descriptors or memory (retry.h): nothing new is taken
     * before this (uv_now). */
    uint64_t short_until;
    bool pumping, pump_again;

    uv_signal_t sig_term, sig_int, sig_hup;
    uv_timer_t status_timer;
    uv_timer_t watchdog;
    /* Calls the watchdog gave up on: their jobs are out of inflight and
     * will never come back; the daemon exits DAEMON_EXIT_STUCK. */
    unsigned abandoned;
    uint64_t stuck_exit_ns;   /* exit by then even if the rest has not drained */
    bool closing;             /* close_loop_handles() ran */

    /* Upkeep (/health): the state folders (folders.h), claim errors and
     * stalls (liveness.h), and the reload the archive's folder asks for. */
    uv_timer_t upkeep_timer;
    struct folders folders;
    struct liveness liveness;
    bool archive_reload_wanted;
    int64_t work_scanned;     /* mono_ms of the last look for the oldest work/ file */

    /* Files found in work/ at start, offered before the inbox. */
    char **resume;
    size_t n_resume, next_resume;
    struct attempt *attempts;
    size_t n_attempts;

    unsigned inflight, max_inflight;
    enum daemon_state state;
    bool stop_requested;   /* during a reload */
    bool reload_queued;    /* a SIGHUP came during a reload */
    struct daemon_config next_cfg;
    struct plugin_set *next_plugins;

    struct daemon_counters counters;   /* /status and /metrics: status.h */

    /* The control API.  queries: archive queries running off the loop on
     * the current plugin set; a reload or shutdown waits for them like for
     * articles in flight.  at_workers: jobs handed to the workers and not
     * back yet (queue depth is the part beyond the worker count). */
    struct control *control;
    unsigned queries;
    unsigned at_workers;
    bool reload_from_api;    /* a POST /reload waits for apply_reload */
    int64_t started_ms;
    struct rate finished;    /* archived, duplicates, failed: last minute */
    /* work/.reprocess-<id> names (malloc'd) waiting to be claimed,
     * before the inbox. */
    struct fifo reprocess;
    /* trim_after_burst(): articles finished since the last trim, and when. */
    unsigned since_trim;
    int64_t trimmed_ms;
};

static void pump(struct daemon *d);
static void check_drained(struct daemon *d);
static void begin_stop(struct daemon *d, const char *why);
static unsigned check_folders(struct daemon *d);
static void on_upkeep_timer(uv_timer_t *t);
static int begin_reload(struct daemon *d, const char *why, char **err);

static int64_t mono_ms(void)
{
    return (int64_t)(uv_hrtime() / 1000000);
}

static unsigned max_inflight(const struct daemon_config *cfg)
{
    return cfg->queue_size + 2 * cfg->batch_size;
}

/* ---- results ------------------------------------------------------------ */

/* Bytes of s to print for at most max bytes without cutting a character. */
static int utf8_prefix(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    if (n <= max)
        return (int)n;
    n = max;
    while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

/* A burst leaves its articles' memory free but resident: chunks freed
 * between live ones stay in glibc's arenas (the trim threshold only
 * returns the top of a heap).  Once nothing is in flight, give it back,
 * after TRIM_AFTER articles and at most every TRIM_EVERY_MS, so that a
 * trickle of articles does not pay malloc_trim's walk of the arenas (a few
 * ms) each time the pipeline empties.  This lowers the RSS between bursts,
 * not the peak of one. */
#define TRIM_AFTER 256
#define TRIM_EVERY_MS 10000

static void trim_after_burst(struct daemon *d)
{
    if (d->inflight || d->since_trim < TRIM_AFTER || mono_ms() - d->trimmed_ms < TRIM_EVERY_MS)
        return;
    malloc_trim(0);
    d->since_trim = 0;
    d->trimmed_ms = mono_ms();
}

static void job_finished(struct daemon *d, struct job *j)
{
    rate_add(&d->finished, now_ms() / 1000, 1);
    liveness_progress(&d->liveness, mono_ms());
    job_free(j);
    assert(d->inflight > 0);
    d->inflight--;
    d->since_trim++;
    check_drained(d);
    pump(d);
    trim_after_burst(d);
}

/* A job that leaves without an end: its file stays in work/ and the next
 * start resumes it (a shutdown). */
static void job_left(struct daemon *d, struct job *j)
{
    job_free(j);
    assert(d->inflight > 0);
    d->inflight--;
    check_drained(d);
}

/* Put j off after a transient fault; its file stays where it is. */
static void put_off(struct daemon *d, struct job *j, const char *what)
{
    const char *id = j->article ? j->article->id : j->failed_id;
    if (d->state == DAEMON_STOPPING) {
        log_set_article(j->name, id);
        log_warning("%s; it stays in work/ for the next start", what);
        log_set_article(NULL, NULL);
        job_left(d, j);
        return;
    }
    unsigned delay = retry_delay_ms(j->retries);
    /* One warning per article; the tries after it only at debug level, so
     * that a long fault does not fill the log (log.h folds the rest). */
    log_set_article(j->name, id);
    log_msg(j->retries ? NEWSD_LOG_DEBUG : NEWSD_LOG_WARNING, "%s; it stays in work/ and will retry in %u ms",
            what, delay);
    log_set_article(NULL, NULL);
    if (retry_shortage(j->fault))
        d->short_until = uv_now(&d->loop) + delay;
    /* Nothing of the plugin set stays with it: a reload may come first. */
    if (j->article && !j->failed_id && j->status == JOB_FAILED)
        j->failed_id = xstrdup(j->article->id);
    article_free(j->article);
    j->article = NULL;
    j->retries++;
    retry_queue_add(d->retries, j, delay);
}

/* To failed/ with its sidecar.  A move that cannot happen now (a full
 * disk, no descriptors) is retried: the article is counted as failed only
 * once it is in failed/, and never left stranded in work/. */
static void fail_job(struct daemon *d, struct job *j)
{
    const char *id = j->article ? j->article->id : j->failed_id;
    const char *cause = j->cause ? j->cause : "unknown cause";
    int rc = spool_fail(&d->spool, j->name, id, j->plugin, cause);

    /* failed/ or work/ deleted under us: made again, the move may work now. */
    if (rc == -ENOENT && (check_folders(d) & FOLDERS_REPAIRED))
        rc = spool_fail(&d->spool, j->name, id, j->plugin, cause);
    if (rc == -ENOENT) {
        /* Nothing left to move or to try again. */
        log_set_article(j->name, id);
        log_error("failed: %s; and its file is gone from %s/work (removed by someone else?)", cause,
                  d->spool.state_dir);
        log_set_article(NULL, NULL);
        d->counters.failed++;
        job_finished(d, j);
        return;
    }
    if (rc < 0) {
        char *what = xasprintf("failed: %s; but cannot move it to %s/failed now: %s (%s)", cause,
                               d->spool.state_dir, strerror(-rc), strerrorname_np(-rc));
        j->fault = -rc;
        put_off(d, j, what);
        free(what);
        return;
    }
    log_set_article(j->name, id);
    log_warning("failed: %s; moved to failed/", cause);
    log_set_article(NULL, NULL);
    d->counters.failed++;
    job_finished(d, j);
}

/* From the archiver: committed (archived or duplicate), or archive() failed. */
static void on_archived(struct job *j, void *ud)
{
    struct daemon *d = ud;
    struct newsd_article *a = j->article;

    if (j->status == JOB_FAILED) {
        fail_job(d, j);
        return;
    } else if (j->archive_rc == NEWSD_DUPLICATE && j->resumed) {
        /* Almost always the file whose batch the last run committed just
         * before it stopped, when the work file was not removed yet: not
         * a producer sending the article twice, so not counted as one. */
        log_set_article(j->name, a->id);
        log_info("already archived before a restart (replay): the last run stopped before removing "
                 "the work file; not stored again");
        log_set_article(NULL, NULL);
        d->counters.replayed++;
        metrics_processing_time((uint64_t)(now_ms() - j->received_ms) * 1000000u);
    } else if (j->archive_rc == NEWSD_DUPLICATE) {
        log_set_article(j->name, a->id);
        log_info("duplicate of %s: already archived, not stored again", a->id);
        log_set_article(NULL, NULL);
        d->counters.duplicates++;
        metrics_processing_time((uint64_t)(now_ms() - j->received_ms) * 1000000u);
    } else {
        log_set_article(j->name, a->id);
        const char *title = newsd_article_get(a, NEWSD_FIELD_TITLE);
        log_info("archived: \"%.*s\" (%zu tags, score %.2f, action %s, %lld ms after claim)",
                 utf8_prefix(title, 80), title, a->n_tags, newsd_article_score_total(a), a->action,
                 (long long)(now_ms() - j->received_ms));
        log_set_article(NULL, NULL);
        action_counts_add(a->action);
        if (j->reprocessing) {
            d->counters.reprocessed++;
        } else {
            d->counters.archived++;
            /* Only the dashboard shows the trends and keeps them
             * (web_trends.c, trends_file.c); without it their counts
             * were ~0.6 MB after 10,000 articles, for nothing.
             * web_listen changes only with a restart. */
            if (d->cfg.web_listen && *d->cfg.web_listen)
                tag_trends_add(a, now_ms());
        }
        metrics_processing_time((uint64_t)(now_ms() - j->received_ms) * 1000000u);
    }
    job_finished(d, j);
}

/* From the workers: processed or failed. */
static void on_processed(struct job *j, void *ud)
{
    struct daemon *d = ud;

    assert(d->at_workers > 0);
    d->at_workers--;
    if (j->status == JOB_FAILED) {
        fail_job(d, j);
        return;
    }
    if (j->status == JOB_RETRY) {
        put_off(d, j, j->cause ? j->cause : "transient fault");
        return;
    }
    archiver_add(d->archiver, j);
    if (d->state != DAEMON_RUNNING)
        archiver_flush(d->archiver);   /* draining: do not wait for batch_ms */
}

/* ---- claiming ------------------------------------------------------------ */

static unsigned attempts_of(struct daemon *d, const char *name)
{
    for (size_t i = 0; i < d->n_attempts; i++)
        if (strcmp(d->attempts[i].name, name) == 0)
            return d->attempts[i].count;
    return 0;
}

static void dispatch(struct daemon *d, const char *name, unsigned attempts, bool resumed)
{
    struct job *j = job_new(name, now_ms());
    j->attempts = attempts;
    j->resumed = resumed;
    /* By name, so a reprocess file resumed after a crash keeps its mark;
     * no claim from the inbox yields such a name (spool.h). */
    j->reprocessing = spool_is_reprocess_name(name);
    assert(d->inflight < UINT_MAX);
    if (!d->inflight)
        liveness_progress(&d->liveness, mono_ms());   /* stalled only from now on */
    d->inflight++;
    if (!j->reprocessing)
        d->counters.received++;
    char *poison = spool_poison_cause(attempts, d->cfg.max_attempts);
    if (poison) {
        job_fail(j, NULL, "%s", poison);
        free(poison);
        fail_job(d, j);
        return;
    }
    d->at_workers++;
    workers_submit(d->workers, j);
}

/* A put-off job whose time has come: to failed/ again, or to the workers. */
static void retry_job(struct daemon *d, struct job *j)
{
    if (j->status == JOB_FAILED) {
        fail_job(d, j);
        return;
    }
    j->status = JOB_PENDING;
    free(j->cause);
    j->cause = NULL;
    j->fault = 0;
    d->at_workers++;
    workers_submit(d->workers, j);
}

static void pump_once(struct daemon *d)
{
    /* Already in flight: not bound by max_inflight. */
    for (struct job *j; d->state == DAEMON_RUNNING && (j = retry_queue_pop_due(d->retries));)
        retry_job(d, j);
    if (d->state != DAEMON_RUNNING || uv_now(&d->loop) < d->short_until)
        return;
    while (d->inflight < d->max_inflight) {
        if (d->next_resume < d->n_resume) {
            char *name = d->resume[d->next_resume++];
            dispatch(d, name, attempts_of(d, name), true);
            continue;
        }
        char *again = fifo_pop(&d->reprocess);
        if (again) {
            dispatch(d, again, 0, false);
            free(again);
            continue;
        }
        const char *name = inbox_next(d->inbox);
        if (!name)
            break;
        int rc = spool_claim(&d->spool, name);
        if (rc == -ENOENT) {
            /* Gone (taken already, or removed by its producer), unless a
             * folder is: work/ deleted says ENOENT too. */
            unsigned f = check_folders(d);
            if (f & FOLDERS_REPAIRED)
                rc = spool_claim(&d->spool, name);
            if (rc == -ENOENT && !(f & FOLDERS_BROKEN))
                continue;
        }
        if (rc == -EEXIST) {
            log_debug("%s: a file of that name is still in work/; claiming it later", name);
            inbox_retry_later(d->inbox, name);
            continue;
        }
        if (rc < 0 && retry_transient(-rc)) {
            log_warning("cannot claim %s/%s: %s (%s); it stays in the inbox and will retry", d->spool.inbox_path,
                        name, strerror(-rc), strerrorname_np(-rc));
            inbox_retry_later(d->inbox, name);
            if (retry_shortage(-rc))
                d->short_until = uv_now(&d->loop) + retry_delay_ms(0);
            break;
        }
        if (rc < 0) {
            /* The next names would meet the same cause: wait for the retry. */
            liveness_claim_failed(&d->liveness, d->spool.inbox_path, name, rc);
            inbox_retry_later(d->inbox, name);
            break;
        }
        liveness_claimed(&d->liveness, mono_ms());
        dispatch(d, name, 0, false);
    }
}

/* A job that ends at once (failed/, a poison article) calls pump() again
 * from inside: that only asks for another round, so the stack stays flat. */
static void pump(struct daemon *d)
{
    if (d->pumping) {
        d->pump_again = true;
        return;
    }
    d->pumping = true;
    do {
        d->pump_again = false;
        if (d->state == DAEMON_RUNNING)
            pump_once(d);
    } while (d->pump_again);
    d->pumping = false;
}

static void on_inbox_ready(void *ud)
{
    pump(ud);
}

static void on_retry_due(void *ud)
{
    pump(ud);
}

/* ---- upkeep: folders and stalls ------------------------------------------- */

/* The state folders (folders.h), from anywhere on the loop, pump() included:
 * what must not run inside pump (a reload, pumping again) is left to the
 * upkeep timer.  Returns FOLDERS_* flags. */
static unsigned check_folders(struct daemon *d)
{
    unsigned f = folders_check(&d->folders, &d->spool);
    if (d->inbox && ((f & FOLDERS_INBOX_NEW) || !inbox_watching(d->inbox)))
        inbox_rewatch(d->inbox);
    if (f & FOLDERS_ARCHIVE_GONE) {
        d->archive_reload_wanted = true;
        uv_timer_start(&d->upkeep_timer, on_upkeep_timer, 0, UPKEEP_MS);
    }
    return f;
}

static size_t count_waiting(void *ud, unsigned min_age_s)
{
    struct daemon *d = ud;
    return inbox_count_waiting(d->inbox, min_age_s, STALL_COUNT_CAP);
}

static void on_upkeep_timer(uv_timer_t *t)
{
    struct daemon *d = t->data;

    check_folders(d);
    /* A reload that waits for a failing archive: nothing else says when
     * the archive started waiting for its retry. */
    if (d->state == DAEMON_RELOADING)
        check_drained(d);
    if (d->archive_reload_wanted && d->state == DAEMON_RUNNING) {
        char *err = NULL;
        int rc = begin_reload(d, "archive/ went away", &err);
        if (rc == CONTROL_RELOAD_REFUSED)
            health_set("folder:archive", "archive/ went away, and the reload that would open the archive anew "
                       "was refused: %s", err ? err : "?");
        if (rc != CONTROL_RELOAD_BUSY)
            d->archive_reload_wanted = false;
        free(err);
    }
    struct liveness_view v = {
        .now = mono_ms(),
        .stall_s = d->cfg.stall_s,
        .can_claim = d->state == DAEMON_RUNNING && d->inflight < d->max_inflight,
        .in_flight = d->inflight,
        .count_waiting = count_waiting,
        .ud = d,
        .commit_failing_since = archiver_failing_since(d->archiver),
        .work_age_s = d->cfg.work_age_s,
        .wall_now = now_ms(),
    };
    /* work/ holds at most what is in flight, but a scan on every round
     * would still be waste: one in WORK_SCAN_MS is enough for an age
     * counted in minutes. */
    char oldest[NAME_MAX + 1];
    if (d->cfg.work_age_s && v.now - d->work_scanned >= WORK_SCAN_MS) {
        d->work_scanned = v.now;
        int rc = spool_oldest_work(&d->spool, oldest, &v.oldest_work_ms);
        v.work_checked = rc >= 0;
        if (rc <= 0)
            v.oldest_work_ms = 0;
        v.oldest_work = oldest;
    }
    liveness_check(&d->liveness, &v);
    pump(d);
}

/* The inbox's watch is gone: look at once, from the loop. */
static void on_inbox_lost(void *ud)
{
    struct daemon *d = ud;
    uv_timer_start(&d->upkeep_timer, on_upkeep_timer, 0, UPKEEP_MS);
}

/* ---- reload and shutdown ------------------------------------------------- */

static void close_loop_handles(struct daemon *d)
{
    d->closing = true;
    uv_close((uv_handle_t *)&d->sig_term, NULL);
    uv_close((uv_handle_t *)&d->sig_int, NULL);
    uv_close((uv_handle_t *)&d->sig_hup, NULL);
    uv_close((uv_handle_t *)&d->status_timer, NULL);
    uv_close((uv_handle_t *)&d->watchdog, NULL);
    uv_close((uv_handle_t *)&d->upkeep_timer, NULL);
    control_stop(d->control);
    d->control = NULL;
    inbox_stop(d->inbox);
    retry_queue_stop(d->retries);
    archiver_stop(d->archiver);
    workers_stop(d->workers);
}

static void apply_reload(struct daemon *d)
{
    struct plugin_set *old = d->plugins;

    d->plugins = d->next_plugins;
    d->next_plugins = NULL;
    workers_set_plugins(d->workers, d->plugins, d->next_cfg.max_article_bytes,
                        &d->next_cfg.article_limits, d->next_cfg.max_article_ms);
    archiver_set_plugins(d->archiver, d->plugins, d->next_cfg.batch_size, d->next_cfg.batch_ms);
    inbox_set_timing(d->inbox, d->next_cfg.settle_ms, d->next_cfg.rescan_s);
    health_set_hold(d->next_cfg.health_hold_s);
    if (d->log_level_override < 0)
        log_set_level(d->next_cfg.log_level);
    config_free(&d->cfg);
    d->cfg = d->next_cfg;
    memset(&d->next_cfg, 0, sizeof d->next_cfg);
    umask((mode_t)d->cfg.umask);
    d->max_inflight = max_inflight(&d->cfg);
    /* No commit runs now (the reload waited for it): the old sinks stop
     * before their plugins go, the new ones read the same outboxes. */
    sinks_stop(d->sinks);
    d->sinks = sinks_start(d->cfg.state_dir, d->plugins);
    archiver_set_sinks(d->archiver, d->sinks);
    /* The old inputs return from run() (their messages not put are not
     * acknowledged, so they come again) before their plugins go. */
    inputs_stop(d->inputs);
    d->inputs = inputs_start(d->cfg.state_dir, d->plugins);
    plugin_set_free(old);
    spool_hold_archive(&d->spool);

    d->state = DAEMON_RUNNING;
    d->counters.reloads_taken++;
    log_notice("reloaded %s: %zu plugin%s", d->cfg.path, d->plugins->n, d->plugins->n == 1 ? "" : "s");
    notify_ready();
    /* Clients of the API: the reload is in force; waiting queries go on
     * with the new plugins (or hear that newsd stops). */
    if (d->stop_requested)
        d->state = DAEMON_STOPPING;
    control_reload_done(d->control);
    control_plugins_ready(d->control);
    if (d->stop_requested) {
        check_drained(d);
        return;
    }
    if (d->reload_queued) {
        d->reload_queued = false;
        char *err = NULL;
        begin_reload(d, "SIGHUP (queued during the last reload)", &err);
        free(err);
        if (d->state == DAEMON_RELOADING)
            return;   /* apply_reload() pumps */
    }
    pump(d);
}

/* Stopping: put-off jobs stay in work/ for the next start.  Returns how
 * many. */
static unsigned drop_put_off(struct daemon *d)
{
    unsigned n = 0;
    for (struct job *j = retry_queue_take_all(d->retries); j;) {
        struct job *next = j->next;
        job_free(j);
        n++;
        j = next;
    }
    assert(n <= d->inflight);
    d->inflight -= n;
    return n;
}

static void check_drained(struct daemon *d)
{
    /* The watchdog checks for a drain on every tick once it gave up on a
     * call, and may come after begin_stop() found it. */
    if (d->state == DAEMON_RUNNING || d->closing)
        return;
    /* A stop that waited for a reload finds them still queued. */
    if (d->state == DAEMON_STOPPING && retry_queue_count(d->retries))
        drop_put_off(d);
    if (d->inflight && archiver_failing(d->archiver) && d->state == DAEMON_STOPPING) {
        unsigned n = archiver_abandon(d->archiver);
        assert(n <= d->inflight);
        log_warning("stopping while the archive fails: %u articles stay in work/ and are resumed at the "
                    "next start", n);
        d->inflight -= n;
    }
    /* A reload is often what repairs a failing archive (archive/ made
     * anew, a fixed path): it must not wait for the failing batch, which
     * waits for it.  With every article in flight at the archiver and its
     * commit waiting for a retry, nothing runs on the old plugins: swap,
     * and the retry runs with the new ones.  Put-off jobs hold nothing of
     * the plugin set either (a shutdown has dropped them above). */
    bool archive_waits = d->state == DAEMON_RELOADING && d->inflight && !d->at_workers &&
                         archiver_failing(d->archiver);
    if ((d->inflight > retry_queue_count(d->retries) && !archive_waits) || d->queries)
        return;
    if (d->inflight && d->state != DAEMON_RELOADING)
        return;
    if (d->state == DAEMON_RELOADING) {
        if (archive_waits)
            log_notice("reload: the archive fails; its %u articles are retried with the new plugins",
                       d->inflight);
        apply_reload(d);
        return;
    }
    log_notice("stopped: %llu received, %llu archived, %llu duplicates, %llu replayed, %llu failed",
               d->counters.received, d->counters.archived, d->counters.duplicates, d->counters.replayed,
               d->counters.failed);
    close_loop_handles(d);
}

static void begin_stop(struct daemon *d, const char *why)
{
    if (d->state == DAEMON_STOPPING) {
        log_notice("%s: already stopping (%u articles in flight)", why, d->inflight);
        return;
    }
    notify_stopping();
    if (d->state == DAEMON_RELOADING) {
        d->stop_requested = true;
        log_notice("%s: stopping once the reload completes", why);
        return;
    }
    d->state = DAEMON_STOPPING;
    /* Jobs not started yet stay in work/: the next start resumes them. */
    unsigned left = 0;
    for (struct job *j = workers_take_queued(d->workers); j;) {
        struct job *next = j->next;
        job_free(j);
        left++;
        j = next;
    }
    assert(left <= d->at_workers && d->at_workers <= d->inflight);
    d->inflight -= left;
    d->at_workers -= left;
    left += drop_put_off(d);
    log_notice("%s: stopping; finishing %u articles in flight (%u queued ones stay in work/)", why,
               d->inflight, left);
    archiver_flush(d->archiver);
    check_drained(d);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* --control-socket wins over the file, at start and at every reload. */
static void apply_overrides(const struct daemon *d, struct daemon_config *cfg)
{
    if (!d->control_socket_override)
        return;
    free(cfg->control_socket);
    cfg->control_socket = *d->control_socket_override ? xstrdup(d->control_socket_override) : NULL;
}

/* SIGHUP and POST /reload.  Returns an enum control_reload; *err (malloc'd)
 * says why when the new configuration was refused or a reload cannot start
 * now.  PENDING: the new set is loaded and replaces the old one as soon as
 * in-flight articles and queries drained (apply_reload). */
static int begin_reload(struct daemon *d, const char *why, char **err)
{
    struct daemon_config cfg;
    struct plugin_set *set = NULL;

    *err = NULL;
    if (d->state != DAEMON_RUNNING) {
        const char *what = d->state == DAEMON_RELOADING ? "reload" : "shutdown";
        log_notice("%s: ignored, a %s is in progress", why, what);
        *err = xasprintf("a %s is in progress", what);
        return CONTROL_RELOAD_BUSY;
    }
    notify_reloading();
    log_notice("%s: reloading %s", why, d->config_path);
    if (config_load(d->config_path, d->state_dir_override, &cfg, err) < 0) {
        log_error("reload refused: %s; the running configuration stays in force", *err);
        d->counters.reloads_refused++;
        notify_ready();
        return CONTROL_RELOAD_REFUSED;
    }
    apply_overrides(d, &cfg);
    char real[PATH_MAX];
    if (realpath(cfg.state_dir, real)) {
        free(cfg.state_dir);
        cfg.state_dir = xstrdup(real);
    }
    if (strcmp(cfg.state_dir, d->cfg.state_dir) != 0) {
        log_warning("reload: state_dir changed to %s; that takes a restart, %s stays in use", cfg.state_dir,
                    d->cfg.state_dir);
        free(cfg.state_dir);
        cfg.state_dir = xstrdup(d->cfg.state_dir);
    }
    if (cfg.workers != d->cfg.workers)
        log_warning("reload: workers changed; that takes a restart, %u worker%s stay%s", d->n_workers,
                    d->n_workers == 1 ? "" : "s", d->n_workers == 1 ? "s" : "");
    /* The listeners stay: moving them under connected clients buys nothing. */
    if (!same_str(cfg.control_socket, d->cfg.control_socket) ||
        !same_str(cfg.metrics_listen, d->cfg.metrics_listen)) {
        log_warning("reload: control_socket or metrics_listen changed; that takes a restart, the "
                    "current ones stay");
        free(cfg.control_socket);
        free(cfg.metrics_listen);
        cfg.control_socket = xstrdup(d->cfg.control_socket);
        cfg.metrics_listen = xstrdup(d->cfg.metrics_listen);
    }
    if (!same_str(cfg.web_listen, d->cfg.web_listen) || cfg.web_behind_proxy != d->cfg.web_behind_proxy ||
        !same_str(cfg.web_tls_cert, d->cfg.web_tls_cert) || !same_str(cfg.web_tls_key, d->cfg.web_tls_key)) {
        log_warning("reload: web_listen, web_behind_proxy or web_tls_* changed; that takes a restart, the "
                    "current dashboard listener stays");
        free(cfg.web_listen);
        free(cfg.web_tls_cert);
        free(cfg.web_tls_key);
        cfg.web_listen = d->cfg.web_listen ? xstrdup(d->cfg.web_listen) : NULL;
        cfg.web_tls_cert = d->cfg.web_tls_cert ? xstrdup(d->cfg.web_tls_cert) : NULL;
        cfg.web_tls_key = d->cfg.web_tls_key ? xstrdup(d->cfg.web_tls_key) : NULL;
        cfg.web_behind_proxy = d->cfg.web_behind_proxy;
    }
    if (cfg.control_timeout_s != d->cfg.control_timeout_s || cfg.control_queries != d->cfg.control_queries ||
        cfg.control_query_queue != d->cfg.control_query_queue) {
        log_warning("reload: control_timeout_s, control_queries or control_query_queue changed; that takes "
                    "a restart, the current limits stay");
        cfg.control_timeout_s = d->cfg.control_timeout_s;
        cfg.control_queries = d->cfg.control_queries;
        cfg.control_query_queue = d->cfg.control_query_queue;
    }
    if (plugin_set_load(&cfg, 0, &set, err) < 0) {
        log_error("reload refused: %s; the running configuration stays in force", *err);
        d->counters.reloads_refused++;
        config_free(&cfg);
        notify_ready();
        return CONTROL_RELOAD_REFUSED;
    }
    d->next_cfg = cfg;
    d->next_plugins = set;
    d->state = DAEMON_RELOADING;
    archiver_flush(d->archiver);
    check_drained(d);
    return d->state == DAEMON_RELOADING ? CONTROL_RELOAD_PENDING : CONTROL_RELOAD_APPLIED;
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct daemon *d = h->data;
    if (signum == SIGHUP) {
        /* The reload in progress may have read the file before its last
         * edit: do one more after it, so the newest configuration wins. */
        if (d->state == DAEMON_RELOADING) {
            if (!d->reload_queued)
                log_notice("SIGHUP: a reload is in progress; another follows when it is done");
            d->reload_queued = true;
            return;
        }
        char *err = NULL;
        begin_reload(d, "SIGHUP", &err);
        free(err);
    } else {
        begin_stop(d, signum == SIGTERM ? "SIGTERM" : "SIGINT");
    }
}

/* ---- the watchdog ---------------------------------------------------------- */

/* "2 s" or "800 ms". */
static const char *duration(uint64_t ms, char buf[32])
{
    if (ms >= 1000)
        snprintf(buf, 32, "%llu s", (unsigned long long)(ms / 1000));
    else
        snprintf(buf, 32, "%llu ms", (unsigned long long)ms);
    return buf;
}

/* After giving up on a call: stop as on SIGTERM, minus the stuck jobs,
 * and exit DAEMON_EXIT_STUCK (daemon_run).  The rest gets a grace period
 * to finish and commit; what is still in flight after it stays in work/. */
static void begin_stuck_stop(struct daemon *d)
{
    uint64_t grace_ms = 2ull * d->cfg.max_plugin_ms + 5000;
    d->stuck_exit_ns = metrics_now_ns() + grace_ms * 1000000u;
    if (d->state == DAEMON_RELOADING) {
        /* Applying it would finalise the old plugins under the stuck call. */
        log_warning("the pending reload is dropped: newsd exits");
        plugin_set_free(d->next_plugins);
        d->next_plugins = NULL;
        config_free(&d->next_cfg);
        d->state = DAEMON_RUNNING;
        d->stop_requested = false;
        control_plugins_ready(d->control);
    }
    begin_stop(d, "a plugin call did not return");
}

/* Give up on calls that do not return (budget.h).  Each one's article is
 * marked in its worker's journal, so the next start moves it to failed/.
 * While running, a call is stuck past twice its budget; while stopping,
 * past its budget: SIGTERM waits no longer than that for it. */
static void on_watchdog(uv_timer_t *t)
{
    struct daemon *d = t->data;
    /* systemd's watchdog watches this loop; ours (below) the workers. */
    notify_watchdog();
    unsigned factor = d->state == DAEMON_STOPPING ? 1 : 2;
    struct budget_stuck st;
    int i;

    while ((i = workers_find_stuck(d->workers, factor, &st)) >= 0) {
        char took[32];
        char *cause = st.in_call
            ? xasprintf("took longer than %s in plugin %s (its time budget is %u ms) and never returned; newsd "
                        "gave up on it", duration(st.running_ms, took), st.plugin, st.budget_ms)
            : xasprintf("took longer than %s in newsd itself, outside any plugin (max_article_ms = %u); newsd "
                        "gave up on it", duration(st.running_ms, took), st.budget_ms);
        if (workers_abandon(d->workers, (unsigned)i, st.in_call ? st.plugin : NULL, cause) == 0) {
            log_set_plugin(st.in_call ? st.plugin : NULL);
            log_set_article(st.article, NULL);
            log_error("stuck in worker %d: %s; the article is marked for failed/ at the next start, and newsd "
                      "exits with code %d to be restarted", i, cause, DAEMON_EXIT_STUCK);
            log_set_article(NULL, NULL);
            log_set_plugin(NULL);
            assert(d->inflight > 0 && d->at_workers > 0);
            d->inflight--;
            d->at_workers--;
            if (d->abandoned++ == 0)
                begin_stuck_stop(d);
        }
        free(cause);
    }
    if (d->abandoned) {
        if (metrics_now_ns() > d->stuck_exit_ns) {
            log_error("%u articles still in flight after the grace period; exiting now with code %d, they are "
                      "resumed at the next start", d->inflight, DAEMON_EXIT_STUCK);
            _exit(DAEMON_EXIT_STUCK);
        }
        check_drained(d);
    }
}

static void on_status_timer(uv_timer_t *t)
{
    struct daemon *d = t->data;
    log_flush_repeats(false);
    notify_status("%llu archived, %llu duplicates, %llu failed, %u in flight", d->counters.archived,
                  d->counters.duplicates, d->counters.failed, d->inflight);
}

/* ---- the control API's view of the daemon --------------------------------- */

static unsigned queue_depth(const struct daemon *d)
{
    return d->at_workers > d->n_workers ? d->at_workers - d->n_workers : 0;
}

/* /status and /metrics: the daemon as data; control_status.c renders it. */
static void api_snapshot(void *ud, struct status_snapshot *s)
{
    struct daemon *d = ud;
    int64_t now = now_ms();

    *s = (struct status_snapshot){
        .counters = d->counters,
        .state = d->state,
        .pid = (long)getpid(),
        .started_ms = d->started_ms,
        .now_ms = now,
        .in_flight = d->inflight,
        .queue_depth = queue_depth(d),
        .reprocess_pending = fifo_count(&d->reprocess),
        .queries_running = d->queries,
        .window_s = sizeof d->finished.sec / sizeof d->finished.sec[0],
        .finished_in_window = rate_sum(&d->finished, now / 1000),
        .plugin_failures = metrics_plugin_failures(),
        .commit_retries = metrics_commit_retries(),
        .config_path = d->cfg.path,
        .state_dir = d->cfg.state_dir,
        .control_socket = d->cfg.control_socket,
        .metrics_listen = d->cfg.metrics_listen,
        .web_listen = d->cfg.web_listen,
        .web_tls = d->cfg.web_tls_cert != NULL,
        .plugins = d->plugins,
        .sinks = d->sinks,
        .inputs = d->inputs,
    };
}

static int api_reload(void *ud, char **err)
{
    struct daemon *d = ud;
    return begin_reload(d, "control API", err);
}

static struct plugin_set *api_acquire(void *ud, bool *wait)
{
    struct daemon *d = ud;
    *wait = d->state == DAEMON_RELOADING;
    if (d->state != DAEMON_RUNNING)
        return NULL;
    d->queries++;
    return d->plugins;
}

static void api_release(void *ud)
{
    struct daemon *d = ud;
    assert(d->queries > 0);
    d->queries--;
    check_drained(d);
}

static void api_reprocess(void *ud, char **names, size_t n)
{
    struct daemon *d = ud;
    if (d->state == DAEMON_STOPPING) {
        /* They stay in work/ and are resumed (still marked) at the next start. */
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        return;
    }
    for (size_t i = 0; i < n; i++)
        fifo_push(&d->reprocess, names[i]);
    free(names);
    log_notice("control API: %zu archived articles queued for reprocessing", n);
    pump(d);
}

static const struct control_ops api_ops = {
    .snapshot = api_snapshot,
    .reload = api_reload,
    .acquire = api_acquire,
    .release = api_release,
    .reprocess = api_reprocess,
};

/* ---- start ---------------------------------------------------------------- */

static int resume_work(struct daemon *d)
{
    unsigned stuck = 0;
    int rc = spool_recover_stuck(&d->spool, &stuck);
    if (rc < 0) {
        log_error("cannot read %s/work: %s", d->spool.state_dir, strerror(-rc));
        return -1;
    }
    d->counters.failed += stuck;
    rc = spool_recover_attempts(&d->spool, &d->attempts, &d->n_attempts);
    if (rc < 0 && retry_transient(-rc)) {
        /* A full disk at start must not keep newsd from starting: the
         * counts hold for this run, and are written at the next start. */
        log_warning("cannot update %s/work/.attempts: %s (%s); this start's crash counts are kept in memory "
                    "only", d->spool.state_dir, strerror(-rc), strerrorname_np(-rc));
    } else if (rc < 0) {
        log_error("cannot update %s/work/.attempts: %s", d->spool.state_dir, strerror(-rc));
        return -1;
    }
    rc = spool_list_work(&d->spool, &d->resume, &d->n_resume);
    if (rc < 0) {
        log_error("cannot read %s/work: %s", d->spool.state_dir, strerror(-rc));
        return -1;
    }
    if (d->n_resume)
        log_notice("resuming %zu article%s left in work/ by the last run", d->n_resume, d->n_resume == 1 ? "" : "s");
    for (size_t i = 0; i < d->n_attempts; i++)
        log_warning("article %s: was being processed when newsd stopped abnormally (%u of %u attempts)",
                    d->attempts[i].name, d->attempts[i].count, d->cfg.max_attempts);
    return 0;
}

static int start(struct daemon *d)
{
    char *err = NULL;

    if (config_load(d->config_path, d->state_dir_override, &d->cfg, &err) < 0) {
        log_error("%s", err);
        free(err);
        return -1;
    }
    if (d->log_level_override < 0)
        log_set_level(d->cfg.log_level);
    apply_overrides(d, &d->cfg);
    /* Before any plugin can analyse a text; fixed until a restart. */
    datadir_configure(d->cfg.data_dir);
    /* After the log level is known (it logs), before anything is open. */
    fdlimit_raise();
    if (fdlimit_reserve_open() < 0)
        log_warning("cannot open /dev/null as the reserve descriptor: %s", strerror(errno));
    /* Before anything is created: the state folder, the archive. */
    umask((mode_t)d->cfg.umask);
    if (spool_open(&d->spool, d->cfg.state_dir, &err) < 0) {
        log_error("%s", err ? err : "cannot open the state directory");
        free(err);
        return -1;
    }
    free(d->cfg.state_dir);
    d->cfg.state_dir = xstrdup(d->spool.state_dir);
    if (plugin_set_load(&d->cfg, 0, &d->plugins, &err) < 0) {
        log_error("%s", err);
        free(err);
        return -1;
    }
    spool_hold_archive(&d->spool);   /* made by the archive's init, maybe */
    if (resume_work(d) < 0)
        return -1;
    spool_clean_tmp(&d->spool, TMP_MAX_AGE_S);

    uv_loop_init(&d->loop);
    d->loop_ready = true;
    d->n_workers = d->cfg.workers ? d->cfg.workers : uv_available_parallelism();
    d->max_inflight = max_inflight(&d->cfg);
    int rc = workers_start(&d->workers, &d->loop, d->n_workers, &d->spool, d->cfg.max_article_bytes,
                           &d->cfg.article_limits, d->cfg.max_article_ms, d->plugins, on_processed, d);
    if (rc < 0) {
        log_error("cannot start the workers: %s", uv_strerror(rc));
        return -1;
    }
    archiver_start(&d->archiver, &d->loop, &d->spool, d->plugins, d->cfg.batch_size, d->cfg.batch_ms,
                   on_archived, d);
    d->sinks = sinks_start(d->spool.state_dir, d->plugins);
    archiver_set_sinks(d->archiver, d->sinks);
    d->inputs = inputs_start(d->spool.state_dir, d->plugins);
    retry_queue_start(&d->retries, &d->loop, on_retry_due, d);
    char *work_dir = xasprintf("%s/work", d->spool.state_dir);
    char *models_dir = xasprintf("%s/models", d->spool.state_dir);
    struct control_opts copts = {
        .socket_path = d->cfg.control_socket,
        .metrics_listen = d->cfg.metrics_listen,
        .web_listen = d->cfg.web_listen,
        .web_behind_proxy = d->cfg.web_behind_proxy,
        .web_tls_cert = d->cfg.web_tls_cert,
        .web_tls_key = d->cfg.web_tls_key,
        .state_dir = d->spool.state_dir,
        .work_dir = work_dir,
        .models_dir = models_dir,
        .max_connections = fdlimit_connection_cap(CONTROL_MAX_CONNECTIONS, d->n_workers),
        .timeout_s = d->cfg.control_timeout_s,
        .queries_running = d->cfg.control_queries,
        .queries_waiting = d->cfg.control_query_queue,
    };
    rc = control_start(&d->control, &d->loop, &copts, &api_ops, d, &err);
    free(work_dir);
    free(models_dir);
    if (rc < 0) {
        log_error("%s", err);
        free(err);
        return -1;
    }
    rc = inbox_start(&d->inbox, &d->loop, &d->spool, d->cfg.settle_ms, d->cfg.rescan_s, on_inbox_ready, d);
    if (rc < 0) {
        control_stop(d->control);
        d->control = NULL;
        return -1;   /* the workers and archiver are closed by the caller's loop run */
    }
    inbox_on_lost(d->inbox, on_inbox_lost);
    health_set_hold(d->cfg.health_hold_s);
    liveness_init(&d->liveness, mono_ms());
    uv_timer_init(&d->loop, &d->upkeep_timer);
    d->upkeep_timer.data = d;
    uv_timer_start(&d->upkeep_timer, on_upkeep_timer, UPKEEP_MS, UPKEEP_MS);

    uv_signal_init(&d->loop, &d->sig_term);
    uv_signal_init(&d->loop, &d->sig_int);
    uv_signal_init(&d->loop, &d->sig_hup);
    d->sig_term.data = d->sig_int.data = d->sig_hup.data = d;
    uv_signal_start(&d->sig_term, on_signal, SIGTERM);
    uv_signal_start(&d->sig_int, on_signal, SIGINT);
    uv_signal_start(&d->sig_hup, on_signal, SIGHUP);
    uv_timer_init(&d->loop, &d->status_timer);
    d->status_timer.data = d;
    uv_timer_start(&d->status_timer, on_status_timer, 2000, 2000);
    uv_timer_init(&d->loop, &d->watchdog);
    d->watchdog.data = d;
    uv_timer_start(&d->watchdog, on_watchdog, WATCHDOG_MS, WATCHDOG_MS);

    char names[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < d->plugins->n && len < sizeof names; i++)
        len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", d->plugins->v[i].name);
    log_notice("newsd %s ready: drop files into %s (or write them to %s/tmp and rename them in); "
               "%u worker%s; plugins: %s", NEWSD_VERSION, d->spool.inbox_path, d->spool.state_dir,
               d->n_workers, d->n_workers == 1 ? "" : "s", names);
    if (d->cfg.control_socket)
        log_notice("control API on %s%s%s (newsctl -s %s status)", d->cfg.control_socket,
                   d->cfg.metrics_listen ? ", /metrics also on " : "",
                   d->cfg.metrics_listen ? d->cfg.metrics_listen : "", d->cfg.control_socket);
    if (d->cfg.web_listen)
        log_notice("web dashboard on %s://%s/ (newsctl web-url prints its address with the access token)",
                   d->cfg.web_tls_cert ? "https" : "http", d->cfg.web_listen);
    sched_hint_short_slice("event loop");
    notify_ready();
    pump(d);
    return 0;
}

int daemon_run(const char *config_path, const char *state_dir_override, int log_level_override,
               const char *control_socket_override)
{
    struct daemon *d = xcalloc(1, sizeof *d);   /* d->reprocess: an empty fifo */
    int code = 0;

    d->config_path = config_path;
    d->state_dir_override = state_dir_override;
    d->log_level_override = log_level_override;
    d->control_socket_override = control_socket_override;
    d->started_ms = now_ms();
    d->spool.state_fd = d->spool.inbox_fd = d->spool.tmp_fd = d->spool.work_fd = d->spool.failed_fd =
        d->spool.archive_fd = -1;

    if (start(d) < 0) {
        code = 1;
        if (d->workers) {
            /* partly started: close what runs, then let the loop finish */
            retry_queue_stop(d->retries);
            archiver_stop(d->archiver);
            workers_stop(d->workers);
        }
        if (d->loop_ready)
            uv_run(&d->loop, UV_RUN_DEFAULT);
    } else {
        uv_run(&d->loop, UV_RUN_DEFAULT);
    }
    if (d->loop_ready && uv_loop_close(&d->loop) != 0)
        log_warning("event loop closed with handles still open");
    log_flush_repeats(true);
    if (d->abandoned) {
        /* A thread is still inside a plugin: no fini, no dlclose, no
         * exit handlers under it. */
        log_notice("exiting with code %d after giving up on %u plugin calls; the service manager restarts "
                   "newsd", DAEMON_EXIT_STUCK, d->abandoned);
        log_flush_repeats(true);
        _exit(DAEMON_EXIT_STUCK);
    }
    inputs_stop(d->inputs);   /* their threads call into the plugins */
    sinks_stop(d->sinks);   /* its threads call into the plugins */
    plugin_set_free(d->plugins);
    plugin_set_free(d->next_plugins);
    spool_close(&d->spool);
    config_free(&d->cfg);
    config_free(&d->next_cfg);
    for (size_t i = 0; i < d->n_resume; i++)
        free(d->resume[i]);
    free(d->resume);
    fifo_free(&d->reprocess, free);
    spool_attempts_free(d->attempts, d->n_attempts);
    free(d);
    return code;
}
