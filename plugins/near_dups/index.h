/*
 * near_dups: the in-memory fingerprint index, an LSH table over a ring.
 *
 * Entries live in a ring of a power-of-two number of slots, in the order
 * they were added; an entry's sequence number says where (seq & mask).
 * Each of the ND_BANDS bands has a table of bucket heads, and each entry
 * links to the previous entry of its bucket, so a bucket is a chain from
 * newest to oldest.  Links hold sequence numbers (their low 32 bits), not
 * pointers: an entry that has left the ring (too many, or too old) is
 * recognised by its slot holding another sequence number, or one below
 * the oldest that counts, and a chain simply ends there.  So bounding the
 * index by count and age costs nothing per entry, and nothing is ever
 * unlinked.
 *
 * Not thread-safe: the plugin holds a lock around every call.
 */
#ifndef NEAR_DUPS_INDEX_H
#define NEAR_DUPS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "minhash.h"

#define ND_ID_BYTES 16
/* Entries a lookup walks per band at most, newest first.  A key that
 * every article of one site shares (both of a band's minima from its
 * footer) makes a long chain; a rewrite shares several bands with its
 * original (four of 16 on average at similarity 0.5), so cutting one
 * chain short costs next to nothing, and it bounds a lookup at
 * ND_BANDS * ND_MAX_CHAIN comparisons. */
#define ND_MAX_CHAIN 1024

struct nd_entry {
    uint64_t seq;                  /* 0: slot never used */
    int64_t received_ms;
    uint8_t id[ND_ID_BYTES];       /* the article id, binary */
    uint8_t root[ND_ID_BYTES];     /* the first article of its story; all 0: it is the first */
    float sim;                     /* its similarity to the entry it was found near (0 for a first) */
    struct nd_sig sig;
};

/* How the ring keeps an entry: 160 bytes where struct nd_entry takes 184.
 * Most entries are the first of their story, so a root and a similarity
 * live in a ring of their own (struct nd_dup), which the entries that
 * have one name; the seq is kept as its low 32 bits, as links are. */
struct nd_slot {
    int64_t received_ms;
    uint32_t seq;                  /* low 32 bits; 0: slot never used (or a seq of k * 2^32) */
    uint32_t dup;                  /* low 32 bits of its number in the dup ring; 0: a first */
    uint8_t id[ND_ID_BYTES];
    struct nd_sig sig;
};

/* The root and similarity of an entry found near another. */
struct nd_dup {
    uint64_t seq;                  /* the entry's */
    uint8_t root[ND_ID_BYTES];
    float sim;
};

struct nd_index {
    size_t max_entries;            /* the count bound */
    int64_t max_age_ms;            /* the age bound (0: none) */
    size_t mask;                   /* slots - 1; the slots double up to max_slots as entries come */
    size_t max_slots;              /* the power of two that holds max_entries */
    int short_of_memory;           /* a growth failed: the index stays at its size */
    int dups_short;                /* the duplicates' ring could not grow: its oldest are overwritten */
    struct nd_slot *e;
    uint32_t *next;                /* [slot * ND_BANDS + band]: the older entry's seq (low 32 bits), 0: none (index.c, follow()) */
    uint32_t *head;                /* [band * slots / 4 + bucket] (index.c, HEADS_SHIFT) */
    uint64_t next_seq;             /* seq of the next entry; the first is 1 */
    uint64_t oldest;               /* the oldest seq that counts */
    struct nd_dup *dups;           /* a ring, [number & dup_mask]; doubles while all of it counts */
    size_t dup_mask;
    uint64_t next_dup, oldest_dup; /* numbers: the next one (the first is 1), the oldest kept */
};

/* The best match of a lookup. */
struct nd_match {
    int found;                     /* 0: nothing at or above the threshold */
    int self;                      /* the id itself is indexed: root and sim are its own */
    uint8_t id[ND_ID_BYTES];       /* the entry matched */
    uint8_t root[ND_ID_BYTES];     /* the story's first article (the entry's root, else its id) */
    double sim;
};

/* 0, or -1 when out of memory.  max_entries >= 1. */
int nd_index_init(struct nd_index *x, size_t max_entries, int64_t max_age_ms);
void nd_index_free(struct nd_index *x);

/* Forget entries older than now_ms - max_age_ms. */
void nd_index_expire(struct nd_index *x, int64_t now_ms);
/* Entries that count now. */
size_t nd_index_count(const struct nd_index *x);

/* The entry of sig most similar (>= min_sim) to an indexed one, or the
 * entry of id itself when it is indexed (then self = 1); among equally
 * similar ones the oldest.  Entries older than now_ms - max_age_ms are
 * not looked at. */
void nd_index_lookup(const struct nd_index *x, const uint8_t id[ND_ID_BYTES], const struct nd_sig *sig,
                     double min_sim, int64_t now_ms, struct nd_match *out);

/* Add an entry (copied); the oldest leaves when the index is full.
 * Returns its seq.  The ring grows on the way (x->short_of_memory set when
 * it could not: then the oldest leave earlier than max_entries says), and
 * so does the ring of duplicates' roots (x->dups_short when it could not:
 * then the oldest duplicates read as firsts). */
uint64_t nd_index_add(struct nd_index *x, const struct nd_entry *e);

/* Copy up to max entries that count, oldest first, from seq *from (or the
 * oldest that counts, if later) to before until; *from moves past them.
 * Returns how many. */
size_t nd_index_copy(const struct nd_index *x, uint64_t *from, uint64_t until, struct nd_entry *out, size_t max);

/* The entries that count, oldest first: calls fn for each until it
 * returns non-zero, and returns that (0 after the last). */
int nd_index_each(const struct nd_index *x, int (*fn)(const struct nd_entry *e, void *arg), void *arg);

#endif
