#include "fpset.h"

#include <stdlib.h>

#define VALUE_MASK 3ull

static uint64_t fnv_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001b3ull;
}

/* FNV's low bits are weak for short keys; the finaliser of MurmurHash3
 * spreads every input bit over the whole word. */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

uint64_t fpset_hash(const char *w, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = len; i-- > 0;)
        h = fnv_step(h, (unsigned char)w[i]);
    return mix(h);
}

void fpset_suffix_hashes(const char *w, size_t len, uint64_t *out)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = len; i-- > 0;) {
        h = fnv_step(h, (unsigned char)w[i]);
        out[i] = mix(h);
    }
}

void fpset_init(struct fpset *s)
{
    *s = (struct fpset){0};
}

void fpset_free(struct fpset *s)
{
    free(s->slots);
    free(s->bucket);
    free(s->packed);
    *s = (struct fpset){0};
}

/* The slot of hash: where it is, or the empty slot where it goes. */
static size_t find(const uint64_t *slots, size_t cap, unsigned shift, uint64_t hash)
{
    uint64_t key = hash & ~VALUE_MASK;
    size_t i = (size_t)(hash >> shift);
    while (slots[i] && (slots[i] & ~VALUE_MASK) != key)
        i = (i + 1) & (cap - 1);
    return i;
}

/* At most 3/4 full: a lookup that misses (most of them: words in no
 * list) then ends after a probe or two, mostly in the same cache line. */
static size_t cap_for(size_t n)
{
    size_t cap = 64;
    while (cap / 4 * 3 < n)
        cap *= 2;
    return cap;
}

static int rehash(struct fpset *s, size_t cap)
{
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    unsigned shift = 64;
    for (size_t c = cap; c > 1; c >>= 1)
        shift--;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i])
            slots[find(slots, cap, shift, s->slots[i])] = s->slots[i];
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    s->shift = shift;
    return 0;
}

int fpset_reserve(struct fpset *s, size_t n)
{
    size_t cap = cap_for(n);
    return cap > s->cap ? rehash(s, cap) : 0;
}

/* The packed form of an entry: the 30 bits below the bucket's, and the
 * value. */
static uint32_t packed_of(uint64_t entry, unsigned bits)
{
    return ((uint32_t)(entry >> (32 - bits)) & ~(uint32_t)VALUE_MASK) | (uint32_t)(entry & VALUE_MASK);
}

unsigned fpset_get(const struct fpset *s, uint64_t hash)
{
    if (s->packed) {
        size_t b = (size_t)(hash >> (64 - s->bits));
        uint32_t want = packed_of(hash, s->bits) & ~(uint32_t)VALUE_MASK;
        for (uint32_t i = s->bucket[b], end = s->bucket[b + 1]; i < end; i++)
            if ((s->packed[i] & ~(uint32_t)VALUE_MASK) == want)
                return s->packed[i] & VALUE_MASK;
        return 0;
    }
    if (s->cap == 0)
        return 0;
    return (unsigned)(s->slots[find(s->slots, s->cap, s->shift, hash)] & VALUE_MASK);
}

int fpset_put(struct fpset *s, uint64_t hash, unsigned value)
{
    if (value == 0 || value > VALUE_MASK || s->packed)
        return -1;
    if (s->count + 1 > s->cap / 4 * 3 && fpset_reserve(s, s->count + 1) < 0)
        return -1;
    size_t i = find(s->slots, s->cap, s->shift, hash);
    if (!s->slots[i])
        s->count++;
    s->slots[i] = (hash & ~VALUE_MASK) | value;
    return 0;
}

int fpset_freeze(struct fpset *s)
{
    if (s->packed || s->count > UINT32_MAX)
        return s->packed ? 0 : -1;
    /* About three hashes a bucket: a lookup reads one short run. */
    unsigned bits = 4;
    while (bits < 28 && ((size_t)3 << bits) < s->count)
        bits++;
    size_t n_buckets = (size_t)1 << bits;
    uint32_t *bucket = calloc(n_buckets + 1, sizeof *bucket);
    uint32_t *packed = malloc((s->count ? s->count : 1) * sizeof *packed);
    if (!bucket || !packed) {
        free(bucket);
        free(packed);
        return -1;
    }
    /* A counting sort by bucket. */
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i])
            bucket[(s->slots[i] >> (64 - bits)) + 1]++;
    for (size_t b = 0; b < n_buckets; b++)
        bucket[b + 1] += bucket[b];
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i]) {
            size_t b = (size_t)(s->slots[i] >> (64 - bits));
            packed[bucket[b]++] = packed_of(s->slots[i], bits);
        }
    /* bucket[b] is now the end of b: shift back to starts. */
    for (size_t b = n_buckets; b > 0; b--)
        bucket[b] = bucket[b - 1];
    bucket[0] = 0;
    free(s->slots);
    s->slots = NULL;
    s->cap = 0;
    s->bucket = bucket;
    s->packed = packed;
    s->bits = bits;
    return 0;
}
