/* Routing, query arguments and status mapping of the control API (see control_api.h). */
#include "control_api.h"
#include "query.h"
#include "../plugins/topics/store.h"
#include "text.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct route {
    const char *path;
    const char *method;
    enum endpoint ep;
};

static const struct route routes[] = {
    {"/status", "GET", EP_STATUS},
    {"/health", "GET", EP_HEALTH},
    {"/metrics", "GET", EP_METRICS},
    {"/reload", "POST", EP_RELOAD},
    {"/search", "GET", EP_SEARCH},
    {"/list", "GET", EP_LIST},
    {"/export", "GET", EP_EXPORT},
    {"/reprocess", "POST", EP_REPROCESS},
    {"/outbox", "GET", EP_OUTBOX},
    {"/learn", "POST", EP_LEARN},
};

int control_route(const char *method, const char *url, enum endpoint *ep, const char **arg)
{
    /* HEAD is answered like GET by the library (without the body). */
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

    *ep = EP_NONE;
    *arg = NULL;
    if (strncmp(url, "/show/", 6) == 0 && url[6] && !strchr(url + 6, '/')) {
        *ep = EP_SHOW;
        *arg = url + 6;
        return get ? 200 : 405;
    }
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (strcmp(url, routes[i].path) != 0)
            continue;
        *ep = routes[i].ep;
        if (strcmp(routes[i].method, "GET") == 0)
            return get ? 200 : 405;
        return strcmp(method, routes[i].method) == 0 ? 200 : 405;
    }
    return 404;
}

/* A whole number >= 0 (limit, offset, cursor); query_check() knows each
 * one's range. */
static int arg_uint(const char *key, const char *v, int64_t *out, char **err)
{
    char *end;
    if (!v)
        return 0;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (!*v || *end || errno || v[0] < '0' || v[0] > '9' || n > INT64_MAX) {
        *err = xasprintf("%s=%.40s: expected a whole number", key, v);
        return -1;
    }
    *out = (int64_t)n;
    return 0;
}

static int arg_number(const char *key, const char *v, int *has, double *out, char **err)
{
    char *end;
    if (!v)
        return 0;
    errno = 0;
    double d = strtod(v, &end);
    if (!*v || isspace((unsigned char)v[0]) || *end || errno || !isfinite(d)) {
        *err = xasprintf("%s=%.40s: expected a number", key, v);
        return -1;
    }
    *has = 1;
    *out = d;
    return 0;
}

/* A copy of the argument; query_check() checks that it is UTF-8. */
static void arg_string(const char **field, const char *v)
{
    *field = xstrdup(v);
}

int control_query_parse(enum endpoint ep, const char *show_id, control_arg_fn arg, void *ctx,
                        struct newsd_query *q, char **err)
{
    static const struct { enum endpoint ep; enum newsd_query_op op; } ops[] = {
        {EP_SEARCH, NEWSD_QUERY_SEARCH}, {EP_LIST, NEWSD_QUERY_LIST},
        {EP_SHOW, NEWSD_QUERY_SHOW},     {EP_EXPORT, NEWSD_QUERY_EXPORT},
    };
    const struct query_op *o = NULL;

    *err = NULL;
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (ops[i].ep == ep)
            o = query_op(ops[i].op);
    query_init(q, o ? o->op : 0);
    if (!o) {
        *err = xstrdup("not a query endpoint");
        return NEWSD_QUERY_BAD_REQUEST;
    }
    /* The op's row says which arguments it reads: the rest of a query
     * string is ignored, as it always was. */
    if (o->params & QUERY_PARAM_Q) {
        arg_string(&q->q, arg(ctx, "q"));
        const char *mode = arg(ctx, "mode");
        if (mode && strcmp(mode, "words") != 0 && strcmp(mode, "fts") != 0) {
            *err = xasprintf("mode=%.40s: expected words or fts", mode);
            return NEWSD_QUERY_BAD_REQUEST;
        }
        q->words = mode && strcmp(mode, "words") == 0;
    }
    if (o->params & QUERY_PARAM_ID)
        arg_string(&q->id, show_id);
    if (o->params & QUERY_PARAM_RANGE) {
        arg_string(&q->since, arg(ctx, "since"));
        arg_string(&q->until, arg(ctx, "until"));
    }
    if (o->params & QUERY_PARAM_FILTERS) {
        arg_string(&q->tag, arg(ctx, "tag"));
        arg_string(&q->tag_prefix, arg(ctx, "tag_prefix"));
        arg_string(&q->lang, arg(ctx, "lang"));
        if (arg_number("min_score", arg(ctx, "min_score"), &q->has_min_score, &q->min_score, err) < 0 ||
            arg_number("max_score", arg(ctx, "max_score"), &q->has_max_score, &q->max_score, err) < 0)
            return NEWSD_QUERY_BAD_REQUEST;
    }
    if (o->params & QUERY_PARAM_ACTION) {
        /* all=1: every action, the hidden one too ("" asks for no hiding;
         * plugin_set_query() fills in the operator's otherwise). */
        const char *all = arg(ctx, "all");
        if (all && strcmp(all, "1") != 0 && strcmp(all, "0") != 0) {
            *err = xasprintf("all=%.40s: expected 1 or 0", all);
            return NEWSD_QUERY_BAD_REQUEST;
        }
        arg_string(&q->action, arg(ctx, "action"));
        if (all && strcmp(all, "1") == 0)
            q->hide_action = xstrdup("");
    }
    if (((o->params & QUERY_PARAM_LIMIT) && arg_uint("limit", arg(ctx, "limit"), &q->limit, err) < 0) ||
        ((o->params & QUERY_PARAM_OFFSET) && arg_uint("offset", arg(ctx, "offset"), &q->offset, err) < 0) ||
        ((o->params & QUERY_PARAM_CURSOR) && arg_uint("cursor", arg(ctx, "cursor"), &q->cursor, err) < 0))
        return NEWSD_QUERY_BAD_REQUEST;
    return query_check(q, err);
}

int control_parse_reprocess(const char *body, size_t len, char **id, bool *all, char **err)
{
    json_error_t je;
    json_t *root = json_loadb(body ? body : "", len, 0, &je);

    *id = NULL;
    *all = false;
    *err = NULL;
    if (!root) {
        *err = xasprintf("body is not JSON: %s (line %d, column %d)", je.text, je.line, je.column);
        return -1;
    }
    json_t *jid = json_object_get(root, "id");
    json_t *jall = json_object_get(root, "all");
    if (!json_is_object(root)) {
        *err = xstrdup("body must be a JSON object: {\"id\": \"ID\"} or {\"all\": true}");
    } else if (jid && jall) {
        *err = xstrdup("give either \"id\" or \"all\", not both");
    } else if (jid) {
        if (!json_is_string(jid) || !newsd_id_valid(json_string_value(jid)))
            *err = xasprintf("\"id\" must be an article id (%d lower-case hex digits)", NEWSD_ID_LEN);
        else
            *id = xstrdup(json_string_value(jid));
    } else if (jall) {
        if (!json_is_true(jall))
            *err = xstrdup("\"all\" must be true");
        else
            *all = true;
    } else {
        *err = xstrdup("body must say {\"id\": \"ID\"} or {\"all\": true}");
    }
    json_decref(root);
    return *err ? -1 : 0;
}

void control_learn_args_free(char *model, char *label, char **ids, size_t n_ids)
{
    free(model);
    free(label);
    for (size_t i = 0; i < n_ids; i++)
        free(ids[i]);
    free(ids);
}

int control_parse_learn(const char *body, size_t len, char **model, char **label, char ***ids, size_t *n_ids,
                        char **err)
{
    json_error_t je;
    json_t *root = json_loadb(body ? body : "", len, 0, &je);

    *model = *label = NULL;
    *ids = NULL;
    *n_ids = 0;
    *err = NULL;
    if (!root) {
        *err = xasprintf("body is not JSON: %s (line %d, column %d)", je.text, je.line, je.column);
        return -1;
    }
    const char *m = json_string_value(json_object_get(root, "model"));
    const char *l = json_string_value(json_object_get(root, "label"));
    json_t *jids = json_object_get(root, "ids");
    if (!json_is_object(root) || !m || !l || !json_is_array(jids)) {
        *err = xstrdup("body must be {\"model\": NAME, \"label\": LABEL, \"ids\": [ID, ...]}");
    } else if (!topics_model_name_valid(m)) {
        *err = xasprintf("\"model\": '%.80s' is not a model name (1 to 64 letters, digits, '_', '-' or '.', "
                         "not starting with '.')", m);
    } else if (!topics_label_valid(l)) {
        *err = xstrdup("\"label\" must be 1 to 200 bytes of UTF-8 without control characters");
    } else if (json_array_size(jids) == 0 || json_array_size(jids) > CONTROL_LEARN_MAX_IDS) {
        *err = xasprintf("\"ids\" must hold 1 to %d article ids", CONTROL_LEARN_MAX_IDS);
    } else {
        size_t i;
        json_t *v;
        *ids = xcalloc(json_array_size(jids), sizeof **ids);
        json_array_foreach(jids, i, v) {
            const char *id = json_string_value(v);
            if (!id || !newsd_id_valid(id)) {
                *err = xasprintf("\"ids\"[%zu] is not an article id (%d lower-case hex digits)", i, NEWSD_ID_LEN);
                break;
            }
            (*ids)[(*n_ids)++] = xstrdup(id);
        }
        if (!*err) {
            *model = xstrdup(m);
            *label = xstrdup(l);
        }
    }
    json_decref(root);
    if (*err) {
        control_learn_args_free(*model, *label, *ids, *n_ids);
        *model = *label = NULL;
        *ids = NULL;
        *n_ids = 0;
        return -1;
    }
    return 0;
}

int control_query_http_status(int status)
{
    switch (status) {
    case NEWSD_QUERY_OK: return 200;
    case NEWSD_QUERY_BAD_REQUEST: return 400;
    case NEWSD_QUERY_NOT_FOUND: return 404;
    case NEWSD_QUERY_UNAVAILABLE: return 503;
    case NEWSD_QUERY_UNSUPPORTED: return 501;
    }
    return 500;
}

char *control_error_json(const char *msg)
{
    /* A reason may quote what the client sent, bytes that are not UTF-8
     * among it: they become U+FFFD, the rest of the reason stays. */
    char *text = text_utf8_repair(msg ? msg : "");
    json_t *o = json_pack("{s:s}", "error", text);
    char *out = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    free(text);
    return out ? out : xstrdup("{\"error\":\"newsd is out of memory for the reason\"}");
}
