/*
 * test_api_similar.c - similar articles through the real programs: an index
 * built by quire-index from a JSON Lines file written here, served by
 * quire-serve (127.0.0.1, a port it picks): GET /api/similar/{id}; and
 * quire-search --similar ID.
 *
 *   s1  a story on a trojanized wallet updater at a cryptocurrency exchange
 *   s2  s1 again with a footer (a near-duplicate)
 *   s3  the same story told otherwise (similar)
 *   s4  a printer firmware bug (nothing in common)
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>
#include <quire/quire.h>
#include <stdio.h>
#include <string.h>

#include "server_harness.h"
#include "strbuf.h"

#define S1                                                                                  \
    "Lazarus operators breached the Hanwha cryptocurrency exchange through a trojanized "  \
    "wallet updater; the updater sideloaded a loader that stole hot wallet keys, and the " \
    "laundering went through mixers."

static char tmp[64], db[128];
static qt_server srv = {.pid = -1};

static void start(void)
{
    strcpy(tmp, "/tmp/quire-test-similar-api-XXXXXX");
    qt_index_jsonl(tmp, db, sizeof db,
                   "{\"id\":\"s1\",\"title\":\"Exchange robbed\",\"source\":\"a\","
                   "\"body\":\"" S1 "\"}\n"
                   "{\"id\":\"s2\",\"title\":\"Exchange robbed (copy)\",\"source\":\"b\","
                   "\"body\":\"" S1 " Subscribe for more.\"}\n"
                   "{\"id\":\"s3\",\"title\":\"Wallet updater abused\",\"source\":\"a\","
                   "\"date\":\"2024-05-01\",\"body\":\"A trojanized wallet updater let Lazarus "
                   "steal hot wallet keys from a cryptocurrency exchange; mixers did the "
                   "laundering.\"}\n"
                   "{\"id\":\"s4\",\"title\":\"Printer bug\",\"source\":\"a\",\"body\":"
                   "\"A heap overflow in printer firmware lets an attacker run code.\"}\n");
    qt_server_start(&srv, db, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void stop(void)
{
    qt_server_finish(&srv);
    curl_global_cleanup();
    qt_remove_tree(tmp);
}

TestSuite(api_similar, .init = start, .fini = stop, .timeout = 120);

/* GET path: the HTTP status; the body into *body. */
static long get_text(const char *path, quirei_buf *body)
{
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", srv.port, path);
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    cr_assert_eq(curl_easy_perform(c), CURLE_OK, "GET %s", path);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

/* GET path: the HTTP status; the body parsed as JSON into *out. */
static long get(const char *path, json_t **out)
{
    quirei_buf body = QUIREI_BUF_INIT;
    long status = get_text(path, &body);
    *out = json_loads(quirei_buf_cstr(&body), 0, NULL);
    cr_assert_not_null(*out, "GET %s: %s", path, quirei_buf_cstr(&body));
    quirei_buf_release(&body);
    return status;
}

static const char *hit_id(json_t *o, size_t i)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(o, "hits"), i), "id"));
}

static const char *error_code(json_t *o)
{
    return json_string_value(json_object_get(json_object_get(o, "error"), "code"));
}

Test(api_similar, answers_the_similar_article_without_self_or_copy)
{
    json_t *o;
    cr_assert_eq(get("/api/similar/s1", &o), 200);
    json_t *hits = json_object_get(o, "hits");
    cr_assert_eq(json_array_size(hits), 1, "only s3: s1 is itself, s2 its copy, s4 unrelated");
    cr_expect_str_eq(hit_id(o, 0), "s3");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "total"), "value")), 1);
    cr_expect_str_eq(json_string_value(json_object_get(o, "api_version")), QUIRE_API_VERSION);
    cr_expect_not_null(json_string_value(json_object_get(json_array_get(hits, 0), "snippet")));
    json_decref(o);
    /* From the copy's side, s1 is the near-duplicate. */
    cr_assert_eq(get("/api/similar/s2?snippets=0", &o), 200);
    cr_assert_eq(json_array_size(json_object_get(o, "hits")), 1);
    cr_expect_str_eq(hit_id(o, 0), "s3");
    cr_expect(json_is_null(json_object_get(json_array_get(json_object_get(o, "hits"), 0),
                                           "snippet")), "snippets=0");
    json_decref(o);
    /* s3's similar articles are s1 and s2, which are not near-duplicates of s3. */
    cr_assert_eq(get("/api/similar/s3?limit=1&offset=1", &o), 200);
    cr_expect_eq(json_array_size(json_object_get(o, "hits")), 1);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "total"), "value")), 2);
    json_decref(o);
}

Test(api_similar, filters_and_text_format)
{
    json_t *o;
    cr_assert_eq(get("/api/similar/s1?source=b", &o), 200);
    cr_expect_eq(json_array_size(json_object_get(o, "hits")), 0, "s2 is a copy, s3 is in a");
    json_decref(o);
    cr_assert_eq(get("/api/similar/s1?from=2024", &o), 200);
    cr_expect_str_eq(hit_id(o, 0), "s3");
    json_decref(o);
    quirei_buf body = QUIREI_BUF_INIT;
    cr_assert_eq(get_text("/api/similar/s1?format=text", &body), 200);
    cr_expect_not_null(strstr(quirei_buf_cstr(&body), "Wallet updater abused"), "%s",
                       quirei_buf_cstr(&body));
    quirei_buf_release(&body);
}

Test(api_similar, refuses_unknown_ids_and_bad_parameters)
{
    json_t *o;
    cr_expect_eq(get("/api/similar/nope", &o), 404);
    cr_expect_str_eq(error_code(o), "not_found");
    cr_expect_not_null(strstr(json_string_value(json_object_get(json_object_get(o, "error"),
                                                                "message")), "nope"));
    json_decref(o);
    cr_expect_eq(get("/api/similar/", &o), 404);
    cr_expect_str_eq(error_code(o), "not_found");
    json_decref(o);
    static const char *const bad[][2] = {
        {"/api/similar/s1?limit=0", "limit"},       {"/api/similar/s1?offset=x", "offset"},
        {"/api/similar/s1?offset=95", "offset"},    {"/api/similar/s1?snippets=2", "snippets"},
        {"/api/similar/s1?format=csv", "format"},   {"/api/similar/s1?q=x", "q"},
        {"/api/similar/s1?from=2016-02-30", "from"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_expect_eq(get(bad[i][0], &o), 400, "%s", bad[i][0]);
        cr_expect_str_eq(error_code(o), "bad_parameter", "%s", bad[i][0]);
        cr_expect_str_eq(json_string_value(json_object_get(json_object_get(o, "error"),
                                                           "parameter")),
                         bad[i][1], "%s", bad[i][0]);
        json_decref(o);
    }
}

/* Run quire-search with argv; its exit status, its stdout into out. */
static int run(const char *const *argv, quirei_buf *out)
{
    char path[128];
    snprintf(path, sizeof path, "%s/out.txt", tmp);
    return qt_run_output(argv, path, out);
}

Test(api_similar, quire_search_similar_prints_what_the_server_answers)
{
    quirei_buf out = QUIREI_BUF_INIT, body = QUIREI_BUF_INIT;
    const char *js[] = {QUIRE_BIN_DIR "/quire-search", "--db", db, "--similar", "s1",
                        "--format", "json", NULL};
    cr_assert_eq(run(js, &out), 0);
    json_t *cli = json_loads(quirei_buf_cstr(&out), 0, NULL);
    cr_assert_not_null(cli, "%s", quirei_buf_cstr(&out));
    cr_assert_eq(get_text("/api/similar/s1", &body), 200);
    json_t *api = json_loads(quirei_buf_cstr(&body), 0, NULL);
    cr_assert_not_null(api);
    json_object_del(cli, "took_ms");
    json_object_del(api, "took_ms");
    cr_expect(json_equal(cli, api), "CLI:\n%s\nAPI:\n%s", quirei_buf_cstr(&out),
              quirei_buf_cstr(&body));
    json_decref(cli);
    json_decref(api);
    const char *none[] = {QUIRE_BIN_DIR "/quire-search", "--db", db, "--similar", "nope", NULL};
    cr_expect_eq(run(none, &out), 1, "no such id");
    const char *words[] = {QUIRE_BIN_DIR "/quire-search", "--db", db, "--similar", "s1",
                           "wallet", NULL};
    cr_expect_eq(run(words, &out), 2, "--similar takes no QUERY");
    const char *far[] = {QUIRE_BIN_DIR "/quire-search", "--db", db, "--similar", "s1",
                         "--offset", "100", NULL};
    cr_expect_eq(run(far, &out), 2, "offset + limit over 100");
    quirei_buf_release(&out);
    quirei_buf_release(&body);
}
