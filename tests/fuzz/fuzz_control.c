/*
 * Fuzz target: the control API's request handling as control.c's
 * dispatch() does it, without sockets: control_route() on method and
 * path, control_query_parse() with the query-string arguments for the
 * query endpoints, control_parse_reprocess() on the body of POST
 * /reprocess, and control_error_json() on every reason that goes back to
 * the client (reasons quote what the client sent).
 *
 * Input, as libmicrohttpd hands a request over (URL and arguments already
 * percent-decoded, so any bytes):
 *
 *   METHOD\n
 *   PATH\n
 *   key=value\n         zero or more query-string arguments
 *   \n
 *   BODY                the rest, for POST
 *
 * Promises checked: routes answer 200, 404 or 405; a refused query comes
 * with a reason and BAD_REQUEST; every error body is JSON with an "error"
 * string; a reprocess id is an article id.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "control_api.h"
#include "fuzz_common.h"
#include "query.h"

#define MAX_ARGS 32

struct args {
    const char *key[MAX_ARGS];
    const char *value[MAX_ARGS];
    size_t n;
};

/* libmicrohttpd's lookup gives the first argument of a name. */
static const char *lookup(void *ctx, const char *key)
{
    const struct args *a = ctx;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->key[i], key) == 0)
            return a->value[i];
    return NULL;
}

/* The next line of *s (NUL-terminated in place), or NULL at the end. */
static char *next_line(char **s)
{
    if (!*s)
        return NULL;
    char *line = *s;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *s = nl + 1;
    } else {
        *s = NULL;
    }
    return line;
}

static void check_error_json(const char *reason)
{
    char *body = control_error_json(reason);
    json_error_t je;
    json_t *j = json_loads(body, 0, &je);
    FUZZ_CHECK(j != NULL, "error body is not JSON (%s): %s", je.text, body);
    FUZZ_CHECK(json_is_string(json_object_get(j, "error")), "error body has no \"error\" string: %s", body);
    json_decref(j);
    free(body);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The body keeps its length (it may hold NUL bytes); the head is text. */
    char *copy = fuzz_strndup(data, size);
    const char *body = NULL;
    size_t body_len = 0;
    char *sep = strstr(copy, "\n\n");
    if (sep) {
        *sep = '\0';
        body = sep + 2;
        body_len = size - (size_t)(body - copy);
    }
    char *rest = copy;
    char *method = next_line(&rest);
    char *url = next_line(&rest);
    if (!method || !url) {
        free(copy);
        return 0;
    }
    struct args args = {.n = 0};
    for (char *line; args.n < MAX_ARGS && (line = next_line(&rest));) {
        char *eq = strchr(line, '=');
        if (eq)
            *eq = '\0';
        args.key[args.n] = line;
        args.value[args.n] = eq ? eq + 1 : NULL;
        args.n++;
    }

    enum endpoint ep;
    const char *arg = NULL;
    int st = control_route(method, url, &ep, &arg);
    FUZZ_CHECK(st == 200 || st == 404 || st == 405, "control_route() answered %d", st);
    if (st != 200) {
        check_error_json(url);
        free(copy);
        return 0;
    }
    char *err = NULL;
    if (ep == EP_REPROCESS) {
        char *id = NULL;
        bool all = false;
        if (control_parse_reprocess(body, body_len, &id, &all, &err) < 0) {
            FUZZ_CHECK(err && !id && !all, "a refused body without a reason, or with a result");
            check_error_json(err);
        } else {
            FUZZ_CHECK(!err && (all != (id != NULL)), "a reprocess body must give an id or all");
            FUZZ_CHECK(!id || newsd_id_valid(id), "reprocess id '%s' is no article id", id);
        }
        free(id);
        free(err);
    } else if (ep == EP_SEARCH || ep == EP_LIST || ep == EP_SHOW || ep == EP_EXPORT) {
        struct newsd_query q;
        int qs = control_query_parse(ep, arg, lookup, &args, &q, &err);
        if (qs != NEWSD_QUERY_OK) {
            FUZZ_CHECK(qs == NEWSD_QUERY_BAD_REQUEST && err, "refused query: status %d, reason %s", qs,
                       err ? err : "(none)");
            FUZZ_CHECK(control_query_http_status(qs) == 400, "a bad request is not 400");
            check_error_json(err);
        } else {
            FUZZ_CHECK(!err, "an accepted query with a reason: %s", err);
            /* What query_check() passed must pass it again unchanged. */
            struct newsd_query again = q;
            char *err2 = NULL;
            FUZZ_CHECK(query_check(&again, &err2) == NEWSD_QUERY_OK, "a checked query fails the check: %s",
                       err2 ? err2 : "");
            FUZZ_CHECK(again.limit == q.limit && again.offset == q.offset, "the check is not idempotent");
        }
        free(err);
        query_free_strings(&q);
    }
    free(copy);
    return 0;
}
