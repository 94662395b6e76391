/*
 * Unit tests for parse_article: error cases, encodings, JSON, the plain-text
 * heuristics, and a sweep over the shared corpora (skipped when absent).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_internal.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif
#define SHARED SOURCE_ROOT "/../shared"
#define SAMPLE SHARED "/samples/000_115dcddbce64b551.txt"
#define GNAD_DIR SHARED "/corpus/10kgnad-de"
#define BBC_DIR SHARED "/corpus/bbc-news-en"

/* ---- helpers ---------------------------------------------------------- */

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 65536;
            unsigned char *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        if (n == 0)
            break;
        *len += n;
    }
    fclose(f);
    return buf;
}

/* Reads a file of the shared corpus, or skips the test when it is absent. */
static unsigned char *read_shared(const char *path, size_t *len)
{
    unsigned char *b = read_file(path, len);
    if (!b) {
        print_message("skipping: %s is missing\n", path);
        skip();
    }
    return b;
}

static void parse_ok_n(const void *bytes, size_t len, const char *name,
                       struct parsed_article *a)
{
    char *err = NULL;
    int rc = parse_article(bytes, len, name, a, &err);
    if (rc != 0)
        fail_msg("parse_article(%s) failed: %s", name, err ? err : "(null)");
    assert_null(err);
    assert_non_null(a->title);
    assert_non_null(a->format);
    assert_non_null(a->encoding);
}

static void parse_ok(const char *s, const char *name, struct parsed_article *a)
{
    parse_ok_n(s, strlen(s), name, a);
}

/* Expects an error that contains each of the NULL-terminated words. */
static void expect_error_n(const void *bytes, size_t len, const char *name,
                           const char *word, ...)
{
    struct parsed_article a;
    memset(&a, 0xAB, sizeof a); /* must come back cleared */
    char *err = NULL;
    assert_int_equal(parse_article(bytes, len, name, &a, &err), -1);
    assert_non_null(err);
    va_list ap;
    va_start(ap, word);
    for (const char *w = word; w; w = va_arg(ap, const char *))
        if (!strstr(err, w))
            fail_msg("error \"%s\" does not mention \"%s\"", err, w);
    va_end(ap);
    assert_null(a.title);
    assert_null(a.body);
    assert_null(a.format);
    free(err);
}

#define EXPECT_ERROR(s, name, ...) \
    expect_error_n(s, strlen(s), name, __VA_ARGS__, (const char *)NULL)

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* The title without a trailing "…" that marks a cut. */
static char *title_stem(const char *title)
{
    char *t = strdup(title);
    if (ends_with(t, "\u2026"))
        t[strlen(t) - strlen("\u2026")] = '\0';
    return t;
}

/* ---- the sample article ----------------------------------------------- */

static void test_sample_article(void **state)
{
    (void)state;
    size_t len;
    unsigned char *b = read_shared(SAMPLE, &len);
    struct parsed_article a;
    parse_ok_n(b, len, "000_115dcddbce64b551.txt", &a);
    free(b);

    assert_string_equal(a.title,
        "Chinas KI-Fortschritte: 6 Milliarden US-Dollar investieren, um die "
        "technologische Kluft zu schlie\xc3\x9f" "en");
    assert_string_equal(a.format, "text");
    assert_string_equal(a.encoding, "utf-8");
    assert_true(starts_with(a.body, "Kurzer Blick:\n\n\xe2\x80\xa2 Fortschritte"));
    assert_true(ends_with(a.body, "von entscheidender Bedeutung sein."));
    assert_null(strstr(a.body, "Hinterlasse"));
    assert_null(strstr(a.body, "Email-Adresse"));
    /* Bullets stay on lines of their own, without their indentation. */
    assert_non_null(strstr(a.body, "Datenressourcen.\n\xe2\x80\xa2 Innovation"));
    /* The NBSP in "Jahren\u00a0 haben" is one plain space now. */
    assert_non_null(strstr(a.body, "In den letzten Jahren haben"));
    assert_null(strstr(a.body, "\xc2\xa0"));
    assert_null(strstr(a.body, "\n\n\n"));
    assert_null(a.url);
    assert_null(a.lang);
    parsed_article_clear(&a);
}

/* ---- corpus files ----------------------------------------------------- */

static void check_gnad(const char *file, const char *want_title)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", GNAD_DIR, file);
    size_t len;
    unsigned char *b = read_shared(path, &len);
    struct parsed_article a;
    parse_ok_n(b, len, file, &a);
    free(b);
    assert_string_equal(a.title, want_title);
    assert_in_range(utf8_chars(a.title), 10, 200);
    char *stem = title_stem(a.title);
    assert_true(starts_with(a.body, stem));
    free(stem);
    parsed_article_clear(&a);
}

static void test_gnad_lead_is_title(void **state)
{
    (void)state;
    check_gnad("gnad_0002.txt",
               "Die konservativen Kr\xc3\xa4" "fte innerhalb der Kommunistischen "
               "Partei haben sich beim Parteitag durchgesetzt");
    check_gnad("gnad_0013.txt",
               "Dos Santos k\xc3\xbcndigt nach fast 40 Jahren an der Macht "
               "R\xc3\xbc" "ckzug an");
    /* "St. Johann" does not end the sentence. */
    check_gnad("gnad_0020.txt",
               "Ami Warning, Wilfried und die Worried Men Skiffle Group sind "
               "beim Festival Herbstl\xc3\xa4rm in St. Johann im Pongau zu Gast");
}

static void check_bbc(const char *file, const char *want_title,
                      const char *body_start)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BBC_DIR, file);
    size_t len;
    unsigned char *b = read_shared(path, &len);
    struct parsed_article a;
    parse_ok_n(b, len, file, &a);
    free(b);
    assert_string_equal(a.title, want_title);
    assert_true(starts_with(a.body, body_start));
    parsed_article_clear(&a);
}

static void test_bbc_first_line_is_title(void **state)
{
    (void)state;
    check_bbc("bbc_0001.txt", "Kinnock to urge reform in Lords",
              "Neil Kinnock has said");
    check_bbc("bbc_0002.txt", "Mutant book wins Guardian prize",
              "A book about the evolution of mutants");
    check_bbc("bbc_0003.txt", "Hard act to follow for OutKast",
              "US rap duo OutKast");
}

/* The first line of a file with white space runs collapsed, as the title
 * normalisation does. */
static char *normalised_first_line(const unsigned char *b, size_t len)
{
    char *out = malloc(len + 1);
    size_t w = 0;
    int space = 0;
    for (size_t i = 0; i < len && b[i] != '\n' && b[i] != '\r'; i++) {
        if (b[i] == ' ' || b[i] == '\t') {
            space = w > 0;
            continue;
        }
        if (space)
            out[w++] = ' ';
        space = 0;
        out[w++] = (char)b[i];
    }
    out[w] = '\0';
    return out;
}

/* Every file of a corpus parses into a sensible title and a body. */
static void sweep(const char *dir, int first_line_is_title)
{
    DIR *d = opendir(dir);
    if (!d) {
        print_message("skipping: %s is missing\n", dir);
        skip();
    }
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        unsigned char *b = read_file(path, &len);
        assert_non_null(b);

        struct parsed_article a;
        char *err = NULL;
        if (parse_article(b, len, e->d_name, &a, &err) != 0)
            fail_msg("%s: %s", e->d_name, err);
        if (!a.title[0] || utf8_chars(a.title) > 201)
            fail_msg("%s: bad title \"%s\"", e->d_name, a.title);
        if (!a.body || !a.body[0])
            fail_msg("%s: empty body", e->d_name);
        if (first_line_is_title) {
            char *line = normalised_first_line(b, len);
            if (strcmp(a.title, line) != 0)
                fail_msg("%s: title \"%s\", first line \"%s\"", e->d_name,
                         a.title, line);
            free(line);
        }
        parsed_article_clear(&a);
        free(b);
        files++;
    }
    closedir(d);
    print_message("%zu files of %s parsed\n", files, dir);
    assert_true(files > 0);
}

static void test_corpus_gnad(void **state)
{
    (void)state;
    sweep(GNAD_DIR, 0);
}

static void test_corpus_bbc(void **state)
{
    (void)state;
    sweep(BBC_DIR, 1);
}

/* ---- errors ----------------------------------------------------------- */

static void test_empty(void **state)
{
    (void)state;
    EXPECT_ERROR("", "a.txt", "empty file");
    EXPECT_ERROR("  \n\t \r\n\n", "a.txt", "empty file");
    EXPECT_ERROR("\xef\xbb\xbf \xc2\xa0\n", "a.txt", "empty file"); /* BOM, NBSP */
    EXPECT_ERROR("", "a.json", "empty file");
}

static void test_binary(void **state)
{
    (void)state;
    expect_error_n("Hello\0World", 11, "a.txt", "binary data",
                   "NUL byte at offset 5", (const char *)NULL);

    unsigned char all[1024];
    for (size_t i = 0; i < sizeof all; i++)
        all[i] = (unsigned char)i;
    expect_error_n(all, sizeof all, "a.txt", "binary data", "NUL byte at offset 0",
                   (const char *)NULL);

    /* Without NULs: bytes 1..255 are a tenth control characters. */
    unsigned char no_nul[1020];
    for (size_t i = 0; i < sizeof no_nul; i++)
        no_nul[i] = (unsigned char)(1 + i % 255);
    expect_error_n(no_nul, sizeof no_nul, "a.txt", "binary data",
                   "control characters", (const char *)NULL);
    /* A binary file is called binary whatever its name. */
    expect_error_n(no_nul, sizeof no_nul, "a.html", "binary data",
                   (const char *)NULL);

    /* The count is exact wherever the controls stand, beside letters of
     * any kind (eight bytes are looked at at once): 19 of 400 bytes are
     * under 5 %, 20 are not. */
    for (int n = 19; n <= 20; n++) {
        unsigned char text[400];
        for (size_t i = 0; i < sizeof text; i += 4)
            memcpy(text + i, "\xc3\xa4x ", 4);   /* "äx " */
        static const unsigned char controls[] = {0x7F, 0x01, 0x1B, 0x08, 0x1F};
        for (int k = 0; k < n; k++)
            text[3 + k * 19 + k % 3] = controls[k % 5];
        if (n == 19) {
            struct parsed_article a;
            parse_ok_n(text, sizeof text, "a.txt", &a);
            parsed_article_clear(&a);
        } else {
            expect_error_n(text, sizeof text, "a.txt", "binary data", "5% control characters",
                           (const char *)NULL);
        }
    }
}

/* HTML is recognised by content, whatever the name (test_html.c has the
 * pages); these hold no article, which is the HTML parser's error. */
static void test_html_recognised(void **state)
{
    (void)state;
    EXPECT_ERROR("<p>Hallo</p>", "article.html", "no article in the page");
    EXPECT_ERROR("\n  <!DOCTYPE html>\n<html><body>x</body></html>", "a.txt",
                 "no article in the page");
    EXPECT_ERROR("<html lang=\"de\"><head>", "noext", "no article in the page");
    EXPECT_ERROR("<!-- saved page -->\n<html>", "a.txt", "no article in the page");
}

/* ---- encodings -------------------------------------------------------- */

static void test_latin1_article(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_ok("Gr\xfc\xdf" "e aus M\xfcnchen\n\n"
             "Die Stra\xdf" "e ist sch\xf6n und gro\xdf. Sie kostet 5 \x80.\n",
             "latin1.txt", &a);
    assert_string_equal(a.encoding, "windows-1252");
    assert_string_equal(a.title, "Gr\xc3\xbc\xc3\x9f" "e aus M\xc3\xbcnchen");
    assert_string_equal(a.body, "Die Stra\xc3\x9f" "e ist sch\xc3\xb6n und "
                                "gro\xc3\x9f. Sie kostet 5 \xe2\x82\xac.");
    parsed_article_clear(&a);

    parse_ok("Stra\xdf" "e \x81 kaputt\n\nText", "x.txt", &a);
    assert_string_equal(a.encoding, "iso-8859-1");
    parsed_article_clear(&a);
}

static void test_utf16_article(void **state)
{
    (void)state;
    static const char le[] = "\xff\xfe" "T\0i\0t\0l\0e\0 \0X\0\n\0\n\0B\0o\0d\0y\0";
    struct parsed_article a;
    parse_ok_n(le, sizeof le - 1, "u16.txt", &a);
    assert_string_equal(a.encoding, "utf-16le");
    assert_string_equal(a.title, "Title X");
    assert_string_equal(a.body, "Body");
    parsed_article_clear(&a);
}

static void test_crlf_and_nfc(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_ok("Mu\xcc\x88nchen heute\r\n\r\nZeile eins\r\nZeile zwei\r\n", "a.txt", &a);
    assert_string_equal(a.title, "M\xc3\xbcnchen heute");
    assert_string_equal(a.body, "Zeile eins\nZeile zwei");
    parsed_article_clear(&a);
}

/* ---- JSON ------------------------------------------------------------- */

static void test_json_body_aliases(void **state)
{
    (void)state;
    static const char *const keys[] = {"body", "text", "content"};
    for (size_t i = 0; i < 3; i++) {
        char doc[256];
        snprintf(doc, sizeof doc,
                 "{\"title\": \"Der Titel:\", \"%s\": \"Erster  Absatz.\\n\\n\\n"
                 "  Zweiter\\u00a0Absatz.\"}", keys[i]);
        struct parsed_article a;
        parse_ok(doc, "a.json", &a);
        assert_string_equal(a.format, "json");
        assert_string_equal(a.title, "Der Titel");
        assert_string_equal(a.body, "Erster Absatz.\n\nZweiter Absatz.");
        parsed_article_clear(&a);
    }
}

static void test_json_fields(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_ok("{\"title\": \"T\", \"body\": null, \"text\": \"B\","
             " \"url\": \"https://example.org/a\", \"date\": \"2024-05-01\","
             " \"language\": \"de\", \"author\": [\"A. B\", \"C D\"]}",
             "a.json", &a);
    assert_string_equal(a.body, "B");   /* null body: the next alias */
    assert_string_equal(a.url, "https://example.org/a");
    assert_string_equal(a.published, "2024-05-01");
    assert_string_equal(a.lang, "de");
    assert_string_equal(a.author, "A. B, C D");
    parsed_article_clear(&a);

    parse_ok("{\"title\": \"T\", \"body\": \"B\", \"published\": \"2020\","
             " \"date\": \"1999\", \"lang\": \"en\", \"language\": \"de\","
             " \"author\": \"X\"}", "a.json", &a);
    assert_string_equal(a.published, "2020");
    assert_string_equal(a.lang, "en");
    assert_string_equal(a.author, "X");
    parsed_article_clear(&a);

    /* Escaped combining marks are composed like any other text. */
    parse_ok("{\"title\": \"Mu\\u0308nchen\", \"body\": \"x\"}", "a.json", &a);
    assert_string_equal(a.title, "M\xc3\xbcnchen");
    parsed_article_clear(&a);
}

static void test_json_title_from_body(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_ok("{\"body\": \"Am 3. Mai kam Dr. M\\u00fcller nach Wien. Dann ging er.\"}",
             "a.json", &a);
    assert_string_equal(a.title, "Am 3. Mai kam Dr. M\xc3\xbcller nach Wien");
    assert_string_equal(a.body, "Am 3. Mai kam Dr. M\xc3\xbcller nach Wien. Dann ging er.");
    parsed_article_clear(&a);

    /* A title alone is an article; it has no body. */
    parse_ok("{\"title\": \"Only a title\"}", "a.json", &a);
    assert_string_equal(a.title, "Only a title");
    assert_null(a.body);
    parsed_article_clear(&a);
}

static void test_json_errors(void **state)
{
    (void)state;
    EXPECT_ERROR("{\n  \"title\": \"x\",\n}\n", "a.json",
                 "invalid JSON", "line 3");
    EXPECT_ERROR("[{\"title\": \"x\"}]", "a.json", "object", "array");
    EXPECT_ERROR("\"just a string\"", "a.json", "object", "string");
    EXPECT_ERROR("{\"url\": \"https://example.org\"}", "a.json",
                 "no title", "no body");
    EXPECT_ERROR("{\"title\": 7, \"body\": \"  \"}", "a.json", "no title");
}

static void test_json_sniffed(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_ok("  {\"title\": \"Sniffed\", \"content\": \"Body\"}", "drop.txt", &a);
    assert_string_equal(a.format, "json");
    assert_string_equal(a.title, "Sniffed");
    parsed_article_clear(&a);

    /* Braces that are not a JSON object are text. */
    parse_ok("{Klammern} am Anfang\n\nDer Text.", "drop.txt", &a);
    assert_string_equal(a.format, "text");
    assert_string_equal(a.title, "{Klammern} am Anfang");
    parsed_article_clear(&a);
}

/* ---- plain-text heuristics -------------------------------------------- */

static void test_one_line(void **state)
{
    (void)state;
    struct parsed_article a;
    /* One line is all there is: it is both title and body. */
    parse_ok("Nur eine Zeile ohne Punkt\n", "a.txt", &a);
    assert_string_equal(a.title, "Nur eine Zeile ohne Punkt");
    assert_string_equal(a.body, "Nur eine Zeile ohne Punkt");
    parsed_article_clear(&a);

    parse_ok("Erster Satz hier. Zweiter Satz da.", "a.txt", &a);
    assert_string_equal(a.title, "Erster Satz hier");
    assert_string_equal(a.body, "Erster Satz hier. Zweiter Satz da.");
    parsed_article_clear(&a);
}

static void test_sentence_splitting(void **state)
{
    (void)state;
    static const struct {
        const char *text, *title;
    } cases[] = {
        {"Mr. Smith went to Washington. He stayed.", "Mr. Smith went to Washington"},
        {"Das ist z. B. ein Test. Mehr.", "Das ist z. B. ein Test"},
        {"Am 3. Mai beginnt es. Dann.", "Am 3. Mai beginnt es"},
        {"Die U.S. Army kommt. Dann.", "Die U.S. Army kommt"},
        {"Warum nur? Weil es so ist.", "Warum nur?"},
        {"Er rief \"Halt!\" und ging. Dann.", "Er rief \"Halt!\" und ging"},
        {"Er sagte: \"Es ist vorbei.\" Dann ging er.", "Er sagte: \"Es ist vorbei.\""},
        {"Das war im Jahr 2015. Die Folgen kamen.", "Das war im Jahr 2015"},
        {"Mehr auf orf.at. Und dort.", "Mehr auf orf.at"},
        {"Der Kurs fiel um 3,7 %. Die Anleger.", "Der Kurs fiel um 3,7 %"},
        {"He was ill. Then he got better.", "He was ill"},
        {"Vgl. Kapitel drei. Mehr.", "Vgl. Kapitel drei"},
        {"ST. JOSEPH, Mich. (AP) \xe2\x80\x94 Six died. More.",
         "ST. JOSEPH, Mich. (AP) \xe2\x80\x94 Six died"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct parsed_article a;
        parse_ok(cases[i].text, "a.txt", &a);
        assert_string_equal(a.title, cases[i].title);
        assert_string_equal(a.body, cases[i].text);
        parsed_article_clear(&a);
    }
}

static void test_long_first_sentence_is_cut(void **state)
{
    (void)state;
    char text[2048] = "";
    for (int i = 0; i < 40; i++)
        strcat(text, "Wort und ");
    strcat(text, "Ende. Zweiter Satz.");
    struct parsed_article a;
    parse_ok(text, "a.txt", &a);
    assert_true(utf8_chars(a.title) <= 200);
    assert_true(ends_with(a.title, "Wort und\xe2\x80\xa6") ||
                ends_with(a.title, "Wort\xe2\x80\xa6"));
    char *stem = title_stem(a.title);
    assert_true(starts_with(a.body, stem));
    free(stem);
    parsed_article_clear(&a);

    /* Where a dash leaves a complete headline, the cut goes there. */
    char dashed[2048] = "Ein Titel, der als Schlagzeile schon vollständig genug ist \xe2\x80\x93 ";
    for (int i = 0; i < 30; i++)
        strcat(dashed, "und noch mehr ");
    strcat(dashed, "Ende. Zweiter Satz.");
    parse_ok(dashed, "a.txt", &a);
    assert_string_equal(a.title,
        "Ein Titel, der als Schlagzeile schon vollst\xc3\xa4ndig genug ist");
    parsed_article_clear(&a);
}

static void test_headline_detection(void **state)
{
    (void)state;
    struct parsed_article a;

    /* Junk lines above the headline are dropped. */
    parse_ok("0\n---\n*\n\nDie Schlagzeile\n\nDer Text.", "a.txt", &a);
    assert_string_equal(a.title, "Die Schlagzeile");
    assert_string_equal(a.body, "Der Text.");
    parsed_article_clear(&a);

    /* A question is a headline. */
    parse_ok("Wer hat an der Uhr gedreht?\n\nNiemand.", "a.txt", &a);
    assert_string_equal(a.title, "Wer hat an der Uhr gedreht?");
    assert_string_equal(a.body, "Niemand.");
    parsed_article_clear(&a);

    /* Directly followed by text, a short line without a stop is still one. */
    parse_ok("Headline Without Stop\nBody text starts here and goes on.", "a.txt", &a);
    assert_string_equal(a.title, "Headline Without Stop");
    assert_string_equal(a.body, "Body text starts here and goes on.");
    parsed_article_clear(&a);

    /* A line ending in a stop, followed by more text, is a lead. */
    parse_ok("This lead sentence ends with a full stop.\nMore text follows.",
             "a.txt", &a);
    assert_string_equal(a.title, "This lead sentence ends with a full stop");
    assert_true(starts_with(a.body, "This lead sentence"));
    parsed_article_clear(&a);

    /* A paragraph of several sentences is body, even when short. */
    parse_ok("Es regnet. Es ist kalt.\n\nDer Winter kommt.", "a.txt", &a);
    assert_string_equal(a.title, "Es regnet");
    assert_string_equal(a.body, "Es regnet. Es ist kalt.\n\nDer Winter kommt.");
    parsed_article_clear(&a);

    /* "Kurzer Blick:" introduces a list; it is not a headline. */
    parse_ok("Kurzer Blick:\n\n- Punkt eins\n- Punkt zwei", "a.txt", &a);
    assert_true(starts_with(a.body, "Kurzer Blick:"));
    parsed_article_clear(&a);

    /* Hard-wrapped prose: its first line is not a headline. */
    parse_ok("Die Regierung hat am Montag in Wien neue Massnahmen gegen die\n"
             "Teuerung vorgestellt, die ab dem kommenden Monat gelten sollen\n"
             "und vor allem Familien entlasten. Die Opposition kritisiert das.",
             "a.txt", &a);
    assert_string_equal(a.title,
        "Die Regierung hat am Montag in Wien neue Massnahmen gegen die "
        "Teuerung vorgestellt, die ab dem kommenden Monat gelten sollen und "
        "vor allem Familien entlasten");
    assert_true(starts_with(a.body, "Die Regierung hat"));
    parsed_article_clear(&a);

    /* A one-word dateline above the lead stays in the body, not the title. */
    parse_ok("Pittsburgh\n\nBrock Nelson scored twice. The Islanders won.\n\n"
             "More text.", "a.txt", &a);
    assert_string_equal(a.title, "Brock Nelson scored twice");
    assert_true(starts_with(a.body, "Pittsburgh\n\nBrock Nelson"));
    parsed_article_clear(&a);

    /* Labels above a real headline: the headline is the title. */
    parse_ok("Anzeige\n\nDie echte Schlagzeile\n\nDer Text.", "a.txt", &a);
    assert_string_equal(a.title, "Die echte Schlagzeile");
    assert_string_equal(a.body, "Anzeige\n\nDer Text.");
    parsed_article_clear(&a);

    EXPECT_ERROR("0\n---\n12.03.2024\n", "a.txt", "no text");
}

static void test_whitespace_normalisation(void **state)
{
    (void)state;
    struct parsed_article a;
    parse_ok("  Titel\t mit \xc2\xa0 Leerraum  \n\n\n\n"
             "   Absatz  eins\xe2\x80\x83geht   weiter.   \n"
             "\tzweite Zeile\t\n"
             " \t \n"
             "Absatz zwei.\n\n\n",
             "a.txt", &a);
    assert_string_equal(a.title, "Titel mit Leerraum");
    assert_string_equal(a.body, "Absatz eins geht weiter.\nzweite Zeile\n\n"
                                "Absatz zwei.");
    parsed_article_clear(&a);
}

/* A title and n paragraphs "Absatz k ..." of about 120 characters each. */
static void build_article(char *buf, size_t cap, int n, int special_at,
                          const char *special, const char *tail)
{
    snprintf(buf, cap, "Eine Schlagzeile\n\n");
    for (int k = 1; k <= n; k++) {
        char para[512];
        if (k == special_at)
            snprintf(para, sizeof para, "%s\n\n", special);
        else
            snprintf(para, sizeof para,
                     "Absatz %d erz\xc3\xa4hlt, was geschah, und zwar so "
                     "ausf\xc3\xbchrlich, dass er weit mehr als eine Zeile, "
                     "aber weniger als dreihundert Zeichen hat.\n\n", k);
        strncat(buf, para, cap - strlen(buf) - 1);
    }
    if (tail)
        strncat(buf, tail, cap - strlen(buf) - 1);
}

static void test_footer(void **state)
{
    (void)state;
    char buf[8192];
    struct parsed_article a;

    /* No footer: the last paragraph stays. */
    build_article(buf, sizeof buf, 3, 0, NULL, NULL);
    parse_ok(buf, "a.txt", &a);
    assert_true(ends_with(a.body, "Absatz 3 erz\xc3\xa4hlt, was geschah, und zwar so "
                                  "ausf\xc3\xbchrlich, dass er weit mehr als eine "
                                  "Zeile, aber weniger als dreihundert Zeichen hat."));
    parsed_article_clear(&a);

    /* A marker in the middle of an article cuts nothing, even in one of
     * short paragraphs only. */
    for (int at = 2; at <= 8; at += 3) {
        build_article(buf, sizeof buf, 10, at,
                      "Newsletter abonnieren: jeden Morgen die wichtigsten "
                      "Nachrichten.", NULL);
        parse_ok(buf, "a.txt", &a);
        assert_non_null(strstr(a.body, "Newsletter abonnieren"));
        assert_non_null(strstr(a.body, "Absatz 10 erz"));
        parsed_article_clear(&a);
    }

    /* A comment form at the end goes, with everything after it. */
    build_article(buf, sizeof buf, 4, 0, NULL,
                  "Leave a Reply\n\nYour email address will not be published.\n\n"
                  "Name *\n\nEmail *");
    parse_ok(buf, "a.txt", &a);
    assert_true(ends_with(a.body, "dreihundert Zeichen hat."));
    assert_null(strstr(a.body, "Reply"));
    assert_null(strstr(a.body, "Name *"));
    parsed_article_clear(&a);

    /* A whole WordPress comment form, prose-like lines included. */
    build_article(buf, sizeof buf, 4, 0, NULL,
                  "Hinterlasse einen Kommentar\n\n"
                  "Deine E-Mail-Adresse wird nicht ver\xc3\xb6" "ffentlicht. "
                  "Erforderliche Felder sind mit * markiert\n\n"
                  "Kommentar\n\nName *\n\nE-Mail *\n\nWebsite\n\n"
                  "Meinen Namen, meine E-Mail-Adresse und meine Website in diesem "
                  "Browser speichern.\n\nKommentar abschicken");
    parse_ok(buf, "a.txt", &a);
    assert_true(ends_with(a.body, "dreihundert Zeichen hat."));
    parsed_article_clear(&a);

    /* A marker in a long last paragraph is article text. */
    char long_last[1024] = "Zum Schluss: ";
    for (int i = 0; i < 12; i++)
        strcat(long_last, "Cookies sind kleine Dateien im Browser. ");
    build_article(buf, sizeof buf, 3, 0, NULL, long_last);
    parse_ok(buf, "a.txt", &a);
    assert_non_null(strstr(a.body, "Zum Schluss"));
    parsed_article_clear(&a);

    /* Never the whole body: a lone footer-like paragraph stays. */
    parse_ok("Titel hier\n\nAlle Rechte vorbehalten.", "a.txt", &a);
    assert_string_equal(a.body, "Alle Rechte vorbehalten.");
    parsed_article_clear(&a);

    /* Case does not matter, umlauts included. */
    build_article(buf, sizeof buf, 3, 0, NULL, "\xc3\x84HNLICHE BEITR\xc3\x84GE\n\nMehr");
    parse_ok(buf, "a.txt", &a);
    assert_null(strstr(a.body, "BEITR"));
    parsed_article_clear(&a);

    /* A footer in a script the fast case folding does not cover (Greek)
     * is folded the long way, and found. */
    build_article(buf, sizeof buf, 3, 0, NULL,
                  "\xce\xa9mega Verlag. ALLE RECHTE VORBEHALTEN\n\nMehr");
    parse_ok(buf, "a.txt", &a);
    assert_null(strstr(a.body, "VORBEHALTEN"));
    assert_true(ends_with(a.body, "dreihundert Zeichen hat."));
    parsed_article_clear(&a);
}

/* ---- threads ---------------------------------------------------------- */

static const char *const concurrent_inputs[] = {
    "0\n\nEine Schlagzeile\n\nDer Text. Hinterlasse eine Antwort\n\nText.",
    "Gr\xfc\xdf" "e aus M\xfcnchen\n\nDie Stra\xdf" "e.",
    "{\"body\": \"Am 3. Mai kam Dr. M\\u00fcller. Dann.\"}",
    "Erster Satz hier. Zweiter Satz da.",
};

/* Each thread parses every input many times and compares the titles with
 * the ones the main thread got: no shared state may leak between calls. */
static void *parse_many(void *arg)
{
    char *const *want = arg;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < 4; i++) {
            struct parsed_article a;
            char *err = NULL;
            const char *in = concurrent_inputs[i];
            if (parse_article((const unsigned char *)in, strlen(in), "t.txt",
                              &a, &err) != 0 || strcmp(a.title, want[i]) != 0) {
                free(err);
                parsed_article_clear(&a);
                return (void *)1;
            }
            parsed_article_clear(&a);
        }
    }
    return NULL;
}

static void test_concurrent(void **state)
{
    (void)state;
    char *want[4];
    for (size_t i = 0; i < 4; i++) {
        struct parsed_article a;
        parse_ok(concurrent_inputs[i], "t.txt", &a);
        want[i] = strdup(a.title);
        parsed_article_clear(&a);
    }
    pthread_t threads[4];
    for (int t = 0; t < 4; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, parse_many, want), 0);
    for (int t = 0; t < 4; t++) {
        void *res;
        assert_int_equal(pthread_join(threads[t], &res), 0);
        assert_null(res);
    }
    for (size_t i = 0; i < 4; i++)
        free(want[i]);
}

static void test_clear(void **state)
{
    (void)state;
    struct parsed_article a;
    memset(&a, 0, sizeof a);
    parsed_article_clear(&a);
    parse_ok("Titel\n\nText", "a.txt", &a);
    parsed_article_clear(&a);
    assert_null(a.title);
    assert_null(a.body);
    assert_null(a.format);
    assert_null(a.encoding);
    parsed_article_clear(&a);
    parsed_article_clear(NULL);
}

/* normalise() as its rules say, one ASCII byte at a time: a line break
 * and a paragraph's blank line are kept (one or two newlines), a run of
 * spaces and tabs inside a line is one space, spaces at a line's start or
 * end go, control characters and DEL are dropped. */
static void normalise_ascii_slowly(const char *s, int single_line, char *out)
{
    size_t w = 0;
    int space = 0, breaks = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n') {
            breaks++;
            space = 0;
        } else if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
            if (w > 0 && breaks == 0)
                space = 1;
        } else if (c < 0x20 || c == 0x7F) {
            continue;
        } else {
            if (w > 0 && breaks > 0) {
                out[w++] = single_line ? ' ' : '\n';
                if (!single_line && breaks > 1)
                    out[w++] = '\n';
            } else if (space) {
                out[w++] = ' ';
            }
            space = breaks = 0;
            out[w++] = (char)c;
        }
    }
    out[w] = '\0';
}

/* The normaliser copies plain ASCII eight bytes at a time: random text of
 * pieces that put spaces, tabs, breaks and controls at every offset of
 * those eight gives what the rules say. */
static void test_normalise_ascii(void **state)
{
    (void)state;
    static const char *const pieces[] = {"ab", "c", " ", "  ", "\t", "\n", "\x7f", "\x01", ".", "xyzxyzxyz",
                                         "\n\n", " \n", "Wort, ", "a b c d e f g h i j", "\r", "0123456"};
    unsigned seed = 7;
    for (int round = 0; round < 4000; round++) {
        char text[512], want[512];
        size_t len = 0, target = (size_t)(round % 300);
        while (len < target) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
            size_t n = strlen(piece);
            memcpy(text + len, piece, n);
            len += n;
        }
        text[len] = '\0';
        for (int single = 0; single <= 1; single++) {
            normalise_ascii_slowly(text, single, want);
            char *got = single ? parse__normalise_line(text) : parse__normalise_body(text);
            assert_non_null(got);
            if (strcmp(got, want) != 0)
                fail_msg("round %d (%s): \"%s\", want \"%s\"", round, single ? "line" : "body", got, want);
            free(got);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_article),
        cmocka_unit_test(test_gnad_lead_is_title),
        cmocka_unit_test(test_bbc_first_line_is_title),
        cmocka_unit_test(test_corpus_gnad),
        cmocka_unit_test(test_corpus_bbc),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_normalise_ascii),
        cmocka_unit_test(test_html_recognised),
        cmocka_unit_test(test_latin1_article),
        cmocka_unit_test(test_utf16_article),
        cmocka_unit_test(test_crlf_and_nfc),
        cmocka_unit_test(test_json_body_aliases),
        cmocka_unit_test(test_json_fields),
        cmocka_unit_test(test_json_title_from_body),
        cmocka_unit_test(test_json_errors),
        cmocka_unit_test(test_json_sniffed),
        cmocka_unit_test(test_one_line),
        cmocka_unit_test(test_sentence_splitting),
        cmocka_unit_test(test_long_first_sentence_is_cut),
        cmocka_unit_test(test_headline_detection),
        cmocka_unit_test(test_whitespace_normalisation),
        cmocka_unit_test(test_footer),
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
