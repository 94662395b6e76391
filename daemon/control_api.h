/*
 * The pure part of the control API: which endpoint a request names, the
 * typed archive query a GET turns into, the reprocess body, and the HTTP
 * status of a query's enum newsd_query_status.  No sockets and no
 * libmicrohttpd here, so the unit tests can drive it directly.
 */
#ifndef NEWSD_CONTROL_API_H
#define NEWSD_CONTROL_API_H

#include <stdbool.h>
#include <stddef.h>

#include <newsd/plugin.h>

enum endpoint {
    EP_NONE,
    EP_STATUS,
    EP_HEALTH,
    EP_METRICS,
    EP_RELOAD,
    EP_SEARCH,
    EP_LIST,
    EP_SHOW,
    EP_EXPORT,
    EP_REPROCESS,
    EP_OUTBOX,
    EP_LEARN,
    EP_ORIGINAL,   /* the web dashboard's download of an original; no control API route */
};

/* Largest request body accepted (413 above). */
#define CONTROL_MAX_BODY (64 * 1024)

/* Map method and path to an endpoint.  Returns 200, 404 (no such
 * endpoint) or 405 (it exists, but not for this method).  For /show/ID,
 * *arg points at ID inside url. */
int control_route(const char *method, const char *url, enum endpoint *ep, const char **arg);

/* Looks up a query-string argument; NULL when absent. */
typedef const char *(*control_arg_fn)(void *ctx, const char *key);

/* The query of a GET on /search, /list, /show/ID (show_id) or /export:
 * the endpoint's arguments (docs/api.md) parsed into *q, then checked as
 * every query is (query_check()).  The strings of *q are copies: free them
 * with query_free_strings(), also after a failure.  Returns
 * NEWSD_QUERY_OK, or NEWSD_QUERY_BAD_REQUEST with *err (malloc'd) saying
 * which argument is wrong. */
int control_query_parse(enum endpoint ep, const char *show_id, control_arg_fn arg, void *ctx,
                        struct newsd_query *q, char **err);

/* The body of POST /reprocess: {"id": "..."} or {"all": true}.  Returns 0
 * with *id (malloc'd; an article id, newsd_id_valid()) or *all set, or -1
 * with *err (malloc'd). */
int control_parse_reprocess(const char *body, size_t len, char **id, bool *all, char **err);

/* Most article ids one POST /learn takes. */
#define CONTROL_LEARN_MAX_IDS 1000

/* The body of POST /learn: {"model": NAME, "label": LABEL, "ids": [ID...]}.
 * Returns 0 with *model, *label and *ids (n_ids of them; all malloc'd,
 * free with control_learn_args_free()), or -1 with *err (malloc'd). */
int control_parse_learn(const char *body, size_t len, char **model, char **label, char ***ids, size_t *n_ids,
                        char **err);
void control_learn_args_free(char *model, char *label, char **ids, size_t n_ids);

/* The HTTP status of a query's enum newsd_query_status: 200, 400, 404,
 * 503, 501; 500 for a value that is none of them. */
int control_query_http_status(int status);

/* {"error": msg} (malloc'd). */
char *control_error_json(const char *msg);

#endif
