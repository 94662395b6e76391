/*
 * An article's fingerprint (see fingerprint.h).
 */
#include "fingerprint.h"

#include <string.h>

/* Shingles wait here to be added to the minima in batches. */
struct shingles {
    uint64_t h[256];
    size_t n;
};

static void add(struct nd_minhash *m, struct shingles *b, uint64_t shingle)
{
    b->h[b->n++] = shingle;
    if (b->n == sizeof b->h / sizeof b->h[0]) {
        nd_minhash_add_n(m, b->h, b->n);
        b->n = 0;
    }
}

int nd_fingerprint(const newsd_analysis *an, struct nd_sig *sig, size_t *words)
{
    struct nd_minhash m;
    struct shingles batch;
    batch.n = 0;
    nd_minhash_init(&m);
    uint64_t win[ND_SHINGLE];
    size_t in_win = 0, n_words = 0;
    int full = 0;                /* the sentence made a whole shingle */
    uint32_t sentence = UINT32_MAX;
    size_t n, stride;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    for (size_t i = 0; i <= n; i++) {
        int end = i == n;
        const struct newsd_token *t = end ? NULL : newsd_token_in(base, stride, i);
        if (end || t->sentence != sentence) {
            if (in_win > 0 && !full) /* a sentence shorter than a shingle */
                add(&m, &batch, nd_hash_shingle(win, in_win));
            in_win = 0;
            full = 0;
            if (end)
                break;
            sentence = t->sentence;
        }
        if ((t->flags & NEWSD_TOKEN_TITLE) || (t->kind != NEWSD_TOKEN_WORD && t->kind != NEWSD_TOKEN_NUMBER))
            continue;
        n_words += t->kind == NEWSD_TOKEN_WORD;
        if (in_win == ND_SHINGLE) {
            memmove(win, win + 1, (ND_SHINGLE - 1) * sizeof win[0]);
            in_win--;
        }
        win[in_win++] = nd_hash_bytes(t->stem, t->stem_length);
        if (in_win == ND_SHINGLE) {
            add(&m, &batch, nd_hash_shingle(win, in_win));
            full = 1;
        }
    }
    nd_minhash_add_n(&m, batch.h, batch.n);
    nd_minhash_sig(&m, sig);
    *words = n_words;
    return 0;
}
