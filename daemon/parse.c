/*
 * parse_article: decide what an inbox file is, decode it, and hand it to
 * the JSON or plain-text parser.
 *
 * The order of the checks matters for the error a person reads: an empty
 * file is "empty" whatever its name, a binary file is "binary" even when it
 * is called .html, and only then do the name and the content pick a format.
 */
#include "parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "parse_internal.h"
#include "text.h"

/* Share of C0 control characters (besides \t \n \r \f) from which a file is
 * binary.  Text has none; encrypted or compressed data has about 12%. */
#define BINARY_CONTROL_PERCENT 5

int parse__fail(char **err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(err, fmt, ap) < 0)
            *err = NULL;
        va_end(ap);
    }
    return -1;
}

static int is_space_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static int has_extension(const char *filename, const char *ext)
{
    if (!filename)
        return 0;
    const char *dot = strrchr(filename, '.');
    return dot && strcasecmp(dot + 1, ext) == 0;
}

static int has_utf16_bom(const unsigned char *b, size_t len)
{
    return len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) ||
                        (b[0] == 0xFE && b[1] == 0xFF));
}

/* Checks the raw bytes (or, for UTF-16, the decoded text) for what text
 * never contains.  Windows-1252 and Latin-1 bytes are all >= 0x20, so only
 * the C0 range and DEL count. */
static int check_binary(const unsigned char *b, size_t len, char **err)
{
    const unsigned char *nul = memchr(b, '\0', len);
    if (nul)
        return parse__fail(err, "binary data (NUL byte at offset %zu)",
                           (size_t)(nul - b));
    size_t controls = 0;
    for (size_t i = 0; i < len;) {
        /* Eight bytes at a time where none is below 0x20 or DEL (the
         * test may flag a word that has none: it is then counted byte by
         * byte, as are the line breaks). */
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, b + i, 8);
            const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
            uint64_t del = w ^ (0x7F * ones);
            if (!(((w - 0x20 * ones) & ~w & highs) | ((del - ones) & ~del & highs))) {
                i += 8;
                continue;
            }
        }
        for (size_t end = len - i >= 8 ? i + 8 : len; i < end; i++) {
            unsigned char c = b[i];
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ||
                c == 0x7F)
                controls++;
        }
    }
    if (len && controls * 100 >= len * BINARY_CONTROL_PERCENT)
        return parse__fail(err, "binary data (%zu%% control characters)",
                           controls * 100 / len);
    return 0;
}

/* Tags that open an HTML page or fragment. */
static const char *const html_openers[] = {
    "!doctype html", "html", "head", "body", "meta", "title", "link", "base",
    "div", "p", "article", "section", "main", "header", "h1", "h2", "table",
    "script", "style", "span", "a", "br", "ul",
};

static int is_html_tag_at(const char *s, const char *end, const char *const *tags, size_t n)
{
    if (s >= end || *s != '<')
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(tags[i]);
        if ((size_t)(end - s) < l + 2 || strncasecmp(s + 1, tags[i], l) != 0)
            continue;
        char c = s[1 + l];
        if (c == '>' || c == '/' || is_space_byte((unsigned char)c) || tags[i][0] == '!')
            return 1;
    }
    return 0;
}

/*
 * HTML is recognised by its content: the first tag after white space,
 * comments and an XML declaration opens a page or a fragment.  A file
 * named .html/.htm is HTML also when a tag of a page appears in its first
 * HTML_SNIFF_BYTES (text before the first tag); without any, it is text.
 * Works on the raw bytes of ASCII-compatible charsets and on decoded text.
 */
#define HTML_SNIFF_BYTES 4096
static int looks_like_html(const char *s, size_t len, const char *filename)
{
    const char *end = s + len;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    for (;;) {
        while (s < end && is_space_byte((unsigned char)*s))
            s++;
        if (end - s >= 4 && strncmp(s, "<!--", 4) == 0) {
            const char *e = memmem(s + 4, (size_t)(end - s - 4), "-->", 3);
            if (!e)
                return 0;
            s = e + 3;
        } else if (end - s >= 5 && strncmp(s, "<?xml", 5) == 0) {
            const char *e = memmem(s, (size_t)(end - s), "?>", 2);
            if (!e)
                return 0;
            s = e + 2;
        } else {
            break;
        }
    }
    size_t n_openers = sizeof html_openers / sizeof *html_openers;
    if (is_html_tag_at(s, end, html_openers, n_openers))
        return 1;
    if (!(has_extension(filename, "html") || has_extension(filename, "htm") ||
          has_extension(filename, "xhtml")))
        return 0;
    size_t scan = (size_t)(end - s) < HTML_SNIFF_BYTES ? (size_t)(end - s) : HTML_SNIFF_BYTES;
    for (const char *p = s; p < s + scan; p++)
        if (*p == '<' && is_html_tag_at(p, end, html_openers, n_openers))
            return 1;
    return 0;
}

/* An HTML page may hold a stray NUL or control byte (the parser drops
 * them); only a page made mostly of them is binary. */
static int check_binary_html(const unsigned char *b, size_t len, char **err)
{
    size_t controls = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = b[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F)
            controls++;
    }
    if (len && controls * 100 >= len * BINARY_CONTROL_PERCENT)
        return parse__fail(err, "binary data (%zu%% control characters)", controls * 100 / len);
    return 0;
}

static int first_nonspace_is(const char *s, char c)
{
    while (is_space_byte((unsigned char)*s))
        s++;
    return *s == c;
}

int parse_article(const unsigned char *bytes, size_t len, const char *filename,
                  struct parsed_article *out, char **err)
{
    if (err)
        *err = NULL;
    memset(out, 0, sizeof *out);

    size_t i = 0;
    while (i < len && is_space_byte(bytes[i]))
        i++;
    if (len == 0)
        return parse__fail(err, "empty file");
    if (i == len)
        return parse__fail(err, "empty file (only white space)");

    /* Compressed files are refused by name of what they are: inflating
     * whatever a producer drops would make the inbox a decompression-bomb
     * target, and a producer can store the page uncompressed. */
    if (len >= 3 && bytes[0] == 0x1F && bytes[1] == 0x8B && bytes[2] == 0x08)
        return parse__fail(err, "gzip-compressed data: newsd reads uncompressed articles only "
                           "(gunzip the file before dropping it in the inbox)");

    /* HTML finds its own charset (BOM, <meta>, detector), so it is
     * recognised on the raw bytes of ASCII-compatible charsets. */
    if (!has_utf16_bom(bytes, len) &&
        looks_like_html((const char *)bytes, len < 65536 ? len : 65536, filename)) {
        if (check_binary_html(bytes, len, err) < 0)
            return -1;
        return parse__html(bytes, len, out, err);
    }

    const char *encoding = NULL;
    char *derr = NULL;
    char *text;
    if (has_utf16_bom(bytes, len)) {
        /* UTF-16 is full of NUL bytes, so it is decoded before the check. */
        text = text_to_utf8_nfc(bytes, len, &encoding, &derr);
        if (!text) {
            parse__fail(err, "cannot decode the text: %s",
                        derr ? derr : "out of memory");
            free(derr);
            return -1;
        }
        if (check_binary((const unsigned char *)text, strlen(text), err) < 0) {
            free(text);
            return -1;
        }
    } else {
        if (check_binary(bytes, len, err) < 0)
            return -1;
        text = text_to_utf8_nfc(bytes, len, &encoding, &derr);
        if (!text) {
            parse__fail(err, "cannot decode the text: %s",
                        derr ? derr : "out of memory");
            free(derr);
            return -1;
        }
    }

    struct parsed_article a = {0};
    int rc;
    if (looks_like_html(text, strlen(text), filename)) {
        /* A UTF-16 page: parse__html decodes the bytes again, finding
         * the same BOM. */
        free(text);
        return parse__html(bytes, len, out, err);
    } else if (has_extension(filename, "json")) {
        rc = parse__json(text, 0, &a, err);
    } else {
        rc = 1;
        if (first_nonspace_is(text, '{'))
            rc = parse__json(text, 1, &a, err);
        if (rc == 1)
            rc = parse__text(text, &a, err);
    }
    free(text);

    if (rc != 0) {
        parsed_article_clear(&a);
        return -1;
    }
    a.encoding = encoding;
    *out = a;
    return 0;
}

void parsed_article_clear(struct parsed_article *p)
{
    if (!p)
        return;
    free(p->warnings);
    free(p->title);
    free(p->body);
    free(p->lang);
    free(p->url);
    free(p->author);
    free(p->published);
    free(p->site);
    free(p->extraction);
    memset(p, 0, sizeof *p);
}
