/*
 * Start-up checks of the state folders that newsd moves files between:
 * each must be writable by newsd and all must be on one mount, or every
 * claim fails later with EACCES, EROFS or EXDEV, file by file.  Refusing
 * at start, with the fix, is kinder.
 */
#ifndef NEWSD_SPOOL_ACCESS_H
#define NEWSD_SPOOL_ACCESS_H

struct spool;

/* 0 when inbox/, tmp/, work/ and failed/ are writable and share one
 * mount; else -1 with *err (malloc'd) naming the folder, the cause and
 * the command that fixes it. */
int spool_access_check(const struct spool *s, char **err);

#endif
