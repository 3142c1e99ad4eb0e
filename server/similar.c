/*
 * similar.c - GET /api/similar/{id}: the articles most like document {id}
 * (quire_similar(), lib/query/similar.c), in the shape of a search's
 * answer. Parameters: limit, offset (offset + limit <= QUIRE_MAX_SIMILAR),
 * source, from, to as for /api/search; format json|text; snippets=0 leaves
 * snippets and quotes out (the document view lists titles only).
 * Answers are kept in the result cache (result_cache.h) under a key that
 * starts with "similar" (a search's key starts with the generation's hex
 * digits) and holds the index generation, as searches are: a repeated
 * request gets the same bytes, so its entity tag revalidates (304).
 */
#include <string.h>

#include "api_out.h"
#include "number.h"
#include "result_cache.h"
#include "search_params.h"
#include "strbuf.h"
#include "thread_reader.h"

const char *const similar_param_names[] = {"limit", "offset", "source", "from",
                                           "to",    "format", "snippets", NULL};

/* A 400 bad_parameter answer naming `name` with msg; -1. */
static int bad_param(api_out_t *o, const char *name, quirei_buf *msg)
{
    api_out_error(o, 400, "bad_parameter", quirei_buf_cstr(msg));
    o->parameter = name;
    quirei_buf_release(msg);
    return -1;
}

/* Number parameter `name` in [lo, hi] into *out (absent or empty: left as
 * it is); -1 after answering a 400. */
static int number_param(const api_request_t *rq, const char *name, unsigned lo, unsigned hi,
                        unsigned *out, api_out_t *o)
{
    quirei_buf msg = QUIREI_BUF_INIT;
    return search_params_number(rq, name, lo, hi, out, &msg) < 0 ? bad_param(o, name, &msg) : 0;
}

/* A parameter that is 0 or 1 (absent or empty: dflt); -1 after a 400. */
static int flag_param(const api_request_t *rq, const char *name, int dflt, int *out,
                      api_out_t *o)
{
    const char *s = rq->arg(rq, name);
    *out = dflt;
    if (!s || !*s)
        return 0;
    if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0) {
        quirei_buf msg = QUIREI_BUF_INIT;
        quirei_buf_setf(&msg, "%s must be 0 or 1, not '%.64s'", name, s);
        api_out_error(o, 400, "bad_parameter", quirei_buf_cstr(&msg));
        o->parameter = name;
        quirei_buf_release(&msg);
        return -1;
    }
    *out = s[0] == '1';
    return 0;
}

/* The result-cache key of the answer (see the top of this file): 0, or
 * -1 when out of memory (then answer without the cache). */
static int cache_key(const char *id, const quire_search_options_t *so, int text, uint64_t gen,
                     quirei_buf *key)
{
    const char *strings[] = {id, so->source ? so->source : "", so->date_from ? so->date_from : "",
                             so->date_to ? so->date_to : ""};
    if (quirei_buf_setf(key, "similar %016llx %u %u %d %d", (unsigned long long)gen, so->limit,
                        so->offset, (int)so->no_snippets, text) < 0 ||
        quirei_buf_addc(key, '\0') < 0)
        return -1;
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        if (quirei_buf_add(key, strings[i], strlen(strings[i]) + 1) < 0)
            return -1;
    return 0;
}

void similar_handle(const api_config_t *cfg, const api_request_t *rq, api_out_t *o)
{
    const char *id = rq->path + strlen("/api/similar/");
    if (!*id) {
        api_out_error(o, 404, "not_found", "no document id in the path");
        return;
    }
    quire_search_options_t so = {.limit = 10};
    int snippets;
    if (number_param(rq, "limit", 1, QUIRE_MAX_LIMIT, &so.limit, o) < 0 ||
        number_param(rq, "offset", 0, QUIRE_MAX_SIMILAR, &so.offset, o) < 0 ||
        flag_param(rq, "snippets", 1, &snippets, o) < 0)
        return;
    so.no_snippets = !snippets;
    so.source = rq->arg(rq, "source");
    so.date_from = rq->arg(rq, "from");
    so.date_to = rq->arg(rq, "to");
    int text;
    quirei_buf msg = QUIREI_BUF_INIT;
    if (search_params_json_or_text(rq, &text, &msg) < 0) {
        bad_param(o, "format", &msg);
        return;
    }
    quire_reader_t *r;
    char err[512];
    quire_status_t st = thread_reader_get(cfg->db, &r, err, sizeof err);
    if (st) {
        o->fail = st;
        o->message = strdup(err);
        return;
    }
    quirei_buf key = QUIREI_BUF_INIT;
    uint64_t gen = 0;
    size_t len;
    if (cfg->cache && quire_reader_generation(r, &gen) == QUIRE_OK &&
        cache_key(id, &so, text, gen, &key) < 0)
        quirei_buf_release(&key); /* out of memory: no cache */
    if (key.len && (o->body = rcache_get(cfg->cache, key.ptr, key.len, &len, &o->type))) {
        o->status = 200;
        quirei_buf_release(&key);
        return;
    }
    quire_results_t *res = NULL;
    if ((st = quire_similar(r, id, &so, &res)) != QUIRE_OK) {
        api_out_search_error(o, r, st);
        quirei_buf_release(&key);
        return;
    }
    o->status = 200;
    o->body = text ? quire_results_text(res, 0) : quire_results_json(res);
    o->type = text ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
    quire_results_free(res);
    /* Kept only when made on the key's generation (the library may have
     * moved the reader on after a commit). */
    uint64_t now = 0;
    if (key.len && o->body && quire_reader_generation(r, &now) == QUIRE_OK && now == gen)
        rcache_put(cfg->cache, key.ptr, key.len, o->body, strlen(o->body), o->type);
    quirei_buf_release(&key);
}
