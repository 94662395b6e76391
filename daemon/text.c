/*
 * Text helpers: turn the bytes of an inbox file into UTF-8 in NFC, and fold
 * case for comparisons.
 *
 * Encoding policy: news files in the wild are UTF-8 or, from older Windows
 * tools, Windows-1252.  Valid UTF-8 is overwhelmingly unlikely by accident
 * for Latin text, so "valid UTF-8" is the test; everything else is read as
 * Windows-1252, and as ISO-8859-1 if it uses one of the five bytes that
 * Windows-1252 leaves undefined (ISO-8859-1 maps every byte, so text is
 * never refused for its encoding).  A UTF-16 file is recognised by its BOM.
 *
 * Everything here is pure: each call opens its own iconv descriptor, and
 * utf8proc keeps no state.
 */
#include "text.h"
#include "xalloc.h"

#include <iconv.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

static void set_err(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_err(char **err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(err, fmt, ap) < 0)
        *err = NULL;
    va_end(ap);
}

int text_is_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* Runs of ASCII, eight bytes at a time. */
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080u)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {        /* 0xC0, 0xC1: overlong */
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) { /* above F4: past U+10FFFF */
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

/* Convert with iconv into a fresh buffer of out_cap bytes (the caller knows
 * the worst-case growth).  Returns the NUL-terminated result, or NULL with
 * *bad_offset set to the input offset that did not convert (SIZE_MAX when
 * the fault is not in the input: no memory, no such converter). */
static char *iconv_all(const char *from, const unsigned char *in, size_t len,
                       size_t out_cap, size_t *out_len, size_t *bad_offset)
{
    *bad_offset = SIZE_MAX;
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return NULL;
    char *out = malloc(out_cap + 1);
    if (!out) {
        iconv_close(cd);
        return NULL;
    }
    char *ip = (char *)in;
    size_t ileft = len;
    char *op = out;
    size_t oleft = out_cap;
    size_t rc = iconv(cd, &ip, &ileft, &op, &oleft);
    if (rc != (size_t)-1)
        rc = iconv(cd, NULL, NULL, &op, &oleft); /* flush any shift state */
    iconv_close(cd);
    if (rc == (size_t)-1) {
        *bad_offset = (size_t)(ip - (char *)in);
        free(out);
        return NULL;
    }
    *op = '\0';
    *out_len = (size_t)(op - out);
    return out;
}

/* CRLF and lone CR become LF, in place; returns the new length. */
static size_t unify_newlines(char *s, size_t len)
{
    if (!memchr(s, '\r', len))
        return len;
    size_t w = 0;
    for (size_t r = 0; r < len; r++) {
        if (s[r] == '\r') {
            s[w++] = '\n';
            if (r + 1 < len && s[r + 1] == '\n')
                r++;
        } else {
            s[w++] = s[r];
        }
    }
    s[w] = '\0';
    return w;
}

/*
 * Fast paths.  Most news text (German, English, other Latin scripts) uses
 * only code points below U+0300 plus common punctuation and currency signs.
 * No such code point is a combining mark, a canonical singleton or a
 * composition partner (NFC_Quick_Check = Yes, ccc = 0), so text made of
 * them alone is already NFC (and stream-safe: it has no run of marks to
 * bound); and their case folding is the short table in fold_simple().
 * Anything else takes the general path: stream_safe(), then utf8proc.
 */
static bool cp_fast(int32_t cp)
{
    return cp < 0x300 || (cp >= 0x2002 && cp <= 0x206F) || (cp >= 0x20A0 && cp <= 0x20CF);
}

/* Whether s[0..len) has only fast-path code points, and, when no_cr, no
 * CR either (text_is_nfc_fast(): one pass instead of a memchr() and this).
 * Sixteen bytes of ASCII a step. */
static bool fast_path_scan(const char *s, size_t len, bool no_cr)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u, crs = ones * '\r';
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        if (end - p >= 16) {
            uint64_t a, b;
            memcpy(&a, p, 8);
            memcpy(&b, p + 8, 8);
            if (!((a | b) & highs)) {
                /* A byte of x is zero iff (x - ones) & ~x has its high
                 * bit: exact as to whether there is one. */
                uint64_t xa = a ^ crs, xb = b ^ crs;
                if (no_cr && (((xa - ones) & ~xa) | ((xb - ones) & ~xb)) & highs)
                    return false;
                p += 16;
                continue;
            }
        }
        if (*p < 0x80) {
            if (no_cr && *p == '\r')
                return false;
            p++;
            continue;
        }
        int32_t cp;
        p += text_next_cp(p, &cp);
        if (!cp_fast(cp))
            return false;
    }
    return true;
}

static bool fast_path_only(const char *s, size_t len)
{
    return fast_path_scan(s, len, false);
}

/* Case folding of one fast-path code point, written as UTF-8 into out
 * (at most 2 bytes, "ss" for ß, or 2 for U+03BC).  Returns the length. */
static size_t fold_simple(int32_t cp, unsigned char *out)
{
    if (cp >= 'A' && cp <= 'Z')
        cp += 0x20;
    else if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        cp += 0x20;
    else if (cp == 0xDF) {
        out[0] = out[1] = 's';
        return 2;
    } else if (cp == 0xB5)
        cp = 0x3BC;   /* MICRO SIGN folds to GREEK SMALL LETTER MU */
    else if (cp >= 0x100 && cp < 0x300)
        return 0;     /* Latin Extended: leave to utf8proc */
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    out[0] = (unsigned char)(0xE0 | (cp >> 12));
    out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
}

/*
 * The Stream-Safe Text Format of UAX #15 (section 13).  utf8proc puts each
 * run of combining marks in canonical order with an insertion sort, in time
 * quadratic in the run's length: a file of 96,000 mark pairs took 80 s to
 * normalise, and a run has no natural limit.  The standard's remedy bounds
 * every run: before a code point whose decomposition would make the run of
 * non-starters longer than 30, insert U+034F COMBINING GRAPHEME JOINER, a
 * starter that renders as nothing and that normalisation keeps in place.
 * No real text has such runs (the standard chose 30 for that), so real
 * text is left as it is.
 */
#define SSF_MAX_NONSTARTERS 30
#define SSF_CGJ "\xCD\x8F"        /* U+034F, 2 bytes of UTF-8 */
#define SSF_DECOMP_MAX 32         /* the longest decomposition (U+FDFA) is 18 */

/* Non-starters (combining class != 0) at the start and at the end of the
 * NFKD decomposition of cp; *all when it has no starter at all. */
static void count_nonstarters(int32_t cp, unsigned *lead, unsigned *trail, bool *all)
{
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    utf8proc_int32_t d[SSF_DECOMP_MAX];
    int boundclass = 0;
    utf8proc_ssize_t n = 0;
    if (p->decomp_seqindex != UINT16_MAX)
        n = utf8proc_decompose_char(cp, d, SSF_DECOMP_MAX, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT,
                                    &boundclass);
    if (n <= 0 || n > SSF_DECOMP_MAX) {   /* no mapping (or a Hangul syllable: all starters) */
        *lead = *trail = p->combining_class != 0;
        *all = *lead;
        return;
    }
    unsigned l = 0, t = 0;
    while (l < (unsigned)n && utf8proc_get_property(d[l])->combining_class)
        l++;
    while (t < (unsigned)n && utf8proc_get_property(d[n - 1 - t])->combining_class)
        t++;
    *lead = l;
    *trail = t;
    *all = l == (unsigned)n;
}

/* One pass of the Stream-Safe Text Process over valid UTF-8: writes the
 * result to out when out is not NULL; returns the number of joiners it
 * inserts (the output is len + 2 * that many bytes). */
static size_t stream_safe_pass(const char *s, size_t len, char *out)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t inserted = 0;
    unsigned run = 0;
    while (p < end) {
        int32_t cp;
        size_t n = text_next_cp(p, &cp);
        if (cp < 0xA0) {    /* ASCII and C1 controls: starters without decompositions */
            run = 0;
        } else {
            unsigned lead, trail;
            bool all;
            count_nonstarters(cp, &lead, &trail, &all);
            if (run + lead > SSF_MAX_NONSTARTERS) {
                if (out) {
                    memcpy(out, SSF_CGJ, 2);
                    out += 2;
                }
                inserted++;
                run = 0;
            }
            run = all ? run + lead : trail;
        }
        if (out) {
            memcpy(out, p, n);
            out += n;
        }
        p += n;
    }
    if (out)
        *out = '\0';
    return inserted;
}

/* s[0..len) in the Stream-Safe Text Format: NULL when it already is (the
 * caller keeps s), else a malloc'd copy with joiners inserted and its
 * length in *out_len.  *nomem is set when the copy cannot be made. */
static char *stream_safe(const char *s, size_t len, size_t *out_len, bool *nomem)
{
    *nomem = false;
    size_t inserted = stream_safe_pass(s, len, NULL);
    if (!inserted)
        return NULL;
    char *out = malloc(len + 2 * inserted + 1);
    if (!out) {
        *nomem = true;
        return NULL;
    }
    stream_safe_pass(s, len, out);
    *out_len = len + 2 * inserted;
    return out;
}

/* NULL when s needs the general path. */
static char *casefold_fast(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(len + 1);
    if (out && text_casefold_fast(s, len, out) == SIZE_MAX) {
        free(out);
        return NULL;
    }
    return out;
}

/* Newlines unified and NFC: utf8 (malloc'd, valid UTF-8, len bytes) is
 * taken, and returned or replaced by its normalised copy.  NULL with *err
 * set when memory runs out. */
static char *nfc_in_place(char *utf8, size_t utf8_len, char **err)
{
    utf8_len = unify_newlines(utf8, utf8_len);

    if (fast_path_only(utf8, utf8_len)) {
        /* Already NFC: skip utf8proc's decompose/recompose, the most
         * expensive step of parsing an ordinary article. */
        return utf8;
    }
    bool nomem;
    size_t safe_len = 0;
    char *safe = stream_safe(utf8, utf8_len, &safe_len, &nomem);
    if (nomem) {
        set_err(err, "out of memory");
        free(utf8);
        return NULL;
    }
    if (safe) {
        free(utf8);
        utf8 = safe;
        utf8_len = safe_len;
    }
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)utf8,
                                      (utf8proc_ssize_t)utf8_len, &nfc,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    free(utf8);
    if (n < 0) {
        set_err(err, "Unicode normalisation failed: %s", utf8proc_errmsg(n));
        return NULL;
    }
    return (char *)nfc;
}

char *text_to_utf8_nfc(const unsigned char *bytes, size_t len,
                       const char **encoding, char **err)
{
    if (err)
        *err = NULL;
    if (!bytes && len) {
        set_err(err, "no input");
        return NULL;
    }

    char *utf8 = NULL;
    size_t utf8_len = 0;
    const char *enc;

    if (len >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) ||
                     (bytes[0] == 0xFE && bytes[1] == 0xFF))) {
        int le = bytes[0] == 0xFF;
        size_t bad = 0;
        /* Each 2-byte unit gives at most 3 bytes, each 4-byte pair 4. */
        utf8 = iconv_all(le ? "UTF-16LE" : "UTF-16BE", bytes + 2, len - 2,
                         (len - 2) / 2 * 3 + 4, &utf8_len, &bad);
        if (!utf8) {
            if (bad == SIZE_MAX)
                set_err(err, "cannot convert from UTF-16 (out of memory?)");
            else
                set_err(err, "invalid UTF-16 at byte offset %zu", bad + 2);
            return NULL;
        }
        enc = le ? "utf-16le" : "utf-16be";
    } else if (text_is_utf8(bytes, len)) {
        size_t skip = 0;
        if (len >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            skip = 3;
        utf8_len = len - skip;
        utf8 = malloc(utf8_len + 1);
        if (!utf8) {
            set_err(err, "out of memory");
            return NULL;
        }
        memcpy(utf8, bytes + skip, utf8_len);
        utf8[utf8_len] = '\0';
        enc = "utf-8";
    } else {
        size_t bad = 0;
        /* A single byte never becomes more than 3 bytes of UTF-8. */
        utf8 = iconv_all("WINDOWS-1252", bytes, len, len * 3, &utf8_len, &bad);
        enc = "windows-1252";
        if (!utf8 && bad != SIZE_MAX) {
            utf8 = iconv_all("ISO-8859-1", bytes, len, len * 2, &utf8_len, &bad);
            enc = "iso-8859-1";
        }
        if (!utf8) {
            /* ISO-8859-1 maps every byte, so this is never the input. */
            set_err(err, "cannot convert from %s (out of memory?)", enc);
            return NULL;
        }
    }

    /* An embedded NUL would silently truncate every C string made from this
     * text later on, so it is refused here rather than there. */
    const char *nul = memchr(utf8, '\0', utf8_len);
    if (nul) {
        set_err(err, "NUL character at offset %zu of the decoded text",
                (size_t)(nul - utf8));
        free(utf8);
        return NULL;
    }

    char *nfc = nfc_in_place(utf8, utf8_len, err);
    if (nfc && encoding)
        *encoding = enc;
    return nfc;
}

char *text_utf8_nfc(const char *s, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return nfc_in_place(copy, len, NULL);
}

bool text_is_nfc_fast(const char *s, size_t len)
{
    return fast_path_scan(s, len, true);
}

char *text_casefold(const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    /* The fast path and the stream-safe pass decode without bounds checks. */
    if (!text_is_utf8((const unsigned char *)s, len))
        return NULL;
    char *fast = casefold_fast(s);
    if (fast)
        return fast;
    bool nomem;
    size_t safe_len = len;
    char *safe = stream_safe(s, len, &safe_len, &nomem);
    if (nomem)
        return NULL;
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)(safe ? safe : s),
                                      (utf8proc_ssize_t)safe_len, &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    free(safe);
    if (n < 0)
        return NULL;
    return (char *)out;
}

static int is_word_cp(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

int text_is_word_char_at(const char *p)
{
    if (!*p)
        return 0;
    int32_t cp;
    text_next_cp((const unsigned char *)p, &cp);
    return is_word_cp(cp);
}

int text_is_word_char_before(const char *s, const char *p)
{
    if (p == s)
        return 0;
    const char *q = p - 1;
    while (q > s && ((unsigned char)*q & 0xC0) == 0x80)
        q--;
    return text_is_word_char_at(q);
}

char *text_utf8_repair(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(n * 3 + 1), *o = out;
    for (size_t i = 0; i < n;) {
        size_t len = 1;
        while (len <= 4 && i + len <= n && !text_is_utf8((const unsigned char *)s + i, len))
            len++;
        if (len <= 4 && i + len <= n) {
            memcpy(o, s + i, len);
            o += len;
            i += len;
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    *o = '\0';
    return out;
}

size_t text_casefold_fast(const char *s, size_t len, char *out)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    unsigned char *o = (unsigned char *)out;
    while (p < end) {
        if (*p < 0x80) {
            unsigned char c = *p++;
            *o++ = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 0x20) : c;
            continue;
        }
        int32_t cp;
        size_t n = text_next_cp(p, &cp);
        size_t w = cp_fast(cp) ? fold_simple(cp, o) : 0;
        if (!w)
            return SIZE_MAX;
        if (cp >= 0x2002) {   /* punctuation: does not fold */
            memcpy(o, p, n);
            w = n;
        }
        o += w;
        p += n;
    }
    *o = '\0';
    return (size_t)(o - (unsigned char *)out);
}
