/*
 * topics: tag an article with the topics a trained model finds in it.
 *
 *   model = NAME        ; STATE_DIR/models/NAME.model, written by `newsd learn`
 *   threshold = 0.5     ; also tag any other label at least this probable
 *   prefix = topic:     ; tags are PREFIX + LABEL
 *
 * The most probable label is always tagged, weighted by its probability;
 * the others only from the threshold up.  The model file is read at init
 * and again whenever it changes (newsd learn, newsctl learn): at most once
 * a second a worker stats it, and a new file that reads replaces the model
 * for the articles that follow.  A model that is missing leaves the plugin
 * inactive, with one notice that says how to train one; a model that does
 * not read (corrupt, truncated, another format) is refused with an error
 * naming the file and the cause, and the previous model (or none) stays.
 * Either way the daemon runs.
 *
 * Thread-safe: workers share the current model, each holding a reference
 * while it classifies.  Only the public ABI (features.c, model.c).
 */
#include "model.h"

#include <newsd/plugin.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_THRESHOLD 0.5
#define DEFAULT_PREFIX "topic:"
#define CHECK_INTERVAL_MS 1000
#define TAG_MAX 256

struct loaded {
    atomic_uint refs;
    struct topics_model *m;
};

struct stamp {
    int exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

struct topics {
    char *path;
    char *name;
    char *prefix;
    double threshold;
    pthread_mutex_t lock;   /* guards cur, seen */
    struct loaded *cur;     /* NULL: inactive */
    struct stamp seen;      /* the file as last looked at (loaded or refused) */
    atomic_llong next_check_ms;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct stamp stamp_of(const char *path)
{
    struct stat st;
    struct stamp s = {0};
    if (stat(path, &st) == 0) {
        s.exists = 1;
        s.dev = st.st_dev;
        s.ino = st.st_ino;
        s.size = st.st_size;
        s.mtime = st.st_mtim;
    }
    return s;
}

static int stamp_same(const struct stamp *a, const struct stamp *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void release(struct loaded *l)
{
    if (l && atomic_fetch_sub(&l->refs, 1) == 1) {
        model_free(l->m);
        free(l);
    }
}

/* Look at the file; read it when it changed.  Called with t->lock held. */
static void refresh(struct topics *t, int first)
{
    struct stamp s = stamp_of(t->path);
    if (!first && stamp_same(&s, &t->seen))
        return;
    t->seen = s;
    if (!s.exists) {
        /* A model that goes away is treated like one that does not read:
         * the one in memory stays. */
        if (t->cur)
            newsd_log(NEWSD_LOG_WARNING, "model %s is gone; the model read before stays in use", t->path);
        else
            newsd_log(NEWSD_LOG_NOTICE,
                      "no model %s: topics stays inactive until one is trained: "
                      "newsd learn --model %s --labels DIR/labels.tsv -c CONFIG",
                      t->path, t->name);
        return;
    }
    char err[512];
    struct topics_model *m = model_load(t->path, err, sizeof err);
    if (!m) {
        newsd_log(NEWSD_LOG_ERROR, "model refused: %s; %s", err,
                  t->cur ? "the previous model stays in use" : "topics stays inactive");
        return;
    }
    model_compact(m);
    struct loaded *l = malloc(sizeof *l);
    if (!l) {
        model_free(m);
        newsd_log(NEWSD_LOG_ERROR, "%s: out of memory loading the model", t->path);
        return;
    }
    atomic_init(&l->refs, 1);
    l->m = m;
    release(t->cur);
    t->cur = l;
    newsd_log(NEWSD_LOG_INFO, "model %s: %u labels, %u features", t->path, m->n_labels, m->n_feat);
}

static struct loaded *acquire(struct topics *t)
{
    int64_t now = now_ms();
    struct loaded *l;

    pthread_mutex_lock(&t->lock);
    if (now >= atomic_load(&t->next_check_ms)) {
        atomic_store(&t->next_check_ms, now + CHECK_INTERVAL_MS);
        refresh(t, 0);
    }
    l = t->cur;
    if (l)
        atomic_fetch_add(&l->refs, 1);
    pthread_mutex_unlock(&t->lock);
    return l;
}

static void topics_fini(void *state)
{
    struct topics *t = state;
    if (!t)
        return;
    release(t->cur);
    pthread_mutex_destroy(&t->lock);
    free(t->path);
    free(t->name);
    free(t->prefix);
    free(t);
}

static int topics_init(const newsd_config *conf, void **state)
{
    const char *name = newsd_config_get(conf, "model");
    const char *prefix = newsd_config_get(conf, "prefix");
    struct topics *t = calloc(1, sizeof *t);

    if (!t) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    pthread_mutex_init(&t->lock, NULL);
    if (!name || !*name || strchr(name, '/') || name[0] == '.') {
        newsd_log(NEWSD_LOG_ERROR, "model = NAME is required: the name given to newsd learn --model "
                                   "(a file name, no '/')");
        goto fail;
    }
    if (newsd_config_get_double(conf, "threshold", DEFAULT_THRESHOLD, &t->threshold) != NEWSD_OK)
        goto fail;
    if (t->threshold < 0 || t->threshold > 1) {
        newsd_log(NEWSD_LOG_ERROR, "threshold = %g: expected a probability from 0 to 1", t->threshold);
        goto fail;
    }
    t->prefix = strdup(prefix ? prefix : DEFAULT_PREFIX);
    t->name = strdup(name);
    size_t len = strlen(newsd_config_state_dir(conf)) + strlen(name) + sizeof "/models/.model";
    t->path = malloc(len);
    if (!t->prefix || !t->name || !t->path) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        goto fail;
    }
    if (!newsd_utf8_valid(t->prefix, strlen(t->prefix))) {
        newsd_log(NEWSD_LOG_ERROR, "prefix is not valid UTF-8");
        goto fail;
    }
    snprintf(t->path, len, "%s/models/%s.model", newsd_config_state_dir(conf), name);
    refresh(t, 1);
    atomic_init(&t->next_check_ms, now_ms() + CHECK_INTERVAL_MS);
    *state = t;
    return NEWSD_OK;
fail:
    topics_fini(t);
    return NEWSD_ERROR;
}

static void tag_label(const struct topics *t, newsd_article *a, const char *label, double p)
{
    char tag[TAG_MAX];
    if ((size_t)snprintf(tag, sizeof tag, "%s%s", t->prefix, label) < sizeof tag)
        newsd_article_tag(a, tag, p);
}

static int topics_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    struct topics *t = state;
    (void)stage;
    struct loaded *l = acquire(t);
    if (!l)
        return NEWSD_OK;

    const struct topics_model *m = l->m;
    double *probs = malloc(m->n_labels * sizeof *probs);
    const newsd_analysis *an = newsd_article_analysis(a);
    int rc = NEWSD_OK;
    if (!probs || !an || model_predict(m, an, probs) < 0) {
        rc = newsd_article_fail(a, "out of memory classifying the article");
        goto out;
    }
    uint32_t best = 0;
    for (uint32_t i = 1; i < m->n_labels; i++)
        if (probs[i] > probs[best])
            best = i;
    tag_label(t, a, m->labels[best], probs[best]);
    for (uint32_t i = 0; i < m->n_labels; i++)
        if (i != best && probs[i] >= t->threshold)
            tag_label(t, a, m->labels[i], probs[i]);
out:
    free(probs);
    release(l);
    return rc;
}

static const struct newsd_config_key topics_keys[] = {
    {"model", "the model's name: STATE_DIR/models/NAME.model, written by newsd learn --model NAME"},
    {"threshold", "also tag every other label at least this probable (0..1, default 0.5)"},
    {"prefix", "tags are PREFIX + LABEL (default topic:)"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "topics",
    .description = "tags the topics a model trained by newsd learn finds (topic:LABEL)",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = topics_init,
    .process = topics_process,
    .fini = topics_fini,
    .config_keys = topics_keys,
);
