/*
 * doc_terms.h - document -> terms, values and data: the WRITE side of the
 * schema (schema.h's essay says what each term, value and record is; this
 * is the code that makes them).
 *
 * A quirei_doc_terms is the per-thread state of that work: a tokenizer, a
 * stemmer (with its cache), the Xapian document under construction, and two
 * scratch buffers. It is not thread-safe: each writer thread (write/writer.c
 * keeps one per shard) owns one. The per-token work is one term buffer
 * reset, one Xapian add call for a positioned term and a count in a hash
 * table for each unpositioned one (stems, field terms: they go to Xapian
 * once per distinct term, with their count as wdf; plus one stem, cached);
 * nothing is allocated per token once the buffers have grown.
 *
 * Memory: the struct is the caller's (embed it); init allocates what it
 * points to, release frees it. Fields are the caller's to read, not to set.
 */
#ifndef QUIRE_DOC_TERMS_H
#define QUIRE_DOC_TERMS_H

#include <quire/quire.h>
#include <quire/tokenizer.h>
#include <stddef.h>

#include "schema/term_counts.h"
#include "store/index.h"
#include "strbuf.h"
#include "text/stemmer.h"

typedef struct quirei_doc_terms {
    quire_tokenizer_t *tok;
    quirei_stemmer *stem;
    quirei_xdoc *xdoc; /* the document quirei_doc_terms_make() fills */
    quirei_term_counts counts; /* its unpositioned terms, counted first */
    quirei_buf term;   /* scratch for the term being built; after a
                          successful quirei_doc_terms_make(), the id term
                          (Q<id>): the key to replace the document by */
    quirei_buf err;    /* the message of the last failure ("" when none
                          was given); the owner may use it for its own
                          store calls too: one error buffer per thread */
} quirei_doc_terms;

/* Set up *t (which must be zeroed) for stemming in `language`.
 * QUIRE_OK, QUIRE_ENOMEM, QUIRE_ELANG (no Snowball stemmer for it). On
 * failure call quirei_doc_terms_release() all the same. */
quire_status_t quirei_doc_terms_init(quirei_doc_terms *t, const char *language);

/* Free what *t holds; *t is zeroed afterwards. */
void quirei_doc_terms_release(quirei_doc_terms *t);

/*
 * Clear t->xdoc and fill it with the terms, values and data of the document
 * whose fields are f[0..QUIRE_FIELD_COUNT) (quire_field_t order; NULL =
 * absent; lengths in n; valid UTF-8; id and body present). On QUIRE_OK
 * t->term holds the id term. QUIRE_ENOMEM, or a store status (QUIRE_EXAPIAN,
 * ...) with its message in t->err.
 */
quire_status_t quirei_doc_terms_make(quirei_doc_terms *t, const char *const f[QUIRE_FIELD_COUNT],
                                     const size_t n[QUIRE_FIELD_COUNT]);

#endif
