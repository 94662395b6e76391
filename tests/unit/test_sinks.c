/* Unit tests for a sink's filter (daemon/sink_filter.c), its section's
 * keys (sink_policy_parse) and sink_exec's command splitting
 * (plugins/sink_exec/argv.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "sink_filter.h"
#include "sinks.h"

static json_t *record(const char *action, const char *tag1, const char *tag2)
{
    json_t *tags = json_array();
    if (tag1)
        json_array_append_new(tags, json_pack("{s:s,s:f,s:s}", "name", tag1, "weight", 1.0, "plugin", "t"));
    if (tag2)
        json_array_append_new(tags, json_pack("{s:s,s:f,s:s}", "name", tag2, "weight", 1.0, "plugin", "t"));
    json_t *r = json_pack("{s:s,s:o}", "id", "x", "tags", tags);
    if (action)
        json_object_set_new(r, "action", json_string(action));
    return r;
}

static bool matches(const char *filter, json_t *rec)
{
    char *err = NULL;
    struct sink_filter *f = sink_filter_parse(filter, &err);
    assert_non_null(f);
    bool m = sink_filter_match(f, rec);
    sink_filter_free(f);
    return m;
}

static void test_filter_match(void **state)
{
    (void)state;
    json_t *alert = record("alert", "topic:ai-chips", "entity:org/Huawei");
    json_t *archive = record("archive", "topic:markets", NULL);
    json_t *plain = record(NULL, NULL, NULL);

    /* The default is action=alert. */
    assert_true(matches(NULL, alert));
    assert_false(matches(NULL, archive));
    assert_false(matches(NULL, plain));
    assert_true(matches("action=archive", archive));
    assert_true(matches("tag:topic:ai-chips", alert));
    assert_false(matches("tag:topic:ai", alert));          /* exact unless '*' */
    assert_true(matches("tag:topic:ai*", alert));
    assert_true(matches("tag:entity:org/*", alert));
    assert_false(matches("tag:entity:org/*", archive));
    assert_true(matches("tag:nothing, action=archive", archive));   /* ORed */
    assert_true(matches("all", plain));
    assert_true(matches("*", plain));

    /* An action inside "score" counts too. */
    json_t *nested = record(NULL, NULL, NULL);
    json_object_set_new(nested, "score", json_pack("{s:f,s:s}", "total", 7.0, "action", "alert"));
    /* The action is the record's top-level field (docs/record.md), nothing else. */
    assert_false(matches("action=alert", nested));
    json_decref(nested);
    json_decref(alert);
    json_decref(archive);
    json_decref(plain);
}

static void test_filter_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {"", " , ", "action=", "tag:", "tag:*", "topic:x", "alert"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *err = NULL;
        assert_null(sink_filter_parse(bad[i], &err));
        assert_non_null(err);
        free(err);
    }
    char *err = NULL;
    assert_null(sink_filter_parse("action=alert, topic:x", &err));
    assert_non_null(strstr(err, "'topic:x'"));
    free(err);
}

static struct plugin_section section(struct config_kv *kv, size_t n)
{
    return (struct plugin_section){.name = "hook", .kv = kv, .n_kv = n, .file = "/etc/newsd.ini", .line = 3};
}

static void test_policy(void **state)
{
    (void)state;
    char *err = NULL;
    struct config_kv kv[] = {
        {"filter", "tag:topic:*", "/etc", "/etc/newsd.ini", 4},
        {"batch", "4", "/etc", "/etc/newsd.ini", 5},
        {"retry_min_ms", "50", "/etc", "/etc/newsd.ini", 6},
        {"dead_after_s", "60", "/etc", "/etc/newsd.ini", 7},
    };
    struct plugin_section s = section(kv, 4);
    struct sink_policy *p = sink_policy_parse(&s, &err);
    assert_non_null(p);
    assert_int_equal(p->batch, 4);
    assert_int_equal(p->outbox.retry_min_ms, 50);
    assert_int_equal(p->outbox.retry_max_ms, SINK_DEFAULT_RETRY_MAX_MS);
    assert_int_equal(p->outbox.dead_after_ms, 60000);
    assert_string_equal(sink_filter_text(p->filter), "tag:topic:*");
    sink_policy_free(p);

    struct config_kv bad_filter[] = {{"filter", "topics", "/etc", "/etc/newsd.ini", 9}};
    s = section(bad_filter, 1);
    assert_null(sink_policy_parse(&s, &err));
    assert_non_null(strstr(err, "/etc/newsd.ini:9"));
    assert_non_null(strstr(err, "filter"));
    free(err);

    struct config_kv bad_batch[] = {{"batch", "0", "/etc", "/etc/newsd.ini", 10}};
    s = section(bad_batch, 1);
    assert_null(sink_policy_parse(&s, &err));
    assert_non_null(strstr(err, "batch"));
    free(err);

    struct config_kv upside_down[] = {{"retry_min_ms", "5000", "/etc", "/etc/newsd.ini", 11},
                                      {"retry_max_ms", "100", "/etc", "/etc/newsd.ini", 12}};
    s = section(upside_down, 2);
    assert_null(sink_policy_parse(&s, &err));
    assert_non_null(strstr(err, "retry_max_ms"));
    free(err);
}

static void expect_argv(const char *cmd, const char *const *want)
{
    const char *err = NULL;
    char **v = argv_split(cmd, &err);
    assert_non_null(v);
    size_t i = 0;
    for (; want[i]; i++) {
        assert_non_null(v[i]);
        assert_string_equal(v[i], want[i]);
    }
    assert_null(v[i]);
    argv_free(v);
}

static void test_argv(void **state)
{
    (void)state;
    expect_argv("notify --to ops", (const char *const[]){"notify", "--to", "ops", NULL});
    expect_argv("  a\t b  ", (const char *const[]){"a", "b", NULL});
    expect_argv("say 'two words' \"and \\\"more\\\"\"",
                (const char *const[]){"say", "two words", "and \"more\"", NULL});
    expect_argv("x 'it''s' a\\ b", (const char *const[]){"x", "its", "a b", NULL});
    /* No shell: these are plain characters. */
    expect_argv("echo $HOME *; rm", (const char *const[]){"echo", "$HOME", "*;", "rm", NULL});
    expect_argv("e ''", (const char *const[]){"e", "", NULL});

    static const char *const bad[] = {"", "   ", "say 'open", "say \"open", "end\\"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *err = NULL;
        assert_null(argv_split(bad[i], &err));
        assert_non_null(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_match),
        cmocka_unit_test(test_filter_errors),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_argv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
