/* schema.c - the parts of the schema that are computed: shard routing and
 * date keys (see schema.h). */
#include "schema/schema.h"

#include <string.h>

#include "hash.h"
#include "number.h"
#include "schema/date.h"

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
    /* The writer stores dates normalized (quire_date_normalize); an index
     * made before it may hold any text, read the same way. */
    return date ? quirei_date_parse(date, strlen(date), 0, out, NULL, 0) : 0;
}
