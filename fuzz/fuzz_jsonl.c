/* libFuzzer target: one JSON Lines record. */
#include <stdint.h>

#include "jsonl_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *holder = NULL;
    quire_doc_t doc;
    char err[256];
    if (qx_jsonl_parse_line((const char *)data, size, &holder, &doc, err, sizeof err) ==
        QX_RECORD_OK)
        json_decref(holder);
    return 0;
}
