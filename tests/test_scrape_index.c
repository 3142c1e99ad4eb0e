/*
 * test_scrape_index.c - scraped .txt articles through the real programs: a
 * temporary copy of the seed articles (corpus/) and variants written here,
 * indexed by the real quire-index (cleaned, then with --raw-text) and
 * searched by the real quire-search; stored bodies and quote offsets read
 * back through the library.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server_harness.h"

static char tmp[64], in[128], db[128], rawdb[128];

#define SEED0 "000_b9d2c723326dce3c.txt"
#define SEED3 "003_edd2bdf7e4e26d6e.txt"
#define HEADLINE0 "Comment: Cybersecurity calls for a united front not finger-pointing"

/* A variant of another site's shape: caption, byline with date, a teaser
 * (the only place "zebra" occurs) and a cookie notice. */
static const char VARIANT[] =
    "Photo: Getty Images\n\n"
    "Bank breach went unseen for months\n\n"
    "By Jane Doe | June 30, 2016\n\n"
    "Attackers moved through the ledger systems for weeks before anyone noticed, and the "
    "logs that would have shown them had been switched off.\n\n"
    "The bank said customers' savings were never at risk.\n\n"
    "Related\n\n"
    "Zebra phishing kit sold on forums...\n\n"
    "This site uses cookies. Learn more about cookies.\n";

/* A negative: plain text whose last paragraph starts with "Related". */
static const char PLAIN[] =
    "Ledger audit findings\n\n"
    "Auditors found the ledger systems unpatched for a year.\n\n"
    "Related research by the same auditors found zebra-striped network maps.\n";

static void write_to(const char *dir, const char *name, const char *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

static void copy_seed(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/corpus/%s", QUIRE_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_to(in, name, buf, n);
}

static void setup(void)
{
    strcpy(tmp, "/tmp/quire-test-scrape-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
    snprintf(in, sizeof in, "%s/in", tmp);
    snprintf(db, sizeof db, "%s/db", tmp);
    snprintf(rawdb, sizeof rawdb, "%s/rawdb", tmp);
    cr_assert_eq(mkdir(in, 0777), 0);
    copy_seed(SEED0);
    copy_seed(SEED3);
    write_to(in, "variant.txt", VARIANT, sizeof VARIANT - 1);
    write_to(in, "plain.txt", PLAIN, sizeof PLAIN - 1);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--quiet", in, NULL};
    cr_assert_eq(qt_run_quiet(idx), 0, "quire-index failed");
    const char *rawidx[] = {QUIRE_BIN_DIR "/quire-index", "--db", rawdb, "--quiet",
                            "--raw-text", in, NULL};
    cr_assert_eq(qt_run_quiet(rawidx), 0, "quire-index --raw-text failed");
}

static void teardown(void)
{
    qt_remove_tree(tmp);
}

TestSuite(scrape_index, .init = setup, .fini = teardown, .timeout = 120);

/* quire-search --db D --format json ARGS... QUERY: the parsed answer
 * (caller decrefs); *status gets the exit status. */
static json_t *search(const char *d, const char *query, const char *opt, const char *val,
                      int *status)
{
    char out[256];
    snprintf(out, sizeof out, "%s/out.json", tmp);
    const char *argv[] = {QUIRE_BIN_DIR "/quire-search", "--db", d, "--format", "json",
                          opt ? opt : query, opt ? val : NULL, opt ? query : NULL, NULL};
    *status = qt_run_capture(argv, out, NULL);
    json_error_t err;
    json_t *j = json_load_file(out, 0, &err);
    cr_assert_not_null(j, "%s: %s", query, err.text);
    return j;
}

/* The hit for `id` in the answer, or NULL. */
static json_t *hit_of(json_t *res, const char *id)
{
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(res, "hits"), i, h)
        if (strcmp(json_string_value(json_object_get(h, "id")), id) == 0)
            return h;
    return NULL;
}

static const char *field(json_t *hit, const char *name)
{
    json_t *v = json_object_get(hit, name);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void expect_doc(const char *d, const char *id, const char *title, const char *author,
                       const char *date)
{
    char q[128];
    int st;
    snprintf(q, sizeof q, "id:\"%s\"", id);
    json_t *res = search(d, q, NULL, NULL, &st);
    json_t *h = hit_of(res, id);
    cr_assert_not_null(h, "%s not found", id);
    cr_expect_str_eq(field(h, "title"), title, "%s", id);
    cr_expect_str_eq(field(h, "author"), author, "%s", id);
    cr_expect_str_eq(field(h, "date"), date, "%s", id);
    json_decref(res);
}

Test(scrape_index, fields_of_the_seeds_and_the_variant)
{
    expect_doc(db, SEED0, HEADLINE0, "Greg Day", "");
    expect_doc(db, SEED3,
               "In early June, the Eighth Round of the China-U.S. Strategic and Economic\xe2\x80\xa6",
               "Emilio Iasiello", "2016-06-30");
    expect_doc(db, "variant.txt", "Bank breach went unseen for months", "Jane Doe", "2016-06-30");
    expect_doc(db, "plain.txt", "Ledger audit findings", "", "");
    /* --raw-text: as before the rules */
    expect_doc(rawdb, SEED0, "Cybercrime artwork", "", "");
    expect_doc(rawdb, SEED3, "Threat Intelligence Blog", "", "");
}

Test(scrape_index, teasers_and_notices_are_not_searched)
{
    int st;
    json_t *res = search(db, "phishing report", NULL, NULL, &st);
    cr_expect_null(hit_of(res, SEED3), "the Sino-US article found through its teaser");
    json_decref(res);
    res = search(db, "zebra", NULL, NULL, &st);
    cr_expect_null(hit_of(res, "variant.txt"), "the variant found through its teaser");
    cr_expect_not_null(hit_of(res, "plain.txt"), "a Related paragraph that is text was dropped");
    json_decref(res);
    res = search(db, "cookies", NULL, NULL, &st);
    cr_expect_eq(st, 1, "cookie notices are indexed");
    json_decref(res);
    /* with --raw-text everything is there */
    res = search(rawdb, "phishing report", NULL, NULL, &st);
    cr_expect_not_null(hit_of(res, SEED3));
    json_decref(res);
    res = search(rawdb, "zebra", NULL, NULL, &st);
    cr_expect_not_null(hit_of(res, "variant.txt"));
    json_decref(res);
}

Test(scrape_index, author_and_date_filters_find_the_articles)
{
    int st;
    json_t *res = search(db, "author:\"greg day\"", NULL, NULL, &st);
    cr_expect_eq(st, 0);
    cr_expect_not_null(hit_of(res, SEED0));
    json_decref(res);
    res = search(db, "author:iasiello", NULL, NULL, &st);
    cr_expect_not_null(hit_of(res, SEED3));
    json_decref(res);
    res = search(db, "ledger", "--from", "2016-06-30", &st);
    cr_expect_not_null(hit_of(res, "variant.txt"));
    cr_expect_null(hit_of(res, "plain.txt"), "an undated document passed a date filter");
    json_decref(res);
}

/* The stored body is the cleaned text, and quotes cite it exactly. */
Test(scrape_index, quotes_point_into_the_cleaned_body)
{
    quire_reader_t *r = NULL;
    char *detail = NULL;
    cr_assert_eq(quire_reader_open(db, &r, &detail), QUIRE_OK, "%s", detail ? detail : "");
    quire_stored_doc_t *doc = NULL;
    cr_assert_eq(quire_reader_get(r, SEED0, &doc), QUIRE_OK);
    const char *body = doc->doc.body;
    cr_expect(strncmp(body, "Bringing order", 14) == 0, "%.40s", body);
    cr_expect_null(strstr(body, "Recent articles"));
    cr_expect_null(strstr(body, "Cybercrime artwork"));

    int st;
    json_t *res = search(db, "\"respective roles in cyber spying\"", NULL, NULL, &st);
    json_t *quote = json_object_get(hit_of(res, SEED0), "quote");
    cr_assert(json_is_object(quote));
    size_t start = (size_t)json_integer_value(json_object_get(quote, "start"));
    size_t end = (size_t)json_integer_value(json_object_get(quote, "end"));
    cr_assert(start < end && end <= doc->body_len);
    const char *text = json_string_value(json_object_get(quote, "text"));
    cr_expect_eq(strlen(text), end - start);
    cr_expect(strncmp(body + start, text, end - start) == 0, "quote '%s' is not body[%zu, %zu)",
              text, start, end);
    json_decref(res);
    quire_stored_doc_free(doc);
    quire_reader_close(r);
}

Test(scrape_index, help_documents_raw_text)
{
    char out[256];
    snprintf(out, sizeof out, "%s/help.txt", tmp);
    const char *argv[] = {QUIRE_BIN_DIR "/quire-index", "--help", NULL};
    cr_assert_eq(qt_run_capture(argv, out, NULL), 0);
    FILE *f = fopen(out, "r");
    cr_assert_not_null(f);
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cr_expect_not_null(strstr(buf, "--raw-text"));
}
