/* ac: an Aho-Corasick automaton over symbol sequences.  A symbol is a
 * token's form (a stem or a norm) turned into a number by the automaton's
 * vocabulary, so one step per token costs the same for ten names as for ten
 * thousand: a hash lookup of (state, symbol).  Each pattern carries a value
 * (the gazetteer's pattern index); the patterns that end in a state are
 * reached from it by out[] and then by dict[] (the next state down the
 * failure chain that ends a pattern). */
#ifndef ENTITIES_AC_H
#define ENTITIES_AC_H

#include "strmap.h"

#include <stddef.h>
#include <stdint.h>

#define AC_NONE UINT32_MAX

/* A pattern is its number: patterns are numbered from 0 in the order
 * they are added, and the caller keeps what it needs of pattern p at
 * index p of its own array (the matcher's length, entry and cases).  The
 * automaton keeps one number a pattern: the next one ending in the same
 * state. */

struct ac {
    struct strmap vocab;   /* form -> symbol (1..) */
    uint32_t n_symbols;
    /* While patterns are added: each state's parent and the symbol that
     * leads to it (a trie's state has one way in), and a hash table of
     * the states by (parent, symbol): 4 bytes a slot, not the 12 of a
     * table keyed by the pair itself. */
    uint32_t *parent, *in_sym;
    uint32_t *tslots;      /* a state, or 0 = empty (the root is no child) */
    size_t tcap, tcount;
    /* After ac_build(): the root's children by symbol (AC_NONE: none),
     * every other state's children sorted by symbol in child_sym[] and
     * child_next[] from child_start[state] to child_start[state + 1]. */
    uint32_t *root_next;   /* n_root: 1 + the largest symbol at the root */
    size_t n_root;
    uint32_t *child_start; /* n_states + 1 */
    uint32_t *child_sym, *child_next;
    uint32_t *out;         /* states_cap while patterns are added */
    uint32_t *fail, *dict; /* from ac_build() */
    /* From ac_build(): bit s set when a pattern ends in state s or down
     * its dict[] chain.  Most states an article reaches end none (the
     * first word of a name of several), and this small array answers for
     * them where out[] and dict[] would each cost a cache miss. */
    uint64_t *emits;
    /* From ac_build(), for the steps from a state other than the root,
     * most of which lead nowhere below it (an article's word after "the"
     * is seldom the next word of a name of "the"): a filter of the
     * (state, symbol) pairs of the trie's other edges, two bits of one
     * word a pair, that mostly says so without the binary search of the
     * state's children; and bit s of fails_to_root set when fail[s] is
     * the root, so that such a walk ends without a read of fail[]. */
    uint64_t *edge_filter;
    size_t edge_mask;      /* its words - 1 */
    uint64_t *fails_to_root;
    size_t n_states, states_cap;
    uint32_t *pat_next;    /* the next pattern ending in the same state, or AC_NONE */
    size_t n_pat, pat_cap;
    int built;
};

/* An empty automaton with its root.  0, or -1 when out of memory. */
int ac_init(struct ac *a);
void ac_free(struct ac *a);
/* The symbol of a form; with create, a new one when it has none.
 * 0 when it has none (or when out of memory with create). */
uint32_t ac_symbol(struct ac *a, const char *form, size_t len, int create);
uint32_t ac_lookup(const struct ac *a, const char *form, size_t len);
/* ac_lookup() with the form's strmap_hash(); ac_prefetch() announces it
 * (strmap_prefetch(), stage by stage). */
uint32_t ac_lookup_hashed(const struct ac *a, const char *form, size_t len, uint32_t hash);
void ac_prefetch(const struct ac *a, uint32_t hash, int stage);
/* Announce an ac_step() from the root on sym (after ac_build()). */
void ac_prefetch_root(const struct ac *a, uint32_t sym);
/* 0 when no form with this hash has a symbol (strmap_may_have()). */
int ac_may_have(const struct ac *a, uint32_t hash);
/* Add a pattern of n >= 1 symbols, before ac_build(): pattern number
 * a->n_pat (before the call).  0, or -1 when out of memory. */
int ac_add(struct ac *a, const uint32_t *syms, size_t n);
/* Compute the failure links; no ac_add() after it.  0, or -1 when out of
 * memory. */
int ac_build(struct ac *a);
/* The child of state on sym in the trie, or AC_NONE. */
uint32_t ac_goto(const struct ac *a, uint32_t state, uint32_t sym);
/* Whether a pattern ends in state or down its dict[] chain (after
 * ac_build()). */
static inline int ac_emits(const struct ac *a, uint32_t state)
{
    return (int)(a->emits[state >> 6] >> (state & 63) & 1);
}
/* The state after reading sym in state (0 is the root; symbol 0, unknown
 * to every pattern, leads to the root). */
uint32_t ac_step(const struct ac *a, uint32_t state, uint32_t sym);
/* ac_step() when its walk down the failure links finds sym below the
 * root; AC_NONE when it reaches the root (where ac_step() would end with
 * the root's child on sym, which a caller that steps from the root once
 * per symbol has at hand).  After ac_build(). */
uint32_t ac_step_below(const struct ac *a, uint32_t state, uint32_t sym);

#endif
