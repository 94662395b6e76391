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

unsigned fpset_get(const struct fpset *s, uint64_t hash)
{
    if (s->cap == 0)
        return 0;
    return (unsigned)(s->slots[find(s->slots, s->cap, s->shift, hash)] & VALUE_MASK);
}

int fpset_put(struct fpset *s, uint64_t hash, unsigned value)
{
    if (value == 0 || value > VALUE_MASK)
        return -1;
    if (fpset_reserve(s, s->count + 1) < 0)
        return -1;
    size_t i = find(s->slots, s->cap, s->shift, hash);
    if (!s->slots[i])
        s->count++;
    s->slots[i] = (hash & ~VALUE_MASK) | value;
    return 0;
}
