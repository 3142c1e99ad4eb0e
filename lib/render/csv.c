/* csv.c - CSV fields (RFC 4180); see csv.h. */
#include "render/csv.h"

#include <stdarg.h>
#include <string.h>

#include "utf8.h"

int quirei_csv_field(quirei_buf *b, const char *s, int first)
{
    if (!first && quirei_buf_addc(b, ',') < 0)
        return -1;
    if (!s)
        return 0;
    quirei_buf clean = QUIREI_BUF_INIT;
    if (quirei_utf8_sanitize(&clean, s, strlen(s)) < 0)
        return -1;
    const char *t = quirei_buf_cstr(&clean);
    int rc = 0;
    if (!strpbrk(t, ",\"\r\n")) {
        rc = quirei_buf_add(b, t, clean.len);
    } else {
        rc = quirei_buf_addc(b, '"');
        for (const char *p = t; rc == 0 && *p; p++)
            rc = (*p == '"' ? quirei_buf_add(b, "\"\"", 2) : quirei_buf_addc(b, *p));
        if (rc == 0)
            rc = quirei_buf_addc(b, '"');
    }
    quirei_buf_release(&clean);
    return rc;
}

int quirei_csv_fieldf(quirei_buf *b, int first, const char *fmt, ...)
{
    quirei_buf f = QUIREI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = quirei_buf_vaddf(&f, fmt, ap);
    va_end(ap);
    if (rc == 0)
        rc = quirei_csv_field(b, quirei_buf_cstr(&f), first);
    quirei_buf_release(&f);
    return rc;
}

int quirei_csv_end_row(quirei_buf *b)
{
    return quirei_buf_add(b, "\r\n", 2);
}
