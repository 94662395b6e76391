/*
 * near_dups: one index file's fingerprints in this process (see
 * shared_index.h): the registry that lets instances share it, lookups and
 * appends under its lock, and the compactor thread.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup() */
#endif
#include "shared_index.h"

#include <newsd/plugin.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_file.h"

/* Appends between two fdatasync()s at most this far apart in time. */
#define SYNC_MS 1000
/* Entries the compactor copies under the lock at a time. */
#define COMPACT_BATCH 4096

/* One index file's fingerprints in this process, shared by the instances
 * (old and new across a reload) that name it. */
struct nd_shared {
    char *path;
    pthread_mutex_t lock;       /* guards everything below */
    struct nd_index x;
    struct nd_file *file;       /* NULL: read only (not the daemon, or another process writes it) */
    int64_t synced_ms;
    int write_failed;           /* logged once until a write works again */
    int compacting;             /* the compactor thread runs */
    int joinable;               /* compactor holds a thread to join */
    pthread_t compactor;
    uint64_t compact_after;     /* after a failed compaction: not before the file has this many records */
    unsigned resizes;           /* counts shared_resize()s: the compactor's seqs are void after one */
    int refs;
    struct nd_shared *next;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nd_shared *registry;

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void shared_free(struct nd_shared *sh)
{
    if (!sh)
        return;
    if (sh->joinable)
        pthread_join(sh->compactor, NULL);
    if (sh->file) {
        char *err = NULL;
        if (nd_file_sync(sh->file, &err) < 0)
            newsd_log(NEWSD_LOG_WARNING, "%s", err ? err : "out of memory");
        free(err);
    }
    nd_file_close(sh->file);
    nd_index_free(&sh->x);
    pthread_mutex_destroy(&sh->lock);
    free(sh->path);
    free(sh);
}

struct copier {
    struct nd_index *to;
};

static int copy_entry(const struct nd_entry *e, void *arg)
{
    nd_index_add(((struct copier *)arg)->to, e);
    return 0;
}

/* A reload that changes the bounds: the entries move into an index of the
 * new size (the oldest leave when it is smaller).  Under sh->lock. */
static int shared_resize(struct nd_shared *sh, size_t max_entries, int64_t max_age_ms)
{
    if (sh->x.max_entries == max_entries) {
        sh->x.max_age_ms = max_age_ms;
        return 0;
    }
    struct nd_index nx;
    if (nd_index_init(&nx, max_entries, max_age_ms) < 0)
        return -1;
    struct copier c = {&nx};
    nd_index_each(&sh->x, copy_entry, &c);
    nd_index_free(&sh->x);
    sh->x = nx;
    sh->resizes++;
    return 0;
}

struct nd_shared *nd_shared_open(const char *path, int writable, size_t max_entries, int64_t max_age_ms)
{
    pthread_mutex_lock(&registry_lock);
    struct nd_shared *sh = registry;
    while (sh && strcmp(sh->path, path) != 0)
        sh = sh->next;
    if (sh) {
        pthread_mutex_lock(&sh->lock);
        int rc = shared_resize(sh, max_entries, max_age_ms);
        pthread_mutex_unlock(&sh->lock);
        if (rc < 0) {
            newsd_log(NEWSD_LOG_ERROR, "max_entries = %zu: out of memory for the index", max_entries);
            sh = NULL;
        } else {
            sh->refs++;
        }
        pthread_mutex_unlock(&registry_lock);
        return sh;
    }
    sh = calloc(1, sizeof *sh);
    if (!sh || !(sh->path = strdup(path)) || nd_index_init(&sh->x, max_entries, max_age_ms) < 0) {
        newsd_log(NEWSD_LOG_ERROR, "max_entries = %zu: out of memory for the index", max_entries);
        if (sh)
            free(sh->path);
        free(sh);
        pthread_mutex_unlock(&registry_lock);
        return NULL;
    }
    pthread_mutex_init(&sh->lock, NULL);
    int read_only = 0;
    char *err = NULL;
    int64_t now = wall_ms();
    if (nd_file_open(path, writable, &sh->x, now, &sh->file, &read_only, &err) < 0) {
        newsd_log(NEWSD_LOG_ERROR, "path: %s", err ? err : "out of memory");
        free(err);
        shared_free(sh);
        pthread_mutex_unlock(&registry_lock);
        return NULL;
    }
    if (read_only && writable)
        newsd_log(NEWSD_LOG_NOTICE, "%s: another process writes this index: read it, will not write it", path);
    if (sh->file && nd_file_torn(sh->file))
        newsd_log(NEWSD_LOG_NOTICE, "%s: cut off a torn last record (%llu bytes; a write was interrupted)", path,
                  (unsigned long long)nd_file_torn(sh->file));
    newsd_log(NEWSD_LOG_INFO, "%s: %zu fingerprints", path, nd_index_count(&sh->x));
    sh->synced_ms = now;
    sh->refs = 1;
    sh->next = registry;
    registry = sh;
    pthread_mutex_unlock(&registry_lock);
    return sh;
}

void nd_shared_release(struct nd_shared *sh)
{
    if (!sh)
        return;
    pthread_mutex_lock(&registry_lock);
    if (--sh->refs == 0) {
        struct nd_shared **p = &registry;
        while (*p != sh)
            p = &(*p)->next;
        *p = sh->next;
        shared_free(sh);
    }
    pthread_mutex_unlock(&registry_lock);
}

/* The compactor: rewrites the index file with the entries that count,
 * beside the workers.  The entries are copied out under the lock a batch
 * at a time and written and synced without it; the ones added meanwhile,
 * the rename and the switch of file happen under the lock, so no append
 * is lost between the old file and the new. */
static void *compact_run(void *arg)
{
    struct nd_shared *sh = arg;
    char *err = NULL;
    struct nd_entry *buf = malloc(COMPACT_BATCH * sizeof *buf);
    struct nd_compaction *c = buf ? nd_file_compact_begin(sh->file, &err) : NULL;
    int ok = c != NULL;
    uint64_t from = 0;
    pthread_mutex_lock(&sh->lock);
    uint64_t until = sh->x.next_seq;
    /* A reload that resizes the index numbers its entries anew: what was
     * copied by the old numbers is then neither all nor in order, so the
     * compaction is abandoned (the next append starts another). */
    unsigned resizes = sh->resizes;
    pthread_mutex_unlock(&sh->lock);
    int resized = 0;
    for (size_t n = 1; ok && !resized && n > 0;) {
        pthread_mutex_lock(&sh->lock);
        resized = sh->resizes != resizes;
        n = resized ? 0 : nd_index_copy(&sh->x, &from, until, buf, COMPACT_BATCH);
        pthread_mutex_unlock(&sh->lock);
        for (size_t i = 0; i < n && ok; i++)
            ok = nd_file_compact_add(c, &buf[i]) == 0;
    }
    ok = ok && !resized && nd_file_compact_sync(c, sh->file, &err) == 0;
    pthread_mutex_lock(&sh->lock);
    resized = resized || sh->resizes != resizes;
    for (size_t n = 1; ok && !resized && n > 0;) {
        n = nd_index_copy(&sh->x, &from, UINT64_MAX, buf, COMPACT_BATCH);
        for (size_t i = 0; i < n && ok; i++)
            ok = nd_file_compact_add(c, &buf[i]) == 0;
    }
    ok = ok && !resized;
    if (ok) {
        ok = nd_file_compact_commit(sh->file, c, &err) == 0;
        c = NULL; /* freed either way */
    }
    if (!ok && !resized) /* try again once the file has grown as much again */
        sh->compact_after = 2 * nd_file_records(sh->file);
    sh->compacting = 0;
    pthread_mutex_unlock(&sh->lock);
    if (!ok && !resized)
        newsd_log(NEWSD_LOG_ERROR, "%s", err ? err : "cannot compact the index: out of memory or a write failed");
    else if (resized)
        newsd_log(NEWSD_LOG_INFO, "%s: index compaction abandoned: a reload resized the index; it starts again",
                  sh->path);
    nd_file_compact_abort(c);
    free(err);
    free(buf);
    return NULL;
}

/* Under sh->lock: a file with more than twice the records that count (and
 * some slack) is compacted by a thread of its own. */
static void maybe_compact(struct nd_shared *sh)
{
    uint64_t records = nd_file_records(sh->file), count = nd_index_count(&sh->x);
    uint64_t slack = sh->x.max_entries < 1024 ? sh->x.max_entries : 1024;
    if (sh->compacting || records <= 2 * count + slack || records < sh->compact_after)
        return;
    if (sh->joinable) /* the last one has finished: it cleared compacting */
        pthread_join(sh->compactor, NULL);
    sh->joinable = pthread_create(&sh->compactor, NULL, compact_run, sh) == 0;
    sh->compacting = sh->joinable;
    if (!sh->joinable) {
        sh->compact_after = 2 * records;
        newsd_log(NEWSD_LOG_ERROR, "cannot start a thread to compact the index; it grows until the next start");
    }
}

/* Under the lock, so the file's order is the index's: the file write
 * too. */
void nd_shared_lookup_add(struct nd_shared *sh, struct nd_entry *e, double min_sim, struct nd_match *m)
{
    pthread_mutex_lock(&sh->lock);
    nd_index_expire(&sh->x, e->received_ms);
    nd_index_lookup(&sh->x, e->id, &e->sig, min_sim, e->received_ms, m);
    if (m->self) {
        pthread_mutex_unlock(&sh->lock);
        return;
    }
    if (m->found) {
        memcpy(e->root, m->root, ND_ID_BYTES);
        e->sim = (float)m->sim;
    }
    int was_short = sh->x.short_of_memory, dups_were_short = sh->x.dups_short;
    nd_index_add(&sh->x, e);
    if (sh->x.short_of_memory && !was_short)
        newsd_log(NEWSD_LOG_WARNING, "%s: out of memory to grow the index beyond %zu fingerprints; the "
                  "oldest leave from now on", sh->path, sh->x.mask + 1);
    if (sh->x.dups_short && !dups_were_short)
        newsd_log(NEWSD_LOG_WARNING, "%s: out of memory to grow the ring of near-duplicates' roots beyond "
                  "%zu; from now on the oldest near-duplicates are looked up as firsts", sh->path,
                  sh->x.dup_mask + 1);
    if (sh->file) {
        char *err = NULL;
        int rc = nd_file_append(sh->file, e, &err);
        if (rc == 0)
            maybe_compact(sh);
        if (rc == 0 && e->received_ms - sh->synced_ms >= SYNC_MS) {
            rc = nd_file_sync(sh->file, &err);
            sh->synced_ms = e->received_ms;
        }
        if (rc < 0 && !sh->write_failed)
            newsd_log(NEWSD_LOG_ERROR, "%s (fingerprints stay in memory until a write works)",
                      err ? err : "out of memory");
        sh->write_failed = rc < 0;
        free(err);
    }
    pthread_mutex_unlock(&sh->lock);
}
