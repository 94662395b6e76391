/*
 * archive_pg: archive() and commit(), one transaction per batch.
 *
 * The first archive() of a batch sends BEGIN; each archive() writes its
 * article in ONE statement (one round trip: the row, its tags, rules, meta
 * and original go in through data-modifying CTEs, the lists as JSON
 * arrays); commit() sends COMMIT.  The server makes the COMMIT durable
 * (synchronous_commit as the server is configured).
 *
 * Dedup, also across instances sharing the database: INSERT ... ON
 * CONFLICT (id) DO NOTHING.  When the id is there (committed by anyone, or
 * earlier in this batch), nothing is inserted but a `duplicates` row and
 * archive() returns NEWSD_DUPLICATE.  When another instance has inserted
 * the same id in a transaction still open, the server makes this insert
 * wait for that transaction's end and then decides: no lost update and no
 * second row.  (Two instances taking the same two articles in opposite
 * orders can deadlock; the server aborts one transaction, whose commit()
 * fails and is retried: nothing is lost.)
 *
 * Faults of the store are never the article's: archive() notes the article
 * as lost and returns NEWSD_OK, skips the rest of the batch, and commit()
 * rolls back and fails, so newsd keeps the batch in work/ and retries it
 * with back-off.  A server that went away (PQstatus CONNECTION_BAD) is
 * logged once per outage; each later batch attempt tries one PQreset()
 * (the core's retry back-off paces them: 0.5 s doubling to 30 s) and the
 * return of the server is logged once.  A COMMIT that the connection loss
 * interrupted may or may not have happened: the retry then finds the ids
 * archived and records duplicates, which loses nothing.
 *
 * Reprocessing (newsd_article_reprocessing()): the row is replaced in
 * place (ON CONFLICT DO UPDATE keeps its seq, the generated tsvector
 * follows), its tags, rules and meta deleted and written again.
 */
#include "pg.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARTICLE_COLS \
    "id, source, size, format, encoding, received, processed, title, body, lang, url, author," \
    " published, score_total, tsconfig, action"
#define ARTICLE_VALUES \
    "($1, $2, $3::bigint, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::float8, $15::regconfig, $20)"
/* The children of the row just written (the CTE `ins`), from JSON arrays
 * ($16 tags, $17 rules, $18 meta); pos keeps the plugins' order. */
#define CHILDREN \
    " t AS (INSERT INTO tags (article_id, pos, name, weight, plugin)" \
    "   SELECT ins.id, e.ord - 1, e.v->>0, (e.v->>1)::float8, e.v->>2" \
    "   FROM ins, jsonb_array_elements($16::jsonb) WITH ORDINALITY AS e(v, ord))," \
    " r AS (INSERT INTO score_rules (article_id, pos, rule, points, reason, plugin)" \
    "   SELECT ins.id, e.ord - 1, e.v->>0, (e.v->>1)::float8, e.v->>2, e.v->>3" \
    "   FROM ins, jsonb_array_elements($17::jsonb) WITH ORDINALITY AS e(v, ord))," \
    " m AS (INSERT INTO meta (article_id, pos, key, value)" \
    "   SELECT ins.id, e.ord - 1, e.v->>0, e.v->>1" \
    "   FROM ins, jsonb_array_elements($18::jsonb) WITH ORDINALITY AS e(v, ord))," \
    " o AS (INSERT INTO originals (id, data) SELECT ins.id, $19::bytea FROM ins" \
    "   ON CONFLICT (id) DO NOTHING)"

static const char SQL_INSERT[] =
    "WITH ins AS (INSERT INTO articles (" ARTICLE_COLS ") VALUES " ARTICLE_VALUES
    "   ON CONFLICT (id) DO NOTHING RETURNING id)," CHILDREN ","
    " d AS (INSERT INTO duplicates (id, source, received)"
    "   SELECT $1, $2, $6 WHERE NOT EXISTS (SELECT 1 FROM ins))"
    " SELECT count(*) FROM ins";

static const char SQL_REPLACE[] =
    "WITH ins AS (INSERT INTO articles (" ARTICLE_COLS ") VALUES " ARTICLE_VALUES
    "   ON CONFLICT (id) DO UPDATE SET source = EXCLUDED.source, size = EXCLUDED.size,"
    "   format = EXCLUDED.format, encoding = EXCLUDED.encoding, received = EXCLUDED.received,"
    "   processed = EXCLUDED.processed, title = EXCLUDED.title, body = EXCLUDED.body,"
    "   lang = EXCLUDED.lang, url = EXCLUDED.url, author = EXCLUDED.author,"
    "   published = EXCLUDED.published, score_total = EXCLUDED.score_total,"
    "   tsconfig = EXCLUDED.tsconfig, action = EXCLUDED.action RETURNING id)," CHILDREN
    " SELECT count(*) FROM ins";

/* Before SQL_REPLACE, in its own statement: sibling CTEs that delete and
 * insert the same keys see one snapshot and would collide. */
static const char SQL_CLEAR[] =
    "WITH a AS (DELETE FROM tags WHERE article_id = $1),"
    " b AS (DELETE FROM score_rules WHERE article_id = $1)"
    " DELETE FROM meta WHERE article_id = $1";

#define N_PARAMS 20

int pg_prepare_writer(struct pg *p, PGconn *c, char **reason)
{
    static const struct {
        const char *name, *sql;
        int n;
    } stmts[] = {
        {"newsd_insert", SQL_INSERT, N_PARAMS},
        {"newsd_replace", SQL_REPLACE, N_PARAMS},
        {"newsd_clear", SQL_CLEAR, 1},
    };
    (void)p;
    for (size_t i = 0; i < sizeof stmts / sizeof *stmts; i++) {
        PGresult *r = PQprepare(c, stmts[i].name, stmts[i].sql, stmts[i].n, NULL);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) {
            char what[64];
            snprintf(what, sizeof what, "cannot prepare %s", stmts[i].name);
            pg_set_reason(reason, what, PQerrorMessage(c));
            return -1;
        }
    }
    return 0;
}


/* ---- the text search configuration ------------------------------------ */

/* 1 if the len bytes at w are one of the words (lower case ASCII; an
 * upper-case first letter is accepted too, for the start of a sentence). */
static int is_one_of(const char *w, size_t len, const char *const *words)
{
    char low[8];
    if (len == 0 || len >= sizeof low)
        return 0;
    for (size_t i = 0; i < len; i++)
        low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i]);
    low[len] = '\0';
    for (; *words; words++)
        if (strcmp(low, *words) == 0)
            return 1;
    return 0;
}

/* A letter, or a byte of a multi-byte UTF-8 character ("für"). */
static int word_byte(char c)
{
    return (unsigned char)c >= 0x80 || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* German or English, guessed from the commonest function words of the
 * first few kB: the inbox's plain-text articles carry no language (lang is
 * ""), and stemming needs one.  The lists share no word, and a text of
 * either language uses a few of them in every sentence; a tie (no such
 * word, or another language) leaves "simple", which only lower-cases. */
static const char *guess_language(const char *title, const char *body)
{
    static const char *const de[] = {"der", "die", "das", "und", "ist", "nicht", "mit", "von", "den",
                                     "zu", "sich", "auf", "für", "des", "dem", "ein", "eine", "im",
                                     "auch", "wird", NULL};
    static const char *const en[] = {"the", "and", "of", "to", "is", "that", "for", "with", "on",
                                     "are", "was", "it", "this", "by", "from", "be", "has", "have",
                                     "its", "which", NULL};
    int score = 0;   /* > 0: German, < 0: English */
    for (int part = 0; part < 2; part++) {
        const char *t = part ? body : title;
        size_t n = strnlen(t, 8192);
        for (size_t i = 0; i < n;) {
            while (i < n && !word_byte(t[i]))
                i++;
            size_t start = i;
            while (i < n && word_byte(t[i]))
                i++;
            score += is_one_of(t + start, i - start, de) - is_one_of(t + start, i - start, en);
        }
    }
    return score > 0 ? "german" : score < 0 ? "english" : "simple";
}

/* The configuration of an article: from lang when the source says it,
 * else guessed; German and English have stemmers, the rest "simple". */
const char *pg_tsconfig(const char *lang, const char *title, const char *body)
{
    if ((lang[0] | 32) == 'd' && (lang[1] | 32) == 'e' && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
        return "german";
    if ((lang[0] | 32) == 'e' && (lang[1] | 32) == 'n' && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
        return "english";
    if (lang[0])
        return "simple";
    return guess_language(title, body);
}

/* ---- the parameters of one article --------------------------------------- */

struct params {
    const char *v[N_PARAMS];
    int len[N_PARAMS];
    int fmt[N_PARAMS];
    char *owned[N_PARAMS];   /* what v[] points into and must be freed */
    char num[4][40];         /* size, score_total, received, processed */
    int oom;
};

/* Article strings are valid UTF-8 (the daemon guarantees it), which the
 * server insists on. */
static void set_text(struct params *q, int i, const char *s)
{
    q->owned[i] = NULL;
    q->v[i] = s ? s : "";
}

static json_t *jstr(const char *s, int *oom)
{
    json_t *j = json_string(s ? s : "");
    if (!j)
        *oom = 1;
    return j;
}

/* A finite number (JSON has no NaN or infinity). */
static json_t *jnum(double d)
{
    return json_real(d == d && d - d == 0 ? d : 0);
}

/* Tags, rules and meta as JSON arrays of arrays, in the plugins' order. */
static char *children_json(const newsd_article *a, int which, int *oom)
{
    json_t *arr = json_array();
    size_t n = which == 0 ? newsd_article_tag_count(a) : which == 1 ? newsd_article_score_count(a)
                                                                    : newsd_article_meta_count(a);
    for (size_t i = 0; arr && i < n; i++) {
        json_t *e = NULL;
        if (which == 0) {
            struct newsd_tag t;
            if (newsd_article_tag_at(a, i, &t) == NEWSD_OK)
                e = json_pack("[o, o, o]", jstr(t.name, oom), jnum(t.weight), jstr(t.plugin, oom));
        } else if (which == 1) {
            struct newsd_score_rule r;
            if (newsd_article_score_at(a, i, &r) == NEWSD_OK)
                e = json_pack("[o, o, o, o]", jstr(r.rule, oom), jnum(r.points), jstr(r.reason, oom),
                              jstr(r.plugin, oom));
        } else {
            struct newsd_meta m;
            if (newsd_article_meta_at(a, i, &m) == NEWSD_OK)
                e = json_pack("[o, o]", jstr(m.key, oom), jstr(m.value, oom));
        }
        if (e)
            json_array_append_new(arr, e);
    }
    char *out = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    if (!out)
        *oom = 1;
    return out;
}

static void fill_params(struct params *q, const newsd_article *a)
{
    static const struct {
        int i;
        enum newsd_field f;
    } text[] = {
        {0, NEWSD_FIELD_ID},     {1, NEWSD_FIELD_SOURCE},   {3, NEWSD_FIELD_FORMAT},
        {4, NEWSD_FIELD_ENCODING}, {7, NEWSD_FIELD_TITLE},  {8, NEWSD_FIELD_BODY},
        {9, NEWSD_FIELD_LANG},   {10, NEWSD_FIELD_URL},     {11, NEWSD_FIELD_AUTHOR},
        {12, NEWSD_FIELD_PUBLISHED},
    };
    memset(q, 0, sizeof *q);
    for (size_t i = 0; i < sizeof text / sizeof *text; i++)
        set_text(q, text[i].i, newsd_article_get(a, text[i].f));
    size_t len = 0;
    const unsigned char *raw = newsd_article_raw(a, &len);
    snprintf(q->num[0], sizeof q->num[0], "%zu", len);
    double total = newsd_article_score_total(a);
    snprintf(q->num[1], sizeof q->num[1], "%.17g", total == total && total - total == 0 ? total : 0);
    newsd_format_time(newsd_article_received_ms(a), q->num[2]);
    newsd_format_time(newsd_article_processed_ms(a), q->num[3]);
    q->v[2] = q->num[0];
    q->v[13] = q->num[1];
    q->v[5] = q->num[2];
    q->v[6] = q->num[3];
    q->v[14] = pg_tsconfig(newsd_article_get(a, NEWSD_FIELD_LANG), newsd_article_get(a, NEWSD_FIELD_TITLE),
                           newsd_article_get(a, NEWSD_FIELD_BODY));
    for (int w = 0; w < 3; w++) {
        q->owned[15 + w] = children_json(a, w, &q->oom);
        q->v[15 + w] = q->owned[15 + w] ? q->owned[15 + w] : "[]";
    }
    /* The original in binary: no escaping, no encoding check. */
    q->v[18] = raw ? (const char *)raw : "";
    q->len[18] = raw ? (int)len : 0;
    q->fmt[18] = 1;
    set_text(q, 19, newsd_article_action(a));
}

static void free_params(struct params *q)
{
    for (int i = 0; i < N_PARAMS; i++)
        free(q->owned[i]);
}

/* ---- the connection ------------------------------------------------------- */

static int conn_bad(struct pg *p)
{
    return !p->conn || PQstatus(p->conn) == CONNECTION_BAD;
}

/* A fault of the store, not of the article: log it (a lost connection once
 * per outage) and let commit() fail the batch. */
static int lose(struct pg *p, const char *what, const char *msg)
{
    p->lost++;
    char *m = pg_one_line(msg);
    if (conn_bad(p)) {
        if (!p->down) {
            newsd_log(NEWSD_LOG_ERROR, "the connection to PostgreSQL at %s is lost (%s: %s); "
                      "articles wait in work/ and their batches are retried with back-off until "
                      "the server is back", p->where, what, m ? m : "");
            p->down = 1;
            p->down_since_ms = pg_now_ms();
        }
    } else {
        newsd_log(NEWSD_LOG_ERROR, "%s: cannot %s: %s; the batch will be retried", p->where, what,
                  m ? m : "");
    }
    free(m);
    return NEWSD_OK;
}

/* Make sure the writer is connected: one reconnection attempt per batch
 * attempt (the core's back-off paces them).  0 when connected. */
static int ensure_connected(struct pg *p)
{
    if (!conn_bad(p))
        return 0;
    PQreset(p->conn);
    char *reason = NULL;
    if (PQstatus(p->conn) != CONNECTION_OK || pg_prepare_writer(p, p->conn, &reason) < 0) {
        if (!p->down) {
            /* Lost between batches: nothing else noticed it yet. */
            newsd_log(NEWSD_LOG_ERROR, "the connection to PostgreSQL at %s is lost (%s); articles "
                      "wait in work/ and their batches are retried with back-off until the server "
                      "is back", p->where, reason ? reason : "cannot reconnect");
            p->down = 1;
            p->down_since_ms = pg_now_ms();
        }
        free(reason);
        return -1;
    }
    if (p->down) {
        newsd_log(NEWSD_LOG_NOTICE, "reconnected to PostgreSQL at %s after %.1f s; the waiting "
                  "articles are archived now", p->where, (double)(pg_now_ms() - p->down_since_ms) / 1000);
        p->down = 0;
    }
    return 0;
}

static int command_ok(struct pg *p, const char *sql)
{
    PGresult *r = PQexec(p->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok;
}

int pg_archive(void *state, newsd_article *a)
{
    struct pg *p = state;
    const char *id = newsd_article_get(a, NEWSD_FIELD_ID);
    if (!newsd_id_valid(id))
        return newsd_article_fail(a, "article id \"%.40s\" is not %d lowercase hex digits", id,
                                  NEWSD_ID_LEN);
    if (p->lost) {
        p->lost++;         /* the batch fails anyway: spare the work */
        return NEWSD_OK;
    }
    if (!p->in_tx) {
        if (ensure_connected(p) < 0) {
            p->lost++;     /* logged (once per outage) by ensure_connected() */
            return NEWSD_OK;
        }
        if (!command_ok(p, "BEGIN"))
            return lose(p, "begin a transaction", PQerrorMessage(p->conn));
        p->in_tx = 1;
    }

    int replace = newsd_article_reprocessing(a);
    if (replace) {
        const char *v[1] = {id};
        PGresult *r = PQexecPrepared(p->conn, "newsd_clear", 1, v, NULL, NULL, 0);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok)
            return lose(p, "remove the old tags of a reprocessed article", PQerrorMessage(p->conn));
    }
    struct params q;
    fill_params(&q, a);
    if (q.oom) {
        free_params(&q);
        return lose(p, "build the statement", "out of memory");
    }
    PGresult *r = PQexecPrepared(p->conn, replace ? "newsd_replace" : "newsd_insert", N_PARAMS, q.v,
                                 q.len, q.fmt, 0);
    free_params(&q);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        PQclear(r);
        return lose(p, replace ? "replace the article" : "insert the article", PQerrorMessage(p->conn));
    }
    int inserted = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return inserted ? NEWSD_OK : NEWSD_DUPLICATE;
}

/* End the batch's transaction without keeping anything. */
static void roll_back(struct pg *p)
{
    if (p->in_tx && !conn_bad(p) && PQtransactionStatus(p->conn) != PQTRANS_IDLE)
        PQclear(PQexec(p->conn, "ROLLBACK"));
    p->in_tx = 0;
    p->lost = 0;
}

int pg_commit(void *state)
{
    struct pg *p = state;
    if (p->lost) {
        /* During an outage the core's own retry line says enough. */
        if (!p->down)
            newsd_log(NEWSD_LOG_ERROR, "%zu article%s of this batch not stored (the first error is "
                      "logged above); the batch is rolled back and retried", p->lost,
                      p->lost == 1 ? "" : "s");
        roll_back(p);
        return NEWSD_ERROR;
    }
    if (!p->in_tx)
        return NEWSD_OK;
    PGresult *r = PQexec(p->conn, "COMMIT");
    /* COMMIT of a transaction that failed answers ROLLBACK, with status OK. */
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COMMIT") == 0;
    PQclear(r);
    if (!ok) {
        p->lost++;
        lose(p, "commit the batch", PQerrorMessage(p->conn));
        roll_back(p);
        return NEWSD_ERROR;
    }
    p->in_tx = 0;
    return NEWSD_OK;
}
