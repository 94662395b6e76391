/*
 * newsctl check: the integrity check of an archive_sqlite database, run on
 * the file itself (not through the daemon).
 */
#ifndef NEWSCTL_CHECK_H
#define NEWSCTL_CHECK_H

#include <stdbool.h>

/* Check the database at path; prints the verdict (as JSON with json).
 * Returns EXIT_OK when it is intact, EXIT_DAEMON when a check failed,
 * EXIT_CONNECT when the file cannot be opened or checked. */
int check_archive(const char *path, bool json);

#endif
