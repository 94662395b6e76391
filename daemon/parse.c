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
    for (size_t i = 0; i < len; i++) {
        unsigned char c = b[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ||
            c == 0x7F)
            controls++;
    }
    if (len && controls * 100 >= len * BINARY_CONTROL_PERCENT)
        return parse__fail(err, "binary data (%zu%% control characters)",
                           controls * 100 / len);
    return 0;
}

static int starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* HTML is recognised by its first tag, after white space and comments. */
static int looks_like_html(const char *s)
{
    for (;;) {
        while (is_space_byte((unsigned char)*s))
            s++;
        if (strncmp(s, "<!--", 4) != 0)
            break;
        const char *end = strstr(s + 4, "-->");
        if (!end)
            return 0;
        s = end + 3;
    }
    return starts_with_ci(s, "<!doctype html") || starts_with_ci(s, "<html");
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
    if (has_extension(filename, "html") || has_extension(filename, "htm") ||
        looks_like_html(text)) {
        rc = parse__fail(err, "HTML articles are not supported yet");
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
    memset(p, 0, sizeof *p);
}
