/*
 * newsd learn: the topics classifier's trainer on the command line.
 *
 *   newsd learn --model NAME --labels DIR/labels.tsv [-c FILE] [--state-dir DIR]
 *   newsd learn --eval DIR/labels.tsv [--folds 5] [--seed N]
 *
 * labels.tsv holds FILE<TAB>LABEL lines, FILE relative to the TSV's folder.
 * Each file is read as the daemon reads an inbox file: parsed, then run
 * through the configuration's PARSE plugins (the lang plugin sets the
 * language the stems are taken in), so the features are those the topics
 * plugin will see in the TAG stage.  The classifier is plugins/topics/
 * (store.h, train.h), shared with POST /learn.
 */
#include "learn.h"
#include "article.h"
#include "config.h"
#include "datadir.h"
#include "log.h"
#include "parse.h"
#include "plugins.h"
#include "try.h"
#include "xalloc.h"

#include "../plugins/topics/store.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_FOLDS 5
#define DEFAULT_SEED 42

static void usage(FILE *out)
{
    fprintf(out,
            "usage: newsd learn --model NAME --labels PATH/labels.tsv [-c FILE] [--state-dir DIR]\n"
            "       newsd learn --eval PATH/labels.tsv [--folds K] [--seed N] [-c FILE]\n"
            "\n"
            "  --model NAME        write STATE_DIR/models/NAME.model (and NAME.examples)\n"
            "  --labels TSV        FILE<TAB>LABEL lines, files relative to the TSV's folder\n"
            "  --eval TSV          stratified k-fold cross-validation: accuracy, macro-F1,\n"
            "                      precision and recall per label\n"
            "  --folds K           folds of --eval (default %d)\n"
            "  --seed N            shuffle of --eval (default %d)\n"
            "  --algo lr|nb|nblr|svm  logistic regression (default), naive Bayes, logistic\n"
            "                      regression on naive Bayes log-count ratios (NBSVM), or\n"
            "                      a linear SVM with calibrated probabilities\n"
            "  --features F        stems, chars or both (default)\n"
            "  --features ...      also stream or stems+stream: n-grams across words\n"
            "  --chars MIN-MAX     n of the character n-grams (default 5-5)\n"
            "  --cost C            C of logistic regression and the SVM (default 30)\n"
            "  --min-df N          keep features of at least N texts (default 4)\n"
            "  -c, --config FILE   the daemon's configuration: state_dir and the PARSE plugins\n"
            "      --state-dir DIR as for the daemon\n",
            DEFAULT_FOLDS, DEFAULT_SEED);
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, uint64_t max, size_t *len, char **err)
{
    FILE *f = fopen(path, "rbe");
    if (!f) {
        *err = xasprintf("cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
        *err = xasprintf("%s: not a regular file of at most %llu bytes", path, (unsigned long long)max);
        fclose(f);
        return NULL;
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    *len = fread(buf, 1, (size_t)st.st_size, f);
    buf[*len] = '\0';
    if (ferror(f)) {
        *err = xasprintf("cannot read %s: %s", path, strerror(errno));
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* One file as the TAG stage sees it: parsed, through the PARSE plugins. */
static int read_example(const char *path, const char *label, struct plugin_set *set, uint64_t max,
                        struct topics_examples *ex, char **err)
{
    size_t len;
    char *raw = read_file(path, max, &len, err);
    if (!raw)
        return -1;
    struct parsed_article parsed = {0};
    char *perr = NULL;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (parse_article((unsigned char *)raw, len, base, &parsed, &perr) < 0) {
        *err = xasprintf("%s: %s", path, perr ? perr : "cannot be parsed");
        free(perr);
        free(raw);
        return -1;
    }
    struct newsd_article *a = article_new(base, 0);
    article_set_raw(a, (unsigned char *)raw, len);
    article_take_parsed(a, &parsed);
    if (set && (set->stages & NEWSD_STAGE_PARSE)) {
        const char *plugin = NULL;
        char *cause = NULL;
        if (plugin_set_run_stage(set, NEWSD_STAGE_PARSE, a, &plugin, &cause) < 0) {
            *err = xasprintf("%s: %s (plugin %s)", path, cause, plugin ? plugin : "?");
            free(cause);
            article_free(a);
            return -1;
        }
    }
    int rc = examples_add(ex, xstrdup(label), xstrdup(newsd_article_get(a, NEWSD_FIELD_LANG)),
                          xstrdup(newsd_article_get(a, NEWSD_FIELD_TITLE)),
                          xstrdup(newsd_article_get(a, NEWSD_FIELD_BODY)));
    article_free(a);
    if (rc < 0)
        *err = xstrdup("out of memory");
    return rc;
}

/* FILE<TAB>LABEL lines; blank lines and lines starting with '#' are
 * skipped.  Errors name the TSV and the line. */
static int read_labels(const char *tsv, struct plugin_set *set, uint64_t max, struct topics_examples *ex)
{
    FILE *f = fopen(tsv, "re");
    if (!f) {
        fprintf(stderr, "newsd learn: cannot open %s: %s\n", tsv, strerror(errno));
        return -1;
    }
    char *copy = xstrdup(tsv);
    char *dir = xstrdup(dirname(copy));
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = 0;

    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab || tab == line || !tab[1] || strchr(tab + 1, '\t')) {
            fprintf(stderr, "newsd learn: %s:%zu: expected FILE<TAB>LABEL\n", tsv, lineno);
            rc = -1;
            break;
        }
        *tab = '\0';
        const char *label = tab + 1;
        if (!topics_label_valid(label)) {
            fprintf(stderr, "newsd learn: %s:%zu: label '%s' is not 1 to 200 bytes of UTF-8 without control "
                            "characters\n", tsv, lineno, label);
            rc = -1;
            break;
        }
        char *path = line[0] == '/' ? xstrdup(line) : xasprintf("%s/%s", dir, line);
        char *err = NULL;
        if (read_example(path, label, set, max, ex, &err) < 0) {
            fprintf(stderr, "newsd learn: %s:%zu: %s\n", tsv, lineno, err);
            free(err);
            free(path);
            rc = -1;
            break;
        }
        free(path);
    }
    if (rc == 0 && ex->n == 0) {
        fprintf(stderr, "newsd learn: %s: no examples\n", tsv);
        rc = -1;
    }
    free(line);
    free(copy);
    free(dir);
    fclose(f);
    return rc;
}

static int parse_opts_arg(const char *opt, const char *v, struct topics_opts *o)
{
    if (strcmp(opt, "algo") == 0) {
        if (strcmp(v, "lr") == 0)
            o->algo = TOPICS_ALGO_LR;
        else if (strcmp(v, "nb") == 0)
            o->algo = TOPICS_ALGO_NB;
        else if (strcmp(v, "nblr") == 0)
            o->algo = TOPICS_ALGO_NBLR;
        else if (strcmp(v, "svm") == 0)
            o->algo = TOPICS_ALGO_SVM;
        else
            return -1;
    } else if (strcmp(opt, "features") == 0) {
        if (strcmp(v, "stems") == 0)
            o->features = TOPICS_FEAT_STEMS;
        else if (strcmp(v, "chars") == 0)
            o->features = TOPICS_FEAT_CHARS;
        else if (strcmp(v, "stream") == 0)
            o->features = TOPICS_FEAT_STREAM;
        else if (strcmp(v, "stems+stream") == 0)
            o->features = TOPICS_FEAT_STEMS | TOPICS_FEAT_STREAM;
        else if (strcmp(v, "both") == 0)
            o->features = TOPICS_FEAT_STEMS | TOPICS_FEAT_CHARS;
        else
            return -1;
    } else if (strcmp(opt, "chars") == 0) {
        unsigned lo, hi;
        char end;
        if (sscanf(v, "%u-%u%c", &lo, &hi, &end) != 2 || lo < 1 || hi < lo || hi > TOPICS_CHAR_N_MAX)
            return -1;
        o->char_min = lo;
        o->char_max = hi;
    } else if (strcmp(opt, "cost") == 0) {
        char *end;
        double c = strtod(v, &end);
        if (*end || !(c > 0 && c < 1e6))
            return -1;
        o->c = (float)c;
    } else if (strcmp(opt, "min-df") == 0) {
        char *end;
        unsigned long d = strtoul(v, &end, 10);
        if (*end || d < 1 || d > 1000)
            return -1;
        o->min_df = (uint32_t)d;
    }
    return 0;
}

static void print_cv(const struct topics_cv *cv, char *const *labels, const struct topics_opts *o, double feat_s)
{
    printf("%u-fold cross-validation of %zu texts, %u labels (%s, %s%s%s, chars %u-%u, C %g, min_df %u)\n",
           cv->folds, cv->n, cv->n_labels, o->algo == TOPICS_ALGO_LR     ? "logistic regression"
           : o->algo == TOPICS_ALGO_NBLR ? "NB-weighted logistic regression"
           : o->algo == TOPICS_ALGO_SVM  ? "linear SVM"
                                         : "naive Bayes",
           o->features & TOPICS_FEAT_STEMS ? "stems" : "",
           o->features == (TOPICS_FEAT_STEMS | TOPICS_FEAT_CHARS) ? "+" : "",
           o->features & TOPICS_FEAT_CHARS ? "chars" : "", o->char_min, o->char_max, (double)o->c, o->min_df);
    printf("accuracy %.4f\nmacro_f1 %.4f\n", cv->accuracy, cv->macro_f1);
    printf("%-24s %9s %9s %9s %7s\n", "label", "precision", "recall", "f1", "texts");
    for (uint32_t l = 0; l < cv->n_labels; l++)
        printf("%-24s %9.4f %9.4f %9.4f %7zu\n", labels[l], cv->precision[l], cv->recall[l], cv->f1[l],
               cv->support[l]);
    printf("features %.2f s, training %.2f s per fold\n", feat_s, cv->train_s / cv->folds);
}

static int run_eval(const struct topics_examples *ex, const struct topics_opts *o, uint32_t folds, uint64_t seed)
{
    struct topics_doc *docs;
    char **labels;
    uint32_t n_labels;
    char err[512];
    double t0 = seconds();

    if (examples_featurize(ex, o, &docs, &labels, &n_labels, err, sizeof err) < 0) {
        fprintf(stderr, "newsd learn: %s\n", err);
        return 1;
    }
    double feat_s = seconds() - t0;
    struct topics_cv cv;
    int code = 0;
    if (topics_cross_validate(docs, ex->n, labels, n_labels, o, folds, seed, &cv, err, sizeof err) < 0) {
        fprintf(stderr, "newsd learn: %s\n", err);
        code = 1;
    } else {
        print_cv(&cv, labels, o, feat_s);
        topics_cv_free(&cv);
    }
    topics_docs_free(docs, ex->n);
    topics_labels_free(labels, n_labels);
    return code;
}

int learn_main(int argc, char **argv, const char *default_config)
{
    enum { OPT_STATE_DIR = 256, OPT_MODEL, OPT_LABELS, OPT_EVAL, OPT_FOLDS, OPT_SEED, OPT_ALGO, OPT_FEATURES,
           OPT_CHARS, OPT_COST, OPT_MIN_DF, OPT_LOG_LEVEL, OPT_ALLOW_ROOT };
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"state-dir", required_argument, NULL, OPT_STATE_DIR},
        {"model", required_argument, NULL, OPT_MODEL},
        {"labels", required_argument, NULL, OPT_LABELS},
        {"eval", required_argument, NULL, OPT_EVAL},
        {"folds", required_argument, NULL, OPT_FOLDS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"algo", required_argument, NULL, OPT_ALGO},
        {"features", required_argument, NULL, OPT_FEATURES},
        {"chars", required_argument, NULL, OPT_CHARS},
        {"cost", required_argument, NULL, OPT_COST},
        {"min-df", required_argument, NULL, OPT_MIN_DF},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"allow-root", no_argument, NULL, OPT_ALLOW_ROOT},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *config = NULL, *state_dir = NULL, *model = NULL, *labels = NULL, *eval = NULL;
    unsigned long folds = DEFAULT_FOLDS;
    unsigned long long seed = DEFAULT_SEED;
    struct topics_opts o = topics_default_opts;
    int c, level = NEWSD_LOG_WARNING;

    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'c': config = optarg; break;
        case OPT_STATE_DIR: state_dir = optarg; break;
        case OPT_MODEL: model = optarg; break;
        case OPT_LABELS: labels = optarg; break;
        case OPT_EVAL: eval = optarg; break;
        case OPT_FOLDS:
            folds = strtoul(optarg, &end, 10);
            if (*end || folds < 2 || folds > 100) {
                fprintf(stderr, "newsd learn: --folds %s: expected 2 to 100\n", optarg);
                return 2;
            }
            break;
        case OPT_SEED:
            seed = strtoull(optarg, &end, 10);
            if (*end || !*optarg) {
                fprintf(stderr, "newsd learn: --seed %s: expected a whole number\n", optarg);
                return 2;
            }
            break;
        case OPT_ALGO:
        case OPT_FEATURES:
        case OPT_CHARS:
        case OPT_COST:
        case OPT_MIN_DF: {
            const char *name = c == OPT_ALGO ? "algo" : c == OPT_FEATURES ? "features" : c == OPT_CHARS ? "chars"
                             : c == OPT_COST ? "cost" : "min-df";
            if (parse_opts_arg(name, optarg, &o) < 0) {
                fprintf(stderr, "newsd learn: --%s %s: not a valid value (see newsd learn --help)\n", name, optarg);
                return 2;
            }
            break;
        }
        case OPT_LOG_LEVEL:
            level = log_level_parse(optarg);
            if (level < 0) {
                fprintf(stderr, "newsd learn: --log-level %s: expected error, warning, notice, info or debug\n",
                        optarg);
                return 2;
            }
            break;
        case OPT_ALLOW_ROOT: break;   /* learning runs no daemon: accepted as in every mode */
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || (!eval && !(model && labels)) || (eval && (model || labels))) {
        fprintf(stderr, "newsd learn: give --model NAME --labels TSV, or --eval TSV\n");
        usage(stderr);
        return 2;
    }
    log_set_level(level);
    if (!config && default_config && access(default_config, R_OK) == 0)
        config = default_config;
    if (model && !topics_model_name_valid(model)) {
        fprintf(stderr, "newsd learn: --model %s: use 1 to 64 letters, digits, '_', '-' or '.', not starting "
                        "with '.'\n", model);
        return 2;
    }
    if (model && !config && !state_dir) {
        fprintf(stderr, "newsd learn: the model goes to STATE_DIR/models: give -c FILE or --state-dir DIR\n");
        return 2;
    }

    struct daemon_config cfg = {0};
    struct plugin_set *set = NULL;
    if (config && load_for_tools(config, state_dir, &cfg, &set) < 0)
        return 1;
    if (!config)
        datadir_configure(NULL);
    uint64_t max = cfg.max_article_bytes ? cfg.max_article_bytes : 16u << 20;
    struct topics_examples ex = {0};
    int code = 1;
    double t0 = seconds();
    if (read_labels(eval ? eval : labels, set, max, &ex) < 0)
        goto out;
    double read_s = seconds() - t0;
    if (eval) {
        code = run_eval(&ex, &o, (uint32_t)folds, seed);
        goto out;
    }
    char *models_dir = xasprintf("%s/models", config ? cfg.state_dir : state_dir);
    char err[512];
    uint32_t n_labels = 0;
    t0 = seconds();
    if (store_train(models_dir, model, &ex, &o, &n_labels, err, sizeof err) < 0) {
        fprintf(stderr, "newsd learn: %s\n", err);
    } else {
        printf("model %s: %zu examples, %u labels, written to %s/%s.model (reading %.2f s, training %.2f s)\n",
               model, ex.n, n_labels, models_dir, model, read_s, seconds() - t0);
        code = 0;
    }
    free(models_dir);
out:
    examples_free(&ex);
    if (set)
        plugin_set_free(set);
    config_free(&cfg);
    return code;
}
