/* Unit tests for STATE_DIR/trends.dat (trends_file.c): the dashboard's
 * per-minute history and tag trends written and read back, a restart in
 * the same minute, and files that are ignored (cut off, corrupt, of
 * another version, breaking a bound) without taking anything from them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "article.h"
#include "tag_trends.h"
#include "temp_dir.h"
#include "trends_file.h"
#include "web_history.h"

#define HOUR 3600000LL
#define MINUTE 60000LL
/* A whole hour, so minutes and hours line up in the tests' arithmetic. */
#define T0 (1700000000000LL - 1700000000000LL % HOUR)

static char dir[TEMP_DIR_MAX];
static char path[128];
/* Large: not on the stack. */
static struct web_history saved, loaded;

static int setup(void **state)
{
    (void)state;
    temp_dir_make(dir, "trends");
    snprintf(path, sizeof path, "%s/%s", dir, TRENDS_FILE_NAME);
    memset(&saved, 0, sizeof saved);
    memset(&loaded, 0, sizeof loaded);
    tag_trends_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tag_trends_reset();
    return temp_dir_remove(dir);
}

static void tagged(int64_t now_ms, const char *t1, const char *t2)
{
    struct newsd_article *a = article_new("a.txt", now_ms);
    assert_int_equal(newsd_article_tag(a, t1, 1.0), NEWSD_OK);
    if (t2)
        assert_int_equal(newsd_article_tag(a, t2, 1.0), NEWSD_OK);
    tag_trends_add(a, now_ms);
    article_free(a);
}

/* Some minutes of counters and some tags over two days. */
static void count_some(void)
{
    uint64_t c[HIST_SERIES] = {0, 0, 0, 0};
    web_history_note(&saved, T0, c);
    c[HIST_RECEIVED] = 5, c[HIST_ARCHIVED] = 4, c[HIST_FAILED] = 1;
    web_history_note(&saved, T0 + 30000, c);
    c[HIST_RECEIVED] = 7, c[HIST_DUPLICATES] = 2;
    web_history_note(&saved, T0 + 3 * MINUTE + 5000, c);
    tagged(T0 - 30 * HOUR, "entity:org/Huawei", "topic:ai-chips");
    tagged(T0, "entity:org/Huawei", "entity:org/\"Quote\" \\ Ünïcødé\nline");
    tagged(T0 + 3 * MINUTE, "entity:org/Huawei", "lang:de");   /* lang: is not followed */
}

static size_t top(const char *prefix, unsigned hours, int64_t now_ms, struct trend_row *rows, size_t max)
{
    return tag_trends_top(prefix, hours, now_ms, rows, max);
}

static void test_round_trip(void **state)
{
    (void)state;
    count_some();
    char *err = NULL;
    assert_int_equal(trends_file_save(path, &saved, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_equal(access(tmp, F_OK), -1);   /* renamed, not left behind */

    /* A restart: an empty dashboard, empty trends. */
    tag_trends_reset();
    int64_t now = T0 + 10 * MINUTE;
    assert_int_equal(trends_file_load(path, &loaded, now, &err), 1);
    assert_null(err);
    assert_true(loaded.started && loaded.resumed);
    assert_int_equal(loaded.first_minute, saved.first_minute);
    assert_int_equal(loaded.minute, saved.minute);
    assert_memory_equal(loaded.per_minute, saved.per_minute, sizeof saved.per_minute);

    struct trend_row rows[4];
    assert_int_equal(top("entity:", 24, now, rows, 4), 2);
    assert_string_equal(rows[0].name, "entity:org/Huawei");
    assert_int_equal(rows[0].total, 2);
    assert_string_equal(rows[1].name, "entity:org/\"Quote\" \\ Ünïcødé\nline");
    assert_int_equal(top("entity:", TRENDS_HOURS, now, rows, 4), 2);
    assert_int_equal(rows[0].total, 3);
    assert_int_equal(rows[0].per_hour[TRENDS_HOURS - 1 - 30], 1);   /* 30 hours ago */
    assert_int_equal(top("topic:", TRENDS_HOURS, now, rows, 4), 1);
    assert_int_equal(tag_trends_names(NULL), 3);

    /* This run's counters start at zero: the minutes go on from the file's. */
    uint64_t c[HIST_SERIES] = {0, 0, 0, 0};
    web_history_note(&loaded, now, c);
    c[HIST_RECEIVED] = 2;
    web_history_note(&loaded, now + 5000, c);
    int64_t m0 = T0 / MINUTE;
    assert_int_equal(loaded.per_minute[m0 % HISTORY_MINUTES][HIST_RECEIVED], 5);
    assert_int_equal(loaded.per_minute[(m0 + 3) % HISTORY_MINUTES][HIST_RECEIVED], 2);
    assert_int_equal(loaded.per_minute[(m0 + 3) % HISTORY_MINUTES][HIST_DUPLICATES], 2);
    assert_int_equal(loaded.per_minute[(m0 + 10) % HISTORY_MINUTES][HIST_RECEIVED], 2);
    assert_int_equal(loaded.first_minute, m0);
}

/* Stopped and started within one minute: the minute keeps what the last
 * run counted in it, and adds this run's. */
static void test_restart_same_minute(void **state)
{
    (void)state;
    uint64_t c[HIST_SERIES] = {0, 0, 0, 0};
    web_history_note(&saved, T0, c);
    c[HIST_RECEIVED] = 4;
    web_history_note(&saved, T0 + 10000, c);
    char *err = NULL;
    assert_int_equal(trends_file_save(path, &saved, &err), 0);
    assert_int_equal(trends_file_load(path, &loaded, T0 + 20000, &err), 1);
    uint64_t z[HIST_SERIES] = {0, 0, 0, 0};
    web_history_note(&loaded, T0 + 20000, z);
    z[HIST_RECEIVED] = 3;
    web_history_note(&loaded, T0 + 30000, z);
    assert_int_equal(loaded.per_minute[(T0 / MINUTE) % HISTORY_MINUTES][HIST_RECEIVED], 7);
}

/* What the windows no longer show is not taken; a file from the future
 * (the clock went back) gives no history. */
static void test_old_and_future(void **state)
{
    (void)state;
    count_some();
    char *err = NULL;
    assert_int_equal(trends_file_save(path, &saved, &err), 0);
    tag_trends_reset();
    assert_int_equal(trends_file_load(path, &loaded, T0 + 2 * 24 * HOUR, &err), 1);
    assert_false(loaded.started);             /* the minutes are older than 24 h */
    struct trend_row rows[4];
    assert_int_equal(top("entity:", TRENDS_HOURS, T0 + 2 * 24 * HOUR, rows, 4), 2);
    assert_int_equal(rows[0].total, 3);
    tag_trends_reset();
    memset(&loaded, 0, sizeof loaded);
    assert_int_equal(trends_file_load(path, &loaded, T0 - 2 * HOUR, &err), 1);
    assert_false(loaded.started);
    assert_int_equal(top("entity:", TRENDS_HOURS, T0 - 2 * HOUR, rows, 4), 1);   /* the hour 30 h before T0 */
    assert_int_equal(rows[0].total, 1);
}

static void test_missing_file(void **state)
{
    (void)state;
    char *err = NULL;
    assert_int_equal(trends_file_load(path, &loaded, T0, &err), 0);
    assert_null(err);
    assert_false(loaded.started);
}

/* A file of len bytes that is ignored: -1, a reason naming the file,
 * nothing taken. */
static void ignored_bytes(const char *text, size_t len, const char *why)
{
    char *err = NULL;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    memset(&loaded, 0, sizeof loaded);
    tag_trends_reset();
    assert_int_equal(trends_file_load(path, &loaded, T0 + 10 * MINUTE, &err), -1);
    assert_non_null(err);
    if (!strstr(err, path) || !strstr(err, why))
        fail_msg("reason \"%s\" does not name %s and say \"%s\"", err, path, why);
    free(err);
    assert_false(loaded.started);
    assert_int_equal(tag_trends_names(NULL), 0);
}

static void ignored(const char *text, const char *why)
{
    ignored_bytes(text, strlen(text), why);
}

static void test_corrupt_files(void **state)
{
    (void)state;
    count_some();
    char *err = NULL;
    assert_int_equal(trends_file_save(path, &saved, &err), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char good[65536];
    size_t len = fread(good, 1, sizeof good - 1, f);
    fclose(f);
    good[len] = '\0';
    assert_non_null(strstr(good, "\nend "));

    /* cut off before its end record, or within it */
    static char cut[65536 + 64];
    snprintf(cut, sizeof cut, "%.*s", (int)(strstr(good, "\nend ") - good + 1), good);
    ignored(cut, "cut off");
    snprintf(cut, sizeof cut, "%.*s", (int)len - 1, good);
    ignored(cut, "cut off");
    /* every record good but the count at the end: nothing of it is taken */
    snprintf(cut, sizeof cut, "%.*send 999\n", (int)(strstr(good, "\nend ") - good + 1), good);
    ignored(cut, "does not count the records");
    snprintf(cut, sizeof cut, "%sm 1 1 1 1 1\n", good);
    ignored(cut, "after the end");

    ignored("", "an empty file");
    ignored("newsd-trends 2\nwhatever comes in version 2\n", "of version 2, and this newsd reads version 1");
    ignored("<html>not ours</html>\n", "not a newsd trends file");
    ignored("newsd-trends 1\nhistory 10 20\nm 15 1 x 0 0\nend 1\n", "bad count");
    ignored("newsd-trends 1\nhistory 10 20\nm 15 1 1 0 0 7\nend 1\n", "bad minute record");
    ignored("newsd-trends 1\nhistory 0 2000\nm 1 1 1 1 1\nend 1\n", "window");
    ignored("newsd-trends 1\nhistory 10 20\nm 16 1 1 1 1\nm 15 1 1 1 1\nend 2\n", "out of order");
    ignored("newsd-trends 1\nhistory 20 10\nend 0\n", "bad history record");
    ignored("newsd-trends 1\ntrends 500\nn entity:org/x\nend 1\n", "not a JSON string");
    ignored("newsd-trends 1\ntrends 500\nn \"entity:org/x\"\nh 100 1\nend 2\n", "out of the window");
    ignored("newsd-trends 1\ntrends 500\nn \"entity:org/x\"\nh 499 0\nend 2\n", "bad hour record");
    ignored("newsd-trends 1\ntrends 500\nh 499 1\nend 1\n", "an hour before any name");
    ignored("newsd-trends 1\ntrends 5\nfoo 1\nend 0\n", "no known record");
    static const char nul[] = "newsd-trends 1\ntrends 5\0\nend 0\n";
    ignored_bytes(nul, sizeof nul - 1, "NUL");

    /* more names than memory holds */
    size_t cap = (TRENDS_MAX_NAMES + 2) * 40 + 64;
    char *many = malloc(cap), *p = many;
    p += sprintf(p, "newsd-trends 1\ntrends 500\n");
    for (int i = 0; i <= TRENDS_MAX_NAMES; i++)
        p += sprintf(p, "n \"entity:org/n%d\"\nh 500 1\n", i);
    sprintf(p, "end %d\n", 2 * (TRENDS_MAX_NAMES + 1));
    ignored(many, "more names than newsd follows");
    free(many);

    /* a file that cannot be read is named, and is not fatal either */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    err = NULL;
    assert_int_equal(trends_file_load(path, &loaded, T0, &err), -1);
    assert_non_null(strstr(err, path));
    free(err);
    /* ... nor one that cannot be written */
    err = NULL;
    assert_int_equal(trends_file_save(path, &saved, &err), -1);
    assert_non_null(strstr(err, path));
    free(err);
    assert_int_equal(rmdir(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_same_minute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_and_future, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
