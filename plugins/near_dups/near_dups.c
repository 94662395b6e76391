/*
 * near_dups: recognises one story that arrives again rewritten (a new
 * headline, a sentence dropped, a footer added, another encoding,
 * paragraphs in another order) and tags the second and later copies
 * dup:near/ID, ID being the first copy's article id, weighted by their
 * similarity (the estimated Jaccard similarity of the two texts' shingles,
 * 0..1).  Identical bytes have the same id and are the archive's business.
 *
 *   min_similarity = 0.5    ; tag at or above this similarity (0.05 .. 1)
 *   min_words      = 25     ; articles with fewer words are not fingerprinted
 *   max_entries    = 100000 ; fingerprints kept, the oldest leave first
 *   max_age_days   = 30     ; fingerprints older than this are forgotten (0: no age bound)
 *   path           = near_dups.idx   ; the index file, in the state directory
 *   conninfo       = host=db dbname=newsd  ; or: fingerprints in PostgreSQL
 *   connect_timeout = 5
 *
 * Fingerprints are MinHash signatures (minhash.h) of the text layer's
 * stems (fingerprint.h), looked up through LSH bands: in memory (index.h)
 * with an append-only file that survives restarts (store_file.h), or, with
 * conninfo, in a PostgreSQL table that several instances share
 * (store_pg.h).
 *
 * Thread-safe: one lock around the index's lookup and insert, which take
 * microseconds; the fingerprint is computed outside it.  Instances that
 * name one index file share it in memory: on a reload the new instance
 * takes over the old one's index (a file can have one writer).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup(), asprintf() */
#endif
#include <newsd/plugin.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fingerprint.h"
#include "index.h"
#include "store_file.h"
#ifdef NEAR_DUPS_PG
#include "store_pg.h"
#endif

#define TAG_PREFIX "dup:near/"
#define DAY_MS (24 * 3600 * 1000LL)
/* Appends between two fdatasync()s at most this far apart in time. */
#define SYNC_MS 1000
/* Entries the compactor copies under the lock at a time. */
#define COMPACT_BATCH 4096

/* One index file's fingerprints in this process, shared by the instances
 * (old and new across a reload) that name it. */
struct shared {
    char *path;
    pthread_mutex_t lock;       /* guards everything below */
    struct nd_index x;
    struct nd_file *file;       /* NULL: read-only (another process writes the file) */
    int64_t synced_ms;
    int write_failed;           /* logged once until a write works again */
    int compacting;             /* the compactor thread runs */
    int joinable;               /* compactor holds a thread to join */
    pthread_t compactor;
    uint64_t compact_after;     /* after a failed compaction: not before the file has this many records */
    int refs;
    struct shared *next;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shared *registry;

struct near_dups {
    int run_mode;               /* enum newsd_run_mode: only the daemon adds fingerprints to a store */
    double min_sim;
    size_t min_words;
    struct shared *sh;
#ifdef NEAR_DUPS_PG
    struct nd_pg *pg;
#endif
};

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void shared_free(struct shared *sh)
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
static int shared_resize(struct shared *sh, size_t max_entries, int64_t max_age_ms)
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
    return 0;
}

static struct shared *shared_open(const char *path, int writable, size_t max_entries, int64_t max_age_ms)
{
    pthread_mutex_lock(&registry_lock);
    struct shared *sh = registry;
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

static void shared_release(struct shared *sh)
{
    if (!sh)
        return;
    pthread_mutex_lock(&registry_lock);
    if (--sh->refs == 0) {
        struct shared **p = &registry;
        while (*p != sh)
            p = &(*p)->next;
        *p = sh->next;
        shared_free(sh);
    }
    pthread_mutex_unlock(&registry_lock);
}

static void near_dups_fini(void *state)
{
    struct near_dups *nd = state;
    if (!nd)
        return;
    shared_release(nd->sh);
#ifdef NEAR_DUPS_PG
    nd_pg_close(nd->pg);
#endif
    free(nd);
}

static int open_store(const newsd_config *conf, struct near_dups *nd, size_t max_entries, int64_t max_age_ms)
{
    const char *conninfo = newsd_config_get(conf, "conninfo");
    if (conninfo && newsd_config_get(conf, "path")) {
        newsd_log(NEWSD_LOG_ERROR, "conninfo: the fingerprints are either in PostgreSQL (conninfo) or in a file "
                  "(path), not both: remove one of the two keys");
        return NEWSD_ERROR;
    }
    if (conninfo) {
#ifdef NEAR_DUPS_PG
        int64_t timeout;
        if (newsd_config_get_int(conf, "connect_timeout", 5, 2, 3600, &timeout) != NEWSD_OK)
            return NEWSD_ERROR;
        char *err = NULL;
        if (nd_pg_open(conninfo, (int)timeout, max_entries, max_age_ms, &nd->pg, &err) < 0) {
            newsd_log(NEWSD_LOG_ERROR, "conninfo: %s", err ? err : "out of memory");
            free(err);
            return NEWSD_ERROR;
        }
        return NEWSD_OK;
#else
        newsd_log(NEWSD_LOG_ERROR, "conninfo: this near_dups was built without libpq (PostgreSQL)");
        return NEWSD_ERROR;
#endif
    }
    char *path = newsd_config_state_path(conf, "path", "near_dups.idx");
    if (!path) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    /* newsd --try compares the tried articles with the index and with
     * each other, in memory: they were never archived. */
    nd->sh = shared_open(path, nd->run_mode == NEWSD_RUN_DAEMON, max_entries, max_age_ms);
    if (nd->sh && nd->run_mode == NEWSD_RUN_TRY)
        newsd_log(NEWSD_LOG_NOTICE, "%s: read only (newsd --try): tried articles are compared with its "
                  "fingerprints and with each other, and not added to it", path);
    free(path);
    return nd->sh ? NEWSD_OK : NEWSD_ERROR;
}

static int near_dups_init(const newsd_config *conf, void **state)
{
    double min_sim;
    int64_t min_words, max_entries, max_age_days;
    if (newsd_config_get_double(conf, "min_similarity", 0.5, &min_sim) != NEWSD_OK ||
        newsd_config_get_int(conf, "min_words", 25, 1, 100000, &min_words) != NEWSD_OK ||
        newsd_config_get_int(conf, "max_entries", 100000, 1, 1 << 30, &max_entries) != NEWSD_OK ||
        newsd_config_get_int(conf, "max_age_days", 30, 0, 36500, &max_age_days) != NEWSD_OK)
        return NEWSD_ERROR; /* newsd has logged which key is wrong */
    if (min_sim < 0.05 || min_sim > 1) {
        newsd_log(NEWSD_LOG_ERROR, "min_similarity = %g: expected a number from 0.05 to 1", min_sim);
        return NEWSD_ERROR;
    }
    struct near_dups *nd = calloc(1, sizeof *nd);
    if (!nd) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    nd->run_mode = newsd_config_run_mode(conf);
    nd->min_sim = min_sim;
    nd->min_words = (size_t)min_words;
    if (open_store(conf, nd, (size_t)max_entries, max_age_days * DAY_MS) != NEWSD_OK) {
        near_dups_fini(nd);
        return NEWSD_ERROR;
    }
    *state = nd;
    return NEWSD_OK;
}

static int id_bytes(const char *hex, uint8_t out[ND_ID_BYTES])
{
    if (!newsd_id_valid(hex) || strlen(hex) != 2 * ND_ID_BYTES)
        return -1;
    for (size_t i = 0; i < ND_ID_BYTES; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

/* The compactor: rewrites the index file with the entries that count,
 * beside the workers.  The entries are copied out under the lock a batch
 * at a time and written and synced without it; the ones added meanwhile,
 * the rename and the switch of file happen under the lock, so no append
 * is lost between the old file and the new. */
static void *compact_run(void *arg)
{
    struct shared *sh = arg;
    char *err = NULL;
    struct nd_entry *buf = malloc(COMPACT_BATCH * sizeof *buf);
    struct nd_compaction *c = buf ? nd_file_compact_begin(sh->file, &err) : NULL;
    int ok = c != NULL;
    uint64_t from = 0;
    pthread_mutex_lock(&sh->lock);
    uint64_t until = sh->x.next_seq;
    pthread_mutex_unlock(&sh->lock);
    for (size_t n = 1; ok && n > 0;) {
        pthread_mutex_lock(&sh->lock);
        n = nd_index_copy(&sh->x, &from, until, buf, COMPACT_BATCH);
        pthread_mutex_unlock(&sh->lock);
        for (size_t i = 0; i < n && ok; i++)
            ok = nd_file_compact_add(c, &buf[i]) == 0;
    }
    ok = ok && nd_file_compact_sync(c, sh->file, &err) == 0;
    pthread_mutex_lock(&sh->lock);
    for (size_t n = 1; ok && n > 0;) {
        n = nd_index_copy(&sh->x, &from, UINT64_MAX, buf, COMPACT_BATCH);
        for (size_t i = 0; i < n && ok; i++)
            ok = nd_file_compact_add(c, &buf[i]) == 0;
    }
    if (ok) {
        ok = nd_file_compact_commit(sh->file, c, &err) == 0;
        c = NULL; /* freed either way */
    }
    if (!ok) /* try again once the file has grown as much again */
        sh->compact_after = 2 * nd_file_records(sh->file);
    sh->compacting = 0;
    pthread_mutex_unlock(&sh->lock);
    if (!ok)
        newsd_log(NEWSD_LOG_ERROR, "%s", err ? err : "cannot compact the index: out of memory or a write failed");
    nd_file_compact_abort(c);
    free(err);
    free(buf);
    return NULL;
}

/* Under sh->lock: a file with more than twice the records that count (and
 * some slack) is compacted by a thread of its own. */
static void maybe_compact(struct shared *sh)
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

/* Look up and add under the lock; the file write too, so the file's order
 * is the index's. */
static void lookup_add_file(struct shared *sh, struct nd_entry *e, double min_sim, struct nd_match *m)
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
    nd_index_add(&sh->x, e);
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

static int tag_match(newsd_article *a, const struct nd_match *m)
{
    static const uint8_t zero[ND_ID_BYTES];
    if (!m->found || memcmp(m->root, zero, ND_ID_BYTES) == 0)
        return NEWSD_OK; /* a first copy (maybe seen again) */
    char name[sizeof TAG_PREFIX + 2 * ND_ID_BYTES];
    int o = snprintf(name, sizeof name, "%s", TAG_PREFIX);
    for (size_t i = 0; i < ND_ID_BYTES; i++)
        o += snprintf(name + o, sizeof name - (size_t)o, "%02x", m->root[i]);
    if (strcmp(name + sizeof TAG_PREFIX - 1, newsd_article_get(a, NEWSD_FIELD_ID)) == 0)
        return NEWSD_OK;
    if (newsd_article_tag(a, name, m->sim) != NEWSD_OK)
        return newsd_article_fail(a, "cannot add tag %s", name);
    return NEWSD_OK;
}

static int near_dups_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    struct near_dups *nd = state;
    const newsd_analysis *an = newsd_article_analysis(a);
    if (!an)
        return newsd_article_fail(a, "out of memory analysing the text");
    struct nd_entry e = {0};
    size_t words;
    if (nd_fingerprint(an, &e.sig, &words) < 0)
        return newsd_article_fail(a, "cannot read the text layer's tokens");
    if (words < nd->min_words)
        return NEWSD_OK;
    if (id_bytes(newsd_article_get(a, NEWSD_FIELD_ID), e.id) < 0)
        return newsd_article_fail(a, "the article id is not %d hex digits", 2 * ND_ID_BYTES);
    e.received_ms = newsd_article_received_ms(a);
    struct nd_match m;
#ifdef NEAR_DUPS_PG
    if (nd->pg) {
        char *err = NULL;
        int rc = nd_pg_lookup_add(nd->pg, &e, nd->run_mode == NEWSD_RUN_DAEMON, nd->min_sim, e.received_ms, &m,
                                  &err);
        if (rc < 0) {
            rc = newsd_article_fail(a, "%s", err ? err : "out of memory");
            free(err);
            return rc;
        }
        return tag_match(a, &m);
    }
#endif
    lookup_add_file(nd->sh, &e, nd->min_sim, &m);
    return tag_match(a, &m);
}

static const struct newsd_config_key near_dups_keys[] = {
    {"min_similarity", "tag at or above this similarity, 0.05..1 (default 0.5)"},
    {"min_words", "articles with fewer words are not fingerprinted (default 25)"},
    {"max_entries", "fingerprints kept; the oldest leave first (default 100000)"},
    {"max_age_days", "fingerprints older than this many days are forgotten; 0: no age bound (default 30)"},
    {"path", "the index file, relative to the state directory (default near_dups.idx)"},
    {"conninfo", "libpq connection string: keep the fingerprints in PostgreSQL instead of path"},
    {"connect_timeout", "seconds to wait for PostgreSQL, 2..3600 (default 5)"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "near_dups",
    .description = "tags rewrites of a story already seen dup:near/ID (MinHash + LSH over the text layer's stems)",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = near_dups_init,
    .process = near_dups_process,
    .fini = near_dups_fini,
    .config_keys = near_dups_keys,
);
