/* libpq loaded on first use; see pq_load.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf() */
#endif
#include "pq_load.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The soname libpq has kept since PostgreSQL 8.2. */
#define LIBPQ "libpq.so.5"

struct nd_pq nd_pq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *load_error;   /* NULL: loaded; never freed (once per process) */

__attribute__((format(printf, 2, 3))) static void set_error(const char *fallback, const char *fmt, ...)
{
    char *m = NULL;
    va_list ap;
    va_start(ap, fmt);
    load_error = vasprintf(&m, fmt, ap) < 0 ? fallback : m;
    va_end(ap);
}

static void load(void)
{
    void *h = dlopen(LIBPQ, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        set_error("cannot load " LIBPQ, "cannot load %s (the PostgreSQL client library, package libpq5): %s",
                  LIBPQ, why ? why : "unknown error");
        return;
    }
    struct nd_pq t;
    const char *missing = NULL;
#define ND_PQ_RESOLVE(f) \
    if (!missing && !(*(void **)&t.f = dlsym(h, #f))) \
        missing = #f;
    ND_PQ_FUNCTIONS(ND_PQ_RESOLVE)
#undef ND_PQ_RESOLVE
    if (missing) {
        set_error(LIBPQ " lacks a function", "%s has no %s: too old a libpq", LIBPQ, missing);
        dlclose(h);
        return;
    }
    nd_pq = t;
}

int nd_pq_load(char **err)
{
    pthread_once(&once, load);
    if (!load_error)
        return 0;
    *err = strdup(load_error);   /* NULL when out of memory: the caller says so */
    return -1;
}
