/* store: examples and models in STATE_DIR/models (store.h). */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


int topics_model_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64 || name[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

int examples_add(struct topics_examples *ex, char *label, char *lang, char *title, char *body)
{
    if (!label || !lang || !title || !body)
        goto fail;
    if (ex->n == ex->cap) {
        size_t cap = ex->cap ? ex->cap * 2 : 64;
        struct topics_example *v = realloc(ex->v, cap * sizeof *v);
        if (!v)
            goto fail;
        ex->v = v;
        ex->cap = cap;
    }
    ex->v[ex->n++] = (struct topics_example){label, lang, title, body};
    return 0;
fail:
    free(label);
    free(lang);
    free(title);
    free(body);
    return -1;
}

void examples_free(struct topics_examples *ex)
{
    for (size_t i = 0; i < ex->n; i++) {
        free(ex->v[i].label);
        free(ex->v[i].lang);
        free(ex->v[i].title);
        free(ex->v[i].body);
    }
    free(ex->v);
    *ex = (struct topics_examples){0};
}

static char *member(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return strdup(s ? s : "");
}

int examples_load(const char *path, struct topics_examples *ex, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int rc = 0;

    if (!f) {
        if (errno == ENOENT)
            return 0;
        topics_say(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len <= 1)
            continue;
        json_error_t je;
        json_t *o = json_loadb(line, (size_t)len, 0, &je);
        const char *label = json_string_value(json_object_get(o, "label"));
        if (!json_is_object(o) || !topics_label_valid(label)) {
            topics_say(err, errlen, "%s:%zu: not an example (a JSON object with a \"label\"): %s", path, lineno,
                o ? "no valid label" : je.text);
            json_decref(o);
            rc = -1;
            break;
        }
        if (examples_add(ex, strdup(label), member(o, "lang"), member(o, "title"), member(o, "body")) < 0) {
            topics_say(err, errlen, "%s:%zu: out of memory", path, lineno);
            json_decref(o);
            rc = -1;
            break;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    return rc;
}

static int write_examples(const char *path, const struct topics_examples *ex, char *err, size_t errlen)
{
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        topics_say(err, errlen, "%s: path too long", path);
        return -1;
    }
    FILE *f = fopen(tmp, "we");
    if (!f) {
        topics_say(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < ex->n && !bad; i++) {
        const struct topics_example *e = &ex->v[i];
        json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "label", e->label, "lang", e->lang, "title", e->title,
                              "body", e->body);
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        bad = !s || fprintf(f, "%s\n", s) < 0;
        free(s);
        json_decref(o);
    }
    if (bad || fflush(f) != 0 || fsync(fileno(f)) < 0) {
        topics_say(err, errlen, "cannot write %s: %s", tmp, errno ? strerror(errno) : "an example is not valid UTF-8");
        fclose(f);
        unlink(tmp);
        return -1;
    }
    fclose(f);
    if (rename(tmp, path) < 0) {
        topics_say(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

void topics_docs_free(struct topics_doc *docs, size_t n)
{
    if (!docs)
        return;
    for (size_t i = 0; i < n; i++)
        fcount_free(&docs[i].f);
    free(docs);
}

void topics_labels_free(char **labels, uint32_t n)
{
    if (!labels)
        return;
    for (uint32_t i = 0; i < n; i++)
        free(labels[i]);
    free(labels);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int examples_featurize(const struct topics_examples *ex, const struct topics_opts *o, struct topics_doc **docs_out,
                       char ***labels_out, uint32_t *n_labels_out, char *err, size_t errlen)
{
    char **labels = calloc(ex->n ? ex->n : 1, sizeof *labels);
    struct topics_doc *docs = calloc(ex->n ? ex->n : 1, sizeof *docs);
    uint32_t n_labels = 0;

    if (!labels || !docs)
        goto oom;
    for (size_t i = 0; i < ex->n; i++)
        labels[n_labels++] = ex->v[i].label;
    qsort(labels, n_labels, sizeof *labels, cmp_str);
    uint32_t u = 0;
    for (uint32_t i = 0; i < n_labels; i++)
        if (u == 0 || strcmp(labels[u - 1], labels[i]) != 0)
            labels[u++] = labels[i];
    n_labels = u;
    for (uint32_t i = 0; i < n_labels; i++)
        labels[i] = strdup(labels[i]);
    for (uint32_t i = 0; i < n_labels; i++)
        if (!labels[i])
            goto oom;
    for (size_t i = 0; i < ex->n; i++) {
        const struct topics_example *e = &ex->v[i];
        char **hit = bsearch(&e->label, labels, n_labels, sizeof *labels, cmp_str);
        docs[i].label = (uint32_t)(hit - labels);
        /* The text an article's analysis reads: title, a blank line,
         * body (plugin.h, "the text layer"). */
        size_t tl = strlen(e->title), bl = strlen(e->body);
        char *text = malloc(tl + bl + 3);
        if (!text)
            goto oom;
        size_t len = 0;
        if (tl) {
            memcpy(text, e->title, tl);
            memcpy(text + tl, "\n\n", 2);
            len = tl + 2;
        }
        memcpy(text + len, e->body, bl);
        len += bl;
        text[len] = '\0';
        newsd_analysis *an = newsd_analysis_new(text, len, e->lang);
        free(text);
        if (!an) {
            topics_say(err, errlen, "example %zu (%s): its text cannot be analysed (not UTF-8, or a NUL byte)", i + 1,
                e->label);
            goto fail;
        }
        int rc = features_add(&docs[i].f, an, o->features, o->char_min, o->char_max);
        newsd_analysis_free(an);
        if (rc < 0)
            goto oom;
    }
    *docs_out = docs;
    *labels_out = labels;
    *n_labels_out = n_labels;
    return 0;
oom:
    topics_say(err, errlen, "out of memory for %zu examples", ex->n);
fail:
    topics_docs_free(docs, ex->n);
    topics_labels_free(labels, labels ? n_labels : 0);
    return -1;
}

/* MODELS_DIR/NAME.model and NAME.examples, for a valid name.  0, or -1
 * with err. */
static int model_paths(const char *models_dir, const char *name, char model[4096], char examples[4096],
                       char *err, size_t errlen)
{
    if (!topics_model_name_valid(name)) {
        topics_say(err, errlen,
                   "model name '%s': use 1 to 64 letters, digits, '_', '-' or '.', not starting with '.'", name);
        return -1;
    }
    if ((size_t)snprintf(model, 4096, "%s/%s.model", models_dir, name) >= 4096 ||
        (size_t)snprintf(examples, 4096, "%s/%s.examples", models_dir, name) >= 4096) {
        topics_say(err, errlen, "%s: path too long", models_dir);
        return -1;
    }
    return 0;
}

int store_train(const char *models_dir, const char *name, const struct topics_examples *ex,
                const struct topics_opts *o, uint32_t *labels_out, char *err, size_t errlen)
{
    char model_path[4096], ex_path[4096];
    struct topics_doc *docs = NULL;
    char **labels = NULL;
    uint32_t n_labels = 0;
    int rc = -1;

    if (model_paths(models_dir, name, model_path, ex_path, err, errlen) < 0)
        return -1;
    /* The state folder too: newsd learn may run before the daemon ever did. */
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", models_dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
            topics_say(err, errlen, "cannot create %s: %s", parent, strerror(errno));
            return -1;
        }
    }
    if (mkdir(models_dir, 0755) < 0 && errno != EEXIST) {
        topics_say(err, errlen, "cannot create %s: %s", models_dir, strerror(errno));
        return -1;
    }
    if (examples_featurize(ex, o, &docs, &labels, &n_labels, err, errlen) < 0)
        return -1;
    struct topics_model *m = topics_train(docs, ex->n, NULL, 0, labels, n_labels, o, err, errlen);
    if (!m)
        goto out;
    /* The examples first: a model is never newer than what it was built
     * from. */
    if (write_examples(ex_path, ex, err, errlen) < 0 || model_save(m, model_path, err, errlen) < 0)
        goto out;
    if (labels_out)
        *labels_out = n_labels;
    rc = 0;
out:
    model_free(m);
    topics_docs_free(docs, ex->n);
    topics_labels_free(labels, n_labels);
    return rc;
}

static pthread_mutex_t learn_lock = PTHREAD_MUTEX_INITIALIZER;

int store_learn(const char *models_dir, const char *name, struct topics_examples *ex, size_t *total, char *err,
                size_t errlen)
{
    char model_path[4096], ex_path[4096];
    struct topics_examples all = {0};
    struct topics_opts o = topics_default_opts;
    int rc = -1;

    if (model_paths(models_dir, name, model_path, ex_path, err, errlen) < 0)
        return -1;
    pthread_mutex_lock(&learn_lock);
    if (access(model_path, F_OK) == 0) {
        struct topics_model *old = model_load(model_path, err, errlen);
        if (!old)
            goto out;
        o = old->opts;
        model_free(old);
    }
    if (examples_load(ex_path, &all, err, errlen) < 0)
        goto out;
    for (size_t i = 0; i < ex->n; i++) {
        struct topics_example *e = &ex->v[i];
        if (examples_add(&all, e->label, e->lang, e->title, e->body) < 0) {
            /* examples_add freed this one's strings: the rest are still ex's. */
            *e = (struct topics_example){0};
            topics_say(err, errlen, "out of memory");
            goto out;
        }
        *e = (struct topics_example){0};
    }
    if (store_train(models_dir, name, &all, &o, NULL, err, errlen) < 0)
        goto out;
    if (total)
        *total = all.n;
    rc = 0;
out:
    pthread_mutex_unlock(&learn_lock);
    examples_free(&all);
    return rc;
}
