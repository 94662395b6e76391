/*
 * unicode61 keeps "ß" a letter of its own, so "Straße" would not match
 * "Strasse".  The index is therefore fed ß→ss text (SQ_FOLD_SQL in sq.h),
 * while the articles table, FTS5's external content, keeps the words as
 * written.  FTS5 reads that content again in two places, and there the two
 * disagreed: snippet() re-tokenises it to highlight the hits (a folded
 * query term never matched "schließen"), and the integrity check that
 * compares the index with its content ('integrity-check' with rank 1)
 * reported a healthy database as "malformed".
 *
 * The fix is to fold in the tokenizer as well: this wrapper is registered
 * under unicode61's own name on every connection newsd opens, runs the real
 * unicode61 and folds ß (and ẞ, should unicode61 leave it) to "ss" in each
 * token it emits.  Folding folded text changes nothing, so the index is the
 * same as before (no migration), and the database stays usable by any
 * SQLite: a program without the wrapper reads, searches (with "ss") and
 * even updates it as before, since the triggers still feed the index
 * folded text.  Only the content check needs the wrapper, hence newsctl
 * check.  Offsets are those of the unfolded text, so highlights land right.
 */
#include "fold.h"

#include <stdlib.h>
#include <string.h>

/* unicode61 as FTS5 had it before the wrapper took its name. */
struct fold_module {
    fts5_tokenizer inner;
    void *inner_ud;
};

struct fold_tokenizer {
    const struct fold_module *m;
    Fts5Tokenizer *inner;
};

/* One xTokenize call: where folded tokens go. */
struct fold_call {
    void *ctx;
    int (*emit)(void *ctx, int flags, const char *token, int n, int start, int end);
};

static int fold_create(void *ud, const char **argv, int argc, Fts5Tokenizer **out)
{
    const struct fold_module *m = ud;
    struct fold_tokenizer *t = calloc(1, sizeof *t);
    if (!t)
        return SQLITE_NOMEM;
    t->m = m;
    int rc = m->inner.xCreate(m->inner_ud, argv, argc, &t->inner);
    if (rc != SQLITE_OK) {
        free(t);
        return rc;
    }
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void fold_delete(Fts5Tokenizer *p)
{
    struct fold_tokenizer *t = (struct fold_tokenizer *)p;
    t->m->inner.xDelete(t->inner);
    free(t);
}

/* ß is C3 9F, ẞ is E1 BA 9E in UTF-8; both become "ss", never longer. */
static int fold_token(void *arg, int flags, const char *token, int n, int start, int end)
{
    struct fold_call *c = arg;
    if (!memchr(token, 0xC3, (size_t)n) && !memchr(token, 0xE1, (size_t)n))
        return c->emit(c->ctx, flags, token, n, start, end);
    char small[128] = {0};   /* zeroed: gcc cannot see that the loop fills what is read */
    char *buf = (size_t)n <= sizeof small ? small : calloc(1, (size_t)n);
    if (!buf)
        return SQLITE_NOMEM;
    int len = 0;
    for (int i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)token + i;
        int sharp = i + 1 < n && u[0] == 0xC3 && u[1] == 0x9F ? 2
                  : i + 2 < n && u[0] == 0xE1 && u[1] == 0xBA && u[2] == 0x9E ? 3 : 0;
        if (sharp) {
            buf[len++] = 's';
            buf[len++] = 's';
            i += sharp;
        } else {
            buf[len++] = token[i++];
        }
    }
    int rc = c->emit(c->ctx, flags, buf, len, start, end);
    if (buf != small)
        free(buf);
    return rc;
}

static int fold_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                         int (*emit)(void *, int, const char *, int, int, int))
{
    struct fold_tokenizer *t = (struct fold_tokenizer *)p;
    struct fold_call c = {ctx, emit};
    return t->m->inner.xTokenize(t->inner, &c, flags, text, n, fold_token);
}

/* The documented way to reach FTS5's registration API from C. */
static fts5_api *fts5_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

int sq_fold_register(sqlite3 *db)
{
    static fts5_tokenizer wrapper = {fold_create, fold_delete, fold_tokenize};
    fts5_api *api = fts5_of(db);
    if (!api)
        return SQLITE_ERROR;
    struct fold_module *m = calloc(1, sizeof *m);
    if (!m)
        return SQLITE_NOMEM;
    int rc = api->xFindTokenizer(api, "unicode61", &m->inner_ud, &m->inner);
    /* FTS5 looks names up newest first: this one now answers to unicode61;
     * it frees m when db closes. */
    if (rc == SQLITE_OK)
        rc = api->xCreateTokenizer(api, "unicode61", m, &wrapper, free);
    if (rc != SQLITE_OK)
        free(m);
    return rc;
}
