/*
 * id_set.h - the ids a writer thread may have put into its shard, by hash.
 *
 * Adding a document by its id term (Xapian's replace_document) first looks
 * the id up in the shard's postlist B-tree, and the writer asked once more
 * before that (term_exists, to count replacements): two B-tree lookups
 * with a fresh cursor each, for every document, nearly always finding
 * nothing when an index is built. A shard that held no document when it
 * was opened holds only ids this thread added since; their 64-bit hashes
 * here answer "certainly new" without Xapian, and only a hash seen before
 * (the same id again, or, rarely, a collision) takes the lookup path. The
 * set can only err towards "maybe": a false "maybe" costs a lookup, never
 * a wrong answer.
 *
 * Memory: 8 bytes a slot, at most half full (2 MB per million ids). The
 * struct is the caller's (zeroed = empty); release frees what it holds.
 */
#ifndef QUIRE_ID_SET_H
#define QUIRE_ID_SET_H

#include <stddef.h>
#include <stdint.h>

typedef struct quirei_id_set {
    uint64_t *slots; /* 0 = empty (a hash of 0 is stored as 1) */
    size_t cap, n;
} quirei_id_set;

/* Add id[0..len); *seen tells whether its hash was there already.
 * 0, or -1 when out of memory (the set is unchanged; treat as seen). */
int quirei_id_set_add(quirei_id_set *s, const char *id, size_t len, int *seen);

void quirei_id_set_release(quirei_id_set *s);

#endif
