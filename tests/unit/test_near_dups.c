/*
 * near_dups (plugins/near_dups/): MinHash similarity and bands, the LSH
 * index (lookup, story roots, the count and age bounds, growth), the index file
 * (round trip, a torn last record, damage refused with the file and the
 * cause, compaction) and fingerprints over the daemon's text layer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build_data.h"
#include "../../plugins/near_dups/fingerprint.h"
#include "../../plugins/near_dups/index.h"
#include "../../plugins/near_dups/minhash.h"
#include "../../plugins/near_dups/store_file.h"
#include "temp_dir.h"

/* meson.build builds this test with realloc named nd_test_realloc, in the
 * near_dups sources too: while fail_reallocs is set, growths fail. */
#undef realloc
void *realloc(void *p, size_t n);   /* <stdlib.h> declared the other name */
static int fail_reallocs;
void *nd_test_realloc(void *p, size_t n);
void *nd_test_realloc(void *p, size_t n)
{
    return fail_reallocs ? NULL : realloc(p, n);
}

/* The signature of the shingles lo .. hi-1 (shingle i hashes i). */
static struct nd_sig sig_range(uint64_t lo, uint64_t hi)
{
    struct nd_minhash m;
    nd_minhash_init(&m);
    for (uint64_t i = lo; i < hi; i++)
        nd_minhash_add(&m, nd_hash_bytes(&i, sizeof i));
    struct nd_sig s;
    nd_minhash_sig(&m, &s);
    return s;
}

static struct nd_entry entry(uint8_t id, struct nd_sig sig, int64_t ms)
{
    struct nd_entry e = {0};
    e.id[0] = id;
    e.id[15] = 1; /* never all zero */
    e.sig = sig;
    e.received_ms = ms;
    return e;
}

static void test_similarity_estimates_jaccard(void **st)
{
    (void)st;
    struct nd_sig a = sig_range(0, 1000), b = sig_range(0, 1000);
    assert_true(nd_similarity(&a, &b) == 1.0);
    /* J = 500 / 1500 = 0.33, 900 / 1100 = 0.82, 0 */
    struct nd_sig c = sig_range(500, 1500), d = sig_range(100, 1100), e = sig_range(5000, 6000);
    double sc = nd_similarity(&a, &c), sd = nd_similarity(&a, &d), se = nd_similarity(&a, &e);
    assert_true(sc > 0.15 && sc < 0.52);
    assert_true(sd > 0.65 && sd < 0.97);
    assert_true(se < 0.05);
    /* Order and repeats do not matter: a set. */
    struct nd_minhash m;
    nd_minhash_init(&m);
    for (uint64_t i = 1000; i-- > 0;) {
        nd_minhash_add(&m, nd_hash_bytes(&i, sizeof i));
        nd_minhash_add(&m, nd_hash_bytes(&i, sizeof i));
    }
    struct nd_sig r;
    nd_minhash_sig(&m, &r);
    assert_memory_equal(&r, &a, sizeof r);
}

/* nd_minhash_add_n() (a version per instruction set, the one this CPU
 * takes) gives the minima of nd_minhash_add() (baseline) one by one, for
 * batches of every size and hashes with their high and low bits set. */
static void test_minhash_batches_equal_one_by_one(void **st)
{
    (void)st;
    static const size_t sizes[] = {0, 1, 2, 7, 255, 256, 1000};
    uint64_t h[1000];
    for (size_t i = 0; i < 1000; i++)
        h[i] = i % 97 == 0 ? UINT64_MAX - i : i % 89 == 0 ? i : nd_hash_bytes(&i, sizeof i);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        struct nd_minhash one, many;
        nd_minhash_init(&one);
        nd_minhash_init(&many);
        for (size_t i = 0; i < sizes[k]; i++)
            nd_minhash_add(&one, h[i]);
        /* Two batches: the second starts from the first's minima. */
        nd_minhash_add_n(&many, h, sizes[k] / 3);
        nd_minhash_add_n(&many, h + sizes[k] / 3, sizes[k] - sizes[k] / 3);
        assert_memory_equal(one.min, many.min, sizeof one.min);
        assert_int_equal(one.n, many.n);
    }
}

static void test_bands(void **st)
{
    (void)st;
    struct nd_sig a = sig_range(0, 1000), b = a;
    for (unsigned band = 0; band < ND_BANDS; band++) {
        assert_true(nd_band_equal(&a, &b, band));
        assert_int_equal(nd_band_key(&a, band), nd_band_key(&b, band));
    }
    /* One position changed: its band differs, the others do not. */
    b.h[3 * ND_ROWS + 1] ^= 1;
    for (unsigned band = 0; band < ND_BANDS; band++)
        assert_int_equal(nd_band_equal(&a, &b, band), band != 3);
    assert_true(nd_band_hash(&a, 3) != nd_band_hash(&b, 3));
    /* The same key in two bands hashes apart (one table per band, but the
     * PostgreSQL store keeps every band's hash in one array). */
    struct nd_sig z = {0};
    assert_true(nd_band_hash(&z, 0) != nd_band_hash(&z, 1));
}

static void test_lookup_only_through_a_band(void **st)
{
    (void)st;
    struct nd_index x;
    assert_int_equal(nd_index_init(&x, 16, 0), 0);
    struct nd_sig a = sig_range(0, 1000);
    struct nd_entry e = entry(1, a, 1000);
    nd_index_add(&x, &e);
    /* Every band of the query differs but positions outside the bands
     * agree: no candidate, whatever the threshold. */
    struct nd_sig q = a;
    for (unsigned band = 0; band < ND_BANDS; band++)
        q.h[band * ND_ROWS] ^= 0x8000;
    struct nd_entry qe = entry(2, q, 2000);
    struct nd_match m;
    nd_index_lookup(&x, qe.id, &q, 0.05, 2000, &m);
    assert_false(m.found);
    /* One band equal again: a candidate, compared on every position. */
    q.h[5 * ND_ROWS] = a.h[5 * ND_ROWS];
    nd_index_lookup(&x, qe.id, &q, 0.5, 2000, &m);
    assert_true(m.found);
    assert_false(m.self);
    assert_true(m.sim == nd_similarity(&q, &a));
    assert_memory_equal(m.id, e.id, ND_ID_BYTES);
    assert_memory_equal(m.root, e.id, ND_ID_BYTES);
    /* Below the threshold: not found. */
    nd_index_lookup(&x, qe.id, &q, 0.9, 2000, &m);
    assert_false(m.found);
    nd_index_free(&x);
}

static void test_story_root_and_self(void **st)
{
    (void)st;
    struct nd_index x;
    assert_int_equal(nd_index_init(&x, 16, 0), 0);
    struct nd_entry first = entry(1, sig_range(0, 1000), 1000);
    nd_index_add(&x, &first);
    /* The second copy is near the first: its root is the first. */
    struct nd_entry second = entry(2, sig_range(50, 1050), 2000);
    struct nd_match m;
    nd_index_lookup(&x, second.id, &second.sig, 0.5, 2000, &m);
    assert_true(m.found);
    memcpy(second.root, m.root, ND_ID_BYTES);
    second.sim = (float)m.sim;
    nd_index_add(&x, &second);
    /* The third is nearest to the second, and still the first's story. */
    struct nd_entry third = entry(3, sig_range(100, 1100), 3000);
    nd_index_lookup(&x, third.id, &third.sig, 0.5, 3000, &m);
    assert_true(m.found);
    assert_memory_equal(m.root, first.id, ND_ID_BYTES);
    /* The second again (a retried batch, a reprocessing): itself, with
     * what it was tagged the first time. */
    nd_index_lookup(&x, second.id, &second.sig, 0.5, 4000, &m);
    assert_true(m.self);
    assert_memory_equal(m.root, first.id, ND_ID_BYTES);
    assert_true(m.sim == second.sim);
    nd_index_free(&x);
}

static void test_count_and_age_bounds(void **st)
{
    (void)st;
    struct nd_index x;
    assert_int_equal(nd_index_init(&x, 3, 10000), 0);
    struct nd_entry e[5];
    for (int i = 0; i < 5; i++) {
        e[i] = entry((uint8_t)(i + 1), sig_range((uint64_t)i * 10000, (uint64_t)i * 10000 + 500), 1000 * (i + 1));
        nd_index_add(&x, &e[i]);
    }
    assert_int_equal(nd_index_count(&x), 3);
    struct nd_match m;
    struct nd_entry q = entry(9, e[0].sig, 6000);
    nd_index_lookup(&x, q.id, &q.sig, 0.5, 6000, &m);
    assert_false(m.found); /* the oldest two left: count bound */
    q.sig = e[2].sig;
    nd_index_lookup(&x, q.id, &q.sig, 0.5, 6000, &m);
    assert_true(m.found);
    /* At 13.5 s the entry of 3 s is older than 10 s: not looked at, then
     * expired. */
    nd_index_lookup(&x, q.id, &q.sig, 0.5, 13500, &m);
    assert_false(m.found);
    nd_index_expire(&x, 13500);
    assert_int_equal(nd_index_count(&x), 2);
    /* Slots are reused many times over: chains through reused slots end. */
    for (int i = 0; i < 1000; i++) {
        struct nd_entry f = entry((uint8_t)i, sig_range((uint64_t)i % 7 * 3, (uint64_t)i % 7 * 3 + 200), 20000 + i);
        nd_index_add(&x, &f);
    }
    assert_int_equal(nd_index_count(&x), 3);
    nd_index_free(&x);
}

/* A doubling in place when the entries that count wrap around the ring
 * (the oldest left by age, not from slot 0): every entry that counts moves
 * to its new slot and stays findable, those that left stay gone. */
static struct nd_entry numbered(uint64_t i, int64_t ms)
{
    struct nd_entry e = entry(0, sig_range(i * 1000, i * 1000 + 40), ms);
    memcpy(e.id + 1, &i, sizeof i);
    return e;
}

/* A ring of near-duplicates' roots that cannot grow stops only itself: its
 * oldest roots are overwritten (they read as firsts), and the entries'
 * ring still grows.  (Its failure once stopped both, and the log blamed
 * the index.) */
static void test_index_dup_ring_short(void **st)
{
    (void)st;
    struct nd_index x;
    assert_int_equal(nd_index_init(&x, 100000, 0), 0);
    size_t ring = x.dup_mask + 1, first = x.mask + 1;
    assert_true(ring + 1 < first);
    struct nd_entry e;
    fail_reallocs = 1;
    for (uint64_t i = 1; i <= ring + 1; i++) {   /* one more than the ring holds */
        e = numbered(i, 1000);
        e.root[15] = 1;
        e.sim = 0.5f;
        assert_int_equal(nd_index_add(&x, &e), i);
    }
    fail_reallocs = 0;
    assert_true(x.dups_short);
    assert_false(x.short_of_memory);
    assert_int_equal(x.dup_mask + 1, ring);
    for (uint64_t i = ring + 2; i <= first + 1; i++) {
        e = numbered(i, 1000);
        assert_int_equal(nd_index_add(&x, &e), i);
    }
    assert_false(x.short_of_memory);
    assert_int_equal(x.mask + 1, 2 * first);
    nd_index_free(&x);
}

static void test_index_grows_wrapped(void **st)
{
    (void)st;
    struct nd_index x;
    assert_int_equal(nd_index_init(&x, 100000, 1000), 0);
    size_t first = x.mask + 1;
    uint64_t gone = first / 2 + 7, last = gone + first + 1;   /* seqs 1..gone leave by age */
    struct nd_entry e;
    for (uint64_t i = 1; i <= gone; i++) {
        e = numbered(i, 0);
        assert_int_equal(nd_index_add(&x, &e), i);
    }
    nd_index_expire(&x, 1001);
    assert_int_equal(nd_index_count(&x), 0);
    for (uint64_t i = gone + 1; i < last; i++) {
        e = numbered(i, 1000);
        assert_int_equal(nd_index_add(&x, &e), i);
    }
    assert_int_equal(x.mask + 1, first);   /* full, wrapped, not grown yet */
    e = numbered(last, 1000);
    assert_int_equal(nd_index_add(&x, &e), last);
    assert_int_equal(x.mask + 1, 2 * first);
    assert_int_equal(nd_index_count(&x), first + 1);
    struct nd_match m;
    for (uint64_t k = 1; k <= last; k++) {
        struct nd_entry q = numbered(k, 1000);
        nd_index_lookup(&x, q.id, &q.sig, 0.9, 1000, &m);
        assert_int_equal(m.found && m.self, k > gone);
    }
    uint64_t from = 0;
    struct nd_entry out[3];
    assert_int_equal(nd_index_copy(&x, &from, UINT64_MAX, out, 3), 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(out[i].seq, gone + 1 + (uint64_t)i);
    nd_index_free(&x);
}

/* Roots and similarities live in a ring of their own beside the entries
 * (index.h, struct nd_dup): it grows while all of its dups count, drops
 * those whose entries left, and every entry still reads back as added,
 * a first with a zero root, a dup with its root and similarity. */
static void test_index_dup_roots(void **st)
{
    (void)st;
    struct nd_index x;
    assert_int_equal(nd_index_init(&x, 3000, 0), 0);
    struct nd_entry e;
    for (uint64_t i = 1; i <= 5000; i++) {
        e = numbered(i, 1000);
        if (i % 3 == 0) {   /* a dup of the entry before it */
            memset(e.root, 0, ND_ID_BYTES);
            memcpy(e.root + 2, &i, sizeof i);
            e.root[15] = 1;
            e.sim = (float)(i % 100) / 100.0f + 0.01f;
        }
        assert_int_equal(nd_index_add(&x, &e), i);
    }
    assert_false(x.short_of_memory);
    assert_int_equal(nd_index_count(&x), 3000);
    /* 1,000 dups count; the ring holds them and not many more. */
    assert_true(x.dup_mask + 1 >= 1000 && x.dup_mask + 1 <= 2048);
    uint64_t from = 0;
    struct nd_entry out[64];
    size_t got, total = 0;
    while ((got = nd_index_copy(&x, &from, UINT64_MAX, out, 64)) > 0) {
        for (size_t k = 0; k < got; k++) {
            uint64_t i = out[k].seq;
            struct nd_entry want = numbered(i, 1000);
            assert_memory_equal(out[k].id, want.id, ND_ID_BYTES);
            assert_memory_equal(&out[k].sig, &want.sig, sizeof want.sig);
            assert_int_equal(out[k].received_ms, 1000);
            if (i % 3 == 0) {
                uint64_t r;
                memcpy(&r, out[k].root + 2, sizeof r);
                assert_int_equal(r, i);
                assert_true(out[k].sim == (float)(i % 100) / 100.0f + 0.01f);
            } else {
                static const uint8_t zero[ND_ID_BYTES];
                assert_memory_equal(out[k].root, zero, ND_ID_BYTES);
                assert_true(out[k].sim == 0);
            }
        }
        total += got;
    }
    assert_int_equal(total, 3000);
    /* A lookup of a dup finds itself with its root and similarity. */
    struct nd_entry q = numbered(4998, 1000);
    struct nd_match m;
    nd_index_lookup(&x, q.id, &q.sig, 0.9, 1000, &m);
    assert_true(m.found && m.self);
    uint64_t r;
    memcpy(&r, m.root + 2, sizeof r);
    assert_int_equal(r, 4998);
    nd_index_free(&x);
}

/* Across 2^32 entries: links and slots keep a seq's low 32 bits, and the
 * entry whose low bits are all 0 must neither vanish nor cut the chains
 * of the buckets it shares with older entries (a head of 0 reads as an
 * empty bucket).  The index starts just below 2^32, as after 4 billion
 * articles. */
static void test_index_seq_wraps(void **st)
{
    (void)st;
    struct nd_index x;
    assert_int_equal(nd_index_init(&x, 64, 0), 0);
    uint64_t base = (UINT64_C(1) << 32) - 4;
    x.next_seq = x.oldest = base;
    x.next_dup = x.oldest_dup = (UINT64_C(1) << 32) - 2;
    struct nd_sig shared = sig_range(0, 40);
    struct nd_entry e;
    for (uint64_t i = 0; i < 8; i++) {
        /* base + 3 (the last below 2^32) and 2^32 share a signature. */
        uint64_t seq = base + i;
        e = seq == base + 3 || seq == base + 4 ? entry(0, shared, 1000) : numbered(seq, 1000);
        memcpy(e.id + 1, &seq, sizeof seq);
        if (i % 2) {   /* every other one a dup, its number crossing 2^32 too */
            memset(e.root, 0, ND_ID_BYTES);
            memcpy(e.root + 2, &seq, sizeof seq);
            e.root[15] = 1;
            e.sim = 0.75f;
        }
        assert_int_equal(nd_index_add(&x, &e), seq);
    }
    struct nd_match m;
    for (uint64_t i = 0; i < 8; i++) {
        uint64_t seq = base + i;
        struct nd_entry q = seq == base + 3 || seq == base + 4 ? entry(0, shared, 1000) : numbered(seq, 1000);
        memcpy(q.id + 1, &seq, sizeof seq);
        nd_index_lookup(&x, q.id, &q.sig, 0.9, 1000, &m);
        assert_true(m.found && m.self);
        uint64_t r = 0;
        memcpy(&r, m.root + 2, sizeof r);
        assert_int_equal(r, i % 2 ? seq : 0);
    }
    /* A new article like the two that share a signature: the older of
     * them, reached through the 2^32 one's buckets. */
    struct nd_entry q = entry(9, shared, 1000);
    nd_index_lookup(&x, q.id, &q.sig, 0.9, 1000, &m);
    assert_true(m.found && !m.self);
    uint64_t got;
    memcpy(&got, m.id + 1, sizeof got);
    assert_int_equal(got, base + 3);
    uint64_t from = 0;
    struct nd_entry out[8];
    assert_int_equal(nd_index_copy(&x, &from, UINT64_MAX, out, 8), 8);
    for (uint64_t i = 0; i < 8; i++)
        assert_int_equal(out[i].seq, base + i);
    nd_index_free(&x);
}

/* The dup ring's numbers skip those whose low 32 bits are 0 (a slot's 0
 * says "a first"): the skip must not push a kept root out of a ring that
 * had room for one more, nor leave a slot of the ring unwritten. */
static void test_index_dup_number_wraps(void **st)
{
    (void)st;
    struct nd_index x;
    assert_int_equal(nd_index_init(&x, 1000, 0), 0);
    size_t ring = x.dup_mask + 1;
    x.next_dup = x.oldest_dup = (UINT64_C(1) << 32) - (ring - 1);
    struct nd_entry e;
    for (uint64_t i = 1; i <= ring; i++) {   /* the last one's number is the skip */
        e = numbered(i, 1000);
        memcpy(e.root + 2, &i, sizeof i);
        e.root[15] = 1;
        e.sim = 0.5f;
        assert_int_equal(nd_index_add(&x, &e), i);
    }
    assert_false(x.short_of_memory);
    uint64_t from = 0;
    struct nd_entry out[64];
    size_t got;
    uint64_t total = 0;
    while ((got = nd_index_copy(&x, &from, UINT64_MAX, out, 64)) > 0)
        for (size_t k = 0; k < got; k++, total++) {
            uint64_t r = 0;
            memcpy(&r, out[k].root + 2, sizeof r);
            assert_int_equal(r, out[k].seq);
            assert_true(out[k].sim == 0.5f);
        }
    assert_int_equal(total, ring);
    nd_index_free(&x);
}

/* A band key that thousands of entries share (one site's footer): the walk
 * stops after ND_MAX_CHAIN of them, newest first, and the bands that are
 * not hot still find what they share. */
/* The ring starts small and doubles as entries come (so that memory
 * follows what is stored, not max_entries); entries keep their seqs and
 * stay findable across each doubling; the count bound still holds. */
static void test_index_grows(void **st)
{
    (void)st;
    struct nd_index x;
    assert_int_equal(nd_index_init(&x, 10000, 0), 0);
    size_t first = x.mask + 1;
    assert_true(first < 10000);
    struct nd_entry e;
    for (uint64_t i = 0; i < 12000; i++) {
        e = entry(0, sig_range(i * 1000, i * 1000 + 40), 1000);
        memcpy(e.id + 1, &i, sizeof i);
        assert_int_equal(nd_index_add(&x, &e), i + 1);
        if (i + 1 == first)
            assert_int_equal(x.mask + 1, first);      /* full, not grown yet */
        if (i + 1 == first + 1)
            assert_int_equal(x.mask + 1, 2 * first);  /* one more: doubled */
        if (i + 1 == 5000) {
            /* Entries from before the doubling are found through their bands. */
            for (uint64_t k = 0; k < 5000; k += 499) {
                struct nd_entry q = entry(0, sig_range(k * 1000, k * 1000 + 40), 1000);
                memcpy(q.id + 1, &k, sizeof k);
                struct nd_match m;
                nd_index_lookup(&x, q.id, &q.sig, 0.9, 1000, &m);
                assert_true(m.found && m.self);
            }
        }
    }
    assert_false(x.short_of_memory);
    assert_int_equal(nd_index_count(&x), 10000);
    assert_int_equal(x.mask + 1, 16384);
    /* The oldest 2,000 left (count bound); the rest count, in seq order. */
    struct nd_match m;
    for (uint64_t k = 1990; k < 2010; k++) {
        struct nd_entry q = entry(0, sig_range(k * 1000, k * 1000 + 40), 1000);
        memcpy(q.id + 1, &k, sizeof k);
        nd_index_lookup(&x, q.id, &q.sig, 0.9, 1000, &m);
        assert_int_equal(m.found && m.self, k >= 2000);
    }
    uint64_t from = 0;
    struct nd_entry out[4];
    assert_int_equal(nd_index_copy(&x, &from, UINT64_MAX, out, 4), 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(out[i].seq, 2001 + i);
    nd_index_free(&x);
}

static void test_hot_chain_is_cut(void **st)
{
    (void)st;
    struct nd_index x;
    assert_int_equal(nd_index_init(&x, 4 * ND_MAX_CHAIN, 0), 0);
    struct nd_sig old = sig_range(0, 1000);
    old.h[0] = old.h[1] = 7; /* band 0: the hot key */
    struct nd_entry first = entry(1, old, 1);
    nd_index_add(&x, &first);
    for (int i = 0; i < 2 * ND_MAX_CHAIN; i++) {
        struct nd_sig s = sig_range((uint64_t)(i + 1) * 100000, (uint64_t)(i + 1) * 100000 + 50);
        s.h[0] = s.h[1] = 7;
        struct nd_entry e = entry((uint8_t)(i + 2), s, 2 + i);
        e.id[1] = (uint8_t)((i + 2) >> 8);
        nd_index_add(&x, &e);
    }
    /* Sharing only the hot band with the first entry: not reached. */
    struct nd_sig q = old;
    for (unsigned b = 1; b < ND_BANDS; b++)
        q.h[b * ND_ROWS] ^= 0x4000;
    uint8_t id[ND_ID_BYTES] = {0xee, [15] = 1};
    struct nd_match m;
    nd_index_lookup(&x, id, &q, 0.05, 10000, &m);
    assert_false(m.found);
    /* Sharing two more bands with it: found through them. */
    q.h[3 * ND_ROWS] = old.h[3 * ND_ROWS];
    q.h[9 * ND_ROWS] = old.h[9 * ND_ROWS];
    nd_index_lookup(&x, id, &q, 0.5, 10000, &m);
    assert_true(m.found);
    assert_memory_equal(m.id, first.id, ND_ID_BYTES);
    nd_index_free(&x);
}

struct tmp {
    char dir[TEMP_DIR_MAX];
    char path[TEMP_DIR_MAX + 16];
};

static int tmp_setup(void **st)
{
    struct tmp *t = calloc(1, sizeof *t);
    temp_dir_make(t->dir, "near-dups");
    snprintf(t->path, sizeof t->path, "%s/nd.idx", t->dir);
    *st = t;
    return 0;
}

static int tmp_teardown(void **st)
{
    struct tmp *t = *st;
    int rc = temp_dir_remove(t->dir);
    free(t);
    return rc;
}

/* A file with n entries (ids 1..n), written through an index of room
 * cap. */
static void write_file(const char *path, int n)
{
    struct nd_index x;
    struct nd_file *f = NULL;
    int ro = 0;
    char *err = NULL;
    assert_int_equal(nd_index_init(&x, 100, 0), 0);
    assert_int_equal(nd_file_open(path, 1, &x, 0, &f, &ro, &err), 0);
    assert_false(ro);
    for (int i = 0; i < n; i++) {
        struct nd_entry e = entry((uint8_t)(i + 1), sig_range((uint64_t)i * 1000, (uint64_t)i * 1000 + 300), 1000 + i);
        e.sim = 0.25f * (float)(i % 4);
        nd_index_add(&x, &e);
        assert_int_equal(nd_file_append(f, &e, &err), 0);
    }
    assert_int_equal(nd_file_sync(f, &err), 0);
    nd_file_close(f);
    nd_index_free(&x);
}

/* Opens path into a fresh index; returns nd_file_open's result, the
 * message in *err. */
static int reopen(const char *path, struct nd_index *x, int64_t max_age_ms, int64_t now, char **err)
{
    struct nd_file *f = NULL;
    int ro = 0;
    assert_int_equal(nd_index_init(x, 100, max_age_ms), 0);
    int rc = nd_file_open(path, 1, x, now, &f, &ro, err);
    nd_file_close(f);
    return rc;
}

static void test_file_round_trip(void **st)
{
    struct tmp *t = *st;
    write_file(t->path, 5);
    struct nd_index x;
    char *err = NULL;
    assert_int_equal(reopen(t->path, &x, 0, 0, &err), 0);
    assert_int_equal(nd_index_count(&x), 5);
    struct nd_match m;
    struct nd_sig s = sig_range(3000, 3300);
    uint8_t id[ND_ID_BYTES] = {4, [15] = 1};
    nd_index_lookup(&x, id, &s, 0.5, 0, &m);
    assert_true(m.self);
    assert_true(m.sim == 0.75f);
    nd_index_free(&x);
    /* An age bound leaves the old ones out when reading. */
    assert_int_equal(reopen(t->path, &x, 10, 1013, &err), 0);
    assert_int_equal(nd_index_count(&x), 2);
    nd_index_free(&x);
}

static void test_file_torn_tail_is_cut(void **st)
{
    struct tmp *t = *st;
    write_file(t->path, 3);
    /* A write interrupted half-way: half a record more. */
    FILE *fh = fopen(t->path, "ab");
    assert_non_null(fh);
    unsigned char half[ND_RECORD_BYTES / 2];
    memset(half, 0x77, sizeof half);
    fwrite(half, sizeof half, 1, fh);
    fclose(fh);
    struct nd_index x;
    struct nd_file *f = NULL;
    int ro = 0;
    char *err = NULL;
    assert_int_equal(nd_index_init(&x, 100, 0), 0);
    assert_int_equal(nd_file_open(t->path, 1, &x, 0, &f, &ro, &err), 0);
    assert_int_equal(nd_file_torn(f), ND_RECORD_BYTES / 2);
    assert_int_equal(nd_index_count(&x), 3);
    nd_file_close(f);
    nd_index_free(&x);
    struct stat sb;
    assert_int_equal(stat(t->path, &sb), 0);
    assert_int_equal(sb.st_size, ND_HEADER_BYTES + 3 * ND_RECORD_BYTES);
}

static void corrupt_byte(const char *path, long off)
{
    FILE *fh = fopen(path, "r+b");
    assert_non_null(fh);
    assert_int_equal(fseek(fh, off, SEEK_SET), 0);
    int c = fgetc(fh);
    assert_int_equal(fseek(fh, off, SEEK_SET), 0);
    fputc(c ^ 0x01, fh);
    fclose(fh);
}

static void expect_refused(const char *path, const char *words)
{
    struct nd_index x;
    char *err = NULL;
    assert_int_equal(reopen(path, &x, 0, 0, &err), -1);
    assert_non_null(err);
    assert_non_null(strstr(err, path));
    if (!strstr(err, words))
        fail_msg("\"%s\" does not say \"%s\"", err, words);
    free(err);
    nd_index_free(&x);
}

static void test_file_damage_refused(void **st)
{
    struct tmp *t = *st;
    size_t size = ND_HEADER_BYTES + 4 * ND_RECORD_BYTES;
    unsigned char *orig = malloc(size);
    write_file(t->path, 4);
    FILE *fh = fopen(t->path, "rb");
    assert_int_equal(fread(orig, size, 1, fh), 1);
    fclose(fh);

    /* A flipped bit in the second record: not the tail, so damage. */
    corrupt_byte(t->path, ND_HEADER_BYTES + ND_RECORD_BYTES + 40);
    expect_refused(t->path, "record 2 (byte 208) is damaged");
    /* The file was left as it was (never overwritten). */
    struct stat sb;
    assert_int_equal(stat(t->path, &sb), 0);
    assert_int_equal((size_t)sb.st_size, size);

    temp_dir_write(t->dir, "nd.idx", "this is not an index, but a text file of some length\n");
    expect_refused(t->path, "not a near_dups index");
    temp_dir_write(t->dir, "nd.idx", "NEWSD");
    expect_refused(t->path, "too short");

    /* Another format version: the header's checksum is right, so the
     * version is what is named. */
    fh = fopen(t->path, "wb");
    fwrite(orig, size, 1, fh);
    fclose(fh);
    corrupt_byte(t->path, 8); /* version 1 -> 0 */
    expect_refused(t->path, "damaged"); /* the header checksum catches it first */
    free(orig);
}

static void test_file_compaction(void **st)
{
    struct tmp *t = *st;
    /* 2,000 appends through an index of 10: the file is rewritten when it
     * holds far more than counts. */
    struct nd_index x;
    struct nd_file *f = NULL;
    int ro = 0;
    char *err = NULL;
    assert_int_equal(nd_index_init(&x, 10, 0), 0);
    assert_int_equal(nd_file_open(t->path, 1, &x, 0, &f, &ro, &err), 0);
    for (int i = 0; i < 2000; i++) {
        struct nd_entry e = entry((uint8_t)i, sig_range((uint64_t)i * 1000, (uint64_t)i * 1000 + 50), i);
        e.id[1] = (uint8_t)(i >> 8);
        nd_index_add(&x, &e);
        assert_int_equal(nd_file_append(f, &e, &err), 0);
    }
    assert_int_equal(nd_file_records(f), 2000);
    assert_int_equal(nd_file_compact(f, &x, &err), 0);
    assert_int_equal(nd_file_records(f), 10);
    nd_file_close(f);
    nd_index_free(&x);
    assert_int_equal(reopen(t->path, &x, 0, 0, &err), 0);
    assert_int_equal(nd_index_count(&x), 10);
    nd_index_free(&x);
    /* A second opener while the first holds the file: reads, writes
     * nothing. */
    struct nd_index a, b;
    struct nd_file *fa = NULL, *fb = NULL;
    int roa = 0, rob = 0;
    assert_int_equal(nd_index_init(&a, 100, 0), 0);
    assert_int_equal(nd_index_init(&b, 100, 0), 0);
    assert_int_equal(nd_file_open(t->path, 1, &a, 0, &fa, &roa, &err), 0);
    assert_int_equal(nd_file_open(t->path, 1, &b, 0, &fb, &rob, &err), 0);
    assert_false(roa);
    assert_true(rob);
    assert_null(fb);
    assert_int_equal(nd_index_count(&b), 10);
    nd_file_close(fa);
    nd_index_free(&a);
    nd_index_free(&b);
}

/* Not writable (newsd --try, --check-config): a missing file is an empty
 * index and stays missing; a torn tail is skipped and left for the
 * writer. */
static void test_file_read_only(void **st)
{
    struct tmp *t = *st;
    struct nd_index x;
    struct nd_file *f = NULL;
    int ro = 0;
    char *err = NULL;
    assert_int_equal(nd_index_init(&x, 100, 0), 0);
    assert_int_equal(nd_file_open(t->path, 0, &x, 0, &f, &ro, &err), 0);
    assert_true(ro);
    assert_null(f);
    assert_int_equal(nd_index_count(&x), 0);
    assert_int_equal(access(t->path, F_OK), -1);
    nd_index_free(&x);

    write_file(t->path, 2);
    FILE *fh = fopen(t->path, "ab");
    fputs("torn", fh);
    fclose(fh);
    assert_int_equal(nd_index_init(&x, 100, 0), 0);
    assert_int_equal(nd_file_open(t->path, 0, &x, 0, &f, &ro, &err), 0);
    assert_int_equal(nd_index_count(&x), 2);
    nd_index_free(&x);
    struct stat sb;
    assert_int_equal(stat(t->path, &sb), 0);
    assert_int_equal(sb.st_size, ND_HEADER_BYTES + 2 * ND_RECORD_BYTES + 4);
    /* Damage is refused all the same. */
    corrupt_byte(t->path, ND_HEADER_BYTES + 3);
    assert_int_equal(nd_index_init(&x, 100, 0), 0);
    assert_int_equal(nd_file_open(t->path, 0, &x, 0, &f, &ro, &err), -1);
    assert_non_null(strstr(err, "record 1"));
    free(err);
    nd_index_free(&x);
}

static struct nd_sig fingerprint_of(const char *text, size_t *words)
{
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), "en");
    assert_non_null(an);
    struct nd_sig s;
    assert_int_equal(nd_fingerprint(an, &s, words), 0);
    newsd_analysis_free(an);
    return s;
}

#define P1 "The central bank raised its key interest rate by half a point on Tuesday, the largest step in years."
#define P2 "Officials said inflation had stayed well above the target for most of the year and would fall only slowly."
#define P3 "Markets had expected a smaller rise, and shares of the largest lenders fell sharply after the decision."

/* (A text analysed on its own has no title: that the title is left out
 * is seen by tests/e2e/tests_near_dups.py and the eval's headline
 * variants.) */
static void test_fingerprint_ignores_order_and_case(void **st)
{
    (void)st;
    size_t w1, w2, w3;
    struct nd_sig a = fingerprint_of("Bank raises rates\n\n" P1 "\n\n" P2 "\n\n" P3 "\n", &w1);
    struct nd_sig b = fingerprint_of(P3 "\n\n" P1 "\n\nBank raises rates\n\n" P2 "\n", &w2);
    assert_int_equal(w1, w2);
    assert_true(w1 > 50);
    assert_memory_equal(&a, &b, sizeof a);
    /* Inflection and case: stems of norms. */
    struct nd_sig c = fingerprint_of("Bank raises rates\n\n" P1 "\n\n" P2 "\n\nMARKETS HAD EXPECTED A SMALLER RISE, "
                                     "and shares of the largest lenders fell sharply after the decisions.\n", &w3);
    assert_memory_equal(&a, &c, sizeof a);
    /* A dropped paragraph is a different text, but a near one. */
    struct nd_sig d = fingerprint_of("Bank raises rates\n\n" P1 "\n\n" P2 "\n", &w3);
    double s = nd_similarity(&a, &d);
    assert_true(s > 0.45 && s < 0.95);
}

int main(void)
{
    use_build_data_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_similarity_estimates_jaccard),
        cmocka_unit_test(test_minhash_batches_equal_one_by_one),
        cmocka_unit_test(test_bands),
        cmocka_unit_test(test_lookup_only_through_a_band),
        cmocka_unit_test(test_story_root_and_self),
        cmocka_unit_test(test_count_and_age_bounds),
        cmocka_unit_test(test_hot_chain_is_cut),
        cmocka_unit_test(test_index_grows),
        cmocka_unit_test(test_index_grows_wrapped),
        cmocka_unit_test(test_index_dup_roots),
        cmocka_unit_test(test_index_seq_wraps),
        cmocka_unit_test(test_index_dup_number_wraps),
        cmocka_unit_test(test_index_dup_ring_short),
        cmocka_unit_test_setup_teardown(test_file_round_trip, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_torn_tail_is_cut, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_damage_refused, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_compaction, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_read_only, tmp_setup, tmp_teardown),
        cmocka_unit_test(test_fingerprint_ignores_order_and_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
