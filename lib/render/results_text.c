/* results_text.c - quire_results_text(): results readable in a terminal. */
#include <quire/quire.h>
#include <stdlib.h>
#include <string.h>

#include "render/facets_render.h"
#include "strbuf.h"

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
    if (res->relaxed)
        bad |= quirei_buf_adds(&b, " (no document has every word: best partial matches)") < 0;
    if (res->approximate)
        bad |= quirei_buf_adds(&b, " (no exact match: approximate matches)") < 0;
    bad |= quirei_buf_addf(&b, "  [%.2f ms]\n", res->took_ms) < 0;
    bad |= quirei_facets_text_add(&b, res) < 0;
    for (size_t i = 0; i < res->nhits && !bad; i++) {
        const quire_hit_t *h = &res->hits[i];
        bad |= quirei_buf_addf(&b, "\n%u. %s%s%s\n", h->rank, ansi ? "\033[1m" : "",
                               h->title ? h->title : h->id, ansi ? "\033[0m" : "") < 0;
        bad |= quirei_buf_addf(&b, "   %s", h->id) < 0;
        if (h->source)
            bad |= quirei_buf_addf(&b, " | %s", h->source) < 0;
        if (h->author)
            bad |= quirei_buf_addf(&b, " | %s", h->author) < 0;
        if (h->date)
            bad |= quirei_buf_addf(&b, " | %.10s", h->date) < 0;
        bad |= quirei_buf_addf(&b, " | score %.2f\n", h->score) < 0;
        if (h->url)
            bad |= quirei_buf_addf(&b, "   %s\n", h->url) < 0;
        if (h->snippet) {
            bad |= quirei_buf_adds(&b, "   ") < 0;
            bad |= add_marked(&b, h, on, off) < 0;
            bad |= quirei_buf_addc(&b, '\n') < 0;
        }
        if (h->quote)
            bad |= quirei_buf_addf(&b, "   quote (bytes %zu-%zu): \"%s\"\n", h->quote_start,
                                   h->quote_end, h->quote) < 0;
    }
    if (bad) {
        quirei_buf_release(&b);
        return NULL;
    }
    return quirei_buf_detach(&b, NULL);
}
