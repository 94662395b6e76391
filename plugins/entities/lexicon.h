/* lexicon: which capitalised words are ordinary words, not names, read
 * from the system's word lists (Debian's wngerman and wamerican).
 *
 * German capitalises every noun, so a capitalised German word is taken for
 * a common noun when ngerman knows it (it also lists some names, Merkel or
 * Scholz: those are the gazetteer's).  Its nouns with a plural or case
 * ending beside them (Antwort/Antworten) are marked as nouns: only they may
 * end a compound of four letters ("Großbank").  A German compound that ngerman lacks is ordinary when it ends
 * in a word that it knows ("Chipfertigungsanlagen": Anlagen).  A word that
 * american-english lists capitalised (a proper name: Moore, Christian) is
 * never ordinary in German: German nouns that are also names are read as
 * names.  An English word is ordinary when american-english has it in
 * lower case: the test for a capitalised word at a sentence start. */
#ifndef ENTITIES_LEXICON_H
#define ENTITIES_LEXICON_H

#include "fpset.h"

#include <stddef.h>
#include <stdint.h>

struct lexicon {
    /* Hashes of the words (fpset.h: collisions are negligible) */
    struct fpset de;       /* folded German words: LEX_* in lexicon.c */
    struct fpfilter de_heads; /* of its nouns and capitalised words: compound heads */
    struct fpset en;       /* lower-case English words */
    struct fpset en_names; /* folded, of the capitalised English words */
    struct fpset de_names; /* folded, of the Hunspell stems that are names ("Osram/S") */
    struct fpset given;    /* folded given names (Bob, Jörg, Thiago): a person's first word */
    struct fpfilter given_filter; /* of them: most capitalised words end here, not in a cache miss */
    int have_de, have_en, have_given;
    size_t de_stems;       /* the words the Hunspell stems added to de or made nouns */
};

void lexicon_init(struct lexicon *l);
void lexicon_free(struct lexicon *l);
/* The German word list (ngerman, path) with the capitalised stems of the
 * n_dics Hunspell dictionaries dics (de_DE.dic: nouns that ngerman lacks;
 * lexicon.c says which).  0, with err "" or the causes of the
 * dictionaries that did not open or read (they are left out); or -1 with
 * the cause in err (ngerman did not read, or out of memory: the list is
 * then left empty). */
int lexicon_load_de(struct lexicon *l, const char *path, const char *const *dics, size_t n_dics, char *err,
                    size_t errlen);
int lexicon_load_en(struct lexicon *l, const char *path, char *err, size_t errlen);
/* The given names' list: a name a line, then a tab and "word" when it is
 * also an ordinary word ("Grant"), "word en" when an English one only
 * ("Peter": to peter out); '#' comments (gen_gazetteer.py given).  0, or
 * -1 with the cause in err. */
int lexicon_load_given(struct lexicon *l, const char *path, char *err, size_t errlen);
/* What norm (case-folded) is in the given names' list for an article in
 * lang: 0 (not there), LEXICON_GIVEN_NAME, or LEXICON_GIVEN_WORD for a
 * name that is also a word (an English word only in English and in
 * languages other than German). */
#define LEXICON_GIVEN_NAME 1
#define LEXICON_GIVEN_WORD 2
int lexicon_given(const struct lexicon *l, const char *lang, const char *norm, size_t len);
/* 1 when american-english lists norm (case-folded) capitalised only: a
 * proper name or a demonym ("British", "Murdoch"), not a word ("Edge"). */
int lexicon_en_proper(const struct lexicon *l, const char *norm, size_t len);
/* 1 when ngerman (or a Hunspell stem) lists norm (case-folded) itself,
 * not only a compound's head of it: "Binder", not "Schrader" (ordinary by
 * "Ader"). */
int lexicon_de_listed(const struct lexicon *l, const char *norm, size_t len);
/* 1 when norm (case-folded) is an ordinary word of lang ("de", "en"). */
int lexicon_common(const struct lexicon *l, const char *lang, const char *norm, size_t len);
/* Announce a lexicon_common() of the same word to come (fpset_prefetch()):
 * an article's words announced together wait for memory together.
 * Returns the word's hash for lexicon_common_hashed(), or 0 when none was
 * needed. */
uint64_t lexicon_prefetch(const struct lexicon *l, const char *lang, const char *norm, size_t len);
/* lexicon_common() with the hash lexicon_prefetch() returned for the word
 * (0: none; it is then worked out): the word is hashed once, and what
 * lexicon_prefetch() found out about it is not asked again.  No other
 * hash may be passed. */
int lexicon_common_hashed(const struct lexicon *l, const char *lang, const char *norm, size_t len, uint64_t hash);
/* Case-fold a German word as the text layer does for these letters
 * (ASCII, Latin-1 letters, ß -> ss) into out; returns its length, or 0
 * when it does not fit. */
size_t lexicon_fold(const char *w, size_t len, char *out, size_t cap);

#endif
