#include "kw_prefilter.h"

#include <stdlib.h>
#include <string.h>

/* The code points (not ASCII) whose Unicode case folding, as the text
 * layer folds (utf8proc, full folding, NFC), holds an ASCII letter or
 * digit; in NFC only KELVIN SIGN becomes one ("K").  Sorted by code
 * point.  tests/unit/test_keyword_tagger.c checks every code point
 * against the utf8proc newsd links, so a Unicode update that adds one
 * fails there. */
const struct kw_prefilter_fold kw_prefilter_fold[] = {
    {0x00DF, "ss"},        /* ß */
    {0x0130, "i\x80"},     /* İ: i and a combining dot */
    {0x0149, "\x80n"},     /* ŉ: modifier apostrophe and n */
    {0x017F, "s"},         /* ſ */
    {0x1E9A, "a\x80"},     /* ẚ */
    {0x1E9E, "ss"},        /* ẞ */
    {0x212A, "k"},         /* KELVIN SIGN */
    {0xFB00, "ff"},        /* the Latin ligatures ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ */
    {0xFB01, "fi"},
    {0xFB02, "fl"},
    {0xFB03, "ffi"},
    {0xFB04, "ffl"},
    {0xFB05, "st"},
    {0xFB06, "st"},
};
const size_t kw_prefilter_n_fold = sizeof kw_prefilter_fold / sizeof *kw_prefilter_fold;

#define BREAK (KW_PREFILTER_SYMBOLS - 1)
/* A byte that starts or continues a code point beyond ASCII. */
#define NOT_ASCII 0xFF

/* The automaton's symbol of each byte. */
static const uint8_t symbol_of[256] = {
    [0 ... '0' - 1] = BREAK,
    ['0'] = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    [':' ... 'A' - 1] = BREAK,
    ['A'] = 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
    ['Z' + 1 ... 'a' - 1] = BREAK,
    ['a'] = 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
    ['z' + 1 ... 0x7F] = BREAK,
    [0x80 ... 0xFF] = NOT_ASCII,
};

/* The symbol of an ASCII byte, -1 for a break. */
static int symbol(unsigned char c)
{
    return symbol_of[c] < BREAK ? symbol_of[c] : -1;
}

static int grow_states(struct kw_prefilter *p)
{
    if (p->n_states < p->cap_states)
        return 0;
    size_t cap = p->cap_states ? 2 * p->cap_states : 64;
    uint32_t *next = realloc(p->next, cap * KW_PREFILTER_SYMBOLS * sizeof *next);
    if (!next)
        return -1;
    p->next = next;
    uint8_t *accept = realloc(p->accept, cap);
    if (!accept)
        return -1;
    p->accept = accept;
    p->cap_states = cap;
    return 0;
}

/* A state without edges; its number, or 0 when out of memory (0 is the
 * root, never a new state). */
static uint32_t new_state(struct kw_prefilter *p)
{
    if (grow_states(p) < 0)
        return 0;
    memset(p->next + p->n_states * KW_PREFILTER_SYMBOLS, 0, KW_PREFILTER_SYMBOLS * sizeof *p->next);
    p->accept[p->n_states] = 0;
    return (uint32_t)p->n_states++;
}

int kw_prefilter_init(struct kw_prefilter *p)
{
    *p = (struct kw_prefilter){0};
    return new_state(p) == 0 && p->n_states == 1 ? 0 : -1;
}

void kw_prefilter_free(struct kw_prefilter *p)
{
    free(p->next);
    free(p->accept);
    *p = (struct kw_prefilter){0};
}

/* Off for good: every text may match, the tables are not needed. */
static void turn_off(struct kw_prefilter *p)
{
    free(p->next);
    free(p->accept);
    *p = (struct kw_prefilter){.off = 1};
}

/* The longest run of ASCII letters and digits in the forms of toks
 * (the parts of a hyphenated word, not the whole). */
static const char *longest_run(const struct ent_toks *toks, int sensitive, size_t *run_len, int *any)
{
    const char *best = NULL;
    *run_len = 0;
    *any = 0;
    for (size_t i = 0; i < toks->n; i++) {
        const struct ent_tok *t = &toks->v[i];
        if (t->flags & ENT_TOK_WHOLE)
            continue;
        const char *s = sensitive ? t->text : t->norm;
        size_t len = sensitive ? t->text_len : t->norm_len;
        *any |= len > 0;
        for (size_t k = 0; k < len;) {
            size_t start = k;
            while (k < len && (unsigned char)s[k] < 0x80 && symbol((unsigned char)s[k]) >= 0)
                k++;
            if (k - start > *run_len) {
                *run_len = k - start;
                best = s + start;
            }
            if (k == start)
                k++;
        }
    }
    return best;
}

int kw_prefilter_add(struct kw_prefilter *p, const struct ent_toks *toks, int sensitive)
{
    if (p->off)
        return 0;
    size_t len;
    int any;
    const char *lit = longest_run(toks, sensitive, &len, &any);
    if (!any)
        return 0;   /* the matcher skips it too */
    if (len < 2) {
        turn_off(p);
        return 0;
    }
    uint32_t s = 0;
    for (size_t i = 0; i < len; i++) {
        uint32_t *edge = &p->next[(size_t)s * KW_PREFILTER_SYMBOLS + (size_t)symbol((unsigned char)lit[i])];
        if (!*edge) {
            if (p->n_states >= KW_PREFILTER_MAX_STATES) {
                turn_off(p);
                return 0;
            }
            size_t at = (size_t)(edge - p->next);   /* new_state() may move the table */
            uint32_t ns = new_state(p);
            if (!ns)
                return -1;
            p->next[at] = ns;
            edge = &p->next[at];
        }
        s = *edge;
    }
    p->accept[s] = 1;
    return 0;
}

/* Aho-Corasick: failure links in breadth-first order, folded into the
 * edges so that each byte is one table lookup; then the entries turned
 * into rows with the accept bit. */
int kw_prefilter_build(struct kw_prefilter *p)
{
    if (p->off)
        return 0;
    uint32_t *queue = malloc(p->n_states * sizeof *queue);
    uint32_t *fail = calloc(p->n_states, sizeof *fail);
    if (!queue || !fail) {
        free(queue);
        free(fail);
        return -1;
    }
    size_t head = 0, tail = 0;
    for (size_t c = 0; c < BREAK; c++)
        if (p->next[c])
            queue[tail++] = p->next[c];   /* their failure link is the root */
    while (head < tail) {
        uint32_t r = queue[head++];
        uint32_t f = fail[r];
        p->accept[r] |= p->accept[f];
        uint32_t *edges = p->next + (size_t)r * KW_PREFILTER_SYMBOLS;
        const uint32_t *fedges = p->next + (size_t)f * KW_PREFILTER_SYMBOLS;
        for (size_t c = 0; c < BREAK; c++) {
            if (edges[c]) {
                fail[edges[c]] = fedges[c];
                queue[tail++] = edges[c];
            } else {
                edges[c] = fedges[c];
            }
        }
    }
    free(queue);
    free(fail);
    for (size_t i = 0; i < p->n_states * KW_PREFILTER_SYMBOLS; i++) {
        uint32_t t = p->next[i];   /* a break's column is 0: the root */
        p->next[i] = t * KW_PREFILTER_SYMBOLS | (p->accept[t] ? KW_PREFILTER_ACCEPT : 0);
    }
    free(p->accept);
    p->accept = NULL;
    return 0;
}

static const char *folded_ascii(uint32_t cp)
{
    if (cp < kw_prefilter_fold[0].cp)
        return NULL;
    size_t lo = 0, hi = kw_prefilter_n_fold;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (kw_prefilter_fold[mid].cp == cp)
            return kw_prefilter_fold[mid].ascii;
        if (kw_prefilter_fold[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The code point of the sequence at s[0..avail) and its length; a byte
 * that starts no valid sequence is one byte of code point 0 (a break). */
static size_t decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
    *cp = 0;
    if (n == 1 || n > avail)
        return 1;
    uint32_t c = s[0] & (0x7F >> n);
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 1;
        c = (c << 6) | (s[k] & 0x3F);
    }
    *cp = c;
    return n;
}

/* A stretch of the text read on its own: a cut is always at a break, so
 * no literal spans two stretches. */
struct lane {
    const unsigned char *p, *end;
    uint32_t row;
};

/* Read one code point of the lane.  1 when a literal ends with it. */
static inline int lane_step(const uint32_t *next, struct lane *l)
{
    unsigned sym = symbol_of[*l->p];
    if (sym != NOT_ASCII) {
        uint32_t e = next[l->row + sym];
        l->row = e;
        l->p++;
        return (e & KW_PREFILTER_ACCEPT) != 0;
    }
    uint32_t cp;
    l->p += decode(l->p, (size_t)(l->end - l->p), &cp);
    const char *fold = folded_ascii(cp);
    if (!fold) {
        l->row = 0;
        return 0;
    }
    for (; *fold; fold++) {
        unsigned fs = symbol_of[(unsigned char)*fold];
        uint32_t e = next[l->row + (fs == NOT_ASCII ? BREAK : fs)];
        if (e & KW_PREFILTER_ACCEPT)
            return 1;
        l->row = e;
    }
    return 0;
}

/* Lanes read side by side: each byte's lookup waits for the one before
 * it in its lane only, so the processor overlaps the lanes' lookups. */
#define LANES 4
#define LANE_MIN 64

int kw_prefilter_may_match(const struct kw_prefilter *p, const char *s, size_t len)
{
    if (p->off)
        return 1;
    const unsigned char *u = (const unsigned char *)s, *end = u + len;
    const uint32_t *next = p->next;
    struct lane lane[LANES];
    size_t n_lanes = len >= LANES * LANE_MIN ? LANES : 1;
    const unsigned char *from = u;
    for (size_t k = 0; k < n_lanes; k++) {
        const unsigned char *cut = k + 1 == n_lanes ? end : u + len / n_lanes * (k + 1);
        if (cut < from)
            cut = from;
        while (cut < end && symbol_of[*cut] != BREAK)
            cut++;
        lane[k] = (struct lane){from, cut, 0};
        from = cut;
    }
    if (n_lanes == LANES) {
        /* The four rows in registers while all four lanes read ASCII;
         * a lane at a code point beyond it takes lane_step(). */
        for (;;) {
            const unsigned char *p0 = lane[0].p, *p1 = lane[1].p, *p2 = lane[2].p, *p3 = lane[3].p;
            uint32_t r0 = lane[0].row, r1 = lane[1].row, r2 = lane[2].row, r3 = lane[3].row;
            while (p0 < lane[0].end && p1 < lane[1].end && p2 < lane[2].end && p3 < lane[3].end) {
                unsigned s0 = symbol_of[*p0], s1 = symbol_of[*p1], s2 = symbol_of[*p2], s3 = symbol_of[*p3];
                if ((s0 | s1 | s2 | s3) & 0x80)   /* NOT_ASCII has it, no symbol does */
                    break;
                r0 = next[r0 + s0];
                r1 = next[r1 + s1];
                r2 = next[r2 + s2];
                r3 = next[r3 + s3];
                if ((r0 | r1 | r2 | r3) & KW_PREFILTER_ACCEPT)
                    return 1;
                p0++;
                p1++;
                p2++;
                p3++;
            }
            lane[0] = (struct lane){p0, lane[0].end, r0};
            lane[1] = (struct lane){p1, lane[1].end, r1};
            lane[2] = (struct lane){p2, lane[2].end, r2};
            lane[3] = (struct lane){p3, lane[3].end, r3};
            int live = 1;
            for (size_t k = 0; k < LANES; k++)
                live &= lane[k].p < lane[k].end;
            if (!live)
                break;
            for (size_t k = 0; k < LANES; k++)
                if (symbol_of[*lane[k].p] == NOT_ASCII && lane_step(next, &lane[k]))
                    return 1;
        }
    }
    for (size_t k = 0; k < n_lanes; k++)
        while (lane[k].p < lane[k].end)
            if (lane_step(next, &lane[k]))
                return 1;
    return 0;
}

/* The filter is skipped while it lets three in four articles through. */
int kw_prefilter_use_now(struct kw_prefilter_use *u)
{
    uint32_t n = atomic_fetch_add_explicit(&u->articles, 1, memory_order_relaxed);
    uint32_t read = atomic_load_explicit(&u->read, memory_order_relaxed);
    uint32_t through = atomic_load_explicit(&u->through, memory_order_relaxed);
    if (read < KW_PREFILTER_SAMPLE || through < read / 4 * 3)
        return 1;
    return n % KW_PREFILTER_SAMPLE == 0;
}

void kw_prefilter_use_note(struct kw_prefilter_use *u, int through)
{
    uint32_t read = atomic_fetch_add_explicit(&u->read, 1, memory_order_relaxed) + 1;
    uint32_t t = through ? atomic_fetch_add_explicit(&u->through, 1, memory_order_relaxed) + 1
                         : atomic_load_explicit(&u->through, memory_order_relaxed);
    if (read >= KW_PREFILTER_WINDOW) {
        atomic_store_explicit(&u->read, read / 2, memory_order_relaxed);
        atomic_store_explicit(&u->through, t / 2, memory_order_relaxed);
    }
}
