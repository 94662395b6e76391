/*
 * Configuration: the INI file, its conf.d/ drop-ins, and the [daemon] keys.
 *
 * Plugin sections are kept as ordered key/value lists; the daemon reads a
 * few keys itself (so, lua, required) and hands the whole section to the
 * plugin.  Every value remembers the folder of the file that set it, so a
 * relative path in conf.d/site.ini resolves against conf.d/.
 */
#ifndef NEWSD_CONFIG_H
#define NEWSD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actions.h"
#include "article_limits.h"

struct config_kv {
    char *key;
    char *value;
    char *origin_dir;  /* folder of the file that set it */
    char *file;        /* the file that set it (the last one: conf.d overrides) */
    unsigned line;     /* ... and its line there (the first of a multi-line value) */
};

struct plugin_section {
    char *name;        /* "orgs" for [plugin.orgs]; "topic.ai-chips" for [topic.ai-chips] */
    struct config_kv *kv;
    size_t n_kv;
    char *file;        /* where [plugin.NAME] first appeared */
    unsigned line;
    bool topic;        /* [topic.NAME]: keyword_tagger with tag = topic:NAME (config_topic.c) */
};

/* "[plugin.orgs]" or "[topic.ai-chips]": the header as the operator wrote
 * it, for messages: "[%s%s]", CONFIG_SECTION_KIND(s), s->name. */
#define CONFIG_SECTION_KIND(s) ((s)->topic ? "" : "plugin.")

/* Defaults of the [daemon] time budgets (budget.h). */
#define CONFIG_DEFAULT_MAX_PLUGIN_MS 5000
#define CONFIG_DEFAULT_MAX_ARTICLE_MS 15000

struct daemon_config {
    char *path;              /* absolute path of the main file */
    char *dir;               /* its folder */
    char *state_dir;         /* absolute */
    char *plugin_dir;        /* absolute, or NULL */
    char *data_dir;          /* absolute, or NULL: the text layer's data (datadir.h); read at start */
    unsigned workers;        /* 0 = one per CPU, resolved by the daemon */
    uint64_t max_article_bytes;
    unsigned settle_ms;
    int log_level;
    unsigned queue_size;
    unsigned batch_size;
    unsigned batch_ms;
    unsigned max_attempts;
    unsigned rescan_s;
    struct article_limits article_limits;   /* max_tags, max_score_rules, max_meta, max_name_bytes */
    unsigned max_plugin_ms;  /* wall-clock budget of one plugin call (budget.h) */
    unsigned max_article_ms; /* ... and of all plugin calls for one article */
    unsigned stall_s;        /* /health: no claim or no finish for this long with work waiting */
    unsigned work_age_s;     /* /health: an article in work/ this long; 0: not checked */
    unsigned health_hold_s;  /* /health: how long a fault newsd repaired stays reported */
    unsigned umask;          /* the process umask: what newsd creates is at most 0777/0666 less it */
    char *control_socket;    /* absolute; NULL: no control API (control_socket = empty) */
    char *metrics_listen;    /* "127.0.0.1:9107" for /metrics over TCP, or NULL */
    char *web_listen;        /* "127.0.0.1:9108" for the web dashboard (web.h), or NULL */
    bool web_behind_proxy;   /* a reverse proxy terminates TLS: a non-loopback web_listen is allowed */
    char *web_tls_cert;      /* absolute PEM files: the dashboard speaks HTTPS; both or neither */
    char *web_tls_key;
    unsigned control_timeout_s;   /* a control request's deadline */
    unsigned control_queries;     /* archive queries at once */
    unsigned control_query_queue; /* ... and waiting; more are answered 503 */
    struct plugin_section *plugins;
    size_t n_plugins;
    struct action_table actions;   /* [actions]: score thresholds (actions.h) */
};

/*
 * Read path and then the .ini files of conf.d/ beside it, in name order.
 * state_dir_override (from --state-dir) wins over the files when not NULL.
 * Returns 0, or -1 with *err (malloc'd) naming the file, line and cause.
 */
int config_load(const char *path, const char *state_dir_override,
                struct daemon_config *out, char **err);
void config_free(struct daemon_config *cfg);

/* "FILE:LINE: " of kv, for an error about its value ("" when it came from
 * no file: tests, tools); buf holds it. */
const char *config_kv_where(const struct config_kv *kv, char *buf, size_t size);

/* Value of key in section, or NULL. Last setting wins. */
const struct config_kv *config_section_find(const struct plugin_section *s, const char *key);

/* "16M", "512k", "1G", "2T", "1000" → bytes (powers of 1024, the letter
 * in either case, optionally followed by B). Returns 0 or -1. */
int config_parse_size(const char *s, uint64_t *out);
/* "true/yes/on/1" and "false/no/off/0". Returns 0 or -1. */
int config_parse_bool(const char *s, bool *out);

/* Resolve value against dir unless absolute (malloc'd). */
char *config_resolve_path(const char *dir, const char *value);

#endif
