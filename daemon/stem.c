/*
 * Stemmers per thread and language.  A worker meets few languages, so the
 * cache is a short array searched in order; a language without a stemmer
 * is remembered too, so it is not looked up again.  A pthread key's
 * destructor deletes a thread's stemmers when the thread exits.
 */
#include "stem.h"
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
 * more in German).  Four ways per set, the way hit least recently being
 * the one replaced (near enough: a way hit since the others were is
 * "used"), so the words a feed keeps using stay while its one-off words
 * come and go.  A slot is 32 bytes: the word, and its stem as the length
 * of what it keeps of the word and the bytes after that (Snowball mostly
 * cuts a suffix; "happy" -> "happi" keeps 4 and adds "i").  A word whose
 * word and added bytes exceed a slot's room is not memoised (few are, and
 * those are rare words).  32768 slots in 8192 sets of two cache lines, 1
 * MB per language.  The 2 MB layout before (32768 slots of 64 bytes, two
 * ways) let the stemmer run on 83 words of a 5 KB article that had been
 * seen before (analysis_bench, 150 articles a language, second pass,
 * counted with callgrind); this one on 5.5.  A simulation of the bench's
 * 1,000 articles a language gave 100 -> 25 (de) and 24 -> 2 (en) misses
 * an article.  Only the first MEMO_LANGS languages get one, so an article
 * stream in thirty languages cannot make the process hold thirty.
 *
 * Threads share a set through its version (a sequence lock): a writer
 * makes it odd while it rewrites the set, and a reader that saw it odd or
 * changed takes what it read for a miss.  A writer that finds the set
 * taken does not memoise (the next miss of the word will).  Every access
 * to a slot is atomic (relaxed: 64-bit loads and stores), so there is no
 * data race, only a stale read that the version tells. */
#define MEMO_SETS 8192
#define MEMO_WAYS 4
#define MEMO_ROOM 24
#define MEMO_NORM_ROOM MEMO_ROOM
#define MEMO_LANGS 4

/* w[0]: tag (bits 0-31, never 0; 0: empty), the word's length (32-39),
 * how many of its bytes the stem keeps (40-47), the stem's added bytes
 * (48-55), used (56); w[1..3]: the word, then the added bytes. */
struct memo_slot {
    _Atomic uint64_t w[4];
};

#define SLOT_LEN(h) ((size_t)((h) >> 32) & 0xff)
#define SLOT_KEEP(h) ((size_t)((h) >> 40) & 0xff)
#define SLOT_TAIL(h) ((size_t)((h) >> 48) & 0xff)
#define SLOT_USED ((uint64_t)1 << 56)

_Static_assert(sizeof(struct memo_slot) == 32, "a memo slot is half a cache line");
_Static_assert(MEMO_WAYS * sizeof(struct memo_slot) == 128, "a memo set is two cache lines");
_Static_assert(MEMO_ROOM == 3 * sizeof(uint64_t), "a slot's bytes are w[1..3]");

struct memo {
    _Atomic uint32_t version[MEMO_SETS];   /* odd while a thread writes the set */
    struct memo_slot slot[MEMO_SETS * MEMO_WAYS];
};

struct stemmer {
    struct sb_stemmer *sb;
    struct memo *memo;        /* the language's; NULL when it has none */
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
    return &c->e[c->n++].st;
}

static size_t memo_index(uint64_t h)
{
    return (size_t)(h % MEMO_SETS);
}

static uint32_t memo_tag(uint64_t h)
{
    return (uint32_t)(h >> 32) | 1;
}

void stem_prefetch(const struct stemmer *st, const char *word, size_t len)
{
    if (st->memo && len <= MEMO_NORM_ROOM)
        stem_prefetch_hashed(st, len, strhash(word, len));
}

void stem_prefetch_hashed(const struct stemmer *st, size_t len, uint64_t hash)
{
    if (!st->memo || len > MEMO_NORM_ROOM)
        return;
    size_t i = memo_index(hash);
    const char *set = (const char *)&st->memo->slot[MEMO_WAYS * i];
    __builtin_prefetch(set);
    __builtin_prefetch(set + 64);
    __builtin_prefetch(&st->memo->version[i]);
}

const char *stem_word(struct stemmer *st, const char *word, size_t len, size_t *out_len)
{
    uint64_t h = st->memo && len <= MEMO_NORM_ROOM ? strhash(word, len) : 0;
    return stem_word_hashed(st, word, len, h, out_len);
}

/* Mark way w of set as hit; when every way then is, the others are not
 * (so "not used" means "not hit since the last of them was").  A hint
 * only, so outside the version: a way already marked costs no write (the
 * common hit, and no cache line bouncing between threads). */
static void memo_touch(struct memo_slot *set, int w)
{
    if (atomic_load_explicit(&set[w].w[0], memory_order_relaxed) & SLOT_USED)
        return;
    atomic_fetch_or_explicit(&set[w].w[0], SLOT_USED, memory_order_relaxed);
    for (int k = 0; k < MEMO_WAYS; k++)
        if (!(atomic_load_explicit(&set[k].w[0], memory_order_relaxed) & SLOT_USED))
            return;
    for (int k = 0; k < MEMO_WAYS; k++)
        if (k != w)
            atomic_fetch_and_explicit(&set[k].w[0], ~SLOT_USED, memory_order_relaxed);
}

/* The stem of word from set i into out (MEMO_ROOM bytes): its length, or
 * SIZE_MAX when it is not there (or a writer changed the set meanwhile). */
static size_t memo_get(struct memo *m, size_t i, uint32_t tag, const char *word, size_t len, char *out)
{
    _Atomic uint32_t *version = &m->version[i];
    uint32_t v = atomic_load_explicit(version, memory_order_acquire);
    if (v & 1)
        return SIZE_MAX;
    struct memo_slot *set = &m->slot[MEMO_WAYS * i];
    for (int w = 0; w < MEMO_WAYS; w++) {
        uint64_t head = atomic_load_explicit(&set[w].w[0], memory_order_relaxed);
        if ((uint32_t)head != tag || SLOT_LEN(head) != len)
            continue;
        uint64_t bytes[3];
        for (int k = 0; k < 3; k++)
            bytes[k] = atomic_load_explicit(&set[w].w[k + 1], memory_order_relaxed);
        if (!strhash_equal((const char *)bytes, word, len))
            continue;
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(version, memory_order_relaxed) != v)
            return SIZE_MAX;
        size_t keep = SLOT_KEEP(head), tail = SLOT_TAIL(head);
        if (keep > len || len + tail > MEMO_ROOM)
            return SIZE_MAX;   /* not written so; cannot be, but out has only this room */
        memo_touch(set, w);
        memcpy(out, bytes, keep);
        memcpy(out + keep, (const char *)bytes + len, tail);
        return keep + tail;
    }
    return SIZE_MAX;
}

/* The way a new word takes: an empty one, else one not used. */
static int memo_victim(struct memo_slot *set)
{
    for (int k = 0; k < MEMO_WAYS; k++)
        if (!(uint32_t)atomic_load_explicit(&set[k].w[0], memory_order_relaxed))
            return k;
    for (int k = 0; k < MEMO_WAYS; k++)
        if (!(atomic_load_explicit(&set[k].w[0], memory_order_relaxed) & SLOT_USED))
            return k;
    return 0;   /* not reached: memo_touch() leaves a way unused */
}

/* Keep word's stem in set i, unless another thread is writing the set
 * (taking a way counts as a use, so that the next new word of the set
 * takes another). */
static void memo_put(struct memo *m, size_t i, uint32_t tag, const char *word, size_t len, const char *stem,
                     size_t stem_len)
{
    size_t keep = 0;
    while (keep < len && keep < stem_len && word[keep] == stem[keep])
        keep++;
    size_t tail = stem_len - keep;
    if (len + tail > MEMO_ROOM)
        return;
    _Atomic uint32_t *version = &m->version[i];
    uint32_t v = atomic_load_explicit(version, memory_order_relaxed);
    if ((v & 1) || !atomic_compare_exchange_strong_explicit(version, &v, v + 1, memory_order_relaxed,
                                                            memory_order_relaxed))
        return;
    /* The odd version before any of the slot's new bytes, for a reader
     * that sees those bytes (it fences before it reads the version again). */
    atomic_thread_fence(memory_order_release);
    struct memo_slot *set = &m->slot[MEMO_WAYS * i];
    int w = memo_victim(set);
    uint64_t bytes[3] = {0};
    memcpy(bytes, word, len);
    memcpy((char *)bytes + len, stem + keep, tail);
    for (int k = 0; k < 3; k++)
        atomic_store_explicit(&set[w].w[k + 1], bytes[k], memory_order_relaxed);
    atomic_store_explicit(&set[w].w[0],
                          (uint64_t)tag | (uint64_t)len << 32 | (uint64_t)keep << 40 | (uint64_t)tail << 48,
                          memory_order_relaxed);
    memo_touch(set, w);
    atomic_store_explicit(version, v + 2, memory_order_release);
}

const char *stem_word_hashed(struct stemmer *st, const char *word, size_t len, uint64_t hash, size_t *out_len)
{
    if (len > INT_MAX)
        return NULL;
    bool memo = st->memo && len <= MEMO_NORM_ROOM;
    size_t i = memo_index(hash);
    uint32_t tag = memo_tag(hash);
    if (memo) {
        size_t n = memo_get(st->memo, i, tag, word, len, st->stem);
        if (n != SIZE_MAX) {
            *out_len = n;
            return st->stem;
        }
    }
    const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)len);
    if (!r)
        return NULL;
    *out_len = (size_t)sb_stemmer_length(st->sb);
    if (memo)
        memo_put(st->memo, i, tag, word, len, (const char *)r, *out_len);
    return (const char *)r;
}
