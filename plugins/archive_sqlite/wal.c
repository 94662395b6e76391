/*
 * archive_sqlite: keeping the WAL small.
 *
 * SQLite checkpoints by itself after a commit that leaves the WAL over
 * 1000 pages, but that checkpoint is PASSIVE: it never waits, so while a
 * reader (a query, the indexer) holds an older snapshot it copies what it
 * can and the WAL grows on, and a WAL is only ever rewound from its start,
 * not shrunk (journal_size_limit cuts it only after a checkpoint that
 * completed).  On a full disk each failed batch also writes frames past
 * the last commit, and the space they hold is the space the next try
 * needs.  Seen: a WAL 2.6 times the size of the database.
 *
 * So the writer runs a TRUNCATE checkpoint after a batch that failed for
 * any reason but a lock held elsewhere (waiting more would only stall the
 * archive longer), after the first batch that commits again (a full disk
 * usually leaves the checkpoint after the failure unable to complete), and
 * after a commit that left the WAL over
 * SQ_WAL_BOUND (after a checkpoint that could not complete, over another
 * SQ_WAL_BOUND beyond that size): it waits (busy_timeout) for readers to move on, copies
 * every frame into the database and cuts the WAL to zero bytes.  It runs
 * under the gate with the writer marked busy, so the indexer steps aside
 * (sq.h).
 */
#include "sq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

static void checkpointer_hold(struct sq_checkpointer *c);
static void checkpointer_release(struct sq_checkpointer *c);
static void rewind_soon(struct sq *s);

const char *sq_os_error(const struct sq *s, sqlite3 *db, char *buf, size_t len)
{
    int e = sqlite3_system_errno(db);
    int primary = sqlite3_extended_errcode(db) & 0xff;
    /* SQLite keeps no errno for a full disk (a short write is SQLITE_FULL
     * as such), nor tells it from max_page_count: ask the file system. */
    if (primary == SQLITE_FULL && !e) {
        char *dir = strdup(s->path);
        char *slash = dir ? strrchr(dir, '/') : NULL;
        struct statvfs vfs;
        if (slash)
            *slash = '\0';
        if (dir && statvfs(slash ? (*dir ? dir : "/") : ".", &vfs) == 0 &&
            (unsigned long long)vfs.f_bavail * vfs.f_frsize < SQ_FULL_BELOW)
            e = ENOSPC;
        free(dir);
    }
    if (!e || (primary != SQLITE_FULL && primary != SQLITE_IOERR && primary != SQLITE_CANTOPEN))
        return "";
    snprintf(buf, len, " (%s, %s)", strerror(e), strerrorname_np(e));
    return buf;
}

long long sq_wal_bytes(const struct sq *s)
{
    char path[4096];
    struct stat st;
    if ((size_t)snprintf(path, sizeof path, "%s-wal", s->path) >= sizeof path || stat(path, &st) < 0)
        return -1;
    return (long long)st.st_size;
}

int sq_checkpoint(struct sq *s, const char *why)
{
    /* No writer's connection: a reopen after a fault failed.  The next
     * batch opens it again, and the checkpoint after a fault then runs. */
    if (!s->db)
        return NEWSD_ERROR;
    long long before = sq_wal_bytes(s);
    int frames = 0, copied = 0;

    atomic_store(&s->writer_in_tx, 1);
    if (pthread_mutex_trylock(&s->gate) != 0) {
        sq_indexer_hurry(s);
        pthread_mutex_lock(&s->gate);
    }
    /* SQLite refuses a checkpoint while another runs (SQLITE_BUSY at once,
     * whatever the busy timeout): wait for the checkpointer's to end. */
    if (s->ckpt)
        checkpointer_hold(s->ckpt);
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &frames, &copied);
    if (s->ckpt)
        checkpointer_release(s->ckpt);
    pthread_mutex_unlock(&s->gate);
    atomic_store(&s->writer_end_ms, sq_now_ms());
    atomic_store(&s->writer_in_tx, 0);
    if (rc != SQLITE_OK) {
        char os[128];
        newsd_log(NEWSD_LOG_WARNING, "%s: cannot checkpoint the WAL (%s, %lld bytes): %s%s; will try again "
                  "later", s->path, why, before, sqlite3_errmsg(s->db), sq_os_error(s, s->db, os, sizeof os));
        return NEWSD_ERROR;
    }
    s->wal_bound = 0;
    newsd_log(NEWSD_LOG_INFO, "%s: WAL checkpointed and truncated (%s): %lld bytes before, %lld after",
              s->path, why, before, sq_wal_bytes(s));
    return NEWSD_OK;
}

void sq_after_batch(struct sq *s, int failed_rc)
{
    if (failed_rc) {
        int primary = failed_rc & 0xff;
        if (primary != SQLITE_BUSY && primary != SQLITE_LOCKED) {
            s->after_fault = 1;
            sq_checkpoint(s, "after a failed batch");
        }
        return;
    }
    if (s->after_fault) {
        if (sq_checkpoint(s, "the first batch after a failure") == NEWSD_OK)
            s->after_fault = 0;
        return;
    }
    /* A reader that keeps the checkpoint from completing costs the writer
     * its busy timeout: not again before the WAL has grown by another
     * bound. */
    long long wal = sq_wal_bytes(s);
    long long bound = s->wal_bound ? s->wal_bound : SQ_WAL_BOUND;
    if (wal <= bound) {
        rewind_soon(s);
        return;
    }
    s->wal_bound = sq_checkpoint(s, "the WAL outgrew its bound") == NEWSD_OK ? 0 : wal + SQ_WAL_BOUND;
}

/* ---- the checkpointer ------------------------------------------------------
 *
 * SQLite's autocheckpoint runs in the thread whose commit took the WAL past
 * 1000 frames, right after that commit: the archive thread (its batch
 * reported done only after the checkpoint copied ~4 MB into the database
 * and fsynced it), or the indexer while it held the gate the archive thread
 * waits for.  The same PASSIVE checkpoint on a thread and connection of its
 * own takes that off both paths; a checkpoint never waits for the writer,
 * nor the writer for it (WAL: the writer appends while the checkpointer
 * copies older frames).  Durability is the commits' (synchronous=FULL
 * fsyncs the WAL at every COMMIT), as before: the checkpoint only copies
 * committed frames into the database file, and fsyncs both files as
 * SQLite's own does.  sq_checkpoint() (TRUNCATE, after failures or past
 * SQ_WAL_BOUND) stays on the writer.
 */

struct sq_checkpointer {
    sqlite3 *db;                /* the checkpointer's own connection */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_mutex_t running;    /* held for each checkpoint, by either side */
    int wake;                   /* a commit left SQ_CHECKPOINT_FRAMES frames to copy */
    int stop;
    int frames;                 /* the WAL's frames after the last commit (guarded by lock) */
    int writer_tried;           /* rewind_soon() ran since the checkpointer's last pass (lock) */
    /* The frames of the WAL the last checkpoint had copied (guarded by
     * lock).  The WAL is rewound only by a batch that begins after a
     * checkpoint copied all of it, which a steady stream rarely leaves
     * room for: its size says little about what is left to copy. */
    int copied;
};

static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    struct sq *s = arg;
    if (frames < SQ_CHECKPOINT_FRAMES)
        return SQLITE_OK;
    struct sq_checkpointer *c = s->ckpt;
    if (!c) {
        /* What SQLite's own hook does; its failure is not the commit's. */
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    pthread_mutex_lock(&c->lock);
    /* Frames left to copy, not the WAL's size.  Woken by the size, it ran
     * after every commit of a steady stream once the WAL had passed 1000
     * frames: an fsync of the database for every few articles. */
    if (frames < c->copied)
        c->copied = 0;  /* rewound or truncated */
    c->frames = frames;
    if (frames - c->copied >= SQ_CHECKPOINT_FRAMES) {
        c->wake = 1;
        pthread_cond_signal(&c->cond);
    }
    pthread_mutex_unlock(&c->lock);
    return SQLITE_OK;
}

void sq_wal_hook_install(struct sq *s, sqlite3 *db)
{
    sqlite3_wal_hook(db, wal_hook, s);
}

static void *checkpointer_run(void *arg)
{
    struct sq *s = arg;
    struct sq_checkpointer *c = s->ckpt;
    int warned = 0;
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        if (!c->wake) {
            pthread_cond_wait(&c->cond, &c->lock);
            continue;
        }
        c->wake = 0;
        pthread_mutex_unlock(&c->lock);
        int in_log = 0, copied = 0;
        pthread_mutex_lock(&c->running);
        int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &in_log, &copied);
        pthread_mutex_unlock(&c->running);
        pthread_mutex_lock(&c->lock);
        if (rc == SQLITE_OK)
            c->copied = copied;
        c->writer_tried = 0;
        pthread_mutex_unlock(&c->lock);
        /* BUSY: another program's checkpoint is running (the writer's
         * waits for `running`): nothing to do.  Anything else is said
         * once; the next commit over the bound tries again, and the
         * writer's bound (SQ_WAL_BOUND) still holds the WAL. */
        if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && !warned) {
            char os[128];
            newsd_log(NEWSD_LOG_WARNING, "%s: background WAL checkpoint failed: %s%s; will try again",
                      s->path, sqlite3_errmsg(c->db), sq_os_error(s, c->db, os, sizeof os));
            warned = 1;
        } else if (rc == SQLITE_OK) {
            warned = 0;
        }
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* SQLite rewinds the WAL for a batch that begins when every frame is in
 * the database.  Under a steady stream the next batch begins while the
 * checkpointer copies, so that never happened: the WAL grew to
 * SQ_WAL_BOUND, and the writer's TRUNCATE checkpoint then held a batch for
 * ~30 ms, every second or so at 1,000 articles/s.  So when the
 * checkpointer has copied all but a few frames of a WAL past
 * SQ_CHECKPOINT_FRAMES, the writer copies the rest itself between two
 * batches (a PASSIVE checkpoint of those frames: a few ms), and the next
 * batch rewinds the WAL. */
static void rewind_soon(struct sq *s)
{
    struct sq_checkpointer *c = s->ckpt;
    if (!c || !s->db)
        return;
    pthread_mutex_lock(&c->lock);
    int due = c->frames >= SQ_CHECKPOINT_FRAMES && c->frames - c->copied <= SQ_REWIND_FRAMES_LEFT &&
              !c->writer_tried;
    pthread_mutex_unlock(&c->lock);
    /* The checkpointer's own pass under way leaves fewer. */
    if (!due || pthread_mutex_trylock(&c->running) != 0)
        return;
    int in_log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &in_log, &copied);
    checkpointer_release(c);
    /* Once per pass of the checkpointer: a reader that keeps the WAL from
     * being rewound would otherwise make this a checkpoint (and an fsync
     * of the database) after every batch. */
    pthread_mutex_lock(&c->lock);
    if (rc == SQLITE_OK)
        c->copied = copied;
    c->writer_tried = 1;
    pthread_mutex_unlock(&c->lock);
}

/* The writer's TRUNCATE checkpoint (sq_checkpoint()) waits for the
 * checkpointer's PASSIVE one and keeps it from starting. */
static void checkpointer_hold(struct sq_checkpointer *c)
{
    pthread_mutex_lock(&c->running);
}

static void checkpointer_release(struct sq_checkpointer *c)
{
    pthread_mutex_unlock(&c->running);
}

static void free_checkpointer(struct sq_checkpointer *c)
{
    sqlite3_close(c->db);
    pthread_mutex_destroy(&c->running);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

int sq_checkpointer_start(struct sq *s)
{
    struct sq_checkpointer *c = calloc(1, sizeof *c);
    if (!c) {
        newsd_log(NEWSD_LOG_ERROR, "%s: WAL checkpointer: out of memory", s->path);
        return NEWSD_ERROR;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    pthread_mutex_init(&c->running, NULL);
    /* synchronous=FULL: the checkpoint fsyncs the WAL before it copies and
     * the database after, as the writer's own checkpoint did. */
    if (sq_open_helper(s, "WAL checkpointer", "PRAGMA synchronous = FULL", &c->db) != NEWSD_OK) {
        free_checkpointer(c);
        return NEWSD_ERROR;
    }
    /* Its own connection commits nothing; no autocheckpoint of its own. */
    sqlite3_wal_autocheckpoint(c->db, 0);
    s->ckpt = c;
    int rc = pthread_create(&c->thread, NULL, checkpointer_run, s);
    if (rc != 0) {
        s->ckpt = NULL;
        newsd_log(NEWSD_LOG_ERROR, "%s: WAL checkpointer: cannot start a thread: %s", s->path,
                  strerror(rc));
        free_checkpointer(c);
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

void sq_checkpointer_stop(struct sq *s)
{
    struct sq_checkpointer *c = s->ckpt;
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    s->ckpt = NULL;
    free_checkpointer(c);
}
