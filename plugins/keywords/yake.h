/*
 * The keyword scoring core of the keywords plugin: YAKE (Campos et al.,
 * "YAKE! Keyword extraction from single documents using multiple local
 * features", Information Sciences 509, 2020) over an array of analysed
 * tokens.  It knows nothing of articles, so the unit tests feed it token
 * arrays they build; the plugin feeds it the text layer's tokens.
 *
 * Scores follow YAKE: lower is better.  Each keyword also gets a weight in
 * (0, 1], higher is better (see yake_extract()).
 */
#ifndef KEYWORDS_YAKE_H
#define KEYWORDS_YAKE_H

#include <stddef.h>
#include <stdint.h>

/* One token, as the text layer gives it (struct newsd_token's fields that
 * the scoring reads).  kind and flags are enum newsd_token_kind and enum
 * newsd_token_flags.  The strings must outlive the call. */
struct yake_token {
    const char *text;
    const char *norm;
    const char *stem;
    uint32_t kind;
    uint32_t flags;
    uint32_t sentence;   /* non-decreasing along the array */
    uint32_t type;       /* the text layer's token type: below yake_opts.n_types, or ignored */
    uint32_t norm_len, stem_len;   /* strlen(norm), strlen(stem) */
};

/* A flag of struct yake_token beside enum newsd_token_flags: the token
 * stands in a heading (a paragraph of one short sentence without closing
 * punctuation).  Headings name what the text under them is about, so
 * their words count as the title's do for position. */
#define YAKE_TOKEN_HEADING (1u << 31)

/* Longest phrase yake_extract() takes. */
#define YAKE_MAX_WORDS 6

struct yake_opts {
    size_t max;          /* top k keywords */
    size_t max_words;    /* 1 .. YAKE_MAX_WORDS words per keyword */
    double min_weight;   /* keywords below this weight are left out */
    /* The language writes its nouns with a capital (German): a phrase then
     * starts and ends with a word written so inside sentences. */
    int capitalised_nouns;
    /* Tokens of one type (struct yake_token's type, the same text) are
     * read as one term once; 0: the tokens carry no types. */
    size_t n_types;
    /* The caller's own stop words beside NEWSD_TOKEN_STOPWORD (NULL:
     * none): whether a word's norm (len bytes) is one, asked once per type
     * (per word without types). */
    int (*is_stop_word)(const void *ctx, const char *norm, size_t len);
    const void *stop_ctx;
};

struct yake_keyword {
    char *text;          /* the most frequent surface form, words joined by one space */
    double score;        /* YAKE's score: lower is more relevant */
    double weight;       /* (0, 1]: sqrt(score of the best keyword / this score) */
};

/* Memory a caller lends yake_extract() for its work arrays, so that one
 * call after another reuses it: zero-initialise, pass to one call at a
 * time, release with yake_scratch_free().  A call whose blocks together
 * came to more than YAKE_SCRATCH_KEEP bytes (a long text) releases them
 * on return: each worker kept the block of the longest article it had
 * seen, ~3 MB of the default config's peak RSS with two workers.  Two
 * blocks: the tokens' and terms', and the candidates', sized once the
 * candidate runs are counted: ~198 bytes a token over the corpus, where
 * one block sized by the tokens times max_words took ~321; since struct
 * term shrank from 104 to 88 bytes and a sentence node from 12 to 8,
 * ~169 where it was ~189 on analysis_bench's 5 KB articles (a term's 88
 * bytes are since 0.8.19 a cache line of counts and, apart, its key and
 * score).  (Sizing the
 * terms by a count of the word types first, ~133 bytes a token, cost
 * ~10 % of the plugin's time in analysis_bench: left out.) */
struct yake_scratch {
    void *block;         /* the tokens' and terms' arrays */
    size_t cap;
    void *cand_block;    /* the candidates' */
    size_t cand_cap;
};
#define YAKE_SCRATCH_KEEP ((size_t)512 << 10)
void yake_scratch_free(struct yake_scratch *scratch);

/* The top o->max keywords of the tokens, most relevant first, in *out
 * (malloc'd, *n_out of them; free with yake_keywords_free()).  scratch
 * may be NULL (the call allocates and frees its own).  No tokens or
 * no candidate gives *n_out == 0.  Returns 0, or -1 when out of memory
 * (nothing to free then).  Time and memory are linear in n.
 *
 * A phrase of two words or more must occur twice; a word once is enough.
 * Each word (term) is part of one keyword at most, the best that has it,
 * so the list does not say the same thing twice ("Moore Threads" and
 * "Threads"). */
int yake_extract(const struct yake_token *tokens, size_t n, const struct yake_opts *o,
                 struct yake_scratch *scratch, struct yake_keyword **out, size_t *n_out);
void yake_keywords_free(struct yake_keyword *kw, size_t n);

/* The hash the scoring's tables use, for the plugin's own (a set of
 * words): 64 bits of s[0..len). */
uint64_t yake_hash(const char *s, size_t len);

#endif
