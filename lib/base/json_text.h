/*
 * json_text.h - strings into JSON (jansson) that never fail on bad text.
 *
 * jansson refuses invalid UTF-8, but a query is echoed as the user sent it
 * and error messages quote user input. Both the library's results JSON and
 * the server's error bodies go through here, so both repair text the same
 * way: each invalid sequence becomes U+FFFD (as the writer does to stored
 * text, utf8.h), never '?' or a dropped field.
 */
#ifndef QUIRE_JSON_TEXT_H
#define QUIRE_JSON_TEXT_H

#include <jansson.h>

/* A new JSON string of s (repaired), json_null() for NULL; NULL only when
 * out of memory. */
json_t *quirei_json_text(const char *s);

#endif
