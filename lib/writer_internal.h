/* writer_internal.h - helpers of writer.c that the reader and tests share. */
#ifndef QUIRE_WRITER_INTERNAL_H
#define QUIRE_WRITER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* The shard that holds document `id` (FNV-1a of the id, mod nshards). */
uint32_t quirei_shard_of(const char *id, size_t len, unsigned nshards);

/* Write the sortable date key (YYYY, YYYY-MM or YYYY-MM-DD) of an ISO 8601
 * date to out; returns its length, 0 when `date` is not such a date. */
size_t quirei_date_key(const char *date, char out[11]);

#endif
