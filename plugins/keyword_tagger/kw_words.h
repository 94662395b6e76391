/* kw_words: keyword_tagger's word list, each word or phrase with its
 * weight.
 *
 * With weights on, an item's last blank-separated part is its weight when
 * it looks like a number ("KI-Chip 2", "semiconductor 1.5"; "Windows 11 1"
 * is the phrase "Windows 11" with weight 1); a part that starts like a
 * number but is none ("KI-Chip 2x"), a weight that is 0, not finite or
 * beyond KW_WEIGHT_MAX, and an item that is only a number ("5" of "2,5") are
 * errors.  Without weights every item is a word of weight 1. */
#ifndef KEYWORD_TAGGER_KW_WORDS_H
#define KEYWORD_TAGGER_KW_WORDS_H

#include <stddef.h>

#define KW_WEIGHT_MAX 1000.0

struct kw_word {
    char *text;
    double weight;
};

struct kw_words {
    struct kw_word *v;
    size_t n, cap;
};

void kw_words_free(struct kw_words *l);

/* Add one item (blanks around it trimmed; an empty item is skipped).  An
 * item already listed is skipped when its weight is the same and an error
 * when it differs.  0; -1 with the cause in err (the item quoted); -2 when
 * out of memory. */
int kw_words_add(struct kw_words *l, const char *item, size_t len, int weighted, char *err, size_t errlen);

#endif
