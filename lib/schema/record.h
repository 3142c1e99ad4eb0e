/*
 * record.h - the stored form of a document (Xapian document data, and the
 * fields value; see schema.h).
 *
 * Format (record version 1, part of index schema 2): one byte 0x01, then for
 * each field in quire_field_t order (id, title, source, url, author, date,
 * body): a LEB128 varint holding (length + 1), 0 meaning "absent", followed
 * by that many bytes of UTF-8. Binary rather than JSON so that reading a
 * hit is a few memcpy()s, not a parse of the whole body (that parse was a
 * third of search time).
 */
#ifndef QUIRE_RECORD_H
#define QUIRE_RECORD_H

#include <quire/quire.h>
#include <stddef.h>

#include "strbuf.h"

/* Append the record of fields f[] (NULL = absent, lengths in n) to out.
 * 0, or -1 on OOM. */
int quirei_record_encode(quirei_buf *out, const char *const f[QUIRE_FIELD_COUNT],
                         const size_t n[QUIRE_FIELD_COUNT]);

/* Decode into one malloc'd quire_stored_doc_t. QUIRE_OK, QUIRE_ECORRUPT
 * (malformed, or no id/body), QUIRE_ENOMEM. */
quire_status_t quirei_record_decode(const char *data, size_t len, quire_stored_doc_t **out);

#endif
