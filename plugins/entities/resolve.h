/* resolve: reconciling one article's gazetteer hits (matcher.h) and
 * heuristic finds (heur.h).  `dropped` marks hits that give no tag. */
#ifndef ENTITIES_RESOLVE_H
#define ENTITIES_RESOLVE_H

#include "gazetteer.h"
#include "heur.h"
#include "lexicon.h"
#include "matcher.h"
#include "tokens.h"

/* dropped[h]: 0, or why hit h gives no tag. */
enum { RESOLVE_DROPPED = 1, RESOLVE_UNCUED = 2,
       /* inside a longer name, for the heuristics to read: kept after all
        * when they find none there (resolve_article()) */
       RESOLVE_INSIDE = 3 };

/* Set in covered[] (beside 1 + the type) for a hit found through a
 * genitive s ("Universität Deutschlands"): no part of a name then. */
#define RESOLVE_COVERED_GENITIVE 0x10

/* A hit of an entry that needs a cue (gazetteer.h, "#!cue") without one:
 * a preposition of place before it, or ", PLACE" after it; and one that
 * begins a longer name (a capitalised word after it; in German a name
 * word, lex and lang tell).  Marked RESOLVE_UNCUED. */
void resolve_drop_uncued(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                         const struct ent_hits *hits, const struct gazetteer *gz, uint8_t *dropped);
/* A hit of an alias of a "#!adjective" line (gazetteer.h) that no
 * person or office follows (a given name right after it, a title with
 * its dot, an office of politics after up to three lower-case words:
 * "Conservative local government spokesman"), or that ends another
 * party's name ("Social Democratic").  Marked RESOLVE_UNCUED, so that
 * the heuristics may read its words. */
void resolve_drop_lone_adjectives(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                  const struct ent_hits *hits, uint8_t *dropped);
/* covered[i] = 1 + the type of the hit over token i (and over the
 * hyphenated word whose part it is; RESOLVE_COVERED_GENITIVE too for one
 * found through a genitive s), for the hits not dropped and not by a
 * sports alias. */
void resolve_mark_covered(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                          const uint8_t *dropped, uint8_t *covered);
/* A one-word place right beside a name word is part of a name ("Gary
 * Nagle"), as it is before the last word of a street's or a building's
 * name ("Leicester Square"); a one-word person (a listed surname) after a
 * name word is another person ("Kate Bush"), and a one-word organisation
 * after a given name a person's surname ("John Ford"). */
void resolve_drop_places_in_names(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                  const struct ent_hits *hits, const struct gazetteer *gz,
                                  const uint8_t *covered, uint8_t *dropped);
/* A name right after a person's title ("Lord Sainsbury", "Mr Morrison",
 * "Frau Merkel") is the person's, whatever else the lists say it is:
 * hits of organisations and places there are dropped. */
void resolve_drop_after_titles(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                               uint8_t *dropped);
/* Heuristic people whose one-word name is the last (or first) word of a
 * listed person's found in the article ("Gordon Brown" ... "Mr Brown"):
 * the same person, tagged by the list; removed from cands.  A one-word
 * person of the lists that is the last word of another's found there
 * ("Cristiano Ronaldo" ... "Ronaldo") is dropped likewise. */
void resolve_drop_surnames_of_listed(const struct ent_toks *t, const struct ent_hits *hits,
                                     const struct gazetteer *gz, uint8_t *dropped, struct heur_cands *cands);
/* A place inside an organisation found by its legal form or role, there
 * and wherever its words come back ("Shanghai Biren Technology Co."; the
 * words of an article's first 64 such names).  0, or -1 when out of
 * memory. */
int resolve_drop_places_in_orgs(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                                const struct heur_cands *cands, uint8_t *dropped);
/* In a sports report (cands->sports) a town's name stands for its club
 * ("Newcastle beat Sunderland", "wechselte nach Augsburg"), unless "in",
 * "near", "aus" or "nahe" comes before it, it is in a dateline ("Wien – ",
 * "Paris/Lissabon – "), a part of a hyphenated word ("Stanley-Cup"), or
 * goes on into a longer name ("Bath Rugby").  First, a town with one or
 * two capitalised words after it that end in a plural is a team by that
 * whole name ("Vienna Capitals", "Graz 99ers"; not after a possessive,
 * in a headline, before a longer name, a hyphenated town, or a plural of
 * people, papers, places or events: "Leeds Fans", "Manchester Evening
 * News", "Dubai Sevens").  Such a hit of an entry marked town
 * (gazetteer.h) is dropped as a place and added to cands as an
 * organisation, named as the article's organisation (teams included)
 * that begins or ends with its words ("Newcastle United", "AS Monaco",
 * "Washington Capitals"), else as written; a town that is also a nation
 * with no such organisation is left to resolve_drop_national_teams().
 * One dropped for want of a cue counts too, unless its name is a word or
 * the surname of a person the article names.  tag_lang: the language of
 * the canonical names.  0, or -1 when out of memory. */
int resolve_sports_clubs(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                         const struct ent_hits *hits, const struct gazetteer *gz, const char *tag_lang,
                         struct heur_cands *cands, uint8_t *dropped);
/* A hit by a sports alias (a "#!sport" line's, gazetteer.h) outside a
 * sports report (sports: the heuristics' cands->sports), after in, near,
 * aus or nahe (the venue), over words the heuristics read as another
 * name (cands, may be NULL: "Tony Blackburn"), or as the first word of an
 * English sentence that is also a gerund before its object ("Reading the
 * game, ...") is dropped; otherwise it
 * wins over the
 * other name of the same words that the matcher kept beside it
 * ("Preston" the town, which may have been dropped for want of a cue,
 * against Preston North End). */
void resolve_drop_sport_aliases(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                const struct ent_hits *hits, int sports, const struct heur_cands *cands,
                                uint8_t *dropped);
/* In a sports report (sports: cands->sports) a country's or nation's name
 * (an entry marked nation, gazetteer.h) stands for its national team
 * ("England beat Wales", "50 caps for Brazil", "Wales have ...", "the
 * England squad"), which is no place: such a hit is dropped unless
 * something names the place: a preposition of place before it ("in
 * Spain", "aus der Schweiz"), "of" after a person's name ("Mia Hamm of
 * the United States"), "to" after a word of travel ("the tour to New
 * Zealand"), a dateline, a person's nationality ("Paul Honiss (New
 * Zealand)", "Germany's Birgit Prinz": a given name after the possessive
 * or genitive), a list of places kept by its first ("in Katar, Portugal
 * und Spanien"), or a town before it that it ends a phrase with
 * ("Cardiff, Wales,").  Not before a team's noun ("in the England squad",
 * "Österreich-Trikot").  The article keeps the place if any of its hits
 * is kept.  After resolve_sports_clubs(), whose clubs (AS Monaco) stay. */
void resolve_drop_national_teams(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                 const struct ent_hits *hits, const struct gazetteer *gz, int sports, uint8_t *dropped);
/* In German, a listed organisation and the region or town right after
 * it are one organisation, its branch or office there ("Arbeiterkammer
 * Niederösterreich", "ORF Niederösterreich", "SPÖ Wien", "Caritas Wien");
 * not a country ("die EU Griechenland" is two names), not a town in a
 * sports report (a club), not before a longer name, a possessive or a
 * genitive.  Both hits are dropped and the organisation added to cands
 * by the lists' names in tag_lang, the organisation's and the place's
 * ("AMS Wien" and "Arbeitsmarktservice Wien" are one), or the
 * organisation's alone when it ends in the place ("SK Sturm Graz" is
 * Sturm Graz).  0, or -1 when out of memory. */
int resolve_join_org_places(const char *lang, const struct ent_toks *t, const struct ent_hits *hits,
                            const struct gazetteer *gz, const char *tag_lang, struct heur_cands *cands,
                            uint8_t *dropped);
/* All of the above for one article, in their order: hits that need a
 * cue, places inside names, names after titles, the heuristics' finds (with heuristics) into
 * cands, sports aliases outside sports reports (all of them without
 * heuristics, which tell a sports report), listed people's surnames,
 * people and places inside a work's title (works.h), places inside those
 * organisations, clubs, national teams, organisations with their places
 * (heur_flags: heur_run()'s).  covered (t->n + 1
 * bytes) and dropped (hits->n + 1) come zeroed.  0, or -1 when out of
 * memory. */
int resolve_article(const struct lexicon *lex, const char *lang, const char *tag_lang, int heuristics,
                    unsigned heur_flags, const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                    uint8_t *covered, uint8_t *dropped, struct heur_cands *cands);
/* Regions the lists lack, named by a point of the compass and a listed
 * place, added to cands as places named as written where no hit or
 * candidate is (after resolve_article(), with its covered[]).  German in
 * one word, before a listed country or region (m's one-word names; not a
 * place marked town, so not "Nordsee" nor "Ostberlin"):
 * "Südfrankreich", "Ostdeutschland", "Nordsyriens" (the genitive's s
 * cut).  English in words before a place hit, which is dropped: "East
 * Lancashire", "South East Asia"; not a word of another hit ("Comedy
 * Central Scotland"), not before the rest of a longer name ("the East
 * China Sea"), nor in a sports report, where "Northern Illinois" is a
 * team.  0, or -1 when out of memory. */
int resolve_regions(const struct matcher *m, const struct gazetteer *gz, const char *lang, const struct ent_toks *t,
                    const struct ent_hits *hits, const uint8_t *covered, uint8_t *dropped, struct heur_cands *cands);

#endif
