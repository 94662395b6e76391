/* Shared between control.c (HTTP on the loop) and control_work.c (the
 * queries and reprocessing that run on the thread pool). */
#ifndef NEWSD_CONTROL_INTERNAL_H
#define NEWSD_CONTROL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "control.h"
#include "control_api.h"
#include "control_limits.h"
/* MHD_...() calls go through the loaded library (mhd_load.h). */
#define MHD_LOAD_CALLS
#include "mhd_load.h"
#include "query.h"

/* One open connection (libmicrohttpd's socket context), control_limits.c. */
struct conn {
    struct conn *prev, *next;   /* the server's open connections */
    struct server *srv;
    int fd;
    struct peer peer;
    bool reserved;              /* holds a reserved slot, not a general one */
    bool refused;               /* shut down at accept: counts nowhere */
    bool closing;               /* shut down at its deadline */
    uint64_t deadline_ms;       /* uv_now() */
    struct request *req;        /* the request in progress, if any */
};

struct server {
    struct control *ctl;
    struct MHD_Daemon *mhd;
    uv_poll_t poll;
    uv_timer_t timer;
    uv_timer_t sweep;      /* deadlines (control_limits.c) */
    bool metrics_only;     /* the TCP listener serves /metrics alone */
    bool web;              /* the web_listen listener: the dashboard (web.c) alone */
    bool started;          /* libmicrohttpd runs under it (control_serve()) */

    /* control_accept.c: the listening socket, accepted by newsd. */
    int listen_fd;
    uv_poll_t listen_poll;
    uv_timer_t pause_timer;   /* accept() failed: wait before the next try */
    unsigned pause_ms;        /* 0: not paused */
    bool accepting;
    char name[112];           /* the socket path or address, for the log */
    struct refusal *refusals; /* clients answered 503 once they have asked */
    unsigned n_refusals;
    struct conn *conns;
    unsigned n_general, n_reserved;
    /* Since the last sweep, for one log line a second at most. */
    unsigned refused_uid, refused_full, timed_out, busy;
};

/* Archive queries running and waiting for a slot (control_limits.c). */
struct query_line {
    unsigned running, waiting;
    unsigned max_running, max_waiting;
    struct request *head, *tail;
};

struct control {
    uv_loop_t *loop;
    const struct control_ops *ops;
    void *ud;
    struct server srv[3];   /* the control socket, metrics_listen, web_listen */
    size_t n_srv;
    char *socket_path;
    dev_t socket_dev;
    ino_t socket_ino;
    char *work_dir;
    char *models_dir;
    char *state_dir;            /* for the dashboard's failed/ and inbox/ */
    struct web *web;            /* the dashboard's secrets; NULL without web_listen */
    char *web_tls_cert, *web_tls_key;   /* PEM texts: the dashboard speaks HTTPS; or NULL */
    uv_timer_t web_sampler;     /* the dashboard's per-minute history (web.h) */
    bool web_sampling;
    struct request *waiting;    /* queries waiting for a reload to swap plugins */
    struct request *reloading;  /* POST /reload waiting for the swap */
    struct query_line queries;
    unsigned timeout_s;         /* the deadline of a request (control_limits.h) */
    unsigned open_handles;
    unsigned max_connections;   /* per listener (fdlimit.h) */
    bool stopped;
};

struct request {
    struct request *next;
    struct server *srv;
    struct MHD_Connection *conn;
    enum endpoint ep;
    char *body;
    size_t len;
    bool too_big;
    bool suspended;
    struct conn *conn_rec;      /* its connection's record (control_limits.c) */
    /* The query line: waiting in it (queue_next), or holding a slot. */
    struct request *queue_next;
    bool queued;
    bool has_slot;
    unsigned retry_after;       /* seconds; 0: no Retry-After header */

    /* The answer, once known (queued when the connection is resumed). */
    int status;
    char *answer;
    const char *content_type;

    /* Off-loop work. */
    uv_work_t work;
    struct plugin_set *set;
    struct newsd_query query;   /* GET: the checked query (strings ours) */
    char *reprocess_id;   /* POST /reprocess {"id"} */
    bool reprocess_all;
    char **names;         /* work/ names placed for reprocessing */
    size_t n_names;
    unsigned char *original;   /* EP_ORIGINAL: the original's bytes (malloc'd) */
    size_t original_len;
    char *learn_model;    /* POST /learn */
    char *learn_label;
    char **learn_ids;
    size_t n_learn_ids;
};

/* control_work.c: run r's query or reprocess on the thread pool; the
 * connection is suspended by the caller and resumed by control_answer(). */
void control_work_start(struct control *c, struct request *r);
/* control_learn.c, on the thread pool: POST /learn's examples fetched from
 * the archive, the model trained again; the answer in r->answer/status. */
void control_learn(struct control *c, struct request *r);
/* True when some archive plugin of set answers queries. */
bool control_set_can_query(const struct plugin_set *set);
/* control.c: set r's answer (body is taken) and resume its connection. */
void control_answer(struct request *r, int status, char *body);

/* control_accept.c: accept connections on fd (listening, non-blocking)
 * and hand them to s->mhd; name is for the log.  Adds two handles to
 * s->ctl->open_handles; stop closes them with closed. */
void control_accept_start(struct server *s, int fd, const char *name);
void control_accept_stop(struct server *s, uv_close_cb closed);
/* control.c: one of s->ctl->open_handles closed (control_free() after the
 * last). */
void control_handle_gone(struct control *c);
/* control.c: start the suspended query r, which holds a slot: take the
 * plugin set (or wait for a reload) and run it on the thread pool. */
void control_begin_query(struct control *c, struct request *r);
/* web.c: a request on the web_listen listener (web.h). */
enum MHD_Result web_dispatch(struct control *c, struct request *r, const char *method, const char *url);
/* web.c: the archive's answer (JSON, taken) to the query of r, as a page. */
enum MHD_Result web_answer(struct control *c, struct request *r, const char *url, char *json);
/* web.c: an error of the control side (busy, stopping, no archive that
 * answers queries, body too large) as a dashboard page. */
enum MHD_Result web_reply_error(struct request *r, int status, const char *msg);
/* web.c: ask the archive's stats op for the overview now and then (off the
 * loop, holding the plugin set like a query); called every WEB_SAMPLE_MS. */
void web_stats_tick(struct control *c);
/* web.c: the dashboard's security headers, on every answer of its listener. */
void web_secure_headers(struct MHD_Response *resp);
/* control.c: run r's query (or reprocess) off the loop: a slot in the
 * line, the plugin set, the thread pool; answers at once when it cannot. */
enum MHD_Result control_start_work(struct control *c, struct request *r);
/* control.c: have libmicrohttpd look at its connections soon. */
/* control.c: libmicrohttpd started under s if it is not yet (the control
 * socket's first connection).  0, or -1 with *err (malloc'd). */
int control_serve(struct server *s, char **err);
void control_kick(struct server *s);

#endif
