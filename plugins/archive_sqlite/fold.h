/*
 * The German ß folding of archive_sqlite's full-text index, as an FTS5
 * tokenizer: plain SQLite, no newsd, so that newsctl's archive check uses
 * the very same code.
 */
#ifndef ARCHIVE_SQLITE_FOLD_H
#define ARCHIVE_SQLITE_FOLD_H

#include <sqlite3.h>

/* On db, replace FTS5's "unicode61" tokenizer by one that runs it and then
 * folds ß and ẞ to "ss" in every token.  Call it right after opening db,
 * before anything touches articles_fts.  Returns SQLITE_OK or an error
 * code (no FTS5, out of memory). */
int sq_fold_register(sqlite3 *db);

#endif
