/*
 * test_quotes.c - a quote for every hit (issue 11, section 3): the sentence
 * that best matches an approximate or relaxed hit, stop words never
 * highlighted alone, how each hit matched, author: phrases, pasted
 * sentences read as text, and the citation line of the text output; on a
 * small index written here, and through the real quire-search binary.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "query/query_parser.h"
#include "render/snippet.h"
#include "strbuf.h"

/* ------------------------------------------------------------- fixture */

static const quire_doc_t docs[] = {
    {.id = "clouds", .title = "Private cloud is not dead", .source = "news/reg",
     .author = "Trevor Pott", .date = "2016-05-04", .url = "https://example.com/clouds",
     .body = "Public cloud grew again this year. Again, this is not about private clouds "
             "being a better option than public clouds. The point is that private clouds "
             "are not dying or failing. Both have strong value propositions."},
    {.id = "ransom", .title = "Hospital hit", .source = "news/med", .date = "2017-03-02",
     .body = "Hospitals faced ransomware last spring. Ransomware struck the hospital network "
             "in March, the report said. Nothing else happened."},
    {.id = "greg", .title = "Comment", .source = "news/a", .author = "Greg Day",
     .body = "Cyber security calls for a united front, not finger-pointing."},
    {.id = "delta", .source = "casie", .date = "2017-01-31",
     .body = "Airlines had a bad week. The latest incident involved Delta Air Lines "
             "(NYSE:DAL), which canceled 170 flights on Sunday and another 110 on Monday. "
             "Passengers waited."},
    {.id = "hamlet", .title = "Soliloquy", .source = "news/b",
     .body = "To be or not to be, that is the question. Whether tis nobler in the mind."},
};

static char dir[64];
static quire_reader_t *reader;

static void setup(void)
{
    strcpy(dir, "/tmp/quire-test-quotes-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    quire_writer_t *w = NULL;
    cr_assert_eq(quire_writer_open(dir, NULL, &w, NULL), QUIRE_OK);
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        cr_assert_eq(quire_writer_add(w, &docs[i]), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_assert_eq(quire_reader_open(dir, &reader, NULL), QUIRE_OK);
}

static void teardown(void)
{
    quire_reader_close(reader);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(quotes, .init = setup, .fini = teardown, .timeout = 60);

static quire_results_t *search(const char *q)
{
    quire_results_t *res = NULL;
    quire_status_t st = quire_search(reader, q, NULL, &res);
    cr_assert_eq(st, QUIRE_OK, "%s: %s", q, quire_reader_detail(reader));
    return res;
}

/* The text under highlight k of h (ASCII fixture: code points = bytes). */
static char *hl_text(const quire_hit_t *h, size_t k)
{
    cr_assert_lt(k, h->nhighlights);
    return strndup(h->snippet + h->highlights[k].start,
                   h->highlights[k].end - h->highlights[k].start);
}

/* Does some highlight of h cover exactly `want`? */
static int has_highlight(const quire_hit_t *h, const char *want)
{
    int found = 0;
    for (size_t k = 0; k < h->nhighlights; k++) {
        char *t = hl_text(h, k);
        found |= strcmp(t, want) == 0;
        free(t);
    }
    return found;
}

static void expect_quote_in_body(const quire_hit_t *h, const char *want)
{
    cr_assert_not_null(h->quote, "%s has no quote", h->id);
    cr_expect_str_eq(h->quote, want);
    quire_stored_doc_t *d = NULL;
    cr_assert_eq(quire_reader_get(reader, h->id, &d), QUIRE_OK);
    cr_assert_eq(h->quote_end - h->quote_start, strlen(h->quote));
    cr_expect_eq(memcmp(d->doc.body + h->quote_start, h->quote, strlen(h->quote)), 0);
    quire_stored_doc_free(d);
}

/* ----------------------------------------------- quotes for every hit */

Test(quotes, approximate_hit_is_cited_by_its_best_sentence)
{
    /* A misremembered quote: "points" for "point". */
    quire_results_t *res = search("\"The points is that private clouds are not dying\"");
    cr_assert_eq(res->nhits, 1);
    cr_expect(res->approximate);
    cr_expect_not(res->relaxed);
    const quire_hit_t *h = &res->hits[0];
    expect_quote_in_body(h, "The point is that private clouds are not dying or failing.");
    cr_expect_eq(h->match, QUIRE_MATCH_APPROXIMATE);
    cr_expect(h->approximate);
    cr_expect_not(h->relaxed);
    /* The words side by side are one span, stop words inside it; no stop
     * word is highlighted alone. */
    cr_expect(has_highlight(h, "point is that private clouds are not dying"), "snippet %s",
              h->snippet);
    cr_expect_not(has_highlight(h, "The"));
    cr_expect_not(has_highlight(h, "is"));
    cr_expect_not(has_highlight(h, "not"));
    quire_results_free(res);
}

Test(quotes, relaxed_hit_is_cited_by_the_sentence_with_the_words_in_order)
{
    /* No document has "zebra": relaxed. Both sentences of "ransom" hold
     * ransomware and hospital (stemmed); the second in the query's order. */
    quire_results_t *res = search("ransomware hospital zebra");
    cr_expect(res->relaxed);
    cr_expect_not(res->approximate);
    cr_assert_geq(res->nhits, 1);
    const quire_hit_t *h = &res->hits[0];
    cr_expect_str_eq(h->id, "ransom");
    cr_expect_eq(h->match, QUIRE_MATCH_RELAXED);
    cr_expect(h->relaxed);
    expect_quote_in_body(h, "Ransomware struck the hospital network in March, the report said.");
    quire_results_free(res);
    /* The other order picks the other sentence. */
    res = search("hospital ransomware zebra");
    cr_assert_geq(res->nhits, 1);
    expect_quote_in_body(&res->hits[0], "Hospitals faced ransomware last spring.");
    quire_results_free(res);
}

Test(quotes, exact_hits_are_quoted_too)
{
    quire_results_t *res = search("strong value");
    cr_assert_eq(res->nhits, 1);
    cr_expect_not(res->approximate);
    cr_expect_eq(res->hits[0].match, QUIRE_MATCH_EXACT);
    cr_expect_not(res->hits[0].approximate || res->hits[0].relaxed);
    expect_quote_in_body(&res->hits[0], "Both have strong value propositions.");
    quire_results_free(res);
}

Test(quotes, stop_words_are_highlighted_only_in_a_run_or_alone_in_the_query)
{
    quire_results_t *res = search("the question");
    cr_assert_eq(res->nhits, 1);
    const quire_hit_t *h = &res->hits[0];
    cr_expect(has_highlight(h, "question"));
    for (size_t k = 0; k < h->nhighlights; k++) {
        char *t = hl_text(h, k);
        cr_expect_str_eq(t, "question", "only the word that is not a stop word");
        free(t);
    }
    expect_quote_in_body(h, "To be or not to be, that is the question.");
    quire_results_free(res);
    /* A query of stop words only: they are what it looks for. */
    res = search("to be");
    cr_assert_eq(res->nhits, 1);
    cr_expect(has_highlight(&res->hits[0], "To be"), "snippet %s", res->hits[0].snippet);
    cr_expect_not_null(res->hits[0].quote);
    quire_results_free(res);
}

Test(snippet, a_stop_word_matched_by_stem_is_not_highlighted_alone)
{
    /* A misspelt "coulds" stems to "could", a stop word in the body. */
    const char *t[] = {"coulds"}, *st[] = {"could"}, *w[] = {"grid"};
    quirei_unit u[] = {{QUIREI_UNIT_TERM, t, 1, st, 1, 0, 1.0, 0},
                       {QUIREI_UNIT_TERM, w, 1, NULL, 0, 0, 1.0, 0}};
    quirei_stemmer *stemmer = quirei_stemmer_new("english");
    quirei_snippet s;
    quirei_snippet_init(&s);
    const char *body = "It could fail. The grid could fail too.";
    cr_assert_eq(quirei_snippet_make(body, strlen(body), u, 2, stemmer, "english", 250, &s), 0);
    cr_assert_eq(s.nhighlights, 1);
    cr_expect_eq(s.highlights[0].start, 19, "only grid");
    cr_expect_str_eq(quirei_buf_cstr(&s.quote), "The grid could fail too.");
    /* Without the language the stem match is an ordinary one. */
    cr_assert_eq(quirei_snippet_make(body, strlen(body), u, 2, stemmer, NULL, 250, &s), 0);
    cr_expect_eq(s.nhighlights, 2, "could, and the run grid could");
    quirei_snippet_release(&s);
    quirei_stemmer_free(stemmer);
}

Test(quotes, no_quote_for_a_match_outside_the_body)
{
    quire_results_t *res = search("title:soliloquy");
    cr_assert_eq(res->nhits, 1);
    cr_expect_null(res->hits[0].quote);
    quire_results_free(res);
}

/* ------------------------------------------------------- author phrases */

Test(quotes, quoted_author_is_exact)
{
    const char *qs[] = {"author:\"greg day\"", "author:\"Day Greg\"", "author:greg"};
    for (size_t i = 0; i < 3; i++) {
        quire_results_t *res = search(qs[i]);
        cr_expect_eq(res->total, 1, "%s", qs[i]);
        cr_expect_not(res->approximate, "%s is an exact match", qs[i]);
        cr_expect_not(res->relaxed, "%s", qs[i]);
        quire_results_free(res);
    }
    /* Nothing matches, not even approximately: no flag, one true header. */
    quire_results_t *res = search("author:\"jane smith\"");
    cr_expect_eq(res->total, 0);
    cr_expect_not(res->approximate);
    cr_expect_not(res->relaxed);
    char *text = quire_results_text(res, 0);
    cr_assert_not_null(text);
    cr_expect_eq(strncmp(text, "0 results for author:\"jane smith\"  [", 36), 0, "%s", text);
    free(text);
    quire_results_free(res);
}

/* ----------------------------------------------------- pasted sentences */

static qn *parse(const char *q, quire_status_t want)
{
    qn *n = NULL;
    quirei_buf err = QUIREI_BUF_INIT;
    long pos;
    quire_status_t st = quirei_parse_query(q, strlen(q), &n, &err, &pos);
    cr_assert_eq(st, want, "%s: %s", q, quirei_buf_cstr(&err));
    quirei_buf_release(&err);
    return n;
}

/* How many nodes of kind k the tree holds. */
static size_t count_kind(const qn *n, qn_kind k)
{
    size_t c = n->kind == k;
    for (size_t i = 0; i < n->nkids; i++)
        c += count_kind(n->kids[i], k);
    return c;
}

Test(pasted, long_sentence_is_text_not_syntax)
{
    /* An unknown field, a '*' and parentheses: punctuation in a sentence. */
    qn *n = parse("The latest incident involved Delta Air Lines (NYSE:DAL), which canceled "
                  "170 flights",
                  QUIRE_OK);
    cr_expect_eq(n->kind, QN_AND);
    cr_expect_eq(count_kind(n, QN_AND), 1, "groups flattened");
    for (size_t i = 0; i < n->nkids; i++)
        cr_expect(n->kids[i]->kind == QN_WORDS && n->kids[i]->field == QF_ANY);
    quirei_qn_free(n);
    n = parse("by end of day you would be following *two* accounts and more*", QUIRE_OK);
    cr_expect_eq(count_kind(n, QN_PREFIX), 0);
    quirei_qn_free(n);
    quirei_qn_free(parse("the attack 1) began in may and lasted three long weeks", QUIRE_OK));
}

Test(pasted, syntax_keeps_its_meaning)
{
    /* Short queries are read as typed. */
    quirei_qn_free(parse("note:the attack", QUIRE_EQUERY));
    qn *n = parse("ransom* hospital", QUIRE_OK);
    cr_expect_eq(count_kind(n, QN_PREFIX), 1);
    quirei_qn_free(n);
    /* An operator anywhere: the whole query is syntax. */
    n = parse("(iOS OR Android) users were targeted by the same campaign again", QUIRE_OK);
    cr_expect_eq(count_kind(n, QN_OR), 1);
    quirei_qn_free(n);
    n = parse("title:espionage users were targeted by the same campaign again and again",
              QUIRE_OK);
    cr_expect_eq(n->kids[0]->field, QF_TITLE);
    quirei_qn_free(n);
    quirei_qn_free(parse("users were targeted by the same campaign again ransom* foo:bar x",
                         QUIRE_OK));
    quirei_qn_free(parse("users were targeted -by the same campaign again foo:bar x",
                         QUIRE_EQUERY));
    /* +( … ) stays a required group; a plain group is flattened. */
    n = parse("a +(b c) d", QUIRE_OK);
    cr_expect_eq(count_kind(n, QN_AND), 2);
    quirei_qn_free(n);
    n = parse("a (b c) d", QUIRE_OK);
    cr_expect_eq(count_kind(n, QN_AND), 1);
    cr_expect_eq(n->nkids, 4);
    quirei_qn_free(n);
}

Test(pasted, a_quotation_may_quote_someone)
{
    qn *n = parse("\"as well as \xe2\x80\x9c" "anything using ccrtp\xe2\x80\x9d, dowd writes\"",
                  QUIRE_OK);
    cr_expect_eq(n->kind, QN_PHRASE);
    cr_expect_eq(n->nterms, 8);
    quirei_qn_free(n);
    /* Mixed quotes still close when the opener's own is missing. */
    n = parse("\"cyber blame game\xe2\x80\x9d china", QUIRE_OK);
    cr_assert_eq(n->kind, QN_AND);
    cr_expect_eq(n->kids[0]->kind, QN_PHRASE);
    cr_expect_eq(n->kids[0]->nterms, 3);
    quirei_qn_free(n);
}

Test(quotes, pasted_sentence_is_found_and_cited_as_one)
{
    quire_results_t *res = search("The latest incident involved Delta Air Lines (NYSE:DAL), "
                                  "which canceled 170 flights");
    cr_assert_eq(res->nhits, 1);
    const quire_hit_t *h = &res->hits[0];
    cr_expect_eq(h->match, QUIRE_MATCH_EXACT);
    cr_expect_eq(h->nhighlights, 1, "one span: %s", h->snippet);
    expect_quote_in_body(h, "The latest incident involved Delta Air Lines (NYSE:DAL), which "
                            "canceled 170 flights on Sunday and another 110 on Monday.");
    quire_results_free(res);
}

/* ------------------------------------------------------------ output */

Test(quotes, json_says_how_each_hit_matched)
{
    quire_results_t *res = search("\"The points is that private clouds are not dying\"");
    char *s = quire_results_json(res);
    json_t *root = json_loads(s, 0, NULL);
    cr_assert_not_null(root);
    json_t *hit = json_array_get(json_object_get(root, "hits"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(hit, "match")), "approximate");
    cr_expect(json_is_true(json_object_get(hit, "approximate")));
    cr_expect(json_is_false(json_object_get(hit, "relaxed")));
    cr_expect(json_is_true(json_object_get(root, "approximate")));
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(hit, "quote"), "text")),
                     "The point is that private clouds are not dying or failing.");
    json_decref(root);
    free(s);
    quire_results_free(res);
}

/* The line of text holding `needle`, malloc'd. */
static char *line_with(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    cr_assert_not_null(at, "no '%s' in:\n%s", needle, text);
    const char *a = at, *e = strchr(at, '\n');
    while (a > text && a[-1] != '\n')
        a--;
    return strndup(a, e ? (size_t)(e - a) : strlen(a));
}

Test(text, citation_line_with_every_field_and_without_some)
{
    quire_hit_t hits[2] = {
        {.rank = 1, .id = "a", .title = "Oz spooks hack", .source = "ti-corpus/theregister",
         .author = "Darren Pauli", .date = "2016-05-04T10:00:00Z",
         .url = "https://example.com/oz", .snippet = "…",
         .quote = "The Review  offered\nscant detail.", .match = QUIRE_MATCH_APPROXIMATE,
         .approximate = true},
        {.rank = 2, .id = "b", .source = "casie", .snippet = "x",
         .quote = "which canceled 170 flights", .match = QUIRE_MATCH_APPROXIMATE,
         .approximate = true},
    };
    quire_results_t res = {.query = "\"q\"", .total = 2, .approximate = true, .relaxed = true,
                           .nhits = 2, .hits = hits};
    char *t = quire_results_text(&res, 0);
    cr_assert_not_null(t);
    char *l = line_with(t, "scant");
    cr_expect_str_eq(l, "   \xe2\x80\x9cThe Review offered scant detail.\xe2\x80\x9d \xe2\x80\x94 "
                        "Darren Pauli, \xe2\x80\x9cOz spooks hack\xe2\x80\x9d, "
                        "ti-corpus/theregister, 2016-05-04, https://example.com/oz");
    free(l);
    l = line_with(t, "canceled");
    cr_expect_str_eq(l, "   \xe2\x80\x9c\xe2\x80\xa6which canceled 170 flights\xe2\x80\x9d "
                        "\xe2\x80\x94 casie");
    free(l);
    /* One notice, and how each hit matched on its line. */
    l = line_with(t, "results for");
    cr_expect(strstr(l, "(no exact match, and no document has every word: best partial "
                        "matches)"),
              "%s", l);
    cr_expect_eq(strstr(l, ") ("), NULL, "a single notice: %s", l);
    free(l);
    l = line_with(t, "   a |");
    cr_expect(strstr(l, "| score 0.00 | approximate"), "%s", l);
    free(l);
    cr_expect_null(strstr(t, "quote (bytes"));
    free(t);
}

/* -------------------------------------------- through quire-search */

/* Run quire-search with args on the fixture index: its stdout (malloc'd)
 * and exit status. */
static char *run_search(int *status, const char *const *args, size_t nargs)
{
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        const char *argv[16] = {"quire-search", "--db", dir};
        for (size_t i = 0; i < nargs && i < 12; i++)
            argv[3 + i] = args[i];
        dup2(fd[1], 1);
        close(fd[0]);
        execv(QUIRE_BIN_DIR "/quire-search", (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    quirei_buf out = QUIREI_BUF_INIT;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd[0], buf, sizeof buf)) > 0)
        cr_assert_eq(quirei_buf_add(&out, buf, (size_t)n), 0);
    close(fd[0]);
    int ws = 0;
    cr_assert_eq(waitpid(pid, &ws, 0), pid);
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    cr_assert_eq(quirei_buf_grow(&out, 0), 0);
    return quirei_buf_detach(&out, NULL);
}

Test(quotes, quire_search_prints_a_citation_line)
{
    int st;
    const char *a[] = {"\"The points is that private clouds are not dying\""};
    char *out = run_search(&st, a, 1);
    cr_expect_eq(st, 0);
    cr_expect(strstr(out, "1 result for \"The points is that private clouds are not dying\" "
                          "(no exact match: approximate matches)  ["),
              "%s", out);
    cr_expect(strstr(out, "| score "), "%s", out);
    char *l = line_with(out, "\xe2\x80\x94");
    cr_expect_str_eq(l, "   \xe2\x80\x9cThe point is that private clouds are not dying or "
                        "failing.\xe2\x80\x9d \xe2\x80\x94 Trevor Pott, \xe2\x80\x9cPrivate cloud "
                        "is not dead\xe2\x80\x9d, news/reg, 2016-05-04, "
                        "https://example.com/clouds");
    free(l);
    l = line_with(out, "   clouds |");
    cr_expect(strstr(l, "| approximate"), "%s", l);
    free(l);
    free(out);

    /* The README's author:"…" example: exact, one notice or none. */
    const char *b[] = {"author:\"greg day\""};
    out = run_search(&st, b, 1);
    cr_expect_eq(st, 0);
    cr_expect(strncmp(out, "1 result for author:\"greg day\"  [", 33) == 0, "%s", out);
    free(out);
    const char *c[] = {"author:\"jane smith\""};
    out = run_search(&st, c, 1);
    cr_expect_eq(st, 1, "no hits");
    cr_expect(strncmp(out, "0 results for author:\"jane smith\"  [", 36) == 0, "%s", out);
    free(out);

    /* JSON: the hit says how it matched. */
    const char *d[] = {"--format", "json", "ransomware hospital zebra"};
    out = run_search(&st, d, 3);
    cr_expect_eq(st, 0);
    json_t *root = json_loads(out, 0, NULL);
    cr_assert_not_null(root, "%s", out);
    json_t *hit = json_array_get(json_object_get(root, "hits"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(hit, "match")), "relaxed");
    cr_expect(json_is_true(json_object_get(hit, "relaxed")));
    cr_expect(json_is_object(json_object_get(hit, "quote")));
    json_decref(root);
    free(out);
}
