/*
 * The text layer's speed: analyse every article of a folder (tokens,
 * norms, stems, stop words, sentences, as newsd_article_analysis() does)
 * and print microseconds (CPU time of the one thread) per article and per
 * KB.  Each file is read once; the first pass over them is timed on its
 * own (the stemmers' memos start empty, as in a daemon that just
 * started), then ROUNDS more passes (memos warm, as later on).  Then
 * what a plugin's loop over every token costs, per token, through
 * newsd_analysis_token_at() (a copy per token) and in place through
 * newsd_analysis_tokens() (ABI 1.5).
 *
 *   text_bench [--rounds N] LANG DIR [LANG DIR ...]
 *   text_bench --tokens LANG FILE     print the tokens and sentences of FILE
 *
 * The stop-word lists come from the data folder (build/data beside
 * build/bench, or NEWSD_DATA_DIR).
 */
#include "analysis.h"
#include "text.h"
#include "malloc_tune.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct doc {
    char *text;
    size_t len;
};

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf)
        return NULL;
    /* As the parser would give it: NFC UTF-8. */
    char *nfc = text_to_utf8_nfc((unsigned char *)buf, n, NULL, NULL);
    free(buf);
    if (nfc)
        *len = strlen(nfc);
    return nfc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t load_dir(const char *dir, struct doc **docs)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return 0;
    }
    char **names = NULL;
    size_t n_names = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0) {
            names = realloc(names, (n_names + 1) * sizeof *names);
            names[n_names++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n_names, sizeof *names, cmp_names);
    *docs = calloc(n_names ? n_names : 1, sizeof **docs);
    size_t n = 0;
    for (size_t i = 0; i < n_names; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        free(names[i]);
        size_t len = 0;
        char *t = read_file(path, &len);
        if (t)
            (*docs)[n++] = (struct doc){t, len};
    }
    free(names);
    return n;
}

/* CPU time of this thread: the figure is per core, and other work on a
 * shared machine does not count against it. */
static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* A plugin's loop over an article's tokens, both ways: microseconds summed
 * over the articles (each read rounds times, per round).  The sum of
 * fields read goes to a volatile so that neither loop is optimised away. */
static int read_tokens(const struct doc *docs, size_t n, const char *lang, int rounds, double *copied,
                       double *in_place)
{
    static volatile size_t sink;
    *copied = *in_place = 0;
    for (size_t i = 0; i < n; i++) {
        newsd_analysis *an = newsd_analysis_new(docs[i].text, docs[i].len, lang);
        if (!an)
            return -1;
        size_t count = newsd_analysis_token_count(an), sum = 0;
        double t0 = now_us();
        for (int r = 0; r < rounds; r++) {
            struct newsd_token t = {.struct_size = sizeof t};
            for (size_t k = 0; k < count; k++) {
                newsd_analysis_token_at(an, k, &t);
                sum += t.kind + t.flags + t.stem_length;
            }
        }
        double t1 = now_us();
        size_t stride;
        const struct newsd_token *base = newsd_analysis_tokens(an, &count, &stride);
        for (int r = 0; r < rounds; r++) {
            for (size_t k = 0; k < count; k++) {
                const struct newsd_token *t = newsd_token_in(base, stride, k);
                sum += t->kind + t->flags + t->stem_length;
            }
        }
        double t2 = now_us();
        sink = sum;
        (void)sink;
        *copied += (t1 - t0) / rounds;
        *in_place += (t2 - t1) / rounds;
        newsd_analysis_free(an);
    }
    return 0;
}

static int bench(const char *lang, const char *dir, int rounds)
{
    struct doc *docs = NULL;
    size_t n = load_dir(dir, &docs);
    if (!n) {
        fprintf(stderr, "%s: no .txt articles\n", dir);
        free(docs);
        return 1;
    }
    size_t bytes = 0, tokens = 0, sentences = 0;
    for (size_t i = 0; i < n; i++)
        bytes += docs[i].len;
    double t0 = now_us();
    for (size_t i = 0; i < n; i++) {
        newsd_analysis *an = newsd_analysis_new(docs[i].text, docs[i].len, lang);
        if (!an) {
            fprintf(stderr, "%s: article %zu refused\n", dir, i);
            return 1;
        }
        tokens += newsd_analysis_token_count(an);
        sentences += newsd_analysis_sentence_count(an);
        newsd_analysis_free(an);
    }
    double first = now_us() - t0;
    t0 = now_us();
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < n; i++)
            newsd_analysis_free(newsd_analysis_new(docs[i].text, docs[i].len, lang));
    }
    double us = (now_us() - t0) / rounds;
    double kb = bytes / 1024.0;
    printf("text_bench %s (%s): %zu articles, %.1f KB, %.0f tokens, %.1f sentences on average\n"
           "  first pass: %.1f us/article, %.1f us/KB; later passes: %.1f us/article, %.1f us/KB\n",
           dir, lang, n, kb / n, (double)tokens / n, (double)sentences / n, first / n, first / kb, us / n,
           us / kb);
    double copied, in_place;
    if (read_tokens(docs, n, lang, rounds, &copied, &in_place) < 0)
        return 1;
    printf("  reading every token: %.2f ns/token with newsd_analysis_token_at(), %.2f ns/token in place "
           "(newsd_analysis_tokens())\n",
           copied * 1000 / tokens, in_place * 1000 / tokens);
    for (size_t i = 0; i < n; i++)
        free(docs[i].text);
    free(docs);
    return 0;
}

static int dump(const char *lang, const char *path)
{
    size_t len = 0;
    char *text = read_file(path, &len);
    if (!text) {
        perror(path);
        return 1;
    }
    newsd_analysis *an = newsd_analysis_new(text, len, lang);
    free(text);
    if (!an) {
        fprintf(stderr, "%s: refused\n", path);
        return 1;
    }
    static const char *kinds[] = {"?", "word", "number", "punct"};
    size_t ns = newsd_analysis_sentence_count(an);
    for (size_t s = 0; s < ns; s++) {
        struct newsd_sentence sen = {.struct_size = sizeof sen};
        newsd_analysis_sentence_at(an, s, &sen);
        printf("-- sentence %zu (paragraph %u): %.*s\n", s, sen.paragraph, (int)sen.length,
               newsd_analysis_text(an, NULL) + sen.offset);
        for (size_t i = sen.first_token; i < sen.first_token + sen.n_tokens; i++) {
            struct newsd_token t = {.struct_size = sizeof t};
            newsd_analysis_token_at(an, i, &t);
            printf("   %-6s %-24s %-24s %-20s%s%s%s%s%s\n", kinds[t.kind <= 3 ? t.kind : 0], t.text, t.norm, t.stem,
                   t.flags & NEWSD_TOKEN_STOPWORD ? " stop" : "", t.flags & NEWSD_TOKEN_ABBREVIATION ? " abbr" : "",
                   t.flags & NEWSD_TOKEN_CAPITALISED ? " cap" : "", t.flags & NEWSD_TOKEN_ALL_CAPS ? " caps" : "",
                   t.flags & NEWSD_TOKEN_SENTENCE_START ? " start" : "");
        }
    }
    newsd_analysis_free(an);
    return 0;
}

int main(int argc, char **argv)
{
    /* The heap the daemon gives its plugins (malloc_tune.h): glibc's
     * defaults hand per-article scratch back to the kernel and fault it
     * in again, a cost the daemon does not pay. */
    malloc_tune();
    int rounds = 20, i = 1;
    if (argc == 4 && strcmp(argv[1], "--tokens") == 0)
        return dump(argv[2], argv[3]);
    if (argc > 2 && strcmp(argv[1], "--rounds") == 0) {
        rounds = atoi(argv[2]);
        i = 3;
    }
    if (rounds < 1 || argc - i < 2 || (argc - i) % 2) {
        fprintf(stderr, "usage: text_bench [--rounds N] LANG DIR [LANG DIR ...]\n"
                        "       text_bench --tokens LANG FILE\n");
        return 2;
    }
    int rc = 0;
    for (; i + 1 < argc; i += 2)
        rc |= bench(argv[i], argv[i + 1], rounds);
    return rc;
}
