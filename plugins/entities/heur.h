/* heur: entities the gazetteer does not know, found by cues in the text.
 *
 *   - a legal form after capitalised words: "Naura Technology Group Ltd."
 *     is the organisation Naura (trailing legal forms, generic words such
 *     as Technology, and places are cut off);
 *   - a role before a name: "Ministerpräsident Li Qiang", "CEO Jensen
 *     Huang" (person); a business role with "von/der/of/at" before one:
 *     "dem CEO von Moore Threads" (organisation);
 *   - a name before ", ROLE" or a speech verb, or after one: "Xu Bing,
 *     Mitbegründer", "Lisa Su said", "said Lisa Su" (person);
 *   - two or three capitalised words whose last word comes back alone
 *     later in the article (a surname: "Xu Bing ... hob Xu hervor"), or
 *     that end in an organisation word (Bank, University, Motors) or come
 *     before an English one ("Edge magazine"): person or organisation;
 *   - a public body with its town: "Landesgericht Linz", "Wiener
 *     Straflandesgericht", "University of Texas" (organisation);
 *   - in a sports report, the line-ups: "Everton: Martyn, Hibbert, ..."
 *     (a person each).
 * A capitalised word is a name word when it is no stop word, no role and
 * no ordinary word of the lexicon (German: not a common noun; English: not
 * a lower-case word when it starts the sentence).  Heuristics only look at
 * sentences of at least HEUR_MIN_WORDS words, so headings, bylines and
 * form labels ("Deine Email-Adresse ...") give nothing. */
#ifndef ENTITIES_HEUR_H
#define ENTITIES_HEUR_H

#include "gazetteer.h"
#include "lexicon.h"
#include "tokens.h"

#define HEUR_MIN_WORDS 6

struct heur_cand {
    uint32_t start, end;     /* token indices, end exclusive */
    enum ent_type type;
    int strong;              /* a legal form or an organisation role: beats a place inside it */
    uint32_t cover_start, cover_end; /* the words it was read from, legal form and places included */
    char *name;
    const char *rule;        /* which cue found it (for the debug log) */
    /* A legal form's word kept at the name's end ("Falic Group",
     * rule_legal_form()), or an organisation's word there ("Delta
     * Airlines", same_firm_names()): the name's length without it; else
     * 0. */
    uint32_t short_len;
};

/* The tokens [start, end) of a work's title (works.h); after_in: it
 * follows a word of acting and "in" ("her role in ..."). */
struct heur_title {
    uint32_t start, end;
    uint32_t after_in;
};

struct heur_cands {
    struct heur_cand *v;
    size_t n, cap;
    /* The titles of works that the article names ("the film Vera
     * Drake"): resolve drops the people and places inside them. */
    struct heur_title *titles;
    size_t n_titles, cap_titles;
    /* The article reads as a report on team sport: HEUR_SPORT_WORDS
     * different words of sport (cues.h, C_SPORT).  There a town's name
     * may stand for its club (resolve_sports_clubs()). */
    int sports;
};

#define HEUR_SPORT_WORDS 3

/* heur_run()'s options (flags). */
enum heur_flag {
    /* The players of a match report's team sheet are people.  Without it
     * a team sheet gives only the players the text names outside it
     * (rule_line_ups()), and its other names no tags: most are surnames
     * alone ("Walke", "Gruber"), which name no one in an archive. */
    HEUR_LINE_UP_PEOPLE = 1u << 0,
};

/* covered[i]: 0, or 1 + the type of the gazetteer hit over token i (for a
 * hyphenated word also over its parts; RESOLVE_COVERED_GENITIVE set when it
 * was found through a genitive s: resolve.h).  listed[i] (NULL: none):
 * nonzero where a sports alias is, kept or not (a club's short name): no
 * line-up takes such a word.  flags: enum heur_flag.  0, or -1 when
 * out of memory. */
int heur_run(const struct ent_toks *t, const uint8_t *covered, const uint8_t *listed, const char *lang,
             const struct lexicon *lex, unsigned flags, struct heur_cands *out);
/* Append x (c takes its name).  0, or -1 when out of memory (the name
 * then stays the caller's). */
int heur_cands_push(struct heur_cands *c, const struct heur_cand *x);
void heur_cands_free(struct heur_cands *c);
/* Removes the finds i < n_gone with gone[i] set (their names freed),
 * keeping the others in order. */
void heur_cands_remove(struct heur_cands *c, const uint8_t *gone, size_t n_gone);

#endif
