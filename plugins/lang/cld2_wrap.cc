/*
 * The one C++ file of the lang plugin: CLD2 behind the extern "C" functions
 * of cld2_wrap.h.  No exception may cross into C, so every entry catches.
 */
#include "cld2_wrap.h"

#include <climits>
#include <cstdio> /* compact_lang_det.h uses FILE without including it */
#include <cstring>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

namespace {

/* CLD2 keeps a few codes that ISO 639-1 withdrew (iw, jw) and writes
 * variants with a script or region ("zh-Hant", "sr-ME").  The plugin gives
 * ISO 639-1 primary codes, so both are mapped. */
void code_of(CLD2::Language lang, char out[LANG_CODE_MAX])
{
    out[0] = '\0';
    if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE)
        return;
    const char *c = CLD2::LanguageCode(lang);
    /* "xx-Latn": a script with no language; zz*, tlh: CLD2's joke
     * languages (Bork, Pig Latin, Klingon); never a news article's. */
    if (!c || !*c || strncmp(c, "xx", 2) == 0 || strncmp(c, "zz", 2) == 0 ||
        strcmp(c, "tlh") == 0 || strcmp(c, "un") == 0)
        return;
    if (strcmp(c, "iw") == 0)
        c = "he";
    else if (strcmp(c, "jw") == 0)
        c = "jv";
    size_t n = strcspn(c, "-");
    if (n >= LANG_CODE_MAX)
        return;
    memcpy(out, c, n);
    out[n] = '\0';
}

} // namespace

extern "C" int lang_cld2_detect(const char *text, size_t len, const char *hint, struct lang_cld2_result *out)
{
    if (!out || (!text && len > 0) || len > INT_MAX)
        return -1;
    *out = lang_cld2_result{};
    if (len == 0)
        return 0;
    try {
        CLD2::CLDHints hints = {hint, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
        CLD2::Language lang3[3];
        int percent3[3];
        double score3[3];
        int text_bytes = 0;
        bool reliable = false;
        /* Best effort: CLD2 otherwise says "unknown" for most text under
         * about 200 bytes; the plugin judges short text itself
         * (min_chars).  Not the CheckUTF8 variant: it refuses valid UTF-8
         * that is not "interchange valid" (control characters such as
         * U+0001 or U+0085, noncharacters such as U+FFFE), which an
         * article may hold; the caller checks that the text is UTF-8. */
        CLD2::ExtDetectLanguageSummary(text, (int)len, true, &hints, CLD2::kCLDFlagBestEffort, lang3,
                                       percent3, score3, nullptr, &text_bytes, &reliable);
        for (int i = 0; i < 3; i++) {
            code_of(lang3[i], out->code[i]);
            out->percent[i] = out->code[i][0] ? percent3[i] : 0;
        }
        out->text_bytes = text_bytes;
        out->reliable = reliable;
        return 0;
    } catch (...) {
        return -1;
    }
}

extern "C" int lang_cld2_canonical(const char *code, char out[LANG_CODE_MAX])
{
    out[0] = '\0';
    if (!code || !*code)
        return 0;
    try {
        code_of(CLD2::GetLanguageFromName(code), out);
        return out[0] != '\0';
    } catch (...) {
        return 0;
    }
}
