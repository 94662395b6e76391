/* newsctl: HTTP over the control socket (see client.h). */
#include "client.h"
#include "xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOW_TO_START "start it with `systemctl start newsd` (or `newsd -c FILE` in the foreground)"

static size_t on_data(char *ptr, size_t size, size_t n, void *ud)
{
    struct reply *r = ud;
    size_t add = size * n;
    char *b = realloc(r->body, r->len + add + 1);
    if (!b)
        return 0;
    memcpy(b + r->len, ptr, add);
    r->body = b;
    r->len += add;
    b[r->len] = '\0';
    return add;
}

/* Say why the socket cannot be used, before curl hides it behind "could
 * not connect". */
static int check_socket(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        if (errno == ENOENT)
            fprintf(stderr, "newsctl: newsd is not running: there is no control socket at %s; %s, "
                            "or point newsctl at its socket with -s SOCKET or -d STATE_DIR\n",
                    path, HOW_TO_START);
        else if (errno == EACCES)
            fprintf(stderr, "newsctl: cannot reach %s: permission denied on a folder on the way; "
                            "run newsctl as a member of newsd's group or as root\n", path);
        else
            fprintf(stderr, "newsctl: cannot reach %s: %s\n", path, strerror(errno));
        return EXIT_CONNECT;
    }
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "newsctl: %s is not a socket; is that newsd's control_socket?\n", path);
        return EXIT_CONNECT;
    }
    return EXIT_OK;
}

int client_request(const char *socket_path, const char *method, const char *path,
                   const char *body, struct reply *out)
{
    char url[4096];
    char err[CURL_ERROR_SIZE] = "";
    int rc = check_socket(socket_path);

    memset(out, 0, sizeof *out);
    if (rc != EXIT_OK)
        return rc;
    CURL *c = curl_easy_init();
    if (!c) {
        fprintf(stderr, "newsctl: cannot initialise libcurl\n");
        return EXIT_CONNECT;
    }
    /* The host name is not used on a Unix socket; it only fills the URL. */
    snprintf(url, sizeof url, "http://newsd%s", path);
    struct curl_slist *headers = NULL;
    /* A Unix socket address holds 107 bytes; a longer path is reached
     * through its folder's /proc/self/fd alias (as newsd binds it). */
    char alias[64];
    int dirfd = -1;
    const char *slash = strrchr(socket_path, '/');
    if (strlen(socket_path) >= 108 && slash && slash != socket_path) {
        char *dir = strndup(socket_path, (size_t)(slash - socket_path));
        dirfd = dir ? open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
        free(dir);
        if (dirfd >= 0 && (size_t)snprintf(alias, sizeof alias, "/proc/self/fd/%d/%s", dirfd, slash + 1) <
                              sizeof alias)
            curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, alias);
        else
            curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket_path);
    } else {
        curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket_path);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    if (body) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    CURLcode cc = curl_easy_perform(c);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
        rc = EXIT_OK;
    } else {
        long os_errno = 0;
        curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
        if (os_errno == ECONNREFUSED)
            fprintf(stderr, "newsctl: newsd is not running: nothing listens on %s (a socket left by a newsd "
                            "that stopped); %s\n", socket_path, HOW_TO_START);
        else if (os_errno == EACCES || os_errno == EPERM)
            fprintf(stderr, "newsctl: permission denied on %s: the socket is for newsd's user and group "
                            "(mode 0660); run newsctl as a member of that group (see ls -l %s) or as root\n",
                    socket_path, socket_path);
        else
            fprintf(stderr, "newsctl: cannot talk to newsd on %s: %s\n", socket_path,
                    *err ? err : curl_easy_strerror(cc));
        reply_free(out);
        rc = EXIT_CONNECT;
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    if (dirfd >= 0)
        close(dirfd);
    if (rc == EXIT_OK && !out->body)
        out->body = xcalloc(1, 1);
    return rc;
}

void reply_free(struct reply *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

char *client_escape(const char *s)
{
    char *e = curl_easy_escape(NULL, s, 0);
    if (!e) {
        fputs("newsctl: out of memory\n", stderr);
        abort();
    }
    char *out = xstrdup(e);
    curl_free(e);
    return out;
}
