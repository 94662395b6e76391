/* kw_match: keyword_tagger's words as one Aho-Corasick automaton over an
 * article's tokens (the entities plugin's ac.c and tokens.c), so that an
 * article costs one pass whether the list has ten words or ten thousand.
 *
 * A word or phrase is tokenised as article text is (newsd_analysis_new())
 * and added as the sequence of its tokens' norms (case-folded), or of
 * their texts with case = sensitive.  A hyphenated word counts as its
 * parts, in the article as in the list: "KI-Chip" is "ki" "chip", so it
 * also finds "KI Chip", and "Intel" finds "Intel-Chef".  Tokens never
 * match across a sentence end that the phrase does not have itself.
 *
 * With compounds on (match = substring), the phrase's first word may also
 * end a token (before an inflection ending: s, e, n, en, es, er, ern, ens,
 * in, ed) and its last word begin one: "KI-Chip" finds
 * "KI-Chiphersteller", "Chip" finds "Computerchip", "Minister" finds
 * "Premierministers", "Halbleiter" finds "Halbleitern", and "Intel" finds
 * "Intelligenz".  Without (match = word)
 * word boundaries hold.  A word inside a token, neither at its start nor
 * at its end, is not found ("chip" in "Mikrochiphersteller"), nor is a
 * word of one byte ("x") inside another. */
#ifndef KEYWORD_TAGGER_KW_MATCH_H
#define KEYWORD_TAGGER_KW_MATCH_H

#include "../entities/ac.h"
#include "../entities/tokens.h"

#include <newsd/plugin.h>

#include <stddef.h>
#include <stdint.h>

enum { KW_LAST_START, KW_LAST_END, KW_FIRST_START, KW_FIRST_END, KW_ANY_START, KW_ANY_END, KW_PAIR_FILTERS };

struct kw_pattern {
    uint32_t word;       /* the caller's index of the word */
    uint32_t off, len;   /* its symbols: syms[off .. off + len) */
    uint32_t span;       /* sentences its tokens cross (0: one sentence) */
};

struct kw_matcher {
    struct ac ac;
    struct kw_pattern *pat;
    size_t n_pat, pat_cap;
    uint32_t *syms;
    size_t n_syms, syms_cap;
    /* By symbol: bit 0 the first word of some pattern, bit 1 the last. */
    uint8_t *ends;
    size_t n_words;      /* 1 + the largest word index added */
    size_t min_len, max_len;  /* bytes of the first and last words, for compounds */
    /* Filters of the byte pairs that start and end the words (a bit per
     * pair): of every word, and of the first and the last words of the
     * patterns, so that most tokens are done after a look at two bits
     * instead of a hash lookup, and a compound after two more instead of
     * a lookup per length.  Words of one byte are in bytes[]. */
    uint64_t *pairs;          /* KW_PAIR_FILTERS filters of 65536 bits */
    uint64_t bytes[4];
    int compounds;
    int sensitive;
};

/* An empty matcher.  0, or -1 when out of memory. */
int kw_matcher_init(struct kw_matcher *m, int compounds, int sensitive);
void kw_matcher_free(struct kw_matcher *m);
/* Add the word or phrase toks (tokenised as articles are) as word.  0; 1
 * when it has no tokens to match (nothing added); -1 when out of memory. */
int kw_matcher_add(struct kw_matcher *m, const struct ent_toks *toks, uint32_t word);
/* Done adding.  0, or -1 when out of memory. */
int kw_matcher_build(struct kw_matcher *m);

/* The distinct words found in t, in the order first found. */
struct kw_found {
    uint32_t *v;
    size_t n, cap;
};
void kw_found_free(struct kw_found *f);

/* Append to out the words found in the tokens of an, each once: one pass,
 * in which a token without a form (most are: no listed word is it,
 * begins or ends it) resets the automaton, and each token type is looked
 * up once.  With limit > 0 the pass ends once out holds limit words.  0,
 * or -1 when out of memory.  Thread-safe: m is only read. */
int kw_matcher_run(const struct kw_matcher *m, const newsd_analysis *an, size_t limit, struct kw_found *out);

#endif
