/*
 * The archive_sqlite schema and its migrations.
 *
 * PRAGMA user_version holds the schema version.  Each step below takes the
 * database from version i to i + 1 inside one transaction, so a crash in
 * the middle of a migration leaves the old version intact and the next
 * start simply runs the step again.  A fresh database runs every step from
 * 0.  A database newer than this code is refused: an old newsd must not
 * write rows that a newer schema does not expect.
 *
 * History:
 *   1  articles, tags, score_rules, meta, originals, duplicates
 *   2  the FTS5 index articles_fts over title and body, kept in step by
 *      triggers, filled from the rows already there
 *   3  the index is kept by the background indexer (indexer.c), not by an
 *      insert trigger: fts_mark holds the highest seq indexed; the update
 *      and delete triggers touch the index only for rows at or below it
 *   4  articles.action, the action newsd chose from the score total (ABI
 *      1.3), with an index for listing by action; rows archived before it
 *      have '' until they are reprocessed
 *   5  originals are files beside the database (originals.c); the
 *      `originals` table keeps older ones and those that could not be
 *      linked.  No table changes: the version keeps an older newsd, which
 *      would look only in the table, from using the database
 *   6  tags, score_rules and meta keyed by (seq, pos), articles' growing
 *      INTEGER PRIMARY KEY, instead of (article_id, pos) with the random
 *      hex id; tags_name on (name, seq).  New rows become appends at the
 *      right edge of each b-tree instead of inserts at random leaves.
 *      Deleting an article deletes its rows (a seq may be reused)
 *   7  tags_name goes: the lookup by tag name is the table tag_index
 *      (name, seq), filled by the background indexer behind the commits
 *      with the full-text index (same mark, same transaction); rows above
 *      fts_mark are found in `tags` by their seq (query.c)
 *
 * To change the schema, append a step; never edit one that has shipped.
 */
#include "sq.h"

#include <stdio.h>

/*
 * articles.seq is an explicit INTEGER PRIMARY KEY (an alias of the rowid)
 * because the FTS index refers to rows by rowid, and VACUUM may renumber an
 * implicit rowid.  The content hash `id` carries the UNIQUE constraint that
 * dedup relies on.  Times are stored as the record's ISO 8601 UTC strings,
 * which sort and compare like the times they denote.
 *
 * tags/score_rules/meta keep `pos`, the order in which plugins added them,
 * because the record lists them in that order.  They are WITHOUT ROWID
 * tables clustered on (article_id, pos): reading one article's tags is one
 * range scan.  (Step 6 keys them by seq instead.)
 */
static const char STEP_1[] =
    "CREATE TABLE articles ("
    "  seq INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  source TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  format TEXT NOT NULL,"
    "  encoding TEXT NOT NULL,"
    "  received TEXT NOT NULL,"
    "  processed TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  url TEXT NOT NULL,"
    "  author TEXT NOT NULL,"
    "  published TEXT NOT NULL,"
    "  score_total REAL NOT NULL);"
    "CREATE INDEX articles_received ON articles(received);"
    "CREATE TABLE tags ("
    "  article_id TEXT NOT NULL, pos INTEGER NOT NULL,"
    "  name TEXT NOT NULL, weight REAL NOT NULL, plugin TEXT NOT NULL,"
    "  PRIMARY KEY (article_id, pos)) WITHOUT ROWID;"
    "CREATE INDEX tags_name ON tags(name, article_id);"
    "CREATE TABLE score_rules ("
    "  article_id TEXT NOT NULL, pos INTEGER NOT NULL,"
    "  rule TEXT NOT NULL, points REAL NOT NULL, reason TEXT NOT NULL, plugin TEXT NOT NULL,"
    "  PRIMARY KEY (article_id, pos)) WITHOUT ROWID;"
    "CREATE TABLE meta ("
    "  article_id TEXT NOT NULL, pos INTEGER NOT NULL,"
    "  key TEXT NOT NULL, value TEXT NOT NULL,"
    "  PRIMARY KEY (article_id, pos)) WITHOUT ROWID;"
    "CREATE TABLE originals ("
    "  id TEXT PRIMARY KEY,"
    "  data BLOB NOT NULL);"
    "CREATE TABLE duplicates ("
    "  n INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL, source TEXT NOT NULL, received TEXT NOT NULL);";

/*
 * External-content FTS5: the index stores only tokens and positions, the
 * text stays in `articles` (no second copy), and snippet() reads it from
 * there.  unicode61 with remove_diacritics 2 makes "Lücke", "lucke" and
 * "LUCKE" the same token; ß is folded to ss on the way in (SQ_FOLD_SQL), as
 * unicode61 leaves it alone.  Hyphens separate tokens, so "KI-Chiphersteller"
 * is indexed as "ki" + "chiphersteller"; closed compounds are reached with
 * prefix queries ("Halbleiter*").  The folding keeps the token count, so the
 * positions in the index still match the text snippet() re-tokenises.
 */
#define FTS_ROW(r) "(" r ".seq, " SQ_FOLD_SQL(r ".title") ", " SQ_FOLD_SQL(r ".body") ")"
static const char STEP_2[] =
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "  title, body, content='articles', content_rowid='seq',"
    "  tokenize='unicode61 remove_diacritics 2');"
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN"
    "  INSERT INTO articles_fts(rowid, title, body) VALUES " FTS_ROW("new") ";"
    " END;"
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES"
    "    ('delete', old.seq, " SQ_FOLD_SQL("old.title") ", " SQ_FOLD_SQL("old.body") ");"
    " END;"
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES"
    "    ('delete', old.seq, " SQ_FOLD_SQL("old.title") ", " SQ_FOLD_SQL("old.body") ");"
    "  INSERT INTO articles_fts(rowid, title, body) VALUES " FTS_ROW("new") ";"
    " END;"
    "INSERT INTO articles_fts(rowid, title, body)"
    "  SELECT seq, " SQ_FOLD_SQL("title") ", " SQ_FOLD_SQL("body") " FROM articles;";

/*
 * Indexing leaves the commit path: the insert trigger goes, and indexer.c
 * indexes rows with seq above fts_mark.seq in chunks, moving the mark in
 * the same transaction as the FTS inserts (so a crash neither indexes a
 * row twice nor skips one).
 *
 * The old index was kept by triggers inside each batch's transaction, so
 * it is complete; the mark starts at max(seq).  Should it not be (its
 * docsize table, one row per indexed document, disagrees with the article
 * count: someone edited the database by hand), it is emptied and the mark
 * starts at 0, and the indexer rebuilds it in the background.
 *
 * An external-content FTS5 'delete' must be given exactly the text that
 * was indexed, and only for a row that is indexed (otherwise it corrupts
 * the index).  Hence the WHEN clauses: a row above the mark is not in the
 * index yet, and when the indexer reaches it, it indexes whatever text the
 * row has then.  Update and delete run in the writer's transaction, the
 * indexer in its own; SQLite's single write lock orders them, so the mark
 * a trigger reads is the one in force.
 *
 * articles_fts_reuse: seq is INTEGER PRIMARY KEY without AUTOINCREMENT, so
 * after the newest row is deleted (by hand: newsd deletes nothing) its seq
 * can be handed out again, at or below the mark, and would never be
 * indexed.  Such a new row is above every existing one, so lowering the
 * mark to just below it re-indexes that row and nothing else.
 */
static const char STEP_3[] =
    "CREATE TABLE fts_mark (k INTEGER PRIMARY KEY CHECK (k = 1), seq INTEGER NOT NULL);"
    "INSERT INTO fts_mark (k, seq) SELECT 1, CASE"
    "  WHEN (SELECT count(*) FROM articles_fts_docsize) = (SELECT count(*) FROM articles)"
    "  THEN coalesce((SELECT max(seq) FROM articles), 0) ELSE 0 END;"
    "INSERT INTO articles_fts(articles_fts) SELECT 'delete-all'"
    "  WHERE (SELECT seq FROM fts_mark) = 0;"
    "DROP TRIGGER articles_fts_insert;"
    "DROP TRIGGER articles_fts_delete;"
    "DROP TRIGGER articles_fts_update;"
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles"
    "  WHEN old.seq <= (SELECT seq FROM fts_mark) BEGIN"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES"
    "    ('delete', old.seq, " SQ_FOLD_SQL("old.title") ", " SQ_FOLD_SQL("old.body") ");"
    " END;"
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles"
    "  WHEN old.seq <= (SELECT seq FROM fts_mark) BEGIN"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES"
    "    ('delete', old.seq, " SQ_FOLD_SQL("old.title") ", " SQ_FOLD_SQL("old.body") ");"
    "  INSERT INTO articles_fts(rowid, title, body) VALUES " FTS_ROW("new") ";"
    " END;"
    "CREATE TRIGGER articles_fts_reuse AFTER INSERT ON articles"
    "  WHEN new.seq <= (SELECT seq FROM fts_mark) BEGIN"
    "  UPDATE fts_mark SET seq = new.seq - 1;"
    " END;";

/* The action of articles archived from now on; older rows keep '' (no
 * thresholds were applied to them, and the migration cannot know the
 * configuration's): `newsctl reprocess --all` gives them one. */
static const char STEP_4[] =
    "ALTER TABLE articles ADD COLUMN action TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX articles_action ON articles(action, received);";

/* Nothing to change in the tables (see the history above). */
static const char STEP_5[] = "";

/*
 * Keyed by the random content id, every article's ~20 tag, rule and meta
 * rows landed on leaves at random places of three tables and of tags_name,
 * so a batch dirtied (and the WAL and the checkpoint copied) a page per
 * table per article.  Keyed by seq, which only grows, the rows of a batch
 * fill the last pages; tags_name's entries for one name stay in seq order,
 * at the end of that name's run.
 *
 * The rows are copied in (seq, pos) order, so the new b-trees are written
 * left to right.  A row whose article is gone (deleted by hand: newsd
 * deletes none) has no seq and is left behind with the old table.
 *
 * articles_children_delete: a seq can be handed out again after the
 * newest article is deleted by hand (see articles_fts_reuse), and the new
 * article's rows would collide with the old one's (seq, pos) and fail
 * every batch.  So deleting an article deletes its rows too; it costs the
 * insert path nothing.
 */
static const char STEP_6[] =
    "CREATE TABLE tags_v6 ("
    "  seq INTEGER NOT NULL, pos INTEGER NOT NULL,"
    "  name TEXT NOT NULL, weight REAL NOT NULL, plugin TEXT NOT NULL,"
    "  PRIMARY KEY (seq, pos)) WITHOUT ROWID;"
    "INSERT INTO tags_v6 (seq, pos, name, weight, plugin)"
    "  SELECT a.seq, t.pos, t.name, t.weight, t.plugin"
    "  FROM tags t JOIN articles a ON a.id = t.article_id ORDER BY a.seq, t.pos;"
    "DROP TABLE tags;"
    "ALTER TABLE tags_v6 RENAME TO tags;"
    "CREATE INDEX tags_name ON tags(name, seq);"
    "CREATE TABLE score_rules_v6 ("
    "  seq INTEGER NOT NULL, pos INTEGER NOT NULL,"
    "  rule TEXT NOT NULL, points REAL NOT NULL, reason TEXT NOT NULL, plugin TEXT NOT NULL,"
    "  PRIMARY KEY (seq, pos)) WITHOUT ROWID;"
    "INSERT INTO score_rules_v6 (seq, pos, rule, points, reason, plugin)"
    "  SELECT a.seq, r.pos, r.rule, r.points, r.reason, r.plugin"
    "  FROM score_rules r JOIN articles a ON a.id = r.article_id ORDER BY a.seq, r.pos;"
    "DROP TABLE score_rules;"
    "ALTER TABLE score_rules_v6 RENAME TO score_rules;"
    "CREATE TABLE meta_v6 ("
    "  seq INTEGER NOT NULL, pos INTEGER NOT NULL,"
    "  key TEXT NOT NULL, value TEXT NOT NULL,"
    "  PRIMARY KEY (seq, pos)) WITHOUT ROWID;"
    "INSERT INTO meta_v6 (seq, pos, key, value)"
    "  SELECT a.seq, m.pos, m.key, m.value"
    "  FROM meta m JOIN articles a ON a.id = m.article_id ORDER BY a.seq, m.pos;"
    "DROP TABLE meta;"
    "ALTER TABLE meta_v6 RENAME TO meta;"
    "CREATE TRIGGER articles_children_delete AFTER DELETE ON articles BEGIN"
    "  DELETE FROM tags WHERE seq = old.seq;"
    "  DELETE FROM score_rules WHERE seq = old.seq;"
    "  DELETE FROM meta WHERE seq = old.seq;"
    " END;";

/*
 * With ~20 tags an article and names from many plugins (keywords above
 * all), every entry of tags_name went to a leaf at a random place: a batch
 * of 64 articles dirtied ~900 of its pages, ~3.6 MB of WAL to write, fsync
 * and copy back at the checkpoint, for ~2 kB of text an article; in CPU
 * the index cost half of everything the writer did.  tag_index holds the
 * same (name, seq) pairs, written by the indexer (indexer.c) in chunks of
 * up to 500 articles, sorted: each leaf is written once per chunk, not
 * once per batch, and not on the commit path.
 *
 * A row is in tag_index exactly when its seq is at or below fts_mark.seq
 * (the indexer moves both in one transaction); a query by tag reads
 * tag_index for those and `tags` (by its seq key) for the rows above the
 * mark, so it finds the same articles as before, indexed or not.  The
 * writer keeps the entries of an indexed article it reprocesses (store.c);
 * articles_children_delete removes those of an article deleted by hand
 * (before its tags, which say which names to remove).
 */
static const char STEP_7[] =
    "CREATE TABLE tag_index ("
    "  name TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  PRIMARY KEY (name, seq)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO tag_index (name, seq)"
    "  SELECT name, seq FROM tags WHERE seq <= (SELECT seq FROM fts_mark) ORDER BY name, seq;"
    "DROP INDEX tags_name;"
    "DROP TRIGGER articles_children_delete;"
    "CREATE TRIGGER articles_children_delete AFTER DELETE ON articles BEGIN"
    "  DELETE FROM tag_index WHERE seq = old.seq"
    "    AND name IN (SELECT name FROM tags WHERE seq = old.seq);"
    "  DELETE FROM tags WHERE seq = old.seq;"
    "  DELETE FROM score_rules WHERE seq = old.seq;"
    "  DELETE FROM meta WHERE seq = old.seq;"
    " END;";

static const char *const STEPS[SQ_SCHEMA_VERSION] = {STEP_1, STEP_2, STEP_3, STEP_4, STEP_5,
                                                     STEP_6, STEP_7};

int sq_schema_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int run_step(sqlite3 *db, int from)
{
    char *err = NULL;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", from + 1);
    if (sqlite3_exec(db, "BEGIN IMMEDIATE;", NULL, NULL, &err) != SQLITE_OK)
        goto fail;
    if (sqlite3_exec(db, STEPS[from], NULL, NULL, &err) != SQLITE_OK ||
        sqlite3_exec(db, pragma, NULL, NULL, &err) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT;", NULL, NULL, &err) != SQLITE_OK) {
        sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
        goto fail;
    }
    return NEWSD_OK;
fail:
    newsd_log(NEWSD_LOG_ERROR, "%s: cannot migrate the archive schema from version %d to %d: %s",
              sqlite3_db_filename(db, "main"), from, from + 1, err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    return NEWSD_ERROR;
}

int sq_migrate(sqlite3 *db, int target)
{
    int v = sq_schema_version(db);
    if (v < 0) {
        newsd_log(NEWSD_LOG_ERROR, "%s: cannot read the archive schema version: %s",
                  sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
        return NEWSD_ERROR;
    }
    if (v > SQ_SCHEMA_VERSION) {
        newsd_log(NEWSD_LOG_ERROR, "%s: the archive database has schema version %d, newer than the "
                  "%d this newsd knows; use a newer newsd (or another database)",
                  sqlite3_db_filename(db, "main"), v, SQ_SCHEMA_VERSION);
        return NEWSD_ERROR;
    }
    int from = v;
    for (; v < target; v++)
        if (run_step(db, v) != NEWSD_OK)
            return NEWSD_ERROR;
    /* A new database is not news; an upgraded one is. */
    if (from > 0 && from < target)
        newsd_log(NEWSD_LOG_NOTICE, "archive schema migrated from version %d to %d", from, target);
    return NEWSD_OK;
}
