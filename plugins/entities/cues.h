/* cues: the words that point at a name (legal forms, roles, speech verbs,
 * prepositions, organisation nouns) as bits, for heur.c.  They are the
 * grammar of names in German and English, not names. */
#ifndef ENTITIES_CUES_H
#define ENTITIES_CUES_H

#include <stddef.h>
#include <stdint.h>

/* What a word is: legal form, generic company word, organisation word
 * (Bank, University), person role, organisation role (CEO), preposition
 * after such a role (von, of), speech verb, never a name (months,
 * currencies), organisation noun before a name (Gewerkschaft, rival),
 * preposition of place, role at the end of a compound, second part of
 * "X-Chef", last part of "X-Gruppe", head and preposition of "Council of
 * Europe" / "Verband der Automobilindustrie", a word that ends a place's
 * name or is a title rather than a name ("Station", "Prince"), an
 * article, a word of team sport (a sports report names clubs by their
 * towns: "Newcastle beat Sunderland"). */
enum cue_bit {
    C_LEGAL = 1u << 0, C_DESCR = 1u << 1, C_ORGWORD = 1u << 2, C_PROLE = 1u << 3, C_OROLE = 1u << 4,
    C_OPREP = 1u << 5, C_SPEECH = 1u << 6, C_NONNAME = 1u << 7, C_ORGHEAD = 1u << 8,
    C_PLACEPREP = 1u << 9, C_ROLESUFFIX = 1u << 10, C_ORGPART = 1u << 11, C_ORGWHOLE = 1u << 12,
    C_ORGOF = 1u << 13, C_OFPREP = 1u << 14, C_NONPERSON = 1u << 15, C_ARTICLE = 1u << 17,
    C_SPORT = 1u << 18,
    /* a holding in a company ("stake", "shares"): "a stake in X" names
     * an organisation, not a place */
    C_HOLDING = 1u << 19,
    /* a German public body named with its town ("Landesgericht Linz"),
     * also at the end of a compound */
    C_INSTITUTION = 1u << 24,
    /* an English noun after an organisation's name ("Edge magazine") */
    C_ORGTAIL = 1u << 25,
    /* a word that opens a clause after a comma ("where", "wo") */
    C_CLAUSE = 1u << 26,
    /* a German head of "HEAD für NAME" ("Zentrum für Zeitgeschichte"),
     * also at the end of a compound ("Bundesamt") */
    C_ORGFOR = 1u << 27,
    /* an acronym that names no organisation: a field, a measure, a
     * product's kind ("BIP", "DVD", "MWh") */
    C_NOTORG = 1u << 28,
    /* a given name (lexicon.h), set by heur.c from the word lists */
    C_GIVEN = 1u << 16,
    /* heur.c's own, per token: a name word (for people / organisations),
     * a hyphenated word as a whole, a comma */
    C_NAMEY0 = 1u << 20, C_NAMEY1 = 1u << 21, C_WHOLE = 1u << 22, C_COMMA = 1u << 23,
    /* heur.c's: a word in capitals of three to six letters */
    C_ACRONYM = 1u << 29,
    /* an English word before "in" and a work's title ("starred in",
     * "his role in": no place follows; cue_acting_word() tells it), or a
     * noun of a work before its title ("film", "Roman", also ending a
     * German compound: "Dokumentarfilm"; works.h) */
    C_INWORK = 1u << 30,
};

/* The last word of an event's name ("Open", "Cup"): no person's.  Bit 31
 * is outside an enum's int. */
#define C_EVENT (1u << 31)

/* Whether norm is a title of the peerage that is part of how the press
 * names its holder ("Lord Falconer", "Prince Charles"): not "Dame" or
 * "Sir", which go before a name of its own ("Dame Judi Dench"). */
int cue_peerage_title(const char *norm, size_t len);

/* Whether text (as written, one token) is a web site's domain:
 * "golem.de", "Bild.de", "fm4.orf.at"; not "www.x.at".  A URL's or an
 * address's host is the caller's to rule out (a "/" after it, an "@" or
 * "/" before). */
int cue_web_domain(const char *text, size_t len);

/* Whether norm is a role only in lower case (English occupations:
 * "actor Tom Hanks", not "Hans Singer"). */
int cue_role_lower_only(const char *norm, size_t len);
/* Build the tables (once, thread-safe).  0, or -1 when out of memory. */
int cues_init(void);
/* The lists a norm is in (enum cue_bit; 0 for none). */
uint32_t cue_bits(const char *norm, size_t len);
/* 0 when norm is in no list (cue_bits() would give 0): a filter of its
 * first and last bytes and its length, asked before it is hashed.  1: it
 * may be in one. */
int cue_may_be(const char *norm, size_t len);
/* cue_bits() with the norm's strmap_hash() (a caller that keeps it). */
uint32_t cue_bits_hashed(const char *norm, size_t len, uint32_t hash);
/* C_ROLESUFFIX / C_ORGHEAD / C_INSTITUTION / C_ORGFOR for a compound
 * that ends in a role, an organisation noun, a public body or the head of
 * "HEAD für NAME" ("Finanzminister", "Lokführergewerkschaft",
 * "Landesgericht", "Bundesamt"). */
uint32_t cue_suffix_bits(const char *norm, size_t len);
/* The nouns of a work that C_INWORK marks, English and German (NULL-
 * terminated; works.c). */
extern const char *const cue_work_nouns_en[];
extern const char *const cue_work_nouns_de[];
/* 1 when norm is a word of sport that names a tournament's round, a
 * tournament or a match: tennis and golf have them too, so they tell a
 * team's sport only beside another word of sport (heur_run()). */
int cue_sport_round(const char *norm, size_t len);
/* Whether norm is an English word of acting before "in" and a title
 * ("starred", "role"), of those C_INWORK marks. */
int cue_acting_word(const char *norm, size_t len);
/* cue_bits() of a word as written, ASCII letters folded. */
uint32_t cue_bits_ascii_ci(const char *s);

#endif
