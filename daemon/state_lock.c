/* STATE_DIR/.lock: see state_lock.h. */
#include "state_lock.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define LOCK_NAME ".lock"

/* The pid the holder wrote, or 0 when the file says nothing readable. */
static long holder_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *end;
    long pid = strtol(buf, &end, 10);
    return end != buf && pid > 0 ? pid : 0;
}

int state_lock_take(int state_fd, const char *state_dir, char **err)
{
    int fd = openat(state_fd, LOCK_NAME, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) {
        *err = xasprintf("%s/%s: cannot open the state directory's lock: %s", state_dir, LOCK_NAME,
                         strerror(errno));
        return -1;
    }
    /* flock, not fcntl locks: those belong to the process and vanish when
     * any descriptor of the file is closed, which a plugin could do. */
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            long pid = holder_pid(fd);
            char who[48] = "another process";
            if (pid)
                snprintf(who, sizeof who, "another newsd (pid %ld)", pid);
            *err = xasprintf("%s is in use: %s holds %s/%s. One daemon per state directory: stop "
                             "that one first, or give this one its own --state-dir",
                             state_dir, who, state_dir, LOCK_NAME);
        } else {
            *err = xasprintf("%s/%s: cannot lock: %s", state_dir, LOCK_NAME, strerror(e));
        }
        close(fd);
        return -1;
    }
    /* The pid is for people (and the message above), not for the lock:
     * a stale file with a dead pid locks nothing. */
    char pid[24];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
        log_warning("%s/%s: cannot write our pid into the lock (held all the same): %s", state_dir,
                    LOCK_NAME, strerror(errno));
    return fd;
}
