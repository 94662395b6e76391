/* newsd --try FILE: parse and run the parse/tag/score plugins, print the record. */
#include "try.h"
#include "config.h"
#include "log.h"
#include "pipeline.h"
#include "plugins.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

int load_for_tools(const char *config_path, const char *state_dir_override,
                   struct daemon_config *cfg, struct plugin_set **set)
{
    char *err = NULL;
    if (config_load(config_path, state_dir_override, cfg, &err) < 0) {
        fprintf(stderr, "newsd: %s\n", err);
        free(err);
        return -1;
    }
    if (plugin_set_load(cfg, PLUGIN_LOAD_NO_ARCHIVE_INIT, set, &err) < 0) {
        fprintf(stderr, "newsd: %s\n", err);
        free(err);
        config_free(cfg);
        return -1;
    }
    return 0;
}

int try_file(const char *file, const char *config_path, const char *state_dir_override)
{
    struct daemon_config cfg = {0};
    struct plugin_set empty = {0};
    struct plugin_set *set = &empty;
    int code = 1;

    if (config_path && load_for_tools(config_path, state_dir_override, &cfg, &set) < 0)
        return 1;

    struct pipeline_opts o = {
        .dir_fd = AT_FDCWD,
        .max_bytes = cfg.max_article_bytes ? cfg.max_article_bytes : 16u << 20,
        .limits = config_path ? &cfg.article_limits : NULL,
        .plugins = set,
        .journal_fd = -1,
    };
    struct job *j = job_new(file, now_ms());
    pipeline_run(&o, j);
    if (j->status != JOB_OK) {
        if (j->plugin)
            fprintf(stderr, "newsd: %s: %s (plugin %s)\n", file, j->cause, j->plugin);
        else
            fprintf(stderr, "newsd: %s: %s\n", file, j->cause ? j->cause : "failed");
    } else {
        char *json = newsd_article_to_json(j->article);
        if (json) {
            puts(json);
            free(json);
            code = 0;
        }
    }
    job_free(j);
    if (set != &empty)
        plugin_set_free(set);
    config_free(&cfg);
    return code;
}
