/*
 * test_similar.c - quire_similar() (lib/query/similar.c) on an index of
 * articles written here, in two shards:
 *
 *   src       Lazarus robs a cryptocurrency exchange through a wallet updater
 *   copy      src's text with a newsletter footer: a near-duplicate (text)
 *   teaser    src's title over src's first sentences: a near-duplicate (title)
 *   excerpt   the same first sentences under another title: kept
 *   retitled  src's title over another story on the same theme: kept
 *   rel1      another exchange robbed through a wallet updater (most words)
 *   rel2      a wallet theft, fewer of src's words
 *   other     printer firmware: nothing in common
 *   lonely    words no other article has
 *   fillerN   unrelated articles, so that src's words are rare
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "open_index.h"
#include "server_harness.h"

#define SRC_TITLE "Lazarus raids Hanwha exchange"
#define SRC_HEAD                                                                            \
    "Lazarus operators breached the Hanwha cryptocurrency exchange through a trojanized "  \
    "wallet updater. The poisoned updater sideloaded a loader that stole hot wallet keys. "
#define SRC_TAIL                                                                            \
    "Investigators traced the laundering of the stolen cryptocurrency through mixers to "  \
    "Pyongyang. The exchange froze withdrawals while the wallet updater was rebuilt, and " \
    "analysts expect Lazarus to reuse the trojanized updater against another exchange."

static char tmp[64], db[128];
static quire_reader_t *r;

static void add(quire_writer_t *w, const char *id, const char *title, const char *source,
                const char *body)
{
    quire_doc_t d = {.id = id, .title = title, .source = source, .body = body};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK, "add %s", id);
}

static void build(void)
{
    strcpy(tmp, "/tmp/quire-test-similar-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    snprintf(db, sizeof db, "%s/db", tmp);
    quire_writer_t *w = test_open_writer(db, 2);
    add(w, "src", SRC_TITLE, "news/a", SRC_HEAD SRC_TAIL);
    add(w, "copy", "Lazarus raids Hanwha exchange | Daily Threat", "news/b",
        SRC_HEAD SRC_TAIL " Subscribe to our newsletter for more stories like this one.");
    add(w, "teaser", "LAZARUS raids Hanwha exchange!", "news/c", SRC_HEAD " Read more.");
    add(w, "excerpt", "Wallet updater abuse, in brief", "news/c",
        SRC_HEAD " More on updater abuse in our weekly digest of supply-chain incidents.");
    add(w, "retitled", SRC_TITLE, "news/d",
        "Lazarus hit a second cryptocurrency exchange this month. Hanwha customers saw "
        "withdrawals frozen after hot wallet keys leaked, and laundering through mixers "
        "followed within hours, analysts said.");
    add(w, "rel1", "Another exchange robbed", "news/a",
        "A cryptocurrency exchange lost its hot wallet keys after a trojanized wallet "
        "updater sideloaded a loader. Lazarus is suspected; laundering through mixers "
        "followed and withdrawals were frozen.");
    add(w, "rel2", "Wallet theft at a fintech", "news/b",
        "Thieves emptied a hot wallet at a fintech start-up. The cryptocurrency was moved "
        "within minutes and the firm has not said how the keys leaked.");
    add(w, "other", "Printer firmware flaw", "news/a",
        "A heap overflow in printer firmware lets a network attacker run code on the "
        "device; the vendor shipped a patched firmware image for every model.");
    add(w, "lonely", "Quonzar", "misc", "Quonzar vleptic morgash trindlewort.");
    static const char *topics[] = {"router", "browser", "phishing", "ransomware",
                                   "botnet", "spam",    "database", "cloud"};
    for (int i = 0; i < 24; i++) {
        char id[32], body[256];
        snprintf(id, sizeof id, "filler%d", i);
        snprintf(body, sizeof body,
                 "A %s story, number %d: the team patched the %s issue and published "
                 "guidance for administrators running affected systems.",
                 topics[i % 8], i, topics[(i + 3) % 8]);
        add(w, id, topics[i % 8], "misc", body);
    }
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    r = test_open_reader(db);
}

static void teardown(void)
{
    quire_reader_close(r);
    qt_remove_tree(tmp);
}

TestSuite(similar, .init = build, .fini = teardown, .timeout = 60);

/* The rank (1-based) of id among res's hits, 0 when absent. */
static unsigned rank_of(const quire_results_t *res, const char *id)
{
    for (size_t i = 0; i < res->nhits; i++)
        if (strcmp(res->hits[i].id, id) == 0)
            return res->hits[i].rank;
    return 0;
}

static quire_results_t *similar(const char *id, const quire_search_options_t *o)
{
    quire_results_t *res = NULL;
    quire_status_t st = quire_similar(r, id, o, &res);
    cr_assert_eq(st, QUIRE_OK, "similar %s: %s", id, quire_reader_detail(r));
    return res;
}

Test(similar, leaves_out_the_article_and_its_near_duplicates)
{
    quire_search_options_t o = {.limit = 20};
    quire_results_t *res = similar("src", &o);
    cr_expect_eq(rank_of(res, "src"), 0, "the article itself");
    cr_expect_eq(rank_of(res, "copy"), 0, "same text with a footer");
    cr_expect_eq(rank_of(res, "teaser"), 0, "same title over the first sentences");
    cr_expect_neq(rank_of(res, "excerpt"), 0, "the first sentences under another title");
    cr_expect_neq(rank_of(res, "retitled"), 0, "the same title over another text");
    cr_expect_neq(rank_of(res, "rel1"), 0);
    cr_expect_neq(rank_of(res, "rel2"), 0);
    cr_expect_eq(rank_of(res, "other"), 0, "nothing in common");
    cr_expect_lt(rank_of(res, "rel1"), rank_of(res, "rel2"), "more shared words rank higher");
    cr_expect_eq(res->total, res->nhits, "few matches: all of them on the page");
    cr_expect_eq(res->total_relation, QUIRE_TOTAL_EQ);
    cr_expect_null(res->suggestion);
    for (size_t i = 1; i < res->nhits; i++)
        cr_expect_geq(res->hits[i - 1].score, res->hits[i].score);
    quire_results_free(res);
}

Test(similar, the_words_searched_are_the_articles_rare_ones)
{
    quire_results_t *res = similar("src", NULL);
    cr_assert_not_null(res->query);
    cr_expect_not_null(strstr(res->query, "lazarus"), "%s", res->query);
    cr_expect_not_null(strstr(res->query, "updater"), "%s", res->query);
    cr_expect_null(strstr(res->query, "the "), "no stop word: %s", res->query);
    /* Snippets highlight those words. */
    cr_assert_gt(res->nhits, 0);
    cr_expect_not_null(res->hits[0].snippet);
    cr_expect_gt(res->hits[0].nhighlights, 0);
    quire_results_free(res);
}

Test(similar, pages_agree_with_the_whole_list)
{
    quire_search_options_t all = {.limit = 10, .no_snippets = true};
    quire_results_t *whole = similar("src", &all);
    cr_assert_geq(whole->nhits, 3);
    for (unsigned off = 0; off < 3; off++) {
        quire_search_options_t o = {.offset = off, .limit = 1, .no_snippets = true};
        quire_results_t *page = similar("src", &o);
        cr_assert_eq(page->nhits, 1);
        cr_expect_str_eq(page->hits[0].id, whole->hits[off].id, "offset %u", off);
        cr_expect_eq(page->hits[0].rank, off + 1);
        cr_expect_eq(page->total, whole->total);
        cr_expect_null(page->hits[0].snippet, "no_snippets");
        quire_results_free(page);
    }
    quire_results_free(whole);
}

Test(similar, filters_by_source)
{
    quire_search_options_t o = {.limit = 20, .source = "news/b"};
    quire_results_t *res = similar("src", &o);
    cr_expect_neq(rank_of(res, "rel2"), 0);
    for (size_t i = 0; i < res->nhits; i++)
        cr_expect_str_eq(res->hits[i].source, "news/b", "%s", res->hits[i].id);
    quire_results_free(res);
}

Test(similar, as_json_it_is_a_search_answer)
{
    quire_results_t *res = similar("rel1", NULL);
    char *text = quire_results_json(res);
    cr_assert_not_null(text);
    json_t *o = json_loads(text, 0, NULL);
    cr_assert_not_null(o, "%s", text);
    cr_expect(json_is_array(json_object_get(o, "hits")));
    cr_expect(json_is_integer(json_object_get(json_object_get(o, "total"), "value")));
    json_t *hit = json_array_get(json_object_get(o, "hits"), 0);
    cr_assert_not_null(hit, "%s", text);
    cr_expect_str_neq(json_string_value(json_object_get(hit, "id")), "rel1");
    json_decref(o);
    free(text);
    quire_results_free(res);
}

Test(similar, refuses_what_it_cannot_answer)
{
    quire_results_t *res = (quire_results_t *)1;
    cr_expect_eq(quire_similar(r, "no-such-id", NULL, &res), QUIRE_ENOTFOUND);
    cr_expect_null(res);
    cr_expect_not_null(strstr(quire_reader_detail(r), "no-such-id"), "%s",
                       quire_reader_detail(r));
    cr_expect_eq(quire_similar(r, "", NULL, &res), QUIRE_EINVAL);
    cr_expect_eq(quire_similar(NULL, "src", NULL, &res), QUIRE_EINVAL);
    quire_search_options_t o = {.offset = 95, .limit = 10};
    cr_expect_eq(quire_similar(r, "src", &o, &res), QUIRE_EOPTION);
    cr_expect_str_eq(quire_reader_error_option(r), "offset");
    quire_search_options_t d = {.date_from = "2016-02-30"};
    cr_expect_eq(quire_similar(r, "src", &d, &res), QUIRE_EOPTION);
    cr_expect_str_eq(quire_reader_error_option(r), "from");
    /* The reader still works. */
    quire_results_t *ok = similar("src", NULL);
    cr_expect_gt(ok->nhits, 0);
    quire_results_free(ok);
}

Test(similar, an_article_sharing_no_word_has_none)
{
    quire_results_t *res = similar("lonely", NULL);
    cr_expect_eq(res->nhits, 0);
    cr_expect_eq(res->total, 0);
    cr_expect_eq(res->total_relation, QUIRE_TOTAL_EQ);
    quire_results_free(res);
}
