/*
 * archive_sqlite: the archive as one SQLite database, searchable with FTS5.
 *
 *   [plugin.archive]
 *   so = archive_sqlite.so
 *   path = archive/newsd.db      ; absolute, or relative to the state directory
 *   busy_timeout_ms = 5000       ; wait this long for a lock before failing
 *
 * This file holds the configuration, opening and closing; the schema is in
 * schema.c, archive()/commit() in store.c, answer() in query.c, the
 * background full-text indexer in indexer.c.  See
 * docs/archive.md for the schema, durability and dedup.
 *
 * The database is opened in WAL mode with synchronous=FULL: a committed
 * batch survives a crash or power loss (FULL fsyncs the WAL at every
 * commit; NORMAL would not), and readers (answer()) never block the writer.
 * The originals are hard links of the work files in a folder beside the
 * database (originals.c), flushed before each COMMIT; see docs/archive.md.
 */
#include "sq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_PATH "archive/newsd.db"
#define DEFAULT_BUSY_TIMEOUT_MS 5000
/* An hour: longer, and a lock held by another program would stall the
 * archive thread for good rather than fail the batch to be retried. */
#define MAX_BUSY_TIMEOUT_MS 3600000
/* The WAL is cut back to this size after a checkpoint; without a limit it
 * keeps the size of the largest batch ever written. */
#define WAL_SIZE_LIMIT (64 * 1024 * 1024)

/* mkdir -p of the folder that holds path. */
static int make_parent_dirs(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1; rc == 0; p++) {
            if (*p != '/' && *p != '\0')
                continue;
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                rc = -1;
            *p = c;
            if (c == '\0')
                break;
        }
    }
    free(dir);
    return rc;
}

static int exec_pragma(struct sq *s, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &err) == SQLITE_OK)
        return NEWSD_OK;
    newsd_log(NEWSD_LOG_ERROR, "%s: %s failed: %s", s->path, sql, err ? err : sqlite3_errmsg(s->db));
    sqlite3_free(err);
    return NEWSD_ERROR;
}

/* WAL must really be on: on a file system without shared memory support
 * SQLite quietly stays in another mode, where readers block the writer. */
static int enable_wal(struct sq *s)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) == SQLITE_OK &&
             sqlite3_step(st) == SQLITE_ROW &&
             strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    sqlite3_finalize(st);
    if (!ok)
        newsd_log(NEWSD_LOG_ERROR, "%s: cannot switch to WAL mode: %s", s->path, sqlite3_errmsg(s->db));
    return ok ? NEWSD_OK : NEWSD_ERROR;
}

static int configure(struct sq *s)
{
    char limit[64], cache[64];
    snprintf(limit, sizeof limit, "PRAGMA journal_size_limit = %d", WAL_SIZE_LIMIT);
    snprintf(cache, sizeof cache, "PRAGMA cache_size = -%d", SQ_WRITER_CACHE_KIB);
    sqlite3_busy_timeout(s->db, s->opt.busy_timeout_ms);
    if (enable_wal(s) != NEWSD_OK || exec_pragma(s, "PRAGMA synchronous = FULL") != NEWSD_OK ||
        exec_pragma(s, limit) != NEWSD_OK || exec_pragma(s, cache) != NEWSD_OK)
        return NEWSD_ERROR;
    return NEWSD_OK;
}

/* Finalise the writer's statements and close its connection. */
static void close_writer(struct sq *s)
{
    if (s->db && s->in_tx && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < SQ_N_STMTS; i++) {
        sqlite3_finalize(s->stmt[i]);
        s->stmt[i] = NULL;
    }
    sqlite3_close(s->db);
    s->db = NULL;
    s->in_tx = 0;
}

/* SQLite opens a file it may not write read-only without a word, and a
 * -wal file it may not write makes the connection read-only too (only a
 * write says so).  Either would fail every batch with "attempt to write a
 * readonly database" and stay so after the permission is fixed, so both
 * are refused here, naming the file.  BEGIN IMMEDIATE is the cheapest
 * write that tells: it takes the write lock and writes nothing.  A lock
 * held elsewhere (SQLITE_BUSY) says nothing about permissions and is left
 * to the batches, which retry. */
static int check_writable(struct sq *s)
{
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        newsd_log(NEWSD_LOG_ERROR, "%s is read-only (a file mode, chattr +i or a read-only mount): "
                  "newsd must write its archive; make the file and its folder writable for newsd",
                  s->path);
        return NEWSD_ERROR;
    }
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return NEWSD_OK;
    }
    if ((rc & 0xff) == SQLITE_BUSY)
        return NEWSD_OK;
    if ((rc & 0xff) == SQLITE_READONLY)
        newsd_log(NEWSD_LOG_ERROR, "%s is read-only: %s (its %s-wal or %s-shm file, or its folder, "
                  "cannot be written: a file mode, chattr +i or a read-only mount); make them "
                  "writable for newsd", s->path, sqlite3_errmsg(s->db), s->path, s->path);
    else
        newsd_log(NEWSD_LOG_ERROR, "%s: cannot write: %s", s->path, sqlite3_errmsg(s->db));
    return NEWSD_ERROR;
}

/* Open (or open again) the writer's connection, with every check.  On
 * failure the connection is closed again and s->db is NULL. */
static int open_writer(struct sq *s)
{
    /* NOMUTEX: each connection is used by one thread at a time (the writer
     * by the archive thread, the reader under read_lock). */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK) {
        newsd_log(NEWSD_LOG_ERROR, "path: cannot open %s: %s", s->path,
                  s->db ? sqlite3_errmsg(s->db) : "out of memory");
        close_writer(s);
        return NEWSD_ERROR;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sq_wal_hook_install(s, s->db);
    if (sq_fold_register(s->db) != SQLITE_OK) {
        newsd_log(NEWSD_LOG_ERROR, "%s: cannot register the full-text tokenizer: %s", s->path,
                  sqlite3_errmsg(s->db));
        close_writer(s);
        return NEWSD_ERROR;
    }
    if (check_writable(s) != NEWSD_OK || configure(s) != NEWSD_OK ||
        sq_migrate(s->db, SQ_SCHEMA_VERSION) != NEWSD_OK || sq_prepare_writer(s) != NEWSD_OK) {
        close_writer(s);
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

int sq_open_helper(const struct sq *s, const char *who, const char *pragmas, sqlite3 **db)
{
    char *err = NULL;
    *db = NULL;
    if (sqlite3_open_v2(s->path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
        sq_fold_register(*db) == SQLITE_OK && sqlite3_exec(*db, pragmas, NULL, NULL, &err) == SQLITE_OK)
        return NEWSD_OK;
    newsd_log(NEWSD_LOG_ERROR, "%s: %s: cannot open: %s", s->path, who,
              err ? err : *db ? sqlite3_errmsg(*db) : "out of memory");
    sqlite3_free(err);
    sqlite3_close(*db);
    *db = NULL;
    return NEWSD_ERROR;
}

int sq_reopen_writer(struct sq *s)
{
    close_writer(s);
    if (open_writer(s) != NEWSD_OK)
        return NEWSD_ERROR;
    s->reopen = 0;
    newsd_log(NEWSD_LOG_NOTICE, "%s: opened again after the error above; the archive is writable",
              s->path);
    return NEWSD_OK;
}

void sq_close(struct sq *s)
{
    if (!s)
        return;
    sq_indexer_stop(s);     /* before the connections: it reads s */
    sq_checkpointer_stop(s); /* after the indexer, whose commits may wake it */
    close_writer(s);
    sqlite3_close(s->rdb);
    sq_originals_close(s);
    pthread_mutex_destroy(&s->read_lock);
    pthread_mutex_destroy(&s->gate);
    free(s->path);
    free(s);
}

int sq_open(const char *path, const struct sq_options *opt, struct sq **out)
{
    struct sq *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    pthread_mutex_init(&s->read_lock, NULL);
    pthread_mutex_init(&s->gate, NULL);
    s->opt = *opt;
    s->orig_fd = -1;
    if (make_parent_dirs(path) < 0) {
        newsd_log(NEWSD_LOG_ERROR, "path: cannot create the folder of %s: %s", path, strerror(errno));
        sq_close(s);
        return NEWSD_ERROR;
    }
    if (open_writer(s) != NEWSD_OK || sq_originals_open(s) != NEWSD_OK) {
        sq_close(s);
        return NEWSD_ERROR;
    }
    *out = s;
    return NEWSD_OK;
}

/* ---- the plugin callbacks ------------------------------------------------ */

static int sqlite_init(const newsd_config *conf, void **state)
{
    int64_t timeout;
    if (newsd_config_get_int(conf, "busy_timeout_ms", DEFAULT_BUSY_TIMEOUT_MS, 0, MAX_BUSY_TIMEOUT_MS,
                             &timeout) != NEWSD_OK)
        return NEWSD_ERROR;
    struct sq_options opt = {.busy_timeout_ms = (int)timeout};
    char *path = newsd_config_state_path(conf, "path", DEFAULT_PATH);
    if (!path) {
        newsd_log(NEWSD_LOG_ERROR, "path: out of memory");
        return NEWSD_ERROR;
    }
    struct sq *s = NULL;
    int rc = sq_open(path, &opt, &s);
    free(path);
    /* The indexer is started here rather than in sq_open(), so that the
     * unit tests can open the archive without it and index synchronously
     * (sq_index_chunk()) where they need to.  The checkpointer first: the
     * indexer's commits may wake it from the start (s->ckpt is set before
     * any other thread reads it, and cleared after they are gone). */
    if (rc == NEWSD_OK && ((rc = sq_checkpointer_start(s)) != NEWSD_OK ||
                           (rc = sq_indexer_start(s)) != NEWSD_OK))
        sq_close(s);
    if (rc == NEWSD_OK)
        *state = s;
    return rc;
}

/* sq_close() stops the indexer: it finishes its current chunk; what is
 * not indexed yet is indexed at the next start. */
static void sqlite_fini(void *state)
{
    sq_close(state);
}

/* The keys init() reads: newsd refuses any other (since 1.2). */
static const struct newsd_config_key sqlite_keys[] = {
    {"path", "the database file, relative to the state directory (default " DEFAULT_PATH ")"},
    {"busy_timeout_ms", "how long to wait for a lock held elsewhere, 0 to 3600000"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "archive_sqlite",
    .description = "archives records and originals in SQLite, searchable with FTS5",
    .stages = NEWSD_STAGE_ARCHIVE,
    .init = sqlite_init,
    .archive = sq_archive,
    .commit = sq_commit,
    .answer = sq_answer,
    .fini = sqlite_fini,
    .config_keys = sqlite_keys,
);
