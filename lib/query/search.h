/*
 * search.h - the search of quire_search() with a larger page, for the
 * library's own exports (export.c): a deep export in pages of
 * QUIRE_MAX_LIMIT would run the query a hundred times, and a query sorted
 * by date costs about the same at any page size (every match's date is
 * read), so an export of 10,000 hits sorted by date took ~20 s.
 */
#ifndef QUIRE_QUERY_SEARCH_H
#define QUIRE_QUERY_SEARCH_H

#include <quire/quire.h>

/* quire_search() with opts->limit up to max_limit instead of
 * QUIRE_MAX_LIMIT (offset + limit still at most QUIRE_MAX_OFFSET). */
quire_status_t quirei_search_window(quire_reader_t *r, const char *query,
                                    const quire_search_options_t *opts, unsigned max_limit,
                                    quire_results_t **out);

#endif
