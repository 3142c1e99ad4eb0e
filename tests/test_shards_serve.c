/*
 * test_shards_serve.c - a sharded index served by two xapian-tcpsrv
 * processes and queried through the real quire-serve (issue 14), all on
 * loopback, every process started and stopped here:
 *   - the same answers as quire-serve on the local index;
 *   - one shard server killed: 200 with "partial": true and the shard named
 *     (JSON, text, /api/stats), a document of that shard 503; with
 *     --require-all-shards a 503;
 *   - started again: full answers, without restarting quire-serve;
 *   - a document re-indexed on a shard while served: the cached answer is
 *     not served again (only its url changes, which no statistic the
 *     remote protocol reports would show).
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

#define NDOCS 40

static char tmp[64], db[128];
static qt_server local = {.pid = -1}, remote = {.pid = -1}, strict = {.pid = -1};
static qt_tcpsrv tcp[2] = {{.pid = -1}, {.pid = -1}};
static char tcp_url[2][QT_URL_MAX];

/* Document i: few words, so that scores tie; doc-07's url is `url7`. */
static void write_corpus(const char *path, const char *url7, int only7)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    static const char *const w[] = {"grid", "attack", "ransomware", "patch", "espionage"};
    for (int i = only7 ? 7 : 0; i < (only7 ? 8 : NDOCS); i++)
        fprintf(f,
                "{\"id\":\"doc-%02d\",\"title\":\"Report %d\",\"source\":\"%s\","
                "\"date\":\"20%02d-03-01\",\"url\":\"%s\",\"body\":\"%s %s %s report %s\"}\n",
                i, i, i % 2 ? "wire/ap" : "blog", 10 + i % 9,
                i == 7 ? url7 : "https://example.com/x", w[i % 5], w[(i / 5) % 5], w[i % 3],
                i == 7 ? "lighthouse" : "");
    cr_assert_eq(fclose(f), 0);
}

static void setup(void)
{
    char prog[512];
    if (!qt_tcpsrv_program(prog, sizeof prog))
        return; /* the test skips itself */
    strcpy(tmp, "/tmp/quire-test-shards-serve-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    char corpus[128];
    snprintf(corpus, sizeof corpus, "%s/news.jsonl", tmp);
    snprintf(db, sizeof db, "%s/db", tmp);
    write_corpus(corpus, "https://example.com/old", 0);
    qt_serve_shards(db, corpus, 2, tcp, tcp_url);
    qt_server_start(&local, db, (const char *const[]){"--threads", "2", NULL});
    qt_server_start(&remote, tcp_url[0],
                    (const char *const[]){"--db", tcp_url[1], "--threads", "2", NULL});
    qt_server_start(&strict, tcp_url[0],
                    (const char *const[]){"--db", tcp_url[1], "--threads", "1",
                                          "--require-all-shards", NULL});
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void teardown(void)
{
    qt_server_finish(&local);
    qt_server_finish(&remote);
    qt_server_finish(&strict);
    qt_tcpsrv_stop(&tcp[0]);
    qt_tcpsrv_stop(&tcp[1]);
    curl_global_cleanup();
    if (*tmp)
        qt_remove_tree(tmp);
}

TestSuite(shards_serve, .init = setup, .fini = teardown, .timeout = 180);

/* GET path from s; the status, the body in *body. */
static long get(const qt_server *s, const char *path, quirei_buf *body)
{
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", s->port, path);
    quirei_buf_reset(body);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "GET %s: %s", path, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

/* GET path expecting `status` and JSON; the parsed body. */
static json_t *get_json(const qt_server *s, const char *path, long status)
{
    quirei_buf body = QUIREI_BUF_INIT;
    long got = get(s, path, &body);
    cr_assert_eq(got, status, "GET %s: %ld %s", path, got, quirei_buf_cstr(&body));
    json_t *o = json_loads(quirei_buf_cstr(&body), 0, NULL);
    cr_assert_not_null(o, "GET %s: not JSON: %s", path, quirei_buf_cstr(&body));
    quirei_buf_release(&body);
    return o;
}

static int is_partial(json_t *o)
{
    return json_is_true(json_object_get(o, "partial"));
}

/* The answer without what differs between two servers' runs. */
static char *comparable(json_t *o)
{
    json_object_del(o, "took_ms");
    return json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
}

static const char *const queries[] = {
    "/api/search?q=report&limit=20",
    "/api/search?q=report&limit=7&offset=7",
    "/api/search?q=grid+OR+espionage&sort=date",
    "/api/search?q=%22attack+ransomware%22",
    "/api/search?q=rans*&facets=source,year",
    "/api/search?q=ransomwear",
    "/api/search?q=patch&source=wire/ap",
};

/* Every query answers the same from s as from the local index. */
static void expect_as_local(const qt_server *s, const char *when)
{
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        json_t *a = get_json(&local, queries[i], 200), *b = get_json(s, queries[i], 200);
        char *x = comparable(a), *y = comparable(b);
        cr_expect_str_eq(x, y, "%s: %s", when, queries[i]);
        free(x);
        free(y);
        json_decref(a);
        json_decref(b);
    }
}

/* Poll s (up to 15 s: readers reopen every second) until path's answer
 * is a 200 that satisfies ok(). */
static json_t *wait_for(const qt_server *s, const char *path, int (*ok)(json_t *), const char *what)
{
    quirei_buf body = QUIREI_BUF_INIT;
    for (double t0 = qt_now(); qt_now() - t0 < 15; qt_sleep(0.2)) {
        long st = get(s, path, &body);
        json_t *o = json_loads(quirei_buf_cstr(&body), 0, NULL);
        if (st == 200 && o && ok(o)) {
            quirei_buf_release(&body);
            return o;
        }
        json_decref(o);
    }
    quirei_buf_release(&body);
    cr_assert_fail("%s: not within 15 s", what);
    return NULL;
}

static int not_partial(json_t *o)
{
    return !is_partial(o);
}

static int has_new_url(json_t *o)
{
    json_t *h = json_array_get(json_object_get(o, "hits"), 0);
    const char *u = json_string_value(json_object_get(h, "url"));
    return u && !strcmp(u, "https://example.com/new");
}

static int doc_has_new_url(json_t *o)
{
    const char *u = json_string_value(json_object_get(o, "url"));
    return u && !strcmp(u, "https://example.com/new");
}

Test(shards_serve, down_partial_back_and_reindexed)
{
    char prog[512];
    if (!qt_tcpsrv_program(prog, sizeof prog))
        cr_skip_test("xapian-tcpsrv is not installed (Debian: xapian-tools): remote shards "
                     "through quire-serve not tested");
    expect_as_local(&remote, "two remote shards");
    json_t *stats = get_json(&remote, "/api/stats", 200);
    json_t *sh = json_object_get(stats, "shards");
    cr_expect_eq(json_integer_value(json_object_get(sh, "total")), 2);
    cr_expect_eq(json_array_size(json_object_get(sh, "down")), 0);
    cr_expect_gt(json_integer_value(json_object_get(stats, "revision")), 0,
                 "remote revisions are known");
    json_decref(stats);

    /* Shard 1 down: the shard that is up answers, saying what is missing. */
    qt_tcpsrv_stop(&tcp[1]);
    json_t *full = get_json(&local, "/api/search?q=report&limit=50", 200);
    json_t *part = get_json(&remote, "/api/search?q=report&limit=50", 200);
    cr_expect(is_partial(part));
    json_t *miss = json_object_get(part, "missing_shards");
    cr_assert_eq(json_array_size(miss), 1);
    cr_expect_str_eq(json_string_value(json_array_get(miss, 0)), tcp_url[1]);
    json_int_t nfull = json_integer_value(json_object_get(json_object_get(full, "total"), "value"));
    json_int_t npart = json_integer_value(json_object_get(json_object_get(part, "total"), "value"));
    cr_expect(npart > 0 && npart < nfull, "partial total %lld of %lld", (long long)npart,
              (long long)nfull);
    cr_expect_eq((json_int_t)json_array_size(json_object_get(part, "hits")), npart);
    json_decref(full);
    /* Each missing document's id is one the full answer has, on shard 1. */
    json_decref(part);
    quirei_buf body = QUIREI_BUF_INIT;
    cr_expect_eq(get(&remote, "/api/search?q=report&format=text", &body), 200);
    cr_expect(strstr(quirei_buf_cstr(&body), "Partial results: 1 shard down:") &&
                  strstr(quirei_buf_cstr(&body), tcp_url[1]),
              "%s", quirei_buf_cstr(&body));
    stats = get_json(&remote, "/api/stats", 200);
    miss = json_object_get(json_object_get(stats, "shards"), "down");
    cr_expect_str_eq(json_string_value(json_array_get(miss, 0)), tcp_url[1]);
    json_decref(stats);
    /* Every document on the down shard: not found would be a lie. */
    int unavailable = 0;
    for (int i = 0; i < NDOCS; i++) {
        char path[64];
        snprintf(path, sizeof path, "/api/doc/doc-%02d", i);
        long st = get(&remote, path, &body);
        cr_expect(st == 200 || st == 503, "%s: %ld", path, st);
        unavailable += st == 503;
    }
    cr_expect_gt(unavailable, 0);
    json_t *e = get_json(&strict, "/api/search?q=report", 503);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(e, "error"), "code")),
                     "index_unavailable");
    json_decref(e);

    /* Back on its port: full answers again, quire-serve never restarted
     * (from every worker thread: each has its reader, retrying on its own
     * clock, so every query is polled). */
    qt_tcpsrv_start(&tcp[1], tcp[1].db);
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        for (int k = 0; k < 4; k++)
            json_decref(wait_for(&remote, queries[i], not_partial,
                                 "full answers after the shard came back"));
    expect_as_local(&remote, "after the shard came back");
    json_decref(wait_for(&strict, "/api/search?q=report", not_partial, "strict server back"));

    /* Re-index doc-07 on its shard (in place: --no-compact) with only its
     * url changed: the cached answer must not be served again. */
    const char *q = "/api/search?q=lighthouse";
    json_t *before = get_json(&remote, q, 200);
    cr_expect_not(has_new_url(before));
    json_decref(before);
    json_decref(get_json(&remote, q, 200)); /* now cached */
    char corpus[128];
    snprintf(corpus, sizeof corpus, "%s/again.jsonl", tmp);
    write_corpus(corpus, "https://example.com/new", 1);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--no-compact", "--quiet",
                         corpus, NULL};
    cr_assert_eq(qt_run_quiet(idx), 0, "re-indexing failed");
    json_decref(wait_for(&remote, q, has_new_url, "the re-indexed document's new url"));
    /* And from every thread (each reopens on its own clock). */
    for (int k = 0; k < 4; k++) {
        json_decref(wait_for(&remote, q, has_new_url, "the new url from every thread"));
        json_decref(wait_for(&remote, "/api/doc/doc-07", doc_has_new_url, "/api/doc's new url"));
    }
    quirei_buf_release(&body);
}
