/*
 * A crash says where it happened.  A plugin (or newsd) that dereferences a
 * bad pointer, divides by zero or calls abort() ends the process; without a
 * word in the log an operator could only guess which plugin and which
 * article did it.  A handler of the fatal signals writes one error line
 * with the crashing thread's log context ("plugin NAME: article FILE ID:
 * crashed: SIGSEGV ..."), then lets the signal end the process as it would
 * have, core dump included: newsd does not try to go on after memory may
 * be corrupt.  The article stays in work/ and is counted as a crash at the
 * next start (spool.h, max_attempts).
 *
 * Sanitizer builds keep the sanitizers' own reports: only SIGABRT, which
 * they leave alone, is handled there, and no thread gets an alternate
 * stack (ASan manages its own).
 */
#ifndef NEWSD_CRASH_REPORT_H
#define NEWSD_CRASH_REPORT_H

/* Install the handlers (once, early in main()), and give the calling
 * thread its stack for them (crash_report_thread_begin()); after (a
 * static string, or NULL) ends the line: what happens next. */
void crash_report_install(const char *after);

/* On a thread that runs plugin code: a stack of its own for the handler,
 * so that a plugin's runaway recursion (a fault on the stack's guard page)
 * is reported too.  _end() before the thread exits. */
void crash_report_thread_begin(void);
void crash_report_thread_end(void);

#endif
