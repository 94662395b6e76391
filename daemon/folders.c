/* What a state folder that went away means for the daemon; see folders.h. */
#include "folders.h"
#include "health.h"
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Also in docs/operations.md ("Folders that go away"). */
#define CHECK_EVERY "2 s"

/* What an operator should know about the loss, per folder. */
static const char *consequence(enum spool_folder f)
{
    switch (f) {
    case SPOOL_STATE_DIR:
        return "inbox/, tmp/, work/ and failed/ are made again in it; the control socket went with it "
               "(restart newsd to get it back)";
    case SPOOL_INBOX:
        return "files that were in it are not seen; producers may go on renaming into inbox/";
    case SPOOL_TMP:
        return "files producers were writing there are gone";
    case SPOOL_WORK:
        return "articles that were being processed from it are lost unless they come again";
    case SPOOL_FAILED:
        return "failed articles and their .reason files that were in it are gone";
    case SPOOL_ARCHIVE:
    case SPOOL_FOLDERS:
        break;
    }
    return "";
}

static const char *kind_word(enum spool_fault_kind k)
{
    return k == SPOOL_DELETED ? "deleted" : "moved away or replaced";
}

static void key_of(enum spool_folder f, char *key, size_t n)
{
    static const char *const names[SPOOL_FOLDERS] = {
        [SPOOL_STATE_DIR] = "state_dir", [SPOOL_INBOX] = "inbox", [SPOOL_TMP] = "tmp",
        [SPOOL_WORK] = "work", [SPOOL_FAILED] = "failed", [SPOOL_ARCHIVE] = "archive",
    };
    snprintf(key, n, "folder:%s", names[f]);
}

static void now_text(char out[NEWSD_TIME_LEN])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    newsd_format_time((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, out);
}

struct ctx {
    struct folders *f;
    struct spool *s;
    unsigned flags;
};

static void on_fault(void *ud, const struct spool_fault *fault)
{
    struct ctx *c = ud;
    enum spool_folder f = fault->folder;
    const char *dir = c->s->state_dir;
    const char *what = kind_word(fault->kind);
    char key[HEALTH_KEY_MAX], when[NEWSD_TIME_LEN];

    key_of(f, key, sizeof key);
    now_text(when);
    /* The state dir's name is its path; the others are shown under it. */
    char where[4096];
    if (f == SPOOL_STATE_DIR)
        snprintf(where, sizeof where, "the state directory %s", dir);
    else
        snprintf(where, sizeof where, "%s/%s", dir, spool_folder_name(f));

    if (f == SPOOL_ARCHIVE) {
        log_error("%s was %s while newsd was running: the archive's files in it went with it; "
                  "reloading the plugins so that the archive opens its files anew (articles archived "
                  "since may be lost)", where, what);
        health_incident(key, "archive/ was %s at %s; the plugins were reloaded to open the archive anew",
                        what, when);
        c->flags |= FOLDERS_ARCHIVE_GONE;
        return;
    }
    if (fault->err) {
        /* Still broken: found again at every check, said once per cause. */
        if (c->f->err[f] != fault->err)
            log_error("%s was %s while newsd was running and cannot be made again: %s; %s; newsd retries "
                      "every " CHECK_EVERY "%s", where, what, strerror(-fault->err), consequence(f),
                      f == SPOOL_INBOX || f == SPOOL_WORK ? " and claims nothing meanwhile" : "");
        c->f->err[f] = fault->err;
        health_set(key, "%s unusable: it was %s and cannot be made again: %s", spool_folder_name(f), what,
                   strerror(-fault->err));
        c->flags |= FOLDERS_BROKEN;
        return;
    }
    c->f->err[f] = 0;
    if (fault->made)
        log_error("%s was %s while newsd was running; made a new one and carried on: %s", where, what,
                  consequence(f));
    else
        log_error("%s was %s while newsd was running; a new one is at its place, newsd uses it: %s", where,
                  what, consequence(f));
    health_incident(key, "%s was %s at %s and %s", spool_folder_name(f), what, when,
                    fault->made ? "made again" : "replaced by a new one");
    c->flags |= FOLDERS_REPAIRED;
    /* The state dir made again means a new inbox/ inside it too: the
     * check of inbox/ that follows reports that. */
    if (f == SPOOL_INBOX)
        c->flags |= FOLDERS_INBOX_NEW;
}

unsigned folders_check(struct folders *f, struct spool *s)
{
    struct ctx c = {.f = f, .s = s};
    spool_check(s, on_fault, &c);
    return c.flags;
}
