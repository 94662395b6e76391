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
 * ("starred in", "his role in").  The title is its
 * capitalised words, numbers and the small words between them ("of",
 * "the", "to"), after an opening quote if there is one, up to the end of
 * the sentence, a comma or WORKS_TITLE_MAX tokens (a quoted title: to
 * its closing quote, commas and all).  i itself when no title begins
 * there.  lang: the article's language ("de": the German nouns). */
size_t works_title_end(const char *lang, const struct ent_toks *t, size_t i);

#define WORKS_TITLE_MAX 10

/* People and places inside the titles the heuristics noted
 * (cands->titles; heur.h) give no tag: their hits are marked dropped
 * (RESOLVE_DROPPED) and their heuristic finds removed from cands.
 * Organisations stay (a studio or a band inside a title is rare). */
void works_drop_titles(const struct ent_hits *hits, const struct gazetteer *gz, uint8_t *dropped,
                       struct heur_cands *cands);

#endif
