/*
 * bench_facets - what facets cost a search, in process.
 *
 *   bench_facets --db DIR [--queries FILE] [--runs N] [--facets LIST] [--limit N]
 *   bench_facets --db DIR --only none|facets [--queries FILE] [--facets LIST]
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
 *
 * --only runs one variant once over the queries and prints nothing: for
 * counting instructions (valgrind --tool=callgrind), which the machine's
 * load does not move.
 */
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_stats.h"
#include "clock.h"

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
    double t0 = quirei_now_ms();
    quire_status_t st = quire_search(r, q, o, &res);
    double dt = quirei_now_ms() - t0;
    if (st == QUIRE_OK)
        *total = res->total;
    quire_results_free(res);
    return st == QUIRE_OK ? dt : -1;
}

/* The non-empty lines of `file` (malloc'd, as *nq strings), or NULL. */
static char **read_queries(const char *file, size_t *nq)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return NULL;
    char **qs = NULL, *line = NULL;
    size_t cap = 0;
    ssize_t len;
    *nq = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char **more = len ? realloc(qs, (*nq + 1) * sizeof *qs) : qs;
        if (more && len && (more[*nq] = strdup(line)))
            ++*nq;
        qs = more ? more : qs;
    }
    free(line);
    fclose(f);
    return qs;
}

/* Latencies of one variant: all searches, and those of big match sets. */
typedef struct lat {
    double *all, *big;
    size_t n, nbig;
} lat_t;

enum { PLAIN, COUNTED, FACETS, VARIANTS };

/* runs - 1 timed runs of every query in the three variants o[], after a
 * warm-up run; the order of plain and facets swaps from query to query. */
static int measure(quire_reader_t *r, char **qs, size_t nq, int runs,
                   const quire_search_options_t o[VARIANTS], lat_t l[VARIANTS])
{
    int errors = 0;
    for (int run = 0; run < runs; run++) {
        for (size_t i = 0; i < nq; i++) {
            uint64_t t[VARIANTS] = {0};
            double x[VARIANTS];
            int first = (int)((run + i) % 2) ? PLAIN : FACETS;
            x[first] = timed(r, qs[i], &o[first], &t[first]);
            x[COUNTED] = timed(r, qs[i], &o[COUNTED], &t[COUNTED]);
            x[FACETS - first] = timed(r, qs[i], &o[FACETS - first], &t[FACETS - first]);
            if (x[PLAIN] < 0 || x[COUNTED] < 0 || x[FACETS] < 0) {
                errors += run == 0;
                continue;
            }
            for (int v = 0; v < VARIANTS && run > 0; v++) {
                l[v].all[l[v].n++] = x[v];
                if (t[FACETS] > QUIRE_EXACT_TOTAL)
                    l[v].big[l[v].nbig++] = x[v];
            }
        }
    }
    return errors;
}

static void tables(lat_t l[VARIANTS], const char *facets)
{
    char name[128];
    snprintf(name, sizeof name, "facets=%s", facets);
    const char *names[VARIANTS] = {"no facets", "no facets, counted to 1,000,000", name};
    printf("| variant | searches | p50 ms | p90 ms | p99 ms | mean ms |\n");
    printf("|---|---:|---:|---:|---:|---:|\n");
    for (int v = 0; v < VARIANTS; v++)
        row(names[v], l[v].all, l[v].n);
    for (int v = 0; v < VARIANTS; v++) {
        char big[192];
        snprintf(big, sizeof big, "%s, total > 10,000", names[v]);
        row(big, l[v].big, l[v].nbig);
    }
}

int main(int argc, char **argv)
{
    const char *db = NULL, *file = "../shared/eval/open/queries.txt", *facets = "source,year,author";
    const char *only = NULL;
    int runs = 5, limit = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--db"))
            db = v;
        else if (!strcmp(k, "--queries"))
            file = v;
        else if (!strcmp(k, "--runs"))
            runs = atoi(v);
        else if (!strcmp(k, "--facets"))
            facets = v;
        else if (!strcmp(k, "--limit"))
            limit = atoi(v);
        else if (!strcmp(k, "--only"))
            only = v;
        else
            db = NULL, i = argc;
    }
    quire_search_options_t o[VARIANTS] = {{.limit = (unsigned)limit}};
    o[COUNTED] = o[FACETS] = o[PLAIN];
    o[COUNTED].exact_total = QUIRE_FACET_EXACT_TOTAL;
    if (!db || argc % 2 == 0 || runs < 2 || limit < 1 ||
        quire_facets_parse(facets, &o[FACETS].facets) != QUIRE_OK ||
        (only && strcmp(only, "none") && strcmp(only, "facets"))) {
        fprintf(stderr, "usage: bench_facets --db DIR [--queries FILE] [--runs N>=2] "
                        "[--facets LIST] [--limit N] [--only none|facets]\n");
        return 2;
    }
    size_t nq = 0;
    char **qs = read_queries(file, &nq);
    quire_reader_t *r = NULL;
    char *detail = NULL;
    if (!qs || quire_reader_open(db, &r, &detail) != QUIRE_OK) {
        fprintf(stderr, "bench_facets: %s\n", qs ? detail : "cannot read the queries");
        return 3;
    }
    int errors = 0;
    if (only) {
        uint64_t t;
        for (size_t i = 0; i < nq; i++)
            timed(r, qs[i], &o[strcmp(only, "none") ? FACETS : PLAIN], &t);
    } else {
        lat_t l[VARIANTS];
        int oom = 0;
        for (int v = 0; v < VARIANTS; v++) {
            l[v] = (lat_t){calloc(nq * (size_t)runs + 1, sizeof(double)),
                           calloc(nq * (size_t)runs + 1, sizeof(double)), 0, 0};
            oom |= !l[v].all || !l[v].big;
        }
        if (oom) {
            fprintf(stderr, "bench_facets: out of memory\n");
            errors = (int)nq;
        } else {
            errors = measure(r, qs, nq, runs, o, l);
            tables(l, facets);
        }
        for (int v = 0; v < VARIANTS; v++)
            free(l[v].all), free(l[v].big);
    }
    if (errors)
        printf("\n%d queries failed (left out)\n", errors);
    for (size_t i = 0; i < nq; i++)
        free(qs[i]);
    free(qs);
    quire_reader_close(r);
    return 0;
}
