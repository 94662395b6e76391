/*
 * keyword_tagger: tag an article when its title or body contains words from
 * a list.
 *
 *   words      = SenseTime, Huawei, Shanghai Biren    ; comma-separated
 *   words_file = orgs.txt                             ; one word per line
 *   prefix     = entity:org/    ; one tag per word found: entity:org/Huawei
 *   tag        = topic:ai-chips ; or one tag when any word is found
 *   case       = insensitive    ; or sensitive
 *   match      = substring      ; or word
 *
 * By default matching is by substring, so "KI-Chip" also finds
 * "KI-Chiphersteller": in German a word is often the head of a compound.
 * The price is that a short word matches inside longer ones ("Intel" in
 * "Intelligenz"); `match = word` wants no letter or digit right before or
 * after the match, the right choice for names.
 *
 * In `tag` mode the weight says how sure the match is: each distinct word
 * found adds a third, so one word gives 0.33, three or more give 1.0.
 *
 * The state is read-only after init, so process() is thread-safe.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strndup(), getline() */
#endif
#include <newsd/plugin.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Distinct words found for a `tag` weight of 1.0. */
#define WORDS_FOR_FULL_WEIGHT 3

struct word_list {
    char **items;
    size_t len;
    size_t cap;
};

struct tagger {
    struct word_list words;
    char **tags;  /* prefix mode: tags[i] = prefix + words[i]; else NULL */
    char *tag;    /* tag mode: the one tag; else NULL */
    int sensitive;
    int whole_word;
};

static void word_list_clear(struct word_list *l)
{
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    free(l->items);
    *l = (struct word_list){0};
}

static int word_list_has(const struct word_list *l, const char *w, size_t len)
{
    for (size_t i = 0; i < l->len; i++)
        if (strlen(l->items[i]) == len && memcmp(l->items[i], w, len) == 0)
            return 1;
    return 0;
}

/* Tag names must be valid UTF-8, so words and prefixes are checked at
 * init.  A NUL byte (only a line of a file can hold one) would silently cut
 * the word short, so it is refused too. */
static int valid_text(const char *s, size_t len)
{
    return !memchr(s, '\0', len) && newsd_utf8_valid(s, len);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Add a copy of w[0..len), trimmed of blanks; empty words and words already
 * in the list are skipped.  Returns 0, or -1 when out of memory. */
static int word_list_add(struct word_list *l, const char *w, size_t len)
{
    while (len > 0 && is_blank(*w)) {
        w++;
        len--;
    }
    while (len > 0 && is_blank(w[len - 1]))
        len--;
    if (len == 0 || word_list_has(l, w, len))
        return 0;
    if (l->len == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return -1;
        l->items = items;
        l->cap = cap;
    }
    char *copy = strndup(w, len);
    if (!copy)
        return -1;
    l->items[l->len++] = copy;
    return 0;
}

/* Add the words of a comma-separated list (a line break separates words
 * too, for a list continued over indented lines). */
static int add_words_from_list(struct word_list *l, const char *csv)
{
    size_t n;
    char **words = newsd_list_split(csv, &n);
    int rc = words ? NEWSD_OK : NEWSD_ERROR;
    if (!words)
        newsd_log(NEWSD_LOG_ERROR, "words: out of memory");
    for (size_t i = 0; rc == NEWSD_OK && i < n; i++) {
        if (!valid_text(words[i], strlen(words[i]))) {
            newsd_log(NEWSD_LOG_ERROR, "words: word %zu is not valid UTF-8 (save the "
                      "configuration as UTF-8)", i + 1);
            rc = NEWSD_ERROR;
        } else if (word_list_add(l, words[i], strlen(words[i])) < 0) {
            newsd_log(NEWSD_LOG_ERROR, "words: out of memory");
            rc = NEWSD_ERROR;
        }
    }
    newsd_list_free(words);
    return rc;
}

/* Lines whose first non-blank character is '#' are comments; a '#' later in
 * a line is part of the word ("C#"). */
static int is_comment_or_blank(const char *line)
{
    line += strspn(line, " \t\r\n");
    return *line == '\0' || *line == '#';
}

/* Add the words of a file, one per line. */
static int add_words_from_file(struct word_list *l, const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        newsd_log(NEWSD_LOG_ERROR, "words_file: cannot open %s: %s", path, strerror(errno));
        return NEWSD_ERROR;
    }
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    int rc = NEWSD_OK;
    size_t lineno = 0;
    errno = 0;
    while ((n = getline(&line, &size, f)) >= 0) {
        const char *w = line;
        if (++lineno == 1 && n >= 3 && memcmp(w, "\xEF\xBB\xBF", 3) == 0) {
            w += 3; /* UTF-8 byte order mark */
            n -= 3;
        }
        if (!valid_text(w, (size_t)n)) {
            newsd_log(NEWSD_LOG_ERROR, "words_file: %s line %zu is not valid UTF-8 text "
                      "(save the file as UTF-8)", path, lineno);
            rc = NEWSD_ERROR;
            break;
        }
        if (is_comment_or_blank(w))
            continue;
        if (word_list_add(l, w, (size_t)n) < 0) {
            newsd_log(NEWSD_LOG_ERROR, "words_file: %s: out of memory", path);
            rc = NEWSD_ERROR;
            break;
        }
    }
    if (rc == NEWSD_OK && ferror(f)) {
        newsd_log(NEWSD_LOG_ERROR, "words_file: cannot read %s: %s", path,
                  strerror(errno ? errno : EIO));
        rc = NEWSD_ERROR;
    }
    free(line);
    fclose(f);
    return rc;
}

static int read_words(const newsd_config *conf, struct word_list *l)
{
    const char *csv = newsd_config_get(conf, "words");
    if (csv && add_words_from_list(l, csv) != NEWSD_OK)
        return NEWSD_ERROR;

    const char *file = newsd_config_get(conf, "words_file");
    char *path = file ? newsd_config_path(conf, "words_file") : NULL;
    if (file && !path) {
        newsd_log(NEWSD_LOG_ERROR, "words_file: out of memory");
        return NEWSD_ERROR;
    }
    int rc = path ? add_words_from_file(l, path) : NEWSD_OK;
    if (rc == NEWSD_OK && l->len == 0) {
        if (path)
            newsd_log(NEWSD_LOG_ERROR, "no words: %s lists none%s", path,
                      csv ? " and words is empty" : "");
        else
            newsd_log(NEWSD_LOG_ERROR, "no words: %s",
                      csv ? "words is empty" : "set words = a, b, c or words_file = FILE");
        rc = NEWSD_ERROR;
    }
    free(path);
    return rc;
}

/* prefix mode: one tag name per word. */
static int make_prefixed_tags(struct tagger *t, const char *prefix)
{
    t->tags = calloc(t->words.len, sizeof *t->tags);
    if (!t->tags)
        goto oom;
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < t->words.len; i++) {
        size_t wlen = strlen(t->words.items[i]);
        t->tags[i] = malloc(plen + wlen + 1);
        if (!t->tags[i])
            goto oom;
        memcpy(t->tags[i], prefix, plen);
        memcpy(t->tags[i] + plen, t->words.items[i], wlen + 1);
    }
    return NEWSD_OK;
oom:
    newsd_log(NEWSD_LOG_ERROR, "prefix: out of memory");
    return NEWSD_ERROR;
}

/* Exactly one of prefix and tag, neither empty. */
static int read_mode(const newsd_config *conf, struct tagger *t)
{
    const char *prefix = newsd_config_get(conf, "prefix");
    const char *tag = newsd_config_get(conf, "tag");
    if (prefix && tag) {
        newsd_log(NEWSD_LOG_ERROR, "prefix and tag are both set: use prefix for one "
                  "tag per word found, or tag for one tag when any word is found");
        return NEWSD_ERROR;
    }
    if (!prefix && !tag) {
        newsd_log(NEWSD_LOG_ERROR, "set either prefix (one tag per word found, "
                  "e.g. prefix = entity:org/) or tag (one tag when any word is found)");
        return NEWSD_ERROR;
    }
    const char *key = prefix ? "prefix" : "tag", *value = prefix ? prefix : tag;
    if (!*value || !newsd_utf8_valid(value, strlen(value))) {
        newsd_log(NEWSD_LOG_ERROR, "%s %s", key, *value ? "is not valid UTF-8" : "is empty");
        return NEWSD_ERROR;
    }
    if (prefix)
        return make_prefixed_tags(t, prefix);
    t->tag = strdup(tag);
    if (!t->tag) {
        newsd_log(NEWSD_LOG_ERROR, "tag: out of memory");
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

static int read_case(const newsd_config *conf, struct tagger *t)
{
    const char *c = newsd_config_get(conf, "case");
    if (!c || strcmp(c, "insensitive") == 0)
        t->sensitive = 0;
    else if (strcmp(c, "sensitive") == 0)
        t->sensitive = 1;
    else {
        newsd_log(NEWSD_LOG_ERROR, "case = %s: expected insensitive or sensitive", c);
        return NEWSD_ERROR;
    }
    const char *m = newsd_config_get(conf, "match");
    if (!m || strcmp(m, "substring") == 0)
        t->whole_word = 0;
    else if (strcmp(m, "word") == 0)
        t->whole_word = 1;
    else {
        newsd_log(NEWSD_LOG_ERROR, "match = %s: expected substring or word", m);
        return NEWSD_ERROR;
    }
    if (t->whole_word && t->sensitive) {
        newsd_log(NEWSD_LOG_ERROR, "match = word works with case = insensitive only");
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

static void tagger_fini(void *state)
{
    struct tagger *t = state;
    if (!t)
        return;
    if (t->tags)
        for (size_t i = 0; i < t->words.len; i++)
            free(t->tags[i]);
    free(t->tags);
    free(t->tag);
    word_list_clear(&t->words);
    free(t);
}

static int tagger_init(const newsd_config *conf, void **state)
{
    struct tagger *t = calloc(1, sizeof *t);
    if (!t) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    if (read_case(conf, t) != NEWSD_OK || read_words(conf, &t->words) != NEWSD_OK ||
        read_mode(conf, t) != NEWSD_OK) {
        tagger_fini(t);
        return NEWSD_ERROR;
    }
    *state = t;
    return NEWSD_OK;
}

static int found(const struct tagger *t, const newsd_article *a, const char *word)
{
    if (t->whole_word)
        return newsd_article_contains_word(a, word);
    if (!t->sensitive)
        return newsd_article_contains(a, word);
    return strstr(newsd_article_get(a, NEWSD_FIELD_TITLE), word) ||
           strstr(newsd_article_get(a, NEWSD_FIELD_BODY), word);
}

static int add_tag(newsd_article *a, const char *name, double weight)
{
    if (newsd_article_tag(a, name, weight) != NEWSD_OK)
        return newsd_article_fail(a, "cannot add tag %s", name);
    return NEWSD_OK;
}

static int tag_each_word(const struct tagger *t, newsd_article *a)
{
    for (size_t i = 0; i < t->words.len; i++)
        if (found(t, a, t->words.items[i]) && add_tag(a, t->tags[i], 1.0) != NEWSD_OK)
            return NEWSD_ERROR;
    return NEWSD_OK;
}

static int tag_if_any_word(const struct tagger *t, newsd_article *a)
{
    size_t n = 0;
    for (size_t i = 0; i < t->words.len && n < WORDS_FOR_FULL_WEIGHT; i++)
        n += (size_t)(found(t, a, t->words.items[i]) != 0);
    if (n == 0)
        return NEWSD_OK;
    return add_tag(a, t->tag, (double)n / WORDS_FOR_FULL_WEIGHT);
}

static int tagger_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    const struct tagger *t = state;
    return t->tags ? tag_each_word(t, a) : tag_if_any_word(t, a);
}

/* The keys init() reads: newsd refuses any other (since 1.2). */
static const struct newsd_config_key tagger_keys[] = {
    {"words", "comma-separated words (or one per line)"},
    {"words_file", "a file with one word per line"},
    {"prefix", "one tag per word found: PREFIX + word"},
    {"tag", "one tag when any word is found"},
    {"case", "insensitive (default) or sensitive"},
    {"match", "substring (default) or word"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "keyword_tagger",
    .description = "tags articles that contain words from a list",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = tagger_init,
    .process = tagger_process,
    .fini = tagger_fini,
    .config_keys = tagger_keys,
);
