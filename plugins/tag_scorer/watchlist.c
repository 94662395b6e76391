/* tag_scorer: watched names and list files (watchlist.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup(), getline() */
#endif
#include "watchlist.h"
#include "trim.h"

#include <newsd/plugin.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ENTITY_PREFIX "entity:"
/* A longer line is no entity name: refused, not cut. */
#define NAME_MAX_BYTES 256
#define CHECK_EVERY_MS 1000

/* Open addressing over lower-cased (ASCII) copies: "huawei", "org/nvidia". */
struct nameset {
    char **slot;
    size_t cap, n;   /* cap a power of two, n <= cap / 2 */
};

static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Does slot hold the len bytes at s, compared in lower case? */
static int same(const char *slot, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (slot[i] != lower(s[i]))
            return 0;
    return slot[len] == '\0';
}

static uint64_t hash_lower(const char *s, size_t len)
{
    char buf[NAME_MAX_BYTES + 1];
    if (len > NAME_MAX_BYTES)
        len = NAME_MAX_BYTES;   /* longer names are never in the set */
    for (size_t i = 0; i < len; i++)
        buf[i] = lower(s[i]);
    return hash(buf, len);
}

static size_t find(const struct nameset *s, const char *name, size_t len)
{
    size_t mask = s->cap - 1, i = (size_t)hash_lower(name, len) & mask;
    while (s->slot[i] && !same(s->slot[i], name, len))
        i = (i + 1) & mask;
    return i;
}

struct nameset *nameset_new(void)
{
    struct nameset *s = calloc(1, sizeof *s);
    if (s && !(s->slot = calloc(s->cap = 16, sizeof *s->slot))) {
        free(s);
        s = NULL;
    }
    return s;
}

void nameset_free(struct nameset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    free(s);
}

size_t nameset_count(const struct nameset *s)
{
    return s->n;
}

static int grow(struct nameset *s)
{
    size_t cap = s->cap * 2;
    char **slot = calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    struct nameset bigger = {slot, cap, s->n};
    for (size_t i = 0; i < s->cap; i++)
        if (s->slot[i])
            slot[find(&bigger, s->slot[i], strlen(s->slot[i]))] = s->slot[i];
    free(s->slot);
    *s = bigger;
    return 0;
}

int nameset_add(struct nameset *s, const char *name)
{
    if (strncmp(name, ENTITY_PREFIX, strlen(ENTITY_PREFIX)) == 0)
        name += strlen(ENTITY_PREFIX);
    size_t len = strlen(name);
    if (len > NAME_MAX_BYTES)
        return 0;   /* the parsers refuse such names; never a tag's either */
    if ((s->n + 1) * 2 > s->cap && grow(s) < 0)
        return -1;
    size_t i = find(s, name, len);
    if (s->slot[i])
        return 0;
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    for (size_t k = 0; k < len; k++)
        copy[k] = lower(name[k]);
    copy[len] = '\0';
    s->slot[i] = copy;
    s->n++;
    return 0;
}

int nameset_has_entity(const struct nameset *s, const char *tag)
{
    if (strncmp(tag, ENTITY_PREFIX, strlen(ENTITY_PREFIX)) != 0)
        return 0;
    const char *kind = tag + strlen(ENTITY_PREFIX);
    const char *slash = strchr(kind, '/');
    const char *name = slash ? slash + 1 : kind;
    size_t i = find(s, kind, strlen(kind));
    if (s->slot[i])
        return 1;
    return slash && s->slot[find(s, name, strlen(name))] != NULL;
}

/* ---- list files ----------------------------------------------------------- */

int watchlist_read(const char *path, struct nameset **out, char err[WATCHLIST_ERR_MAX])
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, WATCHLIST_ERR_MAX, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct nameset *s = nameset_new();
    char *line = NULL;
    size_t cap = 0;
    unsigned no = 0;
    int rc = s ? 0 : -1;
    if (!s)
        snprintf(err, WATCHLIST_ERR_MAX, "%s: out of memory", path);
    ssize_t len;
    while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
        no++;
        if (memchr(line, '\0', (size_t)len) || !newsd_utf8_valid(line, (size_t)len)) {
            snprintf(err, WATCHLIST_ERR_MAX, "%s:%u: not valid UTF-8 text (save the list as UTF-8)", path, no);
            rc = -1;
            break;
        }
        char *name = trim(line);
        if (!*name || *name == '#')
            continue;
        if (strlen(name) > NAME_MAX_BYTES) {
            snprintf(err, WATCHLIST_ERR_MAX, "%s:%u: a name longer than %d bytes", path, no, NAME_MAX_BYTES);
            rc = -1;
        } else if (nameset_add(s, name) < 0) {
            snprintf(err, WATCHLIST_ERR_MAX, "%s:%u: out of memory", path, no);
            rc = -1;
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, WATCHLIST_ERR_MAX, "%s: cannot read: %s", path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(f);
    if (rc < 0) {
        nameset_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* The file's identity now; -1 when it cannot be stat'ed. */
static int identify(const char *path, struct stat *st)
{
    return stat(path, st);
}

static int changed(const struct watchlist *w, const struct stat *st)
{
    return st->st_dev != w->dev || st->st_ino != w->ino || st->st_size != w->size ||
           st->st_mtim.tv_sec != w->mtime.tv_sec || st->st_mtim.tv_nsec != w->mtime.tv_nsec;
}

static void remember(struct watchlist *w, const struct stat *st)
{
    w->dev = st->st_dev;
    w->ino = st->st_ino;
    w->size = st->st_size;
    w->mtime = st->st_mtim;
}

int watchlist_open(struct watchlist *w, const char *name, const char *key, const char *path,
                   char err[WATCHLIST_ERR_MAX])
{
    memset(w, 0, sizeof *w);
    pthread_rwlock_init(&w->lock, NULL);
    pthread_mutex_init(&w->reload, NULL);
    w->name = strdup(name);
    w->key = strdup(key);
    w->path = strdup(path);
    if (!w->name || !w->key || !w->path) {
        snprintf(err, WATCHLIST_ERR_MAX, "out of memory");
        return -1;
    }
    struct stat st;
    /* The identity before the read: a change while reading is seen next
     * time. */
    if (identify(path, &st) == 0)
        remember(w, &st);
    return watchlist_read(path, &w->set, err);
}

void watchlist_close(struct watchlist *w)
{
    /* Only ever called after watchlist_open(), which made the locks. */
    pthread_rwlock_destroy(&w->lock);
    pthread_mutex_destroy(&w->reload);
    nameset_free(w->set);
    free(w->name);
    free(w->key);
    free(w->path);
    memset(w, 0, sizeof *w);
}

int watchlist_refresh(struct watchlist *w, long long now_ms, char err[WATCHLIST_ERR_MAX])
{
    long long due = atomic_load(&w->next_check_ms);
    if (now_ms < due || !atomic_compare_exchange_strong(&w->next_check_ms, &due, now_ms + CHECK_EVERY_MS))
        return 0;
    pthread_mutex_lock(&w->reload);
    struct stat st;
    int rc = 0;
    if (identify(w->path, &st) < 0) {
        /* Gone (an editor's rename in flight, or removed): keep the names,
         * say so once per disappearance. */
        if (w->ino != 0) {
            snprintf(err, WATCHLIST_ERR_MAX, "%s: cannot stat: %s; keeping the previous %zu names", w->path,
                     strerror(errno), nameset_count(w->set));
            w->ino = 0;
            rc = -1;
        }
    } else if (changed(w, &st)) {
        remember(w, &st);   /* a broken file is reported once, not every second */
        struct nameset *fresh = NULL;
        if (watchlist_read(w->path, &fresh, err) < 0) {
            size_t n = strlen(err);
            snprintf(err + n, WATCHLIST_ERR_MAX - n, "; keeping the previous %zu names", nameset_count(w->set));
            rc = -1;
        } else {
            pthread_rwlock_wrlock(&w->lock);
            struct nameset *old = w->set;
            w->set = fresh;
            pthread_rwlock_unlock(&w->lock);
            nameset_free(old);
            rc = 1;
        }
    }
    pthread_mutex_unlock(&w->reload);
    return rc;
}

int watchlist_has_entity(struct watchlist *w, const char *tag)
{
    pthread_rwlock_rdlock(&w->lock);
    int has = nameset_has_entity(w->set, tag);
    pthread_rwlock_unlock(&w->lock);
    return has;
}
