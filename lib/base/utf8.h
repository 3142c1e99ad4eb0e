/* utf8.h - small UTF-8 helpers shared by the tokenizer, writer and snippets. */
#ifndef QUIRE_UTF8_H
#define QUIRE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/*
 * Decode one code point from s[0..len). Returns the number of bytes used
 * (>= 1). An invalid or truncated sequence yields *cp = 0xFFFD, consumes
 * one byte and sets *bad = 1 (else *bad = 0). len must be > 0.
 */
size_t quirei_utf8_decode(const unsigned char *s, size_t len, int32_t *cp, int *bad);

/* Append the UTF-8 encoding of cp. 0 or -1 on OOM. */
int quirei_utf8_put(quirei_buf *b, int32_t cp);

/*
 * Append s[0..len) to b with every invalid sequence replaced by U+FFFD and
 * NUL bytes dropped (C strings cannot hold them). Returns the number of
 * replacements, or -1 on OOM. Valid input is copied unchanged (fast path).
 */
long quirei_utf8_sanitize(quirei_buf *b, const char *s, size_t len);

#endif
