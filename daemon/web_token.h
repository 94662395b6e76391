/*
 * The web dashboard's secrets: the access token, kept 0600 in
 * STATE_DIR/web.token (made at the first start with web_listen, printed by
 * `newsctl web-url`), and the random values compared against what a
 * browser sends.
 */
#ifndef NEWSD_WEB_TOKEN_H
#define NEWSD_WEB_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/* 32 random bytes as lowercase hex. */
#define WEB_TOKEN_HEX 64
#define WEB_TOKEN_FILE "web.token"

/* Fill out (WEB_TOKEN_HEX + 1 bytes) with a fresh random token.  Returns 0
 * or -errno (getrandom). */
int web_token_random(char out[WEB_TOKEN_HEX + 1]);
/* Read STATE_DIR/web.token into out, making it first when it is missing;
 * a token file that others may read is made 0600 again.  Returns 0, or -1
 * with *err (malloc'd) naming the file and the cause. */
int web_token_load(const char *state_dir, char out[WEB_TOKEN_HEX + 1], char **err);
/* given equals the token, in time that does not depend on where they
 * differ; NULL is never equal. */
bool web_token_matches(const char *token, const char *given);

#endif
