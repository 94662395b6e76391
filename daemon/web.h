/*
 * The web dashboard: HTML pages over an opt-in TCP listener
 * ([daemon] web_listen), served by the control API's libmicrohttpd (see
 * control.h) and answered on the loop thread by web.c.
 *
 * Security, because articles are scraped and hostile:
 * - every request but /login needs the token of STATE_DIR/web.token, as
 *   the cookie newsd_web (set by /login?token=..., which `newsctl web-url`
 *   prints) or as "Authorization: Bearer TOKEN"; else 401;
 * - every state-changing request is a POST carrying the CSRF token of the
 *   pages' forms (random per daemon start); else 403;
 * - every answer carries a Content-Security-Policy without inline script,
 *   frame-ancestors 'none', and X-Content-Type-Options: nosniff; every
 *   outside field is escaped (web_html.h);
 * - web_listen is loopback unless newsd speaks HTTPS itself (web_tls_cert,
 *   web_tls_key) or [daemon] web_behind_proxy = true says a reverse proxy
 *   terminates TLS in front of it.
 */
#ifndef NEWSD_WEB_H
#define NEWSD_WEB_H

#include <stdbool.h>

/* Whether addr may be listened on: numeric, and loopback unless
 * encrypted (newsd's own TLS, or a reverse proxy's).  Returns 0, or -1
 * with *err (malloc'd, "web_listen = ...: why"). */
int web_listen_check(const char *addr, bool encrypted, char **err);

struct web;

/* Load (or make) the token of state_dir; secure: the browser reaches
 * newsd over TLS (its cookie is marked Secure).  Returns 0, or -1 with *err. */
int web_open(struct web **out, const char *state_dir, bool secure, char **err);
void web_close(struct web *w);

struct status_snapshot;
/* Note the counters of snap in the per-minute history (web_history.h);
 * the control side calls it every WEB_SAMPLE_MS. */
#define WEB_SAMPLE_MS 5000
void web_sample(struct web *w, const struct status_snapshot *snap);
/* Write the counts to STATE_DIR/trends.dat (trends_file.h); web_sample()
 * does every TRENDS_FILE_SAVE_MS, the control side once more when newsd
 * stops.  A failure is logged: the counts stay in memory. */
void web_save(struct web *w);

#endif
