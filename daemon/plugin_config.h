/*
 * The opaque newsd_config handle of the plugin ABI: one [plugin.NAME]
 * section, valid while the plugin's init() runs.  The newsd_config_*
 * functions that read it live in plugin_config.c.
 */
#ifndef NEWSD_PLUGIN_CONFIG_H
#define NEWSD_PLUGIN_CONFIG_H

#include <newsd/plugin.h>

#include "config.h"

struct newsd_config {
    const struct plugin_section *section;
    const char *state_dir;
    int run_mode;       /* enum newsd_run_mode */
};

#endif
