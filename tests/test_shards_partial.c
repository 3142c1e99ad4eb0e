/*
 * test_shards_partial.c - the answers other than search JSON say when a
 * shard is down (issue 14), with a sharded index served by two
 * xapian-tcpsrv processes on loopback and queried through the real
 * quire-serve and quire-search, every process started and stopped here:
 *   - all shards up: /api/sources and batch answers carry "partial": false
 *     and "missing_shards": [], exports (CSV, JSON Lines, Atom) and CSV
 *     batches no X-Quire-Partial header, quire-search no notice;
 *   - one shard server killed: "partial": true naming it, the header naming
 *     it, quire-search's exports a notice on stderr naming it, and
 *     quire-search --sources the fields (JSON) or the line (text) in its
 *     answer, as search results have them.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server_harness.h"
#include "strbuf.h"
#include "shard_servers.h"

#define NDOCS 30

static char tmp[64], db[128];
static qt_server srv = {.pid = -1};
static qt_tcpsrv tcp[2] = {{.pid = -1}, {.pid = -1}};
static char tcp_url[2][QT_URL_MAX];

static void write_corpus(const char *path)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < NDOCS; i++)
        fprintf(f,
                "{\"id\":\"doc-%02d\",\"title\":\"Report %d\",\"source\":\"%s\","
                "\"date\":\"20%02d-03-01\",\"url\":\"https://example.com/%d\","
                "\"body\":\"grid report %s\"}\n",
                i, i, i % 3 ? "wire/ap" : "blog", 10 + i % 9, i, i % 2 ? "attack" : "patch");
    cr_assert_eq(fclose(f), 0);
}

static void setup(void)
{
    char prog[512];
    if (!qt_tcpsrv_program(prog, sizeof prog))
        return; /* the test skips itself */
    strcpy(tmp, "/tmp/quire-test-shards-partial-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    char corpus[128];
    snprintf(corpus, sizeof corpus, "%s/news.jsonl", tmp);
    snprintf(db, sizeof db, "%s/db", tmp);
    write_corpus(corpus);
    qt_serve_shards(db, corpus, 2, tcp, tcp_url);
    /* One thread: one reader, so that once it has seen the shard down,
     * every answer has. */
    qt_server_start(&srv, tcp_url[0],
                    (const char *const[]){"--db", tcp_url[1], "--threads", "1", NULL});
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void teardown(void)
{
    qt_server_finish(&srv);
    qt_tcpsrv_stop(&tcp[0]);
    qt_tcpsrv_stop(&tcp[1]);
    curl_global_cleanup();
    if (*tmp)
        qt_remove_tree(tmp);
}

TestSuite(shards_partial, .init = setup, .fini = teardown, .timeout = 180);

/* GET path (or POST `post` as JSON to it); the status, the body in *body,
 * the X-Quire-Partial header's value in *partial ("" when absent). */
static long request(const char *path, const char *post, quirei_buf *body, char *partial,
                    size_t cap)
{
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", srv.port, path);
    quirei_buf head = QUIREI_BUF_INIT;
    quirei_buf_reset(body);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &head);
    struct curl_slist *hdrs = NULL;
    if (post) {
        hdrs = curl_slist_append(NULL, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
    }
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "%s: %s", path, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_slist_free_all(hdrs);
    partial[0] = '\0';
    const char *h = strstr(quirei_buf_cstr(&head), "\nX-Quire-Partial:");
    if (h) {
        h += strlen("\nX-Quire-Partial:");
        h += strspn(h, " ");
        size_t n = strcspn(h, "\r\n");
        cr_assert_lt(n, cap);
        memcpy(partial, h, n);
        partial[n] = '\0';
    }
    quirei_buf_release(&head);
    return status;
}

static json_t *json_of(const char *path, const char *post, char *partial)
{
    quirei_buf body = QUIREI_BUF_INIT;
    long st = request(path, post, &body, partial, 256);
    cr_assert_eq(st, 200, "%s: %ld %s", path, st, quirei_buf_cstr(&body));
    json_t *o = json_loads(quirei_buf_cstr(&body), 0, NULL);
    cr_assert_not_null(o, "%s: not JSON: %s", path, quirei_buf_cstr(&body));
    quirei_buf_release(&body);
    return o;
}

/* o says partial (or not), naming `missing` (NULL: no shard). */
static void expect_shards(json_t *o, const char *missing, const char *what)
{
    json_t *p = json_object_get(o, "partial"), *m = json_object_get(o, "missing_shards");
    cr_expect(json_is_boolean(p), "%s: no partial", what);
    cr_expect(json_is_array(m), "%s: no missing_shards", what);
    cr_expect_eq(json_is_true(p), missing != NULL, "%s: partial", what);
    cr_expect_eq(json_array_size(m), missing ? 1u : 0u, "%s: missing_shards", what);
    if (missing)
        cr_expect_str_eq(json_string_value(json_array_get(m, 0)), missing, "%s", what);
}

static const char *const exports[] = {
    "/api/search?q=report&format=csv",
    "/api/search?q=report&format=jsonl",
    "/api/search?q=report&format=atom",
    "/api/batch?format=csv",
};

/* Every answer, checked for saying that `missing` (NULL: none) is down. */
static void expect_answers(const char *missing, const char *when)
{
    const char *want = missing ? missing : "";
    char partial[256];
    json_t *o = json_of("/api/sources", NULL, partial);
    expect_shards(o, missing, when);
    cr_expect_str_eq(partial, want, "%s: /api/sources header", when);
    cr_expect_gt(json_array_size(json_object_get(o, "sources")), 0, "%s", when);
    json_decref(o);

    o = json_of("/api/batch", "[\"report\", \"grid attack\"]", partial);
    json_t *results = json_object_get(o, "results");
    cr_assert_eq(json_array_size(results), 2, "%s", when);
    for (size_t i = 0; i < 2; i++)
        expect_shards(json_array_get(results, i), missing, when);
    cr_expect_str_eq(partial, want, "%s: batch header", when);
    json_decref(o);

    quirei_buf body = QUIREI_BUF_INIT;
    for (size_t i = 0; i < sizeof exports / sizeof *exports; i++) {
        int batch = !strncmp(exports[i], "/api/batch", 10);
        long st = request(exports[i], batch ? "[\"report\"]" : NULL, &body, partial,
                          sizeof partial);
        cr_expect_eq(st, 200, "%s: %s", when, exports[i]);
        cr_expect_gt(body.len, 0, "%s: %s", when, exports[i]);
        cr_expect_str_eq(partial, want, "%s: %s's X-Quire-Partial", when, exports[i]);
    }
    quirei_buf_release(&body);
}

/* Read the file at path into b (emptied first). */
static void slurp(const char *path, quirei_buf *b)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    char line[1024];
    quirei_buf_reset(b);
    while (fgets(line, sizeof line, f))
        quirei_buf_adds(b, line);
    fclose(f);
}

/* quire-search over both shards with the options opt1, opt2 (opt2 may be
 * NULL) and the query "report" (none for --sources): its stdout in *out,
 * its stderr in *err. */
static void cli_run(const char *opt1, const char *opt2, quirei_buf *out, quirei_buf *err)
{
    char outf[128], errf[128];
    snprintf(outf, sizeof outf, "%s/out.txt", tmp);
    snprintf(errf, sizeof errf, "%s/err.txt", tmp);
    int sources = !strcmp(opt1, "--sources");
    const char *argv[10] = {QUIRE_BIN_DIR "/quire-search", "--db", tcp_url[0], "--db",
                            tcp_url[1], opt1};
    size_t k = 6;
    if (opt2)
        argv[k++] = opt2;
    if (!sources)
        argv[k++] = "report";
    cr_assert_eq(qt_run_capture(argv, outf, errf), 0, "quire-search %s %s", opt1,
                 opt2 ? opt2 : "");
    slurp(outf, out);
    slurp(errf, err);
}

/* quire-search --sources, text and JSON: they say which shard is down
 * (missing: NULL when none) in the answer itself, as search results do. */
static void expect_cli_sources(const char *missing, const char *when)
{
    quirei_buf out = QUIREI_BUF_INIT, err = QUIREI_BUF_INIT;
    cli_run("--sources", NULL, &out, &err);
    const char *line = strstr(quirei_buf_cstr(&out), "Partial results: 1 shard down: ");
    if (missing)
        cr_expect(line && strstr(line, missing), "%s: --sources text: %s", when,
                  quirei_buf_cstr(&out));
    else
        cr_expect_null(strstr(quirei_buf_cstr(&out), "Partial"), "%s: --sources text", when);
    cli_run("--sources", "--format=json", &out, &err);
    json_t *o = json_loads(quirei_buf_cstr(&out), 0, NULL);
    cr_assert_not_null(o, "%s: --sources json: %s", when, quirei_buf_cstr(&out));
    expect_shards(o, missing, when);
    json_decref(o);
    quirei_buf_release(&out);
    quirei_buf_release(&err);
}

static int search_partial(void)
{
    char partial[256];
    json_t *o = json_of("/api/search?q=report", NULL, partial);
    int p = json_is_true(json_object_get(o, "partial"));
    json_decref(o);
    return p;
}

Test(shards_partial, sources_batches_exports_say_a_shard_is_down)
{
    char prog[512];
    if (!qt_tcpsrv_program(prog, sizeof prog))
        cr_skip_test("xapian-tcpsrv is not installed (Debian: xapian-tools): partial "
                     "sources, batches and exports not tested");
    expect_answers(NULL, "all shards up");
    expect_cli_sources(NULL, "all shards up");
    quirei_buf out = QUIREI_BUF_INIT, err = QUIREI_BUF_INIT;
    static const char *const formats[] = {"csv", "jsonl", "atom"};
    for (size_t i = 0; i < 3; i++) {
        cli_run("--format", formats[i], &out, &err);
        cr_expect_null(strstr(quirei_buf_cstr(&err), "partial"), "all up, --format %s: %s",
                       formats[i], quirei_buf_cstr(&err));
    }

    qt_tcpsrv_stop(&tcp[1]);
    int seen = 0;
    for (double t0 = qt_now(); !seen && qt_now() - t0 < 15; qt_sleep(0.2))
        seen = search_partial();
    cr_assert(seen, "the server did not see the shard down within 15 s");
    expect_answers(tcp_url[1], "shard 1 down");
    expect_cli_sources(tcp_url[1], "shard 1 down");
    for (size_t i = 0; i < 3; i++) {
        cli_run("--format", formats[i], &out, &err);
        const char *e = quirei_buf_cstr(&err);
        cr_expect(strstr(e, "quire-search: partial answer: 1 shard down: ") && strstr(e, tcp_url[1]),
                  "shard down, --format %s: %s", formats[i], e);
    }
    quirei_buf_release(&out);
    quirei_buf_release(&err);
}
