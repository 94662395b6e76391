/*
 * The entities plugin's cost per article (CPU time of the one thread), with
 * gazetteers of 10 names, 10,000 names and the whole bundled list: the
 * text layer's analysis on its own, then the plugin's share (tokens, the
 * automaton, the heuristics), as entities.c runs them.  Tags are not
 * added (that is the daemon's cost, the same for any plugin).
 *
 *   entities_bench [--rounds N] [--data DIR] LANG FILE...
 *
 * DIR holds the bundled lists (default: ../plugins/entities beside this
 * program, i.e. the build tree).  The 10,000-name gazetteer is the bundled
 * lists' first entries padded with synthetic organisations and people.
 */
#include "../plugins/entities/gazetteer.h"
#include "../plugins/entities/heur.h"
#include "../plugins/entities/lexicon.h"
#include "../plugins/entities/matcher.h"
#include "../plugins/entities/tokens_analysis.h"

#include "text.h"
#include "malloc_tune.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *nfc = text_to_utf8_nfc((unsigned char *)buf, n, NULL, NULL);
    if (nfc)
        *len = strlen(nfc);
    return nfc;
}

static const char *const bundled[] = {"countries.tsv", "cities.tsv", "towns.tsv", "regions.tsv",
                                      "orgs.tsv", "people.tsv", "products.tsv"};

static int load_bundled(struct gazetteer *g, const char *dir)
{
    char path[4096], err[600];
    for (size_t i = 0; i < sizeof bundled / sizeof *bundled; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, bundled[i]);
        if (gz_load_file(g, path, err, sizeof err) < 0) {
            fprintf(stderr, "entities_bench: %s\n", err);
            return -1;
        }
    }
    return 0;
}

/* The first n entries of the bundled lists, padded with synthetic names. */
static int load_n(struct gazetteer *g, const char *dir, size_t n)
{
    struct gazetteer all;
    gz_init(&all);
    if (load_bundled(&all, dir) < 0)
        return -1;
    char line[512], err[600];
    for (size_t i = 0; i < n && i < all.n; i++) {
        const struct gz_entry *e = &all.v[i];
        int len = snprintf(line, sizeof line, "%s\t%s", ent_type_name(e->type), e->name);
        gz_add_line(g, line, (size_t)len, e->needs_cue, err, sizeof err);
    }
    for (size_t i = all.n; i < n; i++) {
        int len = snprintf(line, sizeof line, i % 2 ? "org\tSynthco %zu Holdings" : "person\tJane Q%zu Public", i);
        gz_add_line(g, line, (size_t)len, 0, err, sizeof err);
    }
    gz_free(&all);
    return 0;
}

/* The process's resident memory now and at its peak (VmRSS, VmHWM), in KB:
 * what the lists cost. */
static void memory_kb(long *rss, long *hwm)
{
    *rss = *hwm = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0)
            *rss = atol(line + 6);
        else if (strncmp(line, "VmHWM:", 6) == 0)
            *hwm = atol(line + 6);
    }
    fclose(f);
}

static void print_memory(const char *when)
{
    long rss, hwm;
    memory_kb(&rss, &hwm);
    printf("memory %-28s RSS %6.1f MB, peak %6.1f MB\n", when, rss / 1024.0, hwm / 1024.0);
}

struct doc {
    char *text;
    size_t len;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double run(const char *what, const struct gazetteer *g, const char *lang, const struct lexicon *lex,
                  const struct doc *docs, size_t n_docs, int rounds)
{
    struct matcher m;
    double t0 = cpu_us();
    if (matcher_build(&m, g, lang, &tokens_analysis_tokeniser) < 0) {
        fprintf(stderr, "entities_bench: out of memory\n");
        exit(1);
    }
    double build_ms = (cpu_us() - t0) / 1e3;
    char when[64];
    snprintf(when, sizeof when, "+ matcher (%s)", what);
    print_memory(when);
    double analysis = 0, entities = 0, phase[3] = {0};
    double *round_a = calloc((size_t)rounds, sizeof *round_a), *round_e = calloc((size_t)rounds, sizeof *round_e);
    size_t hits = 0, cands = 0;
    for (int r = 0; r < rounds; r++)
        for (size_t d = 0; d < n_docs; d++) {
            double a0 = cpu_us();
            newsd_analysis *an = newsd_analysis_new(docs[d].text, docs[d].len, lang);
            double a1 = cpu_us();
            struct ent_toks t = {0};
            struct ent_hits h = {0};
            struct heur_cands c = {0};
            tokens_from_analysis(an, &t);
            double b1 = cpu_us();
            matcher_run(&m, &t, &h);
            double b2 = cpu_us();
            uint8_t *covered = calloc(t.n + 1, 1);
            for (size_t i = 0; i < h.n; i++)
                for (uint32_t k = h.v[i].start; k < h.v[i].end; k++)
                    covered[k] = (uint8_t)(1 + g->v[h.v[i].entry].type);
            heur_run(&t, covered, NULL, lang, lex, 0, &c);
            double a2 = cpu_us();
            phase[0] += b1 - a1;
            phase[1] += b2 - b1;
            phase[2] += a2 - b2;
            analysis += a1 - a0;
            entities += a2 - a1;
            round_a[r] += a1 - a0;
            round_e[r] += a2 - a1;
            hits += h.n;
            cands += c.n;
            free(covered);
            heur_cands_free(&c);
            hits_free(&h);
            toks_free(&t);
            newsd_analysis_free(an);
        }
    size_t n = (size_t)rounds * n_docs;
    /* The machine is shared: the median round says more than the mean. */
    qsort(round_a, (size_t)rounds, sizeof *round_a, cmp_double);
    qsort(round_e, (size_t)rounds, sizeof *round_e, cmp_double);
    double med_a = round_a[rounds / 2] / n_docs, med_e = round_e[rounds / 2] / n_docs;
    printf("%-14s names %6zu  build %6.1f ms  analysis %6.1f us/article  entities %6.1f us/article "
           "(median round; mean %.1f)  %.1f hits, %.1f heuristic finds per article\n",
           what, g->n, build_ms, med_a, med_e, entities / n, (double)hits / n, (double)cands / n);
    printf("%14s (mean: tokens %.1f, automaton %.1f, heuristics %.1f us)\n", "", phase[0] / n, phase[1] / n,
           phase[2] / n);
    (void)analysis;
    free(round_a);
    free(round_e);
    matcher_free(&m);
    return med_e;
}

int main(int argc, char **argv)
{
    /* The heap the daemon gives its plugins (malloc_tune.h): glibc's
     * defaults hand per-article scratch back to the kernel and fault it
     * in again, a cost the daemon does not pay. */
    malloc_tune();
    int rounds = 20;
    char data[4096];
    char *self = strdup(argv[0]);
    snprintf(data, sizeof data, "%s/../plugins/entities", self ? dirname(self) : ".");
    free(self);
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "--rounds") == 0)
            rounds = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--data") == 0)
            snprintf(data, sizeof data, "%s", argv[i + 1]);
    }
    if (argc - i < 2 || rounds < 1) {
        fprintf(stderr, "usage: entities_bench [--rounds N] [--data DIR] LANG FILE...\n");
        return 2;
    }
    const char *lang = argv[i++];
    size_t n_docs = (size_t)(argc - i), bytes = 0;
    struct doc *docs = calloc(n_docs, sizeof *docs);
    for (size_t d = 0; d < n_docs; d++) {
        docs[d].text = read_text(argv[i + (int)d], &docs[d].len);
        if (!docs[d].text) {
            fprintf(stderr, "entities_bench: cannot read %s\n", argv[i + (int)d]);
            return 2;
        }
        bytes += docs[d].len;
    }
    print_memory("at start");
    struct lexicon lex;
    char err[600];
    lexicon_init(&lex);
    /* As the plugin reads them by default (entities.c). */
    static const char *const noun_dics[] = {"/usr/share/hunspell/de_DE.dic", "/usr/share/hunspell/de_AT.dic"};
    if (lexicon_load_de(&lex, "/usr/share/dict/ngerman", noun_dics, 2, err, sizeof err) < 0 ||
        lexicon_load_en(&lex, "/usr/share/dict/american-english", err, sizeof err) < 0)
        fprintf(stderr, "entities_bench: %s (heuristics without a word list)\n", err);
    print_memory("+ word lists");
    printf("%zu articles, %.1f KB on average, lang %s, %d rounds\n", n_docs, bytes / 1024.0 / n_docs, lang, rounds);
    struct gazetteer g10, g10k, gall;
    gz_init(&g10);
    gz_init(&g10k);
    gz_init(&gall);
    if (load_bundled(&gall, data) < 0)
        return 2;
    gz_seal(&gall);  /* as the plugin's snapshots are */
    print_memory("+ bundled gazetteer");
    if (load_n(&g10, data, 10) < 0 || load_n(&g10k, data, 10000) < 0)
        return 2;
    gz_seal(&g10);
    gz_seal(&g10k);
    double a = run("10 names", &g10, lang, &lex, docs, n_docs, rounds);
    double b = run("10,000 names", &g10k, lang, &lex, docs, n_docs, rounds);
    run("bundled lists", &gall, lang, &lex, docs, n_docs, rounds);
    printf("10,000 names cost %.2fx what 10 do\n", b / a);
    gz_free(&g10);
    gz_free(&g10k);
    gz_free(&gall);
    lexicon_free(&lex);
    for (size_t d = 0; d < n_docs; d++)
        free(docs[d].text);
    free(docs);
    return 0;
}
