/*
 * search_output.h - quire-search's exports (--format csv|jsonl|atom) and
 * batches (--batch FILE), printed on stdout. Each returns the program's
 * exit status (quire_search.c lists them).
 */
#ifndef QUIRE_CLI_SEARCH_OUTPUT_H
#define QUIRE_CLI_SEARCH_OUTPUT_H

#include <quire/quire.h>

/* Say on stderr why a search (or export, batch) failed with st, pointing
 * at the position in `query` (may be NULL) of a bad query; the exit status:
 * 2 a bad option, 4 a bad query, 3 anything else. */
int cli_search_failed(quire_reader_t *r, quire_status_t st, const char *query);

/* When r's last answer left shards out (issue 14), say so on stderr,
 * naming them: for output without a field to say it. */
void cli_note_partial(const quire_reader_t *r);

/* Is `format` one of the export formats (csv, jsonl, atom)? */
int cli_is_export_format(const char *format);

/* Print every match of query (csv, jsonl) or a feed of the page (atom,
 * newest first) on stdout. */
int cli_export(quire_reader_t *r, const char *query, const quire_search_options_t *so,
               const char *format);

/* Run the queries of `file` ("-" = stdin; a JSON array of strings, or one
 * query a line) and print their answers as `format` (text, json, csv). */
int cli_batch(quire_reader_t *r, const char *file, const quire_search_options_t *so,
              const char *format);

#endif
