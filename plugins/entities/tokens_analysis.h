/* The text layer's tokens as struct ent_toks: the one place that reads a
 * newsd_analysis (include/newsd/plugin.h, "the text layer"). */
#ifndef ENTITIES_TOKENS_ANALYSIS_H
#define ENTITIES_TOKENS_ANALYSIS_H

#include "matcher.h"
#include "tokens.h"

#include <newsd/plugin.h>

/* Fill out with an's tokens (strings point into an).  0, or -1. */
int tokens_from_analysis(const newsd_analysis *an, struct ent_toks *out);
/* A tokeniser for gazetteer names: newsd_analysis_new() in the match
 * language, so that names split exactly as article text does. */
extern const struct ent_tokeniser tokens_analysis_tokeniser;

#endif
