/*
 * archive_fs: archive articles as files, durably, with group commit.
 *
 *   DIR/YYYY/MM/DD/<id>.json   the record (newsd_article_to_json + "\n")
 *   DIR/YYYY/MM/DD/<id>.orig   the original bytes
 *   DIR/ids/<xx>/<id>.json     hard link to the record; xx = first 2 hex of id
 *   DIR/duplicates.jsonl       {"id","source","received"} per duplicate
 *
 * The date is the UTC date the article was received.  The ids/ entry is the
 * proof that an article is archived: it is made last, after the data is on
 * disk, so whoever sees it can rely on the record and the original.
 *
 * Group commit.  archive() creates the record as <id>.json (O_EXCL) and
 * links the work file as <id>.orig, without flushing them; a name that is
 * taken already (a duplicate, or what a crash left) is never written
 * through: the file goes to <id>.<key>.json.tmp or <id>.<key>.orig.tmp
 * instead (see write_record(), write_original(); key: a hash of the work
 * file's path, so that two copies of one article in flight at once never
 * write the same file, and a resumed article reuses its names).  commit()
 * then, for the whole batch:
 *   1. flushes all the data with one syncfs() on the archive's file system,
 *      instead of two fsync()s per article (one flush per batch is what makes
 *      group commit cheap; see docs/record.md for figures);
 *   2. renames each tmp to its final name and links the ids/ entry, and
 *      appends the batch's duplicates to duplicates.jsonl;
 *   3. makes the renames, links, new directories and duplicates durable with
 *      a second syncfs() (a batch touches up to 256 ids/ folders: one syncfs
 *      is cheaper than an fsync per folder, and it also covers what a
 *      previous failed commit left behind).
 * Because the data is durable before any ids/ entry exists, a crash at any
 * point leaves archived articles whole, plus *.tmp files and final names
 * without an ids/ entry (a record possibly cut short); and an article
 * without its ids/ entry still has its work file in newsd, which archives
 * it again (replacing the stale files by rename) when it resumes.
 *
 * On failure commit() logs the path and the cause, forgets the batch and
 * returns NEWSD_ERROR; newsd hands the whole batch over again.  Articles
 * whose ids/ entry was already made then count as duplicates.
 *
 * archive() returns NEWSD_ERROR only for a fault of the article itself (an
 * id that is not 32 hex digits, a received time out of range): newsd moves
 * such an article to failed/.  A fault of the archive (disk full, I/O error,
 * out of memory) is not the article's: archive() logs it and the batch's
 * commit() fails, so newsd keeps the articles in work/ and retries the batch
 * until the archive works again.
 *
 * archive() and commit() run on one thread at a time, so the batch needs no
 * lock.  prepare() (ABI 1.5) writes the same two files ahead, on the
 * worker that processed the article, and notes them in the prepared table
 * (under its mutex); archive() takes the note and only checks for a
 * duplicate, so the archive's single thread is left with the lookups and
 * commit().  Nothing prepared counts as archived: an article whose note is
 * gone (a retried batch, a new instance after a reload) is written by
 * archive() as before, and fini() removes the files of notes never taken.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* syncfs() */
#endif
#include <newsd/plugin.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_DIR "archive"
#define DUPLICATES_FILE "duplicates.jsonl"
#define FILE_MODE 0644
#define DIR_MODE 0755

/* "YYYY/MM/DD/<id>.<key>.orig.tmp" and "ids/xx/<id>.json" fit with room to
 * spare. */
#define REL_PATH_MAX 96

/* Buckets of the prepared table: more than the articles in flight at once
 * with the default limits, so chains stay short. */
#define PREPARED_BUCKETS 1024

/* An article written by archive() and waiting for commit(). */
struct pending {
    char id[NEWSD_ID_LEN + 1];
    char day[sizeof "YYYY/MM/DD"];
    uint64_t key;           /* names its tmp files: hash of the work file's path */
    int orig_at_tmp;        /* the original waits under its tmp name (else: final name) */
    ino_t orig_ino;         /* !orig_at_tmp: the inode this article linked there */
    int json_at_tmp;        /* the record waits under its tmp name (else: final name) */
    ino_t json_ino;         /* !json_at_tmp: the inode this article created there */
};

/* An article whose tmp files prepare() wrote, not yet taken by archive(). */
struct prepared {
    struct prepared *next;
    struct pending p;
};

/* A growing byte buffer. */
struct buf {
    char *data;
    size_t len;
    size_t cap;
};

struct archive {
    char *dir;              /* absolute or as configured; for messages */
    int dirfd;              /* the open archive folder; every path is relative to it */
    struct pending *items;  /* the batch since the last commit */
    size_t len;
    size_t cap;
    size_t *slots;          /* hash set of the items' ids: index + 1, 0 = free */
    size_t n_slots;         /* 2 * cap, a power of two */
    struct buf duplicates;  /* lines for duplicates.jsonl, '\n'-terminated */
    size_t lost;            /* articles of the batch that archive() could not write */
    int unsynced;           /* a failed commit may have left changes not yet durable */

    pthread_mutex_t prepared_lock;  /* prepare() runs on the workers */
    struct prepared *prepared[PREPARED_BUCKETS];
};

/* ---- small helpers ------------------------------------------------------ */

static void log_path_error(const struct archive *s, const char *what, const char *rel, int err)
{
    newsd_log(NEWSD_LOG_ERROR, "%s %s/%s: %s", what, s->dir, rel, strerror(err));
}

static int buf_append(struct buf *b, const char *data, size_t len)
{
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

/* Write all of data to fd; returns 0 or -1 with errno set. */
static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* mkdir -p of path relative to dirfd (or absolute); returns 0 or -1 with
 * errno set. */
static int make_dirs(int dirfd, const char *path)
{
    char tmp[4096];
    size_t len = strlen(path);
    if (len == 0)
        return 0;
    if (len >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(tmp, path, len + 1);
    for (char *p = tmp + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdirat(dirfd, tmp, DIR_MODE) < 0 && errno != EEXIST)
            return -1;
        if (c == '\0')
            return 0;
        *p = c;
    }
}

/* UTC calendar time of a millisecond timestamp; years 1000..9999 only, so
 * that dates keep their fixed width. */
static int utc_time(int64_t ms, struct tm *tm, unsigned *millis)
{
    int64_t secs = ms / 1000, rem = ms % 1000;
    if (rem < 0) {
        secs--;
        rem += 1000;
    }
    time_t t = (time_t)secs;
    if (!gmtime_r(&t, tm) || tm->tm_year < 1000 - 1900 || tm->tm_year > 9999 - 1900)
        return -1;
    *millis = (unsigned)rem;
    return 0;
}

/* "YYYY/MM/DD" of the received time. */
static int day_folder(int64_t ms, char out[sizeof "YYYY/MM/DD"])
{
    struct tm tm;
    unsigned millis;
    if (utc_time(ms, &tm, &millis) < 0)
        return -1;
    return strftime(out, sizeof "YYYY/MM/DD", "%Y/%m/%d", &tm) ? 0 : -1;
}

/* ---- writing the files of one article ----------------------------------- */

static void rel_path(char out[REL_PATH_MAX], const char *dir, const char *id, const char *ext)
{
    snprintf(out, REL_PATH_MAX, "%s/%s%s", dir, id, ext);
}

/* The tmp file of ext (".json", ".orig") for p. */
static void tmp_path(char out[REL_PATH_MAX], const struct pending *p, const char *ext)
{
    snprintf(out, REL_PATH_MAX, "%s/%s.%016llx%s.tmp", p->day, p->id, (unsigned long long)p->key, ext);
}

/* FNV-1a of the work file's path: the key of its tmp names and of its
 * note in the prepared table.  0 when newsd gave no path. */
static uint64_t path_key(const newsd_article *a)
{
    const char *path = newsd_article_path(a);
    uint64_t h = 0xcbf29ce484222325u;
    if (!path)
        return 0;
    for (const unsigned char *c = (const unsigned char *)path; *c; c++)
        h = (h ^ *c) * 0x100000001b3u;
    return h;
}

static void index_path(char out[REL_PATH_MAX], const char *id)
{
    snprintf(out, REL_PATH_MAX, "ids/%.2s/%s.json", id, id);
}

/* Create rel, making its folder when missing: a new file only when excl
 * (a taken name is then -EEXIST, not logged), else created or truncated.
 * Returns the fd or -errno. */
static int open_new_file(struct archive *s, const char *rel, const char *day, int excl)
{
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (excl ? O_EXCL : O_TRUNC);
    int fd = openat(s->dirfd, rel, flags, FILE_MODE);
    if (fd < 0 && errno == ENOENT) {
        if (make_dirs(s->dirfd, day) < 0) {
            int err = errno;
            log_path_error(s, "cannot create folder", day, err);
            return -err;
        }
        fd = openat(s->dirfd, rel, flags, FILE_MODE);
    }
    if (fd < 0) {
        int err = errno;
        if (!(excl && err == EEXIST))
            log_path_error(s, "cannot create", rel, err);
        return -err;
    }
    return fd;
}

/* Remove rel when it still is the inode ino.  A final name is shared by
 * every copy of an article: between making the file and giving up on it,
 * another copy's commit may have renamed its record over the name, and
 * that one is archived.  (What is left between the look and the unlink is
 * a window of one system call, not of a whole write.) */
static void unlink_if_inode(struct archive *s, const char *rel, ino_t ino)
{
    struct stat st;
    if (fstatat(s->dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_ino == ino)
        unlinkat(s->dirfd, rel, 0);
}

/* Write data to fd, the new file rel, and close it; *ino (when not NULL:
 * rel is a final name, see unlink_if_inode()) gets its inode.  On failure
 * rel is removed: a tmp name always, a final name while it is this file
 * (one whose inode is unknown stays: it has no ids/ entry, so it is not
 * archived, and a resumed copy of the article replaces it). */
static int fill_file(struct archive *s, int fd, const char *rel, const void *data, size_t len,
                     ino_t *ino)
{
    struct stat st;
    int known = ino && fstat(fd, &st) == 0;
    int failed = ino && !known;
    int err = errno;
    if (!failed && write_all(fd, data, len) < 0) {
        failed = 1;
        err = errno;
    }
    if (close(fd) < 0 && !failed) {
        failed = 1;
        err = errno;
    }
    if (failed) {
        log_path_error(s, "cannot write", rel, err);
        if (!ino)
            unlinkat(s->dirfd, rel, 0);
        else if (known)
            unlink_if_inode(s, rel, st.st_ino);
        return NEWSD_ERROR;
    }
    if (ino)
        *ino = st.st_ino;
    return NEWSD_OK;
}

/* Write data to the new (or truncated) file rel. */
static int write_file(struct archive *s, const char *rel, const char *day,
                      const void *data, size_t len)
{
    int fd = open_new_file(s, rel, day, 0);
    if (fd < 0)
        return NEWSD_ERROR;
    return fill_file(s, fd, rel, data, len, NULL);
}

static int write_record(struct archive *s, const newsd_article *a, struct pending *p)
{
    char rel[REL_PATH_MAX];
    char *json = newsd_article_to_json(a);
    size_t len = json ? strlen(json) : 0;
    /* The newline goes into the same buffer: one write(), not two. */
    char *line = json ? realloc(json, len + 2) : NULL;
    if (!line) {
        free(json);
        newsd_log(NEWSD_LOG_ERROR, "cannot make the JSON record: out of memory");
        return NEWSD_ERROR;
    }
    line[len] = '\n';
    line[len + 1] = '\0';
    /* The record goes straight to its final name when that is free (made
     * here, O_EXCL: nobody else's file is written through): commit() then
     * spares the archive's single thread a rename per article, which was
     * a tenth of newsd's CPU time, contending for the day folder's lock
     * with the workers.  Only the ids/ entry, made after the data is
     * flushed, says "archived"; a record without one is what a crash
     * before the commit leaves (possibly cut short, as its data was not
     * flushed), and the resumed article finds the name taken and goes the
     * tmp way, whose rename replaces it. */
    rel_path(rel, p->day, p->id, ".json");
    int rc = NEWSD_ERROR;
    int fd = open_new_file(s, rel, p->day, 1);
    p->json_at_tmp = fd < 0;
    if (fd >= 0) {
        rc = fill_file(s, fd, rel, line, len + 1, &p->json_ino);
        p->json_at_tmp = rc != NEWSD_OK; /* removed by fill_file: not ours to remove again */
    } else if (fd == -EEXIST) {
        tmp_path(rel, p, ".json");
        rc = write_file(s, rel, p->day, line, len + 1);
    }
    free(line);
    return rc;
}

/*
 * Hard-link the work file when it is on this file system: no copy of the
 * bytes, and no inode made here nor freed when newsd unlinks the work file.
 * (On ext4 without a journal every inode freed in the last seconds makes
 * each new file slower to create: at thousands of articles a second that
 * was half of the archive's time.)  The link must hold exactly the bytes
 * newsd read and hashed; if a producer went on writing, copy instead.
 */
static int link_original(struct archive *s, const newsd_article *a, const char *rel, size_t len,
                         int *taken, ino_t *ino)
{
    const char *path = newsd_article_path(a);
    struct stat st;
    *taken = 0;
    if (!path)
        return -1;
    if (linkat(AT_FDCWD, path, s->dirfd, rel, 0) < 0) {
        *taken = errno == EEXIST;
        return -1;
    }
    if (fstatat(s->dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
        (uint64_t)st.st_size == len) {
        *ino = st.st_ino;
        return 0;
    }
    /* Only the work file's own link goes: at a final name, another copy's
     * record may have been renamed over it meanwhile (unlink_if_inode()). */
    struct stat own;
    if (stat(path, &own) == 0)
        unlink_if_inode(s, rel, own.st_ino);
    return -1;
}

static int write_original(struct archive *s, const newsd_article *a, struct pending *p)
{
    char rel[REL_PATH_MAX];
    size_t len = 0;
    const unsigned char *raw = newsd_article_raw(a, &len);
    if (!raw)
        len = 0;
    int taken;
    /* The link goes straight to its final name when that is free: a hard
     * link of the bytes the id was computed from cannot be incomplete, and
     * the name is the content's, so it needs no tmp name and no rename in
     * commit() (two directory operations fewer on the archive's single
     * thread).  Only the ids/ entry says "archived"; a final original
     * without one is what a crash before the commit leaves, and the
     * resumed article finds the name taken and goes the tmp way below.
     * A name already taken is never trusted nor written through: it may
     * be an archived article's original, or a stale one. */
    rel_path(rel, p->day, p->id, ".orig");
    p->orig_at_tmp = 0;
    if (link_original(s, a, rel, len, &taken, &p->orig_ino) == 0)
        return NEWSD_OK;
    p->orig_at_tmp = 1;
    ino_t ino;
    tmp_path(rel, p, ".orig");
    /* Any failure but a taken name (another file system, no work file)
     * would only repeat for the tmp name. */
    if (taken && link_original(s, a, rel, len, &taken, &ino) == 0)
        return NEWSD_OK;
    /* A stale tmp may be a link to a work file: never write through it. */
    if (unlinkat(s->dirfd, rel, 0) < 0 && errno != ENOENT) {
        log_path_error(s, "cannot replace", rel, errno);
        return NEWSD_ERROR;
    }
    if (taken && link_original(s, a, rel, len, &taken, &ino) == 0)
        return NEWSD_OK;
    return write_file(s, rel, p->day, raw, len);
}

/* ---- duplicates --------------------------------------------------------- */

static json_t *duplicate_json(const char *id, const char *source, const char *received)
{
    /* source is UTF-8: the daemon reads a file name's stray bytes as U+FFFD */
    return json_pack("{s:s, s:s, s:s}", "id", id, "source", source, "received", received);
}

/* Remember a line for duplicates.jsonl, written by the next commit(). */
static int remember_duplicate(struct archive *s, const newsd_article *a, const char *id)
{
    char received[NEWSD_TIME_LEN];
    newsd_format_time(newsd_article_received_ms(a), received);
    json_t *j = duplicate_json(id, newsd_article_get(a, NEWSD_FIELD_SOURCE), received);
    char *line = j ? json_dumps(j, JSON_COMPACT) : NULL;
    int rc = 0;
    if (!line || buf_append(&s->duplicates, line, strlen(line)) < 0 ||
        buf_append(&s->duplicates, "\n", 1) < 0) {
        newsd_log(NEWSD_LOG_ERROR, "cannot note duplicate %s: out of memory", id);
        rc = -1;
    }
    free(line);
    json_decref(j);
    return rc;
}

/* ---- the batch ---------------------------------------------------------- */

/* Ids are SHA-256 prefixes in hex, so their first 16 digits are a good hash
 * already. */
static size_t id_hash(const char *id)
{
    uint64_t h = 0;
    for (int i = 0; i < 16; i++)
        h = h << 4 | (uint64_t)(id[i] <= '9' ? id[i] - '0' : id[i] - 'a' + 10);
    return (size_t)h;
}

/* The slot that holds id, or the free one where it would go.  There is
 * always a free slot: n_slots is twice the capacity of items. */
static size_t *slot_of(const struct archive *s, const char *id)
{
    size_t mask = s->n_slots - 1;
    for (size_t i = id_hash(id) & mask;; i = (i + 1) & mask) {
        size_t *slot = &s->slots[i];
        if (*slot == 0 || memcmp(s->items[*slot - 1].id, id, NEWSD_ID_LEN) == 0)
            return slot;
    }
}

static int grow_pending(struct archive *s)
{
    size_t cap = s->cap ? 2 * s->cap : 64;
    struct pending *items = realloc(s->items, cap * sizeof *items);
    if (!items)
        return -1;
    s->items = items;
    size_t *slots = calloc(2 * cap, sizeof *slots);
    if (!slots)
        return -1;
    free(s->slots);
    s->slots = slots;
    s->n_slots = 2 * cap;
    s->cap = cap;
    for (size_t i = 0; i < s->len; i++)
        *slot_of(s, s->items[i].id) = i + 1;
    return 0;
}

static int add_pending(struct archive *s, const struct pending *p)
{
    if (s->len == s->cap && grow_pending(s) < 0) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    s->items[s->len++] = *p;
    *slot_of(s, p->id) = s->len;
    return NEWSD_OK;
}

static void forget_batch(struct archive *s)
{
    s->len = 0;
    s->duplicates.len = 0;
    s->lost = 0;
    if (s->slots)
        memset(s->slots, 0, s->n_slots * sizeof *s->slots);
}

/* 1 if the id is archived or in this batch, 0 if not, -1 on error (logged). */
static int is_archived(const struct archive *s, const char *id)
{
    if (s->len > 0 && *slot_of(s, id) != 0)
        return 1;
    char rel[REL_PATH_MAX];
    index_path(rel, id);
    struct stat st;
    if (fstatat(s->dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return 1;
    if (errno == ENOENT)
        return 0;
    log_path_error(s, "cannot look up", rel, errno);
    return -1;
}

/* ---- archive() ---------------------------------------------------------- */

/* 1 when the ids/ entry of p's id is the record in p's day folder: the
 * article was archived on that very day, so the day's ID.orig is its
 * original.  An entry of another day (the article came again on a later
 * date: a duplicate) says nothing about this day's ID.orig. */
static int archived_on_day(const struct archive *s, const struct pending *p)
{
    char record[REL_PATH_MAX], entry[REL_PATH_MAX];
    struct stat rec, ent;
    rel_path(record, p->day, p->id, ".json");
    index_path(entry, p->id);
    /* A look-up that fails for another reason than a missing name keeps
     * the original: better a stray link than a lost original. */
    if (fstatat(s->dirfd, entry, &ent, AT_SYMLINK_NOFOLLOW) < 0)
        return errno != ENOENT;
    if (fstatat(s->dirfd, record, &rec, AT_SYMLINK_NOFOLLOW) < 0)
        return errno != ENOENT;
    return ent.st_dev == rec.st_dev && ent.st_ino == rec.st_ino;
}

/* The files of p's article that no commit published: its tmp files, and
 * the original it linked under the final name.  That one stays when the
 * name holds another inode by now (a copy of the article renamed there) or
 * the article was archived on that day after all: then it is an archived
 * article's original. */
static void remove_final_file(struct archive *s, const struct pending *p, const char *ext, ino_t ino)
{
    char rel[REL_PATH_MAX];
    struct stat st;
    rel_path(rel, p->day, p->id, ext);
    /* One look at the name first; the two of archived_on_day() only for
     * a name that still is this file. */
    if (fstatat(s->dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_ino == ino &&
        !archived_on_day(s, p))
        unlinkat(s->dirfd, rel, 0);
}

static void remove_tmp_files(struct archive *s, const struct pending *p)
{
    char rel[REL_PATH_MAX];
    tmp_path(rel, p, ".json");
    unlinkat(s->dirfd, rel, 0);
    tmp_path(rel, p, ".orig");
    unlinkat(s->dirfd, rel, 0);
    if (!p->orig_at_tmp)
        remove_final_file(s, p, ".orig", p->orig_ino);
    if (!p->json_at_tmp)
        remove_final_file(s, p, ".json", p->json_ino);
}

/* The id and day folder of a, or NEWSD_ERROR after newsd_article_fail(). */
static int pending_of(newsd_article *a, struct pending *p)
{
    const char *id = newsd_article_get(a, NEWSD_FIELD_ID);
    if (!newsd_id_valid(id))
        return newsd_article_fail(a, "article id \"%.40s\" is not %d lowercase hex digits", id,
                                  NEWSD_ID_LEN);
    if (day_folder(newsd_article_received_ms(a), p->day) < 0)
        return newsd_article_fail(a, "received time %lld ms is out of range",
                                  (long long)newsd_article_received_ms(a));
    memcpy(p->id, id, NEWSD_ID_LEN + 1);
    p->key = path_key(a);
    p->orig_at_tmp = 1;
    p->json_at_tmp = 1;
    return NEWSD_OK;
}

/* ---- prepare(): the files, ahead on the workers ------------------------- */

static struct prepared **prepared_bucket(struct archive *s, uint64_t key)
{
    return &s->prepared[key % PREPARED_BUCKETS];
}

/* Take the note of the work file key out of the table: it is the
 * caller's now, or NULL. */
static struct prepared *take_prepared(struct archive *s, uint64_t key)
{
    pthread_mutex_lock(&s->prepared_lock);
    struct prepared **at = prepared_bucket(s, key);
    while (*at && (*at)->p.key != key)
        at = &(*at)->next;
    struct prepared *found = *at;
    if (found)
        *at = found->next;
    pthread_mutex_unlock(&s->prepared_lock);
    return found;
}

static int fs_prepare(void *state, newsd_article *a)
{
    struct archive *s = state;
    struct pending p;
    if (pending_of(a, &p) != NEWSD_OK)
        return NEWSD_ERROR;
    /* Without a work file there is no key to name the files by.  Whether
     * the article is a duplicate is archive()'s to find out (one look-up,
     * not two, for the articles that are not): it removes what was
     * written for one. */
    if (p.key == 0)
        return NEWSD_OK;
    struct prepared *note = calloc(1, sizeof *note);
    if (!note)
        return NEWSD_OK; /* archive() writes the files */
    note->p = p;
    if (write_record(s, a, &note->p) != NEWSD_OK || write_original(s, a, &note->p) != NEWSD_OK) {
        remove_tmp_files(s, &note->p);
        free(note);
        return NEWSD_OK;
    }
    /* A note left by an article of this work file that never reached
     * archive() is stale: its files were overwritten or are another id's. */
    struct prepared *stale = take_prepared(s, note->p.key);
    if (stale && (strcmp(stale->p.id, note->p.id) != 0 || strcmp(stale->p.day, note->p.day) != 0))
        remove_tmp_files(s, &stale->p);
    free(stale);
    pthread_mutex_lock(&s->prepared_lock);
    struct prepared **at = prepared_bucket(s, note->p.key);
    note->next = *at;
    *at = note;
    pthread_mutex_unlock(&s->prepared_lock);
    return NEWSD_OK;
}

static int fs_archive(void *state, newsd_article *a)
{
    struct archive *s = state;
    struct pending p;
    if (pending_of(a, &p) != NEWSD_OK)
        return NEWSD_ERROR;
    /* Files prepare() wrote for this very article (same work file, id and
     * day) are used; any other note of this work file is stale. */
    struct prepared *note = p.key ? take_prepared(s, p.key) : NULL;
    int prepared = note && strcmp(note->p.id, p.id) == 0 && strcmp(note->p.day, p.day) == 0;
    if (prepared)
        p = note->p;
    if (note && !prepared)
        remove_tmp_files(s, &note->p);
    free(note);
    if (s->lost) {
        if (prepared)
            remove_tmp_files(s, &p);
        s->lost++; /* the batch fails anyway: spare the disk and the log */
        return NEWSD_OK;
    }

    int archived = is_archived(s, p.id);
    if (archived != 0 && prepared)
        remove_tmp_files(s, &p);
    if (archived == 1 && remember_duplicate(s, a, p.id) == 0)
        return NEWSD_DUPLICATE;
    if (archived == 0 && (prepared || (write_record(s, a, &p) == NEWSD_OK &&
                                       write_original(s, a, &p) == NEWSD_OK)) &&
        add_pending(s, &p) == NEWSD_OK)
        return NEWSD_OK;
    /* The archive's fault, logged above: fail the commit (see the top). */
    if (archived == 0)
        remove_tmp_files(s, &p);
    s->lost++;
    return NEWSD_OK;
}

/* ---- commit() ----------------------------------------------------------- */

static int flush_all(struct archive *s)
{
    if (syncfs(s->dirfd) < 0) {
        newsd_log(NEWSD_LOG_ERROR, "cannot flush the file system of %s: %s", s->dir,
                  strerror(errno));
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

/* rename() between two links to one inode succeeds and does nothing, so
 * the tmp name would stay.  That happens to a resumed batch's original: it
 * is a hard link of the work file, and an earlier commit may have renamed
 * one link to the final name before it stopped.  Then the final name
 * already holds these very bytes and the tmp name just goes: after the
 * rename, an unlink of the tmp name that usually finds nothing (one call,
 * where comparing the two names first took two for every article).  A
 * record's tmp is a file of its own, made by open(), so it needs no such
 * care. */
static int rename_tmp(struct archive *s, const struct pending *p, const char *ext, int may_be_link)
{
    char from[REL_PATH_MAX], to[REL_PATH_MAX];
    tmp_path(from, p, ext);
    rel_path(to, p->day, p->id, ext);
    if (renameat(s->dirfd, from, s->dirfd, to) < 0) {
        log_path_error(s, "cannot rename", from, errno);
        return NEWSD_ERROR;
    }
    if (may_be_link && unlinkat(s->dirfd, from, 0) < 0 && errno != ENOENT) {
        log_path_error(s, "cannot remove", from, errno);
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

/* ids/xx/<id>.json -> the record.  An existing entry is fine: the article
 * was archived before. */
static int link_index(struct archive *s, const struct pending *p)
{
    char record[REL_PATH_MAX], entry[REL_PATH_MAX], folder[sizeof "ids/xx"];
    rel_path(record, p->day, p->id, ".json");
    index_path(entry, p->id);
    int rc = linkat(s->dirfd, record, s->dirfd, entry, 0);
    if (rc < 0 && errno == ENOENT) {
        snprintf(folder, sizeof folder, "ids/%.2s", p->id);
        if (make_dirs(s->dirfd, folder) < 0) {
            log_path_error(s, "cannot create folder", folder, errno);
            return NEWSD_ERROR;
        }
        rc = linkat(s->dirfd, record, s->dirfd, entry, 0);
    }
    if (rc < 0 && errno != EEXIST) {
        log_path_error(s, "cannot link", entry, errno);
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

/* Give every pending article its final names.  The original first and the
 * index last: an ids/ entry means both files are complete. */
static int publish_all(struct archive *s)
{
    for (size_t i = 0; i < s->len; i++) {
        const struct pending *p = &s->items[i];
        if ((p->orig_at_tmp && rename_tmp(s, p, ".orig", 1) != NEWSD_OK) ||
            (p->json_at_tmp && rename_tmp(s, p, ".json", 0) != NEWSD_OK) ||
            link_index(s, p) != NEWSD_OK)
            return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

/* Append the batch's duplicate lines in one write; on failure cut the file
 * back so that no half line is left. */
static int append_duplicates(struct archive *s)
{
    if (s->duplicates.len == 0)
        return NEWSD_OK;
    const char *rel = DUPLICATES_FILE;
    int fd = openat(s->dirfd, rel, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                    FILE_MODE);
    if (fd < 0) {
        log_path_error(s, "cannot open", rel, errno);
        return NEWSD_ERROR;
    }
    struct stat st;
    int failed = fstat(fd, &st) < 0;
    int err = errno;
    if (!failed && write_all(fd, s->duplicates.data, s->duplicates.len) < 0) {
        failed = 1;
        err = errno;
        if (ftruncate(fd, st.st_size) < 0)
            newsd_log(NEWSD_LOG_WARNING, "cannot cut %s/%s back to %lld bytes: %s", s->dir, rel,
                      (long long)st.st_size, strerror(errno));
    }
    if (close(fd) < 0 && !failed) {
        failed = 1;
        err = errno;
    }
    if (failed) {
        log_path_error(s, "cannot append to", rel, err);
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

static int fs_commit(void *state)
{
    struct archive *s = state;
    if (s->lost) {
        newsd_log(NEWSD_LOG_ERROR, "%zu article%s of this batch not written (the first error is "
                  "logged above); the batch fails and is retried", s->lost, s->lost == 1 ? "" : "s");
        forget_batch(s);
        return NEWSD_ERROR;
    }
    if (s->len == 0 && s->duplicates.len == 0 && !s->unsynced)
        return NEWSD_OK;
    int rc = NEWSD_OK;
    if (s->len > 0)
        rc = flush_all(s);
    if (rc == NEWSD_OK) {
        s->unsynced = 1;
        rc = publish_all(s);
    }
    if (rc == NEWSD_OK)
        rc = append_duplicates(s);
    if (rc == NEWSD_OK)
        rc = flush_all(s);
    if (rc == NEWSD_OK)
        s->unsynced = 0;
    forget_batch(s);
    return rc;
}

/* ---- init / fini -------------------------------------------------------- */

static int open_archive_dir(struct archive *s)
{
    if (make_dirs(AT_FDCWD, s->dir) < 0) {
        newsd_log(NEWSD_LOG_ERROR, "dir: cannot create %s: %s", s->dir, strerror(errno));
        return NEWSD_ERROR;
    }
    s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dirfd < 0) {
        newsd_log(NEWSD_LOG_ERROR, "dir: cannot open %s: %s", s->dir, strerror(errno));
        return NEWSD_ERROR;
    }
    if (faccessat(s->dirfd, ".", W_OK, AT_EACCESS) < 0) {
        newsd_log(NEWSD_LOG_ERROR, "dir: cannot write to %s: %s", s->dir, strerror(errno));
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

/* Remove the *.tmp files of a batch that was never committed; newsd still
 * has their work files and hands the articles over again. */
static void remove_uncommitted(struct archive *s)
{
    for (size_t i = 0; i < s->len; i++)
        remove_tmp_files(s, &s->items[i]);
    for (size_t b = 0; b < PREPARED_BUCKETS; b++) {
        while (s->prepared[b]) {
            struct prepared *note = s->prepared[b];
            s->prepared[b] = note->next;
            remove_tmp_files(s, &note->p);
            free(note);
        }
    }
}

static void fs_fini(void *state)
{
    struct archive *s = state;
    if (!s)
        return;
    if (s->dirfd >= 0) {
        remove_uncommitted(s);
        close(s->dirfd);
    }
    free(s->items);
    free(s->slots);
    free(s->duplicates.data);
    free(s->dir);
    pthread_mutex_destroy(&s->prepared_lock);
    free(s);
}

static int fs_init(const newsd_config *conf, void **state)
{
    struct archive *s = calloc(1, sizeof *s);
    if (!s) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    s->dirfd = -1;
    pthread_mutex_init(&s->prepared_lock, NULL);
    /* dir: absolute, or relative to the state directory (not to the INI
     * file: the archive belongs with the state). */
    s->dir = newsd_config_state_path(conf, "dir", DEFAULT_DIR);
    if (!s->dir) {
        newsd_log(NEWSD_LOG_ERROR, "dir: out of memory");
        fs_fini(s);
        return NEWSD_ERROR;
    }
    if (open_archive_dir(s) != NEWSD_OK) {
        fs_fini(s);
        return NEWSD_ERROR;
    }
    *state = s;
    return NEWSD_OK;
}

/* The keys init() reads: newsd refuses any other (since 1.2). */
static const struct newsd_config_key fs_keys[] = {
    {"dir", "the archive's folder, relative to the state directory (default " DEFAULT_DIR ")"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "archive_fs",
    .description = "archives JSON records and originals as files, with group commit",
    .stages = NEWSD_STAGE_ARCHIVE,
    .init = fs_init,
    .archive = fs_archive,
    .commit = fs_commit,
    .fini = fs_fini,
    .config_keys = fs_keys,
    .prepare = fs_prepare,
);
