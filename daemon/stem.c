/*
 * Stemmers per thread and language.  A worker meets few languages, so the
 * cache is a short array searched in order; a language without a stemmer
 * is remembered too, so it is not looked up again.  A pthread key's
 * destructor deletes a thread's stemmers when the thread exits.
 */
#include "stem.h"
#include "stopwords.h"
#include "strhash.h"

#include <limits.h>
#include <stdint.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <libstemmer.h>

/* GCC's ThreadSanitizer build warns at each fence it inlines (memo_get()
 * is always inlined, so even the -O0 tsan tree's), as TSan does not model
 * fences and may then report false races on plain accesses the fence
 * orders.  The memo has none: every access to a version or a slot is
 * atomic, so there is no race for TSan to get wrong. */
#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wtsan"
#endif

/* ISO 639-1 (and a few 639-3) codes → libstemmer's algorithm names. */
static const struct {
    const char *code;
    const char *algorithm;
} algorithms[] = {
    {"ar", "arabic"}, {"hy", "armenian"}, {"eu", "basque"}, {"ca", "catalan"}, {"da", "danish"},
    {"nl", "dutch"}, {"en", "english"}, {"fi", "finnish"}, {"fr", "french"}, {"de", "german"},
    {"el", "greek"}, {"hi", "hindi"}, {"hu", "hungarian"}, {"id", "indonesian"}, {"ga", "irish"},
    {"it", "italian"}, {"lt", "lithuanian"}, {"ne", "nepali"}, {"no", "norwegian"},
    {"nb", "norwegian"}, {"nn", "norwegian"}, {"pt", "portuguese"}, {"ro", "romanian"},
    {"ru", "russian"}, {"sr", "serbian"}, {"es", "spanish"}, {"sv", "swedish"}, {"ta", "tamil"},
    {"tr", "turkish"}, {"yi", "yiddish"},
};

const char *stem_algorithm(const char *lang)
{
    for (size_t i = 0; i < sizeof algorithms / sizeof *algorithms; i++)
        if (strcmp(algorithms[i].code, lang) == 0)
            return algorithms[i].algorithm;
    return NULL;
}

/* The memo: one per language, shared by all threads (a thread's own memo
 * per language was 1 MB per worker and language, and memory grew with the
 * workers; at 512 KB each the hit rate fell and an article took ~13 µs
 * more in German).  A memo is two tables of 512 KB: one of 16-byte slots
 * for words of up to SHORT_ROOM bytes, one of 32-byte slots for longer
 * ones (up to LONG_ROOM), each set two cache lines (eight short ways or
 * four long ones).  One table of 32-byte slots held 32,768 words in 1 MB;
 * the two hold 32,768 short and 16,384 long ones, and most words are
 * short (of the 10kgnad-de corpus's 36,931 distinct words 24,682 fit a
 * short slot, of bbc-news-en's 18,337 all but 757), so the memo holds
 * the vocabulary of a feed that the single table kept missing on.
 * Holds it if each word may take either of two sets (set_first(),
 * set_second()): with one set per word, a quarter of that German
 * vocabulary fell in sets given more words than ways, which pushed one
 * another out on every pass over the corpus (11.7 of an article's ~250
 * look-ups missed, at ~1 µs each in German); with two, 2.6, about half
 * of them words too long for a slot.
 *
 * A slot: a 32-bit head (the tag: 15 bits of the word's hash, never 0, 0
 * is empty; the word's length; how many of its bytes the stem keeps; the
 * stem's added bytes; used), then the word and the added bytes (Snowball
 * mostly cuts a suffix; "happy" -> "happi" keeps 4 and adds "i").  A word
 * and added bytes that fit a short slot go there, else to the long table
 * (a short word with many added bytes, as German's umlauts give, too), or,
 * when they exceed even that, are not memoised (rare words).  In a set,
 * the way hit least recently is the one replaced (near enough: a way hit
 * since the others were is "used"), so the words a feed keeps using stay
 * while its one-off words come and go.  Only the first MEMO_LANGS
 * languages get one, so an article stream in thirty languages cannot make
 * the process hold thirty.
 *
 * Threads share a set through its version (a sequence lock): a writer
 * makes it odd while it rewrites the set, and a reader that saw it odd or
 * changed takes what it read for a miss.  A writer that finds the set
 * taken does not memoise (the next miss of the word will).  Every access
 * to a slot is atomic (relaxed: 64-bit loads and stores), so there is no
 * data race, only a stale read that the version tells.  The head is kept
 * in the slot's first four bytes in memory (not by value), so the word's
 * bytes follow it whatever the byte order. */
#define SET_BITS 12
#define SHORT_SETS (1 << SET_BITS)
#define SHORT_WAYS 8
#define SHORT_WORDS 2   /* 64-bit words a slot */
#define LONG_SETS (1 << SET_BITS)
#define LONG_WAYS 4
#define LONG_WORDS 4
#define HEAD_BYTES 4
#define SHORT_ROOM (SHORT_WORDS * 8 - HEAD_BYTES)
#define LONG_ROOM (LONG_WORDS * 8 - HEAD_BYTES)
#define MEMO_ROOM LONG_ROOM
#define MEMO_LANGS 4
#define SPILL_BITS 32768

/* The head's fields. */
#define HEAD_TAG(h) ((h) & 0x7fffu)
#define HEAD_LEN(h) ((size_t)((h) >> 15) & 0x1f)
#define HEAD_KEEP(h) ((size_t)((h) >> 20) & 0x1f)
#define HEAD_TAIL(h) ((size_t)((h) >> 25) & 0x1f)
#define HEAD_KEY 0xfffffu   /* the tag and the length */
#define HEAD_USED ((uint32_t)1 << 30)
#define HEAD_STOP ((uint32_t)1 << 31)   /* the word is a stop word of the memo's language */

_Static_assert(LONG_ROOM <= 0x1f, "a length fits its five bits");
_Static_assert(SHORT_WAYS * SHORT_WORDS * 8 == 128, "a short set is two cache lines");
_Static_assert(LONG_WAYS * LONG_WORDS * 8 == 128, "a long set is two cache lines");

struct memo {
    _Atomic uint32_t short_version[SHORT_SETS];   /* odd while a thread writes the set */
    _Atomic uint32_t long_version[LONG_SETS];
    _Atomic uint64_t short_slots[SHORT_SETS * SHORT_WAYS * SHORT_WORDS];
    _Atomic uint64_t long_slots[LONG_SETS * LONG_WAYS * LONG_WORDS];
    /* A bit per few short words' hashes: set when one of them went to
     * the long table, so that a short word missing from the short table
     * looks there only when it may be (a miss of the long set's lines
     * on every miss of a short word cost more than the bits). */
    _Atomic uint64_t spill[SPILL_BITS / 64];
    /* A bit per set: set once a word that picked it first went to its
     * second set (set_second()), so that a lookup reads (and fetches)
     * the second set only when the first one ever overflowed. */
    _Atomic uint64_t short_over[SHORT_SETS / 64];
    _Atomic uint64_t long_over[LONG_SETS / 64];
};

_Static_assert((SHORT_SETS + LONG_SETS) * sizeof(uint32_t) % 128 == 0, "the slots start on a cache line");

/* One of a memo's tables, and the set a hash picks in it. */
struct table {
    _Atomic uint32_t *version;
    _Atomic uint64_t *slots;
    _Atomic uint64_t *over;
    size_t sets;
    int ways, words;
    size_t room;
};

static inline struct table short_table(struct memo *m)
{
    return (struct table){m->short_version, m->short_slots, m->short_over, SHORT_SETS, SHORT_WAYS, SHORT_WORDS,
                          SHORT_ROOM};
}

static inline struct table long_table(struct memo *m)
{
    return (struct table){m->long_version, m->long_slots, m->long_over, LONG_SETS, LONG_WAYS, LONG_WORDS,
                          LONG_ROOM};
}

struct stemmer {
    struct sb_stemmer *sb;
    struct memo *memo;        /* the language's; NULL when it has none */
    const struct stopword_set *stop;   /* the language's (NULL: none) */
    char stem[MEMO_ROOM];     /* a memoised stem put together (stem_word()'s answer) */
};

/* One entry per code of the table at most. */
#define STEM_CACHE_MAX (sizeof algorithms / sizeof *algorithms)

struct stem_cache {
    size_t n;
    struct {
        char lang[4];
        struct stemmer st;
    } e[STEM_CACHE_MAX];
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static _Thread_local struct stem_cache *thread_cache;

/* The languages' memos: made on a language's first stemmer, kept for the
 * life of the process (as the stop-word lists are). */
static struct {
    char lang[4];
    struct memo *memo;
} memos[MEMO_LANGS];
static size_t n_memos;
static pthread_mutex_t memos_lock = PTHREAD_MUTEX_INITIALIZER;

static void cache_free(void *p)
{
    struct stem_cache *c = p;
    for (size_t i = 0; i < c->n; i++)
        sb_stemmer_delete(c->e[i].st.sb);
    free(c);
}
static void cache_key_make(void)
{
    /* Without a key the stemmers of an exiting thread would leak; stemming
     * still works, so a failure here is not an error of the caller's. */
    if (pthread_key_create(&cache_key, cache_free) != 0)
        cache_key = (pthread_key_t)-1;
}

static struct stem_cache *cache_get(void)
{
    if (thread_cache)
        return thread_cache;
    pthread_once(&cache_once, cache_key_make);
    struct stem_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (cache_key != (pthread_key_t)-1)
        pthread_setspecific(cache_key, c);
    thread_cache = c;
    return c;
}

/* lang's memo, made on first use: an anonymous mapping, so zero (every
 * slot empty, every version even) and page-aligned (a set is two whole
 * cache lines).  NULL when MEMO_LANGS languages have one or memory runs
 * out: stemming then works without. */
static struct memo *memo_of(const char *lang)
{
    struct memo *m = NULL;
    pthread_mutex_lock(&memos_lock);
    for (size_t i = 0; i < n_memos && i < MEMO_LANGS && !m; i++)
        if (strncmp(memos[i].lang, lang, sizeof memos[i].lang) == 0)
            m = memos[i].memo;
    if (!m && n_memos < MEMO_LANGS) {
        void *p = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED) {
            m = p;
            strcpy(memos[n_memos].lang, lang);
            memos[n_memos++].memo = m;
        }
    }
    pthread_mutex_unlock(&memos_lock);
    return m;
}

struct stemmer *stem_stemmer(const char *lang)
{
    const char *alg = stem_algorithm(lang);
    if (!alg)
        return NULL;
    struct stem_cache *c = cache_get();
    if (!c)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->e[i].lang, lang) == 0)
            return &c->e[i].st;
    if (c->n == STEM_CACHE_MAX || strlen(lang) >= sizeof c->e[0].lang)
        return NULL;
    struct sb_stemmer *sb = sb_stemmer_new(alg, "UTF_8");
    if (!sb)
        return NULL;   /* not built into this libstemmer, or no memory: stems are norms */
    strcpy(c->e[c->n].lang, lang);
    c->e[c->n].st.sb = sb;
    c->e[c->n].st.memo = memo_of(lang);
    c->e[c->n].st.stop = stopwords_get(lang);
    return &c->e[c->n++].st;
}

static uint32_t memo_tag(uint64_t h)
{
    return (uint32_t)HEAD_TAG(h >> 32) | 1;
}

/* The table of a word of len bytes (looked up first: a short word may
 * also be in the long table, see memo_get_any()). */
static inline struct table table_of(struct memo *m, size_t len)
{
    return len <= SHORT_ROOM ? short_table(m) : long_table(m);
}

void stem_prefetch(const struct stemmer *st, const char *word, size_t len)
{
    if (st->memo && len <= MEMO_ROOM)
        stem_prefetch_hashed(st, len, strhash(word, len));
}

/* The two sets a word may take in a table: the first by the low bits of
 * its hash, the second one of sixteen others picked by the next four
 * bits (never the first).  A word goes to whichever has room, so that
 * the words of a crowded set spread to their second sets instead of
 * pushing one another out (with one set per word, a quarter of a
 * German feed's vocabulary fell in sets holding more words than ways,
 * and kept missing).  Both depend on the low SET_BITS + 4 bits only. */
static inline size_t set_first(uint64_t hash)
{
    return (size_t)hash & ((1u << SET_BITS) - 1);
}

static inline size_t set_second(uint64_t hash)
{
    return ((size_t)hash + 1 + ((size_t)(hash >> SET_BITS) & 15) * 255) & ((1u << SET_BITS) - 1);
}

/* Whether set i of t ever overflowed into second sets. */
static inline bool set_overflowed(_Atomic uint64_t *over, size_t i)
{
    return atomic_load_explicit(&over[i / 64], memory_order_relaxed) >> (i % 64) & 1;
}

static inline void prefetch_set(const struct table *t, size_t i)
{
    const char *set = (const char *)&t->slots[i * (size_t)(t->ways * t->words)];
    __builtin_prefetch(set);
    __builtin_prefetch(set + 64);
    __builtin_prefetch(&t->version[i]);
}

void stem_prefetch_hashed(const struct stemmer *st, size_t len, uint64_t hash)
{
    if (!st->memo || len > MEMO_ROOM)
        return;
    struct table t = table_of(st->memo, len);
    size_t a = set_first(hash);
    prefetch_set(&t, a);
    if (set_overflowed(t.over, a))
        prefetch_set(&t, set_second(hash));
}

const char *stem_word(struct stemmer *st, const char *word, size_t len, size_t *out_len)
{
    uint64_t h = st->memo && len <= MEMO_ROOM ? strhash(word, len) : 0;
    return stem_word_hashed(st, word, len, h, out_len);
}

/* A slot's head as a 64-bit value of its first word: the head's bits in
 * the word's first four bytes. */
static inline uint64_t head_bits(uint32_t head)
{
    uint64_t v = 0;
    memcpy(&v, &head, sizeof head);
    return v;
}

static inline uint32_t head_of(uint64_t first)
{
    uint32_t head;
    memcpy(&head, &first, sizeof head);
    return head;
}

/* Mark way w of set as hit; when every way then is, the others are not
 * (so "not used" means "not hit since the last of them was").  A hint
 * only, so outside the version: a way already marked costs no write (the
 * common hit, and no cache line bouncing between threads). */
static inline __attribute__((always_inline)) void memo_touch(_Atomic uint64_t *set, int ways, int words, int w)
{
    uint64_t used = head_bits(HEAD_USED);
    if (atomic_load_explicit(&set[w * words], memory_order_relaxed) & used)
        return;
    atomic_fetch_or_explicit(&set[w * words], used, memory_order_relaxed);
    for (int k = 0; k < ways; k++)
        if (!(atomic_load_explicit(&set[k * words], memory_order_relaxed) & used))
            return;
    for (int k = 0; k < ways; k++)
        if (k != w)
            atomic_fetch_and_explicit(&set[k * words], ~used, memory_order_relaxed);
}

/* The n (0..8) bytes at p as the low bytes of a little-endian word,
 * without reading past them (loads that overlap, as strhash() does). */
static inline uint64_t load_bytes(const char *p, size_t n)
{
    uint64_t v = 0;
    if (n >= 8) {
        memcpy(&v, p, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        v = a | (uint64_t)b << (8 * (n - 4));
    } else if (n > 0) {
        const unsigned char *u = (const unsigned char *)p;
        v = u[0] | (uint64_t)u[n / 2] << (8 * (n / 2)) | (uint64_t)u[n - 1] << (8 * (n - 1));
    }
    return v;
}

static inline uint64_t low_bytes_mask(size_t n)
{
    return n >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * n)) - 1;
}

/* Whether the slot (its words as loaded) holds word[0..len) after its
 * head.  Compared in registers: copying the slot's words to memory and
 * reading the word's bytes back across them made the CPU wait for the
 * stores at every hit. */
static inline __attribute__((always_inline)) bool slot_holds(const uint64_t *slot, int words, const char *word,
                                                             size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t n = len < 8 - HEAD_BYTES ? len : 8 - HEAD_BYTES;
    uint64_t diff = (slot[0] >> (8 * HEAD_BYTES) ^ load_bytes(word, n)) & low_bytes_mask(n);
    for (int k = 1; k < words; k++) {
        size_t at = 8 * (size_t)k - HEAD_BYTES;
        n = len > at ? (len - at < 8 ? len - at : 8) : 0;
        diff |= (slot[k] ^ load_bytes(word + at, n)) & low_bytes_mask(n);
    }
    return diff == 0;
#else
    return strhash_equal((const char *)slot + HEAD_BYTES, word, len);
#endif
}

/* The stem of word[0..len) from set i of a table (its versions and
 * slots; ways, words and room its shape): its length, with its bytes in
 * out (MEMO_ROOM bytes) or, when the stem is the word itself, *same set
 * and out untouched; SIZE_MAX when it is not there (or a writer changed
 * the set meanwhile).  Inlined per table, so that the shape is constant. */
static inline __attribute__((always_inline)) size_t
memo_get(_Atomic uint32_t *versions, _Atomic uint64_t *slots, int ways, int words, size_t room, size_t i,
         uint32_t tag, const char *word, size_t len, char *out, bool *same, bool *stop)
{
    _Atomic uint32_t *version = &versions[i];
    uint32_t v = atomic_load_explicit(version, memory_order_acquire);
    if (v & 1)
        return SIZE_MAX;
    _Atomic uint64_t *set = &slots[i * (size_t)(ways * words)];
    /* The tag and the length are the head's low bits: one compare a way,
     * and the ways spelled out (a hit is a few ways in, a miss passes all
     * of them: the loop's own bookkeeping cost more than the compares). */
    uint32_t key = tag | (uint32_t)len << 15;
#pragma GCC unroll 8
    for (int w = 0; w < ways; w++) {
        if ((head_of(atomic_load_explicit(&set[w * words], memory_order_relaxed)) ^ key) & HEAD_KEY)
            continue;
        /* The head read again with the rest (from the nearest cache), so
         * that the ways passed keep nothing in registers; a writer meanwhile
         * fails the version check below. */
        uint64_t slot[LONG_WORDS];
        for (int k = 0; k < words; k++)
            slot[k] = atomic_load_explicit(&set[w * words + k], memory_order_relaxed);
        uint32_t head = head_of(slot[0]);
        if (!slot_holds(slot, words, word, len))
            continue;
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(version, memory_order_relaxed) != v)
            return SIZE_MAX;
        size_t keep = HEAD_KEEP(head), tail = HEAD_TAIL(head);
        if (keep > len || len + tail > room)
            return SIZE_MAX;   /* not written so; cannot be, but out has only this room */
        memo_touch(set, ways, words, w);
        *stop = (head & HEAD_STOP) != 0;
        *same = keep == len && tail == 0;
        if (!*same) {
            /* The kept bytes from the word, the added ones from the slot
             * (byte by byte: each inside one of the words just stored). */
            const char *added = (const char *)slot + HEAD_BYTES + len;
            memcpy(out, word, keep);
            for (size_t k = 0; k < tail; k++)
                out[keep + k] = added[k];
        }
        return keep + tail;
    }
    return SIZE_MAX;
}

/* memo_get_short(), memo_get_long() and memo_get_any() are inlined into
 * stem_word_stop_hashed(): a call with eight arguments, two of them on the
 * stack, and its saved registers cost as much as a hit's compares. */
static inline __attribute__((always_inline)) size_t memo_get_short(struct memo *m, size_t i, uint32_t tag,
                                                                   const char *word, size_t len, char *out,
                                                                   bool *same, bool *stop)
{
    return memo_get(m->short_version, m->short_slots, SHORT_WAYS, SHORT_WORDS, SHORT_ROOM, i, tag, word, len, out,
                    same, stop);
}

static inline __attribute__((always_inline)) size_t memo_get_long(struct memo *m, size_t i, uint32_t tag,
                                                                  const char *word, size_t len, char *out,
                                                                  bool *same, bool *stop)
{
    return memo_get(m->long_version, m->long_slots, LONG_WAYS, LONG_WORDS, LONG_ROOM, i, tag, word, len, out, same,
                    stop);
}

/* The spill bit of a hash (other bits of it than the sets'). */
static inline size_t spill_bit(uint64_t hash)
{
    return (size_t)(hash >> 16) % SPILL_BITS;
}

/* A short word is in the short table unless its stem adds more bytes
 * than the slot has room for; then in the long one, and its spill bit
 * says so. */
static inline __attribute__((always_inline)) size_t memo_get_any(struct memo *m, uint64_t hash, uint32_t tag,
                                                                 const char *word, size_t len, char *out,
                                                                 bool *same, bool *stop)
{
    size_t a = set_first(hash), n;
    if (len <= SHORT_ROOM) {
        n = memo_get_short(m, a, tag, word, len, out, same, stop);
        if (n == SIZE_MAX && set_overflowed(m->short_over, a))
            n = memo_get_short(m, set_second(hash), tag, word, len, out, same, stop);
        size_t b = spill_bit(hash);
        if (n != SIZE_MAX || !(atomic_load_explicit(&m->spill[b / 64], memory_order_relaxed) >> (b % 64) & 1))
            return n;
    }
    n = memo_get_long(m, a, tag, word, len, out, same, stop);
    if (n == SIZE_MAX && set_overflowed(m->long_over, a))
        n = memo_get_long(m, set_second(hash), tag, word, len, out, same, stop);
    return n;
}

/* The way a new word takes: an empty one, else one not used. */
static inline __attribute__((always_inline)) int memo_victim(const struct table *t, _Atomic uint64_t *set)
{
    uint64_t used = head_bits(HEAD_USED);
#pragma GCC unroll 8
    for (int k = 0; k < t->ways; k++)
        if (!head_of(atomic_load_explicit(&set[k * t->words], memory_order_relaxed)))
            return k;
#pragma GCC unroll 8
    for (int k = 0; k < t->ways; k++)
        if (!(atomic_load_explicit(&set[k * t->words], memory_order_relaxed) & used))
            return k;
    return 0;   /* not reached: memo_touch() leaves a way unused */
}

/* Ways of set i of t that are empty, and that are not used. */
static inline __attribute__((always_inline)) void set_room(const struct table *t, size_t i, int *empty, int *unused)
{
    _Atomic uint64_t *set = &t->slots[i * (size_t)(t->ways * t->words)];
    uint64_t used = head_bits(HEAD_USED);
    *empty = *unused = 0;
#pragma GCC unroll 8
    for (int k = 0; k < t->ways; k++) {
        uint64_t first = atomic_load_explicit(&set[k * t->words], memory_order_relaxed);
        *empty += !head_of(first);
        *unused += !(first & used);
    }
}

/* Which of a word's two sets takes it: the first while it has an empty
 * way (so most words are found in their first set, and a lookup rarely
 * reads two), else the second when it has one, else the one with more
 * ways not used lately (the first on a tie).  Going to the second
 * marks the first as overflowed, before the word is written. */
static inline __attribute__((always_inline)) size_t set_for(const struct table *t, uint64_t hash)
{
    size_t a = set_first(hash), b = set_second(hash);
    int empty_a, unused_a, empty_b, unused_b;
    set_room(t, a, &empty_a, &unused_a);
    if (empty_a)
        return a;
    set_room(t, b, &empty_b, &unused_b);
    if (!empty_b && unused_b <= unused_a)
        return a;
    uint64_t bit = (uint64_t)1 << (a % 64);
    if (!(atomic_load_explicit(&t->over[a / 64], memory_order_relaxed) & bit))
        atomic_fetch_or_explicit(&t->over[a / 64], bit, memory_order_relaxed);
    return b;
}

/* Keep a word (head and bytes ready in slot) in t, unless another thread
 * is writing the set (taking a way counts as a use, so that the next new
 * word of the set takes another).  Inlined per table, as memo_get() is,
 * so that the loops over the ways unroll: with the shape read from the
 * struct they did not, and a new word cost ~500 instructions here, an
 * eighth of what the stemmer costs it. */
static inline __attribute__((always_inline)) void memo_put_in(struct table t, uint64_t hash,
                                                              const uint64_t slot[LONG_WORDS])
{
    size_t i = set_for(&t, hash);
    _Atomic uint32_t *version = &t.version[i];
    uint32_t v = atomic_load_explicit(version, memory_order_relaxed);
    if ((v & 1) || !atomic_compare_exchange_strong_explicit(version, &v, v + 1, memory_order_relaxed,
                                                            memory_order_relaxed))
        return;
    /* The odd version before any of the slot's new bytes, for a reader
     * that sees those bytes (it fences before it reads the version again). */
    atomic_thread_fence(memory_order_release);
    _Atomic uint64_t *set = &t.slots[i * (size_t)(t.ways * t.words)];
    int w = memo_victim(&t, set);
    /* The head last, so that a reader that takes the new tag with the
     * old bytes fails the compare or the version check. */
    for (int k = t.words - 1; k >= 0; k--)
        atomic_store_explicit(&set[w * t.words + k], slot[k], memory_order_relaxed);
    memo_touch(set, t.ways, t.words, w);
    atomic_store_explicit(version, v + 2, memory_order_release);
}

/* Keep word's stem in the table whose slots have room for it. */
static void memo_put(struct memo *m, uint64_t hash, uint32_t tag, const char *word, size_t len, const char *stem,
                     size_t stem_len, bool stop)
{
    size_t keep = 0;
    while (keep < len && keep < stem_len && word[keep] == stem[keep])
        keep++;
    size_t tail = stem_len - keep;
    if (len + tail > LONG_ROOM)
        return;
    if (len <= SHORT_ROOM && len + tail > SHORT_ROOM) {
        size_t b = spill_bit(hash);
        uint64_t bit = (uint64_t)1 << (b % 64);
        if (!(atomic_load_explicit(&m->spill[b / 64], memory_order_relaxed) & bit))
            atomic_fetch_or_explicit(&m->spill[b / 64], bit, memory_order_relaxed);
    }
    uint64_t slot[LONG_WORDS] = {0};
    uint32_t head = tag | (uint32_t)len << 15 | (uint32_t)keep << 20 | (uint32_t)tail << 25 | (stop ? HEAD_STOP : 0);
    memcpy(slot, &head, sizeof head);
    memcpy((char *)slot + HEAD_BYTES, word, len);
    memcpy((char *)slot + HEAD_BYTES + len, stem + keep, tail);
    if (len + tail <= SHORT_ROOM)
        memo_put_in(short_table(m), hash, slot);
    else
        memo_put_in(long_table(m), hash, slot);
}

const char *stem_word_hashed(struct stemmer *st, const char *word, size_t len, uint64_t hash, size_t *out_len)
{
    return stem_word_stop_hashed(st, word, len, hash, NULL, out_len);
}

const char *stem_word_stop_hashed(struct stemmer *st, const char *word, size_t len, uint64_t hash, bool *stop,
                                  size_t *out_len)
{
    if (len > INT_MAX)
        return NULL;
    bool memo = st->memo && len <= MEMO_ROOM;
    uint32_t tag = memo_tag(hash);
    if (memo) {
        bool memo_stop;
        bool same;
        size_t n = memo_get_any(st->memo, hash, tag, word, len, st->stem, &same, &memo_stop);
        if (n != SIZE_MAX) {
            if (stop)
                *stop = memo_stop;
            *out_len = n;
            return same ? word : st->stem;
        }
    }
    /* The memo keeps whether the word is a stop word with its stem, so
     * that a hit answers both: every entry has the bit. */
    bool is_stop = (memo || stop) && stopwords_contains_hashed(st->stop, word, len, hash);
    if (stop)
        *stop = is_stop;
    const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)len);
    if (!r)
        return NULL;
    *out_len = (size_t)sb_stemmer_length(st->sb);
    if (memo)
        memo_put(st->memo, hash, tag, word, len, (const char *)r, *out_len, is_stop);
    return (const char *)r;
}
