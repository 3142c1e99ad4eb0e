/* strbuf.c - growing byte buffer; see strbuf.h for the invariants. */
#include "strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int quirei_buf_grow(quirei_buf *b, size_t extra)
{
    if (extra > (size_t)-1 / 2 - b->len)
        return -1;
    size_t need = b->len + extra;
    if (b->ptr && need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 32;
    while (cap < need)
        cap = cap / 2 * 3 + 16; /* 1.5x growth keeps big buffers from doubling wastefully */
    char *p = realloc(b->ptr, cap + 1);
    if (!p)
        return -1;
    if (!b->ptr)
        p[0] = '\0';
    b->ptr = p;
    b->cap = cap;
    return 0;
}

int quirei_buf_add(quirei_buf *b, const void *data, size_t len)
{
    if (quirei_buf_grow(b, len) < 0)
        return -1;
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return 0;
}

int quirei_buf_adds(quirei_buf *b, const char *s)
{
    return quirei_buf_add(b, s, strlen(s));
}

int quirei_buf_addc(quirei_buf *b, char c)
{
    return quirei_buf_add(b, &c, 1);
}

int quirei_buf_vaddf(quirei_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, cp);
    va_end(cp);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof small)
        return quirei_buf_add(b, small, (size_t)n);
    if (quirei_buf_grow(b, (size_t)n) < 0)
        return -1;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int quirei_buf_addf(quirei_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = quirei_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return r;
}

int quirei_buf_setf(quirei_buf *b, const char *fmt, ...)
{
    quirei_buf_reset(b);
    va_list ap;
    va_start(ap, fmt);
    int r = quirei_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return r;
}

int quirei_buf_set(quirei_buf *b, const void *data, size_t len)
{
    quirei_buf_reset(b);
    return quirei_buf_add(b, data, len);
}

void quirei_buf_reset(quirei_buf *b)
{
    quirei_buf_truncate(b, 0);
}

void quirei_buf_truncate(quirei_buf *b, size_t len)
{
    if (len > b->len)
        return;
    b->len = len;
    if (b->ptr)
        b->ptr[len] = '\0';
}

void quirei_buf_rtrim(quirei_buf *b)
{
    size_t n = b->len;
    while (n > 0 && isspace((unsigned char)b->ptr[n - 1]))
        n--;
    quirei_buf_truncate(b, n);
}

void quirei_buf_release(quirei_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

char *quirei_buf_detach(quirei_buf *b, size_t *len)
{
    char *p = b->ptr;
    if (len)
        *len = b->len;
    if (!p)
        p = calloc(1, 1);
    b->ptr = NULL;
    b->len = b->cap = 0;
    return p;
}
