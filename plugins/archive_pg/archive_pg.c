/*
 * archive_pg: the archive in a PostgreSQL database, searchable with the
 * server's full-text search (tsvector in the article's language).  Several
 * newsd instances, on several machines, may share one database: the unique
 * content hash makes the same article archived once whoever sees it first.
 *
 *   [plugin.archive]
 *   so = archive_pg.so
 *   conninfo = host=db.example port=5432 dbname=newsd user=newsd
 *   connect_timeout = 5          ; seconds a connection attempt may take
 *
 * conninfo is a libpq connection string (key=value or postgresql:// URI);
 * empty means libpq's defaults and the PG* environment variables.  It is
 * never logged (it may carry a password); logs and stats name the server
 * as host:port/dbname.
 *
 * This file holds the configuration, the connections and the schema;
 * archive()/commit() are in store.c, answer() in query.c.  The error policy
 * is archive_fs's and archive_sqlite's: a fault of the store (server gone,
 * deadlock, disk full) fails commit(), never the article; newsd keeps the
 * batch in work/ and retries it with back-off.  See docs/archive.md.
 */
#include "pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_CONNECT_TIMEOUT 5
/* The key of the advisory lock that serialises migrations between instances
 * starting at the same time against one database (any constant will do;
 * this one spells "nwsd"). */
#define MIGRATION_LOCK_KEY 0x6e777364

/*
 * Schema history (newsd_schema.version):
 *   1  articles (with tsconfig and the generated tsvector + GIN index),
 *      tags, score_rules, meta, originals, duplicates
 *   2  articles.action, the action newsd chose from the score total (ABI
 *      1.3), indexed with received for listing by action; rows archived
 *      before it have '' until they are reprocessed
 *
 * articles.seq (bigserial) is the stable position that export/ids page by;
 * id (the content hash) is UNIQUE, which is what dedup across instances
 * rests on (INSERT ... ON CONFLICT (id) DO NOTHING).  Columns that are
 * compared as text (received for since/until, tag names for tag_prefix,
 * ids) use the C collation: byte order, whatever the database's locale,
 * so ISO 8601 times sort like the times they denote and a prefix range
 * is a plain index range.
 *
 * tsv is a generated column, so an UPDATE (reprocessing) keeps it in step
 * by itself; tsconfig is the text search configuration chosen from lang
 * when the row is written (german, english, simple).  The title weighs A,
 * the body B: ranking gives the title five times the weight (query.c).
 */
static const char STEP_1[] =
    "CREATE TABLE articles ("
    "  seq bigserial PRIMARY KEY,"
    "  id text COLLATE \"C\" NOT NULL UNIQUE,"
    "  source text NOT NULL,"
    "  size bigint NOT NULL,"
    "  format text NOT NULL,"
    "  encoding text NOT NULL,"
    "  received text COLLATE \"C\" NOT NULL,"
    "  processed text COLLATE \"C\" NOT NULL,"
    "  title text NOT NULL,"
    "  body text NOT NULL,"
    "  lang text NOT NULL,"
    "  url text NOT NULL,"
    "  author text NOT NULL,"
    "  published text NOT NULL,"
    "  score_total double precision NOT NULL,"
    "  tsconfig regconfig NOT NULL,"
    "  tsv tsvector GENERATED ALWAYS AS ("
    "    setweight(to_tsvector(tsconfig, title), 'A') ||"
    "    setweight(to_tsvector(tsconfig, body), 'B')) STORED);"
    "CREATE INDEX articles_received ON articles (received);"
    "CREATE INDEX articles_tsv ON articles USING gin (tsv);"
    "CREATE TABLE tags ("
    "  article_id text COLLATE \"C\" NOT NULL, pos integer NOT NULL,"
    "  name text COLLATE \"C\" NOT NULL, weight double precision NOT NULL, plugin text NOT NULL,"
    "  PRIMARY KEY (article_id, pos));"
    "CREATE INDEX tags_name ON tags (name, article_id);"
    "CREATE TABLE score_rules ("
    "  article_id text COLLATE \"C\" NOT NULL, pos integer NOT NULL,"
    "  rule text NOT NULL, points double precision NOT NULL, reason text NOT NULL,"
    "  plugin text NOT NULL,"
    "  PRIMARY KEY (article_id, pos));"
    "CREATE TABLE meta ("
    "  article_id text COLLATE \"C\" NOT NULL, pos integer NOT NULL,"
    "  key text NOT NULL, value text NOT NULL,"
    "  PRIMARY KEY (article_id, pos));"
    "CREATE TABLE originals ("
    "  id text COLLATE \"C\" PRIMARY KEY,"
    "  data bytea NOT NULL);"
    "CREATE TABLE duplicates ("
    "  n bigserial PRIMARY KEY,"
    "  id text COLLATE \"C\" NOT NULL, source text NOT NULL, received text NOT NULL);"
    "CREATE INDEX duplicates_id ON duplicates (id);";

static const char STEP_2[] =
    "ALTER TABLE articles ADD COLUMN action text COLLATE \"C\" NOT NULL DEFAULT '';"
    "CREATE INDEX articles_action ON articles (action, received);";

static const char *const STEPS[PG_SCHEMA_VERSION] = {STEP_1, STEP_2};

int64_t pg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A one-line copy of libpq's message: they end in a newline, some span
 * several lines with tab-indented hints; runs of white space become one
 * space. */
char *pg_one_line(const char *msg)
{
    char *s = strdup(msg && *msg ? msg : "unknown error");
    if (!s)
        return NULL;
    char *o = s;
    for (const char *c = s; *c; c++) {
        int space = *c == '\n' || *c == '\r' || *c == '\t' || *c == ' ';
        if (space && (o == s || o[-1] == ' '))
            continue;
        *o++ = space ? ' ' : *c;
    }
    while (o > s && o[-1] == ' ')
        o--;
    *o = '\0';
    return s;
}

void pg_set_reason(char **reason, const char *what, const char *msg)
{
    char *m = pg_one_line(msg);
    if (asprintf(reason, "%s: %s", what, m ? m : "out of memory") < 0)
        *reason = NULL;
    free(m);
}

/* Server notices ("relation already exists, skipping", stop-word notes of
 * the text search) are not worth a log line each. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

PGconn *pg_connect(struct pg *p, char **reason)
{
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%d", p->connect_timeout);
    /* connect_timeout and application_name come before dbname: with
     * expand_dbname, what the conninfo string says overrides them. */
    /* client_encoding comes after it: newsd's text is UTF-8, whatever the
     * database's default, and a PQreset() keeps it (a SET would be lost). */
    const char *keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding", NULL};
    const char *vals[] = {timeout, "newsd", p->conninfo, "UTF8", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c) {
        pg_set_reason(reason, "cannot connect to PostgreSQL", "out of memory");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        pg_set_reason(reason, "cannot connect to PostgreSQL", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    /* Kept by PQreset() too: the hooks belong to the PGconn. */
    PQsetNoticeProcessor(c, ignore_notice, NULL);
    return c;
}

static int exec_ok(PGconn *c, const char *sql, char **reason, const char *what)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        pg_set_reason(reason, what, PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : -1;
}

int pg_schema_version(PGconn *c)
{
    PGresult *r = PQexec(c, "SELECT coalesce(max(version), 0) FROM newsd_schema");
    int v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return v;
}

/* Bring the schema to PG_SCHEMA_VERSION in one transaction (PostgreSQL's
 * DDL is transactional: a failure leaves the old version whole), under an
 * advisory lock so that two instances starting together do not both create
 * the tables. */
static int migrate(struct pg *p, PGconn *c, char **reason)
{
    char sql[128];
    if (exec_ok(c, "BEGIN", reason, "cannot begin the schema migration") < 0)
        return -1;
    snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%d)", MIGRATION_LOCK_KEY);
    if (exec_ok(c, sql, reason, "cannot take the migration lock") < 0 ||
        exec_ok(c, "CREATE TABLE IF NOT EXISTS newsd_schema (version integer NOT NULL)", reason,
                "cannot create the schema version table") < 0)
        goto fail;
    int v = pg_schema_version(c);
    if (v < 0) {
        pg_set_reason(reason, "cannot read the schema version", PQerrorMessage(c));
        goto fail;
    }
    if (v > PG_SCHEMA_VERSION) {
        if (asprintf(reason, "the archive database has schema version %d, newer than the %d this "
                     "newsd knows; use a newer newsd (or another database)", v, PG_SCHEMA_VERSION) < 0)
            *reason = NULL;
        goto fail;
    }
    int from = v;
    for (; v < PG_SCHEMA_VERSION; v++) {
        char what[96];
        snprintf(what, sizeof what, "cannot migrate the archive schema from version %d to %d", v, v + 1);
        if (exec_ok(c, STEPS[v], reason, what) < 0)
            goto fail;
    }
    snprintf(sql, sizeof sql, "DELETE FROM newsd_schema; INSERT INTO newsd_schema VALUES (%d)",
             PG_SCHEMA_VERSION);
    if (from != PG_SCHEMA_VERSION &&
        exec_ok(c, sql, reason, "cannot record the schema version") < 0)
        goto fail;
    if (exec_ok(c, "COMMIT", reason, "cannot commit the schema migration") < 0)
        goto fail;
    if (from > 0 && from < PG_SCHEMA_VERSION)
        newsd_log(NEWSD_LOG_NOTICE, "archive schema migrated from version %d to %d", from,
                  PG_SCHEMA_VERSION);
    return 0;
fail:
    PQclear(PQexec(c, "ROLLBACK"));
    return -1;
}

static void pg_close(struct pg *p)
{
    if (!p)
        return;
    if (p->conn && p->in_tx)
        PQclear(PQexec(p->conn, "ROLLBACK"));
    PQfinish(p->conn);
    PQfinish(p->rconn);
    pthread_mutex_destroy(&p->read_lock);
    free(p->conninfo);
    free(p->where);
    free(p);
}

static int pg_init(const newsd_config *conf, void **state)
{
    /* At least 2 seconds: libpq treats 1 as 2 and 0 as "wait forever",
     * which would hang the archive thread while a server does not answer. */
    int64_t timeout;
    if (newsd_config_get_int(conf, "connect_timeout", DEFAULT_CONNECT_TIMEOUT, 2, 3600, &timeout) !=
        NEWSD_OK)
        return NEWSD_ERROR;
    const char *conninfo = newsd_config_get(conf, "conninfo");
    struct pg *p = calloc(1, sizeof *p);
    if (!p || !(p->conninfo = strdup(conninfo ? conninfo : ""))) {
        free(p);
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    pthread_mutex_init(&p->read_lock, NULL);
    p->connect_timeout = (int)timeout;

    /* Check the string first: a typo deserves its own message rather than
     * "cannot connect". */
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(p->conninfo, &err);
    if (!opts) {
        char *m = pg_one_line(err ? err : "out of memory");
        newsd_log(NEWSD_LOG_ERROR, "conninfo: not a libpq connection string: %s", m ? m : "");
        free(m);
        PQfreemem(err);
        pg_close(p);
        return NEWSD_ERROR;
    }
    PQconninfoFree(opts);

    char *reason = NULL;
    PGconn *c = pg_connect(p, &reason);
    if (c && migrate(p, c, &reason) == 0 && pg_prepare_writer(p, c, &reason) == 0) {
        p->conn = c;
        const char *host = PQhost(c);
        if (asprintf(&p->where, "%s:%s/%s", host && *host ? host : "localhost", PQport(c), PQdb(c)) < 0)
            p->where = NULL;
        if (!p->where)
            p->where = strdup("postgresql");
        *state = p;
        return NEWSD_OK;
    }
    newsd_log(NEWSD_LOG_ERROR, "%s", reason ? reason : "cannot open the archive: out of memory");
    free(reason);
    PQfinish(c);
    pg_close(p);
    return NEWSD_ERROR;
}

static void pg_fini(void *state)
{
    pg_close(state);
}

/* The keys init() reads: newsd refuses any other (since 1.2). */
static const struct newsd_config_key pg_keys[] = {
    {"conninfo", "libpq connection string"},
    {"connect_timeout", "seconds to wait for the server, 2 to 3600"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "archive_pg",
    .description = "archives records and originals in PostgreSQL, searchable with tsvector",
    .stages = NEWSD_STAGE_ARCHIVE,
    .init = pg_init,
    .archive = pg_archive,
    .commit = pg_commit,
    .answer = pg_answer,
    .fini = pg_fini,
    .config_keys = pg_keys,
);
