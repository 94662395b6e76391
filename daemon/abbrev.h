/*
 * Abbreviations that keep their dot and end no sentence: "Dr.", "Inc.",
 * "bzw.", and the spaced ones read as one token, "z. B.", "d. h.".
 * Lists per language plus one for all languages (abbrev.c).
 */
#ifndef NEWSD_ABBREV_H
#define NEWSD_ABBREV_H

#include <stdbool.h>
#include <stddef.h>

/* 1 when s[0..len), which ends with its dot ("Inc."), is a listed
 * abbreviation of lang (or of every language). */
bool abbrev_is(const char *lang, const char *s, size_t len);

/* When text (avail bytes, starting at a word) begins with a spaced
 * abbreviation of lang ("z. B." written with one space, a no-break space
 * or a thin space between the parts), its length in bytes; else 0. */
size_t abbrev_spaced(const char *lang, const char *text, size_t avail);

/* 1 when s[0..len) (ending with its apostrophe) is an elided word of
 * lang that stands before the next word: French "l'", "qu'", Italian
 * "dell'".  The apostrophe then ends the token. */
bool abbrev_elision(const char *lang, const char *s, size_t len);

/* 1 when s[0..len) is a month name of lang that may follow an ordinal
 * ("3. Oktober"): the number's dot is then no sentence end. */
bool abbrev_month(const char *lang, const char *s, size_t len);

#endif
