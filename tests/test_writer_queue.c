/*
 * test_writer_queue.c - the writer's hand-over and durability changes of
 * issue 15: workers take their whole queue at once (order of adds, deletes
 * and commits kept per shard), a brand-new index's shards commit without
 * fsync and are synced at the end (merged, compacted or left as shards),
 * and quirei_sync_tree() itself. The kill -9 case of a new index is
 * tests/test_indexer.c (kill_9_keeps_committed_and_rerun_completes: its
 * first round kills a run that created the index).
 */
#include <criterion/criterion.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "open_index.h"
#include "strbuf.h"
#include "write/sync_tree.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/quire-test-queue-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(queue, .init = make_dir, .fini = remove_dir);

static char *path_in(const char *rel)
{
    static char p[4][256];
    static int next;
    char *out = p[next++ % 4];
    snprintf(out, 256, "%s/%s", dir, rel);
    return out;
}

static void add(quire_writer_t *w, int i, const char *word)
{
    char id[32], body[128];
    snprintf(id, sizeof id, "doc-%d", i);
    snprintf(body, sizeof body, "Document %d mentions %s and nothing else of note.", i, word);
    quire_doc_t d = {.id = id, .title = "Report", .body = body};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK, "add %s: %s", id, quire_writer_detail(w));
}

static uint64_t doc_count(const char *db)
{
    quire_reader_t *r = test_open_reader(db);
    uint64_t n = 0;
    cr_assert_eq(quire_reader_doc_count(r, &n), QUIRE_OK);
    quire_reader_close(r);
    return n;
}

static uint64_t term_freq(const char *db, const char *term)
{
    quire_reader_t *r = test_open_reader(db);
    uint64_t f = 0;
    cr_assert_eq(quire_reader_term_freq(r, term, &f), QUIRE_OK);
    quire_reader_close(r);
    return f;
}

static void expect_sound(const char *db)
{
    char *report = NULL;
    quire_status_t st = quire_index_check(db, &report);
    cr_expect_eq(st, QUIRE_OK, "%s", report ? report : "");
    free(report);
}

/* ------------------------------------------------------------ queue ---- */

/* Far more documents than a queue holds (128 per shard), with a delete of
 * every 7th id right after its add and an add again of every 14th after
 * that: the deletes find what was queued before them, and the re-adds
 * come back, so the worker must keep each shard's order while taking
 * many records at once. */
Test(queue, adds_deletes_and_readds_keep_their_order)
{
    const char *db = path_in("db");
    quire_writer_t *w = test_open_writer(db, 2);
    const int n = 2000;
    int deleted = 0, readded = 0;
    for (int i = 0; i < n; i++) {
        add(w, i, "alpha");
        if (i % 7 == 0) {
            char id[32];
            snprintf(id, sizeof id, "doc-%d", i);
            bool found = false;
            cr_assert_eq(quire_writer_delete(w, id, &found), QUIRE_OK);
            cr_expect(found, "the add of %s was queued before its delete", id);
            deleted++;
            if (i % 14 == 0) {
                add(w, i, "omega");
                readded++;
            }
        }
    }
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK, "%s", quire_writer_detail(w));
    quire_writer_stats_t st;
    quire_writer_stats(w, &st);
    cr_expect_eq(st.added + st.replaced, (uint64_t)(n + readded));
    cr_expect_eq(st.deleted, (uint64_t)deleted);
    uint64_t want = (uint64_t)(n - deleted + readded);
    cr_expect_eq(doc_count(db), want, "committed: readers see them before close");
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_expect_eq(doc_count(db), want);
    cr_expect_eq(term_freq(db, "omega"), (uint64_t)readded, "the re-added documents");
    expect_sound(db);
}

/* ------------------------------------------------------------ syncing -- */

/* A new index left as shards (no merge): synced and checked at close, and
 * a second writer (which syncs every commit) adds to it. */
Test(queue, new_index_without_merge_is_sound_and_writable_again)
{
    const char *db = path_in("db");
    quire_writer_t *w = test_open_writer(db, 2);
    for (int i = 0; i < 300; i++)
        add(w, i, "alpha");
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_expect_eq(doc_count(db), 300);
    expect_sound(db);

    w = test_open_writer(db, 0);
    for (int i = 300; i < 400; i++)
        add(w, i, "beta");
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_expect_eq(doc_count(db), 400);
    cr_expect_eq(term_freq(db, "beta"), 100);
    expect_sound(db);
}

/* quire_writer_compact() on a new index: the compacted generations are
 * synced and checked before the stub names them, and writing goes on. */
Test(queue, new_index_compacted_then_written_again)
{
    const char *db = path_in("db");
    quire_writer_t *w = test_open_writer(db, 2);
    for (int i = 0; i < 200; i++)
        add(w, i, "alpha");
    cr_assert_eq(quire_writer_compact(w), QUIRE_OK, "%s", quire_writer_detail(w));
    cr_expect_eq(doc_count(db), 200);
    struct stat sb;
    cr_expect_eq(stat(path_in("db/shard0.0"), &sb), -1, "the old generation is gone");
    for (int i = 200; i < 250; i++)
        add(w, i, "gamma");
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_expect_eq(doc_count(db), 250);
    cr_expect_eq(term_freq(db, "gamma"), 50);
    expect_sound(db);
}

/* The merge of a new index (merge_on_close): one synced, checked shard. */
Test(queue, new_index_merged_at_close)
{
    const char *db = path_in("db");
    quire_writer_options_t o = {.shards = 3, .batch_size = 40, .merge_on_close = true};
    quire_writer_t *w = NULL;
    cr_assert_eq(quire_writer_open(db, &o, &w, NULL), QUIRE_OK);
    for (int i = 0; i < 500; i++)
        add(w, i, "delta");
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_expect_eq(doc_count(db), 500);
    cr_expect_eq(term_freq(db, "delta"), 500);
    expect_sound(db);
}

Test(queue, sync_tree_syncs_files_and_says_what_it_cannot)
{
    const char *d = path_in("shard");
    cr_assert_eq(mkdir(d, 0777), 0);
    FILE *f = fopen(path_in("shard/table.glass"), "w");
    cr_assert_not_null(f);
    fputs("some bytes", f);
    fclose(f);
    cr_assert_eq(mkdir(path_in("shard/sub"), 0777), 0); /* not a file: skipped */
    quirei_buf err = QUIREI_BUF_INIT;
    quirei_sync_start(d);
    cr_expect_eq(quirei_sync_tree(d, &err), QUIRE_OK, "%s", quirei_buf_cstr(&err));

    const char *missing = path_in("no-such-shard");
    quirei_sync_start(missing); /* best effort: nothing to do */
    cr_expect_eq(quirei_sync_tree(missing, &err), QUIRE_EIO);
    cr_expect(strstr(quirei_buf_cstr(&err), "no-such-shard"), "%s", quirei_buf_cstr(&err));
    cr_expect(strstr(quirei_buf_cstr(&err), "cannot sync"), "%s", quirei_buf_cstr(&err));
    quirei_buf_release(&err);
}

/* ------------------------------------------------------------ trace ---- */

/* Run quire-index on a small input with `env` set; its stderr in out. */
static int run_indexer_env(const char *env, quirei_buf *out)
{
    FILE *f = fopen(path_in("in.jsonl"), "w");
    cr_assert_not_null(f);
    for (int i = 0; i < 30; i++)
        fprintf(f, "{\"id\":\"t-%d\",\"title\":\"T\",\"body\":\"Body %d of a traced run.\"}\n", i,
                i);
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s '%s/quire-index' --db '%s' --quiet '%s' 2>&1", env,
             QUIRE_BIN_DIR, path_in("db"), path_in("in.jsonl"));
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        quirei_buf_add(out, buf, n);
    return pclose(p);
}

Test(queue, index_trace_only_when_asked)
{
    quirei_buf out = QUIREI_BUF_INIT;
    cr_assert_eq(run_indexer_env("QUIRE_INDEX_TRACE=1", &out), 0, "%s", quirei_buf_cstr(&out));
    const char *o = quirei_buf_cstr(&out);
    cr_expect(strstr(o, "quire-index trace: opened"), "%s", o);
    cr_expect(strstr(o, "quire-index trace: read, parsed, queued"), "%s", o);
    cr_expect(strstr(o, "quire-index trace: writers done, committed"), "%s", o);
    cr_expect(strstr(o, "quire-index trace: closed: merged, checked, synced"), "%s", o);
    cr_expect(strstr(o, " s wall,"), "%s", o);
    cr_expect_eq(doc_count(path_in("db")), 30);

    quirei_buf_reset(&out);
    cr_assert_eq(run_indexer_env("QUIRE_INDEX_TRACE=0", &out), 0, "%s", quirei_buf_cstr(&out));
    cr_expect_null(strstr(quirei_buf_cstr(&out), "trace"), "%s", quirei_buf_cstr(&out));
    quirei_buf_release(&out);
}
