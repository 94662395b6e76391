/*
 * JSON articles: one object whose members name the fields.  Feeds and
 * scrapers disagree on the names, so each field has a few aliases, tried
 * in order; the first one holding a usable value wins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "parse_internal.h"
#include "text.h"

static const char *const title_keys[] = {"title", NULL};
static const char *const body_keys[] = {"body", "text", "content", NULL};
static const char *const url_keys[] = {"url", NULL};
static const char *const published_keys[] = {"published", "date", NULL};
static const char *const lang_keys[] = {"lang", "language", NULL};
static const char *const author_keys[] = {"author", NULL};

static const char *type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:  return "an object";
    case JSON_ARRAY:   return "an array";
    case JSON_STRING:  return "a string";
    case JSON_INTEGER:
    case JSON_REAL:    return "a number";
    case JSON_TRUE:
    case JSON_FALSE:   return "a boolean";
    case JSON_NULL:    return "null";
    }
    return "something else";
}

/* Strings from JSON have not been through text_to_utf8_nfc: "\u0308"
 * escapes may still need composing. */
static char *nfc(const char *s, size_t len)
{
    return text_to_utf8_nfc((const unsigned char *)s, len, NULL, NULL);
}

/* An author may be a list of names; they are joined with ", ". */
static char *join_strings(const json_t *arr)
{
    size_t cap = 1;
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
        if (json_is_string(v))
            cap += json_string_length(v) + 2;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t w = 0;
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v) || json_string_length(v) == 0)
            continue;
        if (w) {
            memcpy(out + w, ", ", 2);
            w += 2;
        }
        memcpy(out + w, json_string_value(v), json_string_length(v));
        w += json_string_length(v);
    }
    out[w] = '\0';
    return out;
}

/*
 * The value of the first of keys that holds a usable value, in NFC and
 * normalised by norm.  Strings are used as they are; arrays of strings and
 * integers (a Unix time for "published") are accepted where allow_more is
 * set.  *result is NULL when no key gives anything but white space.
 * Returns -1 when out of memory.
 */
static int get_field(const json_t *obj, const char *const *keys, int allow_more,
                     char *(*norm)(const char *), char **result)
{
    *result = NULL;
    for (; *keys; keys++) {
        const json_t *v = json_object_get(obj, *keys);
        char *raw = NULL;
        if (json_is_string(v)) {
            raw = nfc(json_string_value(v), json_string_length(v));
        } else if (allow_more && json_is_array(v)) {
            char *joined = join_strings(v);
            raw = joined ? nfc(joined, strlen(joined)) : NULL;
            free(joined);
        } else if (allow_more && json_is_integer(v)) {
            if (asprintf(&raw, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
                raw = NULL;
        } else {
            continue;
        }
        char *value = raw ? norm(raw) : NULL;
        free(raw);
        if (!value)
            return -1;
        if (*value) {
            *result = value;
            return 0;
        }
        free(value);
    }
    return 0;
}

static int fill(const json_t *obj, struct parsed_article *a)
{
    if (get_field(obj, title_keys, 0, parse__normalise_title, &a->title) < 0 ||
        get_field(obj, body_keys, 0, parse__normalise_body, &a->body) < 0 ||
        get_field(obj, url_keys, 0, parse__normalise_line, &a->url) < 0 ||
        get_field(obj, published_keys, 1, parse__normalise_line,
                  &a->published) < 0 ||
        get_field(obj, lang_keys, 0, parse__normalise_line, &a->lang) < 0 ||
        get_field(obj, author_keys, 1, parse__normalise_line, &a->author) < 0)
        return -1;
    if (!a->title && a->body && !(a->title = parse__title_from_body(a->body)))
        return -1;
    return 0;
}

int parse__json(const char *text, int sniffed, struct parsed_article *out,
                char **err)
{
    json_error_t jerr;
    json_t *root = json_loads(text, JSON_DECODE_ANY, &jerr);
    if (!root) {
        if (sniffed)
            return 1;
        return parse__fail(err, "invalid JSON at line %d column %d: %s",
                           jerr.line, jerr.column, jerr.text);
    }
    if (!json_is_object(root)) {
        const char *what = type_name(root);
        json_decref(root);
        if (sniffed)
            return 1;
        return parse__fail(err, "a JSON article must be an object, "
                           "this file holds %s", what);
    }

    struct parsed_article a = {0};
    int rc = fill(root, &a);
    json_decref(root);
    if (rc < 0) {
        parsed_article_clear(&a);
        return parse__fail(err, "out of memory");
    }
    if (!a.title && !a.body) {
        parsed_article_clear(&a);
        return parse__fail(err, "the JSON object has no title and no body "
                           "(looked for \"title\", \"body\", \"text\" and "
                           "\"content\")");
    }
    a.format = "json";
    *out = a;
    return 0;
}
