/* Finding the data folder (datadir.h). */
#include "datadir.h"
#include "xalloc.h"

#include <limits.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef NEWSD_DATA_DIR
#error "NEWSD_DATA_DIR (the installed data folder) comes from meson"
#endif

static char *configured_dir;
static char resolved[PATH_MAX];
static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;

void datadir_configure(const char *configured)
{
    free(configured_dir);
    configured_dir = configured ? xstrdup(configured) : NULL;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void resolve(void)
{
    const char *env = getenv("NEWSD_DATA_DIR");
    if (configured_dir) {
        snprintf(resolved, sizeof resolved, "%s", configured_dir);
        return;
    }
    if (env && *env) {
        snprintf(resolved, sizeof resolved, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char beside[PATH_MAX];
            snprintf(beside, sizeof beside, "%.*s/../data", PATH_MAX - 20, exe);
            char stop[PATH_MAX + 16];
            snprintf(stop, sizeof stop, "%s/stopwords", beside);
            if (is_dir(stop)) {
                snprintf(resolved, sizeof resolved, "%s", beside);
                return;
            }
        }
    }
    snprintf(resolved, sizeof resolved, "%s", NEWSD_DATA_DIR);
}

const char *datadir_get(void)
{
    pthread_once(&resolve_once, resolve);
    return resolved;
}
