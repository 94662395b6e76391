#include "kw_match.h"

#include <stdlib.h>
#include <string.h>

/* Symbols of words a token begins or ends with, kept per token: more are
 * dropped (a token that starts with five listed words is rare). */
#define MAX_PARTIAL 4
/* States followed at once: a token steps by its own symbol and by those
 * of the listed words it begins or ends with. */
#define MAX_STATES 16
/* What may follow a word that ends a compound: German and English
 * inflection endings ("" first: the word ends the token). */
static const char *const endings[] = {"", "s", "e", "n", "en", "es", "er", "ern", "ens", "in", "ed"};
static const uint8_t ending_len[] = {0, 1, 1, 1, 2, 2, 2, 3, 3, 2, 2};

enum { END_FIRST = 1, END_LAST = 2 };

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

int kw_matcher_init(struct kw_matcher *m, int compounds, int sensitive)
{
    *m = (struct kw_matcher){.compounds = compounds, .sensitive = sensitive, .min_len = SIZE_MAX};
    m->pairs = calloc((size_t)KW_PAIR_FILTERS * PAIR_WORDS, sizeof *m->pairs);
    if (!m->pairs || ac_init(&m->ac) < 0) {
        free(m->pairs);
        m->pairs = NULL;
        return -1;
    }
    return 0;
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
        if (len == 1) {
            m->bytes[(unsigned char)s[0] / 64] |= 1ull << ((unsigned char)s[0] % 64);
        } else {
            pair_set(m, KW_ANY_START, s);
            pair_set(m, KW_ANY_END, s + len - 2);
        }
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
    if (m->compounds) {
        note_end(m, first_form, first_len, 0);
        note_end(m, last_form, last_len, 1);
    }
    if (grow((void **)&m->pat, &m->pat_cap, m->n_pat + 1, sizeof *m->pat) < 0)
        return -1;
    m->pat[m->n_pat] = (struct kw_pattern){word, (uint32_t)m->n_syms, (uint32_t)n,
                                           last_sentence - first_sentence};
    if (ac_add(&m->ac, syms, n) < 0)
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
    uint8_t n_pre, n_suf;
    uint32_t pre[MAX_PARTIAL], suf[MAX_PARTIAL];
};

static int continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

static int has(const uint32_t *v, size_t n, uint32_t sym)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == sym)
            return 1;
    return 0;
}

static int has_forms(const struct tok_forms *f)
{
    return f->exact || f->n_pre || f->n_suf;
}

static void forms_of(const struct kw_matcher *m, const struct ent_tok *tok, struct tok_forms *f)
{
    size_t len;
    const char *s = form_of(m, tok, &len);
    int maybe = len == 1 ? (int)((m->bytes[(unsigned char)s[0] / 64] >> ((unsigned char)s[0] % 64)) & 1)
                         : len > 1 && pair_has(m, KW_ANY_START, s) && pair_has(m, KW_ANY_END, s + len - 2);
    f->exact = maybe ? ac_lookup(&m->ac, s, len) : 0;
    f->n_pre = f->n_suf = 0;
    if (!m->compounds || len <= m->min_len)
        return;
    size_t hi = len - 1 < m->max_len ? len - 1 : m->max_len;
    /* A word the token begins with starts with the token's first two
     * bytes. */
    if (pair_has(m, KW_LAST_START, s))
        for (size_t k = m->min_len; f->n_pre < MAX_PARTIAL && k <= hi; k++) {
            uint32_t sym;
            if (!continuation(s[k]) && pair_has(m, KW_LAST_END, s + k - 2) && (sym = ac_lookup(&m->ac, s, k)) &&
                (m->ends[sym] & END_LAST))
                f->pre[f->n_pre++] = sym;
        }
    /* One it ends with may be followed by an inflection ending:
     * "Minister" in "Premierministers" and "Innenministerin", "Film" in
     * "Kinderfilmen" (but not "Finanzministerium"). */
    for (size_t e = 0; e < sizeof endings / sizeof *endings; e++) {
        size_t elen = ending_len[e];
        /* Two bits and a byte rule out most endings before a compare. */
        if (elen + m->min_len >= len || (elen && s[len - 1] != endings[e][elen - 1]) ||
            !pair_has(m, KW_FIRST_END, s + len - elen - 2) || memcmp(s + len - elen, endings[e], elen) != 0)
            continue;
        size_t end = len - elen, top = (elen ? end : end - 1) < m->max_len ? (elen ? end : end - 1) : m->max_len;
        for (size_t k = m->min_len; f->n_suf < MAX_PARTIAL && k <= top; k++) {
            uint32_t sym;
            if (!continuation(s[end - k]) && pair_has(m, KW_FIRST_START, s + end - k) &&
                (sym = ac_lookup(&m->ac, s + end - k, k)) && (m->ends[sym] & END_FIRST) &&
                !has(f->suf, f->n_suf, sym))
                f->suf[f->n_suf++] = sym;
        }
    }
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

/* One token of the stream the automaton reads: tokens without a form
 * reset it, so they are not kept; the last ring_mask + 1 are, which is
 * as far back as a pattern reaches. */
struct stream_tok {
    struct tok_forms f;
    uint32_t sentence;
};

struct run {
    const struct kw_matcher *m;
    struct stream_tok *ring;
    size_t ring_mask;
    size_t k;                      /* tokens read since the last reset */
    uint32_t cur[MAX_STATES];
    size_t n_cur;
    uint8_t *seen;                 /* a bit per word */
    struct kw_found *out;
};

/* Whether the last p->len tokens read are p's words: each one exactly,
 * but the first may end a token and the last begin one; across as many
 * sentence ends as p has. */
static int fits(const struct run *r, const struct kw_pattern *p)
{
    if (p->len > r->k)
        return 0;
    const uint32_t *syms = r->m->syms + p->off;
    size_t first = r->k - p->len;
    if (r->ring[(r->k - 1) & r->ring_mask].sentence - r->ring[first & r->ring_mask].sentence != p->span)
        return 0;
    for (size_t j = 0; j < p->len; j++) {
        const struct tok_forms *f = &r->ring[(first + j) & r->ring_mask].f;
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

static int collect(struct run *r, uint32_t state)
{
    const struct ac *ac = &r->m->ac;
    for (uint32_t s = ac->out[state] != AC_NONE ? state : ac->dict[state]; s != AC_NONE; s = ac->dict[s]) {
        for (uint32_t p = ac->out[s]; p != AC_NONE; p = ac->pat_next[p]) {
            const struct kw_pattern *kp = &r->m->pat[p];
            uint32_t w = kp->word;
            if ((r->seen[w / 8] & (1u << (w % 8))) || !fits(r, kp))
                continue;
            r->seen[w / 8] |= (uint8_t)(1u << (w % 8));
            if (grow((void **)&r->out->v, &r->out->cap, r->out->n + 1, sizeof *r->out->v) < 0)
                return -1;
            r->out->v[r->out->n++] = w;
        }
    }
    return 0;
}

/* Step the automaton with a token of these forms. */
static int step(struct run *r, const struct tok_forms *f, uint32_t sentence)
{
    const struct ac *ac = &r->m->ac;
    r->ring[r->k & r->ring_mask] = (struct stream_tok){*f, sentence};
    r->k++;
    uint32_t syms[1 + 2 * MAX_PARTIAL], next[MAX_STATES];
    size_t n_syms = 0, n_next = 0;
    if (f->exact)
        syms[n_syms++] = f->exact;
    for (size_t j = 0; j < f->n_pre; j++)
        syms[n_syms++] = f->pre[j];
    for (size_t j = 0; j < f->n_suf; j++)
        syms[n_syms++] = f->suf[j];
    for (size_t s = 0; s < n_syms; s++) {
        add_state(next, &n_next, ac_step(ac, 0, syms[s]));
        for (size_t c = 0; c < r->n_cur; c++)
            add_state(next, &n_next, ac_step(ac, r->cur[c], syms[s]));
    }
    for (size_t c = 0; c < n_next; c++)
        if (collect(r, next[c]) < 0)
            return -1;
    memcpy(r->cur, next, n_next * sizeof *next);
    r->n_cur = n_next;
    return 0;
}

static void reset(struct run *r)
{
    r->n_cur = 0;
    r->k = 0;
}

/* What is known of a token type, one number a type (an article has a
 * few hundred types, most of them without a form): not looked at yet, no
 * form (the automaton resets), a hyphenated word whose parts may have
 * forms (split it), or TYPE_FORMS + i: its forms are forms[i]. */
enum { TYPE_UNKNOWN, TYPE_NONE, TYPE_PARTS, TYPE_FORMS };

struct type_memo {
    uint32_t *kind;          /* by type */
    struct tok_forms *forms;
    size_t n_forms, cap;
};

static struct ent_tok ent_tok_of(const struct newsd_token *nt)
{
    return (struct ent_tok){
        .text = nt->text, .text_len = (uint32_t)nt->length,
        .norm = nt->norm, .norm_len = (uint32_t)nt->norm_length,
        .stem = nt->stem, .stem_len = (uint32_t)nt->stem_length,
        .flags = nt->kind == NEWSD_TOKEN_WORD ? ENT_TOK_WORD : 0,
        .sentence = nt->sentence, .type = ENT_NO_TYPE,
    };
}

/* A token: its parts when it is a hyphenated word (toks_push_word()),
 * else itself.  Returns 1 when some part has forms. */
static int read_token(struct run *r, const struct ent_tok *tok, struct ent_toks *parts, int *any)
{
    parts->n = 0;
    if (toks_push_word(parts, tok) < 0)
        return -1;
    *any = 0;
    for (size_t i = 0; i < parts->n; i++) {
        const struct ent_tok *p = &parts->v[i];
        if (p->flags & ENT_TOK_WHOLE)
            continue;
        struct tok_forms f;
        forms_of(r->m, p, &f);
        if (!has_forms(&f)) {
            reset(r);
            continue;
        }
        *any = 1;
        if (step(r, &f, p->sentence) < 0)
            return -1;
    }
    return 0;
}

int kw_matcher_run(const struct kw_matcher *m, const newsd_analysis *an, size_t limit, struct kw_found *out)
{
    size_t n, stride;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    if (m->n_pat == 0 || n == 0)
        return 0;
    size_t ring = 1;
    for (size_t i = 0; i < m->n_pat; i++)
        while (ring < m->pat[i].len)
            ring *= 2;
    size_t n_types = newsd_analysis_type_count(an);
    struct type_memo memo = {.kind = n_types ? calloc(n_types, sizeof *memo.kind) : NULL};
    struct run r = {.m = m, .ring = malloc(ring * sizeof *r.ring), .ring_mask = ring - 1,
                    .seen = calloc(m->n_words / 8 + 1, 1), .out = out};
    struct ent_toks parts = {0};
    int rc = r.ring && r.seen && (memo.kind || !n_types) ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n && (limit == 0 || out->n < limit); i++) {
        const struct newsd_token *nt = newsd_token_in(base, stride, i);
        uint32_t *kind = memo.kind && nt->type < n_types ? &memo.kind[nt->type] : NULL;
        if (kind && *kind == TYPE_NONE) {
            reset(&r);
            continue;
        }
        if (kind && *kind >= TYPE_FORMS) {
            rc = step(&r, &memo.forms[*kind - TYPE_FORMS], nt->sentence);
            continue;
        }
        struct ent_tok tok = ent_tok_of(nt);
        int hyphenated = (tok.flags & ENT_TOK_WORD) && memchr(tok.text, '-', tok.text_len);
        if (!hyphenated && (!kind || *kind == TYPE_UNKNOWN)) {
            struct tok_forms f;
            forms_of(m, &tok, &f);
            if (!has_forms(&f)) {
                if (kind)
                    *kind = TYPE_NONE;
                reset(&r);
                continue;
            }
            if (kind) {
                if (grow((void **)&memo.forms, &memo.cap, memo.n_forms + 1, sizeof *memo.forms) < 0) {
                    rc = -1;
                    break;
                }
                memo.forms[memo.n_forms] = f;
                *kind = TYPE_FORMS + (uint32_t)memo.n_forms++;
            }
            rc = step(&r, &f, nt->sentence);
            continue;
        }
        int any;
        rc = read_token(&r, &tok, &parts, &any);
        if (rc == 0 && kind && *kind == TYPE_UNKNOWN)
            *kind = any ? TYPE_PARTS : TYPE_NONE;
    }
    toks_free(&parts);
    free(memo.kind);
    free(memo.forms);
    free(r.ring);
    free(r.seen);
    return rc;
}
