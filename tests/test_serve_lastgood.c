/* test_serve_lastgood.c - quire-serve when the index it serves gets a new
 * generation that opens but is damaged (issue 16): a thread that served
 * the previous generation goes back to it (200s), one that has none
 * answers 503 index_unavailable with the reason; neither crashes, and a
 * rebuilt index is served again without a restart.
 *
 * The new generation is made by the real quire-index adding a .txt (the
 * writer merges into a new shard directory, switches the stub and removes
 * the old shard), then its docdata table's block 1 (of 4 KB; block 2 is the
 * root, read at open) is zeroed: it opens, and a search fails reading the
 * hits ("read hit: ... dir_end invalid in block 1", Xapian 1.4.22). */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server_harness.h"

#define WORD "zyzzyvaquokka" /* only in the added document */

static char dir[64];
static char db[96];
static char txt[96];
static char logpath[96];
static qt_server srv;

static void setup(void)
{
    strcpy(dir, "/tmp/quire-test-lastgood-XXXXXX");
    qt_index_sample(dir, db, sizeof db);
    snprintf(txt, sizeof txt, "%s/added.txt", dir);
    FILE *f = fopen(txt, "w");
    cr_assert_not_null(f);
    fputs("Added later\n\nA note about the " WORD " and nothing else.\n", f);
    fclose(f);
    snprintf(logpath, sizeof logpath, "%s/serve.log", dir);
    srv.log = fopen(logpath, "w");
    cr_assert_not_null(srv.log);
    const char *extra[] = {"--threads", "1", NULL}; /* one thread: one reader */
    qt_server_start(&srv, db, extra);
}

static void teardown(void)
{
    qt_server_finish(&srv);
    if (srv.log)
        fclose(srv.log);
    qt_remove_tree(dir);
}

TestSuite(lastgood, .init = setup, .fini = teardown, .timeout = 180);

/* GET path; the status, the body in *body. */
static long get(const char *path, quirei_buf *body)
{
    CURL *c = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", srv.port, path);
    quirei_buf_reset(body);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, qt_buf_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "%s: %s (did the server die?)", url, curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

/* The "total" of a 200 search for q. */
static long long total_of(const char *q)
{
    quirei_buf b = QUIREI_BUF_INIT;
    char path[128];
    snprintf(path, sizeof path, "/api/search?q=%s", q);
    long st = get(path, &b);
    cr_assert_eq(st, 200, "%s: %ld %s", path, st, quirei_buf_cstr(&b));
    json_t *o = json_loadb(b.ptr, b.len, 0, NULL);
    json_t *t = json_object_get(json_object_get(o, "total"), "value");
    cr_assert(json_is_integer(t), "%s", quirei_buf_cstr(&b));
    long long n = json_integer_value(t);
    json_decref(o);
    quirei_buf_release(&b);
    return n;
}

/* The shard the stub names (its directory name into name). */
static void stub_shard(char *name, size_t len)
{
    char stub[128], fmt[32];
    snprintf(stub, sizeof stub, "%s/XAPIANDB", db);
    snprintf(fmt, sizeof fmt, "auto %%%zus", len - 1);
    FILE *f = fopen(stub, "r");
    cr_assert_not_null(f);
    cr_assert_eq(fscanf(f, fmt, name), 1);
    fclose(f);
}

/* quire-index adds the .txt: a new generation, the old shard removed;
 * then block 1 of the new generation's docdata.glass is zeroed. */
static void add_then_damage(void)
{
    char before[64], after[64], path[256];
    stub_shard(before, sizeof before);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--quiet", txt, NULL};
    cr_assert_eq(qt_run_quiet(idx), 0, "quire-index adding %s failed", txt);
    stub_shard(after, sizeof after);
    cr_assert_str_neq(before, after, "adding made no new generation");
    snprintf(path, sizeof path, "%s/%s", db, before);
    /* What the fallback must live with: the old generation's files are gone. */
    cr_assert_neq(access(path, F_OK), 0, "%s is still there", path);
    snprintf(path, sizeof path, "%s/%s/docdata.glass", db, after);
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f, "%s", path);
    static const char zeros[4096];
    cr_assert_eq(fseek(f, 4096, SEEK_SET), 0);
    cr_assert_eq(fwrite(zeros, 1, sizeof zeros, f), sizeof zeros);
    cr_assert_eq(fclose(f), 0);
    qt_sleep(1.3); /* the thread looks for a new generation once a second */
}

/* Repair: build the index again from its sources, with the added file. */
static void rebuild(void)
{
    qt_remove_tree(db);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--quiet",
                         QUIRE_SOURCE_DIR "/corpus", txt, NULL};
    cr_assert_eq(qt_run_quiet(idx), 0, "rebuilding %s failed", db);
    qt_sleep(1.3);
}

Test(lastgood, a_damaged_new_generation_leaves_the_thread_on_the_previous_one)
{
    long long spying = total_of("spying");
    cr_assert_gt(spying, 0);
    cr_assert_eq(total_of(WORD), 0);
    add_then_damage();
    /* The new generation opens; its first search fails; the previous one
     * (held open though its files were removed) answers that request. */
    for (int i = 0; i < 3; i++) {
        cr_expect_eq(total_of("spying"), spying);
        cr_expect_eq(total_of(WORD), 0, "the damaged generation answered");
    }
    quirei_buf b = QUIREI_BUF_INIT;
    cr_expect_eq(get("/api/health", &b), 200, "%s", quirei_buf_cstr(&b));
    cr_expect(strstr(quirei_buf_cstr(&b), "\"ok\""), "%s", quirei_buf_cstr(&b));
    /* ... because the damage was seen, and gone back from (the log says). */
    FILE *lf = fopen(logpath, "r");
    cr_assert_not_null(lf);
    char line[1024];
    int fell_back = 0;
    while (fgets(line, sizeof line, lf))
        fell_back |= strstr(line, "serves the previous one") != NULL;
    fclose(lf);
    cr_expect(fell_back, "the server never logged going back to the previous generation");
    quirei_buf_release(&b);
    rebuild();
    cr_expect_eq(total_of(WORD), 1, "the rebuilt index is not served");
    cr_expect_eq(total_of("spying"), spying);
}

Test(lastgood, with_no_generation_before_it_the_answer_is_503_with_the_reason)
{
    /* No request yet: the thread opens its first reader on the damaged
     * generation and has nothing to go back to. */
    add_then_damage();
    quirei_buf b = QUIREI_BUF_INIT;
    long st = get("/api/search?q=spying", &b);
    cr_assert_eq(st, 503, "%ld %s", st, quirei_buf_cstr(&b));
    json_t *o = json_loadb(b.ptr, b.len, 0, NULL);
    json_t *e = json_object_get(o, "error");
    cr_expect_str_eq(json_string_value(json_object_get(e, "code")), "index_unavailable");
    const char *msg = json_string_value(json_object_get(e, "message"));
    cr_expect(msg && strstr(msg, "damaged"), "%s", quirei_buf_cstr(&b));
    json_decref(o);
    st = get("/api/health", &b);
    cr_expect_eq(st, 503, "%s", quirei_buf_cstr(&b));
    o = json_loadb(b.ptr, b.len, 0, NULL);
    cr_expect_str_eq(json_string_value(json_object_get(o, "status")), "damaged");
    cr_expect(json_string_value(json_object_get(o, "reason")), "%s", quirei_buf_cstr(&b));
    json_decref(o);
    quirei_buf_release(&b);
    rebuild();
    cr_expect_eq(total_of(WORD), 1, "the rebuilt index is not served");
    cr_expect_gt(total_of("spying"), 0);
}
