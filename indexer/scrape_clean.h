/*
 * scrape_clean.h - reading a plain-text file as a scraped web article: the
 * headline among captions and section labels, the byline and dateline, an
 * author named in the standfirst or a closing bio, and the navigation,
 * teasers and cookie notices after the article. The rules, and what each
 * one will not touch, are described at the top of scrape_clean.c.
 */
#ifndef QUIRE_SCRAPE_CLEAN_H
#define QUIRE_SCRAPE_CLEAN_H

#include <stddef.h>

#include "extract.h"

typedef enum qx_scrape_result {
    QX_SCRAPE_DONE = 0,    /* out's title, body (and author, date when found) are set */
    QX_SCRAPE_PLAIN,       /* the text has no scraped shape the rules are sure of:
                              out is untouched; read it with the plain rule */
    QX_SCRAPE_NOMEM        /* out of memory; out may be partly filled */
} qx_scrape_result;

/*
 * Read `text` (len bytes, "\n" line ends only, no byte-order mark; need not
 * be NUL-terminated) as a scraped article. On QX_SCRAPE_DONE, out->title is
 * the headline (or, when the page shows none, the start of the first
 * sentence), out->author and out->date what the byline, dateline,
 * standfirst or bio say (date normalised by quire_date_normalize, empty
 * when nothing was found), and out->body the article's paragraphs without
 * the lines that became fields and without the trailing navigation, joined
 * by one blank line. `out` must be empty when called. Thread-safe; no
 * global state.
 */
qx_scrape_result qx_scrape_read(const char *text, size_t len, qx_fields *out);

#endif
