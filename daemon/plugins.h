/*
 * The plugin host: loading C plugins (and Lua plugins, through lua_host.h,
 * which presents each as a C descriptor), the ABI check, and running a stage
 * over an article.
 *
 * A plugin set is the list of configured instances in configuration order.
 * It is built whole (every plugin loaded and initialised) or not at all, so
 * a reload either takes the new set or keeps the old one untouched.
 */
#ifndef NEWSD_PLUGINS_H
#define NEWSD_PLUGINS_H

#include <stdbool.h>
#include <uv.h>

#include <newsd/plugin.h>

#include "actions.h"
#include "config.h"

struct sink_policy;

struct plugin_instance {
    char *name;               /* section name */
    char *path;               /* resolved .so or .lua path */
    void *dl;
    /* The plugin's descriptor as this newsd reads it: a C plugin's own,
     * copied into desc_copy, with the fields of minors newer than the
     * plugin's zeroed (so they read as absent); a Lua plugin's, the host's. */
    const newsd_plugin *desc;
    newsd_plugin desc_copy;
    void *state;
    bool required;
    bool initialised;
    bool serialise;           /* not thread-safe: process() under lock */
    unsigned max_ms;          /* time budget of a process() call (budget.h) */
    uv_mutex_t lock;
    struct sink_policy *sink; /* a sink (deliver()): its filter and retries (sinks.h) */
    int64_t input_max_backlog; /* an input (run()): its back-pressure bound (inputs.h) */
};

struct plugin_set {
    struct plugin_instance *v;
    size_t n;
    unsigned stages;          /* union of all instances' stages */
    struct action_table actions;   /* the configuration's [actions], taken with it */
};

enum plugin_load_flags {
    /* --try (and --check-config as root on another user's state dir):
     * archive-only plugins are loaded and checked but not initialised (no
     * folders created); never call their archive(). */
    PLUGIN_LOAD_NO_ARCHIVE_INIT = 1u << 0,
    /* --check-config: every plugin, archives included, is initialised as a
     * start would, and released again by plugin_set_free(); Lua plugins get
     * only their trial state. */
    PLUGIN_LOAD_DRY_RUN = 1u << 1,
};

/* Load and initialise every plugin of cfg.  On failure nothing stays loaded
 * and *err (malloc'd) names the plugin, the file and the cause; with
 * PLUGIN_LOAD_DRY_RUN, of every plugin that failed, a line each. */
int plugin_set_load(const struct daemon_config *cfg, unsigned flags,
                    struct plugin_set **out, char **err);
void plugin_set_free(struct plugin_set *set);

/* Run every plugin of one stage (PARSE, TAG or SCORE) over a.  A failing
 * plugin that is not required is logged and its partial result dropped.
 * Returns 0, or -1 when a required plugin failed: *plugin is its name and
 * *cause (malloc'd) the reason. */
int plugin_set_run_stage(struct plugin_set *set, enum newsd_stage stage,
                         struct newsd_article *a, const char **plugin, char **cause);

/* Archive stage.  Returns NEWSD_OK, NEWSD_DUPLICATE (every archive plugin
 * already had it) or NEWSD_ERROR (*plugin, *cause set). */
int plugin_set_archive(struct plugin_set *set, struct newsd_article *a,
                       const char **plugin, char **cause);
/* The archives' prepare() (since 1.5), on a worker after the last stage.
 * Returns NEWSD_OK or NEWSD_ERROR (a fault of the article: *plugin,
 * *cause set). */
int plugin_set_prepare(struct plugin_set *set, struct newsd_article *a,
                       const char **plugin, char **cause);
/* Queries to the archives: plugin_set_query() in query.h. */
/* Commit every archive plugin; NEWSD_ERROR names the first that failed. */
int plugin_set_commit(struct plugin_set *set, const char **plugin);

#endif
