/*
 * Unit tests for the text layer (daemon/analysis.c, segment.c, abbrev.c,
 * stem.c, stopwords.c): normalisation, segmentation of German and English
 * news text, stems per language, stop words, refused input, struct_size,
 * the token array (1.5) and the analysis an article owns.
 *
 * The stop-word lists are read from NEWSD_DATA_DIR, which meson sets to
 * the build tree's data/ folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libstemmer.h>
#include <pthread.h>

#include "build_data.h"
#include "analysis.h"
#include "article.h"
#include "stem.h"
#include "strhash.h"
#include "text.h"

enum part { TEXT, NORM, STEM };

/* The tokens' texts (or norms or stems) joined by '|', for compact
 * assertions.  Static buffer: one call per assertion. */
static const char *joined(const newsd_analysis *an, enum part part)
{
    static char buf[8192];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < newsd_analysis_token_count(an); i++) {
        struct newsd_token t = {.struct_size = sizeof t};
        assert_int_equal(newsd_analysis_token_at(an, i, &t), NEWSD_OK);
        const char *s = part == TEXT ? t.text : part == NORM ? t.norm : t.stem;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "|" : "", s);
        assert_true(n < sizeof buf);
    }
    return buf;
}

static const char *sentences(const newsd_analysis *an)
{
    static char buf[8192];
    size_t n = 0;
    buf[0] = '\0';
    const char *text = newsd_analysis_text(an, NULL);
    for (size_t i = 0; i < newsd_analysis_sentence_count(an); i++) {
        struct newsd_sentence s = {.struct_size = sizeof s};
        assert_int_equal(newsd_analysis_sentence_at(an, i, &s), NEWSD_OK);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%.*s", i ? "|" : "", (int)s.length, text + s.offset);
        assert_true(n < sizeof buf);
    }
    return buf;
}

static newsd_analysis *analyse(const char *text, const char *lang)
{
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), lang);
    assert_non_null(an);
    return an;
}

static struct newsd_token token(const newsd_analysis *an, size_t i)
{
    struct newsd_token t = {.struct_size = sizeof t};
    assert_int_equal(newsd_analysis_token_at(an, i, &t), NEWSD_OK);
    return t;
}

/* The index of the first token with this text. */
static size_t find(const newsd_analysis *an, const char *text)
{
    for (size_t i = 0; i < newsd_analysis_token_count(an); i++)
        if (strcmp(token(an, i).text, text) == 0)
            return i;
    fail_msg("no token \"%s\" in %s", text, joined(an, TEXT));
    return 0;
}

/* ---- normalisation -------------------------------------------------------- */

static void test_nfc_and_case_folding(void **state)
{
    (void)state;
    /* "Cafe" + U+0301 COMBINING ACUTE ACCENT becomes "Café" (U+00E9). */
    newsd_analysis *an = analyse("Cafe\xcc\x81 STRASSE Straße ÄRGER ΣΟΦΊΑ", "");
    size_t len;
    assert_string_equal(newsd_analysis_text(an, &len), "Caf\xc3\xa9 STRASSE Straße ÄRGER ΣΟΦΊΑ");
    assert_int_equal(len, strlen("Caf\xc3\xa9 STRASSE Straße ÄRGER ΣΟΦΊΑ"));
    assert_string_equal(joined(an, TEXT), "Caf\xc3\xa9|STRASSE|Straße|ÄRGER|ΣΟΦΊΑ");
    /* ß folds to ss; Greek goes through utf8proc (no fast path). */
    assert_string_equal(joined(an, NORM), "caf\xc3\xa9|strasse|strasse|ärger|σοφία");
    assert_string_equal(newsd_analysis_lang(an), "");
    /* No language: stems are norms. */
    assert_string_equal(joined(an, STEM), joined(an, NORM));
    newsd_analysis_free(an);

    /* CRLF is a line break like LF. */
    an = analyse("Erste Zeile\r\nZweite Zeile", "de");
    assert_string_equal(sentences(an), "Erste Zeile|Zweite Zeile");
    newsd_analysis_free(an);
}

static void test_lang_codes(void **state)
{
    (void)state;
    char code[ANALYSIS_LANG_MAX];
    analysis_lang_code("de", code);
    assert_string_equal(code, "de");
    analysis_lang_code("DE-at", code);
    assert_string_equal(code, "de");
    analysis_lang_code("pt_BR", code);
    assert_string_equal(code, "pt");
    analysis_lang_code("german", code);
    assert_string_equal(code, "");
    analysis_lang_code("../x", code);
    assert_string_equal(code, "");
    analysis_lang_code(NULL, code);
    assert_string_equal(code, "");
}

/* ---- segmentation: German ---------------------------------------------- */

static void test_de_compounds(void **state)
{
    (void)state;
    newsd_analysis *an = analyse("Chinesische KI-Chiphersteller trotz US-Handelsbeschränkungen: "
                                 "die KI- und Chipherstellung, Chip-, Software- oder Cloud-Anbieter.", "de");
    assert_string_equal(joined(an, TEXT), "Chinesische|KI-Chiphersteller|trotz|US-Handelsbeschränkungen|:|"
                                           "die|KI-|und|Chipherstellung|,|Chip-|,|Software-|oder|Cloud-Anbieter|.");
    struct newsd_token t = token(an, find(an, "KI-"));
    assert_int_equal(t.kind, NEWSD_TOKEN_WORD);
    assert_true(t.flags & NEWSD_TOKEN_ALL_CAPS);
    t = token(an, find(an, "US-Handelsbeschränkungen"));
    assert_string_equal(t.norm, "us-handelsbeschränkungen");
    assert_true(t.flags & NEWSD_TOKEN_CAPITALISED);
    assert_false(t.flags & NEWSD_TOKEN_ALL_CAPS);
    /* A dash between spaces is punctuation, not a compound. */
    newsd_analysis_free(an);
    an = analyse("Wien – Die Regierung - so heißt es - plant", "de");
    assert_string_equal(joined(an, TEXT), "Wien|–|Die|Regierung|-|so|heißt|es|-|plant");
    newsd_analysis_free(an);
}

static void test_de_numbers(void **state)
{
    (void)state;
    newsd_analysis *an = analyse("Der Umsatz stieg um 3,7% auf 4,6 Milliarden Yuan, das 10-fache von 2019; "
                                 "1.000.000 Chips in 5nm, 3,5 % mehr, 20°C am 28.11.2026 um 10:30.", "de");
    assert_string_equal(joined(an, TEXT), "Der|Umsatz|stieg|um|3,7%|auf|4,6|Milliarden|Yuan|,|das|10-fache|von|"
                                           "2019|;|1.000.000|Chips|in|5nm|,|3,5|%|mehr|,|20°C|am|28.11.2026|um|"
                                           "10:30|.");
    assert_int_equal(token(an, find(an, "3,7%")).kind, NEWSD_TOKEN_NUMBER);
    assert_int_equal(token(an, find(an, "10-fache")).kind, NEWSD_TOKEN_NUMBER);
    assert_int_equal(token(an, find(an, "%")).kind, NEWSD_TOKEN_PUNCT);
    /* Numbers are not stemmed. */
    struct newsd_token t = token(an, find(an, "10-fache"));
    assert_string_equal(t.stem, t.norm);
    newsd_analysis_free(an);
}

static void test_de_abbreviations_and_sentences(void **state)
{
    (void)state;
    newsd_analysis *an = analyse("Firmen wie z. B. Huawei bzw. Baidu investieren, sagte Dr. Li am 3. Oktober. "
                                 "Die Huawei Technologies Co. Ltd. wächst! Warum? Das sagte Hans J. Müller, "
                                 "d.h. der Chef, gestern… und ging. „Wo?“, fragte er.", "de");
    assert_string_equal(sentences(an),
                        "Firmen wie z. B. Huawei bzw. Baidu investieren, sagte Dr. Li am 3. Oktober.|"
                        "Die Huawei Technologies Co. Ltd. wächst!|Warum?|"
                        "Das sagte Hans J. Müller, d.h. der Chef, gestern… und ging.|„Wo?“, fragte er.");
    struct newsd_token t = token(an, find(an, "z. B."));
    assert_int_equal(t.kind, NEWSD_TOKEN_WORD);
    assert_true(t.flags & NEWSD_TOKEN_ABBREVIATION);
    assert_true(token(an, find(an, "bzw.")).flags & NEWSD_TOKEN_ABBREVIATION);
    assert_true(token(an, find(an, "Dr.")).flags & NEWSD_TOKEN_ABBREVIATION);
    assert_true(token(an, find(an, "Co.")).flags & NEWSD_TOKEN_ABBREVIATION);
    assert_true(token(an, find(an, "J.")).flags & NEWSD_TOKEN_ABBREVIATION);
    assert_true(token(an, find(an, "d.h.")).flags & NEWSD_TOKEN_ABBREVIATION);
    /* The ordinal keeps its dot and is a number. */
    t = token(an, find(an, "3."));
    assert_int_equal(t.kind, NEWSD_TOKEN_NUMBER);
    /* The closing quote stays with its sentence. */
    assert_int_equal(token(an, find(an, "“")).sentence, 4);
    newsd_analysis_free(an);
}

static void test_sentence_starts_paragraphs_and_lists(void **state)
{
    (void)state;
    const char *text = "Kurzer Blick:\n\n"
                       "  • Fortschritte bei KI-Chips: Chinesische Hersteller holen auf.\n"
                       "  • Innovation trotz Sanktionen\n\n"
                       "Ein langer Absatz, der auf mehrere Zeilen umbrochen wurde, weil\n"
                       "Zeitungen das so machen. Danach kommt der nächste Satz.\n";
    newsd_analysis *an = analyse(text, "de");
    assert_string_equal(sentences(an), "Kurzer Blick:|• Fortschritte bei KI-Chips: Chinesische Hersteller holen auf.|"
                                       "• Innovation trotz Sanktionen|"
                                       "Ein langer Absatz, der auf mehrere Zeilen umbrochen wurde, weil\n"
                                       "Zeitungen das so machen.|Danach kommt der nächste Satz.");
    uint32_t paragraphs[5];
    for (size_t i = 0; i < 5; i++) {
        struct newsd_sentence s = {.struct_size = sizeof s};
        assert_int_equal(newsd_analysis_sentence_at(an, i, &s), NEWSD_OK);
        paragraphs[i] = s.paragraph;
        /* The sentence's tokens are its own. */
        for (size_t k = s.first_token; k < s.first_token + s.n_tokens; k++)
            assert_int_equal(token(an, k).sentence, i);
    }
    assert_int_equal(paragraphs[0], 0);
    assert_int_equal(paragraphs[1], 1);
    assert_int_equal(paragraphs[2], 2);
    assert_int_equal(paragraphs[3], 3);
    assert_int_equal(paragraphs[4], 3);
    /* SENTENCE_START: the first word, not the bullet. */
    struct newsd_token bullet = token(an, find(an, "•"));
    struct newsd_token first = token(an, find(an, "Fortschritte"));
    assert_false(bullet.flags & NEWSD_TOKEN_SENTENCE_START);
    assert_true(first.flags & NEWSD_TOKEN_SENTENCE_START);
    assert_false(token(an, find(an, "Chinesische")).flags & NEWSD_TOKEN_SENTENCE_START);
    /* Offsets point into the analysed text. */
    assert_memory_equal(newsd_analysis_text(an, NULL) + first.offset, "Fortschritte", first.length);
    newsd_analysis_free(an);
}

/* ---- segmentation: English and other scripts ------------------------------ */

static void test_en_segmentation(void **state)
{
    (void)state;
    newsd_analysis *an = analyse("Nvidia Corp. and Apple Inc. met Mr. Smith in the U.S. on Monday. "
                                 "Xi's plan doesn't work, e.g. in 2023 sales fell 3.7% to $4.6bn. "
                                 "Is it over? Yes!", "en");
    assert_string_equal(sentences(an), "Nvidia Corp. and Apple Inc. met Mr. Smith in the U.S. on Monday.|"
                                       "Xi's plan doesn't work, e.g. in 2023 sales fell 3.7% to $4.6bn.|"
                                       "Is it over?|Yes!");
    struct newsd_token t = token(an, find(an, "U.S."));
    assert_true(t.flags & NEWSD_TOKEN_ABBREVIATION);
    assert_true(t.flags & NEWSD_TOKEN_ALL_CAPS);
    assert_string_equal(t.norm, "u.s.");
    t = token(an, find(an, "Xi's"));
    assert_string_equal(t.norm, "xi");
    assert_string_equal(token(an, find(an, "doesn't")).norm, "doesn't");
    assert_int_equal(token(an, find(an, "3.7%")).kind, NEWSD_TOKEN_NUMBER);
    assert_int_equal(token(an, find(an, "4.6bn")).kind, NEWSD_TOKEN_NUMBER);
    assert_int_equal(token(an, find(an, "$")).kind, NEWSD_TOKEN_PUNCT);
    newsd_analysis_free(an);

    /* A host name is no abbreviation: its dot ends the sentence. */
    an = analyse("Visit bbc.co.uk. Then the Ph.D. students left.", "en");
    assert_string_equal(sentences(an), "Visit bbc.co.uk.|Then the Ph.D. students left.");
    newsd_analysis_free(an);

    /* U+2019 as the apostrophe: the same norm. */
    an = analyse("Xi\xe2\x80\x99s plan doesn\xe2\x80\x99t", "en");
    assert_string_equal(joined(an, NORM), "xi|plan|doesn't");
    newsd_analysis_free(an);
}

static void test_other_scripts(void **state)
{
    (void)state;
    /* Han ideographs: a token each; Katakana: a run is one token. */
    newsd_analysis *an = analyse("华为公司发布了新芯片。ファーウェイは新しいチップ", "zh");
    assert_string_equal(joined(an, TEXT), "华|为|公|司|发|布|了|新|芯|片|。|ファーウェイ|は|新|し|い|チップ");
    assert_string_equal(sentences(an), "华为公司发布了新芯片。|ファーウェイは新しいチップ");
    newsd_analysis_free(an);

    /* Cyrillic words, a Russian abbreviation, Snowball's Russian stems. */
    an = analyse("Компания Хуавэй выпустила новые процессоры в 2023 г. и т. д.", "ru");
    assert_string_equal(joined(an, TEXT), "Компания|Хуавэй|выпустила|новые|процессоры|в|2023|г.|и|т. д.");
    assert_string_equal(token(an, 0).norm, "компания");
    assert_string_equal(token(an, 4).stem, "процессор");
    assert_true(token(an, find(an, "в")).flags & NEWSD_TOKEN_STOPWORD);
    newsd_analysis_free(an);

    /* Korean: words between spaces; no stemmer, no stop words. */
    an = analyse("삼성전자는 새로운 칩을 발표했다.", "ko");
    assert_string_equal(joined(an, TEXT), "삼성전자는|새로운|칩을|발표했다|.");
    assert_string_equal(joined(an, STEM), joined(an, NORM));
    assert_string_equal(newsd_analysis_lang(an), "ko");
    newsd_analysis_free(an);

    /* French elision. */
    an = analyse("L'entreprise qu'il dirige a dit aujourd'hui", "fr");
    assert_string_equal(joined(an, TEXT), "L'|entreprise|qu'|il|dirige|a|dit|aujourd'hui");
    assert_true(token(an, 0).flags & NEWSD_TOKEN_STOPWORD);
    newsd_analysis_free(an);
}

/* ---- stems and stop words ------------------------------------------------ */

static void test_stems(void **state)
{
    (void)state;
    newsd_analysis *an = analyse("Die Handelsbeschränkungen häuser Häusern schließen Schliessen", "de");
    assert_string_equal(joined(an, STEM), "die|handelsbeschrank|haus|haus|schliess|schliess");
    newsd_analysis_free(an);
    an = analyse("Running runs ran companies company's investors invested", "en");
    assert_string_equal(joined(an, STEM), "run|run|ran|compani|compani|investor|invest");
    newsd_analysis_free(an);
    an = analyse("Les entreprises chinoises investissent", "fr");
    assert_string_equal(joined(an, STEM), "le|entrepris|chinois|invest");
    newsd_analysis_free(an);
    /* Abbreviations keep their norm. */
    an = analyse("Dr. Li", "de");
    assert_string_equal(joined(an, STEM), "dr.|li");
    newsd_analysis_free(an);

    /* The memo gives what the stemmer gives, again and again. */
    struct stemmer *st = stem_stemmer("en");
    assert_non_null(st);
    for (int round = 0; round < 3; round++) {
        size_t n;
        const char *s = stem_word(st, "nationalities", 13, &n);
        assert_non_null(s);
        assert_int_equal(n, strlen("nation"));
        assert_memory_equal(s, "nation", n);
    }
    /* A stem that is not a prefix of its word comes back whole too
     * (the memo keeps what it adds), in German and English. */
    static const struct {
        const char *lang, *word, *stem;
    } added[] = {{"en", "happy", "happi"}, {"en", "skies", "sky"}, {"de", "häuser", "haus"},
                 {"de", "beschränkungen", "beschrank"}};
    for (size_t i = 0; i < sizeof added / sizeof *added; i++)
        for (int round = 0; round < 3; round++) {
            size_t n;
            const char *s = stem_word(stem_stemmer(added[i].lang), added[i].word, strlen(added[i].word), &n);
            assert_non_null(s);
            assert_int_equal(n, strlen(added[i].stem));
            assert_memory_equal(s, added[i].stem, n);
        }
    /* More words than the memo holds: each one's stem, asked again right
     * away (from the memo) or after many others (evicted or not), is the
     * stemmer's. */
    static const char *const endings[] = {"ies", "y", "ing", "ed", "ness", "s", "ational", "ly"};
    enum { N_WORDS = 150000 };
    char (*first)[40] = calloc(N_WORDS, sizeof *first);
    assert_non_null(first);
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < N_WORDS; i++) {
            char w[40];
            int len = 0;
            for (int v = i; len < 6; v /= 26)
                w[len++] = (char)('a' + v % 26);
            len += snprintf(w + len, sizeof w - (size_t)len, "%s", endings[i % 8]);
            size_t n;
            for (int again = 0; again < 2; again++) {
                const char *s = stem_word(st, w, (size_t)len, &n);
                assert_non_null(s);
                assert_true(n < sizeof first[i]);
                if (pass == 0 && again == 0) {
                    memcpy(first[i], s, n);
                    first[i][n] = '\0';
                }
                assert_int_equal(n, strlen(first[i]));
                assert_memory_equal(s, first[i], n);
            }
        }
    free(first);
    assert_null(stem_stemmer("ko"));
    assert_string_equal(stem_algorithm("no"), "norwegian");
    assert_null(stem_algorithm("xx"));
}

/* The memo keeps short words (with what their stem adds) and long ones
 * in tables of their own: German words of every length from 1 to 40
 * bytes, with umlauts (the stem replaces them, so a short word may add
 * more than its slot holds and go to the long table), more of them than
 * either table holds, each one's stem asked three times is the
 * stemmer's. */
static void test_stems_every_length(void **state)
{
    (void)state;
    struct sb_stemmer *sb = sb_stemmer_new("german", "UTF_8");
    struct stemmer *st = stem_stemmer("de");
    assert_non_null(sb);
    assert_non_null(st);
    static const char *const parts[] = {"h\xc3\xa4", "ung", "s", "\xc3\xbc", "en", "er", "b", "\xc3\xb6",
                                        "lich", "t", "e"};
    enum { N_WORDS = 120000, LONGEST = 40 };
    for (int pass = 0; pass < 3; pass++)
        for (int i = 0; i < N_WORDS; i++) {
            char w[LONGEST + 8];
            size_t len = 0, want = 1 + (size_t)i % LONGEST;
            for (unsigned v = (unsigned)i * 2654435761u; len < want; v = v / 11 + 7) {
                const char *p = parts[v % 11];
                size_t n = strlen(p);
                if (len + n > want)
                    p = "x", n = 1;
                memcpy(w + len, p, n);
                len += n;
            }
            const sb_symbol *r = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)len);
            assert_non_null(r);
            size_t n, expect = (size_t)sb_stemmer_length(sb);
            const char *s = stem_word(st, w, len, &n);
            assert_non_null(s);
            assert_int_equal(n, expect);
            assert_memory_equal(s, r, n);
        }
    sb_stemmer_delete(sb);
}

/* Threads share a language's memo: two of them stemming the same words at
 * once, in opposite orders and more than the memo holds (so each keeps
 * replacing what the other wrote), always get the stemmer's own answer.
 * The words run from 6 to 30 bytes, so that both of the memo's tables are
 * raced on, and the short words whose stem does not fit a short slot
 * ("...y" -> "...i" at 12 bytes) go through the spill bits. */
enum { SHARED_WORDS = 60000, SHARED_PASSES = 3 };
static char (*shared_stems)[40];

static void shared_word(int i, char *w, int *len)
{
    static const char *const endings[] = {"ies", "y", "ing", "ed", "ness", "s", "ational", "ly"};
    *len = 0;
    int prefix = 5 + i % 19;
    for (uint32_t v = (uint32_t)i * 2654435761u + 1; *len < prefix; v = v * 1664525u + 1013904223u)
        w[(*len)++] = (char)('a' + (v >> 24) % 26);
    *len += snprintf(w + *len, 40 - (size_t)*len, "%s", endings[i % 8]);
}

static void *stem_shared(void *arg)
{
    int backwards = *(const int *)arg;
    struct stemmer *st = stem_stemmer("en");
    intptr_t wrong = st ? 0 : 1;
    for (int pass = 0; st && pass < SHARED_PASSES; pass++)
        for (int k = 0; k < SHARED_WORDS; k++) {
            int i = backwards ? SHARED_WORDS - 1 - k : k, len;
            char w[40];
            shared_word(i, w, &len);
            size_t n;
            const char *s = stem_word(st, w, (size_t)len, &n);
            if (!s || n != strlen(shared_stems[i]) || memcmp(s, shared_stems[i], n) != 0)
                wrong++;
        }
    return (void *)wrong;
}

static void test_stems_shared_by_threads(void **state)
{
    (void)state;
    struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
    assert_non_null(sb);
    shared_stems = calloc(SHARED_WORDS, sizeof *shared_stems);
    assert_non_null(shared_stems);
    for (int i = 0; i < SHARED_WORDS; i++) {
        char w[40];
        int len;
        shared_word(i, w, &len);
        const sb_symbol *r = sb_stemmer_stem(sb, (const sb_symbol *)w, len);
        assert_non_null(r);
        int n = sb_stemmer_length(sb);
        assert_true(n < 40);
        memcpy(shared_stems[i], r, (size_t)n);
    }
    sb_stemmer_delete(sb);
    pthread_t t[2];
    int backwards[2] = {0, 1};
    for (int k = 0; k < 2; k++)
        assert_int_equal(pthread_create(&t[k], NULL, stem_shared, &backwards[k]), 0);
    for (int k = 0; k < 2; k++) {
        void *wrong;
        assert_int_equal(pthread_join(t[k], &wrong), 0);
        assert_int_equal((intptr_t)wrong, 0);
    }
    free(shared_stems);
}

/* The same race on one set: every word has the same low 16 bits of its
 * hash, so all of them may take the same two sets of each of the memo's
 * tables (both of a word's sets follow from those bits), more words than
 * the two sets have ways.  Four threads keep evicting one another's words there while they
 * read them back, so readers and writers meet on the same slots (what
 * ThreadSanitizer needs to see a slot accessed other than atomically),
 * and each word's stem adds bytes of its own (German "bä..." -> "ba...":
 * a reader that took one word's bytes with another's added ones would
 * return a wrong stem).  Such a torn read needs a writer between two of
 * the reader's loads: the test shows one only if it is frequent. */
enum { ONE_SET_WORDS = 40, ONE_SET_ROUNDS = 20000, ONE_SET_THREADS = 4 };
static char one_set_word[ONE_SET_WORDS][32], one_set_stem[ONE_SET_WORDS][32];
static size_t one_set_len[ONE_SET_WORDS], one_set_stem_len[ONE_SET_WORDS];

static void *stem_one_set(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    struct stemmer *st = stem_stemmer("de");
    intptr_t wrong = st ? 0 : 1;
    for (int r = 0; st && r < ONE_SET_ROUNDS; r++) {
        seed = seed * 1664525u + 1013904223u;
        int i = (int)((seed >> 16) % ONE_SET_WORDS);
        size_t n;
        const char *s = stem_word(st, one_set_word[i], one_set_len[i], &n);
        if (!s || n != one_set_stem_len[i] || memcmp(s, one_set_stem[i], n) != 0)
            wrong++;
    }
    return (void *)wrong;
}

static void test_stems_one_set_raced(void **state)
{
    (void)state;
    struct sb_stemmer *sb = sb_stemmer_new("german", "UTF_8");
    assert_non_null(sb);
    /* Half of 6 bytes (a short slot holds word and stem), half of 12 (the
     * long table, through the spill bits): a letter, "ä", then letters. */
    uint64_t want = 0;
    int n = 0;
    for (uint32_t v = 1; n < ONE_SET_WORDS; v++) {
        char *w = one_set_word[n];
        size_t len = n % 2 ? 12 : 6;
        uint32_t x = v;
        w[0] = 'b';
        w[1] = '\xc3';
        w[2] = '\xa4';
        for (size_t k = 3; k < len; k++, x = x * 1664525u + 1013904223u)
            w[k] = "bdfgklmnoprtuxz"[(x >> 24) % 15];
        uint64_t h = strhash(w, len);
        if (n == 0)
            want = h & 0xffff;
        else if ((h & 0xffff) != want)
            continue;
        const sb_symbol *r = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)len);
        assert_non_null(r);
        one_set_stem_len[n] = (size_t)sb_stemmer_length(sb);
        assert_true(one_set_stem_len[n] < sizeof one_set_stem[n]);
        memcpy(one_set_stem[n], r, one_set_stem_len[n]);
        one_set_len[n++] = len;
    }
    sb_stemmer_delete(sb);
    pthread_t t[ONE_SET_THREADS];
    for (uintptr_t k = 0; k < ONE_SET_THREADS; k++)
        assert_int_equal(pthread_create(&t[k], NULL, stem_one_set, (void *)(k + 1)), 0);
    for (int k = 0; k < ONE_SET_THREADS; k++) {
        void *wrong;
        assert_int_equal(pthread_join(t[k], &wrong), 0);
        assert_int_equal((intptr_t)wrong, 0);
    }
}

/* The stop-word bit rides in the head of a memo slot: readers racing
 * writers on one set must never take a word's stem with another word's
 * bit.  One stop word ("und") and non-stop words whose hashes pick the
 * same two sets of the short table (low 16 bits equal); four threads evict
 * one another there, half of them stemming without asking for the flag
 * (stem_word(): the entry they write must still carry the right bit). */
enum { STOP_SET_WORDS = 20, STOP_SET_ROUNDS = 20000, STOP_SET_THREADS = 4 };
static char stop_set_word[STOP_SET_WORDS][16];
static size_t stop_set_len[STOP_SET_WORDS];
static bool stop_set_is_stop[STOP_SET_WORDS];

static void *stem_stop_set(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    bool ask = seed % 2;
    struct stemmer *st = stem_stemmer("de");
    intptr_t wrong = st ? 0 : 1;
    for (int r = 0; st && r < STOP_SET_ROUNDS; r++) {
        seed = seed * 1664525u + 1013904223u;
        int i = (int)((seed >> 16) % STOP_SET_WORDS);
        size_t n;
        uint64_t h = strhash(stop_set_word[i], stop_set_len[i]);
        bool stop = !stop_set_is_stop[i];
        const char *s = ask || r % 2 ? stem_word_stop_hashed(st, stop_set_word[i], stop_set_len[i], h, &stop, &n)
                                     : stem_word_hashed(st, stop_set_word[i], stop_set_len[i], h, &n);
        if (!s || ((ask || r % 2) && stop != stop_set_is_stop[i]))
            wrong++;
    }
    return (void *)wrong;
}

static void test_stop_bit_raced(void **state)
{
    (void)state;
    strcpy(stop_set_word[0], "und");
    stop_set_len[0] = 3;
    uint64_t want = strhash("und", 3) & 0xffff;
    int n = 1;
    for (uint32_t v = 1; n < STOP_SET_WORDS; v++) {
        char *w = stop_set_word[n];
        size_t len = 4 + v % 5;
        uint32_t x = v;
        for (size_t k = 0; k < len; k++, x = x * 1664525u + 1013904223u)
            w[k] = (char)('a' + (x >> 24) % 26);
        w[len] = '\0';
        if ((strhash(w, len) & 0xffff) != want || newsd_stopword("de", w))
            continue;
        stop_set_len[n++] = len;
    }
    for (int i = 0; i < STOP_SET_WORDS; i++)
        stop_set_is_stop[i] = newsd_stopword("de", stop_set_word[i]);
    assert_true(stop_set_is_stop[0]);
    pthread_t t[STOP_SET_THREADS];
    for (uintptr_t k = 0; k < STOP_SET_THREADS; k++)
        assert_int_equal(pthread_create(&t[k], NULL, stem_stop_set, (void *)(k + 1)), 0);
    for (int k = 0; k < STOP_SET_THREADS; k++) {
        void *wrong;
        assert_int_equal(pthread_join(t[k], &wrong), 0);
        assert_int_equal((intptr_t)wrong, 0);
    }
}

static void test_stopwords(void **state)
{
    (void)state;
    assert_true(newsd_stopword("de", "und"));
    assert_true(newsd_stopword("de", "dass"));     /* listed as "daß" and "dass": folded alike */
    assert_true(newsd_stopword("DE-AT", "der"));
    assert_false(newsd_stopword("de", "huawei"));
    assert_false(newsd_stopword("de", "Und"));     /* norms are case-folded; "Und" is not one */
    assert_true(newsd_stopword("en", "the"));
    assert_false(newsd_stopword("en", "und"));
    assert_false(newsd_stopword("ko", "und"));     /* no list */
    assert_false(newsd_stopword("", "the"));
    assert_false(newsd_stopword(NULL, "the"));
    assert_false(newsd_stopword("en", NULL));
    assert_false(newsd_stopword("../../etc/passwd", "root"));

    newsd_analysis *an = analyse("Der Chip und die KI", "de");
    assert_true(token(an, 0).flags & NEWSD_TOKEN_STOPWORD);
    assert_false(token(an, 1).flags & NEWSD_TOKEN_STOPWORD);
    assert_true(token(an, 2).flags & NEWSD_TOKEN_STOPWORD);
    assert_true(token(an, 3).flags & NEWSD_TOKEN_STOPWORD);
    newsd_analysis_free(an);
    /* The same words in a language without a list. */
    an = analyse("Der Chip und die KI", "ko");
    for (size_t i = 0; i < newsd_analysis_token_count(an); i++)
        assert_false(token(an, i).flags & NEWSD_TOKEN_STOPWORD);
    newsd_analysis_free(an);
}

/* ---- the fast paths give what the general ones give --------------------- */

/* ASCII words of every length from 1 to 20 with a capital or an
 * apostrophe at every place (make_norm() reads ASCII words eight bytes a
 * step, and lower-cases them itself): each norm is text_casefold()'s,
 * less a possessive "'s" (tidy_norm()). */
static void test_ascii_norms(void **state)
{
    (void)state;
    for (size_t len = 1; len <= 20; len++)
        for (size_t at = 0; at < len; at++)
            for (int what = 0; what < 4; what++) {
                char w[32];
                for (size_t i = 0; i < len; i++)
                    w[i] = (char)('a' + (i * 7 + len) % 26);
                /* A capital, two, an apostrophe inside, a byte beyond ASCII ("é"). */
                if (what == 0)
                    w[at] = (char)(w[at] - 0x20);
                else if (what == 1)
                    w[at] = 'Z', w[0] = 'A';
                else if (what == 2 && at > 0 && at + 1 < len)
                    w[at] = '\'';
                size_t n = len;
                if (what == 3) {
                    memmove(w + at + 2, w + at, len - at);
                    memcpy(w + at, "\xc3\xa9", 2);
                    n += 2;
                }
                w[n] = '\0';
                newsd_analysis *an = newsd_analysis_new(w, n, "");
                assert_non_null(an);
                if (what == 2 && at > 0 && at + 1 < len) {
                    /* "ab'cd" is one word; its norm keeps the apostrophe. */
                    assert_int_equal(newsd_analysis_token_count(an), 1);
                }
                if (newsd_analysis_token_count(an) == 1) {
                    char *want = text_casefold(w);
                    assert_non_null(want);
                    size_t wl = strlen(want);
                    if (wl > 2 && want[wl - 2] == '\'' && want[wl - 1] == 's')
                        want[wl - 2] = '\0';
                    struct newsd_token t = token(an, 0);
                    assert_string_equal(t.norm, want);
                    assert_int_equal(t.norm_length, strlen(want));
                    /* A norm equal to the text is the text itself. */
                    if (strcmp(want, w) == 0)
                        assert_ptr_equal(t.norm, t.text);
                    free(want);
                }
                newsd_analysis_free(an);
            }
}

/* The stem memo keeps the stop-word flag with the stem: a word first
 * stemmed through stem_word() (no flag asked for), then met in an
 * analysis, is still flagged, and a word that is no stop word is not;
 * the same on the memo's miss and hit. */
static void test_stopword_flag_from_memo(void **state)
{
    (void)state;
    struct stemmer *st = stem_stemmer("de");
    assert_non_null(st);
    size_t n;
    assert_non_null(stem_word(st, "zwischen", 8, &n));   /* a stop word of the list */
    assert_non_null(stem_word(st, "halbleiter", 10, &n));
    for (int round = 0; round < 3; round++) {
        newsd_analysis *an = analyse("zwischen Halbleiter und Sanktionen", "de");
        assert_string_equal(joined(an, NORM), "zwischen|halbleiter|und|sanktionen");
        assert_true(token(an, 0).flags & NEWSD_TOKEN_STOPWORD);
        assert_false(token(an, 1).flags & NEWSD_TOKEN_STOPWORD);
        assert_true(token(an, 2).flags & NEWSD_TOKEN_STOPWORD);
        assert_false(token(an, 3).flags & NEWSD_TOKEN_STOPWORD);
        newsd_analysis_free(an);
    }
    bool stop = false;
    uint64_t h = strhash("und", 3);
    assert_non_null(stem_word_stop_hashed(st, "und", 3, h, &stop, &n));
    assert_true(stop);
    h = strhash("chip", 4);
    assert_non_null(stem_word_stop_hashed(st, "chip", 4, h, &stop, &n));
    assert_false(stop);
    /* A word too long for the memo is looked up in the list itself. */
    static const char longword[] = "donaudampfschifffahrtsgesellschaftskapitaen";
    h = strhash(longword, strlen(longword));
    stop = true;
    assert_non_null(stem_word_stop_hashed(st, longword, strlen(longword), h, &stop, &n));
    assert_false(stop);
}

/* Spaced abbreviations are looked for only after a one-letter word:
 * "z. B." and Russian "т. е." still are one token, "Nr. B." is not. */
static void test_spaced_abbreviations_fast(void **state)
{
    (void)state;
    newsd_analysis *an = analyse("Chips, z. B. von Huawei. Nr. B ist neu.", "de");
    assert_string_equal(joined(an, TEXT), "Chips|,|z. B.|von|Huawei|.|Nr.|B|ist|neu|.");
    newsd_analysis_free(an);
    an = analyse("\xd1\x82. \xd0\xb5. \xd0\xb4\xd0\xb0", "ru");   /* "т. е. да" */
    assert_string_equal(joined(an, TEXT), "\xd1\x82. \xd0\xb5.|\xd0\xb4\xd0\xb0");
    newsd_analysis_free(an);
}

/* ---- input and the ABI's structs -------------------------------------- */

static void test_refused_input(void **state)
{
    (void)state;
    assert_null(newsd_analysis_new("bad \xff byte", 10, "en"));
    assert_null(newsd_analysis_new("trunc\xc3", 6, "en"));
    assert_null(newsd_analysis_new("nul\0byte", 8, "en"));
    assert_null(newsd_analysis_new("\xed\xa0\x80", 3, "en"));   /* a surrogate */
    assert_null(newsd_analysis_new(NULL, 3, "en"));
    /* Long ASCII before the bad byte (the eight-byte skip of the check). */
    assert_null(newsd_analysis_new("abcdefghijklmnopqrstuvwxyz\x80", 27, "en"));

    newsd_analysis *an = newsd_analysis_new(NULL, 0, NULL);
    assert_non_null(an);
    assert_int_equal(newsd_analysis_token_count(an), 0);
    assert_int_equal(newsd_analysis_sentence_count(an), 0);
    size_t len = 99;
    assert_string_equal(newsd_analysis_text(an, &len), "");
    assert_int_equal(len, 0);
    newsd_analysis_free(an);
    newsd_analysis_free(NULL);

    /* Only part of a buffer is read. */
    an = newsd_analysis_new("one two three", 7, "en");
    assert_string_equal(joined(an, TEXT), "one|two");
    newsd_analysis_free(an);
}

/* Types (1.3): one per distinct text, numbered in order of first
 * occurrence; the lengths of norm and stem. */
static void test_types(void **state)
{
    (void)state;
    newsd_analysis *an = analyse("Chips, Chips und chips. Die CHIPS-Hersteller bauen Chips.", "de");
    size_t n = newsd_analysis_token_count(an), next = 0;
    const char *texts[32];
    assert_true(n < 32);
    for (size_t i = 0; i < n; i++) {
        struct newsd_token t = {.struct_size = sizeof t};
        assert_int_equal(newsd_analysis_token_at(an, i, &t), NEWSD_OK);
        assert_int_equal(t.norm_length, strlen(t.norm));
        assert_int_equal(t.stem_length, strlen(t.stem));
        assert_true(t.type <= next);
        if (t.type == next)
            texts[next++] = t.text;
        else
            assert_string_equal(texts[t.type], t.text);
        for (size_t j = 0; j < t.type; j++)
            assert_string_not_equal(texts[j], t.text);
    }
    /* Chips , und chips . Die CHIPS-Hersteller bauen */
    assert_int_equal(next, 8);
    assert_int_equal(newsd_analysis_type_count(an), next);
    assert_int_equal(newsd_analysis_type_count(NULL), 0);
    newsd_analysis_free(an);
}

/* strhash() reads a key's last 0..7 bytes by whole loads: every byte
 * must still count.  All keys of 1..3 bytes over six byte values, and keys
 * of 4..15 bytes that differ in one byte, hash apart. */
static void test_strhash_tails(void **state)
{
    (void)state;
    static const char bytes[] = {'a', 'b', 'z', '0', (char)0xC3, (char)0xA4};
    enum { N = 6 + 36 + 216 };
    uint64_t h[N];
    size_t n = 0;
    for (size_t len = 1; len <= 3; len++) {
        size_t count = len == 1 ? 6 : len == 2 ? 36 : 216;
        for (size_t k = 0; k < count; k++) {
            char key[3];
            for (size_t i = 0, v = k; i < len; i++, v /= 6)
                key[i] = bytes[v % 6];
            h[n++] = strhash(key, len);
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            assert_true(h[i] != h[j]);
    for (size_t len = 4; len <= 15; len++) {
        char key[16];
        memset(key, 'x', sizeof key);
        uint64_t base = strhash(key, len);
        for (size_t i = 0; i < len; i++) {
            key[i] = 'y';
            assert_true(strhash(key, len) != base);
            key[i] = 'x';
        }
        assert_int_equal(strhash(key, len), base);
    }
}

/* strhash_equal() compares short keys by overlapping loads: at every
 * length, a difference in any one byte is seen, and equal keys are. */
static void test_strhash_equal(void **state)
{
    (void)state;
    for (size_t len = 0; len <= 40; len++) {
        char a[41], b[41];
        for (size_t i = 0; i < len; i++)
            a[i] = b[i] = (char)('a' + i % 26);
        assert_true(strhash_equal(a, b, len));
        for (size_t i = 0; i < len; i++) {
            b[i] = (char)0xC3;
            assert_false(strhash_equal(a, b, len));
            b[i] = a[i];
        }
    }
}

static void test_struct_size(void **state)
{
    (void)state;
    newsd_analysis *an = analyse("Huawei baut Chips.", "de");
    /* Smaller than the struct of 1.2 (which ended with stem): refused. */
    const size_t size_1_2 = offsetof(struct newsd_token, norm_length);
    struct newsd_token t = {.struct_size = size_1_2 - 1};
    assert_int_equal(newsd_analysis_token_at(an, 0, &t), NEWSD_ERROR);
    t.struct_size = 0;
    assert_int_equal(newsd_analysis_token_at(an, 0, &t), NEWSD_ERROR);
    t.struct_size = sizeof t;
    assert_int_equal(newsd_analysis_token_at(an, 4, &t), NEWSD_ERROR);   /* past the end */
    assert_int_equal(newsd_analysis_token_at(an, 3, &t), NEWSD_OK);
    assert_string_equal(t.text, ".");

    /* A later minor's larger struct: ours is filled, its tail zeroed, its
     * struct_size kept. */
    struct {
        struct newsd_token t;
        uint64_t later;
    } big;
    memset(&big, 0xAB, sizeof big);
    big.t.struct_size = sizeof big;
    assert_int_equal(newsd_analysis_token_at(an, 0, &big.t), NEWSD_OK);
    assert_int_equal(big.t.struct_size, sizeof big);
    assert_string_equal(big.t.text, "Huawei");
    assert_int_equal(big.later, 0);

    /* A 1.2 plugin's struct gets the 1.2 fields and nothing past them. */
    memset(&big, 0xAB, sizeof big);
    big.t.struct_size = (uint32_t)size_1_2;
    assert_int_equal(newsd_analysis_token_at(an, 2, &big.t), NEWSD_OK);
    assert_string_equal(big.t.norm, "chips");
    const unsigned char *tail = (const unsigned char *)&big.t + size_1_2;
    for (size_t i = 0; i < sizeof big - size_1_2; i++)
        assert_int_equal(tail[i], 0xAB);

    struct newsd_sentence s = {.struct_size = sizeof s - 1};
    assert_int_equal(newsd_analysis_sentence_at(an, 0, &s), NEWSD_ERROR);
    s.struct_size = sizeof s;
    assert_int_equal(newsd_analysis_sentence_at(an, 0, &s), NEWSD_OK);
    assert_int_equal(s.n_tokens, 4);
    assert_int_equal(newsd_analysis_sentence_at(an, 1, &s), NEWSD_ERROR);
    assert_int_equal(newsd_analysis_token_at(NULL, 0, &t), NEWSD_ERROR);
    assert_int_equal(newsd_analysis_token_count(NULL), 0);
    newsd_analysis_free(an);
}

/* ---- the token array (since 1.5) ---------------------------------------- */

/* Every token of the array is the token newsd_analysis_token_at() gives,
 * field by field. */
static void assert_array_is_token_at(const newsd_analysis *an)
{
    size_t n = 12345, stride = 0;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n, &stride);
    assert_int_equal(n, newsd_analysis_token_count(an));
    assert_true(n > 0);
    assert_non_null(base);
    assert_true(stride >= sizeof(struct newsd_token));
    for (size_t i = 0; i < n; i++) {
        const struct newsd_token *a = newsd_token_in(base, stride, i);
        struct newsd_token t = {.struct_size = sizeof t};
        assert_int_equal(newsd_analysis_token_at(an, i, &t), NEWSD_OK);
        assert_int_equal(a->struct_size, sizeof t);
        assert_int_equal(a->kind, t.kind);
        assert_int_equal(a->flags, t.flags);
        assert_int_equal(a->sentence, t.sentence);
        assert_int_equal(a->offset, t.offset);
        assert_int_equal(a->length, t.length);
        assert_ptr_equal(a->text, t.text);
        assert_ptr_equal(a->norm, t.norm);
        assert_ptr_equal(a->stem, t.stem);
        assert_int_equal(a->norm_length, t.norm_length);
        assert_int_equal(a->stem_length, t.stem_length);
        assert_int_equal(a->type, t.type);
        assert_int_equal(strlen(a->norm), a->norm_length);
        assert_int_equal(strlen(a->stem), a->stem_length);
    }
    /* The analysis's own storage: the same array at every call. */
    assert_ptr_equal(newsd_analysis_tokens(an, NULL, NULL), base);
}

static void test_token_array(void **state)
{
    (void)state;
    newsd_analysis *de = analyse("Der KI-Chiphersteller Huawei meldete 4,6 Milliarden Yuan Umsatz, z. B. in "
                                 "Shenzhen. Die US-Handelsbeschränkungen treffen ihn hart!\n\n"
                                 "• Huawei baut Chips.\n• Die Chips sind schnell.",
                                 "de");
    assert_array_is_token_at(de);
    size_t n, stride;
    const struct newsd_token *base = newsd_analysis_tokens(de, &n, &stride);
    assert_string_equal(newsd_token_in(base, stride, 1)->text, "KI-Chiphersteller");
    assert_string_equal(newsd_token_in(base, stride, n - 1)->text, ".");
    newsd_analysis_free(de);

    newsd_analysis *en = analyse("U.S. officials said Xi's visit didn't change the 3.7% forecast. "
                                 "The officials' statement, however, was brief.",
                                 "en");
    assert_array_is_token_at(en);
    base = newsd_analysis_tokens(en, &n, &stride);
    assert_string_equal(newsd_token_in(base, stride, 0)->text, "U.S.");
    assert_string_equal(newsd_token_in(base, stride, 1)->stem, "offici");
    newsd_analysis_free(en);

    /* An article's analysis: title flags are in the array too. */
    struct newsd_article *a = article_new("a.txt", 0);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_TITLE, "Huawei baut Chips"), NEWSD_OK);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_BODY, "Die Chips sind schnell."), NEWSD_OK);
    const newsd_analysis *an = newsd_article_analysis(a);
    assert_non_null(an);
    assert_array_is_token_at(an);
    base = newsd_analysis_tokens(an, &n, &stride);
    assert_true(newsd_token_in(base, stride, 2)->flags & NEWSD_TOKEN_TITLE);
    assert_false(newsd_token_in(base, stride, 3)->flags & NEWSD_TOKEN_TITLE);
    article_free(a);

    /* No analysis, or one without tokens: NULL and a count of 0. */
    n = 7;
    stride = 0;
    assert_null(newsd_analysis_tokens(NULL, &n, &stride));
    assert_int_equal(n, 0);
    assert_true(stride >= sizeof(struct newsd_token));
    const char *empties[] = {"", " \n\n  "};
    for (size_t k = 0; k < sizeof empties / sizeof *empties; k++) {
        newsd_analysis *e = analyse(empties[k], "de");
        n = 7;
        assert_null(newsd_analysis_tokens(e, &n, &stride));
        assert_int_equal(n, 0);
        newsd_analysis_free(e);
    }
}

/* ---- the article's analysis --------------------------------------------- */

static void test_article_owns_analysis(void **state)
{
    (void)state;
    struct newsd_article *a = article_new("a.txt", 0);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_TITLE, "Huawei baut Chips"), NEWSD_OK);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_BODY, "Die Chips sind schnell. Sehr schnell."), NEWSD_OK);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_LANG, "de"), NEWSD_OK);
    const newsd_analysis *an = newsd_article_analysis(a);
    assert_non_null(an);
    assert_ptr_equal(newsd_article_analysis(a), an);   /* built once */
    assert_string_equal(newsd_analysis_text(an, NULL), "Huawei baut Chips\n\nDie Chips sind schnell. Sehr schnell.");
    assert_string_equal(sentences(an), "Huawei baut Chips|Die Chips sind schnell.|Sehr schnell.");
    assert_true(token(an, 0).flags & NEWSD_TOKEN_TITLE);
    assert_true(token(an, 2).flags & NEWSD_TOKEN_TITLE);
    assert_false(token(an, 3).flags & NEWSD_TOKEN_TITLE);
    struct newsd_sentence s = {.struct_size = sizeof s};
    assert_int_equal(newsd_analysis_sentence_at(an, 1, &s), NEWSD_OK);
    assert_int_equal(s.paragraph, 1);
    assert_string_equal(token(an, 4).stem, "chips");   /* Snowball keeps -s after p */
    assert_string_equal(token(an, 6).stem, "schnell");

    /* Setting lang discards it; the new one stems in the new language. */
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_LANG, "en"), NEWSD_OK);
    an = newsd_article_analysis(a);
    assert_string_equal(newsd_analysis_lang(an), "en");
    /* Setting the body too. */
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_BODY, ""), NEWSD_OK);
    an = newsd_article_analysis(a);
    assert_string_equal(joined(an, TEXT), "Huawei|baut|Chips");
    /* Other fields keep it. */
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_URL, "https://example.com/"), NEWSD_OK);
    assert_ptr_equal(newsd_article_analysis(a), an);
    /* No title: the body alone. */
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_TITLE, ""), NEWSD_OK);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_BODY, "Nur Text."), NEWSD_OK);
    an = newsd_article_analysis(a);
    assert_string_equal(newsd_analysis_text(an, NULL), "Nur Text.");
    assert_false(token(an, 0).flags & NEWSD_TOKEN_TITLE);
    /* Fields a plugin set that are not NFC, or have CR line ends, are
     * normalised on the way (those that are go in as they are). */
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_TITLE, "Cafe\xCC\x81 Ko\xCC\x88ln"), NEWSD_OK);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_BODY, "Eins.\r\nZwei."), NEWSD_OK);
    an = newsd_article_analysis(a);
    assert_string_equal(newsd_analysis_text(an, NULL), "Caf\xC3\xA9 K\xC3\xB6ln\n\nEins.\nZwei.");
    assert_true(token(an, 1).flags & NEWSD_TOKEN_TITLE);
    assert_false(token(an, 2).flags & NEWSD_TOKEN_TITLE);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_TITLE, "K\xC3\xB6ln"), NEWSD_OK);
    assert_int_equal(newsd_article_set(a, NEWSD_FIELD_BODY, "Cafe\xCC\x81."), NEWSD_OK);
    an = newsd_article_analysis(a);
    assert_string_equal(newsd_analysis_text(an, NULL), "K\xC3\xB6ln\n\nCaf\xC3\xA9.");
    article_free(a);   /* frees the analysis (ASan: no leak) */
}

int main(void)
{
    use_build_data_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nfc_and_case_folding),
        cmocka_unit_test(test_lang_codes),
        cmocka_unit_test(test_de_compounds),
        cmocka_unit_test(test_de_numbers),
        cmocka_unit_test(test_de_abbreviations_and_sentences),
        cmocka_unit_test(test_sentence_starts_paragraphs_and_lists),
        cmocka_unit_test(test_en_segmentation),
        cmocka_unit_test(test_other_scripts),
        cmocka_unit_test(test_stems),
        cmocka_unit_test(test_stems_shared_by_threads),
        cmocka_unit_test(test_stems_every_length),
        cmocka_unit_test(test_stems_one_set_raced),
        cmocka_unit_test(test_stop_bit_raced),
        cmocka_unit_test(test_stopwords),
        cmocka_unit_test(test_refused_input),
        cmocka_unit_test(test_struct_size),
        cmocka_unit_test(test_token_array),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_strhash_tails),
        cmocka_unit_test(test_strhash_equal),
        cmocka_unit_test(test_article_owns_analysis),
        cmocka_unit_test(test_ascii_norms),
        cmocka_unit_test(test_stopword_flag_from_memo),
        cmocka_unit_test(test_spaced_abbreviations_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
