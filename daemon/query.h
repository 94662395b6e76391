/*
 * Archive queries, the daemon's side of the typed query contract
 * (include/newsd/plugin.h, docs/api.md "Archive queries").
 *
 * A query is checked once, here (query_check: known op, the op's limit
 * range, ids, UTF-8), before any plugin sees it.  An archive with answer()
 * gives the parts of its answer through the newsd_answer_*() functions and
 * newsd puts them together into the documented shapes; an archive of ABI
 * 1.0 with only query() goes through the adapter in query_legacy.c.  Either
 * way the caller gets a struct query_result: a status of enum
 * newsd_query_status and the answer or a reason.
 */
#ifndef NEWSD_QUERY_H
#define NEWSD_QUERY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <newsd/plugin.h>

#include "plugins.h"

/* limit in a query before query_check(): "not given, use the op's default"
 * (0 is a limit given, and refused). */
#define QUERY_LIMIT_UNSET (-1)
/* The largest offset of search and list. */
#define QUERY_OFFSET_MAX INT32_MAX

struct query_result {
    enum newsd_query_status status;
    char *reason;                 /* not OK: one line for a person (malloc'd) */
    json_t *json;                 /* OK, every op but ORIGINAL: the answer */
    char *original_path;          /* OK, ORIGINAL: a file that holds the bytes, or */
    unsigned char *original;      /* the bytes themselves (malloc'd, original_len of them) */
    size_t original_len;
};

void query_result_free(struct query_result *r);

/* A query of op with nothing given: every field 0/NULL, limit unset. */
void query_init(struct newsd_query *q, enum newsd_query_op op);
/* Free the strings of a query whose strings the caller xstrdup'd (the
 * control API's copies of the query-string arguments). */
void query_free_strings(struct newsd_query *q);

/* What an op reads of struct newsd_query. */
enum query_param {
    QUERY_PARAM_Q = 1u << 0,       /* q, words */
    QUERY_PARAM_ID = 1u << 1,
    QUERY_PARAM_LIMIT = 1u << 2,
    QUERY_PARAM_OFFSET = 1u << 3,
    QUERY_PARAM_CURSOR = 1u << 4,
    QUERY_PARAM_RANGE = 1u << 5,   /* since, until */
    QUERY_PARAM_FILTERS = 1u << 6, /* tag, tag_prefix, lang, min_score, max_score (1.4) */
    QUERY_PARAM_ACTION = 1u << 7,  /* action, hide_action (since 1.3) */
};

/* Which newsd_answer_*() an op's answer is made of. */
enum query_part {
    QUERY_PART_TOTAL = 1u << 0,
    QUERY_PART_ITEMS = 1u << 1,
    QUERY_PART_CURSOR = 1u << 2,
    QUERY_PART_MEMBERS = 1u << 3,
    QUERY_PART_JSON = 1u << 4,
    QUERY_PART_ORIGINAL = 1u << 5,
};

/* One op: the one table of them is in query.c. */
struct query_op {
    enum newsd_query_op op;
    const char *name;          /* "search": the op's name in JSON and in reasons */
    unsigned params;           /* enum query_param */
    int64_t limit_default;     /* page size when none is given (0: no pages) */
    int64_t limit_max;
    unsigned parts;            /* enum query_part */
    const char *items_key;     /* the answer's list: "hits", "items", "records", "ids" */
};

/* The op's row, or NULL for a value that is no op. */
const struct query_op *query_op(enum newsd_query_op op);
/* "search", "list", ...; "?" for a value that is no op. */
const char *query_op_name(enum newsd_query_op op);
/* "ok", "bad request", "not found", "unavailable", "unsupported", or "?". */
const char *query_status_name(int status);

/* Check q as the header promises it to answer(), filling the defaults.
 * Returns NEWSD_QUERY_OK, or NEWSD_QUERY_BAD_REQUEST with *err (malloc'd)
 * naming the parameter. */
int query_check(struct newsd_query *q, char **err);

/* The answer callback of ABI 1.1. */
typedef int (*query_answer_fn)(void *state, const struct newsd_query *q, newsd_answer *ans);
/* The query callback of ABI 1.0. */
typedef int (*query_legacy_fn)(void *state, const char *request, char **response);

/* Ask answer() of one archive a checked query; name is the plugin's, for
 * reasons.  Returns out->status. */
int query_run_answer(query_answer_fn answer, void *state, const char *name, const struct newsd_query *q,
                     struct query_result *out);
/* The same through a 1.0 archive's query() (query_legacy.c). */
int query_run_legacy(query_legacy_fn query, void *state, const char *name, const struct newsd_query *q,
                     struct query_result *out);

/* True when p is an initialised archive that answers queries (answer()
 * or, from ABI 1.0, query()). */
bool plugin_answers_queries(const struct plugin_instance *p);

/* Check (a copy of) q and ask the first archive plugin of set that
 * answers queries.  Returns out->status: NEWSD_QUERY_BAD_REQUEST for a
 * query that query_check() refuses, NEWSD_QUERY_UNSUPPORTED when no
 * archive answers queries. */
int plugin_set_query(struct plugin_set *set, const struct newsd_query *q, struct query_result *out);

#endif
