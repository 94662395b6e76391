/*
 * Plain-text articles: find the headline, cut the site's footer, normalise
 * white space.
 *
 * Scraped text has no markup to say what the title is, so this is a set of
 * heuristics, tuned on three kinds of input:
 *   - "headline, blank line, body" (BBC, most scrapers);
 *   - one long line, lead sentence first, no headline at all (10kGNAD);
 *   - scraper noise around the article: a stray "0" before the headline,
 *     a comment form ("Hinterlasse eine Antwort", "Leave a Reply") after it.
 *
 * When in doubt the text is taken as having no headline: the title is then
 * its first sentence and the body keeps everything, so a wrong guess costs
 * nothing from the body.  The order of work:
 *   1. normalise white space (lines trimmed, one blank line per break);
 *   2. skip leading junk lines (fewer than two letters);
 *   3. take the first line as headline if it looks like one;
 *   4. otherwise derive the title from the first sentence;
 *   5. cut trailing boilerplate paragraphs from the body.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "parse_internal.h"
#include "text.h"

/* A headline standing as its own paragraph can be this long. */
#define HEADLINE_MAX 250
/* A headline glued to the next line must be shorter than that. */
#define GLUED_HEADLINE_MAX 200
/* Footer paragraphs are short, and a whole footer is not much text. */
#define FOOTER_PARA_MAX 300
#define FOOTER_TEXT_MAX 600
/* A paragraph this long that ends like a sentence is article text. */
#define PROSE_MIN 100
/* A derived title too long for PARSE_DERIVED_TITLE_MAX is cut at a dash or
 * colon rather than mid-phrase if that leaves at least this much. */
#define TITLE_CUT_MIN 40
/* Hard-wrapped paragraphs: every line but the last in this range. */
#define WRAP_MIN 40
#define WRAP_MAX 100
/* One-word paragraphs skipped in the search for the headline. */
#define MAX_LABELS 2

/* Text that opens the boilerplate after an article: comment forms, share
 * bars, copyright lines.  Matched case-insensitively (Unicode case folding)
 * anywhere in a short paragraph near the end. */
static const char *const footer_markers[] = {
    "Hinterlasse eine Antwort",
    "Hinterlasse einen Kommentar",
    "Deine E-Mail-Adresse wird nicht veröffentlicht",
    "Deine Email-Adresse",
    "Kommentar verfassen",
    "Leave a Reply",
    "Leave a comment",
    "Your email address will not be published",
    "Share this:",
    "Teilen mit:",
    "Like this:",
    "Gefällt mir:",
    "Related posts",
    "Ähnliche Beiträge",
    "All rights reserved",
    "Alle Rechte vorbehalten",
    "Copyright ©",
    "Cookie",
    "Newsletter abonnieren",
    "Subscribe to our newsletter",
};

/* Words that end with a full stop without ending the sentence.  Compared
 * without the stop, as written here, capitalised ("Vgl.") or in capitals
 * ("ST. JOSEPH"), so that "ill." and "dir." still end sentences. */
static const char *const abbreviations[] = {
    /* titles and forms of address */
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Jr", "Sr", "St", "Hr", "Hrn", "Fr",
    "Mag", "Ing", "Dipl", "Univ", "Rev", "Gov", "Sen", "Rep", "Lt",
    "Col", "Capt", "Sgt",
    /* companies */
    "Co", "Corp", "Inc", "Ltd", "Bros",
    /* numbers, measures, references */
    "No", "Nr", "Nos", "ca", "Mio", "Mrd", "Bd", "Abs", "Tel", "Str", "vs",
    "bzw", "vgl", "ggf", "inkl", "evtl", "sog", "bspw", "usw", "Jh",
    /* US states in AP datelines: "HAYWARD, Calif. -- " */
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill",
    "Ind", "Kan", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo",
    "Mont", "Neb", "Nev", "Okla", "Ore", "Pa", "Tenn", "Tex", "Va", "Vt",
    "Wash", "Wis", "Wyo",
    /* months, as in "3. Feb. 2016" */
    "Jan", "Feb", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Okt", "Oct",
    "Nov", "Dez", "Dec",
};

/* ---- code points ------------------------------------------------------ */

/* Decodes one code point of valid UTF-8; returns its length in bytes. */
static size_t next_cp(const char *s, int32_t *cp)
{
    if ((unsigned char)*s < 0x80) {   /* ASCII: most of an article */
        *cp = (unsigned char)*s;
        return 1;
    }
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, cp);
    if (n < 1) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)n;
}

/* The code point that ends just before s + end. */
static int32_t prev_cp(const char *s, size_t end, size_t *start)
{
    size_t i = end;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0)
        i--;
    int32_t cp;
    next_cp(s + i, &cp);
    if (start)
        *start = i;
    return cp;
}

static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* Byte length of the first max_chars characters of s[0..len). */
static size_t chars_to_bytes(const char *s, size_t len, size_t max_chars)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (n == max_chars)
                return i;
            n++;
        }
    }
    return len;
}

static int is_letter(int32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static int is_lower(int32_t cp)
{
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z';
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

static size_t count_letters(const char *s, size_t len, size_t enough)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < enough;) {
        int32_t cp;
        i += next_cp(s + i, &cp);
        if (is_letter(cp))
            n++;
    }
    return n;
}

/* Quotes and brackets that may close a sentence after its full stop. */
static int is_closing(int32_t cp)
{
    return cp == '"' || cp == '\'' || cp == ')' || cp == ']' ||
           cp == 0x00BB || cp == 0x00AB || cp == 0x201C || cp == 0x201D ||
           cp == 0x2018 || cp == 0x2019;
}

static int is_bullet(int32_t cp)
{
    return cp == 0x2022 || cp == 0x00B7 || cp == 0x25AA || cp == 0x2023 ||
           cp == 0x25E6 || cp == 0x25CF || cp == '-' || cp == '*' ||
           cp == 0x2013 || cp == 0x2014;
}

static int starts_with_bullet(const char *s, size_t len)
{
    if (len < 2)
        return 0;
    int32_t cp;
    size_t n = next_cp(s, &cp);
    return is_bullet(cp) && n < len && s[n] == ' ';
}

/* ---- white space ------------------------------------------------------ */

/* What a code point is to normalise(). */
enum ws_class { WS_TEXT, WS_BREAK, WS_PARAGRAPH, WS_SPACE, WS_DROP };

static enum ws_class ws_class_of(int32_t cp)
{
    /* ASCII, most of any article, without a Unicode table look-up (that
     * look-up for every character was the largest cost of parsing). */
    if (cp < 0x80) {
        if (cp == '\n')
            return WS_BREAK;
        if (cp == ' ' || cp == '\t' || cp == '\f' || cp == '\v')
            return WS_SPACE;
        return cp < 0x20 || cp == 0x7F ? WS_DROP : WS_TEXT;
    }
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_ZL)
        return WS_BREAK;
    if (cat == UTF8PROC_CATEGORY_ZP)
        return WS_PARAGRAPH;
    if (cat == UTF8PROC_CATEGORY_ZS)
        return WS_SPACE;
    /* Control characters and stray BOMs carry nothing readable. */
    if (cat == UTF8PROC_CATEGORY_CC || cp == 0xFEFF || cp == 0x200B)
        return WS_DROP;
    return WS_TEXT;
}

/* Whether the eight bytes at p are printable ASCII or spaces, no space
 * beside another and none last: text that normalise() copies as it is (a
 * space between two printable characters stays one space). */
static int plain_eight(const char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t w;
    memcpy(&w, p, 8);
    if (w & highs)
        return 0;
    /* Per byte (each below 0x80, so no carry between bytes): the high
     * bit from 0x20 on, and for DEL. */
    uint64_t from_space = (w + 0x60 * ones) & highs;
    uint64_t del = (w + ones) & highs;
    uint64_t x = w ^ (0x20 * ones);
    uint64_t space = ~(((x & ~highs) + ~highs) | x) & highs;
    return from_space == highs && !del && !(space & (space << 8)) && !(space >> 56);
#else
    (void)p;
    return 0;
#endif
}

static char *normalise(const char *s, int single_line)
{
    /* Every code point maps to at most as many bytes as it had, and a
     * paragraph separator (3 bytes) to two newlines. */
    size_t len = strlen(s);
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t w = 0;
    int pending_space = 0;
    int pending_breaks = 0;
    for (size_t i = 0; s[i];) {
        int32_t cp;
        size_t n = next_cp(s + i, &cp);
        switch (ws_class_of(cp)) {
        case WS_BREAK:
            pending_breaks++;
            pending_space = 0;
            break;
        case WS_PARAGRAPH:
            pending_breaks += 2;
            pending_space = 0;
            break;
        case WS_SPACE:
            /* Spaces at the start of a line are indentation: dropped. */
            if (w > 0 && pending_breaks == 0)
                pending_space = 1;
            break;
        case WS_DROP:
            break;
        case WS_TEXT:
            if (w > 0 && pending_breaks > 0) {
                if (single_line) {
                    out[w++] = ' ';
                } else {
                    out[w++] = '\n';
                    if (pending_breaks > 1)
                        out[w++] = '\n';
                }
            } else if (pending_space) {
                out[w++] = ' ';
            }
            pending_space = 0;
            pending_breaks = 0;
            memcpy(out + w, s + i, n);
            w += n;
            /* The printable ASCII that follows is text too, and so is a
             * single space between two of its characters (what a space
             * before text becomes): copied without a look at each
             * character's class, and without leaving the loop at every
             * word's end. */
            for (;;) {
                if (len - (i + n) >= 8 && plain_eight(s + i + n)) {
                    memcpy(out + w, s + i + n, 8);
                    w += 8;
                    n += 8;
                    continue;
                }
                unsigned char c = (unsigned char)s[i + n];
                if (c == ' ') {
                    unsigned char d = (unsigned char)s[i + n + 1];
                    if (d <= ' ' || d >= 0x7F)
                        break;
                } else if (c < ' ' || c >= 0x7F) {
                    break;
                }
                out[w++] = (char)c;
                n++;
            }
            break;
        }
        i += n;
    }
    out[w] = '\0';
    return out;
}

char *parse__normalise_body(const char *s)
{
    return normalise(s, 0);
}

char *parse__normalise_line(const char *s)
{
    return normalise(s, 1);
}

char *parse__normalise_title(const char *s)
{
    char *t = normalise(s, 1);
    if (!t)
        return NULL;
    size_t len = strlen(t);
    while (len > 0 && (t[len - 1] == ':' || t[len - 1] == ' '))
        len--;
    t[len] = '\0';
    return t;
}

/* ---- lines and paragraphs (of normalised text) ------------------------ */

static size_t line_len(const char *s)
{
    const char *nl = strchr(s, '\n');
    return nl ? (size_t)(nl - s) : strlen(s);
}

static size_t para_len(const char *s)
{
    const char *end = strstr(s, "\n\n");
    return end ? (size_t)(end - s) : strlen(s);
}

/* Hard-wrapped text (lines broken at a fixed width, as in mail or old
 * feeds): several lines, none long, all but the last nearly full. */
static int para_is_wrapped(const char *p, size_t plen)
{
    size_t lines = 0;
    for (size_t i = 0; i < plen;) {
        size_t ll = line_len(p + i);
        if (ll > plen - i)
            ll = plen - i;
        size_t chars = count_chars(p + i, ll);
        int last = i + ll >= plen;
        if (chars > WRAP_MAX || (!last && chars < WRAP_MIN))
            return 0;
        lines++;
        i += ll + 1;
    }
    return lines >= 2;
}

/* Skips lines with fewer than two letters ("0", "---", "* * *", a date),
 * and the blank lines after them.  Returns s itself if no line has two. */
static const char *skip_junk_lines(const char *s)
{
    const char *p = s;
    while (*p && count_letters(p, line_len(p), 2) < 2) {
        p += line_len(p);
        while (*p == '\n')
            p++;
    }
    return *p ? p : s;
}

/* ---- sentences -------------------------------------------------------- */

static char toupper_ascii(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static int is_abbreviation(const char *w, size_t len)
{
    int capitals = 1;
    for (size_t j = 0; j < len; j++)
        if (w[j] < 'A' || w[j] > 'Z')
            capitals = 0;
    for (size_t i = 0; i < sizeof abbreviations / sizeof *abbreviations; i++) {
        const char *a = abbreviations[i];
        if (strlen(a) != len)
            continue;
        size_t j = 0;
        while (j < len && (w[j] == a[j] ||
                           ((capitals || j == 0) && w[j] == toupper_ascii(a[j]))))
            j++;
        if (j == len)
            return 1;
    }
    return 0;
}

/*
 * Whether the full stop at s[dot] ends a sentence, judged by the word it
 * ends: "3. Mai" (a number), "J. Smith", "z. B." (one letter), "U.S."
 * (inner stops) and "Mr." (a known abbreviation) do not.
 */
static int stop_ends_sentence(const char *s, size_t dot)
{
    size_t start = dot;
    while (start > 0 && s[start - 1] != ' ')
        start--;
    /* Opening quotes and brackets are not part of the word. */
    while (start < dot) {
        int32_t cp;
        size_t n = next_cp(s + start, &cp);
        if (is_letter(cp) || (cp >= '0' && cp <= '9'))
            break;
        start += n;
    }
    size_t wlen = dot - start;
    if (wlen == 0)
        return 1; /* a stop after a symbol: "um 3,7 %." */
    if (memchr(s + start, '.', wlen)) {
        /* "U.S." and "z.B." are stops between letters; "orf.at." is a
         * domain name at the end of a sentence. */
        for (size_t i = start; i < dot;) {
            size_t seg = i;
            while (i < dot && s[i] != '.')
                i++;
            if (count_letters(s + seg, i - seg, 3) > 2)
                return 1;
            i++;
        }
        return 0;
    }
    if (count_letters(s + start, wlen, 2) < 2) {
        /* Ordinals have one to three digits ("3. Mai", "100. Geburtstag");
         * a year is the end of a sentence ("im Jahr 2015. Die"). */
        size_t digits = 0;
        while (digits < wlen && s[start + digits] >= '0' &&
               s[start + digits] <= '9')
            digits++;
        return digits == wlen && digits >= 4;
    }
    return !is_abbreviation(s + start, wlen);
}

/* Chinese and Japanese full stops end a sentence with no space after. */
static int is_cjk_terminator(int32_t cp)
{
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;
}

static size_t skip_closing(const char *s, size_t j, size_t len)
{
    while (j < len) {
        int32_t cp;
        size_t n = next_cp(s + j, &cp);
        if (!is_closing(cp) && cp != 0x300D && cp != 0x300F) /* 」』 */
            break;
        j += n;
    }
    return j;
}

/*
 * Length of the first sentence of s[0..len): up to a run of '.', '!' or '?'
 * (and closing quotes) followed by a space and something that is not a
 * lower-case letter, or up to a CJK full stop.  len if there is no end.
 */
static size_t first_sentence_len(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        char c = s[i];
        if (c != '.' && c != '!' && c != '?') {
            int32_t cp;
            i += next_cp(s + i, &cp);
            if (is_cjk_terminator(cp))
                return skip_closing(s, i, len);
            continue;
        }
        size_t term = i;
        size_t j = i;
        while (j < len && (s[j] == '.' || s[j] == '!' || s[j] == '?'))
            j++;
        int single_stop = (j == i + 1 && c == '.');
        j = skip_closing(s, j, len);
        i = j;
        if (j + 1 >= len || s[j] != ' ')
            continue;
        int32_t next;
        next_cp(s + j + 1, &next);
        if (is_lower(next))
            continue;
        if (single_stop && !stop_ends_sentence(s, term))
            continue;
        return j;
    }
    return len;
}

/* ---- the title -------------------------------------------------------- */

/*
 * Shortens a title longer than PARSE_DERIVED_TITLE_MAX characters: at the
 * last dash or colon that keeps TITLE_CUT_MIN characters (such a title is
 * complete in itself), else at the last word boundary, marked with "…".
 * Takes ownership of t.
 */
static char *limit_title(char *t)
{
    size_t len = strlen(t);
    if (count_chars(t, len) <= PARSE_DERIVED_TITLE_MAX)
        return t;
    size_t room = chars_to_bytes(t, len, PARSE_DERIVED_TITLE_MAX - 1);

    static const char *const seps[] = {" \u2013 ", " \u2014 ", " - ", ": "};
    size_t best = 0;
    for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
        for (const char *p = strstr(t, seps[k]); p && (size_t)(p - t) < room;
             p = strstr(p + 1, seps[k])) {
            size_t at = (size_t)(p - t);
            if (at > best && count_chars(t, at) >= TITLE_CUT_MIN)
                best = at;
        }
    }
    if (best) {
        t[best] = '\0';
        return t;
    }

    size_t cut = room;
    while (cut > 0 && t[cut] != ' ')
        cut--;
    if (cut == 0)
        cut = room;
    while (cut > 0 && strchr(" ,;:-", t[cut - 1]))
        cut--;
    char *shorter = malloc(cut + sizeof "\u2026");
    if (shorter) {
        memcpy(shorter, t, cut);
        memcpy(shorter + cut, "\u2026", sizeof "\u2026");
    }
    free(t);
    return shorter;
}

char *parse__title_from_body(const char *body)
{
    body = skip_junk_lines(body);
    size_t plen = para_len(body);
    /* Lines of one paragraph are read as one text only when they are a
     * wrapped paragraph; otherwise a line ends the title (a bullet list,
     * a dateline under a headline). */
    size_t len = para_is_wrapped(body, plen) ? plen : line_len(body);
    char *t = malloc(len + 1);
    if (!t)
        return NULL;
    memcpy(t, body, len);
    t[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (t[i] == '\n')
            t[i] = ' ';

    size_t start = 0;
    while (starts_with_bullet(t + start, len - start)) {
        int32_t cp;
        start += next_cp(t + start, &cp) + 1;
    }
    size_t slen = first_sentence_len(t + start, len - start);
    /* A "sentence" without words ("! Neu") says nothing: take the line. */
    if (count_letters(t + start, slen, 2) < 2)
        slen = len - start;
    memmove(t, t + start, slen);
    t[slen] = '\0';

    /* A headline has no full stop; "?", "!" and "..." say something. */
    while (slen > 0 && t[slen - 1] == ' ')
        slen--;
    if (slen >= 2 && t[slen - 1] == '.' && t[slen - 2] != '.')
        slen--;
    else if (slen >= 3 && memcmp(t + slen - 3, "\u3002", 3) == 0)
        slen -= 3;
    t[slen] = '\0';
    char *title = parse__normalise_title(t);
    free(t);
    return title ? limit_title(title) : NULL;
}

/* ---- the headline ----------------------------------------------------- */

/* Punctuation after which a line goes on: it is not a headline.  Closing
 * quotes do not count: 'a "quote."' ends with a full stop. */
static int ends_open(const char *line, size_t len)
{
    int32_t cp = prev_cp(line, len, &len);
    while (len > 0 && is_closing(cp))
        cp = prev_cp(line, len, &len);
    return cp == '.' || cp == ',' || cp == ';' || cp == ':' || cp == '-' ||
           cp == 0x2013 || cp == 0x2014 || cp == 0x3002 || cp == 0xFF0C ||
           cp == 0x3001;
}

/*
 * Whether the first line of text is a headline.  Alone in its paragraph it
 * may be up to HEADLINE_MAX characters; glued to the next line (no blank
 * line between) it must be shorter, the next line must start like a
 * sentence, and the paragraph must not be hard-wrapped prose.  Either way
 * it is one sentence that does not end with a full stop, comma or colon:
 * "Kurzer Blick:" introduces a list, and a line ending in "." is a lead.
 */
static int is_headline(const char *text)
{
    size_t ll = line_len(text);
    if (text[ll] == '\0')
        return 0; /* one line and nothing else: no headline, only text */
    size_t chars = count_chars(text, ll);
    if (ends_open(text, ll) || starts_with_bullet(text, ll) ||
        first_sentence_len(text, ll) < ll)
        return 0;
    if (text[ll + 1] == '\n')
        return chars <= HEADLINE_MAX;

    size_t plen = para_len(text);
    int32_t next;
    next_cp(text + ll + 1, &next);
    return chars <= GLUED_HEADLINE_MAX && !is_lower(next) &&
           !para_is_wrapped(text, plen);
}

/* A paragraph of one word, with more text after it.  Only in scripts with
 * spaces between words: a line of Japanese has none either. */
static int is_label(const char *text)
{
    size_t ll = line_len(text);
    if (text[ll] != '\n' || text[ll + 1] != '\n' || memchr(text, ' ', ll))
        return 0;
    for (size_t i = 0; i < ll;) {
        int32_t cp;
        i += next_cp(text + i, &cp);
        utf8proc_category_t c = utf8proc_category(cp);
        if (c == UTF8PROC_CATEGORY_LO || c == UTF8PROC_CATEGORY_LM)
            return 0;
    }
    return 1;
}

/* ---- the footer ------------------------------------------------------- */

/* The markers case-folded, as the paragraphs are: folded once, not once
 * per paragraph (that was 20 mallocs an article, on workers that share
 * one malloc arena).  A marker that does not fit stays "" (none does). */
#define MARKER_ROOM 64
#define N_MARKERS (sizeof footer_markers / sizeof *footer_markers)
static char folded_markers[N_MARKERS][MARKER_ROOM];
static pthread_once_t markers_once = PTHREAD_ONCE_INIT;

static void fold_markers(void)
{
    for (size_t i = 0; i < N_MARKERS; i++) {
        size_t n = strlen(footer_markers[i]);
        if (n < MARKER_ROOM && text_casefold_fast(footer_markers[i], n, folded_markers[i]) != SIZE_MAX)
            continue;
        folded_markers[i][0] = '\0';   /* the fast path may have left part of it */
        char *f = text_casefold(footer_markers[i]);
        if (f && strlen(f) < MARKER_ROOM)
            strcpy(folded_markers[i], f);
        free(f);
    }
}

static int is_footer(const char *para, size_t len)
{
    pthread_once(&markers_once, fold_markers);
    /* A footer paragraph is short (FOOTER_PARA_MAX characters): most fold
     * on the stack. */
    char buf[FOOTER_PARA_MAX * 4 + 1];
    char *heap = NULL;
    const char *folded = buf;
    if (len >= sizeof buf || text_casefold_fast(para, len, buf) == SIZE_MAX) {
        char *copy = strndup(para, len);
        heap = copy ? text_casefold(copy) : NULL;
        free(copy);
        if (!heap)
            return 0;
        folded = heap;
    }
    int hit = 0;
    for (size_t i = 0; !hit && i < N_MARKERS; i++)
        hit = folded_markers[i][0] && strstr(folded, folded_markers[i]);
    free(heap);
    return hit;
}

/* A paragraph of sentences: long enough, and ending like a sentence. */
static int is_prose(const char *para, size_t len, size_t chars)
{
    if (chars < PROSE_MIN)
        return 0;
    int32_t cp = prev_cp(para, len, &len);
    while (len > 0 && is_closing(cp))
        cp = prev_cp(para, len, &len);
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x3002;
}

/*
 * Cuts the body before its footer.  Walking back from the last paragraph,
 * the earliest that holds a footer marker starts the footer.  The walk
 * passes only what footers are made of (short lines: "Name *", "Post
 * Comment", titles of related posts) and stops at article text: a long
 * paragraph, a paragraph of sentences without a marker, or more than
 * FOOTER_TEXT_MAX characters in all.  So a "Newsletter" box in the middle
 * of an article cannot take the paragraphs after it along.  The first
 * paragraph is never cut.
 */
static void strip_footer(char *body)
{
    size_t end = strlen(body);
    size_t total = 0;
    size_t cut = 0;
    for (;;) {
        size_t start = end;
        while (start >= 2 && !(body[start - 1] == '\n' && body[start - 2] == '\n'))
            start--;
        if (start < 2)
            break; /* the first paragraph */
        size_t chars = count_chars(body + start, end - start);
        total += chars;
        if (chars >= FOOTER_PARA_MAX || total > FOOTER_TEXT_MAX)
            break;
        if (is_footer(body + start, end - start))
            cut = start;
        else if (is_prose(body + start, end - start, chars))
            break;
        end = start - 2;
    }
    if (cut)
        body[cut - 2] = '\0';
}

/* ---- the article ------------------------------------------------------ */

int parse__text(const char *text, struct parsed_article *out, char **err)
{
    char *norm = parse__normalise_body(text);
    if (!norm)
        return parse__fail(err, "out of memory");
    if (!*norm) {
        free(norm);
        return parse__fail(err, "empty file (only white space)");
    }

    /* Scrapers leave counters, rules and bullets above the headline. */
    const char *rest = skip_junk_lines(norm);
    if (count_letters(rest, line_len(rest), 2) < 2) {
        free(norm);
        return parse__fail(err, "no text (no line has two letters)");
    }

    /* A one-word paragraph above the article ("Pittsburgh", "Anzeige",
     * "Claim") is a dateline or a label: kept in the body, never the
     * title. */
    const char *lead = rest;
    for (int k = 0; k < MAX_LABELS && is_label(lead); k++) {
        const char *next = skip_junk_lines(lead + para_len(lead) + 2);
        if (count_letters(next, line_len(next), 2) < 2)
            break;
        lead = next;
    }

    char *title = NULL;
    char *body = NULL;
    if (is_headline(lead)) {
        size_t ll = line_len(lead);
        char *line = strndup(lead, ll);
        title = line ? parse__normalise_title(line) : NULL;
        free(line);
        const char *after = lead + ll;
        while (*after == '\n')
            after++;
        size_t before = (size_t)(lead - rest);
        body = malloc(before + strlen(after) + 1);
        if (body) {
            memcpy(body, rest, before);
            strcpy(body + before, after);
            strip_footer(body);
        }
    } else {
        title = parse__title_from_body(lead);
        body = strdup(rest);
        if (body)
            strip_footer(body);
    }
    free(norm);
    if (!title || !body) {
        free(title);
        free(body);
        return parse__fail(err, "out of memory");
    }
    out->title = title;
    out->body = body;
    out->format = "text";
    return 0;
}
