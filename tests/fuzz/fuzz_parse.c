/*
 * Fuzz target: the bytes of one inbox file to an article, the way a worker
 * does it (pipeline.c): parse_article(), the fields into the article, then
 * what every plugin may ask first (case-folded contains(), which folds
 * the whole text) and the JSON record the archives write.
 *
 * Input: the file's bytes, then one byte that picks the file name (and so
 * the format the name implies): see names[].  Large inputs matter as much
 * as malformed ones: run with -max_len of a few hundred KB and -timeout, so
 * that a path quadratic in the input (combining marks, issue #12 bug 1)
 * fails as a timeout.
 *
 * Promises checked: a parsed article's fields are valid UTF-8 without NUL
 * (parse.h), a refusal comes with a reason, and the record is JSON.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "fuzz_common.h"
#include "parse.h"

static const char *const names[] = {"fuzz.txt", "fuzz.json", "fuzz.html", "fuzz"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet();
    return 0;
}

static void check_field(const char *what, const char *s)
{
    if (s)
        FUZZ_CHECK(newsd_utf8_valid(s, strlen(s)), "parsed %s is not valid UTF-8", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *name = names[data[size - 1] % (sizeof names / sizeof *names)];
    size--;

    /* The pipeline hands over a malloc'd buffer of exactly the file's size:
     * so does this, so that ASan sees a read past its end. */
    unsigned char *raw = malloc(size ? size : 1);
    if (!raw)
        return 0;
    memcpy(raw, data, size);

    struct parsed_article p;
    char *err = NULL;
    if (parse_article(raw, size, name, &p, &err) < 0) {
        FUZZ_CHECK(err != NULL && *err, "a refused file without a reason");
        free(err);
        free(raw);
        return 0;
    }
    FUZZ_CHECK(err == NULL, "a parsed file with a reason: %s", err);
    check_field("title", p.title);
    check_field("body", p.body);
    check_field("lang", p.lang);
    check_field("url", p.url);
    check_field("author", p.author);
    check_field("published", p.published);
    FUZZ_CHECK(p.format != NULL && p.encoding != NULL, "format or encoding not set");

    struct newsd_article *a = article_new(name, 1764339651123);
    article_set_raw(a, raw, size);
    article_take_parsed(a, &p);

    /* The first thing a tagger does: the text folded, searched. */
    newsd_article_contains(a, "Huawei");
    newsd_article_contains_word(a, "KI-Chip");

    char *json = newsd_article_to_json(a);
    FUZZ_CHECK(json != NULL, "no JSON record");
    json_error_t je;
    json_t *rec = json_loads(json, 0, &je);
    FUZZ_CHECK(rec != NULL, "the record is not JSON: %s", je.text);
    const char *id = json_string_value(json_object_get(rec, "id"));
    FUZZ_CHECK(id && strcmp(id, newsd_article_get(a, NEWSD_FIELD_ID)) == 0, "the record's id is not the article's");
    json_decref(rec);
    free(json);
    article_free(a);
    return 0;
}
