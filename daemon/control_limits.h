/*
 * What a client of the control API may hold, and for how long.
 *
 * libmicrohttpd's own limits are a total of connections and an *idle*
 * timeout: a client that sends a byte every few seconds keeps its
 * connection, and 500 of them shut newsctl out.  So, on top of it:
 *
 *   - a deadline: a request must be answered within timeout_s of the
 *     moment the connection began to wait for it (accepted, or the
 *     previous answer sent), or the connection is closed.  The time newsd
 *     itself takes (a query that runs, a reload) does not count: a query
 *     waits in a bounded queue, and one that waited too long is answered
 *     503;
 *   - per peer (SO_PEERCRED on the Unix socket): a uid other than root
 *     holds at most LIMITS_PER_UID connections;
 *   - a reserve: beyond the LIMITS_GENERAL connections anyone may hold,
 *     LIMITS_RESERVED more are kept for root and newsd's own user and
 *     group, one each and only for a uid that holds no other connection,
 *     so `newsctl status` gets through while others flood the socket;
 *   - archive queries (search, list, show, export, reprocess): at most
 *     queries_running at once and queries_waiting in line; beyond that the
 *     answer is 503 with Retry-After at once, rather than a wait of many
 *     seconds that holds a connection and a thread-pool slot.
 *
 * A connection refused at accept gets a short 503 written straight to its
 * socket and is shut down, so it frees its slot at once.
 */
#ifndef NEWSD_CONTROL_LIMITS_H
#define NEWSD_CONTROL_LIMITS_H

#include <microhttpd.h>
#include <stdbool.h>
#include <sys/types.h>

/* The general pool at most; a low descriptor limit makes it smaller (the
 * listener's max_connections, fdlimit.h, less the reserve). */
#define LIMITS_GENERAL 60
#define LIMITS_RESERVED 4
#define LIMITS_PER_UID 16
/* libmicrohttpd's own cap is the listener's cap plus this: room for the
 * connections being refused too. */
#define LIMITS_HEADROOM 8
/* Retry-After of a 503 for a full queue or connection pool, seconds. */
#define LIMITS_RETRY_AFTER_S 1

struct server;
struct control;
struct request;

/* The peer of a connection: known on the Unix socket (SO_PEERCRED), not on
 * the TCP listener. */
struct peer {
    bool known;
    uid_t uid;
    bool privileged;    /* root, or newsd's own user or group */
};

enum admission {
    ADMIT_GENERAL,
    ADMIT_RESERVED,
    REFUSE_PER_UID,     /* that uid holds LIMITS_PER_UID already */
    REFUSE_FULL,        /* the general pool is full, the reserve not for it */
};

/* The rule, without sockets (the unit tests drive it): a peer that holds
 * same_uid connections asks for one more while general and reserved are
 * taken, in a general pool of general_max. */
enum admission limits_decide(const struct peer *p, unsigned general, unsigned reserved,
                             unsigned same_uid, unsigned general_max);
/* The general pool of a listener that takes max_connections in all. */
unsigned limits_general_max(unsigned max_connections);

/* MHD_OPTION_NOTIFY_CONNECTION, cls = the struct server. */
void limits_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code);
/* A request began on its connection (the first call of the handler) /
 * ended (the completed callback): the deadline runs anew from then on.
 * A request that arrived on a refused connection before the refusal shut
 * it is not served. */
bool limits_attach(struct request *r);   /* false: the connection was refused, close it */
void limits_detach(struct request *r);
void limits_answer_ready(struct request *r);   /* a suspended request's answer is made */
/* Start the server's deadline sweep (s->sweep, initialised by control.c). */
void limits_sweep_start(struct server *s);

enum query_admission { QUERY_RUN, QUERY_WAIT, QUERY_BUSY };
/* An archive query asks for a slot.  QUERY_WAIT: it is queued, suspended,
 * and control_begin_query() starts it when a slot frees. */
enum query_admission limits_query_admit(struct control *c, struct request *r);
/* r's answer is set: give its slot (if it had one) to the next in line. */
void limits_query_end(struct control *c, struct request *r);
/* Shutdown: answer every query still in line. */
void limits_stop(struct control *c);

#endif
