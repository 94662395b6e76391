/*
 * The pure part of the control API: which endpoint a request names, the
 * archive query a GET turns into, the reprocess body, and the HTTP status an
 * archive's error maps to.  No sockets and no libmicrohttpd here, so the
 * unit tests can drive it directly.
 */
#ifndef NEWSD_CONTROL_API_H
#define NEWSD_CONTROL_API_H

#include <stdbool.h>
#include <stddef.h>

enum endpoint {
    EP_NONE,
    EP_STATUS,
    EP_METRICS,
    EP_RELOAD,
    EP_SEARCH,
    EP_LIST,
    EP_SHOW,
    EP_EXPORT,
    EP_REPROCESS,
};

/* Largest request body accepted (413 above). */
#define CONTROL_MAX_BODY (64 * 1024)

/* Map method and path to an endpoint.  Returns 200, 404 (no such
 * endpoint) or 405 (it exists, but not for this method).  For /show/ID,
 * *arg points at ID inside url. */
int control_route(const char *method, const char *url, enum endpoint *ep, const char **arg);

/* Looks up a query-string argument; NULL when absent. */
typedef const char *(*control_arg_fn)(void *ctx, const char *key);

/* The JSON request for the archive's query() (search, list, show, export).
 * Returns it malloc'd, or NULL with *err (malloc'd) saying which argument is
 * wrong (answered with 400). */
char *control_query_request(enum endpoint ep, const char *show_id, control_arg_fn arg, void *ctx, char **err);

/* The body of POST /reprocess: {"id": "..."} or {"all": true}.  Returns 0
 * with *id (malloc'd) or *all set, or -1 with *err (malloc'd). */
int control_parse_reprocess(const char *body, size_t len, char **id, bool *all, char **err);

/* The status for an archive's error reason, and the message to show
 * (malloc'd).  A reason that is a JSON object {"status": N, "error": "..."}
 * chooses its own status (400..599); a reason starting "bad request:" is
 * 400, "not found:" 404, "archive error:" 500 (archive_sqlite's words); any
 * other text is taken as a fault of the request (400), which is what a query
 * syntax error is. */
int control_archive_error(const char *reason, char **message);

/* {"error": msg} (malloc'd). */
char *control_error_json(const char *msg);

/* True for an article id as the API accepts it: 1..64 hex digits. */
bool control_valid_id(const char *s);

#endif
