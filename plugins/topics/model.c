/* model: a topics classifier in memory and on disk (model.h). */
#include "model.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_BYTES 32u
#define LABEL_MAX 200u

const struct topics_opts topics_default_opts = {
    .algo = TOPICS_ALGO_LR,
    .features = TOPICS_FEAT_STEMS | TOPICS_FEAT_CHARS,
    .char_min = 5,
    .char_max = 5,
    .min_df = 4,
    .c = 30.0f,
    .alpha = 0.1f,
};

void topics_say(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int topics_label_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > LABEL_MAX || !newsd_utf8_valid(s, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

struct topics_model *model_new(const struct topics_opts *o, char *const *labels, uint32_t n_labels,
                               uint32_t n_feat)
{
    struct topics_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->opts = *o;
    m->prob_scale = 1.0f;
    m->n_labels = n_labels;
    m->n_feat = n_feat;
    m->labels = calloc(n_labels ? n_labels : 1, sizeof *m->labels);
    m->keys = calloc(n_feat ? n_feat : 1, sizeof *m->keys);
    m->idf = calloc(n_feat ? n_feat : 1, sizeof *m->idf);
    m->w = calloc((size_t)n_feat * n_labels + 1, sizeof *m->w);
    m->bias = calloc(n_labels ? n_labels : 1, sizeof *m->bias);
    if (!m->labels || !m->keys || !m->idf || !m->w || !m->bias)
        goto fail;
    for (uint32_t i = 0; i < n_labels; i++)
        if (!(m->labels[i] = strdup(labels[i])))
            goto fail;
    return m;
fail:
    model_free(m);
    return NULL;
}

static void lookup_unmap(struct topics_model *m);

void model_free(struct topics_model *m)
{
    if (!m)
        return;
    if (m->labels)
        for (uint32_t i = 0; i < m->n_labels; i++)
            free(m->labels[i]);
    free(m->labels);
    free(m->keys);
    free(m->idf);
    free(m->w);
    free(m->bias);
    lookup_unmap(m);
    free(m->index);
    free(m);
}

static uint64_t slot_hash(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return key;
}

/* The tag byte of a hash: its top byte, never 0 (0 marks an empty slot). */
static uint8_t tag_of(uint64_t h)
{
    uint8_t t = (uint8_t)(h >> 56);
    return t ? t : 1;
}

/* A slot: the key, its idf and its weights as 16-bit fixed point. */
#define ROW_IDF 8
#define ROW_WEIGHTS 10           /* offset of the weights: the packed size of key and idf */
#define IDF_ONE 4096.0           /* idf = idf_q / IDF_ONE (an idf is at most ln(N + 1) + 1) */

/* The row of slot j: the occupied slots before it.  For an empty slot,
 * the row of the next occupied one (or n_feat). */
static inline size_t row_of(const struct topics_model *m, size_t j)
{
    /* The bits set, in a dozen operations: x86-64's baseline has no
     * POPCNT, and __builtin_popcountll() is then a call into libgcc's
     * table loop, which cost the lookups ~15 %. */
    uint64_t x = m->occupied[j >> 6] & ((UINT64_C(1) << (j & 63)) - 1);
    x -= (x >> 1) & UINT64_C(0x5555555555555555);
    x = (x & UINT64_C(0x3333333333333333)) + ((x >> 2) & UINT64_C(0x3333333333333333));
    x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
    return m->rank[j >> 6] + (size_t)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* The lookup (tags, occupied, rank and rows) is one mapping of its own,
 * on huge pages where the kernel has them: an article's lookups land on
 * ~800 rows at random, and with 4 KiB pages each was a TLB miss too
 * (the page tables evicted with the model between articles), a page walk
 * before the read could even start.  A huge page maps the 1.7 MB of the
 * bench's model at once. */
#define HUGE_PAGE ((size_t)2 << 20)

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

static void lookup_unmap(struct topics_model *m)
{
    if (m->lookup)
        munmap(m->lookup, m->lookup_bytes);
    m->lookup = NULL;
    m->lookup_bytes = 0;
    m->tags = NULL;
    m->occupied = NULL;
    m->rank = NULL;
    m->rows = NULL;
}

/* bytes of zeroed memory, in huge pages from half of one up (a model of
 * 1.2 MB costs 2 MB then): 0, or -1 when out of memory. */
static int lookup_map(struct topics_model *m, size_t bytes)
{
    int huge = bytes >= HUGE_PAGE / 2;
    size_t len = huge ? round_up(bytes, HUGE_PAGE) : bytes;
    size_t extra = huge ? HUGE_PAGE : 0;
    unsigned char *p = mmap(NULL, len + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    if (extra) {
        /* Aligned: the unaligned head and the tail past len go back. */
        size_t head = round_up((uintptr_t)p, HUGE_PAGE) - (uintptr_t)p;
        if (head)
            munmap(p, head);
        if (extra - head)
            munmap(p + head + len, extra - head);
        p += head;
#ifdef MADV_HUGEPAGE
        madvise(p, len, MADV_HUGEPAGE);   /* a hint: without huge pages it works as well */
#endif
    }
    m->lookup = p;
    m->lookup_bytes = len;
    return 0;
}

int model_index(struct topics_model *m)
{
    /* At most 70 % full: the probes stay short (the tags answer most of
     * them). */
    size_t cap = 16;
    while (cap * 7 < (size_t)m->n_feat * 10)
        cap *= 2;
    size_t words = (cap + 63) / 64;
    lookup_unmap(m);
    free(m->index);
    m->slot_bytes = (ROW_WEIGHTS + (size_t)m->n_labels * sizeof(int16_t) + 7) & ~(size_t)7;
    /* One block, each array on a cache line of its own. */
    size_t tags_at = 0, occupied_at = round_up(cap, 64), rank_at = occupied_at + round_up(words * 8, 64),
           rows_at = rank_at + round_up(words * 4, 64),
           bytes = rows_at + (m->n_feat ? m->n_feat : 1) * m->slot_bytes;
    m->index = malloc(cap * sizeof *m->index);
    if (!m->index || lookup_map(m, bytes) < 0)
        return -1;
    m->tags = m->lookup + tags_at;
    m->occupied = (uint64_t *)(void *)(m->lookup + occupied_at);
    m->rank = (uint32_t *)(void *)(m->lookup + rank_at);
    m->rows = m->lookup + rows_at;
    m->table_mask = (uint32_t)(cap - 1);
    for (size_t c = 0; c < sizeof m->log_count / sizeof m->log_count[0]; c++)
        m->log_count[c] = c ? log((double)c) : 0.0;
    double max = 0;
    for (size_t i = 0; i < (size_t)m->n_feat * m->n_labels; i++)
        if (fabs(m->w[i]) > max)
            max = fabs(m->w[i]);
    m->w_scale = max > 0 ? max / 32767.0 : 1.0;
    /* The slots first: a row's place depends on every slot before it. */
    for (uint32_t i = 0; i < m->n_feat; i++) {
        uint64_t h = slot_hash(m->keys[i]);
        size_t j = h & m->table_mask;
        while (m->tags[j])
            j = (j + 1) & m->table_mask;
        m->tags[j] = tag_of(h);
        m->index[j] = i;
        m->occupied[j >> 6] |= UINT64_C(1) << (j & 63);
    }
    uint32_t before = 0;
    for (size_t w = 0; w < words; w++) {
        m->rank[w] = before;
        before += (uint32_t)__builtin_popcountll(m->occupied[w]);   /* once, at load */
    }
    for (size_t j = 0; j < cap; j++) {
        if (!m->tags[j])
            continue;
        uint32_t i = m->index[j];
        unsigned char *row = m->rows + row_of(m, j) * m->slot_bytes;
        double idf = m->idf[i] * IDF_ONE;
        uint16_t idf_q = (uint16_t)(idf < 0 ? 0 : idf > 65535 ? 65535 : lrint(idf));
        memset(row, 0, m->slot_bytes);
        memcpy(row, &m->keys[i], 8);
        memcpy(row + ROW_IDF, &idf_q, 2);
        for (uint32_t l = 0; l < m->n_labels; l++) {
            int16_t q = (int16_t)lrint(m->w[(size_t)i * m->n_labels + l] / m->w_scale);
            memcpy(row + ROW_WEIGHTS + 2 * l, &q, 2);
        }
    }
    return 0;
}

/* Ask for a cache line: the lookups of an article are independent, so
 * their memory reads can overlap. */
static inline void prefetch(const void *p)
{
#if defined(__GNUC__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/* The row of key, or NULL, in the probe from slot j (its home slot) on,
 * whose row is row (row_of()); *at its slot.  The probe visits occupied
 * slots alone, whose rows are consecutive. */
static const unsigned char *find_from(const struct topics_model *m, uint64_t key, uint8_t tag, size_t j,
                                      const unsigned char *row, size_t *at)
{
    while (m->tags[j]) {
        if (m->tags[j] == tag) {
            uint64_t k;
            memcpy(&k, row, sizeof k);
            if (k == key) {
                *at = j;
                return row;
            }
        }
        j = (j + 1) & m->table_mask;
        row = j ? row + m->slot_bytes : m->rows;
    }
    return NULL;
}

static const unsigned char *find_slot(const struct topics_model *m, uint64_t key, size_t *at)
{
    uint64_t h = slot_hash(key);
    size_t j = h & m->table_mask;
    return find_from(m, key, tag_of(h), j, m->rows + row_of(m, j) * m->slot_bytes, at);
}

void model_compact(struct topics_model *m)
{
    free(m->index);
    m->index = NULL;
    free(m->keys);
    free(m->idf);
    free(m->w);
    m->keys = NULL;
    m->idf = NULL;
    m->w = NULL;
}

int64_t model_find(const struct topics_model *m, uint64_t key)
{
    size_t at;
    if (!m->index)
        return -1;
    return find_slot(m, key, &at) ? (int64_t)m->index[at] : -1;
}

/* One feature's value times its weights, into acc (n_labels): apart from
 * the caller so that acc, which aliases nothing, stays in registers. */
static void add_row(double *restrict acc, const unsigned char *restrict row, double v, uint32_t n_labels)
{
    uint32_t l = 0;
#if defined(__SSE2__)
    /* Two labels at a time (GCC leaves this loop scalar): each label's sum
     * takes the same products in the same order, so the same bits. */
    const __m128d vv = _mm_set1_pd(v);
    for (; l + 4 <= n_labels; l += 4) {
        __m128i q16 = _mm_loadl_epi64((const __m128i *)(const void *)(row + ROW_WEIGHTS + 2 * l));
        __m128i q32 = _mm_srai_epi32(_mm_unpacklo_epi16(q16, q16), 16);   /* sign-extended */
        __m128d lo = _mm_cvtepi32_pd(q32), hi = _mm_cvtepi32_pd(_mm_shuffle_epi32(q32, 0xee));
        _mm_storeu_pd(acc + l, _mm_add_pd(_mm_loadu_pd(acc + l), _mm_mul_pd(vv, lo)));
        _mm_storeu_pd(acc + l + 2, _mm_add_pd(_mm_loadu_pd(acc + l + 2), _mm_mul_pd(vv, hi)));
    }
#endif
    for (; l < n_labels; l++) {
        int16_t q;
        memcpy(&q, row + ROW_WEIGHTS + 2 * l, 2);
        acc[l] += v * q;
    }
}

/* A lookup on its way through model_scores_counts()'s pipeline. */
struct lookup {
    uint64_t key;
    uint32_t count;
    uint8_t tag;
    size_t j;                      /* the home slot, then the first with the key's tag */
    const unsigned char *row;      /* the row of j (row_of()) */
};

/* How far ahead of the lookup being made the pipeline works: the slot's
 * tag and its word of occupied[] and rank[] are asked for LOOKUP_AHEAD
 * lookups before, the row (which needs those) ROW_AHEAD before.  Between
 * articles the other plugins evict the model from the caches, and every
 * read of an article's lookups is then a miss: ~16 of them in flight at
 * once rather than one after the other. */
#define LOOKUP_AHEAD 16
#define ROW_AHEAD 8

static void lookup_start(const struct topics_model *m, struct lookup *lk, const struct fentry *e)
{
    uint64_t h = slot_hash(e->key);
    lk->key = e->key;
    lk->count = e->count;
    lk->tag = tag_of(h);
    lk->j = h & m->table_mask;
    prefetch(m->tags + lk->j);
    prefetch(m->occupied + (lk->j >> 6));
    prefetch(m->rank + (lk->j >> 6));
}

static void lookup_row(const struct topics_model *m, struct lookup *lk)
{
    /* The probe up to the first slot with the key's tag (the tags are in
     * the cache by now): the row asked for is then the one the lookup
     * reads, not the home slot's, which is another key's as often as not
     * at this load.  No row at all for a feature the model lacks, most
     * often.  A row may straddle two cache lines. */
    size_t j = lk->j;
    const unsigned char *row = m->rows + row_of(m, j) * m->slot_bytes;
    while (m->tags[j] && m->tags[j] != lk->tag) {
        j = (j + 1) & m->table_mask;
        row = j ? row + m->slot_bytes : m->rows;
    }
    lk->j = j;
    lk->row = row;
    if (m->tags[j]) {
        prefetch(row);
        prefetch(row + m->slot_bytes - 1);
    }
}

void model_scores_counts(const struct topics_model *m, const struct fcount *fc, double *scores)
{
    uint32_t L = m->n_labels;
    double norm2 = 0;

    for (uint32_t l = 0; l < L; l++)
        scores[l] = 0;
    /* One pass in the table's order (the sums, in floating point, depend
     * on it), with the lookups in a ring: started (lookup_start) up to
     * LOOKUP_AHEAD before they are made, their rows asked for ROW_AHEAD
     * before.  The weights are read right after the key, from the same
     * row; the length that scales the vector is applied at the end. */
    struct lookup ring[LOOKUP_AHEAD];
    size_t started = 0, rowed = 0, done = 0, s = 0;
    for (;;) {
        for (; s < fc->cap && started - done < LOOKUP_AHEAD; s++)
            if (fc->e[s].key)
                lookup_start(m, &ring[started++ % LOOKUP_AHEAD], &fc->e[s]);
        for (; rowed < started && rowed - done < ROW_AHEAD; rowed++)
            lookup_row(m, &ring[rowed % LOOKUP_AHEAD]);
        if (done == started)
            break;
        const struct lookup *lk = &ring[done++ % LOOKUP_AHEAD];
        size_t at;
        const unsigned char *row = find_from(m, lk->key, lk->tag, lk->j, lk->row, &at);
        if (!row)
            continue;
        uint16_t idf_q;
        memcpy(&idf_q, row + ROW_IDF, 2);
        uint32_t count = lk->count;
        double log_count = count < sizeof m->log_count / sizeof m->log_count[0] ? m->log_count[count]
                                                                               : log((double)count);
        double v = m->opts.algo == TOPICS_ALGO_NBLR ? 1.0
                   : m->opts.algo == TOPICS_ALGO_NB ? (double)count
                                                    : (1.0 + log_count) * (idf_q / IDF_ONE);
        add_row(scores, row, v, L);
        norm2 += v * v;
    }
    double scale = (m->opts.algo != TOPICS_ALGO_NB && norm2 > 0 ? 1.0 / sqrt(norm2) : 1.0) * m->w_scale;
    for (uint32_t l = 0; l < L; l++)
        scores[l] = m->bias[l] + scale * scores[l];
}

int model_predict_counts(const struct topics_model *m, const struct fcount *fc, double *probs)
{
    uint32_t L = m->n_labels;
    model_scores_counts(m, fc, probs);
    double sum = 0;
    if (m->opts.algo == TOPICS_ALGO_LR || m->opts.algo == TOPICS_ALGO_NBLR) {
        for (uint32_t l = 0; l < L; l++)
            sum += probs[l] = 1.0 / (1.0 + exp(-probs[l]));
    } else {
        /* NB: scores are log-probabilities; SVM: scaled (model.h). */
        double k = m->opts.algo == TOPICS_ALGO_SVM ? m->prob_scale : 1.0;
        for (uint32_t l = 0; l < L; l++)
            probs[l] *= k;
        double max = probs[0];
        for (uint32_t l = 1; l < L; l++)
            if (probs[l] > max)
                max = probs[l];
        for (uint32_t l = 0; l < L; l++)
            sum += probs[l] = exp(probs[l] - max);
    }
    for (uint32_t l = 0; l < L; l++)
        probs[l] = sum > 0 ? probs[l] / sum : 1.0 / L;
    return 0;
}

int model_predict(const struct topics_model *m, const newsd_analysis *an, double *probs)
{
    struct fcount fc = {0};
    int rc = features_add_by_type(&fc, an, m->opts.features, m->opts.char_min, m->opts.char_max);
    if (rc == 0) {
        /* The scores read the entries alone, not the table: packed to the
         * front they are a scan without gaps (the table is not looked up
         * again, and is freed right after). */
        size_t n = 0;
        for (size_t s = 0; s < fc.cap; s++) {
            /* Without a branch: half the slots are empty, at random. */
            fc.e[n] = fc.e[s];
            n += fc.e[s].key != 0;
        }
        struct fcount packed = {.e = fc.e, .n = n, .cap = n};
        rc = model_predict_counts(m, &packed, probs);
    }
    fcount_free(&fc);
    return rc;
}

/* ---- the file ------------------------------------------------------------ */

struct wbuf {
    unsigned char *p;
    size_t n, cap;
    int oom;
};

static void put(struct wbuf *b, const void *data, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
}

static void put_u32(struct wbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put(b, x, 4);
}

static void put_u64(struct wbuf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_f32(struct wbuf *b, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put_u32(b, v);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int model_save(const struct topics_model *m, const char *path, char *err, size_t errlen)
{
    struct wbuf pl = {0}, hd = {0};
    int rc = -1;
    char tmp[4096];

    if (!m->w) {
        topics_say(err, errlen, "%s: a compacted model cannot be saved", path);
        return -1;
    }

    put_u32(&pl, m->opts.algo);
    put_u32(&pl, m->opts.features);
    put_u32(&pl, m->opts.char_min);
    put_u32(&pl, m->opts.char_max);
    put_u32(&pl, m->opts.min_df);
    put_f32(&pl, m->opts.c);
    put_f32(&pl, m->opts.alpha);
    put_f32(&pl, m->prob_scale);
    put_u32(&pl, m->n_labels);
    put_u32(&pl, m->n_feat);
    for (uint32_t i = 0; i < m->n_labels; i++) {
        uint32_t len = (uint32_t)strlen(m->labels[i]);
        put_u32(&pl, len);
        put(&pl, m->labels[i], len);
    }
    for (uint32_t i = 0; i < m->n_feat; i++)
        put_u64(&pl, m->keys[i]);
    for (uint32_t i = 0; i < m->n_feat; i++)
        put_f32(&pl, m->idf[i]);
    for (size_t i = 0; i < (size_t)m->n_feat * m->n_labels; i++)
        put_f32(&pl, m->w[i]);
    for (uint32_t i = 0; i < m->n_labels; i++)
        put_f32(&pl, m->bias[i]);

    put(&hd, TOPICS_MODEL_MAGIC, 8);
    put_u32(&hd, TOPICS_MODEL_FORMAT);
    put_u32(&hd, HEADER_BYTES);
    put_u64(&hd, pl.n);
    put_u64(&hd, topics_hash(TOPICS_HASH_INIT, pl.p, pl.n));
    if (pl.oom || hd.oom) {
        topics_say(err, errlen, "%s: out of memory writing the model", path);
        goto out;
    }
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        topics_say(err, errlen, "%s: path too long", path);
        goto out;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        topics_say(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (write_all(fd, hd.p, hd.n) < 0 || write_all(fd, pl.p, pl.n) < 0 || fsync(fd) < 0) {
        topics_say(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        topics_say(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(pl.p);
    free(hd.p);
    return rc;
}

struct rbuf {
    const unsigned char *p;
    size_t n, at;
    int short_read;
};

static uint32_t get_u32(struct rbuf *b)
{
    if (b->n - b->at < 4) {
        b->short_read = 1;
        b->at = b->n;
        return 0;
    }
    const unsigned char *x = b->p + b->at;
    b->at += 4;
    return (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
}

static uint64_t get_u64(struct rbuf *b)
{
    uint64_t lo = get_u32(b);
    return lo | (uint64_t)get_u32(b) << 32;
}

static float get_f32(struct rbuf *b)
{
    uint32_t v = get_u32(b);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

/* model_parse() without the lookup table: model_load() builds that once
 * the file's bytes are freed, so that the bytes, the arrays and the table
 * are never in memory all at once (the peak RSS of a start or a reload). */
static struct topics_model *parse_arrays(const unsigned char *buf, size_t len, const char *name, char *err,
                                         size_t errlen)
{
    struct rbuf h = {.p = buf, .n = len};

    if (len < 8 || memcmp(buf, TOPICS_MODEL_MAGIC, 8) != 0) {
        topics_say(err, errlen, "%s: not a newsd topics model (no " TOPICS_MODEL_MAGIC " header)", name);
        return NULL;
    }
    h.at = 8;
    uint32_t format = get_u32(&h), hbytes = get_u32(&h);
    uint64_t plen = get_u64(&h), sum = get_u64(&h);
    if (h.short_read) {
        topics_say(err, errlen, "%s: truncated: %zu bytes, the header alone has %u", name, len, HEADER_BYTES);
        return NULL;
    }
    if (format < TOPICS_MODEL_FORMAT_OLDEST || format > TOPICS_MODEL_FORMAT) {
        topics_say(err, errlen,
            "%s: model format %u, this newsd reads formats %u to %u: train it again with newsd learn", name, format,
            TOPICS_MODEL_FORMAT_OLDEST, TOPICS_MODEL_FORMAT);
        return NULL;
    }
    if (hbytes != HEADER_BYTES) {
        topics_say(err, errlen, "%s: corrupt header (header size %u, expected %u)", name, hbytes, HEADER_BYTES);
        return NULL;
    }
    if (plen != len - HEADER_BYTES) {
        topics_say(err, errlen, "%s: %s: the header says %llu bytes of model, the file has %zu", name,
            plen > len - HEADER_BYTES ? "truncated" : "trailing bytes", (unsigned long long)plen,
            len - HEADER_BYTES);
        return NULL;
    }
    if (topics_hash(TOPICS_HASH_INIT, buf + HEADER_BYTES, plen) != sum) {
        topics_say(err, errlen, "%s: corrupt: the checksum does not match the contents", name);
        return NULL;
    }

    struct rbuf b = {.p = buf + HEADER_BYTES, .n = plen};
    struct topics_opts o;
    o.algo = get_u32(&b);
    o.features = get_u32(&b);
    o.char_min = get_u32(&b);
    o.char_max = get_u32(&b);
    o.min_df = get_u32(&b);
    o.c = get_f32(&b);
    o.alpha = get_f32(&b);
    /* Format 1 knew no SVM, and its algorithms no scale. */
    float prob_scale = format >= 2 ? get_f32(&b) : 1.0f;
    uint32_t n_labels = get_u32(&b), n_feat = get_u32(&b);
    int algo_known = o.algo == TOPICS_ALGO_LR || o.algo == TOPICS_ALGO_NB || o.algo == TOPICS_ALGO_NBLR ||
                     (o.algo == TOPICS_ALGO_SVM && format >= 2);
    if (b.short_read || !algo_known || !isfinite(prob_scale) || !(prob_scale > 0) ||
        !(o.features & (TOPICS_FEAT_STEMS | TOPICS_FEAT_CHARS | TOPICS_FEAT_STREAM)) || o.char_max > TOPICS_CHAR_N_MAX ||
        o.char_min > o.char_max || n_labels < 2 || n_labels > 100000) {
        topics_say(err, errlen, "%s: corrupt: impossible options or label count", name);
        return NULL;
    }
    /* Every count is bounded by the bytes that must follow it. */
    if ((uint64_t)n_feat * (12 + 4ull * n_labels) > plen) {
        topics_say(err, errlen, "%s: corrupt: %u features do not fit in %llu bytes", name, n_feat,
            (unsigned long long)plen);
        return NULL;
    }
    char **labels = calloc(n_labels, sizeof *labels);
    struct topics_model *m = NULL;
    if (!labels) {
        topics_say(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    for (uint32_t i = 0; i < n_labels; i++) {
        uint32_t l = get_u32(&b);
        if (b.short_read || l > LABEL_MAX || b.n - b.at < l) {
            topics_say(err, errlen, "%s: corrupt: label %u", name, i + 1);
            goto fail;
        }
        labels[i] = strndup((const char *)b.p + b.at, l);
        b.at += l;
        if (!labels[i] || !topics_label_valid(labels[i])) {
            topics_say(err, errlen, "%s: corrupt: label %u is not a label", name, i + 1);
            goto fail;
        }
    }
    m = model_new(&o, labels, n_labels, n_feat);
    if (!m) {
        topics_say(err, errlen, "%s: out of memory for %u features", name, n_feat);
        goto fail;
    }
    m->prob_scale = prob_scale;
    for (uint32_t i = 0; i < n_feat; i++)
        m->keys[i] = get_u64(&b);
    for (uint32_t i = 0; i < n_feat; i++)
        m->idf[i] = get_f32(&b);
    for (size_t i = 0; i < (size_t)n_feat * n_labels; i++)
        m->w[i] = get_f32(&b);
    for (uint32_t i = 0; i < n_labels; i++)
        m->bias[i] = get_f32(&b);
    if (b.short_read || b.at != b.n) {
        topics_say(err, errlen, "%s: corrupt: the sizes inside do not add up", name);
        goto fail;
    }
    for (size_t i = 0; i < (size_t)n_feat * n_labels; i++)
        if (!isfinite(m->w[i]))
            goto nan;
    for (uint32_t i = 0; i < n_feat; i++)
        if (!isfinite(m->idf[i]) || !m->keys[i])
            goto nan;
    for (uint32_t i = 0; i < n_labels; i++)
        if (!isfinite(m->bias[i]))
            goto nan;
    for (uint32_t i = 0; i < n_labels; i++)
        free(labels[i]);
    free(labels);
    return m;
nan:
    topics_say(err, errlen, "%s: corrupt: a weight is not a finite number", name);
fail:
    for (uint32_t i = 0; i < n_labels; i++)
        free(labels[i]);
    free(labels);
    model_free(m);
    return NULL;
}

/* The lookup table of a model parse_arrays() read. */
static struct topics_model *indexed(struct topics_model *m, const char *name, char *err, size_t errlen)
{
    if (m && model_index(m) < 0) {
        topics_say(err, errlen, "%s: out of memory", name);
        model_free(m);
        return NULL;
    }
    return m;
}

struct topics_model *model_parse(const unsigned char *buf, size_t len, const char *name, char *err,
                                 size_t errlen)
{
    return indexed(parse_arrays(buf, len, name, err, errlen), name, err, errlen);
}

struct topics_model *model_load(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;

    if (fd < 0) {
        topics_say(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        topics_say(err, errlen, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    size_t len = (size_t)st.st_size;
    unsigned char *buf = malloc(len ? len : 1);
    size_t got = 0;
    if (!buf) {
        topics_say(err, errlen, "%s: out of memory for %zu bytes", path, len);
        close(fd);
        return NULL;
    }
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    struct topics_model *m = parse_arrays(buf, got, path, err, errlen);
    free(buf);
    return indexed(m, path, err, errlen);
}
