/* malloc_tune.c: a malloc setting the environment gives, in either of
 * glibc's two forms, is left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "malloc_tune.h"

#define TRIM "glibc.malloc.trim_threshold"

static void test_old_style_variable_wins(void **state)
{
    (void)state;
    assert_true(malloc_setting_from_env("4", NULL, TRIM));
    assert_true(malloc_setting_from_env("", NULL, TRIM));
    assert_false(malloc_setting_from_env(NULL, NULL, TRIM));
}

static void test_tunable_found_by_whole_name(void **state)
{
    (void)state;
    assert_true(malloc_setting_from_env(NULL, TRIM "=1000", TRIM));
    assert_true(malloc_setting_from_env(NULL, "glibc.malloc.arena_max=2:" TRIM "=1000", TRIM));
    assert_true(malloc_setting_from_env(NULL, TRIM "=1000:glibc.malloc.arena_max=2", "glibc.malloc.arena_max"));
    /* Another tunable, one whose name only starts or ends the same, and
     * an entry without a value (glibc ignores it) are not the setting. */
    assert_false(malloc_setting_from_env(NULL, "", TRIM));
    assert_false(malloc_setting_from_env(NULL, "glibc.malloc.arena_max=2", TRIM));
    assert_false(malloc_setting_from_env(NULL, TRIM "_x=5", TRIM));
    assert_false(malloc_setting_from_env(NULL, "x" TRIM "=5", TRIM));
    assert_false(malloc_setting_from_env(NULL, TRIM, TRIM));
    assert_false(malloc_setting_from_env(NULL, TRIM ":glibc.malloc.arena_max=2", TRIM));
    assert_false(malloc_setting_from_env(NULL, "::", TRIM));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_old_style_variable_wins),
        cmocka_unit_test(test_tunable_found_by_whole_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
