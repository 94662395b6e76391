/* libmicrohttpd loaded on first use; see mhd_load.h. */
#include "mhd_load.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The soname the headers were built against (libmicrohttpd12 in Debian):
 * another soname has another ABI. */
#define MHD_SONAME "libmicrohttpd.so.12"

struct mhd_api mhd_api;

/* A failure is not kept: the next call tries again, so that installing
 * the package helps without a restart.  Once loaded, it stays. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded;
static char failure[320];

static void load(void)
{
    /* Never closed: MHD daemons and responses may outlive any caller. */
    void *h = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "cannot load %s (the HTTP server's library, package libmicrohttpd12): %s",
                 MHD_SONAME, why ? why : "unknown error");
        return;
    }
    struct mhd_api t;
    const char *missing = NULL;
#define MHD_LOAD_RESOLVE(f) \
    if (!missing && !(*(void **)&t.f = dlsym(h, #f))) \
        missing = #f;
    MHD_LOAD_FUNCTIONS(MHD_LOAD_RESOLVE)
#undef MHD_LOAD_RESOLVE
    if (missing) {
        snprintf(failure, sizeof failure, "%s has no %s: too old a libmicrohttpd", MHD_SONAME, missing);
        dlclose(h);
        return;
    }
    mhd_api = t;
    loaded = 1;
}

int mhd_load(const char **why)
{
    pthread_mutex_lock(&lock);
    if (!loaded)
        load();
    int ok = loaded;
    pthread_mutex_unlock(&lock);
    if (ok)
        return 0;
    *why = failure;
    return -1;
}
