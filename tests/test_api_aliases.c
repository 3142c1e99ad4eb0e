/*
 * test_api_aliases.c - threat-actor aliases through the real programs: an
 * index built by quire-index from a JSON Lines file written here, served
 * by quire-serve (127.0.0.1, a port it picks) and searched by quire-search.
 *
 *   a1 names "Fancy Bear", a2 only "Sofacy", a3 only "Grizzly Steppe".
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server_harness.h"
#include "strbuf.h"

static char tmp[64], db[128];
static qt_server srv = {.pid = -1};

static void start(void)
{
    strcpy(tmp, "/tmp/quire-test-aliases-api-XXXXXX");
    qt_index_jsonl(tmp, db, sizeof db,
                   "{\"id\":\"a1\",\"body\":\"Fancy Bear phished the ministry.\"}\n"
                   "{\"id\":\"a2\",\"body\":\"Sofacy phished the ministry.\"}\n"
                   "{\"id\":\"a3\",\"body\":\"The Grizzly Steppe report.\"}\n");
    qt_server_start(&srv, db, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void stop(void)
{
    qt_server_finish(&srv);
    curl_global_cleanup();
    qt_remove_tree(tmp);
}

TestSuite(api_aliases, .init = start, .fini = stop, .timeout = 120);

static size_t keep(char *p, size_t size, size_t n, void *buf)
{
    return quirei_buf_add(buf, p, size * n) < 0 ? 0 : size * n;
}

/* GET path: the HTTP status; the body parsed as JSON into *out. */
static long get(const char *path, json_t **out)
{
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", srv.port, path);
    quirei_buf body = QUIREI_BUF_INIT;
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    cr_assert_eq(curl_easy_perform(c), CURLE_OK, "GET %s", path);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    *out = json_loads(quirei_buf_cstr(&body), 0, NULL);
    cr_assert_not_null(*out, "GET %s: %s", path, quirei_buf_cstr(&body));
    quirei_buf_release(&body);
    return status;
}

static size_t nhits(json_t *o)
{
    return json_array_size(json_object_get(o, "hits"));
}

Test(api_aliases, search_expands_and_aliases_0_does_not)
{
    json_t *o;
    cr_assert_eq(get("/api/search?q=fancy+bear", &o), 200);
    cr_expect_eq(nhits(o), 2);
    json_t *first = json_array_get(json_object_get(o, "hits"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(first, "id")), "a1");
    json_t *exp = json_object_get(o, "expanded");
    cr_expect(json_array_size(exp) > 5);
    cr_expect_str_eq(json_string_value(json_array_get(exp, 0)), "APT28");
    json_decref(o);
    cr_assert_eq(get("/api/search?q=fancy+bear&aliases=0", &o), 200);
    cr_expect_eq(nhits(o), 1, "cached answers are per aliases value");
    cr_expect_eq(json_array_size(json_object_get(o, "expanded")), 0);
    json_decref(o);
    cr_assert_eq(get("/api/search?q=grizzly+steppe", &o), 200);
    json_t *w = json_array_get(json_object_get(o, "warnings"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(w, "code")), "ambiguous_alias");
    json_decref(o);
    cr_assert_eq(get("/api/search?q=x&aliases=yes", &o), 400);
    json_t *err = json_object_get(o, "error");
    cr_expect_str_eq(json_string_value(json_object_get(err, "code")), "bad_parameter");
    cr_expect(strstr(json_string_value(json_object_get(err, "message")), "'yes'"));
    json_decref(o);
}

/* Run quire-search with argv; its exit status, its stdout in text. */
static int run(const char *const *argv, char *text, size_t size)
{
    char out[128];
    snprintf(out, sizeof out, "%s/out.txt", tmp);
    int status = qt_run_capture(argv, out, NULL);
    FILE *f = fopen(out, "r");
    cr_assert_not_null(f);
    size_t n = fread(text, 1, size - 1, f);
    fclose(f);
    text[n] = '\0';
    return status;
}

Test(api_aliases, quire_search_shows_aliases_and_no_aliases_turns_them_off)
{
    char text[8192];
    const char *on[] = {QUIRE_BIN_DIR "/quire-search", "--db", db, "Sofacy", NULL};
    cr_assert_eq(run(on, text, sizeof text), 0);
    cr_expect(strstr(text, "2 results for Sofacy") != NULL, "%s", text);
    cr_expect(strstr(text, "aliases: also searched for APT28, ") != NULL, "%s", text);
    const char *off[] = {QUIRE_BIN_DIR "/quire-search", "--db", db, "--no-aliases", "Sofacy", NULL};
    cr_assert_eq(run(off, text, sizeof text), 0);
    cr_expect(strstr(text, "1 result for Sofacy") != NULL, "%s", text);
    cr_expect(strstr(text, "aliases:") == NULL, "%s", text);
}
