/* Unit tests for daemon/health.c (problems and incidents, their order and
 * times) and for the /health JSON of control_status.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "health.h"
#include "status.h"

static int reset(void **unused)
{
    (void)unused;
    health_reset();
    return 0;
}

static void test_empty(void **unused)
{
    struct health_problem *v = (void *)1;
    (void)unused;
    assert_int_equal(health_snapshot(&v), 0);
    assert_null(v);
    assert_false(health_has("x"));
    health_clear("x");   /* clearing what is not there is harmless */
}

static void test_set_replace_clear(void **unused)
{
    struct health_problem *v;
    (void)unused;

    health_set("folder:work", "work/ unusable: %s", "Permission denied");
    health_set("claim", "claiming stalled: %d files", 3);
    assert_int_equal(health_snapshot(&v), 2);
    assert_string_equal(v[0].key, "folder:work");
    assert_string_equal(v[0].text, "work/ unusable: Permission denied");
    assert_string_equal(v[1].key, "claim");
    assert_int_equal(v[0].until_ms, 0);
    int64_t since = v[0].since_ms;
    assert_true(since > 0);
    free(v);

    /* Setting again replaces the text, keeps the place and the time. */
    usleep(2000);
    health_set("folder:work", "work/ unusable: %s", "Read-only file system");
    assert_int_equal(health_snapshot(&v), 2);
    assert_string_equal(v[0].text, "work/ unusable: Read-only file system");
    assert_true(v[0].since_ms == since);
    free(v);

    health_clear("folder:work");
    assert_false(health_has("folder:work"));
    assert_true(health_has("claim"));
    assert_int_equal(health_snapshot(&v), 1);
    assert_string_equal(v[0].key, "claim");
    free(v);
}

static void test_incident_hold(void **unused)
{
    struct health_problem *v;
    (void)unused;

    /* A problem that was repaired becomes an incident with an end. */
    health_set("folder:inbox", "inbox/ deleted");
    health_set_hold(60);
    health_incident("folder:inbox", "inbox/ was deleted and made again");
    assert_int_equal(health_snapshot(&v), 1);
    assert_string_equal(v[0].text, "inbox/ was deleted and made again");
    assert_true(v[0].until_ms >= v[0].since_ms + 59000);
    free(v);

    /* A problem again: no end any more. */
    health_set("folder:inbox", "inbox/ deleted again");
    assert_int_equal(health_snapshot(&v), 1);
    assert_int_equal(v[0].until_ms, 0);
    free(v);

    /* Hold 0: an incident is not kept at all. */
    health_set_hold(0);
    health_incident("folder:inbox", "gone");
    assert_false(health_has("folder:inbox"));
    assert_int_equal(health_snapshot(&v), 0);
}

static void test_one_line_and_cut(void **unused)
{
    struct health_problem *v;
    char big[2 * HEALTH_TEXT_MAX];
    (void)unused;

    health_set("k", "two\nlines\r");
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    health_set("big", "%s", big);
    assert_int_equal(health_snapshot(&v), 2);
    assert_string_equal(v[0].text, "two lines ");
    assert_int_equal(strlen(v[1].text), HEALTH_TEXT_MAX - 1);
    free(v);
}

static void test_render(void **unused)
{
    (void)unused;
    struct status_snapshot s = {.state = DAEMON_RUNNING, .pid = 42, .now_ms = 1795878704751};
    json_error_t je;

    char *out = status_render_health(&s);
    json_t *j = json_loads(out, 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
    assert_string_equal(json_string_value(json_object_get(j, "state")), "running");
    assert_int_equal(json_array_size(json_object_get(j, "problems")), 0);
    json_decref(j);
    free(out);

    /* A text cut inside a character (the 2-byte "é" at the end) is
     * repaired, not dropped. */
    struct health_problem p[2] = {
        {.key = "folder:work", .text = "work/ was deleted", .since_ms = 1795878700000},
        {.key = "cut", .text = "caf\xc3", .since_ms = 1795878700000, .until_ms = 1795878800000},
    };
    s.problems = p;
    s.n_problems = 2;
    out = status_render_health(&s);
    j = json_loads(out, 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "failing");
    json_t *list = json_object_get(j, "problems");
    assert_int_equal(json_array_size(list), 2);
    json_t *first = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(first, "key")), "folder:work");
    assert_string_equal(json_string_value(json_object_get(first, "problem")), "work/ was deleted");
    assert_string_equal(json_string_value(json_object_get(first, "since")), "2026-11-28T15:11:40.000Z");
    assert_true(json_is_null(json_object_get(first, "until")));
    json_t *second = json_array_get(list, 1);
    assert_string_equal(json_string_value(json_object_get(second, "problem")), "caf\xef\xbf\xbd");
    assert_string_equal(json_string_value(json_object_get(second, "until")), "2026-11-28T15:13:20.000Z");
    json_decref(j);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_empty, reset),
        cmocka_unit_test_setup(test_set_replace_clear, reset),
        cmocka_unit_test_setup(test_incident_hold, reset),
        cmocka_unit_test_setup(test_one_line_and_cut, reset),
        cmocka_unit_test_setup(test_render, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
