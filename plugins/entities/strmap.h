/* strmap: a string -> uint32 hash map with its own copies of the keys.
 * Open addressing, keys compared as bytes; used for the automaton's
 * symbols, the gazetteer's (type, name) index and the word lists. */
#ifndef ENTITIES_STRMAP_H
#define ENTITIES_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
    const char *key;   /* NULL: empty */
    uint32_t len;
    uint32_t hash;
    uint32_t value;
};

struct strmap_chunk;

struct strmap {
    struct strmap_slot *slots;
    size_t cap;        /* a power of two, or 0 */
    size_t count;
    struct strmap_chunk *chunks;  /* the keys' bytes */
    uint64_t *bloom;   /* after strmap_seal(): a filter of the keys' hashes, or NULL */
    size_t bloom_mask; /* its size in bits - 1 */
};

void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);
/* 1 and *value when key is there, else 0. */
int strmap_get(const struct strmap *m, const char *key, size_t len, uint32_t *value);
/* strmap_get() with the key's hash from strmap_suffix_hashes(). */
int strmap_get_hashed(const struct strmap *m, const char *key, size_t len, uint32_t hash, uint32_t *value);
/* out[k] = the hash of s + k (len - k bytes), for every k < len. */
void strmap_suffix_hashes(const char *s, size_t len, uint32_t *out);
/* Set key to value (replacing).  0, or -1 when out of memory. */
int strmap_put(struct strmap *m, const char *key, size_t len, uint32_t value);
/* Build a Bloom filter of the keys, so that a lookup of a key that is not
 * there mostly ends without touching the (large, uncached) table: most
 * words of an article are in no list.  A later strmap_put() drops it.
 * Best effort: without memory the map works without it. */
void strmap_seal(struct strmap *m);

#endif
