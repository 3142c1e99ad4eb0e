/*
 * batch_render.c - a batch's answers as JSON, CSV and text (quire/export.h,
 * "Batch search"): quire_batch_json(), quire_batch_csv(),
 * quire_batch_text(). A batch hit is short (id, title, source, date, url,
 * quote): a batch answers "which documents, and where is the sentence",
 * for up to a thousand queries at once.
 */
#include <jansson.h>
#include <math.h>
#include <quire/quire.h>
#include <stdlib.h>

#include "json_text.h"
#include "render/csv.h"
#include "strbuf.h"

/* The message of a query left out by the time limit. */
static const char not_run_msg[] = "not run: the batch reached its time limit";

static json_t *quote_json(const quire_hit_t *h)
{
    if (!h->quote)
        return json_null();
    return json_pack("{s:o, s:I, s:I}", "text", quirei_json_text(h->quote), "start",
                     (json_int_t)h->quote_start, "end", (json_int_t)h->quote_end);
}

static json_t *hits_json(const quire_results_t *res)
{
    json_t *hits = json_array();
    for (size_t i = 0; hits && res && i < res->nhits; i++) {
        const quire_hit_t *h = &res->hits[i];
        json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "id", quirei_json_text(h->id),
                              "title", quirei_json_text(h->title), "source",
                              quirei_json_text(h->source), "date", quirei_json_text(h->date),
                              "url", quirei_json_text(h->url), "quote", quote_json(h));
        if (!o || json_array_append_new(hits, o) < 0) {
            json_decref(hits);
            return NULL;
        }
    }
    return hits;
}

static json_t *error_json(const quire_batch_item_t *it)
{
    if (!it->run)
        return json_pack("{s:s, s:s}", "code", "not_run", "message", not_run_msg);
    if (it->status == QUIRE_OK)
        return json_null();
    json_t *e = json_pack("{s:s, s:o}", "code", "bad_query", "message",
                          quirei_json_text(it->error ? it->error : quire_strerror(it->status)));
    if (e && it->error_pos >= 0 &&
        json_object_set_new(e, "position", json_integer(it->error_pos)) < 0) {
        json_decref(e);
        return NULL;
    }
    return e;
}

/* The shards a query's answer left out (issue 14), as search results
 * name them; [] for a query not answered. NULL when out of memory. */
static json_t *missing_shards_json(const quire_results_t *res)
{
    json_t *a = json_array();
    for (size_t i = 0; a && res && i < res->nmissing_shards; i++)
        if (json_array_append_new(a, quirei_json_text(res->missing_shards[i])) < 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *item_json(const quire_batch_item_t *it)
{
    const quire_results_t *res = it->results;
    json_t *total = res ? json_pack("{s:I, s:s}", "value", (json_int_t)res->total, "relation",
                                    res->total_relation == QUIRE_TOTAL_GTE ? "gte" : "eq")
                        : json_null();
    json_t *took = res ? json_real(round(res->took_ms * 1e3) / 1e3) : json_null();
    return json_pack("{s:o, s:o, s:b, s:b, s:o, s:o, s:o, s:b, s:o}", "query",
                     quirei_json_text(it->query), "total", total, "relaxed", res && res->relaxed,
                     "approximate", res && res->approximate, "took_ms", took, "hits",
                     hits_json(res), "error", error_json(it), "partial", res && res->partial,
                     "missing_shards", missing_shards_json(res));
}

char *quire_batch_json(const quire_batch_t *b)
{
    json_t *results = json_array();
    for (size_t i = 0; results && i < b->n; i++) {
        json_t *o = item_json(&b->items[i]);
        if (!o || json_array_append_new(results, o) < 0) {
            json_decref(results);
            return NULL;
        }
    }
    json_t *root = json_pack("{s:s, s:o, s:b, s:f}", "api_version", QUIRE_API_VERSION,
                             "results", results, "complete", b->complete, "took_ms",
                             round(b->took_ms * 1e3) / 1e3);
    char *s = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                          JSON_REAL_PRECISION(15))
                   : NULL;
    json_decref(root);
    return s;
}

/* The error column of an item: "" when it was answered. */
static const char *error_text(const quire_batch_item_t *it)
{
    if (!it->run)
        return not_run_msg;
    return it->status == QUIRE_OK ? NULL : it->error ? it->error : quire_strerror(it->status);
}

/* One row: the query's columns, then hit h's (all empty when h is NULL). */
static int csv_row(quirei_buf *b, size_t qno, const quire_batch_item_t *it,
                   const quire_hit_t *h)
{
    const quire_results_t *res = it->results;
    const char *rel = !res ? NULL : res->total_relation == QUIRE_TOTAL_GTE ? "gte" : "eq";
    int bad = quirei_csv_fieldf(b, 1, "%zu", qno) || quirei_csv_field(b, it->query, 0) ||
              (res ? quirei_csv_fieldf(b, 0, "%llu", (unsigned long long)res->total)
                   : quirei_csv_field(b, NULL, 0)) ||
              quirei_csv_field(b, rel, 0) || quirei_csv_field(b, error_text(it), 0);
    if (!bad && h)
        bad = quirei_csv_fieldf(b, 0, "%u", h->rank) || quirei_csv_field(b, h->id, 0) ||
              quirei_csv_field(b, h->title, 0) || quirei_csv_field(b, h->source, 0) ||
              quirei_csv_field(b, h->date, 0) || quirei_csv_field(b, h->url, 0) ||
              quirei_csv_field(b, h->quote, 0);
    for (int k = 0; !bad && !h && k < 7; k++)
        bad = quirei_csv_field(b, NULL, 0);
    return bad || quirei_csv_end_row(b) ? -1 : 0;
}

static const char *const batch_columns[] = {
    "query_number", "query", "total", "total_relation", "error", "rank",
    "id",           "title", "source", "date",          "url",   "quote"};

char *quire_batch_csv(const quire_batch_t *b)
{
    quirei_buf out = QUIREI_BUF_INIT;
    int bad = 0;
    for (size_t i = 0; !bad && i < sizeof batch_columns / sizeof *batch_columns; i++)
        bad = quirei_csv_field(&out, batch_columns[i], i == 0);
    bad = bad || quirei_csv_end_row(&out);
    for (size_t i = 0; !bad && i < b->n; i++) {
        const quire_batch_item_t *it = &b->items[i];
        size_t nh = it->results ? it->results->nhits : 0;
        for (size_t k = 0; !bad && k < (nh ? nh : 1); k++)
            bad = csv_row(&out, i + 1, it, nh ? &it->results->hits[k] : NULL) < 0;
    }
    if (bad) {
        quirei_buf_release(&out);
        return NULL;
    }
    return quirei_buf_detach(&out, NULL);
}

static int text_item(quirei_buf *b, size_t qno, const quire_batch_item_t *it)
{
    const quire_results_t *res = it->results;
    if (!res)
        return quirei_buf_addf(b, "%zu. %s: error: %s\n", qno, it->query, error_text(it));
    int bad = quirei_buf_addf(b, "%zu. %s: %s%llu result%s%s\n", qno, it->query,
                              res->total_relation == QUIRE_TOTAL_GTE ? "at least " : "",
                              (unsigned long long)res->total, res->total == 1 ? "" : "s",
                              res->approximate ? " (approximate)"
                              : res->relaxed   ? " (relaxed)"
                                               : "") < 0;
    for (size_t k = 0; !bad && k < res->nhits; k++) {
        const quire_hit_t *h = &res->hits[k];
        bad = quirei_buf_addf(b, "   %s | %s | %s\n", h->date ? h->date : "-",
                              h->source ? h->source : "-", h->title ? h->title : h->id) < 0 ||
              (h->url && quirei_buf_addf(b, "     %s\n", h->url) < 0) ||
              (h->quote && quirei_buf_addf(b, "     \"%s\"\n", h->quote) < 0);
    }
    return bad ? -1 : 0;
}

char *quire_batch_text(const quire_batch_t *b)
{
    quirei_buf out = QUIREI_BUF_INIT;
    int bad = 0;
    for (size_t i = 0; !bad && i < b->n; i++)
        bad = text_item(&out, i + 1, &b->items[i]) < 0;
    if (!bad && !b->complete)
        bad = quirei_buf_addf(&out, "(%zu of %zu queries run: the batch reached its time "
                                    "limit)\n", b->nrun, b->n) < 0;
    if (bad) {
        quirei_buf_release(&out);
        return NULL;
    }
    return quirei_buf_detach(&out, NULL);
}
