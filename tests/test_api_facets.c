/*
 * test_api_facets.c - facets, /api/sources and filter warnings through the
 * real programs: an index built by the real quire-index from a JSON Lines
 * file written here, served by the real quire-serve (127.0.0.1, a port it
 * picks) and searched by the real quire-search.
 *
 *   docs 0-11: source  wire/ap 0-4, wire/reuters 5-8, Blog 9-10, none 11
 *              author  Kim 0-5, Lee 6-8, none 9-11
 *              date    2019 0-3, 2020 4-8, 2021-05-01 9-10, none 11
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server_harness.h"
#include "strbuf.h"

static char tmp[64];
static char db[128];
static qt_server srv = {.pid = -1};

static void write_corpus(const char *path)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < 12; i++) {
        const char *source = i < 5 ? "\"wire/ap\"" : i < 9 ? "\"wire/reuters\"" : i < 11 ? "\"Blog\"" : "null";
        const char *author = i < 6 ? "\"Kim\"" : i < 9 ? "\"Lee\"" : "null";
        const char *date = i < 4 ? "\"2019-02-01\"" : i < 9 ? "\"2020-07-14\"" : i < 11 ? "\"2021-05-01\"" : "null";
        fprintf(f,
                "{\"id\":\"e%02d\",\"title\":\"Report %d\",\"source\":%s,\"author\":%s,"
                "\"date\":%s,\"body\":\"election security report number %d%s\"}\n",
                i, i, source, author, date, i, i % 2 ? " odd" : "");
    }
    cr_assert_eq(fclose(f), 0);
}

static void start(void)
{
    strcpy(tmp, "/tmp/quire-test-facets-api-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    char corpus[128];
    snprintf(corpus, sizeof corpus, "%s/news.jsonl", tmp);
    snprintf(db, sizeof db, "%s/db", tmp);
    write_corpus(corpus);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--quiet", corpus, NULL};
    cr_assert_eq(qt_run_quiet(idx), 0, "quire-index failed");
    const char *extra[] = {"--threads", "2", NULL};
    qt_server_start(&srv, db, extra);
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void stop(void)
{
    qt_server_finish(&srv);
    curl_global_cleanup();
    qt_remove_tree(tmp);
}

TestSuite(api_facets, .init = start, .fini = stop, .timeout = 120);

/* GET path; the status, the body in *body. */
static long get(const char *path, quirei_buf *body)
{
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", srv.port, path);
    quirei_buf_reset(body);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "GET %s: %s", path, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

/* GET path expecting 200 JSON; the parsed body (json_decref it). */
static json_t *get_json(const char *path)
{
    quirei_buf body = QUIREI_BUF_INIT;
    long status = get(path, &body);
    cr_assert_eq(status, 200, "GET %s: %ld %s", path, status, quirei_buf_cstr(&body));
    json_t *o = json_loads(quirei_buf_cstr(&body), 0, NULL);
    cr_assert_not_null(o, "GET %s: not JSON: %s", path, quirei_buf_cstr(&body));
    quirei_buf_release(&body);
    return o;
}

/* values[i] of facet f is {value, count}. */
static void expect_value(json_t *f, size_t i, const char *value, long long count)
{
    json_t *v = json_array_get(json_object_get(f, "values"), i);
    cr_assert_not_null(v, "no value %zu", i);
    cr_expect_str_eq(json_string_value(json_object_get(v, "value")), value);
    cr_expect_eq(json_integer_value(json_object_get(v, "count")), count, "%s", value);
}

/* Every facet's counts plus other make total.value. */
static void expect_adds_up(json_t *o)
{
    long long total = json_integer_value(json_object_get(json_object_get(o, "total"), "value"));
    const char *name;
    json_t *f;
    json_object_foreach(json_object_get(o, "facets"), name, f) {
        long long sum = json_integer_value(json_object_get(f, "other"));
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(f, "values"), i, v)
            sum += json_integer_value(json_object_get(v, "count"));
        cr_expect_eq(sum, total, "facet %s: %lld, total %lld", name, sum, total);
    }
}

Test(api_facets, search_returns_the_facets_of_every_match)
{
    json_t *o = get_json("/api/search?q=election&limit=1&facets=source,year,author&facet_size=2");
    json_t *facets = json_object_get(o, "facets");
    cr_assert(json_is_object(facets));
    cr_expect_eq(json_object_size(facets), 3);
    json_t *src = json_object_get(facets, "source");
    expect_value(src, 0, "wire/ap", 5);
    expect_value(src, 1, "wire/reuters", 4);
    cr_expect_eq(json_array_size(json_object_get(src, "values")), 2);
    cr_expect_eq(json_integer_value(json_object_get(src, "other")), 3);
    cr_expect_eq(json_integer_value(json_object_get(src, "missing")), 1);
    json_t *year = json_object_get(facets, "year");
    /* Every year, oldest first: facet_size is for the top-N facets. */
    expect_value(year, 0, "2019", 4);
    expect_value(year, 1, "2020", 5);
    expect_value(year, 2, "2021", 2);
    cr_expect_eq(json_integer_value(json_object_get(year, "missing")), 1);
    expect_value(json_object_get(facets, "author"), 0, "Kim", 6);
    expect_adds_up(o);
    cr_expect_eq(json_array_size(json_object_get(o, "warnings")), 0);
    json_decref(o);
    /* A subset, and one facet only: the odd reports. */
    o = get_json("/api/search?q=election+odd&facets=source");
    cr_expect_eq(json_object_size(json_object_get(o, "facets")), 1);
    expect_value(json_object_get(json_object_get(o, "facets"), "source"), 0, "wire/ap", 2);
    expect_adds_up(o);
    json_decref(o);
}

Test(api_facets, facets_are_part_of_the_cache_key)
{
    json_t *o = get_json("/api/search?q=report");
    cr_expect_null(json_object_get(o, "facets"));
    json_decref(o);
    o = get_json("/api/search?q=report&facets=year");
    cr_expect(json_is_object(json_object_get(json_object_get(o, "facets"), "year")));
    json_decref(o);
    o = get_json("/api/search?q=report&facets=year&facet_size=1");
    cr_expect_eq(json_array_size(json_object_get(
                     json_object_get(json_object_get(o, "facets"), "year"), "values")),
                 3);
    json_decref(o);
}

Test(api_facets, text_output_shows_facets_and_warnings)
{
    quirei_buf body = QUIREI_BUF_INIT;
    cr_assert_eq(get("/api/search?q=election&facets=source,year&format=text", &body), 200);
    const char *t = quirei_buf_cstr(&body);
    cr_expect(strstr(t, "\nsource: wire/ap 5, wire/reuters 4, Blog 2, other 1 (no source: 1)\n"),
              "%s", t);
    cr_expect(strstr(t, "\nyear: 2019 4, 2020 5, 2021 2, no date 1\n"), "%s", t);
    cr_assert_eq(get("/api/search?q=election&source=nosuch&format=text", &body), 200);
    cr_expect(strstr(quirei_buf_cstr(&body),
                     "\nwarning: source=nosuch: no document has this source\n"),
              "%s", quirei_buf_cstr(&body));
    quirei_buf_release(&body);
}

/* The first warning of GET path has this code and its message this text. */
static void expect_warning(const char *path, const char *code, const char *text)
{
    json_t *o = get_json(path);
    json_t *w = json_array_get(json_object_get(o, "warnings"), 0);
    cr_assert_not_null(w, "%s: no warning", path);
    cr_expect_str_eq(json_string_value(json_object_get(w, "code")), code, "%s", path);
    const char *msg = json_string_value(json_object_get(w, "message"));
    cr_expect(msg && strstr(msg, text), "%s: %s", path, msg ? msg : "(none)");
    json_decref(o);
}

Test(api_facets, filters_that_match_nothing_are_warned_about)
{
    expect_warning("/api/search?q=election&source=nosuch", "unknown_source", "source=nosuch");
    expect_warning("/api/search?q=election+source:wire/afp", "unknown_source", "source:wire/afp");
    expect_warning("/api/search?q=election&from=2030-01-01", "empty_date_range", "from=2030-01-01");
    expect_warning("/api/search?q=election+date:2010..2012", "empty_date_range", "date:2010..2012");
    /* A known source (any case, or a prefix) and a range with documents:
     * no warning. */
    json_t *o = get_json("/api/search?q=election&source=WIRE&from=2019&to=2020");
    cr_expect_eq(json_array_size(json_object_get(o, "warnings")), 0);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "total"), "value")), 9);
    json_decref(o);
}

Test(api_facets, bad_facet_parameters_are_400)
{
    static const char *const paths[] = {
        "/api/search?q=election&facets=title",
        "/api/search?q=election&facets=source,",
        "/api/search?q=election&facets=source&facet_size=0",
        "/api/search?q=election&facets=source&facet_size=101",
        "/api/sources?q=election",
        "/api/sources?format=csv",
    };
    quirei_buf body = QUIREI_BUF_INIT;
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        cr_expect_eq(get(paths[i], &body), 400, "%s", paths[i]);
        cr_expect(strstr(quirei_buf_cstr(&body), "\"bad_parameter\""), "%s: %s", paths[i],
                  quirei_buf_cstr(&body));
    }
    quirei_buf_release(&body);
}

Test(api_facets, sources_lists_every_source)
{
    quirei_buf body = QUIREI_BUF_INIT;
    cr_assert_eq(get("/api/sources", &body), 200);
    cr_expect_str_eq(quirei_buf_cstr(&body),
                     "{\"api_version\":\"" QUIRE_API_VERSION "\",\"sources\":[{\"value\":\"Blog\",\"count\":2},{\"value\":\"wire/ap\","
                     "\"count\":5},{\"value\":\"wire/reuters\",\"count\":4}],\"missing\":1,"
                     "\"partial\":false,\"missing_shards\":[]}");
    cr_assert_eq(get("/api/sources?format=text", &body), 200);
    cr_expect(strncmp(quirei_buf_cstr(&body), "3 sources, 12 documents (1 without a source)\n",
                      45) == 0,
              "%s", quirei_buf_cstr(&body));
    quirei_buf_release(&body);
}

/* ------------------------------------------------------- quire-search --- */

/* Run quire-search with args (NULL-terminated); its stdout in *out; its
 * exit status. */
static int run_quire_search(const char *const *args, quirei_buf *out)
{
    const char *argv[16] = {QUIRE_BIN_DIR "/quire-search", "--db", db};
    size_t n = 3;
    for (size_t i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/quire-search.out", tmp);
    return qt_run_output(argv, path, out);
}

Test(api_facets, quire_search_lists_sources_and_shows_facets)
{
    quirei_buf out = QUIREI_BUF_INIT;
    const char *sources[] = {"--sources", NULL};
    cr_expect_eq(run_quire_search(sources, &out), 0);
    cr_expect_str_eq(quirei_buf_cstr(&out), "3 sources, 12 documents (1 without a source)\n"
                                            "         2  Blog\n"
                                            "         5  wire/ap\n"
                                            "         4  wire/reuters\n");
    const char *json[] = {"--sources", "--format", "json", NULL};
    cr_expect_eq(run_quire_search(json, &out), 0);
    cr_expect(strstr(quirei_buf_cstr(&out), "\"sources\":[{\"value\":\"Blog\",\"count\":2},"),
              "%s", quirei_buf_cstr(&out));
    const char *facets[] = {"--facets", "author,source", "--facet-size", "1", "election", NULL};
    cr_expect_eq(run_quire_search(facets, &out), 0);
    cr_expect(strstr(quirei_buf_cstr(&out), "\nsource: wire/ap 5, other 7 (no source: 1)\n"
                                            "author: Kim 6, other 6 (no author: 3)\n"),
              "%s", quirei_buf_cstr(&out));
    const char *warn[] = {"--source", "nosuch", "election", NULL};
    cr_expect_eq(run_quire_search(warn, &out), 1); /* no hits */
    cr_expect(strstr(quirei_buf_cstr(&out), "warning: source=nosuch: no document has this source"),
              "%s", quirei_buf_cstr(&out));
    const char *bad1[] = {"--facets", "title", "election", NULL};
    cr_expect_eq(run_quire_search(bad1, &out), 2);
    const char *bad2[] = {"--sources", "election", NULL};
    cr_expect_eq(run_quire_search(bad2, &out), 2);
    const char *bad3[] = {"--facets", "year", "--facet-size", "101", "election", NULL};
    cr_expect_eq(run_quire_search(bad3, &out), 2);
    quirei_buf_release(&out);
}
