/* liblinear loaded on the first training; see linear_load.h. */
#include "linear_load.h"
#include "model.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The soname of the headers built against (liblinear4 in Debian): another
 * soname has another ABI. */
#define LIBLINEAR "liblinear.so.4"

struct topics_linear topics_linear;

/* A failure is not kept: the next training tries again, so that
 * installing the package helps without a restart.  The lock: trainings
 * may run in several threads at once. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded;
static char failure[320];

static void load(void)
{
    /* Never closed: training may run again. */
    void *h = dlopen(LIBLINEAR, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(failure, sizeof failure, "cannot load %s (the topics trainer's library, package liblinear4): %s",
                 LIBLINEAR, why ? why : "unknown error");
        return;
    }
    struct topics_linear t;
    const char *missing = NULL;
#define TOPICS_LINEAR_RESOLVE(f) \
    if (!missing && !(*(void **)&t.f = dlsym(h, #f))) \
        missing = #f;
    TOPICS_LINEAR_FUNCTIONS(TOPICS_LINEAR_RESOLVE)
#undef TOPICS_LINEAR_RESOLVE
    if (missing) {
        snprintf(failure, sizeof failure, "%s has no %s: too old a liblinear", LIBLINEAR, missing);
        dlclose(h);
        return;
    }
    topics_linear = t;
    loaded = 1;
}

int topics_linear_load(char *err, size_t errlen)
{
    pthread_mutex_lock(&lock);
    if (!loaded)
        load();
    int ok = loaded;
    if (!ok)
        topics_say(err, errlen, "%s", failure);
    pthread_mutex_unlock(&lock);
    return ok ? 0 : -1;
}
