/* Tables for a terminal (see render.h). */
#include "render.h"

#include <stdio.h>
#include <string.h>

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static double real(const json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

/* Bytes of s that show at most cols characters, not cutting UTF-8. */
static int fit(const char *s, int cols, int *shown)
{
    int n = 0, chars = 0;
    while (s[n] && chars < cols) {
        n++;
        while ((s[n] & 0xC0) == 0x80)
            n++;
        chars++;
    }
    *shown = chars;
    return n;
}

/* Control characters (a snippet's line breaks) would break the table. */
static void put_flat(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        putchar((unsigned char)s[i] < 0x20 ? ' ' : s[i]);
}

static void cell(const char *s, int width, int last)
{
    int shown;
    int n = fit(s, width, &shown);
    if (s[n] && width > 1) {       /* does not fit: end with an ellipsis */
        n = fit(s, width - 1, &shown);
        put_flat(s, n);
        printf("…");
        shown++;
    } else {
        put_flat(s, n);
    }
    if (!last)
        printf("%*s", width - shown + 2, "");
}

static void duration(long long s, char *out, size_t n)
{
    if (s >= 86400)
        snprintf(out, n, "%lldd %02lldh %02lldm", s / 86400, s / 3600 % 24, s / 60 % 60);
    else if (s >= 3600)
        snprintf(out, n, "%lldh %02lldm %02llds", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, n, "%lldm %02llds", s / 60, s % 60);
}

void render_status(const json_t *st)
{
    const json_t *c = json_object_get(st, "counters");
    const json_t *t = json_object_get(st, "throughput");
    const json_t *a = json_object_get(st, "archive");
    char up[64];

    duration(num(st, "uptime_s"), up, sizeof up);
    printf("newsd %s: %s, pid %lld, up %s\n", str(st, "version"), str(st, "state"), num(st, "pid"), up);
    printf("config       %s\n", str(st, "config"));
    printf("state dir    %s\n", str(st, "state_dir"));
    printf("archive      ");
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(a, "backends"), i, b)
        printf("%s%s (%s)", i ? ", " : "", str(b, "name"), str(b, "plugin"));
    const char *q = str(a, "queries");
    if (*q)
        printf("; queries answered by %s\n", q);
    else
        printf("; none answers queries (search, list, show need archive_sqlite)\n");
    printf("articles     %lld received, %lld archived, %lld duplicates, %lld failed, %lld replayed, "
           "%lld reprocessed\n", num(c, "received"), num(c, "archived"), num(c, "duplicates"),
           num(c, "failed"), num(c, "replayed"), num(c, "reprocessed"));
    printf("now          %lld in flight, queue depth %lld, %lld waiting for reprocessing\n",
           num(c, "in_flight"), num(c, "queue_depth"), num(c, "reprocess_pending"));
    printf("throughput   %.1f articles/s over the last minute (%lld finished)\n", real(t, "per_s"),
           num(t, "finished"));
    const json_t *h = json_object_get(st, "health");
    if (h) {
        const json_t *problems = json_object_get(h, "problems");
        printf("health       %s", str(h, "status"));
        json_t *pr;
        json_array_foreach(problems, i, pr)
            printf("%s%s", i ? "; " : ": ", json_string_value(pr));
        printf("%s\n", json_array_size(problems) ? " (newsctl health)" : "");
    }
    printf("\n");
    printf("%-16s  %-4s  %-18s  %s\n", "PLUGIN", "KIND", "MODULE", "STAGES");
    json_t *p;
    json_array_foreach(json_object_get(st, "plugins"), i, p) {
        cell(str(p, "name"), 16, 0);
        cell(str(p, "kind"), 4, 0);
        cell(str(p, "plugin"), 18, 0);
        size_t j;
        json_t *s;
        json_array_foreach(json_object_get(p, "stages"), j, s)
            printf("%s%s", j ? "," : "", json_string_value(s));
        printf("%s\n", json_is_true(json_object_get(p, "queries")) ? " (answers queries)" : "");
    }
}

void render_health(const json_t *h)
{
    const json_t *problems = json_object_get(h, "problems");
    size_t n = json_array_size(problems), i;
    json_t *p;

    if (!n) {
        printf("ok: newsd %s, no problems\n", str(h, "state"));
        return;
    }
    printf("%s: %zu problem%s\n", str(h, "status"), n, n == 1 ? "" : "s");
    json_array_foreach(problems, i, p) {
        printf("  %s\n", str(p, "problem"));
        printf("      since %s", str(p, "since"));
        if (*str(p, "until"))
            printf(", reported until %s (repaired)", str(p, "until"));
        printf(" [%s]\n", str(p, "key"));
    }
}

void render_list(const json_t *page, const char *key)
{
    const json_t *items = json_object_get(page, key);
    size_t n = json_array_size(items);
    long long total = num(page, "total"), offset = num(page, "offset");
    /* search only: archived articles the full-text index has not reached
     * yet (archive_sqlite indexes behind the commits), so a miss right
     * after a burst is not taken for an answer. */
    long long pending = num(page, "pending");
    char fresh[96] = "";
    if (pending > 0)
        snprintf(fresh, sizeof fresh, " (%lld archived article%s not searchable yet)", pending,
                 pending == 1 ? "" : "s");

    if (!n) {
        printf("no articles%s%s\n", total ? " on this page" : "", fresh);
        return;
    }
    /* Search hits carry no action (api.md): no column that is always
     * blank. */
    size_t i;
    json_t *it;
    int actions = 0;
    json_array_foreach(items, i, it)
        actions |= *str(it, "action") != '\0';
    printf("%-32s  %6s  ", "ID", "SCORE");
    if (actions)
        printf("%-8s  ", "ACTION");
    printf("%-16s  %s\n", "RECEIVED", "TITLE");
    json_array_foreach(items, i, it) {
        char score[32];
        snprintf(score, sizeof score, "%6.1f", real(it, "score_total"));
        printf("%-32s  %s  ", str(it, "id"), score);
        if (actions)
            cell(str(it, "action"), 8, 0);
        /* 2026-11-28T15:13:23.029Z -> 2026-11-28 15:13: enough for a table */
        char when[17];
        snprintf(when, sizeof when, "%s", str(it, "received"));
        if (strlen(when) > 10 && when[10] == 'T')
            when[10] = ' ';
        cell(when, 16, 0);
        cell(str(it, "title"), 70, 1);
        printf("\n");
        const char *snip = str(it, "snippet");
        if (*snip) {
            printf("%34s", "");
            cell(snip, 110, 1);
            printf("\n");
        }
    }
    printf("-- %zu of %lld", n, total);
    if (offset)
        printf(" from offset %lld", offset);
    if (offset + (long long)n < total)
        printf("; next page: --offset %lld", offset + (long long)n);
    printf("%s\n", fresh);
}

void render_record(const json_t *rec)
{
    static const char *const fields[] = {"id", "source", "received", "published", "author", "url",
                                         "lang", "format", "encoding"};
    printf("%s\n", str(rec, "title"));
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (*str(rec, fields[i]))
            printf("  %-10s %s\n", fields[i], str(rec, fields[i]));
    const json_t *tags = json_object_get(rec, "tags");
    if (json_array_size(tags)) {
        printf("\ntags\n");
        size_t i;
        json_t *t;
        json_array_foreach(tags, i, t)
            printf("  %-40s %5.2f  (%s)\n", str(t, "name"), real(t, "weight"), str(t, "plugin"));
    }
    const json_t *score = json_object_get(rec, "score");
    printf("\nscore %.2f", real(score, "total"));
    if (*str(rec, "action"))
        printf(", action %s", str(rec, "action"));
    printf("\n");
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(score, "rules"), i, r)
        printf("  %-16s %+6.2f  %s (%s)\n", str(r, "rule"), real(r, "points"), str(r, "reason"), str(r, "plugin"));
    const json_t *meta = json_object_get(rec, "meta");
    if (json_object_size(meta)) {
        printf("\nmeta\n");
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)meta, k, v)
            printf("  %-24s %s\n", k, json_is_string(v) ? json_string_value(v) : "");
    }
    const char *body = str(rec, "body");
    if (*body)
        printf("\n%s\n", body);
}

void render_outbox(const json_t *ans, int dead)
{
    size_t i, k;
    const json_t *sink, *e;
    json_array_foreach(json_object_get(ans, "sinks"), i, sink) {
        const json_t *list = json_object_get(sink, dead ? "dead" : "entries");
        printf("%s%s: %zu %s (%s)\n", i ? "\n" : "", str(sink, "sink"), json_array_size(list),
               dead ? "dead letters" : "waiting", str(sink, "outbox"));
        json_array_foreach(list, k, e) {
            if (dead)
                printf("  %s  created %s  died %s  after %lld attempts: %s\n", str(e, "id"), str(e, "created"),
                       str(e, "died"), num(e, "attempts"), str(e, "error"));
            else
                printf("  %s  %-10s  created %s  attempts %lld  next %s%s%s\n", str(e, "id"), str(e, "state"),
                       str(e, "created"), num(e, "attempts"), *str(e, "next") ? str(e, "next") : "-",
                       *str(e, "error") ? "  last error: " : "", str(e, "error"));
        }
    }
    if (!json_array_size(json_object_get(ans, "sinks")))
        printf("no sinks are configured\n");
}
