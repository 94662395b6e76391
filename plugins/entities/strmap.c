#include "strmap.h"

#include <stdlib.h>
#include <string.h>

/* Keys live in chunks that are never moved, so slots can point at them. */
struct strmap_chunk {
    struct strmap_chunk *next;
    size_t used, cap;
    char data[];
};

#define CHUNK_BYTES 65536

/* FNV-1a over the bytes from the last to the first, then a mix (FNV's low
 * bits are weak for short keys; the slot is taken from them).  Backwards,
 * so that one pass over a word gives the hashes of all its suffixes
 * (strmap_suffix_hashes(): the heads of German compounds). */
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

void strmap_free(struct strmap *m)
{
    struct strmap_chunk *c = m->chunks;
    while (c) {
        struct strmap_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(m->slots);
    free(m->bloom);
    *m = (struct strmap){0};
}

static int bloom_has(const struct strmap *m, uint32_t h)
{
    uint32_t h2 = (h >> 17) | (h << 15);
    size_t a = h & m->bloom_mask, b = h2 & m->bloom_mask;
    return (m->bloom[a >> 6] >> (a & 63) & 1) && (m->bloom[b >> 6] >> (b & 63) & 1);
}

static void bloom_add(struct strmap *m, uint32_t h)
{
    uint32_t h2 = (h >> 17) | (h << 15);
    size_t a = h & m->bloom_mask, b = h2 & m->bloom_mask;
    m->bloom[a >> 6] |= 1ull << (a & 63);
    m->bloom[b >> 6] |= 1ull << (b & 63);
}

void strmap_seal(struct strmap *m)
{
    free(m->bloom);
    m->bloom = NULL;
    size_t bits = 1024;
    while (bits < m->count * 16)  /* 16 bits a key, 2 probes: ~1.5% false hits */
        bits *= 2;
    m->bloom = calloc(bits / 64, sizeof *m->bloom);
    if (!m->bloom)
        return;
    m->bloom_mask = bits - 1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            bloom_add(m, m->slots[i].hash);
}

static size_t find_slot(const struct strmap_slot *slots, size_t cap, const char *key, size_t len,
                        uint32_t h)
{
    size_t i = h & (cap - 1);
    while (slots[i].key &&
           !(slots[i].hash == h && slots[i].len == len && memcmp(slots[i].key, key, len) == 0))
        i = (i + 1) & (cap - 1);
    return i;
}

int strmap_get(const struct strmap *m, const char *key, size_t len, uint32_t *value)
{
    return strmap_get_hashed(m, key, len, hash_bytes(key, len), value);
}

int strmap_get_hashed(const struct strmap *m, const char *key, size_t len, uint32_t h, uint32_t *value)
{
    if (m->cap == 0)
        return 0;
    if (m->bloom && !bloom_has(m, h))
        return 0;
    size_t i = find_slot(m->slots, m->cap, key, len, h);
    if (!m->slots[i].key)
        return 0;
    *value = m->slots[i].value;
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
        if (s->key)
            slots[find_slot(slots, cap, s->key, s->len, s->hash)] = *s;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

static const char *copy_key(struct strmap *m, const char *key, size_t len)
{
    struct strmap_chunk *c = m->chunks;
    if (!c || c->cap - c->used < len + 1) {
        size_t cap = len + 1 > CHUNK_BYTES ? len + 1 : CHUNK_BYTES;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = m->chunks;
        c->used = 0;
        c->cap = cap;
        m->chunks = c;
    }
    char *out = c->data + c->used;
    memcpy(out, key, len);
    out[len] = '\0';
    c->used += len + 1;
    return out;
}

int strmap_put(struct strmap *m, const char *key, size_t len, uint32_t value)
{
    if (len > UINT32_MAX)
        return -1;
    free(m->bloom);
    m->bloom = NULL;
    /* At most half full: a lookup that misses (most of them: words not in
     * a list) then ends after a probe or two. */
    if ((m->count + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    uint32_t h = hash_bytes(key, len);
    size_t i = find_slot(m->slots, m->cap, key, len, h);
    if (m->slots[i].key) {
        m->slots[i].value = value;
        return 0;
    }
    const char *copy = copy_key(m, key, len);
    if (!copy)
        return -1;
    m->slots[i] = (struct strmap_slot){copy, (uint32_t)len, h, value};
    m->count++;
    return 0;
}
