/*
 * Unit tests for HTML articles (parse_article on pages written here):
 * charsets, the main-content extractor, every metadata source and their
 * conflicts, pages without an article, and broken markup (unclosed tags,
 * NUL bytes, a 10 MB page, 100,000 nested divs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"

/* ---- helpers ---------------------------------------------------------- */

/* Three paragraphs of article text, long enough to be an article. */
#define ARTICLE_P                                                                          \
    "<p>The city council approved the new budget on Tuesday, after a debate that lasted " \
    "well into the night, and the mayor said the vote was a relief for everyone.</p>"     \
    "<p>Under the plan, schools receive more money for teachers, while the road repair "  \
    "programme is delayed by a year, a compromise that neither side liked.</p>"            \
    "<p>Critics warned that the reserves would run low by next spring, but the finance "  \
    "director insisted the numbers were sound and the risks small.</p>"

static struct parsed_article parse_ok(const char *html, size_t len, const char *name)
{
    struct parsed_article a;
    char *err = NULL;
    int rc = parse_article((const unsigned char *)html, len, name, &a, &err);
    if (rc != 0)
        fail_msg("%s: expected an article, got: %s", name, err ? err : "(no message)");
    free(err);
    return a;
}

static struct parsed_article parse_str(const char *html)
{
    return parse_ok(html, strlen(html), "page.html");
}

static char *parse_err(const char *html, size_t len, const char *name)
{
    struct parsed_article a;
    char *err = NULL;
    int rc = parse_article((const unsigned char *)html, len, name, &a, &err);
    if (rc == 0) {
        fail_msg("%s: expected an error, got an article titled %s", name,
                 a.title ? a.title : "(none)");
        parsed_article_clear(&a);
    }
    assert_non_null(err);
    return err;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("expected \"%s\" in:\n%s", needle, hay ? hay : "(null)");
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (hay && strstr(hay, needle))
        fail_msg("did not expect \"%s\" in:\n%s", needle, hay);
}

/* A page of head + body. */
static char *page(const char *head, const char *body)
{
    char *s = NULL;
    if (asprintf(&s, "<!DOCTYPE html><html><head>%s</head><body>%s</body></html>", head,
                 body) < 0)
        return NULL;
    return s;
}

/* ---- detection -------------------------------------------------------- */

static void test_detected_by_content(void **state)
{
    (void)state;
    char *html = page("<title>Budget passes</title>", "<article>" ARTICLE_P "</article>");
    struct parsed_article a = parse_ok(html, strlen(html), "article.txt");
    assert_string_equal(a.format, "html");
    parsed_article_clear(&a);
    a = parse_ok(html, strlen(html), "noext");
    assert_string_equal(a.format, "html");
    parsed_article_clear(&a);
    free(html);

    /* A .html file of plain text is text. */
    const char *plain = "Budget passes\n\nThe city council approved the new budget.\n";
    a = parse_ok(plain, strlen(plain), "article.html");
    assert_string_equal(a.format, "text");
    assert_string_equal(a.title, "Budget passes");
    parsed_article_clear(&a);

    /* Text that mentions a tag is still text. */
    const char *mention = "How to write HTML\n\nA page starts with <html> and ends with </html>.\n";
    a = parse_ok(mention, strlen(mention), "howto.txt");
    assert_string_equal(a.format, "text");
    parsed_article_clear(&a);

    /* A fragment without <html> in a .html file, after a comment. */
    const char *frag = "<!-- saved -->\n<div>" ARTICLE_P "</div>";
    a = parse_ok(frag, strlen(frag), "x.htm");
    assert_string_equal(a.format, "html");
    assert_contains(a.body, "approved the new budget");
    parsed_article_clear(&a);
}

/* ---- charsets --------------------------------------------------------- */

static void test_charset_declared_windows_1252(void **state)
{
    (void)state;
    /* "Müller" and a euro sign in windows-1252 bytes. */
    char *html = page("<meta charset=\"windows-1252\"><title>M\xFCller</title>",
                      "<article><p>Herr M\xFCller zahlt 5 \x80 f\xFCr den Kaffee, sagt er, "
                      "und findet das teuer.</p>" ARTICLE_P "</article>");
    struct parsed_article a = parse_str(html);
    assert_string_equal(a.encoding, "windows-1252");
    assert_string_equal(a.title, "M\xC3\xBCller");
    assert_contains(a.body, "Herr M\xC3\xBCller zahlt 5 \xE2\x82\xAC f\xC3\xBCr");
    parsed_article_clear(&a);
    free(html);

    /* iso-8859-1 is a label of windows-1252, as in browsers. */
    html = page("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">",
                "<article><p>Stra\xDF" "e und Gr\xFC\xDF" "e aus K\xF6ln, wo es regnet und "
                "alle drinnen bleiben.</p>" ARTICLE_P "</article>");
    a = parse_str(html);
    assert_string_equal(a.encoding, "windows-1252");
    assert_contains(a.body, "Stra\xC3\x9F" "e und Gr\xC3\xBC\xC3\x9F" "e aus K\xC3\xB6ln");
    parsed_article_clear(&a);
    free(html);
}

static void test_charset_declared_wrong(void **state)
{
    (void)state;
    /* Says UTF-8, is windows-1252: the bytes are no UTF-8, the detector
     * decides. */
    char *html = page("<meta charset=\"utf-8\">",
                      "<article><p>Die Gr\xFCnen fordern h\xF6here Geb\xFChren f\xFCr "
                      "gro\xDF" "e Autos in der Innenstadt, w\xE4hrend die \xDC" "brigen "
                      "Parteien z\xF6gern.</p>" ARTICLE_P "</article>");
    struct parsed_article a = parse_str(html);
    assert_string_equal(a.encoding, "windows-1252");
    assert_contains(a.body, "Die Gr\xC3\xBCnen fordern h\xC3\xB6here Geb\xC3\xBChren");
    parsed_article_clear(&a);
    free(html);

    /* UTF-8 but for one stray byte (a widget's Latin-1 "ü"): UTF-8, the
     * byte replaced, not windows-1252 for the whole page. */
    html = page("<meta charset=\"utf-8\"><img alt=\"K\xFC" "chenblogs\">",
                "<article><p>Die Gr\xC3\xBCnen fordern h\xC3\xB6here Geb\xC3\xBChren f\xC3\xBCr "
                "gro\xC3\x9F" "e Autos in der Innenstadt, w\xC3\xA4hrend die \xC3\x9C" "brigen "
                "Parteien z\xC3\xB6gern, sagt S\xC3\xBC\xC3\x9F.</p>" ARTICLE_P "</article>");
    a = parse_str(html);
    assert_string_equal(a.encoding, "utf-8");
    assert_contains(a.body, "Die Gr\xC3\xBCnen fordern h\xC3\xB6here");
    assert_lacks(a.body, "\xC3\x83");   /* no mojibake "Ã" */
    parsed_article_clear(&a);
    free(html);

    /* Too few good characters for the stray ones (four to two): no UTF-8. */
    html = page("<title>Caf\xC3\xA9 Caf\xC3\xA9 Caf\xC3\xA9</title>",
                "<article><p>Herr M\xFCller trinkt im Caf\xC3\xA9 am Markt, sagt er, und findet das "
                "gro\xDF" "e Glas teuer.</p>" ARTICLE_P "</article>");
    a = parse_str(html);
    assert_string_equal(a.encoding, "windows-1252");
    assert_contains(a.body, "Herr M\xC3\xBCller trinkt");
    parsed_article_clear(&a);
    free(html);

    /* A declared windows-1252 page with a language menu in UTF-8 (56
     * characters beyond ASCII to the article's three) keeps its charset:
     * its own umlauts decode in it. */
#define MENU_RU "\xD0\xA0\xD1\x83\xD1\x81\xD1\x81\xD0\xBA\xD0\xB8\xD0\xB9 "
    html = page("<meta charset=\"windows-1252\"><nav>" MENU_RU MENU_RU MENU_RU MENU_RU MENU_RU MENU_RU MENU_RU
                MENU_RU "</nav>",
                "<article><p>Die B\xFCrgermeisterin er\xF6" "ffnet die Stra\xDF" "enbahnlinie am Montag, "
                "sagt sie, und alle freuen sich.</p>" ARTICLE_P "</article>");
#undef MENU_RU
    a = parse_str(html);
    assert_string_equal(a.encoding, "windows-1252");
    assert_contains(a.body, "Die B\xC3\xBCrgermeisterin er\xC3\xB6" "ffnet");
    parsed_article_clear(&a);
    free(html);

    /* Says iso-8859-1, is UTF-8: valid UTF-8 wins. */
    html = page("<meta charset=\"iso-8859-1\">",
                "<article><p>Die Gr\xC3\xBCnen fordern h\xC3\xB6here Geb\xC3\xBChren f\xC3\xBCr "
                "gro\xC3\x9F" "e Autos.</p>" ARTICLE_P "</article>");
    a = parse_str(html);
    assert_string_equal(a.encoding, "utf-8");
    assert_contains(a.body, "Die Gr\xC3\xBCnen fordern");
    assert_lacks(a.body, "\xC3\x83");   /* no mojibake "Ã" */
    parsed_article_clear(&a);
    free(html);
}

/* "東京で新しい研究所が開かれました。..." in Shift-JIS. */
#define SJIS_TEXT                                                                          \
    "\x93\x8C\x8B\x9E\x82\xC5\x90\x56\x82\xB5\x82\xA2\x8C\xA4\x8B\x86\x8F\x8A\x82\xAA\x8A" \
    "\x4A\x82\xA9\x82\xEA\x82\xDC\x82\xB5\x82\xBD\x81\x42\x8C\xA4\x8B\x86\x8E\xD2\x82\xBD" \
    "\x82\xBF\x82\xCD\x90\x6C\x8D\x48\x92\x6D\x94\x5C\x82\xCC\x88\xC0\x91\x53\x90\xAB\x82" \
    "\xC9\x82\xC2\x82\xA2\x82\xC4\x8B\x63\x98\x5F\x82\xB5\x82\xDC\x82\xB5\x82\xBD\x81\x42" \
    "\x91\xBD\x82\xAD\x82\xCC\x8A\xE9\x8B\xC6\x82\xAA\x82\xB1\x82\xCC\x8E\xE6\x82\xE8\x91" \
    "\x67\x82\xDD\x82\xC9\x8E\x51\x89\xC1\x82\xB5\x82\xC4\x82\xA2\x82\xDC\x82\xB7\x81\x42"
/* "東京で新しい研究" in UTF-8. */
#define TOKYO_UTF8 "\xE6\x9D\xB1\xE4\xBA\xAC\xE3\x81\xA7\xE6\x96\xB0\xE3\x81\x97\xE3\x81\x84" \
                   "\xE7\xA0\x94\xE7\xA9\xB6"

static void test_charset_shift_jis(void **state)
{
    (void)state;
    const char *body = "<article><p>" SJIS_TEXT "</p><p>" SJIS_TEXT "</p><p>" SJIS_TEXT
                       "</p></article>";
    char *html = page("<meta charset=\"Shift_JIS\">", body);
    struct parsed_article a = parse_str(html);
    assert_string_equal(a.encoding, "shift_jis");
    assert_contains(a.body, TOKYO_UTF8);
    parsed_article_clear(&a);
    free(html);

    /* Nothing declared: the detector recognises it. */
    html = page("", body);
    a = parse_str(html);
    assert_string_equal(a.encoding, "shift_jis");
    assert_contains(a.body, TOKYO_UTF8);
    parsed_article_clear(&a);
    free(html);
}

static void test_charset_utf16(void **state)
{
    (void)state;
    char *html = page("<meta charset=\"utf-16\"><title>Caf\xC3\xA9 news</title>",
                      "<article>" ARTICLE_P "</article>");
    /* To UTF-16LE with a BOM (the page is ASCII but for the é). */
    size_t n = strlen(html);
    unsigned char *u16 = malloc(2 + 2 * n);
    size_t w = 0;
    u16[w++] = 0xFF;
    u16[w++] = 0xFE;
    for (size_t i = 0; i < n; i++) {
        unsigned cp = (unsigned char)html[i];
        if (cp == 0xC3) {
            cp = 0xC0 | ((unsigned char)html[++i] & 0x3F);
        }
        u16[w++] = (unsigned char)(cp & 0xFF);
        u16[w++] = (unsigned char)(cp >> 8);
    }
    struct parsed_article a = parse_ok((const char *)u16, w, "utf16.html");
    assert_string_equal(a.format, "html");
    assert_string_equal(a.encoding, "utf-16le");
    assert_string_equal(a.title, "Caf\xC3\xA9 news");
    assert_contains(a.body, "approved the new budget");
    parsed_article_clear(&a);
    free(u16);
    free(html);
}

static void test_output_is_nfc(void **state)
{
    (void)state;
    /* "é" written as e + combining acute comes out composed. */
    char *html = page("<title>Cafe\xCC\x81</title>",
                      "<article><p>The cafe\xCC\x81 on the corner closed after forty years, "
                      "and the neighbours held a farewell party.</p>" ARTICLE_P "</article>");
    struct parsed_article a = parse_str(html);
    assert_string_equal(a.title, "Caf\xC3\xA9");
    assert_contains(a.body, "The caf\xC3\xA9 on the corner");
    parsed_article_clear(&a);
    free(html);
}

/* ---- the extractor ---------------------------------------------------- */

static void test_boilerplate_removed(void **state)
{
    (void)state;
    char *html = page(
        "<title>Budget passes | City Times</title>",
        "<div id=\"cookie-banner\">We use cookies to improve your experience. Accept all "
        "cookies or manage your settings.</div>"
        "<header><nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/politics\">Politics"
        "</a></li><li><a href=\"/sport\">Sport</a></li></ul></nav></header>"
        "<div class=\"layout\"><main><article><h1>Budget passes</h1>"
        "<div class=\"share-buttons\"><a href=\"#\">Share on Facebook</a> <a href=\"#\">"
        "Tweet this</a></div>"
        "<div class=\"article-body\"><div><time datetime=\"2024-03-01\">Published 1 March "
        "2024, 10:15</time></div><div>Updated: <time>2 March 2024</time></div>" ARTICLE_P
        "<h2>What happens next</h2><p>The budget takes effect in January, when the first "
        "payments to schools are due, the finance office said.</p>"
        "<ul><li>More teachers in the autumn</li><li>Road repairs in a year</li></ul>"
        "<p>The vote was held on <time>Tuesday</time> night.</p>"
        "<h3>More on the budget</h3><ul><li><a href=\"/1\">Budget explained in five "
        "charts</a></li><li><a href=\"/2\">What the council spends on roads</a></li></ul>"
        "</div>"
        "<div class=\"related-articles\"><h3>Related</h3><ul><li><a href=\"/a\">Council "
        "debates parking fees again</a></li><li><a href=\"/b\">Mayor opens new library in "
        "the north</a></li></ul></div>"
        "</article></main>"
        "<aside class=\"sidebar\"><div class=\"teaser\"><a href=\"/c\">Most read: a "
        "dog rescues a cat from a tree</a></div></aside></div>"
        "<section class=\"comments\"><h3>Leave a comment</h3><form><textarea></textarea>"
        "<button>Post comment</button></form></section>"
        "<footer><p>Copyright 2024 City Times. All rights reserved.</p></footer>");
    struct parsed_article a = parse_str(html);
    assert_contains(a.body, "The city council approved the new budget");
    assert_contains(a.body, "the risks small.");
    /* Headings stay, as paragraphs; list items are lines. */
    assert_contains(a.body, "\n\nWhat happens next\n\nThe budget takes effect");
    assert_contains(a.body, "More teachers in the autumn\nRoad repairs in a year");
    /* A <time> in a sentence stays; datelines and the heading of a
     * dropped link list go. */
    assert_contains(a.body, "The vote was held on Tuesday night.");
    static const char *const junk[] = {
        "cookies", "Home", "Share on Facebook", "Tweet", "Related", "parking fees",
        "Most read", "Leave a comment", "Post comment", "Copyright", "All rights",
        "Published", "Updated", "More on the budget", "five charts",
    };
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++)
        assert_lacks(a.body, junk[i]);
    /* The headline is the title, not the first line of the body. */
    assert_string_equal(a.title, "Budget passes");
    assert_lacks(a.body, "Budget passes");
    parsed_article_clear(&a);
    free(html);
}

static void test_two_articles(void **state)
{
    (void)state;
    /* The page's article and, below it, a shorter one from the same site. */
    char *html = page(
        "<title>Budget passes</title>",
        "<main><article class=\"story\"><h1>Budget passes</h1>" ARTICLE_P
        "<p>The next council meeting is planned for March, when the parking rules are on the "
        "agenda again, a spokesperson confirmed.</p></article>"
        "<article class=\"story\"><h2>Zoo welcomes twin pandas</h2><p>The city zoo "
        "announced the birth of twin pandas, the first in its history, and plans to show "
        "them to visitors in summer.</p></article></main>");
    struct parsed_article a = parse_str(html);
    assert_contains(a.body, "approved the new budget");
    assert_contains(a.body, "parking rules are on the agenda");
    assert_lacks(a.body, "pandas");
    parsed_article_clear(&a);
    free(html);
}

static void test_comments_longer_than_article(void **state)
{
    (void)state;
    char comments[16384] = "";
    for (int i = 0; i < 12; i++) {
        char one[1024];
        snprintf(one, sizeof one,
                 "<li class=\"comment\"><div class=\"comment-body\"><p>Reader %d writes: I "
                 "have lived in this city for thirty years, and I have never seen a budget "
                 "debate like this one, with so many promises, so little money, and so few "
                 "answers to the questions that matter to families.</p></div></li>",
                 i);
        strcat(comments, one);
    }
    char *body = NULL;
    assert_true(asprintf(&body,
                         "<div class=\"post\"><h1>Budget passes</h1><div class=\"entry\">"
                         ARTICLE_P "</div></div><div id=\"comments\"><h2>12 comments</h2>"
                         "<ol class=\"comment-list\">%s</ol></div>",
                         comments) > 0);
    char *html = page("<title>Budget passes</title>", body);
    struct parsed_article a = parse_str(html);
    assert_contains(a.body, "approved the new budget");
    assert_lacks(a.body, "Reader");
    assert_lacks(a.body, "12 comments");
    parsed_article_clear(&a);
    free(html);
    free(body);
}

static void test_lead_and_split_article(void **state)
{
    (void)state;
    /* The lead sits in the article's header, outside the block of
     * paragraphs; it comes first. */
    char *html = page("<title>Budget passes</title>",
                      "<article><header><h1>Budget passes</h1><p class=\"article-intro\">After "
                      "a long night the council agreed on a budget that pleases nobody.</p>"
                      "</header><div class=\"article-body\">" ARTICLE_P "</div></article>");
    struct parsed_article a = parse_str(html);
    assert_contains(a.body, "pleases nobody.\n\nThe city council approved");
    parsed_article_clear(&a);
    free(html);

    /* An article split over the rows of a grid, an ad between them. */
    html = page("<title>Budget passes</title>",
                "<div class=\"page\"><div class=\"row text\"><div class=\"col\">" ARTICLE_P
                "</div><aside class=\"ad\">Advertisement</aside></div>"
                "<div class=\"row text\"><div class=\"col\"><p>The second half of the article "
                "begins here, after the advertisement, with more on the schools and what the "
                "money will pay for.</p><p>Teachers' unions welcomed the plan, saying it was "
                "overdue, but warned that one budget would not fix years of cuts.</p></div></div>"
                "<div class=\"row footer-links\"><a href=\"/a\">About us</a> <a href=\"/b\">"
                "Contact</a></div></div>");
    a = parse_str(html);
    assert_contains(a.body, "approved the new budget");
    assert_contains(a.body, "The second half of the article");
    assert_contains(a.body, "years of cuts.");
    assert_lacks(a.body, "Advertisement");
    assert_lacks(a.body, "Contact");
    parsed_article_clear(&a);
    free(html);
}

static void test_text_only_in_jsonld(void **state)
{
    (void)state;
    /* A script-rendered page: the text is in the JSON-LD and nowhere else. */
    char *html = page(
        "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
        "\"@type\":\"NewsArticle\",\"headline\":\"Budget passes\",\"articleBody\":"
        "\"The city council approved the new budget on Tuesday, after a debate that lasted "
        "well into the night.\\n\\nUnder the plan, schools receive more money for teachers, "
        "while the road repair programme is delayed by a year.\"}</script>",
        "<div id=\"app\"></div><noscript>Please enable JavaScript.</noscript>");
    struct parsed_article a = parse_str(html);
    assert_string_equal(a.title, "Budget passes");
    assert_contains(a.body, "The city council approved the new budget on Tuesday");
    assert_contains(a.body, "night.\n\nUnder the plan");
    assert_lacks(a.body, "JavaScript");
    parsed_article_clear(&a);
    free(html);
}

static void test_no_article(void **state)
{
    (void)state;
    /* An index page: headlines, all links. */
    char list[8192] = "";
    for (int i = 0; i < 30; i++) {
        char one[256];
        snprintf(one, sizeof one,
                 "<li><a href=\"/news/%d\">Council story number %d: what the vote means for "
                 "you</a></li>",
                 i, i);
        strcat(list, one);
    }
    char *body = NULL;
    assert_true(asprintf(&body, "<main><h1>Latest news</h1><ul>%s</ul></main>", list) > 0);
    char *html = page("<title>Latest news</title>", body);
    char *err = parse_err(html, strlen(html), "index.html");
    assert_contains(err, "no article in the page");
    free(err);
    free(html);
    free(body);

    /* A front page of teasers, each an <article> with a summary. */
    char teasers[8192] = "";
    for (int i = 0; i < 8; i++) {
        char one[512];
        snprintf(one, sizeof one,
                 "<article class=\"card\"><h2><a href=\"/s/%d\">Story %d</a></h2><p>A "
                 "summary of story %d, long enough to read like a paragraph of an article, "
                 "with a comma, and another.</p></article>",
                 i, i, i);
        strcat(teasers, one);
    }
    body = NULL;
    assert_true(asprintf(&body, "<main><div class=\"stories\">%s</div></main>", teasers) > 0);
    html = page("<title>Front page</title><meta property=\"og:type\" content=\"website\">",
                body);
    err = parse_err(html, strlen(html), "front.html");
    assert_contains(err, "teasers");
    free(err);
    free(html);
    free(body);

    /* A login wall. */
    html = page("<title>Sign in</title>",
                "<div class=\"login\"><h1>Please sign in</h1><form><input name=\"user\">"
                "<input type=\"password\"><button>Sign in</button></form><p>Subscribers "
                "only.</p></div>");
    err = parse_err(html, strlen(html), "wall.html");
    assert_contains(err, "no article in the page");
    free(err);
    free(html);

    /* Empty. */
    html = page("<title>Nothing</title>", "");
    err = parse_err(html, strlen(html), "empty.html");
    assert_contains(err, "no article in the page");
    free(err);
    free(html);
}

/* ---- metadata --------------------------------------------------------- */

#define JSONLD                                                                       \
    "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","    \
    "\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"Graph Site\"},{\"@type\":"       \
    "\"NewsArticle\",\"headline\":\"LD headline\",\"author\":[{\"@type\":\"Person\"," \
    "\"name\":\"Ann LD\"},{\"@type\":\"Person\",\"name\":\"Bob LD\"}],"             \
    "\"datePublished\":\"2024-03-01T10:00:00+01:00\",\"inLanguage\":\"de-DE\","     \
    "\"url\":\"https://ld.example/a\",\"publisher\":{\"name\":\"LD Publisher\"}}]}"  \
    "</script>"
#define OG                                                                           \
    "<meta property=\"og:title\" content=\"OG headline\">"                          \
    "<meta property=\"og:site_name\" content=\"OG Site\">"                          \
    "<meta property=\"og:url\" content=\"https://og.example/a\">"                   \
    "<meta property=\"og:locale\" content=\"fr_FR\">"                               \
    "<meta property=\"article:published_time\" content=\"2024-03-02T08:00:00Z\">"   \
    "<meta property=\"article:author\" content=\"Olga OG\">"
#define META                                                                         \
    "<meta name=\"author\" content=\"By Max Meta\">"                                \
    "<meta name=\"date\" content=\"2024-03-03\">"                                   \
    "<meta name=\"twitter:title\" content=\"Meta headline\">"                       \
    "<link rel=\"canonical\" href=\"https://canonical.example/a\">"
#define TITLE "<title>Title headline | The Site</title>"
#define TIME_H1 "<h1>H1 headline</h1><time datetime=\"2024-03-04T09:30\">4 March</time>"

static struct parsed_article meta_page(const char *head, const char *top, const char *lang)
{
    char *body = NULL;
    assert_true(asprintf(&body, "<article>%s" ARTICLE_P "</article>", top) > 0);
    char *html = NULL;
    assert_true(asprintf(&html, "<html lang=\"%s\"><head>%s</head><body>%s</body></html>",
                         lang, head, body) > 0);
    struct parsed_article a = parse_str(html);
    free(html);
    free(body);
    return a;
}

static void test_meta_preference(void **state)
{
    (void)state;
    /* Every source says something else: JSON-LD wins. */
    struct parsed_article a = meta_page(JSONLD OG META TITLE, TIME_H1, "en");
    assert_string_equal(a.title, "LD headline");
    assert_string_equal(a.author, "Ann LD, Bob LD");
    assert_string_equal(a.published, "2024-03-01T10:00:00+01:00");
    assert_string_equal(a.url, "https://ld.example/a");
    assert_string_equal(a.lang, "de");
    assert_string_equal(a.site, "Graph Site");
    parsed_article_clear(&a);

    /* Without JSON-LD: OpenGraph and article: meta. */
    a = meta_page(OG META TITLE, TIME_H1, "en");
    assert_string_equal(a.title, "OG headline");
    assert_string_equal(a.author, "Olga OG");
    assert_string_equal(a.published, "2024-03-02T08:00:00Z");
    assert_string_equal(a.url, "https://og.example/a");
    assert_string_equal(a.lang, "fr");
    assert_string_equal(a.site, "OG Site");
    parsed_article_clear(&a);

    /* Then <meta name>, <link rel=canonical>, <html lang>. */
    a = meta_page(META TITLE, TIME_H1, "en-GB");
    assert_string_equal(a.title, "Meta headline");
    assert_string_equal(a.author, "Max Meta");
    assert_string_equal(a.published, "2024-03-03");
    assert_string_equal(a.url, "https://canonical.example/a");
    assert_string_equal(a.lang, "en");
    assert_null(a.site);
    parsed_article_clear(&a);

    /* Then <time datetime> and <title> without the site's name. */
    a = meta_page(TITLE, TIME_H1, "en");
    assert_string_equal(a.title, "Title headline");
    assert_string_equal(a.published, "2024-03-04T09:30:00");
    assert_null(a.author);
    assert_null(a.url);
    parsed_article_clear(&a);

    /* Last, the first <h1>. */
    a = meta_page("", TIME_H1, "en");
    assert_string_equal(a.title, "H1 headline");
    parsed_article_clear(&a);
}

static void test_meta_title_refined_by_h1(void **state)
{
    (void)state;
    /* og:title carries a kicker and the site; the visible headline is
     * the title. */
    struct parsed_article a =
        meta_page("<meta property=\"og:title\" content=\"Politics: Budget passes after long "
                  "night - City Times\">",
                  "<h1><span class=\"kicker\">Politics</span> <span>Budget passes after long "
                  "night</span></h1>",
                  "en");
    assert_string_equal(a.title, "Budget passes after long night");
    parsed_article_clear(&a);

    /* An h1 unrelated to the title (the site's logo) changes nothing. */
    a = meta_page("<meta property=\"og:title\" content=\"Budget passes after long night\">",
                  "<h1>City Times</h1>", "en");
    assert_string_equal(a.title, "Budget passes after long night");
    parsed_article_clear(&a);

    /* A reference escaped twice in og:title is decoded. */
    a = meta_page("<meta property=\"og:title\" content=\"Budget &amp;#8211; the vote\">", "",
                  "en");
    assert_string_equal(a.title, "Budget \xE2\x80\x93 the vote");
    parsed_article_clear(&a);
}

static void test_meta_dates(void **state)
{
    (void)state;
    /* A date in the future is no publication date: the next source is. */
    struct parsed_article a = meta_page(
        "<script type=\"application/ld+json\">{\"@type\":\"Article\",\"headline\":\"X\","
        "\"datePublished\":\"2999-01-01T00:00:00Z\"}</script>"
        "<meta property=\"article:published_time\" content=\"2024-02-29T23:15:00-05:00\">",
        "", "en");
    assert_string_equal(a.published, "2024-02-29T23:15:00-05:00");
    parsed_article_clear(&a);

    /* A date only in a script is no publication date. */
    a = meta_page("<script>var pubDate = \"2020-01-01\"; window.date='2020-01-01';</script>",
                  "<script>document.write('<time datetime=\"2020-01-01\">')</script>", "en");
    assert_null(a.published);
    parsed_article_clear(&a);

    /* Formats: German, RFC 822, compact. */
    a = meta_page("<meta name=\"date\" content=\"19.10.2019\">", "", "de");
    assert_string_equal(a.published, "2019-10-19");
    parsed_article_clear(&a);
    a = meta_page("<meta name=\"date\" content=\"Sat, 19 Oct 2019 10:00:00 GMT\">", "", "en");
    assert_string_equal(a.published, "2019-10-19");
    parsed_article_clear(&a);
    a = meta_page("<meta name=\"date\" content=\"not a date\">", "", "en");
    assert_null(a.published);
    parsed_article_clear(&a);
}

static void test_meta_visible_headline(void **state)
{
    (void)state;
    /* The metadata title is another wording of the visible headline (for
     * search engines): the headline the reader sees is the title. */
    struct parsed_article a = meta_page(
        "<meta property=\"og:title\" content=\"Budget: council passes plan after night\">",
        "<h1>The council passes the budget plan after a long night</h1>", "en");
    assert_string_equal(a.title, "The council passes the budget plan after a long night");
    parsed_article_clear(&a);

    /* A heading with few of the title's words is some other heading. */
    a = meta_page("<meta property=\"og:title\" content=\"Council passes budget after night\">",
                  "<h1>Weather warning for the weekend</h1>", "en");
    assert_string_equal(a.title, "Council passes budget after night");
    parsed_article_clear(&a);

    /* The visible headline is the title plus a kicker: the title stays. */
    a = meta_page("<meta property=\"og:title\" content=\"Council passes budget after night\">",
                  "<h1>Politics Council passes budget after night</h1>", "en");
    assert_string_equal(a.title, "Council passes budget after night");
    parsed_article_clear(&a);

    /* The page's <h1> is the last entry of a breadcrumb: the article's
     * <h2> is its headline, and its headline span without the kicker is
     * the title. */
    a = parse_str("<html><head><meta property=\"og:title\" content=\"Politics: Council passes "
                  "budget after night\"></head><body><nav><ol><li><a href=\"/\">Home</a></li>"
                  "<li><h1>Politics: Council passes budget after night</h1></li></ol></nav>"
                  "<article><h2><span>Politics</span> <span>Council passes budget after "
                  "night</span></h2>" ARTICLE_P "</article></body></html>");
    assert_string_equal(a.title, "Council passes budget after night");
    parsed_article_clear(&a);

    /* Under a breadcrumb <h1>, an <h2> worded otherwise than the
     * publisher's title is only a fallback: it does not replace a title
     * the metadata gives. */
    a = parse_str("<html><head><meta property=\"og:title\" content=\"Council passes the "
                  "city budget after a long night\"></head><body><nav><ol><li><a "
                  "href=\"/\">Home</a></li><li><h1>Council passes the city budget after a "
                  "long night</h1></li></ol></nav><article><h2>City budget: council passes it "
                  "after a night</h2>" ARTICLE_P "</article></body></html>");
    assert_string_equal(a.title, "Council passes the city budget after a long night");
    parsed_article_clear(&a);

    /* With a real <h1> on the page, an <h2> is a section heading. */
    a = parse_str("<html><head><meta property=\"og:title\" content=\"Council passes budget "
                  "after night\"></head><body><h1>Council passes budget after night</h1>"
                  "<article><h2>Budget passes after night</h2>" ARTICLE_P
                  "</article></body></html>");
    assert_string_equal(a.title, "Council passes budget after night");
    parsed_article_clear(&a);
}

static void test_meta_header_date(void **state)
{
    (void)state;
    /* <meta name=date> is a later day (the last change) than the date line
     * under the headline: the article appeared on the earlier one. */
    struct parsed_article a =
        meta_page("<meta name=\"date\" content=\"2020-04-29T11:52:23\">",
                  "<h1>Data of a company leaked</h1><p><span>Stand: 28.04.2020 18:00 "
                  "Uhr</span></p>",
                  "de");
    assert_string_equal(a.published, "2020-04-28T18:00:00");
    parsed_article_clear(&a);

    /* A kicker, a subtitle and a byline may come before it; a <time>
     * without datetime is read by its text; a label is visible text. */
    a = meta_page("<meta name=\"date\" content=\"2020-04-30\">",
                  "<h1>Rent strike</h1><h2>Tenants cannot pay</h2><ul><li>By Jane Doe</li>"
                  "<li><time>29.04.2020, 12:01 Uhr</time></li></ul>",
                  "de");
    assert_string_equal(a.published, "2020-04-29");
    parsed_article_clear(&a);
    a = meta_page("", "<h1>New car</h1><div><label>November 20, 2019 13:42</label></div>", "en");
    assert_string_equal(a.published, "2019-11-20");
    parsed_article_clear(&a);

    /* A later date under the headline ("updated") leaves datePublished. */
    a = meta_page("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
                  "\"headline\":\"Arms for Russia\",\"datePublished\":\"2023-11-06T18:19+01:00\"}"
                  "</script>",
                  "<h1>Arms for Russia</h1><p><span>Stand: </span>07.11.2023, 07:30 Uhr</p>",
                  "de");
    assert_string_equal(a.published, "2023-11-06T18:19:00+01:00");
    parsed_article_clear(&a);

    /* A date in the article's prose, or after the page's furniture (a
     * list of other stories), is not the article's. */
    a = meta_page("<meta name=\"date\" content=\"2020-04-29\">",
                  "<h1>Data of a company leaked</h1><p>On 12.03.2019 the company had already "
                  "reported a first leak of internal documents to the authorities.</p>",
                  "en");
    assert_string_equal(a.published, "2020-04-29");
    parsed_article_clear(&a);
    a = meta_page("<meta name=\"date\" content=\"2020-04-29\">",
                  "<h1>Data of a company leaked</h1><aside><p>Older story</p><p>16.11.2016</p>"
                  "</aside>",
                  "en");
    assert_string_equal(a.published, "2020-04-29");
    parsed_article_clear(&a);

    /* Nor one far below the headline, past many empty wrappers. */
    size_t n_empty = 1000;
    char *top = malloc(n_empty * 11 + 64);
    assert_non_null(top);
    strcpy(top, "<h1>Data of a company leaked</h1>");
    for (size_t i = 0; i < n_empty; i++)
        strcat(top, "<div></div>");
    strcat(top, "<p>16.11.2016</p>");
    a = meta_page("<meta name=\"date\" content=\"2020-04-29\">", top, "en");
    free(top);
    assert_string_equal(a.published, "2020-04-29");
    parsed_article_clear(&a);
}

/* ---- broken HTML ------------------------------------------------------ */

static void test_broken_markup(void **state)
{
    (void)state;
    /* Unclosed p, div and b, a stray close tag, an unquoted attribute. */
    const char *html =
        "<html><head><title>Budget passes</title><body><div class=article-body>"
        "<p>The city council approved the new budget on Tuesday, after a debate that lasted "
        "well into the night, and the <b>mayor said the vote was a relief."
        "<p>Under the plan, schools receive more money for teachers, while the road repair "
        "programme is delayed by a year, a compromise that neither side liked.</div></div>"
        "<p>Critics warned that the reserves would run low by next spring, but the finance "
        "director insisted the numbers were sound";
    struct parsed_article a = parse_str(html);
    assert_contains(a.body, "the mayor said the vote was a relief.\n\nUnder the plan");
    parsed_article_clear(&a);
}

static void test_nul_bytes(void **state)
{
    (void)state;
    /* NUL bytes inside the text: dropped, the rest read. */
    static const char head[] = "<html><head><title>Budget passes</title></head><body><article>";
    size_t n = sizeof head - 1;
    size_t alen = strlen(ARTICLE_P);
    char *buf = malloc(n + alen + 64);
    memcpy(buf, head, n);
    memcpy(buf + n, ARTICLE_P, alen);
    buf[n + 10] = '\0';   /* inside "The city council" */
    buf[n + 40] = '\0';
    memcpy(buf + n + alen, "</article></body></html>", 24);
    struct parsed_article a = parse_ok(buf, n + alen + 24, "nul.html");
    assert_string_equal(a.format, "html");
    assert_contains(a.body, "the risks small.");
    assert_null(memchr(a.body, '\0', strlen(a.body)));
    parsed_article_clear(&a);
    free(buf);
}

/* CPU time of this thread: the machine's other load does not count, and
 * the bounds below are ratios to a tenth of the input parsed in the same
 * run (a timed test with a bound in seconds failed under a sanitizer on a
 * busy machine).  Linear work gives about 10; quadratic work about 100. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define LINEAR_RATIO_MAX 40.0
/* Below this the timer's grain and fixed costs would decide the ratio. */
#define RATIO_SLACK_S 0.05

/* An article followed by about size bytes of link lists. */
static char *links_page(size_t size, size_t *len)
{
    size_t cap = size + (1u << 20);
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t w = (size_t)snprintf(buf, cap, "<html><head><title>Big</title></head><body>"
                                          "<article>" ARTICLE_P "</article><div class=links>");
    while (w < size)
        w += (size_t)snprintf(buf + w, cap - w, "<p><a href=\"/x\">another link</a></p>\n");
    w += (size_t)snprintf(buf + w, cap - w, "</div></body></html>");
    *len = w;
    return buf;
}

/* The CPU time of parsing a links page of about size bytes. */
static double parse_links_page(size_t size)
{
    size_t w;
    char *buf = links_page(size, &w);
    double t0 = cpu_seconds();
    struct parsed_article a = parse_ok(buf, w, "big.html");
    double took = cpu_seconds() - t0;
    assert_contains(a.body, "approved the new budget");
    assert_lacks(a.body, "another link");
    parsed_article_clear(&a);
    free(buf);
    return took;
}

static void test_huge_page(void **state)
{
    (void)state;
    /* 10 MB: an article followed by 10 MB of link lists, in linear time. */
    double small = parse_links_page(1u << 20), big = parse_links_page(10u << 20);
    if (big > LINEAR_RATIO_MAX * small + RATIO_SLACK_S)
        fail_msg("10 MB took %.3f s of CPU, 1 MB %.3f s: not linear", big, small);
}

/* The CPU time of parsing an article inside depth nested divs. */
static double parse_nested(size_t depth)
{
    size_t cap = depth * 12 + 4096;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t w = (size_t)snprintf(buf, cap, "<html><head><title>Deep</title></head><body>");
    for (size_t i = 0; i < depth; i++)
        w += (size_t)snprintf(buf + w, cap - w, "<div>");
    w += (size_t)snprintf(buf + w, cap - w, "%s", ARTICLE_P);
    for (size_t i = 0; i < depth; i++)
        w += (size_t)snprintf(buf + w, cap - w, "</div>");
    w += (size_t)snprintf(buf + w, cap - w, "</body></html>");
    double t0 = cpu_seconds();
    struct parsed_article a;
    char *err = NULL;
    int rc = parse_article((const unsigned char *)buf, w, "deep.html", &a, &err);
    double took = cpu_seconds() - t0;
    if (rc != 0)
        fail_msg("deep.html: %s", err ? err : "(no message)");
    assert_string_equal(a.format, "html");
    assert_contains(a.body, "approved the new budget");
    parsed_article_clear(&a);
    free(buf);
    return took;
}

static void test_deep_nesting(void **state)
{
    (void)state;
    /* 100,000 nested divs around the article: no crash, no quadratic time. */
    double small = parse_nested(10000), big = parse_nested(100000);
    if (big > LINEAR_RATIO_MAX * small + RATIO_SLACK_S)
        fail_msg("100,000 levels took %.3f s of CPU, 10,000 %.3f s: not linear", big, small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detected_by_content),
        cmocka_unit_test(test_charset_declared_windows_1252),
        cmocka_unit_test(test_charset_declared_wrong),
        cmocka_unit_test(test_charset_shift_jis),
        cmocka_unit_test(test_charset_utf16),
        cmocka_unit_test(test_output_is_nfc),
        cmocka_unit_test(test_boilerplate_removed),
        cmocka_unit_test(test_two_articles),
        cmocka_unit_test(test_comments_longer_than_article),
        cmocka_unit_test(test_lead_and_split_article),
        cmocka_unit_test(test_text_only_in_jsonld),
        cmocka_unit_test(test_no_article),
        cmocka_unit_test(test_meta_preference),
        cmocka_unit_test(test_meta_title_refined_by_h1),
        cmocka_unit_test(test_meta_dates),
        cmocka_unit_test(test_meta_visible_headline),
        cmocka_unit_test(test_meta_header_date),
        cmocka_unit_test(test_broken_markup),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_huge_page),
        cmocka_unit_test(test_deep_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
