#include "kw_match.h"

#include <stdlib.h>
#include <string.h>

/* Symbols of words a token begins or ends with, kept per token: more are
 * dropped (a token that starts with five listed words is rare). */
#define MAX_PARTIAL 4
/* States followed at once: a token steps by its own symbol and by those
 * of the listed words it begins or ends with. */
#define MAX_STATES 16

enum { END_FIRST = 1, END_LAST = 2 };

int kw_matcher_init(struct kw_matcher *m, int compounds, int sensitive)
{
    *m = (struct kw_matcher){.compounds = compounds, .sensitive = sensitive, .min_len = SIZE_MAX};
    return ac_init(&m->ac);
}

void kw_matcher_free(struct kw_matcher *m)
{
    ac_free(&m->ac);
    free(m->pat);
    free(m->syms);
    free(m->ends);
    free(m->pairs);
    *m = (struct kw_matcher){0};
}

void kw_found_free(struct kw_found *f)
{
    free(f->v);
    *f = (struct kw_found){0};
}

static const char *form_of(const struct kw_matcher *m, const struct ent_tok *t, size_t *len)
{
    *len = m->sensitive ? t->text_len : t->norm_len;
    return m->sensitive ? t->text : t->norm;
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*v, cap2 * size);
    if (!p)
        return -1;
    *v = p;
    *cap = cap2;
    return 0;
}

#define PAIR_WORDS (65536 / 64)

static unsigned pair_at(const char *s)
{
    return (unsigned)(unsigned char)s[0] << 8 | (unsigned char)s[1];
}

static void pair_set(struct kw_matcher *m, int filter, const char *s)
{
    unsigned p = pair_at(s);
    m->pairs[(size_t)filter * PAIR_WORDS + p / 64] |= 1ull << (p % 64);
}

static int pair_has(const struct kw_matcher *m, int filter, const char *s)
{
    unsigned p = pair_at(s);
    return (m->pairs[(size_t)filter * PAIR_WORDS + p / 64] >> (p % 64)) & 1;
}

/* Note a first or last word of len bytes (two or more) for compounds:
 * its byte pairs, and its length (a token's start and end are looked up
 * with the lengths between the shortest and the longest). */
static void note_end(struct kw_matcher *m, const char *s, size_t len, int last)
{
    if (len < 2)
        return;
    pair_set(m, last ? KW_LAST_START : KW_FIRST_START, s);
    pair_set(m, last ? KW_LAST_END : KW_FIRST_END, s + len - 2);
    if (len < m->min_len)
        m->min_len = len;
    if (len > m->max_len)
        m->max_len = len;
}

int kw_matcher_add(struct kw_matcher *m, const struct ent_toks *toks, uint32_t word)
{
    size_t n = 0;
    uint32_t first_sentence = 0, last_sentence = 0;
    size_t first_len = 0, last_len = 0;
    const char *first_form = NULL, *last_form = NULL;
    if (grow((void **)&m->syms, &m->syms_cap, m->n_syms + toks->n, sizeof *m->syms) < 0)
        return -1;
    size_t old_symbols = m->ac.n_symbols;
    for (size_t i = 0; i < toks->n; i++) {
        const struct ent_tok *t = &toks->v[i];
        if (t->flags & ENT_TOK_WHOLE)
            continue;   /* its parts follow it */
        size_t len;
        const char *s = form_of(m, t, &len);
        if (len == 0)
            continue;
        uint32_t sym = ac_symbol(&m->ac, s, len, 1);
        if (!sym)
            return -1;
        if (n == 0) {
            first_sentence = t->sentence;
            first_len = len;
            first_form = s;
        }
        last_sentence = t->sentence;
        last_len = len;
        last_form = s;
        m->syms[m->n_syms + n++] = sym;
    }
    if (n == 0)
        return 1;
    /* ends[] must cover every symbol, also those of middle words. */
    if (m->ac.n_symbols != old_symbols || !m->ends) {
        uint8_t *e = realloc(m->ends, (size_t)m->ac.n_symbols + 1);
        if (!e)
            return -1;
        size_t from = m->ends ? old_symbols + 1 : 0;
        memset(e + from, 0, (size_t)m->ac.n_symbols + 1 - from);
        m->ends = e;
    }
    const uint32_t *syms = m->syms + m->n_syms;
    m->ends[syms[0]] |= END_FIRST;
    m->ends[syms[n - 1]] |= END_LAST;
    if (m->compounds && !m->pairs && !(m->pairs = calloc((size_t)KW_PAIR_FILTERS * PAIR_WORDS, sizeof *m->pairs)))
        return -1;
    if (m->compounds) {
        note_end(m, first_form, first_len, 0);
        note_end(m, last_form, last_len, 1);
    }
    if (grow((void **)&m->pat, &m->pat_cap, m->n_pat + 1, sizeof *m->pat) < 0)
        return -1;
    m->pat[m->n_pat] = (struct kw_pattern){word, (uint32_t)m->n_syms, (uint32_t)n,
                                           last_sentence - first_sentence};
    if (ac_add(&m->ac, syms, n, (uint32_t)m->n_pat) < 0)
        return -1;
    m->n_pat++;
    m->n_syms += n;
    if (word + 1 > m->n_words)
        m->n_words = (size_t)word + 1;
    return 0;
}

int kw_matcher_build(struct kw_matcher *m)
{
    return ac_build(&m->ac);
}

/* What a token can stand for: its own symbol, and with compounds those of
 * listed first words it ends with and last words it begins with. */
struct tok_forms {
    uint32_t exact;
    uint8_t n_pre, n_suf, known;
    uint32_t pre[MAX_PARTIAL], suf[MAX_PARTIAL];
};

static int continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

static void forms_of(const struct kw_matcher *m, const struct ent_tok *tok, struct tok_forms *f)
{
    size_t len;
    const char *s = form_of(m, tok, &len);
    f->exact = len ? ac_lookup(&m->ac, s, len) : 0;
    f->n_pre = f->n_suf = 0;
    f->known = 1;
    if (!m->pairs || len <= m->min_len)
        return;
    size_t hi = len - 1 < m->max_len ? len - 1 : m->max_len;
    /* A word the token begins with starts with the token's first two
     * bytes; one it ends with ends with its last two. */
    int pre = pair_has(m, KW_LAST_START, s), suf = pair_has(m, KW_FIRST_END, s + len - 2);
    for (size_t k = m->min_len; (pre || suf) && k <= hi; k++) {
        uint32_t sym;
        if (pre && f->n_pre < MAX_PARTIAL && !continuation(s[k]) && pair_has(m, KW_LAST_END, s + k - 2) &&
            (sym = ac_lookup(&m->ac, s, k)) && (m->ends[sym] & END_LAST))
            f->pre[f->n_pre++] = sym;
        if (suf && f->n_suf < MAX_PARTIAL && !continuation(s[len - k]) &&
            pair_has(m, KW_FIRST_START, s + len - k) && (sym = ac_lookup(&m->ac, s + len - k, k)) &&
            (m->ends[sym] & END_FIRST))
            f->suf[f->n_suf++] = sym;
    }
}

static int has(const uint32_t *v, size_t n, uint32_t sym)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == sym)
            return 1;
    return 0;
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

/* Whether the tokens at stream positions first .. first + p->len - 1 are
 * p's words: each one exactly, but the first may end a token and the last
 * begin one. */
static int fits(const struct kw_matcher *m, const struct kw_pattern *p, const struct tok_forms *forms,
                size_t first)
{
    const uint32_t *syms = m->syms + p->off;
    for (size_t j = 0; j < p->len; j++) {
        const struct tok_forms *f = &forms[first + j];
        if (f->exact == syms[j])
            continue;
        if (j + 1 == p->len && has(f->pre, f->n_pre, syms[j]))
            continue;
        if (j == 0 && has(f->suf, f->n_suf, syms[j]))
            continue;
        return 0;
    }
    return 1;
}

struct run {
    const struct kw_matcher *m;
    const struct ent_toks *t;
    const uint32_t *pos;           /* stream position -> token index */
    const struct tok_forms *forms; /* by stream position */
    uint8_t *seen;                 /* a bit per word */
    struct kw_found *out;
};

static int collect(struct run *r, size_t k, uint32_t state)
{
    const struct ac *ac = &r->m->ac;
    for (uint32_t s = ac->out[state] != AC_NONE ? state : ac->dict[state]; s != AC_NONE; s = ac->dict[s]) {
        for (uint32_t p = ac->out[s]; p != AC_NONE; p = ac->pat[p].next) {
            const struct kw_pattern *kp = &r->m->pat[ac->pat[p].value];
            uint32_t w = kp->word;
            if (r->seen[w / 8] & (1u << (w % 8)))
                continue;
            size_t first = k + 1 - kp->len;
            if (r->t->v[r->pos[k]].sentence - r->t->v[r->pos[first]].sentence != kp->span ||
                !fits(r->m, kp, r->forms, first))
                continue;
            r->seen[w / 8] |= (uint8_t)(1u << (w % 8));
            if (grow((void **)&r->out->v, &r->out->cap, r->out->n + 1, sizeof *r->out->v) < 0)
                return -1;
            r->out->v[r->out->n++] = w;
        }
    }
    return 0;
}

/* The forms of a token: once per type, as an article repeats its words. */
static void forms_at(const struct kw_matcher *m, const struct ent_toks *t, const struct ent_tok *tok,
                     struct tok_forms *memo, struct tok_forms *out)
{
    if (!memo || !toks_typed(t, tok)) {
        forms_of(m, tok, out);
        return;
    }
    struct tok_forms *f = &memo[tok->type];
    if (!f->known)
        forms_of(m, tok, f);
    *out = *f;
}

int kw_matcher_run(const struct kw_matcher *m, const struct ent_toks *t, struct kw_found *out)
{
    if (m->n_pat == 0 || t->n == 0)
        return 0;
    uint32_t *pos = malloc(t->n * sizeof *pos);
    struct tok_forms *forms = malloc(t->n * sizeof *forms);
    struct tok_forms *memo = t->n_types ? calloc(t->n_types, sizeof *memo) : NULL;
    uint8_t *seen = calloc(m->n_words / 8 + 1, 1);
    int rc = pos && forms && seen && (memo || !t->n_types) ? 0 : -1;
    struct run r = {m, t, pos, forms, seen, out};
    uint32_t cur[MAX_STATES], next[MAX_STATES];
    size_t n_cur = 0, k = 0;
    for (size_t i = 0; rc == 0 && i < t->n; i++) {
        const struct ent_tok *tok = &t->v[i];
        if (tok->flags & ENT_TOK_WHOLE)
            continue;
        pos[k] = (uint32_t)i;
        struct tok_forms *f = &forms[k];
        forms_at(m, t, tok, memo, f);
        uint32_t syms[1 + 2 * MAX_PARTIAL];
        size_t n_syms = 0, n_next = 0;
        if (f->exact)
            syms[n_syms++] = f->exact;
        for (size_t j = 0; j < f->n_pre; j++)
            syms[n_syms++] = f->pre[j];
        for (size_t j = 0; j < f->n_suf; j++)
            syms[n_syms++] = f->suf[j];
        for (size_t s = 0; s < n_syms; s++) {
            add_state(next, &n_next, ac_step(&m->ac, 0, syms[s]));
            for (size_t c = 0; c < n_cur; c++)
                add_state(next, &n_next, ac_step(&m->ac, cur[c], syms[s]));
        }
        for (size_t c = 0; rc == 0 && c < n_next; c++)
            rc = collect(&r, k, next[c]);
        memcpy(cur, next, n_next * sizeof *next);
        n_cur = n_next;
        k++;
    }
    free(pos);
    free(forms);
    free(memo);
    free(seen);
    return rc;
}
