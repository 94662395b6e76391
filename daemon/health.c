/* The registry of current problems behind /health; see health.h. */
#include "health.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Workers and the archive thread may register problems too, so one lock;
 * the list is short (a few keys), so arrays and linear search. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry {
    struct health_problem p;
    int64_t until_mono;   /* incidents: expiry, monotonic (the wall clock may jump) */
} *entries;
static size_t n_entries, cap_entries;
static unsigned hold_s = 300;

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct entry *find(const char *key)
{
    for (size_t i = 0; i < n_entries; i++)
        if (strcmp(entries[i].p.key, key) == 0)
            return &entries[i];
    return NULL;
}

static void remove_at(size_t i)
{
    memmove(&entries[i], &entries[i + 1], (n_entries - i - 1) * sizeof *entries);
    n_entries--;
}

static void drop_expired(int64_t mono)
{
    for (size_t i = 0; i < n_entries;) {
        if (entries[i].until_mono && entries[i].until_mono <= mono)
            remove_at(i);
        else
            i++;
    }
}

NEWSD_PRINTF(3, 0)
static void put(const char *key, int incident, const char *fmt, va_list ap)
{
    char text[HEALTH_TEXT_MAX];
    vsnprintf(text, sizeof text, fmt, ap);
    /* One line: the text is shown in lists and in `newsctl health`. */
    for (char *c = text; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';

    pthread_mutex_lock(&lock);
    int64_t mono = clock_ms(CLOCK_MONOTONIC), wall = clock_ms(CLOCK_REALTIME);
    drop_expired(mono);
    struct entry *e = find(key);
    if (!e) {
        if (n_entries == cap_entries) {
            cap_entries = cap_entries ? 2 * cap_entries : 8;
            entries = xreallocarray(entries, cap_entries, sizeof *entries);
        }
        e = &entries[n_entries++];
        memset(e, 0, sizeof *e);
        snprintf(e->p.key, sizeof e->p.key, "%s", key);
        e->p.since_ms = wall;
    }
    snprintf(e->p.text, sizeof e->p.text, "%s", text);
    if (incident && hold_s == 0) {
        remove_at((size_t)(e - entries));
    } else if (incident) {
        e->until_mono = mono + (int64_t)hold_s * 1000;
        e->p.until_ms = wall + (int64_t)hold_s * 1000;
    } else {
        e->until_mono = 0;
        e->p.until_ms = 0;
    }
    pthread_mutex_unlock(&lock);
}

void health_set(const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put(key, 0, fmt, ap);
    va_end(ap);
}

void health_incident(const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put(key, 1, fmt, ap);
    va_end(ap);
}

void health_clear(const char *key)
{
    pthread_mutex_lock(&lock);
    struct entry *e = find(key);
    if (e)
        remove_at((size_t)(e - entries));
    pthread_mutex_unlock(&lock);
}

int health_has(const char *key)
{
    pthread_mutex_lock(&lock);
    drop_expired(clock_ms(CLOCK_MONOTONIC));
    int found = find(key) != NULL;
    pthread_mutex_unlock(&lock);
    return found;
}

void health_set_hold(unsigned seconds)
{
    pthread_mutex_lock(&lock);
    hold_s = seconds;
    pthread_mutex_unlock(&lock);
}

size_t health_snapshot(struct health_problem **out)
{
    pthread_mutex_lock(&lock);
    drop_expired(clock_ms(CLOCK_MONOTONIC));
    size_t n = n_entries;
    struct health_problem *v = n ? xcalloc(n, sizeof *v) : NULL;
    for (size_t i = 0; i < n; i++)
        v[i] = entries[i].p;
    pthread_mutex_unlock(&lock);
    *out = v;
    return n;
}

void health_reset(void)
{
    pthread_mutex_lock(&lock);
    free(entries);
    entries = NULL;
    n_entries = cap_entries = 0;
    hold_s = 300;
    pthread_mutex_unlock(&lock);
}
