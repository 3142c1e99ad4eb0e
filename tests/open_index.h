/*
 * open_index.h - opening a writer or a reader in a test, failing the test
 * (with the library's detail text) when it does not open. Shared by the
 * Criterion tests that write small indexes.
 */
#ifndef QUIRE_TEST_OPEN_INDEX_H
#define QUIRE_TEST_OPEN_INDEX_H

#include <criterion/criterion.h>
#include <quire/quire.h>
#include <stdlib.h>

/* A writer on `path` with `shards` shards and small batches. */
static inline quire_writer_t *test_open_writer(const char *path, unsigned shards)
{
    quire_writer_options_t o = {.shards = shards, .batch_size = 50};
    quire_writer_t *w = NULL;
    char *detail = NULL;
    quire_status_t st = quire_writer_open(path, &o, &w, &detail);
    cr_assert_eq(st, QUIRE_OK, "open %s: %s", path, detail ? detail : "");
    free(detail);
    return w;
}

static inline quire_reader_t *test_open_reader(const char *path)
{
    quire_reader_t *r = NULL;
    char *detail = NULL;
    quire_status_t st = quire_reader_open(path, &r, &detail);
    cr_assert_eq(st, QUIRE_OK, "open reader %s: %s", path, detail ? detail : "");
    free(detail);
    return r;
}

#endif
