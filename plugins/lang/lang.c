/*
 * lang: identify an article's language with CLD2 in the PARSE stage, so
 * that the text layer (stems, stop words) and every TAG plugin see it.
 *
 *   - An article without a lang field gets the language's ISO 639-1 code
 *     there and the tag lang:CODE, weighted by the identifier's confidence
 *     (the language's share of the text, 0..1, scaled down for text under
 *     200 bytes of letters: identify.h).
 *   - Text too short, mixed or unclear for a confident answer leaves the
 *     field "" and gets the tag lang:und (weight 1).
 *   - A lang field that is already set (a JSON article's "lang", or an
 *     earlier PARSE plugin) is kept and tagged lang:CODE (its primary
 *     subtag, lower case; weight 1; lang:und when it is no language code);
 *     the identifier still runs and a confident disagreement is logged at
 *     notice level.
 *
 * Keys (docs/plugins.md): min_chars, min_confidence, max_bytes, first_look,
 * languages.
 * The state is read-only after init and CLD2 keeps no state between calls,
 * so process() is thread-safe.
 */
#include <newsd/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identify.h"

/* "lang:" + a code or "und". */
#define TAG_MAX (5 + LANG_CODE_MAX)

struct lang_plugin {
    struct lang_opts opts;
    char *hint;  /* opts.hint's memory: the canonical codes of `languages` */
};

static void lang_fini(void *state)
{
    struct lang_plugin *p = state;
    if (!p)
        return;
    free(p->hint);
    free(p);
}

/* languages = de, en: checked against CLD2's names and joined as CLD2's
 * hint wants them ("de,en"). */
static int read_languages(const newsd_config *conf, struct lang_plugin *p)
{
    const char *value = newsd_config_get(conf, "languages");
    if (!value)
        return NEWSD_OK;
    size_t n;
    char **items = newsd_list_split(value, &n);
    if (!items || !(p->hint = calloc(n ? n : 1, LANG_CODE_MAX + 1))) {
        newsd_list_free(items);
        newsd_log(NEWSD_LOG_ERROR, "languages: out of memory");
        return NEWSD_ERROR;
    }
    int rc = NEWSD_OK;
    if (n == 0) {
        newsd_log(NEWSD_LOG_ERROR, "languages is empty: list ISO 639-1 codes (languages = de, en) "
                  "or leave the key out to accept every language");
        rc = NEWSD_ERROR;
    }
    for (size_t i = 0; rc == NEWSD_OK && i < n; i++) {
        for (char *c = items[i]; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c | 0x20);
        char code[LANG_CODE_MAX];
        if (!lang_cld2_canonical(items[i], code)) {
            newsd_log(NEWSD_LOG_ERROR, "languages: \"%s\" is not a language code CLD2 knows "
                      "(use ISO 639-1 codes such as de, en, fr)", items[i]);
            rc = NEWSD_ERROR;
            break;
        }
        if (i > 0)
            strcat(p->hint, ",");
        strcat(p->hint, code);
    }
    newsd_list_free(items);
    p->opts.hint = p->hint;
    return rc;
}

static int lang_init(const newsd_config *conf, void **state)
{
    struct lang_plugin *p = calloc(1, sizeof *p);
    if (!p) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    int64_t min_chars;
    uint64_t max_bytes, first_look;
    double min_confidence;
    if (newsd_config_get_int(conf, "min_chars", LANG_DEFAULT_MIN_CHARS, 1, 100000, &min_chars) != NEWSD_OK ||
        newsd_config_get_size(conf, "max_bytes", LANG_DEFAULT_MAX_BYTES, 1u << 20, &max_bytes) != NEWSD_OK ||
        newsd_config_get_size(conf, "first_look", LANG_DEFAULT_FIRST_LOOK, 1u << 20, &first_look) != NEWSD_OK ||
        newsd_config_get_double(conf, "min_confidence", LANG_DEFAULT_MIN_CONFIDENCE,
                                &min_confidence) != NEWSD_OK ||
        read_languages(conf, p) != NEWSD_OK) {
        lang_fini(p);
        return NEWSD_ERROR;
    }
    if (min_confidence < 0 || min_confidence > 1) {
        newsd_log(NEWSD_LOG_ERROR, "min_confidence = %g: expected a share from 0 to 1", min_confidence);
        lang_fini(p);
        return NEWSD_ERROR;
    }
    if (max_bytes < 64) {
        newsd_log(NEWSD_LOG_ERROR, "max_bytes = %llu: too little text to identify a language "
                  "(at least 64; the default is %d)", (unsigned long long)max_bytes,
                  LANG_DEFAULT_MAX_BYTES);
        lang_fini(p);
        return NEWSD_ERROR;
    }
    p->opts.min_chars = (size_t)min_chars;
    p->opts.max_bytes = (size_t)max_bytes;
    p->opts.first_look = (size_t)first_look;
    p->opts.min_confidence = min_confidence;
    *state = p;
    return NEWSD_OK;
}

static int add_tag(newsd_article *a, const char *code, double weight)
{
    char tag[TAG_MAX];
    snprintf(tag, sizeof tag, "lang:%s", code);
    if (newsd_article_tag(a, tag, weight) != NEWSD_OK)
        return newsd_article_fail(a, "cannot add tag %s", tag);
    return NEWSD_OK;
}

/* A lang the article brought is kept; the identifier only comments. */
static int keep_given(newsd_article *a, const char *given, const struct lang_guess *g)
{
    char code[LANG_CODE_MAX];
    if (!lang_given_code(given, code)) {
        newsd_log(NEWSD_LOG_NOTICE, "the article says lang \"%s\", which is no ISO 639 code; "
                  "keeping it, tagged lang:und", given);
        return add_tag(a, "und", 1.0);
    }
    if (g->verdict == LANG_FOUND && strcmp(code, g->code) != 0)
        newsd_log(NEWSD_LOG_NOTICE, "the article says lang %s, the identifier reads %s (%.0f %% of "
                  "the text); keeping %s", given, g->code, 100 * g->share, given);
    return add_tag(a, code, 1.0);
}

static int lang_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    const struct lang_plugin *p = state;
    size_t len;
    char *text = lang_article_text(newsd_article_get(a, NEWSD_FIELD_TITLE),
                                   newsd_article_get(a, NEWSD_FIELD_BODY), p->opts.max_bytes, &len);
    if (!text)
        return newsd_article_fail(a, "out of memory");
    struct lang_guess g;
    int rc = lang_identify(&p->opts, text, len, &g);
    free(text);
    if (rc < 0) /* the article's text is valid UTF-8, so only CLD2 itself can fail */
        return newsd_article_fail(a, "the language identifier failed on this text");

    const char *given = newsd_article_get(a, NEWSD_FIELD_LANG);
    if (*given)
        return keep_given(a, given, &g);
    if (g.verdict != LANG_FOUND) {
        newsd_log(NEWSD_LOG_DEBUG, "language undetermined (%s: %zu letters, best guess %s at %.0f %%)",
                  lang_verdict_name(g.verdict), g.letters, *g.best ? g.best : "none",
                  100 * g.share);
        return add_tag(a, "und", 1.0);
    }
    if (newsd_article_set(a, NEWSD_FIELD_LANG, g.code) != NEWSD_OK)
        return newsd_article_fail(a, "cannot set lang to %s", g.code);
    return add_tag(a, g.code, g.confidence);
}

static const struct newsd_config_key lang_keys[] = {
    {"min_chars", "fewer letters than this: lang:und (default 30)"},
    {"min_confidence", "the top language's share below this: lang:und (0..1, default 0.6)"},
    {"max_bytes", "identify on at most this much of the text (default 512)"},
    {"first_look", "a clear answer on this much of the text settles it (default 256; 0: off)"},
    {"languages", "accept only these ISO 639-1 codes; any other answer is und"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "lang",
    .description = "identifies the language of an article (CLD2): the lang field and a lang: tag",
    .stages = NEWSD_STAGE_PARSE,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = lang_init,
    .process = lang_process,
    .fini = lang_fini,
    .config_keys = lang_keys,
);
