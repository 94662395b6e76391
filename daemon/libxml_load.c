/* libxml2 opened on first use; see libxml_load.h. */
#include "libxml_load.h"
#include "dl_load.h"

#include <assert.h>
#include <stdio.h>

static struct libxml api;

/* xmlFree is a variable (a function pointer), set before any parse. */
static const char *const names[] = {"xmlInitParser",     "htmlReadMemory",    "xmlDocGetRootElement",
                                    "xmlFreeDoc",        "xmlNodeGetContent", "xmlFree"};
static void *slots[sizeof names / sizeof names[0]];

static int setup(void *const *s, char *err, size_t errlen)
{
    /* libxml2 sets up its globals on first use; workers parse at the same
     * time, so that first use happens once, here, under the load lock. */
    ((void (*)(void))s[0])();
    api.read_memory = (htmlDocPtr(*)(const char *, int, const char *, const char *, int))s[1];
    api.root_element = (xmlNodePtr(*)(const xmlDoc *))s[2];
    api.free_doc = (void (*)(xmlDocPtr))s[3];
    api.node_content = (xmlChar * (*)(const xmlNode *)) s[4];
    api.free = *(xmlFreeFunc *)s[5];
    if (!api.free) {
        snprintf(err, errlen, "libxml2.so.2: xmlFree is not set");
        return -1;
    }
    return 0;
}

/* The soname the headers were built against: a libxml2 with another
 * soname has another ABI. */
static struct dl_lib lib = DL_LIB_INIT("libxml2.so.2", "the HTML parser's library, package libxml2", names, slots,
                                       setup);

const struct libxml *libxml_load(const char **why)
{
    return dl_lib_load(&lib, why) == 0 ? &api : NULL;
}

const struct libxml *libxml_loaded(void)
{
    assert(atomic_load_explicit(&lib.loaded, memory_order_relaxed));
    return &api;
}
