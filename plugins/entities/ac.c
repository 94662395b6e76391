#include "ac.h"

#include <stdlib.h>
#include <string.h>

static uint64_t tkey(uint32_t state, uint32_t sym)
{
    return (((uint64_t)state << 32) | sym) + 1;
}

static size_t tslot(const struct ac *a, uint64_t key)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 17) & (a->tcap - 1);
    while (a->tkeys[i] && a->tkeys[i] != key)
        i = (i + 1) & (a->tcap - 1);
    return i;
}

/* The child of state on sym in the packed form (ac_build()). */
static uint32_t packed_goto(const struct ac *a, uint32_t state, uint32_t sym)
{
    if (state == 0)
        return sym < a->n_root ? a->root_next[sym] : AC_NONE;
    uint32_t lo = a->child_start[state], hi = a->child_start[state + 1];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (a->child_sym[mid] < sym)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->child_start[state + 1] && a->child_sym[lo] == sym ? a->child_next[lo] : AC_NONE;
}

uint32_t ac_goto(const struct ac *a, uint32_t state, uint32_t sym)
{
    if (a->built)
        return packed_goto(a, state, sym);
    if (a->tcap == 0)
        return AC_NONE;
    size_t i = tslot(a, tkey(state, sym));
    return a->tkeys[i] ? a->tvals[i] : AC_NONE;
}

static int grow_transitions(struct ac *a)
{
    size_t cap = a->tcap ? 2 * a->tcap : 1024;
    uint64_t *keys = calloc(cap, sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -1;
    }
    struct ac old = *a;
    a->tkeys = keys;
    a->tvals = vals;
    a->tcap = cap;
    for (size_t i = 0; i < old.tcap; i++)
        if (old.tkeys[i]) {
            size_t j = tslot(a, old.tkeys[i]);
            a->tkeys[j] = old.tkeys[i];
            a->tvals[j] = old.tvals[i];
        }
    free(old.tkeys);
    free(old.tvals);
    return 0;
}

static int set_transition(struct ac *a, uint32_t state, uint32_t sym, uint32_t next)
{
    if ((a->tcount + 1) * 2 > a->tcap && grow_transitions(a) < 0)
        return -1;
    size_t i = tslot(a, tkey(state, sym));
    if (!a->tkeys[i])
        a->tcount++;
    a->tkeys[i] = tkey(state, sym);
    a->tvals[i] = next;
    return 0;
}

/* Resize the per-state arrays to cap.  0, or -1 when out of memory (the
 * arrays that were resized stay valid). */
static int resize_states(struct ac *a, size_t cap)
{
    uint32_t **arrays[3] = {&a->fail, &a->out, &a->dict};
    for (int k = 0; k < 3; k++) {
        uint32_t *p = realloc(*arrays[k], cap * sizeof *p);
        if (!p)
            return -1;
        *arrays[k] = p;
    }
    a->states_cap = cap;
    return 0;
}

static uint32_t new_state(struct ac *a)
{
    if (a->n_states == a->states_cap &&
        resize_states(a, a->states_cap ? 2 * a->states_cap : 256) < 0)
        return AC_NONE;
    uint32_t s = (uint32_t)a->n_states++;
    a->fail[s] = 0;
    a->out[s] = AC_NONE;
    a->dict[s] = AC_NONE;
    return s;
}

int ac_init(struct ac *a)
{
    *a = (struct ac){0};
    strmap_init(&a->vocab);
    return new_state(a) == 0 ? 0 : -1;
}

void ac_free(struct ac *a)
{
    strmap_free(&a->vocab);
    free(a->tkeys);
    free(a->tvals);
    free(a->fail);
    free(a->out);
    free(a->dict);
    free(a->root_next);
    free(a->child_start);
    free(a->child_sym);
    free(a->child_next);
    free(a->pat);
    *a = (struct ac){0};
}

uint32_t ac_lookup(const struct ac *a, const char *form, size_t len)
{
    uint32_t sym;
    return strmap_get(&a->vocab, form, len, &sym) ? sym : 0;
}

uint32_t ac_lookup_hashed(const struct ac *a, const char *form, size_t len, uint32_t hash)
{
    uint32_t sym;
    return strmap_get_hashed(&a->vocab, form, len, hash, &sym) ? sym : 0;
}

void ac_prefetch(const struct ac *a, uint32_t hash, int stage)
{
    strmap_prefetch(&a->vocab, hash, stage);
}

void ac_prefetch_root(const struct ac *a, uint32_t sym)
{
    if (a->built && sym < a->n_root)
        __builtin_prefetch(&a->root_next[sym]);
}

int ac_may_have(const struct ac *a, uint32_t hash)
{
    return strmap_may_have(&a->vocab, hash);
}

uint32_t ac_symbol(struct ac *a, const char *form, size_t len, int create)
{
    uint32_t sym = ac_lookup(a, form, len);
    if (sym || !create)
        return sym;
    sym = a->n_symbols + 1;
    if (strmap_put(&a->vocab, form, len, sym) < 0)
        return 0;
    a->n_symbols = sym;
    return sym;
}

int ac_add(struct ac *a, const uint32_t *syms, size_t n, uint32_t value)
{
    if (a->built || n == 0 || n > UINT32_MAX)
        return -1;
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t next = ac_goto(a, s, syms[i]);
        if (next == AC_NONE) {
            next = new_state(a);
            if (next == AC_NONE || set_transition(a, s, syms[i], next) < 0)
                return -1;
        }
        s = next;
    }
    for (uint32_t p = a->out[s]; p != AC_NONE; p = a->pat[p].next)
        if (a->pat[p].value == value)
            return 0;  /* the same name twice (an alias equal to the name) */
    if (a->n_pat == a->pat_cap) {
        size_t cap = a->pat_cap ? 2 * a->pat_cap : 256;
        struct ac_pattern *pat = realloc(a->pat, cap * sizeof *pat);
        if (!pat)
            return -1;
        a->pat = pat;
        a->pat_cap = cap;
    }
    /* Appended at the end of the state's list: earlier patterns win ties. */
    uint32_t idx = (uint32_t)a->n_pat++;
    a->pat[idx] = (struct ac_pattern){value, AC_NONE};
    uint32_t *link = &a->out[s];
    while (*link != AC_NONE)
        link = &a->pat[*link].next;
    *link = idx;
    return 0;
}

static int by_parent_sym(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Replace the hash table of transitions by the packed arrays: a quarter
 * of the room, and the root (where most steps start) is one array read.
 * The arrays sized for growth are cut to what they hold.  0, or -1 when
 * out of memory (nothing is changed then). */
static int pack(struct ac *a)
{
    /* Symbols come from ac_symbol(), or are the caller's own (tests). */
    size_t n_sym = (size_t)a->n_symbols + 1, n_child = 0;
    for (size_t i = 0; i < a->tcap; i++) {
        if (!a->tkeys[i])
            continue;
        uint64_t key = a->tkeys[i] - 1;
        if (key >> 32 != 0)
            n_child++;
        else if ((key & 0xffffffffu) >= n_sym)
            n_sym = (size_t)(key & 0xffffffffu) + 1;
    }
    uint32_t *root_next = malloc(n_sym * sizeof *root_next);
    uint32_t *start = calloc(a->n_states + 1, sizeof *start);
    uint32_t *sym = malloc((n_child + 1) * sizeof *sym), *child = malloc((n_child + 1) * sizeof *child);
    uint64_t *keys = malloc((n_child + 1) * sizeof *keys);
    if (!root_next || !start || !sym || !child || !keys) {
        free(root_next);
        free(start);
        free(sym);
        free(child);
        free(keys);
        return -1;
    }
    for (size_t s = 0; s < n_sym; s++)
        root_next[s] = AC_NONE;
    size_t k = 0;
    for (size_t i = 0; i < a->tcap; i++) {
        if (!a->tkeys[i])
            continue;
        uint64_t key = a->tkeys[i] - 1;
        if (key >> 32 == 0)
            root_next[key & 0xffffffffu] = a->tvals[i];
        else
            keys[k++] = key;
    }
    qsort(keys, n_child, sizeof *keys, by_parent_sym);
    for (size_t i = 0; i < n_child; i++) {
        uint32_t parent = (uint32_t)(keys[i] >> 32);
        sym[i] = (uint32_t)(keys[i] & 0xffffffffu);
        child[i] = ac_goto(a, parent, sym[i]);
        start[parent + 1]++;
    }
    for (size_t s = 0; s < a->n_states; s++)
        start[s + 1] += start[s];
    free(keys);
    free(a->tkeys);
    free(a->tvals);
    a->tkeys = NULL;
    a->tvals = NULL;
    a->tcap = a->tcount = 0;
    a->root_next = root_next;
    a->n_root = n_sym;
    a->child_start = start;
    a->child_sym = sym;
    a->child_next = child;
    /* Best effort: a smaller block is given back where realloc can. */
    resize_states(a, a->n_states);
    if (a->n_pat > 0 && a->n_pat < a->pat_cap) {
        struct ac_pattern *p = realloc(a->pat, a->n_pat * sizeof *p);
        if (p) {
            a->pat = p;
            a->pat_cap = a->n_pat;
        }
    }
    return 0;
}

/* Breadth-first over the trie.  The children of a state are found by
 * scanning the transition table once and bucketing by parent. */
int ac_build(struct ac *a)
{
    size_t n = a->n_states;
    uint32_t *first = malloc(n * sizeof *first), *next = malloc(a->tcap * sizeof *next);
    uint32_t *queue = malloc(n * sizeof *queue);
    if (!first || !next || !queue) {
        free(first);
        free(next);
        free(queue);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        first[i] = AC_NONE;
    for (size_t i = 0; i < a->tcap; i++)
        if (a->tkeys[i]) {
            uint32_t parent = (uint32_t)((a->tkeys[i] - 1) >> 32);
            next[i] = first[parent];
            first[parent] = (uint32_t)i;
        }
    size_t head = 0, tail = 0;
    queue[tail++] = 0;
    while (head < tail) {
        uint32_t s = queue[head++];
        for (uint32_t t = first[s]; t != AC_NONE; t = next[t]) {
            uint32_t sym = (uint32_t)((a->tkeys[t] - 1) & 0xffffffffu);
            uint32_t child = a->tvals[t];
            uint32_t f = 0;
            if (s != 0) {
                uint32_t g = a->fail[s];
                for (;;) {
                    uint32_t c = ac_goto(a, g, sym);
                    if (c != AC_NONE) {
                        f = c;
                        break;
                    }
                    if (g == 0)
                        break;
                    g = a->fail[g];
                }
            }
            a->fail[child] = f;
            a->dict[child] = a->out[f] != AC_NONE ? f : a->dict[f];
            queue[tail++] = child;
        }
    }
    free(first);
    free(next);
    free(queue);
    if (pack(a) < 0)
        return -1;
    strmap_seal(&a->vocab);
    a->built = 1;
    return 0;
}

uint32_t ac_step(const struct ac *a, uint32_t state, uint32_t sym)
{
    if (sym == 0)
        return 0;
    for (;;) {
        uint32_t c = ac_goto(a, state, sym);
        if (c != AC_NONE)
            return c;
        if (state == 0)
            return 0;
        state = a->fail[state];
    }
}
