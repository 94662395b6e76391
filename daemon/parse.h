/*
 * Built-in parsing: the bytes of one inbox file to article fields.
 *
 * Everything here is pure (no I/O, no globals), so workers call it
 * concurrently and unit tests feed it byte strings.
 */
#ifndef NEWSD_PARSE_H
#define NEWSD_PARSE_H

#include <stddef.h>

struct parsed_article {
    /* malloc'd, valid UTF-8 in NFC; NULL when the source has no such field */
    char *title;
    char *body;
    char *lang;
    /* malloc'd, or NULL: what the parser ignored, "; "-separated sentences
     * ("JSON field \"title\" is a number, expected a string: ignored").
     * The pipeline logs it as a warning and keeps it as meta parse.warning. */
    char *warnings;
    char *url;
    char *author;
    char *published;
    char *site;           /* HTML: the site's name (the record's meta "site") */
    char *extraction;     /* HTML: how the text and fields were chosen (--try) */
    const char *format;   /* static: "text", "json" or "html" */
    const char *encoding; /* static: "utf-8", "windows-1252", "shift_jis", ... */
};

/* The meta key that keeps parsed_article.warnings in the record. */
#define PARSE_META_WARNING "parse.warning"

/*
 * Parse one file.  filename (the name in the inbox, no directory) picks the
 * format by extension where it can (".json"), else the content decides;
 * HTML is always recognised by its content (a ".html" file of plain text is
 * text, a ".txt" file that holds a page is HTML).
 * Returns 0 and fills *out, or -1 and sets *err to a malloc'd sentence that
 * says what is wrong with the bytes ("empty file", "binary data (NUL byte at
 * offset 12)", "invalid JSON at line 3: ..."); *out is then left cleared.
 */
int parse_article(const unsigned char *bytes, size_t len, const char *filename,
                  struct parsed_article *out, char **err);

void parsed_article_clear(struct parsed_article *p);

#endif
