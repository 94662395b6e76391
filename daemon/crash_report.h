/*
 * A crash says where it happened.  A plugin (or newsd) that dereferences a
 * bad pointer, divides by zero or calls abort() ends the process; without a
 * word in the log an operator could only guess which plugin and which
 * article did it.  A handler of the fatal signals writes one error line
 * with the crashing thread's log context ("plugin NAME: article FILE ID:
 * crashed: SIGSEGV ..."), then lets the signal end the process as it would
 * have, core dump included (a fault is not raised again but comes again, so
 * the core shows it as it was): newsd does not try to go on after memory
 * may be corrupt.  A fatal signal sent by another process (systemd's
 * watchdog sends SIGABRT) is said to be one ("stopped by SIGABRT ...
 * sent by process N"), not a crash.
 *
 * Sanitizer builds keep the sanitizers' own reports: only SIGABRT, which
 * they leave alone, is handled there, and no thread gets a stack for the
 * handler (ASan manages its own).  A clang build with UBSan alone is not
 * told apart: there, this handler replaces UBSan's report of a SIGSEGV.
 */
#ifndef NEWSD_CRASH_REPORT_H
#define NEWSD_CRASH_REPORT_H

/* Install the handlers (once, early in main()), and give the calling
 * thread its stack for them (crash_report_thread_begin(NULL)). */
void crash_report_install(void);

/* On a thread that runs plugin code: a stack of its own for the handler,
 * so that a plugin's runaway recursion (a fault on the stack's guard page)
 * is reported too; and after_article (a static string, or NULL), what the
 * line says comes next when the crash happens on an article (a worker's:
 * its crashes are counted, spool.h).  _end() before the thread exits.
 * Threads that do not call it (libuv's pool, where archive() and commit()
 * run) report a crash but not a stack overflow. */
void crash_report_thread_begin(const char *after_article);
void crash_report_thread_end(void);

#endif
