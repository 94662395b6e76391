/*
 * features: what the classifier sees of a text.  Two kinds, chosen by the
 * model's options:
 *   - stems: the Snowball stem of every word that is not a stop word (the
 *     text layer's, so "Chipherstellern" and "Chiphersteller" are one);
 *   - chars: character n-grams of each word's case-folded form padded with
 *     a space on either side (" ki-c", "chip"), n counted in code points.
 * A feature is a 64-bit hash of its kind and text; a model keeps only the
 * hashes it learned, never the strings.
 *
 * Used by the topics plugin (on the article's analysis) and by newsd's
 * trainer (on the same analysis of a stored example), so both see the
 * same features.  Public ABI only.
 */
#ifndef TOPICS_FEATURES_H
#define TOPICS_FEATURES_H

#include <newsd/plugin.h>

#include <stddef.h>
#include <stdint.h>

enum topics_feature_kind {
    TOPICS_FEAT_STEMS = 1u << 0,
    TOPICS_FEAT_CHARS = 1u << 1,
    TOPICS_FEAT_STREAM = 1u << 2,   /* character n-grams across words */
};

/* Room for the n of character n-grams. */
#define TOPICS_CHAR_N_MAX 8

/* Counts per feature hash: an open-addressing table (a key of 0 is an
 * empty slot; hashes are never 0). */
struct fentry {
    uint64_t key;
    uint32_t count;
};

struct fcount {
    struct fentry *e;
    size_t n, cap;     /* cap: a power of two, or 0 */
};

/* Add every feature of an to *fc (which may hold counts already).
 * kinds: OR of enum topics_feature_kind; char_min..char_max: the n of the
 * n-grams (1..TOPICS_CHAR_N_MAX).  0, or -1 when out of memory. */
int features_add(struct fcount *fc, const newsd_analysis *an, uint32_t kinds, uint32_t char_min,
                 uint32_t char_max);
/* The same features and counts as features_add(), worked out once per
 * token type (newsd_analysis_type_count()) rather than once per token:
 * what the classifier of an article uses.  The table's order of entries
 * may differ from features_add()'s, which the trainer keeps using so that
 * a model trains as before.  0, or -1 when out of memory. */
int features_add_by_type(struct fcount *fc, const newsd_analysis *an, uint32_t kinds, uint32_t char_min,
                         uint32_t char_max);
/* Add count to the feature key.  0, or -1 when out of memory. */
int fcount_add(struct fcount *fc, uint64_t key, uint32_t count);
/* Room for n features without growing.  0, or -1 when out of memory. */
int fcount_reserve(struct fcount *fc, size_t n);
/* The count of key, 0 when absent. */
uint32_t fcount_get(const struct fcount *fc, uint64_t key);
void fcount_free(struct fcount *fc);

/* 64-bit FNV-1a, never 0. */
uint64_t topics_hash(uint64_t h, const void *data, size_t len);
#define TOPICS_HASH_INIT 0xcbf29ce484222325ull

#endif
