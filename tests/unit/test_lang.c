/*
 * The lang plugin's identifier (plugins/lang/identify.c over the CLD2
 * wrapper), driven directly: short, long and mixed text, the cut at
 * max_bytes, the languages list, and input it must refuse.  The texts are
 * written for this test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identify.h"

static const char GERMAN[] =
    "Die Bundesregierung hat am Mittwoch in Berlin ein neues Gesetz zur Förderung erneuerbarer "
    "Energien beschlossen. Nach Angaben des Wirtschaftsministeriums sollen in den kommenden zehn "
    "Jahren zusätzliche Windparks an Land und auf See entstehen. Kritiker aus der Opposition "
    "bemängeln, dass die Finanzierung noch nicht gesichert sei und die Strompreise für Verbraucher "
    "weiter steigen könnten.";

static const char ENGLISH[] =
    "The city council voted on Tuesday evening to approve a new budget that increases spending on "
    "public transport and road repairs. The mayor said the plan would create hundreds of jobs over "
    "the next three years, while opposition members warned that local taxes might have to rise to "
    "pay for it.";

static const char RUSSIAN[] =
    "В среду правительство объявило о новых мерах поддержки малого бизнеса. По словам министра "
    "экономики, программа рассчитана на три года и позволит предпринимателям получить льготные "
    "кредиты. Эксперты считают, что эти меры помогут сохранить рабочие места в регионах.";

static const char KOREAN[] =
    "정부는 수요일 중소기업을 지원하기 위한 새로운 대책을 발표했다. 경제부 장관은 이 프로그램이 "
    "삼 년 동안 진행되며 기업인들이 낮은 금리로 대출을 받을 수 있게 될 것이라고 말했다. "
    "전문가들은 이번 조치가 지역 일자리를 지키는 데 도움이 될 것으로 보고 있다.";

/* One English sentence: a fifth of the German text's letters. */
static const char ENGLISH_QUOTE[] =
    "Critics said the decision came far too late for the families who had already lost their homes.";

static struct lang_opts defaults(void)
{
    return (struct lang_opts){
        .min_chars = LANG_DEFAULT_MIN_CHARS,
        .min_confidence = LANG_DEFAULT_MIN_CONFIDENCE,
        .max_bytes = LANG_DEFAULT_MAX_BYTES,
        .first_look = LANG_DEFAULT_FIRST_LOOK,
    };
}

static struct lang_guess identify_with(const struct lang_opts *o, const char *text)
{
    struct lang_guess g;
    assert_int_equal(lang_identify(o, text, strlen(text), &g), 0);
    return g;
}

static struct lang_guess identify(const char *text)
{
    struct lang_opts o = defaults();
    return identify_with(&o, text);
}

static void expect(const struct lang_guess *g, enum lang_verdict verdict, const char *code)
{
    assert_string_equal(lang_verdict_name(g->verdict), lang_verdict_name(verdict));
    assert_string_equal(g->code, code);
}

static void assert_found(const char *text, const char *code)
{
    struct lang_guess g = identify(text);
    assert_int_equal(g.verdict, LANG_FOUND);
    assert_string_equal(g.code, code);
    assert_string_equal(g.best, code);
    /* enough text: CLD2's share, undiminished */
    assert_true(g.text_bytes >= LANG_FULL_EVIDENCE_BYTES);
    assert_true(g.confidence >= 0.9 && g.confidence <= 1.0);
    assert_true(g.confidence == g.share);
}

static void long_texts_found(void **unused)
{
    (void)unused;
    assert_found(GERMAN, "de");
    assert_found(ENGLISH, "en");
    assert_found(RUSSIAN, "ru");
    assert_found(KOREAN, "ko");
}

/* A headline fragment is too short to tell, however sure CLD2 is. */
static void short_text_und(void **unused)
{
    (void)unused;
    struct lang_guess g = identify("Kurze Meldung heute.");
    expect(&g, LANG_SHORT, "");
    assert_int_equal(g.letters, 17);
    /* the guess stays visible for the log */
    assert_true(g.best[0] != '\0');

    /* CLD2 reads this as English, 96 %: why min_chars exists */
    g = identify("Live-Übertragung am 11. August");
    expect(&g, LANG_SHORT, "");
}

/* Between min_chars letters and LANG_FULL_EVIDENCE_BYTES: the language,
 * with a confidence that says how little text there was. */
static void sentence_found_with_less_confidence(void **unused)
{
    (void)unused;
    struct lang_guess g = identify("Der Hund ist schön und wir gehen heute Abend nach Hause.");
    expect(&g, LANG_FOUND, "de");
    assert_true(g.letters >= LANG_DEFAULT_MIN_CHARS && g.text_bytes < LANG_FULL_EVIDENCE_BYTES);
    assert_true(g.share >= 0.9);
    assert_true(g.confidence > 0.1 && g.confidence < 0.5);
}

static void empty_text_und(void **unused)
{
    (void)unused;
    struct lang_opts o = defaults();
    struct lang_guess g;
    assert_int_equal(lang_identify(&o, "", 0, &g), 0);
    expect(&g, LANG_SHORT, "");
    assert_int_equal(g.letters, 0);
    assert_int_equal(lang_identify(&o, NULL, 0, &g), 0);
    assert_int_equal(g.verdict, LANG_SHORT);

    /* no letters at all, however long */
    g = identify("1234 5678 – 9 0 12.345,67 € ... !!! 2026-11-29 12:00 ### +++ 42 % / 17 %");
    expect(&g, LANG_SHORT, "");
}

static void invalid_input_refused(void **unused)
{
    (void)unused;
    struct lang_opts o = defaults();
    struct lang_guess g;
    static const char bad[] = "Die Bundesregierung hat am Mittwoch \xC3\x28 beschlossen, dass alles gut ist.";
    assert_int_equal(lang_identify(&o, bad, strlen(bad), &g), -1);
    static const char surrogate[] = "Die Bundesregierung \xED\xA0\x80 hat am Mittwoch beschlossen.";
    assert_int_equal(lang_identify(&o, surrogate, strlen(surrogate), &g), -1);
    assert_int_equal(lang_identify(&o, NULL, 5, &g), -1);
    assert_int_equal(lang_identify(NULL, GERMAN, strlen(GERMAN), &g), -1);
    assert_int_equal(lang_identify(&o, GERMAN, strlen(GERMAN), NULL), -1);
    static const char nul[] = "Die Bundesregierung hat am Mittwoch\0 beschlossen, dass alles gut ist.";
    assert_int_equal(lang_identify(&o, nul, sizeof nul - 1, &g), -1);
    struct lang_cld2_result r;
    assert_int_equal(lang_cld2_detect(GERMAN, strlen(GERMAN), NULL, NULL), -1);
    assert_int_equal(lang_cld2_detect(NULL, 5, NULL, &r), -1);
}

/* Valid UTF-8 that CLD2's own check calls not "interchange valid" (C0 and
 * C1 controls, noncharacters) may be in an article: it is identified, not
 * refused. */
static void control_characters_identified(void **unused)
{
    (void)unused;
    char text[2048];
    snprintf(text, sizeof text, "\x01%s\xC2\x85 \xEF\xBF\xBE \xEF\xB7\x90\x0C", GERMAN);
    struct lang_guess g = identify(text);
    expect(&g, LANG_FOUND, "de");
}

/* The rule for mixed text: the language that holds at least
 * min_confidence (default 0.6) of it, else und.  German with an English
 * sentence is German; German and English in equal parts is neither. */
static void mixed_text_dominant_or_und(void **unused)
{
    (void)unused;
    struct lang_opts o = defaults();
    o.max_bytes = 4096; /* read all of it */
    o.first_look = 0;
    char text[4096];

    snprintf(text, sizeof text, "%s %s", GERMAN, ENGLISH_QUOTE);
    struct lang_guess g = identify_with(&o, text);
    expect(&g, LANG_FOUND, "de");
    assert_true(g.share >= 0.6 && g.share < 0.95);

    snprintf(text, sizeof text, "%s\n\n%s", GERMAN, ENGLISH);
    g = identify_with(&o, text);
    expect(&g, LANG_MIXED, "");
    assert_string_equal(g.best, "de");
    assert_true(g.share < 0.6);

    snprintf(text, sizeof text, "%s\n\n%s", ENGLISH, GERMAN);
    g = identify_with(&o, text);
    expect(&g, LANG_MIXED, "");

    /* a lower bar takes the larger part */
    o.min_confidence = 0.5;
    snprintf(text, sizeof text, "%s\n\n%s", GERMAN, ENGLISH);
    g = identify_with(&o, text);
    expect(&g, LANG_FOUND, "de");
}

/* A clear first look settles the text; a prefix in two languages is read
 * on to max_bytes, as without a first look. */
static void first_look_settles_clear_text(void **unused)
{
    (void)unused;
    struct lang_opts o = defaults();
    o.max_bytes = 4096;
    char text[4096];
    /* German for the first look, English after it: German. */
    snprintf(text, sizeof text, "%s\n\n%s\n\n%s", GERMAN, ENGLISH, ENGLISH);
    struct lang_guess g = identify_with(&o, text);
    expect(&g, LANG_FOUND, "de");
    assert_true(g.share >= LANG_FIRST_LOOK_PERCENT / 100.0);
    /* Half a German sentence, then English: the first look is not clear,
     * the whole is read and is mostly English. */
    snprintf(text, sizeof text, "%.120s\n\n%s\n\n%s", GERMAN, ENGLISH, ENGLISH);
    g = identify_with(&o, text);
    expect(&g, LANG_FOUND, "en");
    assert_true(g.share < LANG_FIRST_LOOK_PERCENT / 100.0);
    /* The same without a first look. */
    o.first_look = 0;
    snprintf(text, sizeof text, "%s\n\n%s\n\n%s", GERMAN, ENGLISH, ENGLISH);
    g = identify_with(&o, text);
    assert_string_equal(g.best, "en");
}

/* Only the first max_bytes are read, cut at a character boundary. */
static void max_bytes_reads_the_head(void **unused)
{
    (void)unused;
    struct lang_opts o = defaults();
    char text[4096];
    snprintf(text, sizeof text, "%s\n\n%s\n\n%s", GERMAN, ENGLISH, ENGLISH);
    o.max_bytes = 300; /* German only */
    struct lang_guess g = identify_with(&o, text);
    expect(&g, LANG_FOUND, "de");
    o.max_bytes = sizeof text; /* mostly English */
    o.first_look = 0;
    g = identify_with(&o, text);
    assert_string_equal(g.best, "en");

    /* Cyrillic letters are two bytes: an odd cut falls inside one and must
     * step back rather than hand CLD2 half a character. */
    for (size_t max = 201; max < 221; max++) {
        o.max_bytes = max;
        g = identify_with(&o, RUSSIAN);
        expect(&g, LANG_FOUND, "ru");
    }
}

/* languages = de, en: CLD2 favours them and nothing else is accepted. */
static void languages_list_restricts(void **unused)
{
    (void)unused;
    struct lang_opts o = defaults();
    o.hint = "de,en";
    struct lang_guess g = identify_with(&o, GERMAN);
    expect(&g, LANG_FOUND, "de");
    g = identify_with(&o, RUSSIAN);
    expect(&g, LANG_UNLISTED, "");
    assert_string_equal(g.best, "ru");
}

static void canonical_codes(void **unused)
{
    (void)unused;
    char code[LANG_CODE_MAX];
    assert_int_equal(lang_cld2_canonical("de", code), 1);
    assert_string_equal(code, "de");
    assert_int_equal(lang_cld2_canonical("iw", code), 1); /* CLD2's old code for Hebrew */
    assert_string_equal(code, "he");
    assert_int_equal(lang_cld2_canonical("he", code), 1);
    assert_string_equal(code, "he");
    assert_int_equal(lang_cld2_canonical("klingonisch", code), 0);
    assert_string_equal(code, "");
    assert_int_equal(lang_cld2_canonical("", code), 0);
    assert_int_equal(lang_cld2_canonical(NULL, code), 0);
}

static void letters_counted(void **unused)
{
    (void)unused;
    static const char mixed[] = "Hallo, Welt! 123 – äöü „x“ 정부는 × ÷";
    assert_int_equal(lang_count_letters(mixed, strlen(mixed)), 16);
    assert_int_equal(lang_count_letters("", 0), 0);
}

static void assert_text(const char *title, const char *body, size_t max, const char *want)
{
    size_t len = 99;
    char *t = lang_article_text(title, body, max, &len);
    assert_non_null(t);
    assert_string_equal(t, want);
    assert_int_equal(len, strlen(want));
    free(t);
}

/* Title, blank line, body; a derived title (the body's first sentence) is
 * read once; at most max + 4 bytes, title first. */
static void article_text_joined(void **unused)
{
    (void)unused;
    assert_text("Titel", "Text.", 100, "Titel\n\nText.");
    assert_text("", "Text.", 100, "Text.");
    assert_text("Titel", "", 100, "Titel");
    assert_text("", "", 100, "");
    assert_text("Erster Satz.", "Erster Satz. Zweiter Satz.", 100, "Erster Satz. Zweiter Satz.");
    assert_text("Titel", "Text.", 2, "Titel\n");          /* max 2: 6 bytes */
    assert_text("Titel", "Text und mehr", 4, "Titel\n\nT");
    assert_text("Ti", "Text und mehr", 1, "Ti\n\nT");
}

static void given_codes(void **unused)
{
    (void)unused;
    char code[LANG_CODE_MAX];
    assert_int_equal(lang_given_code("de", code), 1);
    assert_string_equal(code, "de");
    assert_int_equal(lang_given_code("pt-BR", code), 1);
    assert_string_equal(code, "pt");
    assert_int_equal(lang_given_code("EN_us", code), 1);
    assert_string_equal(code, "en");
    assert_int_equal(lang_given_code("iw", code), 1);
    assert_string_equal(code, "he");
    assert_int_equal(lang_given_code("qaa", code), 1); /* ISO's private use: kept */
    assert_string_equal(code, "qaa");
    assert_int_equal(lang_given_code("German", code), 0);
    assert_string_equal(code, "");
    assert_int_equal(lang_given_code("d", code), 0);
    assert_int_equal(lang_given_code("d1", code), 0);
    assert_int_equal(lang_given_code("fr\xC3\xA9", code), 0);
    assert_int_equal(lang_given_code("", code), 0);
}

/* The plugin says NEWSD_PLUGIN_THREAD_SAFE: CLD2 keeps no state between
 * calls.  Four threads identifying different texts at once must get what
 * one thread gets. */
#define RACE_THREADS 4
#define RACE_ROUNDS 300

static const char *const race_texts[] = {GERMAN, ENGLISH, RUSSIAN, KOREAN};
static const char *const race_codes[] = {"de", "en", "ru", "ko"};

static void *race(void *arg)
{
    size_t first = (size_t)(uintptr_t)arg;
    struct lang_opts o = defaults();
    for (size_t i = 0; i < RACE_ROUNDS; i++) {
        size_t k = (first + i) % 4;
        struct lang_guess g;
        if (lang_identify(&o, race_texts[k], strlen(race_texts[k]), &g) < 0 ||
            g.verdict != LANG_FOUND || strcmp(g.code, race_codes[k]) != 0)
            return (void *)race_codes[k];
    }
    return NULL;
}

static void threads_agree(void **unused)
{
    (void)unused;
    pthread_t t[RACE_THREADS];
    for (size_t i = 0; i < RACE_THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, race, (void *)(uintptr_t)i), 0);
    for (size_t i = 0; i < RACE_THREADS; i++) {
        void *wrong;
        assert_int_equal(pthread_join(t[i], &wrong), 0);
        assert_null(wrong);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(long_texts_found),
        cmocka_unit_test(short_text_und),
        cmocka_unit_test(sentence_found_with_less_confidence),
        cmocka_unit_test(empty_text_und),
        cmocka_unit_test(invalid_input_refused),
        cmocka_unit_test(control_characters_identified),
        cmocka_unit_test(mixed_text_dominant_or_und),
        cmocka_unit_test(max_bytes_reads_the_head),
        cmocka_unit_test(first_look_settles_clear_text),
        cmocka_unit_test(languages_list_restricts),
        cmocka_unit_test(canonical_codes),
        cmocka_unit_test(letters_counted),
        cmocka_unit_test(threads_agree),
        cmocka_unit_test(article_text_joined),
        cmocka_unit_test(given_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
