/* resolve: how the gazetteer's hits and the heuristics' finds of one
 * article are reconciled before they become tags. */
#include "resolve.h"

#include "cues.h"

#include <string.h>

/* Mark the tokens of each hit (and a hyphenated word whose part it covers)
 * with 1 + its type. */
void resolve_mark_covered(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                         const uint8_t *dropped, uint8_t *covered)
{
    for (size_t h = 0; h < hits->n; h++) {
        if (dropped[h])
            continue;
        uint8_t mark = (uint8_t)(1 + gz->v[hits->v[h].entry].type);
        for (uint32_t i = hits->v[h].start; i < hits->v[h].end; i++) {
            covered[i] = mark;
            if (t->v[i].flags & ENT_TOK_PART) {
                uint32_t j = i;
                while (j > 0 && !(t->v[j].flags & ENT_TOK_WHOLE))
                    j--;
                covered[j] = mark;
            }
        }
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
 * Biren Technology Co." is no mention of Shanghai. */
void resolve_drop_places_in_orgs(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                                const struct heur_cands *cands, uint8_t *dropped)
{
    for (size_t k = 0; k < cands->n; k++) {
        const struct heur_cand *c = &cands->v[k];
        if (!c->strong)
            continue;
        for (size_t h = 0; h < hits->n; h++)
            if (gz->v[hits->v[h].entry].type == ENT_PLACE && hits->v[h].start >= c->cover_start &&
                hits->v[h].end <= c->cover_end)
                dropped[h] = 1;
        for (size_t a = 0; a < t->n; a++) {
            size_t end;
            if ((t->v[a].flags & ENT_TOK_PART) || t->v[a].norm_len != t->v[c->start].norm_len ||
                !same_words(t, a, c, &end))
                continue;
            for (size_t h = 0; h < hits->n; h++)
                if (gz->v[hits->v[h].entry].type == ENT_PLACE && hits->v[h].start >= a &&
                    hits->v[h].end <= end)
                    dropped[h] = 1;
        }
    }
}

static int name_word(const struct lexicon *lex, const char *lang, const struct ent_tok *t, uint8_t covered)
{
    return (t->flags & ENT_TOK_WORD) && (t->flags & ENT_TOK_CAP) &&
           !(t->flags & (ENT_TOK_STOP | ENT_TOK_START | ENT_TOK_ABBREV | ENT_TOK_UPPER)) &&
           !covered && !lexicon_common(lex, lang, t->norm, t->norm_len);
}

/* A one-word place right beside a name word is part of a person's or a
 * company's name: "Gary Nagle", "Stacy Baar", "Shanghai Biren".  Not
 * across a possessive, which ends a name: "London's Leicester Square".
 * Before a word that ends the name of a street, square, station or
 * building it is part of that name: "Leicester Square", "Oxford Street". */
void resolve_drop_places_in_names(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                                 const struct ent_hits *hits, const struct gazetteer *gz,
                                 const uint8_t *covered, uint8_t *dropped)
{
    /* The cue words' table (built once); without memory no word is one. */
    int cues = cues_init() == 0;
    for (size_t h = 0; h < hits->n; h++) {
        const struct ent_hit *x = &hits->v[h];
        if (gz->v[x->entry].type != ENT_PLACE || x->end - x->start != 1 ||
            (t->v[x->start].flags & ENT_TOK_PART))
            continue;
        size_t i = x->start;
        int before = i > 0 && t->v[i - 1].sentence == t->v[i].sentence &&
                     !(t->v[i - 1].flags & ENT_TOK_PART) && !tok_possessive(&t->v[i - 1]) &&
                     name_word(lex, lang, &t->v[i - 1], covered[i - 1]);
        int after = i + 1 < t->n && t->v[i + 1].sentence == t->v[i].sentence && !tok_possessive(&t->v[i]) &&
                    name_word(lex, lang, &t->v[i + 1], covered[i + 1]);
        int building = i + 1 < t->n && t->v[i + 1].sentence == t->v[i].sentence && !tok_possessive(&t->v[i]) &&
                       (t->v[i + 1].flags & ENT_TOK_CAP) && cues &&
                       (cue_bits(t->v[i + 1].norm, t->v[i + 1].norm_len) & C_NONPERSON);
        if (before || after || building)
            dropped[h] = 1;
    }
}

static const char *const place_preps[] = {"in", "im", "aus", "nach", "bei", "near", "from", "at", NULL};

static int norm_is(const struct ent_tok *t, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == t->norm_len && memcmp(*list, t->norm, t->norm_len) == 0)
            return 1;
    return 0;
}

/* Whether a hit of an entry that needs a cue (a file marked "#!cue", such
 * as the towns list) has one: a preposition of place before it ("in
 * Wolfsburg"), or ", PLACE" after it ("Baar, Switzerland"); and no
 * capitalised word right after it. */
static int cued(const struct lexicon *lex, const char *lang, const struct ent_toks *t, const struct ent_hits *hits,
                size_t h, const struct gazetteer *gz)
{
    const struct ent_hit *x = &hits->v[h];
    size_t i = x->start;
    while (i > 0 && (t->v[i].flags & ENT_TOK_PART))
        i--;  /* a part: what stands before its word */
    size_t j = x->end;
    /* "at Oxford Economics", "in Leicester Square": the town begins a
     * longer name, whose words the heuristics read.  German capitalises
     * every noun ("in Wolfsburg Stellen streichen"): there only a name
     * word after it does. */
    const struct ent_tok *last = &t->v[x->end - 1];
    if (j < t->n && t->v[j].sentence == last->sentence && !(t->v[j].flags & ENT_TOK_PART) &&
        (t->v[j].flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) && !tok_possessive(last) &&
        (!lang || strcmp(lang, "de") != 0 || name_word(lex, lang, &t->v[j], 0)))
        return 0;
    if (i > 0 && t->v[i - 1].sentence == t->v[x->start].sentence && norm_is(&t->v[i - 1], place_preps))
        return 1;
    if (j + 1 < t->n && t->v[j].norm_len == 1 && t->v[j].norm[0] == ',' && h + 1 < hits->n &&
        hits->v[h + 1].start == j + 1 && gz->v[hits->v[h + 1].entry].type == ENT_PLACE)
        return 1;
    return 0;
}

void resolve_drop_uncued(const struct lexicon *lex, const char *lang, const struct ent_toks *t,
                         const struct ent_hits *hits, const struct gazetteer *gz, uint8_t *dropped)
{
    for (size_t h = 0; h < hits->n; h++)
        if (gz->v[hits->v[h].entry].needs_cue && !cued(lex, lang, t, hits, h, gz))
            dropped[h] = 1;
}

