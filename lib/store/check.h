/*
 * check.h - the consistency check of one shard (store/check.cc), the C
 * face of Xapian's Database::check.
 *
 * Like index.h, every function catches Xapian::Error and every other
 * exception; nothing here knows Quire's schema (the record format and the
 * metadata keys are write/verify.c's).
 */
#ifndef QUIRE_CHECK_H
#define QUIRE_CHECK_H

#include <quire/quire.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The tables every Quire shard holds (the ones the report names). */
#define QUIREI_CHECK_TABLES 4
extern const char *const quirei_check_tables[QUIREI_CHECK_TABLES];

/* What the check of one shard found. Each table's line is "ok" or what is
 * wrong with it; `errors` counts the faults found in all of them. */
typedef struct quirei_shard_report {
    quirei_buf table[QUIREI_CHECK_TABLES]; /* one line each, "" = not checked */
    quirei_buf other;  /* faults outside the tables (iamglass, cross-table) */
    unsigned errors;
} quirei_shard_report;

void quirei_shard_report_release(quirei_shard_report *r);

/* Check the glass database in directory `path` with Xapian's
 * Database::check (every B-tree block, every item, the tables against each
 * other), and that each table of quirei_check_tables exists. On a fault,
 * each table is checked alone as well, so the report says which tables are
 * damaged. QUIRE_OK when the check ran (then r->errors says whether the
 * shard is sound), QUIRE_ENOMEM. */
quire_status_t quirei_shard_check(const char *path, quirei_shard_report *r);

/* Call fn(docid, data, len, ctx) for every document of the shard at
 * `path`, in docid order, until it returns non-zero. A document whose data
 * cannot be read is a store status (QUIRE_ECORRUPT, QUIRE_EIO, ...) with
 * its message in err. */
typedef int (*quirei_data_fn)(unsigned docid, const char *data, size_t len, void *ctx);
quire_status_t quirei_shard_each_data(const char *path, quirei_data_fn fn, void *ctx,
                                      quirei_buf *err);

/* The metadata value of `key` in the shard at `path`, appended to val
 * (nothing for a missing key), and its identity: uuid (37 bytes with its
 * NUL) and revision. */
quire_status_t quirei_shard_identity(const char *path, const char *key, quirei_buf *val,
                                     char uuid[37], uint64_t *revision, quirei_buf *err);

/* The version of the Xapian library loaded ("1.4.22"). Static. */
const char *quirei_xapian_version(void);

#ifdef __cplusplus
}
#endif

#endif
