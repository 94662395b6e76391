#include "ac.h"

#include <stdlib.h>
#include <string.h>

/* The home slot of (state, sym) in the table of transitions. */
static size_t thome(const struct ac *a, uint32_t state, uint32_t sym)
{
    uint64_t h = ((((uint64_t)state << 32) | sym) + 1) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 17) & (a->tcap - 1);
}

/* The slot holding the child of state on sym, or the empty one where it
 * would go. */
static size_t tslot(const struct ac *a, uint32_t state, uint32_t sym)
{
    size_t i = thome(a, state, sym);
    for (uint32_t c; (c = a->tslots[i]) != 0; i = (i + 1) & (a->tcap - 1))
        if (a->parent[c] == state && a->in_sym[c] == sym)
            break;
    return i;
}

/* The filter's word of the edge (state, sym) and its two bits. */
static uint64_t edge_hash(uint32_t state, uint32_t sym)
{
    uint64_t h = (uint64_t)state * 0x9E3779B97F4A7C15ull ^ (uint64_t)sym * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 32;
    return h * 0xff51afd7ed558ccdull;
}

static uint64_t edge_bits(uint64_t h)
{
    return 1ull << (h & 63) | 1ull << (h >> 6 & 63);
}

/* 0 when state (not the root) has no child on sym; 1: it may have. */
static int edge_may(const struct ac *a, uint32_t state, uint32_t sym)
{
    uint64_t h = edge_hash(state, sym), bits = edge_bits(h);
    return (a->edge_filter[h >> 32 & a->edge_mask] & bits) == bits;
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
    uint32_t c = a->tslots[tslot(a, state, sym)];
    return c ? c : AC_NONE;
}

static int grow_transitions(struct ac *a)
{
    size_t cap = a->tcap ? 2 * a->tcap : 1024;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    uint32_t *old = a->tslots;
    size_t old_cap = a->tcap;
    a->tslots = slots;
    a->tcap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            a->tslots[tslot(a, a->parent[old[i]], a->in_sym[old[i]])] = old[i];
    free(old);
    return 0;
}

/* Enter child (whose parent and symbol are set) into the table. */
static int set_transition(struct ac *a, uint32_t child)
{
    /* At most 3/4 full: a probe reads a 4-byte slot, and the parent and
     * symbol of the states it holds only where they may match. */
    if ((a->tcount + 1) * 4 > a->tcap * 3 && grow_transitions(a) < 0)
        return -1;
    a->tslots[tslot(a, a->parent[child], a->in_sym[child])] = child;
    a->tcount++;
    return 0;
}

/* Resize the per-state arrays of the adding phase to cap.  0, or -1 when
 * out of memory (the arrays that were resized stay valid). */
static int resize_states(struct ac *a, size_t cap)
{
    uint32_t **arrays[3] = {&a->out, &a->parent, &a->in_sym};
    for (int k = 0; k < 3; k++) {
        uint32_t *p = realloc(*arrays[k], cap * sizeof *p);
        if (!p)
            return -1;
        *arrays[k] = p;
    }
    a->states_cap = cap;
    return 0;
}

static uint32_t new_state(struct ac *a, uint32_t parent, uint32_t sym)
{
    if (a->n_states == a->states_cap &&
        resize_states(a, a->states_cap ? 2 * a->states_cap : 256) < 0)
        return AC_NONE;
    uint32_t s = (uint32_t)a->n_states++;
    a->out[s] = AC_NONE;
    a->parent[s] = parent;
    a->in_sym[s] = sym;
    return s;
}

int ac_init(struct ac *a)
{
    *a = (struct ac){0};
    strmap_init(&a->vocab);
    return new_state(a, 0, 0) == 0 ? 0 : -1;
}

void ac_free(struct ac *a)
{
    strmap_free(&a->vocab);
    free(a->parent);
    free(a->in_sym);
    free(a->tslots);
    free(a->fail);
    free(a->out);
    free(a->dict);
    free(a->root_next);
    free(a->child_start);
    free(a->child_sym);
    free(a->child_next);
    free(a->pat_next);
    free(a->emits);
    free(a->edge_filter);
    free(a->fails_to_root);
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

int ac_add(struct ac *a, const uint32_t *syms, size_t n)
{
    if (a->built || n == 0 || n > UINT32_MAX || a->n_pat >= AC_NONE)
        return -1;
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t next = ac_goto(a, s, syms[i]);
        if (next == AC_NONE) {
            next = new_state(a, s, syms[i]);
            if (next == AC_NONE || set_transition(a, next) < 0)
                return -1;
        }
        s = next;
    }
    if (a->n_pat == a->pat_cap) {
        size_t cap = a->pat_cap ? 2 * a->pat_cap : 256;
        uint32_t *next = realloc(a->pat_next, cap * sizeof *next);
        if (!next)
            return -1;
        a->pat_next = next;
        a->pat_cap = cap;
    }
    /* Appended at the end of the state's list: earlier patterns win ties. */
    uint32_t idx = (uint32_t)a->n_pat++;
    a->pat_next[idx] = AC_NONE;
    uint32_t *link = &a->out[s];
    while (*link != AC_NONE)
        link = &a->pat_next[*link];
    *link = idx;
    return 0;
}

static int by_value(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Replace the table of transitions by the packed arrays: the root's
 * children by symbol (where most steps start: one array read), every
 * other state's sorted by symbol; then the failure links, breadth-first
 * over the packed form.  The states' parents and symbols go, and the
 * arrays sized for growth are cut to what they hold.  0, or -1 when out
 * of memory (nothing is changed then). */
int ac_build(struct ac *a)
{
    size_t n = a->n_states;
    /* Symbols come from ac_symbol(), or are the caller's own (tests). */
    size_t n_sym = (size_t)a->n_symbols + 1, n_child = 0;
    for (size_t s = 1; s < n; s++) {
        if (a->parent[s] != 0)
            n_child++;
        else if (a->in_sym[s] >= n_sym)
            n_sym = (size_t)a->in_sym[s] + 1;
    }
    uint32_t *root_next = malloc(n_sym * sizeof *root_next);
    uint32_t *start = calloc(n + 1, sizeof *start);
    uint32_t *sym = malloc((n_child + 1) * sizeof *sym), *child = malloc((n_child + 1) * sizeof *child);
    uint64_t *keys = malloc((n_child + 1) * sizeof *keys);
    uint32_t *fail = malloc(n * sizeof *fail), *dict = malloc(n * sizeof *dict);
    uint32_t *queue = malloc(n * sizeof *queue);
    uint64_t *emits = calloc(n / 64 + 1, sizeof *emits);
    /* A byte of filter an edge or more (a power of two of words): few
     * of the steps that lead nowhere pass it. */
    size_t filter_words = 1;
    while (filter_words < n_child / 8)
        filter_words *= 2;
    uint64_t *filter = calloc(filter_words, sizeof *filter), *to_root = calloc(n / 64 + 1, sizeof *to_root);
    if (!root_next || !start || !sym || !child || !keys || !fail || !dict || !queue || !emits || !filter ||
        !to_root) {
        free(filter);
        free(to_root);
        free(emits);
        free(root_next);
        free(start);
        free(sym);
        free(child);
        free(keys);
        free(fail);
        free(dict);
        free(queue);
        return -1;
    }
    for (size_t k = 0; k < n_sym; k++)
        root_next[k] = AC_NONE;
    /* The children of each parent together (fail[] is the cursor of each
     * parent's run for now), as (symbol, child) to sort by symbol. */
    for (size_t s = 1; s < n; s++)
        if (a->parent[s] != 0)
            start[a->parent[s] + 1]++;
    for (size_t s = 0; s < n; s++) {
        start[s + 1] += start[s];
        fail[s] = start[s];
    }
    for (size_t s = 1; s < n; s++) {
        if (a->parent[s] == 0)
            root_next[a->in_sym[s]] = (uint32_t)s;
        else
            keys[fail[a->parent[s]]++] = (uint64_t)a->in_sym[s] << 32 | s;
    }
    for (size_t s = 1; s < n; s++) {
        if (a->parent[s] != 0) {
            uint64_t h = edge_hash(a->parent[s], a->in_sym[s]);
            filter[h >> 32 & (filter_words - 1)] |= edge_bits(h);
        }
    }
    for (size_t s = 1; s < n; s++)
        if (start[s + 1] - start[s] > 1)
            qsort(keys + start[s], start[s + 1] - start[s], sizeof *keys, by_value);
    for (size_t i = 0; i < n_child; i++) {
        sym[i] = (uint32_t)(keys[i] >> 32);
        child[i] = (uint32_t)keys[i];
    }
    free(keys);
    free(a->tslots);
    free(a->parent);
    free(a->in_sym);
    a->tslots = a->parent = a->in_sym = NULL;
    a->tcap = a->tcount = 0;
    a->root_next = root_next;
    a->n_root = n_sym;
    a->child_start = start;
    a->child_sym = sym;
    a->child_next = child;
    a->fail = fail;
    a->dict = dict;
    a->emits = emits;
    a->edge_filter = filter;
    a->edge_mask = filter_words - 1;
    a->fails_to_root = to_root;
    a->built = 1;

    size_t head = 0, tail = 0;
    fail[0] = 0;
    dict[0] = AC_NONE;
    queue[tail++] = 0;
    while (head < tail) {
        uint32_t s = queue[head++];
        uint32_t lo = s == 0 ? 0 : start[s], hi = s == 0 ? (uint32_t)n_sym : start[s + 1];
        for (uint32_t i = lo; i < hi; i++) {
            uint32_t c = s == 0 ? root_next[i] : child[i], on = s == 0 ? i : sym[i];
            if (c == AC_NONE)
                continue;
            uint32_t f = 0;
            if (s != 0) {
                uint32_t g = fail[s];
                for (;;) {
                    uint32_t next = packed_goto(a, g, on);
                    if (next != AC_NONE) {
                        f = next;
                        break;
                    }
                    if (g == 0)
                        break;
                    g = fail[g];
                }
            }
            fail[c] = f;
            if (f == 0)
                to_root[c >> 6] |= 1ull << (c & 63);
            dict[c] = a->out[f] != AC_NONE ? f : dict[f];
            if (a->out[c] != AC_NONE || dict[c] != AC_NONE)
                emits[c >> 6] |= 1ull << (c & 63);
            queue[tail++] = c;
        }
    }
    free(queue);
    /* Best effort: a smaller block is given back where realloc can. */
    if (n < a->states_cap) {
        uint32_t *out = realloc(a->out, n * sizeof *out);
        if (out) {
            a->out = out;
            a->states_cap = n;
        }
    }
    if (a->n_pat > 0 && a->n_pat < a->pat_cap) {
        uint32_t *p = realloc(a->pat_next, a->n_pat * sizeof *p);
        if (p) {
            a->pat_next = p;
            a->pat_cap = a->n_pat;
        }
    }
    strmap_seal(&a->vocab);
    return 0;
}

uint32_t ac_step_below(const struct ac *a, uint32_t state, uint32_t sym)
{
    if (sym == 0)
        return AC_NONE;
    while (state != 0) {
        if (edge_may(a, state, sym)) {
            uint32_t c = packed_goto(a, state, sym);
            if (c != AC_NONE)
                return c;
        }
        state = a->fails_to_root[state >> 6] >> (state & 63) & 1 ? 0 : a->fail[state];
    }
    return AC_NONE;
}

uint32_t ac_step(const struct ac *a, uint32_t state, uint32_t sym)
{
    if (sym == 0)
        return 0;
    if (a->built) {
        uint32_t c = ac_step_below(a, state, sym);
        if (c != AC_NONE)
            return c;
        c = packed_goto(a, 0, sym);
        return c != AC_NONE ? c : 0;
    }
    for (;;) {
        uint32_t c = ac_goto(a, state, sym);
        if (c != AC_NONE)
            return c;
        if (state == 0)
            return 0;
        state = a->fail[state];
    }
}
