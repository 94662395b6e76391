/* Unit tests for the input side of the ABI (daemon/inputs.c): a fake input
 * plugin's run() puts messages and waits, on the thread inputs_start()
 * gives it: the files in inbox/ (names cleaned, a taken name suffixed
 * before its extension, nothing left in tmp/), back-pressure at
 * max_backlog, the stop, and the figures of /status and /metrics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "inputs.h"
#include "plugins.h"

static char state_dir[64];

static void make_state(void)
{
    snprintf(state_dir, sizeof state_dir, "/tmp/newsd-test-inputs-XXXXXX");
    assert_non_null(mkdtemp(state_dir));
    const char *sub[] = {"tmp", "inbox", "work"};
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", state_dir, sub[i]);
        assert_int_equal(mkdir(p, 0755), 0);
    }
}

static void remove_state(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", state_dir);
    assert_int_equal(system(cmd), 0);
}

static bool exists(const char *folder, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s/%s", state_dir, folder, name);
    return access(p, F_OK) == 0;
}

static size_t count(const char *folder)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", state_dir, folder);
    DIR *d = opendir(p);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

/* What the fake run() saw, for the test thread to check after the join. */
static struct {
    int put_rc[4];
    _Atomic int full, fetch_after_drain, stop;   /* polled by the test thread */
} seen;

static void reset_seen(void)
{
    memset(seen.put_rc, 0, sizeof seen.put_rc);
    atomic_store(&seen.full, 0);
    atomic_store(&seen.fetch_after_drain, 0);
    atomic_store(&seen.stop, 0);
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int run_names(void *state, newsd_input *in)
{
    (void)state;
    seen.put_rc[0] = newsd_input_put(in, "a.txt", "hello\n", 6);
    seen.put_rc[1] = newsd_input_put(in, "a.txt", "again\n", 6);
    seen.put_rc[2] = newsd_input_put(in, "../x/.hidden", "x", 1);
    seen.put_rc[3] = newsd_input_put(in, NULL, "", 0);
    newsd_input_gauge(in, "lag", 42);
    newsd_input_gauge(in, "Bad-Name", 1);   /* not [a-z_]: ignored */
    while (newsd_input_wait(in, 1000) != NEWSD_INPUT_STOP)
        ;
    seen.stop = 1;
    return NEWSD_OK;
}

static int run_backlog(void *state, newsd_input *in)
{
    (void)state;
    newsd_input_put(in, "one.txt", "1", 1);
    newsd_input_put(in, "two.txt", "2", 1);
    seen.full = newsd_input_wait(in, 100) == NEWSD_INPUT_FULL;
    /* The pipeline takes one: room again. */
    char p[128];
    snprintf(p, sizeof p, "%s/inbox/one.txt", state_dir);
    unlink(p);
    sleep_ms(30);   /* past the count's cache */
    seen.fetch_after_drain = newsd_input_wait(in, 1000) == NEWSD_INPUT_FETCH;
    while (newsd_input_wait(in, 1000) != NEWSD_INPUT_STOP)
        ;
    seen.stop = 1;
    return NEWSD_OK;
}

static struct plugin_set *fake_set(int (*run)(void *, newsd_input *), int64_t max_backlog)
{
    struct plugin_set *set = calloc(1, sizeof *set);
    set->v = calloc(1, sizeof *set->v);
    set->n = 1;
    struct plugin_instance *p = &set->v[0];
    p->name = "fake";
    p->desc = &p->desc_copy;
    p->desc_copy.name = "fake_input";
    p->desc_copy.run = run;
    p->initialised = true;
    p->input_max_backlog = max_backlog;
    return set;
}

static void free_set(struct plugin_set *set)
{
    free(set->v);
    free(set);
}

static void test_put_names_and_figures(void **st)
{
    (void)st;
    reset_seen();
    make_state();
    struct plugin_set *set = fake_set(run_names, 1000);
    struct inputs *in = inputs_start(state_dir, set);
    for (int i = 0; i < 200 && count("inbox") < 4; i++)
        sleep_ms(10);
    sleep_ms(50);
    json_t *status = inputs_status(in);
    struct strbuf sb = {0};
    inputs_metrics(in, &sb);
    char *metrics = sb_take(&sb);
    inputs_stop(in);

    for (int i = 0; i < 4; i++)
        assert_int_equal(seen.put_rc[i], NEWSD_OK);
    assert_true(seen.stop);
    assert_true(exists("inbox", "a.txt"));
    assert_true(exists("inbox", "a-1.txt"));        /* suffix before the extension */
    assert_true(exists("inbox", "_._x_.hidden"));   /* no '/', no leading '.' */
    assert_true(exists("inbox", "message"));
    assert_int_equal(count("inbox"), 4);
    assert_int_equal(count("tmp"), 0);

    json_t *o = json_array_get(status, 0);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "fake");
    assert_int_equal(json_integer_value(json_object_get(o, "put")), 4);
    assert_int_equal(json_integer_value(json_object_get(o, "lag")), 42);
    assert_null(json_object_get(o, "Bad-Name"));
    assert_non_null(strstr(metrics, "newsd_input_put_total{input=\"fake\"} 4"));
    assert_non_null(strstr(metrics, "newsd_input_lag{input=\"fake\"} 42"));
    json_decref(status);
    free(metrics);
    free_set(set);
    remove_state();
}

static void test_backpressure_and_stop(void **st)
{
    (void)st;
    reset_seen();
    make_state();
    struct plugin_set *set = fake_set(run_backlog, 2);
    struct inputs *in = inputs_start(state_dir, set);
    for (int i = 0; i < 300 && !seen.fetch_after_drain; i++)
        sleep_ms(10);
    inputs_stop(in);
    assert_true(seen.full);
    assert_true(seen.fetch_after_drain);
    assert_true(seen.stop);
    free_set(set);
    remove_state();
}

static void test_put_fails_without_inbox(void **st)
{
    (void)st;
    reset_seen();
    make_state();
    struct plugin_set *set = fake_set(run_names, 1000);
    /* inbox/ is a file: the input does not start (and says so). */
    char p[128];
    snprintf(p, sizeof p, "%s/inbox", state_dir);
    assert_int_equal(rmdir(p), 0);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    struct inputs *in = inputs_start(state_dir, set);
    json_t *status = inputs_status(in);
    assert_false(json_is_true(json_object_get(json_array_get(status, 0), "running")));
    json_decref(status);
    inputs_stop(in);
    assert_false(seen.stop);   /* run() was never called */
    free_set(set);
    remove_state();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_names_and_figures),
        cmocka_unit_test(test_backpressure_and_stop),
        cmocka_unit_test(test_put_fails_without_inbox),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
