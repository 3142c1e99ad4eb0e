/*
 * batch.c - batch search (quire/export.h, "Batch search"): many queries read from
 * one text (a JSON array or one a line), run one after the other as
 * quire_search() runs them, within a time budget. The renderers are in
 * render/batch_render.c.
 */
#include <jansson.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "clock.h"
#include "query/reader.h"

QUIREI_ARRAY(item_array, quire_batch_item_t)

void quire_batch_free(quire_batch_t *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free((char *)b->items[i].query);
        free((char *)b->items[i].error);
        quire_results_free(b->items[i].results);
    }
    free(b->items);
    free(b);
}

/* Append query q[0, len) (copied) to items. 0, or -1 when out of memory. */
static int add_query(item_array *items, const char *q, size_t len)
{
    char *copy = strndup(q, len);
    if (!copy || item_array_push(items, (quire_batch_item_t){.query = copy, .error_pos = -1}) < 0) {
        free(copy);
        return -1;
    }
    return 0;
}

/* The parsers say what is wrong in *msg (then QUIRE_EINVAL). */
static quire_status_t parse_json(const char *text, size_t len, item_array *items,
                                 quirei_buf *msg)
{
    json_error_t err;
    json_t *a = json_loadb(text, len, 0, &err);
    if (!a) {
        quirei_buf_setf(msg, "the batch is not JSON: %s (line %d, column %d)", err.text,
                        err.line, err.column);
        return QUIRE_EINVAL;
    }
    quire_status_t st = QUIRE_OK;
    if (!json_is_array(a)) {
        quirei_buf_setf(msg, "the batch must be a JSON array of query strings");
        st = QUIRE_EINVAL;
    }
    for (size_t i = 0; st == QUIRE_OK && i < json_array_size(a); i++) {
        json_t *q = json_array_get(a, i);
        if (!json_is_string(q)) {
            quirei_buf_setf(msg, "element %zu of the batch is not a string", i);
            st = QUIRE_EINVAL;
        } else if (add_query(items, json_string_value(q), json_string_length(q)) < 0)
            st = QUIRE_ENOMEM;
    }
    json_decref(a);
    return st;
}

static quire_status_t parse_lines(const char *text, size_t len, item_array *items,
                                  quirei_buf *msg)
{
    if (memchr(text, '\0', len)) {
        quirei_buf_setf(msg, "the batch holds a NUL byte");
        return QUIRE_EINVAL;
    }
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len, n = end - at;
        if (n && text[at + n - 1] == '\r')
            n--;
        if (strspn(text + at, " \t\r") < n && add_query(items, text + at, n) < 0)
            return QUIRE_ENOMEM;
        at = end + 1;
    }
    return QUIRE_OK;
}

quire_status_t quire_batch_parse(const char *text, size_t len, quire_batch_input_t how,
                                 quire_batch_t **out, char **detail)
{
    if (detail)
        *detail = NULL;
    if (out)
        *out = NULL;
    if (!text || !out)
        return QUIRE_EINVAL;
    if (how == QUIRE_BATCH_AUTO) {
        size_t i = 0;
        while (i < len && strchr(" \t\r\n", text[i]) && text[i])
            i++;
        how = i < len && text[i] == '[' ? QUIRE_BATCH_JSON : QUIRE_BATCH_LINES;
    }
    item_array items = {0};
    quirei_buf msg = QUIREI_BUF_INIT;
    quire_batch_t *b = calloc(1, sizeof *b);
    quire_status_t st = !b                        ? QUIRE_ENOMEM
                        : how == QUIRE_BATCH_JSON ? parse_json(text, len, &items, &msg)
                                                  : parse_lines(text, len, &items, &msg);
    if (st == QUIRE_OK && items.n == 0) {
        quirei_buf_setf(&msg, "the batch holds no query");
        st = QUIRE_EINVAL;
    }
    if (b) {
        b->items = items.v;
        b->n = items.n;
    }
    if (st != QUIRE_OK) {
        if (detail)
            *detail = st == QUIRE_ENOMEM ? strdup("out of memory") : quirei_buf_detach(&msg, NULL);
        quirei_buf_release(&msg);
        quire_batch_free(b);
        return st;
    }
    *out = b;
    return QUIRE_OK;
}

quire_status_t quire_batch_run(quire_reader_t *r, quire_batch_t *b,
                               const quire_search_options_t *opts, double budget_ms)
{
    if (!r || !b)
        return QUIRE_EINVAL;
    if (b->n > QUIRE_BATCH_MAX_QUERIES) {
        quirei_buf_setf(&r->detail, "a batch holds at most %d queries, not %zu",
                        QUIRE_BATCH_MAX_QUERIES, b->n);
        return QUIRE_EINVAL;
    }
    double t0 = quirei_now_ms();
    b->budget_ms = budget_ms > 0 ? budget_ms : 0;
    b->complete = false;
    quire_status_t st = QUIRE_OK;
    for (b->nrun = 0; b->nrun < b->n; b->nrun++) {
        if (b->budget_ms && quirei_now_ms() - t0 >= b->budget_ms)
            break;
        quire_batch_item_t *it = &b->items[b->nrun];
        it->run = true;
        it->status = quire_search(r, it->query, opts, &it->results);
        if (it->status == QUIRE_EQUERY) {
            it->error_pos = quire_reader_error_pos(r);
            if (!(it->error = strdup(quire_reader_detail(r))))
                st = QUIRE_ENOMEM;
        } else if (it->status != QUIRE_OK) {
            st = it->status; /* not the query's fault: the index's, or memory's */
        }
        if (st != QUIRE_OK)
            break;
    }
    b->complete = st == QUIRE_OK && b->nrun == b->n;
    b->took_ms = quirei_now_ms() - t0;
    return st;
}
