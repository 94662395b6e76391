/*
 * libpq for the PostgreSQL store, loaded with dlopen() when that store is
 * first opened rather than linked: linked, it brought libpq, libssl,
 * libcrypto, Kerberos and LDAP (~2.3 MB resident) into every daemon that
 * runs near_dups, though the default store is the file.
 *
 * store_pg.c includes this after <libpq-fe.h> with ND_PQ_CALLS defined,
 * which turns its PQ...() calls into calls through nd_pq.
 */
#ifndef NEAR_DUPS_PQ_LOAD_H
#define NEAR_DUPS_PQ_LOAD_H

#include <libpq-fe.h>

#define ND_PQ_FUNCTIONS(X) \
    X(PQclear) X(PQgetvalue) X(PQerrorMessage) X(PQstatus) X(PQresultStatus) X(PQexecParams) \
    X(PQreset) X(PQgetisnull) X(PQfinish) X(PQexec) X(PQsetNoticeProcessor) X(PQntuples) \
    X(PQfreemem) X(PQconninfoParse) X(PQconninfoFree) X(PQconnectdbParams)

struct nd_pq {
#define ND_PQ_MEMBER(f) __typeof__(f) *f;
    ND_PQ_FUNCTIONS(ND_PQ_MEMBER)
#undef ND_PQ_MEMBER
};

/* Filled by nd_pq_load(); read only after it returned 0. */
extern struct nd_pq nd_pq;

/* Load libpq once (later calls return the first result): 0, or -1 with
 * *err (malloc'd) naming the library and the cause.  It stays loaded
 * for the life of the process. */
int nd_pq_load(char **err);

#ifdef ND_PQ_CALLS
#define PQclear nd_pq.PQclear
#define PQgetvalue nd_pq.PQgetvalue
#define PQerrorMessage nd_pq.PQerrorMessage
#define PQstatus nd_pq.PQstatus
#define PQresultStatus nd_pq.PQresultStatus
#define PQexecParams nd_pq.PQexecParams
#define PQreset nd_pq.PQreset
#define PQgetisnull nd_pq.PQgetisnull
#define PQfinish nd_pq.PQfinish
#define PQexec nd_pq.PQexec
#define PQsetNoticeProcessor nd_pq.PQsetNoticeProcessor
#define PQntuples nd_pq.PQntuples
#define PQfreemem nd_pq.PQfreemem
#define PQconninfoParse nd_pq.PQconninfoParse
#define PQconninfoFree nd_pq.PQconninfoFree
#define PQconnectdbParams nd_pq.PQconnectdbParams
#endif

#endif
