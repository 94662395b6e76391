/*
 * keywords: the article's own keywords, found without a word list, as
 * weighted keyword: tags ("keyword:Rentabilität", "keyword:Moore Threads").
 *
 *   max        = 10    ; at most this many keywords (1 .. 100)
 *   max_words  = 3     ; words in a keyword phrase (1 .. 6)
 *   min_weight = 0     ; leave out keywords weighted below this (0 .. 1)
 *   stop_words = said, says   ; words never at a keyword's edge, beside the
 *                             ; text layer's stop words of the language
 *
 * The scoring is YAKE (yake.h) over the text layer's tokens: where a word
 * first and mostly stands, how often, in how many sentences, written in
 * capitals, and how varied its neighbours are.  Stems and stop words follow
 * the article's language, so the lang plugin belongs before it.
 *
 * Weights: YAKE's scores are lower-is-better and unbounded; a tag's weight
 * is the square root of the best keyword's score over this one's, so the
 * best keyword of an article weighs 1.0 and one a quarter as relevant 0.5.
 * docs/plugins.md ("keywords") says which candidates count and why.
 *
 * Thread-safe: the settings are read-only after init; the memory a call
 * works in comes from a small pool under a lock, one slot per call.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup() */
#endif
#include <newsd/plugin.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yake.h"

#define TAG_PREFIX "keyword:"

/* Memory for one call, kept between calls: the token array and the
 * scoring's work arrays.  Calls on several workers each take their own. */
struct slot {
    struct yake_scratch scratch;
    struct yake_token *tok;
    size_t tok_cap;
};

/* Slots kept for reuse (one per worker is enough; more are freed). */
#define POOL_MAX 16

/* The extra stop words: norms in an open addressing set, so that a word
 * type costs one hash and at most a comparison or two, behind a filter
 * that refuses most words for two bytes and the length. */
#define STOP_FILTER_BITS 4096
struct keywords {
    struct yake_opts opts;
    char **stop;          /* slots; NULL: empty */
    size_t stop_mask;
    /* Bit filter_bit() of each word in stop: a word whose bit is clear is
     * none of them, told without a hash. */
    uint64_t stop_filter[STOP_FILTER_BITS / 64];
    pthread_mutex_t lock; /* guards pool */
    struct slot *pool[POOL_MAX];
    size_t n_pool;
};

static void slot_free(struct slot *s)
{
    if (!s)
        return;
    yake_scratch_free(&s->scratch);
    free(s->tok);
    free(s);
}

/* A slot from the pool, or a new empty one; NULL when out of memory. */
static struct slot *slot_take(struct keywords *k)
{
    struct slot *s = NULL;
    pthread_mutex_lock(&k->lock);
    if (k->n_pool > 0)
        s = k->pool[--k->n_pool];
    pthread_mutex_unlock(&k->lock);
    return s ? s : calloc(1, sizeof *s);
}

/* A slot keeps what an ordinary article needs, not what a long one
 * took: YAKE_SCRATCH_KEEP for the token array and the scoring's blocks
 * together.  Each up to that alone let two workers keep ~2 MB. */
static void slot_give(struct keywords *k, struct slot *s)
{
    if (s->tok_cap * sizeof *s->tok + s->scratch.cap + s->scratch.cand_cap > YAKE_SCRATCH_KEEP) {
        free(s->tok);
        s->tok = NULL;
        s->tok_cap = 0;
        yake_scratch_free(&s->scratch);
    }
    pthread_mutex_lock(&k->lock);
    if (k->n_pool < POOL_MAX) {
        k->pool[k->n_pool++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&k->lock);
    slot_free(s);
}

/* A word's bit in stop_filter: of its first and last byte and its length
 * (len >= 1). */
static unsigned filter_bit(const char *norm, size_t len)
{
    uint32_t key = (uint32_t)(unsigned char)norm[0] << 16 | (uint32_t)(unsigned char)norm[len - 1] << 8 |
                   (uint32_t)(len & 0xff);
    return (key * 0x9e3779b1u) >> (32 - 12);
}

static int filter_has(const struct keywords *k, const char *norm, size_t len)
{
    _Static_assert(STOP_FILTER_BITS == 1 << 12, "filter_bit() gives 12 bits");
    unsigned bit = filter_bit(norm, len);
    return (int)(k->stop_filter[bit / 64] >> (bit % 64) & 1);
}

/* Whether norm (len bytes) is one of the configured stop words. */
static int is_extra_stop(const struct keywords *k, const char *norm, size_t len)
{
    /* The filter first: the rare word it lets through is looked up. */
    if (!k->stop || len == 0 || !filter_has(k, norm, len))
        return 0;
    for (size_t i = yake_hash(norm, len) & k->stop_mask; k->stop[i]; i = (i + 1) & k->stop_mask)
        if (strcmp(k->stop[i], norm) == 0)
            return 1;
    return 0;
}

/* yake_opts.is_stop_word. */
static int stop_word_of(const void *ctx, const char *norm, size_t len)
{
    return is_extra_stop(ctx, norm, len);
}

static void keywords_fini(void *state)
{
    struct keywords *k = state;
    if (!k)
        return;
    for (size_t i = 0; k->stop && i <= k->stop_mask; i++)
        free(k->stop[i]);
    free(k->stop);
    for (size_t i = 0; i < k->n_pool; i++)
        slot_free(k->pool[i]);
    pthread_mutex_destroy(&k->lock);
    free(k);
}

/* stop_words: each word as the text layer reads it (its norm), so that
 * "Said" and "said" are one. */
static int read_stop_words(const newsd_config *conf, struct keywords *k)
{
    const char *value = newsd_config_get(conf, "stop_words");
    if (!value)
        return NEWSD_OK;
    size_t n;
    char **words = newsd_list_split(value, &n);
    if (!words) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    size_t slots = 16;
    while (slots < 4 * n)
        slots <<= 1;
    k->stop = calloc(slots, sizeof *k->stop);
    k->stop_mask = slots - 1;
    int rc = k->stop ? NEWSD_OK : NEWSD_ERROR;
    for (size_t i = 0; i < n && rc == NEWSD_OK; i++) {
        newsd_analysis *an = newsd_analysis_new(words[i], strlen(words[i]), NULL);
        struct newsd_token t = {.struct_size = sizeof t};
        if (!an || newsd_analysis_token_count(an) != 1 || newsd_analysis_token_at(an, 0, &t) != NEWSD_OK ||
            t.kind != NEWSD_TOKEN_WORD) {
            newsd_log(NEWSD_LOG_ERROR, "stop_words: \"%s\" is not one word", words[i]);
            rc = NEWSD_ERROR;
        } else if (!is_extra_stop(k, t.norm, t.norm_length)) {
            size_t slot = yake_hash(t.norm, t.norm_length) & k->stop_mask;
            while (k->stop[slot])
                slot = (slot + 1) & k->stop_mask;
            if (!(k->stop[slot] = strdup(t.norm)))
                rc = NEWSD_ERROR;
            else {
                unsigned bit = filter_bit(t.norm, t.norm_length);
                k->stop_filter[bit / 64] |= (uint64_t)1 << (bit % 64);
            }
        }
        newsd_analysis_free(an);
    }
    newsd_list_free(words);
    if (!k->stop)
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
    return rc;
}

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
    struct keywords *k = calloc(1, sizeof *k);
    if (!k) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    pthread_mutex_init(&k->lock, NULL);
    k->opts = (struct yake_opts){.max = (size_t)max, .max_words = (size_t)max_words, .min_weight = min_weight};
    if (read_stop_words(conf, k) != NEWSD_OK) {
        keywords_fini(k);
        return NEWSD_ERROR;
    }
    *state = k;
    return NEWSD_OK;
}

/* The text layer's tokens as the scoring core reads them, in s->tok.
 * The extra stop words are the scoring's to ask (yake_opts.is_stop_word,
 * once per word type). */
static int read_tokens(const struct keywords *k, const newsd_analysis *an, struct slot *s, size_t *n_out)
{
    size_t n, stride;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    *n_out = 0;
    if (n > s->tok_cap) {
        struct yake_token *v = realloc(s->tok, n * sizeof *v);
        if (!v)
            return NEWSD_ERROR;
        s->tok = v;
        s->tok_cap = n;
    }
    for (size_t i = 0; i < n; i++) {
        const struct newsd_token *t = newsd_token_in(base, stride, i);
        s->tok[i] = (struct yake_token){t->text, t->norm, t->stem, t->kind, t->flags, t->sentence, t->type,
                                        (uint32_t)t->norm_length, (uint32_t)t->stem_length};
    }
    *n_out = n;
    return NEWSD_OK;
}

/* A title that the parser took from the body's first sentence (an article
 * without a headline) would count that sentence twice: such a title is
 * the start of the body, maybe shortened with "…". */
static int title_from_body(newsd_article *a)
{
    const char *title = newsd_article_get(a, NEWSD_FIELD_TITLE);
    const char *body = newsd_article_get(a, NEWSD_FIELD_BODY);
    if (!title || !body || !*title)
        return 0;
    size_t len = strlen(title);
    if (len >= strlen("…") && strcmp(title + len - strlen("…"), "…") == 0)
        len -= strlen("…");
    while (*body == ' ' || *body == '\n')
        body++;
    return strncmp(body, title, len) == 0;
}

/* Leaves out the title's tokens (they come first) and numbers the
 * sentences from 0 again. */
static size_t drop_title(struct yake_token *tok, size_t n)
{
    size_t skip = 0;
    while (skip < n && (tok[skip].flags & NEWSD_TOKEN_TITLE))
        skip++;
    if (skip == n)
        return 0;
    uint32_t first = tok[skip].sentence;
    for (size_t i = skip; i < n; i++) {
        tok[i - skip] = tok[i];
        tok[i - skip].sentence -= first;
    }
    return n - skip;
}

/* Whether the text (the analysis's tokens from `from` on) has stop words
 * of its language (that has a name), or is too short to tell: a text of
 * STOP_WORD_PROOF words without one has no list for its language.  The
 * text layer's marks, not the extra stop_words. */
#define STOP_WORD_PROOF 30

/* Keywords say what a text is about: a title over an empty body has none
 * to say. */
static int has_body_words(const struct yake_token *tok, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tok[i].kind == NEWSD_TOKEN_WORD && !(tok[i].flags & NEWSD_TOKEN_TITLE))
            return 1;
    return 0;
}

static int has_stop_words(const newsd_analysis *an, size_t from)
{
    size_t n, stride, words = 0;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    for (size_t i = from; i < n; i++) {
        const struct newsd_token *t = newsd_token_in(base, stride, i);
        if (t->flags & NEWSD_TOKEN_STOPWORD)
            return 1;
        words += t->kind == NEWSD_TOKEN_WORD;
    }
    return words < STOP_WORD_PROOF;
}

/* Headings: a paragraph of one short sentence that does not end as a
 * sentence or a label does ('.', '!', '?', '…', ':'), with text under it
 * (the next paragraph has HEADING_TEXT_TOKENS tokens or more).  A line at
 * the end of a page ("Hinterlasse eine Antwort") has no text under it. */
#define HEADING_MAX_TOKENS 15
#define HEADING_TEXT_TOKENS 20

static int ends_sentence(const char *punct)
{
    return strcmp(punct, ".") == 0 || strcmp(punct, "!") == 0 || strcmp(punct, "?") == 0 ||
           strcmp(punct, "…") == 0 || strcmp(punct, ":") == 0;
}

static int mark_headings(const newsd_analysis *an, struct yake_token *tok, size_t n_tok)
{
    size_t n = newsd_analysis_sentence_count(an);
    if (n < 2)
        return NEWSD_OK;
    struct newsd_sentence *v = malloc(n * sizeof *v);
    if (!v)
        return NEWSD_ERROR;
    for (size_t i = 0; i < n; i++) {
        v[i] = (struct newsd_sentence){.struct_size = sizeof v[i]};
        if (newsd_analysis_sentence_at(an, i, &v[i]) != NEWSD_OK) {
            free(v);
            return NEWSD_ERROR;
        }
    }
    for (size_t i = 0; i + 1 < n; i++) {
        const struct newsd_sentence *s = &v[i];
        size_t last = s->first_token + s->n_tokens - 1;
        if (s->n_tokens == 0 || s->n_tokens > HEADING_MAX_TOKENS || last >= n_tok ||
            (i > 0 && v[i - 1].paragraph == s->paragraph) || v[i + 1].paragraph == s->paragraph ||
            (tok[last].kind == NEWSD_TOKEN_PUNCT && ends_sentence(tok[last].text)))
            continue;
        size_t under = 0;
        for (size_t j = i + 1; j < n && v[j].paragraph == v[i + 1].paragraph; j++)
            under += v[j].n_tokens;
        if (under < HEADING_TEXT_TOKENS)
            continue;
        for (size_t t = s->first_token; t <= last; t++)
            tok[t].flags |= YAKE_TOKEN_HEADING;
    }
    free(v);
    return NEWSD_OK;
}

static int tag_keywords(newsd_article *a, const struct yake_keyword *kw, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        /* A name on the stack: keywords are a few words, and newsd copies
         * the name it keeps. */
        char buf[256];
        size_t len = strlen(kw[i].text);
        char *name = sizeof TAG_PREFIX + len <= sizeof buf ? buf : malloc(sizeof TAG_PREFIX + len);
        if (!name)
            return newsd_article_fail(a, "out of memory");
        memcpy(name, TAG_PREFIX, sizeof TAG_PREFIX - 1);
        memcpy(name + sizeof TAG_PREFIX - 1, kw[i].text, len + 1);
        int rc = newsd_article_tag(a, name, kw[i].weight);
        if (name != buf)
            free(name);
        /* newsd has logged the limit that refused it (max_tags,
         * max_name_bytes). */
        if (rc != NEWSD_OK)
            return newsd_article_fail(a, "cannot add tag %s%s", TAG_PREFIX, kw[i].text);
    }
    return NEWSD_OK;
}

/* The keywords of the article's tokens in s->tok, tagged. */
static int keywords_of(struct keywords *k, newsd_article *a, const newsd_analysis *an, struct slot *s)
{
    size_t n, n_all;
    if (read_tokens(k, an, s, &n) != NEWSD_OK)
        return newsd_article_fail(a, "out of memory reading the tokens");
    n_all = n;
    struct yake_token *tokens = s->tok;
    if (mark_headings(an, tokens, n) != NEWSD_OK)
        return newsd_article_fail(a, "out of memory reading the sentences");
    if (title_from_body(a))
        n = drop_title(tokens, n);
    if (!has_body_words(tokens, n))
        return NEWSD_OK;
    if (!*newsd_analysis_lang(an) || !has_stop_words(an, n_all - n)) {
        /* No language, or one without a stop-word list: every function
         * word would be a keyword candidate ("der", "und"). */
        newsd_log(NEWSD_LOG_DEBUG, "no stop words for language \"%s\": no keywords", newsd_analysis_lang(an));
        return NEWSD_OK;
    }
    struct yake_opts o = k->opts;
    o.n_types = newsd_analysis_type_count(an);
    if (k->stop) {
        o.is_stop_word = stop_word_of;
        o.stop_ctx = k;
    }
    /* German capitalises every noun (Luxembourgish too). */
    const char *lang = newsd_analysis_lang(an);
    o.capitalised_nouns = strcmp(lang, "de") == 0 || strcmp(lang, "lb") == 0;
    struct yake_keyword *kw;
    size_t n_kw;
    if (yake_extract(tokens, n, &o, &s->scratch, &kw, &n_kw) < 0)
        return newsd_article_fail(a, "out of memory scoring %zu tokens", n);
    int rc = tag_keywords(a, kw, n_kw);
    yake_keywords_free(kw, n_kw);
    return rc;
}

static int keywords_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    struct keywords *k = state;
    const newsd_analysis *an = newsd_article_analysis(a);
    if (!an)
        return newsd_article_fail(a, "out of memory analysing the text");
    struct slot *s = slot_take(k);
    if (!s)
        return newsd_article_fail(a, "out of memory");
    int rc = keywords_of(k, a, an, s);
    slot_give(k, s);
    return rc;
}

static const struct newsd_config_key keywords_keys[] = {
    {"max", "at most this many keywords (1..100, default 10)"},
    {"max_words", "words in a keyword phrase (1..6, default 3)"},
    {"min_weight", "leave out keywords weighted below this (0..1, default 0)"},
    {"stop_words", "words never at a keyword's edge, beside the language's stop words"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "keywords",
    .description = "tags an article's own keywords (YAKE over the text layer)",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = keywords_init,
    .process = keywords_process,
    .fini = keywords_fini,
    .config_keys = keywords_keys,
);
