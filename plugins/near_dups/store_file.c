/*
 * The index file (format in store_file.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf() */
#endif
#include "store_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define FORMAT_VERSION 1
/* Bumped when minhash.c's hash values change. */
#define HASH_VERSION 1
static const char MAGIC[8] = "NEWSDND";

/* Records read at a time. */
#define READ_BATCH 4096

/* A file with more than twice the records that count and this many (or
 * max_entries, if fewer) is rewritten when it is opened (near_dups.c does
 * the same while it runs). */
#define COMPACT_SLACK 1024

struct nd_file {
    char *path;
    int fd;
    uint64_t records;
    uint64_t torn;  /* bytes of a torn last record cut off at open */
};

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get64(const unsigned char *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint32_t checksum(const unsigned char *p, size_t len)
{
    return (uint32_t)nd_hash_bytes(p, len);
}

static void encode_header(unsigned char h[ND_HEADER_BYTES])
{
    memcpy(h, MAGIC, 8);
    put32(h + 8, FORMAT_VERSION);
    put32(h + 12, ND_K);
    put32(h + 16, ND_SHINGLE);
    put32(h + 20, ND_RECORD_BYTES);
    put32(h + 24, HASH_VERSION);
    put32(h + 28, checksum(h, 28));
}

static void encode_record(const struct nd_entry *e, unsigned char r[ND_RECORD_BYTES])
{
    memcpy(r, e->id, 16);
    memcpy(r + 16, e->root, 16);
    put64(r + 32, (uint64_t)e->received_ms);
    uint32_t bits;
    memcpy(&bits, &e->sim, 4);
    put32(r + 40, bits);
    for (unsigned i = 0; i < ND_K; i++) {
        r[44 + 2 * i] = (unsigned char)e->sig.h[i];
        r[45 + 2 * i] = (unsigned char)(e->sig.h[i] >> 8);
    }
    put32(r + ND_RECORD_BYTES - 4, checksum(r, ND_RECORD_BYTES - 4));
}

/* 0, or -1 when the checksum does not match. */
static int decode_record(const unsigned char *r, struct nd_entry *e)
{
    if (get32(r + ND_RECORD_BYTES - 4) != checksum(r, ND_RECORD_BYTES - 4))
        return -1;
    memset(e, 0, sizeof *e);
    memcpy(e->id, r, 16);
    memcpy(e->root, r + 16, 16);
    e->received_ms = (int64_t)get64(r + 32);
    uint32_t bits = get32(r + 40);
    memcpy(&e->sim, &bits, 4);
    for (unsigned i = 0; i < ND_K; i++)
        e->sig.h[i] = (uint16_t)(r[44 + 2 * i] | r[45 + 2 * i] << 8);
    return 0;
}

/* *err = "path: what[: why]" (malloc'd; NULL when out of memory). */
static void set_err(char **err, const char *path, const char *what, const char *why)
{
    if (asprintf(err, "%s: %s%s%s", path, what, why ? ": " : "", why ? why : "") < 0)
        *err = NULL;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static ssize_t read_full(int fd, unsigned char *p, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* The header's fault, or NULL when it is one this code writes. */
static const char *header_fault(const unsigned char h[ND_HEADER_BYTES], char *buf, size_t size)
{
    if (memcmp(h, MAGIC, 8) != 0)
        return "not a near_dups index (its first bytes are not \"NEWSDND\")";
    if (get32(h + 28) != checksum(h, 28))
        return "its header is damaged (checksum mismatch)";
    if (get32(h + 8) != FORMAT_VERSION) {
        snprintf(buf, size, "format version %u; this newsd reads version %d", get32(h + 8), FORMAT_VERSION);
        return buf;
    }
    if (get32(h + 12) != ND_K || get32(h + 16) != ND_SHINGLE || get32(h + 20) != ND_RECORD_BYTES ||
        get32(h + 24) != HASH_VERSION)
        return "written with other fingerprint settings (hashes, shingles or record size)";
    return NULL;
}

struct loader {
    struct nd_index *x;
    int64_t cutoff;
};

static void load_entry(struct loader *l, const struct nd_entry *e)
{
    if (e->received_ms >= l->cutoff)
        nd_index_add(l->x, e);
}

/* Read every record after the header into x.  *good: the bytes of whole,
 * good records (header included); 0 or -1 with *err. */
static int load_records(int fd, const char *path, uint64_t size, struct loader *l, uint64_t *good, char **err)
{
    unsigned char *buf = malloc((size_t)READ_BATCH * ND_RECORD_BYTES);
    if (!buf) {
        set_err(err, path, "cannot read it", "out of memory");
        return -1;
    }
    uint64_t off = ND_HEADER_BYTES;
    uint64_t whole = (size - ND_HEADER_BYTES) / ND_RECORD_BYTES;
    uint64_t n = 0;
    int rc = 0;
    while (n < whole && rc == 0) {
        size_t want = (size_t)(whole - n < READ_BATCH ? whole - n : READ_BATCH);
        ssize_t got = read_full(fd, buf, want * ND_RECORD_BYTES);
        if (got != (ssize_t)(want * ND_RECORD_BYTES)) {
            set_err(err, path, "cannot read it", got < 0 ? strerror(errno) : "it became shorter");
            rc = -1;
            break;
        }
        for (size_t i = 0; i < want; i++, n++, off += ND_RECORD_BYTES) {
            struct nd_entry e;
            if (decode_record(buf + i * ND_RECORD_BYTES, &e) == 0) {
                load_entry(l, &e);
                continue;
            }
            if (n + 1 == whole && off + ND_RECORD_BYTES == size)
                break; /* a torn last record: cut off below */
            char where[160];
            snprintf(where, sizeof where, "record %llu (byte %llu) is damaged (checksum mismatch); move the file "
                     "away to start a new index, or restore it", (unsigned long long)n + 1, (unsigned long long)off);
            set_err(err, path, where, NULL);
            rc = -1;
            break;
        }
    }
    free(buf);
    *good = off;
    return rc;
}

static int lock_file(int fd, int *read_only)
{
    *read_only = 0;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    if (errno == EWOULDBLOCK) {
        *read_only = 1;
        return 0;
    }
    return -1;
}

int nd_file_open(const char *path, int writable, struct nd_index *x, int64_t now_ms, struct nd_file **out,
                 int *read_only, char **err)
{
    *out = NULL;
    *err = NULL;
    *read_only = !writable;
    int fd = writable ? open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_APPEND, 0640) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && !writable && errno == ENOENT)
        return 0; /* nothing to read, and nothing is written */
    if (fd < 0) {
        set_err(err, path, "cannot open it", strerror(errno));
        return -1;
    }
    struct stat st;
    if ((writable && lock_file(fd, read_only) < 0) || fstat(fd, &st) < 0) {
        set_err(err, path, "cannot lock it", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        set_err(err, path, "not a regular file", NULL);
        close(fd);
        return -1;
    }
    uint64_t size = (uint64_t)st.st_size, good = ND_HEADER_BYTES;
    unsigned char h[ND_HEADER_BYTES];
    if (size == 0 && !*read_only) {
        encode_header(h);
        if (write_all(fd, h, sizeof h) < 0 || fdatasync(fd) < 0) {
            set_err(err, path, "cannot write its header", strerror(errno));
            close(fd);
            return -1;
        }
        size = ND_HEADER_BYTES;
    } else if (size > 0) {
        char buf[96];
        const char *fault = NULL;
        if (size < ND_HEADER_BYTES || read_full(fd, h, sizeof h) != ND_HEADER_BYTES)
            fault = "too short for a near_dups index header";
        else
            fault = header_fault(h, buf, sizeof buf);
        if (fault) {
            set_err(err, path, fault, "move the file away to start a new index");
            close(fd);
            return -1;
        }
        int64_t cutoff = x->max_age_ms > 0 ? now_ms - x->max_age_ms : INT64_MIN;
        struct loader l = {x, cutoff};
        if (load_records(fd, path, size, &l, &good, err) < 0) {
            close(fd);
            return -1;
        }
    }
    if (*read_only) {
        close(fd); /* a torn last record is the writer's to cut */
        return 0;
    }
    struct nd_file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        free(f);
        set_err(err, path, "out of memory", NULL);
        close(fd);
        return -1;
    }
    f->fd = fd;
    f->records = (good - ND_HEADER_BYTES) / ND_RECORD_BYTES;
    if (good < size) {
        /* What a daemon killed during a write leaves. */
        if (ftruncate(fd, (off_t)good) < 0) {
            set_err(err, path, "cannot cut off its torn last record", strerror(errno));
            nd_file_close(f);
            return -1;
        }
        f->torn = size - good;
    }
    uint64_t slack = x->max_entries < COMPACT_SLACK ? x->max_entries : COMPACT_SLACK;
    if (f->records > 2 * nd_index_count(x) + slack && nd_file_compact(f, x, err) < 0) {
        nd_file_close(f);
        return -1;
    }
    *out = f;
    return 0;
}

int nd_file_append(struct nd_file *f, const struct nd_entry *e, char **err)
{
    unsigned char r[ND_RECORD_BYTES];
    encode_record(e, r);
    if (write_all(f->fd, r, sizeof r) < 0) {
        set_err(err, f->path, "cannot append to it", strerror(errno));
        return -1;
    }
    f->records++;
    return 0;
}

struct nd_compaction {
    char *tmp;      /* PATH.tmp */
    FILE *out;
    uint64_t n;     /* records written */
};

void nd_file_compact_abort(struct nd_compaction *c)
{
    if (!c)
        return;
    if (c->out)
        fclose(c->out);
    if (c->tmp) {
        unlink(c->tmp);
        free(c->tmp);
    }
    free(c);
}

struct nd_compaction *nd_file_compact_begin(const struct nd_file *f, char **err)
{
    struct nd_compaction *c = calloc(1, sizeof *c);
    if (!c || asprintf(&c->tmp, "%s.tmp", f->path) < 0) {
        free(c);
        set_err(err, f->path, "out of memory", NULL);
        return NULL;
    }
    int fd = open(c->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    c->out = fd >= 0 ? fdopen(fd, "w") : NULL;
    unsigned char h[ND_HEADER_BYTES];
    encode_header(h);
    if (!c->out || fwrite(h, sizeof h, 1, c->out) != 1) {
        set_err(err, f->path, "cannot compact it", strerror(errno));
        if (!c->out && fd >= 0)
            close(fd);
        nd_file_compact_abort(c);
        return NULL;
    }
    return c;
}

int nd_file_compact_add(struct nd_compaction *c, const struct nd_entry *e)
{
    unsigned char r[ND_RECORD_BYTES];
    encode_record(e, r);
    if (fwrite(r, sizeof r, 1, c->out) != 1)
        return -1;
    c->n++;
    return 0;
}

int nd_file_compact_sync(struct nd_compaction *c, const struct nd_file *f, char **err)
{
    if (fflush(c->out) != 0 || fdatasync(fileno(c->out)) != 0) {
        set_err(err, f->path, "cannot compact it", strerror(errno));
        return -1;
    }
    return 0;
}

int nd_file_compact_commit(struct nd_file *f, struct nd_compaction *c, char **err)
{
    int nfd = -1;
    int ok = nd_file_compact_sync(c, f, err) == 0;
    if (ok) {
        nfd = open(c->tmp, O_RDWR | O_APPEND | O_CLOEXEC);
        /* The new file is locked before it takes the old one's name. */
        ok = nfd >= 0 && flock(nfd, LOCK_EX | LOCK_NB) == 0 && rename(c->tmp, f->path) == 0;
        if (!ok)
            set_err(err, f->path, "cannot compact it", strerror(errno));
    }
    if (!ok) {
        if (nfd >= 0)
            close(nfd);
        nd_file_compact_abort(c);
        return -1;
    }
    /* The rename is durable once the folder is synced. */
    char *slash = strrchr(c->tmp, '/');
    if (slash) {
        *slash = '\0';
        int dfd = open(*c->tmp ? c->tmp : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    close(f->fd);
    f->fd = nfd;
    f->records = c->n;
    free(c->tmp);
    c->tmp = NULL; /* renamed: nothing to unlink */
    nd_file_compact_abort(c);
    return 0;
}

static int compact_entry(const struct nd_entry *e, void *arg)
{
    return nd_file_compact_add(arg, e);
}

int nd_file_compact(struct nd_file *f, const struct nd_index *x, char **err)
{
    struct nd_compaction *c = nd_file_compact_begin(f, err);
    if (!c)
        return -1;
    if (nd_index_each(x, compact_entry, c) != 0) {
        set_err(err, f->path, "cannot compact it", strerror(errno));
        nd_file_compact_abort(c);
        return -1;
    }
    return nd_file_compact_commit(f, c, err);
}

uint64_t nd_file_records(const struct nd_file *f)
{
    return f->records;
}

uint64_t nd_file_torn(const struct nd_file *f)
{
    return f->torn;
}

int nd_file_sync(struct nd_file *f, char **err)
{
    if (fdatasync(f->fd) < 0) {
        set_err(err, f->path, "cannot sync it", strerror(errno));
        return -1;
    }
    return 0;
}

void nd_file_close(struct nd_file *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    free(f->path);
    free(f);
}
