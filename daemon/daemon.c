/*
 * The daemon's loop: claims, dispatch, results, reload and shutdown.
 *
 * In flight = claimed and not yet archived or failed.  It is bounded
 * (queue_size + 2 * batch_size), and the loop claims nothing while it is at
 * the bound: that single number is the backpressure of the whole pipeline.
 *
 * Reload and shutdown both first let in-flight articles finish, so plugins
 * are never swapped or finalised under a worker:
 *   reload:   new config and plugins are loaded beside the old (refused whole
 *             if anything fails), claiming pauses, in-flight drains, swap.
 *   shutdown: claiming stops, queued-but-unstarted jobs are left in work/
 *             (resumed at the next start), running ones finish and commit.
 */
#include "daemon.h"
#include "archiver.h"
#include "config.h"
#include "inbox.h"
#include "log.h"
#include "notify.h"
#include "pipeline.h"
#include "plugins.h"
#include "spool.h"
#include "workers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define TMP_MAX_AGE_S (36 * 3600)

enum run_state { RUNNING, RELOADING, STOPPING };

struct daemon {
    uv_loop_t loop;
    bool loop_ready;
    const char *config_path;
    const char *state_dir_override;
    int log_level_override;

    struct daemon_config cfg;
    struct spool spool;
    struct plugin_set *plugins;
    struct workers *workers;
    struct archiver *archiver;
    struct inbox *inbox;
    unsigned n_workers;

    uv_signal_t sig_term, sig_int, sig_hup;
    uv_timer_t status_timer;

    /* Files found in work/ at start, offered before the inbox. */
    char **resume;
    size_t n_resume, next_resume;
    struct attempt *attempts;
    size_t n_attempts;

    unsigned inflight, max_inflight;
    enum run_state state;
    bool stop_requested;   /* during a reload */
    struct daemon_config next_cfg;
    struct plugin_set *next_plugins;

    unsigned long long received, archived, duplicates, failed;
};

static void pump(struct daemon *d);
static void check_drained(struct daemon *d);

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

static void finish_failed(struct daemon *d, struct job *j)
{
    const char *id = j->article ? j->article->id : NULL;
    const char *cause = j->cause ? j->cause : "unknown cause";
    int rc = spool_fail(&d->spool, j->name, id, j->plugin, cause);

    log_set_article(j->name, id);
    if (rc < 0)
        log_error("failed: %s; and cannot move it to %s/failed: %s (it stays in work/)", cause,
                  d->spool.state_dir, strerror(-rc));
    else
        log_warning("failed: %s; moved to failed/", cause);
    log_set_article(NULL, NULL);
    d->failed++;
}

static void job_finished(struct daemon *d, struct job *j)
{
    job_free(j);
    d->inflight--;
    check_drained(d);
    pump(d);
}

/* From the archiver: committed (archived or duplicate), or archive() failed. */
static void on_archived(struct job *j, void *ud)
{
    struct daemon *d = ud;
    struct newsd_article *a = j->article;

    if (j->status == JOB_FAILED) {
        finish_failed(d, j);
    } else if (j->archive_rc == NEWSD_DUPLICATE) {
        log_set_article(j->name, a->id);
        log_info("duplicate of %s: already archived, not stored again", a->id);
        log_set_article(NULL, NULL);
        d->duplicates++;
    } else {
        log_set_article(j->name, a->id);
        const char *title = newsd_article_get(a, NEWSD_FIELD_TITLE);
        log_info("archived: \"%.*s\" (%zu tags, score %.2f, %lld ms after claim)",
                 utf8_prefix(title, 80), title, a->n_tags, newsd_article_score_total(a),
                 (long long)(now_ms() - j->received_ms));
        log_set_article(NULL, NULL);
        d->archived++;
    }
    job_finished(d, j);
}

/* From the workers: processed or failed. */
static void on_processed(struct job *j, void *ud)
{
    struct daemon *d = ud;

    if (j->status == JOB_FAILED) {
        finish_failed(d, j);
        job_finished(d, j);
        return;
    }
    archiver_add(d->archiver, j);
    if (d->state != RUNNING)
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

static void dispatch(struct daemon *d, const char *name, unsigned attempts)
{
    struct job *j = job_new(name, now_ms());
    j->attempts = attempts;
    d->inflight++;
    d->received++;
    if (attempts >= d->cfg.max_attempts) {
        job_fail(j, NULL,
                 "newsd crashed %u times while processing this file, so it was set aside to let the other "
                 "articles through (max_attempts = %u); look for the crash in the log before retrying",
                 attempts, d->cfg.max_attempts);
        finish_failed(d, j);
        job_finished(d, j);
        return;
    }
    workers_submit(d->workers, j);
}

static void pump(struct daemon *d)
{
    if (d->state != RUNNING)
        return;
    while (d->inflight < d->max_inflight) {
        if (d->next_resume < d->n_resume) {
            char *name = d->resume[d->next_resume++];
            dispatch(d, name, attempts_of(d, name));
            continue;
        }
        const char *name = inbox_next(d->inbox);
        if (!name)
            break;
        int rc = spool_claim(&d->spool, name);
        if (rc == -ENOENT)
            continue;   /* gone: taken already, or removed by its producer */
        if (rc == -EEXIST) {
            log_debug("%s: a file of that name is still in work/; claiming it later", name);
            inbox_retry_later(d->inbox, name);
            continue;
        }
        if (rc < 0) {
            log_error("cannot claim %s/%s: %s; it stays in the inbox", d->spool.inbox_path, name, strerror(-rc));
            continue;
        }
        dispatch(d, name, 0);
    }
}

static void on_inbox_ready(void *ud)
{
    pump(ud);
}

/* ---- reload and shutdown ------------------------------------------------- */

static void close_loop_handles(struct daemon *d)
{
    uv_close((uv_handle_t *)&d->sig_term, NULL);
    uv_close((uv_handle_t *)&d->sig_int, NULL);
    uv_close((uv_handle_t *)&d->sig_hup, NULL);
    uv_close((uv_handle_t *)&d->status_timer, NULL);
    inbox_stop(d->inbox);
    archiver_stop(d->archiver);
    workers_stop(d->workers);
}

static void apply_reload(struct daemon *d)
{
    struct plugin_set *old = d->plugins;

    d->plugins = d->next_plugins;
    d->next_plugins = NULL;
    workers_set_plugins(d->workers, d->plugins, d->next_cfg.max_article_bytes);
    archiver_set_plugins(d->archiver, d->plugins, d->next_cfg.batch_size, d->next_cfg.batch_ms);
    inbox_set_timing(d->inbox, d->next_cfg.settle_ms, d->next_cfg.rescan_s);
    if (d->log_level_override < 0)
        log_set_level(d->next_cfg.log_level);
    config_free(&d->cfg);
    d->cfg = d->next_cfg;
    memset(&d->next_cfg, 0, sizeof d->next_cfg);
    d->max_inflight = max_inflight(&d->cfg);
    plugin_set_free(old);

    d->state = RUNNING;
    log_notice("reloaded %s: %zu plugins", d->cfg.path, d->plugins->n);
    notify_ready();
    if (d->stop_requested) {
        d->state = STOPPING;
        check_drained(d);
        return;
    }
    pump(d);
}

static void check_drained(struct daemon *d)
{
    if (d->state == RUNNING)
        return;
    if (d->inflight && archiver_failing(d->archiver) && d->state == STOPPING) {
        unsigned n = archiver_abandon(d->archiver);
        log_warning("stopping while the archive fails: %u articles stay in work/ and are resumed at the "
                    "next start", n);
        d->inflight -= n;
    }
    if (d->inflight)
        return;
    if (d->state == RELOADING) {
        apply_reload(d);
        return;
    }
    log_notice("stopped: %llu received, %llu archived, %llu duplicates, %llu failed", d->received,
               d->archived, d->duplicates, d->failed);
    close_loop_handles(d);
}

static void begin_stop(struct daemon *d, const char *why)
{
    if (d->state == STOPPING) {
        log_notice("%s: already stopping (%u articles in flight)", why, d->inflight);
        return;
    }
    notify_stopping();
    if (d->state == RELOADING) {
        d->stop_requested = true;
        log_notice("%s: stopping once the reload completes", why);
        return;
    }
    d->state = STOPPING;
    /* Jobs not started yet stay in work/: the next start resumes them. */
    unsigned left = 0;
    for (struct job *j = workers_take_queued(d->workers); j;) {
        struct job *next = j->next;
        job_free(j);
        left++;
        j = next;
    }
    d->inflight -= left;
    log_notice("%s: stopping; finishing %u articles in flight (%u queued ones stay in work/)", why,
               d->inflight, left);
    archiver_flush(d->archiver);
    check_drained(d);
}

static void begin_reload(struct daemon *d)
{
    char *err = NULL;
    struct daemon_config cfg;
    struct plugin_set *set = NULL;

    if (d->state != RUNNING) {
        log_notice("SIGHUP: ignored, a %s is in progress", d->state == RELOADING ? "reload" : "shutdown");
        return;
    }
    notify_reloading();
    log_notice("SIGHUP: reloading %s", d->config_path);
    if (config_load(d->config_path, d->state_dir_override, &cfg, &err) < 0) {
        log_error("reload refused: %s; the running configuration stays in force", err);
        free(err);
        notify_ready();
        return;
    }
    if (strcmp(cfg.state_dir, d->cfg.state_dir) != 0) {
        log_warning("reload: state_dir changed to %s; that takes a restart, %s stays in use", cfg.state_dir,
                    d->cfg.state_dir);
        free(cfg.state_dir);
        cfg.state_dir = strdup(d->cfg.state_dir);
    }
    if (cfg.workers != d->cfg.workers)
        log_warning("reload: workers changed; that takes a restart, %u workers stay", d->n_workers);
    if (plugin_set_load(&cfg, 0, &set, &err) < 0) {
        log_error("reload refused: %s; the running configuration stays in force", err);
        free(err);
        config_free(&cfg);
        notify_ready();
        return;
    }
    d->next_cfg = cfg;
    d->next_plugins = set;
    d->state = RELOADING;
    archiver_flush(d->archiver);
    check_drained(d);
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct daemon *d = h->data;
    if (signum == SIGHUP)
        begin_reload(d);
    else
        begin_stop(d, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static void on_status_timer(uv_timer_t *t)
{
    struct daemon *d = t->data;
    notify_status("%llu archived, %llu duplicates, %llu failed, %u in flight", d->archived, d->duplicates,
                  d->failed, d->inflight);
}

/* ---- start ---------------------------------------------------------------- */

static int resume_work(struct daemon *d)
{
    int rc = spool_recover_attempts(&d->spool, &d->attempts, &d->n_attempts);
    if (rc < 0) {
        log_error("cannot update %s/work/.attempts: %s", d->spool.state_dir, strerror(-rc));
        return -1;
    }
    rc = spool_list_work(&d->spool, &d->resume, &d->n_resume);
    if (rc < 0) {
        log_error("cannot read %s/work: %s", d->spool.state_dir, strerror(-rc));
        return -1;
    }
    if (d->n_resume)
        log_notice("resuming %zu articles left in work/ by the last run", d->n_resume);
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
    if (spool_open(&d->spool, d->cfg.state_dir, &err) < 0) {
        log_error("%s", err ? err : "cannot open the state directory");
        free(err);
        return -1;
    }
    if (plugin_set_load(&d->cfg, 0, &d->plugins, &err) < 0) {
        log_error("%s", err);
        free(err);
        return -1;
    }
    if (resume_work(d) < 0)
        return -1;
    spool_clean_tmp(&d->spool, TMP_MAX_AGE_S);

    uv_loop_init(&d->loop);
    d->loop_ready = true;
    d->n_workers = d->cfg.workers ? d->cfg.workers : uv_available_parallelism();
    d->max_inflight = max_inflight(&d->cfg);
    int rc = workers_start(&d->workers, &d->loop, d->n_workers, &d->spool, d->cfg.max_article_bytes,
                           d->plugins, on_processed, d);
    if (rc < 0) {
        log_error("cannot start the workers: %s", uv_strerror(rc));
        return -1;
    }
    archiver_start(&d->archiver, &d->loop, &d->spool, d->plugins, d->cfg.batch_size, d->cfg.batch_ms,
                   on_archived, d);
    rc = inbox_start(&d->inbox, &d->loop, &d->spool, d->cfg.settle_ms, d->cfg.rescan_s, on_inbox_ready, d);
    if (rc < 0)
        return -1;   /* the workers and archiver are closed by the caller's loop run */

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

    char names[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < d->plugins->n && len < sizeof names; i++)
        len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", d->plugins->v[i].name);
    log_notice("newsd %s ready: drop files into %s (or write them to %s/tmp and rename them in); "
               "%u workers; plugins: %s", NEWSD_VERSION, d->spool.inbox_path, d->spool.state_dir,
               d->n_workers, names);
    notify_ready();
    pump(d);
    return 0;
}

int daemon_run(const char *config_path, const char *state_dir_override, int log_level_override)
{
    struct daemon *d = calloc(1, sizeof *d);
    int code = 0;

    if (!d)
        abort();
    d->config_path = config_path;
    d->state_dir_override = state_dir_override;
    d->log_level_override = log_level_override;
    d->spool.state_fd = d->spool.inbox_fd = d->spool.tmp_fd = d->spool.work_fd = d->spool.failed_fd = -1;

    if (start(d) < 0) {
        code = 1;
        if (d->workers) {
            /* partly started: close what runs, then let the loop finish */
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
    plugin_set_free(d->plugins);
    plugin_set_free(d->next_plugins);
    spool_close(&d->spool);
    config_free(&d->cfg);
    config_free(&d->next_cfg);
    for (size_t i = 0; i < d->n_resume; i++)
        free(d->resume[i]);
    free(d->resume);
    spool_attempts_free(d->attempts, d->n_attempts);
    free(d);
    return code;
}
