/*
 * lang_bench: in-process cost of the lang plugin's identification, per
 * article, without newsd --try's start-up and JSON around it.
 *
 *   lang_bench [-r RUNS] [-b MAX_BYTES] [-f FIRST_LOOK] [-v] FILE...
 *
 * Each FILE is an article's text as the plugin reads it (title, blank line,
 * body; tests/eval/eval_lang.py writes them).  All are read first, then
 * identified RUNS times (default 5) with the plugin's default settings
 * (but max_bytes from -b, first_look from -f).  Prints the best and the median run: on a
 * shared, noisy machine the best run is the closest to what the code
 * costs.  "lang_bench: N articles, X us/article best, Y median of R runs
 * (max_bytes B, first_look F)";
 * -v also prints "FILE<TAB>verdict<TAB>code<TAB>best<TAB>confidence" per file
 * (the first run's answers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "identify.h"
#include "malloc_tune.h"

struct text {
    char *data;
    size_t len;
};

static int read_file(const char *path, struct text *t)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    int bad = ferror(f) || !buf;
    fclose(f);
    if (bad) {
        fprintf(stderr, "lang_bench: cannot read %s\n", path);
        free(buf);
        return -1;
    }
    t->data = buf;
    t->len = len;
    return 0;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
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
    int runs = 5, verbose = 0, i = 1;
    long max_bytes = LANG_DEFAULT_MAX_BYTES, first_look = LANG_DEFAULT_FIRST_LOOK;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc)
            max_bytes = atol(argv[++i]);
        else if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
            first_look = atol(argv[++i]);
        else if (strcmp(argv[i], "-v") == 0)
            verbose = 1;
        else
            break;
    }
    int n = argc - i;
    if (n <= 0 || runs <= 0 || runs > 1000 || max_bytes <= 0 || first_look < 0) {
        fprintf(stderr, "usage: lang_bench [-r RUNS (1..1000)] [-b MAX_BYTES] [-f FIRST_LOOK] [-v] FILE...\n");
        return 2;
    }
    struct text *texts = calloc((size_t)n, sizeof *texts);
    double *times = calloc((size_t)runs, sizeof *times);
    struct lang_guess *guesses = calloc((size_t)n, sizeof *guesses);
    int rc = texts && times && guesses ? 0 : 1;
    for (int k = 0; rc == 0 && k < n; k++)
        if (read_file(argv[i + k], &texts[k]) < 0)
            rc = 1;
    const struct lang_opts o = {
        .min_chars = LANG_DEFAULT_MIN_CHARS,
        .min_confidence = LANG_DEFAULT_MIN_CONFIDENCE,
        .max_bytes = (size_t)max_bytes,
        .first_look = (size_t)first_look,
    };
    for (int r = 0; rc == 0 && r < runs; r++) {
        double t0 = now_us();
        for (int k = 0; k < n; k++) {
            struct lang_guess g;
            if (lang_identify(&o, texts[k].data, texts[k].len, &g) < 0) {
                fprintf(stderr, "lang_bench: %s: not valid UTF-8\n", argv[i + k]);
                rc = 1;
                break;
            }
            if (r == 0)
                guesses[k] = g;
        }
        times[r] = (now_us() - t0) / n;
    }
    if (rc == 0) {
        if (verbose)
            for (int k = 0; k < n; k++)
                printf("%s\t%s\t%s\t%s\t%.2f\n", argv[i + k], lang_verdict_name(guesses[k].verdict),
                       guesses[k].code, guesses[k].best, guesses[k].confidence);
        qsort(times, (size_t)runs, sizeof *times, cmp_double);
        printf("lang_bench: %d articles, %.1f us/article best, %.1f median of %d runs (max_bytes %ld, first_look %ld)\n",
               n, times[0], times[runs / 2], runs, max_bytes, first_look);
    }
    for (int k = 0; texts && k < n; k++)
        free(texts[k].data);
    free(texts);
    free(times);
    free(guesses);
    return rc;
}
