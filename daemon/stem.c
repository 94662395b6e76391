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

/* The memo: four ways per set, the way hit least recently being the one
 * replaced (near enough: a way hit since the others were is "used"), so
 * the words a feed keeps using stay while its one-off words come and go.
 * A slot is 32 bytes: the word, and its stem as the length of what it
 * keeps of the word and the bytes after that (Snowball mostly cuts a
 * suffix; "happy" -> "happi" keeps 4 and adds "i").  A word whose
 * word and added bytes exceed a slot's room is not memoised (few are, and
 * those are rare words).  16384 slots in 4096 sets of two cache lines,
 * 512 KB per thread and language: with two workers and two languages the
 * 1 MB of the layout before was 4 MB of the default config's peak RSS
 * (target 30 MB).  The 2 MB layout before that (32768 slots of 64 bytes,
 * two ways) let the stemmer run on 83 words of a 5 KB article that had
 * been seen before (analysis_bench, 150 articles a language, second
 * pass, counted with callgrind); the 1 MB one on 5.5.  A simulation of
 * the bench's 1,000 articles a language gave 100 -> 25 (de) and 24 -> 2
 * (en) misses an article for 2 MB -> 1 MB of this layout.  Only the
 * first MEMO_LANGS languages a thread
 * meets get one, so an article stream in thirty languages cannot make a
 * worker hold thirty. */
#define MEMO_SETS 4096
#define MEMO_WAYS 4
#define MEMO_ROOM 24
#define MEMO_NORM_ROOM MEMO_ROOM
#define MEMO_LANGS 4

struct memo_slot {
    uint32_t tag;           /* of the word's hash, never 0; 0: empty */
    uint8_t norm_len;       /* the word is bytes[0 .. norm_len) */
    uint8_t keep;           /* the stem is the word's first keep bytes ... */
    uint8_t tail_len;       /* ... and then bytes[norm_len .. norm_len + tail_len) */
    uint8_t used;
    char bytes[MEMO_ROOM];
};

_Static_assert(sizeof(struct memo_slot) == 32, "a memo slot is half a cache line");
_Static_assert(MEMO_WAYS * sizeof(struct memo_slot) == 128, "a memo set is two cache lines");

struct stemmer {
    struct sb_stemmer *sb;
    struct memo_slot *memo;   /* MEMO_WAYS * MEMO_SETS; NULL when it could not be had */
    char stem[MEMO_ROOM];     /* a memoised stem put together (stem_word()'s answer) */
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
#define MEMO_BYTES (MEMO_WAYS * MEMO_SETS * sizeof(struct memo_slot))
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

/* The memo set of a word's hash: MEMO_WAYS slots in two cache lines. */
static struct memo_slot *memo_set(const struct stemmer *st, uint64_t h)
{
    return &st->memo[MEMO_WAYS * (h % MEMO_SETS)];
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
    const char *set = (const char *)memo_set(st, hash);
    __builtin_prefetch(set);
    __builtin_prefetch(set + 64);
}

const char *stem_word(struct stemmer *st, const char *word, size_t len, size_t *out_len)
{
    uint64_t h = st->memo && len <= MEMO_NORM_ROOM ? strhash(word, len) : 0;
    return stem_word_hashed(st, word, len, h, out_len);
}

/* Mark way w of set as hit; when every way then is, the others are not
 * (so "not used" means "not hit since the last of them was"). */
static void memo_touch(struct memo_slot *set, int w)
{
    set[w].used = 1;
    for (int k = 0; k < MEMO_WAYS; k++)
        if (!set[k].used)
            return;
    for (int k = 0; k < MEMO_WAYS; k++)
        set[k].used = k == w;
}

/* The way a new word takes: an empty one, else one not used. */
static int memo_victim(const struct memo_slot *set)
{
    for (int k = 0; k < MEMO_WAYS; k++)
        if (!set[k].tag)
            return k;
    for (int k = 0; k < MEMO_WAYS; k++)
        if (!set[k].used)
            return k;
    return 0;   /* not reached: memo_touch() leaves a way unused */
}

/* Keep word's stem in way w of set (taking it counts as a use, so that
 * the next new word of the set takes another way). */
static void memo_store(struct memo_slot *set, int w, uint32_t tag, const char *word, size_t len, const char *stem,
                       size_t stem_len)
{
    size_t keep = 0;
    while (keep < len && keep < stem_len && word[keep] == stem[keep])
        keep++;
    size_t tail = stem_len - keep;
    if (len + tail > MEMO_ROOM)
        return;
    struct memo_slot *slot = &set[w];
    slot->tag = tag;
    slot->norm_len = (uint8_t)len;
    slot->keep = (uint8_t)keep;
    slot->tail_len = (uint8_t)tail;
    memcpy(slot->bytes, word, len);
    memcpy(slot->bytes + len, stem + keep, tail);
    memo_touch(set, w);
}

const char *stem_word_hashed(struct stemmer *st, const char *word, size_t len, uint64_t hash, size_t *out_len)
{
    if (len > INT_MAX)
        return NULL;
    struct memo_slot *set = NULL;
    uint32_t tag = memo_tag(hash);
    if (st->memo && len <= MEMO_NORM_ROOM) {
        set = memo_set(st, hash);
        for (int w = 0; w < MEMO_WAYS; w++) {
            struct memo_slot *m = &set[w];
            if (m->tag != tag || m->norm_len != len || !strhash_equal(m->bytes, word, len))
                continue;
            memo_touch(set, w);
            *out_len = (size_t)m->keep + m->tail_len;
            if (m->tail_len == 0)
                return m->bytes;   /* the stem is a prefix of the word */
            memcpy(st->stem, m->bytes, m->keep);
            memcpy(st->stem + m->keep, m->bytes + len, m->tail_len);
            return st->stem;
        }
    }
    const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)len);
    if (!r)
        return NULL;
    *out_len = (size_t)sb_stemmer_length(st->sb);
    if (set)
        memo_store(set, memo_victim(set), tag, word, len, (const char *)r, *out_len);
    return (const char *)r;
}
