/*
 * bench_spelling - what "did you mean" costs (lib/query/spelling.c): the
 * correction of each misspelt word of an evaluation set's `spelling` kind,
 * and of its correction (a word that needs none: the cost every query word
 * pays), timed in process over N runs (the first warms the caches).
 *
 *   bench_spelling --db DIR [--set DIR] [--runs N]
 *
 * White-box: it calls quirei_spell_word() itself.
 */
#include <jansson.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_stats.h"
#include "clock.h"
#include "query/spelling.h"

#define MAX_WORDS 1000

/* Time quirei_spell_word on each word runs times; p50/p99 printed. */
static void time_words(quire_reader_t *r, char words[][64], size_t n, int runs, const char *what)
{
    double *lat = calloc(n * (size_t)runs + 1, sizeof *lat);
    size_t nl = 0, found = 0;
    for (int run = 0; run < runs; run++)
        for (size_t i = 0; i < n; i++) {
            char out[64];
            int f = 0;
            double t0 = quirei_now_ms();
            if (quirei_spell_word(r, words[i], 0, out, sizeof out, &f) != QUIRE_OK)
                fprintf(stderr, "bench_spelling: %s: %s\n", words[i], quire_reader_detail(r));
            if (run > 0 || runs == 1)
                lat[nl++] = quirei_now_ms() - t0;
            found += run == 0 && f;
        }
    printf("| %s | %zu | %zu | %.3f | %.3f |\n", what, n, found, pct(lat, nl, 0.5),
           pct(lat, nl, 0.99));
    free(lat);
}

int main(int argc, char **argv)
{
    const char *db = NULL, *set = "../shared/eval/open-hard";
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--set"))
            set = argv[i + 1];
        else if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[i + 1]);
    }
    if (!db || runs < 1) {
        fprintf(stderr, "usage: bench_spelling --db DIR [--set DIR] [--runs N]\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/expected.jsonl", set);
    FILE *f = fopen(path, "r");
    quire_reader_t *r = NULL;
    char *detail = NULL;
    if (!f || quire_reader_open(db, &r, &detail) != QUIRE_OK) {
        fprintf(stderr, "bench_spelling: %s\n", f ? detail : path);
        return 3;
    }
    static char typed[MAX_WORDS][64], fixed[MAX_WORDS][64];
    size_t n = 0, nf = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0 && n < MAX_WORDS) {
        json_t *c = json_loads(line, 0, NULL);
        const char *q = json_string_value(json_object_get(c, "q"));
        const char *k = json_string_value(json_object_get(c, "kind"));
        if (q && k && !strcmp(k, "spelling") && strlen(q) < 64) {
            snprintf(typed[n], sizeof typed[n], "%s", q);
            int found = 0;
            if (quirei_spell_word(r, q, 0, fixed[nf], sizeof fixed[nf], &found) == QUIRE_OK &&
                found)
                nf++;
            n++;
        }
        json_decref(c);
    }
    free(line);
    fclose(f);
    printf("| words | count | corrected | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|\n");
    time_words(r, typed, n, runs, "misspelt (spelling kind)");
    time_words(r, fixed, nf, runs, "their corrections (none needed)");
    quire_reader_close(r);
    return 0;
}
