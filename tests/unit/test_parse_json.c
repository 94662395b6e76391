/*
 * Unit tests for the JSON parser's warnings: a field of the wrong type is
 * ignored, and parsed_article.warnings says which and why (docs/formats.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "parse.h"

static void parse_json_ok(const char *doc, struct parsed_article *a)
{
    char *err = NULL;
    if (parse_article((const unsigned char *)doc, strlen(doc), "a.json", a, &err) != 0)
        fail_msg("parse_article(%s) failed: %s", doc, err ? err : "(null)");
    assert_null(err);
    assert_string_equal(a->format, "json");
}

static void assert_contains(const char *s, const char *part)
{
    if (!s || !strstr(s, part))
        fail_msg("\"%s\" does not contain \"%s\"", s ? s : "(null)", part);
}

static void test_well_typed_has_no_warning(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_json_ok("{\"title\": \"T\", \"body\": \"B\", \"url\": \"u\", \"published\": 1700000000,"
                  " \"lang\": \"de\", \"author\": [\"A\", \"B\"], \"extra\": {\"x\": 1}}", &a);
    assert_null(a.warnings);
    assert_string_equal(a.published, "1700000000");
    parsed_article_clear(&a);
}

/* null is how feeds say "none": no warning, the next alias is tried. */
static void test_null_is_absent(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_json_ok("{\"title\": null, \"body\": null, \"text\": \"Ein Satz. Noch einer.\","
                  " \"author\": null, \"lang\": null, \"url\": null}", &a);
    assert_null(a.warnings);
    assert_string_equal(a.title, "Ein Satz");
    assert_null(a.author);
    parsed_article_clear(&a);
}

static void test_wrong_type_is_named(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_json_ok("{\"title\": 42, \"body\": \"Der Text. Mehr.\"}", &a);
    assert_string_equal(a.warnings, "JSON field \"title\" is a number, expected a string: ignored");
    assert_string_equal(a.title, "Der Text");   /* from the body, as without a title */
    parsed_article_clear(&a);

    parse_json_ok("{\"title\": \"T\", \"body\": \"B\", \"lang\": [\"de\"]}", &a);
    assert_string_equal(a.warnings, "JSON field \"lang\" is an array, expected a string: ignored");
    assert_null(a.lang);
    parsed_article_clear(&a);

    parse_json_ok("{\"title\": \"T\", \"body\": \"B\", \"url\": {\"href\": \"x\"}}", &a);
    assert_string_equal(a.warnings, "JSON field \"url\" is an object, expected a string: ignored");
    parsed_article_clear(&a);

    parse_json_ok("{\"title\": \"T\", \"body\": \"B\", \"published\": 1.5e9}", &a);
    assert_string_equal(a.warnings, "JSON field \"published\" is a number, expected a string, "
                        "a list of strings or a whole number: ignored");
    assert_null(a.published);
    parsed_article_clear(&a);

    parse_json_ok("{\"title\": \"T\", \"body\": \"B\", \"author\": false}", &a);
    assert_contains(a.warnings, "\"author\" is a boolean");
    parsed_article_clear(&a);
}

/* Every wrong field is reported, in the order of the record's fields. */
static void test_several_warnings(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_json_ok("{\"url\": 1, \"title\": true, \"body\": \"B\", \"language\": 7}", &a);
    assert_string_equal(a.warnings,
                        "JSON field \"title\" is a boolean, expected a string: ignored; "
                        "JSON field \"url\" is a number, expected a string: ignored; "
                        "JSON field \"language\" is a number, expected a string: ignored");
    parsed_article_clear(&a);
}

/* A wrong-typed alias is reported even when another alias gives the value,
 * whether it comes before or after the one used. */
static void test_wrong_alias_beside_a_good_one(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_json_ok("{\"title\": \"T\", \"body\": [\"a\"], \"text\": \"Used\"}", &a);
    assert_string_equal(a.body, "Used");
    assert_string_equal(a.warnings, "JSON field \"body\" is an array, expected a string: ignored");
    parsed_article_clear(&a);

    parse_json_ok("{\"title\": \"T\", \"body\": \"Used\", \"content\": 3}", &a);
    assert_string_equal(a.body, "Used");
    assert_string_equal(a.warnings, "JSON field \"content\" is a number, expected a string: ignored");
    parsed_article_clear(&a);
}

static void test_list_items_skipped(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_json_ok("{\"title\": \"T\", \"body\": \"B\", \"author\": [\"A\", 3, {\"n\": 1}, \"B\"]}", &a);
    assert_string_equal(a.author, "A, B");
    assert_string_equal(a.warnings, "JSON field \"author\": 2 of its 4 items are not a string: skipped");
    parsed_article_clear(&a);

    /* null items are "none", like a null field */
    parse_json_ok("{\"title\": \"T\", \"body\": \"B\", \"author\": [\"A\", null]}", &a);
    assert_string_equal(a.author, "A");
    assert_null(a.warnings);
    parsed_article_clear(&a);
}

/* Only a title and a body of the wrong type: no article, an error that
 * names what was looked for (the warning is not the only trace). */
static void test_nothing_usable_is_an_error(void **state)
{
    (void)state;
    struct parsed_article a;
    char *err = NULL;
    const char *doc = "{\"title\": 1, \"body\": 2}";
    assert_int_equal(parse_article((const unsigned char *)doc, strlen(doc), "a.json", &a, &err), -1);
    assert_non_null(err);
    assert_contains(err, "no title and no body");
    assert_contains(err, "\"title\" is a number");
    assert_contains(err, "\"body\" is a number");
    assert_null(a.warnings);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_well_typed_has_no_warning),
        cmocka_unit_test(test_null_is_absent),
        cmocka_unit_test(test_wrong_type_is_named),
        cmocka_unit_test(test_several_warnings),
        cmocka_unit_test(test_wrong_alias_beside_a_good_one),
        cmocka_unit_test(test_list_items_skipped),
        cmocka_unit_test(test_nothing_usable_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
