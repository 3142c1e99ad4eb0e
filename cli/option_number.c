/* option_number.c - number-valued command-line options; see option_number.h. */
#include "option_number.h"

#include <stdint.h>
#include <stdio.h>

#include "number.h"

int quirei_option_number(const char *prog, const char *opt, const char *arg, unsigned lo,
                         unsigned hi, unsigned *out)
{
    uint64_t v;
    if (quirei_parse_number(arg, lo, hi, &v) < 0) {
        fprintf(stderr, "%s: --%s takes a number from %u to %u\n", prog, opt, lo, hi);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}
