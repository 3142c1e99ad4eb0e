/* number.c - strict decimal numbers; see number.h. */
#include "number.h"

#include <stdio.h>

int quirei_parse_number(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (!s || !*s)
        return -1;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1; /* overflow: certainly over hi */
        v = v * 10 + d;
    }
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int quirei_option_number(const char *prog, const char *opt, const char *arg, long lo, long hi,
                         long *out)
{
    uint64_t v;
    if (lo < 0 || hi < lo || quirei_parse_number(arg, (uint64_t)lo, (uint64_t)hi, &v) < 0) {
        fprintf(stderr, "%s: %s takes a number from %ld to %ld, not '%s'\n", prog, opt, lo, hi,
                arg ? arg : "");
        return -1;
    }
    *out = (long)v;
    return 0;
}
