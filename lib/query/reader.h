/* reader_internal.h - the reader's state, shared with the search code. */
#ifndef QUIRE_READER_INTERNAL_H
#define QUIRE_READER_INTERNAL_H

#include <quire/quire.h>

#include "store/index.h"
#include "text/stemmer.h"
#include "strbuf.h"

struct quire_reader {
    quirei_rdb *db;
    char language[64];
    quirei_buf detail;
    long errpos;              /* of the last QUIRE_EQUERY, or -1 */
    struct quirei_stemmer *stem; /* made on first search */
    uint64_t gen;             /* quire_reader_generation(), when gen_valid */
    int gen_valid;            /* cleared by every reopen */
};


#endif
