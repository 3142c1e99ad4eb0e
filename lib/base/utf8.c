/* utf8.c - UTF-8 decoding and repair; see utf8.h. */
#include "utf8.h"

size_t quirei_utf8_decode(const unsigned char *s, size_t len, int32_t *cp, int *bad)
{
    unsigned c = s[0];
    *bad = 0;
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    size_t n;
    int32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; v = c & 0x07; min = 0x10000;
    } else {
        goto invalid;
    }
    if (len < n)
        goto invalid;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            goto invalid;
        v = (v << 6) | (s[i] & 0x3F);
    }
    /* Reject overlongs, surrogates and values past U+10FFFF. */
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        goto invalid;
    *cp = v;
    return n;
invalid:
    *cp = 0xFFFD;
    *bad = 1;
    return 1;
}

int quirei_utf8_put(quirei_buf *b, int32_t cp)
{
    char out[4];
    size_t n;
    uint32_t u = (uint32_t)cp;
    if (u < 0x80) {
        out[0] = (char)u; n = 1;
    } else if (u < 0x800) {
        out[0] = (char)(0xC0 | (u >> 6));
        out[1] = (char)(0x80 | (u & 0x3F)); n = 2;
    } else if (u < 0x10000) {
        out[0] = (char)(0xE0 | (u >> 12));
        out[1] = (char)(0x80 | ((u >> 6) & 0x3F));
        out[2] = (char)(0x80 | (u & 0x3F)); n = 3;
    } else {
        out[0] = (char)(0xF0 | (u >> 18));
        out[1] = (char)(0x80 | ((u >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((u >> 6) & 0x3F));
        out[3] = (char)(0x80 | (u & 0x3F)); n = 4;
    }
    return quirei_buf_add(b, out, n);
}

long quirei_utf8_sanitize(quirei_buf *b, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    long bad_count = 0;
    size_t i = 0, run = 0; /* bytes [run, i) are valid and not yet copied */
    if (quirei_buf_grow(b, len) < 0)
        return -1;
    while (i < len) {
        if (u[i] >= 0x01 && u[i] < 0x80) {
            i++;
            continue;
        }
        int32_t cp;
        int bad = 0;
        size_t n = u[i] ? quirei_utf8_decode(u + i, len - i, &cp, &bad) : 1;
        if (!bad && u[i]) {
            i += n;
            continue;
        }
        if (quirei_buf_add(b, s + run, i - run) < 0)
            return -1;
        if (bad) {
            if (quirei_utf8_put(b, 0xFFFD) < 0)
                return -1;
            bad_count++;
        }
        i += 1;
        run = i;
    }
    if (quirei_buf_add(b, s + run, i - run) < 0)
        return -1;
    return bad_count;
}
