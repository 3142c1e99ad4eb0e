/*
 * partial_render.h - "some shards were down" in an answer: the JSON
 * fields and the text line, one way for results and for the sources list.
 */
#ifndef QUIRE_PARTIAL_RENDER_H
#define QUIRE_PARTIAL_RENDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* Set "partial" and "missing_shards" (the n names, [] when none) in the
 * object root. 0, or -1 when out of memory. */
int quirei_partial_json_add(json_t *root, bool partial, const char *const *names, size_t n);

/* Append "Partial results: N shard(s) down: a, b\n" to b when n > 0.
 * 0, or -1 when out of memory. */
int quirei_partial_text_add(quirei_buf *b, const char *const *names, size_t n);

#endif
