/*
 * A shared library opened with dlopen() on first use instead of linked:
 * libmicrohttpd (mhd_load.c), libxml2 (libxml_load.c) and liblinear
 * (plugins/topics/linear_load.c) each bring resident pages that most
 * configurations never use (docs/architecture.md, "Memory").  One shape
 * serves all three: open the soname the headers were built against,
 * resolve a table of symbols, and keep the library for the life of the
 * process.  A failure is not kept: the next call tries again, so that
 * installing the package helps without a restart.
 */
#ifndef NEWSD_DL_LOAD_H
#define NEWSD_DL_LOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

struct dl_lib {
    const char *soname;   /* the soname of the headers built against */
    const char *role;     /* for errors: "the HTTP server's library, package libmicrohttpd12" */
    const char *const *names;   /* symbols to resolve, in the order of slots */
    size_t count;
    void **slots;         /* count entries, filled before setup runs */
    /* Optional: runs once, under the lock, after every symbol resolved;
     * 0, or -1 with err filled. */
    int (*setup)(void *const *slots, char *err, size_t errlen);

    /* Private; DL_LIB_INIT sets them. */
    pthread_mutex_t lock;
    atomic_int loaded;
    char failure[320];
};

#define DL_LIB_INIT(soname_, role_, names_, slots_, setup_) \
    { .soname = (soname_), .role = (role_), .names = (names_), \
      .count = sizeof(names_) / sizeof((names_)[0]), .slots = (slots_), .setup = (setup_), \
      .lock = PTHREAD_MUTEX_INITIALIZER }

/* Load lib from any thread: 0 (slots filled and setup done, now or by an
 * earlier call), or -1 with *why (a buffer of this thread's, good until
 * its next call) naming the library, its package and the cause. */
int dl_lib_load(struct dl_lib *lib, const char **why);

#endif
