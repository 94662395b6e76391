/*
 * near_dups: MinHash signatures of a text's shingles and their LSH bands.
 *
 * A signature is ND_K minimum hashes over the set of a text's shingles
 * (runs of ND_SHINGLE word stems inside one sentence); the share of equal
 * positions in two signatures estimates the Jaccard similarity of the two
 * shingle sets.  Only the low 16 bits of each minimum are kept (b-bit
 * MinHash): two different minima agree by chance once in 65,536, which
 * the estimate can ignore, and a signature fits in 128 bytes.
 *
 * Banding: the first ND_BANDS * ND_ROWS positions, taken ND_ROWS at a time,
 * are the keys of the index's hash tables.  Two texts become candidates
 * when any band is equal: with J their similarity that happens with
 * probability 1 - (1 - J^ND_ROWS)^ND_BANDS, 0.94 at J = 0.4, 0.99 at 0.5,
 * and 0.6 % at J = 0.02 (distinct news articles on one topic, measured on
 * the corpus, stay below 0.07).  Candidates are then compared on all ND_K
 * positions.  docs/plugins.md ("near_dups") has the measurements.
 *
 * Pure functions, no newsd calls: the unit tests drive them directly.
 */
#ifndef NEAR_DUPS_MINHASH_H
#define NEAR_DUPS_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#define ND_K 64
#define ND_BANDS 16
#define ND_ROWS 2
#define ND_SHINGLE 3

struct nd_sig {
    uint16_t h[ND_K];
};

/* The minima while shingles are added; nd_minhash_sig() turns them into a
 * signature.  n counts the shingles added (repeats included). */
struct nd_minhash {
    uint32_t min[ND_K];
    size_t n;
};

/* A 64-bit hash of len bytes, for a word stem. */
uint64_t nd_hash_bytes(const void *data, size_t len);
/* The hash of a shingle: its words' hashes in order. */
uint64_t nd_hash_shingle(const uint64_t *words, size_t n);

void nd_minhash_init(struct nd_minhash *m);
void nd_minhash_add(struct nd_minhash *m, uint64_t shingle);
/* The same for n shingles at once: the minima stay in registers, and on
 * a CPU with AVX-512 (or AVX2) the 64 positions are computed 8 (4) at a
 * time.  The minima are those of nd_minhash_add() one by one. */
void nd_minhash_add_n(struct nd_minhash *m, const uint64_t *shingles, size_t n);
void nd_minhash_sig(const struct nd_minhash *m, struct nd_sig *out);

/* Estimated Jaccard similarity: the share of equal positions, 0..1. */
double nd_similarity(const struct nd_sig *a, const struct nd_sig *b);
/* Band b's key: its ND_ROWS values side by side. */
uint64_t nd_band_key(const struct nd_sig *s, unsigned band);
/* 1 when band b of both signatures is equal. */
int nd_band_equal(const struct nd_sig *a, const struct nd_sig *b, unsigned band);
/* A well-mixed hash of band b's key, for the hash tables (also in
 * PostgreSQL, so it must never change: stored fingerprints depend on it). */
uint64_t nd_band_hash(const struct nd_sig *s, unsigned band);

#endif
