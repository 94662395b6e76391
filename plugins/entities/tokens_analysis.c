#include "tokens_analysis.h"

#include <string.h>

static uint32_t flags_of(const struct newsd_token *t)
{
    uint32_t f = 0;
    if (t->kind == NEWSD_TOKEN_WORD)
        f |= ENT_TOK_WORD;
    if (t->flags & NEWSD_TOKEN_CAPITALISED)
        f |= ENT_TOK_CAP;
    if (t->flags & NEWSD_TOKEN_ALL_CAPS)
        f |= ENT_TOK_UPPER;
    if (t->flags & NEWSD_TOKEN_STOPWORD)
        f |= ENT_TOK_STOP;
    if (t->flags & NEWSD_TOKEN_SENTENCE_START)
        f |= ENT_TOK_START;
    if (t->flags & NEWSD_TOKEN_ABBREVIATION)
        f |= ENT_TOK_ABBREV;
    return f;
}

int tokens_from_analysis(const newsd_analysis *an, struct ent_toks *out)
{
    size_t n, stride;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    /* A tenth more for the parts of hyphenated words. */
    if (toks_reserve(out, out->n + n + n / 10 + 16) < 0)
        return -1;
    /* Types are kept per analysis: tokens appended after another
     * analysis's carry none. */
    size_t n_types = newsd_analysis_type_count(an);
    int typed = out->n == 0 && n_types < ENT_NO_TYPE;
    out->n_types = typed ? (uint32_t)n_types : 0;
    for (size_t i = 0; i < n; i++) {
        const struct newsd_token *nt = newsd_token_in(base, stride, i);
        struct ent_tok t = {
            .text = nt->text, .text_len = (uint32_t)nt->length,
            .norm = nt->norm, .norm_len = (uint32_t)nt->norm_length,
            .stem = nt->stem, .stem_len = (uint32_t)nt->stem_length,
            .flags = flags_of(nt), .sentence = nt->sentence,
            .type = typed ? nt->type : ENT_NO_TYPE,
        };
        if (toks_push_word(out, &t) < 0)
            return -1;
    }
    return 0;
}

static int run(void *ctx, const char *text, size_t len, const char *lang, struct ent_toks *out, void **keep)
{
    (void)ctx;
    newsd_analysis *an = newsd_analysis_new(text, len, lang);
    *keep = an;
    if (!an)
        return -1;
    return tokens_from_analysis(an, out);
}

static void release(void *keep)
{
    newsd_analysis_free(keep);
}

const struct ent_tokeniser tokens_analysis_tokeniser = {run, release, NULL};
