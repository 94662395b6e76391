/*
 * What an element's tag, class and id say about it.
 *
 * The class and id words are the ones readability and trafilatura rely
 * on, in English and German.  They are matched as parts of the lower-cased
 * "class id" string, so "article-body", "articleBody" and "c-article__body"
 * all say "article".  Two lists of boilerplate: STRONG names (comments,
 * sharing, cookie banners, related links, teasers) make an element junk
 * unless the same names also say "article body"; WEAK names (footer, meta,
 * sidebar, ...) make it junk only when nothing in them speaks for content.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html_internal.h"

struct tag_kind {
    const char *tag;
    enum html_kind kind;
};

/* Sorted by tag for bsearch.  DROP: never article text (script, form
 * controls, nav, aside, footer, images and their captions); BLOCK: a
 * paragraph ends at its edges; every other tag is inline. */
static const struct tag_kind tags[] = {
    {"address", HK_BLOCK}, {"article", HK_BLOCK}, {"aside", HK_DROP}, {"audio", HK_DROP},
    {"blockquote", HK_BLOCK}, {"body", HK_BLOCK}, {"button", HK_DROP}, {"canvas", HK_DROP},
    {"caption", HK_BLOCK}, {"center", HK_BLOCK}, {"dd", HK_BLOCK}, {"details", HK_BLOCK},
    {"dialog", HK_DROP}, {"div", HK_BLOCK}, {"dl", HK_BLOCK}, {"dt", HK_BLOCK},
    {"embed", HK_DROP}, {"fieldset", HK_BLOCK}, {"figcaption", HK_DROP},
    {"figure", HK_BLOCK}, {"footer", HK_DROP}, {"form", HK_BLOCK}, {"h1", HK_BLOCK},
    {"h2", HK_BLOCK}, {"h3", HK_BLOCK}, {"h4", HK_BLOCK}, {"h5", HK_BLOCK}, {"h6", HK_BLOCK},
    {"head", HK_DROP}, {"header", HK_BLOCK}, {"hr", HK_BLOCK}, {"html", HK_BLOCK},
    {"iframe", HK_DROP}, {"img", HK_DROP}, {"input", HK_DROP}, {"label", HK_DROP},
    {"li", HK_BLOCK}, {"link", HK_DROP}, {"main", HK_BLOCK}, {"map", HK_DROP},
    {"math", HK_DROP}, {"menu", HK_DROP}, {"meta", HK_DROP}, {"nav", HK_DROP},
    {"noscript", HK_DROP}, {"object", HK_DROP}, {"ol", HK_BLOCK}, {"option", HK_DROP},
    {"p", HK_BLOCK}, {"picture", HK_DROP}, {"pre", HK_BLOCK}, {"script", HK_DROP},
    {"section", HK_BLOCK}, {"select", HK_DROP}, {"source", HK_DROP}, {"style", HK_DROP},
    {"summary", HK_BLOCK}, {"svg", HK_DROP}, {"table", HK_BLOCK}, {"tbody", HK_BLOCK},
    {"td", HK_BLOCK}, {"template", HK_DROP}, {"textarea", HK_DROP}, {"tfoot", HK_BLOCK},
    {"th", HK_BLOCK}, {"thead", HK_BLOCK}, {"title", HK_DROP}, {"tr", HK_BLOCK},
    {"ul", HK_BLOCK}, {"video", HK_DROP},
};

static int by_tag(const void *key, const void *entry)
{
    return strcmp(key, ((const struct tag_kind *)entry)->tag);
}

enum html_kind html__tag_kind(const char *tag)
{
    const struct tag_kind *k = bsearch(tag, tags, sizeof tags / sizeof *tags, sizeof *tags, by_tag);
    return k ? k->kind : HK_INLINE;
}

int html__tag_is_paragraph(const char *tag)
{
    static const char *const para[] = {"p", "pre", "td", "blockquote", "li", "dd",
                                       "h2", "h3", "h4", "h5", "h6"};
    for (size_t i = 0; i < sizeof para / sizeof *para; i++)
        if (strcmp(para[i], tag) == 0)
            return 1;
    return 0;
}

double html__tag_base_score(const char *tag)
{
    if (strcmp(tag, "article") == 0)
        return 15;
    if (strcmp(tag, "main") == 0 || strcmp(tag, "div") == 0 || strcmp(tag, "section") == 0)
        return 5;
    if (strcmp(tag, "pre") == 0 || strcmp(tag, "td") == 0 || strcmp(tag, "blockquote") == 0)
        return 3;
    if (strcmp(tag, "form") == 0 || strcmp(tag, "ul") == 0 || strcmp(tag, "ol") == 0 ||
        strcmp(tag, "dl") == 0 || strcmp(tag, "li") == 0)
        return -3;
    if (tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6')
        return -5;
    return 0;
}

/* Names of the article's own text. */
static const char *const positive[] = {
    "article", "artikel", "content", "inhalt", "entry", "post", "story",
    "body", "text", "main", "beitrag", "blog", "hentry", "news", "meldung",
    "richtext", "rich-text", "prose",
};

/* Names that also keep an element whose other names are boilerplate:
 * "article-body comments-open" is the article. */
static const char *const body_names[] = {
    "articlebody", "article-body", "article_body", "article__body",
    "articletext", "article-text", "article_text", "article__text",
    "article-content", "article_content", "articlecontent", "article__content",
    "story-body", "storybody", "story-content", "story__body", "post-content",
    "postcontent", "post-body", "post_body", "entry-content", "entry_content",
    "entry-body", "content-body", "body-text", "bodytext", "text-body",
    "artikeltext", "artikel-text", "articlecontent", "main-content",
};

/* The article's own teaser is its lead: not boilerplate, but no body. */
static const char *const lead_names[] = {
    "artikel-teaser", "article-teaser", "article__teaser", "articleteaser",
};

static const char *const strong[] = {
    "comment", "kommentar", "disqus", "share", "sharing", "social", "teilen",
    "related", "verwandt", "empfehl", "recommend", "teaser", "promo",
    "newsletter", "subscribe", "abonn", "cookie", "consent", "gdpr",
    "banner", "sponsor", "advert", "werbung", "anzeige", "outbrain",
    "taboola", "popup", "modal", "breadcrumb", "pagination", "pager",
    "sidebar", "more-stories", "read-more", "readmore",
    "weiterlesen", "most-popular", "mostpopular", "trending", "toolbar",
    "login", "signup", "sign-up", "author-bio", "authorbio",
    "skip-link", "skiplink", "sr-only", "visually-hidden", "visuallyhidden",
    "screen-reader", "print-only", "follow-us", "tags", "keywords",
    "schlagworte", "byline", "dateline", "timestamp", "caption", "credit",
    "copyright", "rating", "newsticker", "ticker", "you-may-like",
    "also-read", "lesetipp", "mehr-zum-thema", "mehrzumthema", "themen",
    "next-article", "prev-article", "inline-ad", "ad-container", "adslot",
    "ad-slot", "ad-wrapper", "advertisement", "dfp", "masthead", "meta-data",
    "article-meta", "post-meta", "entry-meta", "byline", "author-info",
    "author-box", "authorbox", "about-author", "autorenbox", "autor-info", "metainfo",
    "meta-info", "last-updated", "lastupdated", "notice", "disclaimer", "hinweis",
};

/* Boilerplate that no article is wrapped in, however much text it holds:
 * on a page with little text, a login dialog's messages outweigh it. */
static const char *const always[] = {
    "cookie", "consent", "gdpr", "login", "signup", "sign-up", "dialog", "modal",
    "popup", "newsletter",
};

static const char *const weak[] = {
    "footer", "header", "menu", "navigation", "navbar", "nav-", "-nav",
    "meta", "extra", "supplement", "rss", "print", "email", "mail",
    "community", "shoutbox", "remark", "legend", "agegate", "share",
    "overlay", "aside", "rail", "topics", "more", "links",
};

static int has_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(s, words[i]))
            return 1;
    return 0;
}

/* " ad " and "ads" as whole words: "adblock", "ad-slot"; not "header". */
static int has_ad_word(const char *s)
{
    for (const char *p = s; (p = strstr(p, "ad")); p++) {
        int before = p == s || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9'));
        const char *e = p + 2;
        if (*e == 's')
            e++;
        int after = !((*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9'));
        if (before && after)
            return 1;
    }
    return 0;
}

int html__class_weight(xmlNodePtr n, int *drop)
{
    *drop = 0;
    const char *cls = html__attr(n, "class");
    const char *id = html__attr(n, "id");
    const char *itemprop = html__attr(n, "itemprop");
    if (itemprop && strcasecmp(itemprop, "articleBody") == 0)
        return 50;
    if ((!cls || !*cls) && (!id || !*id))
        return 0;
    char buf[512];
    size_t w = 0;
    for (const char *src = cls; src && *src && w < sizeof buf - 2; src++)
        buf[w++] = (*src >= 'A' && *src <= 'Z') ? (char)(*src - 'A' + 'a') : *src;
    buf[w++] = ' ';
    for (const char *src = id; src && *src && w < sizeof buf - 1; src++)
        buf[w++] = (*src >= 'A' && *src <= 'Z') ? (char)(*src - 'A' + 'a') : *src;
    buf[w] = '\0';

    int pos = has_any(buf, positive, sizeof positive / sizeof *positive);
    int body = has_any(buf, body_names, sizeof body_names / sizeof *body_names);
    int str = has_any(buf, strong, sizeof strong / sizeof *strong) || has_ad_word(buf);
    int wk = has_any(buf, weak, sizeof weak / sizeof *weak);
    int weight = 0;
    if (pos)
        weight += 25;
    if (body)
        weight += 25;
    if (str)
        weight -= 50;
    else if (wk)
        weight -= 25;
    if (has_any(buf, lead_names, sizeof lead_names / sizeof *lead_names))
        return 0;
    if ((str && !body) || (wk && !pos && !body))
        *drop = has_any(buf, always, sizeof always / sizeof *always) ? 2 : 1;
    return weight;
}

int html__is_lead(xmlNodePtr n)
{
    static const char *const lead[] = {
        "intro", "lead", "standfirst", "vorspann", "subtitle", "summary", "abstract",
        "description", "dachzeile", "unterzeile", "teaser",
    };
    const char *attrs[] = {html__attr(n, "class"), html__attr(n, "id"), html__attr(n, "itemprop")};
    for (size_t a = 0; a < 3; a++) {
        if (!attrs[a])
            continue;
        char buf[256];
        size_t w = 0;
        for (const char *p = attrs[a]; *p && w < sizeof buf - 1; p++)
            buf[w++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
        buf[w] = '\0';
        if (has_any(buf, lead, sizeof lead / sizeof *lead))
            return 1;
    }
    return 0;
}

int html__is_hidden(xmlNodePtr n)
{
    if (html__attr(n, "hidden"))
        return 1;
    const char *aria = html__attr(n, "aria-hidden");
    if (aria && strcasecmp(aria, "true") == 0)
        return 1;
    const char *style = html__attr(n, "style");
    if (style) {
        char buf[256];
        size_t w = 0;
        for (const char *s = style; *s && w < sizeof buf - 1; s++)
            if (*s != ' ')
                buf[w++] = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
        buf[w] = '\0';
        if (strstr(buf, "display:none") || strstr(buf, "visibility:hidden"))
            return 1;
    }
    return 0;
}
