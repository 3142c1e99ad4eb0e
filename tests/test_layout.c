/* test_layout.c - the on-disk layout (store/layout.c): the stub parser and
 * writer, shard names, the writer's view of a stub, and the reader's
 * generation over local and remote (xapian-tcpsrv) shards. */
#include <criterion/criterion.h>
#include <quire/quire.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/layout.h"
#include "strbuf.h"
#include "open_index.h"
#include "tcpsrv_harness.h"

static char dir[64];
static qt_tcpsrv server; /* a xapian-tcpsrv this test started */

static void make_dir(void)
{
    strcpy(dir, "/tmp/quire-test-layout-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void stop_server(void)
{
    qt_tcpsrv_stop(&server);
}

static void remove_dir(void)
{
    stop_server();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(layout, .init = make_dir, .fini = remove_dir);

/* ---------------------------------------------------------------- helpers -- */

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static void make_subdir(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert_eq(mkdir(path, 0777), 0, "%s: %s", path, strerror(errno));
}

static int exists(const char *name)
{
    char path[256];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0;
}

static quire_status_t parse(const char *text, quirei_stub *s, quirei_buf *err)
{
    *s = (quirei_stub){0};
    return quirei_stub_parse(text, strlen(text), "STUB", s, err);
}

/* Parse a stub that must be accepted. */
static void parse_ok(const char *text, quirei_stub *s)
{
    quirei_buf err = QUIREI_BUF_INIT;
    cr_assert_eq(parse(text, s, &err), QUIRE_OK, "stub '%s': %s", text, quirei_buf_cstr(&err));
    quirei_buf_release(&err);
}

/* The message of a stub that must be refused with `st`. */
static void expect_refused(const char *text, quire_status_t st, const char *needle1,
                           const char *needle2)
{
    quirei_stub s;
    quirei_buf err = QUIREI_BUF_INIT;
    cr_expect_eq(parse(text, &s, &err), st, "stub %s", text);
    cr_expect(strstr(quirei_buf_cstr(&err), needle1) && strstr(quirei_buf_cstr(&err), needle2),
              "stub '%s': message '%s' lacks '%s' or '%s'", text, quirei_buf_cstr(&err),
              needle1, needle2);
    quirei_stub_release(&s);
    quirei_buf_release(&err);
}

static quire_writer_t *open_writer_in(const char *path, unsigned shards)
{
    return test_open_writer(path, shards);
}

static quire_reader_t *open_reader(void)
{
    return test_open_reader(dir);
}

static void add(quire_writer_t *w, const char *id, const char *body)
{
    quire_doc_t d = {.id = id, .body = body};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
}

static uint64_t generation(quire_reader_t *r)
{
    uint64_t g = 0;
    cr_assert_eq(quire_reader_generation(r, &g), QUIRE_OK);
    return g;
}

static uint64_t doc_count(quire_reader_t *r)
{
    uint64_t n = 0;
    cr_assert_eq(quire_reader_doc_count(r, &n), QUIRE_OK);
    return n;
}

/* ------------------------------------------------------------ the parser -- */

Test(layout, local_lines_relative_and_absolute)
{
    quirei_stub s;
    quirei_buf p = QUIREI_BUF_INIT;
    parse_ok("auto shard0\nglass /srv/idx/shard1.4\nauto  sub dir/x \n", &s);
    cr_assert_eq(s.entries.n, 3);
    const quirei_stub_entry *e = s.entries.v;
    cr_expect_eq(e[0].kind, QUIREI_STUB_LOCAL);
    cr_expect_str_eq(e[0].path, "shard0");
    cr_expect_null(e[0].host);
    cr_expect_eq(e[0].line, 1);
    cr_expect_eq(e[1].kind, QUIREI_STUB_LOCAL);
    cr_expect_str_eq(e[1].path, "/srv/idx/shard1.4");
    cr_expect_eq(e[1].line, 2);
    /* The path runs to the end of the line, inner blanks kept. */
    cr_expect_str_eq(e[2].path, "sub dir/x");
    /* Relative paths are relative to the index directory. */
    cr_assert_eq(quirei_stub_local_path("/data/index", &e[0], &p), 0);
    cr_expect_str_eq(p.ptr, "/data/index/shard0");
    cr_assert_eq(quirei_stub_local_path("/data/index", &e[1], &p), 0);
    cr_expect_str_eq(p.ptr, "/srv/idx/shard1.4");
    quirei_stub_release(&s);
    cr_expect_eq(s.entries.n, 0);
    quirei_buf_release(&p);
}

Test(layout, remote_host_port)
{
    quirei_stub s;
    parse_ok("remote 127.0.0.1:33333\nremote search-2.example.org:1\nremote [::1]:65535\n", &s);
    cr_assert_eq(s.entries.n, 3);
    const quirei_stub_entry *e = s.entries.v;
    cr_expect_eq(e[0].kind, QUIREI_STUB_REMOTE);
    cr_expect_str_eq(e[0].host, "127.0.0.1");
    cr_expect_eq(e[0].port, 33333);
    cr_expect_null(e[0].path);
    cr_expect_str_eq(e[1].host, "search-2.example.org");
    cr_expect_eq(e[1].port, 1);
    cr_expect_str_eq(e[2].host, "::1");
    cr_expect_eq(e[2].port, 65535);
    quirei_stub_release(&s);
}

Test(layout, comments_and_blank_lines_are_skipped)
{
    quirei_stub s;
    parse_ok("# shards of the news index\n\n   \n\t# indented comment\n"
             "auto shard0\r\n\nremote 10.0.0.2:7000   \n",
             &s);
    cr_assert_eq(s.entries.n, 2);
    cr_expect_str_eq(s.entries.v[0].path, "shard0"); /* CR dropped */
    cr_expect_eq(s.entries.v[0].line, 5);
    cr_expect_eq(s.entries.v[1].line, 7);
    cr_expect_eq(s.entries.v[1].port, 7000);
    quirei_stub_release(&s);
    /* Only comments: no entries, and that is not the parser's error. */
    parse_ok("# nothing\n", &s);
    cr_expect_eq(s.entries.n, 0);
    quirei_stub_release(&s);
}

Test(layout, malformed_lines_are_refused_with_their_number)
{
    expect_refused("auto shard0\nbogus line\n", QUIRE_ENOTINDEX, "STUB line 2", "bogus line");
    expect_refused("auto\n", QUIRE_ENOTINDEX, "line 1", "no shard path");
    expect_refused("# c\nglass   \n", QUIRE_ENOTINDEX, "line 2", "no shard path");
    expect_refused("auto a\n\nremote somehost\n", QUIRE_ENOTINDEX, "line 3", "HOST:PORT");
    expect_refused("remote host:0\n", QUIRE_ENOTINDEX, "line 1", "HOST:PORT");
    expect_refused("remote host:65536\n", QUIRE_ENOTINDEX, "line 1", "HOST:PORT");
    expect_refused("remote host:80x\n", QUIRE_ENOTINDEX, "line 1", "HOST:PORT");
    expect_refused("remote :xapian-progsrv /srv/db\n", QUIRE_ENOTINDEX, "line 1",
                   "remote programs");
    expect_refused("remote ::1:80\n", QUIRE_ENOTINDEX, "line 1", "brackets");
    expect_refused("remote [::1:80\n", QUIRE_ENOTINDEX, "line 1", "HOST:PORT");
    expect_refused("remote my host:80\n", QUIRE_ENOTINDEX, "line 1", "HOST:PORT");
    expect_refused("inmemory\n", QUIRE_ENOTINDEX, "line 1", "not a shard line");
    expect_refused("autoshard0\n", QUIRE_ENOTINDEX, "line 1", "not a shard line");
    quirei_stub s = {0};
    quirei_buf err = QUIREI_BUF_INIT;
    cr_expect_eq(quirei_stub_parse("auto a\nauto \0b\n", 14, "S", &s, &err), QUIRE_ENOTINDEX);
    cr_expect(strstr(quirei_buf_cstr(&err), "line 2"), "%s", quirei_buf_cstr(&err));
    quirei_stub_release(&s);
    quirei_buf_release(&err);
}

Test(layout, read_missing_empty_and_written_stubs)
{
    quirei_stub s = {0};
    quirei_buf err = QUIREI_BUF_INIT;
    cr_expect_eq(quirei_stub_read(dir, &s, &err), QUIRE_ENOTFOUND);
    cr_expect_eq(s.entries.n, 0);
    write_file("XAPIANDB", "# only a comment\n");
    cr_expect_eq(quirei_stub_read(dir, &s, &err), QUIRE_ENOTINDEX);
    cr_expect(strstr(quirei_buf_cstr(&err), "names no shard"), "%s", quirei_buf_cstr(&err));
    quirei_stub_release(&s);

    const char *names[] = {"shard0.2", "shard1"};
    cr_assert_eq(quirei_stub_write(dir, names, 2, &err), QUIRE_OK, "%s", quirei_buf_cstr(&err));
    cr_expect(!exists("XAPIANDB.tmp"), "the temporary stub is renamed into place");
    cr_assert_eq(quirei_stub_read(dir, &s, &err), QUIRE_OK, "%s", quirei_buf_cstr(&err));
    cr_expect_str_eq(s.text.ptr, "auto shard0.2\nauto shard1\n");
    cr_assert_eq(s.entries.n, 2);
    cr_expect_str_eq(s.entries.v[1].path, "shard1");
    quirei_stub_release(&s);
    quirei_buf_release(&err);
}

Test(layout, shard_names_and_generations)
{
    char n[QUIREI_SHARD_NAME_MAX];
    quirei_shard_name(0, 0, n);
    cr_expect_str_eq(n, "shard0");
    quirei_shard_name(3, 2, n);
    cr_expect_str_eq(n, "shard3.2");
    unsigned i = 99, g = 99;
    cr_expect_eq(quirei_shard_name_parse("shard12.7", &i, &g), 0);
    cr_expect_eq(i, 12);
    cr_expect_eq(g, 7);
    cr_expect_eq(quirei_shard_name_parse("shard4", &i, &g), 0);
    cr_expect_eq(g, 0);
    static const char *const foreign[] = {"shard", "shard01", "shard0.0", "shard1.", "shardx",
                                          "shard0.1.2", "shard0 ", "/tmp/shard0", "Shard0",
                                          "shard99999999999"};
    for (size_t k = 0; k < sizeof foreign / sizeof *foreign; k++)
        cr_expect_eq(quirei_shard_name_parse(foreign[k], &i, &g), -1, "%s", foreign[k]);
    quirei_shard_next_name("shard1", n);
    cr_expect_str_eq(n, "shard1.1");
    quirei_shard_next_name("shard1.9", n);
    cr_expect_str_eq(n, "shard1.10");
    const char *shards[] = {"shard0.3", "shard1.7", "shard2"};
    quirei_shard_merged_name(shards, 3, n);
    cr_expect_str_eq(n, "shard0.8");
    quirei_shard_merged_name(shards + 2, 1, n);
    cr_expect_str_eq(n, "shard0.1");
}

Test(layout, writer_view_of_a_stub)
{
    char names[4][QUIREI_SHARD_NAME_MAX];
    unsigned n = 99;
    quirei_buf err = QUIREI_BUF_INIT;
    cr_expect_eq(quirei_layout_shards(dir, names, 4, &n, &err), QUIRE_ENOTFOUND);
    write_file("XAPIANDB", "# made by quire\nauto shard0.3\nglass shard1\n");
    cr_assert_eq(quirei_layout_shards(dir, names, 4, &n, &err), QUIRE_OK, "%s",
                 quirei_buf_cstr(&err));
    cr_expect_eq(n, 2);
    cr_expect_str_eq(names[0], "shard0.3");
    cr_expect_str_eq(names[1], "shard1");
    cr_expect_eq(quirei_layout_shards(dir, names, 1, &n, &err), QUIRE_ENOTINDEX);
    cr_expect(strstr(quirei_buf_cstr(&err), "more than 1 shards"), "%s", quirei_buf_cstr(&err));
    /* Refused: what a writer cannot write, or did not make. */
    static const struct {
        const char *stub;
        quire_status_t st;
        const char *needle;
    } bad[] = {
        {"auto shard0\nremote 127.0.0.1:7000\n", QUIRE_EINVAL, "line 2: names the remote shard"},
        {"auto shard1\nauto shard0\n", QUIRE_ENOTINDEX, "line 1: 'shard1'"},
        {"auto shard0\nauto other\n", QUIRE_ENOTINDEX, "line 2: 'other'"},
        {"auto /elsewhere/shard0\n", QUIRE_ENOTINDEX, "'/elsewhere/shard0'"},
        {"auto sub/shard0\n", QUIRE_ENOTINDEX, "'sub/shard0'"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        write_file("XAPIANDB", bad[k].stub);
        cr_expect_eq(quirei_layout_shards(dir, names, 4, &n, &err), bad[k].st, "%s", bad[k].stub);
        cr_expect(strstr(quirei_buf_cstr(&err), bad[k].needle), "'%s' for %s",
                  quirei_buf_cstr(&err), bad[k].stub);
        cr_expect(strstr(quirei_buf_cstr(&err), "XAPIANDB"), "names the stub: %s",
                  quirei_buf_cstr(&err));
    }
    quirei_buf_release(&err);
}

Test(layout, orphans_and_fresh_directories)
{
    cr_expect(quirei_layout_dir_is_fresh(dir));
    make_subdir("shard0");
    make_subdir("shard0.1");
    write_file("shard0.1/data", "x");
    write_file("writer.lock", "");
    cr_expect(quirei_layout_dir_is_fresh(dir), "what an interrupted creation leaves");
    write_file("notes.txt", "mine");
    cr_expect(!quirei_layout_dir_is_fresh(dir));
    const char *keep[] = {"shard0"};
    cr_assert_eq(quirei_layout_remove_orphans(dir, keep, 1, NULL), QUIRE_OK);
    cr_expect(exists("shard0"));
    cr_expect(!exists("shard0.1"), "an orphan, with its files");
    cr_expect(exists("notes.txt"), "not a shard: never touched");
}

Test(layout, one_writer_lock)
{
    int fd1 = -1, fd2 = -1;
    quirei_buf err = QUIREI_BUF_INIT;
    cr_assert_eq(quirei_layout_lock(dir, &fd1, &err), QUIRE_OK, "%s", quirei_buf_cstr(&err));
    cr_expect_eq(quirei_layout_lock(dir, &fd2, &err), QUIRE_ELOCKED);
    cr_expect_eq(fd2, -1);
    cr_expect(strstr(quirei_buf_cstr(&err), "another writer"));
    quirei_layout_unlock(fd1);
    cr_expect_eq(quirei_layout_lock(dir, &fd2, &err), QUIRE_OK);
    quirei_layout_unlock(fd2);
    quirei_buf_release(&err);
}

/* ------------------------------------------------- writer and reader ---- */

/* Opening dir (a writer, or a reader) with this stub fails with st, and
 * the message says needle1 and needle2. */
static void expect_refused_open(int writer, const char *stub, quire_status_t st,
                                const char *needle1, const char *needle2)
{
    write_file("XAPIANDB", stub);
    quire_writer_t *w = NULL;
    quire_reader_t *r = NULL;
    char *detail = NULL;
    quire_status_t got = writer ? quire_writer_open(dir, NULL, &w, &detail)
                                : quire_reader_open(dir, &r, &detail);
    cr_expect_eq(got, st, "%s: %s", stub, detail ? detail : "(none)");
    cr_expect(!w && !r);
    cr_expect(detail && strstr(detail, needle1) && strstr(detail, needle2), "%s",
              detail ? detail : "(none)");
    free(detail);
}

Test(layout, writer_refuses_a_stub_with_a_remote_shard)
{
    expect_refused_open(1, "auto shard0\nremote 127.0.0.1:1\n", QUIRE_EINVAL, "line 2",
                          "remote shard 127.0.0.1:1");
    cr_expect(!exists("writer.lock"), "a refused directory is left as it was");
    cr_expect(!exists("shard0"));
}

Test(layout, writer_refuses_names_it_did_not_make)
{
    /* Before, such lines were skipped: the shard count, and so the routing
     * of every document, silently changed. */
    expect_refused_open(1, "auto shard0\nauto shard1\nauto archive\n", QUIRE_ENOTINDEX,
                          "line 3", "'archive'");
    expect_refused_open(1, "auto shard1\nauto shard0\n", QUIRE_ENOTINDEX, "line 1", "'shard1'");
}

Test(layout, reader_refuses_a_malformed_stub)
{
    quire_writer_t *w = open_writer_in(dir, 1);
    add(w, "a", "alpha");
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    expect_refused_open(0, "auto shard0\nremote nowhere\n", QUIRE_ENOTINDEX, "XAPIANDB line 2",
                        "HOST:PORT");
}

Test(layout, generation_follows_shard_revisions)
{
    quire_writer_t *w = open_writer_in(dir, 2);
    add(w, "a", "alpha");
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    quire_reader_t *r = open_reader(), *r2 = open_reader();
    uint64_t g1 = generation(r);
    cr_expect_eq(generation(r2), g1, "two readers of one state agree");
    bool changed = true;
    cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK);
    cr_expect(!changed);
    cr_expect_eq(generation(r), g1, "nothing committed, nothing moved");
    /* Re-indexing the same id with the same length: only the shard's
     * revision tells. */
    add(w, "a", "alphb");
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK);
    cr_expect(changed);
    uint64_t g2 = generation(r);
    cr_expect_neq(g2, g1);
    /* A compaction: new shards (revisions from 1 again), a new stub. */
    cr_assert_eq(quire_writer_compact(w), QUIRE_OK);
    cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK);
    cr_expect(changed);
    cr_expect_neq(generation(r), g2);
    cr_expect_neq(generation(r), g1);
    cr_expect_eq(doc_count(r), 1);
    quire_reader_close(r);
    quire_reader_close(r2);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
}

/* ------------------------------------------------ remote (tcpsrv) shard -- */

/* What a test of a remote shard needs: the server program (the test is
 * skipped without it, saying that `what` is not tested), dir/served (a
 * one-shard index whose shard a server serves) and dir/local (another
 * index); dir's stub is to name both. */
typedef struct remote_setup {
    char prog[512], served[128], local[128], shard[160], stub[512];
} remote_setup;

static void remote_prepare(remote_setup *rs, const char *what)
{
    if (!qt_tcpsrv_program(rs->prog, sizeof rs->prog))
        cr_skip_test("xapian-tcpsrv is not installed (Debian: xapian-tools): %s not tested",
                     what);
    snprintf(rs->served, sizeof rs->served, "%s/served", dir);
    snprintf(rs->local, sizeof rs->local, "%s/local", dir);
    snprintf(rs->shard, sizeof rs->shard, "%s/shard0", rs->served);
}

Test(layout, remote_shard_through_xapian_tcpsrv)
{
    remote_setup rs;
    remote_prepare(&rs, "remote shards");
    char *served = rs.served, *local = rs.local, *shard = rs.shard;
    char stub[512];
    quire_writer_t *w = open_writer_in(served, 1);
    add(w, "r1", "remote alpha");
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    quire_writer_t *lw = open_writer_in(local, 1);
    add(lw, "l1", "local beta");
    cr_assert_eq(quire_writer_close(lw), QUIRE_OK);
    qt_tcpsrv_start(&server, shard);
    unsigned port = server.port;
    snprintf(stub, sizeof stub, "# one local, one remote\nauto local/shard0\nremote 127.0.0.1:%u\n",
             port);
    write_file("XAPIANDB", stub);

    quire_reader_t *r = open_reader();
    cr_expect_eq(doc_count(r), 2);
    quire_stored_doc_t *d = NULL;
    cr_assert_eq(quire_reader_get(r, "r1", &d), QUIRE_OK);
    cr_expect_str_eq(d->doc.body, "remote alpha");
    quire_stored_doc_free(d);
    uint64_t g1 = generation(r);

    /* A commit to the served shard moves the reader's generation. */
    add(w, "r2", "remote gamma");
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    bool changed = false;
    cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK);
    cr_expect(changed);
    cr_expect_eq(doc_count(r), 3);
    uint64_t g2 = generation(r);
    cr_expect_neq(g2, g1, "the generation covers the remote shard");
    /* Nothing new: the same generation, as a second reader agrees. */
    cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK);
    cr_expect_eq(generation(r), g2);
    quire_reader_t *r2 = open_reader();
    cr_expect_eq(generation(r2), g2);
    quire_reader_close(r2);
    quire_reader_close(r);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    stop_server();
}

/* Facets and sources count through Xapian's ValueCountMatchSpy, the spy
 * xapian-tcpsrv knows: a remote shard counts its part. */
Test(layout, facets_through_xapian_tcpsrv)
{
    remote_setup rs;
    remote_prepare(&rs, "remote facets");
    static const char *const where[] = {"served", "local"};
    for (int k = 0; k < 2; k++) {
        quire_writer_t *w = open_writer_in(k ? rs.local : rs.served, 1);
        for (int i = 0; i < 3 + k; i++) { /* 3 remote, 4 local */
            char id[32];
            snprintf(id, sizeof id, "%s-%d", where[k], i);
            quire_doc_t d = {.id = id, .body = "shared words", .source = where[k],
                             .date = i ? "2020-01-01" : NULL};
            cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
        }
        cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    }
    qt_tcpsrv_start(&server, rs.shard);
    unsigned port = server.port;
    snprintf(rs.stub, sizeof rs.stub, "auto local/shard0\nremote 127.0.0.1:%u\n", port);
    write_file("XAPIANDB", rs.stub);
    quire_reader_t *r = open_reader();
    quire_search_options_t o = {.facets = QUIRE_FACET(QUIRE_FACET_SOURCE) |
                                          QUIRE_FACET(QUIRE_FACET_YEAR)};
    quire_results_t *res = NULL;
    cr_assert_eq(quire_search(r, "shared", &o, &res), QUIRE_OK, "%s", quire_reader_detail(r));
    cr_expect_eq(res->total, 7);
    cr_assert_eq(res->nfacets, 2);
    const quire_facet_t *src = &res->facets[0], *year = &res->facets[1];
    cr_assert_eq(src->nvalues, 2);
    cr_expect_str_eq(src->values[0].value, "local");
    cr_expect_eq(src->values[0].count, 4);
    cr_expect_str_eq(src->values[1].value, "served");
    cr_expect_eq(src->values[1].count, 3);
    cr_assert_eq(year->nvalues, 1);
    cr_expect_eq(year->values[0].count, 5);
    cr_expect_eq(year->missing, 2);
    quire_results_free(res);
    quire_sources_t *s = NULL;
    cr_assert_eq(quire_reader_sources(r, &s), QUIRE_OK, "%s", quire_reader_detail(r));
    cr_expect_eq(s->nvalues, 2);
    cr_expect_eq(s->values[1].count, 3);
    quire_sources_free(s);
    quire_reader_close(r);
    stop_server();
}

Test(layout, unreachable_remote_shard_is_an_error)
{
    /* Nothing listens on the port: with no shard up, the reader says so
     * (QUIRE_EIO, naming the shard and Xapian's reason), and soon (the
     * connect timeout). */
    char stub[64];
    snprintf(stub, sizeof stub, "remote 127.0.0.1:%u\n", qt_free_port());
    expect_refused_open(0, stub, QUIRE_EIO, "NetworkError", "tcp://127.0.0.1");
}
