/* Unit tests for daemon/log.c: repeated lines are held back and summed up
 * ("repeated N times in the last S s"), on a clock the test moves; the
 * line of a fatal signal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

static int64_t fake_now;
static int64_t fake_clock(void)
{
    return fake_now;
}

static FILE *captured;
static long seen;            /* bytes of captured already looked at */
static int saved_stderr = -1;

/* stderr goes to a temp file for the test; the table of lines is emptied
 * by a flush at the end of each test. */
static int setup(void **state)
{
    (void)state;
    fflush(stderr);
    captured = tmpfile();
    seen = 0;
    saved_stderr = dup(STDERR_FILENO);
    dup2(fileno(captured), STDERR_FILENO);
    fake_now = 1000000;
    log_set_clock(fake_clock);
    log_set_level(NEWSD_LOG_DEBUG);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    log_flush_repeats(true);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    fclose(captured);
    log_set_clock(NULL);
    return 0;
}

/* Everything written since the last call. */
static char *output(void)
{
    long end = lseek(fileno(captured), 0, SEEK_END);
    char *buf = calloc(1, (size_t)(end - seen) + 1);
    if (pread(fileno(captured), buf, (size_t)(end - seen), seen) < 0)
        buf[0] = '\0';
    seen = end;
    return buf;
}

static int count_lines(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void test_repeats_folded(void **state)
{
    (void)state;
    free(output());   /* what came before */
    for (int i = 0; i < 30; i++) {
        log_warning("disk full on %s", "/var/x");
        fake_now += 100;
    }
    char *out = output();
    assert_int_equal(count_lines(out, "disk full on /var/x"), 1);
    assert_null(strstr(out, "repeated"));
    free(out);

    /* The window (10 s) ends: one summary, by the timer's flush. */
    fake_now += 10000;
    log_flush_repeats(false);
    out = output();
    assert_non_null(strstr(out, "warning: disk full on /var/x (repeated 29 times in the last 10 s)"));
    free(out);

    /* Still coming: held back again, now for 20 s. */
    log_warning("disk full on %s", "/var/x");
    fake_now += 15000;
    log_flush_repeats(false);
    out = output();
    assert_int_equal(count_lines(out, "disk full"), 0);
    free(out);
    fake_now += 5000;
    log_flush_repeats(false);
    out = output();
    assert_non_null(strstr(out, "disk full on /var/x (repeated 1 time in the last 20 s)"));
    free(out);

    /* A window with no repeat: forgotten, so the next one is written. */
    fake_now += 40000;
    log_flush_repeats(false);
    log_warning("disk full on %s", "/var/x");
    out = output();
    assert_int_equal(count_lines(out, "disk full on /var/x"), 1);
    assert_null(strstr(out, "repeated"));
    free(out);
}

static void test_distinct_and_levels(void **state)
{
    (void)state;
    free(output());   /* what came before */
    log_warning("cannot open %s", "a");
    log_warning("cannot open %s", "b");
    log_error("cannot open %s", "a");     /* another level: another line */
    log_warning("cannot open %s", "a");
    char *out = output();
    assert_int_equal(count_lines(out, "cannot open a"), 2);
    assert_int_equal(count_lines(out, "cannot open b"), 1);
    free(out);

    /* The context is part of the text. */
    log_set_article("x.txt", NULL);
    log_warning("cannot open %s", "a");
    log_set_article(NULL, NULL);
    out = output();
    assert_non_null(strstr(out, "article x.txt: cannot open a"));
    free(out);

    /* A message of several lines (a Lua traceback) is one line: a break
     * and the tabs after it become one space. */
    log_error("boom\nstack traceback:\n\t[C]: in function 'error'\r\n\tx.lua:5:\tin main");
    out = output();
    assert_non_null(strstr(out, "error: boom stack traceback: [C]: in function 'error' x.lua:5: in main\n"));
    free(out);

    /* At exit every count is written, however young its window. */
    log_flush_repeats(true);
    out = output();
    assert_non_null(strstr(out, "warning: cannot open a (repeated 1 time in the last 1 s)"));
    free(out);
}

/* More distinct lines than slots: the oldest are evicted (and their counts
 * written), the newest still folded. */
static void test_eviction(void **state)
{
    (void)state;
    free(output());   /* what came before */
    log_notice("old line");
    log_notice("old line");
    for (int i = 0; i < 300; i++) {
        fake_now++;
        log_info("line %d", i);
    }
    char *out = output();
    assert_non_null(strstr(out, "old line (repeated 1 time in the last 1 s)"));
    free(out);
    log_info("line %d", 299);
    out = output();
    assert_string_equal(out, "");
    free(out);
}

/* The line a signal handler writes (log_fatal_signal_line()): the same
 * prefix as log_msg()'s, its own date arithmetic included, the thread's
 * context, one line, and never held back. */
static void test_fatal_signal_line(void **state)
{
    (void)state;
    free(output());   /* what came before */
    char *out = NULL;
    /* The two lines' times agree to the minute unless a minute began in
     * between: then once more. */
    for (int attempt = 0; attempt < 3; attempt++) {
        free(out);
        log_error("before %d", attempt);   /* not folded with the last */
        log_set_plugin("crashy");
        log_set_article("poison.txt", "0123abcd");
        log_fatal_signal_line("crashed: ", "SIGSEGV\nsecond\tline", 0, "; what next");
        log_fatal_signal_line("crashed: ", "SIGSEGV\nsecond\tline", 0, "; what next");
        log_set_plugin(NULL);
        log_set_article(NULL, NULL);
        out = output();
        const char *fatal = strstr(out, "\n") + 1;
        assert_true(strlen(fatal) > 24);
        if (memcmp(out, fatal, 16) == 0)
            break;
    }
    const char *fatal = strstr(out, "\n") + 1;
    assert_non_null(strstr(out, " error: before "));
    assert_true(strstr(out, " error: before ") < fatal);
    assert_memory_equal(out, fatal, 16);
    /* YYYY-MM-DDTHH:MM:SS.mmmZ error: */
    for (int i = 0; i < 24; i++) {
        if (i == 4 || i == 7)
            assert_int_equal(fatal[i], '-');
        else if (i == 10)
            assert_int_equal(fatal[i], 'T');
        else if (i == 13 || i == 16)
            assert_int_equal(fatal[i], ':');
        else if (i == 19)
            assert_int_equal(fatal[i], '.');
        else if (i == 23)
            assert_int_equal(fatal[i], 'Z');
        else
            assert_true(fatal[i] >= '0' && fatal[i] <= '9');
    }
    const char *want = " error: plugin crashy: article poison.txt 0123abcd: crashed: SIGSEGV second line; "
                       "what next\n";
    assert_memory_equal(fatal + 23 + 1, want, strlen(want));
    /* Both written: a crash line is never folded. */
    assert_int_equal(count_lines(out, "crashed: SIGSEGV second line"), 2);
    free(out);

    /* No article: nothing said of one; a sender is named. */
    log_set_plugin("crashy");
    log_fatal_signal_line("stopped by ", "SIGABRT", 4711, "; what next");
    log_set_plugin(NULL);
    out = output();
    assert_non_null(strstr(out, " error: plugin crashy: stopped by SIGABRT, sent by process 4711\n"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_repeats_folded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_distinct_and_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eviction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fatal_signal_line, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
