/* results_text.c - quire_results_text(): results readable in a terminal,
 * with a citation line per quoted hit. */
#include <quire/quire.h>
#include <stdlib.h>
#include <string.h>

#include "render/aliases_render.h"
#include "render/facets_render.h"
#include "render/partial_render.h"
#include "render/text_bounds.h"
#include "strbuf.h"

/* UTF-8: “ ” — … */
#define LQUO "\xE2\x80\x9C"
#define RQUO "\xE2\x80\x9D"
#define DASH "\xE2\x80\x94"
#define ELLIPSIS "\xE2\x80\xA6"

/* Byte offset of code point `cp` in s (UTF-8), clamped to len. */
static size_t cp_to_byte(const char *s, size_t len, uint32_t cp)
{
    size_t i = 0;
    for (uint32_t n = 0; i < len && n < cp; n++) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

static int add_marked(quirei_buf *b, const quire_hit_t *h, const char *on, const char *off)
{
    const char *s = h->snippet;
    size_t len = strlen(s), at = 0;
    for (size_t k = 0; k < h->nhighlights; k++) {
        size_t a = cp_to_byte(s, len, h->highlights[k].start);
        size_t e = cp_to_byte(s, len, h->highlights[k].end);
        if (a < at || e < a)
            continue;
        if (quirei_buf_add(b, s + at, a - at) < 0 || quirei_buf_adds(b, on) < 0 ||
            quirei_buf_add(b, s + a, e - a) < 0 || quirei_buf_adds(b, off) < 0)
            return -1;
        at = e;
    }
    return quirei_buf_add(b, s + at, len - at);
}

const char *quire_match_name(quire_match_t m)
{
    return m == QUIRE_MATCH_APPROXIMATE ? "approximate"
           : m == QUIRE_MATCH_RELAXED   ? "relaxed"
                                        : "exact";
}

/* s with every run of whitespace (newlines, tabs, no-break spaces) as one
 * space, trimmed: a citation is one line. */
static int add_one_line(quirei_buf *b, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), i = quirei_skip_ws(u, len, 0, len);
    int space = 0;
    while (i < len) {
        size_t w = quirei_ws_len_at(u, len, i);
        if (w) {
            space = 1;
            i += w;
            continue;
        }
        if (space && quirei_buf_addc(b, ' ') < 0)
            return -1;
        space = 0;
        size_t n = 1;
        while (i + n < len && (u[i + n] & 0xC0) == 0x80)
            n++;
        if (quirei_buf_add(b, s + i, n) < 0)
            return -1;
        i += n;
    }
    return 0;
}

/*
 * The citation line of a hit with a quote, as a journalist pastes it:
 *   “The sentence.” — Author, “Title”, source, 2016-05-04, https://…
 * Absent fields are left out with their comma. A quote that starts inside
 * a sentence (cut, or a lowercase start) gets a leading "…".
 */
static int add_citation(quirei_buf *b, const quire_hit_t *h)
{
    unsigned char c0 = (unsigned char)h->quote[quirei_skip_ws(
        (const unsigned char *)h->quote, strlen(h->quote), 0, strlen(h->quote))];
    int bad = quirei_buf_adds(b, "   " LQUO) < 0;
    if (c0 >= 'a' && c0 <= 'z')
        bad |= quirei_buf_adds(b, ELLIPSIS) < 0;
    bad |= add_one_line(b, h->quote) < 0;
    bad |= quirei_buf_adds(b, RQUO " " DASH) < 0;
    const char *sep = " ";
    if (h->author) {
        bad |= quirei_buf_adds(b, sep) < 0 || add_one_line(b, h->author) < 0;
        sep = ", ";
    }
    if (h->title) {
        bad |= quirei_buf_addf(b, "%s" LQUO, sep) < 0 || add_one_line(b, h->title) < 0 ||
               quirei_buf_adds(b, RQUO) < 0;
        sep = ", ";
    }
    const char *rest[] = {h->source, h->date, h->url};
    for (size_t k = 0; k < 3; k++) {
        if (!rest[k] || !*rest[k])
            continue;
        bad |= quirei_buf_addf(b, k == 1 ? "%s%.10s" : "%s%s", sep, rest[k]) < 0;
        sep = ", ";
    }
    return bad || quirei_buf_addc(b, '\n') < 0 ? -1 : 0;
}

/* The notice after the header: how the hits matched, when not exactly. One
 * notice, true of every hit (quire_results_t's flags). */
static const char *notice(const quire_results_t *res)
{
    if (res->approximate && res->relaxed)
        return " (no exact match, and no document has every word: best partial matches)";
    if (res->relaxed)
        return " (no document has every word: best partial matches)";
    if (res->approximate)
        return " (no exact match: approximate matches)";
    return "";
}

/* Hit h: rank and title; id | source | author | date | score (| how it
 * matched, when not exactly); url; snippet; citation. */
static int add_hit(quirei_buf *b, const quire_hit_t *h, int ansi, const char *on,
                   const char *off)
{
    int bad = quirei_buf_addf(b, "\n%u. %s%s%s\n", h->rank, ansi ? "\033[1m" : "",
                              h->title ? h->title : h->id, ansi ? "\033[0m" : "") < 0;
    bad |= quirei_buf_addf(b, "   %s", h->id) < 0;
    if (h->source)
        bad |= quirei_buf_addf(b, " | %s", h->source) < 0;
    if (h->author)
        bad |= quirei_buf_addf(b, " | %s", h->author) < 0;
    if (h->date)
        bad |= quirei_buf_addf(b, " | %.10s", h->date) < 0;
    bad |= quirei_buf_addf(b, " | score %.2f", h->score) < 0;
    if (h->match != QUIRE_MATCH_EXACT)
        bad |= quirei_buf_addf(b, " | %s", quire_match_name(h->match)) < 0;
    if (h->corrected)
        bad |= quirei_buf_adds(b, " | corrected") < 0;
    bad |= quirei_buf_addc(b, '\n') < 0;
    if (h->url)
        bad |= quirei_buf_addf(b, "   %s\n", h->url) < 0;
    if (h->snippet) {
        bad |= quirei_buf_adds(b, "   ") < 0;
        bad |= add_marked(b, h, on, off) < 0;
        bad |= quirei_buf_addc(b, '\n') < 0;
    }
    if (h->quote)
        bad |= add_citation(b, h) < 0;
    return bad ? -1 : 0;
}

char *quire_results_text(const quire_results_t *res, int ansi)
{
    const char *on = ansi ? "\033[1;4m" : "**", *off = ansi ? "\033[0m" : "**";
    quirei_buf b = QUIREI_BUF_INIT;
    int bad = 0;
    /* A bound (the count stopped at its cap) says so; a count is exact. */
    bad |= quirei_buf_addf(&b, "%s%llu result%s for %s",
                           res->total_relation == QUIRE_TOTAL_GTE ? "at least " : "",
                           (unsigned long long)res->total, res->total == 1 ? "" : "s",
                           res->query) < 0;
    bad |= quirei_buf_adds(&b, notice(res)) < 0;
    bad |= quirei_buf_addf(&b, "  [%.2f ms]\n", res->took_ms) < 0;
    if (res->suggestion)
        bad |= quirei_buf_addf(&b, res->corrected ? "Showing results for: %s (spelling corrected)\n"
                                                  : "Did you mean: %s\n",
                               res->suggestion) < 0;
    bad |= quirei_partial_text_add(&b, res->missing_shards, res->nmissing_shards) < 0;
    bad |= quirei_facets_text_add(&b, res) < 0;
    bad |= quirei_aliases_text_add(&b, res) < 0;
    for (size_t i = 0; i < res->nhits && !bad; i++)
        bad |= add_hit(&b, &res->hits[i], ansi, on, off) < 0;
    if (bad) {
        quirei_buf_release(&b);
        return NULL;
    }
    return quirei_buf_detach(&b, NULL);
}
