/*
 * entities: tag the organisations, people, places and products an article
 * names, as entity:TYPE/NAME (entity:org/Huawei, entity:place/China).
 *
 *   gazetteer = countries.tsv, cities.tsv, towns.tsv, subdivisions.tsv, regions.tsv, orgs.tsv, people.tsv, products.tsv
 *                            ; bundled lists (bare names, from data_dir) or absolute paths
 *   user_gazetteer = gazetteer.tsv   ; the operator's list, relative to the config file
 *   user_gazetteer.NAME = more.tsv   ; more of them (later files win on the same words)
 *   data_dir = ...           ; where bundled lists are (default: entities/ beside this .so)
 *   heuristics = true        ; also entities the lists lack (legal forms, roles, ...)
 *   line_ups = false         ; team sheets and tables (appendices, fixtures): all their names
 *   weight = 1.0             ; of a gazetteer hit
 *   heuristic_weight = 0.6   ; of a heuristic find
 *   dict_de = /usr/share/dict/ngerman         ; word lists of the heuristics
 *   dict_de_nouns = /usr/share/hunspell/de_DE.dic, /usr/share/hunspell/de_AT.dic
 *                            ; Hunspell dictionaries: the nouns ngerman lacks
 *   dict_en = /usr/share/dict/american-english
 *   given_names = ...        ; given names, one a line (default: the bundled
 *                            ; given_names.txt beside the lists)
 *   languages = de, en       ; whose matchers are built at start (none: each
 *                            ; language at its first article)
 *
 * The tag carries the entry's canonical name in the article's language
 * (its LANG=NAME in the gazetteer), else its default name.  The TSV format
 * and the rules are in docs/plugins.md ("entities").
 *
 * Thread-safe: the lists are shared read-only snapshots (snapshot.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr(), strndup() */
#endif
#include "gazetteer.h"
#include "heur.h"
#include "lexicon.h"
#include "matcher.h"
#include "resolve.h"
#include "snapshot.h"
#include "tokens_analysis.h"
#include "tokpool.h"

#include <newsd/plugin.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_GAZETTEER "countries.tsv, cities.tsv, towns.tsv, subdivisions.tsv, regions.tsv, orgs.tsv, people.tsv, products.tsv"
/* The languages of the word lists: what a default config expects to meet. */
#define DEFAULT_LANGUAGES "de, en"
#define DEFAULT_NOUN_DICTIONARIES "/usr/share/hunspell/de_DE.dic, /usr/share/hunspell/de_AT.dic"
#define TAG_MAX 256

struct entities {
    struct gz_source source;
    struct lexicon lex;
    int heuristics;
    unsigned heur_flags;     /* enum heur_flag */
    double weight, heuristic_weight;
    struct tokpool toks;
};

/* entities/ beside the .so this code is in: where the build and the
 * install put the bundled lists. */
static char *default_data_dir(void)
{
    Dl_info info;
    if (!dladdr((void *)default_data_dir, &info) || !info.dli_fname)
        return NULL;
    const char *slash = strrchr(info.dli_fname, '/');
    size_t dlen = slash ? (size_t)(slash - info.dli_fname) : 1;
    const char *dir = slash ? info.dli_fname : ".";
    char *out = malloc(dlen + sizeof "/entities");
    if (out)
        sprintf(out, "%.*s/entities", (int)dlen, dir);
    return out;
}

/* The data_dir key, else entities/ beside the .so; malloc'd, NULL when out
 * of memory. */
static char *data_dir_of(const newsd_config *conf)
{
    return newsd_config_get(conf, "data_dir") ? newsd_config_path(conf, "data_dir") : default_data_dir();
}

static int push_path(char ***paths, size_t *n, char *p)
{
    if (!p)
        return -1;
    char **v = realloc(*paths, (*n + 2) * sizeof *v);
    if (!v) {
        free(p);
        return -1;
    }
    v[(*n)++] = p;
    v[*n] = NULL;
    *paths = v;
    return 0;
}

static int bundled_paths(const newsd_config *conf, char ***paths, size_t *n)
{
    const char *list = newsd_config_get(conf, "gazetteer");
    char *dir = data_dir_of(conf);
    size_t count;
    char **items = newsd_list_split(list ? list : DEFAULT_GAZETTEER, &count);
    int rc = dir && items ? NEWSD_OK : NEWSD_ERROR;
    if (rc != NEWSD_OK)
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
    for (size_t i = 0; rc == NEWSD_OK && i < count; i++) {
        const char *it = items[i];
        char *p = NULL;
        if (it[0] == '/')
            p = strdup(it);
        else if (!strchr(it, '/')) {
            p = malloc(strlen(dir) + strlen(it) + 2);
            if (p)
                sprintf(p, "%s/%s", dir, it);
        } else {
            newsd_log(NEWSD_LOG_ERROR, "gazetteer: %s: give a bundled list by its bare name or an "
                      "absolute path; your own files go in user_gazetteer (relative to the "
                      "config file)", it);
            rc = NEWSD_ERROR;
            break;
        }
        if (push_path(paths, n, p) < 0) {
            newsd_log(NEWSD_LOG_ERROR, "out of memory");
            rc = NEWSD_ERROR;
        }
    }
    newsd_list_free(items);
    free(dir);
    return rc;
}

static int user_paths(const newsd_config *conf, char ***paths, size_t *n)
{
    size_t count = newsd_config_count(conf);
    for (size_t i = 0; i < count; i++) {
        const char *key, *value;
        if (newsd_config_at(conf, i, &key, &value) != NEWSD_OK)
            continue;
        if (strcmp(key, "user_gazetteer") != 0 && strncmp(key, "user_gazetteer.", 15) != 0)
            continue;
        if (!*value) {
            newsd_log(NEWSD_LOG_ERROR, "%s is empty: give a TSV file", key);
            return NEWSD_ERROR;
        }
        if (push_path(paths, n, newsd_config_path(conf, key)) < 0) {
            newsd_log(NEWSD_LOG_ERROR, "out of memory");
            return NEWSD_ERROR;
        }
    }
    return NEWSD_OK;
}

/* The given names' list: the given_names key, else given_names.txt among
 * the bundled lists.  Without it the heuristics find people by their
 * other cues only. */
static int load_given(const newsd_config *conf, struct lexicon *lex)
{
    char *path;
    if (newsd_config_get(conf, "given_names")) {
        path = newsd_config_path(conf, "given_names");
    } else {
        char *dir = data_dir_of(conf);
        path = dir ? malloc(strlen(dir) + sizeof "/given_names.txt") : NULL;
        if (path)
            sprintf(path, "%s/given_names.txt", dir);
        free(dir);
    }
    if (!path) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    char err[512];
    if (lexicon_load_given(lex, path, err, sizeof err) < 0)
        newsd_log(NEWSD_LOG_WARNING, "given names: %s; people are found by roles, speech verbs and "
                  "repetition only (set given_names)", err);
    free(path);
    return NEWSD_OK;
}

/* The items of a list key (newsd_list_split(): newsd_list_free() them):
 * its value, def when it is not set, none when it is "none" or empty. */
static int list_setting(const newsd_config *conf, const char *key, const char *def, char ***items, size_t *n)
{
    const char *value = newsd_config_get(conf, key);
    if (value && strcmp(value, "none") == 0)
        value = "";
    *items = newsd_list_split(value ? value : def, n);
    if (!*items) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

/* The Hunspell dictionaries of dict_de_nouns, in *dics
 * (newsd_list_split()'s one block, with the items left out that are no
 * absolute path: newsd_list_free() it); *set: the key was set. */
static int noun_dictionaries(const newsd_config *conf, char ***dics, size_t *n, int *set)
{
    *set = newsd_config_get(conf, "dict_de_nouns") != NULL;
    if (list_setting(conf, "dict_de_nouns", DEFAULT_NOUN_DICTIONARIES, dics, n) != NEWSD_OK)
        return NEWSD_ERROR;
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        if ((*dics)[i][0] == '/')
            (*dics)[kept++] = (*dics)[i];
        else
            newsd_log(NEWSD_LOG_WARNING, "dict_de_nouns: %s: give an absolute path; left out", (*dics)[i]);
    }
    (*dics)[kept] = NULL;
    *n = kept;
    return NEWSD_OK;
}

static int load_lexicon(const newsd_config *conf, struct lexicon *lex)
{
    char **dics;
    size_t n_dics;
    int dics_set;
    if (noun_dictionaries(conf, &dics, &n_dics, &dics_set) != NEWSD_OK)
        return NEWSD_ERROR;
    static const struct {
        const char *key, *def, *lang;
    } lists[] = {
        {"dict_de", "/usr/share/dict/ngerman", "German"},
        {"dict_en", "/usr/share/dict/american-english", "English"},
    };
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        char *path = newsd_config_get(conf, lists[i].key) ? newsd_config_path(conf, lists[i].key)
                                                          : strdup(lists[i].def);
        char err[1100];
        if (!path) {
            newsd_log(NEWSD_LOG_ERROR, "out of memory");
            newsd_list_free(dics);
            return NEWSD_ERROR;
        }
        int rc = i == 0 ? lexicon_load_de(lex, path, (const char *const *)dics, n_dics, err, sizeof err)
                        : lexicon_load_en(lex, path, err, sizeof err);
        if (rc < 0)
            newsd_log(NEWSD_LOG_WARNING, "%s word list: %s; no heuristics for %s articles "
                      "(install wngerman/wamerican or set %s)", lists[i].lang, err, lists[i].lang,
                      lists[i].key);
        else if (i == 0 && err[0])
            /* Without them the German list works as before 0.8.10. */
            newsd_log(dics_set ? NEWSD_LOG_WARNING : NEWSD_LOG_NOTICE, "German nouns: %s; left out%s", err,
                      dics_set ? "" : " (install hunspell-de-de and hunspell-de-at, or set dict_de_nouns = none)");
        if (rc == 0 && i == 0 && lex->de_stems)
            newsd_log(NEWSD_LOG_INFO, "German word list: %s and %zu nouns of Hunspell's stems", path,
                      lex->de_stems);
        free(path);
    }
    newsd_list_free(dics);
    return load_given(conf, lex);
}

static void entities_fini(void *state)
{
    struct entities *e = state;
    if (!e)
        return;
    source_fini(&e->source);
    lexicon_free(&e->lex);
    tokpool_fini(&e->toks);
    free(e);
}

static int read_settings(const newsd_config *conf, struct entities *e)
{
    int line_ups = 0;
    if (newsd_config_get_bool(conf, "heuristics", 1, &e->heuristics) != NEWSD_OK ||
        newsd_config_get_bool(conf, "line_ups", 0, &line_ups) != NEWSD_OK ||
        newsd_config_get_double(conf, "weight", 1.0, &e->weight) != NEWSD_OK ||
        newsd_config_get_double(conf, "heuristic_weight", 0.6, &e->heuristic_weight) != NEWSD_OK)
        return NEWSD_ERROR;
    e->heur_flags = line_ups ? HEUR_LINE_UP_PEOPLE : 0;
    if (e->weight < 0 || e->heuristic_weight < 0) {
        newsd_log(NEWSD_LOG_ERROR, "weight and heuristic_weight must be >= 0");
        return NEWSD_ERROR;
    }
    return NEWSD_OK;
}

/* The languages key as a list; none (or an empty value) gives an empty
 * one.  The codes are the analysis's (newsd_analysis_lang()): lower-case
 * ISO 639-1 or -3, as the lang plugin sets them. */
static int start_languages(const newsd_config *conf, char ***items, size_t *n)
{
    if (list_setting(conf, "languages", DEFAULT_LANGUAGES, items, n) != NEWSD_OK)
        return NEWSD_ERROR;
    if (*n > SNAPSHOT_LANGS) {
        newsd_log(NEWSD_LOG_ERROR, "languages: %zu languages, at most %d", *n, SNAPSHOT_LANGS);
        return NEWSD_ERROR;
    }
    for (size_t i = 0; i < *n; i++) {
        const char *l = (*items)[i];
        size_t len = strspn(l, "abcdefghijklmnopqrstuvwxyz");
        if (l[len] != '\0' || len < 2 || len > 3) {
            newsd_log(NEWSD_LOG_ERROR, "languages: \"%s\" is not a language code (de, en, ...; "
                      "none for no language)", l);
            return NEWSD_ERROR;
        }
    }
    return NEWSD_OK;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int entities_init(const newsd_config *conf, void **state)
{
    struct entities *e = calloc(1, sizeof *e);
    if (!e) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    lexicon_init(&e->lex);
    tokpool_init(&e->toks);
    char **paths = NULL, **langs = NULL;
    size_t n = 0, n_langs = 0;
    if (read_settings(conf, e) != NEWSD_OK || start_languages(conf, &langs, &n_langs) != NEWSD_OK ||
        bundled_paths(conf, &paths, &n) != NEWSD_OK || user_paths(conf, &paths, &n) != NEWSD_OK ||
        (e->heuristics && load_lexicon(conf, &e->lex) != NEWSD_OK)) {
        for (size_t i = 0; i < n; i++)
            free(paths[i]);
        free(paths);
        newsd_list_free(langs);
        lexicon_free(&e->lex);
        tokpool_fini(&e->toks);
        free(e);
        return NEWSD_ERROR;
    }
    char err[600];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (source_init(&e->source, paths, n, &tokens_analysis_tokeniser, (const char *const *)langs, n_langs,
                    err, sizeof err) < 0) {
        newsd_log(NEWSD_LOG_ERROR, "gazetteer: %s", err);
        newsd_list_free(langs);
        source_fini(&e->source);
        lexicon_free(&e->lex);
        tokpool_fini(&e->toks);
        free(e);
        return NEWSD_ERROR;
    }
    char built[SNAPSHOT_LANGS * 5 + 16] = "";
    for (size_t i = 0, len = 0; i < n_langs; i++)
        len += (size_t)snprintf(built + len, sizeof built - len, "%s%s", i ? ", " : "", langs[i]);
    if (n_langs)
        newsd_log(NEWSD_LOG_INFO, "gazetteer: %zu entries from %zu files; matchers for %s built in %.0f ms",
                  e->source.cur->gz.n, n, built, seconds_since(&t0) * 1000);
    else
        newsd_log(NEWSD_LOG_INFO, "gazetteer: %zu entries from %zu files; no matcher built at start "
                  "(languages = none): each language's is built at its first article", e->source.cur->gz.n, n);
    newsd_list_free(langs);
    *state = e;
    return NEWSD_OK;
}

/* Whether s is well-formed UTF-8 (no overlong forms or surrogates).  A
 * name the heuristics cut badly is skipped, not the article's tags. */
static int utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 4;
        if (k == 4 || (k > 0 && (c < 0xC2 || i + k >= n)))
            return 0;
        uint32_t cp = k == 0 ? c : c & (0x3Fu >> k);
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3Fu);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static int tag(newsd_article *a, enum ent_type type, const char *name, double weight)
{
    /* Put together by hand: snprintf() cost more than the rest of it. */
    static const char prefix[] = "entity:";
    const char *tname = ent_type_name(type);
    size_t plen = sizeof prefix - 1, tlen = strlen(tname), nlen = strlen(name);
    char buf[TAG_MAX];
    if (plen + tlen + 1 + nlen >= sizeof buf)
        return NEWSD_OK;  /* a name too long for a tag is no name */
    if (!utf8_ok((const unsigned char *)name, nlen)) {
        newsd_log(NEWSD_LOG_DEBUG, "skipped a name that is not UTF-8 (%s)", tname);
        return NEWSD_OK;
    }
    memcpy(buf, prefix, plen);
    memcpy(buf + plen, tname, tlen);
    buf[plen + tlen] = '/';
    memcpy(buf + plen + tlen + 1, name, nlen + 1);
    if (newsd_article_tag(a, buf, weight) != NEWSD_OK)
        return newsd_article_fail(a, "cannot add tag %s", buf);
    return NEWSD_OK;
}

static int heuristics_for(const struct entities *e, const char *lang)
{
    return e->heuristics && ((strcmp(lang, "de") == 0 && e->lex.have_de) ||
                             (strcmp(lang, "en") == 0 && e->lex.have_en));
}

static int tag_article(const struct entities *e, struct snapshot *snap, struct ent_toks *tp, newsd_article *a)
{
    const newsd_analysis *an = newsd_article_analysis(a);
    if (!an)
        return newsd_article_fail(a, "out of memory (text analysis)");
    const char *lang = newsd_analysis_lang(an);
    const char *tag_lang = newsd_article_get(a, NEWSD_FIELD_LANG);
    const struct matcher *m = snapshot_matcher(snap, lang);
    /* The pool's array, or one of its own when the pool had none. */
    struct ent_toks own = {0}, *t = tp ? tp : &own;
    struct ent_hits hits = {0};
    struct heur_cands cands = {0};
    uint8_t *covered = NULL, *dropped = NULL;
    int rc = NEWSD_OK;
    if (!m || tokens_from_analysis(an, t) < 0 || matcher_run(m, t, &hits) < 0 ||
        !(covered = calloc(t->n + 1, 1)) || !(dropped = calloc(hits.n + 1, 1)))
        rc = newsd_article_fail(a, "out of memory (entities)");
    if (rc == NEWSD_OK && resolve_article(&e->lex, lang, tag_lang, heuristics_for(e, lang), e->heur_flags, t,
                                          &hits, &snap->gz, covered, dropped, &cands) < 0)
        rc = newsd_article_fail(a, "out of memory (entities)");
    if (rc == NEWSD_OK && heuristics_for(e, lang) &&
        resolve_regions(m, &snap->gz, lang, t, &hits, covered, dropped, &cands) < 0)
        rc = newsd_article_fail(a, "out of memory (entities)");
    for (size_t h = 0; rc == NEWSD_OK && h < hits.n; h++) {
        if (dropped[h])
            continue;
        const struct gz_entry *entry = &snap->gz.v[hits.v[h].entry];
        rc = tag(a, entry->type, gz_entry_name(entry, tag_lang), e->weight);
    }
    for (size_t k = 0; rc == NEWSD_OK && k < cands.n; k++) {
        newsd_log(NEWSD_LOG_DEBUG, "%s: %s/%s", cands.v[k].rule, ent_type_name(cands.v[k].type), cands.v[k].name);
        rc = tag(a, cands.v[k].type, cands.v[k].name, e->heuristic_weight);
    }
    heur_cands_free(&cands);
    hits_free(&hits);
    toks_free(&own);
    free(covered);
    free(dropped);
    return rc;
}

static int entities_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    struct entities *e = state;
    struct snapshot *snap = source_acquire(&e->source);
    struct tokpool_item *toks = tokpool_take(&e->toks);
    int rc = tag_article(e, snap, toks ? &toks->toks : NULL, a);
    tokpool_give(&e->toks, toks);
    snapshot_release(snap);
    return rc;
}

static const struct newsd_config_key entities_keys[] = {
    {"gazetteer", "the bundled lists to load, by name (default: all of them)"},
    {"data_dir", "where the bundled lists are (default: beside the plugin)"},
    {"user_gazetteer", "your own TSV list, reloaded when it changes"},
    {"user_gazetteer.", "more of your own lists: user_gazetteer.NAME = FILE"},
    {"dict_de", "German word list that tells common nouns from names"},
    {"dict_de_nouns", "Hunspell dictionaries (.dic) whose capitalised stems add the nouns the German list lacks "
                      "(default: hunspell-de-de's de_DE.dic and de_AT.dic; none: no such file)"},
    {"dict_en", "English word list, likewise"},
    {"given_names", "given names, one a line, that begin a person's name (default: the bundled list)"},
    {"heuristics", "also find names the lists lack (legal forms, roles, said)"},
    {"line_ups", "tag the players of a match report's team sheet as people, and the people and organisations "
                 "only tables name: an appendix after a dated sign-off, fixtures (default false)"},
    {"weight", "weight of a gazetteer hit (default 1.0)"},
    {"heuristic_weight", "weight of a heuristic find (default 0.6)"},
    {"languages", "whose matchers are built at start (default: de, en; none: at each language's first article)"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "entities",
    .description = "tags organisations, people, places and products (gazetteer + cues)",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = entities_init,
    .process = entities_process,
    .fini = entities_fini,
    .config_keys = entities_keys,
);
