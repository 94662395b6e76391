/* Unit tests: the article and its public accessors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"

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
        cmocka_unit_test(test_format_time),
        cmocka_unit_test(test_record_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
