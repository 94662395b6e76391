/* Unit tests for daemon/metrics.c: histograms, the last-minute rate, and
 * the Prometheus text they are written in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
