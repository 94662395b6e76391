/* pinyin: the shape of a Pinyin word and the common Chinese surnames
 * (pinyin.h). */
#include "pinyin.h"

#include <string.h>

/* The initials, the longer ones first ("zh" before "z"), and "" for a
 * syllable that begins with its final ("an", "ou"). */
static const char *const initials[] = {"zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h",
                                       "j", "q", "x", "r", "z", "c", "s", "y", "w", "", NULL};
/* The finals (ü written u or v), the longer ones first.  Initial and
 * final are not checked against each other: a few syllables Pinyin lacks
 * ("bong") pass, the words of English and German do not ("bank",
 * "street"). */
static const char *const finals[] = {"iang", "iong", "uang", "ueng", "ang", "eng", "ong", "iao", "ian", "ing", "uai",
                                     "uan", "van", "ai", "ei", "ao", "ou", "an", "en", "er", "ia", "ie", "iu", "in",
                                     "ua", "uo", "ui", "un", "ue", "ve", "vn", "a", "o", "e", "i", "u", "v", NULL};

#define PINYIN_SYLLABLES_MAX 4

static int syllables_from(const char *s, size_t len, size_t at, int count)
{
    if (at == len)
        return count > 0;
    if (count == PINYIN_SYLLABLES_MAX)
        return 0;
    for (const char *const *i = initials; *i; i++) {
        size_t il = strlen(*i);
        if (il > len - at || memcmp(s + at, *i, il) != 0)
            continue;
        for (const char *const *f = finals; *f; f++) {
            size_t fl = strlen(*f);
            if (fl <= len - at - il && memcmp(s + at + il, *f, fl) == 0 &&
                syllables_from(s, len, at + il + fl, count + 1))
                return 1;
        }
    }
    return 0;
}

int pinyin_word(const char *norm, size_t len)
{
    if (len < 2 || len > 4 * 6)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (norm[i] < 'a' || norm[i] > 'z')
            return 0;
    return syllables_from(norm, len, 0, 0);
}

/* The most common surnames of China, Taiwan and Singapore as Pinyin
 * writes them, sorted. */
static const char *const surnames[] = {
    "bai", "bao", "bi", "bian", "cai", "cao", "cen", "chai", "chang", "chen", "cheng", "chu", "cui", "dai", "deng",
    "ding", "dong", "dou", "du", "duan", "fan", "fang", "fei", "feng", "fu", "gan", "gao", "ge", "geng", "gong",
    "gu", "guan", "guo", "han", "hao", "he", "hong", "hou", "hu", "hua", "huang", "ji", "jia", "jiang",
    "jiao", "jin", "kang", "ke", "kong", "kou", "lai", "lan", "lang", "lao", "lei", "li", "lian", "liang",
    "liao", "lin", "ling", "liu", "long", "lou", "lu", "luo", "lv", "ma", "man", "mao", "mei", "meng", "mi", "miao",
    "min", "mo", "mou", "mu", "nan", "ni", "nie", "ning", "niu", "ou", "ouyang", "pan", "pang", "pei", "peng", "pu",
    "qi", "qian", "qiao", "qin", "qiu", "qu", "quan", "ran", "rao", "ren", "rong", "ruan", "sang", "sha", "shan",
    "shang", "shao", "shen", "shi", "shu", "si", "situ", "song", "su", "sun", "tai", "tan", "tang", "tao", "teng",
    "tian", "tong", "tu", "wan", "wang", "wei", "wen", "weng", "wu", "xi", "xia", "xian", "xiang", "xiao", "xie",
    "xin", "xing", "xiong", "xu", "xue", "yan", "yang", "yao", "ye", "yi", "yin", "yong", "you", "yu", "yuan", "yue",
    "zang", "zeng", "zhai", "zhan", "zhang", "zhao", "zhen", "zheng", "zhong", "zhou", "zhu", "zhuang", "zhuge",
    "zhuo", "zong", "zou"};

int pinyin_surname(const char *norm, size_t len)
{
    size_t lo = 0, hi = sizeof surnames / sizeof *surnames;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        size_t ml = strlen(surnames[mid]);
        int c = strncmp(surnames[mid], norm, len < ml ? len : ml);
        if (c == 0)
            c = ml < len ? -1 : ml > len;
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
