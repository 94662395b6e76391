/* newsd --try: the pipeline on one file, without a daemon, for plugin authors. */
#ifndef NEWSD_TRY_H
#define NEWSD_TRY_H

/* config_path may be NULL (parse only).  Prints the record on stdout.
 * Returns the exit code. */
int try_file(const char *file, const char *config_path, const char *state_dir_override);

struct daemon_config;
struct plugin_set;
/* Load the configuration and its plugins for a one-shot tool (--try,
 * --check-config): archives are checked, not initialised.  Errors go to
 * stderr.  Returns 0 or -1. */
int load_for_tools(const char *config_path, const char *state_dir_override,
                   struct daemon_config *cfg, struct plugin_set **set);

#endif
