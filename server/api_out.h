/*
 * api_out.h - what the handlers outside http_api.c (batch.c, export.c,
 * feeds.c) answer, for http_api.c to turn into its reply: an error (which
 * http_api.c words as every other error), a JSON document, a body of
 * another type, or a stream.
 */
#ifndef QUIRE_SERVE_API_OUT_H
#define QUIRE_SERVE_API_OUT_H

#include <jansson.h>

#include "http_api.h"

typedef struct api_out {
    unsigned status;       /* the HTTP status */
    /* status >= 400: the error's code (static) and message (malloc'd) and
     * the byte position in q of a bad query (-1: none) */
    const char *code;
    char *message;
    long position;
    const char *parameter; /* the parameter a bad_parameter names (static), or NULL */
    quire_status_t fail;   /* or a failed library call (message: its detail) */
    json_t *json;          /* a JSON body (the reference is the reply's), or */
    char *body;            /* a body of `type` (malloc'd), or */
    api_stream_t *stream;  /* a streamed body of `type` (malloc'd) */
    char etag[20];         /* a stream's entity tag (its body cannot be hashed
                              before it is sent), or "" */
    const char *type;
    char partial[API_PARTIAL_MAX]; /* X-Quire-Partial (api_partial_names()), or "" */
} api_out_t;
/* The shards r left out of its last answer, as X-Quire-Partial's value
 * ("A, B"; "" when none is down) into out[API_PARTIAL_MAX]: exports, feeds
 * and CSV batches have no JSON field to say that their answer is partial. */
void api_partial_names(const quire_reader_t *r, char *out);

/* Set *o to error `status` with `code` and a copy of `message`. */
void api_out_error(api_out_t *o, unsigned status, const char *code, const char *message);

/* Set *o to the error of a search on r that ended with st: a bad query
 * (400 bad_query, with its position), a bad option (400 bad_parameter,
 * naming it), or another status with r's detail. */
void api_out_search_error(api_out_t *o, quire_reader_t *r, quire_status_t st);

/* The request's absolute base URL ("http://HOST"), from its Host header
 * (https when X-Forwarded-Proto says so); "http://localhost" when the
 * header is missing or holds characters a host cannot. Into buf. */
void api_base_url(const api_request_t *rq, char *buf, size_t size);

/* POST /api/batch (batch.c). */
extern const char *const batch_param_names[];
void batch_handle(const api_config_t *cfg, const api_request_t *rq, api_out_t *o);

/* GET /api/search with format=csv or jsonl (export.c): every match, streamed. */
void export_handle(const api_config_t *cfg, const api_request_t *rq, const char *q,
                   const quire_search_options_t *opts, int csv, api_out_t *o);

/* GET /api/search with format=atom (feeds.c): a feed of the query, newest
 * first. */
void feed_handle(const api_config_t *cfg, const api_request_t *rq, const char *q,
                 const quire_search_options_t *opts, api_out_t *o);

/* GET /api/similar/{id} (similar.c): the articles most like document id. */
extern const char *const similar_param_names[];
void similar_handle(const api_config_t *cfg, const api_request_t *rq, api_out_t *o);

/* GET /opensearch.xml (feeds.c). */
void opensearch_handle(const api_config_t *cfg, const api_request_t *rq, api_out_t *o);

#endif
