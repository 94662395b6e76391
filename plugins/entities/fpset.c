#include "fpset.h"
#include "wordhash.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define VALUE_MASK 3ull

/* MurmurHash3's finaliser: every input bit over the whole word. */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* wordhash.h, then mixed in full: the fingerprint keeps 49-62 bits. */
uint64_t fpset_hash(const char *w, size_t len)
{
    return mix(wordhash_absorb(w, len));
}

void fpset_init(struct fpset *s)
{
    *s = (struct fpset){0};
}

void fpset_free(struct fpset *s)
{
    free(s->slots);
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
        size_t mask = ((size_t)1 << s->bits) - 1, i = (size_t)(hash >> (64 - s->bits));
        uint32_t want = packed_of(hash, s->bits) & ~(uint32_t)VALUE_MASK;
        for (; s->packed[i]; i = (i + 1) & mask)
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

/* A zeroed table.  One of a huge page or more is aligned to huge pages
 * and asked to be backed by them (where the kernel leaves that to
 * madvise()): the German word list is 2 MB read at random, some 500
 * times an article, and with 4 KB pages nearly every look-up also missed
 * the TLB.  Best effort: without them it is an ordinary block. */
#define HUGE_PAGE ((size_t)2 << 20)

static uint32_t *alloc_table(size_t bytes)
{
    void *p = NULL;
    if (bytes < HUGE_PAGE || posix_memalign(&p, HUGE_PAGE, bytes) != 0)
        return calloc(1, bytes);
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    memset(p, 0, bytes);
    return p;
}

int fpset_freeze(struct fpset *s)
{
    if (s->packed)
        return 0;
    size_t cap = cap_for(s->count);
    unsigned bits = 0;
    while (((size_t)1 << bits) < cap)
        bits++;
    if (bits > 30)
        return -1;  /* packed_of() needs 30 bits below the home's */
    uint32_t *packed = alloc_table(cap * sizeof *packed);
    if (!packed)
        return -1;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i]) {
            size_t j = (size_t)(s->slots[i] >> (64 - bits));
            while (packed[j])
                j = (j + 1) & (cap - 1);
            packed[j] = packed_of(s->slots[i], bits);
        }
    free(s->slots);
    s->slots = NULL;
    s->cap = 0;
    s->packed = packed;
    s->bits = bits;
    return 0;
}

/* The word from the hash's bits 2-21, the two bits from 22-27 and 28-33
 * (bits 0-1 of a stored hash are its value). */
static uint64_t filter_bits(uint64_t hash)
{
    return (1ull << ((hash >> 22) & 63)) | (1ull << ((hash >> 28) & 63));
}

int fpfilter_build(struct fpfilter *f, const struct fpset *s, unsigned values)
{
    *f = (struct fpfilter){0};
    if (!s->slots)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < s->cap; i++)
        n += s->slots[i] && (values >> (s->slots[i] & VALUE_MASK) & 1);
    size_t words = 64;
    while (words * 64 < n * 8)  /* 8 bits a word, 2 of them set: ~5% false yes */
        words *= 2;
    uint64_t *w = calloc(words, sizeof *w);
    if (!w)
        return -1;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i] && (values >> (s->slots[i] & VALUE_MASK) & 1))
            w[(s->slots[i] >> 2) & (words - 1)] |= filter_bits(s->slots[i]);
    f->words = w;
    f->mask = words - 1;
    return 0;
}

void fpfilter_free(struct fpfilter *f)
{
    free(f->words);
    *f = (struct fpfilter){0};
}

void fpset_prefetch(const struct fpset *s, uint64_t hash)
{
    if (s->packed)
        __builtin_prefetch(&s->packed[hash >> (64 - s->bits)]);
}

void fpfilter_prefetch(const struct fpfilter *f, uint64_t hash)
{
    if (f->words)
        __builtin_prefetch(&f->words[(hash >> 2) & f->mask]);
}

int fpfilter_may_have(const struct fpfilter *f, uint64_t hash)
{
    if (!f->words)
        return 1;
    uint64_t b = filter_bits(hash);
    return (f->words[(hash >> 2) & f->mask] & b) == b;
}
