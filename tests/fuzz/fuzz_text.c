/*
 * Fuzz target: the text layer.  newsd_analysis_new() on any bytes in one
 * of a few languages, then the promises of plugin.h checked on what it
 * gives back:
 *   - NULL exactly for invalid UTF-8 or a NUL byte;
 *   - tokens in text order, apart, non-empty, inside the text, their text
 *     the bytes at their offset, norms and stems non-empty valid UTF-8,
 *     kinds and flags of the enums;
 *   - sentences that cover the tokens in order, each from its first
 *     token's start to its last token's end, paragraphs not decreasing;
 *   - the same analysis a second time (the stem memo then answers).
 *
 * Input: the text, then one byte that picks the language (langs[]).  Run
 * with -max_len of a few hundred KB and -timeout: a path quadratic in the
 * text fails as a timeout.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "fuzz_common.h"

static const char *const langs[] = {"", "de", "en", "fr", "it", "ru", "ko", "zh"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet();
    return 0;
}

static void check_analysis(const newsd_analysis *an, const char *lang)
{
    size_t len;
    const char *text = newsd_analysis_text(an, &len);
    FUZZ_CHECK(text && strlen(text) == len && newsd_utf8_valid(text, len), "the analysed text");
    FUZZ_CHECK(strcmp(newsd_analysis_lang(an), lang) == 0, "lang %s", newsd_analysis_lang(an));
    size_t n = newsd_analysis_token_count(an), end = 0, n_array = 0, stride = 0;
    const struct newsd_token *base = newsd_analysis_tokens(an, &n_array, &stride);
    FUZZ_CHECK(n_array == n && (n == 0) == (base == NULL) && stride >= sizeof *base, "the token array: %zu of %zu",
               n_array, n);
    const uint32_t all_flags = NEWSD_TOKEN_CAPITALISED | NEWSD_TOKEN_ALL_CAPS | NEWSD_TOKEN_STOPWORD |
                               NEWSD_TOKEN_SENTENCE_START | NEWSD_TOKEN_ABBREVIATION | NEWSD_TOKEN_TITLE;
    for (size_t i = 0; i < n; i++) {
        struct newsd_token t = {.struct_size = sizeof t};
        FUZZ_CHECK(newsd_analysis_token_at(an, i, &t) == NEWSD_OK, "token %zu", i);
        FUZZ_CHECK(t.length > 0 && t.offset >= end && t.offset + t.length <= len, "token %zu at %zu+%zu", i,
                   t.offset, t.length);
        end = t.offset + t.length;
        FUZZ_CHECK(memcmp(text + t.offset, t.text, t.length) == 0 && t.text[t.length] == '\0',
                   "token %zu's text", i);
        FUZZ_CHECK(t.kind >= NEWSD_TOKEN_WORD && t.kind <= NEWSD_TOKEN_PUNCT && !(t.flags & ~all_flags),
                   "token %zu: kind %u, flags %x", i, t.kind, t.flags);
        FUZZ_CHECK(*t.norm && newsd_utf8_valid(t.norm, strlen(t.norm)), "token %zu's norm", i);
        FUZZ_CHECK(*t.stem && newsd_utf8_valid(t.stem, strlen(t.stem)), "token %zu's stem", i);
        FUZZ_CHECK(!(t.flags & NEWSD_TOKEN_TITLE), "a title in newsd_analysis_new()");
        FUZZ_CHECK(strlen(t.norm) == t.norm_length && strlen(t.stem) == t.stem_length, "token %zu's lengths", i);
        /* The 1.5 array is the same token, in place. */
        const struct newsd_token *a = newsd_token_in(base, stride, i);
        FUZZ_CHECK(a->offset == t.offset && a->length == t.length && a->kind == t.kind && a->flags == t.flags &&
                       a->sentence == t.sentence && a->text == t.text && a->norm == t.norm && a->stem == t.stem &&
                       a->norm_length == t.norm_length && a->stem_length == t.stem_length && a->type == t.type,
                   "token %zu differs in newsd_analysis_tokens()", i);
    }
    struct newsd_token t = {.struct_size = sizeof t};
    FUZZ_CHECK(newsd_analysis_token_at(an, n, &t) == NEWSD_ERROR, "token past the end");
    size_t ns = newsd_analysis_sentence_count(an), next = 0;
    uint32_t paragraph = 0;
    FUZZ_CHECK((ns == 0) == (n == 0), "%zu sentences for %zu tokens", ns, n);
    for (size_t i = 0; i < ns; i++) {
        struct newsd_sentence s = {.struct_size = sizeof s};
        FUZZ_CHECK(newsd_analysis_sentence_at(an, i, &s) == NEWSD_OK, "sentence %zu", i);
        FUZZ_CHECK(s.first_token == next && s.n_tokens > 0 && s.first_token + s.n_tokens <= n,
                   "sentence %zu: tokens %zu+%zu", i, s.first_token, s.n_tokens);
        FUZZ_CHECK(s.paragraph >= paragraph, "sentence %zu: paragraph %u after %u", i, s.paragraph, paragraph);
        paragraph = s.paragraph;
        struct newsd_token first = {.struct_size = sizeof first}, last = {.struct_size = sizeof last};
        newsd_analysis_token_at(an, s.first_token, &first);
        newsd_analysis_token_at(an, s.first_token + s.n_tokens - 1, &last);
        FUZZ_CHECK(s.offset == first.offset && s.offset + s.length == last.offset + last.length,
                   "sentence %zu's span", i);
        for (size_t k = s.first_token; k < s.first_token + s.n_tokens; k++) {
            newsd_analysis_token_at(an, k, &t);
            FUZZ_CHECK(t.sentence == i, "token %zu in sentence %u, not %zu", k, t.sentence, i);
        }
        next = s.first_token + s.n_tokens;
    }
    FUZZ_CHECK(next == n, "sentences cover %zu of %zu tokens", next, n);
}

static void check_same(const newsd_analysis *a, const newsd_analysis *b)
{
    size_t n = newsd_analysis_token_count(a);
    FUZZ_CHECK(n == newsd_analysis_token_count(b), "token counts differ");
    for (size_t i = 0; i < n; i++) {
        struct newsd_token x = {.struct_size = sizeof x}, y = {.struct_size = sizeof y};
        newsd_analysis_token_at(a, i, &x);
        newsd_analysis_token_at(b, i, &y);
        FUZZ_CHECK(x.offset == y.offset && x.flags == y.flags && strcmp(x.stem, y.stem) == 0,
                   "token %zu differs the second time: stem %s, then %s", i, x.stem, y.stem);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *lang = langs[data[size - 1] % (sizeof langs / sizeof *langs)];
    size--;
    /* Exactly the input's size, so that ASan sees a read past its end. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    int valid = newsd_utf8_valid(text, size) && !memchr(text, '\0', size);
    newsd_analysis *an = newsd_analysis_new(text, size, lang);
    FUZZ_CHECK((an != NULL) == valid, "newsd_analysis_new() gave %s for %s input", an ? "one" : "NULL",
               valid ? "valid" : "invalid");
    if (an) {
        check_analysis(an, lang);
        newsd_analysis *again = newsd_analysis_new(text, size, lang);
        FUZZ_CHECK(again != NULL, "the second analysis");
        check_same(an, again);
        newsd_analysis_free(again);
    }
    newsd_analysis_free(an);
    free(text);
    return 0;
}
