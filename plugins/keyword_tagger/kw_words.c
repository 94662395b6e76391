#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strndup() */
#endif
#include "kw_words.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kw_words_free(struct kw_words *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
    *l = (struct kw_words){0};
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* What a writer means as a number: a digit, or a sign or point before one. */
static int looks_numeric(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i < len && s[i] == '.')
        i++;
    return i < len && s[i] >= '0' && s[i] <= '9';
}

/* The number s[0..len) as a weight: 0, or -1 with the cause in err. */
static int parse_weight(const char *s, size_t len, double *out, char *err, size_t errlen)
{
    char buf[64];
    if (len >= sizeof buf) {
        snprintf(err, errlen, "the weight '%.*s' is not a number", (int)len, s);
        return -1;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double w = strtod(buf, &end);
    if (errno || *end || !isfinite(w)) {
        snprintf(err, errlen, "the weight '%s' is not a number (write 1.5, not 1,5)", buf);
        return -1;
    }
    if (w == 0 || fabs(w) > KW_WEIGHT_MAX) {
        snprintf(err, errlen, "the weight %s is %s", buf,
                 w == 0 ? "0 (leave the word out instead)" : "too large (at most 1000 either way)");
        return -1;
    }
    *out = w;
    return 0;
}

/* Split item into its word and weight. */
static int split_weight(const char *item, size_t len, int weighted, size_t *word_len, double *weight,
                        char *err, size_t errlen)
{
    *word_len = len;
    *weight = 1.0;
    if (!weighted)
        return 0;
    size_t cut = len;
    while (cut > 0 && !is_blank(item[cut - 1]))
        cut--;
    const char *last = item + cut;
    size_t last_len = len - cut;
    if (!looks_numeric(last, last_len))
        return 0;
    if (cut == 0) {
        snprintf(err, errlen, "'%.*s' is a weight without a word (a decimal comma? write 2.5)", (int)len, item);
        return -1;
    }
    char why[160];
    if (parse_weight(last, last_len, weight, why, sizeof why) < 0) {
        snprintf(err, errlen, "'%.*s': %s", (int)len, item, why);
        return -1;
    }
    while (cut > 0 && is_blank(item[cut - 1]))
        cut--;
    *word_len = cut;
    return 0;
}

int kw_words_add(struct kw_words *l, const char *item, size_t len, int weighted, char *err, size_t errlen)
{
    while (len > 0 && is_blank(*item)) {
        item++;
        len--;
    }
    while (len > 0 && is_blank(item[len - 1]))
        len--;
    if (len == 0)
        return 0;
    size_t wlen;
    double weight;
    if (split_weight(item, len, weighted, &wlen, &weight, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < l->n; i++) {
        if (strlen(l->v[i].text) != wlen || memcmp(l->v[i].text, item, wlen) != 0)
            continue;
        if (l->v[i].weight == weight)
            return 0;
        snprintf(err, errlen, "'%.*s' is listed twice, with weights %g and %g", (int)wlen, item,
                 l->v[i].weight, weight);
        return -1;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        struct kw_word *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -2;
        l->v = v;
        l->cap = cap;
    }
    char *copy = strndup(item, wlen);
    if (!copy)
        return -2;
    l->v[l->n++] = (struct kw_word){copy, weight};
    return 0;
}
