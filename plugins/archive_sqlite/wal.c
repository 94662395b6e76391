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
    int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &frames, &copied);
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
    if (wal <= bound)
        return;
    s->wal_bound = sq_checkpoint(s, "the WAL outgrew its bound") == NEWSD_OK ? 0 : wal + SQ_WAL_BOUND;
}
