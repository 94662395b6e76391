#include "works.h"

#include "cues.h"
#include "resolve.h"

#include <stdlib.h>
#include <string.h>

static const char *const game_kinds[] = {"video", "computer", NULL};
/* Small words inside a title ("The Life of David Gale", "Til It Happens
 * to You"); not the words that join a title to what follows it as often
 * ("the film Closer with Julia Roberts", "der Film Amour von Michael
 * Haneke", "in Paris and Berlin"), nor prepositions of place ("the film
 * Closer in London"), unless the title is quoted. */
static const char *const title_words[] = {"of", "the", "a", "an", "to", "der", "die", "das", "des", "dem", "den",
                                          "zu", ":", NULL};
static const char *const open_quotes[] = {"\"", "\xE2\x80\x9C", "\xE2\x80\x9E", "'", "\xE2\x80\x98", "\xC2\xAB",
                                          "\xC2\xBB", NULL};
static const char *const close_quotes[] = {"\"", "\xE2\x80\x9D", "\xE2\x80\x9C", "'", "\xE2\x80\x99", "\xC2\xBB",
                                           "\xC2\xAB", NULL};

static int text_in(const struct ent_tok *t, const char *const *list)
{
    return norm_in_list(t->text, t->text_len, list);
}

/* "Mike Nichols' Closer", "performances in Pawel Pawlikowski's story",
 * "in England's defeat": a possessive names whose the work is. */
static int possessive(const struct ent_toks *t, size_t i)
{
    static const char *const apostrophes[] = {"'", "\xE2\x80\x99", NULL};
    const struct ent_tok *x = &t->v[i];
    size_t len = x->text_len;
    if (tok_possessive(x) || (len > 1 && x->text[len - 1] == '\'') ||
        (len > 3 && memcmp(x->text + len - 3, "\xE2\x80\x99", 3) == 0))
        return 1;
    return i + 1 < t->n && len > 0 && x->text[len - 1] == 's' && text_in(&t->v[i + 1], apostrophes);
}

static int is_number(const struct ent_tok *t)
{
    return !(t->flags & ENT_TOK_WORD) && t->text_len > 0 && t->text[0] >= '0' && t->text[0] <= '9';
}

/* Whether w is a noun of a work in the article's language: a German one
 * capitalised, also as a compound's end (cues.c's suffixes:
 * "Dokumentarfilm", "Debütroman"); an English one in lower case
 * (not "the Film Council", "Eurovision Song Contest"). */
static int work_noun(const struct ent_tok *w, int german)
{
    if (german)
        return (w->flags & ENT_TOK_CAP) && (tok_norm_in(w, cue_work_nouns_de) ||
                                            (cue_suffix_bits(w->norm, w->norm_len) & C_INWORK));
    return !(w->flags & ENT_TOK_CAP) && tok_norm_in(w, cue_work_nouns_en);
}

/* What introduces a title at i: 0 nothing, INTRO_NOUN a noun of a work
 * ("the film"), INTRO_ACTING a word of acting and "in" ("her role in"). */
enum { INTRO_NOUN = 1, INTRO_ACTING = 2 };

static int introduces(const struct ent_toks *t, size_t i, int german)
{
    const struct ent_tok *w = &t->v[i - 1];
    /* Not the parts of "Filmakademie-Wien-Abschlussfilm" after it; after
     * its last part ("...-Abschlussfilm Alles wird gut") a title may come. */
    if (w->sentence != t->v[i].sentence || (t->v[i].flags & ENT_TOK_PART) ||
        (w->flags & (ENT_TOK_PART | ENT_TOK_PART_LAST)) == ENT_TOK_PART)
        return 0;
    /* English "game" only after "video": "the game Arsenal won". */
    if (!german && w->norm_len == 4 && memcmp(w->norm, "game", 4) == 0)
        return i >= 2 && t->v[i - 2].sentence == w->sentence && tok_norm_in(&t->v[i - 2], game_kinds) ? INTRO_NOUN : 0;
    if (work_noun(w, german))
        return INTRO_NOUN;
    /* "starred in", "his role in" */
    const struct ent_tok *before = i >= 2 ? &t->v[i - 2] : NULL;
    return !german && before && before->sentence == w->sentence && w->norm_len == 2 &&
                   memcmp(w->norm, "in", 2) == 0 && cue_acting_word(before->norm, before->norm_len)
               ? INTRO_ACTING
               : 0;
}

size_t works_title_end(const char *lang, const struct ent_toks *t, size_t i)
{
    int german = strcmp(lang, "de") == 0;
    int intro = i == 0 || i >= t->n ? 0 : introduces(t, i, german);
    if (!intro)
        return i;
    uint32_t sentence = t->v[i].sentence;
    size_t j = i;
    int quoted = text_in(&t->v[j], open_quotes);
    if (quoted)
        j++;
    if (j >= t->n || t->v[j].sentence != sentence || !(t->v[j].flags & ENT_TOK_CAP))
        return i;
    size_t end = i, words = 0;
    for (size_t e = j; e < t->n && e < i + WORKS_TITLE_MAX && t->v[e].sentence == sentence; e++) {
        const struct ent_tok *x = &t->v[e];
        if (x->flags & ENT_TOK_PART) {
            if (end == e)
                end = e + 1;
        } else if (quoted && e > j && text_in(x, close_quotes)) {
            return e + 1;
        } else if ((x->flags & ENT_TOK_CAP) || is_number(x)) {
            if (possessive(t, e))
                return i;
            end = e + 1;
            words++;
        } else if (quoted ? text_in(x, open_quotes) : !tok_norm_in(x, title_words)) {
            break;
        }
    }
    /* A quote never closed is no title's.  After a word of acting one
     * name is a place as often ("her role in Iraq", "appeared in
     * London"): the title has two words at least. */
    return quoted || (intro == INTRO_ACTING && words < 2) ? i : end;
}

/* Whether name is the title x as written, its words apart by blanks
 * (the parts of a hyphenated word are in their whole). */
static int is_title(const struct ent_toks *t, const struct heur_title *x, const char *name)
{
    size_t at = 0, len = strlen(name);
    for (size_t i = x->start; i < x->end && i < t->n; i++) {
        const struct ent_tok *w = &t->v[i];
        if (w->flags & ENT_TOK_PART)
            continue;
        if (at > 0 && (at >= len || name[at++] != ' '))
            return 0;
        if (at + w->text_len > len || memcmp(name + at, w->text, w->text_len) != 0)
            return 0;
        at += w->text_len;
    }
    return at > 0 && at == len;
}

int works_drop_titles(const struct ent_toks *t, const struct ent_hits *hits, const struct gazetteer *gz,
                      uint8_t *dropped, struct heur_cands *cands)
{
    if (cands->n_titles == 0)
        return 0;
    /* Each token's title (1 + its index in cands->titles; 0 none), marked
     * once: a name is inside a title when its first and last tokens are
     * in the same one.  Linear in the article, however many titles. */
    uint32_t *title_of = calloc(t->n + 1, sizeof *title_of);
    if (!title_of)
        return -1;
    for (size_t k = 0; k < cands->n_titles; k++)
        for (size_t i = cands->titles[k].start; i < cands->titles[k].end && i < t->n; i++)
            title_of[i] = (uint32_t)(k + 1);
    for (size_t h = 0; h < hits->n; h++) {
        enum ent_type type = gz->v[hits->v[h].entry].type;
        uint32_t in = title_of[hits->v[h].start];
        if (!in || title_of[hits->v[h].end - 1] != in || (type != ENT_PERSON && type != ENT_PLACE))
            continue;
        /* A listed person who is the whole title after a work's noun is
         * its subject ("the book Gordon Brown wrote"). */
        const struct heur_title *x = &cands->titles[in - 1];
        if (type == ENT_PERSON && !x->after_in && hits->v[h].start == x->start && hits->v[h].end == x->end)
            continue;
        dropped[h] = RESOLVE_DROPPED;
    }
    size_t out = 0;
    for (size_t c = 0; c < cands->n; c++) {
        struct heur_cand *x = &cands->v[c];
        uint32_t in = x->end > x->start ? title_of[x->start] : 0;
        int title = in && title_of[x->end - 1] == in && (x->type == ENT_PERSON || x->type == ENT_PLACE);
        /* A person no list has, named as a title elsewhere in the article,
         * is that work everywhere: "the film Vera Drake" ... "Vera Drake
         * is the obvious candidate". */
        for (size_t k = 0; !title && x->type == ENT_PERSON && k < cands->n_titles; k++)
            title = !cands->titles[k].after_in && is_title(t, &cands->titles[k], x->name);
        if (title)
            free(x->name);
        else
            cands->v[out++] = *x;
    }
    cands->n = out;
    free(title_of);
    return 0;
}
