/* glibc's malloc settings of the daemon (trim threshold, one arena),
 * unless the environment sets them.  In a function of its own so that the
 * in-process benchmarks run the plugins on the heap the daemon gives them:
 * without it, analysis_bench handed its per-article scratch back to the
 * kernel after every article and faulted it in again, which the daemon
 * does not. */
#ifndef NEWSD_MALLOC_TUNE_H
#define NEWSD_MALLOC_TUNE_H

void malloc_tune(void);

#endif
