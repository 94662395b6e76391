/* liblinear loaded on the first training; see linear_load.h. */
#include "linear_load.h"
#include "model.h"

#include "dl_load.h"   /* daemon/: this file is compiled into newsd only */

struct topics_linear topics_linear;

#define TOPICS_LINEAR_NAME(f) #f,
static const char *const names[] = {TOPICS_LINEAR_FUNCTIONS(TOPICS_LINEAR_NAME)};
#undef TOPICS_LINEAR_NAME
static void *slots[sizeof names / sizeof names[0]];

static int setup(void *const *s, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    size_t i = 0;
#define TOPICS_LINEAR_TAKE(f) *(void **)&topics_linear.f = s[i++];
    TOPICS_LINEAR_FUNCTIONS(TOPICS_LINEAR_TAKE)
#undef TOPICS_LINEAR_TAKE
    return 0;
}

/* The soname of the headers built against (liblinear4 in Debian): another
 * soname has another ABI.  Trainings may run in several threads at once;
 * dl_lib_load() serialises the loading. */
static struct dl_lib lib = DL_LIB_INIT("liblinear.so.4", "the topics trainer's library, package liblinear4", names,
                                       slots, setup);

int topics_linear_load(char *err, size_t errlen)
{
    const char *why;
    if (dl_lib_load(&lib, &why) == 0)
        return 0;
    topics_say(err, errlen, "%s", why);
    return -1;
}
