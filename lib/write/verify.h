/*
 * verify.h - the writer's side of issue 16: never write into a damaged
 * index, never switch the stub to a generation that fails its check.
 * quire_index_check() (quire.h) is the same check for everyone.
 *
 * A shard found sound is remembered in a file inside it (QUIREI_CHECKED_FILE:
 * a hash of its files' names, sizes, inodes and change times, which every
 * commit changes), so that the next writer skips checking it again
 * until it changes: adding to a sound index costs one check of what the
 * write produced, not two.
 */
#ifndef QUIRE_VERIFY_H
#define QUIRE_VERIFY_H

#include <quire/quire.h>

#include "store/layout.h"
#include "strbuf.h"

/* The file, inside a shard directory, that records its last sound check
 * ("files HASH\n"). Xapian ignores files it does not know. */
#define QUIREI_CHECKED_FILE "quire-checked"

/* Check the shard directory `shard` fully, appending its report to
 * `report` (may be NULL). With `use_cache`, a shard whose last sound check
 * is recorded for its files as they are is not checked again, and a sound
 * result is recorded (the writer, which holds the index lock); without,
 * nothing is written (quire_index_check).
 * QUIRE_OK when sound; QUIRE_ECORRUPT when damaged (a one-line summary
 * naming the shard and its faults in `err`); QUIRE_ESCHEMA/QUIRE_ENOTINDEX
 * for a schema version this build cannot read or none; QUIRE_ENOMEM. */
quire_status_t quirei_verify_shard(const char *shard, int use_cache, quirei_buf *report,
                                   quirei_buf *err);

/* Check the shards names[0..n) of the index at `dir`, each as
 * quirei_verify_shard() with the cache. Stops at the first failure, whose
 * message (with what to do) is in err. */
quire_status_t quirei_verify_shards(const char *dir, const char *const *names, unsigned n,
                                    quirei_buf *err);

/* The writer's check before it writes into the index at `dir` (holding
 * its lock): shards names[0..n). QUIRE_OK, or the failure with its message
 * (what is damaged, what to do) in a malloc'd *detail (when detail is not
 * NULL; freed first). */
quire_status_t quirei_verify_before_write(const char *dir,
                                          const char (*names)[QUIREI_SHARD_NAME_MAX],
                                          unsigned n, char **detail);

/* The check of a new generation `fresh` (a merged or compacted shard
 * directory of the index at `dir`) before the stub names it; `previous`
 * names what the stub keeps naming when it fails. QUIRE_OK, or
 * QUIRE_ECORRUPT (err: "the merged generation ... failed its check: ...;
 * the index keeps its previous generation ..."), QUIRE_ENOMEM. */
quire_status_t quirei_verify_generation(const char *dir, const char *fresh,
                                        const char *previous, quirei_buf *err);

/* What a damaged index's owner should do, appended to err (one sentence
 * naming DIR). */
void quirei_verify_advice(const char *dir, quirei_buf *err);

#endif
