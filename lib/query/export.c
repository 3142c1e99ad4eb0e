/*
 * export.c - quire_export_*: every match of a query, a page at a time
 * (quire/export.h). Each page is one search at the next offset
 * (quirei_search_window(), pages of QUIRE_EXPORT_PAGE hits: ten searches
 * for 10,000 hits rather than a hundred):
 * the ranking, ties by id, tiers and fallbacks are the search's own, so an
 * export lists exactly the hits that paging through /api/search would.
 */
#include <quire/quire.h>
#include <stdlib.h>
#include <string.h>

#include "query/reader.h"
#include "query/search.h"
#include "strbuf.h"

struct quire_export {
    quire_reader_t *r;
    char *query;
    char *strings[3];          /* copies of source, date_from, date_to */
    quire_search_options_t o;  /* offset and limit: the next page's */
    quire_results_t *page;     /* the page to give next, or given last */
    int given;                 /* page was handed out */
    uint64_t start, end;       /* the hits [start, end) are exported */
    uint64_t gen;              /* the generation the export is on */
};

void quire_export_free(quire_export_t *e)
{
    if (!e)
        return;
    quire_results_free(e->page);
    free(e->query);
    for (size_t i = 0; i < 3; i++)
        free(e->strings[i]);
    free(e);
}

/* A copy of s (NULL stays NULL) into *slot; -1 when out of memory. */
static int keep(char **slot, const char **s)
{
    if (!*s)
        return 0;
    if (!(*slot = strdup(*s)))
        return -1;
    *s = *slot;
    return 0;
}

/* Search the page at e->o.offset; hits up to e->end. */
static quire_status_t search_page(quire_export_t *e)
{
    uint64_t left = e->end - e->o.offset;
    e->o.limit = left < QUIRE_EXPORT_PAGE ? (unsigned)left : QUIRE_EXPORT_PAGE;
    quire_results_free(e->page);
    e->page = NULL;
    e->given = 0;
    return quirei_search_window(e->r, e->query, &e->o, QUIRE_EXPORT_PAGE, &e->page);
}

quire_status_t quire_export_open(quire_reader_t *r, const char *query,
                                 const quire_search_options_t *opts, quire_export_t **out)
{
    if (out)
        *out = NULL;
    if (!r || !query || !out)
        return QUIRE_EINVAL;
    quire_export_t *e = calloc(1, sizeof *e);
    if (!e || !(e->query = strdup(query))) {
        free(e);
        return QUIRE_ENOMEM;
    }
    e->r = r;
    if (opts)
        e->o = *opts;
    if (keep(&e->strings[0], &e->o.source) || keep(&e->strings[1], &e->o.date_from) ||
        keep(&e->strings[2], &e->o.date_to)) {
        quire_export_free(e);
        return QUIRE_ENOMEM;
    }
    /* Rows have no facets: counting them on every page would only cost. */
    e->o.facets = 0;
    if (e->o.offset >= QUIRE_MAX_OFFSET) {
        quirei_buf_setf(&r->detail, "an export starts below offset %d", QUIRE_MAX_OFFSET);
        r->errpos = -1;
        quire_export_free(e);
        return QUIRE_EQUERY;
    }
    e->start = e->o.offset;
    e->end = QUIRE_MAX_OFFSET; /* until the first page tells the total */
    quire_status_t st = search_page(e);
    if (st == QUIRE_OK)
        st = quire_reader_generation(r, &e->gen);
    if (st != QUIRE_OK) {
        quire_export_free(e);
        return st;
    }
    if (e->page->total < e->end)
        e->end = e->page->total;
    if (e->end < e->start)
        e->end = e->start;
    *out = e;
    return QUIRE_OK;
}

uint64_t quire_export_count(const quire_export_t *e)
{
    return e ? e->end - e->start : 0;
}

quire_status_t quire_export_next(quire_export_t *e, const quire_results_t **page)
{
    if (!e || !page)
        return QUIRE_EINVAL;
    *page = NULL;
    if (e->page && !e->given) {
        e->given = 1;
        if (e->page->nhits)
            *page = e->page;
        return QUIRE_OK;
    }
    /* The page given last ends where the next begins. */
    e->o.offset += e->page ? (unsigned)e->page->nhits : 0;
    if (!e->page || !e->page->nhits || e->o.offset >= e->end)
        return QUIRE_OK;
    quire_status_t st = search_page(e);
    uint64_t gen = 0;
    if (st == QUIRE_OK && (st = quire_reader_generation(e->r, &gen)) == QUIRE_OK &&
        gen != e->gen) {
        /* The search moved the reader to a newer revision: its ranks
         * would not continue the pages given. */
        quirei_buf_setf(&e->r->detail, "the index changed during the export");
        st = QUIRE_EMODIFIED;
    }
    if (st != QUIRE_OK)
        return st;
    e->given = 1;
    if (e->page->nhits)
        *page = e->page;
    return QUIRE_OK;
}
