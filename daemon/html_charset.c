/*
 * The charset of an HTML page, and the page in UTF-8.
 *
 * The order follows what browsers do, with one correction for pages that
 * lie about themselves:
 *   1. a byte order mark;
 *   2. bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever
 *      the page declares (a page saved as UTF-8 by a CMS that still says
 *      iso-8859-1 in its template is common; the reverse, Latin-1 text that
 *      happens to be valid UTF-8, practically never happens); so are bytes
 *      that are UTF-8 but for a few stray ones (mostly_utf8()), unless the
 *      page declares another charset than UTF-8;
 *   3. the charset declared in <meta charset>, <meta http-equiv> or the XML
 *      declaration, found by the prescan of the HTML standard (the first
 *      PRESCAN_BYTES, before the parser runs: the parser needs the charset
 *      to start);
 *   4. uchardet's guess;
 *   5. windows-1252, as browsers in the West.
 * A declared charset the bytes do not decode in (a page that says
 * shift_jis and is not) falls through to the detector.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uchardet.h>

#include "html_internal.h"
#include "text.h"

/* The HTML standard prescans 1024 bytes; real heads put their meta charset
 * after long blocks of scripts and styles, so more is read. */
#define PRESCAN_BYTES 8192
/* The detector decides on this much; more costs time and changes nothing. */
#define DETECT_BYTES 65536

struct charset {
    const char *name;     /* canonical, as in the record's "encoding" */
    const char *iconv;    /* glibc iconv's name */
    const char *labels;   /* lower-case labels, space separated */
};

/* WHATWG's encoding labels for the charsets news sites use.  Latin-1 and
 * ASCII are labels of windows-1252, as in browsers. */
static const struct charset charsets[] = {
    {"utf-8", "UTF-8", "utf-8 utf8 unicode-1-1-utf-8"},
    {"windows-1252", "WINDOWS-1252",
     "windows-1252 cp1252 x-cp1252 iso-8859-1 iso8859-1 iso_8859-1 latin1 "
     "l1 us-ascii ascii ansi_x3.4-1968 iso-ir-100 cp819 ibm819"},
    {"iso-8859-15", "ISO-8859-15", "iso-8859-15 iso8859-15 latin9 l9"},
    {"iso-8859-2", "ISO-8859-2", "iso-8859-2 iso8859-2 latin2 l2"},
    {"windows-1250", "WINDOWS-1250", "windows-1250 cp1250 x-cp1250"},
    {"windows-1251", "WINDOWS-1251", "windows-1251 cp1251 x-cp1251"},
    {"windows-1253", "WINDOWS-1253", "windows-1253 cp1253"},
    {"windows-1254", "WINDOWS-1254", "windows-1254 cp1254 iso-8859-9 latin5"},
    {"windows-1256", "WINDOWS-1256", "windows-1256 cp1256"},
    {"koi8-r", "KOI8-R", "koi8-r koi8r koi8"},
    {"koi8-u", "KOI8-U", "koi8-u"},
    {"iso-8859-5", "ISO-8859-5", "iso-8859-5 iso8859-5 cyrillic"},
    {"iso-8859-7", "ISO-8859-7", "iso-8859-7 iso8859-7 greek"},
    {"shift_jis", "CP932",
     "shift_jis shift-jis sjis x-sjis ms_kanji windows-31j csshiftjis ms932 cp932"},
    {"euc-jp", "EUC-JP", "euc-jp x-euc-jp eucjp"},
    {"iso-2022-jp", "ISO-2022-JP", "iso-2022-jp csiso2022jp"},
    {"gbk", "GBK", "gbk gb2312 x-gbk chinese csgb2312 gb_2312-80"},
    {"gb18030", "GB18030", "gb18030"},
    {"big5", "BIG5-HKSCS", "big5 big5-hkscs x-x-big5 cn-big5"},
    {"euc-kr", "CP949", "euc-kr ks_c_5601-1987 cp949 windows-949 korean"},
    {"utf-16le", "UTF-16LE", "utf-16le utf-16"},
    {"utf-16be", "UTF-16BE", "utf-16be"},
};

static const struct charset *by_label(const char *label, size_t len)
{
    if (len == 0 || len > 40)
        return NULL;
    char low[48];
    for (size_t i = 0; i < len; i++) {
        char c = label[i];
        low[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    low[len] = '\0';
    for (size_t i = 0; i < sizeof charsets / sizeof *charsets; i++) {
        const char *l = charsets[i].labels;
        while (*l) {
            size_t n = strcspn(l, " ");
            if (n == len && memcmp(l, low, len) == 0)
                return &charsets[i];
            l += n;
            while (*l == ' ')
                l++;
        }
    }
    return NULL;
}

static const unsigned char *find_ci(const unsigned char *h, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp((const char *)h + i, needle, n) == 0)
            return h + i;
    return NULL;
}

/* The value after "charset" (and an '=' and an optional quote) in
 * b[0..len); its length in *vlen. */
static const unsigned char *charset_value(const unsigned char *b, size_t len, size_t *vlen)
{
    const unsigned char *end = b + len;
    const unsigned char *p = find_ci(b, len, "charset");
    if (!p)
        return NULL;
    p += 7;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (p >= end || *p != '=')
        return NULL;
    p++;
    while (p < end && (*p == ' ' || *p == '"' || *p == '\''))
        p++;
    const unsigned char *v = p;
    while (p < end && (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') ||
                       (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
                       *p == '.' || *p == ':'))
        p++;
    *vlen = (size_t)(p - v);
    return *vlen ? v : NULL;
}

/*
 * The prescan: the charset of the first <meta> that names one, or of an
 * XML declaration at the very start.  Comments are skipped, so a
 * commented-out meta does not count.
 */
static const struct charset *declared(const unsigned char *b, size_t len, const char **how)
{
    if (len > PRESCAN_BYTES)
        len = PRESCAN_BYTES;
    if (len > 5 && memcmp(b, "<?xml", 5) == 0) {
        const unsigned char *close = memchr(b, '>', len);
        const unsigned char *enc = close ? find_ci(b, (size_t)(close - b), "encoding=") : NULL;
        if (enc) {
            enc += 9;
            if (*enc == '"' || *enc == '\'')
                enc++;
            size_t n = 0;
            while (enc + n < close && enc[n] != '"' && enc[n] != '\'' && enc[n] != '?')
                n++;
            const struct charset *cs = by_label((const char *)enc, n);
            if (cs) {
                *how = "the XML declaration";
                return cs;
            }
        }
    }
    for (size_t i = 0; i + 5 < len; i++) {
        if (b[i] != '<')
            continue;
        if (i + 4 <= len && memcmp(b + i, "<!--", 4) == 0) {
            const unsigned char *e = find_ci(b + i + 4, len - i - 4, "-->");
            if (!e)
                return NULL;
            i = (size_t)(e - b) + 2;
            continue;
        }
        if (strncasecmp((const char *)b + i + 1, "meta", 4) != 0)
            continue;
        const unsigned char *close = memchr(b + i, '>', len - i);
        size_t tag_len = close ? (size_t)(close - (b + i)) : len - i;
        size_t vlen;
        const unsigned char *v = charset_value(b + i, tag_len, &vlen);
        if (!v)
            continue;
        const struct charset *cs = by_label((const char *)v, vlen);
        if (cs) {
            *how = find_ci(b + i, tag_len, "http-equiv") ? "<meta http-equiv>" : "<meta charset>";
            return cs;
        }
    }
    return NULL;
}

static const struct charset *detect(const unsigned char *b, size_t len)
{
    uchardet_t ud = uchardet_new();
    if (!ud)
        return NULL;
    const struct charset *cs = NULL;
    if (uchardet_handle_data(ud, (const char *)b, len > DETECT_BYTES ? DETECT_BYTES : len) == 0) {
        uchardet_data_end(ud);
        const char *name = uchardet_get_charset(ud);
        if (name && *name)
            cs = by_label(name, strlen(name));
    }
    uchardet_delete(ud);
    return cs;
}

static int is_ascii(const unsigned char *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (b[i] & 0x80)
            return 0;
    return 1;
}

/* Appends the UTF-8 of U+FFFD. */
static void put_replacement(char **o)
{
    memcpy(*o, "\xEF\xBF\xBD", 3);
    *o += 3;
}

/*
 * Converts with iconv.  Undecodable bytes become U+FFFD (one per byte);
 * *bad counts them.  NUL characters are dropped.  NULL when out of memory
 * or when iconv does not know the charset.
 */
static char *convert(const struct charset *cs, const unsigned char *b, size_t len,
                     size_t *out_len, size_t *bad)
{
    *bad = 0;
    iconv_t cd = iconv_open("UTF-8", cs->iconv);
    if (cd == (iconv_t)-1)
        return NULL;
    /* Every input byte gives at most 3 bytes of UTF-8 (U+FFFD is 3 too);
     * 4-byte characters come from at least 2 bytes. */
    size_t cap = len * 3 + 4;
    char *out = malloc(cap);
    if (!out) {
        iconv_close(cd);
        return NULL;
    }
    char *in = (char *)b;
    size_t left = len;
    char *o = out;
    size_t room = cap - 1;
    while (left > 0) {
        size_t r = iconv(cd, &in, &left, &o, &room);
        if (r != (size_t)-1)
            break;
        if (errno == EILSEQ || errno == EINVAL) {
            /* EINVAL: a sequence cut off by the end of the file. */
            put_replacement(&o);
            room -= 3;
            in++;
            left--;
            (*bad)++;
            continue;
        }
        free(out);
        iconv_close(cd);
        return NULL;
    }
    iconv_close(cd);
    size_t n = (size_t)(o - out);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i])
            out[w++] = out[i];
    out[w] = '\0';
    *out_len = w;
    return out;
}

static char *copy_without_nul(const unsigned char *b, size_t len, size_t *out_len)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (b[i])
            out[w++] = (char)b[i];
    out[w] = '\0';
    *out_len = w;
    return out;
}

/* A page in UTF-8 but for a few stray bytes (a widget's alt text in
 * Latin-1 on a page of UTF-8 umlauts): UTF-8, those bytes replaced by
 * U+FFFD, rather than windows-1252 for all of it.  Few: at least ten
 * characters beyond ASCII decode for each byte that does not; a page in
 * windows-1252 has next to none that do.  NULL otherwise (or out of
 * memory: the caller's way then fails the same). */
static char *mostly_utf8(const unsigned char *b, size_t len, size_t *out_len)
{
    size_t bad;
    char *out = convert(by_label("utf-8", 5), b, len, out_len, &bad);
    if (!out)
        return NULL;
    size_t leads = 0;   /* characters beyond ASCII, U+FFFD included */
    for (size_t i = 0; i < *out_len; i++)
        leads += (unsigned char)out[i] >= 0xC0;
    if (bad == 0 || leads - bad < 10 * bad) {   /* each bad byte is one U+FFFD among the leads */
        free(out);
        return NULL;
    }
    return out;
}

char *html__to_utf8(const unsigned char *bytes, size_t len, size_t *out_len,
                    const char **encoding, const char **how, char **err)
{
    *err = NULL;
    const struct charset *cs = NULL;
    size_t skip = 0;
    if (len >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) {
        cs = by_label("utf-8", 5);
        skip = 3;
    } else if (len >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) {
        cs = by_label("utf-16le", 8);
        skip = 2;
    } else if (len >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) {
        cs = by_label("utf-16be", 8);
        skip = 2;
    }
    if (cs)
        *how = "its byte order mark";
    bytes += skip;
    len -= skip;

    if (!cs) {
        /* NUL bytes are no reason to doubt UTF-8; they are dropped later. */
        int utf8 = !memchr(bytes, '\0', len) ? text_is_utf8(bytes, len) : 0;
        if (!utf8 && memchr(bytes, '\0', len)) {
            char *tmp;
            size_t tmp_len;
            if (!(tmp = copy_without_nul(bytes, len, &tmp_len))) {
                *err = strdup("out of memory");
                return NULL;
            }
            utf8 = text_is_utf8((const unsigned char *)tmp, tmp_len);
            free(tmp);
        }
        const char *decl_how = NULL;
        const struct charset *decl = declared(bytes, len, &decl_how);
        if (utf8 && (!is_ascii(bytes, len) || !decl)) {
            cs = by_label("utf-8", 5);
            *how = decl && strcmp(decl->name, "utf-8") != 0
                       ? "its bytes (valid UTF-8; the page declares another charset)"
                       : decl ? decl_how : "its bytes (valid UTF-8)";
        } else if (decl && strcmp(decl->name, "utf-8") != 0 &&
                   strncmp(decl->name, "utf-16", 6) != 0) {
            cs = decl;
            *how = decl_how;
        } else if (utf8) {
            cs = by_label("utf-8", 5);
            *how = decl_how;
        }
        /* Not over a declared 8-bit or CJK charset: such a page's own
         * text decodes in it, and a menu or JSON-LD block in UTF-8 would
         * make its every umlaut a U+FFFD.  A declared UTF-16 is UTF-8 by
         * the prescan's rule (the page would not be readable as ASCII). */
        if (!utf8 && (!decl || strcmp(decl->name, "utf-8") == 0 || strncmp(decl->name, "utf-16", 6) == 0)) {
            char *out = mostly_utf8(bytes, len, out_len);
            if (out) {
                *encoding = "utf-8";
                *how = "its bytes (UTF-8 but for a few stray bytes, replaced by U+FFFD)";
                return out;
            }
        }
    }

    if (cs && strcmp(cs->name, "utf-8") == 0) {
        char *out = copy_without_nul(bytes, len, out_len);
        if (!out)
            *err = strdup("out of memory");
        *encoding = cs->name;
        return out;
    }

    size_t bad = 0;
    char *out = NULL;
    if (cs) {
        out = convert(cs, bytes, len, out_len, &bad);
        /* A declared charset the bytes are not in: ask the detector. */
        if (out && bad > 0 && strcmp(*how, "its byte order mark") != 0) {
            free(out);
            out = NULL;
            cs = NULL;
        }
    }
    if (!out) {
        const struct charset *guess = detect(bytes, len);
        if (guess && strncmp(guess->name, "utf-16", 6) != 0 && strcmp(guess->name, "utf-8") != 0) {
            cs = guess;
            *how = "the detector (no usable declaration)";
        } else {
            cs = by_label("windows-1252", 12);
            *how = "the default (nothing declared or detected)";
        }
        out = convert(cs, bytes, len, out_len, &bad);
    }
    if (!out) {
        *err = strdup("out of memory converting the page to UTF-8");
        return NULL;
    }
    *encoding = cs->name;
    return out;
}
