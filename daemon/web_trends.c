/* The dashboard's Trends page: the most tagged entities and topics over
 * 24 hours and 7 days, each with a sparkline (tag_trends.h). */
#include "tag_trends.h"
#include "web_html.h"
#include "web_pages.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define TOP 15

/* One row's counts in bins of `bin` hours, as a small SVG polyline. */
static void sparkline(struct strbuf *sb, const struct trend_row *r, unsigned hours, unsigned bin)
{
    unsigned n = hours / bin;
    uint32_t v[TRENDS_HOURS] = {0}, max = 1;
    for (unsigned k = 0; k < hours; k++)
        v[k / bin] += r->per_hour[k];
    for (unsigned i = 0; i < n; i++)
        if (v[i] > max)
            max = v[i];
    sb_printf(sb, "<svg class=\"spark\" viewBox=\"0 0 %u 22\" preserveAspectRatio=\"none\"><polyline points=\"",
              n - 1);
    for (unsigned i = 0; i < n; i++)
        sb_printf(sb, "%u,%.1f ", i, 21.0 - 20.0 * v[i] / max);
    sb_printf(sb, "\"/></svg>");
}

static void top_table(struct strbuf *sb, const char *title, const char *prefix, unsigned hours, unsigned bin,
                      int64_t now_ms)
{
    struct trend_row *rows = xcalloc(TOP, sizeof *rows);
    size_t n = tag_trends_top(prefix, hours, now_ms, rows, TOP);
    sb_printf(sb, "<div class=\"trend\"><h3>%s</h3>", title);
    if (!n) {
        sb_printf(sb, "<p class=\"empty\">None tagged yet.</p></div>");
        free(rows);
        return;
    }
    sb_printf(sb, "<table><tr><th>Tag</th><th>Articles</th><th>Per %u h</th></tr>\n", bin);
    for (size_t i = 0; i < n; i++) {
        sb_printf(sb, "<tr><td><a href=\"/search?tag=");
        html_url_value(sb, rows[i].name);
        sb_printf(sb, "\">");
        html_text(sb, rows[i].name + strlen(prefix));
        sb_printf(sb, "</a></td><td class=\"num\">%u</td><td>", rows[i].total);
        sparkline(sb, &rows[i], hours, bin);
        sb_printf(sb, "</td></tr>\n");
    }
    sb_printf(sb, "</table></div>");
    free(rows);
}

char *web_page_trends(int64_t now_ms)
{
    struct strbuf sb = {0};
    int full;
    size_t names = tag_trends_names(&full);
    html_page_start(&sb, WEB_PAGE_TRENDS, "Trends", 60);
    sb_printf(&sb, "<p class=\"hint\">entity: and topic: tags of the articles archived over the last 7 days "
                   "(kept across restarts in the state folder's trends.dat); %zu tags followed%s.</p>\n", names,
              full ? ", the limit: newer ones are not" : "");
    sb_printf(&sb, "<h2>Last 24 hours</h2><div class=\"trends\">");
    top_table(&sb, "Entities", "entity:", 24, 1, now_ms);
    top_table(&sb, "Topics", "topic:", 24, 1, now_ms);
    sb_printf(&sb, "</div>\n<h2>Last 7 days</h2><div class=\"trends\">");
    top_table(&sb, "Entities", "entity:", TRENDS_HOURS, 6, now_ms);
    top_table(&sb, "Topics", "topic:", TRENDS_HOURS, 6, now_ms);
    sb_printf(&sb, "</div>\n");
    html_page_end(&sb);
    return sb_take(&sb);
}
