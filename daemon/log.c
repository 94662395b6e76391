/* Logging to stderr; see log.h for the line format, the journal rule and
 * how repeated lines are folded. */
#include "log.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static atomic_int current_level = NEWSD_LOG_INFO;
static bool to_journal;

static _Thread_local const char *ctx_plugin;
static _Thread_local const char *ctx_file;
static _Thread_local const char *ctx_id;
static _Thread_local bool capturing;
static _Thread_local char *captured;

/* Repeated lines (log.h).  A small table of the lines written lately, keyed
 * by a hash of level and text; the least recently seen is evicted when it
 * is full.  128 slots: a fault repeats one line or a handful, and a line
 * pushed out by a flood of distinct ones is merely written again. */
#define REPEAT_SLOTS 128
#define REPEAT_FIRST_MS 10000
#define REPEAT_MAX_MS 300000

struct repeat {
    uint64_t hash;          /* 0: free */
    int level;
    char *text;             /* context and message, as written */
    int64_t window_start;   /* ms, log_clock() */
    int64_t window_ms;
    int64_t last_seen;
    unsigned count;         /* held back in this window */
};

static pthread_mutex_t repeat_lock = PTHREAD_MUTEX_INITIALIZER;
static struct repeat repeats[REPEAT_SLOTS];
static int64_t (*clock_hook)(void);

static const char *const level_names[] = {
    [NEWSD_LOG_ERROR] = "error",   [NEWSD_LOG_WARNING] = "warning",
    [NEWSD_LOG_NOTICE] = "notice", [NEWSD_LOG_INFO] = "info",
    [NEWSD_LOG_DEBUG] = "debug",
};

/* journald passes "DEV:INODE" of the stream it gave us; only trust it when it
 * still is our stderr (a child that inherited the variable may not be). */
static bool stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;

    if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
        return false;
    if (fstat(STDERR_FILENO, &st) < 0)
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_init(void)
{
    to_journal = stderr_is_journal();
}

void log_set_level(int level)
{
    atomic_store(&current_level, level);
}

int log_get_level(void)
{
    return atomic_load(&current_level);
}

int log_level_parse(const char *name)
{
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
        if (level_names[i] && strcasecmp(name, level_names[i]) == 0)
            return (int)i;
    if (strcasecmp(name, "err") == 0)
        return NEWSD_LOG_ERROR;
    if (strcasecmp(name, "warn") == 0)
        return NEWSD_LOG_WARNING;
    return -1;
}

void log_set_plugin(const char *plugin)
{
    ctx_plugin = plugin;
}

void log_set_article(const char *file, const char *id)
{
    ctx_file = file;
    ctx_id = id;
}

struct log_context log_context_clear(void)
{
    struct log_context c = {ctx_plugin, ctx_file, ctx_id};
    ctx_plugin = ctx_file = ctx_id = NULL;
    return c;
}

void log_context_restore(struct log_context c)
{
    ctx_plugin = c.plugin;
    ctx_file = c.file;
    ctx_id = c.id;
}

static int64_t log_clock(void)
{
    if (clock_hook)
        return clock_hook();
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void log_set_clock(int64_t (*mono_ms)(void))
{
    clock_hook = mono_ms;
}

size_t text_one_line(char *s, size_t n)
{
    size_t kept = 0;
    bool in_break = false;
    for (size_t i = 0; i < n; i++) {
        bool brk = s[i] == '\n' || s[i] == '\t' || s[i] == '\r';
        if (brk && in_break)
            continue;
        s[kept++] = brk ? ' ' : s[i];
        in_break = brk;
    }
    return kept;
}

/* Write one line: the prefix (time and level, or the journal's priority),
 * then text, then suffix; newlines inside become spaces. */
static void emit(int level, const char *text, const char *suffix)
{
    char line[4096];
    size_t n = 0;

    if (to_journal) {
        n += (size_t)snprintf(line, sizeof line, "<%d>", level);
    } else {
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        n += strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
        n += (size_t)snprintf(line + n, sizeof line - n, ".%03ldZ %s: ",
                              ts.tv_nsec / 1000000, level_names[level]);
    }
    if (n < sizeof line)
        n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", text, suffix);
    if (n >= sizeof line - 1)
        n = sizeof line - 2;
    /* One line per event, even if a message carries newlines (a Lua
     * traceback, say): a line-based reader must not see half an event. */
    n = text_one_line(line, n);
    line[n++] = '\n';
    /* A single write() keeps lines from different threads whole. */
    ssize_t w = write(STDERR_FILENO, line, n);
    (void)w;
}

static uint64_t text_hash(int level, const char *text)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)level;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h ? h : 1;
}

/* "TEXT (repeated N times in the last S s)" for what a window held back. */
static void emit_repeats(const struct repeat *r, int64_t span_ms)
{
    char suffix[96];
    long long s = (span_ms + 999) / 1000;
    snprintf(suffix, sizeof suffix, " (repeated %u time%s in the last %lld s)", r->count,
             r->count == 1 ? "" : "s", s > 0 ? s : 1);
    emit(r->level, r->text, suffix);
}

static void slot_clear(struct repeat *r)
{
    free(r->text);
    *r = (struct repeat){0};
}

/* Windows that are over: a line that came again is summed up and gets a
 * window twice as long; one that did not is forgotten.  force: sum up
 * every window now (at exit). */
static void expire(int64_t now, bool force)
{
    for (size_t i = 0; i < REPEAT_SLOTS; i++) {
        struct repeat *r = &repeats[i];
        if (!r->hash || (!force && now < r->window_start + r->window_ms))
            continue;
        if (!r->count) {
            slot_clear(r);
            continue;
        }
        emit_repeats(r, force ? now - r->window_start : r->window_ms);
        if (force) {
            slot_clear(r);
            continue;
        }
        r->count = 0;
        r->window_start = now;
        r->window_ms = r->window_ms * 2 > REPEAT_MAX_MS ? REPEAT_MAX_MS : r->window_ms * 2;
    }
}

/* True when text was written within its window: it is counted instead. */
static bool held_back(int level, const char *text)
{
    uint64_t h = text_hash(level, text);
    int64_t now = log_clock();
    struct repeat *lru = NULL;

    pthread_mutex_lock(&repeat_lock);
    expire(now, false);
    for (size_t i = 0; i < REPEAT_SLOTS; i++) {
        struct repeat *r = &repeats[i];
        if (r->hash == h && r->level == level && strcmp(r->text, text) == 0) {
            r->count++;
            r->last_seen = now;
            pthread_mutex_unlock(&repeat_lock);
            return true;
        }
        if (!lru || (lru->hash && (!r->hash || r->last_seen < lru->last_seen)))
            lru = r;
    }
    if (lru->hash && lru->count)
        emit_repeats(lru, now - lru->window_start);
    slot_clear(lru);
    *lru = (struct repeat){.hash = h, .level = level, .text = xstrdup(text), .window_start = now,
                           .window_ms = REPEAT_FIRST_MS, .last_seen = now};
    pthread_mutex_unlock(&repeat_lock);
    return false;
}

void log_flush_repeats(bool all)
{
    pthread_mutex_lock(&repeat_lock);
    expire(log_clock(), all);
    pthread_mutex_unlock(&repeat_lock);
}

static void capture(const char *msg)
{
    char *joined = captured ? xasprintf("%s; %s", captured, msg) : xstrdup(msg);
    free(captured);
    captured = joined;
}

void log_capture_begin(void)
{
    free(captured);
    captured = NULL;
    capturing = true;
}

char *log_capture_end(void)
{
    char *out = captured;
    captured = NULL;
    capturing = false;
    return out;
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
    char text[4096];
    size_t n = 0;

    if (level > atomic_load(&current_level))
        return;
    if (level < NEWSD_LOG_ERROR)
        level = NEWSD_LOG_ERROR;
    if (level > NEWSD_LOG_DEBUG)
        level = NEWSD_LOG_DEBUG;

    text[0] = '\0';
    if (ctx_plugin)
        n += (size_t)snprintf(text, sizeof text, "plugin %s: ", ctx_plugin);
    if (ctx_file && n < sizeof text)
        n += (size_t)snprintf(text + n, sizeof text - n, "article %s%s%s: ", ctx_file,
                              ctx_id && *ctx_id ? " " : "", ctx_id ? ctx_id : "");
    if (n < sizeof text)
        vsnprintf(text + n, sizeof text - n, fmt, ap);
    if (capturing && level == NEWSD_LOG_ERROR)
        capture(text + (n < sizeof text ? n : sizeof text - 1));
    if (held_back(level, text))
        return;
    emit(level, text, "");
}

/* ---- the line of a fatal signal -------------------------------------------
 * Written from a signal handler (crash_report.c), so only what such a
 * handler may do: no stdio, no locks, no malloc, no gmtime_r().  The
 * thread's context is read as log_vmsg() reads it: it is this thread's. */

struct as_buf {
    char *p;
    size_t n, cap;
};

static void as_put(struct as_buf *b, const char *s)
{
    for (; s && *s && b->n + 1 < b->cap; s++)
        b->p[b->n++] = *s;
}

/* v in decimal, at least width digits. */
static void as_num(struct as_buf *b, uint64_t v, int width)
{
    char d[24];
    int k = 0;
    do {
        d[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && k < (int)sizeof d);
    while (k < width && k < (int)sizeof d)
        d[k++] = '0';
    while (k > 0 && b->n + 1 < b->cap)
        b->p[b->n++] = d[--k];
}

/* The civil date of a day count since 1970-01-01 (Howard Hinnant's
 * days_from_civil, inverted). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void log_fatal_signal_line(const char *how, const char *what, long sender, const char *after_article)
{
    char line[1024];
    struct as_buf b = {line, 0, sizeof line};
    if (to_journal) {
        as_put(&b, "<3>");
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t days = ts.tv_sec / 86400, secs = ts.tv_sec % 86400;
        int64_t y;
        unsigned m, d;
        civil_from_days(days, &y, &m, &d);
        as_num(&b, (uint64_t)y, 4);
        as_put(&b, "-");
        as_num(&b, m, 2);
        as_put(&b, "-");
        as_num(&b, d, 2);
        as_put(&b, "T");
        as_num(&b, (uint64_t)secs / 3600, 2);
        as_put(&b, ":");
        as_num(&b, (uint64_t)secs / 60 % 60, 2);
        as_put(&b, ":");
        as_num(&b, (uint64_t)secs % 60, 2);
        as_put(&b, ".");
        as_num(&b, (uint64_t)ts.tv_nsec / 1000000, 3);
        as_put(&b, "Z error: ");
    }
    if (ctx_plugin) {
        as_put(&b, "plugin ");
        as_put(&b, ctx_plugin);
        as_put(&b, ": ");
    }
    if (ctx_file) {
        as_put(&b, "article ");
        as_put(&b, ctx_file);
        if (ctx_id && *ctx_id) {
            as_put(&b, " ");
            as_put(&b, ctx_id);
        }
        as_put(&b, ": ");
    }
    as_put(&b, how);
    as_put(&b, what);
    if (sender > 0) {
        as_put(&b, ", sent by process ");
        as_num(&b, (uint64_t)sender, 1);
    }
    if (ctx_file)
        as_put(&b, after_article);
    /* One line, as emit() makes it (text_one_line() only moves bytes). */
    b.n = text_one_line(line, b.n);
    line[b.n++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, b.n);
    (void)w;
}

void log_msg(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, fmt, ap);
    va_end(ap);
}

void newsd_log(enum newsd_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg((int)level, fmt, ap);
    va_end(ap);
}
