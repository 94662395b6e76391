/* Unit tests for the daemon's side of the typed query contract: the
 * newsd_answer_*() functions and the answers newsd puts together
 * (query_answer.c), the 1.0 adapter (query_legacy.c) and the choice of the
 * archive that answers (plugin_set_query()). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "query.h"

#define ID "0123456789abcdef0123456789abcdef"

/* ---- answer(): what a fake archive does is chosen per test ------------------ */

static int (*script)(const struct newsd_query *q, newsd_answer *ans);
static int calls;

static int fake_answer(void *state, const struct newsd_query *q, newsd_answer *ans)
{
    (void)state;
    calls++;
    return script(q, ans);
}

/* Check q as newsd does, run the script, return the status. */
static int run(enum newsd_query_op op, int (*fn)(const struct newsd_query *, newsd_answer *),
               struct query_result *res)
{
    struct newsd_query q;
    char *err = NULL;
    query_init(&q, op);
    q.q = "Huawei";
    q.id = ID;
    assert_int_equal(query_check(&q, &err), NEWSD_QUERY_OK);
    script = fn;
    return query_run_answer(fake_answer, NULL, "fake", &q, res);
}

static char *dump(const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_non_null(s);
    return s;
}

static void expect_json(const struct query_result *res, const char *want)
{
    assert_int_equal(res->status, NEWSD_QUERY_OK);
    char *got = dump(res->json);
    assert_string_equal(got, want);
    free(got);
}

static void expect_broken(enum newsd_query_op op, int (*fn)(const struct newsd_query *, newsd_answer *),
                          const char *word)
{
    struct query_result res;
    assert_int_equal(run(op, fn, &res), NEWSD_QUERY_UNAVAILABLE);
    assert_non_null(res.reason);
    if (!strstr(res.reason, word))
        fail_msg("reason \"%s\" does not say \"%s\"", res.reason, word);
    assert_non_null(strstr(res.reason, "fake"));   /* names the plugin */
    assert_null(res.json);
    query_result_free(&res);
}

static int search_ok(const struct newsd_query *q, newsd_answer *ans)
{
    assert_int_equal(q->limit, 20);
    newsd_answer_total(ans, 85);
    assert_int_equal(newsd_answer_item(ans, "{\"id\": \"a\", \"rank\": -7.5}"), NEWSD_OK);
    assert_int_equal(newsd_answer_item(ans, "{\"id\": \"b\"}"), NEWSD_OK);
    assert_int_equal(newsd_answer_member(ans, "pending", "3"), NEWSD_OK);
    return NEWSD_QUERY_OK;
}

static int list_empty(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_total(ans, 0);
    return NEWSD_QUERY_OK;
}

static int export_page(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_item(ans, "{\"id\": \"a\"}");
    newsd_answer_next_cursor(ans, 17);
    return NEWSD_QUERY_OK;
}

static int ids_last(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_item(ans, "\"" ID "\"");
    return NEWSD_QUERY_OK;
}

static int show_ok(const struct newsd_query *q, newsd_answer *ans)
{
    assert_string_equal(q->id, ID);
    return newsd_answer_json(ans, "{\"id\": \"" ID "\", \"score\": {\"total\": 6.0}}") == NEWSD_OK
               ? NEWSD_QUERY_OK
               : NEWSD_QUERY_UNAVAILABLE;
}

static int original_bytes(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_original_bytes(ans, "ab\0c", 4);
    return NEWSD_QUERY_OK;
}

static int original_path(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_original_path(ans, "/srv/news/a.txt");
    return NEWSD_QUERY_OK;
}

static void test_shapes(void **unused)
{
    struct query_result res;
    (void)unused;

    run(NEWSD_QUERY_SEARCH, search_ok, &res);
    expect_json(&res, "{\"q\":\"Huawei\",\"total\":85,\"limit\":20,\"offset\":0,\"pending\":3,"
                      "\"hits\":[{\"id\":\"a\",\"rank\":-7.5},{\"id\":\"b\"}]}");
    query_result_free(&res);

    run(NEWSD_QUERY_LIST, list_empty, &res);
    expect_json(&res, "{\"total\":0,\"limit\":50,\"offset\":0,\"items\":[]}");
    query_result_free(&res);

    run(NEWSD_QUERY_EXPORT, export_page, &res);
    expect_json(&res, "{\"records\":[{\"id\":\"a\"}],\"count\":1,\"next_cursor\":17}");
    query_result_free(&res);

    run(NEWSD_QUERY_IDS, ids_last, &res);
    expect_json(&res, "{\"ids\":[\"" ID "\"],\"count\":1,\"next_cursor\":null}");
    query_result_free(&res);

    run(NEWSD_QUERY_SHOW, show_ok, &res);
    expect_json(&res, "{\"id\":\"" ID "\",\"score\":{\"total\":6.0}}");
    query_result_free(&res);

    assert_int_equal(run(NEWSD_QUERY_ORIGINAL, original_bytes, &res), NEWSD_QUERY_OK);
    assert_int_equal(res.original_len, 4);
    assert_memory_equal(res.original, "ab\0c", 4);
    assert_null(res.original_path);
    assert_null(res.json);
    query_result_free(&res);

    assert_int_equal(run(NEWSD_QUERY_ORIGINAL, original_path, &res), NEWSD_QUERY_OK);
    assert_string_equal(res.original_path, "/srv/news/a.txt");
    assert_null(res.original);
    query_result_free(&res);
}

/* ---- mistakes in using the builders -------------------------------------------- */

static int no_total(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_item(ans, "{}");
    return NEWSD_QUERY_OK;
}

static int wrong_part(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_total(ans, 1);
    assert_int_equal(newsd_answer_json(ans, "{}"), NEWSD_ERROR);
    return NEWSD_QUERY_OK;
}

static int bad_json(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_total(ans, 1);
    assert_int_equal(newsd_answer_item(ans, "{\"id\": "), NEWSD_ERROR);
    return NEWSD_QUERY_OK;
}

static int too_many(const struct newsd_query *q, newsd_answer *ans)
{
    newsd_answer_total(ans, 1000);
    for (int64_t i = 0; i < q->limit; i++)
        assert_int_equal(newsd_answer_item(ans, "{}"), NEWSD_OK);
    assert_int_equal(newsd_answer_item(ans, "{}"), NEWSD_ERROR);
    return NEWSD_QUERY_OK;
}

static int id_object(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    assert_int_equal(newsd_answer_item(ans, "{\"id\": \"x\"}"), NEWSD_ERROR);
    return NEWSD_QUERY_OK;
}

static int record_array(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    assert_int_equal(newsd_answer_json(ans, "[1]"), NEWSD_ERROR);
    return NEWSD_QUERY_OK;
}

static int reserved_member(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_total(ans, 0);
    assert_int_equal(newsd_answer_member(ans, "total", "5"), NEWSD_ERROR);
    return NEWSD_QUERY_OK;
}

static int cursor_back(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_next_cursor(ans, 0);
    return NEWSD_QUERY_OK;
}

static int relative_path(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    assert_int_equal(newsd_answer_original_path(ans, "a.txt"), NEWSD_ERROR);
    return NEWSD_QUERY_OK;
}

static int nothing(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    (void)ans;
    return NEWSD_QUERY_OK;
}

static void test_misuse(void **unused)
{
    (void)unused;
    expect_broken(NEWSD_QUERY_LIST, no_total, "newsd_answer_total");
    expect_broken(NEWSD_QUERY_SEARCH, wrong_part, "newsd_answer_json");
    expect_broken(NEWSD_QUERY_SEARCH, bad_json, "JSON");
    expect_broken(NEWSD_QUERY_LIST, too_many, "limit");
    expect_broken(NEWSD_QUERY_IDS, id_object, "string");
    expect_broken(NEWSD_QUERY_SHOW, record_array, "object");
    expect_broken(NEWSD_QUERY_LIST, reserved_member, "total");
    expect_broken(NEWSD_QUERY_EXPORT, cursor_back, "cursor");
    expect_broken(NEWSD_QUERY_ORIGINAL, relative_path, "absolute");
    expect_broken(NEWSD_QUERY_SHOW, nothing, "newsd_answer_json");
    expect_broken(NEWSD_QUERY_ORIGINAL, nothing, "path or bytes");
}

/* ---- failures ---------------------------------------------------------------- */

static int not_found(const struct newsd_query *q, newsd_answer *ans)
{
    newsd_answer_json(ans, "{}");   /* a failure wins over parts given before it */
    return newsd_answer_fail(ans, NEWSD_QUERY_NOT_FOUND, "article %s not found", q->id);
}

static int silent_bad(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    (void)ans;
    return NEWSD_QUERY_BAD_REQUEST;
}

static int no_status(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    (void)ans;
    return 42;
}

static int fail_then_ok(const struct newsd_query *q, newsd_answer *ans)
{
    (void)q;
    newsd_answer_fail(ans, NEWSD_QUERY_UNSUPPORTED, "no show here");
    return NEWSD_QUERY_OK;
}

static void test_failures(void **unused)
{
    struct query_result res;
    (void)unused;

    assert_int_equal(run(NEWSD_QUERY_SHOW, not_found, &res), NEWSD_QUERY_NOT_FOUND);
    assert_string_equal(res.reason, "article " ID " not found");
    assert_null(res.json);
    query_result_free(&res);

    assert_int_equal(run(NEWSD_QUERY_SHOW, silent_bad, &res), NEWSD_QUERY_BAD_REQUEST);
    assert_non_null(strstr(res.reason, "without a reason"));
    query_result_free(&res);

    assert_int_equal(run(NEWSD_QUERY_SHOW, no_status, &res), NEWSD_QUERY_UNAVAILABLE);
    assert_non_null(strstr(res.reason, "42"));
    query_result_free(&res);

    assert_int_equal(run(NEWSD_QUERY_SHOW, fail_then_ok, &res), NEWSD_QUERY_UNSUPPORTED);
    assert_string_equal(res.reason, "no show here");
    query_result_free(&res);
}

/* ---- the 1.0 adapter ----------------------------------------------------------- */

static json_t *last_request;
static const char *reply;
static int reply_rc;

static int fake_query(void *state, const char *request, char **response)
{
    (void)state;
    json_decref(last_request);
    last_request = json_loads(request, 0, NULL);
    assert_non_null(last_request);
    *response = reply ? strdup(reply) : NULL;
    return reply_rc;
}

static int legacy(struct newsd_query *q, int rc, const char *answer, struct query_result *res)
{
    char *err = NULL;
    assert_int_equal(query_check(q, &err), NEWSD_QUERY_OK);
    reply_rc = rc;
    reply = answer;
    return query_run_legacy(fake_query, NULL, "old", q, res);
}

static void test_legacy_requests(void **unused)
{
    struct newsd_query q;
    struct query_result res;
    (void)unused;

    query_init(&q, NEWSD_QUERY_SEARCH);
    q.q = "KI-Chips";
    q.words = 1;
    q.offset = 40;
    q.tag = "ignored";
    assert_int_equal(legacy(&q, NEWSD_OK, "{\"q\":\"KI-Chips\",\"hits\":[]}", &res), NEWSD_QUERY_OK);
    char *req = dump(last_request);
    assert_string_equal(req, "{\"op\":\"search\",\"q\":\"KI-Chips\",\"mode\":\"words\",\"limit\":20,\"offset\":40}");
    free(req);
    /* the answer is passed through */
    expect_json(&res, "{\"q\":\"KI-Chips\",\"hits\":[]}");
    query_result_free(&res);

    query_init(&q, NEWSD_QUERY_LIST);
    q.tag_prefix = "entity:";
    q.has_min_score = 1;
    q.min_score = 2.5;
    q.until = "2026-12-01";
    legacy(&q, NEWSD_OK, "{}", &res);
    req = dump(last_request);
    assert_string_equal(req, "{\"op\":\"list\",\"limit\":50,\"offset\":0,\"tag_prefix\":\"entity:\","
                             "\"until\":\"2026-12-01\",\"min_score\":2.5}");
    free(req);
    query_result_free(&res);

    query_init(&q, NEWSD_QUERY_IDS);
    q.cursor = 9;
    legacy(&q, NEWSD_OK, "{\"ids\":[]}", &res);
    req = dump(last_request);
    assert_string_equal(req, "{\"op\":\"ids\",\"limit\":1000,\"cursor\":9}");
    free(req);
    query_result_free(&res);

    query_init(&q, NEWSD_QUERY_SHOW);
    q.id = ID;
    legacy(&q, NEWSD_OK, "{\"id\":\"" ID "\"}", &res);
    req = dump(last_request);
    assert_string_equal(req, "{\"op\":\"show\",\"id\":\"" ID "\"}");
    free(req);
    query_result_free(&res);
}

static void test_legacy_answers(void **unused)
{
    struct newsd_query q;
    struct query_result res;
    (void)unused;

    query_init(&q, NEWSD_QUERY_ORIGINAL);
    q.id = ID;
    assert_int_equal(legacy(&q, NEWSD_OK, "{\"id\":\"x\",\"size\":2,\"base64\":\"bDQ=\"}", &res), NEWSD_QUERY_OK);
    assert_int_equal(res.original_len, 2);
    assert_memory_equal(res.original, "l4", 2);
    query_result_free(&res);
    assert_int_equal(legacy(&q, NEWSD_OK, "{\"path\":\"/a/b\"}", &res), NEWSD_QUERY_OK);
    assert_string_equal(res.original_path, "/a/b");
    query_result_free(&res);
    assert_int_equal(legacy(&q, NEWSD_OK, "{\"base64\":\"not base64!\"}", &res), NEWSD_QUERY_UNAVAILABLE);
    query_result_free(&res);
    assert_int_equal(legacy(&q, NEWSD_OK, "{\"path\":\"relative\"}", &res), NEWSD_QUERY_UNAVAILABLE);
    query_result_free(&res);

    /* 1.0's status words, read here and nowhere else */
    static const struct { const char *reason; int status; } words[] = {
        {"bad request: bad search query \"x\"", NEWSD_QUERY_BAD_REQUEST},
        {"bad request: unknown op \"original\"", NEWSD_QUERY_BAD_REQUEST},
        {"not found: no archived original has id", NEWSD_QUERY_NOT_FOUND},
        {"archive error: disk I/O error", NEWSD_QUERY_UNAVAILABLE},
        {"fts5: syntax error near \"AND\"", NEWSD_QUERY_UNAVAILABLE},
        {"{\"status\": 400, \"error\": \"no longer read\"}", NEWSD_QUERY_UNAVAILABLE},
        {"Bad Request: case matters", NEWSD_QUERY_UNAVAILABLE},
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        assert_int_equal(legacy(&q, NEWSD_ERROR, words[i].reason, &res), words[i].status);
        assert_string_equal(res.reason, words[i].reason);
        query_result_free(&res);
    }
    assert_int_equal(legacy(&q, NEWSD_ERROR, NULL, &res), NEWSD_QUERY_UNAVAILABLE);
    assert_non_null(strstr(res.reason, "old"));
    query_result_free(&res);

    query_init(&q, NEWSD_QUERY_STATS);
    assert_int_equal(legacy(&q, NEWSD_OK, "not json", &res), NEWSD_QUERY_UNAVAILABLE);
    query_result_free(&res);
    assert_int_equal(legacy(&q, NEWSD_OK, "[1, 2]", &res), NEWSD_QUERY_UNAVAILABLE);
    query_result_free(&res);
    assert_int_equal(legacy(&q, NEWSD_OK, NULL, &res), NEWSD_QUERY_UNAVAILABLE);
    query_result_free(&res);
    json_decref(last_request);
    last_request = NULL;
}

/* ---- which archive answers ------------------------------------------------------- */

static void test_plugin_set(void **unused)
{
    struct query_result res;
    struct newsd_query q;
    newsd_plugin tagger = {.name = "tagger", .stages = NEWSD_STAGE_TAG};
    newsd_plugin fs = {.name = "fs", .stages = NEWSD_STAGE_ARCHIVE};
    newsd_plugin typed = {.name = "typed", .stages = NEWSD_STAGE_ARCHIVE, .answer = fake_answer};
    struct plugin_instance v[3] = {
        {.name = "orgs", .desc = &tagger, .initialised = true},
        {.name = "files", .desc = &fs, .initialised = true},
        {.name = "db", .desc = &typed, .initialised = false},
    };
    struct plugin_set set = {.v = v, .n = 3};
    (void)unused;

    query_init(&q, NEWSD_QUERY_SHOW);
    q.id = ID;
    assert_false(plugin_answers_queries(&v[2]));   /* not initialised (--check-config) */
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_UNSUPPORTED);
    assert_non_null(res.reason);
    query_result_free(&res);

    v[2].initialised = true;
    assert_true(plugin_answers_queries(&v[2]));
    script = show_ok;
    calls = 0;
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    assert_int_equal(calls, 1);
    query_result_free(&res);

    /* refused before the archive is asked */
    q.id = "ABC";
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_BAD_REQUEST);
    assert_int_equal(calls, 1);
    query_result_free(&res);
}

/* ---- the action filters (since 1.3) ------------------------------------------ */

static const char *seen_action, *seen_hide;

static int list_seen(const struct newsd_query *q, newsd_answer *ans)
{
    seen_action = q->action;
    seen_hide = q->hide_action;
    newsd_answer_total(ans, 0);
    return NEWSD_QUERY_OK;
}

static void test_action_filters(void **unused)
{
    struct query_result res;
    struct newsd_query q;
    newsd_plugin typed = {.abi_version = NEWSD_ABI_STAMP(1, 3), .name = "typed", .stages = NEWSD_STAGE_ARCHIVE,
                          .answer = fake_answer};
    struct plugin_instance v[1] = {{.name = "db", .desc = &typed, .initialised = true}};
    struct plugin_set set = {.v = v, .n = 1};
    actions_default(&set.actions);   /* hide = discard */
    (void)unused;
    script = list_seen;

    /* newsctl list: the operator's hidden action is left out */
    query_init(&q, NEWSD_QUERY_LIST);
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    assert_null(seen_action);
    assert_string_equal(seen_hide, "discard");
    query_result_free(&res);
    /* --action alert: that one, nothing hidden */
    q.action = "alert";
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    assert_string_equal(seen_action, "alert");
    assert_null(seen_hide);
    query_result_free(&res);
    /* --all: "" asks for every action */
    q.action = NULL;
    q.hide_action = "";
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    assert_null(seen_action);
    assert_null(seen_hide);
    query_result_free(&res);
    /* a search hides nothing unless asked (the operator's hide is list's) */
    query_init(&q, NEWSD_QUERY_SEARCH);
    q.q = "x";
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    assert_null(seen_hide);
    query_result_free(&res);
    /* an empty or overlong action is refused */
    query_init(&q, NEWSD_QUERY_LIST);
    q.action = "";
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_BAD_REQUEST);
    assert_non_null(strstr(res.reason, "action="));
    query_result_free(&res);

    /* an archive of 1.2 stores no action: hiding is moot, a filter refused */
    typed.abi_version = NEWSD_ABI_STAMP(1, 2);
    seen_hide = "unset";
    query_init(&q, NEWSD_QUERY_LIST);
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    assert_null(seen_hide);
    query_result_free(&res);
    q.action = "alert";
    calls = 0;
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_UNSUPPORTED);
    assert_int_equal(calls, 0);
    assert_non_null(strstr(res.reason, "built for newsd ABI 1.2 and cannot list by action"));
    query_result_free(&res);
}

/* ---- search with filters, max_score (since 1.4) ------------------------------ */

static struct newsd_query seen;

static int search_seen(const struct newsd_query *q, newsd_answer *ans)
{
    seen = *q;
    if (q->op == NEWSD_QUERY_SHOW)
        newsd_answer_json(ans, "{}");
    else
        newsd_answer_total(ans, 0);
    return NEWSD_QUERY_OK;
}

static void test_search_filters(void **unused)
{
    struct query_result res;
    struct newsd_query q;
    newsd_plugin typed = {.abi_version = NEWSD_ABI_STAMP(1, 4), .name = "typed", .stages = NEWSD_STAGE_ARCHIVE,
                          .answer = fake_answer};
    struct plugin_instance v[1] = {{.name = "db", .desc = &typed, .initialised = true}};
    struct plugin_set set = {.v = v, .n = 1};
    actions_default(&set.actions);
    (void)unused;
    script = search_seen;

    /* a 1.4 archive gets every filter of a search, and max_score */
    query_init(&q, NEWSD_QUERY_SEARCH);
    q.q = "Chips";
    q.lang = "de";
    q.tag = "topic:ai";
    q.since = "2026-11-01";
    q.until = "2026-12-01";
    q.action = "alert";
    q.has_min_score = 1;
    q.min_score = 2;
    q.has_max_score = 1;
    q.max_score = 8.5;
    calls = 0;
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    assert_int_equal(calls, 1);
    assert_string_equal(seen.lang, "de");
    assert_string_equal(seen.tag, "topic:ai");
    assert_string_equal(seen.since, "2026-11-01");
    assert_string_equal(seen.until, "2026-12-01");
    assert_string_equal(seen.action, "alert");
    assert_true(seen.has_min_score && seen.min_score == 2);
    assert_true(seen.has_max_score && seen.max_score == 8.5);
    assert_int_equal(seen.struct_size, sizeof(struct newsd_query));
    query_result_free(&res);

    /* show reads no filter: a stray max_score is cleared before the archive sees it */
    query_init(&q, NEWSD_QUERY_SHOW);
    q.id = ID;
    q.has_max_score = 1;
    q.max_score = 3;
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    assert_false(seen.has_max_score);
    assert_true(seen.max_score == 0);
    query_result_free(&res);

    /* a range with nothing in it, and a score that is no number, are refused */
    query_init(&q, NEWSD_QUERY_LIST);
    q.has_min_score = q.has_max_score = 1;
    q.min_score = 5;
    q.max_score = 4;
    calls = 0;
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_BAD_REQUEST);
    assert_non_null(strstr(res.reason, "above max_score"));
    query_result_free(&res);
    q.has_min_score = 0;
    q.max_score = NAN;
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_BAD_REQUEST);
    assert_non_null(strstr(res.reason, "max_score"));
    query_result_free(&res);
    assert_int_equal(calls, 0);

    /* an archive of 1.3 would ignore them: a filtered search is refused,
     * naming the plugin, and the archive is not asked */
    typed.abi_version = NEWSD_ABI_STAMP(1, 3);
    const char *filters[] = {"lang", "tag", "since", "action", "min_score"};
    for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
        query_init(&q, NEWSD_QUERY_SEARCH);
        q.q = "Chips";
        if (strcmp(filters[i], "lang") == 0)
            q.lang = "de";
        else if (strcmp(filters[i], "tag") == 0)
            q.tag = "topic:ai";
        else if (strcmp(filters[i], "since") == 0)
            q.since = "2026-11-01";
        else if (strcmp(filters[i], "action") == 0)
            q.action = "alert";
        else
            q.has_min_score = 1;
        calls = 0;
        assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_UNSUPPORTED);
        assert_int_equal(calls, 0);
        if (!strstr(res.reason, "built for newsd ABI 1.3 and cannot combine a search with filters"))
            fail_msg("%s: reason \"%s\"", filters[i], res.reason);
        assert_non_null(strstr(res.reason, "db"));
        query_result_free(&res);
    }
    /* ... a plain search, or one with all=1 ("" hides nothing), is answered */
    query_init(&q, NEWSD_QUERY_SEARCH);
    q.q = "Chips";
    q.hide_action = "";
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    assert_null(seen.hide_action);
    assert_null(seen.lang);
    query_result_free(&res);
    /* ... and so is its list with min_score, but not with max_score */
    query_init(&q, NEWSD_QUERY_LIST);
    q.has_min_score = 1;
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    query_result_free(&res);
    q.has_max_score = 1;
    q.max_score = 9;
    calls = 0;
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_UNSUPPORTED);
    assert_int_equal(calls, 0);
    assert_non_null(strstr(res.reason, "cannot filter by max_score"));
    query_result_free(&res);
}

/* ---- query() of 1.0 in a plugin stamped later -------------------------------- */

/* query() speaks 1.0's JSON protocol, which carries no action, no
 * max_score and no filter of a search: a plugin without answer() would
 * ignore them whatever its stamp says, so newsd refuses them itself. */
static void test_legacy_stamped_later(void **unused)
{
    struct query_result res;
    struct newsd_query q;
    newsd_plugin old = {.abi_version = NEWSD_ABI_STAMP(1, 4), .name = "old", .stages = NEWSD_STAGE_ARCHIVE,
                        .query = fake_query};
    struct plugin_instance v[1] = {{.name = "db", .desc = &old, .initialised = true}};
    struct plugin_set set = {.v = v, .n = 1};
    actions_default(&set.actions);
    (void)unused;
    reply_rc = NEWSD_OK;
    reply = "{\"total\": 0, \"hits\": []}";

    query_init(&q, NEWSD_QUERY_SEARCH);
    q.q = "Chips";
    q.lang = "de";
    json_decref(last_request);
    last_request = NULL;
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_UNSUPPORTED);
    assert_null(last_request);
    assert_non_null(strstr(res.reason, "db"));
    assert_non_null(strstr(res.reason, "query()"));
    query_result_free(&res);

    query_init(&q, NEWSD_QUERY_LIST);
    q.has_max_score = 1;
    q.max_score = 3;
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_UNSUPPORTED);
    assert_null(last_request);
    assert_non_null(strstr(res.reason, "max_score"));
    query_result_free(&res);

    query_init(&q, NEWSD_QUERY_LIST);
    q.action = "alert";
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_UNSUPPORTED);
    assert_null(last_request);
    assert_non_null(strstr(res.reason, "action"));
    query_result_free(&res);

    /* what 1.0 could say still goes through: a list by tag, a plain search */
    reply = "{\"total\": 0, \"items\": []}";
    query_init(&q, NEWSD_QUERY_LIST);
    q.tag = "topic:ai";
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    assert_non_null(last_request);
    assert_string_equal(json_string_value(json_object_get(last_request, "tag")), "topic:ai");
    query_result_free(&res);
    reply = "{\"total\": 0, \"hits\": []}";
    query_init(&q, NEWSD_QUERY_SEARCH);
    q.q = "Chips";
    assert_int_equal(plugin_set_query(&set, &q, &res), NEWSD_QUERY_OK);
    query_result_free(&res);
    json_decref(last_request);
    last_request = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_failures),
        cmocka_unit_test(test_legacy_requests),
        cmocka_unit_test(test_legacy_answers),
        cmocka_unit_test(test_action_filters),
        cmocka_unit_test(test_search_filters),
        cmocka_unit_test(test_legacy_stamped_later),
        cmocka_unit_test(test_plugin_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
