/*
 * Fingerprints in PostgreSQL (see store_pg.h).  One connection under a
 * lock: a lookup is one indexed query and an insert one statement, well
 * under a millisecond on a near server, so the workers queue briefly at
 * worst.  A connection that breaks is reset once per call; when that
 * fails too, the call fails (the article goes on without a dup:near tag)
 * and the next call tries again.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf() */
#endif
#include "store_pg.h"

#include <libpq-fe.h>
#define ND_PQ_CALLS
#include "pq_load.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows a lookup reads per band, newest first (see SCHEMA). */
#define MAX_PER_BAND 256
#define PRUNE_EVERY 1000
/* Serialises the table's creation between instances starting together
 * ("ndup"). */
#define SCHEMA_LOCK_KEY 0x6e647570

/* The band hashes live in a table of their own, keyed (hash, seq): a
 * lookup reads each band's newest MAX_PER_BAND rows from the index, so a
 * key that every article of one site shares (its footer) costs no more
 * than any other (the in-memory index's ND_MAX_CHAIN).  The bands go with
 * their fingerprint (ON DELETE CASCADE). */
static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS newsd_near_dups ("
    "  seq bigserial PRIMARY KEY,"
    "  id text COLLATE \"C\" NOT NULL UNIQUE,"
    "  root text COLLATE \"C\","
    "  sim real NOT NULL,"
    "  received_ms bigint NOT NULL,"
    "  sig bytea NOT NULL CHECK (octet_length(sig) = 128));"
    "CREATE INDEX IF NOT EXISTS newsd_near_dups_received ON newsd_near_dups (received_ms);"
    "CREATE TABLE IF NOT EXISTS newsd_near_dup_bands ("
    "  hash bigint NOT NULL,"
    "  seq bigint NOT NULL REFERENCES newsd_near_dups (seq) ON DELETE CASCADE,"
    "  PRIMARY KEY (hash, seq));"
    "CREATE INDEX IF NOT EXISTS newsd_near_dup_bands_seq ON newsd_near_dup_bands (seq);";

struct nd_pg {
    pthread_mutex_t lock;
    PGconn *c;
    char *conninfo;
    int connect_timeout;
    uint64_t max_entries;
    int64_t max_age_ms;
    uint64_t inserts;
};

static void set_reason(char **err, const char *what, const char *msg)
{
    /* libpq's messages end in a newline and may span lines. */
    char *m = strdup(msg && *msg ? msg : "unknown error");
    if (m) {
        for (char *c = m; *c; c++)
            if (*c == '\n' || *c == '\t' || *c == '\r')
                *c = ' ';
        size_t n = strlen(m);
        while (n > 0 && m[n - 1] == ' ')
            m[--n] = '\0';
    }
    if (asprintf(err, "PostgreSQL: %s: %s", what, m ? m : "out of memory") < 0)
        *err = NULL;
    free(m);
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *connect_db(struct nd_pg *p, char **err)
{
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%d", p->connect_timeout);
    const char *keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding", NULL};
    const char *vals[] = {timeout, "newsd-near_dups", p->conninfo, "UTF8", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        set_reason(err, "cannot connect", c ? PQerrorMessage(c) : "out of memory");
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, ignore_notice, NULL);
    return c;
}

static int exec_ok(PGconn *c, const char *sql, const char *what, char **err)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        set_reason(err, what, PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : -1;
}

static int create_schema(PGconn *c, char **err)
{
    char lock[64];
    snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", SCHEMA_LOCK_KEY);
    if (exec_ok(c, "BEGIN", "cannot begin", err) < 0)
        return -1;
    if (exec_ok(c, lock, "cannot take the schema lock", err) < 0 ||
        exec_ok(c, SCHEMA, "cannot create table newsd_near_dups", err) < 0 ||
        exec_ok(c, "COMMIT", "cannot commit table newsd_near_dups", err) < 0) {
        PQclear(PQexec(c, "ROLLBACK"));
        return -1;
    }
    return 0;
}

int nd_pg_open(const char *conninfo, int connect_timeout, uint64_t max_entries, int64_t max_age_ms,
               struct nd_pg **out, char **err)
{
    *out = NULL;
    *err = NULL;
    if (nd_pq_load(err) < 0)
        return -1;
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
    if (!opts) {
        set_reason(err, "conninfo is not a libpq connection string", perr ? perr : "out of memory");
        PQfreemem(perr);
        return -1;
    }
    PQconninfoFree(opts);
    struct nd_pg *p = calloc(1, sizeof *p);
    if (!p || !(p->conninfo = strdup(conninfo))) {
        free(p);
        set_reason(err, "cannot connect", "out of memory");
        return -1;
    }
    pthread_mutex_init(&p->lock, NULL);
    p->connect_timeout = connect_timeout;
    p->max_entries = max_entries;
    p->max_age_ms = max_age_ms;
    if (!(p->c = connect_db(p, err)) || create_schema(p->c, err) < 0) {
        nd_pg_close(p);
        return -1;
    }
    *out = p;
    return 0;
}

void nd_pg_close(struct nd_pg *p)
{
    if (!p)
        return;
    PQfinish(p->c);
    pthread_mutex_destroy(&p->lock);
    free(p->conninfo);
    free(p);
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int v = 0;
        for (int j = 0; j < 2; j++) {
            char c = s[2 * i + j];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return s[2 * n] == '\0' ? 0 : -1;
}

/* The signature as bytea text ("\x" + hex, little-endian values). */
static void sig_bytea(const struct nd_sig *s, char out[2 + 4 * ND_K + 1])
{
    uint8_t b[2 * ND_K];
    for (unsigned i = 0; i < ND_K; i++) {
        b[2 * i] = (uint8_t)s->h[i];
        b[2 * i + 1] = (uint8_t)(s->h[i] >> 8);
    }
    out[0] = '\\';
    out[1] = 'x';
    hex(b, sizeof b, out + 2);
}

static int bytea_sig(const char *text, struct nd_sig *s)
{
    uint8_t b[2 * ND_K];
    if (strncmp(text, "\\x", 2) != 0 || unhex(text + 2, b, sizeof b) < 0)
        return -1;
    for (unsigned i = 0; i < ND_K; i++)
        s->h[i] = (uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
    return 0;
}

/* The band hashes as an array literal, as signed bigints. */
static void bands_array(const struct nd_sig *s, char *out, size_t size)
{
    size_t o = 0;
    out[o++] = '{';
    for (unsigned b = 0; b < ND_BANDS && o < size; b++)
        o += (size_t)snprintf(out + o, size - o, "%s%lld", b ? "," : "", (long long)(int64_t)nd_band_hash(s, b));
    if (o + 2 <= size) {
        out[o++] = '}';
        out[o] = '\0';
    }
}

static const uint8_t ZERO[ND_ID_BYTES];

/* One lookup and insert; -1 with *err on a server fault. */
static int lookup_add(struct nd_pg *p, struct nd_entry *e, int add, double min_sim, int64_t now_ms,
                      struct nd_match *out, char **err)
{
    char id[2 * ND_ID_BYTES + 1], bands[ND_BANDS * 22 + 4], cutoff[24], limit[16];
    hex(e->id, ND_ID_BYTES, id);
    bands_array(&e->sig, bands, sizeof bands);
    snprintf(cutoff, sizeof cutoff, "%lld", (long long)(p->max_age_ms > 0 ? now_ms - p->max_age_ms : INT64_MIN));
    snprintf(limit, sizeof limit, "%d", MAX_PER_BAND);
    const char *qv[] = {bands, cutoff, limit};
    PGresult *r = PQexecParams(p->c,
                               "SELECT DISTINCT ON (d.seq) d.id, d.root, d.sim, d.sig "
                               "FROM unnest($1::bigint[]) AS k(h) CROSS JOIN LATERAL "
                               "(SELECT seq FROM newsd_near_dup_bands WHERE hash = k.h ORDER BY seq DESC "
                               "LIMIT $3::int) b JOIN newsd_near_dups d ON d.seq = b.seq "
                               "WHERE d.received_ms >= $2::bigint ORDER BY d.seq",
                               3, NULL, qv, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        set_reason(err, "cannot look up the fingerprint", PQerrorMessage(p->c));
        PQclear(r);
        return -1;
    }
    memset(out, 0, sizeof *out);
    double best = -1;
    int best_row = -1;
    for (int i = 0; i < PQntuples(r); i++) {
        struct nd_sig s;
        if (bytea_sig(PQgetvalue(r, i, 3), &s) < 0)
            continue;
        if (strcmp(PQgetvalue(r, i, 0), id) == 0) {
            out->found = out->self = 1;
            memcpy(out->id, e->id, ND_ID_BYTES);
            if (PQgetisnull(r, i, 1) || unhex(PQgetvalue(r, i, 1), out->root, ND_ID_BYTES) < 0)
                memset(out->root, 0, ND_ID_BYTES);
            out->sim = atof(PQgetvalue(r, i, 2));
            PQclear(r);
            return 0;
        }
        double sim = nd_similarity(&e->sig, &s);
        if (sim > best) { /* rows come oldest first: ties keep the oldest */
            best = sim;
            best_row = i;
        }
    }
    if (best_row >= 0 && best >= min_sim && unhex(PQgetvalue(r, best_row, 0), out->id, ND_ID_BYTES) == 0) {
        out->found = 1;
        out->sim = best;
        if (PQgetisnull(r, best_row, 1) || unhex(PQgetvalue(r, best_row, 1), out->root, ND_ID_BYTES) < 0)
            memcpy(out->root, out->id, ND_ID_BYTES);
    }
    PQclear(r);

    if (!add)
        return 0;
    if (out->found) {
        memcpy(e->root, out->root, ND_ID_BYTES);
        e->sim = (float)out->sim;
    }
    char root[2 * ND_ID_BYTES + 1], sim[32], received[24], sig[2 + 4 * ND_K + 1];
    hex(e->root, ND_ID_BYTES, root);
    snprintf(sim, sizeof sim, "%.6g", (double)e->sim);
    snprintf(received, sizeof received, "%lld", (long long)e->received_ms);
    sig_bytea(&e->sig, sig);
    const char *iv[] = {id, memcmp(e->root, ZERO, ND_ID_BYTES) ? root : NULL, sim, received, sig, bands};
    /* One statement, so the row and its bands arrive together. */
    r = PQexecParams(p->c,
                     "WITH ins AS (INSERT INTO newsd_near_dups (id, root, sim, received_ms, sig) "
                     "VALUES ($1, $2, $3::real, $4::bigint, $5::bytea) ON CONFLICT (id) DO NOTHING RETURNING seq) "
                     "INSERT INTO newsd_near_dup_bands (hash, seq) "
                     "SELECT DISTINCT h, ins.seq FROM ins, unnest($6::bigint[]) AS h",
                     6, NULL, iv, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        set_reason(err, "cannot store the fingerprint", PQerrorMessage(p->c));
    PQclear(r);
    if (ok && ++p->inserts % PRUNE_EVERY == 0) {
        char max[24];
        snprintf(max, sizeof max, "%llu", (unsigned long long)p->max_entries);
        const char *pv[] = {cutoff, max};
        /* Failing to prune costs room, not an article: not reported. */
        PQclear(PQexecParams(p->c,
                             "DELETE FROM newsd_near_dups WHERE received_ms < $1::bigint OR seq <= "
                             "(SELECT max(seq) FROM newsd_near_dups) - $2::bigint",
                             2, NULL, pv, NULL, NULL, 0));
    }
    return ok ? 0 : -1;
}

int nd_pg_lookup_add(struct nd_pg *p, struct nd_entry *e, int add, double min_sim, int64_t now_ms,
                     struct nd_match *out, char **err)
{
    *err = NULL;
    pthread_mutex_lock(&p->lock);
    if (!p->c || PQstatus(p->c) != CONNECTION_OK) {
        if (p->c)
            PQreset(p->c);
        else
            p->c = connect_db(p, err);
    }
    int rc = -1;
    if (p->c && PQstatus(p->c) == CONNECTION_OK) {
        rc = lookup_add(p, e, add, min_sim, now_ms, out, err);
        if (rc < 0 && PQstatus(p->c) != CONNECTION_OK) {
            /* The server went away between calls: once more on a new
             * connection. */
            free(*err);
            *err = NULL;
            PQreset(p->c);
            if (PQstatus(p->c) == CONNECTION_OK)
                rc = lookup_add(p, e, add, min_sim, now_ms, out, err);
            else
                set_reason(err, "cannot reconnect", PQerrorMessage(p->c));
        }
    } else if (!*err) {
        set_reason(err, "cannot reconnect", p->c ? PQerrorMessage(p->c) : "no connection");
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}
