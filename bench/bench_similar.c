/*
 * bench_similar - what quire_similar() (lib/query/similar.c) costs: the
 * similar articles of each id of a list (one a line), timed in process
 * over N runs (the first warms the caches), p50/p99 printed; --show prints
 * the hits of the first few ids, to judge them by eye.
 *
 *   bench_similar --db DIR --ids FILE [--runs N] [--limit N] [--no-snippets]
 *                 [--show K]
 *
 * bench/bench_similar.sh picks the ids (200 at random, fixed seed).
 */
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"
#include "clock.h"

#define MAX_IDS 10000

int main(int argc, char **argv)
{
    const char *db = NULL, *ids_path = NULL;
    int runs = 3, show = 0;
    quire_search_options_t o = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--no-snippets"))
            o.no_snippets = true;
        else if (i + 1 >= argc)
            break;
        else if (!strcmp(argv[i], "--db"))
            db = argv[++i];
        else if (!strcmp(argv[i], "--ids"))
            ids_path = argv[++i];
        else if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--limit"))
            o.limit = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--show"))
            show = atoi(argv[++i]);
    }
    FILE *f = ids_path ? fopen(ids_path, "r") : NULL;
    if (!db || !f || runs < 1) {
        fprintf(stderr, "usage: bench_similar --db DIR --ids FILE [--runs N] [--limit N] "
                        "[--no-snippets] [--show K]\n");
        return 2;
    }
    static char ids[MAX_IDS][256];
    size_t n = 0;
    while (n < MAX_IDS && fgets(ids[n], sizeof ids[n], f)) {
        ids[n][strcspn(ids[n], "\r\n")] = '\0';
        n += ids[n][0] != '\0';
    }
    fclose(f);
    quire_reader_t *r = NULL;
    char *detail = NULL;
    if (quire_reader_open(db, &r, &detail) != QUIRE_OK) {
        fprintf(stderr, "bench_similar: %s\n", detail ? detail : "cannot open");
        return 1;
    }
    double *lat = calloc(n * (size_t)runs + 1, sizeof *lat);
    size_t nl = 0, empty = 0, failed = 0;
    for (int run = 0; run < runs; run++)
        for (size_t i = 0; i < n; i++) {
            quire_results_t *res = NULL;
            double t0 = quirei_now_ms();
            quire_status_t st = quire_similar(r, ids[i], &o, &res);
            double ms = quirei_now_ms() - t0;
            if (run > 0 || runs == 1)
                lat[nl++] = ms;
            if (st != QUIRE_OK) {
                failed += run == 0;
                if (run == 0)
                    fprintf(stderr, "bench_similar: %s: %s\n", ids[i], quire_reader_detail(r));
                continue;
            }
            empty += run == 0 && res->nhits == 0;
            if (run == 0 && (int)i < show) {
                printf("## %s (%.2f ms, total %llu)\n   words: %s\n", ids[i], ms,
                       (unsigned long long)res->total, res->query);
                for (size_t k = 0; k < res->nhits; k++)
                    printf("   %2u %6.2f %s | %s\n", res->hits[k].rank, res->hits[k].score,
                           res->hits[k].id, res->hits[k].title ? res->hits[k].title : "");
            }
            quire_results_free(res);
        }
    printf("| ids | failed | no hits | runs | p50 ms | p99 ms |\n|---|---|---|---|---|---|\n");
    printf("| %zu | %zu | %zu | %d | %.3f | %.3f |\n", n, failed, empty, runs,
           pct(lat, nl, 0.5), pct(lat, nl, 0.99));
    free(lat);
    quire_reader_close(r);
    return failed ? 1 : 0;
}
