/*
 * The control API: HTTP/1.1 with JSON on a Unix socket (and /metrics on an
 * optional TCP address), served by libmicrohttpd from the daemon's libuv loop.
 *
 * libmicrohttpd runs without threads of its own (MHD_USE_EPOLL): its epoll
 * fd sits under a uv_poll and MHD_run() is called when it is readable and
 * when MHD_get_timeout() says so, so every request callback runs on the loop
 * thread and may read the daemon's state directly.  Archive queries run on
 * the libuv thread pool; their connection is suspended meanwhile and resumed
 * from the after-work callback.  See docs/api.md for the endpoints.
 */
#ifndef NEWSD_CONTROL_H
#define NEWSD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "plugins.h"
#include "status.h"

enum control_reload {
    CONTROL_RELOAD_APPLIED = 0,  /* taken and in force */
    CONTROL_RELOAD_PENDING = 1,  /* taken; in force once in-flight work drained:
                                    control_reload_done() follows */
    CONTROL_RELOAD_REFUSED = -1, /* the new config or a plugin is broken; *err says why */
    CONTROL_RELOAD_BUSY = -2,    /* a reload or shutdown is in progress; *err says which */
};

/* What the daemon provides; all called on the loop thread. */
struct control_ops {
    /* GET /status and /metrics: the daemon's counters and gauges now,
     * rendered by control_status.c. */
    void (*snapshot)(void *ud, struct status_snapshot *out);
    int (*reload)(void *ud, char **err); /* enum control_reload */
    /* The plugin set for one query off the loop, counted as in use until
     * release(): a reload or shutdown waits for it.  NULL while a reload
     * swaps the plugins (*wait = true: retried after control_plugins_ready())
     * or while stopping (*wait = false). */
    struct plugin_set *(*acquire)(void *ud, bool *wait);
    void (*release)(void *ud);
    /* Articles put into work/ for reprocessing; names and the array are
     * the callee's. */
    void (*reprocess)(void *ud, char **names, size_t n);
};

/* Connections per listener, unless the descriptor limit leaves fewer
 * (fdlimit.h). */
#define CONTROL_MAX_CONNECTIONS 64u

struct control_opts {
    const char *socket_path;     /* NULL: no Unix socket */
    const char *metrics_listen;  /* "127.0.0.1:9107", "[::1]:9107", or NULL */
    const char *web_listen;      /* the web dashboard (web.h), checked by web_listen_check(); or NULL */
    bool web_behind_proxy;       /* a reverse proxy terminates TLS in front of web_listen */
    const char *web_tls_cert;    /* PEM files: web_listen speaks HTTPS; both or NULL */
    const char *web_tls_key;
    const char *state_dir;       /* the dashboard's web.token, failed/ and inbox/ */
    const char *work_dir;        /* STATE_DIR/work, where reprocessed articles go */
    const char *models_dir;      /* STATE_DIR/models, the topics models POST /learn trains */
    unsigned max_connections;    /* per listener; 0: CONTROL_MAX_CONNECTIONS */
    unsigned timeout_s;          /* a request's deadline (control_limits.h) */
    unsigned queries_running;    /* archive queries at once */
    unsigned queries_waiting;    /* ... and in line; more are answered 503 */
};

struct control;

/* Listen and serve.  Returns 0, or -1 with *err (malloc'd). */
int control_start(struct control **out, uv_loop_t *loop, const struct control_opts *o,
                  const struct control_ops *ops, void *ud, char **err);
/* A pending reload finished: answer the clients that asked for it. */
void control_reload_done(struct control *c);
/* The plugin set may be acquired again: start the queries that waited. */
void control_plugins_ready(struct control *c);
/* Stop listening, remove the socket; c is freed once its handles closed.
 * No query may be running (the daemon drains them first). */
void control_stop(struct control *c);

#endif
