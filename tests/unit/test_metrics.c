/* Unit tests for daemon/metrics.c: histograms, the last-minute rate, and
 * the Prometheus text they are written in; and for daemon/control_status.c:
 * a status snapshot rendered as /metrics text and /status JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "metrics.h"
#include "action_counts.h"
#include "status.h"

static void test_histogram_buckets(void **unused)
{
    struct histogram h = {0};
    struct strbuf sb = {0};
    (void)unused;

    histogram_observe(&h, 50000);          /* 50 µs: first bucket (0.0001) */
    histogram_observe(&h, 2000000);        /* 2 ms: le=0.0025 */
    histogram_observe(&h, 20000000000ull); /* 20 s: only +Inf */
    prom_histogram(&sb, "x_seconds", "", &h);
    char *text = sb_take(&sb);
    assert_non_null(strstr(text, "x_seconds_bucket{le=\"0.0001\"} 1\n"));
    assert_non_null(strstr(text, "x_seconds_bucket{le=\"0.001\"} 1\n"));
    assert_non_null(strstr(text, "x_seconds_bucket{le=\"0.0025\"} 2\n"));
    assert_non_null(strstr(text, "x_seconds_bucket{le=\"10\"} 2\n"));
    assert_non_null(strstr(text, "x_seconds_bucket{le=\"+Inf\"} 3\n"));
    assert_non_null(strstr(text, "x_seconds_count 3\n"));
    assert_non_null(strstr(text, "x_seconds_sum 20.00205\n"));
    free(text);
}

static void test_histogram_labels(void **unused)
{
    struct histogram h = {0};
    struct strbuf sb = {0};
    (void)unused;

    histogram_observe(&h, 1000);
    prom_histogram(&sb, "p_seconds", "plugin=\"orgs\"", &h);
    char *text = sb_take(&sb);
    assert_non_null(strstr(text, "p_seconds_bucket{plugin=\"orgs\",le=\"+Inf\"} 1\n"));
    assert_non_null(strstr(text, "p_seconds_count{plugin=\"orgs\"} 1\n"));
    assert_non_null(strstr(text, "p_seconds_sum{plugin=\"orgs\"} 1e-06\n"));
    free(text);
}

static void test_values_and_headers(void **unused)
{
    struct strbuf sb = {0};
    (void)unused;

    prom_header(&sb, "a_total", "counter", "Things.");
    prom_value(&sb, "a_total", "", 42);
    prom_value(&sb, "b", "k=\"v\"", 0.25);
    char *text = sb_take(&sb);
    assert_string_equal(text, "# HELP a_total Things.\n# TYPE a_total counter\na_total 42\nb{k=\"v\"} 0.25\n");
    free(text);
}

static void test_escape(void **unused)
{
    char out[32];
    (void)unused;

    prom_escape("a\"b\\c\nd", out, sizeof out);
    assert_string_equal(out, "a\\\"b\\\\c\\nd");
    prom_escape("abcdefghijkl", out, 8);   /* truncates, stays terminated */
    assert_true(strlen(out) < 8);
}

static void test_plugin_series(void **unused)
{
    struct strbuf sb = {0};
    (void)unused;

    metrics_plugin_time("unit_a", 1000000);
    metrics_plugin_time("unit_a", 1000000);
    metrics_plugin_time("unit_b", 5000);
    metrics_write_histograms(&sb);
    char *text = sb_take(&sb);
    assert_non_null(strstr(text, "# TYPE newsd_plugin_seconds histogram\n"));
    assert_non_null(strstr(text, "newsd_plugin_seconds_count{plugin=\"unit_a\"} 2\n"));
    assert_non_null(strstr(text, "newsd_plugin_seconds_count{plugin=\"unit_b\"} 1\n"));
    assert_non_null(strstr(text, "# TYPE newsd_processing_seconds histogram\n"));
    free(text);
}

static void test_rate_window(void **unused)
{
    struct rate r = {0};
    (void)unused;

    rate_add(&r, 1000, 5);
    rate_add(&r, 1000, 1);
    rate_add(&r, 1030, 4);
    assert_int_equal(rate_sum(&r, 1030), 10);
    assert_int_equal(rate_sum(&r, 1059), 10);
    assert_int_equal(rate_sum(&r, 1060), 4);   /* second 1000 has left the minute */
    rate_add(&r, 1060, 2);                     /* reuses the cell of 1000 */
    assert_int_equal(rate_sum(&r, 1060), 6);
    assert_int_equal(rate_sum(&r, 5000), 0);
}

static void test_strbuf_grows(void **unused)
{
    struct strbuf sb = {0};
    (void)unused;

    for (int i = 0; i < 1000; i++)
        sb_printf(&sb, "%04d,", i);
    assert_int_equal(sb.len, 5000);
    char *s = sb_take(&sb);
    assert_memory_equal(s + 4995, "0999,", 6);
    assert_null(sb.s);
    free(s);
    s = sb_take(&sb);
    assert_string_equal(s, "");
    free(s);
}

/* ---- control_status.c --------------------------------------------------- */

static const newsd_plugin desc_tagger = {
    .abi_version = NEWSD_ABI_STAMP(1, 0), .struct_size = sizeof(newsd_plugin),
    .name = "keyword_tagger", .stages = NEWSD_STAGE_TAG | NEWSD_STAGE_PARSE,
};
static const newsd_plugin desc_lua = {
    .abi_version = NEWSD_ABI_VERSION, .struct_size = sizeof(newsd_plugin),
    .name = "noop", .stages = NEWSD_STAGE_SCORE,
};
static int fake_query(void *state, const char *request, char **response)
{
    (void)state, (void)request, (void)response;
    return NEWSD_ERROR;
}
static const newsd_plugin desc_archive_quiet = {
    .abi_version = NEWSD_ABI_VERSION, .struct_size = sizeof(newsd_plugin),
    .name = "archive_fs", .stages = NEWSD_STAGE_ARCHIVE,
};
static const newsd_plugin desc_archive = {
    .abi_version = NEWSD_ABI_STAMP(1, 3), .struct_size = sizeof(newsd_plugin),
    .name = "archive_sqlite", .stages = NEWSD_STAGE_ARCHIVE, .query = fake_query,
};

static struct plugin_instance instances[4];
static struct plugin_set fake_set = {.v = instances, .n = 4};

static void snapshot_fixture(struct status_snapshot *s)
{
    instances[0] = (struct plugin_instance){.name = "orgs", .path = "/p/keyword_tagger.so",
                                            .desc = &desc_tagger, .initialised = true};
    instances[1] = (struct plugin_instance){.name = "luak", .path = "/p/noop.lua", .desc = &desc_lua, .initialised = true};
    instances[2] = (struct plugin_instance){.name = "files", .path = "/p/archive_fs.so",
                                            .desc = &desc_archive_quiet, .initialised = true};
    instances[3] = (struct plugin_instance){.name = "db", .path = "/p/archive_sqlite.so",
                                            .desc = &desc_archive, .required = true, .initialised = true};
    *s = (struct status_snapshot){
        .counters = {.received = 500, .archived = 497, .duplicates = 2, .replayed = 5, .failed = 1, .reprocessed = 7,
                     .reloads_taken = 3, .reloads_refused = 1},
        .state = DAEMON_RELOADING,
        .pid = 4711,
        .started_ms = 1795878704751,
        .now_ms = 1795878704751 + 3605 * 1000 + 999,
        .in_flight = 9,
        .queue_depth = 4,
        .reprocess_pending = 12,
        .queries_running = 2,
        .window_s = 60,
        .finished_in_window = 30,
        .plugin_failures = 3,
        .commit_retries = 2,
        .config_path = "/etc/newsd/newsd.ini",
        .state_dir = "/var/lib/newsd",
        .control_socket = "/run/newsd/control.sock",
        .metrics_listen = NULL,
        .plugins = &fake_set,
    };
}

/* Articles per action: counted by name as they come, "" as none. */
static void test_action_counts(void **unused)
{
    (void)unused;
    action_counts_add("alert");
    action_counts_add("archive");
    action_counts_add("alert");
    action_counts_add("");
    json_t *o = action_counts_json();
    char *got = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_string_equal(got, "{\"alert\":2,\"archive\":1,\"none\":1}");
    free(got);
    json_decref(o);
    struct strbuf sb = {0};
    action_counts_write_prom(&sb);
    char *text = sb_take(&sb);
    assert_non_null(strstr(text, "newsd_articles_by_action_total{action=\"alert\"} 2\n"));
    assert_non_null(strstr(text, "newsd_articles_by_action_total{action=\"none\"} 1\n"));
    free(text);
}

static void test_status_metrics_text(void **unused)
{
    struct status_snapshot s;
    (void)unused;

    snapshot_fixture(&s);
    char *text = status_render_metrics(&s);
    static const char head[] =
        "# HELP newsd_articles_received_total Articles claimed from the inbox (and resumed from work/).\n"
        "# TYPE newsd_articles_received_total counter\n"
        "newsd_articles_received_total 500\n"
        "# HELP newsd_articles_archived_total Articles archived.\n"
        "# TYPE newsd_articles_archived_total counter\n"
        "newsd_articles_archived_total 497\n"
        "# HELP newsd_articles_duplicates_total Articles whose bytes were already archived.\n"
        "# TYPE newsd_articles_duplicates_total counter\n"
        "newsd_articles_duplicates_total 2\n"
        "# HELP newsd_articles_replayed_total Articles resumed from work/ at start that were archived "
        "before the restart.\n"
        "# TYPE newsd_articles_replayed_total counter\n"
        "newsd_articles_replayed_total 5\n"
        "# HELP newsd_articles_failed_total Articles moved to failed/.\n"
        "# TYPE newsd_articles_failed_total counter\n"
        "newsd_articles_failed_total 1\n"
        "# HELP newsd_articles_reprocessed_total Archived articles run through the plugins again.\n"
        "# TYPE newsd_articles_reprocessed_total counter\n"
        "newsd_articles_reprocessed_total 7\n"
        "# HELP newsd_reloads_total Configuration reloads, by outcome.\n"
        "# TYPE newsd_reloads_total counter\n"
        "newsd_reloads_total{result=\"taken\"} 3\n"
        "newsd_reloads_total{result=\"refused\"} 1\n"
        "# HELP newsd_articles_in_flight Articles claimed and not yet archived or failed.\n"
        "# TYPE newsd_articles_in_flight gauge\n"
        "newsd_articles_in_flight 9\n"
        "# HELP newsd_queue_depth Articles waiting for a worker thread.\n"
        "# TYPE newsd_queue_depth gauge\n"
        "newsd_queue_depth 4\n"
        "# HELP newsd_reprocess_pending Articles waiting in work/ to be reprocessed.\n"
        "# TYPE newsd_reprocess_pending gauge\n"
        "newsd_reprocess_pending 12\n"
        "# HELP newsd_throughput_articles_per_second Articles finished (archived, duplicate or failed) "
        "per second over the last minute.\n"
        "# TYPE newsd_throughput_articles_per_second gauge\n"
        "newsd_throughput_articles_per_second 0.5\n"
        "# HELP newsd_plugins_loaded Plugin instances in the running configuration.\n"
        "# TYPE newsd_plugins_loaded gauge\n"
        "newsd_plugins_loaded 4\n"
        "# HELP newsd_health_problems Current problems reported by /health (0: healthy).\n"
        "# TYPE newsd_health_problems gauge\n"
        "newsd_health_problems 0\n"
        "# HELP newsd_start_time_seconds Start time of the daemon, seconds since the epoch.\n"
        "# TYPE newsd_start_time_seconds gauge\n"
        "newsd_start_time_seconds 1795878704\n"
        "# HELP newsd_processing_seconds ";
    assert_memory_equal(text, head, sizeof head - 1);
    assert_non_null(strstr(text, "# TYPE newsd_plugin_seconds histogram\n"));
    assert_non_null(strstr(text, "# TYPE newsd_articles_by_action_total counter\n"));
    assert_int_equal(text[strlen(text) - 1], '\n');
    free(text);
}

static json_t *status_of(const struct status_snapshot *s)
{
    char *text = status_render_json(s);
    assert_null(strchr(text, '\n'));
    json_error_t e;
    json_t *o = json_loads(text, 0, &e);
    free(text);
    assert_non_null(o);
    return o;
}

static const char *jget_s(json_t *o, const char *path)
{
    json_t *v = json_object_get(o, path);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static json_int_t jget_i(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static void test_status_json(void **unused)
{
    struct status_snapshot s;
    (void)unused;

    snapshot_fixture(&s);
    json_t *o = status_of(&s);
    assert_true(*jget_s(o, "version"));   /* NEWSD_VERSION of the core */
    assert_int_equal(jget_i(o, "pid"), 4711);
    assert_string_equal(jget_s(o, "state"), "reloading");
    assert_int_equal(jget_i(o, "uptime_s"), 3605);
    assert_int_equal(jget_i(o, "started_ms"), 1795878704751);
    assert_string_equal(jget_s(o, "config"), "/etc/newsd/newsd.ini");
    assert_string_equal(jget_s(o, "state_dir"), "/var/lib/newsd");
    assert_string_equal(jget_s(o, "control_socket"), "/run/newsd/control.sock");
    assert_true(json_is_null(json_object_get(o, "metrics_listen")));

    json_t *c = json_object_get(o, "counters");
    assert_int_equal(json_object_size(c), 13);
    assert_int_equal(jget_i(c, "plugin_failures"), 3);
    assert_int_equal(jget_i(c, "commit_retries"), 2);
    assert_int_equal(jget_i(c, "received"), 500);
    assert_int_equal(jget_i(c, "archived"), 497);
    assert_int_equal(jget_i(c, "duplicates"), 2);
    assert_int_equal(jget_i(c, "replayed"), 5);
    assert_int_equal(jget_i(c, "failed"), 1);
    assert_int_equal(jget_i(c, "reprocessed"), 7);
    assert_int_equal(jget_i(c, "in_flight"), 9);
    assert_int_equal(jget_i(c, "queue_depth"), 4);
    assert_int_equal(jget_i(c, "reprocess_pending"), 12);
    assert_int_equal(jget_i(c, "queries_running"), 2);
    assert_int_equal(jget_i(c, "reloads"), 3);

    json_t *t = json_object_get(o, "throughput");
    assert_int_equal(jget_i(t, "window_s"), 60);
    assert_int_equal(jget_i(t, "finished"), 30);
    assert_true(json_real_value(json_object_get(t, "per_s")) == 0.5);

    /* Plugins in order; stages named and ordered by the stage table; the
     * ABI each was built against. */
    json_t *p = json_object_get(o, "plugins");
    assert_int_equal(json_array_size(p), 4);
    json_t *p0 = json_array_get(p, 0), *p1 = json_array_get(p, 1), *p3 = json_array_get(p, 3);
    assert_string_equal(jget_s(p0, "name"), "orgs");
    assert_string_equal(jget_s(p0, "kind"), "c");
    assert_string_equal(jget_s(p0, "plugin"), "keyword_tagger");
    assert_string_equal(jget_s(p0, "file"), "/p/keyword_tagger.so");
    json_t *st = json_object_get(p0, "stages");
    assert_int_equal(json_array_size(st), 2);
    assert_string_equal(json_string_value(json_array_get(st, 0)), "parse");
    assert_string_equal(json_string_value(json_array_get(st, 1)), "tag");
    assert_true(json_is_false(json_object_get(p0, "required")));
    assert_true(json_is_false(json_object_get(p0, "queries")));
    assert_string_equal(jget_s(p0, "abi"), "1.0");
    assert_string_equal(jget_s(p1, "kind"), "lua");
    char abi[16];
    snprintf(abi, sizeof abi, "%d.%d", NEWSD_ABI_MAJOR, NEWSD_ABI_MINOR);
    assert_string_equal(jget_s(p1, "abi"), abi);
    assert_string_equal(json_string_value(json_array_get(json_object_get(p1, "stages"), 0)), "score");
    assert_true(json_is_true(json_object_get(p3, "required")));
    assert_true(json_is_true(json_object_get(p3, "queries")));
    assert_string_equal(jget_s(p3, "abi"), "1.3");

    /* Both archives are backends; the first that answers queries is named. */
    json_t *a = json_object_get(o, "archive");
    json_t *b = json_object_get(a, "backends");
    assert_int_equal(json_array_size(b), 2);
    assert_string_equal(jget_s(json_array_get(b, 0), "name"), "files");
    assert_true(json_is_false(json_object_get(json_array_get(b, 0), "queries")));
    assert_string_equal(jget_s(json_array_get(b, 1), "plugin"), "archive_sqlite");
    assert_string_equal(jget_s(a, "queries"), "db");
    json_decref(o);

    /* No archive that answers: null. */
    instances[3].desc = &desc_archive_quiet;
    o = status_of(&s);
    assert_true(json_is_null(json_object_get(json_object_get(o, "archive"), "queries")));
    json_decref(o);
}

static void test_status_key_order(void **unused)
{
    struct status_snapshot s;
    (void)unused;

    /* The order of the keys is part of the output (docs/api.md). */
    snapshot_fixture(&s);
    char *text = status_render_json(&s);
    assert_memory_equal(text, "{\"version\":", 11);
    const char *keys[] = {"\"pid\"", "\"state\"", "\"uptime_s\"", "\"started_ms\"", "\"config\"",
                          "\"state_dir\"", "\"control_socket\"", "\"metrics_listen\"", "\"plugins\"",
                          "\"counters\"", "\"throughput\"", "\"archive\"", "\"health\""};
    const char *at = text;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *k = strstr(at, keys[i]);
        assert_non_null(k);
        at = k;
    }
    assert_non_null(strstr(text, "\"health\":{\"status\":\"ok\",\"problems\":[]}"));
    assert_non_null(strstr(text, "{\"name\":\"orgs\",\"kind\":\"c\",\"plugin\":\"keyword_tagger\","
                                 "\"file\":\"/p/keyword_tagger.so\",\"stages\":[\"parse\",\"tag\"],"
                                 "\"required\":false,\"queries\":false,\"abi\":\"1.0\"}"));
    free(text);
}

static void test_daemon_state_names(void **unused)
{
    (void)unused;
    assert_string_equal(daemon_state_name(DAEMON_RUNNING), "running");
    assert_string_equal(daemon_state_name(DAEMON_RELOADING), "reloading");
    assert_string_equal(daemon_state_name(DAEMON_STOPPING), "stopping");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_histogram_buckets),
        cmocka_unit_test(test_histogram_labels),
        cmocka_unit_test(test_values_and_headers),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_plugin_series),
        cmocka_unit_test(test_rate_window),
        cmocka_unit_test(test_strbuf_grows),
        cmocka_unit_test(test_status_metrics_text),
        cmocka_unit_test(test_action_counts),
        cmocka_unit_test(test_status_json),
        cmocka_unit_test(test_status_key_order),
        cmocka_unit_test(test_daemon_state_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
