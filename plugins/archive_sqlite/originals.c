/*
 * archive_sqlite: the original bytes as files, content-addressed, beside
 * the database:
 *
 *   DIR/originals/ab/<id>    DIR = the database's folder, ab = the id's first two digits
 *
 * archive() hard-links the article's work file there (newsd_article_path(),
 * same file system), and commit() flushes the links and the files' data
 * with one syncfs() before the COMMIT that makes the rows durable.  No
 * inode is created for an original, and none is freed when newsd then
 * unlinks the work file: on ext4 without a journal and with `discard`,
 * freeing the inode of every article (the work file after its bytes went
 * into a BLOB) cost ~0.3 ms per article on the archive thread, more than
 * everything else it does.
 *
 * Order and crashes:
 *   - link, then syncfs, then COMMIT: a committed row always has its
 *     original on disk.  A crash before the COMMIT leaves a link without a
 *     row (an orphan, harmless: the id is the hash of those very bytes);
 *     the work file is still in work/, newsd hands the article over again,
 *     and its link finds the orphan: the same inode, or the same bytes, is
 *     kept; anything else (a file cut short by a power cut before its data
 *     reached the disk) is replaced.
 *   - When the link cannot be made (no work file path, another file system,
 *     a folder we may not write, a producer that still wrote to the file
 *     after newsd read it), the bytes go into the `originals` table as
 *     before, and the read side looks in both: file first, then BLOB.
 *     Databases written before schema version 5 hold only BLOBs.
 *
 * The folder's descriptor is opened once; the reader thread (answer())
 * only reads through it, relative opens need no lock.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* syncfs() */
#endif
#include "sq.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ORIGINALS "originals"

/* "ab/" + id */
#define REL_LEN (3 + NEWSD_ID_LEN + 1)

static void rel_of(char rel[REL_LEN], const char *id)
{
    snprintf(rel, REL_LEN, "%.2s/%s", id, id);
}

int sq_originals_open(struct sq *s)
{
    const char *slash = strrchr(s->path, '/');
    int n = slash ? (int)(slash - s->path) : 1;
    const char *base = slash ? s->path : ".";
    if (asprintf(&s->orig_dir, "%.*s/" ORIGINALS, n, base) < 0) {
        s->orig_dir = NULL;
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    if (mkdir(s->orig_dir, 0755) < 0 && errno != EEXIST) {
        newsd_log(NEWSD_LOG_ERROR, "cannot create %s: %s", s->orig_dir, strerror(errno));
        return NEWSD_ERROR;
    }
    /* Absolute: the read side hands the path to newsd (originals.c's top). */
    char *abs = realpath(s->orig_dir, NULL);
    if (!abs) {
        newsd_log(NEWSD_LOG_ERROR, "cannot resolve %s: %s", s->orig_dir, strerror(errno));
        return NEWSD_ERROR;
    }
    free(s->orig_dir);
    s->orig_dir = abs;
    s->orig_fd = open(s->orig_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->orig_fd < 0) {
        newsd_log(NEWSD_LOG_ERROR, "cannot open %s: %s", s->orig_dir, strerror(errno));
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

void sq_originals_close(struct sq *s)
{
    if (s->orig_fd >= 0)
        close(s->orig_fd);
    s->orig_fd = -1;
    free(s->orig_dir);
    s->orig_dir = NULL;
}

/* Read all of fd (at most max bytes, and one more that tells it is
 * longer). */
static unsigned char *read_fd(int fd, size_t max, size_t *len)
{
    unsigned char *buf = malloc(max + 2);
    size_t n = 0;
    if (!buf)
        return NULL;
    while (n <= max) {
        ssize_t r = read(fd, buf + n, max + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *len = n;
    return buf;
}

/* 1 when the file at rel holds exactly raw (len bytes). */
static int holds(const struct sq *s, const char *rel, const char *path, const unsigned char *raw, size_t len)
{
    struct stat a, b;
    if (fstatat(s->orig_fd, rel, &a, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(a.st_mode) ||
        (uint64_t)a.st_size != len)
        return 0;
    if (path && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        return 1;
    int fd = openat(s->orig_fd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t got = 0;
    unsigned char *data = read_fd(fd, len, &got);
    close(fd);
    int same = data && got == len && (len == 0 || memcmp(data, raw, len) == 0);
    free(data);
    return same;
}

static void cannot_link(struct sq *s, const char *what, int err)
{
    /* Once per run: the BLOB fallback works, this is about speed. */
    if (s->orig_warned)
        return;
    s->orig_warned = 1;
    newsd_log(NEWSD_LOG_NOTICE, "cannot %s into %s (%s); this original, and any other that cannot be "
              "linked, goes into the database instead (logged once)", what, s->orig_dir, strerror(err));
}

int sq_originals_link(struct sq *s, const char *id, const newsd_article *a)
{
    const char *path = newsd_article_path(a);
    size_t len = 0;
    const unsigned char *raw = newsd_article_raw(a, &len);
    char rel[REL_LEN], folder[3];
    if (!path || !raw || s->orig_fd < 0)
        return 0;
    rel_of(rel, id);
    int linked = 0;
    for (int attempt = 0; attempt < 3 && !linked; attempt++) {
        if (linkat(AT_FDCWD, path, s->orig_fd, rel, 0) == 0) {
            linked = 1;
            break;
        }
        if (errno == ENOENT && attempt == 0) {
            snprintf(folder, sizeof folder, "%.2s", id);
            if (mkdirat(s->orig_fd, folder, 0755) < 0 && errno != EEXIST) {
                cannot_link(s, "create a folder", errno);
                return 0;
            }
            continue;
        }
        if (errno == EEXIST) {
            /* An orphan of a batch that never committed, or the original
             * of a reprocessed article: keep it if it holds these bytes. */
            if (holds(s, rel, path, raw, len)) {
                s->orig_pending = 1;
                return 1;
            }
            if (unlinkat(s->orig_fd, rel, 0) < 0 && errno != ENOENT) {
                cannot_link(s, "replace a stale original", errno);
                return 0;
            }
            continue;
        }
        cannot_link(s, "link the work file", errno);
        return 0;
    }
    if (!linked)
        return 0;   /* the name kept coming back: someone else writes there */
    /* The link must hold the bytes newsd read and hashed: a producer that
     * went on writing after the claim would make them differ. */
    struct stat st;
    if (fstatat(s->orig_fd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || (uint64_t)st.st_size != len) {
        unlinkat(s->orig_fd, rel, 0);
        return 0;
    }
    s->orig_pending = 1;
    return 1;
}

int sq_originals_sync(struct sq *s)
{
    if (!s->orig_pending)
        return NEWSD_OK;
    if (syncfs(s->orig_fd) < 0) {
        newsd_log(NEWSD_LOG_ERROR, "cannot flush the originals in %s: %s; the batch is rolled back and "
                  "retried", s->orig_dir, strerror(errno));
        return NEWSD_ERROR;
    }
    s->orig_pending = 0;
    return NEWSD_OK;
}

int sq_originals_find(const struct sq *s, const char *id, char **path)
{
    char rel[REL_LEN];
    struct stat st;
    if (s->orig_fd < 0)
        return 0;
    rel_of(rel, id);
    if (fstatat(s->orig_fd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        return -1;
    }
    if (asprintf(path, "%s/%s", s->orig_dir, rel) < 0) {
        *path = NULL;
        errno = ENOMEM;
        return -1;
    }
    return 1;
}
