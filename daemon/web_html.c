/* Escaping and the page frame of the web dashboard; see web_html.h. */
#include "web_html.h"

#include <string.h>

void html_text_n(struct strbuf *sb, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case '\0': rep = "\xef\xbf\xbd"; break;   /* U+FFFD: a NUL ends nothing */
        default: continue;
        }
        if (i > run)
            sb_printf(sb, "%.*s", (int)(i - run), s + run);
        sb_printf(sb, "%s", rep);
        run = i + 1;
    }
    if (n > run)
        sb_printf(sb, "%.*s", (int)(n - run), s + run);
}

void html_text(struct strbuf *sb, const char *s)
{
    html_text_n(sb, s, strlen(s));
}

void html_url_value(struct strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '_' || *p == '.' || *p == '~')
            sb_printf(sb, "%c", *p);
        else
            sb_printf(sb, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

static const struct {
    const char *href, *label;
} nav[] = {
    [WEB_PAGE_OVERVIEW] = {"/", "Overview"},
    [WEB_PAGE_SEARCH] = {"/search", "Search"},
    [WEB_PAGE_TRENDS] = {"/trends", "Trends"},
    [WEB_PAGE_FAILED] = {"/failed", "Failed"},
    [WEB_PAGE_ALERTS] = {"/alerts", "Alerts"},
};

void html_page_start(struct strbuf *sb, enum web_page here, const char *title, unsigned refresh_s)
{
    sb_printf(sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<title>");
    html_text(sb, title);
    sb_printf(sb, " \xe2\x80\x94 newsd</title><link rel=\"icon\" href=\"/assets/icon.svg\"><link rel=\"stylesheet\" href=\"/assets/style.css\">"
                  "<script src=\"/assets/refresh.js\" defer></script></head>\n"
                  "<body data-refresh=\"%u\"><header><strong>newsd</strong>", refresh_s);
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++)
        sb_printf(sb, "<a href=\"%s\"%s>%s</a>", nav[i].href, (size_t)here == i ? " class=\"here\"" : "",
                  nav[i].label);
    sb_printf(sb, "</header>\n<main><h1>");
    html_text(sb, title);
    sb_printf(sb, "</h1>\n");
}

void html_page_end(struct strbuf *sb)
{
    sb_printf(sb, "</main></body></html>\n");
}
