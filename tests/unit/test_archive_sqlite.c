/* Unit tests: the archive_sqlite plugin (schema, dedup, migrations, FTS
 * with German words, list filters, query errors, a failing commit).  The
 * plugin's sources are compiled into this test; newsd_core provides the
 * newsd_* functions and real articles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
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

/* Run a query that must succeed; returns the parsed response. */
static json_t *ask(struct sq *s, const char *request)
{
    char *resp = NULL;
    int rc = sq_query(s, request, &resp);
    if (rc != NEWSD_OK)
        fail_msg("query %s failed: %s", request, resp ? resp : "(no reason)");
    json_t *j = json_loads(resp, 0, NULL);
    assert_non_null(j);
    free(resp);
    return j;
}

/* Run a query that must fail; returns its reason (caller frees). */
static char *refused(struct sq *s, const char *request)
{
    char *resp = NULL;
    assert_int_equal(sq_query(s, request, &resp), NEWSD_ERROR);
    assert_non_null(resp);
    return resp;
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

static void test_schema_created(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    assert_int_equal(sq_schema_version(s->db), SQ_SCHEMA_VERSION);
    const char *tables[] = {"articles", "tags", "score_rules", "meta", "originals", "duplicates",
                            "articles_fts"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        assert_int_equal(sqlite3_exec(s->db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    json_t *j = ask(s, "{\"op\":\"stats\"}");
    assert_int_equal(json_integer_value(json_object_get(j, "schema_version")), SQ_SCHEMA_VERSION);
    assert_int_equal(json_integer_value(json_object_get(j, "articles")), 0);
    json_decref(j);
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
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"fruher\"}"), 1);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"Strasse\"}"), 1);
    /* and new articles go into the same index */
    assert_int_equal(store(s, make("raw-new", "Neue Straße", "später", T0, NULL, 0)), NEWSD_OK);
    assert_int_equal(total_of(s, "{\"op\":\"search\",\"q\":\"straße\"}"), 2);
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
    j = ask(s, "{\"op\":\"search\",\"q\":\"lucke\",\"limit\":1,\"offset\":1}");
    assert_int_equal(json_array_size(json_object_get(j, "hits")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
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

    /* the original comes back byte for byte ("l4" = bDQ=) */
    struct newsd_article *a = make("l4", "", "", T0, NULL, 0);
    snprintf(req, sizeof req, "{\"op\":\"original\",\"id\":\"%s\"}", a->id);
    article_free(a);
    j = ask(s, req);
    assert_string_equal(json_string_value(json_object_get(j, "base64")), "bDQ=");
    assert_int_equal(json_integer_value(json_object_get(j, "size")), 2);
    json_decref(j);
    sq_close(s);
}

static void expect_reason(struct sq *s, const char *request, const char *start, const char *word)
{
    char *why = refused(s, request);
    if (strncmp(why, start, strlen(start)) != 0 || !strstr(why, word))
        fail_msg("reason for %s is \"%s\", expected \"%s...%s...\"", request, why, start, word);
    free(why);
}

static void test_bad_queries(void **state)
{
    (void)state;
    struct sq *s = NULL;
    assert_int_equal(sq_open(db_path, &OPTS, &s), NEWSD_OK);
    store(s, make("b1", "Titel", "Text", T0, NULL, 0));
    expect_reason(s, "{\"op\":\"search\",\"q\":\"AND AND\"}", "bad request:", "syntax error");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"\\\"unterminated\"}", "bad request:", "unterminated");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"KI-Chiphersteller\"}", "bad request:", "search query");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"nosuch:col\"}", "bad request:", "no such column");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"\"}", "bad request:", "\"q\"");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"x\",\"limit\":0}", "bad request:", "limit");
    expect_reason(s, "{\"op\":\"search\",\"q\":\"x\",\"mode\":\"regex\"}", "bad request:", "mode");
    expect_reason(s, "{\"op\":\"list\",\"min_score\":\"high\"}", "bad request:", "min_score");
    expect_reason(s, "{\"op\":\"list\",\"tag\":5}", "bad request:", "tag");
    expect_reason(s, "{\"op\":\"nope\"}", "bad request:", "unknown op");
    expect_reason(s, "{\"q\":\"x\"}", "bad request:", "op");
    expect_reason(s, "not json", "bad request:", "JSON");
    expect_reason(s, "[1,2]", "bad request:", "JSON object");
    expect_reason(s, "{\"op\":\"show\",\"id\":\"ffffffffffffffffffffffffffffffff\"}", "not found:", "fff");
    expect_reason(s, "{\"op\":\"show\"}", "bad request:", "id");
    expect_reason(s, "{\"op\":\"original\",\"id\":\"x\"}", "not found:", "x");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_schema_created, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_dedup_reprocess, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_from_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fts_german, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_failure_then_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_name_not_utf8, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
