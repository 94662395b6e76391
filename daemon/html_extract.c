/*
 * The main content of a page, in the spirit of readability:
 *   1. html_tree.c gave every container the score of the paragraphs right
 *      below it (and half of those one level further down), plus or minus
 *      what its class and id say;
 *   2. each score is scaled by the share of the container's text that is
 *      not link text, and the best container wins; schema.org articleBody
 *      wins outright when it holds text;
 *   3. when several good containers share an ancestor close above the
 *      winner, the article is split over them and the ancestor is taken;
 *   4. siblings of the winner that score well or are plain paragraphs join
 *      it (articles split by ads or images), and the article's lead, when
 *      its header holds one, goes first;
 *   5. the text is written out block by block, leaving out junk and the
 *      link lists left inside (related articles without a class to say so),
 *      and the headings at the end that announced what was left out.
 * When no container scores at all, the body is the block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_internal.h"

/* articleBody is trusted from this many characters on. */
#define ARTICLE_BODY_MIN 250
/* How many runners-up are asked whether they share an ancestor. */
#define ALTERNATIVES 5
#define ALTERNATIVE_SHARE 0.75
#define ANCESTOR_LEVELS 3
/* Inside the article, a container with more link text than this is a
 * list of links, dropped. */
#define LINK_LIST_DENSITY 0.5
/* ... and this much is a link box when it is short. */
#define LINK_BOX_DENSITY 0.3
#define LINK_BOX_MAX_CHARS 300

/* A line this short that is mostly a <time> is a dateline ("Published:
 * 3 April 2020, 12:35"), not article text. */
#define DATELINE_MAX_CHARS 60

/* A parent with no more text than its block but this much is a wrapper;
 * up to this many levels are climbed. */
#define WRAPPER_EXTRA_CHARS 40
#define WRAPPER_LEVELS 3

/* Readability's sibling rule: a sibling scoring this share of the top
 * block's score (at least SIBLING_MIN_SCORE; a sibling of the same class
 * gets the share as a bonus) joins it; so does a paragraph, or a block
 * with a paragraph, of SIBLING_MIN_CHARS with little link text. */
#define SIBLING_SHARE 0.2
#define SIBLING_MIN_SCORE 10
#define SIBLING_MIN_CHARS 80
#define SIBLING_MAX_DENSITY 0.25

/* ---- a growing string ------------------------------------------------- */

struct buf {
    char *s;
    size_t len, cap;
    int oom;
    int pending;   /* 0 nothing, 1 a line break, 2 a paragraph break */
    int space;     /* a space is owed before the next text */
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_break(struct buf *b, int level)
{
    if (level > b->pending)
        b->pending = level;
    b->space = 0;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Text of a text node: runs of white space are one space; line ends in
 * the source are no line ends in the text. */
static void buf_text(struct buf *b, const char *s)
{
    for (const char *p = s; *p;) {
        if (is_space((unsigned char)*p)) {
            b->space = 1;
            while (is_space((unsigned char)*p))
                p++;
            continue;
        }
        const char *e = p;
        while (*e && !is_space((unsigned char)*e))
            e++;
        if (b->len > 0 && b->pending) {
            buf_put(b, b->pending == 2 ? "\n\n" : "\n", (size_t)b->pending);
        } else if (b->len > 0 && b->space) {
            buf_put(b, " ", 1);
        }
        b->pending = 0;
        b->space = 0;
        buf_put(b, p, (size_t)(e - p));
        p = e;
    }
}

/* ---- choosing the block ------------------------------------------------ */

static double density(const struct html_info *in)
{
    return in && in->text ? (double)in->links / (double)in->text : 0;
}

/* Levels looked up for an ancestor: deeper pages get no answer. */
#define ANCESTOR_SEARCH 64

static int is_ancestor(xmlNodePtr anc, xmlNodePtr n, int max_levels)
{
    for (int i = 0; n && i < max_levels; i++, n = n->parent)
        if (n == anc)
            return 1;
    return 0;
}

static xmlNodePtr best_candidate(struct html_tree *t, xmlNodePtr *alts, size_t *n_alts)
{
    xmlNodePtr top = NULL;
    double best = 0;
    for (size_t i = 0; i < t->n_candidates; i++) {
        xmlNodePtr c = t->candidates[i];
        struct html_info *in = html__info(c);
        in->score *= 1 - density(in);
        if (!top || in->score > best) {
            top = c;
            best = in->score;
        }
    }
    *n_alts = 0;
    if (!top)
        return NULL;
    for (size_t i = 0; i < t->n_candidates && *n_alts < ALTERNATIVES; i++) {
        xmlNodePtr c = t->candidates[i];
        if (c != top && html__info(c)->score >= best * ALTERNATIVE_SHARE)
            alts[(*n_alts)++] = c;
    }
    return top;
}

/* Readability's step 3: an article split over sibling containers. */
static xmlNodePtr shared_ancestor(xmlNodePtr top, xmlNodePtr *alts, size_t n_alts)
{
    if (n_alts < 2)
        return top;
    xmlNodePtr p = top->parent;
    for (int level = 0; p && p->type == XML_ELEMENT_NODE && level < ANCESTOR_LEVELS;
         level++, p = p->parent) {
        size_t in = 0;
        for (size_t i = 0; i < n_alts; i++)
            if (is_ancestor(p, alts[i], 2 * ANCESTOR_LEVELS + 2))
                in++;
        if (in >= 2)
            return p;
    }
    return top;
}

static int has_sentence_end(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE && c->content && strchr((const char *)c->content, '.'))
            return 1;
    return 0;
}

/* Readability's step 4: which siblings of the top block belong to it. */
static int sibling_joins(xmlNodePtr top, xmlNodePtr s, int climbed)
{
    struct html_info *ti = html__info(top), *si = html__info(s);
    if (!si || (si->flags & HN_JUNK) || si->text == 0)
        return 0;
    /* An <article> beside the article is another one. */
    if (strcmp(html__tag(s), "article") == 0)
        return 0;
    double share = ti->score * SIBLING_SHARE;
    double threshold = share > SIBLING_MIN_SCORE ? share : SIBLING_MIN_SCORE;
    double bonus = 0;
    const char *tc = html__attr(top, "class"), *sc = html__attr(s, "class");
    if (tc && sc && *tc && strcmp(tc, sc) == 0)
        bonus = share;
    /* Beside a wrapper, only blocks that look like it (the rows of one
     * grid) and score like the article join. */
    if (climbed)
        return bonus > 0 && (si->flags & HN_CANDIDATE) && si->score + bonus >= threshold;
    if ((si->flags & HN_CANDIDATE) && si->score + bonus >= threshold)
        return 1;
    /* A lead or intro next to the body: text of its own, few links. */
    if (si->paras > 0 && si->text >= SIBLING_MIN_CHARS && si->weight >= 0 &&
        density(si) < SIBLING_MAX_DENSITY)
        return 1;
    if (strcmp(html__tag(s), "p") == 0) {
        double d = density(si);
        if (si->text > SIBLING_MIN_CHARS && d < SIBLING_MAX_DENSITY)
            return 1;
        if (si->text <= SIBLING_MIN_CHARS && d == 0 && has_sentence_end(s))
            return 1;
    }
    return 0;
}

/* ---- the lead ---------------------------------------------------------- */

/* A lead is this long, and mostly not links. */
#define LEAD_MIN_CHARS 40
#define LEAD_MAX_CHARS 1500
/* How far up from the text block its article may begin. */
#define SCOPE_LEVELS 5

struct lead_search {
    xmlNodePtr top, found;
    int done;
};

static int lead_enter(xmlNodePtr n, void *ctx)
{
    struct lead_search *ls = ctx;
    if (ls->done || n->type != XML_ELEMENT_NODE)
        return 0;
    if (n == ls->top) {
        ls->done = 1;
        return 0;
    }
    struct html_info *in = html__info(n);
    if (!in || (in->flags & HN_JUNK))
        return 0;
    if (in->text >= LEAD_MIN_CHARS && in->text <= LEAD_MAX_CHARS &&
        density(in) < SIBLING_MAX_DENSITY &&
        !is_ancestor(n, ls->top, ANCESTOR_SEARCH) && html__is_lead(n)) {
        ls->found = n;
        ls->done = 1;
        return 0;
    }
    return 1;
}

/*
 * The lead of the article whose text block is top: news sites put it in
 * the article's header ("intro", "standfirst", itemprop=description),
 * outside the block of paragraphs.  Searched before top, in the article
 * around it (an <article>, <main> or an element named like an article a
 * few levels up); NULL when there is none or top is not inside one.
 */
static xmlNodePtr find_lead(struct html_tree *t, xmlNodePtr top)
{
    /* The <article> around the block, else the highest ancestor named
     * like an article ("content", "post", ...) or <main>. */
    xmlNodePtr scope = NULL, named = NULL;
    xmlNodePtr p = top->parent;
    for (int i = 0; p && p != t->body && p->type == XML_ELEMENT_NODE && i < SCOPE_LEVELS;
         i++, p = p->parent) {
        struct html_info *pi = html__info(p);
        if (strcmp(html__tag(p), "article") == 0) {
            scope = p;
            break;
        }
        if (pi && ((pi->flags & HN_ARTICLE) || pi->weight > 0))
            named = p;
    }
    if (!scope)
        scope = named;
    if (!scope)
        return NULL;
    struct lead_search ls = {.top = top};
    html__walk(scope, lead_enter, NULL, &ls);
    return ls.found;
}

/* ---- writing the text --------------------------------------------------- */

struct emit {
    struct buf b;
    xmlNodePtr root;
    int in_heading;
    size_t heading_at;   /* where the last heading began, NO_HEADING after text */
};

#define NO_HEADING ((size_t)-1)

static int is_subheading(const char *tag)
{
    return tag[0] == 'h' && tag[1] >= '2' && tag[1] <= '6' && tag[2] == '\0';
}

static int is_container(const char *tag)
{
    static const char *const c[] = {"div", "section", "ul", "ol", "table", "header",
                                    "form", "dl", "figure", "center"};
    for (size_t i = 0; i < sizeof c / sizeof *c; i++)
        if (strcmp(c[i], tag) == 0)
            return 1;
    return 0;
}

static int line_tag(const char *tag)
{
    return strcmp(tag, "li") == 0 || strcmp(tag, "dt") == 0 || strcmp(tag, "dd") == 0 ||
           strcmp(tag, "tr") == 0;
}

static int emit_enter(xmlNodePtr n, void *ctx)
{
    struct emit *e = ctx;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content) {
            size_t before = e->b.len;
            buf_text(&e->b, (const char *)n->content);
            if (e->b.len > before && !e->in_heading)
                e->heading_at = NO_HEADING;
        }
        return 0;
    }
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    struct html_info *in = html__info(n);
    if (!in || (in->flags & HN_JUNK))
        return 0;
    const char *tag = html__tag(n);
    if (n != e->root) {
        if (strcmp(tag, "h1") == 0)
            return 0;   /* the title: a field of its own */
        if ((in->flags & HN_HAS_TIME) && in->text <= DATELINE_MAX_CHARS &&
            2 * in->time_text >= in->text)
            return 0;
        /* A <time> straight in a container, not in a sentence: a dateline. */
        struct html_info *pin = html__info(n->parent);
        if (strcmp(tag, "time") == 0 && in->text <= DATELINE_MAX_CHARS && pin &&
            (pin->flags & HN_HAS_BLOCK))
            return 0;
        if (is_container(tag) && in->text > 0) {
            double d = density(in);
            if (d > LINK_LIST_DENSITY || (d > LINK_BOX_DENSITY && in->text < LINK_BOX_MAX_CHARS))
                return 0;
        }
    }
    if (strcmp(tag, "br") == 0) {
        buf_break(&e->b, 1);
        return 0;
    }
    if (in->flags & HN_BLOCK)
        buf_break(&e->b, line_tag(tag) ? 1 : 2);
    else if (strcmp(tag, "td") == 0 || strcmp(tag, "th") == 0)
        e->b.space = 1;
    if (is_subheading(tag)) {
        if (!e->in_heading++ && e->heading_at == NO_HEADING)
            e->heading_at = e->b.len;
    }
    return 1;
}

static void emit_leave(xmlNodePtr n, void *ctx)
{
    struct emit *e = ctx;
    struct html_info *in = html__info(n);
    if (!in || (in->flags & HN_JUNK))
        return;
    if (in->flags & HN_BLOCK)
        buf_break(&e->b, line_tag(html__tag(n)) ? 1 : 2);
    if (is_subheading(html__tag(n)) && e->in_heading > 0)
        e->in_heading--;
}

static void emit_block(struct emit *e, xmlNodePtr root)
{
    e->root = root;
    buf_break(&e->b, 2);
    html__walk(root, emit_enter, emit_leave, e);
}

/* ---- teasers ---------------------------------------------------------- */

static int count_articles(xmlNodePtr n, void *ctx)
{
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    if (strcmp(html__tag(n), "article") == 0)
        (*(size_t *)ctx)++;
    struct html_info *in = html__info(n);
    return in && !(in->flags & HN_JUNK);
}

/* <article> elements below n (not n itself): on an index page each
 * teaser is one. */
static size_t articles_inside(xmlNodePtr n)
{
    size_t count = 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
        html__walk(c, count_articles, NULL, &count);
    return count;
}

/* ---- the whole --------------------------------------------------------- */

char *html__describe(xmlNodePtr n)
{
    const char *cls = html__attr(n, "class"), *id = html__attr(n, "id");
    const char *itemprop = html__attr(n, "itemprop");
    char *s = NULL;
    if (asprintf(&s, "<%s%s%.60s%s%s%.40s%s%s%.30s%s>", html__tag(n),
                 cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "",
                 id ? " id=\"" : "", id ? id : "", id ? "\"" : "",
                 itemprop ? " itemprop=\"" : "", itemprop ? itemprop : "",
                 itemprop ? "\"" : "") < 0)
        return NULL;
    return s;
}

int html__extract(struct html_tree *t, struct html_extraction *out)
{
    memset(out, 0, sizeof *out);
    xmlNodePtr alts[ALTERNATIVES];
    size_t n_alts = 0;
    xmlNodePtr top = best_candidate(t, alts, &n_alts);
    const char *why;
    if (t->article_body && html__info(t->article_body)->text >= ARTICLE_BODY_MIN) {
        top = t->article_body;
        why = "schema.org articleBody";
    } else if (top) {
        xmlNodePtr up = shared_ancestor(top, alts, n_alts);
        why = up == top ? "best score" : "ancestor of the best-scoring blocks";
        top = up;
    } else {
        top = t->body;
        why = "no paragraphs scored: the whole body";
    }

    /* A block alone in its wrappers: the wrappers' siblings are its
     * siblings (an article split over rows of a grid). */
    xmlNodePtr block = top;
    for (int i = 0; i < WRAPPER_LEVELS && block != t->body && block != t->article_body &&
                    block->parent && block->parent != t->body &&
                    block->parent->type == XML_ELEMENT_NODE;
         i++) {
        struct html_info *pi = html__info(block->parent);
        if (!pi || pi->text > html__info(block)->text + WRAPPER_EXTRA_CHARS)
            break;
        block = block->parent;
    }
    int climbed = block != top;
    out->block = top;
    if (climbed) {
        /* The wrapper takes the block's score for judging siblings. */
        html__info(block)->score = html__info(top)->score;
        top = block;
    }

    struct emit e = {.heading_at = NO_HEADING};
    size_t siblings = 0;
    struct html_info *ti = html__info(top);
    size_t text = ti->text, links = ti->links;
    xmlNodePtr lead = find_lead(t, top);
    if (lead) {
        emit_block(&e, lead);
        text += html__info(lead)->text;
        links += html__info(lead)->links;
    }
    xmlNodePtr parent = top->parent;
    if (top != t->body && parent && parent->type == XML_ELEMENT_NODE &&
        top != t->article_body) {
        for (xmlNodePtr s = parent->children; s; s = s->next) {
            if (s == top) {
                emit_block(&e, s);
            } else if (s->type == XML_ELEMENT_NODE && !is_ancestor(s, lead, ANCESTOR_SEARCH) &&
                       sibling_joins(top, s, climbed)) {
                emit_block(&e, s);
                siblings++;
                text += html__info(s)->text;
                links += html__info(s)->links;
            }
        }
    } else {
        emit_block(&e, top);
    }
    if (e.b.oom) {
        free(e.b.s);
        return -1;
    }
    /* Headings with no text after them announced what was left out (a
     * list of links, a gallery): they go too. */
    if (e.heading_at != NO_HEADING && e.b.s) {
        e.b.len = e.heading_at;
        e.b.s[e.b.len] = '\0';
    }
    out->text = e.b.s ? e.b.s : strdup("");
    out->chars = html__count_chars(out->text, NULL);
    out->teasers = articles_inside(top);
    out->link_density = text ? (double)links / (double)text : 0;

    char *desc = html__describe(top);
    if (!out->text || !desc ||
        asprintf(&out->explain,
                 "%s %s: score %.1f, %zu paragraphs, %zu characters, link density %.2f, "
                 "%zu sibling blocks joined%s, %zu candidates",
                 why, desc, ti->score, ti->paras, ti->text, density(ti), siblings,
                 lead ? ", the article's lead before it" : "", t->n_candidates) < 0) {
        free(desc);
        free(out->text);
        out->text = NULL;
        out->explain = NULL;
        return -1;
    }
    free(desc);
    return 0;
}
