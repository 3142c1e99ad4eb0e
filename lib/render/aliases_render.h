/*
 * aliases_render.h - the threat-actor names a search added
 * (quire_results_t.expanded) as JSON and text.
 */
#ifndef QUIRE_ALIASES_RENDER_H
#define QUIRE_ALIASES_RENDER_H

#include <jansson.h>
#include <quire/quire.h>

#include "strbuf.h"

/* Add "expanded" (always: [] when none) to the results object root. 0, or
 * -1 when out of memory. */
int quirei_aliases_json_add(json_t *root, const quire_results_t *res);

/* The line "aliases: also searched for A, B, C" (none when nothing was
 * added). 0, or -1 when out of memory. */
int quirei_aliases_text_add(quirei_buf *b, const quire_results_t *res);

#endif
