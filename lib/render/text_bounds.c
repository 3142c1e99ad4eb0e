/*
 * text_bounds.c - where words and sentences of UTF-8 text begin and end,
 * for fragments and quotes (see text_bounds.h).
 */
#include "render/text_bounds.h"

#include <stdint.h>
#include <utf8proc.h>

#include "utf8.h"

/* How far to look for the whitespace around a word before giving up and
 * cutting at a token edge (a base64 blob or CJK text has no spaces). */
#define WORD_REACH 64
/* Closing quotes/brackets after a sentence end; a bound keeps a run of
 * thousands of ')' from making each check expensive. */
#define MAX_CLOSERS 8

/* Length of the character ending exactly at i that at() measures (1, 2 or
 * 3 bytes, as at() gives them), or 0. */
static inline size_t len_before(const unsigned char *b, size_t len, size_t i,
                                size_t (*at)(const unsigned char *, size_t, size_t))
{
    if (i >= 1 && b[i - 1] < 0x80)
        return at(b, len, i - 1);
    if (i >= 2 && at(b, len, i - 2) == 2)
        return 2;
    if (i >= 3 && at(b, len, i - 3) == 3)
        return 3;
    return 0;
}

size_t quirei_ws_len_before(const unsigned char *b, size_t len, size_t i)
{
    return len_before(b, len, i, quirei_ws_len_at);
}

size_t quirei_skip_ws(const unsigned char *b, size_t len, size_t i, size_t limit)
{
    size_t n;
    while (i < limit && (n = quirei_ws_len_at(b, len, i)) > 0)
        i += n;
    return i < limit ? i : limit;
}

static int is_ellipsis(const unsigned char *b, size_t len, size_t i)
{
    return i + 2 < len && b[i] == 0xE2 && b[i + 1] == 0x80 && b[i + 2] == 0xA6;
}

static size_t terminal_len_at(const unsigned char *b, size_t len, size_t i)
{
    if (b[i] == '.' || b[i] == '!' || b[i] == '?')
        return 1;
    return is_ellipsis(b, len, i) ? 3 : 0;
}

static size_t closer_len_at(const unsigned char *b, size_t len, size_t i)
{
    unsigned c = b[i];
    if (c == '"' || c == '\'' || c == ')' || c == ']')
        return 1;
    if (c == 0xC2 && i + 1 < len && b[i + 1] == 0xBB) /* » */
        return 2;
    if (c == 0xE2 && i + 2 < len && b[i + 1] == 0x80 && (b[i + 2] == 0x9D || b[i + 2] == 0x99))
        return 3; /* ” ’ */
    return 0;
}

static size_t closer_len_before(const unsigned char *b, size_t len, size_t i)
{
    return len_before(b, len, i, closer_len_at);
}

static int lowercase_at(const unsigned char *b, size_t len, size_t i)
{
    if (b[i] < 0x80)
        return b[i] >= 'a' && b[i] <= 'z';
    int32_t cp;
    int bad;
    quirei_utf8_decode(b + i, len - i, &cp, &bad);
    return !bad && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

/*
 * Does a sentence end just before the whitespace at w? It does after . ! ?
 * or … (plus closing quotes/brackets), except that '.' or '…' followed by a
 * lowercase word is an abbreviation ("U.S. officials", "e.g. this") or a
 * trailing-off, not an end.
 */
static int sentence_end_before(const unsigned char *b, size_t len, size_t w)
{
    size_t e = w;
    for (int n = 0; n < MAX_CLOSERS; n++) {
        size_t cl = closer_len_before(b, len, e);
        if (!cl)
            break;
        e -= cl;
    }
    int weak;
    if (e >= 1 && (b[e - 1] == '!' || b[e - 1] == '?'))
        weak = 0;
    else if (e >= 1 && b[e - 1] == '.')
        weak = 1;
    else if (e >= 3 && is_ellipsis(b, len, e - 3))
        weak = 1;
    else
        return 0;
    if (!weak)
        return 1;
    size_t i = w, n;
    while (i < len && (n = quirei_ws_len_at(b, len, i)) > 0) {
        if (b[i] == '\n')
            return 1;
        i += n;
    }
    return i >= len || !lowercase_at(b, len, i);
}

/* Is i the first byte after a sentence break (or the body start)? */
static int sentence_start_at(const unsigned char *b, size_t len, size_t i)
{
    if (i == 0 || b[i - 1] == '\n')
        return 1;
    size_t wl = quirei_ws_len_before(b, len, i);
    if (!wl)
        return 0;
    size_t w = i - wl;
    /* Only the first whitespace after the punctuation needs the check; the
     * rest of the run leads to the same sentence start. */
    return quirei_ws_len_before(b, len, w) == 0 && sentence_end_before(b, len, w);
}

/* Start of the sentence holding p, looking back at most `reach` bytes;
 * SIZE_MAX when it is further away. Leading whitespace is skipped. */
size_t quirei_sentence_start(const unsigned char *b, size_t len, size_t p, size_t reach)
{
    for (size_t i = p;; i--) {
        if (sentence_start_at(b, len, i))
            return quirei_skip_ws(b, len, i, p);
        if (i == 0 || p - i >= reach)
            return SIZE_MAX;
    }
}

/* End (exclusive) of the sentence that continues at p: after its final
 * punctuation and closers, or at the next newline / body end. */
size_t quirei_sentence_end(const unsigned char *b, size_t len, size_t p)
{
    size_t i = p;
    while (i < len) {
        if (b[i] == '\n')
            break;
        size_t tl = terminal_len_at(b, len, i);
        if (!tl) {
            i++;
            continue;
        }
        size_t j = i + tl;
        while (j < len && (tl = terminal_len_at(b, len, j)) > 0) /* "?!", "..." */
            j += tl;
        for (int n = 0; n < MAX_CLOSERS && j < len; n++) {
            size_t cl = closer_len_at(b, len, j);
            if (!cl)
                break;
            j += cl;
        }
        if (j >= len || (quirei_ws_len_at(b, len, j) && sentence_end_before(b, len, j)))
            return j;
        i = j;
    }
    size_t wl;
    while (i > p && (wl = quirei_ws_len_before(b, len, i)) > 0)
        i -= wl;
    return i;
}

/* Start of the whitespace-delimited word holding p, or p itself when the
 * word is too long to be worth keeping whole. */
size_t quirei_word_start(const unsigned char *b, size_t len, size_t p)
{
    for (size_t i = p; p - i <= WORD_REACH; i--) {
        if (i == 0 || quirei_ws_len_before(b, len, i))
            return i;
    }
    return p;
}

/* The first sentence start in [p, p + QUIREI_SENTENCE_REACH], else the first word
 * start at or after p; never past `limit` (a word start itself). Moving
 * forward keeps the fragment within its length. */
size_t quirei_later_start(const unsigned char *b, size_t len, size_t p, size_t limit)
{
    for (size_t i = p; i < limit && i - p <= QUIREI_SENTENCE_REACH; i++)
        if (sentence_start_at(b, len, i))
            return i;
    for (size_t i = p; i < limit; i++)
        if (i == 0 || quirei_ws_len_before(b, len, i))
            return i;
    return limit;
}

/* A cut point for a fragment that should end near `limit` (< content end):
 * the end of the word straddling it, or the end of the previous word, or,
 * inside an endless run of non-space text, a character boundary. */
size_t quirei_fragment_end(const unsigned char *b, size_t len, size_t fs, size_t limit)
{
    if (quirei_ws_len_at(b, len, limit) || quirei_ws_len_before(b, len, limit))
        return limit;
    for (size_t i = limit + 1; i <= len && i - limit <= WORD_REACH; i++)
        if (i == len || quirei_ws_len_at(b, len, i))
            return i;
    for (size_t i = limit; i > fs; i--)
        if (quirei_ws_len_at(b, len, i))
            return i;
    /* Prefer to cut after punctuation, which at least separates tokens. */
    size_t cut = limit;
    for (size_t i = limit; i > fs && limit - i < WORD_REACH; i--) {
        unsigned c = b[i - 1];
        if (c < 0x80 && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !(c >= '0' && c <= '9')) {
            cut = i;
            break;
        }
    }
    for (int n = 0; n < 3 && cut > fs && (b[cut] & 0xC0) == 0x80; n++)
        cut--;
    return cut > fs ? cut : limit;
}

