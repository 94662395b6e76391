/* fpset: a set of words kept as 64-bit fingerprints, each with a small
 * value (1..3), for the word lists (lexicon.c).
 *
 * A word list has hundreds of thousands of entries; keeping the words
 * themselves (a copy, a pointer and a hash each) cost ~60 bytes a word.
 * Here a word is one 8-byte slot of an open-addressing table: its 62-bit
 * hash and its value.  Two different words with the same 62 bits would
 * look alike: among the 350,000 words of ngerman that happens with a
 * probability of about 1e-8, and a lookup of a word that is not in the
 * list finds a wrong one with a probability of about 1e-13: rarer than
 * any other error of the heuristics, so the lists are kept as hashes.
 *
 * Once filled, fpset_freeze() packs the set into 4 bytes a slot: an
 * open-addressing table at most 3/4 full whose home slot for a hash is its
 * top b bits, each slot holding the next 30 bits and the value, so that a
 * lookup mostly reads one cache line.  A word then is b + 30 bits (49 for
 * ngerman): a lookup of a word that is not there finds one with a
 * probability of about 5 in 2^30 (5e-9, five slots looked at on average);
 * with some ten thousand lookups an article, that is one lookup in some
 * 20,000 articles, which then takes a word for known that is not (it may
 * or may not change a tag).  Two words of ngerman share 49 bits with a
 * probability of 1e-4.
 *
 * The hash takes a word eight bytes at a time, then mixes (fpset.c); the
 * heads of a German compound that is not listed are hashed one by one
 * (lexicon.c, common_de()), which only the few such words pay for. */
#ifndef ENTITIES_FPSET_H
#define ENTITIES_FPSET_H

#include <stddef.h>
#include <stdint.h>

struct fpset {
    uint64_t *slots;   /* 0: empty; else hash with its low 2 bits replaced by the value */
    size_t cap;        /* a power of two, or 0 */
    size_t count;
    unsigned shift;    /* 64 - log2(cap): a hash's home slot is its top bits */
    /* After fpset_freeze() (slots are then NULL): 2^bits slots; 0: empty;
     * else hash bits 63-bits .. 34-bits, the value in the low 2 bits. */
    uint32_t *packed;
    unsigned bits;
};

void fpset_init(struct fpset *s);
void fpset_free(struct fpset *s);
/* Make room for n words in all, so that filling the set does not grow it
 * (a growth holds the old and the new table at once).  0, or -1 when out
 * of memory. */
int fpset_reserve(struct fpset *s, size_t n);
uint64_t fpset_hash(const char *w, size_t len);
/* The value (1..3) of the word with this hash, or 0 when it is not there. */
unsigned fpset_get(const struct fpset *s, uint64_t hash);
/* Set the value (1..3) of the word with this hash.  0, or -1 when out of
 * memory. */
int fpset_put(struct fpset *s, uint64_t hash, unsigned value);
/* Pack the set (no fpset_put() after it).  0, or -1 when out of memory
 * (the set then stays as it was, and works). */
int fpset_freeze(struct fpset *s);

/* A Bloom filter of some of a set's words (those with some values), one
 * 64-bit word a lookup: most lookups of words that are not among them end
 * in this small table instead of a cache miss in the large one.  It never
 * says no to a word that is there. */
struct fpfilter {
    uint64_t *words;   /* NULL: says yes to everything */
    size_t mask;       /* its size in words - 1 */
};

/* Of the words of s whose value is in values (bit v for value v), before
 * fpset_freeze().  0, or -1 when out of memory (f then says yes to all). */
int fpfilter_build(struct fpfilter *f, const struct fpset *s, unsigned values);
void fpfilter_free(struct fpfilter *f);
int fpfilter_may_have(const struct fpfilter *f, uint64_t hash);
/* Ask the CPU to fetch the filter's word for a hash (see fpset_prefetch()). */
void fpfilter_prefetch(const struct fpfilter *f, uint64_t hash);

/* Ask the CPU to fetch what fpset_get() (of a frozen set) reads first
 * for a hash: the tables are larger than the caches, and a caller that
 * knows its words ahead overlaps the waits. */
void fpset_prefetch(const struct fpset *s, uint64_t hash);

#endif
