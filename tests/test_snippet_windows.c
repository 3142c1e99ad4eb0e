/* test_snippet_windows.c - snippets of long bodies, which snippet.c
 * tokenizes only in windows around where a unit's term or stem start
 * appears: the matches must be those a whole scan finds. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "render/snippet.h"
#include "text/stemmer.h"
#include "utf8.h"

/* The text under highlight i of s, malloc'd. */
static char *hl(const quirei_snippet *s, size_t i)
{
    const char *t = quirei_buf_cstr(&s->text);
    size_t a = 0, b = 0, n = 0;
    for (size_t k = 0; k <= s->text.len; n++) {
        if (n == s->highlights[i].start)
            a = k;
        if (n == s->highlights[i].end) {
            b = k;
            break;
        }
        int32_t c;
        int bad;
        k += k < s->text.len ? quirei_utf8_decode((const unsigned char *)t + k,
                                                  s->text.len - k, &c, &bad)
                             : 1;
    }
    char *out = strndup(t + a, b - a);
    cr_assert_not_null(out);
    return out;
}

/* Is `want` one of s's highlights? */
static int highlighted(const quirei_snippet *s, const char *want)
{
    int found = 0;
    for (size_t i = 0; i < s->nhighlights && !found; i++) {
        char *h = hl(s, i);
        found = strcmp(h, want) == 0;
        free(h);
    }
    return found;
}

/* Filler sentences holding none of the words looked for, `bytes` long. */
static void filler(quirei_buf *b, size_t bytes)
{
    static const char *const w[] = {"report", "notes", "several", "minor", "issues",
                                    "across", "older", "systems", "and", "networks"};
    size_t stop = b->len + bytes, i = 0;
    while (b->len < stop) {
        quirei_buf_adds(b, "The");
        for (int k = 0; k < 8; k++, i++)
            quirei_buf_addf(b, " %s", w[i % 10]);
        quirei_buf_adds(b, ". ");
    }
}

static quirei_stemmer *stemmer(void)
{
    quirei_stemmer *st = quirei_stemmer_new("en");
    cr_assert_not_null(st);
    return st;
}

static void make(quirei_snippet *s, const quirei_buf *body, const quirei_unit *u, size_t nu,
                 quirei_stemmer *st)
{
    quirei_snippet_init(s);
    cr_assert_eq(quirei_snippet_make(body->ptr, body->len, u, nu, st, "en", 250, s), 0);
}

Test(snippet_windows, deep_match_in_any_case_and_by_stem)
{
    quirei_buf b = QUIREI_BUF_INIT;
    filler(&b, 6000);
    quirei_buf_adds(&b, "Meanwhile the ATTACKERS were Exploiting a weak Policy. ");
    filler(&b, 6000);
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
    make(&s, &b, u, 3, st);
    /* attackers -> attack, exploiting -> exploit, policy -> polici
     * (y -> i): all three found 6 KB in, though none is spelt as the
     * query's term. */
    cr_expect(highlighted(&s, "ATTACKERS"));
    cr_expect(highlighted(&s, "Exploiting"));
    cr_expect(highlighted(&s, "Policy"));
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
    filler(&far, 3000);
    quirei_buf_adds(&far, "A remote host. ");
    filler(&far, 3000);
    quirei_buf_adds(&far, "Some code execution here. ");
    filler(&far, 3000);
    quirei_snippet s;
    make(&s, &far, &u, 1, NULL);
    cr_expect_eq(s.nhighlights, 0);
    quirei_snippet_release(&s);
    /* Together, late in the body and in capitals: one span. */
    quirei_buf near = QUIREI_BUF_INIT;
    filler(&near, 9000);
    quirei_buf_adds(&near, "It allows Remote  Code\nExecution by anyone. ");
    filler(&near, 500);
    make(&s, &near, &u, 1, NULL);
    cr_assert_eq(s.nhighlights, 1);
    char *h = hl(&s, 0);
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
    filler(&b, 2000);
    const char *t[] = {"cat"};
    quirei_unit u = {QUIREI_UNIT_TERM, t, 1, NULL, 0, 0, 1.0, 0};
    quirei_snippet s;
    make(&s, &b, &u, 1, NULL);
    cr_assert_eq(s.nhighlights, 1);
    cr_expect(highlighted(&s, "cat"));
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}

Test(snippet_windows, stop_word_runs_across_a_window)
{
    /* A run of query words with stop words inside ("denial of service")
     * highlights as one span deep in a long body, as in a short one. */
    quirei_buf b = QUIREI_BUF_INIT;
    filler(&b, 5000);
    quirei_buf_adds(&b, "It was a denial of service against them. ");
    filler(&b, 3000);
    const char *t1[] = {"denial"}, *t2[] = {"of"}, *t3[] = {"service"};
    quirei_unit u[] = {
        {QUIREI_UNIT_TERM, t1, 1, NULL, 0, 0, 2.0, 0},
        {QUIREI_UNIT_TERM, t2, 1, NULL, 0, 0, 0.1, 1},
        {QUIREI_UNIT_TERM, t3, 1, NULL, 0, 0, 2.0, 0},
    };
    quirei_snippet s;
    make(&s, &b, u, 3, NULL);
    cr_expect(highlighted(&s, "denial of service"));
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}
