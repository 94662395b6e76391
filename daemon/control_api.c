/* Routing, query requests and error mapping of the control API (see control_api.h). */
#include "control_api.h"
#include "xalloc.h"

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
    {"/metrics", "GET", EP_METRICS},
    {"/reload", "POST", EP_RELOAD},
    {"/search", "GET", EP_SEARCH},
    {"/list", "GET", EP_LIST},
    {"/export", "GET", EP_EXPORT},
    {"/reprocess", "POST", EP_REPROCESS},
};

static char *not_an_id(const char *a)
{
    char *s;
    if (asprintf(&s, "'%s' is not an article id (hex digits, as newsctl list prints them)", a) < 0)
        abort();
    return s;
}

bool control_valid_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return false;
    return n >= 1 && n <= 64;
}

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

/* limit/offset: whole numbers; limit at most 10000 so one answer stays a
 * reasonable size. */
static int add_uint(json_t *req, const char *key, const char *v, unsigned long long max, char **err)
{
    char *end;
    if (!v)
        return 0;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (!*v || *end || errno || v[0] == '-' || n > max) {
        char *e;
        if (asprintf(&e, "%s=%s: expected a whole number from 0 to %llu", key, v, max) < 0)
            abort();
        *err = e;
        return -1;
    }
    json_object_set_new(req, key, json_integer((json_int_t)n));
    return 0;
}

static int add_number(json_t *req, const char *key, const char *v, char **err)
{
    char *end;
    if (!v)
        return 0;
    errno = 0;
    double d = strtod(v, &end);
    if (!*v || *end || errno || !isfinite(d)) {
        char *e;
        if (asprintf(&e, "%s=%s: expected a number", key, v) < 0)
            abort();
        *err = e;
        return -1;
    }
    json_object_set_new(req, key, json_real(d));
    return 0;
}

static void add_string(json_t *req, const char *key, const char *v)
{
    /* The query string arrives percent-decoded; an argument that is not
     * UTF-8 becomes no key rather than a broken request. */
    json_t *s = v ? json_string(v) : NULL;
    if (s)
        json_object_set_new(req, key, s);
}

char *control_query_request(enum endpoint ep, const char *show_id, control_arg_fn arg, void *ctx, char **err)
{
    json_t *req = json_object();
    const char *v;
    *err = NULL;

    switch (ep) {
    case EP_SEARCH:
        json_object_set_new(req, "op", json_string("search"));
        v = arg(ctx, "q");
        if (!v || !*v) {
            *err = xstrdup("search needs q=TEXT");
            goto fail;
        }
        json_t *q = json_string(v);
        if (!q) {
            *err = xstrdup("q is not valid UTF-8");
            goto fail;
        }
        json_object_set_new(req, "q", q);
        break;
    case EP_LIST:
        json_object_set_new(req, "op", json_string("list"));
        add_string(req, "tag", arg(ctx, "tag"));
        add_string(req, "since", arg(ctx, "since"));
        add_string(req, "until", arg(ctx, "until"));
        add_string(req, "lang", arg(ctx, "lang"));
        add_string(req, "tag_prefix", arg(ctx, "tag_prefix"));
        if (add_number(req, "min_score", arg(ctx, "min_score"), err) < 0)
            goto fail;
        break;
    case EP_SHOW:
        if (!show_id || !control_valid_id(show_id)) {
            *err = not_an_id(show_id ? show_id : "");
            goto fail;
        }
        json_object_set_new(req, "op", json_string("show"));
        add_string(req, "id", show_id);
        break;
    case EP_EXPORT:
        json_object_set_new(req, "op", json_string("export"));
        add_string(req, "since", arg(ctx, "since"));
        add_string(req, "until", arg(ctx, "until"));
        /* export pages by cursor (next_cursor of the previous answer) */
        if (add_uint(req, "cursor", arg(ctx, "cursor"), INT64_MAX, err) < 0 ||
            add_uint(req, "limit", arg(ctx, "limit"), 10000, err) < 0)
            goto fail;
        break;
    default:
        *err = xstrdup("not a query endpoint");
        goto fail;
    }
    if (ep == EP_SEARCH || ep == EP_LIST) {
        if (add_uint(req, "limit", arg(ctx, "limit"), 10000, err) < 0 ||
            add_uint(req, "offset", arg(ctx, "offset"), 1000000000ull, err) < 0)
            goto fail;
    }
    char *s = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    if (!s)
        abort();
    return s;
fail:
    json_decref(req);
    return NULL;
}

int control_parse_reprocess(const char *body, size_t len, char **id, bool *all, char **err)
{
    json_error_t je;
    json_t *root = json_loadb(body ? body : "", len, 0, &je);

    *id = NULL;
    *all = false;
    *err = NULL;
    if (!root) {
        if (asprintf(err, "body is not JSON: %s (line %d, column %d)", je.text, je.line, je.column) < 0)
            abort();
        return -1;
    }
    json_t *jid = json_object_get(root, "id");
    json_t *jall = json_object_get(root, "all");
    if (!json_is_object(root)) {
        *err = xstrdup("body must be a JSON object: {\"id\": \"ID\"} or {\"all\": true}");
    } else if (jid && jall) {
        *err = xstrdup("give either \"id\" or \"all\", not both");
    } else if (jid) {
        if (!json_is_string(jid) || !control_valid_id(json_string_value(jid)))
            *err = xstrdup("\"id\" must be an article id (hex digits)");
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

int control_archive_error(const char *reason, char **message)
{
    if (!reason || !*reason) {
        *message = xstrdup("the archive could not answer (no reason given)");
        return 500;
    }
    json_t *root = reason[0] == '{' ? json_loads(reason, 0, NULL) : NULL;
    if (root) {
        json_t *st = json_object_get(root, "status");
        json_t *msg = json_object_get(root, "error");
        if (json_is_integer(st) && json_integer_value(st) >= 400 && json_integer_value(st) <= 599 &&
            json_is_string(msg)) {
            int status = (int)json_integer_value(st);
            *message = xstrdup(json_string_value(msg));
            json_decref(root);
            return status;
        }
        json_decref(root);
    }
    /* archive_sqlite's reasons start with a stable word (docs/api.md). */
    static const struct { const char *prefix; int status; } words[] = {
        {"bad request:", 400}, {"not found:", 404}, {"archive error:", 500},
    };
    *message = xstrdup(reason);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strncmp(reason, words[i].prefix, strlen(words[i].prefix)) == 0)
            return words[i].status;
    return 400;
}

char *control_error_json(const char *msg)
{
    json_t *o = json_object();
    json_t *s = json_string(msg);
    json_object_set_new(o, "error", s ? s : json_string("(message not valid UTF-8)"));
    char *out = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!out)
        abort();
    return out;
}
