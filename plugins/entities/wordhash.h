/* The first half of the entities plugin's word hashes (fpset.c's
 * fingerprints, strmap.c's table slots): the key eight bytes at a time,
 * the last word overlapping the one before it; a key under eight bytes as
 * two overlapping halves or three of its bytes, its length in the seed
 * telling the cases apart; each multiplied in.  A byte at a time was a
 * chain of multiplications as long as the word, and every capitalised word
 * of an article is hashed.  Each caller finishes with its own mix. */
#ifndef ENTITIES_WORDHASH_H
#define ENTITIES_WORDHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t wordhash_absorb(const char *w, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ull * (len + 1), x;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&x, w + i, 8);
        h = (h ^ x) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    if (i < len) {
        if (len >= 8) {
            memcpy(&x, w + len - 8, 8);
        } else if (len >= 4) {
            uint32_t lo, hi;
            memcpy(&lo, w, 4);
            memcpy(&hi, w + len - 4, 4);
            x = (uint64_t)hi << 32 | lo;
        } else {
            x = (uint64_t)(unsigned char)w[0] | (uint64_t)(unsigned char)w[len / 2] << 8 |
                (uint64_t)(unsigned char)w[len - 1] << 16;
        }
        h = (h ^ x) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 29;
    }
    return h;
}

#endif
