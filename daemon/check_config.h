/* newsd --check-config: load the configuration and initialise every plugin
 * as a start would, then release them again. */
#ifndef NEWSD_CHECK_CONFIG_H
#define NEWSD_CHECK_CONFIG_H

/* Prints "PATH: OK (...)" and returns 0, or prints the error on stderr and
 * returns 1. */
int check_config(const char *path, const char *state_dir_override);

#endif
