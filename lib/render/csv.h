/*
 * csv.h - CSV fields (RFC 4180), the one place they are quoted: every CSV
 * that Quire writes (quire_results_csv(), quire_batch_csv()) builds its
 * rows here.
 */
#ifndef QUIRE_RENDER_CSV_H
#define QUIRE_RENDER_CSV_H

#include "strbuf.h"

/*
 * Append field s (NULL = empty) to b, after a comma unless `first`: as it
 * is when it holds no comma, quote, CR or LF; else in double quotes with
 * each quote doubled. Invalid UTF-8 is replaced by U+FFFD and NUL bytes
 * dropped (utf8.h). 0, or -1 when out of memory.
 */
int quirei_csv_field(quirei_buf *b, const char *s, int first);

/* Append a field formatted as by printf (numbers), after a comma unless
 * `first`. 0, or -1 when out of memory. */
int quirei_csv_fieldf(quirei_buf *b, int first, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* End the row (CRLF, as RFC 4180 asks). 0, or -1 when out of memory. */
int quirei_csv_end_row(quirei_buf *b);

#endif
