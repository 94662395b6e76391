/*
 * JSON articles: one object whose members name the fields.  Feeds and
 * scrapers disagree on the names, so each field has a few aliases, tried
 * in order; the first one holding a usable value wins.
 */
#include <stdarg.h>
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

/*
 * Wrong-typed fields are ignored, but never silently: each one adds a
 * sentence to *warnings ("; "-separated), which the pipeline logs and keeps
 * in the record's meta (parse.warning).  null is how feeds say "none": no
 * warning.  Returns -1 when out of memory.
 */
static int warn(char **warnings, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int warn(char **warnings, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sentence = NULL;
    int n = vasprintf(&sentence, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if (!*warnings) {
        *warnings = sentence;
        return 0;
    }
    char *joined = NULL;
    n = asprintf(&joined, "%s; %s", *warnings, sentence);
    free(sentence);
    if (n < 0)
        return -1;
    free(*warnings);
    *warnings = joined;
    return 0;
}

/* An author may be a list of names; they are joined with ", ".  Items that
 * are not strings are skipped; *skipped says how many. */
static char *join_strings(const json_t *arr, size_t *skipped)
{
    size_t cap = 1;
    size_t i;
    const json_t *v;
    *skipped = 0;
    json_array_foreach(arr, i, v) {
        if (json_is_string(v))
            cap += json_string_length(v) + 2;
        else if (!json_is_null(v))
            (*skipped)++;
    }
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

static int usable(const json_t *v, int allow_more)
{
    return json_is_string(v) || (allow_more && (json_is_array(v) || json_is_integer(v)));
}

/*
 * The value of the first of keys that holds a usable value, in NFC and
 * normalised by norm.  Strings are used as they are; arrays of strings and
 * integers (a Unix time for "published") are accepted where allow_more is
 * set.  Every key present is looked at, also after one gave the value, so
 * that a wrong-typed alias is reported even when another one is used.
 * *result is NULL when no key gives anything but white space.  Returns -1
 * when out of memory.
 */
static int get_field(const json_t *obj, const char *const *keys, int allow_more,
                     char *(*norm)(const char *), char **result, char **warnings)
{
    *result = NULL;
    for (; *keys; keys++) {
        const json_t *v = json_object_get(obj, *keys);
        if (!v || json_is_null(v))
            continue;
        if (!usable(v, allow_more)) {
            if (warn(warnings, "JSON field \"%s\" is %s, expected %s: ignored", *keys, type_name(v),
                     allow_more ? "a string, a list of strings or a whole number" : "a string") < 0)
                return -1;
            continue;
        }
        if (*result)
            continue;
        char *raw = NULL;
        if (json_is_string(v)) {
            raw = nfc(json_string_value(v), json_string_length(v));
        } else if (json_is_array(v)) {
            size_t skipped;
            char *joined = join_strings(v, &skipped);
            raw = joined ? nfc(joined, strlen(joined)) : NULL;
            free(joined);
            if (raw && skipped &&
                warn(warnings, "JSON field \"%s\": %zu of its %zu items %s not a string: skipped",
                     *keys, skipped, json_array_size(v), skipped == 1 ? "is" : "are") < 0) {
                free(raw);
                return -1;
            }
        } else if (asprintf(&raw, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0) {
            raw = NULL;
        }
        char *value = raw ? norm(raw) : NULL;
        free(raw);
        if (!value)
            return -1;
        if (*value)
            *result = value;
        else
            free(value);
    }
    return 0;
}

static int fill(const json_t *obj, struct parsed_article *a)
{
    char **w = &a->warnings;
    if (get_field(obj, title_keys, 0, parse__normalise_title, &a->title, w) < 0 ||
        get_field(obj, body_keys, 0, parse__normalise_body, &a->body, w) < 0 ||
        get_field(obj, url_keys, 0, parse__normalise_line, &a->url, w) < 0 ||
        get_field(obj, published_keys, 1, parse__normalise_line, &a->published, w) < 0 ||
        get_field(obj, lang_keys, 0, parse__normalise_line, &a->lang, w) < 0 ||
        get_field(obj, author_keys, 1, parse__normalise_line, &a->author, w) < 0)
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
        /* The wrong types are the likely cause: the error says so. */
        parse__fail(err, "the JSON object has no title and no body "
                    "(looked for \"title\", \"body\", \"text\" and "
                    "\"content\")%s%s", a.warnings ? "; " : "",
                    a.warnings ? a.warnings : "");
        parsed_article_clear(&a);
        return -1;
    }
    a.format = "json";
    *out = a;
    return 0;
}
