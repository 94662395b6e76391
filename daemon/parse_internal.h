/*
 * Private to parse.c, parse_text.c, parse_json.c and parse_html.c.
 *
 * parse.c decides what the bytes are (empty, binary, HTML, JSON, text) and
 * decodes them; the format parsers get NUL-terminated UTF-8 in NFC with LF
 * line ends and fill only the content fields of a parsed_article.
 */
#ifndef NEWSD_PARSE_INTERNAL_H
#define NEWSD_PARSE_INTERNAL_H

#include <stddef.h>

#include "parse.h"

/* Longest title derived from body text, in characters, "…" included. */
#define PARSE_DERIVED_TITLE_MAX 200

/* Sets *err (if err is not NULL) to a malloc'd message; returns -1. */
int parse__fail(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Plain text: title heuristics, footer removal.  0 or -1 with *err. */
int parse__text(const char *text, struct parsed_article *out, char **err);

/*
 * A JSON article.  With sniffed set (the file name did not say ".json"),
 * text that is not a JSON object is no error: the function returns 1 and
 * leaves *out alone, and the caller treats the file as plain text.
 */
int parse__json(const char *text, int sniffed, struct parsed_article *out,
                char **err);

/*
 * An HTML page (the raw bytes: the page's charset is found from them).
 * 0, or -1 with *err, which says why when the page holds no article.
 */
int parse__html(const unsigned char *bytes, size_t len, struct parsed_article *out,
                char **err);

/*
 * Body normalisation shared by both formats: each line trimmed, runs of
 * white space (tabs, NBSP and the other Unicode spaces) made one ASCII
 * space, control characters dropped, paragraphs separated by exactly one
 * blank line.  malloc'd; "" when nothing is left; NULL only when out of
 * memory.
 */
char *parse__normalise_body(const char *s);

/* One line: white space (newlines too) collapsed and trimmed.  malloc'd
 * ("" when nothing is left), NULL when out of memory. */
char *parse__normalise_line(const char *s);

/* A line as above, without a trailing ':'. */
char *parse__normalise_title(const char *s);

/* A title for text that has no headline: its first sentence, without the
 * final full stop, at most PARSE_DERIVED_TITLE_MAX characters.  body must be
 * normalised.  malloc'd, NULL when out of memory. */
char *parse__title_from_body(const char *body);

#endif
