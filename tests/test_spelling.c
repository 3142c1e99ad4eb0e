/*
 * test_spelling.c - "did you mean" (lib/query/spelling.c), the search of
 * the correction when nothing matched, and stem drift (compile.c: the word
 * as typed outranks words that only share its stem), on a small index
 * built here; and the suggestion through the real quire-search.
 */
#include <criterion/criterion.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "open_index.h"
#include "query/spelling.h"
#include "server_harness.h"
#include "strbuf.h"

#define NMALWARE 24

static char dir[64];
static quire_reader_t *reader;

static const quire_doc_t fixed[] = {
    {.id = "rw-1", .title = "Ransomware hits a hospital",
     .body = "A ransomware attack shut the hospital's records system for a week."},
    {.id = "rw-2", .title = "Paying the ransom",
     .body = "The council paid the ransomware gang after the attack."},
    {.id = "rw-3", .title = "Backups", .body = "Backups are the answer to ransomware."},
    {.id = "hosp-1", .title = "Oracle Hospitality advisory",
     .body = "Vulnerability in Oracle Hospitality Suite8. Oracle Hospitality Applications and "
             "Hospitality Reporting are affected; hospitality customers should patch "
             "hospitality servers."},
    {.id = "hosp-2", .title = "Hospitality patch",
     .body = "Hospitality hospitality hospitality: another Oracle Hospitality component."},
    {.id = "hosp-3", .title = "Clinic outage",
     .body = "The hospital network went down for a day."},
    {.id = "cve-1", .title = "Log4Shell", .body = "CVE-2021-44228 in log4j; seen from 10.0.0.1."},
    {.id = "hash-1", .title = "Sample", .body = "The dropper d41d8cd98f00b204e9800998ecf8427e ran."},
    {.id = "typo-1", .title = "A misspelling", .body = "One report says malwere instead."},
};

static void setup(void)
{
    strcpy(dir, "/tmp/quire-test-spelling-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    quire_writer_t *w = test_open_writer(dir, 1);
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        cr_assert_eq(quire_writer_add(w, &fixed[i]), QUIRE_OK);
    /* malware in NMALWARE documents: common next to the one malwere. */
    char id[32], body[96];
    for (int i = 0; i < NMALWARE; i++) {
        snprintf(id, sizeof id, "mw-%02d", i);
        snprintf(body, sizeof body, "Report %d on malware that steals passwords.", i);
        quire_doc_t d = {.id = id, .title = "Malware report", .body = body};
        cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    }
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    reader = test_open_reader(dir);
}

static void teardown(void)
{
    quire_reader_close(reader);
    qt_remove_tree(dir);
}

TestSuite(spelling, .init = setup, .fini = teardown);

static quire_results_t *search(const char *q)
{
    quire_results_t *res = NULL;
    quire_search_options_t o = {.limit = 10};
    cr_assert_eq(quire_search(reader, q, &o, &res), QUIRE_OK, "%s: %s", q,
                 quire_reader_detail(reader));
    return res;
}

static void expect_no_suggestion(const char *q)
{
    quire_results_t *res = search(q);
    cr_expect_null(res->suggestion, "%s: no suggestion, got %s", q,
                   res->suggestion ? res->suggestion : "");
    cr_expect(!res->corrected, "%s", q);
    quire_results_free(res);
}

static int starts_with(const char *s, const char *p)
{
    return s && !strncmp(s, p, strlen(p));
}

Test(spelling, a_misspelt_word_is_corrected_and_its_correction_searched)
{
    quire_results_t *res = search("Ransomwear");
    cr_assert_not_null(res->suggestion);
    cr_expect_str_eq(res->suggestion, "Ransomware", "the capital is kept");
    cr_expect(res->corrected, "nothing matched ransomwear: the hits are ransomware's");
    cr_expect_eq(res->total, 3);
    cr_assert_eq(res->nhits, 3);
    for (size_t i = 0; i < res->nhits; i++) {
        cr_expect(starts_with(res->hits[i].id, "rw-"), "%s", res->hits[i].id);
        cr_expect(res->hits[i].corrected);
        cr_expect_eq(res->hits[i].match, QUIRE_MATCH_EXACT);
    }
    char *json = quire_results_json(res);
    cr_assert_not_null(json);
    cr_expect(strstr(json, "\"suggestion\":\"Ransomware\",\"corrected\":true"), "%s", json);
    cr_expect(strstr(json, "\"relaxed\":false,\"corrected\":true}"), "per hit: %s", json);
    free(json);
    char *text = quire_results_text(res, 0);
    cr_assert_not_null(text);
    cr_expect(strstr(text, "Showing results for: Ransomware (spelling corrected)"), "%s", text);
    cr_expect(strstr(text, "| corrected"), "%s", text);
    free(text);
    quire_results_free(res);
}

Test(spelling, relaxed_matches_give_way_to_the_correction)
{
    /* No document has ransomwear and hospital: relaxed matches would be
     * hospital alone; the correction has both words. */
    quire_results_t *res = search("ransomwear hospital");
    cr_expect_str_eq(res->suggestion, "ransomware hospital");
    cr_expect(res->corrected);
    cr_expect(!res->relaxed);
    cr_assert_geq(res->nhits, 1);
    cr_expect_str_eq(res->hits[0].id, "rw-1");
    quire_results_free(res);
}

Test(spelling, found_words_get_a_suggestion_only)
{
    /* malwere exists (once) next to malware (24 documents): suggested, but
     * what matched as typed is what the user gets. */
    quire_results_t *res = search("malwere");
    cr_expect_str_eq(res->suggestion, "malware");
    cr_expect(!res->corrected);
    cr_assert_eq(res->nhits, 1);
    cr_expect_str_eq(res->hits[0].id, "typo-1");
    cr_expect(!res->hits[0].corrected);
    char *text = quire_results_text(res, 0);
    cr_expect(strstr(text, "Did you mean: malware\n"), "%s", text);
    free(text);
    quire_results_free(res);
}

Test(spelling, correct_words_and_security_tokens_are_never_corrected)
{
    expect_no_suggestion("ransomware");
    expect_no_suggestion("hospital ransomware");
    /* 1 edit from indexed tokens, but tokens are not words. */
    expect_no_suggestion("CVE-2021-44229");
    expect_no_suggestion("10.0.0.2");
    expect_no_suggestion("d41d8cd98f00b204e9800998ecf8427f");
    expect_no_suggestion("log4k");
    /* A word in quotes that the index has is what the user meant. */
    expect_no_suggestion("\"malwere\"");
    /* Under NOT a word only excludes. */
    expect_no_suggestion("malware -ransomwear");
}

Test(spelling, a_misspelt_word_in_quotes_is_suggested_and_the_quote_tolerated)
{
    quire_results_t *res = search("\"ransomwear attack shut the hospital's records\"");
    cr_expect_str_eq(res->suggestion, "\"ransomware attack shut the hospital's records\"");
    cr_assert_geq(res->nhits, 1);
    cr_expect_str_eq(res->hits[0].id, "rw-1");
    cr_expect(res->approximate, "the quote fallbacks found it: not corrected");
    cr_expect(!res->corrected);
    quire_results_free(res);
}

Test(spelling, words_close_at_their_start_and_two_edits_off)
{
    static const struct {
        const char *typed, *want;
    } cases[] = {
        {"ansomware", "ransomware"},   /* first letter dropped */
        {"rnasomware", "ransomware"},  /* first two swapped */
        {"tansomware", "ransomware"},  /* first replaced */
        {"xransomware", "ransomware"}, /* one added first */
        {"ransmowaer", "ransomware"},  /* two swaps: 2 edits, 10 letters */
        {"malwara", "malware"},
        {"hospitel", "hospital"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[64] = "";
        int found = 0;
        cr_assert_eq(quirei_spell_word(reader, cases[i].typed, 0, out, sizeof out, &found),
                     QUIRE_OK);
        cr_expect(found, "%s", cases[i].typed);
        cr_expect_str_eq(out, cases[i].want, "%s", cases[i].typed);
    }
    char out[64];
    int found = 1;
    /* 2 edits are too many for a short word. */
    cr_assert_eq(quirei_spell_word(reader, "mulwara", 0, out, sizeof out, &found), QUIRE_OK);
    cr_expect(!found);
    /* 2 edits, one among the first three letters: not looked for. */
    found = 1;
    cr_assert_eq(quirei_spell_word(reader, "rasnomwaer", 0, out, sizeof out, &found), QUIRE_OK);
    cr_expect(!found);
}

Test(spelling, the_word_as_typed_outranks_words_sharing_its_stem)
{
    /* hospital and hospitality share the stem hospit; the advisories say
     * hospitality over and over, the clinic story says hospital once. */
    quire_results_t *res = search("hospital");
    cr_assert_geq(res->nhits, 3, "the stem still finds hospitality");
    cr_expect(!strcmp(res->hits[0].id, "hosp-3") || !strcmp(res->hits[0].id, "rw-1"),
              "first: %s", res->hits[0].id);
    cr_expect(starts_with(res->hits[1].id, "hosp-3") || starts_with(res->hits[1].id, "rw-1"),
              "second: %s", res->hits[1].id);
    quire_results_free(res);
    res = search("ransomwear attack hospital");
    cr_expect(res->corrected);
    cr_assert_geq(res->nhits, 1);
    cr_expect_str_eq(res->hits[0].id, "rw-1");
    quire_results_free(res);
}

/* The real quire-search on the index: "--db DIR", then up to 3 args; its
 * stdout into out. */
static int run_search(const char *a, const char *b, const char *c, quirei_buf *out)
{
    const char *argv[] = {QUIRE_BIN_DIR "/quire-search", "--db", dir, a, b, c, NULL};
    char path[96];
    snprintf(path, sizeof path, "%s.out", dir);
    int status = qt_run_output(argv, path, out);
    remove(path);
    return status;
}

Test(spelling, quire_search_shows_the_suggestion)
{
    quirei_buf out = QUIREI_BUF_INIT;
    cr_assert_eq(run_search("ransomwear", NULL, NULL, &out), 0);
    cr_expect(strstr(quirei_buf_cstr(&out), "Showing results for: ransomware"), "%s",
              quirei_buf_cstr(&out));
    cr_assert_eq(run_search("--format", "json", "malwere", &out), 0);
    cr_expect(strstr(quirei_buf_cstr(&out), "\"suggestion\":\"malware\",\"corrected\":false"),
              "%s", quirei_buf_cstr(&out));
    cr_assert_eq(run_search("--format", "json", "malware", &out), 0);
    cr_expect(strstr(quirei_buf_cstr(&out), "\"suggestion\":null,\"corrected\":false"), "%s",
              quirei_buf_cstr(&out));
    quirei_buf_release(&out);
}
