/*
 * The control API's HTTP side: listening sockets, libmicrohttpd under the
 * libuv loop, and the request handler (see control.h).
 */
#include "control.h"
#include "sinks.h"
#include "control_internal.h"
#include "health.h"
#include "listen_addr.h"
#include "web.h"
#include "status.h"
#include "control_limits.h"
#include "log.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define JSON_TYPE "application/json"
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"
/* Idle keep-alive connections are closed after this many seconds. */
#define CONNECTION_TIMEOUT_S 60

/* ---- libmicrohttpd under the loop ----------------------------------------- */

static void on_timer(uv_timer_t *t);

/* After every MHD_run: wake again when libmicrohttpd's next timeout is due. */
static void srv_arm(struct server *s)
{
    MHD_UNSIGNED_LONG_LONG ms;
    if (s->ctl->stopped)
        return;
    if (MHD_get_timeout(s->mhd, &ms) == MHD_YES)
        uv_timer_start(&s->timer, on_timer, ms, 0);
    else
        uv_timer_stop(&s->timer);
}

static void srv_run(struct server *s)
{
    MHD_run(s->mhd);
    srv_arm(s);
}

static void on_timer(uv_timer_t *t)
{
    srv_run(t->data);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    (void)events;
    if (status < 0)
        log_warning("control API: polling its sockets failed: %s", uv_strerror(status));
    srv_run(p->data);
}

/* A resumed connection is picked up by the next MHD_run: run it soon, not
 * from inside whatever callback resumed it. */
void control_kick(struct server *s)
{
    if (!s->ctl->stopped && s->started)
        uv_timer_start(&s->timer, on_timer, 0, 0);
}

/* ---- answers ------------------------------------------------------------------ */

static enum MHD_Result queue(struct request *r, int status, char *body, const char *type)
{
    size_t len = strlen(body);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (r->srv->web)
        web_secure_headers(resp);
    if (r->retry_after) {
        char secs[16];
        snprintf(secs, sizeof secs, "%u", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    }
    enum MHD_Result rc = MHD_queue_response(r->conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* JSON answers end with a newline, so `curl --unix-socket` output reads well. */
static char *with_newline(char *s)
{
    size_t n = strlen(s);
    if (n && s[n - 1] == '\n')
        return s;
    char *t = xrealloc(s, n + 2);
    t[n] = '\n';
    t[n + 1] = '\0';
    return t;
}

static enum MHD_Result reply_json(struct request *r, int status, char *json)
{
    return queue(r, status, with_newline(json), JSON_TYPE);
}

static enum MHD_Result reply_error(struct request *r, int status, const char *msg)
{
    if (r->srv->web)   /* a browser's page, with the dashboard's headers */
        return web_reply_error(r, status, msg);
    return reply_json(r, status, control_error_json(msg));
}

static void suspend(struct request *r)
{
    r->suspended = true;
    MHD_suspend_connection(r->conn);
}

void control_answer(struct request *r, int status, char *body)
{
    r->status = status;
    r->answer = with_newline(body);
    r->content_type = JSON_TYPE;
    if (r->suspended) {
        r->suspended = false;
        limits_answer_ready(r);
        MHD_resume_connection(r->conn);
        control_kick(r->srv);
    }
    limits_query_end(r->srv->ctl, r);
}

/* ---- the handler --------------------------------------------------------------- */

static const char *get_arg(void *ctx, const char *key)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, key);
}

void control_begin_query(struct control *c, struct request *r)
{
    bool wait = false;
    r->set = c->ops->acquire(c->ud, &wait);
    if (!r->set) {
        if (wait) {   /* a reload is swapping the plugins: run once the new ones are in */
            r->next = c->waiting;
            c->waiting = r;
        } else {
            control_answer(r, 503, control_error_json("newsd is stopping"));
        }
        return;
    }
    if (!control_set_can_query(r->set)) {
        c->ops->release(c->ud);
        r->set = NULL;
        control_answer(r, 501, control_error_json("no configured archive plugin answers queries "
                                                  "(archive_sqlite does); status, metrics and reload "
                                                  "work without one"));
        return;
    }
    control_work_start(c, r);
}

/* Queries and reprocessing: a slot in the line (control_limits.c), then
 * the plugin set, then off the loop. */
enum MHD_Result control_start_work(struct control *c, struct request *r)
{
    switch (limits_query_admit(c, r)) {
    case QUERY_BUSY: {
        r->retry_after = LIMITS_RETRY_AFTER_S;
        char *msg = xasprintf("the archive is busy: %u queries running and %u waiting (control_queries, "
                              "control_query_queue); retry", c->queries.running, c->queries.waiting);
        enum MHD_Result ret = reply_error(r, 503, msg);
        free(msg);
        return ret;
    }
    case QUERY_WAIT:
        suspend(r);
        return MHD_YES;
    case QUERY_RUN:
        break;
    }
    /* As control_begin_query(), but answering at once where it can: a
     * connection suspended and resumed within its own handler call is
     * closed without an answer (seen with libmicrohttpd 0.9.75). */
    bool wait = false;
    r->set = c->ops->acquire(c->ud, &wait);
    if (!r->set && wait) {
        r->next = c->waiting;
        c->waiting = r;
        suspend(r);
        return MHD_YES;
    }
    if (!r->set || !control_set_can_query(r->set)) {
        bool stopping = !r->set;
        if (r->set)
            c->ops->release(c->ud);
        r->set = NULL;
        limits_query_end(c, r);
        if (stopping)
            return reply_error(r, 503, "newsd is stopping");
        return reply_error(r, 501, "no configured archive plugin answers queries (archive_sqlite does); "
                                   "status, metrics and reload work without one");
    }
    suspend(r);
    control_work_start(c, r);
    return MHD_YES;
}

static enum MHD_Result do_reload(struct control *c, struct request *r)
{
    char *err = NULL;
    int rc = c->ops->reload(c->ud, &err);
    enum MHD_Result ret;

    switch (rc) {
    case CONTROL_RELOAD_APPLIED:
        return reply_json(r, 200, xstrdup("{\"reloaded\":true}"));
    case CONTROL_RELOAD_PENDING:
        r->next = c->reloading;
        c->reloading = r;
        suspend(r);
        return MHD_YES;
    case CONTROL_RELOAD_BUSY:
        ret = reply_error(r, 409, err ? err : "a reload or shutdown is in progress");
        break;
    default: {
        /* Refused: say so in the same shape as success, plus the reason. */
        char *msg = control_error_json(err ? err : "reload refused");
        char *body = xasprintf("{\"reloaded\":false,%s", msg + 1);
        free(msg);
        ret = reply_json(r, 422, body);
        break;
    }
    }
    free(err);
    return ret;
}

static enum MHD_Result dispatch(struct control *c, struct request *r, const char *method, const char *url)
{
    const char *arg = NULL;
    char *err = NULL;
    int st = control_route(method, url, &r->ep, &arg);

    if (r->srv->web)
        return web_dispatch(c, r, method, url);
    if (r->srv->metrics_only && r->ep != EP_METRICS)
        return reply_error(r, 404, "only /metrics is served on this address; the rest of the API is on "
                                   "the control socket");
    if (st == 404) {
        char *msg = xasprintf("no such endpoint: %s %s (see docs/api.md)", method, url);
        enum MHD_Result ret = reply_error(r, 404, msg);
        free(msg);
        return ret;
    }
    if (st == 405) {
        char *msg = xasprintf("%s is not allowed on %s", method, url);
        enum MHD_Result ret = reply_error(r, 405, msg);
        free(msg);
        return ret;
    }
    switch (r->ep) {
    case EP_STATUS:
    case EP_HEALTH:
    case EP_METRICS: {
        struct status_snapshot snap;
        struct health_problem *problems;
        enum MHD_Result ret;
        c->ops->snapshot(c->ud, &snap);
        snap.n_problems = health_snapshot(&problems);
        snap.problems = problems;
        if (r->ep == EP_STATUS)
            ret = reply_json(r, 200, status_render_json(&snap));
        else if (r->ep == EP_HEALTH)
            ret = reply_json(r, snap.n_problems ? 503 : 200, status_render_health(&snap));
        else
            ret = queue(r, 200, status_render_metrics(&snap), METRICS_TYPE);
        free(problems);
        return ret;
    }
    case EP_OUTBOX: {
        /* The sinks' outboxes: waiting entries, or with ?dead=1 the dead
         * letters; ?limit=N per sink (default 100). */
        struct status_snapshot snap;
        const char *dead = get_arg(r->conn, "dead"), *lim = get_arg(r->conn, "limit");
        char *end = NULL;
        unsigned long limit = lim ? strtoul(lim, &end, 10) : 100;
        if (lim && (!*lim || *end || limit == 0 || limit > 100000))
            return reply_error(r, 400, "limit: expected a whole number from 1 to 100000");
        c->ops->snapshot(c->ud, &snap);
        bool want_dead = dead && strcmp(dead, "0") != 0 && strcmp(dead, "false") != 0;
        json_t *o = json_pack("{s:o}", "sinks", sinks_outbox(snap.sinks, want_dead, limit));
        char *body = xjson_dumps(o, JSON_COMPACT);
        json_decref(o);
        return reply_json(r, 200, body);
    }
    case EP_RELOAD:
        return do_reload(c, r);
    case EP_REPROCESS:
        if (control_parse_reprocess(r->body, r->len, &r->reprocess_id, &r->reprocess_all, &err) < 0) {
            enum MHD_Result ret = reply_error(r, 400, err);
            free(err);
            return ret;
        }
        return control_start_work(c, r);
    case EP_LEARN:
        if (control_parse_learn(r->body, r->len, &r->learn_model, &r->learn_label, &r->learn_ids,
                                &r->n_learn_ids, &err) < 0) {
            enum MHD_Result ret = reply_error(r, 400, err);
            free(err);
            return ret;
        }
        return control_start_work(c, r);
    default:
        if (control_query_parse(r->ep, arg, get_arg, r->conn, &r->query, &err) != NEWSD_QUERY_OK) {
            enum MHD_Result ret = reply_error(r, 400, err);
            free(err);
            return ret;
        }
        return control_start_work(c, r);
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    struct server *s = cls;
    struct request *r = *con_cls;
    (void)version;

    if (!r) {
        r = xcalloc(1, sizeof *r);
        r->srv = s;
        r->conn = conn;
        *con_cls = r;
        if (!limits_attach(r))
            return MHD_NO;
        /* Refuse a declared huge body before reading it. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > CONTROL_MAX_BODY) {
            r->too_big = true;
            return reply_error(r, 413, "request body too large (the limit is 64 KiB)");
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->too_big && r->len + *upload_size > CONTROL_MAX_BODY) {
            r->too_big = true;
            free(r->body);
            r->body = NULL;
            r->len = 0;
        }
        if (!r->too_big) {
            char *b = xrealloc(r->body, r->len + *upload_size + 1);
            memcpy(b + r->len, upload, *upload_size);
            r->body = b;
            r->len += *upload_size;
            r->body[r->len] = '\0';
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->answer) {   /* resumed: the work is done */
        char *a = r->answer;
        r->answer = NULL;
        if (s->web)
            return web_answer(s->ctl, r, url, a);
        return queue(r, r->status, a, r->content_type);
    }
    if (r->too_big)
        return reply_error(r, 413, "request body too large (the limit is 64 KiB)");
    return dispatch(s->ctl, r, method, url);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct request *r = *con_cls;
    (void)cls;
    (void)conn;
    (void)toe;
    if (!r)
        return;
    limits_detach(r);
    free(r->body);
    free(r->answer);
    query_free_strings(&r->query);
    free(r->reprocess_id);
    free(r->original);
    control_learn_args_free(r->learn_model, r->learn_label, r->learn_ids, r->n_learn_ids);
    for (size_t i = 0; i < r->n_names; i++)
        free(r->names[i]);
    free(r->names);
    free(r);
    *con_cls = NULL;
}

/* fmt is libmicrohttpd's own printf format. */
NEWSD_PRINTF(2, 0)
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    /* A connection handed over by control_accept.c is not known to be on a
     * Unix socket (0.9.75 marks it "unknown"), so libmicrohttpd tries TCP
     * options on it and complains for every answer: noise. */
    if ((strstr(msg, "option to") && strstr(msg, "state failed") && strstr(msg, strerror(EOPNOTSUPP))) ||
        strstr(msg, "Failed to push the data from buffers")) {
        log_debug("control API: %s", msg);
        return;
    }
    log_warning("control API: %s", msg);
}

/* ---- listening sockets ------------------------------------------------------- */

/* sun_path holds 107 bytes; a deeper state directory is reached through
 * /proc/self/fd/N/NAME, which Linux resolves like the path itself.  *dirfd
 * is that folder's O_PATH fd (to close after bind), or -1. */
static int socket_address(const char *path, struct sockaddr_un *sa, int *dirfd, char **err)
{
    *dirfd = -1;
    if (strlen(path) < sizeof sa->sun_path) {
        memcpy(sa->sun_path, path, strlen(path) + 1);
        return 0;
    }
    const char *slash = strrchr(path, '/');
    char *dir = slash && slash != path ? strndup(path, (size_t)(slash - path)) : NULL;
    *dirfd = dir ? open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    free(dir);
    if (*dirfd < 0 || (size_t)snprintf(sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/%d/%s", *dirfd,
                                       slash + 1) >= sizeof sa->sun_path) {
        *err = xasprintf("control socket %s: path too long for a Unix socket; set [daemon] control_socket to a "
                    "shorter one", path);
        if (*dirfd >= 0)
            close(*dirfd);
        *dirfd = -1;
        return -1;
    }
    return 0;
}

/* Bind sa (whose sun_path may be a /proc/self/fd alias of path), taking
 * over a socket left by a newsd that is gone. */
static int unix_bind(struct control *c, const char *path, const struct sockaddr_un *addr, char **err)
{
    struct sockaddr_un sa = *addr;
    struct stat st;

    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            *err = xasprintf("control socket %s: exists and is not a socket; remove it or set [daemon] "
                        "control_socket", path);
            return -1;
        }
        /* Left over by a newsd that did not stop cleanly, or in use? */
        int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
            close(probe);
            *err = xasprintf("control socket %s: another newsd is listening there (same state "
                        "directory?); stop it first", path);
            return -1;
        }
        if (probe >= 0)
            close(probe);
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        *err = xasprintf("control socket %s: cannot create it: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    /* Owner and group may talk to newsd; put operators into its group. */
    if (chmod(path, 0660) < 0 || listen(fd, 64) < 0 || lstat(path, &st) < 0) {
        *err = xasprintf("control socket %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    c->socket_dev = st.st_dev;
    c->socket_ino = st.st_ino;
    return fd;
}

static int unix_listen(struct control *c, const char *path, char **err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int dirfd;

    if (socket_address(path, &sa, &dirfd, err) < 0)
        return -1;
    int fd = unix_bind(c, path, &sa, err);
    if (dirfd >= 0)
        close(dirfd);
    return fd;
}

/* key names the config key, for the error. */
static int tcp_listen(const char *key, const char *addr, char **err)
{
    struct sockaddr_storage ss;
    socklen_t len;

    if (listen_addr_parse(addr, &ss, &len) < 0) {
        *err = xasprintf("%s = %s: expected a numeric address and port, such as 127.0.0.1:9107 or "
                         "[::1]:9107", key, addr);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
        *err = xasprintf("%s = %s: cannot listen: %s", key, addr, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

enum server_kind { SERVE_API, SERVE_METRICS, SERVE_WEB };

/* Largest PEM file taken for web_tls_cert (a chain) or web_tls_key. */
#define PEM_MAX (1u << 20)

/* The text of the PEM file path into *out (malloc'd).  Returns 0, or -1
 * with *err naming the key, the file and the cause. */
static int read_pem(const char *key, const char *path, char **out, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        *err = xasprintf("%s = %s: cannot read: %s", key, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size == 0 || (uint64_t)st.st_size > PEM_MAX) {
        *err = xasprintf("%s = %s: not a PEM file (empty, too large or not a regular file)", key, path);
        close(fd);
        return -1;
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    ssize_t n = read(fd, buf, (size_t)st.st_size);
    int e = errno;
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    if (n != (ssize_t)st.st_size || !strstr(buf, "-----BEGIN ")) {
        *err = xasprintf("%s = %s: %s", key, path,
                         n < 0 ? strerror(e)
                         : n != (ssize_t)st.st_size ? "changed while being read"
                                                    : "not a PEM file (no -----BEGIN line)");
        explicit_bzero(buf, (size_t)st.st_size + 1);
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}

/* libmicrohttpd under s: loaded (mhd_load.h) and started, its epoll fd
 * under the loop.  name is the listener's, for the error. */
static int server_serve(struct server *s, const char *name, char **err)
{
    struct control *c = s->ctl;
    const char *why;
    if (mhd_load(&why) < 0) {
        *err = s->metrics_only ? xasprintf("metrics_listen = %s: %s", name, why)
               : s->web        ? xasprintf("web_listen = %s: %s", name, why)
                               : xasprintf("control API on %s: %s", name, why);
        return -1;
    }
    /* No threads of MHD's own: MHD_USE_EPOLL without an internal thread
     * means we drive it (MHD_run) from the loop.  No listening socket of
     * its own either: control_accept.c accepts. */
    /* The dashboard's own HTTPS: the PEM texts stay in c until the
     * daemon is stopped (libmicrohttpd keeps the pointers). */
    bool tls = s->web && c->web_tls_key;
    struct MHD_OptionItem tls_opts[] = {
        {tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, c->web_tls_key},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, c->web_tls_cert},
        {MHD_OPTION_END, 0, NULL},
    };
    s->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
                                  MHD_USE_NO_LISTEN_SOCKET | (tls ? MHD_USE_TLS : 0),
                              0, NULL, NULL, on_request, s,
                              MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
                              MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                              MHD_OPTION_NOTIFY_CONNECTION, limits_on_connection, s,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
                              MHD_OPTION_CONNECTION_LIMIT, c->max_connections + LIMITS_HEADROOM,
                              MHD_OPTION_ARRAY, tls_opts,
                              MHD_OPTION_END);
    if (!s->mhd) {
        if (tls)
            *err = xasprintf("web_listen = %s: libmicrohttpd would not start HTTPS with web_tls_cert and "
                             "web_tls_key (not a PEM certificate and its private key?)", name);
        else
            *err = xasprintf("control API: libmicrohttpd would not start");
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD);
    if (!info) {
        MHD_stop_daemon(s->mhd);
        s->mhd = NULL;
        *err = xasprintf("control API: libmicrohttpd has no epoll fd");
        return -1;
    }
    uv_poll_init(c->loop, &s->poll, info->epoll_fd);
    uv_timer_init(c->loop, &s->timer);
    uv_timer_init(c->loop, &s->sweep);
    s->poll.data = s->timer.data = s->sweep.data = s;
    c->open_handles += 3;
    uv_poll_start(&s->poll, UV_READABLE, on_poll);
    limits_sweep_start(s);
    s->started = true;
    srv_arm(s);
    return 0;
}

int control_serve(struct server *s, char **err)
{
    return s->started ? 0 : server_serve(s, s->name, err);
}

static int server_start(struct control *c, struct server *s, int fd, enum server_kind kind, const char *name,
                        char **err)
{
    s->ctl = c;
    s->metrics_only = kind == SERVE_METRICS;
    s->web = kind == SERVE_WEB;
    /* The control socket serves newsctl, which a daemon may never see: it
     * loads libmicrohttpd on its first connection (control_accept.c).
     * The TCP listeners are asked for in the config, so a library that
     * cannot be loaded (or HTTPS that will not start) is an error now. */
    if (kind != SERVE_API && server_serve(s, name, err) < 0) {
        close(fd);
        return -1;
    }
    control_accept_start(s, fd, name);
    return 0;
}

static void on_web_sample(uv_timer_t *t)
{
    struct server *s = t->data;
    struct status_snapshot snap;
    s->ctl->ops->snapshot(s->ctl->ud, &snap);
    web_sample(s->ctl->web, &snap);
    web_stats_tick(s->ctl);
}

static void control_free(struct control *c)
{
    free(c->socket_path);
    free(c->work_dir);
    free(c->models_dir);
    free(c->state_dir);
    web_close(c->web);
    free(c->web_tls_cert);
    if (c->web_tls_key)   /* a secret: not left in freed memory */
        explicit_bzero(c->web_tls_key, strlen(c->web_tls_key));
    free(c->web_tls_key);
    free(c);
}

void control_handle_gone(struct control *c)
{
    if (--c->open_handles == 0)
        control_free(c);
}

static void on_handle_closed(uv_handle_t *h)
{
    struct server *s = h->data;
    control_handle_gone(s->ctl);
}

static void servers_close(struct control *c)
{
    c->stopped = true;
    if (c->web_sampling) {
        c->web_sampling = false;
        /* A last sample and the counts to disk: the next start shows them. */
        struct status_snapshot snap;
        c->ops->snapshot(c->ud, &snap);
        web_sample(c->web, &snap);
        web_save(c->web);
        uv_timer_stop(&c->web_sampler);
        uv_close((uv_handle_t *)&c->web_sampler, on_handle_closed);
    }
    for (size_t i = 0; i < c->n_srv; i++) {
        struct server *s = &c->srv[i];
        control_accept_stop(s, on_handle_closed);
        if (!s->started)
            continue;
        uv_poll_stop(&s->poll);
        uv_timer_stop(&s->timer);
        uv_timer_stop(&s->sweep);
        /* Resumed connections get their answer out if the socket takes it
         * now; MHD_stop_daemon then closes everything. */
        MHD_run(s->mhd);
        MHD_stop_daemon(s->mhd);
        s->mhd = NULL;
        uv_close((uv_handle_t *)&s->poll, on_handle_closed);
        uv_close((uv_handle_t *)&s->timer, on_handle_closed);
        uv_close((uv_handle_t *)&s->sweep, on_handle_closed);
    }
    if (c->socket_path) {
        struct stat st;
        /* Only our own: a newer newsd may have taken the name meanwhile. */
        if (lstat(c->socket_path, &st) == 0 && st.st_dev == c->socket_dev && st.st_ino == c->socket_ino)
            unlink(c->socket_path);
    }
}

int control_start(struct control **out, uv_loop_t *loop, const struct control_opts *o,
                  const struct control_ops *ops, void *ud, char **err)
{
    struct control *c = xcalloc(1, sizeof *c);
    c->loop = loop;
    c->ops = ops;
    c->ud = ud;
    c->work_dir = xstrdup(o->work_dir);
    c->models_dir = o->models_dir ? xstrdup(o->models_dir) : NULL;
    c->max_connections = o->max_connections ? o->max_connections : CONTROL_MAX_CONNECTIONS;
    c->timeout_s = o->timeout_s ? o->timeout_s : 10;
    c->queries.max_running = o->queries_running ? o->queries_running : 2;
    c->queries.max_waiting = o->queries_waiting;
    *err = NULL;
    *out = NULL;

    if (o->socket_path && *o->socket_path) {
        int fd = unix_listen(c, o->socket_path, err);
        if (fd < 0)
            goto fail;
        c->socket_path = xstrdup(o->socket_path);
        if (server_start(c, &c->srv[c->n_srv++], fd, SERVE_API, o->socket_path, err) < 0)
            goto fail;
    }
    if (o->metrics_listen && *o->metrics_listen) {
        int fd = tcp_listen("metrics_listen", o->metrics_listen, err);
        if (fd < 0)
            goto fail;
        if (server_start(c, &c->srv[c->n_srv++], fd, SERVE_METRICS, o->metrics_listen, err) < 0)
            goto fail;
    }
    if (o->web_listen && *o->web_listen) {
        bool tls = o->web_tls_cert && o->web_tls_key;
        if (web_listen_check(o->web_listen, o->web_behind_proxy || tls, err) < 0 ||
            (tls && (read_pem("web_tls_cert", o->web_tls_cert, &c->web_tls_cert, err) < 0 ||
                     read_pem("web_tls_key", o->web_tls_key, &c->web_tls_key, err) < 0)) ||
            web_open(&c->web, o->state_dir, o->web_behind_proxy || tls, err) < 0)
            goto fail;
        c->state_dir = xstrdup(o->state_dir);
        int fd = tcp_listen("web_listen", o->web_listen, err);
        if (fd < 0)
            goto fail;
        struct server *s = &c->srv[c->n_srv++];
        if (server_start(c, s, fd, SERVE_WEB, o->web_listen, err) < 0)
            goto fail;
        uv_timer_init(loop, &c->web_sampler);
        c->web_sampler.data = s;   /* on_handle_closed() finds c through it */
        c->open_handles++;
        c->web_sampling = true;
        uv_timer_start(&c->web_sampler, on_web_sample, 0, WEB_SAMPLE_MS);
    }
    if (!c->n_srv) {
        control_free(c);
        return 0;   /* nothing configured: no API, not an error */
    }
    *out = c;
    return 0;
fail:
    servers_close(c);
    if (!c->open_handles)
        control_free(c);
    return -1;
}

static struct request *take_list(struct request **head)
{
    struct request *r = *head;
    *head = NULL;
    return r;
}

void control_reload_done(struct control *c)
{
    if (!c)
        return;
    for (struct request *r = take_list(&c->reloading), *next; r; r = next) {
        next = r->next;
        r->next = NULL;
        control_answer(r, 200, xstrdup("{\"reloaded\":true}"));
    }
}

void control_plugins_ready(struct control *c)
{
    if (!c)
        return;
    /* Another reload may begin meanwhile: such a query waits again. */
    for (struct request *r = take_list(&c->waiting), *next; r; r = next) {
        next = r->next;
        r->next = NULL;
        control_begin_query(c, r);
    }
}

void control_stop(struct control *c)
{
    if (!c)
        return;
    control_reload_done(c);
    c->stopped = true;      /* a freed query slot starts nothing now */
    for (struct request *r = take_list(&c->waiting), *next; r; r = next) {
        next = r->next;
        control_answer(r, 503, control_error_json("newsd is stopping"));
    }
    limits_stop(c);
    servers_close(c);
}
