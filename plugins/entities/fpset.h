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
 * Once filled, fpset_freeze() packs the set into 4 bytes a word: the
 * hashes sorted into 2^b buckets by their top b bits (about three a
 * bucket), each kept as the next 30 bits and the value.  A word then is
 * b + 30 bits (47 for ngerman): a lookup of a word that is not there finds
 * one with a probability of about 3 in 2^30 (2.8e-9); with some ten
 * thousand lookups an article, that is one lookup in some 40,000 articles,
 * which then takes a word for known that is not (it may or may not change
 * a tag).  Two words of ngerman share 47 bits with a probability of 4e-4.
 *
 * The hash is FNV-1a (64 bits) over the bytes from the last to the first,
 * then mixed: one pass over a word gives the hashes of all its suffixes
 * (fpset_suffix_hashes(): the heads of German compounds). */
#ifndef ENTITIES_FPSET_H
#define ENTITIES_FPSET_H

#include <stddef.h>
#include <stdint.h>

struct fpset {
    uint64_t *slots;   /* 0: empty; else hash with its low 2 bits replaced by the value */
    size_t cap;        /* a power of two, or 0 */
    size_t count;
    unsigned shift;    /* 64 - log2(cap): a hash's home slot is its top bits */
    /* After fpset_freeze() (slots are then NULL): */
    uint32_t *bucket;  /* 2^bits + 1 starts in packed[] */
    uint32_t *packed;  /* hash bits 63-bits .. 34-bits, then the value in the low 2 bits */
    unsigned bits;
};

void fpset_init(struct fpset *s);
void fpset_free(struct fpset *s);
/* Make room for n words in all, so that filling the set does not grow it
 * (a growth holds the old and the new table at once).  0, or -1 when out
 * of memory. */
int fpset_reserve(struct fpset *s, size_t n);
uint64_t fpset_hash(const char *w, size_t len);
/* out[k] = fpset_hash(s + k, len - k), for every k < len. */
void fpset_suffix_hashes(const char *w, size_t len, uint64_t *out);
/* The value (1..3) of the word with this hash, or 0 when it is not there. */
unsigned fpset_get(const struct fpset *s, uint64_t hash);
/* Set the value (1..3) of the word with this hash.  0, or -1 when out of
 * memory. */
int fpset_put(struct fpset *s, uint64_t hash, unsigned value);
/* Pack the set (no fpset_put() after it).  0, or -1 when out of memory
 * (the set then stays as it was, and works). */
int fpset_freeze(struct fpset *s);

#endif
