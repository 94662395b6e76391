#include "tokens.h"

#include <stdlib.h>
#include <string.h>

void toks_free(struct ent_toks *t)
{
    free(t->v);
    *t = (struct ent_toks){0};
}

int toks_reserve(struct ent_toks *t, size_t n)
{
    if (n <= t->cap)
        return 0;
    struct ent_tok *v = realloc(t->v, n * sizeof *v);
    if (!v)
        return -1;
    t->v = v;
    t->cap = n;
    return 0;
}

static size_t count_char(const char *s, size_t len, char c)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == c;
    return n;
}

/* Case of a part from its letters.  A byte that differs between the text
 * and its case-folded norm at the same place marks an upper-case letter;
 * that holds for ASCII and for the two-byte Latin letters (Ä/ä, É/é) that
 * names are written with.  Parts whose text and norm differ in length
 * (ß -> ss) read as not capitalised, which only costs a case-checked match. */
static uint32_t part_case(const char *text, size_t len, const char *norm, size_t norm_len)
{
    if (len == 0 || len != norm_len)
        return 0;
    size_t letters = 0, upper = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x80 && (c & 0xC0) == 0x80)
            continue;  /* continuation byte: counted with its lead */
        int is_letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0xC0;
        if (!is_letter)
            continue;
        letters++;
        size_t clen = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + clen <= len && memcmp(text + i, norm + i, clen) != 0)
            upper++;
    }
    uint32_t flags = 0;
    unsigned char c0 = (unsigned char)text[0];
    size_t l0 = c0 < 0x80 ? 1 : c0 < 0xE0 ? 2 : c0 < 0xF0 ? 3 : 4;
    if (l0 <= len && memcmp(text, norm, l0) != 0)
        flags |= ENT_TOK_CAP;
    if (letters >= 2 && upper == letters)
        flags |= ENT_TOK_UPPER;
    return flags;
}

int toks_push_word(struct ent_toks *t, const struct ent_tok *tok)
{
    size_t hyphens = (tok->flags & ENT_TOK_WORD) && memchr(tok->text, '-', tok->text_len)
                         ? count_char(tok->text, tok->text_len, '-') : 0;
    if (hyphens == 0 || count_char(tok->norm, tok->norm_len, '-') != hyphens)
        return toks_push(t, tok);
    struct ent_tok whole = *tok;
    whole.flags |= ENT_TOK_WHOLE;
    if (toks_push(t, &whole) < 0)
        return -1;
    /* The stem's last part is the last part's stem when the stem kept the
     * hyphens; otherwise the parts are matched by their norms. */
    int stem_parts = count_char(tok->stem, tok->stem_len, '-') == hyphens;
    const char *tx = tok->text, *nx = tok->norm, *sx = tok->stem;
    const char *tend = tx + tok->text_len, *nend = nx + tok->norm_len, *send = sx + tok->stem_len;
    for (size_t k = 0; k <= hyphens; k++) {
        const char *te = k < hyphens ? memchr(tx, '-', (size_t)(tend - tx)) : tend;
        const char *ne = k < hyphens ? memchr(nx, '-', (size_t)(nend - nx)) : nend;
        const char *se = stem_parts && k < hyphens ? memchr(sx, '-', (size_t)(send - sx)) : send;
        struct ent_tok p = {
            .text = tx, .text_len = (uint32_t)(te - tx),
            .norm = nx, .norm_len = (uint32_t)(ne - nx),
            .sentence = tok->sentence,
            .type = ENT_NO_TYPE,
        };
        if (k == hyphens && stem_parts) {
            p.stem = sx;
            p.stem_len = (uint32_t)(se - sx);
        } else {
            p.stem = p.norm;
            p.stem_len = p.norm_len;
        }
        p.flags = ENT_TOK_WORD | ENT_TOK_PART | (k == hyphens ? ENT_TOK_PART_LAST : 0) |
                  part_case(p.text, p.text_len, p.norm, p.norm_len) |
                  (k == 0 ? (tok->flags & ENT_TOK_START) : 0);
        if (p.text_len > 0 && toks_push(t, &p) < 0)
            return -1;
        tx = te + 1;
        nx = ne + 1;
        if (stem_parts)
            sx = se + 1;
    }
    return 0;
}
