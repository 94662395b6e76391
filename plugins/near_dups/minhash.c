/*
 * MinHash over shingle hashes (see minhash.h).  The shingle hashes are
 * well mixed (splitmix64's finaliser), so one multiply-shift per position
 * is independent enough for MinHash.  The values are part of the stored format (index
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

/* The ND_K hash functions: h -> (A[i] * h + B[i]) >> 32, multiply-shift
 * over the shingle's 64-bit hash (Dietzfelbinger), one multiplication each.
 * A[i] (odd) and B[i] are splitmix64 outputs, written out so that they
 * are plainly constant: they are part of the stored format. */
static const uint64_t A[ND_K] = {
    0xe220a8397b1dcdafull, 0x06c45d188009454full, 0x1b39896a51a8749bull, 0x2c829abe1f4532e1ull,
    0x3ee5789041c98ac3ull, 0x657eecdd3cb13d09ull, 0x8621a03fe0bbdb7bull, 0xb54e0f1600cc4d19ull,
    0x7d29825c75521255ull, 0x3466e9a083914f65ull, 0xdb01602b100b9ed7ull, 0xedf5f1d90dca2f6bull,
    0xdd7c01d4f5407269ull, 0x69b82ebc92233301ull, 0xa2f09dabb45c6317ull, 0xf16952ee72f3454full,
    0x0c7de8064963bab1ull, 0xd254741f599dc6f7ull, 0x417ef96181daa383ull, 0x6e19905dcbe531dfull,
    0x84eb4454a792922bull, 0x07dc930b302278a9ull, 0xcc06c31652ebf439ull, 0x3e84ecb1763e79adull,
    0x774615d7b1a1f2e1ull, 0xe3ddd86ba71a5eb1ull, 0x2098eb73d4367d77ull, 0xc952c5620043c715ull,
    0x30260345dd9e0ec1ull, 0xf4a578dccbc87657ull, 0xed79402d1d5c5d7bull, 0x3e00a34929a88f1dull,
    0x2a7b67af6c6ad50full, 0x42375cb399a4fc73ull, 0x32fcab5daed5bdfdull, 0xee89cceb8c4064c1ull,
    0x5ccde78203c367a9ull, 0xef054fceee954551ull, 0x292566ff72403c09ull, 0xd85f219db5c554e1ull,
    0x96a573e9b48216e9ull, 0x3dd12464a0ee15b5ull, 0x56e4398a98f8a0fdull, 0xc679ee0bebcb1ccbull,
    0x1b38994205234c6dull, 0x21c6e26639ac2c65ull, 0x91cd642057e00235ull, 0x05b8abe26dd3aee7ull,
    0x64952424897b2307ull, 0xdc4c613d9eba2305ull, 0x8176daf800a05f51ull, 0x1a764a3cd78101dbull,
    0xa85e1f38bb2dc749ull, 0xf3a9bce7336bd183ull, 0x1f7a44a6b109ac95ull, 0x6a77afab0f7c9371ull,
    0x5ef102a8fb354461ull, 0xc58427f041ce6809ull, 0xcf8682f9a70fa9c1ull, 0x992dd867927b52d9ull,
    0x370595aacab4adafull, 0x9fea7dfc79d452d9ull, 0xa192afe3157c85d1ull, 0x6f1384a306c41fc3ull,
};
static const uint64_t B[ND_K] = {
    0x6e789e6aa1b965f4ull, 0xf88bb8a8724c81ecull, 0x53cb9f0c747ea2eaull, 0xc584133ac916ab3cull,
    0xf3b8488c368cb0a6ull, 0xc2d326e0055bdef6ull, 0x8e1f7555983aa92full, 0x84bb3f97971d80abull,
    0xc3cf17102b7f7f86ull, 0xd81a8d2b5a4485acull, 0xa9038a921825f10dull, 0x54496ad67bd2634cull,
    0x935e82f1db4c4f7bull, 0x40d29eb57de1d510ull, 0xee521d7a0f4d3872ull, 0x377d35dea8e40225ull,
    0x05582d37111ac529ull, 0x69630f7593d108c3ull, 0x3c3c41a3b43343a1ull, 0x4fa9fa7324851729ull,
    0x134f7096918175ceull, 0x12c015a97019e937ull, 0xecee65630a691e37ull, 0x690ed476743aae49ull,
    0x22b353f04f4f52daull, 0xdf268adeb6513356ull, 0x03d6845323ce3c71ull, 0x9b196bca844f1705ull,
    0xcf448a5882bb9698ull, 0xbfdeaed9a17b3c8full, 0x55f070ab1cbbf170ull, 0xe255b237b8bb18fbull,
    0x466d5e7f3e46f143ull, 0x8c8a1f148a8bb259ull, 0x9e60398c8d8553c0ull, 0xdb0215941d86a66full,
    0xf1bcbc6a1ec11786ull, 0xdf82012d0555c6dfull, 0xc4dd302a1bfa1137ull, 0x6a27ff807441bcd2ull,
    0x46a9fdac40bf0048ull, 0x451e521296a7eea1ull, 0x7b7dc2160e3335a7ull, 0x928d6f2d7453424eull,
    0x8086d193a6f2b568ull, 0xd9dccac414d23c6full, 0x77fc607dc6589373ull, 0x12f6436ac376cc66ull,
    0xee8c2baf6343e5c3ull, 0x3505b7796bd1a506ull, 0x8bd8ff7a0385cdbcull, 0xbe4d15bf6ca266acull,
    0x56759a968493cd8cull, 0x365b15013741519bull, 0x3521d628813cb177ull, 0x179642d8cde95015ull,
    0xf51c504764ed82f2ull, 0xfad8fc45c9643c37ull, 0x7e1b3b75a4005729ull, 0x7fbd5db142f6791full,
    0xb1392dbdc5ab61d6ull, 0x40b12b120085641cull, 0xc847729f4e08f3a3ull, 0x12d05c4045a39c19ull,
};

void nd_minhash_init(struct nd_minhash *m)
{
    memset(m->min, 0xff, sizeof m->min);
    m->n = 0;
}

void nd_minhash_add(struct nd_minhash *m, uint64_t shingle)
{
    for (unsigned i = 0; i < ND_K; i++) {
        uint32_t v = (uint32_t)((A[i] * shingle + B[i]) >> 32);
        m->min[i] = v < m->min[i] ? v : m->min[i];
    }
    m->n++;
}

/* One version per instruction set, chosen when the plugin is loaded (an
 * ifunc): x86-64's baseline has no 64-bit vector multiply, so the
 * default one emulates it with three 32-bit ones per pair of positions,
 * ~15 instructions a position; AVX-512DQ has it (vpmullq), ~0.5.  An
 * article's fingerprint has hundreds of shingles: this was ~20 us of the
 * near_dups plugin's ~45 per article in the default config.  Clang before
 * 18 names the dispatcher nd_minhash_add_n.ifunc, and the calls from the
 * other files (fingerprint.c, the tests) then do not link (llvm-project
 * pull request 71706): with it, the baseline alone.  An ifunc needs glibc
 * (musl has none).  Under ThreadSanitizer the dispatcher is instrumented
 * too, and in an executable it runs at relocation, before TSan's runtime
 * is up: test_near_dups crashed at start; TSan builds take the baseline. */
#if defined(__x86_64__) && defined(__GLIBC__) && defined(__has_attribute) && \
    !defined(__SANITIZE_THREAD__) && (!defined(__clang__) || __clang_major__ >= 18)
#if __has_attribute(target_clones)
#define MINHASH_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
#endif
#ifndef MINHASH_CLONES
#define MINHASH_CLONES
#endif

MINHASH_CLONES
void nd_minhash_add_n(struct nd_minhash *m, const uint64_t *shingles, size_t n)
{
    uint32_t min[ND_K];
    memcpy(min, m->min, sizeof min);
    for (size_t k = 0; k < n; k++) {
        uint64_t s = shingles[k];
        for (unsigned i = 0; i < ND_K; i++) {
            uint32_t v = (uint32_t)((A[i] * s + B[i]) >> 32);
            min[i] = v < min[i] ? v : min[i];
        }
    }
    memcpy(m->min, min, sizeof min);
    m->n += n;
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
