/* resolve: how the gazetteer's hits and the heuristics' finds of one
 * article are reconciled before they become tags. */
#include "resolve.h"

#include "cues.h"
#include "strmap.h"
#include "works.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Mark the tokens of each hit (and a hyphenated word whose part it covers)
 * with 1 + its type. */
static void mark_hit(const struct ent_toks *t, const struct ent_hit *x, const struct gazetteer *gz, uint8_t *covered)
{
    uint8_t mark = (uint8_t)(1 + gz->v[x->entry].type);
    if (x->genitive)
        mark |= RESOLVE_COVERED_GENITIVE;
    for (uint32_t i = x->start; i < x->end; i++) {
        covered[i] = mark;
        if (t->v[i].flags & ENT_TOK_PART) {
            uint32_t j = i;
            while (j > 0 && !(t->v[j].flags & ENT_TOK_WHOLE))
                j--;
            covered[j] = mark;
        }
    }
}

void resolve_mark_covered(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                         const uint8_t *dropped, uint8_t *covered)
{
    for (size_t h = 0; h < hits->n; h++) {
        /* A sports alias counts once the heuristics have told a sports
         * report; until then its words are free ("Tony Blackburn"). */
        if (dropped[h] || hits->v[h].sport)
            continue;
        mark_hit(t, &hits->v[h], gz, covered);
    }
}

/* Whether the words (not parts) of [a, b) read the same as those of the
 * candidate c. */
static int same_words(const struct ent_toks *t, size_t a, const struct heur_cand *c, size_t *end)
{
    size_t i = a, j = c->start;
    while (j < c->end) {
        while (j < c->end && (t->v[j].flags & ENT_TOK_PART))
            j++;
        while (i < t->n && (t->v[i].flags & ENT_TOK_PART))
            i++;
        if (j == c->end)
            break;
        if (i >= t->n || t->v[i].norm_len != t->v[j].norm_len ||
            memcmp(t->v[i].norm, t->v[j].norm, t->v[j].norm_len) != 0)
            return 0;
        i++, j++;
    }
    while (i < t->n && (t->v[i].flags & ENT_TOK_PART))
        i++;
    *end = i;
    return 1;
}

/* A place inside an organisation found by its legal form or role is part
 * of that name, here and wherever the same words come back: "Shanghai
 * Biren Technology Co." is no mention of Shanghai.  Linear in the
 * article: the spans are marked once, and the words are looked for again
 * for the first STRONG_NAMES_MAX different names (an article of a
 * thousand firms would otherwise take a scan of its words each). */
#define STRONG_NAMES_MAX 64

static void drop_places_within(const struct ent_hits *hits, const struct gazetteer *gz, const uint8_t *mark,
                               uint8_t *dropped)
{
    for (size_t h = 0; h < hits->n; h++) {
        if (gz->v[hits->v[h].entry].type != ENT_PLACE)
            continue;
        size_t i = hits->v[h].start;
        while (i < hits->v[h].end && mark[i])
            i++;
        if (i == hits->v[h].end)
            dropped[h] = 1;
    }
}

int resolve_drop_places_in_orgs(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                                const struct heur_cands *cands, uint8_t *dropped)
{
    uint8_t *mark = calloc(t->n + 1, 1);
    if (!mark)
        return -1;
    const char *seen[STRONG_NAMES_MAX];
    size_t n_seen = 0;
    for (size_t k = 0; k < cands->n; k++) {
        const struct heur_cand *c = &cands->v[k];
        if (!c->strong)
            continue;
        memset(mark + c->cover_start, 1, c->cover_end - c->cover_start);
        size_t j = 0;
        while (j < n_seen && strcmp(seen[j], c->name) != 0)
            j++;
        if (j < n_seen || n_seen == STRONG_NAMES_MAX)
            continue;
        seen[n_seen++] = c->name;
        for (size_t a = 0; a < t->n; a++) {
            size_t end;
            if ((t->v[a].flags & ENT_TOK_PART) || t->v[a].norm_len != t->v[c->start].norm_len ||
                !same_words(t, a, c, &end))
                continue;
            memset(mark + a, 1, end - a);
        }
    }
    drop_places_within(hits, gz, mark, dropped);
    free(mark);
    return 0;
}

/* Titles before a person's name. */
static const char *const titles[] = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "baron",
                                     "baroness", "herr", "frau", NULL};

static int name_word(const struct lexicon *lex, const char *lang, const struct ent_tok *t, uint8_t covered)
{
    return (t->flags & ENT_TOK_WORD) && (t->flags & ENT_TOK_CAP) &&
           !(t->flags & (ENT_TOK_STOP | ENT_TOK_START | ENT_TOK_ABBREV | ENT_TOK_UPPER)) &&
           !covered && !lexicon_common(lex, lang, t->norm, t->norm_len);
}

/* A given name before a word: a person's first name, also when it is an
 * ordinary word too ("Matt Dawson", "Mark Chester": matt, mark) or
 * opens the sentence.  Not a month or a weekday ("in April Dallas"), not
 * a stop word ("Will"); in German not a noun ("die Mark Brandenburg"). */
static int given_name_before(const struct lexicon *lex, const char *lang, const struct ent_tok *g, uint8_t covered,
                             int cues)
{
    return lex->have_given && (g->flags & ENT_TOK_WORD) && (g->flags & ENT_TOK_CAP) &&
           !(g->flags & (ENT_TOK_PART | ENT_TOK_UPPER | ENT_TOK_STOP | ENT_TOK_ABBREV)) && !covered &&
           !tok_possessive(g) && lexicon_given(lex, lang, g->norm, g->norm_len) &&
           !(cues && (cue_bits(g->norm, g->norm_len) & C_NONNAME)) &&
           !(strcmp(lang, "de") == 0 && lexicon_common(lex, lang, g->norm, g->norm_len));
}

/* "M.": a capital and its dot, a given name's initial. */
static int is_initial(const struct ent_tok *t)
{
    return t->text_len == 2 && t->text[0] >= 'A' && t->text[0] <= 'Z' && t->text[1] == '.';
}

static int lang_is_de(const char *lang)
{
    return lang && strcmp(lang, "de") == 0;
}

/* Whether the word is written as the entry's name or one of its aliases
 * (not an inflected form the matcher also takes: "Nils" for Nil). */
static int spelt_as_listed(const struct gz_entry *e, const struct ent_tok *w)
{
    if (strlen(e->name) == w->text_len && strncasecmp(e->name, w->text, w->text_len) == 0)
        return 1;
    for (uint32_t k = 0; k < e->n_aliases; k++)
        if (strlen(e->aliases[k]) == w->text_len && strncasecmp(e->aliases[k], w->text, w->text_len) == 0)
            return 1;
    return 0;
}

/* A one-word place right beside a name word is part of a person's or a
 * company's name: "Gary Nagle", "Stacy Baar", "Shanghai Biren", and so
 * is one after a given name ("Matt Dawson": Dawson, Yukon).  Not
 * across a possessive, which ends a name: "London's Leicester Square";
 * nor after an organisation's word ("University College London"), where
 * heur.c reads the place as the end of the organisation's name.
 * Before a word that ends the name of a street, square, station or
 * building it is part of that name: "Leicester Square", "Oxford Street". */
/* Whether a given name that the word lists may also have stands right
 * before the word (the hyphenated word as a whole) whose part is at i. */
static int given_before_word(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                             const uint8_t *covered, size_t i)
{
    size_t w = i;   /* the parts follow their whole word */
    while (w > 0 && !(t->v[w - 1].flags & ENT_TOK_WHOLE) && (t->v[w - 1].flags & ENT_TOK_PART))
        w--;
    w -= w > 0 && (t->v[w - 1].flags & ENT_TOK_WHOLE);
    return w > 0 && t->v[w - 1].sentence == t->v[i].sentence &&
           given_name_before(lex, lang, &t->v[w - 1], covered[w - 1], 1);
}

/* Heads of German compounds that are named after a person, not about
 * one: "Max-Planck-Institut", "Karl-Marx-Straße", "Konrad-Adenauer-
 * Stiftung", "Thomas-Mann-Preis". */
static const char *const named_after_heads[] = {
    "institut", "gesellschaft", "stiftung", "schule", "gymnasium", "universität", "hochschule", "akademie",
    "kolleg", "zentrum", "museum", "bibliothek", "archiv", "haus", "hof", "halle", "saal", "stadion", "park",
    "kaserne", "krankenhaus", "klinik", "klinikum", "spital", "straße", "strasse", "gasse", "platz", "allee",
    "weg", "ring", "brücke", "denkmal", "preis", "medaille", "orden", NULL};

/* Whether token w, the last part of a hyphenated word, is a head of
 * named_after_heads, in the genitive too ("des Max-Planck-Instituts"). */
static int named_after_head(const struct ent_tok *w)
{
    if (!(w->flags & ENT_TOK_PART_LAST))
        return 0;
    size_t len = w->norm_len;
    if (norm_in_list(w->norm, len, named_after_heads))
        return 1;
    if (len > 1 && w->norm[len - 1] == 's' && norm_in_list(w->norm, len - 1, named_after_heads))
        return 1;
    return len > 2 && memcmp(w->norm + len - 2, "es", 2) == 0 && norm_in_list(w->norm, len - 2, named_after_heads);
}

void resolve_drop_places_in_names(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                 const struct ent_hits *hits, const struct gazetteer *gz,
                                 const uint8_t *covered, uint8_t *dropped)
{
    /* The cue words' table (built once); without memory no word is one. */
    int cues = cues_init() == 0;
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        enum ent_type type = gz->v[x->entry].type;
        const struct ent_tok *last = &t->v[x->end - 1], *next = x->end < t->n ? &t->v[x->end] : NULL;
        int in_word = (last->flags & ENT_TOK_PART) && !(last->flags & ENT_TOK_PART_LAST);
        /* A listed surname begins another's double name after a given
         * name: "Cornelia Füllkrug-Weitzel" (not "die Hitler-Tagebücher",
         * "Lauda-Air"). */
        /* A person's full name that a compound is named after names no
         * person: "Max-Planck-Institut", "die Karl-Marx-Straße" (not the
         * surname alone: "Trump-Regierung", "Goethe-Institut"). */
        if (type == ENT_PERSON && x->end - x->start >= 2 && in_word && (t->v[x->start].flags & ENT_TOK_PART) &&
            named_after_head(next)) {
            dropped[h] = 1;
            continue;
        }
        if (type == ENT_PERSON &&
            (x->end - x->start >= 2 || (in_word && given_before_word(lex, lang, t, covered, x->start)))) {
            /* A listed person's name that goes on is another person's:
             * "Sophie Turner Laing", "Justine Henin-Hardenne"; not a German
             * genitive before what it owns: "Ridley Scotts Blade Runner". */
            int genitive = lang_is_de(lang) && last->text_len > 1 && last->text[last->text_len - 1] == 's';
            if (next && next->sentence == last->sentence && !tok_possessive(last) && !genitive &&
                (in_word || !(next->flags & ENT_TOK_PART)) && name_word(lex, lang, next, covered[x->end]))
                dropped[h] = 1;   /* not "Amy-Winehouse-Bio", "Nina-Hagen-Band" */
            continue;
        }
        if (x->end - x->start != 1 || (t->v[x->start].flags & ENT_TOK_PART))
            continue;
        size_t i = x->start;
        if (type == ENT_ORG) {
            /* A company's name of one word after a given name is a
             * surname: "John Ford", "Michael Dell"; also after the given
             * name's initial: "John M. Ford". */
            size_t gi = i;
            if (gi > 1 && is_initial(&t->v[gi - 1]) && t->v[gi - 1].sentence == t->v[i].sentence)
                gi--;
            const struct ent_tok *g = gi > 0 ? &t->v[gi - 1] : NULL;
            if (g && lex->have_given && g->sentence == t->v[i].sentence && (g->flags & ENT_TOK_CAP) &&
                !(g->flags & (ENT_TOK_PART | ENT_TOK_UPPER)) && !tok_possessive(g) && !covered[gi - 1] &&
                lexicon_given(lex, lang, g->norm, g->norm_len) &&
                !(cues && (cue_bits(g->norm, g->norm_len) & C_NONNAME)))   /* "in April Google" */
                dropped[h] = 1;
            continue;
        }
        if (type != ENT_PLACE && type != ENT_PERSON)
            continue;
        /* Not after an organisation's word, whose name it ends
         * ("University College London": heur.c takes it in). */
        int before = i > 0 && t->v[i - 1].sentence == t->v[i].sentence &&
                     !(t->v[i - 1].flags & ENT_TOK_PART) && !tok_possessive(&t->v[i - 1]) &&
                     name_word(lex, lang, &t->v[i - 1], covered[i - 1]) &&
                     !(cues && (cue_bits(t->v[i - 1].norm, t->v[i - 1].norm_len) & C_ORGWORD));
        if (((type == ENT_PLACE && !gz->v[x->entry].nation) || type == ENT_PERSON) && !before && i > 0 &&
            t->v[i - 1].sentence == t->v[i].sentence)
            before = given_name_before(lex, lang, &t->v[i - 1], covered[i - 1], cues);
        int after = i + 1 < t->n && t->v[i + 1].sentence == t->v[i].sentence && !tok_possessive(&t->v[i]) &&
                    name_word(lex, lang, &t->v[i + 1], covered[i + 1]);
        /* Before a given name and a name word it names the place, and a
         * person follows: "envoy to Ukraine Kurt Volker".  Not in German,
         * where a nation's name is also a nationality's noun ("dem Polen
         * Jakub Szymanski"). */
        if (after && type == ENT_PLACE && !lang_is_de(lang) && i + 2 < t->n &&
            t->v[i + 2].sentence == t->v[i].sentence &&
            given_name_before(lex, lang, &t->v[i + 1], covered[i + 1], cues) &&
            name_word(lex, lang, &t->v[i + 2], covered[i + 2]))
            after = 0;
        /* A given name that reads as an inflected place before a
         * capitalised word is the person's: "Nils Bergfreund" (Nil's
         * genitive), where the surname reads as a compound noun. */
        if (!after && type == ENT_PLACE && lang_is_de(lang) && i + 1 < t->n &&
            t->v[i + 1].sentence == t->v[i].sentence && (t->v[i + 1].flags & ENT_TOK_CAP) &&
            !(t->v[i + 1].flags & (ENT_TOK_STOP | ENT_TOK_PART)) && !covered[i + 1] &&
            lexicon_given(lex, lang, t->v[i].norm, t->v[i].norm_len) == LEXICON_GIVEN_NAME &&
            !spelt_as_listed(&gz->v[x->entry], &t->v[i]))
            after = 1;
        /* Before a building's word it names the building ("Victoria
         * Station"); in English before a trophy's word, the trophy
         * ("Stanley Cup", "Ryder Cup"; not the events a town holds and
         * names, "Hyderabad Open", "Boston Marathon", "Athens Games"; not
         * in German, whose "Wien Open" has the town). */
        static const char *const sport_events[] = {"cup", "trophy", NULL};
        int building = i + 1 < t->n && t->v[i + 1].sentence == t->v[i].sentence && !tok_possessive(&t->v[i]) &&
                       (t->v[i + 1].flags & ENT_TOK_CAP) && cues &&
                       ((cue_bits(t->v[i + 1].norm, t->v[i + 1].norm_len) & C_NONPERSON) ||
                        (type == ENT_PLACE && !lang_is_de(lang) && !gz->v[x->entry].nation &&
                         tok_norm_in(&t->v[i + 1], sport_events)));
        /* A Romance noun of a building goes on with its particle: "Stade
         * de France" (Stade, Lower Saxony); a town does not ("Santiago de
         * Chile" keeps Santiago). */
        static const char *const particles[] = {"de", "du", "del", "della", "di", NULL};
        static const char *const romance_nouns[] = {"stade", "estadio", "stadio", "parc", "parque", "parco", "porte",
                                                    "puerta", "gare", "palais", "palacio", "palazzo", "plaza",
                                                    "piazza", "campo", "teatro", "museo", "torre", "villa", NULL};
        building |= type == ENT_PLACE && tok_norm_in(&t->v[i], romance_nouns) && i + 2 < t->n &&
                    t->v[i + 2].sentence == t->v[i].sentence &&
                    !(t->v[i + 1].flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) && tok_norm_in(&t->v[i + 1], particles) &&
                    (t->v[i + 2].flags & ENT_TOK_CAP) && !tok_possessive(&t->v[i]);
        /* A listed surname after another given name is another person:
         * "Kate Bush", "Jeb Bush", "Florian Bieber" (a given name the
         * word lists also have); after a title it is the listed one's
         * ("Mr Putin"). */
        if (type == ENT_PERSON ? before && !tok_norm_in(&t->v[i - 1], titles) : (before || after || building))
            dropped[h] = 1;
    }
}

/* A place that names a currency with "dollar" names no place: "3,4
 * Milliarden US-Dollar", "the US dollar" (but "US-Handels-
 * beschränkungen" names the country).  Not a name of two words or more
 * apart ("the Hong Kong dollar"), whose words the heuristics would read
 * as a person's once free.  Nor one that names a competition in a
 * German compound: "die Europa-League-Qualifikation" (the words apart,
 * "Europa League", begin a longer name already). */
static void drop_places_of_currencies_and_cups(const struct ent_toks *t, const struct ent_hits *hits,
                                               const struct gazetteer *gz, uint8_t *dropped)
{
    static const char *const currencies[] = {"dollar", "dollars", NULL};
    static const char *const competitions[] = {"league", "cup", NULL};
    /* a firm's after a town's name: "im Magna-Konzern", "die
     * Magna-Aktie" (not after a nation's or a region's: "US-Aktien",
     * "Europa-Aktien") */
    static const char *const firms[] = {"konzern", "konzerns", "aktie", "aktien", NULL};
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        if (dropped[h] || gz->v[x->entry].type != ENT_PLACE || x->end >= t->n)
            continue;
        const struct ent_tok *last = &t->v[x->end - 1], *next = &t->v[x->end];
        /* the next part of the same word, or the next word */
        int part = (last->flags & ENT_TOK_PART) && !(last->flags & ENT_TOK_PART_LAST);
        if (next->sentence == last->sentence &&
            (((part || (!(next->flags & ENT_TOK_PART) && x->end == x->start + 1)) && tok_norm_in(next, currencies)) ||
             (part && (tok_norm_in(next, competitions) || (tok_norm_in(next, firms) && gz->v[x->entry].town)))))
            dropped[h] = RESOLVE_DROPPED;
    }
}

/* A listed short name in capitals that is an ordinary word of the
 * article's language names nothing in a sentence written in capitals, a
 * heading or a shout, where every word is in capitals: "WHAT IS THE
 * POINT" names no IS, "IN DER BILD STEHT" no paper.  Most of the words
 * around it (up to eight either side, three or more) in capitals tell
 * such a sentence. */
static void drop_words_in_capitals(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                   const struct ent_hits *hits, uint8_t *dropped)
{
    if (!lang_is_de(lang) && strcmp(lang, "en") != 0)
        return;
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        const struct ent_tok *w = &t->v[x->start];
        if (dropped[h] || x->end != x->start + 1 || !(w->flags & ENT_TOK_UPPER))
            continue;
        size_t words = 0, upper = 0;
        for (size_t i = x->start > 8 ? x->start - 8 : 0; i < t->n && i <= x->start + 8; i++)
            if (i != x->start && t->v[i].sentence == w->sentence && (t->v[i].flags & ENT_TOK_WORD) &&
                !(t->v[i].flags & ENT_TOK_PART)) {
                words++;
                upper += (t->v[i].flags & ENT_TOK_UPPER) != 0;
            }
        if (words >= 3 && 2 * upper > words && lexicon_common(lex, lang, w->norm, w->norm_len))
            dropped[h] = RESOLVE_DROPPED;
    }
}

/* A listed name of one word in capitals that is a market data code
 * (tok_market_code(): ".DJI" is the Dow, not the drone maker). */
static void drop_market_codes(const struct ent_toks *t, const struct ent_hits *hits, uint8_t *dropped)
{
    for (size_t h = 0; h < hits->n; h++) {
        size_t i = hits->v[h].start;
        if (hits->v[h].end == i + 1 && (t->v[i].flags & ENT_TOK_UPPER) &&
            tok_market_code(i > 0 ? &t->v[i - 1] : NULL, &t->v[i], i + 1 < t->n ? &t->v[i + 1] : NULL))
            dropped[h] = RESOLVE_DROPPED;
    }
}

/* The words of a trophy or a tournament that a body's name goes before:
 * not every event's (C_EVENT): a summit, a conference or a festival of a
 * body is the body's own doing ("the NATO Summit", "the Labour Party
 * Conference"). */
static const char *const trophies[] = {"cup", "trophy", "open", "prix", "awards", "championship",
                                       "championships", NULL};

/* An organisation's name before a trophy's or a tournament's word names
 * that, not the body: "the FA Cup", "the Heineken Cup", "the Screen
 * Actors Guild Awards", "the RBS Six Nations" (the body that runs or
 * sponsors it is no party to the story). */
static void drop_orgs_before_trophies(const struct ent_toks *t, const struct ent_hits *hits,
                                      const struct gazetteer *gz, uint8_t *dropped)
{
    static const char *const counts[] = {"six", "tri", "four", NULL};
    for (size_t h = 0; h < hits->n; h++) {
        /* Not a possessive: "the BBC's World Cup coverage" is the BBC's. */
        if (gz->v[hits->v[h].entry].type != ENT_ORG || tok_possessive(&t->v[hits->v[h].end - 1]))
            continue;
        /* The trophy's word right after the name, or after one more word
         * of the event's ("the Norwich Union Grand Prix", "the RBS Six
         * Nations"). */
        for (size_t j = hits->v[h].end; j < t->n && j < hits->v[h].end + 2; j++) {
            const struct ent_tok *w = &t->v[j];
            if (w->sentence != t->v[j - 1].sentence || !(w->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)))
                break;
            if (tok_norm_in(w, trophies) ||
                (j > hits->v[h].end && w->norm_len == 7 && memcmp(w->norm, "nations", 7) == 0 &&
                 tok_norm_in(&t->v[j - 1], counts))) {
                dropped[h] = RESOLVE_DROPPED;
                break;
            }
        }
    }
}

/* Whether token p, right before a listed name at p + 1, is a word of a
 * longer name: capitalised, in the same sentence, not its first word, no
 * acronym, stop word or part, no other hit's, no possessive and no
 * English proper adjective or name of its own ("the Dutch ING Group"). */
static int name_word_before(const struct lexicon *lex, const struct ent_toks *t, const uint8_t *covered, size_t p)
{
    const struct ent_tok *w = &t->v[p];
    return w->sentence == t->v[p + 1].sentence && !covered[p] && (w->flags & ENT_TOK_WORD) &&
           (w->flags & ENT_TOK_CAP) && !(w->flags & (ENT_TOK_STOP | ENT_TOK_START | ENT_TOK_PART | ENT_TOK_UPPER)) &&
           !tok_possessive(w) && !lexicon_en_proper(lex, w->norm, w->norm_len);
}

/* A listed organisation's name inside a longer one is that one's word,
 * not a mention of it:
 *   - in English, before an organisation's word that ends the longer
 *     name: "the Federal Labour Agency" names no Labour Party;
 *   - a name that is an organisation's word itself, after two name words:
 *     "am Mobile World Congress" names no US Congress ("the Republican
 *     Congress", one word, does).
 * German capitalises every noun ("der Versicherer Allianz Group"), so
 * the first is not read there, and the second wants words that are
 * English or no German ones.  Marked RESOLVE_INSIDE: resolve_article()
 * keeps the hit after all when the heuristics find no name over its
 * words. */
static void drop_orgs_inside_names(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                   const struct ent_hits *hits, const struct gazetteer *gz,
                                   const uint8_t *covered, uint8_t *dropped)
{
    int de = lang_is_de(lang);
    for (size_t h = 0; h < hits->n; h++) {
        size_t i = hits->v[h].start, j = hits->v[h].end;
        if (dropped[h] || gz->v[hits->v[h].entry].type != ENT_ORG || i == 0 ||
            !name_word_before(lex, t, covered, i - 1))
            continue;
        const struct ent_tok *after = j < t->n ? &t->v[j] : NULL;
        if (!de && after && after->sentence == t->v[i].sentence && (after->flags & ENT_TOK_WORD) &&
            (after->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) && !(after->flags & ENT_TOK_PART) &&
            (cue_bits(after->norm, after->norm_len) & C_ORGWORD)) {
            dropped[h] = RESOLVE_INSIDE;
            continue;
        }
        if (j != i + 1 || i < 2 || (t->v[i].flags & (ENT_TOK_UPPER | ENT_TOK_PART)) ||
            !(cue_bits(t->v[i].norm, t->v[i].norm_len) & C_ORGWORD) || !name_word_before(lex, t, covered, i - 2))
            continue;
        /* In German the words must be English ones or no German ones. */
        int german = 0;
        for (size_t k = i - 2; de && k < i && !german; k++)
            german = (lexicon_de_listed(lex, t->v[k].norm, t->v[k].norm_len) ||
                      lexicon_common(lex, "de", t->v[k].norm, t->v[k].norm_len)) &&
                     !lexicon_common(lex, "en", t->v[k].norm, t->v[k].norm_len);
        if (!german)
            dropped[h] = RESOLVE_INSIDE;
    }
}

/* A listed organisation that is the part of a hyphenated word right
 * after a given name is a person's surname there: "die
 * Konrad-Bayer-Textvertonung", "die Heinrich-Porsche-Straße" name no
 * firm. */
static void drop_orgs_after_given_parts(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                        const struct ent_hits *hits, const struct gazetteer *gz, uint8_t *dropped)
{
    for (size_t h = 0; h < hits->n; h++) {
        size_t i = hits->v[h].start;
        if (dropped[h] || gz->v[hits->v[h].entry].type != ENT_ORG || i < 2 || !(t->v[i].flags & ENT_TOK_PART))
            continue;
        const struct ent_tok *g = &t->v[i - 1];
        if ((g->flags & ENT_TOK_PART) && (g->flags & ENT_TOK_CAP) && !(g->flags & ENT_TOK_UPPER) &&
            lexicon_given(lex, lang, g->norm, g->norm_len) == LEXICON_GIVEN_NAME)
            dropped[h] = RESOLVE_DROPPED;
    }
}

/* Determiners of a German noun that no name of an organisation takes:
 * "eine Allianz", "keine Visa". */
static const char *const indefinite_de[] = {
    "ein", "eine", "einer", "einen", "einem", "eines", "kein", "keine", "keiner", "keinen", "keinem", "keines",
    "mehrere", "mehreren", "viele", "vielen", "einige", "einigen", "manche", "manchen", "solche", "solchen",
    "jede", "jeder", "jedes", "jeden", "jedem", "diverse", "diversen", NULL};
/* Determiners before an adjective of a German noun phrase ("der
 * US-geführten Allianz"), the definite ones too. */
static const char *const determiners_de[] = {
    "der", "die", "das", "den", "dem", "des", "zum", "zur", "im", "am", "beim", "vom", "ins", "ans", "diese",
    "dieser", "diesen", "diesem", "dieses", NULL};

/* Adjectives that go on a body's name as well as on a noun: of time
 * ("der damaligen Kommunalkredit", "die neue Bundesregierung"), without
 * their endings; those of nations and places, in -isch ("die
 * österreichische Bundesregierung"), are told by their ending. */
static const char *const adjectives_of_names_de[] = {
    "deutsch", "damalig", "ehemalig", "früher", "bisherig", "heutig", "jetzig", "künftig", "neu", "alt",
    "amtierend", "scheidend", "gesamt", NULL};

/* Whether lowercase word w ends as a German adjective before its noun
 * does (-e, -en, -em, -er, -es); its length without the ending in
 * *base. */
static int adjective_de(const struct ent_tok *w, size_t *base)
{
    const char *n = w->norm;
    size_t len = w->norm_len;
    if (len < 3)
        return 0;
    if (n[len - 1] == 'e')
        *base = len - 1;
    else if (n[len - 2] == 'e' && (n[len - 1] == 'n' || n[len - 1] == 'm' || n[len - 1] == 'r' || n[len - 1] == 's'))
        *base = len - 2;
    else
        return 0;
    return 1;
}

/* Whether adjective w (without its ending: base bytes) is one that a
 * body's name takes as well (adjectives_of_names_de, or one of a nation
 * or a place, in -isch). */
static int adjective_of_names_de(const struct ent_tok *w, size_t base)
{
    return (base >= 4 && memcmp(w->norm + base - 4, "isch", 4) == 0) ||
           norm_in_list(w->norm, base, adjectives_of_names_de);
}

/* In German a listed organisation of one word that is also a common word
 * of the language ("Allianz": alliance, "Bundesrat": a member of the
 * Federal Council, "Grüne": green) is that word where the text uses it as
 * one: after an indefinite determiner ("eine Allianz", "ein grüner
 * Bundesrat"), or after a determiner and an adjective in lower case ("der
 * US-geführten Allianz", "den linken Demokraten", "eine neue Allianz"); and
 * one with an adjective's ending right before a common noun is that
 * noun's adjective ("Grüne Infrastruktur").  A name takes none of these,
 * but for the adjectives of time and of nations after a definite
 * determiner ("die deutsche Bundespolizei", "die neue Bundesregierung"). */
static void drop_german_nouns_as_orgs(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                      const struct ent_hits *hits, const struct gazetteer *gz, uint8_t *dropped)
{
    if (!lang_is_de(lang))
        return;
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        size_t i = x->start;
        const struct ent_tok *w = &t->v[i];
        int type = gz->v[x->entry].type;
        if (dropped[h] || x->end != i + 1 || (type != ENT_ORG && type != ENT_PRODUCT) ||
            (w->flags & (ENT_TOK_PART | ENT_TOK_UPPER)) || !(w->flags & ENT_TOK_CAP) ||
            !lexicon_common(lex, "de", w->norm, w->norm_len))
            continue;
        /* A party named by an adjective, as the adjective of a noun:
         * "Grüne Infrastruktur", "der Grüne Wähler"; not before a role
         * ("Diakonie Direktor ...", for "Diakonie-Direktor"). */
        size_t base;
        const struct ent_tok *next = i + 1 < t->n ? &t->v[i + 1] : NULL;
        if (adjective_de(w, &base) && w->norm[w->norm_len - 1] != 'r' && next && next->sentence == w->sentence &&
            (next->flags & ENT_TOK_CAP) && !(next->flags & (ENT_TOK_PART | ENT_TOK_UPPER | ENT_TOK_WHOLE)) &&
            lexicon_common(lex, "de", next->norm, next->norm_len) &&
            !(cue_bits(next->norm, next->norm_len) & (C_PROLE | C_OROLE))) {
            dropped[h] = RESOLVE_DROPPED;
            continue;
        }
        const struct ent_tok *b = i > 0 ? &t->v[i - 1] : NULL;
        if (!b || b->sentence != w->sentence || !(b->flags & ENT_TOK_WORD))
            continue;
        if (tok_norm_in(b, indefinite_de)) {
            dropped[h] = RESOLVE_DROPPED;
            continue;
        }
        /* An adjective in lower case, a hyphenated one too
         * ("US-geführten"): its last part, and the determiner before the
         * whole word, which comes before its parts. */
        if ((b->flags & (ENT_TOK_CAP | ENT_TOK_UPPER | ENT_TOK_STOP)) || !adjective_de(b, &base))
            continue;
        size_t k = i - 1;
        while (k > 0 && (t->v[k].flags & ENT_TOK_PART))
            k--;
        if (k == 0 || t->v[k - 1].sentence != w->sentence)
            continue;
        const struct ent_tok *d = &t->v[k - 1];
        if (tok_norm_in(d, indefinite_de) || (tok_norm_in(d, determiners_de) && !adjective_of_names_de(b, base)))
            dropped[h] = RESOLVE_DROPPED;
    }
}

/* The hits drop_orgs_inside_names() set aside stay set aside where a
 * candidate of the heuristics covers their words, and come back where
 * none does: a name is never lost for want of a longer one. */
static void keep_orgs_left_inside(const struct ent_toks *t, const struct ent_hits *hits,
                                  const struct gazetteer *gz, const struct heur_cands *cands, uint8_t *covered,
                                  uint8_t *dropped)
{
    for (size_t h = 0; h < hits->n; h++) {
        if (dropped[h] != RESOLVE_INSIDE)
            continue;
        const struct ent_hit *x = &hits->v[h];
        size_t k = 0;
        while (k < cands->n && !(cands->v[k].start < x->end && x->start < cands->v[k].end))
            k++;
        dropped[h] = k < cands->n ? RESOLVE_DROPPED : 0;
        if (!dropped[h] && !x->sport)
            mark_hit(t, x, gz, covered);
    }
}

void resolve_drop_after_titles(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                               uint8_t *dropped)
{
    for (size_t h = 0; h < hits->n; h++) {
        size_t i = hits->v[h].start;
        if (gz->v[hits->v[h].entry].type != ENT_PERSON && i > 0 && t->v[i - 1].sentence == t->v[i].sentence &&
            (t->v[i - 1].flags & ENT_TOK_CAP) && !(t->v[i].flags & ENT_TOK_PART) && tok_norm_in(&t->v[i - 1], titles))
            dropped[h] = RESOLVE_DROPPED;
    }
}

static const char *const place_preps[] = {"in", "im", "aus", "nach", "bei", "nahe", "near", "from", "at", NULL};
/* English ones, with "of": "the town of Yola", "the province of
 * Adamawa". */
static const char *const place_nouns_en[] = {"town", "city", "village", "province", "state", "county", "district",
                                             "region", "port", NULL};
/* Directions from a place, with von/of: "südöstlich von Bethlehem",
 * "north of Yola". */
static const char *const directions[] = {"nördlich", "südlich", "östlich", "westlich", "nordöstlich", "nordwestlich",
                                         "südöstlich", "südwestlich", "north", "south", "east", "west", "northeast",
                                         "northwest", "southeast", "southwest", "north-east", "north-west",
                                         "south-east", "south-west", "outside", NULL};

/* Whether token w is a German noun of a place named right after it
 * ("in der Stadt Yola", "im Bundesstaat Adamawa": the nouns of cues.c's
 * place_preps), or a compound ending in "stadt" or "dorf" ("Hafenstadt",
 * "Nachbardorf"). */
static int place_noun_de(const struct ent_tok *w)
{
    if (!(w->flags & ENT_TOK_CAP))
        return 0;
    if (cue_bits(w->norm, w->norm_len) & C_PLACEPREP)
        return 1;
    return (w->norm_len > 5 && memcmp(w->norm + w->norm_len - 5, "stadt", 5) == 0) ||
           (w->norm_len > 4 && memcmp(w->norm + w->norm_len - 4, "dorf", 4) == 0);
}

/* Whether the words before token i name it as a place: a noun of a place
 * right before it ("die Stadt Yola"), or one of those English nouns or a
 * direction and "of"/"von" ("the town of Yola", "südlich von
 * Bethlehem"). */
static int place_named_before(const struct ent_toks *t, size_t i)
{
    const struct ent_tok *b = i > 0 ? &t->v[i - 1] : NULL;
    if (!b || b->sentence != t->v[i].sentence || (b->flags & ENT_TOK_PART))
        return 0;
    if (place_noun_de(b))
        return 1;
    static const char *const of[] = {"of", "von", NULL};
    if (i < 2 || !tok_norm_in(b, of) || t->v[i - 2].sentence != b->sentence)
        return 0;
    const struct ent_tok *a = &t->v[i - 2];
    return tok_norm_in(a, directions) || tok_norm_in(a, place_nouns_en);
}

/* Whether the capitalised word at j, after last, goes on a name that last
 * ends: "at Oxford Economics", "in Leicester Square"; not a stop word
 * ("the best Liverpool I have seen").  German capitalises
 * every noun ("in Wolfsburg Stellen streichen"): there only a name word
 * does. */
static int begins_name(const struct lexicon *lex, const char *lang, const struct ent_toks *t, size_t j,
                       const struct ent_tok *last)
{
    return j < t->n && t->v[j].sentence == last->sentence && !(t->v[j].flags & ENT_TOK_PART) &&
           (t->v[j].flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) && !(t->v[j].flags & ENT_TOK_STOP) && !tok_possessive(last) &&
           (!lang || strcmp(lang, "de") != 0 || name_word(lex, lang, &t->v[j], 0));
}

/* Whether t is a US state's postal code in capitals ("IL"). */
static int us_postal_code(const struct ent_tok *t)
{
    static const char codes[] = "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
                                "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY";
    if (t->text_len != 2 || !(t->flags & ENT_TOK_UPPER))
        return 0;
    for (size_t i = 0; i + 1 < sizeof codes; i += 3)
        if (codes[i] == t->text[0] && codes[i + 1] == t->text[1])
            return 1;
    return 0;
}

/* Whether ", PLACE" follows hit h ("Baar, Switzerland"), a nation when
 * nation is set ("Istanbul, Turkey"; not a list of clubs by their towns,
 * "Luton, Preston, Queens Park Rangers"). */
static int place_after_comma(const struct ent_toks *t, const struct ent_hits *hits, size_t h,
                             const struct gazetteer *gz, int nation)
{
    size_t j = hits->v[h].end;
    if (!(j + 1 < t->n && t->v[j].norm_len == 1 && t->v[j].norm[0] == ','))
        return 0;
    /* The next hit after this one's own words: a sports alias of the
     * same words may sit right after it (matcher.h). */
    size_t k = h + 1;
    while (k < hits->n && hits->v[k].start == hits->v[h].start)
        k++;
    if (k == hits->n || hits->v[k].start != j + 1)
        return 0;
    const struct gz_entry *e = &gz->v[hits->v[k].entry];
    return e->type == ENT_PLACE && (!nation || e->nation);
}

/* What follows a German noun and never a town: a genitive's determiner,
 * or a month ("nach Ende des Streiks", "von Ende November"). */
static const char *const after_noun_de[] = {
    "des", "der", "eines", "einer", "seines", "seiner", "ihres", "ihrer", "dieses", "dieser", "jedes", "jeder",
    "januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
    "november", "dezember", NULL};

/* Whether hit x, a name of the towns that are words too (a "#!cue" line
 * not marked town), is a German noun going on as a noun does: "nach Ende
 * des Streiks" is no town Ende, after "nach" as it may be. */
static int german_noun_phrase(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                              const struct ent_hit *x, const struct gz_entry *e)
{
    size_t i = x->start;
    return !e->town && x->end == i + 1 && lang && strcmp(lang, "de") == 0 && i + 1 < t->n &&
           t->v[i + 1].sentence == t->v[i].sentence && tok_norm_in(&t->v[i + 1], after_noun_de) &&
           lexicon_common(lex, "de", t->v[i].norm, t->v[i].norm_len);
}

/* Whether a hit of an entry that needs a cue (a file marked "#!cue", such
 * as the towns list) has one: a preposition of place before it ("in
 * Wolfsburg"), or ", PLACE" after it ("Baar, Switzerland"); and no
 * capitalised word right after it, nor what goes on a German noun. */
static int cued(const struct lexicon *lex, const char *lang, const struct ent_toks *t, const struct ent_hits *hits,
                size_t h, const struct gazetteer *gz)
{
    const struct ent_hit *x = &hits->v[h];
    size_t i = x->start;
    while (i > 0 && (t->v[i].flags & ENT_TOK_PART))
        i--;  /* a part: what stands before its word */
    size_t j = x->end;
    /* The town begins a longer name, whose words the heuristics read. */
    if (begins_name(lex, lang, t, j, &t->v[x->end - 1]) || german_noun_phrase(lex, lang, t, x, &gz->v[x->entry]))
        return 0;
    if (i > 0 && t->v[i - 1].sentence == t->v[x->start].sentence && tok_norm_in(&t->v[i - 1], place_preps))
        return 1;
    if (place_named_before(t, i))
        return 1;
    if (place_after_comma(t, hits, h, gz, 0))
        return 1;
    /* ", IL", ", GA": a US state's postal code after a town (tour dates,
     * addresses), at the end of its phrase: not "Allen, ME too". */
    if (j + 1 < t->n && t->v[j].norm_len == 1 && t->v[j].norm[0] == ',' && t->v[j + 1].sentence == t->v[j].sentence &&
        us_postal_code(&t->v[j + 1]) &&
        !(j + 2 < t->n && t->v[j + 2].sentence == t->v[j].sentence && (t->v[j + 2].flags & ENT_TOK_WORD) &&
          !(t->v[j + 2].flags & (ENT_TOK_CAP | ENT_TOK_UPPER))))
        return 1;
    return 0;
}

void resolve_drop_uncued(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                         const struct ent_hits *hits, const struct gazetteer *gz, uint8_t *dropped)
{
    for (size_t h = 0; h < hits->n; h++)
        if (gz->v[hits->v[h].entry].needs_cue && !cued(lex, lang, t, hits, h, gz))
            dropped[h] = RESOLVE_UNCUED;
}

/* ---- papers by names that are words ("#!media") ------------------------- */

/* Articles a paper's name takes in a sentence: "sagte der Presse",
 * "told the Sun". */
static const char *const media_articles[] = {"der", "die", "dem", "des", "the", NULL};
/* Words of the press whose name follows them ("die Tageszeitung
 * Österreich", "the tabloid Sun"); German compounds end in them too
 * ("Gratiszeitung", "Nachrichtenmagazin"). */
static const char *const press_nouns[] = {"zeitung", "blatt", "magazin", "illustrierte", "newspaper", "paper",
                                          "tabloid", "magazine", "daily", "weekly", NULL};
/* What a paper does or what it prints, before or after its name ("berichtete
 * die Krone", "the Mirror reported", "einem Bericht der Presse"). */
static const char *const press_verbs[] = {
    "berichtet", "berichtete", "berichten", "berichteten", "schreibt", "schrieb", "meldet", "meldete",
    "zitiert", "zitierte", "enthüllte", "reported", "reports", "wrote", "writes", "revealed", "reveals",
    "claimed", "claims", "said", "says", "quoted", "quotes", NULL};
static const char *const press_pieces[] = {
    "bericht", "berichten", "interview", "interviews", "gespräch", "artikel", "kolumne", "leitartikel",
    "report", "story", "article", "column", "editorial", "poll", "umfrage", "ausgabe", "edition", NULL};
/* Before a press piece's paper: "Interview mit der Presse", "an interview
 * with the Sun", "a column in the Times". */
static const char *const press_links[] = {"mit", "with", "in", "im", "für", "for", "to", NULL};
static const char *const telling[] = {"told", "tells", "tell", "telling", "erzählte", "verriet", "bestätigte",
                                      "sagten", NULL};
/* Who tells, between the speech verb and the paper: "sagte er der
 * Presse" (a name too: "sagte Heino der Bild"). */
static const char *const tellers[] = {"er", "sie", "es", "ich", "wir", "man", "he", "she", "they", "we", NULL};
static const char *const per[] = {"laut", NULL};

/* Whether word w ends in one of press_nouns ("Tageszeitung"). */
static int press_noun(const struct ent_tok *w)
{
    for (const char *const *n = press_nouns; *n; n++) {
        size_t l = strlen(*n);
        if (w->norm_len >= l && memcmp(w->norm + w->norm_len - l, *n, l) == 0 &&
            (w->norm_len == l || (w->flags & ENT_TOK_CAP)))
            return 1;
    }
    return 0;
}

/* Whether token p is a word in the sentence of token of, for the cues below. */
static int cue_word(const struct ent_toks *t, size_t p, const struct ent_tok *of)
{
    return t->v[p].sentence == of->sentence && (t->v[p].flags & ENT_TOK_WORD);
}

/* Whether hit x, a paper's name that is also a word, is named as a
 * paper: after "laut" or "according to"; as what a speech verb tells
 * ("sagte er der Presse", "told the Sun"); after a word of the press
 * ("die Tageszeitung Österreich") or a piece in it ("einem Bericht der
 * Presse", "im Interview mit dem Falter"); before or after what a paper
 * does ("berichtete die Krone", "the Mirror reported"). */
static int named_as_paper(const struct ent_toks *t, const struct ent_hit *x)
{
    const struct ent_tok *first = &t->v[x->start];
    size_t i = x->start;
    /* A part names a paper only as its word's first ("Krone-Bericht"; no
     * "ET-News"), and is read from before its word. */
    if ((first->flags & ENT_TOK_PART) && !(i > 0 && (t->v[i - 1].flags & ENT_TOK_WHOLE)))
        return 0;
    while (i > 0 && (t->v[i].flags & ENT_TOK_PART))
        i--;
    /* After the name: "the Mirror reported", "Krone-Bericht".  Another
     * capitalised word there goes on a longer name ("the Star Wars
     * actor", "der Krone Multimedia"). */
    size_t j = x->end;
    if (j < t->n && t->v[j].sentence == first->sentence) {
        const struct ent_tok *after = &t->v[j];
        if ((after->flags & ENT_TOK_PART) ? tok_norm_in(after, press_pieces)
                                          : tok_norm_in(after, press_verbs) || press_noun(after))
            return 1;
        if ((after->flags & ENT_TOK_WORD) && (after->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) &&
            !(after->flags & ENT_TOK_PART))
            return 0;
    }
    if (i == 0 || !cue_word(t, i - 1, first))
        return 0;
    size_t w = i - 1;
    /* A word of the press right before the name: "Tageszeitung Österreich". */
    if (press_noun(&t->v[w]))
        return 1;
    int article = tok_norm_in(&t->v[w], media_articles) && !tok_norm_in(first, media_articles);
    if (article) {
        if (w == 0 || !cue_word(t, w - 1, first))
            return 0;
        w--;
    }
    const struct ent_tok *b = &t->v[w];
    if (tok_norm_in(b, per) || tok_norm_in(b, press_verbs) || press_noun(b) ||
        tok_norm_in(b, press_pieces))
        return 1;
    if (w > 0 && cue_word(t, w - 1, first) && b->norm_len == 2 && memcmp(b->norm, "to", 2) == 0 &&
        t->v[w - 1].norm_len == 9 && memcmp(t->v[w - 1].norm, "according", 9) == 0)
        return 1;
    if (w > 0 && cue_word(t, w - 1, first) && tok_norm_in(b, press_links) && tok_norm_in(&t->v[w - 1], press_pieces))
        return 1;
    /* Told: the verb, or (with the article of a dative) a speech verb
     * right before it or before who tells ("sagte er der Presse", "sagte
     * Heino der Zeitung"); not across a preposition ("sagte sie in der
     * Zeit nach dem Krieg"). */
    if (tok_norm_in(b, telling))
        return 1;
    if (!article)
        return 0;
    size_t v = w;
    for (size_t n = 0; n < 2 && v > 0 && cue_word(t, v - 1, first) &&
                       (tok_norm_in(&t->v[v], tellers) || (t->v[v].flags & ENT_TOK_CAP));
         n++)
        v--;
    const struct ent_tok *verb = &t->v[v];
    return (cue_bits(verb->norm, verb->norm_len) & C_SPEECH) || tok_norm_in(verb, telling);
}

/* Papers' names of "#!media" lines where the text does not name them as
 * papers are dropped; where it does, a name of the same words from
 * another line (the country Österreich beside the paper) is. */
static void resolve_drop_unnamed_media(const struct ent_toks *t, const struct ent_hits *hits, uint8_t *dropped)
{
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        if (!x->media || dropped[h])
            continue;
        if (!named_as_paper(t, x)) {
            dropped[h] = RESOLVE_DROPPED;
            continue;
        }
        for (size_t k = h; k-- > 0 && hits->v[k].start == x->start;)
            if (hits->v[k].end == x->end && !hits->v[k].media)
                dropped[k] = RESOLVE_DROPPED;
    }
}

/* Offices of politics, in any case, singular and plural. */
static const char *const political_offices[] = {
    "leader", "leaders", "chairman", "chairwoman", "co-chairman", "chair", "spokesman", "spokeswoman",
    "spokesperson", "mp", "mps", "mep", "meps", "msp", "msps", "senator", "senators", "congressman",
    "congresswoman", "congressmen", "representative", "governor", "governors", "president", "presidents",
    "candidate", "candidates", "nominee", "nominees", "minister", "ministers", "secretary", "whip", "peer",
    "peers", "councillor", "councillors", "councilman", "councilwoman", "lawmaker", "lawmakers", "legislator",
    "legislators", "politician", "politicians", "mayor", "hopeful", "hopefuls", "strategist", "strategists",
    "delegate", "delegates", "challenger", "incumbent", "backbencher", "backbenchers", "frontbencher", NULL};
/* Capitalised words before a party's adjective that make it part of
 * another party's name ("Social Democratic leader", "Progressive
 * Conservative leader"). */
static const char *const party_prefixes[] = {"social", "christian", "progressive", "free", "new", "national",
                                             "united", "radical", "young", NULL};

/* Whether the adjective hit x names its entry: a person or an office
 * follows it, in the same sentence: a given name right after it, a title
 * with its dot ("Sen.", "Gov."), an office of politics (in any case:
 * "Republican Senator John McCain"), with up to three words in lower
 * case before the office that are no stop words ("Conservative local
 * government spokesman", "Democratic presidential candidate"; not
 * "Conservative estimates suggest voters"); another party after "and" or
 * "or" is passed over ("Conservative and Labour MPs").  Not after a
 * capitalised word that begins another party's name. */
static int adjective_names(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                           const struct ent_hit *x)
{
    /* The cue words' table (built once); without memory no word is one. */
    int cues = cues_init() == 0;
    size_t i = x->start, j = x->end;
    if (i > 0 && t->v[i - 1].sentence == t->v[i].sentence && (t->v[i - 1].flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) &&
        tok_norm_in(&t->v[i - 1], party_prefixes))
        return 0;
    if (j >= t->n)
        return 0;
    uint32_t sentence = t->v[i].sentence;
    size_t lower = 0;
    for (size_t k = j; k < t->n && t->v[k].sentence == sentence; k++) {
        const struct ent_tok *w = &t->v[k];
        if (!(w->flags & ENT_TOK_WORD))
            return 0;
        /* A capitalised office before another capitalised word that is
         * no given name is a name's ("Republican Governors Association");
         * in a line of capitals every word is capitalised. */
        if (tok_norm_in(w, political_offices))
            return !(w->flags & ENT_TOK_CAP) || (w->flags & ENT_TOK_UPPER) || k + 1 >= t->n ||
                   t->v[k + 1].sentence != sentence ||
                   !(t->v[k + 1].flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) ||
                   lexicon_given(lex, lang, t->v[k + 1].norm, t->v[k + 1].norm_len);
        /* A given name right after it: "Conservative Graham Brady"; not
         * after other words ("Conservative commentator Ann Coulter"). */
        if (w->flags & (ENT_TOK_CAP | ENT_TOK_UPPER))
            return (lower == 0 && lexicon_given(lex, lang, w->norm, w->norm_len)) ||
                   (w->norm[w->norm_len - 1] == '.' && cues && (cue_bits(w->norm, w->norm_len) & C_PROLE));
        static const char *const ors[] = {"and", "or", NULL};
        if (tok_norm_in(w, ors)) {
            if (k + 1 < t->n && t->v[k + 1].sentence == sentence && (t->v[k + 1].flags & ENT_TOK_CAP) &&
                !(t->v[k + 1].flags & ENT_TOK_START)) {
                k++;   /* "Conservative and Labour MPs" */
                continue;
            }
            return 0;
        }
        if ((w->flags & ENT_TOK_STOP) || ++lower > 3)
            return 0;
    }
    return 0;
}

void resolve_drop_lone_adjectives(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                  const struct ent_hits *hits, uint8_t *dropped)
{
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        if (x->adjective && !dropped[h] && !adjective_names(lex, lang, t, x))
            dropped[h] = RESOLVE_UNCUED;
    }
}

static const char *const venue_preps[] = {"in", "near", "aus", "nahe", NULL};

/* Whether token i, a town, is where the game is: after venue_preps.  Not
 * German "nach", which as often names the club ("wechselt nach Augsburg",
 * "in der Tabelle nach Salzburg"). */
static int at_venue(const struct ent_toks *t, size_t i)
{
    static const char *const ands[] = {"and", "or", "und", "oder", NULL};
    static const char *const saints[] = {"st", "st.", "saint", "sankt", NULL};
    if (i > 0 && t->v[i - 1].sentence == t->v[i].sentence && tok_norm_in(&t->v[i - 1], venue_preps))
        return 1;
    /* "in the U.S. Virgin Islands"; and a saint's town is a place's name
     * ("St. Croix"), no club's. */
    if (i > 1 && t->v[i - 2].sentence == t->v[i].sentence && t->v[i - 1].norm_len == 3 &&
        memcmp(t->v[i - 1].norm, "the", 3) == 0 && tok_norm_in(&t->v[i - 2], venue_preps))
        return 1;
    if (i > 0 && t->v[i - 1].sentence == t->v[i].sentence && (t->v[i - 1].flags & ENT_TOK_CAP) &&
        tok_norm_in(&t->v[i - 1], saints))
        return 1;
    /* The second of two towns after the preposition: "tournament wins in
     * Wrexham and Edinburgh". */
    return i > 2 && t->v[i - 3].sentence == t->v[i].sentence && tok_norm_in(&t->v[i - 1], ands) &&
           (t->v[i - 2].flags & ENT_TOK_CAP) && tok_norm_in(&t->v[i - 3], venue_preps);
}

/* "to" names a place after these ("the Lions tour to New Zealand"), a
 * team elsewhere ("lost to Wales"). */
static const char *const travels[] = {"tour", "trip", "return", "returned", "move", "moved", "moving", "travel",
                                      "travelled", "traveled", "flight", "flew", "back", NULL};

/* "to" after one of travels before token i: "the Lions tour to New
 * Zealand" (for countries only: "his move to Sunderland" is the club). */
static int travel_to(const struct ent_toks *t, size_t i)
{
    return i > 1 && t->v[i - 1].sentence == t->v[i].sentence && t->v[i - 1].norm_len == 2 &&
           memcmp(t->v[i - 1].norm, "to", 2) == 0 && tok_norm_in(&t->v[i - 2], travels);
}

static int is_dash(const struct ent_tok *t)
{
    return (t->norm_len == 1 && t->norm[0] == '-') ||
           (t->norm_len == 3 && (memcmp(t->norm, "\xE2\x80\x93", 3) == 0 || memcmp(t->norm, "\xE2\x80\x94", 3) == 0));
}

static int is_slash(const struct ent_tok *t)
{
    return t->norm_len == 1 && t->norm[0] == '/';
}

/* Whether the town over tokens [a, end) is in a dateline: "Wien – ",
 * "Paris/Lissabon – ", "St. Petersburg/Moskau – ", "LOS ANGELES (AP) — ",
 * "COLUMBIA, S.C. (AP) — ": capitalised words, slashes, commas and an
 * agency in brackets from the sentence's start to a dash. */
static int in_dateline(const struct ent_toks *t, size_t a, size_t end)
{
    size_t i = a;
    while (i > 0 && t->v[i - 1].sentence == t->v[a].sentence && !(t->v[i].flags & ENT_TOK_START) &&
           (is_slash(&t->v[i - 1]) || (t->v[i - 1].flags & (ENT_TOK_CAP | ENT_TOK_UPPER | ENT_TOK_PART))))
        i--;
    if (!(t->v[i].flags & ENT_TOK_START))
        return 0;
    for (size_t j = end; j < t->n && j < end + 8 && t->v[j].sentence == t->v[a].sentence; j++) {
        if (is_dash(&t->v[j]))
            return 1;
        const struct ent_tok *w = &t->v[j];
        int mark = w->norm_len == 1 && (w->norm[0] == '(' || w->norm[0] == ')' || w->norm[0] == ',');
        if (!is_slash(w) && !mark && !(w->flags & (ENT_TOK_CAP | ENT_TOK_UPPER | ENT_TOK_PART | ENT_TOK_ABBREV)))
            return 0;
    }
    return 0;
}

/* Tokens [a, b) as written, apart by blanks, a possessive cut off the
 * last; the whole of a hyphenated word is left out (its parts follow).
 * NULL when out of memory. */
static char *words_as_written(const struct ent_toks *t, size_t a, size_t b)
{
    size_t cap = 1;
    for (size_t i = a; i < b; i++)
        cap += t->v[i].text_len + 1;
    char *s = malloc(cap), *o = s;
    if (!s)
        return NULL;
    for (size_t i = a; i < b; i++) {
        const struct ent_tok *x = &t->v[i];
        if ((x->flags & ENT_TOK_WHOLE) && i + 1 < b)
            continue;
        size_t len = x->text_len - (i + 1 == b ? tok_possessive(x) : 0);
        if (o != s)
            *o++ = ' ';
        memcpy(o, x->text, len);
        o += len;
    }
    *o = '\0';
    return s;
}

/* Adds a find of type over tokens [a, b) under name (malloc'd; NULL when
 * the caller ran out of memory), which the list then owns.  0, or -1
 * with name freed. */
static int push_found(struct heur_cands *cands, uint32_t a, uint32_t b, enum ent_type type, int strong, char *name,
                      const char *rule)
{
    struct heur_cand c = {a, b, type, strong, a, b, name, rule, 0};
    if (!name || heur_cands_push(cands, &c) < 0) {
        free(name);
        return -1;
    }
    return 0;
}

/* An organisation of the words [a, b) as the text writes them, in place
 * of hit h (dropped there): 0, or -1 out of memory. */
static int org_in_place_of(const struct ent_toks *t, size_t h, uint32_t a, uint32_t b, int strong, const char *rule,
                           struct heur_cands *cands, uint8_t *dropped)
{
    if (push_found(cands, a, b, ENT_ORG, strong, words_as_written(t, a, b), rule) < 0)
        return -1;
    dropped[h] = RESOLVE_DROPPED;
    return 0;
}

/* Whether name begins with "town " or ends with " town". */
static int names_club_of(const char *name, const char *town)
{
    size_t n = strlen(name), k = strlen(town);
    return n > k + 1 && ((memcmp(name, town, k) == 0 && name[k] == ' ') ||
                         (memcmp(name + n - k, town, k) == 0 && name[n - k - 1] == ' '));
}

static const char *club_of(const struct ent_hits *hits, const struct gazetteer *gz, const char *tag_lang,
                           const struct heur_cands *cands, size_t n_cands, const uint8_t *dropped, const char *town)
{
    for (size_t h = 0; h < hits->n; h++) {
        const struct gz_entry *e = &gz->v[hits->v[h].entry];
        const char *name = gz_entry_name(e, tag_lang);
        if (!dropped[h] && e->type == ENT_ORG && names_club_of(name, town))
            return name;
    }
    for (size_t k = 0; k < n_cands; k++)
        if (cands->v[k].type == ENT_ORG && names_club_of(cands->v[k].name, town))
            return cands->v[k].name;
    return NULL;
}

static int same_norm(const struct ent_tok *a, const struct ent_tok *b)
{
    return a->norm_len == b->norm_len && memcmp(a->norm, b->norm, a->norm_len) == 0;
}

/* The listed people named in full that resolve_drop_surnames_of_listed()
 * compares with, one hit of each entry: an article names a few.  Past
 * LONG_PEOPLE_MAX more are not asked, so that a text of names costs a
 * bounded time a word. */
#define LONG_PEOPLE_MAX 64

/* The last word of a listed person's name, alone ("Gordon Brown" ... "Mr
 * Brown"), or the first ("Gordon"), as the heuristics found it (a person,
 * or a place after a preposition): the same person, whom the hit tags.
 * Likewise a one-word person of the lists that is the last word of
 * another's ("Cristiano Ronaldo" ... "Ronaldo"). */
void resolve_drop_surnames_of_listed(const struct ent_toks *t, const struct ent_hits *hits,
                                     const struct gazetteer *gz, uint8_t *dropped, struct heur_cands *cands)
{
    size_t people[LONG_PEOPLE_MAX], n_people = 0;
    for (size_t h = 0; h < hits->n && n_people < LONG_PEOPLE_MAX; h++) {
        const struct ent_hit *x = &hits->v[h];
        if (dropped[h] || gz->v[x->entry].type != ENT_PERSON || x->end - x->start < 2)
            continue;
        size_t k = 0;
        while (k < n_people && hits->v[people[k]].entry != x->entry)
            k++;
        if (k == n_people)
            people[n_people++] = h;
    }
    if (n_people == 0)
        return;
    for (size_t k = 0; k < hits->n; k++) {
        const struct ent_hit *y = &hits->v[k];
        if (dropped[k] || gz->v[y->entry].type != ENT_PERSON || y->end - y->start != 1)
            continue;
        for (size_t j = 0; j < n_people && !dropped[k]; j++) {
            const struct ent_hit *x = &hits->v[people[j]];
            if (x->entry != y->entry && same_norm(&t->v[x->end - 1], &t->v[y->start]))
                dropped[k] = 1;
        }
    }
    size_t out = 0;
    for (size_t k = 0; k < cands->n; k++) {
        struct heur_cand *c = &cands->v[k];
        int same = 0;
        size_t len = strlen(c->name);
        /* A place the heuristics read after a preposition is the person
         * too: "forced to draft in Kluivert" after "Patrick Kluivert". */
        int word = (c->type == ENT_PERSON || c->type == ENT_PLACE) && !strchr(c->name, ' ');
        for (size_t j = 0; !same && word && j < n_people; j++) {
            const struct ent_hit *x = &hits->v[people[j]];
            const struct ent_tok *first = &t->v[x->start], *last = &t->v[x->end - 1];
            /* the text of the hit's word, a possessive cut off as
             * span_name() cuts it from the candidate's */
            same = (last->text_len == len + tok_possessive(last) && memcmp(last->text, c->name, len) == 0) ||
                   (first->text_len == len && memcmp(first->text, c->name, len) == 0);
        }
        if (same)
            free(c->name);
        else
            cands->v[out++] = *c;
    }
    cands->n = out;
}

/* Whether w is the last word of a person the article names: "Greenwood"
 * after "Will Greenwood" is him, not the town. */
static int surname_of_someone(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                              const struct heur_cands *cands, size_t n_cands, const struct ent_tok *w)
{
    for (size_t k = 0; k < n_cands; k++)
        if (cands->v[k].type == ENT_PERSON && cands->v[k].end - cands->v[k].start > 1 &&
            same_norm(&t->v[cands->v[k].end - 1], w))
            return 1;
    for (size_t h = 0; h < hits->n; h++)
        if (gz->v[hits->v[h].entry].type == ENT_PERSON && hits->v[h].end - hits->v[h].start > 1 &&
            same_norm(&t->v[hits->v[h].end - 1], w))
            return 1;
    return 0;
}

/* A word of a person: its norm's hash and its token, sorted by hash. */
struct word_ref {
    uint32_t hash, tok;
};

static int cmp_word_ref(const void *a, const void *b)
{
    const struct word_ref *x = a, *y = b;
    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

static int has_word(const struct ent_toks *t, const struct word_ref *v, size_t n, const struct ent_tok *w)
{
    struct word_ref key = {strmap_hash(w->norm, w->norm_len), 0};
    const struct word_ref *f = bsearch(&key, v, n, sizeof *v, cmp_word_ref);
    if (!f)
        return 0;
    while (f > v && f[-1].hash == key.hash)
        f--;
    for (; f < v + n && f->hash == key.hash; f++)
        if (same_norm(&t->v[f->tok], w))
            return 1;
    return 0;
}

/* A one-word place that is the surname of someone the article names is
 * that person, said again: "wrote Taylor" after "Martin Taylor", "Durham
 * might proceed" after "John Durham".  Not after a preposition of place
 * or direction ("in Durham", "moved to Durham"), nor in a sports report,
 * where a town stands for its club and a club's name may read as a
 * person's ("Dinamo Minsk").  -1 when out of memory. */
static int drop_places_that_are_surnames(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                         const struct ent_hits *hits, const struct gazetteer *gz,
                                         const struct heur_cands *cands, uint8_t *dropped)
{
    static const char *const towards[] = {"in", "im", "aus", "nach", "bei", "near", "from", "at", "to", "into",
                                          "zu", "von", NULL};
    /* The last words of someone found by a given name, or listed: a
     * name read from capitals alone may be anything's ("Kriegsland
     * Ukraine"); a set, so that each place asks once. */
    struct word_ref *people = malloc((cands->n + hits->n + 1) * sizeof *people);
    if (!people)
        return -1;
    size_t n = 0;
    for (size_t k = 0; k < cands->n; k++) {
        const struct heur_cand *c = &cands->v[k];
        const struct ent_tok *first = &t->v[c->start], *last = &t->v[c->end - 1];
        if (c->type == ENT_PERSON && c->end - c->start > 1 && lex->have_given &&
            lexicon_given(lex, lang, first->norm, first->norm_len))
            people[n++] = (struct word_ref){strmap_hash(last->norm, last->norm_len), c->end - 1};
    }
    for (size_t k = 0; k < hits->n; k++) {
        const struct ent_hit *y = &hits->v[k];
        if (!dropped[k] && gz->v[y->entry].type == ENT_PERSON && y->end - y->start > 1)
            people[n++] = (struct word_ref){strmap_hash(t->v[y->end - 1].norm, t->v[y->end - 1].norm_len), y->end - 1};
    }
    qsort(people, n, sizeof *people, cmp_word_ref);
    /* One entry a word: a name said a thousand times would make every
     * look-up walk a thousand equal hashes. */
    size_t kept = 0;
    for (size_t k = 0; k < n; k++)
        if (kept == 0 || people[kept - 1].hash != people[k].hash ||
            !same_norm(&t->v[people[kept - 1].tok], &t->v[people[k].tok]))
            people[kept++] = people[k];
    n = kept;
    for (size_t h = 0; h < hits->n && n > 0; h++) {
        const struct ent_hit *x = &hits->v[h];
        size_t i = x->start;
        /* "in Taylor's case" is his, after the preposition too. */
        if (dropped[h] || gz->v[x->entry].type != ENT_PLACE || x->end - i != 1 || (t->v[i].flags & ENT_TOK_PART) ||
            (i > 0 && t->v[i - 1].sentence == t->v[i].sentence && tok_norm_in(&t->v[i - 1], towards) &&
             !tok_possessive(&t->v[i])))
            continue;
        if (has_word(t, people, n, &t->v[i]))
            dropped[h] = 1;
    }
    free(people);
    return 0;
}

void resolve_drop_sport_aliases(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                const struct ent_hits *hits, int sports, const struct heur_cands *cands,
                                uint8_t *dropped)
{
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        if (!x->sport)
            continue;
        /* The heuristics read its words as another name. */
        int read = 0;
        for (size_t k = 0; cands && k < cands->n && !read; k++)
            read = cands->v[k].start < x->end && x->start < cands->v[k].end;
        /* The venue, not the club: "das Auswärtsspiel in Altach". */
        size_t i = x->start;
        while (i > 0 && (t->v[i].flags & ENT_TOK_PART))
            i--;
        int venue = at_venue(t, i);
        const struct ent_tok *first = &t->v[x->start];
        /* An English gerund with its object there ("Reading the game
         * well, ..."; "Reading boss Steve Coppell" is the club); German
         * capitalises every noun anyway. */
        static const char *const objects[] = {"the", "a", "an", "this", "that", "his", "her", "their", "its",
                                              "about", "through", NULL};
        int word = (first->flags & ENT_TOK_START) && lex && lang && strcmp(lang, "en") == 0 &&
                   first->norm_len > 4 && memcmp(first->norm + first->norm_len - 3, "ing", 3) == 0 &&
                   x->end < t->n && tok_norm_in(&t->v[x->end], objects) &&
                   lexicon_common(lex, lang, first->norm, first->norm_len);
        if (!sports || venue || read || word) {
            dropped[h] = RESOLVE_DROPPED;
            continue;
        }
        /* The matcher keeps the other name of the same words right
         * before it: in a sports report the club is meant. */
        if (h > 0 && !hits->v[h - 1].sport && hits->v[h - 1].start == x->start && hits->v[h - 1].end == x->end)
            dropped[h - 1] = RESOLVE_DROPPED;
    }
}

/* Plurals after a town that name no team: events ("Dubai Sevens"), and
 * people, papers and places of the town ("Leeds Fans", "Manchester
 * Evening News", "Liverpool Docks"). */
static const char *const not_teams[] = {"sevens", "games", "championships", "nationals", "olympics", "paralympics",
                                        "masters", "finals", "series", "awards", "trials", "fans", "supporters",
                                        "players", "news", "times", "docks", "gardens", "studios", "heights",
                                        "streets", "residents", "officials", "councils", "schools", "airports",
                                        "stations", "markets", NULL};

/* Whether the words of at's sentence are all capitalised but for stop
 * words: an English headline ("Joy for Leeds Fans as Promotion Sealed"). */
static int headline(const struct ent_toks *t, size_t at)
{
    uint32_t sentence = t->v[at].sentence;
    size_t a = at, e = at;
    while (a > 0 && t->v[a - 1].sentence == sentence)
        a--;
    while (e < t->n && t->v[e].sentence == sentence)
        e++;
    for (size_t i = a; i < e; i++)
        if ((t->v[i].flags & ENT_TOK_WORD) && !(t->v[i].flags & (ENT_TOK_CAP | ENT_TOK_UPPER | ENT_TOK_STOP)))
            return 0;
    return 1;
}

/* The end of a team's name that begins with the town ending at end: one
 * or two capitalised words (or a number's plural, "99ers") after it, the
 * last a plural of four letters or more ("Capitals", "Maple Leafs"); 0
 * when none. */
static size_t team_name_end(const struct lexicon *lex, const char *lang, const struct ent_toks *t, size_t end)
{
    if (tok_possessive(&t->v[end - 1]))
        return 0;  /* "Newcastle's Geordies" */
    for (size_t j = end; j < t->n && j < end + 2; j++) {
        const struct ent_tok *w = &t->v[j];
        int numeral = w->text_len > 3 && w->text[0] >= '0' && w->text[0] <= '9' &&
                      memcmp(w->text + w->text_len - 3, "ers", 3) == 0;
        if (w->sentence != t->v[end - 1].sentence || (w->flags & (ENT_TOK_PART | ENT_TOK_WHOLE | ENT_TOK_STOP)) ||
            tok_possessive(w) || (!(w->flags & ENT_TOK_CAP) && !numeral))
            return 0;
        if (w->text_len >= 4 && w->text[w->text_len - 1] == 's' && !(w->flags & ENT_TOK_UPPER)) {
            /* Not a longer name ("Cardiff Arms Park"), nor not_teams. */
            if (tok_norm_in(w, not_teams) || begins_name(lex, lang, t, j + 1, w))
                return 0;
            /* English headlines capitalise every word (German ones do
             * not, and German capitalises nouns anyway). */
            return lang && strcmp(lang, "en") == 0 && headline(t, end - 1) ? 0 : j + 1;
        }
    }
    return 0;
}

/* What resolve_sports_clubs() works out once per article: the tokens
 * the heuristics' finds were read from (a town among them is theirs), and
 * the club of each town met so far (club_of() reads every hit and find:
 * asked again for each mention of a town, a long report of clubs was
 * quadratic). */
struct club_pass {
    uint8_t *found;            /* per token: inside a find's cover */
    struct town_club {
        char *town;
        const char *club;      /* NULL: none */
    } *memo;
    size_t n_memo, cap_memo;
};

static void club_pass_free(struct club_pass *cp)
{
    for (size_t i = 0; i < cp->n_memo; i++)
        free(cp->memo[i].town);
    free(cp->memo);
    free(cp->found);
}

/* club_of() for town, remembered.  0, or -1 when out of memory. */
static int club_of_memo(struct club_pass *cp, const struct ent_hits *hits, const struct gazetteer *gz,
                        const char *tag_lang, const struct heur_cands *cands, size_t n_cands, const uint8_t *dropped,
                        const char *town, const char **club)
{
    for (size_t i = 0; i < cp->n_memo; i++)
        if (strcmp(cp->memo[i].town, town) == 0) {
            *club = cp->memo[i].club;
            return 0;
        }
    *club = club_of(hits, gz, tag_lang, cands, n_cands, dropped, town);
    if (cp->n_memo == cp->cap_memo) {
        size_t cap = cp->cap_memo ? 2 * cp->cap_memo : 8;
        struct town_club *v = realloc(cp->memo, cap * sizeof *v);
        if (!v)
            return -1;
        cp->memo = v;
        cp->cap_memo = cap;
    }
    char *copy = strdup(town);
    if (!copy)
        return -1;
    cp->memo[cp->n_memo++] = (struct town_club){copy, *club};
    return 0;
}

/* resolve_sports_clubs() for hit h: in pass 0 only a team by its whole
 * name, in pass 1 the rest.  n_found: the heuristics' finds in cands;
 * n_named: those and the teams.  0, or -1 when out of memory. */
static int sports_club_of_hit(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                              const struct ent_hits *hits, const struct gazetteer *gz, const char *tag_lang,
                              struct heur_cands *cands, uint8_t *dropped, size_t h, int pass, size_t n_found,
                              size_t n_named, struct club_pass *cp)
{
    const struct ent_hit *x = &hits->v[h];
    const struct gz_entry *e = &gz->v[x->entry];
    if (e->type != ENT_PLACE || !e->town || (dropped[h] && dropped[h] != RESOLVE_UNCUED))
        return 0;
    const struct ent_tok *first = &t->v[x->start], *last = &t->v[x->end - 1];
    /* Not a part of a hyphenated word ("Stanley-Cup"), but a town
     * whose name is the whole of one ("Villingen-Schwenningen"). */
    int whole = !(first->flags & ENT_TOK_PART) ||
                (x->start > 0 && (t->v[x->start - 1].flags & ENT_TOK_WHOLE) && (last->flags & ENT_TOK_PART_LAST));
    if (!(first->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) || !whole)
        return 0;
    /* A town needs a cue where its name is also a word ("zu Boden"). */
    if (dropped[h] == RESOLVE_UNCUED && lexicon_common(lex, lang, first->norm, first->norm_len))
        return 0;
    size_t i = x->start;
    while (i > 0 && (t->v[i].flags & ENT_TOK_PART))
        i--;  /* a part: what stands before its word */
    if (at_venue(t, i))
        return 0;
    if (in_dateline(t, i, x->end) || place_after_comma(t, hits, h, gz, 1))
        return 0;
    int inside = 0;
    for (size_t k = x->start; k < x->end && !inside; k++)
        inside = cp->found[k];
    /* The town and a plural are a team ("Washington Capitals", "Graz
     * 99ers"): the club by its whole name, the town no place.  Pass 0
     * takes every such hit, so pass 1 need not look again. */
    if (pass == 0) {
        size_t team = inside || (first->flags & ENT_TOK_PART) ? 0 : team_name_end(lex, lang, t, x->end);
        if (!team)
            return 0;
        return org_in_place_of(t, h, x->start, (uint32_t)team, 0, "sports_club", cands, dropped);
    }
    /* The town begins a longer name ("Bath Rugby"), as in cued(); the
     * heuristics read those words. */
    if (begins_name(lex, lang, t, x->end, last))
        return 0;
    if (inside || (dropped[h] == RESOLVE_UNCUED && x->end - x->start == 1 && surname_of_someone(t, hits, gz, cands, n_found, first)))
        return 0;
    /* A hyphenated name as written: the whole word, not its parts. */
    size_t a = (first->flags & ENT_TOK_PART) ? x->start - 1 : x->start;
    char *town = words_as_written(t, a, (first->flags & ENT_TOK_PART) ? x->start : x->end);
    if (!town)
        return -1;
    /* A German genitive names the town without its s ("Salzburgs
     * Kader": the club of Salzburg). */
    size_t town_len = strlen(town);
    if (x->genitive && !(first->flags & ENT_TOK_PART) && town_len > 1 &&
        (town[town_len - 1] == 's' || town[town_len - 1] == 'S'))
        town[town_len - 1] = '\0';
    const char *club;
    if (club_of_memo(cp, hits, gz, tag_lang, cands, n_named, dropped, town, &club) < 0) {
        free(town);
        return -1;
    }
    if (!club && e->nation) {
        free(town);  /* a national team (Fiji, Hong Kong): resolve_drop_national_teams() */
        return 0;
    }
    char *name = club ? strdup(club) : town;
    if (club)
        free(town);
    if (push_found(cands, x->start, x->end, ENT_ORG, 0, name, "sports_club") < 0)
        return -1;
    dropped[h] = RESOLVE_DROPPED;
    return 0;
}

int resolve_sports_clubs(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                         const struct ent_hits *hits, const struct gazetteer *gz, const char *tag_lang,
                         struct heur_cands *cands, uint8_t *dropped)
{
    if (!cands->sports)
        return 0;
    size_t n_found = cands->n;   /* the heuristics' finds; the clubs come after them */
    struct club_pass cp = {.found = calloc(t->n + 1, 1)};
    if (!cp.found)
        return -1;
    for (size_t k = 0; k < n_found; k++)
        memset(cp.found + cands->v[k].cover_start, 1, cands->v[k].cover_end - cands->v[k].cover_start);
    int rc = 0;
    /* Teams by their whole names first, so that "for Washington" is the
     * Washington Capitals wherever in the article they are named. */
    for (size_t h = 0; h < hits->n && rc == 0; h++)
        rc = sports_club_of_hit(lex, lang, t, hits, gz, tag_lang, cands, dropped, h, 0, n_found, n_found, &cp);
    size_t n_named = cands->n;
    for (size_t h = 0; h < hits->n && rc == 0; h++)
        rc = sports_club_of_hit(lex, lang, t, hits, gz, tag_lang, cands, dropped, h, 1, n_found, n_named, &cp);
    club_pass_free(&cp);
    return rc < 0 ? -1 : 0;
}

/* Words before a country that make it the place, not the team: "in
 * Spain", "nach England", "aus der Schweiz". */
static const char *const nation_preps[] = {"in", "im", "ins", "aus", "nach", "near", "nahe", "from", "across",
                                           "throughout", "around", "within", "outside", "into", "durch", NULL};
static const char *const nation_articles[] = {"the", "der", "die", "den", "dem", NULL};
/* Nouns after a country that make it the team. */
static const char *const team_nouns[] = {"squad", "side", "team", "line-up", "lineup", "xv", "camp", "set-up",
                                         "shirt", "captain", "coach", "manager", "boss", "kader", "mannschaft",
                                         "auswahl", "elf", "trikot", "teamchef", "kapitän", "trainer", NULL};
static const char *const ands[] = {",", "and", "und", "or", "oder", "&", NULL};

/* A word, or a German compound, that ends in a team noun or a player's:
 * "Nationalmannschaft", "Nationalteam", "Nationaltrainer". */
static int ends_in_team_noun(const struct ent_tok *t)
{
    /* and its players: "Brasiliens Top-Stürmer", "Senegals U23-Teamspieler" */
    static const char *const players[] = {"spieler", "stürmer", "torhüter", "tormann", "verteidiger", "goalie",
                                          "keeper", NULL};
    return tok_norm_ends_in(t, players) || tok_norm_ends_in(t, team_nouns);
}

static int is_text(const struct ent_tok *t, char c)
{
    return t->text_len == 1 && t->text[0] == c;
}

/* Whether hit h of a nation names the place in a sports report. */
static int nation_as_place(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                           const struct ent_hits *hits, const struct gazetteer *gz, size_t h, const uint8_t *dropped)
{
    const struct ent_hit *x = &hits->v[h];
    size_t i = x->start;
    while (i > 0 && (t->v[i].flags & ENT_TOK_PART))
        i--;  /* a part: what stands before its word */
    uint32_t sentence = t->v[x->start].sentence;
    const struct ent_tok *next = x->end < t->n && t->v[x->end].sentence == sentence ? &t->v[x->end] : NULL;
    /* "in the England squad", "im Österreich-Trikot": the team */
    if (next && tok_norm_in(next, team_nouns))
        return 0;
    size_t b = i;  /* before an article */
    if (b > 0 && t->v[b - 1].sentence == sentence && tok_norm_in(&t->v[b - 1], nation_articles))
        b--;
    if ((b > 0 && t->v[b - 1].sentence == sentence && tok_norm_in(&t->v[b - 1], nation_preps)) || travel_to(t, b))
        return 1;
    /* "of" after a person's name ("Mia Hamm of the United States"), not
     * after a role or another word ("the captain of England", "the
     * Republic of Ireland"). */
    if (b > 1 && t->v[b - 1].sentence == sentence && t->v[b - 1].norm_len == 2 &&
        memcmp(t->v[b - 1].norm, "of", 2) == 0 && t->v[b - 2].sentence == sentence &&
        (t->v[b - 2].flags & ENT_TOK_CAP) && !(t->v[b - 2].flags & ENT_TOK_START) &&
        !lexicon_common(lex, lang, t->v[b - 2].norm, t->v[b - 2].norm_len))
        return 1;
    if (in_dateline(t, i, x->end))
        return 1;
    /* A person's nationality: "(New Zealand)" after a name, a possessive
     * or a German genitive before a given name ("Germany's Birgit Prinz",
     * "Österreichs Golfstar Bernd Wiesberger"; not "Ireland's lead",
     * "England's World Cup squad"). */
    if (i > 0 && is_text(&t->v[i - 1], '(') && next && is_text(next, ')'))
        return 1;
    if (tok_possessive(&t->v[x->end - 1]) || x->genitive)
        for (size_t j = x->end; j < t->n && j < x->end + 3 && t->v[j].sentence == sentence; j++)
            if ((t->v[j].flags & ENT_TOK_CAP) && lexicon_given(lex, lang, t->v[j].norm, t->v[j].norm_len))
                return 1;
    /* A German genitive before a noun other than the team's: "Österreichs
     * Basketballmeister" (the country's champion), not "Österreichs
     * Nationalteam" or "Englands Kapitän". */
    if (x->genitive && strcmp(lang, "de") == 0 && next && (next->flags & ENT_TOK_CAP) &&
        (next->flags & ENT_TOK_WORD) && !ends_in_team_noun(next))
        return 1;
    /* In a list of places ("in Katar, Portugal und Spanien", kept by its
     * first; "from Scandinavia, Russia and eastern Europe"), or a town's
     * country at the end of a phrase ("Cardiff, Wales,"; not "after their
     * win in Paris, England face Italy"). */
    if (b > 1 && t->v[b - 1].sentence == sentence && tok_norm_in(&t->v[b - 1], ands))
        for (size_t k = h; k-- > 0;) {
            if (hits->v[k].end > b - 1)
                continue;
            if (hits->v[k].end < b - 1)
                break;
            const struct gz_entry *before = &gz->v[hits->v[k].entry];
            if (dropped[k] || before->type != ENT_PLACE)
                continue;
            if (before->nation || !(t->v[b - 1].norm_len == 1 && t->v[b - 1].norm[0] == ',') ||
                !next || !(next->flags & ENT_TOK_WORD) || tok_norm_in(next, ands))
                return 1;
        }
    return 0;
}

void resolve_drop_national_teams(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                 const struct ent_hits *hits, const struct gazetteer *gz, int sports, uint8_t *dropped)
{
    if (!sports)
        return;
    for (size_t h = 0; h < hits->n; h++) {
        const struct gz_entry *e = &gz->v[hits->v[h].entry];
        if (!dropped[h] && e->type == ENT_PLACE && e->nation && !nation_as_place(lex, lang, t, hits, gz, h, dropped))
            dropped[h] = RESOLVE_DROPPED;
    }
}

int resolve_join_org_places(const char *lang, const struct ent_toks *t, const struct ent_hits *hits,
                            const struct gazetteer *gz, const char *tag_lang, struct heur_cands *cands,
                            uint8_t *dropped)
{
    /* English names an office "of" its place; on the corpus an English
     * organisation right before a place was another name's neighbour
     * ("told the BBC Liverpool were unlikely to win"). */
    if (strcmp(lang, "de") != 0)
        return 0;
    /* The tokens the heuristics' finds were read from: no join over them. */
    uint8_t *found = calloc(t->n + 1, 1);
    if (!found)
        return -1;
    for (size_t k = 0; k < cands->n; k++)
        memset(found + cands->v[k].cover_start, 1, cands->v[k].cover_end - cands->v[k].cover_start);
    int rc = 0;
    for (size_t h = 0; h + 1 < hits->n; h++) {
        const struct ent_hit *o = &hits->v[h], *p = &hits->v[h + 1];
        const struct gz_entry *org = &gz->v[o->entry], *place = &gz->v[p->entry];
        /* In a sports report a town may be a club, the subject of what
         * follows. */
        if (dropped[h] || dropped[h + 1] || o->sport || org->type != ENT_ORG || place->type != ENT_PLACE ||
            place->nation || (place->town && cands->sports) || p->genitive || p->start != o->end)
            continue;
        const struct ent_tok *first = &t->v[o->start], *last = &t->v[o->end - 1], *pfirst = &t->v[p->start];
        /* Nor a place in capitals: a credit line's ("© GETTY IMAGES NORTH
         * AMERICA"), which names the agency's office, not a body. */
        if (pfirst->sentence != last->sentence || ((first->flags | pfirst->flags) & ENT_TOK_PART) ||
            !(pfirst->flags & ENT_TOK_CAP) || (pfirst->flags & ENT_TOK_UPPER) || tok_possessive(last) ||
            tok_possessive(&t->v[p->end - 1]))
            continue;
        /* Not before a longer name ("Wien Energie"). */
        if (p->end < t->n && t->v[p->end].sentence == pfirst->sentence && (t->v[p->end].flags & ENT_TOK_CAP))
            continue;
        int overlaps = 0;
        for (size_t i = o->start; i < p->end && !overlaps; i++)
            overlaps = found[i];
        if (overlaps)
            continue;
        /* By the lists' names, so that "AMS Wien" and "Arbeitsmarktservice
         * Wien" are one; the organisation's alone when it ends in the
         * place ("SK Sturm Graz": Sturm Graz). */
        const char *oname = gz_entry_name(org, tag_lang), *pname = gz_entry_name(place, tag_lang);
        size_t ol = strlen(oname), pl = strlen(pname);
        int ends = ol > pl + 1 && oname[ol - pl - 1] == ' ' && strcmp(oname + ol - pl, pname) == 0;
        char *name = malloc(ol + 1 + pl + 1);
        if (name && ends)
            memcpy(name, oname, ol + 1);
        else if (name)
            snprintf(name, ol + 1 + pl + 1, "%s %s", oname, pname);
        if (push_found(cands, o->start, p->end, ENT_ORG, 1, name, "org_place") < 0) {
            rc = -1;
            break;
        }
        dropped[h] = dropped[h + 1] = RESOLVE_DROPPED;
        h++;
    }
    free(found);
    return rc;
}

/* An organisation kept: a gazetteer hit (hit >= 0) or a heuristic find
 * (cand >= 0), on tokens [start, end). */
struct org_span {
    uint32_t start, end;
    int hit, cand;
};

static int org_span_order(const void *a, const void *b)
{
    const struct org_span *x = a, *y = b;
    return x->start != y->start ? (x->start < y->start ? -1 : 1) : 0;
}

/* Whether an organisation may end before token e and another begin there
 * as one name: the same sentence, no possessive ("the BBC's World
 * Service" is the BBC's), no hyphenated word cut apart, the second in
 * capitals or capitalised.  In German not after a noun of the language,
 * which says what the name after it is: "des Weltklimarats IPCC", "der
 * Europäischen Raumfahrtagentur ESA". */
static int joinable_at(const struct lexicon *lex, const char *lang, const struct ent_toks *t, uint32_t e)
{
    const struct ent_tok *last = &t->v[e - 1], *next = &t->v[e];
    return next->sentence == last->sentence && !tok_possessive(last) &&
           !((last->flags | next->flags) & (ENT_TOK_PART | ENT_TOK_WHOLE)) &&
           (next->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) &&
           !(lang_is_de(lang) && (lexicon_common(lex, "de", last->norm, last->norm_len) ||
                                  (last->norm_len > 4 && last->norm[last->norm_len - 1] == 's' &&
                                   lexicon_common(lex, "de", last->norm, last->norm_len - 1))));
}

/* Whether span x is one word of a list's name written otherwise, as a
 * party's members are ("Conservatives", "Democrats"): after a body, its
 * group there ("the London Assembly Conservatives", "Senate Democrats"),
 * two names. */
static int members_alias(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                         const struct org_span *x)
{
    if (x->hit < 0 || x->end != x->start + 1)
        return 0;
    const struct ent_tok *w = &t->v[x->start];
    const char *name = gz->v[hits->v[x->hit].entry].name;
    return strlen(name) != w->text_len || memcmp(name, w->text, w->text_len) != 0;
}

/* Whether token i is inside a candidate of cands. */
static int in_cand(const struct heur_cands *cands, size_t i)
{
    for (size_t k = 0; k < cands->n; k++)
        if (i >= cands->v[k].start && i < cands->v[k].end)
            return 1;
    return 0;
}

/* A broadcaster's channel: a listed name in capitals before a number of
 * one digit, "ATV 2", "SRF 2", "NBC 5", tagged as the text writes it (a
 * count has more as often as not: "von der ÖVP 50").  Not before a unit
 * or a share ("BMW 2 Prozent", "EU 3 million"). */
static int channel_numbers(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                           struct heur_cands *cands, uint8_t *dropped)
{
    static const char *const units[] = {
        "%", "prozent", "percent", "per", "million", "millionen", "mio", "mio.", "milliarden", "mrd", "mrd.",
        "billion", "billionen", "euro", "dollar", "pfund", "pounds", "yen", "jahre", "years", "punkte", "points",
        "stück", "mal", "times", "x", NULL};
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        const struct ent_tok *last = &t->v[x->end - 1];
        if (dropped[h] || x->sport || gz->v[x->entry].type != ENT_ORG || x->end >= t->n ||
            !(last->flags & ENT_TOK_UPPER) || last->text_len < 2 || last->text_len > 4 || tok_possessive(last) ||
            (last->flags & ENT_TOK_PART) || in_cand(cands, x->end))
            continue;
        const struct ent_tok *num = &t->v[x->end];
        if (num->sentence != last->sentence || num->text_len != 1 || num->text[0] < '0' || num->text[0] > '9' ||
            (num->flags & ENT_TOK_PART))
            continue;
        const struct ent_tok *after = x->end + 1 < t->n ? &t->v[x->end + 1] : NULL;
        if (after && after->sentence == num->sentence && tok_norm_in(after, units))
            continue;
        if (org_in_place_of(t, h, x->start, x->end + 1, 1, "channel_number", cands, dropped) < 0)
            return -1;
    }
    return 0;
}

/* English news names a finance ministry "the Treasury" ("the Treasury
 * said", "the Treasury's forecast"): tagged as Treasury, once, when the
 * article names no listed Treasury (HM Treasury, the Department of the
 * Treasury) already.  Not before a capitalised word, an office or a longer
 * name ("the Treasury Secretary", "the Treasury Department"), nor before
 * a security of it ("Treasury yields", "the Treasury bill market"). */
static int the_treasury(const char *lang, const struct ent_toks *t, const struct ent_hits *hits,
                        const struct gazetteer *gz, const uint8_t *covered, const uint8_t *dropped,
                        struct heur_cands *cands)
{
    static const char *const securities[] = {"yield", "yields", "bond", "bonds", "bill", "bills", "note", "notes",
                                             "security", "securities", "market", "markets", "prices", "price",
                                             "futures", "auction", "auctions", "curve", "rate", "rates", NULL};
    if (strcmp(lang, "en") != 0)
        return 0;
    for (size_t h = 0; h < hits->n; h++)
        if (!dropped[h] && gz->v[hits->v[h].entry].type == ENT_ORG &&
            strstr(gz->v[hits->v[h].entry].name, "Treasury"))
            return 0;
    for (size_t i = 1; i < t->n; i++) {
        const struct ent_tok *w = &t->v[i], *the = &t->v[i - 1];
        if (w->text_len - tok_possessive(w) != 8 || memcmp(w->text, "Treasury", 8) != 0 || covered[i] ||
            in_cand(cands, i) ||
            the->sentence != w->sentence || the->norm_len != 3 || memcmp(the->norm, "the", 3) != 0)
            continue;
        const struct ent_tok *next = i + 1 < t->n && t->v[i + 1].sentence == w->sentence ? &t->v[i + 1] : NULL;
        if (next && ((next->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) || tok_norm_in(next, securities)))
            continue;
        return push_found(cands, (uint32_t)i, (uint32_t)i + 1, ENT_ORG, 1, strdup("Treasury"), "the_treasury");
    }
    return 0;
}

/* A listed firm's name before capitalised words that end in a word of a
 * unit or an arm names that unit, no more the firm: "Deutsche Bank
 * Securities", "CIBC World Markets", "Fiat Powertrain".  Not a legal form or "Group", which name the firm itself
 * ("Volkswagen Group"), nor after a possessive; the words are no other
 * name's.  Written as the text has them. */
static int extend_listed_orgs(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                              struct heur_cands *cands, uint8_t *dropped)
{
    static const char *const units[] = {
        "securities", "markets", "financial", "research", "capital", "partners", "management", "investments",
        "ventures", "studios", "entertainment", "records", "pictures", "networks", "labs", "powertrain",
        "foundation", "channel", NULL};
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        if (dropped[h] || x->sport || x->media || x->adjective || gz->v[x->entry].type != ENT_ORG ||
            tok_possessive(&t->v[x->end - 1]))
            continue;
        /* the next kept hit's start: the words up to it are free of hits */
        uint32_t limit = (uint32_t)t->n;
        for (size_t g = h + 1; g < hits->n; g++)
            if (!dropped[g] && hits->v[g].start >= x->end) {
                limit = hits->v[g].start;
                break;
            }
        size_t end = 0;
        for (size_t k = x->end; k < limit && k < x->end + 3; k++) {
            const struct ent_tok *w = &t->v[k];
            if (w->sentence != t->v[x->start].sentence || !(w->flags & ENT_TOK_CAP) ||
                (w->flags & (ENT_TOK_STOP | ENT_TOK_PART | ENT_TOK_WHOLE)) || in_cand(cands, k))
                break;
            if (tok_norm_in(w, units)) {
                end = k + 1;
                break;
            }
            if (tok_possessive(w))
                break;
        }
        if (end && org_in_place_of(t, h, x->start, (uint32_t)end, 1, "listed_org_unit", cands, dropped) < 0)
            return -1;
    }
    return 0;
}

/* The start of the name that the acronym at token q spells, the name's
 * words ending right before the bracket at q - 1: capitalised words
 * whose first letters the acronym's are, small words passed over; a
 * hyphenated word gives its first letter.  Tokens before min are not
 * read.  Returns the first word's token, or SIZE_MAX. */
static size_t spelt_start(const struct ent_toks *t, size_t q, size_t min)
{
    static const char *const small[] = {"of", "for", "and", "the", "on", "in", "&", "der", "des", "für", "und",
                                        NULL};
    const struct ent_tok *a = &t->v[q];
    size_t k = a->text_len, first = SIZE_MAX;
    for (size_t i = q - 1; i-- > min && k > 0;) {
        const struct ent_tok *w = &t->v[i];
        if (w->flags & ENT_TOK_PART)
            continue;
        if (w->sentence != a->sentence)
            return SIZE_MAX;
        if (first != SIZE_MAX && tok_norm_in(w, small))
            continue;
        if (!(w->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) || tok_possessive(w))
            return SIZE_MAX;
        /* the acronym's last letter left: one character of one to four
         * bytes ("Ö") */
        size_t cl = 1;
        while (cl < k && cl < 4 && ((unsigned char)a->text[k - cl] & 0xC0) == 0x80)
            cl++;
        if (w->text_len < cl || memcmp(w->text, a->text + k - cl, cl) != 0)
            return SIZE_MAX;
        k -= cl;
        first = i;
    }
    return k == 0 ? first : SIZE_MAX;
}

/* A listed organisation inside a longer name that the article spells
 * out with its acronym is that one's word: "the Welsh Local Government
 * Association (WLGA)" names no Local Government Association, "Fiat
 * Chrysler Automobiles (FCA)" is the whole (not Chrysler, nor another
 * body the lists know as FCA).  The longer name is tagged as written,
 * the listed ones not there.  Not before a possessive, and in
 * German not with an adjective in an oblique case outside the listed
 * name ("der Österreichischen Akademie ..."), which is no name's form. */
static int spelt_listed_orgs(const char *lang, const struct ent_toks *t, const struct ent_hits *hits,
                             const struct gazetteer *gz, struct heur_cands *cands, uint8_t *dropped)
{
    int de = lang_is_de(lang);
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        if (dropped[h] || x->sport || x->media || x->adjective || gz->v[x->entry].type != ENT_ORG ||
            in_cand(cands, x->start))
            continue;
        /* the bracket within three words after the name, the words free */
        size_t open = x->end;
        while (open < t->n && open < x->end + 3 && !is_text(&t->v[open], '(') &&
               (t->v[open].flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) && !tok_possessive(&t->v[open]) &&
               !in_cand(cands, open))
            open++;
        if (open + 2 >= t->n || !is_text(&t->v[open], '(') || !is_text(&t->v[open + 2], ')') ||
            t->v[open + 1].sentence != t->v[x->start].sentence)
            continue;
        const struct ent_tok *a = &t->v[open + 1];
        if (!(a->flags & ENT_TOK_UPPER) || a->text_len < 2 || a->text_len > 8)
            continue;
        /* the hit before's end: no other hit's word joins the name */
        size_t min = 0;
        for (size_t g = h; g-- > 0;)
            if (!dropped[g] && hits->v[g].end <= x->start) {
                min = hits->v[g].end;
                break;
            }
        if (min + 3 < x->start)
            min = x->start - 3;
        size_t first = spelt_start(t, open + 1, min);
        if (first == SIZE_MAX || first > x->start || (first == x->start && open == x->end))
            continue;
        size_t c = first;
        while (c < x->start && !in_cand(cands, c))
            c++;
        if (c < x->start)
            continue;
        int oblique = 0;
        for (size_t i = first; de && i < x->start; i++) {
            const struct ent_tok *w = &t->v[i];
            oblique |= w->norm_len > 3 && w->norm[w->norm_len - 2] == 'e' &&
                       (w->norm[w->norm_len - 1] == 'n' || w->norm[w->norm_len - 1] == 'm');
        }
        if (oblique)
            continue;
        if (org_in_place_of(t, h, (uint32_t)first, (uint32_t)open, 1, "spelt_listed_org", cands, dropped) < 0)
            return -1;
        /* the other hits in the name, and the acronym's (another body's
         * in the lists: "FCA") */
        for (size_t g = 0; g < hits->n; g++)
            if (hits->v[g].start >= first && hits->v[g].start <= open + 1)
                dropped[g] = RESOLVE_DROPPED;
    }
    return 0;
}

/* Two organisations side by side with nothing between them are one name,
 * a body's unit or outlet after its parent's: "Guy's Hospital Medical
 * School", "BBC GMR", "MIT Media Lab Europe".  Not a club of a sports
 * report's, and not a paper's name that wants a cue.  The joined name is
 * written as the text has it; its parts are tagged no more. */
static int join_adjacent_orgs(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                              const struct ent_hits *hits, const struct gazetteer *gz, struct heur_cands *cands,
                              uint8_t *dropped)
{
    struct org_span *v = malloc((hits->n + cands->n + 1) * sizeof *v);
    uint8_t *gone = calloc(cands->n + 1, 1);
    if (!v || !gone) {
        free(v);
        free(gone);
        return -1;
    }
    size_t n = 0;
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        if (!dropped[h] && !x->sport && !x->media && !x->adjective && gz->v[x->entry].type == ENT_ORG)
            v[n++] = (struct org_span){x->start, x->end, (int)h, -1};
    }
    size_t n_cands = cands->n;
    for (size_t k = 0; k < n_cands; k++) {
        const struct heur_cand *c = &cands->v[k];
        if (c->type == ENT_ORG && strcmp(c->rule, "sports_club") != 0)
            v[n++] = (struct org_span){c->start, c->end, -1, (int)k};
    }
    qsort(v, n, sizeof *v, org_span_order);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i + 1 < n; i++) {
        size_t j = i;
        while (j + 1 < n && v[j + 1].start == v[j].end && joinable_at(lex, lang, t, v[j].end) &&
               !members_alias(t, hits, gz, &v[j + 1]))
            j++;
        if (j == i)
            continue;
        char *name = words_as_written(t, v[i].start, v[j].end);
        uint32_t cover_start = v[i].start, cover_end = v[j].end;
        for (size_t k = i; k <= j; k++)
            if (v[k].cand >= 0) {
                const struct heur_cand *c = &cands->v[v[k].cand];
                cover_start = c->cover_start < cover_start ? c->cover_start : cover_start;
                cover_end = c->cover_end > cover_end ? c->cover_end : cover_end;
            }
        struct heur_cand c = {v[i].start, v[j].end, ENT_ORG, 1, cover_start, cover_end, name, "joined_orgs", 0};
        if (!name || heur_cands_push(cands, &c) < 0) {
            free(name);
            rc = -1;
            break;
        }
        for (size_t k = i; k <= j; k++) {
            if (v[k].hit >= 0)
                dropped[v[k].hit] = RESOLVE_DROPPED;
            else
                gone[v[k].cand] = 1;
        }
        i = j;
    }
    heur_cands_remove(cands, gone, n_cands);
    free(v);
    free(gone);
    return rc;
}

/* Whether t is a full date in one token: "24.9.2015" (day, month, a
 * year of four digits). */
static int full_date(const struct ent_tok *t)
{
    size_t dots = 0, digits = 0;
    for (size_t i = 0; i < t->text_len; i++) {
        char c = t->text[i];
        if (c == '.')
            dots++;
        else if (c >= '0' && c <= '9')
            digits++;
        else
            return 0;
    }
    return dots == 2 && digits >= 6 && t->text_len >= 8 && t->text[t->text_len - 5] == '.';
}

/* An author's sign-off with its date closes a piece: "(Conrad Seidl, DER
 * STANDARD, 5.8.2015)", "(Wolfgang Weisgram, 14.2.2016)".  Too short for
 * the heuristics' prose, it names a person: two or three capitalised
 * words, none another name's, a given name first or none of them a word
 * of the language ("Ljubiša Tošic"), then a comma, up to six words or
 * signs, a full date and the closing bracket.  An agency's ("(APA,
 * 24.9.2015)") is one word. */
static int signoff_authors(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                           const uint8_t *covered, struct heur_cands *cands)
{
    for (size_t i = 0; i + 5 < t->n; i++) {
        if (!is_text(&t->v[i], '('))
            continue;
        size_t a = i + 1, e = a;
        while (e < t->n && e < a + 3 && (t->v[e].flags & ENT_TOK_CAP) && !(t->v[e].flags & ENT_TOK_UPPER) &&
               !covered[e] && !(t->v[e].flags & ENT_TOK_PART))
            e++;
        if (e < a + 2 || e >= t->n || !is_text(&t->v[e], ',') || in_cand(cands, a))
            continue;
        /* a given name first, or words that are no words of the
         * language ("Ljubiša Tošic"; not "Der Standard") */
        int named = lexicon_given(lex, lang, t->v[a].norm, t->v[a].norm_len) != 0;
        for (size_t k = a; !named && k < e && !(t->v[k].flags & ENT_TOK_STOP) &&
                           !lexicon_common(lex, lang, t->v[k].norm, t->v[k].norm_len);
             k++)
            named = k + 1 == e;
        if (!named)
            continue;
        size_t d = e + 1;
        while (d < t->n && d < e + 8 && !full_date(&t->v[d]) && !is_text(&t->v[d], ')') && !is_text(&t->v[d], '('))
            d++;
        if (d + 1 >= t->n || !full_date(&t->v[d]) || !is_text(&t->v[d + 1], ')'))
            continue;
        if (push_found(cands, (uint32_t)a, (uint32_t)e, ENT_PERSON, 1, words_as_written(t, a, e),
                       "signoff_author") < 0)
            return -1;
        i = d + 1;
    }
    return 0;
}

/* Whether the tokens [s, e) of one line are a fixture: names, "v" or
 * "vs" between two of them, and nothing else but numbers and brackets,
 * slashes, dashes, dots: "Swindon/Notts Co v Middlesbrough", "Worcester v
 * Sale (Fri)". */
static int fixture_line(const struct ent_toks *t, size_t s, size_t e)
{
    if (e - s < 3 || e - s > 16 || !(t->v[s].flags & (ENT_TOK_CAP | ENT_TOK_UPPER)))
        return 0;
    size_t vs = 0;
    for (size_t i = s; i < e; i++) {
        const struct ent_tok *x = &t->v[i];
        int v = (x->norm_len == 1 && x->norm[0] == 'v') || (x->norm_len == 2 && memcmp(x->norm, "vs", 2) == 0) ||
                (x->norm_len == 3 && memcmp(x->norm, "vs.", 3) == 0);
        if (v && i > s && i + 1 < e && !(x->flags & ENT_TOK_CAP) && (t->v[i + 1].flags & (ENT_TOK_CAP | ENT_TOK_UPPER))) {
            vs++;
            continue;
        }
        if (x->flags & ENT_TOK_WORD) {
            if (!(x->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)))
                return 0;
        } else if (!(x->text[0] >= '0' && x->text[0] <= '9') &&
                   !(x->text_len == 1 && strchr("/-().&'", x->text[0])) &&
                   !(x->text_len == 3 && memcmp(x->text, "\xE2\x80\x93", 3) == 0)) {
            return 0;
        }
    }
    return vs == 1;
}

/* The first token after an agency's or a desk's sign-off with its date,
 * "(APA, 24.9.2015)", "(red; 5.2.2016)", past the article's first 40
 * words, when more follows it; else t->n.  What follows a sign-off is an
 * appendix: a results table, a ranking, a programme. */
static size_t appendix_start(const struct ent_toks *t)
{
    size_t words = 0;
    for (size_t i = 0; i + 3 < t->n; i++) {
        const struct ent_tok *x = &t->v[i];
        words += (x->flags & ENT_TOK_WORD) != 0;
        if (words < 40 || x->text_len != 1 || x->text[0] != '(' || !(t->v[i + 1].flags & ENT_TOK_WORD))
            continue;
        size_t j = i + 2;
        while (j < t->n && j < i + 8 && (t->v[j].flags & ENT_TOK_WORD ||
                                         (t->v[j].text_len == 1 && strchr(",;/", t->v[j].text[0]))))
            j++;
        if (j + 2 < t->n && full_date(&t->v[j]) && t->v[j + 1].text_len == 1 && t->v[j + 1].text[0] == ')')
            return j + 2;
    }
    return t->n;
}

/* The tokens of tables, 1 in mask (NULL: only whether there are any): an
 * appendix after a dated sign-off (appendix_start()) and a block of two
 * fixture lines or more (a cup's draw).  Returns whether there are any. */
static int tables(const struct ent_toks *t, uint8_t *mask)
{
    int any = 0;
    size_t cut = appendix_start(t);
    if (cut < t->n) {
        if (!mask)
            return 1;
        memset(mask + cut, 1, t->n - cut);
        any = 1;
    }
    size_t block = SIZE_MAX, n_fixtures = 0;   /* the block's first token, its lines */
    for (size_t s = 0; s < t->n;) {
        size_t e = s + 1;
        while (e < t->n && !(t->v[e].flags & ENT_TOK_NEWLINE))
            e++;
        if (s > 0 && (t->v[s].flags & ENT_TOK_NEWLINE) && fixture_line(t, s, e)) {
            if (n_fixtures++ == 0)
                block = s;
            if (n_fixtures >= 2) {
                if (!mask)
                    return 1;
                memset(mask + block, 1, e - block);
                any = 1;
            }
        } else {
            n_fixtures = 0;
        }
        s = e;
    }
    return any;
}

/* Without line_ups, the people and organisations that only tables name
 * (tables()) are not tagged, as a team sheet's are not: "Herren mit den
 * meisten Weltcup-Siegen: 1. Ingemar Stenmark (SWE) 86 ..." after the
 * sign-off, an NHL results table, a cup draw's "Birmingham v Leeds".
 * Those the running text names stay, and places (a list of a district's
 * towns) are tagged wherever they are. */
static int drop_only_in_tables(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                               struct heur_cands *cands, uint8_t *dropped)
{
    /* Most articles have none: asked first, without the mask's memory. */
    if (!tables(t, NULL))
        return 0;
    uint8_t *mask = calloc(t->n + 1, 1);
    if (!mask)
        return -1;
    tables(t, mask);
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        enum ent_type type = gz->v[x->entry].type;
        if (dropped[h] || !mask[x->start] || (type != ENT_PERSON && type != ENT_ORG))
            continue;
        size_t k = 0;
        while (k < hits->n && !(!mask[hits->v[k].start] && !dropped[k] && hits->v[k].entry == x->entry))
            k++;
        if (k == hits->n)
            dropped[h] = RESOLVE_DROPPED;
    }
    /* Which finds go, all judged before any is freed: the names are
     * compared with the others'. */
    uint8_t *gone = calloc(cands->n + 1, 1);
    if (!gone) {
        free(mask);
        return -1;
    }
    for (size_t k = 0; k < cands->n; k++) {
        const struct heur_cand *c = &cands->v[k];
        int in_text = !mask[c->start] || (c->type != ENT_PERSON && c->type != ENT_ORG);
        for (size_t j = 0; !in_text && j < cands->n; j++)
            in_text = !mask[cands->v[j].start] && cands->v[j].type == c->type && strcmp(cands->v[j].name, c->name) == 0;
        gone[k] = !in_text;
    }
    heur_cands_remove(cands, gone, cands->n);
    free(gone);
    free(mask);
    return 0;
}

/* In English a sentence's first word is read into no name (it may be any
 * word in capitals), but a listed place there, dropped for want of a cue,
 * begins the organisation found right after it: "Reading Borough Council
 * said", "Slough Conservative Association has".  0, or -1 when out of
 * memory. */
static int orgs_after_first_places(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                                   struct heur_cands *cands, const uint8_t *dropped)
{
    uint8_t *place = NULL;
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        const struct ent_tok *w = &t->v[x->start];
        if (!dropped[h] || x->end != x->start + 1 || gz->v[x->entry].type != ENT_PLACE ||
            !(w->flags & ENT_TOK_START) || !(w->flags & ENT_TOK_CAP) || (w->flags & ENT_TOK_PART) ||
            tok_possessive(w))
            continue;
        if (!place && !(place = calloc(t->n + 1, 1)))
            return -1;
        place[x->start] = 1;
    }
    for (size_t k = 0; place && k < cands->n; k++) {
        struct heur_cand *c = &cands->v[k];
        if (c->type != ENT_ORG || c->start == 0 || !place[c->start - 1] ||
            t->v[c->start - 1].sentence != t->v[c->start].sentence)
            continue;
        size_t i = c->start - 1;
        size_t len = t->v[i].text_len, name_len = strlen(c->name);
        char *name = malloc(len + 1 + name_len + 1);
        if (!name) {
            free(place);
            return -1;
        }
        memcpy(name, t->v[i].text, len);
        name[len] = ' ';
        memcpy(name + len + 1, c->name, name_len + 1);
        free(c->name);
        c->name = name;
        c->start = (uint32_t)i;
        if (c->cover_start > i)
            c->cover_start = (uint32_t)i;
    }
    free(place);
    return 0;
}

int resolve_article(const struct lexicon *lex, const char *lang, const char *tag_lang, int heuristics,
                    unsigned heur_flags, const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                    uint8_t *covered, uint8_t *dropped, struct heur_cands *cands)
{
    /* The cue words, which the passes before the heuristics read too (the
     * heuristics would build them only then). */
    if (cues_init() < 0)
        return -1;
    resolve_drop_uncued(lex, lang, t, hits, gz, dropped);
    resolve_drop_lone_adjectives(lex, lang, t, hits, dropped);
    resolve_drop_unnamed_media(t, hits, dropped);
    drop_places_of_currencies_and_cups(t, hits, gz, dropped);
    drop_words_in_capitals(lex, lang, t, hits, dropped);
    if (!heuristics) {
        resolve_drop_sport_aliases(lex, lang, t, hits, 0, NULL, dropped);
        return 0;
    }
    resolve_mark_covered(t, hits, gz, dropped, covered);
    resolve_drop_places_in_names(lex, lang, t, hits, gz, covered, dropped);
    resolve_drop_after_titles(t, hits, gz, dropped);
    drop_market_codes(t, hits, dropped);
    drop_orgs_before_trophies(t, hits, gz, dropped);
    drop_orgs_inside_names(lex, lang, t, hits, gz, covered, dropped);
    drop_orgs_after_given_parts(lex, lang, t, hits, gz, dropped);
    drop_german_nouns_as_orgs(lex, lang, t, hits, gz, dropped);
    memset(covered, 0, t->n + 1);
    resolve_mark_covered(t, hits, gz, dropped, covered);
    /* The words of clubs' short names, kept or not, which no line-up
     * takes: "Preston, Blackburn, Bolton, Burnley" are clubs.  Not towns
     * dropped for want of a cue: many surnames are towns too (Mellor,
     * Stone). */
    uint8_t *listed = calloc(t->n + 1, 1);
    if (!listed)
        return -1;
    for (size_t h = 0; h < hits->n; h++)
        if (hits->v[h].sport)
            memset(listed + hits->v[h].start, 1, hits->v[h].end - hits->v[h].start);
    int rc = heur_run(t, covered, listed, lang, lex, heur_flags, cands);
    free(listed);
    if (rc < 0)
        return -1;
    keep_orgs_left_inside(t, hits, gz, cands, covered, dropped);
    if (lang && strcmp(lang, "en") == 0 && orgs_after_first_places(t, hits, gz, cands, dropped) < 0)
        return -1;
    resolve_drop_sport_aliases(lex, lang, t, hits, cands->sports, cands, dropped);
    resolve_drop_surnames_of_listed(t, hits, gz, dropped, cands);
    if (!cands->sports && drop_places_that_are_surnames(lex, lang, t, hits, gz, cands, dropped) < 0)
        return -1;
    if (works_drop_titles(t, hits, gz, dropped, cands) < 0)
        return -1;
    if (resolve_drop_places_in_orgs(t, hits, gz, cands, dropped) < 0)
        return -1;
    if (resolve_sports_clubs(lex, lang, t, hits, gz, tag_lang, cands, dropped) < 0)
        return -1;
    resolve_drop_national_teams(lex, lang, t, hits, gz, cands->sports, dropped);
    if (resolve_join_org_places(lang, t, hits, gz, tag_lang, cands, dropped) < 0 ||
        extend_listed_orgs(t, hits, gz, cands, dropped) < 0 || spelt_listed_orgs(lang, t, hits, gz, cands, dropped) < 0 ||
        channel_numbers(t, hits, gz, cands, dropped) < 0 ||
        join_adjacent_orgs(lex, lang, t, hits, gz, cands, dropped) < 0)
        return -1;
    if (signoff_authors(lex, lang, t, covered, cands) < 0 || the_treasury(lang, t, hits, gz, covered, dropped, cands) < 0)
        return -1;
    if (!(heur_flags & HEUR_LINE_UP_PEOPLE) && drop_only_in_tables(t, hits, gz, cands, dropped) < 0)
        return -1;
    return 0;
}

/* English: "East Lancashire", "South East Asia", "Southern California":
 * one or two points of the compass in capitals right before a listed
 * place that no longer name has, inside a sentence or opening it. */
static int english_regions(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                           const uint8_t *covered, uint8_t *dropped, struct heur_cands *cands)
{
    static const char *const compass[] = {"north", "south", "east", "west", "northern", "southern", "eastern",
                                          "western", "central", "northeast", "northwest", "southeast", "southwest",
                                          NULL};
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        if (dropped[h] || gz->v[x->entry].type != ENT_PLACE || x->start == 0 || in_cand(cands, x->start))
            continue;
        /* Not before the rest of a longer name: "the East China Sea", "the
         * East India Company", "the South Shropshire Hunt". */
        const struct ent_tok *after = x->end < t->n ? &t->v[x->end] : NULL;
        if (after && after->sentence == t->v[x->end - 1].sentence && (after->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) &&
            !(after->flags & ENT_TOK_STOP))
            continue;
        size_t a = x->start;
        while (a > 0 && x->start - a < 2) {
            const struct ent_tok *w = &t->v[a - 1];
            /* nor a word of another hit: "Comedy Central Scotland" */
            if (w->sentence != t->v[x->start].sentence || !(w->flags & ENT_TOK_CAP) || covered[a - 1] ||
                (w->flags & (ENT_TOK_UPPER | ENT_TOK_PART)) || !tok_norm_in(w, compass) || in_cand(cands, a - 1))
                break;
            a--;
        }
        if (a == x->start)
            continue;
        size_t cap = 1;
        for (size_t i = a; i < x->end; i++)
            cap += t->v[i].text_len + 1;
        char *name = malloc(cap), *o = name;
        if (!name)
            return -1;
        for (size_t i = a; i < x->end; i++) {
            if (o != name)
                *o++ = ' ';
            memcpy(o, t->v[i].text, t->v[i].text_len - (i + 1 == x->end ? tok_possessive(&t->v[i]) : 0));
            o += t->v[i].text_len - (i + 1 == x->end ? tok_possessive(&t->v[i]) : 0);
        }
        *o = '\0';
        if (push_found(cands, (uint32_t)a, x->end, ENT_PLACE, 1, name, "compass_region") < 0)
            return -1;
        dropped[h] = RESOLVE_DROPPED;
    }
    return 0;
}

/* The bytes of a German point of the compass that begins norm, or 0. */
static size_t compass_prefix(const char *norm, size_t len)
{
    static const struct {
        const char *s;
        size_t n;
    } prefixes[] = {{"nordost", 7}, {"nordwest", 8}, {"s\xC3\xBC" "dost", 7}, {"s\xC3\xBC" "dwest", 8},
                    {"nord", 4}, {"s\xC3\xBC" "d", 4}, {"ost", 3}, {"west", 4}, {"mittel", 6}, {"zentral", 7}};
    if (len == 0 || !strchr("nsowmz", norm[0]))
        return 0;
    for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++)
        if (len > prefixes[k].n && memcmp(norm, prefixes[k].s, prefixes[k].n) == 0)
            return prefixes[k].n;
    return 0;
}

int resolve_regions(const struct matcher *m, const struct gazetteer *gz, const char *lang, const struct ent_toks *t,
                    const struct ent_hits *hits, const uint8_t *covered, uint8_t *dropped, struct heur_cands *cands)
{
    /* In a sports report "Northern Illinois" and "Eastern Michigan" are
     * teams. */
    if (strcmp(lang, "en") == 0)
        return cands->sports ? 0 : english_regions(t, hits, gz, covered, dropped, cands);
    if (strcmp(lang, "de") != 0)
        return 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct ent_tok *x = &t->v[i];
        if (covered[i] || !(x->flags & ENT_TOK_WORD) || !(x->flags & ENT_TOK_CAP) ||
            (x->flags & (ENT_TOK_UPPER | ENT_TOK_PART | ENT_TOK_WHOLE)))
            continue;
        size_t pl = compass_prefix(x->norm, x->norm_len);
        if (!pl || x->norm_len - pl < 4 || in_cand(cands, i))
            continue;
        const char *rest = x->norm + pl;
        size_t len = x->norm_len - pl, cut = 0;
        uint32_t entry;
        int found = matcher_word_entry(m, rest, len, &entry);
        if (!found && rest[len - 1] == 's' && x->text_len > 1 && x->text[x->text_len - 1] == 's') {
            cut = 1;   /* a genitive: "Nordsyriens" */
            found = matcher_word_entry(m, rest, len - 1, &entry);
        }
        if (!found || entry >= gz->n)
            continue;
        const struct gz_entry *e = &gz->v[entry];
        if (e->type != ENT_PLACE || e->town || e->needs_cue)
            continue;
        if (push_found(cands, (uint32_t)i, (uint32_t)i + 1, ENT_PLACE, 1, strndup(x->text, x->text_len - cut),
                       "region_compound") < 0)
            return -1;
    }
    return 0;
}
