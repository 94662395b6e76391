/* train: vocabulary, TF-IDF, naive Bayes, liblinear's logistic regression and SVM; cross-validation (train.h). */
#include "train.h"

#define TOPICS_LINEAR_CALLS
#include "linear_load.h"

#include <linear.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


/* liblinear prints its progress on stdout unless told otherwise. */
static void quiet(const char *s)
{
    (void)s;
}

/* The features of at least min_df training texts, in a model with their
 * document frequencies in idf[] for now. */
static struct topics_model *vocabulary(const struct topics_doc *docs, const size_t *sub, size_t n_sub,
                                       char *const *labels, uint32_t n_labels, const struct topics_opts *o)
{
    struct fcount df = {0};
    struct topics_model *m = NULL;
    for (size_t k = 0; k < n_sub; k++) {
        const struct fcount *f = &docs[sub[k]].f;
        for (size_t s = 0; s < f->cap; s++)
            if (f->e[s].key && fcount_add(&df, f->e[s].key, 1) < 0)
                goto out;
    }
    uint32_t n_feat = 0;
    for (size_t s = 0; s < df.cap; s++)
        if (df.e[s].key && df.e[s].count >= o->min_df)
            n_feat++;
    m = model_new(o, labels, n_labels, n_feat);
    if (!m)
        goto out;
    n_feat = 0;
    for (size_t s = 0; s < df.cap; s++)
        if (df.e[s].key && df.e[s].count >= o->min_df) {
            m->keys[n_feat] = df.e[s].key;
            m->idf[n_feat++] = (float)df.e[s].count;
        }
    if (model_index(m) < 0) {
        model_free(m);
        m = NULL;
    }
out:
    fcount_free(&df);
    return m;
}

static int train_nb(struct topics_model *m, const struct topics_doc *docs, const size_t *sub, size_t n_sub)
{
    uint32_t L = m->n_labels;
    double *total = calloc(L, sizeof *total), *prior = calloc(L, sizeof *prior);
    if (!total || !prior) {
        free(total);
        free(prior);
        return -1;
    }
    /* w holds the counts per feature and label first, then their logs. */
    for (size_t k = 0; k < n_sub; k++) {
        const struct topics_doc *d = &docs[sub[k]];
        prior[d->label] += 1;
        for (size_t s = 0; s < d->f.cap; s++) {
            if (!d->f.e[s].key)
                continue;
            int64_t i = model_find(m, d->f.e[s].key);
            if (i < 0)
                continue;
            m->w[(size_t)i * L + d->label] += (float)d->f.e[s].count;
            total[d->label] += d->f.e[s].count;
        }
    }
    double alpha = m->opts.alpha > 0 ? m->opts.alpha : 1e-3;
    for (uint32_t l = 0; l < L; l++) {
        double denom = log(total[l] + alpha * m->n_feat);
        for (uint32_t i = 0; i < m->n_feat; i++) {
            float *w = &m->w[(size_t)i * L + l];
            *w = (float)(log(*w + alpha) - denom);
        }
        /* A label without texts: never the most probable. */
        m->bias[l] = prior[l] > 0 ? (float)log(prior[l] / (double)n_sub) : -30.0f;
    }
    for (uint32_t i = 0; i < m->n_feat; i++)
        m->idf[i] = 1.0f;
    free(total);
    free(prior);
    return 0;
}

static int cmp_node(const void *a, const void *b)
{
    const struct feature_node *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* The rows liblinear reads, one per text of sub: its features that the
 * vocabulary knows (index + 1), valued (1 + ln tf) * idf, or 1 when binary,
 * scaled to length 1 and in index order, then the bias feature and the end
 * mark.  space has room for rows_room() entries; rows[k] points into it. */
static size_t rows_room(const struct topics_doc *docs, const size_t *sub, size_t n_sub)
{
    size_t nnz = 0;
    for (size_t k = 0; k < n_sub; k++)
        nnz += docs[sub[k]].f.n + 2;
    return nnz;
}

static void build_rows(const struct topics_model *m, const struct topics_doc *docs, const size_t *sub, size_t n_sub,
                       int binary, struct feature_node *space, struct feature_node **rows)
{
    size_t at = 0;
    for (size_t k = 0; k < n_sub; k++) {
        const struct topics_doc *d = &docs[sub[k]];
        struct feature_node *row = space + at;
        size_t len = 0;
        double norm2 = 0;
        for (size_t s = 0; s < d->f.cap; s++) {
            if (!d->f.e[s].key)
                continue;
            int64_t i = model_find(m, d->f.e[s].key);
            if (i < 0)
                continue;
            double v = binary ? 1.0 : (1.0 + log((double)d->f.e[s].count)) * m->idf[i];
            row[len++] = (struct feature_node){.index = (int)i + 1, .value = v};
            norm2 += v * v;
        }
        double scale = norm2 > 0 ? 1.0 / sqrt(norm2) : 1.0;
        for (size_t j = 0; j < len; j++)
            row[j].value *= scale;
        qsort(row, len, sizeof *row, cmp_node);
        row[len++] = (struct feature_node){.index = (int)m->n_feat + 1, .value = 1.0};
        row[len++] = (struct feature_node){.index = -1};
        rows[k] = row;
        at += len;
    }
}

/* Logistic regression, or the SVM: liblinear on TF-IDF rows, one model
 * per label against the rest. */
static int train_linear(struct topics_model *m, const struct topics_doc *docs, const size_t *sub, size_t n_sub,
                        char *err, size_t errlen)
{
    uint32_t L = m->n_labels;
    double N = (double)n_sub;
    /* idf[] holds document frequencies until here. */
    for (uint32_t i = 0; i < m->n_feat; i++)
        m->idf[i] = (float)(log((1.0 + N) / (1.0 + m->idf[i])) + 1.0);

    struct feature_node *space = malloc(rows_room(docs, sub, n_sub) * sizeof *space);
    struct feature_node **x = malloc(n_sub * sizeof *x);
    double *y = malloc(n_sub * sizeof *y);
    int rc = -1;
    if (!space || !x || !y) {
        topics_say(err, errlen, "out of memory for %zu texts", n_sub);
        goto out;
    }
    build_rows(m, docs, sub, n_sub, 0, space, x);
    for (size_t k = 0; k < n_sub; k++)
        y[k] = docs[sub[k]].label;
    struct problem prob = {.l = (int)n_sub, .n = (int)m->n_feat + 1, .y = y, .x = x, .bias = 1.0};
    int solver = m->opts.algo == TOPICS_ALGO_SVM ? L2R_L2LOSS_SVC_DUAL : L2R_LR_DUAL;
    struct parameter param = {.solver_type = solver, .eps = 0.1, .C = m->opts.c};
    const char *bad = check_parameter(&prob, &param);
    if (bad) {
        topics_say(err, errlen, "liblinear refuses the parameters: %s", bad);
        goto out;
    }
    set_print_string_function(quiet);
    struct model *lm = train(&prob, &param);
    if (!lm) {
        topics_say(err, errlen, "liblinear could not train");
        goto out;
    }
    int nr = get_nr_class(lm);
    /* liblinear's classes are the labels it saw, in its own order; with
     * two it keeps one weight vector, for its first class. */
    for (uint32_t l = 0; l < L; l++)
        m->bias[l] = -30.0f;
    for (int k = 0; k < nr; k++) {
        uint32_t l = (uint32_t)lm->label[k];
        int col = nr == 2 ? 0 : k;
        double sign = nr == 2 && k == 1 ? -1.0 : 1.0;
        int stride = nr == 2 ? 1 : nr;
        for (uint32_t i = 0; i < m->n_feat; i++)
            m->w[(size_t)i * L + l] = (float)(sign * lm->w[(size_t)i * stride + col]);
        m->bias[l] = (float)(sign * lm->w[(size_t)m->n_feat * stride + col]);
    }
    free_and_destroy_model(&lm);
    rc = 0;
out:
    free(space);
    free(x);
    free(y);
    return rc;
}

/* NBSVM: per label, binary features times their log-count ratio
 * r = log((p + a) / |p + a|_1) - log((q + a) / |q + a|_1), p and q the
 * feature's counts in the label's texts and in the others; one regression
 * of the label against the rest on x * r; the stored weight is w * r. */
static int train_nblr(struct topics_model *m, const struct topics_doc *docs, const size_t *sub, size_t n_sub,
                      char *err, size_t errlen)
{
    uint32_t L = m->n_labels, F = m->n_feat;
    const double a = 1.0;
    size_t room = rows_room(docs, sub, n_sub);
    struct feature_node *space = malloc(room * sizeof *space), *base = malloc(room * sizeof *base);
    struct feature_node **x = malloc(n_sub * sizeof *x), **base_rows = malloc(n_sub * sizeof *base_rows);
    double *y = malloc(n_sub * sizeof *y);
    float *cnt = calloc((size_t)F * L, sizeof *cnt);   /* texts of label l with feature i */
    double *r = malloc(F * sizeof *r);
    int rc = -1;
    if (!space || !base || !x || !base_rows || !y || !cnt || !r) {
        topics_say(err, errlen, "out of memory for %zu texts", n_sub);
        goto out;
    }
    build_rows(m, docs, sub, n_sub, 1, base, base_rows);
    for (size_t k = 0; k < n_sub; k++)
        for (const struct feature_node *p = base_rows[k]; p->index != -1; p++)
            if ((uint32_t)p->index <= F)
                cnt[(size_t)(p->index - 1) * L + docs[sub[k]].label] += 1;
    set_print_string_function(quiet);
    for (uint32_t l = 0; l < L; l++) {
        double psum = 0, qsum = 0;
        for (uint32_t i = 0; i < F; i++) {
            double p = cnt[(size_t)i * L + l], tot = 0;
            for (uint32_t k = 0; k < L; k++)
                tot += cnt[(size_t)i * L + k];
            psum += p + a;
            qsum += tot - p + a;
        }
        size_t n_pos = 0;
        for (size_t k = 0; k < n_sub; k++)
            n_pos += docs[sub[k]].label == l;
        m->bias[l] = -30.0f;
        if (n_pos == 0)
            continue;
        for (uint32_t i = 0; i < F; i++) {
            double p = cnt[(size_t)i * L + l], tot = 0;
            for (uint32_t k = 0; k < L; k++)
                tot += cnt[(size_t)i * L + k];
            r[i] = log((p + a) / psum) - log((tot - p + a) / qsum);
        }
        memcpy(space, base, room * sizeof *space);
        for (size_t k = 0; k < n_sub; k++) {
            struct feature_node *row = space + (base_rows[k] - base);
            x[k] = row;
            y[k] = docs[sub[k]].label == l ? 1 : -1;
            for (; row->index != -1; row++)
                if ((uint32_t)row->index <= F)
                    row->value *= r[row->index - 1];
        }
        struct problem prob = {.l = (int)n_sub, .n = (int)F + 1, .y = y, .x = x, .bias = 1.0};
        struct parameter param = {.solver_type = L2R_LR_DUAL, .eps = 0.1, .C = m->opts.c};
        const char *bad = check_parameter(&prob, &param);
        if (bad) {
            topics_say(err, errlen, "liblinear refuses the parameters: %s", bad);
            goto out;
        }
        struct model *lm = train(&prob, &param);
        if (!lm) {
            topics_say(err, errlen, "liblinear could not train");
            goto out;
        }
        /* Two classes: one weight vector, for liblinear's first label. */
        double sign = lm->label[0] == 1 ? 1.0 : -1.0;
        for (uint32_t i = 0; i < F; i++)
            m->w[(size_t)i * L + l] = (float)(sign * lm->w[i] * r[i]);
        m->bias[l] = (float)(sign * lm->w[F]);
        free_and_destroy_model(&lm);
    }
    for (uint32_t i = 0; i < F; i++)
        m->idf[i] = 1.0f;
    rc = 0;
out:
    free(space);
    free(base);
    free(x);
    free(base_rows);
    free(y);
    free(cnt);
    free(r);
    return rc;
}

/* A model of docs[subset[0..n_sub)], its probabilities not calibrated. */
static struct topics_model *train_model(const struct topics_doc *docs, const size_t *subset, size_t n_sub,
                                        char *const *labels, uint32_t n_labels, const struct topics_opts *o,
                                        char *err, size_t errlen)
{
    struct topics_model *m = NULL;
    uint32_t seen = 0;
    for (uint32_t l = 0; l < n_labels; l++)
        for (size_t k = 0; k < n_sub; k++)
            if (docs[subset[k]].label == l) {
                seen++;
                break;
            }
    if (seen < 2) {
        topics_say(err, errlen, "a model needs texts of at least two labels (%u given)", seen);
        goto out;
    }
    m = vocabulary(docs, subset, n_sub, labels, n_labels, o);
    if (!m) {
        topics_say(err, errlen, "out of memory for the vocabulary");
        goto out;
    }
    if (m->n_feat == 0) {
        topics_say(err, errlen, "no feature occurs in %u or more texts: too few or too short texts", o->min_df);
        goto fail;
    }
    if (o->algo != TOPICS_ALGO_NB && topics_linear_load(err, errlen) < 0)
        goto fail;
    if (o->algo == TOPICS_ALGO_NB) {
        if (train_nb(m, docs, subset, n_sub) < 0) {
            topics_say(err, errlen, "out of memory for naive Bayes");
            goto fail;
        }
    } else if (o->algo == TOPICS_ALGO_NBLR) {
        if (train_nblr(m, docs, subset, n_sub, err, errlen) < 0)
            goto fail;
    } else if (train_linear(m, docs, subset, n_sub, err, errlen) < 0) {
        goto fail;
    }
    /* The lookup holds copies of the weights, set only now. */
    if (model_index(m) < 0) {
        topics_say(err, errlen, "out of memory for the model's lookup");
        goto fail;
    }
    return m;
fail:
    model_free(m);
out:
    return NULL;
}

/* Mean cross-entropy of softmax(k * s) against targets that give the true
 * label 1 - eps and the others eps / (L - 1).  Smoothed as Platt (1999)
 * smooths his: with targets of exactly 1, scores that separate every
 * held-out text would drive k to infinity and every probability to 0 or 1. */
static double nll(const double *scores, const uint32_t *truth, size_t n, uint32_t L, double k)
{
    double eps = 1.0 / ((double)n + 2.0), total = 0;
    for (size_t i = 0; i < n; i++) {
        const double *s = scores + i * L;
        double max = s[0], sum = 0, others = 0;
        for (uint32_t l = 1; l < L; l++)
            if (s[l] > max)
                max = s[l];
        for (uint32_t l = 0; l < L; l++) {
            sum += exp(k * (s[l] - max));
            if (l != truth[i])
                others += s[l] - max;
        }
        total += log(sum) - k * ((1 - eps) * (s[truth[i]] - max) + eps / (L - 1) * others);
    }
    return n ? total / (double)n : 0;
}

#define CALIB_FOLDS 3

/* The SVM's prob_scale: the k that makes softmax(k * scores) most likely on
 * scores of texts the SVM did not see (nll(): with smoothed targets).  Each
 * text of sub is scored by a model of the other CALIB_FOLDS - 1 folds (each
 * label's texts dealt round the folds in turn); the cross-entropy is convex
 * in k, so a ternary search over ln k finds its minimum.  When a fold's
 * model cannot be trained (too few texts: it needs two labels and
 * features), the final model's scores of its own texts stand in: they are
 * surer than they should be, so the scale comes out too large
 * (probabilities too close to 0 and 1), never wrong in order.
 * 0, or -1 with err. */
static int calibrate(struct topics_model *m, const struct topics_doc *docs, const size_t *sub, size_t n_sub,
                     char *const *labels, uint32_t L, char *err, size_t errlen)
{
    double *scores = malloc((n_sub ? n_sub : 1) * L * sizeof *scores);
    uint32_t *truth = malloc((n_sub ? n_sub : 1) * sizeof *truth), *fold = malloc((n_sub ? n_sub : 1) * sizeof *fold);
    size_t *train_set = malloc((n_sub ? n_sub : 1) * sizeof *train_set);
    int rc = -1;
    if (!scores || !truth || !fold || !train_set) {
        topics_say(err, errlen, "out of memory for calibration");
        goto out;
    }
    uint32_t next = 0;
    for (uint32_t l = 0; l < L; l++)
        for (size_t k = 0; k < n_sub; k++)
            if (docs[sub[k]].label == l) {
                fold[k] = next;
                next = (next + 1) % CALIB_FOLDS;
            }
    for (size_t k = 0; k < n_sub; k++)
        truth[k] = docs[sub[k]].label;
    int held_out = 1;
    for (uint32_t f = 0; f < CALIB_FOLDS && held_out; f++) {
        size_t n_train = 0;
        for (size_t k = 0; k < n_sub; k++)
            if (fold[k] != f)
                train_set[n_train++] = sub[k];
        char why[256];
        struct topics_model *part = train_model(docs, train_set, n_train, labels, L, &m->opts, why, sizeof why);
        if (!part) {
            held_out = 0;
            break;
        }
        for (size_t k = 0; k < n_sub; k++)
            if (fold[k] == f)
                model_scores_counts(part, &docs[sub[k]].f, scores + k * L);
        model_free(part);
    }
    if (!held_out)
        for (size_t k = 0; k < n_sub; k++)
            model_scores_counts(m, &docs[sub[k]].f, scores + k * L);
    double lo = log(0.01), hi = log(1000.0);
    for (int i = 0; i < 100; i++) {
        double a = lo + (hi - lo) / 3, b = hi - (hi - lo) / 3;
        if (nll(scores, truth, n_sub, L, exp(a)) <= nll(scores, truth, n_sub, L, exp(b)))
            hi = b;
        else
            lo = a;
    }
    m->prob_scale = (float)exp((lo + hi) / 2);
    rc = 0;
out:
    free(scores);
    free(truth);
    free(fold);
    free(train_set);
    return rc;
}

struct topics_model *topics_train(const struct topics_doc *docs, size_t n, const size_t *subset, size_t n_sub,
                                  char *const *labels, uint32_t n_labels, const struct topics_opts *o,
                                  char *err, size_t errlen)
{
    size_t *all = NULL;

    if (!subset) {
        all = malloc((n ? n : 1) * sizeof *all);
        if (!all) {
            topics_say(err, errlen, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < n; i++)
            all[i] = i;
        subset = all;
        n_sub = n;
    }
    struct topics_model *m = train_model(docs, subset, n_sub, labels, n_labels, o, err, errlen);
    if (m && o->algo == TOPICS_ALGO_SVM && calibrate(m, docs, subset, n_sub, labels, n_labels, err, errlen) < 0) {
        model_free(m);
        m = NULL;
    }
    free(all);
    return m;
}

/* splitmix64: a small generator whose sequence is the same everywhere. */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void topics_cv_free(struct topics_cv *cv)
{
    free(cv->precision);
    free(cv->recall);
    free(cv->f1);
    free(cv->support);
    memset(cv, 0, sizeof *cv);
}

int topics_cross_validate(const struct topics_doc *docs, size_t n, char *const *labels, uint32_t n_labels,
                          const struct topics_opts *o, uint32_t folds, uint64_t seed, struct topics_cv *out,
                          char *err, size_t errlen)
{
    uint32_t L = n_labels;
    uint32_t *fold = malloc((n ? n : 1) * sizeof *fold);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    size_t *train_set = malloc((n ? n : 1) * sizeof *train_set);
    size_t *confusion = calloc((size_t)L * L, sizeof *confusion);   /* [truth * L + predicted] */
    double *probs = malloc(L * sizeof *probs);
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (!fold || !order || !train_set || !confusion || !probs) {
        topics_say(err, errlen, "out of memory");
        goto out;
    }
    if (folds < 2 || folds > n) {
        topics_say(err, errlen, "%u folds for %zu texts: need 2 to %zu", folds, n, n);
        goto out;
    }
    /* Stratify: each label's texts in a shuffled order, dealt round the
     * folds, the next label starting where the last one stopped. */
    uint32_t next_fold = 0;
    for (uint32_t l = 0; l < L; l++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (docs[i].label == l)
                order[m++] = i;
        for (size_t i = m; i > 1; i--) {
            size_t j = (size_t)(next_rand(&seed) % i);
            size_t t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        for (size_t i = 0; i < m; i++) {
            fold[order[i]] = next_fold;
            next_fold = (next_fold + 1) % folds;
        }
    }
    double t_train = 0;
    for (uint32_t f = 0; f < folds; f++) {
        size_t n_train = 0;
        for (size_t i = 0; i < n; i++)
            if (fold[i] != f)
                train_set[n_train++] = i;
        double t0 = seconds();
        struct topics_model *m = topics_train(docs, n, train_set, n_train, labels, L, o, err, errlen);
        t_train += seconds() - t0;
        if (!m)
            goto out;
        for (size_t i = 0; i < n; i++) {
            if (fold[i] != f)
                continue;
            if (model_predict_counts(m, &docs[i].f, probs) < 0) {
                model_free(m);
                topics_say(err, errlen, "out of memory");
                goto out;
            }
            uint32_t best = 0;
            for (uint32_t l = 1; l < L; l++)
                if (probs[l] > probs[best])
                    best = l;
            confusion[(size_t)docs[i].label * L + best]++;
        }
        model_free(m);
    }

    out->folds = folds;
    out->n = n;
    out->n_labels = L;
    out->train_s = t_train;
    out->precision = calloc(L, sizeof(double));
    out->recall = calloc(L, sizeof(double));
    out->f1 = calloc(L, sizeof(double));
    out->support = calloc(L, sizeof(size_t));
    if (!out->precision || !out->recall || !out->f1 || !out->support) {
        topics_cv_free(out);
        topics_say(err, errlen, "out of memory");
        goto out;
    }
    size_t correct = 0, n_present = 0;
    double f1_sum = 0;
    for (uint32_t l = 0; l < L; l++) {
        size_t tp = confusion[(size_t)l * L + l], truth = 0, pred = 0;
        for (uint32_t k = 0; k < L; k++) {
            truth += confusion[(size_t)l * L + k];
            pred += confusion[(size_t)k * L + l];
        }
        correct += tp;
        out->support[l] = truth;
        out->precision[l] = pred ? (double)tp / pred : 0;
        out->recall[l] = truth ? (double)tp / truth : 0;
        double p = out->precision[l], r = out->recall[l];
        out->f1[l] = p + r > 0 ? 2 * p * r / (p + r) : 0;
        if (truth) {
            f1_sum += out->f1[l];
            n_present++;
        }
    }
    out->accuracy = n ? (double)correct / n : 0;
    out->macro_f1 = n_present ? f1_sum / n_present : 0;
    rc = 0;
out:
    free(fold);
    free(order);
    free(train_set);
    free(confusion);
    free(probs);
    return rc;
}
