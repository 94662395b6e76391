/* newsd --try FILE: parse and run the parse/tag/score plugins, print the record. */
#include "try.h"
#include "config.h"
#include "datadir.h"
#include "log.h"
#include "pipeline.h"
#include "plugins.h"

#include <fcntl.h>
#include <jansson.h>
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
    datadir_configure(cfg->data_dir);
    if (plugin_set_load(cfg, PLUGIN_LOAD_NO_ARCHIVE_INIT, set, &err) < 0) {
        fprintf(stderr, "newsd: %s\n", err);
        free(err);
        config_free(cfg);
        return -1;
    }
    return 0;
}

/* One file through the pipeline; the record goes to stdout, pretty or as
 * one line.  Returns 0 when the article made it through. */
static int try_one(const struct pipeline_opts *o, const char *file, int one_line)
{
    int code = 1;
    struct job *j = job_new(file, now_ms());

    pipeline_run(o, j);
    /* What an HTML page was reduced to, and why: on stderr, so that stdout
     * stays one record per file. */
    if (j->article && j->article->extraction)
        fprintf(stderr, "newsd: %s: %s\n", file, j->article->extraction);
    if (j->status != JOB_OK) {
        if (j->plugin)
            fprintf(stderr, "newsd: %s: %s (plugin %s)\n", file, j->cause, j->plugin);
        else
            fprintf(stderr, "newsd: %s: %s\n", file, j->cause ? j->cause : "failed");
    } else {
        char *json = newsd_article_to_json(j->article);
        if (json && one_line) {
            /* The record's own text is pretty; a line per record is what
             * a script reading many wants. */
            json_t *rec = json_loads(json, 0, NULL);
            char *line = rec ? json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
            json_decref(rec);
            free(json);
            json = line;
        }
        if (json) {
            puts(json);
            free(json);
            code = 0;
        } else {
            fprintf(stderr, "newsd: %s: out of memory writing the record\n", file);
        }
    }
    job_free(j);
    return code;
}

int try_files(const char *first, const char *const *more, size_t n_more, const char *config_path,
              const char *state_dir_override)
{
    struct daemon_config cfg = {0};
    struct plugin_set empty = {0};
    struct plugin_set *set = &empty;
    int code = 0;

    if (config_path && load_for_tools(config_path, state_dir_override, &cfg, &set) < 0)
        return 1;

    struct pipeline_opts o = {
        .dir_fd = AT_FDCWD,
        .max_bytes = cfg.max_article_bytes ? cfg.max_article_bytes : 16u << 20,
        .limits = config_path ? &cfg.article_limits : NULL,
        .plugins = set,
        .journal_fd = -1,
    };
    if (try_one(&o, first, n_more > 0) != 0)
        code = 1;
    for (size_t i = 0; i < n_more; i++)
        if (try_one(&o, more[i], 1) != 0)
            code = 1;
    fflush(stdout);
    if (set != &empty)
        plugin_set_free(set);
    config_free(&cfg);
    return code;
}
