/*
 * Queries to an archive of ABI 1.0, which has query() and no answer(): the
 * one adapter between the typed contract and the JSON protocol that 1.0
 * documented (docs/api.md, "The 1.0 query() protocol").
 *
 * The checked query becomes the JSON request of 1.0, with 1.0's keys; a
 * JSON answer is handed through as the plugin gave it, except for the
 * original op, whose {"path"} or {"base64"} becomes the typed path or
 * bytes.  A failure's status is read from the first words of its reason,
 * as 1.0 documented: this is the only place in newsd that reads words of a
 * reason.
 */
#include "query.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* The request of 1.0: op and the parameters the op reads; NULL when
 * jansson is out of memory. */
static char *request_json(const struct newsd_query *q)
{
    const struct query_op *o = query_op(q->op);
    /* 1.0's search took no filters (plugin_set_query() never asks a 1.0
     * archive a filtered one): its request stays as 1.0 documented it. */
    unsigned params = q->op == NEWSD_QUERY_SEARCH
                          ? o->params & ~(unsigned)(QUERY_PARAM_RANGE | QUERY_PARAM_FILTERS | QUERY_PARAM_ACTION)
                          : o->params;
    json_t *r = json_object();

    json_object_set_new(r, "op", json_string(o->name));
    if (params & QUERY_PARAM_Q) {
        json_object_set_new(r, "q", json_string(q->q));
        json_object_set_new(r, "mode", json_string(q->words ? "words" : "fts"));
    }
    if (params & QUERY_PARAM_ID)
        json_object_set_new(r, "id", json_string(q->id));
    if (params & QUERY_PARAM_LIMIT)
        json_object_set_new(r, "limit", json_integer((json_int_t)q->limit));
    if (params & QUERY_PARAM_OFFSET)
        json_object_set_new(r, "offset", json_integer((json_int_t)q->offset));
    if (params & QUERY_PARAM_CURSOR)
        json_object_set_new(r, "cursor", json_integer((json_int_t)q->cursor));
    /* Absent filters are absent keys, as a 1.0 client sent them. */
    const struct { unsigned param; const char *key, *value; } strings[] = {
        {QUERY_PARAM_FILTERS, "tag", q->tag},         {QUERY_PARAM_FILTERS, "tag_prefix", q->tag_prefix},
        {QUERY_PARAM_FILTERS, "lang", q->lang},       {QUERY_PARAM_RANGE, "since", q->since},
        {QUERY_PARAM_RANGE, "until", q->until},
    };
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        if ((params & strings[i].param) && strings[i].value)
            json_object_set_new(r, strings[i].key, json_string(strings[i].value));
    if ((params & QUERY_PARAM_FILTERS) && q->has_min_score)
        json_object_set_new(r, "min_score", json_real(q->min_score));
    char *s = xjson_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(r);
    return s;
}

/* 1.0's status words; anything else was the archive's own fault. */
static enum newsd_query_status status_of(const char *reason)
{
    static const struct { const char *prefix; enum newsd_query_status status; } words[] = {
        {"bad request:", NEWSD_QUERY_BAD_REQUEST},
        {"not found:", NEWSD_QUERY_NOT_FOUND},
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strncmp(reason, words[i].prefix, strlen(words[i].prefix)) == 0)
            return words[i].status;
    return NEWSD_QUERY_UNAVAILABLE;
}

static int b64_value(int ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+' || ch == '-') return 62;
    if (ch == '/' || ch == '_') return 63;
    return -1;
}

/* Standard or URL-safe base64, padding and line breaks ignored; NULL when
 * s holds anything else. */
static unsigned char *b64_decode(const char *s, size_t *len)
{
    size_t n = strlen(s), o = 0;
    unsigned char *out = xmalloc(n / 4 * 3 + 4);
    unsigned acc = 0, bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '=' || s[i] == '\n' || s[i] == '\r')
            continue;
        int v = b64_value((unsigned char)s[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    *len = o;
    return out;
}

/* The original op's answer: {"path": "/abs"} or {"base64": "..."}. */
static void take_original(json_t *root, const char *name, struct query_result *out)
{
    const char *path = json_string_value(json_object_get(root, "path"));
    const char *b64 = json_string_value(json_object_get(root, "base64"));
    if (path && path[0] == '/') {
        out->original_path = xstrdup(path);
    } else if (b64 && (out->original = b64_decode(b64, &out->original_len)) != NULL) {
        /* taken */
    } else {
        out->status = NEWSD_QUERY_UNAVAILABLE;
        out->reason = xasprintf("archive %s answered the original op with neither an absolute \"path\" nor "
                                "valid \"base64\"", name);
    }
}

int query_run_legacy(query_legacy_fn query, void *state, const char *name, const struct newsd_query *q,
                     struct query_result *out)
{
    char *request = request_json(q), *response = NULL;

    memset(out, 0, sizeof *out);
    if (!request) {
        out->status = NEWSD_QUERY_UNAVAILABLE;
        out->reason = xstrdup("newsd is out of memory for the request");
        return out->status;
    }
    int rc = query(state, request, &response);
    free(request);
    if (rc != NEWSD_OK) {
        if (response && *response) {
            out->status = status_of(response);
            out->reason = response;
        } else {
            free(response);
            out->status = NEWSD_QUERY_UNAVAILABLE;
            out->reason = xasprintf("archive %s could not answer (it gave no reason)", name);
        }
        return out->status;
    }
    json_error_t je = {.text = "no answer"};
    json_t *root = response ? json_loads(response, 0, &je) : NULL;
    free(response);
    if (!json_is_object(root)) {
        out->status = NEWSD_QUERY_UNAVAILABLE;
        out->reason = xasprintf("archive %s answered %s with something that is not a JSON object%s%s", name,
                                query_op_name(q->op), root ? "" : ": ", root ? "" : je.text);
        json_decref(root);
        return out->status;
    }
    out->status = NEWSD_QUERY_OK;
    if (q->op == NEWSD_QUERY_ORIGINAL)
        take_original(root, name, out);
    else
        out->json = json_incref(root);
    json_decref(root);
    return out->status;
}
