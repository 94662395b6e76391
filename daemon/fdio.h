/*
 * Writing a whole buffer to a file descriptor: write() may stop short (a
 * signal, a full pipe) and every durable file newsd writes (spool records,
 * the outbox, an input's message, a control upload) must be whole or be an
 * error.
 */
#ifndef NEWSD_FDIO_H
#define NEWSD_FDIO_H

#include <stddef.h>

/* Writes all len bytes, retrying after EINTR.  Returns 0, or -errno (errno
 * is left set as well). */
int write_all(int fd, const void *data, size_t len);

#endif
