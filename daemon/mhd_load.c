/* libmicrohttpd loaded on first use; see mhd_load.h. */
#include "mhd_load.h"
#include "dl_load.h"

struct mhd_api mhd_api;

#define MHD_LOAD_NAME(f) #f,
static const char *const names[] = {MHD_LOAD_FUNCTIONS(MHD_LOAD_NAME)};
#undef MHD_LOAD_NAME
static void *slots[sizeof names / sizeof names[0]];

static int setup(void *const *s, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    size_t i = 0;
#define MHD_LOAD_TAKE(f) *(void **)&mhd_api.f = s[i++];
    MHD_LOAD_FUNCTIONS(MHD_LOAD_TAKE)
#undef MHD_LOAD_TAKE
    return 0;
}

/* The soname the headers were built against (libmicrohttpd12 in Debian):
 * another soname has another ABI. */
static struct dl_lib lib = DL_LIB_INIT("libmicrohttpd.so.12", "the HTTP server's library, package libmicrohttpd12",
                                       names, slots, setup);

int mhd_load(const char **why)
{
    return dl_lib_load(&lib, why);
}
