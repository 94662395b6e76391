/* sd_notify wrappers. */
#include "notify.h"

#include <stdarg.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>
#include <time.h>

void notify_ready(void)
{
    sd_notify(0, "READY=1");
}

void notify_reloading(void)
{
    /* MONOTONIC_USEC lets systemd >= 253 match the reload to its request. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
               (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000);
}

void notify_stopping(void)
{
    sd_notify(0, "STOPPING=1");
}

void notify_status(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sd_notifyf(0, "STATUS=%s", buf);
}

/* 1 when systemd wants WATCHDOG=1 from us (WatchdogSec=), asked once:
 * WATCHDOG_USEC and WATCHDOG_PID do not change while we run. */
static int watchdog_wanted = -1;

void notify_watchdog(void)
{
    if (watchdog_wanted < 0)
        watchdog_wanted = sd_watchdog_enabled(0, NULL) > 0;
    if (watchdog_wanted)
        sd_notify(0, "WATCHDOG=1");
}
