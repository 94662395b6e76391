/*
 * The article's visible headline and the date shown under it: which heading
 * is the headline the reader sees (an <h1> in the article, one that says
 * the title, or the article's <h2> when the page's only <h1> is a
 * breadcrumb's), how it refines the metadata title, and the date line in
 * the article's header.  html_meta.c weighs them against the metadata.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "html_internal.h"
#include "libxml_load.h"

/* Levels looked up for an ancestor. */
#define ANCESTOR_SEARCH 64

/* An <h1> in a list or a <nav> is an entry of a breadcrumb or a menu,
 * not the article's headline. */
int html__in_navigation(xmlNodePtr n)
{
    for (int i = 0; n && i < ANCESTOR_SEARCH; i++, n = n->parent) {
        const char *tag = html__tag(n);
        if (strcmp(tag, "li") == 0 || strcmp(tag, "nav") == 0)
            return 1;
    }
    return 0;
}

/* ---- the title and the visible headline ------------------------------ */

/* Letters and digits only (ASCII lower-cased), for comparing titles that
 * differ in dashes, quotes and spacing.  malloc'd. */
static char *fold(const char *s)
{
    static const char *const punct[] = {
        "\u2013", "\u2014", "\u2010", "\u201C", "\u201D", "\u201E", "\u201A", "\u2018",
        "\u2019", "\u00AB", "\u00BB", "\u2026", "\u01C0", "\u00B7", "\u2022", "\u00A0",
        "\u203A", "\u2039",
    };
    char *out = malloc(strlen(s) + 1);
    if (!out)
        return NULL;
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p < 0x80) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
                out[w++] = (char)*p;
            else if (*p >= 'A' && *p <= 'Z')
                out[w++] = (char)(*p - 'A' + 'a');
            p++;
            continue;
        }
        size_t n = 1;
        while ((p[n] & 0xC0) == 0x80)
            n++;
        int skip = 0;
        for (size_t i = 0; i < sizeof punct / sizeof *punct && !skip; i++)
            skip = strlen(punct[i]) == n && memcmp(p, punct[i], n) == 0;
        if (!skip) {
            memcpy(out + w, p, n);
            w += n;
        }
        p += n;
    }
    out[w] = '\0';
    return out;
}

/* Shorter than this share of the title, a part of a headline is a kicker
 * or a site name, not the headline. */
#define HEADLINE_MIN_SHARE 0.4

/*
 * The title, refined by the page's visible headline: when an <h1>, or a
 * part of one (its kicker and its headline are often two spans), appears
 * in the title and is shorter, the title was "Kicker: Headline" or
 * "Headline - Site" and the headline is taken.  The longest such part
 * wins.  Returns a malloc'd title or NULL when there is no better one.
 */
char *html__refine_title(const char *title, xmlNodePtr *h1, size_t n_h1, int *oom)
{
    char *ft = fold(title);
    if (!ft) {
        *oom = 1;
        return NULL;
    }
    size_t tl = strlen(ft);
    /* [0]: a whole headline, [1]: an element inside one, which wins: an
     * h1 of two spans is a kicker and the headline proper. */
    char *best[2] = {NULL, NULL};
    size_t best_len[2] = {0, 0};
    for (size_t i = 0; i < n_h1 && !*oom; i++) {
        for (xmlNodePtr part = h1[i]; part && !*oom;
             part = part == h1[i] ? h1[i]->children : part->next) {
            int child = part != h1[i];
            if (child && part->type != XML_ELEMENT_NODE && part->type != XML_TEXT_NODE)
                continue;
            xmlChar *text = libxml_loaded()->node_content(part);
            char *line = text ? html__one_line((const char *)text) : NULL;
            libxml_loaded()->free(text);
            char *fp = line ? fold(line) : NULL;
            if (!fp) {
                free(line);
                *oom = 1;
                break;
            }
            size_t pl = strlen(fp);
            if (pl < tl && pl > best_len[child] &&
                (double)pl >= HEADLINE_MIN_SHARE * (double)tl && strstr(ft, fp)) {
                free(best[child]);
                best[child] = line;
                best_len[child] = pl;
            } else {
                free(line);
            }
            free(fp);
        }
    }
    free(ft);
    if (best[1]) {
        free(best[0]);
        return best[1];
    }
    return best[0];
}

/* ---- the article's header: its visible headline and date -------------- */

/* A visible headline longer than this is no headline. */
#define HEADLINE_MAX 300
/* Of a metadata title's words, this share must be in the visible headline
 * (and the reverse share the other way) for the two to be one headline
 * worded twice: for search engines and for the reader. */
#define REWORDED_TITLE_SHARE 0.6
#define REWORDED_HEADLINE_SHARE 0.5
/* Text nodes after the headline looked at for the article's date: a
 * byline and a date line come right after it, the article further on. */
#define HEADER_TEXTS 8
/* Nodes looked at in all: empty wrappers do not make the header endless. */
#define HEADER_NODES 400
/* Longer than this, a text is a sentence: a date in it is what the
 * sentence is about, not when the article appeared. */
#define DATE_LINE_MAX 80

static int is_word_byte(unsigned char ch)
{
    return ch >= 0x80 || (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

/* The folded words of s, NUL-separated in one malloc'd string; *n gets
 * their count. */
static char *words_of(const char *s, size_t *n)
{
    char *out = malloc(strlen(s) + 1);
    if (!out)
        return NULL;
    size_t w = 0;
    *n = 0;
    for (const char *p = s; *p;) {
        if (!is_word_byte((unsigned char)*p)) {
            p++;
            continue;
        }
        const char *start = p;
        while (*p && is_word_byte((unsigned char)*p))
            p++;
        char *tok = strndup(start, (size_t)(p - start));
        char *f = tok ? fold(tok) : NULL;
        free(tok);
        if (!f) {
            free(out);
            return NULL;
        }
        if (*f) {
            memcpy(out + w, f, strlen(f) + 1);
            w += strlen(f) + 1;
            (*n)++;
        }
        free(f);
    }
    return out;
}

/* Share of the na words in a that are among the nb words in b. */
static double share_in(const char *a, size_t na, const char *b, size_t nb)
{
    if (!na)
        return 0;
    size_t found = 0;
    const char *wa = a;
    for (size_t i = 0; i < na; i++, wa += strlen(wa) + 1) {
        const char *wb = b;
        for (size_t j = 0; j < nb; j++, wb += strlen(wb) + 1)
            if (strcmp(wa, wb) == 0) {
                found++;
                break;
            }
    }
    return (double)found / (double)na;
}

/*
 * The headline the reader sees over the article, when the metadata title
 * is another wording of it.  Publishers write og:title and the JSON-LD
 * headline for search engines and social media ("Brexit: Nervenkrieg geht
 * in nächste Runde" over "Der Nervenkrieg um den Brexit geht in die
 * nächste Runde"); the visible one is the article's.  A visible headline
 * that is the title plus more (a kicker) is not taken; one that is a part
 * of the title is ("Kicker: Headline" in the metadata).  A heading that
 * shares too few words with the title is some other heading.  Returns a
 * malloc'd title or NULL.
 */
char *html__visible_headline(const char *title, xmlNodePtr head, int *oom)
{
    xmlChar *text = libxml_loaded()->node_content(head);
    char *h = text ? html__one_line((const char *)text) : NULL;
    libxml_loaded()->free(text);
    if (!h) {
        *oom = 1;
        return NULL;
    }
    char *fh = fold(h), *ft = fold(title);
    size_t nh = 0, nt = 0;
    char *wh = words_of(h, &nh), *wt = words_of(title, &nt);
    char *take = NULL;
    if (!fh || !ft || !wh || !wt) {
        *oom = 1;
    } else if (*fh && strlen(h) <= HEADLINE_MAX && strcmp(fh, ft) != 0 && !strstr(fh, ft) &&
               (strstr(ft, fh) ? strlen(fh) >= HEADLINE_MIN_SHARE * (double)strlen(ft)
                               : share_in(wt, nt, wh, nh) >= REWORDED_TITLE_SHARE &&
                                     share_in(wh, nh, wt, nt) >= REWORDED_HEADLINE_SHARE)) {
        take = h;
        h = NULL;
    }
    free(h);
    free(fh);
    free(ft);
    free(wh);
    free(wt);
    return take;
}

/* Whether one of the n_h1 headlines is not navigation. */
int html__has_plain_h1(xmlNodePtr *h1, size_t n_h1)
{
    for (size_t i = 0; i < n_h1; i++)
        if (!html__in_navigation(h1[i]))
            return 1;
    return 0;
}

/* The first of the n_h1 headlines that holds the title or is held by it,
 * into *head (NULL when none).  -1 when out of memory. */
int html__headline_of_title(const char *title, xmlNodePtr *h1, size_t n_h1, xmlNodePtr *head)
{
    *head = NULL;
    char *ft = fold(title);
    if (!ft)
        return -1;
    for (size_t i = 0; i < n_h1 && !*head && *ft; i++) {
        if (html__in_navigation(h1[i]))
            continue;
        xmlChar *text = libxml_loaded()->node_content(h1[i]);
        char *fh = text ? fold((const char *)text) : NULL;
        libxml_loaded()->free(text);
        if (!fh) {
            free(ft);
            return -1;
        }
        if (*fh && (strstr(fh, ft) || strstr(ft, fh)))
            *head = h1[i];
        free(fh);
    }
    free(ft);
    return 0;
}

/* The node after n and its subtree in document order, or NULL. */
static xmlNodePtr after(xmlNodePtr n)
{
    while (n && !n->next)
        n = n->parent;
    return n ? n->next : NULL;
}

/* The first date in a short line: "Stand: 28.04.2020 18:00 Uhr".
 * malloc'd, or NULL. */
static char *date_in_line(const char *line, long long now)
{
    if (strlen(line) > DATE_LINE_MAX)
        return NULL;
    for (const char *p = line; *p; p++) {
        if (!is_word_byte((unsigned char)*p) || (unsigned char)*p >= 0x80 ||
            (p > line && is_word_byte((unsigned char)p[-1])))
            continue;
        char *d = html__iso_date(p, now);
        if (d)
            return d;
    }
    return NULL;
}

/* Where the article's header has ended: at the next headline, the page's
 * furniture (navigation, a side bar, a form, the footer) or the first
 * paragraph of prose. */
static int ends_header(xmlNodePtr n, const char *tag)
{
    static const char *const stops[] = {"h1", "nav", "aside", "footer", "form"};
    for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
        if (strcmp(tag, stops[i]) == 0)
            return 1;
    if (strcmp(tag, "p") != 0)
        return 0;
    xmlChar *text = libxml_loaded()->node_content(n);
    size_t commas;
    int prose = text && html__count_chars((const char *)text, &commas) > DATE_LINE_MAX;
    libxml_loaded()->free(text);
    return prose;
}

/*
 * The date shown under the article's headline: a <time datetime>, or a
 * short line of text that reads as a date, among the first few texts after
 * it (kicker, subtitle, byline, date line).  malloc'd, or NULL.
 */
char *html__header_date(xmlNodePtr head, long long now, int *oom)
{
    int texts = 0, nodes = 0;
    for (xmlNodePtr n = after(head); n && texts < HEADER_TEXTS && nodes++ < HEADER_NODES;) {
        if (n->type == XML_ELEMENT_NODE) {
            const char *tag = html__tag(n);
            if (ends_header(n, tag))
                break;
            /* A <label> is visible text ("<label>November 20, 2019</label>"). */
            if (html__tag_kind(tag) == HK_DROP && strcmp(tag, "label") != 0) {
                n = after(n);
                continue;
            }
            const char *dt = strcmp(tag, "time") == 0 ? html__attr(n, "datetime") : NULL;
            char *d = dt ? html__iso_date(dt, now) : NULL;
            if (d)
                return d;
        } else if (n->type == XML_TEXT_NODE && n->content) {
            char *line = html__one_line((const char *)n->content);
            if (!line) {
                *oom = 1;
                return NULL;
            }
            if (*line)
                texts++;
            char *d = *line ? date_in_line(line, now) : NULL;
            free(line);
            if (d)
                return d;
        }
        n = n->type == XML_ELEMENT_NODE && n->children ? n->children : after(n);
    }
    return NULL;
}

