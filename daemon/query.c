/*
 * Archive queries: the table of ops, the checks every query passes before
 * a plugin sees it, and the choice of the archive that answers (see
 * query.h).  The answers are put together in query_answer.c, or come from
 * a 1.0 plugin through query_legacy.c.
 */
#include "query.h"
#include "log.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A search text longer than this is refused: no one types it, and a
 * database's query parser should not have to find out. */
#define QUERY_Q_MAX 4096

/* The one table of ops: their names, what they read, their page sizes
 * (the defaults and maxima the archives used to define each for itself)
 * and what their answer is made of. */
static const struct query_op OPS[] = {
    {NEWSD_QUERY_SEARCH, "search",
     QUERY_PARAM_Q | QUERY_PARAM_LIMIT | QUERY_PARAM_OFFSET | QUERY_PARAM_RANGE | QUERY_PARAM_FILTERS |
         QUERY_PARAM_ACTION, 20, 1000,
     QUERY_PART_TOTAL | QUERY_PART_ITEMS | QUERY_PART_MEMBERS, "hits"},
    {NEWSD_QUERY_LIST, "list",
     QUERY_PARAM_LIMIT | QUERY_PARAM_OFFSET | QUERY_PARAM_RANGE | QUERY_PARAM_FILTERS | QUERY_PARAM_ACTION, 50, 1000,
     QUERY_PART_TOTAL | QUERY_PART_ITEMS | QUERY_PART_MEMBERS, "items"},
    {NEWSD_QUERY_SHOW, "show", QUERY_PARAM_ID, 0, 0, QUERY_PART_JSON, NULL},
    {NEWSD_QUERY_EXPORT, "export", QUERY_PARAM_LIMIT | QUERY_PARAM_CURSOR | QUERY_PARAM_RANGE, 100, 1000,
     QUERY_PART_ITEMS | QUERY_PART_CURSOR | QUERY_PART_MEMBERS, "records"},
    {NEWSD_QUERY_STATS, "stats", 0, 0, 0, QUERY_PART_JSON, NULL},
    {NEWSD_QUERY_ORIGINAL, "original", QUERY_PARAM_ID, 0, 0, QUERY_PART_ORIGINAL, NULL},
    {NEWSD_QUERY_IDS, "ids", QUERY_PARAM_LIMIT | QUERY_PARAM_CURSOR | QUERY_PARAM_RANGE, 1000, 100000,
     QUERY_PART_ITEMS | QUERY_PART_CURSOR | QUERY_PART_MEMBERS, "ids"},
};

const struct query_op *query_op(enum newsd_query_op op)
{
    for (size_t i = 0; i < sizeof OPS / sizeof *OPS; i++)
        if (OPS[i].op == op)
            return &OPS[i];
    return NULL;
}

const char *query_op_name(enum newsd_query_op op)
{
    const struct query_op *o = query_op(op);
    return o ? o->name : "?";
}

const char *query_status_name(int status)
{
    switch (status) {
    case NEWSD_QUERY_OK: return "ok";
    case NEWSD_QUERY_BAD_REQUEST: return "bad request";
    case NEWSD_QUERY_NOT_FOUND: return "not found";
    case NEWSD_QUERY_UNAVAILABLE: return "unavailable";
    case NEWSD_QUERY_UNSUPPORTED: return "unsupported";
    }
    return "?";
}

void query_init(struct newsd_query *q, enum newsd_query_op op)
{
    memset(q, 0, sizeof *q);
    q->struct_size = sizeof *q;
    q->op = op;
    q->limit = QUERY_LIMIT_UNSET;
}

void query_free_strings(struct newsd_query *q)
{
    /* The fields are const for the plugins' sake; these copies are ours. */
    free((char *)q->id);
    free((char *)q->q);
    free((char *)q->tag);
    free((char *)q->tag_prefix);
    free((char *)q->lang);
    free((char *)q->since);
    free((char *)q->until);
    free((char *)q->action);
    free((char *)q->hide_action);
    q->id = q->q = q->tag = q->tag_prefix = q->lang = q->since = q->until = NULL;
    q->action = q->hide_action = NULL;
}

void query_result_free(struct query_result *r)
{
    free(r->reason);
    json_decref(r->json);
    free(r->original_path);
    free(r->original);
    memset(r, 0, sizeof *r);
}

static int bad(char **err, char *msg)
{
    *err = msg;
    return NEWSD_QUERY_BAD_REQUEST;
}

/* NULL, or text a plugin may take as UTF-8. */
static int text_ok(const char *name, const char *v, char **err)
{
    if (v && !newsd_utf8_valid(v, strlen(v))) {
        *err = xasprintf("%s is not valid UTF-8", name);
        return -1;
    }
    return 0;
}

int query_check(struct newsd_query *q, char **err)
{
    const struct query_op *o = query_op(q->op);
    *err = NULL;
    if (!o)
        return bad(err, xasprintf("unknown query op %d", (int)q->op));
    q->struct_size = sizeof *q;

    /* What the op does not read is cleared, so that an archive never sees
     * a stray value it might take for a filter. */
    if (!(o->params & QUERY_PARAM_Q)) {
        q->q = NULL;
        q->words = 0;
    }
    if (!(o->params & QUERY_PARAM_ID))
        q->id = NULL;
    if (!(o->params & QUERY_PARAM_LIMIT))
        q->limit = 0;
    if (!(o->params & QUERY_PARAM_OFFSET))
        q->offset = 0;
    if (!(o->params & QUERY_PARAM_CURSOR))
        q->cursor = 0;
    if (!(o->params & QUERY_PARAM_RANGE))
        q->since = q->until = NULL;
    if (!(o->params & QUERY_PARAM_FILTERS)) {
        q->tag = q->tag_prefix = q->lang = NULL;
        q->has_min_score = q->has_max_score = 0;
    }
    if (!(o->params & QUERY_PARAM_ACTION))
        q->action = q->hide_action = NULL;
    if (!q->has_min_score)
        q->min_score = 0;
    if (!q->has_max_score)
        q->max_score = 0;
    q->has_min_score = q->has_min_score != 0;
    q->has_max_score = q->has_max_score != 0;
    q->words = q->words != 0;

    if (o->params & QUERY_PARAM_Q) {
        if (!q->q || !*q->q)
            return bad(err, xasprintf("%s needs q=TEXT", o->name));
        if (strlen(q->q) > QUERY_Q_MAX)
            return bad(err, xasprintf("q is longer than %d bytes", QUERY_Q_MAX));
    }
    if ((o->params & QUERY_PARAM_ID) && (!q->id || !newsd_id_valid(q->id)))
        return bad(err, xasprintf("'%.80s' is not an article id (%d lower-case hex digits, as newsctl list "
                                  "prints them)", q->id ? q->id : "", NEWSD_ID_LEN));
    if (o->params & QUERY_PARAM_LIMIT) {
        if (q->limit == QUERY_LIMIT_UNSET)
            q->limit = o->limit_default;
        else if (q->limit < 1 || q->limit > o->limit_max)
            return bad(err, xasprintf("limit=%lld: %s takes a limit from 1 to %lld", (long long)q->limit,
                                      o->name, (long long)o->limit_max));
    }
    if (q->offset < 0 || q->offset > QUERY_OFFSET_MAX)
        return bad(err, xasprintf("offset=%lld: expected 0 to %d", (long long)q->offset, QUERY_OFFSET_MAX));
    if (q->cursor < 0)
        return bad(err, xasprintf("cursor=%lld: expected the next_cursor of the previous page",
                                  (long long)q->cursor));
    if (q->has_min_score && !isfinite(q->min_score))
        return bad(err, xasprintf("min_score must be a finite number"));
    if (q->has_max_score && !isfinite(q->max_score))
        return bad(err, xasprintf("max_score must be a finite number"));
    if (q->has_min_score && q->has_max_score && q->min_score > q->max_score)
        return bad(err, xasprintf("min_score=%g is above max_score=%g: no score lies between them", q->min_score,
                                  q->max_score));
    if (text_ok("q", q->q, err) < 0 || text_ok("tag", q->tag, err) < 0 ||
        text_ok("tag_prefix", q->tag_prefix, err) < 0 || text_ok("lang", q->lang, err) < 0 ||
        text_ok("since", q->since, err) < 0 || text_ok("until", q->until, err) < 0 ||
        text_ok("action", q->action, err) < 0 || text_ok("hide_action", q->hide_action, err) < 0)
        return NEWSD_QUERY_BAD_REQUEST;
    if (q->action && (!*q->action || strlen(q->action) > ACTION_NAME_MAX))
        return bad(err, xasprintf("action=%.40s: expected an action name such as alert", q->action));
    return NEWSD_QUERY_OK;
}

bool plugin_answers_queries(const struct plugin_instance *p)
{
    return (p->desc->stages & NEWSD_STAGE_ARCHIVE) && p->initialised && (p->desc->answer || p->desc->query);
}

/* The action filters (since 1.3): for a list, the operator's hidden
 * action unless the caller asked for one action or for all ("" asks for
 * none); a search hides nothing unless asked (docs/operations.md). */
static void action_defaults(const struct plugin_set *set, struct newsd_query *q)
{
    if (q->hide_action && !*q->hide_action)
        q->hide_action = NULL;
    else if (q->op == NEWSD_QUERY_LIST && !q->action && !q->hide_action && *set->actions.hide)
        q->hide_action = set->actions.hide;
    if (q->action)
        q->hide_action = NULL;
}

/* Whether a search asks for more than its text (since 1.4). */
static bool search_filtered(const struct newsd_query *q)
{
    return q->tag || q->tag_prefix || q->lang || q->since || q->until || q->has_min_score || q->has_max_score ||
           q->action || q->hide_action;
}

/* What plugin p's ABI lets it be asked: a filter it would not know it has
 * to apply is refused here rather than silently ignored (a search or list
 * would then answer more than was asked for).  An archive older than 1.3
 * stores no action, so hiding one is moot.  A plugin without answer()
 * speaks query()'s JSON protocol of 1.0 (query_legacy.c), which has none
 * of the later filters whatever the plugin's stamp says: it is held to
 * 1.0's.  Returns NEWSD_QUERY_OK or NEWSD_QUERY_UNSUPPORTED with *err. */
static int abi_filters(const struct plugin_instance *p, struct newsd_query *q, char **err)
{
    unsigned major = NEWSD_ABI_STAMP_MAJOR(p->desc->abi_version);
    unsigned minor = NEWSD_ABI_STAMP_MINOR(p->desc->abi_version);
    bool legacy = !p->desc->answer;
    if (legacy)
        minor = 0;
    if (minor >= 4)
        return NEWSD_QUERY_OK;
    char *who = legacy ? xasprintf("archive plugin %s answers through query(), the JSON protocol of ABI 1.0,",
                                   p->name)
                       : xasprintf("archive plugin %s was built for newsd ABI %u.%u", p->name, major, minor);
    const char *fix = legacy ? "give it answer()" : "rebuild it";
    int rc = NEWSD_QUERY_OK;
    if (minor < 3 && q->op == NEWSD_QUERY_LIST)
        q->hide_action = NULL;
    if (q->op == NEWSD_QUERY_SEARCH && search_filtered(q)) {
        *err = xasprintf("%s and cannot combine a search with filters (1.4 added it); %s, or search without "
                         "filters", who, fix);
        rc = NEWSD_QUERY_UNSUPPORTED;
    } else if (q->has_max_score) {
        *err = xasprintf("%s and cannot filter by max_score (1.4 added it); %s, or list without max_score", who,
                         fix);
        rc = NEWSD_QUERY_UNSUPPORTED;
    } else if (minor < 3 && q->action) {
        *err = xasprintf("%s and cannot list by action (1.3 added it); %s, or list without --action", who, fix);
        rc = NEWSD_QUERY_UNSUPPORTED;
    }
    free(who);
    return rc;
}

int plugin_set_query(struct plugin_set *set, const struct newsd_query *request, struct query_result *out)
{
    struct newsd_query q = *request;
    char *err = NULL;

    memset(out, 0, sizeof *out);
    if (query_check(&q, &err) != NEWSD_QUERY_OK) {
        out->status = NEWSD_QUERY_BAD_REQUEST;
        out->reason = err;
        return out->status;
    }
    for (size_t i = 0; i < set->n; i++) {
        struct plugin_instance *p = &set->v[i];
        if (!plugin_answers_queries(p))
            continue;
        action_defaults(set, &q);
        if (abi_filters(p, &q, &err) != NEWSD_QUERY_OK) {
            out->status = NEWSD_QUERY_UNSUPPORTED;
            out->reason = err;
            return out->status;
        }
        log_set_plugin(p->name);
        if (p->desc->answer)
            query_run_answer(p->desc->answer, p->state, p->name, &q, out);
        else
            query_run_legacy(p->desc->query, p->state, p->name, &q, out);
        log_set_plugin(NULL);
        return out->status;
    }
    out->status = NEWSD_QUERY_UNSUPPORTED;
    out->reason = xstrdup("no configured archive plugin answers queries (archive_sqlite does)");
    return out->status;
}
