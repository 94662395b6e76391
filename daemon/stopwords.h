/*
 * Stop-word lists per language: DATA_DIR/stopwords/LANG.txt (datadir.h),
 * all read on the first request and kept for the life of the process.  A
 * language without a file has no stop words (logged once, at notice
 * level).
 *
 * File format: UTF-8, words separated by white space, '#' starts a
 * comment that runs to the end of the line.  Words are case-folded as
 * they are read, so a list may write them as a reader would.
 */
#ifndef NEWSD_STOPWORDS_H
#define NEWSD_STOPWORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stopword_set;

/* The list of lang (a code as analysis_lang_code() gives), or NULL when
 * it has none.  Thread-safe; the set is never freed. */
const struct stopword_set *stopwords_get(const char *lang);

/* Whether norm[0..len) is in the set (false for a NULL set). */
bool stopwords_contains(const struct stopword_set *set, const char *norm, size_t len);
/* The same with strhash(norm, len) given. */
bool stopwords_contains_hashed(const struct stopword_set *set, const char *norm, size_t len, uint64_t hash);
/* Start loading the slot that stopwords_contains_hashed() reads first
 * for this hash, so that a lookup some work later finds it in cache. */
void stopwords_prefetch_hashed(const struct stopword_set *set, uint64_t hash);

#endif
