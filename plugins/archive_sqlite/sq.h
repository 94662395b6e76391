/*
 * archive_sqlite internals, shared by its files:
 *
 *   archive_sqlite.c  the descriptor and init()/fini(): configuration
 *   schema.c          the schema and its migrations (PRAGMA user_version)
 *   store.c           archive()/commit(): one transaction per batch
 *   query.c           answer(): search, list, show, export, stats, ...
 *   indexer.c         the background full-text indexer (its own thread and
 *                     connection), behind the committed rows
 *   wal.c             checkpoints that keep the WAL small, on a thread of
 *                     their own
 *   fold.c            the ß folding as an FTS5 tokenizer, on every connection
 *   originals.c       the original bytes as files beside the database
 *
 * The functions here take the database path and options directly rather
 * than a newsd_config, so that the unit tests can drive them without the
 * daemon's configuration machinery.
 */
#ifndef ARCHIVE_SQLITE_SQ_H
#define ARCHIVE_SQLITE_SQ_H

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stddef.h>

#include <newsd/plugin.h>

#include "fold.h"

/* The schema version this code writes; see schema.c for the history. */
#define SQ_SCHEMA_VERSION 7

/* Page caches (PRAGMA cache_size, KiB; SQLite's default is ~2 MB a
 * connection).  Their pages are malloc'd one by one from the daemon's
 * single arena and count towards its peak RSS (docs/architecture.md,
 * "Memory"): SQLite's own high-water mark in a 10,000-article backlog of
 * the default config was 3.3-4.5 MB with the defaults, ~1.9 MB with these.
 * The writer's cache holds a batch's dirty pages until the COMMIT, and
 * what does not fit spills into the WAL early: at 1 MiB the bytes written
 * an article and the CPU time stayed within the noise of bench.py
 * --versus (earlier, 512 KiB cost ~3 % CPU time, see docs/architecture.md).
 * The indexer appends (FTS5 segments, tag_index in name order a chunk at a
 * time): at 256 KiB it indexed as much of a backlog by the stop as with the
 * default. */
#define SQ_WRITER_CACHE_KIB 1024
#define SQ_INDEXER_CACHE_KIB 256

struct sq_options {
    int busy_timeout_ms;   /* how long a statement waits for a lock */
};

/* Prepared statements of the writer, made once at open. */
enum sq_stmt {
    SQ_BEGIN,
    SQ_COMMIT,
    SQ_ROLLBACK,
    SQ_EXISTS,
    SQ_INSERT_ARTICLE,
    SQ_UPDATE_ARTICLE,
    SQ_INSERT_TAG,
    SQ_INSERT_RULE,
    SQ_INSERT_META,
    SQ_INSERT_ORIGINAL,
    SQ_INSERT_DUPLICATE,
    SQ_DELETE_TAGS,
    SQ_DELETE_RULES,
    SQ_DELETE_META,
    SQ_UNINDEX_TAGS,
    SQ_REINDEX_TAGS,
    SQ_N_STMTS
};

struct sq {
    char *path;                 /* the database file */
    struct sq_options opt;

    /* Writer: archive() and commit() run on one thread at a time. */
    sqlite3 *db;
    sqlite3_stmt *stmt[SQ_N_STMTS];
    int in_tx;                  /* a batch transaction is open */
    size_t lost;                /* articles archive() could not store in this batch */
    int fault;                  /* the first SQLite error of this batch (extended code) */
    long long wal_bound;        /* wal.c: checkpoint past this size; 0: SQ_WAL_BOUND */
    int after_fault;            /* wal.c: a batch failed; checkpoint after the next */
    /* A batch failed with an error that a connection may not get over by
     * itself (read-only, cannot open, I/O error): the next batch opens the
     * writer's connection again first, so that a fixed permission is
     * picked up without a restart.  db is NULL after a failed reopen. */
    int reopen;

    /* Reader: answer() runs on another thread, with a read-only connection
     * of its own (WAL lets it read while the writer writes), opened on the
     * first query and serialised by its own lock. */
    pthread_mutex_t read_lock;
    sqlite3 *rdb;

    /* The background indexer (indexer.c), NULL until sq_indexer_start().
     * Writer and indexer take SQLite's write lock (BEGIN IMMEDIATE) under
     * gate, so that archive() waiting for the indexer blocks on a mutex
     * and goes on the moment the indexer commits, rather than polling in
     * SQLite's busy handler (which sleeps 1, 2, 5, 10, ... ms).
     * writer_in_tx (a batch is open or about to begin) and writer_end_ms
     * (when the last one ended, CLOCK_MONOTONIC) tell the indexer whether
     * the writer is quiet: it indexes a row only then (indexer.c). */
    struct sq_indexer *ix;

    /* originals.c: DIR/originals, its descriptor (-1: none), links made
     * since the last flush, and whether the BLOB fallback was logged. */
    char *orig_dir;
    int orig_fd;
    int orig_pending;
    int orig_warned;
    pthread_mutex_t gate;
    atomic_int writer_in_tx;
    atomic_llong writer_end_ms;

    /* wal.c: the checkpointer thread, NULL until sq_checkpointer_start(). */
    struct sq_checkpointer *ckpt;
};

/* Open (creating and migrating as needed) the database at path.  Returns
 * NEWSD_OK with *out set, or NEWSD_ERROR after logging why. */
int sq_open(const char *path, const struct sq_options *opt, struct sq **out);
/* Stop the indexer (if started), roll back an open batch and close both
 * connections. */
void sq_close(struct sq *s);
/* Close the writer's connection and open it again, with the checks of
 * sq_open() (a read-only file is refused).  Logs and returns NEWSD_ERROR
 * on failure, leaving s->db NULL. */
int sq_reopen_writer(struct sq *s);
/* A connection of a helper thread (the indexer, the checkpointer) to s's
 * database: read-write, the folding tokenizer registered, pragmas run.
 * Logs (naming who) and returns NEWSD_ERROR on failure, *db then closed
 * or NULL. */
int sq_open_helper(const struct sq *s, const char *who, const char *pragmas, sqlite3 **db);

/* schema.c: bring db to version target (0 < target <= SQ_SCHEMA_VERSION),
 * each step in its own transaction.  Refuses a database newer than this
 * code.  Logs and returns NEWSD_ERROR on failure. */
int sq_migrate(sqlite3 *db, int target);
/* PRAGMA user_version, or -1 on error. */
int sq_schema_version(sqlite3 *db);

/* store.c: the archive-stage callbacks. */
int sq_prepare_writer(struct sq *s);
int sq_archive(void *state, newsd_article *a);
int sq_commit(void *state);

/* indexer.c: full-text indexing behind the commit path.
 *
 * sq_indexer_start() opens the indexer's own connection and starts its
 * thread, which first catches up with everything not yet indexed;
 * sq_indexer_wake() (from commit()) tells it there are new rows;
 * sq_indexer_stop() lets it finish its current chunk and joins it (the
 * rest is indexed at the next start).  sq_close() calls sq_indexer_stop().
 *
 * sq_index_chunk() indexes up to max_rows rows above the high-water mark
 * in one transaction on db and moves the mark; it returns how many rows it
 * indexed (0: none pending), SQ_INDEX_BUSY when the write lock is held by
 * someone else (nothing logged: try again later) or -1 on error (logged,
 * rolled back).  Before each
 * row after the first it asks yield(arg) (yield may be NULL) and ends the
 * chunk when that says so.  The
 * thread uses it; the unit tests call it directly on the writer's
 * connection to index synchronously. */
int sq_indexer_start(struct sq *s);
void sq_indexer_wake(struct sq *s);
/* The writer waits for the gate: the indexer runs at the writer's priority
 * until it lets go (indexer.c). */
void sq_indexer_hurry(struct sq *s);
void sq_indexer_stop(struct sq *s);
#define SQ_INDEX_BUSY (-2)
int sq_index_chunk(sqlite3 *db, int max_rows, int (*yield)(void *), void *arg);
/* CLOCK_MONOTONIC in ms. */
long long sq_now_ms(void);
/* CLOCK_MONOTONIC in us. */
long long sq_now_us(void);

/* wal.c: the WAL's size in bytes (-1: none, or it cannot tell); a
 * TRUNCATE checkpoint on the writer's connection, logged with why
 * (NEWSD_OK or NEWSD_ERROR); and what commit() calls once a batch is over:
 * failed_rc is the SQLite error that failed it, 0 when it committed. */
#define SQ_WAL_BOUND (16LL * 1024 * 1024)
/* " (No space left on device, ENOSPC)": the system error behind the last
 * SQLite error on db (a connection to s's database) when it was one of the
 * file system's, else "".  SQLITE_FULL counts as ENOSPC when less than
 * SQ_FULL_BELOW bytes are free beside the database. */
#define SQ_FULL_BELOW (1024ULL * 1024)
const char *sq_os_error(const struct sq *s, sqlite3 *db, char *buf, size_t len);
long long sq_wal_bytes(const struct sq *s);
int sq_checkpoint(struct sq *s, const char *why);
void sq_after_batch(struct sq *s, int failed_rc);

/* wal.c: SQLite's own checkpoint (PASSIVE, once a commit leaves the WAL
 * over SQ_CHECKPOINT_FRAMES frames) moved off the committing threads.
 * sq_wal_hook_install() takes the place of SQLite's autocheckpoint on a
 * connection of s's database (the writer's, the indexer's): after such a
 * commit it wakes the checkpointer, which runs the checkpoint on its own
 * connection; without a checkpointer (unit tests) the hook checkpoints on
 * the spot, as SQLite would.  sq_checkpointer_start() logs and returns
 * NEWSD_ERROR on failure; sq_checkpointer_stop() joins the thread (a
 * checkpoint under way is finished); sq_close() calls it. */
#define SQ_CHECKPOINT_FRAMES 1000
/* wal.c: the writer copies what the checkpointer left of a WAL past
 * SQ_CHECKPOINT_FRAMES when it is at most this many frames, so that the
 * next batch rewinds the WAL. */
#define SQ_REWIND_FRAMES_LEFT 128
void sq_wal_hook_install(struct sq *s, sqlite3 *db);
int sq_checkpointer_start(struct sq *s);
void sq_checkpointer_stop(struct sq *s);

/* originals.c (see there).  sq_originals_open() makes and opens the
 * folder beside the database (logs and returns NEWSD_ERROR on failure).
 * sq_originals_link() links the article's work file as the original of id:
 * 1 when it is there (made now, or already holding these bytes), 0 when
 * the bytes must go into the database instead.  sq_originals_sync() makes
 * the links of this batch durable (NEWSD_OK when there are none).
 * sq_originals_find() gives the path of id's file (malloc'd): 1, 0 when
 * there is no file, -1 with errno on an error. */
int sq_originals_open(struct sq *s);
void sq_originals_close(struct sq *s);
int sq_originals_link(struct sq *s, const char *id, const newsd_article *a);
int sq_originals_sync(struct sq *s);
int sq_originals_find(const struct sq *s, const char *id, char **path);

/* query.c: the answer callback. */
int sq_answer(void *state, const struct newsd_query *q, newsd_answer *ans);

/* German "ß" is folded to "ss" in what the full-text index sees and in
 * queries, because unicode61 keeps ß as it is ("Straße" would not match
 * "Strasse").  The index triggers use this expression; the indexer feeds
 * the stored text to the folding tokenizer (fold.c), which gives the same
 * tokens without copying every body twice. */
#define SQ_FOLD_SQL(x) "replace(replace(" x ", 'ß', 'ss'), 'ẞ', 'SS')"

#endif
