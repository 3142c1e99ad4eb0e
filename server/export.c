/*
 * export.c - GET /api/search?format=csv|jsonl (api_out.h): every match of
 * the query up to 10,000, whatever `limit` says, in the search's order
 * and with its filters, streamed: the rows are made a page of
 * QUIRE_MAX_LIMIT hits at a time (quire_export_next()) while libmicrohttpd
 * sends them, so an export holds one page, never all its hits.
 *
 * An export runs on a reader of its own, opened for it: the thread's
 * reader (thread_reader.h) is shared with the other requests this thread
 * serves between two pages, and reopens each second, which would move an
 * export to another revision halfway.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_out.h"
#include "hash.h"
#include "strbuf.h"
#include "thread_reader.h"

typedef struct export_stream {
    quire_reader_t *r;
    quire_export_t *e;
    int csv;
    quirei_buf pending; /* rows made, not yet sent: [at, len) */
    size_t at;
} export_stream_t;

static void stream_free(void *cls)
{
    export_stream_t *s = cls;
    quire_export_free(s->e);
    quire_reader_close(s->r);
    quirei_buf_release(&s->pending);
    free(s);
}

/* The next page's rows into s->pending: 1, 0 at the end, -1 on failure
 * (the index changed under the export, or out of memory). */
static int next_rows(export_stream_t *s)
{
    const quire_results_t *page;
    if (quire_export_next(s->e, &page) != QUIRE_OK)
        return -1;
    if (!page)
        return 0;
    char *rows = s->csv ? quire_results_csv(page, false) : quire_results_jsonl(page);
    quirei_buf_reset(&s->pending);
    s->at = 0;
    int rc = rows && quirei_buf_adds(&s->pending, rows) == 0 ? 1 : -1;
    free(rows);
    return rc;
}

static long stream_read(void *cls, char *buf, size_t max)
{
    export_stream_t *s = cls;
    while (s->at == s->pending.len) {
        int rc = next_rows(s);
        if (rc <= 0)
            return rc == 0 ? API_STREAM_END : API_STREAM_ERROR;
    }
    size_t n = s->pending.len - s->at < max ? s->pending.len - s->at : max;
    memcpy(buf, s->pending.ptr + s->at, n);
    s->at += n;
    return (long)n;
}

/* The CSV header row into s->pending. */
static quire_status_t add_header(export_stream_t *s)
{
    char *head = quire_results_csv(&(quire_results_t){0}, true);
    quire_status_t rc = head && quirei_buf_adds(&s->pending, head) == 0 ? QUIRE_OK : QUIRE_ENOMEM;
    free(head);
    return rc;
}

/* The entity tag of an export: its rows are a function of the index
 * generation and of the parameters that shape them (not limit), so a hash
 * of those names them without reading them; "" when the generation is
 * unknown. */
static void export_etag(quire_reader_t *r, const char *q, const quire_search_options_t *o,
                        int csv, char etag[20])
{
    uint64_t gen;
    etag[0] = '\0';
    if (quire_reader_generation(r, &gen) != QUIRE_OK)
        return;
    uint64_t h = quirei_fnv1a64(QUIREI_FNV64_INIT, &gen, sizeof gen);
    const char *strings[] = {q, o->source, o->date_from, o->date_to};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) /* each with its NUL */
        h = quirei_fnv1a64(h, strings[i] ? strings[i] : "", strings[i] ? strlen(strings[i]) + 1 : 1);
    unsigned nums[] = {o->offset, (unsigned)o->sort, (unsigned)csv};
    h = quirei_fnv1a64(h, nums, sizeof nums);
    snprintf(etag, 20, "\"%016llx\"", (unsigned long long)h);
}

/* The first page is searched before answering, so a bad query is a 400,
 * not a 200 cut short. */
void export_handle(const api_config_t *cfg, const api_request_t *rq, const char *q,
                   const quire_search_options_t *opts, int csv, api_out_t *o)
{
    (void)rq;
    export_stream_t *s = calloc(1, sizeof *s);
    api_stream_t *st = malloc(sizeof *st);
    if (!s || !st) {
        free(s);
        free(st);
        o->fail = QUIRE_ENOMEM;
        return;
    }
    s->csv = csv;
    char *detail = NULL;
    quire_status_t rc = thread_reader_open_new(cfg->db, &s->r, &detail);
    if (rc == QUIRE_OK && (rc = quire_export_open(s->r, q, opts, &s->e)) != QUIRE_OK)
        api_out_search_error(o, s->r, rc);
    if (rc == QUIRE_OK && csv)
        rc = add_header(s);
    if (rc != QUIRE_OK) {
        if (!o->status && !o->fail) {
            o->fail = rc == QUIRE_ENOTFOUND ? QUIRE_EIO : rc; /* no index: 503 */
            o->message = detail;
            detail = NULL;
        }
        free(detail);
        stream_free(s);
        free(st);
        return;
    }
    export_etag(s->r, q, opts, csv, o->etag);
    api_partial_names(s->r, o->partial); /* the export's reader, opened for it */
    *st = (api_stream_t){stream_read, stream_free, s};
    o->status = 200;
    o->stream = st;
    o->type = csv ? "text/csv; charset=utf-8; header=present"
                  : "application/x-ndjson; charset=utf-8";
}
