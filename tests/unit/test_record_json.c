/* Unit tests: record_json() writes the record byte for byte as the
 * jansson tree it replaced did (kept here as the reference). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "record_json.h"

/* ---- the reference: newsd_article_to_json() up to newsd 0.7 ---- */

/* Every string of an article is valid UTF-8 (checked where it is set),
 * so json_string() cannot refuse one. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s);
    return j ? j : json_string("");
}

static json_t *str(const newsd_article *a, enum newsd_field f)
{
    return jstr(newsd_article_get(a, f));
}

static char *reference_json(const newsd_article *a)
{
    char received[NEWSD_TIME_LEN], processed[NEWSD_TIME_LEN];
    newsd_format_time(a->received_ms, received);
    newsd_format_time(a->processed_ms ? a->processed_ms : a->received_ms, processed);

    json_t *tags = json_array();
    for (size_t i = 0; i < a->n_tags; i++)
        json_array_append_new(tags, json_pack("{s:s, s:f, s:s}", "name", a->tags[i].name,
                                              "weight", a->tags[i].weight, "plugin", a->tags[i].plugin));
    json_t *rules = json_array();
    for (size_t i = 0; i < a->n_rules; i++)
        json_array_append_new(rules, json_pack("{s:s, s:f, s:s, s:s}", "rule", a->rules[i].rule,
                                               "points", a->rules[i].points, "reason", a->rules[i].reason,
                                               "plugin", a->rules[i].plugin));
    json_t *meta = json_object();
    for (size_t i = 0; i < a->n_meta; i++)
        json_object_set_new(meta, a->meta[i].key, json_string(a->meta[i].value));

    json_t *rec = json_object();
    json_object_set_new(rec, "id", json_string(a->id));
    json_object_set_new(rec, "source", str(a, NEWSD_FIELD_SOURCE));
    json_object_set_new(rec, "size", json_integer((json_int_t)a->raw_len));
    json_object_set_new(rec, "format", str(a, NEWSD_FIELD_FORMAT));
    json_object_set_new(rec, "encoding", str(a, NEWSD_FIELD_ENCODING));
    json_object_set_new(rec, "received", json_string(received));
    json_object_set_new(rec, "processed", json_string(processed));
    json_object_set_new(rec, "title", str(a, NEWSD_FIELD_TITLE));
    json_object_set_new(rec, "body", str(a, NEWSD_FIELD_BODY));
    json_object_set_new(rec, "lang", str(a, NEWSD_FIELD_LANG));
    json_object_set_new(rec, "url", str(a, NEWSD_FIELD_URL));
    json_object_set_new(rec, "author", str(a, NEWSD_FIELD_AUTHOR));
    json_object_set_new(rec, "published", str(a, NEWSD_FIELD_PUBLISHED));
    json_object_set_new(rec, "tags", tags);
    json_object_set_new(rec, "score", json_pack("{s:f, s:o}", "total", newsd_article_score_total(a),
                                                "rules", rules));
    json_object_set_new(rec, "action", json_string(a->action));
    json_object_set_new(rec, "meta", meta);

    char *out = json_dumps(rec, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(rec);
    return out;
}

/* ---- the tests ---- */

static void expect_same(const struct newsd_article *a)
{
    char *want = reference_json(a);
    char *got = record_json(a);
    assert_non_null(want);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(want);
    free(got);
}

static struct newsd_article *article(const char *title, const char *body)
{
    struct newsd_article *a = article_new("x \"quoted\".txt", 1764339651123);
    unsigned char *raw = (unsigned char *)strdup("bytes");
    article_set_raw(a, raw, 5);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_TITLE, title), NEWSD_OK);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_BODY, body), NEWSD_OK);
    return a;
}

static void test_bare_article(void **state)
{
    (void)state;
    struct newsd_article *a = article("", "");
    expect_same(a);
    article_free(a);
}

static void test_escapes(void **state)
{
    (void)state;
    /* Every control byte, quotes, backslashes, a slash, DEL, and UTF-8 of
     * two, three and four bytes. */
    char body[256], *b = body;
    for (int c = 1; c < 0x20; c++)
        *b++ = (char)c;
    strcpy(b, "\"q\" \\ / \x7f Lücke € 😀 end\\");
    struct newsd_article *a = article("Chinas \"KI\"\tFortschritte\r\n", body);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_URL, "https://example.org/a?b=\"c\""), NEWSD_OK);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_AUTHOR, "\\\\server\\share"), NEWSD_OK);
    expect_same(a);
    article_free(a);
}

static void test_tags_rules_meta(void **state)
{
    (void)state;
    struct newsd_article *a = article("Titel", "Text\n\nZweiter Absatz.");
    a->plugin = "orgs";
    const double weights[] = {1.0, 0.1, 1e-7, 12345678.9, 0.0, 3.0 / 7.0, 1e300};
    char name[32];
    for (size_t i = 0; i < sizeof weights / sizeof *weights; i++) {
        snprintf(name, sizeof name, "entity:org/N\"%zu", i);
        assert_int_equal(newsd_article_tag(a, name, weights[i]), NEWSD_OK);
    }
    a->plugin = "scorer";
    assert_int_equal(newsd_article_score(a, "AI", 3.0, "topic:ai (weight 1.00)"), NEWSD_OK);
    assert_int_equal(newsd_article_score(a, "NEG", -0.25, "a \"reason\"\n"), NEWSD_OK);
    assert_int_equal(newsd_article_set_meta(a, "site", "Die Zeit"), NEWSD_OK);
    assert_int_equal(newsd_article_set_meta(a, "parse.warning", "field \"x\"\tignored"), NEWSD_OK);
    a->plugin = NULL;
    snprintf(a->action, sizeof a->action, "alert");
    a->processed_ms = 1764339652000;
    expect_same(a);
    article_free(a);
}

static void test_long_body(void **state)
{
    (void)state;
    size_t n = 100000;
    char *body = malloc(n + 1);
    assert_non_null(body);
    for (size_t i = 0; i < n; i++)
        body[i] = i % 97 == 0 ? '\n' : i % 89 == 0 ? '"' : (char)('a' + i % 26);
    body[n] = '\0';
    struct newsd_article *a = article("Lang", body);
    free(body);
    expect_same(a);
    article_free(a);
}

/* Every point is finite, but their sum need not be: two rules of 1e308
 * made the total infinite, which JSON cannot hold, and the record NULL,
 * so archive_fs failed the batch and newsd retried it for ever.  The rule
 * that would make the total leave the finite numbers is refused. */
static void test_total_stays_finite(void **state)
{
    (void)state;
    struct newsd_article *a = article("Titel", "Text");
    assert_int_equal(newsd_article_score(a, "BIG", 1e308, NULL), NEWSD_OK);
    assert_int_equal(newsd_article_score(a, "BIGGER", 1e308, NULL), NEWSD_ERROR);
    assert_int_equal(newsd_article_score(a, "NEG", -1e308, NULL), NEWSD_OK);
    assert_int_equal(newsd_article_score(a, "NEG2", -1e308, NULL), NEWSD_OK);
    assert_int_equal(newsd_article_score(a, "NEG3", -DBL_MAX, NULL), NEWSD_ERROR);
    assert_true(isfinite(newsd_article_score_total(a)));
    char *got = record_json(a);
    assert_non_null(got);
    json_t *rec = json_loads(got, 0, NULL);
    assert_non_null(rec);
    assert_non_null(json_object_get(rec, "score"));
    json_decref(rec);
    free(got);
    expect_same(a);
    article_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bare_article),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_tags_rules_meta),
        cmocka_unit_test(test_long_body),
        cmocka_unit_test(test_total_stays_finite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
