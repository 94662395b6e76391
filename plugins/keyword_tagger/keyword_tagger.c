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
 *   weights    = false          ; true: "KI-Chip 2, Halbleiter, semiconductor 1.5"
 *   min        = 0              ; weights, tag mode: the least sum that tags
 *   max        = (none)         ; weights, tag mode: the tag's weight at most
 *   lang       = de, en         ; only articles in these languages
 *
 * The words are one automaton over the article's tokens (kw_match.h): one
 * pass per article, whatever the list's length.  Before it, a byte-level
 * pass over title and body (kw_prefilter.h) turns away the articles that
 * cannot hold any listed word, without building their text layer.  By default (substring) a
 * phrase's first word may end a word of the article and its last word
 * begin one, so "KI-Chip" also finds "KI-Chiphersteller": in German a word
 * is often part of a compound.  The price is that a short word matches at
 * the start of longer ones ("Intel" in "Intelligenz"); `match = word`
 * keeps to whole words, the right choice for names.
 *
 * Without weights, in `tag` mode each distinct word found adds a third, so
 * one word gives 0.33, three or more give 1.0.  With weights, the tag's
 * weight is the sum of the weights of the distinct words found, capped at
 * max, and the tag is set when that sum is above 0 and at least min; in
 * prefix mode each word's tag carries its weight.  A [topic.NAME] section
 * of the configuration is this plugin with tag = topic:NAME and weights on
 * (docs/operations.md).
 *
 * The state is read-only after init, so process() is thread-safe.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* getline() */
#endif
#include "kw_match.h"
#include "kw_prefilter.h"
#include "kw_words.h"
#include "../entities/tokens_analysis.h"

#include <newsd/plugin.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Distinct words found for a `tag` weight of 1.0 without weights. */
#define WORDS_FOR_FULL_WEIGHT 3
#define LANG_MAX 8

struct tagger {
    struct kw_words words;
    struct kw_matcher matcher;
    struct kw_prefilter prefilter;   /* articles without a literal skip the text layer */
    struct kw_prefilter_use use;     /* ... while it turns away enough of them to pay */
    char **tags;  /* prefix mode: tags[i] = prefix + words[i]; else NULL */
    char *tag;    /* tag mode: the one tag; else NULL */
    int weighted;
    double min, max;   /* weights, tag mode; max < 0: none */
    char **langs;      /* NULL: every article */
    size_t n_langs;
};

/* Tag names must be valid UTF-8, so words and prefixes are checked at
 * init.  A NUL byte (only a line of a file can hold one) would silently cut
 * the word short, so it is refused too. */
static int valid_text(const char *s, size_t len)
{
    return !memchr(s, '\0', len) && newsd_utf8_valid(s, len);
}

/* Add the words of a comma-separated list (a line break separates words
 * too, for a list continued over indented lines). */
static int add_words_from_list(const newsd_config *conf, struct tagger *t, const char *csv)
{
    size_t n;
    char **words = newsd_list_split(csv, &n);
    if (!words)
        return newsd_config_error(conf, "words", "out of memory");
    int rc = NEWSD_OK;
    for (size_t i = 0; rc == NEWSD_OK && i < n; i++) {
        char err[300];
        int r = -2;
        if (!valid_text(words[i], strlen(words[i])))
            rc = newsd_config_error(conf, "words", "word %zu is not valid UTF-8 (save the "
                                    "configuration as UTF-8)", i + 1);
        else if ((r = kw_words_add(&t->words, words[i], strlen(words[i]), t->weighted, err, sizeof err)) == -1)
            rc = newsd_config_error(conf, "words", "%s", err);
        else if (r == -2)
            rc = newsd_config_error(conf, "words", "out of memory");
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
static int add_words_from_file(const newsd_config *conf, struct tagger *t, const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return newsd_config_error(conf, "words_file", "cannot open %s: %s", path, strerror(errno));
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    int rc = NEWSD_OK;
    size_t lineno = 0;
    errno = 0;
    while (rc == NEWSD_OK && (n = getline(&line, &size, f)) >= 0) {
        const char *w = line;
        if (++lineno == 1 && n >= 3 && memcmp(w, "\xEF\xBB\xBF", 3) == 0) {
            w += 3; /* UTF-8 byte order mark */
            n -= 3;
        }
        if (!valid_text(w, (size_t)n)) {
            rc = newsd_config_error(conf, "words_file", "%s:%zu: not valid UTF-8 text (save the "
                                    "file as UTF-8)", path, lineno);
            break;
        }
        if (is_comment_or_blank(w))
            continue;
        char err[300];
        int r = kw_words_add(&t->words, w, (size_t)n, t->weighted, err, sizeof err);
        if (r == -1)
            rc = newsd_config_error(conf, "words_file", "%s:%zu: %s", path, lineno, err);
        else if (r == -2)
            rc = newsd_config_error(conf, "words_file", "%s: out of memory", path);
    }
    if (rc == NEWSD_OK && ferror(f))
        rc = newsd_config_error(conf, "words_file", "cannot read %s: %s", path, strerror(errno ? errno : EIO));
    free(line);
    fclose(f);
    return rc;
}

static int read_words(const newsd_config *conf, struct tagger *t)
{
    const char *csv = newsd_config_get(conf, "words");
    if (csv && add_words_from_list(conf, t, csv) != NEWSD_OK)
        return NEWSD_ERROR;

    const char *file = newsd_config_get(conf, "words_file");
    char *path = file ? newsd_config_path(conf, "words_file") : NULL;
    if (file && !path)
        return newsd_config_error(conf, "words_file", "out of memory");
    int rc = path ? add_words_from_file(conf, t, path) : NEWSD_OK;
    if (rc == NEWSD_OK && t->words.n == 0) {
        if (path)
            rc = newsd_config_error(conf, "words_file", "no words: %s lists none%s", path,
                                    csv ? " and words is empty" : "");
        else
            rc = newsd_config_error(conf, csv ? "words" : NULL, "no words: %s",
                                    csv ? "words is empty" : "set words = a, b, c or words_file = FILE");
    }
    free(path);
    return rc;
}

/* Each word as the automaton's pattern, tokenised as article text is. */
static int build_matcher(const newsd_config *conf, struct tagger *t, int compounds, int sensitive)
{
    if (kw_matcher_init(&t->matcher, compounds, sensitive) < 0 || kw_prefilter_init(&t->prefilter) < 0)
        return newsd_config_error(conf, NULL, "out of memory");
    for (size_t i = 0; i < t->words.n; i++) {
        const char *w = t->words.v[i].text;
        newsd_analysis *an = newsd_analysis_new(w, strlen(w), NULL);
        struct ent_toks toks = {0};
        int r = an && tokens_from_analysis(an, &toks) == 0 ? kw_matcher_add(&t->matcher, &toks, (uint32_t)i) : -1;
        if (r >= 0 && kw_prefilter_add(&t->prefilter, &toks, sensitive) < 0)
            r = -1;
        toks_free(&toks);
        newsd_analysis_free(an);
        if (r < 0)
            return newsd_config_error(conf, NULL, "out of memory");
        if (r == 1)
            newsd_log(NEWSD_LOG_WARNING, "'%s' has no letters, digits or signs to match: it is ignored", w);
    }
    if (kw_matcher_build(&t->matcher) < 0 || kw_prefilter_build(&t->prefilter) < 0)
        return newsd_config_error(conf, NULL, "out of memory");
    return NEWSD_OK;
}

/* prefix mode: one tag name per word. */
static int make_prefixed_tags(const newsd_config *conf, struct tagger *t, const char *prefix)
{
    t->tags = calloc(t->words.n, sizeof *t->tags);
    if (!t->tags)
        return newsd_config_error(conf, "prefix", "out of memory");
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < t->words.n; i++) {
        if (t->words.v[i].weight < 0)
            return newsd_config_error(conf, "prefix", "'%s' has a negative weight: in prefix mode a "
                                      "word's weight is its tag's, which cannot be negative",
                                      t->words.v[i].text);
        size_t wlen = strlen(t->words.v[i].text);
        t->tags[i] = malloc(plen + wlen + 1);
        if (!t->tags[i])
            return newsd_config_error(conf, "prefix", "out of memory");
        memcpy(t->tags[i], prefix, plen);
        memcpy(t->tags[i] + plen, t->words.v[i].text, wlen + 1);
    }
    return NEWSD_OK;
}

/* Exactly one of prefix and tag, neither empty. */
static int read_mode(const newsd_config *conf, struct tagger *t)
{
    const char *prefix = newsd_config_get(conf, "prefix");
    const char *tag = newsd_config_get(conf, "tag");
    if (prefix && tag)
        return newsd_config_error(conf, "prefix", "prefix and tag are both set: use prefix for one "
                                  "tag per word found, or tag for one tag when any word is found");
    if (!prefix && !tag)
        return newsd_config_error(conf, NULL, "set either prefix (one tag per word found, "
                                  "e.g. prefix = entity:org/) or tag (one tag when any word is found)");
    const char *key = prefix ? "prefix" : "tag", *value = prefix ? prefix : tag;
    if (!*value || !newsd_utf8_valid(value, strlen(value)))
        return newsd_config_error(conf, key, "%s", *value ? "is not valid UTF-8" : "is empty");
    if (prefix) {
        if (newsd_config_get(conf, "min") || newsd_config_get(conf, "max"))
            return newsd_config_error(conf, newsd_config_get(conf, "min") ? "min" : "max",
                                      "min and max are about the one tag of tag mode, not prefix");
        return make_prefixed_tags(conf, t, prefix);
    }
    t->tag = strdup(tag);
    if (!t->tag)
        return newsd_config_error(conf, "tag", "out of memory");
    return NEWSD_OK;
}

static int read_case(const newsd_config *conf, int *sensitive, int *compounds)
{
    const char *c = newsd_config_get(conf, "case");
    if (!c || strcmp(c, "insensitive") == 0)
        *sensitive = 0;
    else if (strcmp(c, "sensitive") == 0)
        *sensitive = 1;
    else
        return newsd_config_error(conf, "case", "%s: expected insensitive or sensitive", c);
    const char *m = newsd_config_get(conf, "match");
    if (!m || strcmp(m, "substring") == 0)
        *compounds = 1;
    else if (strcmp(m, "word") == 0)
        *compounds = 0;
    else
        return newsd_config_error(conf, "match", "%s: expected substring or word", m);
    return NEWSD_OK;
}

static int read_weights(const newsd_config *conf, struct tagger *t)
{
    if (newsd_config_get_bool(conf, "weights", 0, &t->weighted) != NEWSD_OK)
        return NEWSD_ERROR;
    if (!t->weighted && (newsd_config_get(conf, "min") || newsd_config_get(conf, "max")))
        return newsd_config_error(conf, newsd_config_get(conf, "min") ? "min" : "max",
                                  "min and max work with weights = true");
    if (newsd_config_get_double(conf, "min", 0, &t->min) != NEWSD_OK ||
        newsd_config_get_double(conf, "max", -1, &t->max) != NEWSD_OK)
        return NEWSD_ERROR;
    if (newsd_config_get(conf, "max") && t->max <= 0)
        return newsd_config_error(conf, "max", "%g: the cap must be above 0", t->max);
    if (t->max > 0 && t->min > t->max)
        return newsd_config_error(conf, "min", "%g is above max = %g: nothing could be tagged", t->min, t->max);
    return NEWSD_OK;
}

/* lang = de, en: the primary subtags of the articles to look at. */
static int read_langs(const newsd_config *conf, struct tagger *t)
{
    const char *list = newsd_config_get(conf, "lang");
    if (!list)
        return NEWSD_OK;
    t->langs = newsd_list_split(list, &t->n_langs);
    if (!t->langs)
        return newsd_config_error(conf, "lang", "out of memory");
    if (t->n_langs == 0)
        return newsd_config_error(conf, "lang", "is empty: give languages (de, en) or leave it out");
    for (size_t i = 0; i < t->n_langs; i++) {
        const char *l = t->langs[i];
        size_t n = strlen(l);
        int ok = n >= 2 && n < LANG_MAX;
        for (size_t k = 0; ok && k < n; k++)
            ok = l[k] >= 'a' && l[k] <= 'z';
        if (!ok)
            return newsd_config_error(conf, "lang", "'%s' is no language code: give ISO 639-1 "
                                      "codes in lower case (de, en)", l);
    }
    return NEWSD_OK;
}

static void tagger_fini(void *state)
{
    struct tagger *t = state;
    if (!t)
        return;
    if (t->tags)
        for (size_t i = 0; i < t->words.n; i++)
            free(t->tags[i]);
    free(t->tags);
    free(t->tag);
    newsd_list_free(t->langs);
    kw_matcher_free(&t->matcher);
    kw_prefilter_free(&t->prefilter);
    kw_words_free(&t->words);
    free(t);
}

static int tagger_init(const newsd_config *conf, void **state)
{
    struct tagger *t = calloc(1, sizeof *t);
    if (!t)
        return newsd_config_error(conf, NULL, "out of memory");
    int sensitive = 0, compounds = 1;
    if (read_case(conf, &sensitive, &compounds) != NEWSD_OK || read_weights(conf, t) != NEWSD_OK ||
        read_langs(conf, t) != NEWSD_OK || read_words(conf, t) != NEWSD_OK ||
        read_mode(conf, t) != NEWSD_OK || build_matcher(conf, t, compounds, sensitive) != NEWSD_OK) {
        tagger_fini(t);
        return NEWSD_ERROR;
    }
    *state = t;
    return NEWSD_OK;
}

/* The article's language, its primary subtag ("de" of "de-AT"), is listed. */
static int lang_wanted(const struct tagger *t, const newsd_article *a)
{
    if (!t->langs)
        return 1;
    const char *lang = newsd_article_get(a, NEWSD_FIELD_LANG);
    size_t n = strcspn(lang, "-_");
    for (size_t i = 0; i < t->n_langs; i++)
        if (strlen(t->langs[i]) == n && strncasecmp(t->langs[i], lang, n) == 0)
            return 1;
    return 0;
}

static int add_tag(newsd_article *a, const char *name, double weight)
{
    if (newsd_article_tag(a, name, weight) != NEWSD_OK)
        return newsd_article_fail(a, "cannot add tag %s", name);
    return NEWSD_OK;
}

static int tag_found(const struct tagger *t, newsd_article *a, const struct kw_found *found)
{
    if (t->tags) {
        for (size_t i = 0; i < found->n; i++) {
            const struct kw_word *w = &t->words.v[found->v[i]];
            if (add_tag(a, t->tags[found->v[i]], w->weight) != NEWSD_OK)
                return NEWSD_ERROR;
        }
        return NEWSD_OK;
    }
    if (found->n == 0)
        return NEWSD_OK;
    if (!t->weighted) {
        size_t n = found->n < WORDS_FOR_FULL_WEIGHT ? found->n : WORDS_FOR_FULL_WEIGHT;
        return add_tag(a, t->tag, (double)n / WORDS_FOR_FULL_WEIGHT);
    }
    double sum = 0;
    for (size_t i = 0; i < found->n; i++)
        sum += t->words.v[found->v[i]].weight;
    if (sum <= 0 || sum < t->min)
        return NEWSD_OK;
    return add_tag(a, t->tag, t->max > 0 && sum > t->max ? t->max : sum);
}

static int tagger_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    struct tagger *t = state;
    if (!lang_wanted(t, a))
        return NEWSD_OK;
    /* The analysed text is title "\n\n" body: a literal, letters and
     * digits only, lies in one of them. */
    if (!t->prefilter.off && kw_prefilter_use_now(&t->use)) {
        const char *title = newsd_article_get(a, NEWSD_FIELD_TITLE), *body = newsd_article_get(a, NEWSD_FIELD_BODY);
        int through = kw_prefilter_may_match(&t->prefilter, title, strlen(title)) ||
                      kw_prefilter_may_match(&t->prefilter, body, strlen(body));
        kw_prefilter_use_note(&t->use, through);
        if (!through)
            return NEWSD_OK;
    }
    const newsd_analysis *an = newsd_article_analysis(a);
    struct kw_found found = {0};
    /* Without weights, a tag of one word for all is full at the third. */
    size_t limit = t->tag && !t->weighted ? WORDS_FOR_FULL_WEIGHT : 0;
    int rc = an && kw_matcher_run(&t->matcher, an, limit, &found) == 0 ? tag_found(t, a, &found)
                                                                        : newsd_article_fail(a, "out of memory");
    kw_found_free(&found);
    return rc;
}

/* The keys init() reads: newsd refuses any other (since 1.2). */
static const struct newsd_config_key tagger_keys[] = {
    {"words", "comma-separated words or phrases (or one per line), with weights: KI-Chip 2"},
    {"words_file", "a file with one word per line (and its weight)"},
    {"prefix", "one tag per word found: PREFIX + word"},
    {"tag", "one tag when any word is found"},
    {"case", "insensitive (default) or sensitive"},
    {"match", "substring (default: words may start or end a compound) or word"},
    {"weights", "true: a number after a word is its weight (default false)"},
    {"min", "with weights, tag mode: the least sum of weights that tags (default 0)"},
    {"max", "with weights, tag mode: the tag's weight at most (default: the sum)"},
    {"lang", "only articles in these languages: de, en (default: all)"},
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
