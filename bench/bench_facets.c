/*
 * bench_facets - what facets cost a search, in process.
 *
 *   bench_facets --db DIR [--queries FILE] [--runs N] [--facets LIST] [--limit N]
 *
 * Runs every query of FILE (one a line; default ../shared/eval/open/
 * queries.txt) through quire_search() without facets and with the facets
 * LIST (default source,year,author), and without facets but counting
 * every match as facets do (exact_total QUIRE_FACET_EXACT_TOTAL: what the
 * count costs, apart from the spies), one after the other for each
 * query (their order swapped every run, so a drift of the machine's load
 * weighs on both alike), N runs (default 5; the first warms the caches
 * and is not timed). Prints p50, p90, p99 and mean per variant, and the
 * same over the queries whose total (with facets) is above 10,000, where
 * facets make the count go on to every match.
 */
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_stats.h"

static void row(const char *name, double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    printf("| %s | %zu | %.3f | %.3f | %.3f | %.3f |\n", name, n, pct(v, n, 0.5),
           pct(v, n, 0.9), pct(v, n, 0.99), n ? sum / (double)n : 0);
}

/* The search's time in ms (-1 on error); *total its total. */
static double timed(quire_reader_t *r, const char *q, const quire_search_options_t *o,
                    uint64_t *total)
{
    quire_results_t *res = NULL;
    double t0 = now_ms();
    quire_status_t st = quire_search(r, q, o, &res);
    double dt = now_ms() - t0;
    if (st == QUIRE_OK)
        *total = res->total;
    quire_results_free(res);
    return st == QUIRE_OK ? dt : -1;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *file = "../shared/eval/open/queries.txt", *facets = "source,year,author";
    int runs = 5, limit = 10;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strcmp(argv[i], "--queries") && i + 1 < argc)
            file = argv[++i];
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--facets") && i + 1 < argc)
            facets = argv[++i];
        else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
            limit = atoi(argv[++i]);
        else
            db = NULL, i = argc;
    }
    quire_search_options_t plain = {.limit = (unsigned)limit}, with = plain, all = plain;
    all.exact_total = QUIRE_FACET_EXACT_TOTAL;
    if (!db || runs < 2 || limit < 1 || quire_facets_parse(facets, &with.facets) != QUIRE_OK) {
        fprintf(stderr, "usage: bench_facets --db DIR [--queries FILE] [--runs N>=2] "
                        "[--facets LIST] [--limit N]\n");
        return 2;
    }
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "bench_facets: %s: cannot open\n", file);
        return 2;
    }
    char **qs = NULL, *line = NULL;
    size_t nq = 0, cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len && (qs = realloc(qs, (nq + 1) * sizeof *qs)) && (qs[nq] = strdup(line)))
            nq++;
    }
    free(line);
    fclose(f);
    quire_reader_t *r = NULL;
    char *detail = NULL;
    if (quire_reader_open(db, &r, &detail) != QUIRE_OK) {
        fprintf(stderr, "bench_facets: %s\n", detail);
        return 3;
    }
    size_t n = nq * (size_t)(runs - 1);
    double *a = calloc(n + 1, sizeof *a), *b = calloc(n + 1, sizeof *b);
    double *ba = calloc(n + 1, sizeof *ba), *bb = calloc(n + 1, sizeof *bb);
    double *c = calloc(n + 1, sizeof *c), *bc = calloc(n + 1, sizeof *bc);
    size_t na = 0, nb = 0, nbig = 0;
    int errors = 0;
    for (int run = 0; run < runs; run++) {
        for (size_t i = 0; i < nq; i++) {
            uint64_t t1 = 0, t2 = 0, t3 = 0;
            double x, y, z = timed(r, qs[i], &all, &t3);
            if ((run + i) % 2) {
                x = timed(r, qs[i], &plain, &t1);
                y = timed(r, qs[i], &with, &t2);
            } else {
                y = timed(r, qs[i], &with, &t2);
                x = timed(r, qs[i], &plain, &t1);
            }
            if (x < 0 || y < 0 || z < 0) {
                errors += run == 0;
                continue;
            }
            if (run == 0)
                continue;
            c[na] = z;
            a[na++] = x;
            b[nb++] = y;
            if (t2 > QUIRE_EXACT_TOTAL) {
                bc[nbig] = z;
                ba[nbig] = x;
                bb[nbig++] = y;
            }
        }
    }
    printf("| variant | searches | p50 ms | p90 ms | p99 ms | mean ms |\n");
    printf("|---|---:|---:|---:|---:|---:|\n");
    row("no facets", a, na);
    row("no facets, counted to 1,000,000", c, na);
    char name[128];
    snprintf(name, sizeof name, "facets=%s", facets);
    row(name, b, nb);
    row("no facets, total > 10,000", ba, nbig);
    row("no facets, counted to 1,000,000, total > 10,000", bc, nbig);
    snprintf(name, sizeof name, "facets=%s, total > 10,000", facets);
    row(name, bb, nbig);
    if (errors)
        printf("\n%d queries failed (left out)\n", errors);
    for (size_t i = 0; i < nq; i++)
        free(qs[i]);
    free(qs);
    free(a), free(b), free(ba), free(bb), free(c), free(bc);
    quire_reader_close(r);
    return 0;
}
