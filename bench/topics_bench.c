/*
 * topics_bench: in-process cost of the topics plugin's classification, per
 * article, without newsd's start-up around it.
 *
 *   topics_bench [-r RUNS] [-e MIB] MODEL EXAMPLES
 *
 * MODEL is a NAME.model and EXAMPLES a NAME.examples that newsd learn
 * wrote (STATE_DIR/models/).  Each example's text is analysed once first
 * (the text layer is built once per article and shared by every plugin;
 * text_bench measures it), then classified RUNS times (default 5): the
 * features, the lookups and the scores, as topics.c does per article.
 * Times are the thread's CPU time: the machine may be shared.
 * -e MIB: before each article, write over MIB MiB of other memory (not
 * timed), as the other plugins of a pipeline do between two articles of
 * a worker: the model is then read from far caches or memory, as in the
 * daemon, where it costs about twice what it costs here without -e.
 * Prints "topics_bench: N articles, X us/article best, Y median of R runs
 * (F features, L labels); analysis Z us/article; D distinct features an
 * article, K of them in the model".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../plugins/topics/store.h"
#include "malloc_tune.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    /* The heap the daemon gives its plugins (malloc_tune.h): glibc's
     * defaults hand per-article scratch back to the kernel and fault it
     * in again, a cost the daemon does not pay. */
    malloc_tune();
    int runs = 5, c;
    size_t evict_bytes = 0;
    while ((c = getopt(argc, argv, "r:e:")) != -1) {
        if (c == 'r' && atoi(optarg) > 0) {
            runs = atoi(optarg);
        } else if (c == 'e' && atoi(optarg) > 0) {
            evict_bytes = (size_t)atoi(optarg) << 20;
        } else {
            fprintf(stderr, "usage: topics_bench [-r RUNS] [-e MIB] MODEL EXAMPLES\n");
            return 2;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "usage: topics_bench [-r RUNS] [-e MIB] MODEL EXAMPLES\n");
        return 2;
    }
    unsigned char *evict = evict_bytes ? malloc(evict_bytes) : NULL;
    if (evict_bytes && !evict) {
        fprintf(stderr, "topics_bench: out of memory\n");
        return 1;
    }
    char err[512];
    struct topics_model *m = model_load(argv[optind], err, sizeof err);
    if (!m) {
        fprintf(stderr, "topics_bench: %s\n", err);
        return 1;
    }
    struct topics_examples ex = {0};
    if (examples_load(argv[optind + 1], &ex, err, sizeof err) < 0 || ex.n == 0) {
        fprintf(stderr, "topics_bench: %s\n", ex.n ? err : "no examples");
        model_free(m);
        return 1;
    }
    newsd_analysis **an = calloc(ex.n, sizeof *an);
    double t0 = now_s();
    for (size_t i = 0; i < ex.n; i++) {
        const struct topics_example *e = &ex.v[i];
        size_t tl = strlen(e->title), bl = strlen(e->body);
        char *text = malloc(tl + bl + 3);
        size_t len = 0;
        if (tl) {
            memcpy(text, e->title, tl);
            memcpy(text + tl, "\n\n", 2);
            len = tl + 2;
        }
        memcpy(text + len, e->body, bl + 1);
        len += bl;
        an[i] = newsd_analysis_new(text, len, e->lang);
        free(text);
        if (!an[i]) {
            fprintf(stderr, "topics_bench: example %zu cannot be analysed\n", i + 1);
            return 1;
        }
    }
    double analysis_us = (now_s() - t0) * 1e6 / (double)ex.n;
    /* What an article asks of the model: distinct features, and how many
     * of them the model has. */
    size_t n_features = 0, n_known = 0;
    for (size_t i = 0; i < ex.n; i++) {
        struct fcount fc = {0};
        if (features_add(&fc, an[i], m->opts.features, m->opts.char_min, m->opts.char_max) < 0) {
            fprintf(stderr, "topics_bench: out of memory\n");
            return 1;
        }
        for (size_t s = 0; s < fc.cap; s++)
            if (fc.e[s].key) {
                n_features++;
                n_known += model_find(m, fc.e[s].key) >= 0;
            }
        fcount_free(&fc);
    }
    double *probs = malloc(m->n_labels * sizeof *probs);
    double *us = malloc((size_t)runs * sizeof *us);
    volatile double sink = 0;
    for (int r = 0; r < runs; r++) {
        double spent = 0;
        t0 = now_s();
        for (size_t i = 0; i < ex.n; i++) {
            if (evict) {
                memset(evict, (int)i, evict_bytes);
                sink += evict[(i * 4099) % evict_bytes];   /* the writes are used */
                t0 = now_s();
            }
            if (model_predict(m, an[i], probs) < 0) {
                fprintf(stderr, "topics_bench: out of memory\n");
                return 1;
            }
            sink += probs[0];
            if (evict)
                spent += now_s() - t0;
        }
        us[r] = (evict ? spent : now_s() - t0) * 1e6 / (double)ex.n;
    }
    (void)sink;   /* read by nothing: the volatile writes keep the work */
    qsort(us, (size_t)runs, sizeof *us, cmp_double);
    printf("topics_bench: %zu articles, %.1f us/article best, %.1f median of %d runs (%u features, %u labels); "
           "analysis %.1f us/article; %.0f distinct features an article, %.0f of them in the model",
           ex.n, us[0], us[runs / 2], runs, m->n_feat, m->n_labels, analysis_us, (double)n_features / ex.n,
           (double)n_known / ex.n);
    if (evict)
        printf("; %zu MiB written over before each article", evict_bytes >> 20);
    printf("\n");
    for (size_t i = 0; i < ex.n; i++)
        newsd_analysis_free(an[i]);
    free(an);
    free(probs);
    free(us);
    free(evict);
    examples_free(&ex);
    model_free(m);
    return 0;
}
