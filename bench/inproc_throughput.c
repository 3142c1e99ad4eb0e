/*
 * inproc_throughput - searches a second in-process, the floor quire-serve is
 * held to (issue 15, serving; bench/bench_serve.sh).
 *
 *   inproc_throughput --db DIR --set DIR [--threads N] [--seconds S] [--no-snippets]
 *
 * N threads (default 2), each with its own reader, run the queries of
 * SET/expected.jsonl in rotation (thread t starts at query t * n / N) through
 * quire_search() with limit 10 and snippets, as /api/search does, for S
 * seconds (default 10) after one untimed pass of the set per thread.
 * Prints "searches/s TOTAL", "cpu ms/search X" (the process's CPU time over
 * the timed part, by search: what the machine's cores bound) and each
 * thread's count on stdout.
 */
#include <jansson.h>
#include <pthread.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

typedef struct worker {
    const char *db;
    char **q;
    size_t nq, first;
    double seconds;
    int snippets;
    unsigned long done;
    int failed;
} worker_t;

/* The threads start timing together, once every one has warmed up. */
static pthread_barrier_t warm;

static void *work(void *arg)
{
    worker_t *w = arg;
    quire_reader_t *r = NULL;
    char *detail = NULL;
    if (quire_reader_open(w->db, &r, &detail) != QUIRE_OK) {
        fprintf(stderr, "inproc_throughput: %s\n", detail ? detail : "cannot open");
        free(detail);
        w->failed = 1;
        pthread_barrier_wait(&warm);
        return NULL;
    }
    quire_search_options_t o = {.limit = 10, .no_snippets = !w->snippets};
    /* Warm-up: the whole set once (not counted). */
    for (size_t i = 0; i < w->nq; i++) {
        quire_results_t *res = NULL;
        if (quire_search(r, w->q[i], &o, &res) == QUIRE_OK)
            quire_results_free(res);
    }
    pthread_barrier_wait(&warm);
    double end = quirei_now_ms() + w->seconds * 1000;
    size_t i = w->first;
    while (quirei_now_ms() < end) {
        quire_results_t *res = NULL;
        if (quire_search(r, w->q[i], &o, &res) == QUIRE_OK)
            quire_results_free(res);
        w->done++;
        i = (i + 1) % w->nq;
    }
    quire_reader_close(r);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *set = NULL;
    int threads = 2, snippets = 1;
    double seconds = 10;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strcmp(argv[i], "--set") && i + 1 < argc)
            set = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--no-snippets"))
            snippets = 0;
        else
            db = NULL, i = argc;
    }
    if (!db || !set || threads < 1 || threads > 64 || !(seconds > 0)) {
        fprintf(stderr, "usage: inproc_throughput --db DIR --set DIR [--threads N] "
                        "[--seconds S] [--no-snippets]\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/expected.jsonl", set);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "inproc_throughput: %s: cannot open\n", path);
        return 2;
    }
    char **q = NULL, *line = NULL;
    size_t nq = 0, cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *c = json_loads(line, 0, NULL);
        const char *s = c ? json_string_value(json_object_get(c, "q")) : NULL;
        if (s) {
            char **nqv = realloc(q, (nq + 1) * sizeof *q);
            if (!nqv)
                return 3;
            q = nqv;
            q[nq++] = strdup(s);
        }
        json_decref(c);
    }
    free(line);
    fclose(f);
    if (!nq) {
        fprintf(stderr, "inproc_throughput: no queries in %s\n", path);
        return 2;
    }
    worker_t w[64];
    pthread_t tid[64];
    pthread_barrier_init(&warm, NULL, (unsigned)threads + 1);
    for (int t = 0; t < threads; t++) {
        w[t] = (worker_t){db, q, nq, (size_t)t * nq / (size_t)threads, seconds, snippets, 0, 0};
        pthread_create(&tid[t], NULL, work, &w[t]);
    }
    pthread_barrier_wait(&warm);
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    unsigned long total = 0;
    int failed = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        total += w[t].done;
        failed |= w[t].failed;
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu_ms = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
    printf("searches/s %.1f\n", (double)total / seconds);
    printf("cpu ms/search %.3f\n", total ? cpu_ms / (double)total : 0.0);
    for (int t = 0; t < threads; t++)
        printf("thread %d: %lu\n", t, w[t].done);
    for (size_t i = 0; i < nq; i++)
        free(q[i]);
    free(q);
    return failed ? 1 : 0;
}
