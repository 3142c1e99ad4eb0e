/*
 * hits.h - what the search (search.c) hands to the filling of its page
 * (hits.c): the picked hits, which tier and fallback they came from, and
 * the results they are filled into.
 */
#ifndef QUIRE_QUERY_HITS_H
#define QUIRE_QUERY_HITS_H

#include <quire/quire.h>

#include "query/aliases.h"
#include "query/facets.h"
#include "query/query_parser.h"
#include "render/snippet.h"
#include "store/index.h"

/* Hit i of mset m. */
typedef struct quirei_pick {
    quirei_mset *m;
    size_t i;
} quirei_pick;

/* The page the search picked, and how its hits matched (the same for
 * every hit: the fallback that answered). */
typedef struct quirei_page {
    const quirei_pick *picks;
    size_t npicks;
    const quirei_mset *ma; /* a quote-like query's words-together tier, or NULL */
    int approximate, relaxed, corrected;
} quirei_page;

typedef struct hit_impl {
    quire_stored_doc_t *doc;
    quirei_snippet snip;
    quire_span_t *spans;
} hit_impl_t;

/* quire_results_t and what its strings and hits point into. */
typedef struct results_impl {
    quire_results_t pub; /* first: the public pointer is this struct */
    char *query;
    char *suggestion; /* spelling.h: the corrected query, or NULL */
    hit_impl_t *impl;
    quirei_extras *extras; /* facets and warnings */
    quirei_alias_info *aliases; /* names added (aliases.h) */
    char **missing; /* pub.missing_shards: the shards down, copied */
} results_impl_t;

/* Mark ri partial when some of r's shards are down, copying their names.
 * QUIRE_OK or QUIRE_ENOMEM. */
quire_status_t quirei_results_note_shards(quire_reader_t *r, results_impl_t *ri);

/* The end of a search or similar: on QUIRE_OK, ri (timed from t0, in ms)
 * goes to *out; otherwise ri (may be NULL) is freed and, for QUIRE_ENOMEM
 * with no detail set yet, r's detail says "out of memory". Returns st. */
quire_status_t quirei_results_finish(quire_reader_t *r, results_impl_t *ri, quire_status_t st,
                                     double t0, quire_results_t **out);

/* The results with room for nhits hits (none filled yet), or NULL when out
 * of memory. Freed with quire_results_free(&ri->pub). */
results_impl_t *quirei_results_new(const char *query, size_t nhits);

/* Fill ri's hits from the page: stored fields, ranks from o->offset, and
 * unless o->no_snippets the snippet, highlights and quote for tree.
 * Returns QUIRE_OK, QUIRE_ENOMEM or a read error; every hit filled so far
 * is freed with the results either way. */
quire_status_t quirei_results_fill(quire_reader_t *r, const qn *tree,
                                   const quire_search_options_t *o, const quirei_page *page,
                                   results_impl_t *ri);

#endif
