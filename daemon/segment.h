/*
 * Segmentation: the tokens and sentences of an analysis's text
 * (plugin.h, "the text layer", says what stays together and where
 * sentences end).  Fills offset, length, kind, flags (all but STOPWORD)
 * and sentence of each token, and the sentences; the strings are the
 * caller's (analysis.c).
 */
#ifndef NEWSD_SEGMENT_H
#define NEWSD_SEGMENT_H

#include "analysis.h"

/* Segment an->text[0..an->len) (valid UTF-8, NFC, no NUL) for an->lang,
 * the first an->title_len bytes being the title.  Returns 0, or -1 when
 * memory runs out (what was filled is then the caller's to free). */
int segment_text(struct newsd_analysis *an);

#endif
