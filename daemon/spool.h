/*
 * The state directory and every file move of an article's life:
 *
 *   inbox/ --claim--> work/ --(archived)--> unlinked
 *                          \--(failed)----> failed/NAME + failed/NAME.reason
 *
 * All moves are renames inside one file system, so an article is always in
 * exactly one of these folders.  tmp/ is for producers.
 *
 * Poison accounting: before plugins run, a worker writes the file's name
 * into its journal work/.inflight-N (one pwrite, no fsync: it only has to
 * survive a crash of the process, and the page cache does).  At start the
 * journals of the last run are folded into work/.attempts.
 *
 * Stuck calls: when the watchdog gives up on a plugin call that does not
 * return (budget.h), it writes a mark after the worker's record: the file,
 * the plugin, why.  The next start moves marked files to failed/ before
 * anything else (spool_recover_stuck), so a plugin that hangs on one
 * article costs one restart, not max_attempts of them.
 */
#ifndef NEWSD_SPOOL_H
#define NEWSD_SPOOL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

struct spool {
    char *state_dir;
    char *inbox_path;
    int state_fd, inbox_fd, tmp_fd, work_fd, failed_fd;
    /* STATE_DIR/archive once it exists (the archive plugin makes it, or
     * not: archive_pg has none); only watched, never made here. */
    int archive_fd;
    /* STATE_DIR/.lock, flocked while the spool is open (state_lock.h). */
    int lock_fd;
    /* The workers' journals (spool_journal_open), re-pointed when work/
     * is made again; the workers own and close them. */
    int *journal_fds;
    unsigned *journal_workers;
    size_t n_journals;
};

int spool_open(struct spool *s, const char *state_dir, char **err);
void spool_close(struct spool *s);

/* ---- folders that went away ------------------------------------------- */

/* The folders spool_check() watches, in the order it checks them. */
enum spool_folder {
    SPOOL_STATE_DIR,
    SPOOL_INBOX,
    SPOOL_TMP,
    SPOOL_WORK,
    SPOOL_FAILED,
    SPOOL_ARCHIVE,
    SPOOL_FOLDERS
};

enum spool_fault_kind {
    SPOOL_DELETED,      /* st_nlink == 0: removed (rm -rf) */
    SPOOL_MOVED,        /* still exists, but its path names another folder or nothing */
};

struct spool_fault {
    enum spool_folder folder;
    const char *name;             /* "inbox/" ...; the state dir's path for SPOOL_STATE_DIR */
    enum spool_fault_kind kind;
    /* What was done: made again (mkdir), or a folder someone else made at
     * the path adopted; either way the fd now names the folder at the
     * path.  err: -errno when neither was possible (the fd still names
     * the old folder; spool_check() finds it again next time).  The
     * archive's folder is never made here: made = adopted = false, err 0,
     * and its fd closed (adopted later when the plugin makes it again). */
    bool made, adopted;
    int err;
};

typedef void (*spool_fault_cb)(void *ud, const struct spool_fault *f);

/* Is every folder held open still the one its path names?  A folder
 * deleted (st_nlink == 0) or moved away is made again, or the new one at
 * its path adopted, and its fd re-pointed in place (dup3 onto the same
 * number, so that the copies the workers and the archiver hold follow);
 * the workers' journals are made again in a new work/.  cb (may be NULL)
 * hears of each folder at fault.  Returns the number of faults found.
 * Loop thread only, and not once the workers are stopped. */
int spool_check(struct spool *s, spool_fault_cb cb, void *ud);

/* Hold STATE_DIR/archive open from now on if it exists and is not held
 * yet: the archive plugin makes it in its init, after spool_open(). */
void spool_hold_archive(struct spool *s);

/* spool_check()'s folder names: "inbox/", "work/", ... */
const char *spool_folder_name(enum spool_folder f);

/* inbox/name → work/name.  0, or -ENOENT (gone: someone else took it),
 * -EEXIST (a file of that name is still in work/), other -errno. */
int spool_claim(struct spool *s, const char *name);

/* work/name → failed/ with a sidecar that says why.  id and plugin may be
 * NULL.  Returns 0 or -errno; the file stays in work/ on failure. */
int spool_fail(struct spool *s, const char *name, const char *id,
               const char *plugin, const char *cause);

/* Remove producer leftovers in tmp/ older than max_age seconds. */
void spool_clean_tmp(struct spool *s, time_t max_age);

/* Names in work/ to resume: the articles (dot-names are not) and the
 * reprocess files; malloc'd array of malloc'd names. */
int spool_list_work(struct spool *s, char ***names, size_t *n);
/* The article that has been in work/ longest (newsd's own dot files left
 * out): its name and its claim time (ctime, wall clock ms).  Returns 1,
 * 0 when work/ holds none, or -errno. */
int spool_oldest_work(struct spool *s, char name[NAME_MAX + 1], int64_t *claimed_ms);

/* ---- reprocessing ------------------------------------------------------- */

/* An archived article run again is put into work/.reprocess-<id> (by
 * control_work.c).  The leading dot keeps the name out of the producers'
 * namespace: the inbox never takes a dot-name, so no claim can produce
 * one, and a producer's file called reprocess-<id> is an ordinary article.
 * The name is the mark that survives a crash. */
#define SPOOL_REPROCESS_PREFIX ".reprocess-"

/* ".reprocess-" followed by an article id. */
bool spool_is_reprocess_name(const char *name);

/* ---- poison accounting ------------------------------------------------- */

struct attempt {
    char *name;
    unsigned count;
};

/* Fold the last run's journals into work/.attempts and return the counts of
 * files still in work/.  Call once at start, before workers run.  Returns
 * 0, or -errno when work/.attempts could not be written: the counts are
 * returned all the same (free them either way). */
int spool_recover_attempts(struct spool *s, struct attempt **out, size_t *n);
void spool_attempts_free(struct attempt *v, size_t n);

/* The set-aside rule: a file newsd crashed on max_attempts times (counts
 * from spool_recover_attempts) goes to failed/ without running again, so
 * the articles behind it get through.  Returns the failed/ cause
 * (malloc'd), or NULL: run it. */
char *spool_poison_cause(unsigned attempts, unsigned max_attempts);

/* A worker's journal: work/.inflight-<worker>. */
int spool_journal_open(struct spool *s, unsigned worker);
/* 0, or -errno when the record could not be written (fd -1: nothing to
 * write, 0). */
int spool_journal_begin(int fd, const char *name);
void spool_journal_end(int fd);

/* Mark the journal fd: its worker's call on file name (in plugin, or NULL
 * for the core) did not return; cause is the failed/ reason.  Synced.
 * Returns 0 or -errno. */
int spool_journal_mark(int fd, const char *name, const char *plugin, const char *cause);
/* At start, before spool_recover_attempts: move each marked file still in
 * work/ to failed/ with its cause, and clear the marks.  *moved counts
 * them.  Returns 0 or -errno (work/ unreadable). */
int spool_recover_stuck(struct spool *s, unsigned *moved);

#endif
