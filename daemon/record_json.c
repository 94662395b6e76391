/*
 * The record written directly, not through a jansson tree: building the
 * tree copied and UTF-8-checked every string (the body is most of the
 * record) and json_dumps() then decoded it again code point by code point.
 * That was an eighth of newsd's CPU time per article in the core-only
 * config.  Every string of an article is valid UTF-8 already (checked
 * where it is set, article.c), so escaping is a byte scan.  The layout and
 * the escapes are jansson's (JSON_INDENT(2) | JSON_PRESERVE_ORDER), so the
 * records do not change; numbers are printed by jansson itself, whose
 * shortest-round-trip format is not worth copying.
 */
#include "record_json.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The text so far.  Out of memory, it stops growing and is thrown away
 * at the end: newsd_article_to_json() returns NULL then (plugin.h), and
 * the writers need no check of their own. */
struct out {
    char *p;
    size_t len, cap;
    int failed;
};

/* Room for more bytes and the NUL; 0, or -1 when out of memory. */
static int reserve(struct out *o, size_t more)
{
    if (o->failed)
        return -1;
    if (o->len + more + 1 <= o->cap)
        return 0;
    size_t cap = o->cap ? o->cap : 1024;
    while (cap < o->len + more + 1)
        cap *= 2;
    char *p = realloc(o->p, cap);
    if (!p) {
        o->failed = 1;
        return -1;
    }
    o->p = p;
    o->cap = cap;
    return 0;
}

static void put(struct out *o, const char *s, size_t n)
{
    if (reserve(o, n) < 0)
        return;
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void put_str(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* Bytes that jansson writes as they are: all but the controls, '"' and
 * '\\' (DEL and everything above ASCII included, without
 * JSON_ENSURE_ASCII). */
static int plain(unsigned char c)
{
    return c >= 0x20 && c != '"' && c != '\\';
}

static void put_string(struct out *o, const char *s)
{
    const unsigned char *c = (const unsigned char *)(s ? s : "");
    put(o, "\"", 1);
    for (;;) {
        const unsigned char *run = c;
        while (*c && plain(*c))
            c++;
        put(o, (const char *)run, (size_t)(c - run));
        if (!*c)
            break;
        char esc[8];
        switch (*c) {
        case '"': put(o, "\\\"", 2); break;
        case '\\': put(o, "\\\\", 2); break;
        case '\b': put(o, "\\b", 2); break;
        case '\f': put(o, "\\f", 2); break;
        case '\n': put(o, "\\n", 2); break;
        case '\r': put(o, "\\r", 2); break;
        case '\t': put(o, "\\t", 2); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04X", (unsigned)*c);
            put(o, esc, 6);
        }
        c++;
    }
    put(o, "\"", 1);
}

static int put_real(struct out *o, double v)
{
    json_t *j = json_real(v);
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!text) {
        o->failed = 1;
        return -1;
    }
    put_str(o, text);
    free(text);
    return 0;
}

/* A newline and the indent of depth. */
static void newline(struct out *o, int depth)
{
    if (reserve(o, 1 + 2 * (size_t)depth) < 0)
        return;
    o->p[o->len++] = '\n';
    memset(o->p + o->len, ' ', 2 * (size_t)depth);
    o->len += 2 * (size_t)depth;
    o->p[o->len] = '\0';
}

/* The key of the next member of an object at depth: first says whether
 * it opens the object. */
static void key(struct out *o, int depth, int first, const char *name)
{
    if (!first)
        put(o, ",", 1);
    newline(o, depth);
    put_string(o, name);
    put(o, ": ", 2);
}

static void string_member(struct out *o, int depth, int first, const char *name, const char *value)
{
    key(o, depth, first, name);
    put_string(o, value);
}

static void field_member(struct out *o, const struct newsd_article *a, const char *name,
                         enum newsd_field f)
{
    string_member(o, 1, 0, name, newsd_article_get(a, f));
}

/* Close a container at depth that had n members. */
static void close_container(struct out *o, int depth, size_t n, const char *bracket)
{
    if (n)
        newline(o, depth);
    put_str(o, bracket);
}

static int put_tags(struct out *o, const struct newsd_article *a)
{
    key(o, 1, 0, "tags");
    put(o, "[", 1);
    for (size_t i = 0; i < a->n_tags; i++) {
        if (i)
            put(o, ",", 1);
        newline(o, 2);
        put(o, "{", 1);
        string_member(o, 3, 1, "name", a->tags[i].name);
        key(o, 3, 0, "weight");
        if (put_real(o, a->tags[i].weight) < 0)
            return -1;
        string_member(o, 3, 0, "plugin", a->tags[i].plugin);
        close_container(o, 2, 1, "}");
    }
    close_container(o, 1, a->n_tags, "]");
    return 0;
}

static int put_score(struct out *o, const struct newsd_article *a)
{
    key(o, 1, 0, "score");
    put(o, "{", 1);
    key(o, 2, 1, "total");
    if (put_real(o, newsd_article_score_total(a)) < 0)
        return -1;
    key(o, 2, 0, "rules");
    put(o, "[", 1);
    for (size_t i = 0; i < a->n_rules; i++) {
        const struct article_rule *r = &a->rules[i];
        if (i)
            put(o, ",", 1);
        newline(o, 3);
        put(o, "{", 1);
        string_member(o, 4, 1, "rule", r->rule);
        key(o, 4, 0, "points");
        if (put_real(o, r->points) < 0)
            return -1;
        string_member(o, 4, 0, "reason", r->reason);
        string_member(o, 4, 0, "plugin", r->plugin);
        close_container(o, 3, 1, "}");
    }
    close_container(o, 2, a->n_rules, "]");
    close_container(o, 1, 1, "}");
    return 0;
}

char *record_json(const struct newsd_article *a)
{
    char received[NEWSD_TIME_LEN], processed[NEWSD_TIME_LEN], size[32];
    newsd_format_time(a->received_ms, received);
    newsd_format_time(a->processed_ms ? a->processed_ms : a->received_ms, processed);
    snprintf(size, sizeof size, "%" JSON_INTEGER_FORMAT, (json_int_t)a->raw_len);

    struct out o = {0};
    /* The body is most of it: one allocation in the common case. */
    reserve(&o, strlen(newsd_article_get(a, NEWSD_FIELD_BODY)) + 1024);
    put(&o, "{", 1);
    string_member(&o, 1, 1, "id", a->id);
    field_member(&o, a, "source", NEWSD_FIELD_SOURCE);
    key(&o, 1, 0, "size");
    put_str(&o, size);
    field_member(&o, a, "format", NEWSD_FIELD_FORMAT);
    field_member(&o, a, "encoding", NEWSD_FIELD_ENCODING);
    string_member(&o, 1, 0, "received", received);
    string_member(&o, 1, 0, "processed", processed);
    field_member(&o, a, "title", NEWSD_FIELD_TITLE);
    field_member(&o, a, "body", NEWSD_FIELD_BODY);
    field_member(&o, a, "lang", NEWSD_FIELD_LANG);
    field_member(&o, a, "url", NEWSD_FIELD_URL);
    field_member(&o, a, "author", NEWSD_FIELD_AUTHOR);
    field_member(&o, a, "published", NEWSD_FIELD_PUBLISHED);
    if (put_tags(&o, a) == 0 && put_score(&o, a) == 0) {
        string_member(&o, 1, 0, "action", a->action);
        key(&o, 1, 0, "meta");
        put(&o, "{", 1);
        for (size_t i = 0; i < a->n_meta; i++)
            string_member(&o, 2, i == 0, a->meta[i].key, a->meta[i].value);
        close_container(&o, 1, a->n_meta, "}");
        close_container(&o, 0, 1, "}");
    }
    if (o.failed || !o.p) {
        free(o.p);
        return NULL;
    }
    return o.p;
}
