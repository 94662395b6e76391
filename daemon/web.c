/* The web dashboard's requests: routing, access, answers; see web.h. */

#include "web.h"
#include "control_internal.h"
#include "health.h"
#include "listen_addr.h"
#include "log.h"
#include "web_archive_pages.h"
#include "web_assets.h"
#include "web_history.h"
#include "web_html.h"
#include "web_pages.h"
#include "web_token.h"
#include "trends_file.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define COOKIE "newsd_web"
#define HTML_TYPE "text/html; charset=utf-8"
/* No inline script or style anywhere: what runs is /assets/refresh.js. */
#define CSP "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " \
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

struct web {
    char token[WEB_TOKEN_HEX + 1];
    char csrf[WEB_TOKEN_HEX + 1];
    bool secure;          /* TLS (newsd's or a proxy's): the cookie is Secure */
    struct web_history history;
    char *trends_path;    /* STATE_DIR/trends.dat */
    unsigned samples;
    /* The archive's stats op, asked in the background (web_stats_tick). */
    json_t *stats;        /* the last answer, or NULL */
    int64_t stats_ms;     /* when it came (wall clock) */
    bool stats_running;
    unsigned ticks;
};

int web_listen_check(const char *addr, bool encrypted, char **err)
{
    struct sockaddr_storage ss;
    socklen_t len;
    if (listen_addr_parse(addr, &ss, &len) < 0) {
        *err = xasprintf("web_listen = %s: expected a numeric address and port, such as 127.0.0.1:9108 or "
                         "[::1]:9108", addr);
        return -1;
    }
    if (!listen_addr_is_loopback(&ss) && !encrypted) {
        *err = xasprintf("web_listen = %s: not a loopback address, and the dashboard would speak plain HTTP: set "
                         "web_tls_cert and web_tls_key, or put a reverse proxy with TLS in front of it and set "
                         "web_behind_proxy = true, or listen on 127.0.0.1", addr);
        return -1;
    }
    return 0;
}

int web_open(struct web **out, const char *state_dir, bool secure, char **err)
{
    struct web *w = xcalloc(1, sizeof *w);
    if (web_token_load(state_dir, w->token, err) < 0) {
        free(w);
        return -1;
    }
    int rc = web_token_random(w->csrf);
    if (rc < 0) {
        *err = xasprintf("web dashboard: no random bytes for the CSRF token: %s", strerror(-rc));
        free(w);
        return -1;
    }
    w->secure = secure;
    /* The last run's counts: a restart keeps the chart and the trends. */
    w->trends_path = xasprintf("%s/%s", state_dir, TRENDS_FILE_NAME);
    char *why = NULL;
    int loaded = trends_file_load(w->trends_path, &w->history, (int64_t)time(NULL) * 1000, &why);
    if (loaded < 0)
        log_warning("web dashboard: %s; ignored: the chart and the trends start empty", why);
    else if (loaded > 0)
        log_info("web dashboard: the counts of the last run read from %s", w->trends_path);
    free(why);
    *out = w;
    return 0;
}

void web_save(struct web *w)
{
    char *err = NULL;
    if (trends_file_save(w->trends_path, &w->history, &err) < 0) {
        log_warning("web dashboard: %s; the chart and trends since the last write are lost if newsd stops now",
                    err);
        free(err);
    }
}

void web_close(struct web *w)
{
    if (!w)
        return;
    json_decref(w->stats);
    free(w->trends_path);
    explicit_bzero(w, sizeof *w);
    free(w);
}

void web_sample(struct web *w, const struct status_snapshot *snap)
{
    const struct daemon_counters *c = &snap->counters;
    uint64_t v[HIST_SERIES] = {[HIST_RECEIVED] = c->received, [HIST_ARCHIVED] = c->archived,
                               [HIST_FAILED] = c->failed, [HIST_DUPLICATES] = c->duplicates};
    web_history_note(&w->history, snap->now_ms, v);
    if (++w->samples % (TRENDS_FILE_SAVE_MS / WEB_SAMPLE_MS) == 0)
        web_save(w);
}

/* ---- the archive's size, asked in the background -------------------------------- */

/* Every this many samples (of WEB_SAMPLE_MS): once a minute. */
#define STATS_EVERY 12
/* ... or when the overview is shown with figures older than this. */
#define STATS_FRESH_MS 5000

struct stats_job {
    uv_work_t work;
    struct control *c;
    struct plugin_set *set;
    json_t *answer;       /* the stats object, or NULL */
};

static void stats_work(uv_work_t *w)
{
    struct stats_job *j = w->data;
    struct newsd_query q;
    struct query_result res;
    char *err = NULL;
    query_init(&q, NEWSD_QUERY_STATS);
    if (query_check(&q, &err) != NEWSD_QUERY_OK) {
        free(err);
        return;
    }
    if (plugin_set_query(j->set, &q, &res) == NEWSD_QUERY_OK && json_is_object(res.json))
        j->answer = json_incref(res.json);
    query_result_free(&res);
}

static void stats_done(uv_work_t *w, int status)
{
    struct stats_job *j = w->data;
    struct web *web = j->c->web;
    (void)status;
    if (j->answer) {
        json_decref(web->stats);
        web->stats = j->answer;
        web->stats_ms = (int64_t)time(NULL) * 1000;
    }
    web->stats_running = false;
    /* Last: the release may let a shutdown go on. */
    j->c->ops->release(j->c->ud);
    free(j);
}

/* Ask now, unless a question is out. */
static void stats_start(struct control *c)
{
    struct web *w = c->web;
    if (c->stopped || w->stats_running)
        return;
    bool wait;
    struct plugin_set *set = c->ops->acquire(c->ud, &wait);
    if (!set)
        return;   /* reloading or stopping: later */
    if (!control_set_can_query(set)) {
        c->ops->release(c->ud);
        return;
    }
    struct stats_job *j = xcalloc(1, sizeof *j);
    j->c = c;
    j->set = set;
    j->work.data = j;
    if (uv_queue_work(c->loop, &j->work, stats_work, stats_done) < 0) {
        free(j);
        c->ops->release(c->ud);
        return;
    }
    w->stats_running = true;
}

void web_stats_tick(struct control *c)
{
    if (c->web->ticks++ % STATS_EVERY == 0)
        stats_start(c);
}

/* ---- answers ------------------------------------------------------------------ */

void web_secure_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

static enum MHD_Result reply(struct request *r, int status, const void *body, size_t len, enum MHD_ResponseMemoryMode mode,
                             const char *type, const char *hdr, const char *value)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)body, mode);
    if (!resp) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free((void *)body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    web_secure_headers(resp);
    if (hdr)
        MHD_add_response_header(resp, hdr, value);
    enum MHD_Result rc = MHD_queue_response(r->conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result reply_html(struct request *r, int status, char *html)
{
    return reply(r, status, html, strlen(html), MHD_RESPMEM_MUST_FREE, HTML_TYPE, NULL, NULL);
}

static enum MHD_Result reply_error(struct request *r, int status, const char *title, const char *msg)
{
    return reply_html(r, status, web_page_error(title, msg));
}

enum MHD_Result web_reply_error(struct request *r, int status, const char *msg)
{
    return reply_error(r, status, status == 503 ? "Busy" : status == 501 ? "Not available" : "Error", msg);
}

/* 303 to a page of ours (a fixed path, never from the request). */
static enum MHD_Result see_other(struct request *r, const char *location, const char *cookie)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
    web_secure_headers(resp);
    if (cookie)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    enum MHD_Result rc = MHD_queue_response(r->conn, 303, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* ---- access -------------------------------------------------------------------- */

static bool authorized(const struct web *w, struct MHD_Connection *conn)
{
    const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
        return web_token_matches(w->token, auth + 7);
    return web_token_matches(w->token, MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE));
}

static enum MHD_Result login(struct web *w, struct request *r)
{
    const char *given = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "token");
    if (!web_token_matches(w->token, given))
        return reply_error(r, 401, "Not signed in",
                           "That token is not this newsd's: run `newsctl web-url` on its host for the address.");
    /* HttpOnly: no script reads it; SameSite=Strict: no other site's page
     * sends it along. */
    char cookie[256];
    snprintf(cookie, sizeof cookie, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s", w->token,
             w->secure ? "; Secure" : "");
    return see_other(r, "/", cookie);
}

/* The value of key in an application/x-www-form-urlencoded body, decoded
 * (malloc'd), or NULL. */
static char *form_value(const char *body, size_t len, const char *key)
{
    size_t klen = strlen(key);
    const char *p = body, *end = body + len;
    while (p && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == '=') {
            char *v = strndup(p + klen + 1, (size_t)(stop - p - (ptrdiff_t)klen - 1));
            if (!v)
                return NULL;
            for (char *c = v; *c; c++)
                if (*c == '+')
                    *c = ' ';
            size_t n = MHD_http_unescape(v);
            if (memchr(v, '\0', n)) {   /* %00 */
                free(v);
                return NULL;
            }
            return v;
        }
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

/* ---- pages --------------------------------------------------------------------- */

static enum MHD_Result asset(struct request *r, const char *name)
{
    for (unsigned i = 0; i < web_n_assets; i++)
        if (strcmp(web_assets[i].name, name) == 0)
            return reply(r, 200, web_assets[i].data, web_assets[i].size, MHD_RESPMEM_PERSISTENT,
                         web_assets[i].content_type, NULL, NULL);
    return reply_error(r, 404, "Not found", "No such file.");
}

static void snapshot(struct control *c, struct status_snapshot *snap, struct health_problem **problems)
{
    c->ops->snapshot(c->ud, snap);
    snap->n_problems = health_snapshot(problems);
    snap->problems = *problems;
}

/* A name as failed/ holds articles: one path component, not hidden, not a
 * sidecar. */
static bool retry_name_ok(const char *name)
{
    size_t n = strlen(name);
    return n && n < 256 && name[0] != '.' && !strchr(name, '/') && !(n > 7 && !strcmp(name + n - 7, ".reason"));
}

/* POST /failed/retry: failed/NAME back into inbox/NAME, its .reason gone. */
static enum MHD_Result retry(struct control *c, struct request *r)
{
    const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0)
        return reply_error(r, 415, "Unsupported form", "Expected an application/x-www-form-urlencoded form.");
    char *csrf = r->body ? form_value(r->body, r->len, "csrf") : NULL;
    bool csrf_ok = web_token_matches(c->web->csrf, csrf);
    free(csrf);
    if (!csrf_ok)
        return reply_error(r, 403, "Forbidden",
                           "The form's CSRF token is missing or stale (newsd restarted?): reload the page and try "
                           "again.");
    char *name = r->body ? form_value(r->body, r->len, "name") : NULL;
    if (!name || !retry_name_ok(name)) {
        free(name);
        return reply_error(r, 400, "Bad request", "name: expected a file name in failed/.");
    }
    char *failed = xasprintf("%s/failed/%s", c->state_dir, name);
    char *inbox = xasprintf("%s/inbox/%s", c->state_dir, name);
    char *note = NULL;
    int status = 200;
    if (renameat2(AT_FDCWD, failed, AT_FDCWD, inbox, RENAME_NOREPLACE) < 0) {
        int e = errno;
        status = e == ENOENT ? 404 : e == EEXIST ? 409 : 500;
        note = xasprintf("%s was not moved back: %s%s", name, strerror(e),
                         e == EEXIST ? " (a file of that name is in the inbox)" : "");
    } else {
        char *reason = xasprintf("%s.reason", failed);
        if (unlink(reason) < 0 && errno != ENOENT)
            log_warning("web dashboard: retry of %s: cannot remove %s: %s", name, reason, strerror(errno));
        free(reason);
        log_notice("web dashboard: %s moved from failed/ back into the inbox", name);
    }
    free(failed);
    free(inbox);
    free(name);
    if (status == 200) /* Post/Redirect/Get: a reload does not post again. */
        return see_other(r, "/failed", NULL);
    enum MHD_Result ret = reply_html(r, status, web_page_failed(c->state_dir, c->web->csrf, note));
    free(note);
    return ret;
}

/* ---- archive pages: the query runs as the control API's does ------------------- */

/* The search form's field, an empty one as absent. */
static const char *form_arg(struct MHD_Connection *conn, const char *key)
{
    const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
    return v && *v ? v : NULL;
}

static void search_form(struct MHD_Connection *conn, struct web_search_form *f)
{
    *f = (struct web_search_form){
        .q = form_arg(conn, "q"), .tag = form_arg(conn, "tag"), .lang = form_arg(conn, "lang"),
        .action = form_arg(conn, "action"), .min_score = form_arg(conn, "min_score"),
        .max_score = form_arg(conn, "max_score"),
        .since = form_arg(conn, "since"), .until = form_arg(conn, "until"),
        .offset = form_arg(conn, "offset"),
    };
}

/* control_query_parse()'s view of the form: the text box is plain words. */
static const char *query_arg(void *ctx, const char *key)
{
    if (strcmp(key, "mode") == 0)
        return "words";
    if (strcmp(key, "limit") == 0 || strcmp(key, "all") == 0)
        return NULL;   /* the op's page size; the hidden action stays hidden */
    return form_arg(ctx, key);
}

static enum MHD_Result archive_query(struct control *c, struct request *r, enum endpoint ep, const char *id)
{
    char *err = NULL;
    r->ep = ep;
    if (control_query_parse(ep, id, query_arg, r->conn, &r->query, &err) != NEWSD_QUERY_OK) {
        enum MHD_Result ret;
        if (ep == EP_SHOW) {
            ret = reply_error(r, 404, "Not found", err ? err : "no such article");
        } else {
            struct web_search_form f;
            search_form(r->conn, &f);
            ret = reply_html(r, 400, web_page_search(&f, NULL, err ? err : "bad search"));
        }
        free(err);
        return ret;
    }
    return control_start_work(c, r);
}

/* The article's pages: the record (/article/ID), as JSON (/raw), the
 * original file (/original). */
enum article_view { ARTICLE_PAGE, ARTICLE_RAW, ARTICLE_ORIGINAL, ARTICLE_NONE };

/* /article/ID[/raw|/original]: ID into id (NEWSD_ID_LEN + 1 bytes). */
static enum article_view article_path(const char *url, char *id)
{
    if (strncmp(url, "/article/", 9) != 0)
        return ARTICLE_NONE;
    const char *p = url + 9;
    size_t n = strcspn(p, "/");
    if (n != NEWSD_ID_LEN)
        return ARTICLE_NONE;
    memcpy(id, p, n);
    id[n] = '\0';
    if (!newsd_id_valid(id))
        return ARTICLE_NONE;
    if (!p[n])
        return ARTICLE_PAGE;
    if (strcmp(p + n, "/raw") == 0)
        return ARTICLE_RAW;
    if (strcmp(p + n, "/original") == 0)
        return ARTICLE_ORIGINAL;
    return ARTICLE_NONE;
}

/* The original's download: never rendered, whatever it holds. */
static enum MHD_Result original_reply(struct request *r, const char *id)
{
    char disposition[96];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s.orig\"", id);
    unsigned char *bytes = r->original;
    size_t len = r->original_len;
    r->original = NULL;
    return reply(r, 200, bytes, len, MHD_RESPMEM_MUST_FREE, "application/octet-stream",
                 MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
}

static enum MHD_Result original_query(struct control *c, struct request *r, const char *id)
{
    char *err = NULL;
    r->ep = EP_ORIGINAL;
    query_init(&r->query, NEWSD_QUERY_ORIGINAL);
    r->query.id = xstrdup(id);
    if (query_check(&r->query, &err) != NEWSD_QUERY_OK) {
        enum MHD_Result ret = reply_error(r, 404, "Not found", err ? err : "no such article");
        free(err);
        return ret;
    }
    return control_start_work(c, r);
}

enum MHD_Result web_answer(struct control *c, struct request *r, const char *url, char *json)
{
    (void)c;
    char id[NEWSD_ID_LEN + 1];
    enum article_view view = article_path(url, id);
    if (view == ARTICLE_ORIGINAL && r->status == 200 && r->original) {
        free(json);
        return original_reply(r, id);
    }
    json_t *ans = json_loads(json, 0, NULL);
    enum MHD_Result ret;
    if (view == ARTICLE_RAW && r->status == 200) {
        json_decref(ans);
        return reply(r, 200, json, strlen(json), MHD_RESPMEM_MUST_FREE, "application/json; charset=utf-8", NULL,
                     NULL);
    }
    const char *error = r->status == 200 ? NULL : json_string_value(json_object_get(ans, "error"));
    if (r->status != 200 && !error)
        error = "the archive gave no answer";
    if (r->ep == EP_SHOW || r->ep == EP_ORIGINAL) {
        ret = error ? reply_error(r, r->status, r->status == 404 ? "Not found" : "No answer", error)
                    : reply_html(r, 200, web_page_article(ans));
    } else {
        struct web_search_form f;
        search_form(r->conn, &f);
        ret = reply_html(r, r->status, web_page_search(&f, ans, error));
    }
    json_decref(ans);
    free(json);
    return ret;
}

enum MHD_Result web_dispatch(struct control *c, struct request *r, const char *method, const char *url)
{
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, "POST") == 0;

    if (get && strcmp(url, "/login") == 0)
        return login(c->web, r);
    if (!authorized(c->web, r->conn))
        return reply_error(r, 401, "Not signed in",
                           "This dashboard needs its token: run `newsctl web-url` on the newsd host and open the "
                           "address it prints.");
    if (strcmp(url, "/failed/retry") == 0)
        return post ? retry(c, r)
                    : reply_error(r, 405, "Method not allowed", "Retry is a POST from the form of /failed.");
    if (!get)
        return reply_error(r, 405, "Method not allowed", "Only GET here.");
    if (strncmp(url, "/assets/", 8) == 0)
        return asset(r, url + 8);
    if (strcmp(url, "/") == 0 || strcmp(url, "/alerts") == 0) {
        struct status_snapshot snap;
        struct health_problem *problems;
        snapshot(c, &snap, &problems);
        web_sample(c->web, &snap);   /* the current minute up to now */
        /* Someone is looking: figures older than a refresh of the page
         * are asked again, for the next one. */
        if (strcmp(url, "/") == 0 && snap.now_ms - c->web->stats_ms > STATS_FRESH_MS)
            stats_start(c);
        char *page = strcmp(url, "/") == 0
                         ? web_page_overview(&snap, &c->web->history, c->web->stats, c->web->stats_ms)
                         : web_page_alerts(snap.sinks);
        free(problems);
        return reply_html(r, 200, page);
    }
    if (strcmp(url, "/failed") == 0)
        return reply_html(r, 200, web_page_failed(c->state_dir, c->web->csrf, NULL));
    if (strcmp(url, "/trends") == 0)
        return reply_html(r, 200, web_page_trends((int64_t)time(NULL) * 1000));
    if (strcmp(url, "/search") == 0)
        return archive_query(c, r, form_arg(r->conn, "q") ? EP_SEARCH : EP_LIST, NULL);
    if (strncmp(url, "/article/", 9) == 0) {
        char id[NEWSD_ID_LEN + 1];
        switch (article_path(url, id)) {
        case ARTICLE_PAGE:
        case ARTICLE_RAW:
            return archive_query(c, r, EP_SHOW, id);
        case ARTICLE_ORIGINAL:
            return original_query(c, r, id);
        case ARTICLE_NONE:
            break;
        }
        return reply_error(r, 404, "Not found",
                           "No such page: /article/ID, /article/ID/raw or /article/ID/original, ID an article id.");
    }
    return reply_error(r, 404, "Not found", "No such page.");
}
