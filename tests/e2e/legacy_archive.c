/*
 * legacy_archive: an archive plugin of ABI 1.0 for the end-to-end suite,
 * built against the frozen 1.0 header (tests/abi/include-1.0).  It has
 * query(), the JSON protocol of 1.0, and no answer(), so newsd reaches it
 * only through the adapter of daemon/query_legacy.c.
 *
 * It keeps the articles of this run in memory and answers as a 1.0 archive
 * did (docs/api.md, "The 1.0 query() protocol"):
 *
 *   show      the record, or "not found: ..."
 *   search    {"q", "total", "limit", "offset", "hits"}: titles containing q;
 *             q = "fire" fails with a reason that has no 1.0 status word
 *   original  {"id", "size", "base64"}
 *   anything else: "bad request: unknown op ..."
 */
#include <newsd/plugin.h>

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(NEWSD_ABI_MINOR) || NEWSD_ABI_VERSION != 1
#error "legacy_archive.c must be built against the 1.0 header in tests/abi/include-1.0"
#endif

struct stored {
    char id[33];
    char *title;
    char *record;          /* newsd_article_to_json() */
    unsigned char *raw;
    size_t len;
};

struct legacy {
    pthread_mutex_t lock;  /* query() runs beside archive() */
    struct stored *v;
    size_t n;
};

static int legacy_init(const newsd_config *conf, void **state)
{
    struct legacy *l = calloc(1, sizeof *l);
    (void)conf;
    if (!l)
        return NEWSD_ERROR;
    pthread_mutex_init(&l->lock, NULL);
    *state = l;
    return NEWSD_OK;
}

static void legacy_fini(void *state)
{
    struct legacy *l = state;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].title);
        free(l->v[i].record);
        free(l->v[i].raw);
    }
    free(l->v);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

static struct stored *find(struct legacy *l, const char *id)
{
    for (size_t i = 0; id && i < l->n; i++)
        if (strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    return NULL;
}

static int legacy_archive(void *state, newsd_article *a)
{
    struct legacy *l = state;
    const char *id = newsd_article_get(a, NEWSD_FIELD_ID);
    size_t len;
    const unsigned char *raw = newsd_article_raw(a, &len);
    int rc = NEWSD_OK;

    pthread_mutex_lock(&l->lock);
    struct stored *s = find(l, id);
    if (s && !newsd_article_reprocessing(a)) {
        rc = NEWSD_DUPLICATE;
    } else {
        if (!s) {
            struct stored *v = realloc(l->v, (l->n + 1) * sizeof *v);
            if (!v) {
                pthread_mutex_unlock(&l->lock);
                return newsd_article_fail(a, "out of memory");
            }
            l->v = v;
            s = &l->v[l->n++];
            memset(s, 0, sizeof *s);
            snprintf(s->id, sizeof s->id, "%s", id);
        }
        free(s->title);
        free(s->record);
        free(s->raw);
        s->title = strdup(newsd_article_get(a, NEWSD_FIELD_TITLE));
        s->record = newsd_article_to_json(a);
        s->raw = malloc(len ? len : 1);
        if (s->raw)
            memcpy(s->raw, raw, len);
        s->len = len;
        if (!s->title || !s->record || !s->raw)
            rc = newsd_article_fail(a, "out of memory");
    }
    pthread_mutex_unlock(&l->lock);
    return rc;
}

static int legacy_commit(void *state)
{
    (void)state;
    return NEWSD_OK;
}

static char *base64(const unsigned char *data, size_t len)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        *o++ = abc[v >> 18 & 63];
        *o++ = abc[v >> 12 & 63];
        *o++ = i + 1 < len ? abc[v >> 6 & 63] : '=';
        *o++ = i + 2 < len ? abc[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

/* "head<arg>tail", malloc'd (NULL when out of memory). */
static char *reason(const char *head, const char *arg, const char *tail)
{
    char *s;
    if (asprintf(&s, "%s%s%s", head, arg ? arg : "", tail) < 0)
        return NULL;
    return s;
}

/* The answer of one op (malloc'd JSON), or NULL with *why. */
static char *answer_op(struct legacy *l, const json_t *req, const char *op, char **why)
{
    const char *id = json_string_value(json_object_get(req, "id"));
    if (strcmp(op, "show") == 0) {
        struct stored *s = find(l, id);
        if (!s)
            *why = reason("not found: no archived article has id \"", id, "\"");
        return s ? strdup(s->record) : NULL;
    }
    if (strcmp(op, "original") == 0) {
        struct stored *s = find(l, id);
        if (!s) {
            *why = reason("not found: no archived original has id \"", id, "\"");
            return NULL;
        }
        char *b64 = base64(s->raw, s->len);
        json_t *o = b64 ? json_pack("{s:s, s:I, s:s}", "id", s->id, "size", (json_int_t)s->len, "base64", b64) : NULL;
        free(b64);
        char *out = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        return out;
    }
    if (strcmp(op, "search") == 0) {
        const char *q = json_string_value(json_object_get(req, "q"));
        if (q && strcmp(q, "fire") == 0) {
            *why = strdup("the index under the legacy archive is on fire");
            return NULL;
        }
        json_t *hits = json_array();
        for (size_t i = 0; q && i < l->n; i++)
            if (strstr(l->v[i].title, q))
                json_array_append_new(hits, json_pack("{s:s, s:s}", "id", l->v[i].id, "title", l->v[i].title));
        json_t *o = json_pack("{s:s?, s:I, s:O?, s:O?, s:o}", "q", q, "total", (json_int_t)json_array_size(hits),
                              "limit", json_object_get(req, "limit"), "offset", json_object_get(req, "offset"),
                              "hits", hits);
        char *out = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        return out;
    }
    *why = reason("bad request: unknown op \"", op, "\" (known: show, search, original)");
    return NULL;
}

static int legacy_query(void *state, const char *request, char **response)
{
    struct legacy *l = state;
    json_t *req = json_loads(request, 0, NULL);
    const char *op = json_string_value(json_object_get(req, "op"));
    char *why = NULL, *out = NULL;

    if (!op) {
        why = strdup("bad request: the request has no \"op\"");
    } else {
        pthread_mutex_lock(&l->lock);
        out = answer_op(l, req, op, &why);
        pthread_mutex_unlock(&l->lock);
    }
    json_decref(req);
    *response = out ? out : why;
    if (out)
        free(why);
    return out ? NEWSD_OK : NEWSD_ERROR;
}

NEWSD_PLUGIN(
    .name = "legacy_archive",
    .description = "an archive of ABI 1.0 with query() (end-to-end fixture)",
    .stages = NEWSD_STAGE_ARCHIVE,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = legacy_init,
    .archive = legacy_archive,
    .commit = legacy_commit,
    .query = legacy_query,
    .fini = legacy_fini,
);
