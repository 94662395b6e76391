/* Unit tests for daemon/control_api.c: routing, the archive requests built
 * from query strings, the reprocess body, and how archive errors map to
 * HTTP statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "control_api.h"

static void test_routes(void **unused)
{
    enum endpoint ep;
    const char *arg;
    (void)unused;

    assert_int_equal(control_route("GET", "/status", &ep, &arg), 200);
    assert_int_equal(ep, EP_STATUS);
    assert_int_equal(control_route("HEAD", "/metrics", &ep, &arg), 200);
    assert_int_equal(control_route("POST", "/reload", &ep, &arg), 200);
    assert_int_equal(control_route("GET", "/reload", &ep, &arg), 405);
    assert_int_equal(control_route("POST", "/status", &ep, &arg), 405);
    assert_int_equal(control_route("GET", "/show/abc123", &ep, &arg), 200);
    assert_int_equal(ep, EP_SHOW);
    assert_string_equal(arg, "abc123");
    assert_int_equal(control_route("DELETE", "/show/abc", &ep, &arg), 405);
    assert_int_equal(control_route("GET", "/show/", &ep, &arg), 404);
    assert_int_equal(control_route("GET", "/show/a/b", &ep, &arg), 404);
    assert_int_equal(control_route("GET", "/statusx", &ep, &arg), 404);
    assert_int_equal(control_route("GET", "/", &ep, &arg), 404);
    assert_int_equal(control_route("POST", "/reprocess", &ep, &arg), 200);
    assert_int_equal(ep, EP_REPROCESS);
}

/* The query string as key=value pairs, NULL-terminated. */
static const char *lookup(void *ctx, const char *key)
{
    const char **kv = ctx;
    for (; kv[0]; kv += 2)
        if (strcmp(kv[0], key) == 0)
            return kv[1];
    return NULL;
}

static json_t *request(enum endpoint ep, const char *id, const char **kv, char **err)
{
    char *s = control_query_request(ep, id, lookup, kv, err);
    if (!s)
        return NULL;
    json_t *j = json_loads(s, 0, NULL);
    free(s);
    assert_non_null(j);
    return j;
}

static void test_query_requests(void **unused)
{
    char *err = NULL;
    (void)unused;

    const char *search[] = {"q", "Huawei Chips", "limit", "5", "offset", "10", NULL};
    json_t *j = request(EP_SEARCH, NULL, search, &err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "op")), "search");
    assert_string_equal(json_string_value(json_object_get(j, "q")), "Huawei Chips");
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), 5);
    assert_int_equal(json_integer_value(json_object_get(j, "offset")), 10);
    json_decref(j);

    const char *list[] = {"tag", "topic:ai-chips", "min_score", "2.5", "since", "2026-11-01", NULL};
    j = request(EP_LIST, NULL, list, &err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "tag")), "topic:ai-chips");
    assert_true(json_real_value(json_object_get(j, "min_score")) == 2.5);
    assert_string_equal(json_string_value(json_object_get(j, "since")), "2026-11-01");
    assert_null(json_object_get(j, "limit"));
    json_decref(j);

    const char *none[] = {NULL};
    j = request(EP_SHOW, "0123abcd", none, &err);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "0123abcd");
    json_decref(j);

    const char *exp[] = {"since", "2026-01-01", "cursor", "77", NULL};
    j = request(EP_EXPORT, NULL, exp, &err);
    assert_string_equal(json_string_value(json_object_get(j, "op")), "export");
    assert_int_equal(json_integer_value(json_object_get(j, "cursor")), 77);
    json_decref(j);
}

static void test_query_errors(void **unused)
{
    char *err = NULL;
    (void)unused;

    const char *none[] = {NULL};
    assert_null(request(EP_SEARCH, NULL, none, &err));
    assert_non_null(strstr(err, "q="));
    free(err);

    const char *empty[] = {"q", "", NULL};
    assert_null(request(EP_SEARCH, NULL, empty, &err));
    free(err);

    const char *bad_utf8[] = {"q", "\xff\xfe", NULL};
    assert_null(request(EP_SEARCH, NULL, bad_utf8, &err));
    free(err);

    const char *bad_limit[] = {"limit", "abc", NULL};
    assert_null(request(EP_LIST, NULL, bad_limit, &err));
    assert_non_null(strstr(err, "limit=abc"));
    free(err);

    const char *neg[] = {"offset", "-1", NULL};
    assert_null(request(EP_LIST, NULL, neg, &err));
    free(err);

    const char *huge[] = {"limit", "10001", NULL};
    assert_null(request(EP_LIST, NULL, huge, &err));
    free(err);

    const char *score[] = {"min_score", "nan", NULL};
    assert_null(request(EP_LIST, NULL, score, &err));
    free(err);

    assert_null(request(EP_SHOW, "../etc", none, &err));
    free(err);
    assert_null(request(EP_SHOW, "ABCDEF", none, &err));   /* ids are lower-case hex */
    free(err);
}

static void test_reprocess_body(void **unused)
{
    char *id, *err;
    bool all;
    (void)unused;

    assert_int_equal(control_parse_reprocess("{\"id\":\"abc123\"}", 15, &id, &all, &err), 0);
    assert_string_equal(id, "abc123");
    assert_false(all);
    free(id);
    assert_int_equal(control_parse_reprocess("{\"all\":true}", 12, &id, &all, &err), 0);
    assert_true(all);
    assert_null(id);

    static const char *const bad[] = {
        "", "{", "[]", "{}", "{\"all\":false}", "{\"all\":1}", "{\"id\":5}", "{\"id\":\"x y\"}",
        "{\"id\":\"ab\",\"all\":true}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(control_parse_reprocess(bad[i], strlen(bad[i]), &id, &all, &err), -1);
        assert_non_null(err);
        assert_null(id);
        free(err);
    }
    assert_int_equal(control_parse_reprocess(NULL, 0, &id, &all, &err), -1);
    free(err);
}

static void test_archive_errors(void **unused)
{
    char *msg;
    (void)unused;

    assert_int_equal(control_archive_error("bad request: bad search query", &msg), 400);
    assert_string_equal(msg, "bad request: bad search query");
    free(msg);
    assert_int_equal(control_archive_error("not found: no archived article has id \"ab\"", &msg), 404);
    free(msg);
    assert_int_equal(control_archive_error("archive error: disk I/O error", &msg), 500);
    free(msg);
    assert_int_equal(control_archive_error("fts5: syntax error near \"AND\"", &msg), 400);
    free(msg);
    assert_int_equal(control_archive_error("{\"status\": 503, \"error\": \"server gone\"}", &msg), 503);
    assert_string_equal(msg, "server gone");
    free(msg);
    assert_int_equal(control_archive_error("{\"status\": 200, \"error\": \"x\"}", &msg), 400);
    free(msg);
    assert_int_equal(control_archive_error(NULL, &msg), 500);
    free(msg);
}

static void test_error_json(void **unused)
{
    (void)unused;
    char *s = control_error_json("a \"quoted\" reason");
    assert_string_equal(s, "{\"error\":\"a \\\"quoted\\\" reason\"}");
    free(s);
    s = control_error_json("\xff");
    json_t *j = json_loads(s, 0, NULL);
    assert_non_null(json_string_value(json_object_get(j, "error")));
    json_decref(j);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_query_requests),
        cmocka_unit_test(test_query_errors),
        cmocka_unit_test(test_reprocess_body),
        cmocka_unit_test(test_archive_errors),
        cmocka_unit_test(test_error_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
