/* sched_hint.c: the short slice changes nothing else of a thread or of
 * the threads it creates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "sched_hint.h"

static int nice_of_thread(void)
{
    errno = 0;
    return getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
}

/* struct sched_attr as far as SCHED_OTHER uses it (sched_hint.c). */
struct attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
};

/* The calling thread's slice (sched_runtime; 0 before Linux 6.12). */
static uint64_t slice_of_thread(void)
{
    struct attr a = {0};
    if (syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) < 0)
        return 0;
    return a.runtime;
}

struct run {
    int nice, after, child;
    uint64_t child_slice;
    int skipped;
};

static void *child_nice(void *arg)
{
    struct run *r = arg;
    r->child = nice_of_thread();
    r->child_slice = slice_of_thread();
    return NULL;
}

/* In a thread of its own: the nice value is per thread on Linux, and the
 * test's main thread keeps its own. */
static void *hinted_parent(void *arg)
{
    struct run *r = arg;
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), r->nice) < 0) {
        r->skipped = 1;   /* a negative nice takes CAP_SYS_NICE */
        return NULL;
    }
    sched_hint_short_slice("test");
    r->after = nice_of_thread();
    pthread_t t;
    if (pthread_create(&t, NULL, child_nice, r) != 0)
        return NULL;
    pthread_join(t, NULL);
    return NULL;
}

static void run_at(struct run *r)
{
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, hinted_parent, r), 0);
    pthread_join(t, NULL);
}

/* A daemon given a negative nice (Nice=-5 in its unit) keeps it in the
 * threads the hinted loop creates later: the libuv pool, and the inputs
 * and sinks a reload starts. */
static void test_negative_nice_inherited(void **state)
{
    (void)state;
    struct run r = {.nice = -3};
    run_at(&r);
    if (r.skipped)
        skip();
    assert_int_equal(r.after, -3);
    assert_int_equal(r.child, -3);
}

static void test_positive_nice_inherited(void **state)
{
    (void)state;
    /* One above the test's own (raising it takes no privilege, also under
     * nice(1)). */
    int n = nice_of_thread() + 1;
    if (n > 19)
        skip();
    struct run r = {.nice = n};
    run_at(&r);
    assert_false(r.skipped);
    assert_int_equal(r.after, n);
    assert_int_equal(r.child, n);
    /* ... and the default slice, as this thread has (never hinted) */
    assert_int_equal(r.child_slice, slice_of_thread());
}

int main(void)
{
    log_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negative_nice_inherited),
        cmocka_unit_test(test_positive_nice_inherited),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
