/*
 * test_similar_remote.c - quire_similar() over remote shards: an index of
 * two shards written here, each shard served by its own xapian-tcpsrv
 * (127.0.0.1, a free port; tcpsrv_harness.h), read as two tcp:// sources;
 * the similar articles read through them are those read locally (the
 * expansion, the search and the near-duplicates need nothing a remote
 * server lacks). Skipped, saying so, without xapian-tcpsrv (Debian:
 * xapian-tools).
 */
#include <criterion/criterion.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "open_index.h"
#include "server_harness.h"
#include "tcpsrv_harness.h"

static char tmp[64];
static qt_tcpsrv srv[2];

static void stop(void)
{
    qt_tcpsrv_stop(&srv[0]);
    qt_tcpsrv_stop(&srv[1]);
    if (tmp[0])
        qt_remove_tree(tmp);
}

TestSuite(similar_remote, .fini = stop, .timeout = 60);

static void add(quire_writer_t *w, const char *id, const char *title, const char *body)
{
    quire_doc_t d = {.id = id, .title = title, .body = body};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK, "add %s", id);
}

#define STORY                                                                               \
    "Lazarus operators breached the Hanwha cryptocurrency exchange through a trojanized "  \
    "wallet updater; the updater sideloaded a loader that stole hot wallet keys."

static quire_results_t *similar(quire_reader_t *r, const char *id)
{
    quire_search_options_t o = {.limit = 20};
    quire_results_t *res = NULL;
    cr_assert_eq(quire_similar(r, id, &o, &res), QUIRE_OK, "%s", quire_reader_detail(r));
    return res;
}

Test(similar_remote, remote_shards_answer_as_local_ones)
{
    char prog[256];
    if (!qt_tcpsrv_program(prog, sizeof prog))
        cr_skip_test("xapian-tcpsrv is not installed (Debian: xapian-tools): similar articles "
                     "over remote shards not tested");
    strcpy(tmp, "/tmp/quire-test-similar-remote-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    char db[128], stub[160], a[256], b[256];
    snprintf(db, sizeof db, "%s/db", tmp);
    quire_writer_t *w = test_open_writer(db, 2);
    add(w, "src", "Exchange robbed", STORY);
    add(w, "copy", "Exchange robbed, again", STORY " Subscribe for more.");
    add(w, "rel1", "Updater abused", "A trojanized wallet updater let Lazarus steal hot "
                                     "wallet keys from an exchange.");
    add(w, "rel2", "Keys stolen", "Hot wallet keys of a cryptocurrency exchange were stolen.");
    add(w, "rel3", "Loader", "The loader was sideloaded by a trojanized updater at Hanwha.");
    add(w, "other", "Printer bug", "A heap overflow in printer firmware.");
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    /* The shards the stub names ("auto NAME" lines, store/layout.c). */
    snprintf(stub, sizeof stub, "%s/XAPIANDB", db);
    FILE *f = fopen(stub, "r");
    cr_assert_not_null(f);
    char line[128], name[2][96];
    int n = 0;
    while (n < 2 && fgets(line, sizeof line, f))
        n += sscanf(line, "auto %95s", name[n]) == 1;
    fclose(f);
    cr_assert_eq(n, 2, "two shards in %s", stub);
    snprintf(a, sizeof a, "%s/%s", db, name[0]);
    snprintf(b, sizeof b, "%s/%s", db, name[1]);
    qt_tcpsrv_start(&srv[0], a);
    qt_tcpsrv_start(&srv[1], b);
    char urls[2][48];
    for (int i = 0; i < 2; i++)
        snprintf(urls[i], sizeof urls[i], "tcp://127.0.0.1:%u", srv[i].port);
    const char *const sources[2] = {urls[0], urls[1]};
    quire_reader_t *far = NULL;
    char *detail = NULL;
    cr_assert_eq(quire_reader_open_sources(sources, 2, NULL, &far, &detail), QUIRE_OK, "%s",
                 detail ? detail : "");
    free(detail);
    cr_assert_eq(quire_reader_shard_count(far), 2);

    quire_reader_t *local = test_open_reader(db);
    quire_results_t *l = similar(local, "src"), *r = similar(far, "src");
    cr_assert_geq(l->nhits, 3, "rel1, rel2, rel3");
    cr_expect_eq(r->nhits, l->nhits);
    cr_expect_eq(r->total, l->total);
    cr_expect_str_eq(r->query, l->query);
    for (size_t i = 0; i < l->nhits && i < r->nhits; i++) {
        cr_expect_str_eq(r->hits[i].id, l->hits[i].id, "hit %zu", i);
        cr_expect_str_neq(r->hits[i].id, "copy", "the near-duplicate, remotely too");
        cr_expect_str_neq(r->hits[i].id, "src");
    }
    quire_results_t *none = NULL;
    cr_expect_eq(quire_similar(far, "nope", NULL, &none), QUIRE_ENOTFOUND);
    quire_results_free(l);
    quire_results_free(r);
    quire_reader_close(local);
    quire_reader_close(far);
}
