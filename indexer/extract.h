/*
 * extract.h - turn one input file (plain text, HTML, Markdown) into the
 * fields quire-index stores: title, author, date, url and body text.
 *
 * All extractors:
 *   - reset `out` first, so one qx_fields can be reused across files; on
 *     failure `out` is left empty;
 *   - treat the input as bytes (it need not be NUL-terminated and may be
 *     invalid UTF-8; bytes are passed through and repaired later);
 *   - keep no global state and are safe to call from several threads at
 *     once, provided the program called xmlInitParser() once at start-up
 *     before starting threads (libxml2's own requirement).
 *
 * Body text convention: paragraphs are separated by exactly one blank line
 * ("\n\n"); there are no leading or trailing blank lines.
 */
#ifndef QUIRE_EXTRACT_H
#define QUIRE_EXTRACT_H
#include <stddef.h>
#include "strbuf.h"
/* Fields extracted from one input file. Empty buffer = field absent. */
typedef struct qx_fields {
    quirei_buf title, author, date, url, body;
} qx_fields;
void qx_fields_init(qx_fields *f);      /* all empty */
void qx_fields_reset(qx_fields *f);     /* empty, keep memory */
void qx_fields_release(qx_fields *f);   /* free memory */
/* Each returns 0 on success, or -1 with a short lower-case reason in err (e.g. "no text content", "out of memory"). Input need not be NUL-terminated; it may be invalid UTF-8 (pass bytes through; a later stage repairs it). They must never crash, hang or leak on any input. */
int qx_extract_text(const char *data, size_t len, qx_fields *out, char *err, size_t errlen);
int qx_extract_html(const char *data, size_t len, qx_fields *out, char *err, size_t errlen);
int qx_extract_markdown(const char *data, size_t len, qx_fields *out, char *err, size_t errlen);
#endif
