/* Libraries opened on first use; see dl_load.h. */
#include "dl_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static int load(struct dl_lib *lib)
{
    /* Never closed: what the library made (daemons, trees, models) may
     * outlive any caller. */
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(lib->failure, sizeof lib->failure, "cannot load %s (%s): %s", lib->soname, lib->role,
                 why ? why : "unknown error");
        return -1;
    }
    for (size_t i = 0; i < lib->count; i++) {
        lib->slots[i] = dlsym(h, lib->names[i]);
        if (!lib->slots[i]) {
            snprintf(lib->failure, sizeof lib->failure, "%s has no %s: too old a version of %s", lib->soname,
                     lib->names[i], lib->role);
            dlclose(h);
            return -1;
        }
    }
    if (lib->setup && lib->setup(lib->slots, lib->failure, sizeof lib->failure) < 0) {
        dlclose(h);
        return -1;
    }
    return 0;
}

int dl_lib_load(struct dl_lib *lib, const char **why)
{
    /* The caller's copy of a failure, taken under the lock: lib->failure
     * is rewritten by the next failed call, perhaps another thread's
     * while this one still reads it (parse workers each report a missing
     * libxml2). */
    static _Thread_local char failure[sizeof lib->failure];
    /* Loaded once, read on every HTML page: no lock then. */
    if (atomic_load_explicit(&lib->loaded, memory_order_acquire))
        return 0;
    pthread_mutex_lock(&lib->lock);
    int ok = atomic_load_explicit(&lib->loaded, memory_order_relaxed);
    if (!ok && load(lib) == 0) {
        atomic_store_explicit(&lib->loaded, 1, memory_order_release);
        ok = 1;
    }
    if (!ok)
        memcpy(failure, lib->failure, sizeof failure);
    pthread_mutex_unlock(&lib->lock);
    if (ok)
        return 0;
    *why = failure;
    return -1;
}
