/*
 * The article's metadata, from the most to the least deliberate source:
 *   1. JSON-LD NewsArticle/Article (html_jsonld.c);
 *   2. OpenGraph and article: <meta property>;
 *   3. other <meta name> (author, date, dc.*, ...);
 *   4. <time datetime>;
 *   5. <title>, without the site name;
 *   6. the first <h1>.
 * One walk over the whole page collects every source; each field then
 * takes the first source that gives a usable value.  A date that cannot
 * be read or lies in the future counts as not given, so the next source
 * is asked.  Script text is never searched for dates: only JSON-LD, which
 * is metadata, is read from scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/tree.h>

#include "html_internal.h"
#include "libxml_load.h"

enum slot {
    S_OG_TITLE, S_META_TITLE, S_OG_AUTHOR, S_META_AUTHOR, S_OG_DATE, S_META_DATE,
    S_OG_URL, S_CANONICAL, S_OG_LOCALE, S_META_LANG, S_HTML_LANG, S_OG_SITE,
    S_TITLE, S_H1, S_TIME, S_N
};

struct names {
    const char *name;
    enum slot slot;
};

/* <meta property|name|itemprop=...> keys, compared case-insensitively. */
static const struct names meta_names[] = {
    {"og:title", S_OG_TITLE},
    {"twitter:title", S_META_TITLE}, {"dc.title", S_META_TITLE}, {"dcterms.title", S_META_TITLE},
    {"headline", S_META_TITLE},
    {"article:author", S_OG_AUTHOR}, {"og:article:author", S_OG_AUTHOR},
    {"author", S_META_AUTHOR}, {"dc.creator", S_META_AUTHOR}, {"dcterms.creator", S_META_AUTHOR},
    {"byl", S_META_AUTHOR}, {"parsely-author", S_META_AUTHOR}, {"sailthru.author", S_META_AUTHOR},
    {"article:published_time", S_OG_DATE}, {"og:article:published_time", S_OG_DATE},
    {"article:published", S_OG_DATE}, {"og:published_time", S_OG_DATE},
    {"datepublished", S_META_DATE}, {"date", S_META_DATE}, {"pubdate", S_META_DATE},
    {"publishdate", S_META_DATE}, {"publish-date", S_META_DATE}, {"publish_date", S_META_DATE},
    {"dc.date", S_META_DATE}, {"dc.date.issued", S_META_DATE}, {"dcterms.date", S_META_DATE},
    {"dcterms.issued", S_META_DATE}, {"dcterms.created", S_META_DATE},
    {"citation_publication_date", S_META_DATE}, {"parsely-pub-date", S_META_DATE},
    {"sailthru.date", S_META_DATE}, {"article.published", S_META_DATE},
    {"published_time", S_META_DATE}, {"date.available", S_META_DATE},
    {"og:url", S_OG_URL},
    {"og:locale", S_OG_LOCALE},
    {"language", S_META_LANG}, {"dc.language", S_META_LANG}, {"content-language", S_META_LANG},
    {"dcterms.language", S_META_LANG}, {"inlanguage", S_META_LANG},
    {"og:site_name", S_OG_SITE},
};

/* Headlines looked at to refine the title. */
#define MAX_H1 8

struct collect {
    const xmlChar *slot[S_N];
    xmlNodePtr h1[MAX_H1];
    size_t n_h1;
    xmlNodePtr scope;           /* <time> counts only inside it */
    xmlNodePtr headline;        /* the first <h1> inside scope */
    xmlNodePtr first_h2;        /* the first <h2> inside scope */
    char *text[S_N];            /* malloc'd text of <title> and <h1> */
    struct html_meta *m;
    long long now;
    int oom;
};

/* Levels looked up for an ancestor. */
#define ANCESTOR_SEARCH 64
/* The article around its text block: a few levels up (header and byline
 * are beside the text, not in it). */
#define SCOPE_LEVELS 3

static int is_within(xmlNodePtr n, xmlNodePtr anc)
{
    for (int i = 0; n && anc && i < ANCESTOR_SEARCH; i++, n = n->parent)
        if (n == anc)
            return 1;
    return 0;
}

static xmlNodePtr scope_of(struct html_tree *t, xmlNodePtr block)
{
    if (!block)
        return t->body;
    for (int i = 0; i < SCOPE_LEVELS && block != t->body && block->parent &&
                    block->parent->type == XML_ELEMENT_NODE;
         i++)
        block = block->parent;
    return block;
}


static void take(struct collect *c, enum slot s, const char *v)
{
    if (!c->slot[s] && !c->text[s] && v && *v)
        c->slot[s] = (const xmlChar *)v;
}

static int is_ldjson(xmlNodePtr n)
{
    const char *type = html__attr(n, "type");
    return type && strcasecmp(type, "application/ld+json") == 0;
}

static void meta_tag(struct collect *c, xmlNodePtr n)
{
    const char *content = html__attr(n, "content");
    if (!content)
        return;
    static const char *const keys[] = {"property", "name", "itemprop", "http-equiv"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const char *key = html__attr(n, keys[k]);
        if (!key)
            continue;
        for (size_t i = 0; i < sizeof meta_names / sizeof *meta_names; i++)
            if (strcasecmp(key, meta_names[i].name) == 0)
                take(c, meta_names[i].slot, content);
        if (strcasecmp(key, "og:type") == 0 && strncasecmp(content, "article", 7) == 0)
            c->m->is_article = 1;
    }
}

static int collect_enter(xmlNodePtr n, void *ctx)
{
    struct collect *c = ctx;
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    const char *tag = html__tag(n);
    if (strcmp(tag, "script") == 0) {
        if (is_ldjson(n)) {
            xmlChar *json = libxml_loaded()->node_content(n);
            if (json && html__jsonld((const char *)json, c->m, c->now) < 0)
                c->oom = 1;
            libxml_loaded()->free(json);
        }
        return 0;
    }
    if (strcmp(tag, "style") == 0 || strcmp(tag, "noscript") == 0 || strcmp(tag, "template") == 0)
        return 0;
    if (strcmp(tag, "h1") == 0 && !c->headline && is_within(n, c->scope) && !html__in_navigation(n))
        c->headline = n;
    if (strcmp(tag, "h2") == 0 && !c->first_h2 && is_within(n, c->scope))
        c->first_h2 = n;
    if (strcmp(tag, "meta") == 0) {
        meta_tag(c, n);
    } else if (strcmp(tag, "html") == 0) {
        take(c, S_HTML_LANG, html__attr(n, "lang"));
        take(c, S_HTML_LANG, html__attr(n, "xml:lang"));
    } else if (strcmp(tag, "link") == 0) {
        const char *rel = html__attr(n, "rel");
        if (rel && strcasecmp(rel, "canonical") == 0)
            take(c, S_CANONICAL, html__attr(n, "href"));
    } else if ((strcmp(tag, "title") == 0 && !c->text[S_TITLE] &&
                (!n->parent || strcmp(html__tag(n->parent), "svg") != 0)) ||
               (strcmp(tag, "h1") == 0 && !c->text[S_H1])) {
        if (tag[0] == 'h' && c->n_h1 < MAX_H1)
            c->h1[c->n_h1++] = n;
        enum slot s = tag[0] == 't' ? S_TITLE : S_H1;
        xmlChar *text = libxml_loaded()->node_content(n);
        if (text && *text) {
            c->text[s] = strdup((const char *)text);
            if (!c->text[s])
                c->oom = 1;
        }
        libxml_loaded()->free(text);
        return 0;
    } else if (strcmp(tag, "h1") == 0 && c->n_h1 < MAX_H1) {
        c->h1[c->n_h1++] = n;
        return 0;
    } else if (strcmp(tag, "time") == 0) {
        const char *prop = html__attr(n, "itemprop");
        const char *dt = html__attr(n, "datetime");
        if (prop && strcasecmp(prop, "datePublished") == 0)
            take(c, S_META_DATE, dt);
        if (is_within(n, c->scope))
            take(c, S_TIME, dt);
    } else if (html__attr(n, "itemprop")) {
        /* itemprop on an element other than meta: <span itemprop="author">. */
        const char *prop = html__attr(n, "itemprop");
        const char *content = html__attr(n, "content");
        if (content && strcasecmp(prop, "datePublished") == 0)
            take(c, S_META_DATE, content);
    }
    return 1;
}

/* ---- cleaning ---------------------------------------------------------- */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends the UTF-8 of cp at o; returns the bytes written. */
static size_t put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * A character reference left in a value that was escaped twice
 * ("Sorge &#8211; Finanzdaten" in og:title): its length at s and the code
 * point, or 0.  A reference never takes more bytes than its UTF-8.
 */
static size_t char_ref(const char *s, unsigned long *cp)
{
    static const struct { const char *name; unsigned long cp; } named[] = {
        {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&lt;", '<'}, {"&gt;", '>'},
        {"&nbsp;", 0xA0},
    };
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (strncmp(s, named[i].name, strlen(named[i].name)) == 0) {
            *cp = named[i].cp;
            return strlen(named[i].name);
        }
    if (s[0] != '&' || s[1] != '#')
        return 0;
    int hex = s[2] == 'x' || s[2] == 'X';
    char *end;
    unsigned long v = strtoul(s + 2 + hex, &end, hex ? 16 : 10);
    if (end == s + 2 + hex || *end != ';' || v == 0 || v > 0x10FFFF ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return (size_t)(end - s) + 1;
}

/* One line, white space collapsed, character references left over from
 * double escaping decoded.  malloc'd. */
char *html__one_line(const char *s)
{
    char *out = malloc(strlen(s) + 1);
    if (!out)
        return NULL;
    size_t w = 0;
    int space = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (is_space(*p) || (*p == 0xC2 && p[1] == 0xA0)) {
            if (*p == 0xC2)
                p++;
            space = 1;
            continue;
        }
        if (space && w)
            out[w++] = ' ';
        space = 0;
        unsigned long cp;
        size_t ref = *p == '&' ? char_ref((const char *)p, &cp) : 0;
        if (ref) {
            if (cp == 0xA0) {
                space = 1;
            } else {
                w += put_utf8(out + w, cp);
            }
            p += ref - 1;
            continue;
        }
        out[w++] = (char)*p;
    }
    out[w] = '\0';
    return out;
}

static const char *const separators[] = {
    " | ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00B7 ", " \u00BB ", " // ",
};

/* Whether a title segment is the site's name (or its domain). */
static int is_site(const char *seg, size_t len, const char *site)
{
    if (!site || !*site)
        return 0;
    size_t sl = strlen(site);
    if (len == sl && strncasecmp(seg, site, len) == 0)
        return 1;
    /* "ZEIT ONLINE" for "zeit.de", "SPIEGEL" in "DER SPIEGEL" */
    return len >= 3 && sl >= 3 && (strncasecmp(seg, site, len < sl ? len : sl) == 0);
}

/*
 * A <title> without the site name: "Headline | Site", "Site - Headline".
 * With guess set (a <title>, which almost always names the site), the last
 * segment is dropped when it is much shorter than the rest (a name, not a
 * part of the headline).  Takes t.
 */
static char *clean_title(char *t, const char *site, int guess)
{
    for (int round = 0; round < 3; round++) {
        size_t len = strlen(t);
        size_t best_at = 0, best_sep = 0;
        for (size_t k = 0; k < sizeof separators / sizeof *separators; k++) {
            const char *last = NULL;
            for (const char *p = strstr(t, separators[k]); p; p = strstr(p + 1, separators[k]))
                last = p;
            if (last && (size_t)(last - t) > best_at) {
                best_at = (size_t)(last - t);
                best_sep = strlen(separators[k]);
            }
        }
        if (!best_at)
            break;
        const char *tail = t + best_at + best_sep;
        size_t tail_len = len - best_at - best_sep;
        /* After a bar the site's name is the rule; after a dash, which
         * headlines use too, only a short tail is a name. */
        int bar = best_sep == 3 && t[best_at + 1] == '|';
        if (is_site(tail, tail_len, site) ||
            (guess && tail_len <= 40 && (bar ? tail_len <= best_at : tail_len * 3 < best_at))) {
            t[best_at] = '\0';
            continue;
        }
        /* "Site | Headline" */
        const char *first_sep = NULL;
        size_t fs_len = 0;
        for (size_t k = 0; k < sizeof separators / sizeof *separators; k++) {
            const char *p = strstr(t, separators[k]);
            if (p && (!first_sep || p < first_sep)) {
                first_sep = p;
                fs_len = strlen(separators[k]);
            }
        }
        if (first_sep && is_site(t, (size_t)(first_sep - t), site)) {
            memmove(t, first_sep + fs_len, strlen(first_sep + fs_len) + 1);
            continue;
        }
        break;
    }
    return t;
}

/* "de-DE", "de_DE", "DE", "deu"? -> "de"; NULL for what is no language. */
static char *lang_code(const char *s)
{
    while (is_space((unsigned char)*s))
        s++;
    size_t n = 0;
    while (((s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z'))
        n++;
    if (n != 2 || (s[n] && s[n] != '-' && s[n] != '_' && !is_space((unsigned char)s[n]) &&
                   s[n] != ','))
        return NULL;
    char *out = malloc(3);
    if (!out)
        return NULL;
    out[0] = (char)(s[0] | 0x20);
    out[1] = (char)(s[1] | 0x20);
    out[2] = '\0';
    return out;
}

static int looks_like_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0 || s[0] == '/';
}

/* "By Jane Doe" -> "Jane Doe"; "Von Max Muster" -> "Max Muster". */
static char *clean_author(const char *s)
{
    char *a = html__one_line(s);
    if (!a)
        return NULL;
    static const char *const by[] = {"By ", "by ", "BY ", "Von ", "von ", "VON "};
    for (size_t i = 0; i < sizeof by / sizeof *by; i++)
        if (strncmp(a, by[i], strlen(by[i])) == 0) {
            memmove(a, a + strlen(by[i]), strlen(a + strlen(by[i])) + 1);
            break;
        }
    return a;
}

/* ---- choosing ----------------------------------------------------------- */

static int pick_text(char **field, const char *v, char *(*clean)(const char *))
{
    if (*field || !v)
        return 0;
    char *s = clean(v);
    if (!s)
        return -1;
    if (!*s) {
        free(s);
        return 0;
    }
    *field = s;
    return 0;
}

int html__meta(struct html_tree *t, xmlNodePtr block, struct html_meta *m)
{
    memset(m, 0, sizeof *m);
    struct collect c = {.m = m, .now = (long long)time(NULL), .scope = scope_of(t, block)};
    html__walk(t->root, collect_enter, NULL, &c);
    int rc = c.oom ? -1 : 0;
    const char *const *v = (const char *const *)c.slot;

    /* JSON-LD filled m first; every value it gave is raw text. */
    char *tmp;
    if (m->title) {
        tmp = html__one_line(m->title);
        free(m->title);
        m->title = tmp;
        if (!tmp)
            rc = -1;
    }
    if (rc == 0 && m->author) {
        tmp = clean_author(m->author);
        free(m->author);
        m->author = tmp;
        if (!tmp)
            rc = -1;
    }
    if (rc == 0 && m->lang) {
        tmp = lang_code(m->lang);
        free(m->lang);
        m->lang = tmp;
    }

    if (rc == 0) {
        /* Not application-name: many sites put the page's title there. */
        if (pick_text(&m->site, v[S_OG_SITE], html__one_line) < 0)
            rc = -1;
    }
    static const struct { enum slot s; const char *from; } titles[] = {
        {S_OG_TITLE, "og:title"}, {S_META_TITLE, "<meta> title"}, {S_TITLE, "<title>"},
        {S_H1, "<h1>"},
    };
    for (size_t i = 0; rc == 0 && !m->title && i < sizeof titles / sizeof *titles; i++) {
        const char *src = v[titles[i].s] ? v[titles[i].s] : c.text[titles[i].s];
        if (pick_text(&m->title, src, html__one_line) < 0)
            rc = -1;
        else if (m->title)
            m->title_from = titles[i].from;
    }
    if (rc == 0 && m->title && m->title_from && strcmp(m->title_from, "<h1>") != 0)
        m->title = clean_title(m->title, m->site, strcmp(m->title_from, "<title>") == 0);
    /* The article's visible headline: the <h1> in the article, or else an
     * <h1> that says the title (a page's h1 may also be its logo), or else,
     * on a page whose only <h1> is a breadcrumb's or a menu's, the
     * article's first <h2>. */
    xmlNodePtr head = c.headline;
    if (rc == 0 && !head && m->title && html__headline_of_title(m->title, c.h1, c.n_h1, &head) < 0)
        rc = -1;
    if (!head && !html__has_plain_h1(c.h1, c.n_h1))
        head = c.first_h2;
    /* An <h2> headline splits into kicker and headline like an <h1>. */
    if (head && strcmp(html__tag(head), "h2") == 0 && c.n_h1 < MAX_H1)
        c.h1[c.n_h1++] = head;
    if (rc == 0 && m->title) {
        int oom = 0;
        char *better = html__refine_title(m->title, c.h1, c.n_h1, &oom);
        if (oom)
            rc = -1;
        if (better) {
            free(m->title);
            m->title = better;
            m->title_from = "headline found in the title";
        }
    }
    if (rc == 0 && !head && m->title && html__headline_of_title(m->title, c.h1, c.n_h1, &head) < 0)
        rc = -1;
    /* An <h2> taken because the only <h1> is navigation is a guess: it
     * may split the title into kicker and headline above, but it does not
     * replace the publisher's wording of the title with its own. */
    if (rc == 0 && m->title && head && strcmp(html__tag(head), "h2") != 0) {
        int oom = 0;
        char *seen = html__visible_headline(m->title, head, &oom);
        if (oom)
            rc = -1;
        if (seen) {
            free(m->title);
            m->title = seen;
            m->title_from = "the visible headline";
        }
    }

    static const struct { enum slot s; const char *from; } authors[] = {
        {S_OG_AUTHOR, "article:author"}, {S_META_AUTHOR, "<meta name=author>"},
    };
    for (size_t i = 0; rc == 0 && !m->author && i < sizeof authors / sizeof *authors; i++) {
        const char *a = v[authors[i].s];
        if (!a || looks_like_url(a))
            continue;
        if (pick_text(&m->author, a, clean_author) < 0)
            rc = -1;
        else if (m->author)
            m->author_from = authors[i].from;
    }

    static const struct { enum slot s; const char *from; } dates[] = {
        {S_OG_DATE, "article:published_time"}, {S_META_DATE, "<meta> date"},
        {S_TIME, "<time datetime>"},
    };
    for (size_t i = 0; rc == 0 && !m->published && i < sizeof dates / sizeof *dates; i++) {
        if (!v[dates[i].s])
            continue;
        m->published = html__iso_date(v[dates[i].s], c.now);
        if (m->published)
            m->published_from = dates[i].from;
    }

    /* A page's date sources disagree when one is the last change (or the
     * print edition): the article appeared on the earliest day it states
     * for itself.  The date shown under its headline is one of them. */
    if (rc == 0 && head) {
        int oom = 0;
        char *shown = html__header_date(head, c.now, &oom);
        if (oom)
            rc = -1;
        if (shown && (!m->published || strncmp(shown, m->published, 10) < 0)) {
            free(m->published);
            m->published = shown;
            m->published_from = "the date under the headline";
        } else {
            free(shown);
        }
    }

    if (rc == 0 && (pick_text(&m->url, v[S_OG_URL], html__one_line) < 0 ||
                    pick_text(&m->url, v[S_CANONICAL], html__one_line) < 0))
        rc = -1;
    static const enum slot langs[] = {S_OG_LOCALE, S_META_LANG, S_HTML_LANG};
    for (size_t i = 0; rc == 0 && !m->lang && i < sizeof langs / sizeof *langs; i++)
        if (v[langs[i]])
            m->lang = lang_code(v[langs[i]]);

    for (int s = 0; s < S_N; s++)
        free(c.text[s]);
    return rc;
}

void html__meta_clear(struct html_meta *m)
{
    free(m->title);
    free(m->author);
    free(m->published);
    free(m->url);
    free(m->lang);
    free(m->site);
    free(m->body);
    memset(m, 0, sizeof *m);
}

/* ---- dates ------------------------------------------------------------- */

static const char *const months[] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
};
static const char *const monate[] = {
    "jan", "feb", "mär", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "dez",
};

static int month_of(const char *s)
{
    for (int i = 0; i < 12; i++)
        if (strncasecmp(s, months[i], 3) == 0 || strncasecmp(s, monate[i], strlen(monate[i])) == 0)
            return i + 1;
    return 0;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

char *html__iso_date(const char *s, long long now)
{
    while (is_space((unsigned char)*s))
        s++;
    int y = 0, mo = 0, d = 0, h = -1, mi = 0, sec = 0;
    int tz_set = 0, tz_min = 0;
    const char *p = s;
    if (digits(p, 4, &y) && (p[4] == '-' || p[4] == '/') && digits(p + 5, 2, &mo) &&
        p[7] == p[4] && digits(p + 8, 2, &d)) {
        p += 10;
    } else if (digits(p, 8, &y) && (p[8] == '\0' || p[8] == 'T')) {
        mo = (y / 100) % 100;
        d = y % 100;
        y /= 10000;
        p += 8;
    } else if (digits(p, 2, &d) && p[2] == '.' && digits(p + 3, 2, &mo) && p[5] == '.' &&
               digits(p + 6, 4, &y)) {
        p += 10;
    } else {
        /* "Sat, 19 Oct 2019 10:00:00 +0000", "19 October 2019",
         * "October 19, 2019", "19. Oktober 2019" */
        char word[16] = "";
        int a = 0, b = 0;
        const char *q = p;
        if (strlen(q) > 5 && q[3] == ',')
            q += 5;
        if (sscanf(q, "%d. %15s %d", &a, word, &b) == 3 ||
            sscanf(q, "%d %15s %d", &a, word, &b) == 3) {
            d = a;
            y = b;
            mo = month_of(word);
        } else if (sscanf(q, "%15s %d, %d", word, &a, &b) == 3) {
            d = a;
            y = b;
            mo = month_of(word);
        }
        p = "";
    }
    if (y < 1990 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return NULL;
    if (*p == 'T' || *p == ' ') {
        int hh, mm;
        if (digits(p + 1, 2, &hh) && p[3] == ':' && digits(p + 4, 2, &mm)) {
            h = hh;
            mi = mm;
            p += 6;
            if (*p == ':' && digits(p + 1, 2, &sec))
                p += 3;
            if (*p == '.')
                for (p++; *p >= '0' && *p <= '9'; p++)
                    ;
            int th, tm = 0;
            if (*p == 'Z') {
                tz_set = 1;
            } else if ((*p == '+' || *p == '-') && digits(p + 1, 2, &th)) {
                if (p[3] == ':')
                    digits(p + 4, 2, &tm);
                else
                    digits(p + 3, 2, &tm);
                tz_set = 1;
                tz_min = (th * 60 + tm) * (*p == '-' ? -1 : 1);
            }
        }
        if (h > 23 || mi > 59 || sec > 60)
            return NULL;
    }
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h < 0 ? 0 : h, .tm_min = mi, .tm_sec = sec};
    long long when = (long long)timegm(&tm) - (long long)tz_min * 60;
    /* Without a zone the day may have begun up to 14 hours before UTC's. */
    if (when > now + (tz_set ? 0 : 14 * 3600))
        return NULL;
    char *out = NULL;
    int rc;
    if (h < 0)
        rc = asprintf(&out, "%04d-%02d-%02d", y, mo, d);
    else if (!tz_set)
        rc = asprintf(&out, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, sec);
    else if (tz_min == 0)
        rc = asprintf(&out, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, sec);
    else
        rc = asprintf(&out, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo, d, h, mi, sec,
                      tz_min < 0 ? '-' : '+', abs(tz_min) / 60, abs(tz_min) % 60);
    return rc < 0 ? NULL : out;
}
