/*
 * http_api.c - the routes of quire-serve and their handlers.
 *
 * Routes live in one table; quire_status_t -> HTTP status mapping lives in
 * one function (http_status_of). Every libmicrohttpd worker thread keeps its
 * own quire_reader_t (Xapian objects are never shared between threads) and
 * reopens it at most once a second, so commits by a running indexer become
 * visible within a second or two without a restart. Search responses are
 * cached (result_cache.h) under a key holding the index generation, so a
 * commit is never hidden by the cache.
 */
#include "http_api.h"

#include "gzip_encode.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REOPEN_INTERVAL_S 1.0

static _Thread_local quire_reader_t *tl_reader;
static _Thread_local double tl_reopened;

/* Every thread's reader, so that api_shutdown() can close them after the
 * HTTP threads are gone. */
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static quire_reader_t *registry[256];
static size_t nregistry;

static void registry_set(quire_reader_t *old, quire_reader_t *now)
{
    pthread_mutex_lock(&registry_mu);
    size_t i;
    for (i = 0; i < nregistry && registry[i] != old; i++)
        ;
    if (i < nregistry)
        registry[i] = now;
    else if (nregistry < sizeof registry / sizeof *registry)
        registry[nregistry++] = now;
    pthread_mutex_unlock(&registry_mu);
}

void api_shutdown(void)
{
    pthread_mutex_lock(&registry_mu);
    for (size_t i = 0; i < nregistry; i++)
        quire_reader_close(registry[i]);
    nregistry = 0;
    pthread_mutex_unlock(&registry_mu);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ replies --- */

typedef struct reply {
    unsigned status;
    char *body;           /* malloc'd */
    size_t len;           /* 0: strlen(body) (text); set for gzip bodies */
    const char *type;     /* content type */
    const char *encoding; /* "gzip" or NULL */
    int vary_encoding;
} reply_t;

static void reply_json(reply_t *rp, unsigned status, json_t *o)
{
    rp->status = status;
    rp->body = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    rp->type = "application/json; charset=utf-8";
    json_decref(o);
}

/* A JSON string that never fails: messages can quote user input, which may
 * be invalid UTF-8 (jansson refuses that). */
static json_t *safe_string(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    size_t n = strlen(s);
    char *copy = malloc(n + 1);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < n; i++)
        copy[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    copy[n] = '\0';
    j = json_string(copy);
    free(copy);
    return j;
}

static void reply_error(reply_t *rp, unsigned status, const char *code, const char *msg)
{
    reply_json(rp, status,
               json_pack("{s:{s:s, s:o}}", "error", "code", code, "message", safe_string(msg)));
}

/* The one place where library statuses become HTTP statuses. */
static unsigned http_status_of(quire_status_t st, const char **code)
{
    switch (st) {
    case QUIRE_OK: *code = "ok"; return 200;
    case QUIRE_EQUERY: *code = "bad_query"; return 400;
    case QUIRE_EINVAL: *code = "bad_request"; return 400;
    case QUIRE_ENOTFOUND: *code = "not_found"; return 404;
    case QUIRE_ENOMEM: *code = "out_of_memory"; return 503;
    case QUIRE_EMODIFIED: *code = "index_changed"; return 503;
    case QUIRE_ENOTINDEX:
    case QUIRE_EIO: *code = "index_unavailable"; return 503;
    default: *code = "internal_error"; return 500;
    }
}

static void reply_status(reply_t *rp, quire_status_t st, const char *msg)
{
    const char *code;
    unsigned http = http_status_of(st, &code);
    reply_error(rp, http, code, msg && *msg ? msg : quire_strerror(st));
}

/* ------------------------------------------------------------ readers --- */

static quire_status_t thread_reader(const api_config_t *cfg, quire_reader_t **out, char *err,
                                    size_t errlen)
{
    if (!tl_reader) {
        char *detail = NULL;
        quire_status_t st = quire_reader_open(cfg->db, &tl_reader, &detail);
        if (st == QUIRE_OK)
            registry_set(NULL, tl_reader);
        if (st) {
            snprintf(err, errlen, "%s", detail ? detail : quire_strerror(st));
            free(detail);
            return st == QUIRE_ENOTFOUND ? QUIRE_EIO : st;
        }
        tl_reopened = now_s();
    } else if (now_s() - tl_reopened > REOPEN_INTERVAL_S) {
        tl_reopened = now_s();
        if (quire_reader_reopen(tl_reader, NULL) != QUIRE_OK) {
            /* The index went away or changed shape: start afresh next time. */
            registry_set(tl_reader, NULL);
            quire_reader_close(tl_reader);
            tl_reader = NULL;
            return thread_reader(cfg, out, err, errlen);
        }
    }
    *out = tl_reader;
    return QUIRE_OK;
}


/* ------------------------------------------------------------ stats ----- */

#define LATENCY_RING 4096 /* p50/p99 over the most recent requests */

static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static double latencies[LATENCY_RING];
static uint64_t served;
static double started = -1;

void api_init(void)
{
    started = now_s();
}

void api_record(double micros)
{
    pthread_mutex_lock(&stats_mu);
    latencies[served % LATENCY_RING] = micros;
    served++;
    pthread_mutex_unlock(&stats_mu);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void latency_percentiles(double *p50, double *p99, uint64_t *count)
{
    static double sorted[LATENCY_RING];
    pthread_mutex_lock(&stats_mu);
    size_t n = served < LATENCY_RING ? (size_t)served : LATENCY_RING;
    memcpy(sorted, latencies, n * sizeof *sorted);
    *count = served;
    qsort(sorted, n, sizeof *sorted, cmp_double);
    *p50 = n ? sorted[(n - 1) / 2] : 0;
    *p99 = n ? sorted[(size_t)((double)(n - 1) * 0.99)] : 0;
    pthread_mutex_unlock(&stats_mu);
}

const char *api_cors_origin(const api_config_t *cfg, const char *origin)
{
    for (size_t i = 0; cfg->cors && cfg->cors[i]; i++) {
        if (strcmp(cfg->cors[i], "*") == 0)
            return "*";
        if (origin && strcmp(cfg->cors[i], origin) == 0)
            return origin;
    }
    return NULL;
}

/* ------------------------------------------------------------ handlers -- */

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
    if (!s || !*s)
        return 0;
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || s[0] == '-' || s[0] == '+' || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static void h_health(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    (void)rq;
    quire_reader_t *r;
    char err[512];
    quire_status_t st = thread_reader(cfg, &r, err, sizeof err);
    uint64_t n = 0;
    if (st == QUIRE_OK)
        st = quire_reader_doc_count(r, &n);
    if (st) {
        reply_status(rp, st, err);
        return;
    }
    reply_json(rp, 200, json_pack("{s:s, s:I}", "status", "ok", "docs", (json_int_t)n));
}

static void h_stats(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    (void)rq;
    quire_reader_t *r;
    char err[512];
    quire_status_t st = thread_reader(cfg, &r, err, sizeof err);
    uint64_t n = 0, rev = 0;
    if (st == QUIRE_OK)
        st = quire_reader_doc_count(r, &n);
    if (st == QUIRE_OK)
        quire_reader_revision(r, &rev); /* 0 for remote shards */
    if (st) {
        reply_status(rp, st, err);
        return;
    }
    double p50, p99;
    uint64_t count;
    latency_percentiles(&p50, &p99, &count);
    rcache_stats_t cs;
    rcache_stats(cfg->cache, &cs);
    reply_json(rp, 200,
               json_pack("{s:I, s:I, s:f, s:I, s:{s:f, s:f}, s:{s:I, s:I, s:I, s:I, s:I}}",
                         "docs", (json_int_t)n, "revision", (json_int_t)rev, "uptime_s",
                         now_s() - started, "requests", (json_int_t)count, "latency_ms", "p50",
                         p50 / 1000.0, "p99", p99 / 1000.0, "cache", "hits",
                         (json_int_t)cs.hits, "misses", (json_int_t)cs.misses, "entries",
                         (json_int_t)cs.entries, "bytes", (json_int_t)cs.bytes, "max_bytes",
                         (json_int_t)cs.max_bytes));
}

static const char openapi[] =
#include "openapi.inc"
    ;

static void h_openapi(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    (void)cfg;
    (void)rq;
    rp->status = 200;
    rp->body = strdup(openapi);
    rp->type = "application/json; charset=utf-8";
}

static void h_search(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    const char *q = rq->arg(rq, "q");
    if (!q || !*q) {
        reply_error(rp, 400, "bad_request", "missing parameter q (the query)");
        return;
    }
    quire_search_options_t o = {.limit = 10};
    if (parse_uint(rq->arg(rq, "limit"), QUIRE_MAX_LIMIT, &o.limit) < 0 || o.limit == 0) {
        reply_error(rp, 400, "bad_parameter", "limit must be a number from 1 to 100");
        return;
    }
    if (parse_uint(rq->arg(rq, "offset"), QUIRE_MAX_OFFSET, &o.offset) < 0) {
        reply_error(rp, 400, "bad_parameter", "offset must be a number from 0 to 10000");
        return;
    }
    const char *sort = rq->arg(rq, "sort");
    if (sort && strcmp(sort, "date") == 0)
        o.sort = QUIRE_SORT_DATE;
    else if (sort && *sort && strcmp(sort, "relevance") != 0) {
        reply_error(rp, 400, "bad_parameter", "sort must be relevance or date");
        return;
    }
    o.source = rq->arg(rq, "source");
    o.date_from = rq->arg(rq, "from");
    o.date_to = rq->arg(rq, "to");
    const char *format = rq->arg(rq, "format");
    int text = format ? strcmp(format, "text") == 0 : rq->wants_text;
    if (format && !text && strcmp(format, "json") != 0) {
        reply_error(rp, 400, "bad_parameter", "format must be json or text");
        return;
    }
    quire_reader_t *r;
    char err[512];
    quire_status_t st = thread_reader(cfg, &r, err, sizeof err);
    if (st) {
        reply_status(rp, st, err);
        return;
    }
    /* The cache key: the index generation and every parameter that
     * shapes the response. The arguments are C strings (no NUL inside), so
     * NUL-separated fields cannot run into each other. */
    uint64_t gen = 0;
    char *key = NULL;
    size_t keylen = 0;
    if (cfg->cache && quire_reader_generation(r, &gen) == QUIRE_OK) {
        const char *f[] = {q, o.source ? o.source : "", o.date_from ? o.date_from : "",
                           o.date_to ? o.date_to : ""};
        size_t cap = 64;
        for (size_t i = 0; i < 4; i++)
            cap += strlen(f[i]) + 1;
        if ((key = malloc(cap))) {
            keylen = (size_t)snprintf(key, cap, "%016llx %u %u %d %d %d",
                                      (unsigned long long)gen, o.limit, o.offset, (int)o.sort,
                                      text, rq->accepts_gzip) + 1;
            for (size_t i = 0; i < 4; i++) {
                size_t n = strlen(f[i]) + 1;
                memcpy(key + keylen, f[i], n);
                keylen += n;
            }
            size_t len;
            rp->vary_encoding = 1;
            if ((rp->body = rcache_get(cfg->cache, key, keylen, &len, &rp->type))) {
                /* Entries under a gzip key always hold gzip bodies (below). */
                rp->status = 200;
                rp->len = len;
                rp->encoding = rq->accepts_gzip ? "gzip" : NULL;
                free(key);
                return;
            }
        }
    }
    quire_results_t *res = NULL;
    /* A commit can discard the revision a reader is on (Xapian keeps only
     * two): move to the newest and run the search again. */
    for (int tries = 0; (st = quire_search(r, q, &o, &res)) == QUIRE_EMODIFIED && tries < 3;
         tries++)
        quire_reader_reopen(r, NULL);
    if (st)
        free(key);
    if (st == QUIRE_EQUERY) {
        long pos = quire_reader_error_pos(r);
        json_t *e = json_pack("{s:s, s:o}", "code", "bad_query", "message",
                              safe_string(quire_reader_detail(r)));
        if (e && pos >= 0)
            json_object_set_new(e, "position", json_integer(pos));
        reply_json(rp, 400, json_pack("{s:o}", "error", e));
        return;
    }
    if (st) {
        reply_status(rp, st, quire_reader_detail(r));
        return;
    }
    rp->status = 200;
    if (text) {
        rp->body = quire_results_text(res, 0);
        rp->type = "text/plain; charset=utf-8";
    } else {
        rp->body = quire_results_json(res);
        rp->type = "application/json; charset=utf-8";
    }
    rp->vary_encoding = 1;
    if (rp->body && rq->accepts_gzip) {
        char *gz;
        size_t gzlen;
        if (gzip_encode(rp->body, strlen(rp->body), &gz, &gzlen) == 0) {
            free(rp->body);
            rp->body = gz;
            rp->len = gzlen;
            rp->encoding = "gzip";
        } else {
            free(key); /* served plain, so not cached under the gzip key */
            key = NULL;
        }
    }
    /* Only when the search ran on the generation the key names: a retry
     * after a commit moved the reader on. */
    uint64_t now_gen = 0;
    if (key && rp->body && quire_reader_generation(r, &now_gen) == QUIRE_OK && now_gen == gen)
        rcache_put(cfg->cache, key, keylen, rp->body, rp->len ? rp->len : strlen(rp->body),
                   rp->type);
    free(key);
    quire_results_free(res);
}

static void h_doc(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    const char *id = rq->path + strlen("/api/doc/");
    if (!*id) {
        reply_error(rp, 404, "not_found", "no document id in the path");
        return;
    }
    quire_reader_t *r;
    char err[512];
    quire_status_t st = thread_reader(cfg, &r, err, sizeof err);
    quire_stored_doc_t *d = NULL;
    for (int tries = 0; st == QUIRE_OK || (st == QUIRE_EMODIFIED && tries < 3); tries++) {
        if (st == QUIRE_EMODIFIED)
            quire_reader_reopen(r, NULL);
        st = quire_reader_get(r, id, &d);
        if (st != QUIRE_EMODIFIED)
            break;
    }
    if (st) {
        reply_status(rp, st, st == QUIRE_ENOTFOUND ? quire_reader_detail(r) : err);
        return;
    }
#define S(x) ((x) ? json_string(x) : json_null())
    reply_json(rp, 200,
               json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", S(d->doc.id), "title",
                         S(d->doc.title), "source", S(d->doc.source), "url", S(d->doc.url),
                         "author", S(d->doc.author), "date", S(d->doc.date), "body",
                         S(d->doc.body)));
#undef S
    quire_stored_doc_free(d);
}

/* ------------------------------------------------------------ routing --- */

typedef void (*handler_fn)(const api_config_t *, const api_request_t *, reply_t *);

static const struct route {
    const char *path;
    int prefix; /* path is a prefix (ids follow) */
    handler_fn fn;
} routes[] = {
    {"/api/search", 0, h_search},
    {"/api/doc/", 1, h_doc},
    {"/api/health", 0, h_health},
    {"/api/stats", 0, h_stats},
    {"/openapi.json", 0, h_openapi},
};

api_response_t api_handle(const api_config_t *cfg, const api_request_t *rq)
{
    reply_t rp = {0};
    const struct route *found = NULL;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        size_t n = strlen(routes[i].path);
        if (routes[i].prefix ? strncmp(rq->path, routes[i].path, n) == 0
                             : strcmp(rq->path, routes[i].path) == 0) {
            found = &routes[i];
            break;
        }
    }
    if (!found)
        reply_error(&rp, 404, "not_found", "no such endpoint");
    else if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0)
        reply_error(&rp, 405, "method_not_allowed", "only GET is supported");
    else
        found->fn(cfg, rq, &rp);
    if (!rp.body) {
        rp.status = 503;
        rp.body = strdup("{\"error\":{\"code\":\"out_of_memory\",\"message\":\"out of memory\"}}");
        rp.type = "application/json; charset=utf-8";
    }
    api_response_t out = {rp.status,
                          rp.body,
                          rp.len ? rp.len : rp.body ? strlen(rp.body) : 0,
                          rp.type,
                          rp.encoding,
                          rp.vary_encoding};
    return out;
}
