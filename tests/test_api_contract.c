/*
 * test_api_contract.c - the contract of issue 11 section 7, on the real
 * binaries: one error code per class with the bad value quoted (HTTP and
 * quire-search alike), api_version in every JSON answer, 401 and 413 in the
 * form asked for, the API key as ?key= and the public paths, the access
 * log line, dates checked and normalized from the indexer to the API, and
 * quire-index's progress lines off a terminal.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <quire/quire.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server_harness.h"
#include "strbuf.h"

#define KEY "s3cret-KEY-42"

static char tmp[64], db[128], logpath[128];
static qt_server srv = {.pid = -1};
static FILE *logfile;

/* The documents, with the dates articles come with. */
static const char corpus[] =
    "{\"id\":\"iso\",\"title\":\"Iso\",\"date\":\"2024-07-19T16:00:00Z\",\"body\":\"grid attack\"}\n"
    "{\"id\":\"words\",\"title\":\"Words\",\"date\":\"May 4, 2016\",\"body\":\"grid outage\"}\n"
    "{\"id\":\"relative\",\"title\":\"Rel\",\"date\":\"yesterday\",\"body\":\"grid hackers\"}\n"
    "{\"id\":\"impossible\",\"title\":\"Imp\",\"date\":\"2016-02-30\",\"body\":\"grid spies\"}\n"
    "{\"id\":\"none\",\"title\":\"None\",\"body\":\"grid power\"}\n";

/* Write `text` to path. */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* The contents of file `path` into b (empty when it cannot be read). */
static void slurp(const char *path, quirei_buf *b)
{
    quirei_buf_reset(b);
    FILE *f = fopen(path, "r");
    char chunk[4096];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        quirei_buf_add(b, chunk, n);
    if (f)
        fclose(f);
}

/* Run argv; its stderr into *err, its stdout into *out (may be NULL);
 * returns the exit status (-1: no normal exit). */
static int run(const char *const *argv, quirei_buf *out, quirei_buf *err)
{
    char outp[160], errp[160];
    snprintf(outp, sizeof outp, "%s/run.out", tmp);
    snprintf(errp, sizeof errp, "%s/run.err", tmp);
    int rc = qt_run_capture(argv, outp, errp);
    if (out)
        slurp(outp, out);
    if (err)
        slurp(errp, err);
    return rc;
}

static void setup(void)
{
    strcpy(tmp, "/tmp/quire-test-contract-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    snprintf(db, sizeof db, "%s/db", tmp);
    char input[160];
    snprintf(input, sizeof input, "%s/dates.jsonl", tmp);
    write_file(input, corpus);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--quiet", input, NULL};
    cr_assert_eq(qt_run_quiet(idx), 0);
    snprintf(logpath, sizeof logpath, "%s/access.log", tmp);
    logfile = fopen(logpath, "w");
    cr_assert_not_null(logfile);
    srv.log = logfile;
    const char *extra[] = {"--api-key", KEY, NULL};
    qt_server_start(&srv, db, extra);
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void teardown(void)
{
    qt_server_kill(&srv);
    if (logfile)
        fclose(logfile);
    curl_global_cleanup();
    qt_remove_tree(tmp);
}

TestSuite(contract, .init = setup, .fini = teardown, .timeout = 300);

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    quirei_buf_add(ctx, p, size * n);
    return size * n;
}

/* GET path (with the key in the header when `auth`, and header `hdr` when
 * not NULL; a request body when `body`); the status, the body in *out. */
static long get(const char *path, int auth, const char *hdr, const char *body, quirei_buf *out)
{
    CURL *c = curl_easy_init();
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", srv.port, path);
    quirei_buf_reset(out);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "GET");
    }
    struct curl_slist *h = NULL;
    if (auth)
        h = curl_slist_append(h, "Authorization: Bearer " KEY);
    if (hdr)
        h = curl_slist_append(h, hdr);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "%s: %s", url, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
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

/* ------------------------------------------------------------ errors ---- */

Test(contract, one_error_code_per_class_with_the_value_quoted)
{
    static const struct {
        const char *path, *code, *parameter, *quoted;
        long position; /* bad_query: the byte offset; else -1 */
    } cases[] = {
        {"/api/search?q=grid&from=2017-13", "bad_parameter", "from", "'2017-13'", -1},
        {"/api/search?q=grid&to=2016-02-30", "bad_parameter", "to", "29 days", -1},
        {"/api/search?q=grid&from=2018&to=2017", "bad_parameter", "from", "'2018' is after", -1},
        {"/api/search?q=grid&offset=9950&limit=100", "bad_parameter", "offset", "9950", -1},
        {"/api/search?q=grid&limit=abc", "bad_parameter", "limit", "'abc'", -1},
        {"/api/search?q=grid&offset=-1", "bad_parameter", "offset", "'-1'", -1},
        {"/api/search?q=grid&sort=size", "bad_parameter", "sort", "'size'", -1},
        {"/api/search?q=grid&format=xml", "bad_parameter", "format", "'xml'", -1},
        {"/api/search?q=grid&page=3", "bad_parameter", "page", "'page'", -1},
        {"/api/search?limit=3", "bad_parameter", "q", "missing parameter q", -1},
        {"/api/search?q=grid%20date:2016-02-30", "bad_query", NULL, "'2016-02-30'", 10},
        {"/api/search?q=grid%20date:2018..2017", "bad_query", NULL, "2018 is after 2017", 10},
        {"/api/search?q=china%29%20x", "bad_query", NULL, "no '(' before it", 5},
    };
    quirei_buf b = QUIREI_BUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_assert_eq(get(cases[i].path, 1, NULL, NULL, &b), 400, "%s: %s", cases[i].path, b.ptr);
        json_t *o = json_of(&b), *e = json_object_get(o, "error");
        cr_expect_str_eq(json_string_value(json_object_get(e, "code")), cases[i].code, "%s",
                         cases[i].path);
        const char *msg = json_string_value(json_object_get(e, "message"));
        cr_expect(msg && strstr(msg, cases[i].quoted), "%s: %s", cases[i].path, msg);
        const char *param = json_string_value(json_object_get(e, "parameter"));
        if (cases[i].parameter)
            cr_expect(param && strcmp(param, cases[i].parameter) == 0, "%s: parameter %s",
                      cases[i].path, param ? param : "(none)");
        else
            cr_expect_null(param, "%s", cases[i].path);
        json_t *pos = json_object_get(e, "position");
        if (cases[i].position >= 0)
            cr_expect_eq(json_integer_value(pos), cases[i].position, "%s", cases[i].path);
        else
            cr_expect_null(pos, "%s", cases[i].path);
        json_decref(o);
    }
    quirei_buf_release(&b);
}

Test(contract, every_json_answer_carries_api_version)
{
    static const struct {
        const char *path;
        int auth;
        long status;
    } cases[] = {
        {"/api/search?q=grid", 1, 200},   {"/api/doc/iso", 1, 200},
        {"/api/health", 0, 200},          {"/api/stats", 1, 200},
        {"/api/doc/nothing", 1, 404},     {"/api/nothing", 1, 404},
        {"/api/search?q=grid", 0, 401},   {"/api/search?q=grid&limit=0", 1, 400},
    };
    quirei_buf b = QUIREI_BUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_assert_eq(get(cases[i].path, cases[i].auth, NULL, NULL, &b), cases[i].status, "%s",
                     cases[i].path);
        cr_expect(strncmp(b.ptr, "{\"api_version\":\"" QUIRE_API_VERSION "\",", 18 +
                          strlen(QUIRE_API_VERSION)) == 0, "%s: %s", cases[i].path, b.ptr);
    }
    /* 413 too, made by the daemon before any route. */
    cr_assert_eq(get("/api/search?q=grid", 1, NULL, "a body", &b), 413);
    json_t *o = json_of(&b);
    cr_expect_str_eq(json_string_value(json_object_get(o, "api_version")), QUIRE_API_VERSION);
    json_decref(o);
    /* The OpenAPI document gives it as its info.version (an OpenAPI
     * document may hold no other top-level field). */
    cr_assert_eq(get("/openapi.json", 1, NULL, NULL, &b), 200);
    o = json_of(&b);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(o, "info"), "version")),
                     QUIRE_API_VERSION);
    json_decref(o);
    quirei_buf_release(&b);
}

Test(contract, daemon_errors_honour_text_requests)
{
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(get("/api/search?q=grid&format=text", 0, NULL, NULL, &b), 401);
    cr_expect(strncmp(b.ptr, "error 401 unauthorized: ", 24) == 0, "%s", b.ptr);
    cr_assert_eq(get("/api/stats", 0, "Accept: text/plain", NULL, &b), 401);
    cr_expect(strncmp(b.ptr, "error 401 unauthorized: ", 24) == 0, "%s", b.ptr);
    cr_assert_eq(get("/api/search?q=grid&format=text", 1, NULL, "a body", &b), 413);
    cr_expect(strncmp(b.ptr, "error 413 payload_too_large: ", 29) == 0, "%s", b.ptr);
    cr_assert_eq(get("/api/search?q=grid&from=2017-13&format=text", 1, NULL, NULL, &b), 400);
    cr_expect_str_eq(b.ptr, "error 400 bad_parameter: from '2017-13' is not a date: month 13 "
                            "is not 01-12\n");
    quirei_buf_release(&b);
}

/* ------------------------------------------------------------ the key --- */

Test(contract, key_parameter_and_public_paths)
{
    quirei_buf b = QUIREI_BUF_INIT;
    /* Feed readers cannot send headers: ?key= does, and is no unknown
     * parameter. */
    cr_expect_eq(get("/api/search?q=grid&key=" KEY, 0, NULL, NULL, &b), 200, "%s", b.ptr);
    cr_expect_eq(get("/api/stats?key=" KEY, 0, NULL, NULL, &b), 200, "%s", b.ptr);
    cr_expect_eq(get("/api/search?q=grid&key=wrong", 0, NULL, NULL, &b), 401);
    cr_expect_eq(get("/api/search?q=grid&key=", 0, NULL, NULL, &b), 401);
    cr_expect_eq(get("/api/search?q=grid&key=" KEY "x", 0, NULL, NULL, &b), 401);
    /* With the header, key is ignored, not refused. */
    cr_expect_eq(get("/api/search?q=grid&key=anything", 1, NULL, NULL, &b), 200);
    /* Public: the health check, the search description, the page and its
     * assets and documentation (404 until their routes exist, never 401). */
    static const char *const open_paths[] = {"/api/health", "/opensearch.xml", "/",
                                             "/assets/app.js", "/doc/api"};
    for (size_t i = 0; i < sizeof open_paths / sizeof *open_paths; i++)
        cr_expect_neq(get(open_paths[i], 0, NULL, NULL, &b), 401, "%s", open_paths[i]);
    static const char *const closed[] = {"/api/search?q=grid", "/api/doc/iso", "/openapi.json",
                                         "/assetsx", "/api/health/x", "/index.html"};
    for (size_t i = 0; i < sizeof closed / sizeof *closed; i++)
        cr_expect_eq(get(closed[i], 0, NULL, NULL, &b), 401, "%s", closed[i]);
    quirei_buf_release(&b);
}

/* ------------------------------------------------------------ the log --- */

Test(contract, access_log_line)
{
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(get("/api/search?q=grid%20power&limit=2&key=" KEY, 0, NULL, NULL, &b), 200);
    size_t bytes = b.len;
    cr_assert_eq(get("/api/doc/iso", 0, NULL, NULL, &b), 401);
    /* Lines are written before the answer is sent; give the drainer a moment. */
    quirei_buf log = QUIREI_BUF_INIT;
    for (int tries = 0; tries < 50; tries++) {
        qt_sleep(0.05);
        slurp(logpath, &log);
        if (log.ptr && strstr(log.ptr, "/api/doc/iso "))
            break;
    }
    cr_assert_not_null(log.ptr);
    cr_expect_null(strstr(log.ptr, KEY), "the key is in the log:\n%s", log.ptr);
    regex_t re;
    char pattern[512];
    snprintf(pattern, sizeof pattern,
             "^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\\.[0-9]{3}Z "
             "127\\.0\\.0\\.1 GET /api/search\\?q=grid%%20power&limit=2&key=REDACTED 200 %zu "
             "[0-9]+\\.[0-9]{3}$",
             bytes);
    cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE), 0);
    cr_expect_eq(regexec(&re, log.ptr, 0, NULL, 0), 0, "no line like\n%s\nin\n%s", pattern,
                 log.ptr);
    regfree(&re);
    cr_expect(strstr(log.ptr, " 127.0.0.1 GET /api/doc/iso 401 "), "%s", log.ptr);
    quirei_buf_release(&log);
    quirei_buf_release(&b);
}

/* ------------------------------------------------------------ dates ----- */

static const char *doc_date(const char *id)
{
    static char out[64];
    char path[128];
    snprintf(path, sizeof path, "/api/doc/%s", id);
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(get(path, 1, NULL, NULL, &b), 200);
    json_t *o = json_of(&b);
    const char *d = json_string_value(json_object_get(o, "date"));
    snprintf(out, sizeof out, "%s", d ? d : "null");
    json_decref(o);
    quirei_buf_release(&b);
    return out;
}

Test(contract, dates_are_normalized_or_dropped)
{
    cr_expect_str_eq(doc_date("iso"), "2024-07-19");
    cr_expect_str_eq(doc_date("words"), "2016-05-04");
    cr_expect_str_eq(doc_date("relative"), "null");
    cr_expect_str_eq(doc_date("impossible"), "null");
    cr_expect_str_eq(doc_date("none"), "null");
    /* Filters and sorting see the normalized dates. */
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(get("/api/search?q=grid&from=2016-05&to=2016-05", 1, NULL, NULL, &b), 200);
    json_t *o = json_of(&b), *hits = json_object_get(o, "hits");
    cr_expect_eq(json_array_size(hits), 1);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(hits, 0), "id")), "words");
    json_decref(o);
    cr_assert_eq(get("/api/search?q=grid&sort=date&limit=2", 1, NULL, NULL, &b), 200);
    o = json_of(&b);
    hits = json_object_get(o, "hits");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(hits, 0), "id")), "iso");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(hits, 1), "id")), "words");
    json_decref(o);
    quirei_buf_release(&b);
}

/* ------------------------------------------------------------ programs -- */

Test(contract, quire_search_error_classes)
{
    static const struct {
        const char *opt, *val, *query;
        int exit;
        const char *says;
    } cases[] = {
        {"--from", "2017-13", "grid", 2, "bad option --from: from '2017-13' is not a date"},
        {"--to", "2016-02-30", "grid", 2, "day 30: February 2016 has 29 days"},
        {"--offset", "9950", "grid", 2, "offset 9950 + limit 100 is over 10000"},
        {"--sort", "size", "grid", 2, "--sort takes relevance or date, not 'size'"},
        {"--limit", "0", "grid", 2, "--limit takes a number from 1 to 100, not '0'"},
        {"--format", "json", "grid date:2016-02-30", 4, "bad query: bad date '2016-02-30'"},
        {"--format", "json", "foo:bar grid", 4, "bad query: unknown field"},
        {"--format", "json", "grid", 0, NULL},
    };
    quirei_buf out = QUIREI_BUF_INIT, err = QUIREI_BUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *argv[] = {QUIRE_BIN_DIR "/quire-search", "--db", db, "--limit", "100",
                              cases[i].opt, cases[i].val, cases[i].query, NULL};
        int rc = run(argv, &out, &err);
        cr_expect_eq(rc, cases[i].exit, "%s %s: exit %d, %s", cases[i].opt, cases[i].val, rc,
                     err.ptr);
        if (cases[i].says)
            cr_expect(err.ptr && strstr(err.ptr, cases[i].says), "%s", err.ptr);
    }
    /* --from after --to */
    const char *range[] = {QUIRE_BIN_DIR "/quire-search", "--db", db, "--from", "2018",
                           "--to", "2017", "grid", NULL};
    cr_expect_eq(run(range, &out, &err), 2);
    cr_expect(strstr(err.ptr, "from '2018' is after to '2017'"), "%s", err.ptr);
    /* The JSON is the server's, api_version first. */
    const char *json[] = {QUIRE_BIN_DIR "/quire-search", "--db", db, "--format", "json", "grid",
                          NULL};
    cr_expect_eq(run(json, &out, &err), 0);
    cr_expect(strncmp(out.ptr, "{\"api_version\":\"" QUIRE_API_VERSION "\",\"query\":", 16) == 0,
              "%s", out.ptr);
    quirei_buf_release(&out);
    quirei_buf_release(&err);
}

Test(contract, indexer_reports_bad_dates_and_keeps_documents)
{
    char dir[160], jsonl[200], html[200], newdb[160];
    snprintf(dir, sizeof dir, "%s/in", tmp);
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(jsonl, sizeof jsonl, "%s/a.jsonl", dir);
    snprintf(html, sizeof html, "%s/b.html", dir);
    snprintf(newdb, sizeof newdb, "%s/db2", tmp);
    write_file(jsonl, corpus);
    write_file(html, "<html><head><title>T</title><meta name=\"date\" content=\"04/05/2016\">"
                     "</head><body><p>grid text</p></body></html>");
    const char *argv[] = {QUIRE_BIN_DIR "/quire-index", "--db", newdb, dir, NULL};
    quirei_buf err = QUIREI_BUF_INIT;
    cr_expect_eq(run(argv, NULL, &err), 0, "%s", err.ptr);
    char want[400];
    snprintf(want, sizeof want,
             "%s:3: bad date 'yesterday': a relative date, not a calendar date; indexed "
             "without a date\n",
             jsonl);
    cr_expect(strstr(err.ptr, want), "%s", err.ptr);
    snprintf(want, sizeof want, "%s:4: bad date '2016-02-30': day 30: February 2016 has 29 days",
             jsonl);
    cr_expect(strstr(err.ptr, want), "%s", err.ptr);
    snprintf(want, sizeof want, "%s: bad date '04/05/2016': day and month order is ambiguous",
             html);
    cr_expect(strstr(err.ptr, want), "%s", err.ptr);
    cr_expect(strstr(err.ptr, "indexed 6 documents"), "%s", err.ptr);
    cr_expect(strstr(err.ptr, "3 bad dates: documents indexed without a date"), "%s", err.ptr);
    quirei_buf_release(&err);
}

/* Off a terminal, a line of progress every --progress seconds; the input
 * grows until a run lasts long enough to show one. */
Test(contract, indexer_progress_lines_off_a_terminal)
{
    char input[160], newdb[160];
    snprintf(input, sizeof input, "%s/many.jsonl", tmp);
    quirei_buf err = QUIREI_BUF_INIT;
    double took = 0;
    for (unsigned docs = 20000; took < 2.5 && docs <= 640000; docs *= 2) {
        FILE *f = fopen(input, "w");
        cr_assert_not_null(f);
        for (unsigned i = 0; i < docs; i++)
            fprintf(f, "{\"id\":\"d%u\",\"body\":\"word%u grid attack number %u of many\"}\n", i,
                    i % 977, i);
        fclose(f);
        snprintf(newdb, sizeof newdb, "%s/db-progress-%u", tmp, docs);
        const char *argv[] = {QUIRE_BIN_DIR "/quire-index", "--db", newdb, "--progress", "1",
                              "--no-compact", input, NULL};
        double t0 = qt_now();
        cr_assert_eq(run(argv, NULL, &err), 0, "%s", err.ptr);
        took = qt_now() - t0;
    }
    cr_assert_geq(took, 2.5, "no run lasted 2.5 s");
    size_t lines = 0;
    for (const char *p = err.ptr; (p = strstr(p, "progress: ")); p++) {
        cr_expect(p == err.ptr || p[-1] == '\n', "a line of its own");
        lines++;
    }
    cr_expect_geq(lines, 1, "%s", err.ptr);
    cr_expect_null(strchr(err.ptr, '\r'), "no in-place updates off a terminal");
    cr_expect(strstr(err.ptr, " docs/s "), "%s", err.ptr);
    /* --progress 0: none. */
    const char *quiet[] = {QUIRE_BIN_DIR "/quire-index", "--db", newdb, "--progress", "0",
                           "--no-compact", input, NULL};
    cr_assert_eq(run(quiet, NULL, &err), 0);
    cr_expect_null(strstr(err.ptr, "progress: "), "%s", err.ptr);
    cr_expect(strstr(err.ptr, "indexed "), "the summary stays: %s", err.ptr);
    quirei_buf_release(&err);
}
