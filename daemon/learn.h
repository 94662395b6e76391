/* newsd learn: train a topics model from a labels.tsv, or cross-validate one. */
#ifndef NEWSD_LEARN_H
#define NEWSD_LEARN_H

/* argv[0] is "learn".  Returns the exit code: 0, 1 (failed), 2 (usage). */
int learn_main(int argc, char **argv, const char *default_config);

#endif
