/*
 * The analysis object and the text-layer functions of the plugin ABI
 * (plugin.h, "the text layer").
 *
 * Building one: normalise (NFC), segment (segment.c), then give each token
 * its strings.  Tokens with the same text share them: a hash table over
 * the token texts finds the first token of each text, and only that one
 * is copied, case-folded, stemmed and looked up in the stop words.  In
 * news text half the tokens or more repeat an earlier one, and the
 * stemmer is the dearest step.
 */
#include "analysis.h"
#include "article.h"
#include "segment.h"
#include "stem.h"
#include "stopwords.h"
#include "strhash.h"
#include "text.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void analysis_lang_code(const char *lang, char out[ANALYSIS_LANG_MAX])
{
    out[0] = '\0';
    if (!lang)
        return;
    size_t n = 0;
    while (n < ANALYSIS_LANG_MAX && ((lang[n] >= 'a' && lang[n] <= 'z') || (lang[n] >= 'A' && lang[n] <= 'Z')))
        n++;
    /* "de", "DE", "de-AT", "pt_BR", "gsw"; not "deu1" or "german". */
    if (n < 2 || n > 3 || (lang[n] != '\0' && lang[n] != '-' && lang[n] != '_'))
        return;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(lang[i] | 0x20);
    out[n] = '\0';
}

/* ---- the strings of the tokens ------------------------------------------ */

/* The strings one text's tokens share, one per type in type order.  A
 * repeated token is recognised, and later given its strings, from this
 * small array rather than from its first token: the token array (80 bytes
 * a token, ~70 KB for a 5 KB article) was read at random for both. */
struct type_strings {
    const char *text, *norm, *stem;
    uint32_t length, norm_length, stem_length;
    bool stemmed;                        /* the stem comes from the stemmer (else stop words only) */
    bool stop;
};

struct fill {
    struct newsd_analysis *an;
    struct stemmer *stemmer;             /* NULL: stems are norms */
    const struct stopword_set *stop;     /* NULL: no stop words */
    struct type_strings *types;          /* an->n_types of them */
};

/* Rewrite a norm in place: U+2019 RIGHT SINGLE QUOTATION MARK becomes an
 * ASCII apostrophe ("don’t" and "don't" are one word), and a word's
 * possessive "'s" goes ("xi's" → "xi").  Returns the new length. */
static size_t tidy_norm(char *s, size_t len, bool word)
{
    /* Most norms have neither: nothing to rewrite up to the first. */
    size_t w = 0;
    while (w < len && (unsigned char)s[w] != 0xE2 && s[w] != '\'')
        w++;
    if (w == len) {
        s[w] = '\0';
        return w;
    }
    bool apostrophe = false;
    for (size_t r = w; r < len; r++) {
        if ((unsigned char)s[r] == 0xE2 && r + 2 < len && (unsigned char)s[r + 1] == 0x80 &&
            (unsigned char)s[r + 2] == 0x99) {
            s[w++] = '\'';
            r += 2;
            apostrophe = true;
        } else {
            apostrophe |= s[r] == '\'';
            s[w++] = s[r];
        }
    }
    if (word && apostrophe && w > 2 && s[w - 2] == '\'' && s[w - 1] == 's')
        w -= 2;
    s[w] = '\0';
    return w;
}

/* Whether s[0..len) is ASCII without an apostrophe, and then in *upper
 * whether it has a capital: eight bytes a step (bytes taken twice where
 * the loads overlap change no answer). */
static bool ascii_word(const char *s, size_t len, bool *upper)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t bad = 0, up = 0;
    size_t i = 0;
    for (;;) {
        uint64_t w;
        if (len - i >= 8) {
            memcpy(&w, s + i, 8);
            i += 8;
        } else if (i > 0 && i < len) {   /* the last bytes: the last eight */
            memcpy(&w, s + len - 8, 8);
            i = len;
        } else if (i == 0 && len >= 4) {
            uint32_t a, b;
            memcpy(&a, s, 4);
            memcpy(&b, s + len - 4, 4);
            w = (uint64_t)a << 32 | b;
            i = len;
        } else if (i == 0 && len > 0) {
            const unsigned char *u = (const unsigned char *)s;
            w = (ones * 'a' & ~(uint64_t)0xFFFFFF) | u[0] | (uint64_t)u[len / 2] << 8 | (uint64_t)u[len - 1] << 16;
            i = len;
        } else {
            break;
        }
        /* Per byte: its high bit; whether it is '\'' (a zero byte of x:
         * (x - ones) & ~x says whether there is one, exactly); whether it
         * is in 'A'..'Z' (no carry between ASCII bytes). */
        uint64_t x = w ^ (ones * '\'');
        bad |= (w & highs) | ((x - ones) & ~x & highs);
        up |= (w + (0x80 - 'A') * ones) & ~(w + (0x80 - 'Z' - 1) * ones) & highs;
    }
    *upper = up != 0;
    return bad == 0;
}

/* s[0..len) (ASCII) in lower case, in place: eight bytes a step, the
 * last step overlapping the one before (a byte lowered twice stays
 * lowered).  A byte at a time cost a branch or a table read per letter. */
static void ascii_lower(char *s, size_t len)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    if (len < 8) {
        /* Four bytes a step here, both steps always (they overlap below
         * eight bytes). */
        if (len >= 4) {
            const uint32_t ones4 = (uint32_t)ones, highs4 = (uint32_t)highs;
            uint32_t a, b;
            memcpy(&a, s, 4);
            a |= ((a + (0x80 - 'A') * ones4) & ~(a + (0x80 - 'Z' - 1) * ones4) & highs4) >> 2;
            memcpy(s, &a, 4);
            memcpy(&b, s + len - 4, 4);
            b |= ((b + (0x80 - 'A') * ones4) & ~(b + (0x80 - 'Z' - 1) * ones4) & highs4) >> 2;
            memcpy(s + len - 4, &b, 4);
            return;
        }
        for (size_t i = 0; i < len; i++)
            s[i] = (char)(s[i] | ((unsigned char)(s[i] - 'A') < 26u ? 0x20 : 0));
        return;
    }
    for (size_t i = 0;; i += 8) {
        size_t at = i + 8 <= len ? i : len - 8;
        uint64_t w;
        memcpy(&w, s + at, 8);
        /* 'A'..'Z' as in ascii_word(); its high bit shifted to 0x20. */
        w |= ((w + (0x80 - 'A') * ones) & ~(w + (0x80 - 'Z' - 1) * ones) & highs) >> 2;
        memcpy(s + at, &w, 8);
        if (at + 8 == len)
            return;
    }
}

/* The case-folded form of the token text (NUL-terminated, in the arena;
 * text itself when folding and tidy_norm() change nothing, as for most
 * lower-case words).  word: tidy_norm()'s. */
static const char *make_norm(struct newsd_analysis *an, const char *text, size_t len, bool word, size_t *norm_len)
{
    /* Most words are ASCII without an apostrophe: their norm is their
     * text, or with capitals (German nouns, names) the text in lower case,
     * both seen in one pass. */
    bool upper;
    if (ascii_word(text, len, &upper)) {
        *norm_len = len;
        if (!upper)
            return text;
        char *lower = arena_strndup(&an->arena, text, len);
        if (!lower)
            return NULL;
        ascii_lower(lower, len);
        return lower;
    }
    char buf[256];
    char *folded = NULL;
    size_t n = len < sizeof buf ? text_casefold_fast(text, len, buf) : SIZE_MAX;
    if (n == SIZE_MAX) {
        folded = text_casefold(text);   /* long, or needs utf8proc */
        if (!folded)
            return NULL;
        n = strlen(folded);
    }
    char *f = folded ? folded : buf;
    n = tidy_norm(f, n, word);
    *norm_len = n;
    const char *norm = text;
    if (n != len || !strhash_equal(f, text, n))
        norm = arena_strndup(&an->arena, f, n);
    free(folded);
    return norm;
}

/* A new type, whose first token is t (text_hash: strhash() of its text):
 * its text and norm; *look_up when it is a word, whose stop-word entry and
 * stem are still to be looked up (look_up()), with the norm's hash in
 * *norm_hash.  Both are fetched from memory meanwhile. */
static int new_type(struct fill *f, struct newsd_token *t, uint64_t text_hash, bool *look_up, uint64_t *norm_hash)
{
    struct newsd_analysis *an = f->an;
    *look_up = false;
    char *text = arena_strndup(&an->arena, an->text + t->offset, t->length);
    if (!text)
        return -1;
    t->type = (uint32_t)an->n_types;
    struct type_strings *r = &f->types[an->n_types++];
    *r = (struct type_strings){
        .text = text,
        .norm = text,
        .stem = text,
        .length = (uint32_t)t->length,
        .norm_length = (uint32_t)t->length,
        .stem_length = (uint32_t)t->length,
    };
    if (t->kind == NEWSD_TOKEN_PUNCT)
        return 0;
    size_t norm_len;
    const char *norm = make_norm(an, text, t->length, t->kind == NEWSD_TOKEN_WORD, &norm_len);
    if (!norm)
        return -1;
    r->norm = r->stem = norm;
    r->norm_length = r->stem_length = (uint32_t)norm_len;
    if (t->kind != NEWSD_TOKEN_WORD)
        return 0;
    /* Most words fold to themselves (make_norm() then returns the text):
     * their norm's hash is the text's. */
    uint64_t h = norm == text ? text_hash : strhash(norm, norm_len);
    /* A stemmed word's stop-word flag comes with its stem (the memo keeps
     * both): only the others read the stop words. */
    r->stemmed = f->stemmer && !(t->flags & NEWSD_TOKEN_ABBREVIATION);
    if (r->stemmed)
        stem_prefetch_hashed(f->stemmer, norm_len, h);
    else
        stopwords_prefetch_hashed(f->stop, h);
    *look_up = true;
    *norm_hash = h;
    return 0;
}

/* A word type's stop-word flag and stem (new_type() set its norm). */
static int look_up(struct fill *f, struct type_strings *r, uint64_t norm_hash)
{
    size_t norm_len = r->norm_length, stem_len;
    if (!r->stemmed) {
        r->stop = stopwords_contains_hashed(f->stop, r->norm, norm_len, norm_hash);
        return 0;
    }
    bool stop;
    const char *stem = stem_word_stop_hashed(f->stemmer, r->norm, norm_len, norm_hash, &stop, &stem_len);
    if (!stem)
        return -1;
    r->stop = stop;
    if (stem != r->norm && (stem_len != norm_len || !strhash_equal(stem, r->norm, stem_len))) {
        char *copy = arena_strndup(&f->an->arena, stem, stem_len);
        if (!copy)
            return -1;
        r->stem = copy;
        r->stem_length = (uint32_t)stem_len;
    }
    return 0;
}

/* How many words ahead the look-ups fetch their memo entries again. */
#define LOOKUP_AHEAD 8

/* fill_strings()'s working memory (~60 bytes a token, ~70 KB for a 5 KB
 * article) is kept by each thread from one analysis to the next, up to
 * this size (a thread's one large article is not kept).  A block per
 * article cost a malloc and a free, and glibc's free of 64 KB or more
 * consolidates the heap and trims its top past M_TRIM_THRESHOLD (128 KB
 * unless set, as newsd sets it to 1 MB), so a bench without that faulted
 * the next block in again. */
#define SCRATCH_KEEP (256 * 1024)

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_keyed;
static _Thread_local char *scratch;
static _Thread_local size_t scratch_size;

static void scratch_key_make(void)
{
    /* Without a key an exiting thread's block would leak: then none is
     * kept. */
    scratch_keyed = pthread_key_create(&scratch_key, free) == 0;
}

/* At least size bytes: the thread's kept block, or a new one (kept when
 * it may be); give it back with scratch_put(). */
static char *scratch_get(size_t size)
{
    if (size <= scratch_size)
        return scratch;
    pthread_once(&scratch_once, scratch_key_make);
    if (size > SCRATCH_KEEP || !scratch_keyed)
        return malloc(size);
    size_t want = 16 * 1024;
    while (want < size)
        want *= 2;
    char *b = malloc(want);
    if (!b)
        return NULL;
    if (pthread_setspecific(scratch_key, b) != 0)
        return b;   /* not kept: scratch_put() frees it */
    free(scratch);
    scratch = b;
    scratch_size = want;
    return b;
}

static void scratch_put(char *b)
{
    if (b != scratch)
        free(b);
}

/*
 * Three passes: the first gives each token its type, making a new one
 * (text and norm) for the first token of each text; the second looks up
 * the stop words and stems of the word types; the third gives every token
 * its type's strings.  The look-ups wait until every norm is known so
 * that the stop-word slots and the stemmer's memo entries
 * (stem_prefetch()) are on their way from memory while the rest of the
 * first pass runs.
 */
static int fill_strings(struct newsd_analysis *an)
{
    struct fill f = {
        .an = an,
        .stemmer = an->lang[0] ? stem_stemmer(an->lang) : NULL,
        .stop = an->lang[0] ? stopwords_get(an->lang) : NULL,
    };
    size_t size = 64;
    while (size < an->n_tokens * 2)
        size *= 2;
    size_t mask = size - 1;
    /* One block: the types, the norms' hashes of the word types to look
     * up, the hash table (slots: type + 1; 0: empty) and the word types
     * to look up (to_stem), the wider ones first (aligned by malloc). */
    size_t n1 = an->n_tokens + 1;
    char *block = scratch_get(n1 * (sizeof *f.types + sizeof(uint64_t) + sizeof(uint32_t)) + size * sizeof(uint32_t));
    if (!block)
        return -1;
    f.types = (struct type_strings *)block;
    uint64_t *stem_hash = (uint64_t *)(f.types + n1);
    uint32_t *slots = (uint32_t *)(stem_hash + n1);
    uint32_t *to_stem = slots + size;
    memset(slots, 0, size * sizeof *slots);
    size_t n_stem = 0;
    int rc = 0;
    /* Tokens of one ASCII byte (",", ".", "a", "3": a fifth of the
     * tokens of news) find their type by the byte, without a hash. */
    uint32_t first_byte[128] = {0};
    /* In locals: new_type() is a call, after which the fields would be
     * read again. */
    struct newsd_token *tokens = an->tokens;
    const char *text = an->text;
    size_t n_tokens = an->n_tokens;
    for (size_t i = 0; i < n_tokens && rc == 0; i++) {
        struct newsd_token *t = &tokens[i];
        const char *src = text + t->offset;
        uint32_t *slot;
        uint64_t h;
        if (t->length == 1 && (unsigned char)src[0] < 0x80) {
            slot = &first_byte[(unsigned char)src[0]];
            if (*slot) {
                t->type = *slot - 1;
                continue;
            }
            h = strhash(src, 1);
        } else {
            h = strhash(src, t->length);
            size_t s = h & mask;
            for (;; s = (s + 1) & mask) {
                uint32_t o = slots[s];
                if (!o)
                    break;
                const struct type_strings *r = &f.types[o - 1];
                if (r->length == t->length && strhash_equal(r->text, src, t->length))
                    break;
            }
            slot = &slots[s];
            if (*slot) {
                t->type = *slot - 1;
                continue;
            }
        }
        bool word;
        *slot = (uint32_t)an->n_types + 1;
        rc = new_type(&f, t, h, &word, &stem_hash[n_stem]);
        if (word)
            to_stem[n_stem++] = t->type;
    }
    /* The first pass's prefetches of the memo are long gone from the
     * nearest cache when a 5 KB article's last word is met (its tokens
     * alone are 70 KB): each is asked for again a few words ahead, where
     * it is on its way back, not from memory. */
    for (size_t k = 0; k < n_stem && rc == 0; k++) {
        if (k + LOOKUP_AHEAD < n_stem && f.types[to_stem[k + LOOKUP_AHEAD]].stemmed)
            stem_prefetch_hashed(f.stemmer, f.types[to_stem[k + LOOKUP_AHEAD]].norm_length,
                                 stem_hash[k + LOOKUP_AHEAD]);
        rc = look_up(&f, &f.types[to_stem[k]], stem_hash[k]);
    }
    for (size_t i = 0; i < n_tokens && rc == 0; i++) {
        struct newsd_token *t = &tokens[i];
        const struct type_strings *r = &f.types[t->type];
        t->text = r->text;
        t->norm = r->norm;
        t->stem = r->stem;
        t->norm_length = r->norm_length;
        t->stem_length = r->stem_length;
        t->flags |= r->stop ? NEWSD_TOKEN_STOPWORD : 0;
    }
    scratch_put(block);
    return rc;
}

/* ---- building and freeing ------------------------------------------------ */

/* Takes text (malloc'd, NFC) whatever happens. */
static newsd_analysis *analysis_build(char *text, size_t len, size_t title_len, const char *lang)
{
    /* Token indexes are stored in 32 bits. */
    if (len >= UINT32_MAX) {
        free(text);
        return NULL;
    }
    newsd_analysis *an = calloc(1, sizeof *an);
    if (!an) {
        free(text);
        return NULL;
    }
    an->text = text;
    an->len = len;
    an->title_len = title_len;
    analysis_lang_code(lang, an->lang);
    /* About a token per 5 bytes; the norms and stems of distinct words. */
    arena_init(&an->arena, len + len / 2);
    if (segment_text(an) < 0 || fill_strings(an) < 0) {
        newsd_analysis_free(an);
        return NULL;
    }
    return an;
}

void newsd_analysis_free(newsd_analysis *an)
{
    if (!an)
        return;
    arena_free_all(&an->arena);
    free(an->tokens);
    free(an->sentences);
    free(an->text);
    free(an);
}

newsd_analysis *newsd_analysis_new(const char *text, size_t len, const char *lang)
{
    if (!text && len)
        return NULL;
    if (len && (memchr(text, '\0', len) || !text_is_utf8((const unsigned char *)text, len)))
        return NULL;
    char *nfc = text_utf8_nfc(text ? text : "", len);
    if (!nfc)
        return NULL;
    return analysis_build(nfc, strlen(nfc), 0, lang);
}

newsd_analysis *analysis_of_article(const char *title, const char *body, const char *lang)
{
    /* Fields are NFC when the parser sets them; a plugin's
     * newsd_article_set() need not be, so both go through the
     * normaliser.  Most are seen to be NFC by its fast path's scan: then
     * they are copied once, into the text analysed. */
    size_t title_len = strlen(title), body_len = strlen(body);
    if (text_is_nfc_fast(title, title_len) && text_is_nfc_fast(body, body_len)) {
        size_t sep = title_len ? 2 : 0;
        char *both = malloc(title_len + sep + body_len + 1);
        if (!both)
            return NULL;
        memcpy(both, title, title_len);
        memcpy(both + title_len, "\n\n", sep);
        memcpy(both + title_len + sep, body, body_len + 1);
        return analysis_build(both, title_len + sep + body_len, title_len, lang);
    }
    char *t = text_utf8_nfc(title, title_len);
    char *b = text_utf8_nfc(body, body_len);
    if (!t || !b) {
        free(t);
        free(b);
        return NULL;
    }
    size_t tl = strlen(t), bl = strlen(b);
    if (!tl) {
        free(t);
        return analysis_build(b, bl, 0, lang);
    }
    char *both = malloc(tl + 2 + bl + 1);
    if (!both) {
        free(t);
        free(b);
        return NULL;
    }
    memcpy(both, t, tl);
    memcpy(both + tl, "\n\n", 2);
    memcpy(both + tl + 2, b, bl + 1);
    free(t);
    free(b);
    return analysis_build(both, tl + 2 + bl, tl, lang);
}

const newsd_analysis *newsd_article_analysis(newsd_article *a)
{
    if (!a->analysis)
        a->analysis = analysis_of_article(newsd_article_get(a, NEWSD_FIELD_TITLE),
                                          newsd_article_get(a, NEWSD_FIELD_BODY),
                                          newsd_article_get(a, NEWSD_FIELD_LANG));
    return a->analysis;
}

/* ---- reading ------------------------------------------------------------- */

const char *newsd_analysis_text(const newsd_analysis *an, size_t *len)
{
    if (len)
        *len = an ? an->len : 0;
    return an ? an->text : NULL;
}

const char *newsd_analysis_lang(const newsd_analysis *an)
{
    return an ? an->lang : NULL;
}

size_t newsd_analysis_token_count(const newsd_analysis *an)
{
    return an ? an->n_tokens : 0;
}

size_t newsd_analysis_type_count(const newsd_analysis *an)
{
    return an ? an->n_types : 0;
}

size_t newsd_analysis_sentence_count(const newsd_analysis *an)
{
    return an ? an->n_sentences : 0;
}

/* Copy ours (size bytes) into the caller's struct of struct_size bytes
 * (at least the 1.2 fields: checked): an older minor's struct gets the
 * fields it knows, a larger one (a later minor's) its unknown tail
 * zeroed. */
static void fill_out(void *out, const void *ours, size_t size)
{
    uint32_t caller = *(const uint32_t *)out;
    memcpy(out, ours, caller < size ? caller : size);
    if (caller > size)
        memset((char *)out + size, 0, caller - size);
    *(uint32_t *)out = caller;
}

/* The struct newsd_token of ABI 1.2 ended with stem. */
#define TOKEN_SIZE_1_2 offsetof(struct newsd_token, norm_length)

int newsd_analysis_token_at(const newsd_analysis *an, size_t i, struct newsd_token *out)
{
    if (!an || !out || i >= an->n_tokens || out->struct_size < TOKEN_SIZE_1_2)
        return NEWSD_ERROR;
    /* The stored token is the ABI struct: a caller of this minor gets it
     * whole in one copy, another minor's the part it knows. */
    const struct newsd_token *t = &an->tokens[i];
    if (out->struct_size == sizeof *t)
        *out = *t;
    else
        fill_out(out, t, sizeof *t);
    return NEWSD_OK;
}

const struct newsd_token *newsd_analysis_tokens(const newsd_analysis *an, size_t *count, size_t *stride)
{
    /* The stride is what this newsd stores: at least the caller's
     * sizeof(struct newsd_token) for every minor, since fields only grow
     * at the end. */
    if (stride)
        *stride = sizeof(struct newsd_token);
    size_t n = an ? an->n_tokens : 0;
    if (count)
        *count = n;
    return n ? an->tokens : NULL;
}

int newsd_analysis_sentence_at(const newsd_analysis *an, size_t i, struct newsd_sentence *out)
{
    if (!an || !out || i >= an->n_sentences || out->struct_size < sizeof(struct newsd_sentence))
        return NEWSD_ERROR;
    const struct analysis_sentence *s = &an->sentences[i];
    struct newsd_sentence sen = {
        .struct_size = sizeof sen,
        .paragraph = s->paragraph,
        .offset = s->offset,
        .length = s->length,
        .first_token = s->first_token,
        .n_tokens = s->n_tokens,
    };
    fill_out(out, &sen, sizeof sen);
    return NEWSD_OK;
}

int newsd_stopword(const char *lang, const char *norm)
{
    if (!lang || !norm)
        return 0;
    char code[ANALYSIS_LANG_MAX];
    analysis_lang_code(lang, code);
    if (!code[0])
        return 0;
    return stopwords_contains(stopwords_get(code), norm, strlen(norm));
}
