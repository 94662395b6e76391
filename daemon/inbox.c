/* Inbox watch: inotify hints, incremental scans, settle timing; see inbox.h. */
#include "inbox.h"
#include "xalloc.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READY_CAP 1024      /* names known ready; beyond it, a scan finds them */
#define PENDING_CAP 4096    /* names waiting to settle; beyond it, likewise */
#define RETRY_MS 1000
/* A name created or written in place with no event since: its close may be
 * lost, or it came by link() and its other name went before we looked.
 * After this long it is judged by its mtime like a scanned one. */
#define STALE_WRITE_MS 60000
#define PENDING_BUCKETS 4096  /* a power of two */
/* A file already in the inbox at start may be one that a writer still holds
 * open: its open and writes happened while newsd was not running, so no
 * close is awaited, and its mtime may be older than settle_ms only because
 * the writer paused across the restart.  Such a file is taken once its
 * mtime is this old (or settle_ms, if longer); a write or close seen
 * meanwhile puts it under the usual rules. */
#define START_SETTLE_MS 10000

#define WATCH_MASK (IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
                    IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)

enum pending_state {
    P_WRITING,  /* created or modified, not closed yet; deadline_ms = last event */
    P_CLOSED,   /* closed after writing: settles from the close */
    P_UNKNOWN,  /* found by a scan or after lost events: settles by mtime */
    P_RETRY,    /* could not be claimed yet */
};

struct pending {
    struct pending *next;    /* all pending names, for the settle tick */
    struct pending *hnext;   /* same hash bucket */
    enum pending_state state;
    int64_t deadline_ms;     /* monotonic */
    unsigned min_age_ms;     /* P_UNKNOWN: the mtime age that makes it ready */
    off_t size;
    struct timespec mtime;
    char name[];
};

struct inbox {
    uv_loop_t *loop;
    struct spool *spool;
    unsigned settle_ms;
    unsigned rescan_s;
    inbox_ready_cb ready_cb;
    inbox_lost_cb lost_cb;
    void *ud;

    int ifd;                 /* inotify */
    int wd;
    int watch_err;           /* of the last inbox_rewatch(), -errno or 0 */
    uv_poll_t poll;
    uv_timer_t tick;         /* settles pending names */
    uv_timer_t rescan;       /* slow safety net; also covers NFS */
    uv_timer_t rescan_soon;  /* a scan met files too fresh to take */
    int open_handles;

    char *ready[READY_CAP];
    unsigned ready_head, ready_n;
    char *current;           /* last name handed out */

    struct pending *pending;
    struct pending *buckets[PENDING_BUCKETS];
    unsigned n_pending;

    bool scan_needed;
    DIR *scan;
    bool scan_met_fresh;
    bool first_scan;         /* the scan at start has not reached the end yet */
};

bool inbox_name_ignored(const char *name)
{
    size_t n = strlen(name);
    return name[0] == '.' || (n >= 4 && strcmp(name + n - 4, ".tmp") == 0) ||
           (n >= 5 && strcmp(name + n - 5, ".part") == 0);
}

static int64_t mono_ms(void)
{
    return (int64_t)(uv_hrtime() / 1000000);
}

static int64_t realtime_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- ready list ------------------------------------------------------- */

static bool ready_push(struct inbox *in, const char *name)
{
    if (in->ready_n == READY_CAP) {
        in->scan_needed = true;   /* the scan will find it again */
        return false;
    }
    in->ready[(in->ready_head + in->ready_n++) % READY_CAP] = xstrdup(name);
    return true;
}

/* ---- pending names ----------------------------------------------------- */

/* FNV-1a: scans look every name up, so lookups must not walk the list. */
static unsigned name_hash(const char *name)
{
    uint32_t h = 2166136261u;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 16777619u;
    return h & (PENDING_BUCKETS - 1);
}

static struct pending *pending_find(struct inbox *in, const char *name)
{
    for (struct pending *p = in->buckets[name_hash(name)]; p; p = p->hnext)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

static void unlink_from(struct pending **head, struct pending *p, size_t link_offset)
{
    for (struct pending **pp = head; *pp; pp = (struct pending **)((char *)*pp + link_offset)) {
        if (*pp == p) {
            *pp = *(struct pending **)((char *)p + link_offset);
            return;
        }
    }
}

static void pending_remove(struct inbox *in, const char *name)
{
    struct pending *p = pending_find(in, name);
    if (!p)
        return;
    unlink_from(&in->buckets[name_hash(name)], p, offsetof(struct pending, hnext));
    unlink_from(&in->pending, p, offsetof(struct pending, next));
    free(p);
    in->n_pending--;
}

static void tick_start(struct inbox *in);

static struct pending *pending_upsert(struct inbox *in, const char *name, enum pending_state state)
{
    struct pending *p = pending_find(in, name);
    if (!p) {
        if (in->n_pending >= PENDING_CAP) {
            in->scan_needed = true;
            return NULL;
        }
        size_t len = strlen(name) + 1;
        p = xcalloc(1, sizeof *p + len);
        memcpy(p->name, name, len);
        p->next = in->pending;
        in->pending = p;
        unsigned b = name_hash(name);
        p->hnext = in->buckets[b];
        in->buckets[b] = p;
        in->n_pending++;
    }
    p->state = state;
    /* An event for the name puts it under the usual rules: the start's
     * longer wait is for files whose writer we may not have seen, and the
     * scan at start can meet a file just before its event is read. */
    p->min_age_ms = 0;
    tick_start(in);
    return p;
}

/* Snapshot size and mtime; -1 when the name is gone. */
static int snapshot(struct inbox *in, struct pending *p, struct stat *st)
{
    if (fstatat(in->spool->inbox_fd, p->name, st, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    p->size = st->st_size;
    p->mtime = st->st_mtim;
    return 0;
}

static void settle(struct inbox *in, struct pending *p)
{
    struct stat st;
    int64_t now = mono_ms();

    switch (p->state) {
    case P_WRITING:
        if (now - p->deadline_ms >= STALE_WRITE_MS) {
            log_notice("%s/%s: no close seen for %d s; taking it once its mtime is %u ms old",
                       in->spool->inbox_path, p->name, STALE_WRITE_MS / 1000, in->settle_ms);
            p->state = P_UNKNOWN;
            p->deadline_ms = 0;
        }
        return;
    case P_RETRY:
        if (now >= p->deadline_ms && ready_push(in, p->name))
            pending_remove(in, p->name);
        return;
    case P_CLOSED: {
        if (now < p->deadline_ms)
            return;
        off_t size = p->size;
        struct timespec mt = p->mtime;
        if (snapshot(in, p, &st) < 0) {
            pending_remove(in, p->name);
        } else if (st.st_size == size && st.st_mtim.tv_sec == mt.tv_sec && st.st_mtim.tv_nsec == mt.tv_nsec) {
            if (ready_push(in, p->name))
                pending_remove(in, p->name);
        } else {
            p->deadline_ms = now + in->settle_ms;   /* still changing */
        }
        return;
    }
    case P_UNKNOWN: {
        if (now < p->deadline_ms)
            return;
        if (snapshot(in, p, &st) < 0) {
            pending_remove(in, p->name);
            return;
        }
        int64_t age = realtime_ms() - ((int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000);
        unsigned min_age = p->min_age_ms > in->settle_ms ? p->min_age_ms : in->settle_ms;
        if (age >= (int64_t)min_age) {
            if (ready_push(in, p->name))
                pending_remove(in, p->name);
        } else {
            p->deadline_ms = now + (min_age - age);
        }
        return;
    }
    }
}

static void notify_ready(struct inbox *in)
{
    if (in->ready_n || in->scan_needed)
        in->ready_cb(in->ud);
}

static void on_tick(uv_timer_t *t)
{
    struct inbox *in = t->data;
    struct pending *p = in->pending;
    while (p) {
        struct pending *next = p->next;   /* settle() may free p */
        settle(in, p);
        p = next;
    }
    if (!in->pending)
        uv_timer_stop(&in->tick);
    notify_ready(in);
}

static void tick_start(struct inbox *in)
{
    if (uv_is_active((uv_handle_t *)&in->tick))
        return;
    uint64_t every = in->settle_ms / 4;
    if (every < 10)
        every = 10;
    if (every > 250)
        every = 250;
    uv_timer_start(&in->tick, on_tick, every, every);
}

void inbox_retry_later(struct inbox *in, const char *name)
{
    struct pending *p = pending_upsert(in, name, P_RETRY);
    if (p)
        p->deadline_ms = mono_ms() + RETRY_MS;
}

/* ---- scanning ---------------------------------------------------------- */

static void scan_entry(struct inbox *in, const char *name)
{
    struct stat st;
    if (pending_find(in, name))
        return;   /* inotify is following it */
    if (fstatat(in->spool->inbox_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return;
    if (!S_ISREG(st.st_mode)) {
        ready_push(in, name);
        return;
    }
    int64_t age = realtime_ms() - ((int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000);
    unsigned min_age = in->first_scan && START_SETTLE_MS > in->settle_ms ? START_SETTLE_MS : in->settle_ms;
    if (age >= (int64_t)min_age) {
        ready_push(in, name);
        return;
    }
    struct pending *p = pending_upsert(in, name, P_UNKNOWN);
    if (p) {
        p->deadline_ms = mono_ms() + (min_age - age);
        p->min_age_ms = min_age;
    } else {
        in->scan_met_fresh = true;
    }
}

static void on_rescan_soon(uv_timer_t *t)
{
    struct inbox *in = t->data;
    in->scan_needed = true;
    notify_ready(in);
}

/* Read names until the ready list is full or the folder is done. */
static void scan_step(struct inbox *in)
{
    if (!in->scan) {
        int fd = dup(in->spool->inbox_fd);
        in->scan = fd >= 0 ? fdopendir(fd) : NULL;
        if (!in->scan) {
            log_error("cannot read %s: %s", in->spool->inbox_path, strerror(errno));
            if (fd >= 0)
                close(fd);
            in->scan_needed = false;
            return;
        }
        rewinddir(in->scan);
        in->scan_needed = false;
        in->scan_met_fresh = false;
    }
    struct dirent *e;
    while (in->ready_n < READY_CAP) {
        errno = 0;
        e = readdir(in->scan);
        if (!e) {
            closedir(in->scan);
            in->scan = NULL;
            in->first_scan = false;
            if (in->scan_met_fresh)
                uv_timer_start(&in->rescan_soon, on_rescan_soon, in->settle_ms + 1, 0);
            return;
        }
        if (!inbox_name_ignored(e->d_name))
            scan_entry(in, e->d_name);
    }
}

size_t inbox_count_waiting(struct inbox *in, unsigned min_age_s, size_t cap)
{
    int fd = dup(in->spool->inbox_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    size_t n = 0;
    time_t now = time(NULL);
    struct dirent *e;

    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    rewinddir(d);
    while (n < cap && (e = readdir(d))) {
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || inbox_name_ignored(e->d_name))
            continue;
        /* ctime: a rename into the inbox sets it, an old mtime does not count. */
        if (fstatat(in->spool->inbox_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            now - st.st_ctime >= (time_t)min_age_s)
            n++;
    }
    closedir(d);
    return n;
}

const char *inbox_next(struct inbox *in)
{
    free(in->current);
    in->current = NULL;
    if (!in->ready_n && (in->scan || in->scan_needed))
        scan_step(in);
    if (!in->ready_n)
        return NULL;
    in->current = in->ready[in->ready_head];
    in->ready_head = (in->ready_head + 1) % READY_CAP;
    in->ready_n--;
    return in->current;
}

/* ---- inotify ----------------------------------------------------------- */

static int add_watch(struct inbox *in)
{
    in->wd = inotify_add_watch(in->ifd, in->spool->inbox_path, WATCH_MASK);
    return in->wd < 0 ? -errno : 0;
}

int inbox_rewatch(struct inbox *in)
{
    /* A scan in progress reads the old folder. */
    if (in->scan) {
        closedir(in->scan);
        in->scan = NULL;
    }
    if (in->wd >= 0)
        inotify_rm_watch(in->ifd, in->wd);   /* a folder moved away still has it */
    int rc = add_watch(in);
    /* Retried at every folder check while it fails: said once per cause. */
    if (rc < 0 && rc != in->watch_err)
        log_error("cannot watch %s again: %s; relying on the %us rescan", in->spool->inbox_path,
                  strerror(-rc), in->rescan_s);
    in->watch_err = rc;
    /* Names known so far were in the old folder; a scan of the new one is
     * the truth.  Run it from the loop, not from the caller's stack. */
    in->scan_needed = true;
    uv_timer_start(&in->rescan_soon, on_rescan_soon, 0, 0);
    return rc;
}

bool inbox_watching(const struct inbox *in)
{
    return in->wd >= 0;
}

void inbox_on_lost(struct inbox *in, inbox_lost_cb lost)
{
    in->lost_cb = lost;
}

/* The watched folder went away (moved, or deleted once nothing held it),
 * or the kernel dropped the watch.  The daemon checks the state folders
 * and makes them again; without it, just watch the path again. */
static void watch_lost(struct inbox *in)
{
    if (in->lost_cb)
        in->lost_cb(in->ud);
    else
        inbox_rewatch(in);
}

static void on_overflow(struct inbox *in)
{
    log_notice("inotify queue overflowed; rescanning %s", in->spool->inbox_path);
    /* Close events may be among the lost ones: judge by mtime instead. */
    for (struct pending *p = in->pending; p; p = p->next) {
        if (p->state == P_WRITING) {
            p->state = P_UNKNOWN;
            p->deadline_ms = 0;
        }
    }
    in->scan_needed = true;
}

static void handle_event(struct inbox *in, const struct inotify_event *ev)
{
    if (ev->mask & IN_Q_OVERFLOW) {
        on_overflow(in);
        return;
    }
    /* Events of a watch given up (the folder that was the inbox before)
     * name files that are not in the inbox. */
    if (ev->wd != in->wd)
        return;
    if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        if (ev->mask & IN_IGNORED)
            in->wd = -1;   /* the kernel removed it */
        watch_lost(in);
        return;
    }
    if (!ev->len || inbox_name_ignored(ev->name))
        return;

    const char *name = ev->name;
    struct pending *p;
    struct stat st;

    if (ev->mask & IN_MOVED_TO) {
        pending_remove(in, name);
        ready_push(in, name);
    } else if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
        pending_remove(in, name);
    } else if (ev->mask & IN_CREATE) {
        bool seen = !(ev->mask & IN_ISDIR) && fstatat(in->spool->inbox_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
        if ((ev->mask & IN_ISDIR) || (seen && !S_ISREG(st.st_mode))) {
            ready_push(in, name);   /* no close will come; it is refused at once */
        } else if (seen && st.st_nlink > 1) {
            ready_push(in, name);   /* link() in, the other safe protocol: complete */
        } else if (seen && st.st_size > 0) {
            /* Born with content: linkat() of an O_TMPFILE, or a writer faster
             * than us.  A writer's IN_MODIFY follows and makes it P_WRITING;
             * with none, it settles by mtime. */
            if ((p = pending_upsert(in, name, P_UNKNOWN)))
                p->deadline_ms = 0;
        } else if ((p = pending_upsert(in, name, P_WRITING))) {
            p->deadline_ms = mono_ms();
        }
    } else if (ev->mask & IN_MODIFY) {
        if ((p = pending_upsert(in, name, P_WRITING)))
            p->deadline_ms = mono_ms();
    } else if (ev->mask & IN_CLOSE_WRITE) {
        p = pending_upsert(in, name, P_CLOSED);
        if (p) {
            if (snapshot(in, p, &st) < 0)
                pending_remove(in, name);
            else
                p->deadline_ms = mono_ms() + in->settle_ms;
        }
    }
}

static void on_inotify(uv_poll_t *h, int status, int events)
{
    struct inbox *in = h->data;
    char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));

    if (status < 0) {
        log_error("inotify poll error: %s; relying on rescans", uv_strerror(status));
        return;
    }
    (void)events;
    for (;;) {
        ssize_t n = read(in->ifd, buf, sizeof buf);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            handle_event(in, ev);
            p += sizeof *ev + ev->len;
        }
    }
    notify_ready(in);
}

static void on_rescan_timer(uv_timer_t *t)
{
    struct inbox *in = t->data;
    in->scan_needed = true;
    notify_ready(in);
}

/* ---- life cycle -------------------------------------------------------- */

int inbox_start(struct inbox **out, uv_loop_t *loop, struct spool *spool,
                unsigned settle_ms, unsigned rescan_s, inbox_ready_cb ready, void *ud)
{
    struct inbox *in = xcalloc(1, sizeof *in);
    in->loop = loop;
    in->spool = spool;
    in->settle_ms = settle_ms;
    in->rescan_s = rescan_s;
    in->ready_cb = ready;
    in->ud = ud;

    in->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (in->ifd < 0) {
        int rc = -errno;
        log_error("inotify_init1: %s", strerror(errno));
        free(in);
        return rc;
    }
    int rc = add_watch(in);
    if (rc < 0) {
        log_error("cannot watch %s: %s", spool->inbox_path, strerror(-rc));
        close(in->ifd);
        free(in);
        return rc;
    }
    uv_poll_init(loop, &in->poll, in->ifd);
    uv_timer_init(loop, &in->tick);
    uv_timer_init(loop, &in->rescan);
    uv_timer_init(loop, &in->rescan_soon);
    in->poll.data = in->tick.data = in->rescan.data = in->rescan_soon.data = in;
    in->open_handles = 4;
    uv_poll_start(&in->poll, UV_READABLE, on_inotify);
    uv_timer_start(&in->rescan, on_rescan_timer, (uint64_t)rescan_s * 1000, (uint64_t)rescan_s * 1000);

    /* Watch first, then scan: a file that arrives in between is seen twice
     * at worst, and a second claim of it just finds it gone. */
    in->scan_needed = true;
    in->first_scan = true;
    *out = in;
    return 0;
}

void inbox_set_timing(struct inbox *in, unsigned settle_ms, unsigned rescan_s)
{
    in->settle_ms = settle_ms;
    if (rescan_s != in->rescan_s) {
        in->rescan_s = rescan_s;
        uv_timer_start(&in->rescan, on_rescan_timer, (uint64_t)rescan_s * 1000, (uint64_t)rescan_s * 1000);
    }
}

static void on_closed(uv_handle_t *h)
{
    struct inbox *in = h->data;
    if (--in->open_handles)
        return;
    close(in->ifd);
    while (in->pending) {
        struct pending *p = in->pending;
        in->pending = p->next;
        free(p);
    }
    while (in->ready_n) {
        free(in->ready[in->ready_head]);
        in->ready_head = (in->ready_head + 1) % READY_CAP;
        in->ready_n--;
    }
    if (in->scan)
        closedir(in->scan);
    free(in->current);
    free(in);
}

void inbox_stop(struct inbox *in)
{
    uv_close((uv_handle_t *)&in->poll, on_closed);
    uv_close((uv_handle_t *)&in->tick, on_closed);
    uv_close((uv_handle_t *)&in->rescan, on_closed);
    uv_close((uv_handle_t *)&in->rescan_soon, on_closed);
}
