/* libFuzzer target: the markdown extractor. */
#include <stdint.h>

#include "extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qx_fields f;
    qx_fields_init(&f);
    char err[256];
    qx_extract_markdown((const char *)data, size, &f, err, sizeof err);
    qx_fields_release(&f);
    return 0;
}
