/* Unit tests for daemon/retry.c: which errors are transient, the back-off,
 * and the queue of put-off jobs (order by due time, nothing before its
 * time, take-all at shutdown). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>

#include "pipeline.h"
#include "retry.h"

static void test_classes(void **state)
{
    (void)state;
    static const int transient[] = {EMFILE, ENFILE, ENOMEM, ENOBUFS, ENOSPC, EDQUOT, EIO, EAGAIN, EINTR};
    for (size_t i = 0; i < sizeof transient / sizeof *transient; i++)
        assert_true(retry_transient(transient[i]));
    static const int bad[] = {ENOENT, EACCES, ELOOP, EISDIR, EINVAL, EROFS, 0};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(retry_transient(bad[i]));
    assert_true(retry_shortage(EMFILE));
    assert_true(retry_shortage(ENOMEM));
    assert_false(retry_shortage(ENOSPC));
    assert_false(retry_shortage(EIO));
}

static void test_delays(void **state)
{
    (void)state;
    assert_int_equal(retry_delay_ms(0), 100);
    assert_int_equal(retry_delay_ms(1), 200);
    assert_int_equal(retry_delay_ms(3), 800);
    assert_int_equal(retry_delay_ms(7), 10000);
    assert_int_equal(retry_delay_ms(1000), 10000);
}

static unsigned woken;
static void on_due(void *ud)
{
    (void)ud;
    woken++;
}

static void test_queue(void **state)
{
    (void)state;
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct retry_queue *q = NULL;
    retry_queue_start(&q, &loop, on_due, NULL);

    struct job *late = job_new("late", 0), *soon = job_new("soon", 0), *mid = job_new("mid", 0);
    retry_queue_add(q, late, 60);
    retry_queue_add(q, soon, 1);
    retry_queue_add(q, mid, 30);
    assert_int_equal(retry_queue_count(q), 3);
    assert_null(retry_queue_pop_due(q));   /* nothing is due yet */

    /* The timer fires for the first; the loop takes the due ones in order. */
    woken = 0;
    while (!woken)
        uv_run(&loop, UV_RUN_ONCE);
    assert_ptr_equal(retry_queue_pop_due(q), soon);
    while (retry_queue_count(q) == 2 && woken < 2)
        uv_run(&loop, UV_RUN_ONCE);
    assert_ptr_equal(retry_queue_pop_due(q), mid);
    assert_int_equal(retry_queue_count(q), 1);

    /* Shutdown: everything, due or not. */
    struct job *all = retry_queue_take_all(q);
    assert_ptr_equal(all, late);
    assert_null(all->next);
    assert_int_equal(retry_queue_count(q), 0);
    job_free(late);
    job_free(soon);
    job_free(mid);
    retry_queue_stop(q);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_delays),
        cmocka_unit_test(test_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
