/* Unit tests: the archive_sqlite plugin (schema, dedup, migrations, FTS
 * with German words, the background indexer, list filters, query errors, a
 * failing commit).  The plugin's sources are compiled into this test;
 * newsd_core provides the newsd_* functions and real articles.
 *
 * sq_open() does not start the indexer thread (the plugin's init does), so
 * most tests index synchronously with index_all() before they search, and
 * can also look at the archive between commit and index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "article.h"
#include "query.h"
#include "../../plugins/archive_sqlite/sq.h"

static char dir[64];
static char db_path[128];
static const struct sq_options OPTS = {.busy_timeout_ms = 100};

/* 2026-11-28T12:00:00Z and one day in ms. */
#define T0 1795867200000LL
#define DAY 86400000LL

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/newsd-test-sqlite-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(db_path, sizeof db_path, "%s/archive/newsd.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

/* An article whose original bytes are raw; tags "name=weight" pairs. */
static struct newsd_article *make(const char *raw, const char *title, const char *body,
                                  int64_t received, const char *tag, double points)
{
    struct newsd_article *a = article_new("test.txt", received);
    a->processed_ms = received + 7;   /* the pipeline ended 7 ms after the claim */
    article_set_raw(a, (unsigned char *)strdup(raw), strlen(raw));
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_TITLE, title), NEWSD_OK);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_BODY, body), NEWSD_OK);
    a->plugin = "unit";
    if (tag) {
        a->stage = NEWSD_STAGE_TAG;
        assert_int_equal(newsd_article_tag(a, tag, 1.0), NEWSD_OK);
        assert_int_equal(newsd_article_tag(a, "entity:org/Huawei", 0.5), NEWSD_OK);
        assert_int_equal(newsd_article_set_meta(a, "k", "v"), NEWSD_OK);
    }
    if (points != 0) {
        a->stage = NEWSD_STAGE_SCORE;
        assert_int_equal(newsd_article_score(a, "RULE", points, "because"), NEWSD_OK);
    }
    a->stage = 0;
    return a;
}

/* Archive one article in its own batch; returns archive()'s code. */
static int store(struct sq *s, struct newsd_article *a)
{
    int rc = sq_archive(s, a);
    assert_int_equal(sq_commit(s), NEWSD_OK);
    article_free(a);
    return rc;
}

/* The typed query that a request written as JSON stands for ({"op":
 * "search", "q": ...}, the keys of docs/api.md): the tests read best that
 * way.  Strings point into j. */
static void typed(const json_t *j, struct newsd_query *q)
{
    const char *op = json_string_value(json_object_get(j, "op"));
    enum newsd_query_op which = 0;
    for (int i = NEWSD_QUERY_SEARCH; i <= NEWSD_QUERY_IDS; i++)
        if (op && strcmp(query_op_name((enum newsd_query_op)i), op) == 0)
            which = (enum newsd_query_op)i;
    assert_int_not_equal(which, 0);
    query_init(q, which);
    q->q = json_string_value(json_object_get(j, "q"));
    q->words = json_is_string(json_object_get(j, "mode")) &&
               strcmp(json_string_value(json_object_get(j, "mode")), "words") == 0;
    q->id = json_string_value(json_object_get(j, "id"));
    q->tag = json_string_value(json_object_get(j, "tag"));
    q->tag_prefix = json_string_value(json_object_get(j, "tag_prefix"));
    q->lang = json_string_value(json_object_get(j, "lang"));
    q->since = json_string_value(json_object_get(j, "since"));
    q->until = json_string_value(json_object_get(j, "until"));
    q->action = json_string_value(json_object_get(j, "action"));
    q->hide_action = json_string_value(json_object_get(j, "hide_action"));
    if (json_is_number(json_object_get(j, "min_score"))) {
        q->has_min_score = 1;
        q->min_score = json_number_value(json_object_get(j, "min_score"));
    }
    if (json_is_number(json_object_get(j, "max_score"))) {
        q->has_max_score = 1;
        q->max_score = json_number_value(json_object_get(j, "max_score"));
    }
    if (json_is_integer(json_object_get(j, "limit")))
        q->limit = json_integer_value(json_object_get(j, "limit"));
    q->offset = json_integer_value(json_object_get(j, "offset"));
    q->cursor = json_integer_value(json_object_get(j, "cursor"));
}

/* Check the request as newsd does and ask archive_sqlite's answer(). */
static int run(struct sq *s, const char *request, struct query_result *res)
{
    json_t *j = json_loads(request, 0, NULL);
    struct newsd_query q;
    char *err = NULL;
    assert_non_null(j);
    typed(j, &q);
    int st = query_check(&q, &err);
    if (st != NEWSD_QUERY_OK) {
        memset(res, 0, sizeof *res);
        res->status = st;
        res->reason = err;
    } else {
        st = query_run_answer(sq_answer, s, "archive", &q, res);
    }
    json_decref(j);
    return st;
}

/* Run a query that must succeed; returns the answer newsd put together. */
static json_t *ask(struct sq *s, const char *request)
{
    struct query_result res;
    if (run(s, request, &res) != NEWSD_QUERY_OK)
        fail_msg("query %s failed (%s): %s", request, query_status_name(res.status),
                 res.reason ? res.reason : "(no reason)");
    json_t *j = json_incref(res.json);
    assert_non_null(j);
    query_result_free(&res);
    return j;
}

/* Run a query that must fail with status; returns its reason (caller
 * frees). */
static char *refused(struct sq *s, const char *request, int status)
{
    struct query_result res;
    int st = run(s, request, &res);
    if (st != status)
        fail_msg("query %s: %s (%s), expected %s", request, query_status_name(st),
                 res.reason ? res.reason : "", query_status_name(status));
    assert_non_null(res.reason);
    char *why = res.reason;
    res.reason = NULL;
    query_result_free(&res);
    return why;
}

static long long total_of(struct sq *s, const char *request)
{
    json_t *j = ask(s, request);
    long long n = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return n;
}

static long long stat_of(struct sq *s, const char *key)
{
    json_t *j = ask(s, "{\"op\":\"stats\"}");
    long long n = json_integer_value(json_object_get(j, key));
    json_decref(j);
    return n;
}

/* Index everything pending, on the writer's connection, as the indexer
 * thread would; returns how many rows were indexed. */
static int index_all(struct sq *s)
{
    int n, total = 0;
    while ((n = sq_index_chunk(s->db, 2, NULL, NULL)) > 0)   /* small chunks: several transactions */
        total += n;
    assert_int_equal(n, 0);
    return total;
}

/* FTS5's own check of the index's structure (rows above the mark may be
 * pending). */
static void assert_fts_intact(struct sq *s)
{
    char *err = NULL;
    int rc = sqlite3_exec(s->db, "INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')",
                          NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("FTS5 integrity-check: %s", err ? err : sqlite3_errmsg(s->db));
}

/* And against the external content (rank 1), once everything is indexed:
 * the content is tokenised again and must give the tokens indexed. */
static void assert_fts_matches_content(struct sq *s)
{
    char *err = NULL;
    int rc = sqlite3_exec(s->db, "INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)",
                          NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("FTS5 integrity-check, rank 1: %s", err ? err : sqlite3_errmsg(s->db));
}

/* The first column of the first row of sql, as an integer; -1 on error. */
static long long count_of(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static long long mark_of(sqlite3 *db)
{
    return count_of(db, "SELECT seq FROM fts_mark");
}

static void test_schema_created(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_schema_version(s->db), SQ_SCHEMA_VERSION);
    const char *tables[] = {"articles", "tags", "score_rules", "meta", "originals", "duplicates",
                            "articles_fts", "fts_mark"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        assert_int_equal(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    json_t *j = ask(s, "{\"op\":\"stats\"}");
    assert_int_equal(json_integer_value(json_object_get(j, "schema_version")), SQ_SCHEMA_VERSION);
    assert_int_equal(json_integer_value(json_object_get(j, "articles")), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "index_pending")), 0);
    json_decref(j);
    assert_int_equal(mark_of(s->db), 0);
    sq_close(s);
    /* Opening again changes nothing. */
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_schema_version(s->db), SQ_SCHEMA_VERSION);
    sq_close(s);
}

static void test_insert_dedup_reprocess(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(store(s, make("raw-1", "Alter Titel", "Text eins", T0, "topic:x", 2)), NEWSD_OK);
    assert_int_equal(store(s, make("raw-1", "Alter Titel", "Text eins", T0, "topic:x", 2)),
                     NEWSD_DUPLICATE);
    /* twice in one batch: the second sees the first's uncommitted row */
    struct newsd_article *a = make("raw-2", "Zwei", "Text zwei", T0, NULL, 0);
    struct newsd_article *b = make("raw-2", "Zwei", "Text zwei", T0, NULL, 0);
    assert_int_equal(sq_archive(s, a), NEWSD_OK);
    assert_int_equal(sq_archive(s, b), NEWSD_DUPLICATE);
    assert_int_equal(sq_commit(s), NEWSD_OK);
    article_free(a);
    article_free(b);
    assert_int_equal(stat_of(s, "articles"), 2);
    assert_int_equal(stat_of(s, "duplicates"), 2);

    /* Reprocessing replaces fields, tags, rules and meta under the same id. */
    a = make("raw-1", "Neuer Titel", "Text eins neu", T0, "topic:y", 5);
    a->reprocessing = true;
    char id[33];
    strcpy(id, a->id);
    assert_int_equal(store(s, a), NEWSD_OK);
    assert_int_equal(stat_of(s, "articles"), 2);
    char req[128];
    snprintf(req, sizeof req, "{\"op\":\"show\",\"id\":\"%s\"}", id);
    json_t *rec = ask(s, req);
    assert_string_equal(json_string_value(json_object_get(rec, "title")), "Neuer Titel");
    json_t *tags = json_object_get(rec, "tags");
    assert_int_equal(json_array_size(tags), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(tags, 0), "name")), "topic:y");
    json_t *score = json_object_get(rec, "score");
    assert_true(json_number_value(json_object_get(score, "total")) == 5.0);
    assert_int_equal(json_array_size(json_object_get(score, "rules")), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "meta"), "k")), "v");
    assert_string_equal(json_string_value(json_object_get(rec, "source")), "test.txt");
    assert_int_equal(json_integer_value(json_object_get(rec, "size")), 5);
    assert_string_equal(json_string_value(json_object_get(rec, "received")), "2026-11-28T12:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(rec, "processed")), "2026-11-28T12:00:00.007Z");
    json_decref(rec);
    index_all(s);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"alter\"}"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"neuer\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:x\"}"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:y\"}"), 1);
    sq_close(s);
}

static void test_migration_from_v1(void **state)
{
    (void)state;
    /* A database as version 1 left it: no full-text index yet. */
    char *dirs;
    assert_true(asprintf(&dirs, "mkdir -p %s/archive", dir) > 0);
    assert_int_equal(system(dirs), 0);
    free(dirs);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sq_migrate(db, 1), NEWSD_OK);
    assert_int_equal(sq_schema_version(db), 1);
    assert_int_equal(sqlite3_exec(db,
        "INSERT INTO articles (id, source, size, format, encoding, received, processed, title, body,"
        " lang, url, author, published, score_total) VALUES ('0123456789abcdef0123456789abcdef',"
        " 'old.txt', 3, 'text', 'utf-8', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z',"
        " 'Alte Straße', 'Ein Artikel von früher', 'de', '', '', '', 0)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_schema_version(s->db), SQ_SCHEMA_VERSION);
    /* version 2 indexed the old row while migrating, so 3 starts above it */
    assert_int_equal(stat_of(s, "index_pending"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"fruher\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Strasse\"}"), 1);
    /* and new articles go into the same index */
    assert_int_equal(store(s, make("raw-new", "Neue Straße", "später", T0, NULL, 0)), NEWSD_OK);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"straße\"}"), 1);
    assert_int_equal(stat_of(s, "index_pending"), 1);
    assert_int_equal(index_all(s), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"straße\"}"), 2);
    assert_fts_intact(s);
    sq_close(s);

    /* A database newer than this code is refused. */
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_ERROR);
    assert_null(s);
}

static void test_fts_german(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("g1", "Die Lücke schließen", "Peking will die technologische Lücke schließen.", T0, NULL, 0));
    store(s, make("g2", "Ohne Umlaut", "Eine lucke im Zaun, gross und breit.", T0, NULL, 0));
    store(s, make("g3", "KI-Chiphersteller wachsen", "Der KI-Chiphersteller Biren und die "
                  "Halbleiterhersteller Chinas.", T0, NULL, 0));
    store(s, make("g4", "English news", "Huawei ships AI chips to Chinese data centres.", T0, NULL, 0));
    assert_int_equal(index_all(s), 4);
    /* The index holds "schliessen", the content "schließen": the check
     * re-tokenises the content with the folding tokenizer (fold.c). */
    assert_fts_matches_content(s);

    /* Umlauts: diacritics removed both ways */
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Lücke\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"lucke\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"LÜCKE\"}"), 2);
    /* ß and ss */
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"schließen\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"SCHLIESSEN\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"groß\"}"), 1);
    /* compounds: hyphenated parts are words; closed compounds by prefix */
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Chiphersteller\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"KI-Chiphersteller\",\"mode\":\"words\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"\\\"KI-Chiphersteller\\\"\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Chip*\"}"), 2);   /* Chiphersteller, chips */
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Halbleiter*\"}"), 1);
    /* English, two words, both required */
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Huawei chips\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Huawei Lücke\"}"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Huawei OR Lücke\"}"), 3);

    /* hits: ranked (title hit first), with a highlighted snippet */
    json_t *j = ask(s, "{\"op\":\"search\",\"q\":\"Lücke\",\"limit\":5}");
    json_t *hits = json_object_get(j, "hits");
    assert_int_equal(json_array_size(hits), 2);
    json_t *first = json_array_get(hits, 0);
    assert_string_equal(json_string_value(json_object_get(first, "title")), "Die Lücke schließen");
    const char *snippet = json_string_value(json_object_get(first, "snippet"));
    assert_non_null(strstr(snippet, "[Lücke]"));
    assert_non_null(json_object_get(first, "id"));
    assert_non_null(json_object_get(first, "received"));
    assert_non_null(json_object_get(first, "score_total"));
    json_decref(j);
    /* a word with ß is highlighted as written, whichever way it was asked */
    j = ask(s, "{\"op\":\"search\",\"q\":\"SCHLIESSEN\"}");
    snippet = json_string_value(json_object_get(json_array_get(json_object_get(j, "hits"), 0), "snippet"));
    assert_non_null(strstr(snippet, "[schließen]"));
    json_decref(j);
    j = ask(s, "{\"op\":\"search\",\"q\":\"lucke\",\"limit\":1,\"offset\":1}");
    assert_int_equal(json_array_size(json_object_get(j, "hits")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
    json_decref(j);
    sq_close(s);
}

/* The indexer feeds the stored text to the folding tokenizer (fold.c)
 * rather than SQ_FOLD_SQL's folded copy: every token and position must be
 * the same as from the folded text, which the triggers (a reprocessed or
 * deleted article) and other SQLite programs still feed the index. */
static void test_indexer_tokens_as_folded_text(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("f1", "GROẞE Straße", "Die Maße der Straßen: ẞ und ß, Fußball-Spaß, Grüße.", T0, NULL, 0));
    store(s, make("f2", "Plain", "No sharp s here, only strasse and Masse.", T0, NULL, 0));
    assert_int_equal(index_all(s), 2);
    assert_fts_matches_content(s);
    assert_int_equal(sqlite3_exec(s->db,
        "CREATE VIRTUAL TABLE temp.ref USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');"
        "INSERT INTO temp.ref (rowid, title, body) SELECT seq, " SQ_FOLD_SQL("title") ", "
        SQ_FOLD_SQL("body") " FROM articles;"
        "CREATE VIRTUAL TABLE temp.v_idx USING fts5vocab(main, articles_fts, instance);"
        "CREATE VIRTUAL TABLE temp.v_ref USING fts5vocab(temp, ref, instance);",
        NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(s->db,
        "SELECT (SELECT count(*) FROM temp.v_idx), (SELECT count(*) FROM temp.v_ref),"
        " (SELECT count(*) FROM (SELECT term, doc, col, offset FROM temp.v_idx EXCEPT"
        "                        SELECT term, doc, col, offset FROM temp.v_ref)),"
        " (SELECT count(*) FROM temp.v_idx WHERE term = 'strasse')", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(sqlite3_column_int(st, 0) > 20);
    assert_int_equal(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1));
    assert_int_equal(sqlite3_column_int(st, 2), 0);
    assert_int_equal(sqlite3_column_int(st, 3), 2);     /* Straße (title of f1), strasse (f2) */
    sqlite3_finalize(st);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"grosse\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Spass\"}"), 1);
    sq_close(s);
}

/* The action newsd chose (ABI 1.3) is stored, shown and listed by. */
static void test_list_by_action(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    struct action_table t = {0};
    char *err = NULL;
    assert_int_equal(actions_finish(&t, &err), 0);   /* alert >= 6, archive >= 0, discard */
    const double points[] = {7, 6.5, 1, -2, 0};
    for (int i = 0; i < 5; i++) {
        char raw[8];
        snprintf(raw, sizeof raw, "act%d", i);
        struct newsd_article *a = make(raw, "Titel", "Text", T0 + i, NULL, points[i]);
        article_choose_action(a, &t);
        store(s, a);
    }
    assert_int_equal(total_of(s, "{\"op\":\"list\"}"), 5);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"action\":\"alert\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"action\":\"archive\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"action\":\"discard\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"hide_action\":\"discard\"}"), 4);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"action\":\"alert\",\"min_score\":7}"), 1);
    json_t *j = ask(s, "{\"op\":\"list\",\"action\":\"discard\"}");
    json_t *item = json_array_get(json_object_get(j, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(item, "action")), "discard");
    json_decref(j);
    char id[NEWSD_ID_LEN + 1], request[128];
    struct newsd_article *a = make("act0", "Titel", "Text", T0, NULL, 0);
    snprintf(id, sizeof id, "%s", newsd_article_get(a, NEWSD_FIELD_ID));
    article_free(a);
    snprintf(request, sizeof request, "{\"op\":\"show\",\"id\":\"%s\"}", id);
    j = ask(s, request);
    assert_string_equal(json_string_value(json_object_get(j, "action")), "alert");
    json_decref(j);
    sq_close(s);
}

static void test_list_filters(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("l1", "Eins", "a", T0 - 3 * DAY, "topic:ai-chips", 4));
    store(s, make("l2", "Zwei", "b", T0 - 2 * DAY, "topic:ai-chips", 1));
    store(s, make("l3", "Drei", "c", T0 - 1 * DAY, "topic:other", 6));
    store(s, make("l4", "Vier", "d", T0, NULL, 0));

    assert_int_equal(total_of(s, "{\"op\":\"list\"}"), 4);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:ai-chips\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag_prefix\":\"topic:\"}"), 3);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag_prefix\":\"entity:org/\"}"), 3);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag_prefix\":\"entity:person/\"}"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"min_score\":3}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:ai-chips\",\"min_score\":3}"), 1);
    /* since inclusive, until exclusive; dates or full times */
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"since\":\"2026-11-26\"}"), 3);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"until\":\"2026-11-26\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"since\":\"2026-11-26\",\"until\":\"2026-11-28\"}"), 2);

    /* newest first, paged */
    json_t *j = ask(s, "{\"op\":\"list\",\"limit\":2,\"offset\":1}");
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "title")), "Drei");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "title")), "Zwei");
    json_decref(j);

    /* ids and export page with a cursor */
    j = ask(s, "{\"op\":\"ids\",\"limit\":3}");
    assert_int_equal(json_array_size(json_object_get(j, "ids")), 3);
    json_int_t cursor = json_integer_value(json_object_get(j, "next_cursor"));
    assert_true(cursor > 0);
    json_decref(j);
    char req[128];
    snprintf(req, sizeof req, "{\"op\":\"export\",\"limit\":3,\"cursor\":%lld}", (long long)cursor);
    j = ask(s, req);
    json_t *recs = json_object_get(j, "records");
    assert_int_equal(json_array_size(recs), 1);
    assert_true(json_is_null(json_object_get(j, "next_cursor")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 0), "title")), "Vier");
    assert_non_null(json_object_get(json_array_get(recs, 0), "body"));
    json_decref(j);
    j = ask(s, "{\"op\":\"export\",\"since\":\"2026-11-27\"}");
    assert_int_equal(json_array_size(json_object_get(j, "records")), 2);
    json_decref(j);

    /* the original comes back byte for byte, typed */
    struct newsd_article *a = make("l4", "", "", T0, NULL, 0);
    snprintf(req, sizeof req, "{\"op\":\"original\",\"id\":\"%s\"}", a->id);
    article_free(a);
    struct query_result res;
    assert_int_equal(run(s, req, &res), NEWSD_QUERY_OK);
    assert_null(res.original_path);
    assert_int_equal(res.original_len, 2);
    assert_memory_equal(res.original, "l4", 2);
    assert_null(res.json);
    query_result_free(&res);
    sq_close(s);
}

/* Since 1.4 a search applies list's filters: total and hits are the
 * matches that pass every one of them. */
static void test_search_filters(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    struct action_table t = {0};
    char *err = NULL;
    assert_int_equal(actions_finish(&t, &err), 0);   /* alert >= 6, archive >= 0, discard */
    const struct {
        const char *raw, *title, *body, *lang, *tag;
        int64_t received;
        double points;
    } rows[] = {
        {"s1", "Chips aus China", "Der Chiphersteller liefert Chips.", "de", "topic:ai-chips", T0 - 2 * DAY, 7},
        {"s2", "Chips from China", "The chip maker ships chips.", "en", "topic:ai-chips", T0 - DAY, 3},
        {"s3", "Mehr Chips", "Noch mehr Chips, und Brot.", "de", "topic:other", T0, 1},
        {"s4", "Brot", "Kein Wort davon.", "de", "topic:ai-chips", T0, 7},
        {"s5", "Chips verworfen", "Chips, die keiner will.", "de", NULL, T0, -3},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        struct newsd_article *a = make(rows[i].raw, rows[i].title, rows[i].body, rows[i].received, rows[i].tag,
                                       rows[i].points);
        assert_int_equal(newsd_article_set(a, NEWSD_FIELD_LANG, rows[i].lang), NEWSD_OK);
        article_choose_action(a, &t);
        store(s, a);
    }
    assert_int_equal(index_all(s), 5);

    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\"}"), 4);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"lang\":\"de\"}"), 3);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"lang\":\"en\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"tag\":\"topic:ai-chips\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"tag_prefix\":\"topic:\"}"), 3);
    /* the score range includes both ends */
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"min_score\":1,\"max_score\":3}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"max_score\":0}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"min_score\":7}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"action\":\"discard\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"hide_action\":\"discard\"}"), 3);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"since\":\"2026-11-27\"}"), 3);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"until\":\"2026-11-27\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips\",\"lang\":\"de\",\"min_score\":0,"
                                 "\"since\":\"2026-11-27\"}"), 1);
    /* the FTS5 syntax still works beside the filters, and its errors are the request's */
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"chips NOT brot\",\"lang\":\"de\"}"), 2);
    char *why = refused(s, "{\"op\":\"search\",\"q\":\"chips AND\",\"lang\":\"de\"}", NEWSD_QUERY_BAD_REQUEST);
    assert_non_null(strstr(why, "bad search query"));
    free(why);

    /* the hits: best match first, paged among the filtered ones only */
    json_t *j = ask(s, "{\"op\":\"search\",\"q\":\"chips\",\"lang\":\"de\",\"limit\":2,\"offset\":1}");
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 3);
    json_t *hits = json_object_get(j, "hits");
    assert_int_equal(json_array_size(hits), 2);
    size_t i;
    json_t *h;
    json_array_foreach(hits, i, h) {
        const char *title = json_string_value(json_object_get(h, "title"));
        assert_true(strcmp(title, "Chips from China") != 0 && strcmp(title, "Brot") != 0);
        assert_non_null(strchr(json_string_value(json_object_get(h, "snippet")), '['));
    }
    json_decref(j);
    /* list takes max_score too */
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"max_score\":3}"), 3);
    sq_close(s);
}

static void expect_reason(struct sq *s, const char *request, int status, const char *word)
{
    char *why = refused(s, request, status);
    if (!strstr(why, word))
        fail_msg("reason for %s is \"%s\", expected \"...%s...\"", request, why, word);
    free(why);
}

static void test_bad_queries(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("b1", "Titel", "Text", T0, NULL, 0));
    index_all(s);
    expect_reason(s, "{\"op\":\"search\",\"q\":\"AND AND\"}", NEWSD_QUERY_BAD_REQUEST, "syntax error");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"\\\"unterminated\"}", NEWSD_QUERY_BAD_REQUEST, "unterminated");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"KI-Chiphersteller\"}", NEWSD_QUERY_BAD_REQUEST, "search query");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"nosuch:col\"}", NEWSD_QUERY_BAD_REQUEST, "no such column");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"* *\",\"mode\":\"words\"}", NEWSD_QUERY_BAD_REQUEST,
                  "no word");
    /* refused by newsd before the archive sees them */
    expect_reason(s, "{\"op\":\"search\",\"q\":\"\"}", NEWSD_QUERY_BAD_REQUEST, "q=");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"x\",\"limit\":0}", NEWSD_QUERY_BAD_REQUEST, "limit");
    expect_reason(s, "{\"op\":\"ids\",\"limit\":100001}", NEWSD_QUERY_BAD_REQUEST, "limit");
    expect_reason(s, "{\"op\":\"show\"}", NEWSD_QUERY_BAD_REQUEST, "article id");
    expect_reason(s, "{\"op\":\"original\",\"id\":\"x\"}", NEWSD_QUERY_BAD_REQUEST, "article id");
    /* unknown ids */
    expect_reason(s, "{\"op\":\"show\",\"id\":\"ffffffffffffffffffffffffffffffff\"}", NEWSD_QUERY_NOT_FOUND,
                  "not found");
    expect_reason(s, "{\"op\":\"original\",\"id\":\"ffffffffffffffffffffffffffffffff\"}",
                  NEWSD_QUERY_NOT_FOUND, "not found");
    /* an op of a later minor: the archive says it does not answer it */
    struct newsd_query q;
    struct query_result res;
    query_init(&q, (enum newsd_query_op)99);
    assert_int_equal(query_run_answer(sq_answer, s, "archive", &q, &res), NEWSD_QUERY_UNSUPPORTED);
    assert_non_null(res.reason);
    query_result_free(&res);
    /* still answering */
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"titel\"}"), 1);
    sq_close(s);
}

static void test_commit_failure_then_retry(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    /* Another process holds the write lock: the archive is busy. */
    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(db_path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

    struct newsd_article *a = make("c1", "Eins", "a", T0, NULL, 0);
    struct newsd_article *b = make("c2", "Zwei", "b", T0, NULL, 0);
    /* The fault is the archive's, not the articles': archive() says OK
     * (nothing goes to failed/) and commit() fails the batch. */
    assert_int_equal(sq_archive(s, a), NEWSD_OK);
    assert_int_equal(sq_archive(s, b), NEWSD_OK);
    assert_int_equal(sq_commit(s), NEWSD_ERROR);

    /* The batch again, after the lock is gone: everything is stored once. */
    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sq_archive(s, a), NEWSD_OK);
    assert_int_equal(sq_archive(s, b), NEWSD_OK);
    assert_int_equal(sq_commit(s), NEWSD_OK);
    assert_int_equal(stat_of(s, "articles"), 2);
    assert_int_equal(stat_of(s, "duplicates"), 0);

    /* Committed, then seen again (newsd crashed before unlinking the work
     * file): a duplicate, nothing stored twice. */
    struct newsd_article *c = make("c3", "Drei", "c", T0, NULL, 0);
    assert_int_equal(sq_archive(s, c), NEWSD_OK);
    assert_int_equal(sq_commit(s), NEWSD_OK);
    assert_int_equal(sq_archive(s, c), NEWSD_DUPLICATE);
    assert_int_equal(sq_commit(s), NEWSD_OK);
    sqlite3_close(other);

    /* Disk full (the file may not grow): archive() cannot insert, the
     * batch fails whole; once there is room, the retry stores it. */
    assert_int_equal(sqlite3_exec(s->db, "PRAGMA max_page_count = 1", NULL, NULL, NULL), SQLITE_OK);
    char *big = malloc(200001);
    memset(big, 'x', 200000);
    big[200000] = '\0';
    struct newsd_article *d = make(big, "Vier", big, T0, "topic:full", 1);
    free(big);
    assert_int_equal(sq_archive(s, d), NEWSD_OK);
    assert_int_equal(sq_commit(s), NEWSD_ERROR);
    assert_int_equal(sqlite3_exec(s->db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sq_archive(s, d), NEWSD_OK);
    assert_int_equal(sq_commit(s), NEWSD_OK);
    assert_int_equal(stat_of(s, "articles"), 4);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:full\"}"), 1);
    article_free(d);
    sq_close(s);
    article_free(a);
    article_free(b);
    article_free(c);
}

/* The WAL is cut back to nothing by a checkpoint after a failed batch (a
 * full disk), though a reader kept SQLite's own checkpoints from rewinding
 * it; a batch that failed on a lock leaves it alone. */
static void test_wal_checkpoint(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    sqlite3 *reader = NULL;
    assert_int_equal(sqlite3_open(db_path, &reader), SQLITE_OK);
    assert_int_equal(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM articles", NULL, NULL, NULL), SQLITE_OK);
    char *big = malloc(300001);
    for (int i = 0; i < 30; i++) {
        memset(big, 'a' + i % 26, 300000);
        char tag[16];
        int n = snprintf(tag, sizeof tag, "wal %d ", i);
        memcpy(big, tag, (size_t)n);
        big[300000] = '\0';
        store(s, make(big, "Groß", big, T0, NULL, 0));
    }
    free(big);
    long long grown = sq_wal_bytes(s);
    assert_true(grown > 4 * 1024 * 1024);

    /* The reader still there: the checkpoint cannot complete. */
    assert_int_equal(sq_checkpoint(s, "test"), NEWSD_ERROR);
    assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);

    sq_after_batch(s, SQLITE_BUSY);
    assert_int_equal(sq_wal_bytes(s), grown);
    sq_after_batch(s, SQLITE_FULL);
    assert_int_equal(sq_wal_bytes(s), 0);
    assert_int_equal(stat_of(s, "articles"), 30);
    sqlite3_close(reader);
    sq_close(s);
}

/* The record comes from SQL (json_object), whose own number format has
 * only 15 digits: every double must still read back as itself, and the
 * record must equal the one newsd_article_to_json() writes. */
static void test_record_as_the_core_writes_it(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    struct newsd_article *a = make("exact", "Titel \"zitiert\"", "Zeile\n\tzwei", T0, "topic:x", 0.1 + 0.2);
    a->stage = NEWSD_STAGE_TAG;
    assert_int_equal(newsd_article_tag(a, "topic:third", 1.0 / 3.0), NEWSD_OK);
    assert_int_equal(newsd_article_set_meta(a, "z", "letzter"), NEWSD_OK);
    a->stage = 0;
    char *core = newsd_article_to_json(a);
    char req[128];
    snprintf(req, sizeof req, "{\"op\":\"show\",\"id\":\"%s\"}", a->id);
    assert_int_equal(store(s, a), NEWSD_OK);

    json_t *want = json_loads(core, 0, NULL), *got = ask(s, req);
    free(core);
    assert_non_null(want);
    json_t *score = json_object_get(got, "score");
    assert_true(json_real_value(json_object_get(score, "total")) == 0.1 + 0.2);
    assert_true(json_real_value(json_object_get(json_array_get(json_object_get(got, "tags"), 2), "weight")) ==
                1.0 / 3.0);
    if (!json_equal(want, got)) {
        char *w = json_dumps(want, JSON_COMPACT), *g = json_dumps(got, JSON_COMPACT);
        fail_msg("the archive's record differs from the core's:\n%s\n%s", w, g);
    }
    /* and in the core's order of members */
    void *iw = json_object_iter(want), *ig = json_object_iter(got);
    for (; iw && ig; iw = json_object_iter_next(want, iw), ig = json_object_iter_next(got, ig))
        assert_string_equal(json_object_iter_key(ig), json_object_iter_key(iw));
    assert_null(iw);
    assert_null(ig);
    json_decref(want);
    json_decref(got);
    sq_close(s);
}

static void test_file_name_not_utf8(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    struct newsd_article *a = article_new("caf\xe9.txt", T0);
    article_set_raw(a, (unsigned char *)strdup("latin1 name"), 11);
    char req[128];
    snprintf(req, sizeof req, "{\"op\":\"show\",\"id\":\"%s\"}", a->id);
    assert_int_equal(store(s, a), NEWSD_OK);
    json_t *rec = ask(s, req);
    assert_string_equal(json_string_value(json_object_get(rec, "source")), "caf\xef\xbf\xbd.txt");
    json_decref(rec);
    sq_close(s);
}

/* Reprocessing an article that is not indexed yet: the update trigger
 * leaves the index alone (a 'delete' of text never indexed would corrupt
 * it), and the indexer later indexes the new text. */
static void test_reprocess_before_indexed(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("r1", "Altes Thema", "Kohlekraftwerk Nord", T0, NULL, 0));
    store(s, make("r0", "Nachbar", "bleibt wie er ist", T0, NULL, 0));
    assert_int_equal(stat_of(s, "index_pending"), 2);
    json_t *j = ask(s, "{\"op\":\"search\",\"q\":\"Kohlekraftwerk\"}");
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);   /* not indexed yet */
    assert_int_equal(json_integer_value(json_object_get(j, "pending")), 2);
    json_decref(j);

    struct newsd_article *a = make("r1", "Neues Thema", "Windpark Süd", T0, NULL, 0);
    a->reprocessing = true;
    assert_int_equal(store(s, a), NEWSD_OK);
    assert_int_equal(stat_of(s, "index_pending"), 2);
    assert_fts_intact(s);
    assert_int_equal(index_all(s), 2);
    assert_int_equal(stat_of(s, "index_pending"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Windpark\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Kohlekraftwerk\"}"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Altes\"}"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Nachbar\"}"), 1);
    j = ask(s, "{\"op\":\"search\",\"q\":\"Windpark\"}");
    assert_int_equal(json_integer_value(json_object_get(j, "pending")), 0);
    json_decref(j);
    assert_fts_intact(s);
    sq_close(s);
}

/* Reprocessing an indexed article: the old text leaves the index and the
 * new one enters it, in the writer's transaction. */
static void test_reprocess_after_indexed(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("r1", "Altes Thema", "Kohlekraftwerk Nord", T0, NULL, 0));
    store(s, make("r2", "Noch eins", "nicht indexiert", T0, NULL, 0));
    assert_int_equal(sq_index_chunk(s->db, 1, NULL, NULL), 1);   /* r1 only */
    assert_int_equal(stat_of(s, "index_pending"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Kohlekraftwerk\"}"), 1);

    struct newsd_article *a = make("r1", "Neues Thema", "Windpark Süd", T0, NULL, 0);
    a->reprocessing = true;
    assert_int_equal(store(s, a), NEWSD_OK);
    /* searchable at once: the update trigger re-indexed it */
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Windpark\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Kohlekraftwerk\"}"), 0);
    assert_int_equal(stat_of(s, "index_pending"), 1);
    assert_fts_intact(s);
    assert_int_equal(index_all(s), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"indexiert\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Windpark\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Altes\"}"), 0);
    assert_fts_intact(s);
    sq_close(s);
}

/* Rows deleted by hand (newsd deletes none): indexed ones leave the index,
 * others are simply gone; a seq handed out again after the newest row was
 * deleted is indexed too (articles_fts_reuse). */
static void test_delete_and_seq_reuse(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("d1", "Eins", "Apfel", T0, NULL, 0));
    store(s, make("d2", "Zwei", "Birne", T0, "topic:zwei", 2));
    index_all(s);
    store(s, make("d3", "Drei", "Kirsche", T0, NULL, 0));
    assert_int_equal(sqlite3_exec(s->db, "DELETE FROM articles WHERE title IN ('Eins', 'Drei')",
                                  NULL, NULL, NULL), SQLITE_OK);
    assert_fts_intact(s);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Apfel\"}"), 0);
    assert_int_equal(stat_of(s, "index_pending"), 0);
    /* the newest indexed row goes; its seq (2) comes back for a new row */
    assert_int_equal(sqlite3_exec(s->db, "DELETE FROM articles WHERE title = 'Zwei'", NULL, NULL, NULL),
                     SQLITE_OK);
    /* and its tags, rules and meta went with it, so the new row's (keyed
     * by the same seq) go in */
    assert_int_equal(stat_of(s, "tags"), 0);
    assert_int_equal(stat_of(s, "score_rules"), 0);
    assert_int_equal(store(s, make("d4", "Vier", "Pflaume", T0, "topic:vier", 4)), NEWSD_OK);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:zwei\"}"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:vier\"}"), 1);
    assert_int_equal(stat_of(s, "tags"), 2);
    assert_int_equal(stat_of(s, "index_pending"), 1);
    assert_int_equal(index_all(s), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Pflaume\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Birne\"}"), 0);
    assert_fts_intact(s);
    sq_close(s);
}

/* A version 2 database (index kept by triggers, complete): version 3 takes
 * it over with the mark at the newest row, nothing to re-index, the old
 * insert trigger gone. */
static void make_v2(int rows)
{
    char *dirs;
    assert_true(asprintf(&dirs, "mkdir -p %s/archive", dir) > 0);
    assert_int_equal(system(dirs), 0);
    free(dirs);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sq_migrate(db, 2), NEWSD_OK);
    assert_int_equal(sq_schema_version(db), 2);
    for (int i = 0; i < rows; i++) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "INSERT INTO articles (id, source, size, format, encoding, received, processed, title,"
                 " body, lang, url, author, published, score_total) VALUES ('%032x', 'v2.txt', 1,"
                 " 'text', 'utf-8', '2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z',"
                 " 'Alte Straße %d', 'Gletscher schmelzen', 'de', '', '', '', 0)", i + 1, i);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    sqlite3_close(db);
}

static void test_migration_from_v2(void **state)
{
    (void)state;
    make_v2(3);
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_schema_version(s->db), SQ_SCHEMA_VERSION);
    assert_int_equal(mark_of(s->db), 3);
    /* schema 4: rows from before have no action, and list as such */
    sqlite3_stmt *st0 = NULL;
    assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT count(*) FROM articles WHERE action = ''", -1, &st0, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st0), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st0, 0), 3);
    sqlite3_finalize(st0);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"hide_action\":\"discard\"}"), 3);
    assert_int_equal(stat_of(s, "index_pending"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Gletscher\"}"), 3);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"strasse\"}"), 3);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                                        " AND name = 'articles_fts_insert'", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    /* new rows wait for the indexer */
    store(s, make("m1", "Neu", "Gletscher wachsen", T0, NULL, 0));
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Gletscher\"}"), 3);
    assert_int_equal(index_all(s), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Gletscher\"}"), 4);
    assert_fts_intact(s);
    sq_close(s);
}

/* A version 2 database whose index is not complete (edited by hand): it is
 * emptied and rebuilt from the rows by the indexer. */
static void test_migration_from_v2_incomplete_index(void **state)
{
    (void)state;
    make_v2(3);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO articles_fts(articles_fts, rowid, title, body)"
                                  " SELECT 'delete', seq, replace(title, 'ß', 'ss'), body FROM articles"
                                  " WHERE seq = 2", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(mark_of(s->db), 0);
    assert_int_equal(stat_of(s, "index_pending"), 3);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Gletscher\"}"), 0);
    assert_int_equal(index_all(s), 3);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Gletscher\"}"), 3);
    assert_fts_intact(s);
    sq_close(s);
}

/* Wait (10 s at most) until nothing is pending; returns what is left. */
static long long wait_indexed(struct sq *s)
{
    long long left = 0;
    for (int i = 0; i < 1000 && (left = stat_of(s, "index_pending")) > 0; i++)
        nanosleep(&(struct timespec){.tv_nsec = 10000000L}, NULL);
    return left;
}

/* The indexer thread: it catches up at start with what an earlier run
 * left, follows commit(), and stops on close (the rest waits for the next
 * start). */
static void test_indexer_thread(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("t0", "Vorher", "Lawine", T0, NULL, 0));   /* before the indexer runs */
    assert_int_equal(stat_of(s, "index_pending"), 1);
    assert_int_equal(sq_indexer_start(s), NEWSD_OK);
    assert_int_equal(wait_indexed(s), 0);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Lawine\"}"), 1);
    /* batches while it runs; a reprocess among them */
    for (int i = 0; i < 40; i++) {
        char raw[32], body[64];
        snprintf(raw, sizeof raw, "t%d", i + 1);
        snprintf(body, sizeof body, "Lawine Nummer n%d", i + 1);
        struct newsd_article *a = make(raw, "Serie", body, T0, NULL, 0);
        assert_int_equal(sq_archive(s, a), NEWSD_OK);
        article_free(a);
        if (i % 8 == 7)
            assert_int_equal(sq_commit(s), NEWSD_OK);
    }
    struct newsd_article *a = make("t0", "Nachher", "Mure", T0, NULL, 0);
    a->reprocessing = true;
    store(s, a);
    assert_int_equal(wait_indexed(s), 0);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Lawine\"}"), 40);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Mure\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"n17\"}"), 1);
    assert_fts_intact(s);
    sq_close(s);        /* joins the thread */

    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("t99", "Danach", "Steinschlag", T0, NULL, 0));
    sq_close(s);
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(stat_of(s, "index_pending"), 1);
    assert_int_equal(sq_indexer_start(s), NEWSD_OK);
    assert_int_equal(wait_indexed(s), 0);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Steinschlag\"}"), 1);
    assert_fts_intact(s);
    sq_close(s);
}

/* The indexer thread cannot prepare its statements (here: tag_index is
 * gone) and tries again on its back-off: each try must release what the
 * failed one prepared (ASan reports the statements and the connection,
 * which cannot close with them, otherwise); once the table is back it
 * indexes. */
static void test_indexer_prepare_failure(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("p1", "Eins", "Apfel", T0, "topic:obst", 1));
    assert_int_equal(sqlite3_exec(s->db, "DROP TABLE tag_index", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sq_indexer_start(s), NEWSD_OK);
    struct timespec t = {2, 500 * 1000 * 1000};    /* the try at start and one after 1 s */
    nanosleep(&t, NULL);
    assert_int_equal(stat_of(s, "index_pending"), 1);
    assert_int_equal(sqlite3_exec(s->db,
                                  "CREATE TABLE tag_index (name TEXT NOT NULL, seq INTEGER NOT NULL,"
                                  " PRIMARY KEY (name, seq)) WITHOUT ROWID",
                                  NULL, NULL, NULL), SQLITE_OK);
    store(s, make("p2", "Zwei", "Apfel", T0, "topic:obst", 2));
    assert_int_equal(wait_indexed(s), 0);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index WHERE name = 'topic:obst'"), 2);
    sq_close(s);
}

/* A writer connection that cannot write (SQLite opened its file or its
 * -wal read-only: a permission that has been fixed since) fails the batch,
 * and the next batch opens the connection again instead of failing for
 * good.  The stuck connection is made here by opening it read-only, the
 * way SQLite does by itself when it may not write. */
static void test_read_only_connection_reopened(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    for (int i = 0; i < SQ_N_STMTS; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
    assert_int_equal(sqlite3_open_v2(db_path, &s->db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sq_prepare_writer(s), NEWSD_OK);

    struct newsd_article *a = make("ro1", "Schreibschutz", "nur lesbar", T0, NULL, 0);
    assert_int_equal(sq_archive(s, a), NEWSD_OK);
    assert_int_equal(sq_commit(s), NEWSD_ERROR);
    /* the retry: a connection of its own, and the article stored once */
    assert_int_equal(sq_archive(s, a), NEWSD_OK);
    assert_int_equal(sq_commit(s), NEWSD_OK);
    assert_int_equal(sqlite3_db_readonly(s->db, "main"), 0);
    assert_int_equal(stat_of(s, "articles"), 1);
    article_free(a);
    sq_close(s);
}

/* ---- originals as files (schema 5, originals.c) --------------------------- */

/* A work file holding raw, and an article read from it as the pipeline
 * makes one (path set). */
static struct newsd_article *make_from_file(const char *name, const char *raw, const char *title)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(raw, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    struct newsd_article *a = make(raw, title, "Text", T0, NULL, 0);
    a->path = strdup(path);
    return a;
}

static void original_path_of(const char *id, char *out, size_t len)
{
    snprintf(out, len, "%s/archive/originals/%.2s/%s", dir, id, id);
}

static long long blobs(struct sq *s)
{
    return count_of(s->db, "SELECT count(*) FROM originals");
}

/* The original op answers a path (a file) or the bytes (a BLOB); either
 * way they are raw. */
static void assert_original(struct sq *s, const char *id, const char *raw, int as_file)
{
    char req[128];
    snprintf(req, sizeof req, "{\"op\":\"original\",\"id\":\"%s\"}", id);
    struct query_result res;
    assert_int_equal(run(s, req, &res), NEWSD_QUERY_OK);
    if (as_file) {
        char want[256], got[256] = {0};
        original_path_of(id, want, sizeof want);
        assert_non_null(res.original_path);
        assert_non_null(realpath(want, got));
        assert_string_equal(res.original_path, got);
        FILE *f = fopen(res.original_path, "r");
        assert_non_null(f);
        size_t n = fread(got, 1, sizeof got, f);
        fclose(f);
        assert_int_equal(n, strlen(raw));
        assert_memory_equal(got, raw, n);
    } else {
        assert_null(res.original_path);
        assert_int_equal(res.original_len, strlen(raw));
        assert_memory_equal(res.original, raw, strlen(raw));
    }
    query_result_free(&res);
}

static void test_originals_linked(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    struct newsd_article *a = make_from_file("w1", "original eins", "Eins");
    char id[NEWSD_ID_LEN + 1], work[256], orig[256];
    strcpy(id, a->id);
    strcpy(work, a->path);
    assert_int_equal(store(s, a), NEWSD_OK);
    /* a hard link of the work file: the same inode, no BLOB */
    struct stat w, o;
    original_path_of(id, orig, sizeof orig);
    assert_int_equal(stat(work, &w), 0);
    assert_int_equal(stat(orig, &o), 0);
    assert_true(w.st_ino == o.st_ino && w.st_nlink == 2);
    assert_int_equal(blobs(s), 0);
    /* newsd unlinks the work file after the commit: the original stays */
    assert_int_equal(unlink(work), 0);
    assert_original(s, id, "original eins", 1);

    /* no work file path (or one that cannot be linked): a BLOB, read back too */
    struct newsd_article *b = make("original zwei", "Zwei", "Text", T0, NULL, 0);
    strcpy(id, b->id);
    assert_int_equal(store(s, b), NEWSD_OK);
    assert_int_equal(blobs(s), 1);
    original_path_of(id, orig, sizeof orig);
    assert_int_equal(access(orig, F_OK), -1);
    assert_original(s, id, "original zwei", 0);
    struct newsd_article *c = make_from_file("w2", "original drei", "Drei");
    c->path[strlen(c->path) - 1] = 'x';   /* gone: w2 -> w2x */
    strcpy(id, c->id);
    assert_int_equal(store(s, c), NEWSD_OK);
    assert_int_equal(blobs(s), 2);
    assert_original(s, id, "original drei", 0);

    /* a duplicate links nothing */
    struct newsd_article *d = make_from_file("w3", "original eins", "Eins");
    strcpy(work, d->path);
    assert_int_equal(store(s, d), NEWSD_DUPLICATE);
    assert_int_equal(stat(work, &w), 0);
    assert_int_equal(w.st_nlink, 1);
    sq_close(s);
}

/* A crash (or a failed commit) after the link and before the COMMIT
 * leaves a link without a row; the article comes again from work/ and
 * finds it.  A stale file holding other bytes (cut short by a power cut)
 * is replaced. */
static void test_originals_after_crash(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    struct newsd_article *a = make_from_file("w1", "vor dem Absturz", "Eins");
    char id[NEWSD_ID_LEN + 1], orig[256];
    strcpy(id, a->id);
    assert_int_equal(sq_archive(s, a), NEWSD_OK);
    article_free(a);
    sq_close(s);    /* no commit: rolled back, the link stays */
    original_path_of(id, orig, sizeof orig);
    assert_int_equal(access(orig, F_OK), 0);

    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(stat_of(s, "articles"), 0);
    a = make_from_file("w1", "vor dem Absturz", "Eins");   /* the same work file again */
    assert_int_equal(store(s, a), NEWSD_OK);
    assert_int_equal(stat_of(s, "articles"), 1);
    assert_int_equal(stat_of(s, "duplicates"), 0);
    assert_int_equal(blobs(s), 0);
    assert_original(s, id, "vor dem Absturz", 1);

    /* an orphan with other bytes under the id of a new article */
    struct newsd_article *b = make_from_file("w2", "neue Bytes", "Zwei");
    strcpy(id, b->id);
    original_path_of(id, orig, sizeof orig);
    char folder[256];
    snprintf(folder, sizeof folder, "%s/archive/originals/%.2s", dir, id);
    mkdir(folder, 0755);
    FILE *f = fopen(orig, "w");
    assert_non_null(f);
    fputs("neue By", f);   /* cut short */
    fclose(f);
    assert_int_equal(store(s, b), NEWSD_OK);
    assert_original(s, id, "neue Bytes", 1);
    assert_int_equal(blobs(s), 0);
    sq_close(s);
}

/* Turn db back into the layout of schema versions 1 to 5 (tags, rules and
 * meta keyed by the article's hex id), with the old SQL of step 1, and set
 * user_version to version: an archive as an older newsd left it. */
static void to_id_layout(sqlite3 *db, int version)
{
    char sql[4096];
    snprintf(sql, sizeof sql,
        "BEGIN;"
        "DROP TRIGGER articles_children_delete;"
        "DROP TABLE tag_index;"
        "CREATE TABLE old_tags ("
        "  article_id TEXT NOT NULL, pos INTEGER NOT NULL,"
        "  name TEXT NOT NULL, weight REAL NOT NULL, plugin TEXT NOT NULL,"
        "  PRIMARY KEY (article_id, pos)) WITHOUT ROWID;"
        "INSERT INTO old_tags SELECT a.id, t.pos, t.name, t.weight, t.plugin"
        "  FROM tags t JOIN articles a USING (seq);"
        "DROP TABLE tags; ALTER TABLE old_tags RENAME TO tags;"
        "CREATE INDEX tags_name ON tags(name, article_id);"
        "CREATE TABLE old_rules ("
        "  article_id TEXT NOT NULL, pos INTEGER NOT NULL,"
        "  rule TEXT NOT NULL, points REAL NOT NULL, reason TEXT NOT NULL, plugin TEXT NOT NULL,"
        "  PRIMARY KEY (article_id, pos)) WITHOUT ROWID;"
        "INSERT INTO old_rules SELECT a.id, r.pos, r.rule, r.points, r.reason, r.plugin"
        "  FROM score_rules r JOIN articles a USING (seq);"
        "DROP TABLE score_rules; ALTER TABLE old_rules RENAME TO score_rules;"
        "CREATE TABLE old_meta ("
        "  article_id TEXT NOT NULL, pos INTEGER NOT NULL,"
        "  key TEXT NOT NULL, value TEXT NOT NULL,"
        "  PRIMARY KEY (article_id, pos)) WITHOUT ROWID;"
        "INSERT INTO old_meta SELECT a.id, m.pos, m.key, m.value"
        "  FROM meta m JOIN articles a USING (seq);"
        "DROP TABLE meta; ALTER TABLE old_meta RENAME TO meta;"
        "PRAGMA user_version = %d;"
        "COMMIT;", version);
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("cannot build the old layout: %s", err);
}

/* A version 4 archive keeps its BLOBs readable, and new articles get files. */
static void test_originals_migration_from_v4(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    struct newsd_article *a = make("alt und in der Datenbank", "Alt", "Text", T0, NULL, 0);
    char old_id[NEWSD_ID_LEN + 1], id[NEWSD_ID_LEN + 1];
    strcpy(old_id, a->id);
    assert_int_equal(store(s, a), NEWSD_OK);
    assert_int_equal(blobs(s), 1);
    to_id_layout(s->db, 4);
    sq_close(s);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s/archive/originals", dir);
    assert_int_equal(system(cmd), 0);

    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_schema_version(s->db), SQ_SCHEMA_VERSION);
    assert_original(s, old_id, "alt und in der Datenbank", 0);
    a = make_from_file("w1", "neu und als Datei", "Neu");
    strcpy(id, a->id);
    assert_int_equal(store(s, a), NEWSD_OK);
    assert_original(s, id, "neu und als Datei", 1);
    assert_int_equal(blobs(s), 1);
    sq_close(s);
}

/* Version 6 keys tags, rules and meta by seq: a version 5 archive (keyed
 * by the hex id) comes across with every row, in the order plugins added
 * them, and answers every query as before; a row whose article is gone is
 * left behind. */
static void test_migration_to_seq_keys(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    for (int i = 0; i < 12; i++) {
        char raw[32], title[32];
        snprintf(raw, sizeof raw, "seq-%d", i);
        snprintf(title, sizeof title, "Artikel %d", i);
        struct newsd_article *a = make(raw, title, "Text", T0 + i, i % 3 ? "topic:x" : "topic:y", i - 4);
        a->stage = NEWSD_STAGE_TAG;
        /* more tags than one page of an index key, out of name order */
        for (int k = 0; k < i; k++) {
            char tag[32];
            snprintf(tag, sizeof tag, "topic:%c%d", 'z' - k, i);
            assert_int_equal(newsd_article_tag(a, tag, k / 8.0), NEWSD_OK);
        }
        assert_int_equal(newsd_article_set_meta(a, "a-last", title), NEWSD_OK);
        a->stage = NEWSD_STAGE_SCORE;
        assert_int_equal(newsd_article_score(a, "ZWEI", 0.5, "zweite Regel"), NEWSD_OK);
        a->stage = 0;
        assert_int_equal(store(s, a), NEWSD_OK);
    }
    const char *requests[] = {
        "{\"op\":\"export\"}",
        "{\"op\":\"list\",\"tag\":\"topic:x\"}",
        "{\"op\":\"list\",\"tag_prefix\":\"topic:w\"}",
        "{\"op\":\"list\",\"tag\":\"entity:org/Huawei\",\"min_score\":0}",
        "{\"op\":\"search\",\"q\":\"Artikel\",\"tag\":\"topic:y\"}",
    };
    enum { N_REQ = sizeof requests / sizeof *requests };
    index_all(s);
    json_t *before[N_REQ];
    for (int i = 0; i < N_REQ; i++)
        before[i] = ask(s, requests[i]);
    long long tags = count_of(s->db, "SELECT count(*) FROM tags");
    long long rules = stat_of(s, "score_rules");
    assert_true(tags > 12 * 2);
    assert_int_equal(stat_of(s, "tags"), tags);
    to_id_layout(s->db, 5);
    /* an orphan: its article was deleted by hand */
    assert_int_equal(sqlite3_exec(s->db, "INSERT INTO tags VALUES ('ffffffffffffffffffffffffffffffff', 0,"
                                  " 'topic:orphan', 1, 'unit')", NULL, NULL, NULL), SQLITE_OK);
    sq_close(s);

    s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_schema_version(s->db), SQ_SCHEMA_VERSION);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tags"), tags);
    assert_int_equal(stat_of(s, "score_rules"), rules);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM meta"), 12 * 2);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM pragma_table_info('tags') WHERE name = 'article_id'"), 0);
    /* step 7: the name lookup is tag_index, filled for the indexed rows */
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM sqlite_schema WHERE name = 'tags_name'"), 0);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index"),
                     count_of(s->db, "SELECT count(*) FROM (SELECT DISTINCT name, seq FROM tags"
                                     " WHERE seq IN (SELECT seq FROM articles))"));
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_v6'"), 0);
    /* every tag row points at its article's seq */
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tags WHERE seq NOT IN (SELECT seq FROM articles)"),
                     0);
    for (int i = 0; i < N_REQ; i++) {
        json_t *after = ask(s, requests[i]);
        if (!json_equal(before[i], after)) {
            char *w = json_dumps(before[i], JSON_COMPACT), *g = json_dumps(after, JSON_COMPACT);
            fail_msg("%s differs after the migration:\n%s\n%s", requests[i], w, g);
        }
        json_decref(after);
        json_decref(before[i]);
    }
    /* new articles and reprocessing go on with the new keys */
    struct newsd_article *a = make("seq-new", "Neu", "Text", T0 + 100, "topic:x", 1);
    char id[NEWSD_ID_LEN + 1], req[128];
    strcpy(id, a->id);
    assert_int_equal(store(s, a), NEWSD_OK);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:x\"}"), 9);
    a = make("seq-new", "Neu bearbeitet", "Text", T0 + 100, "topic:y", 1);
    a->reprocessing = true;
    assert_int_equal(store(s, a), NEWSD_OK);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:x\"}"), 8);
    snprintf(req, sizeof req, "{\"op\":\"show\",\"id\":\"%s\"}", id);
    json_t *rec = ask(s, req);
    json_t *t = json_object_get(rec, "tags");
    assert_int_equal(json_array_size(t), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(t, 0), "name")), "topic:y");
    json_decref(rec);
    /* a migrated archive also deletes an article's rows with it */
    assert_true(count_of(s->db, "SELECT count(*) FROM tags WHERE seq = 1") > 0);
    assert_int_equal(sqlite3_exec(s->db, "DELETE FROM articles WHERE seq = 1", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tags WHERE seq = 1")
                     + count_of(s->db, "SELECT count(*) FROM meta WHERE seq = 1"), 0);
    sq_close(s);
}

/* Schema step 7: the lookup by tag name (tag_index) is written by the
 * indexer; a query by tag finds the same articles whether they are indexed
 * or not (none twice), and reprocessing or deleting an indexed article
 * keeps tag_index right. */
static void test_tag_lookup_behind_the_indexer(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("t1", "Eins", "Apfel Birne", T0, "topic:obst", 1));
    store(s, make("t2", "Zwei", "Apfel Kirsche", T0, "topic:obst", 2));
    /* nothing indexed: written by archive() only into tags */
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:obst\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag_prefix\":\"topic:o\"}"), 2);
    /* one of two indexed: one from each side, none twice */
    assert_int_equal(sq_index_chunk(s->db, 1, NULL, NULL), 1);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index WHERE seq = 1"), 2);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index WHERE seq = 2"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:obst\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag_prefix\":\"topic:o\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"entity:org/Huawei\",\"min_score\":2}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Apfel\",\"tag\":\"topic:obst\"}"), 1);
    assert_int_equal(index_all(s), 1);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index"), 4);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:obst\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Apfel\",\"tag_prefix\":\"topic:\"}"), 2);

    /* an indexed article reprocessed with another tag */
    struct newsd_article *a = make("t1", "Eins", "Apfel Birne", T0, "topic:baum", 1);
    a->reprocessing = true;
    assert_int_equal(store(s, a), NEWSD_OK);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:obst\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:baum\"}"), 1);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index WHERE seq = 1 AND name = 'topic:baum'"),
                     1);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index WHERE name = 'topic:obst'"), 1);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index"), 4);
    /* an indexed article deleted by hand takes its entries along */
    assert_int_equal(sqlite3_exec(s->db, "DELETE FROM articles WHERE seq = 2", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index WHERE seq = 2"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"entity:org/Huawei\"}"), 1);
    sq_close(s);
}

/* tag_index at the edges of the mark: an article above it reprocessed
 * gets no entry before the indexer reaches it, and a seq handed out again
 * after the newest indexed article was deleted by hand (the mark drops
 * below it, articles_fts_reuse) is found by its new tags only. */
static void test_tag_lookup_at_the_mark(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("e1", "Eins", "Apfel", T0, "topic:obst", 1));
    store(s, make("e2", "Zwei", "Apfel", T0, "topic:obst", 2));
    assert_int_equal(sq_index_chunk(s->db, 1, NULL, NULL), 1);
    struct newsd_article *a = make("e2", "Zwei", "Apfel", T0, "topic:baum", 2);
    a->reprocessing = true;
    assert_int_equal(store(s, a), NEWSD_OK);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index WHERE seq = 2"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:baum\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:obst\"}"), 1);
    assert_int_equal(index_all(s), 1);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:baum\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:obst\"}"), 1);

    assert_int_equal(sqlite3_exec(s->db, "DELETE FROM articles WHERE seq = 2", NULL, NULL, NULL), SQLITE_OK);
    store(s, make("e3", "Drei", "Apfel", T0, "topic:nuss", 3));
    assert_int_equal(count_of(s->db, "SELECT seq FROM articles WHERE title = 'Drei'"), 2);
    assert_int_equal(count_of(s->db, "SELECT seq FROM fts_mark"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:baum\"}"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:nuss\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag_prefix\":\"topic:n\"}"), 1);
    assert_int_equal(index_all(s), 1);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:nuss\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Apfel\",\"tag\":\"topic:nuss\"}"), 1);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index WHERE name = 'topic:baum'"), 0);
    sq_close(s);
}

static long long db_file_bytes(void)
{
    struct stat st;
    return stat(db_path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Store n articles of ~300 kB (~75 WAL frames each), one batch each. */
static void store_big(struct sq *s, int n, int from)
{
    char *big = malloc(300001);
    assert_non_null(big);
    for (int i = from; i < from + n; i++) {
        memset(big, 'a' + i % 26, 300000);
        int k = snprintf(big, 32, "ckpt %d ", i);
        big[k] = 'x';
        big[300000] = '\0';
        store(s, make(big, "Groß", big, T0, NULL, 0));
    }
    free(big);
}

/* SQLite's own checkpoint once the WAL passes SQ_CHECKPOINT_FRAMES: with
 * the checkpointer thread it runs there (the database file grows without
 * anyone else checkpointing); without it (as here in the other tests) the
 * hook runs it after the commit, as SQLite's would. */
static void test_checkpointer(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    long long before = db_file_bytes();
    store_big(s, 20, 0);           /* ~1,500 frames */
    long long inline_grown = db_file_bytes();
    assert_true(inline_grown > before + 2 * 1024 * 1024);
    sq_close(s);

    s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_checkpointer_start(s), NEWSD_OK);
    before = db_file_bytes();
    store_big(s, 20, 100);
    long long after = db_file_bytes();
    for (int i = 0; i < 1000 && after <= before + 2 * 1024 * 1024; i++) {
        struct timespec t = {0, 10 * 1000 * 1000};
        nanosleep(&t, NULL);
        after = db_file_bytes();
    }
    assert_true(after > before + 2 * 1024 * 1024);
    assert_int_equal(stat_of(s, "articles"), 40);
    sq_checkpointer_stop(s);
    assert_null(s->ckpt);
    sq_close(s);
}

/* The writer's TRUNCATE checkpoint (sq_checkpoint(): after a failed batch,
 * past SQ_WAL_BOUND) while the checkpointer thread runs its PASSIVE one:
 * SQLite refuses a second checkpoint at once (SQLITE_BUSY, no busy
 * handler), so the writer's must wait for the other to finish, not fail. */
static void test_truncate_beside_checkpointer(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_checkpointer_start(s), NEWSD_OK);
    /* 14 batches take the WAL past SQ_CHECKPOINT_FRAMES: the last commit
     * wakes the checkpointer, and the truncation right after it meets its
     * checkpoint (~4 MB to copy and fsync) under way. */
    for (int round = 0; round < 5; round++) {
        store_big(s, 14, round * 14);
        assert_int_equal(sq_checkpoint(s, "test"), NEWSD_OK);
        assert_int_equal(sq_wal_bytes(s), 0);
    }
    sq_close(s);
}

/* The WAL header's checkpoint sequence number (offset 12, big-endian):
 * SQLite raises it each time the WAL is rewound or truncated. */
static long long wal_rewinds(void)
{
    char path[4200];
    unsigned char h[16];
    snprintf(path, sizeof path, "%s-wal", db_path);
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(h, 1, sizeof h, f) : 0;
    if (f)
        fclose(f);
    if (got < sizeof h)
        return -1;
    return (long long)h[12] << 24 | h[13] << 16 | h[14] << 8 | h[15];
}

/* A steady stream of small batches, with a pause between them as the
 * archive thread has at a steady rate: the WAL is rewound once the
 * checkpointer has copied it, long before SQ_WAL_BOUND.  Before, every
 * batch began while the checkpointer copied, so the WAL grew to the bound
 * and was cut back by the writer's TRUNCATE (~30 ms of a batch). */
static void test_wal_rewound_under_a_stream(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_checkpointer_start(s), NEWSD_OK);
    char *body = malloc(30001);
    assert_non_null(body);
    store(s, make("first", "Erste", "Apfel", T0, NULL, 0));
    long long first = wal_rewinds(), largest = 0;
    assert_true(first >= 0);
    /* ~8 frames a batch: 600 batches write ~19 MB of WAL, past the bound;
     * a rewind is due at each 1000 frames copied. */
    int i;
    for (i = 0; i < 600 && wal_rewinds() == first; i++) {
        memset(body, 'a' + i % 26, 30000);
        int k = snprintf(body, 32, "stream %d ", i);
        body[k] = 'x';
        body[30000] = '\0';
        /* As in the daemon, the batch's transaction is open most of the
         * time (archive() begins it; the originals' flush comes before
         * the COMMIT), and the next one begins soon after. */
        struct newsd_article *a = make(body, "Strom", body, T0, NULL, 0);
        assert_int_equal(sq_archive(s, a), NEWSD_OK);
        struct timespec open_for = {0, 3 * 1000 * 1000}, gap = {0, 500 * 1000};
        nanosleep(&open_for, NULL);
        assert_int_equal(sq_commit(s), NEWSD_OK);
        article_free(a);
        long long wal = sq_wal_bytes(s);
        largest = wal > largest ? wal : largest;
        nanosleep(&gap, NULL);
    }
    free(body);
    /* A truncation past the bound leaves no header (-1) until the next
     * batch: that is the failure this test is about. */
    long long now = wal_rewinds();
    if (now <= first || largest >= SQ_WAL_BOUND)
        fail_msg("after %d batches: WAL header's checkpoint number %lld (was %lld; -1: truncated), "
                 "at most %lld bytes (bound %lld)", i, now, first, largest, (long long)SQ_WAL_BOUND);
    sq_close(s);
}

/* Schema 6 -> 7 with the indexer half way: tag_index gets the entries of
 * the indexed rows only, queries by tag find every article before and
 * after, and the indexer adds the rest. */
static void test_migration_to_tag_index(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("m1", "Eins", "Apfel", T0, "topic:obst", 1));
    store(s, make("m2", "Zwei", "Apfel", T0, "topic:obst", 2));
    store(s, make("m3", "Drei", "Apfel", T0, "topic:baum", 3));
    assert_int_equal(sq_index_chunk(s->db, 1, NULL, NULL), 1);
    /* back to version 6: the index on tags, the old trigger, no tag_index */
    char *err = NULL;
    if (sqlite3_exec(s->db,
                     "BEGIN;"
                     "DROP TABLE tag_index;"
                     "CREATE INDEX tags_name ON tags(name, seq);"
                     "DROP TRIGGER articles_children_delete;"
                     "CREATE TRIGGER articles_children_delete AFTER DELETE ON articles BEGIN"
                     "  DELETE FROM tags WHERE seq = old.seq;"
                     "  DELETE FROM score_rules WHERE seq = old.seq;"
                     "  DELETE FROM meta WHERE seq = old.seq;"
                     " END;"
                     "PRAGMA user_version = 6;"
                     "COMMIT;", NULL, NULL, &err) != SQLITE_OK)
        fail_msg("cannot build version 6: %s", err);
    sq_close(s);

    s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_schema_version(s->db), SQ_SCHEMA_VERSION);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM sqlite_schema WHERE name = 'tags_name'"), 0);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index"), 2);   /* m1's two tags */
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index WHERE seq <> 1"), 0);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:obst\"}"), 2);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"entity:org/Huawei\"}"), 3);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag_prefix\":\"topic:\"}"), 3);
    assert_int_equal(index_all(s), 2);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index"), 6);
    assert_int_equal(total_of(s, "{\"op\":\"list\",\"tag\":\"topic:baum\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Apfel\",\"tag\":\"topic:obst\"}"), 2);
    /* the new trigger: deleting by hand takes the entries along */
    assert_int_equal(sqlite3_exec(s->db, "DELETE FROM articles WHERE seq = 1", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(count_of(s->db, "SELECT count(*) FROM tag_index WHERE seq = 1"), 0);
    sq_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_schema_created, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_dedup_reprocess, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_from_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fts_german, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_tokens_as_folded_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_by_action, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_failure_then_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_as_the_core_writes_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_name_not_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reprocess_before_indexed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reprocess_after_indexed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_and_seq_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_from_v2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_from_v2_incomplete_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_connection_reopened, setup, teardown),
        cmocka_unit_test_setup_teardown(test_originals_linked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_originals_after_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_originals_migration_from_v4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_to_seq_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tag_lookup_behind_the_indexer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpointer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_to_tag_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncate_beside_checkpointer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_rewound_under_a_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indexer_prepare_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tag_lookup_at_the_mark, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
