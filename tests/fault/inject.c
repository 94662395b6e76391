/*
 * Fault injection for the tests: an LD_PRELOAD library that makes chosen
 * calls fail with a chosen errno, on paths that match a pattern.
 *
 *   LD_PRELOAD=build/tests/fault/libnewsd_fault.so \
 *   NEWSD_FAULT_CALLS=openat,read NEWSD_FAULT_ERRNO=EIO \
 *   NEWSD_FAULT_PATH='/var/lib/newsd/work/[!.]*' newsd ...
 *
 * Configuration, read once at the first intercepted call:
 *
 *   NEWSD_FAULT_CALLS   comma-separated calls to fail (required; without it
 *                       every call passes through):
 *                         open     open, open64, __open_2, creat
 *                         openat   openat, openat64, __openat_2
 *                         read     read, pread, pread64, __read_chk
 *                         write    write
 *                         pwrite   pwrite, pwrite64
 *                         rename   rename
 *                         renameat renameat, renameat2
 *                         link     link, linkat
 *                         fsync    fsync, fdatasync, syncfs
 *                         accept4  accept4, accept
 *   NEWSD_FAULT_ERRNO   the errno: a name (EIO, ENOSPC, EMFILE, ENFILE,
 *                       ENOMEM, EDQUOT, EROFS, EACCES) or a number.
 *                       Default EIO.
 *   NEWSD_FAULT_PATH    fnmatch(3) pattern (no FNM_PATHNAME, so '*' matches
 *                       '/') for the absolute path of the file: the path
 *                       argument (made absolute against the directory fd or
 *                       the working directory) for open/rename/link calls,
 *                       either side of a rename or link; the file the fd
 *                       refers to (/proc/self/fd) for read, write, fsync;
 *                       the listening socket's path for accept.  Default
 *                       "*": every path.
 *   NEWSD_FAULT_COUNT   fail this many matching calls (in this process),
 *                       then let all pass.
 *                       Default: no limit.
 *   NEWSD_FAULT_SKIP    let this many matching calls pass before failing.
 *   NEWSD_FAULT_WHILE   a file: fail only while it exists (a test removes
 *                       it to end the fault).  Checked at every matching
 *                       call.
 *   NEWSD_FAULT_LOG     a file to which one line per injected failure is
 *                       appended: "CALL PATH ERRNO-NAME".
 *
 * Only the calls named in NEWSD_FAULT_CALLS look at paths at all; the rest
 * go straight to libc.  Calls libc makes internally (fopen's open, say) are
 * not seen, nor raw syscall(2)s.  The shim's own I/O uses raw system calls,
 * so it never trips over itself.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* Both open and open64 (and the other pairs) are defined here, so the
 * headers must not turn one name into the other. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/* glibc's fortified entry points, which its headers do not declare. */
int __open_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);

enum call {
    C_OPEN,
    C_OPENAT,
    C_READ,
    C_WRITE,
    C_PWRITE,
    C_RENAME,
    C_RENAMEAT,
    C_LINK,
    C_FSYNC,
    C_ACCEPT,
    C_N
};

static const char *const call_names[C_N] = {
    [C_OPEN] = "open",     [C_OPENAT] = "openat",     [C_READ] = "read",   [C_WRITE] = "write",
    [C_PWRITE] = "pwrite", [C_RENAME] = "rename",     [C_RENAMEAT] = "renameat",
    [C_LINK] = "link",     [C_FSYNC] = "fsync",       [C_ACCEPT] = "accept4",
};

static const struct {
    const char *name;
    int value;
} errnos[] = {
    {"EIO", EIO},       {"ENOSPC", ENOSPC}, {"EMFILE", EMFILE}, {"ENFILE", ENFILE},
    {"ENOMEM", ENOMEM}, {"EDQUOT", EDQUOT}, {"EROFS", EROFS},   {"EACCES", EACCES},
    {"EAGAIN", EAGAIN}, {"ENOBUFS", ENOBUFS},
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool enabled[C_N];
static int fault_errno = EIO;
static const char *pattern = "*";
static long long limit = -1;          /* -1: no limit */
static long long skip;
static const char *while_file;
static const char *log_file;
static atomic_llong matched;          /* matching calls seen so far */

static void configure(void)
{
    const char *calls = getenv("NEWSD_FAULT_CALLS");
    if (!calls)
        return;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", calls);
    for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
        for (int i = 0; i < C_N; i++)
            if (strcmp(tok, call_names[i]) == 0 || (i == C_ACCEPT && strcmp(tok, "accept") == 0))
                enabled[i] = true;
    const char *e = getenv("NEWSD_FAULT_ERRNO");
    if (e) {
        fault_errno = atoi(e);
        for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
            if (strcmp(e, errnos[i].name) == 0)
                fault_errno = errnos[i].value;
        if (fault_errno <= 0)
            fault_errno = EIO;
    }
    if ((e = getenv("NEWSD_FAULT_PATH")) && *e)
        pattern = e;
    if ((e = getenv("NEWSD_FAULT_COUNT")) && *e)
        limit = atoll(e);
    if ((e = getenv("NEWSD_FAULT_SKIP")) && *e)
        skip = atoll(e);
    if ((e = getenv("NEWSD_FAULT_WHILE")) && *e)
        while_file = e;
    if ((e = getenv("NEWSD_FAULT_LOG")) && *e)
        log_file = e;
}

static bool wanted(enum call c)
{
    pthread_once(&once, configure);
    return enabled[c];
}

static const char *errno_name(int e)
{
    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (errnos[i].value == e)
            return errnos[i].name;
    return "E?";
}

static void note(enum call c, const char *path)
{
    if (!log_file)
        return;
    char line[PATH_MAX + 64];
    int n = snprintf(line, sizeof line, "%s %s %s\n", call_names[c], path, errno_name(fault_errno));
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = (int)sizeof line - 1;
    int fd = (int)syscall(SYS_openat, AT_FDCWD, log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    ssize_t w = syscall(SYS_write, fd, line, (size_t)n);
    (void)w;
    syscall(SYS_close, fd);
}

/* Decide for one call on one path: true (errno set) when it is to fail. */
static bool inject(enum call c, const char *path)
{
    if (!path || fnmatch(pattern, path, 0) != 0)
        return false;
    if (while_file && syscall(SYS_faccessat, AT_FDCWD, while_file, F_OK, 0) != 0)
        return false;
    long long n = atomic_fetch_add(&matched, 1);
    if (n < skip || (limit >= 0 && n - skip >= limit))
        return false;
    note(c, path);
    errno = fault_errno;
    return true;
}

/* The absolute path of name relative to dirfd, into out (PATH_MAX). */
static const char *abs_path(int dirfd, const char *name, char *out)
{
    if (!name)
        return NULL;
    if (name[0] == '/') {
        snprintf(out, PATH_MAX, "%s", name);
        return out;
    }
    char dir[PATH_MAX];
    ssize_t n;
    if (dirfd == AT_FDCWD) {
        n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/cwd", dir, sizeof dir - 1);
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        n = syscall(SYS_readlinkat, AT_FDCWD, link, dir, sizeof dir - 1);
    }
    if (n < 0)
        return NULL;
    dir[n] = '\0';
    /* A path too long to match anything is cut, not an error. */
    size_t d = (size_t)n, len = strlen(name);
    if (d + 1 + len >= PATH_MAX)
        len = PATH_MAX - d - 2;
    memcpy(out, dir, d);
    out[d] = '/';
    memcpy(out + d + 1, name, len);
    out[d + 1 + len] = '\0';
    return out;
}

static const char *fd_path(int fd, char *out)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = syscall(SYS_readlinkat, AT_FDCWD, link, out, PATH_MAX - 1);
    if (n < 0)
        return NULL;
    out[n] = '\0';
    return out;
}

static const char *socket_path(int fd, char *out)
{
    struct sockaddr_un sa;
    socklen_t len = sizeof sa;
    memset(&sa, 0, sizeof sa);
    if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 || sa.sun_family != AF_UNIX)
        return fd_path(fd, out);
    snprintf(out, PATH_MAX, "%.*s", (int)sizeof sa.sun_path, sa.sun_path);
    return out;
}

/* The libc function this one stands in front of, looked up once. */
#define REAL(name)                                          \
    static __typeof__(&name) real_##name;                   \
    if (!real_##name)                                       \
        real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static bool fail_at(enum call c, int dirfd, const char *name)
{
    char buf[PATH_MAX];
    return wanted(c) && inject(c, abs_path(dirfd, name, buf));
}

static bool fail_fd(enum call c, int fd)
{
    char buf[PATH_MAX];
    return wanted(c) && inject(c, fd_path(fd, buf));
}

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

/* ---- open ---------------------------------------------------------------- */

EXPORT int open(const char *path, int flags, ...)
{
    REAL(open);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    if (fail_at(C_OPEN, AT_FDCWD, path))
        return -1;
    return real_open(path, flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
    REAL(open64);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    if (fail_at(C_OPEN, AT_FDCWD, path))
        return -1;
    return real_open64(path, flags, mode);
}

EXPORT int __open_2(const char *path, int flags)
{
    REAL(__open_2);
    if (fail_at(C_OPEN, AT_FDCWD, path))
        return -1;
    return real___open_2(path, flags);
}

EXPORT int creat(const char *path, mode_t mode)
{
    REAL(creat);
    if (fail_at(C_OPEN, AT_FDCWD, path))
        return -1;
    return real_creat(path, mode);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
    REAL(openat);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    if (fail_at(C_OPENAT, dirfd, path))
        return -1;
    return real_openat(dirfd, path, flags, mode);
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
    REAL(openat64);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    if (fail_at(C_OPENAT, dirfd, path))
        return -1;
    return real_openat64(dirfd, path, flags, mode);
}

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
    REAL(__openat_2);
    if (fail_at(C_OPENAT, dirfd, path))
        return -1;
    return real___openat_2(dirfd, path, flags);
}

/* ---- read and write ------------------------------------------------------ */

EXPORT ssize_t read(int fd, void *buf, size_t n)
{
    REAL(read);
    if (fail_fd(C_READ, fd))
        return -1;
    return real_read(fd, buf, n);
}

EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
    REAL(__read_chk);
    if (fail_fd(C_READ, fd))
        return -1;
    return real___read_chk(fd, buf, n, buflen);
}

EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    REAL(pread);
    if (fail_fd(C_READ, fd))
        return -1;
    return real_pread(fd, buf, n, off);
}

EXPORT ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
    REAL(pread64);
    if (fail_fd(C_READ, fd))
        return -1;
    return real_pread64(fd, buf, n, off);
}

EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(write);
    if (fail_fd(C_WRITE, fd))
        return -1;
    return real_write(fd, buf, n);
}

EXPORT ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite);
    if (fail_fd(C_PWRITE, fd))
        return -1;
    return real_pwrite(fd, buf, n, off);
}

EXPORT ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite64);
    if (fail_fd(C_PWRITE, fd))
        return -1;
    return real_pwrite64(fd, buf, n, off);
}

/* ---- rename and link ----------------------------------------------------- */

EXPORT int rename(const char *from, const char *to)
{
    REAL(rename);
    if (fail_at(C_RENAME, AT_FDCWD, from) || fail_at(C_RENAME, AT_FDCWD, to))
        return -1;
    return real_rename(from, to);
}

EXPORT int renameat(int fromfd, const char *from, int tofd, const char *to)
{
    REAL(renameat);
    if (fail_at(C_RENAMEAT, fromfd, from) || fail_at(C_RENAMEAT, tofd, to))
        return -1;
    return real_renameat(fromfd, from, tofd, to);
}

EXPORT int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags)
{
    REAL(renameat2);
    if (fail_at(C_RENAMEAT, fromfd, from) || fail_at(C_RENAMEAT, tofd, to))
        return -1;
    return real_renameat2(fromfd, from, tofd, to, flags);
}

EXPORT int link(const char *from, const char *to)
{
    REAL(link);
    if (fail_at(C_LINK, AT_FDCWD, from) || fail_at(C_LINK, AT_FDCWD, to))
        return -1;
    return real_link(from, to);
}

EXPORT int linkat(int fromfd, const char *from, int tofd, const char *to, int flags)
{
    REAL(linkat);
    if (fail_at(C_LINK, fromfd, from) || fail_at(C_LINK, tofd, to))
        return -1;
    return real_linkat(fromfd, from, tofd, to, flags);
}

/* ---- flushing ------------------------------------------------------------ */

EXPORT int fsync(int fd)
{
    REAL(fsync);
    if (fail_fd(C_FSYNC, fd))
        return -1;
    return real_fsync(fd);
}

EXPORT int fdatasync(int fd)
{
    REAL(fdatasync);
    if (fail_fd(C_FSYNC, fd))
        return -1;
    return real_fdatasync(fd);
}

EXPORT int syncfs(int fd)
{
    REAL(syncfs);
    if (fail_fd(C_FSYNC, fd))
        return -1;
    return real_syncfs(fd);
}

/* ---- accepting ----------------------------------------------------------- */

static bool fail_accept(int fd)
{
    char buf[PATH_MAX];
    return wanted(C_ACCEPT) && inject(C_ACCEPT, socket_path(fd, buf));
}

EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    REAL(accept4);
    if (fail_accept(fd))
        return -1;
    return real_accept4(fd, addr, len, flags);
}

EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    REAL(accept);
    if (fail_accept(fd))
        return -1;
    return real_accept(fd, addr, len);
}
