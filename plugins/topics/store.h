/*
 * store: a model's examples and the model built from them, in
 * MODELS_DIR (STATE_DIR/models):
 *   NAME.model     the classifier (model.h), what the topics plugin reads;
 *   NAME.examples  the texts it was trained on, one JSON object a line:
 *                  {"label", "lang", "title", "body"}.
 * Adding examples (newsctl learn) appends to the examples and trains the
 * model again from all of them: on 600 texts that takes about a second
 * (docs/plugins.md, "topics"), so no incremental update of the weights is
 * needed, and the model stays what `newsd learn` would make of the same
 * texts.  Both files are replaced through a rename, so the plugin, which
 * reloads NAME.model when it changes, never sees half a file.
 *
 * Part of newsd (newsd learn, POST /learn), not of the plugin.
 */
#ifndef TOPICS_STORE_H
#define TOPICS_STORE_H

#include "train.h"

struct topics_example {
    char *label, *lang, *title, *body;
};

struct topics_examples {
    struct topics_example *v;
    size_t n, cap;
};

/* Take ownership of the four strings (malloc'd; lang, title may be "").
 * 0, or -1 when out of memory (the strings are freed). */
int examples_add(struct topics_examples *ex, char *label, char *lang, char *title, char *body);
void examples_free(struct topics_examples *ex);
/* Read path; a missing file is no examples.  0, or -1 with err naming the
 * file and line. */
int examples_load(const char *path, struct topics_examples *ex, char *err, size_t errlen);

/* The features of every example for o, and the sorted distinct labels.
 * docs: n entries; labels: *n_labels malloc'd strings.  0, or -1 with err. */
int examples_featurize(const struct topics_examples *ex, const struct topics_opts *o, struct topics_doc **docs,
                       char ***labels, uint32_t *n_labels, char *err, size_t errlen);
void topics_docs_free(struct topics_doc *docs, size_t n);
void topics_labels_free(char **labels, uint32_t n);

/* A model name: 1..64 of [A-Za-z0-9_.-], not starting with '.'. */
int topics_model_name_valid(const char *name);

/* Train NAME on ex and write MODELS_DIR/NAME.model and NAME.examples
 * (the folder is created).  *labels_out: labels of the model (may be
 * NULL).  0, or -1 with err. */
int store_train(const char *models_dir, const char *name, const struct topics_examples *ex,
                const struct topics_opts *o, uint32_t *labels_out, char *err, size_t errlen);

/* Add ex to NAME's stored examples and train again, with the options of
 * the model there (the defaults when there is none).  Serialised within
 * the process.  *total: examples after the addition.  0, or -1 with err. */
int store_learn(const char *models_dir, const char *name, struct topics_examples *ex, size_t *total,
                char *err, size_t errlen);

#endif
