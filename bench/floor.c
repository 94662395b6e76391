/* The I/O floor of `make bench` (issue 11): the least durable work that
 * archiving an article takes, on one thread, so that newsd's articles/s can
 * be read as a share of what this machine's file system allows.
 *
 * For each file in SRC: read it, hash it (daemon/hash.c itself: SHA-256
 * through OpenSSL), write a small JSON record OUT/records/ID.json (the
 * one inode per article the floor creates), rename the original to
 * OUT/originals/ID.orig (no copy, no unlink), and make it durable with
 * syncfs(): by default once at the end, as the floor does; with
 * -b N after every N articles and whenever nothing more is waiting, as the
 * daemon's group commit does (batch_size 256).
 *
 * Backlog mode (default): the files present at start, read with readdir as
 * they come (no listing held in memory).  Stream mode (-n N): an inotify
 * watch on SRC for renamed-in and closed files, "ready" on stdout once the
 * watch is set, then files as they arrive until N are done.
 *
 * -t FILE writes "NAME SECONDS" per article: the CLOCK_REALTIME moment its
 * record and original were durable (after the syncfs that covered them),
 * for the bench's drop-to-archived latency.
 */
/* syncfs() needs _GNU_SOURCE, which meson.build defines for every target. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"   /* the daemon's own content id (daemon/hash.c) */

struct done_time {
    char *name;
    double at;      /* CLOCK_REALTIME seconds; 0 until its syncfs */
};

struct floor {
    const char *src_path;
    int src_fd, out_fd, rec_fd, orig_fd;
    size_t batch;           /* 0: one syncfs at the end */
    size_t done;            /* articles archived (durable or not) */
    size_t unsynced;        /* of those, not yet covered by a syncfs */
    size_t syncs;
    unsigned char *buf;     /* one read buffer, grown as needed */
    size_t buf_cap;
    bool keep_times;
    struct done_time *times;
    size_t n_times, cap_times;
};

static double now_real(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads all of fd into f->buf; returns the length or -errno. */
static ssize_t read_all(struct floor *f, int fd, size_t size_hint)
{
    size_t len = 0;

    if (f->buf_cap < size_hint + 1) {
        unsigned char *nb = realloc(f->buf, size_hint + 1);
        if (!nb)
            return -ENOMEM;
        f->buf = nb;
        f->buf_cap = size_hint + 1;
    }
    for (;;) {
        if (len == f->buf_cap) {
            unsigned char *nb = realloc(f->buf, f->buf_cap * 2);
            if (!nb)
                return -ENOMEM;
            f->buf = nb;
            f->buf_cap *= 2;
        }
        ssize_t r = read(fd, f->buf + len, f->buf_cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            return (ssize_t)len;
        len += (size_t)r;
    }
}

static int write_record(struct floor *f, const char *id, const char *name, size_t size)
{
    char path[64], text[PATH_MAX + 256];
    json_t *rec = json_pack("{s:s, s:s, s:I, s:f}", "id", id, "name", name,
                            "size", (json_int_t)size, "received", now_real());
    if (!rec)
        return -ENOMEM;
    size_t len = json_dumpb(rec, text, sizeof text - 1, JSON_COMPACT);
    json_decref(rec);
    if (len == 0 || len >= sizeof text - 1)
        return -ENAMETOOLONG;
    text[len++] = '\n';

    snprintf(path, sizeof path, "%s.json", id);
    int fd = openat(f->rec_fd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return -errno;
    int rc = 0;
    if (write(fd, text, len) != (ssize_t)len)
        rc = errno ? -errno : -EIO;
    if (close(fd) < 0 && rc == 0)
        rc = -errno;
    return rc;
}

static int remember(struct floor *f, const char *name)
{
    if (!f->keep_times)
        return 0;
    if (f->n_times == f->cap_times) {
        size_t cap = f->cap_times ? 2 * f->cap_times : 1024;
        struct done_time *nt = realloc(f->times, cap * sizeof *nt);
        if (!nt)
            return -ENOMEM;
        f->times = nt;
        f->cap_times = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return -ENOMEM;
    f->times[f->n_times++] = (struct done_time){copy, 0};
    return 0;
}

/* One syncfs for everything archived since the last one. */
static int sync_now(struct floor *f)
{
    if (f->unsynced == 0)
        return 0;
    if (syncfs(f->out_fd) < 0)
        return -errno;
    f->syncs++;
    double at = now_real();
    for (size_t i = f->n_times - (f->keep_times ? f->unsynced : 0); i < f->n_times; i++)
        f->times[i].at = at;
    f->unsynced = 0;
    return 0;
}

/* Archives SRC/name.  Returns 1 when done, 0 when the name was not an
 * article (gone, a dot-name, not a regular file), or -errno with *what set. */
static int archive_one(struct floor *f, const char *name, const char **what)
{
    char id[33], orig[64];

    if (name[0] == '.')
        return 0;
    *what = "open it";
    int fd = openat(f->src_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -errno;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return 0;
    }
    *what = "read it";
    ssize_t len = read_all(f, fd, (size_t)st.st_size);
    close(fd);
    if (len < 0)
        return (int)len;
    hash_id(f->buf, (size_t)len, id);
    *what = "write its record";
    int rc = write_record(f, id, name, (size_t)len);
    if (rc == -EEXIST)
        *what = "archive it, its bytes are those of an article archived already (the floor "
                "expects unique files)";
    if (rc < 0)
        return rc;
    *what = "rename it into the archive";
    snprintf(orig, sizeof orig, "%s.orig", id);
    if (renameat(f->src_fd, name, f->orig_fd, orig) < 0)
        return -errno;
    *what = "remember it";
    if ((rc = remember(f, name)) < 0)
        return rc;
    f->done++;
    f->unsynced++;
    *what = "syncfs after it";
    if (f->batch && f->unsynced >= f->batch && (rc = sync_now(f)) < 0)
        return rc;
    return 1;
}

static int fail(const char *what, const char *name, int rc)
{
    fprintf(stderr, "floor: %s: could not %s: %s\n", name, what, strerror(-rc));
    return -1;
}

/* One readdir pass over SRC; limit 0 means no limit.  Returns the count
 * archived or -1 (reported). */
static long scan_once(struct floor *f, size_t limit)
{
    int dfd = dup(f->src_fd);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return fail("read it", f->src_path, -errno);
    }
    rewinddir(d);
    long n = 0;
    struct dirent *e;
    while ((!limit || f->done < limit) && (e = readdir(d))) {
        const char *what;
        int rc = archive_one(f, e->d_name, &what);
        if (rc < 0) {
            fail(what, e->d_name, rc);   /* before closedir(): e lives in d */
            closedir(d);
            return -1;
        }
        n += rc;
    }
    closedir(d);
    return n;
}

static int run_backlog(struct floor *f)
{
    long n;
    /* Files renamed away while readdir runs may hide others; a pass that
     * finds nothing more ends it. */
    do {
        if ((n = scan_once(f, 0)) < 0)
            return -1;
    } while (n > 0);
    return 0;
}

static int run_stream(struct floor *f, size_t want)
{
    int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (in < 0)
        return fail("start it", "inotify", -errno);
    if (inotify_add_watch(in, f->src_path, IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR) < 0) {
        close(in);
        return fail("watch it", f->src_path, -errno);
    }
    printf("ready\n");
    fflush(stdout);
    if (scan_once(f, want) < 0)
        goto out_fail;

    char events[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (f->done < want) {
        struct pollfd p = {.fd = in, .events = POLLIN};
        int pr = poll(&p, 1, 0);
        if (pr == 0) {
            /* Nothing waiting: commit what there is (batch mode), then block. */
            int rc = f->batch ? sync_now(f) : 0;
            if (rc < 0) {
                fail("syncfs", "the archive folder", rc);
                goto out_fail;
            }
            pr = poll(&p, 1, 1000);
        }
        if (pr < 0 && errno != EINTR)
            goto out_fail_errno;
        if (pr == 0) {
            /* A slow rescan covers what inotify may have left out. */
            if (scan_once(f, want) < 0)
                goto out_fail;
            continue;
        }
        ssize_t len = read(in, events, sizeof events);
        if (len < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (len < 0)
            goto out_fail_errno;
        for (char *p2 = events; p2 < events + len && f->done < want;) {
            struct inotify_event *ev = (struct inotify_event *)p2;
            p2 += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                if (scan_once(f, want) < 0)
                    goto out_fail;
                continue;
            }
            if (!ev->len)
                continue;
            const char *what;
            int rc = archive_one(f, ev->name, &what);
            if (rc < 0) {
                fail(what, ev->name, rc);
                goto out_fail;
            }
        }
    }
    close(in);
    return 0;
out_fail_errno:
    fail("read its inotify events", f->src_path, -errno);
out_fail:
    close(in);
    return -1;
}

static int open_dir(int at, const char *path, bool create)
{
    if (create && mkdirat(at, path, 0750) < 0 && errno != EEXIST)
        return -1;
    return openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int write_times(const struct floor *f, const char *path)
{
    FILE *out = fopen(path, "w");
    if (!out)
        return -1;
    for (size_t i = 0; i < f->n_times; i++)
        fprintf(out, "%s %.6f\n", f->times[i].name, f->times[i].at);
    return fclose(out);
}

/* VmHWM, not ru_maxrss: that one keeps the peak of the process image
 * before exec (a Python parent's, when the bench forks us). */
static long peak_rss_kib(void)
{
    char line[256];
    long kib = -1;
    FILE *fh = fopen("/proc/self/status", "r");
    if (!fh)
        return -1;
    while (fgets(line, sizeof line, fh))
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
            break;
    fclose(fh);
    return kib;
}

static void usage(void)
{
    fprintf(stderr, "usage: floor [-b BATCH] [-n COUNT] [-t TIMES] SRC OUT\n"
                    "  SRC    folder of article files (renamed away as they are archived)\n"
                    "  OUT    archive folder on the same file system (records/, originals/)\n"
                    "  -b N   syncfs after every N articles and when nothing waits (default: once at the end)\n"
                    "  -n N   stream mode: watch SRC (inotify) until N articles are done\n"
                    "  -t F   write NAME SECONDS per article (when it became durable) to F\n");
}

int main(int argc, char **argv)
{
    struct floor f = {.src_fd = -1};
    size_t want = 0;
    const char *times_path = NULL;
    int opt;

    while ((opt = getopt(argc, argv, "b:n:t:h")) != -1) {
        char *end;
        switch (opt) {
        case 'b':
        case 'n': {
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || !*optarg || v == 0) {
                fprintf(stderr, "floor: -%c wants a positive number, not '%s'\n", opt, optarg);
                return 2;
            }
            if (opt == 'b')
                f.batch = v;
            else
                want = v;
            break;
        }
        case 't':
            times_path = optarg;
            break;
        default:
            usage();
            return 2;
        }
    }
    if (argc - optind != 2) {
        usage();
        return 2;
    }
    const char *src = argv[optind], *out = argv[optind + 1];
    f.keep_times = times_path != NULL;
    f.src_path = src;
    if ((f.src_fd = open_dir(AT_FDCWD, src, false)) < 0) {
        fprintf(stderr, "floor: cannot open %s: %s\n", src, strerror(errno));
        return 1;
    }
    if ((f.out_fd = open_dir(AT_FDCWD, out, true)) < 0 ||
        (f.rec_fd = open_dir(f.out_fd, "records", true)) < 0 ||
        (f.orig_fd = open_dir(f.out_fd, "originals", true)) < 0) {
        fprintf(stderr, "floor: cannot make or open %s (records/, originals/): %s\n", out, strerror(errno));
        return 1;
    }

    double t0 = now_mono();
    int rc = want ? run_stream(&f, want) : run_backlog(&f);
    if (rc == 0 && sync_now(&f) < 0) {
        fail("syncfs it", out, -errno);
        rc = -1;
    }
    double secs = now_mono() - t0;
    if (rc == 0 && times_path && write_times(&f, times_path) < 0) {
        fprintf(stderr, "floor: cannot write %s: %s\n", times_path, strerror(errno));
        rc = -1;
    }

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long hwm_kib = peak_rss_kib();
    double user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    double sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    double per = f.done ? 1000.0 / (double)f.done : 0;
    char sync_desc[64];
    if (f.batch)
        snprintf(sync_desc, sizeof sync_desc, "syncfs per %zu articles and when idle", f.batch);
    else
        snprintf(sync_desc, sizeof sync_desc, "one syncfs at the end");
    printf("floor: %s, %zu articles in %.3f s: %.0f articles/s; CPU %.3f ms/article "
           "(user %.3f + sys %.3f); peak RSS %.1f MiB; %s (%zu syncfs)\n",
           want ? "stream" : "backlog", f.done, secs, secs > 0 ? (double)f.done / secs : 0,
           (user + sys) * per, user * per, sys * per, (double)hwm_kib / 1024, sync_desc, f.syncs);

    for (size_t i = 0; i < f.n_times; i++)
        free(f.times[i].name);
    free(f.times);
    free(f.buf);
    close(f.src_fd);
    close(f.rec_fd);
    close(f.orig_fd);
    close(f.out_fd);
    return rc == 0 ? 0 : 1;
}
