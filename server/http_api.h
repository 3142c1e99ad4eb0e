/* http_api.h - quire-serve's routes, independent of the HTTP library. */
#ifndef QUIRE_HTTP_API_H
#define QUIRE_HTTP_API_H

#include <quire/quire.h>
#include <stddef.h>

#include "result_cache.h"

typedef struct api_config {
    const char *db;
    const char *const *cors;  /* allowed origins ("*" = any), NULL-terminated */
    rcache_t *cache;          /* search responses, or NULL (no cache) */
    double batch_budget_ms;   /* POST /api/batch starts no query after this long */
} api_config_t;

/* The largest request body taken (POST /api/batch): 1,000 queries of
 * about a kilobyte each. A larger announced body gets 413 unread. */
#define API_MAX_BODY_BYTES 1048576 /* 1 MiB */

/* A response body made while it is sent (exports), so that it is never
 * whole in memory. read() fills buf with up to max bytes and returns how
 * many (> 0), API_STREAM_END at the end, or API_STREAM_ERROR to cut the
 * response short (the client sees an unterminated chunked body); free()
 * releases cls once the response is done with, sent or not. */
#define API_STREAM_END (-1L)
#define API_STREAM_ERROR (-2L)
typedef struct api_stream {
    long (*read)(void *cls, char *buf, size_t max);
    void (*free)(void *cls);
    void *cls;
} api_stream_t;

typedef struct api_request {
    const char *method;
    const char *path;        /* percent-decoded */
    int wants_text;          /* Accept: text/plain */
    int accepts_gzip;        /* Accept-Encoding allows gzip */
    const char *if_none_match; /* the If-None-Match header, or NULL */
    /* Query-string argument by name (decoded), or NULL. */
    const char *(*arg)(const struct api_request *rq, const char *name);
    /* The name of the first query-string argument that is not one of
     * known[] (NULL-terminated), or NULL when there is none. */
    const char *(*unknown_arg)(const struct api_request *rq, const char *const *known);
    /* A request header by name, or NULL. */
    const char *(*header)(const struct api_request *rq, const char *name);
    const char *body;        /* the request body (POST /api/batch), or NULL */
    size_t body_len;
    void *ctx;
} api_request_t;

/* Room for X-Quire-Partial's value: longer lists end with ", ..." */
#define API_PARTIAL_MAX 512

typedef struct api_response {
    unsigned status;
    char *body;              /* malloc'd; the caller frees it */
    size_t len;              /* bytes of body (gzip bodies are binary) */
    const char *type;
    const char *encoding;    /* Content-Encoding ("gzip"), or NULL */
    int vary_encoding;       /* the answer depends on Accept-Encoding */
    /* For 200 and 304: the entity tag (a quoted hash of the body), to be
     * sent as ETag with Cache-Control: no-cache; "" for other answers. */
    char etag[20];
    /* Instead of body (NULL then): a streamed body, malloc'd; the caller
     * frees it with its free() and then free(). */
    api_stream_t *stream;
    /* An answer from only the shards that are up: the missing shards'
     * names ("tcp://h:p, /idx/s1"), sent as X-Quire-Partial; "" when every
     * shard answered (or the answer reads no index). */
    char partial[API_PARTIAL_MAX];
} api_response_t;

/* Does method + path take a request body (POST /api/batch)? The HTTP
 * layer reads bodies (up to API_MAX_BODY_BYTES) only for those. */
int api_takes_body(const char *method, const char *path);

api_response_t api_handle(const api_config_t *cfg, const api_request_t *rq);

/* An error answer to rq that the daemon gives by itself (401, 413), made as
 * the routes make theirs: JSON with api_version, or text when rq asks for
 * it (format=text, Accept: text/plain). */
api_response_t api_error(const api_request_t *rq, unsigned status, const char *code,
                         const char *message);

/* Call once before serving (starts the uptime clock). */
void api_init(void);

/* Record one served request (for /api/stats). */
void api_record(double micros);

/* The Access-Control-Allow-Origin value for this Origin, or NULL. */
const char *api_cors_origin(const api_config_t *cfg, const char *origin);

/* Close every thread's reader; call after the HTTP threads have stopped. */
void api_shutdown(void);

#endif
