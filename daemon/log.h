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
 */
#ifndef NEWSD_LOG_H
#define NEWSD_LOG_H

#include <stdarg.h>
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

#endif
