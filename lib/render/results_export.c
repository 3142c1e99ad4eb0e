/*
 * results_export.c - results as CSV and JSON Lines (quire/export.h), the rows of
 * the exports of quire-serve and quire-search. Rows are made a page at a
 * time (quire_export_next()), so an export never holds all its rows.
 */
#include <jansson.h>
#include <quire/quire.h>
#include <stdlib.h>

#include "render/csv.h"
#include "render/results_json.h"
#include "strbuf.h"

static const char *const csv_columns[] = {"rank", "id",   "score", "title", "source",
                                          "author", "date", "url",  "quote", "snippet"};

static int csv_hit(quirei_buf *b, const quire_hit_t *h)
{
    /* || runs the appends in order and stops at the first failure; %.4g:
     * the four significant digits of the JSON's score. */
    int bad = quirei_csv_fieldf(b, 1, "%u", h->rank) || quirei_csv_field(b, h->id, 0) ||
              quirei_csv_fieldf(b, 0, "%.4g", h->score) || quirei_csv_field(b, h->title, 0) ||
              quirei_csv_field(b, h->source, 0) || quirei_csv_field(b, h->author, 0) ||
              quirei_csv_field(b, h->date, 0) || quirei_csv_field(b, h->url, 0) ||
              quirei_csv_field(b, h->quote, 0) || quirei_csv_field(b, h->snippet, 0) ||
              quirei_csv_end_row(b);
    return bad ? -1 : 0;
}

char *quire_results_csv(const quire_results_t *res, bool header)
{
    quirei_buf b = QUIREI_BUF_INIT;
    int bad = 0;
    if (header) {
        for (size_t i = 0; i < sizeof csv_columns / sizeof *csv_columns; i++)
            bad |= quirei_csv_field(&b, csv_columns[i], i == 0);
        bad |= quirei_csv_end_row(&b);
    }
    for (size_t i = 0; !bad && i < res->nhits; i++)
        bad |= csv_hit(&b, &res->hits[i]);
    if (bad) {
        quirei_buf_release(&b);
        return NULL;
    }
    return quirei_buf_detach(&b, NULL);
}

char *quire_results_jsonl(const quire_results_t *res)
{
    quirei_buf b = QUIREI_BUF_INIT;
    int bad = 0;
    for (size_t i = 0; !bad && i < res->nhits; i++) {
        json_t *o = quirei_hit_json(&res->hits[i]);
        char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                               JSON_REAL_PRECISION(15))
                       : NULL;
        bad = !line || quirei_buf_adds(&b, line) < 0 || quirei_buf_addc(&b, '\n') < 0;
        free(line);
        json_decref(o);
    }
    if (bad) {
        quirei_buf_release(&b);
        return NULL;
    }
    return quirei_buf_detach(&b, NULL);
}
