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
 *     cc -std=c17 -D_POSIX_C_SOURCE=200809L -Wall -Werror=implicit-function-declaration \
 *        -fPIC -shared -o huawei.so huawei.c $(pkg-config --cflags newsd)
 *
 * (-D_POSIX_C_SOURCE brings back strdup() and the rest of POSIX, which
 * -std=c17 hides; the -Werror stops a build that calls a function with no
 * declaration, which would otherwise build, take its result for an int,
 * and crash.)
 *
 * Threading: process() runs on worker threads.  A plugin that sets
 * NEWSD_PLUGIN_THREAD_SAFE may be called from several workers at once with
 * the same state; one that does not is serialised by the daemon.  archive()
 * and commit() always run on one thread at a time; an archive's prepare()
 * (since 1.5) runs on the workers, beside them.
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

/*
 * Versions.  The ABI is MAJOR.MINOR, and it keeps one rule:
 *
 *   - Within a major version the ABI only grows.  A new function, a new
 *     descriptor field (always at the end of struct newsd_plugin), a new
 *     enum value or a new field at the end of a struct that carries its own
 *     struct_size is a new minor version.  Nothing is removed, reordered or
 *     given another meaning: a plugin built against 1.N loads and runs,
 *     unchanged and without a rebuild, in every newsd that speaks 1.M with
 *     M >= N.
 *   - Anything else (a removal, a changed signature, a changed meaning) is a
 *     new major version, and newsd refuses plugins of another major.
 *   - NEWSD_PLUGIN() stamps the major and minor of the header a plugin was
 *     compiled against into its descriptor.  newsd loads a plugin of its own
 *     major and any minor up to its own; it reads a shorter (older)
 *     descriptor as if the fields the plugin did not know were NULL/0.  A
 *     plugin built against a newer minor is refused with "needs newsd ABI
 *     >= 1.N; this is 1.M", before any of its code runs.
 *   - Every declaration below says "since 1.N": the minor that added it.  A
 *     plugin that must also load in an older newsd defines
 *     NEWSD_ABI_TARGET_MINOR to that newsd's minor before including this
 *     header: its descriptor is then stamped with that minor, and what
 *     came later is not declared.
 *
 * 1.0 is the ABI of newsd 0.1.  1.1 (newsd 0.2) added the minor to the stamp,
 * newsd_abi_version(), newsd_version(), answer() with typed queries, the
 * shared helpers (UTF-8, ids, paths, integers, sizes, lists) and the stage
 * table.  1.2 (newsd 0.3) added the text layer: tokens, stems, sentences
 * and stop words of an article or of any text, and the descriptor's
 * config_keys, the keys a plugin reads, so newsd refuses a mistyped one.
 * 1.3 (newsd 0.4) added sinks (the descriptor's deliver(), fed from the
 * durable outbox, and the newsd_delivery_*() functions), inputs (the
 * descriptor's run() and the newsd_input_*() functions),
 * newsd_config_run_mode(), the article's action (newsd_article_action()),
 * the action filters of a query, newsd_config_error(), and token types and
 * the lengths of a token's norm and stem (newsd_analysis_type_count()).
 * 1.4 (newsd 0.5) made SEARCH apply the filters of a query as LIST does, and added
 * max_score (has_max_score) to struct newsd_query.  1.5 (newsd 0.6) added the
 * descriptor's prepare(): an archive's per-article work on the workers;
 * and newsd_analysis_tokens(): an analysis's tokens as one read-only
 * array, without a copy per token.
 */
#define NEWSD_ABI_MAJOR 1
#define NEWSD_ABI_MINOR 5

/* The minor a plugin is stamped with and may use; defaults to this
 * header's.  Set it lower to build a plugin that also loads in an older
 * newsd: the functions added after that minor are then not declared. */
#ifndef NEWSD_ABI_TARGET_MINOR
#define NEWSD_ABI_TARGET_MINOR NEWSD_ABI_MINOR
#endif
#if NEWSD_ABI_TARGET_MINOR > NEWSD_ABI_MINOR
#error "NEWSD_ABI_TARGET_MINOR is newer than this header's NEWSD_ABI_MINOR"
#endif

/* The version stamp a descriptor carries in abi_version: the major in the
 * low 16 bits, the minor in the high 16 (a 1.0 plugin's stamp is plain 1).
 * Since 1.0 (as the major alone), 1.1 (with the minor). */
#define NEWSD_ABI_STAMP(major, minor) ((uint32_t)(major) | ((uint32_t)(minor) << 16))
#define NEWSD_ABI_STAMP_MAJOR(stamp) ((uint32_t)(stamp) & 0xffffu)
#define NEWSD_ABI_STAMP_MINOR(stamp) ((uint32_t)(stamp) >> 16)
/* The stamp of this header (since 1.0; the major alone before 1.1). */
#define NEWSD_ABI_VERSION NEWSD_ABI_STAMP(NEWSD_ABI_MAJOR, NEWSD_ABI_TARGET_MINOR)

#if defined(__GNUC__)
#define NEWSD_EXPORT __attribute__((visibility("default")))
#define NEWSD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NEWSD_EXPORT
#define NEWSD_PRINTF(f, a)
#endif

/* Return codes of plugin callbacks and of the newsd_* functions.  Since 1.0. */
enum newsd_status {
    NEWSD_OK = 0,
    NEWSD_ERROR = -1,     /* failed; the reason was given with newsd_article_fail() */
    NEWSD_DUPLICATE = 1,  /* archive(): these bytes are already archived */
};

/* What a stage may change (the last column of NEWSD_STAGE_MAP).  Since 1.1. */
enum newsd_change {
    NEWSD_CHANGE_FIELDS = 1u << 0,
    NEWSD_CHANGE_TAGS = 1u << 1,
    NEWSD_CHANGE_SCORE = 1u << 2,
    NEWSD_CHANGE_META = 1u << 3,
};

/*
 * The stages, in the order they run, and what a plugin may change in each
 * (since 1.0).  The one table that says so; the daemon's checks, the Lua
 * binding and the status output are generated from it.
 *
 *   XX(NAME, name, bit, what it may change: enum newsd_change)
 *
 * Everything a stage may not change it can still read.
 */
#define NEWSD_STAGE_MAP(XX)                                              \
    XX(PARSE, parse, 0, NEWSD_CHANGE_FIELDS | NEWSD_CHANGE_TAGS | NEWSD_CHANGE_META) \
    XX(TAG, tag, 1, NEWSD_CHANGE_TAGS | NEWSD_CHANGE_META)                \
    XX(SCORE, score, 2, NEWSD_CHANGE_TAGS | NEWSD_CHANGE_SCORE | NEWSD_CHANGE_META) \
    XX(ARCHIVE, archive, 3, 0)

/* Pipeline stages.  A plugin implements one or more.  Since 1.0:
 *   PARSE    after the built-in parser: may rewrite fields
 *   TAG      add tags and meta
 *   SCORE    add score rules
 *   ARCHIVE  store finished articles: archive() + commit() */
enum newsd_stage {
#define NEWSD_STAGE_ENUM_(NAME, name, bit, may) NEWSD_STAGE_##NAME = 1u << (bit),
    NEWSD_STAGE_MAP(NEWSD_STAGE_ENUM_)
#undef NEWSD_STAGE_ENUM_
};

/* Descriptor flags.  Since 1.0. */
enum newsd_plugin_flags {
    /* process() may run concurrently on several worker threads. */
    NEWSD_PLUGIN_THREAD_SAFE = 1u << 0,
};

/* Log levels; the values are syslog priorities.  Since 1.0. */
enum newsd_log_level {
    NEWSD_LOG_ERROR = 3,
    NEWSD_LOG_WARNING = 4,
    NEWSD_LOG_NOTICE = 5,
    NEWSD_LOG_INFO = 6,
    NEWSD_LOG_DEBUG = 7,
};

/* Text fields of an article.  Since 1.0. */
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

/* Length of an article id: lower-case hex digits of the SHA-256 of the
 * original bytes.  Since 1.1 (ids have had this length since 1.0). */
#define NEWSD_ID_LEN 32

typedef struct newsd_article newsd_article;   /* opaque; since 1.0 */
typedef struct newsd_config newsd_config;     /* opaque: the plugin's INI section; since 1.0 */
typedef struct newsd_answer newsd_answer;     /* opaque: the answer to a query; since 1.1 */
typedef struct newsd_delivery newsd_delivery; /* opaque: one record a sink delivers; since 1.3 */
typedef struct newsd_input newsd_input;       /* opaque: an input's way into the inbox; since 1.3 */

/* Since 1.0. */
struct newsd_tag {
    const char *name;    /* namespaced: "entity:org/Huawei", "topic:ai-chips" */
    double weight;       /* finite and >= 0; conventionally 0..1 */
    const char *plugin;  /* name of the plugin that set it */
};

/* Since 1.0. */
struct newsd_score_rule {
    const char *rule;    /* "AI_CHIPS" */
    double points;       /* finite, either sign */
    const char *reason;  /* one line a person understands */
    const char *plugin;
};

/* Since 1.0. */
struct newsd_meta {
    const char *key;
    const char *value;
};

/* ---- typed queries (since 1.1) ------------------------------------------- */

/* What a query asks an archive; the answers are documented in docs/api.md
 * ("Archive queries").  Since 1.1; a later minor may add ops, so answer
 * NEWSD_QUERY_UNSUPPORTED to one you do not know. */
enum newsd_query_op {
    NEWSD_QUERY_SEARCH = 1,   /* full-text search: q, words, limit, offset; since 1.4 the filters */
    NEWSD_QUERY_LIST,         /* newest first: filters, limit, offset */
    NEWSD_QUERY_SHOW,         /* one record: id */
    NEWSD_QUERY_EXPORT,       /* records in archive order: since/until, limit, cursor */
    NEWSD_QUERY_STATS,        /* what the archive holds */
    NEWSD_QUERY_ORIGINAL,     /* the original bytes of id (reprocessing) */
    NEWSD_QUERY_IDS,          /* ids in archive order: since/until, limit, cursor */
};

/* How a query ended.  The control API maps them to HTTP statuses (200,
 * 400, 404, 503, 501); nothing is read from the words of a reason.
 * Since 1.1. */
enum newsd_query_status {
    NEWSD_QUERY_OK = 0,
    NEWSD_QUERY_BAD_REQUEST,  /* the request asks for something impossible (bad search syntax) */
    NEWSD_QUERY_NOT_FOUND,    /* SHOW/ORIGINAL: no such id */
    NEWSD_QUERY_UNAVAILABLE,  /* the archive cannot answer now (database down, I/O error) */
    NEWSD_QUERY_UNSUPPORTED,  /* this archive does not answer this op */
};

/* A query, parsed and checked by newsd before answer() sees it: op is one
 * of enum newsd_query_op, strings are valid UTF-8, numbers are in range,
 * and absent parameters hold their defaults (limit: the op's default page
 * size; offset, cursor: 0; filters: NULL, has_min_score, has_max_score: 0).  Since 1.1;
 * fields are only ever added at the end, and struct_size says how many
 * there are. */
struct newsd_query {
    uint32_t struct_size;       /* sizeof(struct newsd_query) of the daemon */
    enum newsd_query_op op;
    const char *id;             /* SHOW, ORIGINAL: NEWSD_ID_LEN lower-case hex digits */
    const char *q;              /* SEARCH: the search text, not empty */
    int words;                  /* SEARCH: 1 = q is plain words (every word required), 0 = the
                                 * archive's own query syntax */
    int64_t limit;              /* SEARCH, LIST, EXPORT, IDS: 1 .. the op's maximum */
    int64_t offset;             /* SEARCH, LIST: >= 0 */
    int64_t cursor;             /* EXPORT, IDS: 0, or the next_cursor of the previous page */
    /* Filters, ANDed; NULL when not given.  LIST uses all of them, and
     * since 1.4 SEARCH does too (its hits are the matches that pass every
     * filter; total counts those); EXPORT and IDS use since and until.  An
     * archive built for 1.3 or older is never asked a SEARCH with a filter:
     * newsd answers it NEWSD_QUERY_UNSUPPORTED itself. */
    const char *tag;            /* an exact tag name */
    const char *tag_prefix;     /* tag names starting with this */
    const char *lang;           /* the article's lang */
    const char *since;          /* received >= since (ISO 8601 UTC, compared as text) */
    const char *until;          /* received < until */
    int has_min_score;
    double min_score;           /* score total >= min_score (finite) */
    /* Since 1.3 (a daemon's struct_size covers them; an archive built for
     * 1.2 or older is never asked to filter by action: newsd answers such
     * a query NEWSD_QUERY_UNSUPPORTED itself). */
    const char *action;         /* LIST, SEARCH (1.4): the record's action is this one */
    const char *hide_action;    /* LIST, SEARCH (1.4): leave out records with this action (newsctl list
                                 * hides the operator's [actions] hide, "discard" by default, unless
                                 * asked; a search hides nothing unless asked) */
    /* Since 1.4 (read them only when struct_size covers them; an archive
     * built for 1.3 or older is never asked to filter by max_score). */
    int has_max_score;
    double max_score;           /* LIST, SEARCH: score total <= max_score (finite, >= min_score) */
};

/* One configuration key a plugin reads, for the descriptor's config_keys
 * (since 1.2): a table ended by an entry whose name is NULL.  A name that
 * ends in '.' or '*' declares a family: "rule." (or "rule.*") accepts
 * rule.AI, rule.CHIPS and every other key that starts with "rule." and
 * goes on.  newsd refuses a [plugin.NAME] section holding a key that is
 * neither in the table nor one of its own (so, lua, required, max_ms;
 * for Lua max_instructions, max_memory), naming the file, the line and
 * the nearest declared key.  help is one line for people (may be NULL). */
struct newsd_config_key {
    const char *name;
    const char *help;
};

/* The descriptor a plugin exports.  Fill it with NEWSD_PLUGIN(); fields that
 * a plugin does not need stay NULL/0.  The struct only grows at its end. */
typedef struct newsd_plugin {
    /* Since 1.0: set by NEWSD_PLUGIN().  abi_version is the version stamp
     * (NEWSD_ABI_STAMP: major | minor << 16); struct_size is
     * sizeof(newsd_plugin) of the header the plugin was built against. */
    uint32_t abi_version;
    uint32_t struct_size;
    const char *name;       /* since 1.0: short identifier used in logs and tags */
    const char *description;/* since 1.0 */
    uint32_t stages;        /* since 1.0: OR of enum newsd_stage */
    uint32_t flags;         /* since 1.0: OR of enum newsd_plugin_flags */

    /* Since 1.0.  Called once per configured instance, on the main thread,
     * before any article.  conf is this instance's INI section (valid only
     * during the call).  Store per-instance data in *state.  Return
     * NEWSD_ERROR (after logging why) to refuse the configuration. */
    int (*init)(const newsd_config *conf, void **state);

    /* Since 1.0.  PARSE, TAG and SCORE stages: called once per article and
     * stage. */
    int (*process)(void *state, enum newsd_stage stage, newsd_article *a);

    /* Since 1.0.  ARCHIVE stage: store one finished article.  Return
     * NEWSD_OK, NEWSD_DUPLICATE when the article's id is already archived
     * (nothing is written), or NEWSD_ERROR after newsd_article_fail(): the
     * article then goes to failed/ with that reason, so keep NEWSD_ERROR
     * for faults of the article itself.  For faults of the archive (disk
     * full, server gone) return NEWSD_OK and fail commit(): the batch is
     * retried.  The article is mutable because a 1.0 build declared it so;
     * archive() must not change it. */
    int (*archive)(void *state, newsd_article *a);

    /* Since 1.0.  ARCHIVE stage: make everything passed to archive() since
     * the last commit durable.  Only after it returns NEWSD_OK does newsd
     * delete the articles' work files.  On NEWSD_ERROR the whole batch is
     * retried later, so archive() must cope with seeing an article again. */
    int (*commit)(void *state);

    /* Since 1.0, superseded by answer() in 1.1: a plugin that sets answer()
     * leaves this NULL.  newsd still calls it for a plugin without
     * answer(): request is the query as a JSON object ({"op": "search",
     * ...}, the names of struct newsd_query, but "mode": "words" or "fts"
     * for words; docs/api.md, "The 1.0 query() protocol"); on NEWSD_OK
     * *response is a malloc'd JSON answer, passed through ({"base64"} or
     * {"path"} for "original"), on NEWSD_ERROR a malloc'd reason, read as
     * BAD_REQUEST when it starts with "bad request:", NOT_FOUND with "not
     * found:", else UNAVAILABLE. */
    int (*query)(void *state, const char *request, char **response);

    /* Since 1.0.  Release the instance.  Called on shutdown and on reload;
     * not called when init() failed (init cleans up after itself). */
    void (*fini)(void *state);

    /* Since 1.1.  ARCHIVE stage, optional: answer a query about what is
     * archived (the searches and listings of newsctl and the control API).
     * Give the answer with the newsd_answer_*() functions and return
     * NEWSD_QUERY_OK, or return newsd_answer_fail(ans, STATUS, reason).
     * Runs on a thread of its own, possibly while archive()/commit() run
     * on another, so use a separate database connection or a lock. */
    int (*answer)(void *state, const struct newsd_query *q, newsd_answer *ans);

    /* Since 1.2.  The keys init() reads (see struct newsd_config_key), or
     * NULL: then newsd cannot tell a mistyped key from one the plugin
     * reads, says so once at info level, and checks none of the section. */
    const struct newsd_config_key *config_keys;

    /* Since 1.3.  A sink: deliver archived records to somewhere else (a
     * command, a web hook, a broker).  newsd writes each record that
     * passes the sink's filter to its outbox in the state directory in the
     * same commit as the archive, and calls deliver() with up to the
     * section's batch of them that are due, on a thread of the sink's own
     * (one call at a time per instance; it may block, best within a
     * timeout of its own).  A record that deliver() did not mark with
     * newsd_delivery_fail() counts as delivered and leaves the outbox; a
     * failed one is offered again later with back-off, and becomes a dead
     * letter after dead_after_s.  Delivery is at least once: after a
     * crash a record may come again, with the same newsd_delivery_id(),
     * which is what an idempotency key should be.  Return NEWSD_OK, or
     * NEWSD_ERROR when nothing of the batch went out (each one then fails
     * with the reason logged).  A plugin with deliver() may declare no
     * stage. */
    int (*deliver)(void *state, newsd_delivery *const *batch, size_t n);

    /* Since 1.3.  An input: bring articles in from somewhere else (a
     * broker, a queue).  newsd calls run() once, after init(), on a thread
     * of the instance's own, and the plugin fetches until
     * newsd_input_wait() says NEWSD_INPUT_STOP (a stop or a reload), then
     * returns.  Each message goes into the inbox with newsd_input_put(),
     * which returns only once the file is durable there; only then may the
     * plugin acknowledge it upstream.  A crash between the two means a
     * redelivery, which the content-hash id makes harmless.  Return
     * NEWSD_OK, or NEWSD_ERROR after logging why (newsd logs that the
     * input ended; it is started again at the next reload).  A plugin with
     * run() may declare no stage. */
    int (*run)(void *state, newsd_input *in);

    /* Since 1.5.  ARCHIVE stage, optional: the per-article half of
     * archive(), done ahead on the worker that processed the article,
     * right after its last stage (the record is final then: tags, score,
     * action, processed time).  It may run on several workers at once,
     * and while archive() and commit() run on the archive's thread, all
     * with the same state: guard what they share.  Store nothing that
     * counts as archived: archive() and commit() still come, one thread at
     * a time, and decide; prepare() only does ahead what archive() would
     * (build the record, write it to a file of its own), and archive()
     * finds it there, or does it itself when it is not (the instance was
     * replaced by a reload, the commit failed and the batch is retried).
     * An article prepared may never reach archive() (newsd stops first):
     * fini() cleans up what is left.  Return NEWSD_OK, also when the
     * archive failed to prepare (leave that to archive(), which logs it
     * and fails commit()), or NEWSD_ERROR after newsd_article_fail() for a
     * fault of the article itself: it then goes to failed/.  Not called
     * by newsd --try, which archives nothing. */
    int (*prepare)(void *state, newsd_article *a);
} newsd_plugin;

/* The exported symbol the loader looks up.  Since 1.0. */
#define NEWSD_PLUGIN_SYMBOL "newsd_plugin_descriptor"

/* Since 1.0.  The extern declaration gives the descriptor external linkage
 * (and default visibility) in C++ too, where a const object at namespace
 * scope would otherwise be internal.  In C++ (C++20 designated
 * initializers) the fields must be given in declaration order, and g++
 * -Wextra wants -Wno-missing-field-initializers. */
#define NEWSD_PLUGIN(...)                                                    \
    NEWSD_EXPORT extern const newsd_plugin newsd_plugin_descriptor;          \
    const newsd_plugin newsd_plugin_descriptor = {                           \
        .abi_version = NEWSD_ABI_VERSION,                                    \
        .struct_size = sizeof(newsd_plugin),                                 \
        __VA_ARGS__                                                          \
    }

/*
 * Missing values, one rule across the ABI (and the Lua binding):
 *   - A lookup by key or position that finds nothing returns NULL (a
 *     string or a pointer) or NEWSD_ERROR (an int status); in Lua, nil.
 *   - newsd_article_tag_weight() returns -1 for a tag that is not there:
 *     tag weights are never negative, so -1 is never a weight.
 *   - An article's text fields are not lookups: every article has all of
 *     them, and a field the source did not give reads as "" (never NULL),
 *     in C and in Lua alike.
 *   - Numbers that a plugin gives (tag weights, score points, config
 *     values) must be finite: NaN and infinities are refused with
 *     NEWSD_ERROR, the same for tags and for scores.
 */

/* ---- versions (since 1.1) ------------------------------------------------ */

#if NEWSD_ABI_TARGET_MINOR >= 1

/* The ABI of the running daemon, as a version stamp (NEWSD_ABI_STAMP). */
NEWSD_EXPORT uint32_t newsd_abi_version(void);
/* The running daemon's version, "0.2.0". */
NEWSD_EXPORT const char *newsd_version(void);
#endif

/* ---- logging ----------------------------------------------------------- */

/* Since 1.0.  Log one line.  The daemon adds the instance name (the NAME of
 * the [plugin.NAME] section) and, inside a callback, the article's file name
 * and id. */
NEWSD_EXPORT void newsd_log(enum newsd_log_level level, const char *fmt, ...) NEWSD_PRINTF(2, 3);

/* ---- configuration (inside init only) -------------------------------- */

/* Since 1.0.  The instance name: "orgs" for a section [plugin.orgs]. */
NEWSD_EXPORT const char *newsd_config_name(const newsd_config *conf);
/* Since 1.0.  Value of key in this section, or NULL.  Keys are
 * case-sensitive. */
NEWSD_EXPORT const char *newsd_config_get(const newsd_config *conf, const char *key);
/* Since 1.0.  Parse helpers: return def when the key is absent, NEWSD_ERROR
 * (and log which key is wrong) when the value does not parse, else
 * NEWSD_OK.  Doubles must be finite. */
NEWSD_EXPORT int newsd_config_get_double(const newsd_config *conf, const char *key, double def, double *out);
NEWSD_EXPORT int newsd_config_get_bool(const newsd_config *conf, const char *key, int def, int *out);
/* Since 1.0.  Number of keys and the i-th pair, in file order. */
NEWSD_EXPORT size_t newsd_config_count(const newsd_config *conf);
NEWSD_EXPORT int newsd_config_at(const newsd_config *conf, size_t i, const char **key, const char **value);
/* Since 1.0.  The instance's state directory (inbox/, work/, archive/ ...
 * live there). */
NEWSD_EXPORT const char *newsd_config_state_dir(const newsd_config *conf);
/* Since 1.0.  Resolve a path value against the folder of the file that set
 * it.  Returns a malloc'd string the caller frees, or NULL if the key is
 * absent. */
NEWSD_EXPORT char *newsd_config_path(const newsd_config *conf, const char *key);

#if NEWSD_ABI_TARGET_MINOR >= 1
/* Since 1.1.  A whole decimal number in [min, max] (no blanks, '+', "0x",
 * fraction or exponent): def when the key is absent (def is not checked
 * against the range), NEWSD_ERROR (logged, naming section, key, value and
 * range) when it is not a whole number, overflows or is out of range, and
 * when min > max. */
NEWSD_EXPORT int newsd_config_get_int(const newsd_config *conf, const char *key, int64_t def, int64_t min,
                                      int64_t max, int64_t *out);
/* Since 1.1.  A size in bytes: a whole number with an optional suffix k, M,
 * G or T (powers of 1024, either case, optionally followed by B: "64M",
 * "512k", "2GB"), at most max (UINT64_MAX for no limit).  Read as newsd
 * reads its own sizes (max_article_bytes).  Absent and errors as
 * newsd_config_get_int(). */
NEWSD_EXPORT int newsd_config_get_size(const newsd_config *conf, const char *key, uint64_t def, uint64_t max,
                                       uint64_t *out);
/* Since 1.1.  A file or folder inside the state directory: the value of key
 * (def when the key is absent or empty), joined to the state directory when
 * relative; an absolute value is taken as it is.  Unlike
 * newsd_config_path(), a relative value does not depend on which INI file
 * set it: archives and databases belong with the state.  Malloc'd, caller
 * frees; NULL when there is neither a value nor def. */
NEWSD_EXPORT char *newsd_config_state_path(const newsd_config *conf, const char *key, const char *def);

/* ---- small shared helpers (since 1.1) ------------------------------------ */

/* 1 when the len bytes at s are valid UTF-8 (no overlong forms, no
 * surrogates, no truncated sequence, nothing above U+10FFFF), else 0: the
 * check the newsd_article_* functions apply.  A NUL byte is a valid
 * character; refuse it yourself where the text becomes a C string.  s may
 * be NULL when len is 0. */
NEWSD_EXPORT int newsd_utf8_valid(const char *s, size_t len);
/* 1 when s is an article id: exactly NEWSD_ID_LEN lower-case hex digits,
 * else 0 (also for NULL). */
NEWSD_EXPORT int newsd_id_valid(const char *s);
/* Split a comma-separated list ("Huawei, Nvidia ,,Baidu") into its items,
 * white space around each trimmed and empty items dropped.  A line break
 * separates items like a comma: newsd joins the indented continuation
 * lines of a config value with '\n'.  Returns a malloc'd NULL-terminated
 * array and its length in *n (n may be NULL); a NULL or empty list gives
 * an empty array.  NULL only when out of memory.  The items live in the
 * array's memory: newsd_list_free() frees both (NULL is fine), so copy an
 * item you keep. */
NEWSD_EXPORT char **newsd_list_split(const char *list, size_t *n);
NEWSD_EXPORT void newsd_list_free(char **items);
#endif

/* ---- reading an article ------------------------------------------------ */

/* Since 1.0.  Never NULL: absent fields read as "". */
NEWSD_EXPORT const char *newsd_article_get(const newsd_article *a, enum newsd_field field);
/* Since 1.0.  The original bytes as dropped in the inbox. */
NEWSD_EXPORT const unsigned char *newsd_article_raw(const newsd_article *a, size_t *len);
/* Since 1.0.  Path of the original file while the article is in flight
 * (STATE_DIR/work/NAME), or NULL.  An archive on the same file system may
 * hard-link it instead of copying the bytes; it is unlinked from work/ once
 * every archive committed.  Check the linked size against
 * newsd_article_raw()'s length: a producer that still wrote to the file
 * after newsd took it would make them differ. */
NEWSD_EXPORT const char *newsd_article_path(const newsd_article *a);
/* Since 1.0.  1 while an archived article runs through the plugins again
 * (newsctl reprocess): archive() must then replace the stored record of
 * this id (fields, tags, score) and return NEWSD_OK, not NEWSD_DUPLICATE. */
NEWSD_EXPORT int newsd_article_reprocessing(const newsd_article *a);
/* Since 1.0.  Received (claimed) time, milliseconds since the Unix epoch. */
NEWSD_EXPORT int64_t newsd_article_received_ms(const newsd_article *a);
/* Since 1.0.  When the parse/tag/score stages finished (the record's
 * "processed"), in milliseconds since the Unix epoch; 0 before that. */
NEWSD_EXPORT int64_t newsd_article_processed_ms(const newsd_article *a);
/* Since 1.0.  1 if title or body contains text, ignoring case (Unicode
 * case folding: "SCHLIESSEN" matches "schließen").  A substring match, so
 * "KI-Chip" also finds "KI-Chiphersteller". */
NEWSD_EXPORT int newsd_article_contains(const newsd_article *a, const char *text);
/* Since 1.0.  Like newsd_article_contains(), but text must stand as a whole
 * word (or words): no letter or digit right before or after it.  "Intel"
 * then finds "Intel-Chef" but not "Intelligenz". */
NEWSD_EXPORT int newsd_article_contains_word(const newsd_article *a, const char *text);

/* Since 1.0.  Tags in the order they were first set; tag_at() returns
 * NEWSD_ERROR past the end. */
NEWSD_EXPORT size_t newsd_article_tag_count(const newsd_article *a);
NEWSD_EXPORT int newsd_article_tag_at(const newsd_article *a, size_t i, struct newsd_tag *out);
/* Since 1.0.  Weight of the tag with this exact name, or -1 when absent.
 * A lookup by name (as newsd_article_meta()) takes constant time. */
NEWSD_EXPORT double newsd_article_tag_weight(const newsd_article *a, const char *name);

/* Since 1.0.  The score breakdown; score_at() returns NEWSD_ERROR past the
 * end.  The total is the sum of the rules' points (0 without rules). */
NEWSD_EXPORT size_t newsd_article_score_count(const newsd_article *a);
NEWSD_EXPORT int newsd_article_score_at(const newsd_article *a, size_t i, struct newsd_score_rule *out);
NEWSD_EXPORT double newsd_article_score_total(const newsd_article *a);

/* Since 1.0.  Value of meta key, or NULL. */
NEWSD_EXPORT const char *newsd_article_meta(const newsd_article *a, const char *key);
NEWSD_EXPORT size_t newsd_article_meta_count(const newsd_article *a);
NEWSD_EXPORT int newsd_article_meta_at(const newsd_article *a, size_t i, struct newsd_meta *out);

/* Since 1.0.  Room for a time written by newsd_format_time(), NUL
 * included. */
#define NEWSD_TIME_LEN 32
/* Since 1.0.  ms since the Unix epoch as the record writes times, UTC with
 * milliseconds: "2026-11-28T14:20:51.123Z".  Every int64_t fits.
 * Returns out. */
NEWSD_EXPORT char *newsd_format_time(int64_t ms, char out[NEWSD_TIME_LEN]);

/* Since 1.0.  The article as the JSON record documented in docs/record.md
 * (malloc'd, caller frees), or NULL when out of memory. */
NEWSD_EXPORT char *newsd_article_to_json(const newsd_article *a);

/* ---- changing an article ---------------------------------------------- */

/* What each stage may change is NEWSD_STAGE_MAP's last column; a call a
 * stage does not allow is logged and returns NEWSD_ERROR. */

/* Since 1.0.  Stages that may change fields (PARSE): replace a text field.
 * Values must be valid UTF-8. */
NEWSD_EXPORT int newsd_article_set(newsd_article *a, enum newsd_field field, const char *value);
/* Since 1.0.  Stages that may change tags (PARSE, TAG, SCORE): add a tag,
 * or raise the weight of an existing tag to weight if it is higher.  The
 * weight must be finite and >= 0.  The tag records the calling plugin's
 * instance name.
 *
 * Limits (the operator's [daemon] keys, docs/operations.md): a name is at
 * most max_name_bytes (default 256) bytes, and an article holds at most
 * max_tags (default 1000) tags.  Past either, NEWSD_ERROR, logged once per
 * article; raising the weight of a tag that is there needs no room.  The
 * same limits hold for score rules (max_score_rules) and meta keys
 * (max_meta) below. */
NEWSD_EXPORT int newsd_article_tag(newsd_article *a, const char *name, double weight);
/* Since 1.0.  Stages that may change the score (SCORE): add a rule to the
 * score breakdown.  points must be finite, and so must the total with
 * them (a rule that would carry it past the finite numbers is refused
 * with NEWSD_ERROR); reason may be NULL.  The rule
 * name is at most max_name_bytes long, and an article holds at most
 * max_score_rules rules: past either, NEWSD_ERROR (logged once per
 * article). */
NEWSD_EXPORT int newsd_article_score(newsd_article *a, const char *rule, double points, const char *reason);
/* Since 1.0.  Stages that may change meta (PARSE, TAG, SCORE): set (or
 * replace) a meta value.  The key is at most max_name_bytes long, and an
 * article holds at most max_meta keys: a new key past either gets
 * NEWSD_ERROR (logged once per article); replacing a value needs no
 * room. */
NEWSD_EXPORT int newsd_article_set_meta(newsd_article *a, const char *key, const char *value);
/* Since 1.0.  Record why this plugin failed on this article; returns
 * NEWSD_ERROR, for `return newsd_article_fail(a, ...)`. */
NEWSD_EXPORT int newsd_article_fail(newsd_article *a, const char *fmt, ...) NEWSD_PRINTF(2, 3);

/* ---- the text layer (since 1.2) ----------------------------------------- */

#if NEWSD_ABI_TARGET_MINOR >= 2

/*
 * The article's text, segmented into sentences and tokens, case-folded and
 * stemmed.  newsd builds it once per article, on the first call that asks
 * for it, and every plugin (C or Lua) then reads the same analysis; an
 * article that no plugin asks about never pays for it.  The same analysis
 * is available for any text (a gazetteer name, a query) through
 * newsd_analysis_new(), so a plugin can compare its own words with an
 * article's token by token.
 *
 * What is analysed: the title, a blank line and the body ("\n\n" joins
 * them; just the body when there is no title).  Offsets count bytes of that
 * text (newsd_analysis_text()).
 *
 * Segmentation keeps together what a reader reads as one:
 *   - hyphenated compounds: "KI-Chiphersteller", "US-Handelsbeschränkungen",
 *     and a truncated one such as "KI-" in "KI- und Chipherstellung";
 *   - numbers with decimal commas or points and digit groups: "4,6",
 *     "1.000.000", "3.7"; a unit or suffix written onto a number stays with
 *     it ("3,7%", "10-fache", "5nm"), a unit after a space is a word of its
 *     own ("4,6" "Milliarden" "Yuan");
 *   - abbreviations with their dots, which end no sentence: "Co.", "Inc.",
 *     "Dr.", "U.S.", and "z. B." as one token (lists per language, plus
 *     the rule that a single letter with a dot is an initial);
 *   - words with apostrophes: "don't", "Xi's" (the possessive is part of
 *     the token; its norm drops it: "xi"), except French and Italian
 *     elision: "l'homme" is "l'" and "homme";
 *   - letters of any script are letters; in scripts written without
 *     spaces each Han ideograph and each Hiragana character is a token,
 *     a run of Katakana, Thai, Lao, Khmer or Myanmar letters is one.
 * Sentences end at '.', '!', '?', '…' (and ':' or ';' never), at a line
 * break that ends a paragraph or a list item, and after the title.
 *
 * Language: stems and stop words follow the article's lang field (its
 * primary subtag in lower case: "de" of "de-AT") as it is when the
 * analysis is built (the bundled lang plugin sets it in the PARSE
 * stage, before any TAG plugin asks).  A language without a Snowball
 * stemmer stems every word to its norm; one without a stop-word list marks
 * none.
 *
 * Threads: an analysis does not change once built, so several threads
 * may read one at once (a gazetteer analysed in init, read by every
 * worker).
 *
 * Lifetime: the article owns its analysis.  newsd_article_set() of the
 * title, the body or the lang discards it (pointers from it become
 * invalid), and the next call builds it again.  Otherwise it lives until
 * the article leaves the SCORE stage (waiting for its archive batch, an
 * article keeps only its record; an ARCHIVE plugin that asks gets it built
 * again): pointers stay valid for the rest of the callback, and across the
 * PARSE, TAG and SCORE stages of one article.
 *
 * Structs that newsd fills carry struct_size, which the caller sets to
 * sizeof of its own struct before the call: newsd fills that many bytes,
 * so later minors can add fields at the end.  A struct_size too small for
 * the 1.2 fields is refused with NEWSD_ERROR.
 */
typedef struct newsd_analysis newsd_analysis;  /* opaque; since 1.2 */

/* What a token is.  Since 1.2. */
enum newsd_token_kind {
    NEWSD_TOKEN_WORD = 1,   /* letters, maybe with digits, hyphens, apostrophes or an abbreviation's dots */
    NEWSD_TOKEN_NUMBER,     /* starts with a digit: "2023", "4,6", "3,7%", "10-fache" */
    NEWSD_TOKEN_PUNCT,      /* anything else that is not space: ".", "„", "%", "€", "•" */
};

/* Token flags.  Since 1.2. */
enum newsd_token_flags {
    NEWSD_TOKEN_CAPITALISED = 1u << 0,  /* the first letter is upper or title case */
    NEWSD_TOKEN_ALL_CAPS = 1u << 1,     /* two or more letters, none lower case: "UBS", "KI" */
    NEWSD_TOKEN_STOPWORD = 1u << 2,     /* norm is a stop word of the analysis language */
    NEWSD_TOKEN_SENTENCE_START = 1u << 3, /* the first word or number of its sentence */
    NEWSD_TOKEN_ABBREVIATION = 1u << 4, /* an abbreviation with its dots: "Co.", "z. B." */
    NEWSD_TOKEN_TITLE = 1u << 5,        /* in the article's title */
};

/* One token.  Since 1.2. */
struct newsd_token {
    uint32_t struct_size;   /* set by the caller: sizeof(struct newsd_token) */
    uint32_t kind;          /* enum newsd_token_kind */
    uint32_t flags;         /* OR of enum newsd_token_flags */
    uint32_t sentence;      /* index of its sentence */
    size_t offset;          /* where it starts in newsd_analysis_text(), in bytes */
    size_t length;          /* its length there, in bytes */
    const char *text;       /* as written (NFC): "Handelsbeschränkungen" */
    const char *norm;       /* case-folded (ß becomes ss, ’ becomes '): "handelsbeschränkungen" */
    const char *stem;       /* Snowball stem of norm in the analysis language ("handelsbeschrank");
                             * norm itself for numbers, punctuation and languages without a stemmer */
#if NEWSD_ABI_TARGET_MINOR >= 3
    size_t norm_length;     /* since 1.3: strlen(norm) */
    size_t stem_length;     /* since 1.3: strlen(stem) */
    uint32_t type;          /* since 1.3: the token's text as a number (see newsd_analysis_type_count()) */
#endif
};

/* One sentence (or heading, or list item).  Since 1.2. */
struct newsd_sentence {
    uint32_t struct_size;   /* set by the caller: sizeof(struct newsd_sentence) */
    uint32_t paragraph;     /* index of its paragraph; the title is paragraph 0 when there is one */
    size_t offset;          /* in newsd_analysis_text(), in bytes, without surrounding space */
    size_t length;
    size_t first_token;     /* index of its first token */
    size_t n_tokens;        /* how many tokens it has (punctuation included) */
};

/* The analysis of an article: built on first use (see above), owned by the
 * article.  NULL only when memory runs out.  The handle is const: it reads,
 * it does not change the article, so every stage may ask for it. */
NEWSD_EXPORT const newsd_analysis *newsd_article_analysis(newsd_article *a);

/* Analyse text (len bytes of UTF-8; NUL bytes and invalid UTF-8 are
 * refused with NULL) as an article's text is analysed, stemming and
 * marking stop words for lang ("de", "en"; NULL or "" for none).  Not
 * NFC-normalised text is normalised first.  The caller owns the result:
 * free it with newsd_analysis_free() (NULL is fine).  Thread-safe. */
NEWSD_EXPORT newsd_analysis *newsd_analysis_new(const char *text, size_t len, const char *lang);
NEWSD_EXPORT void newsd_analysis_free(newsd_analysis *an);

/* The analysed text (NUL-terminated; its length in *len when len is not
 * NULL) and the language of its stems and stop words ("" when none). */
NEWSD_EXPORT const char *newsd_analysis_text(const newsd_analysis *an, size_t *len);
NEWSD_EXPORT const char *newsd_analysis_lang(const newsd_analysis *an);

/* Tokens and sentences in text order; the _at functions return NEWSD_ERROR
 * past the end or for a struct_size too small. */
NEWSD_EXPORT size_t newsd_analysis_token_count(const newsd_analysis *an);
NEWSD_EXPORT int newsd_analysis_token_at(const newsd_analysis *an, size_t i, struct newsd_token *out);
NEWSD_EXPORT size_t newsd_analysis_sentence_count(const newsd_analysis *an);
NEWSD_EXPORT int newsd_analysis_sentence_at(const newsd_analysis *an, size_t i, struct newsd_sentence *out);

/* 1 when norm (a case-folded word, as struct newsd_token's norm) is a stop
 * word of lang, else 0 (also for a language without a list).  The lists
 * are data files that newsd reads at start (docs/plugins.md says where). */
NEWSD_EXPORT int newsd_stopword(const char *lang, const char *norm);

#endif

/* ---- sinks: inside deliver() only (since 1.3) --------------------------- */

#if NEWSD_ABI_TARGET_MINOR >= 3

/* The article id of the record: the same at every attempt and after a
 * restart, so receivers can drop a repeat (HTTP Idempotency-Key, Kafka key,
 * JetStream Nats-Msg-Id). */
NEWSD_EXPORT const char *newsd_delivery_id(const newsd_delivery *d);
/* The record as docs/record.md describes it (JSON, not NUL-terminated
 * inside: its length in *len; a NUL follows it). */
NEWSD_EXPORT const char *newsd_delivery_json(const newsd_delivery *d, size_t *len);
/* 1 at the first attempt, then 2, 3 ... (counted since the sink started:
 * after a restart or a reload it counts from 1 again). */
NEWSD_EXPORT unsigned newsd_delivery_attempt(const newsd_delivery *d);
/* When the record entered the outbox, ms since the Unix epoch. */
NEWSD_EXPORT int64_t newsd_delivery_created_ms(const newsd_delivery *d);
/* This record was not delivered: it is offered again after the back-off.
 * The reason (one line) shows in the log and in `newsctl outbox`.
 * Returns NEWSD_ERROR.  Thread-safe for distinct records. */
NEWSD_EXPORT int newsd_delivery_fail(newsd_delivery *d, const char *fmt, ...) NEWSD_PRINTF(2, 3);
#endif

/* ---- inputs: inside run() only (since 1.3) ------------------------------- */

#if NEWSD_ABI_TARGET_MINOR >= 3

/* What newsd_input_wait() says.  Since 1.3. */
enum newsd_input_go {
    NEWSD_INPUT_FETCH = 0, /* the inbox has room: fetch and put */
    NEWSD_INPUT_FULL = 1,  /* the timeout passed and the inbox backlog is still at the
                            * section's max_backlog: keep the connection, fetch nothing */
    NEWSD_INPUT_STOP = 2,  /* newsd stops or reloads: return from run() */
};

/* Back-pressure and the stop.  Waits up to timeout_ms (0: only looks) for
 * the backlog of files in inbox/ and work/ to fall below the section's
 * max_backlog.  Returns enum newsd_input_go.  Call it before each fetch. */
NEWSD_EXPORT int newsd_input_wait(newsd_input *in, int64_t timeout_ms);

/* Put one message into the inbox as an article file: data (the file's
 * bytes, any length, the pipeline judges them like a dropped file) is
 * written to tmp/, fsynced, renamed into inbox/ and the folder fsynced;
 * then it returns NEWSD_OK and the plugin acknowledges upstream.  name is
 * the file name (a '/' or a leading '.' is replaced; a taken name gets a
 * suffix): let it say where the message came from (subject or topic,
 * partition, offset), since a bad message's reason in failed/ names its
 * file.  A message whose name and bytes newsd holds already (in inbox/,
 * work/ or failed/: the broker delivered it again because the ack did not
 * reach it) is not written twice, and NEWSD_OK says acknowledge it: a
 * poison message set aside in failed/ then no longer comes back (newsd
 * after 0.4.0; a behaviour, not an ABI change).  NEWSD_ERROR: not
 * written (the reason is logged: disk full, inbox gone); do not
 * acknowledge, back off, let the broker redeliver. */
NEWSD_EXPORT int newsd_input_put(newsd_input *in, const char *name, const void *data, size_t len);

/* A figure of the input for /status ("inputs") and /metrics
 * (newsd_input_NAME{input=...}): "lag" (messages upstream not yet taken),
 * "in_flight" (taken, not yet acknowledged), "errors" (a counter), or a
 * name of the plugin's own ([a-z_], up to 31 bytes). */
NEWSD_EXPORT void newsd_input_gauge(newsd_input *in, const char *name, int64_t value);
#endif

/* ---- answering a query (inside answer() only; since 1.1) ----------------- */

#if NEWSD_ABI_TARGET_MINOR >= 1

/* The parts of an answer; newsd puts them together in the shapes that
 * docs/api.md documents, so every archive answers alike.  Each json
 * argument is one JSON value as text (copied); one that does not parse
 * makes the function return NEWSD_ERROR and the query end as
 * NEWSD_QUERY_UNAVAILABLE.
 *
 *   SEARCH  newsd_answer_total() + newsd_answer_item() per hit
 *   LIST    newsd_answer_total() + newsd_answer_item() per article
 *   EXPORT  newsd_answer_item() per record + newsd_answer_next_cursor()
 *   IDS     newsd_answer_item() per id (a JSON string) + next cursor
 *   SHOW    newsd_answer_json(): the record
 *   STATS   newsd_answer_json(): an object of figures
 *   ORIGINAL newsd_answer_original_path() or newsd_answer_original_bytes()
 *
 * newsd_answer_member() adds a member of the archive's own to the answer
 * object ("pending" of a search; SEARCH, LIST, EXPORT, IDS).  A function
 * that is no part of the op's answer, more items than q->limit, a next
 * cursor not past q->cursor, or a SEARCH/LIST without a total also end
 * the query as NEWSD_QUERY_UNAVAILABLE, with a reason that names the
 * mistake. */
NEWSD_EXPORT void newsd_answer_total(newsd_answer *ans, int64_t total);
NEWSD_EXPORT int newsd_answer_item(newsd_answer *ans, const char *json);
/* The cursor that starts the next page; without a call this page is the
 * last. */
NEWSD_EXPORT void newsd_answer_next_cursor(newsd_answer *ans, int64_t cursor);
NEWSD_EXPORT int newsd_answer_json(newsd_answer *ans, const char *json);
NEWSD_EXPORT int newsd_answer_member(newsd_answer *ans, const char *key, const char *json);
/* The original bytes of the queried id: the path of a file that holds them
 * (hard-linked or copied by newsd), or the bytes themselves (copied). */
NEWSD_EXPORT int newsd_answer_original_path(newsd_answer *ans, const char *path);
NEWSD_EXPORT int newsd_answer_original_bytes(newsd_answer *ans, const void *data, size_t len);
/* Refuse the query with a status and a one-line reason a person can act
 * on; returns status, for `return newsd_answer_fail(...)`. */
NEWSD_EXPORT int newsd_answer_fail(newsd_answer *ans, enum newsd_query_status status, const char *fmt, ...)
    NEWSD_PRINTF(3, 4);
#endif

/* ---- how newsd runs the plugin (since 1.3) ------------------------------- */

#if NEWSD_ABI_TARGET_MINOR >= 3

/* Why newsd initialises a plugin.  Since 1.3. */
enum newsd_run_mode {
    NEWSD_RUN_DAEMON = 0,  /* the daemon (a start or a reload): articles are archived */
    NEWSD_RUN_TRY,         /* newsd --try (and tools like it): articles are processed, printed and
                            * forgotten; nothing is archived */
    NEWSD_RUN_CHECK,       /* newsd --check-config: init() and fini(), no article */
};

/* Since 1.3, inside init() only.  How this instance runs (enum
 * newsd_run_mode).  A plugin that keeps state of its own beside the
 * archive (an index, a model it updates) changes it only under
 * NEWSD_RUN_DAEMON: what newsd --try sees was never archived, and a
 * configuration check changes nothing.  Reading that state is fine in
 * every mode (and what a check is for). */
NEWSD_EXPORT int newsd_config_run_mode(const newsd_config *conf);

#endif

/* ---- actions and configuration errors (since 1.3) ----------------------- */

#if NEWSD_ABI_TARGET_MINOR >= 3

/* Since 1.3.  The article's action: the name the operator's [actions]
 * thresholds give its score total ("alert", "archive", "discard" by
 * default; docs/operations.md).  newsd chooses it once the SCORE stage is
 * over, so it is "" in the PARSE, TAG and SCORE stages and set in the
 * ARCHIVE stage (and in every record). */
NEWSD_EXPORT const char *newsd_article_action(const newsd_article *a);

/* Since 1.3, inside init only.  Log a configuration error about key as
 * newsd logs its own: "FILE:LINE: [plugin.NAME] KEY: message", with the
 * file and line that set key (a conf.d drop-in included; the section's
 * when key is NULL or not in the section).  Returns NEWSD_ERROR, for
 * `return newsd_config_error(conf, key, ...)`. */
NEWSD_EXPORT int newsd_config_error(const newsd_config *conf, const char *key, const char *fmt, ...)
    NEWSD_PRINTF(3, 4);
#endif

/* ---- the text layer: token types (since 1.3) ------------------------------ */

#if NEWSD_ABI_TARGET_MINOR >= 3

/*
 * Tokens with the same text have the same type, a number from 0 to
 * newsd_analysis_type_count() - 1, given in the order the texts first
 * occur (struct newsd_token's type).  A plugin that works out something
 * per word (a lookup in its own list, a symbol of its automaton) does it
 * once per type and keeps the answer in an array of that many entries:
 * an article's text repeats most of its words.  Tokens of one type have
 * the same text, norm, stem and kind; flags that depend on where a token
 * stands (SENTENCE_START, TITLE) may differ.  Since 1.3.
 */
NEWSD_EXPORT size_t newsd_analysis_type_count(const newsd_analysis *an);

#endif

/* ---- the text layer: the token array (since 1.5) ------------------------- */

#if NEWSD_ABI_TARGET_MINOR >= 5

/*
 * Since 1.5.  The analysis's tokens as one read-only array, in text order:
 * the analysis's own storage, so reading it copies nothing (where
 * newsd_analysis_token_at() copies a token per call).  *count gets the
 * number of tokens, *stride the distance in bytes from one token to the
 * next (either pointer may be NULL).  Returns NULL (and *count 0) for a
 * NULL analysis or one without tokens.
 *
 * The array belongs to the analysis and lives as long as it does (see
 * "Lifetime" above); it never changes, so threads may read it at once.
 *
 * Read token i with newsd_token_in(base, stride, i), never base[i]: the
 * stride is that of the newsd that runs the plugin, which may be newer
 * and store a longer struct newsd_token.  It is at least the caller's
 * sizeof(struct newsd_token) (fields only grow at the end), so every field
 * a plugin knows is there; each token's struct_size says how long it is.
 *
 *     size_t n, stride;
 *     const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
 *     for (size_t i = 0; i < n; i++) {
 *         const struct newsd_token *t = newsd_token_in(base, stride, i);
 *         if (t->kind == NEWSD_TOKEN_WORD && !(t->flags & NEWSD_TOKEN_STOPWORD))
 *             count_word(t->stem, t->stem_length);
 *     }
 */
NEWSD_EXPORT const struct newsd_token *newsd_analysis_tokens(const newsd_analysis *an, size_t *count,
                                                             size_t *stride);

/* Token i of an array from newsd_analysis_tokens().  Since 1.5. */
static inline const struct newsd_token *newsd_token_in(const struct newsd_token *base, size_t stride, size_t i)
{
    return (const struct newsd_token *)(const void *)((const char *)base + i * stride);
}

#endif

#ifdef __cplusplus
}
#endif

#endif /* NEWSD_PLUGIN_H */
