/*
 * test_server.c - the real quire-serve over an index built by the real
 * quire-index, driven over HTTP with libcurl on 127.0.0.1 and a port the
 * server picks (--port 0).
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strbuf.h"

static char tmp[64];
static pid_t server;
static unsigned port;
static FILE *server_err;

static int run(const char *const *argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void start_server(void)
{
    strcpy(tmp, "/tmp/quire-test-server-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    char db[128];
    snprintf(db, sizeof db, "%s/db", tmp);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--quiet",
                         QUIRE_SOURCE_DIR "/corpus", NULL};
    cr_assert_eq(run(idx), 0);

    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    server = fork();
    if (server == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        execl(QUIRE_BIN_DIR "/quire-serve", "quire-serve", "--db", db, "--port", "0",
              "--threads", "2", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    server_err = fdopen(fds[0], "r");
    char line[256] = "";
    cr_assert_not_null(fgets(line, sizeof line, server_err), "server printed nothing");
    cr_assert_eq(sscanf(line, "listening on http://127.0.0.1:%u", &port), 1, "line: %s", line);
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void stop_server(void)
{
    if (server > 0) {
        kill(server, SIGTERM);
        int status;
        waitpid(server, &status, 0);
        cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "SIGTERM exits 0");
    }
    if (server_err)
        fclose(server_err);
    curl_global_cleanup();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(server, .init = start_server, .fini = stop_server, .timeout = 120);

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    quirei_buf_add(ctx, p, size * n);
    return size * n;
}

/* GET (or another method) a path; returns the status, body in *body. */
static long http(const char *method, const char *path, const char *accept, quirei_buf *body,
                 quirei_buf *ctype)
{
    CURL *c = curl_easy_init();
    char url[2048];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
    quirei_buf_reset(body);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    struct curl_slist *h = NULL;
    if (accept) {
        char hdr[128];
        snprintf(hdr, sizeof hdr, "Accept: %s", accept);
        h = curl_slist_append(h, hdr);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    }
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
    cr_assert_eq(http("GET", "/api/search?q=spying", "text/plain", &b, &ct), 200);
    cr_expect(strstr(ct.ptr, "text/plain"));
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
        {"GET", "/api/search", 400, "bad_request"},
        {"GET", "/api/search?q=x&limit=0", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&limit=1000000000", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&limit=-1", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&offset=20000", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&sort=size", 400, "bad_parameter"},
        {"GET", "/api/search?q=x&from=2016-99", 400, "bad_query"},
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
    /* The server is still there. */
    cr_expect_eq(http("GET", "/api/health", NULL, &b, NULL), 200);
    quirei_buf_release(&b);
}
