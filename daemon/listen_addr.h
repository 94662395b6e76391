/*
 * The numeric TCP addresses newsd listens on (metrics_listen, web_listen):
 * "127.0.0.1:9107" or "[::1]:9107", never a host name, so what is bound is
 * exactly what the config says and needs no resolver at start.
 */
#ifndef NEWSD_LISTEN_ADDR_H
#define NEWSD_LISTEN_ADDR_H

#include <stdbool.h>
#include <sys/socket.h>

/* Parse addr into *ss and *len.  Returns 0, or -1 when it is not a numeric
 * address with a port from 1 to 65535. */
int listen_addr_parse(const char *addr, struct sockaddr_storage *ss, socklen_t *len);
/* 127.0.0.0 to 127.255.255.255, ::1, or ::ffff:127.x.x.x. */
bool listen_addr_is_loopback(const struct sockaddr_storage *ss);

#endif
