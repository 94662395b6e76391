/* Unit tests: who gets a control connection (control_limits.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "control.h"
#include "control_limits.h"

static const struct peer ROOT = {.known = true, .uid = 0, .privileged = true};
static const struct peer OPERATOR = {.known = true, .uid = 1000, .privileged = true};   /* group newsd */
static const struct peer OTHER = {.known = true, .uid = 1001, .privileged = false};
static const struct peer TCP = {.known = false};

static void test_general_pool(void **state)
{
    (void)state;
    assert_int_equal(limits_decide(&OTHER, 0, 0, 0, LIMITS_GENERAL), ADMIT_GENERAL);
    /* Fewer descriptors, a smaller general pool, the reserve kept. */
    assert_int_equal(limits_general_max(CONTROL_MAX_CONNECTIONS), LIMITS_GENERAL);
    assert_int_equal(limits_general_max(20), 20 - LIMITS_RESERVED);
    assert_int_equal(limits_general_max(2), 1);
    assert_int_equal(limits_decide(&OTHER, 16, 0, 0, limits_general_max(20)), REFUSE_FULL);
    assert_int_equal(limits_decide(&ROOT, 16, 0, 0, limits_general_max(20)), ADMIT_RESERVED);
    assert_int_equal(limits_decide(&TCP, LIMITS_GENERAL - 1, 0, 0, LIMITS_GENERAL), ADMIT_GENERAL);
    assert_int_equal(limits_decide(&OTHER, LIMITS_GENERAL, 0, 0, LIMITS_GENERAL), REFUSE_FULL);
    assert_int_equal(limits_decide(&TCP, LIMITS_GENERAL, 0, 0, LIMITS_GENERAL), REFUSE_FULL);
}

static void test_per_uid(void **state)
{
    (void)state;
    assert_int_equal(limits_decide(&OTHER, 10, 0, LIMITS_PER_UID - 1, LIMITS_GENERAL), ADMIT_GENERAL);
    assert_int_equal(limits_decide(&OTHER, 10, 0, LIMITS_PER_UID, LIMITS_GENERAL), REFUSE_PER_UID);
    assert_int_equal(limits_decide(&OPERATOR, 10, 0, LIMITS_PER_UID, LIMITS_GENERAL), REFUSE_PER_UID);
    /* root is trusted with any number */
    assert_int_equal(limits_decide(&ROOT, 10, 0, 40, LIMITS_GENERAL), ADMIT_GENERAL);
}

/* The reserve: root and newsd's user and group, one connection per uid
 * that holds none (a newsctl), never someone who floods. */
static void test_reserve(void **state)
{
    (void)state;
    assert_int_equal(limits_decide(&ROOT, LIMITS_GENERAL, 0, 0, LIMITS_GENERAL), ADMIT_RESERVED);
    assert_int_equal(limits_decide(&OPERATOR, LIMITS_GENERAL, LIMITS_RESERVED - 1, 0, LIMITS_GENERAL), ADMIT_RESERVED);
    assert_int_equal(limits_decide(&OPERATOR, LIMITS_GENERAL, LIMITS_RESERVED, 0, LIMITS_GENERAL), REFUSE_FULL);
    assert_int_equal(limits_decide(&OPERATOR, LIMITS_GENERAL, 0, 3, LIMITS_GENERAL), REFUSE_FULL);
    assert_int_equal(limits_decide(&ROOT, LIMITS_GENERAL, 0, 1, LIMITS_GENERAL), REFUSE_FULL);
    assert_int_equal(limits_decide(&OTHER, LIMITS_GENERAL, 0, 0, LIMITS_GENERAL), REFUSE_FULL);
    assert_int_equal(limits_decide(&TCP, LIMITS_GENERAL, 0, 0, LIMITS_GENERAL), REFUSE_FULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_general_pool),
        cmocka_unit_test(test_per_uid),
        cmocka_unit_test(test_reserve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
