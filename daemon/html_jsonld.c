/*
 * schema.org metadata in <script type="application/ld+json">: the first
 * choice for every field, because a publisher writes it for machines.
 *
 * A script holds an object, an array of objects, or an object with an
 * "@graph" array; the article is the object whose @type is one of the
 * article types.  Values come in several shapes: an author is a string, a
 * Person {"name": ...} or a list of either; a url may be given as
 * mainEntityOfPage {"@id": ...}.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "html_internal.h"

static const char *const article_types[] = {
    "Article", "NewsArticle", "BlogPosting", "ReportageNews", "AnalysisNewsArticle",
    "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "Report",
    "LiveBlogPosting", "TechArticle", "ScholarlyArticle", "SatiricalArticle",
    "AskPublicNewsArticle", "Posting", "SocialMediaPosting",
};

static int type_is(const json_t *type, const char *const *names, size_t n)
{
    if (json_is_array(type)) {
        size_t i;
        const json_t *v;
        json_array_foreach(type, i, v)
            if (type_is(v, names, n))
                return 1;
        return 0;
    }
    const char *s = json_string_value(type);
    if (!s)
        return 0;
    /* "http://schema.org/NewsArticle" says the same as "NewsArticle". */
    const char *slash = strrchr(s, '/');
    if (slash)
        s = slash + 1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return 1;
    return 0;
}

static int is_article(const json_t *o)
{
    return type_is(json_object_get(o, "@type"), article_types,
                   sizeof article_types / sizeof *article_types);
}

/* A string, or the "name" (or "@id") of an object. */
static const char *name_of(const json_t *v, const char *key)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_object(v))
        return json_string_value(json_object_get(v, key));
    return NULL;
}

static int set(char **field, const char *value)
{
    if (*field || !value)
        return 0;
    while (*value == ' ' || *value == '\n' || *value == '\t')
        value++;
    if (!*value)
        return 0;
    *field = strdup(value);
    return *field ? 0 : -1;
}

/* Authors joined with ", ". */
static int set_author(char **field, const json_t *v)
{
    if (*field || !v)
        return 0;
    if (!json_is_array(v))
        return set(field, name_of(v, "name"));
    size_t cap = 1, i;
    const json_t *a;
    json_array_foreach(v, i, a) {
        const char *n = name_of(a, "name");
        if (n)
            cap += strlen(n) + 2;
    }
    char *out = malloc(cap);
    if (!out)
        return -1;
    size_t w = 0;
    json_array_foreach(v, i, a) {
        const char *n = name_of(a, "name");
        if (!n || !*n)
            continue;
        if (w) {
            memcpy(out + w, ", ", 2);
            w += 2;
        }
        memcpy(out + w, n, strlen(n));
        w += strlen(n);
    }
    out[w] = '\0';
    if (!w) {
        free(out);
        return 0;
    }
    *field = out;
    return 0;
}

static int fill_article(const json_t *o, struct html_meta *m, long long now)
{
    m->is_article = 1;
    const char *headline = name_of(json_object_get(o, "headline"), "name");
    if (!headline)
        headline = json_string_value(json_object_get(o, "name"));
    if (!m->title && headline) {
        if (set(&m->title, headline) < 0)
            return -1;
        m->title_from = "JSON-LD headline";
    }
    if (!m->author && json_object_get(o, "author")) {
        if (set_author(&m->author, json_object_get(o, "author")) < 0)
            return -1;
        if (m->author)
            m->author_from = "JSON-LD author";
    }
    const char *date = json_string_value(json_object_get(o, "datePublished"));
    if (!m->published && date) {
        m->published = html__iso_date(date, now);
        if (m->published)
            m->published_from = "JSON-LD datePublished";
    }
    const json_t *lang = json_object_get(o, "inLanguage");
    const char *code = json_is_object(lang) ? name_of(lang, "alternateName") : name_of(lang, "name");
    if (set(&m->lang, code) < 0)
        return -1;
    if (set(&m->url, json_string_value(json_object_get(o, "url"))) < 0 ||
        set(&m->url, name_of(json_object_get(o, "mainEntityOfPage"), "@id")) < 0)
        return -1;
    if (set(&m->site, name_of(json_object_get(o, "publisher"), "name")) < 0)
        return -1;
    if (set(&m->body, json_string_value(json_object_get(o, "articleBody"))) < 0)
        return -1;
    return 0;
}

static int visit(const json_t *v, struct html_meta *m, long long now, int depth)
{
    if (depth > 4)
        return 0;
    if (json_is_array(v)) {
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e)
            if (visit(e, m, now, depth + 1) < 0)
                return -1;
        return 0;
    }
    if (!json_is_object(v))
        return 0;
    if (is_article(v) && fill_article(v, m, now) < 0)
        return -1;
    static const char *const website[] = {"WebSite", "NewsMediaOrganization"};
    if (type_is(json_object_get(v, "@type"), website, 2) &&
        set(&m->site, json_string_value(json_object_get(v, "name"))) < 0)
        return -1;
    const json_t *graph = json_object_get(v, "@graph");
    if (graph && visit(graph, m, now, depth + 1) < 0)
        return -1;
    /* A WebPage whose mainEntity is the article. */
    const json_t *main = json_object_get(v, "mainEntity");
    if (json_is_object(main) && visit(main, m, now, depth + 1) < 0)
        return -1;
    return 0;
}

int html__jsonld(const char *script, struct html_meta *m, long long now)
{
    json_error_t jerr;
    /* Some CMS write raw line breaks inside strings, which JSON forbids. */
    json_t *root = json_loads(script, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!root) {
        char *fixed = strdup(script);
        if (!fixed)
            return -1;
        for (char *p = fixed; *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t')
                *p = ' ';
        root = json_loads(fixed, JSON_DECODE_ANY, &jerr);
        free(fixed);
        if (!root)
            return 0;
    }
    int rc = visit(root, m, now, 0);
    json_decref(root);
    return rc;
}
