/* top_stem: tag an article with its most frequent content word, as a stem
 * ("stem:chiphersteller"): the words that are not stop words, counted by
 * their Snowball stem, so "Chips" and "Chip" count as one. */
#include <newsd/plugin.h>

#include <stdlib.h>
#include <string.h>

static int by_text(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int top_stem_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)state;
    (void)stage;
    const newsd_analysis *an = newsd_article_analysis(a);   /* shared with every plugin */
    if (!an)
        return newsd_article_fail(a, "top_stem: out of memory");
    size_t n = newsd_analysis_token_count(an), k = 0;
    const char **stems = malloc((n ? n : 1) * sizeof *stems);
    if (!stems)
        return newsd_article_fail(a, "top_stem: out of memory");
    for (size_t i = 0; i < n; i++) {
        struct newsd_token t = {.struct_size = sizeof t};
        if (newsd_analysis_token_at(an, i, &t) == NEWSD_OK && t.kind == NEWSD_TOKEN_WORD &&
            !(t.flags & NEWSD_TOKEN_STOPWORD) && strlen(t.norm) >= 3)
            stems[k++] = t.stem;   /* the analysis's string: valid during this call */
    }
    qsort(stems, k, sizeof *stems, by_text);
    const char *best = NULL;
    size_t best_n = 1;   /* a stem must occur twice */
    for (size_t i = 0, j; i < k; i = j) {
        for (j = i + 1; j < k && strcmp(stems[j], stems[i]) == 0; j++)
            ;
        if (j - i > best_n) {
            best = stems[i];
            best_n = j - i;
        }
    }
    if (best) {
        char *tag = malloc(strlen("stem:") + strlen(best) + 1);
        if (tag) {
            strcpy(tag, "stem:");
            strcat(tag, best);
            if (newsd_article_tag(a, tag, 1.0) != NEWSD_OK)   /* too long, or too many tags */
                newsd_log(NEWSD_LOG_INFO, "top_stem: %s not tagged", tag);
            free(tag);
        }
    }
    free(stems);
    return NEWSD_OK;
}

NEWSD_PLUGIN(
    .name = "top_stem",
    .description = "tags the most frequent stem that is not a stop word",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .process = top_stem_process,
);
