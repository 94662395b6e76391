#include "matcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* add_name()'s own mark beside the GZ_MARK_* ones: an organisation's
 * name, whose last word may be written in lower case (ENT_CASE_LOWER_TAIL). */
#define NAME_ORG (1u << 16)

/* Capitals up to this many letters must match capitals ("US" is not "us",
 * "WHO" not "who"); longer ones are written either way (NASA, Nasa). */
#define SHORT_CAPS_LETTERS 3

void hits_free(struct ent_hits *h)
{
    free(h->v);
    *h = (struct ent_hits){0};
}

static int hits_push(struct ent_hits *h, struct ent_hit hit)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 32;
        struct ent_hit *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return -1;
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n++] = hit;
    return 0;
}

static void core_free(struct matcher_core *c)
{
    ac_free(&c->ac);
    free(c->pat);
    free(c->pat_langs);
    free(c->state_langs);
    free(c->cases);
    free(c);
}

void matcher_free(struct matcher *m)
{
    free(m->root_state);
    if (m->core && --m->core->users == 0)
        core_free(m->core);
    *m = (struct matcher){0};
}

static size_t letters(const struct ent_tok *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->text_len; i++) {
        unsigned char c = (unsigned char)t->text[i];
        n += (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0);
    }
    return n;
}

static uint8_t case_of(const struct ent_tok *t)
{
    if ((t->flags & ENT_TOK_UPPER) && letters(t) <= SHORT_CAPS_LETTERS)
        return ENT_CASE_UPPER;
    if (t->flags & (ENT_TOK_CAP | ENT_TOK_UPPER))
        return ENT_CASE_CAP;
    return ENT_CASE_ANY;
}

/* "BBC's": the text layer reads it as a capitalised word (its s is lower
 * case), but before the possessive it is in capitals, which a short name
 * in capitals wants ("BBC" is no "Bbc").  Asked only when the case is
 * what stands between a token and a name. */
static int capitals_before_possessive(const struct ent_tok *t)
{
    size_t ending = t->flags & ENT_TOK_CAP ? tok_possessive(t) : 0;
    if (!ending)
        return 0;
    size_t len = t->text_len - ending, letters = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t->text[i];
        if (c >= 'a' && c <= 'z')
            return 0;
        letters += c >= 'A' && c <= 'Z';
    }
    return letters >= 2;
}

/* How many of the n tokens at pos are written in capitals (asked only
 * of a match that has a short word in capitals where a name has a
 * capitalised one). */
static size_t upper_words(const struct ent_toks *t, const uint32_t *pos, size_t n)
{
    size_t upper = 0;
    for (size_t j = 0; j < n; j++)
        upper += (t->v[pos[j]].flags & ENT_TOK_UPPER) != 0;
    return upper;
}

static int case_ok(uint8_t want, uint32_t flags)
{
    switch (want) {
    case ENT_CASE_UPPER: return (flags & ENT_TOK_UPPER) != 0;
    case ENT_CASE_CAP: return (flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) != 0;
    default: return 1;
    }
}

/* The name being added for each language in turn: its entry, whether it
 * is a sports alias, and the index of its first pattern (those added for
 * it so far are from there on).  A pattern that an earlier language of the
 * name already added is not added again, only marked as this one's too. */
struct name_ctx {
    uint32_t entry;
    int sport;
    size_t first;
};

/* The pattern of the name being added (ctx) with these symbols and cases,
 * or AC_NONE. */
static uint32_t same_pattern(const struct matcher_core *c, const struct name_ctx *ctx, const uint32_t *syms,
                             const uint8_t *cases, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i < n && s != AC_NONE; i++)
        s = ac_goto(&c->ac, s, syms[i]);
    if (s == AC_NONE)
        return AC_NONE;
    for (uint32_t p = c->ac.out[s]; p != AC_NONE; p = c->ac.pat_next[p]) {
        const struct matcher_pattern *mp = &c->pat[p];
        if (p >= ctx->first && mp->len == n && mp->entry == (ctx->entry & 0x7fffffffu) &&
            mp->sport == (ctx->sport != 0) && memcmp(c->cases + mp->case_off, cases, n) == 0)
            return p;
    }
    return AC_NONE;
}

static int add_pattern(struct matcher_core *c, const struct name_ctx *ctx, uint16_t lang_bit, const uint32_t *syms,
                       const uint8_t *cases, size_t n)
{
    if (c->n_langs > 1) {
        uint32_t p = same_pattern(c, ctx, syms, cases, n);
        if (p != AC_NONE) {
            c->pat_langs[p] |= lang_bit;
            return 0;
        }
    }
    if (n > MATCHER_PATTERN_LEN_MAX || c->n_cases + n > MATCHER_CASES_MAX)
        return -1;
    if (c->n_pat == c->pat_cap) {
        size_t cap = c->pat_cap ? 2 * c->pat_cap : 256;
        struct matcher_pattern *p = realloc(c->pat, cap * sizeof *p);
        if (!p)
            return -1;
        c->pat = p;
        if (c->n_langs > 1) {
            uint16_t *l = realloc(c->pat_langs, cap * sizeof *l);
            if (!l)
                return -1;
            c->pat_langs = l;
        }
        c->pat_cap = cap;
    }
    if (c->n_cases + n > c->cases_cap) {
        size_t cap = c->cases_cap ? 2 * c->cases_cap : 1024;
        while (cap < c->n_cases + n)
            cap *= 2;
        uint8_t *k = realloc(c->cases, cap);
        if (!k)
            return -1;
        c->cases = k;
        c->cases_cap = cap;
    }
    uint32_t idx = (uint32_t)c->n_pat;
    c->pat[idx] = (struct matcher_pattern){.entry = ctx->entry & 0x7fffffffu, .sport = ctx->sport != 0,
                                           .case_off = (uint32_t)c->n_cases & 0xffffffu,
                                           .len = (uint32_t)n & 0xffu, .word = n == 1 ? syms[0] : 0};
    if (c->n_langs > 1)
        c->pat_langs[idx] = lang_bit;
    memcpy(c->cases + c->n_cases, cases, n);
    if (ac_add(&c->ac, syms, n) < 0)
        return -1;
    c->n_pat++;
    c->n_cases += n;
    return 0;
}

/* Whether the last word of an organisation's name of n words (last, its
 * token; cases as add_name() set them) may be written in lower case: a
 * body's noun that the press writes either way ("the European
 * commission", "the Labour party", "RCA records"), after words all
 * capitalised ("the times" is no The Times, "Association of British
 * insurers" is rare).  Not a noun of other things: "Indian oil", "BBC
 * news", "PC world" read as words. */
static int lower_tail_may(const struct ent_tok *last, const uint8_t *cases, size_t n)
{
    static const char *const bodies[] = {"commission", "party", "council", "committee", "union", "parliament",
                                         "assembly", "court", "ministry", "department", "agency", "office",
                                         "police", "records", "university", "authority", "government", NULL};
    if (n < 2 || (cases[n - 1] & ~ENT_CASE_MARKS) != ENT_CASE_CAP || (cases[n - 1] & ENT_CASE_POSSESSIVE))
        return 0;
    for (size_t k = 0; k + 1 < n; k++)
        if ((cases[k] & ~ENT_CASE_MARKS) == ENT_CASE_ANY)
            return 0;
    return tok_norm_in(last, bodies);
}

/* Add name, tokenised in lang, as the patterns of its stems and of its
 * norms.  Names the tokeniser refuses or that have no tokens are skipped:
 * a name is checked for text when it is read, so this only drops what
 * cannot be matched.  t is the caller's, emptied and reused: a build adds
 * tens of thousands of names. */
static int add_name(struct matcher_core *c, const struct name_ctx *ctx, const char *name, const char *lang,
                    uint16_t lang_bit, unsigned marks, const struct ent_tokeniser *tk, struct ent_toks *t)
{
    void *keep = NULL;
    toks_clear(t);
    if (tk->run(tk->ctx, name, strlen(name), lang, t, &keep) < 0) {
        tk->release(keep);
        return 0;
    }
    /* GZ_NAME_MAX bytes make fewer tokens than a pattern holds: a longer
     * name would come from a tokeniser gone wrong, and is skipped. */
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += !(t->v[i].flags & ENT_TOK_WHOLE);
    if (n == 0 || n > MATCHER_PATTERN_LEN_MAX) {
        tk->release(keep);
        return 0;
    }
    int rc = 0;
    uint32_t stems[MATCHER_PATTERN_LEN_MAX], norms[MATCHER_PATTERN_LEN_MAX];
    uint8_t cases[MATCHER_PATTERN_LEN_MAX];
    const struct ent_tok *last = NULL;
    size_t k = 0;
    for (size_t i = 0; rc == 0 && i < t->n; i++) {
        const struct ent_tok *tok = &t->v[i];
        if (tok->flags & ENT_TOK_WHOLE)
            continue;
        last = tok;
        norms[k] = ac_symbol(&c->ac, tok->norm, tok->norm_len, 1);
        /* A one-word name is matched by its norm alone: the stems of
         * single words collide too often ("Konzern" and the town Konz are
         * both "konz"); the genitive -s is tried at match time.  So the
         * stem of one word gets no symbol: it would be in no pattern. */
        stems[k] = n > 1 ? ac_symbol(&c->ac, tok->stem, tok->stem_len, 1) : norms[k];
        /* "The Guardian" is "the Guardian" in a sentence. */
        cases[k] = k == 0 && tok->norm_len == 3 && memcmp(tok->norm, "the", 3) == 0 ? ENT_CASE_ANY : case_of(tok);
        if ((marks & GZ_MARK_CAPS) && (tok->flags & ENT_TOK_UPPER))
            cases[k] = ENT_CASE_UPPER;  /* "#!caps": "STANDARD", not "Standard" */
        if (tok_possessive(tok))
            cases[k] |= ENT_CASE_POSSESSIVE;
        if ((marks & GZ_MARK_ADJECTIVE) && k == 0)
            cases[k] |= ENT_CASE_ADJECTIVE;
        if ((marks & GZ_MARK_MEDIA) && k == 0)
            cases[k] |= ENT_CASE_MEDIA;
        if (!stems[k] || !norms[k])
            rc = -1;
        k++;
    }
    if ((marks & NAME_ORG) && last && lower_tail_may(last, cases, n))
        cases[n - 1] |= ENT_CASE_LOWER_TAIL;
    if (rc == 0)
        rc = add_pattern(c, ctx, lang_bit, norms, cases, n);
    if (rc == 0 && n > 1 && memcmp(stems, norms, n * sizeof *stems) != 0)
        rc = add_pattern(c, ctx, lang_bit, stems, cases, n);
    tk->release(keep);
    return rc;
}

/* Add a name for every language of langs. */
static int add_name_langs(struct matcher_core *c, const char *const *langs, size_t n_langs, const char *name,
                          uint32_t entry, unsigned marks, const struct ent_tokeniser *tk, struct ent_toks *t)
{
    struct name_ctx ctx = {entry, (marks & GZ_MARK_SPORT) != 0, c->n_pat};
    for (size_t i = 0; i < n_langs; i++)
        if (add_name(c, &ctx, name, langs[i], (uint16_t)(1u << i), marks, tk, t) < 0)
            return -1;
    return 0;
}

/* Each state's languages: those of the patterns that end in it or below
 * it (a state is created after its parent, so one pass from the last
 * state up carries them to the root).  Before ac_build(), which drops the
 * parents. */
static int mark_state_langs(struct matcher_core *c)
{
    const struct ac *a = &c->ac;
    uint16_t *langs = calloc(a->n_states, sizeof *langs);
    if (!langs)
        return -1;
    for (size_t s = 0; s < a->n_states; s++)
        for (uint32_t p = a->out[s]; p != AC_NONE; p = a->pat_next[p])
            langs[s] |= c->pat_langs[p];
    for (size_t s = a->n_states; s-- > 1;)
        langs[a->parent[s]] |= langs[s];
    c->state_langs = langs;
    return 0;
}

static int build_core(struct matcher_core *c, const struct gazetteer *g, const char *const *langs, size_t n_langs,
                      const struct ent_tokeniser *tk)
{
    /* Later entries first: on the same words, the entry of a later file
     * (the user's) wins over the bundled lists; and entries that need no
     * cue win over those that do. */
    struct ent_toks t = {0};
    int rc = 0;
    for (int cue = 0; rc == 0 && cue <= 1; cue++)
        for (size_t k = g->n; rc == 0 && k-- > 0;) {
            const struct gz_entry *e = &g->v[k];
            uint32_t id = (uint32_t)k;
            if (e->needs_cue != cue)
                continue;
            unsigned org = e->type == ENT_ORG ? NAME_ORG : 0;
            /* The NAME of an entry that only "#!media" lines list is one
             * of its marked aliases. */
            if (!e->media_only)
                rc = add_name_langs(c, langs, n_langs, e->name, id, org, tk, &t);
            for (size_t i = 0; rc == 0 && i < e->n_aliases; i++)
                rc = add_name_langs(c, langs, n_langs, e->aliases[i], id, org, tk, &t);
            for (size_t i = 0; rc == 0 && i < e->n_locals; i++)
                rc = add_name_langs(c, langs, n_langs, gz_local_name(e, i), id, org, tk, &t);
        }
    /* Last: on the same words, every other name wins over an alias that
     * counts only in capitals, and all of them over a sports alias, which
     * a story on anything else drops (resolve.h; collect() stops at the
     * first sports alias). */
    for (int sport = 0; rc == 0 && sport <= 1; sport++)
        for (size_t k = g->n_marked; rc == 0 && k-- > 0;) {
            const struct gz_marked_alias *a = &g->marked[k];
            if (a->sport == sport)
                rc = add_name_langs(c, langs, n_langs, a->alias, a->entry,
                                    (a->sport ? GZ_MARK_SPORT : 0) | (a->caps ? GZ_MARK_CAPS : 0) |
                                        (a->adjective ? GZ_MARK_ADJECTIVE : 0) | (a->media ? GZ_MARK_MEDIA : 0),
                                    tk, &t);
        }
    toks_free(&t);
    if (rc < 0 || (c->n_langs > 1 && mark_state_langs(c) < 0) || ac_build(&c->ac) < 0)
        return -1;
    /* Best effort: cut the arrays sized for growth to what they hold. */
    if (c->n_pat > 0 && c->n_pat < c->pat_cap) {
        struct matcher_pattern *p = realloc(c->pat, c->n_pat * sizeof *p);
        if (p)
            c->pat = p;
        uint16_t *l = c->n_langs > 1 ? realloc(c->pat_langs, c->n_pat * sizeof *l) : NULL;
        if (l)
            c->pat_langs = l;
        /* pat_cap is read only while patterns are added, never after the
         * build: after a shrink that failed it may be either's size. */
        if (p && (l || c->n_langs == 1))
            c->pat_cap = c->n_pat;
    }
    if (c->n_cases > 0 && c->n_cases < c->cases_cap) {
        uint8_t *k = realloc(c->cases, c->n_cases);
        if (k) {
            c->cases = k;
            c->cases_cap = c->n_cases;
        }
    }
    return 0;
}

static uint32_t step(const struct matcher *m, uint32_t state, uint32_t sym);

/* m->root_state[] of a matcher on a shared automaton. */
static int root_states(struct matcher *m)
{
    size_t n = (size_t)m->core->ac.n_symbols + 1;
    uint32_t *v = malloc(n * sizeof *v);
    if (!v)
        return -1;
    for (size_t sym = 0; sym < n; sym++)
        v[sym] = step(m, 0, (uint32_t)sym);
    m->root_state = v;
    m->n_root = n;
    return 0;
}

int matcher_build_langs(struct matcher *const *ms, const char *const *langs, size_t n, const struct gazetteer *g,
                        const struct ent_tokeniser *tk)
{
    for (size_t i = 0; i < n; i++)
        *ms[i] = (struct matcher){0};
    if (n == 0 || n > MATCHER_LANGS_MAX || g->n > GZ_ENTRIES_MAX)
        return -1;  /* gz_add_line() refuses more entries */
    struct matcher_core *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    c->n_langs = n;
    if (ac_init(&c->ac) < 0 || build_core(c, g, langs, n, tk) < 0) {
        core_free(c);
        return -1;
    }
    c->users = n;
    for (size_t i = 0; i < n; i++) {
        struct matcher *m = ms[i];
        m->core = c;
        m->lang_bit = (uint16_t)(1u << i);
        snprintf(m->lang, sizeof m->lang, "%s", langs[i] ? langs[i] : "");
        m->genitives = strcmp(m->lang, "de") == 0;
    }
    for (size_t i = 0; i < n; i++)
        if (n > 1 && root_states(ms[i]) < 0) {
            for (size_t k = 0; k < n; k++)
                matcher_free(ms[k]);
            return -1;
        }
    return 0;
}

int matcher_build(struct matcher *m, const struct gazetteer *g, const char *lang,
                  const struct ent_tokeniser *tk)
{
    const char *langs[] = {lang ? lang : ""};
    return matcher_build_langs(&m, langs, 1, g, tk);
}

/* A token has up to three forms: its norm, its stem, and for a
 * capitalised word ending in s its norm without the s (the genitive of a
 * name: "Chinas", "Nvidias", which stemmers leave alone after a vowel).
 * The automaton follows each of them, so it runs as a small set of states
 * at once: "Vereinigten" goes on by its stem when another name begins with
 * the norm "vereinigten". */
#define MAX_FORMS 3
#define MAX_STATES 8

/* The vocabulary hashes of a token's forms: norm, stem, genitive without
 * its s; forms says which it has (a stem that is not the norm, a
 * genitive) and, once the vocabulary's filter has been asked
 * (prefetch_forms(), stage 1), which of them may have a symbol. */
struct form_hashes {
    uint32_t norm, stem, genitive;
    uint32_t forms;     /* FORM_* */
};
#define FORM_NORM 1u
#define FORM_STEM 2u
#define FORM_GENITIVE 4u

/* An English possessive needs nothing here: the text layer's norm of
 * "London's" is "london" (its text keeps the ending, tok_possessive()).
 * A genitive's s is in lower case ("BMWs"), or in capitals in a word of
 * five letters or more ("SALZBURGS"): "ISS" and "FAS" are no genitives
 * of "IS" and "FA". */
static int has_genitive(const struct ent_tok *t)
{
    return (t->flags & ENT_TOK_CAP) && t->norm_len > 2 && t->norm[t->norm_len - 1] == 's' &&
           (t->text[t->text_len - 1] == 's' || letters(t) > SHORT_CAPS_LETTERS + 1);
}

static int stem_is_norm(const struct ent_tok *t)
{
    return t->stem_len == t->norm_len && memcmp(t->stem, t->norm, t->norm_len) == 0;
}

static struct form_hashes hashes_of(const struct ent_tok *t)
{
    struct form_hashes h = {strmap_hash(t->norm, t->norm_len), 0, 0, FORM_NORM};
    if (!stem_is_norm(t)) {
        h.stem = strmap_hash(t->stem, t->stem_len);
        h.forms |= FORM_STEM;
    }
    if (has_genitive(t)) {
        h.genitive = strmap_hash(t->norm, t->norm_len - 1);
        h.forms |= FORM_GENITIVE;
    }
    return h;
}

/* Stage 0 fetches the filter's words; stage 1 asks the filter, drops the
 * forms it refuses (most words of an article are in no name: their
 * look-ups then end here) and fetches the others' slots; stage 2 their
 * entries (strmap_prefetch()). */
static void prefetch_forms(const struct ac *ac, struct form_hashes *h, int stage)
{
    const uint32_t hashes[] = {h->norm, h->stem, h->genitive};
    for (int f = 0; f < 3; f++) {
        uint32_t bit = 1u << f;
        if (!(h->forms & bit))
            continue;
        if (stage == 1 && !ac_may_have(ac, hashes[f])) {
            h->forms &= ~bit;
            continue;
        }
        ac_prefetch(ac, hashes[f], stage);
    }
}

/* The symbols of the forms h has (FORM_*), norm first; and in word[]
 * those of the norm and of the genitive alone (0: none), which a one-word
 * name must be (norm_is()). */
static size_t forms_hashed(const struct ac *ac, const struct ent_tok *t, const struct form_hashes *h,
                           uint32_t *syms, uint32_t *word)
{
    size_t n = 0;
    uint32_t s;
    word[0] = word[1] = 0;
    if ((h->forms & FORM_NORM) && (s = ac_lookup_hashed(ac, t->norm, t->norm_len, h->norm)))
        syms[n++] = word[0] = s;
    if ((h->forms & FORM_STEM) && (s = ac_lookup_hashed(ac, t->stem, t->stem_len, h->stem)) &&
        (n == 0 || s != syms[0]))
        syms[n++] = s;
    if ((h->forms & FORM_GENITIVE) && (s = ac_lookup_hashed(ac, t->norm, t->norm_len - 1, h->genitive)))
        syms[n++] = word[1] = s;
    return n;
}

static size_t forms_of(const struct ac *ac, const struct ent_tok *t, uint32_t *syms, uint32_t *word)
{
    struct form_hashes h = hashes_of(t);
    return forms_hashed(ac, t, &h, syms, word);
}

static void add_state(uint32_t *set, size_t *n, uint32_t s)
{
    if (s == 0 || *n == MAX_STATES)
        return;
    for (size_t i = 0; i < *n; i++)
        if (set[i] == s)
            return;
    set[(*n)++] = s;
}

/* A one-word name matches the token's norm (or its genitive without the
 * s), not its stem: "Pariser" is no mention of Paris.  word[]: the
 * symbols of the token's norm and genitive (forms_hashed()). */
static int norm_is(const uint32_t *word, uint32_t sym)
{
    return word[0] == sym || word[1] == sym;
}

static int hit_order(const void *a, const void *b)
{
    const struct ent_hit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    uint32_t lx = x->end - x->start, ly = y->end - y->start;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    if (x->sport != y->sport)
        return (int)x->sport - (int)y->sport;
    /* On the same words a plain name wins over an adjective ("Liberal
     * Democrat-run" is the party's by the stems of "Liberal Democrats"),
     * and over a paper's name that wants a cue. */
    if (x->adjective != y->adjective)
        return (int)x->adjective - (int)y->adjective;
    return (int)x->media - (int)y->media;
}

/* Every pattern ending at stream position k whose case and sentence fit;
 * pos[] maps stream positions to token indices. */
static int collect(const struct matcher *m, const struct ent_toks *t, const uint32_t *pos, size_t k,
                   uint32_t state, const uint32_t *word, struct ent_hits *cand)
{
    const struct matcher_core *core = m->core;
    const struct ac *ac = &core->ac;
    if (!ac_emits(ac, state))
        return 0;
    for (uint32_t s = ac->out[state] != AC_NONE ? state : ac->dict[state]; s != AC_NONE; s = ac->dict[s]) {
        int got = 0;   /* bit 0: a name of these words taken, bit 1: a sports alias, bit 2: a paper's name */
        for (uint32_t p = ac->out[s]; p != AC_NONE; p = ac->pat_next[p]) {
            if (core->n_langs > 1 && !(core->pat_langs[p] & m->lang_bit))
                continue;  /* another language's */
            const struct matcher_pattern *mp = &core->pat[p];
            size_t first = k + 1 - mp->len;
            const struct ent_tok *a = &t->v[pos[first]];
            int ok = a->sentence == t->v[pos[k]].sentence && (mp->word == 0 || norm_is(word, mp->word));
            int genitive = mp->word != 0 && word[0] != mp->word;
            /* Only German writes a genitive with a bare s: in English
             * "Jenas" is no Jena, "the Americas" no America; but
             * "McDonalds" is McDonald's (a name with a possessive). */
            if (genitive && !m->genitives && !(core->cases[mp->case_off] & ENT_CASE_POSSESSIVE))
                ok = 0;
            for (size_t j = 0; ok && j < mp->len; j++) {
                const struct ent_tok *x = &t->v[pos[first + j]];
                uint8_t c = core->cases[mp->case_off + j], want = c & ~ENT_CASE_MARKS;
                ok = (case_ok(want, x->flags) || (want == ENT_CASE_UPPER && capitals_before_possessive(x)) ||
                      ((c & ENT_CASE_LOWER_TAIL) && !(a->flags & ENT_TOK_START) && (x->flags & ENT_TOK_WORD))) &&
                     (!(c & ENT_CASE_POSSESSIVE) || tok_possessive(x) || genitive);
                /* A short word in capitals is an acronym, no capitalised
                 * word of a name ("per the WHO" is no The Who), but in a
                 * run of capitals ("NEW YORK (AP)"). */
                if (ok && want == ENT_CASE_CAP && case_of(x) == ENT_CASE_UPPER &&
                    upper_words(t, pos + first, mp->len) < 2)
                    ok = 0;
                /* A possessive ends a name that has none there: "the
                 * BBC's World Cup coverage" is no BBC World. */
                if (ok && j + 1 < mp->len && !(c & ENT_CASE_POSSESSIVE) && tok_possessive(x))
                    ok = 0;
            }
            /* The first fitting pattern of these words wins; a sports
             * alias or a paper's name of them is kept as well (resolve.h
             * decides). */
            uint8_t marks = core->cases[mp->case_off];
            int kind = mp->sport ? 1 : (marks & ENT_CASE_MEDIA) ? 2 : 0;
            if (ok && !(got >> kind & 1)) {
                struct ent_hit hit = {pos[first], pos[k] + 1, mp->entry, mp->sport, (marks & ENT_CASE_ADJECTIVE) != 0,
                                      genitive & 1, kind == 2};
                if (hits_push(cand, hit) < 0)
                    return -1;
                got |= 1 << kind;
                if (got & 2)
                    break;  /* sports aliases come last (matcher_build()) */
            }
        }
    }
    return 0;
}

/* The state after reading sym in state, as m's language reads it: on an
 * automaton shared with other languages, the longest suffix of what was
 * read that begins one of its own patterns (down the failure links from
 * the shared automaton's state), which is the state an automaton of its
 * own would be in.  So the states a token keeps (MAX_STATES of them) are
 * that automaton's, not others' that lead only to other languages'
 * patterns. */
static uint32_t step(const struct matcher *m, uint32_t state, uint32_t sym)
{
    const struct matcher_core *c = m->core;
    uint32_t s = ac_step(&c->ac, state, sym);
    if (c->state_langs)
        while (s != 0 && !(c->state_langs[s] & m->lang_bit))
            s = c->ac.fail[s];
    return s;
}

/* step(m, 0, sym). */
static uint32_t root_step(const struct matcher *m, uint32_t sym)
{
    if (m->root_state && sym < m->n_root)
        return m->root_state[sym];
    return step(m, 0, sym);
}

static void prefetch_root_step(const struct matcher *m, uint32_t sym)
{
    if (m->root_state && sym < m->n_root)
        __builtin_prefetch(&m->root_state[sym]);
    else
        ac_prefetch_root(&m->core->ac, sym);
}

/* step(m, state, sym), given root = step(m, 0, sym): most steps from a
 * state below the root end there (the word continues no name begun), and
 * then the root's step, worked out once per type, is the answer, without
 * the reads of the states on the way. */
static uint32_t step_with_root(const struct matcher *m, uint32_t state, uint32_t sym, uint32_t root)
{
    const struct matcher_core *c = m->core;
    uint32_t s = ac_step_below(&c->ac, state, sym);
    if (s == AC_NONE)
        return root;
    if (c->state_langs)
        while (s != 0 && !(c->state_langs[s] & m->lang_bit))
            s = c->ac.fail[s];
    return s;
}

/* The forms of a token type, found once per type: the vocabulary is a
 * hash table too large for the caches, and most tokens repeat a type.
 * First each type's forms are hashed and what their lookups read is
 * prefetched, stage by stage over all types (strmap_prefetch()), so
 * that the lookups find it in the cache; then, likewise, the step from
 * the root on each symbol. */
struct type_forms {
    uint32_t syms[MAX_FORMS];
    uint32_t root[MAX_FORMS];  /* ac_step(root, syms[f]): the same for every token of the type */
    uint32_t word[2];    /* forms_hashed()'s */
    uint32_t n;          /* FORMS_UNKNOWN or FORMS_HASHED: not looked up yet */
};
#define FORMS_UNKNOWN UINT32_MAX
#define FORMS_HASHED (UINT32_MAX - 1)

static int prefetch_types(const struct matcher *m, const struct ent_toks *t, struct type_forms *memo)
{
    const struct ac *ac = &m->core->ac;
    /* A token of each type hashed here, its type and its hashes, in the
     * order they are hashed: the stages read them one after another. */
    uint32_t *hashed = malloc(2 * ((size_t)t->n_types + 1) * sizeof *hashed);
    struct form_hashes *hs = malloc(((size_t)t->n_types + 1) * sizeof *hs);
    if (!hashed || !hs) {
        free(hashed);
        free(hs);
        return -1;
    }
    uint32_t *hashed_type = hashed + t->n_types + 1;
    size_t n = 0;
    /* Types are numbered in the order they first occur (plugin.h): a
     * token whose type is the next number is its type's first, and one
     * below it is not, without a look at the memo. */
    uint32_t next_type = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct ent_tok *tok = &t->v[i];
        if (!toks_typed(t, tok))
            continue;
        if (tok->type == next_type)
            next_type++;
        else if (tok->type < next_type || memo[tok->type].n != FORMS_UNKNOWN)
            continue;
        if (tok->flags & ENT_TOK_WHOLE)
            continue;
        memo[tok->type].n = FORMS_HASHED;
        hs[n] = hashes_of(tok);
        prefetch_forms(ac, &hs[n], 0);
        hashed_type[n] = tok->type;
        hashed[n++] = (uint32_t)i;
    }
    for (int stage = 1; stage <= 2; stage++)
        for (size_t k = 0; k < n; k++)
            if (hs[k].forms)
                prefetch_forms(ac, &hs[k], stage);
    /* Then the symbols, and where they lead from the root (an array as
     * large as the vocabulary, read at random): asked for all types
     * first, read after. */
    for (size_t k = 0; k < n; k++) {
        struct type_forms *f = &memo[hashed_type[k]];
        if (!hs[k].forms) {
            f->n = f->word[0] = f->word[1] = 0;   /* no form of it passed the filter */
            continue;
        }
        f->n = (uint32_t)forms_hashed(ac, &t->v[hashed[k]], &hs[k], f->syms, f->word);
        for (uint32_t j = 0; j < f->n; j++)
            prefetch_root_step(m, f->syms[j]);
    }
    for (size_t k = 0; k < n; k++) {
        struct type_forms *f = &memo[hashed_type[k]];
        for (uint32_t j = 0; j < f->n; j++)
            f->root[j] = root_step(m, f->syms[j]);
    }
    free(hashed);
    free(hs);
    return 0;
}

/* The forms of tok and where each leads from the root, in f (which
 * points into memo, or at spare for a token without a type). */
static const struct type_forms *forms_of_type(const struct matcher *m, const struct ent_toks *t,
                                              const struct ent_tok *tok, struct type_forms *memo,
                                              struct type_forms *spare)
{
    const struct ac *ac = &m->core->ac;
    struct type_forms *f = memo && toks_typed(t, tok) ? &memo[tok->type] : spare;
    if (f == spare) {
        f->n = (uint32_t)forms_of(ac, tok, f->syms, f->word);
    } else if (f->n == FORMS_UNKNOWN || f->n == FORMS_HASHED) {
        /* A type prefetch_types() did not finish (it finishes every type
         * it hashes): worked out here. */
        f->n = (uint32_t)forms_of(ac, tok, f->syms, f->word);
    } else {
        return f;
    }
    for (uint32_t k = 0; k < f->n; k++)
        f->root[k] = root_step(m, f->syms[k]);
    return f;
}

int matcher_run(const struct matcher *m, const struct ent_toks *t, struct ent_hits *out)
{
    struct ent_hits cand = {0};
    uint32_t *pos = malloc((t->n + 1) * sizeof *pos);
    struct type_forms *memo = t->n_types ? malloc(t->n_types * sizeof *memo) : NULL;
    if (!pos || (t->n_types && !memo)) {
        free(pos);
        free(memo);
        return -1;
    }
    for (size_t i = 0; i < t->n_types; i++)
        memo[i].n = FORMS_UNKNOWN;
    if (memo && prefetch_types(m, t, memo) < 0) {
        free(pos);
        free(memo);
        return -1;
    }
    int rc = 0;
    uint32_t cur[MAX_STATES], next[MAX_STATES];
    size_t n_cur = 0, k = 0;
    for (size_t i = 0; rc == 0 && i < t->n; i++) {
        if (t->v[i].flags & ENT_TOK_WHOLE)
            continue;
        pos[k] = (uint32_t)i;
        struct type_forms spare;
        const struct type_forms *forms = forms_of_type(m, t, &t->v[i], memo, &spare);
        size_t n_next = 0;
        for (size_t f = 0; f < forms->n; f++) {
            add_state(next, &n_next, forms->root[f]);
            for (size_t c = 0; c < n_cur; c++)
                add_state(next, &n_next, step_with_root(m, cur[c], forms->syms[f], forms->root[f]));
        }
        for (size_t c = 0; rc == 0 && c < n_next; c++)
            rc = collect(m, t, pos, k, next[c], forms->word, &cand);
        memcpy(cur, next, n_next * sizeof *next);
        n_cur = n_next;
        k++;
    }
    free(pos);
    free(memo);
    if (rc == 0 && cand.n > 1)
        qsort(cand.v, cand.n, sizeof *cand.v, hit_order);
    /* The other names first: of overlapping ones the leftmost, then the
     * longest.  Then a sports alias or a paper's name, kept only on the
     * very words of a name kept (beside it: resolve.h decides which
     * counts) or on words no name kept has: it never pushes another name
     * out, since it is dropped where the text gives no cue for it. */
    size_t n_plain = 0;
    uint32_t covered = 0;
    for (size_t i = 0; rc == 0 && i < cand.n; i++) {
        if (cand.v[i].sport || cand.v[i].media || cand.v[i].start < covered)
            continue;  /* overlaps the one taken (or is the same hit again) */
        rc = hits_push(out, cand.v[i]);
        covered = cand.v[i].end;
        n_plain++;
    }
    size_t first = out->n - n_plain, at = first;
    uint32_t sport_covered = 0;
    for (size_t i = 0; rc == 0 && i < cand.n; i++) {
        const struct ent_hit *x = &cand.v[i];
        if (!(x->sport || x->media) || x->start < sport_covered)
            continue;
        while (at < first + n_plain && out->v[at].end <= x->start)
            at++;
        const struct ent_hit *y = at < first + n_plain ? &out->v[at] : NULL;
        int twin = y && y->start == x->start && y->end == x->end;
        if (y && y->start < x->end && !twin)
            continue;
        rc = hits_push(out, *x);
        sport_covered = x->end;
    }
    if (rc == 0 && out->n - first > n_plain)
        qsort(out->v + first, out->n - first, sizeof *out->v, hit_order);
    hits_free(&cand);
    return rc;
}

int matcher_word_entry(const struct matcher *m, const char *norm, size_t len, uint32_t *entry)
{
    const struct matcher_core *core = m->core;
    uint32_t sym = ac_lookup(&core->ac, norm, len);
    uint32_t state = sym ? ac_goto(&core->ac, 0, sym) : AC_NONE;
    if (state == AC_NONE)
        return 0;
    for (uint32_t p = core->ac.out[state]; p != AC_NONE; p = core->ac.pat_next[p]) {
        if (core->n_langs > 1 && !(core->pat_langs[p] & m->lang_bit))
            continue;
        const struct matcher_pattern *mp = &core->pat[p];
        uint8_t c = core->cases[mp->case_off], want = c & ~ENT_CASE_MARKS;
        if (mp->len == 1 && !mp->sport && !(c & ENT_CASE_MEDIA) && want != ENT_CASE_UPPER) {
            *entry = mp->entry;
            return 1;
        }
    }
    return 0;
}
