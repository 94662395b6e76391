/*
 * The Lua plugin host: one sandboxed Lua 5.4 state per thread that may call
 * the plugin, an instruction budget per call and a memory cap per state.
 *
 * A Lua plugin is presented to the rest of the daemon as an ordinary C
 * descriptor (newsd_plugin) whose callbacks enter Lua, so plugins.c runs C
 * and Lua plugins through the same code: ordering, stage checks, dropping a
 * failed plugin's partial result, `required`, the --try debug lines.
 *
 * States (slots) of one plugin instance:
 *   slot 0          the trial state made at load; afterwards used by any
 *                   thread that is not a worker (newsd --try), under a lock;
 *   slot 1          archive()/commit(): the archive runs one batch at a time;
 *   slot 2 + i      worker thread i, used by that thread only: no lock.
 * Lua states are never shared between threads at the same time.
 */
#ifndef NEWSD_LUA_HOST_H
#define NEWSD_LUA_HOST_H

#include <newsd/plugin.h>

#include "config.h"

struct l_plugin;

enum l_load_flags {
    /* --try / --check-config: only the trial state (slot 0) is made. */
    L_LOAD_TRIAL_ONLY = 1u << 0,
};

/* Load the script at path for instance section s: make its states, run the
 * chunk and init(conf) in each.  Returns NULL with *err (malloc'd, naming
 * the file and, for a syntax error, the line) when the plugin is refused. */
struct l_plugin *l_plugin_load(const struct daemon_config *cfg, const struct plugin_section *s,
                                   const char *path, unsigned flags, char **err);

/* The descriptor plugins.c dispatches through; its state is the l_plugin
 * and its fini() frees it. */
const newsd_plugin *l_plugin_descriptor(const struct l_plugin *lp);

/* Worker threads: tell the host how many there are (before they start) and,
 * on each thread, which one this is. */
void l_host_register_workers(unsigned n);
void l_host_set_worker(unsigned index);

#endif
