/* pinyin: Chinese names as the press writes them, in Hanyu Pinyin without
 * tone marks ("Wang Xuebing", "Ziyi Zhang"): the heuristics' test of a
 * word's shape and of a common surname. */
#ifndef ENTITIES_PINYIN_H
#define ENTITIES_PINYIN_H

#include <stddef.h>

/* 1 when norm (lower case) is one to four Pinyin syllables and nothing
 * else: "xuebing", "jinping", "ziyi"; not "street", "bank". */
int pinyin_word(const char *norm, size_t len);

/* 1 when norm (lower case) is one of the common Chinese surnames. */
int pinyin_surname(const char *norm, size_t len);

#endif
