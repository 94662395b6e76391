/*
 * Allocation that cannot fail: the daemon has no sensible way on when
 * malloc fails for a few bytes, so these print one line and abort, and
 * callers need no error path for them (tmux's xmalloc.h is the model).
 *
 * The policy: daemon code allocates through these and never checks for
 * NULL or calls abort() itself.  Functions of the plugin ABI that promise
 * "NULL when out of memory" keep their promise with plain malloc.
 */
#ifndef NEWSD_XALLOC_H
#define NEWSD_XALLOC_H

#include <jansson.h>
#include <stddef.h>

#include <newsd/plugin.h>

void *xmalloc(size_t n);
/* Zeroed; n * size is checked for overflow. */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* xrealloc of n elements of size bytes, overflow checked. */
void *xreallocarray(void *p, size_t n, size_t size);
/* NULL in, NULL out. */
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) NEWSD_PRINTF(1, 2);
/* json_dumps(), which fails only when out of memory (or for a NULL j). */
char *xjson_dumps(const json_t *j, size_t flags);

#endif
