/* kw_prefilter: whether an article can hold any of keyword_tagger's words
 * at all, found in one byte-level pass over its title and body, before
 * the text layer (segmentation, case folding) is built for it.
 *
 * Every listed word or phrase gives one literal: the longest run of ASCII
 * letters and digits in the forms of its tokens, in lower case ("threads"
 * of "Moore Threads", "chip" of "KI-Chip", "rse" of "Börse").  A match of
 * the word is made of tokens whose case-folded forms contain its forms, so
 * the case-folded article contains the literal.  The pass reads the text
 * as its case folding would be, as far as ASCII letters and digits go:
 * ASCII letters in lower case, the few other code points whose folding
 * holds ASCII letters as those ("ß" as "ss", "ﬁ" as "fi", KELVIN SIGN as
 * "k"; kw_prefilter_fold), everything else as a break.  An article
 * without any literal therefore has no match, and keyword_tagger leaves
 * it without asking for its analysis; one with a literal goes to the
 * token matcher (kw_match.h), which decides.  Most articles hold none of
 * a list's words, so most never pay for the text layer.
 *
 * The filter is off (every article goes to the matcher) when a word has no
 * run of two or more such characters ("x", "華為", "€"), or when the list is
 * so long that the automaton would pass KW_PREFILTER_MAX_STATES states:
 * such lists find a literal in nearly every article anyway; and it is
 * mostly skipped while it lets most articles through (kw_prefilter_use). */
#ifndef KEYWORD_TAGGER_KW_PREFILTER_H
#define KEYWORD_TAGGER_KW_PREFILTER_H

#include "../entities/tokens.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* 0-9 and a-z: the automaton's alphabet, and a last symbol for a break
 * (any other byte). */
#define KW_PREFILTER_SYMBOLS 37
#define KW_PREFILTER_MAX_STATES 16384

struct kw_prefilter {
    /* By state * KW_PREFILTER_SYMBOLS + symbol: while adding, the trie's
     * next state (0: none); after build, the full automaton, each entry
     * its target's row (state * KW_PREFILTER_SYMBOLS) with KW_PREFILTER_ACCEPT
     * when a literal ends there, so that a byte costs one lookup and an
     * add on the chain from byte to byte. */
    uint32_t *next;
    uint8_t *accept;      /* by state, while adding: a literal ends here */
    size_t n_states, cap_states;
    int off;              /* 1: the filter lets every text through */
};
#define KW_PREFILTER_ACCEPT 0x80000000u

/* A code point other than ASCII whose case folding holds ASCII letters:
 * what the pass reads for it ("\x80" stands for a break). */
struct kw_prefilter_fold {
    uint32_t cp;
    const char *ascii;
};
extern const struct kw_prefilter_fold kw_prefilter_fold[];
extern const size_t kw_prefilter_n_fold;

/* An empty filter (it finds nothing until a word is added).  0, or -1. */
int kw_prefilter_init(struct kw_prefilter *p);
void kw_prefilter_free(struct kw_prefilter *p);
/* Add the literal of a word tokenised as kw_matcher_add() takes it (forms:
 * the tokens' texts when sensitive, else their norms).  A word without
 * tokens adds nothing; one without a run of two turns the filter off.
 * 0, or -1 when out of memory. */
int kw_prefilter_add(struct kw_prefilter *p, const struct ent_toks *toks, int sensitive);
/* Done adding: the automaton.  0, or -1 when out of memory. */
int kw_prefilter_build(struct kw_prefilter *p);
/* 1 when s[0..len) (UTF-8; invalid bytes read as breaks) may hold a
 * listed word: it holds a literal, or the filter is off.  Thread-safe. */
int kw_prefilter_may_match(const struct kw_prefilter *p, const char *s, size_t len);

/* Whether the filter pays: when it lets most articles through (a list of
 * common words), its pass is only a cost, so it is skipped, except for
 * one article in KW_PREFILTER_SAMPLE, which keeps the share it lets
 * through known (as the news changes, so does the share).  Counts of the
 * articles it read, halved now and then so that the recent ones weigh
 * most; threads update them at once without a lock (relaxed: a count
 * that loses an increment only moves an estimate). */
#define KW_PREFILTER_SAMPLE 16
#define KW_PREFILTER_WINDOW 1024

struct kw_prefilter_use {
    _Atomic uint32_t articles;   /* asked, since the start */
    _Atomic uint32_t read;       /* read by the filter, in the window */
    _Atomic uint32_t through;    /* ... and let through */
};

/* Whether to read this article with the filter. */
int kw_prefilter_use_now(struct kw_prefilter_use *u);
/* Note what the filter said of an article it read. */
void kw_prefilter_use_note(struct kw_prefilter_use *u, int through);

#endif
