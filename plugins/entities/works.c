#include "works.h"

#include "cues.h"
#include "resolve.h"

#include <stdlib.h>
#include <string.h>

/* English nouns of a work, in lower case before its title.  Not those that
 * are also verbs or adjectives before a name as often ("play", "single",
 * "track", "series", "show", "western": "to play England", "the series
 * Australia won", "western Europe"). */
static const char *const en_works[] = {
    "film", "movie", "biopic", "musical", "novel", "novella", "album", "song", "sitcom", "documentary", "opera",
    "ballet", "thriller", "blockbuster", "comedy", "drama", "cartoon", "book", "memoir", "poem", "soap", NULL};
/* German ones, in any case (German capitalises them).  Not "Drama" ("das
 * Drama Griechenlands"), "Spiel" or "Stück" (a match, a piece of). */
static const char *const de_works[] = {
    "film", "films", "filme", "roman", "romans", "album", "albums", "song", "songs", "lied", "liedes",
    "single", "musical", "musicals", "oper", "serie", "komödie", "thriller", "buch", "buches", "doku",
    "dokumentation", "sendung", "show", "videospiel", "computerspiel", "game", NULL};
/* The ends of German compounds that name a work: "Dokumentarfilm",
 * "Debütroman", "Studioalbum". */
static const char *const de_work_ends[] = {"film", "films", "roman", "romans", "album", NULL};
static const char *const game_kinds[] = {"video", "computer", NULL};
/* Small words inside a title ("The Life of David Gale", "Til It Happens
 * to You"); not prepositions of place, which end a title as often as they
 * go on after one ("the film Closer in London"), unless it is quoted. */
static const char *const title_words[] = {"of", "the", "a", "an", "to", "and", "&", "on", "for", "with", "der",
                                          "die", "das", "des", "dem", "den", "und", "von", "vom", "zu", ":",
                                          NULL};
static const char *const open_quotes[] = {"\"", "\xE2\x80\x9C", "\xE2\x80\x9E", "'", "\xE2\x80\x98", "\xC2\xAB",
                                          "\xC2\xBB", NULL};
static const char *const close_quotes[] = {"\"", "\xE2\x80\x9D", "\xE2\x80\x9C", "'", "\xE2\x80\x99", "\xC2\xBB",
                                           "\xC2\xAB", NULL};

static int text_in(const struct ent_tok *t, const char *const *list)
{
    return norm_in_list(t->text, t->text_len, list);
}

static int ends_in(const struct ent_tok *t, const char *const *list)
{
    for (; *list; list++) {
        size_t len = strlen(*list);
        if (t->norm_len > len && memcmp(t->norm + t->norm_len - len, *list, len) == 0)
            return 1;
    }
    return 0;
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

/* Whether the words before i introduce a title at i. */
static int introduces(const struct ent_toks *t, size_t i, int german)
{
    const struct ent_tok *w = &t->v[i - 1];
    /* Not the parts of "Filmakademie-Wien-Abschlussfilm" after it; after
     * its last part ("...-Abschlussfilm Alles wird gut") a title may come. */
    if (w->sentence != t->v[i].sentence || (t->v[i].flags & ENT_TOK_PART) ||
        (w->flags & (ENT_TOK_PART | ENT_TOK_PART_LAST)) == ENT_TOK_PART)
        return 0;
    if (german)
        return tok_norm_in(w, de_works) || ends_in(w, de_work_ends);
    if (w->flags & ENT_TOK_CAP) /* "the Film Council", "Eurovision Song Contest" */
        return 0;
    if (tok_norm_in(w, en_works))
        return 1;
    if (i < 2 || t->v[i - 2].sentence != w->sentence)
        return 0;
    const struct ent_tok *before = &t->v[i - 2];
    if (w->norm_len == 4 && memcmp(w->norm, "game", 4) == 0)
        return tok_norm_in(before, game_kinds);
    /* "starred in", "his role in" */
    return w->norm_len == 2 && memcmp(w->norm, "in", 2) == 0 && (cue_bits(before->norm, before->norm_len) & C_INWORK);
}

static size_t title_end(const struct ent_toks *t, size_t i, int german)
{
    if (i == 0 || i >= t->n || !introduces(t, i, german))
        return i;
    uint32_t sentence = t->v[i].sentence;
    size_t j = i;
    int quoted = text_in(&t->v[j], open_quotes);
    if (quoted)
        j++;
    if (j >= t->n || t->v[j].sentence != sentence || !(t->v[j].flags & ENT_TOK_CAP))
        return i;
    size_t end = i;
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
        } else if (quoted ? text_in(x, open_quotes) : !tok_norm_in(x, title_words)) {
            break;
        }
    }
    /* A quote never closed is no title's. */
    return quoted ? i : end;
}

size_t works_title_end(const char *lang, const struct ent_toks *t, size_t i)
{
    return title_end(t, i, strcmp(lang, "de") == 0);
}

void works_drop_titles(const char *lang, const struct ent_toks *t, const struct ent_hits *hits,
                       const struct gazetteer *gz, uint8_t *dropped, struct heur_cands *cands)
{
    int german = strcmp(lang, "de") == 0;
    for (size_t i = 1; i < t->n; i++) {
        /* Cheap tests first: a title begins with a capital or a quote. */
        if (!(t->v[i].flags & ENT_TOK_CAP) && !(t->v[i].text_len <= 3 && text_in(&t->v[i], open_quotes)))
            continue;
        size_t end = title_end(t, i, german);
        if (end == i)
            continue;
        /* Titles are few: every hit is looked at for each. */
        for (size_t k = 0; k < hits->n; k++) {
            enum ent_type type = gz->v[hits->v[k].entry].type;
            if (hits->v[k].start >= i && hits->v[k].end <= end && (type == ENT_PERSON || type == ENT_PLACE))
                dropped[k] = RESOLVE_DROPPED;
        }
        size_t out = 0;
        for (size_t k = 0; k < cands->n; k++) {
            struct heur_cand *c = &cands->v[k];
            if (c->start >= i && c->end <= end && (c->type == ENT_PERSON || c->type == ENT_PLACE))
                free(c->name);
            else
                cands->v[out++] = *c;
        }
        cands->n = out;
        i = end - 1;
    }
}
