/*
 * One daemon per state directory: an flock on STATE_DIR/.lock, held for
 * the daemon's life.  Two daemons on one state dir would resume each
 * other's work/ files and process articles twice; the control socket
 * alone does not keep a second one out (it may be given another path).
 */
#ifndef NEWSD_STATE_LOCK_H
#define NEWSD_STATE_LOCK_H

/* Take the lock in the state directory open at state_fd (state_dir names
 * it in messages) and write our pid into the file.  Returns the lock's
 * descriptor, which the caller keeps open (closing it releases the lock),
 * or -1 with *err set (malloc'd): another process holds it (its pid is
 * named), or the file cannot be made. */
int state_lock_take(int state_fd, const char *state_dir, char **err);

#endif
