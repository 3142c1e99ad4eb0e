/*
 * search_output.c - quire-search's exports and batches (search_output.h).
 * The rows and feeds are the library's (quire_results_csv(), ...), the
 * same as quire-serve's, so both programs print the same bytes.
 */
#include "search_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

enum { EXIT_NO_HITS = 1, EXIT_USAGE = 2, EXIT_FAIL = 3, EXIT_BAD_QUERY = 4 };

int cli_is_export_format(const char *format)
{
    return !strcmp(format, "csv") || !strcmp(format, "jsonl") || !strcmp(format, "atom");
}

int cli_search_failed(quire_reader_t *r, quire_status_t st, const char *query)
{
    if (st == QUIRE_EOPTION) {
        fprintf(stderr, "quire-search: bad option --%s: %s\n", quire_reader_error_option(r),
                quire_reader_detail(r));
        return EXIT_USAGE;
    }
    if (st == QUIRE_EQUERY) {
        fprintf(stderr, "quire-search: bad query: %s\n", quire_reader_detail(r));
        long pos = quire_reader_error_pos(r);
        if (pos >= 0 && query)
            fprintf(stderr, "  %s\n  %*s^\n", query, (int)pos, "");
        return EXIT_BAD_QUERY;
    }
    fprintf(stderr, "quire-search: %s: %s\n", quire_strerror(st), quire_reader_detail(r));
    return EXIT_FAIL;
}

/* Print s (malloc'd, may be NULL: out of memory) and free it. 0 or -1. */
static int put(char *s)
{
    int rc = s && fputs(s, stdout) >= 0 ? 0 : -1;
    if (!s)
        fprintf(stderr, "quire-search: out of memory\n");
    free(s);
    return rc;
}

/* Rows and feeds have no field to say that some shards were down (issue
 * 14): say it on stderr, naming them, so a script can tell. */
void cli_note_partial(const quire_reader_t *r)
{
    size_t n = 0;
    const char *const *down = quire_reader_missing_shards(r, &n);
    if (!n)
        return;
    fprintf(stderr, "quire-search: partial answer: %zu shard%s down:", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s %s", i ? "," : "", down[i]);
    fputc('\n', stderr);
}

static int print_feed(quire_reader_t *r, const char *query, const quire_search_options_t *so)
{
    quire_search_options_t o = *so;
    o.sort = QUIRE_SORT_DATE; /* a feed is newest first */
    quire_results_t *res = NULL;
    quire_status_t st = quire_search(r, query, &o, &res);
    if (st != QUIRE_OK)
        return cli_search_failed(r, st, query);
    int rc = put(quire_results_atom(res, NULL)) < 0 ? EXIT_FAIL
             : res->nhits                          ? 0
                                                   : EXIT_NO_HITS;
    cli_note_partial(r);
    quire_results_free(res);
    return rc;
}

int cli_export(quire_reader_t *r, const char *query, const quire_search_options_t *so,
               const char *format)
{
    if (!strcmp(format, "atom"))
        return print_feed(r, query, so);
    quire_export_t *e = NULL;
    quire_status_t st = quire_export_open(r, query, so, &e);
    if (st != QUIRE_OK)
        return cli_search_failed(r, st, query);
    int csv = !strcmp(format, "csv"), rc = 0;
    size_t rows = 0;
    if (csv)
        rc = put(quire_results_csv(&(quire_results_t){0}, true));
    const quire_results_t *page;
    while (rc == 0 && (st = quire_export_next(e, &page)) == QUIRE_OK && page) {
        rc = put(csv ? quire_results_csv(page, false) : quire_results_jsonl(page));
        rows += page->nhits;
    }
    quire_export_free(e);
    if (st != QUIRE_OK)
        return cli_search_failed(r, st, NULL);
    cli_note_partial(r);
    return rc < 0 ? EXIT_FAIL : rows ? 0 : EXIT_NO_HITS;
}

/* The whole of file ("-" = stdin) into *b. 0, or -1 after saying why. */
static int read_all(const char *file, quirei_buf *b)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!f) {
        perror(file);
        return -1;
    }
    char chunk[65536];
    size_t n;
    int bad = 0;
    while (!bad && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        bad = quirei_buf_add(b, chunk, n) < 0;
    bad = bad || ferror(f);
    if (bad)
        fprintf(stderr, "quire-search: cannot read %s\n", file);
    if (f != stdin)
        fclose(f);
    return bad ? -1 : 0;
}

/* The exit status of a batch that ran: 4 when a query was refused, else 0
 * when any query found something, else 1. */
static int batch_status(const quire_batch_t *b)
{
    int hits = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->items[i].run && b->items[i].status != QUIRE_OK)
            return EXIT_BAD_QUERY;
        hits |= b->items[i].results && b->items[i].results->nhits;
    }
    return hits ? 0 : EXIT_NO_HITS;
}

int cli_batch(quire_reader_t *r, const char *file, const quire_search_options_t *so,
              const char *format)
{
    quirei_buf text = QUIREI_BUF_INIT;
    if (read_all(file, &text) < 0) {
        quirei_buf_release(&text);
        return EXIT_USAGE;
    }
    quire_batch_t *b = NULL;
    char *detail = NULL;
    quire_status_t st = quire_batch_parse(quirei_buf_cstr(&text), text.len, QUIRE_BATCH_AUTO,
                                          &b, &detail);
    quirei_buf_release(&text);
    if (st == QUIRE_OK && b->n > QUIRE_BATCH_MAX_QUERIES) {
        fprintf(stderr, "quire-search: %s: %zu queries; a batch holds at most %d\n", file,
                b->n, QUIRE_BATCH_MAX_QUERIES);
        quire_batch_free(b);
        return EXIT_USAGE;
    }
    if (st != QUIRE_OK) {
        fprintf(stderr, "quire-search: %s: %s\n", file, detail ? detail : quire_strerror(st));
        free(detail);
        return st == QUIRE_ENOMEM ? EXIT_FAIL : EXIT_USAGE;
    }
    int rc, json = !strcmp(format, "json");
    if ((st = quire_batch_run(r, b, so, 0)) != QUIRE_OK)
        rc = cli_search_failed(r, st, NULL);
    else if (put(json                     ? quire_batch_json(b)
                 : !strcmp(format, "csv") ? quire_batch_csv(b)
                                          : quire_batch_text(b)) < 0 ||
             (json && putchar('\n') == EOF))
        rc = EXIT_FAIL;
    else
        rc = batch_status(b);
    if (st == QUIRE_OK && !json)
        cli_note_partial(r);
    quire_batch_free(b);
    return rc;
}
