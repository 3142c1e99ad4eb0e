/*
 * test_api_export.c - batch search, exports and feeds (issue 11, sections
 * 5 and 6) through the real binaries: quire-index builds an index of
 * 10,050 generated documents plus a few with awkward titles (commas,
 * quotes, a line break, a control character), quire-serve answers over
 * HTTP (libcurl), quire-search runs as a child process. CSV is parsed
 * back with an RFC 4180 reader, Atom and OpenSearch with libxml2.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <quire/quire.h>

#include "server_harness.h"
#include "strbuf.h"

#define FILLERS 10050 /* more than the 10,000 an export gives */

static char tmp[64];
static char db_path[128];
static qt_server srv = {.pid = -1};

/* The generated corpus: fillers "common filler N" over 20 years and two
 * sources, and the "zebra" documents whose fields need quoting. */
static void write_corpus(const char *path)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < FILLERS; i++)
        fprintf(f,
                "{\"id\":\"f%05d\",\"title\":\"Filler %d\",\"source\":\"%s\",\"date\":"
                "\"%04d-%02d-%02d\",\"url\":\"https://example.org/f/%d\",\"body\":\"common "
                "filler text number %d. Nothing else.\"}\n",
                i, i, i % 2 ? "src-b" : "src-a", 2000 + i % 20, 1 + i % 12, 1 + i % 28, i, i);
    fputs("{\"id\":\"z1\",\"title\":\"Comma, \\\"quoted\\\" title\",\"source\":\"zoo\","
          "\"date\":\"2019-05-06\",\"url\":\"https://example.org/z?a=1&b=2\","
          "\"body\":\"The zebra alpha sentence, with a comma. Another one.\"}\n"
          "{\"id\":\"z2\",\"title\":\"Line\\nbreak title\",\"source\":\"zoo\","
          "\"date\":\"2021-01-02T10:30:00+02:00\",\"body\":\"A zebra beta sentence.\"}\n"
          "{\"id\":\"z3\",\"title\":\"Bad \\u0001 char <&>\",\"source\":\"zoo\","
          "\"date\":\"2017\",\"url\":\"https://example.org/z3\","
          "\"body\":\"The zebra gamma \\\"sentence\\\".\"}\n",
          f);
    fclose(f);
}

static void start(void)
{
    strcpy(tmp, "/tmp/quire-test-export-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    char jsonl[128];
    snprintf(jsonl, sizeof jsonl, "%s/corpus.jsonl", tmp);
    snprintf(db_path, sizeof db_path, "%s/db", tmp);
    write_corpus(jsonl);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db_path, "--quiet", jsonl, NULL};
    cr_assert_eq(qt_run_quiet(idx), 0, "quire-index failed");
    qt_server_start(&srv, db_path, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void stop(void)
{
    qt_server_kill(&srv);
    curl_global_cleanup();
    qt_remove_tree(tmp);
}

TestSuite(export, .init = start, .fini = stop, .timeout = 180);

/* ------------------------------------------------------------ clients --- */

/* A request to the server on `port`: GET, or POST of `body` (len bytes)
 * with `ctype`. The status; the body into *out. */
static long request(unsigned port, const char *path, const char *body, size_t len,
                    const char *ctype, const char *accept, quirei_buf *out)
{
    CURL *c = curl_easy_init();
    char url[4096];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
    quirei_buf_reset(out);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    struct curl_slist *h = NULL;
    char hdr[160];
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        snprintf(hdr, sizeof hdr, "Content-Type: %s", ctype);
        h = curl_slist_append(h, hdr);
        h = curl_slist_append(h, "Expect:");
    }
    if (accept) {
        snprintf(hdr, sizeof hdr, "Accept: %s", accept);
        h = curl_slist_append(h, hdr);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "%s: %s", url, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

static long get(const char *path, quirei_buf *out)
{
    return request(srv.port, path, NULL, 0, NULL, NULL, out);
}

static long post(const char *path, const char *body, const char *ctype, quirei_buf *out)
{
    return request(srv.port, path, body, strlen(body), ctype, NULL, out);
}

static json_t *json_of(const quirei_buf *b)
{
    json_error_t e;
    json_t *o = json_loadb(b->ptr ? b->ptr : "", b->len, 0, &e);
    cr_assert_not_null(o, "not JSON (%s): %.300s", e.text, quirei_buf_cstr(b));
    return o;
}

static const char *str_at(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* ---------------------------------------------------------------- CSV --- */

/* RFC 4180 text -> rows of fields: rows[r][f] (malloc'd strings), the
 * number of rows in *nrows, each row's field count in ncols[r]. */
typedef struct csv_table {
    char ***rows;
    size_t *ncols;
    size_t nrows;
} csv_table;

static void csv_push_field(csv_table *t, quirei_buf *field)
{
    size_t r = t->nrows - 1;
    t->rows[r] = realloc(t->rows[r], (t->ncols[r] + 1) * sizeof **t->rows);
    t->rows[r][t->ncols[r]++] = strdup(quirei_buf_cstr(field));
    quirei_buf_reset(field);
}

static void csv_new_row(csv_table *t)
{
    t->rows = realloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
    t->ncols = realloc(t->ncols, (t->nrows + 1) * sizeof *t->ncols);
    t->rows[t->nrows] = NULL;
    t->ncols[t->nrows++] = 0;
}

static csv_table csv_parse(const char *s)
{
    csv_table t = {0};
    quirei_buf field = QUIREI_BUF_INIT;
    while (*s) {
        csv_new_row(&t);
        for (;;) {
            if (*s == '"') {
                for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
                    if (*s == '"')
                        s++; /* "" is one quote */
                    quirei_buf_addc(&field, *s);
                }
                cr_assert_eq(*s, '"', "unterminated quoted field");
                s++;
            } else {
                size_t n = strcspn(s, ",\r\n");
                cr_assert(!memchr(s, '"', n), "a quote inside an unquoted field");
                quirei_buf_add(&field, s, n);
                s += n;
            }
            csv_push_field(&t, &field);
            if (*s != ',')
                break;
            s++;
        }
        cr_assert(strncmp(s, "\r\n", 2) == 0, "rows end with CRLF: %.20s", s);
        s += 2;
    }
    quirei_buf_release(&field);
    return t;
}

static void csv_free(csv_table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t f = 0; f < t->ncols[r]; f++)
            free(t->rows[r][f]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->ncols);
}

/* -------------------------------------------------------------- batch --- */

Test(export, batch_json_in_order_with_errors_in_place)
{
    quirei_buf b = QUIREI_BUF_INIT;
    const char *body = "[\"zebra alpha\", \")bad\", \"zebra\", \"nothingmatcheshere\"]";
    cr_assert_eq(post("/api/batch?limit=2", body, "application/json", &b), 200, "%s", b.ptr);
    json_t *o = json_of(&b);
    json_t *res = json_object_get(o, "results");
    cr_assert_eq(json_array_size(res), 4);
    cr_expect(json_is_true(json_object_get(o, "complete")));
    const char *order[] = {"zebra alpha", ")bad", "zebra", "nothingmatcheshere"};
    for (size_t i = 0; i < 4; i++)
        cr_expect_str_eq(str_at(json_array_get(res, i), "query"), order[i]);
    json_t *r0 = json_array_get(res, 0), *r1 = json_array_get(res, 1);
    json_t *r2 = json_array_get(res, 2), *r3 = json_array_get(res, 3);
    cr_expect(json_is_null(json_object_get(r0, "error")));
    json_t *h = json_array_get(json_object_get(r0, "hits"), 0);
    cr_expect_str_eq(str_at(h, "id"), "z1");
    cr_expect_str_eq(str_at(h, "source"), "zoo");
    cr_expect_str_eq(str_at(h, "date"), "2019-05-06");
    cr_expect_str_eq(str_at(h, "url"), "https://example.org/z?a=1&b=2");
    cr_expect(json_object_get(h, "quote") != NULL && json_object_get(h, "title") != NULL);
    /* The bad query is answered in its place, the next ones still run. */
    json_t *e = json_object_get(r1, "error");
    cr_expect_str_eq(str_at(e, "code"), "bad_query");
    cr_expect_eq(json_integer_value(json_object_get(e, "position")), 0);
    cr_expect(json_is_null(json_object_get(r1, "total")));
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(r2, "total"), "value")), 3);
    cr_expect_eq(json_array_size(json_object_get(r2, "hits")), 2, "limit = hits a query");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(r3, "total"), "value")), 0);
    json_decref(o);
    quirei_buf_release(&b);
}

Test(export, batch_text_lines_and_filters)
{
    quirei_buf b = QUIREI_BUF_INIT;
    /* CRLF and blank lines; source= and from= apply to every query. */
    cr_assert_eq(post("/api/batch?source=zoo&from=2018", "zebra\r\n\r\ncommon\nzebra gamma\n",
                      "text/plain", &b),
                 200, "%s", b.ptr);
    json_t *o = json_of(&b), *res = json_object_get(o, "results");
    cr_assert_eq(json_array_size(res), 3, "%s", b.ptr);
    cr_expect_str_eq(str_at(json_array_get(res, 0), "query"), "zebra");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(json_array_get(res, 0),
                                                                    "total"), "value")),
                 2, "z1 (2019) and z2 (2021), not z3 (2017): %s", b.ptr);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(json_array_get(res, 1),
                                                                    "total"), "value")),
                 0, "no filler is in source zoo");
    json_decref(o);
    quirei_buf_release(&b);
}

Test(export, batch_limits_413_405_400)
{
    quirei_buf b = QUIREI_BUF_INIT, big = QUIREI_BUF_INIT;
    for (int i = 0; i < 1001; i++)
        quirei_buf_addf(&big, "q%d\n", i);
    cr_expect_eq(post("/api/batch", big.ptr, "text/plain", &b), 413, "%s", b.ptr);
    json_t *o = json_of(&b);
    cr_expect_str_eq(str_at(json_object_get(o, "error"), "code"), "payload_too_large");
    json_decref(o);
    /* 1,000 is allowed. */
    quirei_buf_reset(&big);
    for (int i = 0; i < 1000; i++)
        quirei_buf_addf(&big, "zebra%d\n", i);
    cr_expect_eq(post("/api/batch?limit=1", big.ptr, "text/plain", &b), 200);
    /* Over 1 MiB: refused unread. */
    quirei_buf_reset(&big);
    while (big.len <= 1048576)
        quirei_buf_adds(&big, "zebra alpha beta gamma delta\n");
    cr_expect_eq(post("/api/batch", big.ptr, "text/plain", &b), 413, "%s", b.ptr);
    cr_expect_eq(get("/api/batch", &b), 405);
    cr_expect_eq(post("/api/batch", "", "text/plain", &b), 400);
    cr_expect_eq(post("/api/batch", "[\"a\", 3]", "application/json", &b), 400);
    cr_expect(strstr(b.ptr, "not a string"), "%s", b.ptr);
    cr_expect_eq(post("/api/batch?limit=11", "zebra", "text/plain", &b), 400);
    cr_expect_eq(post("/api/batch?page=2", "zebra", "text/plain", &b), 400);
    quirei_buf_release(&big);
    quirei_buf_release(&b);
}

Test(export, batch_csv_parses_back)
{
    quirei_buf b = QUIREI_BUF_INIT;
    const char *body = "[\"zebra\", \"x)\", \"nothingmatcheshere\"]";
    cr_assert_eq(request(srv.port, "/api/batch?sort=date&limit=5", body, strlen(body),
                         "application/json", "text/csv", &b),
                 200);
    csv_table t = csv_parse(b.ptr);
    cr_assert_eq(t.nrows, 1 + 3 + 1 + 1, "header, 3 zebra hits, the error, no hit: %s", b.ptr);
    cr_expect_str_eq(t.rows[0][1], "query");
    for (size_t r = 0; r < t.nrows; r++)
        cr_expect_eq(t.ncols[r], 12, "row %zu", r);
    /* Newest first: z2 (2021, a line break in its title), z1, z3. */
    cr_expect_str_eq(t.rows[1][6], "z2");
    cr_expect_str_eq(t.rows[1][7], "Line\nbreak title");
    cr_expect_str_eq(t.rows[2][7], "Comma, \"quoted\" title");
    cr_expect_str_eq(t.rows[2][10], "https://example.org/z?a=1&b=2");
    cr_expect_str_eq(t.rows[4][0], "2");
    cr_expect(strlen(t.rows[4][4]) > 0, "the error column");
    cr_expect_str_eq(t.rows[5][2], "0");
    cr_expect_str_eq(t.rows[5][6], "");
    csv_free(&t);
    quirei_buf_release(&b);
}

/* A batch past its time budget (half of --timeout) stops cleanly and
 * says which queries were not run. */
Test(export, batch_deadline)
{
    qt_server s2 = {.pid = -1};
    const char *extra[] = {"--timeout", "1", NULL};
    qt_server_start(&s2, db_path, extra);
    quirei_buf body = QUIREI_BUF_INIT, b = QUIREI_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        quirei_buf_addf(&body, "common OR filler OR text OR number OR nothing%d\n", i);
    double t0 = qt_now();
    long st = request(s2.port, "/api/batch?sort=date", body.ptr, body.len, "text/plain", NULL,
                      &b);
    double took = qt_now() - t0;
    cr_assert_eq(st, 200, "%s", b.ptr);
    json_t *o = json_of(&b), *res = json_object_get(o, "results");
    cr_assert_eq(json_array_size(res), 1000);
    cr_expect(json_is_false(json_object_get(o, "complete")), "1,000 queries of 10,000 matches "
                                                            "in 0.5 s? took %.2f s", took);
    cr_expect_lt(took, 1.5);
    size_t ran = 0;
    while (ran < 1000 && json_is_null(json_object_get(json_array_get(res, ran), "error")))
        ran++;
    cr_expect_gt(ran, 0);
    for (size_t i = ran; i < 1000; i++) {
        json_t *r = json_array_get(res, i);
        cr_expect_str_eq(str_at(json_object_get(r, "error"), "code"), "not_run", "query %zu", i);
        cr_expect(json_is_null(json_object_get(r, "total")));
    }
    json_decref(o);
    qt_server_kill(&s2);
    quirei_buf_release(&body);
    quirei_buf_release(&b);
}

/* ------------------------------------------------------------- export --- */

/* The lines of s, as JSON objects (each must parse). */
static size_t jsonl_rows(const quirei_buf *b, json_t **rows, size_t max)
{
    size_t n = 0;
    for (const char *p = quirei_buf_cstr(b); *p;) {
        const char *nl = strchr(p, '\n');
        cr_assert_not_null(nl, "the last line ends with a newline");
        json_error_t e;
        json_t *o = json_loadb(p, (size_t)(nl - p), 0, &e);
        cr_assert_not_null(o, "line %zu: %s", n + 1, e.text);
        if (n < max)
            rows[n] = o;
        else
            json_decref(o);
        n++;
        p = nl + 1;
    }
    return n;
}

static json_int_t total_of(const char *path)
{
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(get(path, &b), 200, "%s", b.ptr);
    json_t *o = json_of(&b);
    json_int_t v = json_integer_value(json_object_get(json_object_get(o, "total"), "value"));
    json_decref(o);
    quirei_buf_release(&b);
    return v;
}

Test(export, jsonl_every_match_whatever_limit)
{
    quirei_buf b = QUIREI_BUF_INIT;
    /* 10,050 match: an export gives 10,000. */
    cr_assert_eq(get("/api/search?q=common&format=jsonl&limit=3", &b), 200);
    cr_expect_eq(jsonl_rows(&b, NULL, 0), 10000);
    /* Filters: the fillers of 2003 in source src-b, over several pages. */
    const char *q = "/api/search?q=common&source=src-b&from=2003&to=2003-12-31";
    json_int_t total = total_of(q);
    cr_assert_gt(total, 200);
    char path[256];
    snprintf(path, sizeof path, "%s&sort=date&format=jsonl&limit=1", q);
    cr_assert_eq(get(path, &b), 200);
    static json_t *rows[FILLERS];
    size_t n = jsonl_rows(&b, rows, FILLERS);
    cr_expect_eq((json_int_t)n, total);
    for (size_t i = 0; i < n; i++) {
        cr_expect_eq(json_integer_value(json_object_get(rows[i], "rank")), (json_int_t)i + 1);
        cr_expect_str_eq(str_at(rows[i], "source"), "src-b");
        cr_expect(strncmp(str_at(rows[i], "date"), "2003-", 5) == 0);
        if (i)
            cr_expect(strcmp(str_at(rows[i - 1], "date"), str_at(rows[i], "date")) >= 0,
                      "newest first at row %zu", i);
    }
    for (size_t i = 0; i < n; i++)
        json_decref(rows[i]);
    quirei_buf_release(&b);
}

Test(export, csv_export_parses_back)
{
    quirei_buf b = QUIREI_BUF_INIT, j = QUIREI_BUF_INIT;
    cr_assert_eq(get("/api/search?q=zebra&format=csv", &b), 200);
    csv_table t = csv_parse(b.ptr);
    cr_assert_eq(t.nrows, 4, "a header and 3 rows: %s", b.ptr);
    const char *cols[] = {"rank", "id",   "score", "title", "source",
                          "author", "date", "url",  "quote", "snippet"};
    for (size_t c = 0; c < 10; c++)
        cr_expect_str_eq(t.rows[0][c], cols[c]);
    /* The same fields as the JSON of the same search, byte for byte. */
    cr_assert_eq(get("/api/search?q=zebra", &j), 200);
    json_t *o = json_of(&j), *hits = json_object_get(o, "hits");
    for (size_t r = 1; r < t.nrows; r++) {
        json_t *h = json_array_get(hits, r - 1);
        cr_expect_eq(t.ncols[r], 10);
        cr_expect_str_eq(t.rows[r][1], str_at(h, "id"));
        cr_expect_str_eq(t.rows[r][3], str_at(h, "title"));
        cr_expect_str_eq(t.rows[r][7], str_at(h, "url") ? str_at(h, "url") : "");
        cr_expect_str_eq(t.rows[r][9], str_at(h, "snippet"));
    }
    csv_free(&t);
    /* Accept: text/csv asks for it too; a bad query is a 400 before any row. */
    cr_assert_eq(request(srv.port, "/api/search?q=zebra", NULL, 0, NULL, "text/csv", &b), 200);
    cr_expect(strncmp(b.ptr, "rank,id,", 8) == 0);
    cr_expect_eq(get("/api/search?q=%29x&format=csv", &b), 400);
    json_decref(o);
    quirei_buf_release(&b);
    quirei_buf_release(&j);
}

/* --------------------------------------------------------------- atom --- */

static const xmlChar *attr(xmlNodePtr n, const char *name)
{
    xmlAttrPtr a = xmlHasProp(n, BAD_CAST name);
    return a && a->children ? a->children->content : NULL;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* The feed of path, parsed (must be well-formed); its entry ids and
 * updated values into ids[] and upd[] (xmlFree them), their count. */
static size_t feed_entries(const char *path, xmlDocPtr *doc, xmlChar **ids, xmlChar **upd,
                           size_t max)
{
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(get(path, &b), 200, "%s", b.ptr);
    *doc = xmlReadMemory(b.ptr, (int)b.len, "feed.xml", NULL, XML_PARSE_NONET);
    cr_assert_not_null(*doc, "not well-formed XML: %s", b.ptr);
    xmlNodePtr feed = xmlDocGetRootElement(*doc);
    cr_assert_str_eq((const char *)feed->name, "feed");
    cr_assert_str_eq((const char *)feed->ns->href, "http://www.w3.org/2005/Atom");
    size_t n = 0;
    for (xmlNodePtr e = feed->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE || strcmp((const char *)e->name, "entry") != 0)
            continue;
        cr_assert_lt(n, max);
        ids[n] = xmlNodeGetContent(child(e, "id"));
        upd[n] = xmlNodeGetContent(child(e, "updated"));
        cr_expect_not_null(child(e, "title"));
        n++;
    }
    quirei_buf_release(&b);
    return n;
}

Test(export, atom_feed)
{
    xmlDocPtr d1, d2;
    xmlChar *ids1[16], *upd1[16], *ids2[16], *upd2[16];
    size_t n1 = feed_entries("/api/search?q=zebra&format=atom", &d1, ids1, upd1, 16);
    size_t n2 = feed_entries("/api/search?q=zebra&format=atom&limit=2", &d2, ids2, upd2, 16);
    cr_assert_eq(n1, 3);
    cr_assert_eq(n2, 2);
    /* Newest first; ids from document ids, the same at any limit. */
    cr_expect_str_eq((char *)ids1[0], "tag:quire,2026:doc:z2");
    /* quire-index keeps a date-time's day (as written) and drops its time. */
    cr_expect_str_eq((char *)upd1[0], "2021-01-02T00:00:00Z");
    cr_expect_str_eq((char *)ids1[1], "tag:quire,2026:doc:z1");
    cr_expect_str_eq((char *)upd1[1], "2019-05-06T00:00:00Z");
    cr_expect_str_eq((char *)upd1[2], "2017-01-01T00:00:00Z");
    for (size_t i = 0; i < n2; i++)
        cr_expect_str_eq((char *)ids1[i], (char *)ids2[i]);
    /* The same feed read again: the same ids, in the same order. */
    xmlDocPtr d3;
    xmlChar *ids3[16], *upd3[16];
    cr_assert_eq(feed_entries("/api/search?q=zebra&format=atom", &d3, ids3, upd3, 16), n1);
    for (size_t i = 0; i < n1; i++) {
        cr_expect_str_eq((char *)ids1[i], (char *)ids3[i]);
        xmlFree(ids3[i]);
        xmlFree(upd3[i]);
    }
    xmlFreeDoc(d3);
    xmlNodePtr feed = xmlDocGetRootElement(d1);
    xmlChar *fu = xmlNodeGetContent(child(feed, "updated"));
    cr_expect_str_eq((char *)fu, (char *)upd1[0], "the feed's updated is its newest entry's");
    int self = 0, search = 0;
    for (xmlNodePtr c = feed->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "link") != 0)
            continue;
        const char *rel = (const char *)attr(c, "rel"), *href = (const char *)attr(c, "href");
        self += rel && strcmp(rel, "self") == 0 && strstr(href, "format=atom");
        search += rel && strcmp(rel, "search") == 0 && strstr(href, "/opensearch.xml");
    }
    cr_expect(self && search, "rel=self and rel=search links");
    /* The control character of z3's title is gone, <&> kept as text. */
    xmlNodePtr e3 = NULL;
    for (xmlNodePtr c = feed->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "entry") == 0)
            e3 = c;
    xmlChar *t3 = xmlNodeGetContent(child(e3, "title"));
    cr_expect_str_eq((char *)t3, "Bad  char <&>");
    xmlFree(t3);
    xmlFree(fu);
    for (size_t i = 0; i < n1; i++)
        xmlFree(ids1[i]), xmlFree(upd1[i]);
    for (size_t i = 0; i < n2; i++)
        xmlFree(ids2[i]), xmlFree(upd2[i]);
    xmlFreeDoc(d1);
    xmlFreeDoc(d2);
}

/* --------------------------------------------------------- opensearch --- */

static void check_opensearch(unsigned port)
{
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(request(port, "/opensearch.xml", NULL, 0, NULL, NULL, &b), 200, "%s", b.ptr);
    xmlDocPtr d = xmlReadMemory(b.ptr, (int)b.len, "os.xml", NULL, XML_PARSE_NONET);
    cr_assert_not_null(d);
    xmlNodePtr root = xmlDocGetRootElement(d);
    cr_expect_str_eq((const char *)root->name, "OpenSearchDescription");
    cr_expect_str_eq((const char *)root->ns->href, "http://a9.com/-/spec/opensearch/1.1/");
    int json = 0, atom = 0, html = 0;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "Url") != 0)
            continue;
        const char *type = (const char *)attr(c, "type"), *t = (const char *)attr(c, "template");
        int paged = strstr(t, "{searchTerms}") && strstr(t, "{startIndex?}") &&
                    strstr(t, "{count?}") && strncmp(t, "http://", 7) == 0;
        json += !strcmp(type, "application/json") && paged;
        atom += !strcmp(type, "application/atom+xml") && paged && strstr(t, "format=atom");
        html += !strcmp(type, "text/html") && strstr(t, "/?q={searchTerms}") != NULL;
    }
    cr_expect(json == 1 && atom == 1 && html == 1, "%s", b.ptr);
    xmlFreeDoc(d);
    quirei_buf_release(&b);
}

Test(export, opensearch_public_with_api_key)
{
    check_opensearch(srv.port);
    qt_server s2 = {.pid = -1};
    const char *extra[] = {"--api-key", "sekrit-key-123", NULL};
    qt_server_start(&s2, db_path, extra);
    check_opensearch(s2.port);
    quirei_buf b = QUIREI_BUF_INIT;
    cr_expect_eq(request(s2.port, "/api/batch", "zebra", 5, "text/plain", NULL, &b), 401);
    cr_expect_eq(request(s2.port, "/api/search?q=zebra&format=csv", NULL, 0, NULL, NULL, &b),
                 401);
    qt_server_kill(&s2);
    quirei_buf_release(&b);
}

/* -------------------------------------------------------- quire-search --- */

/* Run quire-search with argv (after --db), stdin from `in` (may be NULL);
 * its stdout into *out; its exit status. */
static int run_search(const char *const *args, const char *in, quirei_buf *out)
{
    char cmd[4096], infile[160] = "/dev/null";
    if (in) {
        snprintf(infile, sizeof infile, "%s/stdin.txt", tmp);
        FILE *f = fopen(infile, "w");
        fputs(in, f);
        fclose(f);
    }
    int n = snprintf(cmd, sizeof cmd, "'%s/quire-search' --db '%s'", QUIRE_BIN_DIR, db_path);
    for (size_t i = 0; args[i]; i++)
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, " '%s'", args[i]);
    snprintf(cmd + n, sizeof cmd - (size_t)n, " < '%s' 2>/dev/null", infile);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    quirei_buf_reset(out);
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, p)) > 0)
        quirei_buf_add(out, chunk, k);
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(export, quire_search_batch_and_csv)
{
    quirei_buf out = QUIREI_BUF_INIT;
    const char *batch[] = {"--batch", "-", "--format", "json", NULL};
    cr_assert_eq(run_search(batch, "zebra\n(unclosed OR\n)bad\n", &out), 4,
                 "a refused query: exit 4 (a bad query); %s", out.ptr);
    json_t *o = json_of(&out), *res = json_object_get(o, "results");
    cr_assert_eq(json_array_size(res), 3);
    cr_expect_eq(json_array_size(json_object_get(json_array_get(res, 0), "hits")), 3,
                 "the batch default limit is 3");
    cr_expect_str_eq(str_at(json_object_get(json_array_get(res, 2), "error"), "code"),
                     "bad_query");
    json_decref(o);
    const char *csv[] = {"--batch", "-", "--format", "csv", "--limit", "1", NULL};
    cr_assert_eq(run_search(csv, "[\"zebra\", \"common\"]", &out), 0);
    csv_table t = csv_parse(out.ptr);
    cr_expect_eq(t.nrows, 3);
    cr_expect_str_eq(t.rows[2][2], "10000");
    cr_expect_str_eq(t.rows[2][3], "gte");
    csv_free(&t);
    /* An export: every match of the filter, whatever --limit says. */
    const char *exp[] = {"--format", "csv", "--limit", "2", "--source", "zoo", "zebra", NULL};
    cr_assert_eq(run_search(exp, NULL, &out), 0);
    t = csv_parse(out.ptr);
    cr_expect_eq(t.nrows, 4);
    cr_expect_str_eq(t.rows[1][4], "zoo");
    csv_free(&t);
    const char *jl[] = {"--format", "jsonl", "common", NULL};
    cr_assert_eq(run_search(jl, NULL, &out), 0);
    cr_expect_eq(jsonl_rows(&out, NULL, 0), 10000);
    const char *bad[] = {"--batch", "-", "--format", "atom", NULL};
    cr_expect_eq(run_search(bad, "zebra\n", &out), 2);
    quirei_buf_release(&out);
}

/* ------------------------------------------------------------ C API ----- */

/* quire_export_*: the pages cover every hit once, in rank order, from the
 * offset to the end (10,000 at most), whatever limit says. */
Test(export, c_api_export_pages)
{
    quire_reader_t *r = NULL;
    cr_assert_eq(quire_reader_open(db_path, &r, NULL), QUIRE_OK);
    quire_search_options_t o = {.limit = 7, .offset = 9950};
    quire_export_t *e = NULL;
    cr_assert_eq(quire_export_open(r, "common", &o, &e), QUIRE_OK);
    cr_expect_eq(quire_export_count(e), 50);
    const quire_results_t *page;
    unsigned next = 9951;
    while (quire_export_next(e, &page) == QUIRE_OK && page)
        for (size_t i = 0; i < page->nhits; i++)
            cr_expect_eq(page->hits[i].rank, next++);
    cr_expect_eq(next, 10001);
    quire_export_free(e);
    o.offset = 0;
    cr_assert_eq(quire_export_open(r, "zebra", &o, &e), QUIRE_OK);
    cr_expect_eq(quire_export_count(e), 3);
    quire_export_free(e);
    cr_expect_eq(quire_export_open(r, ")", &o, &e), QUIRE_EQUERY);
    cr_expect_null(e);
    o.offset = 10000;
    cr_expect_eq(quire_export_open(r, "zebra", &o, &e), QUIRE_EQUERY);
    quire_reader_close(r);
}

/* Dates in every ISO 8601 form the index holds become RFC 3339; ids are
 * percent-encoded into the tag: URI. */
Test(export, c_api_atom_dates_and_ids)
{
    static const char *const dates[][2] = {
        {"2016", "2016-01-01T00:00:00Z"},
        {"2016-02", "2016-02-01T00:00:00Z"},
        {"2016-02-03 10:30", "2016-02-03T10:30:00Z"},
        {"2016-02-03T10:30:15.25Z", "2016-02-03T10:30:15Z"},
        {"2016-02-03T10:30:15+0200", "2016-02-03T10:30:15+02:00"},
        {"2016-02-03Tnonsense", "1970-01-01T00:00:00Z"}, /* not a date: undated */
        {"yesterday", "1970-01-01T00:00:00Z"},
    };
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
        quire_hit_t h = {.rank = 1, .id = "a b/ü", .title = "t", .date = dates[i][0],
                         .snippet = "s"};
        quire_results_t res = {.query = "q", .total = 1, .limit = 10, .nhits = 1, .hits = &h};
        char *x = quire_results_atom(&res, NULL);
        cr_assert_not_null(x);
        char want[96];
        snprintf(want, sizeof want, "<updated>%s</updated>", dates[i][1]);
        cr_expect(strstr(x, want), "%s -> %s", dates[i][0], x);
        cr_expect(strstr(x, "<id>tag:quire,2026:doc:a%20b%2F%C3%BC</id>"), "%s", x);
        xmlDocPtr d = xmlReadMemory(x, (int)strlen(x), "f.xml", NULL, XML_PARSE_NONET);
        cr_expect_not_null(d);
        xmlFreeDoc(d);
        free(x);
    }
}

/* A portal on another origin (--cors) may POST a batch: the preflight
 * allows it. */
Test(export, cors_preflight_allows_post)
{
    qt_server s2 = {.pid = -1};
    const char *extra[] = {"--cors", "https://portal.example", NULL};
    qt_server_start(&s2, db_path, extra);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/api/batch", s2.port);
    quirei_buf hdr = QUIREI_BUF_INIT, body = QUIREI_BUF_INIT;
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Origin: https://portal.example");
    h = curl_slist_append(h, "Access-Control-Request-Method: POST");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "OPTIONS");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hdr);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    cr_assert_eq(curl_easy_perform(c), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    cr_expect_eq(status, 204);
    cr_expect(strstr(hdr.ptr, "Access-Control-Allow-Methods: GET, POST"), "%s", hdr.ptr);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    qt_server_kill(&s2);
    quirei_buf_release(&hdr);
    quirei_buf_release(&body);
}
