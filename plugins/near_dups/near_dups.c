/*
 * near_dups: recognises one story that arrives again rewritten (a new
 * headline, a sentence dropped, a footer added, another encoding,
 * paragraphs in another order) and tags the second and later copies
 * dup:near/ID, ID being the first copy's article id, weighted by their
 * similarity (the estimated Jaccard similarity of the two texts' shingles,
 * 0..1).  Identical bytes have the same id and are the archive's business.
 *
 *   min_similarity = 0.5    ; tag at or above this similarity (0.05 .. 1)
 *   min_words      = 25     ; articles with fewer words are not fingerprinted
 *   max_entries    = 100000 ; fingerprints kept, the oldest leave first
 *   max_age_days   = 30     ; fingerprints older than this are forgotten (0: no age bound)
 *   path           = near_dups.idx   ; the index file, in the state directory
 *   conninfo       = host=db dbname=newsd  ; or: fingerprints in PostgreSQL
 *   connect_timeout = 5
 *
 * Fingerprints are MinHash signatures (minhash.h) of the text layer's
 * stems (fingerprint.h), looked up through LSH bands: in memory (index.h)
 * with an append-only file that survives restarts (store_file.h), or, with
 * conninfo, in a PostgreSQL table that several instances share
 * (store_pg.h).
 *
 * Thread-safe: one lock around the index's lookup and insert, which take
 * microseconds (shared_index.h); the fingerprint is computed outside it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strdup(), asprintf() */
#endif
#include <newsd/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "index.h"
#include "shared_index.h"
#ifdef NEAR_DUPS_PG
#include "store_pg.h"
#endif

#define TAG_PREFIX "dup:near/"
#define DAY_MS (24 * 3600 * 1000LL)

struct near_dups {
    int run_mode;               /* enum newsd_run_mode: only the daemon adds fingerprints to a store */
    double min_sim;
    size_t min_words;
    struct nd_shared *sh;
#ifdef NEAR_DUPS_PG
    struct nd_pg *pg;
#endif
};

static void near_dups_fini(void *state)
{
    struct near_dups *nd = state;
    if (!nd)
        return;
    nd_shared_release(nd->sh);
#ifdef NEAR_DUPS_PG
    nd_pg_close(nd->pg);
#endif
    free(nd);
}

static int open_store(const newsd_config *conf, struct near_dups *nd, size_t max_entries, int64_t max_age_ms)
{
    const char *conninfo = newsd_config_get(conf, "conninfo");
    if (conninfo && newsd_config_get(conf, "path")) {
        newsd_log(NEWSD_LOG_ERROR, "conninfo: the fingerprints are either in PostgreSQL (conninfo) or in a file "
                  "(path), not both: remove one of the two keys");
        return NEWSD_ERROR;
    }
    if (conninfo) {
#ifdef NEAR_DUPS_PG
        int64_t timeout;
        if (newsd_config_get_int(conf, "connect_timeout", 5, 2, 3600, &timeout) != NEWSD_OK)
            return NEWSD_ERROR;
        char *err = NULL;
        if (nd_pg_open(conninfo, (int)timeout, max_entries, max_age_ms, &nd->pg, &err) < 0) {
            newsd_log(NEWSD_LOG_ERROR, "conninfo: %s", err ? err : "out of memory");
            free(err);
            return NEWSD_ERROR;
        }
        return NEWSD_OK;
#else
        newsd_log(NEWSD_LOG_ERROR, "conninfo: this near_dups was built without libpq (PostgreSQL)");
        return NEWSD_ERROR;
#endif
    }
    char *path = newsd_config_state_path(conf, "path", "near_dups.idx");
    if (!path) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    /* newsd --try compares the tried articles with the index and with
     * each other, in memory: they were never archived. */
    nd->sh = nd_shared_open(path, nd->run_mode == NEWSD_RUN_DAEMON, max_entries, max_age_ms);
    if (nd->sh && nd->run_mode == NEWSD_RUN_TRY)
        newsd_log(NEWSD_LOG_NOTICE, "%s: read only (newsd --try): tried articles are compared with its "
                  "fingerprints and with each other, and not added to it", path);
    free(path);
    return nd->sh ? NEWSD_OK : NEWSD_ERROR;
}

static int near_dups_init(const newsd_config *conf, void **state)
{
    double min_sim;
    int64_t min_words, max_entries, max_age_days;
    if (newsd_config_get_double(conf, "min_similarity", 0.5, &min_sim) != NEWSD_OK ||
        newsd_config_get_int(conf, "min_words", 25, 1, 100000, &min_words) != NEWSD_OK ||
        newsd_config_get_int(conf, "max_entries", 100000, 1, 1 << 30, &max_entries) != NEWSD_OK ||
        newsd_config_get_int(conf, "max_age_days", 30, 0, 36500, &max_age_days) != NEWSD_OK)
        return NEWSD_ERROR; /* newsd has logged which key is wrong */
    if (min_sim < 0.05 || min_sim > 1) {
        newsd_log(NEWSD_LOG_ERROR, "min_similarity = %g: expected a number from 0.05 to 1", min_sim);
        return NEWSD_ERROR;
    }
    struct near_dups *nd = calloc(1, sizeof *nd);
    if (!nd) {
        newsd_log(NEWSD_LOG_ERROR, "out of memory");
        return NEWSD_ERROR;
    }
    nd->run_mode = newsd_config_run_mode(conf);
    nd->min_sim = min_sim;
    nd->min_words = (size_t)min_words;
    if (open_store(conf, nd, (size_t)max_entries, max_age_days * DAY_MS) != NEWSD_OK) {
        near_dups_fini(nd);
        return NEWSD_ERROR;
    }
    *state = nd;
    return NEWSD_OK;
}

static int id_bytes(const char *hex, uint8_t out[ND_ID_BYTES])
{
    if (!newsd_id_valid(hex) || strlen(hex) != 2 * ND_ID_BYTES)
        return -1;
    for (size_t i = 0; i < ND_ID_BYTES; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

static int tag_match(newsd_article *a, const struct nd_match *m)
{
    static const uint8_t zero[ND_ID_BYTES];
    if (!m->found || memcmp(m->root, zero, ND_ID_BYTES) == 0)
        return NEWSD_OK; /* a first copy (maybe seen again) */
    char name[sizeof TAG_PREFIX + 2 * ND_ID_BYTES];
    int o = snprintf(name, sizeof name, "%s", TAG_PREFIX);
    for (size_t i = 0; i < ND_ID_BYTES; i++)
        o += snprintf(name + o, sizeof name - (size_t)o, "%02x", m->root[i]);
    if (strcmp(name + sizeof TAG_PREFIX - 1, newsd_article_get(a, NEWSD_FIELD_ID)) == 0)
        return NEWSD_OK;
    if (newsd_article_tag(a, name, m->sim) != NEWSD_OK)
        return newsd_article_fail(a, "cannot add tag %s", name);
    return NEWSD_OK;
}

static int near_dups_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)stage;
    struct near_dups *nd = state;
    const newsd_analysis *an = newsd_article_analysis(a);
    if (!an)
        return newsd_article_fail(a, "out of memory analysing the text");
    struct nd_entry e = {0};
    size_t words;
    if (nd_fingerprint(an, &e.sig, &words) < 0)
        return newsd_article_fail(a, "cannot read the text layer's tokens");
    if (words < nd->min_words)
        return NEWSD_OK;
    if (id_bytes(newsd_article_get(a, NEWSD_FIELD_ID), e.id) < 0)
        return newsd_article_fail(a, "the article id is not %d hex digits", 2 * ND_ID_BYTES);
    e.received_ms = newsd_article_received_ms(a);
    struct nd_match m;
#ifdef NEAR_DUPS_PG
    if (nd->pg) {
        char *err = NULL;
        int rc = nd_pg_lookup_add(nd->pg, &e, nd->run_mode == NEWSD_RUN_DAEMON, nd->min_sim, e.received_ms, &m,
                                  &err);
        if (rc < 0) {
            rc = newsd_article_fail(a, "%s", err ? err : "out of memory");
            free(err);
            return rc;
        }
        return tag_match(a, &m);
    }
#endif
    nd_shared_lookup_add(nd->sh, &e, nd->min_sim, &m);
    return tag_match(a, &m);
}

static const struct newsd_config_key near_dups_keys[] = {
    {"min_similarity", "tag at or above this similarity, 0.05..1 (default 0.5)"},
    {"min_words", "articles with fewer words are not fingerprinted (default 25)"},
    {"max_entries", "fingerprints kept; the oldest leave first (default 100000)"},
    {"max_age_days", "fingerprints older than this many days are forgotten; 0: no age bound (default 30)"},
    {"path", "the index file, relative to the state directory (default near_dups.idx)"},
    {"conninfo", "libpq connection string: keep the fingerprints in PostgreSQL instead of path"},
    {"connect_timeout", "seconds to wait for PostgreSQL, 2..3600 (default 5)"},
    {NULL, NULL},
};

NEWSD_PLUGIN(
    .name = "near_dups",
    .description = "tags rewrites of a story already seen dup:near/ID (MinHash + LSH over the text layer's stems)",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .init = near_dups_init,
    .process = near_dups_process,
    .fini = near_dups_fini,
    .config_keys = near_dups_keys,
);
