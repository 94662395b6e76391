/* features: stems and character n-grams of an analysis, counted by hash (features.h). */
#include "features.h"

#include <stdlib.h>
#include <string.h>

#define FNV_PRIME 0x100000001b3ull

uint64_t topics_hash(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h ? h : 1;
}

/* The finishing mix of splitmix64: FNV's low bits are weak as a table
 * index. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static int grow_to(struct fcount *fc, size_t cap)
{
    struct fentry *e = calloc(cap, sizeof *e);
    if (!e)
        return -1;
    for (size_t i = 0; i < fc->cap; i++) {
        if (!fc->e[i].key)
            continue;
        size_t j = mix(fc->e[i].key) & (cap - 1);
        while (e[j].key)
            j = (j + 1) & (cap - 1);
        e[j] = fc->e[i];
    }
    free(fc->e);
    fc->e = e;
    fc->cap = cap;
    return 0;
}

static int grow(struct fcount *fc)
{
    return grow_to(fc, fc->cap ? fc->cap * 2 : 1024);
}

/* Up to three quarters full: an article's table then stays under glibc's
 * mmap threshold (128 KiB), below which a table costs no page faults. */
static int full(size_t n, size_t cap)
{
    return n * 4 > cap * 3;
}

int fcount_reserve(struct fcount *fc, size_t n)
{
    size_t cap = fc->cap ? fc->cap : 1024;
    while (full(n, cap))
        cap *= 2;
    return cap > fc->cap ? grow_to(fc, cap) : 0;
}

int fcount_add(struct fcount *fc, uint64_t key, uint32_t count)
{
    if ((!fc->cap || full(fc->n + 1, fc->cap)) && grow(fc) < 0)
        return -1;
    size_t j = mix(key) & (fc->cap - 1);
    while (fc->e[j].key && fc->e[j].key != key)
        j = (j + 1) & (fc->cap - 1);
    /* New or seen before, without a branch: an article's n-grams are
     * either about as often, at random. */
    fc->n += fc->e[j].key == 0;
    fc->e[j].key = key;
    fc->e[j].count += count;
    return 0;
}

uint32_t fcount_get(const struct fcount *fc, uint64_t key)
{
    if (!fc->cap)
        return 0;
    size_t j = mix(key) & (fc->cap - 1);
    while (fc->e[j].key) {
        if (fc->e[j].key == key)
            return fc->e[j].count;
        j = (j + 1) & (fc->cap - 1);
    }
    return 0;
}

void fcount_free(struct fcount *fc)
{
    free(fc->e);
    *fc = (struct fcount){0};
}

/* Bytes of the UTF-8 sequence that starts with c (norms are valid UTF-8). */
static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* n-gram hashes on their way into a table: hashed first, their slots
 * asked for, then added in the order they came (the table's layout, and
 * with it the order in which the classifier sums, depends on it).  The
 * hashing of one n-gram is a chain of multiplications; without the table
 * in between, the next n-grams' chains overlap it, and the slots, which
 * are misses as often as not in a table new to each article, are read
 * in parallel. */
struct gram_batch {
    uint64_t h[64];
    size_t n;
};

static int gram_flush(struct fcount *fc, struct gram_batch *b, uint32_t times)
{
#if defined(__GNUC__)
    if (fc->cap)
        for (size_t k = 0; k < b->n; k++)
            __builtin_prefetch(&fc->e[mix(b->h[k]) & (fc->cap - 1)]);
#endif
    for (size_t k = 0; k < b->n; k++)
        if (fcount_add(fc, b->h[k], times) < 0)
            return -1;
    b->n = 0;
    return 0;
}

/* The n-grams of " norm " (len bytes): from each code point, hash onwards
 * one code point at a time and count the lengths char_min..char_max. */
static int add_char_grams(struct fcount *fc, const char *norm, size_t len, uint32_t times, uint32_t char_min,
                          uint32_t char_max)
{
    size_t starts[256 + 2];   /* byte offset of each code point in the padded word */
    char buf[sizeof starts / sizeof starts[0] * 4];
    size_t n_cp = 0, pos = 0;

    if (len + 2 > sizeof buf)
        return 0;   /* no word is that long; a URL-like run of letters says nothing either */
    buf[0] = ' ';
    memcpy(buf + 1, norm, len);
    buf[len + 1] = ' ';
    size_t total = len + 2;
    static const char seed = 'c';
    struct gram_batch b;
    b.n = 0;
    int ascii = total < sizeof starts / sizeof starts[0];
    for (size_t i = 0; ascii && i < len; i++)
        ascii = (unsigned char)norm[i] < 0x80;
    if (ascii) {
        /* A code point a byte: the same hashes as below, without the
         * code points' offsets and the loop over each one's bytes, whose
         * exits the branch predictor misses; the chains of consecutive
         * n-grams then overlap. */
        const uint64_t h0 = topics_hash(TOPICS_HASH_INIT, &seed, 1);
        if (char_min == char_max && char_min > 1) {
            /* One length (the shipped models' 5): each start's n-gram
             * hashed straight through, without the tests of its length
             * and of a lone space at each byte. */
            for (size_t i = 0; i + char_min <= total; i++) {
                uint64_t h = h0;
                for (size_t n = 0; n < char_min; n++) {
                    h = (h ^ (unsigned char)buf[i + n]) * FNV_PRIME;
                    h = h ? h : 1;
                }
                b.h[b.n++] = h;
                if (b.n == sizeof b.h / sizeof b.h[0] && gram_flush(fc, &b, times) < 0)
                    return -1;
            }
            return gram_flush(fc, &b, times);
        }
        for (size_t i = 0; i < total; i++) {
            uint64_t h = h0;
            size_t top = char_max < total - i ? char_max : total - i;
            for (size_t n = 1; n <= top; n++) {
                h = (h ^ (unsigned char)buf[i + n - 1]) * FNV_PRIME;
                h = h ? h : 1;
                if (n >= char_min && !(n == 1 && buf[i] == ' ')) {
                    b.h[b.n++] = h;
                    if (b.n == sizeof b.h / sizeof b.h[0] && gram_flush(fc, &b, times) < 0)
                        return -1;
                }
            }
        }
        return gram_flush(fc, &b, times);
    }
    while (pos < total && n_cp < sizeof starts / sizeof starts[0] - 1) {
        starts[n_cp++] = pos;
        pos += utf8_len((unsigned char)buf[pos]);
    }
    starts[n_cp] = total;
    for (size_t i = 0; i < n_cp; i++) {
        uint64_t h = topics_hash(TOPICS_HASH_INIT, &seed, 1);
        for (uint32_t n = 1; n <= char_max && i + n <= n_cp; n++) {
            size_t from = starts[i + n - 1], to = starts[i + n];
            h = topics_hash(h, buf + from, to - from);
            /* A lone space is no feature. */
            if (n >= char_min && !(n == 1 && buf[from] == ' ')) {
                b.h[b.n++] = h;
                if (b.n == sizeof b.h / sizeof b.h[0] && gram_flush(fc, &b, times) < 0)
                    return -1;
            }
        }
    }
    return gram_flush(fc, &b, times);
}

/* n-grams over the words' norms joined by single spaces, across words. */
static int add_stream_grams(struct fcount *fc, const newsd_analysis *an, uint32_t char_min, uint32_t char_max)
{
    size_t n, stride, len = 1, cap = 4096;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    buf[0] = ' ';
    for (size_t i = 0; i < n; i++) {
        const struct newsd_token *t = newsd_token_in(base, stride, i);
        if (t->kind == NEWSD_TOKEN_PUNCT)
            continue;
        size_t l = t->norm_length;
        if (len + l + 2 > cap) {
            while (len + l + 2 > cap)
                cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                return -1;
            }
            buf = nb;
        }
        memcpy(buf + len, t->norm, l);
        len += l;
        buf[len++] = ' ';
    }
    static const char seed = 'x';
    const uint64_t h0 = topics_hash(TOPICS_HASH_INIT, &seed, 1);
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0; i += utf8_len((unsigned char)buf[i])) {
        uint64_t h = h0;
        size_t at = i;
        for (uint32_t k = 1; k <= char_max && at < len; k++) {
            size_t cl = utf8_len((unsigned char)buf[at]);
            h = topics_hash(h, buf + at, cl);
            at += cl;
            if (k >= char_min && !(k == 1 && buf[i] == ' ') && fcount_add(fc, h, 1) < 0) {
                rc = -1;
                break;
            }
        }
    }
    free(buf);
    return rc;
}

int features_add(struct fcount *fc, const newsd_analysis *an, uint32_t kinds, uint32_t char_min,
                 uint32_t char_max)
{
    if (char_max > TOPICS_CHAR_N_MAX)
        char_max = TOPICS_CHAR_N_MAX;
    if ((kinds & TOPICS_FEAT_STREAM) && add_stream_grams(fc, an, char_min, char_max) < 0)
        return -1;
    size_t n, stride;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    static const char stem_seed = 's';
    const uint64_t stem_h0 = topics_hash(TOPICS_HASH_INIT, &stem_seed, 1);
    /* Each distinct word's n-grams once, counted as often as the word
     * occurs: an article repeats its words, and the n-grams are most of
     * the cost. */
    struct word { const char *norm; uint64_t h; uint32_t count; } *words = NULL;
    size_t cap = 16;
    int chars = (kinds & TOPICS_FEAT_CHARS) && char_min >= 1;
    if (chars) {
        while (cap < n * 2)
            cap *= 2;
        if (!(words = calloc(cap, sizeof *words)))
            return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct newsd_token *t = newsd_token_in(base, stride, i);
        if (t->kind != NEWSD_TOKEN_WORD)
            continue;
        if ((kinds & TOPICS_FEAT_STEMS) && !(t->flags & NEWSD_TOKEN_STOPWORD) &&
            fcount_add(fc, topics_hash(stem_h0, t->stem, t->stem_length), 1) < 0)
            rc = -1;
        if (!chars)
            continue;
        uint64_t h = topics_hash(TOPICS_HASH_INIT, t->norm, t->norm_length);
        size_t j = mix(h) & (cap - 1);
        while (words[j].norm && !(words[j].h == h && strcmp(words[j].norm, t->norm) == 0))
            j = (j + 1) & (cap - 1);
        if (!words[j].norm)
            words[j] = (struct word){t->norm, h, 0};
        words[j].count++;
    }
    for (size_t j = 0; chars && j < cap && rc == 0; j++)
        if (words[j].norm && add_char_grams(fc, words[j].norm, strlen(words[j].norm), words[j].count, char_min,
                                            char_max) < 0)
            rc = -1;
    free(words);
    return rc;
}

/* One token of each type, and how often the type occurs as a word. */
struct type_use {
    uint32_t first;
    uint32_t count;
};

int features_add_by_type(struct fcount *fc, const newsd_analysis *an, uint32_t kinds, uint32_t char_min,
                         uint32_t char_max)
{
    if (char_max > TOPICS_CHAR_N_MAX)
        char_max = TOPICS_CHAR_N_MAX;
    if ((kinds & TOPICS_FEAT_STREAM) && add_stream_grams(fc, an, char_min, char_max) < 0)
        return -1;
    int chars = (kinds & TOPICS_FEAT_CHARS) && char_min >= 1;
    if (!(kinds & TOPICS_FEAT_STEMS) && !chars)
        return 0;
    size_t n, stride, n_types = newsd_analysis_type_count(an);
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    struct type_use *use = calloc(n_types ? n_types : 1, sizeof *use);
    if (!use)
        return -1;
    static const char stem_seed = 's';
    const uint64_t stem_h0 = topics_hash(TOPICS_HASH_INIT, &stem_seed, 1);
    /* A type's features are the same for each of its tokens: hashed once,
     * counted as often as it occurs.  A token without a type (none should
     * be) is a type of its own. */
    size_t grams = 0, typed_words = 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        const struct newsd_token *t = newsd_token_in(base, stride, i);
        if (t->kind != NEWSD_TOKEN_WORD)
            continue;
        if (t->type < n_types) {
            if (use[t->type].count++ == 0) {
                use[t->type].first = (uint32_t)i;
                typed_words++;
                grams += t->norm_length + 2;
            }
            continue;
        }
        if ((kinds & TOPICS_FEAT_STEMS) && !(t->flags & NEWSD_TOKEN_STOPWORD) &&
            fcount_add(fc, topics_hash(stem_h0, t->stem, t->stem_length), 1) < 0)
            rc = -1;
        if (chars && rc == 0 && add_char_grams(fc, t->norm, t->norm_length, 1, char_min, char_max) < 0)
            rc = -1;
    }
    /* Room for the features at once, so that the table seldom grows (and
     * rehashes): an n-gram per byte of the padded words is two to three
     * times as many as there are distinct ones in an article, so half of
     * that, which keeps the table small for the scan that reads it. */
    size_t range = char_max >= char_min ? char_max - char_min + 1 : 0;
    if (rc == 0 && fcount_reserve(fc, fc->n + (typed_words + (chars ? grams * range : 0)) / 2) < 0)
        rc = -1;
    for (size_t k = 0; k < n_types && rc == 0; k++) {
        if (!use[k].count)
            continue;
        const struct newsd_token *t = newsd_token_in(base, stride, use[k].first);
        if ((kinds & TOPICS_FEAT_STEMS) && !(t->flags & NEWSD_TOKEN_STOPWORD) &&
            fcount_add(fc, topics_hash(stem_h0, t->stem, t->stem_length), use[k].count) < 0)
            rc = -1;
        if (chars && rc == 0 && add_char_grams(fc, t->norm, t->norm_length, use[k].count, char_min, char_max) < 0)
            rc = -1;
    }
    free(use);
    return rc;
}
