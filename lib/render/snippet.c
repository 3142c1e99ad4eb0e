/*
 * snippet.c - best fragment, highlights and quote for a hit; see snippet.h.
 *
 * One tokenizer pass over the body records every unit match (TERM matches
 * as tokens arrive, PHRASE matches with a small automaton per unit, so no
 * token list is kept). Fragment and quote boundaries are then found by
 * looking at the bytes around the chosen matches only, so the cost after
 * tokenizing does not grow with the body.
 */
#include "render/snippet.h"

#include <float.h>
#include <quire/tokenizer.h>
#include <stdlib.h>
#include <string.h>

#include "render/anchors.h"
#include "render/matches.h"
#include "render/text_bounds.h"
#include "text/stopwords.h"
#include "utf8.h"

/* Beyond this many matches a hit is already well represented; recording
 * more would only make window selection slower on huge bodies. */
#define MAX_MATCHES 2000

#define ELLIPSIS "\xE2\x80\xA6"

enum { SCAN_OOM = -1, SCAN_STOP = 2 };

typedef quirei_match match_t;

/* A partial phrase match: only the latest start matters, because a later
 * start can complete everything an earlier one can within the window. */
typedef struct pstate {
    size_t start;
    uint32_t pos;
    int live;
} pstate_t;

typedef struct phrase_ref {
    size_t unit;
    size_t state; /* index of its first pstate */
} phrase_ref_t;

typedef struct scan {
    const quirei_unit *units;
    size_t nunits;
    size_t body_len;
    quirei_stemmer *stemmer;
    const char *language; /* for stop words matched by stem, or NULL */
    int want_stems;
    quirei_buf matches; /* match_t[] */
    size_t nmatches;
    int capped;
    quirei_buf prefs;   /* phrase_ref_t[] */
    size_t nprefs;
    quirei_buf states;  /* pstate_t[] */
    double max_phrase_w;
    int has_best;
    double best_w;
    size_t best_start, best_end;
    int has_last;       /* a TERM match was recorded at position last_pos */
    uint32_t last_pos;
    size_t target;      /* fragment size, for the early stop */
    size_t stop_after;  /* 0, or where scanning may stop */
    quirei_buf seen;    /* size_t[nunits]: start of each unit's last match */
} scan_t;

static double unit_weight(const quirei_unit *u)
{
    /* A stop word alone says nothing about where the query matches. NaN
     * or negative weights would poison every comparison. */
    if (u->kind == QUIREI_UNIT_TERM && u->stop)
        return 0;
    return u->weight > 0 && u->weight <= DBL_MAX ? u->weight : 0;
}

static int phrase_usable(const quirei_unit *u)
{
    if (u->kind != QUIREI_UNIT_PHRASE || u->nterms == 0 || !u->terms)
        return 0;
    for (size_t k = 0; k < u->nterms; k++)
        if (!u->terms[k])
            return 0;
    return 1;
}

/* ---- matching ------------------------------------------------------ */

static int add_match(scan_t *sc, size_t start, size_t end, uint32_t pos, size_t unit,
                     int phrase, int stop)
{
    if (sc->nmatches >= MAX_MATCHES) {
        sc->capped = 1;
        return 0;
    }
    match_t m = {start, end, unit, pos, phrase, stop};
    if (quirei_buf_add(&sc->matches, &m, sizeof m) < 0)
        return -1;
    sc->nmatches++;
    return 0;
}

/* strcmp() == 0, but most body tokens already differ in their first byte,
 * and this runs for every token against every query term. */
static int same_term(const char *a, const char *b)
{
    return a[0] == b[0] && strcmp(a, b) == 0;
}

static int phrase_step(scan_t *sc, const quire_token_t *tok, size_t start, size_t end)
{
    phrase_ref_t *refs = (phrase_ref_t *)sc->prefs.ptr;
    pstate_t *all = (pstate_t *)sc->states.ptr;
    for (size_t r = 0; r < sc->nprefs; r++) {
        const quirei_unit *u = &sc->units[refs[r].unit];
        pstate_t *st = all + refs[r].state;
        size_t n = u->nterms;
        uint64_t window = u->window > n ? u->window : n;
        /* Descending, so a token advances each partial match at most once
         * even when the phrase repeats a term. */
        for (size_t k = n; k-- > 0;) {
            if (!same_term(tok->term, u->terms[k]))
                continue;
            size_t mstart;
            if (k == 0) {
                if (n > 1) {
                    st[0] = (pstate_t){start, tok->pos, 1};
                    continue;
                }
                mstart = start;
            } else {
                pstate_t *prev = &st[k - 1];
                if (!prev->live)
                    continue;
                if (tok->pos <= prev->pos || (uint64_t)(tok->pos - prev->pos) + 1 > window) {
                    prev->live = 0;
                    continue;
                }
                if (k + 1 < n) {
                    st[k] = *prev;
                    continue;
                }
                mstart = prev->start;
            }
            if (add_match(sc, mstart, end, tok->pos, refs[r].unit, 1, 0) < 0)
                return -1;
            double w = unit_weight(u);
            if (!sc->has_best || w > sc->best_w || (w == sc->best_w && mstart < sc->best_start)) {
                sc->has_best = 1;
                sc->best_w = w;
                sc->best_start = mstart;
                sc->best_end = end;
            }
            /* Matches of one phrase do not overlap: start afresh. */
            for (size_t i = 0; i < n; i++)
                st[i].live = 0;
            break;
        }
    }
    return 0;
}

/*
 * Snowball only rewrites the end of a word, so a token whose first two
 * bytes differ from every stem of the unit cannot stem to one of them:
 * skip the (cached, but not free) stemming for most tokens of a body.
 */
static int could_stem_to(const quire_token_t *tok, const quirei_unit *u)
{
    for (size_t k = 0; k < u->nstems; k++) {
        const char *st = u->stems[k];
        if (!st)
            continue;
        /* strncmp(st, tok->term, min(len, 2)) == 0, inline: this runs for
         * every body token and unit. */
        if (tok->len == 0 || (st[0] == tok->term[0] && (tok->len < 2 || st[1] == tok->term[1])))
            return 1;
    }
    return 0;
}

static int term_step(scan_t *sc, const quire_token_t *tok, size_t start, size_t end)
{
    const char *stem = NULL;
    size_t stem_len = 0;
    int stemmed = 0, any = 0, token_stop = -1; /* -1: not looked up yet */
    /* A stop word counts only inside a run of query words (quote.c), so
     * it is recorded only right after another match: the common ones
     * would otherwise fill MAX_MATCHES with matches nobody sees. */
    int stop_ok = sc->has_last && (tok->pos == sc->last_pos || tok->pos == sc->last_pos + 1);
    for (size_t ui = 0; ui < sc->nunits; ui++) {
        const quirei_unit *u = &sc->units[ui];
        if (u->kind != QUIREI_UNIT_TERM || (u->stop && !stop_ok))
            continue;
        int hit = 0, by_stem = 0;
        for (size_t k = 0; !hit && u->terms && k < u->nterms; k++)
            hit = u->terms[k] && same_term(tok->term, u->terms[k]);
        /* PART and HYPHENATED tokens are never stemmable, so parts of a
         * compound only match their exact term. */
        if (!hit && tok->stemmable && sc->want_stems && u->stems && u->nstems &&
            could_stem_to(tok, u)) {
            if (!stemmed) {
                stem = quirei_stem(sc->stemmer, tok->term, tok->len, &stem_len);
                if (!stem)
                    return -1;
                stemmed = 1;
            }
            for (size_t k = 0; !hit && k < u->nstems; k++)
                hit = u->stems[k] && strncmp(u->stems[k], stem, stem_len) == 0 &&
                      u->stems[k][stem_len] == '\0';
            by_stem = hit;
        }
        if (!hit)
            continue;
        int stop = u->stop;
        if (!stop && by_stem && sc->language) {
            /* Matched by stem: the body token may be a stop word itself
             * ("could" for a misspelt "coulds"). */
            if (token_stop < 0)
                token_stop = quirei_is_stopword(sc->language, tok->term, tok->len);
            stop = token_stop;
        }
        if (stop && !stop_ok)
            continue;
        if (add_match(sc, start, end, tok->pos, ui, 0, stop) < 0)
            return -1;
        any = 1;
    }
    if (any) {
        sc->has_last = 1;
        sc->last_pos = tok->pos;
    }
    return 0;
}

/* Body bytes scanned past the first match before giving up on finding a
 * better window: bounds the cost of long documents. */
#define SCAN_BUDGET (16 * 1024)

/*
 * Can scanning stop? Yes once every term unit has matched inside one
 * fragment-sized stretch (no later window can score higher, and ties go to
 * the earliest), or once SCAN_BUDGET bytes have passed since the first
 * match. Only called when no phrase is still being looked for.
 */
static int enough_seen(scan_t *sc, size_t end)
{
    const match_t *m = (const match_t *)sc->matches.ptr;
    if (end - m[0].start > SCAN_BUDGET)
        return 1;
    if (sc->stop_after)
        return end > sc->stop_after;
    size_t *seen = (size_t *)(void *)sc->seen.ptr;
    if (!seen)
        return 0;
    const match_t *last = &m[sc->nmatches - 1];
    if (last->unit < sc->nunits)
        seen[last->unit] = last->start;
    size_t lo = (size_t)-1;
    for (size_t u = 0; u < sc->nunits; u++) {
        if (unit_weight(&sc->units[u]) == 0)
            continue;
        if (seen[u] == (size_t)-1)
            return 0;
        lo = seen[u] < lo ? seen[u] : lo;
    }
    if (lo != (size_t)-1 && end - lo <= sc->target && !sc->stop_after)
        sc->stop_after = lo + sc->target; /* keep going to highlight the rest */
    return sc->stop_after && end > sc->stop_after;
}

static int on_token(const quire_token_t *tok, void *ctx)
{
    scan_t *sc = ctx;
    size_t end = tok->end < sc->body_len ? tok->end : sc->body_len;
    size_t start = tok->start < end ? tok->start : end;
    if (start == end)
        return 0;
    /* Only positioned tokens advance a phrase, as in the index. */
    if (tok->positioned && sc->nprefs && phrase_step(sc, tok, start, end) < 0)
        return SCAN_OOM;
    if (term_step(sc, tok, start, end) < 0)
        return SCAN_OOM;
    int phrases_done = !sc->nprefs || (sc->has_best && sc->best_w >= sc->max_phrase_w);
    if (sc->capped && phrases_done)
        return SCAN_STOP;
    if (phrases_done && sc->nmatches && enough_seen(sc, end))
        return SCAN_STOP;
    return 0;
}

/* Ranges in order of their start, then of their end. */
static int cmp_range(size_t xs, size_t xe, size_t ys, size_t ye)
{
    if (xs != ys)
        return xs < ys ? -1 : 1;
    if (xe != ye)
        return xe < ye ? -1 : 1;
    return 0;
}

static int cmp_match(const void *a, const void *b)
{
    const match_t *x = a, *y = b;
    return cmp_range(x->start, x->end, y->start, y->end);
}

static int cmp_span(const void *a, const void *b)
{
    const quirei_span *x = a, *y = b;
    return cmp_range(x->start, x->end, y->start, y->end);
}

/* ---- fragment ------------------------------------------------------ */

typedef struct window {
    size_t start;
    size_t last_end; /* end of the last match it covers */
} window_t;

static int better(double s, size_t c, double best, size_t best_c)
{
    double eps = best * 1e-9; /* sums of the same weights in another order */
    if (s > best + eps)
        return 1;
    if (s < best - eps)
        return 0;
    return c > best_c;
}

static int choose_window(const match_t *m, size_t n, const quirei_unit *units,
                         size_t nunits, size_t target, window_t *out, double *score,
                         size_t *nmatched)
{
    quirei_buf seen_buf = QUIREI_BUF_INIT;
    if (quirei_buf_grow(&seen_buf, nunits * sizeof(size_t)) < 0)
        return -1;
    size_t *seen = (size_t *)seen_buf.ptr;
    for (size_t i = 0; i < nunits; i++)
        seen[i] = SIZE_MAX;
    double best = -1;
    size_t best_c = 0;
    /* Candidate c == 0 is the body start, c == i + 1 the start of m[i]. */
    for (size_t c = 0; c <= n; c++) {
        size_t from = c ? c - 1 : 0;
        if (c > 1 && m[from].start == m[from - 1].start)
            continue;
        size_t ws = c ? m[from].start : 0;
        double score = 0;
        size_t count = 0, last = ws;
        for (size_t j = from; j < n && m[j].start - ws < target; j++) {
            if (m[j].end - ws > target)
                continue;
            /* ties go to more matches of words that say something */
            count += !m[j].stop;
            if (m[j].end > last)
                last = m[j].end;
            if (seen[m[j].unit] != c) {
                seen[m[j].unit] = c;
                score += m[j].stop ? 0 : unit_weight(&units[m[j].unit]) * (m[j].phrase ? 2 : 1);
            }
        }
        if (c == 0 || better(score, count, best, best_c)) {
            best = score;
            best_c = count;
            out->start = ws;
            out->last_end = last;
        }
    }
    quirei_buf_release(&seen_buf);
    if (score)
        *score = best;
    if (nmatched)
        *nmatched = best_c;
    return 0;
}

/* The score and match count of the best window of sc's matches (sorted);
 * 0 when out of memory, which only makes the caller look at more windows. */
static void best_window_score(const scan_t *sc, double *score, size_t *count)
{
    window_t w;
    *score = 0;
    *count = 0;
    if (choose_window((const match_t *)(void *)sc->matches.ptr, sc->nmatches, sc->units,
                      sc->nunits, sc->target, &w, score, count) < 0) {
        *score = 0;
        *count = 0;
    }
}

/* Copy body[fs, fe) into out->text with whitespace runs collapsed and bad
 * bytes replaced, recording in map[i - fs] the code point offset in the
 * text of body byte i, so that highlights map after the text is final. */
static int build_text(const unsigned char *b, size_t fs, size_t fe, int prefix, int suffix,
                      quirei_buf *text, uint32_t *map)
{
    uint32_t cp = 0;
    if (prefix) {
        if (quirei_buf_adds(text, ELLIPSIS) < 0)
            return -1;
        cp++;
    }
    int in_ws = 0;
    size_t i = fs;
    while (i < fe) {
        size_t n = quirei_ws_len_at(b, fe, i);
        if (n) {
            if (!in_ws) {
                if (quirei_buf_addc(text, ' ') < 0)
                    return -1;
                for (size_t k = 0; k < n; k++)
                    map[i - fs + k] = cp;
                cp++;
                in_ws = 1;
            } else {
                for (size_t k = 0; k < n; k++)
                    map[i - fs + k] = cp;
            }
            i += n;
            continue;
        }
        in_ws = 0;
        int32_t c;
        int bad;
        n = quirei_utf8_decode(b + i, fe - i, &c, &bad);
        if (bad ? quirei_utf8_put(text, 0xFFFD) < 0 : quirei_buf_add(text, b + i, n) < 0)
            return -1;
        for (size_t k = 0; k < n; k++)
            map[i - fs + k] = cp;
        cp++;
        i += n;
    }
    map[fe - fs] = cp;
    if (suffix && quirei_buf_adds(text, ELLIPSIS) < 0)
        return -1;
    return 0;
}

/* Body bytes [s, e) (inside the fragment [fs, fe)) as a span of the text. */
static int add_span(quirei_buf *spans, size_t s, size_t e, size_t fs, const uint32_t *map)
{
    quirei_span sp = {map[s - fs], map[e - fs]};
    return sp.start < sp.end ? quirei_buf_add(spans, &sp, sizeof sp) : 0;
}

/* The highlights: each match in the fragment but a stop word's, and each
 * run of query words (quote.c), which also covers the stop words inside
 * it, clipped to the fragment. Overlapping spans are merged. */
static int make_highlights(const char *body, const match_t *m, size_t n,
                           const quirei_unit *units, size_t fs, size_t fe, const uint32_t *map,
                           quirei_snippet *out)
{
    quirei_buf spans = QUIREI_BUF_INIT, runs = QUIREI_BUF_INIT;
    long nruns = quirei_match_runs(body, m, n, units, &runs);
    int r = nruns < 0 ? -1 : 0;
    for (size_t i = 0; r == 0 && i < n; i++)
        if (m[i].start >= fs && m[i].end <= fe && !quirei_match_is_stop(&m[i], units))
            r = add_span(&spans, m[i].start, m[i].end, fs, map);
    const quirei_range *rg = (const quirei_range *)(void *)runs.ptr;
    for (long i = 0; r == 0 && i < nruns; i++) {
        size_t a = rg[i].start > fs ? rg[i].start : fs, e = rg[i].end < fe ? rg[i].end : fe;
        if (a < e)
            r = add_span(&spans, a, e, fs, map);
    }
    quirei_buf_release(&runs);
    size_t count = spans.len / sizeof(quirei_span);
    if (r < 0 || !count) {
        quirei_buf_release(&spans);
        return r;
    }
    quirei_span *sp = (quirei_span *)(void *)spans.ptr;
    qsort(sp, count, sizeof *sp, cmp_span);
    size_t k = 0;
    for (size_t i = 1; i < count; i++) {
        if (sp[i].start < sp[k].end) {
            if (sp[i].end > sp[k].end)
                sp[k].end = sp[i].end;
        } else {
            sp[++k] = sp[i];
        }
    }
    out->highlights = (quirei_span *)quirei_buf_detach(&spans, NULL);
    out->nhighlights = k + 1;
    return 0;
}

/* ---- public -------------------------------------------------------- */

void quirei_snippet_init(quirei_snippet *s)
{
    memset(s, 0, sizeof *s);
}

/* No highlights and no quote (the text buffers are the caller's). */
static void clear_marks(quirei_snippet *s)
{
    free(s->highlights);
    s->highlights = NULL;
    s->nhighlights = 0;
    s->has_quote = 0;
    s->quote_start = s->quote_end = 0;
}

void quirei_snippet_release(quirei_snippet *s)
{
    quirei_buf_release(&s->text);
    quirei_buf_release(&s->quote);
    clear_marks(s);
}

/* ---- regions ------------------------------------------------------ */

/*
 * Tokenizing a long body whole was most of what a snippet cost, and so,
 * later, was tokenizing a window around every place a query word appears.
 * Now the body (from its start to SCAN_BUDGET bytes past the first match,
 * or to its end while a phrase is looked for, as the whole scan did) is
 * first searched for where a unit's match can start (anchors.h: from
 * the bytes alone, a superset of the matches), the anchors are narrowed
 * down where the bytes say for sure which token starts there
 * (refine_anchors()), and each fragment-sized window is given the best
 * score it could have: the weight of the units with an anchor in it, and
 * the number of their matches. Only the windows that may reach what a
 * window actually scores are tokenized (with margins, in body order, from
 * and to whitespace, positions far apart between stretches): first those
 * of the highest bound (and the most matches among them), then, if the
 * best one found scores less, every window that may reach it. No window
 * left out can beat the chosen one or tie it, so the fragment is the one
 * a whole scan would choose: most weight, then most matches of words that
 * are not stop words, then the first (with the early stop of on_token()
 * when a window holds every unit). Then the sentences that may hold more
 * query words than the best one among those windows are tokenized too, for
 * the quote (quote_ranges()). The body is tokenized whole when the units
 * cannot say what to look for (a term starting with a letter not in ASCII,
 * more than QUIREI_ANCHOR_MAX_UNITS units) and when it is short.
 */
#define WINDOW_MARGIN 40
/* Gap between the positions of two stretches: more than any phrase window. */
#define WINDOW_POS_GAP 4096
/* Bodies shorter than this are tokenized whole. */
#define WINDOW_MIN_BODY 2048
/* Anchors looked at, at most: windows beyond are not candidates. */
#define MAX_ANCHORS 4096
/* Bytes searched for the first anchor at a time. */
#define FIRST_CHUNK 8192

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c >= 0x80;
}

/*
 * Narrow the anchors down with what the bytes say for sure. A token
 * starting at an ASCII anchor covers the whole run of letters and digits
 * there, so no match ends before it. And when the run ends the token too
 * (what follows joins no word: whitespace, or punctuation that is no
 * connector between word characters), the token's term is the run lower-cased:
 * a unit matches only if that is one of its terms, or (a WORD of letters)
 * stems to one of its stems. Returns 0, or -1 when out of memory.
 */
static int refine_anchors(const scan_t *sc, const char *body, size_t len, quirei_anchor *a,
                          size_t na)
{
    const unsigned char *b = (const unsigned char *)body;
    char t[QUIRE_MAX_TERM_BYTES + 1];
    for (size_t i = 0; i < na; i++) {
        size_t at = a[i].at, e = at;
        int letters = 1;
        while (e < len && e - at < QUIRE_MAX_TERM_BYTES && b[e] < 0x80 && word_byte(b[e])) {
            unsigned char c = b[e];
            letters &= (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
            t[e - at] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            e++;
        }
        if (e == at)
            continue; /* a folded word's anchor */
        a[i].end = e > a[i].end ? e : a[i].end;
        int joined = e < len && (word_byte(b[e]) || (strchr("-.@:'", b[e]) && b[e] &&
                                                    e + 1 < len && word_byte(b[e + 1])));
        if (joined || e - at >= QUIRE_MAX_TERM_BYTES)
            continue;
        size_t n = e - at;
        t[n] = '\0';
        const char *stem = NULL;
        size_t stem_len = 0;
        uint64_t keep = 0;
        for (size_t ui = 0; ui < sc->nunits; ui++) {
            if (!(a[i].units >> ui & 1))
                continue;
            const quirei_unit *u = &sc->units[ui];
            int hit = 0;
            for (size_t k = 0; !hit && u->terms && k < u->nterms; k++)
                hit = u->terms[k] && strcmp(u->terms[k], t) == 0;
            if (!hit && u->kind == QUIREI_UNIT_TERM && letters && sc->want_stems && u->stems) {
                if (!stem && !(stem = quirei_stem(sc->stemmer, t, n, &stem_len)))
                    return -1;
                for (size_t k = 0; !hit && k < u->nstems; k++)
                    hit = u->stems[k] && strncmp(u->stems[k], stem, stem_len) == 0 &&
                          u->stems[k][stem_len] == '\0';
            }
            keep |= (uint64_t)hit << ui;
        }
        a[i].units = keep;
        a[i].exact = 1;
    }
    return 0;
}

/* A window's tokens, their spans made the body's. */
typedef struct window_scan {
    scan_t *sc;
    size_t off;
} window_scan_t;

static int on_window_token(const quire_token_t *tok, void *ctx)
{
    window_scan_t *ws = ctx;
    quire_token_t t = *tok;
    t.start += ws->off;
    t.end += ws->off;
    return on_token(&t, ws->sc);
}

/* A stretch of the body to tokenize: [s, e). */
typedef struct range {
    size_t s, e;
} range_t;

/* Tokenize the ranges (in order of s) of body, each widened to whitespace,
 * in order; ranges closer than `margin` are one stretch. Returns as
 * quire_tokenize(). */
static int scan_ranges(scan_t *sc, const char *body, size_t len, const range_t *rg, size_t nr,
                       size_t margin)
{
    quire_tokenizer_t *t = quire_tokenizer_new();
    if (!t)
        return -1;
    size_t done = 0; /* body tokenized or skipped up to here */
    int r = 0, started = 0;
    for (size_t i = 0; r == 0 && i < nr; i++) {
        size_t we = rg[i].e < len ? rg[i].e : len;
        while (we < len && !is_space((unsigned char)body[we]))
            we++;
        if (we <= done)
            continue; /* tokenized with the range before */
        size_t ws = rg[i].s > done ? rg[i].s : done;
        while (ws > done && !is_space((unsigned char)body[ws - 1]))
            ws--;
        if (!started || ws > done + margin) {
            /* a stretch of its own: positions far from the last */
            if (started)
                quire_tokenizer_set_pos(t, quire_tokenizer_get_pos(t) + WINDOW_POS_GAP);
        } else {
            ws = done; /* one stretch with the range before */
        }
        started = 1;
        window_scan_t w = {sc, ws};
        r = quire_tokenize(t, body + ws, we - ws, on_window_token, &w);
        done = we;
    }
    quire_tokenizer_free(t);
    return r;
}

/* Forget every match, as before the scan. */
static void scan_reset(scan_t *sc)
{
    sc->matches.len = 0;
    sc->nmatches = 0;
    sc->capped = 0;
    if (sc->states.len)
        memset(sc->states.ptr, 0, sc->states.len);
    sc->has_best = 0;
    sc->best_w = 0;
    sc->best_start = sc->best_end = 0;
    sc->has_last = 0;
    sc->last_pos = 0;
    sc->stop_after = 0;
    size_t *seen = (size_t *)(void *)sc->seen.ptr;
    for (size_t u = 0; u < sc->nunits; u++)
        seen[u] = (size_t)-1;
}

/* A window that may be chosen: it starts at `at` (anchor i's, or 0 for the
 * body start), scores at most `bound` and holds at most `count` matches
 * that are no stop words (choose_window()'s tie-break). */
typedef struct cand {
    size_t at;
    double bound;
    size_t count;
} cand_t;

/* Sums of the same weights in another order differ in the last bits. */
#define SCORE_EPS 1e-9

/* Can a window scoring (bound, count) beat or tie one scoring (s, n)? */
static int may_reach(double bound, size_t count, double s, size_t n)
{
    if (bound > s + s * SCORE_EPS)
        return 1;
    return bound >= s - s * SCORE_EPS && count >= n;
}

/*
 * The bound of the windows starting in (a[i-1].at, a[i].at] (or at 0): the
 * weight of the units with an anchor in such a window, and their number of
 * matches. A match holds its anchor's word (a TERM match starts there), so
 * a window holding the match holds the anchor's [at, end); and the anchor
 * is a[i] or after it. An anchor whose units are not exact may start two
 * matches of a unit (a compound and its part).
 */
static cand_t window_bound(const scan_t *sc, const quirei_anchor *a, size_t na, size_t from,
                           size_t at, const double *uw)
{
    cand_t c = {at, 0, 0};
    uint64_t mask = 0;
    for (size_t j = from; j < na && a[j].at < at + sc->target; j++)
        if (a[j].end <= at + sc->target) {
            mask |= a[j].units;
            c.count += (size_t)__builtin_popcountll(a[j].units) * (a[j].exact ? 1 : 2);
        }
    for (size_t u = 0; mask && u < sc->nunits; u++, mask >>= 1)
        if (mask & 1)
            c.bound += uw[u];
    return c;
}

/* Add range g to rb (range_t[], in order of s, disjoint). Returns 0, or -1
 * when out of memory. */
static int add_range(quirei_buf *rb, range_t g)
{
    range_t *v = (range_t *)(void *)rb->ptr;
    size_t n = rb->len / sizeof *v, i = n;
    while (i > 0 && v[i - 1].s > g.s)
        i--;
    if (i > 0 && g.s <= v[i - 1].e) { /* joins the one before */
        i--;
        g.s = v[i].s;
        g.e = g.e > v[i].e ? g.e : v[i].e;
    } else {
        if (quirei_buf_grow(rb, sizeof g) < 0)
            return -1;
        v = (range_t *)(void *)rb->ptr;
        memmove(v + i + 1, v + i, (n - i) * sizeof *v);
        rb->len += sizeof g;
        n++;
    }
    v[i] = g;
    /* and swallows those it reaches */
    size_t k = i + 1;
    while (k < n && v[k].s <= v[i].e) {
        v[i].e = v[k].e > v[i].e ? v[k].e : v[i].e;
        k++;
    }
    memmove(v + i + 1, v + k, (n - k) * sizeof *v);
    rb->len -= (k - i - 1) * sizeof *v;
    return 0;
}

/* The stretches to tokenize for the windows of the candidates that may
 * reach (floor, nfloor), onto rb. Returns 0, or -1 when out of memory. */
static int candidate_ranges(const scan_t *sc, size_t len, const cand_t *c, size_t nc,
                            double floor, size_t nfloor, size_t margin, quirei_buf *rb)
{
    for (size_t i = 0; i < nc; i++) {
        if (!may_reach(c[i].bound, c[i].count, floor, nfloor))
            continue;
        size_t lead = margin + WINDOW_MARGIN;
        /* A window near the end makes a fragment of what precedes it
         * (fragment_start()), whose matches are highlighted too. */
        if (c[i].at + sc->target + lead > len)
            lead += sc->target;
        range_t g = {c[i].at > lead ? c[i].at - lead : 0, c[i].at + sc->target + WINDOW_MARGIN};
        if (add_range(rb, g) < 0)
            return -1;
    }
    return 0;
}

/* Tokenize the stretches of rb afresh; the best window found scores *best
 * with *nbest matches. Returns as quire_tokenize(). */
static int scan_stretches(scan_t *sc, const char *body, size_t len, const quirei_buf *rb,
                          size_t margin, double *best, size_t *nbest)
{
    scan_reset(sc);
    int r = scan_ranges(sc, body, len, (const range_t *)(void *)rb->ptr,
                        rb->len / sizeof(range_t), margin);
    *best = 0;
    *nbest = 0;
    if (r >= 0 && sc->nmatches) {
        qsort(sc->matches.ptr, sc->nmatches, sizeof(match_t), cmp_match);
        best_window_score(sc, best, nbest);
    }
    return r;
}

/* Can a sentence holding matches of the units of `mask` have more TERM
 * units than qwords? (Its PHRASE weight is not bounded here: an anchor
 * holds one word of a phrase only, so every sentence holding it would have
 * to be looked at. A whole phrase match doubles its window's score, so its
 * window is looked at unless others score higher.) */
static int quote_may_beat(const scan_t *sc, uint64_t mask, size_t qwords)
{
    size_t words = 0;
    for (size_t u = 0; u < sc->nunits; u++)
        words += (mask >> u & 1) && sc->units[u].kind != QUIREI_UNIT_PHRASE;
    return words > qwords;
}

/*
 * The quote (quote.c) is the best sentence of all the matches, which may
 * lie outside the windows looked at (a sentence is longer than a fragment).
 * The anchors are grouped as quote.c groups matches (a group runs on while
 * the next one starts before the end of the sentence of the last); a
 * group's bound is its number of TERM units. The groups that may hold more
 * of them than the best sentence found among the windows are added to rb
 * (ties are not: they would cost most of what the windows save; quote.c
 * then breaks them among the sentences looked at). Returns 1 when some were, 0 when none, -1 when out of
 * memory.
 */
static int quote_ranges(const scan_t *sc, const char *body, size_t len, const quirei_anchor *a,
                        size_t na, size_t margin, quirei_buf *rb)
{
    double qphrase = 0;
    size_t qwords = 0;
    const match_t *m = (const match_t *)(void *)sc->matches.ptr;
    if (sc->nmatches && quirei_best_sentence_score(body, len, m, sc->nmatches, sc->units,
                                                   sc->nunits, &qphrase, &qwords) < 0)
        return -1;
    /* Nothing can beat it when all the anchors together cannot. */
    uint64_t all = 0;
    for (size_t i = 0; i < na; i++)
        all |= a[i].units;
    if (!quote_may_beat(sc, all, qwords))
        return 0;
    int added = 0;
    for (size_t i = 0; i < na;) {
        size_t ge = quirei_quote_end(body, len, a[i].end), j = i;
        uint64_t mask = 0;
        for (; j < na && (j == i || a[j].at < ge); j++) {
            mask |= a[j].units;
            if (a[j].end > ge)
                ge = quirei_quote_end(body, len, a[j].end);
        }
        int reach = quote_may_beat(sc, mask, qwords);
        if (reach) {
            /* covered already? */
            const range_t *v = (const range_t *)(void *)rb->ptr;
            size_t nv = rb->len / sizeof *v, s0 = a[i].at > margin ? a[i].at - margin : 0;
            int covered = 0;
            for (size_t k = 0; k < nv && !covered; k++)
                covered = v[k].s <= s0 && v[k].e >= ge;
            if (!covered) {
                range_t g = {s0 > WINDOW_MARGIN ? s0 - WINDOW_MARGIN : 0, ge + WINDOW_MARGIN};
                if (add_range(rb, g) < 0)
                    return -1;
                added = 1;
            }
        }
        i = j;
    }
    return added;
}

/* Where the first match is: at the first anchor of a TERM unit known
 * exactly, or found by tokenizing around the anchors before it, from
 * a[*checked] on (a PHRASE unit's word may stand without the phrase). -1
 * when none of a[*checked..na) is one (*checked = na), -2 when out of
 * memory. The scan's matches are left over (scan_stretches() resets them). */
static long first_match(scan_t *sc, const char *body, size_t len, const quirei_anchor *a,
                        size_t na, size_t *checked, size_t margin)
{
    uint64_t terms = 0;
    for (size_t u = 0; u < sc->nunits; u++)
        terms |= (uint64_t)(sc->units[u].kind == QUIREI_UNIT_TERM) << u;
    for (; *checked < na; (*checked)++) {
        const quirei_anchor *x = &a[*checked];
        if (x->exact && (x->units & terms))
            return (long)x->at;
        size_t lead = margin + WINDOW_MARGIN;
        range_t g = {x->at > lead ? x->at - lead : 0, x->at + lead};
        scan_reset(sc);
        if (scan_ranges(sc, body, len, &g, 1, margin) < 0)
            return -2;
        const match_t *m = (const match_t *)(void *)sc->matches.ptr;
        size_t lo = SIZE_MAX;
        for (size_t i = 0; i < sc->nmatches; i++)
            lo = m[i].start < lo ? m[i].start : lo;
        if (lo != SIZE_MAX)
            return (long)lo;
    }
    return -1;
}

/* Tokenize the stretches of a long body that can hold the best window (see
 * above) or the best sentence. Returns as quire_tokenize(). */
static int scan_regions(scan_t *sc, const char *body, size_t len, const quirei_needle *nd,
                        size_t nn, size_t margin)
{
    quirei_buf ab = QUIREI_BUF_INIT, cb = QUIREI_BUF_INIT, rb = QUIREI_BUF_INIT;
    int capped = 0, r = 0;
    /* The first match, then SCAN_BUDGET bytes past it, as a whole scan
     * (which goes on to the end while a phrase is looked for). */
    size_t from = 0, na = 0, first = SIZE_MAX, checked = 0;
    size_t budget = sc->nprefs ? SIZE_MAX / 2 : SCAN_BUDGET;
    while (r == 0 && from < len && (first == SIZE_MAX || from <= first + budget)) {
        size_t to = first == SIZE_MAX ? from + FIRST_CHUNK : first + budget + 1;
        to = to < len ? to : len;
        size_t old = ab.len / sizeof(quirei_anchor);
        r = quirei_find_anchors(body, len, from, to, nd, nn, MAX_ANCHORS, &ab, &capped);
        quirei_anchor *a = (quirei_anchor *)(void *)ab.ptr;
        size_t n = ab.len / sizeof *a;
        if (r == 0 && refine_anchors(sc, body, len, a + old, n - old) < 0)
            r = -1;
        for (size_t i = old; i < n; i++) /* those no match can hold are no candidates */
            if (a[i].units)
                a[na++] = a[i];
        ab.len = na * sizeof *a;
        from = to;
        if (r == 0 && first == SIZE_MAX && na && sc->nprefs) {
            first = a[0].at; /* no budget: where it starts does not matter */
        } else if (r == 0 && first == SIZE_MAX && checked < na) {
            long f = first_match(sc, body, len, a, na, &checked, margin);
            if (f == -2)
                r = -1;
            else if (f >= 0)
                first = (size_t)f;
            else if (capped || from >= len)
                first = a[na - 1].at; /* as far as can be said */
        }
        if (capped && first == SIZE_MAX)
            first = na ? a[0].at : 0;
        if (capped)
            break;
    }
    quirei_anchor *a = (quirei_anchor *)(void *)ab.ptr;
    while (na && a[na - 1].at > first + budget)
        na--;
    if (r < 0 || !na) {
        quirei_buf_release(&ab);
        return r;
    }
    /* What each unit adds to a window (as choose_window() counts it). */
    double uw[QUIREI_ANCHOR_MAX_UNITS];
    for (size_t u = 0; u < sc->nunits; u++) {
        int ph = sc->units[u].kind == QUIREI_UNIT_PHRASE;
        uw[u] = unit_weight(&sc->units[u]) * (ph ? 2 : 1);
    }
    cand_t top = {0, -1, 0};
    for (size_t i = 0; r == 0 && i <= na; i++) {
        cand_t c = window_bound(sc, a, na, i ? i - 1 : 0, i ? a[i - 1].at : 0, uw);
        if (!may_reach(top.bound, top.count, c.bound, c.count))
            top = c; /* more than the highest so far */
        if (quirei_buf_add(&cb, &c, sizeof c) < 0)
            r = -1;
    }
    const cand_t *c = (const cand_t *)(void *)cb.ptr;
    size_t nc = cb.len / sizeof *c;
    double best = 0;
    size_t nbest = 0;
    /* First the windows of the highest bound (and most matches among
     * those), which usually score it... */
    if (r == 0 && candidate_ranges(sc, len, c, nc, top.bound, top.count, margin, &rb) < 0)
        r = -1;
    if (r == 0)
        r = scan_stretches(sc, body, len, &rb, margin, &best, &nbest);
    /* ...then, if none does, every other window that may reach the best
     * one found. */
    if (r >= 0 && may_reach(top.bound, top.count, best, nbest) &&
        !may_reach(best, nbest, top.bound, top.count)) {
        int more = 0;
        for (size_t i = 0; !more && i < nc; i++)
            more = may_reach(c[i].bound, c[i].count, best, nbest) &&
                   !may_reach(c[i].bound, c[i].count, top.bound, top.count);
        if (more) {
            rb.len = 0;
            if (candidate_ranges(sc, len, c, nc, best, nbest, margin, &rb) < 0)
                r = -1;
            else
                r = scan_stretches(sc, body, len, &rb, margin, &best, &nbest);
        }
    }
    /* Last, the sentences that may make a better quote: before the place
     * where the scan stopped early (every unit in one window), if it did,
     * as a scan of the whole body would. */
    size_t nq = na;
    while (sc->stop_after && nq > 0 && a[nq - 1].at >= sc->stop_after)
        nq--;
    if (r >= 0) {
        int q = quote_ranges(sc, body, len, a, nq, margin, &rb);
        if (q < 0)
            r = -1;
        else if (q > 0)
            r = scan_stretches(sc, body, len, &rb, margin, &best, &nbest);
    }
    quirei_buf_release(&ab);
    quirei_buf_release(&cb);
    quirei_buf_release(&rb);
    return r;
}

static int scan_body(scan_t *sc, const char *body, size_t body_len)
{
    for (size_t ui = 0; ui < sc->nunits; ui++) {
        const quirei_unit *u = &sc->units[ui];
        if (u->kind == QUIREI_UNIT_TERM && u->stems && u->nstems)
            sc->want_stems = sc->stemmer != NULL;
        if (!phrase_usable(u))
            continue;
        phrase_ref_t ref = {ui, sc->states.len / sizeof(pstate_t)};
        if (quirei_buf_add(&sc->prefs, &ref, sizeof ref) < 0 ||
            quirei_buf_grow(&sc->states, u->nterms * sizeof(pstate_t)) < 0)
            return -1;
        memset(sc->states.ptr + sc->states.len, 0, u->nterms * sizeof(pstate_t));
        sc->states.len += u->nterms * sizeof(pstate_t);
        sc->nprefs++;
        if (unit_weight(u) > sc->max_phrase_w)
            sc->max_phrase_w = unit_weight(u);
    }
    if (!body_len || (!sc->nunits))
        return 0;
    quirei_needle nd[QUIREI_MAX_NEEDLES];
    size_t nn = 0, margin = 0;
    if (body_len >= WINDOW_MIN_BODY &&
        quirei_unit_needles(sc->units, sc->nunits, sc->want_stems, WINDOW_MARGIN, nd, &nn,
                            &margin) == 0)
        return scan_regions(sc, body, body_len, nd, nn, margin) < 0 ? -1 : 0;
    quire_tokenizer_t *t = quire_tokenizer_new();
    if (!t)
        return -1;
    int r = quire_tokenize(t, body, body_len, on_token, sc);
    quire_tokenizer_free(t);
    if (r >= 0 && sc->nmatches)
        qsort(sc->matches.ptr, sc->nmatches, sizeof(match_t), cmp_match);
    return r < 0 ? -1 : 0;
}

static void scan_release(scan_t *sc)
{
    quirei_buf_release(&sc->matches);
    quirei_buf_release(&sc->seen);
    quirei_buf_release(&sc->prefs);
    quirei_buf_release(&sc->states);
}

/* Scan the body for every unit's matches, sorted by position into
 * sc->matches. Returns 0, or -1 when out of memory. */
static int find_matches(scan_t *sc, const char *body, size_t body_len)
{
    for (size_t u = 0; u < sc->nunits; u++) {
        size_t none = (size_t)-1;
        if (quirei_buf_add(&sc->seen, &none, sizeof none) < 0)
            return -1;
    }
    return scan_body(sc, body, body_len);
}

/* The body without its leading and trailing whitespace: [*cs, *ce). */
static void content_bounds(const unsigned char *b, size_t len, size_t *cs, size_t *ce)
{
    size_t wl;
    *cs = quirei_skip_ws(b, len, 0, len);
    *ce = len;
    while (*ce > *cs && (wl = quirei_ws_len_before(b, len, *ce)) > 0)
        *ce -= wl;
}

/* Where the fragment for window win starts: at the content start, at a
 * sentence start shortly before the window, or a few words before it. */
static size_t fragment_start(const unsigned char *b, size_t len, size_t cs, size_t ce,
                             const window_t *win, size_t target)
{
    size_t fs = cs;
    if (win->start > cs && ce - win->start < target) {
        /* Matches near the end: fill the fragment with what precedes them
         * rather than showing a few words. */
        fs = ce - cs > target ? ce - target : cs;
        fs = quirei_later_start(b, len, fs, win->start);
    } else if (win->start > cs) {
        size_t slack = target - (win->last_end - win->start);
        size_t reach = slack < QUIREI_SENTENCE_REACH ? slack : QUIREI_SENTENCE_REACH;
        fs = quirei_sentence_start(b, len, win->start, reach);
        if (fs == SIZE_MAX) {
            /* Mid-sentence: keep a few words before the match as context,
             * so a reader sees what leads up to it. */
            size_t lead = reach / 2;
            size_t from = win->start - cs > lead ? win->start - lead : cs;
            fs = quirei_word_start(b, len, from);
            if (fs < cs)
                fs = cs;
        }
    }
    return quirei_skip_ws(b, len, fs, ce);
}

/* Where the fragment starting at fs ends: about target bytes on, on a word
 * boundary, without trailing whitespace. */
static size_t fragment_stop(const unsigned char *b, size_t len, size_t fs, size_t ce,
                            size_t target)
{
    size_t fe = ce, wl;
    if (fs < ce && ce - fs > target)
        fe = quirei_fragment_end(b, len, fs, fs + target);
    while (fe > fs && (wl = quirei_ws_len_before(b, len, fe)) > 0)
        fe -= wl;
    return fe < fs ? fs : fe;
}

/* out's text and highlights for the fragment [fs, fe) of the content
 * [cs, ce). Returns 0, or -1 when out of memory. */
static int make_fragment(const unsigned char *b, size_t fs, size_t fe, size_t cs, size_t ce,
                         const scan_t *sc, quirei_snippet *out)
{
    quirei_buf map_buf = QUIREI_BUF_INIT;
    if (quirei_buf_grow(&map_buf, (fe - fs + 1) * sizeof(uint32_t)) < 0)
        return -1;
    uint32_t *map = (uint32_t *)(void *)map_buf.ptr;
    const match_t *m = (const match_t *)(void *)sc->matches.ptr;
    int r = 0;
    if (build_text(b, fs, fe, fs > cs, fe < ce, &out->text, map) < 0 ||
        make_highlights((const char *)b, m, sc->nmatches, sc->units, fs, fe, map, out) < 0)
        r = -1;
    quirei_buf_release(&map_buf);
    return r;
}

/* out's quote: the sentence that best matches (quote.c), if any. Returns
 * 0, or -1 when out of memory. */
static int make_quote(const char *body, size_t len, const scan_t *sc, quirei_snippet *out)
{
    size_t qs = 0, qe = 0;
    int r = quirei_best_sentence(body, len, (const match_t *)(void *)sc->matches.ptr,
                                 sc->nmatches, sc->units, sc->nunits, &qs, &qe);
    if (r <= 0)
        return r;
    if (quirei_buf_set(&out->quote, body + qs, qe - qs) < 0)
        return -1;
    out->has_quote = 1;
    out->quote_start = qs;
    out->quote_end = qe;
    return 0;
}

int quirei_snippet_make(const char *body, size_t body_len, const quirei_unit *units,
                        size_t nunits, quirei_stemmer *stemmer, const char *language,
                        size_t target, quirei_snippet *out)
{
    quirei_buf_reset(&out->text);
    quirei_buf_reset(&out->quote);
    clear_marks(out);
    if (!body)
        body_len = 0;
    if (!units)
        nunits = 0;
    if (!target)
        target = 1;
    const unsigned char *b = (const unsigned char *)body;
    scan_t sc = {.units = units, .nunits = nunits, .body_len = body_len, .stemmer = stemmer,
                 .language = language, .target = target};
    window_t win = {0, 0};
    size_t cs, ce;
    content_bounds(b, body_len, &cs, &ce);
    /* out->text grown: a valid (if empty) C string even for an empty body. */
    int r = 0;
    if (quirei_buf_grow(&out->text, 0) < 0 || find_matches(&sc, body, body_len) < 0 ||
        (sc.nmatches && choose_window((const match_t *)(void *)sc.matches.ptr, sc.nmatches,
                                      units, nunits, target, &win, NULL, NULL) < 0))
        r = -1;
    if (r == 0) {
        size_t fs = fragment_start(b, body_len, cs, ce, &win, target);
        size_t fe = fragment_stop(b, body_len, fs, ce, target);
        if (make_fragment(b, fs, fe, cs, ce, &sc, out) < 0 ||
            make_quote(body, body_len, &sc, out) < 0)
            r = -1;
    }
    scan_release(&sc);
    if (r < 0)
        quirei_snippet_release(out);
    return r;
}
