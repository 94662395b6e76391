#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* getline() */
#endif
#include "lexicon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 128

/* Values in lexicon.de: a lower-case word, a noun, another capitalised
 * word (a name, or a noun whose family the list lacks).  Any capitalised
 * entry may be a compound's head ("Windparks": Parks). */
#define LEX_WORD 1
#define LEX_NOUN 2
#define LEX_CAPITALISED 3

/* Compounds: a noun of at least this many bytes after at least
 * COMPOUND_MIN_PREFIX ("Großbank": Bank). */
#define COMPOUND_MIN_HEAD 4

/* Values in lexicon.given (lexicon_given()). */
#define GIVEN_NAME LEXICON_GIVEN_NAME
#define GIVEN_WORD LEXICON_GIVEN_WORD
#define GIVEN_WORD_EN 3   /* an English word only */

void lexicon_init(struct lexicon *l)
{
    *l = (struct lexicon){0};
    fpset_init(&l->de);
    fpset_init(&l->en);
    fpset_init(&l->en_names);
    fpset_init(&l->de_names);
    fpset_init(&l->given);
}

void lexicon_free(struct lexicon *l)
{
    fpset_free(&l->de);
    fpfilter_free(&l->de_heads);
    fpset_free(&l->en);
    fpset_free(&l->en_names);
    fpset_free(&l->de_names);
    fpset_free(&l->given);
    fpfilter_free(&l->given_filter);
    *l = (struct lexicon){0};
}

size_t lexicon_fold(const char *w, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[i];
        if (o + 2 >= cap)
            return 0;
        if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c + 32);
        } else if (c == 0xC3 && i + 1 < len) {
            unsigned char d = (unsigned char)w[++i];
            if (d == 0x9F) {          /* ß */
                out[o++] = 's';
                out[o++] = 's';
            } else {
                out[o++] = (char)c;   /* À..Þ (not ×) -> à..þ */
                out[o++] = (char)(d >= 0x80 && d <= 0x9E && d != 0x97 ? d + 0x20 : d);
            }
        } else {
            out[o++] = (char)c;
        }
    }
    return o;
}

typedef int (*line_fn)(void *ctx, const char *w, size_t len);

/* each_line()'s result when the file does not open or read (else -1:
 * out of memory). */
#define EACH_LINE_IO (-2)

static int each_line(const char *path, line_fn fn, void *ctx, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return EACH_LINE_IO;
    }
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &size, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n > 0 && n < WORD_MAX)
            rc = fn(ctx, line, (size_t)n);
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        rc = EACH_LINE_IO;
    } else if (rc < 0) {
        snprintf(err, errlen, "%s: out of memory", path);
    }
    free(line);
    fclose(f);
    return rc;
}

static int is_upper_start(const char *w)
{
    unsigned char c = (unsigned char)w[0];
    return (c >= 'A' && c <= 'Z') || (c == 0xC3 && (unsigned char)w[1] >= 0x80 && (unsigned char)w[1] <= 0x9E);
}

/* Two or more letters, all capitals: an acronym (EADS), never a head. */
static int acronym(const char *w, size_t len)
{
    if (len < 2)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)w[i] >= 'a' && (unsigned char)w[i] <= 'z')
            return 0;
    return 1;
}

static int count_line(void *ctx, const char *w, size_t len)
{
    (void)w;
    (void)len;
    ++*(size_t *)ctx;
    return 0;
}

static int put_word(void *ctx, const char *w, size_t len)
{
    return fpset_put(ctx, fpset_hash(w, len), LEX_WORD);
}

static int has(const struct fpset *all, const char *w, size_t len, const char *suffix)
{
    char buf[WORD_MAX + 8];
    size_t sl = strlen(suffix);
    if (len >= sizeof buf || sl >= sizeof buf - len)
        return 0;
    memcpy(buf, w, len);
    memcpy(buf + len, suffix, sl);
    return fpset_get(all, fpset_hash(buf, len + sl)) != 0;
}

static int has_lower(const struct fpset *all, const char *w, size_t len)
{
    char buf[WORD_MAX + 8];
    size_t n = lexicon_fold(w, len, buf, sizeof buf);
    return n > 0 && fpset_get(all, fpset_hash(buf, n));
}

static const char *const plural_endings[] = {"e", "en", "n", "er", "ern", "s"};

/* A noun has a plural or case form beside it, or is one (base + ending
 * where the base has such a form); a name at most has a genitive -s. */
static int noun_family(const struct fpset *all, const char *w, size_t len)
{
    for (size_t i = 0; i < 4; i++)
        if (has(all, w, len, plural_endings[i]))
            return 1;
    return has_lower(all, w, len);
}

static int is_noun(const struct fpset *all, const char *w, size_t len)
{
    if (noun_family(all, w, len))
        return 1;
    for (size_t i = 0; i < sizeof plural_endings / sizeof *plural_endings; i++) {
        size_t sl = strlen(plural_endings[i]);
        if (len > sl + 2 && memcmp(w + len - sl, plural_endings[i], sl) == 0 &&
            fpset_get(all, fpset_hash(w, len - sl)) && noun_family(all, w, len - sl))
            return 1;
    }
    return 0;
}

struct de_load {
    struct fpset *all;  /* every word of the list, as it is written */
    struct fpset *de;
    struct fpset *names;   /* put_de_name()'s */
    int stem;           /* the word is a Hunspell stem (dic_line()) */
    size_t stems_put;   /* the stems that added a word or made one a noun */
};

/* Words that fold alike ("Arm", "arm") share an entry: a noun or a
 * lower-case word wins over a capitalised word without a noun's family,
 * and of a noun and a lower-case word the noun (it may end a compound:
 * "Fangarm"). */
/* The hash of w folded as the text layer folds words; 0 when w is an
 * acronym or folds to nothing (a word put_de() and put_de_name() skip). */
static uint64_t folded_hash(const char *w, size_t len)
{
    if (acronym(w, len))
        return 0;
    char buf[WORD_MAX + 8];
    size_t n = lexicon_fold(w, len, buf, sizeof buf);
    return n ? fpset_hash(buf, n) : 0;
}

static int put_de(void *ctx, const char *w, size_t len)
{
    struct de_load *d = ctx;
    uint64_t h = folded_hash(w, len);
    if (!h)
        return 0;
    unsigned old = fpset_get(d->de, h);
    if (old == LEX_NOUN)
        return 0;
    /* A Hunspell stem of the shortest heads' length is no noun by its
     * family: "Heim", which ngerman lacks beside "Heime", would make a
     * noun of every town in -heim (a capitalised word heads a compound
     * only when longer).  "Kraft" is one ("Putzkraft"). */
    unsigned kind = !is_upper_start(w) ? LEX_WORD
                    : (!d->stem || len > COMPOUND_MIN_HEAD) && is_noun(d->all, w, len) ? LEX_NOUN
                                                                                       : LEX_CAPITALISED;
    /* A lower-case word whose capitalised form has a noun's family is
     * that noun too: the list has "dienst" (of "dienen") and "Dienste",
     * "Diensten", but not "Dienst", the head of "Messengerdienst".  Kept
     * as a capitalised word's entry, a head only when longer than the
     * shortest: "lach" (Lache) would make "Gerlach" a noun. */
    if (kind == LEX_WORD && len > COMPOUND_MIN_HEAD && len < WORD_MAX && (unsigned char)w[0] >= 'a' &&
        (unsigned char)w[0] <= 'z') {
        char cap[WORD_MAX];
        memcpy(cap, w, len);
        cap[0] = (char)(cap[0] - 'a' + 'A');
        /* Its plural or dative forms, not the word itself (it folds to
         * w); two look-ups of a cold table per word of 237,000 cost
         * ~40 ms of the plugin's start. */
        if (has(d->all, cap, len, "e") || has(d->all, cap, len, "en"))
            kind = LEX_CAPITALISED;
        /* Or a plural in -e of a noun the list has only in the singular:
         * "punkte" (of "punkten") beside "Punkt" and "Punktes", not
         * "Punkte", the head of "Befestigungspunkte".  Not -en: "hausen"
         * beside "Haus" would make a noun of every town and surname in
         * -hausen. */
        else if (len >= 6 && w[len - 1] == 'e' && fpset_get(d->all, fpset_hash(cap, len - 1)) &&
                 (has(d->all, cap, len - 1, "es") || noun_family(d->all, cap, len - 1)))
            kind = LEX_CAPITALISED;
    }
    if (old == 0 || (old == LEX_CAPITALISED && kind != LEX_CAPITALISED) || (old == LEX_WORD && kind == LEX_NOUN)) {
        d->stems_put += d->stem;
        return fpset_put(d->de, h, kind);
    }
    return 0;
}

/* A line of a Hunspell dictionary (.dic), "Stem/FLAGS", handed on to fn
 * when it is a capitalised stem that is a word by itself: ngerman is
 * expanded from the same source (igerman98) but leaves out stems flagged
 * only for compounds, among them plain nouns ("Kraft", "Stelle",
 * "Klage"), the heads of "Putzkraft", "Anlaufstelle", "Privatklage".  Not
 * the first line (the count) nor the header's (indented): they begin
 * with no capital; not a stem that needs an affix to be a word
 * ("Rettungs", flag h) or a forbidden one (d); not one with no flag but
 * the genitive's (S) or none, a name ("Brecht/S", "Moser/S", "Google")
 * or an acronym; not an abbreviation, nor a lower-case stem (ngerman has
 * the words). */
struct dic_lines {
    line_fn fn;
    line_fn name_fn;   /* a stem with no flag but the genitive's, or none */
    void *ctx;
};

static int dic_line(void *ctx, const char *w, size_t len)
{
    struct dic_lines *d = ctx;
    if (!is_upper_start(w))
        return 0;
    size_t n = strcspn(w, "/ \t");
    if (n > len)
        n = len;
    if (memchr(w, '.', n))
        return 0;  /* an abbreviation ("St.") is the text layer's */
    if (n == len)
        return d->name_fn(d->ctx, w, n);  /* no flags: a name or an acronym */
    if (w[n] != '/')
        return 0;  /* a morphological field */
    const char *flags = w + n + 1;
    size_t n_flags = strcspn(flags, " \t");
    if (n_flags > len - n - 1)
        n_flags = len - n - 1;
    if (strspn(flags, "S") >= n_flags)
        return d->name_fn(d->ctx, w, n);
    if (memchr(flags, 'h', n_flags) || memchr(flags, 'd', n_flags))
        return 0;
    return d->fn(d->ctx, w, n);
}

static int put_de_stem(void *ctx, const char *w, size_t len)
{
    struct de_load *d = ctx;
    d->stem = 1;
    int rc = put_de(ctx, w, len);
    d->stem = 0;
    return rc;
}

/* A stem Hunspell has as a name ("Osram/S", "Trump/S", "Google"): when
 * ngerman has it only capitalised and without a noun's family, it is a
 * name that the list happens to hold, no common noun (common_de()). */
static int put_de_name(void *ctx, const char *w, size_t len)
{
    struct de_load *d = ctx;
    /* Not a short word: "Uni/S", "Pop/S" are nouns. */
    uint64_t h = len < 4 ? 0 : folded_hash(w, len);
    return h && fpset_get(d->de, h) == LEX_CAPITALISED ? fpset_put(d->names, h, 1) : 0;
}

/* The stems of the dictionaries into the set.  One that does not open or
 * read is left out (what it gave so far stays), its cause appended to
 * skipped; out of memory is an error. */
static int put_stems(struct de_load *d, const char *const *dics, size_t n_dics, char *skipped, size_t skippedlen,
                     char *err, size_t errlen)
{
    for (size_t i = 0; i < n_dics; i++) {
        struct dic_lines lines = {put_de_stem, put_de_name, d};
        char why[512];
        int rc = each_line(dics[i], dic_line, &lines, why, sizeof why);
        if (rc == EACH_LINE_IO) {
            size_t used = strlen(skipped);
            if (used < skippedlen)
                snprintf(skipped + used, skippedlen - used, "%s%s", used ? "; " : "", why);
        } else if (rc < 0) {
            snprintf(err, errlen, "%s", why);
            return -1;
        }
    }
    return 0;
}

/* Three passes over ngerman: count its lines (so that neither set grows:
 * a growth holds two tables at once; the stems add a few thousand words,
 * which fit in the room a 3/4-full table leaves), the words as written
 * (for the nouns' families), then the folded words; then the stems. */
int lexicon_load_de(struct lexicon *l, const char *path, const char *const *dics, size_t n_dics, char *err,
                    size_t errlen)
{
    char skipped[1024] = "";
    struct fpset all;
    fpset_init(&all);
    size_t lines = 0;
    int rc = each_line(path, count_line, &lines, err, errlen);
    if (rc == 0 && (fpset_reserve(&all, lines) < 0 || fpset_reserve(&l->de, lines) < 0)) {
        snprintf(err, errlen, "%s: out of memory", path);
        rc = -1;
    }
    if (rc == 0)
        rc = each_line(path, put_word, &all, err, errlen);
    struct de_load d = {&all, &l->de, &l->de_names, 0, 0};
    if (rc == 0)
        rc = each_line(path, put_de, &d, err, errlen);
    /* The nouns' families are ngerman's forms alone (the stems are not in
     * all): a stem makes no noun of one of its words ("Heim" would make
     * one of "Heimen"). */
    if (rc == 0)
        rc = put_stems(&d, dics, n_dics, skipped, sizeof skipped, err, errlen);
    fpset_free(&all);
    if (rc == 0) {
        l->de_stems = d.stems_put;
        /* Best effort, both: without them lookups take longer. */
        fpfilter_build(&l->de_heads, &l->de, 1u << LEX_NOUN | 1u << LEX_CAPITALISED);
        fpset_freeze(&l->de);
        fpset_freeze(&l->de_names);
        snprintf(err, errlen, "%s", skipped);
    }
    if (rc < 0) {
        fpset_free(&l->de);
        fpset_free(&l->de_names);
        fpfilter_free(&l->de_heads);
    }
    l->have_de = rc == 0;
    return rc;
}

static int put_en(void *ctx, const char *w, size_t len)
{
    struct lexicon *l = ctx;
    unsigned char c = (unsigned char)w[0];
    if (len > 2 && w[len - 2] == '\'' && w[len - 1] == 's')
        return 0;
    if (c >= 'A' && c <= 'Z') {
        char buf[WORD_MAX + 8];
        size_t n = lexicon_fold(w, len, buf, sizeof buf);
        return n ? fpset_put(&l->en_names, fpset_hash(buf, n), 1) : 0;
    }
    return fpset_put(&l->en, fpset_hash(w, len), 1);
}

int lexicon_load_en(struct lexicon *l, const char *path, char *err, size_t errlen)
{
    int rc = each_line(path, put_en, l, err, errlen);
    if (rc == 0) {
        fpset_freeze(&l->en);  /* best effort: unpacked they work too */
        fpset_freeze(&l->en_names);
    }
    if (rc < 0) {
        fpset_free(&l->en);
        fpset_free(&l->en_names);
    }
    l->have_en = rc == 0;
    return rc;
}

#define COMPOUND_MIN_PREFIX 3

/* Endings that make a German noun of any stem ("Zynismus",
 * "Handelsministeriums"): derivational suffixes no name has. */
#define ENDING(s) {s, sizeof(s) - 1}
static const struct {
    const char *s;
    size_t len;
} noun_endings[] = {
    ENDING("ismus"), ENDING("ung"), ENDING("ungen"), ENDING("heit"), ENDING("heiten"), ENDING("keit"),
    ENDING("keiten"), ENDING("schaft"), ENDING("schaften"), ENDING("tion"), ENDING("tionen"), ENDING("tät"),
    ENDING("täten"), ENDING("nisse"), ENDING("tum"), ENDING("ium"), ENDING("iums"),
};

static int has_noun_ending(const char *norm, size_t len)
{
    /* The endings' last letters, and their shortest length plus 3: most
     * words end in none and are done here, without the 17 compares. */
    if (len < 6)
        return 0;
    char last = norm[len - 1];
    if (last != 's' && last != 'g' && last != 'n' && last != 't' && last != 'm' && last != 'e')
        return 0;
    for (size_t i = 0; i < sizeof noun_endings / sizeof *noun_endings; i++) {
        size_t el = noun_endings[i].len;
        /* The last byte first: it tells most words from most endings
         * without a call. */
        if (len >= el + 3 && norm[len - 1] == noun_endings[i].s[el - 1] &&
            memcmp(norm + len - el, noun_endings[i].s, el) == 0)
            return 1;
    }
    return 0;
}

/* A feminine form in -in or -innen that ngerman lacks, of a noun it has
 * of five letters or more ("Qualifikantin": Qualifikant); not a name
 * ending so of a shorter word (Karin: Kar, Putin, Berlin). */
static int feminine_of_noun(const struct lexicon *l, const char *norm, size_t len)
{
    size_t stem;
    if (len >= 7 && memcmp(norm + len - 2, "in", 2) == 0)
        stem = len - 2;
    else if (len >= 10 && memcmp(norm + len - 5, "innen", 5) == 0)
        stem = len - 5;
    else
        return 0;
    unsigned v = fpset_get(&l->de, fpset_hash(norm, stem));
    return v == LEX_NOUN || v == LEX_CAPITALISED;
}

static int common_de(const struct lexicon *l, const char *norm, size_t len, uint64_t whole)
{
    /* A hash from lexicon_prefetch() says the word has no noun ending:
     * it gives none for such a word. */
    if (!whole) {
        if (has_noun_ending(norm, len))
            return 1;
        whole = fpset_hash(norm, len);
    }
    if (fpset_get(&l->en_names, whole))
        return 0;
    /* Any word of ngerman: its capitalised entries without a noun's
     * family are mostly nouns too (Stadt/Städte), but not those Hunspell
     * has as names ("Osram/S"); other names among them are the
     * gazetteer's job. */
    unsigned kind = fpset_get(&l->de, whole);
    if (kind)
        return kind != LEX_CAPITALISED || !fpset_get(&l->de_names, whole);
    if (feminine_of_noun(l, norm, len))
        return 1;
    if (len < COMPOUND_MIN_PREFIX + COMPOUND_MIN_HEAD || len > WORD_MAX)
        return 0;
    /* The heads are hashed only now: most words are listed.  Any head
     * that is a noun makes the word one, so they are asked all at once:
     * first every head's filter word is fetched, then the slots of those
     * the filter lets through, then the slots are read; the waits for
     * them overlap (one by one, a word of four heads waited four times). */
    uint64_t head[WORD_MAX];
    uint8_t head_len[WORD_MAX];
    size_t n = 0;
    for (size_t k = COMPOUND_MIN_PREFIX; k + COMPOUND_MIN_HEAD <= len; k++) {
        if (((unsigned char)norm[k] & 0xC0) == 0x80)
            continue;  /* not at a character boundary */
        head[n] = fpset_hash(norm + k, len - k);
        head_len[n] = (uint8_t)(len - k);
        fpfilter_prefetch(&l->de_heads, head[n++]);
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (!fpfilter_may_have(&l->de_heads, head[i]))
            continue;
        fpset_prefetch(&l->de, head[i]);
        head[kept] = head[i];
        head_len[kept++] = head_len[i];
    }
    for (size_t i = 0; i < kept; i++) {
        unsigned v = fpset_get(&l->de, head[i]);
        if (v == LEX_NOUN || (v == LEX_CAPITALISED && head_len[i] > COMPOUND_MIN_HEAD))
            return 1;
    }
    return 0;
}

uint64_t lexicon_prefetch(const struct lexicon *l, const char *lang, const char *norm, size_t len)
{
    if (lang && strcmp(lang, "de") == 0 && l->have_de) {
        if (len == 0 || len > WORD_MAX || has_noun_ending(norm, len))
            return 0;
        /* The whole word's slots; not the heads' filter words, which
         * common_de() asks only for the few words the list lacks: hashing
         * every head of every word to announce them cost more than the
         * waits they saved. */
        uint64_t h = fpset_hash(norm, len);
        fpset_prefetch(&l->en_names, h);
        fpset_prefetch(&l->de, h);
        return h;
    } else if (lang && strcmp(lang, "en") == 0 && l->have_en) {
        uint64_t h = fpset_hash(norm, len);
        fpset_prefetch(&l->en, h);
        return h;
    }
    return 0;
}

int lexicon_common_hashed(const struct lexicon *l, const char *lang, const char *norm, size_t len, uint64_t hash)
{
    if (lang && strcmp(lang, "de") == 0)
        return common_de(l, norm, len, hash);
    if (lang && strcmp(lang, "en") == 0)
        return fpset_get(&l->en, hash ? hash : fpset_hash(norm, len)) != 0;
    return 0;
}

int lexicon_en_proper(const struct lexicon *l, const char *norm, size_t len)
{
    if (!l->have_en)
        return 0;
    uint64_t h = fpset_hash(norm, len);
    return fpset_get(&l->en_names, h) && !fpset_get(&l->en, h);
}

int lexicon_de_listed(const struct lexicon *l, const char *norm, size_t len)
{
    return l->have_de && fpset_get(&l->de, fpset_hash(norm, len)) != 0;
}

int lexicon_common(const struct lexicon *l, const char *lang, const char *norm, size_t len)
{
    return lexicon_common_hashed(l, lang, norm, len, 0);
}

/* The mark after a name's tab: "word", then "en" or nothing, apart by
 * blanks; anything else marks nothing. */
static unsigned given_mark(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (end - s < 4 || memcmp(s, "word", 4) != 0)
        return GIVEN_NAME;
    s += 4;
    if (s < end && *s != ' ' && *s != '\t')
        return GIVEN_NAME;   /* "wordy" */
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s == end)
        return GIVEN_WORD;
    if (end - s >= 2 && memcmp(s, "en", 2) == 0) {
        const char *r = s + 2;
        while (r < end && (*r == ' ' || *r == '\t'))
            r++;
        if (r == end)
            return GIVEN_WORD_EN;
    }
    return GIVEN_WORD;   /* a mark this version does not know: a word anywhere */
}

/* A line of the given names' list: a name, folded here as the text layer
 * folds these letters (the bundled list is folded already), then a tab and
 * its mark (given_mark()); or a comment. */
static int put_given(void *ctx, const char *w, size_t len)
{
    const char *end = w + len;
    const char *tab = memchr(w, '\t', len);
    size_t n = tab ? (size_t)(tab - w) : len;
    while (n > 0 && *w == ' ') {
        w++;
        n--;
    }
    while (n > 0 && w[n - 1] == ' ')
        n--;
    if (n == 0 || w[0] == '#')
        return 0;
    char buf[WORD_MAX + 8];
    size_t folded = lexicon_fold(w, n, buf, sizeof buf);
    if (folded == 0)
        return 0;
    return fpset_put(ctx, fpset_hash(buf, folded), tab ? given_mark(tab + 1, end) : GIVEN_NAME);
}

int lexicon_load_given(struct lexicon *l, const char *path, char *err, size_t errlen)
{
    size_t lines = 0;
    int rc = each_line(path, count_line, &lines, err, errlen);
    if (rc == 0 && fpset_reserve(&l->given, lines) < 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        rc = -1;
    }
    if (rc == 0)
        rc = each_line(path, put_given, &l->given, err, errlen);
    if (rc == 0 && l->given.count == 0) {
        snprintf(err, errlen, "%s: no names in it", path);
        rc = -1;
    }
    if (rc == 0) {
        /* Best effort, both: without the filter every word asks the set,
         * and unpacked the set works too. */
        fpfilter_build(&l->given_filter, &l->given, 1u << GIVEN_NAME | 1u << GIVEN_WORD | 1u << GIVEN_WORD_EN);
        fpset_freeze(&l->given);
    } else {
        fpset_free(&l->given);
    }
    l->have_given = rc == 0;
    return rc;
}

int lexicon_given(const struct lexicon *l, const char *lang, const char *norm, size_t len)
{
    if (!l->have_given || len == 0 || len > WORD_MAX)
        return 0;
    uint64_t h = fpset_hash(norm, len);
    unsigned v = fpfilter_may_have(&l->given_filter, h) ? fpset_get(&l->given, h) : 0;
    /* Two given names joined by a hyphen are one ("Karl-Markus",
     * "Jean-Julien"); one that is also a word when both parts are
     * ("April-August"). */
    const char *dash = v == 0 ? memchr(norm, '-', len) : NULL;
    if (dash) {
        size_t head = (size_t)(dash - norm);
        int a = 0, b = 0;
        if (head >= 2 && len - head - 1 >= 2 && !memchr(dash + 1, '-', len - head - 1) &&
            (a = lexicon_given(l, lang, norm, head)) && (b = lexicon_given(l, lang, dash + 1, len - head - 1)))
            return a == GIVEN_WORD && b == GIVEN_WORD ? GIVEN_WORD : GIVEN_NAME;
    }
    if (v == GIVEN_WORD_EN)
        return lang && strcmp(lang, "de") == 0 ? GIVEN_NAME : GIVEN_WORD;
    return (int)v;
}
