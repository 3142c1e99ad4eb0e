/*
 * test_facets.c - facets, the list of sources and the warnings about
 * filters that match nothing, through the C API, on a small index whose
 * counts are known: 40 documents, 2 shards.
 *
 *   doc i      source                author           date
 *   0-14       alpha                 0-11 Ann         i < 35: (2014 + i % 5)-03-15
 *   15-24      beta                  12-19 Bob        35-39: none
 *   25-30      gamma/one             20-27 Cy
 *   31-34      gamma/two             28-29 Dee
 *   35-39      none                  30-39 none
 *
 * Every body holds "common"; even ones "even"; docs 0-7 "the quick brown
 * fox jumps over".
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "open_index.h"

static char dir[] = "/tmp/quire-test-facets-XXXXXX";
static quire_reader_t *r;

static const char *source_of(int i)
{
    return i < 15 ? "alpha" : i < 25 ? "beta" : i < 31 ? "gamma/one" : i < 35 ? "gamma/two" : NULL;
}

static const char *author_of(int i)
{
    return i < 12 ? "Ann" : i < 20 ? "Bob" : i < 28 ? "Cy" : i < 30 ? "Dee" : NULL;
}

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    quire_writer_t *w = test_open_writer(dir, 2);
    for (int i = 0; i < 40; i++) {
        char id[16], date[16], body[160];
        snprintf(id, sizeof id, "doc-%02d", i);
        snprintf(date, sizeof date, "%d-03-15", 2014 + i % 5);
        snprintf(body, sizeof body, "common text number %d%s%s", i, i % 2 ? "" : " even",
                 i < 8 ? " and the quick brown fox jumps over it" : "");
        quire_doc_t d = {.id = id, .title = id, .source = source_of(i), .author = author_of(i),
                         .date = i < 35 ? date : NULL, .body = body};
        cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    }
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    r = test_open_reader(dir);
}

static void teardown(void)
{
    quire_reader_close(r);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(facets, .init = setup, .fini = teardown);

static quire_results_t *search(const char *q, quire_search_options_t o)
{
    quire_results_t *res = NULL;
    quire_status_t st = quire_search(r, q, &o, &res);
    cr_assert_eq(st, QUIRE_OK, "%s: %s", q, quire_reader_detail(r));
    return res;
}

static const unsigned ALL = QUIRE_FACET(QUIRE_FACET_SOURCE) | QUIRE_FACET(QUIRE_FACET_YEAR) |
                            QUIRE_FACET(QUIRE_FACET_AUTHOR);

/* The facet of res named `name` (failing the test when absent). */
static const quire_facet_t *facet(const quire_results_t *res, const char *name)
{
    for (size_t i = 0; i < res->nfacets; i++)
        if (strcmp(res->facets[i].name, name) == 0)
            return &res->facets[i];
    cr_assert_fail("no facet %s", name);
    return NULL;
}

/* Counts plus other add up to the total; missing is part of other. */
static void expect_adds_up(const quire_results_t *res)
{
    for (size_t i = 0; i < res->nfacets; i++) {
        const quire_facet_t *f = &res->facets[i];
        uint64_t sum = f->other;
        for (size_t k = 0; k < f->nvalues; k++)
            sum += f->values[k].count;
        cr_expect_eq(sum, res->total, "%s: %s: %llu counted, total %llu", res->query, f->name,
                     (unsigned long long)sum, (unsigned long long)res->total);
        cr_expect_leq(f->missing, f->other, "%s: %s", res->query, f->name);
    }
}

static void expect_value(const quire_facet_t *f, size_t k, const char *value, uint64_t count)
{
    cr_assert_lt(k, f->nvalues, "%s has %zu values", f->name, f->nvalues);
    cr_expect_str_eq(f->values[k].value, value, "%s value %zu", f->name, k);
    cr_expect_eq(f->values[k].count, count, "%s %s", f->name, value);
}

Test(facets, count_every_match_and_add_up_to_the_total)
{
    quire_results_t *res = search("common", (quire_search_options_t){.limit = 1, .facets = ALL});
    cr_expect_eq(res->total, 40);
    cr_expect_eq(res->total_relation, QUIRE_TOTAL_EQ);
    cr_assert_eq(res->nfacets, 3);
    /* In quire_facet_field_t order, whatever the page. */
    cr_expect_str_eq(res->facets[0].name, "source");
    cr_expect_str_eq(res->facets[1].name, "year");
    cr_expect_str_eq(res->facets[2].name, "author");
    const quire_facet_t *s = facet(res, "source");
    cr_expect_eq(s->nvalues, 4);
    expect_value(s, 0, "alpha", 15);
    expect_value(s, 1, "beta", 10);
    expect_value(s, 2, "gamma/one", 6);
    expect_value(s, 3, "gamma/two", 4);
    cr_expect_eq(s->other, 5);
    cr_expect_eq(s->missing, 5);
    const quire_facet_t *a = facet(res, "author");
    expect_value(a, 0, "Ann", 12);
    expect_value(a, 1, "Bob", 8); /* ties with Cy: by value */
    expect_value(a, 2, "Cy", 8);
    expect_value(a, 3, "Dee", 2);
    cr_expect_eq(a->missing, 10);
    expect_adds_up(res);
    quire_results_free(res);
}

Test(facets, year_is_a_histogram_in_year_order)
{
    quire_results_t *res = search(
        "common", (quire_search_options_t){.facets = QUIRE_FACET(QUIRE_FACET_YEAR), .facet_size = 2});
    cr_assert_eq(res->nfacets, 1);
    const quire_facet_t *y = facet(res, "year");
    /* Every year, oldest first, facet_size notwithstanding. */
    cr_assert_eq(y->nvalues, 5);
    for (size_t k = 0; k < 5; k++) {
        char year[8];
        snprintf(year, sizeof year, "%zu", 2014 + k);
        expect_value(y, k, year, 7);
    }
    cr_expect_eq(y->other, 5);
    cr_expect_eq(y->missing, 5);
    expect_adds_up(res);
    quire_results_free(res);
    /* The histogram of a subset: the even documents. */
    res = search("even", (quire_search_options_t){.facets = QUIRE_FACET(QUIRE_FACET_YEAR)});
    cr_expect_eq(res->total, 20);
    y = facet(res, "year");
    for (size_t k = 1; k < y->nvalues; k++)
        cr_expect_lt(strcmp(y->values[k - 1].value, y->values[k].value), 0);
    expect_adds_up(res);
    quire_results_free(res);
}

Test(facets, facet_size_keeps_the_top_values)
{
    quire_results_t *res =
        search("common", (quire_search_options_t){.facets = ALL, .facet_size = 2});
    const quire_facet_t *s = facet(res, "source");
    cr_expect_eq(s->nvalues, 2);
    expect_value(s, 0, "alpha", 15);
    expect_value(s, 1, "beta", 10);
    cr_expect_eq(s->other, 15);  /* 6 + 4 of gamma, and 5 without a source */
    cr_expect_eq(s->missing, 5);
    const quire_facet_t *a = facet(res, "author");
    cr_expect_eq(a->nvalues, 2);
    expect_value(a, 1, "Bob", 8);
    expect_adds_up(res);
    quire_results_free(res);
}

Test(facets, follow_filters_tiers_and_fallbacks)
{
    /* A filter narrows the facets with the total. */
    quire_results_t *res = search("common", (quire_search_options_t){.facets = ALL, .source = "gamma"});
    cr_expect_eq(res->total, 10);
    const quire_facet_t *s = facet(res, "source");
    cr_expect_eq(s->nvalues, 2);
    expect_value(s, 0, "gamma/one", 6);
    expect_adds_up(res);
    cr_expect_eq(res->nwarnings, 0);
    quire_results_free(res);
    /* A quote-like query (two tiers): the facets of all its matches. */
    res = search("the quick brown fox jumps", (quire_search_options_t){.facets = ALL});
    cr_expect_eq(res->total, 8);
    expect_value(facet(res, "source"), 0, "alpha", 8);
    expect_adds_up(res);
    quire_results_free(res);
    /* Relaxed: the facets of the fallback that answered. */
    res = search("common zzznotaword", (quire_search_options_t){.facets = ALL});
    cr_expect(res->relaxed);
    cr_expect_eq(res->total, 40);
    expect_adds_up(res);
    quire_results_free(res);
    /* Sorted by date, on a later page: the same facets. */
    res = search("even", (quire_search_options_t){.facets = ALL, .sort = QUIRE_SORT_DATE,
                                                  .offset = 5, .limit = 3});
    cr_expect_eq(res->total, 20);
    expect_adds_up(res);
    quire_results_free(res);
}

Test(facets, of_no_match_are_empty)
{
    quire_results_t *res = search("zzznope", (quire_search_options_t){.facets = ALL});
    cr_expect_eq(res->total, 0);
    cr_assert_eq(res->nfacets, 3);
    for (size_t i = 0; i < 3; i++) {
        cr_expect_eq(res->facets[i].nvalues, 0);
        cr_expect_eq(res->facets[i].other, 0);
        cr_expect_eq(res->facets[i].missing, 0);
    }
    char *text = quire_results_text(res, 0);
    cr_expect(strstr(text, "\nsource: none\nyear: none\nauthor: none\n"), "%s", text);
    free(text);
    quire_results_free(res);
}

Test(facets, with_a_bounded_total_they_count_what_was_visited)
{
    quire_results_t *res =
        search("common", (quire_search_options_t){.facets = ALL, .exact_total = 5});
    cr_expect_eq(res->total_relation, QUIRE_TOTAL_GTE);
    cr_expect_eq(res->total, 5);
    for (size_t i = 0; i < res->nfacets; i++) {
        uint64_t sum = res->facets[i].other;
        for (size_t k = 0; k < res->facets[i].nvalues; k++)
            sum += res->facets[i].values[k].count;
        cr_expect_geq(sum, 5, "%s", res->facets[i].name);
        cr_expect_leq(sum, 40, "%s", res->facets[i].name);
    }
    quire_results_free(res);
}

Test(facets, none_unless_asked)
{
    quire_results_t *res = search("common", (quire_search_options_t){0});
    cr_expect_eq(res->nfacets, 0);
    cr_expect_null(res->facets);
    /* Without facets the count stops at its usual cap. */
    cr_expect_eq(res->total, 40);
    char *json = quire_results_json(res);
    json_t *o = json_loads(json, 0, NULL);
    cr_assert_not_null(o);
    cr_expect_null(json_object_get(o, "facets"));
    cr_expect(json_is_array(json_object_get(o, "warnings")));
    cr_expect_eq(json_array_size(json_object_get(o, "warnings")), 0);
    json_decref(o);
    free(json);
    quire_results_free(res);
}

Test(facets, bad_options_are_option_errors)
{
    quire_results_t *res = NULL;
    quire_search_options_t o = {.facets = ALL, .facet_size = QUIRE_MAX_FACET_SIZE + 1};
    cr_expect_eq(quire_search(r, "common", &o, &res), QUIRE_EOPTION);
    cr_expect(strstr(quire_reader_detail(r), "facet_size 101"), "%s", quire_reader_detail(r));
    cr_expect_str_eq(quire_reader_error_option(r), "facet_size");
    o = (quire_search_options_t){.facets = 1u << 7};
    cr_expect_eq(quire_search(r, "common", &o, &res), QUIRE_EOPTION);
    cr_expect_str_eq(quire_reader_error_option(r), "facets");
    cr_expect_null(res);
}

Test(facets, parse_names)
{
    unsigned m = 99;
    cr_expect_eq(quire_facets_parse("source,year,author", &m), QUIRE_OK);
    cr_expect_eq(m, ALL);
    cr_expect_eq(quire_facets_parse(" year , source,year", &m), QUIRE_OK);
    cr_expect_eq(m, QUIRE_FACET(QUIRE_FACET_YEAR) | QUIRE_FACET(QUIRE_FACET_SOURCE));
    cr_expect_eq(quire_facets_parse("", &m), QUIRE_OK);
    cr_expect_eq(m, 0);
    cr_expect_eq(quire_facets_parse("source,title", &m), QUIRE_EINVAL);
    cr_expect_eq(m, 0);
    cr_expect_eq(quire_facets_parse("source,", &m), QUIRE_EINVAL);
    cr_expect_eq(quire_facets_parse("Source", &m), QUIRE_EINVAL);
    cr_expect_eq(quire_facets_parse(NULL, &m), QUIRE_EINVAL);
    cr_expect_str_eq(quire_facet_name(QUIRE_FACET_AUTHOR), "author");
    cr_expect_str_eq(quire_facet_name(QUIRE_FACET_FIELD_COUNT), "");
}

Test(facets, json_and_text)
{
    quire_results_t *res = search("common", (quire_search_options_t){.facets = ALL, .facet_size = 3});
    char *json = quire_results_json(res);
    json_t *o = json_loads(json, 0, NULL);
    cr_assert_not_null(o, "%s", json);
    json_t *src = json_object_get(json_object_get(o, "facets"), "source");
    cr_assert(json_is_object(src), "%s", json);
    json_t *v0 = json_array_get(json_object_get(src, "values"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(v0, "value")), "alpha");
    cr_expect_eq(json_integer_value(json_object_get(v0, "count")), 15);
    cr_expect_eq(json_array_size(json_object_get(src, "values")), 3);
    cr_expect_eq(json_integer_value(json_object_get(src, "other")), 9);
    cr_expect_eq(json_integer_value(json_object_get(src, "missing")), 5);
    json_t *year = json_object_get(json_object_get(o, "facets"), "year");
    cr_expect_eq(json_array_size(json_object_get(year, "values")), 5);
    json_decref(o);
    free(json);
    char *text = quire_results_text(res, 0);
    cr_expect(strstr(text, "\nsource: alpha 15, beta 10, gamma/one 6, other 9 (no source: 5)\n"),
              "%s", text);
    cr_expect(strstr(text, "\nyear: 2014 7, 2015 7, 2016 7, 2017 7, 2018 7, no date 5\n"), "%s",
              text);
    cr_expect(strstr(text, "\nauthor: Ann 12, Bob 8, Cy 8, other 12 (no author: 10)\n"), "%s",
              text);
    free(text);
    quire_results_free(res);
}

/* ------------------------------------------------------------ sources --- */

Test(facets, sources_lists_every_source_by_name)
{
    quire_sources_t *s = NULL;
    cr_assert_eq(quire_reader_sources(r, &s), QUIRE_OK, "%s", quire_reader_detail(r));
    cr_assert_eq(s->nvalues, 4);
    static const char *const names[] = {"alpha", "beta", "gamma/one", "gamma/two"};
    static const uint64_t counts[] = {15, 10, 6, 4};
    for (size_t i = 0; i < 4; i++) {
        cr_expect_str_eq(s->values[i].value, names[i]);
        cr_expect_eq(s->values[i].count, counts[i]);
    }
    cr_expect_eq(s->missing, 5);
    char *json = quire_sources_json(s);
    cr_expect_str_eq(json, "{\"api_version\":\"" QUIRE_API_VERSION "\",\"sources\":[{\"value\":\"alpha\",\"count\":15},{\"value\":\"beta\","
                           "\"count\":10},{\"value\":\"gamma/one\",\"count\":6},{\"value\":"
                           "\"gamma/two\",\"count\":4}],\"missing\":5,"
                           "\"partial\":false,\"missing_shards\":[]}");
    cr_expect(!s->partial && s->nmissing_shards == 0 && !s->missing_shards, "one local shard");
    free(json);
    char *text = quire_sources_text(s);
    cr_expect(strncmp(text, "4 sources, 40 documents (5 without a source)\n", 45) == 0, "%s", text);
    cr_expect(strstr(text, "        15  alpha\n"), "%s", text);
    free(text);
    quire_sources_free(s);
    cr_expect_eq(quire_reader_sources(NULL, &s), QUIRE_EINVAL);
    cr_expect_null(s);
}

/* ----------------------------------------------------------- warnings --- */

static void expect_warning(const quire_results_t *res, size_t i, const char *code,
                           const char *text)
{
    cr_assert_lt(i, res->nwarnings, "%s: %zu warnings", res->query, res->nwarnings);
    cr_expect_str_eq(res->warnings[i].code, code);
    cr_expect(strstr(res->warnings[i].message, text), "%s: '%s' lacks '%s'", res->query,
              res->warnings[i].message, text);
}

Test(facets, unknown_sources_are_warned_about)
{
    quire_results_t *res = search("common", (quire_search_options_t){.source = "nosuch"});
    cr_expect_eq(res->total, 0);
    cr_expect_eq(res->nwarnings, 1);
    expect_warning(res, 0, "unknown_source", "source=nosuch: no document has this source");
    char *text = quire_results_text(res, 0);
    cr_expect(strstr(text, "\nwarning: source=nosuch: no document has this source\n"), "%s", text);
    free(text);
    char *json = quire_results_json(res);
    cr_expect(strstr(json, "\"warnings\":[{\"code\":\"unknown_source\",\"message\":\"source=nosuch: "),
              "%s", json);
    free(json);
    quire_results_free(res);
    /* A source: in the query, even where the rest of the query finds
     * something (OR), is warned about too. */
    res = search("even OR source:nosuch2", (quire_search_options_t){0});
    cr_expect_eq(res->total, 20);
    cr_expect_eq(res->nwarnings, 1);
    expect_warning(res, 0, "unknown_source", "source:nosuch2");
    quire_results_free(res);
    /* Known sources, in any case or as a prefix, are not. */
    static const char *const known[] = {"ALPHA", "gamma", "gamma/two"};
    for (size_t i = 0; i < 3; i++) {
        res = search("common", (quire_search_options_t){.source = known[i]});
        cr_expect_gt(res->total, 0, "%s", known[i]);
        cr_expect_eq(res->nwarnings, 0, "%s", known[i]);
        quire_results_free(res);
    }
}

Test(facets, empty_date_ranges_are_warned_about)
{
    quire_results_t *res = search("common", (quire_search_options_t){.date_from = "2030"});
    cr_expect_eq(res->nwarnings, 1);
    expect_warning(res, 0, "empty_date_range", "from=2030: no document is dated in this range");
    quire_results_free(res);
    /* Inside the index's dates, but a gap: 2016-04 has no document. */
    res = search("common", (quire_search_options_t){.date_from = "2016-04", .date_to = "2016-12"});
    expect_warning(res, 0, "empty_date_range", "from=2016-04 to=2016-12");
    quire_results_free(res);
    res = search("common date:2013", (quire_search_options_t){.source = "zzz"});
    cr_expect_eq(res->nwarnings, 2);
    /* The options' filters first, then the query's. */
    expect_warning(res, 0, "unknown_source", "source=zzz");
    expect_warning(res, 1, "empty_date_range", "date:2013: no document");
    quire_results_free(res);
    res = search("common date:>=2020", (quire_search_options_t){0});
    expect_warning(res, 0, "empty_date_range", "date:>=2020");
    quire_results_free(res);
    /* A range holding documents is not warned about. */
    res = search("common date:2014..2015", (quire_search_options_t){.date_to = "2018"});
    cr_expect_eq(res->nwarnings, 0);
    cr_expect_eq(res->total, 14);
    quire_results_free(res);
}
