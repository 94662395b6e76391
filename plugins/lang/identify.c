/* The lang plugin's decision over CLD2's summary; see identify.h. */
#include "identify.h"

#include <newsd/plugin.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decode the code point at s (valid UTF-8: lang_identify() checked);
 * returns its length in bytes. */
static size_t next_cp(const unsigned char *s, size_t left, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (n > left)
        n = left;
    uint32_t v = n == 1 ? c : n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
    for (size_t i = 1; i < n; i++)
        v = (v << 6) | (s[i] & 0x3Fu);
    *cp = v;
    return n;
}

static int is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7)       /* Latin-1 punctuation, ×, ÷ */
        return 0;
    if (cp >= 0x2000 && cp <= 0x2BFF)                 /* punctuation, symbols, arrows */
        return 0;
    if (cp >= 0x3000 && cp <= 0x303F)                 /* CJK punctuation */
        return 0;
    if (cp >= 0xFF00 && cp <= 0xFF0F)                 /* full-width punctuation */
        return 0;
    return 1;
}

size_t lang_count_letters(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (len > 0) {
        uint32_t cp;
        size_t k = next_cp(p, len, &cp);
        n += (size_t)is_letter(cp);
        p += k;
        len -= k;
    }
    return n;
}

/* The longest prefix of at most max bytes that does not end inside a
 * character. */
static size_t cut_at_char(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* 1 when code is one of the comma-separated codes of list. */
static int listed(const char *list, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = list; *p;) {
        p += strspn(p, " ,");
        size_t k = strcspn(p, " ,");
        if (k == n && memcmp(p, code, n) == 0)
            return 1;
        p += k;
    }
    return 0;
}

const char *lang_verdict_name(enum lang_verdict v)
{
    switch (v) {
    case LANG_FOUND: return "found";
    case LANG_SHORT: return "short";
    case LANG_MIXED: return "mixed";
    case LANG_UNCERTAIN: return "uncertain";
    case LANG_UNLISTED: return "unlisted";
    }
    return "?";
}

/* Whether CLD2 on the first len bytes of text is sure enough to stand
 * for a longer prefix (its answer in *r); 0 also when it fails (the
 * longer look then runs, and reports a failure itself). */
static int settled_by(const char *text, size_t len, const struct lang_opts *o, struct lang_cld2_result *r)
{
    if (lang_cld2_detect(text, len, o->hint, r) < 0)
        return 0;
    return r->reliable && r->code[0][0] && r->percent[0] >= LANG_FIRST_LOOK_PERCENT &&
           r->text_bytes >= LANG_FULL_EVIDENCE_BYTES && (!o->hint || listed(o->hint, r->code[0]));
}

int lang_identify(const struct lang_opts *o, const char *text, size_t len, struct lang_guess *out)
{
    if (!o || !out || (!text && len > 0))
        return -1;
    *out = (struct lang_guess){.verdict = LANG_UNCERTAIN};
    len = cut_at_char(text, len, o->max_bytes);
    /* CLD2 trusts its input to be UTF-8; a NUL would end the text early in
     * places.  An article's text always passes (the ABI promises UTF-8 C
     * strings). */
    if (len > 0 && (!newsd_utf8_valid(text, len) || memchr(text, '\0', len)))
        return -1;

    struct lang_cld2_result r = {0};
    /* CLD2's time grows with the text, and most articles say what they
     * are in their first lines: a look at a shorter prefix settles them,
     * and only a prefix that leaves a doubt is read to max_bytes. */
    size_t first = o->first_look ? cut_at_char(text, len, o->first_look) : len;
    if (first < len && settled_by(text, first, o, &r))
        len = first;
    else if (lang_cld2_detect(text, len, o->hint, &r) < 0)
        return -1;
    out->letters = lang_count_letters(text, len);
    memcpy(out->best, r.code[0], sizeof out->best);
    out->share = r.percent[0] / 100.0;
    out->text_bytes = r.text_bytes > 0 ? (size_t)r.text_bytes : 0;
    out->confidence = out->share;
    if (out->text_bytes < LANG_FULL_EVIDENCE_BYTES)
        out->confidence *= (double)out->text_bytes / LANG_FULL_EVIDENCE_BYTES;

    /* Short text first: CLD2 answers it confidently and often wrongly
     * ("Live-Übertragung am 11. August" reads as English, 96 %). */
    if (out->letters < o->min_chars)
        out->verdict = LANG_SHORT;
    else if (!r.code[0][0] || !r.reliable)
        out->verdict = LANG_UNCERTAIN;
    else if (out->share < o->min_confidence)
        out->verdict = LANG_MIXED;
    else if (o->hint && !listed(o->hint, r.code[0]))
        out->verdict = LANG_UNLISTED;
    else {
        out->verdict = LANG_FOUND;
        memcpy(out->code, r.code[0], sizeof out->code);
    }
    return 0;
}

char *lang_article_text(const char *title, const char *body, size_t max, size_t *len)
{
    size_t tl = strlen(title), bl = strlen(body);
    if (tl > 0 && strncmp(body, title, tl) == 0)
        tl = 0;
    size_t sep = tl > 0 && bl > 0 ? 2 : 0;
    size_t n = tl + sep + bl;
    if (n > max + 4)
        n = max + 4; /* lang_identify() cuts to max at a character boundary */
    char *buf = malloc(n + 1);
    if (!buf)
        return NULL;
    size_t k = tl < n ? tl : n;
    memcpy(buf, title, k);
    if (sep && k < n) {
        size_t s = n - k < sep ? n - k : sep;
        memcpy(buf + k, "\n\n", s);
        k += s;
    }
    memcpy(buf + k, body, n - k);
    buf[n] = '\0';
    *len = n;
    return buf;
}

int lang_given_code(const char *lang, char out[LANG_CODE_MAX])
{
    size_t n = strcspn(lang, "-_");
    out[0] = '\0';
    if (n < 2 || n > 3)
        return 0;
    char primary[4];
    for (size_t i = 0; i < n; i++) {
        char c = (char)(lang[i] | 0x20); /* ASCII lower case; the locale has no say */
        if (c < 'a' || c > 'z')
            return 0;
        primary[i] = c;
    }
    primary[n] = '\0';
    if (!lang_cld2_canonical(primary, out))
        memcpy(out, primary, n + 1); /* a code CLD2 does not know stays as given */
    return 1;
}
