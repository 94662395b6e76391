/* FROZEN: include/newsd/plugin.h as newsd 0.1 shipped it (plugin ABI 1.0).
 * The ABI tests build plugins against it to prove that a plugin of an
 * older minor still loads and runs.  Never edit it. */
/*
 * newsd plugin ABI — the whole public interface between newsd and a C plugin.
 *
 * A plugin is a shared object that includes only this header and exports one
 * descriptor, written with NEWSD_PLUGIN():
 *
 *     #include <newsd/plugin.h>
 *
 *     static int my_process(void *state, enum newsd_stage stage, newsd_article *a)
 *     {
 *         if (newsd_article_contains(a, "Huawei"))
 *             newsd_article_tag(a, "entity:org/Huawei", 1.0);
 *         return NEWSD_OK;
 *     }
 *
 *     NEWSD_PLUGIN(
 *         .name = "huawei",
 *         .stages = NEWSD_STAGE_TAG,
 *         .flags = NEWSD_PLUGIN_THREAD_SAFE,
 *         .process = my_process,
 *     );
 *
 * The newsd_* functions below are provided by the daemon at run time; build the
 * plugin as a shared object without linking anything of newsd's:
 *
 *     cc -std=c17 -fPIC -shared -o huawei.so huawei.c $(pkg-config --cflags newsd)
 *
 * Threading: process() runs on worker threads.  A plugin that sets
 * NEWSD_PLUGIN_THREAD_SAFE may be called from several workers at once with
 * the same state; one that does not is serialised by the daemon.  archive()
 * and commit() always run on one thread at a time.
 *
 * Text: every string an article gives out is valid UTF-8 (bytes of a file
 * name that are not read as U+FFFD), and the functions that change an
 * article refuse strings that are not.
 *
 * Lifetime: strings returned by accessors belong to the article and stay valid
 * until the article is changed through the same field or the callback returns.
 * Copy what you keep.  An article handle is only valid during the callback it
 * was passed to.
 *
 * Errors: callbacks return NEWSD_OK, or NEWSD_ERROR after calling
 * newsd_article_fail() (or newsd_log() from init) with a reason that a person
 * can act on.
 */
#ifndef NEWSD_PLUGIN_H
#define NEWSD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever this header changes incompatibly.  The loader refuses a
 * plugin whose descriptor carries another value. */
#define NEWSD_ABI_VERSION 1

#if defined(__GNUC__)
#define NEWSD_EXPORT __attribute__((visibility("default")))
#define NEWSD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NEWSD_EXPORT
#define NEWSD_PRINTF(f, a)
#endif

/* Return codes of plugin callbacks and of the newsd_* functions. */
enum newsd_status {
    NEWSD_OK = 0,
    NEWSD_ERROR = -1,     /* failed; the reason was given with newsd_article_fail() */
    NEWSD_DUPLICATE = 1,  /* archive(): these bytes are already archived */
};

/* Pipeline stages, in the order they run.  A plugin implements one or more. */
enum newsd_stage {
    NEWSD_STAGE_PARSE = 1u << 0,   /* after the built-in parser: may rewrite fields */
    NEWSD_STAGE_TAG = 1u << 1,     /* add tags and meta */
    NEWSD_STAGE_SCORE = 1u << 2,   /* add score rules */
    NEWSD_STAGE_ARCHIVE = 1u << 3, /* store finished articles: archive() + commit() */
};

/* Descriptor flags. */
enum newsd_plugin_flags {
    /* process() may run concurrently on several worker threads. */
    NEWSD_PLUGIN_THREAD_SAFE = 1u << 0,
};

/* Log levels; the values are syslog priorities. */
enum newsd_log_level {
    NEWSD_LOG_ERROR = 3,
    NEWSD_LOG_WARNING = 4,
    NEWSD_LOG_NOTICE = 5,
    NEWSD_LOG_INFO = 6,
    NEWSD_LOG_DEBUG = 7,
};

/* Text fields of an article. */
enum newsd_field {
    NEWSD_FIELD_ID,        /* content hash (32 hex digits); read-only */
    NEWSD_FIELD_SOURCE,    /* file name as dropped in the inbox; read-only */
    NEWSD_FIELD_FORMAT,    /* "text" or "json"; read-only */
    NEWSD_FIELD_ENCODING,  /* encoding of the original bytes; read-only */
    NEWSD_FIELD_TITLE,
    NEWSD_FIELD_BODY,
    NEWSD_FIELD_LANG,      /* ISO 639-1 code, "" when unknown */
    NEWSD_FIELD_URL,
    NEWSD_FIELD_AUTHOR,
    NEWSD_FIELD_PUBLISHED, /* as given by the source, ideally ISO 8601 */
};

typedef struct newsd_article newsd_article;   /* opaque */
typedef struct newsd_config newsd_config;     /* opaque: the plugin's INI section */

struct newsd_tag {
    const char *name;    /* namespaced: "entity:org/Huawei", "topic:ai-chips" */
    double weight;       /* conventionally 0..1 */
    const char *plugin;  /* name of the plugin that set it */
};

struct newsd_score_rule {
    const char *rule;    /* "AI_CHIPS" */
    double points;
    const char *reason;  /* one line a person understands */
    const char *plugin;
};

struct newsd_meta {
    const char *key;
    const char *value;
};

/* The descriptor a plugin exports.  Fill it with NEWSD_PLUGIN(); fields that
 * a plugin does not need stay NULL/0. */
typedef struct newsd_plugin {
    uint32_t abi_version;   /* NEWSD_ABI_VERSION, set by NEWSD_PLUGIN() */
    uint32_t struct_size;   /* sizeof(newsd_plugin), set by NEWSD_PLUGIN() */
    const char *name;       /* short identifier used in logs and tags */
    const char *description;
    uint32_t stages;        /* OR of enum newsd_stage */
    uint32_t flags;         /* OR of enum newsd_plugin_flags */

    /* Called once per configured instance, on the main thread, before any
     * article.  conf is this instance's INI section (valid only during the
     * call).  Store per-instance data in *state.  Return NEWSD_ERROR (after
     * logging why) to refuse the configuration. */
    int (*init)(const newsd_config *conf, void **state);

    /* PARSE, TAG and SCORE stages: called once per article and stage. */
    int (*process)(void *state, enum newsd_stage stage, newsd_article *a);

    /* ARCHIVE stage: store one finished article.  Return NEWSD_OK,
     * NEWSD_DUPLICATE when the article's id is already archived (nothing is
     * written), or NEWSD_ERROR after newsd_article_fail(): the article then
     * goes to failed/ with that reason, so keep NEWSD_ERROR for faults of
     * the article itself.  For faults of the archive (disk full, server
     * gone) return NEWSD_OK and fail commit(): the batch is retried. */
    int (*archive)(void *state, newsd_article *a);

    /* ARCHIVE stage: make everything passed to archive() since the last
     * commit durable.  Only after it returns NEWSD_OK does newsd delete the
     * articles' work files.  On NEWSD_ERROR the whole batch is retried later,
     * so archive() must cope with seeing an article again. */
    int (*commit)(void *state);

    /* ARCHIVE stage, optional: answer a query about what is archived (the
     * searches and listings of newsctl and the control API).  request is a
     * JSON object whose "op" says what is asked; the ops and their answers
     * are documented in docs/api.md.  On NEWSD_OK, *response is a malloc'd
     * JSON text that newsd frees with free().  On NEWSD_ERROR, *response
     * may hold a malloc'd one-line reason.  Runs on a thread of its own,
     * possibly while archive()/commit() run on another, so use a separate
     * database connection or a lock. */
    int (*query)(void *state, const char *request, char **response);

    /* Release the instance.  Called on shutdown and on reload; not called
     * when init() failed (init cleans up after itself). */
    void (*fini)(void *state);
} newsd_plugin;

/* The exported symbol the loader looks up. */
#define NEWSD_PLUGIN_SYMBOL "newsd_plugin_descriptor"

/* The extern declaration gives the descriptor external linkage in C++ too,
 * where a const object at namespace scope would otherwise be internal. */
#define NEWSD_PLUGIN(...)                                                    \
    NEWSD_EXPORT extern const newsd_plugin newsd_plugin_descriptor;          \
    NEWSD_EXPORT const newsd_plugin newsd_plugin_descriptor = {              \
        .abi_version = NEWSD_ABI_VERSION,                                    \
        .struct_size = sizeof(newsd_plugin),                                 \
        __VA_ARGS__                                                          \
    }

/* ---- logging ----------------------------------------------------------- */

/* Log one line.  The daemon adds the instance name (the NAME of the
 * [plugin.NAME] section) and, inside a callback, the article's file name
 * and id. */
NEWSD_EXPORT void newsd_log(enum newsd_log_level level, const char *fmt, ...) NEWSD_PRINTF(2, 3);

/* ---- configuration (inside init only) -------------------------------- */

/* The instance name: "orgs" for a section [plugin.orgs]. */
NEWSD_EXPORT const char *newsd_config_name(const newsd_config *conf);
/* Value of key in this section, or NULL.  Keys are case-sensitive. */
NEWSD_EXPORT const char *newsd_config_get(const newsd_config *conf, const char *key);
/* Parse helpers: return def when the key is absent, NEWSD_ERROR (and log
 * which key is wrong) when the value does not parse, else NEWSD_OK. */
NEWSD_EXPORT int newsd_config_get_double(const newsd_config *conf, const char *key, double def, double *out);
NEWSD_EXPORT int newsd_config_get_bool(const newsd_config *conf, const char *key, int def, int *out);
/* Number of keys and the i-th pair, in file order. */
NEWSD_EXPORT size_t newsd_config_count(const newsd_config *conf);
NEWSD_EXPORT int newsd_config_at(const newsd_config *conf, size_t i, const char **key, const char **value);
/* The instance's state directory (inbox/, work/, archive/ ... live there). */
NEWSD_EXPORT const char *newsd_config_state_dir(const newsd_config *conf);
/* Resolve a path value against the folder of the file that set it.
 * Returns a malloc'd string the caller frees, or NULL if the key is absent. */
NEWSD_EXPORT char *newsd_config_path(const newsd_config *conf, const char *key);

/* ---- reading an article ------------------------------------------------ */

/* Never NULL: absent fields read as "". */
NEWSD_EXPORT const char *newsd_article_get(const newsd_article *a, enum newsd_field field);
/* The original bytes as dropped in the inbox. */
NEWSD_EXPORT const unsigned char *newsd_article_raw(const newsd_article *a, size_t *len);
/* Path of the original file while the article is in flight
 * (STATE_DIR/work/NAME), or NULL.  An archive on the same file system may
 * hard-link it instead of copying the bytes; it is unlinked from work/ once
 * every archive committed.  Check the linked size against
 * newsd_article_raw()'s length: a producer that still wrote to the file
 * after newsd took it would make them differ. */
NEWSD_EXPORT const char *newsd_article_path(const newsd_article *a);
/* 1 while an archived article runs through the plugins again (newsctl
 * reprocess): archive() must then replace the stored record of this id
 * (fields, tags, score) and return NEWSD_OK, not NEWSD_DUPLICATE. */
NEWSD_EXPORT int newsd_article_reprocessing(const newsd_article *a);
/* Received (claimed) time, milliseconds since the Unix epoch. */
NEWSD_EXPORT int64_t newsd_article_received_ms(const newsd_article *a);
/* When the parse/tag/score stages finished (the record's "processed"), in
 * milliseconds since the Unix epoch; 0 before that. */
NEWSD_EXPORT int64_t newsd_article_processed_ms(const newsd_article *a);
/* 1 if title or body contains text, ignoring case (Unicode case folding:
 * "SCHLIESSEN" matches "schließen").  A substring match, so "KI-Chip"
 * also finds "KI-Chiphersteller". */
NEWSD_EXPORT int newsd_article_contains(const newsd_article *a, const char *text);
/* Like newsd_article_contains(), but text must stand as a whole word (or
 * words): no letter or digit right before or after it.  "Intel" then
 * finds "Intel-Chef" but not "Intelligenz". */
NEWSD_EXPORT int newsd_article_contains_word(const newsd_article *a, const char *text);

NEWSD_EXPORT size_t newsd_article_tag_count(const newsd_article *a);
NEWSD_EXPORT int newsd_article_tag_at(const newsd_article *a, size_t i, struct newsd_tag *out);
/* Weight of the tag with this exact name, or -1 when absent. */
NEWSD_EXPORT double newsd_article_tag_weight(const newsd_article *a, const char *name);

NEWSD_EXPORT size_t newsd_article_score_count(const newsd_article *a);
NEWSD_EXPORT int newsd_article_score_at(const newsd_article *a, size_t i, struct newsd_score_rule *out);
NEWSD_EXPORT double newsd_article_score_total(const newsd_article *a);

/* Value of meta key, or NULL. */
NEWSD_EXPORT const char *newsd_article_meta(const newsd_article *a, const char *key);
NEWSD_EXPORT size_t newsd_article_meta_count(const newsd_article *a);
NEWSD_EXPORT int newsd_article_meta_at(const newsd_article *a, size_t i, struct newsd_meta *out);

/* Room for a time written by newsd_format_time(), NUL included. */
#define NEWSD_TIME_LEN 32
/* ms since the Unix epoch as the record writes times, UTC with
 * milliseconds: "2026-11-28T14:20:51.123Z".  Every int64_t fits.
 * Returns out. */
NEWSD_EXPORT char *newsd_format_time(int64_t ms, char out[NEWSD_TIME_LEN]);

/* The article as the JSON record documented in docs/record.md (malloc'd,
 * caller frees), or NULL when out of memory. */
NEWSD_EXPORT char *newsd_article_to_json(const newsd_article *a);

/* ---- changing an article ---------------------------------------------- */

/* PARSE stage only (NEWSD_ERROR elsewhere): replace a text field.  Values
 * must be valid UTF-8. */
NEWSD_EXPORT int newsd_article_set(newsd_article *a, enum newsd_field field, const char *value);
/* PARSE, TAG and SCORE stages: add a tag, or raise the weight of an
 * existing tag to weight if it is higher.  The tag records the calling
 * plugin's instance name. */
NEWSD_EXPORT int newsd_article_tag(newsd_article *a, const char *name, double weight);
/* SCORE stage: add a rule to the score breakdown. */
NEWSD_EXPORT int newsd_article_score(newsd_article *a, const char *rule, double points, const char *reason);
/* PARSE, TAG, SCORE: set (or replace) a meta value. */
NEWSD_EXPORT int newsd_article_set_meta(newsd_article *a, const char *key, const char *value);
/* Record why this plugin failed on this article; return NEWSD_ERROR after it. */
NEWSD_EXPORT int newsd_article_fail(newsd_article *a, const char *fmt, ...) NEWSD_PRINTF(2, 3);

#ifdef __cplusplus
}
#endif

#endif /* NEWSD_PLUGIN_H */
