/*
 * archive_pg internals, shared by its files:
 *
 *   archive_pg.c  the descriptor, init()/fini(), connections, the schema
 *   store.c       archive()/commit(): one transaction per batch
 *   query.c       answer(): the same ops and answers as archive_sqlite
 */
#ifndef ARCHIVE_PG_PG_H
#define ARCHIVE_PG_PG_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <newsd/plugin.h>

/* The schema version this code writes; see archive_pg.c for the history. */
#define PG_SCHEMA_VERSION 2

struct pg {
    char *conninfo;             /* as configured (may hold a password: never logged) */
    char *where;                /* "host:port/dbname", for logs and stats */
    int connect_timeout;        /* seconds, passed to libpq */

    /* Writer: archive() and commit() run on one thread at a time. */
    PGconn *conn;
    int in_tx;                  /* BEGIN was sent for this batch */
    size_t lost;                /* articles of this batch not stored */
    int down;                   /* the server is gone: logged once, until it is back */
    int64_t down_since_ms;

    /* Reader: answer() runs on another thread with a connection of its own,
     * opened on the first query and serialised by read_lock (a PGconn is
     * not to be used by two threads at once). */
    pthread_mutex_t read_lock;
    PGconn *rconn;
};

/* archive_pg.c: open a connection (NULL after logging/setting *reason). */
PGconn *pg_connect(struct pg *p, char **reason);
/* Prepare the writer's statements on a fresh connection. */
int pg_prepare_writer(struct pg *p, PGconn *c, char **reason);
int64_t pg_now_ms(void);
/* A malloc'd one-line copy of a libpq message (NULL when out of memory). */
char *pg_one_line(const char *msg);
/* *reason = "what: msg" (malloc'd, or NULL when out of memory). */
void pg_set_reason(char **reason, const char *what, const char *msg);
/* The schema version recorded in the database, -1 on error. */
int pg_schema_version(PGconn *c);

/* store.c */
int pg_archive(void *state, newsd_article *a);
int pg_commit(void *state);

/* query.c */
int pg_answer(void *state, const struct newsd_query *q, newsd_answer *ans);

/* store.c: the text search configuration of an article ("german",
 * "english" or "simple"): from lang (de, en, de-AT ...) when set, else
 * guessed from the text. */
const char *pg_tsconfig(const char *lang, const char *title, const char *body);

#endif
