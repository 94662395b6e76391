#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strndup(), getline() */
#endif
#include "gazetteer.h"

#include <newsd/plugin.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[ENT_TYPE_COUNT] = {"org", "person", "place", "product"};

const char *ent_type_name(enum ent_type t)
{
    return t < ENT_TYPE_COUNT ? type_names[t] : "?";
}

/* The strings of all entries, one after another: a malloc per name cost
 * as much again as the name. */
struct gz_pool_chunk {
    struct gz_pool_chunk *next;
    size_t used, cap;
    char data[];
};

#define POOL_CHUNK_BYTES 16384

static const char *pool_copy(struct gazetteer *g, const char *s, size_t len)
{
    struct gz_pool_chunk *c = g->pool;
    if (!c || c->cap - c->used < len + 1) {
        size_t cap = len + 1 > POOL_CHUNK_BYTES ? len + 1 : POOL_CHUNK_BYTES;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = g->pool;
        c->used = 0;
        c->cap = cap;
        g->pool = c;
    }
    char *out = c->data + c->used;
    memcpy(out, s, len);
    out[len] = '\0';
    c->used += len + 1;
    return out;
}

void gz_init(struct gazetteer *g)
{
    *g = (struct gazetteer){0};
    strmap_init(&g->index);
}

void gz_free(struct gazetteer *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->v[i].aliases);
    free(g->v);
    free(g->marked);
    strmap_free(&g->index);
    struct gz_pool_chunk *c = g->pool;
    while (c) {
        struct gz_pool_chunk *next = c->next;
        free(c);
        c = next;
    }
    *g = (struct gazetteer){0};
}

void gz_seal(struct gazetteer *g)
{
    strmap_free(&g->index);
    g->sealed = 1;
    if (g->n > 0 && g->n < g->cap) {
        struct gz_entry *v = realloc(g->v, g->n * sizeof *v);
        if (v) {
            g->v = v;
            g->cap = g->n;
        }
    }
}

const char *gz_entry_name(const struct gz_entry *e, const char *lang)
{
    if (lang && *lang)
        for (size_t i = 0; i < e->n_locals; i++)
            if (strcmp(gz_local_lang(e, i), lang) == 0)
                return gz_local_name(e, i);
    return e->name;
}

static int failf(char *err, size_t errlen, const char *fmt, ...) NEWSD_PRINTF(3, 4);
static int failf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

struct span {
    const char *s;
    size_t len;
};

static struct span trim(const char *s, size_t len)
{
    while (len > 0 && (*s == ' ' || *s == '\r'))
        s++, len--;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\r'))
        len--;
    return (struct span){s, len};
}

/* The next item of s up to sep (or its end); advances *pos past sep. */
static struct span next_item(const char *s, size_t len, size_t *pos, char sep)
{
    const char *start = s + *pos;
    const char *end = memchr(start, sep, len - *pos);
    size_t n = end ? (size_t)(end - start) : len - *pos;
    *pos += n + (end ? 1 : 0);
    return trim(start, n);
}

/* A name: not empty, at most GZ_NAME_MAX bytes, no control characters
 * (a tag name is one line), not only punctuation. */
static int check_name(struct span n, const char *what, char *err, size_t errlen)
{
    if (n.len == 0)
        return failf(err, errlen, "empty %s", what);
    if (n.len > GZ_NAME_MAX)
        return failf(err, errlen, "%s \"%.40s...\" is longer than %d bytes", what, n.s, GZ_NAME_MAX);
    int alnum = 0;
    for (size_t i = 0; i < n.len; i++) {
        unsigned char c = (unsigned char)n.s[i];
        if (c < 0x20 || c == 0x7f)
            return failf(err, errlen, "%s \"%.*s\" holds a control character", what, (int)n.len, n.s);
        alnum |= (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80;
    }
    if (!alnum)
        return failf(err, errlen, "%s \"%.*s\" has no letter or digit", what, (int)n.len, n.s);
    return 0;
}

static int parse_type(struct span t, enum ent_type *out)
{
    for (int i = 0; i < ENT_TYPE_COUNT; i++)
        if (strlen(type_names[i]) == t.len && memcmp(type_names[i], t.s, t.len) == 0) {
            *out = (enum ent_type)i;
            return 0;
        }
    return -1;
}

static int lang_code_ok(struct span l)
{
    if (l.len < 2 || l.len >= GZ_LANG_MAX)
        return 0;
    for (size_t i = 0; i < l.len; i++)
        if (!(l.s[i] >= 'a' && l.s[i] <= 'z'))
            return 0;
    return 1;
}

/* Find or add the entry (type, name).  Returns it, or NULL when out of
 * memory. */
static struct gz_entry *entry_for(struct gazetteer *g, enum ent_type type, struct span name, unsigned marks)
{
    unsigned needs_cue = (marks & GZ_MARK_CUE) != 0, town = (marks & GZ_MARK_TOWN) != 0;
    unsigned nation = (marks & GZ_MARK_NATION) != 0, media = (marks & GZ_MARK_MEDIA) != 0;
    char key[GZ_NAME_MAX + 16];
    int klen = snprintf(key, sizeof key, "%s\t%.*s", type_names[type], (int)name.len, name.s);
    uint32_t idx;
    if (strmap_get(&g->index, key, (size_t)klen, &idx)) {
        g->v[idx].needs_cue &= needs_cue;
        g->v[idx].media_only &= media;
        g->v[idx].town |= town;
        g->v[idx].nation |= nation;
        return &g->v[idx];
    }
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 256;
        struct gz_entry *v = realloc(g->v, cap * sizeof *v);
        if (!v)
            return NULL;
        g->v = v;
        g->cap = cap;
    }
    struct gz_entry *e = &g->v[g->n];
    *e = (struct gz_entry){.type = (uint8_t)type, .needs_cue = needs_cue, .town = town, .nation = nation,
                           .media_only = media, .name = pool_copy(g, name.s, name.len)};
    if (!e->name || strmap_put(&g->index, key, (size_t)klen, (uint32_t)g->n) < 0)
        return NULL;
    g->n++;
    return e;
}

/* The array of aliases and localised names more slots longer.  0, or -1
 * when out of memory. */
static int grow_names(struct gz_entry *e, size_t more)
{
    size_t n = (size_t)e->n_aliases + 2 * (size_t)e->n_locals;
    const char **v = realloc(e->aliases, (n + more) * sizeof *v);
    if (!v)
        return -1;
    e->aliases = v;
    return 0;
}

static int add_marked_alias(struct gazetteer *g, const struct gz_entry *e, struct span a, unsigned marks)
{
    const char *copy = pool_copy(g, a.s, a.len);
    if (!copy)
        return -1;
    if (g->n_marked == g->marked_cap) {
        size_t cap = g->marked_cap ? 2 * g->marked_cap : 64;
        struct gz_marked_alias *v = realloc(g->marked, cap * sizeof *v);
        if (!v)
            return -1;
        g->marked = v;
        g->marked_cap = cap;
    }
    g->marked[g->n_marked++] = (struct gz_marked_alias){.entry = (uint32_t)(e - g->v),
                                                        .sport = (marks & GZ_MARK_SPORT) != 0,
                                                        .caps = (marks & GZ_MARK_CAPS) != 0,
                                                        .adjective = (marks & GZ_MARK_ADJECTIVE) != 0,
                                                        .media = (marks & GZ_MARK_MEDIA) != 0, .alias = copy};
    return 0;
}

static int add_alias(struct gazetteer *g, struct gz_entry *e, struct span a)
{
    if (e->n_aliases == UINT32_MAX)
        return -1;
    const char *copy = pool_copy(g, a.s, a.len);
    if (!copy || grow_names(e, 1) < 0)
        return -1;
    /* The localised names move up one slot, after the aliases. */
    memmove(e->aliases + e->n_aliases + 1, e->aliases + e->n_aliases, 2 * (size_t)e->n_locals * sizeof *e->aliases);
    e->aliases[e->n_aliases++] = copy;
    return 0;
}

/* A replaced localised name stays an alias: "de=Vereinigte Staaten" then
 * "de=USA" tags as USA and still finds "Vereinigte Staaten". */
static int set_local(struct gazetteer *g, struct gz_entry *e, struct span lang, struct span name)
{
    const char *copy = pool_copy(g, name.s, name.len);
    if (!copy)
        return -1;
    for (size_t i = 0; i < e->n_locals; i++) {
        const char *l = gz_local_lang(e, i);
        if (strlen(l) == lang.len && memcmp(l, lang.s, lang.len) == 0) {
            const char *old = gz_local_name(e, i);
            if (add_alias(g, e, (struct span){old, strlen(old)}) < 0)
                return -1;
            e->aliases[e->n_aliases + 2 * i + 1] = copy;
            return 0;
        }
    }
    if (e->n_locals == UINT16_MAX)
        return -1;
    const char *lang_copy = pool_copy(g, lang.s, lang.len);
    if (!lang_copy || grow_names(e, 2) < 0)
        return -1;
    size_t at = (size_t)e->n_aliases + 2 * (size_t)e->n_locals;
    e->aliases[at] = lang_copy;
    e->aliases[at + 1] = copy;
    e->n_locals++;
    return 0;
}

static int check_aliases(struct span col, char *err, size_t errlen)
{
    for (size_t pos = 0; pos < col.len;) {
        struct span a = next_item(col.s, col.len, &pos, '|');
        if (check_name(a, "alias", err, errlen) < 0)
            return -1;
    }
    return 0;
}

static int check_locals(struct span col, char *err, size_t errlen)
{
    for (size_t pos = 0; pos < col.len;) {
        struct span item = next_item(col.s, col.len, &pos, '|');
        const char *eq = memchr(item.s, '=', item.len);
        if (!eq)
            return failf(err, errlen, "localised name \"%.*s\" is not LANG=NAME (e.g. de=Vereinigte Staaten)",
                         (int)item.len, item.s);
        struct span lang = trim(item.s, (size_t)(eq - item.s));
        if (!lang_code_ok(lang))
            return failf(err, errlen, "\"%.*s\" is not a language code (two or three lower-case letters: de, en)",
                         (int)lang.len, lang.s);
        if (check_name(trim(eq + 1, item.len - (size_t)(eq + 1 - item.s)), "localised name", err, errlen) < 0)
            return -1;
    }
    return 0;
}

int gz_add_line(struct gazetteer *g, const char *line, size_t len, unsigned marks, char *err, size_t errlen)
{
    struct span all = trim(line, len);
    if (all.len == 0 || all.s[0] == '#')
        return 0;
    if (g->sealed)
        return failf(err, errlen, "the list is sealed: no more entries");
    if (memchr(line, '\0', len) || !newsd_utf8_valid(line, len))
        return failf(err, errlen, "not valid UTF-8 text (save the file as UTF-8)");
    size_t pos = 0;
    struct span col[4];
    int ncol = 0;
    while (pos < len && ncol < 4)
        col[ncol++] = next_item(line, len, &pos, '\t');
    if (pos < len)
        return failf(err, errlen, "more than 4 columns (TYPE, NAME, ALIASES, LANG=NAME)");
    enum ent_type type;
    if (parse_type(col[0], &type) < 0)
        return failf(err, errlen, "type \"%.*s\" is not org, person, place or product "
                     "(columns are separated by tabs)", (int)col[0].len, col[0].s);
    if (ncol < 2)
        return failf(err, errlen, "no name: a line is TYPE<TAB>NAME[<TAB>ALIASES[<TAB>LANG=NAME]]");
    if (check_name(col[1], "name", err, errlen) < 0)
        return -1;
    if (memchr(col[1].s, '|', col[1].len))
        return failf(err, errlen, "name \"%.*s\" holds '|': aliases go in the third column",
                     (int)col[1].len, col[1].s);
    if ((ncol > 2 && check_aliases(col[2], err, errlen) < 0) ||
        (ncol > 3 && check_locals(col[3], err, errlen) < 0))
        return -1;

    if (g->n >= GZ_ENTRIES_MAX)
        return failf(err, errlen, "more than %u entries", (unsigned)GZ_ENTRIES_MAX);
    struct gz_entry *e = entry_for(g, type, col[1], marks);
    if (!e)
        return failf(err, errlen, "out of memory");
    /* A "#!media" line's NAME counts as its aliases do: where the text
     * names a paper (an entry that a line without the mark lists has it
     * as a plain name as well, which wins on the same words). */
    if ((marks & GZ_MARK_MEDIA) && add_marked_alias(g, e, col[1], marks) < 0)
        return failf(err, errlen, "out of memory");
    unsigned alias_marks = GZ_MARK_SPORT | GZ_MARK_CAPS | GZ_MARK_ADJECTIVE | GZ_MARK_MEDIA;
    for (pos = 0; ncol > 2 && pos < col[2].len;) {
        struct span a = next_item(col[2].s, col[2].len, &pos, '|');
        if (((marks & alias_marks) ? add_marked_alias(g, e, a, marks) : add_alias(g, e, a)) < 0)
            return failf(err, errlen, "out of memory");
    }
    for (pos = 0; ncol > 3 && pos < col[3].len;) {
        struct span item = next_item(col[3].s, col[3].len, &pos, '|');
        const char *eq = memchr(item.s, '=', item.len);
        if (set_local(g, e, trim(item.s, (size_t)(eq - item.s)),
                      trim(eq + 1, item.len - (size_t)(eq + 1 - item.s))) < 0)
            return failf(err, errlen, "out of memory");
    }
    return 0;
}

/* The marks of a line "#!cue town": after the "#!", words apart by blanks
 * or commas, up to the end or a "#" (a comment: "#!cue # the towns").
 * "#!none" marks nothing.  1 with *marks set; 0 for a line that is no list
 * of marks but a comment ("#!/usr/bin/env", "#! note"); -1 with the reason
 * in err for a word that is no mark. */
static int parse_marks(const char *s, size_t len, unsigned *marks, char *err, size_t errlen)
{
    static const struct {
        const char *word;
        unsigned mark;
    } known[] = {{"cue", GZ_MARK_CUE}, {"town", GZ_MARK_TOWN}, {"sport", GZ_MARK_SPORT},
                 {"nation", GZ_MARK_NATION}, {"caps", GZ_MARK_CAPS}, {"adjective", GZ_MARK_ADJECTIVE},
                 {"media", GZ_MARK_MEDIA}, {"none", 0}};
    if (len < 3 || memcmp(s, "#!", 2) != 0 || s[2] < 'a' || s[2] > 'z')
        return 0;
    unsigned got = 0;
    for (size_t i = 2; i < len && s[i] != '#';) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == ',' || s[i] == '\r') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && s[j] != ' ' && s[j] != '\t' && s[j] != ',' && s[j] != '\r' && s[j] != '#')
            j++;
        size_t k = 0;
        while (k < sizeof known / sizeof *known &&
               !(strlen(known[k].word) == j - i && memcmp(known[k].word, s + i, j - i) == 0))
            k++;
        if (k == sizeof known / sizeof *known)
            return failf(err, errlen, "unknown mark \"%.*s\" after #! (known: cue, town, sport, nation, caps, adjective, media, none)", (int)(j - i), s + i);
        got |= known[k].mark;
        i = j;
    }
    *marks = got;
    return 1;
}

int gz_load_file(struct gazetteer *g, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return failf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t size = 0, lineno = 0;
    ssize_t n;
    int rc = 0;
    char why[512];
    unsigned marks = 0;
    errno = 0;
    while ((n = getline(&line, &size, f)) >= 0) {
        const char *s = line;
        if (++lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3;  /* UTF-8 byte order mark */
            n -= 3;
        }
        if (n > 0 && s[n - 1] == '\n')
            n--;
        if (parse_marks(s, (size_t)n, &marks, why, sizeof why) < 0) {
            rc = failf(err, errlen, "%s:%zu: %s", path, lineno, why);
            break;
        }
        if (gz_add_line(g, s, (size_t)n, marks, why, sizeof why) < 0) {
            rc = failf(err, errlen, "%s:%zu: %s", path, lineno, why);
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = failf(err, errlen, "%s: cannot read: %s", path, strerror(errno ? errno : EIO));
    free(line);
    fclose(f);
    return rc;
}
