/*
 * facets.h - what a search adds to its hits: the facets of its matches
 * (counted by the store's value spies over the schema's facet slots) and
 * the warnings about filters that match no document. search.c asks for
 * the spies (quirei_facet_slots()) on the run that counts the matches and
 * hands their counts here (quirei_extras_make()).
 */
#ifndef QUIRE_FACETS_H
#define QUIRE_FACETS_H

#include <quire/quire.h>

#include "query/query_parser.h"
#include "store/index.h"

/* The slots to spy on for the facets o asks for (QUIREI_MAX_SPIES room in
 * slots), in quire_facet_field_t order; their number (0: no facets). */
size_t quirei_facet_slots(const quire_search_options_t *o, unsigned *slots);

/* What the results own for their facets and warnings (opaque). */
typedef struct quirei_extras quirei_extras;

/*
 * The facets of o from `counts` (taken: freed here or with the extras;
 * may be NULL when o asks for none) and the warnings of the filters of o
 * and of tree, into res->facets/nfacets and res->warnings/nwarnings,
 * which point into *out (free it with quirei_extras_free() when res is
 * freed). The warnings cost a term lookup per source filter and a
 * one-document match per date filter. Returns QUIRE_OK, QUIRE_ENOMEM, or
 * a store status (message in r's detail).
 */
quire_status_t quirei_extras_make(quire_reader_t *r, const qn *tree,
                                  const quire_search_options_t *o, quirei_value_counts *counts,
                                  quire_results_t *res, quirei_extras **out);
void quirei_extras_free(quirei_extras *x);

#endif
