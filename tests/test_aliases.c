/*
 * test_aliases.c - threat-actor aliases (lib/query/aliases.c) through the
 * C API, on a small index built here:
 *
 *   exact-1   names "Fancy Bear" (the query) once
 *   alias-1   names the group only as "Sofacy"
 *   alias-2   names it only as "APT28" (a code: one token)
 *   apart-1   "a fancy dress and a bear" (the words, not the name)
 *   steppe-1  "Grizzly Steppe" (a name of APT28 and of APT29)
 *   poss-1    "Tropic Trooper's" (curly apostrophe; KeyBoy's group)
 *   gid-1     names Orangeworm only by its ATT&CK id, G0071 (which MISP
 *             gives in the group's references, not its synonyms): an
 *             identifier, found when typed, never added
 *   lead-N    "lead" in 30 of the 60 documents: an ordinary word here
 *   filler-N  padding, so that "lead" is common (30 of 60) and names rare
 * Each body is of the same length around its name, so "equal strength"
 * is one mention in bodies alike.
 */
#include <criterion/criterion.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "open_index.h"

static char dir[] = "/tmp/quire-test-aliases-XXXXXX";
static quire_reader_t *r;

static void add(quire_writer_t *w, const char *id, const char *body)
{
    quire_doc_t d = {.id = id, .title = id, .body = body};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
}

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    quire_writer_t *w = test_open_writer(dir, 1);
    add(w, "exact-1", "Analysts say Fancy Bear sent the phishing mail to the ministry.");
    add(w, "alias-1", "Analysts say Sofacy sent the phishing mail to the ministry.");
    add(w, "alias-2", "Analysts say APT28 sent the phishing mail to the ministry.");
    add(w, "apart-1", "A fancy dress and a bear costume were sent to the ministry.");
    add(w, "steppe-1", "The report calls the activity Grizzly Steppe.");
    add(w, "poss-1", "Tropic Trooper\xe2\x80\x99s loader was seen again.");
    add(w, "gid-1", "The group tracked as G0071 went after hospital networks.");
    for (int i = 0; i < 55; i++) {
        char id[16], body[96];
        snprintf(id, sizeof id, "%s-%02d", i < 30 ? "lead" : "filler", i);
        snprintf(body, sizeof body, "%s text number %d", i < 30 ? "lead pipes and" : "other", i);
        add(w, id, body);
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

TestSuite(aliases, .init = setup, .fini = teardown);

static quire_results_t *search(const char *q, int no_aliases)
{
    quire_search_options_t o = {.limit = 100, .no_aliases = no_aliases};
    quire_results_t *res = NULL;
    cr_assert_eq(quire_search(r, q, &o, &res), QUIRE_OK, "%s: %s", q, quire_reader_detail(r));
    return res;
}

static int rank_of(const quire_results_t *res, const char *id)
{
    for (size_t i = 0; i < res->nhits; i++)
        if (!strcmp(res->hits[i].id, id))
            return (int)i + 1;
    return 0;
}

static int expanded_has(const quire_results_t *res, const char *name)
{
    for (size_t i = 0; i < res->nexpanded; i++)
        if (!strcmp(res->expanded[i], name))
            return 1;
    return 0;
}

Test(aliases, name_finds_other_names_ranked_below)
{
    const char *queries[] = {"Fancy Bear", "fancy bear", "FANCY BEAR"};
    for (size_t q = 0; q < 3; q++) {
        quire_results_t *res = search(queries[q], 0);
        cr_expect_eq(rank_of(res, "exact-1"), 1, "%s: the name as typed first", queries[q]);
        cr_expect(rank_of(res, "alias-1") > 1, "%s: Sofacy found, below", queries[q]);
        cr_expect(rank_of(res, "alias-2") > 1, "%s: APT28 found, below", queries[q]);
        cr_expect_eq(rank_of(res, "apart-1"), 0, "%s: the words apart are not the name",
                     queries[q]);
        cr_expect_eq(res->nhits, 3);
        cr_expect(expanded_has(res, "Sofacy") && expanded_has(res, "APT28"));
        cr_expect(!expanded_has(res, "FANCY BEAR"), "the name typed is not 'added'");
        cr_expect(!expanded_has(res, "Grizzly Steppe"), "a shared name is not added");
        quire_results_free(res);
    }
}

Test(aliases, attack_id_is_an_identifier_never_added)
{
    /* G0071 is Orangeworm's ATT&CK id: a catalogue key, which ATT&CK's
     * pages write next to ATT&CK's name for the group. Added to a name's
     * expansion it finds only what that name finds, or, when that name
     * belongs to several groups, the documents the ambiguity rule keeps
     * out (aliases.h). */
    quire_results_t *res = search("Orangeworm", 0);
    cr_expect(!expanded_has(res, "G0071"), "an ATT&CK id is not added");
    cr_expect_eq(rank_of(res, "gid-1"), 0);
    quire_results_free(res);
    res = search("G0071", 0);
    cr_expect_eq(rank_of(res, "gid-1"), 1, "typed, it is searched as the token");
    cr_expect_eq(res->nexpanded, 0);
    int warned = 0;
    for (size_t i = 0; i < res->nwarnings; i++)
        warned |= !strcmp(res->warnings[i].code, "group_number") &&
                  strstr(res->warnings[i].message, "group id") != NULL &&
                  strstr(res->warnings[i].message, "Orangeworm") != NULL;
    cr_expect(warned, "a group_number warning naming the group's names");
    quire_results_free(res);
}

Test(aliases, group_number_is_searched_as_typed_with_a_warning)
{
    quire_results_t *res = search("APT28", 0);
    cr_expect_eq(rank_of(res, "alias-2"), 1);
    cr_expect_eq(res->nhits, 1, "only the document saying APT28: a number is a token");
    cr_expect_eq(res->nexpanded, 0);
    int warned = 0;
    for (size_t i = 0; i < res->nwarnings; i++)
        warned |= !strcmp(res->warnings[i].code, "group_number") &&
                  strstr(res->warnings[i].message, "FANCY BEAR") != NULL &&
                  strstr(res->warnings[i].message, "Grizzly Steppe") == NULL;
    cr_expect(warned, "a group_number warning naming the other names (not a shared one)");
    quire_results_free(res);
}

Test(aliases, synonym_expands_inside_a_longer_query)
{
    quire_results_t *res = search("sofacy phishing", 0); /* a name inside a longer query */
    cr_expect_eq(rank_of(res, "alias-1"), 1);
    cr_expect_eq(res->nhits, 3, "every name, with phishing");
    quire_results_free(res);
}

Test(aliases, possessive_names_count)
{
    quire_results_t *res = search("KeyBoy", 0);
    cr_expect_eq(rank_of(res, "poss-1"), 1, "Tropic Trooper's is the group");
    quire_results_free(res);
}

Test(aliases, json_and_text_list_the_added_names)
{
    quire_results_t *res = search("Sofacy", 0);
    char *json = quire_results_json(res), *text = quire_results_text(res, 0);
    cr_expect(strstr(json, "\"expanded\":[\"APT28\",") != NULL, "%s", json);
    cr_expect(strstr(text, "aliases: also searched for APT28, ") != NULL, "%s", text);
    free(json);
    free(text);
    quire_results_free(res);
    res = search("ministry", 0);
    json = quire_results_json(res);
    cr_expect(strstr(json, "\"expanded\":[]") != NULL, "always present: %s", json);
    free(json);
    quire_results_free(res);
}

Test(aliases, quoted_phrase_and_option_off_are_not_expanded)
{
    quire_results_t *res = search("\"Fancy Bear\"", 0);
    cr_expect_eq(res->nhits, 1);
    cr_expect_eq(res->nexpanded, 0);
    quire_results_free(res);
    res = search("Fancy Bear", 1);
    cr_expect_eq(rank_of(res, "alias-1"), 0);
    cr_expect_eq(rank_of(res, "apart-1"), 2, "the words as before: stemmed, apart");
    cr_expect_eq(res->nexpanded, 0);
    quire_results_free(res);
}

Test(aliases, ambiguous_name_warns_and_is_not_expanded)
{
    quire_results_t *res = search("Grizzly Steppe", 0);
    cr_expect_eq(res->nexpanded, 0);
    cr_expect_eq(res->nhits, 1);
    cr_assert_eq(res->nwarnings, 1);
    cr_expect_str_eq(res->warnings[0].code, "ambiguous_alias");
    cr_expect(strstr(res->warnings[0].message, "APT28") &&
                  strstr(res->warnings[0].message, "APT29"),
              "%s", res->warnings[0].message);
    quire_results_free(res);
    res = search("Grizzly Steppe", 1);
    cr_expect_eq(res->nwarnings, 0, "aliases off: nothing to say");
    quire_results_free(res);
}

Test(aliases, common_word_is_the_word)
{
    /* LEAD is a name of APT41; in 30 of 60 documents it is a word. */
    quire_results_t *res = search("lead", 0);
    cr_expect_eq(res->nexpanded, 0);
    cr_expect_eq(res->total, 30);
    quire_results_free(res);
    res = search("Winnti", 0); /* APT41 by another name: lead is not added */
    cr_expect(res->nexpanded > 0);
    cr_expect(!expanded_has(res, "LEAD"));
    cr_expect_eq(res->total, 0);
    quire_results_free(res);
}
