/*
 * fuzz_date.c - the one date reader (lib/schema/date.c) on any bytes: it
 * must never read past its input, and what it accepts must be a normalized
 * calendar date that reads back as itself in the strict form queries use.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1); /* exactly size bytes: overreads trip ASan */
    if (!s)
        return 0;
    memcpy(s, data, size);
    for (int strict = 0; strict < 2; strict++) {
        char out[11], again[11], why[96];
        size_t n = quirei_date_parse(s, size, strict, out, why, sizeof why);
        if (n == 0)
            continue;
        if (n != 4 && n != 7 && n != 10)
            abort();
        if (quirei_date_parse(out, n, 1, again, why, sizeof why) != n || strcmp(out, again) != 0)
            abort();
    }
    free(s);
    return 0;
}
