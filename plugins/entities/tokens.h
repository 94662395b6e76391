/* The tokens the matcher and the heuristics read: the text layer's tokens,
 * with each hyphenated word also split into its parts ("Huawei-Chef" gives
 * "Huawei" and "Chef"), so that a name written as the first part of a
 * compound is found.  Built from a newsd_analysis by tokens_from_analysis()
 * (tokens_analysis.c), or by hand in the unit tests. */
#ifndef ENTITIES_TOKENS_H
#define ENTITIES_TOKENS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum ent_tok_flags {
    ENT_TOK_WORD = 1u << 0,       /* a word (not a number or punctuation) */
    ENT_TOK_CAP = 1u << 1,        /* first letter upper case */
    ENT_TOK_UPPER = 1u << 2,      /* two or more letters, none lower case */
    ENT_TOK_STOP = 1u << 3,       /* a stop word of the analysis language */
    ENT_TOK_START = 1u << 4,      /* first word of its sentence */
    ENT_TOK_ABBREV = 1u << 5,     /* an abbreviation with its dots: "Co.", "U.S." */
    ENT_TOK_PART = 1u << 6,       /* a part of a hyphenated word */
    ENT_TOK_PART_LAST = 1u << 7,  /* ... its last part */
    ENT_TOK_WHOLE = 1u << 8,      /* a hyphenated word as a whole (its parts follow it) */
    ENT_TOK_NEWLINE = 1u << 9,    /* a line break stands between it and the token before */
    ENT_TOK_GLUED = 1u << 10,     /* no space between it and the token before (".DJI") */
};

/* Strings are not NUL-terminated: a part points into its word. */
struct ent_tok {
    const char *text;
    const char *norm;
    const char *stem;
    uint32_t text_len, norm_len, stem_len;
    uint32_t flags;
    uint32_t sentence;
    uint32_t type;        /* the text layer's token type; ENT_NO_TYPE for a part */
};

/* A token without a type: what is worked out for it is not kept. */
#define ENT_NO_TYPE UINT32_MAX

/* n_types: tokens with a type below it share what is worked out per
 * type (the matcher's symbols, the cue bits); 0 when the tokens carry no
 * types (made by hand). */
struct ent_toks {
    struct ent_tok *v;
    size_t n, cap;
    uint32_t n_sentences;
    uint32_t n_types;
};

/* Whether t's type may index arrays of ts->n_types entries. */
static inline int toks_typed(const struct ent_toks *ts, const struct ent_tok *t)
{
    return t->type < ts->n_types;
}

/* The bytes of the English possessive t ends in ("London's": 2,
 * "Google’s": 4), or 0: a possessive ends a name.  The text layer keeps
 * the ending in the word's text (its norm is "london"). */
static inline size_t tok_possessive(const struct ent_tok *t)
{
    size_t len = t->text_len;
    if (len > 2 && t->text[len - 2] == '\'' && t->text[len - 1] == 's')
        return 2;
    if (len > 4 && t->text[len - 1] == 's' && t->text[len - 4] == '\xE2' && t->text[len - 3] == '\x80' &&
        t->text[len - 2] == '\x99')
        return 4;
    return 0;
}

/* Whether t, between before and after (either may be NULL), is a market
 * data code rather than a name: a news agency glues a dot before it or
 * "=" after it (".DJI", ".SPX", "XAU=", "EUR="). */
static inline int tok_market_code(const struct ent_tok *before, const struct ent_tok *t,
                                  const struct ent_tok *after)
{
    return (before && (t->flags & ENT_TOK_GLUED) && before->text_len == 1 && before->text[0] == '.') ||
           (after && (after->flags & ENT_TOK_GLUED) && after->text_len == 1 && after->text[0] == '=');
}

/* Whether the len bytes at s are one of list's words (NULL-terminated). */
static inline int norm_in_list(const char *s, size_t len, const char *const *list)
{
    /* The first byte first: most words differ there, and it spares the
     * list word's strlen(). */
    if (len == 0)
        return 0;
    for (; *list; list++)
        if ((*list)[0] == s[0] && strlen(*list) == len && memcmp(*list, s, len) == 0)
            return 1;
    return 0;
}

/* Whether t's norm is one of list's words (NULL-terminated). */
static inline int tok_norm_in(const struct ent_tok *t, const char *const *list)
{
    return norm_in_list(t->norm, t->norm_len, list);
}

/* The length of the first of list's words (NULL-terminated) that t's
 * norm ends in, or 0: "Heldenplatz" ends in "platz", "Nationalteam" in
 * "team". */
static inline size_t tok_norm_ends_in(const struct ent_tok *t, const char *const *list)
{
    for (; *list; list++) {
        size_t n = strlen(*list);
        if (t->norm_len >= n && memcmp(t->norm + t->norm_len - n, *list, n) == 0)
            return n;
    }
    return 0;
}

void toks_free(struct ent_toks *t);
/* Room for n tokens in all.  0, or -1 when out of memory. */
int toks_reserve(struct ent_toks *t, size_t n);
/* Empty t, keeping its room for the next text. */
static inline void toks_clear(struct ent_toks *t)
{
    *t = (struct ent_toks){.v = t->v, .cap = t->cap};
}
/* Append a token; 0, or -1 when out of memory.  Inline: it runs for
 * every token of every article. */
static inline int toks_push(struct ent_toks *t, const struct ent_tok *tok)
{
    if (t->n == t->cap && toks_reserve(t, t->cap ? 2 * t->cap : 256) < 0)
        return -1;
    t->v[t->n++] = *tok;
    if (tok->sentence + 1 > t->n_sentences)
        t->n_sentences = tok->sentence + 1;
    return 0;
}
/* Append tok, and when it is a hyphenated word, its parts after it (the
 * whole gets ENT_TOK_WHOLE; its parts ENT_TOK_PART, and their case flags
 * from their own letters).  0, or -1 when out of memory. */
int toks_push_word(struct ent_toks *t, const struct ent_tok *tok);

#endif
