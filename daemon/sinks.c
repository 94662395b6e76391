/* Sinks and their delivery threads; see sinks.h. */
#include "sinks.h"
#include "health.h"
#include "log.h"
#include "pipeline.h"
#include "plugin_config.h"
#include "plugins.h"
#include "sink_delivery.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

/* The longest a delivery thread sleeps without looking at its outbox. */
#define IDLE_WAIT_MS 1000
/* Batches in a row that delivered nothing before /health says so: one
 * failed batch is a blip, three are a receiver that is down. */
#define HEALTH_AFTER_BATCHES 3

const struct newsd_config_key sink_core_keys[] = {
    {"filter", "which archived records to deliver: action=NAME, tag:NAME, tag:PREFIX*, all"},
    {"batch", "records per deliver() call"},
    {"retry_min_ms", "first back-off after a failed delivery"},
    {"retry_max_ms", "longest back-off"},
    {"dead_after_s", "a record this old that fails again becomes a dead letter"},
    {NULL, NULL},
};

void sink_policy_free(struct sink_policy *p)
{
    if (!p)
        return;
    sink_filter_free(p->filter);
    free(p);
}

struct sink_policy *sink_policy_parse(const struct plugin_section *s, char **err)
{
    struct sink_policy *p = xcalloc(1, sizeof *p);
    struct newsd_config conf = {s, NULL, NEWSD_RUN_DAEMON};
    int64_t batch, rmin, rmax, dead;
    const struct config_kv *f = config_section_find(s, "filter");
    char *why = NULL;

    log_capture_begin();
    int rc = 0;
    rc |= newsd_config_get_int(&conf, "batch", SINK_DEFAULT_BATCH, 1, 1024, &batch);
    rc |= newsd_config_get_int(&conf, "retry_min_ms", SINK_DEFAULT_RETRY_MIN_MS, 1, 86400000, &rmin);
    rc |= newsd_config_get_int(&conf, "retry_max_ms", SINK_DEFAULT_RETRY_MAX_MS, 1, 86400000, &rmax);
    rc |= newsd_config_get_int(&conf, "dead_after_s", SINK_DEFAULT_DEAD_AFTER_S, 0, 365 * 86400, &dead);
    char *logged = log_capture_end();
    if (rc != 0) {
        *err = logged ? logged : xasprintf("[plugin.%s]: a sink key does not parse", s->name);
        free(p);
        return NULL;
    }
    free(logged);
    if (rmax < rmin) {
        *err = xasprintf("[plugin.%s] retry_max_ms = %lld is below retry_min_ms = %lld", s->name,
                         (long long)rmax, (long long)rmin);
        free(p);
        return NULL;
    }
    p->filter = sink_filter_parse(f ? f->value : NULL, &why);
    if (!p->filter) {
        char at[PATH_MAX + 32];
        *err = xasprintf("%s[plugin.%s] filter: %s", f ? config_kv_where(f, at, sizeof at) : "", s->name, why);
        free(why);
        free(p);
        return NULL;
    }
    p->batch = (unsigned)batch;
    p->outbox = (struct outbox_policy){rmin, rmax, dead * 1000};
    return p;
}

/* ---- the delivery threads ------------------------------------------------ */

struct runner {
    struct plugin_instance *p;
    const struct sink_policy *policy;
    struct outbox *ob;          /* NULL: could not be opened (yet) */
    char *dir;
    uv_thread_t thread;
    bool started;
    uv_mutex_t mu;
    uv_cond_t cv;
    bool stop, wake;
};

struct sinks {
    struct runner *v;
    size_t n;
};

/* Returns how many of the n went out; the first failure's reason in why. */
static size_t deliver_batch(struct runner *r, struct outbox_item *items, size_t n, char why[200])
{
    size_t ok = 0;
    why[0] = '\0';
    struct newsd_delivery *d = xcalloc(n, sizeof *d);
    newsd_delivery **ptrs = xcalloc(n, sizeof *ptrs);
    for (size_t i = 0; i < n; i++) {
        d[i].item = &items[i];
        ptrs[i] = &d[i];
    }
    uint64_t t0 = metrics_now_ns();
    int rc = r->p->desc->deliver(r->p->state, ptrs, n);
    metrics_plugin_time(r->p->name, metrics_now_ns() - t0);
    int64_t now = now_ms();
    for (size_t i = 0; i < n; i++) {
        struct outbox_item *it = &items[i];
        if (rc != NEWSD_OK && !it->error)
            it->error = xstrdup("the sink failed the whole batch (see the log)");
        if (it->error) {
            metrics_plugin_failure(r->p->name);
            log_warning("delivery of %s, attempt %u, failed: %s", it->id, it->attempt, it->error);
            if (!why[0])
                snprintf(why, 200, "%s", it->error);
        } else {
            ok++;
        }
        outbox_done(r->ob, it, now);
    }
    free(ptrs);
    free(d);
    return ok;
}

static void runner_main(void *arg)
{
    struct runner *r = arg;
    struct outbox_item *items = xcalloc(r->policy->batch, sizeof *items);

    /* Batches in a row of which nothing went out: the receiver is likely
     * down, so the next batch waits (the back-off of that count) instead
     * of trying every due record at once, each into its own timeout. */
    unsigned failing = 0;
    int64_t pause_until = 0;
    char why[200], key[HEALTH_KEY_MAX];
    snprintf(key, sizeof key, "sink:%s", r->p->name);

    log_set_plugin(r->p->name);
    uv_mutex_lock(&r->mu);
    while (!r->stop) {
        uv_mutex_unlock(&r->mu);
        int64_t now = now_ms();
        size_t n = now >= pause_until ? outbox_take(r->ob, now, items, r->policy->batch) : 0;
        if (n) {
            if (deliver_batch(r, items, n, why)) {
                if (failing >= HEALTH_AFTER_BATCHES)
                    health_clear(key);
                failing = 0;
            } else {
                failing++;
                pause_until = now_ms() + outbox_backoff(&r->policy->outbox, failing);
                if (failing >= HEALTH_AFTER_BATCHES) {
                    struct outbox_stats st;
                    outbox_stats(r->ob, &st);
                    health_set(key, "sink %s delivers nothing (%u batches in a row failed): %s; %llu records "
                               "wait in %s", r->p->name, failing, why, (unsigned long long)st.depth, r->dir);
                }
            }
            uv_mutex_lock(&r->mu);
            continue;
        }
        int64_t next = outbox_next_due(r->ob);
        if (next >= 0 && next < pause_until)
            next = pause_until;
        uv_mutex_lock(&r->mu);
        if (r->stop || (r->wake && now >= pause_until)) {
            r->wake = false;
            continue;
        }
        int64_t wait = next < 0 ? IDLE_WAIT_MS : next - now;
        if (wait > IDLE_WAIT_MS)
            wait = IDLE_WAIT_MS;
        if (wait < 1)
            wait = 1;
        uv_cond_timedwait(&r->cv, &r->mu, (uint64_t)wait * 1000000u);
        r->wake = false;
    }
    uv_mutex_unlock(&r->mu);
    log_set_plugin(NULL);
    free(items);
}

/* The outbox, or NULL while it could not be opened: read under the lock,
 * since the archive thread may open it while the loop reports on it. */
static struct outbox *runner_outbox(struct runner *r)
{
    uv_mutex_lock(&r->mu);
    struct outbox *ob = r->ob;
    uv_mutex_unlock(&r->mu);
    return ob;
}

static int runner_open(struct runner *r, char **err)
{
    struct outbox *ob;
    if (runner_outbox(r))
        return 0;
    if (outbox_open(&ob, r->dir, &r->policy->outbox, err) < 0)
        return -1;
    uv_mutex_lock(&r->mu);
    r->ob = ob;
    r->stop = false;
    uv_mutex_unlock(&r->mu);
    if (uv_thread_create(&r->thread, runner_main, r) != 0) {
        *err = xasprintf("sink %s: cannot start its thread", r->p->name);
        uv_mutex_lock(&r->mu);
        r->ob = NULL;
        uv_mutex_unlock(&r->mu);
        outbox_close(ob);
        return -1;
    }
    r->started = true;
    return 0;
}

/* Outboxes of sinks that are no longer configured (renamed, removed):
 * their records wait, and the operator should hear of them once. */
static void warn_orphans(const char *top, const struct sinks *s)
{
    DIR *d = opendir(top);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        bool known = false;
        for (size_t i = 0; i < s->n && !known; i++)
            known = strcmp(s->v[i].p->name, de->d_name) == 0;
        if (known)
            continue;
        char *sub = xasprintf("%s/%s", top, de->d_name);
        DIR *o = opendir(sub);
        size_t n = 0;
        struct dirent *e;
        while (o && (e = readdir(o)))
            n += strlen(e->d_name) > 5 && strcmp(e->d_name + strlen(e->d_name) - 5, ".json") == 0;
        if (o)
            closedir(o);
        if (n)
            log_warning("%s holds %zu records for a sink [plugin.%s] that is not configured; they wait there "
                        "until it is again", sub, n, de->d_name);
        free(sub);
    }
    if (d)
        closedir(d);
}

struct sinks *sinks_start(const char *state_dir, struct plugin_set *set)
{
    struct sinks *s = xcalloc(1, sizeof *s);
    size_t n = 0;
    for (size_t i = 0; set && i < set->n; i++)
        n += set->v[i].desc->deliver && set->v[i].sink;
    char *top = xasprintf("%s/outbox", state_dir);
    if (!n) {
        warn_orphans(top, s);
        free(top);
        return s;
    }
    if (mkdir(top, 0750) < 0 && errno != EEXIST)
        log_error("%s: cannot create: %s", top, strerror(errno));
    s->v = xcalloc(n, sizeof *s->v);
    for (size_t i = 0; i < set->n; i++) {
        struct plugin_instance *p = &set->v[i];
        if (!p->desc->deliver || !p->sink)
            continue;
        struct runner *r = &s->v[s->n++];
        r->p = p;
        r->policy = p->sink;
        r->dir = xasprintf("%s/%s", top, p->name);
        uv_mutex_init(&r->mu);
        uv_cond_init(&r->cv);
        char *err = NULL;
        if (runner_open(r, &err) < 0) {
            log_error("sink %s: %s; archive commits wait until it opens", p->name, err);
            free(err);
        } else {
            struct outbox_stats st;
            outbox_stats(r->ob, &st);
            log_info("sink %s: outbox %s: %llu waiting, %llu dead letters", p->name, r->dir,
                     (unsigned long long)st.depth, (unsigned long long)st.dead);
        }
    }
    warn_orphans(top, s);
    free(top);
    return s;
}

void sinks_stop(struct sinks *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        struct runner *r = &s->v[i];
        if (r->started) {
            uv_mutex_lock(&r->mu);
            r->stop = true;
            uv_cond_signal(&r->cv);
            uv_mutex_unlock(&r->mu);
            uv_thread_join(&r->thread);
        }
        /* The next set's thread says so again if it still fails. */
        char key[HEALTH_KEY_MAX];
        snprintf(key, sizeof key, "sink:%s", r->p->name);
        health_clear(key);
        outbox_close(r->ob);
        uv_cond_destroy(&r->cv);
        uv_mutex_destroy(&r->mu);
        free(r->dir);
    }
    free(s->v);
    free(s);
}

bool sinks_any(const struct sinks *s)
{
    return s && s->n;
}

int sinks_stage(struct sinks *s, struct job *head, char **err)
{
    if (!sinks_any(s))
        return 0;
    for (size_t i = 0; i < s->n; i++)
        if (runner_open(&s->v[i], err) < 0)
            return -1;
    int64_t now = now_ms();
    bool *touched = xcalloc(s->n, sizeof *touched);
    int result = -1;
    for (struct job *j = head; j; j = j->next) {
        if (j->status == JOB_FAILED || j->archive_rc != NEWSD_OK)
            continue;
        char *text = newsd_article_to_json(j->article);
        json_t *rec = text ? json_loads(text, 0, NULL) : NULL;
        if (!rec) {
            free(text);
            *err = xasprintf("cannot turn article %s into its record for the outbox", j->article->id);
            goto out;
        }
        int rc = 0;
        for (size_t i = 0; i < s->n && rc == 0; i++)
            if (sink_filter_match(s->v[i].policy->filter, rec)) {
                rc = outbox_stage(s->v[i].ob, j->article->id, text, strlen(text), now, err);
                touched[i] = true;
            }
        json_decref(rec);
        free(text);
        if (rc < 0)
            goto out;
    }
    /* One folder fsync per outbox that got entries, not per entry. */
    for (size_t i = 0; i < s->n; i++)
        if (touched[i] && outbox_sync(s->v[i].ob, err) < 0)
            goto out;
    result = 0;
out:
    free(touched);
    return result;
}

void sinks_settle(struct sinks *s, bool committed)
{
    if (!sinks_any(s))
        return;
    int64_t now = now_ms();
    for (size_t i = 0; i < s->n; i++) {
        struct runner *r = &s->v[i];
        struct outbox *ob = runner_outbox(r);
        if (!ob)
            continue;
        if (committed)
            outbox_release(ob, now);
        else
            outbox_unstage(ob);
        uv_mutex_lock(&r->mu);
        r->wake = true;
        uv_cond_signal(&r->cv);
        uv_mutex_unlock(&r->mu);
    }
}

/* ---- figures ------------------------------------------------------------- */

static json_t *jtime(int64_t ms)
{
    char buf[NEWSD_TIME_LEN];
    return ms > 0 ? json_string(newsd_format_time(ms, buf)) : json_null();
}

json_t *sinks_status(struct sinks *s)
{
    json_t *a = json_array();
    for (size_t i = 0; s && i < s->n; i++) {
        struct runner *r = &s->v[i];
        struct outbox_stats st = {0};
        struct outbox *ob = runner_outbox(r);
        if (ob)
            outbox_stats(ob, &st);
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
            "name", r->p->name, "plugin", r->p->desc->name, "filter", sink_filter_text(r->policy->filter),
            "outbox", r->dir, "open", ob != NULL, "depth", (json_int_t)st.depth, "dead", (json_int_t)st.dead,
            "delivered", (json_int_t)st.delivered, "retries", (json_int_t)st.retries,
            "dead_letters", (json_int_t)st.died, "errors", (json_int_t)st.errors, "oldest", jtime(st.oldest_ms)));
    }
    return a;
}

void sinks_metrics(struct sinks *s, struct strbuf *sb)
{
    static const struct {
        const char *name, *type, *help;
    } m[] = {
        {"newsd_outbox_depth", "gauge", "Records waiting in a sink's outbox (or being delivered)."},
        {"newsd_outbox_dead", "gauge", "Dead letters in a sink's outbox/NAME/dead/."},
        {"newsd_outbox_delivered_total", "counter", "Records a sink delivered, since it started."},
        {"newsd_outbox_retries_total", "counter", "Failed delivery attempts, retried later."},
        {"newsd_outbox_dead_letters_total", "counter", "Records given up on (made dead letters)."},
        {"newsd_outbox_errors_total", "counter", "I/O errors of the outbox files themselves."},
        {"newsd_outbox_oldest_age_seconds", "gauge", "Age of the oldest record waiting (0: none)."},
    };
    if (!sinks_any(s))
        return;
    int64_t now = now_ms();
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        prom_header(sb, m[k].name, m[k].type, m[k].help);
        for (size_t i = 0; i < s->n; i++) {
            struct runner *r = &s->v[i];
            struct outbox_stats st = {0};
            struct outbox *ob = runner_outbox(r);
            char esc[256], labels[300];
            if (ob)
                outbox_stats(ob, &st);
            prom_escape(r->p->name, esc, sizeof esc);
            snprintf(labels, sizeof labels, "sink=\"%s\"", esc);
            double v[] = {(double)st.depth, (double)st.dead, (double)st.delivered, (double)st.retries,
                          (double)st.died, (double)st.errors,
                          st.oldest_ms ? (double)(now - st.oldest_ms) / 1000.0 : 0.0};
            prom_value(sb, m[k].name, labels, v[k]);
        }
    }
}

json_t *sinks_outbox(struct sinks *s, bool dead, size_t limit)
{
    json_t *a = json_array();
    for (size_t i = 0; s && i < s->n; i++) {
        struct runner *r = &s->v[i];
        struct outbox *ob = runner_outbox(r);
        json_t *entries = ob ? outbox_list(ob, dead, limit) : json_array();
        json_array_append_new(a, json_pack("{s:s,s:s,s:o}", "sink", r->p->name, "outbox", r->dir,
                                           dead ? "dead" : "entries", entries));
    }
    return a;
}
