/* pct.c - percent-encoding; see pct.h. */
#include "pct.h"

#include <string.h>

int quirei_pct_encode(quirei_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || strchr("._~-", *p);
        char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        if (plain ? quirei_buf_addc(b, (char)*p) < 0 : quirei_buf_add(b, esc, 3) < 0)
            return -1;
    }
    return 0;
}
