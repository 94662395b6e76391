/* newsd --try: the pipeline on one file, without a daemon, for plugin authors. */
#ifndef NEWSD_TRY_H
#define NEWSD_TRY_H

#include <stddef.h>

/* Run the pipeline on first and the n_more files after it; config_path may
 * be NULL (parse only).  One file prints its record as pretty JSON, more
 * print one compact record per line, in order; a file that fails prints its
 * reason on stderr and the others go on.  Returns the exit code: 0 when
 * every file made it through, else 1. */
int try_files(const char *first, const char *const *more, size_t n_more, const char *config_path,
              const char *state_dir_override);

struct daemon_config;
struct plugin_set;
/* Load the configuration and its plugins for --try: archives are
 * checked, not initialised (--check-config is check_config.h).  Errors go to
 * stderr.  Returns 0 or -1. */
int load_for_tools(const char *config_path, const char *state_dir_override,
                   struct daemon_config *cfg, struct plugin_set **set);

#endif
