/*
 * Allocation that cannot fail: the daemon has no sensible way on when
 * malloc fails for a few bytes, so these print one line and abort, and
 * callers need no error path for them.
 */
#ifndef NEWSD_XALLOC_H
#define NEWSD_XALLOC_H

#include <stddef.h>

#include <newsd/plugin.h>

void *xrealloc(void *p, size_t n);
/* NULL in, NULL out. */
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) NEWSD_PRINTF(1, 2);

#endif
