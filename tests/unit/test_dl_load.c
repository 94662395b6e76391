/*
 * dl_load (daemon/dl_load.c): a library opened on first use, its symbols
 * resolved, a setup run once; a failure says which library and why, and
 * the next call tries again.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../daemon/dl_load.h"

static const char *const libc_names[] = {"strlen"};
static void *libc_slots[1];

/* Fails the first `failures` times, each with its own text. */
static int failures, attempts;
static int counting_setup(void *const *s, char *err, size_t errlen)
{
    (void)s;
    attempts++;
    if (attempts <= failures) {
        snprintf(err, errlen, "attempt %d", attempts);
        return -1;
    }
    return 0;
}

static struct dl_lib racy = DL_LIB_INIT("libc.so.6", "the C library", libc_names, libc_slots, counting_setup);

static void *load_in_thread(void *arg)
{
    const char **why = arg;
    if (dl_lib_load(&racy, why) == 0)
        *why = NULL;
    return NULL;
}

/* The text a failed call gives stays its own while another thread's
 * call fails too (workers parse HTML at the same time and each reports
 * why libxml2 is missing). */
static void test_failure_text_is_the_callers(void **st)
{
    (void)st;
    failures = 2;
    attempts = 0;
    const char *mine = NULL, *theirs = NULL;
    assert_int_equal(dl_lib_load(&racy, &mine), -1);
    assert_string_equal(mine, "attempt 1");
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, load_in_thread, &theirs), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_non_null(theirs);
    assert_string_equal(theirs, "attempt 2");
    assert_string_equal(mine, "attempt 1");
    /* The third call loads: tried again, not kept failed. */
    assert_int_equal(dl_lib_load(&racy, &mine), 0);
    /* libc's own strlen (a sanitizer's interceptor is another). */
    void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    assert_non_null(libc);
    assert_ptr_equal(libc_slots[0], dlsym(libc, "strlen"));
    dlclose(libc);
    assert_int_equal(dl_lib_load(&racy, &mine), 0);
    assert_int_equal(attempts, 3);   /* setup once after loading */
}

static const char *const missing_names[] = {"strlen", "no_such_symbol_in_libc"};
static void *missing_slots[2];

static void test_missing_symbol_named(void **st)
{
    (void)st;
    static struct dl_lib lib = DL_LIB_INIT("libc.so.6", "the C library, package libc6", missing_names,
                                           missing_slots, NULL);
    const char *why = NULL;
    assert_int_equal(dl_lib_load(&lib, &why), -1);
    assert_string_equal(why, "libc.so.6 has no no_such_symbol_in_libc: too old a version of the C library, "
                             "package libc6");
}

static void test_missing_library_named(void **st)
{
    (void)st;
    static void *slots[1];
    static struct dl_lib lib = DL_LIB_INIT("libnewsd-no-such.so.0", "a test's library, package none", libc_names,
                                           slots, NULL);
    const char *why = NULL;
    assert_int_equal(dl_lib_load(&lib, &why), -1);
    assert_non_null(strstr(why, "cannot load libnewsd-no-such.so.0 (a test's library, package none): "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failure_text_is_the_callers),
        cmocka_unit_test(test_missing_symbol_named),
        cmocka_unit_test(test_missing_library_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
