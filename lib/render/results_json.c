/*
 * results_json.c - quire_results_json(): results as the JSON of
 * quire-serve's /api/search (schema in quire.h). Every string goes through
 * quirei_json_text(), so text that is not valid UTF-8 (the query is echoed
 * as the user sent it) is repaired with U+FFFD instead of failing.
 */
#include <jansson.h>
#include <math.h>
#include <quire/quire.h>

#include "json_text.h"
#include "render/aliases_render.h"
#include "render/facets_render.h"
#include "render/results_json.h"
#include "render/partial_render.h"

/* One hit as a JSON object, or NULL when out of memory. */
/* A score to four significant digits: more would promise a precision
 * BM25 weights do not have, and make equal-looking scores differ. */
static double four_digits(double x)
{
    if (x == 0 || !isfinite(x))
        return isfinite(x) ? x : 0;
    double scale = pow(10, 3 - floor(log10(fabs(x))));
    return round(x * scale) / scale;
}

json_t *quirei_hit_json(const quire_hit_t *h)
{
    json_t *hl = json_array();
    for (size_t k = 0; hl && k < h->nhighlights; k++)
        json_array_append_new(hl, json_pack("[II]", (json_int_t)h->highlights[k].start,
                                            (json_int_t)h->highlights[k].end));
    json_t *quote = h->quote ? json_pack("{s:o, s:I, s:I}", "text", quirei_json_text(h->quote),
                                         "start", (json_int_t)h->quote_start, "end",
                                         (json_int_t)h->quote_end)
                             : json_null();
    json_t *o = json_pack("{s:I, s:o, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:b, s:b}",
                     "rank",
                     (json_int_t)h->rank, "id", quirei_json_text(h->id), "score", four_digits(h->score),
                     "title", quirei_json_text(h->title), "source",
                     quirei_json_text(h->source), "author", quirei_json_text(h->author),
                     "date", quirei_json_text(h->date), "url", quirei_json_text(h->url),
                     "snippet", quirei_json_text(h->snippet), "highlights",
                     hl ? hl : json_array(), "quote", quote, "match", quire_match_name(h->match),
                     "approximate", h->approximate, "relaxed", h->relaxed);
    if (o && json_object_set_new(o, "corrected", json_boolean(h->corrected)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

char *quire_results_json(const quire_results_t *res)
{
    json_t *hits = json_array();
    for (size_t i = 0; hits && i < res->nhits; i++) {
        json_t *o = quirei_hit_json(&res->hits[i]);
        if (!o || json_array_append_new(hits, o) < 0) {
            json_decref(hits);
            return NULL;
        }
    }
    if (!hits)
        return NULL;
    /* Elasticsearch's shape: a count and whether it is exact ("eq") or a
     * lower bound ("gte"), so a client never shows a bound as a count. */
    json_t *total = json_pack("{s:I, s:s}", "value", (json_int_t)res->total, "relation",
                              res->total_relation == QUIRE_TOTAL_GTE ? "gte" : "eq");
    if (!total) {
        json_decref(hits);
        return NULL;
    }
    json_t *root = json_pack("{s:o, s:o, s:I, s:I, s:b, s:b, s:f, s:o}", "query",
                             quirei_json_text(res->query), "total", total,
                             "offset", (json_int_t)res->offset, "limit",
                             (json_int_t)res->limit, "relaxed", res->relaxed, "approximate",
                             res->approximate, "took_ms", round(res->took_ms * 1e3) / 1e3, "hits", hits);
    /* "Did you mean" (spelling.h): the corrected query or null, and whether
     * the hits are its own. */
    if (root && (json_object_set_new(root, "suggestion", res->suggestion
                                                            ? quirei_json_text(res->suggestion)
                                                            : json_null()) < 0 ||
                 json_object_set_new(root, "corrected", json_boolean(res->corrected)) < 0)) {
        json_decref(root);
        root = NULL;
    }
    /* Shards down (issue 14): the hits and counts are those of the rest. */
    if (root &&
        quirei_partial_json_add(root, res->partial, res->missing_shards, res->nmissing_shards) < 0) {
        json_decref(root);
        root = NULL;
    }
    if (!root || quirei_facets_json_add(root, res) < 0 || quirei_aliases_json_add(root, res) < 0) {
        json_decref(root);
        return NULL;
    }
    /* The API's version first, as in every answer of quire-serve. */
    json_t *versioned = json_pack("{s:s}", "api_version", QUIRE_API_VERSION);
    if (!versioned || json_object_update(versioned, root) < 0) {
        json_decref(versioned);
        json_decref(root);
        return NULL;
    }
    json_decref(root);
    root = versioned;
    /* 15 significant digits print the rounded numbers as they are (1.338,
     * not 1.3380000000000001). */
    char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    json_decref(root);
    return s;
}
