/*
 * Text helpers: encodings, Unicode normalisation, case folding.
 * Pure functions; safe to call from any thread.
 */
#ifndef NEWSD_TEXT_H
#define NEWSD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the code point at p (valid UTF-8: the caller checked) into *cp;
 * returns its length in bytes. */
static inline size_t text_next_cp(const unsigned char *p, int32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0) {
        *cp = ((p[0] & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if ((p[0] & 0xF0) == 0xE0) {
        *cp = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    *cp = ((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    return 4;
}

/*
 * Decode bytes to UTF-8 in NFC.  Valid UTF-8 (a BOM is dropped) is taken as
 * it is; anything else is decoded as Windows-1252, or ISO-8859-1 where
 * Windows-1252 leaves a byte undefined.  CRLF and CR become LF.  The
 * result is stream-safe (UAX #15): a U+034F joiner follows every 30
 * combining marks in a row, which bounds the time normalisation takes.
 * Returns a malloc'd NUL-terminated string and sets *encoding to a static
 * name, or NULL with *err set (malloc'd) on failure.
 */
char *text_to_utf8_nfc(const unsigned char *bytes, size_t len,
                       const char **encoding, char **err);

/* s[0..len) (valid UTF-8 without NUL: the caller checked) as
 * text_to_utf8_nfc() would give it, without the decoding: CRLF and CR
 * become LF, stream-safe, NFC.  malloc'd, NULL when memory runs out. */
char *text_utf8_nfc(const char *s, size_t len);

/* Whether text_utf8_nfc() would give s[0..len) back unchanged, as far as
 * its fast path can tell (no CR, only code points that are NFC alone):
 * false means "maybe not", and the caller normalises. */
bool text_is_nfc_fast(const char *s, size_t len);

/* A copy of s in which every byte that does not start a valid UTF-8
 * sequence is replaced by U+FFFD (malloc'd; never NULL). */
char *text_utf8_repair(const char *s);

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
int text_is_utf8(const unsigned char *s, size_t len);

/* Unicode case folding of a UTF-8 string (ß folds to "ss", so "Schließen"
 * and "SCHLIESSEN" fold alike), stream-safe and in NFC as above.  malloc'd
 * result, NULL when s is not UTF-8 or memory runs out. */
char *text_casefold(const char *s);

/* Case folding as text_casefold() for s[0..len) (valid UTF-8 in NFC)
 * when it uses only the fast path (ASCII, Latin-1 and common punctuation:
 * most words of most news): written NUL-terminated to out, which has room
 * for len + 1 bytes (no fast-path character grows), and its length
 * returned.  SIZE_MAX when s needs text_casefold(). */
size_t text_casefold_fast(const char *s, size_t len, char *out);

/* Word boundaries for whole-word matching: is the code point that ends
 * right before p (in s) / starts at p a letter or a digit? */
int text_is_word_char_before(const char *s, const char *p);
int text_is_word_char_at(const char *p);

#endif
