/*
 * Snowball stemming (libstemmer) per language.  libstemmer's stemmers are
 * not thread-safe, so each thread keeps its own, one per language, made
 * on first use and deleted when the thread exits.  A memo of recent stems
 * per language, shared by the threads, serves them all: news repeats its
 * words, and a memo hit costs a hash and a compare where the stemmer costs
 * a third of a microsecond per word.
 */
#ifndef NEWSD_STEM_H
#define NEWSD_STEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libstemmer's algorithm for an ISO 639-1 code ("de" → "german"), or NULL
 * when there is none. */
const char *stem_algorithm(const char *lang);

struct stemmer;

/* This thread's stemmer for lang, or NULL when lang has none (or memory
 * ran out making it).  Only for this thread's use. */
struct stemmer *stem_stemmer(const char *lang);

/* The stem of word[0..len) (case-folded UTF-8): a pointer that stays
 * valid until the stemmer's next call (or word itself, when the memo
 * knows the stem is the word: a stem equal to its word may still be a
 * copy, so compare the bytes), its length in *out_len.  NULL when memory
 * runs out. */
const char *stem_word(struct stemmer *st, const char *word, size_t len, size_t *out_len);

/* Ask the CPU to fetch the memo entries stem_word() will read for
 * word[0..len): the memo is larger than the caches, so a lookup that
 * has not been announced waits for memory.  Announcing the words of an
 * article a while before stemming them overlaps those waits. */
void stem_prefetch(const struct stemmer *st, const char *word, size_t len);
/* Both with the word's strhash() (strhash.h) given: the text layer has
 * it already from its own tables, and a word hashed once is cheaper
 * than one hashed three times. */
const char *stem_word_hashed(struct stemmer *st, const char *word, size_t len, uint64_t hash, size_t *out_len);
void stem_prefetch_hashed(const struct stemmer *st, size_t len, uint64_t hash);

/* stem_word_hashed() that also tells whether word is a stop word of the
 * stemmer's language (stopwords_contains() of stopwords_get(lang)): the
 * memo keeps that bit with the stem, so a hit costs no look-up in the
 * stop words.  stop may be NULL. */
const char *stem_word_stop_hashed(struct stemmer *st, const char *word, size_t len, uint64_t hash, bool *stop,
                                  size_t *out_len);

#endif
