/*
 * File descriptors: the process's limit, the share the control API may
 * take of it, and one descriptor kept in reserve.
 *
 * At start newsd raises its soft RLIMIT_NOFILE to the hard limit: systemd
 * starts services at 1024 soft and 524288 hard, expecting a program that
 * never uses select() (newsd's loop and libmicrohttpd use epoll) to raise
 * it itself.
 *
 * The control API's connections are capped below what the limit leaves
 * once the core is running (fdlimit_connection_cap), so idle clients can
 * never take the descriptors that claiming, reading and archiving need.
 *
 * The reserve is an open /dev/null that the control API closes when
 * accept() fails for want of descriptors, to take the waiting clients off
 * the queue with a 503 instead of leaving them hanging (libuv's "EMFILE
 * trick"); it is reopened right after.
 */
#ifndef NEWSD_FDLIMIT_H
#define NEWSD_FDLIMIT_H

#include <stdbool.h>

/* Soft limit up to the hard one; logs what it did.  Returns the soft
 * limit now. */
unsigned long fdlimit_raise(void);

/* At most wanted connections, fewer when the limit leaves less room than
 * the descriptors open now plus the core's own need while it works (a
 * file per worker, the archive's files, sidecars, the archive's reader;
 * workers: the number of worker threads).  At least 1; logs a notice when
 * it had to go below wanted. */
unsigned fdlimit_connection_cap(unsigned wanted, unsigned workers);

/* Open the reserve (once at start; again after a release).  0 or -errno. */
int fdlimit_reserve_open(void);
/* Close the reserve so that the caller has one descriptor to spend; false
 * when there was none to close. */
bool fdlimit_reserve_release(void);

#endif
