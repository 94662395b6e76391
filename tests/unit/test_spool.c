/* Unit tests for daemon/spool.c: folders deleted, moved or replaced under
 * a held fd (spool_check), the workers' journals following a new work/,
 * and the reprocess names (listed for resume, refused as producers' names,
 * shown without their dot in failed/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"

#define ID "0123456789abcdef0123456789abcdef"

struct fixture {
    char dir[64];
    struct spool spool;
    struct spool_fault faults[8];
    size_t n_faults;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char *err = NULL;
    strcpy(f->dir, "/tmp/newsd-test-spool-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(spool_open(&f->spool, f->dir, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    spool_close(&f->spool);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    return rc;
}

static void on_fault(void *ud, const struct spool_fault *fault)
{
    struct fixture *f = ud;
    assert_true(f->n_faults < 8);
    f->faults[f->n_faults++] = *fault;
}

static int check(struct fixture *f)
{
    f->n_faults = 0;
    return spool_check(&f->spool, on_fault, f);
}

/* A shell command in the state dir. */
static void sh(struct fixture *f, const char *what)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cd %s && %s", f->dir, what);
    assert_int_equal(system(cmd), 0);
}

/* fd names the folder at f->dir/sub now (same inode, still linked). */
static void assert_names(struct fixture *f, int fd, const char *sub)
{
    char path[256];
    struct stat a, b;
    snprintf(path, sizeof path, "%s/%s", f->dir, sub);
    assert_int_equal(fstat(fd, &a), 0);
    assert_int_equal(stat(path, &b), 0);
    assert_true(a.st_nlink > 0);
    assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
}

static void test_nothing_wrong(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(check(f), 0);
    assert_int_equal(check(f), 0);
}

/* rm -rf work/: made again, and the fd keeps its number (the workers and
 * the archiver hold copies of it), journals included. */
static void test_work_deleted(void **state)
{
    struct fixture *f = *state;
    int work = f->spool.work_fd;
    int journal = spool_journal_open(&f->spool, 0);
    assert_true(journal >= 0);

    sh(f, "rm -rf work");
    assert_int_equal(check(f), 1);
    assert_int_equal(f->faults[0].folder, SPOOL_WORK);
    assert_int_equal(f->faults[0].kind, SPOOL_DELETED);
    assert_true(f->faults[0].made);
    assert_false(f->faults[0].adopted);
    assert_int_equal(f->faults[0].err, 0);
    assert_string_equal(f->faults[0].name, "work/");
    assert_int_equal(f->spool.work_fd, work);
    assert_names(f, work, "work");

    /* A write through the journal's old number lands in the new work/. */
    assert_int_equal(pwrite(journal, "x", 1, 0), 1);
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/work/.inflight-0", f->dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 1);

    /* A claim goes into the new folder. */
    sh(f, "echo a > inbox/a.txt");
    assert_int_equal(spool_claim(&f->spool, "a.txt"), 0);
    assert_int_equal(faccessat(work, "a.txt", F_OK, 0), 0);
    assert_int_equal(check(f), 0);
    close(journal);
}

/* A new inbox someone else made at the path is adopted, not replaced. */
static void test_inbox_recreated_by_someone(void **state)
{
    struct fixture *f = *state;
    sh(f, "rm -rf inbox && mkdir inbox && echo b > inbox/b.txt");
    assert_int_equal(check(f), 1);
    assert_int_equal(f->faults[0].folder, SPOOL_INBOX);
    assert_int_equal(f->faults[0].kind, SPOOL_DELETED);
    assert_true(f->faults[0].adopted);
    assert_false(f->faults[0].made);
    assert_names(f, f->spool.inbox_fd, "inbox");
    assert_int_equal(spool_claim(&f->spool, "b.txt"), 0);
}

static void test_moved_away(void **state)
{
    struct fixture *f = *state;
    sh(f, "mv failed failed.old");
    assert_int_equal(check(f), 1);
    assert_int_equal(f->faults[0].folder, SPOOL_FAILED);
    assert_int_equal(f->faults[0].kind, SPOOL_MOVED);
    assert_true(f->faults[0].made);
    assert_names(f, f->spool.failed_fd, "failed");
}

/* A file at the folder's place: not repaired, found again each time, and
 * repaired once the file is gone. */
static void test_cannot_be_made(void **state)
{
    struct fixture *f = *state;
    sh(f, "rm -rf tmp && touch tmp");
    assert_int_equal(check(f), 1);
    assert_int_equal(f->faults[0].folder, SPOOL_TMP);
    assert_int_equal(f->faults[0].err, -ENOTDIR);
    assert_false(f->faults[0].made || f->faults[0].adopted);
    assert_int_equal(check(f), 1);
    sh(f, "rm tmp");
    assert_int_equal(check(f), 1);
    assert_true(f->faults[0].made);
    assert_int_equal(check(f), 0);
}

/* The whole state dir: made again first, then everything in it. */
static void test_state_dir_deleted(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(check(f), 5);
    assert_int_equal(f->faults[0].folder, SPOOL_STATE_DIR);
    assert_true(f->faults[0].made);
    for (size_t i = 1; i < 5; i++) {
        assert_int_equal(f->faults[i].kind, SPOOL_DELETED);
        assert_true(f->faults[i].made);
    }
    assert_names(f, f->spool.work_fd, "work");
    assert_names(f, f->spool.inbox_fd, "inbox");
    assert_int_equal(check(f), 0);
}

/* archive/: held once it exists, reported when gone, never made here. */
static void test_archive_folder(void **state)
{
    struct fixture *f = *state;
    assert_true(f->spool.archive_fd < 0);
    sh(f, "mkdir archive");
    spool_hold_archive(&f->spool);
    assert_true(f->spool.archive_fd >= 0);
    sh(f, "rm -rf archive");
    assert_int_equal(check(f), 1);
    assert_int_equal(f->faults[0].folder, SPOOL_ARCHIVE);
    assert_false(f->faults[0].made || f->faults[0].adopted);
    assert_true(f->spool.archive_fd < 0);
    char path[256];
    snprintf(path, sizeof path, "%s/archive", f->dir);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(check(f), 0);
    sh(f, "mkdir archive");   /* the reloaded plugin makes it: adopted */
    assert_int_equal(check(f), 0);
    assert_true(f->spool.archive_fd >= 0);
}

static void test_reprocess_names(void **state)
{
    struct fixture *f = *state;
    char **names;
    size_t n;

    assert_true(spool_is_reprocess_name(".reprocess-" ID));
    assert_false(spool_is_reprocess_name("reprocess-" ID));
    assert_false(spool_is_reprocess_name(".reprocess-" ID ".tmp"));
    assert_false(spool_is_reprocess_name(".reprocess-0123"));
    assert_false(spool_is_reprocess_name(".inflight-0"));

    /* Resume lists articles and reprocess files, not the daemon's other
     * dot-files nor a half-placed reprocess file. */
    sh(f, "echo a > work/a.txt && echo b > work/.reprocess-" ID " && echo c > work/.reprocess-" ID ".tmp && "
          "echo 1 > work/.attempts");
    assert_int_equal(spool_list_work(&f->spool, &names, &n), 0);
    assert_int_equal(n, 2);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        seen |= strcmp(names[i], "a.txt") == 0 ? 1 : strcmp(names[i], ".reprocess-" ID) == 0 ? 2 : 4;
        free(names[i]);
    }
    free(names);
    assert_int_equal(seen, 3);

    /* In failed/ without the dot: visible, and an ordinary article when
     * moved back into the inbox. */
    assert_int_equal(spool_fail(&f->spool, ".reprocess-" ID, ID, NULL, "a test"), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/failed/reprocess-" ID, f->dir);
    assert_int_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/failed/reprocess-" ID ".reason", f->dir);
    assert_int_equal(access(path, F_OK), 0);
}

/* A cause of several lines (a Lua traceback) stays one field of the
 * sidecar: the breaks and tabs become a space, other spaces stay. */
static void test_sidecar_cause_one_line(void **state)
{
    struct fixture *f = *state;
    sh(f, "echo a > work/tb.txt");
    assert_int_equal(spool_fail(&f->spool, "tb.txt", NULL, "boom",
                                "Lua error: boom.lua:4: boom  found\nstack traceback:\n\t[C]: in function 'error'\r\n"),
                     0);
    char path[256], text[1024];
    snprintf(path, sizeof path, "%s/failed/tb.txt.reason", f->dir);
    FILE *fh = fopen(path, "r");
    assert_non_null(fh);
    size_t n = fread(text, 1, sizeof text - 1, fh);
    fclose(fh);
    text[n] = '\0';
    assert_non_null(strstr(text, "\ncause: Lua error: boom.lua:4: boom  found stack traceback: [C]: in function "
                                 "'error' \nplugin: boom\n"));
    assert_null(strchr(text, '\t'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nothing_wrong, setup, teardown),
        cmocka_unit_test_setup_teardown(test_work_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inbox_recreated_by_someone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_away, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cannot_be_made, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_dir_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_archive_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reprocess_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sidecar_cause_one_line, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
