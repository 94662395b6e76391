/*
 * cramped: an ARCHIVE-stage fixture plugin for the end-to-end suite: an
 * archive with room for only a few articles per commit, like a disk whose
 * freed space takes a small batch but never a whole one.
 *
 *   room = N       commit() fails (NEWSD_ERROR) when more than N articles
 *                  are pending, and forgets them: newsd hands them over
 *                  again
 *   file = PATH    committed ids are appended here, one per line, and
 *                  fsynced; an id found there (or pending) is a duplicate
 *
 * archive() and commit() run on one thread at a time.
 */
#include <newsd/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_IDS 100000

struct cramped {
    int64_t room;
    char *file;
    char (*ids)[NEWSD_ID_LEN + 1];   /* committed, then pending */
    size_t committed, pending;
};

static int known(const struct cramped *c, const char *id)
{
    for (size_t i = 0; i < c->committed + c->pending; i++)
        if (strcmp(c->ids[i], id) == 0)
            return 1;
    return 0;
}

static int cramped_archive(void *state, newsd_article *a)
{
    struct cramped *c = state;
    const char *id = newsd_article_get(a, NEWSD_FIELD_ID);
    if (!newsd_id_valid(id))
        return newsd_article_fail(a, "not an id");
    if (known(c, id))
        return NEWSD_DUPLICATE;
    if (c->committed + c->pending >= MAX_IDS)
        return newsd_article_fail(a, "cramped: too many articles for a fixture");
    memcpy(c->ids[c->committed + c->pending++], id, NEWSD_ID_LEN + 1);
    return NEWSD_OK;
}

static int cramped_commit(void *state)
{
    struct cramped *c = state;
    if (!c->pending)
        return NEWSD_OK;
    if ((int64_t)c->pending > c->room) {
        newsd_log(NEWSD_LOG_ERROR, "cramped: no room for %zu articles in one commit (room for %lld)", c->pending,
                  (long long)c->room);
        c->pending = 0;
        return NEWSD_ERROR;
    }
    FILE *f = fopen(c->file, "a");
    if (!f) {
        newsd_log(NEWSD_LOG_ERROR, "cramped: cannot open %s", c->file);
        c->pending = 0;
        return NEWSD_ERROR;
    }
    for (size_t i = 0; i < c->pending; i++)
        fprintf(f, "%s\n", c->ids[c->committed + i]);
    int ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        c->pending = 0;
        return NEWSD_ERROR;
    }
    c->committed += c->pending;
    c->pending = 0;
    return NEWSD_OK;
}

static void cramped_fini(void *state)
{
    struct cramped *c = state;
    if (!c)
        return;
    free(c->ids);
    free(c->file);
    free(c);
}

static int cramped_init(const newsd_config *conf, void **state)
{
    struct cramped *c = calloc(1, sizeof *c);
    const char *file = newsd_config_get(conf, "file");
    if (!c || !file || !(c->file = strdup(file)) || !(c->ids = calloc(MAX_IDS, sizeof *c->ids))) {
        newsd_log(NEWSD_LOG_ERROR, "cramped: needs file = PATH (or out of memory)");
        cramped_fini(c);
        return NEWSD_ERROR;
    }
    if (newsd_config_get_int(conf, "room", 1, 1, MAX_IDS, &c->room) != NEWSD_OK) {
        cramped_fini(c);
        return NEWSD_ERROR;
    }
    FILE *f = fopen(c->file, "r");
    char line[128];
    while (f && c->committed < MAX_IDS && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (newsd_id_valid(line))
            memcpy(c->ids[c->committed++], line, NEWSD_ID_LEN + 1);
    }
    if (f)
        fclose(f);
    *state = c;
    return NEWSD_OK;
}

NEWSD_PLUGIN(
    .name = "cramped",
    .description = "e2e fixture: an archive with room for a few articles per commit",
    .stages = NEWSD_STAGE_ARCHIVE,
    .init = cramped_init,
    .archive = cramped_archive,
    .commit = cramped_commit,
    .fini = cramped_fini,
);
