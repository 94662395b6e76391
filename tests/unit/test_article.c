/* Unit tests: the article and its public accessors. */
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
#include "log_capture.h"

static struct newsd_article *sample(void)
{
    struct newsd_article *a = article_new("x.txt", 1764339651123);
    unsigned char *raw = (unsigned char *)strdup("bytes");
    article_set_raw(a, raw, 5);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_TITLE, "Chinas KI-Fortschritte"), NEWSD_OK);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_BODY, "Die Lücke schließen."), NEWSD_OK);
    return a;
}

static void test_id_is_sha256_prefix(void **state)
{
    (void)state;
    struct newsd_article *a = sample();
    /* the first 128 bits of sha256("bytes") */
    assert_string_equal(newsd_article_get(a, NEWSD_FIELD_ID), "277089d91c0bdf4f2e6862ba7e4a0760");
    article_free(a);
}

static void test_contains_folds_case_and_eszett(void **state)
{
    (void)state;
    struct newsd_article *a = sample();
    assert_true(newsd_article_contains(a, "ki-fortschritte"));
    assert_true(newsd_article_contains(a, "SCHLIESSEN"));
    assert_true(newsd_article_contains(a, "LÜCKE"));
    assert_false(newsd_article_contains(a, "Huawei"));
    /* changing the body drops the fold cache */
    newsd_article_set(a, NEWSD_FIELD_BODY, "Huawei");
    assert_true(newsd_article_contains(a, "huawei"));
    article_free(a);
}

static void test_contains_word_wants_boundaries(void **state)
{
    (void)state;
    struct newsd_article *a = sample();
    newsd_article_set(a, NEWSD_FIELD_BODY, "künstliche Intelligenz, der Intel-Chef und Ärzte; AMD.");
    assert_true(newsd_article_contains(a, "Intel"));
    assert_true(newsd_article_contains_word(a, "intel"));      /* "Intel-Chef" */
    assert_false(newsd_article_contains_word(a, "Intell"));
    assert_false(newsd_article_contains_word(a, "telligenz"));
    assert_true(newsd_article_contains_word(a, "ÄRZTE"));
    assert_true(newsd_article_contains_word(a, "AMD"));
    assert_true(newsd_article_contains_word(a, "künstliche Intelligenz"));
    assert_false(newsd_article_contains_word(a, "rzte"));      /* after Ä, a letter */
    newsd_article_set(a, NEWSD_FIELD_BODY, "Intelligenz Intel");
    assert_true(newsd_article_contains_word(a, "Intel"));      /* the second match counts */
    article_free(a);
}

static void test_tags_scores_meta(void **state)
{
    (void)state;
    struct newsd_article *a = sample();
    a->stage = NEWSD_STAGE_TAG;
    a->plugin = "orgs";
    assert_int_equal(newsd_article_tag(a, "entity:org/Huawei", 0.5), NEWSD_OK);
    assert_int_equal(newsd_article_tag(a, "entity:org/Huawei", 0.9), NEWSD_OK);
    assert_int_equal(newsd_article_tag(a, "entity:org/Huawei", 0.1), NEWSD_OK);
    assert_int_equal(newsd_article_tag_count(a), 1);
    assert_true(newsd_article_tag_weight(a, "entity:org/Huawei") == 0.9);
    assert_true(newsd_article_tag_weight(a, "nope") < 0);
    /* a tagger may not score or rewrite */
    assert_int_equal(newsd_article_score(a, "X", 1, "r"), NEWSD_ERROR);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_TITLE, "t"), NEWSD_ERROR);
    assert_int_equal(newsd_article_set_meta(a, "k", "v"), NEWSD_OK);
    assert_int_equal(newsd_article_set_meta(a, "k", "w"), NEWSD_OK);
    assert_string_equal(newsd_article_meta(a, "k"), "w");

    a->stage = NEWSD_STAGE_SCORE;
    a->plugin = "scorer";
    assert_int_equal(newsd_article_score(a, "A", 3.0, "about chips"), NEWSD_OK);
    assert_int_equal(newsd_article_score(a, "B", -0.5, "short"), NEWSD_OK);
    assert_true(newsd_article_score_total(a) == 2.5);
    struct newsd_score_rule r;
    assert_int_equal(newsd_article_score_at(a, 0, &r), NEWSD_OK);
    assert_string_equal(r.plugin, "scorer");
    assert_int_equal(newsd_article_score_at(a, 2, &r), NEWSD_ERROR);

    article_truncate(a, 0, 1, 0);
    assert_int_equal(newsd_article_tag_count(a), 0);
    assert_int_equal(newsd_article_score_count(a), 1);
    assert_int_equal(newsd_article_meta_count(a), 0);
    a->stage = 0;
    article_free(a);
}

static void test_invalid_utf8_refused(void **state)
{
    (void)state;
    struct newsd_article *n = article_new("caf\xe9 \xff.txt", 0);
    assert_string_equal(newsd_article_get(n, NEWSD_FIELD_SOURCE), "caf\xef\xbf\xbd \xef\xbf\xbd.txt");
    article_free(n);
    struct newsd_article *a = sample();
    a->stage = NEWSD_STAGE_SCORE;
    assert_int_equal(newsd_article_set_meta(a, "k", "bad \xc3"), NEWSD_ERROR);
    assert_int_equal(newsd_article_set_meta(a, "k\xff", "v"), NEWSD_ERROR);
    assert_int_equal(newsd_article_score(a, "R", 1, "bad \xff"), NEWSD_ERROR);
    assert_int_equal(newsd_article_score(a, "R\xff", 1, "ok"), NEWSD_ERROR);
    a->stage = 0;
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_TITLE, "bad \xff"), NEWSD_ERROR);
    assert_int_equal(newsd_article_tag(a, "bad\xc3", 1), NEWSD_ERROR);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_ID, "x"), NEWSD_ERROR);
    article_free(a);
}

/* ---- the per-article limits (article_limits.h) ------------------------- */

static struct newsd_article *limited(unsigned max_tags, unsigned max_rules, unsigned max_meta,
                                     unsigned max_name)
{
    struct newsd_article *a = sample();
    a->limits = (struct article_limits){max_tags, max_rules, max_meta, max_name};
    return a;
}

static void test_tag_limit(void **state)
{
    (void)state;
    struct newsd_article *a = limited(3, 10, 10, 256);
    assert_int_equal(newsd_article_tag(a, "t1", 0.5), NEWSD_OK);
    assert_int_equal(newsd_article_tag(a, "t2", 0.5), NEWSD_OK);
    assert_int_equal(newsd_article_tag(a, "t3", 0.5), NEWSD_OK);
    capture_start();
    assert_int_equal(newsd_article_tag(a, "t4", 0.5), NEWSD_ERROR);
    assert_int_equal(newsd_article_tag(a, "t5", 0.5), NEWSD_ERROR);
    /* A tag that is there may still get a higher weight. */
    assert_int_equal(newsd_article_tag(a, "t2", 0.9), NEWSD_OK);
    const char *log = capture_end();
    assert_int_equal(capture_count(log, "max_tags"), 1);   /* once per article */
    assert_non_null(strstr(log, "\"t4\""));
    assert_int_equal(newsd_article_tag_count(a), 3);
    assert_true(newsd_article_tag_weight(a, "t2") == 0.9);
    assert_true(newsd_article_tag_weight(a, "t4") < 0);

    /* A dropped plugin result makes room again. */
    article_truncate(a, 2, 0, 0);
    assert_true(newsd_article_tag_weight(a, "t3") < 0);
    assert_int_equal(newsd_article_tag(a, "t4", 0.5), NEWSD_OK);
    assert_true(newsd_article_tag_weight(a, "t4") == 0.5);
    article_free(a);
}

static void test_score_and_meta_limits(void **state)
{
    (void)state;
    struct newsd_article *a = limited(10, 2, 2, 256);
    assert_int_equal(newsd_article_score(a, "A", 1, NULL), NEWSD_OK);
    assert_int_equal(newsd_article_score(a, "A", 1, NULL), NEWSD_OK);
    assert_int_equal(newsd_article_set_meta(a, "k1", "v"), NEWSD_OK);
    assert_int_equal(newsd_article_set_meta(a, "k2", "v"), NEWSD_OK);
    capture_start();
    assert_int_equal(newsd_article_score(a, "B", 1, NULL), NEWSD_ERROR);
    assert_int_equal(newsd_article_score(a, "C", 1, NULL), NEWSD_ERROR);
    assert_int_equal(newsd_article_set_meta(a, "k3", "v"), NEWSD_ERROR);
    assert_int_equal(newsd_article_set_meta(a, "k4", "v"), NEWSD_ERROR);
    /* Replacing the value of a key that is there needs no room. */
    assert_int_equal(newsd_article_set_meta(a, "k1", "w"), NEWSD_OK);
    const char *log = capture_end();
    assert_int_equal(capture_count(log, "max_score_rules"), 1);
    assert_int_equal(capture_count(log, "max_meta"), 1);
    assert_int_equal(newsd_article_score_count(a), 2);
    assert_true(newsd_article_score_total(a) == 2);
    assert_int_equal(newsd_article_meta_count(a), 2);
    assert_string_equal(newsd_article_meta(a, "k1"), "w");
    assert_null(newsd_article_meta(a, "k3"));
    article_free(a);
}

static void test_name_length_limit(void **state)
{
    (void)state;
    struct newsd_article *a = limited(10, 10, 10, 8);
    assert_int_equal(newsd_article_tag(a, "12345678", 1), NEWSD_OK);
    assert_int_equal(newsd_article_score(a, "12345678", 1, "a reason may be longer"), NEWSD_OK);
    assert_int_equal(newsd_article_set_meta(a, "12345678", "a value may be longer"), NEWSD_OK);
    capture_start();
    assert_int_equal(newsd_article_tag(a, "123456789", 1), NEWSD_ERROR);
    assert_int_equal(newsd_article_tag(a, "123456789a", 1), NEWSD_ERROR);
    assert_int_equal(newsd_article_score(a, "123456789", 1, NULL), NEWSD_ERROR);
    assert_int_equal(newsd_article_set_meta(a, "123456789", "v"), NEWSD_ERROR);
    const char *log = capture_end();
    assert_int_equal(capture_count(log, "max_name_bytes"), 3);   /* once per kind */
    assert_int_equal(newsd_article_tag_count(a), 1);
    assert_int_equal(newsd_article_score_count(a), 1);
    assert_int_equal(newsd_article_meta_count(a), 1);
    article_free(a);

    /* The default: 256 bytes. */
    a = sample();
    char name[258];
    memset(name, 'x', 256);
    name[256] = '\0';
    assert_int_equal(newsd_article_tag(a, name, 1), NEWSD_OK);
    name[256] = 'y';
    name[257] = '\0';
    capture_start();
    assert_int_equal(newsd_article_tag(a, name, 1), NEWSD_ERROR);
    capture_end();
    article_free(a);
}

/* Lookups by name stay right across the index's growth: many tags and
 * keys, each found, none confused with another. */
static void test_many_names(void **state)
{
    (void)state;
    enum { N = 5000 };
    struct newsd_article *a = limited(N, N, N, 256);
    char name[32];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "topic:%d", i);
        assert_int_equal(newsd_article_tag(a, name, (double)i), NEWSD_OK);
        assert_int_equal(newsd_article_set_meta(a, name, name), NEWSD_OK);
    }
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "topic:%d", i);
        assert_true(newsd_article_tag_weight(a, name) == (double)i);
        assert_string_equal(newsd_article_meta(a, name), name);
        struct newsd_tag t;
        assert_int_equal(newsd_article_tag_at(a, (size_t)i, &t), NEWSD_OK);
        assert_string_equal(t.name, name);   /* still in the order they were set */
    }
    assert_true(newsd_article_tag_weight(a, "topic:5000") < 0);
    assert_null(newsd_article_meta(a, "topic:-1"));
    assert_true(newsd_article_tag_weight(a, "") < 0);
    article_truncate(a, 10, 0, 10);
    assert_true(newsd_article_tag_weight(a, "topic:9") == 9);
    assert_true(newsd_article_tag_weight(a, "topic:10") < 0);
    assert_null(newsd_article_meta(a, "topic:10"));
    article_truncate(a, 0, 0, 0);
    assert_true(newsd_article_tag_weight(a, "topic:0") < 0);
    assert_int_equal(newsd_article_tag(a, "topic:0", 1), NEWSD_OK);
    assert_true(newsd_article_tag_weight(a, "topic:0") == 1);
    article_free(a);
}

/* What a finished article gives back while it waits for its batch: lookups
 * and additions work as before, and tags of one plugin share its name. */
static void test_compact(void **state)
{
    (void)state;
    struct newsd_article *a = sample();
    a->stage = NEWSD_STAGE_TAG;
    a->plugin = "orgs";
    char name[32];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "topic:%d", i);
        assert_int_equal(newsd_article_tag(a, name, i), NEWSD_OK);
    }
    assert_int_equal(newsd_article_set_meta(a, "k", "v"), NEWSD_OK);
    article_compact(a);
    assert_int_equal(a->cap_tags, 20);
    assert_int_equal(a->tag_index.cap, 0);
    assert_true(newsd_article_tag_weight(a, "topic:19") == 19);
    assert_true(newsd_article_tag_weight(a, "topic:20") < 0);
    assert_string_equal(newsd_article_meta(a, "k"), "v");
    struct newsd_tag t0, t1;
    assert_int_equal(newsd_article_tag_at(a, 0, &t0), NEWSD_OK);
    assert_int_equal(newsd_article_tag_at(a, 19, &t1), NEWSD_OK);
    assert_string_equal(t0.plugin, "orgs");
    assert_ptr_equal(t0.plugin, t1.plugin);
    /* adding again: the array grows and the index is built anew */
    assert_int_equal(newsd_article_tag(a, "topic:20", 20), NEWSD_OK);
    assert_int_equal(newsd_article_tag(a, "topic:3", 30), NEWSD_OK);
    assert_int_equal(newsd_article_tag_count(a), 21);
    assert_true(newsd_article_tag_weight(a, "topic:3") == 30);
    assert_true(newsd_article_tag_weight(a, "topic:20") == 20);
    assert_true(a->tag_index.cap > 0);
    a->stage = 0;
    article_free(a);
}

static void test_format_time(void **state)
{
    (void)state;
    char t[NEWSD_TIME_LEN];
    assert_string_equal(newsd_format_time(1764339651123, t), "2025-11-28T14:20:51.123Z");
    assert_string_equal(newsd_format_time(0, t), "1970-01-01T00:00:00.000Z");
    assert_string_equal(newsd_format_time(-1, t), "1969-12-31T23:59:59.999Z");
    /* the widest times still fit NEWSD_TIME_LEN */
    assert_string_equal(newsd_format_time(INT64_MAX, t), "292278994-08-17T07:12:55.807Z");
    assert_true(strlen(newsd_format_time(INT64_MIN, t)) > 0);
}

static void test_record_json(void **state)
{
    (void)state;
    struct newsd_article *a = sample();
    a->plugin = "orgs";
    newsd_article_tag(a, "entity:org/Huawei", 1.0);
    newsd_article_score(a, "AI", 3.0, "why");
    a->plugin = NULL;
    char *s = newsd_article_to_json(a);
    json_error_t e;
    json_t *rec = json_loads(s, 0, &e);
    assert_non_null(rec);
    assert_string_equal(json_string_value(json_object_get(rec, "id")), a->id);
    assert_string_equal(json_string_value(json_object_get(rec, "source")), "x.txt");
    assert_string_equal(json_string_value(json_object_get(rec, "title")), "Chinas KI-Fortschritte");
    assert_string_equal(json_string_value(json_object_get(rec, "received")), "2025-11-28T14:20:51.123Z");
    assert_int_equal(json_integer_value(json_object_get(rec, "size")), 5);
    json_t *tag = json_array_get(json_object_get(rec, "tags"), 0);
    assert_string_equal(json_string_value(json_object_get(tag, "plugin")), "orgs");
    json_t *score = json_object_get(rec, "score");
    assert_true(json_real_value(json_object_get(score, "total")) == 3.0);
    assert_int_equal(json_array_size(json_object_get(score, "rules")), 1);
    assert_string_equal(json_string_value(json_object_get(rec, "url")), "");
    json_decref(rec);
    free(s);
    article_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_is_sha256_prefix),
        cmocka_unit_test(test_contains_folds_case_and_eszett),
        cmocka_unit_test(test_contains_word_wants_boundaries),
        cmocka_unit_test(test_tags_scores_meta),
        cmocka_unit_test(test_invalid_utf8_refused),
        cmocka_unit_test(test_tag_limit),
        cmocka_unit_test(test_score_and_meta_limits),
        cmocka_unit_test(test_name_length_limit),
        cmocka_unit_test(test_many_names),
        cmocka_unit_test(test_compact),
        cmocka_unit_test(test_format_time),
        cmocka_unit_test(test_record_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
