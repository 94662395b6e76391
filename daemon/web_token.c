/* The web dashboard's token file and comparisons; see web_token.h. */
#include "web_token.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int web_token_random(char out[WEB_TOKEN_HEX + 1])
{
    unsigned char raw[WEB_TOKEN_HEX / 2];
    size_t got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        got += (size_t)n;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof raw; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[WEB_TOKEN_HEX] = '\0';
    return 0;
}

static bool is_token(const char *s, size_t n)
{
    if (n != WEB_TOKEN_HEX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* Write a new token; O_EXCL, so two starts never hand out different ones. */
static int create_token(const char *path, char out[WEB_TOKEN_HEX + 1], char **err)
{
    int rc = web_token_random(out);
    if (rc < 0) {
        *err = xasprintf("%s: no random bytes for the web token: %s", path, strerror(-rc));
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        *err = xasprintf("%s: cannot create the web token: %s", path, strerror(errno));
        return errno == EEXIST ? 1 : -1;
    }
    char line[WEB_TOKEN_HEX + 1];
    memcpy(line, out, WEB_TOKEN_HEX);
    line[WEB_TOKEN_HEX] = '\n';
    ssize_t n = write(fd, line, sizeof line);
    int werr = n == (ssize_t)sizeof line ? 0 : (n < 0 ? errno : EIO);
    if (!werr && fsync(fd) < 0)
        werr = errno;
    close(fd);
    if (werr) {
        unlink(path);
        *err = xasprintf("%s: cannot write the web token: %s", path, strerror(werr));
        return -1;
    }
    log_notice("web dashboard: made a new access token in %s (newsctl web-url prints the address)", path);
    return 0;
}

static int read_token(const char *path, char out[WEB_TOKEN_HEX + 1], char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        *err = xasprintf("%s: cannot open the web token: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        *err = xasprintf("%s: the web token is not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_mode & 077) {
        /* Anyone who reads it controls the dashboard. */
        if (fchmod(fd, 0600) < 0) {
            *err = xasprintf("%s: readable by others and cannot be made 0600: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        log_warning("web dashboard: %s was readable by others; made it 0600 (consider a new token: remove the "
                    "file and restart)", path);
    }
    char buf[WEB_TOKEN_HEX + 2];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    size_t len = n > 0 ? (size_t)n : 0;
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    if (!is_token(buf, len)) {
        *err = xasprintf("%s: not a web token (64 lowercase hex digits); remove it and restart to get a new one",
                         path);
        return -1;
    }
    memcpy(out, buf, WEB_TOKEN_HEX);
    out[WEB_TOKEN_HEX] = '\0';
    return 0;
}

int web_token_load(const char *state_dir, char out[WEB_TOKEN_HEX + 1], char **err)
{
    char *path = xasprintf("%s/%s", state_dir, WEB_TOKEN_FILE);
    int rc = read_token(path, out, err);
    if (rc == 1) {
        rc = create_token(path, out, err);
        if (rc == 1) {   /* another start made it meanwhile */
            free(*err);
            *err = NULL;
            rc = read_token(path, out, err);
        }
    }
    free(path);
    return rc == 0 ? 0 : -1;
}

bool web_token_matches(const char *token, const char *given)
{
    if (!given || strlen(given) != WEB_TOKEN_HEX)
        return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < WEB_TOKEN_HEX; i++)
        diff |= (unsigned char)(token[i] ^ given[i]);
    return diff == 0;
}
