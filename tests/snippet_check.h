/*
 * snippet_check.h - looking at a quirei_snippet in the snippet tests
 * (test_snippet_windows, test_snippet_regions): long bodies of filler
 * around a few words, the snippet made, its highlights read back.
 * Failures are Criterion assertions.
 */
#ifndef QUIRE_TEST_SNIPPET_CHECK_H
#define QUIRE_TEST_SNIPPET_CHECK_H

#include <stddef.h>

#include "render/snippet.h"
#include "strbuf.h"
#include "text/stemmer.h"

/* The text under highlight i of s, malloc'd. */
char *qt_highlight_text(const quirei_snippet *s, size_t i);

/* How many of s's highlights are exactly `want`. */
int qt_highlights_of(const quirei_snippet *s, const char *want);

/* Append filler sentences holding none of the words looked for, `bytes`
 * long at least, to b. */
void qt_filler(quirei_buf *b, size_t bytes);

/* s (initialized here) made from body for the units u[0..nu), English,
 * 250 characters at most. */
void qt_snippet_make(quirei_snippet *s, const quirei_buf *body, const quirei_unit *u, size_t nu,
                     quirei_stemmer *st);

#endif
