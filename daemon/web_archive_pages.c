/* Search and Article pages of the dashboard; see web_archive_pages.h. */
#include "web_archive_pages.h"
#include "newsd/plugin.h"
#include "web_html.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Entity names marked in one body; more are listed with the tags only. */
#define MARK_MAX 200

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void field(struct strbuf *sb, const char *label, const char *value)
{
    sb_printf(sb, "<tr><th>%s</th><td>", label);
    html_text(sb, value);
    sb_printf(sb, "</td></tr>");
}

static void input(struct strbuf *sb, const char *name, const char *label, const char *value, const char *hint)
{
    sb_printf(sb, "<label>%s <input name=\"%s\" value=\"", label, name);
    html_text(sb, value ? value : "");
    sb_printf(sb, "\" placeholder=\"%s\"></label> ", hint);
}

/* A snippet's matches are between [ and ] (docs/api.md): marked, the rest
 * escaped; an unclosed mark is closed at the end. */
static void snippet(struct strbuf *sb, const char *s)
{
    bool open = false;
    const char *run = s;
    for (const char *p = s; *p; p++) {
        if ((*p == '[' && !open) || (*p == ']' && open)) {
            html_text_n(sb, run, (size_t)(p - run));
            sb_printf(sb, open ? "</mark>" : "<mark>");
            open = !open;
            run = p + 1;
        }
    }
    html_text(sb, run);
    if (open)
        sb_printf(sb, "</mark>");
}

static void article_link(struct strbuf *sb, const char *id, const char *text)
{
    if (newsd_id_valid(id)) {
        sb_printf(sb, "<a href=\"/article/%s\">", id);
        html_text(sb, *text ? text : "(no title)");
        sb_printf(sb, "</a>");
    } else {
        html_text(sb, *text ? text : "(no title)");
    }
}

/* A link to the same search at another offset. */
static void page_link(struct strbuf *sb, const struct web_search_form *f, json_int_t offset, const char *label)
{
    const struct {
        const char *key, *value;
    } fields[] = {{"q", f->q}, {"tag", f->tag}, {"lang", f->lang}, {"action", f->action},
                  {"min_score", f->min_score}, {"max_score", f->max_score}, {"since", f->since},
                  {"until", f->until}};
    sb_printf(sb, "<a class=\"page\" href=\"/search?offset=%lld", (long long)offset);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!fields[i].value)
            continue;
        sb_printf(sb, "&amp;%s=", fields[i].key);
        html_url_value(sb, fields[i].value);
    }
    sb_printf(sb, "\">%s</a> ", label);
}

char *web_page_search(const struct web_search_form *f, const json_t *answer, const char *error)
{
    struct strbuf sb = {0};
    bool searching = f->q && *f->q;
    html_page_start(&sb, WEB_PAGE_SEARCH, "Search", 0);
    sb_printf(&sb, "<form method=\"get\" action=\"/search\" class=\"search\">");
    input(&sb, "q", "Text", f->q, "words, all required");
    input(&sb, "tag", "Tag", f->tag, "topic:ai-chips");
    input(&sb, "lang", "Language", f->lang, "de");
    input(&sb, "action", "Action", f->action, "alert");
    input(&sb, "min_score", "Min score", f->min_score, "3");
    input(&sb, "max_score", "Max score", f->max_score, "9");
    input(&sb, "since", "Since", f->since, "2026-11-01");
    input(&sb, "until", "Until", f->until, "2026-11-30");
    sb_printf(&sb, "<button type=\"submit\">Search</button></form>\n"
                   "<p class=\"hint\">With text: a full-text search among the articles that match the filters, "
                   "best match first. Without: the newest articles that match the filters.</p>\n");
    if (error) {
        sb_printf(&sb, "<p class=\"msg\">");
        html_text(&sb, error);
        sb_printf(&sb, "</p>\n");
        html_page_end(&sb);
        return sb_take(&sb);
    }
    const json_t *rows = json_object_get(answer, searching ? "hits" : "items");
    json_int_t total = json_integer_value(json_object_get(answer, "total"));
    json_int_t offset = json_integer_value(json_object_get(answer, "offset"));
    json_int_t limit = json_integer_value(json_object_get(answer, "limit"));
    json_int_t shown = (json_int_t)json_array_size(rows);
    sb_printf(&sb, "<p>%lld article%s", (long long)total, total == 1 ? "" : "s");
    if (shown && (offset > 0 || offset + shown < total))
        sb_printf(&sb, ", %lld to %lld shown", (long long)offset + 1, (long long)(offset + shown));
    sb_printf(&sb, ". ");
    if (offset > 0 && limit > 0)
        page_link(&sb, f, offset > limit ? offset - limit : 0, "\xe2\x80\xb9 Previous");
    if (limit > 0 && offset + shown < total)
        page_link(&sb, f, offset + limit, "Next \xe2\x80\xba");
    sb_printf(&sb, "</p>\n");
    if (json_array_size(rows)) {
        sb_printf(&sb, "<table class=\"hits\"><tr><th>Title</th><th>Received</th><th>Score</th>%s</tr>\n",
                  searching ? "<th>Snippet</th>" : "<th>Language</th><th>Source</th>");
        size_t i;
        const json_t *h;
        json_array_foreach(rows, i, h) {
            sb_printf(&sb, "<tr><td>");
            article_link(&sb, jstr(h, "id"), jstr(h, "title"));
            sb_printf(&sb, "</td><td>");
            html_text(&sb, jstr(h, "received"));
            sb_printf(&sb, "</td><td>%g</td><td>", json_number_value(json_object_get(h, "score_total")));
            if (searching) {
                snippet(&sb, jstr(h, "snippet"));
            } else {
                html_text(&sb, jstr(h, "lang"));
                sb_printf(&sb, "</td><td>");
                html_text(&sb, jstr(h, "source"));
            }
            sb_printf(&sb, "</td></tr>\n");
        }
        sb_printf(&sb, "</table>\n");
    }
    html_page_end(&sb);
    return sb_take(&sb);
}

/* ---- the article ---------------------------------------------------------- */

struct mark {
    const char *name;   /* borrowed from the record */
    size_t len;
    char type[24];      /* org, person, place ...: a CSS class part, [a-z] only */
};

static bool word_char(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* entity:TYPE/NAME tags, longest name first so "Deutsche Bank AG" wins
 * over "Deutsche Bank". */
static int cmp_len(const void *a, const void *b)
{
    const struct mark *x = a, *y = b;
    return (x->len < y->len) - (x->len > y->len);
}

static size_t entity_marks(const json_t *tags, struct mark *m)
{
    size_t n = 0, i;
    const json_t *t;
    json_array_foreach(tags, i, t) {
        const char *name = jstr(t, "name");
        if (strncmp(name, "entity:", 7) != 0 || n == MARK_MAX)
            continue;
        const char *slash = strchr(name + 7, '/');
        if (!slash || slash == name + 7 || !slash[1])
            continue;
        size_t tl = 0;
        for (const char *p = name + 7; p < slash && tl + 1 < sizeof m[n].type; p++)
            if (*p >= 'a' && *p <= 'z')
                m[n].type[tl++] = *p;
        m[n].type[tl] = '\0';
        m[n].name = slash + 1;
        m[n].len = strlen(slash + 1);
        n++;
    }
    qsort(m, n, sizeof *m, cmp_len);
    return n;
}

/* The body, paragraphs at blank lines, entity names marked where they
 * stand as whole words. */
static void body_html(struct strbuf *sb, const char *body, const struct mark *m, size_t n)
{
    const char *run = body;
    sb_printf(sb, "<div class=\"body\"><p>");
    for (const char *p = body; *p;) {
        if (p[0] == '\n' && p[1] == '\n') {
            html_text_n(sb, run, (size_t)(p - run));
            sb_printf(sb, "</p><p>");
            while (*p == '\n')
                p++;
            run = p;
            continue;
        }
        const struct mark *hit = NULL;
        if (p == body || !word_char((unsigned char)p[-1]))
            for (size_t i = 0; i < n && !hit; i++)
                if (strncmp(p, m[i].name, m[i].len) == 0 && !word_char((unsigned char)p[m[i].len]))
                    hit = &m[i];
        if (!hit) {
            p++;
            continue;
        }
        html_text_n(sb, run, (size_t)(p - run));
        sb_printf(sb, "<mark class=\"ent ent-%s\" title=\"%s\">", hit->type, hit->type);
        html_text_n(sb, p, hit->len);
        sb_printf(sb, "</mark>");
        p += hit->len;
        run = p;
    }
    html_text(sb, run);
    sb_printf(sb, "</p></div>\n");
}

/* Tags under their namespace (the part before ':'), in record order. */
static void tags_html(struct strbuf *sb, const json_t *tags)
{
    size_t n = json_array_size(tags);
    bool *done = xcalloc(n ? n : 1, sizeof *done);
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        const char *name = jstr(json_array_get(tags, i), "name");
        const char *colon = strchr(name, ':');
        size_t nslen = colon ? (size_t)(colon - name) : 0;
        sb_printf(sb, "<tr><th>");
        html_text_n(sb, colon ? name : "(none)", colon ? nslen : 6);
        sb_printf(sb, "</th><td>");
        for (size_t j = i; j < n; j++) {
            const json_t *t = json_array_get(tags, j);
            const char *tn = jstr(t, "name");
            const char *tc = strchr(tn, ':');
            size_t tl = tc ? (size_t)(tc - tn) : 0;
            if (done[j] || tl != nslen || (tc != NULL) != (colon != NULL) || strncmp(tn, name, nslen) != 0)
                continue;
            done[j] = true;
            sb_printf(sb, "<a class=\"tag\" href=\"/search?tag=");
            html_url_value(sb, tn);
            sb_printf(sb, "\">");
            html_text(sb, tc ? tc + 1 : tn);
            sb_printf(sb, "</a> <small>%.2f ", json_number_value(json_object_get(t, "weight")));
            html_text(sb, jstr(t, "plugin"));
            sb_printf(sb, "</small><br>");
        }
        sb_printf(sb, "</td></tr>\n");
    }
    free(done);
}

static void score_html(struct strbuf *sb, const json_t *rec)
{
    const json_t *score = json_object_get(rec, "score");
    const json_t *rules = json_object_get(score, "rules");
    sb_printf(sb, "<table class=\"score\"><tr><th>Rule</th><th>Points</th><th>Why</th><th>Plugin</th></tr>\n");
    size_t i;
    const json_t *r;
    json_array_foreach(rules, i, r) {
        sb_printf(sb, "<tr><td>");
        html_text(sb, jstr(r, "rule"));
        sb_printf(sb, "</td><td class=\"num\">%+g</td><td>", json_number_value(json_object_get(r, "points")));
        html_text(sb, jstr(r, "reason"));
        sb_printf(sb, "</td><td>");
        html_text(sb, jstr(r, "plugin"));
        sb_printf(sb, "</td></tr>\n");
    }
    sb_printf(sb, "<tr class=\"total\"><th>Total</th><td class=\"num\">%g</td><td colspan=\"2\">action: <b>",
              json_number_value(json_object_get(score, "total")));
    html_text(sb, *jstr(rec, "action") ? jstr(rec, "action") : "none");
    sb_printf(sb, "</b></td></tr></table>\n");
}

/* dup:near/ID names the story's first article; that article's copies
 * carry dup:near/ITS_ID. */
static void near_dups_html(struct strbuf *sb, const json_t *rec)
{
    const char *id = jstr(rec, "id");
    size_t i;
    const json_t *t;
    sb_printf(sb, "<ul class=\"dups\">");
    json_array_foreach(json_object_get(rec, "tags"), i, t) {
        const char *name = jstr(t, "name");
        if (strncmp(name, "dup:near/", 9) != 0 || !newsd_id_valid(name + 9))
            continue;
        sb_printf(sb, "<li>A rewrite (similarity %.2f) of <a href=\"/article/%s\">the story's first article</a>; "
                      "<a href=\"/search?tag=dup%%3Anear%%2F%s\">all its copies</a></li>",
                  json_number_value(json_object_get(t, "weight")), name + 9, name + 9);
    }
    if (newsd_id_valid(id))
        sb_printf(sb, "<li><a href=\"/search?tag=dup%%3Anear%%2F%s\">Later copies of this article</a></li>", id);
    sb_printf(sb, "</ul>\n");
}

char *web_page_article(const json_t *rec)
{
    struct strbuf sb = {0};
    const char *title = jstr(rec, "title");
    html_page_start(&sb, WEB_PAGE_SEARCH, *title ? title : "(no title)", 0);
    const char *id = jstr(rec, "id");
    sb_printf(&sb, "<table class=\"fields\">");
    field(&sb, "Source", jstr(rec, "source"));
    field(&sb, "Received", jstr(rec, "received"));
    field(&sb, "Processed", jstr(rec, "processed"));
    field(&sb, "Published", jstr(rec, "published"));
    field(&sb, "Language", jstr(rec, "lang"));
    field(&sb, "Author", jstr(rec, "author"));
    field(&sb, "Format", jstr(rec, "format"));
    /* Shown, never a link: a scraped URL may be javascript: or worse. */
    field(&sb, "URL", jstr(rec, "url"));
    sb_printf(&sb, "</table>\n");
    if (newsd_id_valid(id))
        sb_printf(&sb, "<p><a href=\"/article/%s/raw\">The record as JSON</a> \xc2\xb7 "
                       "<a href=\"/article/%s/original\" download>Download the original file</a></p>\n", id, id);
    sb_printf(&sb, "<h2>Score</h2>\n");
    score_html(&sb, rec);
    sb_printf(&sb, "<h2>Near duplicates</h2>\n");
    near_dups_html(&sb, rec);
    sb_printf(&sb, "<h2>Tags</h2><table class=\"tags\">\n");
    tags_html(&sb, json_object_get(rec, "tags"));
    sb_printf(&sb, "</table>\n<h2>Text</h2>\n");
    struct mark *marks = xcalloc(MARK_MAX, sizeof *marks);
    size_t n = entity_marks(json_object_get(rec, "tags"), marks);
    body_html(&sb, jstr(rec, "body"), marks, n);
    free(marks);
    html_page_end(&sb);
    return sb_take(&sb);
}
