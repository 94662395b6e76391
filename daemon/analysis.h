/*
 * The text layer (ABI 1.2): an analysis is a text in NFC, its tokens and
 * its sentences.  analysis.c is the object and the newsd_analysis_* /
 * newsd_article_analysis functions; segment.c finds tokens and sentences;
 * abbrev.c knows abbreviations; stem.c and stopwords.c give stems and stop
 * words per language.
 *
 * Memory: the token and sentence arrays grow by doubling; every string
 * (token texts, norms, stems) lives in the analysis's arena, and tokens
 * with the same text share their strings.
 */
#ifndef NEWSD_ANALYSIS_H
#define NEWSD_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include <newsd/plugin.h>

#include "arena.h"

/* Room for a language code: two or three lower-case ASCII letters. */
#define ANALYSIS_LANG_MAX 4

struct analysis_sentence {
    size_t offset, length;
    size_t first_token, n_tokens;
    uint32_t paragraph;
};

struct newsd_analysis {
    char *text;                 /* malloc'd, NFC, NUL-terminated */
    size_t len;
    size_t title_len;           /* bytes of text that are the title (0: none) */
    char lang[ANALYSIS_LANG_MAX]; /* "" when none */
    /* The ABI's own structs (struct_size set), so that this array is what
     * newsd_analysis_tokens() hands out: plugins read it without a copy.
     * Strings are in the arena; tokens with the same text share them. */
    struct newsd_token *tokens;
    size_t n_tokens, cap_tokens;
    size_t n_types;             /* distinct token texts */
    struct analysis_sentence *sentences;
    size_t n_sentences, cap_sentences;
    struct arena arena;
};

/* The analysis of an article's title and body (either may be ""; the
 * text analysed is title "\n\n" body, or the body alone when there is no
 * title).  Both are valid UTF-8 in NFC, as article fields are.  NULL when
 * memory runs out. */
newsd_analysis *analysis_of_article(const char *title, const char *body, const char *lang);

/* The language code an analysis uses for a lang field: the primary
 * subtag in lower case ("de" of "de-AT" or "DE"), or "" when it is not
 * two or three ASCII letters. */
void analysis_lang_code(const char *lang, char out[ANALYSIS_LANG_MAX]);

#endif
