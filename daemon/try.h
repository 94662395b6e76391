/* newsd --try: the pipeline on one file, without a daemon, for plugin authors. */
#ifndef NEWSD_TRY_H
#define NEWSD_TRY_H

/* config_path may be NULL (parse only).  Prints the record on stdout.
 * Returns the exit code. */
int try_file(const char *file, const char *config_path, const char *state_dir_override);

#endif
