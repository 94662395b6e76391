/*
 * Logging: one line per event on stderr.
 *
 * When stderr is the journal (systemd sets JOURNAL_STREAM to its device and
 * inode), lines carry a syslog priority prefix "<6>" and no timestamp, since
 * journald adds its own; otherwise an ISO 8601 UTC timestamp and the level.
 *
 * Plugin callbacks run with a thread-local context (plugin, file, article id)
 * that newsd_log() and log_msg() put in front of the message, so every line a
 * plugin writes says which plugin and which article it is about.
 *
 * Repeated lines are folded: a line whose level and text (context included)
 * were written less than a window ago is held back and counted; when the
 * window is over, one line "TEXT (repeated N times in the last S s)" says
 * so.  The window is 10 s and doubles, up to 5 min, while the line keeps
 * coming, so a fault that lasts hours (a full disk, the archive down) costs
 * a few lines an hour instead of one a second; a line that stops coming is
 * forgotten after its window.  A held-back line is summed up at the latest
 * by the next line written after its window, or by log_flush_repeats().
 */
#ifndef NEWSD_LOG_H
#define NEWSD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <newsd/plugin.h>

void log_init(void);
void log_set_level(int level);
int log_get_level(void);
/* "error", "warning", "notice", "info", "debug" → level; -1 if unknown. */
int log_level_parse(const char *name);

void log_msg(int level, const char *fmt, ...) NEWSD_PRINTF(2, 3);
void log_vmsg(int level, const char *fmt, va_list ap) NEWSD_PRINTF(2, 0);

#define log_error(...) log_msg(NEWSD_LOG_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(NEWSD_LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(NEWSD_LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(NEWSD_LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(NEWSD_LOG_DEBUG, __VA_ARGS__)

/* Thread-local context; pass NULL to clear a part.  The strings must outlive
 * the context (they are not copied). */
void log_set_plugin(const char *plugin);
void log_set_article(const char *file, const char *id);

/* newsd's own work done on a plugin's or an article's behalf (the first
 * call that needs a data file loads it for all): its lines are no plugin's
 * and no article's.  log_context_clear() empties this thread's context and
 * returns it; log_context_restore() puts it back. */
struct log_context {
    const char *plugin, *file, *id;
};
struct log_context log_context_clear(void);
void log_context_restore(struct log_context c);

/* A plugin's init(): collect the error lines logged on this thread until
 * log_capture_end() (they are still written), so a refused start or reload
 * can hand the plugin's own words to whoever asked (newsctl reload).
 * log_capture_end() returns them malloc'd, joined by "; " and without the
 * "plugin NAME: " prefix, or NULL when there were none. */
void log_capture_begin(void);
char *log_capture_end(void);

/* The first n bytes of s on one line, in place: a line break or tab, with
 * the breaks and tabs right after it (a Lua traceback's "\n\t"), becomes
 * one space, as a pattern copied from the docs has it.  Returns the new
 * length.  Log lines and the failed/ sidecars' fields use it. */
size_t text_one_line(char *s, size_t n);

/* A fatal signal's line: this thread's context (plugin, article), how and
 * what ("crashed: " "SIGSEGV ..."), the sender's pid when it is > 0, and
 * after_article (may be NULL) when the context has an article; written at
 * once and never folded.  Safe to call from a signal handler
 * (crash_report.c); log_msg() is for everywhere else. */
void log_fatal_signal_line(const char *how, const char *what, long sender, const char *after_article);

/* Write the summaries of windows that are over (the loop calls this on a
 * timer, so a count is not left waiting for the next line); all: of every
 * window, at once (at exit). */
void log_flush_repeats(bool all);
/* Tests: the monotonic clock in ms that the windows are measured with
 * (NULL: CLOCK_MONOTONIC). */
void log_set_clock(int64_t (*mono_ms)(void));

#endif
