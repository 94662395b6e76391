/*
 * Private to the HTML parser (parse_html.c and html_*.c).
 *
 * The work is split by concern:
 *   html_charset.c  bytes to UTF-8: BOM, declared charset, detector;
 *   html_tree.c     libxml2 parse, per-element statistics, junk marking;
 *   html_score.c    what tags and class/id names say about an element;
 *   html_extract.c  the main-content block and its text;
 *   html_meta.c     title, author, date, url, language, site name;
 *   html_jsonld.c   schema.org JSON-LD (NewsArticle, Article, ...);
 *   html_headline.c the visible headline and the date shown under it.
 *
 * Every walk over the tree is iterative (parent/next pointers, no
 * recursion) and touches each node a bounded number of times, so a page of
 * 100,000 nested divs costs what 100,000 sibling divs cost.
 */
#ifndef NEWSD_HTML_INTERNAL_H
#define NEWSD_HTML_INTERNAL_H

#include <stddef.h>

#include <libxml/HTMLparser.h>

/* ---- html_charset.c --------------------------------------------------- */

/*
 * The page as UTF-8 (not yet NFC: only the extracted text is normalised,
 * which is much less work than the whole page).  NUL bytes are dropped and
 * undecodable bytes become U+FFFD.  *encoding is a static canonical name
 * ("utf-8", "windows-1252", "shift_jis", ...), *how says where it came
 * from ("BOM", "<meta charset>", "detector", ...).  NULL with *err set
 * (malloc'd) on failure.
 */
char *html__to_utf8(const unsigned char *bytes, size_t len, size_t *out_len,
                    const char **encoding, const char **how, char **err);

/* ---- html_tree.c ------------------------------------------------------ */

enum {
    HN_JUNK = 1 << 0,       /* skipped with its subtree: script, nav, ... */
    HN_BLOCK = 1 << 1,      /* a block-level element */
    HN_HAS_BLOCK = 1 << 2,  /* has a block-level child that is not junk */
    HN_CANDIDATE = 1 << 3,  /* got paragraph score: in the candidate list */
    HN_CLASS_DROP = 1 << 4, /* class or id say boilerplate */
    HN_HAS_ARTICLE = 1 << 5,/* is or holds <article>, <main> or an article-body name */
    HN_ARTICLE = 1 << 6,    /* is one */
    HN_ALWAYS_DROP = 1 << 7,/* class or id say boilerplate that wraps no article */
    HN_HAS_TIME = 1 << 8,   /* a <time> is a child */
};

/* What the extractor knows about one element (node->_private). */
struct html_info {
    size_t raw;     /* visible characters before class-based junk is dropped */
    size_t article_raw; /* raw of the nearest <article>-like ancestor, 0 if none */
    size_t text;    /* visible characters (not white space) in the subtree */
    size_t links;   /* of which inside <a> */
    size_t commas;
    size_t paras;   /* paragraph-like descendants with text */
    size_t time_text; /* characters in <time> children */
    double score;   /* content score, candidates only */
    int weight;     /* from class and id: > 0 content, < 0 boilerplate */
    unsigned flags;
};

struct html_tree {
    htmlDocPtr doc;
    xmlNodePtr root;              /* <html>, or the document's first element */
    xmlNodePtr body;              /* <body>, or root */
    struct html_info *info;       /* one per element */
    size_t n_info;
    xmlNodePtr *candidates;       /* elements that got paragraph score */
    size_t n_candidates, cap_candidates;
    xmlNodePtr article_body;      /* itemprop=articleBody (the block holding all of them) */
};

/* Parses UTF-8 html; 0, or -1 with *err. */
int html__tree_build(struct html_tree *t, const char *html, size_t len, char **err);
void html__tree_free(struct html_tree *t);

static inline struct html_info *html__info(xmlNodePtr n)
{
    return n && n->type == XML_ELEMENT_NODE ? (struct html_info *)n->_private : NULL;
}

/* Attribute value (owned by libxml2's tree, not to be freed) or NULL:
 * libxml2 stores an HTML attribute's value as one text child. */
const char *html__attr(xmlNodePtr n, const char *name);

/* Lower-case tag name of an element ("" for other nodes). */
static inline const char *html__tag(xmlNodePtr n)
{
    return n && n->type == XML_ELEMENT_NODE && n->name ? (const char *)n->name : "";
}

/*
 * Iterative pre-order walk of root's subtree: enter() is called for every
 * node and says whether to go into its children; leave() (may be NULL) is
 * called after a node's children, or right after enter() when it said no.
 */
void html__walk(xmlNodePtr root, int (*enter)(xmlNodePtr, void *),
                void (*leave)(xmlNodePtr, void *), void *ctx);

/* Characters that are not white space, in UTF-8 text. */
size_t html__count_chars(const char *s, size_t *commas);

/* ---- html_score.c ----------------------------------------------------- */

enum html_kind {
    HK_INLINE,
    HK_BLOCK,
    HK_DROP,     /* never text: script, style, form controls, nav, ... */
};

enum html_kind html__tag_kind(const char *tag);

/* Whether the tag makes a paragraph of its own text (p, pre, td, li, ...). */
int html__tag_is_paragraph(const char *tag);

/* Starting score of a candidate container by its tag. */
double html__tag_base_score(const char *tag);

/*
 * What the class and id say: > 0 for article names ("article-body",
 * "content", "artikel"), < 0 for boilerplate ("comment", "share",
 * "related", "teaser", "cookie", "footer", ...), 0 when they say nothing.
 * *drop is set when the names are boilerplate and nothing in them speaks
 * for content: the element is then junk (1), unless it wraps the article
 * after all, or junk unless it holds an <article> (2: cookie banners, login
 * dialogs: on a page of little text they may hold most of it).
 */
int html__class_weight(xmlNodePtr n, int *drop);

/* Class, id or itemprop name the article's lead ("intro", "lead",
 * "standfirst", "vorspann", "description", ...). */
int html__is_lead(xmlNodePtr n);

/* Hidden by the hidden attribute, aria-hidden or an inline display:none. */
int html__is_hidden(xmlNodePtr n);

/* ---- html_extract.c --------------------------------------------------- */

struct html_extraction {
    char *text;        /* malloc'd, paragraphs separated by blank lines, not NFC */
    char *explain;     /* malloc'd: the chosen block and its score */
    size_t chars;      /* visible characters of the text */
    double link_density;
    xmlNodePtr block;  /* the chosen block (in the tree, not owned) */
    size_t teasers;    /* <article> elements inside the chosen block */
};

/* The main content of the page.  0, or -1 when out of memory. */
int html__extract(struct html_tree *t, struct html_extraction *out);

/* Short description of an element: <div class="x" id="y">. malloc'd. */
char *html__describe(xmlNodePtr n);

/* ---- html_jsonld.c / html_meta.c -------------------------------------- */

struct html_meta {
    /* malloc'd UTF-8 (not NFC), NULL when not found */
    char *title, *author, *published, *url, *lang, *site;
    char *body;                    /* JSON-LD articleBody */
    const char *title_from, *author_from, *published_from; /* static */
    int is_article;                /* JSON-LD or og:type says article */
};

/* Fills the fields of m that are still NULL from one JSON-LD script (its
 * text).  Scripts that are not JSON or hold no article are ignored.  -1
 * when out of memory. */
int html__jsonld(const char *script, struct html_meta *m, long long now);

/* All metadata, in the order of preference of docs/operations.md.  block
 * is the article's text block: a <time> far from it dates something
 * else.  -1 when out of memory. */
int html__meta(struct html_tree *t, xmlNodePtr block, struct html_meta *m);
void html__meta_clear(struct html_meta *m);

/* One line, white space collapsed, character references left over from
 * double escaping decoded.  malloc'd (NULL when out of memory). */
char *html__one_line(const char *s);

/* ---- html_headline.c -------------------------------------------------- */

/* Whether n is inside a list item or a <nav> (a breadcrumb's or a menu's
 * entry, not the article's headline). */
int html__in_navigation(xmlNodePtr n);

/* Whether one of the n_h1 headlines is not navigation. */
int html__has_plain_h1(xmlNodePtr *h1, size_t n_h1);

/* The first of the n_h1 headlines (not navigation) that holds the title or
 * is held by it, into *head (NULL when none).  -1 when out of memory. */
int html__headline_of_title(const char *title, xmlNodePtr *h1, size_t n_h1, xmlNodePtr *head);

/* The title without what a headline shows is a kicker or a site name:
 * the longest headline (or part of one) that is a large part of it.
 * malloc'd, or NULL when there is no better title (*oom set when out of
 * memory). */
char *html__refine_title(const char *title, xmlNodePtr *h1, size_t n_h1, int *oom);

/* head's text when it is another wording of title, or the title without
 * a kicker; malloc'd, or NULL (*oom set when out of memory). */
char *html__visible_headline(const char *title, xmlNodePtr head, int *oom);

/* The date shown under head, as html__iso_date writes it; malloc'd, or
 * NULL (*oom set when out of memory). */
char *html__header_date(xmlNodePtr head, long long now, int *oom);

/*
 * A date as ISO 8601 ("2019-10-19", "2019-10-19T14:03:00+02:00"), or NULL
 * when s is no date this parser knows or lies in the future (a page cannot
 * have been published after it was fetched; now is the reference).
 */
char *html__iso_date(const char *s, long long now);

#endif
