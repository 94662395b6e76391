/*
 * The page as a libxml2 tree with what the extractor needs to know about
 * each element: its visible text, the part of it in links, and the score
 * of the paragraphs below it (readability's content score).
 *
 * Two walks.  The first marks what can never be article text (script,
 * nav, hidden blocks) and counts the text of each element.  The second
 * drops what class and id call boilerplate ("comments", "share", ...)
 * unless the element holds the article after all (an <article>, an
 * article-body name, nearly all of the page's text or of the article
 * around it: sites put "single-newsticker" on the wrapper of everything
 * and "widget-container" inside the post body), and computes the
 * final totals: coming back up, an element's totals go to its parent and
 * a paragraph's score to its parent and grandparent, the containers that
 * compete to be the article.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLtree.h>

#include "html_internal.h"
#include "libxml_load.h"

/* A paragraph shorter than this says nothing about its container. */
#define PARA_MIN_CHARS 25
/* An element with this share of the page's text is a wrapper, whatever
 * its class says. */
#define WRAPPER_SHARE 0.85

const char *html__attr(xmlNodePtr n, const char *name)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return NULL;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (a->name && strcmp((const char *)a->name, name) == 0) {
            if (a->children && a->children->content)
                return (const char *)a->children->content;
            return "";
        }
    }
    return NULL;
}

void html__walk(xmlNodePtr root, int (*enter)(xmlNodePtr, void *),
                void (*leave)(xmlNodePtr, void *), void *ctx)
{
    xmlNodePtr n = root;
    for (;;) {
        if (enter(n, ctx) && n->children) {
            n = n->children;
            continue;
        }
        for (;;) {
            if (leave)
                leave(n, ctx);
            if (n == root)
                return;
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
        }
    }
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t html__count_chars(const char *s, size_t *commas)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (is_space(*p) || (*p & 0xC0) == 0x80)
            continue;
        /* U+00A0 (C2 A0) is white space too. */
        if (*p == 0xC2 && p[1] == 0xA0) {
            p++;
            continue;
        }
        n++;
        if (commas && *p == ',')
            (*commas)++;
    }
    return n;
}

/* ---- the walk ---------------------------------------------------------- */

struct build {
    struct html_tree *t;
    size_t next_info;
    size_t page_text;
    xmlNodePtr last_article_body;
    int link_depth;
    int oom;
};

static int count_enter(xmlNodePtr n, void *ctx)
{
    if (n->type == XML_ELEMENT_NODE)
        (*(size_t *)ctx)++;
    return 1;
}

static void add_candidate(struct build *b, xmlNodePtr n, double score)
{
    struct html_info *in = html__info(n);
    if (!in || (in->flags & HN_JUNK))
        return;
    if (!(in->flags & HN_CANDIDATE)) {
        struct html_tree *t = b->t;
        if (t->n_candidates == t->cap_candidates) {
            size_t cap = t->cap_candidates ? t->cap_candidates * 2 : 64;
            xmlNodePtr *c = realloc(t->candidates, cap * sizeof *c);
            if (!c) {
                b->oom = 1;
                return;
            }
            t->candidates = c;
            t->cap_candidates = cap;
        }
        t->candidates[t->n_candidates++] = n;
        in->flags |= HN_CANDIDATE;
        in->score = html__tag_base_score(html__tag(n)) + in->weight;
    }
    in->score += score;
}

static void count_text(struct build *b, xmlNodePtr n, int final)
{
    struct html_info *p = html__info(n->parent);
    if (!p || !n->content)
        return;
    size_t commas = 0;
    size_t c = html__count_chars((const char *)n->content, &commas);
    if (!final) {
        p->raw += c;
        return;
    }
    p->text += c;
    p->commas += commas;
    if (b->link_depth > 0)
        p->links += c;
}

/* Pass 1: what is junk by its tag or by being hidden; raw text counts. */
static int mark_enter(xmlNodePtr n, void *ctx)
{
    struct build *b = ctx;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        count_text(b, n, 0);
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    struct html_info *in = &b->t->info[b->next_info++];
    memset(in, 0, sizeof *in);
    n->_private = in;

    const char *tag = html__tag(n);
    enum html_kind kind = html__tag_kind(tag);
    int drop = 0;
    in->weight = html__class_weight(n, &drop);
    if (kind == HK_BLOCK)
        in->flags |= HN_BLOCK;
    if (drop)
        in->flags |= HN_CLASS_DROP | (drop == 2 ? HN_ALWAYS_DROP : 0);
    const char *role = html__attr(n, "role");
    if (role && (strcmp(role, "dialog") == 0 || strcmp(role, "alertdialog") == 0))
        in->flags |= HN_CLASS_DROP | HN_ALWAYS_DROP;
    if (strcmp(tag, "article") == 0 || strcmp(tag, "main") == 0 || in->weight >= 50)
        in->flags |= HN_HAS_ARTICLE | HN_ARTICLE;
    int keep = strcmp(tag, "body") == 0 || strcmp(tag, "html") == 0 || in->weight >= 50;
    if (!keep && (kind == HK_DROP || html__is_hidden(n))) {
        in->flags |= HN_JUNK;
        return 0;
    }
    return 1;
}

static void mark_leave(xmlNodePtr n, void *ctx)
{
    (void)ctx;
    struct html_info *in = html__info(n);
    struct html_info *pin = html__info(n->parent);
    if (!in || !pin || (in->flags & HN_JUNK))
        return;
    pin->raw += in->raw;
    pin->flags |= in->flags & HN_HAS_ARTICLE;
}

/* Levels looked up for an ancestor: deeper pages get no answer (0). */
#define ANCESTOR_SEARCH 64

static int is_inside(xmlNodePtr n, xmlNodePtr anc)
{
    for (int i = 0; n && i < ANCESTOR_SEARCH; i++, n = n->parent)
        if (n == anc)
            return 1;
    return 0;
}

/* The nearest element holding both a and b, NULL when far up. */
static xmlNodePtr common_ancestor(xmlNodePtr a, xmlNodePtr b)
{
    for (int i = 0; a && i < ANCESTOR_SEARCH; i++, a = a->parent)
        if (is_inside(b, a))
            return a;
    return NULL;
}

/* Pass 2: boilerplate by class, final totals, paragraph scores. */
static int build_enter(xmlNodePtr n, void *ctx)
{
    struct build *b = ctx;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        count_text(b, n, 1);
        return 0;
    }
    struct html_info *in = html__info(n);
    if (!in || (in->flags & HN_JUNK))
        return 0;
    struct html_info *pin = html__info(n->parent);
    if (pin)
        in->article_raw = (pin->flags & HN_ARTICLE) ? pin->raw : pin->article_raw;
    int holds_article =
        in->article_raw && (double)in->raw >= WRAPPER_SHARE * (double)in->article_raw;
    int wrapper = (in->flags & HN_HAS_ARTICLE) ||
                  (!(in->flags & HN_ALWAYS_DROP) &&
                   (holds_article || (double)in->raw >= WRAPPER_SHARE * (double)b->page_text));
    if ((in->flags & HN_CLASS_DROP) && !wrapper) {
        in->flags |= HN_JUNK;
        return 0;
    }
    /* Going down, the first articleBody met is the outermost. */
    if (in->weight >= 50 && html__attr(n, "itemprop")) {
        if (!b->t->article_body)
            b->t->article_body = n;
        else if (!is_inside(n, b->t->article_body))
            b->last_article_body = n;
    }
    if (strcmp(html__tag(n), "a") == 0)
        b->link_depth++;
    return 1;
}

/* Readability's paragraph score: one point, one per comma, one per 100
 * characters up to three. */
static double paragraph_score(const struct html_info *in)
{
    double s = 1 + (double)in->commas;
    size_t hundreds = in->text / 100;
    return s + (double)(hundreds > 3 ? 3 : hundreds);
}

static void build_leave(xmlNodePtr n, void *ctx)
{
    struct build *b = ctx;
    struct html_info *in = html__info(n);
    if (!in || (in->flags & HN_JUNK))
        return;
    const char *tag = html__tag(n);
    if (strcmp(tag, "a") == 0 && b->link_depth > 0)
        b->link_depth--;

    int para = html__tag_is_paragraph(tag) ||
               ((in->flags & HN_BLOCK) && !(in->flags & HN_HAS_BLOCK) &&
                (strcmp(tag, "div") == 0 || strcmp(tag, "section") == 0));
    if (para && in->text >= PARA_MIN_CHARS) {
        in->paras++;
        double s = paragraph_score(in);
        xmlNodePtr p = n->parent;
        if (p && p->type == XML_ELEMENT_NODE) {
            add_candidate(b, p, s);
            if (p->parent && p->parent->type == XML_ELEMENT_NODE)
                add_candidate(b, p->parent, s / 2);
        }
    }
    struct html_info *pin = html__info(n->parent);
    if (pin) {
        pin->text += in->text;
        pin->links += in->links;
        pin->commas += in->commas;
        pin->paras += in->paras;
        if (in->flags & HN_BLOCK)
            pin->flags |= HN_HAS_BLOCK;
        if (strcmp(tag, "time") == 0) {
            pin->flags |= HN_HAS_TIME;
            pin->time_text += in->text;
        }
    }
}

static xmlNodePtr find_child(xmlNodePtr n, const char *tag)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp(html__tag(c), tag) == 0)
            return c;
    return NULL;
}

int html__tree_build(struct html_tree *t, const char *html, size_t len, char **err)
{
    memset(t, 0, sizeof *t);
    const char *why = NULL;
    const struct libxml *xml = libxml_load(&why);
    if (!xml) {
        *err = strdup(why);
        return -1;
    }
    if (len > INT_MAX) {
        *err = strdup("the page is too large for the HTML parser (2 GB at most)");
        return -1;
    }
    /* XML_PARSE_HUGE lifts libxml2's nesting limit of 256 levels, past
     * which it would stop reading the page; every walk here is iterative
     * and libxml2 frees its tree without recursion, so depth costs no
     * stack.  (The input is bounded by max_article_bytes.) */
    t->doc = xml->read_memory(html, (int)len, NULL, "UTF-8",
                            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                HTML_PARSE_NONET | HTML_PARSE_COMPACT | XML_PARSE_HUGE);
    t->root = t->doc ? xml->root_element(t->doc) : NULL;
    if (!t->root) {
        html__tree_free(t);
        *err = strdup("no HTML elements in the page (the HTML parser found nothing)");
        return -1;
    }
    t->body = find_child(t->root, "body");
    if (!t->body)
        t->body = t->root;

    size_t n = 0;
    html__walk(t->root, count_enter, NULL, &n);
    t->info = calloc(n ? n : 1, sizeof *t->info);
    if (!t->info) {
        html__tree_free(t);
        *err = strdup("out of memory");
        return -1;
    }
    t->n_info = n;
    struct build b = {.t = t};
    html__walk(t->root, mark_enter, mark_leave, &b);
    b.page_text = html__info(t->body)->raw;
    html__walk(t->root, build_enter, build_leave, &b);
    /* Some sites put itemprop=articleBody on every paragraph. */
    if (b.last_article_body) {
        xmlNodePtr c = common_ancestor(t->article_body, b.last_article_body);
        if (c && c->type == XML_ELEMENT_NODE)
            t->article_body = c;
    }
    if (b.oom) {
        html__tree_free(t);
        *err = strdup("out of memory");
        return -1;
    }
    return 0;
}

void html__tree_free(struct html_tree *t)
{
    if (t->doc)
        libxml_loaded()->free_doc(t->doc);
    free(t->info);
    free(t->candidates);
    memset(t, 0, sizeof *t);
}
