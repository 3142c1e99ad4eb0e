/*
 * pct.h - percent-encoding (RFC 3986), the one encoder of URLs and URIs
 * that Quire makes: Atom entry ids (render/atom.c) and the links of
 * quire-serve's feeds and OpenSearch description.
 */
#ifndef QUIRE_PCT_H
#define QUIRE_PCT_H

#include "strbuf.h"

/* Append s to b with every byte outside the unreserved set
 * [A-Za-z0-9._~-] written as %XX (so it fits in a path segment, a query
 * value or a tag: URI). 0, or -1 when out of memory. */
int quirei_pct_encode(quirei_buf *b, const char *s);

#endif
