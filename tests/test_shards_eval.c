/* test_shards_eval.c - the open evaluation set (../shared/eval/open) on a
 * slice of the shared corpus indexed as one shard and as three: every
 * query returns the same ids in the same order (hits of equal score may
 * swap among themselves), the same totals and flags (issue 14). Skipped,
 * saying so, when the shared corpus is absent. */
#include <criterion/criterion.h>
#include <quire/quire.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "open_index.h"
#include "server_harness.h"
#include "shard_compare.h"
#include "strbuf.h"

#define SHARED QUIRE_SHARED_DIR
#define EVAL SHARED "/eval/open"
#define CORPUS SHARED "/corpus"
/* Every STRIDE-th record of each corpus file, and every record an eval
 * query wants: ~9,000 documents, indexed in seconds. */
#define STRIDE 12

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/quire-test-shards-eval-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    qt_remove_tree(dir);
}

TestSuite(shards_eval, .init = make_dir, .fini = remove_dir, .timeout = 800);

/* One line of a gzip file into line (reset first); 0 at the end. */
static int gz_line(gzFile f, quirei_buf *line)
{
    quirei_buf_reset(line);
    char chunk[65536];
    while (gzgets(f, chunk, sizeof chunk)) {
        size_t n = strlen(chunk);
        cr_assert_geq(quirei_buf_add(line, chunk, n), 0);
        if (n && chunk[n - 1] == '\n')
            return 1;
    }
    return line->len > 0;
}

/* The ids the eval set wants, as one JSON object used as a set. */
static json_t *wanted_ids(void)
{
    json_t *set = json_object();
    FILE *f = fopen(EVAL "/expected.jsonl", "r");
    cr_assert_not_null(f);
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        cr_assert_not_null(o);
        size_t i;
        json_t *id;
        json_array_foreach(json_object_get(o, "want"), i, id)
            json_object_set_new(set, json_string_value(id), json_true());
        json_decref(o);
    }
    free(line);
    fclose(f);
    return set;
}

/* Write the slice of the corpus to path; its number of records. */
static unsigned write_slice(const char *path)
{
    json_t *want = wanted_ids();
    FILE *out = fopen(path, "w");
    cr_assert_not_null(out);
    DIR *d = opendir(CORPUS);
    cr_assert_not_null(d);
    unsigned kept = 0;
    quirei_buf line = QUIREI_BUF_INIT;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 9 || strcmp(e->d_name + n - 9, ".jsonl.gz"))
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", CORPUS, e->d_name);
        gzFile f = gzopen(p, "rb");
        cr_assert_not_null(f);
        for (unsigned k = 0; gz_line(f, &line); k++) {
            int keep = k % STRIDE == 0;
            if (!keep) {
                json_t *o = json_loadb(line.ptr, line.len, 0, NULL);
                const char *id = o ? json_string_value(json_object_get(o, "id")) : NULL;
                keep = id && json_object_get(want, id);
                json_decref(o);
            }
            if (keep) {
                fwrite(line.ptr, 1, line.len, out);
                kept++;
            }
        }
        gzclose(f);
    }
    closedir(d);
    quirei_buf_release(&line);
    cr_assert_eq(fclose(out), 0);
    json_decref(want);
    return kept;
}

static void index_slice(const char *slice, const char *db, const char *shards)
{
    const char *argv[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--shards", shards,
                          "--keep-shards", "--quiet", slice, NULL};
    cr_assert_eq(qt_run_quiet(argv), 0, "quire-index --shards %s", shards);
}

Test(shards_eval, one_shard_and_three_answer_every_open_query_alike)
{
    FILE *qf = fopen(EVAL "/queries.txt", "r");
    DIR *cd = opendir(CORPUS);
    if (!qf || !cd) {
        if (qf)
            fclose(qf);
        if (cd)
            closedir(cd);
        cr_skip_test("the shared corpus and eval set (%s) are absent: 1 against 3 shards on "
                     "the open set not tested", SHARED);
    }
    closedir(cd);
    char slice[128], one[128], three[128];
    snprintf(slice, sizeof slice, "%s/slice.jsonl", dir);
    snprintf(one, sizeof one, "%s/one", dir);
    snprintf(three, sizeof three, "%s/three", dir);
    cr_assert_gt(write_slice(slice), 1000);
    index_slice(slice, one, "1");
    index_slice(slice, three, "3");
    quire_reader_t *r1 = test_open_reader(one), *r3 = test_open_reader(three);
    cr_assert_eq(quire_reader_shard_count(r1), 1);
    cr_assert_eq(quire_reader_shard_count(r3), 3);
    char *q = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned nq = 0, nonempty = 0;
    while ((len = getline(&q, &cap, qf)) > 0) {
        while (len && (q[len - 1] == '\n' || q[len - 1] == '\r'))
            q[--len] = '\0';
        if (!len)
            continue;
        /* The first page, and every 10th query's second page too. */
        for (unsigned page = 0; page < (nq % 10 ? 1u : 2u); page++) {
            quire_search_options_t o = {.limit = 10, .offset = 10 * page};
            quire_results_t *a = NULL, *b = NULL;
            quire_status_t sa = quire_search(r1, q, &o, &a), sb = quire_search(r3, q, &o, &b);
            cr_expect_eq(sa, sb, "%s: status %d against %d", q, sa, sb);
            if (sa == QUIRE_OK && sb == QUIRE_OK) {
                char what[160];
                snprintf(what, sizeof what, "query %u page %u '%.100s'", nq + 1, page + 1, q);
                qt_expect_same_answer(a, b, what);
                nonempty += a->nhits > 0;
            }
            quire_results_free(a);
            quire_results_free(b);
        }
        nq++;
    }
    free(q);
    fclose(qf);
    cr_expect_geq(nq, 500, "the open set has its 600 queries");
    cr_expect_geq(nonempty, nq / 2, "the slice answers most queries: %u of %u", nonempty, nq);
    quire_reader_close(r1);
    quire_reader_close(r3);
}
