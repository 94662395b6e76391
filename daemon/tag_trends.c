/* Tag counts per hour for the dashboard's Trends page; see tag_trends.h. */
#include "tag_trends.h"
#include "name_index.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define HOUR_MS 3600000

struct followed {
    char *name;   /* first: name_index.h */
    uint32_t by_hour[TRENDS_HOURS];   /* by hour % TRENDS_HOURS */
};

static struct followed *names;
static size_t n_names, cap_names;
static struct name_index index_;
static int64_t current_hour = -1;   /* hours since the epoch of the latest count */
static bool full;

static bool followed_tag(const char *name)
{
    return strncmp(name, "entity:", 7) == 0 || strncmp(name, "topic:", 6) == 0;
}

/* Move the window up to hour: the hours that passed start at zero. */
static void advance(int64_t hour)
{
    if (current_hour >= 0 && hour > current_hour) {
        for (int64_t h = current_hour + 1; h <= hour && h - current_hour <= TRENDS_HOURS; h++)
            for (size_t i = 0; i < n_names; i++)
                names[i].by_hour[h % TRENDS_HOURS] = 0;
    }
    if (hour > current_hour)
        current_hour = hour;
}

void tag_trends_count_at(const char *name, int64_t hour, uint32_t n)
{
    if (!followed_tag(name) || hour < 0 || !n)
        return;
    advance(hour);
    if (hour < current_hour - (TRENDS_HOURS - 1))
        return;   /* the clock went back more than the window */
    size_t i = name_index_find(&index_, names, sizeof *names, n_names, name);
    if (i == SIZE_MAX) {
        if (n_names == TRENDS_MAX_NAMES) {
            full = true;
            return;
        }
        if (n_names == cap_names) {
            cap_names = cap_names ? cap_names * 2 : 64;
            names = xreallocarray(names, cap_names, sizeof *names);
        }
        memset(&names[n_names], 0, sizeof *names);
        names[n_names].name = xstrdup(name);
        i = n_names++;
        name_index_add(&index_, names, sizeof *names, n_names);
    }
    uint32_t *c = &names[i].by_hour[hour % TRENDS_HOURS];
    *c = *c > UINT32_MAX - n ? UINT32_MAX : *c + n;
}

void tag_trends_add(const struct newsd_article *a, int64_t now_ms)
{
    for (size_t t = 0; t < a->n_tags; t++)
        tag_trends_count_at(a->tags[t].name, now_ms / HOUR_MS, 1);
}

int64_t tag_trends_latest_hour(void)
{
    return current_hour;
}

const char *tag_trends_row(size_t i, const uint32_t **by_hour)
{
    *by_hour = names[i].by_hour;
    return names[i].name;
}

static int by_total(const void *a, const void *b)
{
    const struct trend_row *x = a, *y = b;
    if (x->total != y->total)
        return x->total < y->total ? 1 : -1;
    return strcmp(x->name, y->name);
}

size_t tag_trends_top(const char *prefix, unsigned hours, int64_t now_ms, struct trend_row *out, size_t max)
{
    if (hours < 1 || hours > TRENDS_HOURS || !max)
        return 0;
    advance(now_ms / HOUR_MS);
    size_t plen = strlen(prefix), n = 0;
    struct trend_row row;
    for (size_t i = 0; i < n_names; i++) {
        if (strncmp(names[i].name, prefix, plen) != 0)
            continue;
        row.name = names[i].name;
        row.total = 0;
        for (unsigned k = 0; k < hours; k++) {
            int64_t h = current_hour - (int64_t)(hours - 1) + k;
            uint32_t v = h >= 0 ? names[i].by_hour[h % TRENDS_HOURS] : 0;
            row.per_hour[k] = v;
            row.total += v;
        }
        if (!row.total)
            continue;
        /* Keep the best max: insert, and drop the last when over. */
        if (n < max) {
            out[n++] = row;
        } else if (by_total(&row, &out[n - 1]) < 0) {
            out[n - 1] = row;
        } else {
            continue;
        }
        qsort(out, n, sizeof *out, by_total);
    }
    return n;
}

size_t tag_trends_names(int *is_full)
{
    if (is_full)
        *is_full = full;
    return n_names;
}

void tag_trends_reset(void)
{
    for (size_t i = 0; i < n_names; i++)
        free(names[i].name);
    free(names);
    names = NULL;
    n_names = cap_names = 0;
    name_index_free(&index_);
    current_hour = -1;
    full = false;
}
