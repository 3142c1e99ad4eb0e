/*
 * results_json.h - the hit object of the results JSON, shared by
 * quire_results_json() and the exports built on it (JSON Lines).
 */
#ifndef QUIRE_RENDER_RESULTS_JSON_H
#define QUIRE_RENDER_RESULTS_JSON_H

#include <jansson.h>
#include <quire/quire.h>

/* Hit h as the JSON object of quire_results_json()'s "hits" (schema in
 * quire.h), or NULL when out of memory. */
json_t *quirei_hit_json(const quire_hit_t *h);

#endif
