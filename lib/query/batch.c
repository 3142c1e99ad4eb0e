/*
 * batch.c - batch search (quire.h, "Batch search"): many queries read from
 * one text (a JSON array or one a line), run one after the other as
 * quire_search() runs them, within a time budget. The renderers are in
 * render/batch_render.c.
 */
#include <jansson.h>
#include <quire/quire.h>
#include <stdarg.h>
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

static quire_status_t fail(char **detail, quire_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static quire_status_t fail(char **detail, quire_status_t st, const char *fmt, ...)
{
    if (detail) {
        quirei_buf b = QUIREI_BUF_INIT;
        va_list ap;
        va_start(ap, fmt);
        quirei_buf_vaddf(&b, fmt, ap);
        va_end(ap);
        *detail = quirei_buf_detach(&b, NULL);
    }
    return st;
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

static quire_status_t parse_json(const char *text, size_t len, item_array *items,
                                 char **detail)
{
    json_error_t err;
    json_t *a = json_loadb(text, len, 0, &err);
    if (!a)
        return fail(detail, QUIRE_EINVAL, "the batch is not JSON: %s (line %d, column %d)",
                    err.text, err.line, err.column);
    quire_status_t st = QUIRE_OK;
    if (!json_is_array(a))
        st = fail(detail, QUIRE_EINVAL, "the batch must be a JSON array of query strings");
    for (size_t i = 0; st == QUIRE_OK && i < json_array_size(a); i++) {
        json_t *q = json_array_get(a, i);
        if (!json_is_string(q))
            st = fail(detail, QUIRE_EINVAL, "element %zu of the batch is not a string", i);
        else if (add_query(items, json_string_value(q), json_string_length(q)) < 0)
            st = QUIRE_ENOMEM;
    }
    json_decref(a);
    return st;
}

static quire_status_t parse_lines(const char *text, size_t len, item_array *items,
                                  char **detail)
{
    if (memchr(text, '\0', len))
        return fail(detail, QUIRE_EINVAL, "the batch holds a NUL byte");
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
    quire_batch_t *b = calloc(1, sizeof *b);
    quire_status_t st = !b                        ? QUIRE_ENOMEM
                        : how == QUIRE_BATCH_JSON ? parse_json(text, len, &items, detail)
                                                  : parse_lines(text, len, &items, detail);
    if (st == QUIRE_OK && items.n == 0)
        st = fail(detail, QUIRE_EINVAL, "the batch holds no query");
    if (b) {
        b->items = items.v;
        b->n = items.n;
    }
    if (st != QUIRE_OK) {
        if (st == QUIRE_ENOMEM && detail && !*detail)
            *detail = strdup("out of memory");
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
