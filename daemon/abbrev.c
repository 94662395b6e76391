/*
 * Abbreviation lists.  Our own, written for news text: titles, company
 * forms, units and the abbreviations of running text that papers use.
 * Kept in code rather than data files because the segmenter's behaviour
 * depends on them as much as on its rules: a changed list is a changed
 * segmentation, reviewed and tested with it.
 *
 * Matching is case-sensitive: "Art." would otherwise take the dot of the
 * noun "art." at a sentence's end.  Words that are also ordinary words
 * when capitalised at a sentence's end ("Art", "So") are left out.
 * A single letter with a dot needs no entry: segment.c takes it as an
 * initial.
 */
#include "abbrev.h"
#include "strhash.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

struct abbrev_list {
    const char *lang;
    const char *const *words;   /* NULL-terminated */
};

/* Every language: forms found across Latin-script news. */
static const char *const common[] = {
    "Co.", "Corp.", "Inc.", "Ltd.", "Bros.", "Dr.", "Prof.", "Mr.", "Mrs.", "Ms.", "St.", "Jr.", "Sr.",
    "No.", "Nr.", "vs.", "etc.", "ca.", "Mio.", "Mrd.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.", "Dez.", "Okt.", "approx.", "Ph.D.", NULL,
};

static const char *const de[] = {
    "bzw.", "usw.", "vgl.", "Str.", "Hr.", "Fr.", "Frl.", "Tsd.", "Jh.", "Jhd.", "evtl.", "ggf.", "inkl.",
    "exkl.", "zzgl.", "sog.", "bspw.", "insb.", "allg.", "Abs.", "Bd.", "Dipl.", "Ing.", "Mag.", "Tel.",
    "geb.", "gest.", "Gebr.", "jun.", "sen.", "Abb.", "Anm.", "Aufl.", "Hrsg.", "Kap.", "ff.", "Std.",
    "Sek.", "Tab.", "ehem.", "einschl.", "gem.", "max.", "min.", "rd.", "urspr.", "verh.", "Verf.",
    "Ziff.", "zit.", "zz.", "zzt.", "Univ.", "Pkt.", "Fa.", "Kfm.",
    "Mitgl.", "Präs.", "Vors.", "stv.", "Stv.", "ital.", "franz.", "engl.", "dt.", "österr.", "schweiz.",
    "span.", "russ.", "lat.", "griech.", NULL,
};

static const char *const en[] = {
    "Sen.", "Rep.", "Gov.", "Gen.", "Col.", "Lt.", "Sgt.", "Capt.", "Cmdr.", "Adm.", "Maj.", "Rev.",
    "Hon.", "Pres.", "Supt.", "Det.", "Insp.", "Mar.", "Apr.", "Jun.", "Jul.", "Sep.", "Mt.", "Ft.",
    "Ave.", "Blvd.", "Rd.", "Dept.", "Univ.", "Assn.", "Fig.", "cf.", "al.", "viz.", "est.", "Nos.",
    "Messrs.", "Cos.", "Plc.", "plc.", "Pty.", "Calif.", "Fla.", "Ariz.", "Colo.", "Minn.", "Tenn.",
    "Okla.", NULL,
};

static const char *const fr[] = {
    "Mme.", "Mmes.", "Mlle.", "Mlles.", "MM.", "av.", "bd.", "env.", "Ste.", "Pr.", "art.", "chap.",
    "éd.", "janv.", "févr.", "avr.", "juil.", "sept.", "oct.", "nov.", "déc.", "p.", "pp.", "cie.",
    "Cie.", NULL,
};

static const char *const es[] = {
    "Sra.", "Srta.", "Dra.", "Ud.", "Uds.", "Vd.", "Vds.", "pág.", "págs.", "núm.", "aprox.", "Av.",
    "Avda.", "Cía.", "dcha.", "izq.", "Excmo.", "Ilmo.", "Lic.", "Ing.", "Arq.", "D.", "Dña.", "ene.",
    "dic.", NULL,
};

static const char *const it[] = {
    "Sig.", "Sigg.", "Sig.ra", "Dott.", "Dott.ssa", "Avv.", "Ing.", "Geom.", "Rag.", "ecc.", "pag.",
    "pagg.", "sec.", "ca.", "Spett.", "gen.", "febbr.", "apr.", "giu.", "lug.", "ott.", "dic.", NULL,
};

static const char *const nl[] = {
    "dhr.", "Dhr.", "mevr.", "Mevr.", "mr.", "dr.", "drs.", "ir.", "ing.", "prof.", "bijv.", "enz.",
    "jl.", "resp.", "nl.", "o.a.", "m.a.w.", "t.a.v.", "i.p.v.", "mln.", "mld.", "mrd.", NULL,
};

static const char *const ru[] = {
    "г.", "гг.", "др.", "им.", "ул.", "пр.", "млн.", "млрд.", "тыс.", "руб.", "долл.", "стр.", "см.",
    "ок.", "проф.", "акад.", "ген.", "св.", "т.", "н.", "э.", "обл.", "р.", "п.", "ст.", NULL,
};

static const struct abbrev_list lists[] = {
    {"de", de}, {"en", en}, {"fr", fr}, {"es", es}, {"it", it}, {"nl", nl}, {"ru", ru},
};

/* Spaced abbreviations, one ASCII space between their parts. */
/* Each spaced abbreviation starts with one letter and its dot
 * (abbrev_spaced() relies on it to pass other words at once). */
static const char *const spaced_de[] = {
    "z. B.", "d. h.", "u. a.", "v. a.", "z. T.", "u. U.", "o. Ä.", "o. ä.", "s. o.", "s. u.",
    "i. d. R.", "m. E.", "z. Zt.", "u. a. m.", "v. Chr.", "n. Chr.", "i. A.", "i. V.", "a. D.", "e. V.",
    "z. Hd.", "u. v. m.", NULL,
};
static const char *const spaced_en[] = {"e. g.", "i. e.", NULL};
static const char *const spaced_ru[] = {"т. е.", "т. д.", "т. п.", "т. к.", NULL};
static const char *const spaced_fr[] = {"c.-à-d.", NULL};

static const struct abbrev_list spaced_lists[] = {
    {"de", spaced_de}, {"en", spaced_en}, {"ru", spaced_ru}, {"fr", spaced_fr},
};

/* Elided words, without their apostrophe, in lower case. */
static const char *const elisions_fr[] = {
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", NULL,
};
static const char *const elisions_it[] = {
    "l", "d", "c", "m", "t", "s", "v", "n", "un", "dell", "all", "dall", "nell", "sull", "coll",
    "quell", "quest", "bell", "sant", NULL,
};
static const char *const elisions_ca[] = {"l", "d", "m", "n", "s", "t", NULL};

static const struct abbrev_list elision_lists[] = {
    {"fr", elisions_fr}, {"it", elisions_it}, {"ca", elisions_ca},
};

static const char *const months_de[] = {
    "Januar", "Jänner", "Februar", "Feber", "März", "April", "Mai", "Juni", "Juli", "August",
    "September", "Oktober", "November", "Dezember", NULL,
};

static const char *const *list_of(const struct abbrev_list *lists_, size_t n, const char *lang)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(lists_[i].lang, lang) == 0)
            return lists_[i].words;
    return NULL;
}

static bool in_list(const char *const *words, const char *s, size_t len)
{
    for (; words && *words; words++)
        if ((*words)[0] == s[0] && strncmp(*words, s, len) == 0 && (*words)[len] == '\0')
            return true;
    return false;
}

/* Longer than every listed abbreviation: not looked up. */
#define ABBREV_MAX_LEN 12

/* The dotted abbreviations of common[] and lists[] in one hash set, made
 * on first use: abbrev_is() runs for every word before a dot, and most of
 * those are no abbreviation, which a scan of the common list and the
 * language's (some hundred entries) only tells at its end.  An entry
 * says in which lists its word stands: bit 0 common[], bit 1 + i
 * lists[i]. */
#define DOTTED_SLOTS 1024
#define COMMON_BIT 1u

struct dotted {
    const char *word;   /* NULL: empty */
    uint32_t len;
    uint32_t lists;
};

static struct dotted dotted[DOTTED_SLOTS];
static pthread_once_t dotted_once = PTHREAD_ONCE_INIT;

_Static_assert(sizeof lists / sizeof *lists < 31, "a list's bit fits in dotted.lists");
/* A full table would make the probes below loop for ever on a word not in
 * it; at most half full keeps them short.  A list added to lists[] is
 * added here too. */
_Static_assert((sizeof common + sizeof de + sizeof en + sizeof fr + sizeof es + sizeof it + sizeof nl + sizeof ru) /
                       sizeof(const char *) <=
                   DOTTED_SLOTS / 2,
               "dotted[] has room for every dotted abbreviation");
_Static_assert(sizeof lists / sizeof *lists == 7, "every list of lists[] is counted above");

static void dotted_add(const char *const *words, uint32_t bit)
{
    for (; *words; words++) {
        size_t len = strlen(*words);
        for (size_t s = strhash(*words, len) & (DOTTED_SLOTS - 1);; s = (s + 1) & (DOTTED_SLOTS - 1)) {
            if (!dotted[s].word) {
                dotted[s] = (struct dotted){*words, (uint32_t)len, bit};
                break;
            }
            if (dotted[s].len == len && memcmp(dotted[s].word, *words, len) == 0) {
                dotted[s].lists |= bit;
                break;
            }
        }
    }
}

static void dotted_make(void)
{
    dotted_add(common, COMMON_BIT);
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        dotted_add(lists[i].words, COMMON_BIT << (i + 1));
}

/* The bit of lang's list in dotted[].lists, 0 when it has none. */
static uint32_t list_bit(const char *lang)
{
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        if (strcmp(lists[i].lang, lang) == 0)
            return COMMON_BIT << (i + 1);
    return 0;
}

bool abbrev_is(const char *lang, const char *s, size_t len)
{
    if (len > ABBREV_MAX_LEN)
        return false;
    pthread_once(&dotted_once, dotted_make);
    uint32_t want = COMMON_BIT | list_bit(lang);
    for (size_t i = strhash(s, len) & (DOTTED_SLOTS - 1);; i = (i + 1) & (DOTTED_SLOTS - 1)) {
        const struct dotted *d = &dotted[i];
        if (!d->word)
            return false;
        if (d->len == len && memcmp(d->word, s, len) == 0)
            return (d->lists & want) != 0;
    }
}

/* Length of a space that may stand inside a spaced abbreviation at t, or
 * 0: ' ', U+00A0 no-break space, U+2009 thin space, U+202F narrow
 * no-break space. */
static size_t inner_space(const unsigned char *t, size_t avail)
{
    if (avail >= 1 && t[0] == ' ')
        return 1;
    if (avail >= 2 && t[0] == 0xC2 && t[1] == 0xA0)
        return 2;
    if (avail >= 3 && t[0] == 0xE2 && t[1] == 0x80 && (t[2] == 0x89 || t[2] == 0xAF))
        return 3;
    return 0;
}

size_t abbrev_spaced(const char *lang, const char *text, size_t avail)
{
    const char *const *words = list_of(spaced_lists, sizeof spaced_lists / sizeof *spaced_lists, lang);
    const unsigned char *t = (const unsigned char *)text;
    /* All start with one letter and a dot (see the lists): a word of
     * more letters, most of those that end a sentence, is none of them. */
    size_t first = t[0] < 0x80 ? 1 : (t[0] & 0xE0) == 0xC0 ? 2 : (t[0] & 0xF0) == 0xE0 ? 3 : 4;
    if (avail <= first || t[first] != '.')
        return 0;
    size_t best = 0;
    for (; words && *words; words++) {
        const char *w = *words;
        if ((unsigned char)w[0] != t[0])
            continue;
        size_t i = 0;
        for (; *w && i < avail; w++) {
            if (*w == ' ') {
                size_t k = inner_space(t + i, avail - i);
                if (!k)
                    break;
                i += k;
            } else if ((unsigned char)*w == t[i]) {
                i++;
            } else {
                break;
            }
        }
        if (!*w && i > best)   /* the longest wins: "u. a. m." over "u. a." */
            best = i;
    }
    return best;
}

bool abbrev_month(const char *lang, const char *s, size_t len)
{
    return strcmp(lang, "de") == 0 && in_list(months_de, s, len);
}

bool abbrev_elision(const char *lang, const char *s, size_t len)
{
    const char *const *words = list_of(elision_lists, sizeof elision_lists / sizeof *elision_lists, lang);
    if (!words)
        return false;
    /* The apostrophe is ' or U+2019 (3 bytes). */
    if (len >= 1 && s[len - 1] == '\'')
        len -= 1;
    else if (len >= 3 && memcmp(s + len - 3, "\xE2\x80\x99", 3) == 0)
        len -= 3;
    else
        return false;
    char low[8];
    if (len == 0 || len >= sizeof low)
        return false;
    for (size_t i = 0; i < len; i++)
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 0x20 : s[i]);
    return in_list(words, low, len);
}
