/*
 * A temporary folder for a unit test's files: made in setup, removed in
 * teardown, with a helper that writes a file into it.  Header-only, for the
 * tests that read configuration files (test_config.c, test_config_keys.c).
 */
#ifndef NEWSD_TEST_TEMP_DIR_H
#define NEWSD_TEST_TEMP_DIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEMP_DIR_MAX 64

/* Make /tmp/newsd-test-TAG-XXXXXX into dir; fails the test when it cannot. */
static inline void temp_dir_make(char dir[TEMP_DIR_MAX], const char *tag)
{
    snprintf(dir, TEMP_DIR_MAX, "/tmp/newsd-test-%s-XXXXXX", tag);
    assert_non_null(mkdtemp(dir));
}

/* Write text to dir/name (replacing it). */
static inline void temp_dir_write(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Remove dir and everything in it; 0 on success (cmocka's teardown value). */
static inline int temp_dir_remove(const char *dir)
{
    char cmd[TEMP_DIR_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

#endif
