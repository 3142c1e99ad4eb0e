/* test_rerank.c - the proximity boost weighed for the best candidates only
 * (search.c, "The proximity boost reranks the best candidates only"): the
 * words standing together still rank first, on a sharded index, with
 * filters, and over every match when there are few. */
#include <criterion/criterion.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static char dir[64];
static quire_reader_t *reader;

enum { SCATTERED = 300, GREEN = 120 };

/* n filler words */
static void filler(quirei_buf *b, int n)
{
    static const char *const w[] = {"notes", "minor", "issues", "older", "systems", "report"};
    for (int k = 0; k < n; k++)
        quirei_buf_addf(b, " %s", w[k % 6]);
}

static void add(quire_writer_t *w, const char *id, const char *source, quirei_buf *body)
{
    quire_doc_t d = {.id = id, .source = source, .body = quirei_buf_cstr(body)};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    quirei_buf_reset(body);
}

/* SCATTERED documents with "red" and "blue" apart (doc-i has i + 6 other
 * words, so BM25 ranks them by length), GREEN of them with "green" too;
 * "together" holds "red blue" side by side in 40 other words (so about
 * 35 scattered ones outrank it by BM25 alone); "green-together" holds
 * "green blue" side by side in 42 other words. */
static void setup(void)
{
    strcpy(dir, "/tmp/quire-test-rerank-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    quire_writer_t *w = NULL;
    cr_assert_eq(quire_writer_open(dir, &(quire_writer_options_t){.shards = 3}, &w, NULL),
                 QUIRE_OK);
    quirei_buf b = QUIREI_BUF_INIT;
    char id[32];
    for (int i = 0; i < SCATTERED; i++) {
        snprintf(id, sizeof id, "doc-%03d", i);
        quirei_buf_adds(&b, "red");
        filler(&b, 3);
        quirei_buf_adds(&b, i < GREEN ? " green" : "");
        filler(&b, 3);
        quirei_buf_adds(&b, " blue");
        filler(&b, i);
        add(w, id, i % 2 ? "s/a" : "s/b", &b);
    }
    filler(&b, 20);
    quirei_buf_adds(&b, " red blue");
    filler(&b, 20);
    add(w, "together", "s/b", &b);
    filler(&b, 20);
    quirei_buf_adds(&b, " green blue");
    filler(&b, 22);
    add(w, "green-together", "s/a", &b);
    quirei_buf_release(&b);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_assert_eq(quire_reader_open(dir, &reader, NULL), QUIRE_OK);
}

static void teardown(void)
{
    quire_reader_close(reader);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(rerank, .init = setup, .fini = teardown);

static quire_results_t *search(const char *q, const quire_search_options_t *o)
{
    quire_results_t *res = NULL;
    cr_assert_eq(quire_search(reader, q, o, &res), QUIRE_OK, "%s: %s", q,
                 quire_reader_detail(reader));
    return res;
}

Test(rerank, words_together_first_among_many_matches)
{
    quire_results_t *res = search("red blue", NULL);
    cr_expect_eq(res->total, SCATTERED + 1);
    cr_expect_eq(res->total_relation, QUIRE_TOTAL_EQ);
    cr_assert_eq(res->nhits, 10);
    cr_expect_str_eq(res->hits[0].id, "together");
    /* then by BM25: the shortest scattered ones, from all three shards */
    cr_expect_str_eq(res->hits[1].id, "doc-000");
    cr_expect_str_eq(res->hits[2].id, "doc-001");
    quire_results_free(res);
    /* Without the boost "together" would be far down: the words apart
     * rank it by BM25 only. */
    res = search("\"red\" \"blue\"", NULL);
    cr_assert_eq(res->nhits, 10);
    for (size_t i = 0; i < res->nhits; i++)
        cr_expect_str_neq(res->hits[i].id, "together");
    quire_results_free(res);
}

Test(rerank, pages_agree)
{
    /* Hits 10-19 are those after the first page, none repeated. */
    quire_results_t *a = search("red blue", &(quire_search_options_t){.limit = 20});
    quire_results_t *b = search("red blue", &(quire_search_options_t){.limit = 10, .offset = 10});
    cr_assert_eq(a->nhits, 20);
    cr_assert_eq(b->nhits, 10);
    for (size_t i = 0; i < 10; i++)
        cr_expect_str_eq(a->hits[10 + i].id, b->hits[i].id);
    quire_results_free(a);
    quire_results_free(b);
}

Test(rerank, with_a_filter)
{
    quire_results_t *res = search("red blue", &(quire_search_options_t){.source = "s/b"});
    cr_expect_eq(res->total, SCATTERED / 2 + 1);
    cr_assert_gt(res->nhits, 0);
    cr_expect_str_eq(res->hits[0].id, "together");
    for (size_t i = 0; i < res->nhits; i++)
        cr_expect_str_eq(res->hits[i].source, "s/b");
    quire_results_free(res);
}

Test(rerank, every_match_when_few)
{
    /* GREEN + 1 matches, all of them candidates: the document holding
     * the words together comes first, as ever. */
    quire_results_t *res = search("green blue", NULL);
    cr_expect_eq(res->total, GREEN + 1);
    cr_assert_gt(res->nhits, 0);
    cr_expect_str_eq(res->hits[0].id, "green-together");
    quire_results_free(res);
}
