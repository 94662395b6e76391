/*
 * STATE_DIR/trends.dat: what the dashboard counts in memory (the articles
 * per minute of web_history.h, the tag counts per hour of tag_trends.h),
 * kept across a restart.  The dashboard writes it every
 * TRENDS_FILE_SAVE_MS and when newsd stops, and reads it at start; a
 * SIGKILL loses what was counted since the last write.
 *
 * The file is text, one record a line, written to trends.dat.tmp and
 * renamed over trends.dat, so a reader sees the old file or the new one:
 *
 *   newsd-trends 1
 *   history FIRST_MINUTE MINUTE        (minutes since the epoch)
 *   m MINUTE RECEIVED ARCHIVED FAILED DUPLICATES   (minutes with counts)
 *   trends HOUR                        (hours since the epoch; -1: none)
 *   n "NAME"                           (a tag name as a JSON string)
 *   h HOUR COUNT                       (that name's hours with counts)
 *   end RECORDS                        (how many m, n and h lines came)
 *
 * A file that does not parse, holds another version, or breaks a bound
 * (more minutes, hours or names than memory holds) is ignored as a whole.
 */
#ifndef NEWSD_TRENDS_FILE_H
#define NEWSD_TRENDS_FILE_H

#include <stdint.h>

#include "web_history.h"

#define TRENDS_FILE_NAME "trends.dat"
#define TRENDS_FILE_SAVE_MS 60000

/* Write h and the tag trends to path (tmp + rename).  Returns 0, or -1
 * with *err (malloc'd, naming the file and the cause). */
int trends_file_save(const char *path, const struct web_history *h, char **err);

/* Read path into h (which must be empty: a new dashboard's) and the tag
 * trends, dropping what is older than the windows at now_ms or later than
 * now_ms.  Returns 1 when loaded, 0 when there is no file, -1 when the
 * file was ignored, with *err (malloc'd, naming the file and the cause);
 * nothing is taken from an ignored file. */
int trends_file_load(const char *path, struct web_history *h, int64_t now_ms, char **err);

#endif
