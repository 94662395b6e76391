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

#include <stddef.h>
#include <time.h>

struct spool {
    char *state_dir;
    char *inbox_path;
    int state_fd, inbox_fd, tmp_fd, work_fd, failed_fd;
};

int spool_open(struct spool *s, const char *state_dir, char **err);
void spool_close(struct spool *s);

/* inbox/name → work/name.  0, or -ENOENT (gone: someone else took it),
 * -EEXIST (a file of that name is still in work/), other -errno. */
int spool_claim(struct spool *s, const char *name);

/* work/name → failed/ with a sidecar that says why.  id and plugin may be
 * NULL.  Returns 0 or -errno; the file stays in work/ on failure. */
int spool_fail(struct spool *s, const char *name, const char *id,
               const char *plugin, const char *cause);

/* Remove producer leftovers in tmp/ older than max_age seconds. */
void spool_clean_tmp(struct spool *s, time_t max_age);

/* Names in work/ (without dot-names), malloc'd array of malloc'd names. */
int spool_list_work(struct spool *s, char ***names, size_t *n);

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
