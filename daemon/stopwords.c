/*
 * Stop-word sets.  Each is an open-addressing hash table over one string
 * pool.  All lists are read at the first request (pthread_once) and then
 * only read, so readers take no lock.
 */
#include "stopwords.h"
#include "strhash.h"
#include "datadir.h"
#include "log.h"
#include "text.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stopword_set {
    size_t n, mask;       /* words; table size - 1 (a power of two, at least 2n) */
    uint32_t *slots;      /* offset + 1 into pool; 0: empty */
    uint32_t *tags;       /* per slot: tag() of its word, so that a probe that passes
                           * another word mostly ends without a compare */
    char *pool;           /* the words, each NUL-terminated */
};

#define STOPWORDS_MAX_LANGS 64
/* A list larger than this is not a stop-word list. */
#define STOPWORDS_MAX_BYTES (4u << 20)

/* Filled once (load_all), then only read. */
static struct {
    char lang[4];
    const struct stopword_set *set;
} loaded[STOPWORDS_MAX_LANGS];
static size_t n_loaded;
static bool no_folder;   /* logged once: no need to log each language */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* Languages whose missing list was logged: a bit per code of two or three
 * letters (index: letters base 27, 'a' = 1). */
#define LANG_CODES (27 * 27 * 27)
static atomic_uint missing_logged[(LANG_CODES + 31) / 32];

/* 24 bits of a word's hash and its length (255: 255 bytes or more): a
 * word whose tag matches has the length the compare needs. */
static inline uint32_t tag(uint64_t h, size_t len)
{
    return (uint32_t)(h >> 40) << 8 | (uint32_t)(len < 255 ? len : 255);
}

bool stopwords_contains(const struct stopword_set *set, const char *norm, size_t len)
{
    return set && set->n && stopwords_contains_hashed(set, norm, len, strhash(norm, len));
}

bool stopwords_contains_hashed(const struct stopword_set *set, const char *norm, size_t len, uint64_t h)
{
    if (!set || !set->n)
        return false;
    uint32_t want = tag(h, len);
    for (size_t i = h & set->mask;; i = (i + 1) & set->mask) {
        uint32_t o = set->slots[i];
        if (!o)
            return false;
        const char *w = set->pool + o - 1;
        if (set->tags[i] != want)
            continue;
        if (len < 255 ? strhash_equal(w, norm, len) : strncmp(w, norm, len) == 0 && w[len] == '\0')
            return true;
    }
}

void stopwords_prefetch_hashed(const struct stopword_set *set, uint64_t h)
{
    if (!set || !set->n)
        return;
    __builtin_prefetch(&set->slots[h & set->mask]);
    __builtin_prefetch(&set->tags[h & set->mask]);
}

static void set_insert(struct stopword_set *set, uint32_t offset)
{
    const char *w = set->pool + offset;
    size_t len = strlen(w);
    uint64_t h = strhash(w, len);
    for (size_t i = h & set->mask;; i = (i + 1) & set->mask) {
        uint32_t o = set->slots[i];
        if (!o) {
            set->slots[i] = offset + 1;
            set->tags[i] = tag(h, len);
            set->n++;
            return;
        }
        if (strcmp(set->pool + o - 1, w) == 0)
            return;   /* listed twice */
    }
}

/* Read path into a set; NULL (logged, naming the file and the cause) when
 * it cannot be read.  Bad words are skipped with a warning. */
static struct stopword_set *load_file(const char *path, const char *lang)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        log_warning("stop words: %s: %s; no stop words for \"%s\"", path, strerror(errno), lang);
        return NULL;
    }
    size_t pool_len = 0, pool_cap = 4096, words = 0;
    char *pool = xmalloc(pool_cap);
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    bool too_big = false;
    while ((n = getline(&line, &line_cap, f)) >= 0 && !too_big) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        for (char *save = NULL, *w = strtok_r(line, " \t\r\n\v\f", &save); w;
             w = strtok_r(NULL, " \t\r\n\v\f", &save)) {
            char *folded = text_casefold(w);
            if (!folded) {
                log_warning("stop words: %s:%u: \"%s\" is not UTF-8; skipped", path, lineno, w);
                continue;
            }
            size_t len = strlen(folded);
            if (pool_len + len + 1 > STOPWORDS_MAX_BYTES) {
                log_warning("stop words: %s: larger than %u bytes; the rest is ignored", path,
                            STOPWORDS_MAX_BYTES);
                free(folded);
                too_big = true;
                break;
            }
            while (pool_len + len + 1 > pool_cap)
                pool_cap *= 2;
            pool = xrealloc(pool, pool_cap);
            memcpy(pool + pool_len, folded, len + 1);
            pool_len += len + 1;
            words++;
            free(folded);
        }
    }
    bool failed = ferror(f);
    free(line);
    fclose(f);
    if (failed) {
        log_warning("stop words: %s: read error; no stop words for \"%s\"", path, lang);
        free(pool);
        return NULL;
    }
    struct stopword_set *set = xcalloc(1, sizeof *set);
    size_t size = 16;
    while (size < words * 2)
        size *= 2;
    set->mask = size - 1;
    set->slots = xcalloc(size, sizeof *set->slots);
    set->tags = xcalloc(size, sizeof *set->tags);
    set->pool = pool;
    for (size_t off = 0; off < pool_len; off += strlen(pool + off) + 1)
        set_insert(set, (uint32_t)off);
    log_info("stop words: %zu for \"%s\" from %s", set->n, lang, path);
    return set;
}

static bool lang_valid(const char *lang, size_t len)
{
    return len >= 2 && len <= 3 && strspn(lang, "abcdefghijklmnopqrstuvwxyz") == len;
}

/* Every DIR/stopwords/LANG.txt, in one go: the lists are small, and a
 * table that no longer changes needs no lock to read.  Reading only the
 * files that exist also keeps the lang field of articles (any text a
 * producer writes) from making newsd open or remember anything. */
static void load_files(void)
{
    char *dir = xasprintf("%s/stopwords", datadir_get());
    DIR *d = opendir(dir);
    if (!d) {
        log_notice("stop words: %s: %s; no stop words are marked", dir, strerror(errno));
        no_folder = true;
        free(dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *dot = strrchr(e->d_name, '.');
        size_t len = dot ? (size_t)(dot - e->d_name) : 0;
        if (!dot || strcmp(dot, ".txt") != 0 || !lang_valid(e->d_name, len))
            continue;
        if (n_loaded == STOPWORDS_MAX_LANGS) {
            log_warning("stop words: more than %d lists in %s; %s is not read", STOPWORDS_MAX_LANGS, dir,
                        e->d_name);
            continue;
        }
        char lang[4];
        memcpy(lang, e->d_name, len);
        lang[len] = '\0';
        char *path = xasprintf("%s/%s", dir, e->d_name);
        struct stopword_set *set = load_file(path, lang);
        free(path);
        if (!set)
            continue;
        memcpy(loaded[n_loaded].lang, lang, len + 1);
        loaded[n_loaded].set = set;
        n_loaded++;
    }
    closedir(d);
    free(dir);
}

/* Run by the first call of any thread that wants a list, often a plugin's
 * on an article: the lines are about newsd's data, not about either. */
static void load_all(void)
{
    struct log_context ctx = log_context_clear();
    load_files();
    log_context_restore(ctx);
}

static void log_missing_once(const char *lang, size_t len)
{
    size_t code = 0;
    for (size_t i = 0; i < len; i++)
        code = code * 27 + (size_t)(lang[i] - 'a' + 1);
    unsigned bit = 1u << (code % 32);
    if (atomic_fetch_or(&missing_logged[code / 32], bit) & bit)
        return;
    log_notice("stop words: no list for language \"%s\" in %s/stopwords: none are marked", lang,
               datadir_get());
}

const struct stopword_set *stopwords_get(const char *lang)
{
    size_t len = strlen(lang);
    if (!lang_valid(lang, len))
        return NULL;
    pthread_once(&load_once, load_all);
    for (size_t i = 0; i < n_loaded; i++)
        if (strcmp(loaded[i].lang, lang) == 0)
            return loaded[i].set;
    if (!no_folder)
        log_missing_once(lang, len);
    return NULL;
}
