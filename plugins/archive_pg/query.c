/*
 * archive_pg: answer(), the same ops and answers as archive_sqlite (see
 * docs/api.md "Archive queries"), so that newsctl and the control API work
 * unchanged whichever archive runs.  newsd has checked the query and puts
 * the answer together; the server writes the JSON of each item and record
 * (json_build_object, json_agg), so this file holds little but SQL.
 *
 * answer() runs on a thread of its own while archive()/commit() may run on
 * another: it has a connection of its own (opened on the first query,
 * reset once per query when the server went away), serialised by
 * read_lock.  Each query runs in one READ ONLY REPEATABLE READ transaction,
 * so a count and the page it belongs to come from the same snapshot.
 *
 * Differences from archive_sqlite, which the documentation states: `q` is
 * web-search syntax (websearch_to_tsquery: words ANDed, "a phrase", OR,
 * -word), which never has a syntax error; no prefix*, no NEAR, no column
 * filter; stemming follows each article's language; no "pending" (the
 * index is written with the row).
 */
#include "pg.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BINDS 16

/* The record of docs/record.md for the article row a. */
#define RECORD_JSON                                                                                    \
    "json_build_object('id', a.id, 'source', a.source, 'size', a.size, 'format', a.format,"           \
    " 'encoding', a.encoding, 'received', a.received, 'processed', a.processed, 'title', a.title,"    \
    " 'body', a.body, 'lang', a.lang, 'url', a.url, 'author', a.author, 'published', a.published,"    \
    " 'tags', coalesce((SELECT json_agg(json_build_object('name', t.name, 'weight', t.weight,"        \
    "   'plugin', t.plugin) ORDER BY t.pos) FROM tags t WHERE t.article_id = a.id), '[]'::json),"    \
    " 'score', json_build_object('total', a.score_total, 'rules', coalesce((SELECT"                   \
    "   json_agg(json_build_object('rule', r.rule, 'points', r.points, 'reason', r.reason,"          \
    "   'plugin', r.plugin) ORDER BY r.pos) FROM score_rules r WHERE r.article_id = a.id),"          \
    "   '[]'::json)), 'action', a.action,"                                                           \
    " 'meta', coalesce((SELECT json_object_agg(m.key, m.value ORDER BY m.pos) FROM meta m"            \
    "   WHERE m.article_id = a.id), '{}'::json))"

struct ask {
    struct pg *p;
    PGconn *c;
    const struct newsd_query *q;
    newsd_answer *ans;
    int status;           /* how the query ends so far */
};

static void db_fail(struct ask *k, const char *what)
{
    char *m = pg_one_line(PQerrorMessage(k->c));
    k->status = newsd_answer_fail(k->ans, NEWSD_QUERY_UNAVAILABLE, "archive_pg cannot %s (PostgreSQL: %s)", what,
                                  m ? m : "out of memory");
    free(m);
}

/* Run a query with text parameters; NULL (after failing the answer)
 * unless it returned rows.  binary: results in binary format (originals). */
static PGresult *run(struct ask *k, const char *sql, int n, const char *const *v, int binary, const char *what)
{
    PGresult *res = PQexecParams(k->c, sql, n, NULL, v, NULL, NULL, binary);
    if (PQresultStatus(res) == PGRES_TUPLES_OK)
        return res;
    /* The query parsers accept any text, but what the text asks for can
     * still be refused (a word too long for a tsvector: class 54, a bad
     * value: class 22).  That is the request's fault, not the archive's;
     * anything else (connection lost, ...) is the archive's. */
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (k->q->op == NEWSD_QUERY_SEARCH && state &&
        (strncmp(state, "22", 2) == 0 || strncmp(state, "42", 2) == 0 || strncmp(state, "54", 2) == 0)) {
        char *m = pg_one_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
        k->status = newsd_answer_fail(k->ans, NEWSD_QUERY_BAD_REQUEST, "bad search query \"%.200s\": %s",
                                      k->q->q, m ? m : "");
        free(m);
    } else {
        db_fail(k, what);
    }
    PQclear(res);
    return NULL;
}

/* Column 0 of every row as an item; stops at the first the answer refuses. */
static void give_items(struct ask *k, PGresult *res, int col)
{
    for (int i = 0; i < PQntuples(res); i++)
        if (newsd_answer_item(k->ans, PQgetvalue(res, i, col)) != NEWSD_OK)
            break;
}

/* ---- ops ----------------------------------------------------------------- */

/* The filters of search, list, export and ids (newsd clears those an op
 * does not take): a WHERE clause on the articles row a and its
 * parameters, v[first] on as $first+1 on (the caller's own come first). */
struct where {
    char sql[768];
    const char *v[MAX_BINDS];
    int n;                /* parameters in v, the caller's first ones included */
    char min_score[40], max_score[40];
};

/* max_score (since 1.4), read only when the daemon's query has it. */
static int has_max_score(const struct newsd_query *q)
{
    return q->struct_size >= offsetof(struct newsd_query, max_score) + sizeof q->max_score && q->has_max_score;
}

static void where_clause(const struct newsd_query *q, struct where *w, int first)
{
    size_t len = 0;
    w->sql[0] = '\0';
    w->n = first;
#define ADD(cond, val)                                                              \
    do {                                                                            \
        w->v[w->n++] = (val);                                                       \
        len += (size_t)snprintf(w->sql + len, sizeof w->sql - len, cond, w->n);      \
    } while (0)
    if (q->tag)
        ADD(" AND a.id IN (SELECT article_id FROM tags WHERE name = $%d)", q->tag);
    if (q->tag_prefix)
        ADD(" AND a.id IN (SELECT article_id FROM tags WHERE starts_with(name, $%d))", q->tag_prefix);
    if (q->has_min_score) {
        snprintf(w->min_score, sizeof w->min_score, "%.17g", q->min_score);
        ADD(" AND a.score_total >= $%d::float8", w->min_score);
    }
    if (has_max_score(q)) {
        snprintf(w->max_score, sizeof w->max_score, "%.17g", q->max_score);
        ADD(" AND a.score_total <= $%d::float8", w->max_score);
    }
    if (q->since)
        ADD(" AND a.received >= $%d", q->since);
    if (q->until)
        ADD(" AND a.received < $%d", q->until);
    if (q->lang)
        ADD(" AND a.lang = $%d", q->lang);
    if (q->action)
        ADD(" AND a.action = $%d", q->action);
    if (q->hide_action)
        ADD(" AND a.action <> $%d", q->hide_action);
#undef ADD
}

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
    "SELECT json_build_object('id', a.id, 'title', a.title, 'score_total', a.score_total," \
    " 'received', a.received, 'snippet'," \
    " ts_headline(a.tsconfig, a.title || E'\\n' || a.body, " FN "(a.tsconfig, $1)," \
    "   'StartSel=[, StopSel=], MaxWords=16, MinWords=8, MaxFragments=2," \
    "    FragmentDelimiter=\" … \"')," \
    " 'rank', -m.rank)" \
    " FROM (SELECT a.seq, " RANK(FN) " AS rank FROM articles a WHERE " MATCH(FN) "%s" \
    "       ORDER BY rank DESC, a.seq LIMIT $%d OFFSET $%d) m" \
    " JOIN articles a ON a.seq = m.seq ORDER BY m.rank DESC, m.seq"

/* search and list: the total that count_sql counts, then the page that
 * page_sql selects; both take w's parameters, and page_sql the limit and
 * the offset after them ($n+1, $n+2). */
static void paged(struct ask *k, struct where *w, const char *count_sql, const char *page_sql, const char *what)
{
    char lim[24], off[24];
    PGresult *res = run(k, count_sql, w->n, w->v, 0, what);
    if (!res)
        return;
    newsd_answer_total(k->ans, strtoll(PQgetvalue(res, 0, 0), NULL, 10));
    PQclear(res);
    snprintf(lim, sizeof lim, "%lld", (long long)k->q->limit);
    snprintf(off, sizeof off, "%lld", (long long)k->q->offset);
    w->v[w->n] = lim;
    w->v[w->n + 1] = off;
    res = run(k, page_sql, w->n + 2, w->v, 0, what);
    if (res)
        give_items(k, res, 0);
    PQclear(res);
}

/* The filters are LIST's (where_clause) on the matching rows, so total
 * counts only the matches that pass them. */
static void op_search(struct ask *k)
{
    struct where w;
    char count[2048], page[4096];
    int words = k->q->words;
    w.v[0] = k->q->q;
    where_clause(k->q, &w, 1);
    snprintf(count, sizeof count, "SELECT count(*) FROM articles a WHERE %s%s",
             words ? MATCH("plainto_tsquery") : MATCH("websearch_to_tsquery"), w.sql);
    snprintf(page, sizeof page, words ? SEARCH_SQL("plainto_tsquery") : SEARCH_SQL("websearch_to_tsquery"), w.sql,
             w.n + 1, w.n + 2);
    paged(k, &w, count, page, "search");
}

static void op_list(struct ask *k)
{
    struct where w;
    char count[1024], page[1536];
    where_clause(k->q, &w, 0);
    snprintf(count, sizeof count, "SELECT count(*) FROM articles a WHERE true%s", w.sql);
    snprintf(page, sizeof page,
             "SELECT json_build_object('id', a.id, 'title', a.title, 'score_total', a.score_total,"
             " 'received', a.received, 'source', a.source, 'lang', a.lang, 'action', a.action) FROM articles a"
             " WHERE true%s ORDER BY a.received DESC, a.seq DESC LIMIT $%d OFFSET $%d", w.sql, w.n + 1, w.n + 2);
    paged(k, &w, count, page, "list");
}

static void op_show(struct ask *k)
{
    const char *v[1] = {k->q->id};
    PGresult *res = run(k, "SELECT " RECORD_JSON " FROM articles a WHERE a.id = $1", 1, v, 0, "read an article");
    if (res && PQntuples(res) == 0)
        k->status = newsd_answer_fail(k->ans, NEWSD_QUERY_NOT_FOUND, "article %s not found in the archive",
                                      k->q->id);
    else if (res)
        newsd_answer_json(k->ans, PQgetvalue(res, 0, 0));
    PQclear(res);
}

/* export and ids: pages in the order of archiving, with a cursor (the last
 * row's seq), as archive_sqlite does. */
static void op_page(struct ask *k)
{
    int records = k->q->op == NEWSD_QUERY_EXPORT;
    struct where w;
    char sql[3072], cur[24], lim[24];
    where_clause(k->q, &w, 0);
    snprintf(cur, sizeof cur, "%lld", (long long)k->q->cursor);
    snprintf(lim, sizeof lim, "%lld", (long long)k->q->limit + 1);   /* one more: is there a next page? */
    w.v[w.n] = cur;
    w.v[w.n + 1] = lim;
    snprintf(sql, sizeof sql, "SELECT a.seq, %s FROM articles a WHERE true%s AND a.seq > $%d::bigint"
             " ORDER BY a.seq LIMIT $%d::bigint", records ? RECORD_JSON : "to_json(a.id)", w.sql, w.n + 1,
             w.n + 2);
    PGresult *res = run(k, sql, w.n + 2, w.v, 0, records ? "export" : "list ids");
    int n = res ? PQntuples(res) : 0;
    for (int i = 0; i < n; i++) {
        if (i == k->q->limit) {
            newsd_answer_next_cursor(k->ans, strtoll(PQgetvalue(res, i - 1, 0), NULL, 10));
            break;
        }
        if (newsd_answer_item(k->ans, PQgetvalue(res, i, 1)) != NEWSD_OK)
            break;
    }
    PQclear(res);
}

static void op_stats(struct ask *k)
{
    const char *v[1] = {k->p->where};
    PGresult *res = run(k, "SELECT json_build_object('backend', 'postgresql', 'path', $1::text,"
                        " 'schema_version', (SELECT coalesce(max(version), 0) FROM newsd_schema),"
                        " 'articles', (SELECT count(*) FROM articles), 'tags', (SELECT count(*) FROM tags),"
                        " 'score_rules', (SELECT count(*) FROM score_rules),"
                        " 'duplicates', (SELECT count(*) FROM duplicates),"
                        " 'originals_bytes', (SELECT coalesce(sum(size), 0) FROM articles),"
                        " 'db_bytes', pg_database_size(current_database()))", 1, v, 0, "count");
    if (res)
        newsd_answer_json(k->ans, PQgetvalue(res, 0, 0));
    PQclear(res);
}

static void op_original(struct ask *k)
{
    const char *v[1] = {k->q->id};
    /* Binary results: the bytes as they are, no hex escaping to undo. */
    PGresult *res = run(k, "SELECT data FROM originals WHERE id = $1", 1, v, 1, "read an original");
    if (res && PQntuples(res) == 0)
        k->status = newsd_answer_fail(k->ans, NEWSD_QUERY_NOT_FOUND, "original of %s not found in the archive",
                                      k->q->id);
    else if (res)
        newsd_answer_original_bytes(k->ans, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
    PQclear(res);
}

/* ---- answer() ----------------------------------------------------------------- */

/* The reader connection, (re)connected as needed. */
static PGconn *reader(struct pg *p, newsd_answer *ans)
{
    if (p->rconn && PQstatus(p->rconn) == CONNECTION_OK)
        return p->rconn;
    if (p->rconn) {
        PQreset(p->rconn);
        if (PQstatus(p->rconn) == CONNECTION_OK)
            return p->rconn;
        char *m = pg_one_line(PQerrorMessage(p->rconn));
        newsd_answer_fail(ans, NEWSD_QUERY_UNAVAILABLE, "archive_pg cannot reach PostgreSQL: %s",
                          m ? m : "out of memory");
        free(m);
        return NULL;
    }
    char *why = NULL;
    p->rconn = pg_connect(p, &why);
    if (!p->rconn)
        newsd_answer_fail(ans, NEWSD_QUERY_UNAVAILABLE, "archive_pg: %s", why ? why : "cannot connect");
    free(why);
    return p->rconn;
}

/* One read-only snapshot for the whole query. */
static int begin(struct ask *k)
{
    static const char sql[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    PGresult *b = PQexec(k->c, sql);
    /* A server that restarted since the last query shows up only now, on
     * an idle connection: reconnect once and go on. */
    if (PQresultStatus(b) != PGRES_COMMAND_OK && PQstatus(k->c) == CONNECTION_BAD) {
        PQclear(b);
        PQreset(k->c);
        b = PQexec(k->c, sql);
    }
    int ok = PQresultStatus(b) == PGRES_COMMAND_OK;
    PQclear(b);
    if (!ok)
        db_fail(k, "begin a read transaction");
    return ok ? 0 : -1;
}

int pg_answer(void *state, const struct newsd_query *q, newsd_answer *ans)
{
    struct pg *p = state;
    struct ask k = {.p = p, .q = q, .ans = ans, .status = NEWSD_QUERY_UNAVAILABLE};

    pthread_mutex_lock(&p->read_lock);
    if ((k.c = reader(p, ans)) != NULL && begin(&k) == 0) {
        k.status = NEWSD_QUERY_OK;
        switch (q->op) {
        case NEWSD_QUERY_SEARCH: op_search(&k); break;
        case NEWSD_QUERY_LIST: op_list(&k); break;
        case NEWSD_QUERY_SHOW: op_show(&k); break;
        case NEWSD_QUERY_EXPORT:
        case NEWSD_QUERY_IDS: op_page(&k); break;
        case NEWSD_QUERY_STATS: op_stats(&k); break;
        case NEWSD_QUERY_ORIGINAL: op_original(&k); break;
        default:
            k.status = newsd_answer_fail(ans, NEWSD_QUERY_UNSUPPORTED, "archive_pg does not answer query op %d",
                                         (int)q->op);
        }
    }
    if (k.c && PQtransactionStatus(k.c) != PQTRANS_IDLE)
        PQclear(PQexec(k.c, "ROLLBACK"));
    pthread_mutex_unlock(&p->read_lock);
    return k.status;
}
