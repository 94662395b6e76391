/*
 * YAKE over analysed tokens (see yake.h).  One pass builds the terms and
 * their features, one pass the candidate phrases; every table is an open
 * addressing hash sized from the token count up front, all in one block
 * (or a scratch the caller lends), so time and memory are linear in the
 * tokens.
 *
 * Where this differs from the reference implementation, and why
 * (docs/plugins.md, "keywords", says it for users):
 *   - A term is a stem of the text layer, not a lower-cased word, so
 *     "Chiphersteller" and "Chipherstellern" are one term.
 *   - A hyphenated compound whose last part also stands alone in the text
 *     ("US-Handelsbeschränkungen" beside "Handelsbeschränkungen") is that
 *     part: the article names the concept with the bare word, the modifier
 *     narrows it and is a keyword or entity of its own, and the bare word
 *     groups articles whatever modifier they use.  A compound whose last
 *     part never stands alone ("KI-Chiphersteller" alone) stays a term.
 *   - Casing counts only outside the title (a title may capitalise every
 *     word) and not at a sentence's start, as in YAKE; an all-caps word is
 *     no stop word ("US" is not "us") unless the text around it shouts.
 *   - Headings count as the title for the position of words the text
 *     takes up.
 *   - Edges: no unit after a number; in German, no word written small,
 *     and a name's genitive ("Chinas") is the name.
 *   - A phrase must occur twice and repeat no word; each word is in one
 *     keyword at most.  This replaces the reference's deduplication by an
 *     edit distance of the strings; its "unusual token" rule is the text
 *     layer's token kinds.
 */
#include "yake.h"

#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <newsd/plugin.h>

#define NO_TERM UINT32_MAX

/* A term's counts: 64 bytes, one cache line (work_alloc() aligns the
 * array), as the passes over the tokens read and update a term per token
 * in no order.  What only the term table and the scoring read is apart
 * (struct term_key, work.term_h): at 88 bytes a term mostly took two
 * lines. */
struct term {
    uint32_t tf, tf_upper, tf_acro;
    uint32_t inner, inner_cap;  /* occurrences not at a sentence's start, and those capitalised */
    uint32_t n_sent, last_sent;
    uint32_t n_head;          /* of them, headings */
    uint32_t sent_head, sent_tail;   /* list of them in sent_nodes */
    uint32_t after_number;    /* occurrences right after a number: a unit or quantity */
    uint32_t left_distinct, left_total, right_distinct, right_total;
    bool stop;                /* a stop word or a number: never a phrase's edge */
    bool standalone;          /* seen as a token of its own (not only as a compound's head) */
    bool scored;              /* h is known */
    bool edge;                /* its tokens may be a phrase's edge, as far as the term decides (score_terms()) */
};
#define TERM_ALIGN 64         /* sizeof(struct term), and where the array starts */

/* A term's key, for the term table: the hash's low half and the length
 * in 32 bits. */
struct term_key {
    const char *key;          /* stem (norm for stop words); not NUL-terminated for a head */
    uint32_t hash;            /* of key (its low half): compared before the bytes */
    uint32_t key_len;
};

/* One of a term's sentences: its number, SENT_HEADING set for a heading
 * (sentence numbers are below the token count, below 2^31). */
struct sent_node {
    uint32_t sentence;
    uint32_t next;
};
#define SENT_HEADING (1u << 31)

struct pair {
    uint32_t a, b;            /* b followed a; NO_TERM: empty slot */
    uint32_t count;
};

struct candidate {
    uint32_t pos;             /* first occurrence: its terms are tok_term[pos..pos+len) */
    uint32_t len;
    uint32_t tf;
    uint32_t last_occ;        /* its occurrences: first_occ[c] .. last_occ through occs[].next */
    double score;
};

/* One occurrence of a candidate: where, and the next of the same one. */
struct occurrence {
    uint32_t pos;
    uint32_t next;
};

struct work {
    const struct yake_token *tok;
    size_t n;
    uint32_t *tok_term;       /* NO_TERM for punctuation */
    bool *tok_merged;
    bool *tok_edge;           /* may start or end a phrase (is_edge()) */
    uint8_t *tok_runs;        /* bit len - 1: the run of len words from here is a candidate's occurrence */
    struct term *terms;
    struct term_key *term_keys;
    double *term_h;           /* YAKE's term score, lower is better (once scored) */
    size_t n_terms;
    uint32_t *term_slots;
    size_t term_mask;
    struct sent_node *sent_nodes;
    size_t n_sent_nodes;
    struct pair *pairs;
    size_t pair_mask;
    struct candidate *cands;
    size_t n_cands;
    uint32_t *cand_slots;
    size_t cand_mask;
    struct occurrence *occs;  /* in the order found; a candidate's first is its first */
    size_t n_occs;
    uint32_t *first_occ;      /* per candidate */
    uint32_t n_sentences;
    double max_tf, freq_norm;  /* score_terms()'s, for term_score() */
    bool capitalised_nouns;
    /* Per token type: its term (type_term[2 * type + stop]; TYPE_UNSEEN
     * before its first token, TYPE_COMPOUND for a compound left to the
     * second pass) and, in the second pass, compound_term[type]. */
    uint32_t *type_term, *compound_term;
    uint8_t *type_info;       /* per type: TYPE_* bits of its text (0 before its first token) */
    int (*is_stop_word)(const void *ctx, const char *norm, size_t len);   /* yake_opts' */
    const void *stop_ctx;
    size_t n_types;
    uint32_t *genitive_base;  /* per term, genitive_of()'s (TYPE_UNSEEN before) */
    size_t n_first_terms;     /* the terms find_genitives() answered for */
};

#define TYPE_UNSEEN UINT32_MAX
#define TYPE_COMPOUND (UINT32_MAX - 1)
/* type_info[]'s bits. */
#define TYPE_SEEN 1u
#define TYPE_SHAPE 2u             /* edge_shape() */
#define TYPE_EXTRA_STOP 4u        /* yake_opts.is_stop_word() */
/* compound_term[]'s flag: the compound reads as its head (term ids are
 * below the token count, which yake_extract() keeps below 2^31). */
#define COMPOUND_MERGED (1u << 31)
/* genitive_base[]'s answer for a term that is no genitive of another. */
#define NO_GENITIVE (UINT32_MAX - 1)

/* ---- hashing ------------------------------------------------------------- */

static uint64_t hash_bytes(uint64_t h, const char *s, size_t len)
{
    /* Eight bytes at a time: stems are short, and this is the hottest
     * loop of the term table. */
    h ^= len;
    for (; len >= 8; s += 8, len -= 8) {
        uint64_t word;
        memcpy(&word, s, 8);
        h = (h ^ word) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    /* The last 0..7 bytes by whole loads (two overlapping ones of four
     * bytes, or the first, middle and last byte), not a multiply per byte
     * in a chain; the length (mixed in above) tells tails apart that
     * these loads would not. */
    uint64_t tail = 0;
    if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        tail = (uint64_t)a << 32 | b;
    } else if (len > 0) {
        const unsigned char *u = (const unsigned char *)s;
        tail = (uint64_t)u[0] | (uint64_t)u[len / 2] << 8 | (uint64_t)u[len - 1] << 16;
    }
    return (h ^ tail) * 0x100000001b3ull;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

#define FNV_OFFSET 0xcbf29ce484222325ull

uint64_t yake_hash(const char *s, size_t len)
{
    return mix(hash_bytes(FNV_OFFSET, s, len));
}

/* A power of two of at least 2 * n slots, so probes stay short. */
static size_t table_size(size_t n)
{
    size_t s = 16;
    while (s < 2 * n)
        s <<= 1;
    return s;
}

/* ---- terms --------------------------------------------------------------- */

/* One multiplication after hash_bytes(), not mix(): term_find() takes
 * the slot from the top bits, which it spreads. */
static uint64_t term_hash(const char *key, size_t len, bool stop)
{
    return hash_bytes(FNV_OFFSET + stop, key, len) * 0x9e3779b97f4a7c15ull;
}

/* The text layer gives tokens of the same text the same strings, so most
 * hits are the same pointer; the stored hash settles most misses. */
static uint32_t term_find(const struct work *w, const char *key, size_t len, bool stop, uint64_t h,
                          size_t *slot)
{
    size_t i = (size_t)(h >> 32) & w->term_mask;
    for (;; i = (i + 1) & w->term_mask) {
        uint32_t t = w->term_slots[i];
        if (t == NO_TERM) {
            *slot = i;
            return NO_TERM;
        }
        const struct term_key *e = &w->term_keys[t];
        if (e->hash == (uint32_t)h && w->terms[t].stop == stop && e->key_len == len &&
            (e->key == key || memcmp(e->key, key, len) == 0))
            return t;
    }
}

static uint32_t term_add(struct work *w, const char *key, size_t len, bool stop)
{
    size_t slot;
    uint64_t h = term_hash(key, len, stop);
    uint32_t t = term_find(w, key, len, stop, h, &slot);
    if (t != NO_TERM)
        return t;
    t = (uint32_t)w->n_terms++;
    w->term_slots[slot] = t;
    w->term_keys[t] = (struct term_key){.key = key, .hash = (uint32_t)h, .key_len = (uint32_t)len};
    w->terms[t] = (struct term){.stop = stop, .sent_head = NO_TERM, .sent_tail = NO_TERM, .last_sent = NO_TERM};
    return t;
}

static bool is_word(const struct yake_token *t)
{
    return t->kind == NEWSD_TOKEN_WORD || t->kind == NEWSD_TOKEN_NUMBER;
}

static bool all_caps_word(const struct work *w, size_t i)
{
    return i < w->n && w->tok[i].kind == NEWSD_TOKEN_WORD && (w->tok[i].flags & NEWSD_TOKEN_ALL_CAPS);
}

/* Stop words are never a phrase's edge, and are scored by how strongly
 * they bind their neighbours.  An acronym written in capitals is a word of
 * its own even when its lower case is a stop word ("US", "IS"), unless its
 * neighbours are in capitals too: then the text shouts ("DIE FRAU"). */
static bool is_stop(const struct work *w, size_t i, bool extra)
{
    /* Without a branch on the common cases: whether a word is a stop word
     * follows no pattern the processor could guess. */
    const struct yake_token *t = &w->tok[i];
    uint32_t f = (t->flags | (extra ? NEWSD_TOKEN_STOPWORD : 0)) & (NEWSD_TOKEN_STOPWORD | NEWSD_TOKEN_ALL_CAPS);
    if (f == (NEWSD_TOKEN_STOPWORD | NEWSD_TOKEN_ALL_CAPS) && t->kind != NEWSD_TOKEN_NUMBER)
        return (i > 0 && all_caps_word(w, i - 1)) || all_caps_word(w, i + 1);
    return (t->kind == NEWSD_TOKEN_NUMBER) | (f == NEWSD_TOKEN_STOPWORD);
}

/* The part of a compound's stem (stem_len bytes) after its last hyphen,
 * when it can be a word of its own: three bytes or more, no digit. */
static const char *compound_head(const char *stem, size_t stem_len, size_t *len)
{
    /* Most stems have no hyphen: memchr() says so without a branch per
     * byte, whose end a loop's would have the processor guess wrong. */
    if (!memchr(stem, '-', stem_len))
        return NULL;
    size_t at = stem_len;
    while (at > 0 && stem[at - 1] != '-')
        at--;
    if (at <= 1)
        return NULL;
    const char *head = stem + at;
    size_t n = stem_len - (size_t)(head - stem);
    if (n < 3)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (head[i] >= '0' && head[i] <= '9')
            return NULL;
    *len = n;
    return head;
}

/* German writes a name's genitive with an "s" that Snowball keeps after a
 * vowel ("Chinas", "Teslas"): a capitalised word whose stem is another
 * word's stem and an "s" is that word, when the text has it ("China").
 * The tag then shows the bare name, as for a compound read as its head. */
static uint32_t genitive_of(const struct work *w, uint32_t id)
{
    size_t len = w->term_keys[id].key_len, slot;
    const char *key = w->term_keys[id].key;
    /* One branch, mostly not taken, where three would each go either way. */
    if (!((!w->terms[id].stop) & (len >= 4) & (key[len ? len - 1 : 0] == 's')))
        return NO_GENITIVE;
    uint32_t base = term_find(w, key, len - 1, false, term_hash(key, len - 1, false), &slot);
    return base == NO_TERM || !w->terms[base].standalone ? NO_GENITIVE : base;
}

/* genitive_of() of every term the first pass made, in a loop of its own;
 * the compounds' terms made after it are asked as they come (the answer
 * depends on the term alone, and only the first pass's words stand
 * alone, so the compounds' terms change no answer). */
static void find_genitives(struct work *w)
{
    for (size_t id = 0; id < w->n_terms; id++)
        w->genitive_base[id] = genitive_of(w, (uint32_t)id);
    w->n_first_terms = w->n_terms;
}

/* Token i's term (id), or in German the name whose genitive it is: a
 * capitalised word not read as a compound's head.  Without a branch on
 * the token: whether a word is capitalised follows no pattern. */
static uint32_t merge_genitive(struct work *w, size_t i, uint32_t id)
{
    if (id >= w->n_first_terms && w->genitive_base[id] == TYPE_UNSEEN)
        w->genitive_base[id] = genitive_of(w, id);
    uint32_t base = w->genitive_base[id];
    bool merge = (base != NO_GENITIVE) & !w->tok_merged[i] & ((w->tok[i].flags & NEWSD_TOKEN_CAPITALISED) != 0);
    w->tok_merged[i] |= merge;
    return merge ? base : id;
}

/* Tokens to terms: words that stand alone first, so that a compound can
 * find its head among them. */
/* A token's term as a word of its own, or TYPE_COMPOUND. */
static uint32_t standalone_term(struct work *w, const struct yake_token *t, bool stop)
{
    const char *key = stop ? t->norm : t->stem;
    size_t key_len = stop ? t->norm_len : t->stem_len, hl = 0;
    if (!stop && compound_head(key, key_len, &hl))
        return TYPE_COMPOUND;
    uint32_t id = term_add(w, key, key_len, stop);
    w->terms[id].standalone = true;
    return id;
}

/* A compound's term, once every standalone word is known: its head
 * when that stands alone (*merged), else the compound's stem. */
static uint32_t compound_term(struct work *w, const struct yake_token *t, bool *merged)
{
    size_t hl = 0, slot;
    const char *head = compound_head(t->stem, t->stem_len, &hl);
    uint32_t id = term_find(w, head, hl, false, term_hash(head, hl, false), &slot);
    *merged = id != NO_TERM && w->terms[id].standalone;
    return *merged ? id : term_add(w, t->stem, t->stem_len, false);
}

static bool typed(const struct work *w, const struct yake_token *t)
{
    return t->type < w->n_types;
}

/* is_edge()'s part that a word's text decides: not a truncated compound
 * ("KI-"), not a dotted abbreviation such as "Co." (an acronym such as
 * "U.S." is fine), and two letters or more (two only for an acronym: "KI",
 * "EU").  Without branches (see is_edge()). */
static bool edge_shape(const struct yake_token *t)
{
    size_t len = t->norm_len;
    bool caps = (t->flags & NEWSD_TOKEN_ALL_CAPS) != 0;
    bool ok = (len >= 3) | (caps & (len >= 2));
    ok &= (!(t->flags & NEWSD_TOKEN_ABBREVIATION)) | caps;
    /* len >= 2 here when ok: norm[0] keeps the read inside the string. */
    ok &= t->norm[len ? len - 1 : 0] != '-';
    return ok;
}

/* Whether the caller is asked if word t is one of its stop words: not
 * for a stop word of the language (the answer would change nothing,
 * is_stop() reads the flag first; a flag of the text, so the same for the
 * type's every token): a quarter of the word types. */
static bool ask_stop_word(const struct work *w, const struct yake_token *t)
{
    return w->is_stop_word && t->kind == NEWSD_TOKEN_WORD && !(t->flags & NEWSD_TOKEN_STOPWORD);
}

/* Whether word t is one of the caller's stop words (yake_opts), and the
 * edge_shape() of its text: asked once per type, with the type's first
 * token, as the text alone decides both. */
static bool extra_stop(struct work *w, const struct yake_token *t)
{
    if (!typed(w, t))
        return ask_stop_word(w, t) && w->is_stop_word(w->stop_ctx, t->norm, t->norm_len);
    uint8_t *info = &w->type_info[t->type];
    if (!*info)
        *info = (uint8_t)(TYPE_SEEN | (edge_shape(t) ? TYPE_SHAPE : 0) |
                          (ask_stop_word(w, t) && w->is_stop_word(w->stop_ctx, t->norm, t->norm_len)
                               ? TYPE_EXTRA_STOP
                               : 0));
    return *info & TYPE_EXTRA_STOP;
}

/* The answers of both functions above depend on the token's text (and
 * whether it reads as a stop word) alone: each is asked once per type.
 * The first pass gives each word that stands alone its term;
 * final_term() then the others, token by token in order. */
static void standalone_terms(struct work *w)
{
    for (size_t i = 0; i < w->n; i++) {
        const struct yake_token *t = &w->tok[i];
        w->tok_term[i] = NO_TERM;
        if (!is_word(t))
            continue;
        bool stop = is_stop(w, i, extra_stop(w, t));
        uint32_t *known = typed(w, t) ? &w->type_term[2 * t->type + stop] : NULL;
        uint32_t id;
        if (known && *known != TYPE_UNSEEN) {
            id = *known;
        } else {
            id = standalone_term(w, t, stop);
            if (known)
                *known = id;
        }
        /* A compound keeps the marker for final_term(). */
        w->tok_term[i] = id;
    }
    memset(w->genitive_base, 0xff, w->n * sizeof *w->genitive_base);
    if (w->capitalised_nouns)
        find_genitives(w);
}

/* Token i's term once standalone_terms() has run: a compound's, and in
 * German a genitive read as its name. */
static void final_term(struct work *w, size_t i)
{
    const struct yake_token *t = &w->tok[i];
    if (w->tok_term[i] == TYPE_COMPOUND) {
        uint32_t *known = typed(w, t) ? &w->compound_term[t->type] : NULL;
        bool merged;
        uint32_t id;
        if (known && *known != TYPE_UNSEEN) {
            id = *known & ~COMPOUND_MERGED;
            merged = *known & COMPOUND_MERGED;
        } else {
            id = compound_term(w, t, &merged);
            if (known)
                *known = id | (merged ? COMPOUND_MERGED : 0);
        }
        w->tok_merged[i] = merged;
        w->tok_term[i] = id;
    }
    if (w->capitalised_nouns && w->tok_term[i] != NO_TERM)
        w->tok_term[i] = merge_genitive(w, i, w->tok_term[i]);
}

/* ---- features ------------------------------------------------------------ */

/* A pair's slot: one multiplication and its top bits (term ids are small
 * numbers, which the multiplication spreads). */
static size_t pair_slot(const struct work *w, uint32_t a, uint32_t b)
{
    uint64_t h = (((uint64_t)a << 32) | b) * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 32) & w->pair_mask;
}

static void count_pair(struct work *w, uint32_t a, uint32_t b)
{
    size_t i = pair_slot(w, a, b);
    for (;; i = (i + 1) & w->pair_mask) {
        struct pair *p = &w->pairs[i];
        if (p->a == NO_TERM) {
            *p = (struct pair){a, b, 1};
            w->terms[a].right_distinct++;
            w->terms[b].left_distinct++;
            break;
        }
        if (p->a == a && p->b == b) {
            p->count++;
            break;
        }
    }
    w->terms[a].right_total++;
    w->terms[b].left_total++;
}

static uint32_t pair_count(const struct work *w, uint32_t a, uint32_t b)
{
    size_t i = pair_slot(w, a, b);
    for (;; i = (i + 1) & w->pair_mask) {
        const struct pair *p = &w->pairs[i];
        if (p->a == NO_TERM)
            return 0;
        if (p->a == a && p->b == b)
            return p->count;
    }
}

/* Frequencies, casing, sentences and neighbours (YAKE's window of one
 * word, within a run of words that punctuation or a sentence's end does
 * not interrupt; numbers take no part).  The same pass gives each token
 * its final term (final_term()): a token's term is all it needs of the
 * tokens after it, so one pass over the tokens does for both. */
static void count_features(struct work *w)
{
    uint32_t prev = NO_TERM, prev_sent = NO_TERM;
    for (size_t i = 0; i < w->n; i++) {
        const struct yake_token *t = &w->tok[i];
        final_term(w, i);
        uint32_t id = w->tok_term[i];
        if (t->sentence != prev_sent)
            prev = NO_TERM;
        prev_sent = t->sentence;
        if (t->sentence + 1 > w->n_sentences)
            w->n_sentences = t->sentence + 1;
        if (id == NO_TERM) {
            prev = NO_TERM;
            continue;
        }
        struct term *e = &w->terms[id];
        e->tf++;
        if (!(t->flags & NEWSD_TOKEN_SENTENCE_START)) {
            e->inner++;
            e->inner_cap += (t->flags & (NEWSD_TOKEN_CAPITALISED | NEWSD_TOKEN_ALL_CAPS)) != 0;
        }
        if (!(t->flags & NEWSD_TOKEN_TITLE)) {
            if (t->flags & NEWSD_TOKEN_ALL_CAPS)
                e->tf_acro++;
            else if ((t->flags & NEWSD_TOKEN_CAPITALISED) && !(t->flags & NEWSD_TOKEN_SENTENCE_START))
                e->tf_upper++;
        }
        if (i > 0 && w->tok[i - 1].kind == NEWSD_TOKEN_NUMBER && w->tok[i - 1].sentence == t->sentence)
            e->after_number++;
        if (e->last_sent != t->sentence) {
            bool heading = t->flags & YAKE_TOKEN_HEADING;
            e->n_head += heading;
            uint32_t node = (uint32_t)w->n_sent_nodes++;
            w->sent_nodes[node] = (struct sent_node){t->sentence | (heading ? SENT_HEADING : 0), NO_TERM};
            if (e->sent_tail == NO_TERM)
                e->sent_head = node;
            else
                w->sent_nodes[e->sent_tail].next = node;
            e->sent_tail = node;
            e->last_sent = t->sentence;
            e->n_sent++;
        }
        bool number = t->kind == NEWSD_TOKEN_NUMBER;
        if (prev != NO_TERM && !number)
            count_pair(w, prev, id);
        prev = number ? NO_TERM : id;
    }
}

/* The k-th of a term's sentences in order.  Headings count as the
 * title's sentence 0 for a word that the text takes up (met twice or
 * more): a word met once, in a heading, is often a figure of speech
 * ("Der Weg von ...", "Die breitere Landschaft"). */
static uint32_t nth_sentence(const struct work *w, const struct term *e, uint32_t k)
{
    bool lift = e->tf > 1;
    if (lift && k < e->n_head)
        return 0;
    if (lift)
        k -= e->n_head;
    uint32_t node = e->sent_head;
    for (;; node = w->sent_nodes[node].next) {
        if (lift && (w->sent_nodes[node].sentence & SENT_HEADING))
            continue;
        if (k-- == 0)
            return w->sent_nodes[node].sentence & ~SENT_HEADING;
    }
}

/* Twice the median sentence: a whole number, since the median is one or
 * halfway between two. */
static uint64_t median_sentence_x2(const struct work *w, const struct term *e)
{
    uint32_t mid = (e->n_sent - 1) / 2;
    uint64_t m = nth_sentence(w, e, mid);
    if (e->n_sent % 2 == 0)
        return m + nth_sentence(w, e, mid + 1);
    return 2 * m;
}

/* The logarithms of the term scores, of small whole numbers (tf) and half
 * numbers (3 + median) that article after article asks again: each
 * computed once by the same expression, so the same bits, and kept.  An
 * entry is the complement of the double's bits (0: not yet); threads may
 * both compute one and store the same value. */
#define LOG_TF_TABLE 256
#define LOG_POSITION_TABLE 2048
static _Atomic uint64_t log_tf_table[LOG_TF_TABLE], log_position_table[LOG_POSITION_TABLE];

static double kept(_Atomic uint64_t *entry, double (*f)(uint64_t), uint64_t arg)
{
    uint64_t bits = atomic_load_explicit(entry, memory_order_relaxed);
    double v;
    if (bits) {
        bits = ~bits;
        memcpy(&v, &bits, sizeof v);
        return v;
    }
    v = f(arg);
    memcpy(&bits, &v, sizeof v);
    atomic_store_explicit(entry, ~bits, memory_order_relaxed);
    return v;
}

static double log_tf_of(uint64_t tf)
{
    return log((double)tf);
}

/* log(log(3 + median)), median = x2 / 2. */
static double log_position_of(uint64_t x2)
{
    return log(log(3.0 + (double)x2 / 2.0));
}

static double log_tf(uint64_t tf)
{
    return tf < LOG_TF_TABLE ? kept(&log_tf_table[tf], log_tf_of, tf) : log_tf_of(tf);
}

static double log_position(uint64_t x2)
{
    return x2 < LOG_POSITION_TABLE ? kept(&log_position_table[x2], log_position_of, x2) : log_position_of(x2);
}

/* What the terms' scores share; each term is scored when a candidate
 * asks (term_score()): most terms are in no candidate. */
static void score_terms(struct work *w)
{
    double sum = 0, sum_sq = 0, max_tf = 1;
    size_t valid = 0;
    for (size_t i = 0; i < w->n_terms; i++) {
        struct term *e = &w->terms[i];
        /* is_edge()'s part that the term decides: no stop word or number.
         * German writes nouns and names with a capital, and keywords are
         * nouns and names: a word mostly written small inside sentences
         * is an adjective or a verb ("erhebliche", "schließen").  A word
         * that mostly follows a number counts something ("4,6 Milliarden",
         * "12 Monate", "25 years"): a unit, not a topic. */
        bool lower_case = w->capitalised_nouns & (e->inner > 0) & (2 * e->inner_cap <= e->inner);
        e->edge = (!e->stop) & (!lower_case) & (2 * e->after_number < e->tf);
        if (e->tf > max_tf)
            max_tf = e->tf;
        if (e->stop || e->tf == 0)
            continue;
        sum += e->tf;
        sum_sq += (double)e->tf * e->tf;
        valid++;
    }
    double avg = valid ? sum / (double)valid : 1.0;
    double var = valid ? sum_sq / (double)valid - avg * avg : 0.0;
    w->freq_norm = avg + sqrt(var > 0 ? var : 0);
    w->max_tf = max_tf;
}

/* YAKE's score of a word that is no stop word (and occurs: a term all of
 * whose tokens read as another has tf 0 and is in no candidate). */
static double term_score(const struct work *w, uint32_t id)
{
    struct term *e = &w->terms[id];
    if (!e->scored && !e->stop && e->tf > 0) {
        double tf = e->tf, max_tf = w->max_tf, freq_norm = w->freq_norm;
        double pl = e->left_total ? (double)e->left_distinct / e->left_total : 0.0;
        double pr = e->right_total ? (double)e->right_distinct / e->right_total : 0.0;
        double rel = (0.5 + pl * tf / max_tf) + (0.5 + pr * tf / max_tf);
        double casing = (e->tf_upper > e->tf_acro ? e->tf_upper : e->tf_acro) / (1.0 + log_tf(e->tf));
        double position = log_position(median_sentence_x2(w, e));
        double freq = tf / freq_norm;
        double spread = (double)e->n_sent / w->n_sentences;
        w->term_h[id] = position * rel / (casing + freq / rel + spread / rel);
        e->scored = true;
    }
    return w->term_h[id];
}

/* ---- candidates ---------------------------------------------------------- */

/* A phrase starts and ends with a word that can stand for something: not
 * a stop word or number, and of a shape that can (edge_shape()).  Asked of every
 * token, whose answers follow no pattern: the tests are combined without
 * branches, which the processor would guess wrong.  Needs a term (the
 * punctuation's reads term 0, and its answer is no). */
static bool is_edge(const struct work *w, size_t i)
{
    const struct yake_token *t = &w->tok[i];
    uint32_t id = w->tok_term[i];
    bool ok = (t->kind == NEWSD_TOKEN_WORD) & (id != NO_TERM) & w->terms[id == NO_TERM ? 0 : id].edge;
    return ok & (typed(w, t) ? (w->type_info[t->type] & TYPE_SHAPE) != 0 : edge_shape(t));
}

/* The hash of a run of terms, one word longer than the run whose hash
 * is h (0 for none): the runs from one token are hashed word by word, one
 * multiplication each, instead of each run from the start through mix().
 * Runs of different lengths may collide; cand_add() compares lengths. */
static uint64_t span_hash_more(uint64_t h, uint32_t term)
{
    return (h + term + 1) * 0x9e3779b97f4a7c15ull;
}

/* The table's slot for a hash: its top bits. */
static size_t span_slot(const struct work *w, uint64_t h)
{
    return (size_t)((h ^ h >> 29) * 0xbf58476d1ce4e5b9ull >> 32) & w->cand_mask;
}

static bool same_terms(const struct work *w, uint32_t p, uint32_t q, uint32_t len)
{
    for (uint32_t k = 0; k < len; k++)
        if (w->tok_term[p + k] != w->tok_term[q + k])
            return false;
    return true;
}

static uint32_t cand_add(struct work *w, uint32_t pos, uint32_t len, uint64_t hash)
{
    size_t i = span_slot(w, hash);
    for (;; i = (i + 1) & w->cand_mask) {
        uint32_t c = w->cand_slots[i];
        if (c == NO_TERM)
            break;
        struct candidate *e = &w->cands[c];
        if (e->len == len && same_terms(w, e->pos, pos, len)) {
            e->tf++;
            return c;
        }
    }
    uint32_t c = (uint32_t)w->n_cands++;
    w->cand_slots[i] = c;
    w->cands[c] = (struct candidate){.pos = pos, .len = len, .tf = 1, .last_occ = NO_TERM};
    return c;
}

static void occurrence_add(struct work *w, uint32_t c, uint32_t pos)
{
    uint32_t o = (uint32_t)w->n_occs++;
    w->occs[o] = (struct occurrence){pos, NO_TERM};
    struct candidate *e = &w->cands[c];
    if (e->last_occ == NO_TERM)
        w->first_occ[c] = o;
    else
        w->occs[e->last_occ].next = o;
    e->last_occ = o;
}

/* Whether the words at last - 1 and last can be together in a phrase met
 * twice or more: count_features() counted every such pair of neighbours
 * but those with a number, so a pair met once ends every phrase through
 * it (a phrase met once is never a keyword: score_candidate()).  Most
 * runs of words are met once, and are not made candidates at all. */
static bool pair_may_repeat(const struct work *w, size_t last)
{
    if (w->tok[last - 1].kind == NEWSD_TOKEN_NUMBER || w->tok[last].kind == NEWSD_TOKEN_NUMBER)
        return true;
    /* A word each of whose right neighbours differs (most words: met
     * once) repeats no pair; so for the left neighbours of the next. */
    const struct term *a = &w->terms[w->tok_term[last - 1]], *b = &w->terms[w->tok_term[last]];
    if (a->right_total == a->right_distinct || b->left_total == b->left_distinct)
        return false;
    return pair_count(w, w->tok_term[last - 1], w->tok_term[last]) >= 2;
}

/* Every run of up to max_words words inside a sentence, without
 * punctuation, that starts and ends with an edge word (runs of several
 * words only when they may occur twice). */
static int cand_alloc(struct work *w, size_t n_runs, struct yake_scratch *scratch, void **block);

static int collect_candidates(struct work *w, size_t max_words, struct yake_scratch *scratch, void **block)
{
    if (w->n_terms == 0)
        return cand_alloc(w, 0, scratch, block);
    /* The edge words, listed without a branch on each token (whose answer
     * follows no pattern), in genitive_base's array: count_features() was
     * its last reader. */
    uint32_t *edges = w->genitive_base;
    size_t n_edges = 0;
    for (size_t i = 0; i < w->n; i++) {
        bool edge = is_edge(w, i);
        w->tok_edge[i] = edge;
        edges[n_edges] = (uint32_t)i;
        n_edges += edge;
    }
    /* The runs first, a bit per length at their first token, then the
     * candidates' arrays and table, sized for them: far fewer than the
     * tokens times max_words (~0.6 of the tokens in news text), so less
     * memory to take, clear and probe. */
    size_t n_runs = 0;
    for (size_t e = 0; e < n_edges; e++) {
        size_t i = edges[e];
        w->tok_runs[i] = 0;
        for (size_t len = 1; len <= max_words && i + len <= w->n; len++) {
            size_t last = i + len - 1;
            if (w->tok_term[last] == NO_TERM || w->tok[last].sentence != w->tok[i].sentence)
                break;
            if (len > 1 && !pair_may_repeat(w, last))
                break;
            if (!w->tok_edge[last])
                continue;
            w->tok_runs[i] |= (uint8_t)(1u << (len - 1));
            n_runs++;
        }
    }
    if (cand_alloc(w, n_runs, scratch, block) < 0)
        return -1;
    for (size_t e = 0; e < n_edges; e++) {
        size_t i = edges[e];
        uint64_t h = 0;
        for (unsigned runs = w->tok_runs[i], len = 1; runs; runs >>= 1, len++) {
            h = span_hash_more(h, w->tok_term[i + len - 1]);
            if (runs & 1)
                occurrence_add(w, cand_add(w, (uint32_t)i, len, h), (uint32_t)i);
        }
    }
    return 0;
}

/* YAKE's phrase score: the product of its words' scores over their sum,
 * divided by how often the phrase occurs.  A stop word inside counts by
 * how often it follows its left and precedes its right neighbour: one
 * that binds them ("Bank of America") costs little. */
static double score_candidate(const struct work *w, const struct candidate *c)
{
    /* A phrase met once is a chance sequence of words, not a name for
     * something the article is about. */
    if (c->len > 1 && c->tf < 2)
        return HUGE_VAL;
    /* Nor is a word said twice over ("Girls, Girls, Girls"). */
    for (uint32_t k = 1; k < c->len; k++)
        for (uint32_t j = 0; j < k; j++)
            if (w->tok_term[c->pos + k] == w->tok_term[c->pos + j])
                return HUGE_VAL;
    double prod = 1.0, sum = 0.0;
    for (uint32_t k = 0; k < c->len; k++) {
        uint32_t id = w->tok_term[c->pos + k];
        struct term *e = &w->terms[id];
        if (!e->stop) {
            double h = term_score(w, id);
            prod *= h;
            sum += h;
            continue;
        }
        /* Edges are never stop words, so both neighbours exist. */
        uint32_t left = w->tok_term[c->pos + k - 1], right = w->tok_term[c->pos + k + 1];
        double p1 = (double)pair_count(w, left, id) / w->terms[left].tf;
        double p2 = (double)pair_count(w, id, right) / w->terms[right].tf;
        double prob = p1 * p2;
        prod *= 2.0 - prob;
        sum -= 1.0 - prob;
    }
    /* Stop words can take the sum to -1 and below, where the formula turns
     * meaningless; such a phrase is one of loose words: rank it last. */
    double denom = sum + 1.0;
    if (denom < 1e-3)
        return HUGE_VAL;
    return prod / (denom * c->tf);
}

/* ---- selection ----------------------------------------------------------- */

static bool same_text(const struct work *w, uint32_t p, uint32_t q, uint32_t len)
{
    for (uint32_t k = 0; k < len; k++)
        if (strcmp(w->tok[p + k].text, w->tok[q + k].text) != 0)
            return false;
    return true;
}

/* The form a tag shows: the bare word rather than a compound read as it,
 * then the most frequent (an occurrence at a sentence's start, capitalised
 * there, counts half), then the first.  merged_in() counts the compounds
 * read as their head in one occurrence. */
static uint32_t merged_in(const struct work *w, uint32_t pos, uint32_t len)
{
    uint32_t m = 0;
    for (uint32_t k = 0; k < len; k++)
        m += w->tok_merged[pos + k];
    return m;
}

/* The forms of one candidate that best_surface() tells apart; a word
 * seldom has more, and a further one is not counted (linear time). */
#define MAX_FORMS 16

/* The position of the form to show. */
static uint32_t best_surface(const struct work *w, uint32_t c)
{
    const struct candidate *e = &w->cands[c];
    uint32_t form_pos[MAX_FORMS], form_count[MAX_FORMS];
    size_t n_forms = 0;
    for (uint32_t o = w->first_occ[c]; o != NO_TERM; o = w->occs[o].next) {
        uint32_t pos = w->occs[o].pos;
        uint32_t weight = (w->tok[pos].flags & NEWSD_TOKEN_SENTENCE_START) ? 1 : 2;
        size_t f = 0;
        while (f < n_forms && !same_text(w, form_pos[f], pos, e->len))
            f++;
        if (f < n_forms) {
            form_count[f] += weight;
        } else if (n_forms < MAX_FORMS) {
            form_pos[n_forms] = pos;
            form_count[n_forms++] = weight;
        }
    }
    uint32_t best = e->pos, best_merged = UINT32_MAX, best_count = 0;
    for (size_t f = 0; f < n_forms; f++) {
        uint32_t merged = merged_in(w, form_pos[f], e->len);
        if (merged < best_merged || (merged == best_merged && form_count[f] > best_count)) {
            best = form_pos[f];
            best_merged = merged;
            best_count = form_count[f];
        }
    }
    return best;
}

static char *surface_text(const struct work *w, uint32_t pos, uint32_t len)
{
    size_t total = 0;
    for (uint32_t k = 0; k < len; k++)
        total += strlen(w->tok[pos + k].text) + 1;
    char *out = malloc(total);
    if (!out)
        return NULL;
    char *p = out;
    for (uint32_t k = 0; k < len; k++) {
        size_t l = strlen(w->tok[pos + k].text);
        memcpy(p, w->tok[pos + k].text, l);
        p += l;
        *p++ = ' ';
    }
    p[-1] = '\0';
    return out;
}

/* The best max candidates by score, in order, kept by insertion: max is
 * small and most candidates are rejected by one comparison. */
static size_t select_top(const struct work *w, uint32_t *top, size_t max)
{
    size_t n = 0;
    for (size_t c = 0; c < w->n_cands; c++) {
        double s = w->cands[c].score;
        if (!isfinite(s))
            continue;
        if (n == max && s >= w->cands[top[n - 1]].score)
            continue;
        size_t i = n < max ? n++ : n - 1;
        while (i > 0 && w->cands[top[i - 1]].score > s) {
            top[i] = top[i - 1];
            i--;
        }
        top[i] = (uint32_t)c;
    }
    return n;
}

/* Whether a candidate shares a word (not a stop word) with one taken. */
static bool overlaps(const struct work *w, const struct candidate *c, const uint32_t *taken, size_t n_taken)
{
    for (uint32_t k = 0; k < c->len; k++) {
        uint32_t id = w->tok_term[c->pos + k];
        if (w->terms[id].stop)
            continue;
        for (size_t j = 0; j < n_taken; j++)
            if (taken[j] == id)
                return true;
    }
    return false;
}

/* The best max candidates that share no word with a better one, in order,
 * in *pick.  Overlaps are skipped from a shortlist twice as long as
 * needed; when it runs dry, one four times longer is drawn (the greedy
 * pick over a prefix of the order is the pick over the whole, so the
 * length changes the time, not the answer; four times as long first
 * took ~1 us more per article, in the insertions into it). */
#define PICK_STACK 512   /* entries of pick_keywords()'s arrays kept on the stack */

static int pick_keywords(const struct work *w, size_t max, uint32_t *pick, size_t *n_pick)
{
    /* On the stack for an ordinary max (the default 10 takes 60 and 20
     * entries, 80 when the first shortlist runs dry): no allocation per
     * article. */
    uint32_t taken_buf[PICK_STACK], top_buf[PICK_STACK];
    size_t want = max * 2, n_top;
    uint32_t *top = NULL, *taken = max * YAKE_MAX_WORDS <= PICK_STACK ? taken_buf
                                                                      : malloc(max * YAKE_MAX_WORDS * sizeof *taken);
    if (!taken)
        return -1;
    for (;;) {
        size_t cap = want < w->n_cands ? want : w->n_cands;
        if (top != top_buf)
            free(top);
        top = cap <= PICK_STACK ? top_buf : malloc(cap * sizeof *top);
        if (!top) {
            if (taken != taken_buf)
                free(taken);
            return -1;
        }
        n_top = select_top(w, top, cap);
        size_t n = 0, n_taken = 0;
        for (size_t i = 0; i < n_top && n < max; i++) {
            const struct candidate *c = &w->cands[top[i]];
            if (overlaps(w, c, taken, n_taken))
                continue;
            pick[n++] = top[i];
            for (uint32_t k = 0; k < c->len; k++)
                taken[n_taken++] = w->tok_term[c->pos + k];
        }
        *n_pick = n;
        if (n == max || n_top < cap || cap == w->n_cands)
            break;
        want *= 4;
    }
    if (top != top_buf)
        free(top);
    if (taken != taken_buf)
        free(taken);
    return 0;
}

/* The work arrays live in one block: a block reused from a scratch
 * (yake.h) costs no allocation and touches no fresh pages. */
static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static void *carve(char **p, size_t bytes)
{
    void *at = *p;
    *p += align8(bytes);
    return at;
}

/* A block of need bytes: the scratch's own when it is large enough, else
 * a new one that the scratch keeps (the old one freed).  Without a
 * scratch the caller frees it. */
static void *block_take(void **kept, size_t *cap, size_t need, bool lent)
{
    if (lent && *cap >= need)
        return *kept;
    void *p = malloc(need ? need : 1);
    if (p && lent) {
        free(*kept);
        *kept = p;
        *cap = need;
    }
    return p;
}

void yake_scratch_free(struct yake_scratch *scratch)
{
    if (!scratch)
        return;
    free(scratch->block);
    free(scratch->cand_block);
    *scratch = (struct yake_scratch){0};
}

static void work_free(struct yake_scratch *scratch, void *block, void *cand_block)
{
    if (!scratch) {
        free(block);
        free(cand_block);
        return;
    }
    /* Keep what an ordinary article needs, not what a huge one took. */
    if (scratch->cap + scratch->cand_cap > YAKE_SCRATCH_KEEP)
        yake_scratch_free(scratch);
}

/* The arrays of the tokens and terms; the candidates' come once their
 * count is known (cand_alloc()). */
static int work_alloc(struct work *w, struct yake_scratch *scratch, void **block)
{
    _Static_assert(YAKE_MAX_WORDS <= 8, "a token's runs are the bits of a byte");
    _Static_assert(sizeof(struct term) == TERM_ALIGN, "a term is a cache line");
    _Static_assert(sizeof(struct term) + sizeof(struct term_key) + sizeof(double) == 88,
                   "a term's bytes (yake.h's figures)");
    size_t n = w->n;
    size_t ts = table_size(n);
    size_t need = TERM_ALIGN + n * sizeof *w->terms + align8(n * sizeof *w->term_keys) +
                  align8(n * sizeof *w->term_h) + align8(n * sizeof *w->tok_term) +
                  2 * align8(n * sizeof *w->tok_merged) + align8(n * sizeof *w->tok_runs) +
                  align8(ts * sizeof *w->term_slots) + align8(n * sizeof *w->sent_nodes) +
                  align8(ts * sizeof *w->pairs) + align8(2 * w->n_types * sizeof *w->type_term) +
                  align8(w->n_types * sizeof *w->compound_term) + align8(w->n_types * sizeof *w->type_info) +
                  align8(n * sizeof *w->genitive_base);
    char *p = scratch ? block_take(&scratch->block, &scratch->cap, need, true) : block_take(NULL, NULL, need, false);
    if (!p)
        return -1;
    *block = p;
    /* The terms first, on a cache line's start: the rest (multiples of
     * eight bytes) follows them. */
    p += (TERM_ALIGN - (uintptr_t)p % TERM_ALIGN) % TERM_ALIGN;
    w->terms = carve(&p, n * sizeof *w->terms);
    w->term_keys = carve(&p, n * sizeof *w->term_keys);
    w->term_h = carve(&p, n * sizeof *w->term_h);
    w->tok_term = carve(&p, n * sizeof *w->tok_term);
    w->tok_merged = carve(&p, n * sizeof *w->tok_merged);
    w->tok_edge = carve(&p, n * sizeof *w->tok_edge);
    w->tok_runs = carve(&p, n * sizeof *w->tok_runs);
    w->term_slots = carve(&p, ts * sizeof *w->term_slots);
    w->sent_nodes = carve(&p, n * sizeof *w->sent_nodes);
    w->pairs = carve(&p, ts * sizeof *w->pairs);
    w->type_term = carve(&p, 2 * w->n_types * sizeof *w->type_term);
    w->compound_term = carve(&p, w->n_types * sizeof *w->compound_term);
    w->type_info = carve(&p, w->n_types * sizeof *w->type_info);
    w->genitive_base = carve(&p, n * sizeof *w->genitive_base);
    w->term_mask = ts - 1;
    w->pair_mask = ts - 1;
    memset(w->tok_merged, 0, n * sizeof *w->tok_merged);
    memset(w->term_slots, 0xff, ts * sizeof *w->term_slots);
    memset(w->pairs, 0xff, ts * sizeof *w->pairs);   /* a = NO_TERM: empty */
    memset(w->type_term, 0xff, 2 * w->n_types * sizeof *w->type_term);   /* TYPE_UNSEEN */
    memset(w->compound_term, 0xff, w->n_types * sizeof *w->compound_term);
    memset(w->type_info, 0, w->n_types * sizeof *w->type_info);
    return 0;
}

/* The candidates' arrays for n_runs occurrences (there are no more
 * candidates than that).  Sized by the tokens times max_words they were
 * ~140 bytes a token, most of YAKE's memory, and mostly never touched. */
static int cand_alloc(struct work *w, size_t n_runs, struct yake_scratch *scratch, void **block)
{
    size_t cs = table_size(n_runs);
    size_t need = align8(n_runs * sizeof *w->cands) + align8(cs * sizeof *w->cand_slots) +
                  align8(n_runs * sizeof *w->occs) + align8(n_runs * sizeof *w->first_occ);
    char *p = scratch ? block_take(&scratch->cand_block, &scratch->cand_cap, need, true)
                      : block_take(NULL, NULL, need, false);
    if (!p)
        return -1;
    *block = p;
    w->cands = carve(&p, n_runs * sizeof *w->cands);
    w->cand_slots = carve(&p, cs * sizeof *w->cand_slots);
    w->occs = carve(&p, n_runs * sizeof *w->occs);
    w->first_occ = carve(&p, n_runs * sizeof *w->first_occ);
    w->cand_mask = cs - 1;
    memset(w->cand_slots, 0xff, cs * sizeof *w->cand_slots);
    return 0;
}

void yake_keywords_free(struct yake_keyword *kw, size_t n)
{
    if (!kw)
        return;
    for (size_t i = 0; i < n; i++)
        free(kw[i].text);
    free(kw);
}

int yake_extract(const struct yake_token *tokens, size_t n, const struct yake_opts *o,
                 struct yake_scratch *scratch, struct yake_keyword **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    size_t max_words = o->max_words < 1 ? 1 : o->max_words > YAKE_MAX_WORDS ? YAKE_MAX_WORDS : o->max_words;
    if (n == 0 || o->max == 0)
        return 0;
    if (n >= UINT32_MAX / YAKE_MAX_WORDS)
        return -1;

    struct work w = {.tok = tokens, .n = n, .capitalised_nouns = o->capitalised_nouns != 0,
                     .n_types = o->n_types, .is_stop_word = o->is_stop_word, .stop_ctx = o->stop_ctx};
    int rc = -1;
    uint32_t *top = NULL;
    struct yake_keyword *kw = NULL;
    size_t n_kw = 0;
    void *block = NULL, *cand_block = NULL;
    if (work_alloc(&w, scratch, &block) < 0)
        goto done;
    standalone_terms(&w);
    count_features(&w);
    score_terms(&w);
    if (collect_candidates(&w, max_words, scratch, &cand_block) < 0)
        goto done;
    for (size_t c = 0; c < w.n_cands; c++)
        w.cands[c].score = score_candidate(&w, &w.cands[c]);

    size_t max = o->max < w.n_cands ? o->max : w.n_cands;
    rc = 0;
    if (max == 0)
        goto done;
    rc = -1;
    top = malloc(max * sizeof *top);
    kw = calloc(max, sizeof *kw);
    size_t n_top;
    if (!top || !kw || pick_keywords(&w, max, top, &n_top) < 0)
        goto done;
    for (size_t i = 0; i < n_top; i++) {
        const struct candidate *c = &w.cands[top[i]];
        /* The square root spreads the weights: scores of one article span
         * orders of magnitude.  A score of 0 is the best there is. */
        double best = w.cands[top[0]].score;
        double weight = c->score > 0 ? sqrt(best / c->score) : 1.0;
        if (weight < o->min_weight)
            break;
        kw[n_kw].text = surface_text(&w, best_surface(&w, top[i]), c->len);
        if (!kw[n_kw].text)
            goto done;
        kw[n_kw].score = c->score;
        kw[n_kw].weight = weight;
        n_kw++;
    }
    rc = 0;
done:
    free(top);
    if (block)
        work_free(scratch, block, cand_block);
    if (rc == 0 && n_kw > 0) {
        *out = kw;
        *n_out = n_kw;
    } else {
        yake_keywords_free(kw, n_kw);
    }
    return rc;
}
