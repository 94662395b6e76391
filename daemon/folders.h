/*
 * The state folders going away under a running newsd (rm -rf work/, a
 * cleanup script, inbox/ moved aside): spool_check() finds and repairs;
 * this file decides what that means for the daemon: what is logged (at
 * error level, naming the folder and what was done), what /health reports
 * (health.h keys "folder:inbox", "folder:work", ...), and what the daemon
 * must do next (watch the new inbox, reload the archive plugin).
 *
 * The daemon calls folders_check() on a slow timer and at once when a claim
 * or a move into failed/ meets ENOENT: without that, an ENOENT on claim
 * reads as "someone else took the file" and nothing is ever said.
 */
#ifndef NEWSD_FOLDERS_H
#define NEWSD_FOLDERS_H

#include "spool.h"

enum {
    FOLDERS_REPAIRED = 1,       /* a folder was made again or adopted: retry what failed */
    FOLDERS_INBOX_NEW = 2,      /* spool->inbox_fd names a new folder: watch it */
    FOLDERS_ARCHIVE_GONE = 4,   /* the archive's folder went away: reload the plugins */
    FOLDERS_BROKEN = 8,         /* a folder could not be made again (reported in /health) */
};

struct folders {
    int err[SPOOL_FOLDERS];     /* the error of a folder that cannot be made again, logged once */
};

/* Check and repair; returns FOLDERS_* flags. */
unsigned folders_check(struct folders *f, struct spool *s);

#endif
