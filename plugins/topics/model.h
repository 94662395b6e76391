/*
 * model: a trained topics classifier, its file and its use.
 *
 * A model is linear in the features of features.h: for each label a
 * weight per known feature and a bias.  How a text's features become
 * values, and scores become probabilities, depends on the algorithm:
 *   - TOPICS_ALGO_LR (logistic regression, one against the rest):
 *     values are (1 + ln tf) * idf, the vector scaled to length 1; each
 *     label's probability is the logistic of its score, normalised to
 *     sum 1 over the labels;
 *   - TOPICS_ALGO_NBLR (logistic regression on naive Bayes features, the
 *     NBSVM of Wang and Manning, 2012): values are 1 for a feature that
 *     is there, the vector scaled to length 1; each label's regression
 *     sees them multiplied by the feature's log-count ratio for the label,
 *     which the stored weights include; probabilities as for LR;
 *   - TOPICS_ALGO_NB (multinomial naive Bayes): values are the counts,
 *     weights the log-probabilities of a feature given the label, the bias
 *     the log prior; probabilities are the softmax of the scores;
 *   - TOPICS_ALGO_SVM (linear SVM, L2-regularised, squared hinge loss, one
 *     against the rest): values as for LR; an SVM's scores are distances
 *     from its margins, not log-odds, so probabilities are the softmax of
 *     the scores times prob_scale, a factor fitted at training on scores of
 *     texts the SVM did not see (see train.h).
 *
 * The file (little-endian, written in one go through a temporary name and
 * a rename, so a reader sees the old model or the new one):
 *   "NEWSDTPC" | u32 format | u32 header bytes | u64 payload bytes |
 *   u64 FNV-1a of the payload | payload
 * Format 2 added prob_scale after the options; a format 1 file (LR, NB or
 * NBLR, which have no use for it) still loads.  A file of another format,
 * truncated, or whose payload does not match its checksum is refused with
 * a sentence that says which.
 *
 * A loaded model is read-only: many threads may classify with it at once.
 * Public ABI only (the plugin and newsd share this file).
 */
#ifndef TOPICS_MODEL_H
#define TOPICS_MODEL_H

#include <newsd/plugin.h>

#include <stddef.h>
#include <stdint.h>

#include "features.h"

#define TOPICS_MODEL_FORMAT 2          /* what model_save() writes */
#define TOPICS_MODEL_FORMAT_OLDEST 1   /* the oldest model_parse() reads */
#define TOPICS_MODEL_MAGIC "NEWSDTPC"

enum topics_algo {
    TOPICS_ALGO_NB = 1,
    TOPICS_ALGO_LR = 2,
    TOPICS_ALGO_NBLR = 3,
    TOPICS_ALGO_SVM = 4,
};

/* How a model is trained and what it reads. */
struct topics_opts {
    uint32_t algo;        /* enum topics_algo */
    uint32_t features;    /* OR of enum topics_feature_kind */
    uint32_t char_min, char_max;
    uint32_t min_df;      /* a feature must be in this many training texts */
    float c;              /* LR, NBLR, SVM: inverse regularisation (liblinear's C) */
    float alpha;          /* NB: additive smoothing */
};

/* What newsd learn uses when not told otherwise (docs/plugins.md, "topics",
 * has the measurements behind the choice). */
extern const struct topics_opts topics_default_opts;

struct topics_model {
    struct topics_opts opts;
    uint32_t n_labels;
    char **labels;        /* valid UTF-8, no control characters */
    uint32_t n_feat;
    uint64_t *keys;       /* [n_feat] feature hashes */
    float *idf;           /* [n_feat] (LR; 1 for NB) */
    float *w;             /* [n_feat * n_labels], a feature's labels side by side */
    float *bias;          /* [n_labels] */
    float prob_scale;     /* SVM: probabilities are softmax(prob_scale * scores); 1 otherwise */
    /* The lookup, built by model_index(): open addressing over the keys,
     * a byte of each key's hash per slot (tags: 0 is empty) in front of
     * rows that hold the key and its weights side by side.  Most of an
     * article's features are not in the model, and the small tag array
     * answers those from the cache; a feature that is there costs one
     * read of its row, which holds the idf and the weights in 16 bits
     * (fixed point: a weight is w_q * w_scale), so that rows are small
     * and more of them stay in the cache.  Only occupied slots have a
     * row: a slot's row is the number of occupied slots before it (one
     * bit a slot in occupied[], their count before each 64 in rank[]),
     * so the 30-65 % of slots that are empty cost 1.2 bytes, not a row.
     * The feature's index, which only training asks for (model_find()),
     * is in index[] per slot, apart from the rows, and model_compact()
     * drops it. */
    unsigned char *lookup; /* the mapping that holds tags, occupied, rank and rows */
    size_t lookup_bytes;
    uint8_t *tags;
    uint64_t *occupied;   /* [cap / 64] a bit per slot */
    uint32_t *rank;       /* [cap / 64] occupied slots before each word of occupied[] */
    unsigned char *rows;  /* [n_feat] slot_bytes each: u64 key, u16 idf, i16 w[n_labels] */
    uint32_t *index;      /* per slot: the feature's index in keys[] */
    size_t slot_bytes;
    double w_scale;
    double log_count[64]; /* log(c) for the small counts, as log() gives it */
    uint32_t table_mask;
};

/* A model with room for n_labels (copied) and n_feat features, weights 0.
 * NULL when out of memory. */
struct topics_model *model_new(const struct topics_opts *o, char *const *labels, uint32_t n_labels,
                               uint32_t n_feat);
void model_free(struct topics_model *m);
/* Build the lookup table once keys[] are set.  0, or -1 when out of memory. */
int model_index(struct topics_model *m);
/* Drop keys[], idf[] and w[], which only training and model_save() read:
 * a model that only classifies keeps its lookup alone (half the memory).
 * model_save() refuses a compacted model. */
void model_compact(struct topics_model *m);
/* The index of a feature hash, or -1. */
int64_t model_find(const struct topics_model *m, uint64_t key);

/* The score of each label (scores: n_labels) for a text's feature counts:
 * the linear model's output before it becomes a probability. */
void model_scores_counts(const struct topics_model *m, const struct fcount *fc, double *scores);
/* Probabilities of each label (probs: n_labels) for a text's feature
 * counts.  0, or -1 when out of memory. */
int model_predict_counts(const struct topics_model *m, const struct fcount *fc, double *probs);
/* The same for an analysis: its features, then model_predict_counts(). */
int model_predict(const struct topics_model *m, const newsd_analysis *an, double *probs);

/* Write m to path (through path.tmp, fsync'd, renamed).  0, or -1 with a
 * sentence in err. */
int model_save(const struct topics_model *m, const char *path, char *err, size_t errlen);
/* Read a model.  NULL with a sentence in err (naming the file and the
 * cause: missing, not a model, another format, truncated, corrupt). */
struct topics_model *model_load(const char *path, char *err, size_t errlen);
/* The same from bytes in memory (name is for the messages). */
struct topics_model *model_parse(const unsigned char *buf, size_t len, const char *name, char *err,
                                 size_t errlen);

/* Write a message into err (errlen bytes): how the classifier's
 * functions give their reasons. */
void topics_say(char *err, size_t errlen, const char *fmt, ...) NEWSD_PRINTF(3, 4);

/* 1 when s is a label a model takes (the LABEL of a topic:LABEL tag):
 * 1..200 bytes of valid UTF-8 without control characters. */
int topics_label_valid(const char *s);

#endif
