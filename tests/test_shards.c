/* test_shards.c - a reader over several sources (issue 14): manifests and
 * several --db, the same answers from one index and from shards, remote
 * shards (xapian-tcpsrv) going down and coming back, and the generation of
 * a remote shard following every commit. */
#include <criterion/criterion.h>
#include <quire/quire.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "open_index.h"
#include "shard_compare.h"
#include "tcpsrv_harness.h"

static char dir[64];
static qt_tcpsrv srv = {.pid = -1};

static void make_dir(void)
{
    strcpy(dir, "/tmp/quire-test-shards-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    srv = (qt_tcpsrv){.pid = -1};
}

static void remove_dir(void)
{
    qt_tcpsrv_stop(&srv);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(shards, .init = make_dir, .fini = remove_dir);

/* ---------------------------------------------------------------- helpers -- */

static const char *path_of(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(path_of(name), "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static const char *const words[] = {"breach",  "ransomware", "patch",   "exploit", "phishing",
                                    "malware", "botnet",     "zero",    "day",     "espionage",
                                    "china",   "russia",     "vendor",  "advisory", "grid"};
#define NWORDS (sizeof words / sizeof *words)

/* Document i of a small synthetic corpus: bodies drawn from few words, so
 * that scores tie often; sources and dates for facets and date sorting. */
static void add_doc(quire_writer_t *w, unsigned i, const char *url)
{
    char id[32], body[512], title[64], date[16];
    snprintf(id, sizeof id, "doc-%03u", i);
    size_t n = 0;
    unsigned x = i * 2654435761u;
    for (unsigned k = 0; k < 6 + i % 7; k++) {
        x = x * 1103515245u + 12345u;
        n += (size_t)snprintf(body + n, sizeof body - n, "%s%s", k ? " " : "",
                              words[(x >> 16) % NWORDS]);
    }
    snprintf(body + n, sizeof body - n, ". The end of %s.", id);
    snprintf(title, sizeof title, "%s report %u", words[i % NWORDS], i % 5);
    snprintf(date, sizeof date, "20%02u-%02u-01", 10 + i % 12, 1 + i % 12);
    quire_doc_t d = {.id = id, .title = title, .body = body, .date = date, .url = url,
                     .source = i % 3 ? "ti-corpus/blog" : "cisa"};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
}

/* An index of docs [from, to) in dir/name with `shards` shards, kept
 * (no merge, no compaction: the shard directories keep their names). */
static void make_index(const char *name, unsigned shards, unsigned from, unsigned to)
{
    quire_writer_t *w = test_open_writer(path_of(name), shards);
    for (unsigned i = from; i < to; i++)
        add_doc(w, i, NULL);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
}

static quire_reader_t *open_sources(const char *const *src, size_t n,
                                    const quire_reader_options_t *o)
{
    quire_reader_t *r = NULL;
    char *detail = NULL;
    quire_status_t st = quire_reader_open_sources(src, n, o, &r, &detail);
    cr_assert_eq(st, QUIRE_OK, "open: %s", detail ? detail : "");
    free(detail);
    return r;
}

static uint64_t doc_count(quire_reader_t *r)
{
    uint64_t n = 0;
    cr_assert_eq(quire_reader_doc_count(r, &n), QUIRE_OK, "%s", quire_reader_detail(r));
    return n;
}

static uint64_t generation(quire_reader_t *r)
{
    uint64_t g = 0;
    cr_assert_eq(quire_reader_generation(r, &g), QUIRE_OK, "%s", quire_reader_detail(r));
    return g;
}

static quire_results_t *search(quire_reader_t *r, const char *q, const quire_search_options_t *o)
{
    quire_results_t *res = NULL;
    quire_status_t st = quire_search(r, q, o, &res);
    cr_assert_eq(st, QUIRE_OK, "%s: %s", q, quire_reader_detail(r));
    return res;
}

/* ------------------------------------------------------------- sources -- */

Test(shards, a_manifest_lists_shards_and_whole_indexes)
{
    make_index("a", 2, 0, 40);
    make_index("b", 1, 40, 60);
    /* Relative to the manifest's directory; "b" is a whole index. */
    write_file("all.shards", "# two indexes\nauto a/shard0\n  auto a/shard1  \nauto b\n");
    const char *m[] = {path_of("all.shards")};
    quire_reader_t *r = open_sources(m, 1, NULL);
    cr_expect_eq(doc_count(r), 60);
    cr_expect_eq(quire_reader_shard_count(r), 3);
    size_t n = 9;
    quire_reader_missing_shards(r, &n);
    cr_expect_eq(n, 0);
    quire_reader_close(r);
    /* The same as two --db. */
    const char *two[] = {path_of("a"), path_of("b")};
    r = open_sources(two, 2, NULL);
    cr_expect_eq(doc_count(r), 60);
    cr_expect_eq(quire_reader_shard_count(r), 3);
    quire_reader_close(r);
}

static void expect_refused(const char *const *src, size_t n, quire_status_t want,
                           const char *needle)
{
    quire_reader_t *r = NULL;
    char *detail = NULL;
    quire_status_t st = quire_reader_open_sources(src, n, NULL, &r, &detail);
    cr_expect_eq(st, want, "%s: status %d (%s)", src[n - 1], st, detail ? detail : "");
    cr_expect(detail && strstr(detail, needle), "'%s' lacks '%s'", detail ? detail : "", needle);
    cr_expect_null(r);
    free(detail);
}

Test(shards, a_shard_named_twice_or_a_bad_source_is_refused)
{
    make_index("a", 2, 0, 10);
    const char *twice[] = {path_of("a"), path_of("a/shard1")};
    expect_refused(twice, 2, QUIRE_ENOTINDEX, "named twice");
    const char *bad_tcp[] = {"tcp://127.0.0.1"};
    expect_refused(bad_tcp, 1, QUIRE_ENOTINDEX, "tcp://HOST:PORT");
    const char *bad_port[] = {"tcp://127.0.0.1:0"};
    expect_refused(bad_port, 1, QUIRE_ENOTINDEX, "tcp://HOST:PORT");
    write_file("bad.shards", "auto a\nremote nowhere\n");
    const char *bad_line[] = {path_of("bad.shards")};
    expect_refused(bad_line, 1, QUIRE_ENOTINDEX, "line 2");
    write_file("empty.shards", "# nothing\n");
    const char *empty[] = {path_of("empty.shards")};
    expect_refused(empty, 1, QUIRE_ENOTINDEX, "names no shard");
    const char *missing[] = {path_of("no-such-index")};
    expect_refused(missing, 1, QUIRE_ENOTFOUND, "no-such-index");
}

/* ------------------------------------------------- one index, or shards -- */

Test(shards, three_shards_answer_as_one_index)
{
    make_index("one", 1, 0, 300);
    make_index("three", 3, 0, 300);
    const char *one[] = {path_of("one")};
    /* The three shards as three sources (plain Xapian databases). */
    const char *three[] = {path_of("three/shard0"), path_of("three/shard1"),
                           path_of("three/shard2")};
    quire_reader_t *r1 = open_sources(one, 1, NULL), *r3 = open_sources(three, 3, NULL);
    cr_expect_eq(doc_count(r1), doc_count(r3));
    static const char *const queries[] = {
        "breach",          "ransomware patch",      "\"zero day\"",     "china OR russia",
        "exploit -botnet", "title:grid",            "phish*",           "malwear",
        "espionage vendor advisory grid china",     "\"day zero exploit\"", "source:cisa breach",
        "date:2012..2015 patch"};
    quire_search_options_t opts[] = {
        {.limit = 10},
        {.limit = 7, .offset = 7},
        {.limit = 10, .sort = QUIRE_SORT_DATE},
        {.limit = 5, .facets = QUIRE_FACET(QUIRE_FACET_SOURCE) | QUIRE_FACET(QUIRE_FACET_YEAR)},
    };
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++)
        for (size_t k = 0; k < sizeof opts / sizeof *opts; k++) {
            char what[128];
            snprintf(what, sizeof what, "'%s' (options %zu)", queries[q], k);
            quire_results_t *a = search(r1, queries[q], &opts[k]);
            quire_results_t *b = search(r3, queries[q], &opts[k]);
            qt_expect_same_answer(a, b, what);
            cr_expect_not(b->partial);
            cr_assert_eq(a->nfacets, b->nfacets, "%s", what);
            for (size_t f = 0; f < a->nfacets; f++) {
                cr_assert_eq(a->facets[f].nvalues, b->facets[f].nvalues, "%s", what);
                for (size_t v = 0; v < a->facets[f].nvalues; v++)
                    cr_expect_eq(a->facets[f].values[v].count, b->facets[f].values[v].count,
                                 "%s facet %zu value %zu", what, f, v);
            }
            quire_results_free(a);
            quire_results_free(b);
        }
    /* /api/doc/{id}: found on whichever shard holds it. */
    quire_stored_doc_t *d = NULL;
    cr_assert_eq(quire_reader_get(r3, "doc-123", &d), QUIRE_OK, "%s", quire_reader_detail(r3));
    cr_expect_str_eq(d->doc.id, "doc-123");
    quire_stored_doc_free(d);
    quire_reader_close(r1);
    quire_reader_close(r3);
}

/* ------------------------------------------------------ remote shards -- */

static void need_tcpsrv(const char *what)
{
    char prog[512];
    if (!qt_tcpsrv_program(prog, sizeof prog))
        cr_skip_test("xapian-tcpsrv is not installed (Debian: xapian-tools): %s not tested",
                     what);
}

static void remote_source(char *buf, size_t cap)
{
    snprintf(buf, cap, "tcp://127.0.0.1:%u", srv.port);
}

Test(shards, a_remote_shard_down_is_left_out_then_comes_back)
{
    need_tcpsrv("shards going down");
    make_index("local", 1, 0, 30);
    make_index("remote", 1, 30, 50);
    qt_tcpsrv_start(&srv, path_of("remote/shard0"));
    char tcp[64];
    remote_source(tcp, sizeof tcp);
    const char *src[] = {path_of("local"), tcp};
    quire_reader_t *r = open_sources(src, 2, NULL);
    quire_reader_options_t all = {.require_all_shards = true};
    quire_reader_t *strict = open_sources(src, 2, &all);
    quire_search_options_t o = {.limit = 100};
    quire_results_t *full = search(r, "report", &o);
    cr_expect_eq(full->total, 50);
    cr_expect_not(full->partial);
    uint64_t g_full = generation(r);

    qt_tcpsrv_stop(&srv);
    /* The next search meets the dead connection, leaves the shard out
     * and answers from the local one, saying which is missing. */
    quire_results_t *part = search(r, "report", &o);
    cr_expect_eq(part->total, 30);
    cr_expect(part->partial);
    cr_assert_eq(part->nmissing_shards, 1);
    cr_expect_str_eq(part->missing_shards[0], tcp);
    cr_expect_neq(generation(r), g_full, "a shard down moves the generation");
    quire_results_free(part);
    /* A document of the missing shard is not "not found". */
    quire_stored_doc_t *d = NULL;
    cr_expect_eq(quire_reader_get(r, "doc-040", &d), QUIRE_EIO);
    cr_expect(strstr(quire_reader_detail(r), tcp), "%s", quire_reader_detail(r));
    /* All shards required: an error naming the shard. */
    quire_results_t *none = NULL;
    bool changed;
    quire_reader_reopen(strict, &changed);
    cr_expect_eq(quire_search(strict, "report", &o, &none), QUIRE_EIO);
    cr_expect_null(none);
    cr_expect(strstr(quire_reader_detail(strict), tcp), "%s", quire_reader_detail(strict));

    /* Back on its port: within a retry interval, the full answer again. */
    qt_tcpsrv_start(&srv, path_of("remote/shard0"));
    usleep(1100 * 1000);
    cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK, "%s", quire_reader_detail(r));
    cr_expect(changed);
    quire_results_t *back = search(r, "report", &o);
    qt_expect_same_answer(full, back, "after the shard came back");
    cr_expect_not(back->partial);
    cr_expect_eq(back->nmissing_shards, 0);
    cr_expect_eq(generation(r), g_full, "the same shards, the same revisions");
    quire_results_free(back);
    quire_results_free(full);
    cr_assert_eq(quire_reader_reopen(strict, &changed), QUIRE_OK);
    cr_assert_eq(quire_search(strict, "report", &o, &none), QUIRE_OK, "%s",
                 quire_reader_detail(strict));
    quire_results_free(none);
    quire_reader_close(strict);
    quire_reader_close(r);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A loopback port that behaves like a host dropping packets: a listener
 * that never accepts, its backlog filled, so that a new connect() waits
 * for its whole timeout. fds[0..3] to close when done; returns the port. */
static unsigned blackhole(int fds[4])
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    fds[0] = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fds[0] >= 0 && bind(fds[0], (struct sockaddr *)&a, sizeof a) == 0 &&
              listen(fds[0], 0) == 0 && getsockname(fds[0], (struct sockaddr *)&a, &len) == 0);
    for (int i = 1; i < 4; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        cr_assert(fds[i] >= 0);
        connect(fds[i], (struct sockaddr *)&a, sizeof a); /* EINPROGRESS, or queued */
    }
    usleep(200 * 1000);
    return ntohs(a.sin_port);
}

/* A shard on a host that drops packets is down, and is probed off the
 * request path (store/shard_probe.cc): no search waits for the connect
 * timeout. Before, every reader tried it inside a request once a second
 * and waited the whole timeout each time. */
Test(shards, a_dead_host_never_holds_a_search)
{
    make_index("local", 1, 0, 30);
    int fds[4];
    char tcp[64];
    snprintf(tcp, sizeof tcp, "tcp://127.0.0.1:%u", blackhole(fds));
    const char *src[] = {path_of("local"), tcp};
    quire_reader_options_t o = {.shard_connect_timeout_ms = 1500};
    quire_reader_t *r = open_sources(src, 2, &o); /* the open waits, once */
    quire_search_options_t so = {.limit = 10};
    double worst = 0;
    unsigned n = 0;
    for (double t0 = now_s(); now_s() - t0 < 4.0; n++) {
        double t = now_s();
        bool changed;
        cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK, "%s", quire_reader_detail(r));
        quire_results_t *res = search(r, "report", &so);
        cr_expect(res->partial && res->nmissing_shards == 1, "the dead host is missing");
        cr_expect_eq(res->total, 30);
        quire_results_free(res);
        if (now_s() - t > worst)
            worst = now_s() - t;
        usleep(20 * 1000);
    }
    /* 1 s: far above a search of 30 documents (milliseconds, under ASan
     * too), below the 1.5 s a connect to the dead host waits. */
    cr_expect_lt(worst, 1.0, "a reopen and search took %.2f s (of %u): it waited on the dead host",
                 worst, n);
    quire_reader_close(r);
    for (int i = 0; i < 4; i++)
        close(fds[i]);
}

Test(shards, no_shard_up_is_an_error_at_open)
{
    need_tcpsrv("shards going down");
    make_index("remote", 1, 0, 5);
    qt_tcpsrv_start(&srv, path_of("remote/shard0"));
    char tcp[64];
    remote_source(tcp, sizeof tcp);
    qt_tcpsrv_stop(&srv);
    const char *src[] = {tcp};
    expect_refused(src, 1, QUIRE_EIO, "no shard is up");
}

/* Xapian 1.4's remote protocol reports no revision: the writer stores it
 * in each shard's metadata, so even a re-indexing that changes no
 * statistic the server reports (only the url) moves the generation. */
Test(shards, a_remote_generation_follows_every_commit)
{
    need_tcpsrv("remote generations");
    quire_writer_t *w = test_open_writer(path_of("remote"), 1);
    add_doc(w, 1, "https://example.com/a");
    add_doc(w, 2, NULL);
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    qt_tcpsrv_start(&srv, path_of("remote/shard0"));
    char tcp[64];
    remote_source(tcp, sizeof tcp);
    const char *src[] = {tcp};
    quire_reader_t *r = open_sources(src, 1, NULL);
    uint64_t g1 = generation(r), rev1 = 0, rev2 = 0;
    cr_assert_eq(quire_reader_revision(r, &rev1), QUIRE_OK);
    cr_expect_gt(rev1, 0, "a remote shard's revision is known");

    add_doc(w, 1, "https://example.com/b"); /* the same text, another url */
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    bool changed = false;
    cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK, "%s", quire_reader_detail(r));
    cr_expect_neq(generation(r), g1);
    cr_assert_eq(quire_reader_revision(r, &rev2), QUIRE_OK);
    cr_expect_gt(rev2, rev1);
    quire_stored_doc_t *d = NULL;
    cr_assert_eq(quire_reader_get(r, "doc-001", &d), QUIRE_OK, "%s", quire_reader_detail(r));
    cr_expect_str_eq(d->doc.url, "https://example.com/b");
    quire_stored_doc_free(d);
    /* A commit with nothing to commit moves nothing. */
    uint64_t g2 = generation(r);
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK);
    cr_expect_eq(generation(r), g2);
    quire_reader_close(r);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
}
