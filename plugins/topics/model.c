/* model: a topics classifier in memory and on disk (model.h). */
#include "model.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_BYTES 32u
#define LABEL_MAX 200u

const struct topics_opts topics_default_opts = {
    .algo = TOPICS_ALGO_LR,
    .features = TOPICS_FEAT_STEMS | TOPICS_FEAT_CHARS,
    .char_min = 3,
    .char_max = 5,
    .min_df = 2,
    .c = 10.0f,
    .alpha = 0.1f,
};

static void say(char *err, size_t errlen, const char *fmt, ...) NEWSD_PRINTF(3, 4);
static void say(char *err, size_t errlen, const char *fmt, ...)
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
    free(m->table);
    free(m);
}

static uint32_t slot_of(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (uint32_t)key;
}

int model_index(struct topics_model *m)
{
    size_t cap = 16;
    while (cap < (size_t)m->n_feat * 2)
        cap *= 2;
    free(m->table);
    m->table = calloc(cap, sizeof *m->table);
    if (!m->table)
        return -1;
    m->table_mask = (uint32_t)(cap - 1);
    for (uint32_t i = 0; i < m->n_feat; i++) {
        uint32_t j = slot_of(m->keys[i]) & m->table_mask;
        while (m->table[j])
            j = (j + 1) & m->table_mask;
        m->table[j] = i + 1;
    }
    return 0;
}

int64_t model_find(const struct topics_model *m, uint64_t key)
{
    uint32_t j = slot_of(key) & m->table_mask;
    for (uint32_t e; (e = m->table[j]); j = (j + 1) & m->table_mask)
        if (m->keys[e - 1] == key)
            return (int64_t)e - 1;
    return -1;
}

int model_predict_counts(const struct topics_model *m, const struct fcount *fc, double *probs)
{
    uint32_t L = m->n_labels;
    uint32_t *idx = malloc((fc->n ? fc->n : 1) * sizeof *idx);
    double *val = malloc((fc->n ? fc->n : 1) * sizeof *val);
    size_t n = 0;
    double norm2 = 0;

    if (!idx || !val) {
        free(idx);
        free(val);
        return -1;
    }
    for (size_t s = 0; s < fc->cap; s++) {
        if (!fc->keys[s])
            continue;
        int64_t i = model_find(m, fc->keys[s]);
        if (i < 0)
            continue;
        double v = m->opts.algo == TOPICS_ALGO_LR     ? (1.0 + log((double)fc->counts[s])) * m->idf[i]
                   : m->opts.algo == TOPICS_ALGO_NBLR ? 1.0
                                                      : (double)fc->counts[s];
        idx[n] = (uint32_t)i;
        val[n++] = v;
        norm2 += v * v;
    }
    double scale = m->opts.algo != TOPICS_ALGO_NB && norm2 > 0 ? 1.0 / sqrt(norm2) : 1.0;
    for (uint32_t l = 0; l < L; l++)
        probs[l] = m->bias[l];
    for (size_t k = 0; k < n; k++) {
        const float *w = m->w + (size_t)idx[k] * L;
        double v = val[k] * scale;
        for (uint32_t l = 0; l < L; l++)
            probs[l] += v * w[l];
    }
    free(idx);
    free(val);

    double sum = 0;
    if (m->opts.algo != TOPICS_ALGO_NB) {
        for (uint32_t l = 0; l < L; l++)
            sum += probs[l] = 1.0 / (1.0 + exp(-probs[l]));
    } else {
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
    int rc = features_add(&fc, an, m->opts.features, m->opts.char_min, m->opts.char_max);
    if (rc == 0)
        rc = model_predict_counts(m, &fc, probs);
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

    put_u32(&pl, m->opts.algo);
    put_u32(&pl, m->opts.features);
    put_u32(&pl, m->opts.char_min);
    put_u32(&pl, m->opts.char_max);
    put_u32(&pl, m->opts.min_df);
    put_f32(&pl, m->opts.c);
    put_f32(&pl, m->opts.alpha);
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
        say(err, errlen, "%s: out of memory writing the model", path);
        goto out;
    }
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
        say(err, errlen, "%s: path too long", path);
        goto out;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        say(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (write_all(fd, hd.p, hd.n) < 0 || write_all(fd, pl.p, pl.n) < 0 || fsync(fd) < 0) {
        say(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        say(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
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

struct topics_model *model_parse(const unsigned char *buf, size_t len, const char *name, char *err,
                                 size_t errlen)
{
    struct rbuf h = {.p = buf, .n = len};

    if (len < 8 || memcmp(buf, TOPICS_MODEL_MAGIC, 8) != 0) {
        say(err, errlen, "%s: not a newsd topics model (no " TOPICS_MODEL_MAGIC " header)", name);
        return NULL;
    }
    h.at = 8;
    uint32_t format = get_u32(&h), hbytes = get_u32(&h);
    uint64_t plen = get_u64(&h), sum = get_u64(&h);
    if (h.short_read) {
        say(err, errlen, "%s: truncated: %zu bytes, the header alone has %u", name, len, HEADER_BYTES);
        return NULL;
    }
    if (format != TOPICS_MODEL_FORMAT) {
        say(err, errlen, "%s: model format %u, this newsd reads format %u: train it again with newsd learn",
            name, format, TOPICS_MODEL_FORMAT);
        return NULL;
    }
    if (hbytes != HEADER_BYTES) {
        say(err, errlen, "%s: corrupt header (header size %u, expected %u)", name, hbytes, HEADER_BYTES);
        return NULL;
    }
    if (plen != len - HEADER_BYTES) {
        say(err, errlen, "%s: %s: the header says %llu bytes of model, the file has %zu", name,
            plen > len - HEADER_BYTES ? "truncated" : "trailing bytes", (unsigned long long)plen,
            len - HEADER_BYTES);
        return NULL;
    }
    if (topics_hash(TOPICS_HASH_INIT, buf + HEADER_BYTES, plen) != sum) {
        say(err, errlen, "%s: corrupt: the checksum does not match the contents", name);
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
    uint32_t n_labels = get_u32(&b), n_feat = get_u32(&b);
    if (b.short_read || (o.algo != TOPICS_ALGO_LR && o.algo != TOPICS_ALGO_NB && o.algo != TOPICS_ALGO_NBLR) ||
        !(o.features & (TOPICS_FEAT_STEMS | TOPICS_FEAT_CHARS | TOPICS_FEAT_STREAM)) || o.char_max > TOPICS_CHAR_N_MAX ||
        o.char_min > o.char_max || n_labels < 2 || n_labels > 100000) {
        say(err, errlen, "%s: corrupt: impossible options or label count", name);
        return NULL;
    }
    /* Every count is bounded by the bytes that must follow it. */
    if ((uint64_t)n_feat * (12 + 4ull * n_labels) > plen) {
        say(err, errlen, "%s: corrupt: %u features do not fit in %llu bytes", name, n_feat,
            (unsigned long long)plen);
        return NULL;
    }
    char **labels = calloc(n_labels, sizeof *labels);
    struct topics_model *m = NULL;
    if (!labels) {
        say(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    for (uint32_t i = 0; i < n_labels; i++) {
        uint32_t l = get_u32(&b);
        if (b.short_read || l > LABEL_MAX || b.n - b.at < l) {
            say(err, errlen, "%s: corrupt: label %u", name, i + 1);
            goto fail;
        }
        labels[i] = strndup((const char *)b.p + b.at, l);
        b.at += l;
        if (!labels[i] || !topics_label_valid(labels[i])) {
            say(err, errlen, "%s: corrupt: label %u is not a label", name, i + 1);
            goto fail;
        }
    }
    m = model_new(&o, labels, n_labels, n_feat);
    if (!m) {
        say(err, errlen, "%s: out of memory for %u features", name, n_feat);
        goto fail;
    }
    for (uint32_t i = 0; i < n_feat; i++)
        m->keys[i] = get_u64(&b);
    for (uint32_t i = 0; i < n_feat; i++)
        m->idf[i] = get_f32(&b);
    for (size_t i = 0; i < (size_t)n_feat * n_labels; i++)
        m->w[i] = get_f32(&b);
    for (uint32_t i = 0; i < n_labels; i++)
        m->bias[i] = get_f32(&b);
    if (b.short_read || b.at != b.n) {
        say(err, errlen, "%s: corrupt: the sizes inside do not add up", name);
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
    if (model_index(m) < 0) {
        say(err, errlen, "%s: out of memory", name);
        goto fail;
    }
    for (uint32_t i = 0; i < n_labels; i++)
        free(labels[i]);
    free(labels);
    return m;
nan:
    say(err, errlen, "%s: corrupt: a weight is not a finite number", name);
fail:
    for (uint32_t i = 0; i < n_labels; i++)
        free(labels[i]);
    free(labels);
    model_free(m);
    return NULL;
}

struct topics_model *model_load(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;

    if (fd < 0) {
        say(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        say(err, errlen, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    size_t len = (size_t)st.st_size;
    unsigned char *buf = malloc(len ? len : 1);
    size_t got = 0;
    if (!buf) {
        say(err, errlen, "%s: out of memory for %zu bytes", path, len);
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
    struct topics_model *m = model_parse(buf, got, path, err, errlen);
    free(buf);
    return m;
}
