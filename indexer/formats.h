/*
 * formats.h - the indexer's input formats: ONE table from file-name suffix
 * to what reads the file.
 *
 * A row either names an extractor (the whole file is one document: plain
 * text, Markdown, HTML) or none, in which case the file is JSON Lines,
 * read record by record by jsonl_reader.h (plain or gzip-compressed: zlib
 * reads both). Everything that depends on the list of formats (the type of
 * a path, the "unsupported file type" message) is derived from the table,
 * so a new format is one new row.
 */
#ifndef QUIRE_FORMATS_H
#define QUIRE_FORMATS_H

#include <stddef.h>

#include "extract.h"

typedef struct qi_format {
    const char *suffix;       /* ".txt", ".jsonl.gz", ...: matched case-insensitively */
    qx_extract_fn extract;    /* the extractor; NULL = JSON Lines records */
    qx_extract_fn extract_raw; /* the extractor under --raw-text; NULL = extract */
} qi_format;

/* The table, in the order the formats are listed to users. */
extern const qi_format qi_formats[];
extern const size_t qi_format_count;

/* The row whose suffix ends `path`, or NULL for an unsupported file. */
const qi_format *qi_format_of(const char *path);

/* Is this a JSON Lines row (read by records, not by an extractor)? */
static inline int qi_format_is_records(const qi_format *f)
{
    return f->extract == NULL;
}

/* Write the report line for a file named on the command line whose type is
 * not in the table into buf: "unsupported file type (expected .txt .md
 * ...)", every suffix of the table in order (cut short, still terminated,
 * if buf is too small; 256 bytes are plenty). */
void qi_unsupported_message(char *buf, size_t len);

#endif
