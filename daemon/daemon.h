/*
 * The running daemon: one libuv loop that owns the inbox watch, signals,
 * timers and every file move, with workers and the archive around it.
 */
#ifndef NEWSD_DAEMON_H
#define NEWSD_DAEMON_H

/* Run until SIGTERM/SIGINT.  Returns the process exit code. */
int daemon_run(const char *config_path, const char *state_dir_override, int log_level_override);

#endif
