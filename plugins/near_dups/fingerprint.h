/*
 * near_dups: an article's fingerprint from the text layer.
 *
 * The shingles are runs of ND_SHINGLE consecutive word and number stems
 * within one sentence (a shorter sentence is one shingle); punctuation,
 * case, inflection and the title are left out.  So a new headline, another
 * encoding, other quotes or line breaks and paragraphs in another order
 * change nothing; a dropped sentence or an added footer changes only its
 * own shingles.
 */
#ifndef NEAR_DUPS_FINGERPRINT_H
#define NEAR_DUPS_FINGERPRINT_H

#include <newsd/plugin.h>

#include "minhash.h"

/* The signature of an analysis and the number of words it counted (title
 * left out).  0, or -1 when the analysis cannot be read. */
int nd_fingerprint(const newsd_analysis *an, struct nd_sig *sig, size_t *words);

#endif
