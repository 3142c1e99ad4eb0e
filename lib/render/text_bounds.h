/*
 * text_bounds.h - where words and sentences of UTF-8 text begin and end:
 * the byte-level rules a snippet's fragment and a hit's quote are cut by
 * (snippet.c).
 *
 * All functions take the text as b[0..len) and byte offsets into it; they
 * allocate nothing, never fail, and read only a bounded stretch around the
 * offset they are given (so their cost does not grow with the text).
 * Whitespace is ASCII space and control characters plus the Unicode spaces
 * HTML extraction leaves behind (U+00A0, U+2000-200A, U+2028/2029, U+202F,
 * U+205F, U+3000). A sentence ends after . ! ? or … (and closing quotes or
 * brackets) followed by whitespace, except that '.' or '…' before a
 * lowercase word is an abbreviation or a trailing-off; a newline also ends
 * one.
 */
#ifndef QUIRE_TEXT_BOUNDS_H
#define QUIRE_TEXT_BOUNDS_H

#include <stddef.h>

/* Starting at the sentence start reads better, but not at the price of
 * pushing matches out of the fragment: how far to look for one. */
#define QUIREI_SENTENCE_REACH 60

/* Whitespace, including the Unicode spaces HTML extraction leaves behind
 * (&nbsp; and friends) and control characters, which have no place in a
 * displayed snippet. Returns the length in bytes of the whitespace character at b[i] (i < len),
 * 0 if there is none. Inline: it runs for every byte of a fragment. */
static inline size_t quirei_ws_len_at(const unsigned char *b, size_t len, size_t i)
{
    unsigned c = b[i];
    if (c < 0x80)
        return c <= 0x20 || c == 0x7F;
    if (c == 0xC2)
        return i + 1 < len && b[i + 1] == 0xA0 ? 2 : 0;
    if (i + 2 >= len)
        return 0;
    unsigned c1 = b[i + 1], c2 = b[i + 2];
    if (c == 0xE2 && c1 == 0x80 &&
        ((c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF))
        return 3;
    if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F)
        return 3;
    if (c == 0xE3 && c1 == 0x80 && c2 == 0x80)
        return 3;
    return 0;
}


/* Length of the whitespace character ending exactly at i, or 0. */
size_t quirei_ws_len_before(const unsigned char *b, size_t len, size_t i);

/* The first non-whitespace offset in [i, limit), or limit. */
size_t quirei_skip_ws(const unsigned char *b, size_t len, size_t i, size_t limit);

/* Start of the sentence holding p, looking back at most `reach` bytes;
 * SIZE_MAX when it is further away. Leading whitespace is skipped. */
size_t quirei_sentence_start(const unsigned char *b, size_t len, size_t p, size_t reach);

/* End (exclusive) of the sentence that continues at p: after its final
 * punctuation and closers, or at the next newline / text end. */
size_t quirei_sentence_end(const unsigned char *b, size_t len, size_t p);

/* Start of the whitespace-delimited word holding p, or p itself when the
 * word is too long to be worth keeping whole. */
size_t quirei_word_start(const unsigned char *b, size_t len, size_t p);

/* The first sentence start in [p, p + QUIREI_SENTENCE_REACH], else the
 * first word start at or after p; never past `limit` (a word start
 * itself). */
size_t quirei_later_start(const unsigned char *b, size_t len, size_t p, size_t limit);

/* A cut point for a fragment [fs, ...) that should end near `limit` (<
 * len): the end of the word straddling it, or the end of the previous word,
 * or, inside an endless run of non-space text, a character boundary. */
size_t quirei_fragment_end(const unsigned char *b, size_t len, size_t fs, size_t limit);

#endif
