/*
 * A plugin that targets ABI 1.1 with the current header
 * (NEWSD_ABI_TARGET_MINOR = 1, set in meson.build): its descriptor is
 * stamped 1.1 and the text layer of 1.2 is not declared for it.  It must
 * load and run in this newsd, like every plugin of an older minor.
 */
#include <newsd/plugin.h>

#include <stdio.h>
#include <string.h>

#if NEWSD_ABI_TARGET_MINOR != 1
#error "target_1_1.c must be built with -DNEWSD_ABI_TARGET_MINOR=1"
#endif

static int t11_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)state;
    (void)stage;
    /* 1.1's helpers are there; newsd_article_analysis() is not declared. */
    char **words = newsd_list_split(newsd_article_get(a, NEWSD_FIELD_TITLE), NULL);
    if (!words)
        return newsd_article_fail(a, "target_1_1: out of memory");
    char tag[64];
    snprintf(tag, sizeof tag, "t11:abi/%u.%u", NEWSD_ABI_STAMP_MAJOR(newsd_abi_version()),
             NEWSD_ABI_STAMP_MINOR(newsd_abi_version()));
    newsd_list_free(words);
    return newsd_article_tag(a, tag, 1.0);
}

NEWSD_PLUGIN(
    .name = "target_1_1",
    .description = "built for ABI 1.1 with the 1.2 header (tests)",
    .stages = NEWSD_STAGE_TAG,
    .flags = NEWSD_PLUGIN_THREAD_SAFE,
    .process = t11_process,
);
