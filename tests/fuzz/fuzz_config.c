/*
 * Fuzz target: the config loader (config.c) on a file's bytes, and the
 * newsd_config_*() accessors a plugin's init() reads its section with.
 *
 * Input: the main file's bytes; after the first NUL byte (if any), the
 * bytes of a conf.d/ drop-in, which config_load() reads after the main
 * file.  Both go to real files in a scratch folder, since config_load()
 * takes a path and reads conf.d/ beside it.
 *
 * Promises checked: a refused file comes with a reason that names it; a
 * loaded one has an absolute state_dir, and every plugin section's values
 * read back through the plugin ABI without crashing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_keys.h"
#include "fuzz_common.h"
#include "plugin_config.h"

static char main_path[4096];
static char dropin_path[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet();
    const char *dir = fuzz_scratch_dir();
    char confd[4096];
    snprintf(main_path, sizeof main_path, "%s/newsd.ini", dir);
    snprintf(confd, sizeof confd, "%s/conf.d", dir);
    snprintf(dropin_path, sizeof dropin_path, "%s/conf.d/50-site.ini", dir);
    if (mkdir(confd, 0700) < 0)
        abort();
    return 0;
}

/* A plugin's init() looks up a handful of keys, each lookup a walk through
 * the section: the harness asks about the first few keys only, so that a
 * section of thousands of keys does not make it quadratic itself. */
#define KEYS_ASKED 16

/* What a plugin's init() may ask of its section: every accessor, on its
 * first keys and on one it does not have. */
static void read_section(const struct daemon_config *cfg, const struct plugin_section *s)
{
    struct newsd_config conf = {.section = s, .state_dir = cfg->state_dir};
    const char *k, *v;
    FUZZ_CHECK(strcmp(newsd_config_name(&conf), s->name) == 0, "the section's name is lost");
    FUZZ_CHECK(newsd_config_count(&conf) == s->n_kv, "count %zu, section has %zu", newsd_config_count(&conf),
               s->n_kv);
    for (size_t i = 0; i < KEYS_ASKED && newsd_config_at(&conf, i, &k, &v) == NEWSD_OK; i++) {
        int64_t n;
        uint64_t size;
        double d;
        int b;
        FUZZ_CHECK(newsd_config_get(&conf, k) != NULL, "key '%s' listed but not found", k);
        newsd_config_get_int(&conf, k, 0, INT64_MIN, INT64_MAX, &n);
        newsd_config_get_size(&conf, k, 0, UINT64_MAX, &size);
        newsd_config_get_double(&conf, k, 0, &d);
        newsd_config_get_bool(&conf, k, 0, &b);
        free(newsd_config_path(&conf, k));
        free(newsd_config_state_path(&conf, k, "x"));
        char **items = newsd_list_split(v, NULL);
        newsd_list_free(items);
    }
    /* The key check of every section: any key, any length, a family. */
    static const struct newsd_config_key own[] = {{"words", NULL}, {"rule.", NULL}, {NULL, NULL}};
    const struct newsd_config_key *const tables[] = {config_plugin_core_keys, own};
    char *why = NULL;
    if (config_keys_check(s, tables, 2, &why) < 0) {
        FUZZ_CHECK(why && strstr(why, "unknown key"), "a refused section without a reason");
        free(why);
    }
    FUZZ_CHECK(newsd_config_get(&conf, "no such key here") == NULL || config_section_find(s, "no such key here"),
               "a key that is not there was found");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t main_len = nul ? (size_t)(nul - data) : size;

    fuzz_write_file(main_path, data, main_len);
    if (nul)
        fuzz_write_file(dropin_path, nul + 1, size - main_len - 1);
    else
        unlink(dropin_path);

    struct daemon_config cfg;
    char *err = NULL;
    if (config_load(main_path, NULL, &cfg, &err) < 0) {
        FUZZ_CHECK(err != NULL && strstr(err, ".ini") != NULL, "a refusal that names no file: %s",
                   err ? err : "(none)");
        free(err);
        return 0;
    }
    FUZZ_CHECK(err == NULL, "loaded with a reason: %s", err);
    FUZZ_CHECK(cfg.state_dir && cfg.state_dir[0] == '/', "state_dir is not absolute: %s",
               cfg.state_dir ? cfg.state_dir : "(null)");
    for (size_t i = 0; i < cfg.n_plugins; i++)
        read_section(&cfg, &cfg.plugins[i]);
    config_free(&cfg);
    return 0;
}
