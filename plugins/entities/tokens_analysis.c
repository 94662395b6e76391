#include "tokens_analysis.h"

#include <string.h>

/* The text layer's first five flags are ours one bit up (asserted below):
 * a shift instead of five tests, for every token of every article. */
#define SHIFTED_FLAGS (NEWSD_TOKEN_CAPITALISED | NEWSD_TOKEN_ALL_CAPS | NEWSD_TOKEN_STOPWORD | \
                       NEWSD_TOKEN_SENTENCE_START | NEWSD_TOKEN_ABBREVIATION)
_Static_assert(NEWSD_TOKEN_CAPITALISED << 1 == ENT_TOK_CAP && NEWSD_TOKEN_ALL_CAPS << 1 == ENT_TOK_UPPER &&
               NEWSD_TOKEN_STOPWORD << 1 == ENT_TOK_STOP && NEWSD_TOKEN_SENTENCE_START << 1 == ENT_TOK_START &&
               NEWSD_TOKEN_ABBREVIATION << 1 == ENT_TOK_ABBREV && ENT_TOK_WORD == 1,
               "tokens.h's flags are plugin.h's token flags shifted by one, after ENT_TOK_WORD");

static uint32_t flags_of(const struct newsd_token *t)
{
    return (t->flags & SHIFTED_FLAGS) << 1 | (t->kind == NEWSD_TOKEN_WORD);
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
    /* The token texts are shared per type, not in text order: line
     * breaks are found in the analysed text, the next one ahead. */
    size_t text_len;
    const char *text = newsd_analysis_text(an, &text_len);
    const char *nl = text ? memchr(text, '\n', text_len) : NULL;
    size_t next_nl = nl ? (size_t)(nl - text) : SIZE_MAX;
    size_t prev_end = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const struct newsd_token *nt = newsd_token_in(base, stride, i);
        struct ent_tok t = {
            .text = nt->text, .text_len = (uint32_t)nt->length,
            .norm = nt->norm, .norm_len = (uint32_t)nt->norm_length,
            .stem = nt->stem, .stem_len = (uint32_t)nt->stem_length,
            .flags = flags_of(nt), .sentence = nt->sentence,
            .type = typed ? nt->type : ENT_NO_TYPE,
        };
        if (nt->offset == prev_end)
            t.flags |= ENT_TOK_GLUED;
        prev_end = nt->offset + nt->length;
        if (nt->offset > next_nl) {
            if (i > 0)
                t.flags |= ENT_TOK_NEWLINE;
            nl = nt->offset < text_len ? memchr(text + nt->offset, '\n', text_len - nt->offset) : NULL;
            next_nl = nl ? (size_t)(nl - text) : SIZE_MAX;
        }
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
