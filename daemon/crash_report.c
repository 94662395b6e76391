/* The line a fatal signal leaves in the log; see crash_report.h. */
#include "crash_report.h"
#include "log.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

static const struct {
    int sig;
    bool sanitized;           /* handled in sanitizer builds too */
    const char *line;
} fatal[] = {
    {SIGSEGV, false, "crashed: SIGSEGV (invalid memory access)"},
    {SIGBUS, false, "crashed: SIGBUS (bad memory access)"},
    {SIGFPE, false, "crashed: SIGFPE (arithmetic error, such as a division by zero)"},
    {SIGILL, false, "crashed: SIGILL (illegal instruction)"},
    {SIGABRT, true, "crashed: SIGABRT (abort() called)"},
};

static const char *tail = "";
static _Thread_local void *alt_stack;

static void on_fatal(int sig)
{
    int saved = errno;
    for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
        if (fatal[i].sig == sig)
            log_fatal_signal_line(fatal[i].line, tail);
    errno = saved;
    /* SA_RESETHAND has put the default action back.  A fault comes again
     * when the handler returns; a signal sent by kill() or abort() would
     * not, so it is raised once more (blocked until the return). */
    raise(sig);
}

void crash_report_install(const char *after)
{
    tail = after ? after : "";
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | (UNDER_SANITIZER ? 0 : SA_ONSTACK);
    for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
        if (!UNDER_SANITIZER || fatal[i].sanitized)
            sigaction(fatal[i].sig, &sa, NULL);
    /* The main thread runs plugins too (--try, --check-config, inits). */
    crash_report_thread_begin();
}

void crash_report_thread_begin(void)
{
    if (UNDER_SANITIZER || alt_stack)
        return;
    long min = sysconf(_SC_SIGSTKSZ);
    size_t size = min > 64 * 1024 ? (size_t)min : 64 * 1024;
    stack_t ss = {.ss_sp = malloc(size), .ss_size = size};
    /* Without one, a fault on the stack's guard page ends the process
     * with no line: the rest is reported all the same. */
    if (!ss.ss_sp)
        return;
    if (sigaltstack(&ss, NULL) != 0) {
        free(ss.ss_sp);
        return;
    }
    alt_stack = ss.ss_sp;
}

void crash_report_thread_end(void)
{
    if (!alt_stack)
        return;
    stack_t ss = {.ss_flags = SS_DISABLE};
    if (sigaltstack(&ss, NULL) == 0)
        free(alt_stack);
    alt_stack = NULL;
}
