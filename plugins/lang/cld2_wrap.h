/*
 * A C face for CLD2 (Compact Language Detector 2, libcld2), which is C++.
 * Only cld2_wrap.cc includes CLD2's headers; the plugin stays C.
 */
#ifndef LANG_CLD2_WRAP_H
#define LANG_CLD2_WRAP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Room for a code and its NUL ("de", "haw"; CLD2's longest is 7 bytes). */
#define LANG_CODE_MAX 16

/* CLD2's summary of a text: its three main languages, best first.  A code
 * is ISO 639-1 where one exists ("he", not CLD2's old "iw"; "zh" for both
 * Chinese scripts), else CLD2's ISO 639-2/3 code; "" when CLD2 found none
 * (no language, or only script-level or joke languages). */
struct lang_cld2_result {
    char code[3][LANG_CODE_MAX];
    int percent[3];   /* share of the scored text in that language, 0..100 */
    int text_bytes;   /* bytes of letters CLD2 scored */
    int reliable;     /* CLD2's own verdict: enough text, no close second */
};

/* Identify len bytes of plain text, which must be valid UTF-8 without NUL
 * bytes (CLD2 does not check; lang_identify() does).  hint: a
 * comma-separated list of codes that CLD2 should favour ("de,en"), or NULL.
 * Returns 0, or -1 when out is NULL, text is NULL (with len > 0) or longer
 * than INT_MAX, or CLD2 failed (out of memory). */
int lang_cld2_detect(const char *text, size_t len, const char *hint, struct lang_cld2_result *out);

/* 1 when CLD2 knows code as a language it can name ("de", "he", "iw"), with
 * the code as lang_cld2_detect() writes it in out ("iw" gives "he"); else 0.
 * Codes are lower case. */
int lang_cld2_canonical(const char *code, char out[LANG_CODE_MAX]);

#ifdef __cplusplus
}
#endif

#endif
