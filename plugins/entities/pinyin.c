/* pinyin: the shape of a Pinyin word and the common Chinese surnames
 * (pinyin.h). */
#include "pinyin.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
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
            /* without an initial only a final of a, o or e: Pinyin writes
             * the others with y or w ("yi", "wu") */
            if (il == 0 && (*f)[0] != 'a' && (*f)[0] != 'o' && (*f)[0] != 'e')
                continue;
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
 * writes them, of six letters at most. */
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

/* A surname of up to six letters as a number, five bits a letter: the
 * look-up is asked of most capitalised pairs of an article, and compares
 * integers. */
static uint32_t key_of(const char *s, size_t len)
{
    uint32_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
        k = k << 5 | (uint32_t)(s[i] - 'a' + 1);
    }
    return k;
}

#define N_SURNAMES (sizeof surnames / sizeof *surnames)
static uint32_t surname_keys[N_SURNAMES];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static int key_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void keys_make(void)
{
    for (size_t i = 0; i < N_SURNAMES; i++)
        surname_keys[i] = key_of(surnames[i], strlen(surnames[i]));
    qsort(surname_keys, N_SURNAMES, sizeof *surname_keys, key_cmp);
}

int pinyin_surname(const char *norm, size_t len)
{
    if (len < 2 || len > 6)
        return 0;
    uint32_t k = key_of(norm, len);
    if (!k)
        return 0;
    pthread_once(&keys_once, keys_make);
    size_t lo = 0, hi = N_SURNAMES;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (surname_keys[mid] == k)
            return 1;
        if (surname_keys[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
