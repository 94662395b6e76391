/* Unit tests for daemon/fifo.c: order, growth across the wrap, emptiness,
 * and the destructor of fifo_free. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fifo.h"
#include "xalloc.h"

/* Items are the integers 1.. cast to pointers (never NULL). */
#define ITEM(i) ((void *)(uintptr_t)(i))
#define VALUE(p) ((size_t)(uintptr_t)(p))

static void test_empty(void **unused)
{
    struct fifo q = FIFO_INIT;
    (void)unused;

    assert_int_equal(fifo_count(&q), 0);
    assert_null(fifo_pop(&q));
    fifo_free(&q, NULL);
    assert_null(fifo_pop(&q));

    struct fifo z;
    memset(&z, 0, sizeof z);   /* zeroed is empty too */
    assert_null(fifo_pop(&z));
    fifo_push(&z, ITEM(7));
    assert_int_equal(VALUE(fifo_pop(&z)), 7);
    fifo_free(&z, NULL);
}

static void test_order(void **unused)
{
    struct fifo q = FIFO_INIT;
    (void)unused;

    for (size_t i = 1; i <= 1000; i++)
        fifo_push(&q, ITEM(i));
    assert_int_equal(fifo_count(&q), 1000);
    for (size_t i = 1; i <= 1000; i++)
        assert_int_equal(VALUE(fifo_pop(&q)), i);
    assert_int_equal(fifo_count(&q), 0);
    assert_null(fifo_pop(&q));
    fifo_free(&q, NULL);
}

/* Interleaved pushes and pops keep the ring wrapped when it grows: the
 * order must survive the copy. */
static void test_grow_while_wrapped(void **unused)
{
    struct fifo q = FIFO_INIT;
    size_t next_in = 1, next_out = 1;
    (void)unused;

    for (int round = 0; round < 200; round++) {
        for (int k = 0; k < 7; k++)
            fifo_push(&q, ITEM(next_in++));
        for (int k = 0; k < 5; k++)
            assert_int_equal(VALUE(fifo_pop(&q)), next_out++);
        assert_int_equal(fifo_count(&q), next_in - next_out);
    }
    while (fifo_count(&q))
        assert_int_equal(VALUE(fifo_pop(&q)), next_out++);
    assert_int_equal(next_out, next_in);
    fifo_free(&q, NULL);
}

static size_t destroyed;
static void count_and_free(void *item)
{
    destroyed++;
    free(item);
}

static void test_free_destroys_waiting(void **unused)
{
    struct fifo q = FIFO_INIT;
    (void)unused;

    destroyed = 0;
    for (int i = 0; i < 40; i++)
        fifo_push(&q, xasprintf("reprocess-%032d", i));
    char *first = fifo_pop(&q);
    assert_string_equal(first, "reprocess-00000000000000000000000000000000");
    free(first);
    fifo_free(&q, count_and_free);
    assert_int_equal(destroyed, 39);
    assert_int_equal(fifo_count(&q), 0);
    /* Usable again after fifo_free. */
    fifo_push(&q, ITEM(1));
    assert_int_equal(fifo_count(&q), 1);
    fifo_free(&q, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_grow_while_wrapped),
        cmocka_unit_test(test_free_destroys_waiting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
