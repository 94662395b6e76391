/* Unit tests: INI configuration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "temp_dir.h"

static char dir[TEMP_DIR_MAX];

static void write_file(const char *name, const char *text)
{
    temp_dir_write(dir, name, text);
}

static int setup(void **state)
{
    (void)state;
    temp_dir_make(dir, "config");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return temp_dir_remove(dir);
}

static char *load(const char *text, struct daemon_config *cfg, const char *override)
{
    char path[256];
    char *err = NULL;
    write_file("newsd.ini", text);
    snprintf(path, sizeof path, "%s/newsd.ini", dir);
    if (config_load(path, override, cfg, &err) == 0)
        return NULL;
    assert_non_null(err);
    return err;
}

static void test_defaults(void **state)
{
    (void)state;
    struct daemon_config cfg;
    assert_null(load("[plugin.a]\nso = a.so\n", &cfg, NULL));
    assert_string_equal(cfg.state_dir, "/var/lib/newsd");
    assert_int_equal(cfg.workers, 0);
    assert_int_equal(cfg.max_article_bytes, 16u << 20);
    assert_int_equal(cfg.settle_ms, 500);
    assert_int_equal(cfg.max_attempts, 3);
    assert_int_equal(cfg.stall_s, 60);
    assert_int_equal(cfg.health_hold_s, 300);
    assert_int_equal(cfg.umask, 027);   /* not readable by every local user */
    assert_int_equal(cfg.control_timeout_s, 10);
    assert_int_equal(cfg.control_queries, 2);
    assert_int_equal(cfg.control_query_queue, 16);
    assert_int_equal(cfg.n_plugins, 1);
    config_free(&cfg);
}

static void test_values_and_relative_paths(void **state)
{
    (void)state;
    struct daemon_config cfg;
    char want[300];
    assert_null(load("[daemon]\nstate_dir = var ; inline comment\nworkers = 3\nmax_article_bytes = 1K\n"
                     "settle_ms = 20\nlog_level = debug\nplugin_dir = plug\nstall_s = 5\nhealth_hold_s = 0\n"
                     "data_dir = ../share/newsd\n",
                     &cfg, NULL));
    char real[256];
    assert_non_null(realpath(dir, real));
    snprintf(want, sizeof want, "%s/var", real);
    assert_string_equal(cfg.state_dir, want);
    snprintf(want, sizeof want, "%s/plug", real);
    assert_string_equal(cfg.plugin_dir, want);
    /* data_dir: relative to the file's folder, like plugin_dir. */
    snprintf(want, sizeof want, "%.*s/share/newsd", (int)(strrchr(real, '/') - real), real);
    assert_string_equal(cfg.data_dir, want);
    assert_int_equal(cfg.workers, 3);
    assert_int_equal(cfg.max_article_bytes, 1024);
    assert_int_equal(cfg.settle_ms, 20);
    assert_int_equal(cfg.log_level, 7);
    assert_int_equal(cfg.stall_s, 5);
    assert_int_equal(cfg.health_hold_s, 0);
    config_free(&cfg);
}

static void test_state_dir_override(void **state)
{
    (void)state;
    struct daemon_config cfg;
    assert_null(load("[daemon]\nstate_dir = var\n", &cfg, "/srv/x"));
    assert_string_equal(cfg.state_dir, "/srv/x");
    config_free(&cfg);
}

/* The control socket follows the state directory unless set; empty turns
 * the API off.  metrics_listen is off unless set. */
static void test_control_keys(void **state)
{
    (void)state;
    struct daemon_config cfg;
    char want[300], real[256];
    assert_non_null(realpath(dir, real));

    assert_null(load("[daemon]\nstate_dir = var\n", &cfg, "/srv/x"));
    assert_string_equal(cfg.control_socket, "/srv/x/control.sock");
    assert_null(cfg.metrics_listen);
    config_free(&cfg);

    assert_null(load("[daemon]\ncontrol_socket = run/c.sock\nmetrics_listen = 127.0.0.1:9107\n", &cfg, NULL));
    snprintf(want, sizeof want, "%s/run/c.sock", real);
    assert_string_equal(cfg.control_socket, want);
    assert_string_equal(cfg.metrics_listen, "127.0.0.1:9107");
    config_free(&cfg);

    assert_null(load("[daemon]\ncontrol_socket =\nmetrics_listen =\n", &cfg, NULL));
    assert_null(cfg.control_socket);
    assert_null(cfg.metrics_listen);
    config_free(&cfg);
}

/* The per-article limits: defaults, values, and the range they allow. */
static void test_article_limits(void **state)
{
    (void)state;
    struct daemon_config cfg;
    assert_null(load("[plugin.a]\nso = a.so\n", &cfg, NULL));
    assert_int_equal(cfg.article_limits.max_tags, 1000);
    assert_int_equal(cfg.article_limits.max_score_rules, 1000);
    assert_int_equal(cfg.article_limits.max_meta, 1000);
    assert_int_equal(cfg.article_limits.max_name_bytes, 256);
    config_free(&cfg);

    assert_null(load("[daemon]\nmax_tags = 40000\nmax_score_rules = 5\nmax_meta = 7\n"
                     "max_name_bytes = 64\n", &cfg, NULL));
    assert_int_equal(cfg.article_limits.max_tags, 40000);
    assert_int_equal(cfg.article_limits.max_score_rules, 5);
    assert_int_equal(cfg.article_limits.max_meta, 7);
    assert_int_equal(cfg.article_limits.max_name_bytes, 64);
    config_free(&cfg);

    char *err = load("[daemon]\nmax_tags = 0\n", &cfg, NULL);
    assert_non_null(strstr(err, "max_tags = 0: expected a whole number from 1 to 1000000"));
    free(err);
    err = load("[daemon]\nmax_name_bytes = 100000\n", &cfg, NULL);
    assert_non_null(strstr(err, "max_name_bytes"));
    free(err);
}

static void test_errors_name_file_line_and_cause(void **state)
{
    (void)state;
    struct daemon_config cfg;
    char *err = load("[daemon]\nworkers = 2\nwrokers = 3\n", &cfg, NULL);
    assert_non_null(err);
    assert_non_null(strstr(err, "newsd.ini:3:"));
    assert_non_null(strstr(err, "unknown key 'wrokers'"));
    free(err);

    err = load("[daemon]\nmax_article_bytes = lots\n", &cfg, NULL);
    assert_non_null(strstr(err, "max_article_bytes"));
    free(err);

    err = load("[daemon]\nworkers = -1\n", &cfg, NULL);
    assert_non_null(strstr(err, "whole number"));
    free(err);

    err = load("[daemon]\numask = 0999\n", &cfg, NULL);
    assert_non_null(strstr(err, "octal"));
    free(err);

    assert_null(load("[daemon]\numask = 0007\n", &cfg, NULL));
    assert_int_equal(cfg.umask, 07);
    config_free(&cfg);

    err = load("[deamon]\nworkers = 1\n", &cfg, NULL);
    assert_non_null(strstr(err, "unknown section [deamon]"));
    free(err);

    err = load("[plugin.a b]\nso = x.so\n", &cfg, NULL);
    assert_non_null(strstr(err, "plugin name"));
    free(err);

    err = load("[daemon]\nthis line is broken\n", &cfg, NULL);
    assert_non_null(strstr(err, ":2:"));
    free(err);

    char *e2 = NULL;
    assert_int_equal(config_load("/nonexistent/newsd.ini", NULL, &cfg, &e2), -1);
    assert_non_null(strstr(e2, "/nonexistent/newsd.ini"));
    free(e2);
}

/* [actions]: defaults, a table of one's own, conf.d overrides, and errors
 * that name the file and the line. */
static void test_actions_section(void **state)
{
    (void)state;
    struct daemon_config cfg;
    assert_null(load("[daemon]\nworkers = 1\n", &cfg, NULL));
    assert_int_equal(cfg.actions.n, 3);
    assert_string_equal(actions_choose(&cfg.actions, 6), "alert");
    assert_string_equal(cfg.actions.hide, "discard");
    config_free(&cfg);

    char confd[256];
    snprintf(confd, sizeof confd, "%s/conf.d", dir);
    mkdir(confd, 0755);
    write_file("conf.d/50-actions.ini", "[actions]\npage = 8\n");
    assert_null(load("[actions]\npage = 12\nkeep = -inf\nhide =\n", &cfg, NULL));
    assert_int_equal(cfg.actions.n, 2);
    assert_string_equal(actions_choose(&cfg.actions, 9), "page");   /* conf.d's 8 */
    assert_string_equal(actions_choose(&cfg.actions, 7), "keep");
    assert_string_equal(cfg.actions.hide, "");
    config_free(&cfg);
    char path[256];
    snprintf(path, sizeof path, "%s/conf.d/50-actions.ini", dir);
    unlink(path);

    char *err = load("[daemon]\nworkers = 1\n[actions]\nalert = soon\n", &cfg, NULL);
    assert_non_null(strstr(err, "newsd.ini:4: [actions] alert = soon: expected the lowest score total"));
    free(err);
    err = load("[actions]\nalert = 5\narchive = 0\n", &cfg, NULL);
    assert_non_null(strstr(err, "newsd.ini:3: [actions] no action for a total under 0"));
    free(err);
    err = load("[actions]\nalert = 5\nkeep = -inf\n\nhide = discard\n", &cfg, NULL);
    assert_non_null(strstr(err, "newsd.ini:5: [actions] hide = discard: there is no action discard"));
    free(err);
}

static void test_plugin_sections_keep_order_and_conf_d_overrides(void **state)
{
    (void)state;
    struct daemon_config cfg;
    char path[256];
    snprintf(path, sizeof path, "%s/conf.d", dir);
    mkdir(path, 0755);
    write_file("conf.d/20-site.ini", "[plugin.b]\nwords = site\n[plugin.c]\nso = c.so\n");
    write_file("conf.d/10-pkg.ini", "[plugin.b]\nwords = pkg\nextra = 1\n");
    write_file("conf.d/ignored.txt", "[broken\n");
    assert_null(load("[plugin.a]\nso = a.so\n[plugin.b]\nso = b.so\nwords = main,\n  more\n", &cfg, NULL));
    assert_int_equal(cfg.n_plugins, 3);
    assert_string_equal(cfg.plugins[0].name, "a");
    assert_string_equal(cfg.plugins[1].name, "b");
    assert_string_equal(cfg.plugins[2].name, "c");
    /* 20-site.ini is read after 10-pkg.ini and wins */
    assert_string_equal(config_section_find(&cfg.plugins[1], "words")->value, "site");
    assert_string_equal(config_section_find(&cfg.plugins[1], "extra")->value, "1");
    const struct config_kv *so = config_section_find(&cfg.plugins[2], "so");
    assert_non_null(strstr(so->origin_dir, "conf.d"));
    config_free(&cfg);
    snprintf(path, sizeof path, "rm -rf %s/conf.d", dir);
    assert_int_equal(system(path), 0);
}

/* [topic.NAME]: the instance topic.NAME, keyword_tagger with tag and
 * weights implied, its own keys after them (a multi-line list joined);
 * the keys that would make it another plugin and bad names are refused
 * with the file and line. */
static void test_topic_sections(void **state)
{
    (void)state;
    struct daemon_config cfg;
    assert_null(load("[plugin.ai-chips]\nso = a.so\n[topic.ai-chips]\nwords = KI-Chip 2,\n  Halbleiter\nmax = 3\n",
                     &cfg, NULL));
    assert_int_equal(cfg.n_plugins, 2);
    const struct plugin_section *t = &cfg.plugins[1];
    assert_false(cfg.plugins[0].topic);
    assert_true(t->topic);
    assert_string_equal(t->name, "topic.ai-chips");
    assert_int_equal(t->line, 3);
    assert_string_equal(config_section_find(t, "so")->value, "keyword_tagger.so");
    assert_string_equal(config_section_find(t, "tag")->value, "topic:ai-chips");
    assert_string_equal(config_section_find(t, "weights")->value, "true");
    assert_int_equal(config_section_find(t, "tag")->line, 3);
    assert_string_equal(config_section_find(t, "words")->value, "KI-Chip 2,\nHalbleiter");
    assert_int_equal(config_section_find(t, "words")->line, 4);
    assert_string_equal(config_section_find(t, "max")->value, "3");
    config_free(&cfg);

    /* weights may be turned off: the count-based weight of [plugin.X] */
    assert_null(load("[topic.x]\nwords = a\nweights = false\n", &cfg, NULL));
    assert_string_equal(config_section_find(&cfg.plugins[0], "weights")->value, "false");
    config_free(&cfg);

    static const struct {
        const char *ini, *want;
    } bad[] = {
        {"[topic.x]\nwords = a\nso = other.so\n", "newsd.ini:3: [topic.x] so: a [topic.NAME] section is always keyword_tagger"},
        {"[topic.x]\nlua = t.lua\n", "newsd.ini:2: [topic.x] lua:"},
        {"[topic.x]\nwords = a\ntag = topic:y\n", "newsd.ini:3: [topic.x] tag: [topic.x] always tags topic:x"},
        {"[topic.x]\nprefix = p/\n", "newsd.ini:2: [topic.x] prefix:"},
        {"[topic.a.b]\nwords = a\n", "newsd.ini:2: [topic.a.b]: a topic name may hold only"},
        {"[topic.]\nwords = a\n", "[topic.]: a topic name"},
        {"[topics.x]\nwords = a\n", "[plugin.NAME] or [topic.NAME]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *err = load(bad[i].ini, &cfg, NULL);
        if (!strstr(err, bad[i].want))
            fail_msg("%s: got '%s', want '%s'", bad[i].ini, err, bad[i].want);
        free(err);
    }
}

static void test_multiline_value_is_joined(void **state)
{
    (void)state;
    struct daemon_config cfg;
    assert_null(load("[plugin.a]\nso = a.so\nwords = one,\n  two\n", &cfg, NULL));
    assert_string_equal(config_section_find(&cfg.plugins[0], "words")->value, "one,\ntwo");
    config_free(&cfg);
}

/* A word list of 50,000 continuation lines is joined whole and in linear
 * time: joining by copying the value for every line took 7 s of CPU for
 * this (found by fuzzing the config loader with large inputs). */
static void test_long_multiline_value_is_linear(void **state)
{
    (void)state;
    enum { LINES = 50000 };
    static const char head[] = "[plugin.a]\nso = a.so\nwords = first\n";
    size_t size = sizeof head + LINES * sizeof "  Wort, Begriff\n";
    char *text = malloc(size);
    assert_non_null(text);
    char *p = stpcpy(text, head);
    for (int i = 0; i < LINES; i++)
        p = stpcpy(p, "  Wort, Begriff\n");
    struct daemon_config cfg;
    clock_t t0 = clock();
    assert_null(load(text, &cfg, NULL));
    double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    const char *v = config_section_find(&cfg.plugins[0], "words")->value;
    size_t lines = 0;
    for (const char *q = v; (q = strchr(q, '\n')); q++)
        lines++;
    assert_int_equal(lines, LINES);
    assert_int_equal(strlen(v), strlen("first") + LINES * strlen("\nWort, Begriff"));
    if (cpu > 2.0)
        fail_msg("joining %d lines took %.2f s of CPU: not linear", LINES, cpu);
    config_free(&cfg);
    free(text);
}

static void test_resolve_path_drops_leading_dotdot(void **state)
{
    (void)state;
    char *p;
    p = config_resolve_path("/srv/newsd/config", "../var");
    assert_string_equal(p, "/srv/newsd/var");
    free(p);
    p = config_resolve_path("/srv/newsd/config", "../../x/y");
    assert_string_equal(p, "/srv/x/y");
    free(p);
    p = config_resolve_path("/srv/newsd/config", "..");
    assert_string_equal(p, "/srv/newsd");
    free(p);
    p = config_resolve_path("/config", "../var");
    assert_string_equal(p, "/var");
    free(p);
    p = config_resolve_path("/srv/config", "plug/x.so");
    assert_string_equal(p, "/srv/config/plug/x.so");
    free(p);
    p = config_resolve_path("/srv/config", "/abs");
    assert_string_equal(p, "/abs");
    free(p);
}

static void test_parse_size_and_bool(void **state)
{
    (void)state;
    uint64_t v;
    bool b;
    assert_int_equal(config_parse_size("16M", &v), 0);
    assert_int_equal(v, 16u << 20);
    assert_int_equal(config_parse_size("512k", &v), 0);
    assert_int_equal(v, 512u << 10);
    assert_int_equal(config_parse_size("2GB", &v), 0);
    assert_int_equal(v, 2ull << 30);
    assert_int_equal(config_parse_size("100", &v), 0);
    assert_int_equal(v, 100);
    assert_int_equal(config_parse_size("", &v), -1);
    assert_int_equal(config_parse_size("-1", &v), -1);
    assert_int_equal(config_parse_size("5X", &v), -1);
    assert_int_equal(config_parse_size("99999999999999999999G", &v), -1);
    assert_int_equal(config_parse_bool("Yes", &b), 0);
    assert_true(b);
    assert_int_equal(config_parse_bool("off", &b), 0);
    assert_false(b);
    assert_int_equal(config_parse_bool("maybe", &b), -1);
}

/* [daemon] max_plugin_ms and max_article_ms: defaults, values, range. */
static void test_time_budget_keys(void **state)
{
    (void)state;
    struct daemon_config cfg;
    assert_null(load("[plugin.a]\nso = a.so\n", &cfg, NULL));
    assert_int_equal(cfg.max_plugin_ms, 5000);
    assert_int_equal(cfg.max_article_ms, 15000);
    config_free(&cfg);
    assert_null(load("[daemon]\nmax_plugin_ms = 250\nmax_article_ms = 60000\n", &cfg, NULL));
    assert_int_equal(cfg.max_plugin_ms, 250);
    assert_int_equal(cfg.max_article_ms, 60000);
    config_free(&cfg);
    char *err = load("[daemon]\nmax_plugin_ms = 5\n", &cfg, NULL);
    assert_non_null(strstr(err, "max_plugin_ms = 5: expected a whole number from 10 to 3600000"));
    free(err);
    err = load("[daemon]\nmax_article_ms = soon\n", &cfg, NULL);
    assert_non_null(strstr(err, "max_article_ms = soon"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values_and_relative_paths),
        cmocka_unit_test(test_state_dir_override),
        cmocka_unit_test(test_control_keys),
        cmocka_unit_test(test_article_limits),
        cmocka_unit_test(test_errors_name_file_line_and_cause),
        cmocka_unit_test(test_plugin_sections_keep_order_and_conf_d_overrides),
        cmocka_unit_test(test_multiline_value_is_joined),
        cmocka_unit_test(test_topic_sections),
        cmocka_unit_test(test_long_multiline_value_is_linear),
        cmocka_unit_test(test_resolve_path_drops_leading_dotdot),
        cmocka_unit_test(test_parse_size_and_bool),
        cmocka_unit_test(test_time_budget_keys),
        cmocka_unit_test(test_actions_section),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
