/*
 * libmicrohttpd, opened with dlopen() when an HTTP server is first needed
 * rather than linked: it brings GnuTLS, p11-kit, GMP, libunistring,
 * libidn2, libtasn1 and libffi, ~2.3 MB of resident pages (GnuTLS sets
 * itself up when loaded), into a daemon that the default config never
 * asks over HTTP (docs/architecture.md, "Memory").  metrics_listen and
 * web_listen load it at start, so that a missing library is a start-up
 * error; the control socket loads it on its first connection.
 *
 * The control API's files (control_internal.h) include this after
 * <microhttpd.h> with MHD_LOAD_CALLS defined, which turns their MHD_...()
 * calls into calls through mhd_api.
 */
#ifndef NEWSD_MHD_LOAD_H
#define NEWSD_MHD_LOAD_H

#include <microhttpd.h>

#define MHD_LOAD_FUNCTIONS(X) \
    X(MHD_start_daemon) X(MHD_stop_daemon) X(MHD_run) X(MHD_get_timeout) X(MHD_get_daemon_info) \
    X(MHD_add_connection) X(MHD_get_connection_info) X(MHD_lookup_connection_value) \
    X(MHD_suspend_connection) X(MHD_resume_connection) X(MHD_create_response_from_buffer) \
    X(MHD_add_response_header) X(MHD_queue_response) X(MHD_destroy_response) X(MHD_http_unescape)

struct mhd_api {
#define MHD_LOAD_MEMBER(f) __typeof__(f) *f;
    MHD_LOAD_FUNCTIONS(MHD_LOAD_MEMBER)
#undef MHD_LOAD_MEMBER
};

/* Filled by mhd_load(); read only after it returned 0. */
extern struct mhd_api mhd_api;

/* Load libmicrohttpd, from the loop thread: 0, or -1 with *why (this
 * thread's string, good until its next call) naming the library and the cause.
 * Once loaded it stays for the life of the process; after a failure the
 * next call tries again (the package may have been installed since). */
int mhd_load(const char **why);

#ifdef MHD_LOAD_CALLS
#define MHD_start_daemon mhd_api.MHD_start_daemon
#define MHD_stop_daemon mhd_api.MHD_stop_daemon
#define MHD_run mhd_api.MHD_run
#define MHD_get_timeout mhd_api.MHD_get_timeout
#define MHD_get_daemon_info mhd_api.MHD_get_daemon_info
#define MHD_add_connection mhd_api.MHD_add_connection
#define MHD_get_connection_info mhd_api.MHD_get_connection_info
#define MHD_lookup_connection_value mhd_api.MHD_lookup_connection_value
#define MHD_suspend_connection mhd_api.MHD_suspend_connection
#define MHD_resume_connection mhd_api.MHD_resume_connection
#define MHD_create_response_from_buffer mhd_api.MHD_create_response_from_buffer
#define MHD_add_response_header mhd_api.MHD_add_response_header
#define MHD_queue_response mhd_api.MHD_queue_response
#define MHD_destroy_response mhd_api.MHD_destroy_response
#define MHD_http_unescape mhd_api.MHD_http_unescape
#endif

#endif
