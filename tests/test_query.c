/*
 * test_query.c - the query language, ranking, fallbacks, snippets and
 * quotes, on a small fixture corpus written for these tests.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/query_parser.h"
#include "strbuf.h"

/* ---------------------------------------------------------------- parser */

static qn *parse_ok(const char *q)
{
    qn *n = NULL;
    quirei_buf err = QUIREI_BUF_INIT;
    long pos = -2;
    quire_status_t st = quirei_parse_query(q, strlen(q), &n, &err, &pos);
    cr_assert_eq(st, QUIRE_OK, "query %s: %s", q, quirei_buf_cstr(&err));
    cr_assert_not_null(n);
    quirei_buf_release(&err);
    return n;
}

static long parse_err(const char *q, const char *want_msg)
{
    qn *n = NULL;
    quirei_buf err = QUIREI_BUF_INIT;
    long pos = -2;
    quire_status_t st = quirei_parse_query(q, strlen(q), &n, &err, &pos);
    cr_expect_eq(st, QUIRE_EQUERY, "query %s should be rejected", q);
    cr_expect_null(n);
    cr_expect(strstr(quirei_buf_cstr(&err), want_msg), "query %s: message '%s' lacks '%s'", q,
              quirei_buf_cstr(&err), want_msg);
    quirei_buf_release(&err);
    quirei_qn_free(n);
    return pos;
}

Test(parser, words_are_an_implicit_and)
{
    qn *n = parse_ok("cyber blame game");
    cr_expect_eq(n->kind, QN_AND);
    cr_expect_eq(n->nkids, 3);
    cr_expect_eq(n->kids[0]->kind, QN_WORDS);
    cr_expect_str_eq(n->kids[1]->terms[0], "blame");
    cr_expect(n->kids[2]->stemmable[0]);
    quirei_qn_free(n);
}

Test(parser, phrases_with_any_quotes)
{
    static const char *const qs[] = {
        "\"cyber blame game\"",
        "\xe2\x80\x9c" "cyber blame game\xe2\x80\x9d",           /* “ ” */
        "\xe2\x80\x9e" "cyber blame game\xe2\x80\x9c",           /* „ “ */
        "\xc2\xab" "cyber blame game\xc2\xbb",                   /* « » */
        "\xe2\x80\x98" "cyber blame game\xe2\x80\x99",           /* ‘ ’ */
    };
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        qn *n = parse_ok(qs[i]);
        cr_expect_eq(n->kind, QN_PHRASE, "%s", qs[i]);
        cr_expect_eq(n->nterms, 3, "%s", qs[i]);
        cr_expect_str_eq(n->terms[2], "game");
        quirei_qn_free(n);
    }
    /* An apostrophe inside a single-quoted phrase does not end it. */
    qn *n = parse_ok("\xe2\x80\x98" "China\xe2\x80\x99s hackers\xe2\x80\x99");
    cr_expect_eq(n->kind, QN_PHRASE);
    cr_expect_eq(n->nterms, 2);
    cr_expect_str_eq(n->terms[0], "china's");
    quirei_qn_free(n);
}

Test(parser, phrases_never_fail_on_punctuation)
{
    static const char *const qs[] = {"\"2023-2027\"", "\"a#1\"", "\"AT&T\"", "\"C++ & C#\""};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        quirei_qn_free(parse_ok(qs[i]));
}

Test(parser, proximity_prefix_and_operators)
{
    qn *n = parse_ok("\"blame game\"~3");
    cr_expect_eq(n->kind, QN_PHRASE);
    cr_expect(n->has_slop);
    cr_expect_eq(n->slop, 3);
    quirei_qn_free(n);

    n = parse_ok("ransom*");
    cr_expect_eq(n->kind, QN_PREFIX);
    cr_expect_str_eq(n->value, "ransom");
    quirei_qn_free(n);

    n = parse_ok("china OR russia");
    cr_expect_eq(n->kind, QN_OR);
    cr_expect_eq(n->nkids, 2);
    quirei_qn_free(n);

    n = parse_ok("espionage -china NOT russia +apt28");
    cr_expect_eq(n->kind, QN_AND);
    cr_expect_eq(n->nkids, 4);
    cr_expect_eq(n->kids[1]->kind, QN_NOT);
    cr_expect_eq(n->kids[2]->kind, QN_NOT);
    cr_expect(n->kids[3]->required);
    quirei_qn_free(n);

    n = parse_ok("(china OR russia) AND espionage");
    cr_expect_eq(n->kind, QN_AND);
    cr_expect_eq(n->kids[0]->kind, QN_OR);
    quirei_qn_free(n);
}

Test(parser, fields_and_dates)
{
    qn *n = parse_ok("title:blame author:\"greg day\" source:ti-corpus id:x-1");
    cr_expect_eq(n->kind, QN_AND);
    cr_expect_eq(n->kids[0]->field, QF_TITLE);
    cr_expect_eq(n->kids[1]->kind, QN_PHRASE);
    cr_expect_eq(n->kids[1]->field, QF_AUTHOR);
    cr_expect_eq(n->kids[2]->kind, QN_SOURCE);
    cr_expect_str_eq(n->kids[2]->value, "ti-corpus");
    cr_expect_eq(n->kids[3]->kind, QN_ID);
    quirei_qn_free(n);

    n = parse_ok("spies date:2016-01-01..2016-06-30");
    cr_expect_str_eq(n->kids[1]->date_lo, "2016-01-01");
    cr_expect_str_eq(n->kids[1]->date_hi, "2016-06-30");
    quirei_qn_free(n);
    n = parse_ok("spies date:>=2016");
    cr_expect_str_eq(n->kids[1]->date_lo, "2016");
    cr_expect_str_eq(n->kids[1]->date_hi, "");
    quirei_qn_free(n);
    n = parse_ok("spies date:<2017-03");
    cr_expect_str_eq(n->kids[1]->date_hi, "2017-03");
    cr_expect(n->kids[1]->hi_excl);
    quirei_qn_free(n);
    n = parse_ok("spies date:2016");
    cr_expect_str_eq(n->kids[1]->date_lo, "2016");
    cr_expect_str_eq(n->kids[1]->date_hi, "2016");
    quirei_qn_free(n);
}

Test(parser, security_tokens_stay_whole)
{
    qn *n = parse_ok("CVE-2021-44228");
    cr_expect_eq(n->kind, QN_WORDS);
    cr_expect_eq(n->nterms, 1);
    cr_expect_str_eq(n->terms[0], "cve-2021-44228");
    quirei_qn_free(n);
    /* Colons in IPv6, URLs and times are not fields. */
    quirei_qn_free(parse_ok("2001:db8::1"));
    quirei_qn_free(parse_ok("https://example.com/x"));
    quirei_qn_free(parse_ok("at 10:30"));
}

Test(parser, lenient_readings)
{
    qn *n = parse_ok("\"unclosed quote runs to the end");
    cr_expect_eq(n->kind, QN_PHRASE);
    cr_expect_eq(n->nterms, 6);
    quirei_qn_free(n);
    n = parse_ok("(china OR russia");
    cr_expect_eq(n->kind, QN_OR);
    quirei_qn_free(n);
    n = parse_ok("espionage AND");
    cr_expect_eq(n->kind, QN_WORDS);
    quirei_qn_free(n);
    n = parse_ok("espionage -- ...");
    cr_expect_eq(n->kind, QN_WORDS);
    quirei_qn_free(n);
}

Test(parser, errors_have_message_and_position)
{
    cr_expect_eq(parse_err("china) russia", "unbalanced ')'"), 5);
    cr_expect_eq(parse_err("spies foo:bar", "unknown field"), 6);
    cr_expect_eq(parse_err("spies date:2016-13-01", "bad date"), 11);
    cr_expect_eq(parse_err("spies date:yesterday", "bad date"), 11);
    cr_expect_eq(parse_err("", "empty query"), 0);
    cr_expect_eq(parse_err("  ... !!", "empty query"), 0);
    cr_expect_eq(parse_err("-china", "only excludes"), 0);
    cr_expect_eq(parse_err("a*", "prefix"), 0);
    cr_expect_eq(parse_err("\"a b\"~x", "proximity"), 5);
    /* Nesting and size limits. */
    quirei_buf deep = QUIREI_BUF_INIT;
    for (int i = 0; i < 40; i++)
        quirei_buf_addc(&deep, '(');
    quirei_buf_adds(&deep, "x");
    parse_err(deep.ptr, "nested too deeply");
    quirei_buf_reset(&deep);
    for (int i = 0; i < 2000; i++)
        quirei_buf_adds(&deep, "w ");
    parse_err(deep.ptr, "query too long");
    quirei_buf_release(&deep);
}

/* ---------------------------------------------------------------- search */

static char dir[64];
static quire_reader_t *reader;

/* The fixture: small documents, each there to make one ranking point. */
static const quire_doc_t fixture[] = {
    {.id = "phrase", .title = "Comment", .source = "news/a", .date = "2015-09-30",
     .author = "Greg Day",
     .body = "Nations keep playing the cyber blame game. It helps nobody, says the U.S. "
             "official. Other sentences follow here."},
    {.id = "scattered", .title = "Other", .source = "news/b", .date = "2016-06-30",
     .body = "The game was long. Cyber attacks rose. Nobody wanted the blame for it."},
    {.id = "inflected", .title = "Inflected", .source = "news/b", .date = "2017-01-15",
     .body = "Officials were blaming hackers for the attacks on the grid."},
    {.id = "log4shell", .title = "Log4Shell", .source = "advisory", .date = "2021-12-10",
     .body = "Patch CVE-2021-44228 now. Related: T1059.001 and 121.50.43.175 at he.net."},
    {.id = "near-cve", .title = "Near", .source = "advisory", .date = "2021-12-11",
     .body = "An unrelated CVE-2021-4422 entry; in 2021 there were 44228 reports."},
    {.id = "curly", .title = "China\xe2\x80\x99s role", .source = "news/a", .date = "2014-05-01",
     .body = "He spoke of China\xe2\x80\x99s respective role in cyber spying, at length."},
    {.id = "hyphen", .title = "Hyphens", .source = "news/c", .date = "2013-01-01",
     .body = "Attributed to state sponsored hackers by the researchers."},
    {.id = "accents", .title = "Caf\xc3\xa9 \xe2\x80\x94 n\xc3\xa4ive",
     .source = "news/c", .date = "2012-02-02",
     .body = "\xc3\x89l\xc3\xa8ve na\xc3\xafve caf\xc3\xa9 owners fell for the phishing lure."},
};

/* Quote-like queries (4+ plain words): exact forms first. */
static const quire_doc_t tier_fixture[] = {
    {.id = "grid-quote", .title = "Blackout", .source = "news/d", .date = "2016-01-05",
     .body = "Last winter hackers attacked power grids across the region, the agency said."},
    {.id = "grid-scattered", .title = "Outage", .source = "news/d", .date = "2016-03-01",
     .body = "The power failed twice. Investigators say hackers attacked it, as they had "
             "other grids before."},
    {.id = "grid-stemmed", .title = "Grid grid grid", .source = "news/d", .date = "2016-02-01",
     .body = "Hacker attacks on the power grid: a hacker attacks, the grid fails, the power "
             "grid is down; power grid hacker attacks again."},
};

/* A word that a document holds only as a part of a token ("c" of "D.C.",
 * indexed without positions) must not meet a phrase: Xapian reads it as
 * standing at position 0 (schema.h, QUIREI_FIRST_POS). */
static const quire_doc_t parts_fixture[] = {
    {.id = "dc", .title = "Major breach reported", .source = "news/e", .date = "2020-01-01",
     .body = "Officials in Washington D.C. said the breach was contained."},
    {.id = "c-major", .title = "Music", .source = "news/e", .date = "2020-01-02",
     .body = "The symphony in C major was played twice."},
};

static void index_docs(const quire_doc_t *docs, size_t n)
{
    strcpy(dir, "/tmp/quire-test-query-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    quire_writer_t *w = NULL;
    cr_assert_eq(quire_writer_open(dir, NULL, &w, NULL), QUIRE_OK);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(quire_writer_add(w, &docs[i]), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_assert_eq(quire_reader_open(dir, &reader, NULL), QUIRE_OK);
}

static void setup_index(void)
{
    index_docs(fixture, sizeof fixture / sizeof *fixture);
}

static void setup_tiers(void)
{
    index_docs(tier_fixture, sizeof tier_fixture / sizeof *tier_fixture);
}

static void setup_parts(void)
{
    index_docs(parts_fixture, sizeof parts_fixture / sizeof *parts_fixture);
}

static void remove_dir(const char *d)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    cr_expect_eq(system(cmd), 0);
}

static void teardown_index(void)
{
    quire_reader_close(reader);
    remove_dir(dir);
}

TestSuite(search, .init = setup_index, .fini = teardown_index);
TestSuite(tiers, .init = setup_tiers, .fini = teardown_index);
TestSuite(parts, .init = setup_parts, .fini = teardown_index);

static quire_results_t *search(const char *q, const quire_search_options_t *o)
{
    quire_results_t *res = NULL;
    quire_status_t st = quire_search(reader, q, o, &res);
    cr_assert_eq(st, QUIRE_OK, "%s: %s", q, quire_reader_detail(reader));
    return res;
}

/* The ids of hits [offset, offset + n) read in pages of `limit` (0 = 10),
 * space separated; every page must report the same total (into *total,
 * may be NULL). */
static char *paged_ids(const char *q, quire_search_options_t o, unsigned n, uint64_t *total)
{
    quirei_buf b = QUIREI_BUF_INIT;
    o.limit = o.limit ? o.limit : 10;
    for (unsigned end = o.offset + n, k = 0; o.offset < end; o.offset += o.limit, k++) {
        quire_results_t *res = search(q, &o);
        for (size_t i = 0; i < res->nhits; i++)
            quirei_buf_addf(&b, "%s%s", b.len ? " " : "", res->hits[i].id);
        if (total && k && *total != res->total)
            cr_expect_eq(res->total, *total, "%s: total changed at offset %u", q, o.offset);
        if (total)
            *total = res->total;
        quire_results_free(res);
    }
    return quirei_buf_detach(&b, NULL);
}

/* The ids of one page of hits, space separated. */
static char *ids(const char *q, const quire_search_options_t *o)
{
    quire_search_options_t p = o ? *o : (quire_search_options_t){0};
    return paged_ids(q, p, p.limit ? p.limit : 10, NULL);
}

#define EXPECT_IDS(q, o, want)                                                           \
    do {                                                                                 \
        char *got_ = ids(q, o);                                                          \
        cr_expect_str_eq(got_, want, "query: %s -> %s", q, got_);                                  \
        free(got_);                                                                      \
    } while (0)

Test(search, phrase_beats_scattered_words)
{
    EXPECT_IDS("cyber blame game", NULL, "phrase scattered");
    EXPECT_IDS("\"cyber blame game\"", NULL, "phrase");
}

/* The ids of the hits matching q exactly (not by a tolerant fallback). */
static char *exact_ids(const char *q)
{
    quirei_buf b = QUIREI_BUF_INIT;
    quire_results_t *res = search(q, NULL);
    for (size_t i = 0; i < res->nhits; i++)
        if (res->hits[i].match == QUIRE_MATCH_EXACT)
            quirei_buf_addf(&b, "%s%s", b.len ? " " : "", res->hits[i].id);
    quire_results_free(res);
    return quirei_buf_detach(&b, NULL);
}

#define EXPECT_EXACT(q, want)                                                            \
    do {                                                                                 \
        char *got_ = exact_ids(q);                                                       \
        cr_expect_str_eq(got_, want, "exact hits of %s -> %s", q, got_);                \
        free(got_);                                                                      \
    } while (0)

Test(parts, a_part_without_positions_never_meets_a_phrase)
{
    EXPECT_EXACT("\"c major\"", "c-major"); /* not "dc": its title starts "Major" */
    EXPECT_EXACT("\"d major\"", "");        /* (the fallbacks may find dc, flagged) */
    EXPECT_EXACT("\"c breach\"~5", "");     /* a NEAR window either */
    EXPECT_EXACT("\"major breach\"", "dc"); /* the title's own phrase */
    EXPECT_EXACT("\"washington d.c\"", "dc"); /* the whole token in the body */
}

Test(search, exact_beats_approximate)
{
    /* A misremembered quote: a word dropped. */
    quire_results_t *res = search("\"playing the cyber game\"", NULL);
    cr_expect(res->approximate);
    cr_assert_geq(res->nhits, 1);
    cr_expect_str_eq(res->hits[0].id, "phrase");
    quire_results_free(res);
    /* An inflection changed. */
    res = search("\"officials were blamed hackers\"", NULL);
    cr_expect(res->approximate);
    cr_assert_geq(res->nhits, 1);
    cr_expect_str_eq(res->hits[0].id, "inflected");
    quire_results_free(res);
    /* A plural flipped. */
    res = search("\"blaming hackers for the attack on the grid\"", NULL);
    cr_expect(res->approximate);
    cr_assert_geq(res->nhits, 1);
    cr_expect_str_eq(res->hits[0].id, "inflected");
    quire_results_free(res);
    res = search("\"cyber blame game\"", NULL);
    cr_expect(!res->approximate);
    quire_results_free(res);
}

Test(search, stemming_for_words_not_phrases)
{
    EXPECT_IDS("blamed", NULL, "inflected scattered phrase");
    EXPECT_IDS("\"blaming\"", NULL, "inflected");
}

Test(search, relaxed_when_no_document_has_every_word)
{
    quire_results_t *res = search("phishing zebra", NULL);
    cr_expect(res->relaxed);
    cr_assert_eq(res->nhits, 1);
    cr_expect_str_eq(res->hits[0].id, "accents");
    quire_results_free(res);
    res = search("+zebra phishing", NULL);
    cr_expect_eq(res->nhits, 0, "a + word stays required");
    quire_results_free(res);
}

Test(tiers, quote_like_queries_rank_exact_forms_first)
{
    /* grid-stemmed repeats the words most (in other forms), but the words
     * as one phrase come first, then BM25. */
    EXPECT_IDS("hackers attacked power grids", NULL, "grid-quote grid-stemmed grid-scattered");
    EXPECT_IDS("hacker attacks power grid", NULL, "grid-stemmed grid-quote grid-scattered");
    /* Three words are not quote-like: plain BM25 plus proximity. */
    EXPECT_IDS("hacker attack grid", NULL, "grid-stemmed grid-quote grid-scattered");
    /* Pages of one hit each make up the same list: no hit twice, none lost. */
    uint64_t total = 0;
    char *got = paged_ids("hackers attacked power grids", (quire_search_options_t){.limit = 1},
                          4, &total);
    cr_expect_str_eq(got, "grid-quote grid-stemmed grid-scattered");
    cr_expect_eq(total, 3, "total counts every match, not only the first tier");
    free(got);
    /* By date, every match in date order, newest first. */
    quire_search_options_t d = {.sort = QUIRE_SORT_DATE};
    EXPECT_IDS("hackers attacked power grids", &d, "grid-scattered grid-stemmed grid-quote");
    /* The exact-phrase hit is cited like a quoted query: the phrase is one
     * highlight and the sentence comes with its offsets; the others are
     * word matches, cited by their best sentence. */
    quire_results_t *res = search("hackers attacked power grids", NULL);
    cr_assert_eq(res->nhits, 3);
    const quire_hit_t *h = &res->hits[0];
    cr_expect_str_eq(h->id, "grid-quote");
    cr_assert_not_null(h->quote);
    const char *body = tier_fixture[0].body;
    cr_expect_str_eq(h->quote, body);
    cr_expect_eq(h->quote_start, 0);
    cr_expect_eq(h->quote_end, strlen(body));
    cr_assert_eq(h->nhighlights, 1, "the phrase is one span");
    const char *at = strstr(h->snippet, "hackers attacked power grids");
    cr_assert_not_null(at);
    cr_expect_eq(h->highlights[0].start, (uint32_t)(at - h->snippet)); /* ASCII: bytes = code points */
    cr_expect_eq(h->highlights[0].end, (uint32_t)(at - h->snippet) + 28);
    cr_expect_str_eq(res->hits[1].quote, tier_fixture[2].body);
    cr_expect_gt(res->hits[1].nhighlights, 1, "second tier: the words apart");
    quire_results_free(res);
    /* Filters still apply to both tiers. Without grid-quote no document
     * holds the phrase: an ordinary query, where grid-scattered, holding
     * the words as typed, outranks grid-stemmed (stem drift, issue 13). */
    quire_search_options_t f = {.date_from = "2016-02"};
    EXPECT_IDS("hackers attacked power grids", &f, "grid-scattered grid-stemmed");
}

Test(search, expensive_queries_are_refused)
{
    /* The limit is set low here; the default (QUIRE_MAX_QUERY_POSTINGS) is
     * for real indexes. */
    quire_search_options_t o = {.max_postings = 3};
    quire_results_t *res = NULL;
    cr_expect_eq(quire_search(reader, "the OR cyber OR game OR hackers", &o, &res), QUIRE_EQUERY);
    cr_expect_null(res);
    cr_expect(strstr(quire_reader_detail(reader), "query too expensive"), "%s",
              quire_reader_detail(reader));
    cr_expect_eq(quire_reader_error_pos(reader), -1);
    /* A query under it runs. */
    o.max_postings = 1000;
    cr_expect_eq(quire_search(reader, "the OR cyber OR game OR hackers", &o, &res), QUIRE_OK);
    quire_results_free(res);
    res = NULL;
    /* The fallbacks are held to it too: the relaxed OR of many words. */
    o.max_postings = 5;
    cr_expect_eq(quire_search(reader, "nations keep playing the cyber blame game zebra", &o, &res),
                 QUIRE_EQUERY);
    cr_expect_null(res);
}

Test(search, security_tokens_exactly)
{
    EXPECT_IDS("CVE-2021-44228", NULL, "log4shell");
    EXPECT_IDS("cve-2021-4422", NULL, "near-cve");
    EXPECT_IDS("T1059.001", NULL, "log4shell");
    EXPECT_IDS("121.50.43.175", NULL, "log4shell");
    EXPECT_IDS("he.net", NULL, "log4shell");
    EXPECT_IDS("\"2021 there were 44228\"", NULL, "near-cve");
}

Test(search, hyphens_curly_quotes_and_accents)
{
    EXPECT_IDS("\"state-sponsored hackers\"", NULL, "hyphen");
    EXPECT_IDS("\xe2\x80\x9c" "china\xe2\x80\x99s respective role\xe2\x80\x9d", NULL, "curly");
    EXPECT_IDS("\"China's respective role\"", NULL, "curly");
    EXPECT_IDS("CAF\xc3\x89 NA\xc3\x8f" "VE", NULL, "accents");
}

Test(search, operators_and_fields)
{
    EXPECT_IDS("blame -game", NULL, "inflected");
    EXPECT_IDS("cyber OR phishing", &(quire_search_options_t){.sort = QUIRE_SORT_DATE},
               "scattered phrase curly accents");
    EXPECT_IDS("title:log4shell", NULL, "log4shell");
    EXPECT_IDS("author:day", NULL, "phrase");
    EXPECT_IDS("author:\"greg day\"", NULL, "phrase");
    EXPECT_IDS("game source:news/a", NULL, "phrase");
    EXPECT_IDS("game source:news", NULL, "scattered phrase");
    EXPECT_IDS("id:log4shell", NULL, "log4shell");
    EXPECT_IDS("attack*", NULL, "inflected scattered");
}

Test(search, dates_and_sorting)
{
    quire_search_options_t by_date = {.sort = QUIRE_SORT_DATE};
    EXPECT_IDS("the", &by_date, "inflected scattered phrase hyphen accents");
    EXPECT_IDS("the date:2016..2017", &by_date, "inflected scattered");
    EXPECT_IDS("the date:>=2016-06-30", &by_date, "inflected scattered");
    EXPECT_IDS("the date:<2015-09-30", &by_date, "hyphen accents");
    EXPECT_IDS("the date:>2016", &by_date, "inflected");
    EXPECT_IDS("(patch OR unrelated) date:2021-12-11", NULL, "near-cve");
    quire_search_options_t range = {.sort = QUIRE_SORT_DATE, .date_from = "2015",
                                    .date_to = "2016-06"};
    EXPECT_IDS("the", &range, "scattered phrase");
    quire_search_options_t src = {.source = "NEWS/B", .sort = QUIRE_SORT_DATE};
    EXPECT_IDS("the", &src, "inflected scattered");
}

Test(search, paging_and_limits)
{
    quire_search_options_t o = {.limit = 2, .offset = 1, .sort = QUIRE_SORT_DATE};
    quire_results_t *res = search("the", &o);
    cr_expect_eq(res->nhits, 2);
    cr_expect_eq(res->hits[0].rank, 2);
    cr_expect_str_eq(res->hits[0].id, "scattered");
    cr_expect_eq(res->total, 5);
    quire_results_free(res);
    quire_results_t *bad = NULL;
    quire_search_options_t big = {.limit = 101};
    cr_expect_eq(quire_search(reader, "the", &big, &bad), QUIRE_EOPTION); /* tests/test_api_contract.c: */
    quire_search_options_t deep = {.limit = 10, .offset = 9995};           /* the rest of EOPTION */
    cr_expect_eq(quire_search(reader, "the", &deep, &bad), QUIRE_EOPTION);
    quire_search_options_t baddate = {.date_from = "2016-1"};
    cr_expect_eq(quire_search(reader, "the", &baddate, &bad), QUIRE_EOPTION);
    cr_expect_str_eq(quire_reader_error_option(reader), "from");
    cr_expect_eq(quire_search(reader, "china) x", NULL, &bad), QUIRE_EQUERY);
    cr_expect_eq(quire_reader_error_pos(reader), 5);
    cr_expect_null(bad);
}

/* Code point offset -> byte offset. */
static size_t cp_byte(const char *s, uint32_t cp)
{
    size_t i = 0;
    for (uint32_t n = 0; s[i] && n < cp; n++) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

Test(search, snippets_highlights_and_quotes)
{
    quire_results_t *res = search("\"cyber blame game\"", NULL);
    cr_assert_eq(res->nhits, 1);
    const quire_hit_t *h = &res->hits[0];
    /* One span for the whole phrase. */
    cr_assert_eq(h->nhighlights, 1);
    size_t a = cp_byte(h->snippet, h->highlights[0].start);
    size_t e = cp_byte(h->snippet, h->highlights[0].end);
    cr_expect_eq(e - a, strlen("cyber blame game"));
    cr_expect_eq(strncmp(h->snippet + a, "cyber blame game", e - a), 0);
    /* The quote is the sentence, byte-exact against the stored body. */
    cr_assert_not_null(h->quote);
    cr_expect_str_eq(h->quote, "Nations keep playing the cyber blame game.");
    quire_stored_doc_t *d = NULL;
    cr_assert_eq(quire_reader_get(reader, "phrase", &d), QUIRE_OK);
    cr_expect_eq(h->quote_end - h->quote_start, strlen(h->quote));
    cr_expect_eq(memcmp(d->doc.body + h->quote_start, h->quote, strlen(h->quote)), 0);
    quire_stored_doc_free(d);
    cr_expect_str_eq(h->author, "Greg Day");
    cr_expect_str_eq(h->date, "2015-09-30");
    quire_results_free(res);

    /* Unquoted words side by side: one span (a run), and their sentence. */
    res = search("nobody helps", NULL);
    cr_assert_eq(res->nhits, 1);
    cr_expect_eq(res->hits[0].nhighlights, 1);
    cr_expect_str_eq(res->hits[0].quote, "It helps nobody, says the U.S. official.");
    quire_results_free(res);

    /* Offsets are code points: after "Élève naïve" the match still lines up. */
    res = search("phishing", NULL);
    cr_assert_eq(res->nhits, 1);
    h = &res->hits[0];
    cr_assert_eq(h->nhighlights, 1);
    a = cp_byte(h->snippet, h->highlights[0].start);
    cr_expect_eq(strncmp(h->snippet + a, "phishing", 8), 0, "snippet: %s", h->snippet);
    quire_results_free(res);
}

Test(search, json_schema)
{
    quire_results_t *res = search("\"cyber blame game\"", NULL);
    char *text = quire_results_json(res);
    cr_assert_not_null(text);
    json_error_t je;
    json_t *o = json_loads(text, 0, &je);
    cr_assert_not_null(o, "%s", je.text);
    static const char *const top[] = {"query", "total", "offset", "limit", "relaxed",
                                      "approximate", "took_ms", "hits"};
    for (size_t i = 0; i < sizeof top / sizeof *top; i++)
        cr_expect_not_null(json_object_get(o, top[i]), "missing %s", top[i]);
    json_t *hit = json_array_get(json_object_get(o, "hits"), 0);
    static const char *const keys[] = {"rank", "id", "score", "title", "source", "author",
                                       "date", "url", "snippet", "highlights", "quote"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        cr_expect(json_object_get(hit, keys[i]) != NULL, "hit lacks %s", keys[i]);
    cr_expect_str_eq(json_string_value(json_object_get(hit, "id")), "phrase");
    cr_expect(json_is_null(json_object_get(hit, "url")));
    cr_expect(strstr(text, "\"total\":{\"value\":1,\"relation\":\"eq\"}"), "%s", text);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(hit, "quote"), "text")),
                     "Nations keep playing the cyber blame game.");
    json_decref(o);
    free(text);
    char *t = quire_results_text(res, 0);
    cr_expect(strstr(t, "**cyber blame game**"), "%s", t);
    free(t);
    quire_results_free(res);
}

Test(search, json_repairs_invalid_utf8)
{
    /* The query is echoed as given; bytes that are not UTF-8 become
     * U+FFFD instead of failing the whole document. */
    quire_results_t *res = search("cyber \xff", NULL);
    char *text = quire_results_json(res);
    cr_assert_not_null(text);
    json_t *o = json_loads(text, 0, NULL);
    cr_assert_not_null(o, "%s", text);
    cr_expect_str_eq(json_string_value(json_object_get(o, "query")), "cyber \xef\xbf\xbd");
    json_decref(o);
    free(text);
    quire_results_free(res);
}

/* ---------------------------------------------------- counts and ties */

/* COUNT_DOCS documents holding "common" ("alpha" 0-6 times), TWINS of them
 * the same but for their ids, added in scrambled order; twin-7 is shorter. */
enum { COUNT_DOCS = 600, TWINS = 40 };

static quire_reader_t *count_index(char *cdir, unsigned shards, int reverse)
{
    cr_assert_not_null(mkdtemp(cdir));
    quire_writer_t *w = NULL;
    cr_assert_eq(quire_writer_open(cdir, &(quire_writer_options_t){.shards = shards}, &w, NULL),
                 QUIRE_OK);
    for (int k = 0; k < COUNT_DOCS; k++) {
        int i = reverse ? COUNT_DOCS - 1 - k : k;
        char id[32], body[160];
        quire_doc_t d = {.id = id, .body = body, .date = "2020-05-05"};
        if (i < TWINS) {
            int t = (i * 17) % TWINS;
            snprintf(id, sizeof id, t == 7 ? "twin-%d" : "twin-%02d", t);
            d.body = "common twin text of equal weight";
        } else {
            snprintf(id, sizeof id, "doc-%03d", i);
            snprintf(body, sizeof body, "common words %d%s%s%s", i, i % 7 > 0 ? " alpha" : "",
                     i % 7 > 2 ? " alpha alpha" : "", i % 7 > 4 ? " alpha alpha alpha" : "");
            d.date = i % 3 ? "2019-01-01" : "2018-02-02";
        }
        cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    }
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    quire_reader_t *r = NULL;
    cr_assert_eq(quire_reader_open(cdir, &r, NULL), QUIRE_OK);
    return r;
}

static void count_setup(void)
{
    strcpy(dir, "/tmp/quire-test-counts-XXXXXX");
    reader = count_index(dir, 3, 0);
}

TestSuite(counts, .init = count_setup, .fini = teardown_index);

Test(counts, total_is_exact_at_every_limit_and_offset)
{
    static const struct { const char *q; uint64_t n; quire_sort_t sort; } cases[] = {
        {"common", COUNT_DOCS, QUIRE_SORT_RELEVANCE},
        {"common alpha", 480, QUIRE_SORT_RELEVANCE}, /* i % 7 > 0 of the 560 */
        {"common alpha", 480, QUIRE_SORT_DATE},
        {"common twin text equal", TWINS, QUIRE_SORT_RELEVANCE}, /* quote-like: tiers */
        {"common twin text alpha", COUNT_DOCS, QUIRE_SORT_RELEVANCE}, /* relaxed: OR */
        {"\"common alpha alpha alpha words\"", 0, QUIRE_SORT_RELEVANCE}, /* approximate */
    };
    static const unsigned limits[] = {1, 3, 10, 100}, offsets[] = {0, 7, 50, 300};
    uint64_t first = 0;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
        for (size_t l = 0; l < 4; l++)
            for (size_t k = 0; k < 4; k++) {
                quire_search_options_t o = {.limit = limits[l], .offset = offsets[k],
                                            .sort = cases[c].sort};
                quire_results_t *res = search(cases[c].q, &o);
                /* The approximate fallback's count: the same on every page. */
                first = !cases[c].n && l + k == 0 ? res->total : first;
                cr_expect(res->total == (cases[c].n ? cases[c].n : first), "%s %u %u: %llu",
                          cases[c].q, o.limit, o.offset, (unsigned long long)res->total);
                cr_expect(res->total_relation == QUIRE_TOTAL_EQ &&
                          (cases[c].n || (res->approximate && first > 100)));
                quire_results_free(res);
            }
}

Test(counts, over_the_cap_the_total_is_a_bound)
{
    for (unsigned limit = 1; limit <= 100; limit *= 10) {
        quire_search_options_t o = {.limit = limit, .offset = 20, .exact_total = 100};
        quire_results_t *res = search("common", &o);
        cr_expect(res->total == 100 && res->total_relation == QUIRE_TOTAL_GTE);
        char *t = quire_results_text(res, 0), *j = quire_results_json(res);
        cr_expect(!strncmp(t, "at least 100 results for common", 31), "%s", t);
        cr_expect(strstr(j, "\"total\":{\"value\":100,\"relation\":\"gte\"}"), "%s", j);
        free(t);
        free(j);
        quire_results_free(res);
    }
    /* With as many matches as the cap, the count is exact; with one more, a bound. */
    for (unsigned cap = TWINS - 1; cap <= TWINS; cap++) {
        quire_results_t *res = search("twin", &(quire_search_options_t){.exact_total = cap});
        char *t = quire_results_text(res, 0);
        cr_expect(!strncmp(t, cap == TWINS ? "40 results" : "at least 39 results", 10), "%s", t);
        cr_expect_eq(res->total_relation, cap == TWINS ? QUIRE_TOTAL_EQ : QUIRE_TOTAL_GTE);
        free(t);
        quire_results_free(res);
    }
}

Test(counts, equal_scores_come_in_id_order)
{
    /* The twins' ids in order: shorter first (twin-7), then byte by byte. */
    quirei_buf wb = QUIREI_BUF_INIT;
    quirei_buf_adds(&wb, "twin-7");
    for (int t = 0; t < TWINS; t++)
        if (t != 7)
            quirei_buf_addf(&wb, " twin-%02d", t);
    char *want = quirei_buf_detach(&wb, NULL);
    /* By relevance, in pages of 3 or all at once; by date (one day). */
    static const quire_search_options_t pages[] = {
        {.limit = 3}, {.limit = 100}, {.limit = 7, .sort = QUIRE_SORT_DATE}};
    char *got;
    for (int k = 0; k < 3; k++) {
        cr_expect_str_eq(got = paged_ids("twin", pages[k], TWINS, NULL), want, "pages %d", k);
        free(got);
    }
    /* A filter alone weighs nothing: every hit ties, by date then id. */
    got = paged_ids("date:2020-05-05",
                    (quire_search_options_t){.limit = 3, .sort = QUIRE_SORT_DATE, .offset = 2}, 6,
                    NULL);
    cr_expect_str_eq(got, "twin-01 twin-02 twin-03 twin-04 twin-05 twin-06");
    free(got);
    /* Another shard layout, documents indexed in the opposite order: the
     * same pages (the last query is quote-like: two tiers). */
    char other[] = "/tmp/quire-test-counts1-XXXXXX";
    quire_reader_t *mine = reader, *theirs = count_index(other, 1, 1);
    static const char *const qs[] = {"common", "common alpha", "twin", "alpha alpha alpha alpha"};
    for (int k = 0; k < 8; k++) {
        quire_search_options_t o = {.limit = 100, .sort = (quire_sort_t)(k % 2)};
        got = paged_ids(qs[k / 2], o, COUNT_DOCS, NULL);
        reader = theirs;
        char *there = paged_ids(qs[k / 2], o, COUNT_DOCS, NULL);
        reader = mine;
        cr_expect_str_eq(got, there, "%s sort %d", qs[k / 2], k % 2);
        free(got);
        free(there);
    }
    quire_reader_close(theirs);
    remove_dir(other);
    free(want);
}

/* ------------------------------------------------- index changed under us */

/* Index ndocs documents whose bodies name the round ("round3"). */
static void add_round(quire_writer_t *w, int ndocs, int round)
{
    char id[32], body[256];
    for (int i = 0; i < ndocs; i++) {
        snprintf(id, sizeof id, "d%d", i);
        snprintf(body, sizeof body, "alpha beta round%d gamma %d delta w%dx", round, i,
                 i * 7 + round);
        quire_doc_t d = {.id = id, .body = body};
        cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    }
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
}

/*
 * Xapian keeps only the newest revisions of a database: once a writer has
 * committed twice after a reader's revision, reading that revision fails
 * with QUIRE_EMODIFIED. quire_search() and quire_reader_get() then reopen
 * the reader and try again by themselves: they succeed, on the newest
 * revision (which the reader moved to: only the retry reopens it).
 */
Test(modified, search_and_get_retry_after_reopen)
{
    char mdir[] = "/tmp/quire-test-modified-XXXXXX";
    cr_assert_not_null(mkdtemp(mdir));
    quire_writer_options_t wo = {.shards = 1};
    quire_writer_t *w = NULL;
    cr_assert_eq(quire_writer_open(mdir, &wo, &w, NULL), QUIRE_OK);
    add_round(w, 300, 0);
    quire_reader_t *rs = NULL, *rg = NULL;
    cr_assert_eq(quire_reader_open(mdir, &rs, NULL), QUIRE_OK);
    cr_assert_eq(quire_reader_open(mdir, &rg, NULL), QUIRE_OK);
    uint64_t rev0 = 0, rev = 0;
    cr_assert_eq(quire_reader_revision(rs, &rev0), QUIRE_OK);
    for (int round = 1; round <= 3; round++)
        add_round(w, 300, round);

    quire_results_t *res = NULL;
    quire_status_t st = quire_search(rs, "round3", NULL, &res);
    cr_assert_eq(st, QUIRE_OK, "%s", quire_reader_detail(rs));
    cr_expect_eq(res->total, 300);
    quire_results_free(res);
    cr_assert_eq(quire_reader_revision(rs, &rev), QUIRE_OK);
    cr_expect_gt(rev, rev0, "the search did not move the reader on");

    quire_stored_doc_t *d = NULL;
    st = quire_reader_get(rg, "d5", &d);
    cr_assert_eq(st, QUIRE_OK, "%s", quire_reader_detail(rg));
    cr_expect(strstr(d->doc.body, "round3"), "%s", d->doc.body);
    quire_stored_doc_free(d);
    cr_assert_eq(quire_reader_revision(rg, &rev), QUIRE_OK);
    cr_expect_gt(rev, rev0, "the fetch did not move the reader on");

    quire_reader_close(rs);
    quire_reader_close(rg);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    remove_dir(mdir);
}
