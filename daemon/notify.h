/* systemd readiness protocol (sd_notify); silent when not under systemd. */
#ifndef NEWSD_NOTIFY_H
#define NEWSD_NOTIFY_H

#include <newsd/plugin.h>

void notify_ready(void);
void notify_reloading(void);
void notify_stopping(void);
void notify_status(const char *fmt, ...) NEWSD_PRINTF(1, 2);
/* WATCHDOG=1 when the unit has WatchdogSec= (else nothing).  Sent from a
 * loop timer, so a loop that hangs stops sending and systemd restarts
 * newsd. */
void notify_watchdog(void);

#endif
