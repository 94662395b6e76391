/* works: the titles of films, books, albums and songs, which name no
 * person or place of the article ("the film Vera Drake", "his 2003 film
 * The Life of David Gale", "her role in Vera Drake", "im Dokumentarfilm
 * The Hunting Ground", "des Songs Til It Happens to You"). */
#ifndef ENTITIES_WORKS_H
#define ENTITIES_WORKS_H

#include "gazetteer.h"
#include "heur.h"
#include "matcher.h"
#include "tokens.h"

/* The end (exclusive) of the work's title that begins at token i, when
 * the words before i introduce one: a noun of a work (cues.h,
 * cue_work_nouns_en and _de: English in lower case, film, movie, novel,
 * album, ...; German capitalised, also as a compound's end: Spielfilm,
 * Debütroman), "video game", or an English word of acting and "in"
 * ("starred in", "his role in": then of two capitalised words at least,
 * or quoted: "her role in Iraq" is a place).  The title is its
 * capitalised words and numbers and the articles, "of", "to" and "zu"
 * between them, after an opening quote if there is one; it ends at any
 * other word, the end of the sentence or WORKS_TITLE_MAX tokens (a
 * quoted title: at its closing quote, commas and all).  Not when a
 * capitalised word of it is a possessive ("Mike Nichols' Closer").  i
 * itself when no title begins there.  lang: the article's language
 * ("de": the German nouns). */
size_t works_title_end(const char *lang, const struct ent_toks *t, size_t i);

#define WORKS_TITLE_MAX 10

/* People and places inside the titles the heuristics noted
 * (cands->titles; heur.h) give no tag: their hits are marked dropped
 * (RESOLVE_DROPPED) and their heuristic finds removed from cands; but a
 * listed person who is a whole unquoted title after a work's noun is its
 * subject ("the book Gordon Brown wrote").  Organisations stay (a studio or a band inside a
 * title is rare).  0, or -1 when out of memory. */
int works_drop_titles(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                      uint8_t *dropped, struct heur_cands *cands);

#endif
