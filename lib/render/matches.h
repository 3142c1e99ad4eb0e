/*
 * matches.h - what snippet.c's scan of a body found (every unit match, in
 * body order), and the two things made from it besides the fragment
 * (quote.c): the runs of query words that highlight as one span, and the
 * sentence that best matches the query, cited as the hit's quote.
 */
#ifndef QUIRE_MATCHES_H
#define QUIRE_MATCHES_H

#include <stddef.h>
#include <stdint.h>

#include "render/snippet.h"
#include "strbuf.h"

typedef struct quirei_match {
    size_t start, end; /* byte span in the body */
    size_t unit;       /* index into the units */
    uint32_t pos;      /* token position (of the last token, for a phrase) */
    int phrase;        /* a PHRASE unit's match */
    int stop;          /* a stop word: of a `stop` TERM unit, or a body token
                          that is one, matched by stem (highlighted only
                          inside a run, never counted) */
} quirei_match;

static inline int quirei_match_is_stop(const quirei_match *m, const quirei_unit *units)
{
    (void)units;
    return m->stop;
}

/*
 * The runs of m[0..n) (sorted by start) in `body`: TERM matches at
 * consecutive token positions, with no . ! ? ; : or newline between two of
 * them, holding at least two matches of words that are not stop words,
 * trimmed of the stop words at their ends. Each is appended to `out` as a
 * quirei_range. Returns their number, or -1 when out of memory.
 */
typedef struct quirei_range {
    size_t start, end;
} quirei_range;

long quirei_match_runs(const char *body, const quirei_match *m, size_t n,
                       const quirei_unit *units, quirei_buf *out);

/*
 * The sentence of body[0..len) that best matches: of the sentences holding
 * a match of m[0..n) (sorted by start), the one with (in this order) the
 * most weight of whole PHRASE matches, the most distinct TERM units that
 * are not stop words, the longest run of them in query (unit) order, the
 * most idf weight; the first of equals. A sentence is cut on word
 * boundaries where it runs on for more than QUIREI_QUOTE_REACH bytes
 * before its first match or after its last. Sets [*qs, *qe) and returns 1;
 * 0 when no sentence holds a match that counts; -1 when out of memory.
 */
#define QUIREI_QUOTE_REACH 400

int quirei_best_sentence(const char *body, size_t len, const quirei_match *m, size_t n,
                         const quirei_unit *units, size_t nunits, size_t *qs, size_t *qe);

/* The first two parts of that sentence's score: the weight of its whole
 * PHRASE matches and its number of distinct TERM units that are not stop
 * words (both 0 when there is none). Returns as quirei_best_sentence(). */
int quirei_best_sentence_score(const char *body, size_t len, const quirei_match *m, size_t n,
                               const quirei_unit *units, size_t nunits, double *phrase,
                               size_t *words);

/* Where a quote's sentence group that has a match ending at p ends (the
 * sentence end, or a word end QUIREI_QUOTE_REACH bytes on): a later match
 * starting before it is in the same group. */
size_t quirei_quote_end(const char *body, size_t len, size_t p);

#endif
