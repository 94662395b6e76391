/*
 * analysis_bench: what the analysis of one article costs, in process and on
 * one thread, where a microsecond is not lost in file-system noise
 * (bench/bench.py runs it).
 *
 *   analysis_bench [-n N] [-r ROUNDS] [-x] CONFIG.ini DIR...
 *
 * Loads CONFIG's plugins as `newsd --try` does (archives loaded, not
 * initialised), builds N articles of about 5 KB from the *.txt files of the
 * DIRs (texts of one folder joined until 5 KB, so each article is in one
 * language), and runs them through the built-in parser and the parse and
 * tag stages, plugin by plugin.  The text layer is built on its own, after
 * the parse stage (where a lang plugin sets the language it follows) and
 * before the tag stage, so that its cost is not charged to the first
 * plugin that reads it; -x leaves it to the plugins (for a config whose
 * plugins may not read it at all).  Prints microseconds per article: in total, for
 * the parser, the text layer and each plugin; the best of ROUNDS rounds,
 * since on a shared machine the neighbours move a single round by 20 %.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "config.h"
#include "log.h"
#include "malloc_tune.h"
#include "parse.h"
#include "plugins.h"

#define ARTICLE_BYTES 5000

struct text {
    unsigned char *bytes;
    size_t len;
    char name[64];
};

/* CPU time of this thread: on a shared machine the wall clock also
 * counts the time the neighbours had the core.  Reading it is a system
 * call (about 0.3 us, twice per line of the table). */
static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        buf[size] = '\0';
    *len = buf ? (size_t)size : 0;
    return buf;
}

/* The *.txt files of dir, sorted; NULL-terminated, malloc'd. */
static char **list_texts(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "analysis_bench: cannot open %s\n", dir);
        exit(2);
    }
    size_t n = 0, cap = 64;
    char **v = malloc(cap * sizeof *v);
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".txt") != 0)
            continue;
        if (n + 2 > cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        size_t pl = strlen(dir) + l + 2;
        v[n] = malloc(pl);
        snprintf(v[n++], pl, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(v, n, sizeof *v, by_name);
    v[n] = NULL;
    return v;
}

/* Texts of one folder joined (the first one's title stays the title) until
 * there are ARTICLE_BYTES, cut at the first sentence's or line's end after
 * that. */
static size_t build_texts(char **dirs, int n_dirs, size_t n, struct text *out)
{
    char ***files = calloc((size_t)n_dirs, sizeof *files);
    size_t *next = calloc((size_t)n_dirs, sizeof *next);
    for (int d = 0; d < n_dirs; d++)
        files[d] = list_texts(dirs[d]);
    size_t made = 0;
    for (size_t i = 0; made < n && i < n * 4; i++) {
        int d = (int)(i % (size_t)n_dirs);
        if (!files[d][0])
            continue;
        size_t cap = ARTICLE_BYTES * 2, len = 0;
        unsigned char *buf = malloc(cap + 1);
        while (len < ARTICLE_BYTES) {
            const char *path = files[d][next[d]];
            next[d] = files[d][next[d] + 1] ? next[d] + 1 : 0;
            size_t fl;
            unsigned char *fb = read_file(path, &fl);
            if (!fb)
                continue;
            if (len + fl + 2 > cap)
                buf = realloc(buf, (cap = len + fl + 2) + 1);
            if (len) {
                buf[len++] = '\n';
                buf[len++] = '\n';
            }
            memcpy(buf + len, fb, fl);
            len += fl;
            free(fb);
        }
        /* Cut after the first sentence or line that ends past the mark. */
        for (size_t at = ARTICLE_BYTES; at + 1 < len; at++)
            if (buf[at] == '\n' || (buf[at] == '.' && buf[at + 1] == ' ')) {
                len = at + 1;
                break;
            }
        buf[len] = '\0';
        out[made].bytes = buf;
        out[made].len = len;
        snprintf(out[made].name, sizeof out[made].name, "bench%06zu.txt", made);
        made++;
    }
    for (int d = 0; d < n_dirs; d++) {
        for (size_t k = 0; files[d][k]; k++)
            free(files[d][k]);
        free(files[d]);
    }
    free(files);
    free(next);
    return made;
}

/* The text layer is built on the first call that asks for it; the bench
 * asks before the tag stage so that its cost shows on a line of its own. */
static void build_analysis(struct newsd_article *a)
{
    if (!newsd_article_analysis(a)) {
        fprintf(stderr, "analysis_bench: out of memory in the text layer\n");
        exit(1);
    }
}

static void run_plugin(struct plugin_instance *p, enum newsd_stage stage, struct newsd_article *a)
{
    struct plugin_set one = {.v = p, .n = 1, .stages = p->desc->stages};
    const char *plugin;
    char *cause = NULL;
    if (plugin_set_run_stage(&one, stage, a, &plugin, &cause) < 0) {
        fprintf(stderr, "analysis_bench: %s\n", cause);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    size_t n = 2000;
    int rounds = 5, opt, ahead = 1;
    while ((opt = getopt(argc, argv, "n:r:x")) != -1) {
        if (opt == 'n')
            n = (size_t)atol(optarg);
        else if (opt == 'r')
            rounds = atoi(optarg);
        else if (opt == 'x')
            ahead = 0;
        else
            return 2;
    }
    if (argc - optind < 2 || n == 0 || rounds < 1) {
        fprintf(stderr, "usage: analysis_bench [-n N] [-r ROUNDS] [-x] CONFIG.ini DIR...\n");
        return 2;
    }
    const char *ini = argv[optind];
    /* The heap the daemon gives the plugins: with glibc's defaults the
     * per-article scratch went back to the kernel after every article and
     * was faulted in again, a cost the daemon does not pay. */
    malloc_tune();
    log_init();
    log_set_level(NEWSD_LOG_WARNING);

    struct daemon_config cfg = {0};
    struct plugin_set *set = NULL;
    char *err = NULL;
    if (config_load(ini, NULL, &cfg, &err) < 0 || plugin_set_load(&cfg, PLUGIN_LOAD_NO_ARCHIVE_INIT, &set, &err) < 0) {
        fprintf(stderr, "analysis_bench: %s: %s\n", ini, err);
        return 1;
    }
    struct text *texts = calloc(n, sizeof *texts);
    size_t n_texts = build_texts(argv + optind + 1, argc - optind - 1, n, texts);
    if (n_texts == 0) {
        fprintf(stderr, "analysis_bench: no *.txt in the folders given\n");
        return 2;
    }
    double bytes = 0;
    for (size_t i = 0; i < n_texts; i++)
        bytes += (double)texts[i].len;

    /* Columns: parser, text layer, then each plugin per stage it runs in. */
    enum { PARSER, TEXT_LAYER, FIRST_PLUGIN };
    size_t cols = FIRST_PLUGIN + 2 * set->n;
    double *best = malloc(cols * sizeof *best), *sum = malloc(cols * sizeof *sum);
    double best_total = 0;
    for (size_t c = 0; c < cols; c++)
        best[c] = 1e300;
    struct newsd_article **arts = calloc(n_texts, sizeof *arts);
    static const enum newsd_stage stages[] = {NEWSD_STAGE_PARSE, NEWSD_STAGE_TAG};

    for (int round = 0; round < rounds; round++) {
        memset(sum, 0, cols * sizeof *sum);
        double total = 0;
        for (size_t i = 0; i < n_texts; i++) {
            double t0 = now_us();
            struct parsed_article parsed = {0};
            if (parse_article(texts[i].bytes, texts[i].len, texts[i].name, &parsed, &err) < 0) {
                fprintf(stderr, "analysis_bench: %s: %s\n", texts[i].name, err);
                return 1;
            }
            struct newsd_article *a = arts[i] = article_new(texts[i].name, 0);
            unsigned char *raw = malloc(texts[i].len + 1);
            memcpy(raw, texts[i].bytes, texts[i].len + 1);
            article_set_raw(a, raw, texts[i].len);
            article_take_parsed(a, &parsed);
            double t1 = now_us();
            sum[PARSER] += t1 - t0;
            for (size_t s = 0; s < 2; s++) {
                if (stages[s] == NEWSD_STAGE_TAG && ahead) {
                    double u = now_us();
                    build_analysis(a);
                    sum[TEXT_LAYER] += now_us() - u;
                }
                for (size_t p = 0; p < set->n; p++) {
                    if (!(set->v[p].desc->stages & stages[s]))
                        continue;
                    double u = now_us();
                    run_plugin(&set->v[p], stages[s], a);
                    sum[FIRST_PLUGIN + 2 * p + s] += now_us() - u;
                }
            }
            total += now_us() - t0;
        }
        /* Freed outside the timing: the daemon frees after the archive. */
        for (size_t i = 0; i < n_texts; i++)
            article_free(arts[i]);
        for (size_t c = 0; c < cols; c++)
            if (sum[c] < best[c])
                best[c] = sum[c];
        if (round == 0 || total < best_total)
            best_total = total;
    }

    double per = (double)n_texts;
    printf("analysis: %s: %zu articles (avg %.0f bytes), one thread, CPU time, best of %d rounds\n", ini, n_texts,
           bytes / per, rounds);
    printf("analysis:   %-24s %8.1f us/article\n", "total", best_total / per);
    printf("analysis:   %-24s %8.1f us/article\n", "built-in parser", best[PARSER] / per);
    if (ahead)
        printf("analysis:   %-24s %8.1f us/article\n", "text layer", best[TEXT_LAYER] / per);
    for (size_t p = 0; p < set->n; p++)
        for (size_t s = 0; s < 2; s++) {
            if (!(set->v[p].desc->stages & stages[s]))
                continue;
            char label[80];
            snprintf(label, sizeof label, "%s (%s)", set->v[p].name, s == 0 ? "parse" : "tag");
            printf("analysis:   %-24s %8.1f us/article\n", label, best[FIRST_PLUGIN + 2 * p + s] / per);
        }
    free(arts);
    free(best);
    free(sum);
    for (size_t i = 0; i < n_texts; i++)
        free(texts[i].bytes);
    free(texts);
    plugin_set_free(set);
    config_free(&cfg);
    return 0;
}
