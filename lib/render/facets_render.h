/*
 * facets_render.h - the facets and warnings of results, and the list of
 * sources, as JSON and as text (quire.h: quire_results_json(),
 * quire_results_text(), quire_sources_json(), quire_sources_text()).
 */
#ifndef QUIRE_FACETS_RENDER_H
#define QUIRE_FACETS_RENDER_H

#include <jansson.h>
#include <quire/quire.h>

#include "strbuf.h"

/* Add "warnings" (always: [] when none) and, when facets were asked for,
 * "facets" to the results object root. 0, or -1 when out of memory. */
int quirei_facets_json_add(json_t *root, const quire_results_t *res);

/* The warnings (a line each) and the facets (a line each), for the text
 * output, appended to b. 0, or -1 when out of memory. */
int quirei_facets_text_add(quirei_buf *b, const quire_results_t *res);

#endif
