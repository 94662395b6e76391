/*
 * train: a topics model from labelled texts, and k-fold cross-validation.
 * Part of newsd itself (newsd learn, and the control API's POST /learn),
 * not of the plugin: it links liblinear for logistic regression.
 */
#ifndef TOPICS_TRAIN_H
#define TOPICS_TRAIN_H

#include "model.h"

/* One labelled text, as its feature counts (features_add() with the
 * options the model is trained with). */
struct topics_doc {
    uint32_t label;      /* index into the label list */
    struct fcount f;
};

/* Train on docs[subset[0..n_sub)] (subset NULL: all n).  labels: the
 * n_labels names (a label without a text keeps weight 0 and a low bias).
 * An SVM's prob_scale is fitted on scores from an inner 3-fold split of
 * the texts (three more trainings on two thirds of them).
 * Returns the model, or NULL with a sentence in err. */
struct topics_model *topics_train(const struct topics_doc *docs, size_t n, const size_t *subset, size_t n_sub,
                                  char *const *labels, uint32_t n_labels, const struct topics_opts *o,
                                  char *err, size_t errlen);

struct topics_cv {
    uint32_t folds;
    size_t n;              /* texts evaluated */
    double accuracy, macro_f1;
    uint32_t n_labels;
    double *precision, *recall, *f1;   /* [n_labels] */
    size_t *support;                  /* [n_labels]: texts of that label */
    double train_s;        /* seconds spent training, all folds */
};

/* Stratified k-fold cross-validation: each label's texts shuffled with
 * seed and dealt round the folds, so each fold holds about 1/k of every
 * label.  0, or -1 with err. */
int topics_cross_validate(const struct topics_doc *docs, size_t n, char *const *labels, uint32_t n_labels,
                          const struct topics_opts *o, uint32_t folds, uint64_t seed, struct topics_cv *out,
                          char *err, size_t errlen);
void topics_cv_free(struct topics_cv *cv);

#endif
