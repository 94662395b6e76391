/*
 * The systemd notification protocol, spoken directly: one datagram of
 * "KEY=VALUE" lines to the AF_UNIX socket named by $NOTIFY_SOCKET (a path,
 * or "@name" for the abstract namespace).  sd_notify(3) documents the
 * protocol as stable and shows the same standalone sender; libsystemd for
 * these few lines brought libsystemd, libgcrypt, libgpg-error, liblz4,
 * libzstd, liblzma and libcap into every daemon, ~0.9 MB of resident
 * pages (docs/architecture.md, "Memory").
 */
#include "notify.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* 0 when sent or when nobody listens (no $NOTIFY_SOCKET: not under
 * systemd, or a unit without Type=notify), else -errno. */
static int notify_send(const char *msg)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !*path)
        return 0;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t n = strlen(path);
    /* A path needs its NUL inside sun_path; an abstract name has none and
     * may fill all of it (its length is in the address length). */
    bool abstract = path[0] == '@';
    if ((path[0] != '/' && !abstract) || n > sizeof sa.sun_path - (abstract ? 0 : 1))
        return -EINVAL;
    memcpy(sa.sun_path, path, n);
    if (abstract)
        sa.sun_path[0] = '\0';
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    ssize_t w = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
    int rc = w < 0 ? -errno : 0;
    close(fd);
    return rc;
}

void notify_ready(void)
{
    notify_send("READY=1");
}

void notify_reloading(void)
{
    /* MONOTONIC_USEC lets systemd >= 253 match the reload to its request. */
    struct timespec ts;
    char msg[64];
    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(msg, sizeof msg, "RELOADING=1\nMONOTONIC_USEC=%llu",
             (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000);
    notify_send(msg);
}

void notify_stopping(void)
{
    notify_send("STOPPING=1");
}

void notify_status(const char *fmt, ...)
{
    char buf[512 + sizeof "STATUS="];
    va_list ap;
    va_start(ap, fmt);
    memcpy(buf, "STATUS=", sizeof "STATUS=" - 1);
    vsnprintf(buf + sizeof "STATUS=" - 1, sizeof buf - (sizeof "STATUS=" - 1), fmt, ap);
    va_end(ap);
    notify_send(buf);
}

/* As sd_watchdog_enabled(): $WATCHDOG_USEC set and above 0, and
 * $WATCHDOG_PID, when set, ours (a child started by us must not feed
 * our watchdog). */
static int watchdog_enabled(void)
{
    const char *usec = getenv("WATCHDOG_USEC");
    if (!usec || !*usec)
        return 0;
    char *end;
    errno = 0;
    unsigned long long u = strtoull(usec, &end, 10);
    if (errno || *end || u == 0)
        return 0;
    const char *pid = getenv("WATCHDOG_PID");
    if (pid && *pid) {
        errno = 0;
        long long p = strtoll(pid, &end, 10);
        if (errno || *end || p != (long long)getpid())
            return 0;
    }
    return 1;
}

/* 1 when systemd wants WATCHDOG=1 from us (WatchdogSec=), asked once:
 * WATCHDOG_USEC and WATCHDOG_PID do not change while we run. */
static int watchdog_wanted = -1;

void notify_watchdog(void)
{
    if (watchdog_wanted < 0)
        watchdog_wanted = watchdog_enabled();
    if (watchdog_wanted)
        notify_send("WATCHDOG=1");
}
