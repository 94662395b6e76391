/*
 * The near_dups plugin's index with many fingerprints: fills it with N
 * signatures (default 1,000,000), then times lookups, half of them for
 * rewrites of indexed articles (a share of positions changed, as a
 * rewrite changes them) and half for articles it has never seen.  Then
 * the same fingerprints go through the index file: written, and read back
 * as a start-up reads them.
 *
 *   dups_bench [N] [LOOKUPS]
 *
 * The signatures are synthetic, built to look like real ones to the index:
 * computing a million real signatures would time the text layer, not the
 * index.  Each position is, with probability SHARED, a value from a small
 * pool (the shingles that boilerplate and stock phrases give many
 * articles, so that buckets hold unrelated entries as they do in real
 * use: the corpus measures a band collision rate well below this), else
 * random; and one article in HOT_EVERY carries one site's footer, whose
 * shingles give band 0 the same key (a chain of 200,000 at 1M, which a
 * lookup walks ND_MAX_CHAIN deep).  Prints one line of figures per part.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../plugins/near_dups/index.h"
#include "../plugins/near_dups/minhash.h"
#include "../plugins/near_dups/store_file.h"

#define SHARED 0.10   /* share of positions drawn from the common pool */
#define POOL 64       /* values in the common pool */
#define HOT_EVERY 5   /* one article in this many has the hot band-0 key */

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void random_entry(struct nd_entry *e, uint64_t n)
{
    memset(e, 0, sizeof *e);
    for (unsigned i = 0; i < ND_K; i++)
        e->sig.h[i] = (next_rand() % 1000) < SHARED * 1000 ? (uint16_t)(next_rand() % POOL)
                                                          : (uint16_t)next_rand();
    if (n % HOT_EVERY == 0)
        e->sig.h[0] = e->sig.h[1] = 7;
    memcpy(e->id, &n, sizeof n);
    e->id[15] = 0xa5;
    e->received_ms = 1700000000000LL + (int64_t)n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    size_t lookups = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000;
    if (n == 0 || lookups == 0) {
        fprintf(stderr, "usage: dups_bench [N] [LOOKUPS]\n");
        return 2;
    }
    struct nd_index x;
    if (nd_index_init(&x, n, 0) < 0) {
        fprintf(stderr, "dups_bench: out of memory for %zu entries\n", n);
        return 1;
    }
    long rss0 = rss_kib();
    struct nd_entry *kept = malloc(lookups * sizeof *kept); /* some indexed entries, to rewrite */
    if (!kept) {
        fprintf(stderr, "dups_bench: out of memory\n");
        return 1;
    }
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        struct nd_entry e;
        random_entry(&e, i);
        nd_index_add(&x, &e);
        if (i % (n / lookups + 1) == 0)
            kept[i / (n / lookups + 1)] = e;
    }
    double fill = now_s() - t0;
    size_t n_kept = (n - 1) / (n / lookups + 1) + 1;
    printf("dups_bench: %zu fingerprints added in %.2f s (%.2f us each); index memory %.0f MiB (%.0f B per entry)\n",
           n, fill, fill * 1e6 / (double)n, (double)(rss_kib() - rss0) / 1024,
           (double)(rss_kib() - rss0) * 1024 / (double)n);

    double *t = malloc(lookups * sizeof *t);
    size_t hits = 0, rewrites = 0, false_hits = 0;
    for (size_t q = 0; q < lookups; q++) {
        struct nd_entry e;
        int rewrite = q % 2 == 0;
        if (rewrite) {
            e = kept[(q / 2) % n_kept];
            e.id[15] = 0x5a; /* another article */
            /* 10 to 40 % of positions changed: similarity 0.6 .. 0.9 */
            unsigned change = ND_K / 10 + (unsigned)(next_rand() % (ND_K * 3 / 10));
            for (unsigned c = 0; c < change; c++)
                e.sig.h[next_rand() % ND_K] = (uint16_t)next_rand();
            rewrites++;
        } else {
            random_entry(&e, n + q);
        }
        struct nd_match m;
        double s = now_s();
        nd_index_lookup(&x, e.id, &e.sig, 0.5, e.received_ms, &m);
        t[q] = now_s() - s;
        if (m.found && rewrite)
            hits++;
        else if (m.found)
            false_hits++;
    }
    qsort(t, lookups, sizeof *t, cmp_double);
    printf("dups_bench: %zu lookups in %zu: p50 %.1f us, p99 %.1f us, max %.1f us; rewrites found %zu of %zu, "
           "unseen articles matched %zu\n",
           lookups, n, t[lookups / 2] * 1e6, t[lookups * 99 / 100] * 1e6, t[lookups - 1] * 1e6, hits, rewrites,
           false_hits);

    char path[] = "/tmp/dups_bench.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("dups_bench: mkstemp");
        return 1;
    }
    close(fd);
    unlink(path);
    struct nd_index y;
    struct nd_file *f = NULL;
    int ro = 0;
    char *err = NULL;
    if (nd_index_init(&y, n, 0) < 0 || nd_file_open(path, 1, &y, 0, &f, &ro, &err) < 0 ||
        nd_file_compact(f, &x, &err) < 0) {
        fprintf(stderr, "dups_bench: %s\n", err ? err : "out of memory");
        return 1;
    }
    nd_file_close(f);
    nd_index_free(&y);
    t0 = now_s();
    if (nd_index_init(&y, n, 0) < 0 || nd_file_open(path, 1, &y, 0, &f, &ro, &err) < 0) {
        fprintf(stderr, "dups_bench: %s\n", err ? err : "out of memory");
        return 1;
    }
    double load = now_s() - t0;
    printf("dups_bench: index file of %zu fingerprints (%.0f MiB) read in %.2f s\n", nd_index_count(&y),
           (double)(ND_HEADER_BYTES + (double)nd_index_count(&y) * ND_RECORD_BYTES) / (1 << 20), load);
    nd_file_close(f);
    unlink(path);
    nd_index_free(&y);
    nd_index_free(&x);
    free(t);
    free(kept);
    return 0;
}
