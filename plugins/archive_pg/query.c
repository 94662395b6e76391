/*
 * archive_pg: query(), the same ops and answers as archive_sqlite (see
 * docs/api.md "Archive queries"), so that newsctl and the control API work
 * unchanged whichever archive runs.
 *
 * query() runs on a thread of its own while archive()/commit() may run on
 * another: it has a connection of its own (opened on the first query,
 * reset once per query when the server went away), serialised by
 * read_lock.  Each request runs in one READ ONLY REPEATABLE READ
 * transaction, so a count and the page it belongs to come from the same
 * snapshot.
 *
 * Differences from archive_sqlite, which the documentation states: `q` is
 * web-search syntax (websearch_to_tsquery: words ANDed, "a phrase", OR,
 * -word), which never has a syntax error; no prefix*, no NEAR, no column
 * filter; stemming follows each article's language.
 */
#include "pg.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_LIMIT_DEFAULT 20
#define LIST_LIMIT_DEFAULT 50
#define PAGE_LIMIT_MAX 1000
#define EXPORT_LIMIT_DEFAULT 100
#define IDS_LIMIT_DEFAULT 1000
#define IDS_LIMIT_MAX 100000
#define MAX_BINDS 16

struct req {
    struct pg *p;
    PGconn *c;
    const json_t *body;
    const char *search_q; /* set while the search's statements run */
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
    char *m = pg_one_line(PQerrorMessage(r->c));
    fail(r, "archive error: %s: %s", what, m ? m : "out of memory");
    free(m);
    return NULL;
}

/* Run a query with text parameters; NULL (after db_fail) unless it
 * returned rows.  binary: results in binary format (originals). */
static PGresult *run(struct req *r, const char *sql, int n, const char *const *v, int binary,
                     const char *what)
{
    PGresult *res = PQexecParams(r->c, sql, n, NULL, v, NULL, NULL, binary);
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        return res;
    /* The query parsers accept any text, but what the text asks for can
     * still be refused (a word too long for a tsvector: class 54, a bad
     * value: class 22).  That is the request's fault, not the archive's;
     * anything else (connection lost, ...) is the archive's. */
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (r->search_q && state && (strncmp(state, "22", 2) == 0 || strncmp(state, "42", 2) == 0 ||
                                 strncmp(state, "54", 2) == 0)) {
        char *m = pg_one_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
        fail(r, "bad request: bad search query \"%.200s\": %s", r->search_q, m ? m : "");
        free(m);
    } else {
        db_fail(r, what);
    }
    PQclear(res);
    return NULL;
}

/* ---- request parameters ------------------------------------------------ */

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

static json_t *col_str(PGresult *res, int row, int col)
{
    return json_string(PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

static double col_num(PGresult *res, int row, int col)
{
    return strtod(PQgetvalue(res, row, col), NULL);
}

static long long col_int(PGresult *res, int row, int col)
{
    return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* ---- the record --------------------------------------------------------- */

static json_t *record_json(struct req *r, const char *id, int *found)
{
    static const char *const cols[] = {"id", "source", "size", "format", "encoding", "received",
                                       "processed", "title", "body", "lang", "url", "author",
                                       "published"};
    const char *v[1] = {id};
    *found = 0;
    PGresult *res = run(r, "SELECT id, source, size, format, encoding, received, processed, title,"
                        " body, lang, url, author, published, score_total FROM articles WHERE id = $1",
                        1, v, 0, "read an article");
    if (!res)
        return NULL;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return NULL;
    }
    *found = 1;
    json_t *rec = json_object();
    for (int i = 0; i < (int)(sizeof cols / sizeof *cols); i++)
        json_object_set_new(rec, cols[i], i == 2 ? json_integer(col_int(res, 0, i)) : col_str(res, 0, i));
    double total = col_num(res, 0, 13);
    PQclear(res);

    json_t *tags = json_array(), *rules = json_array(), *meta = json_object();
    json_object_set_new(rec, "tags", tags);
    json_object_set_new(rec, "score", json_pack("{s:f, s:o}", "total", total, "rules", rules));
    json_object_set_new(rec, "meta", meta);

    res = run(r, "SELECT name, weight, plugin FROM tags WHERE article_id = $1 ORDER BY pos", 1, v, 0,
              "read an article's tags");
    for (int i = 0; res && i < PQntuples(res); i++)
        json_array_append_new(tags, json_pack("{s:o, s:f, s:o}", "name", col_str(res, i, 0), "weight",
                                              col_num(res, i, 1), "plugin", col_str(res, i, 2)));
    PQclear(res);
    res = r->err ? NULL : run(r, "SELECT rule, points, reason, plugin FROM score_rules"
                              " WHERE article_id = $1 ORDER BY pos", 1, v, 0, "read an article's rules");
    for (int i = 0; res && i < PQntuples(res); i++)
        json_array_append_new(rules, json_pack("{s:o, s:f, s:o, s:o}", "rule", col_str(res, i, 0),
                                               "points", col_num(res, i, 1), "reason",
                                               col_str(res, i, 2), "plugin", col_str(res, i, 3)));
    PQclear(res);
    res = r->err ? NULL : run(r, "SELECT key, value FROM meta WHERE article_id = $1 ORDER BY pos", 1, v,
                              0, "read an article's meta");
    for (int i = 0; res && i < PQntuples(res); i++)
        json_object_set_new(meta, PQgetvalue(res, i, 0), col_str(res, i, 1));
    PQclear(res);
    if (r->err) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

/* ---- ops ----------------------------------------------------------------- */

/* The articles that match $1, each with the query parsed in its own
 * language: three OR'ed conditions that the GIN index answers each (a
 * per-row query would not be indexable).  FN is websearch_to_tsquery or
 * plainto_tsquery. */
#define MATCH(FN) \
    "((a.tsconfig = 'german'::regconfig AND a.tsv @@ " FN "('german', $1))" \
    " OR (a.tsconfig = 'english'::regconfig AND a.tsv @@ " FN "('english', $1))" \
    " OR (a.tsconfig = 'simple'::regconfig AND a.tsv @@ " FN "('simple', $1)))"

/* Title weight (A) five times the body's (B), as archive_sqlite's bm25. */
#define RANK(FN) "ts_rank('{0.1, 0.2, 0.2, 1.0}', a.tsv, " FN "(a.tsconfig, $1))"

#define SEARCH_SQL(FN) \
    "SELECT a.id, a.title, a.score_total, a.received," \
    " ts_headline(a.tsconfig, a.title || E'\\n' || a.body, " FN "(a.tsconfig, $1)," \
    "   'StartSel=[, StopSel=], MaxWords=16, MinWords=8, MaxFragments=2," \
    "    FragmentDelimiter=\" … \"')," \
    " -m.rank" \
    " FROM (SELECT a.seq, " RANK(FN) " AS rank FROM articles a WHERE " MATCH(FN) \
    "       ORDER BY rank DESC, a.seq LIMIT $2 OFFSET $3) m" \
    " JOIN articles a ON a.seq = m.seq ORDER BY m.rank DESC, m.seq"

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
    if (strlen(q) > 4096)
        return fail(r, "bad request: \"q\" is longer than 4096 bytes");

    char lim[24], off[24];
    snprintf(lim, sizeof lim, "%lld", limit);
    snprintf(off, sizeof off, "%lld", offset);
    const char *v[3] = {q, lim, off};
    r->search_q = q;
    PGresult *res = run(r, words ? "SELECT count(*) FROM articles a WHERE " MATCH("plainto_tsquery")
                                 : "SELECT count(*) FROM articles a WHERE " MATCH("websearch_to_tsquery"),
                        1, v, 0, "search");
    if (!res)
        return NULL;
    long long total = col_int(res, 0, 0);
    PQclear(res);
    res = run(r, words ? SEARCH_SQL("plainto_tsquery") : SEARCH_SQL("websearch_to_tsquery"), 3, v, 0,
              "search");
    if (!res)
        return NULL;
    json_t *hits = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(hits, json_pack("{s:o, s:o, s:f, s:o, s:o, s:f}", "id", col_str(res, i, 0),
                                              "title", col_str(res, i, 1), "score_total",
                                              col_num(res, i, 2), "received", col_str(res, i, 3),
                                              "snippet", col_str(res, i, 4), "rank", col_num(res, i, 5)));
    PQclear(res);
    return json_pack("{s:s, s:I, s:I, s:I, s:o}", "q", q, "total", (json_int_t)total, "limit",
                     (json_int_t)limit, "offset", (json_int_t)offset, "hits", hits);
}

struct filters {
    const char *tag, *tag_prefix, *since, *until, *lang;
    char min_score[40];
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
            snprintf(f->min_score, sizeof f->min_score, "%.17g", json_number_value(v));
            f->has_min_score = 1;
        }
    }
    f->since = param_str(r, "since", &bad);
    f->until = param_str(r, "until", &bad);
    return bad ? -1 : 0;
}

/* The WHERE clause and its parameters, numbered from *n + 1. */
static void where_clause(const struct filters *f, char *out, size_t size, const char **v, int *n)
{
    size_t len = 0;
    out[0] = '\0';
#define ADD(cond, val)                                                              \
    do {                                                                            \
        v[*n] = (val);                                                              \
        (*n)++;                                                                     \
        len += (size_t)snprintf(out + len, size - len, cond, *n);                   \
    } while (0)
    if (f->tag)
        ADD(" AND a.id IN (SELECT article_id FROM tags WHERE name = $%d)", f->tag);
    if (f->tag_prefix)
        ADD(" AND a.id IN (SELECT article_id FROM tags WHERE starts_with(name, $%d))", f->tag_prefix);
    if (f->has_min_score)
        ADD(" AND a.score_total >= $%d::float8", f->min_score);
    if (f->since)
        ADD(" AND a.received >= $%d", f->since);
    if (f->until)
        ADD(" AND a.received < $%d", f->until);
    if (f->lang)
        ADD(" AND a.lang = $%d", f->lang);
#undef ADD
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
    const char *v[MAX_BINDS];
    int n = 0;
    char where[768], sql[1536], lim[24], off[24];
    where_clause(&f, where, sizeof where, v, &n);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM articles a WHERE true%s", where);
    PGresult *res = run(r, sql, n, v, 0, "list");
    if (!res)
        return NULL;
    long long total = col_int(res, 0, 0);
    PQclear(res);
    snprintf(lim, sizeof lim, "%lld", limit);
    snprintf(off, sizeof off, "%lld", offset);
    v[n] = lim;
    v[n + 1] = off;
    snprintf(sql, sizeof sql,
             "SELECT a.id, a.title, a.score_total, a.received, a.source, a.lang FROM articles a"
             " WHERE true%s ORDER BY a.received DESC, a.seq DESC LIMIT $%d OFFSET $%d", where, n + 1,
             n + 2);
    res = run(r, sql, n + 2, v, 0, "list");
    if (!res)
        return NULL;
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(res); i++)
        json_array_append_new(items, json_pack("{s:o, s:o, s:f, s:o, s:o, s:o}", "id", col_str(res, i, 0),
                                               "title", col_str(res, i, 1), "score_total",
                                               col_num(res, i, 2), "received", col_str(res, i, 3),
                                               "source", col_str(res, i, 4), "lang", col_str(res, i, 5)));
    PQclear(res);
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

/* export and ids: pages in the order of archiving, with a cursor (the last
 * row's seq), as archive_sqlite does. */
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
    const char *v[MAX_BINDS];
    int n = 0;
    char where[768], sql[1536], cur[24], lim[24];
    where_clause(&f, where, sizeof where, v, &n);
    snprintf(cur, sizeof cur, "%lld", cursor);
    snprintf(lim, sizeof lim, "%lld", limit + 1);   /* one more: is there a next page? */
    v[n] = cur;
    v[n + 1] = lim;
    snprintf(sql, sizeof sql, "SELECT a.seq, a.id FROM articles a WHERE true%s AND a.seq > $%d::bigint"
             " ORDER BY a.seq LIMIT $%d::bigint", where, n + 1, n + 2);
    PGresult *res = run(r, sql, n + 2, v, 0, records ? "export" : "list ids");
    if (!res)
        return NULL;
    json_t *list = json_array();
    long long last = -1, count = 0;
    int more = 0;
    for (int i = 0; !r->err && i < PQntuples(res); i++) {
        if (count == limit) {
            more = 1;
            break;
        }
        last = col_int(res, i, 0);
        count++;
        if (!records) {
            json_array_append_new(list, col_str(res, i, 1));
            continue;
        }
        int found;
        json_t *rec = record_json(r, PQgetvalue(res, i, 1), &found);
        if (rec)
            json_array_append_new(list, rec);
    }
    PQclear(res);
    if (r->err) {
        json_decref(list);
        return NULL;
    }
    json_t *next = more ? json_integer(last) : json_null();
    return json_pack("{s:o, s:I, s:o}", records ? "records" : "ids", list, "count", (json_int_t)count,
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

static json_t *op_stats(struct req *r)
{
    PGresult *res = run(r, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM tags),"
                        " (SELECT count(*) FROM score_rules), (SELECT count(*) FROM duplicates),"
                        " (SELECT coalesce(sum(size), 0) FROM articles),"
                        " pg_database_size(current_database()),"
                        " (SELECT coalesce(max(version), 0) FROM newsd_schema)", 0, NULL, 0, "count");
    if (!res)
        return NULL;
    json_t *out = json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:I, s:I, s:I}", "backend", "postgresql",
                            "path", r->p->where, "schema_version", (int)col_int(res, 0, 6), "articles",
                            (json_int_t)col_int(res, 0, 0), "tags", (json_int_t)col_int(res, 0, 1),
                            "score_rules", (json_int_t)col_int(res, 0, 2), "duplicates",
                            (json_int_t)col_int(res, 0, 3), "originals_bytes",
                            (json_int_t)col_int(res, 0, 4), "db_bytes", (json_int_t)col_int(res, 0, 5));
    PQclear(res);
    return out;
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
    const char *v[1] = {id};
    /* Binary results: the bytes as they are, no hex escaping to undo. */
    PGresult *res = run(r, "SELECT data FROM originals WHERE id = $1", 1, v, 1, "read an original");
    if (!res)
        return NULL;
    json_t *out = NULL;
    if (PQntuples(res) == 0) {
        fail(r, "not found: no archived original has id \"%.64s\"", id);
    } else {
        size_t len = (size_t)PQgetlength(res, 0, 0);
        char *b64 = base64((const unsigned char *)PQgetvalue(res, 0, 0), len);
        if (b64)
            out = json_pack("{s:s, s:I, s:s}", "id", id, "size", (json_int_t)len, "base64", b64);
        else
            fail(r, "archive error: out of memory");
        free(b64);
    }
    PQclear(res);
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

/* The reader connection, (re)connected as needed. */
static PGconn *reader(struct pg *p, char **reason)
{
    if (p->rconn && PQstatus(p->rconn) == CONNECTION_OK)
        return p->rconn;
    if (p->rconn) {
        PQreset(p->rconn);
        if (PQstatus(p->rconn) == CONNECTION_OK)
            return p->rconn;
        pg_set_reason(reason, "archive error: cannot reach PostgreSQL", PQerrorMessage(p->rconn));
        return NULL;
    }
    char *why = NULL;
    p->rconn = pg_connect(p, &why);
    if (!p->rconn) {
        if (asprintf(reason, "archive error: %s", why ? why : "cannot connect") < 0)
            *reason = NULL;
        free(why);
    }
    return p->rconn;
}

static json_t *dispatch(struct req *r, const char *op)
{
    for (size_t i = 0; i < sizeof OPS / sizeof *OPS; i++)
        if (strcmp(OPS[i].name, op) == 0)
            return OPS[i].fn(r);
    return fail(r, "bad request: unknown op \"%.40s\" (known: search, list, show, export, stats, "
                "original, ids)", op);
}

int pg_query(void *state, const char *request, char **response)
{
    struct pg *p = state;
    struct req r = {.p = p};
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
        pthread_mutex_lock(&p->read_lock);
        if ((r.c = reader(p, &r.err)) != NULL) {
            static const char begin[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
            PGresult *b = PQexec(r.c, begin);
            /* A server that restarted since the last query shows up only
             * now, on an idle connection: reconnect once and go on. */
            if (PQresultStatus(b) != PGRES_COMMAND_OK && PQstatus(r.c) == CONNECTION_BAD) {
                PQclear(b);
                PQreset(r.c);
                b = PQexec(r.c, begin);
            }
            if (PQresultStatus(b) != PGRES_COMMAND_OK)
                db_fail(&r, "begin a read transaction");
            PQclear(b);
            if (!r.err)
                out = dispatch(&r, op);
            if (PQtransactionStatus(r.c) != PQTRANS_IDLE)
                PQclear(PQexec(r.c, "ROLLBACK"));
        }
        pthread_mutex_unlock(&p->read_lock);
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
