/* One sink's durable outbox; see outbox.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strndup */
#endif
#include "outbox.h"
#include "fdio.h"
#include "hash.h"
#include "log.h"
#include "pipeline.h"
#include "text.h"
#include "xalloc.h"

#include <newsd/plugin.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define MAGIC "newsd-outbox 1 "
/* A header line is far shorter; a longer one is not ours. */
#define HEADER_MAX 128
/* A record larger than this is not read back (records are bounded by
 * max_article_bytes and the tag limits long before). */
#define RECORD_MAX (512u * 1024 * 1024)

struct entry {
    char id[33];
    int64_t created_ms;
    int64_t next_ms;
    unsigned attempts;
    bool staged, busy;
    bool written;             /* .tmp-ID written by outbox_stage(), renamed by outbox_sync() */
    char *error;              /* the last failure, malloc'd */
};

struct outbox {
    uv_mutex_t mu;
    char *dir;
    int dir_fd, dead_fd;
    struct outbox_policy policy;
    struct entry *v;
    size_t n, cap;
    struct outbox_stats st;
};

static struct entry *find(struct outbox *ob, const char *id)
{
    for (size_t i = 0; i < ob->n; i++)
        if (strcmp(ob->v[i].id, id) == 0)
            return &ob->v[i];
    return NULL;
}

/* Removing keeps the order (oldest first), which take() relies on. */
static void remove_at(struct outbox *ob, size_t i)
{
    free(ob->v[i].error);
    memmove(&ob->v[i], &ob->v[i + 1], (ob->n - i - 1) * sizeof *ob->v);
    ob->n--;
}

static struct entry *append(struct outbox *ob, const char *id, int64_t created_ms)
{
    if (ob->n == ob->cap) {
        ob->cap = ob->cap ? ob->cap * 2 : 64;
        ob->v = xreallocarray(ob->v, ob->cap, sizeof *ob->v);
    }
    struct entry *e = &ob->v[ob->n++];
    *e = (struct entry){.created_ms = created_ms, .next_ms = created_ms};
    snprintf(e->id, sizeof e->id, "%s", id);
    return e;
}


/* Read NAME in dir_fd and check it against its header.  Returns 0 with
 * *json (malloc'd, NUL-terminated) and *created, or -1 with *why. */
static int read_entry(int dir_fd, const char *name, char **json, size_t *len, int64_t *created, char **why)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        *why = xasprintf("cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    char *buf = NULL;
    int rc = -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > RECORD_MAX + HEADER_MAX) {
        *why = xasprintf("not a regular file of a sensible size");
        goto out;
    }
    size_t size = (size_t)st.st_size, got = 0;
    buf = xmalloc(size + 1);
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    char *nl = memchr(buf, '\n', got < HEADER_MAX ? got : HEADER_MAX);
    long long c;
    unsigned long long n;
    char sum[33], have[33];
    int used = 0;
    if (!nl || strncmp(buf, MAGIC, strlen(MAGIC)) != 0 ||
        sscanf(buf + strlen(MAGIC), "%lld %llu %32[0-9a-f]%n", &c, &n, sum, &used) != 3 ||
        buf + strlen(MAGIC) + used != nl) {
        *why = xasprintf("corrupt entry: no valid header line");
        goto out;
    }
    size_t body = (size_t)(nl + 1 - buf);
    if (got - body != n) {
        *why = xasprintf("corrupt entry: %zu bytes of record where the header says %llu (truncated?)",
                         got - body, n);
        goto out;
    }
    hash_id((const unsigned char *)nl + 1, (size_t)n, have);
    if (strcmp(have, sum) != 0) {
        *why = xasprintf("corrupt entry: the record's checksum does not match its header");
        goto out;
    }
    memmove(buf, nl + 1, (size_t)n + 1);
    *json = buf;
    *len = (size_t)n;
    *created = c;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    close(fd);
    return rc;
}

/* Move NAME to dead/ and write its .reason beside it. */
static void make_dead(struct outbox *ob, const char *id, unsigned attempts, int64_t now_ms, const char *reason)
{
    char name[48], rname[48];
    snprintf(name, sizeof name, "%s.json", id);
    snprintf(rname, sizeof rname, "%s.reason", id);
    if (renameat(ob->dir_fd, name, ob->dead_fd, name) < 0 && errno != ENOENT) {
        ob->st.errors++;
        log_error("outbox %s: cannot move %s to dead/: %s", ob->dir, name, strerror(errno));
        return;
    }
    int fd = openat(ob->dead_fd, rname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd >= 0) {
        char *line = xasprintf("%" PRId64 " %u %s\n", now_ms, attempts, reason ? reason : "");
        if (write_all(fd, line, strlen(line)) < 0)
            ob->st.errors++;
        free(line);
        close(fd);
    } else {
        ob->st.errors++;
    }
    ob->st.dead++;
    ob->st.died++;
    log_warning("outbox %s: %s is a dead letter after %u attempts: %s", ob->dir, id, attempts,
                reason ? reason : "");
}

static bool entry_name(const char *name, char id[33])
{
    size_t n = strlen(name);
    if (n != NEWSD_ID_LEN + 5 || strcmp(name + NEWSD_ID_LEN, ".json") != 0)
        return false;
    memcpy(id, name, NEWSD_ID_LEN);
    id[NEWSD_ID_LEN] = '\0';
    return newsd_id_valid(id);
}

static int cmp_created(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    return (x->created_ms > y->created_ms) - (x->created_ms < y->created_ms);
}

static int load(struct outbox *ob, char **err)
{
    /* The dead letters first: those found corrupt below add to them. */
    int fd = dup(ob->dead_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *de;
    if (d) {
        while ((de = readdir(d))) {
            char id[33];
            if (entry_name(de->d_name, id))
                ob->st.dead++;
        }
        closedir(d);
    } else if (fd >= 0) {
        close(fd);
    }

    fd = dup(ob->dir_fd);
    d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        *err = xasprintf("%s: cannot read: %s", ob->dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d))) {
        char id[33];
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "dead") == 0)
            continue;
        if (strncmp(name, ".tmp-", 5) == 0) {
            /* Staged by a run that stopped before the rename: its batch
             * never committed, and is staged again when it does. */
            unlinkat(ob->dir_fd, name, 0);
            continue;
        }
        if (!entry_name(name, id)) {
            log_warning("outbox %s: %s is not an outbox entry; left alone", ob->dir, name);
            continue;
        }
        char *json = NULL, *why = NULL;
        size_t len;
        int64_t created;
        if (read_entry(ob->dir_fd, name, &json, &len, &created, &why) < 0) {
            make_dead(ob, id, 0, now_ms(), why);
            free(why);
            continue;
        }
        free(json);
        append(ob, id, created);
    }
    closedir(d);
    if (ob->n > 1)
        qsort(ob->v, ob->n, sizeof *ob->v, cmp_created);
    return 0;
}

static int open_dir(int at, const char *path, char **err, const char *shown)
{
    if (mkdirat(at, path, 0750) < 0 && errno != EEXIST) {
        *err = xasprintf("%s: cannot create: %s", shown, strerror(errno));
        return -1;
    }
    int fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        *err = xasprintf("%s: cannot open: %s", shown, strerror(errno));
    return fd;
}

/* The folder was removed under us (an operator, a cleanup script): make it
 * again, so that new entries have a place; entries whose files went with
 * it become dead letters when they are taken.  Under ob->mu. */
static int reopen_dirs(struct outbox *ob)
{
    char *err = NULL, *dead = xasprintf("%s/dead", ob->dir);
    int dir_fd = open_dir(AT_FDCWD, ob->dir, &err, ob->dir);
    int dead_fd = dir_fd >= 0 ? open_dir(dir_fd, "dead", &err, dead) : -1;
    free(dead);
    if (dead_fd < 0) {
        log_error("outbox %s", err);
        free(err);
        if (dir_fd >= 0)
            close(dir_fd);
        errno = ENOENT;
        return -1;
    }
    log_warning("outbox %s: the folder was gone; made again", ob->dir);
    close(ob->dir_fd);
    close(ob->dead_fd);
    ob->dir_fd = dir_fd;
    ob->dead_fd = dead_fd;
    ob->st.dead = 0;
    return 0;
}

int outbox_open(struct outbox **out, const char *dir, const struct outbox_policy *p, char **err)
{
    struct outbox *ob = xcalloc(1, sizeof *ob);
    ob->dir = xstrdup(dir);
    ob->policy = *p;
    ob->dir_fd = ob->dead_fd = -1;
    char *dead = xasprintf("%s/dead", dir);
    ob->dir_fd = open_dir(AT_FDCWD, dir, err, dir);
    if (ob->dir_fd >= 0)
        ob->dead_fd = open_dir(ob->dir_fd, "dead", err, dead);
    free(dead);
    if (ob->dead_fd < 0 || load(ob, err) < 0 || uv_mutex_init(&ob->mu) != 0) {
        if (ob->dir_fd >= 0)
            close(ob->dir_fd);
        if (ob->dead_fd >= 0)
            close(ob->dead_fd);
        for (size_t i = 0; i < ob->n; i++)
            free(ob->v[i].error);
        free(ob->v);
        free(ob->dir);
        free(ob);
        return -1;
    }
    *out = ob;
    return 0;
}

void outbox_close(struct outbox *ob)
{
    if (!ob)
        return;
    for (size_t i = 0; i < ob->n; i++)
        free(ob->v[i].error);
    free(ob->v);
    close(ob->dir_fd);
    close(ob->dead_fd);
    uv_mutex_destroy(&ob->mu);
    free(ob->dir);
    free(ob);
}

void outbox_set_policy(struct outbox *ob, const struct outbox_policy *p)
{
    uv_mutex_lock(&ob->mu);
    ob->policy = *p;
    uv_mutex_unlock(&ob->mu);
}

const char *outbox_dir(const struct outbox *ob)
{
    return ob->dir;
}

int outbox_stage(struct outbox *ob, const char *id, const char *json, size_t len, int64_t now_ms, char **err)
{
    char tmp[48], name[48], sum[33], header[HEADER_MAX];
    if (!newsd_id_valid(id)) {
        *err = xasprintf("outbox %s: '%s' is not an article id", ob->dir, id);
        return -1;
    }
    snprintf(tmp, sizeof tmp, ".tmp-%s", id);
    snprintf(name, sizeof name, "%s.json", id);
    hash_id((const unsigned char *)json, len, sum);

    uv_mutex_lock(&ob->mu);
    struct entry *e = find(ob, id);
    int64_t created = e ? e->created_ms : now_ms;
    int hl = snprintf(header, sizeof header, MAGIC "%" PRId64 " %zu %s\n", created, len, sum);
    int fd = openat(ob->dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0 && errno == ENOENT && reopen_dirs(ob) == 0)
        fd = openat(ob->dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    int rc = -1;
    /* Not flushed here: outbox_sync() flushes the batch at once. */
    if (fd < 0 || write_all(fd, header, (size_t)hl) < 0 || write_all(fd, json, len) < 0) {
        *err = xasprintf("outbox %s: cannot write %s: %s", ob->dir, tmp, strerror(errno));
    } else if (close(fd) < 0) {
        fd = -1;
        *err = xasprintf("outbox %s: cannot write %s: %s", ob->dir, tmp, strerror(errno));
    } else {
        fd = -1;
        if (!e) {
            e = append(ob, id, created);
            e->staged = true;
        }
        e->written = true;
        rc = 0;
    }
    if (fd >= 0)
        close(fd);
    if (rc < 0) {
        unlinkat(ob->dir_fd, tmp, 0);
        ob->st.errors++;
    }
    uv_mutex_unlock(&ob->mu);
    return rc;
}

/* As archive_fs does: one syncfs() makes every file of the batch durable
 * (an fsync per record costs a journal commit each: a burst of 2,000
 * records took 14 s that way), then the renames give them their names and
 * one fsync of the folder makes those durable.  A crash before the renames
 * leaves .tmp- files, removed at open: their batch never committed. */
int outbox_sync(struct outbox *ob, char **err)
{
    const char *what = "flush the records";
    int rc = -1;
    uv_mutex_lock(&ob->mu);
    if (syncfs(ob->dir_fd) < 0)
        goto out;
    what = "name the records";
    for (size_t i = 0; i < ob->n; i++) {
        struct entry *e = &ob->v[i];
        char tmp[48], name[48];
        if (!e->written)
            continue;
        snprintf(tmp, sizeof tmp, ".tmp-%s", e->id);
        snprintf(name, sizeof name, "%s.json", e->id);
        if (renameat(ob->dir_fd, tmp, ob->dir_fd, name) < 0)
            goto out;
        e->written = false;
    }
    what = "sync the folder";
    if (fsync(ob->dir_fd) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0) {
        *err = xasprintf("outbox %s: cannot %s: %s", ob->dir, what, strerror(errno));
        ob->st.errors++;
    }
    uv_mutex_unlock(&ob->mu);
    return rc;
}

void outbox_release(struct outbox *ob, int64_t now_ms)
{
    uv_mutex_lock(&ob->mu);
    for (size_t i = 0; i < ob->n; i++)
        if (ob->v[i].staged) {
            ob->v[i].staged = false;
            ob->v[i].next_ms = now_ms;
        }
    uv_mutex_unlock(&ob->mu);
}

void outbox_unstage(struct outbox *ob)
{
    uv_mutex_lock(&ob->mu);
    for (size_t i = ob->n; i-- > 0;) {
        char tmp[48], name[48];
        if (ob->v[i].written) {
            snprintf(tmp, sizeof tmp, ".tmp-%s", ob->v[i].id);
            unlinkat(ob->dir_fd, tmp, 0);
            ob->v[i].written = false;
        }
        if (!ob->v[i].staged)
            continue;
        snprintf(name, sizeof name, "%s.json", ob->v[i].id);
        unlinkat(ob->dir_fd, name, 0);
        remove_at(ob, i);
    }
    uv_mutex_unlock(&ob->mu);
}

size_t outbox_take(struct outbox *ob, int64_t now_ms, struct outbox_item *items, size_t max)
{
    size_t n = 0;
    uv_mutex_lock(&ob->mu);
    for (size_t i = 0; i < ob->n && n < max;) {
        struct entry *e = &ob->v[i];
        if (e->staged || e->busy || e->next_ms > now_ms) {
            i++;
            continue;
        }
        char name[48], *why = NULL;
        struct outbox_item *it = &items[n];
        int64_t created;
        snprintf(name, sizeof name, "%s.json", e->id);
        *it = (struct outbox_item){0};
        if (read_entry(ob->dir_fd, name, &it->json, &it->len, &created, &why) < 0) {
            make_dead(ob, e->id, e->attempts, now_ms, why);
            free(why);
            remove_at(ob, i);
            continue;
        }
        memcpy(it->id, e->id, sizeof it->id);
        it->created_ms = e->created_ms;
        it->attempt = ++e->attempts;
        e->busy = true;
        n++;
        i++;
    }
    uv_mutex_unlock(&ob->mu);
    return n;
}

int64_t outbox_backoff(const struct outbox_policy *p, unsigned attempts)
{
    int64_t d = p->retry_min_ms > 0 ? p->retry_min_ms : 1;
    for (unsigned i = 1; i < attempts && d < p->retry_max_ms; i++)
        d *= 2;
    return d < p->retry_max_ms ? d : p->retry_max_ms;
}

int outbox_done(struct outbox *ob, struct outbox_item *it, int64_t now_ms)
{
    int dead = 0;
    uv_mutex_lock(&ob->mu);
    struct entry *e = find(ob, it->id);
    if (e && !it->error) {
        char name[48];
        snprintf(name, sizeof name, "%s.json", e->id);
        if (unlinkat(ob->dir_fd, name, 0) < 0 && errno != ENOENT) {
            ob->st.errors++;
            log_error("outbox %s: delivered, but cannot remove %s: %s (it will be delivered again)", ob->dir,
                      name, strerror(errno));
        }
        remove_at(ob, (size_t)(e - ob->v));
        ob->st.delivered++;
    } else if (e) {
        ob->st.retries++;
        e->busy = false;
        free(e->error);
        e->error = text_utf8_repair(it->error);
        if (now_ms - e->created_ms >= ob->policy.dead_after_ms) {
            make_dead(ob, e->id, e->attempts, now_ms, it->error);
            remove_at(ob, (size_t)(e - ob->v));
            dead = 1;
        } else {
            e->next_ms = now_ms + outbox_backoff(&ob->policy, e->attempts);
        }
    }
    uv_mutex_unlock(&ob->mu);
    free(it->json);
    free(it->error);
    *it = (struct outbox_item){0};
    return dead;
}

int64_t outbox_next_due(struct outbox *ob)
{
    int64_t next = -1;
    uv_mutex_lock(&ob->mu);
    for (size_t i = 0; i < ob->n; i++) {
        const struct entry *e = &ob->v[i];
        if (!e->staged && !e->busy && (next < 0 || e->next_ms < next))
            next = e->next_ms;
    }
    uv_mutex_unlock(&ob->mu);
    return next;
}

void outbox_stats(struct outbox *ob, struct outbox_stats *st)
{
    uv_mutex_lock(&ob->mu);
    *st = ob->st;
    st->depth = ob->n;
    st->oldest_ms = 0;
    for (size_t i = 0; i < ob->n; i++)
        if (!st->oldest_ms || ob->v[i].created_ms < st->oldest_ms)
            st->oldest_ms = ob->v[i].created_ms;
    uv_mutex_unlock(&ob->mu);
}

static json_t *jtime(int64_t ms)
{
    char buf[NEWSD_TIME_LEN];
    return ms > 0 ? json_string(newsd_format_time(ms, buf)) : json_null();
}

static json_t *list_dead(struct outbox *ob, size_t limit)
{
    json_t *a = json_array();
    int fd = dup(ob->dead_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return a;
    }
    rewinddir(d);
    struct dirent *de;
    while ((de = readdir(d)) && json_array_size(a) < limit) {
        char id[33], rname[48], line[1024] = "";
        if (!entry_name(de->d_name, id))
            continue;
        snprintf(rname, sizeof rname, "%s.reason", id);
        int rfd = openat(ob->dead_fd, rname, O_RDONLY | O_CLOEXEC);
        if (rfd >= 0) {
            ssize_t r = read(rfd, line, sizeof line - 1);
            line[r > 0 ? r : 0] = '\0';
            close(rfd);
        }
        long long died = 0;
        unsigned attempts = 0;
        int used = 0;
        sscanf(line, "%lld %u %n", &died, &attempts, &used);
        char *reason = line + used;
        reason[strcspn(reason, "\n")] = '\0';
        char *why = NULL, *json = NULL;
        size_t len;
        int64_t created = 0;
        if (read_entry(ob->dead_fd, de->d_name, &json, &len, &created, &why) < 0)
            created = 0;
        free(json);
        free(why);
        char *fixed = text_utf8_repair(reason);
        json_t *err = json_string(fixed);
        free(fixed);
        json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:i,s:o}", "id", id, "created", jtime(created),
                                           "died", jtime(died), "attempts", (int)attempts, "error", err));
    }
    closedir(d);
    return a;
}

json_t *outbox_list(struct outbox *ob, bool dead, size_t limit)
{
    if (dead)
        return list_dead(ob, limit);
    json_t *a = json_array();
    uv_mutex_lock(&ob->mu);
    for (size_t i = 0; i < ob->n && json_array_size(a) < limit; i++) {
        const struct entry *e = &ob->v[i];
        const char *state = e->staged ? "staged" : e->busy ? "delivering" : "waiting";
        json_array_append_new(a, json_pack("{s:s,s:o,s:i,s:s,s:o,s:o}", "id", e->id, "created",
                                           jtime(e->created_ms), "attempts", (int)e->attempts, "state", state,
                                           "next", jtime(e->staged || e->busy ? 0 : e->next_ms),
                                           "error", e->error ? json_string(e->error) : json_null()));
    }
    uv_mutex_unlock(&ob->mu);
    return a;
}
