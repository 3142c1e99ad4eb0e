/* test_check.c - quire_index_check(), quire_index_fingerprint() and the
 * writer's checks over a real index damaged by the test (issue 16; the
 * programs' side is tests/damage_check.py). */
#include <criterion/criterion.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "open_index.h"

static char dir[64];
static char shard[160]; /* the one shard after the merge */

/* Two documents, merged into one shard (whose name goes to `shard`). */
static void build(void)
{
    strcpy(dir, "/tmp/quire-test-check-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    quire_writer_options_t o = {.shards = 2, .merge_on_close = true};
    quire_writer_t *w = NULL;
    cr_assert_eq(quire_writer_open(dir, &o, &w, NULL), QUIRE_OK);
    quire_doc_t a = {.id = "a", .title = "Grid attack", .body = "The grid was attacked by a group."};
    quire_doc_t b = {.id = "b", .title = "Espionage", .body = "Cyber espionage against ministries."};
    cr_assert_eq(quire_writer_add(w, &a), QUIRE_OK);
    cr_assert_eq(quire_writer_add(w, &b), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    char stub[160], name[64] = "";
    snprintf(stub, sizeof stub, "%s/XAPIANDB", dir);
    FILE *f = fopen(stub, "r");
    cr_assert_not_null(f);
    cr_assert_eq(fscanf(f, "auto %63s", name), 1);
    fclose(f);
    snprintf(shard, sizeof shard, "%s/%s", dir, name);
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(check, .init = build, .fini = remove_dir);

/* Invert `n` bytes of TABLE.glass at `off`. */
static void flip(const char *table, long off, int n)
{
    char path[224];
    snprintf(path, sizeof path, "%s/%s.glass", shard, table);
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f, "%s", path);
    unsigned char buf[64];
    cr_assert_eq(fseek(f, off, SEEK_SET), 0);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    for (int i = 0; i < n; i++)
        buf[i] ^= 0xFF;
    cr_assert_eq(fseek(f, off, SEEK_SET), 0);
    cr_assert_eq(fwrite(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
}

Test(check, a_sound_index_is_sound_and_the_writer_remembered_it)
{
    char *report = NULL;
    cr_assert_eq(quire_index_check(dir, &report), QUIRE_OK, "%s", report);
    cr_assert_not_null(report);
    cr_expect(strstr(report, "sound"), "%s", report);
    cr_expect(strstr(report, "records   ok (2 documents)"), "%s", report);
    free(report);
    /* The merged generation was checked before the stub named it. */
    char cache[224];
    snprintf(cache, sizeof cache, "%s/quire-checked", shard);
    cr_expect_eq(access(cache, F_OK), 0, "no %s", cache);
}

Test(check, a_flipped_table_is_damaged_named_and_advised)
{
    flip("postlist", 0, 32);
    char *report = NULL;
    cr_assert_eq(quire_index_check(dir, &report), QUIRE_ECORRUPT, "%s", report);
    cr_expect(strstr(report, "postlist  ok") == NULL, "%s", report);
    cr_expect(strstr(report, "termlist  ok"), "%s", report);
    cr_expect(strstr(report, "damaged"), "%s", report);
    cr_expect(strstr(report, "restore") && strstr(report, "rebuild"), "%s", report);
    free(report);
}

Test(check, a_missing_table_is_found_though_xapian_accepts_it)
{
    char path[224];
    snprintf(path, sizeof path, "%s/docdata.glass", shard);
    cr_assert_eq(unlink(path), 0);
    char *report = NULL;
    cr_assert_eq(quire_index_check(dir, &report), QUIRE_ECORRUPT, "%s", report);
    cr_expect(strstr(report, "docdata   missing"), "%s", report);
    free(report);
}

Test(check, the_writer_refuses_a_damaged_index_despite_its_cache)
{
    flip("termlist", 0, 32);
    quire_writer_options_t o = {.merge_on_close = true};
    quire_writer_t *w = NULL;
    char *detail = NULL;
    cr_assert_eq(quire_writer_open(dir, &o, &w, &detail), QUIRE_ECORRUPT);
    cr_assert_null(w);
    cr_assert_not_null(detail);
    cr_expect(strstr(detail, "termlist.glass"), "%s", detail);
    cr_expect(strstr(detail, "nothing was written"), "%s", detail);
    free(detail);
}

Test(check, the_fingerprint_moves_with_the_files_only)
{
    uint64_t a = 0, b = 0, c = 0;
    cr_assert_eq(quire_index_fingerprint(dir, &a), QUIRE_OK);
    cr_assert_eq(quire_index_fingerprint(dir, &b), QUIRE_OK);
    cr_expect_eq(a, b);
    usleep(10000); /* a change time a coarse clock can tell apart */
    flip("position", 100, 4);
    cr_assert_eq(quire_index_fingerprint(dir, &c), QUIRE_OK);
    cr_expect_neq(a, c);
}

Test(check, what_is_not_an_index)
{
    char *report = NULL;
    cr_expect_eq(quire_index_check("/nonexistent/quire", &report), QUIRE_ENOTFOUND);
    free(report);
    cr_expect_eq(quire_index_check("", NULL), QUIRE_EINVAL);
    char stub[160];
    snprintf(stub, sizeof stub, "%s/XAPIANDB", dir);
    FILE *f = fopen(stub, "w");
    cr_assert_not_null(f);
    fputs("[core]\n", f);
    fclose(f);
    cr_expect_eq(quire_index_check(dir, &report), QUIRE_ENOTINDEX);
    cr_expect(report && strstr(report, "XAPIANDB"), "%s", report ? report : "(null)");
    free(report);
    cr_expect_str_neq(quire_xapian_version(), "");
}
