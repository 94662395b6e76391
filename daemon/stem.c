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

/* The memo: two ways per set, the way not hit since the other was taken
 * is the one replaced, so the words a feed keeps using stay while its
 * one-off words come and go.  A word or stem longer than a slot's room is
 * not memoised (few are, and those are rare words).  32768 slots of 64
 * bytes, 2 MB per thread and language.  Measured with text_bench on the
 * corpus (later passes, µs/article, de / en): 4 MB 77 / 50, 2 MB 78-82 /
 * 49-52, 1 MB 82-90 / 54-57; 2 MB costs nothing measurable and keeps
 * two workers in two languages 8 MB smaller.  Only the first
 * MEMO_LANGS languages a thread meets get one, so an article stream in
 * thirty languages cannot make a worker hold thirty. */
#define MEMO_SETS 16384
#define MEMO_NORM_ROOM 30
#define MEMO_STEM_ROOM 22
#define MEMO_LANGS 4

struct memo_slot {
    uint64_t hash;          /* 0: empty */
    uint8_t norm_len, stem_len, used;
    char norm[MEMO_NORM_ROOM], stem[MEMO_STEM_ROOM];
};

_Static_assert(sizeof(struct memo_slot) == 64, "a memo slot is one cache line");

struct stemmer {
    struct sb_stemmer *sb;
    struct memo_slot *memo;   /* 2 * MEMO_SETS; NULL when it could not be had */
};

/* One entry per code of the table at most. */
#define STEM_CACHE_MAX (sizeof algorithms / sizeof *algorithms)

struct stem_cache {
    size_t n, memos;
    struct {
        char lang[4];
        struct stemmer st;
    } e[STEM_CACHE_MAX];
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static _Thread_local struct stem_cache *thread_cache;

static void cache_free(void *p)
{
    struct stem_cache *c = p;
    for (size_t i = 0; i < c->n; i++) {
        sb_stemmer_delete(c->e[i].st.sb);
        free(c->e[i].st.memo);
    }
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

/* The memo: zeroed, on one huge page where the kernel gives one (it is
 * read at random, a word an entry: with 4 KB pages nearly every lookup
 * would also miss the TLB), else at least aligned to the cache line, so
 * that a slot is one line to fetch.  NULL when memory runs out. */
#define MEMO_BYTES (2 * MEMO_SETS * sizeof(struct memo_slot))
#define HUGE_PAGE ((size_t)2 << 20)

static struct memo_slot *memo_new(void)
{
    size_t align = MEMO_BYTES % HUGE_PAGE == 0 ? HUGE_PAGE : 64;
    struct memo_slot *memo = aligned_alloc(align, MEMO_BYTES);
    if (!memo)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (align == HUGE_PAGE)
        madvise(memo, MEMO_BYTES, MADV_HUGEPAGE);   /* a hint: without it the memo works as well */
#endif
    memset(memo, 0, MEMO_BYTES);
    return memo;
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
    if (c->memos < MEMO_LANGS) {
        c->e[c->n].st.memo = memo_new();   /* NULL: no memo */
        c->memos += c->e[c->n].st.memo != NULL;
    }
    return &c->e[c->n++].st;
}

/* The memo set of word: two ways of 64 bytes. */
static struct memo_slot *memo_set(const struct stemmer *st, uint64_t h)
{
    return &st->memo[2 * (h % MEMO_SETS)];
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
    const struct memo_slot *set = memo_set(st, hash | 1);
    __builtin_prefetch(&set[0]);
    __builtin_prefetch(&set[1]);
}

const char *stem_word(struct stemmer *st, const char *word, size_t len, size_t *out_len)
{
    uint64_t h = st->memo && len <= MEMO_NORM_ROOM ? strhash(word, len) : 0;
    return stem_word_hashed(st, word, len, h, out_len);
}

const char *stem_word_hashed(struct stemmer *st, const char *word, size_t len, uint64_t hash, size_t *out_len)
{
    if (len > INT_MAX)
        return NULL;
    struct memo_slot *slot = NULL;
    uint64_t h = 0;
    if (st->memo && len <= MEMO_NORM_ROOM) {
        h = hash | 1;
        struct memo_slot *set = memo_set(st, h);
        for (int w = 0; w < 2; w++) {
            struct memo_slot *m = &set[w];
            if (m->hash == h && m->norm_len == len && memcmp(m->norm, word, len) == 0) {
                m->used = 1;
                set[!w].used = 0;
                *out_len = m->stem_len;
                return m->stem;
            }
        }
        slot = !set[0].hash ? &set[0] : !set[1].hash ? &set[1] : set[0].used ? &set[1] : &set[0];
    }
    const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)len);
    if (!r)
        return NULL;
    *out_len = (size_t)sb_stemmer_length(st->sb);
    if (slot && *out_len <= MEMO_STEM_ROOM) {
        slot->hash = h;
        slot->norm_len = (uint8_t)len;
        memcpy(slot->norm, word, len);
        slot->stem_len = (uint8_t)*out_len;
        memcpy(slot->stem, r, *out_len);
        slot->used = 0;
    }
    return (const char *)r;
}
