/* Unit tests for daemon/text.c: UTF-8 validation, decoding, NFC, folding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

#include <stdio.h>
#include <utf8proc.h>

#define U(s) ((const unsigned char *)(s))
#define IS_UTF8(lit) text_is_utf8(U(lit), sizeof(lit) - 1)

/* Decodes a literal (which may hold NUL bytes) and checks result and
 * encoding name. */
static void expect_decoded(const char *in, size_t len, const char *want,
                           const char *want_encoding)
{
    const char *enc = NULL;
    char *err = NULL;
    char *out = text_to_utf8_nfc(U(in), len, &enc, &err);
    if (!out)
        fail_msg("decoding failed: %s", err ? err : "(no message)");
    assert_string_equal(out, want);
    assert_non_null(enc);
    assert_string_equal(enc, want_encoding);
    assert_null(err);
    free(out);
}

#define EXPECT_DECODED(in, want, enc) \
    expect_decoded(in, sizeof(in) - 1, want, enc)

static void test_is_utf8_valid(void **state)
{
    (void)state;
    assert_true(IS_UTF8(""));
    assert_true(IS_UTF8("plain ASCII\n"));
    assert_true(IS_UTF8("Gr\xc3\xbc\xc3\x9f" "e"));           /* Grüße */
    assert_true(IS_UTF8("\xe2\x82\xac"));                     /* € */
    assert_true(IS_UTF8("\xf0\x9f\x93\xb0"));                 /* U+1F4F0 */
    assert_true(IS_UTF8("\xf4\x8f\xbf\xbf"));                 /* U+10FFFF */
    assert_true(IS_UTF8("\xed\x9f\xbf"));                     /* U+D7FF */
}

static void test_is_utf8_invalid(void **state)
{
    (void)state;
    assert_false(IS_UTF8("\xff"));
    assert_false(IS_UTF8("\x80"));                            /* lone tail */
    assert_false(IS_UTF8("Gr\xfc\xdf" "e"));                  /* Latin-1 */
    assert_false(IS_UTF8("\xc3"));                            /* truncated */
    assert_false(IS_UTF8("\xe2\x82"));
    assert_false(IS_UTF8("\xe2\x82\x41"));                    /* bad tail */
    assert_false(IS_UTF8("\xf4\x90\x80\x80"));                /* > U+10FFFF */
    assert_false(IS_UTF8("\xf5\x80\x80\x80"));
}

static void test_is_utf8_overlong(void **state)
{
    (void)state;
    assert_false(IS_UTF8("\xc0\xaf"));                        /* '/' in 2 */
    assert_false(IS_UTF8("\xc1\xbf"));
    assert_false(IS_UTF8("\xe0\x80\xaf"));                    /* '/' in 3 */
    assert_false(IS_UTF8("\xe0\x9f\xbf"));                    /* U+7FF in 3 */
    assert_false(IS_UTF8("\xf0\x80\x80\xaf"));                /* '/' in 4 */
    assert_false(IS_UTF8("\xf0\x8f\xbf\xbf"));                /* U+FFFF in 4 */
}

static void test_is_utf8_surrogates(void **state)
{
    (void)state;
    assert_false(IS_UTF8("\xed\xa0\x80"));                    /* U+D800 */
    assert_false(IS_UTF8("\xed\xbf\xbf"));                    /* U+DFFF */
    assert_false(IS_UTF8("\xed\xa0\xbd\xed\xb3\xb0"));        /* CESU pair */
}

static void test_utf8_taken_as_is(void **state)
{
    (void)state;
    EXPECT_DECODED("Gr\xc3\xbc\xc3\x9f" "e", "Gr\xc3\xbc\xc3\x9f" "e", "utf-8");
    EXPECT_DECODED("", "", "utf-8");
}

static void test_cp1252(void **state)
{
    (void)state;
    /* ü ß € “ ” all come out right, including the bytes 0x80-0x9F that
     * ISO-8859-1 would turn into control characters. */
    EXPECT_DECODED("Gr\xfc\xdf" "e \x80 \x93quoted\x94",
                   "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac "
                   "\xe2\x80\x9cquoted\xe2\x80\x9d",
                   "windows-1252");
    EXPECT_DECODED("caf\xe9 \x85", "caf\xc3\xa9 \xe2\x80\xa6", "windows-1252");
}

static void test_latin1_fallback(void **state)
{
    (void)state;
    /* 0x81 is undefined in Windows-1252; ISO-8859-1 maps it to U+0081. */
    EXPECT_DECODED("Gr\xfc\xdf" "e \x81", "Gr\xc3\xbc\xc3\x9f" "e \xc2\x81",
                   "iso-8859-1");
    EXPECT_DECODED("\x8d\x8f\x90\x9d\xe9", "\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d\xc3\xa9",
                   "iso-8859-1");
}

static void test_bom_stripped(void **state)
{
    (void)state;
    EXPECT_DECODED("\xef\xbb\xbfHallo", "Hallo", "utf-8");
    /* Only a leading BOM is a BOM. */
    EXPECT_DECODED("a\xef\xbb\xbf" "b", "a\xef\xbb\xbf" "b", "utf-8");
}

static void test_utf16(void **state)
{
    (void)state;
    EXPECT_DECODED("\xff\xfeH\0\xfc\0\r\0\n\0", "H\xc3\xbc\n", "utf-16le");
    EXPECT_DECODED("\xfe\xff\0H\0\xfc", "H\xc3\xbc", "utf-16be");

    char *err = NULL;
    const char *enc = NULL;
    assert_null(text_to_utf8_nfc(U("\xff\xfeH"), 3, &enc, &err)); /* odd */
    assert_non_null(err);
    assert_non_null(strstr(err, "UTF-16"));
    free(err);
}

static void test_newlines(void **state)
{
    (void)state;
    EXPECT_DECODED("a\r\nb\rc\nd\r\n\r\ne\r", "a\nb\nc\nd\n\ne\n", "utf-8");
    EXPECT_DECODED("S\xfc\xdf\r\n", "S\xc3\xbc\xc3\x9f\n", "windows-1252");
}

static void test_nfc(void **state)
{
    (void)state;
    /* u + COMBINING DIAERESIS composes to ü; so does the Latin-1 path. */
    EXPECT_DECODED("Mu\xcc\x88nchen", "M\xc3\xbcnchen", "utf-8");
    EXPECT_DECODED("A\xcc\x8a", "\xc3\x85", "utf-8");            /* Å */
    /* Already composed text is left alone. */
    EXPECT_DECODED("M\xc3\xbcnchen", "M\xc3\xbcnchen", "utf-8");
}

static void test_nul_refused(void **state)
{
    (void)state;
    char *err = NULL;
    const char *enc = NULL;
    assert_null(text_to_utf8_nfc(U("ab\0cd"), 5, &enc, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "NUL"));
    free(err);
}

static void expect_fold_equal(const char *a, const char *b)
{
    char *fa = text_casefold(a);
    char *fb = text_casefold(b);
    assert_non_null(fa);
    assert_non_null(fb);
    assert_string_equal(fa, fb);
    free(fa);
    free(fb);
}

static void test_casefold(void **state)
{
    (void)state;
    expect_fold_equal("Schlie\xc3\x9f" "en", "SCHLIESSEN");      /* ß / SS */
    expect_fold_equal("\xc3\x84rger", "\xc3\xa4rger");           /* Ä / ä */
    expect_fold_equal("Stra\xc3\x9f" "e", "strasse");
    expect_fold_equal("KI-Chip", "ki-chip");

    char *f = text_casefold("\xc3\x84" "B\xc3\x9f");
    assert_string_equal(f, "\xc3\xa4" "bss");
    free(f);
    /* Folding composes: a decomposed Ä folds to the composed ä. */
    f = text_casefold("A\xcc\x88");
    assert_string_equal(f, "\xc3\xa4");
    free(f);
    assert_null(text_casefold(NULL));
}

/* The fast paths in text.c must agree with utf8proc on every code point
 * they claim: NFC leaves such text alone, and casefolding gives the same. */
static void encode_cp(int32_t cp, char *out)
{
    utf8proc_ssize_t n = utf8proc_encode_char(cp, (utf8proc_uint8_t *)out);
    out[n] = '\0';
}

static void test_fast_paths_agree_with_utf8proc(void **state)
{
    (void)state;
    for (int32_t cp = 1; cp < 0x2100; cp++) {
        if ((cp >= 0x300 && cp < 0x2002) || (cp >= 0x2070 && cp < 0x20A0) || cp >= 0x20D0)
            continue;
        char s[16];
        encode_cp(cp, s);
        utf8proc_uint8_t *want = NULL;
        utf8proc_map((const utf8proc_uint8_t *)s, 0, &want,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
        char *got = text_casefold(s);
        if (strcmp((char *)want, got) != 0)
            fail_msg("casefold of U+%04X: got \"%s\", utf8proc says \"%s\"", cp, got, (char *)want);
        free(want);
        free(got);

        utf8proc_uint8_t *nfc = NULL;
        char pair[32];
        snprintf(pair, sizeof pair, "a%sb", s);
        utf8proc_map((const utf8proc_uint8_t *)pair, 0, &nfc, UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        const char *enc;
        char *err = NULL;
        char *ours = text_to_utf8_nfc((const unsigned char *)pair, strlen(pair), &enc, &err);
        if (cp != '\r' && (!ours || strcmp(ours, (char *)nfc) != 0))
            fail_msg("NFC of U+%04X differs from utf8proc", cp);
        free(nfc);
        free(ours);
        free(err);
    }
}

/* ---- the Stream-Safe Text Format (UAX #15) ---------------------------- */

#define ACUTE "\xcc\x81"     /* U+0301, combining class 230 */
#define GRAVE_BELOW "\xcc\x96" /* U+0316, combining class 220 */
#define CGJ "\xcd\x8f"       /* U+034F COMBINING GRAPHEME JOINER */

static char *repeat(const char *head, const char *unit, size_t times)
{
    size_t hl = strlen(head), ul = strlen(unit);
    char *s = malloc(hl + ul * times + 1);
    assert_non_null(s);
    memcpy(s, head, hl);
    for (size_t i = 0; i < times; i++)
        memcpy(s + hl + i * ul, unit, ul);
    s[hl + ul * times] = '\0';
    return s;
}

static void append(char **s, const char *unit, size_t times)
{
    char *more = repeat(*s, unit, times);
    free(*s);
    *s = more;
}

/* The longest run of non-starters and the number of joiners in s. */
static void runs_of(const char *s, size_t *longest, size_t *joiners)
{
    size_t run = 0;
    *longest = *joiners = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p) {
        utf8proc_int32_t cp;
        p += utf8proc_iterate(p, -1, &cp);
        if (cp == 0x34F)
            (*joiners)++;
        run = utf8proc_get_property(cp)->combining_class ? run + 1 : 0;
        if (run > *longest)
            *longest = run;
    }
}

static char *nfc_of(const char *in)
{
    const char *enc;
    char *err = NULL;
    char *out = text_to_utf8_nfc(U(in), strlen(in), &enc, &err);
    if (!out)
        fail_msg("decoding failed: %s", err ? err : "(no message)");
    return out;
}

/* After 30 non-starters a joiner goes in; canonical order and composition
 * then work within each piece: a + (acute, grave below) x 40 gives á and
 * three pieces of sorted marks. */
static void test_stream_safe_exact(void **state)
{
    (void)state;
    char *in = repeat("a", ACUTE GRAVE_BELOW, 40);
    char *want = repeat("\xc3\xa1", GRAVE_BELOW, 15);   /* á */
    append(&want, ACUTE, 14);
    append(&want, CGJ, 1);
    append(&want, GRAVE_BELOW, 15);
    append(&want, ACUTE, 15);
    append(&want, CGJ, 1);
    append(&want, GRAVE_BELOW, 10);
    append(&want, ACUTE, 10);

    char *nfc = nfc_of(in);
    assert_string_equal(nfc, want);
    free(nfc);

    /* Case folding applies the same format: "A" folds to the same text. */
    in[0] = 'A';
    char *folded = text_casefold(in);
    assert_non_null(folded);
    assert_string_equal(folded, want);
    free(folded);
    free(in);
    free(want);
}

/* Exactly 30 marks stay as they are; the 31st gets a joiner before it.
 * Text of real languages is never touched. */
static void test_stream_safe_boundary(void **state)
{
    (void)state;
    size_t longest, joiners;
    char *in = repeat("x", ACUTE, 30);
    char *nfc = nfc_of(in);
    runs_of(nfc, &longest, &joiners);
    assert_int_equal(joiners, 0);
    assert_int_equal(longest, 30);
    free(nfc);
    append(&in, ACUTE, 1);
    nfc = nfc_of(in);
    runs_of(nfc, &longest, &joiners);
    assert_int_equal(joiners, 1);
    assert_int_equal(longest, 30);
    free(nfc);
    free(in);

    /* Vietnamese with stacked marks, decomposed: composed, no joiner. */
    nfc = nfc_of("Vie\xcc\xa3\xcc\x82t Nam");
    assert_string_equal(nfc, "Vi\xe1\xbb\x87t Nam");
    free(nfc);
}

/* The reproduction: 96,000 pairs of marks on one letter took 80 s
 * to normalise.  Now every run is at most 30 long (and it takes
 * milliseconds; the time is not asserted here). */
static void test_stream_safe_long_run(void **state)
{
    (void)state;
    size_t longest, joiners;
    char *in = repeat("T\n\na", ACUTE GRAVE_BELOW, 96000);
    char *nfc = nfc_of(in);
    runs_of(nfc, &longest, &joiners);
    assert_true(longest <= 30);
    assert_int_equal(joiners, 192000 / 30 - 1);
    free(nfc);

    char *folded = text_casefold(in);
    assert_non_null(folded);
    runs_of(folded, &longest, &joiners);
    assert_true(longest <= 30);
    assert_int_equal(joiners, 192000 / 30 - 1);
    free(folded);
    free(in);
}

/* text_is_nfc_fast() finds a CR or a code point off the fast path at
 * every place: it reads sixteen bytes of ASCII a step and checks for CR
 * in the same pass. */
static void test_nfc_fast_scan(void **state)
{
    (void)state;
    char buf[64];
    for (size_t len = 1; len <= 48; len++) {
        memset(buf, 'a', len);
        buf[len] = '\0';
        assert_true(text_is_nfc_fast(buf, len));
        for (size_t at = 0; at < len; at++) {
            buf[at] = '\r';
            assert_false(text_is_nfc_fast(buf, len));
            buf[at] = '\n';
            assert_true(text_is_nfc_fast(buf, len));
            buf[at] = 'a';
        }
        /* After a Latin-1 letter (the slow part of the scan) too. */
        if (len >= 4) {
            memcpy(buf, "\xc3\xa4", 2);
            assert_true(text_is_nfc_fast(buf, len));
            buf[len - 1] = '\r';
            assert_false(text_is_nfc_fast(buf, len));
            buf[len - 1] = 'a';
            /* U+0301 COMBINING ACUTE ACCENT is off the fast path. */
            memcpy(buf + len - 2, "\xcc\x81", 2);
            assert_false(text_is_nfc_fast(buf, len));
        }
    }
}

/* Folding refuses what is not UTF-8 instead of reading past its end. */
static void test_casefold_invalid(void **state)
{
    (void)state;
    assert_null(text_casefold("ab\xf0"));
    assert_null(text_casefold("caf\xe9"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_utf8_valid),
        cmocka_unit_test(test_nfc_fast_scan),
        cmocka_unit_test(test_is_utf8_invalid),
        cmocka_unit_test(test_is_utf8_overlong),
        cmocka_unit_test(test_is_utf8_surrogates),
        cmocka_unit_test(test_utf8_taken_as_is),
        cmocka_unit_test(test_cp1252),
        cmocka_unit_test(test_latin1_fallback),
        cmocka_unit_test(test_bom_stripped),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_newlines),
        cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_nul_refused),
        cmocka_unit_test(test_casefold),
        cmocka_unit_test(test_fast_paths_agree_with_utf8proc),
        cmocka_unit_test(test_stream_safe_exact),
        cmocka_unit_test(test_stream_safe_boundary),
        cmocka_unit_test(test_stream_safe_long_run),
        cmocka_unit_test(test_casefold_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
