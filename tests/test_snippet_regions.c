/* test_snippet_regions.c - long bodies, of which snippet.c tokenizes only
 * the windows that can hold the best fragment (scored from where the query
 * words' bytes appear): the fragment must still be the one with the most
 * query words, ties must go to the window with more matches, then to the
 * first, and words written in letters that fold to ASCII (fullwidth forms,
 * ligatures), which a byte search for ASCII cannot see, must still match. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "render/snippet.h"
#include "snippet_check.h"
#include "text/stemmer.h"

static int has_text(const quirei_snippet *s, const char *want)
{
    return strstr(quirei_buf_cstr(&s->text), want) != NULL;
}

Test(snippet_regions, fragment_with_most_query_words_wins)
{
    /* One word at a time early on, two together, and all three together
     * 10 KB in: the fragment is the last, though every word appears in
     * every stretch of the body. */
    quirei_buf b = QUIREI_BUF_INIT;
    qt_filler(&b, 500);
    quirei_buf_adds(&b, "One attack was seen. ");
    qt_filler(&b, 1500);
    quirei_buf_adds(&b, "Some detail was seen. ");
    qt_filler(&b, 1500);
    quirei_buf_adds(&b, "Each attack detail was seen. ");
    qt_filler(&b, 1500);
    quirei_buf_adds(&b, "The basis of it was seen. "); /* basis: not a form of based */
    qt_filler(&b, 5000);
    quirei_buf_adds(&b, "Marker: the attack was based on a detail nobody saw. ");
    qt_filler(&b, 3000);
    const char *t1[] = {"attack"}, *s1[] = {"attack"};
    const char *t2[] = {"based"}, *s2[] = {"base"};
    const char *t3[] = {"detail"}, *s3[] = {"detail"};
    quirei_unit u[] = {
        {QUIREI_UNIT_TERM, t1, 1, s1, 1, 0, 2.0, 0},
        {QUIREI_UNIT_TERM, t2, 1, s2, 1, 0, 1.5, 0},
        {QUIREI_UNIT_TERM, t3, 1, s3, 1, 0, 1.8, 0},
    };
    quirei_stemmer *st = quirei_stemmer_new("en");
    cr_assert_not_null(st);
    quirei_snippet s;
    qt_snippet_make(&s, &b, u, 3, st);
    cr_expect(has_text(&s, "Marker"), "fragment: %s", quirei_buf_cstr(&s.text));
    cr_expect_eq(qt_highlights_of(&s, "attack"), 1);
    cr_expect_eq(qt_highlights_of(&s, "based"), 1);
    cr_expect_eq(qt_highlights_of(&s, "detail"), 1);
    cr_assert(s.has_quote);
    cr_expect_str_eq(quirei_buf_cstr(&s.quote), "Marker: the attack was based on a detail nobody saw.");
    quirei_snippet_release(&s);
    quirei_stemmer_free(st);
    quirei_buf_release(&b);
}

Test(snippet_regions, false_prefixes_do_not_count)
{
    /* "basis", "basic" and "bass" start like "based" (stem "base"), so
     * the byte search finds them, but none stems to it: the stretch
     * holding them with "attack" must not beat the one holding "attack"
     * and "based", later in the body. */
    quirei_buf b = QUIREI_BUF_INIT;
    qt_filler(&b, 3000);
    quirei_buf_adds(&b, "On the basis of a basic attack on bass. ");
    qt_filler(&b, 3000);
    quirei_buf_adds(&b, "Marker: an attack based on old code. ");
    qt_filler(&b, 2000);
    const char *t1[] = {"attack"}, *s1[] = {"attack"};
    const char *t2[] = {"based"}, *s2[] = {"base"};
    quirei_unit u[] = {
        {QUIREI_UNIT_TERM, t1, 1, s1, 1, 0, 1.0, 0},
        {QUIREI_UNIT_TERM, t2, 1, s2, 1, 0, 1.0, 0},
    };
    quirei_stemmer *st = quirei_stemmer_new("en");
    cr_assert_not_null(st);
    quirei_snippet s;
    qt_snippet_make(&s, &b, u, 2, st);
    cr_expect(has_text(&s, "Marker"), "fragment: %s", quirei_buf_cstr(&s.text));
    cr_expect_eq(qt_highlights_of(&s, "attack based"), 1); /* a run of query words */
    cr_expect_eq(qt_highlights_of(&s, "basis"), 0);
    quirei_snippet_release(&s);
    quirei_stemmer_free(st);
    quirei_buf_release(&b);
}

Test(snippet_regions, ties_go_to_more_matches_then_to_the_first)
{
    const char *t1[] = {"ransomware"}, *t2[] = {"payload"};
    quirei_unit u[] = {
        {QUIREI_UNIT_TERM, t1, 1, NULL, 0, 0, 1.0, 0},
        {QUIREI_UNIT_TERM, t2, 1, NULL, 0, 0, 1.0, 0},
    };
    /* Three windows holding both words; the second holds them twice. */
    quirei_buf b = QUIREI_BUF_INIT;
    qt_filler(&b, 2000);
    quirei_buf_adds(&b, "First: ransomware with a payload. ");
    qt_filler(&b, 2000);
    quirei_buf_adds(&b, "Second: ransomware hit. A payload too. More ransomware and a payload. ");
    qt_filler(&b, 2000);
    quirei_buf_adds(&b, "Third: ransomware with a payload. ");
    qt_filler(&b, 2000);
    quirei_snippet s;
    qt_snippet_make(&s, &b, u, 2, NULL);
    cr_expect(has_text(&s, "Second"), "fragment: %s", quirei_buf_cstr(&s.text));
    cr_expect_eq(qt_highlights_of(&s, "ransomware"), 2);
    quirei_snippet_release(&s);
    /* Without the second, the first of the two equals. */
    quirei_buf c = QUIREI_BUF_INIT;
    qt_filler(&c, 2000);
    quirei_buf_adds(&c, "First: ransomware with a payload. ");
    qt_filler(&c, 4000);
    quirei_buf_adds(&c, "Third: ransomware with a payload. ");
    qt_filler(&c, 2000);
    qt_snippet_make(&s, &c, u, 2, NULL);
    cr_expect(has_text(&s, "First"), "fragment: %s", quirei_buf_cstr(&s.text));
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
    quirei_buf_release(&c);
}

Test(snippet_regions, fullwidth_and_ligatures_match_in_long_bodies)
{
    /* NFKC folds "ｐｈｉｓｈｉｎｇ" to phishing and "ﬁrewall" to firewall,
     * as the tokenizer does on both sides; the byte search for ASCII must
     * not miss them, 4 KB into a body. */
    quirei_buf b = QUIREI_BUF_INIT;
    qt_filler(&b, 4000);
    quirei_buf_adds(&b, "Then \xEF\xBD\x90\xEF\xBD\x88\xEF\xBD\x89\xEF\xBD\x93\xEF\xBD\x88"
                        "\xEF\xBD\x89\xEF\xBD\x8E\xEF\xBD\x87 mail got past the "
                        "\xEF\xAC\x81rewall at night. ");
    qt_filler(&b, 4000);
    const char *t1[] = {"phishing"}, *t2[] = {"firewall"};
    quirei_unit u[] = {
        {QUIREI_UNIT_TERM, t1, 1, NULL, 0, 0, 1.0, 0},
        {QUIREI_UNIT_TERM, t2, 1, NULL, 0, 0, 1.0, 0},
    };
    quirei_snippet s;
    qt_snippet_make(&s, &b, u, 2, NULL);
    cr_expect_eq(qt_highlights_of(&s, "\xEF\xBD\x90\xEF\xBD\x88\xEF\xBD\x89\xEF\xBD\x93\xEF\xBD\x88"
                                 "\xEF\xBD\x89\xEF\xBD\x8E\xEF\xBD\x87"),
                 1, "fragment: %s", quirei_buf_cstr(&s.text));
    cr_expect_eq(qt_highlights_of(&s, "\xEF\xAC\x81rewall"), 1);
    cr_assert(s.has_quote);
    quirei_snippet_release(&s);
    /* A word mixing ASCII and a fullwidth letter, and one with a ß that
     * folds to ss, found the same way. */
    quirei_buf c = QUIREI_BUF_INIT;
    qt_filler(&c, 3000);
    quirei_buf_adds(&c, "A phi\xEF\xBD\x93hing note from the Stra\xC3\x9F" "e office. ");
    qt_filler(&c, 3000);
    const char *t3[] = {"strasse"};
    quirei_unit v[] = {
        {QUIREI_UNIT_TERM, t1, 1, NULL, 0, 0, 1.0, 0},
        {QUIREI_UNIT_TERM, t3, 1, NULL, 0, 0, 1.0, 0},
    };
    qt_snippet_make(&s, &c, v, 2, NULL);
    cr_expect_eq(qt_highlights_of(&s, "phi\xEF\xBD\x93hing"), 1, "fragment: %s",
                 quirei_buf_cstr(&s.text));
    cr_expect_eq(qt_highlights_of(&s, "Stra\xC3\x9F" "e"), 1);
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
    quirei_buf_release(&c);
}
