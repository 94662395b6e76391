/* Logging to stderr; see log.h for the line format and the journal rule. */
#include "log.h"

#include <stdatomic.h>
#include <stdbool.h>
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

void log_vmsg(int level, const char *fmt, va_list ap)
{
    char line[4096];
    size_t n = 0;

    if (level > atomic_load(&current_level))
        return;
    if (level < NEWSD_LOG_ERROR)
        level = NEWSD_LOG_ERROR;
    if (level > NEWSD_LOG_DEBUG)
        level = NEWSD_LOG_DEBUG;

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
    if (ctx_plugin && n < sizeof line)
        n += (size_t)snprintf(line + n, sizeof line - n, "plugin %s: ", ctx_plugin);
    if (ctx_file && n < sizeof line)
        n += (size_t)snprintf(line + n, sizeof line - n, "article %s%s%s: ", ctx_file,
                              ctx_id && *ctx_id ? " " : "", ctx_id ? ctx_id : "");
    if (n < sizeof line)
        n += (size_t)vsnprintf(line + n, sizeof line - n, fmt, ap);
    if (n >= sizeof line - 1)
        n = sizeof line - 2;
    /* One line per event, even if a message carries newlines (a Lua
     * traceback, say): a line-based reader must not see half an event. */
    for (size_t i = 0; i < n; i++)
        if (line[i] == '\n')
            line[i] = ' ';
    line[n++] = '\n';
    /* A single write() keeps lines from different threads whole. */
    ssize_t w = write(STDERR_FILENO, line, n);
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
