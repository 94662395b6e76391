/* The plugin-name table of plugin_names.h. */
#include "plugin_names.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

struct name {
    struct name *next;
    char text[];
};

/* Prepended under the lock, read without it: a node is complete before
 * the release store publishes it, and never changes or goes away. */
static _Atomic(struct name *) names;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const char *find(struct name *n, const char *name)
{
    for (; n; n = n->next)
        if (strcmp(n->text, name) == 0)
            return n->text;
    return NULL;
}

const char *plugin_name_intern(const char *name)
{
    const char *found = find(atomic_load_explicit(&names, memory_order_acquire), name);
    if (found)
        return found;
    pthread_mutex_lock(&lock);
    struct name *head = atomic_load_explicit(&names, memory_order_relaxed);
    found = find(head, name);
    if (!found) {
        size_t len = strlen(name);
        struct name *n = xmalloc(sizeof *n + len + 1);
        memcpy(n->text, name, len + 1);
        n->next = head;
        atomic_store_explicit(&names, n, memory_order_release);
        found = n->text;
    }
    pthread_mutex_unlock(&lock);
    return found;
}
