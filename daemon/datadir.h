/*
 * The data folder: files newsd reads at run time that are not
 * configuration (the stop-word lists, DATA_DIR/stopwords/LANG.txt).
 *
 * Looked up as the plugin folder is: [daemon] data_dir, then the
 * environment's NEWSD_DATA_DIR, then beside an uninstalled binary
 * (build/daemon/newsd → build/data, so `make run` and the tests work from
 * the build tree), then the installed DATADIR/newsd.
 */
#ifndef NEWSD_DATADIR_H
#define NEWSD_DATADIR_H

/* Set the configured folder ([daemon] data_dir; NULL for none).  Called
 * on the main thread before any analysis; the folder is then fixed for
 * the life of the process (later calls change nothing once it was used). */
void datadir_configure(const char *configured);

/* The data folder (resolved once, on first use; thread-safe). */
const char *datadir_get(void);

#endif
