#include "works.h"

#include "cues.h"
#include "resolve.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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

/* The nouns by length, built once. */
#define WORD_LEN_MAX 16
#define PER_LEN 8

struct by_len {
    const char *w[WORD_LEN_MAX + 1][PER_LEN];
    uint8_t n[WORD_LEN_MAX + 1];
};

static struct by_len en_nouns, de_nouns;
static pthread_once_t lists_once = PTHREAD_ONCE_INIT;

static void by_len_fill(struct by_len *b, const char *const *list)
{
    for (; *list; list++) {
        size_t len = strlen(*list);
        if (len <= WORD_LEN_MAX && b->n[len] < PER_LEN)
            b->w[len][b->n[len]++] = *list;
    }
}

static void lists_init(void)
{
    by_len_fill(&en_nouns, cue_work_nouns_en);
    by_len_fill(&de_nouns, cue_work_nouns_de);
}

static int in_by_len(const char *s, size_t len, const struct by_len *b)
{
    if (len > WORD_LEN_MAX)
        return 0;
    for (size_t k = 0; k < b->n[len]; k++)
        if (memcmp(b->w[len][k], s, len) == 0)
            return 1;
    return 0;
}

/* A German compound that names a work ("Dokumentarfilm", "Debütroman"). */
static int ends_in_work(const char *norm, size_t len)
{
    static const char *const ends[] = {"film", "films", "roman", "romans", "album", NULL};
    for (const char *const *e = ends; *e; e++) {
        size_t el = strlen(*e);
        if (len > el && memcmp(norm + len - el, *e, el) == 0)
            return 1;
    }
    return 0;
}

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
 * capitalised, also as a compound's end; an English one in lower case
 * (not "the Film Council", "Eurovision Song Contest"). */
static int work_noun(const struct ent_tok *w, int german)
{
    if (german)
        return (w->flags & ENT_TOK_CAP) &&
               (in_by_len(w->norm, w->norm_len, &de_nouns) || ends_in_work(w->norm, w->norm_len));
    return !(w->flags & ENT_TOK_CAP) && in_by_len(w->norm, w->norm_len, &en_nouns);
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
    if (w->norm_len == 4 && memcmp(w->norm, "game", 4) == 0)  /* "video game Halo" */
        return !german && i >= 2 && t->v[i - 2].sentence == w->sentence && tok_norm_in(&t->v[i - 2], game_kinds);
    if (work_noun(w, german))
        return 1;
    /* "starred in", "his role in" */
    const struct ent_tok *before = i >= 2 ? &t->v[i - 2] : NULL;
    return !german && before && before->sentence == w->sentence && w->norm_len == 2 &&
           memcmp(w->norm, "in", 2) == 0 && cue_acting_word(before->norm, before->norm_len);
}

size_t works_title_end(const char *lang, const struct ent_toks *t, size_t i)
{
    pthread_once(&lists_once, lists_init);
    int german = strcmp(lang, "de") == 0;
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

void works_drop_titles(const struct ent_hits *hits, const struct gazetteer *gz, uint8_t *dropped,
                       struct heur_cands *cands)
{
    for (size_t k = 0; k < cands->n_titles; k++) {
        size_t start = cands->titles[k].start, end = cands->titles[k].end;
        /* Titles are few: every hit and find is looked at for each. */
        for (size_t h = 0; h < hits->n; h++) {
            enum ent_type type = gz->v[hits->v[h].entry].type;
            if (hits->v[h].start >= start && hits->v[h].end <= end && (type == ENT_PERSON || type == ENT_PLACE))
                dropped[h] = RESOLVE_DROPPED;
        }
        size_t out = 0;
        for (size_t c = 0; c < cands->n; c++) {
            struct heur_cand *x = &cands->v[c];
            if (x->start >= start && x->end <= end && (x->type == ENT_PERSON || x->type == ENT_PLACE))
                free(x->name);
            else
                cands->v[out++] = *x;
        }
        cands->n = out;
    }
}
