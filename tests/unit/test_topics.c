/* Unit tests for the topics classifier (plugins/topics/): features,
 * training (logistic regression, naive Bayes, the SVM and its calibrated
 * probabilities), cross-validation, the model file (round trip; a format 1
 * file still read; truncated, corrupt and other-format files refused with
 * the cause) and adding examples to a stored model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <math.h>

#include "build_data.h"
#include "../../plugins/topics/store.h"
#include "temp_dir.h"

static const char *const vocab[3][12] = {
    {"football", "goal", "match", "team", "player", "scored", "league", "coach", "striker", "season", "cup",
     "stadium"},
    {"market", "shares", "profit", "bank", "investors", "economy", "prices", "growth", "company", "sales",
     "interest", "trade"},
    {"software", "computer", "internet", "phone", "technology", "users", "digital", "network", "online",
     "data", "chip", "device"},
};
static const char *const label_names[3] = {"sport", "business", "tech"};

/* A text of label l: 30 of its words picked by a small generator, with
 * common words between them. */
static char *text_of(unsigned l, unsigned seed)
{
    static const char *const common[] = {"the", "a", "and", "year", "said", "new"};
    char *buf = malloc(4096);
    size_t n = 0;
    uint32_t x = seed * 2654435761u + l + 1;
    for (int i = 0; i < 30; i++) {
        x = x * 1103515245u + 12345u;
        const char *w = (i % 3 == 2) ? common[(x >> 16) % 6] : vocab[l][(x >> 16) % 12];
        n += (size_t)snprintf(buf + n, 4096 - n, "%s%s", i ? " " : "", w);
    }
    snprintf(buf + n, 4096 - n, ".");
    return buf;
}

static void add_examples(struct topics_examples *ex, unsigned l, unsigned from, unsigned n)
{
    for (unsigned i = from; i < from + n; i++)
        assert_int_equal(examples_add(ex, strdup(label_names[l]), strdup("en"), strdup(""), text_of(l, i)), 0);
}

static uint32_t predict(const struct topics_model *m, const char *text, double *p_best)
{
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), "en");
    assert_non_null(an);
    double probs[16];
    assert_true(m->n_labels <= 16);
    assert_int_equal(model_predict(m, an, probs), 0);
    newsd_analysis_free(an);
    uint32_t best = 0;
    double sum = 0;
    for (uint32_t i = 0; i < m->n_labels; i++) {
        sum += probs[i];
        if (probs[i] > probs[best])
            best = i;
    }
    assert_true(sum > 0.999 && sum < 1.001);
    if (p_best)
        *p_best = probs[best];
    return best;
}

static struct topics_model *train_three(const struct topics_opts *o)
{
    struct topics_examples ex = {0};
    for (unsigned l = 0; l < 3; l++)
        add_examples(&ex, l, 0, 10);
    struct topics_doc *docs;
    char **labels;
    uint32_t n_labels;
    char err[256];
    assert_int_equal(examples_featurize(&ex, o, &docs, &labels, &n_labels, err, sizeof err), 0);
    assert_int_equal(n_labels, 3);
    /* Sorted: business, sport, tech. */
    assert_string_equal(labels[0], "business");
    struct topics_model *m = topics_train(docs, ex.n, NULL, 0, labels, n_labels, o, err, sizeof err);
    assert_non_null(m);
    topics_docs_free(docs, ex.n);
    topics_labels_free(labels, n_labels);
    examples_free(&ex);
    return m;
}

static const char *label_of(const struct topics_model *m, uint32_t i)
{
    return m->labels[i];
}

/* ---- features -------------------------------------------------------------- */

static void test_features_stems_and_chars(void **state)
{
    (void)state;
    const char *text = "Chips chip the ab";
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), "en");
    assert_non_null(an);
    struct fcount stems = {0}, chars = {0};
    assert_int_equal(features_add(&stems, an, TOPICS_FEAT_STEMS, 3, 5), 0);
    /* "chips" and "chip" share a stem; "the" is a stop word; "ab" stays. */
    assert_int_equal(stems.n, 2);
    assert_int_equal(features_add(&chars, an, TOPICS_FEAT_CHARS, 2, 2), 0);
    /* " ab " gives " a", "ab", "b "; of the rest, " c" and "ch" come from
     * both chip words. */
    static const char seed = 'c';
    uint64_t h = topics_hash(TOPICS_HASH_INIT, &seed, 1);
    assert_int_equal(fcount_get(&chars, topics_hash(topics_hash(h, " ", 1), "c", 1)), 2);
    assert_int_equal(fcount_get(&chars, topics_hash(topics_hash(h, "a", 1), "b", 1)), 1);
    assert_int_equal(fcount_get(&chars, topics_hash(topics_hash(h, "x", 1), "y", 1)), 0);
    fcount_free(&stems);
    fcount_free(&chars);
    newsd_analysis_free(an);
}

/* The hash of an n-gram chains its code points (features.h), whether the
 * word is ASCII (a path of its own, a byte a code point) or not. */
static uint64_t gram_hash(const char *const *cps, size_t n)
{
    static const char seed = 'c';
    uint64_t h = topics_hash(TOPICS_HASH_INIT, &seed, 1);
    for (size_t i = 0; i < n; i++)
        h = topics_hash(h, cps[i], strlen(cps[i]));
    return h;
}

static void test_features_chars_ascii_and_not(void **state)
{
    (void)state;
    const char *text = "Bücher chips";
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), "de");
    assert_non_null(an);
    struct fcount fc = {0};
    assert_int_equal(features_add(&fc, an, TOPICS_FEAT_CHARS, 2, 5), 0);
    static const char *const buecher[] = {" ", "b", "ü", "c", "h", "e", "r", " "};
    static const char *const chips[] = {" ", "c", "h", "i", "p", "s", " "};
    assert_int_equal(fcount_get(&fc, gram_hash(buecher + 2, 2)), 1);    /* "üc" */
    assert_int_equal(fcount_get(&fc, gram_hash(buecher + 1, 5)), 1);    /* "büche" */
    assert_int_equal(fcount_get(&fc, gram_hash(chips, 5)), 1);          /* " chip" */
    assert_int_equal(fcount_get(&fc, gram_hash(chips + 3, 4)), 1);      /* "ips " */
    assert_int_equal(fcount_get(&fc, gram_hash(chips + 5, 2)), 1);      /* "s " */
    assert_int_equal(fcount_get(&fc, gram_hash(chips + 6, 1)), 0);      /* a lone space is none */
    /* 2..5-grams of 8 and 7 code points: 7 + 6 + 5 + 4 and 6 + 5 + 4 + 3,
     * "ch" in both. */
    assert_int_equal(fc.n, 39);
    assert_int_equal(fcount_get(&fc, gram_hash(chips + 1, 2)), 2);
    fcount_free(&fc);
    /* One length (the shipped 5-5, hashed on a path of its own for ASCII
     * words): the same keys, 4 of "bücher" and 3 of "chips". */
    assert_int_equal(features_add(&fc, an, TOPICS_FEAT_CHARS, 5, 5), 0);
    assert_int_equal(fc.n, 7);
    assert_int_equal(fcount_get(&fc, gram_hash(chips, 5)), 1);          /* " chip" */
    assert_int_equal(fcount_get(&fc, gram_hash(chips + 2, 5)), 1);      /* "hips " */
    assert_int_equal(fcount_get(&fc, gram_hash(buecher + 3, 5)), 1);    /* "cher " */
    fcount_free(&fc);
    newsd_analysis_free(an);
}

/* What the classifier of an article reads (once per token type) is what
 * the trainer reads (once per token): the same keys with the same counts,
 * for every kind of feature, in a text that repeats words in other cases
 * and has stop words, compounds and numbers. */
static void test_features_by_type_match(void **state)
{
    (void)state;
    const char *text = "Der KI-Chiphersteller Moore Threads meldet 4,6 Milliarden Yuan. Die Chips der "
                       "Chiphersteller und der KI-Chiphersteller: Chips, chips, CHIPS! Der Umsatz der Moore "
                       "Threads stieg, die Chiphersteller jubeln.";
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), "de");
    assert_non_null(an);
    static const uint32_t kinds[] = {TOPICS_FEAT_STEMS, TOPICS_FEAT_CHARS, TOPICS_FEAT_STEMS | TOPICS_FEAT_CHARS,
                                     TOPICS_FEAT_STEMS | TOPICS_FEAT_STREAM};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        struct fcount per_token = {0}, per_type = {0};
        assert_int_equal(features_add(&per_token, an, kinds[k], 3, 5), 0);
        assert_int_equal(features_add_by_type(&per_type, an, kinds[k], 3, 5), 0);
        assert_true(per_token.n > 0);
        assert_int_equal(per_type.n, per_token.n);
        for (size_t s = 0; s < per_token.cap; s++)
            if (per_token.e[s].key)
                assert_int_equal(fcount_get(&per_type, per_token.e[s].key), per_token.e[s].count);
        fcount_free(&per_token);
        fcount_free(&per_type);
    }
    newsd_analysis_free(an);
}

/* ---- training ---------------------------------------------------------------- */

static void check_held_out(const struct topics_model *m)
{
    for (unsigned l = 0; l < 3; l++) {
        char *t = text_of(l, 1000 + l);
        double p;
        uint32_t best = predict(m, t, &p);
        assert_string_equal(label_of(m, best), label_names[l]);
        assert_true(p > 1.0 / 3);
        free(t);
    }
}

static void test_train_logistic_regression(void **state)
{
    (void)state;
    struct topics_model *m = train_three(&topics_default_opts);
    assert_int_equal(m->opts.algo, TOPICS_ALGO_LR);
    assert_true(m->n_feat > 30);
    check_held_out(m);
    model_free(m);
}

static void test_train_naive_bayes(void **state)
{
    (void)state;
    struct topics_opts o = topics_default_opts;
    o.algo = TOPICS_ALGO_NB;
    o.features = TOPICS_FEAT_STEMS;
    struct topics_model *m = train_three(&o);
    check_held_out(m);
    model_free(m);
    o.algo = TOPICS_ALGO_NBLR;
    m = train_three(&o);
    check_held_out(m);
    model_free(m);
}

static void test_train_svm(void **state)
{
    (void)state;
    struct topics_opts o = topics_default_opts;
    o.algo = TOPICS_ALGO_SVM;
    o.c = 1.0f;
    struct topics_model *m = train_three(&o);
    /* Fitted on held-out scores: some scale, not the 1 a new model has. */
    assert_true(isfinite(m->prob_scale) && m->prob_scale > 0 && m->prob_scale != 1.0f);
    check_held_out(m);
    /* The scale sharpens or flattens the probabilities, never reorders
     * them: the best label is the best score. */
    char *t = text_of(1, 555);
    newsd_analysis *an = newsd_analysis_new(t, strlen(t), "en");
    struct fcount fc = {0};
    assert_int_equal(features_add(&fc, an, o.features, o.char_min, o.char_max), 0);
    double scores[3], probs[3];
    model_scores_counts(m, &fc, scores);
    assert_int_equal(model_predict_counts(m, &fc, probs), 0);
    for (uint32_t a = 0; a < 3; a++)
        for (uint32_t b = 0; b < 3; b++)
            assert_true((scores[a] < scores[b]) == (probs[a] < probs[b]));
    /* softmax(k * scores): the log-ratio of two probabilities is k times
     * the difference of their scores. */
    assert_true(fabs(log(probs[0] / probs[1]) - m->prob_scale * (scores[0] - scores[1])) < 1e-6);
    fcount_free(&fc);
    newsd_analysis_free(an);
    free(t);
    model_free(m);
}

/* model_scores_counts() looks every feature up (its pipeline asks for
 * the lookups' memory ahead, in a ring): the scores are those of the
 * model's float weights summed here one feature at a time, to the
 * precision of the 16-bit weights, and the same to the last bit for the
 * table with its empty slots and packed (the order of the sums). */
static void test_scores_look_up_every_feature(void **state)
{
    (void)state;
    struct topics_model *m = train_three(&topics_default_opts);
    char *t = text_of(2, 777);
    newsd_analysis *an = newsd_analysis_new(t, strlen(t), "en");
    struct fcount fc = {0};
    assert_int_equal(features_add(&fc, an, m->opts.features, m->opts.char_min, m->opts.char_max), 0);
    uint32_t L = m->n_labels;
    double scores[3], packed_scores[3], acc[3] = {0}, norm2 = 0;
    size_t known = 0;
    model_scores_counts(m, &fc, scores);
    for (size_t s = 0; s < fc.cap; s++) {
        int64_t i = fc.e[s].key ? model_find(m, fc.e[s].key) : -1;
        if (i < 0)
            continue;
        known++;
        double v = (1.0 + log((double)fc.e[s].count)) * m->idf[i];
        for (uint32_t l = 0; l < L; l++)
            acc[l] += v * m->w[(size_t)i * L + l];
        norm2 += v * v;
    }
    assert_true(known > 32);    /* more than the pipeline holds */
    for (uint32_t l = 0; l < L; l++)
        assert_true(fabs(scores[l] - (m->bias[l] + acc[l] / sqrt(norm2))) < 1e-3);
    struct fentry *e = calloc(fc.n, sizeof *e);
    size_t n = 0;
    for (size_t s = 0; s < fc.cap; s++)
        if (fc.e[s].key)
            e[n++] = fc.e[s];
    struct fcount packed = {.e = e, .n = n, .cap = n};
    model_scores_counts(m, &packed, packed_scores);
    assert_memory_equal(scores, packed_scores, sizeof scores);
    free(e);
    fcount_free(&fc);
    newsd_analysis_free(an);
    free(t);
    model_free(m);
}

/* A model of L labels and n random features (from seed), built here; the
 * features' keys are topics_hash() of their index.  Not indexed yet. */
static struct topics_model *random_model(uint32_t L, uint32_t n, uint32_t seed)
{
    char *labels[16];
    char names[16][16];   /* "l" and any unsigned: GCC's -Wformat-truncation checks %u's range */
    assert_true(L <= 16);
    for (unsigned l = 0; l < L; l++) {
        snprintf(names[l], sizeof names[l], "l%u", l);
        labels[l] = names[l];
    }
    struct topics_model *m = model_new(&topics_default_opts, labels, L, n);
    assert_non_null(m);
    uint32_t x = seed;
    for (uint32_t i = 0; i < n; i++) {
        m->keys[i] = topics_hash(TOPICS_HASH_INIT, &i, sizeof i);
        x = x * 1103515245u + 12345u;
        m->idf[i] = 1.0f + (float)((x >> 16) % 2000) / 1000.0f;
        for (unsigned l = 0; l < L; l++) {
            x = x * 1103515245u + 12345u;
            m->w[(size_t)i * L + l] = (float)((int)((x >> 16) % 2001) - 1000) / 1000.0f;
        }
    }
    for (unsigned l = 0; l < L; l++)
        m->bias[l] = 0.1f * (float)l - 0.3f;
    return m;
}

/* The pipelined scores against sums made here, as above, with a model of
 * 7 labels (the weights are added several labels at a time, and the rest
 * one by one) and 600 features, for counts of features of which a third
 * are not in it. */
static void test_scores_seven_labels(void **state)
{
    (void)state;
    enum { L = 7, N = 600 };
    struct topics_model *m = random_model(L, N, 12345);
    assert_int_equal(model_index(m), 0);
    struct fcount fc = {0};
    for (uint32_t i = 0; i < 3 * N / 2; i += 2)   /* the odd ones, and 300 past N, are not in it */
        assert_int_equal(fcount_add(&fc, topics_hash(TOPICS_HASH_INIT, &i, sizeof i), 1 + i % 5), 0);
    double scores[L], acc[L] = {0}, norm2 = 0;
    model_scores_counts(m, &fc, scores);
    for (size_t s = 0; s < fc.cap; s++) {
        int64_t i = fc.e[s].key ? model_find(m, fc.e[s].key) : -1;
        if (i < 0)
            continue;
        double v = (1.0 + log((double)fc.e[s].count)) * m->idf[i];
        for (unsigned l = 0; l < L; l++)
            acc[l] += v * m->w[(size_t)i * L + l];
        norm2 += v * v;
    }
    for (unsigned l = 0; l < L; l++)
        assert_true(fabs(scores[l] - (m->bias[l] + acc[l] / sqrt(norm2))) < 1e-3);
    fcount_free(&fc);
    model_free(m);
}


/* The scores of fc against the float weights summed one feature at a
 * time (the bias alone when no feature is in the model). */
static void assert_scores_of_weights(const struct topics_model *m, const struct fcount *fc)
{
    uint32_t L = m->n_labels;
    double scores[16], acc[16] = {0}, norm2 = 0;
    model_scores_counts(m, fc, scores);
    for (size_t s = 0; s < fc->cap; s++) {
        int64_t i = fc->e[s].key ? model_find(m, fc->e[s].key) : -1;
        if (i < 0)
            continue;
        double v = (1.0 + log((double)fc->e[s].count)) * m->idf[i];
        for (uint32_t l = 0; l < L; l++)
            acc[l] += v * m->w[(size_t)i * L + l];
        norm2 += v * v;
    }
    for (uint32_t l = 0; l < L; l++)
        assert_true(fabs(scores[l] - (m->bias[l] + (norm2 > 0 ? acc[l] / sqrt(norm2) : 0))) < 1e-3);
}

/* The lookup pipeline at the ends of an article's features: none, fewer
 * than the ring holds, about as many, more; in a small model and in one
 * whose lookup is on huge pages (over 1 MiB: 100,000 rows of 32 bytes),
 * each indexed twice (the second unmaps the first's lookup). */
static void test_scores_few_features_small_and_huge_model(void **state)
{
    (void)state;
    static const uint32_t sizes[][2] = {{7, 600}, {9, 100000}, {1, 1}, {4, 0}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        struct topics_model *m = random_model(sizes[k][0], sizes[k][1], 777);
        assert_int_equal(model_index(m), 0);
        assert_int_equal(model_index(m), 0);
        for (uint32_t n = 0; n <= 40; n++) {
            struct fcount fc = {0};
            for (uint32_t i = 0; i < n; i++) {   /* the odd ones are not in the model */
                uint32_t f = (i % 2 ? 2 * sizes[k][1] + i : i * 7);
                assert_int_equal(fcount_add(&fc, topics_hash(TOPICS_HASH_INIT, &f, sizeof f), 1 + i % 3), 0);
            }
            assert_scores_of_weights(m, &fc);
            fcount_free(&fc);
        }
        model_free(m);
    }
}

/* The character n-grams of ASCII words up to the longest that takes the
 * ASCII path (255 letters: 257 bytes with the spaces) and of one with a
 * letter of two bytes: the hashes of their code points chained
 * (gram_hash()), each counted once, nothing else. */
static void test_features_chars_long_words(void **state)
{
    (void)state;
    static const size_t lengths[] = {1, 63, 64, 65, 200, 253, 254, 255};
    char word[300];
    const char *cps[300];
    static const char *const letters[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
                                          "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"};
    for (size_t k = 0; k <= sizeof lengths / sizeof lengths[0]; k++) {
        int umlaut = k == sizeof lengths / sizeof lengths[0];   /* last: 200 letters, one of them "ü" */
        size_t len = umlaut ? 200 : lengths[k], bytes = 0, n_cp = 0;
        uint32_t x = 99;
        cps[n_cp++] = " ";
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            const char *c = umlaut && i == 100 ? "ü" : letters[(x >> 16) % 26];
            memcpy(word + bytes, c, strlen(c));
            bytes += strlen(c);
            cps[n_cp++] = c;
        }
        word[bytes] = '\0';
        cps[n_cp++] = " ";
        newsd_analysis *an = newsd_analysis_new(word, bytes, "de");
        assert_non_null(an);
        struct fcount fc = {0}, want = {0};
        assert_int_equal(features_add(&fc, an, TOPICS_FEAT_CHARS, 1, 5), 0);
        for (size_t i = 0; i < n_cp; i++)
            for (size_t n = 1; n <= 5 && i + n <= n_cp; n++)
                if (!(n == 1 && cps[i][0] == ' '))
                    assert_int_equal(fcount_add(&want, gram_hash(cps + i, n), 1), 0);
        assert_int_equal(fc.n, want.n);
        for (size_t s = 0; s < want.cap; s++)
            if (want.e[s].key)
                assert_int_equal(fcount_get(&fc, want.e[s].key), want.e[s].count);
        fcount_free(&fc);
        fcount_free(&want);
        newsd_analysis_free(an);
    }
}

static void test_train_needs_two_labels(void **state)
{
    (void)state;
    struct topics_examples ex = {0};
    add_examples(&ex, 0, 0, 5);
    struct topics_doc *docs;
    char **labels;
    uint32_t n_labels;
    char err[256];
    assert_int_equal(examples_featurize(&ex, &topics_default_opts, &docs, &labels, &n_labels, err, sizeof err), 0);
    assert_null(topics_train(docs, ex.n, NULL, 0, labels, n_labels, &topics_default_opts, err, sizeof err));
    assert_non_null(strstr(err, "at least two labels"));
    topics_docs_free(docs, ex.n);
    topics_labels_free(labels, n_labels);
    examples_free(&ex);
}

static void test_cross_validation(void **state)
{
    (void)state;
    struct topics_examples ex = {0};
    for (unsigned l = 0; l < 3; l++)
        add_examples(&ex, l, 0, 10);
    struct topics_doc *docs;
    char **labels;
    uint32_t n_labels;
    char err[256];
    assert_int_equal(examples_featurize(&ex, &topics_default_opts, &docs, &labels, &n_labels, err, sizeof err), 0);
    struct topics_cv a, b;
    assert_int_equal(topics_cross_validate(docs, ex.n, labels, n_labels, &topics_default_opts, 5, 42, &a, err,
                                           sizeof err), 0);
    assert_int_equal(topics_cross_validate(docs, ex.n, labels, n_labels, &topics_default_opts, 5, 42, &b, err,
                                           sizeof err), 0);
    /* The same seed, the same folds, the same figures. */
    assert_true(a.accuracy == b.accuracy && a.macro_f1 == b.macro_f1);
    assert_int_equal(a.n, 30);
    assert_true(a.accuracy >= 0.9);
    for (uint32_t l = 0; l < 3; l++) {
        assert_int_equal(a.support[l], 10);
        assert_true(a.recall[l] >= 0.8);
    }
    topics_cv_free(&a);
    topics_cv_free(&b);
    assert_int_equal(topics_cross_validate(docs, ex.n, labels, n_labels, &topics_default_opts, 1, 42, &a, err,
                                           sizeof err), -1);
    topics_docs_free(docs, ex.n);
    topics_labels_free(labels, n_labels);
    examples_free(&ex);
}

/* ---- the model file ---------------------------------------------------------- */

/* a and b give a text of label l the same label and probability. */
static void same_prediction(const struct topics_model *a, const struct topics_model *b, unsigned l, unsigned seed)
{
    char *t = text_of(l, seed);
    double p1, p2;
    assert_int_equal(predict(a, t, &p1), predict(b, t, &p2));
    assert_true(p1 == p2);
    free(t);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(*len);
    assert_int_equal(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

static void round_trip(const struct topics_opts *o)
{
    char dir[TEMP_DIR_MAX], path[256], err[512];
    temp_dir_make(dir, "topics");
    snprintf(path, sizeof path, "%s/m.model", dir);
    struct topics_model *m = train_three(o);
    assert_int_equal(model_save(m, path, err, sizeof err), 0);
    struct topics_model *r = model_load(path, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(r->n_labels, m->n_labels);
    assert_int_equal(r->n_feat, m->n_feat);
    assert_memory_equal(&r->opts, &m->opts, sizeof m->opts);
    assert_true(r->prob_scale == m->prob_scale);
    for (uint32_t i = 0; i < m->n_labels; i++)
        assert_string_equal(r->labels[i], m->labels[i]);
    assert_memory_equal(r->keys, m->keys, m->n_feat * sizeof *m->keys);
    assert_memory_equal(r->w, m->w, (size_t)m->n_feat * m->n_labels * sizeof *m->w);
    same_prediction(m, r, 2, 77);
    /* A compacted model classifies alike and cannot be saved. */
    model_compact(r);
    same_prediction(m, r, 2, 77);
    assert_int_equal(model_save(r, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "compacted"));
    /* No temporary file is left beside it. */
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_not_equal(access(tmp, F_OK), 0);
    model_free(m);
    model_free(r);
    temp_dir_remove(dir);
}

static void test_model_round_trip(void **state)
{
    (void)state;
    round_trip(&topics_default_opts);
    struct topics_opts o = topics_default_opts;
    o.algo = TOPICS_ALGO_SVM;
    round_trip(&o);
}

/* The bytes of a model trained with o and saved. */
static unsigned char *saved_model_of(const struct topics_opts *o, size_t *len)
{
    char dir[TEMP_DIR_MAX], path[256], err[512];
    temp_dir_make(dir, "topics");
    snprintf(path, sizeof path, "%s/m.model", dir);
    struct topics_model *m = train_three(o);
    assert_int_equal(model_save(m, path, err, sizeof err), 0);
    model_free(m);
    unsigned char *buf = slurp(path, len);
    temp_dir_remove(dir);
    return buf;
}

/* The bytes of a saved model, for the tests that break them. */
static unsigned char *saved_model(size_t *len)
{
    return saved_model_of(&topics_default_opts, len);
}

static void expect_refused(const unsigned char *buf, size_t len, const char *cause)
{
    char err[512] = "";
    struct topics_model *m = model_parse(buf, len, "/x/news.model", err, sizeof err);
    if (m)
        fail_msg("accepted a model that should be refused for: %s", cause);
    if (!strstr(err, cause) || !strstr(err, "/x/news.model"))
        fail_msg("refused with '%s', expected the file and '%s'", err, cause);
}

static void test_model_truncated(void **state)
{
    (void)state;
    size_t len;
    unsigned char *buf = saved_model(&len);
    expect_refused(buf, 0, "not a newsd topics model");
    expect_refused(buf, 12, "truncated");
    expect_refused(buf, 31, "truncated");
    expect_refused(buf, 32, "truncated");
    expect_refused(buf, len / 2, "truncated");
    expect_refused(buf, len - 1, "truncated");
    free(buf);
}

static void test_model_corrupt(void **state)
{
    (void)state;
    size_t len;
    unsigned char *buf = saved_model(&len);
    buf[len / 2] ^= 0x40;
    expect_refused(buf, len, "checksum");
    buf[len / 2] ^= 0x40;
    buf[0] = 'X';
    expect_refused(buf, len, "not a newsd topics model");
    buf[0] = 'N';
    unsigned char *longer = malloc(len + 3);
    memcpy(longer, buf, len);
    memset(longer + len, 0, 3);
    expect_refused(longer, len + 3, "trailing bytes");
    free(longer);
    /* Intact again: accepted. */
    char err[512];
    struct topics_model *m = model_parse(buf, len, "ok", err, sizeof err);
    assert_non_null(m);
    model_free(m);
    free(buf);
}

static void test_model_other_format(void **state)
{
    (void)state;
    size_t len;
    unsigned char *buf = saved_model(&len);
    /* The format number follows the 8-byte magic, little-endian. */
    buf[8] = TOPICS_MODEL_FORMAT + 1;
    expect_refused(buf, len, "model format 3, this newsd reads formats 1 to 2");
    buf[8] = 0;
    expect_refused(buf, len, "model format 0, this newsd reads formats 1 to 2");
    free(buf);
}

/* Offsets in a model file: the header's payload size and checksum, and
 * prob_scale, which format 2 put after the seven options. */
#define PAYLOAD_BYTES_AT 16
#define CHECKSUM_AT 24
#define PROB_SCALE_AT (32 + 7 * 4)

static void put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* The format 1 file of the same model: format 2 without prob_scale. */
static unsigned char *as_format_1(const unsigned char *buf, size_t len, size_t *out_len)
{
    unsigned char *old = malloc(len - 4);
    assert_non_null(old);
    memcpy(old, buf, PROB_SCALE_AT);
    memcpy(old + PROB_SCALE_AT, buf + PROB_SCALE_AT + 4, len - PROB_SCALE_AT - 4);
    *out_len = len - 4;
    old[8] = 1;
    put_le64(old + PAYLOAD_BYTES_AT, *out_len - 32);
    put_le64(old + CHECKSUM_AT, topics_hash(TOPICS_HASH_INIT, old + 32, *out_len - 32));
    return old;
}

static void test_model_format_1_still_reads(void **state)
{
    (void)state;
    size_t len, old_len;
    char err[512];
    unsigned char *buf = saved_model(&len);
    unsigned char *old = as_format_1(buf, len, &old_len);
    struct topics_model *now = model_parse(buf, len, "new", err, sizeof err);
    struct topics_model *was = model_parse(old, old_len, "old", err, sizeof err);
    if (!was)
        fail_msg("a format 1 model was refused: %s", err);
    assert_non_null(now);
    assert_true(was->prob_scale == 1.0f);
    assert_memory_equal(&was->opts, &now->opts, sizeof now->opts);
    same_prediction(was, now, 0, 99);
    model_free(was);
    model_free(now);
    free(old);
    free(buf);
    /* Format 1 knew no SVM: such a file is not one newsd wrote. */
    struct topics_opts o = topics_default_opts;
    o.algo = TOPICS_ALGO_SVM;
    buf = saved_model_of(&o, &len);
    old = as_format_1(buf, len, &old_len);
    expect_refused(old, old_len, "corrupt: impossible options");
    free(old);
    free(buf);
}

/* ---- adding examples to a stored model -------------------------------------- */

static size_t lines_of(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = 0;
    for (int c; (c = fgetc(f)) != EOF;)
        n += c == '\n';
    fclose(f);
    return n;
}

static void test_store_learn_adds_label(void **state)
{
    (void)state;
    char dir[TEMP_DIR_MAX], models[128], model_path[256], ex_path[256], err[512];
    temp_dir_make(dir, "topics");
    snprintf(models, sizeof models, "%s/state/models", dir);
    snprintf(model_path, sizeof model_path, "%s/news.model", models);
    snprintf(ex_path, sizeof ex_path, "%s/news.examples", models);

    struct topics_examples ex = {0};
    add_examples(&ex, 0, 0, 8);
    add_examples(&ex, 1, 0, 8);
    struct topics_opts o = topics_default_opts;
    o.algo = TOPICS_ALGO_NB;   /* kept by the update below */
    uint32_t n_labels = 0;
    assert_int_equal(store_train(models, "news", &ex, &o, &n_labels, err, sizeof err), 0);
    assert_int_equal(n_labels, 2);
    examples_free(&ex);
    assert_int_equal(lines_of(ex_path), 16);

    char *t = text_of(2, 500);
    struct topics_model *m = model_load(model_path, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(m->n_labels, 2);
    model_free(m);

    /* Eight tech examples: the model learns a third label. */
    add_examples(&ex, 2, 0, 8);
    size_t total = 0;
    assert_int_equal(store_learn(models, "news", &ex, &total, err, sizeof err), 0);
    examples_free(&ex);
    assert_int_equal(total, 24);
    assert_int_equal(lines_of(ex_path), 24);
    m = model_load(model_path, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(m->n_labels, 3);
    assert_int_equal(m->opts.algo, TOPICS_ALGO_NB);
    assert_string_equal(label_of(m, predict(m, t, NULL)), "tech");
    model_free(m);
    free(t);

    /* A broken examples file is refused naming its line; nothing changes. */
    FILE *f = fopen(ex_path, "a");
    fputs("{\"title\": \"no label\"}\n", f);
    fclose(f);
    add_examples(&ex, 2, 10, 1);
    assert_int_equal(store_learn(models, "news", &ex, &total, err, sizeof err), -1);
    assert_non_null(strstr(err, "news.examples:25:"));
    examples_free(&ex);
    add_examples(&ex, 2, 10, 1);
    assert_int_equal(store_learn(models, "../evil", &ex, &total, err, sizeof err), -1);
    assert_non_null(strstr(err, "model name"));
    examples_free(&ex);
    temp_dir_remove(dir);
}

int main(void)
{
    use_build_data_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_features_stems_and_chars),
        cmocka_unit_test(test_features_chars_ascii_and_not),
        cmocka_unit_test(test_features_by_type_match),
        cmocka_unit_test(test_train_logistic_regression),
        cmocka_unit_test(test_train_naive_bayes),
        cmocka_unit_test(test_train_svm),
        cmocka_unit_test(test_scores_look_up_every_feature),
        cmocka_unit_test(test_scores_seven_labels),
        cmocka_unit_test(test_scores_few_features_small_and_huge_model),
        cmocka_unit_test(test_features_chars_long_words),
        cmocka_unit_test(test_train_needs_two_labels),
        cmocka_unit_test(test_cross_validation),
        cmocka_unit_test(test_model_round_trip),
        cmocka_unit_test(test_model_truncated),
        cmocka_unit_test(test_model_corrupt),
        cmocka_unit_test(test_model_other_format),
        cmocka_unit_test(test_model_format_1_still_reads),
        cmocka_unit_test(test_store_learn_adds_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
