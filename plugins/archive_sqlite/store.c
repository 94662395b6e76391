/*
 * archive_sqlite: archive() and commit(), one transaction per batch.
 *
 * The first archive() of a batch begins a transaction (BEGIN IMMEDIATE:
 * take the write lock now, so a busy database shows up here and not at
 * COMMIT); every archive() of the batch inserts inside it; commit() commits
 * it.  With journal_mode=WAL and synchronous=FULL a COMMIT is one append to
 * the WAL and one fsync, whatever the batch size: that is the group commit.
 *
 * Faults of the archive (busy, disk full, I/O error, out of memory) are not
 * the article's: archive() logs them, counts the article as lost and
 * returns NEWSD_OK; commit() then rolls the whole batch back and returns
 * NEWSD_ERROR, newsd keeps the articles in work/ and hands the batch over
 * again later.  Since the rollback removed everything, seeing the same
 * articles again is the normal case and needs nothing special.  Only an id
 * that is not an id is the article's fault.
 *
 * Dedup: articles.id is UNIQUE.  An id that is archived (or earlier in this
 * batch: the transaction sees its own rows) is a duplicate: a row goes into
 * `duplicates` and archive() returns NEWSD_DUPLICATE.  While an article is
 * being reprocessed its row is updated in place (same seq, so a paging
 * cursor over ids is not disturbed) and its tags, rules and meta replaced.
 *
 * What is stored is taken from newsd_article_to_json(): the record is the
 * documented shape, and it carries `processed`, which the ABI has no
 * accessor for, and a `source` that is valid UTF-8 whatever the file name.
 */
#include "sq.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define ID_LEN 32

static const char *const SQL[SQ_N_STMTS] = {
    [SQ_BEGIN] = "BEGIN IMMEDIATE",
    [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",
    [SQ_EXISTS] = "SELECT 1 FROM articles WHERE id = ?1",
    [SQ_INSERT_ARTICLE] =
        "INSERT INTO articles (id, source, size, format, encoding, received, processed, title,"
        " body, lang, url, author, published, score_total)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    [SQ_UPDATE_ARTICLE] =
        "UPDATE articles SET source = ?2, size = ?3, format = ?4, encoding = ?5, received = ?6,"
        " processed = ?7, title = ?8, body = ?9, lang = ?10, url = ?11, author = ?12,"
        " published = ?13, score_total = ?14 WHERE id = ?1",
    [SQ_INSERT_TAG] =
        "INSERT INTO tags (article_id, pos, name, weight, plugin) VALUES (?1, ?2, ?3, ?4, ?5)",
    [SQ_INSERT_RULE] =
        "INSERT INTO score_rules (article_id, pos, rule, points, reason, plugin)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [SQ_INSERT_META] = "INSERT INTO meta (article_id, pos, key, value) VALUES (?1, ?2, ?3, ?4)",
    [SQ_INSERT_ORIGINAL] = "INSERT OR IGNORE INTO originals (id, data) VALUES (?1, ?2)",
    [SQ_INSERT_DUPLICATE] = "INSERT INTO duplicates (id, source, received) VALUES (?1, ?2, ?3)",
    [SQ_DELETE_TAGS] = "DELETE FROM tags WHERE article_id = ?1",
    [SQ_DELETE_RULES] = "DELETE FROM score_rules WHERE article_id = ?1",
    [SQ_DELETE_META] = "DELETE FROM meta WHERE article_id = ?1",
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

static const char *jstr(const json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v ? v : "";
}

/* A fault of the archive, not of the article: log it and let commit() fail
 * the batch. */
static int lose(struct sq *s, const char *what)
{
    newsd_log(NEWSD_LOG_ERROR, "%s: cannot %s: %s; the batch will be retried", s->path, what,
              sqlite3_errmsg(s->db));
    s->lost++;
    return NEWSD_OK;
}

static int is_lower_hex_id(const char *id)
{
    size_t i = 0;
    for (; id[i]; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return 0;
    return i == ID_LEN;
}

/* 1 if id is archived (or earlier in this batch), 0 if not, -1 on error. */
static int exists(struct sq *s, const char *id)
{
    sqlite3_stmt *st = s->stmt[SQ_EXISTS];
    bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int write_fields(struct sq *s, enum sq_stmt k, const json_t *rec)
{
    sqlite3_stmt *st = s->stmt[k];
    static const char *const text[] = {"id", "source", NULL, "format", "encoding", "received",
                                       "processed", "title", "body", "lang", "url", "author",
                                       "published"};
    for (int i = 0; i < (int)(sizeof text / sizeof *text); i++)
        if (text[i])
            bind_text(st, i + 1, jstr(rec, text[i]));
    sqlite3_bind_int64(st, 3, (sqlite3_int64)json_integer_value(json_object_get(rec, "size")));
    json_t *score = json_object_get(rec, "score");
    sqlite3_bind_double(st, 14, json_number_value(json_object_get(score, "total")));
    return run(s, k);
}

static int write_tags(struct sq *s, const char *id, const json_t *rec)
{
    size_t i;
    json_t *t;
    sqlite3_stmt *st = s->stmt[SQ_INSERT_TAG];
    json_array_foreach(json_object_get(rec, "tags"), i, t) {
        bind_text(st, 1, id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        bind_text(st, 3, jstr(t, "name"));
        sqlite3_bind_double(st, 4, json_number_value(json_object_get(t, "weight")));
        bind_text(st, 5, jstr(t, "plugin"));
        if (run(s, SQ_INSERT_TAG) != SQLITE_OK)
            return -1;
    }
    return 0;
}

static int write_rules(struct sq *s, const char *id, const json_t *rec)
{
    size_t i;
    json_t *r;
    sqlite3_stmt *st = s->stmt[SQ_INSERT_RULE];
    json_array_foreach(json_object_get(json_object_get(rec, "score"), "rules"), i, r) {
        bind_text(st, 1, id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        bind_text(st, 3, jstr(r, "rule"));
        sqlite3_bind_double(st, 4, json_number_value(json_object_get(r, "points")));
        bind_text(st, 5, jstr(r, "reason"));
        bind_text(st, 6, jstr(r, "plugin"));
        if (run(s, SQ_INSERT_RULE) != SQLITE_OK)
            return -1;
    }
    return 0;
}

static int write_meta(struct sq *s, const char *id, const json_t *rec)
{
    const char *key;
    json_t *v;
    sqlite3_int64 pos = 0;
    sqlite3_stmt *st = s->stmt[SQ_INSERT_META];
    json_object_foreach(json_object_get(rec, "meta"), key, v) {
        bind_text(st, 1, id);
        sqlite3_bind_int64(st, 2, pos++);
        bind_text(st, 3, key);
        bind_text(st, 4, json_string_value(v));
        if (run(s, SQ_INSERT_META) != SQLITE_OK)
            return -1;
    }
    return 0;
}

static int delete_children(struct sq *s, const char *id)
{
    static const enum sq_stmt del[] = {SQ_DELETE_TAGS, SQ_DELETE_RULES, SQ_DELETE_META};
    for (size_t i = 0; i < sizeof del / sizeof *del; i++) {
        bind_text(s->stmt[del[i]], 1, id);
        if (run(s, del[i]) != SQLITE_OK)
            return -1;
    }
    return 0;
}

static int write_original(struct sq *s, const char *id, const newsd_article *a)
{
    size_t len = 0;
    const unsigned char *raw = newsd_article_raw(a, &len);
    sqlite3_stmt *st = s->stmt[SQ_INSERT_ORIGINAL];
    bind_text(st, 1, id);
    sqlite3_bind_blob64(st, 2, raw ? (const void *)raw : "", raw ? len : 0, SQLITE_STATIC);
    return run(s, SQ_INSERT_ORIGINAL) == SQLITE_OK ? 0 : -1;
}

static int note_duplicate(struct sq *s, const char *id, newsd_article *a)
{
    char *json = newsd_article_to_json(a);
    json_t *rec = json ? json_loads(json, 0, NULL) : NULL;
    free(json);
    if (!rec)
        return lose(s, "record a duplicate (out of memory)");
    sqlite3_stmt *st = s->stmt[SQ_INSERT_DUPLICATE];
    bind_text(st, 1, id);
    bind_text(st, 2, jstr(rec, "source"));
    bind_text(st, 3, jstr(rec, "received"));
    int rc = run(s, SQ_INSERT_DUPLICATE);
    json_decref(rec);
    if (rc != SQLITE_OK)
        return lose(s, "record a duplicate");
    return NEWSD_DUPLICATE;
}

int sq_archive(void *state, newsd_article *a)
{
    struct sq *s = state;
    const char *id = newsd_article_get(a, NEWSD_FIELD_ID);
    if (!is_lower_hex_id(id))
        return newsd_article_fail(a, "article id \"%.40s\" is not %d lowercase hex digits", id, ID_LEN);
    if (s->lost) {
        s->lost++;         /* the batch fails anyway: spare the work */
        return NEWSD_OK;
    }
    if (!s->in_tx) {
        if (run(s, SQ_BEGIN) != SQLITE_OK)
            return lose(s, "begin a transaction");
        s->in_tx = 1;
    }
    int found = exists(s, id);
    if (found < 0)
        return lose(s, "look the id up");
    int replace = found && newsd_article_reprocessing(a);
    if (found && !replace)
        return note_duplicate(s, id, a);

    char *json = newsd_article_to_json(a);
    json_t *rec = json ? json_loads(json, 0, NULL) : NULL;
    free(json);
    if (!rec) {
        newsd_log(NEWSD_LOG_ERROR, "cannot make the JSON record: out of memory");
        s->lost++;
        return NEWSD_OK;
    }
    int rc = NEWSD_OK;
    if (replace && delete_children(s, id) < 0)
        rc = lose(s, "remove the old tags of a reprocessed article");
    else if (write_fields(s, replace ? SQ_UPDATE_ARTICLE : SQ_INSERT_ARTICLE, rec) != SQLITE_OK)
        rc = lose(s, replace ? "update the article" : "insert the article");
    else if (write_tags(s, id, rec) < 0 || write_rules(s, id, rec) < 0 || write_meta(s, id, rec) < 0)
        rc = lose(s, "insert the tags, score rules and meta");
    else if (write_original(s, id, a) < 0)
        rc = lose(s, "store the original bytes");
    json_decref(rec);
    return rc;
}

/* End the batch's transaction without keeping anything. */
static void roll_back(struct sq *s)
{
    /* SQLite may have rolled back by itself already (on SQLITE_FULL, for
     * instance): then there is no transaction left to end. */
    if (!sqlite3_get_autocommit(s->db) && run(s, SQ_ROLLBACK) != SQLITE_OK)
        newsd_log(NEWSD_LOG_ERROR, "%s: cannot roll back: %s", s->path, sqlite3_errmsg(s->db));
    s->in_tx = 0;
    s->lost = 0;
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
    if (run(s, SQ_COMMIT) != SQLITE_OK) {
        newsd_log(NEWSD_LOG_ERROR, "%s: cannot commit the batch: %s; it is rolled back and retried",
                  s->path, sqlite3_errmsg(s->db));
        roll_back(s);
        return NEWSD_ERROR;
    }
    s->in_tx = 0;
    return NEWSD_OK;
}
