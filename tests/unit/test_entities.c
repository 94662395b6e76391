/* Unit tests for the entities plugin's parts (plugins/entities/): the
 * Aho-Corasick automaton, the gazetteer files and their reload, the matcher
 * over the text layer's tokens, and the heuristics. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "build_data.h"
#include "../../plugins/entities/ac.h"
#include "../../plugins/entities/cues.h"
#include "../../plugins/entities/fpset.h"
#include "../../plugins/entities/gazetteer.h"
#include "../../plugins/entities/heur.h"
#include "../../plugins/entities/lexicon.h"
#include "../../plugins/entities/matcher.h"
#include "../../plugins/entities/resolve.h"
#include "../../plugins/entities/snapshot.h"
#include "../../plugins/entities/tokens_analysis.h"
#include "../../plugins/entities/pinyin.h"
#include "../../plugins/entities/works.h"

/* ---- the word lists' hash sets ----------------------------------------- */

/* 20,000 words in, 20,000 others out: every value comes back, before and
 * after packing; no other word is found; the filter of the values 2 and 3
 * says yes to all of those words. */
static void test_fpset_values_and_packing(void **state)
{
    (void)state;
    struct fpset s;
    fpset_init(&s);
    char w[32];
    for (unsigned i = 0; i < 20000; i++) {
        int n = snprintf(w, sizeof w, "wort%u", i);
        assert_int_equal(fpset_put(&s, fpset_hash(w, (size_t)n), 1 + i % 3), 0);
    }
    /* Setting again replaces the value. */
    assert_int_equal(fpset_put(&s, fpset_hash("wort7", 5), 3), 0);
    assert_int_equal(fpset_put(&s, fpset_hash("wort7", 5), 2), 0);
    assert_int_equal(s.count, 20000);
    assert_int_equal(fpset_put(&s, fpset_hash("x", 1), 0), -1);
    struct fpfilter f;
    assert_int_equal(fpfilter_build(&f, &s, 1u << 2 | 1u << 3), 0);
    for (int packed = 0; packed <= 1; packed++) {
        if (packed)
            assert_int_equal(fpset_freeze(&s), 0);
        for (unsigned i = 0; i < 20000; i++) {
            int n = snprintf(w, sizeof w, "wort%u", i);
            uint64_t h = fpset_hash(w, (size_t)n);
            unsigned want = i == 7 ? 2 : 1 + i % 3;
            assert_int_equal(fpset_get(&s, h), want);
            if (want != 1)
                assert_true(fpfilter_may_have(&f, h));
            n = snprintf(w, sizeof w, "Wort%u", i);
            assert_int_equal(fpset_get(&s, fpset_hash(w, (size_t)n)), 0);
        }
    }
    /* Packed, the set takes no more words. */
    assert_int_equal(fpset_put(&s, fpset_hash("neu", 3), 1), -1);
    /* Keys of every length the hash reads differently (three bytes, two
     * halves, eight-byte words and an overlapping last one) hash apart,
     * and so do keys that differ in one byte or in case. */
    const char *abc = "abcdefghijklmnopqrstuvwxyz";
    uint64_t seen[26];
    for (size_t n = 1; n <= 26; n++) {
        seen[n - 1] = fpset_hash(abc, n);
        for (size_t m = 1; m < n; m++)
            assert_true(seen[m - 1] != seen[n - 1]);
    }
    assert_true(fpset_hash("Windparks", 9) != fpset_hash("windparks", 9));
    assert_true(fpset_hash("abcdefghi", 9) != fpset_hash("abcdefghj", 9));
    assert_true(fpset_hash("abx", 3) != fpset_hash("aby", 3));
    fpfilter_free(&f);
    fpset_free(&s);
    /* An empty set finds nothing, packed or not. */
    fpset_init(&s);
    assert_int_equal(fpset_get(&s, fpset_hash("a", 1)), 0);
    assert_int_equal(fpset_freeze(&s), 0);
    assert_int_equal(fpset_get(&s, fpset_hash("a", 1)), 0);
    fpset_free(&s);
}

/* Keys of every length the hashing reads differently (under 4, under 8,
 * whole words, a word and a bit) are found by strmap_get() and by the
 * hash strmap_get_hashed() takes; a map of suffixes by the hashes of
 * strmap_suffix_hashes(). */
static void test_strmap_hashings(void **state)
{
    (void)state;
    static const char text[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int suffixes = 0; suffixes <= 1; suffixes++) {
        struct strmap m;
        if (suffixes)
            strmap_init_suffixes(&m);
        else
            strmap_init(&m);
        for (size_t len = 1; len <= 20; len++) {
            assert_int_equal(strmap_put(&m, text, len, (uint32_t)len), 0);
            assert_int_equal(strmap_put(&m, text + 1, len, (uint32_t)(100 + len)), 0);
        }
        for (int sealed = 0; sealed <= 1; sealed++) {
            if (sealed)
                strmap_seal(&m);
            for (size_t len = 1; len <= 20; len++) {
                uint32_t v = 0, hs[24];
                assert_int_equal(strmap_get(&m, text, len, &v), 1);
                assert_int_equal(v, len);
                assert_int_equal(strmap_get(&m, text + 1, len, &v), 1);
                assert_int_equal(v, 100 + len);
                /* Same length, other bytes; same bytes, one more. */
                assert_int_equal(strmap_get(&m, text + 2, len, &v), 0);
                if (len < 20)
                    assert_int_equal(strmap_get(&m, text + 1, len + 1, &v), len + 1 <= 20);
                uint32_t h;
                if (suffixes) {
                    strmap_suffix_hashes(text, len + 1, hs);
                    h = hs[1];  /* text + 1, len bytes */
                } else {
                    h = strmap_hash(text + 1, len);
                }
                v = 0;
                assert_int_equal(strmap_get_hashed(&m, text + 1, len, h, &v), 1);
                assert_int_equal(v, 100 + len);
            }
        }
        strmap_free(&m);
    }
}

/* ---- the automaton ------------------------------------------------------ */

static void test_ac_overlapping_patterns(void **state)
{
    (void)state;
    struct ac a;
    assert_int_equal(ac_init(&a), 0);
    uint32_t ab[] = {1, 2}, b[] = {2}, bc[] = {2, 3}, abcd[] = {1, 2, 3, 4};
    /* Patterns 0 to 3, numbered in the order they are added. */
    assert_int_equal(ac_add(&a, ab, 2), 0);
    assert_int_equal(ac_add(&a, b, 1), 0);
    assert_int_equal(ac_add(&a, bc, 2), 0);
    assert_int_equal(ac_add(&a, abcd, 4), 0);
    assert_int_equal(a.n_pat, 4);
    assert_int_equal(ac_build(&a), 0);
    /* 1 2 3 5: after 2, "1 2" and "2" end; after 3, "2 3" ends. */
    uint32_t text[] = {1, 2, 3, 5};
    uint32_t s = 0, seen[8] = {0};
    size_t n = 0;
    for (size_t i = 0; i < 4; i++) {
        s = ac_step(&a, s, text[i]);
        for (uint32_t st = a.out[s] != AC_NONE ? s : a.dict[s]; st != AC_NONE; st = a.dict[st])
            for (uint32_t p = a.out[st]; p != AC_NONE; p = a.pat_next[p])
                seen[n++] = p;
    }
    assert_int_equal(n, 3);
    assert_int_equal(seen[0], 0);
    assert_int_equal(seen[1], 1);
    assert_int_equal(seen[2], 2);
    ac_free(&a);
}

/* ---- gazetteer files ------------------------------------------------------ */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_entities.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *write_tsv(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    char tmp[140];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(rename(tmp, path), 0);  /* a new inode: the stamp changes */
    return path;
}

static void test_gazetteer_merges_and_localises(void **state)
{
    (void)state;
    char *p1 = strdup(write_tsv("a.tsv", "# comment\n\nplace\tUnited States\tUSA\tde=Vereinigte Staaten\n"
                                         "org\tNvidia\tNvidia Corp.\n")),
         *p2 = strdup(write_tsv("b.tsv", "\xEF\xBB\xBForg\tNvidia\tNVIDIA\n"
                                         "place\tUnited States\t\tde=USA\n")),
         err[600];
    struct gazetteer g;
    gz_init(&g);
    assert_int_equal(gz_load_file(&g, p1, err, sizeof err), 0);
    assert_int_equal(gz_load_file(&g, p2, err, sizeof err), 0);
    assert_int_equal(g.n, 2);
    const struct gz_entry *us = &g.v[0], *nv = &g.v[1];
    assert_string_equal(gz_entry_name(us, "de"), "USA");
    assert_string_equal(gz_entry_name(us, "en"), "United States");
    assert_string_equal(gz_entry_name(us, ""), "United States");
    /* The replaced German name stays an alias. */
    int kept = 0;
    for (size_t i = 0; i < us->n_aliases; i++)
        kept |= strcmp(us->aliases[i], "Vereinigte Staaten") == 0;
    assert_true(kept);
    assert_int_equal(nv->n_aliases, 2);
    gz_free(&g);
    free(p1);
    free(p2);
}

static void expect_line_error(const char *line, const char *want)
{
    struct gazetteer g;
    char err[600];
    gz_init(&g);
    assert_int_equal(gz_add_line(&g, line, strlen(line), 0, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("error for \"%s\": \"%s\", expected \"%s\"", line, err, want);
    gz_free(&g);
}

/* A sealed gazetteer keeps its entries and takes no more. */
static void test_gazetteer_sealed(void **state)
{
    (void)state;
    struct gazetteer g;
    char err[256];
    gz_init(&g);
    const char *lines[] = {"org\tAcme\tACME Corp", "place\tKöln\tCologne\ten=Cologne", "org\tAcme\tAcme Inc"};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(gz_add_line(&g, lines[i], strlen(lines[i]), 0, err, sizeof err), 0);
    gz_seal(&g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.v[0].name, "Acme");
    assert_int_equal(g.v[0].n_aliases, 2);
    assert_string_equal(g.v[0].aliases[1], "Acme Inc");
    assert_string_equal(gz_entry_name(&g.v[1], "en"), "Cologne");
    assert_string_equal(gz_entry_name(&g.v[1], "de"), "Köln");
    assert_int_equal(gz_add_line(&g, "org\tNeu", 8, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "sealed"));
    gz_free(&g);
}

static void test_gazetteer_bad_lines(void **state)
{
    (void)state;
    expect_line_error("company\tAcme", "type \"company\"");
    expect_line_error("org", "no name");
    expect_line_error("org\t\tAlias", "empty name");
    expect_line_error("org\tA|B", "aliases go in the third column");
    expect_line_error("org\tAcme\tAc||Acme Inc.", "empty alias");
    expect_line_error("org\tAcme\t\tGerman=Akme", "not a language code");
    expect_line_error("org\tAcme\t\tde", "not LANG=NAME");
    expect_line_error("org\tAcme\tx\tde=y\tmore", "more than 4 columns");
    expect_line_error("org\tAc\xffme", "not valid UTF-8");
    expect_line_error("org\t---", "no letter or digit");
    char path_err[600];
    struct gazetteer g;
    gz_init(&g);
    char *p = write_tsv("bad.tsv", "org\tAcme\n# fine\nperson\tJane Doe\tJD\tde=\n");
    assert_int_equal(gz_load_file(&g, p, path_err, sizeof path_err), -1);
    char want[200];
    snprintf(want, sizeof want, "%s:3: ", p);
    assert_non_null(strstr(path_err, want));
    gz_free(&g);
}

/* "#!cue town" marks the entries after it, up to the next such line;
 * "#!" and no mark is a comment; an unknown mark is an error that names
 * the file and the line. */
static void test_gazetteer_marks(void **state)
{
    (void)state;
    struct gazetteer g;
    char err[600];
    gz_init(&g);
    char *p = write_tsv("marks.tsv", "#!cue town\nplace\tBurnley\nplace\tReading\n#!town # cities\nplace\tLeeds\n"
                                     "#!none\nplace\tReading\nplace\tEurope\n#!/usr/bin/env is a comment\n"
                                     "place\tBavaria\n#!cue,town\nplace\tBavaria\n#!cue\nplace\tTaylor\n");
    assert_int_equal(gz_load_file(&g, p, err, sizeof err), 0);
    /* A cue only when every line has the mark; a town when one has. */
    static const struct {
        const char *name;
        unsigned cue, town;
    } want[] = {{"Burnley", 1, 1}, {"Reading", 0, 1}, {"Leeds", 0, 1}, {"Europe", 0, 0}, {"Bavaria", 0, 1},
                {"Taylor", 1, 0}};
    assert_int_equal(g.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < g.n; i++) {
        assert_string_equal(g.v[i].name, want[i].name);
        if (g.v[i].needs_cue != want[i].cue || g.v[i].town != want[i].town)
            fail_msg("%s: cue %u town %u, expected %u %u", g.v[i].name, (unsigned)g.v[i].needs_cue,
                     (unsigned)g.v[i].town, want[i].cue, want[i].town);
    }
    gz_free(&g);
    gz_init(&g);
    p = write_tsv("badmark.tsv", "place\tLeeds\n#!cue village\nplace\tBurnley\n");
    assert_int_equal(gz_load_file(&g, p, err, sizeof err), -1);
    char where[200];
    snprintf(where, sizeof where, "%s:2: ", p);
    assert_non_null(strstr(err, where));
    assert_non_null(strstr(err, "unknown mark \"village\""));
    gz_free(&g);
    /* A sport line's aliases go apart; its name joins the entry. */
    gz_init(&g);
    p = write_tsv("sport.tsv", "org\tRapid Wien\tSK Rapid\n#!sport\norg\tRapid Wien\tRapid\n#!none\n"
                                "org\tRapid Wien\tRapid-Wien\n");
    assert_int_equal(gz_load_file(&g, p, err, sizeof err), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.v[0].n_aliases, 2);
    assert_int_equal(g.n_marked, 1);
    assert_int_equal(g.marked[0].entry, 0);
    assert_int_equal(g.marked[0].sport, 1);
    assert_int_equal(g.marked[0].caps, 0);
    assert_string_equal(g.marked[0].alias, "Rapid");
    gz_free(&g);
    /* A nation when one line says so. */
    gz_init(&g);
    p = write_tsv("nation.tsv", "place\tWales\n#!nation\nplace\tWales\nplace\tFrance\n#!town\nplace\tCardiff\n");
    assert_int_equal(gz_load_file(&g, p, err, sizeof err), 0);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.v[0].nation, 1);
    assert_int_equal(g.v[1].nation, 1);
    assert_int_equal(g.v[2].nation, 0);
    assert_int_equal(g.v[2].town, 1);
    gz_free(&g);
}

/* ---- the matcher over real tokens -------------------------------------- */

struct found {
    char names[32][80];
    size_t n;
};

static void run_matcher(const char *gz_text, const char *lang, const char *text, struct found *out)
{
    struct gazetteer g;
    char err[600];
    gz_init(&g);
    const char *line = gz_text;
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        assert_int_equal(gz_add_line(&g, line, len, 0, err, sizeof err), 0);
        line += len + (nl ? 1 : 0);
    }
    struct matcher m;
    assert_int_equal(matcher_build(&m, &g, lang, &tokens_analysis_tokeniser), 0);
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), lang);
    assert_non_null(an);
    struct ent_toks t = {0};
    struct ent_hits h = {0};
    assert_int_equal(tokens_from_analysis(an, &t), 0);
    assert_int_equal(matcher_run(&m, &t, &h), 0);
    out->n = 0;
    for (size_t i = 0; i < h.n && out->n < 32; i++)
        snprintf(out->names[out->n++], sizeof out->names[0], "%s/%s", ent_type_name(g.v[h.v[i].entry].type),
                 gz_entry_name(&g.v[h.v[i].entry], lang));
    hits_free(&h);
    toks_free(&t);
    newsd_analysis_free(an);
    matcher_free(&m);
    gz_free(&g);
}

static void expect_found(const char *gz_text, const char *lang, const char *text, const char *want)
{
    struct found f;
    run_matcher(gz_text, lang, text, &f);
    char got[1024] = "";
    for (size_t i = 0; i < f.n; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? ", " : "", f.names[i]);
    if (strcmp(got, want) != 0)
        fail_msg("in \"%s\": found \"%s\", expected \"%s\"", text, got, want);
}

static const char *const CHIPS =
    "org\tNvidia\tNvidia Corp.|NVIDIA\n"
    "org\tBaidu\n"
    "org\tIntel\n"
    "org\tMoore Threads\n"
    "person\tMoore\n"
    "place\tNew York\n"
    "place\tYork\n"
    "place\tUnited States\tUS|USA\tde=Vereinigte Staaten\n"
    "place\tChina\n";

static void test_matcher_longest_and_aliases(void **state)
{
    (void)state;
    expect_found(CHIPS, "en", "Moore Threads and Moore met in New York and York.",
                 "org/Moore Threads, person/Moore, place/New York, place/York");
    expect_found(CHIPS, "en", "NVIDIA, Nvidia Corp. and nvidia.", "org/Nvidia, org/Nvidia");
    /* No match across a sentence end. */
    expect_found(CHIPS, "en", "They went to New. York was far.", "place/York");
}

/* A short word in capitals is an acronym, no capitalised word of a name,
 * but in a run of capitals it is the name's ("NEW YORK (AP)"). */
static void test_matcher_short_capitals(void **state)
{
    (void)state;
    static const char *const gz = "org\tThe Who\norg\tWorld Health Organization\tWHO\nplace\tNew York\n";
    expect_found(gz, "en", "Yersinia pestis, per the WHO, is deadly.", "org/World Health Organization");
    expect_found(gz, "en", "The Who played in the park.", "org/The Who");
    expect_found(gz, "en", "NEW YORK (AP) - The city was quiet.", "place/New York");
}

static void test_matcher_word_boundaries(void **state)
{
    (void)state;
    expect_found(CHIPS, "de", "Baiduxyz und die Intelligenz von Intelligent Systems.", "");
    expect_found(CHIPS, "de", "Der Intel-Chef sprach mit Baidu.", "org/Intel, org/Baidu");
    /* Short capitals match capitals only. */
    expect_found(CHIPS, "en", "Tell us about the US.", "place/United States");
}

static void test_matcher_german_forms(void **state)
{
    (void)state;
    expect_found(CHIPS, "de", "Chinas Weg und die Vereinigten Staaten.", "place/China, place/Vereinigte Staaten");
    expect_found(CHIPS, "de", "Die US-Handelsbeschränkungen treffen Nvidias Kunden.",
                 "place/Vereinigte Staaten, org/Nvidia");
    /* English has no genitive in a bare s: "Chinas" is no China there. */
    expect_found(CHIPS, "en", "The Chinas of this world and China itself.", "place/China");
    /* A short name's genitive has its s in lower case: "ISS" is no
     * genitive of "IS". */
    expect_found("org\tIS\norg\tSALZBURG\n", "de", "Die Raumstation ISS fliegt weiter, sagte SALZBURGS Chef.",
                 "org/SALZBURG");
}

/* Before an English possessive a short name in capitals keeps them
 * ("BBC's"; the norm has no "'s", the text layer's flags read "Bbc"), a
 * place matches too, and a leading "The" of a name is "the" in a
 * sentence. */
static void test_matcher_possessives_and_the(void **state)
{
    (void)state;
    static const char *const gz = "place\tLondon\norg\tBBC\norg\tThe Guardian\nplace\tChina\n";
    expect_found(gz, "en", "It opened in London's Leicester Square and the BBC's reporter was there.",
                 "place/London, org/BBC");
    expect_found(gz, "en", "China\u2019s exports rose, according to the Guardian on Monday.",
                 "place/China, org/The Guardian");
    /* Not a lower-case "bbc's". */
    expect_found(gz, "en", "The bbc's site was down for an hour.", "");
    /* A name written with a possessive wants one (or the genitive s). */
    static const char *const food = "org\tMcDonald's\n";
    expect_found(food, "en", "Kevin McDonald met the boss on Monday.", "");
    expect_found(food, "en", "McDonald's profits rose, and McDonald\u2019s shares too.", "org/McDonald's, org/McDonald's");
    expect_found(food, "de", "Bei McDonalds gab es Burger.", "org/McDonald's");
    expect_found(food, "en", "We had lunch at McDonalds on Friday.", "org/McDonald's");
}

/* An organisation's last word, a body's noun, in lower case after its
 * capitalised words (0.8.21): "the European commission".  Not when a
 * word before it is not capitalised ("the times"), not a noun of other
 * things ("Indian oil"), not another type's name, not at a sentence's
 * start, and not a word in the middle of the name. */
static void test_matcher_lower_case_tail(void **state)
{
    (void)state;
    static const char *const gz = "org\tEuropean Commission\norg\tLabour Party\tLabour\norg\tThe Times\n"
                                  "org\tIndian Oil\norg\tRCA Records\nplace\tVatican City\n"
                                  "org\tHome Office\norg\tBank of England\n"
                                  "org\tInternational Olympic Committee\tIOC\norg\tThe Parliament\n";
    expect_found(gz, "en", "The head of the European commission met the Labour party leader.",
                 "org/European Commission, org/Labour Party");
    expect_found(gz, "en", "An inspection team from the International Olympic committee came.",
                 "org/International Olympic Committee");
    expect_found(gz, "en", "The band signed with RCA records last year.", "org/RCA Records");
    expect_found(gz, "en", "In the times before the war, Indian oil was cheap.", "");
    expect_found(gz, "en", "He walked into the parliament at noon.", "");
    expect_found(gz, "en", "He walked through Vatican city at night.", "");
    expect_found(gz, "en", "Home office workers want more space, says a survey.", "");
    expect_found(gz, "en", "He said the European Commission was right.", "org/European Commission");
    /* Only the last word: "International olympic Committee" is no name. */
    expect_found(gz, "en", "A team of the International olympic Committee came.", "");
}

static void test_matcher_10000_names(void **state)
{
    (void)state;
    struct gazetteer g;
    char err[600], line[128];
    gz_init(&g);
    for (int i = 0; i < 10000; i++) {
        int len = snprintf(line, sizeof line, "%s\tZyx%05d Qorp\tZQ%05d\n", i % 2 ? "org" : "person", i, i);
        assert_int_equal(gz_add_line(&g, line, (size_t)len - 1, 0, err, sizeof err), 0);
    }
    assert_int_equal(g.n, 10000);
    struct matcher m;
    assert_int_equal(matcher_build(&m, &g, "en", &tokens_analysis_tokeniser), 0);
    const char *text = "Zyx00007 Qorp met Zyx09998 Qorp and ZQ04321, not Zyx00007 alone.";
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), "en");
    struct ent_toks t = {0};
    struct ent_hits h = {0};
    assert_int_equal(tokens_from_analysis(an, &t), 0);
    assert_int_equal(matcher_run(&m, &t, &h), 0);
    assert_int_equal(h.n, 3);
    assert_string_equal(g.v[h.v[0].entry].name, "Zyx00007 Qorp");
    assert_string_equal(g.v[h.v[1].entry].name, "Zyx09998 Qorp");
    assert_string_equal(g.v[h.v[2].entry].name, "Zyx04321 Qorp");
    hits_free(&h);
    toks_free(&t);
    newsd_analysis_free(an);
    matcher_free(&m);
    gz_free(&g);
}

/* ---- reload --------------------------------------------------------------- */

static void test_reload_good_and_broken(void **state)
{
    (void)state;
    char *path = strdup(write_tsv("user.tsv", "org\tAcme\n"));
    char **paths = malloc(2 * sizeof *paths), err[600];
    paths[0] = strdup(path);
    paths[1] = NULL;
    struct gz_source s;
    assert_int_equal(source_init(&s, paths, 1, &tokens_analysis_tokeniser, NULL, 0, err, sizeof err), 0);
    struct snapshot *before = source_acquire(&s);
    assert_int_equal(before->gz.n, 1);
    assert_int_equal(source_reload(&s, err, sizeof err), 0);  /* unchanged */

    write_tsv("user.tsv", "org\tAcme\nperson\tJane Roe\n");
    assert_int_equal(source_reload(&s, err, sizeof err), 1);
    struct snapshot *after = source_acquire(&s);
    assert_int_equal(after->gz.n, 2);
    assert_int_equal(before->gz.n, 1);  /* a reader keeps the snapshot it holds */
    snapshot_release(before);

    write_tsv("user.tsv", "org\tAcme\nperson\tJane Roe\nthing\tWidget\n");
    assert_int_equal(source_reload(&s, err, sizeof err), -1);
    char want[200];
    snprintf(want, sizeof want, "%s:3: type \"thing\"", path);
    if (!strstr(err, want))
        fail_msg("reload error \"%s\", expected \"%s\"", err, want);
    struct snapshot *kept = source_acquire(&s);
    assert_ptr_equal(kept, after);  /* the old list stays */
    assert_int_equal(source_reload(&s, err, sizeof err), 0);  /* the same broken file: logged once */
    snapshot_release(kept);
    snapshot_release(after);

    write_tsv("user.tsv", "org\tAcme\nproduct\tWidget\n");
    assert_int_equal(source_reload(&s, err, sizeof err), 1);
    source_fini(&s);
    free(path);
}

/* The hits of m in text as "START-END:ENTRY ...". */
static void hits_as_text(const struct matcher *m, const char *lang, const char *text, char *out, size_t size)
{
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), lang);
    assert_non_null(an);
    struct ent_toks t = {0};
    struct ent_hits h = {0};
    assert_int_equal(tokens_from_analysis(an, &t), 0);
    assert_int_equal(matcher_run(m, &t, &h), 0);
    out[0] = '\0';
    for (size_t i = 0, len = 0; i < h.n && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%u-%u:%u", i ? " " : "", h.v[i].start, h.v[i].end,
                                (unsigned)h.v[i].entry);
    hits_free(&h);
    toks_free(&t);
    newsd_analysis_free(an);
}

/* The languages named at start are built by source_init(), and a reload builds the languages in use before the swap: no worker
 * waits for a build at the first article after either. */
static void test_matchers_built_before_use(void **state)
{
    (void)state;
    char **paths = malloc(2 * sizeof *paths), err[600];
    paths[0] = strdup(write_tsv("langs.tsv", "org\tAcme Holding\nplace\tLondon\norg\tRunning Club\n"));
    paths[1] = NULL;
    static const char *const langs[] = {"de", "en", "de"};
    struct gz_source s;
    assert_int_equal(source_init(&s, paths, 1, &tokens_analysis_tokeniser, langs, 3, err, sizeof err), 0);
    struct snapshot *snap = source_acquire(&s);
    assert_int_equal(snap->n_m, 2);  /* de once */
    assert_string_equal(snap->m[0]->lang, "de");
    assert_string_equal(snap->m[1]->lang, "en");
    const struct matcher *de = snap->m[0];
    assert_ptr_equal(snapshot_matcher(snap, "de"), de);  /* no second build */
    assert_int_equal(snap->n_m, 2);

    /* The two share one automaton, and each finds what a matcher of its
     * own language built on first use would. */
    assert_ptr_equal(snap->m[0]->core, snap->m[1]->core);
    struct gazetteer g;
    gz_init(&g);
    assert_int_equal(gz_load_file(&g, paths[0], err, sizeof err), 0);
    gz_seal(&g);
    struct matcher lazy;
    assert_int_equal(matcher_build(&lazy, &g, "en", &tokens_analysis_tokeniser), 0);
    assert_null(lazy.core->pat_langs);
    char shared_hits[256], own_hits[256];
    hits_as_text(snap->m[1], "en", "Acme Holdings opened in London.", shared_hits, sizeof shared_hits);
    hits_as_text(&lazy, "en", "Acme Holdings opened in London.", own_hits, sizeof own_hits);
    assert_string_equal(shared_hits, "0-2:0 4-5:1");
    assert_string_equal(own_hits, shared_hits);
    /* Each language's own reading on the shared one: only German writes
     * a genitive with a bare s. */
    hits_as_text(snap->m[0], "de", "Londons Acme Holding wächst.", shared_hits, sizeof shared_hits);
    assert_string_equal(shared_hits, "0-1:1 1-3:0");
    hits_as_text(snap->m[1], "en", "Londons Acme Holding grows.", shared_hits, sizeof shared_hits);
    assert_string_equal(shared_hits, "1-3:0");
    /* A pattern of one language's stems is not the other's: "run club" is
     * English stems of Running Club; German stems leave "Running". */
    hits_as_text(snap->m[1], "en", "The Run Club met.", shared_hits, sizeof shared_hits);
    assert_string_equal(shared_hits, "1-3:2");
    hits_as_text(snap->m[0], "de", "Der Run Club tagte.", shared_hits, sizeof shared_hits);
    assert_string_equal(shared_hits, "");
    matcher_free(&lazy);
    gz_free(&g);

    assert_non_null(snapshot_matcher(snap, "fr"));  /* met later: built on first use */
    assert_int_equal(snap->n_m, 3);
    snapshot_release(snap);

    write_tsv("langs.tsv", "org\tAcme Holding\nplace\tLondon\norg\tRunning Club\nperson\tJane Roe\n");
    assert_int_equal(source_reload(&s, err, sizeof err), 1);
    struct snapshot *fresh = source_acquire(&s);
    assert_int_equal(fresh->gz.n, 4);
    assert_int_equal(fresh->n_m, 3);
    assert_string_equal(fresh->m[0]->lang, "de");
    assert_string_equal(fresh->m[1]->lang, "en");
    assert_string_equal(fresh->m[2]->lang, "fr");
    snapshot_release(fresh);
    source_fini(&s);
}

/* A view of an automaton shared by several languages holds the states an
 * automaton of its own language would: here the other language's stem
 * patterns would otherwise take the eight states a token keeps, and the
 * long name would be lost (the review's case). */
static void test_shared_automaton_keeps_own_states(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "product\tRuns Running Running Garden Running Runs",
        "org\tRunning York Runs Garden",
        "org\tBerlins Runs Runs Berlins York Berlins Runs Runs Running",
    };
    struct gazetteer g;
    char err[600];
    gz_init(&g);
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        assert_int_equal(gz_add_line(&g, lines[i], strlen(lines[i]), 0, err, sizeof err), 0);
    gz_seal(&g);
    struct matcher de, en, own;
    struct matcher *const views[] = {&de, &en};
    static const char *const langs[] = {"de", "en"};
    assert_int_equal(matcher_build_langs(views, langs, 2, &g, &tokens_analysis_tokeniser), 0);
    assert_int_equal(matcher_build(&own, &g, "en", &tokens_analysis_tokeniser), 0);
    static const char text[] = "Berlins Runs Running Berlins York Berlins Runs Running Running";
    char shared_hits[256], own_hits[256];
    hits_as_text(&own, "en", text, own_hits, sizeof own_hits);
    hits_as_text(&en, "en", text, shared_hits, sizeof shared_hits);
    assert_string_equal(own_hits, "0-9:2");
    assert_string_equal(shared_hits, own_hits);
    matcher_free(&own);
    matcher_free(&de);
    matcher_free(&en);
    gz_free(&g);
}

/* A tokeniser that holds every build of "fr" at its first name until the
 * test opens the gate, and counts the threads that build it. */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int open;
    pthread_t builders[4];
    int n_builders;
};

static int gated_run(void *ctx, const char *text, size_t len, const char *lang, struct ent_toks *out,
                     void **keep)
{
    struct gate *g = ctx;
    if (strcmp(lang, "fr") == 0) {
        pthread_mutex_lock(&g->mu);
        int known = 0;
        for (int i = 0; i < g->n_builders; i++)
            known |= pthread_equal(g->builders[i], pthread_self());
        if (!known && g->n_builders < 4)
            g->builders[g->n_builders++] = pthread_self();
        pthread_cond_broadcast(&g->cv);
        while (!g->open)
            pthread_cond_wait(&g->cv, &g->mu);
        pthread_mutex_unlock(&g->mu);
    }
    return tokens_analysis_tokeniser.run(tokens_analysis_tokeniser.ctx, text, len, lang, out, keep);
}

struct lookup {
    struct snapshot *snap;
    const struct matcher *m;
};

static void *lookup_fr(void *arg)
{
    struct lookup *l = arg;
    l->m = snapshot_matcher(l->snap, "fr");
    return NULL;
}

/* A language met for the first time is built without the snapshot's lock:
 * a worker with an article in another language goes on meanwhile (here:
 * it would never return), and a second one of the same language waits
 * for that build instead of making its own. */
static void test_first_use_build_keeps_other_languages_going(void **state)
{
    (void)state;
    struct gate g = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    const struct ent_tokeniser gated = {gated_run, tokens_analysis_tokeniser.release, &g};
    char **paths = malloc(2 * sizeof *paths), err[600];
    paths[0] = strdup(write_tsv("gate.tsv", "org\tAcme Holding\nplace\tParis\n"));
    paths[1] = NULL;
    static const char *const langs[] = {"de"};
    struct gz_source s;
    assert_int_equal(source_init(&s, paths, 1, &gated, langs, 1, err, sizeof err), 0);
    struct snapshot *snap = source_acquire(&s);
    const struct matcher *de = snap->m[0];

    struct lookup first = {snap, NULL}, second = {snap, NULL};
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, lookup_fr, &first), 0);
    pthread_mutex_lock(&g.mu);
    while (g.n_builders == 0)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);
    /* fr is being built, held at the gate. */
    assert_ptr_equal(snapshot_matcher(snap, "de"), de);
    assert_int_equal(pthread_create(&t2, NULL, lookup_fr, &second), 0);
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);  /* time for t2 to find the build under way */
    pthread_mutex_lock(&g.mu);
    g.open = 1;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);

    assert_non_null(first.m);
    assert_ptr_equal(second.m, first.m);
    assert_string_equal(first.m->lang, "fr");
    assert_int_equal(g.n_builders, 1);
    assert_int_equal(snap->n_m, 2);
    assert_int_equal(snap->n_building, 0);
    snapshot_release(snap);
    source_fini(&s);
}

static void test_init_refuses_a_broken_file(void **state)
{
    (void)state;
    char **paths = malloc(2 * sizeof *paths), err[600];
    paths[0] = strdup(write_tsv("broken.tsv", "org\n"));
    paths[1] = NULL;
    struct gz_source s;
    assert_int_equal(source_init(&s, paths, 1, &tokens_analysis_tokeniser, NULL, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "broken.tsv:1: no name"));
    source_fini(&s);
}

/* ---- heuristics ----------------------------------------------------------- */

static struct lexicon lex;

static void given_drop(void);

/* The given names of text (a list as lexicon_load_given() reads it) into
 * the shared lexicon, and out of it again.  A list a failed test left
 * loaded is dropped first, so that one failure does not fail the tests
 * after it. */
static void given_load(const char *file, const char *text)
{
    char err[600];
    given_drop();
    if (lexicon_load_given(&lex, write_tsv(file, text), err, sizeof err) != 0)
        fail_msg("%s: %s", file, err);
}

static void given_drop(void)
{
    fpset_free(&lex.given);
    fpfilter_free(&lex.given_filter);
    lex.have_given = 0;
}

static int load_lexicon(void **state)
{
    (void)state;
    /* As the plugin reads them by default (entities.c). */
    static const char *const noun_dics[] = {"/usr/share/hunspell/de_DE.dic", "/usr/share/hunspell/de_AT.dic"};
    char err[600];
    lexicon_init(&lex);
    if (lexicon_load_de(&lex, "/usr/share/dict/ngerman", noun_dics, 2, err, sizeof err) < 0 ||
        lexicon_load_en(&lex, "/usr/share/dict/american-english", err, sizeof err) < 0) {
        fprintf(stderr, "word lists: %s (install wngerman and wamerican)\n", err);
        return -1;
    }
    return make_tmpdir(state);
}

static int free_lexicon(void **state)
{
    lexicon_free(&lex);
    return remove_tmpdir(state);
}

/* Heuristic finds in text, without a gazetteer: "type/name, ...". */
/* The heuristics' finds in text with heur_run()'s flags (enum heur_flag). */
static void expect_heuristics_with(unsigned flags, const char *lang, const char *text, const char *want)
{
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), lang);
    assert_non_null(an);
    struct ent_toks t = {0};
    assert_int_equal(tokens_from_analysis(an, &t), 0);
    uint8_t *covered = calloc(t.n + 1, 1);
    /* Twice: with the token types, whose memos answer a word once per
     * type, and without them, where every word is worked out by itself. */
    for (int typed = 1; typed >= 0; typed--) {
        if (!typed) {
            t.n_types = 0;
            for (size_t i = 0; i < t.n; i++)
                t.v[i].type = ENT_NO_TYPE;
        }
        struct heur_cands c = {0};
        assert_int_equal(heur_run(&t, covered, NULL, lang, &lex, flags, &c), 0);
        char got[1024] = "";
        for (size_t i = 0; i < c.n; i++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s/%s", i ? ", " : "",
                     ent_type_name(c.v[i].type), c.v[i].name);
        if (strcmp(got, want) != 0)
            fail_msg("in \"%s\" (%s): found \"%s\", expected \"%s\"", text, typed ? "typed" : "untyped",
                     got, want);
        heur_cands_free(&c);
    }
    free(covered);
    toks_free(&t);
    newsd_analysis_free(an);
}

static void expect_heuristics(const char *lang, const char *text, const char *want)
{
    expect_heuristics_with(0, lang, text, want);
}

static void test_heuristics_legal_forms(void **state)
{
    (void)state;
    expect_heuristics("de", "Dazu gehört der Hersteller von Chipfertigungsanlagen Naura Technology Group Ltd. aus dem Land.",
                      "org/Naura");
    expect_heuristics("en", "The deal was signed by Acme Widgets Holdings Inc. on a rainy day in spring.",
                      "org/Acme Widgets");
    /* A legal form that is a word, last, is the name's: the firm and the
     * press write "Falic Group". */
    expect_heuristics("en", "Shares in the Zorblax Financial Group fell on Monday after the results.",
                      "org/Zorblax Financial Group");
    expect_heuristics("en", "The contract went to the Zorblax Corporation, a maker of satellites.",
                      "org/Zorblax Corporation");
    /* One firm, one name: with and without the legal form's word it is
     * the shorter name; a comma before the abbreviation changes nothing. */
    expect_heuristics("en", "Zorblax Holdings Inc. reported a loss. Zorblax Holdings said it would cut jobs.",
                      "org/Zorblax, org/Zorblax");
    expect_heuristics("en", "Zorblax Holdings said it would cut jobs. Zorblax Holdings Inc. reported a loss.",
                      "org/Zorblax, org/Zorblax");
    expect_heuristics("en", "The deal was signed by Acme Widgets Holdings, Inc. on a rainy day in spring.",
                      "org/Acme Widgets");
    /* Since 0.8.20 a name and its organisation's word too; not when the
     * article has no shorter name. */
    expect_heuristics("en", "A Zorbta spokesperson declined to comment. She was fired by Zorbta Airlines in May.",
                      "org/Zorbta, org/Zorbta");
    expect_heuristics("en", "She was fired by Zorbta Airlines in May, and the airline declined to comment.",
                      "org/Zorbta Airlines");
    /* A name with its acronym in brackets after it, whose initials the
     * acronym is: an organisation by a body's word or a name of its own;
     * not an office, a measure, a treaty. */
    expect_heuristics("en", "He will meet officials of the Zorbic and Quell Office (ZQO) on Monday, they said.",
                      "org/Zorbic and Quell Office");
    expect_heuristics("en", "The plane maker Avions de Zorbic Regional (AZR) said on Monday it would grow.",
                      "org/Avions de Zorbic Regional");
    expect_heuristics("de", "Er war Sprecher der Zorbic European Land (ZEL) und im Aufsichtsrat, hieß es.",
                      "org/Zorbic European Land");
    expect_heuristics("de", "Laut dem Zorbic Real Estate Ltd. (ZRE) stieg der Wert am Montag, hieß es.",
                      "org/Zorbic Real Estate");
    expect_heuristics("en", "The Chief Executive Officer (CEO) said the Gross Domestic Product (GDP) rose.", "");
    expect_heuristics("en", "The Zorbic Trade Agreement (ZTA) was signed on Monday, the ministers said.", "");
    /* A person's possessive says whose the firm is. */
    expect_heuristics("en", "The group was formed when Mr Zorbal's QXN Holdings Ltd. merged with a rival.",
                      "org/QXN, person/Zorbal");
    /* A tournament's group is no firm. */
    expect_heuristics("en", "The holders were drawn in Zorblax Cup Group B with three other sides.", "");
    /* A German compound's first half written apart is no name word. */
    expect_heuristics("de", "Die Zorblax Beteiligungs GmbH gehört seit dem Frühjahr dem Land Kärnten.",
                      "org/Zorblax");
    /* A German noun between name words is the name's: a name does not
     * begin inside a run of capitalised words. */
    expect_heuristics("de", "Laut der Zorblax Energie GmbH ist der Preis am Montag gestiegen.",
                      "org/Zorblax Energie");
    expect_heuristics("de", "Die Firma Zorblax Quell Estate Ltd. hat am Montag ihre Zahlen vorgelegt.",
                      "org/Zorblax Quell Estate");
    /* A hyphenated word before the legal form, a name its first part:
     * "ÖBB-Personenverkehr AG". */
    expect_heuristics("de", "Nur die Zorblax-Personenverkehr AG ist in der Lage, das zu tun, hieß es.",
                      "org/Zorblax-Personenverkehr");
    /* ... not a role before the name. */
    expect_heuristics("de", "Der Vorstand Zorblax Energie AG tagte am Montag in der Stadt.", "org/Zorblax Energie");
    /* A name's adjective in an oblique case is cited in the nominative. */
    expect_heuristics("de", "Nach der Prüfung der Zorbländischen Landesholding GmbH schwieg der Prüfer.",
                      "org/Zorbländische Landesholding");
}

static void test_heuristics_roles(void **state)
{
    (void)state;
    expect_heuristics("de", "Im März traf sich der Ministerpräsident Li Qiang mit dem CEO von Moore Threads in der Stadt.",
                      "person/Li Qiang, org/Moore Threads");
    expect_heuristics("en", "Nothing is certain yet, said Jane Roe, an analyst at Foobar Research in a note.",
                      "org/Foobar Research, person/Jane Roe");
    expect_heuristics("en", "The dollar was softening, said Jane Roe, a trader at Zorbic Quellmore, on Monday.",
                      "org/Zorbic Quellmore, person/Jane Roe");
    /* "for" after a spokesman only: an award's "best director for". */
    expect_heuristics("en", "A spokesman for Zorbison, the biggest union, said the offer was bad.", "org/Zorbison");
    expect_heuristics("en", "The film won best director for Zorbic Quellmore on Sunday night.", "");
    /* A sentence of four or five words that ends as one is prose; a
     * heading of as many is not. */
    given_load("given_prose.txt", "anna\n");
    expect_heuristics("de", "Die Stadt war am Montag ruhig. Ein Film von Anna Quellmaier.",
                      "person/Anna Quellmaier");
    expect_heuristics("de", "Ein Film von Anna Quellmaier\n\nDie Stadt war am Montag ruhig und still.", "");
    given_drop();
    /* A capitalised office with "of" before ordinary words is a title. */
    expect_heuristics("en", "He will consult the Director of Public Prosecutions on the case, he said.", "");
    expect_heuristics("de", "Er machte in Hollywood Karriere als Director of Photography, hieß es.", "");
    expect_heuristics("en", "The chief executive of Friends Reunited said the deal was good for users.",
                      "org/Friends Reunited");
    /* A clause after the comma is no apposition: the place is no person. */
    expect_heuristics("en", "The firm moved its staff to Zorbleton, where the chief of it had a house.", "");
    /* A compound ending in a role: "Weltranglisten-Leader" is no name word. */
    expect_heuristics("de", "Am Montag gewann der Weltranglisten-Leader Qaxo Zorblinski das Spiel in drei Sätzen.",
                      "person/Qaxo Zorblinski");
    /* After a holding, "in" names a company, not a place. */
    expect_heuristics("en", "The group has agreed to sell its whole stake in Zorblax to a rival on Monday.",
                      "org/Zorblax");
    expect_heuristics("en", "The group has agreed to open a new office in Zorblax next year, it said.",
                      "place/Zorblax");
    expect_heuristics("en", "Shares in Zorblax rose sharply on Monday after the results were published.",
                      "org/Zorblax");
    expect_heuristics("en", "The company is investing in Zorblax and in two other towns next year.",
                      "place/Zorblax");
    /* A language or a people's adjective after "in" is no place. */
    expect_heuristics("en", "You cannot listen to hip-hop in Spanish on the radio, he said.", "");
    expect_heuristics("en", "He does not wish to remain in Scottish football any more, his agent said.", "");
    expect_heuristics("en", "It is the leader in Spanish-language rap and in English, he said.", "");
    expect_heuristics("en", "The book came out in French and in German last year, she said.", "");
    expect_heuristics("en", "He lives in Ross-on-Wye and works in Zorbish, he said.", "place/Ross-on-Wye, place/Zorbish");
    /* A German noun of places before a name: the place's; not before a
     * common noun, and only in German. */
    expect_heuristics("de", "Der Angriff ereignete sich in der Siedlung Zorblaxia, hieß es am Montag.",
                      "place/Zorblaxia");
    expect_heuristics("de", "Die Stadt Zukunft war das Thema der Tagung am Montag, hieß es.", "");
    expect_heuristics("en", "The film Stadt Zorblaxia won the first prize on Monday, critics said.", "");
}

/* A given name before a capitalised word is a person; not after an
 * article, not before a word that ends a place's name, not a title. */
static void test_heuristics_given_names(void **state)
{
    (void)state;
    given_load("given.txt", "# given names\nbob\nbrenda\nart\nvictoria\nprince\n Jörg \nfrank\tword\n");
    assert_int_equal(lexicon_given(&lex, "en", "jörg", strlen("jörg")), LEXICON_GIVEN_NAME);
    assert_int_equal(lexicon_given(&lex, "en", "frank", strlen("frank")), LEXICON_GIVEN_WORD);
    assert_int_equal(lexicon_given(&lex, "en", "zorblax", strlen("zorblax")), 0);
    /* A given name that is also a word wants a name word after it. */
    expect_heuristics("de", "Die Firma von Jörg Müller baut jetzt auch Häuser in der ganzen Stadt.",
                      "person/Jörg Müller");
    expect_heuristics("de", "Die Firma von Frank Müller baut jetzt auch Häuser in der ganzen Stadt.", "");
    expect_heuristics("en", "The film also stars the British actors Bob Hoskins and Brenda Blethyn as her parents.",
                      "person/Bob Hoskins, person/Brenda Blethyn");
    /* "Victoria Station" names no one; "Prince" is no given name here but
     * a title (test_heuristics_peerage_titles()). */
    expect_heuristics("en", "The trains from Victoria Station were late again, and Prince Zorblax waved at them.",
                      "person/Prince Zorblax");
    expect_heuristics("de", "Das war eine Art Trost für die Leute, sagte später Jörg Albrecht aus dem Ort.",
                      "person/Jörg Albrecht");
    /* A German genitive s goes when the article has the name without it. */
    expect_heuristics("de", "Das Werk Jörg Albrechts ist bekannt, sagte die Kuratorin, und die Albrecht-Stiftung zahlt.",
                      "org/Albrecht-Stiftung, person/Jörg Albrecht");
    expect_heuristics("de", "Das Werk Jörg Albrechts ist bekannt, sagte die Kuratorin des Museums am Abend.",
                      "person/Jörg Albrechts");
    /* The word alone elsewhere is no sign: another name begins with it. */
    expect_heuristics("de", "Das Werk Jörg Albrechts ist bekannt, sagte die Kuratorin über Albrecht Zorblax.",
                      "person/Jörg Albrechts");
    /* A nationality before the name is not the name's; an event is no one. */
    expect_heuristics("en", "The prize went to Briton Bob Zorblax, who said he was very happy with it.",
                      "person/Bob Zorblax");
    expect_heuristics("en", "She said the Zorblax Open had been the hardest of her tournaments so far.", "");
    /* A nationality alone is no one: "chief Turkish economist". */
    expect_heuristics("en", "It was funny money, Tevfik Zorbsoy, chief Turkish economist for the bank, told us.",
                      "person/Tevfik Zorbsoy");
    /* A genitive before the title it owns, also a surname that reads as
     * a word ("Spiel-bergs"); not a name whose last word is the genitive;
     * before a noun ("Qualmers Film") the genitive s goes. */
    expect_heuristics("de", "Er spielte einen Spion in Bob Spielbergs Bridge of Spies und gewann den Preis.",
                      "person/Bob Spielbergs");
    expect_heuristics("de", "Das Buch inspirierte am Ende auch Brenda Zorblax Blade Runner, hieß es damals.",
                      "");
    expect_heuristics("de", "Das Buch inspirierte am Ende auch Brenda Zorblax Qualmers Film, hieß es damals.",
                      "person/Brenda Zorblax Qualmer");
    /* A given name that is a word too opens a sentence's name before a
     * role after a comma, not before a speech verb alone (a firm may be
     * named so). */
    expect_heuristics("en", "The plan was agreed on Monday. Frank Zorblax, the group's president, said it was good.",
                      "person/Frank Zorblax");
    expect_heuristics("en", "The plan was agreed on Monday. Frank Zorblax Qualmer said it was good for them.",
                      "person/Zorblax Qualmer");
    given_drop();
    /* Before a name and a role after a comma, a given name that the
     * German word list has too ("Florian") opens the name. */
    given_load("given_list.txt", "florian\n");
    expect_heuristics("de", "Als Florian Zorblinski, Mitgründer von Quorblex, das schrieb, war es spät.",
                      "person/Florian Zorblinski");
    given_drop();
    expect_heuristics("en", "The film also stars the British actors Bob Hoskins and Brenda Blethyn as her parents.", "");
}

/* A town that needs a cue is no mention of it before another capitalised
 * word ("at Oxford Economics"), nor a German noun before a genitive or a
 * month ("nach Ende des Streiks"); a possessive place is no part of the name
 * after it ("London's Leicester Square"), a place before "Square" is
 * (Leicester). */
static void test_resolve_cues_and_possessives(void **state)
{
    (void)state;
    struct gazetteer g;
    char err[600];
    gz_init(&g);
    assert_int_equal(gz_add_line(&g, "place\tOxford", strlen("place\tOxford"), 1, err, sizeof err), 0);
    assert_int_equal(gz_add_line(&g, "place\tLondon", strlen("place\tLondon"), 0, err, sizeof err), 0);
    assert_int_equal(gz_add_line(&g, "place\tLeicester", strlen("place\tLeicester"), 0, err, sizeof err), 0);
    assert_int_equal(gz_add_line(&g, "place\tWolfsburg", strlen("place\tWolfsburg"), GZ_MARK_CUE | GZ_MARK_TOWN, err,
                                 sizeof err), 0);
    assert_int_equal(gz_add_line(&g, "place\tEnde", strlen("place\tEnde"), GZ_MARK_CUE, err, sizeof err), 0);
    assert_int_equal(gz_add_line(&g, "place\tReading", strlen("place\tReading"), GZ_MARK_CUE, err, sizeof err), 0);
    struct matcher m_en, m_de;
    assert_int_equal(matcher_build(&m_en, &g, "en", &tokens_analysis_tokeniser), 0);
    assert_int_equal(matcher_build(&m_de, &g, "de", &tokens_analysis_tokeniser), 0);
    static const struct {
        const char *lang, *text;
        size_t kept;
    } cases[] = {
        {"en", "He is an economist at Oxford Economics, a research firm.", 0},
        {"en", "He lives in Oxford with his family.", 1},
        {"en", "It opened in London's Leicester Square on a Monday.", 1},
        /* German capitalises its nouns: only a name word begins a name. */
        {"de", "Der Konzern will in Wolfsburg Stellen streichen, hieß es am Montag.", 1},
        {"de", "Er arbeitet in Wolfsburg Zorblax Motors seit vielen Jahren.", 0},
        /* A town that is a German noun, going on as a noun does. */
        {"de", "Nach Ende des Streiks fuhren die Züge wieder, hieß es am Montag.", 0},
        {"de", "Sie reisten nach Ende Juni wieder ab, hieß es am Montag.", 0},
        {"de", "Sie reisten nach Ende, um dort den Menschen zu helfen.", 1},
        {"de", "Er zog nach Wolfsburg der Arbeit wegen, hieß es am Montag.", 1},
        {"de", "Sie zog nach Reading der Liebe wegen, hieß es am Montag.", 1},
        /* Named as a place by a noun of places or a direction before it. */
        {"de", "Die Bombe sei in der Stadt Wolfsburg detoniert, hieß es am Montag.", 1},
        {"de", "Die Bombe sei in der Hafenstadt Wolfsburg detoniert, hieß es am Montag.", 1},
        {"de", "Der Angriff ereignete sich südöstlich von Wolfsburg, hieß es am Montag.", 1},
        {"de", "Der Angriff ereignete sich nahe Wolfsburg, hieß es am Montag.", 1},
        {"de", "Der Angriff ereignete sich am Montag, sagte Zorblax von Wolfsburg.", 0},
        {"en", "The bomb went off in the town of Reading on Monday, police said.", 1},
        {"en", "The attack took place north of Reading on Monday, police said.", 1},
        {"en", "The review of Reading lists took the whole of Monday, they said.", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const struct matcher *mp = strcmp(cases[k].lang, "de") == 0 ? &m_de : &m_en;
        newsd_analysis *an = newsd_analysis_new(cases[k].text, strlen(cases[k].text), cases[k].lang);
        assert_non_null(an);
        struct ent_toks t = {0};
        struct ent_hits h = {0};
        assert_int_equal(tokens_from_analysis(an, &t), 0);
        assert_int_equal(matcher_run(mp, &t, &h), 0);
        uint8_t *dropped = calloc(h.n + 1, 1), *covered = calloc(t.n + 1, 1);
        assert_non_null(dropped);
        assert_non_null(covered);
        resolve_drop_uncued(&lex, cases[k].lang, &t, &h, &g, dropped);
        resolve_drop_places_in_names(&lex, cases[k].lang, &t, &h, &g, covered, dropped);
        size_t kept = 0;
        for (size_t i = 0; i < h.n; i++)
            kept += !dropped[i];
        if (kept != cases[k].kept)
            fail_msg("in \"%s\": %zu places kept, expected %zu", cases[k].text, kept, cases[k].kept);
        free(dropped);
        free(covered);
        hits_free(&h);
        toks_free(&t);
        newsd_analysis_free(an);
    }
    matcher_free(&m_en);
    matcher_free(&m_de);
    gz_free(&g);
}

/* A gazetteer of lines, each with its marks (GZ_MARK_*). */
struct marked_line {
    const char *line;
    unsigned marks;
};

static void add_lines(struct gazetteer *g, const struct marked_line *lines, size_t n)
{
    char err[600];
    for (size_t i = 0; i < n; i++)
        if (gz_add_line(g, lines[i].line, strlen(lines[i].line), lines[i].marks, err, sizeof err) < 0)
            fail_msg("%s: %s", lines[i].line, err);
}

/* What the gazetteer's hits and the heuristics make of text: "type/name"
 * of the hits kept, then of the heuristics' finds ("club/name" for a town
 * read as its club). */
static void expect_resolved(const struct gazetteer *g, const struct matcher *m, const char *lang, const char *text,
                            const char *want)
{
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), lang);
    assert_non_null(an);
    struct ent_toks t = {0};
    struct ent_hits h = {0};
    struct heur_cands c = {0};
    assert_int_equal(tokens_from_analysis(an, &t), 0);
    assert_int_equal(matcher_run(m, &t, &h), 0);
    uint8_t *dropped = calloc(h.n + 1, 1), *covered = calloc(t.n + 1, 1);
    assert_non_null(dropped);
    assert_non_null(covered);
    assert_int_equal(resolve_article(&lex, lang, lang, 1, 0, &t, &h, g, covered, dropped, &c), 0);
    assert_int_equal(resolve_regions(m, g, lang, &t, &h, covered, dropped, &c), 0);
    char got[1024] = "";
    for (size_t i = 0; i < h.n; i++)
        if (!dropped[i])
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s/%s", *got ? ", " : "",
                     ent_type_name(g->v[h.v[i].entry].type), g->v[h.v[i].entry].name);
    for (size_t i = 0; i < c.n; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s/%s", *got ? ", " : "",
                 strcmp(c.v[i].rule, "sports_club") == 0 ? "club" : ent_type_name(c.v[i].type), c.v[i].name);
    if (strcmp(got, want) != 0)
        fail_msg("in \"%s\": \"%s\", expected \"%s\"", text, got, want);
    heur_cands_free(&c);
    free(dropped);
    free(covered);
    hits_free(&h);
    toks_free(&t);
    newsd_analysis_free(an);
}

/* A gazetteer of marked lines and its matchers for English and German,
 * for the resolve tests. */
struct lists {
    struct gazetteer g;
    struct matcher en, de;
};

static void lists_build(struct lists *l, const struct marked_line *lines, size_t n)
{
    gz_init(&l->g);
    add_lines(&l->g, lines, n);
    assert_int_equal(matcher_build(&l->en, &l->g, "en", &tokens_analysis_tokeniser), 0);
    assert_int_equal(matcher_build(&l->de, &l->g, "de", &tokens_analysis_tokeniser), 0);
}

static void lists_free(struct lists *l)
{
    matcher_free(&l->en);
    matcher_free(&l->de);
    gz_free(&l->g);
}

/* Two organisations side by side are one name, a unit or outlet after
 * its parent's; not after a possessive, not a party's members after a
 * body, not after a German noun that says what the name is. */
static void test_resolve_joined_orgs(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"org\tZorbcast", 0}, {"org\tQuellmore", 0}, {"org\tZorbic Party\tZorbicans", 0},
        {"org\tStiftung", 0}, {"org\tVerband", 0}, {"org\tIPCC", 0}, {"org\tZorbic Assembly", 0},
        {"org\tZQV", 0}, {"person\tJosef Zorbitzky", 0}, {"place\tQuellburg", 0}, {"org\tHM Treasury", 0},
    };
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "The manager told Zorbcast Quellmore on Monday that he would apply.",
                    "org/Zorbcast Quellmore");
    expect_resolved(&l.g, &l.en, "en", "The manager told Zorbcast's Quellmore on Monday that he would apply.",
                    "org/Zorbcast, org/Quellmore");
    expect_resolved(&l.g, &l.en, "en", "The Zorbic Assembly Zorbicans voted against the plan on Monday.",
                    "org/Zorbic Assembly, org/Zorbic Party");
    expect_resolved(&l.g, &l.en, "en", "The manager told Zorbcast. Quellmore said on Monday that he would apply.",
                    "org/Zorbcast, org/Quellmore");
    expect_resolved(&l.g, &l.de, "de", "Laut einem Bericht der Stiftung IPCC steigt der Meeresspiegel weiter.",
                    "org/Stiftung, org/IPCC");
    expect_resolved(&l.g, &l.de, "de", "Laut einem Bericht des Verbands IPCC steigt der Meeresspiegel weiter.",
                    "org/Verband, org/IPCC");
    expect_resolved(&l.g, &l.de, "de", "Der Manager sagte Zorbcast Quellmore am Montag, er werde sich bewerben.",
                    "org/Zorbcast Quellmore");
    /* A listed firm before its unit's words names the unit; not before
     * its legal form or "Group", nor after a possessive. */
    expect_resolved(&l.g, &l.en, "en", "Jane Roe, an economist at Zorbcast World Markets, said so on Monday.",
                    "person/Jane Roe, org/Zorbcast World Markets");
    expect_resolved(&l.g, &l.en, "en", "The unions say Zorbcast Powertrain will close its plant next year.",
                    "org/Zorbcast Powertrain");
    expect_resolved(&l.g, &l.en, "en", "The show ran on the Zorbcast Channel for two years.",
                    "org/Zorbcast Channel");
    expect_resolved(&l.g, &l.en, "en", "The manager told Zorbcast Group on Monday that he would apply.",
                    "org/Zorbcast");
    expect_resolved(&l.g, &l.en, "en", "The manager said Zorbcast's Securities arm would grow this year.",
                    "org/Zorbcast");
    /* A channel: a name in capitals before one digit, not a count or a
     * share. */
    expect_resolved(&l.g, &l.de, "de", "Das Konzert zeigt ZQV 2 am Abend, hieß es.", "org/ZQV 2");
    expect_resolved(&l.g, &l.de, "de", "Von den anderen kamen 114 Anfragen, von der ZQV 50.", "org/ZQV");
    expect_resolved(&l.g, &l.de, "de", "Im Vorjahr hatte ZQV 2 Prozent mehr verdient, hieß es.", "org/ZQV");
    /* A listed name inside a longer one the article spells out with its
     * acronym is the longer one's word; a listed acronym in the brackets
     * is none of its own. */
    expect_resolved(&l.g, &l.en, "en", "The Welsh Zorbic Assembly (WZA) said so on Monday.",
                    "org/Welsh Zorbic Assembly");
    expect_resolved(&l.g, &l.en, "en", "Shares in Zorbcast Quell Vans (ZQV) rose on Monday.",
                    "org/Zorbcast Quell Vans");
    expect_resolved(&l.g, &l.en, "en", "The Zorbic Assembly (ZA) said so on Monday.", "org/Zorbic Assembly");
    expect_resolved(&l.g, &l.en, "en", "The Welsh Zorbic Assembly (ZA) said so on Monday.", "org/Zorbic Assembly");
    /* A listed place is a spelt-out name's word, a body's word before it
     * names an organisation. */
    expect_resolved(&l.g, &l.de, "de", "Das sagte ein Sprecher des Management Center Quellburg (MCQ) am Montag.",
                    "org/Management Center Quellburg");
    expect_resolved(&l.g, &l.en, "en", "The Quellburg Standards Institute (QSI) said so on Monday.",
                    "org/Quellburg Standards Institute");
    /* "the Treasury" is a finance ministry, not before a security of it
     * nor a capitalised word. */
    expect_resolved(&l.g, &l.en, "en", "But the Treasury said there would be no rise in taxes this year.",
                    "org/Treasury");
    expect_resolved(&l.g, &l.en, "en", "Yields on the Treasury bonds fell on Monday, traders said.", "");
    expect_resolved(&l.g, &l.en, "en", "But the Treasury's forecast was too rosy, the report said on Monday.",
                    "org/Treasury");
    expect_resolved(&l.g, &l.en, "en", "The plan was backed by the Treasury Secretary on Monday.", "");
    /* A listed Treasury named: no second one. */
    expect_resolved(&l.g, &l.en, "en", "HM Treasury said on Monday that the Treasury would act soon.",
                    "org/HM Treasury");
    /* An author's dated sign-off names a person; an agency's does not. */
    given_load("given_signoff.txt", "jane\n");
    expect_resolved(&l.g, &l.de, "de", "Die Stadt plant den Bau am Montag. (Jane Quellmaier, ZORBBLATT, 14.2.2016)",
                    "person/Jane Quellmaier");
    expect_resolved(&l.g, &l.de, "de", "Die Stadt plant den Bau am Montag. (ZQV, 14.2.2016)", "org/ZQV");
    expect_resolved(&l.g, &l.de, "de", "Die Stadt plant den Bau am Montag. (Jane Quellmaier)", "");
    expect_resolved(&l.g, &l.de, "de", "Die Stadt plant den Bau am Montag. (Zorbiša Quelić, 14.2.2016)",
                    "person/Zorbiša Quelić");
    expect_resolved(&l.g, &l.de, "de", "Die Stadt plant den Bau am Montag. (Der Standard, 14.2.2016)", "");
    given_drop();
    /* A listed person's surname alone before a legal form is the
     * firm's. */
    expect_resolved(&l.g, &l.de, "de", "Die Zeitung gehört der Zorbitzky Holding, hieß es am Montag.",
                    "org/Zorbitzky Holding");
    expect_resolved(&l.g, &l.de, "de", "Josef Zorbitzky sagte am Montag, die Zeitung werde verkauft.",
                    "person/Josef Zorbitzky");

    lists_free(&l);
}

/* A listed short name in capitals that is an ordinary word names
 * nothing in a sentence written in capitals. */
static void test_resolve_words_in_capitals(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"org\tZorbic Islands Society\tIS", 0}, {"org\tZQV", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "Fighters of IS took the town on Monday, officials said.",
                    "org/Zorbic Islands Society");
    expect_resolved(&l.g, &l.en, "en", "WHAT IS THE POINT OF IT ALL\n\nThe town was quiet on Monday.", "");
    /* no ordinary word: a name in a heading too */
    expect_resolved(&l.g, &l.en, "en", "WHAT ZQV WANTS FROM THE TOWN\n\nThe town was quiet on Monday.", "org/ZQV");
    expect_resolved(&l.g, &l.de, "de", "Der IS hat die Stadt am Montag eingenommen, hieß es.",
                    "org/Zorbic Islands Society");
    lists_free(&l);
}

/* 0.8.19: a union, a board or a guild that speaks is no person; a firm
 * after the place it is based in; one example after a plural noun of
 * firms. */
static void test_heuristics_org_cues_0819(void **state)
{
    (void)state;
    expect_heuristics("en", "Motorcycle racing's governing body, the Quarnocycle Union, said it would appeal.",
                      "org/Quarnocycle Union");
    expect_heuristics("en", "The Quarnference Board survey of 5,000 households pointed to a rise.",
                      "org/Quarnference Board");
    expect_heuristics("en", "The film was distributed in the US by Quarnmarket Films, which bought it.",
                      "org/Quarnmarket Films");
    expect_heuristics("en", "Oxford-based Quarnix Motion launched a new version of its tool on Monday.",
                      "org/Quarnix Motion");
    expect_heuristics("en", "The London-listed Zorbstrata rejected the bid from its rival on Tuesday.",
                      "org/Zorbstrata");
    /* A thing's, not a place's; a person's given name. */
    expect_heuristics("en", "One wonders whether hardware-based Quarnlock Guard will work for those who pay.", "");
    given_load("given_based.txt", "karl\n");
    expect_heuristics("en", "The show of the Paris-based Karl Zorbfeld opened on Friday evening.",
                      "person/Karl Zorbfeld");
    given_drop();
    expect_heuristics("en", "Quarncard is one of the many companies, like Zorbsa Security, which have tried it.",
                      "org/Zorbsa Security");
    expect_heuristics("en", "Pirated films were shared on websites such as Quarnova. The rest was music.",
                      "org/Quarnova");
    /* One brand may be a product's; no noun of firms, no example. */
    expect_heuristics("en", "The group sold brands including Quarnas Regal to its rival on Monday.", "");
    expect_heuristics("en", "It was something like Quarnova that the staff talked about on Tuesday.", "");
    expect_heuristics("en", "The Campaign for Quarnear Disarmament held a rally in the city on Monday.",
                      "org/Campaign for Quarnear Disarmament");
    /* A name spelt out before its acronym with a body's word inside. */
    expect_heuristics("de", "Die Studie gab die Deutsche Quarnvereinigung für das Gas- und Zorbfach (DQGZ) in Auftrag.",
                      "org/Deutsche Quarnvereinigung für das Gas- und Zorbfach");
    /* Initiative names the body that follows it, as Verein does. */
    expect_heuristics("de", "Die Initiative Quarngreencity untersucht seit Jahren die Auswirkungen von Fassaden.",
                      "org/Quarngreencity");
}

/* newsd 0.8.20: a head, an editor, a scholar or a work and the body they
 * are of, at or by; English names with a descriptor, a plural's possessive
 * or "and"; names after an organisation's noun (in apposition, with The,
 * German words the list lacks, English words in German); German bodies
 * with der/für; an acronym after a body's noun. */
static void test_heuristics_org_0820(void **state)
{
    (void)state;
    expect_heuristics("en", "The plan was made by the chief of Quarncove, who left it last year.",
                      "org/Quarncove");
    expect_heuristics("en", "The rise is real, said a lecturer at Quarnell in his report on Monday.",
                      "org/Quarnell");
    /* A chair's subject; a department before the firm; titles. */
    expect_heuristics("en", "The report was written by a professor of Quarnomics and two of his staff.", "");
    expect_heuristics("en", "The bank is cautious, said the Head of Research at Quarnici Securities.",
                      "org/Quarnici Securities");
    expect_heuristics("en", "The paper keeps its former chief as Editor at Large for the foreign pages.", "");
    /* A player's head in a sports report. */
    expect_heuristics("en", "The striker scored from the penalty spot, and a header by the head of Quarnby "
                            "at the back post made it 2-0 before the match went to half-time.", "");
    /* A descriptor inside a name; a plural's possessive; runs joined by
     * "and" before an organisation's word. */
    expect_heuristics("en", "Figures from the Quarnsumer Electronics Association show a rise in sales.",
                      "org/Quarnsumer Electronics Association");
    expect_heuristics("en", "The strike was called by the Quarnication Workers' Union on Monday.",
                      "org/Quarnication Workers' Union");
    expect_heuristics("en", "The strike was called by the Transport and General Quarners' Union on Monday.",
                      "org/Transport and General Quarners' Union");
    /* Two names of their own; the last of a list. */
    expect_heuristics("en", "It was backed by the Quarnish Bankers Association and Zorbing Societies Association.",
                      "org/Quarnish Bankers Association, org/Zorbing Societies Association");
    expect_heuristics("en", "The State Quarnistration of Radio, Quarnfilm and Television regulates it.", "");
    /* A name in apposition after an organisation's noun, or with a
     * capitalised "The" of its own; not a person, nor the first of more. */
    expect_heuristics("en", "Its parent company, Zorbiversal, said it would cut jobs.", "org/Zorbiversal");
    expect_heuristics("en", "Last week he bought a small firm, Quarnitas.", "org/Quarnitas");
    expect_heuristics("en", "The network is run by wireless provider The Quarnloud and its partners.",
                      "org/The Quarnloud");
    given_load("given_apposition.txt", "john\n");
    expect_heuristics("en", "Its parent company, John Quarnley, said it would cut jobs.", "person/John Quarnley");
    expect_heuristics("en", "She drove with her business partner and a developer, John, who then left.", "");
    given_drop();
    expect_heuristics("en", "Its parent company, Zorbiversal and Quarnex agreed on Monday.", "");
    /* More nouns of firms; before a given name a person's. */
    expect_heuristics("en", "The game was made by developer Quarnotel last year.", "org/Quarnotel");
    expect_heuristics("de", "Die Supermarktkette Quarnbilla erhöht die Preise.", "org/Quarnbilla");
    /* A word the German list lacks, a noun by its parts, after the noun;
     * not one the list has. */
    expect_heuristics("de", "Das sagte er gegenüber der Zeitung Quarnothema am Montag.", "org/Quarnothema");
    expect_heuristics("de", "Der Minister gab der Zeitung Auskunft über den Plan.", "");
    expect_heuristics("de", "Das Label Quarnbär Records bringt die Platte heraus.", "org/Quarnbär Records");
    /* English words, one no German one; not German words alone. */
    expect_heuristics("de", "Er hat damals die Kunstplattform Vital Space gegründet.", "org/Vital Space");
    expect_heuristics("de", "Er hat damals die Kunstplattform Neue Kunst gegründet.", "");
    /* A party of its name after "der"; not whose it is. */
    expect_heuristics("de", "Die Partei der Quarnregionen verlor die Wahl im Osten.",
                      "org/Partei der Quarnregionen");
    expect_heuristics("de", "Die Partei des Präsidenten verlor die Wahl im Osten.", "");
    /* An acronym in brackets after a body's noun that no name was read
     * for names the body. */
    expect_heuristics("de", "Das sieht eine Vereinbarung mit der Verkehrssicherheitsbehörde (QHTSA) vor.",
                      "org/QHTSA");
    expect_heuristics("en", "The plan was approved by the telecoms regulator (QARC) on Monday.", "org/QARC");
    /* A body's work by or from it; not a person's, nor another preposition. */
    expect_heuristics("en", "A survey by Quarnway found that most users were happy.", "org/Quarnway");
    given_load("given_survey.txt", "penelope\n");
    expect_heuristics("en", "A survey by Penelope Quarnathy found that most users were happy.",
                      "person/Penelope Quarnathy");
    given_drop();
    expect_heuristics("en", "The report of Quarnway was read out in court on Monday.", "");
    /* The assembly of a profession's chambers, a masculine body. */
    expect_heuristics("de", "Das sagte der Präsident des Österreichischen Notariatskammertages am Montag.",
                      "org/Österreichischer Notariatskammertag");
    /* A court's compound before "für" and its matters. */
    expect_heuristics("de", "Die Klage ging am Mittwoch beim Landesgericht für Zivilrechtssachen ein.",
                      "org/Landesgericht für Zivilrechtssachen");
}

/* newsd 0.8.20, with listed names: a listed firm's name as a person's
 * surname in a compound; a listed place first in its sentence, before a
 * sport's name, in apposition, before a paper's hyphenated name, after a
 * chamber's compound and "für". */
static void test_resolve_orgs_0820(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"place\tQuellburg", 0}, {"org\tZorbwerk", 0}, {"place\tReading", GZ_MARK_CUE | GZ_MARK_TOWN}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    given_load("given_compound.txt", "konrad\n");
    expect_resolved(&l.g, &l.de, "de", "Die Konrad-Zorbwerk-Textvertonung wurde am Montag gespielt.", "");
    given_drop();
    expect_resolved(&l.g, &l.de, "de", "Der Zorbwerk-Chef sagte das am Montag.", "org/Zorbwerk");
    /* A listed place that is a word, first in its sentence, begins the
     * organisation right after it. */
    expect_resolved(&l.g, &l.en, "en", "Reading Borough Council said the road would close on Monday.",
                    "org/Reading Borough Council");
    expect_resolved(&l.g, &l.en, "en", "Reading the report, the council said the road would close.", "");
    expect_resolved(&l.g, &l.en, "en", "The plan was rejected by Tennis Quellburg's chief on Monday.",
                    "org/Tennis Quellburg");
    expect_resolved(&l.g, &l.en, "en", "The plan for tennis in Quellburg was rejected on Monday.",
                    "place/Quellburg");
    /* A place may begin a name in apposition. */
    expect_resolved(&l.g, &l.en, "en", "Another financial firm, Quellburg Life, is facing lawsuits.",
                    "org/Quellburg Life");
    /* A paper's hyphenated name after its town. */
    expect_resolved(&l.g, &l.en, "en", "He told the Quellburg Post-Gazette on Monday that he would go.",
                    "org/Quellburg Post-Gazette");
    expect_resolved(&l.g, &l.de, "de", "Das sagte der Vizepräsident der Ärztekammer für Quellburg am Montag.",
                    "place/Quellburg, org/Ärztekammer für Quellburg");
    expect_resolved(&l.g, &l.de, "de", "Das sagte der Vizepräsident der Ärztekammer in Quellburg am Montag.",
                    "place/Quellburg, org/Ärztekammer");
    lists_free(&l);
}

/* Pinyin's shape and the surnames; Chinese names in either order, not
 * words of the language, not inside a longer name. */
static void test_heuristics_chinese_names(void **state)
{
    (void)state;
    static const char *const words[] = {"xuebing", "jinping", "ziyi", "haisheng", "zhuang", "er", NULL};
    for (const char *const *w = words; *w; w++)
        if (!pinyin_word(*w, strlen(*w)))
            fail_msg("\"%s\" is Pinyin", *w);
    static const char *const not_words[] = {"street", "bank", "microsystems", "holding", "x", NULL};
    for (const char *const *w = not_words; *w; w++)
        if (pinyin_word(*w, strlen(*w)))
            fail_msg("\"%s\" is no Pinyin", *w);
    static const char *const surnames[] = {"bai", "wang", "zhang", "zou", "ouyang", "he", NULL};
    for (const char *const *w = surnames; *w; w++)
        if (!pinyin_surname(*w, strlen(*w)))
            fail_msg("\"%s\" is a surname", *w);
    assert_false(pinyin_surname("smith", 5));
    assert_false(pinyin_surname("zh", 2));
    expect_heuristics("en", "The former head of the bank, Wang Xuebing, was jailed for 12 years on Monday.",
                      "person/Wang Xuebing");
    expect_heuristics("en", "Researchers Haisheng Rong and Ansheng Liu built the chip at the lab last year.",
                      "person/Haisheng Rong, person/Ansheng Liu");
    expect_heuristics("en", "He Jianxiong, a professor at the university, said the test was a success.",
                      "person/He Jianxiong");
    /* A word of the language is no given name (Pinyin's shape as it
     * has); a longer name is no person. */
    expect_heuristics("en", "The fans gathered in the Fan Zone near the stadium on Monday night.", "");
    /* However many surnames come first ("He" opening sentences). */
    char many[2048] = "";
    for (int i = 0; i < 20; i++)
        strcat(many, "He said the plan would work well. ");
    strcat(many, "The former head of the bank, Wang Xuebing, was jailed on Monday.");
    expect_heuristics("en", many, "person/Wang Xuebing");
    expect_heuristics("en", "Shares of Wang Zhuang Holdings Ltd. rose on Monday in early trading.",
                      "org/Wang Zhuang");
}

/* After an agency's sign-off with its date, an appendix: its people and
 * organisations are tagged only when the article named them before;
 * places wherever they are. */
static void test_resolve_appendix(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"org\tZorbic Devils", 0}, {"org\tQuell Sharks", 0}, {"person\tAnna Zorbek", 0},
        {"person\tMario Quellner", 0}, {"place\tZorbing", 0}, {"place\tQuellbach", 0},
        {"org\tAlpha Rovers", 0}, {"org\tBeta Town", 0}, {"org\tGamma City", 0},
    };
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    static const char body[] =
        "Die Zorbic Devils haben am Donnerstag das Spiel gewonnen, und Anna Zorbek erzielte dabei zwei Tore. "
        "Das Publikum in Zorbing war begeistert, denn die Mannschaft hatte zuvor fünf Spiele in Folge verloren, "
        "und der Trainer sprach nach dem Spiel von einem wichtigen Schritt für die ganze Saison. "
        "(APA, 5.2.2016) Ergebnisse: Zorbic Devils – Quell Sharks 4:2 (Anna Zorbek, Mario Quellner) in Quellbach.";
    expect_resolved(&l.g, &l.de, "de", body, "org/Zorbic Devils, person/Anna Zorbek, place/Zorbing, "
                    "org/Zorbic Devils, person/Anna Zorbek, place/Quellbach, org/APA");
    /* No date, no sign-off. */
    static const char cited[] =
        "Die Zorbic Devils haben am Donnerstag das Spiel gewonnen, und Anna Zorbek erzielte dabei zwei Tore. "
        "Das Publikum in Zorbing war begeistert, denn die Mannschaft hatte zuvor fünf Spiele in Folge verloren, "
        "und der Trainer sprach nach dem Spiel von einem wichtigen Schritt für die ganze Saison. "
        "(APA) Ergebnisse: Zorbic Devils – Quell Sharks 4:2 (Anna Zorbek, Mario Quellner) in Quellbach.";
    expect_resolved(&l.g, &l.de, "de", cited, "org/Zorbic Devils, person/Anna Zorbek, place/Zorbing, "
                    "org/Zorbic Devils, org/Quell Sharks, person/Anna Zorbek, person/Mario Quellner, "
                    "place/Quellbach");
    /* A cup draw's fixtures, two lines or more: a table too; one line
     * alone (a title) is not. */
    expect_resolved(&l.g, &l.en, "en", "Zorbic Devils face Quell Sharks in the third round of the cup, and the "
                    "draw was made on Monday.\n\nAlpha Rovers v Zorbic Devils\nBeta Town v Gamma City\n",
                    "org/Zorbic Devils, org/Quell Sharks, org/Zorbic Devils");
    expect_resolved(&l.g, &l.en, "en", "Zorbic Devils face Quell Sharks in the third round of the cup, and the "
                    "draw was made on Monday.\n\nBeta Town v Gamma City\n",
                    "org/Zorbic Devils, org/Quell Sharks, org/Beta Town, org/Gamma City");
    lists_free(&l);
}

/* German regions in one word: a point of the compass and a listed
 * place, in the genitive too; not a town's name, nor a name the lists
 * have. */
static void test_resolve_regions(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"place\tFrankreich", 0}, {"place\tSyrien", 0}, {"place\tSee", GZ_MARK_TOWN},
        {"place\tSüdafrika", 0}, {"place\tTirol", 0}, {"place\tSyria", 0}, {"place\tSouth Africa", 0},
        {"org\tComedy Central", 0}, {"place\tBaden", GZ_MARK_TOWN}, {"org\tShell", 0}, {"org\tApple", 0},
    };
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.de, "de", "Die Waldbrände in Südfrankreich haben am Montag weitere Dörfer erreicht.",
                    "place/Südfrankreich");
    expect_resolved(&l.g, &l.de, "de", "Die Kämpfe im Norden Syriens und die Lage Nordsyriens waren Thema.",
                    "place/Syrien, place/Nordsyrien");
    expect_resolved(&l.g, &l.de, "de", "Die Stürme an der Nordsee haben am Montag weitere Dörfer erreicht.", "");
    expect_resolved(&l.g, &l.de, "de", "Die Stürme in Nordbaden haben am Montag weitere Dörfer erreicht.", "");
    expect_resolved(&l.g, &l.de, "de", "Die Reise nach Südafrika und Osttirol dauerte am Ende drei Wochen.",
                    "place/Südafrika, place/Osttirol");
    /* English: the compass words before a place hit, in its sentence;
     * not in a report on a match. */
    expect_resolved(&l.g, &l.en, "en", "Floods hit South East Syria and Southern Tirol on Monday, they said.",
                    "place/South East Syria, place/Southern Tirol");
    expect_resolved(&l.g, &l.en, "en", "Northern Tirol beat the league leaders in the match, and the striker scored.",
                    "place/Tirol");
    expect_resolved(&l.g, &l.en, "en", "The storm came from the West. Syria was calm on Monday, they said.",
                    "place/Syria");
    expect_resolved(&l.g, &l.en, "en", "Ships sailed into the South Syria Sea on Monday, the navy said.",
                    "place/Syria");
    expect_resolved(&l.g, &l.en, "en", "Viewers of Comedy Central Syria complained on Monday, they said.",
                    "org/Comedy Central, place/Syria");
    /* A listed body is no field of a list. */
    expect_resolved(&l.g, &l.en, "en", "The Institute of Directors, Shell and Apple said so on Monday, they said.",
                    "org/Shell, org/Apple, org/Institute of Directors");
    lists_free(&l);
}

/* In a sports report a town's name is its club, named as the article's
 * organisation that holds it or as written; after "in", in a dateline,
 * in another article, it stays a place.  A town that needs a cue is a
 * club there too, unless it is the surname of a person named. */
static void test_resolve_sports_clubs(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"place\tNewcastle", GZ_MARK_TOWN}, {"place\tSunderland", GZ_MARK_TOWN}, {"place\tWien", GZ_MARK_TOWN},
        {"place\tSalzburg", GZ_MARK_TOWN}, {"place\tBurnley", GZ_MARK_CUE | GZ_MARK_TOWN},
        {"place\tGreenwood", GZ_MARK_CUE | GZ_MARK_TOWN}, {"place\tSiegen", GZ_MARK_CUE | GZ_MARK_TOWN},
        {"place\tEngland", 0}, {"org\tNewcastle United", 0}, {"place\tVillingen-Schwenningen", GZ_MARK_TOWN},
        {"place\tParis", GZ_MARK_TOWN}, {"place\tLissabon", GZ_MARK_TOWN}, {"place\tWashington", GZ_MARK_TOWN},
        {"place\tBoston", GZ_MARK_TOWN}, {"place\tCardiff", GZ_MARK_TOWN}, {"place\tGraz", GZ_MARK_TOWN},
        {"place\tLeeds", GZ_MARK_TOWN},
    };
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "Newcastle beat Sunderland in the league match, and their striker scored twice.",
                    "club/Newcastle, club/Sunderland");
    expect_resolved(&l.g, &l.en, "en", "Newcastle and Sunderland agreed on a new plan for the buses of the region.",
                    "place/Newcastle, place/Sunderland");
    expect_resolved(&l.g, &l.en, "en", "The match in Newcastle ended late, and the striker scored a goal for Burnley.",
                    "place/Newcastle, club/Burnley");
    /* The second town after the preposition is a venue too. */
    expect_resolved(&l.g, &l.en, "en", "After his wins in Newcastle and Sunderland the striker scored a goal in the "
                    "league match.", "place/Newcastle, place/Sunderland");
    /* After "in the", and a saint's town, a place too. */
    expect_resolved(&l.g, &l.en, "en", "The striker scored a goal in the league match; he grew up in the Boston of "
                    "the sixties and in St. Paris.", "place/Boston, place/Paris");
    expect_resolved(&l.g, &l.en, "en", "Newcastle United's striker scored a goal in the league match, and Newcastle won.",
                    "org/Newcastle United, club/Newcastle United");
    expect_resolved(&l.g, &l.en, "en", "The match was hard, said Tom Greenwood after the game, and the coach of the "
                    "league side was happy with Greenwood.", "person/Tom Greenwood");
    expect_resolved(&l.g, &l.de, "de", "Das Spiel war hart. Wien – Der Stürmer erzielte im Spiel der Liga ein Tor für "
                    "Salzburg, sagte der Trainer nach 16 Siegen in Folge.", "place/Wien, club/Salzburg");
    expect_resolved(&l.g, &l.de, "de", "Das Spiel war hart. Paris/Lissabon – Der Stürmer erzielte im Spiel der Liga ein "
                    "Tor für Villingen-Schwenningen, sagte der Schiedsrichter.",
                    "place/Paris, place/Lissabon, club/Villingen-Schwenningen");
    /* A town and a plural are a team, which also names the town's club
     * elsewhere in the article; not a longer name, nor an event. */
    expect_resolved(&l.g, &l.en, "en", "The striker scored twice for Washington in the league match, and the "
                    "Washington Capitals beat Boston.", "club/Washington Capitals, club/Washington Capitals, club/Boston");
    expect_resolved(&l.g, &l.en, "en", "The striker scored a goal in the league match at the Cardiff Arms Park "
                    "on Saturday.", "place/Cardiff");
    expect_resolved(&l.g, &l.de, "de", "Der Stürmer erzielte im Spiel der Liga ein Tor für die Graz 99ers.",
                    "club/Graz 99ers");
    expect_resolved(&l.g, &l.en, "en", "The winger completed his move to Sunderland, and the striker scored a goal "
                    "in the league match.", "club/Sunderland");
    expect_resolved(&l.g, &l.en, "en", "He is a hero to Newcastle's Fans, and the striker scored a goal in the league "
                    "match.", "club/Newcastle");
    expect_resolved(&l.g, &l.en, "en", "The striker scored a goal in the league match, the Newcastle Evening News "
                    "said.", "place/Newcastle");
    expect_resolved(&l.g, &l.en, "en", "Joy For Boston Supporters As Promotion Sealed. The striker scored a goal in "
                    "the league match.", "place/Boston");
    /* Words of a round count only beside a word of a team's sport (a
     * tennis report is no club's). */
    expect_resolved(&l.g, &l.en, "en", "Newcastle won the semi-finals of the match and the quarter-finals too.",
                    "place/Newcastle");
    expect_resolved(&l.g, &l.en, "en", "Newcastle won the semi-finals of the rugby cup and the quarter-finals too.",
                    "club/Newcastle");
    /* A word of sport as a part of a hyphenated word counts. */
    expect_resolved(&l.g, &l.de, "de", "Salzburg schlug Graz im Spiel der Liga, der Trainer lobte den "
                    "Mittelfeld-Stürmer und die Fußball-Fans.", "club/Salzburg, club/Graz");
    /* A town's genitive names its club without the s, in capitals too;
     * a town's own s stays. */
    expect_resolved(&l.g, &l.de, "de", "Im Spiel der Liga schoss der Stürmer ein Tor, und Salzburgs Trainer lobte "
                    "die Fußball-Fans.", "club/Salzburg");
    expect_resolved(&l.g, &l.de, "de", "Im Spiel der Liga schoss der Stürmer ein Tor, und SALZBURGS Trainer lobte "
                    "die Fußball-Fans.", "club/SALZBURG");
    expect_resolved(&l.g, &l.en, "en", "Leeds beat Sunderland in the league match, and their striker scored twice.",
                    "club/Leeds, club/Sunderland");
    /* Forms of one word of sport count once: no sports report. */
    expect_resolved(&l.g, &l.en, "en", "Newcastle set the goal of two new goals for the match of the year.",
                    "place/Newcastle");
    /* Words that other stories use as well make no sports report. */
    expect_resolved(&l.g, &l.en, "en", "The boss said the goal of the deal was clear, and the coach firm's signing "
                    "pleased Newcastle and Sunderland, whose councils agreed.", "place/Newcastle, place/Sunderland");
    lists_free(&l);
}

/* A sports alias counts in a sports report only, and there wins over a
 * town of the same name (which needs a cue); never for the venue after
 * "in", nor over words the heuristics read as a person. */
static void test_resolve_sport_aliases(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"place\tPreston", GZ_MARK_CUE | GZ_MARK_TOWN}, {"org\tRapid Wien", 0}, {"org\tRapid Wien\tRapid", GZ_MARK_SPORT},
        {"org\tPreston North End\tPreston", GZ_MARK_SPORT}, {"org\tSCR Altach\tAltach", GZ_MARK_SPORT},
        {"org\tBlackburn Rovers\tBlackburn", GZ_MARK_SPORT}, {"place\tLancashire", 0},
        {"org\tWolverhampton Wanderers\tWolves", GZ_MARK_SPORT}, {"org\tReading FC\tReading", GZ_MARK_SPORT},
    };
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "Preston beat the leaders in the league match, and their striker scored twice.",
                    "org/Preston North End");
    expect_resolved(&l.g, &l.en, "en", "He has lived in Preston since last year, the council said on Monday.",
                    "place/Preston");
    expect_resolved(&l.g, &l.de, "de", "Rapid gewann das Spiel der Bundesliga, der Stürmer erzielte zwei Tore.",
                    "org/Rapid Wien");
    expect_resolved(&l.g, &l.de, "de", "Am Sonntag wartet das Auswärtsspiel in Altach, wo der Stürmer im Spiel der "
                    "Liga schon ein Tor erzielte.", "place/Altach");
    expect_resolved(&l.g, &l.en, "en", "Rapid growth of the firm pleased the bank, the report said on Monday.", "");
    expect_resolved(&l.g, &l.en, "en", "The striker scored a goal in the league match, said Tony Blackburn, who "
                    "saw it.", "person/Tony Blackburn");
    /* The alias beside the town leaves the town its ", PLACE" cue. */
    expect_resolved(&l.g, &l.en, "en", "The family moved to Preston, Lancashire, last year, the council said.",
                    "place/Preston, place/Lancashire");
    /* A table of clubs is no line-up; a gerund with its object no club. */
    expect_resolved(&l.g, &l.en, "en", "The striker scored a goal in the league match on Saturday. Table: Wolves 45, "
                    "Preston 40, Reading 38, Blackburn 30.", "org/Wolverhampton Wanderers, org/Preston North End, "
                    "org/Reading FC, org/Blackburn Rovers");
    expect_resolved(&l.g, &l.en, "en", "Reading the game well, the striker scored a goal in the league match.", "");
    lists_free(&l);
}

/* After a person's title a name is the person's, not an organisation's
 * or a place's of the same words (a peer's with the title). */
static void test_resolve_after_titles(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"org\tSainsbury's\tSainsbury", 0}, {"place\tLiverpool", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "Shares in Sainsbury rose on Monday, the bank said.", "org/Sainsbury's");
    expect_resolved(&l.g, &l.en, "en", "The next prime minister was Lord Liverpool, who was younger.",
                    "person/Lord Liverpool");
    expect_resolved(&l.g, &l.en, "en", "Mr Sainsbury told the committee on Monday that it was wrong.",
                    "person/Sainsbury");
    lists_free(&l);
}

/* A listed body's name before a trophy's word names the trophy: the
 * body is no party to "the FA Cup" (but is to "the FA said"). */
static void test_resolve_trophy_of_an_org(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"org\tFootball Association\tFA", 0},
                                               {"org\tZorbic Bank of Scotland\tZBS", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "Chelsea were knocked out of the FA Cup by Newcastle last Sunday.", "");
    /* ... also a word of the event's between: a sponsor's name. */
    expect_resolved(&l.g, &l.en, "en", "Wales won their first away game in the ZBS Six Nations for years.", "");
    expect_resolved(&l.g, &l.en, "en", "She cleared 4.88m at the ZBS Grand Prix in the city last week.", "");
    expect_resolved(&l.g, &l.en, "en", "The FA said on Monday that it would look into the incident.",
                    "org/Football Association");
    expect_resolved(&l.g, &l.en, "en", "The FA fined the club. The FA Cup tie was moved to Tuesday.",
                    "org/Football Association");
    /* A summit or a conference of a body is its own doing. */
    expect_resolved(&l.g, &l.en, "en", "The FA Conference opened on Monday with a speech by its chairman.",
                    "org/Football Association");
    lists_free(&l);
}

/* A listed body's name inside a longer name that an organisation's word
 * ends is no mention of that body. */
static void test_resolve_org_inside_a_longer_name(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"org\tLabour Party\tLabour", 0}, {"org\tZorbco", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "The Federal Labour Agency said unemployment rose in May.",
                    "org/Federal Labour Agency");
    /* Not after a nationality, nor in German, where every noun is
     * capitalised ("der Versicherer Zorbco Group"). */
    expect_resolved(&l.g, &l.en, "en", "Shares in the Dutch Zorbco Group fell on Monday.", "org/Zorbco");
    expect_resolved(&l.g, &l.de, "de", "Der Versicherer Zorbco Group meldete am Montag Gewinne.", "org/Zorbco");
    expect_resolved(&l.g, &l.en, "en", "The Labour Party said unemployment rose in May.", "org/Labour Party");
    /* Not after a sentence's first word, nor before an ordinary word. */
    expect_resolved(&l.g, &l.en, "en", "Yesterday Labour Council members said so.", "org/Labour Party");
    expect_resolved(&l.g, &l.en, "en", "The Welsh Labour plan was dropped in May.", "org/Labour Party");
    expect_resolved(&l.g, &l.en, "en", "The Welsh Labour Conference opened in May.", "org/Labour Party");
    lists_free(&l);

    /* A listed name that is an organisation's word ends a longer name
     * after two name words, in German too when they are no German
     * words; not after one ("the Republican Congress"). */
    static const struct marked_line congress[] = {{"org\tCongress\tUS-Kongress", 0}};
    lists_build(&l, congress, sizeof congress / sizeof *congress);
    expect_resolved(&l.g, &l.en, "en", "Many firms went to the Mobile World Congress in March.",
                    "org/Mobile World Congress");
    expect_resolved(&l.g, &l.de, "de", "Das Handy wurde am Mobile World Congress gezeigt.",
                    "org/Mobile World Congress");
    expect_resolved(&l.g, &l.en, "en", "Lawmakers in the Republican Congress voted on Tuesday.", "org/Congress");
    expect_resolved(&l.g, &l.en, "en", "The bill went to Congress on Tuesday.", "org/Congress");
    lists_free(&l);
}

/* A listed body's one-word name that German uses as a common noun too is
 * that noun after an indefinite determiner, or after a determiner and an
 * adjective, but for adjectives of time and of nations after a definite
 * one. */
static void test_resolve_german_noun_named_like_an_org(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"org\tAllianz", 0}, {"org\tBundespolizei", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.de, "de", "Die Angriffe der US-geführten Allianz gingen weiter.", "");
    expect_resolved(&l.g, &l.de, "de", "Das Land sucht eine neue Allianz gegen den Terror.", "");
    expect_resolved(&l.g, &l.de, "de", "Das Land sucht eine Allianz gegen den Terror.", "");
    expect_resolved(&l.g, &l.de, "de", "Die Allianz meldete am Montag höhere Gewinne.", "org/Allianz");
    expect_resolved(&l.g, &l.de, "de", "Die deutsche Bundespolizei kontrolliert die Grenze.", "org/Bundespolizei");
    expect_resolved(&l.g, &l.de, "de", "Die damalige Bundespolizei kontrollierte die Grenze.", "org/Bundespolizei");
    /* Not in English. */
    expect_resolved(&l.g, &l.en, "en", "Shares in a struggling Allianz fell on Monday.", "org/Allianz");
    lists_free(&l);

    /* A party named by an adjective, as a noun's adjective; not before a
     * role. */
    static const struct marked_line parties[] = {{"org\tDie Grünen\tGrüne|Grünen", 0}, {"org\tDiakonie", 0}};
    lists_build(&l, parties, sizeof parties / sizeof *parties);
    expect_resolved(&l.g, &l.de, "de", "Mehr Grüne Infrastruktur soll entstehen.", "");
    expect_resolved(&l.g, &l.de, "de", "Offenbar kann der Grüne Wähler mehr.", "");
    expect_resolved(&l.g, &l.de, "de", "Die Grünen fordern mehr Geld.", "org/Die Grünen");
    expect_resolved(&l.g, &l.de, "de", "Die Diakonie Direktorin sprach am Montag.", "org/Diakonie");
    lists_free(&l);
}

/* A firm named with its legal form's word is the same firm without it
 * later: "Sierra Nevada" is no mention of Nevada there. */
static void test_resolve_firm_named_without_its_legal_form(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"place\tNevada", 0}, {"place\tZorbland", 0},
                                               {"place\tSouth Zorbland", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    /* A place's possessive before it says whose the firm is, a place of
     * two words too; a name word and the legal form's word stay. */
    expect_resolved(&l.g, &l.en, "en", "The deal went to Zorbland's National Zorb Corporation on Monday.",
                    "org/National Zorb Corporation");
    expect_resolved(&l.g, &l.en, "en", "The deal went to South Zorbland's Quaxo Corporation on Monday.",
                    "org/Quaxo Corporation");
    expect_resolved(&l.g, &l.en, "en", "The deal went to Quaxo's Zorb Widget Corporation on Monday.",
                    "org/Quaxo's Zorb Widget Corporation");
    expect_resolved(&l.g, &l.en, "en",
                    "The contract went to the Zorblax Nevada Corporation on Monday. Zorblax Nevada said it "
                    "was pleased.",
                    "org/Zorblax Nevada Corporation");
    expect_resolved(&l.g, &l.en, "en", "The contract went to a firm in Nevada on Monday, they said.",
                    "place/Nevada");
    lists_free(&l);
}

/* A listed person's surname alone, as the heuristics or the lists find
 * it, is that person; a listed surname after another given name is
 * another person. */
static void test_resolve_listed_people(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"person\tGordon Brown", 0}, {"person\tVladimir Putin\tPutin", 0},
                                               {"org\tGoogle", 0},
                                               {"person\tGeorge W. Bush\tGeorge Bush|Bush", 0},
                                               {"person\tCristiano Ronaldo", 0}, {"person\tRonaldo", 0},
                                               {"org\tFord", 0}, {"person\tPatrick Zorbluivert", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    given_load("given_listed.txt", "kate\njohn\tword\napril\n");
    /* A listed person's surname after "in" is the person, no place. */
    expect_resolved(&l.g, &l.en, "en", "Patrick Zorbluivert scored early. Later the club had to draft in "
                    "Zorbluivert after an injury.", "person/Patrick Zorbluivert");
    expect_resolved(&l.g, &l.en, "en",
                    "The chancellor Gordon Brown spoke on Monday. Later Mr Brown told reporters that the plan was good.",
                    "person/Gordon Brown");
    expect_resolved(&l.g, &l.en, "en", "The singer Kate Bush has a new album out, her first one for many years.",
                    "person/Kate Bush");
    expect_resolved(&l.g, &l.en, "en", "The president said on Monday that Bush would not sign the bill this year.",
                    "person/George W. Bush");
    expect_resolved(&l.g, &l.en, "en", "Cristiano Ronaldo scored twice, and Ronaldo was the best player on the pitch.",
                    "person/Cristiano Ronaldo");
    expect_resolved(&l.g, &l.en, "en", "The Brazilian striker Ronaldo scored twice for his club on Sunday night.",
                    "person/Ronaldo");
    /* A company of one word after a given name is a surname. */
    expect_resolved(&l.g, &l.en, "en", "The director John Ford made many westerns in his long life, critics said.",
                    "person/John Ford");
    expect_resolved(&l.g, &l.en, "en", "The carmaker Ford made many more cars in its plants last year, it said.",
                    "org/Ford");
    /* After a title the listed person; after a month no surname. */
    expect_resolved(&l.g, &l.en, "en", "On Monday Mr Putin said that the talks had gone well for both sides.",
                    "person/Vladimir Putin");
    expect_resolved(&l.g, &l.en, "en", "The report said that in April Google had hired many new engineers.",
                    "org/Google");
    /* A listed name that goes on in a name word is another person's; a
     * listed surname that begins a double name after a given name too;
     * not a German genitive, nor the first part of a compound. */
    expect_resolved(&l.g, &l.en, "en", "The TV executive Gordon Brown Zorblax said on Monday that sales were up.",
                    "person/Gordon Brown Zorblax");
    expect_resolved(&l.g, &l.en, "en", "The TV executive Gordon Brown-Zorblax said on Monday that sales were up.",
                    "person/Gordon Brown-Zorblax");
    expect_resolved(&l.g, &l.en, "en", "The aid worker Kate Putin-Zorblax said on Monday that help was coming.",
                    "person/Kate Putin-Zorblax");
    expect_resolved(&l.g, &l.de, "de", "Das Buch über Gordon Browns Zorblax erschien am Montag in Wien, hieß es.",
                    "person/Gordon Brown");
    expect_resolved(&l.g, &l.de, "de", "Die Putin-Zorblax-Pläne wurden am Montag in Wien vorgestellt, hieß es.",
                    "person/Vladimir Putin");
    /* A full name that a compound is named after names no person; a
     * compound about the person, or named after the surname alone, does. */
    expect_resolved(&l.g, &l.de, "de", "Forscher des Gordon-Brown-Instituts haben am Montag in Wien gewarnt.", "");
    expect_resolved(&l.g, &l.de, "de", "Die Gordon-Brown-Straße wurde am Montag in Wien eröffnet, hieß es.", "");
    expect_resolved(&l.g, &l.de, "de", "Die Gordon-Brown-Biografie erschien am Montag in Wien, hieß es.",
                    "person/Gordon Brown");
    expect_resolved(&l.g, &l.de, "de", "Die Putin-Stiftung wurde am Montag in Wien vorgestellt, hieß es.",
                    "person/Vladimir Putin");
    given_drop();
    lists_free(&l);
}

/* People and places inside a work's title give no tag; a possessive
 * before the work, a name after a work's noun written in capitals, and
 * the parts of a German compound are no titles. */
static void test_resolve_work_titles(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"place\tEgypt", 0}, {"place\tTexas", 0}, {"place\tWien", 0},
                                               {"person\tVera Drake", 0}, {"person\tJulia Roberts", 0},
                                               {"org\tBBC", 0}, {"org\tBBC World", 0},
                                               {"place\tHiroshima", 0}, {"place\tLondon", 0},
                                               {"place\tEngland", 0}, {"person\tMike Nichols", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "His album Egypt won the critics' award for the album of the year on Monday.", "");
    /* A person no list has, named as a title elsewhere, is the work
     * everywhere in the article. */
    given_load("given_titles.txt", "zorbina\n");
    expect_resolved(&l.g, &l.en, "en", "Zorbina Quellby is the obvious favourite this year, critics said. The "
                    "British film Zorbina Quellby has eleven nominations.", "");
    expect_resolved(&l.g, &l.en, "en", "Zorbina Quellby is the obvious favourite this year, critics said. The "
                    "British actress has eleven nominations.", "person/Zorbina Quellby");
    given_drop();
    /* After a word of acting a title has two words: one is a place as
     * often. */
    expect_resolved(&l.g, &l.en, "en", "She was praised for her role in Egypt, a drama that opened in Texas last year.",
                    "place/Egypt, place/Texas");
    expect_resolved(&l.g, &l.en, "en", "She was praised for her role in Vera Drake, which opened in Texas last year.",
                    "place/Texas");
    /* A title ends before "with", "and", "von"; a listed person who is
     * the whole title is its subject. */
    expect_resolved(&l.g, &l.en, "en", "He saw the film Closer with Julia Roberts in a cinema on Monday night.",
                    "person/Julia Roberts");
    expect_resolved(&l.g, &l.en, "en", "The book Julia Roberts wrote about her life sold well in the spring.",
                    "person/Julia Roberts");
    expect_resolved(&l.g, &l.en, "en", "He cited the director's film \"Good Morning, Egypt\" as his favourite one.", "");
    /* A title ends before a preposition of place, which goes on as often. */
    expect_resolved(&l.g, &l.en, "en", "The cast of the film Closer in London met the press on Monday night.",
                    "place/London");
    expect_resolved(&l.g, &l.en, "en", "She was nominated for her role in Mike Nichols' Closer, the studio said.",
                    "person/Mike Nichols");
    expect_resolved(&l.g, &l.en, "en", "He praised the team's performance in England's defeat at the weekend.",
                    "place/England");
    expect_resolved(&l.g, &l.en, "en", "The Film Council gave money to a studio in Texas last year, it said.",
                    "place/Texas, org/Film Council");
    expect_resolved(&l.g, &l.de, "de", "Bekannt wurde sie durch das Drehbuch für den Film Hiroshima mon amour "
                    "vor vielen Jahren.", "");
    expect_resolved(&l.g, &l.en, "en", "Fans of the video game Texas Hold'em met in London on Monday night.",
                    "place/London");
    expect_resolved(&l.g, &l.en, "en", "In the game Texas scored twice before the break and won in London.",
                    "place/Texas, place/London");
    expect_resolved(&l.g, &l.de, "de", "Der Filmakademie-Wien-Abschlussfilm Alles wird gut lief in vielen Kinos "
                    "des Landes.", "place/Wien");
    /* A heuristic person inside a title goes too; a possessive ends a
     * listed name ("the BBC's World Cup"). */
    given_load("given_works.txt", "vera\n");
    expect_resolved(&l.g, &l.en, "en", "Her new film Vera Lynn opened on Monday in Texas to good reviews.", "place/Texas");
    expect_resolved(&l.g, &l.en, "en", "Critics said that Vera Lynn sang well on Monday in Texas to a big crowd.",
                    "place/Texas, person/Vera Lynn");
    given_drop();
    expect_resolved(&l.g, &l.en, "en", "The BBC's World Cup coverage drew many viewers in Texas on Monday.",
                    "org/BBC, place/Texas");
    /* The function itself: the title's end, the quote included. */
    newsd_analysis *an = newsd_analysis_new("The film \"Ray\" opened on Friday.", 32, "en");
    assert_non_null(an);
    struct ent_toks t = {0};
    assert_int_equal(tokens_from_analysis(an, &t), 0);
    assert_true(t.n > 4);
    assert_int_equal(works_title_end("en", &t, 2), 5);
    assert_int_equal(works_title_end("en", &t, 1), 1);
    toks_free(&t);
    newsd_analysis_free(an);
    lists_free(&l);
}

/* A listed organisation and the region or town after it are one
 * organisation, named by the lists; not with a country, nor before a
 * longer name. */
static void test_resolve_org_with_place(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"org\tArbeiterkammer\tAK", 0}, {"org\tEU", 0},
                                               {"org\tSturm Graz\tSK Sturm", 0},
                                               {"place\tNiederösterreich", 0}, {"place\tGraz", GZ_MARK_TOWN},
                                               {"place\tGriechenland", GZ_MARK_NATION},
                                               {"place\tWien", GZ_MARK_TOWN}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.de, "de", "Eine Umfrage der Arbeiterkammer Niederösterreich zeigte am Montag wenig "
                    "Neues.", "org/Arbeiterkammer Niederösterreich");
    expect_resolved(&l.g, &l.de, "de", "Laut der AK Wien sind die Mieten im letzten Jahr stark gestiegen.",
                    "org/Arbeiterkammer Wien");
    expect_resolved(&l.g, &l.de, "de", "Der Trainer des SK Sturm Graz muss eine Strafe von 500 Euro zahlen.",
                    "org/Sturm Graz");
    expect_resolved(&l.g, &l.de, "de", "Warum die EU Griechenland auch in diesem Jahr wieder helfen muss.",
                    "org/EU, place/Griechenland");
    expect_resolved(&l.g, &l.de, "de", "Die Arbeiterkammer Wien Energie kritisierte die Preise am Montag scharf.",
                    "org/Arbeiterkammer, place/Wien");
    lists_free(&l);
}

/* A "#!caps" alias matches only in capitals; another alias in capitals
 * matches any capitalised spelling. */
static void test_resolve_caps_aliases(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"org\tDer Standard\tSTANDARD", GZ_MARK_CAPS}, {"org\tNvidia Corporation\tNVIDIA", 0},
        {"org\tZorb Gazette\tZORB", GZ_MARK_CAPS}, {"org\tZorb United\tZorb", GZ_MARK_SPORT},
    };
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    assert_int_equal(l.g.n_marked, 3);
    assert_int_equal(l.g.marked[0].caps, 1);
    assert_int_equal(l.g.marked[0].sport, 0);
    expect_resolved(&l.g, &l.de, "de", "Wie dem STANDARD bekannt wurde, war es so.", "org/Der Standard");
    expect_resolved(&l.g, &l.de, "de", "Ein neuer Standard der Branche, sagte er, und alle Standards.", "");
    expect_resolved(&l.g, &l.en, "en", "Shares of Nvidia rose on Monday, the bank said.", "org/Nvidia Corporation");
    /* A sports alias of the same words, listed after it, does not hide it. */
    expect_resolved(&l.g, &l.en, "en", "The ZORB reported on Monday that the plan was good.", "org/Zorb Gazette");
    lists_free(&l);
}

/* A "#!adjective" alias names its party before a person or an office
 * only; the name of its line and the full name match anywhere. */
static void test_resolve_adjective_aliases(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"org\tZorbist Party\tZorbists", 0}, {"org\tZorbist Party\tZorbist", GZ_MARK_ADJECTIVE},
        {"org\tZorbist Guard", 0},
    };
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    assert_int_equal(l.g.n_marked, 1);
    assert_int_equal(l.g.marked[0].adjective, 1);
    assert_int_equal(l.g.marked[0].sport, 0);
    assert_string_equal(l.g.marked[0].alias, "Zorbist");
    expect_resolved(&l.g, &l.en, "en", "Zorbist leader Anna Quellmore said the plan was wrong on Monday.",
                    "org/Zorbist Party, person/Anna Quellmore");
    expect_resolved(&l.g, &l.en, "en", "The Zorbist local government spokesman said the plan was wrong.",
                    "org/Zorbist Party");
    expect_resolved(&l.g, &l.en, "en", "He met Zorbist Sen. Quellmore on Monday, and the talks were long.",
                    "org/Zorbist Party, person/Quellmore");
    /* Not before other words, nor at a sentence's end, nor as a longer
     * name's first word. */
    expect_resolved(&l.g, &l.en, "en", "Zorbist estimates suggest a rise in prices this year, they said.", "");
    expect_resolved(&l.g, &l.en, "en", "The plan was called Zorbist. It was new, they said on Monday.", "");
    expect_resolved(&l.g, &l.en, "en", "The Zorbist Guard moved into the city on Monday, they said.",
                    "org/Zorbist Guard");
    expect_resolved(&l.g, &l.en, "en", "The Zorbist Governors Association met on Monday, they said.",
                    "org/Zorbist Governors Association");
    expect_resolved(&l.g, &l.en, "en", "The Zorbists won the vote on Monday, they said.", "org/Zorbist Party");
    /* A capitalised office before a given name, an office in a line of
     * capitals; another party after "and"; not a stop word before an
     * office, nor an occupation and a name, nor another party's name
     * ("Social Zorbist"). */
    given_load("given_087.txt", "peter\njohn\n");
    expect_resolved(&l.g, &l.en, "en", "Zorbist Senator John Quellmore said the plan was wrong on Monday.",
                    "org/Zorbist Party, person/John Quellmore");
    expect_resolved(&l.g, &l.en, "en", "The Zorbist commentator John Quellmore said so on Monday.",
                    "person/John Quellmore");
    given_drop();
    expect_resolved(&l.g, &l.en, "en", "ZORBIST LEADER ATTACKS BUDGET AGAIN", "org/Zorbist Party");
    expect_resolved(&l.g, &l.en, "en", "Zorbist plans for the leader were dropped on Monday, they said.", "");
    expect_resolved(&l.g, &l.en, "en", "Zorbist and Labour MPs voted against the plan on Monday.",
                    "org/Zorbist Party");
    expect_resolved(&l.g, &l.en, "en", "Zorbist estimates suggest voters will stay at home, they said.", "");
    expect_resolved(&l.g, &l.en, "en", "The Social Zorbist leader said so on Monday, they said.", "");
    lists_free(&l);
    /* On the same words a plain name wins over the adjective: the stems
     * of "Liberal Zorbists" match "Liberal Zorbist". */
    static const struct marked_line liberal[] = {
        {"org\tLiberal Zorbists\tLib Zorbs", 0}, {"org\tLiberal Zorbists\tLiberal Zorbist", GZ_MARK_ADJECTIVE},
    };
    lists_build(&l, liberal, sizeof liberal / sizeof *liberal);
    expect_resolved(&l.g, &l.en, "en", "The Liberal Zorbist-run council raised the taxes on Monday, they said.",
                    "org/Liberal Zorbists");
    lists_free(&l);
}

/* A "#!media" line's names, its NAME too unless a line without the mark
 * lists it, name a paper only where the text names it as one. */
static void test_resolve_media_names(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"org\tDie Zorbpresse", 0}, {"org\tDie Zorbpresse\tZorbpresse", GZ_MARK_MEDIA},
        {"org\tZorbnews", GZ_MARK_MEDIA}, {"org\tThe Zorbstar\tZorbstar", GZ_MARK_MEDIA},
        {"place\tZorbland", 0}, {"org\tZorbland", GZ_MARK_MEDIA},
    };
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    /* Marked: the aliases, and the NAME of an entry that only a marked
     * line lists. */
    assert_int_equal(l.g.n_marked, 6);
    assert_int_equal(l.g.marked[0].media, 1);
    assert_string_equal(l.g.marked[1].alias, "Zorbpresse");
    assert_int_equal(l.g.v[0].media_only, 0);
    assert_int_equal(l.g.v[1].media_only, 1);
    /* The cues. */
    expect_resolved(&l.g, &l.de, "de", "Der Minister sagte der Zorbpresse am Montag, er bleibe.", "org/Die Zorbpresse");
    expect_resolved(&l.g, &l.de, "de", "Das sagte er der Zorbpresse am Montag.", "org/Die Zorbpresse");
    expect_resolved(&l.g, &l.de, "de", "Laut Zorbnews wurde der Vertrag verlängert.", "org/Zorbnews");
    expect_resolved(&l.g, &l.de, "de", "Das meldete einem Bericht der Zorbpresse zufolge die Polizei.",
                    "org/Die Zorbpresse");
    expect_resolved(&l.g, &l.de, "de", "Im Interview mit der Zorbpresse sprach sie offen.", "org/Die Zorbpresse");
    expect_resolved(&l.g, &l.de, "de", "Wie die Zorbpresse berichtet, ist alles anders.", "org/Die Zorbpresse");
    expect_resolved(&l.g, &l.de, "de", "Das berichtete die Zorbpresse am Montag.", "org/Die Zorbpresse");
    expect_resolved(&l.g, &l.de, "de", "Ein Zorbpresse-Bericht sorgte für Aufregung.", "org/Die Zorbpresse");
    expect_resolved(&l.g, &l.en, "en", "The minister told the Zorbstar he would stay.", "org/The Zorbstar");
    expect_resolved(&l.g, &l.en, "en", "According to the Zorbstar, the deal is off.", "org/The Zorbstar");
    expect_resolved(&l.g, &l.en, "en", "The Zorbstar reported that sales fell.", "org/The Zorbstar");
    /* No cue: no paper; the plain NAME counts anywhere. */
    expect_resolved(&l.g, &l.de, "de", "Die Zorbpresse ist ein Blatt aus Wien.", "org/Die Zorbpresse");
    expect_resolved(&l.g, &l.de, "de", "Die Freiheit der Zorbpresse ist ein hohes Gut.", "");
    expect_resolved(&l.g, &l.de, "de", "Im Zorbnews gibt es wenig Neues.", "");
    expect_resolved(&l.g, &l.en, "en", "The Zorbstar rose over the hills that night.", "");
    expect_resolved(&l.g, &l.en, "en", "He looked at the Zorbstar for a long time.", "");
    /* Not across a preposition, nor as a longer name's first word. */
    expect_resolved(&l.g, &l.de, "de", "Sie sagte in der Zorbpresse nach dem Krieg nichts.", "");
    expect_resolved(&l.g, &l.de, "de", "Das sagte Minister Quellmann der Zorbpresse am Montag.", "org/Die Zorbpresse");
    expect_resolved(&l.g, &l.en, "en", "It was said the Zorbstar Wars actor had left.", "");
    /* Not a later part of a word ("ET-News"). */
    expect_resolved(&l.g, &l.de, "de", "Laut ET-Zorbnews kommt das Gerät 2025.", "");
    /* The paper beside a place of the same words: the paper where the
     * text names one, the place elsewhere. */
    expect_resolved(&l.g, &l.de, "de", "Das berichtete die Tageszeitung Zorbland am Montag.", "org/Zorbland");
    expect_resolved(&l.g, &l.de, "de", "Er lebt seit Jahren in Zorbland und arbeitet dort.", "place/Zorbland");
    lists_free(&l);
}

/* In a sports report a nation's name is its team, no place, unless
 * something names the place; outside one it is a place. */
static void test_resolve_national_teams(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"place\tWales", GZ_MARK_NATION}, {"place\tEngland", GZ_MARK_NATION}, {"place\tItaly", GZ_MARK_NATION},
        {"place\tUnited States", GZ_MARK_NATION}, {"place\tNew Zealand", GZ_MARK_NATION},
        {"place\tCardiff", GZ_MARK_TOWN}, {"place\tGermany", GZ_MARK_NATION}, {"place\tSchweiz", GZ_MARK_NATION},
        {"place\tKatar", GZ_MARK_NATION}, {"place\tSpanien", GZ_MARK_NATION}, {"place\tÖsterreich", GZ_MARK_NATION},
        {"place\tFiji", GZ_MARK_NATION | GZ_MARK_TOWN}, {"place\tEurope", 0}, {"place\tScandinavia", 0},
        {"place\tRussia", GZ_MARK_NATION},
    };
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    /* The nationality rule asks the given names. */
    given_load("given_nations.txt", "brenda\njörg\n");
    static const struct {
        const char *lang, *text, *want;
    } cases[] = {
        {"en", "Wales beat England in the rugby match, and the England coach praised the striker and the scrum.", ""},
        {"en", "Wales have a new squad for the match against Italy, and the striker scored.", ""},
        {"en", "Wales and England agreed on new rules for the railways of Europe.",
         "place/Wales, place/England, place/Europe"},
        {"en", "The striker, who played in Italy, scored in the league match, and the Lions tour to New Zealand "
         "follows.", "place/Italy, place/New Zealand"},
        {"en", "The match in Cardiff, Wales, ended late, and the striker scored a goal.", "place/Cardiff, place/Wales"},
        {"en", "The football award went to Mia Hamm of the United States and the striker who scored most goals.",
         "place/United States"},
        {"en", "The football award went to Germany's Brenda Prinz and the striker who scored most goals.",
         "place/Germany"},
        {"en", "Germany's World Cup squad was named, and the captain of England and the striker scored in the match.",
         ""},
        {"en", "The referee was Paul Honiss (New Zealand), and the striker scored a goal in the match.",
         "place/New Zealand"},
        {"en", "He was named in the England squad for the match in Italy, and the striker scored.", "place/Italy"},
        {"en", "After their win in Cardiff, England face Italy, and the striker scored in the match.", "place/Cardiff"},
        {"en", "Clubs from Scandinavia, Russia and eastern Europe want the striker who scored in the match.",
         "place/Scandinavia, place/Russia, place/Europe"},
        {"de", "Österreichs Golfstar Jörg Wiesberger sah zu, der Stürmer erzielte ein Tor im Spiel der Liga.",
         "place/Österreich, person/Jörg Wiesberger"},
        {"de", "Wales – Der Stürmer erzielte ein Tor im Spiel der Liga, sagte der Trainer.", "place/Wales"},
        {"en", "Fiji won the rugby match, the striker scored and the scrum held.", ""},
        {"de", "Der Trainer trainierte die Mannschaft in Katar, Spanien und der Schweiz, der Stürmer erzielte ein Tor "
         "im Spiel der Liga.", "place/Katar, place/Spanien, place/Schweiz"},
        {"de", "Österreich gewann das Spiel der Meisterschaft, der Stürmer erzielte ein Tor für Österreich.", ""},
        /* A German genitive before a noun other than a team's or a
         * player's names the country. */
        {"de", "Österreichs Basketballmeister verlor das Spiel der Liga, der Stürmer erzielte kein Tor.",
         "place/Österreich"},
        {"de", "Österreichs Nationalteam verlor das Spiel der Liga, der Stürmer erzielte kein Tor.", ""},
        {"de", "Österreichs Top-Stürmer verlor das Spiel der Liga, der Stürmer des Gegners erzielte ein Tor.", ""},
        /* Plurals of the rounds are words of sport too. */
        {"en", "Wales and Italy meet in the semi-finals, after England lost in the quarter-finals of the rugby cup.",
         ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_resolved(&l.g, strcmp(cases[i].lang, "de") == 0 ? &l.de : &l.en, cases[i].lang, cases[i].text,
                        cases[i].want);
    given_drop();
    lists_free(&l);
}

/* A place right before an organisation's name, and "of PLACE" after it,
 * are part of the name, and not tagged as places there. */
static void test_heuristics_orgs_take_their_places(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"place\tSri Lanka", 0}, {"place\tIndia", 0}, {"place\tLos Angeles", 0},
                                               {"place\tLondon", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "The chairman of the Sri Lanka Banks Association met the minister on Monday.",
                    "org/Sri Lanka Banks Association");
    expect_resolved(&l.g, &l.en, "en", "A report by the Telecom Regulatory Authority of India was published on Monday.",
                    "org/Telecom Regulatory Authority of India");
    expect_resolved(&l.g, &l.en, "en", "The film won the prize of the Los Angeles Film Critics Association this year.",
                    "org/Los Angeles Film Critics Association");
    expect_resolved(&l.g, &l.en, "en", "The bank opened new offices in Sri Lanka and in India this year, it said.",
                    "place/Sri Lanka, place/India");
    /* A place after an organisation's word ends its name, in German text
     * too; no person of three name words. */
    expect_resolved(&l.g, &l.de, "de",
                    "Er hat sein Amt als Professor am University College London niedergelegt, hieß es. "
                    "Er lebt seit vielen Jahren mit seiner Familie in London und arbeitet dort.",
                    "place/London, org/University College London");
    expect_resolved(&l.g, &l.en, "en", "She studied at University College London for three years before she left.",
                    "org/University College London");
    lists_free(&l);
}

/* Public bodies with their towns: "University of Texas", "North Wales
 * Police", "Landesgericht Linz", "Universität Twente", "Wiener
 * Straflandesgericht"; the town is no place there, and the body alone is
 * no name. */
static void test_heuristics_public_bodies(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"place\tTexas", 0}, {"place\tWales", 0}, {"place\tLinz", 0},
                                               {"place\tWien", 0}, {"place\tSchweiz", 0}, {"place\tDeutschland", 0},
                                               {"place\tBasel", 0}, {"place\tCalifornia", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "Researchers at the University of Texas published the study on Monday.",
                    "org/University of Texas");
    expect_resolved(&l.g, &l.en, "en", "A spokesman for North Wales Police said the two men had been arrested.",
                    "org/North Wales Police");
    expect_resolved(&l.g, &l.en, "en", "The police in Wales said the two men had been arrested on Monday.",
                    "place/Wales");
    expect_resolved(&l.g, &l.de, "de", "Das Landesgericht Linz hat die Klage am Montag abgewiesen, hieß es.",
                    "org/Landesgericht Linz");
    expect_resolved(&l.g, &l.de, "de", "Forscher der Universität Twente haben die Studie am Montag vorgestellt.",
                    "org/Universität Twente");
    expect_resolved(&l.g, &l.de, "de", "Das Wiener Straflandesgericht hat den Fall am Montag verhandelt.",
                    "org/Wiener Straflandesgericht");
    expect_resolved(&l.g, &l.de, "de", "Das Landesgericht hat die Klage in Wien am Montag abgewiesen.", "place/Wien");
    /* Hospitals, parliaments and governments, the police and the fire
     * brigade of a land or town. */
    expect_resolved(&l.g, &l.de, "de", "Die Ärzte im Universitätsklinikum Linz haben am Montag operiert, hieß es.",
                    "org/Universitätsklinikum Linz");
    expect_resolved(&l.g, &l.de, "de", "Die Wiener Polizei und die Wiener Feuerwehr waren am Montag im Einsatz.",
                    "org/Wiener Polizei, org/Wiener Feuerwehr");
    expect_resolved(&l.g, &l.de, "de", "Der Landtag hat in Linz am Montag das Gesetz beschlossen, hieß es.",
                    "place/Linz");
    expect_resolved(&l.g, &l.de, "de", "Nachdem die Polizei Linz erreicht hatte, war am Montag alles ruhig.",
                    "place/Linz");
    expect_resolved(&l.g, &l.de, "de", "Die Ärzte im Krankenhaus Linz und im Spital Wien operierten am Montag.",
                    "org/Krankenhaus Linz, org/Spital Wien");
    expect_resolved(&l.g, &l.de, "de", "Der Landtag Linz und die Landesregierung Wien stritten am Montag lange.",
                    "org/Landtag Linz, org/Landesregierung Wien");
    /* Houses of the arts; the house alone is none. */
    expect_resolved(&l.g, &l.de, "de", "Die Schau im Kunsthaus Linz und im Landestheater Wien endet im Mai.",
                    "org/Kunsthaus Linz, org/Landestheater Wien");
    expect_resolved(&l.g, &l.de, "de", "Nach dem Theater fuhr sie am Montag wieder nach Linz zurück.", "place/Linz");
    expect_resolved(&l.g, &l.de, "de", "Die Schau des Kunsthauses Linz endet im Mai, hieß es am Montag.",
                    "org/Kunsthaus Linz");
    /* Not a figure of speech ("Sommertheater"), nor the museum alone before
     * a town, the verb's object as often. */
    expect_resolved(&l.g, &l.de, "de", "Das Wiener Sommertheater um den Haushalt geht am Montag weiter.", "");
    expect_resolved(&l.g, &l.de, "de", "Im Jahr 2019 verließ das Museum Linz und zog nach Wien.",
                    "place/Linz, place/Wien");
    /* A place before an organisation's head is its name's. */
    expect_resolved(&l.g, &l.en, "en", "She studied at the California Institute of Technology for four years.",
                    "org/California Institute of Technology");
    /* An acronym takes the places after it. */
    expect_resolved(&l.g, &l.de, "de", "Die Ärzte im AKH Linz haben den Patienten am Montag operiert.",
                    "org/AKH Linz");
    /* A place ends the name after "der" too. */
    expect_resolved(&l.g, &l.de, "de", "Forscher am Zoologischen Institut der Universität Basel haben das gezeigt.",
                    "org/Zoologisches Institut der Universität Basel");
    /* A genitive is no town of the body, nor "der" an "of". */
    expect_resolved(&l.g, &l.de, "de", "Er studierte lange an der ältesten Universität Deutschlands, sagte er.",
                    "place/Deutschland");
    expect_resolved(&l.g, &l.de, "de", "Die UBS ist seit vielen Jahren die größte Bank der Schweiz, hieß es.",
                    "place/Schweiz");
    /* German puts a court's object after it; "ein" makes a kind, no name. */
    expect_resolved(&l.g, &l.de, "de", "Am Freitag hat das Straflandesgericht Grasser zu acht Jahren Haft verurteilt.", "");
    expect_resolved(&l.g, &l.de, "de", "Der Koch servierte am Abend ein Thüringer Gericht mit Klößen.", "");
    /* A person after the body is no town of it. */
    expect_resolved(&l.g, &l.de, "de", "Am Montag hat die Staatsanwaltschaft Karl Maier in Linz angeklagt.",
                    "place/Linz");
    lists_free(&l);
}

/* Nouns of organisations around a name: after it in English ("Edge
 * magazine"), before it ("Spanish side Celta Vigo", "the band Kraftwerk");
 * not for "an Irish band", a head inside a name ("Band Aid") or the end of
 * a longer name ("BBC Sport website"). */
static void test_heuristics_org_nouns(void **state)
{
    (void)state;
    expect_heuristics("en", "The game was reviewed by Edge magazine, which liked it a lot.", "org/Edge");
    /* A name that ends in an organisation's word is one, also as a speaker. */
    expect_heuristics("en", "The Fabian Society said the plan would not work, on Monday.", "org/Fabian Society");
    expect_heuristics("en", "He worked at Quorblex Radio for years before he joined the team.", "org/Quorblex Radio");
    expect_heuristics("en", "The appeal by Zantrix Aid raised more money than it did last year.", "org/Zantrix Aid");
    expect_heuristics("en", "Many are turning away from TV, say analysts Zantrix Research, in a report.",
                      "org/Zantrix Research");
    /* An acronym's plural is a common noun: no rival's name. */
    expect_heuristics("en", "In the last few months many rival ISPs have begun to offer faster services.", "");
    expect_heuristics("de", "Das sagte ein Ingenieur vom Zantrix Research Center in der Stadt am Montag.",
                      "org/Zantrix Research Center");
    expect_heuristics("en", "Zorblan Quaxley said the plan would not work, on Monday.", "person/Zorblan Quaxley");
    expect_heuristics("en", "He moved to Spanish side Celta Vigo on a free transfer last summer.",
                      "org/Celta Vigo");
    expect_heuristics("en", "The show was opened by the band Kraftwerk on Friday night.", "org/Kraftwerk");
    expect_heuristics("en", "Shares in brewing giant Quorblex rose on Monday after the results.", "org/Quorblex");
    expect_heuristics("en", "A fresh battle between the firms and the Quorblex consortium is likely, he said.",
                      "org/Quorblex");
    expect_heuristics("en", "She has played for an Irish band in the past, she said.", "");
    /* A maker with a given name is a person; a German head is a noun,
     * capitalised ("verband" is a verb). */
    given_load("given_makers.txt", "peter\n");
    expect_heuristics("en", "Leading British games maker Peter Quorblex has been given an award.",
                      "person/Peter Quorblex");
    expect_heuristics("en", "Shares in drinks maker Quorblex rose on Monday after the results.", "org/Quorblex");
    expect_heuristics("en", "The study, conducted by consultancy Zorbic Zones, found that most came by train.",
                      "org/Zorbic Zones");
    expect_heuristics("en", "Peter Quorblex, founder of the consultancy, said so on Monday.", "person/Peter Quorblex");
    expect_heuristics("en", "A founder of the Zorbic consultancy Peter Quorblex agreed that it was time.",
                      "person/Peter Quorblex");
    given_drop();
    /* A provider, a paper, a fansite or a blogzine before a name is its
     * kind: "the regional paper Aarhus Stiftstidende". */
    expect_heuristics("en", "It was reported by the Danish regional paper Quorbic Zeitende on Monday.",
                      "org/Quorbic Zeitende");
    expect_heuristics("en", "It has been rolled out with wireless provider Zorbnet and the council.", "org/Zorbnet");
    expect_heuristics("en", "Writing in the culture blogzine Quorb Culture, he said it was good.", "org/Quorb Culture");
    expect_heuristics("en", "Film studio Zorbfox has bought the rights for around 4m dollars.", "org/Zorbfox");
    expect_heuristics("en", "Zorbton Financial said it could not yet assess the cost, on Monday.",
                      "org/Zorbton Financial");
    expect_heuristics("en", "Jobs will go at Quorbal Steel, one of the largest makers, this year.", "org/Quorbal Steel");
    expect_heuristics("de", "Das polnische Entwicklerstudio Zorbmind versetzt Spieler in die Hölle.", "org/Zorbmind");
    expect_heuristics("de", "Der Verkehr des US-Anbieters ZQI wurde am Standort Hilden überwacht.", "org/ZQI");
    /* Analysts, a club, a unit; a station on the air only. */
    expect_heuristics("en", "A previous prediction from analysts Zorbmonitor put the figure higher.",
                      "org/Zorbmonitor");
    expect_heuristics("en", "He is ready to play for Israeli club Hapoel Quorb Zorbnin in the cup.",
                      "org/Hapoel Quorb Zorbnin");
    expect_heuristics("en", "It is keen on buying a stake in oil unit Zorbneftegas this year.", "org/Zorbneftegas");
    expect_heuristics("en", "More than 45,000 people were surveyed by digital TV station Zorb Choice.",
                      "org/Zorb Choice");
    expect_heuristics("en", "The train left the station Quorbley had built in the old town.", "");
    expect_heuristics("de", "Die Astronauten an Bord der Raumstation Zorbstar kehrten am Montag zurück.", "");
    /* A duo, a trio, a collective; not a duo of people named by their
     * given names. */
    expect_heuristics("en", "Awards for US rap duo Zorbkast were expected on Sunday night.", "org/Zorbkast");
    expect_heuristics("en", "The Game was thrown out of the rap collective Q-Zorb, he said.", "org/Q-Zorb");
    given_load("given_duo.txt", "katia\nmarielle\n");
    expect_heuristics("de", "Das französische Klavierduo Katia und Marielle Zorbèque spielte am Abend.",
                      "person/Marielle Zorbèque");
    given_drop();
    expect_heuristics("de", "Mit ihm verband Zorbina Quellská eine kurze und wenig glückliche Ehe.", "");
    expect_heuristics("de", "Der Verband Zorbic Quell hat am Montag protestiert, hieß es.", "org/Zorbic Quell");
    /* A name in quotation marks after the noun, up to the closing mark. */
    expect_heuristics("de", "Die Internetzeitung „Zorbly NK“ in Südkorea meldete das am Montag.", "org/Zorbly NK");
    expect_heuristics("de", "Das meint die Autorin vom Finanzblog «Quorbalista» am Montag.", "org/Quorbalista");
    expect_heuristics("de", "Die Zeitung „schrieb“ am Montag nichts davon.", "");
    expect_heuristics("de", "Er spielte zuletzt zwei Jahre für den Klub Zorbic Quellandy, hieß es.",
                      "org/Zorbic Quellandy");
    /* Groups and movements, compounds too; not a tournament's group, a
     * kind after "ein", a person after the noun. */
    expect_heuristics("de", "Die Widerstandsgruppe Zorbidis gewann am Montag die Wahl, hieß es.",
                      "org/Zorbidis");
    expect_heuristics("de", "Die Mannschaft spielt in der Gruppe B gegen die Gastgeber, hieß es.", "");
    expect_heuristics("de", "Eine Gruppe Zorbaner kam am Montag in der Stadt an, hieß es.", "");
    given_load("given_groups.txt", "martin\n");
    expect_heuristics("de", "Gegen den Chef der Anti-Islam-Bewegung Martin Zorbička wird ermittelt, hieß es.",
                      "person/Martin Zorbička");
    given_drop();
    /* A winery, a private bank named by a family: the noun is the name's. */
    expect_heuristics("de", "Der Wein kommt vom Weingut Zorbmer in der Steiermark, hieß es am Montag.",
                      "org/Weingut Zorbmer");
    expect_heuristics("de", "Die Anteile hält das Bankhaus Zorbmer & Quell seit Jahren, hieß es.",
                      "org/Bankhaus Zorbmer & Quell");
    /* A firm's managers: the first part of "Zorbic-Manager"; not a job
     * named by an English word. */
    expect_heuristics("de", "Zwei frühere Zorbic-Manager stehen am Montag vor Gericht, hieß es.", "org/Zorbic");
    expect_heuristics("de", "Die Gesellschafter aus dem deutschen Zorbic-Konzern tagen am Montag.", "org/Zorbic");
    expect_heuristics("de", "Die Community-Managerin der Seite sagte am Montag, das sei richtig.", "");
    /* A party by the first part; before a name that part is its kind. */
    expect_heuristics("de", "Auch die zentristische Zorbami-Partei war gegen das Referendum, hieß es.",
                      "org/Zorbami");
    expect_heuristics("de", "Das sagte der Abgeordnete von der Zorbena-Partei Quexaq am Montag.", "org/Quexaq");
    /* A compound of a foundation's or a group's noun is the whole name;
     * not before a name, which it says what is. */
    expect_heuristics("de", "Die Zorbic-Privatstiftung hat am Montag die Anteile verkauft, hieß es.",
                      "org/Zorbic-Privatstiftung");
    expect_heuristics("de", "Er ist Chef der Zorbic-Lobbygruppe Quell Leave, hieß es am Montag.",
                      "org/Quell Leave");   /* the name of English words: since 0.8.20 */
    expect_heuristics("en", "The record of Band Aid sold well in the weeks before Christmas.", "org/Band Aid");
    expect_heuristics("de", "Das Nachrichtenportal Kotaku berichtete am Montag darüber.", "org/Kotaku");
    expect_heuristics("en", "On his website Smith wrote that the law was unfair to many.", "");
    expect_heuristics("en", "The British newspaper reported on Monday that the minister had quit.", "");
    expect_heuristics("en", "For charity Hughes ran the whole way from London to Leeds.", "");
    /* A title after "starred in", "his role in" is no place; a place after
     * "a star in" is. */
    expect_heuristics("en", "The actor starred in Finding Neverland and won an award for it last year.", "");
    expect_heuristics("en", "She was praised for her role in Closer by the critics of the newspapers.", "");
    expect_heuristics("en", "He had been a big star in Hollywood for many years before the war.", "place/Hollywood");
    /* Nor after a player's name and a word of acting a few words before;
     * a name before "in" alone leaves the place. */
    expect_heuristics("en", "She starred opposite Zorblax Quellmore in Qaxtonia and won an award for it.", "");
    expect_heuristics("en", "The minister stood against Zorblax Quellmore in Qaxtonia at the last election.",
                      "place/Qaxtonia");
    /* English words alone, capitalised, make a product's or a title's
     * name, unless after a holding. */
    expect_heuristics("en", "The patch fixes a hole in Media Player that was found by the experts.", "");
    expect_heuristics("en", "The group bought a stake in Tube Lines from its partners on Monday.", "org/Tube Lines");
}

/* English: a name before an organisation's office in lower case is the
 * organisation's; not a nationality's, a possessive's, a person's or a
 * longer name's. */
static void test_heuristics_org_before_office(void **state)
{
    (void)state;
    given_load("given_office.txt", "anna\nbill\n");
    expect_heuristics("en", "A Quorblex spokesman confirmed the deal to reporters on Monday.", "org/Quorblex");
    expect_heuristics("en", "Zantrix chief executive Anna Plumtree resigned after the talks on Monday.",
                      "org/Zantrix, person/Anna Plumtree");
    expect_heuristics("en", "The deal was welcomed by the Vellomar chairman at the meeting on Monday.", "org/Vellomar");
    expect_heuristics("en", "A Chinese spokesman confirmed the deal to reporters on Monday.", "");
    expect_heuristics("en", "The Blues boss praised the striker, whose goal won the league match.", "");
    expect_heuristics("en", "A Marsh spokeswoman confirmed the deal to reporters on Monday.", "org/Marsh");
    expect_heuristics("en", "Quorblex boss Anna Plumtree confirmed the deal to reporters on Monday.",
                      "org/Quorblex, person/Anna Plumtree");
    expect_heuristics("en", "It fits job growth, Zantrix chief economist Anna Plumtree said of the figures.",
                      "org/Zantrix, person/Anna Plumtree");
    expect_heuristics("en", "The figures surprised many, said Vellomar economist Bill Plumtree on Monday.",
                      "org/Vellomar, person/Bill Plumtree");
    /* One word alone is no person's, no given name, no party. */
    expect_heuristics("en", "A Kennedy spokesman confirmed the deal to reporters on Monday.", "");
    expect_heuristics("en", "A Bill spokesman confirmed the deal to reporters on Monday.", "");
    expect_heuristics("en", "The local Conservative chairman confirmed the deal on Monday.", "");
    expect_heuristics("en", "The Quorblex executive said the deal was done, reporters heard on Monday.", "");
    expect_heuristics("en", "Mr Quorblex's spokesman confirmed the deal to reporters on Monday.", "person/Quorblex");
    expect_heuristics("en", "The firm said Bill Plumtree spokesman of the group had left on Monday.",
                      "person/Bill Plumtree");
    given_drop();
}

/* Names joined by "&" are a firm's; not two people's, not two ordinary
 * words, not "& Co". */
static void test_heuristics_ampersand(void **state)
{
    (void)state;
    given_load("given_amp.txt", "sarah\nmichael\nbonnie\nclyde\n");
    expect_heuristics("en", "The group owns brands including Moet & Chandon champagne and many more of them.",
                      "org/Moet & Chandon");
    expect_heuristics("en", "Figures from Stone & McCarthy Research showed a fall in sales in the last month.",
                      "org/Stone & McCarthy Research");
    expect_heuristics("en", "The film about Bonnie & Clyde was shown on television again last night.", "");
    expect_heuristics("en", "The show was called Black & White and ran for many years on the channel.", "");
    expect_heuristics("de", "Die Agentur Merlicek & Bergmann gewann am Montag den Auftrag des Landes.",
                      "org/Merlicek & Bergmann");
    expect_heuristics("de", "Während in Minecraft & Co viele Spieler bauen, ist das hier ganz anders.", "");
    given_drop();
}

/* A web site named by its domain is an organisation, named as the
 * article first writes it; not a URL's host, an e-mail address's, a
 * "www." host or the "dot.com" boom. */
static void test_heuristics_web_domains(void **state)
{
    (void)state;
    expect_heuristics("de", "Wie golem.de am Montag berichtete, will auch Bild.de mehr Leser und bild.de bleibt gratis.",
                      "org/golem.de, org/Bild.de");
    expect_heuristics("en", "Figures from the site gamesindustry.biz showed that sales rose again last month.",
                      "org/gamesindustry.biz");
    expect_heuristics("en", "The photos at pic.twitter.com/abc were shared many times again last night.", "");
    expect_heuristics("en", "Readers can write to news@example.com with their views on the story.", "");
    expect_heuristics("en", "The page at www.example.org was updated with more details last night.", "");
    expect_heuristics("en", "The shares had risen fast during the dot.com boom of the late nineties.", "");
    expect_heuristics("en", "The file report.pdf was sent to every member of the board last night.", "");
    expect_heuristics("en", "The link http://golem.de was shared many times by readers last night.", "");
    expect_heuristics("en", "The site example.DE was shared many times by readers last night.", "");
    expect_heuristics("en", "Figures from the site example.info showed that sales rose again last month.",
                      "org/example.info");
    /* Not in a heading, nor where a link or an address mentions it first:
     * the first mention in prose is the one. */
    expect_heuristics("de", "Quelle: golem.de", "");
    expect_heuristics("de", "Mehr dazu unter golem.de/news heute. Wie golem.de am Montag berichtete, "
                      "will die Seite wachsen.", "org/golem.de");
    expect_heuristics("de", "Kontakt: redaktion@golem.de. Wie golem.de am Montag berichtete, will die Seite "
                      "wachsen.", "org/golem.de");
}

/* A peer is named with the title ("Lord Falconer"); after "Dame" the
 * name is the person's own; a peer's title after a comma opens a name
 * and says nothing of the words before it; "Lady" and "Baron" are no
 * titles here ("Lady Marmalade", "Sacha Baron Cohen"). */
static void test_heuristics_peerage_titles(void **state)
{
    (void)state;
    expect_heuristics("en", "The ruling was welcomed by Lord Falconer on Monday, the court heard.",
                      "person/Lord Falconer");
    expect_heuristics("en", "The film also stars Dame Zorblax Quell as the queen in the new version.",
                      "person/Zorblax Quell");
    expect_heuristics("en", "The Attorney General, Lord Goldsmith, has so far issued no instructions to police.",
                      "person/Lord Goldsmith");
    expect_heuristics("en", "The band recorded the hit track Lady Marmalade with other singers last year.", "");
    /* An office after a comma is a role of the name before it; a title
     * of its own and a firm are no peers. */
    expect_heuristics("en", "Zorblax Quellmore, Lord Chancellor, said the bill was fair to all of them.",
                      "person/Zorblax Quellmore");
    expect_heuristics("en", "The Princess Royal visited the new hospital in the town on Monday.", "");
    expect_heuristics("en", "The ship that Princess Cruises operates left the port on Monday morning.", "");
    expect_heuristics("en", "He ordered a cup of Earl Grey and a slice of cake in the cafe.", "");
    /* A member of a parliament and a treasurer by their titles. */
    expect_heuristics("en", "The event was held for Labour MP Zorblax Quellmore at the hall on Monday.",
                      "person/Zorblax Quellmore");
    expect_heuristics("en", "It is not slowing in any unreasonable way, said Treasurer Peter Quellmore.",
                      "person/Peter Quellmore");
    expect_heuristics("de", "Das sei ein guter Tag für die Region, sagte Landesrat Hans Quellmore am Montag.",
                      "person/Hans Quellmore");
    expect_heuristics("en", "The soldiers had done nothing wrong, said Colonel Zorblax Quellmore on Monday.",
                      "person/Zorblax Quellmore");
    /* An English sentence's first word that the lists lack, before a
     * given name and a surname: a descriptor, not the person's. */
    given_load("given_start.txt", "jason\nsarah\njessica\ngrant\tword\n");
    expect_heuristics("en", "Zorbflanker Jason Quellmore has also been suffering from a knee injury this week.",
                      "person/Jason Quellmore");
    /* Not a given name that is a word too: "Zorbresearch Grant" may be a
     * thing's name. */
    expect_heuristics("en", "Zorbresearch Grant Quellmore has also been suffering from a knee injury this week.",
                      "");
    expect_heuristics("en", "Sarah Jessica Quellmore has also been suffering from a knee injury this week.",
                      "person/Sarah Jessica Quellmore");
    given_drop();
}

/* German bodies by their short forms and the compounds in -amt: "Uni
 * Linz" (named as the Universität Linz it is), "TU Wien",
 * "Landeskriminalamt Stuttgart"; not the month "Juni" before a town. */
static void test_resolve_german_institutions(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"place\tLinz", GZ_MARK_TOWN}, {"place\tWien", GZ_MARK_TOWN},
                                               {"place\tGraz", GZ_MARK_TOWN}, {"place\tStuttgart", GZ_MARK_TOWN}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.de, "de", "Forscher der Uni Linz und der TU Wien haben das Verfahren am Montag "
                    "vorgestellt.", "org/Universität Linz, org/TU Wien");
    expect_resolved(&l.g, &l.de, "de", "Das Landeskriminalamt Stuttgart ermittelt in dem Fall, hieß es am Dienstag.",
                    "org/Landeskriminalamt Stuttgart");
    expect_resolved(&l.g, &l.de, "de", "Seit Juni Wien und Graz das Projekt planen, ist viel passiert, hieß es am "
                    "Montag.", "place/Wien, place/Graz");
    /* A body's noun in the genitive, named in the nominative. */
    expect_resolved(&l.g, &l.de, "de", "Teile des Urteils des Straflandesgerichts Linz wurden am Montag "
                    "aufgehoben.", "org/Straflandesgericht Linz");
    expect_resolved(&l.g, &l.de, "de", "Das sagte ein Sprecher des Universitätsklinikums Graz am Montag.",
                    "org/Universitätsklinikum Graz");
    /* A feminine noun has no genitive in -s: "Unis" is a plural. */
    expect_resolved(&l.g, &l.de, "de", "Die Technischen Unis Wien und Graz haben am Montag dagegen protestiert.",
                    "place/Wien, place/Graz");
    lists_free(&l);
    expect_heuristics("de", "Das sagte ein Sprecher des Klinikums Zorbing am Montag in einer Mitteilung.",
                      "org/Klinikum Zorbing");
    expect_heuristics("de", "Das Urteil des Zorbinger Landesgerichtes wurde am Montag bestätigt.",
                      "org/Zorbinger Landesgericht");
    /* The name's adjective takes the strong ending of the noun's gender. */
    expect_heuristics("de", "Das Gesetz des Zorbischen Landtags wurde am Montag beschlossen.",
                      "org/Zorbischer Landtag");
    expect_heuristics("de", "Die Ärzte des Zorbischen Spitals streikten am Montag den ganzen Tag.",
                      "org/Zorbisches Spital");
    expect_heuristics("de", "Die Ärzte des Zorbischen Klinikums streikten am Montag den ganzen Tag.",
                      "org/Zorbisches Klinikum");
    /* A genitive of another noun stays a noun. */
    expect_heuristics("de", "Das Haus des Zorbinger Bäckers wurde am Montag verkauft.", "");
}

/* Two given names joined by a hyphen are a given name; not one with a
 * part that is none, nor three parts. */
static void test_heuristics_hyphenated_given_names(void **state)
{
    (void)state;
    given_load("given_hyphen.txt", "karl\nmarkus\nanna\npeter\tword en\n");
    expect_heuristics("de", "Das Buch hat Karl-Markus Zorbinger im Frühjahr geschrieben, sagte der Verlag.",
                      "person/Karl-Markus Zorbinger");
    expect_heuristics("de", "Das Buch hat Peter-Anna Zorbinger im Frühjahr geschrieben, sagte der Verlag.",
                      "person/Peter-Anna Zorbinger");
    expect_heuristics("de", "Das Buch hat Karl-Zorbing Quellmann im Frühjahr geschrieben, sagte der Verlag.", "");
    expect_heuristics("de", "Das Buch hat Karl-Anna-Markus Zorbinger im Frühjahr geschrieben, sagte der Verlag.", "");
    expect_heuristics("de", "Das Buch hat Zorb-Markus Quellmann im Frühjahr geschrieben, sagte der Verlag.", "");
    given_drop();
    /* Two names that are words too are one that is a word: a name word
     * must follow. */
    given_load("given_hyphen2.txt", "april\tword\naugust\tword\n");
    expect_heuristics("de", "Die Zahlen stiegen im April-August Zeitraum deutlich an, sagte er am Montag.", "");
    expect_heuristics("de", "Die Zahlen stiegen, sagte April-August Zorbinger am Montag in Wien.",
                      "person/April-August Zorbinger");
    given_drop();
}

/* A former holder's role before a name: "Expremier", "Exkanzlerin". */
static void test_heuristics_former_roles(void **state)
{
    (void)state;
    expect_heuristics("de", "Die Partei von Expremier Zorbo Quellmann ist dagegen, sagte er am Montag.",
                      "person/Zorbo Quellmann");
    expect_heuristics("de", "Die Partei von Exkanzlerin Zorba Quellmann ist dagegen, sagte er am Montag.",
                      "person/Zorba Quellmann");
    expect_heuristics("de", "Der Vizepremier Zorbo Quellmann sagte am Montag, das sei falsch.",
                      "person/Zorbo Quellmann");
    /* "Ex" opens other words too. */
    expect_heuristics("de", "Die Firma Expresso Quellmann ist dagegen, sagte er am Montag.", "org/Expresso Quellmann");
}

/* English organisations: a descriptor in capitals before the name inside
 * a sentence is the name's ("the International Zorbic Federation"), not
 * at the sentence's start, where any word has a capital; a second "of"
 * goes on with it; a paper's noun after a place makes the paper ("the
 * Zorbton Chronicle"). */
static void test_heuristics_org_left_words(void **state)
{
    (void)state;
    expect_heuristics("en", "The International Zorbic Federation said on Monday it would look into it.",
                      "org/International Zorbic Federation");
    expect_heuristics("en", "The deal was signed by Global Zorbic Technologies on Monday in the city.",
                      "org/Global Zorbic Technologies");
    expect_heuristics("en", "International Zorbic Federation officials said on Monday it would look into it.",
                      "org/Zorbic Federation");
    /* A second "of" goes on with the name, before capitalised words. */
    expect_heuristics("en", "The Association of Zorbic Directors of Quell Services agreed on Monday, he said.",
                      "org/Association of Zorbic Directors of Quell Services");
    expect_heuristics("en", "The Association of Zorbic Directors of the region agreed on Monday, he said.",
                      "org/Association of Zorbic Directors");
    expect_heuristics("en", "The Association of Zorbic Directors of Quell Bryn Cold Services agreed, he said.",
                      "org/Association of Zorbic Directors");
    struct lists l;
    static const struct marked_line lines[] = {{"place\tZorbton", GZ_MARK_TOWN}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "The Zorbton Chronicle reported on Monday that the plan was dropped.",
                    "org/Zorbton Chronicle");
    expect_resolved(&l.g, &l.en, "en", "The Zorbton Examiner reported on Monday that the plan was dropped.",
                    "org/Zorbton Examiner");
    lists_free(&l);
}

/* German given names: after "an" (a preposition, not the English
 * article); a surname that reads as a compound ("Schrader": Ader) after a
 * given name that is also a word; not a surname ngerman lists itself
 * ("Binder") after one; a genitive s cut before its noun. */
static void test_heuristics_german_given_names(void **state)
{
    (void)state;
    given_load("given_de.txt", "ewald\nmaria\tword\npeter\tword\n");
    expect_heuristics("de", "Die Mandate gehen an Ewald Lindinger und an die Partei, hieß es am Montag.",
                      "person/Ewald Lindinger");
    expect_heuristics("de", "Er trifft dort etwa Maria Schrader in der neuen Serie am Abend.", "person/Maria Schrader");
    expect_heuristics("de", "Er trifft dort etwa Peter Binder in der neuen Serie am Abend.", "");
    /* A genitive s before the noun it governs goes; a name of the
     * English word list keeps its s. */
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Lindingers Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Lindinger");
    expect_heuristics("de", "Er wurde als Weltmeister zusammen mit Ewald Wiggins Platz vier im Madison.",
                      "person/Ewald Wiggins");
    /* Not before a role said of the name, nor after an e ("Haynes"). */
    expect_heuristics("de", "Als Ewald Hummels Kapitän wurde, änderte sich in der Mannschaft sehr viel.",
                      "person/Ewald Hummels");
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Lindinges Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Lindinges");
    /* After y it goes ("Tom McCarthys Film"), not after another vowel
     * ("Alexis Tsipras", "Klaus Iohannis", "Columbus"); an adjective
     * after the name is no sign. */
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Lindingerys Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Lindingery");
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Lindingeris Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Lindingeris");
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Lindingeras Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Lindingeras");
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Lindingerus Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Lindingerus");
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Lindingers neues Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Lindingers");
    expect_heuristics("de", "Am Ende wird wohl Ewald Lindingers gewinnen, hieß es am Montag in Wien.",
                      "person/Ewald Lindingers");
    expect_heuristics("de", "Vor der Wahl hat Ewald Lindingers erklärte, er werde im Amt bleiben.",
                      "person/Ewald Lindingers");
    expect_heuristics("de", "Gespielt wird auch Ewald Lindingers Klavierkonzert. Lindingers kam selbst nach Wien.",
                      "person/Ewald Lindingers");
    /* A noun after a given name and a surname is no part of the name;
     * after two given names or an initial it is. */
    expect_heuristics("de", "Mit dem Plan löste Stadträtin Ewald Wehsely Empörung aus, hieß es am Montag.",
                      "person/Ewald Wehsely");
    expect_heuristics("de", "Mit dem Plan löste Stadträtin Ewald Maria Empörung aus, hieß es am Montag.",
                      "person/Ewald Maria Empörung");
    expect_heuristics("de", "Mit dem Plan löste Stadträtin Ewald W. Empörung aus, hieß es am Montag.",
                      "person/Ewald W. Empörung");
    expect_heuristics("de", "Am Montag sprach Ewald Kramp Karrenbauer in Saarbrücken vor vielen Anhängern.",
                      "person/Ewald Kramp Karrenbauer");
    /* A surname that is a German noun loses its genitive's s ("Fischers"),
     * one that is a word with its s keeps it ("Fuchs"); so do names in
     * -ams and -ais. */
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Fischers Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Fischer");
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Fuchs Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Fuchs");
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Knirps Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Knirps");
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Lindams Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Lindams");
    expect_heuristics("de", "Gespielt wird am Abend auch Ewald Lindais Klavierkonzert für zwei Klaviere.",
                      "person/Ewald Lindais");
    given_drop();
}

/* German names after "in", "aus", "nahe" that no list has are places;
 * not a noun ngerman lists or that ends in one, an English word, a
 * dative plural or a cut compound. */
static void test_heuristics_german_places(void **state)
{
    (void)state;
    expect_heuristics("de", "Der Tennisspieler stammt aus Lichtenwörth, wie am Montag bekannt wurde.",
                      "place/Lichtenwörth");
    expect_heuristics("de", "Die Häftlinge wurden damals in Mauthausen ermordet, hieß es am Montag.",
                      "place/Mauthausen");
    expect_heuristics("de", "Das neue Gesetz tritt am Montag in Kraft, hieß es in einer Aussendung.", "");
    expect_heuristics("de", "Die Männer waren seit Wochen in Geiselhaft, hieß es am Montag in einer Aussendung.", "");
    expect_heuristics("de", "Die Firma investiert stark in Big Data, hieß es am Montag in einer Aussendung.", "");
    expect_heuristics("de", "Die Kinder lernen in Koranschulen, hieß es am Montag in einer Aussendung.", "");
    expect_heuristics("de", "Die Menschen flohen aus Krisen- und Kriegsgebieten, hieß es am Montag.", "");
}

/* Organisations named by a noun of one: its end ("Los Alamos National
 * Laboratory", "Columbia Pictures", not a person), "HEAD of/für NAME" with
 * German adjectives, "und" and a genitive brought to the nominative, and
 * a German name adjective before such a noun; not "im Zentrum der Stadt"
 * (a genitive after a head that names only with "für"), nor a generic
 * adjective with "ein". */
static void test_heuristics_org_words_and_heads(void **state)
{
    (void)state;
    expect_heuristics("en", "Scientists at the Los Alamos National Laboratory said on Tuesday that the work was slow.",
                      "org/Los Alamos National Laboratory");
    expect_heuristics("en", "A survey by the Pew Research Center found that most people read news online.",
                      "org/Pew Research Center");
    expect_heuristics("en", "The film was made by Columbia Pictures and shown in cinemas last year.",
                      "org/Columbia Pictures");
    expect_heuristics("en", "The works were lent by the Museum of Modern Art for the whole summer.",
                      "org/Museum of Modern Art");
    expect_heuristics("en", "Writing in the journal Nature, the team said the chip was much faster than before.",
                      "org/Nature");
    expect_heuristics("de", "Die Ergebnisse erschienen in der Fachzeitschrift Current Biology, hieß es am Montag.",
                      "org/Current Biology");
    expect_heuristics("de", "Die Zentralanstalt für Meteorologie und Geodynamik warnte am Montag vor Regen.",
                      "org/Zentralanstalt für Meteorologie und Geodynamik");
    expect_heuristics("de", "Die Studie stammt vom Deutschen Zentrum für Luft- und Raumfahrt, hieß es am Montag.",
                      "org/Deutsches Zentrum für Luft- und Raumfahrt");
    expect_heuristics("de", "Forscher des Europäischen Zentrums für erneuerbare Energie arbeiten seit Jahren daran.",
                      "org/Europäisches Zentrum für erneuerbare Energie");
    expect_heuristics("de", "Nach Angaben des Bundesinstituts für Bildungsforschung schnitten die Schüler besser ab.",
                      "org/Bundesinstitut für Bildungsforschung");
    /* An association by its members: an adjective in the genitive
     * plural and their noun (two with "und"); not one of many, nor an
     * adverb after the head. */
    expect_heuristics("de", "Die Gesellschaft Deutscher Chemiker vergab den Preis am Montag zum ersten Mal.",
                      "org/Gesellschaft Deutscher Chemiker");
    expect_heuristics("de", "Der Präsident des Verbandes Österreichischer Zeitungen sprach am Montag von einem Erfolg.",
                      "org/Verband Österreichischer Zeitungen");
    expect_heuristics("de", "Der Verband forschender Arzneimittelhersteller hat am Montag davor gewarnt.",
                      "org/Verband forschender Arzneimittelhersteller");
    expect_heuristics("de", "Der Zentralrat Deutscher Sinti und Roma hat am Montag davor gewarnt.",
                      "org/Zentralrat Deutscher Sinti und Roma");
    expect_heuristics("de", "Die Vereinigung Österreichischer Industrieller kritisiert die Reform am Montag scharf.",
                      "org/Vereinigung Österreichischer Industrieller");
    expect_heuristics("de", "Ein Verband forschender Unternehmer hat am Montag davor gewarnt.", "");
    /* A Vereinigung names a body as Verband does, with "für" too and as
     * a compound's end; reunification is none; a body's "für" after it
     * may be a verb's ("dankte dem Jüdischen Museum für die ..."). */
    expect_heuristics("de", "Die Österreichische Richtervereinigung kritisiert die Reform am Montag scharf.",
                      "org/Österreichische Richtervereinigung");
    expect_heuristics("de", "Die Deutsche Schutzvereinigung für Wertpapierbesitz kritisiert den Vorstand am Montag.",
                      "org/Deutsche Schutzvereinigung für Wertpapierbesitz");
    /* After "für" a genitive of one noun goes on with the name; not a
     * town's, a land's or another body's. */
    expect_heuristics("de", "Das Institut für Geschichte der Medizin hat am Montag eine Studie vorgelegt.",
                      "org/Institut für Geschichte der Medizin");
    expect_heuristics("de", "Die Kommission für Umwelt der Stadt hat am Montag lange getagt.",
                      "org/Kommission für Umwelt");
    expect_heuristics("de", "Seit der Wiedervereinigung hat sich die Stadt am Montag stark verändert.", "");
    expect_heuristics("de", "Sie dankte dem Jüdischen Museum für die Unterstützung am Montag sehr.",
                      "org/Jüdisches Museum");
    expect_heuristics("de", "Am Montag hat der Verein wieder Geld für die Jugend gesammelt.", "");
    expect_heuristics("de", "Am Montag hat der Europäische Gerichtshof das Urteil für viele überraschend gefällt.",
                      "org/Europäischer Gerichtshof");
    expect_heuristics("de", "Die Handschrift liegt seit Jahrhunderten in der Vatikanischen Bibliothek, sagte er.",
                      "org/Vatikanische Bibliothek");
    /* An adjective the word lists lack reads as a name word: the
     * sequence it begins is cited in the nominative too. */
    expect_heuristics("de", "Die Ausstellung im Naturhistorischen Museum wurde am Montag feierlich er\xC3\xB6" "ffnet.",
                      "org/Naturhistorisches Museum");
    expect_heuristics("de", "Das Gutachten des Zorbischen Museums wurde am Montag in der Stadt vorgestellt.",
                      "org/Zorbisches Museum");
    /* Two name adjectives, in the nominative both. */
    expect_heuristics("de", "Forscher des Deutschen Archäologischen Instituts haben am Montag den Tempel entdeckt.",
                      "org/Deutsches Archäologisches Institut");
    /* A list of fields after für, of or for; not one of bodies, nor a
     * person in apposition, nor one that goes on in capitals. */
    expect_heuristics("de", "Das Ministerium für Umwelt, Energie und Klimaschutz legte am Montag den Plan vor.",
                      "org/Ministerium für Umwelt, Energie und Klimaschutz");
    given_load("given_de.txt", "anna\npeter\n");
    expect_heuristics("de", "Laut dem Ministerium für Inneres, Peter Müller und Anna Huber, ist alles in Ordnung.",
                      "org/Ministerium für Inneres, person/Peter Müller, person/Anna Huber");
    given_drop();
    expect_heuristics("en", "The Ministry of Economy, Trade and Industry said on Monday that exports had fallen.",
                      "org/Ministry of Economy, Trade and Industry");
    expect_heuristics("en", "A spokesman for the Department for Environment, Food and Rural Affairs said so.",
                      "org/Department for Environment, Food and Rural Affairs");
    expect_heuristics("en", "The Institute of Directors, Shell and BP said on Monday that it was good news.",
                      "org/Institute of Directors");
    expect_heuristics("en", "The Department of Health, Welfare and Sport Minister spoke to them on Monday.",
                      "org/Department of Health");
    expect_heuristics("de", "Das Ministerium für Umwelt, Energie oder Klimaschutz legte am Montag den Plan vor.",
                      "org/Ministerium für Umwelt");
    /* In German only after für: "der Industrie, Energie und ..." goes on
     * with the sentence. */
    expect_heuristics("de", "Laut dem Verband der Industrie, Energie und Verkehr seien die Preise gestiegen.",
                      "org/Verband der Industrie");
    expect_heuristics("de", "Forscher des Deutschen Archäologischen Zentrums für Forschung haben den Tempel entdeckt.",
                      "org/Deutsches Archäologisches Zentrum für Forschung");
    expect_heuristics("en", "The Ministry of Finance, Godongwana and Mboweni agreed on Monday to cut the budget.",
                      "org/Ministry of Finance, org/Godongwana, org/Mboweni");
    /* International and Global belong to an English "X of Y". */
    expect_heuristics("en", "The International Federation of Phonographic Industry said sales had fallen again.",
                      "org/International Federation of Phonographic Industry");
    expect_heuristics("en", "A spokesman for the Company Association of Brewers said sales had fallen again.",
                      "org/Association of Brewers");
    expect_heuristics("de", "Im Zentrum der Stadt staute sich am Abend der Verkehr bis weit nach Mitternacht.", "");
    expect_heuristics("de", "Das Amt des Präsidenten ist nach der Wahl am Sonntag wieder frei geworden.", "");
    expect_heuristics("de", "Er gründete damals eine Chinesische Bank mit drei Freunden aus der Schule.", "");
    /* A possessive after the genitive does not cut into the text's bytes
     * (the tag must stay UTF-8); a surname before the head stays one. */
    expect_heuristics("de", "Nach Zahlen des Bundesamtes’s für Statistik stiegen die Preise im Mai stark.",
                      "org/Bundesamt für Statistik");
    expect_heuristics("de", "Ein Sprecher des Umweltministeriums’s bestätigte den Bericht am Montag in Wien.",
                      "org/Umweltministerium");
    expect_heuristics("de", "Forscher des Fischer Instituts für Politik haben die Studie am Montag erstellt.",
                      "org/Fischer Institut für Politik");
    /* One of a kind, or an ordinary compound, is no name. */
    expect_heuristics("de", "Die Stadt plant ein neues Zentrum für Flüchtlinge am Rand der Altstadt.", "");
    expect_heuristics("de", "Er studiert seit dem Herbst Lehramt für Mathematik und Physik in der Stadt.", "");
    expect_heuristics("de", "Die Familie legte damals einen Vorrat für Notfälle im Keller des Hauses an.", "");
    /* "and" does not take a speaker into the name. */
    expect_heuristics("en", "A survey by the Institute of Directors and Bob Smith said the plan would fail.",
                      "org/Institute of Directors");
    /* "and" and a generic company word inside "HEAD of NAME". */
    expect_heuristics("en", "She studied at the California Institute of Technology for four years, she said.",
                      "org/California Institute of Technology");
    expect_heuristics("en", "The prize is given by the Academy of Film and Television Arts each year in spring.",
                      "org/Academy of Film and Television Arts");
    /* "for the" as "of the"; a name that reads on past what the rule
     * takes is none of those words ("Deputy Prime Minister"). */
    expect_heuristics("en", "The Joint Council for the Welfare of Immigrants said the plan was unfair.",
                      "org/Joint Council for the Welfare of Immigrants");
    expect_heuristics("en", "A letter from the Office for the Deputy Prime Minister came on Monday.", "");
    expect_heuristics("en", "The Centre for the Study of Terrorism and Political Violence said so on Monday.", "");
    /* A purpose and its object, not a capitalised noun alone. */
    expect_heuristics("en", "The chairman of the Council for the Games resigned on Monday, they said.", "");
    /* Acronyms: an organisation's, with the name words after it; not one
     * the article spells out, one of two capitals ("KI"), a unit's after a number,
     * nor a country's code in brackets. */
    expect_heuristics("de", "Der VKI hat die Versicherung am Montag wegen der Klauseln geklagt.", "org/VKI");
    expect_heuristics("de", "Die Linzer haben am Dienstag gegen TPS Turku in der Verlängerung verloren.", "");
    expect_heuristics("en", "Figures of the Mobile Data Association showed a rise, and the MDA expects more.",
                      "org/Mobile Data Association");
    expect_heuristics("de", "Der Verein für Konsumenteninformation (VKI) hat geklagt. Der VKI fordert nun mehr Geld.",
                      "org/Verein für Konsumenteninformation");
    expect_heuristics("de", "Die Firma setzt bei der Entwicklung neuer Produkte stark auf KI und Daten.", "");
    expect_heuristics("de", "Das neue Kraftwerk wird am Ende rund 400 QRT im Jahr liefern, hieß es.", "");
    expect_heuristics("de", "Im Riesentorlauf gewann am Sonntag Zorblax (QRZ) vor allen anderen Läufern.", "");
    /* Nor one of a thing by the noun beside it. */
    expect_heuristics("de", "Das zeigte eine Umfrage, die auf der Automesse QAZ am Mittwoch vorgestellt wurde.", "");
    expect_heuristics("de", "Im System kommt eine neue Version des Toolkits QTZ zum Einsatz, hieß es.", "");
    expect_heuristics("en", "The first car based on the new QZB platform is expected next year, they said.", "");
    expect_heuristics("en", "The firm said the XQZ software would be installed on all machines next year.",
                      "org/XQZ");
    /* A ministry by its field; not the ministry alone. */
    expect_heuristics("de", "Ein Sprecher des Umweltministeriums bestätigte den Bericht am Montag in Wien.",
                      "org/Umweltministerium");
    expect_heuristics("de", "Ein Sprecher vom Bundesministerium bestätigte den Bericht am Montag in Wien.", "");
    /* Other bodies one of a kind by their compound: a commission by its
     * task, a chamber of a profession, a criminal police office; not one
     * of many, another chamber, nor the head alone. */
    expect_heuristics("de", "Das sei zu wenig, teilte die Pensionskommission am Montag in Wien mit.",
                      "org/Pensionskommission");
    expect_heuristics("de", "Das sei zu wenig, teilte die Ärztekammer am Montag in Wien mit.", "org/Ärztekammer");
    expect_heuristics("de", "Er wurde am Montag von Beamten des Landeskriminalamts in Wien befragt.",
                      "org/Landeskriminalamt");
    expect_heuristics("de", "Das prüfe nun eine Expertenkommission, hieß es am Montag in Wien.", "");
    expect_heuristics("de", "Die Forscher öffneten am Montag die Grabkammer des Pharaos in Luxor.", "place/Luxor");
    expect_heuristics("de", "Das sei zu wenig, teilte die Kommission am Montag in Wien mit.", "");
    expect_heuristics("de", "Die Vorschläge kommen vom Bundeskriminalamt in Wiesbaden, hieß es.", "org/Bundeskriminalamt");
}

/* The line-ups of a match report, with line_ups = true: every name a
 * person, substitutes in brackets too, a club in brackets not, an initial the text layer split
 * from its dot left out ("Ch. Leitgeb"); a list in another story or one
 * that runs into prose is none. */
static void test_heuristics_line_ups(void **state)
{
    (void)state;
    const char *report = "Everton beat the league leaders, and their striker scored the only goal of the match. ";
    char text[1024];
    snprintf(text, sizeof text, "%s%s", report,
             "Everton: Martyn, Hibbert, Yobo (Weir 80), Stubbs, Phil Neville. Subs: Wright, Pistone.");
    expect_heuristics_with(HEUR_LINE_UP_PEOPLE, "en", text, "person/Martyn, person/Hibbert, person/Yobo, person/Weir, "
                           "person/Stubbs, person/Phil Neville, person/Wright, person/Pistone");
    /* By default (line_ups = false) a team sheet gives no one ... */
    expect_heuristics("en", text, "");
    /* ... but the players the text names outside it: in full, with the
     * given name the text puts before the sheet's word ("Michael Esser",
     * though Esser, eater, is a German noun) or the rest of the name after
     * it ("Hwang Qaxo-ri"), or that word alone when it is no ordinary word
     * ("Zorblak traf"). */
    given_load("given.txt", "michael\n");
    expect_heuristics("de", "Der Stürmer erzielte in der Bundesliga beim Heimspiel ein Tor. Eine Chance wurde von "
                            "Sturm-Goalie Michael Esser zunichtegemacht. Zorblak traf zum 1:0. Dann vergab Hwang Qaxo-ri. "
                            "Sturm: Esser – Kayhan, Zorblak, Spendlhofer, Avlonitis (74. Hwang)",
                      "person/Michael Esser, person/Zorblak, person/Hwang Qaxo-ri");
    given_drop();
    snprintf(text, sizeof text, "%s%s", report, "Coyne (Burnley), Jones (Wolves), Page (Cardiff), Ricketts (Swansea).");
    expect_heuristics_with(HEUR_LINE_UP_PEOPLE, "en", text, "person/Coyne, person/Jones, person/Page, person/Ricketts");
    /* Not in a story on anything else, nor where the list runs into prose. */
    expect_heuristics_with(HEUR_LINE_UP_PEOPLE, "en",
                           "The board met on Monday. Present: Martyn, Hibbert, Yobo, Stubbs, Naysmith.", "");
    snprintf(text, sizeof text, "%s%s", report, "Martyn, Hibbert, Yobo and Stubbs all played well on Saturday.");
    expect_heuristics_with(HEUR_LINE_UP_PEOPLE, "en", text, "");
    /* A line ends a name and its list. */
    snprintf(text, sizeof text, "%s%s", report, "Everton: Martyn, Hibbert, Yobo, Stubbs\nZorbton City won 2-1.");
    expect_heuristics_with(HEUR_LINE_UP_PEOPLE, "en", text, "person/Martyn, person/Hibbert, person/Yobo, person/Stubbs");
    expect_heuristics_with(HEUR_LINE_UP_PEOPLE, "de", "Der Stürmer erzielte in der Bundesliga beim Heimspiel ein Tor. "
                            "Salzburg: Walke – Schwegler, Miranda, Ulmer – Ch. Leitgeb, Keita (74. Bajrami) "
                            "Ersatz: Lainer, Atanga",
                      "person/Walke, person/Schwegler, person/Miranda, person/Ulmer, person/Leitgeb, "
                      "person/Keita, person/Bajrami, person/Lainer, person/Atanga");
}

/* A list of organisations makes the unknown names in it organisations:
 * closed by "and", "or", "und", "oder", "sowie" or "and others"; not a
 * list without its conjunction, an ordinary English word, a modifier. */
static void test_heuristics_org_lists(void **state)
{
    (void)state;
    expect_heuristics("en", "Shares of Zorbatel Inc., Qlarion and Vextor fell sharply on Monday.",
                      "org/Zorbatel, org/Qlarion, org/Vextor");
    expect_heuristics("en", "Players from Zorbatel Inc., Qlarion, Vextor and others sold well last year.",
                      "org/Zorbatel, org/Qlarion, org/Vextor");
    expect_heuristics("de", "Bei der Zorbatel AG, Qlarion und Co wurde am Montag viel verkauft.",
                      "org/Zorbatel, org/Qlarion");
    /* No conjunction: an apposition, a heading. */
    expect_heuristics("en", "The chief of Zorbatel Inc., Qlarion, said the shares fell on Monday.", "org/Zorbatel");
    /* An ordinary English word alone ("Labour and Conservative
     * governments"). */
    expect_heuristics("en", "The chief of Zorbatel Inc. and Trade said the shares fell on Monday.", "org/Zorbatel");
    /* A person in the list makes it a list of anything, however long. */
    given_load("given.txt", "bill\n");
    expect_heuristics("en", "Shares of Zorbatel Inc., Bill Zorbly and Qlarion fell sharply on Monday.",
                      "org/Zorbatel, person/Bill Zorbly");
    char text[1024] = "Bill Zorbly";
    for (int i = 0; i < 18; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), ", Qax%cor", 'a' + i);
    snprintf(text + strlen(text), sizeof text - strlen(text), ", Zorbatel Inc., Zorbix and Quxlo were there.");
    expect_heuristics("en", text, "org/Zorbatel, person/Bill Zorbly");
    given_drop();
    /* Two names after a noun may be two clauses. */
    expect_heuristics("en", "Zorbatel Inc. unveiled its phone Qlarion and Vextor is working on one.", "org/Zorbatel");
}

/* An organisation in apposition: the name, a comma, an article and a
 * noun of organisations; not a person's apposition, not a German relative
 * clause. */
static void test_heuristics_org_apposition(void **state)
{
    (void)state;
    expect_heuristics("en", "A spokesman for Quintaro, the Dutch carmaker, said sales rose in March.", "org/Quintaro");
    expect_heuristics("en", "The deal was done by Zorblan, a small software company, on Monday.", "org/Zorblan");
    expect_heuristics("en", "Qaxo, one of the biggest software firms of its kind, said sales rose in March.", "org/Qaxo");
    expect_heuristics("de", "Die Mitarbeiter von Zorblan, einem kleinen Softwarekonzern, streiken seit Montag.", "");
    expect_heuristics("de", "Zorblan, ein kleiner Softwarekonzern aus Delft, hat am Montag neue Pläne vorgestellt.",
                      "place/Delft, org/Zorblan");
    /* A person's: a role after the noun, a possessive, "of". */
    expect_heuristics("en", "The deal was criticised by Qaxo, a former bank manager, on Monday.", "");
    expect_heuristics("en", "The deal was criticised by Qaxo, the company's founder, on Monday.", "person/Qaxo");
    expect_heuristics("en", "The deal was criticised by Qaxo, a member of the band, on Monday.", "");
    expect_heuristics("de", "Es ist ein Qaxo, das ein Unternehmen gründet, wie am Montag bekannt wurde.", "");
    /* A possessive on the way; a quantity ("a group of islands"). */
    expect_heuristics("en", "The album was made by Qaxo, the firm's network engineer, on Monday.", "");
    expect_heuristics("en", "The boat reached Zorbatu, a group of islands in the Pacific, on Monday.", "");
}

/* A surname's particles go on the name ("di Canio", "de Vabres", in
 * English "von Trier"); German "von" is a preposition ("Joachim Feher von
 * der Zorbcom"). */
static void test_heuristics_name_particles(void **state)
{
    (void)state;
    given_load("given.txt", "paolo\nrenaud\nlars\njoachim\npeter\nabdul\n");
    expect_heuristics("en", "On Monday the striker Paolo di Canio said he would stay.", "person/Paolo di Canio");
    expect_heuristics("en", "Yesterday Paolo di Canio scored twice for his club.", "person/Paolo di Canio");
    /* Not across a line. */
    expect_heuristics("en", "Yesterday we met with Peter Zorbek\nvan Quaxel was there too on Monday.",
                      "person/Peter Zorbek");
    expect_heuristics("en", "The minister, Renaud Donnedieu de Vabres, said he would stay.",
                      "person/Renaud Donnedieu de Vabres");
    expect_heuristics("en", "On Monday the director Lars von Trier said he would stay.", "person/Lars von Trier");
    expect_heuristics("de", "Das sagte Joachim Feher von der Zorbcom am Montag in einem Interview.",
                      "person/Joachim Feher");
    /* The Arabic article, one word with the surname: "al-Quarni". */
    expect_heuristics("de", "Der Kommandeur Abdul Zorbar al-Quarni wurde am Montag getötet, hieß es.",
                      "person/Abdul Zorbar al-Quarni");
    expect_heuristics("en", "The strike on Monday hit al-Quarni, a town in the north, officials said.", "");
    expect_heuristics("en", "On Monday Abdul Zorbar bin al-Quarni said he would stay.",
                      "person/Abdul Zorbar bin al-Quarni");
    given_drop();
}

/* A given name that is also a word ("Matt", "Mike") or "Will" inside a
 * sentence, before a surname: a person, also over a listed town
 * ("Dawson"); a surname that is a month ("May") after a given name. */
static void test_resolve_given_names_that_are_words(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"place	Dawson", GZ_MARK_TOWN}, {"place	Leigh", GZ_MARK_TOWN},
                                               {"place	Jordan", GZ_MARK_NATION}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    given_load("given_words.txt", "matt\tword\nmike\tword\nbrian\nmark\tword\n");
    expect_resolved(&l.g, &l.en, "en", "The side included the likes of Matt Dawson and others in those years.",
                    "person/Matt Dawson");
    expect_resolved(&l.g, &l.en, "en", "Mike Leigh directed the film, which opened in the spring of that year.",
                    "person/Mike Leigh");
    expect_resolved(&l.g, &l.en, "en", "The club moved to Dawson in the spring and stayed there for many years.",
                    "place/Dawson");
    /* A nation stays a place; a month before a day is a date. */
    expect_resolved(&l.g, &l.en, "en", "The envoy Mark Jordan met the press on Monday, officials said in the capital.",
                    "place/Jordan");
    expect_resolved(&l.g, &l.en, "en", "Queen guitarist Brian May played, and the film star Will Quellmore came along.",
                    "person/Brian May, person/Will Quellmore");
    expect_resolved(&l.g, &l.en, "en", "The talks ran from Brian May 5 onwards, and nobody knew who would come.", "");
    /* "Will" is the verb at a sentence start and in a title. */
    expect_resolved(&l.g, &l.en, "en", "Will Quellmore come back to the club? Nobody there knows it yet, they said.", "");
    expect_resolved(&l.g, &l.en, "en", "They sang a version of We Will Rock You at the end of the show last night.", "");
    given_drop();
    lists_free(&l);
}

/* Titles of office and rank are no part of a name, one or two of them
 * ("Lt. Col."); a word before a given name and a surname is none either
 * (a German noun, an English ordinary word). */
static void test_heuristics_titles_of_office(void **state)
{
    (void)state;
    given_load("given_titles.txt", "eric\nanna\n");
    expect_heuristics("en", "Gov. Quarn Plumtree said the state would act quickly on the matter.",
                      "person/Quarn Plumtree");
    expect_heuristics("en", "Lt. Col. Quarn Plumtree testified before the committee on Tuesday evening.",
                      "person/Quarn Plumtree");
    expect_heuristics("en", "The plan was backed by Administrator Quarn Plumtree on Monday, aides said.",
                      "person/Quarn Plumtree");
    expect_heuristics("en", "The study's author Dr. Anna S. Plumtree said the rise was steep in those states.",
                      "person/Anna S. Plumtree");
    expect_heuristics("de", "Der Kombinierer Eric Quarnix wurde am Montag positiv getestet. Quarnix fehlt damit "
                      "beim Weltcup in Lahti, teilte der Verband mit.", "person/Eric Quarnix, place/Lahti");
    /* In German a word after an article is a noun before any name, even
     * one no list has; what it leaves of two words is no person. */
    expect_heuristics("de", "Die Chansonni\xC3\xA8re Quarna Zorbek sagte am Montag alle Konzerte ab.",
                      "person/Quarna Zorbek");
    expect_heuristics("de", "Der Youtuber Zorbek sagte am Montag, er werde gegen das Urteil klagen.", "");
    expect_heuristics("de", "Der Eric Quarnix sagte am Montag, er werde gegen das Urteil klagen.",
                      "person/Eric Quarnix");
    /* Not after "an", a preposition; after "des" only a noun with the
     * genitive's s; after a comma only in an apposition that the name
     * ends, not in a relative clause whose subject the name is. */
    expect_heuristics("de", "Der Preis ging am Sonntag an Quarna Zorbek. Zorbek dankte in der Kirche.",
                      "person/Quarna Zorbek");
    expect_heuristics("de", "Die Witwe des Quarna Zorbek sagte am Montag, sie sei froh. Zorbek starb 2020.",
                      "person/Quarna Zorbek");
    expect_heuristics("de", "Der Film, den Quarna Zorbek drehte, l\xC3\xA4uft in Cannes. Zorbek sagte, er sei froh.",
                      "person/Quarna Zorbek");
    expect_heuristics("de", "Das Lied sang Anna, die Chansonni\xC3\xA8re Quarna Zorbek, sagte er. Zorbek sang.",
                      "person/Quarna Zorbek");
    expect_heuristics("en", "The Comptroller Anna Plumtree said the fund had lost money over the year.",
                      "person/Anna Plumtree");
    /* A name no list has may open a name of three ("Susilo Bambang
     * Yudhoyono"). */
    expect_heuristics("en", "The talks were led by Quarnix Anna Plumtree on Monday. Plumtree thinks the deal is close.",
                      "person/Quarnix Anna Plumtree");
    expect_heuristics("en", "The talks were led by the Comptroller Anna Plumtree on Monday. Plumtree thinks the deal "
                      "is close.", "person/Anna Plumtree");
    given_drop();
}

/* A hyphenated word that ends in an ordinary word is no name word; one
 * that ends in a short or unknown part may be ("Moon Jae-in"). */
static void test_heuristics_hyphenated_adjectives(void **state)
{
    (void)state;
    expect_heuristics("en", "Leaders of the GOP-dominated Legislature met again, and Legislature staff waited.", "");
    expect_heuristics("en", "The move was backed by President Quarn Jae-in, aides said on Tuesday evening.",
                      "person/Quarn Jae-in");
}

/* A list after a plural noun of organisations is one of organisations;
 * an English name goes on after "for" or "of" behind a head noun. */
static void test_heuristics_org_list_heads(void **state)
{
    (void)state;
    expect_heuristics("en", "The newspaper chains Quorblex and Zantrix Media agreed to merge on Tuesday.",
                      "org/Zantrix Media, org/Quorblex");
    expect_heuristics("en", "Public companies such as Quorblex and Zantrix have resisted the trend for years.",
                      "org/Quorblex, org/Zantrix");
    expect_heuristics("en", "Its phone Quorblex and Zantrix is what the staff talked about on Tuesday.", "");
    expect_heuristics("de", "Davor gab es Bands wie Quorb Zopal oder The Zorbing Vicars in der Stadt.",
                      "org/Quorb Zopal, org/The Zorbing Vicars");
    expect_heuristics("en", "The doctors, members of the group Quarners for Camp Zorble, offered vaccines.",
                      "org/Quarners for Camp Zorble");
    /* A building's name is no person's; a given name and a word before
     * a capitalised office name a unit. */
    expect_heuristics("en", "The tour ends at the Quarnix Pavilion in May. Pavilion staff said tickets sold out.", "");
    expect_heuristics("en", "Sold out: Quarnix West played on Friday, and West said he would come back soon.",
                      "person/Quarnix West");
    given_load("given_office_unit.txt", "lexus\n");
    expect_heuristics("en", "In the test, Lexus Quarnproject Manager Fumihiko Hazama said that it was stiffer.",
                      "person/Fumihiko Hazama");
    given_drop();
    /* "sagte ein Sprecher": the role is the speaker's. */
    expect_heuristics("de", "Viele Menschen radikalisieren sich auf Zorbly, sagte ein Sprecher am Montag.", "");
}

/* Name words with a possessive before a business's noun are a firm's;
 * not a person's, a nationality's, or an ordinary word's. */
static void test_heuristics_org_possessive(void **state)
{
    (void)state;
    given_load("given_possessive.txt", "anna\n");
    expect_heuristics("en", "Investors sold Quorblex's shares after the results came out on Tuesday.", "org/Quorblex");
    expect_heuristics("en", "The board fired Zantrix Media's chief executive after the results on Tuesday.",
                      "org/Zantrix Media");
    expect_heuristics("en", "Analysts praised Quorblex's quarterly revenue, which rose by a fifth this year.",
                      "org/Quorblex");
    expect_heuristics("en", "Anna Quorblex's shares in the firm were sold after the results on Tuesday.",
                      "person/Anna Quorblex");
    expect_heuristics("en", "Anna Quorblex said on Monday that she would stay. Quorblex's shares rose.",
                      "person/Anna Quorblex");
    expect_heuristics("en", "The firm controls half of the South Korean's market, the report said on Tuesday.", "");
    expect_heuristics("en", "Investors liked Quorblex's new design, which was shown on Tuesday in the city.", "");
    /* A saint's possessive is the name's: the school is named after him. */
    expect_heuristics("en", "The pupils of St Egwin's Middle School wrote the letters, the teacher said.",
                      "org/St Egwin's Middle School");
    expect_heuristics("en", "He was treated at Saint Quorb's Children Hospital in the town, she said.",
                      "org/Saint Quorb's Children Hospital");
    given_drop();
}

/* More of this round's rules and their guards. */
static void test_heuristics_more_guards(void **state)
{
    (void)state;
    given_load("given_guards.txt", "anna\nquarnella\n");
    /* A head noun lifts the two-item restriction. */
    expect_heuristics("en", "The newspaper chains Quorblex Media and Zantrix Press agreed to merge on Tuesday.",
                      "org/Quorblex Media, org/Zantrix Press");
    /* "of the" goes on the name after a head noun. */
    expect_heuristics("en", "Members of the group Quarners of the Zorble Valley marched on Tuesday.",
                      "org/Quarners of the Zorble Valley");
    /* The possessive rule's guards: a given name, a party's word, a
     * proper name or ordinary word of the lists alone, a sports report. */
    expect_heuristics("en", "Investors sold Quarnella's shares after the results came out on Tuesday.", "");
    expect_heuristics("en", "Voters visited the Conservative's website after the results on Tuesday.", "");
    expect_heuristics("en", "Investors sold Kennedy's shares after the results came out on Tuesday.", "");
    expect_heuristics("en", "Investors sold Apple's shares after the results came out on Tuesday.", "");
    expect_heuristics("en", "The striker scored a goal in the league match. Investors sold Quorblex's shares "
                      "after the match on Tuesday.", "");
    /* A name word has no digit. */
    expect_heuristics("en", "The report named Zorb500 Quarnix on Monday. Quarnix denied it later that day.", "");
    given_drop();
}

/* A noun that ngerman lists only in its plural forms ("Dienste") still
 * heads compounds; a short one does not ("lach": Gerlach). */
static void test_lexicon_plural_only_heads(void **state)
{
    (void)state;
    static const char *const nouns[] = {"messengerdienst", "quxdienst"};
    for (size_t i = 0; i < sizeof nouns / sizeof *nouns; i++)
        if (!lexicon_common(&lex, "de", nouns[i], strlen(nouns[i])))
            fail_msg("%s: not read as a compound noun", nouns[i]);
    if (lexicon_common(&lex, "de", "gerlach", 7))
        fail_msg("gerlach: read as a compound noun");
}

/* A place before a full name stays a place (English); a one-word place
 * that is the surname of someone named is that person; a town before a
 * state's postal code is cued. */
static void test_resolve_places_beside_people(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"place\tUkraine", GZ_MARK_NATION}, {"place\tQuarnby", 0},
                                               {"place\tZorbley Park", GZ_MARK_CUE | GZ_MARK_TOWN}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    given_load("given_places.txt", "kurt\nanna\n");
    expect_resolved(&l.g, &l.en, "en", "The special envoy to Ukraine Kurt Quarnberg testified before the panel on Tuesday.",
                    "place/Ukraine, person/Kurt Quarnberg");
    expect_resolved(&l.g, &l.en, "en",
                    "The report was written by Anna Quarnby in the spring. Quarnby said it took a year to finish.",
                    "person/Anna Quarnby");
    expect_resolved(&l.g, &l.en, "en",
                    "The report was written by Anna Quarnby in the spring. She then moved to Quarnby for good.",
                    "place/Quarnby, person/Anna Quarnby");
    expect_resolved(&l.g, &l.en, "en", "The band plays on Friday at the Hollywood Amphitheatre, Zorbley Park, IL.",
                    "place/Zorbley Park");
    /* Not a code before more of the phrase: "ME too". */
    expect_resolved(&l.g, &l.en, "en", "She phoned on Friday to say that Zorbley Park, ME too, was sold out.", "");
    given_drop();
    lists_free(&l);
}

/* More places beside other names: a legal form after a place that ends
 * an English name; a sporting event's word after a town; a dateline with
 * an agency in a sports report; a given name read as an inflected place;
 * a possessive after a preposition. */
static void test_resolve_more_places(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"place\tNevada", 0}, {"place\tStanley", GZ_MARK_TOWN}, {"place\tJordan", GZ_MARK_NATION},
        {"place\tQuarnville", GZ_MARK_TOWN}, {"place\tNile\tNil\tde=Nil", 0}, {"place\tQuarnby", 0},
        {"place\tQuarnia\tQuarn", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    given_load("given_more_places.txt", "nils\nanna\nquarn\n");
    expect_resolved(&l.g, &l.en, "en", "NASA picked Sierra Nevada Corp. and two others for the lunar program.",
                    "org/Sierra Nevada");
    /* A place spelt as listed keeps its place. */
    expect_resolved(&l.g, &l.de, "de", "Im Sommer liegt Quarn Bergfreund zufolge am Meer, sagte der Forscher.",
                    "place/Quarnia");
    expect_resolved(&l.g, &l.en, "en", "The team won the Stanley Cup last season, the fans said on Monday.", "");
    expect_resolved(&l.g, &l.en, "en", "The Jordan Cup was played in the spring, the fans said on Monday.",
                    "place/Jordan");
    expect_resolved(&l.g, &l.en, "en", "She won the Stanley Open last season, the fans said on Monday.",
                    "place/Stanley");
    expect_resolved(&l.g, &l.en, "en",
                    "QUARNVILLE (AP) - The striker scored a goal in the league match on Sunday, and the team won.",
                    "place/Quarnville");
    expect_resolved(&l.g, &l.de, "de", "Im Tatort ermitteln Nils Bergfreund und andere gemeinsam, sagte der Sender.",
                    "person/Nils Bergfreund");
    expect_resolved(&l.g, &l.de, "de", "Der Nil Ägyptens ist lang und breit, sagte der Forscher am Montag.",
                    "place/Nile");
    expect_resolved(&l.g, &l.en, "en",
                    "The report was written by Anna Quarnby in the spring. In Quarnby's case the doctors found it.",
                    "person/Anna Quarnby");
    /* A place in a currency's name names no place; in another compound
     * it does. */
    expect_resolved(&l.g, &l.de, "de", "Das Angebot über 3,4 Milliarden Quarn-Dollar kam am Montag, hieß es.", "");
    expect_resolved(&l.g, &l.en, "en", "The deal was worth two billion Quarn dollars, the firm said on Monday.", "");
    expect_resolved(&l.g, &l.de, "de", "Trotz Quarn-Handelsbeschränkungen wuchs die Firma am Montag, hieß es.",
                    "place/Quarnia");
    expect_resolved(&l.g, &l.de, "de", "Das reicht zur Teilnahme an der Quarn-League-Qualifikation, hieß es.", "");
    /* A town's name before -Konzern or -Aktie is a firm's; a nation's or
     * a region's is not. */
    expect_resolved(&l.g, &l.de, "de", "Er arbeitete lange im Quarnville-Konzern in der Stadt, hieß es am Montag.",
                    "org/Quarnville");
    expect_resolved(&l.g, &l.de, "de", "Die Quarnia-Aktien legten am Montag um zwei Prozent zu, hieß es.",
                    "place/Quarnia");
    given_drop();
    lists_free(&l);
}

/* In a sports report a town is its club, but not before ", NATION"
 * ("Istanbul, Turkey"); before another town it still is (a list of
 * clubs). */
static void test_resolve_town_before_nation(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {
        {"place\tQuarnville", GZ_MARK_TOWN}, {"place\tZorbton", GZ_MARK_TOWN}, {"place\tZorbia", GZ_MARK_NATION}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en",
                    "The striker scored a goal in the league match. His favourite city is Quarnville, Zorbia, "
                    "he said.",
                    "place/Quarnville, place/Zorbia");
    expect_resolved(&l.g, &l.en, "en",
                    "The striker scored a goal in the league match. Quarnville, Zorbton and others had pitches.",
                    "club/Quarnville, club/Zorbton");
    /* In-game words of American sports make a sports report; the names
     * of leagues and their playoffs do not (business news names them). */
    expect_resolved(&l.g, &l.en, "en",
                    "The quarterback threw a touchdown pass, and the linebacker fell. Quarnville won the game.",
                    "club/Quarnville");
    expect_resolved(&l.g, &l.en, "en",
                    "The NBA, the NFL and the NCAA signed deals before the playoffs. Quarnville won the bid.",
                    "place/Quarnville");
    expect_resolved(&l.g, &l.en, "en",
                    "The quarterback was fined by the league, and the 4:25 kickoff moved. Quarnville won the game.",
                    "club/Quarnville");
    lists_free(&l);
}

/* A company's one-word name after a given name and its initial is a
 * surname ("John M. Ford"), and the initial is no name's first word. */
static void test_resolve_initial_before_company(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"org\tQuarnford", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    given_load("given_initial.txt", "john\tword en\nanna\n");
    expect_resolved(&l.g, &l.en, "en",
                    "Fans of the late author Anna M. Quarnford loved the books, the publisher said on Monday.",
                    "person/Anna M. Quarnford");
    expect_resolved(&l.g, &l.en, "en",
                    "The books sold well, the publisher said on Monday. John M. Quarnford had other books too. "
                    "Later Quarnford wrote more of them.",
                    "org/Quarnford");
    expect_resolved(&l.g, &l.en, "en", "The shares of Quarnford rose on Monday, the company said in a statement.",
                    "org/Quarnford");
    /* A listed name in capitals that is a market code is none. */
    static const struct marked_line codes[] = {{"org\tQZD", 0}};
    struct lists c;
    lists_build(&c, codes, sizeof codes / sizeof *codes);
    expect_resolved(&c.g, &c.en, "en", "On Wall Street the index .QZD fell 102 points on Tuesday, the traders said.", "");
    expect_resolved(&c.g, &c.en, "en", "Spot gold QZD= added 0.1 percent on Tuesday, the traders said.", "");
    expect_resolved(&c.g, &c.en, "en", "Shares of QZD rose on Tuesday. QZD said it would grow.", "org/QZD, org/QZD");
    lists_free(&c);
    given_drop();
    lists_free(&l);
}

/* A German firm named by a noun and its land keeps both; not a noun
 * before a name, nor after a capitalised noun. */
static void test_resolve_german_firm_of_a_land(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"place\tQuaxland", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.de, "de", "Die Energie Quaxland AG meldete am Montag einen höheren Gewinn als im Vorjahr.",
                    "org/Energie Quaxland");
    expect_resolved(&l.g, &l.de, "de", "Der Vorstand Energie Quaxland AG meldete am Montag einen höheren Gewinn.",
                    "place/Quaxland");
    expect_resolved(&l.g, &l.de, "de", "Der Investmentfonds Zorblax AG meldete am Montag einen höheren Gewinn.",
                    "org/Zorblax");
    lists_free(&l);
}

/* A one-word place before a Romance particle and a capitalised word is
 * part of a longer name ("Stade de France"); German "des" is an article. */
static void test_resolve_romance_particles(void **state)
{
    (void)state;
    struct lists l;
    static const struct marked_line lines[] = {{"place\tStade", GZ_MARK_TOWN}, {"place\tEnde", GZ_MARK_TOWN},
                                               {"place\tSantiago", GZ_MARK_TOWN}, {"place\tChile", GZ_MARK_NATION}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.en, "en", "The final at the Stade de France ended late, the report said.", "");
    expect_resolved(&l.g, &l.en, "en", "He grew up in Stade and lives there still, he said on Monday.", "place/Stade");
    expect_resolved(&l.g, &l.de, "de", "Die Leute zogen nach Stade des Geldes wegen, hieß es am Montag.", "place/Stade");
    expect_resolved(&l.g, &l.en, "en", "He flew to Santiago de Chile on Monday and met the minister there.",
                    "place/Santiago, place/Chile");
    /* English words alone after "in" are a place's before a listed one. */
    expect_resolved(&l.g, &l.en, "en", "He started the annual festival in Park City, Chile, back in the eighties.",
                    "place/Chile, place/Park City");
    lists_free(&l);
}

/* Occupations before a name make a person: in English in lower case
 * only ("Hans Singer" is a name), German ones as nouns; a role before a
 * name is that name's, not the one before the comma's. */
static void test_heuristics_occupations(void **state)
{
    (void)state;
    expect_heuristics("en", "The film stars the actor Zorblax Quellmore and was shot in the spring.",
                      "person/Zorblax Quellmore");
    expect_heuristics("de", "Im Tor stand am Samstag wieder Torhüter Zorblax Quellmore für die Gäste.",
                      "person/Zorblax Quellmore");
    expect_heuristics("de", "Das sagte am Montag der Abgeordnete Zorblax Singer im Parlament in Wien.",
                      "person/Zorblax Singer");
    expect_heuristics("en", "Among them are a farmer from Qaxton, jockey Zorblax Quellmore, and others.",
                      "person/Zorblax Quellmore");
}

/* A compound the list lacks is a noun when one of its heads is one,
 * whichever head that is. */
static void test_lexicon_compound_heads(void **state)
{
    (void)state;
    static const char *const nouns[] = {"quxbankenaufsicht", "quxwertpapierhändler", "xyzregierung"};
    for (size_t i = 0; i < sizeof nouns / sizeof *nouns; i++)
        if (!lexicon_common(&lex, "de", nouns[i], strlen(nouns[i])))
            fail_msg("%s: not read as a compound noun", nouns[i]);
    static const char *const names[] = {"quxqaxqox", "xyzzyplughfoo"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (lexicon_common(&lex, "de", names[i], strlen(names[i])))
            fail_msg("%s: read as a common word", names[i]);
}

/* A Hunspell dictionary's capitalised stems add the nouns the word list
 * lacks ("Kraft", the head of "Putzkraft"), but no stem that needs an
 * affix, is forbidden or is an abbreviation, no lower-case stem, and no
 * short head that would make a noun of towns ("Heim": Siezenheim). */
static void test_lexicon_hunspell_stems(void **state)
{
    (void)state;
    char err[600], list[160], dic[160];
    snprintf(list, sizeof list, "%s",
             write_tsv("words.txt", "kraft\nheim\nHeime\nHeimen\nAbend\nZorbam\nZorbams\nQux\nQuxel\nQuxeln\n"));
    snprintf(dic, sizeof dic, "%s",
             write_tsv("words.dic", "13\n\tA header line\nKraft/ijm\nHeim/EPSTm\nRettungs/hij\nVerbot/d\nSt./m\n"
                                    "kleinod/Sm\nStelle/Nm\nBrecht/S\nGoogle\nZorbkraft/Nm\tpo:noun dh\n"
                                    "Zorbam/S\nQux/S\nQuxel/S\n"));
    const char *const dics[] = {dic};
    struct lexicon l;
    lexicon_init(&l);
    assert_int_equal(lexicon_load_de(&l, list, dics, 1, err, sizeof err), 0);
    static const char *const common[] = {"putzkraft", "kraft", "stelle", "anlaufstelle", "heime", "zorbkraft"};
    for (size_t i = 0; i < sizeof common / sizeof *common; i++)
        if (!lexicon_common(&l, "de", common[i], strlen(common[i])))
            fail_msg("%s: not read as a common word", common[i]);
    /* Nor a name or an acronym (no flag but the genitive's, or none). */
    static const char *const names[] = {"siezenheim", "rettungs", "verbot", "st.",    "kleinod",
                                        "quxkleinod", "brecht",   "google", "lambrecht"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (lexicon_common(&l, "de", names[i], strlen(names[i])))
            fail_msg("%s: read as a common word", names[i]);
    /* A name the list holds only capitalised, without a noun's family,
     * is no common word when the dictionary has it as a name ("Osram/S");
     * not a short one ("Uni/S"), nor one the list has as a noun. */
    assert_false(lexicon_common(&l, "de", "zorbam", 6));
    assert_true(lexicon_common(&l, "de", "qux", 3));
    assert_true(lexicon_common(&l, "de", "quxel", 5));
    lexicon_free(&l);
    /* Without the dictionary: the list's words alone. */
    lexicon_init(&l);
    assert_int_equal(lexicon_load_de(&l, list, NULL, 0, err, sizeof err), 0);
    assert_false(lexicon_common(&l, "de", "putzkraft", 9));
    assert_false(lexicon_common(&l, "de", "stelle", 6));
    lexicon_free(&l);
    /* One that cannot be read (missing, a folder) is left out, named in
     * err; the list and the others work. */
    const char *const unread[] = {"/nonexistent/de_XX.dic", tmpdir, dic};
    lexicon_init(&l);
    assert_int_equal(lexicon_load_de(&l, list, unread, 3, err, sizeof err), 0);
    assert_non_null(strstr(err, "/nonexistent/de_XX.dic: cannot open"));
    assert_non_null(strstr(err, tmpdir));
    assert_true(lexicon_common(&l, "de", "putzkraft", 9));
    assert_int_equal(l.de_stems, 3);  /* Stelle, Zorbkraft; Kraft a noun (kraft was a word); not Heim */
    lexicon_free(&l);
}

static void test_heuristics_german_nouns_are_no_names(void **state)
{
    (void)state;
    /* Capitalised nouns, with and without a cue, give nothing. */
    expect_heuristics("de", "Laut Sprecher des Ministeriums sagte die Regierung, die Sanktionen blieben bestehen.", "");
    expect_heuristics("de", "Hinterlasse eine Antwort. Deine Email-Adresse wird nicht veröffentlicht.", "");
}

/* A hyphenated word's two lexicon answers, its norm's (common_at()) and
 * its last part's (namey_now()), are kept apart in the per-type memo:
 * "Ki-Xautos" is a plural noun as a whole (Autos), its part "Xautos" no
 * word, so it is a name word, yet "Qaxo Ki-Xautos" is no speaker. */
static void test_heuristics_hyphen_memos_apart(void **state)
{
    (void)state;
    expect_heuristics("de", "Am Montag sagte Qaxo Ki-Xautos, die Preise stiegen.", "");
}

/* Each acronym is looked for among the article's names once, and a text
 * of more than ACRONYMS_MAX (32) different ones is no prose: the rest give
 * nothing (a megabyte of them took minutes when each was looked for anew). */
static void test_heuristics_acronyms_bounded(void **state)
{
    (void)state;
    char text[8192] = "";
    for (int i = 0; i < 40; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "Am Montag hat die Q%cX%c ihre neuen Pläne vorgestellt. ", 'A' + i % 20, 'A' + i / 20);
    newsd_analysis *an = newsd_analysis_new(text, strlen(text), "de");
    assert_non_null(an);
    struct ent_toks t = {0};
    assert_int_equal(tokens_from_analysis(an, &t), 0);
    uint8_t *covered = calloc(t.n + 1, 1);
    assert_non_null(covered);
    struct heur_cands c = {0};
    assert_int_equal(heur_run(&t, covered, NULL, "de", &lex, 0, &c), 0);
    size_t acronyms = 0;
    for (size_t i = 0; i < c.n; i++)
        acronyms += c.v[i].type == ENT_ORG && strlen(c.v[i].name) == 4 && c.v[i].name[0] == 'Q';
    if (acronyms != 32)
        fail_msg("%zu acronyms tagged of 40 (want 32); %zu candidates, the first %s", acronyms, c.n, c.n ? c.v[0].name : "-");
    heur_cands_free(&c);
    free(covered);
    toks_free(&t);
    newsd_analysis_free(an);
}

/* The norms index (comes_back_alone()) finds a word again by its norm,
 * not its text: "Presley's" is "Presley" again. */
static void test_heuristics_comes_back_by_norm(void **state)
{
    (void)state;
    expect_heuristics("en", "Yesterday the singer Elvis Presley sang in the town. Fans loved Presley's voice.",
                      "person/Elvis Presley");
    /* In English no one's first word is an ordinary word or a
     * nationality, but a particle may be. */
    expect_heuristics("en", "He played the game Project Quorblex for hours. Players of Quorblex say it is good.", "");
    expect_heuristics("en", "The show American Quorblex was seen by many. Viewers of Quorblex said so too.", "");
    expect_heuristics("en", "The striker Van Quorblex scored again on Monday. Fans of Quorblex sang loudly.",
                      "person/Van Quorblex");
}

/* Compounds ending in a role or an organisation noun, at the edges of
 * the suffixes cue_suffix_bits() asks: the longest key ("fluggesellschaft",
 * 16 bytes) right after the 3-byte minimum and after more, a key after
 * a non-ASCII prefix, a word longer than 64 bytes. */
static void test_cue_suffix_bits_edges(void **state)
{
    (void)state;
    assert_int_equal(cues_init(), 0);
    static const struct {
        const char *word;
        uint32_t bits;
    } cases[] = {
        {"xyzfluggesellschaft", C_ORGHEAD}, {"abcdfluggesellschaft", C_ORGHEAD},
        {"abcdefghijfluggesellschaft", C_ORGHEAD}, {"finanzminister", C_ROLESUFFIX},
        {"finanzministerin", C_ROLESUFFIX}, {"äöüchef", C_ROLESUFFIX}, {"großbank", C_ORGHEAD},
        {"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqbürgermeister", C_ROLESUFFIX},
        {"fluggesellschaftx", 0}, {"chef", 0}, {"abchef", 0}, {"ab", 0}, {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        uint32_t got = cue_suffix_bits(cases[i].word, strlen(cases[i].word)) & (C_ORGHEAD | C_ROLESUFFIX);
        if (got != cases[i].bits)
            fail_msg("%s: bits %u, expected %u", cases[i].word, (unsigned)got, (unsigned)cases[i].bits);
    }
}

/* Every noun ending makes an unlisted German word a noun, from three
 * bytes of stem on ("abcung", not "abung"), whatever its last letter. */
static void test_lexicon_noun_endings(void **state)
{
    (void)state;
    static const char *const nouns[] = {"quxismus", "abcung", "quxungen", "quxheit", "quxheiten", "quxkeiten",
                                        "quxtion", "quxtionen", "quxtät", "quxtäten", "quxnisse", "quxtum",
                                        "quxium", "quxiums"};
    for (size_t i = 0; i < sizeof nouns / sizeof *nouns; i++)
        if (!lexicon_common(&lex, "de", nouns[i], strlen(nouns[i])))
            fail_msg("%s: its noun ending not seen", nouns[i]);
    static const char *const others[] = {"abung", "ung", "quxtur", "quxnis"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++)
        if (lexicon_common(&lex, "de", others[i], strlen(others[i])))
            fail_msg("%s: read as a noun", others[i]);
}

/* A capitalised entry without a noun's family ends a compound only when
 * longer than four bytes, also when other heads come before it: "Maria"
 * does ("Quxmaria"), "Anna" does not ("Quxanna", "Quxxanna"). */
/* A markets code glued to a dot or "=" is no organisation; a person's
 * name has no digit; English words before a given name that is no word
 * are a title or a party's, not a title's words; a given name that is an
 * English word only is a plain one in German text. */
static void test_heuristics_round_after_085(void **state)
{
    (void)state;
    given_load("given_085.txt", "brent\nphil\nangel\tword\npeter\tword en\n");
    expect_heuristics("en", "On Wall Street the index .QZX fell and gold QZW= rose on Tuesday, the traders said.", "");
    expect_heuristics("en", "Wall Street traders saw the QZX index fall on Tuesday, and QZX then rose again.",
                      "org/QZX, org/QZX");
    /* A dot that ends the sentence before it is no code's. */
    expect_heuristics("en", "Sales rose in the spring. QZX leaders said on Tuesday that QZX would grow again.",
                      "org/QZX, org/QZX");
    expect_heuristics("en", "Crude fell and Brent LCOc1 was last at $60.73, down on the day, the traders said.", "");
    expect_heuristics("en", "The vote turned four years after Republican Phil Zanterby won in a landslide there.",
                      "person/Phil Zanterby");
    expect_heuristics("en", "The studio worked on Battle Angel Zanterby in the spring, the company said.", "");
    expect_heuristics("en", "The film What's Eating Phil Zanterby won plaudits in the spring of that year.", "");
    expect_heuristics("en", "The family visited Fort Phil Zanterby in the summer of that year, they said.", "");
    expect_heuristics("en", "Tropical Storm Phil Zanterby Makes Landfall In The South As Winds Grow", "");
    expect_heuristics("de", "Neu im Vorstand ist zum ersten Mal Landesgeschäftsführer Peter Binder aus Linz.",
                      "person/Peter Binder");
    /* A role's possessive names a thing. */
    expect_heuristics("en", "Fans ordered the Founder's Edition of the game early on Tuesday, the shop said.", "");
    /* An English phrase in German text names no one. */
    expect_heuristics("de", "Im Buch geht es um Southern Gothic und den Süden. Southern Gothic ist jung, und "
                      "Gothic meint das Unheimliche.", "");
    /* The marks after a name's tab: "word", "word en"; blanks around
     * them; "wordy" is none, an unknown language a word anywhere; the
     * last line without its newline. */
    given_load("given_marks.txt", "anna\twordy\nbert\t word  en \ncarl\tword\ten\ndora\tword english\n"
               "emil\tword de\nfrida\tword");
    static const struct {
        const char *name;
        int de, en;
    } marks[] = {{"anna", LEXICON_GIVEN_NAME, LEXICON_GIVEN_NAME}, {"bert", LEXICON_GIVEN_NAME, LEXICON_GIVEN_WORD},
                 {"carl", LEXICON_GIVEN_NAME, LEXICON_GIVEN_WORD}, {"dora", LEXICON_GIVEN_WORD, LEXICON_GIVEN_WORD},
                 {"emil", LEXICON_GIVEN_WORD, LEXICON_GIVEN_WORD}, {"frida", LEXICON_GIVEN_WORD, LEXICON_GIVEN_WORD}};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        size_t len = strlen(marks[i].name);
        if (lexicon_given(&lex, "de", marks[i].name, len) != marks[i].de ||
            lexicon_given(&lex, "en", marks[i].name, len) != marks[i].en)
            fail_msg("%s: %d/%d in German/English, expected %d/%d", marks[i].name,
                     lexicon_given(&lex, "de", marks[i].name, len), lexicon_given(&lex, "en", marks[i].name, len),
                     marks[i].de, marks[i].en);
    }
    given_load("given_085.txt", "brent\nphil\nangel\tword\npeter\tword en\n");
    assert_int_equal(lexicon_given(&lex, "de", "peter", 5), LEXICON_GIVEN_NAME);
    assert_int_equal(lexicon_given(&lex, "en", "peter", 5), LEXICON_GIVEN_WORD);
    assert_int_equal(lexicon_given(&lex, "de", "angel", 5), LEXICON_GIVEN_WORD);
    given_drop();
}

/* A journal's name after its noun is a title: its words joined by in,
 * of, and; "Journal of (the) ..." is one too. */
static void test_heuristics_journals(void **state)
{
    (void)state;
    expect_heuristics("de", "Ihre Ergebnisse haben die Forscher in der Fachzeitschrift Zorbic Advances in "
                      "Quellology veröffentlicht.", "org/Zorbic Advances in Quellology");
    expect_heuristics("de", "Wie die Forscher im Fachblatt Zorbic Letters schreiben, sehen Tiere anders.",
                      "org/Zorbic Letters");
    expect_heuristics("de", "Im Journal of Zorbic Quellology reichen Forscher eine neue Arbeit ein.",
                      "org/Journal of Zorbic Quellology");
    expect_heuristics("en", "A report in the Journal of the Zorbic Quellology Association agreed on Monday.",
                      "org/Journal of the Zorbic Quellology Association");
    expect_heuristics("en", "Writing in the journal Zorbic Learning and Technology, the team said so.",
                      "org/Zorbic Learning and Technology");
    /* Not through a place: "in Washington" is where. */
    expect_heuristics("de", "Die Studie erschien im Fachblatt Zorbic Letters in Wien, sagte der Forscher.",
                      "org/Zorbic Letters");
    /* A leaflet is no journal. */
    expect_heuristics("de", "Beachten Sie die Hinweise im Merkblatt Zorbic-19 und die der Behörden.", "");
    /* "and" joins a title of two words or more, and no given name. */
    expect_heuristics("en", "A study in the journal Zorbic and Quellmore researchers found it on Monday.",
                      "org/Zorbic");
    given_load("given_087.txt", "peter\njohn\n");
    expect_heuristics("en", "It was reported in the journal Zorbic Letters and Peter Quellmore said so.",
                      "org/Zorbic Letters, person/Peter Quellmore");
    given_drop();
    /* Only a journal's title goes on through "and". */
    expect_heuristics("en", "The broker Zorbic Capital and Quellmore Partners signed the deal on Monday.",
                      "org/Zorbic Capital, org/Quellmore Partners");
}

/* Streets and squares: German compounds of the noun after am, der, ...
 * or a town's adjective, the noun after such an adjective; English names
 * and the noun.  Not a word of ngerman or a compound of one, a head of an
 * action, a rank ("Platz sieben"), the shopping street. */
static void test_heuristics_streets(void **state)
{
    (void)state;
    expect_heuristics("de", "Tausende versammelten sich am Samstag am Zorbenplatz, sagte die Polizei.",
                      "place/Zorbenplatz");
    expect_heuristics("de", "Die Polizei sperrte den Verkehr in der Quellgasse bis zum Abend.", "place/Quellgasse");
    expect_heuristics("de", "Auf dem Zorbacher Hauptplatz war es am Abend ruhig, sagte er.", "place/Hauptplatz");
    expect_heuristics("de", "Die Kundgebung am Zorben-Quell-Platz dauerte bis zum Abend.",
                      "place/Zorben-Quell-Platz");
    expect_heuristics("de", "Der Zug fuhr dann über die Zorbacher Straße in die Stadt hinein.",
                      "place/Zorbacher Straße");
    expect_heuristics("de", "Der Stau am Zorbengürtel und am Quellkai dauerte bis zum Abend.",
                      "place/Zorbengürtel, place/Quellkai");
    expect_heuristics("de", "Die Demonstranten zogen über die Zorbacher Allee in die Stadt hinein.",
                      "place/Zorbacher Allee");
    expect_heuristics("de", "Der Umzug endete in der Zorbenstrasse kurz vor dem Abend.", "place/Zorbenstrasse");
    expect_heuristics("de", "Dann nahm der Lehrer Platz, und der Unterricht begann sofort.", "");
    expect_heuristics("de", "Im Probedurchgang hatte Zorbacher Platz sieben belegt, sagte er.", "");
    expect_heuristics("de", "Am Arbeitsplatz blieb es am Montag still, sagte der Sprecher.", "");
    expect_heuristics("de", "Sie trafen sich am Hauptschauplatz des Festivals in der Stadt.", "");
    expect_heuristics("de", "Die Arbeiten am Grabungsplatz dauerten bis zum Herbst an.", "");
    expect_heuristics("de", "Er sah einen Zorbenplatz in der Ferne, sagte er am Montag.", "");
    expect_heuristics("de", "Sie riefen einen Streifenwagen, dessen Fahrer Straße und Gehweg sperrte.", "");
    expect_heuristics("de", "Der Verkehr auf der Zorbic Straße stockte am Montag stundenlang.", "");
    /* In a sports report a "-platz" is a rank or a court. */
    expect_heuristics("de", "Die Mannschaft gewann das Spiel, der Trainer lobte das Tor, und die Liga "
                      "sieht das Team nun am Zorbenplatz der Tabelle.", "");
    expect_heuristics("en", "Thousands of people gathered in Zorbic Square on Saturday, the police said.",
                      "place/Zorbic Square");
    expect_heuristics("en", "Shoppers deserted the High Street on Saturday, the retailers said.", "");
    expect_heuristics("en", "A Zorbic Lane opened in the town on Monday, the council said.", "");
    expect_heuristics("en", "The fans walked down Zorbic Street Quellmore on Monday, they said.", "");
    /* In a sports report a road or a lane is the club's ground. */
    expect_heuristics("en", "The striker scored a goal and the team won the match in the league, so the "
                      "manager of the club was happy to play at Zorbic Road again.", "");
}

/* An ampersand joins the word before it to a name before a legal form;
 * not right before the legal form ("Smith & Co."). */
static void test_heuristics_ampersand_names(void **state)
{
    (void)state;
    expect_heuristics("en", "India's state-run Zorbic & Natural Quell Corp paid the tax on Monday, he said.",
                      "org/Zorbic & Natural Quell");
    expect_heuristics("en", "India's state-run Oil & Natural Zorbic Corp paid the tax on Monday, he said.",
                      "org/Oil & Natural Zorbic");
    expect_heuristics("en", "Paul Quellmore, an analyst at AG Zorbwards & Co., said so on Monday.",
                      "person/Paul Quellmore");
    /* A district authority with a town no list has. */
    expect_heuristics("de", "Die Bezirkshauptmannschaft Zorbing hat den Bescheid am Montag erlassen.",
                      "org/Bezirkshauptmannschaft Zorbing");
    /* An article alone after an organisation's noun is no name: the
     * listed name after it is. */
    struct lists l;
    static const struct marked_line lines[] = {{"org\tZorbmed", 0}};
    lists_build(&l, lines, sizeof lines / sizeof *lines);
    expect_resolved(&l.g, &l.de, "de", "Im Fachblatt The Zorbmed schreiben die Forscher, dass es so ist.",
                    "org/Zorbmed");
    lists_free(&l);
}

/* A German feminine noun in -in/-innen of a listed noun is a noun, and a
 * compound ending in a plural in -e that ngerman has only in lower case
 * ("punkte" beside "Punkt"); a name ending so of a short word is not. */
static void test_lexicon_feminine_nouns(void **state)
{
    (void)state;
    static const char *const nouns[] = {"herausfordererin", "herausfordererinnen", "befestigungspunkte"};
    for (size_t i = 0; i < sizeof nouns / sizeof *nouns; i++)
        if (!lexicon_common(&lex, "de", nouns[i], strlen(nouns[i])))
            fail_msg("%s: not read as a noun", nouns[i]);
    static const char *const names[] = {"karin", "putin", "rasputin", "hollande", "mauthausen"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (lexicon_common(&lex, "de", names[i], strlen(names[i])))
            fail_msg("%s: read as a noun", names[i]);
}

static void test_lexicon_compound_head_lengths(void **state)
{
    (void)state;
    assert_true(lexicon_common(&lex, "de", "quxmaria", 8));
    assert_true(lexicon_common(&lex, "de", "quxxxmaria", 10));
    assert_false(lexicon_common(&lex, "de", "quxanna", 7));
    assert_false(lexicon_common(&lex, "de", "quxxanna", 8));
    assert_false(lexicon_common(&lex, "de", "quxxxxanna", 10));
}

int main(void)
{
    use_build_data_dir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fpset_values_and_packing),
        cmocka_unit_test(test_strmap_hashings),
        cmocka_unit_test(test_ac_overlapping_patterns),
        cmocka_unit_test(test_gazetteer_sealed),
        cmocka_unit_test(test_gazetteer_merges_and_localises),
        cmocka_unit_test(test_gazetteer_bad_lines),
        cmocka_unit_test(test_gazetteer_marks),
        cmocka_unit_test(test_matcher_longest_and_aliases),
        cmocka_unit_test(test_matcher_word_boundaries),
        cmocka_unit_test(test_matcher_german_forms),
        cmocka_unit_test(test_matcher_possessives_and_the),
        cmocka_unit_test(test_matcher_10000_names),
        cmocka_unit_test(test_reload_good_and_broken),
        cmocka_unit_test(test_matchers_built_before_use),
        cmocka_unit_test(test_shared_automaton_keeps_own_states),
        cmocka_unit_test(test_first_use_build_keeps_other_languages_going),
        cmocka_unit_test(test_init_refuses_a_broken_file),
        cmocka_unit_test(test_heuristics_legal_forms),
        cmocka_unit_test(test_resolve_german_firm_of_a_land),
        cmocka_unit_test(test_heuristics_roles),
        cmocka_unit_test(test_heuristics_given_names),
        cmocka_unit_test(test_resolve_cues_and_possessives),
        cmocka_unit_test(test_resolve_sports_clubs),
        cmocka_unit_test(test_resolve_sport_aliases),
        cmocka_unit_test(test_resolve_national_teams),
        cmocka_unit_test(test_resolve_caps_aliases),
        cmocka_unit_test(test_resolve_adjective_aliases),
        cmocka_unit_test(test_resolve_media_names),
        cmocka_unit_test(test_resolve_after_titles),
        cmocka_unit_test(test_resolve_trophy_of_an_org),
        cmocka_unit_test(test_resolve_firm_named_without_its_legal_form),
        cmocka_unit_test(test_resolve_org_inside_a_longer_name),
        cmocka_unit_test(test_resolve_german_noun_named_like_an_org),
        cmocka_unit_test(test_resolve_listed_people),
        cmocka_unit_test(test_resolve_work_titles),
        cmocka_unit_test(test_resolve_org_with_place),
        cmocka_unit_test(test_heuristics_orgs_take_their_places),
        cmocka_unit_test(test_heuristics_public_bodies),
        cmocka_unit_test(test_heuristics_line_ups),
        cmocka_unit_test(test_heuristics_org_lists),
        cmocka_unit_test(test_heuristics_org_apposition),
        cmocka_unit_test(test_heuristics_name_particles),
        cmocka_unit_test(test_heuristics_occupations),
        cmocka_unit_test(test_resolve_romance_particles),
        cmocka_unit_test(test_heuristics_org_before_office),
        cmocka_unit_test(test_resolve_given_names_that_are_words),
        cmocka_unit_test(test_heuristics_org_nouns),
        cmocka_unit_test(test_heuristics_org_words_and_heads),
        cmocka_unit_test(test_heuristics_ampersand),
        cmocka_unit_test(test_heuristics_web_domains),
        cmocka_unit_test(test_heuristics_peerage_titles),
        cmocka_unit_test(test_resolve_german_institutions),
        cmocka_unit_test(test_heuristics_german_given_names),
        cmocka_unit_test(test_resolve_regions),
        cmocka_unit_test(test_resolve_joined_orgs),
        cmocka_unit_test(test_resolve_words_in_capitals),
        cmocka_unit_test(test_heuristics_chinese_names),
        cmocka_unit_test(test_resolve_appendix),
        cmocka_unit_test(test_heuristics_german_places),
        cmocka_unit_test(test_heuristics_acronyms_bounded),
        cmocka_unit_test(test_heuristics_german_nouns_are_no_names),
        cmocka_unit_test(test_lexicon_compound_heads),
        cmocka_unit_test(test_lexicon_hunspell_stems),
        cmocka_unit_test(test_heuristics_hyphen_memos_apart),
        cmocka_unit_test(test_heuristics_comes_back_by_norm),
        cmocka_unit_test(test_cue_suffix_bits_edges),
        cmocka_unit_test(test_lexicon_noun_endings),
        cmocka_unit_test(test_lexicon_compound_head_lengths),
        cmocka_unit_test(test_heuristics_round_after_085),
        cmocka_unit_test(test_heuristics_journals),
        cmocka_unit_test(test_heuristics_ampersand_names),
        cmocka_unit_test(test_heuristics_streets),
        cmocka_unit_test(test_heuristics_org_left_words),
        cmocka_unit_test(test_heuristics_hyphenated_given_names),
        cmocka_unit_test(test_heuristics_former_roles),
        cmocka_unit_test(test_lexicon_feminine_nouns),
        cmocka_unit_test(test_resolve_town_before_nation),
        cmocka_unit_test(test_resolve_initial_before_company),
        cmocka_unit_test(test_heuristics_titles_of_office),
        cmocka_unit_test(test_matcher_short_capitals),
        cmocka_unit_test(test_heuristics_more_guards),
        cmocka_unit_test(test_resolve_more_places),
        cmocka_unit_test(test_heuristics_hyphenated_adjectives),
        cmocka_unit_test(test_heuristics_org_list_heads),
        cmocka_unit_test(test_heuristics_org_cues_0819),
        cmocka_unit_test(test_matcher_lower_case_tail),
        cmocka_unit_test(test_heuristics_org_0820),
        cmocka_unit_test(test_resolve_orgs_0820),
        cmocka_unit_test(test_heuristics_org_possessive),
        cmocka_unit_test(test_lexicon_plural_only_heads),
        cmocka_unit_test(test_resolve_places_beside_people),
    };
    return cmocka_run_group_tests(tests, load_lexicon, free_lexicon);
}
