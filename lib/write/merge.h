/*
 * merge.h - merging a closed index's shards into one database (the last
 * step of quire_writer_close() with merge_on_close).
 */
#ifndef QUIRE_MERGE_H
#define QUIRE_MERGE_H

#include <quire/quire.h>

#include "strbuf.h"

/* Compact the (closed) shards names[0..n) of the index at `path` into one
 * new directory, switch the stub to it, and delete the old ones. A failure
 * leaves the stub and the shards as they were (only the new directory is
 * removed). QUIRE_OK, QUIRE_ENOMEM (err may be empty), or a store status
 * with its message in err. */
quire_status_t quirei_merge_shards(const char *path, const char *const *names, unsigned n,
                                   quirei_buf *err);

#endif
