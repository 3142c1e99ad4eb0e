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
} api_config_t;

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
    void *ctx;
} api_request_t;

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
} api_response_t;

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
