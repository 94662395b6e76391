/* Counters, histograms and Prometheus text (see metrics.h). */
#include "metrics.h"
#include "xalloc.h"

#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const double metrics_bounds[METRICS_N_BOUNDS] = {
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
};

void histogram_observe(struct histogram *h, uint64_t ns)
{
    double s = (double)ns / 1e9;
    size_t i = 0;
    while (i < METRICS_N_BOUNDS && s > metrics_bounds[i])
        i++;
    atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->sum_ns, ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

uint64_t metrics_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the process-wide tables ------------------------------------------- */

#define MAX_PLUGIN_SERIES 128

struct plugin_series {
    char name[64];
    struct histogram h;
    atomic_uint_fast64_t failures;   /* calls that failed (an error, a budget) */
};

static struct histogram processing;
static struct plugin_series plugin_series[MAX_PLUGIN_SERIES];
/* Entries below n are complete: written before the release store. */
static atomic_size_t n_plugin_series;
static pthread_mutex_t append_lock = PTHREAD_MUTEX_INITIALIZER;

static struct plugin_series *find_series(const char *name, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(plugin_series[i].name, name) == 0)
            return &plugin_series[i];
    return NULL;
}

/* The series of plugin, made on first use; NULL when the table is full
 * (more instances than anyone configures). */
static struct plugin_series *series_of(const char *plugin)
{
    size_t n = atomic_load_explicit(&n_plugin_series, memory_order_acquire);
    struct plugin_series *s = find_series(plugin, n);
    if (!s) {
        pthread_mutex_lock(&append_lock);
        n = atomic_load_explicit(&n_plugin_series, memory_order_acquire);
        s = find_series(plugin, n);
        if (!s && n < MAX_PLUGIN_SERIES) {
            s = &plugin_series[n];
            snprintf(s->name, sizeof s->name, "%s", plugin);
            atomic_store_explicit(&n_plugin_series, n + 1, memory_order_release);
        }
        pthread_mutex_unlock(&append_lock);
    }
    return s;
}

void metrics_plugin_time(const char *plugin, uint64_t ns)
{
    struct plugin_series *s = series_of(plugin);
    if (s)
        histogram_observe(&s->h, ns);
}

void metrics_plugin_failure(const char *plugin)
{
    struct plugin_series *s = series_of(plugin);
    if (s)
        atomic_fetch_add_explicit(&s->failures, 1, memory_order_relaxed);
}

static atomic_uint_fast64_t commit_retries;

void metrics_commit_retry(void)
{
    atomic_fetch_add_explicit(&commit_retries, 1, memory_order_relaxed);
}

uint64_t metrics_commit_retries(void)
{
    return atomic_load_explicit(&commit_retries, memory_order_relaxed);
}

uint64_t metrics_plugin_failures(void)
{
    uint64_t sum = 0;
    size_t n = atomic_load_explicit(&n_plugin_series, memory_order_acquire);
    for (size_t i = 0; i < n; i++)
        sum += atomic_load_explicit(&plugin_series[i].failures, memory_order_relaxed);
    return sum;
}

void metrics_processing_time(uint64_t ns)
{
    histogram_observe(&processing, ns);
}

/* ---- rate ------------------------------------------------------------- */

void rate_add(struct rate *r, int64_t now_s, uint64_t n)
{
    size_t i = (size_t)(now_s % 60);
    if (r->sec[i] != now_s) {
        r->sec[i] = now_s;
        r->n[i] = 0;
    }
    r->n[i] += n;
}

uint64_t rate_sum(const struct rate *r, int64_t now_s)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < 60; i++)
        if (r->sec[i] > now_s - 60 && r->sec[i] <= now_s)
            sum += r->n[i];
    return sum;
}

/* ---- strbuf --------------------------------------------------------------- */

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
    for (;;) {
        va_list cp;
        va_copy(cp, ap);
        size_t room = sb->cap - sb->len;
        int n = vsnprintf(sb->s ? sb->s + sb->len : NULL, room, fmt, cp);
        va_end(cp);
        /* Only a bad format fails here, and every format is a literal. */
        assert(n >= 0);
        if (n < 0)
            return;
        if ((size_t)n < room) {
            sb->len += (size_t)n;
            return;
        }
        size_t cap = sb->cap ? sb->cap : 256;
        while (cap < sb->len + (size_t)n + 1)
            cap *= 2;
        sb->s = xrealloc(sb->s, cap);
        sb->cap = cap;
    }
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

char *sb_take(struct strbuf *sb)
{
    char *s = sb->s;
    if (!s)
        s = xstrdup("");
    memset(sb, 0, sizeof *sb);
    return s;
}

/* ---- Prometheus text ---------------------------------------------------- */

void prom_escape(const char *in, char *out, size_t n)
{
    size_t o = 0;
    for (; *in && o + 3 < n; in++) {
        if (*in == '\\' || *in == '"') {
            out[o++] = '\\';
            out[o++] = *in;
        } else if (*in == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else {
            out[o++] = *in;
        }
    }
    if (n)
        out[o] = '\0';
}

void prom_header(struct strbuf *sb, const char *name, const char *type, const char *help)
{
    sb_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_number(struct strbuf *sb, double v)
{
    /* Whole numbers print without exponent or fraction: counters read well. */
    if (v == (double)(int64_t)v && v < 9e15 && v > -9e15)
        sb_printf(sb, "%lld\n", (long long)v);
    else
        sb_printf(sb, "%.9g\n", v);
}

void prom_value(struct strbuf *sb, const char *name, const char *labels, double value)
{
    if (labels && *labels)
        sb_printf(sb, "%s{%s} ", name, labels);
    else
        sb_printf(sb, "%s ", name);
    put_number(sb, value);
}

void prom_histogram(struct strbuf *sb, const char *name, const char *labels, struct histogram *h)
{
    const char *sep = labels && *labels ? "," : "";
    const char *lab = labels ? labels : "";
    uint64_t cum = 0;
    for (size_t i = 0; i <= METRICS_N_BOUNDS; i++) {
        cum += atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
        if (i < METRICS_N_BOUNDS)
            sb_printf(sb, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, lab, sep, metrics_bounds[i],
                      (unsigned long long)cum);
        else
            sb_printf(sb, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, lab, sep, (unsigned long long)cum);
    }
    /* _count equals the +Inf bucket by definition; use the same sum so a
     * scrape racing an observation stays self-consistent. */
    double sum = (double)atomic_load_explicit(&h->sum_ns, memory_order_relaxed) / 1e9;
    if (*lab)
        sb_printf(sb, "%s_sum{%s} %.9g\n%s_count{%s} %llu\n", name, lab, sum, name, lab,
                  (unsigned long long)cum);
    else
        sb_printf(sb, "%s_sum %.9g\n%s_count %llu\n", name, sum, name, (unsigned long long)cum);
}

void metrics_write_histograms(struct strbuf *sb)
{
    prom_header(sb, "newsd_processing_seconds", "histogram",
                "Time from claiming an article to its archive commit.");
    prom_histogram(sb, "newsd_processing_seconds", "", &processing);

    prom_header(sb, "newsd_plugin_seconds", "histogram",
                "Time spent in one plugin call (process or archive), by plugin instance.");
    size_t n = atomic_load_explicit(&n_plugin_series, memory_order_acquire);
    for (size_t i = 0; i < n; i++) {
        char esc[160], labels[180];
        prom_escape(plugin_series[i].name, esc, sizeof esc);
        snprintf(labels, sizeof labels, "plugin=\"%s\"", esc);
        prom_histogram(sb, "newsd_plugin_seconds", labels, &plugin_series[i].h);
    }
    prom_header(sb, "newsd_plugin_failures_total", "counter",
                "Plugin calls that failed (an error, a spent time budget), by plugin instance.");
    for (size_t i = 0; i < n; i++) {
        char esc[160], labels[180];
        prom_escape(plugin_series[i].name, esc, sizeof esc);
        snprintf(labels, sizeof labels, "plugin=\"%s\"", esc);
        prom_value(sb, "newsd_plugin_failures_total", labels,
                   (double)atomic_load_explicit(&plugin_series[i].failures, memory_order_relaxed));
    }
    prom_header(sb, "newsd_archive_commit_retries_total", "counter",
                "Archive commits that failed and were retried (the batch stays in work/).");
    prom_value(sb, "newsd_archive_commit_retries_total", "", (double)metrics_commit_retries());
}

double histogram_quantile(const struct histogram *h, double q)
{
    uint64_t n[METRICS_N_BOUNDS + 1], total = 0;
    for (size_t i = 0; i <= METRICS_N_BOUNDS; i++) {
        n[i] = atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
        total += n[i];
    }
    if (!total)
        return -1;
    double rank = q * (double)total, below = 0;
    for (size_t i = 0; i < METRICS_N_BOUNDS; i++) {
        if (below + (double)n[i] >= rank) {
            double lo = i ? metrics_bounds[i - 1] : 0, hi = metrics_bounds[i];
            return lo + (hi - lo) * (n[i] ? (rank - below) / (double)n[i] : 0);
        }
        below += (double)n[i];
    }
    return metrics_bounds[METRICS_N_BOUNDS - 1];
}

void metrics_each_plugin(metrics_plugin_fn fn, void *ud)
{
    size_t n = atomic_load_explicit(&n_plugin_series, memory_order_acquire);
    for (size_t i = 0; i < n; i++)
        fn(ud, plugin_series[i].name, &plugin_series[i].h,
           atomic_load_explicit(&plugin_series[i].failures, memory_order_relaxed));
}
