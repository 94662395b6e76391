/*
 * keywords: the article's own keywords, found without a word list, as
 * weighted keyword: tags ("keyword:Rentabilität", "keyword:Moore Threads").
 *
 *   max        = 10    ; at most this many keywords (1 .. 100)
 *   max_words  = 3     ; words in a keyword phrase (1 .. 6)
 *   min_weight = 0     ; leave out keywords weighted below this (0 .. 1)
 *
 * The scoring is YAKE (yake.h) over the text layer's tokens: where a word
 * first and mostly stands, how often, in how many sentences, written in
 * capitals, and how varied its neighbours are.  Stems and stop words follow
 * the article's language, so the lang plugin belongs before it.
 *
 * Weights: YAKE's scores are lower-is-better and unbounded; a tag's weight
 * is the best keyword's score over this one's, so the best keyword of an
 * article weighs 1.0 and one half as relevant 0.5.
 *
 * The state is read-only after init, so process() is thread-safe.
 */
#include <newsd/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yake.h"

#define TAG_PREFIX "keyword:"

static int keywords_init(const newsd_config *conf, void **state)
{
    int64_t max, max_words;
    double min_weight;
    if (newsd_config_get_int(conf, "max", 10, 1, 100, &max) != NEWSD_OK ||
        newsd_config_get_int(conf, "max_words", 3, 1, YAKE_MAX_WORDS, &max_words) != NEWSD_OK ||
        newsd_config_get_double(conf, "min_weight", 0.0, &min_weight) != NEWSD_OK)
        return NEWSD_ERROR; /* newsd has logged which key is wrong */
    if (min_weight < 0 || min_weight > 1) {
        newsd_log(NEWSD_LOG_ERROR, "min_weight = %g: expected a number from 0 to 1", min_weight);
        return NEWSD_ERROR;
    }
    struct yake_opts *o = malloc(sizeof *o);
    if (!o) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    *o = (struct yake_opts){.max = (size_t)max, .max_words = (size_t)max_words, .min_weight = min_weight};
    *state = o;
    return NEWSD_OK;
}

/* The text layer's tokens as the scoring core reads them. */
static int read_tokens(const newsd_analysis *an, struct yake_token **out, size_t *n_out)
{
    size_t n = newsd_analysis_token_count(an);
    *out = NULL;
    *n_out = 0;
    if (n == 0)
        return NEWSD_OK;
    struct yake_token *v = malloc(n * sizeof *v);
    if (!v)
        return NEWSD_ERROR;
    for (size_t i = 0; i < n; i++) {
        struct newsd_token t = {.struct_size = sizeof t};
        if (newsd_analysis_token_at(an, i, &t) != NEWSD_OK) {
            free(v);
            return NEWSD_ERROR;
        }
        v[i] = (struct yake_token){t.text, t.norm, t.stem, t.kind, t.flags, t.sentence};
    }
    *out = v;
    *n_out = n;
    return NEWSD_OK;
}

static int tag_keywords(newsd_article *a, const struct yake_keyword *kw, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(kw[i].text);
        char *name = malloc(sizeof TAG_PREFIX + len);
        if (!name)
            return newsd_article_fail(a, "out of memory");
        memcpy(name, TAG_PREFIX, sizeof TAG_PREFIX - 1);
        memcpy(name + sizeof TAG_PREFIX - 1, kw[i].text, len + 1);
        int rc = newsd_article_tag(a, name, kw[i].weight);
        free(name);
        /* newsd has logged the limit that refused it (max_tags,
         * max_name_bytes). */
        if (rc != NEWSD_OK)
            return newsd_article_fail(a, "cannot add tag %s%s", TAG_PREFIX, kw[i].text);
    }
    return NEWSD_OK;
}

static int keywords_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    const struct yake_opts *o = state;
    const newsd_analysis *an = newsd_article_analysis(a);
    if (!an)
        return newsd_article_fail(a, "out of memory analysing the text");
    struct yake_token *tokens;
    size_t n;
    if (read_tokens(an, &tokens, &n) != NEWSD_OK)
        return newsd_article_fail(a, "out of memory reading the tokens");
    struct yake_keyword *kw;
    size_t n_kw;
    int rc = yake_extract(tokens, n, o, &kw, &n_kw);
    free(tokens);
    if (rc < 0)
        return newsd_article_fail(a, "out of memory scoring %zu tokens", n);
    rc = tag_keywords(a, kw, n_kw);
    yake_keywords_free(kw, n_kw);
    return rc;
}

static void keywords_fini(void *state)
{
    free(state);
}

NEWSD_PLUGIN(
    .name = "keywords",
    .description = "tags an article's own keywords (YAKE over the text layer)",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = keywords_init,
    .process = keywords_process,
    .fini = keywords_fini,
);
