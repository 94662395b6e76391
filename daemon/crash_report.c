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
    const char *name;         /* as sent */
    const char *fault;        /* as raised here: what it means */
} fatal[] = {
    {SIGSEGV, false, "SIGSEGV", "SIGSEGV (invalid memory access)"},
    {SIGBUS, false, "SIGBUS", "SIGBUS (bad memory access)"},
    {SIGFPE, false, "SIGFPE", "SIGFPE (arithmetic error, such as a division by zero)"},
    {SIGILL, false, "SIGILL", "SIGILL (illegal instruction)"},
    {SIGABRT, true, "SIGABRT", "SIGABRT (abort() called, or a failed assert())"},
};

static _Thread_local void *alt_stack;
static _Thread_local const char *article_tail;

static void on_fatal(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    int saved = errno;
    /* Sent, not raised by a fault: by another process (systemd's watchdog
     * sends SIGABRT), or by this one (abort(), raise()). */
    bool sent = info->si_code <= 0;
    long sender = sent && info->si_pid != getpid() ? (long)info->si_pid : 0;
    for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
        if (fatal[i].sig == sig)
            log_fatal_signal_line(sender ? "stopped by " : "crashed: ", sender ? fatal[i].name : fatal[i].fault,
                                  sender, article_tail);
    errno = saved;
    /* SA_RESETHAND has put the default action back.  A fault comes again
     * when the handler returns, and the core dump shows it as it was; a
     * signal that was sent would not come again, so it is raised once more
     * (blocked until the return).  abort() raises its own again too. */
    if (sent)
        raise(sig);
}

void crash_report_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fatal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND | (UNDER_SANITIZER ? 0 : SA_ONSTACK);
    for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
        if (!UNDER_SANITIZER || fatal[i].sanitized)
            sigaction(fatal[i].sig, &sa, NULL);
    /* The main thread runs plugins too (--try, --check-config, inits). */
    crash_report_thread_begin(NULL);
}

void crash_report_thread_begin(const char *after_article)
{
    article_tail = after_article;
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
    article_tail = NULL;
    if (!alt_stack)
        return;
    stack_t ss = {.ss_flags = SS_DISABLE};
    if (sigaltstack(&ss, NULL) == 0)
        free(alt_stack);
    alt_stack = NULL;
}
