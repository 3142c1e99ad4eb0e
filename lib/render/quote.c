/*
 * quote.c - the runs of query words that highlight as one span, and the
 * sentence a hit is cited by; see matches.h.
 *
 * Both work on the matches snippet.c recorded, in body order, so they cost
 * a pass over the matches plus, for the quote, a look at the bytes around
 * each group of them (the sentence bounds), never a second tokenizing.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "render/matches.h"
#include "render/text_bounds.h"

/* ---- runs ---------------------------------------------------------- */

/* Does the text between two matches, body[a, b), end a sentence or a
 * clause (". ", "; ", a newline)? A run of query words does not cross it:
 * "…clouds. The point is…" are two runs. */
static int breaks_run(const char *body, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (strchr(".!?;:\n", body[i]) && body[i])
            return 1;
    return 0;
}

long quirei_match_runs(const char *body, const quirei_match *m, size_t n,
                       const quirei_unit *units, quirei_buf *out)
{
    long count = 0;
    size_t i = 0;
    while (i < n) {
        if (m[i].phrase) {
            i++;
            continue;
        }
        /* A run: TERM matches at the same or the next position. PART
         * tokens share their compound's position, so they never break
         * one. */
        uint32_t last = m[i].pos, last_word = 0;
        size_t first = SIZE_MAX, end = 0, words = 0, prev_end = m[i].end, j;
        for (j = i; j < n; j++) {
            if (m[j].phrase)
                continue;
            if (j > i && ((m[j].pos != last && m[j].pos != last + 1) ||
                          (m[j].start > prev_end && breaks_run(body, prev_end, m[j].start))))
                break;
            last = m[j].pos;
            prev_end = m[j].end > prev_end ? m[j].end : prev_end;
            if (quirei_match_is_stop(&m[j], units))
                continue;
            if (first == SIZE_MAX)
                first = m[j].start;
            if (!words || m[j].pos != last_word)
                words++;
            last_word = m[j].pos;
            end = m[j].end > end ? m[j].end : end;
        }
        if (words >= 2) {
            quirei_range r = {first, end};
            if (quirei_buf_add(out, &r, sizeof r) < 0)
                return -1;
            count++;
        }
        i = j;
    }
    return count;
}

/* ---- the best sentence --------------------------------------------- */

/* NaN or negative weights would poison every comparison. */
static double unit_weight(const quirei_unit *u)
{
    return u->weight > 0 && u->weight <= DBL_MAX ? u->weight : 0;
}

typedef struct qscore {
    double phrase;       /* weight of the distinct PHRASE units matched (the
                            compiler weighs a phrase by its words) */
    size_t words;        /* distinct TERM units (not stop words) matched */
    size_t order;        /* the longest run of them in query order */
    double weight;       /* their idf weights */
} qscore;

static int qscore_better(const qscore *a, const qscore *b)
{
    if (a->phrase != b->phrase)
        return a->phrase > b->phrase;
    if (a->words != b->words)
        return a->words > b->words;
    if (a->order != b->order)
        return a->order > b->order;
    return a->weight > b->weight + b->weight * 1e-9;
}

/* The end of the sentence that continues at p, or, when it runs on past
 * QUIREI_QUOTE_REACH bytes, the end of the word there. */
static size_t bounded_end(const unsigned char *b, size_t len, size_t p)
{
    size_t lim = len - p > QUIREI_QUOTE_REACH ? p + QUIREI_QUOTE_REACH : len;
    size_t e = quirei_sentence_end(b, lim, p);
    if (e < lim || lim == len)
        return e;
    return quirei_fragment_end(b, len, p, lim);
}

/* The start of the sentence holding p, or of the word at p when the
 * sentence starts more than QUIREI_QUOTE_REACH bytes before; never before
 * `floor` (the end of the previous group). */
static size_t bounded_start(const unsigned char *b, size_t len, size_t p, size_t floor)
{
    size_t s = quirei_sentence_start(b, len, p, QUIREI_QUOTE_REACH);
    if (s == SIZE_MAX)
        s = quirei_word_start(b, len, p);
    if (s < floor)
        s = quirei_skip_ws(b, len, floor, p);
    return s;
}

/* Scratch of one search for the best sentence: per unit, the group that
 * last counted it, and the tails of the in-order runs (LIS). */
typedef struct qscratch {
    size_t *stamp, *tails;
    size_t ntails;
} qscratch;

/* The longest strictly increasing run of unit indices, one index at a
 * time (patience sorting: tails[k] is the least last index of a run of
 * k + 1). */
static void order_add(qscratch *x, size_t unit)
{
    size_t lo = 0, hi = x->ntails;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->tails[mid] < unit)
            lo = mid + 1;
        else
            hi = mid;
    }
    x->tails[lo] = unit;
    if (lo == x->ntails)
        x->ntails++;
}

/* Score the matches of one group, m[i..) up to *ge (which grows when a
 * match runs past it); returns the index after the group. */
static size_t score_group(const unsigned char *b, size_t len, const quirei_match *m, size_t i,
                          size_t n, const quirei_unit *units, qscratch *x, size_t *ge,
                          qscore *s)
{
    size_t id = i + 1; /* a stamp no earlier group used */
    x->ntails = 0;
    *s = (qscore){0};
    for (; i < n && m[i].start < *ge; i++) {
        if (m[i].end > *ge)
            *ge = bounded_end(b, len, m[i].end);
        const quirei_unit *u = &units[m[i].unit];
        int first = x->stamp[m[i].unit] != id;
        x->stamp[m[i].unit] = id;
        if (m[i].phrase) {
            s->phrase += first ? unit_weight(u) : 0;
        } else if (!m[i].stop) {
            if (first) {
                s->words++;
                s->weight += unit_weight(u);
            }
            order_add(x, m[i].unit);
        }
    }
    s->order = x->ntails;
    return i;
}

static int best_sentence(const char *body, size_t len, const quirei_match *m, size_t n,
                         const quirei_unit *units, size_t nunits, size_t *qs, size_t *qe,
                         qscore *best_out);

size_t quirei_quote_end(const char *body, size_t len, size_t p)
{
    return bounded_end((const unsigned char *)body, len, p < len ? p : len);
}

int quirei_best_sentence_score(const char *body, size_t len, const quirei_match *m, size_t n,
                               const quirei_unit *units, size_t nunits, double *phrase,
                               size_t *words)
{
    size_t qs, qe;
    qscore best = {0};
    int r = best_sentence(body, len, m, n, units, nunits, &qs, &qe, &best);
    *phrase = best.phrase;
    *words = best.words;
    return r;
}

int quirei_best_sentence(const char *body, size_t len, const quirei_match *m, size_t n,
                         const quirei_unit *units, size_t nunits, size_t *qs, size_t *qe)
{
    qscore best;
    return best_sentence(body, len, m, n, units, nunits, qs, qe, &best);
}

static int best_sentence(const char *body, size_t len, const quirei_match *m, size_t n,
                         const quirei_unit *units, size_t nunits, size_t *qs, size_t *qe,
                         qscore *best_out)
{
    if (!n || !nunits)
        return 0;
    const unsigned char *b = (const unsigned char *)body;
    quirei_buf scratch = QUIREI_BUF_INIT;
    if (quirei_buf_grow(&scratch, 2 * nunits * sizeof(size_t)) < 0)
        return -1;
    qscratch x = {(size_t *)(void *)scratch.ptr, (size_t *)(void *)scratch.ptr + nunits, 0};
    memset(x.stamp, 0, nunits * sizeof *x.stamp);
    qscore best = {0};
    int found = 0;
    size_t prev_end = 0;
    for (size_t i = 0; i < n;) {
        size_t gs = bounded_start(b, len, m[i].start, prev_end);
        size_t ge = bounded_end(b, len, m[i].end);
        qscore s;
        i = score_group(b, len, m, i, n, units, &x, &ge, &s);
        if ((s.phrase > 0 || s.words) && (!found || qscore_better(&s, &best))) {
            best = s;
            found = 1;
            *qs = gs;
            *qe = ge;
        }
        prev_end = ge;
    }
    quirei_buf_release(&scratch);
    *best_out = best;
    return found;
}
