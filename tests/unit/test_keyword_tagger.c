/* Unit tests for keyword_tagger's parts (plugins/keyword_tagger/): the
 * word list with its weights, and the one-pass matcher over the text
 * layer's tokens (entities' automaton). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "../../plugins/entities/tokens_analysis.h"
#include "../../plugins/keyword_tagger/kw_match.h"
#include "../../plugins/keyword_tagger/kw_prefilter.h"
#include "../../plugins/keyword_tagger/kw_words.h"

/* ---- the word list ------------------------------------------------------ */

static void expect_word(const struct kw_words *l, size_t i, const char *text, double weight)
{
    assert_true(i < l->n);
    assert_string_equal(l->v[i].text, text);
    assert_true(l->v[i].weight == weight);
}

static int add(struct kw_words *l, const char *item, int weighted, char *err, size_t errlen)
{
    return kw_words_add(l, item, strlen(item), weighted, err, errlen);
}

static void test_words_weights(void **state)
{
    (void)state;
    struct kw_words l = {0};
    char err[300];
    static const char *const items[] = {"KI-Chip 2", " AI chip\t2 ", "Halbleiter", "semiconductor 1.5",
                                        "Windows 11 1", "Kartoffelchip -0.5", "iPhone 15 Pro", "C#", "",
                                        "KI-Chip 2", "x .5", "y +3e2"};
    for (size_t i = 0; i < sizeof items / sizeof *items; i++)
        assert_int_equal(add(&l, items[i], 1, err, sizeof err), 0);
    assert_int_equal(l.n, 10);
    expect_word(&l, 0, "KI-Chip", 2);
    expect_word(&l, 1, "AI chip", 2);
    expect_word(&l, 2, "Halbleiter", 1);
    expect_word(&l, 3, "semiconductor", 1.5);
    expect_word(&l, 4, "Windows 11", 1);
    expect_word(&l, 5, "Kartoffelchip", -0.5);
    expect_word(&l, 6, "iPhone 15 Pro", 1);
    expect_word(&l, 7, "C#", 1);
    expect_word(&l, 8, "x", 0.5);
    expect_word(&l, 9, "y", 300);
    kw_words_free(&l);

    /* Without weights a number is part of the word, as it always was. */
    assert_int_equal(add(&l, "Windows 11", 0, err, sizeof err), 0);
    assert_int_equal(add(&l, "2,5", 0, err, sizeof err), 0);
    assert_int_equal(add(&l, "Windows 11", 0, err, sizeof err), 0);
    assert_int_equal(l.n, 2);
    expect_word(&l, 0, "Windows 11", 1);
    expect_word(&l, 1, "2,5", 1);
    kw_words_free(&l);
}

static void test_words_broken_weights(void **state)
{
    (void)state;
    static const struct {
        const char *item, *want;
    } bad[] = {
        {"KI-Chip 2x", "'KI-Chip 2x': the weight '2x' is not a number"},
        {"KI-Chip 0", "the weight 0 is 0"},
        {"KI-Chip 1e400", "'1e400' is not a number"},
        {"KI-Chip -2000", "too large"},
        {"KI-Chip 1.5.2", "not a number"},
        {"5", "'5' is a weight without a word (a decimal comma? write 2.5)"},
        {"-1", "weight without a word"},
    };
    char err[300];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct kw_words l = {0};
        err[0] = '\0';
        assert_int_equal(add(&l, bad[i].item, 1, err, sizeof err), -1);
        if (!strstr(err, bad[i].want))
            fail_msg("%s: got '%s', want '%s'", bad[i].item, err, bad[i].want);
        assert_int_equal(l.n, 0);
        kw_words_free(&l);
    }
    /* The same word with two weights. */
    struct kw_words l = {0};
    assert_int_equal(add(&l, "KI-Chip 2", 1, err, sizeof err), 0);
    assert_int_equal(add(&l, "KI-Chip 3", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "'KI-Chip' is listed twice, with weights 2 and 3"));
    kw_words_free(&l);
}

/* ---- the matcher --------------------------------------------------------- */

static void toks_of(const char *text, newsd_analysis **an, struct ent_toks *t)
{
    *an = newsd_analysis_new(text, strlen(text), NULL);
    assert_non_null(*an);
    *t = (struct ent_toks){0};
    assert_int_equal(tokens_from_analysis(*an, t), 0);
}

/* The prefilter of the matcher last built: every run() checks that a
 * text in which the matcher finds a word passes it, so that each matcher
 * test below is also one of the prefilter's. */
static struct kw_prefilter last_prefilter;

static void build(struct kw_matcher *m, const char *const *words, size_t n, int compounds, int sensitive)
{
    kw_prefilter_free(&last_prefilter);
    assert_int_equal(kw_prefilter_init(&last_prefilter), 0);
    assert_int_equal(kw_matcher_init(m, compounds, sensitive), 0);
    for (size_t i = 0; i < n; i++) {
        newsd_analysis *an;
        struct ent_toks t;
        toks_of(words[i], &an, &t);
        assert_true(kw_matcher_add(m, &t, (uint32_t)i) >= 0);
        assert_int_equal(kw_prefilter_add(&last_prefilter, &t, sensitive), 0);
        toks_free(&t);
        newsd_analysis_free(an);
    }
    assert_int_equal(kw_matcher_build(m), 0);
    assert_int_equal(kw_prefilter_build(&last_prefilter), 0);
}

/* The words found in text, as "i,j,k" in word order. */
static char *run(const struct kw_matcher *m, const char *text)
{
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), NULL);
    assert_non_null(an);
    struct kw_found f = {0};
    assert_int_equal(kw_matcher_run(m, an, 0, &f), 0);
    if (f.n && !kw_prefilter_may_match(&last_prefilter, text, strlen(text)))
        fail_msg("the prefilter turns away \"%s\", in which the matcher finds words", text);
    size_t n = m->n_words;
    char *seen = calloc(n + 1, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < f.n; i++) {
        assert_true(f.v[i] < n);
        assert_int_equal(seen[f.v[i]], 0);   /* each word once */
        seen[f.v[i]] = 1;
    }
    static char out[4096];
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (seen[i])
            snprintf(out + strlen(out), sizeof out - strlen(out), "%s%zu", out[0] ? "," : "", i);
    free(seen);
    kw_found_free(&f);
    newsd_analysis_free(an);
    return out;
}

#define N(a) (sizeof(a) / sizeof *(a))

static void test_match_word_boundaries(void **state)
{
    (void)state;
    static const char *const words[] = {"Intel", "KI-Chip", "AI chip", "Shanghai Biren", "C#"};
    struct kw_matcher m;
    build(&m, words, N(words), 0, 0);
    assert_string_equal(run(&m, "Die künstliche Intelligenz wächst."), "");
    assert_string_equal(run(&m, "Der Intel-Chef sprach über INTEL."), "0");
    assert_string_equal(run(&m, "Intels Zahlen"), "");
    assert_string_equal(run(&m, "Neue KI-Chips und KI-Chiphersteller."), "");
    assert_string_equal(run(&m, "Ein KI-Chip, ein ki chip."), "1");
    assert_string_equal(run(&m, "The new AI-chip is here; also an ai  chip."), "2");
    assert_string_equal(run(&m, "Firms like Shanghai Biren and C# coders."), "3,4");
    /* A phrase does not run across a sentence end. */
    assert_string_equal(run(&m, "They said AI. Chip makers agree. Shanghai. Biren too."), "");
    assert_string_equal(run(&m, "Title about AI\n\nchip makers in the body"), "");
    kw_matcher_free(&m);
}

static void test_match_compounds(void **state)
{
    (void)state;
    static const char *const words[] = {"Intel", "KI-Chip", "Halbleiter", "Chip", "AI chip", "Huawei"};
    struct kw_matcher m;
    build(&m, words, N(words), 1, 0);
    /* The start of a word: the price of compounds, as it always was. */
    assert_string_equal(run(&m, "Die künstliche Intelligenz wächst."), "0");
    assert_string_equal(run(&m, "Chinesische KI-Chiphersteller"), "1,3");
    assert_string_equal(run(&m, "mit Halbleitern und der Halbleiterindustrie"), "2");
    assert_string_equal(run(&m, "ein Computerchip"), "3");
    assert_string_equal(run(&m, "Huaweis Umsatz"), "5");
    assert_string_equal(run(&m, "new AI chips and AI chipmakers"), "3,4");
    /* Not inside a word; the inner words of a phrase are whole. */
    assert_string_equal(run(&m, "Mikrochiphersteller"), "");
    assert_string_equal(run(&m, "the MAI chip"), "3,4");
    kw_matcher_free(&m);

    /* A phrase's first word may end a word, its last begin one. */
    static const char *const phrase[] = {"Chip Hersteller"};
    build(&m, phrase, N(phrase), 1, 0);
    assert_string_equal(run(&m, "Der KI-Chip Herstellerverband"), "0");
    assert_string_equal(run(&m, "Der Computerchip Hersteller"), "0");
    assert_string_equal(run(&m, "Der Chipsatz Hersteller"), "");
    kw_matcher_free(&m);

    /* A compound's head may carry an inflection ending of up to three
     * letters; a longer tail is another word. */
    static const char *const heads[] = {"Minister", "Film", "Minister Rede"};
    build(&m, heads, N(heads), 1, 0);
    assert_string_equal(run(&m, "Des Premierministers Worte"), "0");
    assert_string_equal(run(&m, "Die Innenministerin sprach."), "0");
    assert_string_equal(run(&m, "Mit Kinderfilmen"), "1");
    assert_string_equal(run(&m, "Das Finanzministerium"), "");
    assert_string_equal(run(&m, "Die Innenministerinnen"), "");
    assert_string_equal(run(&m, "Des Ministers Rede"), "0,2");
    kw_matcher_free(&m);

    /* An inner word is whole, even when it may begin a word elsewhere. */
    static const char *const inner[] = {"big chip maker", "chip", "maker"};
    build(&m, inner, N(inner), 1, 0);
    assert_string_equal(run(&m, "a big chips maker"), "1,2");
    assert_string_equal(run(&m, "a big chip makers"), "0,1,2");
    kw_matcher_free(&m);
}

static void test_match_case(void **state)
{
    (void)state;
    static const char *const words[] = {"schließen", "Apple", "ÄRGER"};
    struct kw_matcher m;
    build(&m, words, N(words), 0, 0);
    assert_string_equal(run(&m, "SCHLIESSEN wir, apple und ärger."), "0,1,2");
    kw_matcher_free(&m);
    build(&m, words, N(words), 0, 1);
    assert_string_equal(run(&m, "SCHLIESSEN wir, apple und ärger."), "");
    assert_string_equal(run(&m, "schließen wir, Apple und ÄRGER."), "0,1,2");
    kw_matcher_free(&m);
}

/* Words without tokens are skipped; an empty list and an empty text find
 * nothing. */
static void test_match_empty(void **state)
{
    (void)state;
    struct kw_matcher m;
    assert_int_equal(kw_matcher_init(&m, 1, 0), 0);
    newsd_analysis *an;
    struct ent_toks t;
    toks_of("   ", &an, &t);
    assert_int_equal(kw_matcher_add(&m, &t, 0), 1);
    toks_free(&t);
    newsd_analysis_free(an);
    assert_int_equal(kw_matcher_build(&m), 0);
    assert_string_equal(run(&m, "Irgendein Text."), "");
    kw_matcher_free(&m);
}

/* 10,000 words and phrases: each one planted in a text is found, with no
 * other; a text of none of them finds nothing. */
static void test_match_10000_words(void **state)
{
    (void)state;
    enum { N_WORDS = 10000 };
    char **words = calloc(N_WORDS, sizeof *words);
    assert_non_null(words);
    for (size_t i = 0; i < N_WORDS; i++) {
        words[i] = malloc(48);
        assert_non_null(words[i]);
        if (i % 3 == 0)
            snprintf(words[i], 48, "Firma%zu Holding", i);
        else if (i % 3 == 1)
            snprintf(words[i], 48, "Wortq%zux", i);
        else
            snprintf(words[i], 48, "KI-Teil%zu", i);
    }
    struct kw_matcher m;
    build(&m, (const char *const *)words, N_WORDS, 0, 0);
    char text[256], want[32];
    for (size_t i = 0; i < N_WORDS; i += 97) {
        snprintf(text, sizeof text, "Vorher steht etwas. Dann kommt %s im Satz. Danach Wortq%zuy.", words[i], i);
        snprintf(want, sizeof want, "%zu", i);
        assert_string_equal(run(&m, text), want);
    }
    assert_string_equal(run(&m, "Firma3 ohne Holding, Wortq1, KI-Teil, Holding Firma3."), "");
    /* A limit ends the pass at that many words. */
    newsd_analysis *an = newsd_analysis_new("Wortq1x, Wortq4x, KI-Teil2, Wortq7x.", 36, NULL);
    assert_non_null(an);
    struct kw_found f = {0};
    assert_int_equal(kw_matcher_run(&m, an, 2, &f), 0);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.v[0], 1);
    assert_int_equal(f.v[1], 4);
    f.n = 0;
    assert_int_equal(kw_matcher_run(&m, an, 0, &f), 0);
    assert_int_equal(f.n, 4);
    kw_found_free(&f);
    newsd_analysis_free(an);
    kw_matcher_free(&m);
    for (size_t i = 0; i < N_WORDS; i++)
        free(words[i]);
    free(words);
}


/* ---- the prefilter ------------------------------------------------------- */

/* The prefilter's fold table is every code point (not ASCII) whose case
 * folding or NFC, as utf8proc gives them, holds an ASCII letter or digit,
 * with those as the table says (other bytes as breaks). */
static void ascii_of(const utf8proc_uint8_t *s, char *out, size_t cap)
{
    size_t o = 0;
    for (; *s && o + 1 < cap; s++) {
        unsigned char c = *s;
        if (c >= 'A' && c <= 'Z')
            c |= 0x20;
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum)
            out[o++] = (char)c;
        else if (!o || out[o - 1] != '\x80')
            out[o++] = '\x80';
    }
    out[o] = '\0';
}

static void test_prefilter_fold_table(void **state)
{
    (void)state;
    size_t listed = 0;
    for (utf8proc_int32_t cp = 0x80; cp < 0x110000; cp++) {
        if (!utf8proc_codepoint_valid(cp))
            continue;
        utf8proc_uint8_t in[8];
        utf8proc_ssize_t n = utf8proc_encode_char(cp, in);
        in[n] = '\0';
        utf8proc_uint8_t *fold = NULL, *nfc = NULL;
        assert_true(utf8proc_map(in, n, &fold, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) >= 0);
        assert_true(utf8proc_map(in, n, &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE) >= 0);
        char f[64], c[64];
        ascii_of(fold, f, sizeof f);
        ascii_of(nfc, c, sizeof c);
        free(fold);
        free(nfc);
        const struct kw_prefilter_fold *e = NULL;
        for (size_t i = 0; i < kw_prefilter_n_fold; i++)
            if (kw_prefilter_fold[i].cp == (uint32_t)cp)
                e = &kw_prefilter_fold[i];
        int has = strcmp(f, "\x80") != 0 || strcmp(c, "\x80") != 0;
        if (!has) {
            if (e)
                fail_msg("U+%04X is in the fold table but folds to no ASCII letter", (unsigned)cp);
            continue;
        }
        if (!e)
            fail_msg("U+%04X folds to ASCII letters but is not in the fold table", (unsigned)cp);
        assert_string_equal(e->ascii, f);
        /* NFC's ASCII letters are the folding's. */
        if (strcmp(c, "\x80") != 0)
            assert_string_equal(c, f);
        listed++;
    }
    assert_int_equal(listed, kw_prefilter_n_fold);
    for (size_t i = 1; i < kw_prefilter_n_fold; i++)
        assert_true(kw_prefilter_fold[i - 1].cp < kw_prefilter_fold[i].cp);
}

static int may(const char *text)
{
    return kw_prefilter_may_match(&last_prefilter, text, strlen(text));
}

static void test_prefilter(void **state)
{
    (void)state;
    struct kw_matcher m;
    static const char *const words[] = {"Moore Threads", "KI-Chip", "Straße", "Börse", "Kelvin"};
    build(&m, words, N(words), 1, 0);
    assert_false(last_prefilter.off);
    assert_false(may("Ein Text ohne eines der Wörter, auch nicht Thread oder Strasbourg."));
    assert_false(may(""));
    assert_true(may("MOORE THREADS"));
    assert_true(may("threads"));               /* the literal: the matcher decides */
    assert_true(may("Computerchips"));
    assert_true(may("STRASSE"));
    assert_true(may("Straße"));
    assert_true(may("Rückkehr zur BÖRSE"));
    assert_true(may("\xE2\x84\xAA" "elvin"));  /* KELVIN SIGN folds to k */
    assert_false(may("Kelvi\xC3\xB1"));
    assert_true(may("\xEF\xAC\x81nal chip"));  /* ﬁ, and chip */
    assert_false(may("chi\xC3\x9F"));          /* chiß: "chiss" */
    /* Invalid and cut sequences are breaks, never read past the end. */
    assert_false(may("ch\xFFip \xE2\x84"));
    assert_true(kw_prefilter_may_match(&last_prefilter, "chipx", 4));
    assert_false(kw_prefilter_may_match(&last_prefilter, "chipx", 3));
    assert_string_equal(run(&m, "Die Stra\xC3\x9F" "e"), "2");
    assert_string_equal(run(&m, "Die STRASSE und \xE2\x84\xAA" "ELVIN"), "2,4");
    kw_matcher_free(&m);

    /* Case-sensitive lists filter without case: the matcher decides. */
    static const char *const sens[] = {"Apple"};
    build(&m, sens, N(sens), 0, 1);
    assert_true(may("APPLE"));
    assert_false(may("Birne"));
    assert_string_equal(run(&m, "APPLE"), "");
    kw_matcher_free(&m);

    /* A word without a run of two ASCII letters turns it off. */
    static const char *const off[] = {"Huawei", "\xE8\x8F\xAF\xE7\x82\xBA"};
    build(&m, off, N(off), 0, 0);
    assert_true(last_prefilter.off);
    assert_true(may("nothing at all"));
    assert_string_equal(run(&m, "\xE8\x8F\xAF\xE7\x82\xBA und Huawei"), "0,1");
    kw_matcher_free(&m);
    static const char *const x[] = {"x"};
    build(&m, x, N(x), 0, 0);
    assert_true(last_prefilter.off);
    kw_matcher_free(&m);

    /* A list without words lets nothing through. */
    build(&m, NULL, 0, 0, 0);
    assert_false(last_prefilter.off);
    assert_false(may("Irgendein Text."));
    kw_matcher_free(&m);
    kw_prefilter_free(&last_prefilter);
}

/* What the prefilter must answer, the slow way: the text as its ASCII
 * letters under case folding (the fold table for the rest), searched for
 * each literal. */
static int oracle(const char *text, const char *const *literals, size_t n)
{
    char folded[8192];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && o + 8 < sizeof folded;) {
        if (*p < 0x80) {
            folded[o++] = (char)((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
                                     ? (*p | (*p >= 'A' ? 0x20 : 0)) : '|');
            p++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        assert_true(k > 0);
        const char *fold = "|";
        for (size_t i = 0; i < kw_prefilter_n_fold; i++)
            if (kw_prefilter_fold[i].cp == (uint32_t)cp)
                fold = kw_prefilter_fold[i].ascii;
        for (; *fold; fold++)
            folded[o++] = (unsigned char)*fold < 0x80 ? *fold : '|';
        p += k;
    }
    folded[o] = '\0';
    for (size_t i = 0; i < n; i++)
        if (strstr(folded, literals[i]))
            return 1;
    return 0;
}

/* Long texts are read in four lanes side by side: random texts of pieces
 * that make the literals now and then, across lane cuts and beside folded
 * letters, give the oracle's answer. */
static void test_prefilter_lanes(void **state)
{
    (void)state;
    static const char *const words[] = {"KI-Chip", "Straße", "Kelvin"};
    static const char *const literals[] = {"chip", "strasse", "kelvin"};
    static const char *const pieces[] = {"chi", "p", "CH", "IP", "stra", "sse", "\xC3\x9F", "e", "\xC3\xA4", " ",
                                         ".", "\n", "\xE1\xBA\x9E", "\xEF\xAC\x81", "kel", "vin", "\xE2\x84\xAA",
                                         "x", "-", "ELV", "s", "Stra\xC3\x9F", "\xE8\x8F\xAF"};
    struct kw_matcher m;
    build(&m, words, N(words), 1, 0);
    unsigned seed = 12345;
    size_t hits = 0;
    for (int round = 0; round < 3000; round++) {
        char text[4096];
        size_t len = 0, want = 200 + (size_t)(round % 7) * 150;
        while (len < want) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = pieces[(seed >> 16) % N(pieces)];
            size_t n = strlen(piece);
            memcpy(text + len, piece, n);
            len += n;
        }
        text[len] = '\0';
        int expect = oracle(text, literals, N(literals));
        hits += (size_t)expect;
        if (kw_prefilter_may_match(&last_prefilter, text, len) != expect)
            fail_msg("round %d: the prefilter says %d, the oracle %d", round, !expect, expect);
    }
    /* Both answers came up often enough to mean something. */
    assert_true(hits > 300 && hits < 2700);
    kw_matcher_free(&m);
    kw_prefilter_free(&last_prefilter);
}

/* A filter that lets nearly everything through is read for one article in
 * KW_PREFILTER_SAMPLE only; once it turns articles away again, for all. */
static void test_prefilter_use(void **state)
{
    (void)state;
    struct kw_prefilter_use u = {0};
    size_t used = 0;
    for (int i = 0; i < 4000; i++) {
        if (kw_prefilter_use_now(&u)) {
            used++;
            kw_prefilter_use_note(&u, 1);
        }
    }
    assert_true(used < 4000 / KW_PREFILTER_SAMPLE + 2 * KW_PREFILTER_SAMPLE);
    /* The news change: the samples see articles turned away, and the
     * filter is read for every article again. */
    for (int i = 0; i < 40000; i++)
        if (kw_prefilter_use_now(&u))
            kw_prefilter_use_note(&u, i % 10 == 0);
    used = 0;
    for (int i = 0; i < 1000; i++)
        if (kw_prefilter_use_now(&u)) {
            used++;
            kw_prefilter_use_note(&u, i % 10 == 0);
        }
    assert_int_equal(used, 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_weights),
        cmocka_unit_test(test_words_broken_weights),
        cmocka_unit_test(test_match_word_boundaries),
        cmocka_unit_test(test_match_compounds),
        cmocka_unit_test(test_match_case),
        cmocka_unit_test(test_match_empty),
        cmocka_unit_test(test_match_10000_words),
        cmocka_unit_test(test_prefilter_fold_table),
        cmocka_unit_test(test_prefilter),
        cmocka_unit_test(test_prefilter_lanes),
        cmocka_unit_test(test_prefilter_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
