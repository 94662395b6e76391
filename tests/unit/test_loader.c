/* Unit tests: the C plugin loader's checks and stage dispatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "article.h"
#include "config.h"
#include "plugins.h"

#define ARCHIVE_SO FIXTURE_DIR "/../../plugins/archive_fs.so"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/newsd-test-loader-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static int load_flags(const char *sections, unsigned flags, struct daemon_config *cfg,
                      struct plugin_set **set, char **err);

/* Load a config made of the given plugin sections plus an archive. */
static int load(const char *sections, struct daemon_config *cfg, struct plugin_set **set, char **err)
{
    return load_flags(sections, PLUGIN_LOAD_NO_ARCHIVE_INIT, cfg, set, err);
}

static int load_flags(const char *sections, unsigned flags, struct daemon_config *cfg,
                      struct plugin_set **set, char **err)
{
    char path[256];
    snprintf(path, sizeof path, "%s/newsd.ini", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "[daemon]\nstate_dir = %s/state\n%s\n", dir, sections);
    fclose(f);
    *err = NULL;
    if (config_load(path, NULL, cfg, err) < 0)
        return -1;
    int rc = plugin_set_load(cfg, flags, set, err);
    config_free(cfg);
    return rc;
}

static void expect_refusal(const char *sections, const char *const *words)
{
    struct daemon_config cfg;
    struct plugin_set *set = NULL;
    char *err = NULL;
    assert_int_equal(load(sections, &cfg, &set, &err), -1);
    assert_non_null(err);
    for (; *words; words++)
        if (!strstr(err, *words))
            fail_msg("error \"%s\" lacks \"%s\"", err, *words);
    free(err);
}

static void test_good_plugin_loads_and_tags(void **state)
{
    (void)state;
    struct daemon_config cfg;
    struct plugin_set *set;
    char *err;
    assert_int_equal(load("[plugin.good]\nso = " FIXTURE_DIR "/fixture_good.so\n"
                          "[plugin.archive]\nso = " ARCHIVE_SO "\n",
                          &cfg, &set, &err), 0);
    assert_int_equal(set->n, 2);
    assert_true(set->stages & NEWSD_STAGE_TAG);
    assert_true(set->stages & NEWSD_STAGE_ARCHIVE);

    struct newsd_article *a = article_new("x.txt", 0);
    const char *plugin = NULL;
    char *cause = NULL;
    assert_int_equal(plugin_set_run_stage(set, NEWSD_STAGE_TAG, a, &plugin, &cause), 0);
    assert_int_equal(a->n_tags, 1);
    assert_string_equal(a->tags[0].name, "fixture:seen");
    assert_string_equal(a->tags[0].plugin, "good");
    article_free(a);
    plugin_set_free(set);
}

static void test_failing_plugin_required_or_not(void **state)
{
    (void)state;
    struct daemon_config cfg;
    struct plugin_set *set;
    char *err;
    assert_int_equal(load("[plugin.opt]\nso = " FIXTURE_DIR "/fixture_good.so\nfail_on = boom\n"
                          "[plugin.req]\nso = " FIXTURE_DIR "/fixture_good.so\nfail_on = boom\nrequired = true\n"
                          "[plugin.archive]\nso = " ARCHIVE_SO "\n",
                          &cfg, &set, &err), 0);
    struct newsd_article *a = article_new("x.txt", 0);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_BODY, "it goes boom"), NEWSD_OK);
    const char *plugin = NULL;
    char *cause = NULL;
    assert_int_equal(plugin_set_run_stage(set, NEWSD_STAGE_TAG, a, &plugin, &cause), -1);
    assert_string_equal(plugin, "req");
    assert_non_null(strstr(cause, "body contains \"boom\""));
    assert_int_equal(a->n_tags, 0);
    free(cause);
    article_free(a);
    plugin_set_free(set);
}

static void test_refusals(void **state)
{
    (void)state;
    expect_refusal("[plugin.x]\nso = " FIXTURE_DIR "/fixture_bad_abi.so\n[plugin.archive]\nso = " ARCHIVE_SO "\n",
                   (const char *[]){"plugin x", "fixture_bad_abi.so", "ABI 999", "rebuild", NULL});
    expect_refusal("[plugin.x]\nso = " FIXTURE_DIR "/fixture_no_descriptor.so\n[plugin.archive]\nso = " ARCHIVE_SO "\n",
                   (const char *[]){"plugin x", "fixture_no_descriptor.so", "not a newsd plugin", NULL});
    expect_refusal("[plugin.x]\nso = " FIXTURE_DIR "/fixture_init_fails.so\n[plugin.archive]\nso = " ARCHIVE_SO "\n",
                   (const char *[]){"plugin x", "init failed", NULL});
    expect_refusal("[plugin.x]\nso = " FIXTURE_DIR "/fixture_prepare_no_archive.so\n[plugin.archive]\nso = " ARCHIVE_SO "\n",
                   (const char *[]){"plugin x", "prepare()", "no archive stage", NULL});
    expect_refusal("[plugin.x]\nso = /nonexistent/plugin.so\n[plugin.archive]\nso = " ARCHIVE_SO "\n",
                   (const char *[]){"plugin x", "/nonexistent/plugin.so", "no such file", NULL});
    expect_refusal("[plugin.x]\nso = no_such_plugin.so\n[plugin.archive]\nso = " ARCHIVE_SO "\n",
                   (const char *[]){"plugin x", "no_such_plugin.so", "not found", NULL});
    expect_refusal("[plugin.x]\nrequired = true\n[plugin.archive]\nso = " ARCHIVE_SO "\n",
                   (const char *[]){"plugin x", "so = FILE.so", NULL});
    expect_refusal("[plugin.x]\nso = " FIXTURE_DIR "/fixture_good.so\nrequired = perhaps\n[plugin.archive]\nso = " ARCHIVE_SO "\n",
                   (const char *[]){"plugin x", "required", NULL});
    expect_refusal("[plugin.x]\nso = " FIXTURE_DIR "/fixture_good.so\n",
                   (const char *[]){"no archive plugin", NULL});
    /* a shared object that is no plugin at all */
    expect_refusal("[plugin.x]\nso = /lib/x86_64-linux-gnu/libm.so.6\n[plugin.archive]\nso = " ARCHIVE_SO "\n",
                   (const char *[]){"not a newsd plugin", NULL});
    /* a file that is not a shared object */
    expect_refusal("[plugin.x]\nso = " SOURCE_ROOT "/meson.build\n[plugin.archive]\nso = " ARCHIVE_SO "\n",
                   (const char *[]){"plugin x", "cannot load", NULL});
}

static void test_bare_names_use_plugin_dir(void **state)
{
    (void)state;
    struct daemon_config cfg;
    struct plugin_set *set;
    char *err;
    assert_int_equal(load("plugin_dir = " FIXTURE_DIR "\n[plugin.good]\nso = fixture_good.so\n"
                          "[plugin.archive]\nso = " ARCHIVE_SO "\n",
                          &cfg, &set, &err), 0);
    assert_non_null(strstr(set->v[0].path, FIXTURE_DIR "/fixture_good.so"));
    plugin_set_free(set);
}

/* An article as a worker has it: its bytes read from a file in work/. */
static struct newsd_article *work_article(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/work", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/work/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    struct newsd_article *a = article_new(name, 1700000000000); /* 2023-11-14 UTC */
    article_set_raw(a, (unsigned char *)strdup(text), strlen(text));
    a->path = strdup(path);
    return a;
}

/* Files under the archive whose names end in suffix. */
static int count_files(const char *suffix)
{
    char cmd[256], line[512];
    snprintf(cmd, sizeof cmd, "find %s/archive -type f -name '*%s'", dir, suffix);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int n = 0;
    while (fgets(line, sizeof line, p))
        n++;
    pclose(p);
    return n;
}

static bool archived(const struct newsd_article *a)
{
    char path[256];
    snprintf(path, sizeof path, "%s/archive/ids/%.2s/%s.json", dir, a->id, a->id);
    return access(path, F_OK) == 0;
}

/* archive_fs's prepare() (ABI 1.5) writes an article's record and links its
 * original ahead; archive() and commit() give them their names.  What was
 * prepared and never archived leaves nothing once the instance goes. */
static void test_archive_fs_prepare(void **state)
{
    (void)state;
    struct daemon_config cfg;
    struct plugin_set *set;
    char *err, sections[256];
    snprintf(sections, sizeof sections, "[plugin.archive]\nso = " ARCHIVE_SO "\ndir = %s/archive\n", dir);
    assert_int_equal(load_flags(sections, 0, &cfg, &set, &err), 0);

    struct newsd_article *a = work_article("one.txt", "Eins\n\nDer erste Text.\n");
    struct newsd_article *b = work_article("two.txt", "Zwei\n\nDer zweite Text.\n");
    struct newsd_article *again = work_article("one-again.txt", "Eins\n\nDer erste Text.\n");
    const char *plugin = NULL;
    char *cause = NULL;
    assert_int_equal(plugin_set_prepare(set, a, &plugin, &cause), NEWSD_OK);
    assert_int_equal(plugin_set_prepare(set, b, &plugin, &cause), NEWSD_OK);
    assert_int_equal(plugin_set_prepare(set, again, &plugin, &cause), NEWSD_OK);
    assert_false(archived(a));

    assert_int_equal(plugin_set_archive(set, a, &plugin, &cause), NEWSD_OK);
    assert_int_equal(plugin_set_archive(set, again, &plugin, &cause), NEWSD_DUPLICATE);
    assert_false(archived(a));
    assert_int_equal(plugin_set_commit(set, &plugin), NEWSD_OK);
    assert_true(archived(a));
    /* a's original and record, and b's, made ahead under their final
     * names; "again" found a's names taken and left none. */
    assert_int_equal(count_files(".orig"), 2);
    assert_int_equal(count_files(".json"), 3); /* a's record and its ids/ link, b's record */
    assert_int_equal(count_files(".tmp"), 0);

    /* b was prepared, never archived: nothing of it stays. */
    plugin_set_free(set);
    assert_false(archived(b));
    assert_int_equal(count_files(".orig"), 1);
    assert_int_equal(count_files(".json"), 2);
    assert_int_equal(count_files(".tmp"), 0);
    article_free(a);
    article_free(b);
    article_free(again);
}

/* Two copies of one article prepared at once: the first holds the final
 * names, the second tmp names.  When the second reaches archive() first,
 * the first is its duplicate, and removing the first's files must leave
 * the second's record and original to be published: one archived copy,
 * whole, nothing left over. */
static void test_archive_fs_copy_with_final_names_is_the_duplicate(void **state)
{
    (void)state;
    struct daemon_config cfg;
    struct plugin_set *set;
    char *err, sections[256];
    snprintf(sections, sizeof sections, "[plugin.archive]\nso = " ARCHIVE_SO "\ndir = %s/archive\n", dir);
    assert_int_equal(load_flags(sections, 0, &cfg, &set, &err), 0);

    const char *text = "Drei\n\nDer dritte Text, in zwei Kopien.\n";
    struct newsd_article *first = work_article("first.txt", text);
    struct newsd_article *second = work_article("second.txt", text);
    /* what earlier tests archived stays */
    int origs = count_files(".orig"), jsons = count_files(".json");
    const char *plugin = NULL;
    char *cause = NULL;
    assert_int_equal(plugin_set_prepare(set, first, &plugin, &cause), NEWSD_OK);
    assert_int_equal(plugin_set_prepare(set, second, &plugin, &cause), NEWSD_OK);
    assert_int_equal(count_files(".tmp"), 2); /* second's record and original */
    assert_int_equal(plugin_set_archive(set, second, &plugin, &cause), NEWSD_OK);
    assert_int_equal(plugin_set_archive(set, first, &plugin, &cause), NEWSD_DUPLICATE);
    assert_int_equal(plugin_set_commit(set, &plugin), NEWSD_OK);
    assert_true(archived(second));
    assert_int_equal(count_files(".orig"), origs + 1);
    assert_int_equal(count_files(".json"), jsons + 2); /* the record and its ids/ link */
    assert_int_equal(count_files(".tmp"), 0);

    char rec[256];
    snprintf(rec, sizeof rec, "%s/archive/ids/%.2s/%s.json", dir, second->id, second->id);
    FILE *f = fopen(rec, "r");
    assert_non_null(f);
    char head[64] = "";
    assert_non_null(fgets(head, sizeof head, f));
    fclose(f);
    assert_string_equal(head, "{\n");

    plugin_set_free(set);
    assert_true(archived(second));
    assert_int_equal(count_files(".json"), jsons + 2);
    article_free(first);
    article_free(second);
}

/* An archive without prepare() (every plugin before ABI 1.5): nothing to
 * call, and it archives as before. */
static void test_prepare_without_callback(void **state)
{
    (void)state;
    struct daemon_config cfg;
    struct plugin_set *set;
    char *err;
    assert_int_equal(load("[plugin.good]\nso = " FIXTURE_DIR "/fixture_good.so\n"
                          "[plugin.archive]\nso = " ARCHIVE_SO "\n", &cfg, &set, &err), 0);
    assert_null(set->v[0].desc->prepare);
    assert_non_null(set->v[1].desc->prepare);
    plugin_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_plugin_loads_and_tags),
        cmocka_unit_test(test_failing_plugin_required_or_not),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_bare_names_use_plugin_dir),
        cmocka_unit_test(test_archive_fs_prepare),
        cmocka_unit_test(test_archive_fs_copy_with_final_names_is_the_duplicate),
        cmocka_unit_test(test_prepare_without_callback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
