/*
 * eval_quotes - quality and latency of libquire on an evaluation set.
 *
 *   eval_quotes --db DIR [--db DIR...] [--set DIR] [--runs N] [--snippets] [--show-fail]
 *               [--slow N] [--no-aliases]
 *
 * Several --db are searched as one index (quire_reader_open_sources: index
 * directories, manifests, tcp://HOST:PORT shards; bench/bench_shards.sh).
 *
 * Reads SET/expected.jsonl ({"q","kind","want":[ids],"mode":"top1"|"all",
 * "allowed":[ids]?}), runs every query through quire_search() (top 10) and
 * prints, per kind: queries, success@1 (top1: the wanted id ranks first;
 * all: every hit is wanted or allowed and there are at least min(10, |want|) hits;
 * alias: k hits asked for, every one wanted, at least min(k, 90% of
 * |want|) of them; hits: some hit, for sets with no known answer such as
 * bench/common_words),
 * MRR@10 (top1 kinds), and in-process latency p50/p99 over N runs of the
 * whole set (the first run warms the caches and is not timed when N > 1).
 * --slow N lists the N slowest queries of the last run on stderr (where to
 * look when a kind misses its latency target).
 */
#include <jansson.h>
#include <stdint.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_stats.h"
#include "clock.h"

#define MAX_KINDS 16

typedef struct kind_stats {
    char name[32];
    int n, ok;
    double rr;
    double *lat;
    size_t nlat, cap;
} kind_stats;

typedef struct slow_q {
    double ms;
    const char *q, *kind;
    uint64_t total;
    int approximate, relaxed;
} slow_q;

static int cmp_slow(const void *a, const void *b)
{
    double x = ((const slow_q *)a)->ms, y = ((const slow_q *)b)->ms;
    return x > y ? -1 : x < y;
}

static int in_list(json_t *arr, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), id)) return 1;
    return 0;
}

/* alias mode: every hit is wanted (names the group by some name) and there
 * are at least min(k, ceil(0.9 |want|)) of them. */
static int alias_ok(const quire_results_t *res, json_t *want, unsigned k)
{
    size_t nw = json_array_size(want), need = (nw * 9 + 9) / 10;
    if (need > k)
        need = k;
    for (size_t i = 0; i < res->nhits; i++)
        if (!in_list(want, res->hits[i].id))
            return 0;
    return res->nhits >= need;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *set = "../shared/eval/open";
    const char *dbs[64];
    size_t ndb = 0;
    int runs = 3, snippets = 0, show_fail = 0, slow = 0, no_aliases = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc && ndb < 64)
            db = dbs[ndb++] = argv[++i];
        else if (!strcmp(argv[i], "--set") && i + 1 < argc)
            set = argv[++i];
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--snippets"))
            snippets = 1;
        else if (!strcmp(argv[i], "--show-fail"))
            show_fail = 1;
        else if (!strcmp(argv[i], "--no-aliases"))
            no_aliases = 1;
        else if (!strcmp(argv[i], "--slow") && i + 1 < argc)
            slow = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: eval_quotes --db DIR [--set DIR] [--runs N] [--snippets] "
                            "[--show-fail] [--slow N] [--no-aliases]\n");
            return 2;
        }
    }
    if (!db || runs < 1)
        return 2;
    char path[4096];
    snprintf(path, sizeof path, "%s/expected.jsonl", set);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "eval_quotes: %s: cannot open\n", path);
        return 2;
    }
    json_t *cases = json_array();
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *c = json_loads(line, 0, NULL);
        if (c)
            json_array_append_new(cases, c);
    }
    free(line);
    fclose(f);

    quire_reader_t *r = NULL;
    char *detail = NULL;
    if (quire_reader_open_sources(dbs, ndb, NULL, &r, &detail) != QUIRE_OK) {
        fprintf(stderr, "eval_quotes: %s\n", detail);
        return 3;
    }
    kind_stats ks[MAX_KINDS];
    int nk = 0;
    quire_search_options_t o = {.limit = 10, .no_snippets = !snippets, .no_aliases = no_aliases};
    size_t ncase = json_array_size(cases);
    slow_q *last = calloc(ncase ? ncase : 1, sizeof *last);
    for (int run = 0; run < runs; run++) {
        int timed = runs == 1 || run > 0;
        for (size_t ci = 0; ci < ncase; ci++) {
            json_t *c = json_array_get(cases, ci);
            const char *q = json_string_value(json_object_get(c, "q"));
            const char *kind = json_string_value(json_object_get(c, "kind"));
            const char *mode = json_string_value(json_object_get(c, "mode"));
            json_t *want = json_object_get(c, "want"), *allowed = json_object_get(c, "allowed");
            if (!q || !kind || !mode)
                continue;
            int k;
            for (k = 0; k < nk && strcmp(ks[k].name, kind); k++)
                ;
            if (k == nk) {
                if (nk == MAX_KINDS)
                    continue;
                memset(&ks[nk], 0, sizeof ks[nk]);
                snprintf(ks[nk].name, sizeof ks[nk].name, "%s", kind);
                nk++;
            }
            kind_stats *s = &ks[k];
            quire_results_t *res = NULL;
            /* alias mode (open-hard): k hits (100), see alias_ok(). */
            json_t *kj = json_object_get(c, "k");
            o.limit = json_is_integer(kj) ? (unsigned)json_integer_value(kj) : 10;
            double t0 = quirei_now_ms();
            quire_status_t st = quire_search(r, q, &o, &res);
            double dt = quirei_now_ms() - t0;
            last[ci] = (slow_q){dt, q, kind, st == QUIRE_OK ? res->total : 0,
                                st == QUIRE_OK && res->approximate,
                                st == QUIRE_OK && res->relaxed};
            if (timed) {
                if (s->nlat == s->cap) {
                    s->cap = s->cap ? s->cap * 2 : 256;
                    s->lat = realloc(s->lat, s->cap * sizeof *s->lat);
                }
                s->lat[s->nlat++] = dt;
            }
            if (run == 0) {
                s->n++;
                int ok = 0;
                double rr = 0;
                if (st == QUIRE_OK && (!strcmp(mode, "top1") || !strcmp(mode, "any"))) {
                    /* top1: the wanted id "or one listed in allowed" (the
                     * set's README: the same words verbatim in another document) */
                    for (size_t i = 0; i < res->nhits; i++)
                        if (in_list(want, res->hits[i].id) ||
                            (allowed && in_list(allowed, res->hits[i].id))) {
                            rr = 1.0 / (double)(i + 1);
                            break;
                        }
                    ok = rr == 1.0;
                } else if (st == QUIRE_OK && !strcmp(mode, "hits")) {
                    ok = res->nhits > 0; /* no answer known (bench/common_words) */
                } else if (st == QUIRE_OK && !strcmp(mode, "alias")) {
                    ok = alias_ok(res, want, o.limit);
                } else if (st == QUIRE_OK) {
                    /* "allowed" hits are not wrong (the set's README): they count
                     * like wanted ones, so more than |want| hits may pass. */
                    size_t need = json_array_size(want) < 10 ? json_array_size(want) : 10;
                    ok = res->nhits >= need;
                    for (size_t i = 0; ok && i < res->nhits; i++)
                        ok = in_list(want, res->hits[i].id) ||
                             (allowed && in_list(allowed, res->hits[i].id));
                }
                s->ok += ok;
                s->rr += rr;
                if (!ok && show_fail)
                    fprintf(stderr, "FAIL [%s] %s -> %s%s\n", kind, q,
                            st ? quire_reader_detail(r) : res->nhits ? res->hits[0].id : "(none)",
                            st == QUIRE_OK && res->approximate ? " (approximate)" : "");
            }
            quire_results_free(res);
        }
    }
    if (slow > 0) {
        qsort(last, ncase, sizeof *last, cmp_slow);
        for (size_t i = 0; i < ncase && i < (size_t)slow; i++)
            fprintf(stderr, "SLOW %.3f ms [%s] total=%llu%s%s %s\n", last[i].ms, last[i].kind,
                    (unsigned long long)last[i].total, last[i].approximate ? " approximate" : "",
                    last[i].relaxed ? " relaxed" : "", last[i].q);
    }
    free(last);
    printf("| kind | queries | success@1 | MRR@10 | p50 ms | p99 ms |\n");
    printf("|---|---:|---:|---:|---:|---:|\n");
    int tn = 0, tok = 0;
    double *all = NULL;
    size_t nall = 0;
    for (int k = 0; k < nk; k++) {
        kind_stats *s = &ks[k];
        tn += s->n;
        tok += s->ok;
        all = realloc(all, (nall + s->nlat) * sizeof *all);
        memcpy(all + nall, s->lat, s->nlat * sizeof *all);
        nall += s->nlat;
        int top1 = strncmp(s->name, "token-", 6) != 0 && strcmp(s->name, "alias") != 0 &&
                   strncmp(s->name, "common-", 7) != 0;
        char mrr[16] = "-";
        if (top1)
            snprintf(mrr, sizeof mrr, "%.3f", s->rr / s->n);
        printf("| %s | %d | %.3f | %s | %.3f | %.3f |\n", s->name, s->n, (double)s->ok / s->n,
               mrr, pct(s->lat, s->nlat, 0.5), pct(s->lat, s->nlat, 0.99));
        free(s->lat);
    }
    printf("| **all** | %d | %.3f | | %.3f | %.3f |\n", tn, tn ? (double)tok / tn : 0,
           pct(all, nall, 0.5), pct(all, nall, 0.99));
    free(all);
    quire_reader_close(r);
    json_decref(cases);
    return 0;
}
