/* The web dashboard's pages; see web_pages.h. */
#include "web_pages.h"
#include "newsd/plugin.h"
#include "sinks.h"
#include "web_history.h"
#include "web_html.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How much of a .reason sidecar is shown (they are a few lines). */
#define REASON_MAX 4096
/* Rows of failed/ and of each outbox list on one page. */
#define LIST_MAX 500

static void card(struct strbuf *sb, const char *label, unsigned long long n)
{
    sb_printf(sb, "<div class=\"card\"><div class=\"n\">%llu</div><div class=\"l\">", n);
    html_text(sb, label);
    sb_printf(sb, "</div></div>");
}

static void time_text(struct strbuf *sb, int64_t ms)
{
    char buf[32];
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0 || !gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm)) {
        sb_printf(sb, "\xe2\x80\x94");
        return;
    }
    sb_printf(sb, "%s", buf);
}

/* Seconds as a person reads them: 0.8 ms, 12 ms, 1.3 s. */
static void duration(struct strbuf *sb, double s)
{
    if (s < 0)
        sb_printf(sb, "\xe2\x80\x94");
    else if (s < 0.001)
        sb_printf(sb, "%.2f ms", s * 1000);
    else if (s < 1)
        sb_printf(sb, "%.1f ms", s * 1000);
    else
        sb_printf(sb, "%.2f s", s);
}

static void plugin_row(void *ud, const char *name, const struct histogram *h, uint64_t failures)
{
    struct strbuf *sb = ud;
    sb_printf(sb, "<tr><td>");
    html_text(sb, name);
    sb_printf(sb, "</td><td class=\"num\">%llu</td><td class=\"num\">",
              (unsigned long long)atomic_load_explicit(&h->count, memory_order_relaxed));
    duration(sb, histogram_quantile(h, 0.5));
    sb_printf(sb, "</td><td class=\"num\">");
    duration(sb, histogram_quantile(h, 0.99));
    sb_printf(sb, "</td><td class=\"num\">%llu</td></tr>\n", (unsigned long long)failures);
}

static unsigned long long outbox_depth(struct sinks *sinks)
{
    json_t *st = sinks_status(sinks);
    unsigned long long depth = 0;
    size_t i;
    const json_t *s;
    json_array_foreach(st, i, s)
        depth += (unsigned long long)json_integer_value(json_object_get(s, "depth"));
    json_decref(st);
    return depth;
}

/* Bytes as a person reads them. */
static void size_text(struct strbuf *sb, double b)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t u = 0;
    while (b >= 1024 && u + 1 < sizeof unit / sizeof unit[0]) {
        b /= 1024;
        u++;
    }
    sb_printf(sb, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

/* The archive's figures (docs/api.md, stats), those it gives. */
static void archive_stats(struct strbuf *sb, const json_t *stats, int64_t stats_ms)
{
    static const struct {
        const char *key, *label;
        bool bytes;
    } figures[] = {
        {"articles", "articles", false},   {"duplicates", "duplicate arrivals", false},
        {"db_bytes", "database", true},    {"wal_bytes", "write-ahead log", true},
        {"originals_bytes", "originals", true}, {"index_pending", "not yet searchable", false},
    };
    sb_printf(sb, "<h2>Archive</h2>");
    if (!stats) {
        sb_printf(sb, "<p class=\"empty\">No figures (yet): asked once a minute of an archive that answers "
                      "queries.</p>\n");
        return;
    }
    sb_printf(sb, "<div class=\"cards\">");
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
        const json_t *v = json_object_get(stats, figures[i].key);
        if (!json_is_number(v))
            continue;
        sb_printf(sb, "<div class=\"card\"><div class=\"n\">");
        if (figures[i].bytes)
            size_text(sb, json_number_value(v));
        else
            sb_printf(sb, "%.0f", json_number_value(v));
        sb_printf(sb, "</div><div class=\"l\">%s</div></div>", figures[i].label);
    }
    sb_printf(sb, "</div><p class=\"hint\">");
    html_text(sb, json_string_value(json_object_get(stats, "backend")) ? json_string_value(json_object_get(stats, "backend")) : "");
    sb_printf(sb, " archive, as of ");
    time_text(sb, stats_ms);
    sb_printf(sb, ".</p>\n");
}

char *web_page_overview(const struct status_snapshot *s, const struct web_history *h, const json_t *stats,
                        int64_t stats_ms)
{
    struct strbuf sb = {0};
    const struct daemon_counters *c = &s->counters;
    html_page_start(&sb, WEB_PAGE_OVERVIEW, "Overview", 10);
    sb_printf(&sb, "<p>State: <b>%s</b>, pid %ld, since ", daemon_state_name(s->state), s->pid);
    time_text(&sb, s->started_ms);
    sb_printf(&sb, "; %zu health problem%s.</p>\n", s->n_problems, s->n_problems == 1 ? "" : "s");
    sb_printf(&sb, "<h2>Articles per minute</h2>\n");
    web_history_svg(h, &sb);
    sb_printf(&sb, "<h2>Since start</h2><div class=\"cards\">");
    card(&sb, "received", c->received);
    card(&sb, "archived", c->archived);
    card(&sb, "duplicates", c->duplicates);
    card(&sb, "failed", c->failed);
    card(&sb, "reprocessed", c->reprocessed);
    card(&sb, "plugin failures", s->plugin_failures);
    sb_printf(&sb, "</div>\n<h2>Now</h2><div class=\"cards\">");
    card(&sb, "in flight", s->in_flight);
    card(&sb, "waiting for a worker", s->queue_depth);
    card(&sb, "waiting to be reprocessed", s->reprocess_pending);
    sb_printf(&sb, "</div><div class=\"cards\">");
    char label[64];
    snprintf(label, sizeof label, "finished in the last %u s", s->window_s);
    card(&sb, label, s->finished_in_window);
    card(&sb, "archive queries running", s->queries_running);
    card(&sb, "alerts waiting in outboxes", outbox_depth(s->sinks));
    sb_printf(&sb, "</div>\n");
    archive_stats(&sb, stats, stats_ms);
    sb_printf(&sb, "<h2>Plugins</h2>\n<table class=\"plugins\"><tr><th>Instance</th><th>Calls</th>"
                   "<th>p50</th><th>p99</th><th>Failures</th></tr>\n");
    metrics_each_plugin(plugin_row, &sb);
    sb_printf(&sb, "</table>\n<p class=\"hint\">Time of one call since start; p50 and p99 are estimated "
                   "within the buckets of newsd_plugin_seconds (/metrics).</p>\n");
    if (s->n_problems) {
        sb_printf(&sb, "<h2>Health problems</h2><table><tr><th>Key</th><th>Problem</th></tr>");
        for (size_t i = 0; i < s->n_problems; i++) {
            sb_printf(&sb, "<tr><td>");
            html_text(&sb, s->problems[i].key);
            sb_printf(&sb, "</td><td>");
            html_text(&sb, s->problems[i].text);
            sb_printf(&sb, "</td></tr>");
        }
        sb_printf(&sb, "</table>\n");
    }
    html_page_end(&sb);
    return sb_take(&sb);
}

/* Whether name in failed/ is an article (not a sidecar, not hidden). */
static bool failed_article(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && !(n > 7 && strcmp(name + n - 7, ".reason") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void reason_cell(struct strbuf *sb, int dirfd, const char *name)
{
    char side[512], buf[REASON_MAX];
    snprintf(side, sizeof side, "%.500s.reason", name);
    int fd = openat(dirfd, side, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0) {
        sb_printf(sb, "<td class=\"empty\">no .reason file</td>");
        return;
    }
    sb_printf(sb, "<td class=\"reason\">");
    html_text_n(sb, buf, (size_t)n);
    sb_printf(sb, "</td>");
}

char *web_page_failed(const char *state_dir, const char *csrf, const char *note)
{
    struct strbuf sb = {0};
    html_page_start(&sb, WEB_PAGE_FAILED, "Failed articles", 0);
    if (note) {
        sb_printf(&sb, "<p class=\"msg\">");
        html_text(&sb, note);
        sb_printf(&sb, "</p>\n");
    }
    char *path = xasprintf("%s/failed", state_dir);
    int dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dirfd >= 0 ? fdopendir(dirfd) : NULL;
    if (!d) {
        sb_printf(&sb, "<p class=\"msg\">Cannot read ");
        html_text(&sb, path);
        sb_printf(&sb, ": ");
        html_text(&sb, strerror(errno));
        sb_printf(&sb, "</p>");
        if (dirfd >= 0)
            close(dirfd);
        free(path);
        html_page_end(&sb);
        return sb_take(&sb);
    }
    char **names = NULL;
    size_t n = 0, total = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (!failed_article(de->d_name))
            continue;
        total++;
        if (n < LIST_MAX) {
            names = xreallocarray(names, n + 1, sizeof *names);
            names[n++] = xstrdup(de->d_name);
        }
    }
    if (n > 1) /* qsort's base may not be NULL, even for no elements */
        qsort(names, n, sizeof *names, cmp_str);
    sb_printf(&sb, "<p>%zu file%s in ", total, total == 1 ? "" : "s");
    html_text(&sb, path);
    sb_printf(&sb, "%s. <i>Retry</i> moves a file back into the inbox; fix its cause first.</p>\n",
              total > n ? " (500 of them shown, in name order)" : "");
    if (n) {
        sb_printf(&sb, "<table><tr><th>File</th><th>Size</th><th>Reason</th><th></th></tr>\n");
        for (size_t i = 0; i < n; i++) {
            struct stat st;
            sb_printf(&sb, "<tr><td>");
            html_text(&sb, names[i]);
            if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
                sb_printf(&sb, "</td><td>%lld</td>", (long long)st.st_size);
            else
                sb_printf(&sb, "</td><td>?</td>");
            reason_cell(&sb, dirfd, names[i]);
            sb_printf(&sb, "<td><form method=\"post\" action=\"/failed/retry\">"
                           "<input type=\"hidden\" name=\"csrf\" value=\"");
            html_text(&sb, csrf);
            sb_printf(&sb, "\"><input type=\"hidden\" name=\"name\" value=\"");
            html_text(&sb, names[i]);
            sb_printf(&sb, "\"><button type=\"submit\">Retry</button></form></td></tr>\n");
            free(names[i]);
        }
        sb_printf(&sb, "</table>\n");
    }
    free(names);
    closedir(d);
    free(path);
    html_page_end(&sb);
    return sb_take(&sb);
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A JSON time (an ISO string or null) as text. */
static void jtime_cell(struct strbuf *sb, const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    sb_printf(sb, "<td>");
    if (s)
        html_text(sb, s);
    else
        sb_printf(sb, "\xe2\x80\x94");
    sb_printf(sb, "</td>");
}

static void outbox_table(struct strbuf *sb, const json_t *entries, bool dead)
{
    if (!json_array_size(entries)) {
        sb_printf(sb, "<p class=\"empty\">%s</p>\n", dead ? "No dead letters." : "Nothing waiting.");
        return;
    }
    sb_printf(sb, "<table><tr><th>Record</th><th>Created</th><th>Attempts</th><th>%s</th><th>Error</th></tr>\n",
              dead ? "Given up" : "State");
    size_t i;
    const json_t *e;
    json_array_foreach(entries, i, e) {
        const char *id = jstr(e, "id");
        if (newsd_id_valid(id))   /* the article the record is about */
            sb_printf(sb, "<tr><td><a href=\"/article/%s\">%s</a></td>", id, id);
        else {
            sb_printf(sb, "<tr><td>");
            html_text(sb, id);
            sb_printf(sb, "</td>");
        }
        jtime_cell(sb, e, "created");
        sb_printf(sb, "<td>%lld</td>", (long long)json_integer_value(json_object_get(e, "attempts")));
        if (dead) {
            jtime_cell(sb, e, "died");
        } else {
            sb_printf(sb, "<td>");
            html_text(sb, jstr(e, "state"));
            sb_printf(sb, "</td>");
        }
        sb_printf(sb, "<td>");
        html_text(sb, jstr(e, "error"));
        sb_printf(sb, "</td></tr>\n");
    }
    sb_printf(sb, "</table>\n");
}

char *web_page_alerts(struct sinks *sinks)
{
    struct strbuf sb = {0};
    html_page_start(&sb, WEB_PAGE_ALERTS, "Alerts", 10);
    json_t *status = sinks_status(sinks);
    json_t *waiting = sinks_outbox(sinks, false, LIST_MAX);
    json_t *dead = sinks_outbox(sinks, true, LIST_MAX);
    if (!json_array_size(status))
        sb_printf(&sb, "<p class=\"empty\">No sink is configured, so nothing is alerted "
                       "(see docs/operations.md, sinks).</p>\n");
    size_t i;
    const json_t *s;
    json_array_foreach(status, i, s) {
        sb_printf(&sb, "<h2>Sink ");
        html_text(&sb, jstr(s, "name"));
        sb_printf(&sb, " (");
        html_text(&sb, jstr(s, "plugin"));
        sb_printf(&sb, ")</h2><div class=\"cards\">");
        card(&sb, "waiting", (unsigned long long)json_integer_value(json_object_get(s, "depth")));
        card(&sb, "delivered", (unsigned long long)json_integer_value(json_object_get(s, "delivered")));
        card(&sb, "retries", (unsigned long long)json_integer_value(json_object_get(s, "retries")));
        card(&sb, "dead letters", (unsigned long long)json_integer_value(json_object_get(s, "dead")));
        sb_printf(&sb, "</div><p>Filter: <code>");
        html_text(&sb, jstr(s, "filter"));
        sb_printf(&sb, "</code></p><h3>Waiting</h3>");
        outbox_table(&sb, json_object_get(json_array_get(waiting, i), "entries"), false);
        sb_printf(&sb, "<h3>Dead letters</h3>");
        outbox_table(&sb, json_object_get(json_array_get(dead, i), "dead"), true);
    }
    json_decref(status);
    json_decref(waiting);
    json_decref(dead);
    html_page_end(&sb);
    return sb_take(&sb);
}

char *web_page_error(const char *title, const char *msg)
{
    struct strbuf sb = {0};
    html_page_start(&sb, WEB_PAGE_NONE, title, 0);
    sb_printf(&sb, "<p>");
    html_text(&sb, msg);
    sb_printf(&sb, "</p>\n");
    html_page_end(&sb);
    return sb_take(&sb);
}
