/*
 * The in-memory fingerprint index (see index.h for the layout).
 */
#include "index.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static size_t pow2_at_least(size_t n)
{
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

/* The ring's slots at the start: it doubles as entries come, up to the
 * power of two that holds max_entries.  Allocating that at once made the
 * default 100,000 fingerprints 40 MB of address space whose bucket heads
 * (touched at random) were all resident after a few thousand articles. */
#define FIRST_SLOTS 4096

/* The ring of entries is an anonymous mapping of its own: the kernel
 * gives a page only when an entry first reaches it, and mremap() doubles
 * the ring in place, its new half again untouched.  A ring of 16384 slots
 * (3 MB) holding 10,000 entries then costs 1.8 MB, where a zeroed block
 * would cost all of it (at 184 bytes an entry, before struct nd_slot). */
static struct nd_slot *ring_map(size_t slots)
{
    void *p = mmap(NULL, slots * sizeof(struct nd_slot), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* Bucket heads per band: a quarter of the slots.  The heads are touched
 * at random, so all of them are resident: one per slot and band was 1 MB
 * of the 3.4 MB that 10,000 fingerprints took.  Four times fewer make the
 * chains ~4 times longer (2.4 entries at 10,000 fingerprints in 16,384
 * slots), which a lookup walks comparing one band: dups_bench's lookup p50 went
 * from 3 to 10-13 µs at 100,000 fingerprints (an article costs ~0.8 ms
 * of CPU), its index from 35 to 29 MiB. */
#define HEADS_SHIFT 2

/* The dup ring's slots at the start. */
#define FIRST_DUPS 64

/* The full seq of a live entry from its low 32 bits: it is among the
 * 2^30 before next_seq at most (nd_index_init()). */
static uint64_t seq_full(const struct nd_index *x, uint32_t low)
{
    return x->next_seq - (uint32_t)((uint32_t)x->next_seq - low);
}

/* The entry of a slot, for callers (struct nd_entry). */
static void slot_entry(const struct nd_index *x, const struct nd_slot *sl, struct nd_entry *out)
{
    memset(out, 0, sizeof *out);
    out->seq = seq_full(x, sl->seq);
    out->received_ms = sl->received_ms;
    memcpy(out->id, sl->id, ND_ID_BYTES);
    out->sig = sl->sig;
    if (sl->dup) {
        const struct nd_dup *d = &x->dups[sl->dup & x->dup_mask];
        /* Another seq: its dup was overwritten when the dup ring could
         * not grow (short of memory); the entry then reads as a first. */
        if (d->seq == out->seq) {
            memcpy(out->root, d->root, ND_ID_BYTES);
            out->sim = d->sim;
        }
    }
}

/* Keep the root and similarity of entry seq; its number (low 32 bits,
 * never 0 for a kept one), or 0 when it cannot be kept. */
static uint32_t dup_add(struct nd_index *x, uint64_t seq, const uint8_t root[ND_ID_BYTES], float sim)
{
    while (x->oldest_dup < x->next_dup && x->dups[x->oldest_dup & x->dup_mask].seq < x->oldest)
        x->oldest_dup++;
    /* A number whose low 32 bits are 0 is skipped (0 says "a first"):
     * then two numbers are taken, and the ring needs room for both. */
    uint64_t take = (uint32_t)x->next_dup == 0 ? 2 : 1;
    size_t old = x->dup_mask + 1;
    if (x->next_dup - x->oldest_dup + take > old) {
        struct nd_dup *d = realloc(x->dups, 2 * old * sizeof *d);
        if (d) {
            x->dups = d;
            /* As grow() moves the ring's entries: each stays or moves to
             * the new upper half. */
            for (uint64_t n = x->oldest_dup; n < x->next_dup; n++)
                if ((n & (2 * old - 1)) != (n & (old - 1)))
                    d[n & (2 * old - 1)] = d[n & (old - 1)];
            x->dup_mask = 2 * old - 1;
        } else {
            /* Only this ring stays at its size: the entries' ring may
             * still grow (its own failure is short_of_memory). */
            x->dups_short = 1;
            /* overwritten: those entries read as firsts */
            x->oldest_dup = x->next_dup + take - old;
        }
    }
    if (take == 2)   /* no entry's seq: the loop above drops it */
        x->dups[x->next_dup++ & x->dup_mask].seq = 0;
    uint64_t n = x->next_dup++;
    struct nd_dup *d = &x->dups[n & x->dup_mask];
    d->seq = seq;
    memcpy(d->root, root, ND_ID_BYTES);
    d->sim = sim;
    return (uint32_t)n;
}

/* Ask for the cache line of p ahead of its read. */
static inline void prefetch(const void *p)
{
#if defined(__GNUC__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

static size_t heads_per_band(size_t slots)
{
    return slots >> HEADS_SHIFT ? slots >> HEADS_SHIFT : 1;
}

static uint32_t *head_of(const struct nd_index *x, const struct nd_sig *sig, unsigned b)
{
    size_t heads = heads_per_band(x->mask + 1);
    return &x->head[b * heads + (nd_band_hash(sig, b) & (heads - 1))];
}

static int alloc_tables(struct nd_index *x, size_t slots)
{
    x->mask = slots - 1;
    x->e = ring_map(slots);
    x->next = calloc(slots * ND_BANDS, sizeof *x->next);
    x->head = calloc(heads_per_band(slots) * ND_BANDS, sizeof *x->head);
    x->dups = malloc(FIRST_DUPS * sizeof *x->dups);
    x->dup_mask = FIRST_DUPS - 1;
    return x->e && x->next && x->head && x->dups ? 0 : -1;
}

static void link_entry(struct nd_index *x, uint64_t seq)
{
    size_t slot = seq & x->mask;
    const struct nd_slot *e = &x->e[slot];
    for (unsigned b = 0; b < ND_BANDS; b++) {
        uint32_t *h = head_of(x, &e->sig, b);
        x->next[slot * ND_BANDS + b] = *h;
        *h = (uint32_t)seq;
    }
}

int nd_index_init(struct nd_index *x, size_t max_entries, int64_t max_age_ms)
{
    memset(x, 0, sizeof *x);
    if (max_entries == 0 || max_entries > (1u << 30))
        return -1;
    x->max_slots = pow2_at_least(max_entries);
    x->max_entries = max_entries;
    x->max_age_ms = max_age_ms;
    x->next_seq = 1;
    x->oldest = 1;
    x->next_dup = x->oldest_dup = 1;
    if (alloc_tables(x, x->max_slots < FIRST_SLOTS ? x->max_slots : FIRST_SLOTS) < 0) {
        nd_index_free(x);
        return -1;
    }
    return 0;
}

/* Twice the slots, in place: the ring by mremap(), the link tables by
 * realloc() (blocks this size are mmap'ed, so glibc moves them with
 * mremap too, without a copy; the links of a slot are written before they
 * are read, and the heads are cleared), the entries
 * that count moved to their new slots with their seqs (so that a caller's
 * position in the sequence, nd_index_copy's, stays true) and their chains
 * made again oldest first.  Tables allocated anew beside the old ones held
 * both at once: 7.5 MB instead of 5 MB when 8192 slots became 16384, in
 * the middle of a burst.  -1: no memory; x is as it was (an array that did
 * grow is used at its old size). */
static int grow(struct nd_index *x)
{
    size_t old = x->mask + 1, slots = old * 2;
    uint32_t *next = realloc(x->next, slots * ND_BANDS * sizeof *next);
    if (!next)
        return -1;
    x->next = next;
    uint32_t *head = realloc(x->head, heads_per_band(slots) * ND_BANDS * sizeof *head);
    if (!head)
        return -1;
    x->head = head;
    /* Last: a ring that grew is unmapped by its size (nd_index_free()). */
    void *ring = mremap(x->e, old * sizeof *x->e, slots * sizeof *x->e, MREMAP_MAYMOVE);
    if (ring == MAP_FAILED)
        return -1;
    struct nd_slot *e = x->e = ring;
    /* At most old entries count, so their seqs differ in their low bits:
     * each either stays or moves to the new upper half, which only moved
     * entries fill. */
    for (uint64_t s = x->oldest; s < x->next_seq; s++) {
        size_t from = s & (old - 1), to = s & (slots - 1);
        if (to != from) {
            e[to] = e[from];
            memset(&e[from], 0, sizeof e[from]);
        }
    }
    x->mask = slots - 1;
    memset(head, 0, heads_per_band(slots) * ND_BANDS * sizeof *head);
    for (uint64_t s = x->oldest; s < x->next_seq; s++)
        link_entry(x, s);
    return 0;
}

void nd_index_free(struct nd_index *x)
{
    if (x->e)
        munmap(x->e, (x->mask + 1) * sizeof *x->e);
    free(x->next);
    free(x->head);
    free(x->dups);
    memset(x, 0, sizeof *x);
}

/* The live slot a link names, or NULL when it has left (or the link is
 * empty); *seq its full seq.  below: the seq of the entry the link came
 * from (links only point to older entries); UINT64_MAX for a bucket head. */
static const struct nd_slot *follow(const struct nd_index *x, uint32_t link, uint64_t below, uint64_t *seq)
{
    /* No early return for link 0 (an empty head, a chain's end): the
     * entries whose seq's low 32 bits are 0 (one each 2^32) have links of
     * 0 too, and would be lost with their buckets' older entries.  Before
     * 2^32, a 0 names seq 0, below the oldest; after, it names the last
     * such entry, which an empty bucket's walk then visits while that
     * entry counts (its band keys tell it apart). */
    const struct nd_slot *e = &x->e[link & x->mask];
    if (e->seq != link)
        return NULL;
    *seq = seq_full(x, link);
    if (*seq < x->oldest || *seq >= below)
        return NULL;
    return e;
}

void nd_index_expire(struct nd_index *x, int64_t now_ms)
{
    if (x->max_age_ms <= 0)
        return;
    int64_t cutoff = now_ms - x->max_age_ms;
    while (x->oldest < x->next_seq && x->e[x->oldest & x->mask].received_ms < cutoff)
        x->oldest++;
}

size_t nd_index_count(const struct nd_index *x)
{
    return (size_t)(x->next_seq - x->oldest);
}

void nd_index_lookup(const struct nd_index *x, const uint8_t id[ND_ID_BYTES], const struct nd_sig *sig,
                     double min_sim, int64_t now_ms, struct nd_match *out)
{
    static const uint8_t zero[ND_ID_BYTES];
    memset(out, 0, sizeof *out);
    int64_t cutoff = x->max_age_ms > 0 ? now_ms - x->max_age_ms : INT64_MIN;
    const struct nd_slot *best = NULL;
    uint64_t best_seq = 0;
    double best_sim = -1;
    struct nd_entry e;
    /* The bands' buckets are independent: their heads are asked for all
     * at once, then the first entry of each (its seq and the band's
     * values, which the walk reads first), and only then walked; between
     * articles the rest of the pipeline evicts the index, and each of
     * these reads is a miss.  Entries past the first are not asked for:
     * most buckets hold one entry or none. */
    const uint32_t *heads[ND_BANDS];
    uint32_t first[ND_BANDS];
    for (unsigned b = 0; b < ND_BANDS; b++) {
        heads[b] = head_of(x, sig, b);
        prefetch(heads[b]);
    }
    for (unsigned b = 0; b < ND_BANDS; b++) {
        first[b] = *heads[b];
        const struct nd_slot *s = &x->e[first[b] & x->mask];
        prefetch(&s->seq);
        prefetch(&s->sig.h[b * ND_ROWS]);
    }
    for (unsigned b = 0; b < ND_BANDS; b++) {
        uint32_t link = first[b];
        uint64_t below = UINT64_MAX, seq;
        unsigned walked = 0;
        for (const struct nd_slot *s; walked < ND_MAX_CHAIN && (s = follow(x, link, below, &seq));
             link = x->next[(seq & x->mask) * ND_BANDS + b], walked++) {
            below = seq;
            if (s->received_ms < cutoff)
                break; /* older still behind it */
            if (!nd_band_equal(sig, &s->sig, b))
                continue; /* another key in this bucket */
            if (memcmp(s->id, id, ND_ID_BYTES) == 0) {
                slot_entry(x, s, &e);
                out->found = out->self = 1;
                memcpy(out->id, e.id, ND_ID_BYTES);
                memcpy(out->root, e.root, ND_ID_BYTES);
                out->sim = e.sim;
                return;
            }
            double sim = nd_similarity(sig, &s->sig);
            if (sim > best_sim || (sim == best_sim && seq < best_seq)) {
                best = s;
                best_seq = seq;
                best_sim = sim;
            }
        }
    }
    if (!best || best_sim < min_sim)
        return;
    slot_entry(x, best, &e);
    out->found = 1;
    out->sim = best_sim;
    memcpy(out->id, e.id, ND_ID_BYTES);
    memcpy(out->root, memcmp(e.root, zero, ND_ID_BYTES) ? e.root : e.id, ND_ID_BYTES);
}

uint64_t nd_index_add(struct nd_index *x, const struct nd_entry *in)
{
    uint64_t seq = x->next_seq;   /* counted below, after a growth moved the others */
    if (seq - x->oldest >= x->max_entries)
        x->oldest = seq - x->max_entries + 1;
    /* A full ring below its final size grows rather than drop the oldest;
     * without the memory for that, the oldest go (the index is bounded by
     * what it has, and says so: nd_index_short). */
    if (seq - x->oldest > x->mask && x->mask + 1 < x->max_slots && !x->short_of_memory &&
        grow(x) < 0)
        x->short_of_memory = 1;
    if (seq - x->oldest > x->mask)
        x->oldest = seq - x->mask;
    x->next_seq++;
    static const uint8_t zero[ND_ID_BYTES];
    struct nd_slot *e = &x->e[seq & x->mask];
    e->received_ms = in->received_ms;
    e->seq = (uint32_t)seq;
    e->dup = memcmp(in->root, zero, ND_ID_BYTES) || in->sim != 0 ? dup_add(x, seq, in->root, in->sim) : 0;
    memcpy(e->id, in->id, ND_ID_BYTES);
    e->sig = in->sig;
    link_entry(x, seq);
    return seq;
}

size_t nd_index_copy(const struct nd_index *x, uint64_t *from, uint64_t until, struct nd_entry *out, size_t max)
{
    uint64_t s = *from > x->oldest ? *from : x->oldest;
    uint64_t end = until < x->next_seq ? until : x->next_seq;
    size_t n = 0;
    for (; s < end && n < max; s++)
        slot_entry(x, &x->e[s & x->mask], &out[n++]);
    *from = s;
    return n;
}

int nd_index_each(const struct nd_index *x, int (*fn)(const struct nd_entry *e, void *arg), void *arg)
{
    struct nd_entry e;
    for (uint64_t s = x->oldest; s < x->next_seq; s++) {
        slot_entry(x, &x->e[s & x->mask], &e);
        int rc = fn(&e, arg);
        if (rc)
            return rc;
    }
    return 0;
}
