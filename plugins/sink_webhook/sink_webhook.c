/*
 * sink_webhook: deliver each record as an HTTP POST of its JSON (a sink,
 * ABI 1.3), with libcurl's multi interface: a batch goes out in parallel
 * over kept-alive connections.
 *
 *   url            = https://hooks.example.org/newsd
 *   timeout_ms     = 10000     ; the whole request, connection included
 *   max_parallel   = 8         ; requests at once
 *   header.Authorization = Bearer s3cret   ; more headers, one key each
 *
 * Every request carries "Content-Type: application/json" and
 * "Idempotency-Key: ID", the article id: the same at every retry and
 * after a restart, so a receiver drops the repeats that at-least-once
 * delivery brings.  A 2xx answer is delivered; any other status, a
 * connection that fails and a timeout are retried by newsd with back-off.
 * Redirects are not followed (a POST that moved is a configuration to
 * fix, said in the log).
 *
 * deliver() runs on the sink's own thread (docs/architecture.md, "Sinks"):
 * the multi handle and its connections belong to this instance and are
 * used by one call at a time.
 */
#include <newsd/plugin.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct webhook {
    char *url;
    int64_t timeout_ms;
    int64_t max_parallel;
    struct curl_slist *headers;   /* the configured ones and Content-Type */
    CURLM *multi;
};

/* One request in flight. */
struct request {
    newsd_delivery *d;
    CURL *easy;
    struct curl_slist *headers;
    char error[CURL_ERROR_SIZE];
    char body[160];              /* the start of the answer, for the log */
    size_t body_len;
};

static const struct newsd_config_key keys[] = {
    {"url", "where to POST each record (http or https)"},
    {"timeout_ms", "the longest a request may take (default 10000)"},
    {"max_parallel", "requests at once (default 8)"},
    {"header.", "header.NAME = VALUE adds a header to every request"},
    {NULL, NULL},
};

static void hook_fini(void *state)
{
    struct webhook *w = state;
    if (!w)
        return;
    if (w->multi)
        curl_multi_cleanup(w->multi);
    curl_slist_free_all(w->headers);
    free(w->url);
    free(w);
    curl_global_cleanup();
}

static int add_header(struct curl_slist **list, const char *line)
{
    struct curl_slist *l = curl_slist_append(*list, line);
    if (!l)
        return NEWSD_ERROR;
    *list = l;
    return NEWSD_OK;
}

static int hook_init(const newsd_config *conf, void **state)
{
    const char *url = newsd_config_get(conf, "url");
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
        newsd_log(NEWSD_LOG_ERROR, "url: %s", url ? "expected an http:// or https:// address" : "missing");
        return NEWSD_ERROR;
    }
    /* On the main thread, before the sink's thread uses curl. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        newsd_log(NEWSD_LOG_ERROR, "libcurl cannot be initialised");
        return NEWSD_ERROR;
    }
    struct webhook *w = calloc(1, sizeof *w);
    if (!w) {
        curl_global_cleanup();
        return NEWSD_ERROR;
    }
    if (newsd_config_get_int(conf, "timeout_ms", 10000, 1, 600000, &w->timeout_ms) != NEWSD_OK ||
        newsd_config_get_int(conf, "max_parallel", 8, 1, 256, &w->max_parallel) != NEWSD_OK)
        goto fail;
    w->url = strdup(url);
    w->multi = curl_multi_init();
    if (!w->url || !w->multi || add_header(&w->headers, "Content-Type: application/json") != NEWSD_OK)
        goto fail;
    for (size_t i = 0, n = newsd_config_count(conf); i < n; i++) {
        const char *k, *v;
        if (newsd_config_at(conf, i, &k, &v) != NEWSD_OK || strncmp(k, "header.", 7) != 0)
            continue;
        if (!k[7] || strpbrk(k + 7, ": \t\r\n") || strpbrk(v, "\r\n")) {
            newsd_log(NEWSD_LOG_ERROR, "%s: a header name without ':', blanks or line breaks, and a value on "
                      "one line", k);
            goto fail;
        }
        char *line = malloc(strlen(k) + strlen(v) + 4);
        if (!line)
            goto fail;
        sprintf(line, "%s: %s", k + 7, v);
        int rc = add_header(&w->headers, line);
        free(line);
        if (rc != NEWSD_OK)
            goto fail;
    }
    curl_multi_setopt(w->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)w->max_parallel);
    *state = w;
    return NEWSD_OK;
fail:
    hook_fini(w);
    return NEWSD_ERROR;
}

static size_t keep_start(char *p, size_t size, size_t n, void *ud)
{
    struct request *r = ud;
    size_t len = size * n, room = sizeof r->body - 1 - r->body_len;
    size_t k = len < room ? len : room;
    memcpy(r->body + r->body_len, p, k);
    r->body_len += k;
    r->body[r->body_len] = '\0';
    return len;
}

static int start(struct webhook *w, struct request *r)
{
    size_t len;
    const char *json = newsd_delivery_json(r->d, &len);
    char key[64 + NEWSD_ID_LEN];
    snprintf(key, sizeof key, "Idempotency-Key: %s", newsd_delivery_id(r->d));
    /* The configured headers, then the key: copied per request. */
    for (struct curl_slist *h = w->headers; h; h = h->next)
        if (add_header(&r->headers, h->data) != NEWSD_OK)
            return NEWSD_ERROR;
    if (add_header(&r->headers, key) != NEWSD_OK || add_header(&r->headers, "Expect:") != NEWSD_OK)
        return NEWSD_ERROR;
    r->easy = curl_easy_init();
    if (!r->easy)
        return NEWSD_ERROR;
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_URL, w->url);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)w->timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "newsd-sink_webhook");
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->error);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_start);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    return curl_multi_add_handle(w->multi, e) == CURLM_OK ? NEWSD_OK : NEWSD_ERROR;
}

static void finish(struct webhook *w, struct request *r, CURLcode res)
{
    long code = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
    if (res != CURLE_OK)
        newsd_delivery_fail(r->d, "POST %s: %s", w->url, r->error[0] ? r->error : curl_easy_strerror(res));
    else if (code < 200 || code > 299)
        newsd_delivery_fail(r->d, "POST %s: HTTP %ld%s%.120s", w->url, code, r->body_len ? ": " : "",
                            r->body);
}

static void release(struct webhook *w, struct request *r)
{
    if (r->easy) {
        curl_multi_remove_handle(w->multi, r->easy);
        curl_easy_cleanup(r->easy);
    }
    curl_slist_free_all(r->headers);
    r->easy = NULL;
    r->headers = NULL;
}

static int hook_deliver(void *state, newsd_delivery *const *batch, size_t n)
{
    struct webhook *w = state;
    struct request *req = calloc(n, sizeof *req);
    if (!req)
        return NEWSD_ERROR;
    size_t next = 0, running = 0, left = n;
    while (left) {
        while (next < n && running < (size_t)w->max_parallel) {
            struct request *r = &req[next++];
            r->d = batch[next - 1];
            if (start(w, r) != NEWSD_OK) {
                newsd_delivery_fail(r->d, "cannot prepare the request (out of memory)");
                release(w, r);
                left--;
                continue;
            }
            running++;
        }
        if (!running)
            continue;
        int still = 0;
        if (curl_multi_perform(w->multi, &still) != CURLM_OK)
            break;
        CURLMsg *m;
        int queued;
        while ((m = curl_multi_info_read(w->multi, &queued))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct request *r = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
            finish(w, r, m->data.result);
            release(w, r);
            running--;
            left--;
        }
        if (left && running)
            curl_multi_poll(w->multi, NULL, 0, 1000, NULL);
    }
    /* Only after a broken multi handle: what did not finish has failed. */
    for (size_t i = 0; i < n; i++) {
        if (req[i].easy) {
            newsd_delivery_fail(req[i].d, "POST %s: libcurl's multi interface failed", w->url);
            release(w, &req[i]);
        } else if (i >= next) {
            newsd_delivery_fail(batch[i], "POST %s: not sent (libcurl's multi interface failed)", w->url);
        }
    }
    free(req);
    return NEWSD_OK;
}

NEWSD_PLUGIN(
    .name = "sink_webhook",
    .description = "deliver records as HTTP POSTs (Idempotency-Key: the article id)",
    .init = hook_init,
    .fini = hook_fini,
    .config_keys = keys,
    .deliver = hook_deliver,
);
