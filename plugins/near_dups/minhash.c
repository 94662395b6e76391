/*
 * MinHash over shingle hashes (see minhash.h).  The ND_K hash functions
 * are one 64-bit mixer applied to the shingle hash xor a per-position
 * seed: cheap, and independent enough for MinHash (the seeds are the
 * splitmix64 sequence).  The values are part of the stored format (index
 * files and PostgreSQL rows): changing a constant here makes every stored
 * fingerprint meaningless, so the file header carries ND_HASH_VERSION.
 */
#include "minhash.h"

#include <string.h>

/* splitmix64's finaliser: every input bit moves every output bit. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

uint64_t nd_hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, then mixed */
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return mix64(h ^ len);
}

uint64_t nd_hash_shingle(const uint64_t *words, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; i++)
        h = mix64(h ^ words[i]) + 0x9e3779b97f4a7c15ull * (i + 1);
    return h;
}

static uint64_t seed(unsigned i)
{
    return mix64(0x9e3779b97f4a7c15ull * (i + 1));
}

void nd_minhash_init(struct nd_minhash *m)
{
    memset(m->min, 0xff, sizeof m->min);
    m->n = 0;
}

void nd_minhash_add(struct nd_minhash *m, uint64_t shingle)
{
    for (unsigned i = 0; i < ND_K; i++) {
        uint32_t v = (uint32_t)(mix64(shingle ^ seed(i)) >> 32);
        if (v < m->min[i])
            m->min[i] = v;
    }
    m->n++;
}

void nd_minhash_sig(const struct nd_minhash *m, struct nd_sig *out)
{
    for (unsigned i = 0; i < ND_K; i++)
        out->h[i] = (uint16_t)m->min[i];
}

double nd_similarity(const struct nd_sig *a, const struct nd_sig *b)
{
    unsigned same = 0;
    for (unsigned i = 0; i < ND_K; i++)
        same += a->h[i] == b->h[i];
    return (double)same / ND_K;
}

uint64_t nd_band_key(const struct nd_sig *s, unsigned band)
{
    uint64_t k = 0;
    for (unsigned r = 0; r < ND_ROWS; r++)
        k = k << 16 | s->h[band * ND_ROWS + r];
    return k;
}

int nd_band_equal(const struct nd_sig *a, const struct nd_sig *b, unsigned band)
{
    return memcmp(&a->h[band * ND_ROWS], &b->h[band * ND_ROWS], ND_ROWS * sizeof a->h[0]) == 0;
}

uint64_t nd_band_hash(const struct nd_sig *s, unsigned band)
{
    return mix64(nd_band_key(s, band) ^ ((uint64_t)(band + 1) << 56));
}
