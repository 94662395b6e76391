/*
 * archive_sqlite: archive() and commit(), one transaction per batch.
 *
 * The first archive() of a batch begins a transaction (BEGIN IMMEDIATE:
 * take the write lock now, so a busy database shows up here and not at
 * COMMIT); every archive() of the batch inserts inside it; commit() commits
 * it.  With journal_mode=WAL and synchronous=FULL a COMMIT is one append to
 * the WAL and one fsync, whatever the batch size: that is the group commit.
 * The full-text index is not written here: commit() wakes the indexer
 * (indexer.c), which indexes the new rows in its own transactions.
 *
 * Faults of the archive (busy, disk full, I/O error, out of memory) are not
 * the article's: archive() logs them, counts the article as lost and
 * returns NEWSD_OK; commit() then rolls the whole batch back and returns
 * NEWSD_ERROR, newsd keeps the articles in work/ and hands the batch over
 * again later.  Since the rollback removed everything, seeing the same
 * articles again is the normal case and needs nothing special.  Only an id
 * that is not an id is the article's fault.
 *
 * Originals: hard links of the work files beside the database, flushed
 * before the COMMIT (originals.c); a BLOB in `originals` when no link can
 * be made.
 *
 * Dedup: articles.id is UNIQUE.  An id that is archived (or earlier in this
 * batch: the transaction sees its own rows) is a duplicate: a row goes into
 * `duplicates` and archive() returns NEWSD_DUPLICATE.  While an article is
 * being reprocessed its row is updated in place (same seq, so a paging
 * cursor over ids is not disturbed) and its tags, rules and meta replaced.
 *
 * Tags, rules and meta are keyed by the article's seq (schema step 6): it
 * only grows, so a batch's rows are appended at the end of those tables
 * rather than scattered over them as the random ids would.  The lookup by
 * tag name (tag_index, step 7), whose entries would land at random places,
 * is the indexer's to write; only reprocessing touches it here.
 *
 * The fields are read through the accessors, not through
 * newsd_article_to_json(): the JSON round trip cost ~140 us per article,
 * as much as everything else here.  Two fields
 * are UTF-8 already (the daemon reads a file name's stray bytes as
 * U+FFFD).
 */
#include "sq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const SQL[SQ_N_STMTS] = {
    [SQ_BEGIN] = "BEGIN IMMEDIATE",
    [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",
    [SQ_EXISTS] = "SELECT seq FROM articles WHERE id = ?1",
    [SQ_INSERT_ARTICLE] =
        "INSERT INTO articles (id, source, size, format, encoding, received, processed, title,"
        " body, lang, url, author, published, score_total, action)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [SQ_UPDATE_ARTICLE] =
        "UPDATE articles SET source = ?2, size = ?3, format = ?4, encoding = ?5, received = ?6,"
        " processed = ?7, title = ?8, body = ?9, lang = ?10, url = ?11, author = ?12,"
        " published = ?13, score_total = ?14, action = ?15 WHERE id = ?1",
    [SQ_INSERT_TAG] =
        "INSERT INTO tags (seq, pos, name, weight, plugin) VALUES (?1, ?2, ?3, ?4, ?5)",
    [SQ_INSERT_RULE] =
        "INSERT INTO score_rules (seq, pos, rule, points, reason, plugin)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [SQ_INSERT_META] = "INSERT INTO meta (seq, pos, key, value) VALUES (?1, ?2, ?3, ?4)",
    [SQ_INSERT_ORIGINAL] = "INSERT OR IGNORE INTO originals (id, data) VALUES (?1, ?2)",
    [SQ_INSERT_DUPLICATE] = "INSERT INTO duplicates (id, source, received) VALUES (?1, ?2, ?3)",
    [SQ_DELETE_TAGS] = "DELETE FROM tags WHERE seq = ?1",
    [SQ_DELETE_RULES] = "DELETE FROM score_rules WHERE seq = ?1",
    [SQ_DELETE_META] = "DELETE FROM meta WHERE seq = ?1",
    /* The lookup by tag name of an indexed article (schema step 7): its
     * old names out before its tags go, its new ones in after they are
     * written.  An article above the mark has none yet: the indexer adds
     * them when it gets there. */
    [SQ_UNINDEX_TAGS] =
        "DELETE FROM tag_index WHERE seq = ?1 AND name IN (SELECT name FROM tags WHERE seq = ?1)",
    [SQ_REINDEX_TAGS] =
        "INSERT OR IGNORE INTO tag_index (name, seq) SELECT name, seq FROM tags"
        " WHERE seq = ?1 AND seq <= (SELECT seq FROM fts_mark)",
};

int sq_prepare_writer(struct sq *s)
{
    for (int i = 0; i < SQ_N_STMTS; i++) {
        if (sqlite3_prepare_v3(s->db, SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) !=
            SQLITE_OK) {
            newsd_log(NEWSD_LOG_ERROR, "%s: cannot prepare \"%s\": %s", s->path, SQL[i],
                      sqlite3_errmsg(s->db));
            return NEWSD_ERROR;
        }
    }
    return NEWSD_OK;
}

/* Step a statement that returns no rows (or whose rows do not matter) and
 * reset it, so that it holds no lock and no bindings afterwards. */
static int run(struct sq *s, enum sq_stmt k)
{
    sqlite3_stmt *st = s->stmt[k];
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

/* After a failed statement: an error of the kind a connection may keep
 * (it was opened read-only, a file it needs cannot be opened, I/O) has the
 * next batch open the connection again (sq.h). */
static void note_fault(struct sq *s)
{
    switch (sqlite3_errcode(s->db) & 0xff) {
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
        s->reopen = 1;
        break;
    default:
        break;
    }
}

/* A fault of the archive, not of the article: log it and let commit() fail
 * the batch. */
static int lose(struct sq *s, const char *what)
{
    char os[128];
    newsd_log(NEWSD_LOG_ERROR, "%s: cannot %s: %s%s; the batch will be retried", s->path, what,
              sqlite3_errmsg(s->db), sq_os_error(s, s->db, os, sizeof os));
    if (!s->fault)
        s->fault = sqlite3_extended_errcode(s->db);
    note_fault(s);
    s->lost++;
    return NEWSD_OK;
}

/* 1 if id is archived (or earlier in this batch), with its seq in *seq;
 * 0 if not, -1 on error. */
static int exists(struct sq *s, const char *id, sqlite3_int64 *seq)
{
    sqlite3_stmt *st = s->stmt[SQ_EXISTS];
    bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *seq = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int write_fields(struct sq *s, enum sq_stmt k, const newsd_article *a)
{
    sqlite3_stmt *st = s->stmt[k];
    static const enum newsd_field text[][2] = {
        {1, NEWSD_FIELD_ID},     {4, NEWSD_FIELD_FORMAT}, {5, NEWSD_FIELD_ENCODING},
        {8, NEWSD_FIELD_TITLE},  {9, NEWSD_FIELD_BODY},   {10, NEWSD_FIELD_LANG},
        {11, NEWSD_FIELD_URL},   {12, NEWSD_FIELD_AUTHOR}, {13, NEWSD_FIELD_PUBLISHED},
    };
    for (size_t i = 0; i < sizeof text / sizeof *text; i++)
        bind_text(st, (int)text[i][0], newsd_article_get(a, text[i][1]));
    bind_text(st, 2, newsd_article_get(a, NEWSD_FIELD_SOURCE));
    size_t len = 0;
    newsd_article_raw(a, &len);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)len);
    char received[NEWSD_TIME_LEN], processed[NEWSD_TIME_LEN];
    newsd_format_time(newsd_article_received_ms(a), received);
    newsd_format_time(newsd_article_processed_ms(a), processed);
    sqlite3_bind_text(st, 6, received, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, processed, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 14, newsd_article_score_total(a));
    bind_text(st, 15, newsd_article_action(a));
    return run(s, k);
}

static int write_tags(struct sq *s, sqlite3_int64 seq, const newsd_article *a)
{
    sqlite3_stmt *st = s->stmt[SQ_INSERT_TAG];
    size_t n = newsd_article_tag_count(a);
    for (size_t i = 0; i < n; i++) {
        struct newsd_tag t;
        if (newsd_article_tag_at(a, i, &t) != NEWSD_OK)
            continue;
        sqlite3_bind_int64(st, 1, seq);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        bind_text(st, 3, t.name);
        sqlite3_bind_double(st, 4, t.weight);
        bind_text(st, 5, t.plugin);
        if (run(s, SQ_INSERT_TAG) != SQLITE_OK)
            return -1;
    }
    return 0;
}

static int write_rules(struct sq *s, sqlite3_int64 seq, const newsd_article *a)
{
    sqlite3_stmt *st = s->stmt[SQ_INSERT_RULE];
    size_t n = newsd_article_score_count(a);
    for (size_t i = 0; i < n; i++) {
        struct newsd_score_rule r;
        if (newsd_article_score_at(a, i, &r) != NEWSD_OK)
            continue;
        sqlite3_bind_int64(st, 1, seq);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        bind_text(st, 3, r.rule);
        sqlite3_bind_double(st, 4, r.points);
        bind_text(st, 5, r.reason);
        bind_text(st, 6, r.plugin);
        if (run(s, SQ_INSERT_RULE) != SQLITE_OK)
            return -1;
    }
    return 0;
}

static int write_meta(struct sq *s, sqlite3_int64 seq, const newsd_article *a)
{
    sqlite3_stmt *st = s->stmt[SQ_INSERT_META];
    size_t n = newsd_article_meta_count(a);
    for (size_t i = 0; i < n; i++) {
        struct newsd_meta m;
        if (newsd_article_meta_at(a, i, &m) != NEWSD_OK)
            continue;
        sqlite3_bind_int64(st, 1, seq);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        bind_text(st, 3, m.key);
        bind_text(st, 4, m.value);
        if (run(s, SQ_INSERT_META) != SQLITE_OK)
            return -1;
    }
    return 0;
}

static int delete_children(struct sq *s, sqlite3_int64 seq)
{
    static const enum sq_stmt del[] = {SQ_UNINDEX_TAGS, SQ_DELETE_TAGS, SQ_DELETE_RULES,
                                       SQ_DELETE_META};
    for (size_t i = 0; i < sizeof del / sizeof *del; i++) {
        sqlite3_bind_int64(s->stmt[del[i]], 1, seq);
        if (run(s, del[i]) != SQLITE_OK)
            return -1;
    }
    return 0;
}

static int reindex_tags(struct sq *s, sqlite3_int64 seq)
{
    sqlite3_bind_int64(s->stmt[SQ_REINDEX_TAGS], 1, seq);
    return run(s, SQ_REINDEX_TAGS) == SQLITE_OK ? 0 : -1;
}

/* A file beside the database (originals.c) when the work file can be
 * linked, else a BLOB. */
static int write_original(struct sq *s, const char *id, const newsd_article *a)
{
    if (sq_originals_link(s, id, a) == 1)
        return 0;
    size_t len = 0;
    const unsigned char *raw = newsd_article_raw(a, &len);
    sqlite3_stmt *st = s->stmt[SQ_INSERT_ORIGINAL];
    bind_text(st, 1, id);
    sqlite3_bind_blob64(st, 2, raw ? (const void *)raw : "", raw ? len : 0, SQLITE_STATIC);
    return run(s, SQ_INSERT_ORIGINAL) == SQLITE_OK ? 0 : -1;
}

static int note_duplicate(struct sq *s, const char *id, newsd_article *a)
{
    char received[NEWSD_TIME_LEN];
    newsd_format_time(newsd_article_received_ms(a), received);
    sqlite3_stmt *st = s->stmt[SQ_INSERT_DUPLICATE];
    bind_text(st, 1, id);
    bind_text(st, 2, newsd_article_get(a, NEWSD_FIELD_SOURCE));
    sqlite3_bind_text(st, 3, received, -1, SQLITE_TRANSIENT);
    if (run(s, SQ_INSERT_DUPLICATE) != SQLITE_OK)
        return lose(s, "record a duplicate");
    return NEWSD_DUPLICATE;
}

/* The batch is over (committed, rolled back or never begun): the indexer
 * may have the write lock again once the writer has been quiet a while. */
static void writer_done(struct sq *s)
{
    atomic_store(&s->writer_end_ms, sq_now_ms());
    atomic_store(&s->writer_in_tx, 0);
}

int sq_archive(void *state, newsd_article *a)
{
    struct sq *s = state;
    const char *id = newsd_article_get(a, NEWSD_FIELD_ID);
    if (!newsd_id_valid(id))
        return newsd_article_fail(a, "article id \"%.40s\" is not %d lowercase hex digits", id,
                                  NEWSD_ID_LEN);
    if (s->lost) {
        s->lost++;         /* the batch fails anyway: spare the work */
        return NEWSD_OK;
    }
    if (!s->in_tx && s->reopen && sq_reopen_writer(s) != NEWSD_OK) {
        s->lost++;          /* logged; the next batch tries again */
        return NEWSD_OK;
    }
    if (!s->in_tx) {
        /* If the indexer is in a chunk, it ends it after the current row
         * and releases the gate (indexer.c, sq.h). */
        atomic_store(&s->writer_in_tx, 1);
        if (pthread_mutex_trylock(&s->gate) != 0) {
            sq_indexer_hurry(s);
            pthread_mutex_lock(&s->gate);
        }
        int rc = run(s, SQ_BEGIN);
        pthread_mutex_unlock(&s->gate);
        if (rc != SQLITE_OK) {
            writer_done(s);
            return lose(s, "begin a transaction");
        }
        s->in_tx = 1;
    }
    sqlite3_int64 seq = 0;
    int found = exists(s, id, &seq);
    if (found < 0)
        return lose(s, "look the id up");
    int replace = found && newsd_article_reprocessing(a);
    if (found && !replace)
        return note_duplicate(s, id, a);

    int rc = NEWSD_OK;
    if (replace && delete_children(s, seq) < 0)
        rc = lose(s, "remove the old tags of a reprocessed article");
    else if (write_fields(s, replace ? SQ_UPDATE_ARTICLE : SQ_INSERT_ARTICLE, a) != SQLITE_OK)
        rc = lose(s, replace ? "update the article" : "insert the article");
    else if ((!replace && (seq = sqlite3_last_insert_rowid(s->db)) <= 0) ||
             write_tags(s, seq, a) < 0 || (replace && reindex_tags(s, seq) < 0) ||
             write_rules(s, seq, a) < 0 || write_meta(s, seq, a) < 0)
        rc = lose(s, "insert the tags, score rules and meta");
    else if (write_original(s, id, a) < 0)
        rc = lose(s, "store the original bytes");
    return rc;
}

/* End the batch's transaction without keeping anything. */
static void roll_back(struct sq *s)
{
    /* SQLite may have rolled back by itself already (on SQLITE_FULL, for
     * instance): then there is no transaction left to end.  No connection
     * at all: a reopen failed. */
    if (s->db && !sqlite3_get_autocommit(s->db) && run(s, SQ_ROLLBACK) != SQLITE_OK)
        newsd_log(NEWSD_LOG_ERROR, "%s: cannot roll back: %s", s->path, sqlite3_errmsg(s->db));
    s->in_tx = 0;
    s->lost = 0;
    writer_done(s);
    int fault = s->fault ? s->fault : SQLITE_ERROR;
    s->fault = 0;
    sq_after_batch(s, fault);
}

int sq_commit(void *state)
{
    struct sq *s = state;
    if (s->lost) {
        newsd_log(NEWSD_LOG_ERROR, "%zu article%s of this batch not stored (the first error is "
                  "logged above); the batch is rolled back and retried", s->lost,
                  s->lost == 1 ? "" : "s");
        roll_back(s);
        return NEWSD_ERROR;
    }
    if (!s->in_tx)
        return NEWSD_OK;
    /* The originals' links and data first: a committed row must find its
     * original after a power cut (originals.c). */
    long long t0 = sq_now_us();
    if (sq_originals_sync(s) != NEWSD_OK) {
        roll_back(s);
        return NEWSD_ERROR;
    }
    long long t1 = sq_now_us();
    int rc = run(s, SQ_COMMIT);
    /* Which flush a slow commit waited for: syncfs() waits for every dirty
     * page of the file system (other programs' too), the COMMIT for the
     * WAL's fsync (docs/architecture.md, "Latency at a steady rate"). */
    newsd_log(NEWSD_LOG_DEBUG, "%s: commit: originals flushed in %.1f ms, COMMIT in %.1f ms", s->path,
              (double)(t1 - t0) / 1000, (double)(sq_now_us() - t1) / 1000);
    if (rc != SQLITE_OK) {
        char os[128];
        newsd_log(NEWSD_LOG_ERROR, "%s: cannot commit the batch: %s%s; it is rolled back and retried",
                  s->path, sqlite3_errmsg(s->db), sq_os_error(s, s->db, os, sizeof os));
        if (!s->fault)
            s->fault = rc;
        note_fault(s);
        roll_back(s);
        return NEWSD_ERROR;
    }
    s->in_tx = 0;
    writer_done(s);
    sq_indexer_wake(s);     /* the new rows are durable: index them */
    sq_after_batch(s, 0);
    return NEWSD_OK;
}
