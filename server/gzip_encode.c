/*
 * gzip_encode.c - gzip response bodies (see gzip_encode.h).
 */
#include "gzip_encode.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

int gzip_encode(const char *in, size_t len, char **out, size_t *outlen)
{
    /* zlib counts input in uInt: a larger body (never a result page) is
     * sent plain rather than cut short. */
    if (len > UINT_MAX)
        return -1;
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16: a gzip header and trailer, not a zlib one. */
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t cap = deflateBound(&z, (uLong)len);
    char *buf = malloc(cap ? cap : 1);
    if (!buf) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = (Bytef *)(void *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    int r = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    /* deflateBound() promises room for the whole stream, so one
     * deflate(Z_FINISH) ends it: r is Z_STREAM_END with every zlib we know.
     * The check stays because that promise is zlib's, not ours: a stream
     * not ended would be a truncated gzip body, which the client takes for
     * a damaged answer, so the caller is told to send the body plain. */
    if (r != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    *outlen = n;
    return 0;
}

/* The q value of the coding that starts at p (after its name), 1 if none. */
static double q_value(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != ';')
        return 1.0;
    const char *q = strstr(p, "q=");
    const char *comma = strchr(p, ',');
    if (!q || (comma && q > comma))
        return 1.0;
    return strtod(q + 2, NULL);
}

int accepts_gzip(const char *ae)
{
    if (!ae)
        return 0;
    int star = 0;
    for (const char *p = ae; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, " \t;,");
        if (n == 4 && strncasecmp(p, "gzip", 4) == 0)
            return q_value(p + n) > 0;
        if (n == 1 && *p == '*')
            star = q_value(p + n) > 0;
        p += n;
        p += strcspn(p, ",");
    }
    return star;
}
