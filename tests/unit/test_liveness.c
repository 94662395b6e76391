/* Unit tests for daemon/liveness.c: claim errors and stalls become /health
 * problems, and incidents once they are over; the inbox is only counted
 * when nothing was claimed for stall_s. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "liveness.h"

static size_t waiting, counted;

static size_t count_waiting(void *ud, unsigned min_age_s)
{
    (void)ud;
    assert_int_equal(min_age_s, 10);
    counted++;
    return waiting;
}

static int reset(void **unused)
{
    (void)unused;
    health_reset();
    waiting = counted = 0;
    return 0;
}

/* The problem under key: its text, and whether it is an incident. */
static const char *problem(const char *key, int *incident)
{
    static struct health_problem copy;
    struct health_problem *v;
    size_t n = health_snapshot(&v);
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].key, key) == 0) {
            copy = v[i];
            found = copy.text;
            if (incident)
                *incident = copy.until_ms != 0;
        }
    }
    free(v);
    return found;
}

static struct liveness_view view(int64_t now, unsigned in_flight, bool can_claim)
{
    return (struct liveness_view){
        .now = now, .stall_s = 10, .can_claim = can_claim, .in_flight = in_flight,
        .count_waiting = count_waiting,
    };
}

static void test_claim_stall(void **unused)
{
    struct liveness l;
    struct liveness_view v;
    int incident = -1;
    (void)unused;

    liveness_init(&l, 1000);
    waiting = 5;
    v = view(5000, 0, true);
    liveness_check(&l, &v);
    assert_int_equal(counted, 0);           /* claimed recently: the inbox is not read */
    assert_null(problem("stall:claim", NULL));

    v = view(11000, 0, true);
    liveness_check(&l, &v);
    assert_int_equal(counted, 1);
    assert_non_null(problem("stall:claim", &incident));
    assert_false(incident);
    assert_non_null(strstr(problem("stall:claim", NULL), "5 files in inbox/, none claimed for 10 s"));

    /* No room to claim (backpressure): not a claim stall. */
    v = view(12000, 0, false);
    liveness_check(&l, &v);
    assert_int_equal(counted, 1);
    assert_non_null(problem("stall:claim", &incident));
    assert_true(incident);                  /* over, and reported for the hold time */

    /* An empty inbox is no stall either. */
    health_reset();
    waiting = 0;
    v = view(30000, 0, true);
    liveness_check(&l, &v);
    assert_null(problem("stall:claim", NULL));
    assert_int_equal(counted, 2);

    /* A claim ends it. */
    waiting = 3;
    liveness_check(&l, &v);
    assert_non_null(problem("stall:claim", NULL));
    liveness_claimed(&l, 30500);
    v = view(31000, 1, true);
    liveness_check(&l, &v);
    assert_non_null(problem("stall:claim", &incident));
    assert_true(incident);
}

static void test_commit_stall(void **unused)
{
    struct liveness l;
    struct liveness_view v;
    int incident = -1;
    (void)unused;

    liveness_init(&l, 1000);
    v = view(5000, 3, false);
    v.commit_failing_since = 2000;           /* failing for 3 s: not yet */
    liveness_progress(&l, 5000);
    liveness_check(&l, &v);
    assert_null(problem("stall:commit", NULL));

    v = view(12500, 3, false);
    v.commit_failing_since = 2000;
    liveness_progress(&l, 12500);
    liveness_check(&l, &v);
    assert_non_null(problem("stall:commit", &incident));
    assert_false(incident);
    assert_non_null(strstr(problem("stall:commit", NULL), "failed for 10 s"));

    v = view(13000, 0, true);                /* a commit worked */
    liveness_check(&l, &v);
    assert_non_null(problem("stall:commit", &incident));
    assert_true(incident);
}

static void test_work_age(void **unused)
{
    struct liveness l;
    struct liveness_view v;
    int incident = -1;
    (void)unused;

    liveness_init(&l, 1000);
    v = view(2000, 1, true);
    v.work_age_s = 60;
    v.wall_now = 1000000;
    v.work_checked = true;
    v.oldest_work = "young.txt";
    v.oldest_work_ms = 1000000 - 59000;
    liveness_check(&l, &v);
    assert_null(problem("stall:work", NULL));

    v.oldest_work = "old.txt";
    v.oldest_work_ms = 1000000 - 61000;
    liveness_check(&l, &v);
    assert_non_null(problem("stall:work", &incident));
    assert_false(incident);
    assert_non_null(strstr(problem("stall:work", NULL), "old.txt has been in work/ for 61 s"));

    /* Not looked at this round: nothing changes. */
    v.work_checked = false;
    v.oldest_work_ms = 0;
    liveness_check(&l, &v);
    assert_non_null(problem("stall:work", &incident));
    assert_false(incident);

    /* Looked at, work/ empty: over. */
    v.work_checked = true;
    liveness_check(&l, &v);
    assert_non_null(problem("stall:work", &incident));
    assert_true(incident);

    /* work_age_s = 0 turns the check off. */
    health_reset();
    v.work_age_s = 0;
    v.oldest_work_ms = 1;
    liveness_check(&l, &v);
    assert_null(problem("stall:work", NULL));
}

static void test_processing_stall(void **unused)
{
    struct liveness l;
    struct liveness_view v;
    int incident = -1;
    (void)unused;

    liveness_init(&l, 0);
    liveness_claimed(&l, 100000);   /* no claim stall in this test */
    liveness_progress(&l, 1000);
    v = view(10999, 4, false);
    liveness_check(&l, &v);
    assert_null(problem("stall:processing", NULL));
    v = view(11000, 4, false);
    liveness_check(&l, &v);
    assert_non_null(strstr(problem("stall:processing", &incident), "4 articles in flight, none finished for 10 s"));
    assert_false(incident);
    liveness_progress(&l, 12000);
    v = view(12000, 3, false);
    liveness_check(&l, &v);
    assert_non_null(problem("stall:processing", &incident));
    assert_true(incident);

    /* Nothing in flight: nothing to stall. */
    health_reset();
    v = view(99000, 0, false);
    liveness_check(&l, &v);
    assert_null(problem("stall:processing", NULL));
}

static void test_claim_errors(void **unused)
{
    struct liveness l;
    int incident = -1;
    (void)unused;

    liveness_init(&l, 0);
    liveness_claim_failed(&l, "/s/inbox", "a.txt", -EACCES);
    liveness_claim_failed(&l, "/s/inbox", "b.txt", -EACCES);
    assert_non_null(strstr(problem("claim", &incident), "Permission denied"));
    assert_false(incident);
    liveness_claim_failed(&l, "/s/inbox", "b.txt", -EROFS);
    assert_non_null(strstr(problem("claim", NULL), "Read-only file system"));
    liveness_claimed(&l, 5000);
    assert_non_null(problem("claim", &incident));
    assert_true(incident);
    assert_int_equal(l.claim_err, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_claim_stall, reset),
        cmocka_unit_test_setup(test_processing_stall, reset),
        cmocka_unit_test_setup(test_commit_stall, reset),
        cmocka_unit_test_setup(test_work_age, reset),
        cmocka_unit_test_setup(test_claim_errors, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
