/* Connection limits, deadlines and the line of archive queries of the
 * control API; see control_limits.h. */
#include "control_internal.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SWEEP_MS 250

/* A listener with descriptors to spare takes exactly the general pool and
 * the reserve. */
_Static_assert(CONTROL_MAX_CONNECTIONS == LIMITS_GENERAL + LIMITS_RESERVED,
               "CONTROL_MAX_CONNECTIONS is the general pool plus the reserve");

unsigned limits_general_max(unsigned max_connections)
{
    /* The reserve is kept even when descriptors are short: it is what lets
     * an operator in to see why. */
    unsigned general = max_connections > LIMITS_RESERVED ? max_connections - LIMITS_RESERVED : 1;
    return general < LIMITS_GENERAL ? general : LIMITS_GENERAL;
}

enum admission limits_decide(const struct peer *p, unsigned general, unsigned reserved,
                             unsigned same_uid, unsigned general_max)
{
    if (p->known && p->uid != 0 && same_uid >= LIMITS_PER_UID)
        return REFUSE_PER_UID;
    if (general < general_max)
        return ADMIT_GENERAL;
    /* Someone flooding holds connections already; a newsctl holds none. */
    if (p->known && p->privileged && same_uid == 0 && reserved < LIMITS_RESERVED)
        return ADMIT_RESERVED;
    return REFUSE_FULL;
}

/* ---- the peer --------------------------------------------------------------- */

/* Is gid among the peer's supplementary groups?  SO_PEERGROUPS (Linux
 * 4.13) answers from the socket: no user database lookup on the loop. */
static bool peer_in_group(int fd, gid_t gid)
{
    gid_t small[64], *groups = small;
    socklen_t len = sizeof small;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0) {
        if (errno != ERANGE)
            return false;
        groups = xmalloc(len);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
            len = 0;
    }
    bool found = false;
    for (size_t i = 0; i < len / sizeof *groups && !found; i++)
        found = groups[i] == gid;
    if (groups != small)
        free(groups);
    return found;
}

static void peer_of(int fd, struct peer *p)
{
    struct ucred cr;
    socklen_t len = sizeof cr;
    *p = (struct peer){0};
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
        return;    /* TCP: no credentials */
    p->known = true;
    p->uid = cr.uid;
    p->privileged = cr.uid == 0 || cr.uid == geteuid() || cr.gid == getegid() || peer_in_group(fd, getegid());
}

static unsigned held_by(const struct server *s, uid_t uid)
{
    unsigned n = 0;
    for (const struct conn *k = s->conns; k; k = k->next)
        n += !k->refused && k->peer.known && k->peer.uid == uid;
    return n;
}

/* ---- connections ------------------------------------------------------------- */

/* A refused connection hears why before it is shut: the socket is new, so
 * the few bytes fit its buffer and the write does not block. */
static void refuse(struct conn *k, enum admission why)
{
    char msg[160], out[400];
    if (why == REFUSE_PER_UID)
        snprintf(msg, sizeof msg, "too many control connections from uid %u (%d at most per user); "
                 "retry later", (unsigned)k->peer.uid, LIMITS_PER_UID);
    else
        snprintf(msg, sizeof msg, "the control API is at its limit of %u connections; retry later",
                 limits_general_max(k->srv->ctl->max_connections));
    char *body = control_error_json(msg);
    int n = snprintf(out, sizeof out,
                     "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                     "Retry-After: %d\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s\n",
                     LIMITS_RETRY_AFTER_S, strlen(body) + 1, body);
    free(body);
    if (n > 0 && (size_t)n < sizeof out && send(k->fd, out, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
        log_debug("control API: cannot tell a refused client why: %s", strerror(errno));
    shutdown(k->fd, SHUT_RDWR);
    k->refused = true;
}

static void conn_started(struct server *s, struct MHD_Connection *mc, void **ctx)
{
    struct conn *k = xcalloc(1, sizeof *k);
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
    k->srv = s;
    k->fd = info ? info->connect_fd : -1;
    k->deadline_ms = uv_now(s->ctl->loop) + (uint64_t)s->ctl->timeout_s * 1000;
    if (k->fd >= 0)
        peer_of(k->fd, &k->peer);
    enum admission a = limits_decide(&k->peer, s->n_general, s->n_reserved,
                                     k->peer.known ? held_by(s, k->peer.uid) : 0,
                                     limits_general_max(s->ctl->max_connections));
    k->next = s->conns;
    if (s->conns)
        s->conns->prev = k;
    s->conns = k;
    *ctx = k;
    switch (a) {
    case ADMIT_GENERAL:
        s->n_general++;
        break;
    case ADMIT_RESERVED:
        k->reserved = true;
        s->n_reserved++;
        break;
    case REFUSE_PER_UID:
        s->refused_uid++;
        refuse(k, a);
        break;
    case REFUSE_FULL:
        s->refused_full++;
        refuse(k, a);
        break;
    }
}

static void conn_closed(struct server *s, struct conn *k)
{
    if (!k->refused) {
        if (k->reserved)
            s->n_reserved--;
        else
            s->n_general--;
    }
    if (k->prev)
        k->prev->next = k->next;
    else
        s->conns = k->next;
    if (k->next)
        k->next->prev = k->prev;
    if (k->req)
        k->req->conn_rec = NULL;
    free(k);
}

void limits_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        conn_started(s, conn, socket_context);
    else if (*socket_context)
        conn_closed(s, *socket_context);
    if (code != MHD_CONNECTION_NOTIFY_STARTED)
        *socket_context = NULL;
}

bool limits_attach(struct request *r)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    r->conn_rec = info ? info->socket_context : NULL;
    if (!r->conn_rec)
        return true;
    r->conn_rec->req = r;
    return !r->conn_rec->refused;
}

void limits_detach(struct request *r)
{
    struct conn *k = r->conn_rec;
    if (!k)
        return;
    k->req = NULL;
    /* Keep-alive: the next request has the full time again. */
    k->deadline_ms = uv_now(k->srv->ctl->loop) + (uint64_t)k->srv->ctl->timeout_s * 1000;
    r->conn_rec = NULL;
}

void limits_answer_ready(struct request *r)
{
    struct conn *k = r->conn_rec;
    /* The time newsd took to make the answer is not the client's: it gets
     * the full time to take it.  Without this, the sweep could close a
     * connection between the answer's resume and libmicrohttpd's send. */
    if (k)
        k->deadline_ms = uv_now(k->srv->ctl->loop) + (uint64_t)k->srv->ctl->timeout_s * 1000;
}

/* ---- the line of archive queries -------------------------------------------- */

static void line_remove(struct query_line *q, struct request *r)
{
    struct request **pp = &q->head, *prev = NULL;
    while (*pp && *pp != r) {
        prev = *pp;
        pp = &(*pp)->queue_next;
    }
    if (!*pp)
        return;
    *pp = r->queue_next;
    if (q->tail == r)
        q->tail = prev;
    r->queue_next = NULL;
    r->queued = false;
    q->waiting--;
}

enum query_admission limits_query_admit(struct control *c, struct request *r)
{
    struct query_line *q = &c->queries;
    if (q->running < q->max_running) {
        q->running++;
        r->has_slot = true;
        return QUERY_RUN;
    }
    if (q->waiting >= q->max_waiting)
        return QUERY_BUSY;
    r->queued = true;
    r->queue_next = NULL;
    if (q->tail)
        q->tail->queue_next = r;
    else
        q->head = r;
    q->tail = r;
    q->waiting++;
    return QUERY_WAIT;
}

void limits_query_end(struct control *c, struct request *r)
{
    struct query_line *q = &c->queries;
    if (!r->has_slot)
        return;
    r->has_slot = false;
    q->running--;
    /* The next in line takes the slot (control_begin_query() may end at
     * once and come back here: the line only gets shorter). */
    struct request *next = q->head;
    if (next && !c->stopped) {
        line_remove(q, next);
        q->running++;
        next->has_slot = true;
        control_begin_query(c, next);
    }
}

static void answer_waited(struct control *c, struct request *r)
{
    char *msg = xasprintf("the archive is busy: this query waited %u s for its turn (control_timeout_s); "
                          "retry", c->timeout_s);
    r->retry_after = LIMITS_RETRY_AFTER_S;
    control_answer(r, 503, control_error_json(msg));
    free(msg);
}

void limits_stop(struct control *c)
{
    while (c->queries.head) {
        struct request *r = c->queries.head;
        line_remove(&c->queries, r);
        control_answer(r, 503, control_error_json("newsd is stopping"));
    }
}

/* ---- deadlines -------------------------------------------------------------- */

static void log_sweep(struct server *s)
{
    if (s->refused_uid)
        log_notice("control API: refused %u connection%s of users over %d connections each", s->refused_uid,
                   s->refused_uid == 1 ? "" : "s", LIMITS_PER_UID);
    if (s->refused_full)
        log_notice("control API: refused %u connection%s, all %u slots taken", s->refused_full,
                   s->refused_full == 1 ? "" : "s", limits_general_max(s->ctl->max_connections));
    if (s->timed_out)
        log_notice("control API: closed %u connection%s that had no complete request or did not take the "
                   "answer within %u s", s->timed_out, s->timed_out == 1 ? "" : "s", s->ctl->timeout_s);
    if (s->busy)
        log_notice("control API: answered 503 to %u archive quer%s that waited %u s for a slot", s->busy,
                   s->busy == 1 ? "y" : "ies", s->ctl->timeout_s);
    s->refused_uid = s->refused_full = s->timed_out = s->busy = 0;
}

static void on_sweep(uv_timer_t *t)
{
    struct server *s = t->data;
    struct control *c = s->ctl;
    uint64_t now = uv_now(c->loop);
    bool closed = false;

    for (struct conn *k = s->conns; k; k = k->next) {
        if (k->refused || k->closing || now < k->deadline_ms)
            continue;
        struct request *r = k->req;
        if (r && r->suspended) {
            /* Running work or a reload is newsd's time, not the client's;
             * a query still in line has waited long enough. */
            if (r->queued) {
                line_remove(&c->queries, r);
                s->busy++;
                answer_waited(c, r);
            }
            continue;
        }
        shutdown(k->fd, SHUT_RDWR);
        k->closing = true;
        closed = true;
        s->timed_out++;
    }
    if (closed)
        control_kick(s);
    log_sweep(s);
}

void limits_sweep_start(struct server *s)
{
    uv_timer_start(&s->sweep, on_sweep, SWEEP_MS, SWEEP_MS);
}
