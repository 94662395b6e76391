/*
 * An article's fingerprint (see fingerprint.h).
 */
#include "fingerprint.h"

#include <string.h>

int nd_fingerprint(const newsd_analysis *an, struct nd_sig *sig, size_t *words)
{
    struct nd_minhash m;
    nd_minhash_init(&m);
    uint64_t win[ND_SHINGLE];
    size_t in_win = 0, n_words = 0;
    int full = 0;                /* the sentence made a whole shingle */
    uint32_t sentence = UINT32_MAX;
    size_t n = newsd_analysis_token_count(an);
    for (size_t i = 0; i <= n; i++) {
        struct newsd_token t = {.struct_size = sizeof t};
        int end = i == n;
        if (!end && newsd_analysis_token_at(an, i, &t) != NEWSD_OK)
            return -1;
        if (end || t.sentence != sentence) {
            if (in_win > 0 && !full) /* a sentence shorter than a shingle */
                nd_minhash_add(&m, nd_hash_shingle(win, in_win));
            in_win = 0;
            full = 0;
            sentence = t.sentence;
        }
        if (end)
            break;
        if ((t.flags & NEWSD_TOKEN_TITLE) || (t.kind != NEWSD_TOKEN_WORD && t.kind != NEWSD_TOKEN_NUMBER))
            continue;
        n_words += t.kind == NEWSD_TOKEN_WORD;
        if (in_win == ND_SHINGLE) {
            memmove(win, win + 1, (ND_SHINGLE - 1) * sizeof win[0]);
            in_win--;
        }
        win[in_win++] = nd_hash_bytes(t.stem, strlen(t.stem));
        if (in_win == ND_SHINGLE) {
            nd_minhash_add(&m, nd_hash_shingle(win, in_win));
            full = 1;
        }
    }
    nd_minhash_sig(&m, sig);
    *words = n_words;
    return 0;
}
