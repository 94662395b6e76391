/*
 * HTML for the web dashboard.  Everything that came from outside (article
 * fields, file names, failure reasons) is hostile: it reaches a page only
 * through html_text(), which escapes all five HTML metacharacters, so the
 * same call is safe in element text and in a quoted attribute.
 */
#ifndef NEWSD_WEB_HTML_H
#define NEWSD_WEB_HTML_H

#include "metrics.h"   /* struct strbuf */

#include <stddef.h>

/* Append s escaped (& < > " '). */
void html_text(struct strbuf *sb, const char *s);
/* Append the first n bytes of s escaped. */
void html_text_n(struct strbuf *sb, const char *s, size_t n);
/* Append s percent-encoded for a URL's query value (then safe in HTML too). */
void html_url_value(struct strbuf *sb, const char *s);

/* The dashboard's pages, in the order of the navigation bar. */
enum web_page { WEB_PAGE_OVERVIEW, WEB_PAGE_SEARCH, WEB_PAGE_TRENDS, WEB_PAGE_FAILED, WEB_PAGE_ALERTS, WEB_PAGE_NONE };

/* The page's start: head (stylesheet, script), navigation, <main>, <h1>
 * title.  refresh_s > 0: the page reloads itself that often. */
void html_page_start(struct strbuf *sb, enum web_page here, const char *title, unsigned refresh_s);
void html_page_end(struct strbuf *sb);

#endif
