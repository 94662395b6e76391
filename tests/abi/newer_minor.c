/*
 * A plugin from the future: stamped with the minor after this newsd's, and
 * calling a function that only that minor has.  dlopen() alone would refuse
 * it with "undefined symbol: newsd_from_a_later_minor"; newsd must refuse it
 * with "needs newsd ABI >= 1.N+1; this is 1.N" instead.
 */
#include <newsd/plugin.h>

/* What the header of the next minor would declare. */
NEWSD_EXPORT int newsd_from_a_later_minor(newsd_article *a);

static int later_process(void *state, enum newsd_stage stage, newsd_article *a)
{
    (void)state;
    (void)stage;
    return newsd_from_a_later_minor(a);
}

/* NEWSD_PLUGIN() stamps NEWSD_ABI_TARGET_MINOR, which a plugin may only set
 * lower; a newer header would stamp its own higher minor.  Spelled out: */
NEWSD_EXPORT extern const newsd_plugin newsd_plugin_descriptor;
const newsd_plugin newsd_plugin_descriptor = {
    .abi_version = NEWSD_ABI_STAMP(NEWSD_ABI_MAJOR, NEWSD_ABI_MINOR + 1),
    .struct_size = sizeof(newsd_plugin) + 8,
    .name = "newer_minor",
    .stages = NEWSD_STAGE_TAG,
    .process = later_process,
};
