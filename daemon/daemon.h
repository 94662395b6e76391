/*
 * The running daemon: one libuv loop that owns the inbox watch, signals,
 * timers and every file move, with workers and the archive around it.
 */
#ifndef NEWSD_DAEMON_H
#define NEWSD_DAEMON_H

/* Run until SIGTERM/SIGINT.  Returns the process exit code.
 * control_socket_override (--control-socket) wins over [daemon]
 * control_socket when not NULL; "" turns the control API off. */
int daemon_run(const char *config_path, const char *state_dir_override, int log_level_override,
               const char *control_socket_override);

#endif
