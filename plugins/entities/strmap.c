#include "strmap.h"
#include "wordhash.h"

#include <stdlib.h>
#include <string.h>

/* An entry in the arena: uint32 value, one byte of length (LONG_KEY:
 * a uint32 length follows), the key's bytes (read with memcpy: entries
 * are not aligned).  Most keys are a word of a few bytes: a four-byte
 * length was a fifth of the arena. */
#define ENTRY_HEAD 5
#define LONG_KEY 255
#define LONG_HEAD (ENTRY_HEAD + 4)

/* A map of suffixes (strmap_init_suffixes()): FNV-1a over the bytes from
 * the last to the first, then a mix (FNV's low bits are weak for short
 * keys; the slot is taken from them).  Backwards, so that one pass over a
 * word gives the hashes of all its suffixes (strmap_suffix_hashes(): the
 * heads of German compounds).  Every other map takes its key eight bytes
 * at a time (word_hash()): a byte at a time is a chain of multiplications
 * as long as the key, and the matcher hashes every word of an article. */
static uint32_t fnv_step(uint32_t h, unsigned char c)
{
    return (h ^ c) * 16777619u;
}

static uint32_t mix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    return h;
}

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = len; i-- > 0;)
        h = fnv_step(h, (unsigned char)s[i]);
    return mix(h);
}

/* wordhash.h, then MurmurHash3's finaliser (the slot takes 32 bits). */
static uint32_t word_hash(const char *s, size_t len)
{
    uint64_t h = wordhash_absorb(s, len);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (uint32_t)h;
}

static uint32_t key_hash(const struct strmap *m, const char *key, size_t len)
{
    return m->suffixes ? hash_bytes(key, len) : word_hash(key, len);
}

void strmap_suffix_hashes(const char *s, size_t len, uint32_t *out)
{
    uint32_t h = 2166136261u;
    for (size_t i = len; i-- > 0;) {
        h = fnv_step(h, (unsigned char)s[i]);
        out[i] = mix(h);
    }
}

void strmap_init(struct strmap *m)
{
    *m = (struct strmap){0};
}

void strmap_init_suffixes(struct strmap *m)
{
    *m = (struct strmap){.suffixes = 1};
}

void strmap_free(struct strmap *m)
{
    free(m->slots);
    free(m->arena);
    free(m->bloom);
    *m = (struct strmap){0};
}

/* A blocked Bloom filter: both bits of a key in one 64-bit word, so that
 * a lookup is one cache line (which strmap_prefetch() can ask for ahead);
 * the word from the hash's low bits, the bits from its top bits after a
 * multiplication that spreads the low ones into them. */
static const uint64_t *bloom_word(const struct strmap *m, uint32_t h)
{
    return &m->bloom[(h & m->bloom_mask) >> 6];
}

static uint64_t bloom_bits(uint32_t h)
{
    uint32_t h2 = h * 0x9E3779B1u;
    return (1ull << (h2 >> 26)) | (1ull << ((h2 >> 20) & 63));
}

static int bloom_has(const struct strmap *m, uint32_t h)
{
    uint64_t bits = bloom_bits(h);
    return (*bloom_word(m, h) & bits) == bits;
}

static void bloom_add(struct strmap *m, uint32_t h)
{
    m->bloom[(h & m->bloom_mask) >> 6] |= bloom_bits(h);
}

uint32_t strmap_hash(const char *key, size_t len)
{
    return word_hash(key, len);
}

void strmap_prefetch(const struct strmap *m, uint32_t hash, int stage)
{
    if (m->cap == 0)
        return;
    if (stage == 0 && m->bloom) {
        __builtin_prefetch(bloom_word(m, hash));
        return;
    }
    if (m->bloom && !bloom_has(m, hash))
        return;   /* the lookup ends at the filter */
    const struct strmap_slot *home = &m->slots[hash & (m->cap - 1)];
    if (stage <= 1)
        __builtin_prefetch(home);
    else if (home->ref && home->hash == hash)
        __builtin_prefetch(m->arena + home->ref - 1);
}

int strmap_may_have(const struct strmap *m, uint32_t hash)
{
    return m->cap != 0 && (!m->bloom || bloom_has(m, hash));
}

void strmap_seal(struct strmap *m)
{
    if (m->arena_cap > m->arena_len && m->arena_len > 0) {
        char *a = realloc(m->arena, m->arena_len);
        if (a) {
            m->arena = a;
            m->arena_cap = m->arena_len;
        }
    }
    free(m->bloom);
    m->bloom = NULL;
    size_t bits = 1024;
    while (bits < m->count * 16)  /* 16 bits a key, 2 bits in a word: ~2% false hits */
        bits *= 2;
    m->bloom = calloc(bits / 64, sizeof *m->bloom);
    if (!m->bloom)
        return;
    m->bloom_mask = bits - 1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].ref)
            bloom_add(m, m->slots[i].hash);
}

static int entry_is(const struct strmap *m, uint32_t ref, const char *key, size_t len)
{
    const char *e = m->arena + ref - 1;
    unsigned char short_len = (unsigned char)e[4];
    if (short_len != LONG_KEY)
        return short_len == len && memcmp(e + ENTRY_HEAD, key, len) == 0;
    uint32_t elen;
    memcpy(&elen, e + ENTRY_HEAD, sizeof elen);
    return elen == len && memcmp(e + LONG_HEAD, key, len) == 0;
}

static size_t find_slot(const struct strmap *m, const char *key, size_t len, uint32_t h)
{
    size_t mask = m->cap - 1, i = h & mask;
    while (m->slots[i].ref && !(m->slots[i].hash == h && entry_is(m, m->slots[i].ref, key, len)))
        i = (i + 1) & mask;
    return i;
}

int strmap_get(const struct strmap *m, const char *key, size_t len, uint32_t *value)
{
    return strmap_get_hashed(m, key, len, key_hash(m, key, len), value);
}

int strmap_get_hashed(const struct strmap *m, const char *key, size_t len, uint32_t h, uint32_t *value)
{
    if (m->cap == 0)
        return 0;
    if (m->bloom && !bloom_has(m, h))
        return 0;
    size_t i = find_slot(m, key, len, h);
    if (!m->slots[i].ref)
        return 0;
    memcpy(value, m->arena + m->slots[i].ref - 1, sizeof *value);
    return 1;
}

static int grow(struct strmap *m)
{
    size_t cap = m->cap ? 2 * m->cap : 64;
    struct strmap_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        const struct strmap_slot *s = &m->slots[i];
        if (!s->ref)
            continue;
        size_t j = s->hash & (cap - 1);
        while (slots[j].ref)
            j = (j + 1) & (cap - 1);
        slots[j] = *s;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

/* Append an entry; its offset, or -1 when out of memory (or when the
 * arena would outgrow 32-bit offsets). */
static long long append_entry(struct strmap *m, const char *key, size_t len, uint32_t value)
{
    size_t head = len < LONG_KEY ? ENTRY_HEAD : LONG_HEAD, need = head + len;
    if (m->arena_len + need >= UINT32_MAX)
        return -1;
    if (m->arena_cap - m->arena_len < need) {
        size_t cap = m->arena_cap ? 2 * m->arena_cap : 4096;
        while (cap - m->arena_len < need)
            cap *= 2;
        char *a = realloc(m->arena, cap);
        if (!a)
            return -1;
        m->arena = a;
        m->arena_cap = cap;
    }
    char *e = m->arena + m->arena_len;
    memcpy(e, &value, sizeof value);
    e[4] = (char)(len < LONG_KEY ? len : LONG_KEY);
    if (len >= LONG_KEY) {
        uint32_t l32 = (uint32_t)len;
        memcpy(e + ENTRY_HEAD, &l32, sizeof l32);
    }
    memcpy(e + head, key, len);
    long long off = (long long)m->arena_len;
    m->arena_len += need;
    return off;
}

int strmap_put(struct strmap *m, const char *key, size_t len, uint32_t value)
{
    if (len > UINT32_MAX)
        return -1;
    free(m->bloom);
    m->bloom = NULL;
    /* At most 3/4 full: a slot holds the hash, so a probe that misses
     * does not touch the arena. */
    if ((m->count + 1) * 4 > m->cap * 3 && grow(m) < 0)
        return -1;
    uint32_t h = key_hash(m, key, len);
    size_t i = find_slot(m, key, len, h);
    if (m->slots[i].ref) {
        memcpy(m->arena + m->slots[i].ref - 1, &value, sizeof value);
        return 0;
    }
    long long off = append_entry(m, key, len, value);
    if (off < 0)
        return -1;
    m->slots[i] = (struct strmap_slot){h, (uint32_t)off + 1};
    m->count++;
    return 0;
}
