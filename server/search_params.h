/*
 * search_params.h - the parameters of GET /api/search: the query string
 * (q, limit, offset, sort, source, from, to, format, facets, facet_size)
 * and the request's
 * headers (Accept, Accept-Encoding) into search options, and the
 * result-cache key naming the response they make.
 *
 * limit and offset are read with quirei_parse_number (number.h): decimal
 * digits only; an absent or empty parameter means the default.
 */
#ifndef QUIRE_SERVE_SEARCH_PARAMS_H
#define QUIRE_SERVE_SEARCH_PARAMS_H

#include <quire/quire.h>
#include <stdint.h>

#include "http_api.h"
#include "strbuf.h"

/* The parameter names GET /api/search takes, NULL-terminated (any other is
 * refused: a misspelt parameter must not be silently ignored). */
extern const char *const search_param_names[];

typedef struct search_params {
    const char *q;               /* the query, never NULL or "" */
    quire_search_options_t opts; /* source, date_from, date_to: the request's strings */
    int text;                    /* answer in text (format=text, Accept: text/plain) */
    int gzip;                    /* the client accepts a gzip body */
    /* format=csv or jsonl (or Accept: text/csv): every match, streamed;
     * format=atom: a feed (export.c, feeds.c). 0 for json and text. */
    enum { SP_EXPORT_NONE = 0, SP_EXPORT_CSV, SP_EXPORT_JSONL, SP_EXPORT_ATOM } export_format;
} search_params_t;

/* Read the parameters of rq into *p (which points into rq's strings
 * afterwards). Returns 0; or -1 for a 400 bad_parameter, with the message
 * (quoting the value) in msg and the parameter's name (static) in *param.
 * The library checks the rest (dates, offset + limit: QUIRE_EOPTION). */
int search_params_parse(const api_request_t *rq, search_params_t *p, quirei_buf *msg,
                        const char **param);

/* An optional number parameter `name` in [lo, hi]: absent or empty leaves
 * *out (the default); 0, or -1 with the message in msg, the value quoted. */
int search_params_number(const api_request_t *rq, const char *name, unsigned lo, unsigned hi,
                         unsigned *out, quirei_buf *msg);

/* format=json|text for the answers that have only those two (/api/similar,
 * /api/sources): *text set from format, or from the Accept header when
 * format is absent or empty; 0, or -1 with the message in msg. */
int search_params_json_or_text(const api_request_t *rq, int *text, quirei_buf *msg);

/* Does the Accept header ask for text/csv (and not JSON)? (The batch's
 * answer takes it too.) */
int search_params_accepts_csv(const char *accept);

/* Replace key's contents with the result-cache key of the response p makes
 * on the index generation `generation`: every parameter that shapes the
 * response, gzip included. Returns 0, or -1 when out of memory (key is then
 * to be ignored; it stays the caller's to release either way). */
int search_params_cache_key(const search_params_t *p, uint64_t generation, quirei_buf *key);

#endif
