/*
 * anchors.h - where in a long body a snippet unit's match can start, found
 * from the bytes alone (no tokenizing), so that snippet.c tokenizes only
 * the stretches that can hold the best fragment.
 *
 * A token can match a unit only where the body holds, at the start of a
 * word, the unit's term or the start of its stem (Snowball rewrites only
 * the end of a word: a stem is the start of the words that stem to it but
 * for its last letter, y -> i or a restored e; dying -> die), in ASCII of
 * any case, or written with letters that NFKC and case folding turn into
 * those bytes (fullwidth forms, ligatures, ß): such a word is folded as
 * the tokenizer folds it and compared. An anchor is such a place, with the
 * units whose match may start there: a superset of the matches (the
 * tokenizer has the last word), never missing one.
 */
#ifndef QUIRE_ANCHORS_H
#define QUIRE_ANCHORS_H

#include <stddef.h>
#include <stdint.h>

#include "render/snippet.h"
#include "strbuf.h"

/* Units beyond this many are not told apart by anchors (the caller
 * tokenizes the body whole). */
#define QUIREI_ANCHOR_MAX_UNITS 64
#define QUIREI_MAX_NEEDLES 32

typedef struct quirei_needle {
    const char *s;  /* ASCII, lower case */
    size_t len;
    uint64_t units; /* bit u: unit u's match may start with these bytes */
} quirei_needle;

typedef struct quirei_anchor {
    size_t at;      /* byte offset of a word start in the body */
    size_t end;     /* a match holding the word there ends here or later */
    uint64_t units; /* the units whose match may hold the word there (a
                       TERM match starts at it, a PHRASE match holds it) */
    int exact;      /* 0 here; the caller sets it when it knows `units` are
                       exactly the units of the one token starting there */
} quirei_anchor;

/*
 * What the matches of units[0..nunits) start with, into v[0..QUIREI_MAX_NEEDLES)
 * (*n of them): each TERM unit's terms and (`want_stems`) stems, but for
 * a stem its last letter; of a term not all ASCII, its ASCII start; of a
 * PHRASE unit, its longest term. In *margin: the bytes a match may start
 * before its needle (a phrase's window of words), at least `base`.
 * Stop-word TERM units get no needle (they count only next to another
 * match). Returns 0, or -1 when that cannot be said (a term starting with
 * a letter not in ASCII, a phrase window over 64 words, more than
 * QUIREI_ANCHOR_MAX_UNITS units or QUIREI_MAX_NEEDLES needles): the caller
 * then tokenizes the body whole.
 */
int quirei_unit_needles(const quirei_unit *units, size_t nunits, int want_stems, size_t base,
                        quirei_needle *v, size_t *n, size_t *margin);

/*
 * Append to `out` (quirei_anchor[], in order of `at`) the anchors of
 * body[0..len) that start in [from, to), at most `max` in all (the rest
 * are dropped: *capped is set). Returns 0, or -1 when out of memory.
 */
int quirei_find_anchors(const char *body, size_t len, size_t from, size_t to,
                        const quirei_needle *nd, size_t nn, size_t max, quirei_buf *out,
                        int *capped);

#endif
