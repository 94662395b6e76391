/* Tag counts per hour for the dashboard's Trends page; see tag_trends.h. */
#include "tag_trends.h"
#include "name_index.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define HOUR_MS 3600000
#define DAY_HOURS 24
#define DAYS (TRENDS_HOURS / DAY_HOURS)

_Static_assert(TRENDS_HOURS % DAY_HOURS == 0, "the window is whole days");

/* A name's counts by hour % TRENDS_HOURS, in blocks of a day allocated on
 * its first count and freed when the window has moved past it: most names
 * are tagged in a few hours of the week, and a dense row of 168 counts for
 * each of the 4096 names took 2.7 MB of the default config's peak RSS
 * after a burst.  A name tagged every day of the week still costs about
 * what the dense row did. */
struct followed {
    char *name;   /* first: name_index.h */
    uint32_t *day[DAYS];   /* DAY_HOURS counts each, or NULL: all zero */
};

static struct followed *names;
static size_t n_names, cap_names;
static struct name_index index_;
static int64_t current_hour = -1;   /* hours since the epoch of the latest count */
static bool full;
static uint32_t row_hours[TRENDS_HOURS];   /* tag_trends_row()'s answer */

static bool followed_tag(const char *name)
{
    return strncmp(name, "entity:", 7) == 0 || strncmp(name, "topic:", 6) == 0;
}

static uint32_t count_of(const struct followed *f, int64_t hour)
{
    const uint32_t *d = f->day[(hour % TRENDS_HOURS) / DAY_HOURS];
    return d ? d[hour % DAY_HOURS] : 0;
}

static void free_days(struct followed *f)
{
    for (int d = 0; d < DAYS; d++) {
        free(f->day[d]);
        f->day[d] = NULL;
    }
}

/* Hour h starts at zero again: its day block goes once all of it is zero. */
static void clear_hour(struct followed *f, int64_t h)
{
    uint32_t **d = &f->day[(h % TRENDS_HOURS) / DAY_HOURS];
    if (!*d)
        return;
    (*d)[h % DAY_HOURS] = 0;
    for (int k = 0; k < DAY_HOURS; k++)
        if ((*d)[k])
            return;
    free(*d);
    *d = NULL;
}

/* Move the window up to hour: the hours that passed start at zero. */
static void advance(int64_t hour)
{
    if (current_hour >= 0 && hour > current_hour) {
        for (int64_t h = current_hour + 1; h <= hour && h - current_hour <= TRENDS_HOURS; h++)
            for (size_t i = 0; i < n_names; i++)
                clear_hour(&names[i], h);
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
    uint32_t **d = &names[i].day[(hour % TRENDS_HOURS) / DAY_HOURS];
    if (!*d)
        *d = xcalloc(DAY_HOURS, sizeof **d);
    uint32_t *c = &(*d)[hour % DAY_HOURS];
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
    for (int64_t h = 0; h < TRENDS_HOURS; h++)
        row_hours[h] = count_of(&names[i], h);
    *by_hour = row_hours;
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
            uint32_t v = h >= 0 ? count_of(&names[i], h) : 0;
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
    for (size_t i = 0; i < n_names; i++) {
        free(names[i].name);
        free_days(&names[i]);
    }
    free(names);
    names = NULL;
    n_names = cap_names = 0;
    name_index_free(&index_);
    current_hour = -1;
    full = false;
}
