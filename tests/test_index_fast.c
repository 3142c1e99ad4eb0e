/*
 * test_index_fast.c - the indexing shortcuts of issue 15 make the same index:
 * unpositioned terms counted per document (schema/term_counts.c) and added
 * once with their count as wdf; a fresh shard adding ids it has not seen
 * without looking them up (write/id_set.c), and still replacing an id seen
 * again. The wdf checks read the index with xapian-delve (xapian-tools).
 */
#include <criterion/criterion.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "open_index.h"
#include "schema/term_counts.h"
#include "write/id_set.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/quire-test-fast-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(fast, .init = make_dir, .fini = remove_dir);

/* ------------------------------------------------------- term_counts -- */

Test(fast, term_counts_count_in_first_seen_order)
{
    quirei_term_counts c = {0};
    const char *in[] = {"Zalpha", "Zbeta", "Zalpha", "Salpha", "Zalpha", "Zbeta", ""};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++)
        cr_assert_eq(quirei_term_counts_add(&c, in[i], strlen(in[i])), 0);
    cr_assert_eq(quirei_term_counts_size(&c), 4);
    const char *want[] = {"Zalpha", "Zbeta", "Salpha", ""};
    uint32_t counts[] = {3, 2, 1, 1};
    for (size_t i = 0; i < 4; i++) {
        const char *t;
        size_t len;
        cr_expect_eq(quirei_term_counts_get(&c, i, &t, &len), counts[i], "term %zu", i);
        cr_expect_eq(len, strlen(want[i]));
        cr_expect_eq(memcmp(t, want[i], len), 0);
    }
    quirei_term_counts_reset(&c);
    cr_expect_eq(quirei_term_counts_size(&c), 0);
    cr_assert_eq(quirei_term_counts_add(&c, "Zalpha", 6), 0);
    const char *t;
    size_t len;
    cr_expect_eq(quirei_term_counts_get(&c, 0, &t, &len), 1, "a reset forgets the counts");
    quirei_term_counts_release(&c);
}

Test(fast, term_counts_grow_and_keep_every_count)
{
    quirei_term_counts c = {0};
    char term[32];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 5000; i++) {
            int n = snprintf(term, sizeof term, "Zw%d", i);
            cr_assert_eq(quirei_term_counts_add(&c, term, (size_t)n), 0);
        }
    cr_assert_eq(quirei_term_counts_size(&c), 5000);
    for (size_t i = 0; i < 5000; i += 499) {
        const char *t;
        size_t len;
        int n = snprintf(term, sizeof term, "Zw%zu", i);
        cr_expect_eq(quirei_term_counts_get(&c, i, &t, &len), 3);
        cr_expect_eq(len, (size_t)n);
        cr_expect_eq(memcmp(t, term, len), 0);
    }
    quirei_term_counts_release(&c);
}

/* ------------------------------------------------------------ id_set -- */

Test(fast, id_set_says_seen_only_for_ids_added)
{
    quirei_id_set s = {0};
    char id[32];
    int seen = -1;
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(id, sizeof id, "Qdoc-%d", i);
        cr_assert_eq(quirei_id_set_add(&s, id, (size_t)n, &seen), 0);
        cr_assert_eq(seen, 0, "%s is new", id);
    }
    for (int i = 0; i < 20000; i += 97) {
        int n = snprintf(id, sizeof id, "Qdoc-%d", i);
        cr_assert_eq(quirei_id_set_add(&s, id, (size_t)n, &seen), 0);
        cr_expect_eq(seen, 1, "%s was added", id);
    }
    quirei_id_set_release(&s);
}

/* ------------------------------------------------- the index they make -- */

/* The wdf of `term` in the index's only document, read with xapian-delve
 * from the merged shard the stub names; -1 when the term is absent. */
static long wdf_of(const char *term)
{
    char path[128], line[256], shard[64] = "";
    snprintf(path, sizeof path, "%s/XAPIANDB", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_assert_eq(fscanf(f, "auto %63s", shard), 1);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "xapian-delve -r 1 -v -1 '%s/%s' 2>&1", dir, shard);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    long wdf = -1;
    size_t tl = strlen(term);
    while (fgets(line, sizeof line, p))
        if (!strncmp(line, term, tl) && line[tl] == ' ')
            wdf = strtol(line + tl + 1, NULL, 10);
    cr_assert_eq(pclose(p), 0, "xapian-delve (xapian-tools) failed");
    return wdf;
}

Test(fast, counted_terms_get_their_count_as_wdf)
{
    quire_writer_t *w = test_open_writer(dir, 1);
    quire_doc_t d = {.id = "d1",
                     .title = "Alpha reports",
                     .author = "Alpha Beta",
                     .body = "alpha alpha alpha beta reported reports"};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_expect_eq(wdf_of("alpha"), 4, "positioned: title once, body three times");
    cr_expect_eq(wdf_of("Zalpha"), 4, "stem: every occurrence in title and body");
    cr_expect_eq(wdf_of("Salpha"), 1);
    cr_expect_eq(wdf_of("ZSalpha"), 1);
    cr_expect_eq(wdf_of("Aalpha"), 1);
    cr_expect_eq(wdf_of("ZAbeta"), 1);
    cr_expect_eq(wdf_of("Zreport"), 3, "reported, reports (body), reports (title)");
    cr_expect_eq(wdf_of("Qd1"), 0, "the id is a boolean term");
}

Test(fast, fresh_index_replaces_an_id_seen_again)
{
    quire_writer_t *w = test_open_writer(dir, 2);
    char id[32], body[64];
    /* 120 documents: batches of 50 commit in between; ids 0-9 come again
     * at the end, in another batch than their first copy. */
    for (int i = 0; i < 130; i++) {
        snprintf(id, sizeof id, "id-%d", i % 120);
        snprintf(body, sizeof body, "%s copy %d", i < 120 ? "first" : "second", i);
        quire_doc_t d = {.id = id, .body = body};
        cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    }
    bool found = false;
    cr_assert_eq(quire_writer_delete(w, "id-50", &found), QUIRE_OK);
    cr_expect(found);
    quire_doc_t again = {.id = "id-50", .body = "back after the delete"};
    cr_assert_eq(quire_writer_add(w, &again), QUIRE_OK);
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    quire_writer_stats_t st;
    quire_writer_stats(w, &st);
    cr_expect_eq(st.added, 121, "120 new ids, and id-50 again after its delete");
    cr_expect_eq(st.replaced, 10);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);

    quire_reader_t *r = test_open_reader(dir);
    uint64_t n = 0;
    cr_assert_eq(quire_reader_doc_count(r, &n), QUIRE_OK);
    cr_expect_eq(n, 120);
    quire_stored_doc_t *s = NULL;
    cr_assert_eq(quire_reader_get(r, "id-3", &s), QUIRE_OK);
    cr_expect_str_eq(s->doc.body, "second copy 123");
    quire_stored_doc_free(s);
    cr_assert_eq(quire_reader_get(r, "id-50", &s), QUIRE_OK);
    cr_expect_str_eq(s->doc.body, "back after the delete");
    quire_stored_doc_free(s);
    quire_reader_close(r);
}
