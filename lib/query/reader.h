/*
 * reader.h - the reader's state (struct quire_reader), shared by the read
 * side: reader.c (open, reopen, get), compile.c and search.c; and the one
 * QUIRE_EMODIFIED retry policy of the read side.
 */
#ifndef QUIRE_READER_H
#define QUIRE_READER_H

#include <quire/quire.h>

#include "store/index.h"
#include "text/stemmer.h"
#include "strbuf.h"

struct quire_reader {
    quirei_rdb *db;
    char language[64];
    quirei_buf detail;
    long errpos;              /* of the last QUIRE_EQUERY, or -1 */
    const char *erropt;       /* the option of the last QUIRE_EOPTION, or NULL */
    struct quirei_stemmer *stem; /* made on first search */
    uint64_t gen;             /* quire_reader_generation(), when gen_valid */
    int gen_valid;            /* cleared by every reopen */
    int require_all;          /* quire_reader_options_t.require_all_shards */
};

/*
 * QUIRE_OK when the reader may answer: every shard is up, or some are down
 * and partial answers are allowed. Otherwise QUIRE_EIO, naming the shards
 * down in r's detail. Searches and fetches call it first.
 */
quire_status_t quirei_reader_check_shards(quire_reader_t *r);

/*
 * How often a read that failed with QUIRE_EMODIFIED runs again after
 * quire_reader_reopen(). A commit discards the revision a reader is on
 * (Xapian keeps only the newest ones), so a read on a reader that was not
 * reopened for a while can fail; a retry on the newest revision almost
 * always works, and three cover a writer that commits again meanwhile.
 */
#define QUIREI_MODIFIED_RETRIES 3

/*
 * Should a read that ended with status st run again? Yes (1) when st is
 * QUIRE_EMODIFIED, *retries (the retries so far, start at 0) is below
 * QUIREI_MODIFIED_RETRIES, and r moved to the newest revision; *retries is
 * then counted up. No (0) otherwise; when the reopen itself failed, its
 * message is in r's detail and the read keeps QUIRE_EMODIFIED.
 *
 *     unsigned retries = 0;
 *     do st = read_once(r, ...); while (quirei_reader_retry(r, st, &retries));
 */
int quirei_reader_retry(quire_reader_t *r, quire_status_t st, unsigned *retries);

#endif
