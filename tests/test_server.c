/*
 * test_server.c - the real quire-serve over an index built by the real
 * quire-index, driven over HTTP with libcurl on 127.0.0.1 and a port the
 * server picks (--port 0).
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server_harness.h"
#include "strbuf.h"

static char tmp[64];
static char db_path[128];
static const char *extra_header; /* one more request header, or NULL */
static int curl_decodes_gzip;     /* ask for gzip and let libcurl decode it */
static quirei_buf resp_headers;   /* headers of the last response */
static qt_server srv = {.pid = -1};
static unsigned port;

static void start_server(void)
{
    strcpy(tmp, "/tmp/quire-test-server-XXXXXX");
    qt_index_sample(tmp, db_path, sizeof db_path);
    const char *extra[] = {"--threads", "2", "--cors", "https://portal.example", NULL};
    qt_server_start(&srv, db_path, extra);
    port = srv.port;
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void stop_server(void)
{
    qt_server_finish(&srv);
    quirei_buf_release(&resp_headers);
    curl_global_cleanup();
    qt_remove_tree(tmp);
}

TestSuite(server, .init = start_server, .fini = stop_server, .timeout = 120);

/* GET (or another method) a path; returns the status, body in *body. */

static long http(const char *method, const char *path, const char *accept, quirei_buf *body,
                 quirei_buf *ctype)
{
    CURL *c = curl_easy_init();
    quirei_buf urlb = QUIREI_BUF_INIT;
    quirei_buf_addf(&urlb, "http://127.0.0.1:%u%s", port, path);
    const char *url = urlb.ptr;
    quirei_buf_reset(body);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (curl_decodes_gzip)
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
    struct curl_slist *h = NULL;
    if (accept) {
        char hdr[128];
        snprintf(hdr, sizeof hdr, "Accept: %s", accept);
        h = curl_slist_append(h, hdr);
    }
    if (extra_header)
        h = curl_slist_append(h, extra_header);
    if (h)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    quirei_buf_reset(&resp_headers);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp_headers);
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "%s: %s", url, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    char *ct = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
    if (ctype)
        quirei_buf_set(ctype, ct ? ct : "", ct ? strlen(ct) : 0);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    quirei_buf_release(&urlb);
    return status;
}

static json_t *json_of(const quirei_buf *b)
{
    json_error_t e;
    json_t *o = json_loadb(b->ptr ? b->ptr : "", b->len, 0, &e);
    cr_assert_not_null(o, "not JSON (%s): %s", e.text, quirei_buf_cstr(b));
    return o;
}

static const char *error_code(json_t *o)
{
    return json_string_value(json_object_get(json_object_get(o, "error"), "code"));
}

Test(server, health_search_doc)
{
    quirei_buf b = QUIREI_BUF_INIT, ct = QUIREI_BUF_INIT;
    cr_assert_eq(http("GET", "/api/health", NULL, &b, &ct), 200);
    json_t *o = json_of(&b);
    cr_expect_str_eq(json_string_value(json_object_get(o, "status")), "ok");
    cr_expect_eq(json_integer_value(json_object_get(o, "docs")), 2);
    cr_expect(strstr(ct.ptr, "application/json"));
    json_decref(o);

    /* Percent-encoded curly quotes and UTF-8 in q. */
    cr_assert_eq(http("GET",
                      "/api/search?q=%E2%80%9Crespective%20roles%20in%20cyber%20spying%E2%80%9D",
                      NULL, &b, NULL),
                 200);
    o = json_of(&b);
    json_t *hits = json_object_get(o, "hits");
    cr_assert_eq(json_array_size(hits), 1, "%s", b.ptr);
    json_t *hit = json_array_get(hits, 0);
    cr_expect_str_eq(json_string_value(json_object_get(hit, "id")), "000_b9d2c723326dce3c.txt");
    cr_expect(json_is_object(json_object_get(hit, "quote")));
    /* An exact count: {"value": N, "relation": "eq"}. */
    json_t *want = json_pack("{s:i, s:s}", "value", 1, "relation", "eq");
    cr_expect(json_equal(json_object_get(o, "total"), want), "%s", b.ptr);
    json_decref(want);
    json_decref(o);

    /* The document by id. */
    cr_assert_eq(http("GET", "/api/doc/000_b9d2c723326dce3c.txt", NULL, &b, NULL), 200);
    o = json_of(&b);
    cr_expect(strstr(json_string_value(json_object_get(o, "body")), "cyber spying"));
    json_decref(o);

    /* Text for curl users, by parameter or Accept header. */
    cr_assert_eq(http("GET", "/api/search?q=spying&format=text", NULL, &b, &ct), 200);
    cr_expect(strstr(ct.ptr, "text/plain"));
    cr_expect(strstr(b.ptr, "result"), "%s", b.ptr);
    cr_expect(!strstr(b.ptr, "at least"), "an exact count is no bound: %s", b.ptr);
    cr_assert_eq(http("GET", "/api/search?q=spying", "text/plain", &b, &ct), 200);
    cr_expect(strstr(ct.ptr, "text/plain"));
    quirei_buf_release(&b);
    quirei_buf_release(&ct);
}

/* Field values in quotes work like unquoted ones, for every field. */
Test(server, quoted_field_values)
{
    quirei_buf b = QUIREI_BUF_INIT;
    static const char *const paths[] = {
        "/api/search?q=id:000_b9d2c723326dce3c.txt",
        "/api/search?q=id:%22000_b9d2c723326dce3c.txt%22",
        "/api/search?q=id:%E2%80%9C000_b9d2c723326dce3c.txt%E2%80%9D",
        "/api/search?q=spying%20id:%22000_b9d2c723326dce3c.txt%22",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        cr_assert_eq(http("GET", paths[i], NULL, &b, NULL), 200, "%s", paths[i]);
        json_t *o = json_of(&b);
        json_t *hits = json_object_get(o, "hits");
        cr_expect_eq(json_array_size(hits), 1, "%s: %s", paths[i], b.ptr);
        cr_expect_str_eq(json_string_value(json_object_get(json_array_get(hits, 0), "id")),
                         "000_b9d2c723326dce3c.txt", "%s", paths[i]);
        cr_expect(json_is_false(json_object_get(o, "approximate")), "%s", paths[i]);
        json_decref(o);
    }
    quirei_buf_release(&b);
}

/* GET answers carry an ETag and Cache-Control: no-cache; revalidating an
 * unchanged answer gets 304 with no body. */
Test(server, etag_and_304)
{
    quirei_buf b = QUIREI_BUF_INIT;
    const char *path = "/api/search?q=cyber%20spying";
    cr_assert_eq(http("GET", path, NULL, &b, NULL), 200);
    cr_assert_eq(http("GET", path, NULL, &b, NULL), 200); /* now from the result cache */
    const char *e = strstr(resp_headers.ptr, "ETag: \"");
    cr_assert(e, "%s", resp_headers.ptr);
    cr_expect(strstr(resp_headers.ptr, "Cache-Control: no-cache"), "%s", resp_headers.ptr);
    char tag[64];
    snprintf(tag, sizeof tag, "If-None-Match: %.18s", e + 6);
    extra_header = tag;
    long st = http("GET", path, NULL, &b, NULL);
    cr_expect_eq(st, 304, "%s", tag);
    cr_expect_eq(b.len, 0);
    /* Another tag, or another query: the whole answer. */
    extra_header = "If-None-Match: \"0000000000000000\"";
    cr_expect_eq(http("GET", path, NULL, &b, NULL), 200);
    extra_header = tag;
    cr_expect_eq(http("GET", "/api/search?q=espionage", NULL, &b, NULL), 200);
    extra_header = NULL;
    quirei_buf_release(&b);
}

/* Errors honour format=text and Accept: text/plain. */
Test(server, errors_as_text)
{
    quirei_buf b = QUIREI_BUF_INIT, ct = QUIREI_BUF_INIT;
    cr_assert_eq(http("GET", "/api/search?q=china%29&format=text", NULL, &b, &ct), 400);
    cr_expect(strstr(ct.ptr, "text/plain"), "%s", ct.ptr);
    cr_expect(strncmp(b.ptr, "error 400 bad_query: ", 21) == 0, "%s", b.ptr);
    cr_expect(strstr(b.ptr, "position: 5"), "%s", b.ptr);
    cr_assert_eq(http("GET", "/api/doc/no-such-id", "text/plain", &b, &ct), 404);
    cr_expect(strstr(ct.ptr, "text/plain"), "%s", ct.ptr);
    cr_expect(strncmp(b.ptr, "error 404 not_found: ", 21) == 0, "%s", b.ptr);
    /* JSON stays the default. */
    cr_assert_eq(http("GET", "/api/doc/no-such-id", NULL, &b, &ct), 404);
    cr_expect(strstr(ct.ptr, "application/json"), "%s", ct.ptr);
    quirei_buf_release(&b);
    quirei_buf_release(&ct);
}

Test(server, errors)
{
    quirei_buf b = QUIREI_BUF_INIT;
    struct {
        const char *method, *path;
        long status;
        const char *code;
    } cases[] = {
        {"GET", "/api/search?q=china%29%20x", 400, "bad_query"},
        {"GET", "/api/search", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&limit=0", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&limit=1000000000", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&limit=-1", 400, "bad_parameter"},
        /* Numbers are digits only (number.h): no space ('+' decodes to one). */
        {"GET", "/api/search?q=x&limit=+5", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&page=3", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&Limit=3", 400, "bad_parameter"},
        {"GET", "/api/health?verbose=1", 400, "bad_parameter"},
        {"GET", "/api/doc/000_b9d2c723326dce3c.txt?fields=title", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&offset=%205", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&offset=20000", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&sort=size", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&from=2016-99", 400, "bad_parameter"},
        {"GET", "/api/doc/no-such-id", 404, "not_found"},
        {"GET", "/api/doc/..%2F..%2Fetc%2Fpasswd", 404, "not_found"},
        {"GET", "/nope", 404, "not_found"},
        {"POST", "/api/search?q=x", 405, "method_not_allowed"},
        {"DELETE", "/api/doc/x", 405, "method_not_allowed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        long st = http(cases[i].method, cases[i].path, NULL, &b, NULL);
        cr_expect_eq(st, cases[i].status, "%s %s -> %ld %s", cases[i].method, cases[i].path,
                     st, b.ptr);
        json_t *o = json_of(&b);
        cr_expect_str_eq(error_code(o), cases[i].code, "%s", cases[i].path);
        cr_expect(json_is_string(json_object_get(json_object_get(o, "error"), "message")));
        json_decref(o);
    }
    /* An unknown parameter is named, with the ones the endpoint takes. */
    cr_expect_eq(http("GET", "/api/search?q=x&page=3", NULL, &b, NULL), 400);
    cr_expect(strstr(b.ptr, "unknown parameter 'page'") && strstr(b.ptr, "q, limit, offset"), "%s",
              b.ptr);
    /* The server is still there. */
    cr_expect_eq(http("GET", "/api/health", NULL, &b, NULL), 200);
    quirei_buf_release(&b);
}

/* Error messages quote user input, which may be invalid UTF-8: each invalid
 * sequence becomes U+FFFD (as in the results JSON), valid text is kept. */
Test(server, invalid_utf8_in_a_message_becomes_U_FFFD)
{
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(http("GET", "/api/doc/caf%C3%A9%FF", NULL, &b, NULL), 404, "%s", b.ptr);
    json_t *o = json_of(&b);
    cr_expect_str_eq(error_code(o), "not_found");
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(o, "error"), "message")),
                     "no document with id 'caf\xc3\xa9\xef\xbf\xbd'");
    json_decref(o);
    quirei_buf_release(&b);
}

Test(server, stats_openapi_and_security_headers)
{
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(http("GET", "/api/search?q=spying", NULL, &b, NULL), 200);
    cr_expect(strstr(resp_headers.ptr, "X-Content-Type-Options: nosniff"), "%s", resp_headers.ptr);
    cr_assert_eq(http("GET", "/api/stats", NULL, &b, NULL), 200);
    json_t *o = json_of(&b);
    cr_expect_eq(json_integer_value(json_object_get(o, "docs")), 2);
    cr_expect_geq(json_integer_value(json_object_get(o, "requests")), 1);
    cr_expect_gt(json_integer_value(json_object_get(o, "revision")), 0);
    cr_expect(json_is_number(json_object_get(json_object_get(o, "latency_ms"), "p99")));
    json_decref(o);
    cr_assert_eq(http("GET", "/openapi.json", NULL, &b, NULL), 200);
    o = json_of(&b);
    cr_expect_str_eq(json_string_value(json_object_get(o, "openapi")), "3.0.3");
    cr_expect_not_null(json_object_get(json_object_get(o, "paths"), "/api/search"));
    json_decref(o);
    quirei_buf_release(&b);
}

Test(server, cors)
{
    quirei_buf b = QUIREI_BUF_INIT;
    extra_header = "Origin: https://portal.example";
    cr_assert_eq(http("GET", "/api/health", NULL, &b, NULL), 200);
    cr_expect(strstr(resp_headers.ptr, "Access-Control-Allow-Origin: https://portal.example"),
              "%s", resp_headers.ptr);
    cr_expect_eq(http("OPTIONS", "/api/search?q=x", NULL, &b, NULL), 204);
    cr_expect(strstr(resp_headers.ptr, "Access-Control-Allow-Methods: GET"), "%s",
              resp_headers.ptr);
    extra_header = "Origin: https://evil.example";
    cr_assert_eq(http("GET", "/api/health", NULL, &b, NULL), 200);
    cr_expect_null(strstr(resp_headers.ptr, "Access-Control-Allow-Origin"), "%s",
                   resp_headers.ptr);
    cr_expect_eq(http("OPTIONS", "/api/search?q=x", NULL, &b, NULL), 405);
    extra_header = NULL;
    quirei_buf_release(&b);
}

Test(server, huge_query_is_rejected_cleanly)
{
    quirei_buf path = QUIREI_BUF_INIT, b = QUIREI_BUF_INIT;
    quirei_buf_adds(&path, "/api/search?q=");
    for (int i = 0; i < 1024 * 1024 / 4; i++)
        quirei_buf_adds(&path, "a%20");
    CURL *c = curl_easy_init();
    char *url = malloc(path.len + 64);
    sprintf(url, "http://127.0.0.1:%u%s", port, path.ptr);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    /* 414 URI Too Long, or the connection closed: never a crash or a hang. */
    cr_expect(rc != CURLE_OK || status == 414, "rc %d status %ld", rc, status);
    curl_easy_cleanup(c);
    free(url);
    /* Still serving. */
    cr_expect_eq(http("GET", "/api/health", NULL, &b, NULL), 200);
    quirei_buf_release(&path);
    quirei_buf_release(&b);
}

static long docs_now(void)
{
    quirei_buf b = QUIREI_BUF_INIT;
    long st = http("GET", "/api/health", NULL, &b, NULL);
    cr_assert_eq(st, 200, "%s", b.ptr);
    json_t *o = json_of(&b);
    long n = (long)json_integer_value(json_object_get(o, "docs"));
    json_decref(o);
    quirei_buf_release(&b);
    return n;
}

/* The indexer writes to the index being served: new commits show up within
 * seconds, and no request fails during the switch (merge included). */
Test(server, index_updates_without_downtime)
{
    char input[128], db[128];
    snprintf(input, sizeof input, "%s/more.jsonl", tmp);
    snprintf(db, sizeof db, "%s/db", tmp);
    FILE *f = fopen(input, "w");
    for (int i = 0; i < 3000; i++)
        fprintf(f, "{\"id\":\"live-%d\",\"title\":\"Live %d\",\"body\":\"espionage report %d about "
                   "cyber spying and state hackers\"}\n",
                i, i, i);
    fclose(f);
    cr_assert_eq(docs_now(), 2);
    pid_t idx = fork();
    if (idx == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(QUIRE_BIN_DIR "/quire-index", "quire-index", "--db", db, "--batch", "200",
              "--quiet", input, (char *)NULL);
        _exit(127);
    }
    /* Query all the time while the indexer runs and after. */
    quirei_buf b = QUIREI_BUF_INIT;
    long last = 2, max_seen = 2;
    int done = 0, after = 0;
    for (int round = 0; round < 4000 && after < 40; round++) {
        cr_assert_eq(http("GET", "/api/search?q=spying&limit=3", NULL, &b, NULL), 200,
                     "round %d: %s", round, b.ptr);
        last = docs_now();
        cr_expect_geq(last, 2);
        max_seen = last > max_seen ? last : max_seen;
        if (!done) {
            int status;
            if (waitpid(idx, &status, WNOHANG) == idx) {
                cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
                done = 1;
            }
        }
        if (done && last == 3002)
            after++;
        usleep(done ? 50000 : 5000);
    }
    cr_expect(done, "the indexer finished");
    cr_expect_eq(last, 3002, "all new documents visible (max seen %ld)", max_seen);
    /* The search asked every round (and so cached) sees them too: the
     * result cache never outlives a commit. */
    cr_assert_eq(http("GET", "/api/search?q=spying&limit=3", NULL, &b, NULL), 200);
    json_t *o = json_of(&b);
    json_t *total = json_object_get(o, "total");
    cr_expect_geq(json_integer_value(json_object_get(total, "value")), 3000, "%s", b.ptr);
    cr_expect_str_eq(json_string_value(json_object_get(total, "relation")), "eq", "%s", b.ptr);
    json_decref(o);
    quirei_buf_release(&b);
}

static json_int_t cache_stat(const char *name)
{
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(http("GET", "/api/stats", NULL, &b, NULL), 200);
    json_t *o = json_of(&b);
    json_int_t v = json_integer_value(json_object_get(json_object_get(o, "cache"), name));
    json_decref(o);
    quirei_buf_release(&b);
    return v;
}

/* Clients that accept gzip get it (from the cache too); others never do. */
Test(server, gzip_when_accepted)
{
    quirei_buf plain = QUIREI_BUF_INIT, gz = QUIREI_BUF_INIT, dec = QUIREI_BUF_INIT;
    const char *path = "/api/search?q=cyber&limit=5";
    cr_assert_eq(http("GET", path, NULL, &plain, NULL), 200);
    cr_expect_null(strstr(quirei_buf_cstr(&resp_headers), "Content-Encoding"));
    cr_expect_not_null(strstr(quirei_buf_cstr(&resp_headers), "Vary: Accept-Encoding"));
    for (int round = 0; round < 2; round++) { /* a search, then a cache hit */
        extra_header = "Accept-Encoding: gzip";
        cr_assert_eq(http("GET", path, NULL, &gz, NULL), 200);
        extra_header = NULL;
        cr_expect_not_null(strstr(quirei_buf_cstr(&resp_headers), "Content-Encoding: gzip"),
                           "round %d: %s", round, quirei_buf_cstr(&resp_headers));
        cr_assert_geq(gz.len, 2);
        cr_expect(gz.ptr[0] == '\x1f' && gz.ptr[1] == (char)0x8b, "a gzip stream");
        cr_expect_lt(gz.len, plain.len, "and smaller");
        curl_decodes_gzip = 1;
        cr_assert_eq(http("GET", path, NULL, &dec, NULL), 200);
        curl_decodes_gzip = 0;
        /* The same results (took_ms aside: the two were separate searches). */
        json_t *x = json_of(&dec), *y = json_of(&plain);
        json_object_del(x, "took_ms");
        json_object_del(y, "took_ms");
        cr_expect(json_equal(x, y), "decodes to the same results");
        json_decref(x);
        json_decref(y);
    }
    extra_header = "Accept-Encoding: gzip;q=0, identity";
    cr_assert_eq(http("GET", path, NULL, &gz, NULL), 200);
    extra_header = NULL;
    cr_expect_null(strstr(quirei_buf_cstr(&resp_headers), "Content-Encoding"), "q=0 refuses it");
    cr_expect_str_eq(quirei_buf_cstr(&gz), quirei_buf_cstr(&plain), "the plain entry, cached");
    quirei_buf_release(&plain);
    quirei_buf_release(&gz);
    quirei_buf_release(&dec);
}

Test(server, repeated_searches_come_from_the_cache)
{
    quirei_buf a = QUIREI_BUF_INIT, b = QUIREI_BUF_INIT, t = QUIREI_BUF_INIT;
    json_int_t hits = cache_stat("hits"), misses = cache_stat("misses");
    cr_assert_eq(http("GET", "/api/search?q=cyber%20blame", NULL, &a, NULL), 200);
    cr_expect_eq(cache_stat("misses"), misses + 1);
    cr_assert_eq(http("GET", "/api/search?q=cyber%20blame", NULL, &b, NULL), 200);
    cr_expect_eq(cache_stat("hits"), hits + 1, "the same search again is a hit");
    cr_expect_str_eq(quirei_buf_cstr(&a), quirei_buf_cstr(&b), "and the very same response");
    /* Every parameter is part of the key. */
    cr_assert_eq(http("GET", "/api/search?q=cyber%20blame&format=text", NULL, &t, NULL), 200);
    cr_expect(strncmp(quirei_buf_cstr(&t), "{", 1) != 0, "text, not the cached JSON");
    cr_assert_eq(http("GET", "/api/search?q=cyber%20blame&limit=1", NULL, &t, NULL), 200);
    json_t *o = json_of(&t);
    cr_expect_eq(json_array_size(json_object_get(o, "hits")), 1);
    json_decref(o);
    cr_expect_eq(cache_stat("hits"), hits + 1);
    cr_expect_eq(cache_stat("entries"), 3);
    /* Errors are not cached. */
    cr_assert_eq(http("GET", "/api/search?q=%28", NULL, &t, NULL), 400);
    cr_assert_eq(http("GET", "/api/search?q=%28", NULL, &t, NULL), 400);
    cr_expect_eq(cache_stat("entries"), 3);
    quirei_buf_release(&a);
    quirei_buf_release(&b);
    quirei_buf_release(&t);
}

static void *client(void *arg)
{
    long *failures = arg;
    quirei_buf b = QUIREI_BUF_INIT;
    static const char *const paths[] = {"/api/search?q=cyber", "/api/search?q=%22cyber+spying%22",
                                        "/api/health", "/api/doc/003_edd2bdf7e4e26d6e.txt",
                                        "/api/search?q=china+OR+obama&format=text"};
    for (int i = 0; i < 60; i++) {
        CURL *c = curl_easy_init();
        char url[256];
        snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, paths[i % 5]);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, qt_buf_sink);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
        long status = 0;
        if (curl_easy_perform(c) != CURLE_OK ||
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200)
            (*failures)++;
        curl_easy_cleanup(c);
        quirei_buf_reset(&b);
    }
    quirei_buf_release(&b);
    return NULL;
}

Test(server, concurrent_clients)
{
    pthread_t th[8];
    long failures[8] = {0};
    for (int i = 0; i < 8; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, client, &failures[i]), 0);
    long total = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        total += failures[i];
    }
    cr_expect_eq(total, 0, "%ld of 480 concurrent requests failed", total);
}

Test(server, api_key_required_when_set)
{
    char db[128], keyfile[128];
    snprintf(db, sizeof db, "%s/db", tmp);
    snprintf(keyfile, sizeof keyfile, "%s/key", tmp);
    FILE *kf = fopen(keyfile, "w");
    fputs("s3cret-key\n", kf);
    fclose(kf);
    qt_server keyed = {.pid = -1};
    const char *extra[] = {"--api-key-file", keyfile, NULL};
    qt_server_start(&keyed, db, extra);
    unsigned keyed_port = keyed.port;
    unsigned saved = port;
    port = keyed_port;
    quirei_buf b = QUIREI_BUF_INIT;
    cr_expect_eq(http("GET", "/api/search?q=spying", NULL, &b, NULL), 401);
    json_t *o = json_of(&b);
    cr_expect_str_eq(error_code(o), "unauthorized");
    json_decref(o);
    cr_expect_eq(http("GET", "/api/doc/000_b9d2c723326dce3c.txt", NULL, &b, NULL), 401);
    cr_expect_eq(http("GET", "/api/stats", NULL, &b, NULL), 401);
    /* Load balancers probe health without a key; it tells nothing secret. */
    cr_expect_eq(http("GET", "/api/health", NULL, &b, NULL), 200);
    cr_expect_eq(http("GET", "/api/health/", NULL, &b, NULL), 401);
    extra_header = "Authorization: Bearer wrong-key!";
    cr_expect_eq(http("GET", "/api/search?q=spying", NULL, &b, NULL), 401);
    extra_header = "Authorization: Bearer s3cret-key";
    cr_expect_eq(http("GET", "/api/health", NULL, &b, NULL), 200);
    cr_expect_eq(http("GET", "/api/search?q=spying", NULL, &b, NULL), 200);
    extra_header = NULL;
    port = saved;
    int status = qt_server_stop(&keyed, 30);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    quirei_buf_release(&b);
}

/* An index that disappears while serving gives 503 with a JSON error, not a
 * crash, and service resumes when it comes back. */
Test(server, index_disappears_and_returns)
{
    char db[128], away[128];
    snprintf(db, sizeof db, "%s/db", tmp);
    snprintf(away, sizeof away, "%s/db.away", tmp);
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(http("GET", "/api/search?q=spying", NULL, &b, NULL), 200);
    cr_assert_eq(rename(db, away), 0);
    long st = 0;
    for (int i = 0; i < 60 && st != 503; i++) {
        st = http("GET", "/api/search?q=spying", NULL, &b, NULL);
        cr_assert(st == 200 || st == 503, "status %ld: %s", st, b.ptr);
        usleep(100000);
    }
    cr_expect_eq(st, 503, "the missing index is reported");
    json_t *o = json_of(&b);
    cr_expect_str_eq(error_code(o), "index_unavailable");
    json_decref(o);
    cr_assert_eq(rename(away, db), 0);
    for (int i = 0; i < 60 && st != 200; i++) {
        st = http("GET", "/api/search?q=spying", NULL, &b, NULL);
        usleep(100000);
    }
    cr_expect_eq(st, 200, "service resumes");
    quirei_buf_release(&b);
}

/* Refuses to start on a missing, empty or foreign directory, saying why. */
Test(server, refuses_to_serve_what_is_not_an_index)
{
    char empty[128], foreign[128], cmd[512];
    snprintf(empty, sizeof empty, "%s/empty", tmp);
    snprintf(foreign, sizeof foreign, "%s/foreign", tmp);
    cr_assert_eq(mkdir(empty, 0755), 0);
    cr_assert_eq(mkdir(foreign, 0755), 0);
    snprintf(cmd, sizeof cmd, "echo hi > '%s/notes.txt'", foreign);
    cr_assert_eq(system(cmd), 0);
    const char *dirs[] = {"/nonexistent/quire/index", empty, foreign};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "'%s/quire-serve' --db '%s' --port 0 2>&1", QUIRE_BIN_DIR,
                 dirs[i]);
        FILE *p = popen(cmd, "r");
        char out[1024] = "";
        size_t n = fread(out, 1, sizeof out - 1, p);
        out[n] = '\0';
        int status = pclose(p);
        cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s: status %d", dirs[i],
                  status);
        cr_expect(strstr(out, "cannot serve"), "%s: %s", dirs[i], out);
        cr_expect(strstr(out, i == 0 ? "No such file" : "not a Quire index"), "%s: %s", dirs[i],
                  out);
    }
}

/* A listening socket on 127.0.0.1, on a port the kernel picks; *port_out
 * receives the port. */
static int occupy_a_port(unsigned *port_out)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, len), 0);
    cr_assert_eq(listen(fd, 4), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port_out = ntohs(a.sin_port);
    return fd;
}

/* A busy port (another program's socket, or this suite's own server) is
 * one line on stderr that names the address and the way out, and exit
 * status 1; libmicrohttpd's "Failed to bind to port 0" used to come first. */
Test(server, busy_port_is_one_clear_line)
{
    unsigned other;
    int fd = occupy_a_port(&other);
    const unsigned busy[] = {other, port};
    for (int i = 0; i < 2; i++) {
        char cmd[512], expect[128];
        /* timeout: a server that did start must fail the test, not hang it. */
        snprintf(cmd, sizeof cmd, "timeout 20 '%s/quire-serve' --db '%s' --port %u 2>&1 >/dev/null",
                 QUIRE_BIN_DIR, db_path, busy[i]);
        FILE *p = popen(cmd, "r");
        cr_assert_not_null(p);
        char out[1024] = "";
        size_t n = fread(out, 1, sizeof out - 1, p);
        out[n] = '\0';
        int status = pclose(p);
        cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1, "port %u: status %d: %s",
                  busy[i], status, out);
        snprintf(expect, sizeof expect,
                 "quire-serve: cannot listen on 127.0.0.1:%u: address already in use", busy[i]);
        cr_expect(strncmp(out, expect, strlen(expect)) == 0, "port %u: %s", busy[i], out);
        cr_expect(strstr(out, "--port"), "the way out is named: %s", out);
        char *nl = strchr(out, '\n');
        cr_expect(n > 0 && nl == out + n - 1, "exactly one line: %s", out);
    }
    close(fd);
}

/* Abuse: each gets a 2xx/4xx answer and the server keeps serving. */
Test(server, abusive_queries)
{
    quirei_buf b = QUIREI_BUF_INIT, path = QUIREI_BUF_INIT;
    static const char *const paths[] = {
        "/api/search?q=%ZZ%G1%",          /* invalid percent-escapes */
        "/api/search?q=%FF%FE%C3%28",     /* invalid UTF-8 */
        "/api/search?q=%00abc",           /* NUL */
        "/api/search?q=x&limit=abc",
        "/api/search?q=x&unknown=1&limit=5",
        "/api/doc/%FF%00",
    };
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        long st = http("GET", paths[i], NULL, &b, NULL);
        cr_expect(st == 200 || st == 400 || st == 404, "%s -> %ld", paths[i], st);
    }
    /* 10,000 query terms, and parentheses nested 5,000 deep. */
    quirei_buf_adds(&path, "/api/search?q=");
    for (int i = 0; i < 10000; i++)
        quirei_buf_adds(&path, "w+");
    cr_expect_eq(http("GET", path.ptr, NULL, &b, NULL), 400, "%s", b.ptr);
    quirei_buf_setf(&path, "/api/search?q=");
    for (int i = 0; i < 2000; i++)
        quirei_buf_adds(&path, "%28");
    quirei_buf_adds(&path, "x");
    cr_expect_eq(http("GET", path.ptr, NULL, &b, NULL), 400, "%s", b.ptr);
    cr_expect_eq(http("GET", "/api/health", NULL, &b, NULL), 200);
    quirei_buf_release(&b);
    quirei_buf_release(&path);
}

/* The hit ids of a search response, space-separated. */
static void hit_ids(const quirei_buf *b, char *out, size_t size)
{
    json_t *o = json_of(b);
    json_t *hits = json_object_get(o, "hits"), *h;
    size_t i;
    out[0] = '\0';
    json_array_foreach(hits, i, h)
    {
        size_t n = strlen(out);
        snprintf(out + n, size - n, "%s%s", n ? " " : "",
                 json_string_value(json_object_get(h, "id")));
    }
    json_decref(o);
}

/* Run quire-index with args (shell-quoted by the caller); its exit status,
 * its stderr and stdout in out. */
static int index_cmd(const char *args, char *out, size_t size)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "'%s/quire-index' --db '%s/db' %s 2>&1", QUIRE_BIN_DIR, tmp, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A takedown reaches the running server at its next reopen, cached
 * responses included (the cache keys on the index generation, which every
 * commit moves). */
Test(server, deleted_documents_stop_being_served)
{
    const char *gone = "000_b9d2c723326dce3c.txt", *kept = "003_edd2bdf7e4e26d6e.txt";
    const char *path = "/api/search?q=cyber&limit=10";
    quirei_buf b = QUIREI_BUF_INIT;
    char ids[512], out[2048];
    json_int_t hits = cache_stat("hits");
    for (int round = 0; round < 2; round++) { /* a search, then a cache hit */
        cr_assert_eq(http("GET", path, NULL, &b, NULL), 200, "%s", b.ptr);
        hit_ids(&b, ids, sizeof ids);
        cr_assert(strstr(ids, gone) && strstr(ids, kept), "before: %s", ids);
    }
    cr_expect_eq(cache_stat("hits"), hits + 1, "the second search came from the cache");

    char args[128];
    snprintf(args, sizeof args, "--delete '%s'", gone);
    cr_assert_eq(index_cmd(args, out, sizeof out), 0, "%s", out);
    cr_expect(strstr(out, "deleted 1 documents"), "%s", out);
    /* The server reopens about every second: poll the very same query. */
    double deadline = qt_now() + 10;
    do {
        qt_sleep(0.2);
        cr_assert_eq(http("GET", path, NULL, &b, NULL), 200, "%s", b.ptr);
        hit_ids(&b, ids, sizeof ids);
    } while (strstr(ids, gone) && qt_now() < deadline);
    cr_expect_str_eq(ids, kept, "after the takedown");
    char doc[128];
    snprintf(doc, sizeof doc, "/api/doc/%s", gone);
    /* Each server thread has its own reader, reopened on its own clock: the
     * thread answering the next request may not have moved yet. */
    while ((http("GET", doc, NULL, &b, NULL) != 404 || docs_now() != 1) && qt_now() < deadline)
        qt_sleep(0.2);
    cr_expect_eq(http("GET", doc, NULL, &b, NULL), 404, "%s", b.ptr);
    cr_expect_eq(docs_now(), 1);

    /* An id the index does not hold (any more): reported, exit 1. */
    cr_expect_eq(index_cmd(args, out, sizeof out), 1, "%s", out);
    char want[128];
    snprintf(want, sizeof want, "unknown id '%s'", gone);
    cr_expect(strstr(out, want), "%s", out);
    cr_expect_eq(docs_now(), 1);
    quirei_buf_release(&b);
}
