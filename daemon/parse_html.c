/*
 * HTML articles: the page to UTF-8 (html_charset.c), parsed by libxml2
 * (html_tree.c), its metadata (html_meta.c) and its main text
 * (html_extract.c), then normalised like every other format.
 *
 * A page without an article (an index page, a login wall, a page whose
 * main text is a few words) is an error: archiving its menus as an article
 * would be worse than saying so.  A page whose text is only in its JSON-LD
 * articleBody (a script-rendered page) is an article.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_internal.h"
#include "parse_internal.h"
#include "text.h"

/* Less main text than this (visible characters) is no article. */
#define HTML_MIN_ARTICLE_CHARS 150
/* A main block with more link text than this is a list of links. */
#define HTML_MAX_LINK_DENSITY 0.5
/* A main block holding this many <article>s is a list of teasers. */
#define HTML_MAX_TEASERS 4

/* NFC, then norm; NULL in, NULL out.  *ok cleared when out of memory. */
static char *finish(const char *s, char *(*norm)(const char *), int *ok)
{
    if (!s)
        return NULL;
    char *nfc = text_to_utf8_nfc((const unsigned char *)s, strlen(s), NULL, NULL);
    char *out = nfc ? norm(nfc) : NULL;
    free(nfc);
    if (!out) {
        /* text_to_utf8_nfc refuses only what the HTML parser never makes
         * (invalid UTF-8, NUL); out of memory is what is left. */
        *ok = 0;
        return NULL;
    }
    if (!*out) {
        free(out);
        return NULL;
    }
    return out;
}

int parse__html(const unsigned char *bytes, size_t len, struct parsed_article *out, char **err)
{
    size_t ulen = 0;
    const char *encoding = NULL, *how = NULL;
    char *utf8 = html__to_utf8(bytes, len, &ulen, &encoding, &how, err);
    if (!utf8)
        return -1;
    struct html_tree t;
    int rc = html__tree_build(&t, utf8, ulen, err);
    free(utf8);
    if (rc < 0)
        return -1;

    struct html_meta m;
    struct html_extraction x = {0};
    memset(&m, 0, sizeof m);
    if (html__extract(&t, &x) < 0 || html__meta(&t, x.block, &m) < 0) {
        free(x.text);
        free(x.explain);
        html__meta_clear(&m);
        html__tree_free(&t);
        return parse__fail(err, "out of memory");
    }
    html__tree_free(&t);

    const char *text = x.text;
    const char *source = "the page";
    if (x.chars < HTML_MIN_ARTICLE_CHARS && m.body &&
        html__count_chars(m.body, NULL) >= HTML_MIN_ARTICLE_CHARS) {
        text = m.body;
        source = "JSON-LD articleBody (the page's own text is too short)";
    } else if (x.chars < HTML_MIN_ARTICLE_CHARS) {
        rc = parse__fail(err, "no article in the page: its main text is %zu characters "
                         "(fewer than %d: an index page, a login wall or an empty page?); %s",
                         x.chars, HTML_MIN_ARTICLE_CHARS, x.explain);
    } else if (x.teasers >= HTML_MAX_TEASERS && !m.is_article) {
        rc = parse__fail(err, "no article in the page: its main block is a list of %zu "
                         "<article> teasers (an index page?); %s", x.teasers, x.explain);
    } else if (x.link_density > HTML_MAX_LINK_DENSITY) {
        rc = parse__fail(err, "no article in the page: its main block is mostly links "
                         "(link density %.2f: an index page?); %s", x.link_density, x.explain);
    }

    struct parsed_article a = {0};
    int ok = 1;
    if (rc == 0) {
        a.body = finish(text, parse__normalise_body, &ok);
        a.title = finish(m.title, parse__normalise_title, &ok);
        a.author = finish(m.author, parse__normalise_line, &ok);
        a.published = finish(m.published, parse__normalise_line, &ok);
        a.url = finish(m.url, parse__normalise_line, &ok);
        a.lang = finish(m.lang, parse__normalise_line, &ok);
        a.site = finish(m.site, parse__normalise_line, &ok);
        if (ok && !a.title && a.body && !(a.title = parse__title_from_body(a.body)))
            ok = 0;
        if (ok && asprintf(&a.extraction,
                           "html: charset %s from %s; text from %s: %s; title from %s, "
                           "author from %s, date from %s",
                           encoding, how, source, x.explain,
                           m.title_from ? m.title_from : "the first sentence",
                           m.author_from ? m.author_from : "nowhere",
                           m.published_from ? m.published_from : "nowhere") < 0) {
            a.extraction = NULL;
            ok = 0;
        }
        if (!ok)
            rc = parse__fail(err, "out of memory");
        else if (!a.body)
            rc = parse__fail(err, "no article in the page: no text is left of it");
    }
    free(x.text);
    free(x.explain);
    html__meta_clear(&m);
    if (rc != 0) {
        parsed_article_clear(&a);
        return -1;
    }
    a.format = "html";
    a.encoding = encoding;
    *out = a;
    return 0;
}
