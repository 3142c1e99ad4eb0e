/*
 * sync_tree.h - make a shard directory durable: the one fsync of a
 * brand-new index whose shards were written without syncing each commit
 * (store/index.h: quirei_wdb_open_sync), and of every merged or compacted
 * generation before the stub names it (Xapian's compaction does not sync
 * what it writes).
 */
#ifndef QUIRE_SYNC_TREE_H
#define QUIRE_SYNC_TREE_H

#include <quire/quire.h>

#include "strbuf.h"

/* Start writing back the dirty pages of every file in the directory
 * `dir`, without waiting (Linux's sync_file_range; nothing elsewhere): a
 * later quirei_sync_tree() then finds most of the work done. Best effort. */
void quirei_sync_start(const char *dir);

/* fsync every regular file in the directory `dir`, then `dir` itself.
 * QUIRE_OK, or QUIRE_EIO with what failed in err. */
quire_status_t quirei_sync_tree(const char *dir, quirei_buf *err);

#endif
