/*
 * The control API's listening sockets: newsd accepts the connections and
 * hands them to libmicrohttpd (MHD_USE_NO_LISTEN_SOCKET and
 * MHD_add_connection), so that running out of descriptors is a pause and
 * never the end of the API.
 *
 * Why not libmicrohttpd's own accept(): when it fails with EMFILE, 0.9.75
 * takes the listening socket out of its epoll set until a connection
 * closes, and puts it back only in a later MHD_run(); when the connection
 * that closed was the last one, nothing runs MHD again and the API never
 * accepts another connection (issue #12, bug 4).  With no connection open
 * it retries at once instead, spinning.
 *
 * Here a readable socket is accepted until EAGAIN.  When accept() fails
 * for want of descriptors or memory, the clients waiting in the queue get
 * a 503 through the reserve descriptor (fdlimit.h), the socket is not
 * polled for a pause that doubles from 100 ms to 5 s, and then tried
 * again; a connection accepted resets the pause.  Beyond the connection
 * cap, or when libmicrohttpd cannot be loaded, a client gets a 503 (once
 * its request is there, refuse_later()) instead of a silent close.
 */
#include "control_internal.h"
#include "fdlimit.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PAUSE_FIRST_MS 100
#define PAUSE_MAX_MS 5000
/* Connections accepted in one go, so that a flood of them cannot keep the
 * loop from everything else. */
#define ACCEPT_BATCH 32

/* A whole HTTP answer in one send(), for a client newsd cannot serve now. */
static void refuse(int fd, const char *why)
{
    char msg[512];
    size_t body = strlen(why) + 13;   /* {"error":"..."}\n */
    int n = snprintf(msg, sizeof msg,
                     "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\nRetry-After: 1\r\n\r\n{\"error\":\"%s\"}\n",
                     body, why);
    if (n > 0 && (size_t)n < sizeof msg) {
        ssize_t w = send(fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
        (void)w;
    }
    close(fd);
}

/*
 * A 503 sent at once and the socket closed races with the client: a Unix
 * socket's peer that closes before the client has checked its connect()
 * shows as a failed connection (libcurl, so newsctl: "Couldn't connect to
 * server", about one time in two), and the message is lost.  So, but for
 * want of descriptors, the client is answered once its request is there
 * (or it hung up), at most REFUSALS_MAX of them waiting, each for
 * REFUSAL_WAIT_MS at most; beyond that it is refused at once.
 */
#define REFUSALS_MAX 8
#define REFUSAL_WAIT_MS 2000

struct refusal {
    uv_poll_t poll;           /* first: the handle's address is the refusal's */
    struct server *s;
    int fd;
    const char *why;
    uint64_t since_ms;
    struct refusal *next;
};

static void on_refusal_closed(uv_handle_t *h)
{
    struct refusal *r = (struct refusal *)h;
    struct control *c = r->s->ctl;
    free(r);
    control_handle_gone(c);
}

/* Answers r's client (its request read and dropped) and lets r go. */
static void refusal_end(struct refusal *r)
{
    struct server *s = r->s;
    for (struct refusal **p = &s->refusals; *p; p = &(*p)->next)
        if (*p == r) {
            *p = r->next;
            break;
        }
    s->n_refusals--;
    /* A request is a few hundred bytes; a client that keeps sending does
     * not keep the loop here. */
    char drop[4096];
    for (int i = 0; i < 4 && recv(r->fd, drop, sizeof drop, MSG_DONTWAIT) > 0; i++)
        ;
    /* The handle first: libuv forgets the descriptor before it is closed. */
    uv_close((uv_handle_t *)&r->poll, on_refusal_closed);
    refuse(r->fd, r->why);
}

static void on_refusal_readable(uv_poll_t *p, int status, int events)
{
    (void)status;
    (void)events;
    refusal_end((struct refusal *)p);
}

/* Those that waited too long answered now, so that clients that never
 * ask do not keep the places. */
static void refusals_expire(struct server *s)
{
    uint64_t now = uv_now(s->ctl->loop);
    for (struct refusal *r = s->refusals, *next; r; r = next) {
        next = r->next;
        if (now - r->since_ms >= REFUSAL_WAIT_MS)
            refusal_end(r);
    }
}

static void refuse_later(struct server *s, int fd, const char *why)
{
    refusals_expire(s);
    struct refusal *r = s->n_refusals < REFUSALS_MAX ? calloc(1, sizeof *r) : NULL;
    if (!r || uv_poll_init(s->ctl->loop, &r->poll, fd) < 0) {
        free(r);
        refuse(fd, why);
        return;
    }
    r->s = s;
    r->fd = fd;
    r->why = why;
    r->since_ms = uv_now(s->ctl->loop);
    r->next = s->refusals;
    s->refusals = r;
    s->n_refusals++;
    s->ctl->open_handles++;
    uv_poll_start(&r->poll, UV_READABLE | UV_DISCONNECT, on_refusal_readable);
}

/* Out of descriptors: spend the reserve on answering the waiting clients,
 * then take it back.  Returns how many were answered. */
static unsigned drain_with_reserve(int listen_fd)
{
    unsigned n = 0;
    if (!fdlimit_reserve_release())
        return 0;
    for (int fd; n < ACCEPT_BATCH && (fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0; n++)
        refuse(fd, "newsd is short of file descriptors; try again in a moment");
    if (fdlimit_reserve_open() < 0)
        log_debug("control API: the reserve descriptor is taken; it is opened again later");
    return n;
}

static void on_readable(uv_poll_t *p, int status, int events);

static void on_pause_over(uv_timer_t *t)
{
    struct server *s = t->data;
    if (s->ctl->stopped)
        return;
    fdlimit_reserve_open();
    uv_poll_start(&s->listen_poll, UV_READABLE, on_readable);
}

static void pause_listener(struct server *s, int err)
{
    unsigned refused = drain_with_reserve(s->listen_fd);
    s->pause_ms = s->pause_ms ? s->pause_ms * 2 : PAUSE_FIRST_MS;
    if (s->pause_ms > PAUSE_MAX_MS)
        s->pause_ms = PAUSE_MAX_MS;
    log_warning("control API: cannot accept a connection on %s: %s (%s); %u waiting client%s answered 503; "
                "will retry in %u ms", s->name, strerror(err), strerrorname_np(err), refused,
                refused == 1 ? "" : "s", s->pause_ms);
    uv_poll_stop(&s->listen_poll);
    uv_timer_start(&s->pause_timer, on_pause_over, s->pause_ms, 0);
}

static bool over_cap(struct server *s)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info && info->num_connections >= s->ctl->max_connections;
}

static void on_readable(uv_poll_t *p, int status, int events)
{
    struct server *s = p->data;
    (void)events;
    if (status < 0) {
        pause_listener(s, -status);
        return;
    }
    refusals_expire(s);   /* a client that never asks waits no longer than that */
    for (unsigned i = 0; i < ACCEPT_BATCH; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int fd = accept4(s->listen_fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            int e = errno;
            if (e == EAGAIN || e == EWOULDBLOCK)
                break;
            if (e == EINTR || e == ECONNABORTED || e == EPROTO || e == EPERM)
                continue;
            pause_listener(s, e);
            return;
        }
        if (s->pause_ms) {
            log_notice("control API: accepting connections on %s again", s->name);
            s->pause_ms = 0;
        }
        char *err = NULL;
        if (control_serve(s, &err) < 0) {
            log_error("%s; connection on %s refused", err, s->name);
            free(err);
            refuse_later(s, fd, "newsd cannot start its HTTP server; see its log");
            continue;
        }
        if (over_cap(s)) {
            log_warning("control API: %u connections open on %s, the most it takes; one more was answered 503",
                        s->ctl->max_connections, s->name);
            refuse_later(s, fd, "too many connections to newsd; try again in a moment");
            continue;
        }
        /* MHD closes the socket itself when it cannot take it. */
        if (MHD_add_connection(s->mhd, fd, (struct sockaddr *)&ss, len) != MHD_YES)
            log_warning("control API: libmicrohttpd did not take a connection on %s: %s", s->name,
                        strerror(errno));
    }
    control_kick(s);
}

void control_accept_start(struct server *s, int fd, const char *name)
{
    s->listen_fd = fd;
    snprintf(s->name, sizeof s->name, "%s", name);
    uv_poll_init(s->ctl->loop, &s->listen_poll, fd);
    uv_timer_init(s->ctl->loop, &s->pause_timer);
    s->listen_poll.data = s->pause_timer.data = s;
    s->ctl->open_handles += 2;
    s->accepting = true;
    uv_poll_start(&s->listen_poll, UV_READABLE, on_readable);
}

void control_accept_stop(struct server *s, uv_close_cb closed)
{
    if (!s->accepting)
        return;
    while (s->refusals)
        refusal_end(s->refusals);
    uv_poll_stop(&s->listen_poll);
    uv_timer_stop(&s->pause_timer);
    uv_close((uv_handle_t *)&s->listen_poll, closed);
    uv_close((uv_handle_t *)&s->pause_timer, closed);
    close(s->listen_fd);
    s->listen_fd = -1;
    s->accepting = false;
}
