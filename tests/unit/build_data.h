/* The build tree's data folder (the stop-word lists) for the unit tests
 * that run the text layer.  meson passes its path, so that a test binary
 * run by hand finds the same lists as under `meson test`; an
 * NEWSD_DATA_DIR already set wins. */
#ifndef NEWSD_TEST_BUILD_DATA_H
#define NEWSD_TEST_BUILD_DATA_H

#include <stdlib.h>

#ifndef NEWSD_BUILD_DATA_DIR
#error "NEWSD_BUILD_DATA_DIR (the build tree's data folder) comes from tests/unit/meson.build"
#endif

static inline void use_build_data_dir(void)
{
    setenv("NEWSD_DATA_DIR", NEWSD_BUILD_DATA_DIR, 0);
}

#endif
