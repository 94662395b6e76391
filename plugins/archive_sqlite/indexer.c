/*
 * archive_sqlite: the full-text index, built behind the commit path.
 *
 * FTS5 indexing costs ~130-300 us of CPU per 2.5 kB article, four times
 * everything else the archive does; inside the batch transaction it capped
 * the whole pipeline near 2,700 articles/s on two CPUs.  So commit() only
 * makes the rows durable, and this thread indexes them afterwards, the way
 * search engines separate durable ingest from index refresh:
 *
 *  - fts_mark.seq (schema.c, version 3) is the highest seq indexed.  A
 *    chunk reads the rows above it in seq order, inserts them into
 *    articles_fts and moves the mark, all in one transaction: after a
 *    crash either the chunk and its mark are both there or neither is, so
 *    no row is indexed twice or skipped.
 *  - The thread has its own connection.  commit() wakes it (condition
 *    variable); a one-second timer wakes it too, as a fallback (a lost
 *    wake-up, rows written by another process).  At start it first catches
 *    up with whatever an earlier run left (shutdown, crash, migration).
 *    After a failed chunk (a full disk) it waits 1 s, doubling to a
 *    minute while it keeps failing, or until a commit succeeds again.
 *  - It runs at the lowest priority, so a burst is archived at full speed
 *    and indexed once the CPU is free.
 *  - It takes SQLite's write lock only while the writer is quiet: no batch
 *    open and none ended in the last QUIET_MS.  Every row costs ~0.3 ms
 *    of CPU under the lock, and a nice-19 thread holding the lock while
 *    busy workers keep it off the CPU stalls the archive thread for tens
 *    of ms (priority inversion; it halved the throughput when the indexer
 *    started right after each commit).  In a burst, batches follow each
 *    other closely and the indexer stays out of the way; under normal load
 *    the writer is quiet most of the time and articles are searchable
 *    within milliseconds.  The check is made before every row, and a
 *    batch that begins meanwhile waits for one row at most (the gate in
 *    sq.h).
 *  - Its commits use synchronous=NORMAL: the index can always be rebuilt
 *    from the rows, and a chunk lost to a power cut (with its mark) is
 *    simply indexed again.  The fsync stays on the articles' commit path,
 *    where it belongs.
 *  - fini: the stop flag is read between chunks, so the current chunk is
 *    finished (committed) and the thread ends; the rest waits for the
 *    next start.
 */
#include "sq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* Rows per transaction: big enough that the per-transaction cost (the
 * mark update, FTS5 flushing its in-memory segment) is spread thin, small
 * enough that a chunk holds the write lock for ~0.1 s at most. */
#define CHUNK_ROWS 500
/* The fallback wake-up, and the first back-off after an error; the
 * back-off doubles while the errors go on (a full disk), up to
 * BACKOFF_MAX_MS, so that the thread neither spins nor fills the log. */
#define TIMER_MS 1000
#define BACKOFF_MAX_MS 60000
/* The writer counts as quiet this long after its last batch ended: longer
 * than the gap between the batches of a burst (the core goes straight on
 * to the next), short enough not to matter for freshness. */
#define QUIET_MS 10

enum ix_stmt {
    IX_BEGIN, IX_COMMIT, IX_ROLLBACK, IX_MARK, IX_NEXT, IX_INDEX, IX_TAGS, IX_SET_MARK, IX_N
};

static const char *const IX_SQL[IX_N] = {
    [IX_BEGIN] = "BEGIN IMMEDIATE",
    [IX_COMMIT] = "COMMIT",
    [IX_ROLLBACK] = "ROLLBACK",
    [IX_MARK] = "SELECT seq FROM fts_mark",
    [IX_NEXT] = "SELECT seq FROM articles WHERE seq > ?1 ORDER BY seq LIMIT 1",
    /* The text as stored: the tokenizer every newsd connection registers
     * folds ß in each token (fold.c), so the index holds the same tokens as
     * from SQ_FOLD_SQL's folded text, without two copies of every body. */
    [IX_INDEX] = "INSERT INTO articles_fts (rowid, title, body) SELECT seq, title, body"
                 " FROM articles WHERE seq = ?1",
    /* The chunk's tag names (schema.c, step 7), sorted: each leaf of
     * tag_index is visited once per chunk, in order, which halves the cost
     * of inserting row by row (~32 against ~62 us an article of ~20 tags,
     * measured on 10,000 corpus articles).  A batch waiting for the gate
     * waits for this too: ~10 % of the time the chunk held it. */
    [IX_TAGS] = "INSERT OR IGNORE INTO tag_index (name, seq) SELECT name, seq FROM tags"
                " WHERE seq > ?1 AND seq <= ?2 ORDER BY name, seq",
    [IX_SET_MARK] = "UPDATE fts_mark SET seq = ?1",
};

struct sq_indexer {
    struct sq *s;
    sqlite3 *db;                /* the indexer's own connection */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;        /* CLOCK_MONOTONIC, for the timer */
    int wake;                   /* commit() committed rows since the last look */
    long long backoff_ms;       /* after a failed chunk: wait this long; 0: none */
    int failures;               /* chunks failed in a row */
    int stop;                   /* fini: end after the current chunk */
    atomic_int stopping;        /* stop, readable without the lock */
    atomic_int tid;             /* the thread's id once it runs (Linux), else 0 */
    atomic_int boosted;         /* sq_indexer_hurry() raised its priority */
    atomic_int boost_denied;    /* ... and may not (RLIMIT_NICE): not tried again */
    sqlite3_stmt *st[IX_N];     /* the chunk's statements (prepare_all()) */
    int prepared;               /* ... all of them are there */
};

/* One step of a statement that must succeed; reset afterwards.  Returns
 * the row's first column for a SELECT (-1 when no row), 0 for others, or
 * -2 on error. */
static sqlite3_int64 step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_int64 v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? -1 : -2;
    sqlite3_reset(st);
    return v;
}

long long sq_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

long long sq_now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void finalize_all(sqlite3_stmt *st[IX_N])
{
    for (int i = 0; i < IX_N; i++) {
        sqlite3_finalize(st[i]);
        st[i] = NULL;
    }
}

/* The chunk's statements, prepared once per connection: the thread keeps
 * them.  At a steady rate its chunks are a row or a few, and preparing the
 * eight cost ~19 us a chunk (measured on a 10,000-article archive), ~5-10 %
 * of indexing a row. */
static int prepare_all(sqlite3 *db, sqlite3_stmt *st[IX_N])
{
    int ok = 1;
    for (int i = 0; i < IX_N; i++)
        st[i] = NULL;
    for (int i = 0; ok && i < IX_N; i++)
        ok = sqlite3_prepare_v3(db, IX_SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &st[i], NULL) == SQLITE_OK;
    /* All or none: drain() prepares again after a failure, over st. */
    if (!ok)
        finalize_all(st);
    return ok;
}

/* sq_index_chunk() with the statements prepared (ok: prepare_all() gave
 * them all). */
static int index_chunk(sqlite3 *db, sqlite3_stmt *st[IX_N], int ok, int max_rows,
                       int (*yield)(void *), void *arg)
{
    int n = 0, in_tx = 0;
    if (ok && (sqlite3_step(st[IX_BEGIN]) & 0xff) == SQLITE_BUSY) {
        sqlite3_reset(st[IX_BEGIN]);
        return SQ_INDEX_BUSY;
    }
    ok = ok && sqlite3_reset(st[IX_BEGIN]) == SQLITE_OK;
    in_tx = ok;
    sqlite3_int64 mark = ok ? step(st[IX_MARK]) : -2;
    sqlite3_int64 first = mark;
    ok = ok && mark >= 0;
    while (ok && n < max_rows && !(yield && n > 0 && yield(arg))) {
        sqlite3_bind_int64(st[IX_NEXT], 1, mark);
        sqlite3_int64 seq = step(st[IX_NEXT]);
        if (seq == -1)
            break;                          /* nothing left above the mark */
        sqlite3_bind_int64(st[IX_INDEX], 1, seq);
        ok = seq >= 0 && step(st[IX_INDEX]) != -2;
        mark = seq;
        n += ok;
    }
    if (ok && n > 0) {
        sqlite3_bind_int64(st[IX_TAGS], 1, first);
        sqlite3_bind_int64(st[IX_TAGS], 2, mark);
        ok = step(st[IX_TAGS]) != -2;
    }
    if (ok && n > 0) {
        sqlite3_bind_int64(st[IX_SET_MARK], 1, mark);
        ok = step(st[IX_SET_MARK]) != -2;
    }
    ok = ok && in_tx && step(st[IX_COMMIT]) != -2;
    if (!ok) {
        /* Said once here; the thread's back-off keeps a lasting fault
         * quiet (and the daemon's log folds what repeats). */
        newsd_log(NEWSD_LOG_WARNING, "%s: full-text indexer: %s; will try again",
                  sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
        if (in_tx && !sqlite3_get_autocommit(db))
            step(st[IX_ROLLBACK]);
    }
    return ok ? n : -1;
}

int sq_index_chunk(sqlite3 *db, int max_rows, int (*yield)(void *), void *arg)
{
    sqlite3_stmt *st[IX_N];
    int ok = prepare_all(db, st);
    int n = index_chunk(db, st, ok, max_rows, yield, arg);
    finalize_all(st);
    return n;
}

/* The thread runs at the lowest priority so that, during a burst, it gets
 * only CPU that parsing, tagging, scoring and archiving leave over.
 * setpriority(nice 19) rather than SCHED_IDLE: the indexer holds SQLite's
 * write lock while it indexes a chunk, and a SCHED_IDLE thread can be kept
 * off the CPU indefinitely by busy normal threads, which would leave the
 * archive thread waiting on that lock (priority inversion).  Nice 19 still
 * gets a small guaranteed share (~1.5 % against one nice-0 thread), so a
 * chunk it is in always finishes; archive() also asks it to end its chunk
 * early (writer_waiting).  On Linux, setpriority() on a thread id applies
 * to that thread only (nice is per thread there); elsewhere the thread
 * keeps the daemon's priority. */
static void lower_priority(struct sq_indexer *ix)
{
#ifdef __linux__
    pid_t tid = (pid_t)syscall(SYS_gettid);
    atomic_store(&ix->tid, (int)tid);
    if (setpriority(PRIO_PROCESS, (id_t)tid, 19) < 0)
        newsd_log(NEWSD_LOG_WARNING, "full-text indexer: cannot lower its priority: %s", strerror(errno));
#else
    (void)ix;
#endif
}

/* Back to nice 19 after sq_indexer_hurry(), once the gate is released. */
static void unboost(struct sq_indexer *ix)
{
    if (atomic_exchange(&ix->boosted, 0))
        lower_priority(ix);
}

/* Priority inheritance by hand.  The nice-19 indexer holding the gate
 * while other threads (the workers, other programs) keep the CPU busy is
 * kept off it for tens to hundreds of ms, and the archive thread waits that
 * long for its batch: at a steady 200 articles/s on a loaded machine the
 * slowest 1 % of batches waited 40-260 ms in archive().  So the writer,
 * finding the gate taken, gives the indexer its own priority until the
 * indexer lets go (unboost).  Raising a nice value needs CAP_SYS_NICE or
 * RLIMIT_NICE (systemd: LimitNICE=); without either the writer just
 * waits, as before. */
void sq_indexer_hurry(struct sq *s)
{
#ifdef __linux__
    struct sq_indexer *ix = s->ix;
    pid_t tid = ix ? (pid_t)atomic_load(&ix->tid) : 0;
    if (!tid || atomic_load(&ix->boost_denied) || atomic_load(&ix->boosted))
        return;
    errno = 0;
    int mine = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
    if (mine == -1 && errno)
        return;
    if (setpriority(PRIO_PROCESS, (id_t)tid, mine) < 0) {
        atomic_store(&ix->boost_denied, 1);
        newsd_log(NEWSD_LOG_INFO, "full-text indexer: cannot raise its priority while the archive waits "
                  "for it (%s); allow it with LimitNICE=+0 (systemd) or CAP_SYS_NICE", strerror(errno));
        return;
    }
    atomic_store(&ix->boosted, 1);
#else
    (void)s;
#endif
}

/* How long until the writer counts as quiet: 0 when it is, else the ms
 * to wait before looking again. */
static long long writer_busy_for(const struct sq *s)
{
    if (atomic_load(&s->writer_in_tx))
        return QUIET_MS;
    long long left = atomic_load(&s->writer_end_ms) + QUIET_MS - sq_now_ms();
    return left > 0 ? left : 0;
}

/* The yield callback of sq_index_chunk(): end the chunk when a batch
 * begins or has just ended. */
static int writer_busy(void *s)
{
    return writer_busy_for(s) > 0;
}

/* Wait up to ms on the condition variable (stop and commit() wake it
 * early); called and returns with ix->lock held. */
static void wait_ms(struct sq_indexer *ix, long long ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += (time_t)(ms / 1000);
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&ix->cond, &ix->lock, &t);
}

/* Index until nothing is pending, the thread is told to stop, the lock is
 * taken by another program or an error (the timer retries).  While the
 * writer is busy it waits.  The chunk runs under the gate (sq.h); its
 * BEGIN IMMEDIATE does not wait for SQLite's lock (busy timeout 0). */
static void drain(struct sq_indexer *ix)
{
    struct sq *s = ix->s;
    int n = 1;
    while (n > 0 && !atomic_load(&ix->stopping)) {
        unboost(ix);
        long long busy = writer_busy_for(s);
        if (busy > 0) {
            pthread_mutex_lock(&ix->lock);
            if (!ix->stop)
                wait_ms(ix, busy);
            pthread_mutex_unlock(&ix->lock);
            continue;
        }
        pthread_mutex_lock(&s->gate);
        /* Statements lost to an error (or never made) are made again. */
        if (!ix->prepared)
            ix->prepared = prepare_all(ix->db, ix->st);
        n = index_chunk(ix->db, ix->st, ix->prepared, CHUNK_ROWS, writer_busy, s);
        if (n == -1 && ix->prepared) {
            finalize_all(ix->st);
            ix->prepared = 0;
        }
        pthread_mutex_unlock(&s->gate);
        unboost(ix);
        if (n >= 0 && ix->failures) {
            newsd_log(NEWSD_LOG_NOTICE, "full-text indexer: working again after %d failed tr%s",
                      ix->failures, ix->failures == 1 ? "y" : "ies");
            ix->failures = 0;
            ix->backoff_ms = 0;
        } else if (n == -1) {
            ix->failures++;
            ix->backoff_ms = ix->backoff_ms ? ix->backoff_ms * 2 : TIMER_MS;
            if (ix->backoff_ms > BACKOFF_MAX_MS)
                ix->backoff_ms = BACKOFF_MAX_MS;
        }
    }
}

static void *run(void *arg)
{
    struct sq_indexer *ix = arg;
    lower_priority(ix);
    drain(ix);                      /* catch up with what an earlier run left */
    pthread_mutex_lock(&ix->lock);
    while (!ix->stop) {
        /* After a failure the back-off, or a commit: commits wake it only
         * when they succeeded, a sign that the fault (a full disk) is
         * over. */
        if (!ix->wake) {
            wait_ms(ix, ix->backoff_ms ? ix->backoff_ms : TIMER_MS);
            if (ix->stop)
                break;
        }
        ix->wake = 0;
        pthread_mutex_unlock(&ix->lock);
        drain(ix);
        pthread_mutex_lock(&ix->lock);
    }
    pthread_mutex_unlock(&ix->lock);
    return NULL;
}

static void free_indexer(struct sq_indexer *ix)
{
    finalize_all(ix->st);
    sqlite3_close(ix->db);
    pthread_cond_destroy(&ix->cond);
    pthread_mutex_destroy(&ix->lock);
    free(ix);
}

int sq_indexer_start(struct sq *s)
{
    struct sq_indexer *ix = calloc(1, sizeof *ix);
    if (!ix) {
        newsd_log(NEWSD_LOG_ERROR, "full-text indexer: out of memory");
        return NEWSD_ERROR;
    }
    ix->s = s;
    pthread_mutex_init(&ix->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ix->cond, &ca);
    pthread_condattr_destroy(&ca);
    char pragmas[96];
    snprintf(pragmas, sizeof pragmas, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -%d",
             SQ_INDEXER_CACHE_KIB);
    if (sq_open_helper(s, "full-text indexer", pragmas, &ix->db) != NEWSD_OK) {
        free_indexer(ix);
        return NEWSD_ERROR;
    }
    /* No busy timeout: a locked database means a batch is open (or
     * another program writes); the indexer comes back at the next commit
     * or timer instead of waiting (see drain()). */
    sqlite3_busy_timeout(ix->db, 0);
    /* Its commits' checkpoints go to the checkpointer (wal.c), not into
     * the chunk it runs under the gate. */
    sq_wal_hook_install(s, ix->db);
    int rc = pthread_create(&ix->thread, NULL, run, ix);
    if (rc != 0) {
        newsd_log(NEWSD_LOG_ERROR, "full-text indexer: cannot start a thread: %s", strerror(rc));
        free_indexer(ix);
        return NEWSD_ERROR;
    }
    s->ix = ix;
    return NEWSD_OK;
}

void sq_indexer_wake(struct sq *s)
{
    struct sq_indexer *ix = s->ix;
    if (!ix)
        return;
    pthread_mutex_lock(&ix->lock);
    ix->wake = 1;
    pthread_cond_signal(&ix->cond);
    pthread_mutex_unlock(&ix->lock);
}

void sq_indexer_stop(struct sq *s)
{
    struct sq_indexer *ix = s->ix;
    if (!ix)
        return;
    pthread_mutex_lock(&ix->lock);
    ix->stop = 1;
    atomic_store(&ix->stopping, 1);
    pthread_cond_signal(&ix->cond);
    pthread_mutex_unlock(&ix->lock);
    pthread_join(ix->thread, NULL);
    free_indexer(ix);
    s->ix = NULL;
}
