/*
 * Counters and histograms for /status and /metrics, and the Prometheus text
 * they are written in.
 *
 * Histograms are updated from worker and archive threads, so their cells are
 * C11 atomics (relaxed: a scrape may see one observation half counted, which
 * Prometheus tolerates, and no lock sits on the article path).  Per-plugin
 * time is keyed by instance name in a process-wide append-only table: names
 * are never removed, so readers scan it without a lock, and a plugin dropped
 * by a reload keeps its (cumulative) series as Prometheus expects.
 */
#ifndef NEWSD_METRICS_H
#define NEWSD_METRICS_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <newsd/plugin.h>

#define METRICS_N_BOUNDS 14
/* Upper bounds of the histogram buckets, in seconds (+Inf is implied). */
extern const double metrics_bounds[METRICS_N_BOUNDS];

struct histogram {
    atomic_uint_fast64_t bucket[METRICS_N_BOUNDS + 1];  /* not cumulative; last is +Inf */
    atomic_uint_fast64_t count;
    atomic_uint_fast64_t sum_ns;
};

void histogram_observe(struct histogram *h, uint64_t ns);

/* Monotonic clock in nanoseconds. */
uint64_t metrics_now_ns(void);

/* Time spent in one plugin callback (any thread). */
void metrics_plugin_time(const char *plugin, uint64_t ns);
/* A failed plugin call (any thread): newsd_plugin_failures_total. */
void metrics_plugin_failure(const char *plugin);
/* A failed archive commit that will be retried (archive thread). */
void metrics_commit_retry(void);
/* Sums for /status. */
uint64_t metrics_commit_retries(void);
uint64_t metrics_plugin_failures(void);
/* Claim to archive, per article (loop thread). */
void metrics_processing_time(uint64_t ns);

/* Articles finished per second over the last minute: 60 one-second cells,
 * touched on the loop thread only. */
struct rate {
    int64_t sec[60];
    uint64_t n[60];
};
void rate_add(struct rate *r, int64_t now_s, uint64_t n);
/* Sum over the 60 seconds up to now_s. */
uint64_t rate_sum(const struct rate *r, int64_t now_s);

/* A growing string; aborts when out of memory like the rest of newsd. */
struct strbuf {
    char *s;
    size_t len, cap;
};
void sb_printf(struct strbuf *sb, const char *fmt, ...) NEWSD_PRINTF(2, 3);
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap) NEWSD_PRINTF(2, 0);
/* Take the string (never NULL); sb is left empty. */
char *sb_take(struct strbuf *sb);

/* Prometheus text exposition format 0.0.4. */
void prom_header(struct strbuf *sb, const char *name, const char *type, const char *help);
/* name{labels} value; labels is "" or 'key="value"' already escaped. */
void prom_value(struct strbuf *sb, const char *name, const char *labels, double value);
void prom_histogram(struct strbuf *sb, const char *name, const char *labels, struct histogram *h);
/* Escape a label value (\\, \", \n) into out (size n, truncating). */
void prom_escape(const char *in, char *out, size_t n);
/* newsd_processing_seconds and newsd_plugin_seconds. */
void metrics_write_histograms(struct strbuf *sb);

/* The q-quantile (0 < q < 1) of h in seconds, interpolated linearly
 * within its bucket as Prometheus' histogram_quantile() does; a value in
 * the +Inf bucket is given as the largest bound.  -1 when h is empty. */
double histogram_quantile(const struct histogram *h, double q);
/* Each plugin instance's time and failures so far (the web dashboard). */
typedef void (*metrics_plugin_fn)(void *ud, const char *name, const struct histogram *h, uint64_t failures);
void metrics_each_plugin(metrics_plugin_fn fn, void *ud);

#endif
