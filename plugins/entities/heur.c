#include "heur.h"

#include <stdlib.h>
#include <string.h>

/* Word lists of the cues, as norms (case-folded).  They are the language's
 * grammar of names (legal forms, roles, speech verbs), not names. */
static const char *const legal_forms[] = {
    "inc.", "inc", "corp.", "corp", "co.", "ltd.", "ltd", "gmbh", "ag", "se", "plc", "llc", "s.a.",
    "n.v.", "kgaa", "corporation", "limited", "holdings", "holding", "group", "l.p.", NULL};
/* Words that describe a company rather than name it: cut off the end of a
 * name found by its legal form ("Naura Technology Group Ltd." -> Naura). */
static const char *const descriptors[] = {
    "technology", "technologies", "intelligent", "international", "electronics", "systems",
    "industries", "industry", "global", "company", "holdings", "holding", "group", "corporation",
    "&", "and", "und", NULL};
/* Last words that make a capitalised sequence an organisation. */
static const char *const org_words[] = {
    "bank", "university", "universität", "institute", "institut", "motors", "airlines", "airways",
    "agency", "ministry", "department", "commission", "council", "party", "foundation", "association",
    "fund", "capital", "partners", "labs", "pharmaceuticals", "authority", "bureau", "exchange",
    "reserve", "court", "stiftung", "partei", "semiconductor", "semiconductors", "networks",
    "insurance", "securities", "investments", "ventures", "studios", "entertainment", "media",
    "energy", "robotics", "motor", "airline", NULL};
/* Roles before a person's name ("Ministerpräsident Li Qiang"). */
static const char *const person_roles[] = {
    "ceo", "cfo", "cto", "coo", "präsident", "präsidentin", "ministerpräsident", "ministerpräsidentin",
    "kanzler", "kanzlerin", "bundeskanzler", "bundeskanzlerin", "minister", "ministerin",
    "mitbegründer", "mitbegründerin", "gründer", "gründerin", "chef", "chefin", "vorstandschef",
    "vorstandschefin", "sprecher", "sprecherin", "analyst", "analystin", "president", "chancellor",
    "secretary", "senator", "governor", "mayor", "chairman", "chairwoman", "founder", "co-founder",
    "cofounder", "spokesman", "spokeswoman", "spokesperson", "economist", "ökonom", "ökonomin",
    "director", "direktor", "direktorin", "executive", "officer", "premier", "king", "queen",
    "könig", "königin", "pope", "papst", "herr", "frau", "mr.", "mr", "mrs.", "mrs", "ms.", "ms",
    "dr.", "prof.", "sir", "bürgermeister", "bürgermeisterin", "abgeordnete", "abgeordneter",
    "vorsitzende", "vorsitzender", "trainer", "coach", "manager", "managerin", "investor",
    "professor", "professorin", "lawmaker", "judge", "richter", "richterin", "ambassador",
    "botschafter", "botschafterin", "commissioner", "kommissar", "kommissarin", "leader", NULL};
/* German compounds that end in a role: "Finanzminister", "US-Präsident". */
static const char *const role_suffixes[] = {
    "präsident", "präsidentin", "minister", "ministerin", "chef", "chefin", "kanzler", "kanzlerin",
    "sprecher", "sprecherin", "gründer", "gründerin", "vorsitzende", "vorsitzender", "direktor",
    "direktorin", "analyst", "analystin", "ökonom", "ökonomin", "bürgermeister", NULL};
/* Roles that name the organisation after "von/der/of/at": "CEO von X". */
static const char *const org_roles[] = {
    "ceo", "cfo", "cto", "coo", "chef", "chefin", "gründer", "gründerin", "mitbegründer",
    "mitbegründerin", "founder", "co-founder", "cofounder", "chairman", "chairwoman", "vorstandschef",
    "vorstandschefin", "sprecher", "sprecherin", "spokesman", "spokeswoman", "spokesperson",
    "executive", "officer", "analyst", "analystin", "investor", "manager", "managerin", "direktor",
    "director", "präsident", "präsidentin", "president", NULL};
static const char *const org_preps[] = {"von", "der", "des", "bei", "beim", "of", "at", NULL};
static const char *const speech_verbs[] = {
    "sagte", "sagt", "erklärte", "erklärt", "betonte", "meinte", "schrieb", "said", "says", "told",
    "added", "stated", "wrote", "explained", "argued", "warned", "noted", NULL};
/* Capitalised words that are never a name. */
static const char *const non_names[] = {
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
    "november", "dezember", "january", "february", "march", "may", "june", "july", "october",
    "december", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "euro", "dollar",
    "yuan", "prozent", "percent", NULL};

static int in_list(const char *const *list, const char *s, size_t len)
{
    for (; *list; list++)
        if (strlen(*list) == len && memcmp(*list, s, len) == 0)
            return 1;
    return 0;
}

static int ends_with_any(const char *const *list, const char *s, size_t len)
{
    for (; *list; list++) {
        size_t l = strlen(*list);
        if (len > l + 2 && memcmp(s + len - l, *list, l) == 0)
            return 1;
    }
    return 0;
}

void heur_cands_free(struct heur_cands *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].name);
    free(c->v);
    *c = (struct heur_cands){0};
}

/* The state of one run: the article's words (hyphenated words whole, their
 * parts left out) and what is already claimed. */
struct run {
    const struct ent_toks *t;
    const uint8_t *covered;
    const char *lang;
    const struct lexicon *lex;
    uint32_t *w;          /* view position -> token index */
    size_t n;
    uint8_t *taken;       /* per view position: a candidate has it */
    uint32_t *sent_words; /* per sentence: words in it */
    struct heur_cands *out;
};

static const struct ent_tok *tok(const struct run *r, size_t p)
{
    return &r->t->v[r->w[p]];
}

static int norm_in(const struct run *r, size_t p, const char *const *list)
{
    const struct ent_tok *t = tok(r, p);
    return in_list(list, t->norm, t->norm_len);
}

static int is_person_role(const struct run *r, size_t p)
{
    const struct ent_tok *t = tok(r, p);
    return in_list(person_roles, t->norm, t->norm_len) || ends_with_any(role_suffixes, t->norm, t->norm_len);
}

static int is_cap(const struct ent_tok *t)
{
    return (t->flags & ENT_TOK_WORD) && (t->flags & (ENT_TOK_CAP | ENT_TOK_UPPER));
}

static int same_sentence(const struct run *r, size_t a, size_t b)
{
    return tok(r, a)->sentence == tok(r, b)->sentence;
}

/* A word that can be part of a name.  acronyms: whether a short word in
 * capitals (KI, EU, CEO) counts; for people it does not. */
static int namey(const struct run *r, size_t p, int acronyms)
{
    const struct ent_tok *t = tok(r, p);
    if (!is_cap(t) || (t->flags & ENT_TOK_STOP) || t->text_len < 2 || r->covered[r->w[p]])
        return 0;
    if ((t->flags & ENT_TOK_UPPER) && t->text_len <= 4 && !acronyms)
        return 0;
    if (in_list(legal_forms, t->norm, t->norm_len) || in_list(descriptors, t->norm, t->norm_len) ||
        in_list(non_names, t->norm, t->norm_len) || is_person_role(r, p) ||
        in_list(speech_verbs, t->norm, t->norm_len))
        return 0;
    /* The last part of a compound says what it is: "KI-Entwickler". */
    const char *norm = t->norm;
    size_t len = t->norm_len;
    const char *dash = memrchr(norm, '-', len);
    if (dash) {
        len -= (size_t)(dash + 1 - norm);
        norm = dash + 1;
    }
    if (r->lang && strcmp(r->lang, "de") == 0)
        return !lexicon_common(r->lex, "de", norm, len);
    if ((t->flags & ENT_TOK_START) && lexicon_common(r->lex, r->lang, norm, len))
        return 0;
    return 1;
}

static int prose(const struct run *r, size_t p)
{
    return r->sent_words[tok(r, p)->sentence] >= HEUR_MIN_WORDS;
}

static int free_span(const struct run *r, size_t a, size_t b)
{
    for (size_t p = a; p < b; p++)
        if (r->taken[p] || r->covered[r->w[p]])
            return 0;
    return 1;
}

/* The words of view positions [a, b) as written, a possessive cut off the
 * last.  NULL when out of memory. */
static char *span_name(const struct run *r, size_t a, size_t b)
{
    size_t cap = 1;
    for (size_t p = a; p < b; p++)
        cap += tok(r, p)->text_len + 1;
    char *s = malloc(cap), *o = s;
    if (!s)
        return NULL;
    for (size_t p = a; p < b; p++) {
        const struct ent_tok *t = tok(r, p);
        size_t len = t->text_len;
        if (p + 1 == b) {
            if (len > 2 && t->text[len - 2] == '\'' && t->text[len - 1] == 's')
                len -= 2;
            else if (len > 4 && memcmp(t->text + len - 4, "\xE2\x80\x99s", 4) == 0)
                len -= 4;
        }
        if (o != s)
            *o++ = ' ';
        memcpy(o, t->text, len);
        o += len;
    }
    *o = '\0';
    return s;
}

static int add(struct run *r, size_t a, size_t b, enum ent_type type, int strong)
{
    struct heur_cands *c = r->out;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        struct heur_cand *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return -1;
        c->v = v;
        c->cap = cap;
    }
    char *name = span_name(r, a, b);
    if (!name)
        return -1;
    c->v[c->n++] = (struct heur_cand){r->w[a], r->w[b - 1] + 1, type, strong, r->w[a], r->w[b - 1] + 1, name};
    for (size_t p = a; p < b; p++)
        r->taken[p] = 1;
    return 0;
}

static int place_at(const struct run *r, size_t p)
{
    return r->covered[r->w[p]] == 1 + ENT_PLACE;
}

/* "Naura Technology Group Ltd.": from a legal form back over name words,
 * generic words and places; then the generic words and places at the end
 * are cut off. */
static int rule_legal_form(struct run *r, size_t j)
{
    const struct ent_tok *lt = tok(r, j);
    if (!is_cap(lt) || !norm_in(r, j, legal_forms) ||
        ((lt->norm_len <= 2) && !(lt->flags & ENT_TOK_UPPER)))
        return 0;
    size_t a = j;
    while (a > 0 && same_sentence(r, a - 1, j) && !r->taken[a - 1]) {
        size_t p = a - 1;
        if (r->covered[r->w[p]] && !place_at(r, p))
            return 0;  /* the gazetteer knows it */
        if (!(namey(r, p, 1) || place_at(r, p) ||
              (is_cap(tok(r, p)) && (norm_in(r, p, legal_forms) || norm_in(r, p, descriptors)))))
            break;
        a = p;
    }
    size_t b = j;
    while (b > a && (norm_in(r, b - 1, legal_forms) || norm_in(r, b - 1, descriptors) || place_at(r, b - 1)))
        b--;
    while (a < b && !namey(r, a, 1) && !place_at(r, a))
        a++;
    if (a >= b)
        return 0;
    int names = 0;
    for (size_t p = a; p < b; p++)
        names += namey(r, p, 1);
    if (!names)
        return 0;
    size_t first = a;
    while (first > 0 && same_sentence(r, first - 1, j) && place_at(r, first - 1))
        first--;
    if (add(r, a, b, ENT_ORG, 1) < 0)
        return -1;
    struct heur_cand *c = &r->out->v[r->out->n - 1];
    c->cover_start = r->w[first];
    c->cover_end = r->w[j] + 1;
    for (size_t p = b; p <= j; p++)
        r->taken[p] = 1;
    return 0;
}

/* Up to max name words from p on (people: no acronyms). */
static size_t names_from(const struct run *r, size_t p, size_t max, int acronyms)
{
    size_t n = 0;
    while (p + n < r->n && n < max && same_sentence(r, p, p + n) && !r->taken[p + n] &&
           namey(r, p + n, acronyms))
        n++;
    return n;
}

static size_t names_before(const struct run *r, size_t p, size_t max)
{
    size_t n = 0;
    while (n < p && n < max && same_sentence(r, p - n - 1, p) && !r->taken[p - n - 1] &&
           namey(r, p - n - 1, 0))
        n++;
    return n;
}

/* "CEO von Moore Threads", "chief executive of Acme". */
static int rule_org_role(struct run *r, size_t p)
{
    if (p + 2 >= r->n || !norm_in(r, p, org_roles) || !norm_in(r, p + 1, org_preps) ||
        !same_sentence(r, p, p + 2))
        return 0;
    size_t n = names_from(r, p + 2, 4, 1);
    while (n > 0 && norm_in(r, p + 2 + n - 1, descriptors))
        n--;
    if (n == 0 || !free_span(r, p + 2, p + 2 + n))
        return 0;
    return add(r, p + 2, p + 2 + n, ENT_ORG, 1);
}

/* "Ministerpräsident Li Qiang", "CEO Jensen Huang". */
static int rule_person_role(struct run *r, size_t p)
{
    if (p + 1 >= r->n || !is_person_role(r, p))
        return 0;
    size_t n = names_from(r, p + 1, 3, 0);
    if (n == 0 || !free_span(r, p + 1, p + 1 + n))
        return 0;
    return add(r, p + 1, p + 1 + n, ENT_PERSON, 0);
}

static int is_comma(const struct ent_tok *t)
{
    return t->norm_len == 1 && t->norm[0] == ',';
}

/* "Xu Bing, Mitbegründer", "Lisa Su said", "said Lisa Su". */
static int rule_person_speech(struct run *r, size_t p)
{
    int role_after = p + 1 < r->n && is_comma(tok(r, p)) && is_person_role(r, p + 1);
    int verb = norm_in(r, p, speech_verbs);
    if (!role_after && !verb)
        return 0;
    size_t n = names_before(r, p, 3);
    if (n >= (role_after ? 1 : 2) && free_span(r, p - n, p))
        return add(r, p - n, p, ENT_PERSON, 0);
    if (verb) {
        n = names_from(r, p + 1, 3, 0);
        if (n >= 2 && free_span(r, p + 1, p + 1 + n))
            return add(r, p + 1, p + 1 + n, ENT_PERSON, 0);
    }
    return 0;
}

/* Whether the norm of view position q comes back alone elsewhere: a
 * capitalised word with no name word beside it. */
static int comes_back_alone(const struct run *r, size_t a, size_t b, size_t q)
{
    const struct ent_tok *want = tok(r, q);
    for (size_t p = 0; p < r->n; p++) {
        if (p >= a && p < b)
            continue;
        const struct ent_tok *t = tok(r, p);
        if (t->norm_len != want->norm_len || memcmp(t->norm, want->norm, t->norm_len) != 0 || !is_cap(t))
            continue;
        int left = p > 0 && same_sentence(r, p - 1, p) && is_cap(tok(r, p - 1)) && !(tok(r, p - 1)->flags & ENT_TOK_START) && namey(r, p - 1, 1);
        int right = p + 1 < r->n && same_sentence(r, p, p + 1) && namey(r, p + 1, 1);
        if (!left && !right)
            return 1;
    }
    return 0;
}

/* Two or three name words: an organisation when an organisation word ends
 * them, a person when the last comes back alone. */
static int rule_sequence(struct run *r, size_t p)
{
    if (r->taken[p])
        return 0;
    size_t n = names_from(r, p, 4, 1);
    if (n == 0)
        return 0;
    size_t e = p + n;
    if (e < r->n && same_sentence(r, p, e) && !r->taken[e] && !r->covered[r->w[e]] &&
        is_cap(tok(r, e)) && norm_in(r, e, org_words))
        return add(r, p, e + 1, ENT_ORG, 0);
    size_t m = names_from(r, p, 3, 0);
    if (m >= 2 && m == n && (p + m >= r->n || !namey(r, p + m, 1)) && comes_back_alone(r, p, p + m, p + m - 1))
        return add(r, p, p + m, ENT_PERSON, 0);
    return 0;
}

typedef int (*rule_fn)(struct run *r, size_t p);

int heur_run(const struct ent_toks *t, const uint8_t *covered, const char *lang, const struct lexicon *lex,
             struct heur_cands *out)
{
    struct run r = {.t = t, .covered = covered, .lang = lang, .lex = lex, .out = out};
    r.w = malloc((t->n + 1) * sizeof *r.w);
    r.taken = calloc(t->n + 1, 1);
    r.sent_words = calloc(t->n_sentences + 1, sizeof *r.sent_words);
    int rc = r.w && r.taken && r.sent_words ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < t->n; i++) {
        if (t->v[i].flags & ENT_TOK_PART)
            continue;
        r.w[r.n++] = (uint32_t)i;
        if (t->v[i].flags & ENT_TOK_WORD)
            r.sent_words[t->v[i].sentence]++;
    }
    /* The stronger cues claim their words first. */
    static const rule_fn rules[] = {rule_legal_form, rule_org_role, rule_person_role, rule_person_speech,
                                    rule_sequence};
    for (size_t k = 0; rc == 0 && k < sizeof rules / sizeof *rules; k++)
        for (size_t p = 0; rc == 0 && p < r.n; p++)
            if (prose(&r, p))
                rc = rules[k](&r, p);
    free(r.w);
    free(r.taken);
    free(r.sent_words);
    return rc;
}
