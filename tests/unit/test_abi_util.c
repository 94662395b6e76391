/* Unit tests: the shared helpers of the plugin ABI 1.1 (UTF-8, ids, lists,
 * and the int, size, double and state-path config getters), each with the
 * inputs a plugin's private copy used to get wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log_capture.h"
#include "plugin_config.h"

/* ---- a config section and the log lines it produces --------------------- */

/* A [plugin.test] section holding key = value (value NULL: no keys). */
struct one_key {
    struct config_kv kv;
    struct plugin_section section;
    struct newsd_config conf;
};

static const newsd_config *conf_with(struct one_key *k, const char *key, const char *value)
{
    k->kv = (struct config_kv){.key = (char *)key, .value = (char *)value, .origin_dir = "/etc/newsd"};
    k->section = (struct plugin_section){.name = "test", .kv = &k->kv, .n_kv = value ? 1 : 0};
    k->conf = (struct newsd_config){.section = &k->section, .state_dir = "/var/lib/newsd"};
    return &k->conf;
}

/* ---- newsd_utf8_valid --------------------------------------------------- */

static int utf8(const char *s)
{
    return newsd_utf8_valid(s, strlen(s));
}

static void test_utf8_valid(void **state)
{
    (void)state;
    assert_true(utf8(""));
    assert_true(utf8("plain ASCII"));
    assert_true(utf8("Stra\xC3\x9F" "e"));              /* ß: 2 bytes */
    assert_true(utf8("\xE2\x82\xAC"));                   /* €: 3 bytes */
    assert_true(utf8("\xF0\x9F\x98\x80"));               /* U+1F600: 4 bytes */
    assert_true(utf8("\xF4\x8F\xBF\xBF"));               /* U+10FFFF, the last */
    assert_true(utf8("\xED\x9F\xBF"));                   /* U+D7FF, below the surrogates */
    assert_true(utf8("\xEE\x80\x80"));                   /* U+E000, above them */
    /* NUL is a character like any other: the length says where s ends. */
    assert_true(newsd_utf8_valid("a\0b", 3));
    assert_true(newsd_utf8_valid(NULL, 0));
    assert_false(newsd_utf8_valid(NULL, 1));
}

static void test_utf8_broken(void **state)
{
    (void)state;
    /* overlong forms of '/' and of U+0800 */
    assert_false(utf8("\xC0\xAF"));
    assert_false(utf8("\xC1\xBF"));
    assert_false(utf8("\xE0\x80\xAF"));
    assert_false(utf8("\xE0\x9F\xBF"));
    assert_false(utf8("\xF0\x80\x80\xAF"));
    assert_false(utf8("\xF0\x8F\xBF\xBF"));
    /* surrogates, alone and as a CESU-8 pair */
    assert_false(utf8("\xED\xA0\x80"));
    assert_false(utf8("\xED\xBF\xBF"));
    assert_false(utf8("\xED\xA0\xBD\xED\xB8\x80"));
    /* past U+10FFFF, and lead bytes that never occur */
    assert_false(utf8("\xF4\x90\x80\x80"));
    assert_false(utf8("\xF5\x80\x80\x80"));
    assert_false(utf8("\xF8\x88\x80\x80\x80"));
    assert_false(utf8("\xFF"));
    /* truncated sequences, at the end and before ASCII */
    assert_false(utf8("\xC3"));
    assert_false(utf8("\xE2\x82"));
    assert_false(utf8("\xF0\x9F\x98"));
    assert_false(utf8("\xE2\x82" "a"));
    assert_false(newsd_utf8_valid("Stra\xC3\x9F" "e", 5)); /* len cuts ß in half */
    /* a continuation byte without a lead, and Latin-1 text */
    assert_false(utf8("\x80"));
    assert_false(utf8("a\xBF" "b"));
    assert_false(utf8("Stra\xDF" "e"));
}

/* ---- newsd_id_valid ----------------------------------------------------- */

static void test_id_valid(void **state)
{
    (void)state;
    assert_int_equal(NEWSD_ID_LEN, 32);
    assert_true(newsd_id_valid("0123456789abcdef0123456789abcdef"));
    assert_true(newsd_id_valid("ffffffffffffffffffffffffffffffff"));
    assert_false(newsd_id_valid(NULL));
    assert_false(newsd_id_valid(""));
    assert_false(newsd_id_valid("0123456789abcdef0123456789abcde"));    /* 31 */
    assert_false(newsd_id_valid("0123456789abcdef0123456789abcdef0"));  /* 33 */
    assert_false(newsd_id_valid("0123456789abcdef0123456789abcdef"
                                "0123456789abcdef0123456789abcdef"));    /* a whole SHA-256 */
    assert_false(newsd_id_valid("0123456789ABCDEF0123456789abcdef"));   /* upper case */
    assert_false(newsd_id_valid("0123456789abcdeg0123456789abcdef"));   /* g */
    assert_false(newsd_id_valid("0123456789abcdef0123456789abcde "));   /* blank */
    assert_false(newsd_id_valid("0123456789abcdef0123456789abcdef\n")); /* line end */
    assert_false(newsd_id_valid("../../../../etc/passwd/0123456789ab"));
}

/* ---- newsd_list_split --------------------------------------------------- */

static void assert_list(const char *list, const char *const *want)
{
    size_t n = 99, n_want = 0;
    while (want[n_want])
        n_want++;
    char **items = newsd_list_split(list, &n);
    assert_non_null(items);
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n_want; i++)
        assert_string_equal(items[i], want[i]);
    assert_null(items[n_want]);
    newsd_list_free(items);
}

static void test_list_split(void **state)
{
    (void)state;
    assert_list("Huawei, Nvidia ,,Baidu", (const char *const[]){"Huawei", "Nvidia", "Baidu", NULL});
    assert_list("one", (const char *const[]){"one", NULL});
    /* blanks inside an item stay; around it they go */
    assert_list("\tShanghai Biren \r, Moore  Threads",
                (const char *const[]){"Shanghai Biren", "Moore  Threads", NULL});
    /* continued lines arrive joined with '\n', which separates too */
    assert_list("a, b,\nc\n  d", (const char *const[]){"a", "b", "c", "d", NULL});
    /* empty items, leading and trailing commas */
    assert_list(",a,,b,", (const char *const[]){"a", "b", NULL});
    assert_list(" , ,\t,\n ", (const char *const[]){NULL});
    assert_list("", (const char *const[]){NULL});
    assert_list(NULL, (const char *const[]){NULL});
    /* not UTF-8: split all the same, checking is the caller's */
    assert_list("\xFF,\xC3", (const char *const[]){"\xFF", "\xC3", NULL});
    /* n may be NULL */
    char **items = newsd_list_split("x,y", NULL);
    assert_non_null(items);
    assert_string_equal(items[1], "y");
    assert_null(items[2]);
    newsd_list_free(items);
    newsd_list_free(NULL);
}

/* ---- newsd_config_get_int ----------------------------------------------- */

static int get_int(const char *value, int64_t min, int64_t max, int64_t *out)
{
    struct one_key k;
    return newsd_config_get_int(conf_with(&k, "n", value), "n", -1, min, max, out);
}

static void assert_int_refused(const char *value, int64_t min, int64_t max, const char *expected)
{
    int64_t out = 12345;
    capture_start();
    int rc = get_int(value, min, max, &out);
    const char *log = capture_end();
    assert_int_equal(rc, NEWSD_ERROR);
    assert_int_equal(out, 12345);
    assert_non_null(strstr(log, "[plugin.test] n = "));
    assert_non_null(strstr(log, value));
    assert_non_null(strstr(log, expected));
}

static void test_config_get_int(void **state)
{
    (void)state;
    int64_t out = 0;
    assert_int_equal(get_int(NULL, 0, 10, &out), NEWSD_OK);
    assert_int_equal(out, -1); /* absent: def, even outside the range */
    assert_int_equal(get_int("7", 0, 10, &out), NEWSD_OK);
    assert_int_equal(out, 7);
    assert_int_equal(get_int("0", 0, 10, &out), NEWSD_OK);
    assert_int_equal(out, 0);
    assert_int_equal(get_int("10", 0, 10, &out), NEWSD_OK);
    assert_int_equal(out, 10);
    assert_int_equal(get_int("-42", -100, 100, &out), NEWSD_OK);
    assert_int_equal(out, -42);
    assert_int_equal(get_int("007", 0, 10, &out), NEWSD_OK);
    assert_int_equal(out, 7);
    assert_int_equal(get_int("-9223372036854775808", INT64_MIN, INT64_MAX, &out), NEWSD_OK);
    assert_true(out == INT64_MIN);
    assert_int_equal(get_int("9223372036854775807", INT64_MIN, INT64_MAX, &out), NEWSD_OK);
    assert_true(out == INT64_MAX);

    /* out of range */
    assert_int_refused("11", 0, 10, "expected a whole number from 0 to 10");
    assert_int_refused("-1", 0, 10, "from 0 to 10");
    assert_int_refused("1", 2, 3600, "from 2 to 3600");
    assert_int_refused("0", 1, INT64_MAX, "expected a whole number of at least 1");
    assert_int_refused("5", INT64_MIN, 4, "expected a whole number of at most 4");
    /* not a whole number, or more than one */
    assert_int_refused("", 0, 10, "expected a whole number");
    assert_int_refused("abc", 0, 10, "expected a whole number");
    assert_int_refused("12abc", 0, 100, "expected a whole number");
    assert_int_refused("12 ", 0, 100, "expected a whole number");
    assert_int_refused(" 12", 0, 100, "expected a whole number");
    assert_int_refused("+12", 0, 100, "expected a whole number");
    assert_int_refused("-", 0, 100, "expected a whole number");
    assert_int_refused("0x10", 0, 100, "expected a whole number");
    assert_int_refused("1.5", 0, 100, "expected a whole number");
    assert_int_refused("1e3", 0, 10000, "expected a whole number");
    /* overflow of int64_t */
    assert_int_refused("9223372036854775808", INT64_MIN, INT64_MAX, "expected a whole number");
    assert_int_refused("-9223372036854775809", INT64_MIN, INT64_MAX, "expected a whole number");
    assert_int_refused("99999999999999999999999", INT64_MIN, INT64_MAX, "expected a whole number");

    /* an empty range is the plugin's mistake, but init still fails */
    capture_start();
    int rc = get_int(NULL, 10, 1, &out);
    const char *log = capture_end();
    assert_int_equal(rc, NEWSD_ERROR);
    assert_non_null(strstr(log, "empty range"));
}

/* ---- newsd_config_get_size ---------------------------------------------- */

static int get_size(const char *value, uint64_t max, uint64_t *out)
{
    struct one_key k;
    return newsd_config_get_size(conf_with(&k, "size", value), "size", 77, max, out);
}

static void assert_size(const char *value, uint64_t want)
{
    uint64_t out = 0;
    assert_int_equal(get_size(value, UINT64_MAX, &out), NEWSD_OK);
    assert_true(out == want);
}

static void assert_size_refused(const char *value, uint64_t max, const char *expected)
{
    uint64_t out = 12345;
    capture_start();
    int rc = get_size(value, max, &out);
    const char *log = capture_end();
    assert_int_equal(rc, NEWSD_ERROR);
    assert_true(out == 12345);
    assert_non_null(strstr(log, "[plugin.test] size = "));
    assert_non_null(strstr(log, expected));
}

static void test_config_get_size(void **state)
{
    (void)state;
    assert_size(NULL, 77);
    assert_size("0", 0);
    assert_size("1000", 1000);
    assert_size("512k", 512u << 10);
    assert_size("512K", 512u << 10);
    assert_size("64M", (uint64_t)64 << 20);
    assert_size("64m", (uint64_t)64 << 20);
    assert_size("64MB", (uint64_t)64 << 20);
    assert_size("2G", (uint64_t)2 << 30);
    assert_size("3T", (uint64_t)3 << 40);
    assert_size("16777215T", (uint64_t)16777215 << 40);
    assert_size("18446744073709551615", UINT64_MAX);

    uint64_t out;
    assert_int_equal(get_size("16G", (uint64_t)16 << 30, &out), NEWSD_OK);
    assert_true(out == (uint64_t)16 << 30);
    assert_size_refused("17G", (uint64_t)16 << 30, "expected a size in bytes of at most 16G");
    assert_size_refused("1025", 1024, "of at most 1k");
    assert_size_refused("1001", 1000, "of at most 1000 (");
    /* not a size */
    assert_size_refused("", UINT64_MAX, "expected a size in bytes (");
    assert_size_refused("lots", UINT64_MAX, "k, M, G or T");
    assert_size_refused("5X", UINT64_MAX, "expected a size in bytes");
    assert_size_refused("5P", UINT64_MAX, "expected a size in bytes");
    assert_size_refused("1.5M", UINT64_MAX, "expected a size in bytes");
    assert_size_refused("64 M", UINT64_MAX, "expected a size in bytes");
    assert_size_refused("64MX", UINT64_MAX, "expected a size in bytes");
    assert_size_refused("M", UINT64_MAX, "expected a size in bytes");
    /* negative, also where strtoull() would read it as 2^64 - 1 */
    assert_size_refused("-1", UINT64_MAX, "expected a size in bytes");
    assert_size_refused(" -1", UINT64_MAX, "expected a size in bytes");
    assert_size_refused("+1", UINT64_MAX, "expected a size in bytes");
    /* overflow, of the number and of number times unit */
    assert_size_refused("18446744073709551616", UINT64_MAX, "expected a size in bytes");
    assert_size_refused("16777216T", UINT64_MAX, "expected a size in bytes");
    assert_size_refused("99999999999999999999G", UINT64_MAX, "expected a size in bytes");
}

/* ---- newsd_config_get_double -------------------------------------------- */

static void test_config_get_double_finite(void **state)
{
    (void)state;
    struct one_key k;
    double out = 0;
    assert_int_equal(newsd_config_get_double(conf_with(&k, "x", "2.5"), "x", 1, &out), NEWSD_OK);
    assert_true(out == 2.5);
    assert_int_equal(newsd_config_get_double(conf_with(&k, "x", NULL), "x", 1, &out), NEWSD_OK);
    assert_true(out == 1);
    static const char *const bad[] = {"inf", "-inf", "Infinity", "nan", "NAN", "1e999", "", "2.5x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        out = 7;
        capture_start();
        int rc = newsd_config_get_double(conf_with(&k, "x", bad[i]), "x", 1, &out);
        const char *log = capture_end();
        assert_int_equal(rc, NEWSD_ERROR);
        assert_true(out == 7);
        assert_non_null(strstr(log, "[plugin.test] x = "));
        assert_non_null(strstr(log, "expected a number"));
    }
}

/* ---- newsd_config_state_path -------------------------------------------- */

static void assert_state_path(const char *value, const char *def, const char *want)
{
    struct one_key k;
    char *path = newsd_config_state_path(conf_with(&k, "path", value), "path", def);
    if (!want) {
        assert_null(path);
        return;
    }
    assert_non_null(path);
    assert_string_equal(path, want);
    free(path);
}

static void test_config_state_path(void **state)
{
    (void)state;
    /* relative to the state directory, not to the INI file's folder */
    assert_state_path("db/news.db", "x", "/var/lib/newsd/db/news.db");
    assert_state_path("archive", NULL, "/var/lib/newsd/archive");
    /* absolute: as it is */
    assert_state_path("/srv/archive", "x", "/srv/archive");
    /* absent or empty: the default, itself relative or absolute */
    assert_state_path(NULL, "archive/newsd.db", "/var/lib/newsd/archive/newsd.db");
    assert_state_path("", "archive", "/var/lib/newsd/archive");
    assert_state_path(NULL, "/srv/default", "/srv/default");
    /* absent without a default */
    assert_state_path(NULL, NULL, NULL);
    assert_state_path("", NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_broken),
        cmocka_unit_test(test_id_valid),
        cmocka_unit_test(test_list_split),
        cmocka_unit_test(test_config_get_int),
        cmocka_unit_test(test_config_get_size),
        cmocka_unit_test(test_config_get_double_finite),
        cmocka_unit_test(test_config_state_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
