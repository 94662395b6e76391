/* Unit tests for the web dashboard's pure parts: HTML escaping
 * (web_html.c), listening addresses and the loopback rule (listen_addr.c,
 * web_listen_check), the token file (web_token.c), and the Failed page
 * with a hostile file name (web_pages.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "article.h"
#include "listen_addr.h"
#include "tag_trends.h"
#include "temp_dir.h"
#include "web.h"
#include "web_history.h"
#include "web_html.h"
#include "web_pages.h"
#include "web_token.h"

static char *escaped(const char *s, size_t n)
{
    struct strbuf sb = {0};
    html_text_n(&sb, s, n);
    return sb_take(&sb);
}

static void test_html_escapes_all_five(void **unused)
{
    (void)unused;
    const char *in = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>&amp;";
    char *out = escaped(in, strlen(in));
    assert_string_equal(out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img src=x "
                             "onerror=alert(1)&gt;&amp;amp;");
    free(out);
    /* UTF-8 passes as is; a NUL becomes U+FFFD rather than ending the text. */
    out = escaped("M\xc3\xbcnchen\0<", 10);
    assert_string_equal(out, "M\xc3\xbcnchen\xef\xbf\xbd&lt;");
    free(out);
    out = escaped("", 0);
    assert_string_equal(out, "");
    free(out);
}

static void test_url_value(void **unused)
{
    (void)unused;
    struct strbuf sb = {0};
    html_url_value(&sb, "a b&c=\"<\xc3\xa4>~");
    char *s = sb_take(&sb);
    assert_string_equal(s, "a%20b%26c%3D%22%3C%C3%A4%3E~");
    free(s);
}

static void test_listen_addresses(void **unused)
{
    (void)unused;
    struct sockaddr_storage ss;
    socklen_t len;
    assert_int_equal(listen_addr_parse("127.0.0.1:9108", &ss, &len), 0);
    assert_true(listen_addr_is_loopback(&ss));
    assert_int_equal(listen_addr_parse("127.8.9.10:1", &ss, &len), 0);
    assert_true(listen_addr_is_loopback(&ss));
    assert_int_equal(listen_addr_parse("[::1]:9108", &ss, &len), 0);
    assert_true(listen_addr_is_loopback(&ss));
    assert_int_equal(listen_addr_parse("[::ffff:127.0.0.1]:9108", &ss, &len), 0);
    assert_true(listen_addr_is_loopback(&ss));
    assert_int_equal(listen_addr_parse("0.0.0.0:9108", &ss, &len), 0);
    assert_false(listen_addr_is_loopback(&ss));
    assert_int_equal(listen_addr_parse("[::]:9108", &ss, &len), 0);
    assert_false(listen_addr_is_loopback(&ss));
    assert_int_equal(listen_addr_parse("192.168.1.2:80", &ss, &len), 0);
    assert_false(listen_addr_is_loopback(&ss));
    const char *bad[] = {"localhost:9108", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                         "127.0.0.1:+80", "[::1:80", ":80", "::1:80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(listen_addr_parse(bad[i], &ss, &len), -1);
}

static void test_web_listen_check(void **unused)
{
    (void)unused;
    char *err = NULL;
    assert_int_equal(web_listen_check("127.0.0.1:9108", false, &err), 0);
    assert_int_equal(web_listen_check("0.0.0.0:9108", false, &err), -1);
    assert_non_null(strstr(err, "web_behind_proxy"));
    free(err);
    err = NULL;
    assert_int_equal(web_listen_check("0.0.0.0:9108", true, &err), 0);
    assert_int_equal(web_listen_check("example.org:9108", true, &err), -1);
    assert_non_null(strstr(err, "numeric"));
    free(err);
}

static void test_token_matches(void **unused)
{
    (void)unused;
    char a[WEB_TOKEN_HEX + 1], b[WEB_TOKEN_HEX + 1];
    assert_int_equal(web_token_random(a), 0);
    assert_int_equal(web_token_random(b), 0);
    assert_int_equal(strlen(a), WEB_TOKEN_HEX);
    assert_string_not_equal(a, b);
    assert_true(web_token_matches(a, a));
    assert_false(web_token_matches(a, b));
    assert_false(web_token_matches(a, NULL));
    assert_false(web_token_matches(a, ""));
    char longer[WEB_TOKEN_HEX + 2];
    snprintf(longer, sizeof longer, "%s0", a);
    assert_false(web_token_matches(a, longer));
    longer[WEB_TOKEN_HEX - 1] = '\0';
    assert_false(web_token_matches(a, longer));
}

static void test_token_file(void **unused)
{
    (void)unused;
    char dir[TEMP_DIR_MAX], path[256], first[WEB_TOKEN_HEX + 1], again[WEB_TOKEN_HEX + 1];
    char *err = NULL;
    struct stat st;
    temp_dir_make(dir, "web");
    snprintf(path, sizeof path, "%s/" WEB_TOKEN_FILE, dir);

    assert_int_equal(web_token_load(dir, first, &err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(web_token_load(dir, again, &err), 0);
    assert_string_equal(first, again);

    /* Readable by others: made 0600 again, same token. */
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(web_token_load(dir, again, &err), 0);
    assert_string_equal(first, again);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* Not a token: refused with the file's name, not replaced. */
    temp_dir_write(dir, WEB_TOKEN_FILE, "secret\n");
    assert_int_equal(web_token_load(dir, again, &err), -1);
    assert_non_null(strstr(err, path));
    free(err);
    err = NULL;

    /* A missing state folder: an error naming it. */
    char gone[300];
    snprintf(gone, sizeof gone, "%s/nope", dir);
    assert_int_equal(web_token_load(gone, again, &err), -1);
    assert_non_null(strstr(err, gone));
    free(err);
    assert_int_equal(temp_dir_remove(dir), 0);
}

static void test_failed_page_escapes(void **unused)
{
    (void)unused;
    char dir[TEMP_DIR_MAX], failed[128];
    temp_dir_make(dir, "webf");
    snprintf(failed, sizeof failed, "%s/failed", dir);
    assert_int_equal(mkdir(failed, 0700), 0);
    temp_dir_write(failed, "a<img src=x onerror=alert(1)>.txt", "");
    temp_dir_write(failed, "a<img src=x onerror=alert(1)>.txt.reason", "cause: <b>bold</b> & \"quoted\"\n");
    temp_dir_write(failed, "plain.txt", "x");

    char *page = web_page_failed(dir, "c5rf\"><x", "<note>");
    assert_null(strstr(page, "<img"));
    assert_null(strstr(page, "<b>"));
    assert_null(strstr(page, "<note>"));
    assert_null(strstr(page, "c5rf\""));
    assert_non_null(strstr(page, "a&lt;img src=x onerror=alert(1)&gt;.txt"));
    assert_non_null(strstr(page, "cause: &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"));
    assert_non_null(strstr(page, "2 files in"));
    assert_non_null(strstr(page, "no .reason file"));   /* plain.txt has none */
    assert_null(strstr(page, ".reason</td>"));            /* sidecars are not listed as files */
    free(page);

    page = web_page_error("Not <found>", "x'y");
    assert_non_null(strstr(page, "Not &lt;found&gt;"));
    assert_non_null(strstr(page, "x&#39;y"));
    free(page);
    assert_int_equal(temp_dir_remove(dir), 0);
}

static void test_history(void **unused)
{
    (void)unused;
    static struct web_history h;   /* large: not on the stack */
    uint64_t c[HIST_SERIES] = {10, 8, 1, 1};
    const int64_t t0 = 1700000000000LL - 1700000000000LL % 60000;
    web_history_note(&h, t0, c);             /* the counters at start are not this minute's */
    c[HIST_RECEIVED] = 13;
    c[HIST_ARCHIVED] = 10;
    web_history_note(&h, t0 + 30000, c);
    c[HIST_RECEIVED] = 20;
    web_history_note(&h, t0 + 65000, c);     /* the next minute: 7 more arrive in it up to now */
    int64_t m0 = t0 / 60000;
    assert_int_equal(h.per_minute[m0 % HISTORY_MINUTES][HIST_RECEIVED], 3);
    assert_int_equal(h.per_minute[m0 % HISTORY_MINUTES][HIST_ARCHIVED], 2);
    assert_int_equal(h.per_minute[m0 % HISTORY_MINUTES][HIST_FAILED], 0);
    /* Three idle minutes later: the minutes between are zero, the old one kept. */
    c[HIST_RECEIVED] = 21;
    web_history_note(&h, t0 + 4 * 60000 + 1000, c);
    assert_int_equal(h.per_minute[(m0 + 1) % HISTORY_MINUTES][HIST_RECEIVED], 7);
    assert_int_equal(h.per_minute[(m0 + 2) % HISTORY_MINUTES][HIST_RECEIVED], 0);
    assert_int_equal(h.per_minute[(m0 + 4) % HISTORY_MINUTES][HIST_RECEIVED], 1);
    assert_int_equal(h.per_minute[m0 % HISTORY_MINUTES][HIST_RECEIVED], 3);

    struct strbuf sb = {0};
    web_history_svg(&h, &sb);
    char *svg = sb_take(&sb);
    assert_non_null(strstr(svg, "data-points=\"3\""));
    assert_non_null(strstr(svg, "data-max=\"7\""));
    assert_non_null(strstr(svg, "<td>11</td>"));   /* received in 24 h: 3 + 7 + 1 */
    free(svg);

    /* A day later everything has scrolled out. */
    web_history_note(&h, t0 + 2LL * 24 * 3600 * 1000, c);
    sb = (struct strbuf){0};
    web_history_svg(&h, &sb);
    svg = sb_take(&sb);
    assert_non_null(strstr(svg, "data-points=\"0\""));
    free(svg);
}

/* p50/p99 of the overview's plugin table (metrics.c). */
static void test_histogram_quantile(void **unused)
{
    (void)unused;
    static struct histogram h;
    assert_true(histogram_quantile(&h, 0.5) < 0);
    for (int i = 0; i < 100; i++)   /* 100 calls of 3 ms: the (2.5 ms, 5 ms] bucket */
        histogram_observe(&h, 3000000);
    double p50 = histogram_quantile(&h, 0.5);
    assert_true(p50 > 0.0025 && p50 <= 0.005);
    assert_true(histogram_quantile(&h, 0.99) <= 0.005);
    histogram_observe(&h, 60ull * 1000000000);   /* one minute: +Inf */
    histogram_observe(&h, 60ull * 1000000000);
    assert_true(histogram_quantile(&h, 0.99) == 10.0);
    assert_true(histogram_quantile(&h, 0.5) <= 0.005);
}

static void tag(struct newsd_article *a, const char *name)
{
    assert_int_equal(newsd_article_tag(a, name, 1.0), NEWSD_OK);
}

/* The Trends page's counts: entity:/topic: only, per hour, 7 days. */
static void test_tag_trends(void **unused)
{
    (void)unused;
    const int64_t hour = 3600000, t0 = 1700000000000LL;
    struct trend_row rows[4];
    tag_trends_reset();
    struct newsd_article *a = article_new("a.txt", t0);
    tag(a, "entity:org/Huawei");
    tag(a, "topic:ai-chips");
    tag(a, "lang:de");
    struct newsd_article *b = article_new("b.txt", t0);
    tag(b, "entity:org/Nvidia");
    tag(b, "entity:org/Huawei");
    tag_trends_add(a, t0);
    tag_trends_add(b, t0);
    tag_trends_add(b, t0 + 2 * hour);

    size_t n = tag_trends_top("entity:", 24, t0 + 2 * hour, rows, 4);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].name, "entity:org/Huawei");
    assert_int_equal(rows[0].total, 3);
    assert_int_equal(rows[0].per_hour[23], 1);   /* this hour */
    assert_int_equal(rows[0].per_hour[21], 2);   /* two hours ago */
    assert_string_equal(rows[1].name, "entity:org/Nvidia");
    assert_int_equal(rows[1].total, 2);
    assert_int_equal(tag_trends_top("topic:", 24, t0 + 2 * hour, rows, 4), 1);
    assert_int_equal(tag_trends_top("lang:", 24, t0 + 2 * hour, rows, 4), 0);
    assert_int_equal(tag_trends_names(NULL), 3);
    /* The last hour alone; max 1 keeps the best. */
    assert_int_equal(tag_trends_top("entity:", 1, t0 + 2 * hour, rows, 1), 1);
    assert_int_equal(rows[0].total, 1);
    /* A day later the 24 h window is empty, the 7 days still count all. */
    assert_int_equal(tag_trends_top("entity:", 24, t0 + 27 * hour, rows, 4), 0);
    assert_int_equal(tag_trends_top("entity:", TRENDS_HOURS, t0 + 27 * hour, rows, 4), 2);
    assert_int_equal(rows[0].total, 3);
    /* Eight days later: gone, the hours that passed start at zero. */
    tag_trends_add(a, t0 + 8 * 24 * hour);
    assert_int_equal(tag_trends_top("entity:", TRENDS_HOURS, t0 + 8 * 24 * hour, rows, 4), 1);
    assert_int_equal(rows[0].total, 1);

    char *page = web_page_trends(t0 + 8 * 24 * hour);
    assert_non_null(strstr(page, "href=\"/search?tag=entity%3Aorg%2FHuawei\">org/Huawei</a>"));
    assert_non_null(strstr(page, "<svg class=\"spark\""));
    free(page);
    article_free(a);
    article_free(b);
    tag_trends_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_escapes_all_five),
        cmocka_unit_test(test_url_value),
        cmocka_unit_test(test_listen_addresses),
        cmocka_unit_test(test_web_listen_check),
        cmocka_unit_test(test_token_matches),
        cmocka_unit_test(test_token_file),
        cmocka_unit_test(test_failed_page_escapes),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_histogram_quantile),
        cmocka_unit_test(test_tag_trends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
