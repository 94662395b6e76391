/* newsd: command line and mode dispatch. */
#include "check_config.h"
#include "config.h"
#include "crash_report.h"
#include "daemon.h"
#include "learn.h"
#include "log.h"
#include "malloc_tune.h"
#include "plugins.h"
#include "try.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CONFIG "/etc/newsd/newsd.ini"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: newsd [-c FILE] [--state-dir DIR] [--log-level LEVEL] [--allow-root]\n"
            "       newsd --check-config [-c FILE]\n"
            "       newsd --try ARTICLE [ARTICLE...] [-c FILE]\n"
            "       newsd learn --model NAME --labels TSV | --eval TSV [--folds K] (newsd learn --help)\n"
            "\n"
            "  -c, --config FILE     configuration (default " DEFAULT_CONFIG ")\n"
            "      --state-dir DIR   put inbox/, work/, failed/, archive/ under DIR\n"
            "      --log-level L     error, warning, notice, info or debug\n"
            "      --control-socket PATH  the control API's Unix socket (default STATE_DIR/control.sock)\n"
            "      --allow-root      run the daemon as root (refused without it)\n"
            "      --check-config    load the configuration and every plugin, run each plugin's init\n"
            "                        (archives open and check their database) and fini,\n"
            "                        then exit 0 or 1\n"
            "      --try ARTICLE     run the pipeline on one file and print the record as JSON;\n"
            "                        with more files, one compact record per line\n"
            "  -V, --version         print the version\n"
            "  -h, --help            this text\n");
}

int main(int argc, char **argv)
{
    enum { OPT_STATE_DIR = 256, OPT_CHECK, OPT_TRY, OPT_LOG_LEVEL, OPT_CONTROL_SOCKET, OPT_ALLOW_ROOT };
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"state-dir", required_argument, NULL, OPT_STATE_DIR},
        {"check-config", no_argument, NULL, OPT_CHECK},
        {"try", required_argument, NULL, OPT_TRY},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"control-socket", required_argument, NULL, OPT_CONTROL_SOCKET},
        {"allow-root", no_argument, NULL, OPT_ALLOW_ROOT},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *config = NULL, *state_dir = NULL, *try_path = NULL, *control_socket = NULL;
    int check = 0, level = -1, allow_root = 0, c;

    /* A subcommand with options of its own: the topics trainer. */
    if (argc > 1 && strcmp(argv[1], "learn") == 0) {
        signal(SIGPIPE, SIG_IGN);
        log_init();
        return learn_main(argc - 1, argv + 1, DEFAULT_CONFIG);
    }

    while ((c = getopt_long(argc, argv, "c:Vh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case OPT_STATE_DIR: state_dir = optarg; break;
        case OPT_CONTROL_SOCKET: control_socket = optarg; break;
        case OPT_CHECK: check = 1; break;
        case OPT_ALLOW_ROOT: allow_root = 1; break;
        case OPT_TRY: try_path = optarg; break;
        case OPT_LOG_LEVEL:
            level = log_level_parse(optarg);
            if (level < 0) {
                fprintf(stderr, "newsd: --log-level %s: expected error, warning, notice, info or debug\n", optarg);
                return 2;
            }
            break;
        case 'V': printf("newsd %s (plugin ABI %d.%d)\n", NEWSD_VERSION, NEWSD_ABI_MAJOR, NEWSD_ABI_MINOR); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc && !try_path) {
        fprintf(stderr, "newsd: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }

    malloc_tune();
    /* A log reader that went away must not kill the daemon: write() then
     * fails with EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);
    log_init();
    if (try_path) {
        crash_report_install();
        /* Plugin authors want to see what each plugin did. */
        log_set_level(level >= 0 ? level : NEWSD_LOG_DEBUG);
        if (!config && access(DEFAULT_CONFIG, R_OK) == 0)
            config = DEFAULT_CONFIG;
        /* More files after the first: --try a.txt b.txt ... (a shell glob). */
        return try_files(try_path, (const char *const *)argv + optind, (size_t)(argc - optind), config,
                         state_dir);
    }
    if (level >= 0)
        log_set_level(level);
    if (!config)
        config = DEFAULT_CONFIG;
    if (check) {
        crash_report_install();
        return check_config(config, state_dir);
    }
    /* The daemon parses what strangers wrote (scraped pages, feeds) and
     * runs plugins; none of it needs root, so root is a mistake until the
     * operator says otherwise.  --try and --check-config change nothing
     * and stay allowed. */
    if (geteuid() == 0 && !allow_root) {
        fprintf(stderr, "newsd: refusing to run as root: nothing newsd does needs it, and it parses "
                        "untrusted input. Run it as its own user (the systemd unit uses User=newsd; "
                        "make install creates it with systemd-sysusers), or pass --allow-root if you "
                        "mean it\n");
        return 1;
    }
    crash_report_install();
    return daemon_run(config, state_dir, level, control_socket);
}
