/*
 * The running daemon: one libuv loop that owns the inbox watch, signals,
 * timers and every file move, with workers and the archive around it.
 */
#ifndef NEWSD_DAEMON_H
#define NEWSD_DAEMON_H

/* The exit code after the watchdog gave up on a plugin call that did not
 * return (budget.h): not 0, so that systemd's Restart=on-failure starts
 * newsd again, and the next start moves the article to failed/.  75 is
 * EX_TEMPFAIL: try again. */
#define DAEMON_EXIT_STUCK 75

/* Run until SIGTERM/SIGINT.  Returns the process exit code (0, 1 when it
 * could not start); after a stuck call it exits DAEMON_EXIT_STUCK itself.
 * control_socket_override (--control-socket) wins over [daemon]
 * control_socket when not NULL; "" turns the control API off. */
int daemon_run(const char *config_path, const char *state_dir_override, int log_level_override,
               const char *control_socket_override);

#endif
