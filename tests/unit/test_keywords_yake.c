/*
 * The keywords plugin's scoring core (plugins/keywords/yake.c) on token
 * arrays built here: a small stand-in for the text layer splits on blanks,
 * ends a sentence at ".", marks capitals, stop words from a list and stems
 * from a table, so each test says exactly what the core sees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <newsd/plugin.h>
#include <pthread.h>

#include "../../plugins/keywords/yake.h"

static const char *const STOP[] = {"die", "der", "und", "von", "the", "of", "and", "a", "in", "us", "is", NULL};

struct doc {
    struct yake_token *tok;
    char **strings;
    size_t n, n_strings;
};

static char *keep(struct doc *d, char *s)
{
    d->strings = realloc(d->strings, (d->n_strings + 1) * sizeof *d->strings);
    assert_non_null(d->strings);
    d->strings[d->n_strings++] = s;
    return s;
}

static int is_stop_norm(const char *norm)
{
    for (size_t i = 0; STOP[i]; i++)
        if (strcmp(STOP[i], norm) == 0)
            return 1;
    return 0;
}

/* stems: pairs "norm", "stem", NULL-terminated; a norm without one is its
 * own stem.  Title words (before the first "|") get NEWSD_TOKEN_TITLE,
 * words written "^word" YAKE_TOKEN_HEADING. */
static struct doc build(const char *text, const char *const *stems)
{
    struct doc d = {0};
    char *copy = strdup(text);
    assert_non_null(copy);
    uint32_t sentence = 0;
    int start = 1, title = strchr(text, '|') != NULL;
    for (char *save = NULL, *w = strtok_r(copy, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
        if (strcmp(w, "|") == 0) {
            title = 0;
            sentence++;
            start = 1;
            continue;
        }
        uint32_t heading = 0;
        if (w[0] == '^' && w[1]) {
            heading = YAKE_TOKEN_HEADING;
            w++;
        }
        d.tok = realloc(d.tok, (d.n + 1) * sizeof *d.tok);
        assert_non_null(d.tok);
        struct yake_token *t = &d.tok[d.n++];
        char *norm = keep(&d, strdup(w));
        size_t upper = 0, letters = 0;
        for (char *p = norm; *p; p++) {
            if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
                letters++;
            if (*p >= 'A' && *p <= 'Z') {
                upper++;
                *p = (char)(*p - 'A' + 'a');
            }
        }
        t->text = keep(&d, strdup(w));
        t->norm = norm;
        t->stem = norm;
        for (size_t i = 0; stems && stems[i]; i += 2)
            if (strcmp(stems[i], norm) == 0)
                t->stem = stems[i + 1];
        t->norm_len = (uint32_t)strlen(t->norm);
        t->stem_len = (uint32_t)strlen(t->stem);
        t->sentence = sentence;
        t->flags = (title ? NEWSD_TOKEN_TITLE : 0) | heading;
        if (strcmp(w, ".") == 0 || strcmp(w, ",") == 0 || strcmp(w, "%") == 0) {
            t->kind = NEWSD_TOKEN_PUNCT;
            if (strcmp(w, ".") == 0) {
                sentence++;
                start = 1;
            }
            continue;
        }
        t->kind = (w[0] >= '0' && w[0] <= '9') ? NEWSD_TOKEN_NUMBER : NEWSD_TOKEN_WORD;
        if (t->kind == NEWSD_TOKEN_WORD && w[0] >= 'A' && w[0] <= 'Z')
            t->flags |= NEWSD_TOKEN_CAPITALISED;
        if (letters >= 2 && upper == letters)
            t->flags |= NEWSD_TOKEN_ALL_CAPS;
        if (is_stop_norm(norm))
            t->flags |= NEWSD_TOKEN_STOPWORD;
        if (start)
            t->flags |= NEWSD_TOKEN_SENTENCE_START;
        start = 0;
    }
    free(copy);
    return d;
}

static void doc_free(struct doc *d)
{
    for (size_t i = 0; i < d->n_strings; i++)
        free(d->strings[i]);
    free(d->strings);
    free(d->tok);
}

struct result {
    struct yake_keyword *kw;
    size_t n;
};

static struct result extract_opts(const char *text, const char *const *stems, struct yake_opts o)
{
    struct doc d = build(text, stems);
    struct result r;
    assert_int_equal(yake_extract(d.tok, d.n, &o, NULL, &r.kw, &r.n), 0);
    doc_free(&d);
    return r;
}

static struct result extract(const char *text, const char *const *stems, size_t max, size_t max_words)
{
    return extract_opts(text, stems, (struct yake_opts){.max = max, .max_words = max_words});
}

static long rank_of(const struct result *r, const char *text)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->kw[i].text, text) == 0)
            return (long)i;
    return -1;
}

static void check_weights(const struct result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        assert_true(r->kw[i].weight > 0 && r->kw[i].weight <= 1.0);
        if (i == 0)
            assert_true(r->kw[i].weight == 1.0);
        else
            assert_true(r->kw[i].weight <= r->kw[i - 1].weight);
    }
}

static void test_empty(void **s)
{
    (void)s;
    struct yake_opts o = {.max = 10, .max_words = 3};
    struct yake_keyword *kw = (void *)1;
    size_t n = 7;
    assert_int_equal(yake_extract(NULL, 0, &o, NULL, &kw, &n), 0);
    assert_null(kw);
    assert_int_equal(n, 0);
    /* Only stop words, numbers and punctuation: nothing to tag. */
    struct result r = extract("Die und der . 2023 , 4,6 % .", NULL, 10, 3);
    assert_int_equal(r.n, 0);
    assert_null(r.kw);
}

static void test_one_word(void **s)
{
    (void)s;
    struct result r = extract("Rentabilität", NULL, 10, 3);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.kw[0].text, "Rentabilität");
    assert_true(r.kw[0].weight == 1.0);
    yake_keywords_free(r.kw, r.n);
}

static void test_frequency(void **s)
{
    (void)s;
    /* "inflation" comes back four times; the others once, in the same
     * sentences. */
    struct result r = extract("prices rose and inflation stayed . inflation worried banks . "
                              "inflation hit savers . wages lagged inflation .", NULL, 10, 1);
    assert_true(rank_of(&r, "inflation") >= 0);
    assert_true(rank_of(&r, "inflation") < rank_of(&r, "banks"));
    assert_true(rank_of(&r, "inflation") < rank_of(&r, "savers"));
    assert_true(rank_of(&r, "inflation") < rank_of(&r, "wages"));
    check_weights(&r);
    yake_keywords_free(r.kw, r.n);
}

static void test_position(void **s)
{
    (void)s;
    /* Each word once; the earlier the sentence, the better. */
    struct result r = extract("tariffs loom . markets wait . traders hedge . analysts shrug . "
                              "regulators sleep .", NULL, 10, 1);
    assert_true(rank_of(&r, "tariffs") >= 0);
    assert_true(rank_of(&r, "tariffs") < rank_of(&r, "regulators"));
    assert_true(rank_of(&r, "markets") < rank_of(&r, "analysts"));
    yake_keywords_free(r.kw, r.n);
}

static void test_casing(void **s)
{
    (void)s;
    /* Two words alike in frequency, sentences and neighbours, but for
     * capitals inside a sentence (the plain one comes first, so a tie
     * would rank it first). */
    struct result r = extract("we saw rockets fly . we saw Falcon fly . they like Falcon now . "
                              "they like rockets now .", NULL, 10, 1);
    assert_true(rank_of(&r, "Falcon") >= 0);
    assert_true(rank_of(&r, "Falcon") < rank_of(&r, "rockets"));
    yake_keywords_free(r.kw, r.n);

    /* An acronym is no stop word even when its lower case is one... */
    r = extract("the US raised tariffs . the US and China talk . tariffs hurt the US .", NULL, 10, 1);
    assert_true(rank_of(&r, "US") >= 0);
    yake_keywords_free(r.kw, r.n);
    /* ...but a shouted stop word is one. */
    r = extract("DIE FRAU kommt . DIE FRAU geht . Leute schauen .", NULL, 10, 2);
    assert_int_equal(rank_of(&r, "DIE FRAU"), -1);
    assert_int_equal(rank_of(&r, "DIE"), -1);
    assert_true(rank_of(&r, "FRAU") >= 0);
    yake_keywords_free(r.kw, r.n);
}

static void test_stop_word_edges(void **s)
{
    (void)s;
    struct result r = extract("the Bank of America said . the Bank of America grew . "
                              "investors of the Bank of America cheered . in the end the bank won .",
                              NULL, 20, 3);
    assert_true(r.n > 0);
    for (size_t i = 0; i < r.n; i++) {
        const char *t = r.kw[i].text;
        const char *last = strrchr(t, ' ');
        last = last ? last + 1 : t;
        char first[32];
        sscanf(t, "%31s", first);
        for (char *p = first; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        assert_false(is_stop_norm(first));
        assert_false(is_stop_norm(last));
    }
    /* A stop word inside a phrase is fine when it binds it. */
    assert_true(rank_of(&r, "Bank of America") >= 0);
    yake_keywords_free(r.kw, r.n);
}

static void test_phrases(void **s)
{
    (void)s;
    struct result r = extract("Moore Threads builds chips . Moore Threads raised money . "
                              "the CEO of Moore Threads met officials .", NULL, 10, 3);
    assert_true(rank_of(&r, "Moore Threads") >= 0);
    assert_true(rank_of(&r, "Moore Threads") < 3);
    yake_keywords_free(r.kw, r.n);

    /* max_words = 1: single words only. */
    r = extract("Moore Threads builds chips . Moore Threads raised money .", NULL, 10, 1);
    for (size_t i = 0; i < r.n; i++)
        assert_null(strchr(r.kw[i].text, ' '));
    yake_keywords_free(r.kw, r.n);
}

static void test_numbers_and_punct_never_alone(void **s)
{
    (void)s;
    struct result r = extract("2023 profits fell . 2023 , 2023 % . revenue in 2023 rose .", NULL, 20, 3);
    for (size_t i = 0; i < r.n; i++) {
        const char *t = r.kw[i].text;
        assert_false(t[0] >= '0' && t[0] <= '9');
        const char *last = strrchr(t, ' ');
        last = last ? last + 1 : t;
        assert_false(last[0] >= '0' && last[0] <= '9');
        assert_null(strchr(t, '%'));
        assert_null(strchr(t, ','));
    }
    yake_keywords_free(r.kw, r.n);
}

static void test_stem_merging(void **s)
{
    (void)s;
    static const char *const stems[] = {
        "chiphersteller", "chipherstell", "chipherstellern", "chipherstell",
        "rentabilität", "rentabilitat", "rentabilitätsziele", "rentabilitatsziel",
        NULL};
    struct result r = extract("Chiphersteller wachsen . Chipherstellern fehlt Geld . Chiphersteller klagen . "
                              "Rentabilität zählt . Rentabilitätsziele wanken . Rentabilität sinkt .",
                              stems, 20, 1);
    assert_true(rank_of(&r, "Chiphersteller") >= 0);
    assert_int_equal(rank_of(&r, "Chipherstellern"), -1);
    /* Different stems stay different keywords. */
    assert_true(rank_of(&r, "Rentabilität") >= 0);
    assert_true(rank_of(&r, "Rentabilitätsziele") >= 0);
    yake_keywords_free(r.kw, r.n);
}

static void test_compounds(void **s)
{
    (void)s;
    static const char *const stems[] = {
        "us-handelsbeschränkungen", "us-handelsbeschrank", "handelsbeschränkungen", "handelsbeschrank",
        "ki-chiphersteller", "ki-chipherstell", NULL};
    /* The bare word stands alone once: the compounds are read as it. */
    struct result r = extract("US-Handelsbeschränkungen treffen Firmen . US-Handelsbeschränkungen wirken . "
                              "Handelsbeschränkungen bleiben . KI-Chiphersteller leiden . "
                              "KI-Chiphersteller wachsen .", stems, 20, 1);
    assert_true(rank_of(&r, "Handelsbeschränkungen") >= 0);
    assert_int_equal(rank_of(&r, "US-Handelsbeschränkungen"), -1);
    /* A compound whose last part never stands alone stays whole. */
    assert_true(rank_of(&r, "KI-Chiphersteller") >= 0);
    yake_keywords_free(r.kw, r.n);
}

static void test_title_and_limits(void **s)
{
    (void)s;
    struct doc d = build("Chipmakers Face Sanctions | chipmakers expand . the sanctions bite . "
                         "analysts doubt growth . buyers wait . sellers hope .", NULL);
    struct yake_opts o = {.max = 3, .max_words = 2, .min_weight = 0};
    struct yake_keyword *kw;
    size_t n;
    assert_int_equal(yake_extract(d.tok, d.n, &o, NULL, &kw, &n), 0);
    assert_int_equal(n, 3);
    struct result r = {kw, n};
    check_weights(&r);
    /* Title words come first; the title's capitals count for nothing, so
     * the forms are the body's. */
    assert_true(rank_of(&r, "chipmakers") >= 0 || rank_of(&r, "Chipmakers") >= 0);
    yake_keywords_free(kw, n);

    o = (struct yake_opts){.max = 100, .max_words = 3, .min_weight = 0.9};
    assert_int_equal(yake_extract(d.tok, d.n, &o, NULL, &kw, &n), 0);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++)
        assert_true(kw[i].weight >= 0.9);
    yake_keywords_free(kw, n);
    doc_free(&d);
}

static void test_phrase_must_recur(void **s)
{
    (void)s;
    struct result r = extract("Moore Threads builds chips . prices rise . buyers wait .", NULL, 10, 3);
    for (size_t i = 0; i < r.n; i++)
        assert_null(strchr(r.kw[i].text, ' '));
    assert_true(rank_of(&r, "Moore") >= 0);
    yake_keywords_free(r.kw, r.n);

    /* A word said twice over is no phrase. */
    r = extract("Girls Girls sang . Girls Girls danced . the crowd cheered .", NULL, 10, 3);
    assert_int_equal(rank_of(&r, "Girls Girls"), -1);
    assert_true(rank_of(&r, "Girls") >= 0);
    yake_keywords_free(r.kw, r.n);
}

/* No two keywords share a word that is not a stop word. */
static void check_no_overlap(const struct result *r)
{
    for (size_t i = 0; i < r->n; i++)
        for (size_t j = 0; j < i; j++) {
            char a[256], b[256];
            snprintf(a, sizeof a, " %s ", r->kw[i].text);
            snprintf(b, sizeof b, "%s", r->kw[j].text);
            for (char *save = NULL, *w = strtok_r(b, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                char pat[64];
                snprintf(pat, sizeof pat, " %s ", w);
                if (!is_stop_norm(w) && strstr(a, pat))
                    fail_msg("\"%s\" and \"%s\" share \"%s\"", r->kw[i].text, r->kw[j].text, w);
            }
        }
}

static void test_one_keyword_per_word(void **s)
{
    (void)s;
    struct result r = extract("Moore Threads builds chips . Moore Threads raised money . "
                              "the CEO of Moore Threads met officials . Threads grew . chips sold .",
                              NULL, 10, 3);
    assert_true(rank_of(&r, "Moore Threads") >= 0);
    assert_int_equal(rank_of(&r, "Threads"), -1);
    assert_int_equal(rank_of(&r, "Moore"), -1);
    check_no_overlap(&r);
    /* Shortlisted overlaps do not cost a place: all words get one. */
    assert_true(rank_of(&r, "chips") >= 0);
    yake_keywords_free(r.kw, r.n);
}

static void test_units_after_numbers(void **s)
{
    (void)s;
    struct result r = extract("profits reached 4 Milliarden . losses hit 5 Milliarden . "
                              "debt stood at 6 Milliarden . Milliarden flowed . auditors frowned .",
                              NULL, 20, 2);
    assert_int_equal(rank_of(&r, "Milliarden"), -1);
    assert_true(rank_of(&r, "profits") >= 0);
    yake_keywords_free(r.kw, r.n);
}

static void test_capitalised_nouns(void **s)
{
    (void)s;
    /* "erhebliche" is written small inside sentences: in German, an
     * adjective, never a keyword's edge. */
    const char *text = "Firmen melden erhebliche Verluste . Banken sehen erhebliche Risiken . "
                       "Erhebliche Sorgen bleiben . Analysten warnen .";
    struct result r = extract_opts(text, NULL, (struct yake_opts){.max = 20, .max_words = 1});
    assert_true(rank_of(&r, "erhebliche") >= 0);
    yake_keywords_free(r.kw, r.n);
    r = extract_opts(text, NULL, (struct yake_opts){.max = 20, .max_words = 1, .capitalised_nouns = 1});
    assert_int_equal(rank_of(&r, "erhebliche"), -1);
    assert_int_equal(rank_of(&r, "Erhebliche"), -1);
    assert_true(rank_of(&r, "Verluste") >= 0);
    yake_keywords_free(r.kw, r.n);

    /* A name's genitive is the name, shown bare; only in German. */
    const char *gen = "Chinas Firmen wachsen . Chinas Banken leihen . China baut . Chinas Exporte steigen .";
    r = extract_opts(gen, NULL, (struct yake_opts){.max = 20, .max_words = 1, .capitalised_nouns = 1});
    assert_true(rank_of(&r, "China") >= 0);
    assert_int_equal(rank_of(&r, "Chinas"), -1);
    yake_keywords_free(r.kw, r.n);
    r = extract_opts(gen, NULL, (struct yake_opts){.max = 20, .max_words = 1});
    assert_true(rank_of(&r, "Chinas") >= 0);
    yake_keywords_free(r.kw, r.n);
}

static void test_headings(void **s)
{
    (void)s;
    /* "tariffs" and "quotas" alike (twice, the same late sentences), but
     * one of "tariffs" stands in a heading: it ranks first.  "landscape",
     * once and in a heading, is not lifted over a word met once just
     * before. */
    const char *plain = "markets opened . traders bought . banks lent . funds grew . "
                        "brokers sold . clerks filed . tariffs and quotas rose . tariffs and quotas fell .";
    const char *headed = "markets opened . traders bought . banks lent . funds grew . "
                         "brokers sold . ^landscape ^ahead . tariffs and quotas rose . "
                         "^tariffs ^now . quotas fell .";
    struct result r = extract(plain, NULL, 20, 1);
    assert_true(rank_of(&r, "quotas") >= 0 && rank_of(&r, "tariffs") >= 0);
    yake_keywords_free(r.kw, r.n);
    r = extract(headed, NULL, 20, 1);
    assert_true(rank_of(&r, "tariffs") >= 0);
    assert_true(rank_of(&r, "tariffs") < rank_of(&r, "quotas"));
    assert_true(rank_of(&r, "landscape") > rank_of(&r, "brokers"));
    yake_keywords_free(r.kw, r.n);
}

/* A synthetic document of n tokens: sentences of twelve words drawn from
 * a vocabulary of 5,000 with a few stop words, as long texts are. */
static struct doc synthetic(size_t n, char ***vocab_out)
{
    static const char *const stops[] = {"the", "of", "and", "in"};
    char **vocab = malloc(5000 * sizeof *vocab);
    assert_non_null(vocab);
    for (size_t i = 0; i < 5000; i++) {
        vocab[i] = malloc(16);
        snprintf(vocab[i], 16, "%s%zu", i % 7 == 0 ? "Word" : "word", i);
    }
    struct doc d = {.tok = malloc(n * sizeof *d.tok), .n = n};
    assert_non_null(d.tok);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        struct yake_token *t = &d.tok[i];
        uint32_t sentence = (uint32_t)(i / 13);
        if (i % 13 == 12) {
            *t = (struct yake_token){".", ".", ".", NEWSD_TOKEN_PUNCT, 0, sentence, 0, 1, 1};
        } else if (x % 4 == 0) {
            const char *w = stops[(x >> 8) % 4];
            *t = (struct yake_token){w, w, w, NEWSD_TOKEN_WORD, NEWSD_TOKEN_STOPWORD, sentence, 0,
                                     (uint32_t)strlen(w), (uint32_t)strlen(w)};
        } else {
            /* Zipf-like: small indices far more often. */
            size_t k = (size_t)((x >> 16) % 5000);
            k = k * k / 5000;
            const char *w = vocab[k];
            *t = (struct yake_token){w, w, w, NEWSD_TOKEN_WORD,
                                     w[0] == 'W' ? NEWSD_TOKEN_CAPITALISED : 0u, sentence, 0,
                                     (uint32_t)strlen(w), (uint32_t)strlen(w)};
        }
        if (i % 13 == 0)
            t->flags |= NEWSD_TOKEN_SENTENCE_START;
    }
    *vocab_out = vocab;
    return d;
}

static double time_extract(size_t n)
{
    char **vocab;
    struct doc d = synthetic(n, &vocab);
    struct yake_opts o = {.max = 10, .max_words = 3};
    struct yake_keyword *kw;
    size_t n_kw;
    struct timespec a, b;
    /* The thread's CPU time: on a loaded machine wall time counts the
     * waits for a core too, and made the ratio below fail at random. */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    assert_int_equal(yake_extract(d.tok, d.n, &o, NULL, &kw, &n_kw), 0);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    assert_int_equal(n_kw, 10);
    yake_keywords_free(kw, n_kw);
    free(d.tok);
    for (size_t i = 0; i < 5000; i++)
        free(vocab[i]);
    free(vocab);
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

/* A scratch lent to one call after another gives the same keywords as
 * none, grows for a larger text and is given back after a huge one. */
static void test_scratch_reuse(void **s)
{
    (void)s;
    struct doc small = build("Moore Threads builds chips . Moore Threads raised money . "
                             "the CEO of Moore Threads met officials .", NULL);
    char **vocab;
    struct doc big = synthetic(200000, &vocab);
    struct yake_opts o = {.max = 10, .max_words = 3};
    struct yake_scratch scratch = {0};
    struct yake_keyword *a, *b;
    size_t na, nb;
    assert_int_equal(yake_extract(small.tok, small.n, &o, NULL, &a, &na), 0);
    for (int round = 0; round < 3; round++) {
        assert_int_equal(yake_extract(small.tok, small.n, &o, &scratch, &b, &nb), 0);
        assert_int_equal(na, nb);
        for (size_t i = 0; i < na; i++) {
            assert_string_equal(a[i].text, b[i].text);
            assert_true(a[i].score == b[i].score);
        }
        yake_keywords_free(b, nb);
        assert_non_null(scratch.block);
        if (round == 1) {
            /* A huge text in between: its block is not kept. */
            assert_int_equal(yake_extract(big.tok, big.n, &o, &scratch, &b, &nb), 0);
            yake_keywords_free(b, nb);
            assert_null(scratch.block);
            assert_int_equal(scratch.cap, 0);
        }
    }
    yake_keywords_free(a, na);
    yake_scratch_free(&scratch);
    doc_free(&small);
    free(big.tok);
    for (size_t i = 0; i < 5000; i++)
        free(vocab[i]);
    free(vocab);
}

/* Token types as the text layer numbers them: the same text, the same
 * type, in the order of first occurrence.  Returns how many. */
static size_t assign_types(struct doc *d)
{
    size_t n_types = 0;
    for (size_t i = 0; i < d->n; i++) {
        size_t j = 0;
        while (j < i && strcmp(d->tok[j].text, d->tok[i].text) != 0)
            j++;
        d->tok[i].type = j < i ? d->tok[j].type : (uint32_t)n_types++;
    }
    return n_types;
}

/* The same keywords, in the same order, with the same scores. */
static void expect_equal(const struct yake_keyword *a, size_t na, const struct yake_keyword *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_string_equal(a[i].text, b[i].text);
        assert_true(a[i].score == b[i].score);
    }
}

static void expect_same_keywords(struct doc *d, struct yake_opts o)
{
    struct yake_keyword *a, *b;
    size_t na, nb;
    o.n_types = 0;
    assert_int_equal(yake_extract(d->tok, d->n, &o, NULL, &a, &na), 0);
    o.n_types = assign_types(d);
    assert_int_equal(yake_extract(d->tok, d->n, &o, NULL, &b, &nb), 0);
    assert_true(na > 0);
    expect_equal(a, na, b, nb);
    yake_keywords_free(a, na);
    yake_keywords_free(b, nb);
}

/* Typed tokens (read once per type) give the keywords untyped ones do:
 * compounds read as their head, genitives, all-caps stop words, and a
 * long text of many repeats. */
static void test_typed_tokens(void **s)
{
    (void)s;
    static const char *const stems[] = {"ki-chips", "ki-chip", "chips", "chip", "us-zölle", "us-zoll",
                                        "zölle", "zoll", NULL};
    struct doc d = build("KI-Chips and Chips | Nvidia sells KI-Chips . Chinas Zölle und US-Zölle rose . "
                         "China answers US-Zölle . THE US said Chips matter . Nvidia sells Chips in China .",
                         stems);
    expect_same_keywords(&d, (struct yake_opts){.max = 10, .max_words = 3, .capitalised_nouns = 1});
    expect_same_keywords(&d, (struct yake_opts){.max = 10, .max_words = 3});
    doc_free(&d);
    char **vocab;
    struct doc big = synthetic(3000, &vocab);
    expect_same_keywords(&big, (struct yake_opts){.max = 10, .max_words = 3});
    free(big.tok);
    for (size_t i = 0; i < 5000; i++)
        free(vocab[i]);
    free(vocab);
}

/* A caller's own stop words (yake_opts.is_stop_word, asked once per word
 * type) read as words marked NEWSD_TOKEN_STOPWORD do, typed or not; an
 * all-caps one is a word of its own, as a marked one is. */
static int said_is_stop(const void *ctx, const char *norm, size_t len)
{
    (void)ctx;
    return len == 4 && memcmp(norm, "said", 4) == 0;
}

static void test_caller_stop_words(void **s)
{
    (void)s;
    const char *text = "Nvidia said chips | Nvidia said chips sell . Analysts said Nvidia chips sell well . "
                       "SAID Nvidia said chips . Huawei said chips sell . Said Huawei , chips sell .";
    struct doc marked = build(text, NULL), asked = build(text, NULL);
    for (size_t i = 0; i < marked.n; i++)
        if (strcmp(marked.tok[i].norm, "said") == 0)
            marked.tok[i].flags |= NEWSD_TOKEN_STOPWORD;
    struct yake_opts o = {.max = 10, .max_words = 3};
    struct yake_keyword *plain, *want, *got;
    size_t n_plain, n_want, n_got;
    assert_int_equal(yake_extract(asked.tok, asked.n, &o, NULL, &plain, &n_plain), 0);
    int plain_said = 0;
    for (size_t i = 0; i < n_plain; i++)
        plain_said |= strstr(plain[i].text, "said") != NULL || strstr(plain[i].text, "Said") != NULL;
    assert_true(plain_said);   /* the test asks something: without the list "said" is a keyword */
    yake_keywords_free(plain, n_plain);
    assert_int_equal(yake_extract(marked.tok, marked.n, &o, NULL, &want, &n_want), 0);
    o.is_stop_word = said_is_stop;
    for (int typed = 0; typed < 2; typed++) {
        o.n_types = typed ? assign_types(&asked) : 0;
        assert_int_equal(yake_extract(asked.tok, asked.n, &o, NULL, &got, &n_got), 0);
        expect_equal(got, n_got, want, n_want);
        yake_keywords_free(got, n_got);
    }
    yake_keywords_free(want, n_want);
    doc_free(&marked);
    doc_free(&asked);
}

static void test_linear_time(void **s)
{
    (void)s;
    /* 2 MB of text is about 300,000 tokens.  Four times the tokens may take
     * four times as long, plus room for caches: past ~50,000 tokens the
     * tables outgrow the CPU's caches, and the more so the more tokens (a
     * token cost 3.5x more at 1,000,000 than at 100,000, where the tables
     * still half fit, with MALLOC_PERTURB_ touching every new block), so
     * both sizes are well above that.  A quadratic step would take sixteen
     * times as long. */
    double small = 1e9, large = 1e9;
    for (int i = 0; i < 2; i++) {   /* the best of two: migrations, page faults */
        double t = time_extract(250000);
        small = t < small ? t : small;
        t = time_extract(1000000);
        large = t < large ? t : large;
    }
    if (small < 1e-3)
        small = 1e-3;
    printf("# 250,000 tokens: %.1f ms, 1,000,000 tokens: %.1f ms\n", small * 1e3, large * 1e3);
    assert_true(large < 10 * small);
    assert_true(large < 10.0);
}

/* The scores' logarithm tables (yake.c, kept()) are shared by the
 * workers without a lock: threads that fill the same entries at once get
 * the scores one thread alone gets, bit for bit (and a TSan build of this
 * test reports no race).  Run first, while the tables are empty; tf and
 * median sentences beyond what the other tests reach. */
struct shared_run {
    const struct doc *d;
    pthread_barrier_t *go;
    struct yake_keyword *kw;
    size_t n;
    int rc;
};

static void *shared_run(void *arg)
{
    struct shared_run *r = arg;
    struct yake_opts o = {.max = 20, .max_words = 3};
    pthread_barrier_wait(r->go);
    r->rc = yake_extract(r->d->tok, r->d->n, &o, NULL, &r->kw, &r->n);
    return NULL;
}

static void test_threads_share_log_tables(void **state)
{
    (void)state;
    /* Words met in a growing number of sentences, late in the text. */
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int s = 0; s < 900; s++)
        len += (size_t)snprintf(text + len, cap - len, "Wort%d Alpha%d Beta%d und Gamma%d . ", s % 37, s % 53,
                                s % 11, s % 3);
    struct doc d = build(text, NULL);
    free(text);
    enum { THREADS = 4 };
    struct shared_run runs[THREADS];
    pthread_t th[THREADS];
    pthread_barrier_t go;
    assert_int_equal(pthread_barrier_init(&go, NULL, THREADS), 0);
    for (int i = 0; i < THREADS; i++) {
        runs[i] = (struct shared_run){.d = &d, .go = &go};
        assert_int_equal(pthread_create(&th[i], NULL, shared_run, &runs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    pthread_barrier_destroy(&go);
    struct yake_opts o = {.max = 20, .max_words = 3};
    struct yake_keyword *kw;
    size_t n;
    assert_int_equal(yake_extract(d.tok, d.n, &o, NULL, &kw, &n), 0);
    assert_true(n > 5);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(runs[i].rc, 0);
        assert_int_equal(runs[i].n, n);
        for (size_t k = 0; k < n; k++) {
            assert_string_equal(runs[i].kw[k].text, kw[k].text);
            assert_memory_equal(&runs[i].kw[k].score, &kw[k].score, sizeof kw[k].score);
        }
        yake_keywords_free(runs[i].kw, runs[i].n);
    }
    yake_keywords_free(kw, n);
    doc_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_share_log_tables),   /* first: the tables empty */
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_one_word),
        cmocka_unit_test(test_frequency),
        cmocka_unit_test(test_position),
        cmocka_unit_test(test_casing),
        cmocka_unit_test(test_stop_word_edges),
        cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_numbers_and_punct_never_alone),
        cmocka_unit_test(test_stem_merging),
        cmocka_unit_test(test_compounds),
        cmocka_unit_test(test_title_and_limits),
        cmocka_unit_test(test_phrase_must_recur),
        cmocka_unit_test(test_one_keyword_per_word),
        cmocka_unit_test(test_units_after_numbers),
        cmocka_unit_test(test_capitalised_nouns),
        cmocka_unit_test(test_headings),
        cmocka_unit_test(test_scratch_reuse),
        cmocka_unit_test(test_typed_tokens),
        cmocka_unit_test(test_caller_stop_words),
        cmocka_unit_test(test_linear_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
