/*
 * jsonl_reader.h - JSON Lines (optionally gzip-compressed) article records.
 *
 * One JSON object per line with string fields named as quire_field_name()
 * names them: id, title, source, url, author, date, body (null or missing =
 * absent; id and a non-blank body are required). zlib's gz* functions read
 * both plain and gzip files, so one reader serves .jsonl and .jsonl.gz.
 */
#ifndef QUIRE_JSONL_READER_H
#define QUIRE_JSONL_READER_H

#include <jansson.h>
#include <quire/quire.h>
#include <stddef.h>
#include <stdint.h>

typedef struct qx_jsonl qx_jsonl;

typedef enum qx_jsonl_result {
    QX_JSONL_RECORD = 0, /* *doc is filled, valid until the next call */
    QX_JSONL_EOF,        /* clean end of input */
    QX_JSONL_BAD_RECORD, /* this line was skipped; *why and err say why */
    QX_JSONL_FATAL       /* the rest of the file cannot be read (truncated or
                            corrupt gzip, read error, out of memory); err says why */
} qx_jsonl_result;

/*
 * Why one line is not a record. The indexer counts a bad line by this code,
 * never by the message text.
 */
typedef enum qx_record_status {
    QX_RECORD_OK = 0,
    QX_RECORD_INVALID_JSON,  /* not valid JSON (or jansson ran out of memory) */
    QX_RECORD_NOT_OBJECT,    /* valid JSON, but not an object */
    QX_RECORD_NOT_STRING,    /* a field is neither a string nor null */
    QX_RECORD_NUL_IN_FIELD,  /* a field's string holds a NUL character (jansson
                                already rejects \u0000 as invalid JSON; this
                                guards the C strings if JSON_ALLOW_NUL is ever
                                passed) */
    QX_RECORD_MISSING_FIELD, /* no id, an empty id, no body, or a blank body */
    QX_RECORD_STATUS_COUNT
} qx_record_status;

/* NULL with err filled on failure. */
qx_jsonl *qx_jsonl_open(const char *path, char *err, size_t errlen);
/* The next record. On QX_JSONL_BAD_RECORD *why (when why is not NULL) says
 * what was wrong with the line; on every other result it is QX_RECORD_OK. */
qx_jsonl_result qx_jsonl_next(qx_jsonl *j, quire_doc_t *doc, qx_record_status *why, char *err,
                              size_t errlen);
/* The 1-based number of the line last returned. */
unsigned long qx_jsonl_line(const qx_jsonl *j);
/* Compressed bytes consumed so far (for progress). */
uint64_t qx_jsonl_offset(qx_jsonl *j);
void qx_jsonl_close(qx_jsonl *j);

/*
 * Parse one line into *doc. On success (QX_RECORD_OK) *holder owns the
 * strings (json_decref it when done with *doc); otherwise *holder is NULL,
 * the status says what was wrong and err holds the message for the report.
 * Separate from the file reader so that tests and fuzzers can drive it
 * directly.
 */
qx_record_status qx_jsonl_parse_line(const char *line, size_t len, json_t **holder,
                                     quire_doc_t *doc, char *err, size_t errlen);

#endif
