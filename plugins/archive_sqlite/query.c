/*
 * archive_sqlite: query(), the archive's answers to newsctl and the control
 * API.  Requests and responses are JSON; the ops are documented in
 * docs/api.md ("Archive queries").
 *
 * query() runs on a thread of its own while archive()/commit() may run on
 * another.  It uses a second, read-only connection (WAL lets it read a
 * consistent snapshot while the writer writes), opened on the first query
 * and serialised by read_lock: an SQLite connection is used by one thread
 * at a time.  Each request runs in one read transaction, so a count and the
 * page it belongs to come from the same snapshot.
 *
 * Error reasons start with a stable word that a caller can map to a status:
 * "bad request:" (the request is wrong, including bad search syntax),
 * "not found:" (show/original of an unknown id), "archive error:" (the
 * database failed).
 */
#include "sq.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SEARCH_LIMIT_DEFAULT 20
#define LIST_LIMIT_DEFAULT 50
#define PAGE_LIMIT_MAX 1000
#define EXPORT_LIMIT_DEFAULT 100
#define IDS_LIMIT_DEFAULT 1000
#define IDS_LIMIT_MAX 100000
/* Snippet: this many tokens around the hits, hits between these markers. */
#define SNIPPET_TOKENS 16
#define HIT_OPEN "["
#define HIT_CLOSE "]"

struct req {
    struct sq *s;
    const json_t *body;
    char *err;            /* malloc'd reason on failure */
};

static json_t *fail(struct req *r, const char *fmt, ...) NEWSD_PRINTF(2, 3);
static json_t *fail(struct req *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!r->err && vasprintf(&r->err, fmt, ap) < 0)
        r->err = NULL;
    va_end(ap);
    return NULL;
}

static json_t *db_fail(struct req *r, const char *what)
{
    return fail(r, "archive error: %s: %s", what, sqlite3_errmsg(r->s->rdb));
}

/* ---- request parameters ------------------------------------------------ */

/* The string at key, NULL when absent; *bad when present but no string. */
static const char *param_str(struct req *r, const char *key, int *bad)
{
    json_t *v = json_object_get(r->body, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        fail(r, "bad request: \"%s\" must be a string", key);
        *bad = 1;
        return NULL;
    }
    return json_string_value(v);
}

static long long param_int(struct req *r, const char *key, long long def, long long min,
                           long long max, int *bad)
{
    json_t *v = json_object_get(r->body, key);
    if (!v || json_is_null(v))
        return def;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        fail(r, "bad request: \"%s\" must be an integer from %lld to %lld", key, min, max);
        *bad = 1;
        return def;
    }
    return json_integer_value(v);
}

/* ---- small helpers ----------------------------------------------------- */

static json_t *col_str(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return json_string(t ? (const char *)t : "");
}

static void bind_str(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* A growing string. */
struct str {
    char *p;
    size_t len, cap;
};

static int str_add(struct str *s, const char *data, size_t len)
{
    if (s->len + len + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 64;
        while (cap < s->len + len + 1)
            cap *= 2;
        char *p = realloc(s->p, cap);
        if (!p)
            return -1;
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->len, data, len);
    s->len += len;
    s->p[s->len] = '\0';
    return 0;
}

/* ß and ẞ become ss and SS, as in the index (SQ_FOLD_SQL). */
static char *fold_eszett(const char *q)
{
    struct str out = {0};
    int ok = str_add(&out, "", 0) == 0;
    for (const char *c = q; ok && *c;) {
        if (strncmp(c, "\xc3\x9f", 2) == 0) {
            ok = str_add(&out, "ss", 2) == 0;
            c += 2;
        } else if (strncmp(c, "\xe1\xba\x9e", 3) == 0) {
            ok = str_add(&out, "SS", 2) == 0;
            c += 3;
        } else {
            ok = str_add(&out, c, 1) == 0;
            c++;
        }
    }
    if (!ok) {
        free(out.p);
        return NULL;
    }
    return out.p;
}

/* "words" mode: each whitespace-separated word becomes an FTS5 string
 * ("KI-Chiphersteller" -> "KI-Chiphersteller", i.e. the phrase ki
 * chiphersteller), all of them required; a trailing * keeps its meaning
 * as a prefix.  No syntax error is possible.  NULL when q has no word. */
static char *words_to_fts(const char *q)
{
    struct str out = {0};
    int ok = 1, words = 0;
    const char *c = q;
    while (ok && *c) {
        while (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r')
            c++;
        const char *start = c;
        while (*c && *c != ' ' && *c != '\t' && *c != '\n' && *c != '\r')
            c++;
        size_t len = (size_t)(c - start);
        int prefix = len > 1 && start[len - 1] == '*';
        if (prefix)
            len--;
        if (len == 0 || (len == 1 && *start == '*'))
            continue;
        ok = (!words || str_add(&out, " ", 1) == 0) && str_add(&out, "\"", 1) == 0;
        for (size_t i = 0; ok && i < len; i++)
            ok = str_add(&out, start + i, 1) == 0 && (start[i] != '"' || str_add(&out, "\"", 1) == 0);
        ok = ok && str_add(&out, prefix ? "\"*" : "\"", prefix ? 2 : 1) == 0;
        words++;
    }
    if (!ok || !words) {
        free(out.p);
        return NULL;
    }
    return out.p;
}

/* ---- the record --------------------------------------------------------- */

/* The article as the record of docs/record.md, or NULL with *found = 0
 * when there is no such id (or with r->err set on a database error). */
static json_t *record_json(struct req *r, const char *id, int *found)
{
    static const char *const cols[] = {"id", "source", "size", "format", "encoding", "received",
                                       "processed", "title", "body", "lang", "url", "author",
                                       "published"};
    sqlite3 *db = r->s->rdb;
    sqlite3_stmt *st = NULL;
    *found = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, source, size, format, encoding, received, processed, title,"
                           " body, lang, url, author, published, score_total FROM articles"
                           " WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_fail(r, "read an article");
    bind_str(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? NULL : db_fail(r, "read an article");
    }
    *found = 1;
    json_t *rec = json_object();
    for (int i = 0; i < (int)(sizeof cols / sizeof *cols); i++)
        json_object_set_new(rec, cols[i], i == 2 ? json_integer(sqlite3_column_int64(st, i))
                                                 : col_str(st, i));
    double total = sqlite3_column_double(st, 13);
    sqlite3_finalize(st);

    json_t *tags = json_array(), *rules = json_array(), *meta = json_object();
    json_object_set_new(rec, "tags", tags);
    json_object_set_new(rec, "score", json_pack("{s:f, s:o}", "total", total, "rules", rules));
    json_object_set_new(rec, "meta", meta);

    int ok = sqlite3_prepare_v2(db, "SELECT name, weight, plugin FROM tags WHERE article_id = ?1"
                                " ORDER BY pos", -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        bind_str(st, 1, id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(tags, json_pack("{s:o, s:f, s:o}", "name", col_str(st, 0), "weight",
                                                  sqlite3_column_double(st, 1), "plugin", col_str(st, 2)));
        ok = rc == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    ok = ok && sqlite3_prepare_v2(db, "SELECT rule, points, reason, plugin FROM score_rules"
                                  " WHERE article_id = ?1 ORDER BY pos", -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        bind_str(st, 1, id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(rules, json_pack("{s:o, s:f, s:o, s:o}", "rule", col_str(st, 0),
                                                   "points", sqlite3_column_double(st, 1), "reason",
                                                   col_str(st, 2), "plugin", col_str(st, 3)));
        ok = rc == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    ok = ok && sqlite3_prepare_v2(db, "SELECT key, value FROM meta WHERE article_id = ?1 ORDER BY pos",
                                  -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        bind_str(st, 1, id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            json_object_set_new(meta, (const char *)sqlite3_column_text(st, 0), col_str(st, 1));
        ok = rc == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    if (!ok) {
        json_decref(rec);
        return db_fail(r, "read an article's tags, rules and meta");
    }
    return rec;
}

/* ---- ops ----------------------------------------------------------------- */

/* Articles archived but not yet in the full-text index (indexer.c): rows
 * above the high-water mark, a range scan of the primary key.  -1 on
 * error. */
static long long index_pending(struct req *r)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(r->s->rdb, "SELECT count(*) FROM articles"
                           " WHERE seq > (SELECT seq FROM fts_mark)", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static json_t *op_search(struct req *r)
{
    int bad = 0;
    const char *q = param_str(r, "q", &bad);
    const char *mode = param_str(r, "mode", &bad);
    long long limit = param_int(r, "limit", SEARCH_LIMIT_DEFAULT, 1, PAGE_LIMIT_MAX, &bad);
    long long offset = param_int(r, "offset", 0, 0, INT32_MAX, &bad);
    if (bad)
        return NULL;
    if (!q || !*q)
        return fail(r, "bad request: search needs a non-empty \"q\"");
    int words = 0;
    if (mode && strcmp(mode, "words") == 0)
        words = 1;
    else if (mode && strcmp(mode, "fts") != 0)
        return fail(r, "bad request: \"mode\" must be \"fts\" or \"words\", not \"%.40s\"", mode);
    char *expr = words ? words_to_fts(q) : strdup(q);
    if (!expr)
        return fail(r, words ? "bad request: \"q\" has no word" : "archive error: out of memory");
    char *folded = fold_eszett(expr);
    free(expr);
    if (!folded)
        return fail(r, "archive error: out of memory");

    sqlite3 *db = r->s->rdb;
    sqlite3_stmt *st = NULL;
    json_t *out = NULL, *hits = json_array();
    long long total = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_str(st, 1, folded);
        rc = sqlite3_step(st);
        total = sqlite3_column_int64(st, 0);
        rc = rc == SQLITE_ROW ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    st = NULL;
    /* bm25 with the title weighing five times the body: a word in the
     * headline says more about an article than one in its text.  It is
     * given as the rank function ("rank MATCH") and sorted by the rank
     * column, not as ORDER BY bm25(...): FTS5 then ranks the matches
     * itself and computes snippets only for the page; for 4,000 matches
     * among 100,000 articles that is 8 ms instead of 22. */
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db,
                                "SELECT a.id, a.title, a.score_total, a.received,"
                                " snippet(articles_fts, -1, '" HIT_OPEN "', '" HIT_CLOSE "', '…', "
                                "  ?4), rank"
                                " FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid"
                                " WHERE articles_fts MATCH ?1 AND rank MATCH 'bm25(5.0, 1.0)'"
                                " ORDER BY rank LIMIT ?2 OFFSET ?3",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_str(st, 1, folded);
        sqlite3_bind_int64(st, 2, limit);
        sqlite3_bind_int64(st, 3, offset);
        sqlite3_bind_int(st, 4, SNIPPET_TOKENS);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(hits, json_pack("{s:o, s:o, s:f, s:o, s:o, s:f}", "id", col_str(st, 0),
                                                  "title", col_str(st, 1), "score_total",
                                                  sqlite3_column_double(st, 2), "received",
                                                  col_str(st, 3), "snippet", col_str(st, 4), "rank",
                                                  sqlite3_column_double(st, 5)));
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    /* Search covers indexed articles only; "pending" tells the caller how
     * many archived ones it cannot see yet (same snapshot as the hits). */
    long long pending = rc == SQLITE_OK ? index_pending(r) : 0;
    if (rc == SQLITE_OK && pending < 0) {
        db_fail(r, "count the articles waiting for the index");
    } else if (rc == SQLITE_OK) {
        out = json_pack("{s:s, s:I, s:I, s:I, s:I, s:O}", "q", q, "total", (json_int_t)total, "limit",
                        (json_int_t)limit, "offset", (json_int_t)offset, "pending",
                        (json_int_t)pending, "hits", hits);
    } else if ((rc & 0xff) == SQLITE_ERROR) {
        /* What FTS5 says of a query it cannot parse ("fts5: syntax error
         * near ...", "no such column: x") is the best reason to give. */
        fail(r, "bad request: bad search query \"%.200s\": %s", q, sqlite3_errmsg(db));
    } else {
        db_fail(r, "search");
    }
    sqlite3_finalize(st);
    json_decref(hits);
    free(folded);
    return out;
}

/* The WHERE clause of list, export and ids; binds are filled in by
 * bind_filters() in the same order. */
struct filters {
    const char *tag, *tag_prefix, *since, *until, *lang;
    double min_score;
    int has_min_score;
};

static int read_filters(struct req *r, struct filters *f, int with_tags)
{
    int bad = 0;
    memset(f, 0, sizeof *f);
    if (with_tags) {
        f->tag = param_str(r, "tag", &bad);
        f->tag_prefix = param_str(r, "tag_prefix", &bad);
        f->lang = param_str(r, "lang", &bad);
        json_t *v = json_object_get(r->body, "min_score");
        if (v && !json_is_null(v)) {
            if (!json_is_number(v)) {
                fail(r, "bad request: \"min_score\" must be a number");
                return -1;
            }
            f->min_score = json_number_value(v);
            f->has_min_score = 1;
        }
    }
    f->since = param_str(r, "since", &bad);
    f->until = param_str(r, "until", &bad);
    return bad ? -1 : 0;
}

static void where_clause(const struct filters *f, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s%s%s%s",
             f->tag ? " AND a.id IN (SELECT article_id FROM tags WHERE name = ?)" : "",
             f->tag_prefix ? " AND a.id IN (SELECT article_id FROM tags WHERE name >= ? AND name < ?)" : "",
             f->has_min_score ? " AND a.score_total >= ?" : "",
             f->since ? " AND a.received >= ?" : "",
             f->until ? " AND a.received < ?" : "",
             f->lang ? " AND a.lang = ?" : "");
}

/* Bind the filters from parameter *i on; returns -1 when out of memory. */
static int bind_filters(sqlite3_stmt *st, const struct filters *f, int *i)
{
    if (f->tag)
        bind_str(st, (*i)++, f->tag);
    if (f->tag_prefix) {
        /* Every name that starts with the prefix sorts between the prefix
         * and the prefix + 0xFF, a byte that UTF-8 never uses. */
        size_t len = strlen(f->tag_prefix);
        char *end = malloc(len + 2);
        if (!end)
            return -1;
        memcpy(end, f->tag_prefix, len);
        end[len] = (char)0xff;
        end[len + 1] = '\0';
        bind_str(st, (*i)++, f->tag_prefix);
        sqlite3_bind_text(st, (*i)++, end, (int)len + 1, free);
    }
    if (f->has_min_score)
        sqlite3_bind_double(st, (*i)++, f->min_score);
    if (f->since)
        bind_str(st, (*i)++, f->since);
    if (f->until)
        bind_str(st, (*i)++, f->until);
    if (f->lang)
        bind_str(st, (*i)++, f->lang);
    return 0;
}

static json_t *op_list(struct req *r)
{
    int bad = 0;
    struct filters f;
    if (read_filters(r, &f, 1) < 0)
        return NULL;
    long long limit = param_int(r, "limit", LIST_LIMIT_DEFAULT, 1, PAGE_LIMIT_MAX, &bad);
    long long offset = param_int(r, "offset", 0, 0, INT32_MAX, &bad);
    if (bad)
        return NULL;
    char where[512], sql[1024];
    where_clause(&f, where, sizeof where);
    sqlite3 *db = r->s->rdb;
    sqlite3_stmt *st = NULL;
    long long total = 0;
    int i = 1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM articles a WHERE 1%s", where);
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && bind_filters(st, &f, &i) == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        total = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_OK)
        return db_fail(r, "list");

    json_t *items = json_array();
    snprintf(sql, sizeof sql,
             "SELECT a.id, a.title, a.score_total, a.received, a.source, a.lang FROM articles a"
             " WHERE 1%s ORDER BY a.received DESC, a.seq DESC LIMIT ? OFFSET ?", where);
    i = 1;
    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && bind_filters(st, &f, &i) == 0) {
        sqlite3_bind_int64(st, i++, limit);
        sqlite3_bind_int64(st, i++, offset);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            json_array_append_new(items, json_pack("{s:o, s:o, s:f, s:o, s:o, s:o}", "id", col_str(st, 0),
                                                   "title", col_str(st, 1), "score_total",
                                                   sqlite3_column_double(st, 2), "received",
                                                   col_str(st, 3), "source", col_str(st, 4), "lang",
                                                   col_str(st, 5)));
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        json_decref(items);
        return db_fail(r, "list");
    }
    return json_pack("{s:I, s:I, s:I, s:o}", "total", (json_int_t)total, "limit", (json_int_t)limit,
                     "offset", (json_int_t)offset, "items", items);
}

static const char *param_id(struct req *r)
{
    int bad = 0;
    const char *id = param_str(r, "id", &bad);
    if (!bad && (!id || !*id))
        fail(r, "bad request: this op needs an \"id\"");
    return id && *id ? id : NULL;
}

static json_t *op_show(struct req *r)
{
    const char *id = param_id(r);
    if (!id)
        return NULL;
    int found;
    json_t *rec = record_json(r, id, &found);
    if (!rec && !found && !r->err)
        fail(r, "not found: no archived article has id \"%.64s\"", id);
    return rec;
}

/* export and ids: pages of the archive in the order it was written, with
 * a cursor (the last row's seq) rather than an offset, so that paging
 * through a large archive costs the same on every page and an article
 * archived meanwhile is not seen twice. */
static json_t *page(struct req *r, int records)
{
    int bad = 0;
    struct filters f;
    if (read_filters(r, &f, 0) < 0)
        return NULL;
    long long limit = records ? param_int(r, "limit", EXPORT_LIMIT_DEFAULT, 1, PAGE_LIMIT_MAX, &bad)
                              : param_int(r, "limit", IDS_LIMIT_DEFAULT, 1, IDS_LIMIT_MAX, &bad);
    long long cursor = param_int(r, "cursor", 0, 0, INT64_MAX, &bad);
    if (bad)
        return NULL;
    char where[512], sql[1024];
    where_clause(&f, where, sizeof where);
    snprintf(sql, sizeof sql, "SELECT a.seq, a.id FROM articles a WHERE 1%s AND a.seq > ?"
             " ORDER BY a.seq LIMIT ?", where);
    sqlite3_stmt *st = NULL;
    json_t *list = json_array();
    long long last = -1, n = 0;
    int more = 0, i = 1, rc = sqlite3_prepare_v2(r->s->rdb, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && bind_filters(st, &f, &i) == 0) {
        /* bind_filters() numbers from 1; the cursor and limit follow. */
        sqlite3_bind_int64(st, i++, cursor);
        sqlite3_bind_int64(st, i++, limit + 1);   /* one more: is there a next page? */
        while (!r->err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (n == limit) {
                more = 1;
                break;
            }
            const char *id = (const char *)sqlite3_column_text(st, 1);
            last = sqlite3_column_int64(st, 0);
            n++;
            if (!records) {
                json_array_append_new(list, json_string(id));
                continue;
            }
            int found;
            json_t *rec = record_json(r, id, &found);
            if (rec)
                json_array_append_new(list, rec);
        }
        rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
    }
    sqlite3_finalize(st);
    if (r->err || rc != SQLITE_OK) {
        json_decref(list);
        return r->err ? NULL : db_fail(r, records ? "export" : "list ids");
    }
    json_t *next = more ? json_integer(last) : json_null();
    return json_pack("{s:o, s:I, s:o}", records ? "records" : "ids", list, "count", (json_int_t)n,
                     "next_cursor", next);
}

static json_t *op_export(struct req *r)
{
    return page(r, 1);
}

static json_t *op_ids(struct req *r)
{
    return page(r, 0);
}

static long long count_of(struct req *r, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(r->s->rdb, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static long long file_size(const char *path, const char *suffix)
{
    char p[4096];
    struct stat st;
    snprintf(p, sizeof p, "%s%s", path, suffix);
    return stat(p, &st) == 0 ? (long long)st.st_size : 0;
}

static json_t *op_stats(struct req *r)
{
    long long articles = count_of(r, "SELECT count(*) FROM articles");
    long long tags = count_of(r, "SELECT count(*) FROM tags");
    long long rules = count_of(r, "SELECT count(*) FROM score_rules");
    long long dups = count_of(r, "SELECT count(*) FROM duplicates");
    long long orig = count_of(r, "SELECT coalesce(sum(size), 0) FROM articles");
    long long pages = count_of(r, "PRAGMA page_count");
    long long page_size = count_of(r, "PRAGMA page_size");
    long long pending = index_pending(r);
    int version = sq_schema_version(r->s->rdb);
    if (articles < 0 || tags < 0 || rules < 0 || dups < 0 || orig < 0 || pages < 0 || version < 0 ||
        pending < 0)
        return db_fail(r, "count");
    return json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "backend", "sqlite",
                     "path", r->s->path, "schema_version", version, "articles", (json_int_t)articles,
                     "tags", (json_int_t)tags, "score_rules", (json_int_t)rules, "duplicates",
                     (json_int_t)dups, "originals_bytes", (json_int_t)orig, "db_bytes",
                     (json_int_t)(pages * page_size), "wal_bytes",
                     (json_int_t)file_size(r->s->path, "-wal"), "index_pending",
                     (json_int_t)pending);
}

static char *base64(const unsigned char *data, size_t len)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        *o++ = abc[v >> 18 & 63];
        *o++ = abc[v >> 12 & 63];
        *o++ = i + 1 < len ? abc[v >> 6 & 63] : '=';
        *o++ = i + 2 < len ? abc[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

static json_t *op_original(struct req *r)
{
    const char *id = param_id(r);
    if (!id)
        return NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->s->rdb, "SELECT data FROM originals WHERE id = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return db_fail(r, "read an original");
    bind_str(st, 1, id);
    json_t *out = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(st, 0);
        char *b64 = base64(sqlite3_column_blob(st, 0), len);
        if (b64)
            out = json_pack("{s:s, s:I, s:s}", "id", id, "size", (json_int_t)len, "base64", b64);
        else
            fail(r, "archive error: out of memory");
        free(b64);
    } else if (rc == SQLITE_DONE) {
        fail(r, "not found: no archived original has id \"%.64s\"", id);
    } else {
        db_fail(r, "read an original");
    }
    sqlite3_finalize(st);
    return out;
}

/* ---- dispatch -------------------------------------------------------------- */

static const struct {
    const char *name;
    json_t *(*fn)(struct req *r);
} OPS[] = {
    {"search", op_search}, {"list", op_list},   {"show", op_show},         {"export", op_export},
    {"stats", op_stats},   {"ids", op_ids},     {"original", op_original},
};

static int open_reader(struct sq *s, char **reason)
{
    if (s->rdb)
        return 0;
    if (sqlite3_open_v2(s->path, &s->rdb, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        if (asprintf(reason, "archive error: cannot open %s for reading: %s", s->path,
                     s->rdb ? sqlite3_errmsg(s->rdb) : "out of memory") < 0)
            *reason = NULL;
        sqlite3_close(s->rdb);
        s->rdb = NULL;
        return -1;
    }
    sqlite3_busy_timeout(s->rdb, s->opt.busy_timeout_ms);
    return 0;
}

static json_t *dispatch(struct req *r, const char *op)
{
    for (size_t i = 0; i < sizeof OPS / sizeof *OPS; i++)
        if (strcmp(OPS[i].name, op) == 0)
            return OPS[i].fn(r);
    return fail(r, "bad request: unknown op \"%.40s\" (known: search, list, show, export, stats, "
                "original, ids)", op);
}

int sq_query(void *state, const char *request, char **response)
{
    struct sq *s = state;
    struct req r = {.s = s};
    json_error_t jerr;
    json_t *body = json_loads(request ? request : "", 0, &jerr);
    json_t *out = NULL;
    const char *op = json_string_value(json_object_get(body, "op"));
    *response = NULL;
    if (!body || !json_is_object(body)) {
        fail(&r, "bad request: the request is not a JSON object%s%s", body ? "" : ": ",
             body ? "" : jerr.text);
    } else if (!op) {
        fail(&r, "bad request: the request has no \"op\" string");
    } else {
        r.body = body;
        pthread_mutex_lock(&s->read_lock);
        if (open_reader(s, &r.err) == 0) {
            /* One read transaction: every statement sees the same snapshot. */
            sqlite3_exec(s->rdb, "BEGIN", NULL, NULL, NULL);
            out = dispatch(&r, op);
            sqlite3_exec(s->rdb, "COMMIT", NULL, NULL, NULL);
        }
        pthread_mutex_unlock(&s->read_lock);
    }
    json_decref(body);
    if (out) {
        *response = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(out);
        if (*response) {
            free(r.err);
            return NEWSD_OK;
        }
        fail(&r, "archive error: out of memory");
    }
    *response = r.err ? r.err : strdup("archive error: out of memory");
    return NEWSD_ERROR;
}
