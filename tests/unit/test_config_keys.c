/* Unit tests: key checks of configuration sections (config_keys.h), the
 * lines every key keeps, and the capture of a plugin's error lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "temp_dir.h"
#include "config_keys.h"
#include "log.h"

static char dir[TEMP_DIR_MAX];

static void write_file(const char *name, const char *text)
{
    temp_dir_write(dir, name, text);
}

static int setup(void **state)
{
    (void)state;
    temp_dir_make(dir, "keys");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return temp_dir_remove(dir);
}

static char *load(const char *text, struct daemon_config *cfg)
{
    char path[256];
    char *err = NULL;
    write_file("newsd.ini", text);
    snprintf(path, sizeof path, "%s/newsd.ini", dir);
    if (config_load(path, NULL, cfg, &err) == 0)
        return NULL;
    assert_non_null(err);
    return err;
}

static const struct newsd_config_key sqlite_like[] = {
    {"path", NULL}, {"busy_timeout_ms", NULL}, {NULL, NULL},
};
static const struct newsd_config_key lua_limits[] = {
    {"max_instructions", NULL}, {"max_memory", NULL}, {NULL, NULL},
};
static const struct newsd_config_key scorer_like[] = {
    {"rule.", NULL}, {NULL, NULL},
};
static const struct newsd_config_key tagger_like[] = {
    {"words", NULL}, {"tag", NULL}, {"prefix", NULL}, {"match", NULL}, {NULL, NULL},
};

/* The suggestion for key among the core keys and table. */
static const char *suggest(const char *key, const struct newsd_config_key *table, char *buf, size_t size)
{
    const struct newsd_config_key *const tables[] = {config_plugin_core_keys, lua_limits, table};
    struct key_suggestion s;
    config_key_suggestion_init(&s);
    for (size_t t = 0; t < 3; t++)
        for (const struct newsd_config_key *k = tables[t]; k->name; k++)
            config_key_offer(&s, key, k->name);
    const char *near = config_key_suggested(&s, key);
    if (!near)
        return NULL;
    snprintf(buf, size, "%s", near);
    return buf;
}

static void test_distance(void **state)
{
    (void)state;
    assert_int_equal(config_key_distance("path", "path"), 0);
    assert_int_equal(config_key_distance("paht", "path"), 1);       /* a swap is one edit */
    assert_int_equal(config_key_distance("requird", "required"), 1);
    assert_int_equal(config_key_distance("max_instrutions", "max_instructions"), 1);
    assert_int_equal(config_key_distance("", "tag"), 3);
    assert_int_equal(config_key_distance("abc", "xyz"), 3);
    assert_int_equal(config_key_distance("kitten", "sitting"), 3);
}

static void test_suggestions(void **state)
{
    (void)state;
    char buf[128];
    assert_string_equal(suggest("requird", tagger_like, buf, sizeof buf), "required");
    assert_string_equal(suggest("max_instrutions", tagger_like, buf, sizeof buf), "max_instructions");
    assert_string_equal(suggest("paht", sqlite_like, buf, sizeof buf), "path");
    assert_string_equal(suggest("busy_timeout", sqlite_like, buf, sizeof buf), "busy_timeout_ms");
    assert_string_equal(suggest("tga", tagger_like, buf, sizeof buf), "tag");
    assert_string_equal(suggest("wrods", tagger_like, buf, sizeof buf), "words");
    /* A family keeps the member's own name. */
    assert_string_equal(suggest("rul.B", scorer_like, buf, sizeof buf), "rule.B");
    assert_string_equal(suggest("rules.AI_CHIPS", scorer_like, buf, sizeof buf), "rule.AI_CHIPS");
    assert_string_equal(suggest("rule", scorer_like, buf, sizeof buf), "rule.NAME");
    /* Nothing close: no guess. */
    assert_null(suggest("colour", tagger_like, buf, sizeof buf));
    assert_null(suggest("x", sqlite_like, buf, sizeof buf));
    assert_null(suggest("conninfo", sqlite_like, buf, sizeof buf));
}

static void test_families(void **state)
{
    (void)state;
    assert_true(config_key_matches("rule.", "rule.AI_CHIPS"));
    assert_true(config_key_matches("rule.*", "rule.AI_CHIPS"));
    assert_false(config_key_matches("rule.", "rule."));
    assert_false(config_key_matches("rule.", "rules.X"));
    assert_false(config_key_matches("rule.", "rule"));
    assert_true(config_key_matches("path", "path"));
    assert_false(config_key_matches("path", "path2"));
}

/* Check section name of the loaded cfg against the core keys and table. */
static char *check_section(const struct daemon_config *cfg, const char *name,
                           const struct newsd_config_key *table)
{
    for (size_t i = 0; i < cfg->n_plugins; i++) {
        if (strcmp(cfg->plugins[i].name, name) != 0)
            continue;
        const struct newsd_config_key *const tables[] = {config_plugin_core_keys, table};
        char *err = NULL;
        if (config_keys_check(&cfg->plugins[i], tables, 2, &err) == 0)
            return NULL;
        assert_non_null(err);
        return err;
    }
    fail_msg("no section %s", name);
    return NULL;
}

static void test_unknown_keys_name_file_and_line(void **state)
{
    (void)state;
    struct daemon_config cfg;
    char want[512];
    /* The multi-line value spans lines 4 to 6: the key after it is on 7. */
    assert_null(load("; comment\n[plugin.t]\nso = t.so\nwords = one,\n  two,\n  three\nrequird = true\n"
                     "tag = x\n\n[plugin.db]\nso = archive_sqlite.so\npaht = x.db\ncolour = blue\n",
                     &cfg));
    char *err = check_section(&cfg, "t", tagger_like);
    snprintf(want, sizeof want, "%s/newsd.ini:7: [plugin.t] unknown key 'requird' (did you mean 'required'?)", dir);
    assert_string_equal(err, want);
    free(err);
    /* Every unknown key of the section, each with its line. */
    err = check_section(&cfg, "db", sqlite_like);
    snprintf(want, sizeof want,
             "%s/newsd.ini:12: [plugin.db] unknown key 'paht' (did you mean 'path'?); "
             "%s/newsd.ini:13: [plugin.db] unknown key 'colour'", dir, dir);
    assert_string_equal(err, want);
    free(err);
    assert_int_equal(config_section_find(&cfg.plugins[0], "words")->line, 4);
    assert_string_equal(config_section_find(&cfg.plugins[0], "words")->value, "one,\ntwo,\nthree");
    assert_int_equal(cfg.plugins[1].line, 10);
    config_free(&cfg);
}

static void test_conf_d_keys_keep_their_own_file(void **state)
{
    (void)state;
    struct daemon_config cfg;
    char path[256], want[512];
    snprintf(path, sizeof path, "%s/conf.d", dir);
    mkdir(path, 0755);
    write_file("conf.d/10-site.ini", "; site\n\n[plugin.t]\ntag = site\nwrods = a\n");
    assert_null(load("[plugin.t]\nso = t.so\nwords = a\ntag = main\n", &cfg));
    const struct config_kv *tag = config_section_find(&cfg.plugins[0], "tag");
    snprintf(want, sizeof want, "%s/conf.d/10-site.ini", dir);
    assert_string_equal(tag->file, want);   /* the override's place */
    assert_int_equal(tag->line, 4);
    assert_int_equal(config_section_find(&cfg.plugins[0], "words")->line, 3);
    char *err = check_section(&cfg, "t", tagger_like);
    snprintf(want, sizeof want, "%s/conf.d/10-site.ini:5: [plugin.t] unknown key 'wrods' (did you mean 'words'?)",
             dir);
    assert_string_equal(err, want);
    free(err);
    config_free(&cfg);
    snprintf(path, sizeof path, "rm -rf %s/conf.d", dir);
    assert_int_equal(system(path), 0);
}

static void test_long_lines_are_refused_on_their_line(void **state)
{
    (void)state;
    struct daemon_config cfg;
    /* Longer than inih's line buffer: it would read the rest as lines of
     * their own (numbered on), so the line is refused, saying which. */
    char text[4096];
    char words[1500];
    memset(words, 'a', sizeof words - 1);
    words[sizeof words - 1] = '\0';
    snprintf(text, sizeof text, "[plugin.t]\nso = t.so\nwords = %s\nmatch = word\npaht = x\n", words);
    char *err = load(text, &cfg);
    assert_non_null(err);
    assert_non_null(strstr(err, "newsd.ini:3: the line is longer than"));
    free(err);
    /* A line that fits, then keys after it keep their lines. */
    snprintf(text, sizeof text, "[plugin.t]\nso = t.so\nwords = %.150s\nmatch = word\npaht = x\n", words);
    assert_null(load(text, &cfg));
    assert_int_equal(config_section_find(&cfg.plugins[0], "paht")->line, 5);
    config_free(&cfg);
}

static void test_daemon_keys_suggest(void **state)
{
    (void)state;
    struct daemon_config cfg;
    char want[256];
    char *err = load("[daemon]\nstate_dir = /tmp\n\nworker = 2\n", &cfg);
    snprintf(want, sizeof want, "%s/newsd.ini:4: [daemon] unknown key 'worker' (did you mean 'workers'?)", dir);
    assert_string_equal(err, want);
    free(err);
    err = load("[daemon]\nlog_levle = info\n", &cfg);
    assert_non_null(strstr(err, "newsd.ini:2: [daemon] unknown key 'log_levle' (did you mean 'log_level'?)"));
    free(err);
    err = load("[daemon]\nfrobnicate = 1\n", &cfg);
    snprintf(want, sizeof want, "%s/newsd.ini:2: [daemon] unknown key 'frobnicate'", dir);
    assert_string_equal(err, want);
    free(err);
}

static void test_capture_keeps_error_lines(void **state)
{
    (void)state;
    int level = log_get_level();
    log_set_level(NEWSD_LOG_ERROR);   /* the lines are still written: keep the test's output short */
    log_set_plugin("t");
    log_capture_begin();
    newsd_log(NEWSD_LOG_WARNING, "a warning is not captured");
    newsd_log(NEWSD_LOG_ERROR, "path: cannot open %s", "x.db");
    newsd_log(NEWSD_LOG_ERROR, "second");
    char *got = log_capture_end();
    log_set_plugin(NULL);
    assert_string_equal(got, "path: cannot open x.db; second");
    free(got);
    /* Nothing between begin and end, and nothing after end. */
    log_capture_begin();
    assert_null(log_capture_end());
    newsd_log(NEWSD_LOG_ERROR, "after the capture");
    log_capture_begin();
    assert_null(log_capture_end());
    log_set_level(level);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_suggestions),
        cmocka_unit_test(test_families),
        cmocka_unit_test_setup_teardown(test_unknown_keys_name_file_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf_d_keys_keep_their_own_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_lines_are_refused_on_their_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_daemon_keys_suggest, setup, teardown),
        cmocka_unit_test(test_capture_keeps_error_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
