/* matcher: the gazetteer's names as an Aho-Corasick automaton over tokens,
 * for one analysis language.
 *
 * Each name (canonical, aliases, localised names) is tokenised as article
 * text is, in the language of the articles it will be matched against, and
 * added as the sequence of its tokens' norms, and a name of several words
 * also as that of their stems (one word's stem collides too often: the
 * town Konz and "Konzern").  An article token steps the automaton with its norm, else its
 * stem, else (capitalised, ending in s) its norm without the s: "Chinas",
 * "Nvidias" and "Vereinigten Staaten" find China, Nvidia and Vereinigte
 * Staaten, "Huawei-Chef" finds Huawei by its first part.
 *
 * Case: a name's word written in capitals of at most three letters (US,
 * UBS, WHO) only matches a word written in capitals; any other capitalised
 * word of a name only matches a capitalised word, and not one of at most
 * three capitals unless another word of the match is in capitals too
 * ("the WHO" is no The Who, "NEW YORK" is New York); lower-case words
 * match any case.  A match never crosses a sentence end, and of overlapping
 * matches the leftmost, then the longest wins.  A sports alias (a
 * "#!sport" line's) never pushes another name out: it is kept on the very
 * words of one, beside it (resolve.h decides which counts), or where no
 * other name is.
 *
 * Languages: the languages built together (the ones named at start, or
 * those a reload builds) share one automaton: a name's norms are the same
 * in every language and most of its stems too, so each pattern is added
 * once with the set of languages it is for, and a match counts only for
 * the article's language.  Each state knows the languages whose patterns
 * lie below it, and a language's run keeps, of a state of the shared
 * automaton, the longest suffix that begins one of its own patterns: the
 * states it holds, and so what it finds, are those of an automaton of its
 * own.  Two languages cost ~1.2 times one instead of twice.  A language
 * met later gets an automaton of its own.  The matchers of one automaton
 * are freed by one thread (the snapshot's last reader). */
#ifndef ENTITIES_MATCHER_H
#define ENTITIES_MATCHER_H

#include "ac.h"
#include "gazetteer.h"
#include "tokens.h"

/* Turns text into tokens as the articles' tokens are made. */
struct ent_tokeniser {
    /* Fill out (empty on entry); *keep receives what the strings point
     * into, for release().  0, or -1 (the name is then skipped).
     * release() follows either way, with *keep as run() left it (NULL
     * when it kept nothing). */
    int (*run)(void *ctx, const char *text, size_t len, const char *lang, struct ent_toks *out, void **keep);
    void (*release)(void *keep);
    void *ctx;
};

enum ent_case { ENT_CASE_ANY, ENT_CASE_CAP, ENT_CASE_UPPER };
/* Beside the case: the name's word is written with a possessive
 * ("McDonald's"), which the article's word must have too (or be the
 * genitive "McDonalds"): "Kevin McDonald" is no McDonald's. */
#define ENT_CASE_POSSESSIVE 0x80u
/* On a pattern's first word: the pattern is an alias of a "#!adjective"
 * line (gazetteer.h), its hits marked so (ent_hit). */
#define ENT_CASE_ADJECTIVE 0x40u
/* On a pattern's first word: the pattern is a name of a "#!media" line
 * (gazetteer.h), its hits marked so (ent_hit). */
#define ENT_CASE_MEDIA 0x20u
/* On the last word of an organisation's name of two or more words, a
 * body's noun after capitalised words (matcher.c, lower_tail_may()): the
 * article may write it in lower case ("the European commission", "the
 * Labour party"), not at a sentence's start (since 0.8.21). */
#define ENT_CASE_LOWER_TAIL 0x10u
/* The bits beside the case. */
#define ENT_CASE_MARKS (ENT_CASE_POSSESSIVE | ENT_CASE_ADJECTIVE | ENT_CASE_MEDIA | ENT_CASE_LOWER_TAIL)

/* 12 bytes: tens of thousands of patterns a language.  A name is at most
 * GZ_NAME_MAX bytes, so its tokens fit in len's 8 bits; the cases of all
 * patterns (case_off's 24 bits) are a few per name. */
#define MATCHER_PATTERN_LEN_MAX 255u
#define MATCHER_CASES_MAX (1u << 24)

struct matcher_pattern {
    uint32_t entry : 31;
    uint32_t sport : 1;    /* an alias of a "#!sport" line (gazetteer.h) */
    uint32_t case_off : 24;
    uint32_t len : 8;
    uint32_t word;      /* a one-word name: its norm's symbol, which the token's norm must be */
};

/* At most this many languages share an automaton. */
#define MATCHER_LANGS_MAX 16

/* The automaton and patterns of the languages built together. */
struct matcher_core {
    struct ac ac;
    struct matcher_pattern *pat;
    /* Bit i: pattern p is one of langs[i]'s (matcher_build_langs());
     * NULL for an automaton of one language. */
    uint16_t *pat_langs;
    /* Bit i: a pattern of langs[i] ends in state s or below it (NULL
     * likewise): matcher_run() keeps a language's own states. */
    uint16_t *state_langs;
    size_t n_langs;
    size_t n_pat, pat_cap;
    uint8_t *cases;
    size_t n_cases, cases_cap;
    size_t users;          /* the matchers that share it */
};

/* One language's view of a core. */
struct matcher {
    struct matcher_core *core;
    uint16_t lang_bit;
    char lang[GZ_LANG_MAX];
    int genitives;         /* lang writes a genitive with a bare s (German) */
    /* On an automaton shared by languages: the state a symbol leads to
     * from the root in this language (step() from the root, which
     * follows state_langs[]), one read where the step took two at random
     * for each word type of an article; n_root entries, or NULL (one
     * language: the automaton's own root step). */
    uint32_t *root_state;
    size_t n_root;
};

struct ent_hit {
    uint32_t start, end;  /* token indices, end exclusive */
    uint32_t entry : 28;
    uint32_t sport : 1;   /* by an alias that counts only in a sports report */
    uint32_t adjective : 1;  /* by an alias that counts only before a person or an office */
    uint32_t genitive : 1; /* a one-word name found through a genitive s ("Deutschlands") */
    uint32_t media : 1;   /* by a name that counts only where the text names a paper */
};

struct ent_hits {
    struct ent_hit *v;
    size_t n, cap;
};

/* Build m for lang from every name of g.  0, or -1 when out of memory. */
int matcher_build(struct matcher *m, const struct gazetteer *g, const char *lang,
                  const struct ent_tokeniser *tk);
/* Build ms[i] for langs[i] (n <= MATCHER_LANGS_MAX, no language twice),
 * all on one shared automaton.  0, or -1 when out of memory (ms[] are
 * then empty). */
int matcher_build_langs(struct matcher *const *ms, const char *const *langs, size_t n, const struct gazetteer *g,
                        const struct ent_tokeniser *tk);
/* Let go of m's view; the automaton goes with the last of its matchers. */
void matcher_free(struct matcher *m);
/* The gazetteer's names in t, overlaps resolved, in text order (appended
 * to out).  0, or -1 when out of memory. */
int matcher_run(const struct matcher *m, const struct ent_toks *t, struct ent_hits *out);
void hits_free(struct ent_hits *h);
/* The entry of a one-word name whose norm is norm (len bytes), not a
 * sports alias nor one that matches only in capitals ("US"); 1 and
 * *entry, or 0 when there is none. */
int matcher_word_entry(const struct matcher *m, const char *norm, size_t len, uint32_t *entry);

#endif
