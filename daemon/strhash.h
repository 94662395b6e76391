/*
 * A fast hash of a short byte string, for the hash tables of the text
 * layer (token texts, stop words, the stem memo).  Eight bytes a step with
 * multiply-xorshift mixing (the finaliser of SplitMix64); not for anything
 * an attacker could aim at beyond slowing one table down.
 */
#ifndef NEWSD_STRHASH_H
#define NEWSD_STRHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t strhash(const char *s, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9u;
        h ^= h >> 31;
        s += 8;
        len -= 8;
    }
    /* The last 0..7 bytes by whole loads (two overlapping ones of four
     * bytes, or the first, middle and last byte), never by a copy of a
     * variable length into a word: that is stored byte by byte and then
     * read back whole, and the read waits for the stores (a
     * store-forwarding stall that cost more than the rest of the hash).
     * Each tail of a given length maps to one word; its length goes into
     * the top byte, which a tail of 1..3 bytes leaves free, so that "a"
     * and "ba" do not meet (the seed's length bits would cancel the low
     * byte's difference). */
    uint64_t w = 0;
    if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        w = (uint64_t)a << 32 | b;
    } else if (len > 0) {
        const unsigned char *u = (const unsigned char *)s;
        w = (uint64_t)u[0] | (uint64_t)u[len / 2] << 8 | (uint64_t)u[len - 1] << 16;
    }
    h = (h ^ w ^ (uint64_t)len << 56) * 0x94D049BB133111EBu;
    return h ^ (h >> 29);
}

/* Whether a and b (n >= k bytes) agree on their first and last k bytes;
 * k is 4 or 8, a constant where it is inlined, so each copy is one load. */
static inline int strhash_same_ends(const char *a, const char *b, size_t n, size_t k)
{
    uint64_t a0 = 0, b0 = 0, a1 = 0, b1 = 0;
    memcpy(&a0, a, k);
    memcpy(&b0, b, k);
    memcpy(&a1, a + n - k, k);
    memcpy(&b1, b + n - k, k);
    return a0 == b0 && a1 == b1;
}

/* Whether a[0..n) and b[0..n) are the same bytes: the keys of those
 * tables are mostly words of a few bytes, compared here by two
 * overlapping loads (all inside the n bytes) rather than by a call. */
static inline int strhash_equal(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16)
        return strhash_same_ends(a, b, n, 8);
    if (n >= 4 && n < 8)
        return strhash_same_ends(a, b, n, 4);
    if (n < 4) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    return memcmp(a, b, n) == 0;
}

#endif
