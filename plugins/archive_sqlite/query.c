/*
 * archive_sqlite: answer(), the archive's answers to newsctl and the control
 * API (docs/api.md "Archive queries").  newsd has checked the query and puts
 * the answer together; this file only finds the rows.  SQLite writes the
 * JSON of each item and record itself (json_object), so the record's shape
 * lives in one SQL expression rather than in C beside it.
 *
 * answer() runs on a thread of its own while archive()/commit() may run on
 * another.  It uses a second, read-only connection (WAL lets it read a
 * consistent snapshot while the writer writes), opened on the first query
 * and serialised by read_lock: an SQLite connection is used by one thread
 * at a time.  Each query runs in one read transaction, so a count and the
 * page it belongs to come from the same snapshot.  A query that fails for
 * the database's sake closes that connection, so that the next one opens
 * the file afresh (it may have been restored meanwhile).
 */
#include "sq.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Snippet: this many tokens around the hits, hits between these markers. */
#define SNIPPET_TOKENS 16
#define HIT_OPEN "["
#define HIT_CLOSE "]"

/* A REAL as a JSON number that reads back as the same double: json_object()
 * writes 15 significant digits, which is not always enough. */
#define NUM(x) "json(printf('%!.17g', " x "))"

/* The record of docs/record.md for the article row a.  The subqueries'
 * results are JSON text that json() marks as such again (the mark does not
 * leave a subquery); their ORDER BY gives the aggregates the rows in the
 * order plugins added them. */
#define RECORD_JSON                                                                                  \
    "json_object('id', a.id, 'source', a.source, 'size', a.size, 'format', a.format,"                \
    " 'encoding', a.encoding, 'received', a.received, 'processed', a.processed, 'title', a.title,"   \
    " 'body', a.body, 'lang', a.lang, 'url', a.url, 'author', a.author, 'published', a.published,"   \
    " 'tags', json((SELECT json_group_array(json_object('name', name, 'weight', " NUM("weight")      \
    "   , 'plugin', plugin)) FROM (SELECT * FROM tags WHERE seq = a.seq ORDER BY pos))),"     \
    " 'score', json_object('total', " NUM("a.score_total") ", 'rules', json((SELECT"                \
    "   json_group_array(json_object('rule', rule, 'points', " NUM("points") ", 'reason', reason,"   \
    "   'plugin', plugin)) FROM (SELECT * FROM score_rules WHERE seq = a.seq ORDER BY pos)))),"  \
    " 'action', a.action, 'meta', json((SELECT json_group_object(key, value)"                         \
    "   FROM (SELECT * FROM meta WHERE seq = a.seq ORDER BY pos))))"

/* Articles archived but not yet in the full-text index (indexer.c): rows
 * above the high-water mark, a range scan of the primary key. */
#define INDEX_PENDING "(SELECT count(*) FROM articles WHERE seq > (SELECT seq FROM fts_mark))"

struct ask {
    struct sq *s;
    sqlite3 *db;
    const struct newsd_query *q;
    newsd_answer *ans;
};

static int db_fail(struct ask *k, const char *what)
{
    return newsd_answer_fail(k->ans, NEWSD_QUERY_UNAVAILABLE, "archive_sqlite cannot %s: %s", what,
                             sqlite3_errmsg(k->db));
}

static void bind_str(sqlite3_stmt *st, int i, const char *v)
{
    sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "null";
}

/* ---- search text ------------------------------------------------------------ */

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

/* Plain words: each whitespace-separated word becomes an FTS5 string
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

/* ---- ops ----------------------------------------------------------------- */

/* max_score (since 1.4), read only when the daemon's query has it. */
static int has_max_score(const struct newsd_query *q)
{
    return q->struct_size >= offsetof(struct newsd_query, max_score) + sizeof q->max_score && q->has_max_score;
}

/* The seqs of the articles with a tag whose name matches cond: tag_index
 * holds the indexed ones, `tags` (by its seq key) those the indexer has
 * not reached (schema.c, step 7).  cond's parameters come twice. */
#define TAGGED(cond) \
    "SELECT seq FROM tag_index WHERE " cond \
    " UNION ALL SELECT seq FROM tags WHERE seq > (SELECT seq FROM fts_mark) AND " cond

/* The filters of search, list, export and ids (newsd clears those an op
 * does not take) as a WHERE clause on the articles row a; bind_filters()
 * fills its parameters in the same order. */
static void where_clause(const struct newsd_query *q, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s%s%s%s%s%s%s",
             q->tag ? " AND a.seq IN (" TAGGED("name = ?") ")" : "",
             q->tag_prefix ? " AND a.seq IN (" TAGGED("name >= ? AND name < ?") ")" : "",
             q->has_min_score ? " AND a.score_total >= ?" : "",
             has_max_score(q) ? " AND a.score_total <= ?" : "",
             q->since ? " AND a.received >= ?" : "",
             q->until ? " AND a.received < ?" : "",
             q->lang ? " AND a.lang = ?" : "",
             q->action ? " AND a.action = ?" : "",
             q->hide_action ? " AND a.action <> ?" : "");
}

/* Bind the filters from parameter *i on; returns -1 when out of memory. */
static int bind_filters(sqlite3_stmt *st, const struct newsd_query *q, int *i)
{
    for (int twice = 0; q->tag && twice < 2; twice++)
        bind_str(st, (*i)++, q->tag);
    if (q->tag_prefix) {
        /* Every name that starts with the prefix sorts between the prefix
         * and the prefix + 0xFF, a byte that UTF-8 never uses. */
        size_t len = strlen(q->tag_prefix);
        char *end = malloc(len + 2);
        if (!end)
            return -1;
        memcpy(end, q->tag_prefix, len);
        end[len] = (char)0xff;
        end[len + 1] = '\0';
        for (int twice = 0; twice < 2; twice++) {
            bind_str(st, (*i)++, q->tag_prefix);
            sqlite3_bind_text(st, (*i)++, end, (int)len + 1, twice ? free : SQLITE_TRANSIENT);
        }
    }
    if (q->has_min_score)
        sqlite3_bind_double(st, (*i)++, q->min_score);
    if (has_max_score(q))
        sqlite3_bind_double(st, (*i)++, q->max_score);
    if (q->since)
        bind_str(st, (*i)++, q->since);
    if (q->until)
        bind_str(st, (*i)++, q->until);
    if (q->lang)
        bind_str(st, (*i)++, q->lang);
    if (q->action)
        bind_str(st, (*i)++, q->action);
    if (q->hide_action)
        bind_str(st, (*i)++, q->hide_action);
    return 0;
}


/* The search's failure: what FTS5 says of a query it cannot parse ("fts5:
 * syntax error near ...", "no such column: x") is the best reason to give;
 * any other failure is the database's. */
static int search_fail(struct ask *k, int rc)
{
    if ((rc & 0xff) == SQLITE_ERROR)
        return newsd_answer_fail(k->ans, NEWSD_QUERY_BAD_REQUEST, "bad search query \"%.200s\": %s", k->q->q,
                                 sqlite3_errmsg(k->db));
    return db_fail(k, "search");
}

static int op_search(struct ask *k)
{
    const struct newsd_query *q = k->q;
    char *expr = q->words ? words_to_fts(q->q) : strdup(q->q);
    if (!expr && q->words)
        return newsd_answer_fail(k->ans, NEWSD_QUERY_BAD_REQUEST, "q=%.200s has no word", q->q);
    char *fts = expr ? fold_eszett(expr) : NULL;
    free(expr);
    if (!fts)
        return newsd_answer_fail(k->ans, NEWSD_QUERY_UNAVAILABLE, "archive_sqlite: out of memory");

    /* Search covers indexed articles only; "pending" tells the caller how
     * many archived ones it cannot see yet (same snapshot as the hits).
     * The filters are LIST's (where_clause), on the article row of each
     * match: total counts only the matches that pass them. */
    char where[1024], sql[3072];
    where_clause(q, where, sizeof where);
    /* Without filters the index alone counts: no row of articles is read. */
    snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM articles_fts%s WHERE articles_fts MATCH ?%s), "
             INDEX_PENDING, *where ? " JOIN articles a ON a.seq = articles_fts.rowid" : "", where);
    sqlite3_stmt *st = NULL;
    int i = 1, rc = sqlite3_prepare_v2(k->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        free(fts);
        return search_fail(k, rc);
    }
    bind_str(st, i++, fts);
    rc = bind_filters(st, q, &i) == 0 ? sqlite3_step(st) : SQLITE_NOMEM;
    if (rc == SQLITE_ROW) {
        newsd_answer_total(k->ans, sqlite3_column_int64(st, 0));
        newsd_answer_member(k->ans, "pending", col_text(st, 1));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
        free(fts);
        return search_fail(k, rc);
    }
    /* bm25 with the title weighing five times the body: a word in the
     * headline says more about an article than one in its text.  It is
     * given as the rank function ("rank MATCH") and sorted by the rank
     * column, not as ORDER BY bm25(...): FTS5 then ranks the matches
     * itself and computes snippets only for the page; for 4,000 matches
     * among 100,000 articles that is 8 ms instead of 22. */
    snprintf(sql, sizeof sql,
             "SELECT json_object('id', a.id, 'title', a.title, 'score_total', %s, 'received', a.received,"
             " 'snippet', snippet(articles_fts, -1, '" HIT_OPEN "', '" HIT_CLOSE "', '…', ?), 'rank', %s)"
             " FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid"
             " WHERE articles_fts MATCH ? AND rank MATCH 'bm25(5.0, 1.0)'%s"
             " ORDER BY rank LIMIT ? OFFSET ?", NUM("a.score_total"), NUM("rank"), where);
    i = 1;
    st = NULL;
    rc = sqlite3_prepare_v2(k->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int(st, i++, SNIPPET_TOKENS);
        bind_str(st, i++, fts);
        rc = bind_filters(st, q, &i) == 0 ? SQLITE_OK : SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, i++, q->limit);
        sqlite3_bind_int64(st, i++, q->offset);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && newsd_answer_item(k->ans, col_text(st, 0)) == NEWSD_OK)
            ;
    }
    sqlite3_finalize(st);
    free(fts);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? NEWSD_QUERY_OK : search_fail(k, rc);
}

static int op_list(struct ask *k)
{
    char where[1024], sql[3072];
    sqlite3_stmt *st = NULL;
    int i = 1;

    where_clause(k->q, where, sizeof where);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM articles a WHERE 1%s", where);
    int rc = sqlite3_prepare_v2(k->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && bind_filters(st, k->q, &i) == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
        newsd_answer_total(k->ans, sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return db_fail(k, "list");

    snprintf(sql, sizeof sql,
             "SELECT json_object('id', a.id, 'title', a.title, 'score_total', %s, 'received', a.received,"
             " 'source', a.source, 'lang', a.lang, 'action', a.action) FROM articles a"
             " WHERE 1%s ORDER BY a.received DESC, a.seq DESC LIMIT ? OFFSET ?", NUM("a.score_total"), where);
    i = 1;
    st = NULL;
    rc = sqlite3_prepare_v2(k->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && bind_filters(st, k->q, &i) == 0) {
        sqlite3_bind_int64(st, i++, k->q->limit);
        sqlite3_bind_int64(st, i++, k->q->offset);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && newsd_answer_item(k->ans, col_text(st, 0)) == NEWSD_OK)
            ;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? NEWSD_QUERY_OK : db_fail(k, "list");
}

static int op_show(struct ask *k)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(k->db, "SELECT " RECORD_JSON " FROM articles a WHERE a.id = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return db_fail(k, "read an article");
    bind_str(st, 1, k->q->id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        newsd_answer_json(k->ans, col_text(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return newsd_answer_fail(k->ans, NEWSD_QUERY_NOT_FOUND, "article %s not found in the archive", k->q->id);
    return rc == SQLITE_ROW ? NEWSD_QUERY_OK : db_fail(k, "read an article");
}

/* export and ids: pages of the archive in the order it was written, with
 * a cursor (the last row's seq) rather than an offset, so that paging
 * through a large archive costs the same on every page and an article
 * archived meanwhile is not seen twice. */
static int op_page(struct ask *k)
{
    int records = k->q->op == NEWSD_QUERY_EXPORT;
    char where[1024], sql[4096];
    where_clause(k->q, where, sizeof where);
    snprintf(sql, sizeof sql, "SELECT a.seq, %s FROM articles a WHERE 1%s AND a.seq > ?"
             " ORDER BY a.seq LIMIT ?", records ? RECORD_JSON : "json_quote(a.id)", where);
    sqlite3_stmt *st = NULL;
    int64_t last = 0, n = 0;
    int i = 1, rc = sqlite3_prepare_v2(k->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && bind_filters(st, k->q, &i) == 0) {
        sqlite3_bind_int64(st, i++, k->q->cursor);
        sqlite3_bind_int64(st, i++, k->q->limit + 1);   /* one more: is there a next page? */
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (n == k->q->limit) {
                newsd_answer_next_cursor(k->ans, last);
                break;
            }
            last = sqlite3_column_int64(st, 0);
            n++;
            if (newsd_answer_item(k->ans, col_text(st, 1)) != NEWSD_OK)
                break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? NEWSD_QUERY_OK : db_fail(k, records ? "export" : "list ids");
}

static int op_stats(struct ask *k)
{
    char wal[4096];
    struct stat w;
    snprintf(wal, sizeof wal, "%s-wal", k->s->path);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(k->db,
                                "SELECT json_object('backend', 'sqlite', 'path', ?1, 'schema_version',"
                                " (SELECT user_version FROM pragma_user_version),"
                                " 'articles', (SELECT count(*) FROM articles),"
                                " 'tags', (SELECT count(*) FROM tags),"
                                " 'score_rules', (SELECT count(*) FROM score_rules),"
                                " 'duplicates', (SELECT count(*) FROM duplicates),"
                                " 'originals_bytes', (SELECT coalesce(sum(size), 0) FROM articles),"
                                " 'db_bytes', (SELECT page_count FROM pragma_page_count)"
                                "   * (SELECT page_size FROM pragma_page_size),"
                                " 'wal_bytes', ?2, 'index_pending', " INDEX_PENDING ")",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_str(st, 1, k->s->path);
        sqlite3_bind_int64(st, 2, stat(wal, &w) == 0 ? (sqlite3_int64)w.st_size : 0);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW)
            newsd_answer_json(k->ans, col_text(st, 0));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? NEWSD_QUERY_OK : db_fail(k, "count");
}

/* A file beside the database (originals.c), given by its path (newsd
 * links it for reprocessing: no copy), else a BLOB: an archive written
 * before schema version 5, or an article whose work file could not be
 * linked. */
static int op_original(struct ask *k)
{
    char *path = NULL;
    int found = sq_originals_find(k->s, k->q->id, &path);
    if (found == 1) {
        int rc = newsd_answer_original_path(k->ans, path);
        free(path);
        return rc == NEWSD_OK ? NEWSD_QUERY_OK : NEWSD_QUERY_UNAVAILABLE;
    }
    if (found < 0)
        return newsd_answer_fail(k->ans, NEWSD_QUERY_UNAVAILABLE, "cannot look up the original of %s in %s: %s",
                                 k->q->id, k->s->orig_dir, strerror(errno));
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(k->db, "SELECT data FROM originals WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_fail(k, "read an original");
    bind_str(st, 1, k->q->id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        newsd_answer_original_bytes(k->ans, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return newsd_answer_fail(k->ans, NEWSD_QUERY_NOT_FOUND, "original of %s not found in the archive",
                                 k->q->id);
    return rc == SQLITE_ROW ? NEWSD_QUERY_OK : db_fail(k, "read an original");
}

/* ---- answer() ----------------------------------------------------------------- */

static int open_reader(struct sq *s, newsd_answer *ans)
{
    if (s->rdb)
        return NEWSD_QUERY_OK;
    if (sqlite3_open_v2(s->path, &s->rdb, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sq_fold_register(s->rdb) != SQLITE_OK) {
        int rc = newsd_answer_fail(ans, NEWSD_QUERY_UNAVAILABLE, "archive_sqlite cannot open %s for reading: %s",
                                   s->path, s->rdb ? sqlite3_errmsg(s->rdb) : "out of memory");
        sqlite3_close(s->rdb);
        s->rdb = NULL;
        return rc;
    }
    sqlite3_busy_timeout(s->rdb, s->opt.busy_timeout_ms);
    return NEWSD_QUERY_OK;
}

static int dispatch(struct ask *k)
{
    switch (k->q->op) {
    case NEWSD_QUERY_SEARCH: return op_search(k);
    case NEWSD_QUERY_LIST: return op_list(k);
    case NEWSD_QUERY_SHOW: return op_show(k);
    case NEWSD_QUERY_EXPORT:
    case NEWSD_QUERY_IDS: return op_page(k);
    case NEWSD_QUERY_STATS: return op_stats(k);
    case NEWSD_QUERY_ORIGINAL: return op_original(k);
    }
    return newsd_answer_fail(k->ans, NEWSD_QUERY_UNSUPPORTED, "archive_sqlite does not answer query op %d",
                             (int)k->q->op);
}

int sq_answer(void *state, const struct newsd_query *q, newsd_answer *ans)
{
    struct sq *s = state;
    pthread_mutex_lock(&s->read_lock);
    int rc = open_reader(s, ans);
    if (rc == NEWSD_QUERY_OK) {
        struct ask k = {.s = s, .db = s->rdb, .q = q, .ans = ans};
        /* One read transaction: every statement sees the same snapshot. */
        sqlite3_exec(s->rdb, "BEGIN", NULL, NULL, NULL);
        rc = dispatch(&k);
        sqlite3_exec(s->rdb, "COMMIT", NULL, NULL, NULL);
        if (rc == NEWSD_QUERY_UNAVAILABLE) {
            sqlite3_close(s->rdb);
            s->rdb = NULL;
        }
    }
    pthread_mutex_unlock(&s->read_lock);
    return rc;
}
