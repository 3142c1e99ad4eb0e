/*
 * jsonl_reader.h - JSON Lines (optionally gzip-compressed) article records.
 *
 * One JSON object per line with string fields id, title, source, url,
 * author, date, body (null or missing = absent). zlib's gz* functions read
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
    QX_JSONL_BAD_RECORD, /* this line was skipped; err says why */
    QX_JSONL_FATAL       /* the rest of the file cannot be read; err says why */
} qx_jsonl_result;

/* NULL with err filled on failure. */
qx_jsonl *qx_jsonl_open(const char *path, char *err, size_t errlen);
qx_jsonl_result qx_jsonl_next(qx_jsonl *j, quire_doc_t *doc, char *err, size_t errlen);
/* The 1-based number of the line last returned. */
unsigned long qx_jsonl_line(const qx_jsonl *j);
/* Compressed bytes consumed so far (for progress). */
uint64_t qx_jsonl_offset(qx_jsonl *j);
void qx_jsonl_close(qx_jsonl *j);

/*
 * Parse one line into *doc. On success *holder owns the strings (json_decref
 * it when done with *doc). Returns 0, or -1 with err filled. Separate from
 * the file reader so that tests and fuzzers can drive it directly.
 */
int qx_jsonl_parse_line(const char *line, size_t len, json_t **holder, quire_doc_t *doc,
                        char *err, size_t errlen);

#endif
