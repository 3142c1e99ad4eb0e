/*
 * batch.c - POST /api/batch (api_out.h): up to QUIRE_BATCH_MAX_QUERIES
 * queries in one request body (a JSON array of strings, or text with one
 * query a line), answered in the order sent, as JSON or CSV.
 *
 * Every query is one quire_search() with its work limit; the batch as a
 * whole has a time budget (api_config_t.batch_budget_ms, half the server's
 * --timeout): no query starts after it, and the answer says which were not
 * run ("complete": false, error "not_run"), rather than the client waiting
 * on a connection the server would close. The answer is built whole: with
 * at most 10 hits a query it stays small (~2 MB for 1,000 queries).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_out.h"
#include "number.h"
#include "search_params.h"
#include "thread_reader.h"

#define BATCH_DEFAULT_LIMIT 3
#define BATCH_MAX_LIMIT 10

const char *const batch_param_names[] = {"limit", "sort", "source", "from", "to", "format", NULL};

int api_takes_body(const char *method, const char *path)
{
    return strcmp(method, "POST") == 0 && strcmp(path, "/api/batch") == 0;
}

void api_out_error(api_out_t *o, unsigned status, const char *code, const char *message)
{
    o->status = status;
    o->code = code;
    o->message = strdup(message); /* NULL: reply_out says "" */
}

void api_out_search_error(api_out_t *o, quire_reader_t *r, quire_status_t st)
{
    if (st == QUIRE_EQUERY) {
        api_out_error(o, 400, "bad_query", quire_reader_detail(r));
        o->position = quire_reader_error_pos(r);
    } else if (st == QUIRE_EOPTION) {
        api_out_error(o, 400, "bad_parameter", quire_reader_detail(r));
        o->parameter = quire_reader_error_option(r);
    } else {
        o->fail = st;
        o->message = strdup(quire_reader_detail(r));
    }
}

void api_partial_names(const quire_reader_t *r, char *out)
{
    size_t n = 0, at = 0;
    const char *const *down = quire_reader_missing_shards(r, &n);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *sep = i ? ", " : "";
        size_t need = strlen(sep) + strlen(down[i]);
        if (at + need + sizeof ", ..." > API_PARTIAL_MAX) {
            snprintf(out + at, API_PARTIAL_MAX - at, "%s...", sep);
            return;
        }
        at += (size_t)snprintf(out + at, API_PARTIAL_MAX - at, "%s%s", sep, down[i]);
    }
}

/* The parameters into *so and *csv; -1 after answering a 400. */
static int batch_params(const api_request_t *rq, quire_search_options_t *so, int *csv,
                        api_out_t *o)
{
    *so = (quire_search_options_t){.limit = BATCH_DEFAULT_LIMIT};
    const char *limit = rq->arg(rq, "limit"), *sort = rq->arg(rq, "sort");
    const char *format = rq->arg(rq, "format");
    uint64_t v;
    if (limit && *limit) {
        if (quirei_parse_number(limit, 1, BATCH_MAX_LIMIT, &v) < 0) {
            api_out_error(o, 400, "bad_parameter", "limit (hits a query) must be from 1 to 10");
            o->parameter = "limit";
            return -1;
        }
        so->limit = (unsigned)v;
    }
    if (sort && strcmp(sort, "date") == 0) {
        so->sort = QUIRE_SORT_DATE;
    } else if (sort && *sort && strcmp(sort, "relevance") != 0) {
        api_out_error(o, 400, "bad_parameter", "sort must be relevance or date");
        o->parameter = "sort";
        return -1;
    }
    if (format && *format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0) {
        api_out_error(o, 400, "bad_parameter", "format must be json or csv");
        o->parameter = "format";
        return -1;
    }
    *csv = format && *format ? strcmp(format, "csv") == 0
                             : rq->header && search_params_accepts_csv(rq->header(rq, "Accept"));
    so->source = rq->arg(rq, "source");
    so->date_from = rq->arg(rq, "from");
    so->date_to = rq->arg(rq, "to");
    return 0;
}

/* The batch of the request body; NULL after answering why there is none. */
static quire_batch_t *batch_of_body(const api_request_t *rq, api_out_t *o)
{
    if (!rq->body || rq->body_len == 0) {
        api_out_error(o, 400, "bad_request",
                      "no queries: POST a JSON array of query strings, or text with one query "
                      "a line");
        return NULL;
    }
    const char *type = rq->header ? rq->header(rq, "Content-Type") : NULL;
    quire_batch_input_t how = !type                                 ? QUIRE_BATCH_AUTO
                              : strstr(type, "json")                ? QUIRE_BATCH_JSON
                              : strncmp(type, "text/plain", 10) == 0 ? QUIRE_BATCH_LINES
                                                                    : QUIRE_BATCH_AUTO;
    quire_batch_t *b = NULL;
    char *detail = NULL;
    quire_status_t st = quire_batch_parse(rq->body, rq->body_len, how, &b, &detail);
    if (st == QUIRE_ENOMEM)
        api_out_error(o, 503, "out_of_memory", "out of memory");
    else if (st != QUIRE_OK)
        api_out_error(o, 400, "bad_request", detail ? detail : quire_strerror(st));
    free(detail);
    if (st == QUIRE_OK && b->n > QUIRE_BATCH_MAX_QUERIES) {
        char msg[96];
        snprintf(msg, sizeof msg, "a batch holds at most %d queries, not %zu",
                 QUIRE_BATCH_MAX_QUERIES, b->n);
        api_out_error(o, 413, "payload_too_large", msg);
        quire_batch_free(b);
        b = NULL;
    }
    return b;
}

void batch_handle(const api_config_t *cfg, const api_request_t *rq, api_out_t *o)
{
    quire_search_options_t so;
    int csv;
    if (batch_params(rq, &so, &csv, o) < 0)
        return;
    quire_batch_t *b = batch_of_body(rq, o);
    if (!b)
        return;
    quire_reader_t *r;
    char err[512];
    quire_status_t st = thread_reader_get(cfg->db, &r, err, sizeof err);
    if (st != QUIRE_OK) {
        o->fail = st;
        o->message = strdup(err);
    } else if ((st = quire_batch_run(r, b, &so, cfg->batch_budget_ms)) != QUIRE_OK) {
        api_out_search_error(o, r, st); /* a bad from/to: every query's */
    } else {
        o->status = 200;
        o->type = csv ? "text/csv; charset=utf-8; header=present"
                      : "application/json; charset=utf-8";
        o->body = csv ? quire_batch_csv(b) : quire_batch_json(b);
        api_partial_names(r, o->partial);
    }
    quire_batch_free(b);
}
