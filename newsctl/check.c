/*
 * newsctl check: is an archive_sqlite database intact?
 *
 * The checks a person would reach for each mislead on this database:
 * FTS5's 'integrity-check' with rank 1 (the one that compares the index
 * with its external content) tokenises the articles' text again, which
 * holds "ß" where the index holds "ss", and it counts the rows that the
 * background indexer has not reached yet as missing, so it says
 * "malformed" about a healthy database.  This runs the right ones:
 *
 *   1. PRAGMA integrity_check: every table and index, in a read
 *      transaction (newsd goes on writing, WAL lets it);
 *   2. FTS5's check against the content, on a connection with the folding
 *      tokenizer that newsd itself uses (plugins/archive_sqlite/fold.c),
 *      after indexing the pending rows inside the same transaction, which
 *      is then rolled back: the database is left exactly as it was;
 *   3. the lookup by tag name (schema 7 on): tag_index must hold exactly
 *      the (name, seq) pairs of the tags of the indexed rows.  It is a
 *      table that newsd fills, not an index, so step 1 does not see it
 *      out of step, and a query by tag would miss or wrongly find an
 *      article.
 *
 * Step 2 is an INSERT for SQLite, so it needs write access to the
 * database and takes the write lock while it runs: newsd's batches wait
 * (and are retried should they time out; nothing is lost).
 */
#include "check.h"
#include "client.h"

#include "../plugins/archive_sqlite/fold.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long to wait for newsd's write lock (a batch holds it for ms). */
#define LOCK_WAIT_MS 30000

struct verdict {
    json_t *problems;       /* strings */
    long long articles, pending;
};

static long long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void problem(struct verdict *v, const char *what, const char *detail)
{
    char *msg = NULL;
    if (asprintf(&msg, "%s: %s", what, detail) < 0)
        msg = NULL;
    json_array_append_new(v->problems, json_string(msg ? msg : what));
    free(msg);
}

/* 1: SQLite's own check of every b-tree; up to 100 findings. */
static void check_tables(sqlite3 *db, struct verdict *v)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(100)", -1, &st, NULL) != SQLITE_OK) {
        problem(v, "PRAGMA integrity_check", sqlite3_errmsg(db));
        return;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *row = (const char *)sqlite3_column_text(st, 0);
        if (row && strcmp(row, "ok") != 0)
            problem(v, "PRAGMA integrity_check", row);
    }
    if (rc != SQLITE_DONE)
        problem(v, "PRAGMA integrity_check", sqlite3_errmsg(db));
    sqlite3_finalize(st);
}

/* 2: the full-text index against the articles' text; rolled back. */
static void check_index(sqlite3 *db, struct verdict *v)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        problem(v, "cannot take the write lock for the full-text check", sqlite3_errmsg(db));
        return;
    }
    v->articles = count(db, "SELECT count(*) FROM articles");
    v->pending = count(db, "SELECT count(*) FROM articles WHERE seq > (SELECT seq FROM fts_mark)");
    /* The folding tokenizer folds ß itself, so the rows go in as written. */
    if (sqlite3_exec(db, "INSERT INTO articles_fts(rowid, title, body) SELECT seq, title, body FROM articles"
                         " WHERE seq > (SELECT seq FROM fts_mark)", NULL, NULL, NULL) != SQLITE_OK)
        problem(v, "cannot index the pending articles for the check", sqlite3_errmsg(db));
    else if (sqlite3_exec(db, "INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)",
                          NULL, NULL, NULL) != SQLITE_OK)
        problem(v, "the full-text index does not match the articles", sqlite3_errmsg(db));
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/* 3: tag_index against tags, up to the mark (each count is one statement,
 * so one snapshot, while newsd's indexer moves the mark). */
static void check_tag_index(sqlite3 *db, long long version, struct verdict *v)
{
    if (version < 7)
        return;
    long long missing = count(db, "SELECT count(*) FROM (SELECT name, seq FROM tags"
                                  " WHERE seq <= (SELECT seq FROM fts_mark) EXCEPT SELECT name, seq FROM tag_index)");
    long long extra = count(db, "SELECT count(*) FROM (SELECT name, seq FROM tag_index EXCEPT"
                                " SELECT name, seq FROM tags WHERE seq <= (SELECT seq FROM fts_mark))");
    if (missing < 0 || extra < 0) {
        problem(v, "cannot check the lookup by tag name (tag_index)", sqlite3_errmsg(db));
        return;
    }
    if (missing == 0 && extra == 0)
        return;
    char detail[160];
    snprintf(detail, sizeof detail, "tags of indexed articles missing from it: %lld; entries that are no "
             "article's tag: %lld", missing, extra);
    problem(v, "the lookup by tag name (tag_index) does not match the tags", detail);
}

static void print_verdict(const char *path, const struct verdict *v, bool json)
{
    size_t n = json_array_size(v->problems);
    if (json) {
        json_t *o = json_pack("{s:s,s:b,s:I,s:I,s:O}", "database", path, "ok", n == 0,
                              "articles", (json_int_t)v->articles, "pending", (json_int_t)v->pending,
                              "problems", v->problems);
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        if (s)
            puts(s);
        free(s);
        json_decref(o);
        return;
    }
    if (n == 0) {
        printf("%s: ok: %lld articles; tables, indexes and the full-text index are intact", path,
               v->articles);
        if (v->pending > 0)
            printf(" (%lld not yet in the full-text index were checked as newsd will index them)",
                   v->pending);
        printf("\n");
        return;
    }
    size_t i;
    json_t *p;
    json_array_foreach(v->problems, i, p)
        fprintf(stderr, "newsctl: %s: %s\n", path, json_string_value(p));
}

int check_archive(const char *path, bool json)
{
    sqlite3 *db = NULL;
    /* No CREATE: a wrong path must not leave an empty database behind. */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "newsctl: cannot open %s: %s (give the database with --db; checking needs "
                        "write access, so run as newsd's user)\n", path,
                db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return EXIT_CONNECT;
    }
    sqlite3_busy_timeout(db, LOCK_WAIT_MS);
    long long version = count(db, "PRAGMA user_version");
    int rc = sq_fold_register(db);
    if (rc != SQLITE_OK || version < 3) {
        if (rc != SQLITE_OK)
            fprintf(stderr, "newsctl: %s: cannot set up the full-text tokenizer: %s\n", path, sqlite3_errstr(rc));
        else
            fprintf(stderr, "newsctl: %s: not an archive_sqlite database of schema version 3 or later "
                            "(user_version %lld; %s)\n", path, version,
                    version < 0 ? sqlite3_errmsg(db) : "start newsd once to migrate it");
        sqlite3_close(db);
        return EXIT_CONNECT;
    }
    struct verdict v = {.problems = json_array(), .articles = -1, .pending = -1};
    check_tables(db, &v);
    check_index(db, &v);
    check_tag_index(db, version, &v);
    sqlite3_close(db);
    print_verdict(path, &v, json);
    rc = json_array_size(v.problems) ? EXIT_DAEMON : EXIT_OK;
    json_decref(v.problems);
    return rc;
}
