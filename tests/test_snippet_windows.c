/* test_snippet_windows.c - snippets of long bodies, which snippet.c
 * tokenizes only in windows around where a unit's term or stem start
 * appears: the matches must be those a whole scan finds. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "render/snippet.h"
#include "snippet_check.h"
#include "text/stemmer.h"

static quirei_stemmer *stemmer(void)
{
    quirei_stemmer *st = quirei_stemmer_new("en");
    cr_assert_not_null(st);
    return st;
}

Test(snippet_windows, deep_match_in_any_case_and_by_stem)
{
    quirei_buf b = QUIREI_BUF_INIT;
    qt_filler(&b, 6000);
    quirei_buf_adds(&b, "Meanwhile the ATTACKERS were Exploiting a weak Policy. ");
    qt_filler(&b, 6000);
    const char *t1[] = {"attacker"}, *s1[] = {"attack"};
    const char *t2[] = {"exploit"}, *s2[] = {"exploit"};
    const char *t3[] = {"policy"}, *s3[] = {"polici"};
    quirei_unit u[] = {
        {QUIREI_UNIT_TERM, t1, 1, s1, 1, 0, 2.0, 0},
        {QUIREI_UNIT_TERM, t2, 1, s2, 1, 0, 2.0, 0},
        {QUIREI_UNIT_TERM, t3, 1, s3, 1, 0, 2.0, 0},
    };
    quirei_stemmer *st = stemmer();
    quirei_snippet s;
    qt_snippet_make(&s, &b, u, 3, st);
    /* attackers -> attack, exploiting -> exploit, policy -> polici
     * (y -> i): all three found 6 KB in, though none is spelt as the
     * query's term. */
    cr_expect(qt_highlights_of(&s, "ATTACKERS"));
    cr_expect(qt_highlights_of(&s, "Exploiting"));
    cr_expect(qt_highlights_of(&s, "Policy"));
    cr_assert(s.has_quote);
    cr_expect_str_eq(quirei_buf_cstr(&s.quote),
                     "Meanwhile the ATTACKERS were Exploiting a weak Policy.");
    quirei_snippet_release(&s);
    quirei_stemmer_free(st);
    quirei_buf_release(&b);
}

Test(snippet_windows, phrase_whole_or_not_at_all)
{
    const char *t[] = {"remote", "code", "execution"};
    quirei_unit u = {QUIREI_UNIT_PHRASE, t, 3, NULL, 0, 0, 3.0, 0};
    /* The words far apart: no phrase, however the windows fall. */
    quirei_buf far = QUIREI_BUF_INIT;
    qt_filler(&far, 3000);
    quirei_buf_adds(&far, "A remote host. ");
    qt_filler(&far, 3000);
    quirei_buf_adds(&far, "Some code execution here. ");
    qt_filler(&far, 3000);
    quirei_snippet s;
    qt_snippet_make(&s, &far, &u, 1, NULL);
    cr_expect_eq(s.nhighlights, 0);
    quirei_snippet_release(&s);
    /* Together, late in the body and in capitals: one span. */
    quirei_buf near = QUIREI_BUF_INIT;
    qt_filler(&near, 9000);
    quirei_buf_adds(&near, "It allows Remote  Code\nExecution by anyone. ");
    qt_filler(&near, 500);
    qt_snippet_make(&s, &near, &u, 1, NULL);
    cr_assert_eq(s.nhighlights, 1);
    char *h = qt_highlight_text(&s, 0);
    cr_expect_str_eq(h, "Remote Code Execution"); /* whitespace collapsed in the text */
    free(h);
    quirei_snippet_release(&s);
    quirei_buf_release(&far);
    quirei_buf_release(&near);
}

Test(snippet_windows, words_inside_other_words_are_not_matches)
{
    /* "cat" inside "concatenate" and "locate" is found by the byte search
     * but is no token: only the word itself is highlighted. */
    quirei_buf b = QUIREI_BUF_INIT;
    for (int i = 0; i < 40; i++)
        quirei_buf_adds(&b, "We concatenate and locate files. ");
    quirei_buf_adds(&b, "The cat sat. ");
    qt_filler(&b, 2000);
    const char *t[] = {"cat"};
    quirei_unit u = {QUIREI_UNIT_TERM, t, 1, NULL, 0, 0, 1.0, 0};
    quirei_snippet s;
    qt_snippet_make(&s, &b, &u, 1, NULL);
    cr_assert_eq(s.nhighlights, 1);
    cr_expect(qt_highlights_of(&s, "cat"));
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}

Test(snippet_windows, stop_word_runs_across_a_window)
{
    /* A run of query words with stop words inside ("denial of service")
     * highlights as one span deep in a long body, as in a short one. */
    quirei_buf b = QUIREI_BUF_INIT;
    qt_filler(&b, 5000);
    quirei_buf_adds(&b, "It was a denial of service against them. ");
    qt_filler(&b, 3000);
    const char *t1[] = {"denial"}, *t2[] = {"of"}, *t3[] = {"service"};
    quirei_unit u[] = {
        {QUIREI_UNIT_TERM, t1, 1, NULL, 0, 0, 2.0, 0},
        {QUIREI_UNIT_TERM, t2, 1, NULL, 0, 0, 0.1, 1},
        {QUIREI_UNIT_TERM, t3, 1, NULL, 0, 0, 2.0, 0},
    };
    quirei_snippet s;
    qt_snippet_make(&s, &b, u, 3, NULL);
    cr_expect(qt_highlights_of(&s, "denial of service"));
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}
