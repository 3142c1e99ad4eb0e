/*
 * http_api.c - the routes of quire-serve and their handlers.
 *
 * Routes live in one table; quire_status_t -> HTTP status mapping lives in
 * one function (http_status_of). Each worker thread searches with its own
 * reader (thread_reader.h), which follows commits within a second or two.
 * Search parameters are read by search_params.h; search responses are
 * cached (result_cache.h) under a key holding the index generation, so a
 * commit is never hidden by the cache.
 */
#include "http_api.h"

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_out.h"
#include "clock.h"
#include "damage.h"
#include "gzip_encode.h"
#include "hash.h"
#include "json_text.h"
#include "search_params.h"
#include "thread_reader.h"
#include "web_assets.h"

void api_shutdown(void)
{
    thread_readers_close_all();
}

/* ------------------------------------------------------------ replies --- */

typedef struct reply {
    unsigned status;
    char *body;           /* malloc'd */
    size_t len;           /* 0: strlen(body) (text); set for gzip bodies */
    const char *type;     /* content type */
    const char *encoding; /* "gzip" or NULL */
    int vary_encoding;
    api_stream_t *stream; /* a streamed body instead (exports) */
    char stream_etag[20]; /* its entity tag, or "" */
    int again;            /* the thread fell back to its previous generation:
                             answer the request again (thread_reader_fall_back()) */
    char partial[API_PARTIAL_MAX]; /* X-Quire-Partial, or "" */
} reply_t;

/* Every JSON answer, errors included, says first which version of the API
 * it speaks (QUIRE_API_VERSION); this is the one place that says it, but
 * for search results, which quire_results_json() writes with it (so
 * quire-search --format json prints the same bytes). Takes o; NULL when
 * out of memory. */
static json_t *versioned(json_t *o)
{
    json_t *v = o ? json_pack("{s:s}", "api_version", QUIRE_API_VERSION) : NULL;
    if (v && json_object_update(v, o) < 0) {
        json_decref(v);
        v = NULL;
    }
    json_decref(o);
    return v;
}

static void reply_json(reply_t *rp, unsigned status, json_t *o)
{
    o = versioned(o);
    rp->status = status;
    rp->body = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    rp->type = "application/json; charset=utf-8";
    json_decref(o);
}

/* An error answer. `param` names the parameter of a bad_parameter (or is
 * NULL), so a client can point at the field without parsing the message;
 * `pos` is the byte offset of a bad_query's problem in q (-1: none). */
static void reply_error_at(reply_t *rp, unsigned status, const char *code, const char *msg,
                           const char *param, long pos)
{
    json_t *e = json_pack("{s:s, s:o}", "code", code, "message", quirei_json_text(msg));
    if (e && param)
        json_object_set_new(e, "parameter", json_string(param));
    if (e && pos >= 0)
        json_object_set_new(e, "position", json_integer(pos));
    reply_json(rp, status, e ? json_pack("{s:o}", "error", e) : NULL);
}

static void reply_error_param(reply_t *rp, unsigned status, const char *code, const char *msg,
                              const char *param)
{
    reply_error_at(rp, status, code, msg, param, -1);
}

static void reply_error(reply_t *rp, unsigned status, const char *code, const char *msg)
{
    reply_error_param(rp, status, code, msg, NULL);
}

/* The one place where library statuses become HTTP statuses. */
static unsigned http_status_of(quire_status_t st, const char **code)
{
    switch (st) {
    case QUIRE_OK: *code = "ok"; return 200;
    case QUIRE_EQUERY: *code = "bad_query"; return 400;
    case QUIRE_EOPTION: *code = "bad_parameter"; return 400;
    case QUIRE_EINVAL: *code = "bad_request"; return 400;
    case QUIRE_ENOTFOUND: *code = "not_found"; return 404;
    case QUIRE_ENOMEM: *code = "out_of_memory"; return 503;
    case QUIRE_EMODIFIED: *code = "index_changed"; return 503;
    case QUIRE_ENOTINDEX:
    case QUIRE_ECORRUPT: /* damaged: the message says how (issue 16) */
    case QUIRE_EIO: *code = "index_unavailable"; return 503;
    default: *code = "internal_error"; return 500;
    }
}

static void reply_status(reply_t *rp, quire_status_t st, const char *msg)
{
    const char *code;
    unsigned http = http_status_of(st, &code);
    if (st == QUIRE_ECORRUPT && thread_reader_fall_back(msg))
        rp->again = 1; /* the previous generation answers (issue 16) */
    else if (st == QUIRE_ECORRUPT)
        damage_mark(msg); /* health says so; every request 503 until it changes */
    reply_error(rp, http, code, msg && *msg ? msg : quire_strerror(st));
}

/* ------------------------------------------------------------ stats ----- */

#define LATENCY_RING 4096 /* p50/p99 over the most recent requests */

static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static double latencies[LATENCY_RING];
static uint64_t served;
static double started_ms;

void api_init(void)
{
    started_ms = quirei_now_ms();
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

/* This thread's reader, or NULL after answering the request with the reason
 * there is none. */
static quire_reader_t *reader_or_reply(const api_config_t *cfg, reply_t *rp)
{
    quire_reader_t *r;
    char err[512];
    if (damage_current(err, sizeof err)) {
        reply_error(rp, 503, "index_unavailable", err);
        return NULL;
    }
    quire_status_t st = thread_reader_get(cfg->db, &r, err, sizeof err);
    if (st) {
        reply_status(rp, st, err);
        return NULL;
    }
    return r;
}

static void h_health(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    (void)rq;
    char why[512];
    if (damage_current(why, sizeof why)) {
        reply_json(rp, 503, json_pack("{s:s, s:s}", "status", "damaged", "reason", why));
        return;
    }
    quire_reader_t *r = reader_or_reply(cfg, rp);
    uint64_t n = 0;
    if (!r)
        return;
    quire_status_t st = quire_reader_doc_count(r, &n);
    if (st) {
        reply_status(rp, st, quire_reader_detail(r));
        return;
    }
    reply_json(rp, 200, json_pack("{s:s, s:I}", "status", "ok", "docs", (json_int_t)n));
}

/* GET /api/sources: every source and its documents (format=text: the
 * quire-search --sources text). quire_sources_json() writes the
 * api_version itself, as quire_results_json() does. */
static void h_sources(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    int text;
    quirei_buf msg = QUIREI_BUF_INIT;
    if (search_params_json_or_text(rq, &text, &msg) < 0) {
        reply_error_param(rp, 400, "bad_parameter", quirei_buf_cstr(&msg), "format");
        quirei_buf_release(&msg);
        return;
    }
    quire_reader_t *r = reader_or_reply(cfg, rp);
    quire_sources_t *s = NULL;
    quire_status_t st = r ? quire_reader_sources(r, &s) : QUIRE_OK;
    if (!r)
        return;
    if (st) {
        reply_status(rp, st, quire_reader_detail(r));
        return;
    }
    rp->status = 200;
    rp->body = text ? quire_sources_text(s) : quire_sources_json(s);
    rp->type = text ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
    api_partial_names(r, rp->partial);
    quire_sources_free(s);
}

static void h_stats(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    (void)rq;
    quire_reader_t *r = reader_or_reply(cfg, rp);
    uint64_t n = 0, rev = 0;
    if (!r)
        return;
    quire_status_t st = quire_reader_doc_count(r, &n);
    if (st) {
        reply_status(rp, st, quire_reader_detail(r));
        return;
    }
    quire_reader_revision(r, &rev); /* remote shards: from their metadata */
    size_t ndown = 0;
    const char *const *down = quire_reader_missing_shards(r, &ndown);
    json_t *downs = json_array();
    for (size_t i = 0; downs && i < ndown; i++)
        json_array_append_new(downs, quirei_json_text(down[i]));
    double p50, p99;
    uint64_t count;
    latency_percentiles(&p50, &p99, &count);
    rcache_stats_t cs;
    rcache_stats(cfg->cache, &cs);
    reply_json(rp, 200,
               json_pack("{s:I, s:I, s:f, s:I, s:{s:f, s:f}, s:{s:I, s:I, s:I, s:I, s:I}, "
                         "s:{s:I, s:o}}",
                         "docs", (json_int_t)n, "revision", (json_int_t)rev, "uptime_s",
                         (quirei_now_ms() - started_ms) / 1e3, "requests", (json_int_t)count,
                         "latency_ms", "p50", p50 / 1000.0, "p99", p99 / 1000.0, "cache",
                         "hits", (json_int_t)cs.hits, "misses", (json_int_t)cs.misses,
                         "entries", (json_int_t)cs.entries, "bytes", (json_int_t)cs.bytes,
                         "max_bytes", (json_int_t)cs.max_bytes, "shards", "total",
                         (json_int_t)quire_reader_shard_count(r), "down", downs));
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

/* The answer of a handler of api_out.h, as a reply. */
static void reply_out(reply_t *rp, api_out_t *o)
{
    if (o->fail) {
        reply_status(rp, o->fail, o->message);
    } else if (o->status >= 400) {
        reply_error_at(rp, o->status, o->code, o->message ? o->message : "", o->parameter,
                       o->position);
    } else if (o->json) {
        reply_json(rp, o->status, o->json);
    } else {
        rp->status = o->status;
        rp->body = o->body;
        rp->stream = o->stream;
        rp->type = o->type;
        memcpy(rp->stream_etag, o->etag, sizeof rp->stream_etag);
        memcpy(rp->partial, o->partial, sizeof rp->partial);
    }
    free(o->message);
}

/* A failed search: a bad query says where (position), a bad option which
 * parameter it was, the rest by status (api_out_search_error() decides,
 * for batches and exports alike). */
static void reply_search_error(reply_t *rp, quire_reader_t *r, quire_status_t st)
{
    api_out_t o = {.position = -1};
    api_out_search_error(&o, r, st);
    reply_out(rp, &o);
}

static void h_batch(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    api_out_t o = {.position = -1};
    batch_handle(cfg, rq, &o);
    reply_out(rp, &o);
}

static void h_similar(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    api_out_t o = {.position = -1};
    similar_handle(cfg, rq, &o);
    reply_out(rp, &o);
}

static void h_opensearch(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    api_out_t o = {.position = -1};
    opensearch_handle(cfg, rq, &o);
    reply_out(rp, &o);
}

/* format=csv, jsonl (every match, streamed) or atom (a feed). */
static void reply_export(const api_config_t *cfg, const api_request_t *rq,
                         const search_params_t *p, reply_t *rp)
{
    api_out_t o = {.position = -1};
    if (p->export_format == SP_EXPORT_ATOM)
        feed_handle(cfg, rq, p->q, &p->opts, &o);
    else
        export_handle(cfg, rq, p->q, &p->opts, p->export_format == SP_EXPORT_CSV, &o);
    reply_out(rp, &o);
}

/* Answer p from the cache when it holds the response: 1 if it did. Else
 * leaves in *key and *gen what a new response is to be stored under (key
 * empty: do not store). */
static int answer_from_cache(const api_config_t *cfg, quire_reader_t *r,
                             const search_params_t *p, quirei_buf *key, uint64_t *gen,
                             reply_t *rp)
{
    if (!cfg->cache || quire_reader_generation(r, gen) != QUIRE_OK)
        return 0;
    if (search_params_cache_key(p, *gen, key) < 0) {
        quirei_buf_release(key); /* out of memory: answer without the cache */
        return 0;
    }
    rp->vary_encoding = 1;
    size_t len;
    if (!(rp->body = rcache_get(cfg->cache, key->ptr, key->len, &len, &rp->type)))
        return 0;
    /* Entries under a gzip key always hold gzip bodies (cache_store). */
    rp->status = 200;
    rp->len = len;
    rp->encoding = p->gzip ? "gzip" : NULL;
    return 1;
}

/* The results as p asks for them: JSON or text, gzipped if accepted (and
 * if gzip has the memory; else plain). */
static void reply_results(reply_t *rp, const quire_results_t *res, const search_params_t *p)
{
    rp->status = 200;
    if (p->text) {
        rp->body = quire_results_text(res, 0);
        rp->type = "text/plain; charset=utf-8";
    } else {
        rp->body = quire_results_json(res);
        rp->type = "application/json; charset=utf-8";
    }
    rp->vary_encoding = 1;
    char *gz;
    size_t gzlen;
    if (rp->body && p->gzip && gzip_encode(rp->body, strlen(rp->body), &gz, &gzlen) == 0) {
        free(rp->body);
        rp->body = gz;
        rp->len = gzlen;
        rp->encoding = "gzip";
    }
}

/* Keep the response for the next identical search, when it is what the key
 * names: made on the key's generation (a commit can move the reader on
 * during the search: the library then reopens it and searches again) and
 * gzipped exactly when the key says so (a plain fallback is not). */
static void cache_store(const api_config_t *cfg, quire_reader_t *r, const quirei_buf *key,
                        uint64_t gen, const search_params_t *p, const reply_t *rp)
{
    uint64_t now_gen = 0;
    if (key->len && rp->body && (rp->encoding != NULL) == (p->gzip != 0) &&
        quire_reader_generation(r, &now_gen) == QUIRE_OK && now_gen == gen)
        rcache_put(cfg->cache, key->ptr, key->len, rp->body, rp->len ? rp->len : strlen(rp->body),
                   rp->type);
}

static void h_search(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    search_params_t p;
    quirei_buf msg = QUIREI_BUF_INIT;
    const char *param = NULL;
    if (search_params_parse(rq, &p, &msg, &param) < 0) {
        reply_error_param(rp, 400, "bad_parameter", msg.len ? msg.ptr : "bad parameter", param);
        quirei_buf_release(&msg);
        return;
    }
    if (p.export_format) {
        reply_export(cfg, rq, &p, rp);
        return;
    }
    quire_reader_t *r = reader_or_reply(cfg, rp);
    if (!r)
        return;
    quire_status_t st;
    quirei_buf key = QUIREI_BUF_INIT;
    uint64_t gen = 0;
    if (!answer_from_cache(cfg, r, &p, &key, &gen, rp)) {
        quire_results_t *res = NULL;
        if ((st = quire_search(r, p.q, &p.opts, &res)) != QUIRE_OK) {
            reply_search_error(rp, r, st);
        } else {
            reply_results(rp, res, &p);
            cache_store(cfg, r, &key, gen, &p, rp);
            quire_results_free(res);
        }
    }
    quirei_buf_release(&key);
}

/* The page (web_assets.h): index.html for "/" and "/doc/{id}", and its
 * scripts and style sheet. Its own query string is the app's to read. */
static void h_page(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    (void)cfg;
    const web_asset_t *a = web_asset_for(rq->path);
    if (!a) {
        reply_error(rp, 404, "not_found", "no such page asset");
        return;
    }
    if ((rp->body = malloc(a->len + 1)) != NULL) {
        memcpy(rp->body, a->body, a->len + 1);
        rp->len = a->len;
    }
    rp->status = 200;
    rp->type = a->type;
}

/* The stored document as JSON, its fields in their order, absent ones null;
 * NULL when out of memory. */
static json_t *doc_json(const quire_doc_t *doc)
{
    json_t *o = json_object();
    for (int f = 0; o && f < QUIRE_FIELD_COUNT; f++) {
        if (json_object_set_new(o, quire_field_name((quire_field_t)f),
                                quirei_json_text(quire_doc_get(doc, (quire_field_t)f))) < 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

static void h_doc(const api_config_t *cfg, const api_request_t *rq, reply_t *rp)
{
    const char *id = rq->path + strlen("/api/doc/");
    if (!*id) {
        reply_error(rp, 404, "not_found", "no document id in the path");
        return;
    }
    quire_reader_t *r = reader_or_reply(cfg, rp);
    if (!r)
        return;
    quire_status_t st;
    quire_stored_doc_t *d = NULL;
    if ((st = quire_reader_get(r, id, &d)) != QUIRE_OK) {
        reply_status(rp, st, quire_reader_detail(r));
        return;
    }
    reply_json(rp, 200, doc_json(&d->doc));
    quire_stored_doc_free(d);
}

/* ------------------------------------------------------------ routing --- */

typedef void (*handler_fn)(const api_config_t *, const api_request_t *, reply_t *);

static const char *const no_params[] = {NULL};
static const char *const format_param[] = {"format", NULL};

static const struct route {
    const char *path;
    int prefix; /* path is a prefix (ids follow) */
    handler_fn fn;
    const char *const *params; /* the query-string parameters it takes (NULL: any) */
} routes[] = {
    {"/api/search", 0, h_search, search_param_names},
    {"/api/doc/", 1, h_doc, no_params},
    {"/api/similar/", 1, h_similar, similar_param_names},
    {"/api/health", 0, h_health, no_params},
    {"/api/stats", 0, h_stats, no_params},
    {"/api/sources", 0, h_sources, format_param},
    {"/openapi.json", 0, h_openapi, no_params},
    {"/api/batch", 0, h_batch, batch_param_names},
    {"/opensearch.xml", 0, h_opensearch, no_params},
    {"/", 0, h_page, NULL}, /* params NULL: the page's URL carries the app's state */
    {"/doc/", 1, h_page, NULL},
    {"/assets/", 1, h_page, NULL},
};

/* A 400 for a parameter the route does not take, naming it and the ones it
 * does. Returns 1 when it answered. */
static int refuse_unknown_param(const api_request_t *rq, const struct route *rt, reply_t *rp)
{
    const char *bad = rq->unknown_arg && rt->params ? rq->unknown_arg(rq, rt->params) : NULL;
    if (!bad)
        return 0;
    quirei_buf msg = QUIREI_BUF_INIT;
    int oom = quirei_buf_addf(&msg, "unknown parameter '%s' (%s takes ", bad, rt->path) < 0;
    for (size_t i = 0; !oom && rt->params[i]; i++)
        oom = quirei_buf_addf(&msg, "%s%s", i ? ", " : "", rt->params[i]) < 0;
    if (!oom)
        oom = quirei_buf_adds(&msg, rt->params[0] ? ")" : "none)") < 0;
    reply_error_param(rp, 400, "bad_parameter", oom ? "unknown parameter" : msg.ptr, bad);
    quirei_buf_release(&msg);
    return 1;
}

/* Errors in the form the client asked for: with format=text or Accept:
 * text/plain, a curl user reads "error 400 bad_query: MESSAGE" (and the
 * position, for a query error) rather than JSON. */
static void error_as_text(const api_request_t *rq, reply_t *rp)
{
    const char *format = rq->arg(rq, "format");
    int text = format && *format ? strcmp(format, "text") == 0 : rq->wants_text;
    if (!text || rp->status < 400 || !rp->body || rp->encoding)
        return;
    json_t *o = json_loads(rp->body, 0, NULL);
    json_t *e = json_object_get(o, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    json_t *pos = json_object_get(e, "position");
    quirei_buf b = QUIREI_BUF_INIT;
    if (code && msg && quirei_buf_addf(&b, "error %u %s: %s\n", rp->status, code, msg) == 0 &&
        (!json_is_integer(pos) ||
         quirei_buf_addf(&b, "position: %lld\n", (long long)json_integer_value(pos)) == 0)) {
        free(rp->body);
        rp->body = quirei_buf_detach(&b, NULL);
        rp->len = 0;
        rp->type = "text/plain; charset=utf-8";
    }
    quirei_buf_release(&b);
    json_decref(o);
}

/* Does the If-None-Match header list this entity tag (or "*")? Tags are
 * compared as strings, weak ("W/") ones by their opaque part, as RFC 9110
 * asks for GET. */
static int etag_listed(const char *header, const char *etag)
{
    size_t n = strlen(etag);
    for (const char *p = header; p && *p;) {
        p += strspn(p, " \t,");
        if (*p == '*')
            return 1;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

/* A 200 gets an entity tag, the hash of its body: a client revalidating
 * with If-None-Match gets 304 and no body when nothing changed (a repeated
 * search is answered from the result cache with the same bytes, so it
 * revalidates too; a new commit changes the answer and its tag). */
static void tag_entity(const api_request_t *rq, reply_t *rp, size_t len, char etag[20])
{
    etag[0] = '\0';
    if (rp->status != 200 || !rp->body)
        return;
    snprintf(etag, 20, "\"%016llx\"",
             (unsigned long long)quirei_fnv1a64(QUIREI_FNV64_INIT, rp->body, len));
    if (rq->if_none_match && etag_listed(rq->if_none_match, etag)) {
        char *empty = strdup("");
        if (empty) {
            free(rp->body);
            rp->body = empty;
            rp->len = 0;
            rp->status = 304;
        }
    }
}

/* The reply as the daemon sends it: errors in the form asked for, an
 * entity tag (and 304) for a 200. */
/* A stream's entity tag (export.c makes it from the request and the index
 * generation): a revalidation that names it gets 304 and the stream is
 * never run. */
static void tag_stream(const api_request_t *rq, api_response_t *out, const char *etag)
{
    memcpy(out->etag, etag, sizeof out->etag);
    char *empty;
    if (!rq->if_none_match || !etag_listed(rq->if_none_match, etag) || !(empty = strdup("")))
        return;
    out->stream->free(out->stream->cls);
    free(out->stream);
    out->stream = NULL;
    out->status = 304;
    out->body = empty;
    out->len = 0;
}

static api_response_t finish(const api_request_t *rq, reply_t rp)
{
    error_as_text(rq, &rp);
    if (!rp.body && !rp.stream) {
        rp.status = 503;
        rp.body = strdup("{\"api_version\":\"" QUIRE_API_VERSION "\",\"error\":{\"code\":"
                         "\"out_of_memory\",\"message\":\"out of memory\"}}");
        rp.type = "application/json; charset=utf-8";
    }
    api_response_t out = {rp.status,
                          rp.body,
                          rp.len ? rp.len : rp.body ? strlen(rp.body) : 0,
                          rp.type,
                          rp.encoding,
                          rp.vary_encoding,
                          "",
                          rp.stream,
                          ""};
    memcpy(out.partial, rp.partial, sizeof out.partial);
    tag_entity(rq, &rp, out.len, out.etag);
    if (rp.status == 304) {
        out.status = 304;
        out.body = rp.body;
        out.len = 0;
    }
    if (rp.stream && rp.stream_etag[0])
        tag_stream(rq, &out, rp.stream_etag);
    return out;
}

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
    else if (found->fn == h_batch && strcmp(rq->method, "POST") != 0)
        reply_error(&rp, 405, "method_not_allowed", "POST the queries to /api/batch");
    else if (found->fn != h_batch && strcmp(rq->method, "GET") != 0 &&
             strcmp(rq->method, "HEAD") != 0)
        reply_error(&rp, 405, "method_not_allowed", "only GET is supported");
    else if (!refuse_unknown_param(rq, found, &rp)) {
        found->fn(cfg, rq, &rp);
        if (rp.again) { /* once: the generation fallen back to has none before it */
            free(rp.body);
            rp = (reply_t){0};
            found->fn(cfg, rq, &rp);
        }
    }
    return finish(rq, rp);
}

api_response_t api_error(const api_request_t *rq, unsigned status, const char *code,
                         const char *message)
{
    reply_t rp = {0};
    reply_error(&rp, status, code, message);
    return finish(rq, rp);
}
