/* schema.c - the parts of the schema that are computed: shard routing and
 * date keys (see schema.h). */
#include "schema/schema.h"

#include <string.h>

#include "hash.h"
#include "number.h"

uint32_t quirei_shard_of(const char *id, size_t len, unsigned nshards)
{
    return nshards ? quirei_fnv1a32(QUIREI_FNV32_INIT, id, len) % nshards : 0;
}

quire_status_t quirei_schema_check(const char *path, const char *version, size_t len,
                                   quirei_buf *msg)
{
    uint64_t v;
    if (len == 0) {
        quirei_buf_setf(msg, "%s: not a Quire index (no schema version)", path);
        return QUIRE_ENOTINDEX;
    }
    if (strlen(version) == len &&
        quirei_parse_number(version, QUIRE_SCHEMA_VERSION, QUIRE_SCHEMA_VERSION, &v) == 0)
        return QUIRE_OK;
    /* An older index is the common case after an upgrade: say what it
     * lacks, so the rebuild is not a mystery. */
    int older = strlen(version) == len &&
                quirei_parse_number(version, 1, QUIRE_SCHEMA_VERSION - 1, &v) == 0;
    quirei_buf_setf(msg,
                    "%s: schema version %.*s, this build reads %d (rebuild the index with "
                    "quire-index into a new directory%s)",
                    path, (int)(len < 32 ? len : 32), version, QUIRE_SCHEMA_VERSION,
                    older ? "; schema 3 added the facet values of source, author and year"
                          : "");
    return QUIRE_ESCHEMA;
}

size_t quirei_date_key(const char *date, char out[11])
{
    /* YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by a time. */
    if (!date)
        return 0;
    static const char shape[] = "dddd-dd-dd";
    size_t n = 0;
    while (n < 10 && date[n]) {
        char c = date[n];
        if (shape[n] == 'd' ? !(c >= '0' && c <= '9') : c != '-')
            break;
        n++;
    }
    if (n != 4 && n != 7 && n != 10)
        return 0;
    char next = date[n];
    if (next != '\0' && next != 'T' && next != ' ' && next != 't')
        return 0;
    if (n >= 7) {
        int month = (date[5] - '0') * 10 + (date[6] - '0');
        if (month < 1 || month > 12)
            return 0;
    }
    if (n == 10) {
        int day = (date[8] - '0') * 10 + (date[9] - '0');
        if (day < 1 || day > 31)
            return 0;
    }
    memcpy(out, date, n);
    out[n] = '\0';
    return n;
}
