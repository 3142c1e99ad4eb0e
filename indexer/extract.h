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
/*
 * What an extractor made of a file. The indexer decides how to count a
 * failure from this code, never from the message text.
 */
typedef enum qx_extract_status {
    QX_EXTRACTED = 0,   /* the fields are filled; the body is not empty */
    QX_NO_TEXT,         /* nothing to index: empty, blank, or only markup */
    QX_UNPARSABLE,      /* the parser gave up on the input */
    QX_TOO_LARGE,       /* larger than the parser can take */
    QX_EXTRACT_NOMEM,   /* out of memory */
    QX_EXTRACT_STATUS_COUNT
} qx_extract_status;

/*
 * The extractors. Each returns QX_EXTRACTED, or another status with a short
 * lower-case message for the report in err (e.g. "no text content", "empty
 * file", "out of memory"; err may be NULL when errlen is 0). Input need not
 * be NUL-terminated; it may be invalid UTF-8 (bytes are passed through; a
 * later stage repairs them). They must never crash, hang or leak on any
 * input.
 */
typedef qx_extract_status (*qx_extract_fn)(const char *data, size_t len, qx_fields *out,
                                           char *err, size_t errlen);
/* .txt: as a scraped article when the text has that shape (scrape_clean.h),
 * else first line title, rest body; _raw: always the latter (--raw-text). */
qx_extract_status qx_extract_text(const char *data, size_t len, qx_fields *out, char *err,
                                  size_t errlen);
qx_extract_status qx_extract_text_raw(const char *data, size_t len, qx_fields *out, char *err,
                                      size_t errlen);
qx_extract_status qx_extract_html(const char *data, size_t len, qx_fields *out, char *err,
                                  size_t errlen);
qx_extract_status qx_extract_markdown(const char *data, size_t len, qx_fields *out, char *err,
                                      size_t errlen);

/* For the extractors themselves: empty `out`, copy `msg` into err and
 * return `why` (never QX_EXTRACTED). */
qx_extract_status qx_extract_fail(qx_fields *out, char *err, size_t errlen,
                                  qx_extract_status why, const char *msg);
#endif
