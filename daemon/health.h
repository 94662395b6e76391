/*
 * What is wrong with newsd now, for GET /health, the "health" field of
 * /status and `newsctl health` (docs/api.md).
 *
 * Any part of the daemon, on any thread, registers a problem under a key
 * of its own ("folder:work", "claim", "stall:claim") and clears it when
 * the cause is gone; the control side renders the list.  Two kinds:
 *
 *   a problem   health_set(): holds until health_clear() of its key;
 *   an incident health_incident(): a fault newsd repaired by itself (a
 *               deleted folder made again).  It is reported for the hold
 *               time (health_hold_s) and then drops out, so that a monitor
 *               polling every minute still sees that something happened.
 *
 * Setting a key again replaces its text and keeps the time it was first
 * set; an incident set on a key that holds a problem turns it into an
 * incident (the fault was repaired).
 */
#ifndef NEWSD_HEALTH_H
#define NEWSD_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include <newsd/plugin.h>

#define HEALTH_KEY_MAX 48
#define HEALTH_TEXT_MAX 400

struct health_problem {
    char key[HEALTH_KEY_MAX];
    char text[HEALTH_TEXT_MAX];   /* UTF-8, one line, for a person */
    int64_t since_ms;             /* wall clock: when the key was first set */
    int64_t until_ms;             /* wall clock: an incident's end; 0 for a problem */
};

void health_set(const char *key, const char *fmt, ...) NEWSD_PRINTF(2, 3);
void health_incident(const char *key, const char *fmt, ...) NEWSD_PRINTF(2, 3);
void health_clear(const char *key);
/* 1 when key is registered (as a problem or an incident still held). */
int health_has(const char *key);

/* How long an incident is reported; 0 drops incidents at once (they are
 * still logged).  Applies to incidents registered from now on. */
void health_set_hold(unsigned seconds);

/* The current problems, oldest first, incidents past their hold dropped:
 * *out is a malloc'd copy (free() it; NULL when there are none).  Returns
 * their number. */
size_t health_snapshot(struct health_problem **out);

/* Forget everything (tests; the daemon's exit). */
void health_reset(void);

#endif
