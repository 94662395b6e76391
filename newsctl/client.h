/*
 * newsctl's HTTP client: one request to newsd's control socket with
 * libcurl (CURLOPT_UNIX_SOCKET_PATH), and the reasons it can fail told
 * apart so that scripts get a stable exit code.
 */
#ifndef NEWSCTL_CLIENT_H
#define NEWSCTL_CLIENT_H

#include <stddef.h>

enum {
    EXIT_OK = 0,
    EXIT_DAEMON = 1,    /* the daemon answered with an error */
    EXIT_USAGE = 2,
    EXIT_CONNECT = 3,   /* cannot reach the daemon */
};

struct reply {
    long status;        /* HTTP status, 0 when there was no answer */
    char *body;         /* malloc'd, NUL-terminated */
    size_t len;
};

/* GET (body NULL) or POST.  Returns EXIT_OK with *out filled (whatever the
 * HTTP status), or EXIT_CONNECT after printing why to stderr. */
int client_request(const char *socket_path, const char *method, const char *path,
                   const char *body, struct reply *out);
void reply_free(struct reply *r);

/* Percent-encode for a query string (malloc'd). */
char *client_escape(const char *s);

#endif
