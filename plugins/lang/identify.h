/*
 * The lang plugin's decision: which language a text is in, or why it
 * cannot tell.  Pure C over cld2_wrap.h, so unit tests and the bench drive
 * it without a daemon.
 */
#ifndef LANG_IDENTIFY_H
#define LANG_IDENTIFY_H

#include <stddef.h>

#include "cld2_wrap.h"

struct lang_opts {
    size_t min_chars;       /* fewer letters than this: LANG_SHORT */
    double min_confidence;  /* top language's share below this: LANG_MIXED */
    size_t max_bytes;       /* only the first max_bytes of the text are read */
    size_t first_look;      /* a look at this many bytes first (0: none); see
                             * LANG_DEFAULT_FIRST_LOOK */
    const char *hint;       /* "de,en": languages CLD2 favours and the only ones
                             * accepted (else LANG_UNLISTED); NULL: any */
};

/* Defaults, measured on the evaluation corpus (tests/eval/eval_lang.py;
 * docs/plugins.md has the figures). */
#define LANG_DEFAULT_MIN_CHARS 30
#define LANG_DEFAULT_MIN_CONFIDENCE 0.6
#define LANG_DEFAULT_MAX_BYTES 512

/* Bytes of scored text (CLD2's text_bytes: letters and the spaces between
 * words, UTF-8) from which CLD2's share is taken at its word.  Below, CLD2
 * still reports 95-98 % for one language but is wrong more often (0.7 % of
 * the corpus's 80-character snippets: German ones with English names read
 * as English), so the confidence shrinks with the text:
 * share * text_bytes / LANG_FULL_EVIDENCE_BYTES.  Bytes rather than
 * letters, because a Hangul or Han character (3 bytes) says more than a
 * Latin letter. */
#define LANG_FULL_EVIDENCE_BYTES 200

/* lang_identify() first looks at first_look bytes; when CLD2 finds one
 * language reliably in at least LANG_FIRST_LOOK_PERCENT of them (and at
 * least LANG_FULL_EVIDENCE_BYTES of scored text), that is the answer,
 * else it reads up to max_bytes.  CLD2's time grows with the text: on the
 * corpus the answers are those of a full look (tests/eval/eval_lang.py)
 * for about two thirds of its time.  The price: text that changes
 * language after a clear first look is not seen as mixed. */
#define LANG_DEFAULT_FIRST_LOOK 256
#define LANG_FIRST_LOOK_PERCENT 95

enum lang_verdict {
    LANG_FOUND,      /* code holds the language, confidence its share */
    LANG_SHORT,      /* too few letters to tell */
    LANG_MIXED,      /* no language holds min_confidence of the text */
    LANG_UNCERTAIN,  /* CLD2 found no language, or calls its guess unreliable */
    LANG_UNLISTED,   /* the language is not one of opts->hint */
};

struct lang_guess {
    enum lang_verdict verdict;
    char code[LANG_CODE_MAX];  /* "" unless LANG_FOUND (LANG_MIXED, LANG_UNCERTAIN,
                                * LANG_UNLISTED: the best guess, for logs, in best) */
    char best[LANG_CODE_MAX];  /* CLD2's top language, "" when none */
    double share;              /* best's share of the text, 0..1 */
    double confidence;         /* share, scaled down for short text (see above) */
    size_t letters;            /* letters counted in the text read */
    size_t text_bytes;         /* bytes CLD2 scored */
};

/* Identify the first opts->max_bytes of text (cut back to a character
 * boundary).  Returns 0, or -1 for NULL arguments, text (of what is read)
 * that is not valid UTF-8 or holds a NUL byte, or a failure of CLD2 (out of
 * memory).  Uses newsd_utf8_valid(): the daemon provides it to the plugin,
 * libnewsd_core to tests and the bench. */
int lang_identify(const struct lang_opts *o, const char *text, size_t len, struct lang_guess *out);

/* One word for a verdict: "found", "short", "mixed", "uncertain",
 * "unlisted". */
const char *lang_verdict_name(enum lang_verdict v);

/* Letters in len bytes of UTF-8: ASCII letters and every character beyond
 * ASCII except spaces, punctuation and symbols of the Latin-1, General
 * Punctuation and CJK punctuation blocks.  A rough count, good enough to
 * tell a headline fragment from a sentence. */
size_t lang_count_letters(const char *s, size_t len);

/* The text the plugin identifies: title, blank line, body, as the text
 * layer joins them, but no more than max + 4 bytes (lang_identify() then
 * cuts at a character boundary at max; the title comes first: it is the
 * densest text).  A title the parser derived from the body's first
 * sentence (the body starts with it) is not read twice.  Returns a
 * malloc'd, NUL-terminated buffer and its length in *len, or NULL when out
 * of memory. */
char *lang_article_text(const char *title, const char *body, size_t max, size_t *len);

/* The code a lang field given by the source stands for: its primary
 * subtag ("pt-BR" -> "pt"), lower case, as lang_cld2_detect() writes it
 * ("iw" -> "he"; a code CLD2 does not know stays as given).  Returns 1
 * when that is a language code (2 or 3 ASCII letters), else 0 ("German",
 * "deutsch") with out "". */
int lang_given_code(const char *lang, char out[LANG_CODE_MAX]);

#endif
