/*
 * term_counts.h - one document's unpositioned terms, counted before they go
 * to Xapian.
 *
 * Every token gives a stem term (Z...) and title and author tokens field
 * terms (S..., A...), none with positions. Handing each occurrence to
 * Xapian costs a lookup in the document's std::map (string compares,
 * pointer chasing); counting them here in a flat hash table and handing
 * each distinct term over once, with its count as the wdf increment, makes
 * the same document (same terms, same wdf) for about half the indexing
 * calls. (Positioned terms cannot be batched this way: Xapian 1.4 takes
 * positions one call at a time.)
 *
 * Not thread-safe: each writer thread's quirei_doc_terms owns one. Memory:
 * the struct is the caller's (zeroed = empty); release frees what it holds.
 */
#ifndef QUIRE_TERM_COUNTS_H
#define QUIRE_TERM_COUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

typedef struct quirei_term_slot quirei_term_slot;

typedef struct quirei_term_counts {
    quirei_buf bytes;        /* the terms' bytes, back to back */
    quirei_term_slot *slots; /* open addressing; cap is 0 or a power of two */
    uint32_t *used;          /* slot indices in first-seen order, n of them */
    size_t cap, n;
} quirei_term_counts;

/* Count one occurrence of term[0..len). 0, or -1 when out of memory (the
 * table is left as it was). */
int quirei_term_counts_add(quirei_term_counts *c, const char *term, size_t len);

/* The number of distinct terms counted since the last reset. */
static inline size_t quirei_term_counts_size(const quirei_term_counts *c) { return c->n; }

/* The i-th distinct term (0 <= i < size, first-seen order): *term points
 * into the table (valid until the next add or reset), *len its length;
 * returns its count. */
uint32_t quirei_term_counts_get(const quirei_term_counts *c, size_t i, const char **term,
                                size_t *len);

/* Forget every term; keeps the memory for the next document. */
void quirei_term_counts_reset(quirei_term_counts *c);

void quirei_term_counts_release(quirei_term_counts *c);

#endif
