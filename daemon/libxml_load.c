/* libxml2 opened on first use; see libxml_load.h. */
#include "libxml_load.h"

#include <assert.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The soname the headers were built against: a libxml2 with another
 * soname has another ABI. */
#define LIBXML_SONAME "libxml2.so.2"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct libxml api;
static int loaded;
static char failure[256];

static void *symbol(void *h, const char *name)
{
    void *p = dlsym(h, name);
    if (!p)
        snprintf(failure, sizeof failure, "cannot find %s in %s: %s", name, LIBXML_SONAME, dlerror());
    return p;
}

static void load(void)
{
    /* Never closed: trees and strings it made may outlive any caller. */
    void *h = dlopen(LIBXML_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(failure, sizeof failure, "cannot load %s, the HTML parser's library: %s", LIBXML_SONAME,
                 dlerror());
        return;
    }
    void (*init)(void) = (void (*)(void))symbol(h, "xmlInitParser");
    api.read_memory = (htmlDocPtr(*)(const char *, int, const char *, const char *, int))symbol(h, "htmlReadMemory");
    api.root_element = (xmlNodePtr(*)(const xmlDoc *))symbol(h, "xmlDocGetRootElement");
    api.free_doc = (void (*)(xmlDocPtr))symbol(h, "xmlFreeDoc");
    api.node_content = (xmlChar * (*)(const xmlNode *)) symbol(h, "xmlNodeGetContent");
    /* xmlFree is a variable (a function pointer), set before any parse. */
    xmlFreeFunc *free_var = (xmlFreeFunc *)symbol(h, "xmlFree");
    if (!init || !api.read_memory || !api.root_element || !api.free_doc || !api.node_content || !free_var)
        return;
    /* libxml2 sets up its globals on first use; workers parse at the same
     * time, so that first use happens once, here. */
    init();
    api.free = *free_var;
    loaded = api.free != NULL;
    if (!loaded)
        snprintf(failure, sizeof failure, "%s: xmlFree is not set", LIBXML_SONAME);
}

const struct libxml *libxml_load(const char **why)
{
    pthread_once(&once, load);
    if (!loaded) {
        *why = failure;
        return NULL;
    }
    return &api;
}

const struct libxml *libxml_loaded(void)
{
    assert(loaded);
    return &api;
}
