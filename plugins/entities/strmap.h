/* strmap: a string -> uint32 hash map with its own copies of the keys.
 * Open addressing, keys compared as bytes; used for the automaton's
 * symbols, the gazetteer's (type, name) index and the cue words.  The keys
 * are in one arena (no malloc per key) and a slot is two 32-bit numbers,
 * so a map costs about 20 bytes a key beside the keys themselves (and a
 * 5-byte head of an entry). */
#ifndef ENTITIES_STRMAP_H
#define ENTITIES_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/* 8 bytes a slot: the key's hash and where its entry is in the arena. */
struct strmap_slot {
    uint32_t hash;
    uint32_t ref;      /* the entry's offset in arena + 1; 0: empty */
};

struct strmap {
    struct strmap_slot *slots;
    size_t cap;        /* a power of two, or 0 */
    size_t count;
    char *arena;       /* the entries, one after another: value, length, key bytes */
    size_t arena_len, arena_cap;
    uint64_t *bloom;   /* after strmap_seal(): a filter of the keys' hashes, or NULL */
    size_t bloom_mask; /* its size in bits - 1 */
    int suffixes;      /* keys hashed as strmap_suffix_hashes() does (strmap_init_suffixes()) */
};

void strmap_init(struct strmap *m);
/* A map looked up by the suffixes of words: strmap_get_hashed() takes the
 * hashes of strmap_suffix_hashes(), not strmap_hash()'s. */
void strmap_init_suffixes(struct strmap *m);
void strmap_free(struct strmap *m);
/* 1 and *value when key is there, else 0. */
int strmap_get(const struct strmap *m, const char *key, size_t len, uint32_t *value);
/* strmap_get() with the key's hash: strmap_hash()'s, or for a map of
 * suffixes strmap_suffix_hashes()'s. */
int strmap_get_hashed(const struct strmap *m, const char *key, size_t len, uint32_t hash, uint32_t *value);
/* The hash strmap_get_hashed() takes for key (a map not of suffixes). */
uint32_t strmap_hash(const char *key, size_t len);
/* Ask the CPU to fetch what a lookup of a key with this hash reads, one
 * stage a call: 0 its word of the filter, 1 its slot (when the filter,
 * read now, lets it pass), 2 its entry (when the slot, read now, has
 * its hash).  Calling stage 0 for many keys, then stage 1 for them, then
 * 2, a map larger than the caches costs one wait for memory per stage
 * for all the lookups, not one per lookup and stage. */
void strmap_prefetch(const struct strmap *m, uint32_t hash, int stage);
/* 0 when no key with this hash is there (the filter says so: it is never
 * wrong about that), else 1: a key with it may be there. */
int strmap_may_have(const struct strmap *m, uint32_t hash);
/* out[k] = the hash of s + k (len - k bytes) in a map of suffixes, for
 * every k < len. */
void strmap_suffix_hashes(const char *s, size_t len, uint32_t *out);
/* Set key to value (replacing).  0, or -1 when out of memory. */
int strmap_put(struct strmap *m, const char *key, size_t len, uint32_t value);
/* Build a Bloom filter of the keys, so that a lookup of a key that is not
 * there mostly ends without touching the (large, uncached) table: most
 * words of an article are in no list; and give the arena's unused end
 * back.  A later strmap_put() drops the filter.  Best effort: without
 * memory the map works without it. */
void strmap_seal(struct strmap *m);

#endif
