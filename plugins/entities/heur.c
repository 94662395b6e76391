#include "heur.h"
#include "works.h"

#include "cues.h"
#include "pinyin.h"
#include "strmap.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void heur_cands_remove(struct heur_cands *c, const uint8_t *gone, size_t n_gone)
{
    size_t out = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (i < n_gone && gone[i])
            free(c->v[i].name);
        else
            c->v[out++] = c->v[i];
    }
    c->n = out;
}

void heur_cands_free(struct heur_cands *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].name);
    free(c->v);
    free(c->titles);
    *c = (struct heur_cands){0};
}

/* The state of one run: the article's words (hyphenated words whole, their
 * parts left out) and what is already claimed. */
#define ACRONYMS_MAX 32

struct run {
    const struct ent_toks *t;
    const uint8_t *covered;
    const uint8_t *listed;   /* may be NULL: heur_run() */
    unsigned flags;          /* enum heur_flag */
    const char *lang;
    int de;               /* lang is German */
    int sports;           /* a sports report (heur_cands.sports), known before the rules run */
    const struct lexicon *lex;
    uint32_t *w;          /* view position -> token index */
    size_t n;
    uint8_t *taken;       /* per view position: a candidate has it */
    uint32_t *sent_words; /* per sentence: words in it */
    uint32_t *cls;        /* per view position: enum cue_bit */
    struct memo_slot *memo; /* MEMO_SLOTS of them */
    struct heur_cands *out;
    /* comes_back_alone()'s index, built on its first call (norms_index()):
     * per token type the first capitalised view position whose norm is
     * that type's (by the type that first had the norm), and per position
     * the next one. */
    int norms_state;       /* 0: not built; 1: built; -1: cannot be (untyped words, no memory) */
    int untyped;           /* some word of the view has no type */
    uint32_t *look;        /* the view positions of capitalised words and of cues, in text order */
    size_t n_look;
    uint32_t *norm_of_type, *norm_head, *norm_next;
    /* Per norm (its class: norm_of_type[]): how many of its words stand
     * alone (alone_at()), NO_POS until asked; memoised, since an article
     * that names one person a thousand times would otherwise walk them
     * all for each (comes_back_alone()). */
    uint32_t *norm_alone;
    /* Per token type, what is worked out for its text once (NULL when
     * the words are untyped). */
    struct type_memo *types;
    /* rule_acronym()'s verdicts on the article's acronyms, by text: each
     * is looked for among the article's names once.  Beyond ACRONYMS_MAX
     * different ones the text is no prose, and no more are read. */
    struct {
        const char *text;
        uint32_t len;
        int spelt;
    } acronyms[ACRONYMS_MAX];
    size_t n_acronyms;
};

/* 0 in every field: not worked out yet.  The wide fields first, so that
 * an entry is 32 bytes, not 40 (an article has hundreds of types, and the
 * array is zeroed for each).  first_*: a hyphenated word's first part
 * (rule_org_compound()): 1 + lexicon_common() of it, and
 * lexicon_prefetch()'s hash of it. */
struct type_memo {
    uint64_t hash;         /* what lexicon_prefetch() returned for it (announced) */
    uint64_t first_hash;
    uint32_t cls;          /* 1 + its cue bits (enum cue_bit) */
    uint32_t norm_hash;    /* strmap_hash() of its norm when the cue words were asked: norms_index() reuses it */
    uint8_t common;        /* 1 + lexicon_common() of its norm */
    uint8_t common_tail;   /* 1 + lexicon_common() of the part namey_now() looks up */
    uint8_t announced;     /* lexicon_prefetch() was asked for it */
    uint8_t hashed;        /* norm_hash is set */
    uint8_t first_common;
    uint8_t first_announced;
    uint8_t given;         /* 1 + lexicon_given() of its norm */
    uint8_t surname;       /* 1 + pinyin_surname() of its norm */
};
_Static_assert(sizeof(struct type_memo) == 32, "struct type_memo: 32 bytes");

#define NO_POS UINT32_MAX

/* Web domains an article names that are looked at (prose names a few). */
#define HEUR_DOMAINS 16
/* Words that may end a street's name, looked at (rule_street()). */
#define HEUR_STREETS 32

static const struct ent_tok *tok(const struct run *r, size_t p)
{
    return &r->t->v[r->w[p]];
}

static int text_is(const struct ent_tok *t, const char *s);
static size_t particle_surname(const struct run *r, size_t q);
static int initial(const struct ent_tok *t);

static int norm_in(const struct run *r, size_t p, uint32_t bits)
{
    return (r->cls[p] & bits) != 0;
}

static int is_person_role(const struct run *r, size_t p)
{
    return (r->cls[p] & (C_PROLE | C_ROLESUFFIX)) != 0;
}

static int is_cap(const struct ent_tok *t)
{
    return (t->flags & ENT_TOK_WORD) && (t->flags & (ENT_TOK_CAP | ENT_TOK_UPPER));
}

/* Particles of surnames, in lower case: "da Vinci", "van der Sar".  In
 * German "das", "von" and "zu" are far more often words ("Joachim Feher
 * von der MediaCom"), and no listed place follows a particle there
 * (particle_surname(): "Peter Zorbek da Wien"). */
static const char *const name_particles[] = {"de", "da", "di", "del", "della", "dos", "das", "du", "van", "von",
                                             "ter", "ten", "bin", "ibn", "zu", NULL};
static const char *const name_particles_de[] = {"de", "da", "di", "del", "della", "dos", "du", "van", "ter",
                                                "ten", "bin", "ibn", NULL};

static int particle(const struct run *r, const struct ent_tok *t)
{
    return !is_cap(t) && tok_norm_in(t, r->de ? name_particles_de : name_particles);
}

static int same_sentence(const struct run *r, size_t a, size_t b)
{
    return tok(r, a)->sentence == tok(r, b)->sentence;
}

static int has_digit(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return 1;
    return 0;
}

static int namey(const struct run *r, size_t p, int acronyms)
{
    return (r->cls[p] & (acronyms ? C_NAMEY1 : C_NAMEY0)) != 0;
}

/* A word that can be part of a name.  acronyms: whether a short word in
 * capitals (KI, EU, CEO) counts; for people it does not.  Computed once
 * per word (classify()). */
/* lexicon_common() with a memo per run: an article names the same
 * things again and again, and a word list lookup is a cache miss. */
#define MEMO_SLOTS 512

struct memo_slot {
    const char *norm;
    uint32_t len;
    int common;
};

static int common(const struct run *r, const char *norm, size_t len)
{
    if (!r->memo)
        return lexicon_common(r->lex, r->lang, norm, len);
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)norm[i]) * 16777619u;
    for (size_t i = 0; i < MEMO_SLOTS; i++) {
        struct memo_slot *m = &r->memo[(h + i) & (MEMO_SLOTS - 1)];
        if (!m->norm) {
            m->norm = norm;
            m->len = (uint32_t)len;
            m->common = lexicon_common(r->lex, r->lang, norm, len);
            return m->common;
        }
        if (m->len == len && memcmp(m->norm, norm, len) == 0)
            return m->common;
    }
    return lexicon_common(r->lex, r->lang, norm, len);
}

/* The word namey_now() looks up: a compound's last part says what it
 * is ("KI-Entwickler"). */
static const char *looked_up(const struct ent_tok *t, size_t *len)
{
    const char *norm = t->norm;
    *len = t->norm_len;
    const char *dash = memrchr(norm, '-', *len);
    if (dash) {
        *len -= (size_t)(dash + 1 - norm);
        norm = dash + 1;
    }
    return norm;
}

/* For a word without a hyphen, the word namey_now() looks up is its norm:
 * common and common_tail are the same answer, and whichever is worked out
 * first gives both (the rules ask common_at() of words namey_now() asked,
 * and a look-up in the word lists is a cache miss). */
static void set_common(struct type_memo *m, const struct ent_tok *t, int whole, int c)
{
    uint8_t v = (uint8_t)(1 + c);
    int same = !memchr(t->norm, '-', t->norm_len);
    if (whole || same)
        m->common = v;
    if (!whole || same)
        m->common_tail = v;
}

/* lexicon_common() of the norm of view position p, once per type. */
static int common_at(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    struct type_memo *m = r->types && toks_typed(r->t, t) ? &r->types[t->type] : NULL;
    if (m && m->common)
        return m->common - 1;
    int c = lexicon_common(r->lex, r->lang, t->norm, t->norm_len);
    if (m)
        set_common(m, t, 1, c);
    return c;
}

/* Cue bits of words that are never name words. */
#define NOT_NAMEY (C_LEGAL | C_DESCR | C_NONNAME | C_PROLE | C_ROLESUFFIX | C_SPEECH)

/* A hyphenated word whose last part is an ordinary word in lower case is
 * an adjective or a common noun, no name: "GOP-dominated", "NBA-leading",
 * "Corona-bedingt".  Not a short or unknown part: "Moon Jae-in", "Hwang
 * Hee-chan", "GPA-djp". */
static int lower_tail(const struct run *r, size_t p)
{
    if (!(tok(r, p)->flags & ENT_TOK_WHOLE))
        return 0;
    const struct ent_tok *v = r->t->v;
    size_t j = r->w[p] + 1;
    while (j < r->t->n && (v[j].flags & ENT_TOK_PART) && !(v[j].flags & ENT_TOK_PART_LAST))
        j++;
    return j < r->t->n && (v[j].flags & ENT_TOK_PART_LAST) && (v[j].flags & ENT_TOK_WORD) &&
           !(v[j].flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) && v[j].norm_len >= 4 && common(r, v[j].norm, v[j].norm_len);
}

/* An acronym's plural, capitals and an s: "ISPs", "MPs", "NGOs" are
 * common nouns. */
static int acronym_plural(const struct ent_tok *t)
{
    if (t->text_len < 3 || t->text_len > 6 || t->text[t->text_len - 1] != 's')
        return 0;
    for (size_t i = 0; i + 1 < t->text_len; i++)
        if (t->text[i] < 'A' || t->text[i] > 'Z')
            return 0;
    return 1;
}

static int namey_now(const struct run *r, size_t p, int acronyms)
{
    const struct ent_tok *t = tok(r, p);
    if (!is_cap(t) || (t->flags & ENT_TOK_STOP) || t->text_len < 2 || r->covered[r->w[p]] || lower_tail(r, p) ||
        acronym_plural(t))
        return 0;
    if ((t->flags & ENT_TOK_UPPER) && t->text_len <= 4 && !acronyms)
        return 0;
    if (r->cls[p] & NOT_NAMEY)
        return 0;
    if (!r->de && !(t->flags & ENT_TOK_START))
        return 1;
    /* Per type first: most words repeat one already asked. */
    struct type_memo *tm = r->types && toks_typed(r->t, t) ? &r->types[t->type] : NULL;
    if (tm && tm->common_tail)
        return !(tm->common_tail - 1);
    size_t len;
    const char *norm = looked_up(t, &len);
    /* A type is asked once: the memo by norm is for untyped words. */
    int c = tm ? lexicon_common_hashed(r->lex, r->lang, norm, len, tm->announced ? tm->hash : 0)
               : common(r, norm, len);
    if (tm)
        set_common(tm, t, 0, c);
    return !c;
}

static int is_number(const struct ent_tok *t);
static int is_comma(const struct ent_tok *t);
static int plural_apostrophe(const struct run *r, size_t p);

/* English "Will" in capitals inside a sentence, at view position p, is
 * no verb: "Will Smith", "Will Young" (the given names' list leaves it
 * out, a stop word).  Not in a title written in capitals ("We Will Rock
 * You"): after a capitalised stop word it is the verb. */
static int modal_will(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (r->de || (t->flags & (ENT_TOK_START | ENT_TOK_UPPER)) || !(t->flags & ENT_TOK_CAP) || t->norm_len != 4 ||
        memcmp(t->norm, "will", 4) != 0)
        return 0;
    const struct ent_tok *before = p > 0 && same_sentence(r, p - 1, p) ? tok(r, p - 1) : NULL;
    return !before || !(before->flags & ENT_TOK_STOP) || !(before->flags & (ENT_TOK_CAP | ENT_TOK_UPPER));
}

/* "Theresa May", "Brian May": the month after a given name that is no
 * word is a surname, unless a day's number follows ("until Monday
 * May 5" has no given name; "Jan May 2" is a date). */
static int surname_may(const struct run *r, size_t q)
{
    const struct ent_tok *t = tok(r, q);
    return !r->de && (t->flags & ENT_TOK_CAP) && !(t->flags & ENT_TOK_UPPER) && t->norm_len == 3 &&
           memcmp(t->norm, "may", 3) == 0 && !r->taken[q] && !r->covered[r->w[q]] &&
           !(q + 1 < r->n && same_sentence(r, q, q + 1) && is_number(tok(r, q + 1)));
}

/* lexicon_given() of the capitalised word at p when it may begin a
 * person's name, else 0: only before another capitalised word is the list
 * asked (a cache miss; most capitalised words have none after them), once
 * per type. */
static int given_at(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (!r->lex->have_given || !is_cap(t) || p + 1 >= r->n || !same_sentence(r, p, p + 1))
        return 0;
    /* Or a particle and a capitalised word: "Paolo di Canio".  (Most
     * capitalised words have a longer word after them, or none.) */
    const struct ent_tok *next = tok(r, p + 1);
    if (!is_cap(next) && !(next->norm_len >= 2 && next->norm_len <= 5 && p + 2 < r->n &&
                           same_sentence(r, p, p + 2) && is_cap(tok(r, p + 2)) && particle(r, next)))
        return 0;
    if (modal_will(r, p))
        return LEXICON_GIVEN_WORD;
    struct type_memo *m = r->types && toks_typed(r->t, t) ? &r->types[t->type] : NULL;
    if (m && m->given)
        return m->given - 1;
    int g = lexicon_given(r->lex, r->lang, t->norm, t->norm_len);
    if (m)
        m->given = (uint8_t)(1 + g);
    return g;
}

/* sent_words' top bit: the sentence ends in a full stop, a question or
 * an exclamation mark. */
#define SENT_STOPPED 0x80000000u

/* Whether p is in a sentence of prose: of HEUR_MIN_WORDS words, or of two
 * fewer that ends as a sentence does ("Kapitän Jonatan Soriano ist
 * geblieben.", "Ein Film von Jan Haft."), not a heading or a label.
 * strict: of HEUR_MIN_WORDS words only. */
static int prose_of(const struct run *r, size_t p, int strict)
{
    uint32_t s = r->sent_words[tok(r, p)->sentence], words = s & ~SENT_STOPPED;
    return words >= HEUR_MIN_WORDS || (!strict && words >= HEUR_MIN_WORDS - 2 && (s & SENT_STOPPED));
}

static int prose(const struct run *r, size_t p)
{
    return prose_of(r, p, 0);
}

static int free_span(const struct run *r, size_t a, size_t b)
{
    for (size_t p = a; p < b; p++)
        if (r->taken[p] || r->covered[r->w[p]])
            return 0;
    return 1;
}

#define NO_HEAD SIZE_MAX

static size_t head_nominative(const struct ent_tok *t, char *gender);
static int adjective_shape(const struct ent_tok *t);
static int is_word(const struct ent_tok *t, const char *w, size_t len);

/* The words of view positions [a, b) as written, a possessive cut off the
 * last.  With a German organisation's head at head (else NO_HEAD), in
 * the nominative, as a name is cited: "des Österreichischen Museums für
 * Volkskunde" gives "Österreichisches Museum für Volkskunde" (the head
 * without its genitive, the name adjectives before it with the strong
 * ending of the head's gender).  NULL when out of memory. */
static char *span_name(const struct run *r, size_t a, size_t b, size_t head)
{
    char gender = 'f';
    size_t head_len = head != NO_HEAD ? head_nominative(tok(r, head), &gender) : 0;
    size_t cap = 8;
    for (size_t q = a; q < b; q++)
        cap += tok(r, q)->text_len + 1;
    /* the name adjectives right before the head: "des Deutschen
     * Archäologischen Instituts" */
    size_t adjectives = head;
    while (head != NO_HEAD && adjectives > a && is_cap(tok(r, adjectives - 1)) &&
           adjective_shape(tok(r, adjectives - 1)))
        adjectives--;
    char *s = malloc(cap), *o = s;
    if (!s)
        return NULL;
    for (size_t q = a; q < b; q++) {
        const struct ent_tok *t = tok(r, q);
        size_t len = q == head ? head_len : t->text_len - (q + 1 == b ? tok_possessive(t) : 0);
        if (o != s && !is_comma(t) && !plural_apostrophe(r, q))   /* a list of fields (field_list()) */
            *o++ = ' ';
        if (q >= adjectives && q < head && is_cap(t) && adjective_shape(t)) {
            /* the adjective's stem, then the strong ending of the gender */
            size_t stem = len - 1;
            while (stem > 0 && (t->text[stem] == 'n' || t->text[stem] == 's' || t->text[stem] == 'r'))
                stem--;
            memcpy(o, t->text, stem);
            o += stem;
            const char *end = gender == 'n' ? "es" : gender == 'm' ? "er" : "e";
            memcpy(o, end, strlen(end));
            o += strlen(end);
            continue;
        }
        memcpy(o, t->text, len);
        o += len;
    }
    *o = '\0';
    return s;
}

/* A candidate [a, b) found by rule; head: span_name()'s. */
#define add(r, a, b, type, strong) add_cand(r, a, b, type, strong, NO_HEAD, __func__)
/* An organisation [a, b) whose German head is at p, named in the
 * nominative. */
#define add_nominative(r, a, p, b, strong) add_cand(r, a, b, ENT_ORG, strong, p, __func__)

int heur_cands_push(struct heur_cands *c, const struct heur_cand *x)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        struct heur_cand *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return -1;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = *x;
    return 0;
}

static int demonym_word(const struct ent_tok *t);

/* The end of "& NAME" after the name words ending at b ("Merlicek &
 * Bergmann", "Saatchi & Saatchi"): its capitalised words, ordinary ones
 * too (a German noun as a surname), and the organisation words after
 * them ("Stone & McCarthy Research").  b itself when no such tail is
 * there: not "& Co" (a legal form's rule, or "Google & Co": and the
 * like), nor after a possessive. */
static size_t amp_tail(const struct run *r, size_t b)
{
    if (b == 0 || b + 1 >= r->n || !same_sentence(r, b - 1, b + 1) || tok(r, b)->text_len != 1 ||
        tok(r, b)->text[0] != '&' || tok_possessive(tok(r, b - 1)))
        return b;
    const struct ent_tok *co = tok(r, b + 1);
    if ((r->cls[b + 1] & C_LEGAL) || (co->norm_len == 2 && memcmp(co->norm, "co", 2) == 0))
        return b;
    size_t e = b + 1;
    while (e < r->n && e < b + 4 && same_sentence(r, b, e) && is_cap(tok(r, e)) &&
           !(tok(r, e)->flags & ENT_TOK_STOP) && !(r->cls[e] & (C_ORGWORD | C_DESCR)) && !tok_possessive(tok(r, e - 1)))
        e++;
    if (e == b + 1)
        return b;
    while (e < r->n && same_sentence(r, b, e) && !tok_possessive(tok(r, e - 1)) && is_cap(tok(r, e)) &&
           (r->cls[e] & (C_ORGWORD | C_DESCR)))
        e++;
    return free_span(r, b, e) ? e : b;
}

/* The candidate [a, b) named name (taken over; NULL: out of memory),
 * its words then taken. */
static int push_named(struct run *r, size_t a, size_t b, enum ent_type type, int strong, char *name,
                      const char *rule)
{
    struct heur_cand x = {r->w[a], r->w[b - 1] + 1, type, strong, r->w[a], r->w[b - 1] + 1, name, rule, 0};
    if (!name || heur_cands_push(r->out, &x) < 0) {
        free(name);
        return -1;
    }
    for (size_t p = a; p < b; p++)
        r->taken[p] = 1;
    return 0;
}

static int place_at(const struct run *r, size_t p)
{
    return r->covered[r->w[p]] == 1 + ENT_PLACE;
}

/* Whether t ends as German surnames do that read as compounds: in a
 * trade or a farm's word ("Karrenbauer", "Bauchmüller", "Oberhofer"). */
static int surname_head(const struct ent_tok *t)
{
    static const char *const heads[] = {"bauer", "m\xC3\xBCller", "mann", "meier", "maier", "mayer", "meyer",
                                        "huber", "hofer", "berger", "leitner", "schmid", "schmidt", "schneider",
                                        "weber", "wagner", "gruber", "moser", "lechner", "reiter", NULL};
    size_t n = tok_norm_ends_in(t, heads);
    return n > 0 && n < t->norm_len;
}

/* Whether the word at a, before the rest of a German person's name [a,
 * b), follows an article and is a noun, not the name's first word: no
 * given name, initial or particle.  Not after "an", a preposition ("an
 * Tsitsi Dangarembga").  After "des" a noun has the genitive's s ("des
 * Diskonters Hofer"; "die Witwe des Quarna Zorbek" names her husband).
 * After a comma "der", "die", "den" may begin a relative clause whose
 * subject is the name (", den Quarna Zorbek drehte"): there only an
 * apposition counts, which the name ends (", die Chansonnière Blandine
 * Ebinger, ..."). */
static int noun_before_name(const struct run *r, size_t a, size_t b)
{
    static const char *const articles_de[] = {"der", "die", "das", "den", "dem", "des", "ein", "eine",
                                              "einer", "eines", "einem", "einen", NULL};
    if (a == 0 || !same_sentence(r, a - 1, a) || !tok_norm_in(tok(r, a - 1), articles_de) || given_at(r, a) ||
        initial(tok(r, a)) || tok_norm_in(tok(r, a), name_particles))
        return 0;
    const struct ent_tok *noun = tok(r, a), *article = tok(r, a - 1);
    if (article->norm_len == 3 && memcmp(article->norm, "des", 3) == 0 && noun->norm[noun->norm_len - 1] != 's')
        return 0;
    if (a >= 2 && same_sentence(r, a - 2, a) && is_comma(tok(r, a - 2)) &&
        !(b >= r->n || !same_sentence(r, b - 1, b) || is_comma(tok(r, b))))
        return 0;
    return 1;
}

/* Whether p is a saint's name in the possessive after "St" or "Saint":
 * capitalised, in p's sentence, no other name's. */
static int saints_possessive(const struct run *r, size_t p)
{
    static const char *const saint[] = {"st", "st.", "saint", NULL};
    const struct ent_tok *t = tok(r, p);
    return p > 0 && tok_possessive(t) && is_cap(t) && same_sentence(r, p - 1, p) && !r->taken[p] &&
           !r->taken[p - 1] && !r->covered[r->w[p]] && is_cap(tok(r, p - 1)) && tok_norm_in(tok(r, p - 1), saint);
}

static int add_cand(struct run *r, size_t a, size_t b, enum ent_type type, int strong, size_t head, const char *rule)
{
    /* "Briton Clive Owen", "American Andy Roddick": a nationality before
     * a person's name is no part of it. */
    if (type == ENT_PERSON && b - a >= 3 && demonym_word(tok(r, a)))
        a++;
    /* A nationality alone is no one: "head of the Turkish Central Bank"
     * (the bank listed, the adjective left over). */
    if (type == ENT_PERSON && b - a == 1 && demonym_word(tok(r, a)))
        return 0;
    /* Nor a word before a given name and one surname that is no given
     * name itself: in German a noun ("Kombinierer Eric Frenzel", a sport's
     * noun the word list lacks), in English an ordinary word ("Comptroller
     * Alan Hevesi").  "Sacha Baron Cohen", "Carrie Ann Inaba" begin with
     * one, "Susilo Bambang Yudhoyono" with a name no list has, "Benedetto
     * Della Vedova" has a particle. */
    if (type == ENT_PERSON && b - a == 3 && given_at(r, a + 1) == LEXICON_GIVEN_NAME && !given_at(r, a) &&
        !tok_norm_in(tok(r, a), name_particles) && !tok_norm_in(tok(r, a + 1), name_particles) &&
        !initial(tok(r, a)) && (r->de || common_at(r, a)))
        a++;
    /* In German a capitalised word right after an article, before a
     * person's name, is a noun that says who they are, whether the word
     * lists have it or not: "der Youtuber Kehl", "des Diskonters Hofer",
     * "die Chansonnière Blandine Ebinger".  Not a given name ("der Peter
     * Müller" of southern speech).  What is left of two words is one, and
     * the phrase's head more often than a person's ("die Causa Hypo", "des
     * Shooters Destiny"): no person then. */
    if (type == ENT_PERSON && r->de && b - a >= 2 && noun_before_name(r, a, b)) {
        if (b - a == 2)
            return 0;
        a++;
    }
    /* "Australian Open", "Carling Cup": an event. */
    if (type == ENT_PERSON && norm_in(r, b - 1, C_EVENT))
        return 0;
    /* In German a noun after a given name and a surname is the sentence's
     * ("löste Sonja Wehsely Empörung aus", "bei Ernst Lubitsch Anleihen
     * genommen"): a word ngerman lists itself, or a compound that does not
     * end as surnames do ("Annegret Kramp Karrenbauer" is a double name);
     * not after two given names ("Johann Sebastian Bach") or an initial
     * ("Theodor W. Adorno"). */
    if (type == ENT_PERSON && r->de && b - a == 3 && given_at(r, a) && !given_at(r, a + 1) &&
        !initial(tok(r, a + 1)) && !tok_norm_in(tok(r, a + 1), name_particles) &&
        !(tok(r, b - 1)->flags & ENT_TOK_UPPER) &&
        !lexicon_given(r->lex, r->lang, tok(r, b - 1)->norm, tok(r, b - 1)->norm_len) &&
        (lexicon_de_listed(r->lex, tok(r, b - 1)->norm, tok(r, b - 1)->norm_len) ||
         (common_at(r, b - 1) && !surname_head(tok(r, b - 1)))))
        b--;
    /* No digit in a person's name ("Brent LCOc1" is a price's code). */
    for (size_t k = a; type == ENT_PERSON && k < b; k++)
        if (has_digit(tok(r, k)->text, tok(r, k)->text_len))
            return 0;
    /* The rest of the surname after its particles: "Renaud Donnedieu de
     * Vabres", "the director Lars von Trier". */
    if (type == ENT_PERSON && b < r->n && !tok_possessive(tok(r, b - 1))) {
        size_t more = particle_surname(r, b);
        if (more && !r->taken[b] && !r->taken[b + more - 1]) {
            b += more;
            /* A listed place there is the name's ("von Trier"). */
            strong |= place_at(r, b - 1);
        }
    }
    /* "die Agentur Merlicek & Bergmann": the rest of the firm's name. */
    if (type == ENT_ORG)
        b = amp_tail(r, b);
    /* A saint's possessive before a school, a hospital, a church is the
     * name's, not whose it is: "St Egwin's Middle School". */
    if (type == ENT_ORG && !r->de && a >= 2 && saints_possessive(r, a - 1))
        a -= 2;
    return push_named(r, a, b, type, strong, span_name(r, a, b, head), rule);
}

static const char *const name_ending_forms[] = {"group", "holding", "holdings", "corporation", NULL};

static int first_part_named(const struct ent_tok *first);
static int first_part_common(const struct run *r, const struct ent_tok *whole, const struct ent_tok *first);

/* In German a noun between a name word and the rest of a firm's name is
 * the name's ("Zorbic Energie GmbH", "Meinl European Real Estate Ltd."):
 * a name does not begin in the middle of a run of capitalised words.  Not
 * a role or an organisation's noun ("Vorstand", "Konzern", "Firma"), which
 * stand before names. */
static int noun_inside_name_de(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (!r->de || p == 0 || !is_cap(t) || (t->flags & (ENT_TOK_STOP | ENT_TOK_START | ENT_TOK_UPPER)) ||
        (r->cls[p] & (NOT_NAMEY | C_OROLE | C_ORGHEAD | C_ORGWORD | C_INSTITUTION)) || !same_sentence(r, p - 1, p) ||
        r->taken[p - 1] || r->covered[r->w[p - 1]])
        return 0;
    const struct ent_tok *before = tok(r, p - 1);
    return namey(r, p - 1, 1) && !(before->flags & (ENT_TOK_STOP | ENT_TOK_UPPER)) && !tok_possessive(before);
}

/* "Naura Technology Group Ltd.": from a legal form back over name words,
 * generic words and places; then the generic words and places at the end
 * are cut off. */
static int rule_legal_form(struct run *r, size_t j)
{
    const struct ent_tok *lt = tok(r, j);
    if (!is_cap(lt) || !norm_in(r, j, C_LEGAL) ||
        ((lt->norm_len <= 2) && !(lt->flags & ENT_TOK_UPPER)))
        return 0;
    size_t a = j, hyphen_name = SIZE_MAX;
    while (a > 0 && same_sentence(r, a - 1, j) && !r->taken[a - 1]) {
        size_t p = a - 1;
        /* the gazetteer knows it; not a hyphenated word of which it knows
         * only the first part ("ÖBB-Personenverkehr AG": below) */
        int part_known = 0;
        if (p + 1 == j && (tok(r, p)->flags & ENT_TOK_WHOLE)) {
            size_t last = r->w[p] + 1;
            while (last + 1 < r->t->n && !(r->t->v[last].flags & ENT_TOK_PART_LAST))
                last++;
            part_known = !r->covered[last];
        }
        /* A listed person's surname alone before the legal form is the
         * firm's: "der Moser Holding" (Josef Moser's surname). */
        int surname_firm = p + 1 == j && r->covered[r->w[p]] == 1 + ENT_PERSON && is_cap(tok(r, p)) &&
                           !tok_possessive(tok(r, p)) &&
                           !(p > 0 && same_sentence(r, p - 1, p) && r->covered[r->w[p - 1]]);
        if (surname_firm) {
            /* kept as the name's first word, as a hyphenated one is */
            a = hyphen_name = p;
            continue;
        }
        if (r->covered[r->w[p]] && !place_at(r, p) && !part_known)
            return 0;
        /* "Oil & Natural Gas Corp": an ampersand joins the capitalised
         * word before it to the name, ordinary word or not; not right
         * before the legal form ("AG Edwards & Co."). */
        if (text_is(tok(r, p), "&") && p + 1 < j && p > 0 && same_sentence(r, p - 1, j) && !r->taken[p - 1] &&
            !r->covered[r->w[p - 1]] && is_cap(tok(r, p - 1))) {
            a = p - 1;
            continue;
        }
        /* A hyphenated word right before the legal form whose first part
         * is a name, listed or not: "ÖBB-Personenverkehr AG" (a noun
         * last makes it no name word elsewhere). */
        if (p + 1 == j && r->de && (tok(r, p)->flags & ENT_TOK_WHOLE) && r->w[p] + 1 < r->t->n) {
            const struct ent_tok *first = &r->t->v[r->w[p] + 1];
            if (first_part_named(first) &&
                (r->covered[r->w[p] + 1] || !first_part_common(r, tok(r, p), first))) {
                a = hyphen_name = p;
                continue;
            }
        }
        if (!(namey(r, p, 1) || place_at(r, p) ||
              (is_cap(tok(r, p)) && (norm_in(r, p, C_LEGAL) || norm_in(r, p, C_DESCR)) ) ||
              noun_inside_name_de(r, p)))
            break;
        /* A person's possessive says whose the firm is: "Mr Mittal's LNM
         * Holdings", "Lakshmi Mittal's LNM Holdings". */
        if (tok_possessive(tok(r, p)) && p > 0 && same_sentence(r, p - 1, p) &&
            ((r->cls[p - 1] & C_PROLE) || given_at(r, p - 1)))
            break;
        a = p;
    }
    /* German firms are named by a noun and their land too: "Energie
     * Steiermark AG", "Wirtschaftsservice Burgenland AG".  One noun before
     * places alone (not "der Investmentfonds Blairmore Holdings"), after
     * an article, a lower-case word or nothing (not "Vorstand Energie
     * Steiermark AG"); the places stay. */
    int noun_head = 0, only_places = a < j;
    for (size_t p = a; p < j && only_places; p++)
        only_places = place_at(r, p) || norm_in(r, p, C_LEGAL) || norm_in(r, p, C_DESCR);
    if (r->de && only_places && a > 0 && same_sentence(r, a - 1, j) && !r->taken[a - 1] && !r->covered[r->w[a - 1]] &&
        is_cap(tok(r, a - 1)) && !(tok(r, a - 1)->flags & (ENT_TOK_STOP | ENT_TOK_UPPER)) && common_at(r, a - 1) &&
        !(a > 1 && same_sentence(r, a - 2, a - 1) && is_cap(tok(r, a - 2)) &&
          !(tok(r, a - 2)->flags & (ENT_TOK_STOP | ENT_TOK_START)))) {
        a--;
        noun_head = 1;
    }
    /* In English a place after a name word is the name's last word:
     * "Sierra Nevada Corp." (a German "Siemens Österreich AG" is the
     * firm's branch in the land). */
    size_t b = j;
    while (b > a && (norm_in(r, b - 1, C_LEGAL) || norm_in(r, b - 1, C_DESCR) ||
                     (!noun_head && place_at(r, b - 1) && (r->de || b - 1 == a || !namey(r, b - 2, 1)))))
        b--;
    while (!noun_head && a < b && a != hyphen_name && !namey(r, a, 1) && !place_at(r, a) &&
           !(a + 1 < b && text_is(tok(r, a + 1), "&")))
        a++;
    if (a >= b || (noun_head && b - a < 2))
        return 0;
    int names = 0;
    for (size_t p = a; p < b; p++)
        names += namey(r, p, 1) || (noun_head && place_at(r, p)) || p == hyphen_name;
    if (!names)
        return 0;
    /* One ordinary word is half a name: "Reliance Industries Ltd." at a
     * sentence start, where "Reliance" read as a word. */
    if (b - a == 1 && a > 0 && same_sentence(r, a - 1, a) && is_cap(tok(r, a - 1)) && !r->taken[a - 1] &&
        !(tok(r, a - 1)->flags & ENT_TOK_STOP) &&
        !r->covered[r->w[a - 1]] && common_at(r, a))
        a--;
    /* A legal form that is a word ends the name as the firm and the press
     * write it: "Falic Group", "BMO Financial Group", "Millennium Challenge
     * Corporation".  An abbreviation (Ltd., AG) is cut, and so is a word
     * another legal form follows ("Naura Technology Group Ltd.", "Acme
     * Holdings, Inc."). */
    size_t after = j + 1 < r->n && same_sentence(r, j, j + 1) && text_is(tok(r, j + 1), ",") ? j + 2 : j + 1;
    int word_form = tok_norm_in(lt, name_ending_forms) &&
                    !(after < r->n && same_sentence(r, j, after) && norm_in(r, after, C_LEGAL));
    /* "China's National Petroleum Corporation", "South Korea's Zorbco
     * Corporation": a place's possessive is whose the firm is, not its
     * name's first words; a name word or two stays. */
    size_t own = a;
    while (own < b && place_at(r, own) && !tok_possessive(tok(r, own)))
        own++;
    if (own < b && place_at(r, own) && tok_possessive(tok(r, own)) && b - (own + 1) + (size_t)word_form >= 2)
        a = own + 1;
    size_t first = a;
    while (first > 0 && same_sentence(r, first - 1, j) && place_at(r, first - 1))
        first--;
    /* "der Burgenländischen Landesholding GmbH": a name's adjective in
     * an oblique case is cited in the nominative, as the firm is named
     * (span_name()); written so already, it stays as it is. */
    size_t head = NO_HEAD;
    if (r->de && b - a >= 2 && common_at(r, b - 1) && is_cap(tok(r, b - 2)) && adjective_shape(tok(r, b - 2))) {
        const struct ent_tok *adj = tok(r, b - 2);
        if (adj->norm[adj->norm_len - 2] == 'e' &&
            (adj->norm[adj->norm_len - 1] == 'n' || adj->norm[adj->norm_len - 1] == 'm'))
            head = b - 1;
    }
    if (add_cand(r, a, b, ENT_ORG, 1, head, __func__) < 0)
        return -1;
    struct heur_cand *c = &r->out->v[r->out->n - 1];
    /* The candidate's words stay those before the legal form's word: a
     * later "Sierra Nevada" is the "Sierra Nevada Corporation" met
     * before, no place.  same_firm_names() may cut the name back to its
     * first short_len bytes: set only where they are the short name. */
    if (word_form) {
        char *whole = span_name(r, a, j + 1, NO_HEAD);
        if (!whole)
            return -1;
        size_t short_len = strlen(c->name);
        if (short_len < strlen(whole) && memcmp(whole, c->name, short_len) == 0)
            c->short_len = (uint32_t)short_len;
        free(c->name);
        c->name = whole;
    }
    c->cover_start = r->w[first];
    c->cover_end = r->w[j] + 1;
    for (size_t p = b; p <= j; p++)
        r->taken[p] = 1;
    return 0;
}

static int initial(const struct ent_tok *t)
{
    return (t->flags & ENT_TOK_ABBREV) && (t->flags & (ENT_TOK_UPPER | ENT_TOK_CAP));
}

/* A capitalised word that is an ordinary word, as a surname after a
 * first name may be ("Mario Reiß", "Tim Cook"): not a role, legal form or
 * month, and followed by no other capitalised word. */
static int plain_cap_word(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    return !(!is_cap(t) || (t->flags & (ENT_TOK_STOP | ENT_TOK_START)) || r->covered[r->w[p]] ||
             r->taken[p] || (r->cls[p] & (C_LEGAL | C_DESCR | C_NONNAME | C_PROLE | C_ROLESUFFIX | C_SPEECH)));
}

static int surname_word(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (!is_cap(t) || (t->flags & (ENT_TOK_STOP | ENT_TOK_START | ENT_TOK_UPPER)) || r->covered[r->w[p]] ||
        r->taken[p] ||
        (r->cls[p] & (C_LEGAL | C_DESCR | C_NONNAME | C_ORGWORD | C_PROLE | C_ROLESUFFIX | C_SPEECH)))
        return 0;
    return p + 1 >= r->n || !same_sentence(r, p, p + 1) || !is_cap(tok(r, p + 1));
}

/* Up to max name words from p on.  People (acronyms = 0): no short words in
 * capitals but initials ("J.W. Kuo"), at least one word that is no
 * initial, and a last word that may be an ordinary word (surname_word()).
 * A possessive ends the name ("Mistral's"). */
static size_t names_from(const struct run *r, size_t p, size_t max, int acronyms)
{
    size_t n = 0, full = 0;
    while (p + n < r->n && n < max && same_sentence(r, p, p + n) && !r->taken[p + n] &&
           (namey(r, p + n, acronyms) || (!acronyms && initial(tok(r, p + n)) && !r->covered[r->w[p + n]]))) {
        full += !initial(tok(r, p + n));
        n++;
        if (tok_possessive(tok(r, p + n - 1)))
            return n;
    }
    if (!acronyms && n > 0 && n < max && p + n < r->n && same_sentence(r, p, p + n) && surname_word(r, p + n)) {
        n++;
        full++;
    }
    return acronyms || full ? n : 0;
}

static size_t names_before(const struct run *r, size_t p, size_t max)
{
    size_t n = 0;
    while (n < p && n < max && same_sentence(r, p - n - 1, p) && !r->taken[p - n - 1] &&
           namey(r, p - n - 1, 0))
        n++;
    return n;
}

static int is_comma(const struct ent_tok *t)
{
    return t->norm_len == 1 && t->norm[0] == ',';
}

/* The apostrophe of an English plural's possessive, a token of its own
 * glued to the word before: "Workers'" of "the Communication Workers'
 * Union". */
static int plural_apostrophe(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (p == 0 || !(t->flags & ENT_TOK_GLUED) ||
        !((t->text_len == 1 && t->text[0] == '\'') || (t->text_len == 3 && memcmp(t->text, "\xE2\x80\x99", 3) == 0)))
        return 0;
    const struct ent_tok *w = tok(r, p - 1);
    return (w->flags & ENT_TOK_WORD) && w->text_len > 1 && w->text[w->text_len - 1] == 's';
}

/* "CEO von Moore Threads", "chief executive of Acme". */
/* An organisation's name after a cue: name words, then capitalised words
 * that may be ordinary ones ("Aleph Alpha", "Pro Bahn"). */
static size_t org_names_from(const struct run *r, size_t p, size_t max)
{
    size_t n = names_from(r, p, max, 1);
    while (n > 0 && n < max && p + n < r->n && same_sentence(r, p, p + n) && !tok_possessive(tok(r, p + n - 1)) &&
           plain_cap_word(r, p + n))
        n++;
    return n;
}

static int rule_org_role(struct run *r, size_t p)
{
    if (p + 2 >= r->n || !norm_in(r, p, C_OROLE) || !norm_in(r, p + 1, C_OPREP) ||
        !same_sentence(r, p, p + 2))
        return 0;
    /* "for" after a spokesman only: "a spokesman for Unison"; "best
     * director for Alexander Payne" is an award's. */
    static const char *const fors[] = {"for", NULL};
    static const char *const spokes[] = {"spokesman", "spokeswoman", "spokesperson", NULL};
    if (tok_norm_in(tok(r, p + 1), fors) && !tok_norm_in(tok(r, p), spokes))
        return 0;
    /* Scholars name their university after "at" only: "professor of
     * Economics" is a chair's subject. */
    static const char *const scholars[] = {"professor", "professors", "lecturer", "researcher", "researchers", NULL};
    static const char *const ats[] = {"at", NULL};
    if (tok_norm_in(tok(r, p), scholars) && !tok_norm_in(tok(r, p + 1), ats))
        return 0;
    /* A body's work names it after by or from, and only then: "a survey
     * by Hostway", "figures from Nielsen" (not "the report of Smith"). */
    static const char *const works[] = {"survey", "study", "poll", "report", "analysis", "figures", "estimates",
                                        "forecast", "forecasts", NULL};
    static const char *const bys[] = {"by", "from", NULL};
    int work = tok_norm_in(tok(r, p), works) != 0;
    if (work != (tok_norm_in(tok(r, p + 1), bys) != 0) || (work && is_cap(tok(r, p))) ||
        (work && given_at(r, p + 2)))
        return 0;
    /* In a sports report a head is a player's: "met by the head of Byrne". */
    static const char *const head[] = {"head", NULL};
    if (r->sports && tok_norm_in(tok(r, p), head))
        return 0;
    size_t n = org_names_from(r, p + 2, 4);
    while (n > 0 && norm_in(r, p + 2 + n - 1, C_DESCR))
        n--;
    if (n == 0 || !free_span(r, p + 2, p + 2 + n))
        return 0;
    /* "Head of Research at ICICI Securities": what the role is of is a
     * department; the firm comes after "at". */
    size_t after = p + 2 + n;
    if (after + 1 < r->n && same_sentence(r, p, after + 1) && tok_norm_in(tok(r, after), ats) &&
        is_cap(tok(r, after + 1)))
        return 0;
    /* A capitalised office and "of" or "at" before ordinary English
     * words is a title, no body's: "Director of Photography", "the
     * Director of Public Prosecutions", "Editor at Large", in German text
     * too (but "chief executive of Friends Reunited").  So is a head's or
     * an editor's of them in lower case: "head of Research". */
    static const char *const heads[] = {"chief", "head", "editor", NULL};
    int of = is_word(tok(r, p + 1), "of", 2), at = tok_norm_in(tok(r, p + 1), ats);
    if ((is_cap(tok(r, p)) && !(tok(r, p)->flags & ENT_TOK_START) && (of || at)) ||
        (tok_norm_in(tok(r, p), heads) && of)) {
        size_t k = 0;
        while (k < n && !(r->cls[p + 2 + k] & (C_ORGWORD | C_ORGOF)) &&
               lexicon_common(r->lex, "en", tok(r, p + 2 + k)->norm, tok(r, p + 2 + k)->norm_len))
            k++;
        if (k == n)
            return 0;
    }
    return add(r, p + 2, p + 2 + n, ENT_ORG, 1);
}

/* English: a name before an organisation's office, in lower case: "a
 * Quorblex spokesman", "the Zantrix chairman", "Ryanair boss Michael
 * O'Leary", "Plombix chief executive Anna Smith", "Microsoft founder Bill
 * Gates".  Name words (acronyms too) of up to three, none listed: a
 * listed place or nation is a town's or a team's ("England boss"), a
 * listed name is found anyway.  Not after a possessive ("Bush's
 * spokesman"), nor words that go on a longer name; one word alone is no
 * person's or party's (below). */
static int rule_org_before_role(struct run *r, size_t p)
{
    static const char *const offices[] = {"spokesman", "spokeswoman", "spokesperson", "chairman", "chairwoman",
                                          "boss", "founder", "co-founder", "executive", "economist", NULL};
    const struct ent_tok *t = tok(r, p);
    if (r->de || p == 0 || is_cap(t) || !tok_norm_in(t, offices))
        return 0;
    size_t end = p;
    int chief_economist = t->norm_len == 9 && memcmp(t->norm, "economist", 9) == 0 && p > 1 &&
                          same_sentence(r, p - 1, p) && !is_cap(tok(r, p - 1)) && tok(r, p - 1)->norm_len == 5 &&
                          memcmp(tok(r, p - 1)->norm, "chief", 5) == 0;
    if (chief_economist)
        end = p - 1;   /* "Comerica chief economist David Littman" */
    else if (t->norm_len == 9 && memcmp(t->norm, "executive", 9) == 0) {
        const struct ent_tok *chief = tok(r, p - 1);
        if (p < 2 || is_cap(chief) || chief->norm_len != 5 || memcmp(chief->norm, "chief", 5) != 0 ||
            !same_sentence(r, p - 1, p))
            return 0;
        end = p - 1;
    }
    size_t a = end;
    while (a > 0 && end - a < 3 && same_sentence(r, a - 1, p) && !r->taken[a - 1] && !r->covered[r->w[a - 1]] &&
           namey(r, a - 1, 1) && !tok_possessive(tok(r, a - 1)))
        a--;
    const struct ent_tok *before = a > 0 && same_sentence(r, a - 1, a) ? tok(r, a - 1) : NULL;
    if (a == end || (before && ((is_cap(before) && !(before->flags & (ENT_TOK_STOP | ENT_TOK_START))) ||
                                tok_possessive(before) ||
                                r->covered[r->w[a - 1]])))
        return 0;
    /* One word alone: not a nationality, a given name or a proper name
     * of american-english (a person's: "A Prescott spokeswoman", "a
     * Kennedy spokesman"), a party's adjective ("the Conservative
     * chairman"), nor in a sports report an ordinary word (a club's
     * nickname: "Blues boss").  Of more, the first no given name. */
    static const char *const parties[] = {"conservative", "labour", "liberal", "green", "democratic", "republican",
                                          "tory", "socialist", "unionist", "nationalist", NULL};
    const struct ent_tok *one = end - a == 1 ? tok(r, a) : NULL;
    if (one && (demonym_word(one) || lexicon_given(r->lex, r->lang, one->norm, one->norm_len) ||
                lexicon_en_proper(r->lex, one->norm, one->norm_len) || tok_norm_in(one, parties) ||
                (r->sports && common_at(r, a))))
        return 0;
    if (!one && given_at(r, a))
        return 0;
    return add(r, a, end, ENT_ORG, 0);
}

/* "Ministerpräsident Li Qiang", "CEO Jensen Huang". */
static int rule_person_role(struct run *r, size_t p)
{
    /* A role's possessive names a thing: "the Founder's Edition". */
    if (p + 1 >= r->n || !is_person_role(r, p) || tok_possessive(tok(r, p)))
        return 0;
    size_t q = p + 1;
    if (is_comma(tok(r, q)) && q + 1 < r->n)
        q++;  /* "The summit's president, Mukhtar Babayev," */
    /* Titles in a row are one: "Lt. Col. Alexander Vindman", "author Dr.
     * Silvia S. Martins"; a peer's title is part of the name ("minister
     * Lord Sainsbury": the rule reads it at the title). */
    while (q + 1 < r->n && same_sentence(r, p, q + 1) && is_person_role(r, q) && is_cap(tok(r, q)) &&
           !cue_peerage_title(tok(r, q)->norm, tok(r, q)->norm_len))
        q++;
    size_t n = names_from(r, q, 3, 0);
    /* A first name that is also a word ("Markus Krebber"): after a role,
     * before a name word, it is the name's. */
    if (n == 0 && q + 1 < r->n && same_sentence(r, q, q + 1) && plain_cap_word(r, q) &&
        !(tok(r, q)->flags & ENT_TOK_UPPER) && namey(r, q + 1, 0))
        n = 1 + names_from(r, q + 1, 2, 0);
    if (n == 0 || !free_span(r, q, q + n))
        return 0;
    /* In English a given name alone before more capitals is a name cut
     * short ("guitarist Brian May", "lawyer Walter M Phillips"). */
    if (!r->de && n == 1 && given_at(r, q) && !tok_possessive(tok(r, q)) && q + 1 < r->n &&
        same_sentence(r, q, q + 1) && is_cap(tok(r, q + 1)))
        return 0;
    /* A peer is named with the title: "Lord Falconer".  Not "the
     * Princess Royal" (a title of its own) nor before a plural
     * ("Princess Cruises", a firm). */
    const struct ent_tok *role = tok(r, p), *name = tok(r, q);
    if (q == p + 1 && is_cap(role) && cue_peerage_title(role->norm, role->norm_len)) {
        if ((name->norm_len == 5 && memcmp(name->norm, "royal", 5) == 0) ||
            (n == 1 && name->norm[name->norm_len - 1] == 's' && common_at(r, q)))
            return 0;
        if (free_span(r, p, p + 1))
            return add(r, p, q + n, ENT_PERSON, 0);
    }
    return add(r, q, q + n, ENT_PERSON, 0);
}

/* "Xu Bing, Mitbegründer", "Lisa Su said", "said Lisa Su". */
static int role_soon_after(const struct run *r, size_t p)
{
    /* "Arthur Mensch, Mistral's co-founder", "Stacy Rasgon, an analyst";
     * not a clause: "Altach, wo der Stürmer ...", "Leeds, where the
     * striker ..." */
    for (size_t q = p + 1; q < r->n && q <= p + 3 && same_sentence(r, p, q); q++) {
        /* A role before a name is that name's and says nothing of the one
         * before: "The Attorney General, Lord Goldsmith, ...", "from
         * Ledbury, jockey Richard Wakeham"; an office is a role ("Zorblax
         * Quellmore, Lord Chancellor,"), and so is one before a
         * nationality ("Tevfik Aksoy, chief Turkish economist"). */
        if (is_person_role(r, q))
            return !(q + 1 < r->n && same_sentence(r, q, q + 1) && namey(r, q + 1, 0) &&
                     !is_person_role(r, q + 1) && !demonym_word(tok(r, q + 1)));
        /* "Zorbly, sagte ein Sprecher": the role is the speaker's. */
        if (!(tok(r, q)->flags & ENT_TOK_WORD) || norm_in(r, q, C_CLAUSE | C_SPEECH))
            return 0;
    }
    return 0;
}

/* Names before or after a speech verb: not mostly ordinary words, and not
 * ending in an ordinary plural ("Jio Platforms, added"). */
static int speaker_like(const struct run *r, size_t a, size_t b)
{
    size_t common = 0;
    for (size_t p = a; p < b; p++)
        common += (size_t)common_at(r, p);
    const struct ent_tok *last = tok(r, b - 1);
    int plural = last->norm_len > 3 && last->norm[last->norm_len - 1] == 's' && common_at(r, b - 1);
    return 2 * common <= b - a && !plural;
}

/* The start of a person's name whose name words begin at a: one word
 * before when it is a given name that the word lists also have, so that
 * it is no name word ("Als Florian Gschwandtner, Mitgründer von ..."), but
 * not a word at a sentence start ("Grant Zorbek said": a firm may be named
 * so) unless start_ok (a person's role follows: "Tony Hunter, the
 * organisation's president, said"). */
static size_t given_before(const struct run *r, size_t a, int start_ok)
{
    if (a == 0 || !same_sentence(r, a - 1, a) || r->taken[a - 1] || r->covered[r->w[a - 1]] ||
        namey(r, a - 1, 0))
        return a;
    int g = given_at(r, a - 1);
    return g == LEXICON_GIVEN_NAME ||
                   (g == LEXICON_GIVEN_WORD && (start_ok || !(tok(r, a - 1)->flags & ENT_TOK_START)))
               ? a - 1
               : a;
}

static int add_org_with_places(struct run *r, size_t a, size_t b, const char *rule);

static int rule_person_speech(struct run *r, size_t p)
{
    int role_after = p + 1 < r->n && is_comma(tok(r, p)) && role_soon_after(r, p);
    int verb = norm_in(r, p, C_SPEECH);
    if (!role_after && !verb)
        return 0;
    size_t at = p;
    if (verb && p > 0 && is_comma(tok(r, p - 1)))
        at = p - 1;  /* "Jun Young-hyun, said" */
    size_t n = names_before(r, at, 3);
    if (n >= (role_after ? 1 : 2) && free_span(r, at - n, at) && (role_after || speaker_like(r, at - n, at))) {
        /* "the International Zorbic Federation said": an organisation,
         * read as rule_sequence() reads one. */
        if (!r->de && norm_in(r, at - 1, C_ORGWORD))
            return add_org_with_places(r, at - n, at, __func__);
        return add(r, given_before(r, at - n, role_after), at, ENT_PERSON, 0);
    }
    n = 0;
    if (verb) {
        n = names_from(r, p + 1, 3, 0);
        if (n >= 2 && free_span(r, p + 1, p + 1 + n) && speaker_like(r, p + 1, p + 1 + n))
            return add(r, p + 1, p + 1 + n, ENT_PERSON, 0);
    }
    return 0;
}

/* Build the index of capitalised words by norm (struct run).  Types with
 * the same norm ("Xu", "XU") share the list of the first of them. */
static int norms_index(struct run *r)
{
    const struct ent_toks *t = r->t;
    size_t size = 16;
    while (size < 2 * (size_t)t->n_types)
        size *= 2;
    uint32_t *table = malloc(size * sizeof *table);   /* types, by their norm's hash */
    r->norm_of_type = malloc(((size_t)t->n_types + 1) * sizeof *r->norm_of_type);
    r->norm_head = malloc(((size_t)t->n_types + 1) * sizeof *r->norm_head);
    r->norm_next = malloc((r->n + 1) * sizeof *r->norm_next);
    r->norm_alone = malloc(((size_t)t->n_types + 1) * sizeof *r->norm_alone);
    int ok = t->n_types && !r->untyped && table && r->norm_of_type && r->norm_head && r->norm_next && r->norm_alone;
    if (ok) {
        memset(table, 0xff, size * sizeof *table);
        memset(r->norm_of_type, 0xff, t->n_types * sizeof *r->norm_of_type);
        memset(r->norm_head, 0xff, t->n_types * sizeof *r->norm_head);
        memset(r->norm_alone, 0xff, t->n_types * sizeof *r->norm_alone);
    }
    /* Only the capitalised words are listed: the view's pass kept their
     * positions (r->look), so the others are not read again. */
    for (size_t k = r->n_look; ok && k-- > 0;) {
        size_t p = r->look[k];
        const struct ent_tok *x = tok(r, p);
        if (!is_cap(x))
            continue;
        r->norm_next[p] = NO_POS;
        uint32_t *cls = &r->norm_of_type[x->type];
        /* A type met before has its class; a new one's norm was hashed by
         * the view's pass, for its cue bits. */
        const struct type_memo *m = &r->types[x->type];
        uint32_t h = m->hashed ? m->norm_hash : strmap_hash(x->norm, x->norm_len);
        for (size_t i = *cls == NO_POS ? h & (size - 1) : 0; *cls == NO_POS; i = (i + 1) & (size - 1)) {
            if (table[i] == NO_POS) {
                table[i] = x->type;
                *cls = x->type;
                break;
            }
            const struct ent_tok *y = &t->v[r->w[r->norm_head[table[i]]]];
            if (y->norm_len == x->norm_len && memcmp(y->norm, x->norm, x->norm_len) == 0)
                *cls = table[i];
        }
        r->norm_next[p] = r->norm_head[*cls];
        r->norm_head[*cls] = (uint32_t)p;
    }
    free(table);
    return ok ? 1 : -1;
}

/* A capitalised word at p, outside [a, b), with no name word beside it. */
static int alone_at(const struct run *r, size_t a, size_t b, size_t p)
{
    if (p >= a && p < b)
        return 0;
    int left = p > 0 && same_sentence(r, p - 1, p) && namey(r, p - 1, 1);
    int right = p + 1 < r->n && same_sentence(r, p, p + 1) && namey(r, p + 1, 1);
    return !left && !right;
}

/* Whether the norm of view position q (a capitalised word) comes back
 * alone elsewhere: a capitalised word with no name word beside it.  By the
 * index of norms when the words are typed, else by a scan. */
static int comes_back_alone(struct run *r, size_t a, size_t b, size_t q)
{
    const struct ent_tok *want = tok(r, q);
    if (r->norms_state == 0)
        r->norms_state = norms_index(r);
    if (r->norms_state > 0 && is_cap(want)) {
        uint32_t cls = r->norm_of_type[want->type];
        if (r->norm_alone[cls] == NO_POS) {
            uint32_t n = 0;
            for (uint32_t p = r->norm_head[cls]; p != NO_POS; p = r->norm_next[p])
                n += alone_at(r, 0, 0, p);
            r->norm_alone[cls] = n;
        }
        /* Those inside [a, b) do not count. */
        uint32_t inside = 0;
        for (size_t p = a; p < b; p++)
            inside += is_cap(tok(r, p)) && r->norm_of_type[tok(r, p)->type] == cls && alone_at(r, 0, 0, p);
        return r->norm_alone[cls] > inside;
    }
    for (size_t p = 0; p < r->n; p++) {
        const struct ent_tok *t = tok(r, p);
        if (t->norm_len != want->norm_len || memcmp(t->norm, want->norm, t->norm_len) != 0 || !is_cap(t))
            continue;
        if (alone_at(r, a, b, p))
            return 1;
    }
    return 0;
}

/* The organisation [a, b), with the place right before it (and name words
 * before that), in English descriptors in capitals before it, and an "of
 * PLACE" or a place alone right after it, which are part of its name: "Sri
 * Lanka Banks Association", "North Wales Police", "the International
 * Tennis Federation", "Telecom Regulatory Authority of India", "University
 * College London".  With a place in it, it is strong: the place is not
 * tagged there (resolve.h).  rule: the finding rule's name, for the log. */
static int add_org_with_places(struct run *r, size_t a, size_t b, const char *rule)
{
    size_t a0 = a, b0 = b;
    while (a > 0 && same_sentence(r, a - 1, a) && !r->taken[a - 1] && place_at(r, a - 1) &&
           is_cap(tok(r, a - 1)) && !tok_possessive(tok(r, a - 1)))
        a--;
    /* Name words before the place are the name's too: "North Wales Police". */
    for (size_t k = 0; a != a0 && k < 2 && a > 0 && same_sentence(r, a - 1, a) && !r->taken[a - 1] &&
                       namey(r, a - 1, 1) && !tok_possessive(tok(r, a - 1));
         k++)
        a--;
    /* In English an ordinary word in capitals inside a sentence before
     * the name is the name's too: "Global Lighting Technologies", "the
     * International Tennis Federation" (the rule began at the first word
     * that reads as a name). */
    for (size_t k = 0; !r->de && k < 2 && a > 0 && same_sentence(r, a - 1, a) && is_cap(tok(r, a - 1)) &&
                       !(tok(r, a - 1)->flags & (ENT_TOK_STOP | ENT_TOK_START)) && !r->covered[r->w[a - 1]] &&
                       !r->taken[a - 1] && !(r->cls[a - 1] & (C_LEGAL | C_NONNAME | C_PROLE | C_ROLESUFFIX | C_SPEECH)) &&
                       !tok_possessive(tok(r, a - 1));
         k++)
        a--;
    if (b + 1 < r->n && same_sentence(r, b - 1, b + 1) && !tok_possessive(tok(r, b - 1)) &&
        tok(r, b)->norm_len == 2 && memcmp(tok(r, b)->norm, "of", 2) == 0 && !r->taken[b + 1] &&
        place_at(r, b + 1) && is_cap(tok(r, b + 1))) {
        b += 2;
        while (b < r->n && same_sentence(r, b - 1, b) && !r->taken[b] && place_at(r, b) && is_cap(tok(r, b)) &&
               !tok_possessive(tok(r, b - 1)))
            b++;
    } else if (b < r->n && same_sentence(r, b - 1, b) && norm_in(r, b - 1, C_ORGWORD) && !tok_possessive(tok(r, b - 1)) &&
               !r->taken[b] && place_at(r, b) && is_cap(tok(r, b)) && !(tok(r, b)->flags & ENT_TOK_PART) &&
               !(b + 1 < r->n && same_sentence(r, b, b + 1) && is_cap(tok(r, b + 1)))) {
        b++;  /* "University College London", "Imperial College London" */
    }
    /* German name adjectives before the body's word are cited in the
     * nominative, as rule_adjective_org() cites them: "im Naturhistorischen
     * Museum" (an adjective the word lists lack reads as a name word)
     * gives Naturhistorisches Museum. */
    size_t head = r->de && b0 >= a + 2 && is_cap(tok(r, b0 - 2)) && adjective_shape(tok(r, b0 - 2)) ? b0 - 1 : NO_HEAD;
    return add_cand(r, a, b, ENT_ORG, a != a0 || b != b0, head, rule);
}

static int indefinite(const struct ent_tok *t)
{
    static const char *const words[] = {"a", "an", NULL};
    return tok_norm_in(t, words);
}

/* An indefinite article of English or German. */
static int indefinite_article(const struct ent_tok *t)
{
    static const char *const words[] = {"a", "an", "ein", "eine", "einen", "einem", "einer", "eines", NULL};
    return tok_norm_in(t, words);
}

/* Whether every word of [a, b) is an ordinary word of the article's
 * language or of English ("Black & White", "Art & Money" in German). */
static int all_common(const struct run *r, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++) {
        size_t len;
        const char *norm = looked_up(tok(r, k), &len);
        if (!common(r, norm, len) && !(r->de && lexicon_common(r->lex, "en", norm, len)))
            return 0;
    }
    return 1;
}

static int given_word(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    return r->lex->have_given && lexicon_given(r->lex, r->lang, t->norm, t->norm_len);
}

/* "Moet & Chandon", "Kornfeld & Klipstein", "Stone & McCarthy Research":
 * name words joined by "&" are a firm's name (amp_tail()).  Not where a
 * given name begins a side ("Sarah Brugner & Michael Luger", "Bonnie &
 * Clyde", "David Rubin & Partners": the person's rules read those), where
 * a name word comes before it, nor where both sides are ordinary words. */
static int rule_ampersand(struct run *r, size_t p, size_t n)
{
    size_t amp = p + n;
    size_t e = amp_tail(r, amp);
    if (e == amp || given_word(r, p) ||
        (p > 0 && same_sentence(r, p - 1, p) && is_cap(tok(r, p - 1)) && !(tok(r, p - 1)->flags & ENT_TOK_STOP)) ||
        given_word(r, amp + 1) || !free_span(r, p, amp) ||
        (all_common(r, p, amp) && all_common(r, amp + 1, e)))
        return 0;
    return add_cand(r, p, e, ENT_ORG, 1, NO_HEAD, "rule_ampersand") < 0 ? -1 : 1;
}

/* In German text, an English ordinary word that is no German one and no
 * given name: an English phrase's first word ("Southern Gothic", "Deep
 * South") opens no person's name. */
static int english_word_only(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    return lexicon_common(r->lex, "en", t->norm, t->norm_len) && !lexicon_de_listed(r->lex, t->norm, t->norm_len) &&
           !given_at(r, p) && !tok_norm_in(t, name_particles);
}

/* Two or three name words: an organisation when an organisation word ends
 * them (or an English noun of one follows: "Edge magazine"), a person
 * when the last comes back alone. */
static int rule_sequence(struct run *r, size_t p)
{
    if (r->taken[p])
        return 0;
    /* An initial after a given name is that name's: "John M. Ford" at a
     * sentence's start is no "M. Ford". */
    if (p > 0 && initial(tok(r, p)) && tok(r, p)->text_len <= 2 && same_sentence(r, p - 1, p) && given_at(r, p - 1))
        return 0;
    size_t n = names_from(r, p, 4, 1);
    if (n == 0)
        return 0;
    int amp = rule_ampersand(r, p, n);
    if (amp != 0)
        return amp < 0 ? -1 : 0;
    /* A sport's national body is named by the sport and the country:
     * "Tennis Australia", "Cycling Ireland" (the place no place there). */
    static const char *const sports[] = {"tennis", "cycling", "swimming", "athletics", "rugby", "football",
                                         "basketball", "hockey", "golf", "netball", "rowing", "cricket", "squash",
                                         "badminton", "gymnastics", "triathlon", "boxing", "skiing", "sailing",
                                         "volleyball", "judo", "archery", "baseball", "softball", NULL};
    if (!r->de && n == 1 && p + 1 < r->n && same_sentence(r, p, p + 1) && place_at(r, p + 1) &&
        is_cap(tok(r, p + 1)) && !r->taken[p + 1] && !tok_possessive(tok(r, p)) && tok_norm_in(tok(r, p), sports))
        return add(r, p, p + 2, ENT_ORG, 1);
    /* "Wales Police", "Cambridge University": a place, then an
     * organisation word (English word order). */
    if (n == 1 && !r->de && norm_in(r, p, C_ORGWORD) && p > 0 && same_sentence(r, p - 1, p) && !r->taken[p - 1] &&
        place_at(r, p - 1) && !tok_possessive(tok(r, p - 1)))
        return add_org_with_places(r, p, p + 1, __func__);
    /* "ITA Airways", "Deutsche Bank": an organisation word ends them (it
     * may itself read as a name word in English). */
    size_t e = p + n;
    /* In English a plural's possessive inside the name: "the
     * Communication Workers' Union"; and two runs of name words joined
     * by "and", the second ending in an organisation's word or before one:
     * "the Transport and General Workers' Union", "the Arts and
     * Humanities Research Council" (the second without a possessive of
     * its own: "Zorb and Quarn's Bank" are two). */
    if (!r->de && !tok_possessive(tok(r, e - 1)) && !norm_in(r, e - 1, C_ORGWORD)) {
        size_t f = e;
        if (e + 2 < r->n && is_word(tok(r, e), "and", 3) && same_sentence(r, p, e + 1)) {
            size_t m = names_from(r, e + 1, 4, 1);
            f = m && !tok_possessive(tok(r, e + m)) ? e + 1 + m : e;
            /* The first of ordinary words, as such names are made
             * ("Quorblex and Zantrix Media" are two firms); not the last
             * of a list ("Radio, Film and Television"), nor an
             * organisation's word alone after "and". */
            if (!all_common(r, p, e) || (p > 1 && is_comma(tok(r, p - 1)) && is_cap(tok(r, p - 2))) ||
                (m == 1 && norm_in(r, e + 1, C_ORGWORD)))
                f = e;
        }
        /* Not where a person's name is among them: "Dick Clark
         * Productions" is a firm of its own. */
        for (size_t k = p; k < f && f > e; k++)
            if (given_at(r, k))
                f = e;
        if (f > e && norm_in(r, f - 1, C_ORGWORD))
            return add_org_with_places(r, p, f, __func__);
        size_t g = f < r->n && plural_apostrophe(r, f) ? f + 1 : f;
        if ((g > f || f > e) && g < r->n && same_sentence(r, p, g) && !r->taken[g] && !r->covered[r->w[g]] &&
            is_cap(tok(r, g)) && norm_in(r, g, C_ORGWORD))
            return add_org_with_places(r, p, g + 1, __func__);
    }
    if (n >= 2 && norm_in(r, p + n - 1, C_ORGWORD)) {
        /* and another one after it: "Glenn Research Center" */
        if (e < r->n && same_sentence(r, p, e) && !r->taken[e] && !r->covered[r->w[e]] && is_cap(tok(r, e)) &&
            !tok_possessive(tok(r, e - 1)) && norm_in(r, e, C_ORGWORD))
            e++;
        return add_org_with_places(r, p, e, __func__);
    }
    if (e < r->n && same_sentence(r, p, e) && !r->taken[e] && !r->covered[r->w[e]] &&
        is_cap(tok(r, e)) && norm_in(r, e, C_ORGWORD))
        return add_org_with_places(r, p, e + 1, __func__);
    /* In English a company's descriptor or two inside the name, before
     * the organisation's word: "the Consumer Electronics Association",
     * "the Zorb Technology Council" (a descriptor is no name word of its
     * own). */
    if (!r->de && !tok_possessive(tok(r, e - 1))) {
        size_t d = e;
        while (d < r->n && d < e + 2 && same_sentence(r, p, d) && !r->taken[d] && !r->covered[r->w[d]] &&
               is_cap(tok(r, d)) && (tok(r, d)->flags & ENT_TOK_WORD) && norm_in(r, d, C_DESCR) &&
               !norm_in(r, d, C_ORGWORD) && !tok_possessive(tok(r, d)))
            d++;
        if (d > e && d < r->n && same_sentence(r, p, d) && !r->taken[d] && !r->covered[r->w[d]] && is_cap(tok(r, d)) &&
            norm_in(r, d, C_ORGWORD) && !norm_in(r, d, C_LEGAL))
            return add_org_with_places(r, p, d + 1, __func__);
    }
    /* "Edge magazine", "the Sun newspaper"; not "an Irish band", nor
     * "German magazine Der Spiegel" (a name after it: rule_org_head()),
     * nor the end of a longer name ("BBC Sport website"), nor a demonym
     * or surname ("the British newspaper", "the Murdoch tabloid"). */
    if (!r->de && e < r->n && same_sentence(r, p, e) && !is_cap(tok(r, e)) && norm_in(r, e, C_ORGTAIL) &&
        !tok_possessive(tok(r, e - 1)) &&
        !(n == 1 && lexicon_en_proper(r->lex, tok(r, p)->norm, tok(r, p)->norm_len)) &&
        !(p > 0 && same_sentence(r, p - 1, p) &&
          (indefinite(tok(r, p - 1)) || (is_cap(tok(r, p - 1)) && !tok_possessive(tok(r, p - 1)) &&
                                         !(tok(r, p - 1)->flags & ENT_TOK_STOP) && !norm_in(r, p - 1, C_ARTICLE)))) &&
        !(e + 1 < r->n && same_sentence(r, e, e + 1) && is_cap(tok(r, e + 1))))
        return add(r, p, e, ENT_ORG, 0);
    size_t m = names_from(r, p, 3, 0);
    /* Not across a line break: a list's last name and the next line's
     * first word ("Dursun – Beljo" / "Altach: Stojanovic ..."). */
    for (size_t k = p + 1; k < p + m; k++)
        if (tok(r, k)->flags & ENT_TOK_NEWLINE)
            return 0;
    /* In English a person's first word is no nationality and no ordinary
     * word but a given name or a surname's particle ("American Idol",
     * "Project Entropia" are a show's and a game's; "Grant Shapps", "Van
     * Nistelrooy" are someone). */
    /* ... nor ends in the word of a building, street or park ("Mitchell
     * Pavilion", "Orchard Road"; not a compass word or title, which
     * surnames are too: "Kanye West", "Birgit Prinz"). */
    static const char *const buildings[] = {"pavilion", "amphitheatre", "amphitheater", "arena", "stadium", "centre",
                                            "center", "hall", "park", "road", "street", "avenue", "square",
                                            "station", "bridge", "airport", "theatre", "theater", "hotel", "tower",
                                            "palace", "castle", "gardens", "church", "cathedral", NULL};
    if (m >= 2 && m == n && (p + m >= r->n || !namey(r, p + m, 1)) && !tok_norm_in(tok(r, p + m - 1), buildings) &&
        comes_back_alone(r, p, p + m, p + m - 1) &&
        speaker_like(r, p, p + m) &&
        !(!r->de && (demonym_word(tok(r, p)) ||
                     (common_at(r, p) && !given_at(r, p) && !tok_norm_in(tok(r, p), name_particles)))) &&
        !(r->de && english_word_only(r, p)) && !norm_in(r, p, C_NONPERSON))
        return add(r, p, p + m, ENT_PERSON, 0);
    return 0;
}

/* "Bob Hoskins", "Jörg Albrecht": a given name (lexicon_given()), then one
 * or two name words, or one capitalised ordinary word as the surname
 * ("Orlando Bloom", "Peter Müller").  Not when a word of the span, or the
 * one after it, ends the name of a place or building ("Victoria Station")
 * or an organisation, or is a title ("Prince"); nor inside a longer run
 * of name words, whose reading the other rules decide. */
/* A word that may be a German genitive in -s ("Spielbergs"). */
static int genitive_s(const struct ent_tok *t)
{
    return t->norm_len > 3 && t->norm[t->norm_len - 1] == 's' && t->norm[t->norm_len - 2] != 's' &&
           !(t->flags & ENT_TOK_WHOLE);
}

/* A surname with the Arabic article, one hyphenated word in lower case
 * before a capital: "al-Hussein", "el-Sisi"; the rest of a name after its
 * given name ("Said Raad al-Hussein", "Ali bin al-Hussein"). */
static int arabic_article_name(const struct run *r, size_t q)
{
    const struct ent_tok *t = tok(r, q);
    return (t->flags & ENT_TOK_WHOLE) && t->text_len >= 5 && (t->text[0] == 'a' || t->text[0] == 'e') &&
           t->text[1] == 'l' && t->text[2] == '-' && t->text[3] >= 'A' && t->text[3] <= 'Z' && !r->taken[q] &&
           !r->covered[r->w[q]] && !(t->flags & ENT_TOK_NEWLINE) && q > 0 && same_sentence(r, q - 1, q);
}

/* A surname with its particles from q: "de Vabres", "da Vinci", "van der
 * Sar", "di Canio", in English "von Trier": its length in view positions,
 * or 0.  The particles are lower case.  In German "von" and "zu" are
 * prepositions far more often ("Joachim Feher von der MediaCom", "Peter
 * Müller von Wien"), and "das" is an article: none there.  The name may
 * be a listed place ("da Vinci", "von Trier"). */
static size_t particle_surname(const struct run *r, size_t q)
{
    static const char *const second[] = {"la", "le", "der", "den", "los", "las", NULL};
    if (q < r->n && arabic_article_name(r, q))
        return q + 1 < r->n && same_sentence(r, q, q + 1) && is_cap(tok(r, q + 1)) ? 0 : 1;
    /* Not across a line ("... Zorbek\nvan Quaxel was there"). */
    if (q + 1 >= r->n || !same_sentence(r, q, q + 1) || !particle(r, tok(r, q)) ||
        (tok(r, q)->flags & ENT_TOK_NEWLINE))
        return 0;
    size_t k = q + 1;
    /* "bin al-Hussein" */
    if (arabic_article_name(r, k))
        return k + 1 < r->n && same_sentence(r, k, k + 1) && is_cap(tok(r, k + 1)) ? 0 : k + 1 - q;
    if (tok_norm_in(tok(r, k), second) && !is_cap(tok(r, k)) && k + 1 < r->n && same_sentence(r, q, k + 1))
        k++;
    const struct ent_tok *name = tok(r, k);
    uint8_t cov = r->covered[r->w[k]];
    /* A listed place after the particle is the name's in English ("da
     * Vinci", "von Trier"); in German it is where someone is from. */
    if (r->taken[k] || !is_cap(name) || (name->flags & (ENT_TOK_UPPER | ENT_TOK_STOP | ENT_TOK_NEWLINE)) ||
        (r->cls[k] & (NOT_NAMEY | C_NONPERSON | C_ORGWORD)) || (cov && (r->de || cov != 1 + ENT_PLACE)) ||
        (!cov && !namey(r, k, 0)))
        return 0;
    /* More capitalised words after it: a longer name this cannot tell. */
    if (k + 1 < r->n && same_sentence(r, k, k + 1) && is_cap(tok(r, k + 1)) && !tok_possessive(name))
        return 0;
    return k + 1 - q;
}

static int ends_in_ing(const struct ent_tok *t)
{
    return t->norm_len > 5 && memcmp(t->norm + t->norm_len - 3, "ing", 3) == 0;
}

/* In English an ordinary word in capitals before a given name that is no
 * word is a title or a party's: "Republican Phil Bryant", "Trade
 * Representative Robert Lighthizer".  Not a word in -ing ("What's Eating
 * Gilbert Grape"), nor one that opens a place's or a storm's name ("Fort
 * William Henry", "Tropical Storm Barry"). */
static int title_before_given(const struct run *r, size_t p)
{
    static const char *const openers[] = {"fort", "camp", "mount", "lake", "port", "cape", "point", "storm",
                                          "hurricane", "typhoon", "cyclone", "operation", NULL};
    const struct ent_tok *before = tok(r, p - 1);
    return r->lang && strcmp(r->lang, "en") == 0 && common_at(r, p - 1) && !given_at(r, p - 1) &&
           given_at(r, p) == LEXICON_GIVEN_NAME && !ends_in_ing(before) && !tok_norm_in(before, openers);
}

/* Whether the word before the given name at p is an English sentence's
 * first word that the lists lack, capitalised as the first word is: a
 * descriptor ("Flanker Jason White").  (A given name there has begun a
 * longer name already, "Sarah Jessica Parker": the rule reads p - 1
 * first.) */
static int word_before_given_at_start(const struct run *r, size_t p)
{
    return !r->de && (tok(r, p - 1)->flags & ENT_TOK_START) && given_at(r, p) == LEXICON_GIVEN_NAME;
}

static int rule_person_given(struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    const uint32_t not_person = NOT_NAMEY | C_NONPERSON | C_ORGWORD;
    if (r->taken[p] || r->covered[r->w[p]] || !is_cap(t) || (t->flags & ENT_TOK_UPPER) ||
        ((t->flags & ENT_TOK_STOP) && !modal_will(r, p)) ||
        (r->cls[p] & not_person) || p + 1 >= r->n || !same_sentence(r, p, p + 1) || tok_possessive(t))
        return 0;
    /* Not inside a longer run of name words, unless that word is a title
     * (title_before_given()). */
    if (p > 0 && same_sentence(r, p - 1, p) && !r->taken[p - 1] && namey(r, p - 1, 1) &&
        !tok_possessive(tok(r, p - 1)) && !demonym_word(tok(r, p - 1)) && !title_before_given(r, p) &&
        !word_before_given_at_start(r, p))
        return 0;
    /* A person's name takes no article: after one, a given name is a word
     * ("eine Art Trost") or begins a title ("The Amber Spyglass").  German
     * "an" is a preposition ("gehen an Ewald Lindinger"). */
    const struct ent_tok *before = p > 0 ? tok(r, p - 1) : NULL;
    if (before && same_sentence(r, p - 1, p) && (r->cls[p - 1] & C_ARTICLE) &&
        !(r->de && before->norm_len == 2 && memcmp(before->norm, "an", 2) == 0))
        return 0;
    /* A given name that is also a word ("Grant", "Hans") only before a
     * name word, and not where a sentence's first word is capitalised
     * anyway. */
    int word = given_at(r, p) == LEXICON_GIVEN_WORD;
    size_t q = p + 1, n = names_from(r, q, 2, 0);
    /* At a sentence start such a name is a word unless a surname follows
     * that is no word and no more: "Mike Leigh directed", "Grant Shapps
     * said"; not "Rob Power was a band" (a word), "Grant Thornton Tax" (a
     * longer name), nor an English word in German ("Urban Change"). */
    if (word && (t->flags & ENT_TOK_START) &&
        !(n == 1 && !tok_possessive(tok(r, q)) && !(q + 1 < r->n && same_sentence(r, q, q + 1) && is_cap(tok(r, q + 1))) &&
          !common_at(r, q) && !(r->de && lexicon_common(r->lex, "en", tok(r, q)->norm, tok(r, q)->norm_len))))
        return 0;
    /* After a given name that is also a word ("Maria", "Peter") a German
     * surname that reads as a compound ("Schrader": Ader, "Lindinger":
     * Dinger) counts when ngerman lacks the word itself. */
    if (n == 0 && surname_word(r, q) &&
        (!word || (r->de && !lexicon_de_listed(r->lex, tok(r, q)->norm, tok(r, q)->norm_len))))
        n = 1;
    /* "Leonardo da Vinci", "Paolo di Canio" (and after more of the name,
     * "Renaud Donnedieu de Vabres": add_cand()). */
    size_t particles = n == 0 && !word ? particle_surname(r, q) : 0;
    if (particles)
        return add(r, p, q, ENT_PERSON, 0);   /* add_cand() takes the particles */
    if (n == 0 && !word && surname_may(r, q))
        return add(r, p, q + 1, ENT_PERSON, 0);
    /* German puts a genitive before the title it owns: "Steven
     * Spielbergs Bridge of Spies", "Ridley Scotts Blade Runner". */
    int genitive = 0;
    /* The work is named by words (English or German ones: "Bridge",
     * "Blade"), not by more of the name ("Mario Vargas Llosa"). */
    const struct ent_tok *work = q + 1 < r->n ? tok(r, q + 1) : NULL;
    if (r->de && genitive_s(tok(r, q)) && work && same_sentence(r, q, q + 1) && is_cap(work) &&
        (lexicon_common(r->lex, "en", work->norm, work->norm_len) ||
         lexicon_common(r->lex, "de", work->norm, work->norm_len))) {
        /* the surname may read as a word ("Spiel-bergs") */
        genitive = (n == 2 && !genitive_s(tok(r, q + 1))) || (n == 0 && !word && plain_cap_word(r, q));
        if (genitive)
            n = 1;
    }
    if (n == 0 || !free_span(r, q, q + n))
        return 0;
    for (size_t k = q; k < q + n; k++)
        if (r->cls[k] & not_person)
            return 0;
    size_t e = q + n;
    /* Before a capitalised office the words name a firm or a unit:
     * "Lexus Project Manager Fumihiko Hazama". */
    if (!genitive && e < r->n && same_sentence(r, p, e) && !tok_possessive(tok(r, e - 1)) &&
        ((r->cls[e] & (C_NONPERSON | C_ORGWORD | C_LEGAL)) || namey(r, e, 1) ||
         (!r->de && is_cap(tok(r, e)) && is_person_role(r, e))))
        return 0;
    return add(r, p, e, ENT_PERSON, 0);
}

/* Heads that are ordinary nouns of other phrases too: in English they
 * name an organisation after an article or a describing word ("the band
 * Kraftwerk", "Spanish side Celta Vigo", "his band Queen"), not at a
 * sentence start, after "other", "this" or "that", nor in a phrase that
 * opens the sentence with a preposition, whose next name is the subject
 * ("On his website Smith wrote", "For charity Hughes ran").  German puts
 * the verb there ("Mit seiner Band Motörhead schrieb er ..."). */
static int loose_head(const struct run *r, size_t p)
{
    static const char *const loose[] = {"side", "band", "website", "magazine", "label", "charity", "outfit",
                                        "group", "body", "network", NULL};
    static const char *const not_before[] = {"other", "this", "that", NULL};
    static const char *const preps[] = {"on", "for", "in", "at", "by", "with", "to", "from", "of", NULL};
    const struct ent_tok *t = tok(r, p);
    if (r->de || !tok_norm_in(t, loose))
        return 0;
    if (p == 0 || !same_sentence(r, p - 1, p) || tok_norm_in(tok(r, p - 1), not_before))
        return 1;
    for (size_t a = p; a > 0 && p - a < 3 && same_sentence(r, a - 1, p); a--)
        if ((tok(r, a - 1)->flags & ENT_TOK_START) && tok_norm_in(tok(r, a - 1), preps))
            return 1;
    return 0;
}

/* Heads of a journal's or a magazine's name, also as a compound's end
 * ("Fachblatt", "Fachzeitschrift", "the journal"): what follows is a
 * title, in English as often as not in German text too, whose words
 * "in", "of", "and" join ("Advances in Parasitology", "Language Learning
 * and Technology"). */
static int journal_head(const struct ent_tok *t)
{
    static const char *const ends[] = {"journal", "zeitschrift", "blatt", "magazin", "magazine", NULL};
    for (const char *const *e = ends; *e; e++) {
        size_t n = strlen(*e);
        if (t->norm_len >= n && memcmp(t->norm + t->norm_len - n, *e, n) == 0)
            return 1;
    }
    return 0;
}

/* The words that join two parts of an English name. */
static const char *const ands[] = {"and", "&", NULL};

/* The words of a name in quotation marks from view position i (the
 * opening mark) to its closing mark, in one sentence: up to six, the first
 * capitalised or in capitals ("„Daily NK“", "«Fortunalista»", "\"Tornado\"").
 * 0 when there is none. */
static size_t quoted_name(const struct run *r, size_t i)
{
    static const char *const opening[] = {"\xE2\x80\x9E", "\xE2\x80\x9C", "\xC2\xAB", "\xC2\xBB", "\"", NULL};
    static const char *const closing[] = {"\xE2\x80\x9C", "\xE2\x80\x9D", "\xC2\xBB", "\xC2\xAB", "\"", NULL};
    if (i + 2 >= r->n || !same_sentence(r, i, i + 2))
        return 0;
    const struct ent_tok *open = tok(r, i), *first = tok(r, i + 1);
    int known = 0;
    for (const char *const *o = opening; *o && !known; o++)
        known = text_is(open, *o);
    if (!known || !(first->flags & ENT_TOK_WORD) || !(first->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)))
        return 0;
    for (size_t j = i + 1; j < r->n && j < i + 8 && same_sentence(r, i, j); j++) {
        const struct ent_tok *w = tok(r, j);
        for (const char *const *c = closing; *c; c++)
            if (text_is(w, *c))
                return j - (i + 1);
        if (j - (i + 1) == 6 || !(w->flags & ENT_TOK_WORD))
            return 0;
    }
    return 0;
}

/* In German, the words after an organisation's noun at p that name it
 * though no rule reads them as name words: one word the word list lacks,
 * though it reads as a noun by its parts, alone or before an
 * organisation's word ("der Zeitung Protothema", "im Magazin Artforum",
 * "das Label Problembär Records"; a word the list has is more often the
 * noun's object: "der Zeitung Auskunft geben"); or English words, one of
 * them no German one ("die Kunstplattform Vital Space", "die Band Funk
 * Project").  How many, or 0. */
static size_t name_after_noun_de(const struct run *r, size_t p)
{
    if (p + 2 >= r->n || !same_sentence(r, p, p + 2))
        return 0;
    const struct ent_tok *x = tok(r, p + 1);
    if (is_cap(x) && (x->flags & ENT_TOK_WORD) && !(x->flags & (ENT_TOK_STOP | ENT_TOK_UPPER | ENT_TOK_WHOLE)) &&
        !r->taken[p + 1] && !r->covered[r->w[p + 1]] && !given_word(r, p + 1) &&
        !lexicon_de_listed(r->lex, x->norm, x->norm_len) && !(r->cls[p + 1] & NOT_NAMEY)) {
        if (!is_cap(tok(r, p + 2)))
            return 1;
        if (norm_in(r, p + 2, C_ORGWORD) && !r->taken[p + 2] && !r->covered[r->w[p + 2]] &&
            !(p + 3 < r->n && same_sentence(r, p, p + 3) && is_cap(tok(r, p + 3))))
            return 2;
    }
    size_t m = 0;
    int english = 0;
    for (; m < 4 && p + 1 + m < r->n && same_sentence(r, p, p + 1 + m); m++) {
        const struct ent_tok *w = tok(r, p + 1 + m);
        if (!is_cap(w) || !(w->flags & ENT_TOK_WORD) || (w->flags & ENT_TOK_UPPER) || r->taken[p + 1 + m] ||
            r->covered[r->w[p + 1 + m]] || given_word(r, p + 1 + m) ||
            !lexicon_common(r->lex, "en", w->norm, w->norm_len))
            break;
        english |= !lexicon_de_listed(r->lex, w->norm, w->norm_len);
    }
    return m > 0 && english && !(p + 1 + m < r->n && same_sentence(r, p, p + 1 + m) && is_cap(tok(r, p + 1 + m)))
               ? m : 0;
}

/* "Gewerkschaft Verdi", "Lokführergewerkschaft GDL", "rival Xpeng",
 * "Spanish side Celta Vigo". */
static int rule_org_head(struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (!(t->flags & ENT_TOK_WORD) || p + 1 >= r->n || !(r->cls[p] & C_ORGHEAD))
        return 0;
    /* In English a capitalised head inside a sentence is a name's own
     * word: "Band Aid". */
    if (!r->de && is_cap(t) && !(t->flags & ENT_TOK_START))
        return 0;
    /* In German a noun is capitalised: "verband" is a verb ("Mit ihm
     * verband Milena Jesenská ..."). */
    if (r->de && !is_cap(t) && !(t->flags & ENT_TOK_UPPER))
        return 0;
    /* A maker is a firm or a person, who has a given name: "games maker
     * Peter Molyneux", "documentary maker Michael Cockerell"; not
     * "drinks maker Diageo".  So are a consultancy, analysts, a club or
     * a unit before a given name ("founder of the CGA consultancy
     * Jeanne-Marie Gescher"). */
    static const char *const makers[] = {"maker", "consultancy", "analysts", "club", "unit", "developer", "operator",
                                         "distributor", "entwickler", "betreiber", NULL};
    if (tok_norm_ends_in(t, makers) && given_at(r, p + 1))
        return 0;
    /* A duo or trio of people is named by their given names: "das
     * Klavierduo Katia und Marielle Labèque", "Marianne (63) und
     * Michael". */
    static const char *const duos[] = {"duo", "trio", NULL};
    const struct ent_tok *after = tok(r, p + 1);
    if (tok_norm_ends_in(t, duos) && lexicon_given(r->lex, r->lang, after->norm, after->norm_len))
        return 0;
    /* German: a kind after "ein", no name ("eine Gruppe Banater"); and a
     * given name after the noun begins a person's, whose role the noun
     * was part of ("Chef der Anti-Islam-Bewegung Martin Konvička"). */
    if (r->de && ((p > 0 && same_sentence(r, p - 1, p) && indefinite_article(tok(r, p - 1))) ||
                  (given_at(r, p + 1) && p + 2 < r->n && same_sentence(r, p, p + 2) && is_cap(tok(r, p + 2)))))
        return 0;
    if (loose_head(r, p))
        return 0;
    /* A station is a broadcaster's after a word of the air, not a
     * railway's or the police's: "digital TV station Music Choice", "the
     * music station 1Xtra". */
    static const char *const stations[] = {"station", NULL};
    static const char *const on_air[] = {"tv", "radio", "television", "music", "digital", "news", "local", NULL};
    if (tok_norm_ends_in(t, stations) && !(p > 0 && same_sentence(r, p - 1, p) && tok_norm_in(tok(r, p - 1), on_air)))
        return 0;
    /* A name in quotation marks: "die Internetzeitung „Daily NK“", "der
     * Finanzblog «Fortunalista»". */
    size_t quoted = quoted_name(r, p + 1);
    if (quoted && free_span(r, p + 2, p + 2 + quoted))
        return add(r, p + 2, p + 2 + quoted, ENT_ORG, 0);
    /* In English the name may stand apart, between commas or before the
     * sentence's end: "the financial firm, China Life, said", "the games
     * developer, Rockstar."; or begin with a capitalised "The" of its own:
     * "wireless provider The Cloud". */
    if (!r->de && !is_cap(t) && p + 2 < r->n && same_sentence(r, p, p + 2) && is_comma(tok(r, p + 1)) &&
        !given_at(r, p + 2)) {
        size_t a = p + 2, m = org_names_from(r, a, 4);
        /* a place may begin it: "the financial firm, China Life," */
        int place_first = m == 0 && a + 1 < r->n && same_sentence(r, p, a + 1) && place_at(r, a) &&
                          is_cap(tok(r, a)) && !r->taken[a] && !tok_possessive(tok(r, a));
        if (place_first && (m = org_names_from(r, a + 1, 3)) > 0)
            m++;
        size_t q = a + m;
        if (m == 0 || tok_possessive(tok(r, q - 1)) || (m == 1 && given_word(r, a)) ||
            !(q >= r->n || !same_sentence(r, p, q) || is_comma(tok(r, q)) || text_is(tok(r, q), ".")))
            return 0;
        while (!place_first && m > 0 && norm_in(r, a + m - 1, C_DESCR))
            m--;
        if (m == 0 || !free_span(r, place_first ? a + 1 : a, a + m))
            return 0;
        return add(r, a, a + m, ENT_ORG, place_first);
    }
    size_t the = !r->de && text_is(tok(r, p + 1), "The") && !(tok(r, p + 1)->flags & ENT_TOK_START) &&
                 p + 2 < r->n && same_sentence(r, p, p + 2);
    size_t n = org_names_from(r, p + 1 + the, 4);
    if (n > 0)
        n += the;
    if (r->de && n == 0)
        n = name_after_noun_de(r, p);
    while (n > 0 && norm_in(r, p + n, C_DESCR))
        n--;
    /* An English name goes on after for, of, against, without: "the group
     * Doctors for Camp Closure", "Friends of the Earth". */
    static const char *const links[] = {"for", "of", "against", "without", NULL};
    size_t l = p + 1 + n;
    if (!r->de && n > 0 && l + 1 < r->n && same_sentence(r, p, l + 1) && !tok_possessive(tok(r, l - 1)) &&
        tok_norm_in(tok(r, l), links) && !is_cap(tok(r, l))) {
        size_t q = l + 1 + (text_is(tok(r, l + 1), "the") && l + 2 < r->n && same_sentence(r, p, l + 2));
        size_t m = org_names_from(r, q, 3);
        if (m > 0)
            n = q + m - (p + 1);
    }
    /* A title's joins, in either language; not before a place ("im
     * Fachblatt Science in London").  "and" and "&" join a title of two
     * words or more, or a subject's word ("Language Learning and
     * Technology"), and no given name: "the journal Nature and Oxford
     * researchers", "in the journal Cell and Smith said" are two names. */
    static const char *const joins[] = {"in", "of", "and", "for", "on", "&", NULL};
    for (size_t j; n > 0 && n < 8 && journal_head(t) && (j = p + 1 + n) + 1 < r->n && same_sentence(r, p, j + 1) &&
                   !tok_possessive(tok(r, j - 1)) && tok_norm_in(tok(r, j), joins) && !is_cap(tok(r, j)) &&
                   !place_at(r, j + 1) &&
                   !(tok_norm_in(tok(r, j), ands) &&
                     ((n < 2 && !norm_in(r, j + 1, C_DESCR)) || given_at(r, j + 1)));) {
        size_t m = org_names_from(r, j + 1, 3);
        if (m == 0 && is_cap(tok(r, j + 1)) && norm_in(r, j + 1, C_DESCR))
            m = 1;   /* "... and Technology" */
        if (m == 0)
            break;
        n += 1 + m;
    }
    if (n == 1 && norm_in(r, p + 1, C_ARTICLE))
        return 0;   /* "im Fachblatt The BMJ": the listed name after it */
    /* A letter is no name: "Gruppe A", "Gruppe B." (a tournament's). */
    if (n == 1 && tok(r, p + 1)->norm_len <= 2 && (tok(r, p + 1)->norm_len == 1 || tok(r, p + 1)->norm[1] == '.'))
        return 0;
    if (n == 0 || !free_span(r, p + 1, p + 1 + n))
        return 0;
    /* A place right after the name is its own: "Mexican side Red Sharks
     * Veracruz". */
    size_t e = p + 1 + n;
    while (e < r->n && e < p + 1 + n + 2 && same_sentence(r, p, e) && !r->taken[e] && place_at(r, e) &&
           is_cap(tok(r, e)) && !tok_possessive(tok(r, e - 1)))
        e++;
    return add(r, p + 1, e, ENT_ORG, e > p + 1 + n);
}

/* Whether the first part of a hyphenated word may be a name, as far as
 * its flags tell. */
static int first_part_named(const struct ent_tok *first)
{
    return (first->flags & ENT_TOK_PART) && (first->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) && first->norm_len >= 2;
}

/* lexicon_common() of the first part of the hyphenated word whole: once
 * per type of the whole (its text gives its parts), with the hash the
 * view's pass announced. */
static int first_part_common(const struct run *r, const struct ent_tok *whole, const struct ent_tok *first)
{
    struct type_memo *m = r->types && toks_typed(r->t, whole) ? &r->types[whole->type] : NULL;
    if (m && m->first_common)
        return m->first_common - 1;
    int c = lexicon_common_hashed(r->lex, r->lang, first->norm, first->norm_len,
                                  m && m->first_announced ? m->first_hash : 0);
    if (m)
        m->first_common = (uint8_t)(1 + c);
    return c;
}

/* "UniCredit-Chef" (the first part), "Schwarz-Gruppe" (the whole). */
static int rule_org_compound(struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (!(t->flags & ENT_TOK_WHOLE) || r->taken[p] || r->covered[r->w[p]])
        return 0;
    const char *dash = memchr(t->norm, '-', t->norm_len);
    const char *last = memrchr(t->norm, '-', t->norm_len);
    if (!dash || dash != last)
        return 0;  /* two parts only */
    size_t head_len = t->norm_len - (size_t)(last + 1 - t->norm);
    const struct ent_tok *first = &r->t->v[r->w[p] + 1];  /* the first part follows its whole */
    if (!first_part_named(first) || first_part_common(r, t, first))
        return 0;
    uint32_t head = cue_bits(last + 1, head_len);
    /* ... also a compound of such a head ("Flick-Privatstiftung",
     * "Schwarz-Unternehmensgruppe"), unless a name follows, which it says
     * what is: "die Brexit-Lobbygruppe Vote Leave". */
    static const char *const whole_ends[] = {"stiftung", "gruppe", "holding", NULL};
    int name_after = p + 1 < r->n && same_sentence(r, p, p + 1) && is_cap(tok(r, p + 1));
    for (const char *const *e = whole_ends; !(head & C_ORGWHOLE) && !name_after && *e; e++) {
        size_t n = strlen(*e);
        if (head_len > n + 3 && memcmp(last + 1 + head_len - n, *e, n) == 0)
            head |= C_ORGWHOLE;
    }
    if (head & C_ORGWHOLE)
        return add(r, p, p + 1, ENT_ORG, 0);
    if (!(head & C_ORGPART))
        return 0;
    /* "die Potami-Partei" names the party; before a name the first part
     * says what kind the party is: "der Indigena-Partei Winaq". */
    if (name_after && head_len == 6 && memcmp(last + 1, "partei", 6) == 0)
        return 0;
    /* A manager of an English word is a job: "Community-Managerin",
     * "Product-Manager"; "Meinl-Manager" is the bank's. */
    if (head_len >= 7 && memcmp(last + 1, "manager", 7) == 0 &&
        lexicon_common(r->lex, "en", first->norm, first->norm_len))
        return 0;
    struct heur_cands *c = r->out;
    if (add(r, p, p + 1, ENT_ORG, 0) < 0)
        return -1;
    /* The name is the first part alone. */
    struct heur_cand *cand = &c->v[c->n - 1];
    cand->name[first->text_len] = '\0';
    cand->start = r->w[p] + 1;
    cand->end = r->w[p] + 2;
    return 0;
}

/* An English firm after the place it is based or listed in:
 * "Oxford-based Natural Motion", "London-listed Xstrata".  Not after a
 * thing ("hardware-based DRM", "net-based IP services"), nor a person's
 * name, whose given name tells it ("the Paris-based Karl Lagerfeld"). */
static int rule_org_based(struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    static const char *const based[] = {"-based", "-listed", NULL};
    if (r->de || !(t->flags & ENT_TOK_WHOLE) || p + 1 >= r->n || !same_sentence(r, p, p + 1) ||
        !tok_norm_ends_in(t, based) || !first_part_named(&r->t->v[r->w[p] + 1]) || given_at(r, p + 1))
        return 0;
    size_t n = org_names_from(r, p + 1, 4);
    while (n > 0 && norm_in(r, p + n, C_DESCR) && !norm_in(r, p + n, C_LEGAL))
        n--;
    if (n == 0 || !free_span(r, p + 1, p + 1 + n))
        return 0;
    return add(r, p + 1, p + 1 + n, ENT_ORG, 0);
}

static int is_word(const struct ent_tok *t, const char *w, size_t len)
{
    return t->norm_len == len && memcmp(t->norm, w, len) == 0;
}

/* The endings of a German adjective. */
static const char *const adjective_endings[] = {"e", "es", "en", "er", NULL};

/* A German adjective in lower case, as one stands between "für" and the
 * noun of a name ("für angewandte Kunst", "für erneuerbare Energie"). */
static int lower_adjective(const struct ent_tok *t)
{
    if (!(t->flags & ENT_TOK_WORD) || (t->flags & (ENT_TOK_CAP | ENT_TOK_UPPER | ENT_TOK_STOP)) || t->norm_len < 5)
        return 0;
    for (const char *const *e = adjective_endings; *e; e++) {
        size_t n = strlen(*e);
        if (memcmp(t->norm + t->norm_len - n, *e, n) == 0)
            return 1;
    }
    return 0;
}

/* Whether a German word ends as an adjective of a name does: in -sch or
 * -al with an inflection ("Österreichisches", "Deutschen", "Nationale";
 * nouns seldom end so). */
static int adjective_shape(const struct ent_tok *t)
{
    if (t->norm_len < 6)
        return 0;
    for (const char *const *e = adjective_endings; *e; e++) {
        size_t n = strlen(*e), len = t->norm_len - n;
        /* the stem of six bytes or more: "Deutsch", "National"; not the
         * surname "Fischer" */
        if (len >= 6 && memcmp(t->norm + len, *e, n) == 0 &&
            (memcmp(t->norm + len - 3, "sch", 3) == 0 || memcmp(t->norm + len - 2, "al", 2) == 0))
            return 1;
    }
    return 0;
}

/* A German adjective with a capital inside a sentence, which only a name
 * gives it: "Österreichisches Museum", "Deutsches Zentrum", "Nationales
 * Institut". */
static int name_adjective(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    return is_cap(t) && !(t->flags & (ENT_TOK_START | ENT_TOK_STOP | ENT_TOK_UPPER | ENT_TOK_WHOLE)) &&
           !r->taken[p] && !r->covered[r->w[p]] && adjective_shape(t);
}

/* The bytes of a German genitive's -s or -es at the end of t's norm
 * ("Zentrums", "Amtes", "Straflandesgerichts") when the noun without
 * them has a cue bit of mask; else 0.  Cut where text and norm both end
 * in it (not "ſ", nor "ß" whose norm is "ss"), the text without a
 * possessive ("Amtes's"), so that the cut is the same ASCII in both. */
static size_t genitive_cut(const struct ent_tok *t, uint32_t mask)
{
    size_t text = t->text_len - tok_possessive(t), len = t->norm_len;
    for (size_t c = 1; c <= 2 && len >= c + 3 && text >= c + 3; c++) {
        if (t->norm[len - 1] != 's' || t->text[text - 1] != 's' ||
            (c == 2 && (t->norm[len - 2] != 'e' || t->text[text - 2] != 'e')))
            break;
        if ((cue_bits(t->norm, len - c) | cue_suffix_bits(t->norm, len - c)) & mask)
            return c;
    }
    return 0;
}

static char noun_gender(const char *norm, size_t len);

/* The bytes of a German head of "HEAD für NAME" without a genitive's
 * -s or -es (genitive_cut()), and its gender: 'n', 'm' or 'f'. */
static size_t head_nominative(const struct ent_tok *t, char *gender)
{
    size_t text = t->text_len - tok_possessive(t), cut = genitive_cut(t, C_ORGOF | C_ORGFOR | C_INSTITUTION);
    *gender = noun_gender(t->norm, t->norm_len - cut);
    return text - cut;
}

/* The gender of a German organisation's noun by its end: 'n', 'm', or 'f'
 * (also for one the table lacks). */
static char noun_gender(const char *norm, size_t len)
{
    static const struct {
        const char *end;
        char gender;
    } genders[] = {{"zentrum", 'n'}, {"amt", 'n'}, {"institut", 'n'}, {"museum", 'n'}, {"ministerium", 'n'},
                   {"verband", 'm'}, {"rat", 'm'}, {"fonds", 'm'}, {"kuratorium", 'n'}, {"sekretariat", 'n'},
                   {"gericht", 'n'}, {"hof", 'm'}, {"orchester", 'n'}, {"fc", 'm'}, {"club", 'm'},
                   {"trust", 'm'}, {"konzern", 'm'}, {"verein", 'm'}, {"dienst", 'm'}, {"klinikum", 'n'},
                   {"spital", 'n'}, {"landtag", 'm'}, {"haus", 'n'}, {"theater", 'n'}, {"kammertag", 'm'}};
    char gender = 'f';
    for (size_t k = 0; k < sizeof genders / sizeof *genders; k++) {
        size_t n = strlen(genders[k].end);
        if (len >= n && memcmp(norm + len - n, genders[k].end, n) == 0)
            gender = genders[k].gender;
    }
    return gender;
}

/* Whether the word at p is a compound ending in -amt or -rat (or their
 * genitives) that the cue lists have only as that end ("Lehramt",
 * "Vorrat"), not as itself ("Amt", "Landesamt", cues.c). */
static int short_compound_head(const struct run *r, size_t p)
{
    static const char *const ends[] = {"amt", "amts", "amtes", "rat", "rats", "rates", NULL};
    const struct ent_tok *t = tok(r, p);
    for (const char *const *e = ends; *e; e++) {
        size_t n = strlen(*e);
        if (t->norm_len > n && memcmp(t->norm + t->norm_len - n, *e, n) == 0)
            return !(cue_bits(t->norm, t->norm_len) & (C_ORGFOR | C_ORGOF));
    }
    return 0;
}

/* A word of a field in a list that names a body: a capitalised ordinary
 * word, a generic one too ("Trade and Industry"); no name ("the Ministry
 * of Finance, Godongwana and Mboweni", "the Museum of Modern Art,
 * Guggenheim and Whitney"), no given name, no acronym ("the Department of
 * Health, NHS England and ..."). */
static int field_word(const struct run *r, size_t p, size_t q)
{
    if (q >= r->n || !same_sentence(r, p, q))
        return 0;
    const struct ent_tok *t = tok(r, q);
    return is_cap(t) && !(t->flags & (ENT_TOK_STOP | ENT_TOK_START | ENT_TOK_UPPER)) && !r->covered[r->w[q]] &&
           !r->taken[q] && !(r->cls[q] & (C_LEGAL | C_NONNAME | C_PROLE | C_ROLESUFFIX | C_SPEECH)) && !given_at(r, q) &&
           common_at(r, q);
}

/* The end of a list of fields that goes on a body's name at at (the
 * token after its first field), or 0: ", Y, Z und W" with one or two
 * words an item, up to four items before und/and and up to three words
 * after it ("for Environment, Food and Rural Affairs"); not when another
 * capitalised word follows.  Bodies a list knows are no fields: "the
 * Institute of Directors, Shell and BP said" lists three. */
static size_t field_words(const struct run *r, size_t p, size_t q, size_t max)
{
    size_t k = 0;
    while (k < max && field_word(r, p, q + k))
        k++;
    return k;
}

static size_t field_list(const struct run *r, size_t p, size_t at)
{
    size_t q = at, items = 0;
    while (items < 4 && q < r->n && same_sentence(r, p, q) && is_comma(tok(r, q))) {
        size_t k = field_words(r, p, q + 1, 2);
        if (k == 0)
            return 0;
        q += 1 + k;
        items++;
    }
    if (items == 0 || q + 1 >= r->n || !same_sentence(r, p, q) || !is_word(tok(r, q), r->de ? "und" : "and", 3))
        return 0;
    size_t k = field_words(r, p, q + 1, 3);
    if (k == 0)
        return 0;
    q += 1 + k;
    if (q < r->n && same_sentence(r, p, q) && is_cap(tok(r, q)))
        return 0;
    return q;
}

/* One of many, no name: "ein neues Zentrum für Flüchtlinge", "a centre
 * for ..." (an adjective in lower case may stand between the indefinite
 * article and the head at p). */
static int one_of_many(const struct run *r, size_t p)
{
    for (size_t q = p, k = 0; q > 0 && k < 2 && same_sentence(r, q - 1, p); q--, k++) {
        const struct ent_tok *w = tok(r, q - 1);
        if (indefinite_article(w))
            return 1;
        if (is_cap(w) || !(w->flags & ENT_TOK_WORD))
            break;
    }
    return 0;
}

/* A person's role, as written or with a German ending of the genitive or
 * plural: "Präsidenten", "Kanzlerin", "Ministers". */
static int role_inflected(const struct ent_tok *t)
{
    static const char *const ends[] = {"en", "n", "s", NULL};
    uint32_t roles = C_PROLE | C_ROLESUFFIX;
    if ((cue_bits(t->norm, t->norm_len) | cue_suffix_bits(t->norm, t->norm_len)) & roles)
        return 1;
    for (const char *const *e = ends; *e; e++) {
        size_t el = strlen(*e);
        if (t->norm_len > el + 3 && memcmp(t->norm + t->norm_len - el, *e, el) == 0 &&
            ((cue_bits(t->norm, t->norm_len - el) | cue_suffix_bits(t->norm, t->norm_len - el)) & roles))
            return 1;
    }
    return 0;
}

/* "Confederation of British Industry", "Verband der Automobilindustrie",
 * "Bundesamt für Verfassungsschutz": an organisation head,
 * of/for/der/des/für, and capitalised words; name words before the head
 * belong to it ("European Bank for ...", "Österreichisches Museum für
 * Volkskunde").  After "für" a German name may hold an adjective first
 * and "und" ("Zentrum für erneuerbare Energie", "Zentralanstalt für
 * Meteorologie und Geodynamik"). */
static int rule_org_of(struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (!is_cap(t) || r->taken[p] || r->covered[r->w[p]] || p + 2 >= r->n || !norm_in(r, p + 1, C_OFPREP) ||
        !same_sentence(r, p, p + 2))
        return 0;
    const struct ent_tok *prep = tok(r, p + 1);
    int fuer = is_word(prep, "f\xC3\xBCr", 4);
    if (!norm_in(r, p, C_ORGOF) && !(r->de && fuer && norm_in(r, p, C_ORGFOR) && !short_compound_head(r, p)))
        return 0;
    if (one_of_many(r, p))
        return 0;
    /* Whose it is, not its name: "die Partei des Präsidenten", "der
     * Kanzlerin" (a role, also in the genitive or plural). */
    if (r->de && !fuer && role_inflected(tok(r, p + 2)))
        return 0;
    size_t from = p + 2, n = 0;
    /* "Journal of the American Medical Association", "Department of the
     * Interior", "Society for the Protection of Birds": the article is the
     * name's. */
    int for_the = 0, second_of = 0;
    if ((is_word(prep, "of", 2) || is_word(prep, "for", 3)) && text_is(tok(r, from), "the") && from + 1 < r->n &&
        same_sentence(r, p, from + 1) && plain_cap_word(r, from + 1)) {
        for_the = is_word(prep, "for", 3);
        from++;
    }
    if (r->de && fuer && lower_adjective(tok(r, from)) && from + 1 < r->n && same_sentence(r, p, from + 1) &&
        plain_cap_word(r, from + 1))
        n = 1;
    /* Name words; a generic company word too ("Institute of Technology"). */
    while (n < 4 && from + n < r->n && same_sentence(r, p, from + n) &&
           (namey(r, from + n, 1) || plain_cap_word(r, from + n) ||
            (is_cap(tok(r, from + n)) && norm_in(r, from + n, C_DESCR) && !r->taken[from + n] &&
             !r->covered[r->w[from + n]])))
        n++;
    /* "Meteorologie und Geodynamik", "Film and Television Arts"; not a
     * person after "and" ("the Institute of Directors and Bob Smith
     * said"): no given name, and no speech verb after the words. */
    if ((r->de ? fuer : 1) && n > 0 && n < 4 && from + n + 1 < r->n && same_sentence(r, p, from + n + 1) &&
        is_word(tok(r, from + n), r->de ? "und" : "and", 3) && plain_cap_word(r, from + n + 1) &&
        !given_at(r, from + n + 1)) {
        size_t m = n + 2;
        while (m < 5 && from + m < r->n && same_sentence(r, p, from + m) && plain_cap_word(r, from + m))
            m++;
        if (!(from + m < r->n && same_sentence(r, p, from + m) && norm_in(r, from + m, C_SPEECH)))
            n = m;
    }
    /* "Bundesministerium für Bildung, Wissenschaft und Forschung",
     * "Ministry of Economy, Trade and Industry": a list of fields. */
    if ((r->de ? fuer : 1) && n > 0 && n < 3) {
        size_t e = field_list(r, p, from + n);
        if (e)
            n = e - from;
    }
    /* "Verein für Geschichtsschreibung der Arbeiterbewegung", "Institut
     * für Geschichte der Medizin": after "für" a genitive of one noun (an
     * adjective in lower case before it) goes on with the German name; not
     * another name or body ("der Universität Stuttgart", "der Bundeswehr",
     * "der Akademie der Wissenschaften"), nor a town's or a land's ("der
     * Stadt"). */
    if (r->de && fuer && n > 0 && from + n + 1 < r->n && same_sentence(r, p, from + n + 1) &&
        (is_word(tok(r, from + n), "der", 3) || is_word(tok(r, from + n), "des", 3))) {
        size_t at = from + n + 1;
        if (lower_adjective(tok(r, at)) && at + 1 < r->n && same_sentence(r, p, at + 1))
            at++;
        static const char *const wholes[] = {"stadt", "land", "länder", "gemeinde", "gemeinden", "region",
                                             "republik", "staat", "staaten", "bundesländer", NULL};
        if (plain_cap_word(r, at) && !given_at(r, at) && !place_at(r, at) && !tok_norm_in(tok(r, at), wholes) &&
            !(r->cls[at] & (C_ORGOF | C_ORGFOR | C_INSTITUTION | C_ORGWORD)) &&
            !(at + 1 < r->n && same_sentence(r, p, at + 1) && is_cap(tok(r, at + 1))))
            n = at + 1 - from;
    }
    /* "Board of Deputies of British Jews", "Association of Directors of
     * Social Services": in English a second "of" goes on with the name,
     * before one to three capitalised words and no more. */
    if (!r->de && n > 0 && from + n + 1 < r->n && same_sentence(r, p, from + n + 1) &&
        is_word(tok(r, from + n), "of", 2) && !tok_possessive(tok(r, from + n - 1))) {
        size_t at = from + n + 1, m = 0;
        while (m < 3 && at + m < r->n && same_sentence(r, p, at + m) &&
               (namey(r, at + m, 1) || plain_cap_word(r, at + m)))
            m++;
        if (m > 0 && !tok_possessive(tok(r, at + m - 1)) &&
            !(at + m < r->n && same_sentence(r, p, at + m) && is_cap(tok(r, at + m)))) {
            n += 1 + m;
            second_of = 1;
        }
    }
    /* After "for the" a body's name is a purpose and its object, "the
     * Protection of Birds", "the Study of Financial Innovation" (not "the
     * Council for the Games"), and goes on as far as it reads, or is none:
     * "the Office for the Deputy Prime Minister" is no "Office for the
     * Deputy Prime", "the Institute for the Study of Labour" (a listed
     * name at its end) no "Institute for the Study", "the Centre for the
     * Study of Terrorism and Political Violence" no "... of Terrorism". */
    if (for_the) {
        size_t e = from + n;
        if (!second_of)
            return 0;
        if (e + 1 < r->n && same_sentence(r, p, e + 1) && (is_word(tok(r, e), "of", 2) || tok_norm_in(tok(r, e), ands)) &&
            is_cap(tok(r, e + 1)))
            return 0;
        if (e < r->n && same_sentence(r, p, e) && is_cap(tok(r, e)))
            return 0;
    }
    /* "Institut der Universität Basel": a place after the name's words
     * ends it. */
    size_t named = n;
    for (size_t k = 0; n > 0 && k < 2 && from + n < r->n && same_sentence(r, p, from + n) && !r->taken[from + n] &&
                       place_at(r, from + n) && is_cap(tok(r, from + n)) && !tok_possessive(tok(r, from + n - 1));
         k++)
        n++;
    /* "University of Texas": places, which the name takes in; not after
     * German der/des, a genitive ("die größte Bank der Schweiz"). */
    int of = is_word(prep, "of", 2) || is_word(prep, "for", 3) || fuer;
    if (n == 0 && of)
        while (n < 3 && from + n < r->n && same_sentence(r, p, from + n) && !r->taken[from + n] &&
               place_at(r, from + n) && is_cap(tok(r, from + n)))
            n++;
    if (n == 0 || (!place_at(r, from) && !free_span(r, from, from + (named ? named : n))))
        return 0;
    size_t a = p;
    /* In English "International" and "Global" too: "the International
     * Federation of the Phonographic Industry" (not every descriptor:
     * "Company Association of Brewers"). */
    static const char *const scopes[] = {"international", "global", NULL};
    while (a > 0 && p - a < 2 && same_sentence(r, a - 1, p) && !r->taken[a - 1] &&
           (namey(r, a - 1, 1) || (!r->de && is_cap(tok(r, a - 1)) && tok_norm_in(tok(r, a - 1), scopes) &&
                                   !(tok(r, a - 1)->flags & (ENT_TOK_START | ENT_TOK_STOP)) &&
                                   !r->covered[r->w[a - 1]])))
        a--;
    if (a == p && r->de)
        while (a > 0 && p - a < 2 && same_sentence(r, a - 1, p) && name_adjective(r, a - 1))
            a--;
    /* A place before them is the name's too: "California Institute of
     * Technology". */
    for (size_t k = 0; k < 2 && a > 0 && same_sentence(r, a - 1, p) && !r->taken[a - 1] && place_at(r, a - 1) &&
                       is_cap(tok(r, a - 1)) && !tok_possessive(tok(r, a - 1)) &&
                       !(tok(r, a - 1)->flags & ENT_TOK_WHOLE);   /* not "San Francisco-based" */
         k++)
        a--;
    return r->de ? add_nominative(r, a, p, from + n, 1) : add(r, a, from + n, ENT_ORG, 1);
}

/* Whether the German word at p is an adjective in the genitive plural
 * as names of associations hold it before their members' noun: one of a
 * name in capitals ("Deutscher", "Österreichischer"), or one in lower case
 * of an adjective's or a participle's ending ("serbischer", "kommunaler",
 * "forschender", "staatlicher"), not an adverb's ("früher", "wieder"). */
static int genitive_plural_adjective(const struct run *r, size_t p)
{
    static const char *const lower_ends[] = {"ischer", "ender", "aler", "licher", "iger", "iver", NULL};
    const struct ent_tok *t = tok(r, p);
    if (!(t->flags & ENT_TOK_WORD) || (t->flags & (ENT_TOK_STOP | ENT_TOK_UPPER | ENT_TOK_WHOLE)) ||
        r->taken[p] || r->covered[r->w[p]] || t->norm_len < 6 || memcmp(t->norm + t->norm_len - 2, "er", 2) != 0)
        return 0;
    if (is_cap(t))
        return adjective_shape(t);
    return tok_norm_ends_in(t, lower_ends) > 0;
}

/* A noun of an association's members: any capitalised word, a maker's
 * or a role's too ("Arzneimittelhersteller", "Zeitungsherausgeber"). */
static int member_noun(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    return is_cap(t) && !(t->flags & (ENT_TOK_STOP | ENT_TOK_START | ENT_TOK_UPPER)) && !r->taken[p] &&
           !r->covered[r->w[p]] && !(r->cls[p] & (C_LEGAL | C_SPEECH)) && !given_at(r, p);
}

/* "Gesellschaft Deutscher Chemiker", "Verband serbischer Gemeinden", "des
 * Verbandes Österreichischer Zeitungen": German names an association by
 * its head, an adjective in the genitive plural and its members' noun,
 * or two joined by "und" ("Verband Österreichischer Banken und
 * Bankiers").  Name adjectives before the head are the name's. */
static int rule_org_genitive(struct run *r, size_t p)
{
    if (!r->de || !is_cap(tok(r, p)) || r->taken[p] || r->covered[r->w[p]] || p + 2 >= r->n ||
        !same_sentence(r, p, p + 2) || !genitive_plural_adjective(r, p + 1) || !member_noun(r, p + 2) ||
        one_of_many(r, p))
        return 0;
    size_t e = p + 3;
    if (e + 1 < r->n && same_sentence(r, p, e + 1) && is_word(tok(r, e), "und", 3) && member_noun(r, e + 1))
        e += 2;
    size_t a = p;
    while (a > 0 && p - a < 2 && same_sentence(r, a - 1, p) && name_adjective(r, a - 1))
        a--;
    return add_nominative(r, a, p, e, 1);
}

/* German organisations named by a name adjective and an organisation's
 * noun: "Vatikanische Bibliothek", "Jüdisches Museum", "Medizinische
 * Universität Wien" (places after it are the name's), "der Europäische
 * Gerichtshof" (as "Europäischer Gerichtshof"; a genitive of the noun,
 * "des Europäischen Gerichtshofs", gives the same).  Not one of a kind:
 * "eine Chinesische Bank". */
static int rule_adjective_org(struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (!r->de || !is_cap(t) || p == 0 || r->taken[p] || r->covered[r->w[p]] || tok_possessive(t) ||
        !same_sentence(r, p - 1, p) || !name_adjective(r, p - 1))
        return 0;
    /* Two of them: "Deutsches Archäologisches Institut". */
    size_t a = p - 1;
    if (a > 0 && same_sentence(r, a - 1, p) && name_adjective(r, a - 1))
        a--;
    if (a >= 1 && same_sentence(r, a - 1, p) && indefinite_article(tok(r, a - 1)))
        return 0;
    size_t e = p + 1;
    while (e < r->n && e < p + 4 && same_sentence(r, p, e) && !r->taken[e] && place_at(r, e) && is_cap(tok(r, e)))
        e++;
    return add_nominative(r, a, p, e, e > p + 1);
}

/* German bodies named by a compound that is one of a kind in the
 * country's news: a ministry by its field ("Verkehrsministerium", "des
 * Umweltministeriums"), a commission by its task ("Pensionskommission",
 * "Antimafiakommission"), a chamber of a profession ("Ärztekammer",
 * "Rechtsanwaltskammer"; not "Grabkammer" or "Kunstkammer"), the
 * criminal police office of a state or of the federation
 * ("Landeskriminalamt").  Not the head alone or with "Bundes" only
 * ("Bundesministerium"), which name none. */
static const char *const chamber_professions[] = {
    "ärzte", "zahnärzte", "tierärzte", "bundesärzte", "arbeiter", "wirtschafts", "rechtsanwalts", "anwalts",
    "patentanwalts", "notariats", "apotheker", "landwirtschafts", "landarbeiter", "handels", "handwerks",
    "architekten", "ingenieur", "ingenieurs", "ziviltechniker", "steuerberater", "psychotherapeuten",
    "wirtschaftstreuhänder", "pflege", "industrie", NULL};
static const char *const police_offices_prefixes[] = {"landes", "bundes", NULL};
static const struct body_compound {
    const char *head;
    const char *const *prefixes;   /* NULL: any of at least four bytes */
} body_compounds[] = {
    {"ministerium", NULL},
    {"kommission", NULL},
    {"kammer", chamber_professions},
    {"kriminalamt", police_offices_prefixes},
};

static int rule_body_compound(struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (!r->de || !is_cap(t) || r->taken[p] || r->covered[r->w[p]] || (t->flags & (ENT_TOK_UPPER | ENT_TOK_WHOLE)))
        return 0;
    size_t len = t->norm_len, text = t->text_len - tok_possessive(t), cut = 0;
    if (len > 1 && t->norm[len - 1] == 's' && text > 0 && t->text[text - 1] == 's')
        cut = 1;   /* a genitive, the same ASCII s in text and norm */
    const struct body_compound *b = NULL;
    for (size_t k = 0; k < sizeof body_compounds / sizeof *body_compounds && !b; k++) {
        const struct body_compound *c = &body_compounds[k];
        size_t hl = strlen(c->head);
        if (len - cut <= hl || memcmp(t->norm + len - cut - hl, c->head, hl) != 0)
            continue;
        size_t pl = len - cut - hl;
        if (c->prefixes ? norm_in_list(t->norm, pl, c->prefixes)
                        : pl >= 4 && !(pl == 6 && memcmp(t->norm, "bundes", 6) == 0))
            b = c;
    }
    if (!b)
        return 0;
    /* One of many: "eine Expertenkommission". */
    if (p > 0 && same_sentence(r, p - 1, p) && indefinite_article(tok(r, p - 1)))
        return 0;
    /* The land or town it is of, after "für", is the name's: "die
     * Ärztekammer für Wien". */
    size_t e = p + 1;
    if (!cut && p + 2 < r->n && same_sentence(r, p, p + 2) && is_word(tok(r, p + 1), "f\xC3\xBCr", 4) &&
        !r->taken[p + 2] && place_at(r, p + 2) && is_cap(tok(r, p + 2)))
        e = p + 3;
    if (e > p + 1)
        return add(r, p, e, ENT_ORG, 0) < 0 ? -1 : 0;
    if (add(r, p, p + 1, ENT_ORG, 0) < 0)
        return -1;
    /* span_name() has cut the possessive already: the name is text bytes */
    r->out->v[r->out->n - 1].name[text - cut] = '\0';
    return 0;
}

/* Whether t is written in capitals of three to six letters ("VKI",
 * "ÖBB"): an acronym.  Two letters are too often anything ("DS", "XP"),
 * and with digits a product's name ("PS2", "A400M"). */
static int acronym_shape(const struct ent_tok *t)
{
    if (!(t->flags & ENT_TOK_WORD) || !(t->flags & ENT_TOK_UPPER) || t->text_len < 2 || t->text_len > 8)
        return 0;
    size_t letters = 0, chars = 0;
    for (size_t i = 0; i < t->text_len; i++) {
        unsigned char c = (unsigned char)t->text[i];
        if (c >= 'A' && c <= 'Z')
            letters++;
        else if (c == 0xC3 && i + 1 < t->text_len && (unsigned char)t->text[i + 1] >= 0x80 &&
                 (unsigned char)t->text[i + 1] <= 0x9E)
            letters++, i++;   /* Ä, Ö, Ü and the other Latin-1 capitals */
        else
            return 0;
        chars++;
    }
    return letters >= 3 && chars <= 6;
}

/* A body's noun right before the bracket at b that no rule or list read
 * as a name: the acronym in the brackets names the body, which the text
 * calls by its kind, "der Verkehrssicherheitsbehörde (NHTSA)", "the
 * regulator (ARCEP)". */
static int body_noun_before(const struct run *r, size_t b)
{
    static const char *const bodies[] = {"behörde", "agentur", "ministerium", "verband", "kommission", "gericht",
                                         "institut", "gewerkschaft", "organisation", "regulator", "agency",
                                         "authority", "commission", "watchdog", NULL};
    if (b == 0 || !same_sentence(r, b - 1, b))
        return 0;
    const struct ent_tok *n = tok(r, b - 1);
    return (n->flags & ENT_TOK_WORD) && !r->taken[b - 1] && !r->covered[r->w[b - 1]] &&
           !(r->de ? !is_cap(n) : is_cap(n)) && tok_norm_ends_in(n, bodies);
}

/* Whether the article spells the acronym at p out: capitalised words
 * whose initials it is, "of", "for", "and", "the" and their German
 * kin passed over ("British National Party", "London School of
 * Economics"), or a name with the acronym in brackets after it ("Verein
 * für Konsumenteninformation (VKI)", whose initials it is not).  The
 * acronym is then that name's, which its own words tag. */
static int spelt_out(const struct run *r, size_t p)
{
    static const char *const small[] = {"of", "for", "and", "the", "on", "in", "für", "der", "des", "und", "von",
                                        "zur", "zum", "&", NULL};
    const struct ent_tok *a = tok(r, p);
    /* A spelling begins with a capitalised word: the view's pass listed
     * those positions. */
    for (size_t l = 0; l < r->n_look; l++) {
        size_t q = r->look[l], k = 0, i = q;
        if (tok(r, q)->text[0] != a->text[0])
            continue;
        while (k < a->text_len && i < r->n && same_sentence(r, q, i)) {
            const struct ent_tok *w = tok(r, i);
            if (i != q && k > 0 && tok_norm_in(w, small)) {
                i++;
                continue;
            }
            /* the initial: one character, of one to four bytes ("Ö") */
            unsigned char c = (unsigned char)a->text[k];
            size_t cl = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            if (!is_cap(w) || i == p || k + cl > a->text_len || w->text_len < cl ||
                memcmp(w->text, a->text + k, cl) != 0)
                break;
            k += cl;
            i++;
        }
        if (k == a->text_len && i - q >= 2)
            return 1;
    }
    /* "Verein für Konsumenteninformation (VKI)": a capitalised word before
     * the acronym in brackets ends the name it stands for. */
    for (size_t l = 0; l < r->n_look; l++) {
        size_t q = r->look[l];
        const struct ent_tok *w = tok(r, q);
        if (q >= 2 && q + 1 < r->n && w->text_len == a->text_len && memcmp(w->text, a->text, a->text_len) == 0 &&
            text_is(tok(r, q - 1), "(") && text_is(tok(r, q + 1), ")") && is_cap(tok(r, q - 2)) &&
            !body_noun_before(r, q - 1))
            return 1;
    }
    return 0;
}

/* A market data code, not a name (tok_market_code()). */
static int ticker_code(const struct run *r, size_t p)
{
    return tok_market_code(p > 0 ? tok(r, p - 1) : NULL, tok(r, p), p + 1 < r->n ? tok(r, p + 1) : NULL);
}

/* Nouns of things that an acronym after them names, no organisation, as
 * German writes them: "die Automesse IAA", "des Toolkits GTK+", "der
 * Plattform MEB". */
static const char *const acronym_things_before[] = {
    "plattform", "toolkit", "toolkits", "format", "formats", "messe", "automesse", "fachmesse", "protokoll",
    "standard", "standards", "virus", "chipsatz", "prozessor", "programm", NULL};
/* In lower case after an acronym, a thing it names: "the MEB platform";
 * not a maker's products ("the XQZ software", "QZR chips"). */
static const char *const acronym_things_after[] = {
    "platform", "platforms", "format", "formats", "protocol", "protocols", "standard", "standards", "gene",
    "genes", "virus", NULL};

/* Whether a noun of a thing stands right before the acronym at p
 * (capitalised, as a German noun is) or, in lower case, right after it. */
static int acronym_of_thing(const struct run *r, size_t p)
{
    if (p > 0 && same_sentence(r, p - 1, p) && is_cap(tok(r, p - 1)) &&
        !(tok(r, p - 1)->flags & ENT_TOK_UPPER) && tok_norm_in(tok(r, p - 1), acronym_things_before))
        return 1;
    if (p + 1 < r->n && same_sentence(r, p, p + 1)) {
        const struct ent_tok *n = tok(r, p + 1);
        return !(n->flags & (ENT_TOK_CAP | ENT_TOK_UPPER)) && tok_norm_in(n, acronym_things_after);
    }
    return 0;
}

/* An acronym in a sentence of prose that no list has and no word list
 * knows, and that the article does not spell out, is an organisation's:
 * "der VKI", "the TUC", "bei der ARAG".  Not
 * one of a field or measure (C_NOTORG: "BIP", "DVD", "MWh"), not after a
 * number (a unit: "5 GB"), not a country's code in brackets ("(AUT)"),
 * not a role, not a market code (".DJI"), and not in a sentence written
 * in capitals (a heading). */
static int rule_acronym(struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (r->taken[p] || r->covered[r->w[p]] || (r->cls[p] & (NOT_NAMEY | C_NOTORG | C_SPORT | C_ORGWORD)))
        return 0;
    if (p > 0 && same_sentence(r, p - 1, p) && is_number(tok(r, p - 1)))
        return 0;
    if (p > 0 && p + 1 < r->n && text_is(tok(r, p - 1), "(") && text_is(tok(r, p + 1), ")") &&
        !body_noun_before(r, p - 1))
        return 0;
    if (ticker_code(r, p) || acronym_of_thing(r, p))
        return 0;
    /* Most words of the sentence in capitals: a heading or a shout. */
    size_t upper = 0, words = 0;
    for (size_t q = p; q > 0 && same_sentence(r, q - 1, p) && p - q < 6; q--)
        if (tok(r, q - 1)->flags & ENT_TOK_WORD)
            words++, upper += (tok(r, q - 1)->flags & ENT_TOK_UPPER) != 0;
    if (words >= 3 && 2 * upper > words)
        return 0;
    size_t k = 0;
    while (k < r->n_acronyms && !(r->acronyms[k].len == t->text_len && memcmp(r->acronyms[k].text, t->text, t->text_len) == 0))
        k++;
    if (k == r->n_acronyms) {
        /* A word list's word, or a name of the article: asked once. */
        if (k == ACRONYMS_MAX)
            return 0;
        r->acronyms[k].text = t->text;
        r->acronyms[k].len = (uint32_t)t->text_len;
        r->acronyms[k].spelt = lexicon_common(r->lex, "en", t->norm, t->norm_len) ||
                               lexicon_en_proper(r->lex, t->norm, t->norm_len) ||
                               lexicon_common(r->lex, "de", t->norm, t->norm_len) || spelt_out(r, p);
        r->n_acronyms++;
    }
    if (r->acronyms[k].spelt)
        return 0;
    /* Before name words it begins a longer name: an organisation's when an
     * organisation's word ends it ("ABC Holdings Bank"), else another
     * kind's ("JPR Williams", "NRJ Music Awards", "GMC Acadia").  Places
     * after it are its own: "TPS Turku", "RMS Austria". */
    size_t e = p + 1;
    while (e < r->n && e < p + 4 && same_sentence(r, p, e) && !r->taken[e] && !tok_possessive(tok(r, e - 1)) &&
           namey(r, e, 1) && !place_at(r, e))
        e++;
    if (e > p + 1 && !norm_in(r, e - 1, C_ORGWORD))
        return 0;
    size_t named = e;
    while (e < r->n && e < named + 2 && same_sentence(r, p, e) && !r->taken[e] && !tok_possessive(tok(r, e - 1)) &&
           place_at(r, e) && is_cap(tok(r, e)))
        e++;
    return add(r, p, e, ENT_ORG, e > p + 1);
}

/* The bytes of the first character of s (one to four). */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Matches the initials of the word at view position q against the
 * acronym's norm acr[0, *k) from its end, each part of a hyphenated word
 * giving one ("Parteien-Transparenz-Senat": P, T, S; "Bundes-": B).
 * Returns 1 and lowers *k when all of them fit. */
static int initials_fit(const struct run *r, size_t q, const char *acr, size_t *k)
{
    const struct ent_tok *w = tok(r, q);
    /* the parts' first characters, by the norm, from the last part */
    size_t k2 = *k, end = w->norm_len;
    while (end > 0) {
        size_t start = end;
        while (start > 0 && w->norm[start - 1] != '-')
            start--;
        if (start < end) {
            size_t cl = char_len(w->norm + start);
            /* the acronym's last character left, of the same bytes */
            if (k2 < cl || end - start < cl || memcmp(w->norm + start, acr + k2 - cl, cl) != 0)
                return 0;
            k2 -= cl;
        }
        end = start > 0 ? start - 1 : 0;
    }
    *k = k2;
    return 1;
}

/* A name with its acronym in brackets after it, whose initials the
 * acronym is: "Project and Contract Office (PCO)", "Meinl European Land
 * (MEL)", "Unabhängige Parteien-Transparenz-Senat (UPTS)", "Avions de
 * Transport Regional (ATR)".  Small words are passed over ("of", "de",
 * "für", "vom"), and so is a legal form at the end.  An organisation by
 * the words below; not with a role: "Chief Executive Officer (CEO)", nor
 * of ordinary words alone: "Gross Domestic Product (GDP)".  The acronym
 * is no name of its own then (spelt_out()). */
static int rule_spelt_acronym(struct run *r, size_t q)
{
    static const char *const small[] = {"of", "for", "and", "the", "on", "in", "de", "du", "des", "la", "le",
                                        "für", "der", "die", "das", "und", "von", "vom", "zur", "zum", "&", NULL};
    if (q < 3 || q + 1 >= r->n || !text_is(tok(r, q - 1), "(") || !text_is(tok(r, q + 1), ")") ||
        !same_sentence(r, q - 2, q + 1) || r->taken[q] || r->covered[r->w[q]])
        return 0;
    const struct ent_tok *a = tok(r, q);
    if (a->text_len < 2 || a->text_len > 8 || !(a->flags & (ENT_TOK_UPPER | ENT_TOK_CAP)) ||
        memchr(a->text, '-', a->text_len) || has_digit(a->text, a->text_len))
        return 0;
    size_t k = a->norm_len, p = q - 1, first = q - 1;
    int cut_form = 0;
    while (k > 0 && p > 0 && same_sentence(r, p - 1, q)) {
        size_t w = p - 1;
        const struct ent_tok *x = tok(r, w);
        /* a place is a name's word ("Management Center Innsbruck (MCI)") */
        if (r->taken[w] || (r->covered[r->w[w]] && !place_at(r, w)))
            return 0;
        if (first != q - 1 && tok_norm_in(x, small)) {
            p--;
            continue;
        }
        if (!is_cap(x) && !(x->flags & ENT_TOK_UPPER))
            return 0;
        if (!initials_fit(r, w, a->norm, &k)) {
            /* a legal form after the name: "Zorbic Holding GmbH (ZH)" */
            if (first == q - 1 && !cut_form && norm_in(r, w, C_LEGAL)) {
                cut_form = 1;
                p--;
                continue;
            }
            return 0;
        }
        first = w;
        p--;
    }
    size_t last = q - 1 - (size_t)cut_form;   /* the name's end, without a legal form */
    if (k > 0 || first + 2 > last || tok_norm_in(tok(r, first), small))
        return 0;
    /* An organisation by a body's word first or last ("Institut für ...",
     * "... Contract Office"), or by a name of its own first ("Meinl
     * European Land", "Avions de Transport Regional"); not an event, a
     * treaty, a law, a language, a thing ("World Golf Championships",
     * "Multi-Fibre Agreement", "British Sign Language", "Large Hadron
     * Collider"). */
    static const char *const things[] = {"agreement", "act", "treaty", "language", "name", "names", "protocol",
                                         "collider", "index", "standard", "programme", "program", "scheme", "reality",
                                         "intelligence", "learning", NULL};
    const uint32_t body = C_ORGWORD | C_INSTITUTION | C_LEGAL | C_DESCR | C_ORGOF | C_ORGFOR;
    const struct ent_tok *f = tok(r, first);
    int named = (r->cls[first] & body) || (r->cls[last - 1] & body) ||
                (namey(r, first, 1) && !common_at(r, first) && !demonym_word(f));
    /* a body's word before a place that ends the name: "Management Center
     * Innsbruck"; or inside it, after a name adjective: "Deutsche
     * Vereinigung für Gas und Wasserfach" */
    for (size_t w = last - 1; !named && w > first && place_at(r, w); w--)
        named = (r->cls[w - 1] & body) != 0;
    for (size_t w = first + 1; !named && w + 1 < last; w++)
        named = (r->cls[w] & body) != 0;
    if (!named || tok_norm_in(tok(r, last - 1), things))
        return 0;
    size_t head = NO_HEAD;
    for (size_t w = first; w < last; w++) {
        if (r->cls[w] & (C_PROLE | C_ROLESUFFIX | C_EVENT))
            return 0;
        if (r->de && head == NO_HEAD && (r->cls[w] & (C_ORGOF | C_ORGFOR | C_INSTITUTION)))
            head = w;
    }
    if (add_cand(r, first, last, ENT_ORG, 1, head, __func__) < 0)
        return -1;
    for (size_t w = last; w <= q; w++)
        r->taken[w] = 1;   /* the legal form, the brackets, the acronym */
    return 0;
}

/* Whether t has a dot two to four bytes before its end, where the dot
 * of a top-level domain is: a test without a call, for every new word
 * of an article (a memchr() each was ~4 % of the plugin's time). */
static int dot_before_tld(const struct ent_tok *t)
{
    const char *s = t->text;
    size_t n = t->text_len;
    return n >= 4 && (s[n - 3] == '.' || s[n - 4] == '.' || (n >= 6 && s[n - 5] == '.'));
}

/* A web site named by its domain in prose ("wie golem.de berichtet",
 * "Amazon.com"): an organisation, as the press's own sites are.  Not a
 * URL's host (a path after it, "pic.twitter.com/..."), nor an address's
 * ("@"), nor a name a list has. */
static int domain_in_prose(const struct run *r, size_t p)
{
    if (r->taken[p] || r->covered[r->w[p]] || !prose(r, p))
        return 0;
    return !((p + 1 < r->n && same_sentence(r, p, p + 1) && text_is(tok(r, p + 1), "/")) ||
             (p > 0 && same_sentence(r, p - 1, p) && (text_is(tok(r, p - 1), "@") || text_is(tok(r, p - 1), "/"))));
}

static int same_text_ci(const struct ent_tok *a, const struct ent_tok *b)
{
    return a->text_len == b->text_len && strncasecmp(a->text, b->text, a->text_len) == 0;
}

/* p is a domain's first mention (in any case: "Bild.de" and "bild.de"
 * are one); the mention judged is the first in prose, so that a link or
 * an address before it ("golem.de/news", "redaktion@golem.de") does not
 * hide it. */
static int rule_web_domain(struct run *r, size_t p)
{
    const struct ent_tok *first = tok(r, p);
    while (p < r->n && !domain_in_prose(r, p)) {
        do
            p++;
        while (p < r->n && !same_text_ci(tok(r, p), first));
    }
    if (p == r->n)
        return 0;
    /* A domain's case says nothing: named as the article first writes it. */
    return push_named(r, p, p + 1, ENT_ORG, 1, strndup(first->text, first->text_len), __func__);
}

/* German public bodies: "Landesgericht Linz", "Universität Twente" (the
 * body, then places or a name word), "Wiener Straflandesgericht",
 * "Oberster Gerichtshof" (a capitalised adjective before it).  The noun
 * alone is no name ("das Landesgericht"). */
static int rule_institution(struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (!r->de || !is_cap(t) || r->taken[p] || r->covered[r->w[p]] || tok_possessive(t))
        return 0;
    size_t e = p + 1;
    while (e < r->n && e < p + 4 && same_sentence(r, p, e) && !r->taken[e] && place_at(r, e) && is_cap(tok(r, e)))
        e++;
    if (e > p + 1 && t->norm_len == 3 && memcmp(t->norm, "uni", 3) == 0) {
        /* "Uni Linz" is the Universität Linz: one name for both. */
        char *rest = span_name(r, p + 1, e, NO_HEAD), *name = NULL;
        if (rest && (name = malloc(strlen(rest) + sizeof "Universität ")))
            strcat(strcpy(name, "Universität "), rest);
        free(rest);
        return push_named(r, p, e, ENT_ORG, 1, name, __func__);
    }
    /* "Polizei", "Feuerwehr" and "Museum" alone take no place after them:
     * it is as often the verb's object ("als die Polizei Linz erreichte",
     * "verließ das Museum Wien"); the town's adjective names them ("Wiener
     * Polizei"). */
    static const char *const services[] = {"polizei", "feuerwehr", "museum", NULL};
    if (e > p + 1 && !tok_norm_in(t, services))
        return add_nominative(r, p, p, e, 1);
    /* A university's or a district authority's town no list has: one
     * name word, no given name, nothing capitalised after ("Universität
     * Twente", "Bezirkshauptmannschaft Gmünd").  Not a court's:
     * German puts the object there ("hat das Straflandesgericht Grasser
     * verurteilt"). */
    size_t len;
    const char *head = looked_up(t, &len);
    len -= genitive_cut(t, C_INSTITUTION);
    static const char *const town_bodies[] = {"bezirkshauptmannschaft", "polizeidirektion", "stadtwerke", "klinikum",
                                              "weingut", "bankhaus", NULL};
    int school = (len >= 10 && memcmp(head + len - 10, "hochschule", 10) == 0) ||
                 (len >= 12 && memcmp(head + len - 12, "universit\xC3\xA4t", 12) == 0) ||
                 norm_in_list(head, len, town_bodies);
    if (school && e < r->n && same_sentence(r, p, e) && !r->taken[e] && namey(r, e, 0) && !given_at(r, e) &&
        !tok_possessive(tok(r, e)) && (e + 1 >= r->n || !same_sentence(r, e, e + 1) || !is_cap(tok(r, e + 1))))
        return add_nominative(r, p, p, e + 1, 1);
    if (p == 0 || !same_sentence(r, p - 1, p) || r->taken[p - 1] || r->covered[r->w[p - 1]])
        return 0;
    const struct ent_tok *adj = tok(r, p - 1);
    if (!is_cap(adj) || (adj->flags & (ENT_TOK_STOP | ENT_TOK_UPPER)) || adj->norm_len < 5 ||
        memcmp(adj->norm + adj->norm_len - 2, "er", 2) != 0 || (r->cls[p - 1] & NOT_NAMEY))
        return 0;
    /* Not one of a kind: "ein Thüringer Gericht" (a dish, or any court). */
    if (p >= 2 && same_sentence(r, p - 2, p) && tok(r, p - 2)->norm_len >= 3 &&
        memcmp(tok(r, p - 2)->norm, "ein", 3) == 0 && tok(r, p - 2)->norm_len <= 5)
        return 0;
    return add_nominative(r, p - 1, p, p + 1, 1);
}

/* Languages and peoples' adjectives, no places: "in Spanish", "in Scottish
 * football", "in Spanish-language rap".  A list, not endings: "in
 * Standish" and "in Cavendish" are places. */
static const char *const demonyms[] = {
    "english", "spanish", "scottish", "irish", "british", "welsh", "danish", "swedish", "finnish", "polish",
    "turkish", "kurdish", "jewish", "flemish", "cornish", "chinese", "japanese", "portuguese", "vietnamese",
    "taiwanese", "lebanese", "sudanese", "senegalese", "maltese", "burmese", "nepalese", "congolese", "russian",
    "italian", "german", "french", "dutch", "greek", "thai", "latin", "hebrew", "arabic", "swiss", "czech",
    "korean", "european", "mexican", "american", "african", "cuban", "brazilian", "canadian", "australian",
    "indian", "iranian", "persian", "hungarian", "norwegian", "romanian", "bulgarian", "ukrainian", "serbian",
    "croatian", "bosnian", "albanian", "austrian", "belgian", "egyptian", "syrian", "nigerian", "kenyan",
    "asian", "arab", "israeli", "pakistani", "iraqi", "saudi", "afghan", "catalan", "basque", "hindi", "urdu",
    "mandarin", "cantonese", "bengali", "punjabi", "swahili", "gaelic", "yiddish", "scandinavian", "chilean",
    "peruvian", "colombian", "argentine", "argentinian", "venezuelan", "filipino", "indonesian", "malaysian",
    "estonian", "latvian", "lithuanian", "slovak", "slovenian", "macedonian", "icelandic", "georgian",
    "armenian", "tamil", "ethiopian", "somali", "moroccan", "algerian", "tunisian", "libyan", NULL};
/* Nouns of nationality beside the adjectives ("Briton Clive Owen"). */
static const char *const demonym_nouns[] = {
    "briton", "scot", "welshman", "welshwoman", "irishman", "irishwoman", "englishman", "englishwoman",
    "frenchman", "frenchwoman", "dutchman", "spaniard", "dane", "swede", "finn", "pole", "turk", "kiwi", "aussie",
    "yank", NULL};

static int demonym_word(const struct ent_tok *t)
{
    return tok_norm_in(t, demonyms) || tok_norm_in(t, demonym_nouns);
}

/* The ends of adjectives made with a demonym: "Spanish-language",
 * "English-speaking", "German-born". */
static const char *const demonym_compounds[] = {"language", "speaking", "born", "based", NULL};

static int demonym(const struct run *r, size_t a, size_t e)
{
    if (e - a != 1)
        return 0;
    const struct ent_tok *x = tok(r, a);
    const char *dash = memchr(x->norm, '-', x->norm_len);
    if (!dash)
        return tok_norm_in(x, demonyms);
    size_t head = (size_t)(dash - x->norm);
    return norm_in_list(x->norm, head, demonyms) &&
           norm_in_list(dash + 1, x->norm_len - head - 1, demonym_compounds);
}

/* Whether the words [a, b) after a German preposition may be a place's
 * name that no list has ("in Lichtenwörth", "aus Catalhöyük"): name
 * words all, none of them a word ngerman lists ("in Kraft") or ends in
 * one ("in Geiselhaft"), an English word ("in Big Data", "in Cloud
 * Atlas"), a German noun in the dative plural or genitive ("in
 * Kriegsgebieten"), the cut first part of a compound ("Krisen- und ...")
 * or a word with capitals inside ("FortiOS"). */
#define PLACE_WORD_MAX 48

static int german_place_words(const struct run *r, size_t a, size_t b)
{
    static const char *const endings[] = {"en", "n", "s", NULL};
    for (size_t k = a; k < b; k++) {
        const struct ent_tok *x = tok(r, k);
        /* No place's name is that long; the suffixes below are hashed
         * one by one. */
        if (x->norm_len > PLACE_WORD_MAX || !namey(r, k, 0) || x->text[x->text_len - 1] == '-' ||
            lexicon_de_listed(r->lex, x->norm, x->norm_len) || lexicon_common(r->lex, "en", x->norm, x->norm_len))
            return 0;
        for (size_t i = 1; i < x->text_len; i++)
            if (x->text[i] >= 'A' && x->text[i] <= 'Z' && x->text[i - 1] != '-' && x->text[i - 1] != ' ')
                return 0;
        /* The last part of a hyphenated word: "Messaging-Apps". */
        const char *dash = memrchr(x->norm, '-', x->norm_len);
        if (dash) {
            const char *part = dash + 1;
            size_t len = x->norm_len - (size_t)(part - x->norm);
            if (len == 0 || lexicon_de_listed(r->lex, part, len) || lexicon_common(r->lex, "en", part, len) ||
                (len > 1 && part[len - 1] == 's' && lexicon_common(r->lex, "en", part, len - 1)))
                return 0;
        }
        /* A compound of a German word ("Geiselhaft": Haft, "Schulformen":
         * Formen); heads of four letters and more after three, but not
         * the commonest endings of towns' names ("Mauthausen", "Wals-Siezenheim"). */
        static const char *const town_ends[] = {"hausen", "heim", NULL};
        for (size_t i = 3; i + 4 <= x->norm_len; i++)
            if ((x->norm[i] & 0xC0) != 0x80 && lexicon_de_listed(r->lex, x->norm + i, x->norm_len - i) &&
                !norm_in_list(x->norm + i, x->norm_len - i, town_ends))
                return 0;
        for (const char *const *e = endings; *e; e++) {
            size_t el = strlen(*e);
            if (x->norm_len > el + 3 && memcmp(x->norm + x->norm_len - el, *e, el) == 0 &&
                common(r, x->norm, x->norm_len - el))
                return 0;
        }
    }
    return 1;
}

/* A word of acting a few words before p ("in" after a player's name). */
static int acting_before(const struct run *r, size_t p)
{
    static const char *const more[] = {"opposite", "directing", "directed", NULL};
    for (size_t k = p; k > 0 && p - k < 8 && same_sentence(r, k - 1, p); k--) {
        const struct ent_tok *w = tok(r, k - 1);
        /* The cue bit first: most words are none of these. */
        if (!is_cap(w) && ((norm_in(r, k - 1, C_INWORK) && cue_acting_word(w->norm, w->norm_len)) ||
                           (w->norm_len >= 8 && tok_norm_in(w, more))))
            return 1;
    }
    return 0;
}

/* "in Wolfsburg", "aus Ningde": a name of one or two words after a
 * preposition of place (English in, near; German in, aus, nahe), with no
 * capitalised word after it, and no language (demonym()); in German no
 * given name after it and only such words as german_place_words()
 * allows; after a holding ("shares in Jarvis") an organisation. */
static int rule_place(struct run *r, size_t p)
{
    if ((!r->de && strcmp(r->lang, "en") != 0) || p + 1 >= r->n || !norm_in(r, p, C_PLACEPREP) ||
        !same_sentence(r, p, p + 1))
        return 0;
    /* A cue capitalised inside a sentence is a German noun of places
     * ("die Stadt Yola"), read in German only. */
    if (!r->de && is_cap(tok(r, p)) && !(tok(r, p)->flags & ENT_TOK_START))
        return 0;
    /* German: not before a given name ("aus Peter Müllers Sicht"). */
    if (r->de && given_at(r, p + 1))
        return 0;
    /* "starred in Finding Neverland", "his role in Closer": a title */
    if (p > 0 && same_sentence(r, p - 1, p) && norm_in(r, p - 1, C_INWORK) &&
        cue_acting_word(tok(r, p - 1)->norm, tok(r, p - 1)->norm_len))
        return 0;
    /* A player's name and "in" after a word of acting a few words
     * before: the name is the work's ("Juliette Binoche in Chocolat" after
     * "starred opposite", "directing Tautou in Amelie", "his role was JM
     * Barrie in Finding Neverland"; not "Tony Blair in Sedgefield"). */
    if (p > 0 && same_sentence(r, p - 1, p) && is_cap(tok(r, p - 1)) && acting_before(r, p))
        return 0;
    size_t n = names_from(r, p + 1, 2, 0);
    if (n == 0 || tok_possessive(tok(r, p + n)) || !free_span(r, p + 1, p + 1 + n))
        return 0;
    size_t e = p + 1 + n;
    /* Not before "&" (a firm's name: "in Minecraft & Co") or an
     * apostrophe (a genitive: "in Qabus' Kuverts"). */
    const struct ent_tok *after = e < r->n && same_sentence(r, p, e) ? tok(r, e) : NULL;
    if ((after && (is_cap(after) || (after->text_len == 1 && (after->text[0] == '&' || after->text[0] == '\'')) ||
                   (after->text_len == 3 && memcmp(after->text, "\xE2\x80\x99", 3) == 0))) ||
        demonym(r, p + 1, e) || (r->de && !german_place_words(r, p + 1, e)))
        return 0;
    /* "shares in Jarvis", "a stake in Tube Lines": a company */
    if (p > 0 && same_sentence(r, p - 1, p) && norm_in(r, p - 1, C_HOLDING) &&
        (!is_cap(tok(r, p - 1)) || (tok(r, p - 1)->flags & ENT_TOK_START)))
        return add_cand(r, p + 1, e, ENT_ORG, 0, NO_HEAD, "rule_place");
    /* In English not words of the language alone, capitalised: a
     * product's or a title's ("a hole in Media Player", "in Halo"); but a
     * listed place after a comma makes them a place's ("in Park City,
     * Utah"). */
    if (!r->de && !(e + 1 < r->n && same_sentence(r, e, e + 1) && is_comma(tok(r, e)) && place_at(r, e + 1))) {
        size_t k = p + 1;
        while (k < e && common_at(r, k))
            k++;
        if (k == e)
            return 0;
    }
    return add(r, p + 1, e, ENT_PLACE, 0);
}

/* Streets and squares.  German writes most as one word ending in the
 * noun ("Heldenplatz", "Smolagasse", "Maria-Theresien-Platz"), some as a
 * town's adjective and the noun ("Mariahilfer Straße"); English as names
 * and the noun ("Leicester Square", "Wall Street"). */
/* Norms are case-folded: "Straße" reads "strasse". */
static const char *const street_ends_de[] = {"platz", "strasse", "gasse", "g\xC3\xBCrtel", "allee", "kai", NULL};
/* Not "park": the names of parks are mostly those of stadiums ("Goodison
 * Park"), venues that the annotations leave out, as they do buildings. */
static const char *const street_nouns_en[] = {"street", "road", "avenue", "lane", "square", "boulevard", NULL};

/* Whether view position p may end a street's name (a rule_street() cue,
 * listed by heur_run()'s first pass). */
static int street_word(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    if (!is_cap(t) || (t->flags & ENT_TOK_UPPER) || t->norm_len < 3)
        return 0;
    if (r->de) {
        /* The last two bytes first: German capitalises every noun, and
         * this runs for each. */
        const char *end = t->norm + t->norm_len - 2;
        int may = (end[1] == 'z' && end[0] == 't') || (end[1] == 'e' && (end[0] == 's' || end[0] == 'e')) ||
                  (end[1] == 'l' && end[0] == 'e') || (end[1] == 'i' && end[0] == 'a');
        return may && tok_norm_ends_in(t, street_ends_de);
    }
    return (r->cls[p] & C_NONPERSON) && tok_norm_in(t, street_nouns_en);
}

/* A town's adjective before a street's noun ("Mariahilfer", "Linzer"):
 * capitalised, ending in -er, inside the sentence. */
static int town_adjective_de(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    return is_cap(t) && !(t->flags & (ENT_TOK_UPPER | ENT_TOK_STOP | ENT_TOK_START)) && t->norm_len >= 5 &&
           memcmp(t->norm + t->norm_len - 2, "er", 2) == 0;
}

/* Whether ngerman lists t's norm, or a compound's tail of it that is
 * longer than the street's noun (end bytes): "Arbeitsplatz",
 * "Hauptschauplatz" (Schauplatz). */
static int listed_tail_de(const struct run *r, const struct ent_tok *t, size_t end)
{
    for (size_t i = 0; i < t->norm_len - end; i++)
        if ((t->norm[i] & 0xC0) != 0x80 && lexicon_de_listed(r->lex, t->norm + i, t->norm_len - i))
            return 1;
    return 0;
}

/* At street_word() p, a street or square, as a place:
 * - German, a compound that ends in the noun ("Heldenplatz"), is no word
 *   of ngerman and ends in none ("Arbeitsplatz", "Bundesstraße",
 *   "Hauptschauplatz"), has no head in -ungs or -ions
 *   ("Umfahrungsstraße", "Qualifikationsplatz") and comes right after
 *   am, vom, zum, beim, dem, der or den, a town's adjective between them
 *   allowed ("am Heldenplatz", "in der Smolagasse", "dem Linzer
 *   Hauptplatz"); in a sports report not a "-platz" ("auf den
 *   Relegationsplatz", "am Sandplatz");
 * - German, the noun alone after a town's adjective that is no word of
 *   ngerman ("Mariahilfer Straße"; not "nahm der Lehrer Platz"), and not
 *   "Platz" ("hatte Gruber Platz sieben belegt");
 * - English, the noun after one to three name words ("Leicester Square",
 *   "Lansdowne Road"): not before another capitalised word (a longer
 *   name: "Bow Street Magistrates' Court", "Queens Park Rangers"), nor
 *   the shopping street ("the High Street") or after "a" ("a Town
 *   Square"), nor in a sports report, where it is a ground ("at Carrow
 *   Road", "White Hart Lane"): a venue, which gets no tag. */
static int rule_street(struct run *r, size_t p)
{
    static const char *const before_de[] = {"am", "vom", "zum", "beim", "dem", "der", "den", NULL};
    const struct ent_tok *t = tok(r, p);
    if (r->taken[p] || r->covered[r->w[p]] || tok_possessive(t))
        return 0;
    if (r->de) {
        size_t end = tok_norm_ends_in(t, street_ends_de);
        if (end == t->norm_len) {
            /* "Platz" after a name is as often a rank: "hatte Gruber Platz
             * sieben belegt". */
            const struct ent_tok *town = p > 0 ? tok(r, p - 1) : NULL;
            if (!town || (end == 5 && memcmp(t->norm, "platz", 5) == 0) || !same_sentence(r, p - 1, p) ||
                !town_adjective_de(r, p - 1) || lexicon_de_listed(r->lex, town->norm, town->norm_len) ||
                !free_span(r, p - 1, p))
                return 0;
            return add(r, p - 1, p + 1, ENT_PLACE, 0);
        }
        /* A head of a process or an action is a kind of place, no name:
         * "die Umfahrungsstraße", "am Grabungsplatz". */
        size_t head = t->norm_len - end;
        if (head >= 4 && (memcmp(t->norm + head - 4, "ungs", 4) == 0 || memcmp(t->norm + head - 4, "ions", 4) == 0))
            return 0;
        if ((t->flags & ENT_TOK_START) || (r->sports && end == 5 && memcmp(t->norm + head, "platz", 5) == 0))
            return 0;
        size_t k = p;
        if (k >= 2 && same_sentence(r, k - 1, k) && town_adjective_de(r, k - 1))
            k--;
        if (k == 0 || !same_sentence(r, k - 1, p) || !tok_norm_in(tok(r, k - 1), before_de) ||
            listed_tail_de(r, t, end))
            return 0;
        return add(r, p, p + 1, ENT_PLACE, 0);
    }
    if (strcmp(r->lang, "en") != 0 || r->sports ||
        (p + 1 < r->n && same_sentence(r, p, p + 1) && is_cap(tok(r, p + 1))))
        return 0;
    size_t n = names_before(r, p, 3);
    if (n == 0 || !free_span(r, p - n, p) || tok_possessive(tok(r, p - 1)))
        return 0;
    static const char *const generic[] = {"high", "main", NULL};
    if (n == 1 && tok_norm_in(tok(r, p - 1), generic))
        return 0;
    if (p - n > 0 && same_sentence(r, p - n - 1, p) && indefinite(tok(r, p - n - 1)))
        return 0;
    return add(r, p - n, p + 1, ENT_PLACE, 0);
}

/* "the film Vera Drake", "starred in Finding Neverland", "im
 * Dokumentarfilm The Hunting Ground": the title after a noun of a work,
 * or after a word of acting and "in" (works_title_end() says where it
 * ends), noted for resolve. */
static int rule_work_title(struct run *r, size_t p)
{
    const struct ent_toks *t = r->t;
    size_t i = r->w[p] + 1;
    while (i < t->n && (t->v[i].flags & ENT_TOK_PART))
        i++;  /* after the parts of a hyphenated word */
    uint32_t after_in = i < t->n && t->v[i].norm_len == 2 && memcmp(t->v[i].norm, "in", 2) == 0;
    i += after_in;
    size_t end = i < t->n ? works_title_end(r->lang, t, i) : i;
    if (end == i)
        return 0;
    struct heur_cands *c = r->out;
    if (c->n_titles == c->cap_titles) {
        size_t cap = c->cap_titles ? 2 * c->cap_titles : 8;
        struct heur_title *v = realloc(c->titles, cap * sizeof *v);
        if (!v)
            return -1;
        c->titles = v;
        c->cap_titles = cap;
    }
    c->titles[c->n_titles++] = (struct heur_title){(uint32_t)i, (uint32_t)end, after_in};
    return 0;
}

/* Whether the word at i is followed by a noun a genitive before it
 * would govern (genitive_before_noun()): a capitalised word German has
 * (no name), in the same sentence, not a role said of the name ("Als
 * Mats Hummels Kapitän wurde"). */
static int governs_noun(const struct run *r, size_t i)
{
    if (i + 1 >= r->t->n)
        return 0;
    const struct ent_tok *next = &r->t->v[i + 1];
    return next->sentence == r->t->v[i].sentence && (next->flags & ENT_TOK_WORD) && (next->flags & ENT_TOK_CAP) &&
           !(next->flags & (ENT_TOK_UPPER | ENT_TOK_STOP)) && next->norm_len >= 4 &&
           !(cue_bits(next->norm, next->norm_len) & C_PROLE) &&
           !(cue_suffix_bits(next->norm, next->norm_len) & C_ROLESUFFIX) &&
           lexicon_common(r->lex, "de", next->norm, next->norm_len);
}

/* Whether the person c of several words ends in a genitive s right
 * before the noun it governs: "Hanns Eislers Filmmusik", "Francis
 * Poulencs Klavierkonzert", "Tom McCarthys Film" (governs_noun()).  Not
 * when the s follows a vowel other than y, s or x ("Ross", "Thomas Jones
 * Buch", "Todd Haynes", and Greek, Latin, Spanish, Baltic or Romanian
 * names: "kündigte Alexis Tsipras Neuwahlen an", "Klaus Iohannis
 * Regierung", "Columbus"; so "Janusz Kaminskis Kamera" keeps its s), nor
 * in -ams ("Rachel McAdams"), nor when the word with the s is one of
 * ngerman's words other than a genitive, or a name of the English word
 * list ("mit Bradley Wiggins Platz vier"), or comes again before a
 * lower-case word that it does not govern ("Tsipras appellierte").  An
 * adjective after the name is no sign: "stellte Bernie Sanders neue
 * Pläne vor". */
static int genitive_before_noun(const struct run *r, const struct heur_cand *c, const char *last, size_t wlen)
{
    if (c->end >= r->t->n || last == c->name || wlen < 5 || strchr("aeiousx", last[wlen - 2]) ||
        (last[wlen - 3] == 'a' && last[wlen - 2] == 'm'))
        return 0;
    size_t at = c->end - 1;
    const struct ent_tok *end = &r->t->v[at];
    if (!governs_noun(r, at))
        return 0;
    /* Elsewhere before a lower-case word or none, and governing nothing:
     * "Tsipras appellierte"; not "Andrew Lloyd Webbers Evita". */
    for (size_t i = 0; i < r->t->n; i++)
        if (i != at && r->t->v[i].text_len == end->text_len &&
            memcmp(r->t->v[i].text, end->text, end->text_len) == 0 && !governs_noun(r, i) &&
            !(i + 1 < r->t->n && r->t->v[i + 1].sentence == r->t->v[i].sentence && is_cap(&r->t->v[i + 1])))
            return 0;
    /* ngerman's words themselves ("Kaminskis" is no Kamin + Skis): a
     * word with the s is one only as the genitive of one without it
     * ("Marcel Kollers Wunsch"; not "Klaus Fuchs"). */
    return (!lexicon_de_listed(r->lex, end->norm, end->norm_len) ||
            (end->norm[end->norm_len - 1] == 's' && lexicon_de_listed(r->lex, end->norm, end->norm_len - 1))) &&
           !lexicon_en_proper(r->lex, end->norm, end->norm_len);
}

/* German writes a person's genitive with an s: "Egon Schieles Werk".  A
 * person whose last word ends in s is named without it when the article
 * also has the name without it, or that word alone or as the first part
 * of a hyphenated word ("Schiele-Werke"), and that word is no given name:
 * "Klaus Fuchs", "Douglas Adams" ... "Adam Riese" stay; or when the noun
 * it governs follows (genitive_before_noun()). */
static void strip_genitives(struct run *r)
{
    for (size_t k = 0; k < r->out->n; k++) {
        struct heur_cand *c = &r->out->v[k];
        size_t len = strlen(c->name);
        const char *last = strrchr(c->name, ' ');
        last = last ? last + 1 : c->name;
        size_t wlen = (size_t)(c->name + len - last);
        if (c->type != ENT_PERSON || wlen < 4 || c->name[len - 1] != 's' || c->name[len - 2] == 's')
            continue;
        /* The word before the last, for the whole name again. */
        const char *prev = NULL;
        size_t plen = 0;
        if (last != c->name) {
            const char *e = last - 1;
            prev = e;
            while (prev > c->name && prev[-1] != ' ')
                prev--;
            plen = (size_t)(e - prev);
        }
        for (size_t i = 0; i < r->t->n; i++) {
            const struct ent_tok *t = &r->t->v[i];
            if (!is_cap(t) || t->text_len != wlen - 1 || memcmp(t->text, last, wlen - 1) != 0 ||
                lexicon_given(r->lex, r->lang, t->norm, t->norm_len))
                continue;  /* "Adams" ... "Adam Riese" is no genitive */
            /* "Schiele-Werke"; the whole name again, "Egon Schiele"; or the
             * word alone, between no other capitalised words */
            int part = (t->flags & ENT_TOK_PART) && !(t->flags & ENT_TOK_PART_LAST);
            int again = prev && i > 0 && r->t->v[i - 1].text_len == plen && memcmp(r->t->v[i - 1].text, prev, plen) == 0;
            int alone = !(t->flags & ENT_TOK_PART) &&
                        (i == 0 || r->t->v[i - 1].sentence != t->sentence || !is_cap(&r->t->v[i - 1]) ||
                         (r->t->v[i - 1].flags & ENT_TOK_START)) &&
                        (i + 1 >= r->t->n || r->t->v[i + 1].sentence != t->sentence || !is_cap(&r->t->v[i + 1]));
            if (part || again || alone) {
                c->name[len - 1] = '\0';
                break;
            }
        }
        if (c->name[len - 1] == 's' && genitive_before_noun(r, c, last, wlen))
            c->name[len - 1] = '\0';
    }
}

/* Line-ups: the team sheets and substitutes of a match report, names
 * apart by commas or dashes after a label ("Everton: Martyn, Hibbert,
 * Yobo, ...", "Salzburg: Walke – Schwegler, Miranda, ...") or as a
 * sentence of their own.  Most names are a surname alone that no other
 * rule reads (rule_line_ups() says which become people). */

static int text_is(const struct ent_tok *t, const char *s)
{
    return t->text_len == strlen(s) && memcmp(t->text, s, t->text_len) == 0;
}

static int is_number(const struct ent_tok *t)
{
    return t->text_len > 0 && t->text[0] >= '0' && t->text[0] <= '9';
}

/* A word of a player's name: capitalised, or an initial ("Ch.", "P");
 * no word of another type's gazetteer name, nor of a club's short name,
 * kept or not ("Preston, Blackburn, Bolton" are clubs), no role or legal
 * form. */
static int line_up_word(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    uint8_t cov = r->covered[r->w[p]];
    return is_cap(t) && !(t->flags & ENT_TOK_STOP) && (!cov || cov == 1 + ENT_PERSON) &&
           (cov || !r->listed || !r->listed[r->w[p]]) && !(r->cls[p] & NOT_NAMEY);
}

/* Whether a label ("Subs:", "Es fehlen:") begins at p: up to three words
 * and a colon. */
static int label_at(const struct run *r, size_t p)
{
    for (size_t k = p; k < r->n && k < p + 3 && (tok(r, k)->flags & ENT_TOK_WORD); k++)
        if (k + 1 < r->n && text_is(tok(r, k + 1), ":"))
            return 1;
    return 0;
}

/* Whether view position q goes on from q - 1's list: in its sentence, or
 * after an initial ("Ch. Leitgeb") or a minute ("74. Bajrami"), where
 * the text layer may have seen the end of a sentence. */
static int line_up_goes_on(const struct run *r, size_t q)
{
    if (q >= r->n)
        return 0;
    if (q == 0)
        return 1;
    const struct ent_tok *prev = tok(r, q - 1);
    /* A line ends a list, though the text layer goes on with the sentence
     * ("... Gebauer" and the next line's "Rapid – Altach 2:1"). */
    if (tok(r, q)->flags & ENT_TOK_NEWLINE)
        return 0;
    if (same_sentence(r, q - 1, q))
        return 1;
    return initial(prev) || (text_is(prev, ".") && q >= 2 && is_number(tok(r, q - 2)));
}

/* An initial the text layer left apart from its dot ("Ch", "."): at
 * view position p, a capitalised word of one or two letters. */
static int split_initial(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    return is_cap(t) && t->text_len <= 2 && p + 1 < r->n && text_is(tok(r, p + 1), ".") && p + 2 < r->n &&
           line_up_word(r, p + 2);
}

/* The name from p: up to three words, from *from on (after initials
 * written apart, which the name leaves out), to the return value (*from
 * when there is none).  A word before a colon is the next label ("...
 * Reyna Ersatz: C. Stankovic"), not a name. */
static size_t line_up_name(const struct run *r, size_t p, size_t *from)
{
    while (p < r->n && split_initial(r, p))
        p += 2;
    *from = p;
    size_t n = 0;
    while (p + n < r->n && n < 3 && (n == 0 || line_up_goes_on(r, p + n)) && line_up_word(r, p + n) &&
           !(p + n + 1 < r->n && text_is(tok(r, p + n + 1), ":")) &&
           !(n > 0 && !namey(r, p + n, 0) && label_at(r, p + n)))   /* "Djurdic Gelbe Karten:" */
        n++;
    return p + n;
}

/* At most this many names a list: two teams and their substitutes. */
#define LINE_UP_MAX 40

struct line_up {
    uint32_t a[LINE_UP_MAX], b[LINE_UP_MAX];  /* view positions of each name */
    size_t n, named;                          /* names; those with a name word (namey()) */
    size_t numbered;                          /* names a number follows (minutes, points) */
};

static void line_up_add(const struct run *r, struct line_up *l, size_t a, size_t b)
{
    if (l->n == LINE_UP_MAX)
        return;
    l->a[l->n] = (uint32_t)a;
    l->b[l->n] = (uint32_t)b;
    l->n++;
    for (size_t p = a; p < b; p++)
        if (namey(r, p, 0) || r->covered[r->w[p]]) {
            l->named++;
            break;
        }
}

/* The list from p: its end (a view position), or 0 when p begins none.
 * A name may be followed by minutes ("Bramble 35 og") and by a
 * substitute in brackets ("Taylor (Martin 89)", "Knasmüllner (74.
 * Bajrami)"); other brackets are passed over ("Djuricin
 * (Knöchelverletzung)", a club: "Coyne (Burnley)"). */
static size_t line_up_from(const struct run *r, size_t p, struct line_up *l)
{
    size_t q = p;
    l->n = l->named = l->numbered = 0;
    for (;;) {
        size_t from, e = line_up_name(r, q, &from);
        if (e <= from)
            return 0;
        line_up_add(r, l, from, e);
        q = e;
        l->numbered += line_up_goes_on(r, q) && is_number(tok(r, q));
        while (line_up_goes_on(r, q) && is_number(tok(r, q))) {
            q++;
            if (line_up_goes_on(r, q) && (tok(r, q)->flags & ENT_TOK_WORD) && !is_cap(tok(r, q)) &&
                tok(r, q)->text_len <= 3)
                q++;   /* "og", "pen" */
        }
        if (line_up_goes_on(r, q) && text_is(tok(r, q), "(")) {
            size_t c = q + 1, a = 0, b = 0;
            int minute = 0;
            while (c < q + 8 && line_up_goes_on(r, c) && !text_is(tok(r, c), ")")) {
                if (!a && line_up_word(r, c)) {
                    b = line_up_name(r, c, &a);
                    if (b > a) {
                        c = b;
                        continue;
                    }
                    a = 0;
                }
                minute |= is_number(tok(r, c));
                if (!is_number(tok(r, c)) && !text_is(tok(r, c), "."))
                    a = b = SIZE_MAX;   /* words, not a substitution */
                c++;
            }
            if (c >= r->n || !text_is(tok(r, c), ")"))
                return 0;
            /* A substitute comes on in a minute; a name alone in brackets
             * is the player's club ("Coyne (Burnley)"). */
            if (a && a != SIZE_MAX && b > a && minute)
                line_up_add(r, l, a, b);
            q = c + 1;
        }
        /* The list ends with its sentence, a full stop or the next
         * label; anything else ("and", "said") makes it prose. */
        if (!line_up_goes_on(r, q) || text_is(tok(r, q), ".") || label_at(r, q))
            return q;
        const struct ent_tok *sep = tok(r, q);
        if (!is_comma(sep) && !text_is(sep, "\xE2\x80\x93") && !text_is(sep, "\xE2\x80\x94") && !text_is(sep, "-"))
            return 0;
        q++;
    }
}

/* A line-up's name word at p, in the text outside the line-ups
 * (in_line_up: per view position), with the player's given name before it
 * ("SVM-Goalie Markus Kuster") or the rest of his name after it ("Hwang
 * Hee-chan"): that full name is a person.  The team sheet makes the word
 * a surname, whatever the word lists think of it (Küster, Esser).  1 when
 * added, 0 when p is no such place, -1 when out of memory. */
static int line_up_full_name(struct run *r, const uint8_t *in_line_up, size_t p)
{
    size_t a = p, b = p + 1;
    if (p > 0 && same_sentence(r, p - 1, p) && !in_line_up[p - 1] && given_at(r, p - 1))
        a = p - 1;
    else if (p + 1 < r->n && same_sentence(r, p, p + 1) && !in_line_up[p + 1] && namey(r, p + 1, 0) &&
             !common_at(r, p + 1) && !tok_possessive(tok(r, p)) && !(tok(r, p + 1)->flags & ENT_TOK_PART))
        b = p + 2;
    if (b - a < 2 || !free_span(r, a, b))
        return 0;
    return add_cand(r, a, b, ENT_PERSON, 0, NO_HEAD, "rule_line_ups") < 0 ? -1 : 1;
}

enum { NAMED_UNKNOWN, NAMED_NOT, NAMED_ALONE, NAMED_IN_FULL };

/* Whether the line-up name whose last word is at q comes back in the text
 * outside the line-ups: in full (line_up_full_name(), which tags it), or
 * that word alone, capitalised and no ordinary word ("Kayhan traf zum
 * 1:0"; not "Bürger", "Page").  answer: per norm class (norms_index()),
 * so that a name on many sheets walks its class once.  enum above, or -1
 * when out of memory. */
static int named_in_text(struct run *r, const uint8_t *in_line_up, uint8_t *answer, size_t q)
{
    const struct ent_tok *want = tok(r, q);
    if (!is_cap(want))
        return NAMED_NOT;
    if (r->norms_state == 0)
        r->norms_state = norms_index(r);
    uint8_t own = NAMED_UNKNOWN, *got = &own;
    if (r->norms_state > 0)
        got = &answer[r->norm_of_type[want->type]];
    if (*got != NAMED_UNKNOWN)
        return *got;
    int alone = 0;
    *got = NAMED_NOT;
    if (r->norms_state > 0) {
        for (uint32_t p = r->norm_head[r->norm_of_type[want->type]]; p != NO_POS && *got == NAMED_NOT;
             p = r->norm_next[p]) {
            if (in_line_up[p])
                continue;
            int full = line_up_full_name(r, in_line_up, p);
            if (full < 0)
                return -1;
            *got = full ? NAMED_IN_FULL : NAMED_NOT;
            alone = 1;
        }
    } else {
        for (size_t p = 0; p < r->n && *got == NAMED_NOT; p++) {
            const struct ent_tok *x = tok(r, p);
            if (in_line_up[p] || !is_cap(x) || x->norm_len != want->norm_len ||
                memcmp(x->norm, want->norm, x->norm_len) != 0)
                continue;
            int full = line_up_full_name(r, in_line_up, p);
            if (full < 0)
                return -1;
            *got = full ? NAMED_IN_FULL : NAMED_NOT;
            alone = 1;
        }
    }
    if (*got == NAMED_NOT && alone && !common_at(r, q))
        *got = NAMED_ALONE;
    return *got;
}

struct line_up_names {
    uint32_t (*v)[2];   /* view positions [a, b) of each name */
    size_t n, cap;
};

static int line_up_names_add(struct line_up_names *s, const struct line_up *l)
{
    if (s->n + l->n > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        while (cap < s->n + l->n)
            cap *= 2;
        uint32_t(*v)[2] = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    for (size_t k = 0; k < l->n; k++) {
        s->v[s->n][0] = l->a[k];
        s->v[s->n][1] = l->b[k];
        s->n++;
    }
    return 0;
}

/* The team sheets of a match report.  Their players are people with
 * HEUR_LINE_UP_PEOPLE; without it only those the text names outside the
 * sheets too, as the annotations of the held-out sets count them. */
static int rule_line_ups(struct run *r)
{
    struct line_up l;
    struct line_up_names names = {0};
    uint8_t *in_line_up = NULL, *answer = NULL;
    int rc = 0;
    /* Four names at least, nearly all of them no ordinary word; after a
     * line-up, two make the substitutes, the bookings or the scorers. */
    size_t min = 4;
    for (size_t p = 0; p < r->n && rc == 0; p++) {
        int starts = p == 0 || !same_sentence(r, p - 1, p) || text_is(tok(r, p - 1), ":");
        size_t end = starts ? line_up_from(r, p, &l) : 0;
        /* A number after every name makes a table or the scorers. */
        if (!end || l.n < min || l.named * 4 < l.n * 3 || l.numbered == l.n)
            continue;
        min = 2;
        if (!in_line_up && !(in_line_up = calloc(r->n + 1, 1)))
            rc = -1;
        else if (line_up_names_add(&names, &l) < 0)
            rc = -1;
        else
            memset(in_line_up + p, 1, end - p);
        p = end - 1;   /* the loop's p++: a list may begin at end */
    }
    if (rc == 0 && names.n && !(answer = calloc((size_t)r->t->n_types + 1, 1)))
        rc = -1;
    for (size_t k = 0; rc == 0 && k < names.n; k++) {
        size_t a = names.v[k][0], b = names.v[k][1];
        int named = named_in_text(r, in_line_up, answer, b - 1);
        /* With line_ups = true every other name of the sheet too. */
        if (named == NAMED_NOT && (r->flags & HEUR_LINE_UP_PEOPLE))
            named = NAMED_ALONE;
        if (named < 0)
            rc = -1;
        else if (named == NAMED_ALONE && free_span(r, a, b))
            rc = add(r, a, b, ENT_PERSON, 0);
    }
    /* The sheets' names are no one else's: the rules after this one
     * (rule_org_lists()) pass them over. */
    for (size_t k = 0; rc == 0 && k < names.n; k++)
        memset(r->taken + names.v[k][0], 1, names.v[k][1] - names.v[k][0]);
    free(names.v);
    free(in_line_up);
    free(answer);
    return rc < 0 ? -1 : 0;
}

/* Lists of organisations: in "Apple, Creative Labs, Archos and
 * others", "Motorola, Nokia and Zorbatel", "chips by Yamaha and Rohm", the
 * names no list and no cue knows are organisations like the others.  A
 * list is names apart by commas whose last one follows "and", "or",
 * "und", "oder" or "sowie" (or that ends in "and others"): one name of it
 * at least an organisation (listed or found), none a person or a place
 * (a list of anything), no name beside punctuation but a comma or a full
 * stop (a team sheet, a table, titles).  An unknown name is name words
 * alone: no given name first ("Bill Gates"), no word of a person found
 * elsewhere ("Roy Keane ... Scholes and Keane"), no half of a compound
 * ("Wirtschafts- und"), no abbreviation, no event ("... Conference"), no
 * acronym alone (rule_acronym()'s), and alone in English no ordinary word
 * ("Trade and Industry", "Labour and Conservative governments") or
 * nationality. */
enum { ITEM_NONE, ITEM_ORG, ITEM_WEAK, ITEM_OTHER, ITEM_UNKNOWN };

struct list_item {
    uint32_t a, b;
    int kind;
};

#define LIST_ITEMS_MAX 16

static int list_conjunction(const struct ent_tok *t)
{
    static const char *const words[] = {"and", "or", "und", "oder", "sowie", NULL};
    return tok_norm_in(t, words);
}

static int list_others(const struct ent_tok *t)
{
    static const char *const words[] = {"others", "other", "more", "andere", "weitere", "viele", "co", NULL};
    return tok_norm_in(t, words);
}

/* kind_at's value of an organisation that makes no list one of them. */
#define KIND_WEAK 0xff

struct list_run {
    uint8_t *kind_at;      /* per token index: 1 + the type of a listed name or an earlier find, or 0 */
    uint32_t *surnames;    /* person_surname()'s hashes, NULL until made */
    size_t n_surnames;
};

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Whether the word at p is a word of a person found (or listed), one of a
 * single word too ("the singer Zorbix"): the hashes of those words' norms,
 * sorted, made at the first question (at most one a view position).  0,
 * 1, or -1 when out of memory. */
static int person_surname(struct run *r, struct list_run *l, size_t p)
{
    if (!l->surnames) {
        if (!(l->surnames = malloc((r->n + 1) * sizeof *l->surnames)))
            return -1;
        for (size_t q = 0; q < r->n; q++)
            if (l->kind_at[r->w[q]] == 1 + ENT_PERSON && is_cap(tok(r, q)))
                l->surnames[l->n_surnames++] = strmap_hash(tok(r, q)->norm, tok(r, q)->norm_len);
        qsort(l->surnames, l->n_surnames, sizeof *l->surnames, cmp_u32);
    }
    uint32_t h = strmap_hash(tok(r, p)->norm, tok(r, p)->norm_len);
    return bsearch(&h, l->surnames, l->n_surnames, sizeof h, cmp_u32) != NULL;
}

static int list_word(struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    return namey(r, p, 1) && !(t->flags & ENT_TOK_ABBREV) && t->text[t->text_len - 1] != '-';
}

/* The item from p and its kind (ITEM_NONE: no item there), from what is
 * known of its words alone: an unknown name is judged (unknown_is_org())
 * only in a list that may make it an organisation. */
static struct list_item list_item_at(struct run *r, struct list_run *l, size_t p)
{
    struct list_item it = {(uint32_t)p, (uint32_t)p, ITEM_NONE};
    if (p >= r->n || !is_cap(tok(r, p)))
        return it;
    uint8_t k = l->kind_at[r->w[p]];
    /* A club's short name counts as a club in a sports report only. */
    if (k == 1 + ENT_ORG && r->listed && r->listed[r->w[p]] && !r->out->sports)
        k = 1 + ENT_PLACE;
    size_t e = p;
    if (k) {
        while (e < r->n && same_sentence(r, p, e) && l->kind_at[r->w[e]] == k)
            e++;
        it.kind = k == 1 + ENT_ORG ? ITEM_ORG : k == KIND_WEAK ? ITEM_WEAK : ITEM_OTHER;
    } else {
        while (e < r->n && e < p + 3 && same_sentence(r, p, e) && !r->taken[e] && !l->kind_at[r->w[e]] &&
               list_word(r, e) && !(e > p && tok_possessive(tok(r, e - 1))))
            e++;
        if (e == p)
            return it;
        /* More capitalised words: a name this cannot tell. */
        if (e < r->n && same_sentence(r, p, e) && is_cap(tok(r, e)) && !list_conjunction(tok(r, e)))
            return it;
        it.kind = ITEM_UNKNOWN;
    }
    /* Beside punctuation other than a comma or a full stop (brackets,
     * quotes, a colon): a team sheet, a table, titles. */
    if ((e < r->n && (text_is(tok(r, e), "(") || (tok(r, e)->flags & ENT_TOK_WORD) == 0) && !is_comma(tok(r, e)) &&
         !text_is(tok(r, e), ".")) ||
        (p > 0 && !(tok(r, p - 1)->flags & ENT_TOK_WORD) && !is_comma(tok(r, p - 1)) && !text_is(tok(r, p - 1), ".")))
        it.kind = ITEM_OTHER;
    it.b = (uint32_t)e;
    return it;
}

/* Whether the unknown name it is no person's and no ordinary word's.
 * Out of memory it is not. */
static int unknown_is_org(struct run *r, struct list_run *l, const struct list_item *it)
{
    size_t p = it->a, e = it->b;
    return !(given_at(r, p) || person_surname(r, l, e - 1) != 0 || norm_in(r, e - 1, C_EVENT) ||
             (e == p + 1 && (tok(r, p)->flags & ENT_TOK_UPPER)) ||
             (e == p + 1 && !r->de && (common_at(r, p) || demonym_word(tok(r, p)))));
}

/* kind_at for rule_org_lists(), made at its first list. */
static int list_kinds(struct run *r, struct list_run *l)
{
    if (l->kind_at)
        return 0;
    if (!(l->kind_at = malloc(r->t->n + 1)))
        return -1;
    memcpy(l->kind_at, r->covered, r->t->n + 1);
    /* An acronym found as an organisation (rule_acronym()) is weak
     * evidence of a list of them ("LL Cool J, DMX, Ludacris ..."): it is
     * passed over, neither an organisation nor anything else. */
    for (size_t c = 0; c < r->out->n; c++) {
        const struct heur_cand *x = &r->out->v[c];
        /* The words it was read from: "Zorbatel Inc." is one item. */
        memset(l->kind_at + x->cover_start, strcmp(x->rule, "rule_acronym") == 0 ? KIND_WEAK : 1 + x->type,
               x->cover_end - x->cover_start);
    }
    return 0;
}

/* The words between a noun and its examples. */
static const char *const list_vias[] = {"such", "as", "including", "like", "namely", "wie", "darunter", "etwa", NULL};

/* Whether a plural noun of organisations stands before the list at p,
 * maybe through "such as", "including", "like": "the newspaper chains
 * Gannett and GateHouse Media", "companies such as Gannett and
 * McClatchy", "Autobauer wie BMW, Daimler und Audi".  Its unknown names
 * are then organisations as much as beside a known one.  2 when those
 * words stand between: then one name is an example too ("companies, like
 * RSA Security, which"). */
static int list_head_noun(const struct run *r, size_t p)
{
    /* Not nouns of people too ("his rivals Johnson and Gove"). */
    static const char *const plurals[] = {
        "companies", "firms", "groups", "banks", "chains", "carriers", "airlines", "retailers", "brands",
        "publishers", "startups", "start-ups", "manufacturers", "automakers", "carmakers", "makers", "chipmakers",
        "lenders", "insurers", "broadcasters", "newspapers", "agencies", "organisations", "organizations",
        "charities", "unions", "studios", "labels", "universities", "operators", "providers", "suppliers",
        "platforms", "services", "apps", "businesses", "corporations", "conglomerates", "unternehmen", "firmen",
        "konzerne", "banken", "autobauer", "hersteller", "anbieter", "marken", "zeitungen", "sender",
        "organisationen", "gewerkschaften", "versicherer", "parteien", "vereine", "verbände", "gruppen",
        "bands", "websites", NULL};
    size_t q = p, skipped = 0;
    while (q > 0 && skipped < 2 && same_sentence(r, q - 1, p) && tok_norm_in(tok(r, q - 1), list_vias))
        q--, skipped++;
    /* "companies, like RSA Security" */
    if (skipped && q > 1 && same_sentence(r, q - 2, p) && is_comma(tok(r, q - 1)))
        q--;
    if (q == 0 || !same_sentence(r, q - 1, p))
        return 0;
    const struct ent_tok *t = tok(r, q - 1);
    /* English nouns in lower case; a capital is a name's word there. */
    if (!tok_norm_in(t, plurals) || (!r->de && is_cap(t)))
        return 0;
    /* A brand alone may be a product's ("brands including Chivas Regal"). */
    static const char *const brands[] = {"brands", "marken", NULL};
    return skipped && !tok_norm_in(t, brands) ? 2 : 1;
}

static int rule_org_lists(struct run *r)
{
    struct list_run l = {0};
    int rc = 0;
    struct list_item items[LIST_ITEMS_MAX];
    /* The capitalised words only (r->look: they and the cues, in text
     * order). */
    size_t done = 0;
    for (size_t i = 0; i < r->n_look && rc == 0; i++) {
        size_t p = r->look[i];
        if (p < done || !is_cap(tok(r, p)) || (p > 0 && same_sentence(r, p - 1, p) && is_cap(tok(r, p - 1))))
            continue;
        /* Most capitalised words begin no list: a comma or a conjunction
         * after their run of capitals, or nothing to look at. */
        size_t e = p + 1;
        while (e < r->n && e < p + 4 && same_sentence(r, p, e) && is_cap(tok(r, e)))
            e++;
        /* A single example: "websites such as Suprnova." */
        int example = p > 0 && same_sentence(r, p - 1, p) && tok_norm_in(tok(r, p - 1), list_vias) &&
                      list_head_noun(r, p) == 2;
        if (!example && (e >= r->n || !same_sentence(r, p, e) || !(is_comma(tok(r, e)) || list_conjunction(tok(r, e)))))
            continue;
        if (list_kinds(r, &l) < 0) {
            rc = -1;
            break;
        }
        size_t n = 0, orgs = 0, others = 0, unknown = 0, q = p;
        int last = 0, closed = 0;
        for (;;) {
            struct list_item it = list_item_at(r, &l, q);
            if (it.kind == ITEM_NONE)
                break;
            /* A longer list is read to its end and left alone: its tail
             * alone would not see a person at its head. */
            if (n == LIST_ITEMS_MAX) {
                others++;
                n--;
            }
            items[n++] = it;
            orgs += it.kind == ITEM_ORG;
            others += it.kind == ITEM_OTHER;
            unknown += it.kind == ITEM_UNKNOWN;
            q = it.b;
            closed = last;
            if (last || q >= r->n || !same_sentence(r, p, q))
                break;
            if (is_comma(tok(r, q)) && q + 1 < r->n && same_sentence(r, p, q + 1))
                q++;
            else if (!list_conjunction(tok(r, q)))
                break;
            if (list_conjunction(tok(r, q))) {
                /* "... and others" closes a list too. */
                if (q + 1 < r->n && same_sentence(r, p, q + 1) && list_others(tok(r, q + 1))) {
                    closed = 1;
                    break;
                }
                q++;
                last = 1;
            }
            if (q >= r->n || !same_sentence(r, p, q))
                break;
        }
        /* Of two, an unknown name of several words is as likely a person
         * whose given name the list lacks ("the Institute of Directors and
         * Bob Smith said"), and after a noun they may be two clauses ("its
         * phone Walkman and Motorola is working on ...").  One unknown name
         * that is no organisation makes a list of anything. */
        const struct ent_tok *before = p > 0 && same_sentence(r, p - 1, p) ? tok(r, p - 1) : NULL;
        int head = n >= 2 && closed && !others && unknown && list_head_noun(r, p);
        if (n == 1 && example && unknown)
            head = closed = 1;
        int orgs_list = (n >= 2 || head) && closed && (orgs || head) && !others && unknown &&
                        (head || !(n == 2 && before && (before->flags & ENT_TOK_WORD) && !is_cap(before) &&
                                   !(before->flags & ENT_TOK_STOP) && !norm_in(r, p - 1, C_ARTICLE)));
        for (size_t k = 0; k < n && orgs_list; k++)
            if (items[k].kind == ITEM_UNKNOWN &&
                (!unknown_is_org(r, &l, &items[k]) || (n == 2 && !head && items[k].b > items[k].a + 1)))
                orgs_list = 0;
        for (size_t k = 0; k < n && orgs_list && rc == 0; k++)
            if (items[k].kind == ITEM_UNKNOWN && free_span(r, items[k].a, items[k].b))
                rc = add(r, items[k].a, items[k].b, ENT_ORG, 0);
        if (n >= 2)
            done = items[n - 1].b;
    }
    free(l.kind_at);
    free(l.surnames);
    return rc < 0 ? -1 : 0;
}

/* "Gannett's shares", "WeWork's valuation", "Zorblan's quarterly
 * revenue": English name words whose last is a possessive, before a
 * noun of a business (one word may stand between), are a firm's.  Not a
 * person's (a given name first; a surname or proper name of the word
 * lists alone; a word of someone found in the article), not a
 * nationality, nor an ordinary word alone (a party's: "the
 * Conservative's website"), not in a sports report (a club's "shares"
 * are rare, its "board" is not). */
static int business_noun(const struct ent_tok *t)
{
    /* Not the offices and people that a person has too ("Pelosi's
     * spokesman", "Kushner's investors", "Klobuchar's chief of staff"). */
    static const char *const nouns[] = {
        "shares", "stock", "shareholders", "revenue", "revenues", "profit", "profits", "earnings", "sales",
        "customers", "subscribers", "headquarters", "ceo", "cfo", "valuation", "ipo", "app", "platform",
        "website", "stores", "subsidiary", "acquisition", "merger", NULL};
    return (t->flags & ENT_TOK_WORD) && !is_cap(t) && tok_norm_in(t, nouns);
}

static int rule_org_possessive(struct run *r)
{
    if (r->de || r->sports)
        return 0;
    struct list_run l = {0};   /* person_surname()'s: the words of the people found or listed */
    int rc = 0;
    for (size_t i = 0; i < r->n_look && rc == 0; i++) {
        size_t p = r->look[i];
        if (!is_cap(tok(r, p)) || (p > 0 && same_sentence(r, p - 1, p) && is_cap(tok(r, p - 1)) &&
                                   !(tok(r, p - 1)->flags & ENT_TOK_STOP)))
            continue;
        size_t e = p;
        while (e < r->n && e < p + 3 && same_sentence(r, p, e) && !r->taken[e] && !r->covered[r->w[e]] &&
               namey(r, e, 1) && !tok_possessive(tok(r, e)))
            e++;
        if (e >= r->n || !same_sentence(r, p, e) || r->taken[e] || r->covered[r->w[e]] || !namey(r, e, 1) ||
            !tok_possessive(tok(r, e)))
            continue;
        e++;   /* the word with the possessive */
        size_t q = e;
        if (q < r->n && same_sentence(r, p, q) && !business_noun(tok(r, q)) && (tok(r, q)->flags & ENT_TOK_WORD) &&
            !is_cap(tok(r, q)) && !(tok(r, q)->flags & ENT_TOK_STOP))
            q++;   /* "Zorblan's quarterly revenue" */
        if (q >= r->n || !same_sentence(r, p, q) || !business_noun(tok(r, q)))
            continue;
        const struct ent_tok *one = e - p == 1 ? tok(r, p) : NULL;
        if (given_word(r, p) || demonym_word(tok(r, p)) ||
            (one && (lexicon_en_proper(r->lex, one->norm, one->norm_len) || common_at(r, p))))
            continue;
        if (list_kinds(r, &l) < 0) {
            rc = -1;
            break;
        }
        int person = 0;
        for (size_t k = p; k < e && person == 0; k++)
            person = demonym_word(tok(r, k)) ? 1 : person_surname(r, &l, k);   /* "the South Korean's market" */
        if (person < 0 || (!person && free_span(r, p, e) && add(r, p, e, ENT_ORG, 0) < 0))
            rc = -1;
    }
    free(l.kind_at);
    free(l.surnames);
    return rc;
}

/* An organisation said in apposition: "Unosat, the UN satellite mapping
 * organisation, said", "Qaxo, one of the biggest software firms",
 * "Zorblan, ein kleiner Softwarekonzern".  Unknown name words before a
 * comma, then an article ("one of", "einer der") and within seven words,
 * before the next comma or the end of the sentence, a noun that stands
 * before organisations' names (or its plural after "one of"); not a
 * person's (a given name first; "Smith, a former bank manager", "Jones,
 * the firm's founder", "X, a member of the band": a role, a possessive or
 * "of" on the way), nor a quantity ("a group of islands"). */
static int apposition_head(const struct run *r, size_t q, size_t *end)
{
    const struct ent_tok *t = tok(r, q);
    if (tok_possessive(t) || (!r->de && is_cap(t)))
        return 0;
    if (norm_in(r, q, C_ORGHEAD)) {
        *end = q + 1;
        return 1;
    }
    /* A plural in -s ("firms"; "companies" is not read). */
    if (t->norm_len > 3 && t->norm[t->norm_len - 1] == 's' && (cue_bits(t->norm, t->norm_len - 1) & C_ORGHEAD)) {
        *end = q + 1;
        return 2;
    }
    return 0;
}

static int rule_org_apposition(struct run *r, size_t c)
{
    /* Not German "der", "die", "das": after a comma they begin a relative
     * clause ("ein Land, das ..."). */
    static const char *const articles[] = {"the", "a", "an", "ein", "eine", NULL};
    static const char *const one_of[] = {"one", "einer", "eines", "eine", NULL};
    static const char *const of[] = {"of", "der", NULL};
    if (c == 0 || c + 2 >= r->n || !is_comma(tok(r, c)) || !same_sentence(r, c - 1, c + 1) ||
        !(tok_norm_in(tok(r, c + 1), articles) || tok_norm_in(tok(r, c + 1), one_of)))
        return 0;
    size_t a = c;
    while (a > 0 && c - a < 3 && same_sentence(r, a - 1, c) && !r->taken[a - 1] && !r->covered[r->w[a - 1]] &&
           list_word(r, a - 1) && !(a < c && tok_possessive(tok(r, a - 1))))
        a--;
    if (a == c || (a > 0 && same_sentence(r, a - 1, a) && is_cap(tok(r, a - 1))) || given_at(r, a) ||
        norm_in(r, c - 1, C_EVENT) ||
        (c == a + 1 && ((tok(r, a)->flags & ENT_TOK_UPPER) || (!r->de && (common_at(r, a) || demonym_word(tok(r, a)))))))
        return 0;
    size_t q = c + 1;
    int plural = 0;
    if (tok_norm_in(tok(r, q), one_of) && q + 1 < r->n && tok_norm_in(tok(r, q + 1), of)) {
        plural = 1;
        q += 2;
    } else if (tok_norm_in(tok(r, q), articles)) {
        q++;
    } else {
        return 0;
    }
    size_t end = 0;
    int found = 0;
    for (size_t k = q; k < r->n && k < q + 7 && same_sentence(r, c, k) && !found; k++) {
        const struct ent_tok *t = tok(r, k);
        if (is_comma(t) || (!(t->flags & ENT_TOK_WORD) && !is_number(t)) || tok_norm_in(t, of) ||
            is_person_role(r, k) || norm_in(r, k, C_OROLE) || tok_possessive(t))
            break;
        found = apposition_head(r, k, &end);
    }
    if (!found || (found == 2) != plural)
        return 0;
    /* The head is not a role's first word ("a bank manager") nor a
     * quantity's ("a group of islands", "a body of water"). */
    if (end < r->n && same_sentence(r, c, end) &&
        (is_person_role(r, end) || norm_in(r, end, C_OROLE) || (!plural && tok_norm_in(tok(r, end), of))))
        return 0;
    if (free_span(r, a, c) && add(r, a, c, ENT_ORG, 0) < 0)
        return -1;
    return 0;
}

/* tidy()'s index of the last words of people's names. */
struct word_ref {
    uint32_t hash;
    uint32_t cand;
};

static int cmp_word_ref(const void *a, const void *b)
{
    uint32_t x = ((const struct word_ref *)a)->hash, y = ((const struct word_ref *)b)->hash;
    return x < y ? -1 : x > y;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The bytes of name before a last word that is an organisation's
 * ("Delta Airlines": 5), or 0. */
static uint32_t before_org_word(const char *name)
{
    const char *sp = strrchr(name, ' ');
    if (!sp || sp == name)
        return 0;
    char norm[32];
    size_t len = strlen(sp + 1);
    if (len == 0 || len >= sizeof norm)
        return 0;
    for (size_t i = 0; i < len; i++)
        norm[i] = (char)((sp[1 + i] >= 'A' && sp[1 + i] <= 'Z') ? sp[1 + i] + 32 : sp[1 + i]);
    return (cue_bits(norm, len) & C_ORGWORD) ? (uint32_t)(sp - name) : 0;
}

/* A name's first len bytes against a whole name, as strcmp() orders. */
struct name_key {
    const char *name;
    size_t len;
};

static int cmp_key_name(const void *a, const void *b)
{
    const struct name_key *k = a;
    const char *name = *(const char *const *)b;
    int r = strncmp(k->name, name, k->len);
    return r ? r : name[k->len] ? -1 : 0;
}

/* One firm, one name: "Zorblax Holdings Inc." gives Zorblax, and a later
 * "Zorblax Holdings" (a name that keeps its legal form's word) is the
 * same firm, Zorblax, when the article has that name too.  Sorted names,
 * so an article of many firms takes no quadratic time. */
static void same_firm_names(struct heur_cands *c)
{
    /* Since 0.8.20 also a name and its organisation's word: "A Delta
     * spokesperson" and "by Delta Airlines" name one firm, Delta. */
    size_t n_forms = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->v[i].type == ENT_ORG && !c->v[i].short_len)
            c->v[i].short_len = before_org_word(c->v[i].name);
        n_forms += c->v[i].short_len != 0;
    }
    if (!n_forms)
        return;
    const char **names = malloc(c->n * sizeof *names);
    uint8_t *cut = calloc(c->n, 1);
    if (!names || !cut) {
        free(names);
        free(cut);
        return;   /* out of memory: the two names stay */
    }
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].type == ENT_ORG)
            names[n++] = c->v[i].name;
    qsort(names, n, sizeof *names, cmp_name);
    /* First which to cut, then the cuts, which would change the keys.  A
     * name's own whole is longer than its short name: no name finds
     * itself. */
    for (size_t i = 0; i < c->n; i++) {
        struct name_key key = {c->v[i].name, c->v[i].short_len};
        cut[i] = key.len && bsearch(&key, names, n, sizeof *names, cmp_key_name) != NULL;
    }
    for (size_t i = 0; i < c->n; i++)
        if (cut[i])
            c->v[i].name[c->v[i].short_len] = '\0';
    free(names);
    free(cut);
}

/* A single word that is the last word of a person found in full is that
 * person again ("Xu Bing" ... "Xu" is not a second one); a person that
 * ends in an organisation word is an organisation. */
static void tidy(struct heur_cands *c)
{
    for (size_t i = 0; i < c->n; i++) {
        struct heur_cand *x = &c->v[i];
        const char *sp = strrchr(x->name, ' ');
        if (x->type == ENT_PERSON && sp && (cue_bits_ascii_ci(sp + 1) & C_ORGWORD))
            x->type = ENT_ORG;
    }
    /* Every drop is decided against the whole list before any name is
     * freed.  The names of the people of several words are sorted once,
     * and their last words by hash, and each one-word person is looked up
     * there: compared with every candidate, an article of many people
     * took quadratic time (2 MB of "the singer X ..." 7.7 s). */
    unsigned char *drop = calloc(c->n ? c->n : 1, 1);
    struct word_ref *refs = malloc((c->n + 1) * sizeof *refs);
    const char **names = malloc((c->n + 1) * sizeof *names);
    if (!drop || !refs || !names) {
        free(drop);
        free(refs);
        free(names);
        return;   /* out of memory: the repeats stay, nothing is lost */
    }
    size_t n_refs = 0;
    for (size_t j = 0; j < c->n; j++) {
        const struct heur_cand *y = &c->v[j];
        const char *last = y->type == ENT_PERSON ? strrchr(y->name, ' ') : NULL;
        if (!last)
            continue;
        names[n_refs] = y->name;
        refs[n_refs++] = (struct word_ref){strmap_hash(last + 1, strlen(last + 1)), (uint32_t)j};
    }
    qsort(refs, n_refs, sizeof *refs, cmp_word_ref);
    qsort(names, n_refs, sizeof *names, cmp_name);
    for (size_t i = 0; i < c->n && n_refs; i++) {
        const struct heur_cand *x = &c->v[i];
        if (x->type != ENT_PERSON || strchr(x->name, ' '))
            continue;
        size_t len = strlen(x->name);
        /* A name that begins with it ("Xu" ... "Xu Bing"): the first name
         * not below it in order. */
        size_t lo = 0, hi = n_refs;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(names[mid], x->name) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        drop[i] = lo < n_refs && strncmp(names[lo], x->name, len) == 0;
        /* A name that ends in it. */
        uint32_t h = strmap_hash(x->name, len);
        lo = 0;
        hi = n_refs;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (refs[mid].hash < h)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < n_refs && refs[k].hash == h && !drop[i]; k++)
            drop[i] = strcmp(strrchr(c->v[refs[k].cand].name, ' ') + 1, x->name) == 0;
    }
    free(refs);
    free(names);
    heur_cands_remove(c, drop, c->n);
    free(drop);
}

/* Whether the word at q may be a Chinese given name in Pinyin: its shape,
 * and no word of English or German ("Long", "Bank" are none). */
static int pinyin_given(const struct run *r, size_t q)
{
    const struct ent_tok *t = tok(r, q);
    return !(t->flags & ENT_TOK_STOP) && pinyin_word(t->norm, t->norm_len) &&
           !lexicon_common(r->lex, "en", t->norm, t->norm_len) && !lexicon_common(r->lex, "de", t->norm, t->norm_len);
}

/* Chinese names as the press writes them, a common surname and a given
 * name in Pinyin, in either order: "Wang Xuebing", "He Jianxiong", "Ziyi
 * Zhang", "Haisheng Rong".  Two capitalised words alone, no other rule's
 * or list's, not inside a longer run of capitalised words (a title or an
 * office before them may stand). */
static int rule_chinese_name(struct run *r, size_t p)
{
    if (p + 1 >= r->n || !same_sentence(r, p, p + 1) || !prose(r, p))
        return 0;
    const struct ent_tok *a = tok(r, p), *b = tok(r, p + 1);
    if ((a->norm_len > 6 && b->norm_len > 6) || !is_cap(a) || !is_cap(b) ||
        ((a->flags | b->flags) & (ENT_TOK_UPPER | ENT_TOK_WHOLE)) || r->taken[p] ||
        r->taken[p + 1] || r->covered[r->w[p]] || r->covered[r->w[p + 1]] || tok_possessive(a))
        return 0;
    if (!(pinyin_surname(a->norm, a->norm_len) && pinyin_given(r, p + 1)) &&
        !(pinyin_surname(b->norm, b->norm_len) && pinyin_given(r, p)))
        return 0;
    if (!tok_possessive(b) && p + 2 < r->n && same_sentence(r, p, p + 2) && is_cap(tok(r, p + 2)) &&
        !(tok(r, p + 2)->flags & ENT_TOK_STOP))
        return 0;
    if (p > 0 && same_sentence(r, p - 1, p) && is_cap(tok(r, p - 1)) &&
        !(tok(r, p - 1)->flags & (ENT_TOK_STOP | ENT_TOK_START)) && !(r->cls[p - 1] & (C_PROLE | C_ROLESUFFIX)))
        return 0;
    return add(r, p, p + 2, ENT_PERSON, 0);
}

typedef int (*rule_fn)(struct run *r, size_t p);

int heur_run(const struct ent_toks *t, const uint8_t *covered, const uint8_t *listed, const char *lang,
             const struct lexicon *lex, unsigned flags, struct heur_cands *out)
{
    struct run r = {.t = t, .covered = covered, .listed = listed, .flags = flags, .lang = lang,
                    .de = lang && strcmp(lang, "de") == 0, .lex = lex, .out = out};
    r.w = malloc((t->n + 1) * sizeof *r.w);
    r.taken = calloc(t->n + 1, 1);
    r.sent_words = calloc(t->n_sentences + 1, sizeof *r.sent_words);
    r.cls = calloc(t->n + 1, sizeof *r.cls);   /* the view has at most t->n words */
    r.memo = t->n_types ? NULL : calloc(MEMO_SLOTS, sizeof *r.memo);
    r.types = t->n_types ? calloc(t->n_types, sizeof *r.types) : NULL;
    r.look = malloc((t->n + 1) * sizeof *r.look);
    int rc = r.w && r.taken && r.sent_words && r.cls && r.look && (t->n_types ? r.types != NULL : r.memo != NULL) &&
             cues_init() == 0 ? 0 : -1;
    /* The stronger cues claim their words first.  A rule is only tried
     * where its cue is: most words are cues of nothing. */
    static const struct {
        rule_fn fn;
        uint32_t cue;       /* enum cue_bit, or C_WHOLE / C_COMMA below */
    } rules[] = {
        {rule_legal_form, C_LEGAL}, {rule_org_role, C_OROLE}, {rule_org_before_role, C_OROLE}, {rule_org_compound, C_WHOLE},
        {rule_org_based, C_WHOLE},
        {rule_org_of, C_ORGOF | C_ORGFOR}, {rule_org_genitive, C_ORGOF | C_ORGFOR}, {rule_person_role, C_PROLE | C_ROLESUFFIX}, {rule_org_head, C_ORGHEAD},
        {rule_person_speech, C_SPEECH | C_COMMA}, {rule_sequence, C_NAMEY1}, {rule_person_given, C_GIVEN},
        {rule_adjective_org, C_ORGWORD | C_ORGFOR | C_INSTITUTION},
        {rule_place, C_PLACEPREP}, {rule_acronym, C_ACRONYM}, {rule_work_title, C_INWORK},
        {rule_institution, C_INSTITUTION}, {rule_body_compound, C_ORGFOR | C_INSTITUTION}, {rule_org_apposition, C_COMMA},
    };
    uint32_t any_cue = 0;
    for (size_t k = 0; k < sizeof rules / sizeof *rules; k++)
        any_cue |= rules[k].cue;
    /* The different words of sport met, up to as many as make a report. */
    const struct ent_tok *sport[HEUR_SPORT_WORDS];
    size_t n_sport = 0;
    /* Words of a round ("semi-finals", "Halbfinale") or a match tell a
     * tournament, also one of tennis or golf, and so does a part of a
     * hyphenated word ("Fußball-Dress" in a tennis report): they count
     * only beside a word of a team's sport (n_team). */
    size_t n_team = 0;
    /* The view positions of web domains, up to as many as prose names. */
    uint32_t domains[HEUR_DOMAINS];
    size_t n_domains = 0;
    uint32_t streets[HEUR_STREETS];
    size_t n_streets = 0;
    /* The capitalised words that are Chinese surnames (rule_chinese_name()
     * reads the words around them). */
    uint32_t *surnames = malloc((t->n + 1) * sizeof *surnames);
    size_t n_surnames = 0;
    if (!surnames)
        rc = -1;
    /* One pass builds the view and works out what each word is.  That
     * depends on its text alone: once per token type.  Its cue bits; and
     * the words namey_now() will look up in the word lists, each type's
     * once, announced together (lexicon_prefetch()) before the first is
     * asked. */
    for (size_t i = 0; rc == 0 && i < t->n; i++) {
        const struct ent_tok *x = &t->v[i];
        if (x->flags & ENT_TOK_PART)
            continue;
        size_t p = r.n++;
        r.w[p] = (uint32_t)i;
        /* A stop counts where no word follows it in its sentence. */
        if (x->flags & ENT_TOK_WORD)
            r.sent_words[x->sentence] = (r.sent_words[x->sentence] & ~SENT_STOPPED) + 1;
        else if ((x->text_len == 1 && (x->text[0] == '.' || x->text[0] == '?' || x->text[0] == '!')) ||
                 (x->text_len == 3 && memcmp(x->text, "\xE2\x80\xA6", 3) == 0))
            r.sent_words[x->sentence] |= SENT_STOPPED;
        struct type_memo *known = r.types && toks_typed(t, x) ? &r.types[x->type] : NULL;
        r.untyped |= !toks_typed(t, x);
        if (known && known->cls) {
            r.cls[p] = known->cls - 1;
        } else {
            /* Most words are no cue, and the filter tells them unhashed. */
            int may = cue_may_be(x->norm, x->norm_len);
            uint32_t h = may ? strmap_hash(x->norm, x->norm_len) : 0;
            r.cls[p] = may ? cue_bits_hashed(x->norm, x->norm_len, h) : 0;
            /* Compounds ending in a role or an organisation noun are German
             * nouns, so capitalised. */
            if (is_cap(x))
                r.cls[p] |= cue_suffix_bits(x->norm, x->norm_len);
            if (is_cap(x) && (r.cls[p] & C_PROLE) && cue_role_lower_only(x->norm, x->norm_len))
                r.cls[p] &= ~(uint32_t)C_PROLE;
            /* A former holder's role: "Expremier", "Exkanzlerin" (the
             * suffixes want three bytes before them). */
            if (r.de && is_cap(x) && x->norm_len > 4 && memcmp(x->norm, "ex", 2) == 0)
                r.cls[p] |= cue_bits(x->norm + 2, x->norm_len - 2) & C_PROLE;
            /* A body's noun in the genitive ("des Straflandesgerichts
             * Klagenfurt") names it as the nominative does.  A feminine
             * noun has no genitive in -s: "Unis" is a plural. */
            size_t gcut = r.de && is_cap(x) && !(r.cls[p] & C_INSTITUTION) ? genitive_cut(x, C_INSTITUTION) : 0;
            if (gcut && noun_gender(x->norm, x->norm_len - gcut) != 'f')
                r.cls[p] |= C_INSTITUTION;
            /* A web site named by its domain ("golem.de"), at its first
             * mention in any case: looked at once per type, and only for a
             * word with a dot where a top-level domain would begin. */
            if ((x->flags & ENT_TOK_WORD) && n_domains < HEUR_DOMAINS && dot_before_tld(x) &&
                cue_web_domain(x->text, x->text_len)) {
                size_t k = 0;
                while (k < n_domains && !same_text_ci(tok(&r, domains[k]), x))
                    k++;
                if (k == n_domains)
                    domains[n_domains++] = (uint32_t)p;
            }
            if (known) {
                known->cls = r.cls[p] + 1;
                known->hashed = (uint8_t)may;
                known->norm_hash = h;
            }
        }
        /* A word of sport, or a hyphenated word with one among its parts
         * ("Fußball-Bundesligisten", "Champions-League"). */
        const struct ent_tok *sw = (r.cls[p] & C_SPORT) && (x->flags & ENT_TOK_WORD) ? x : NULL;
        if (!sw && (x->flags & ENT_TOK_WHOLE) && n_sport < HEUR_SPORT_WORDS)
            for (size_t j = i + 1; j < t->n && (t->v[j].flags & ENT_TOK_PART) && !sw; j++)
                if (cue_bits(t->v[j].norm, t->v[j].norm_len) & C_SPORT)
                    sw = &t->v[j];
        int round = sw && (sw != x || cue_sport_round(sw->norm, sw->norm_len));
        n_team += sw && !round;
        if (sw && n_sport < HEUR_SPORT_WORDS) {
            /* Different words, not forms of one: "goal" and "goals" are one. */
            size_t k = 0;
            while (k < n_sport && !(sport[k]->stem_len == sw->stem_len && memcmp(sport[k]->stem, sw->stem, sw->stem_len) == 0))
                k++;
            if (k == n_sport)
                sport[n_sport++] = sw;
        }
        if (x->flags & ENT_TOK_WHOLE) {
            r.cls[p] |= C_WHOLE;
            /* An English paper's hyphenated name ends in the word of one:
             * "the Pittsburgh Post-Gazette", "the Chicago Sun-Times". */
            size_t last = i + 1;
            while (!r.de && is_cap(x) && last + 1 < t->n && !(t->v[last].flags & ENT_TOK_PART_LAST))
                last++;
            if (!r.de && is_cap(x) && last < t->n && (t->v[last].flags & ENT_TOK_PART_LAST) &&
                (t->v[last].flags & ENT_TOK_CAP) && (cue_bits(t->v[last].norm, t->v[last].norm_len) & C_ORGWORD))
                r.cls[p] |= C_ORGWORD;
        } else if ((x->flags & ENT_TOK_UPPER) && acronym_shape(x))
            r.cls[p] |= C_ACRONYM;
        if (is_comma(x))
            r.cls[p] |= C_COMMA;
        int cap = is_cap(x);
        if (cap || (r.cls[p] & any_cue))
            r.look[r.n_look++] = (uint32_t)p;
        if (cap && n_streets < HEUR_STREETS && street_word(&r, p))
            streets[n_streets++] = (uint32_t)p;
        if (cap && x->norm_len >= 2 && x->norm_len <= 6 && surnames) {
            if (known && !known->surname)
                known->surname = (uint8_t)(1 + pinyin_surname(x->norm, x->norm_len));
            if (known ? known->surname == 2 : pinyin_surname(x->norm, x->norm_len))
                surnames[n_surnames++] = (uint32_t)p;
        }
        /* Only what namey_now() goes on to ask: in English a word at a
         * sentence start, no word the cue bits already rule out. */
        if (known && !known->announced && cap && !(x->flags & ENT_TOK_STOP) && x->text_len >= 2 &&
            (r.de || (x->flags & ENT_TOK_START)) && !(r.cls[p] & NOT_NAMEY)) {
            known->announced = 1;
            size_t len;
            const char *norm = looked_up(x, &len);
            known->hash = lexicon_prefetch(lex, lang, norm, len);
        }
        /* rule_org_compound()'s look-up of a first part ("UniCredit-Chef"),
         * announced likewise: the first part follows its whole. */
        if ((x->flags & ENT_TOK_WHOLE) && known && !known->first_announced && i + 1 < t->n &&
            first_part_named(&t->v[i + 1])) {
            const struct ent_tok *first = &t->v[i + 1];
            known->first_announced = 1;
            known->first_hash = lexicon_prefetch(lex, lang, first->norm, first->norm_len);
        }
    }
    /* The name words; and the few positions that are some rule's cue, in
     * text order: each rule then walks them, not the whole article.  Only
     * a capitalised word can be a name word, and C_NAMEY1 is the only cue
     * this pass adds: the view's pass listed those positions (r.look). */
    uint32_t *cued_at = rc == 0 ? malloc((r.n + 1) * sizeof *cued_at) : NULL;
    size_t n_cued = 0;
    uint32_t cued = 0;     /* the cue bits of those positions together */
    if (rc == 0 && !cued_at)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < r.n_look; i++) {
        size_t p = r.look[i];
        if (namey_now(&r, p, 1)) {
            const struct ent_tok *x = tok(&r, p);
            r.cls[p] |= C_NAMEY1;
            /* A person's name has no short word in capitals and no
             * digit ("LC500 Convertible" is a car). */
            if (!((x->flags & ENT_TOK_UPPER) && x->text_len <= 4) && !has_digit(x->text, x->text_len))
                r.cls[p] |= C_NAMEY0;
        }
        if (given_at(&r, p))
            r.cls[p] |= C_GIVEN;
        /* A tournament's group is no firm's: "World Cup Group B". */
        if ((r.cls[p] & C_LEGAL) && p + 1 < r.n && same_sentence(&r, p, p + 1) &&
            tok_norm_in(tok(&r, p), name_ending_forms) &&
            (is_number(tok(&r, p + 1)) ||
             (tok(&r, p + 1)->text_len == 1 && (tok(&r, p + 1)->flags & (ENT_TOK_UPPER | ENT_TOK_CAP)))))
            r.cls[p] &= ~(C_LEGAL | C_DESCR | C_ORGWORD);
        if ((r.cls[p] & any_cue) && prose(&r, p)) {
            cued_at[n_cued++] = (uint32_t)p;
            cued |= r.cls[p];
        }
    }
    r.sports = n_sport == HEUR_SPORT_WORDS && n_team > 0;
    /* Names spelt out before their acronyms claim their words first. */
    for (size_t i = 0; rc == 0 && i < r.n_look; i++)
        rc = rule_spelt_acronym(&r, r.look[i]);
    /* Chinese names by their shape, before the rules of cues read their
     * words apart ("He Jianxiong said": "He" a pronoun). */
    for (size_t i = 0; rc == 0 && i < n_surnames; i++) {
        if (surnames[i] > 0)
            rc = rule_chinese_name(&r, surnames[i] - 1);
        if (rc == 0)
            rc = rule_chinese_name(&r, surnames[i]);
    }
    free(surnames);
    /* A rule whose cue no word is (most articles have no legal form, no
     * "Verband der") is not walked at all; the rules change no cue bits. */
    for (size_t k = 0; rc == 0 && k < sizeof rules / sizeof *rules; k++)
        for (size_t i = 0; rc == 0 && (cued & rules[k].cue) && i < n_cued; i++)
            if (r.cls[cued_at[i]] & rules[k].cue)
                rc = rules[k].fn(&r, cued_at[i]);
    free(cued_at);
    for (size_t i = 0; rc == 0 && i < n_domains; i++)
        rc = rule_web_domain(&r, domains[i]);
    /* A short sentence's compound in -platz is a slot or a spot as often
     * ("Den Sendeplatz übernimmt ..."). */
    for (size_t i = 0; rc == 0 && i < n_streets; i++)
        if (prose_of(&r, streets[i], 1))
            rc = rule_street(&r, streets[i]);
    out->sports = r.sports;
    if (rc == 0 && out->sports)
        rc = rule_line_ups(&r);
    if (rc == 0)
        rc = rule_org_lists(&r);
    if (rc == 0)
        rc = rule_org_possessive(&r);
    if (rc == 0 && r.de)
        strip_genitives(&r);
    if (rc == 0) {
        same_firm_names(out);
        tidy(out);
    }
    free(r.w);
    free(r.taken);
    free(r.sent_words);
    free(r.cls);
    free(r.memo);
    free(r.types);
    free(r.look);
    free(r.norm_of_type);
    free(r.norm_head);
    free(r.norm_next);
    free(r.norm_alone);
    return rc;
}
