/* The descriptor limit, the control API's share and the reserve; see fdlimit.h. */
#include "fdlimit.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* What the core opens while it works, beyond what is open when it is
 * idle: per worker the article it reads (and some slack), and for the
 * rest a sidecar and its folder, archive_fs's files of a commit, the
 * SQLite reader's three (database, WAL, shared memory), the attempts file,
 * a query's original. */
#define CORE_PER_WORKER 2
#define CORE_FIXED 16

static int reserve_fd = -1;

unsigned long fdlimit_raise(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return 0;
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t was = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
            log_info("descriptor limit raised from %llu to the hard limit %llu", (unsigned long long)was,
                     (unsigned long long)rl.rlim_max);
        else
            log_warning("cannot raise the descriptor limit from %llu to %llu: %s", (unsigned long long)was,
                        (unsigned long long)rl.rlim_max, strerror(errno));
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur == RLIM_INFINITY ? (unsigned long)-1 : (unsigned long)rl.rlim_cur;
}

/* Descriptors open now (the entries of /proc/self/fd, less the one that
 * reads it); 0 when it cannot tell. */
static unsigned open_now(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return 0;
    unsigned n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n ? n - 1 : 0;
}

unsigned fdlimit_connection_cap(unsigned wanted, unsigned workers)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
        return wanted;
    unsigned long long in_use = open_now();
    unsigned long long core = in_use + CORE_FIXED + (unsigned long long)CORE_PER_WORKER * workers;
    unsigned long long room = rl.rlim_cur > core ? rl.rlim_cur - core : 0;
    if (room >= wanted)
        return wanted;
    unsigned cap = room ? (unsigned)room : 1;
    log_notice("only %llu file descriptors (RLIMIT_NOFILE) and %llu in use: the control API takes at most %u "
               "connections, so that the articles keep theirs; raise LimitNOFILE= for more",
               (unsigned long long)rl.rlim_cur, in_use, cap);
    return cap;
}

int fdlimit_reserve_open(void)
{
    if (reserve_fd >= 0)
        return 0;
    reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    return reserve_fd < 0 ? -errno : 0;
}

bool fdlimit_reserve_release(void)
{
    if (reserve_fd < 0)
        return false;
    close(reserve_fd);
    reserve_fd = -1;
    return true;
}
