/* libFuzzer target: the .txt extractors, the scraped-article rules
 * (scrape_clean.c) and the plain rule. */
#include <stdint.h>

#include "extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qx_fields f;
    qx_fields_init(&f);
    char err[256];
    qx_extract_text((const char *)data, size, &f, err, sizeof err);
    qx_extract_text_raw((const char *)data, size, &f, err, sizeof err);
    qx_fields_release(&f);
    return 0;
}
