/*
 * bench_stats.h - what the in-process benchmarks (eval_quotes,
 * bench_facets) share: percentiles (their clock is base's clock.h).
 */
#ifndef QUIRE_BENCH_STATS_H
#define QUIRE_BENCH_STATS_H

#include <stdlib.h>

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The p-th percentile (0..1, nearest rank) of v[0..n); sorts v. */
static inline double pct(double *v, size_t n, double p)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

#endif
