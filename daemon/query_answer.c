/*
 * The answer of an archive's answer(): the newsd_answer_*() functions
 * collect its parts, and newsd puts them together into the shapes of
 * docs/api.md ("Archive queries"), so that every archive answers alike and
 * none writes the common JSON itself.
 *
 * A part that the op's answer does not have (query.c's table says which it
 * has), JSON that does not parse, or an answer without the parts it needs
 * is the plugin's mistake: the query then ends as NEWSD_QUERY_UNAVAILABLE
 * with a reason that names the mistake, so that the plugin's author finds
 * it at the first query rather than a client at some later one.
 */
#include "query.h"
#include "log.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct newsd_answer {
    const struct newsd_query *q;
    const struct query_op *op;
    const char *plugin;

    bool has_total;
    int64_t total;
    json_t *items;            /* array */
    bool has_next;
    int64_t next_cursor;
    json_t *members;          /* object */
    json_t *json;
    char *path;
    unsigned char *bytes;
    size_t len;
    bool has_bytes;

    bool failed;              /* newsd_answer_fail() */
    enum newsd_query_status status;
    char *reason;
    char *misuse;             /* the first mistake in using these functions */
};

/* xasprintf() of a va_list, except that a format the plugin got wrong
 * (vasprintf() fails) gives a placeholder instead of ending the daemon. */
static char *format(const char *fmt, va_list ap) NEWSD_PRINTF(1, 0);
static char *format(const char *fmt, va_list ap)
{
    char *s;
    if (vasprintf(&s, fmt, ap) < 0)
        return xstrdup("(the reason could not be formatted)");
    return s;
}

static void misuse(newsd_answer *ans, const char *fmt, ...) NEWSD_PRINTF(2, 3);
static void misuse(newsd_answer *ans, const char *fmt, ...)
{
    if (ans->misuse)
        return;
    va_list ap;
    va_start(ap, fmt);
    ans->misuse = format(fmt, ap);
    va_end(ap);
}

/* True when the op's answer has part; else records the misuse. */
static bool takes(newsd_answer *ans, unsigned part, const char *fn)
{
    if (!ans)
        return false;
    if (ans->op->parts & part)
        return true;
    misuse(ans, "%s() is no part of the answer to %s (docs/api.md)", fn, ans->op->name);
    return false;
}

static json_t *parse(newsd_answer *ans, const char *json, const char *fn)
{
    json_error_t je;
    json_t *v = json ? json_loadb(json, strlen(json), JSON_DECODE_ANY, &je) : NULL;
    if (!v)
        misuse(ans, "%s() was given text that is not one JSON value: %s", fn, json ? je.text : "NULL");
    return v;
}

void newsd_answer_total(newsd_answer *ans, int64_t total)
{
    if (!takes(ans, QUERY_PART_TOTAL, "newsd_answer_total"))
        return;
    if (total < 0) {
        misuse(ans, "newsd_answer_total(%lld): a total is never negative", (long long)total);
        return;
    }
    ans->has_total = true;
    ans->total = total;
}

int newsd_answer_item(newsd_answer *ans, const char *json)
{
    if (!takes(ans, QUERY_PART_ITEMS, "newsd_answer_item"))
        return NEWSD_ERROR;
    if ((int64_t)json_array_size(ans->items) >= ans->q->limit) {
        misuse(ans, "newsd_answer_item(): more items than the query's limit of %lld", (long long)ans->q->limit);
        return NEWSD_ERROR;
    }
    json_t *v = parse(ans, json, "newsd_answer_item");
    if (!v)
        return NEWSD_ERROR;
    bool ids = ans->q->op == NEWSD_QUERY_IDS;
    if (ids ? !json_is_string(v) : !json_is_object(v)) {
        json_decref(v);
        misuse(ans, "newsd_answer_item(): an item of %s is a JSON %s", ans->op->name, ids ? "string" : "object");
        return NEWSD_ERROR;
    }
    json_array_append_new(ans->items, v);
    return NEWSD_OK;
}

void newsd_answer_next_cursor(newsd_answer *ans, int64_t cursor)
{
    if (!takes(ans, QUERY_PART_CURSOR, "newsd_answer_next_cursor"))
        return;
    /* A cursor that does not move on would page forever. */
    if (cursor <= ans->q->cursor) {
        misuse(ans, "newsd_answer_next_cursor(%lld): the next cursor must be past this page's (%lld)",
               (long long)cursor, (long long)ans->q->cursor);
        return;
    }
    ans->has_next = true;
    ans->next_cursor = cursor;
}

int newsd_answer_json(newsd_answer *ans, const char *json)
{
    if (!takes(ans, QUERY_PART_JSON, "newsd_answer_json"))
        return NEWSD_ERROR;
    if (ans->json) {
        misuse(ans, "newsd_answer_json() was called twice");
        return NEWSD_ERROR;
    }
    json_t *v = parse(ans, json, "newsd_answer_json");
    if (v && !json_is_object(v)) {
        json_decref(v);
        misuse(ans, "newsd_answer_json(): the answer to %s is a JSON object", ans->op->name);
        return NEWSD_ERROR;
    }
    ans->json = v;
    return v ? NEWSD_OK : NEWSD_ERROR;
}

/* The names newsd gives the members of the answers it puts together. */
static bool reserved(const char *key)
{
    static const char *const names[] = {"q", "total", "limit", "offset", "count", "next_cursor",
                                        "hits", "items", "records", "ids"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(key, names[i]) == 0)
            return true;
    return false;
}

int newsd_answer_member(newsd_answer *ans, const char *key, const char *json)
{
    if (!takes(ans, QUERY_PART_MEMBERS, "newsd_answer_member"))
        return NEWSD_ERROR;
    if (!key || !*key || !newsd_utf8_valid(key, strlen(key)) || reserved(key)) {
        misuse(ans, "newsd_answer_member(\"%.40s\"): not a key an archive may add", key ? key : "(null)");
        return NEWSD_ERROR;
    }
    json_t *v = parse(ans, json, "newsd_answer_member");
    if (!v)
        return NEWSD_ERROR;
    json_object_set_new(ans->members, key, v);
    return NEWSD_OK;
}

int newsd_answer_original_path(newsd_answer *ans, const char *path)
{
    if (!takes(ans, QUERY_PART_ORIGINAL, "newsd_answer_original_path"))
        return NEWSD_ERROR;
    /* Relative to what?  newsd's working directory is none of the
     * plugin's business. */
    if (!path || path[0] != '/' || ans->path || ans->has_bytes) {
        misuse(ans, "newsd_answer_original_path(): give one absolute path, once, and no bytes beside it");
        return NEWSD_ERROR;
    }
    ans->path = xstrdup(path);
    return NEWSD_OK;
}

int newsd_answer_original_bytes(newsd_answer *ans, const void *data, size_t len)
{
    if (!takes(ans, QUERY_PART_ORIGINAL, "newsd_answer_original_bytes"))
        return NEWSD_ERROR;
    if ((!data && len) || ans->path || ans->has_bytes) {
        misuse(ans, "newsd_answer_original_bytes(): give the bytes once, and no path beside them");
        return NEWSD_ERROR;
    }
    ans->bytes = xmalloc(len ? len : 1);
    if (len)
        memcpy(ans->bytes, data, len);
    ans->len = len;
    ans->has_bytes = true;
    return NEWSD_OK;
}

int newsd_answer_fail(newsd_answer *ans, enum newsd_query_status status, const char *fmt, ...)
{
    if (!ans)
        return status;
    if (status < NEWSD_QUERY_BAD_REQUEST || status > NEWSD_QUERY_UNSUPPORTED) {
        misuse(ans, "newsd_answer_fail(%d): not a failing enum newsd_query_status", (int)status);
        return status;
    }
    if (ans->failed)   /* the first reason is the one that says what went wrong */
        return status;
    char *reason = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        reason = format(fmt, ap);
        va_end(ap);
    }
    ans->failed = true;
    ans->status = status;
    ans->reason = reason;
    return status;
}

/* ---- putting the answer together ------------------------------------------------ */

static json_t *jint(int64_t v)
{
    return json_integer((json_int_t)v);
}

static void add_members(json_t *o, json_t *members)
{
    const char *k;
    json_t *v;
    json_object_foreach(members, k, v)
        json_object_set(o, k, v);
}

/* The answer object of an op whose answer newsd puts together: the page
 * head (search, list), the archive's members, the list; or the page
 * (export, ids) and its cursor.  The order is docs/api.md's. */
static json_t *page(newsd_answer *ans)
{
    const struct newsd_query *q = ans->q;
    json_t *o = json_object();

    if (ans->op->parts & QUERY_PART_TOTAL) {
        if (q->op == NEWSD_QUERY_SEARCH)
            json_object_set_new(o, "q", json_string(q->q));
        json_object_set_new(o, "total", jint(ans->total));
        json_object_set_new(o, "limit", jint(q->limit));
        json_object_set_new(o, "offset", jint(q->offset));
        add_members(o, ans->members);
        json_object_set(o, ans->op->items_key, ans->items);
    } else {
        json_object_set(o, ans->op->items_key, ans->items);
        json_object_set_new(o, "count", jint((int64_t)json_array_size(ans->items)));
        json_object_set_new(o, "next_cursor", ans->has_next ? jint(ans->next_cursor) : json_null());
        add_members(o, ans->members);
    }
    return o;
}

/* What answer() returned and gave, as the result; the reasons of failures
 * name the plugin so that a person knows whom to ask. */
static void finish(newsd_answer *ans, int rc, struct query_result *out)
{
    const char *p = ans->plugin;
    unsigned parts = ans->op->parts;

    memset(out, 0, sizeof *out);
    out->status = NEWSD_QUERY_UNAVAILABLE;
    if (rc < NEWSD_QUERY_OK || rc > NEWSD_QUERY_UNSUPPORTED) {
        out->reason = xasprintf("archive %s: answer() returned %d, which is no enum newsd_query_status", p, rc);
    } else if (ans->failed || rc != NEWSD_QUERY_OK) {
        out->status = ans->failed ? ans->status : (enum newsd_query_status)rc;
        out->reason = ans->reason && *ans->reason
                          ? xstrdup(ans->reason)
                          : xasprintf("archive %s answered %s \"%s\" without a reason", p,
                                      query_op_name(ans->q->op), query_status_name(out->status));
    } else if (ans->misuse) {
        out->reason = xasprintf("archive %s: %s", p, ans->misuse);
    } else if (!parts) {
        out->reason = xasprintf("archive %s answered %s, which newsd cannot put together", p, ans->op->name);
    } else if ((parts & QUERY_PART_TOTAL) && !ans->has_total) {
        out->reason = xasprintf("archive %s answered %s without newsd_answer_total()", p, ans->op->name);
    } else if ((parts & QUERY_PART_JSON) && !ans->json) {
        out->reason = xasprintf("archive %s answered %s without newsd_answer_json()", p, ans->op->name);
    } else if ((parts & QUERY_PART_ORIGINAL) && !ans->path && !ans->has_bytes) {
        out->reason = xasprintf("archive %s answered original without a path or bytes", p);
    } else {
        out->status = NEWSD_QUERY_OK;
        if (parts & QUERY_PART_ORIGINAL) {
            out->original_path = ans->path;
            out->original = ans->bytes;
            out->original_len = ans->len;
            ans->path = NULL;
            ans->bytes = NULL;
        } else if (parts & QUERY_PART_JSON) {
            out->json = json_incref(ans->json);
        } else {
            out->json = page(ans);
        }
    }
    if (ans->misuse)
        log_warning("%s (the plugin's author should know)", ans->misuse);
}

int query_run_answer(query_answer_fn answer, void *state, const char *name, const struct newsd_query *q,
                     struct query_result *out)
{
    /* query_check() lets only known ops through; the tests also ask
     * archives an op of some later minor, which has no parts here. */
    static const struct query_op unknown = {.name = "an unknown op"};
    struct newsd_answer ans = {
        .q = q,
        .op = query_op(q->op) ? query_op(q->op) : &unknown,
        .plugin = name,
        .items = json_array(),
        .members = json_object(),
    };
    if (ans.items && ans.members) {
        finish(&ans, answer(state, q, &ans), out);
    } else {
        memset(out, 0, sizeof *out);
        out->status = NEWSD_QUERY_UNAVAILABLE;
        out->reason = xstrdup("newsd is out of memory for the answer");
    }
    json_decref(ans.items);
    json_decref(ans.members);
    json_decref(ans.json);
    free(ans.path);
    free(ans.bytes);
    free(ans.reason);
    free(ans.misuse);
    return out->status;
}
