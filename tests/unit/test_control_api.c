/* Unit tests for daemon/control_api.c: routing, the typed queries built
 * from query strings (and query_check() behind them), the reprocess body,
 * and the HTTP status of each query status. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "control_api.h"
#include "query.h"

#define ID "0123456789abcdef0123456789abcdef"

static void test_routes(void **unused)
{
    enum endpoint ep;
    const char *arg;
    (void)unused;

    assert_int_equal(control_route("GET", "/status", &ep, &arg), 200);
    assert_int_equal(ep, EP_STATUS);
    assert_int_equal(control_route("GET", "/health", &ep, &arg), 200);
    assert_int_equal(ep, EP_HEALTH);
    assert_int_equal(control_route("POST", "/health", &ep, &arg), 405);
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

/* The query of ep with the arguments kv; NULL (with *err) when refused.
 * The caller frees it with query_free_strings() and free(). */
static struct newsd_query *request(enum endpoint ep, const char *id, const char **kv, char **err)
{
    struct newsd_query *q = malloc(sizeof *q);
    assert_non_null(q);
    *err = NULL;
    int st = control_query_parse(ep, id, lookup, kv, q, err);
    if (st == NEWSD_QUERY_OK) {
        assert_null(*err);
        return q;
    }
    assert_int_equal(st, NEWSD_QUERY_BAD_REQUEST);
    assert_non_null(*err);
    query_free_strings(q);
    free(q);
    return NULL;
}

static void done(struct newsd_query *q)
{
    query_free_strings(q);
    free(q);
}

static void test_query_requests(void **unused)
{
    char *err = NULL;
    (void)unused;

    const char *search[] = {"q", "Huawei Chips", "limit", "5", "offset", "10", "tag", "topic:ai", "lang", "de",
                            "min_score", "1", "max_score", "7.5", "since", "2026-11-01", "action", "alert", NULL};
    struct newsd_query *q = request(EP_SEARCH, NULL, search, &err);
    assert_non_null(q);
    assert_int_equal(q->struct_size, sizeof *q);
    assert_int_equal(q->op, NEWSD_QUERY_SEARCH);
    assert_string_equal(q->q, "Huawei Chips");
    assert_int_equal(q->words, 0);
    assert_int_equal(q->limit, 5);
    assert_int_equal(q->offset, 10);
    /* since 1.4 a search takes the filters of list */
    assert_string_equal(q->tag, "topic:ai");
    assert_string_equal(q->lang, "de");
    assert_string_equal(q->since, "2026-11-01");
    assert_string_equal(q->action, "alert");
    assert_true(q->has_min_score && q->min_score == 1);
    assert_true(q->has_max_score && q->max_score == 7.5);
    done(q);

    const char *words[] = {"q", "KI-Chips", "mode", "words", NULL};
    q = request(EP_SEARCH, NULL, words, &err);
    assert_int_equal(q->words, 1);
    assert_int_equal(q->limit, 20);   /* the op's default */
    assert_int_equal(q->offset, 0);
    done(q);

    const char *list[] = {"tag", "topic:ai-chips", "min_score", "2.5", "since", "2026-11-01",
                          "tag_prefix", "entity:", "lang", "de", "until", "2026-12-01", NULL};
    q = request(EP_LIST, NULL, list, &err);
    assert_non_null(q);
    assert_int_equal(q->op, NEWSD_QUERY_LIST);
    assert_string_equal(q->tag, "topic:ai-chips");
    assert_string_equal(q->tag_prefix, "entity:");
    assert_string_equal(q->lang, "de");
    assert_true(q->has_min_score && q->min_score == 2.5);
    assert_false(q->has_max_score);
    assert_string_equal(q->since, "2026-11-01");
    assert_string_equal(q->until, "2026-12-01");
    assert_int_equal(q->limit, 50);
    assert_null(q->q);
    done(q);

    /* since 1.3: action=NAME, and all=1 for every action ("" hides none) */
    const char *act[] = {"action", "alert", NULL};
    q = request(EP_LIST, NULL, act, &err);
    assert_string_equal(q->action, "alert");
    assert_null(q->hide_action);
    done(q);
    const char *all[] = {"all", "1", NULL};
    q = request(EP_LIST, NULL, all, &err);
    assert_null(q->action);
    assert_string_equal(q->hide_action, "");
    done(q);
    const char *search_act[] = {"q", "x", "action", "alert", NULL};
    q = request(EP_SEARCH, NULL, search_act, &err);
    assert_string_equal(q->action, "alert");   /* since 1.4 search takes it too */
    done(q);

    const char *max[] = {"limit", "1000", "offset", "2147483647", "min_score", "-3", NULL};
    q = request(EP_LIST, NULL, max, &err);
    assert_int_equal(q->limit, 1000);
    assert_int_equal(q->offset, INT32_MAX);
    assert_true(q->min_score == -3.0);
    done(q);

    const char *none[] = {NULL};
    q = request(EP_SHOW, ID, none, &err);
    assert_int_equal(q->op, NEWSD_QUERY_SHOW);
    assert_string_equal(q->id, ID);
    done(q);

    const char *exp[] = {"since", "2026-01-01", "cursor", "77", "tag", "ignored", NULL};
    q = request(EP_EXPORT, NULL, exp, &err);
    assert_int_equal(q->op, NEWSD_QUERY_EXPORT);
    assert_int_equal(q->cursor, 77);
    assert_int_equal(q->limit, 100);
    assert_string_equal(q->since, "2026-01-01");
    assert_null(q->tag);              /* export reads since and until only */
    done(q);

    const char *ok_utf8[] = {"q", "Lücke schließen", NULL};
    q = request(EP_SEARCH, NULL, ok_utf8, &err);
    assert_string_equal(q->q, "Lücke schließen");
    done(q);
}

static void refused(enum endpoint ep, const char *id, const char **kv, const char *in_err)
{
    char *err = NULL;
    assert_null(request(ep, id, kv, &err));
    if (in_err && !strstr(err, in_err))
        fail_msg("error \"%s\" does not mention \"%s\"", err, in_err);
    free(err);
}

static void test_query_errors(void **unused)
{
    (void)unused;

    const char *none[] = {NULL};
    refused(EP_SEARCH, NULL, none, "q=");
    const char *empty[] = {"q", "", NULL};
    refused(EP_SEARCH, NULL, empty, "q=");
    const char *bad_utf8[] = {"q", "\xff\xfe", NULL};
    refused(EP_SEARCH, NULL, bad_utf8, "UTF-8");
    const char *overlong[] = {"q", "\xc0\xaf", NULL};
    refused(EP_SEARCH, NULL, overlong, "UTF-8");
    const char *tag_utf8[] = {"tag", "a\xe9" "b", NULL};
    refused(EP_LIST, NULL, tag_utf8, "tag");
    const char *mode[] = {"q", "x", "mode", "regex", NULL};
    refused(EP_SEARCH, NULL, mode, "mode=regex");

    const char *bad_limit[] = {"limit", "abc", NULL};
    refused(EP_LIST, NULL, bad_limit, "limit=abc");
    const char *zero[] = {"limit", "0", NULL};
    refused(EP_LIST, NULL, zero, "limit=0");
    const char *huge[] = {"limit", "1001", NULL};
    refused(EP_LIST, NULL, huge, "1000");
    const char *huge_search[] = {"q", "x", "limit", "1001", NULL};
    refused(EP_SEARCH, NULL, huge_search, "limit");
    const char *huge_export[] = {"limit", "1001", NULL};
    refused(EP_EXPORT, NULL, huge_export, "limit");
    const char *plus[] = {"limit", "+5", NULL};
    refused(EP_LIST, NULL, plus, "limit");
    const char *space[] = {"limit", " 5", NULL};
    refused(EP_LIST, NULL, space, "limit");
    const char *overflow[] = {"limit", "99999999999999999999999", NULL};
    refused(EP_LIST, NULL, overflow, "limit");
    const char *neg[] = {"offset", "-1", NULL};
    refused(EP_LIST, NULL, neg, "offset");
    const char *far[] = {"offset", "2147483648", NULL};
    refused(EP_LIST, NULL, far, "offset");
    const char *cursor[] = {"cursor", "-5", NULL};
    refused(EP_EXPORT, NULL, cursor, "cursor");

    const char *nan[] = {"min_score", "nan", NULL};
    refused(EP_LIST, NULL, nan, "min_score");
    const char *inf[] = {"min_score", "inf", NULL};
    refused(EP_LIST, NULL, inf, "min_score");
    const char *high[] = {"min_score", "high", NULL};
    refused(EP_LIST, NULL, high, "min_score");
    const char *trail[] = {"min_score", "3x", NULL};
    refused(EP_LIST, NULL, trail, "min_score");
    const char *max_nan[] = {"max_score", "nan", NULL};
    refused(EP_SEARCH, NULL, max_nan, "max_score");
    const char *empty_range[] = {"min_score", "5", "max_score", "4", NULL};
    refused(EP_LIST, NULL, empty_range, "above max_score");
    const char *all_yes[] = {"all", "yes", NULL};
    refused(EP_LIST, NULL, all_yes, "all=yes");
    const char *empty_action[] = {"action", "", NULL};
    refused(EP_LIST, NULL, empty_action, "action=");

    /* ids: exactly NEWSD_ID_LEN lower-case hex digits */
    refused(EP_SHOW, "../etc", none, "article id");
    refused(EP_SHOW, "0123456789ABCDEF0123456789ABCDEF", none, "article id");
    refused(EP_SHOW, "0123abcd", none, "article id");
    refused(EP_SHOW, ID "0", none, "article id");
    refused(EP_SHOW, NULL, none, "article id");

    refused(EP_STATUS, NULL, none, "not a query");
}

/* What a query must be before any archive sees it (query_check()). */
static void test_query_check(void **unused)
{
    char *err = NULL;
    struct newsd_query q;
    (void)unused;

    query_init(&q, NEWSD_QUERY_IDS);
    assert_int_equal(q.limit, QUERY_LIMIT_UNSET);
    assert_int_equal(query_check(&q, &err), NEWSD_QUERY_OK);
    assert_int_equal(q.limit, 1000);
    q.limit = 100000;
    assert_int_equal(query_check(&q, &err), NEWSD_QUERY_OK);
    q.limit = 100001;
    assert_int_equal(query_check(&q, &err), NEWSD_QUERY_BAD_REQUEST);
    free(err);

    /* what an op does not read is cleared */
    query_init(&q, NEWSD_QUERY_STATS);
    q.id = ID;
    q.q = "x";
    q.limit = 7;
    q.tag = "t";
    q.has_min_score = 1;
    q.min_score = INFINITY;
    assert_int_equal(query_check(&q, &err), NEWSD_QUERY_OK);
    assert_null(q.id);
    assert_null(q.q);
    assert_null(q.tag);
    assert_int_equal(q.limit, 0);
    assert_int_equal(q.has_min_score, 0);

    query_init(&q, NEWSD_QUERY_LIST);
    q.has_min_score = 1;
    q.min_score = NAN;
    assert_int_equal(query_check(&q, &err), NEWSD_QUERY_BAD_REQUEST);
    free(err);

    query_init(&q, (enum newsd_query_op)99);
    assert_int_equal(query_check(&q, &err), NEWSD_QUERY_BAD_REQUEST);
    assert_non_null(strstr(err, "op"));
    free(err);

    /* the one table of ops */
    static const struct { enum newsd_query_op op; const char *name; int64_t def, max; } want[] = {
        {NEWSD_QUERY_SEARCH, "search", 20, 1000}, {NEWSD_QUERY_LIST, "list", 50, 1000},
        {NEWSD_QUERY_EXPORT, "export", 100, 1000}, {NEWSD_QUERY_IDS, "ids", 1000, 100000},
        {NEWSD_QUERY_SHOW, "show", 0, 0},          {NEWSD_QUERY_STATS, "stats", 0, 0},
        {NEWSD_QUERY_ORIGINAL, "original", 0, 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const struct query_op *o = query_op(want[i].op);
        assert_non_null(o);
        assert_string_equal(o->name, want[i].name);
        assert_int_equal(o->limit_default, want[i].def);
        assert_int_equal(o->limit_max, want[i].max);
    }
    assert_null(query_op((enum newsd_query_op)0));
}

static void test_reprocess_body(void **unused)
{
    char *id, *err;
    bool all;
    (void)unused;

    const char *body = "{\"id\":\"" ID "\"}";
    assert_int_equal(control_parse_reprocess(body, strlen(body), &id, &all, &err), 0);
    assert_string_equal(id, ID);
    assert_false(all);
    free(id);
    assert_int_equal(control_parse_reprocess("{\"all\":true}", 12, &id, &all, &err), 0);
    assert_true(all);
    assert_null(id);

    static const char *const bad[] = {
        "", "{", "[]", "{}", "{\"all\":false}", "{\"all\":1}", "{\"id\":5}", "{\"id\":\"x y\"}",
        "{\"id\":\"abc123\"}", "{\"id\":\"0123456789ABCDEF0123456789ABCDEF\"}",
        "{\"id\":\"" ID "\",\"all\":true}",
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

/* POST /learn: {"model", "label", "ids"}, each checked; a refusal frees
 * what it had taken. */
static void test_learn_body(void **unused)
{
    char *model, *label, *err;
    char **ids;
    size_t n;
    enum endpoint ep;
    const char *arg;
    (void)unused;

    assert_int_equal(control_route("POST", "/learn", &ep, &arg), 200);
    assert_int_equal(ep, EP_LEARN);
    assert_int_equal(control_route("GET", "/learn", &ep, &arg), 405);

    const char *body = "{\"model\":\"news\",\"label\":\"Sport\",\"ids\":[\"" ID "\",\"" ID "\"]}";
    assert_int_equal(control_parse_learn(body, strlen(body), &model, &label, &ids, &n, &err), 0);
    assert_string_equal(model, "news");
    assert_string_equal(label, "Sport");
    assert_int_equal(n, 2);
    assert_string_equal(ids[1], ID);
    control_learn_args_free(model, label, ids, n);

    static const char *const bad[] = {
        "", "[]", "{}", "{\"model\":\"news\",\"label\":\"Sport\"}",
        "{\"model\":\"news\",\"label\":\"Sport\",\"ids\":[]}",
        "{\"model\":\"../x\",\"label\":\"Sport\",\"ids\":[\"" ID "\"]}",
        "{\"model\":\".hidden\",\"label\":\"Sport\",\"ids\":[\"" ID "\"]}",
        "{\"model\":\"news\",\"label\":\"\",\"ids\":[\"" ID "\"]}",
        "{\"model\":\"news\",\"label\":\"a\\tb\",\"ids\":[\"" ID "\"]}",
        "{\"model\":\"news\",\"label\":\"Sport\",\"ids\":[\"" ID "\",\"nope\"]}",
        "{\"model\":\"news\",\"label\":\"Sport\",\"ids\":[5]}",
        "{\"model\":5,\"label\":\"Sport\",\"ids\":[\"" ID "\"]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(control_parse_learn(bad[i], strlen(bad[i]), &model, &label, &ids, &n, &err), -1);
        assert_non_null(err);
        assert_null(model);
        assert_null(ids);
        assert_int_equal(n, 0);
        free(err);
    }
}

/* The enum is the whole protocol: no words of a reason are read here. */
static void test_http_status(void **unused)
{
    (void)unused;
    assert_int_equal(control_query_http_status(NEWSD_QUERY_OK), 200);
    assert_int_equal(control_query_http_status(NEWSD_QUERY_BAD_REQUEST), 400);
    assert_int_equal(control_query_http_status(NEWSD_QUERY_NOT_FOUND), 404);
    assert_int_equal(control_query_http_status(NEWSD_QUERY_UNAVAILABLE), 503);
    assert_int_equal(control_query_http_status(NEWSD_QUERY_UNSUPPORTED), 501);
    assert_int_equal(control_query_http_status(42), 500);
    assert_int_equal(control_query_http_status(-1), 500);
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
        cmocka_unit_test(test_query_check),
        cmocka_unit_test(test_reprocess_body),
        cmocka_unit_test(test_learn_body),
        cmocka_unit_test(test_http_status),
        cmocka_unit_test(test_error_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
