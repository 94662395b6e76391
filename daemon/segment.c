/*
 * Segmentation into tokens and sentences.
 *
 * One pass over the text.  A character's class comes from a table for
 * ASCII and from its Unicode general category (utf8proc) otherwise, so
 * words of any script are words.  Scripts written without spaces: each Han
 * ideograph and each Hiragana character is a token of its own (as UAX #29
 * does: a gazetteer name analysed the same way then matches as a run of
 * tokens); a run of Katakana, Thai, Lao, Khmer or Myanmar letters is one
 * token, since splitting those needs a dictionary.
 *
 * Sentence ends are decided where they are met: a run of . ! ? … ends a
 * sentence unless the next thing after spaces is a lower-case letter or
 * , ; : (an unknown abbreviation, "…" inside a sentence, „Wo?“, fragte
 * er); a blank line ends sentence and paragraph; a single line break does
 * too, unless the line looks wrapped (the next line starts with a letter
 * or digit, and in lower case or after a line of 50 bytes or more).
 */
#include "segment.h"
#include "abbrev.h"
#include "text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

enum cclass {
    CC_SPACE,
    CC_NEWLINE,
    CC_LETTER,
    CC_DIGIT,
    CC_MARK,     /* combining marks and format characters: part of the word around them */
    CC_IDEO,     /* a token per character */
    CC_OTHER,    /* punctuation and symbols: a token per character */
};

/* A line this long that ends without sentence punctuation is taken as
 * wrapped when the next one starts with a capital (German nouns). */
#define SEG_WRAPPED_LINE 50

struct seg {
    struct newsd_analysis *an;
    const unsigned char *s;
    size_t len;
    bool sentence_open;       /* the current sentence has tokens */
    bool sentence_has_word;   /* ... and a word or number (SENTENCE_START given) */
    bool paragraph_has_tokens;
    uint32_t paragraph;
    bool ordinals;            /* lang writes ordinals as "3." (de) */
};

static bool per_char_script(int32_t cp)
{
    return (cp >= 0x3040 && cp <= 0x309F) ||     /* Hiragana */
           (cp >= 0x3400 && cp <= 0x4DBF) ||     /* CJK Extension A */
           (cp >= 0x4E00 && cp <= 0x9FFF) ||     /* CJK Unified Ideographs */
           (cp >= 0xF900 && cp <= 0xFAFF) ||     /* CJK Compatibility Ideographs */
           (cp >= 0x20000 && cp <= 0x3FFFF);     /* CJK Extensions B.. */
}

static enum cclass classify(int32_t cp)
{
    if (cp < 0x80) {
        if (cp == '\n')
            return CC_NEWLINE;
        if (cp == ' ' || cp == '\t' || cp == '\v' || cp == '\f' || cp == '\r')
            return CC_SPACE;
        if (cp >= '0' && cp <= '9')
            return CC_DIGIT;
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            return CC_LETTER;
        return cp < 0x20 ? CC_SPACE : CC_OTHER;
    }
    if (per_char_script(cp))
        return CC_IDEO;
    if (cp == 0x200B || cp == 0xFEFF)   /* zero-width space, BOM: separate, show nothing */
        return CC_SPACE;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return CC_LETTER;
    case UTF8PROC_CATEGORY_ND:
        return CC_DIGIT;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:    /* soft hyphen, zero-width joiners */
        return CC_MARK;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_CC:
        return cp == 0x85 ? CC_NEWLINE : CC_SPACE;
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return CC_NEWLINE;
    default:
        return CC_OTHER;
    }
}

/* ASCII, most of the characters of most text, by table (classify()'s
 * answers, spelled out). */
static const unsigned char ascii_class[128] = {
    [0 ... '\n' - 1] = CC_SPACE, ['\n'] = CC_NEWLINE, ['\n' + 1 ... ' '] = CC_SPACE,
    ['!' ... '/'] = CC_OTHER, ['0' ... '9'] = CC_DIGIT, [':' ... '@'] = CC_OTHER,
    ['A' ... 'Z'] = CC_LETTER, ['[' ... '`'] = CC_OTHER, ['a' ... 'z'] = CC_LETTER,
    ['{' ... '~'] = CC_OTHER, [127] = CC_SPACE,
};

static inline enum cclass class_at(const struct seg *g, size_t pos, int32_t *cp, size_t *n)
{
    unsigned char b = g->s[pos];
    if (b < 0x80) {
        if (cp)
            *cp = b;
        if (n)
            *n = 1;
        return (enum cclass)ascii_class[b];
    }
    int32_t c;
    size_t k = text_next_cp(g->s + pos, &c);
    if (cp)
        *cp = c;
    if (n)
        *n = k;
    return classify(c);
}

static bool is_lower(int32_t cp)
{
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z';
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

static bool is_hyphen(int32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

static bool is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

static bool is_terminator(int32_t cp)
{
    switch (cp) {
    case '.': case '!': case '?':
    case 0x2026:                    /* … */
    case 0x203C: case 0x2047: case 0x2048: case 0x2049:   /* ‼ ⁇ ⁈ ⁉ */
    case 0x3002: case 0xFF61:       /* ideographic full stops */
    case 0xFF01: case 0xFF1F:       /* fullwidth ! ? */
    case 0x0964: case 0x0965:       /* Devanagari danda */
    case 0x061F: case 0x06D4:       /* Arabic question mark, full stop */
        return true;
    default:
        return false;
    }
}

/* What may follow a sentence's last punctuation and still belong to it:
 * closing quotes (German „…“ and »…« included) and brackets. */
static bool is_closer(int32_t cp)
{
    switch (cp) {
    case '"': case '\'': case ')': case ']': case '}':
    case 0x2019: case 0x2018: case 0x201D: case 0x201C:
    case 0x00BB: case 0x00AB: case 0x203A: case 0x2039:
        return true;
    default:
        return false;
    }
}

/* Space that may stand inside a line: not a line break. */
static size_t skip_blanks(const struct seg *g, size_t pos)
{
    while (pos < g->len) {
        size_t n;
        if (class_at(g, pos, NULL, &n) != CC_SPACE)
            break;
        pos += n;
    }
    return pos;
}

/* ---- tokens ----------------------------------------------------------- */

/* Room for one more token: the arrays double (rarely: segment_text()
 * makes room for the usual count at once). */
static __attribute__((noinline)) int grow_tokens(struct newsd_analysis *an)
{
    size_t cap = an->cap_tokens ? an->cap_tokens * 2 : 64;
    void *t = reallocarray(an->tokens, cap, sizeof *an->tokens);
    if (!t)
        return -1;
    an->tokens = t;
    an->cap_tokens = cap;
    return 0;
}

/* A new sentence, whose first token starts at offset. */
static __attribute__((noinline)) int open_sentence(struct seg *g, size_t offset)
{
    struct newsd_analysis *an = g->an;
    if (an->n_sentences == an->cap_sentences) {
        size_t cap = an->cap_sentences ? an->cap_sentences * 2 : 16;
        void *s = reallocarray(an->sentences, cap, sizeof *an->sentences);
        if (!s)
            return -1;
        an->sentences = s;
        an->cap_sentences = cap;
    }
    an->sentences[an->n_sentences++] = (struct analysis_sentence){
        .offset = offset,
        .first_token = an->n_tokens,
        .paragraph = g->paragraph,
    };
    g->sentence_open = true;
    g->sentence_has_word = false;
    g->paragraph_has_tokens = true;
    return 0;
}

/* Inline (a call per token cost more than the token's store), with the
 * rare work in the two functions above. */
static inline int push_token(struct seg *g, size_t offset, size_t length, uint32_t kind, uint32_t flags)
{
    struct newsd_analysis *an = g->an;
    if (an->n_tokens == an->cap_tokens && grow_tokens(an) < 0)
        return -1;
    if (!g->sentence_open && open_sentence(g, offset) < 0)
        return -1;
    if (kind != NEWSD_TOKEN_PUNCT && !g->sentence_has_word) {
        flags |= NEWSD_TOKEN_SENTENCE_START;
        g->sentence_has_word = true;
    }
    if (offset < an->title_len)
        flags |= NEWSD_TOKEN_TITLE;
    /* Only the fields known here: fill_strings() sets the strings, their
     * lengths and the type of every token (a compound literal stored
     * zeros in all of them first). */
    struct newsd_token *t = &an->tokens[an->n_tokens++];
    t->struct_size = sizeof(struct newsd_token);
    t->kind = kind;
    t->flags = flags;
    t->sentence = (uint32_t)(an->n_sentences - 1);
    t->offset = offset;
    t->length = length;
    return 0;
}

static void end_sentence(struct seg *g)
{
    g->sentence_open = false;
}

static void end_paragraph(struct seg *g)
{
    g->sentence_open = false;
    if (g->paragraph_has_tokens) {
        g->paragraph++;
        g->paragraph_has_tokens = false;
    }
}

/* CAPITALISED and ALL_CAPS of the word at s[0..len). */
static uint32_t case_flags(const unsigned char *s, size_t len)
{
    size_t letters = 0, lower = 0;
    bool first_seen = false, first_upper = false;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        if (s[i] < 0x80) {
            cp = s[i++];
            bool up = cp >= 'A' && cp <= 'Z', lo = cp >= 'a' && cp <= 'z';
            if (!up && !lo)
                continue;
            letters++;
            lower += lo;
            if (!first_seen) {
                first_seen = true;
                first_upper = up;
            }
            continue;
        }
        i += text_next_cp(s + i, &cp);
        utf8proc_category_t c = utf8proc_category(cp);
        if (c < UTF8PROC_CATEGORY_LU || c > UTF8PROC_CATEGORY_LO)
            continue;
        letters++;
        lower += c == UTF8PROC_CATEGORY_LL;
        if (!first_seen) {
            first_seen = true;
            first_upper = c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
        }
    }
    uint32_t f = 0;
    if (first_upper)
        f |= NEWSD_TOKEN_CAPITALISED;
    if (letters >= 2 && lower == 0)
        f |= NEWSD_TOKEN_ALL_CAPS;
    return f;
}

/* After a hyphen at the end of a word: is this a truncated compound ("KI-"
 * in "KI- und Chipherstellung", "Chip-, Software-")?  pos is past the
 * hyphen. */
static bool truncated_compound(const struct seg *g, size_t pos)
{
    if (pos >= g->len)
        return false;
    int32_t cp;
    size_t n;
    enum cclass c = class_at(g, pos, &cp, &n);
    if (cp == ',' || cp == '/')
        return true;
    if (c != CC_SPACE)
        return false;
    pos = skip_blanks(g, pos);
    return pos < g->len && class_at(g, pos, NULL, NULL) == CC_LETTER;
}

/* Are all the dot-separated parts of s[0..len) one or two letters, as in
 * "U.S", "z.B", "Ph.D", "т.е" (and not a host name such as "bbc.co.uk")? */
static bool short_parts(const unsigned char *s, size_t len)
{
    size_t part = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.')
            part = 0;
        else if ((s[i] & 0xC0) != 0x80 && ++part > 2)   /* count code points, not bytes */
            return false;
    }
    return true;
}

/* A word's trailing dot at dot (the word started at start): the end of the
 * token when the dot belongs to it (an abbreviation, an initial, a spaced
 * abbreviation such as "z. B."), else 0. */
static size_t abbreviation_end(const struct seg *g, size_t start, size_t dot, bool dotted, bool *abbr)
{
    const char *lang = g->an->lang;
    const char *w = (const char *)g->s + start;
    size_t with_dot = dot + 1 - start;
    size_t spaced = abbrev_spaced(lang, w, g->len - start);
    if (spaced) {
        *abbr = true;
        return start + spaced;
    }
    if ((dotted && short_parts(g->s + start, dot - start)) || abbrev_is(lang, w, with_dot)) {
        *abbr = true;
        return dot + 1;
    }
    size_t n;
    class_at(g, start, NULL, &n);
    if (start + n == dot && class_at(g, start, NULL, NULL) == CC_LETTER) {   /* an initial: "J." */
        *abbr = true;
        return dot + 1;
    }
    return 0;
}

/* A number's trailing dot: an ordinal ("am 3. Oktober", "der 2. große")
 * in a language that writes them so. */
static bool ordinal_dot(const struct seg *g, size_t after)
{
    if (!g->ordinals || after >= g->len || class_at(g, after, NULL, NULL) != CC_SPACE)
        return false;
    size_t p = skip_blanks(g, after);
    if (p >= g->len)
        return false;
    int32_t cp;
    if (class_at(g, p, &cp, NULL) != CC_LETTER)
        return false;
    if (is_lower(cp))
        return true;
    size_t e = p;
    while (e < g->len) {
        size_t n;
        if (class_at(g, e, NULL, &n) != CC_LETTER)
            break;
        e += n;
    }
    return abbrev_month(g->an->lang, (const char *)g->s + p, e - p);
}

/* Letters seen so far in a word, for its case flags. */
struct cases {
    size_t letters, lower;
    int first;   /* 0: no letter yet; 1: the first was upper or title case; -1: it was not */
};

static void count_case(struct cases *c, bool letter, bool upper, bool lower)
{
    if (!letter)
        return;
    c->letters++;
    c->lower += lower;
    if (!c->first)
        c->first = upper ? 1 : -1;
}

static uint32_t cases_flags(const struct cases *c)
{
    uint32_t f = 0;
    if (c->first == 1)
        f |= NEWSD_TOKEN_CAPITALISED;
    if (c->letters >= 2 && c->lower == 0)
        f |= NEWSD_TOKEN_ALL_CAPS;
    return f;
}

/* Where the run of lower-case ASCII letters from q on ends: eight bytes
 * at a time, so that a word's end is found without a branch per letter
 * (whose miss at every word's end cost more than the letters). */
static size_t lower_run_end(const unsigned char *s, size_t q, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (len - q >= 8) {
        uint64_t w;
        memcpy(&w, s + q, 8);
        /* Per byte, no carry between bytes (the low seven bits plus at
         * most 0x1F stay below 0x100): the high bit is set from 'a' on,
         * and from '{' on, and in any byte beyond ASCII. */
        uint64_t low7 = w & ~highs;
        uint64_t from_a = (low7 + (0x80 - 'a') * ones) & highs;
        uint64_t past_z = (low7 + (0x80 - 'z' - 1) * ones) & highs;
        uint64_t other = ~(from_a & ~past_z & ~(w & highs)) & highs;
        if (other)
            return q + (size_t)(__builtin_ctzll(other) >> 3);
        q += 8;
    }
#endif
    while (q < len && s[q] >= 'a' && s[q] <= 'z')
        q++;
    return q;
}

/* Letters, digits and marks from p on, counting the letters' case; returns
 * where they end.  ASCII, most of it, by table. */
static size_t scan_run(const struct seg *g, size_t p, struct cases *cs)
{
    while (p < g->len) {
        unsigned char b = g->s[p];
        if (b >= 'a' && b <= 'z') {
            /* A run of lower-case ASCII letters, most of a word's letters,
             * counted at once. */
            size_t q = lower_run_end(g->s, p + 1, g->len);
            if (!cs->first)
                cs->first = -1;
            cs->letters += q - p;
            cs->lower += q - p;
            p = q;
            continue;
        }
        if (b < 0x80) {
            unsigned char c = ascii_class[b];
            if (c == CC_LETTER)
                count_case(cs, true, b <= 'Z', b >= 'a');
            else if (c != CC_DIGIT)
                break;
            p++;
            continue;
        }
        /* The Latin-1 letters (U+00C0..U+00FF but × and ÷: "äöüß", "é"),
         * most of the rest of Western text, without utf8proc: upper case
         * up to U+00DE, lower case from U+00DF (ß). */
        if (b == 0xC3 && p + 1 < g->len) {
            int32_t cp = 0xC0 + (g->s[p + 1] & 0x3F);
            if (cp != 0xD7 && cp != 0xF7) {
                count_case(cs, true, cp <= 0xDE, cp >= 0xDF);
                p += 2;
                continue;
            }
        }
        int32_t cp;
        size_t n;
        enum cclass c = class_at(g, p, &cp, &n);
        if (c != CC_LETTER && c != CC_DIGIT && c != CC_MARK)
            break;
        if (c == CC_LETTER) {
            utf8proc_category_t cat = utf8proc_category(cp);
            count_case(cs, cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO,
                       cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT, cat == UTF8PROC_CATEGORY_LL);
        }
        p += n;
    }
    return p;
}

/* The word or number that starts at start (a letter or a digit). */
static int scan_word(struct seg *g, size_t start, size_t *end_out)
{
    size_t p = start;
    bool num = class_at(g, start, NULL, NULL) == CC_DIGIT;
    bool dotted = false, abbr = false;
    struct cases cs = {0};
    for (;;) {
        p = scan_run(g, p, &cs);
        if (p >= g->len)
            break;
        /* Most words end at a space or a line break: nothing joins there. */
        if (g->s[p] < 0x80 && ascii_class[g->s[p]] != CC_OTHER)
            break;
        int32_t cp;
        size_t n;
        class_at(g, p, &cp, &n);
        size_t next = p + n;
        enum cclass nc = next < g->len ? class_at(g, next, NULL, NULL) : CC_SPACE;
        if (is_hyphen(cp)) {
            if (nc == CC_LETTER || nc == CC_DIGIT) {
                p = next;
                continue;
            }
            if (truncated_compound(g, next))
                p = next;
            break;
        }
        if (is_apostrophe(cp) && !num && nc == CC_LETTER) {
            p = next;
            /* French and Italian elision: "l'homme" is "l'" and "homme". */
            if (abbrev_elision(g->an->lang, (const char *)g->s + start, p - start))
                break;
            continue;
        }
        if (cp == '.') {
            if (num && nc == CC_DIGIT) {
                p = next;
                continue;
            }
            if (!num && nc == CC_LETTER) {
                dotted = true;
                p = next;
                continue;
            }
            if (!num) {
                size_t e = abbreviation_end(g, start, p, dotted, &abbr);
                if (e)
                    p = e;
            } else if (ordinal_dot(g, next)) {
                p = next;
            }
            break;
        }
        if (num && (cp == ',' || cp == ':') && nc == CC_DIGIT) {
            p = next;
            continue;
        }
        if (num && (cp == '%' || cp == 0x2030 || cp == 0xB0)) {   /* 3,7%  5‰  20°C */
            p = next;
            continue;
        }
        break;
    }
    /* An abbreviation may have been taken whole past the run ("z. B."):
     * count it again (they are few). */
    uint32_t flags = abbr ? case_flags(g->s + start, p - start) : cases_flags(&cs);
    if (abbr)
        flags |= NEWSD_TOKEN_ABBREVIATION;
    *end_out = p;
    return push_token(g, start, p - start, num ? NEWSD_TOKEN_NUMBER : NEWSD_TOKEN_WORD, flags);
}

/* Punctuation from start: a run of sentence punctuation ("...", "?!") is
 * one token, anything else one character.  Ends the sentence when it
 * should. */
static int scan_punct(struct seg *g, size_t start, int32_t cp, size_t n, size_t *end_out)
{
    size_t p = start + n;
    if (!is_terminator(cp)) {
        *end_out = p;
        return push_token(g, start, n, NEWSD_TOKEN_PUNCT, 0);
    }
    while (p < g->len) {
        int32_t c;
        size_t k;
        class_at(g, p, &c, &k);
        if (!is_terminator(c))
            break;
        p += k;
    }
    if (push_token(g, start, p - start, NEWSD_TOKEN_PUNCT, 0) < 0)
        return -1;
    while (p < g->len) {   /* closing quotes and brackets stay in the sentence */
        int32_t c;
        size_t k;
        class_at(g, p, &c, &k);
        if (!is_closer(c))
            break;
        if (push_token(g, p, k, NEWSD_TOKEN_PUNCT, 0) < 0)
            return -1;
        p += k;
    }
    *end_out = p;
    size_t q = skip_blanks(g, p);
    if (q < g->len) {
        int32_t c;
        enum cclass k = class_at(g, q, &c, NULL);
        if ((k == CC_LETTER && is_lower(c)) || c == ',' || c == ';' || c == ':')
            return 0;
    }
    end_sentence(g);
    return 0;
}

/* A line break at pos: a blank line ends the paragraph; a single break
 * too, unless the line was wrapped.  *end_out is past the white space. */
static void line_break(struct seg *g, size_t pos, size_t line_start, size_t *end_out)
{
    size_t breaks = 0, p = pos;
    while (p < g->len) {
        size_t n;
        enum cclass c = class_at(g, p, NULL, &n);
        if (c == CC_NEWLINE)
            breaks++;
        else if (c != CC_SPACE)
            break;
        p += n;
    }
    *end_out = p;
    if (breaks >= 2 || p >= g->len || !g->sentence_open) {
        end_paragraph(g);
        return;
    }
    int32_t cp;
    enum cclass c = class_at(g, p, &cp, NULL);
    bool wrapped = (c == CC_LETTER || c == CC_DIGIT) && (is_lower(cp) || pos - line_start >= SEG_WRAPPED_LINE);
    if (!wrapped)
        end_paragraph(g);
}

/* Each sentence's token count and length, from where the next one starts
 * (sentences are runs of tokens, none empty): once at the end rather
 * than updated with every token. */
static void close_sentences(struct newsd_analysis *an)
{
    for (size_t i = 0; i < an->n_sentences; i++) {
        struct analysis_sentence *s = &an->sentences[i];
        size_t end = i + 1 < an->n_sentences ? an->sentences[i + 1].first_token : an->n_tokens;
        const struct newsd_token *last = &an->tokens[end - 1];
        s->n_tokens = end - s->first_token;
        s->length = last->offset + last->length - s->offset;
    }
}

int segment_text(struct newsd_analysis *an)
{
    /* News text has a token per 6 bytes or so: room for that at once, so
     * the arrays are rarely copied as they grow. */
    if (!an->tokens && an->len) {
        an->cap_tokens = an->len / 5 + 16;
        an->tokens = reallocarray(NULL, an->cap_tokens, sizeof *an->tokens);
        an->cap_sentences = an->len / 80 + 4;
        an->sentences = reallocarray(NULL, an->cap_sentences, sizeof *an->sentences);
        if (!an->tokens || !an->sentences)
            return -1;
    }
    struct seg g = {
        .an = an,
        .s = (const unsigned char *)an->text,
        .len = an->len,
        .ordinals = strcmp(an->lang, "de") == 0,
    };
    size_t pos = 0, line_start = 0;
    bool in_title = an->title_len > 0;
    while (pos < g.len) {
        if (in_title && pos >= an->title_len) {   /* the title is a sentence and paragraph of its own */
            end_paragraph(&g);
            in_title = false;
        }
        /* A space, every sixth byte or so, is passed without the switch. */
        if (g.s[pos] == ' ') {
            pos++;
            continue;
        }
        int32_t cp;
        size_t n, end = pos;
        enum cclass c = class_at(&g, pos, &cp, &n);
        int rc = 0;
        switch (c) {
        case CC_SPACE:
            end = pos + n;
            break;
        case CC_NEWLINE:
            line_break(&g, pos, line_start, &end);
            line_start = end;
            break;
        case CC_LETTER:
        case CC_DIGIT:
            rc = scan_word(&g, pos, &end);
            break;
        case CC_IDEO:
            rc = push_token(&g, pos, n, NEWSD_TOKEN_WORD, 0);
            end = pos + n;
            break;
        case CC_MARK:
        case CC_OTHER:
            rc = scan_punct(&g, pos, cp, n, &end);
            break;
        }
        if (rc < 0)
            return -1;
        pos = end;
    }
    close_sentences(an);
    return 0;
}
