/*
 * deletes.h - quire-index --delete / --delete-from: takedowns.
 *
 * Each id goes to quire_writer_delete(), which waits for the shard that
 * holds it and says whether it was there. An unknown id is reported on
 * run->log and counted as a skipped item (QI_UNKNOWN_ID), as bad inputs
 * are, so the run's exit status is 1; only a writer failure stops the run.
 */
#ifndef QUIRE_DELETES_H
#define QUIRE_DELETES_H

#include "inputs.h"

/* Whether `db` is an existing Quire index; reports why not on run->log.
 * Deleting must never create an index (the writer would). */
int qi_index_exists(qi_run *run, const char *db);

/* Delete ids[0..n) (from the command line). Returns 0, or -1 when the run
 * must stop (run->fatal set, reported). */
int qi_delete_ids(qi_run *run, char *const *ids, int n);

/* Delete the ids in `path` ("-" = standard input): one id a line, exactly
 * as indexed; empty lines, lines of only spaces and lines starting with
 * '#' are skipped. A file that cannot be read is reported and counted as
 * unreadable. Returns as qi_delete_ids(). */
int qi_delete_from(qi_run *run, const char *path);

#endif
