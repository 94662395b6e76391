/* Unit tests for daemon/outbox.c: staging and release, acks, the retry
 * schedule, dead letters, what a reopen finds after a crash, and entries
 * that do not read back (truncated, changed, foreign). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "outbox.h"
#include "temp_dir.h"

#define T0 1700000000000LL
static const struct outbox_policy POLICY = {.retry_min_ms = 100, .retry_max_ms = 1000,
                                            .dead_after_ms = 60000};

struct fx {
    char dir[TEMP_DIR_MAX];
    char box[TEMP_DIR_MAX + 16];
    struct outbox *ob;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    temp_dir_make(f->dir, "outbox");
    snprintf(f->box, sizeof f->box, "%s/sink", f->dir);
    char *err = NULL;
    assert_int_equal(outbox_open(&f->ob, f->box, &POLICY, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    outbox_close(f->ob);
    int rc = temp_dir_remove(f->dir);
    free(f);
    return rc;
}

static void reopen(struct fx *f)
{
    char *err = NULL;
    outbox_close(f->ob);
    f->ob = NULL;
    assert_int_equal(outbox_open(&f->ob, f->box, &POLICY, &err), 0);
}

/* An id from a text, as the daemon's are from bytes. */
static const char *id_of(const char *text, char out[33])
{
    hash_id((const unsigned char *)text, strlen(text), out);
    return out;
}

static void stage(struct fx *f, const char *id, const char *json, int64_t now)
{
    char *err = NULL;
    assert_int_equal(outbox_stage(f->ob, id, json, strlen(json), now, &err), 0);
    assert_int_equal(outbox_sync(f->ob, &err), 0);
}

static bool exists(const struct fx *f, const char *sub, const char *id, const char *ext)
{
    char path[256];
    struct stat st;
    /* sub: "" (the outbox), "dead" (a folder) or ".tmp-" (a name prefix) */
    bool prefix = *sub && sub[strlen(sub) - 1] == '-';
    snprintf(path, sizeof path, "%s/%s%s%s%s", f->box, sub, *sub && !prefix ? "/" : "", id, ext);
    return stat(path, &st) == 0;
}

static void test_stage_release_ack(void **state)
{
    struct fx *f = *state;
    char a[33], b[33];
    struct outbox_item it[4];
    struct outbox_stats st;

    stage(f, id_of("a", a), "{\"id\":\"a\"}", T0);
    stage(f, id_of("b", b), "{\"id\":\"b\"}", T0);
    assert_true(exists(f, "", a, ".json"));
    /* Staged: not deliverable before the archive committed. */
    assert_int_equal(outbox_take(f->ob, T0 + 10, it, 4), 0);
    assert_int_equal(outbox_next_due(f->ob), -1);
    outbox_release(f->ob, T0 + 5);
    assert_int_equal(outbox_next_due(f->ob), T0 + 5);

    assert_int_equal(outbox_take(f->ob, T0 + 10, it, 4), 2);
    assert_string_equal(it[0].id, a);
    assert_string_equal(it[0].json, "{\"id\":\"a\"}");
    assert_int_equal(it[0].len, 10);
    assert_int_equal(it[0].attempt, 1);
    assert_int_equal(it[0].created_ms, T0);
    /* Taken ones are not handed out twice. */
    struct outbox_item more[4];
    assert_int_equal(outbox_take(f->ob, T0 + 10, more, 4), 0);

    assert_int_equal(outbox_done(f->ob, &it[0], T0 + 20), 0);
    assert_int_equal(outbox_done(f->ob, &it[1], T0 + 20), 0);
    assert_false(exists(f, "", a, ".json"));
    assert_false(exists(f, "", b, ".json"));
    outbox_stats(f->ob, &st);
    assert_int_equal(st.depth, 0);
    assert_int_equal(st.delivered, 2);
    assert_int_equal(st.retries, 0);
}

static void test_unstage(void **state)
{
    struct fx *f = *state;
    char a[33], b[33];
    struct outbox_item it[2];

    stage(f, id_of("a", a), "{}", T0);
    outbox_release(f->ob, T0);
    stage(f, id_of("b", b), "{}", T0);
    /* The commit failed: what it staged goes, what was released stays. */
    outbox_unstage(f->ob);
    assert_false(exists(f, "", b, ".json"));
    assert_true(exists(f, "", a, ".json"));
    assert_int_equal(outbox_take(f->ob, T0, it, 2), 1);
    assert_string_equal(it[0].id, a);
    outbox_done(f->ob, &it[0], T0);
}

static void test_named_only_when_synced(void **state)
{
    struct fx *f = *state;
    char a[33], b[33], *err = NULL;

    id_of("a", a);
    assert_int_equal(outbox_stage(f->ob, a, "{}", 2, T0, &err), 0);
    /* Written, not yet flushed: no entry under its name. */
    assert_false(exists(f, "", a, ".json"));
    assert_true(exists(f, ".tmp-", a, ""));
    assert_int_equal(outbox_sync(f->ob, &err), 0);
    assert_true(exists(f, "", a, ".json"));
    assert_false(exists(f, ".tmp-", a, ""));
    outbox_release(f->ob, T0);
    /* A batch whose commit fails before its sync leaves nothing. */
    assert_int_equal(outbox_stage(f->ob, id_of("b", b), "{}", 2, T0, &err), 0);
    outbox_unstage(f->ob);
    assert_false(exists(f, ".tmp-", b, ""));
    assert_false(exists(f, "", b, ".json"));
    assert_true(exists(f, "", a, ".json"));
}

static void test_restage_same_id(void **state)
{
    struct fx *f = *state;
    char a[33];
    struct outbox_item it[2];
    struct outbox_stats st;

    stage(f, id_of("a", a), "{\"v\":1}", T0);
    outbox_release(f->ob, T0);
    /* A replay of the same article: one entry, the newer record. */
    stage(f, a, "{\"v\":2}", T0 + 50);
    outbox_stats(f->ob, &st);
    assert_int_equal(st.depth, 1);
    assert_int_equal(outbox_take(f->ob, T0 + 60, it, 2), 1);
    assert_string_equal(it[0].json, "{\"v\":2}");
    assert_int_equal(it[0].created_ms, T0);
    outbox_done(f->ob, &it[0], T0 + 60);
}

static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(outbox_backoff(&POLICY, 1), 100);
    assert_int_equal(outbox_backoff(&POLICY, 2), 200);
    assert_int_equal(outbox_backoff(&POLICY, 4), 800);
    assert_int_equal(outbox_backoff(&POLICY, 5), 1000);
    assert_int_equal(outbox_backoff(&POLICY, 500), 1000);
}

static void test_retry_schedule(void **state)
{
    struct fx *f = *state;
    char a[33];
    struct outbox_item it[1];
    struct outbox_stats st;
    int64_t now = T0;

    stage(f, id_of("a", a), "{}", now);
    outbox_release(f->ob, now);
    int64_t expect[] = {100, 200, 400, 800, 1000, 1000};
    for (size_t k = 0; k < sizeof expect / sizeof *expect; k++) {
        assert_int_equal(outbox_take(f->ob, now, it, 1), 1);
        assert_int_equal(it[0].attempt, k + 1);
        it[0].error = strdup("HTTP 500");
        assert_int_equal(outbox_done(f->ob, &it[0], now), 0);
        assert_int_equal(outbox_next_due(f->ob), now + expect[k]);
        /* Nothing before its time. */
        assert_int_equal(outbox_take(f->ob, now + expect[k] - 1, it, 1), 0);
        now += expect[k];
    }
    outbox_stats(f->ob, &st);
    assert_int_equal(st.retries, 6);
    assert_int_equal(st.depth, 1);
    json_t *list = outbox_list(f->ob, false, 10);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "error")), "HTTP 500");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "attempts")), 6);
    json_decref(list);
    assert_int_equal(outbox_take(f->ob, now, it, 1), 1);
    assert_int_equal(outbox_done(f->ob, &it[0], now), 0);
    assert_false(exists(f, "", a, ".json"));
}

static void test_dead_letter(void **state)
{
    struct fx *f = *state;
    char a[33];
    struct outbox_item it[1];
    struct outbox_stats st;

    stage(f, id_of("a", a), "{\"x\":1}", T0);
    outbox_release(f->ob, T0);
    assert_int_equal(outbox_take(f->ob, T0, it, 1), 1);
    it[0].error = strdup("receiver down");
    /* Younger than dead_after_ms: retried. */
    assert_int_equal(outbox_done(f->ob, &it[0], T0 + 59999), 0);
    assert_int_equal(outbox_take(f->ob, T0 + 70000, it, 1), 1);
    it[0].error = strdup("still down");
    assert_int_equal(outbox_done(f->ob, &it[0], T0 + 70000), 1);

    assert_false(exists(f, "", a, ".json"));
    assert_true(exists(f, "dead", a, ".json"));
    assert_true(exists(f, "dead", a, ".reason"));
    outbox_stats(f->ob, &st);
    assert_int_equal(st.depth, 0);
    assert_int_equal(st.dead, 1);
    assert_int_equal(st.died, 1);
    assert_int_equal(outbox_next_due(f->ob), -1);

    json_t *dead = outbox_list(f->ob, true, 10);
    assert_int_equal(json_array_size(dead), 1);
    json_t *d = json_array_get(dead, 0);
    assert_string_equal(json_string_value(json_object_get(d, "id")), a);
    assert_string_equal(json_string_value(json_object_get(d, "error")), "still down");
    assert_int_equal(json_integer_value(json_object_get(d, "attempts")), 2);
    assert_non_null(json_string_value(json_object_get(d, "created")));
    json_decref(dead);

    /* Counted again after a restart. */
    reopen(f);
    outbox_stats(f->ob, &st);
    assert_int_equal(st.dead, 1);
    assert_int_equal(st.depth, 0);
}

static void test_reload_after_crash(void **state)
{
    struct fx *f = *state;
    char a[33], b[33], c[33];
    struct outbox_item it[4];
    char path[64], full[256];

    /* a: released and waiting; b: staged, its commit's fate unknown; a
     * tmp file of a stage that never got renamed. */
    stage(f, id_of("a", a), "{\"a\":1}", T0);
    outbox_release(f->ob, T0);
    stage(f, id_of("b", b), "{\"b\":1}", T0 + 1);
    snprintf(path, sizeof path, ".tmp-%s", id_of("c", c));
    temp_dir_write(f->box, path, "newsd-outbox 1 0 2 x\n{}");
    reopen(f);

    snprintf(full, sizeof full, "%s/.tmp-%s", f->box, c);
    assert_int_equal(access(full, F_OK), -1);
    /* Both are due at once, oldest first: a repeat is allowed, a loss not. */
    assert_int_equal(outbox_take(f->ob, T0 + 2, it, 4), 2);
    assert_string_equal(it[0].id, a);
    assert_string_equal(it[1].id, b);
    assert_string_equal(it[1].json, "{\"b\":1}");
    assert_int_equal(it[1].created_ms, T0 + 1);
    outbox_done(f->ob, &it[0], T0 + 3);
    outbox_done(f->ob, &it[1], T0 + 3);
}

static void write_raw(struct fx *f, const char *id, const char *text)
{
    char name[64];
    snprintf(name, sizeof name, "%s.json", id);
    temp_dir_write(f->box, name, text);
}

static void test_corrupt_entries(void **state)
{
    struct fx *f = *state;
    char good[33], trunc[33], bad_sum[33], no_header[33], sum[33];
    char text[256];
    struct outbox_item it[8];
    struct outbox_stats st;

    stage(f, id_of("good", good), "{\"ok\":true}", T0);
    outbox_release(f->ob, T0);
    hash_id((const unsigned char *)"{\"ok\":true}", 11, sum);
    snprintf(text, sizeof text, "newsd-outbox 1 %lld 20 %s\n{\"ok\":true}", T0, sum);
    write_raw(f, id_of("trunc", trunc), text);
    snprintf(text, sizeof text, "newsd-outbox 1 %lld 11 %s\n{\"ok\":fals}", T0, sum);
    write_raw(f, id_of("sum", bad_sum), text);
    write_raw(f, id_of("hdr", no_header), "{\"ok\":true}");
    temp_dir_write(f->box, "notes.txt", "left by an operator");
    reopen(f);

    outbox_stats(f->ob, &st);
    assert_int_equal(st.depth, 1);
    assert_int_equal(st.dead, 3);
    assert_true(exists(f, "dead", trunc, ".reason"));
    assert_true(exists(f, "dead", bad_sum, ".reason"));
    assert_true(exists(f, "dead", no_header, ".reason"));
    char path[256];
    snprintf(path, sizeof path, "%s/notes.txt", f->box);
    assert_int_equal(access(path, F_OK), 0);
    json_t *dead = outbox_list(f->ob, true, 10);
    size_t i;
    json_t *d;
    json_array_foreach(dead, i, d)
        assert_non_null(strstr(json_string_value(json_object_get(d, "error")), "corrupt"));
    json_decref(dead);

    /* Changed after it was loaded: found at take, never delivered half. */
    write_raw(f, good, "newsd-outbox 1 0 3 0\n{}");
    assert_int_equal(outbox_take(f->ob, T0, it, 8), 0);
    outbox_stats(f->ob, &st);
    assert_int_equal(st.depth, 0);
    assert_int_equal(st.dead, 4);
}

static void test_folder_gone(void **state)
{
    struct fx *f = *state;
    char a[33], b[33], cmd[TEMP_DIR_MAX + 32];
    struct outbox_item it[4];
    struct outbox_stats st;

    stage(f, id_of("a", a), "{}", T0);
    outbox_release(f->ob, T0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->box);
    assert_int_equal(system(cmd), 0);
    /* The next stage makes the folder again. */
    stage(f, id_of("b", b), "{\"b\":1}", T0 + 1);
    outbox_release(f->ob, T0 + 1);
    assert_true(exists(f, "", b, ".json"));
    /* a's file went with the folder: a dead letter, b goes out. */
    assert_int_equal(outbox_take(f->ob, T0 + 2, it, 4), 1);
    assert_string_equal(it[0].id, b);
    outbox_done(f->ob, &it[0], T0 + 2);
    outbox_stats(f->ob, &st);
    assert_int_equal(st.depth, 0);
    assert_int_equal(st.died, 1);
}

static void test_refuses(void **state)
{
    struct fx *f = *state;
    char *err = NULL;
    assert_int_equal(outbox_stage(f->ob, "../../etc/passwd", "{}", 2, T0, &err), -1);
    assert_non_null(strstr(err, "not an article id"));
    free(err);
    err = NULL;
    struct outbox *ob = NULL;
    assert_int_equal(outbox_open(&ob, "/proc/no/such/outbox", &POLICY, &err), -1);
    assert_non_null(strstr(err, "/proc/no/such/outbox"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stage_release_ack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unstage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_named_only_when_synced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restage_same_id, setup, teardown),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test_setup_teardown(test_retry_schedule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dead_letter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reload_after_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
