/*
 * gzip_encode.h - gzip a response body (Content-Encoding: gzip), for
 * clients that send Accept-Encoding: gzip. Result pages are JSON or text
 * of ~6 KB that compress about 3:1; browsers (portals) always accept gzip,
 * curl does with --compressed.
 */
#ifndef QUIRE_GZIP_ENCODE_H
#define QUIRE_GZIP_ENCODE_H

#include <stddef.h>

/* The gzip stream of in[0..len) in a malloc'd *out (the caller frees it),
 * its length in *outlen. Returns 0, or -1 (nothing is allocated then; the
 * caller sends the body plain) when out of memory, when len is over zlib's
 * 4 GB, or if zlib fails to end the stream. Fast compression (level 1): it
 * runs once per cached response. */
int gzip_encode(const char *in, size_t len, char **out, size_t *outlen);

/* Does an Accept-Encoding header value accept gzip? (a "gzip" coding not
 * given q=0; "*" also accepts it) */
int accepts_gzip(const char *accept_encoding);

#endif
