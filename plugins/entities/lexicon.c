#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* getline() */
#endif
#include "lexicon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 128

/* Values in lexicon.de: a lower-case word, a noun, another capitalised
 * word (a name, or a noun whose family the list lacks).  Any capitalised
 * entry may be a compound's head ("Windparks": Parks). */
#define LEX_WORD 1
#define LEX_NOUN 2
#define LEX_CAPITALISED 3

void lexicon_init(struct lexicon *l)
{
    *l = (struct lexicon){0};
    strmap_init(&l->de);
    strmap_init(&l->en);
    strmap_init(&l->en_names);
}

void lexicon_free(struct lexicon *l)
{
    strmap_free(&l->de);
    strmap_free(&l->en);
    strmap_free(&l->en_names);
    *l = (struct lexicon){0};
}

size_t lexicon_fold(const char *w, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[i];
        if (o + 2 >= cap)
            return 0;
        if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c + 32);
        } else if (c == 0xC3 && i + 1 < len) {
            unsigned char d = (unsigned char)w[++i];
            if (d == 0x9F) {          /* ß */
                out[o++] = 's';
                out[o++] = 's';
            } else {
                out[o++] = (char)c;   /* À..Þ (not ×) -> à..þ */
                out[o++] = (char)(d >= 0x80 && d <= 0x9E && d != 0x97 ? d + 0x20 : d);
            }
        } else {
            out[o++] = (char)c;
        }
    }
    return o;
}

typedef int (*line_fn)(void *ctx, const char *w, size_t len);

static int each_line(const char *path, line_fn fn, void *ctx, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &size, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n > 0 && n < WORD_MAX)
            rc = fn(ctx, line, (size_t)n);
    }
    if (rc < 0)
        snprintf(err, errlen, "%s: out of memory", path);
    free(line);
    fclose(f);
    return rc;
}

static int is_upper_start(const char *w)
{
    unsigned char c = (unsigned char)w[0];
    return (c >= 'A' && c <= 'Z') || (c == 0xC3 && (unsigned char)w[1] >= 0x80 && (unsigned char)w[1] <= 0x9E);
}

/* Two or more letters, all capitals: an acronym (EADS), never a head. */
static int acronym(const char *w, size_t len)
{
    if (len < 2)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)w[i] >= 'a' && (unsigned char)w[i] <= 'z')
            return 0;
    return 1;
}

static int put_word(void *ctx, const char *w, size_t len)
{
    return strmap_put(ctx, w, len, 1);
}

static int has(const struct strmap *m, const char *w, size_t len, const char *suffix)
{
    char buf[WORD_MAX + 8];
    size_t sl = strlen(suffix);
    if (len + sl >= sizeof buf)
        return 0;
    memcpy(buf, w, len);
    memcpy(buf + len, suffix, sl);
    uint32_t v;
    return strmap_get(m, buf, len + sl, &v);
}

static int has_lower(const struct strmap *m, const char *w, size_t len)
{
    char buf[WORD_MAX + 8];
    size_t n = lexicon_fold(w, len, buf, sizeof buf);
    uint32_t v;
    return n > 0 && strmap_get(m, buf, n, &v);
}

static const char *const plural_endings[] = {"e", "en", "n", "er", "ern", "s"};

/* A noun has a plural or case form beside it, or is one (base + ending
 * where the base has such a form); a name at most has a genitive -s. */
static int noun_family(const struct strmap *all, const char *w, size_t len)
{
    for (size_t i = 0; i < 4; i++)
        if (has(all, w, len, plural_endings[i]))
            return 1;
    return has_lower(all, w, len);
}

static int is_noun(const struct strmap *all, const char *w, size_t len)
{
    if (noun_family(all, w, len))
        return 1;
    for (size_t i = 0; i < sizeof plural_endings / sizeof *plural_endings; i++) {
        size_t sl = strlen(plural_endings[i]);
        uint32_t v;
        if (len > sl + 2 && memcmp(w + len - sl, plural_endings[i], sl) == 0 &&
            strmap_get(all, w, len - sl, &v) && noun_family(all, w, len - sl))
            return 1;
    }
    return 0;
}

int lexicon_load_de(struct lexicon *l, const char *path, char *err, size_t errlen)
{
    struct strmap all;
    strmap_init(&all);
    int rc = each_line(path, put_word, &all, err, errlen);
    for (size_t i = 0; rc == 0 && i < all.cap; i++) {
        const struct strmap_slot *s = &all.slots[i];
        if (!s->key || acronym(s->key, s->len))
            continue;
        char buf[WORD_MAX + 8];
        size_t n = lexicon_fold(s->key, s->len, buf, sizeof buf);
        if (n == 0)
            continue;
        int upper = is_upper_start(s->key);
        uint32_t old = 0;
        strmap_get(&l->de, buf, n, &old);
        uint32_t kind = upper ? (is_noun(&all, s->key, s->len) ? LEX_NOUN : LEX_CAPITALISED) : LEX_WORD;
        if ((old == 0 || old == LEX_CAPITALISED) && kind != old && strmap_put(&l->de, buf, n, kind) < 0) {
            snprintf(err, errlen, "%s: out of memory", path);
            rc = -1;
        }
    }
    strmap_free(&all);
    strmap_seal(&l->de);
    l->have_de = rc == 0;
    return rc;
}

static int put_en(void *ctx, const char *w, size_t len)
{
    struct lexicon *l = ctx;
    unsigned char c = (unsigned char)w[0];
    if (len > 2 && w[len - 2] == '\'' && w[len - 1] == 's')
        return 0;
    if (c >= 'A' && c <= 'Z') {
        char buf[WORD_MAX + 8];
        size_t n = lexicon_fold(w, len, buf, sizeof buf);
        return n ? strmap_put(&l->en_names, buf, n, 1) : 0;
    }
    return strmap_put(&l->en, w, len, 1);
}

int lexicon_load_en(struct lexicon *l, const char *path, char *err, size_t errlen)
{
    int rc = each_line(path, put_en, l, err, errlen);
    strmap_seal(&l->en);
    strmap_seal(&l->en_names);
    l->have_en = rc == 0;
    return rc;
}

/* Compounds: a noun of at least this many bytes after at least
 * COMPOUND_MIN_PREFIX ("Großbank": Bank). */
#define COMPOUND_MIN_HEAD 4
#define COMPOUND_MIN_PREFIX 3

/* Endings that make a German noun of any stem ("Zynismus",
 * "Handelsministeriums"): derivational suffixes no name has. */
#define ENDING(s) {s, sizeof(s) - 1}
static const struct {
    const char *s;
    size_t len;
} noun_endings[] = {
    ENDING("ismus"), ENDING("ung"), ENDING("ungen"), ENDING("heit"), ENDING("heiten"), ENDING("keit"),
    ENDING("keiten"), ENDING("schaft"), ENDING("schaften"), ENDING("tion"), ENDING("tionen"), ENDING("tät"),
    ENDING("täten"), ENDING("nisse"), ENDING("tum"), ENDING("ium"), ENDING("iums"),
};

static int has_noun_ending(const char *norm, size_t len)
{
    for (size_t i = 0; i < sizeof noun_endings / sizeof *noun_endings; i++) {
        size_t el = noun_endings[i].len;
        if (len >= el + 3 && memcmp(norm + len - el, noun_endings[i].s, el) == 0)
            return 1;
    }
    return 0;
}

static int common_de(const struct lexicon *l, const char *norm, size_t len)
{
    uint32_t v;
    if (has_noun_ending(norm, len))
        return 1;
    if (strmap_get(&l->en_names, norm, len, &v))
        return 0;
    /* Any word of ngerman: its capitalised entries without a noun's
     * family are mostly nouns too (Stadt/Städte); the names among them
     * (Merkel) are the gazetteer's job. */
    if (strmap_get(&l->de, norm, len, &v) && v != 0)
        return 1;
    if (len < COMPOUND_MIN_PREFIX + COMPOUND_MIN_HEAD || len > WORD_MAX)
        return 0;
    uint32_t hs[WORD_MAX];
    strmap_suffix_hashes(norm, len, hs);
    for (size_t k = COMPOUND_MIN_PREFIX; k + COMPOUND_MIN_HEAD <= len; k++) {
        if (((unsigned char)norm[k] & 0xC0) == 0x80)
            continue;  /* not at a character boundary */
        if (strmap_get_hashed(&l->de, norm + k, len - k, hs[k], &v) &&
            (v == LEX_NOUN || (v == LEX_CAPITALISED && len - k > COMPOUND_MIN_HEAD)))
            return 1;
    }
    return 0;
}

int lexicon_common(const struct lexicon *l, const char *lang, const char *norm, size_t len)
{
    uint32_t v;
    if (lang && strcmp(lang, "de") == 0)
        return common_de(l, norm, len);
    if (lang && strcmp(lang, "en") == 0)
        return strmap_get(&l->en, norm, len, &v);
    return 0;
}
