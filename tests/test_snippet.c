/* test_snippet.c - fragment choice, highlights and quotes of snippet.h. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/snippet.h"
#include "utf8.h"

/* ---- helpers ------------------------------------------------------- */

/* Byte offset of code point `cp` in s (len bytes). */
static size_t cp_to_byte(const char *s, size_t len, uint32_t cp)
{
    size_t i = 0;
    for (uint32_t n = 0; n < cp && i < len; n++) {
        int32_t c;
        int bad;
        i += quirei_utf8_decode((const unsigned char *)s + i, len - i, &c, &bad);
    }
    return i;
}

static size_t cp_count(const char *s, size_t len)
{
    size_t i = 0, n = 0;
    while (i < len) {
        int32_t c;
        int bad;
        i += quirei_utf8_decode((const unsigned char *)s + i, len - i, &c, &bad);
        n++;
    }
    return n;
}

static int valid_utf8(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        int32_t c;
        int bad;
        i += quirei_utf8_decode((const unsigned char *)s + i, len - i, &c, &bad);
        if (bad)
            return 0;
    }
    return 1;
}

/* The text under highlight i, malloc'd. */
static char *hl(const quirei_snippet *s, size_t i)
{
    cr_assert_lt(i, s->nhighlights);
    const char *t = quirei_buf_cstr(&s->text);
    size_t a = cp_to_byte(t, s->text.len, s->highlights[i].start);
    size_t b = cp_to_byte(t, s->text.len, s->highlights[i].end);
    cr_assert_leq(a, b);
    char *out = malloc(b - a + 1);
    cr_assert_not_null(out);
    memcpy(out, t + a, b - a);
    out[b - a] = '\0';
    return out;
}

#define EXPECT_HL(s, i, want)                                                            \
    do {                                                                                 \
        char *got_ = hl(s, i);                                                           \
        cr_expect_str_eq(got_, want, "highlight %zu", (size_t)(i));                     \
        free(got_);                                                                      \
    } while (0)

static void expect_sorted_disjoint(const quirei_snippet *s)
{
    size_t ncp = cp_count(s->text.ptr ? s->text.ptr : "", s->text.len);
    for (size_t i = 0; i < s->nhighlights; i++) {
        cr_expect_lt(s->highlights[i].start, s->highlights[i].end);
        cr_expect_leq(s->highlights[i].end, ncp);
        if (i)
            cr_expect_leq(s->highlights[i - 1].end, s->highlights[i].start);
    }
}

static quirei_unit term(const char *const *terms, size_t n, double w)
{
    return (quirei_unit){QUIREI_UNIT_TERM, terms, n, NULL, 0, 0, w, 0};
}

static quirei_unit phrase(const char *const *terms, size_t n, unsigned window, double w)
{
    return (quirei_unit){QUIREI_UNIT_PHRASE, terms, n, NULL, 0, window, w, 0};
}

static void make(quirei_snippet *s, const char *body, const quirei_unit *u, size_t nu,
                 size_t target)
{
    quirei_snippet_init(s);
    cr_assert_eq(quirei_snippet_make(body, strlen(body), u, nu, NULL, NULL, target, s), 0);
    cr_assert(valid_utf8(quirei_buf_cstr(&s->text), s->text.len));
    expect_sorted_disjoint(s);
}

static void expect_quote(const quirei_snippet *s, const char *body, const char *want)
{
    cr_assert(s->has_quote);
    cr_expect_str_eq(quirei_buf_cstr(&s->quote), want);
    cr_assert_leq(s->quote_start, s->quote_end);
    cr_assert_leq(s->quote_end, strlen(body));
    cr_expect_eq(s->quote_end - s->quote_start, s->quote.len);
    cr_expect_eq(memcmp(body + s->quote_start, s->quote.ptr, s->quote.len), 0);
}

/* Filler prose without any of the terms the tests look for: whole
 * sentences, always ending in ". ". */
static void add_filler(quirei_buf *b, size_t bytes)
{
    static const char *const words[] = {"report", "notes", "several", "minor", "issues",
                                        "across", "older", "systems", "and", "networks",
                                        "without", "further", "detail"};
    size_t stop = b->len + bytes, i = 0;
    while (b->len < stop) {
        quirei_buf_adds(b, "The");
        for (int k = 0; k < 8; k++, i++)
            quirei_buf_addf(b, " %s", words[i % 13]);
        quirei_buf_adds(b, ". ");
    }
}

/* ---- term highlights ----------------------------------------------- */

Test(snippet, term_highlight_offsets)
{
    const char *body = "The attackers used a loader. Then they left.";
    const char *t[] = {"loader"};
    quirei_unit u = term(t, 1, 1.0);
    quirei_snippet s;
    make(&s, body, &u, 1, 250);
    cr_expect_str_eq(quirei_buf_cstr(&s.text), body);
    cr_assert_eq(s.nhighlights, 1);
    cr_expect_eq(s.highlights[0].start, 21);
    cr_expect_eq(s.highlights[0].end, 27);
    expect_quote(&s, body, "The attackers used a loader."); /* words are quoted too */
    quirei_snippet_release(&s);
}

Test(snippet, term_highlight_counts_code_points_not_bytes)
{
    /* "Ünïcödé café — " is 15 code points but 24 bytes. */
    const char *body = "Ünïcödé café — the loader ran.";
    const char *t[] = {"loader"};
    quirei_unit u = term(t, 1, 1.0);
    quirei_snippet s;
    make(&s, body, &u, 1, 250);
    cr_expect_str_eq(quirei_buf_cstr(&s.text), body);
    cr_assert_eq(s.nhighlights, 1);
    cr_expect_eq(s.highlights[0].start, 19);
    cr_expect_eq(s.highlights[0].end, 25);
    EXPECT_HL(&s, 0, "loader");
    quirei_snippet_release(&s);
}

Test(snippet, term_highlight_after_ellipsis_prefix)
{
    quirei_buf b = QUIREI_BUF_INIT;
    add_filler(&b, 600);
    quirei_buf_adds(&b, "Später lädt der Angreifer den loader nach. ");
    add_filler(&b, 600);
    const char *t[] = {"loader"};
    quirei_unit u = term(t, 1, 1.0);
    quirei_snippet s;
    make(&s, b.ptr, &u, 1, 250);
    const char *text = quirei_buf_cstr(&s.text);
    cr_assert_eq(strncmp(text, "…", 3), 0, "text: %s", text);
    cr_assert_eq(s.nhighlights, 1);
    EXPECT_HL(&s, 0, "loader");
    /* Independent count: code points before "loader" in the text. */
    const char *at = strstr(text, "loader");
    cr_assert_not_null(at);
    cr_expect_eq(s.highlights[0].start, cp_count(text, (size_t)(at - text)));
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}

Test(snippet, stem_matching)
{
    const char *body = "Several attacks were reported last week.";
    const char *t[] = {"attack"};
    const char *st[] = {"attack"};
    quirei_unit u = {QUIREI_UNIT_TERM, t, 1, st, 1, 0, 1.0, 0};
    quirei_stemmer *stemmer = quirei_stemmer_new("english");
    cr_assert_not_null(stemmer);
    quirei_snippet s;
    quirei_snippet_init(&s);
    cr_assert_eq(quirei_snippet_make(body, strlen(body), &u, 1, stemmer, NULL, 250, &s), 0);
    cr_assert_eq(s.nhighlights, 1);
    EXPECT_HL(&s, 0, "attacks");
    /* Without a stemmer only exact terms match. */
    cr_assert_eq(quirei_snippet_make(body, strlen(body), &u, 1, NULL, NULL, 250, &s), 0);
    cr_expect_eq(s.nhighlights, 0);
    quirei_snippet_release(&s);
    quirei_stemmer_free(stemmer);
}

Test(snippet, part_of_compound_highlights_only_the_part)
{
    const char *body = "Log4Shell (CVE-2021-44228) is still exploited.";
    const char *t[] = {"44228"};
    quirei_unit u = term(t, 1, 1.0);
    quirei_snippet s;
    make(&s, body, &u, 1, 250);
    cr_assert_eq(s.nhighlights, 1);
    EXPECT_HL(&s, 0, "44228");
    quirei_snippet_release(&s);
}

Test(snippet, overlapping_matches_merge)
{
    const char *body = "Known state-sponsored groups were seen.";
    const char *t1[] = {"state-sponsored"};
    const char *t2[] = {"sponsored"};
    quirei_unit u[] = {term(t1, 1, 1.0), term(t2, 1, 1.0)};
    quirei_snippet s;
    make(&s, body, u, 2, 250);
    cr_assert_eq(s.nhighlights, 1);
    EXPECT_HL(&s, 0, "state-sponsored");
    quirei_snippet_release(&s);
}

/* ---- phrases ------------------------------------------------------- */

Test(snippet, phrase_is_one_span)
{
    const char *body = "Yesterday state-sponsored hackers breached the network. It was bad.";
    const char *p[] = {"state", "sponsored", "hackers"};
    quirei_unit u = phrase(p, 3, 0, 1.0);
    quirei_snippet s;
    make(&s, body, &u, 1, 250);
    cr_assert_eq(s.nhighlights, 1);
    EXPECT_HL(&s, 0, "state-sponsored hackers");
    expect_quote(&s, body, "Yesterday state-sponsored hackers breached the network.");
    quirei_snippet_release(&s);
}

Test(snippet, exact_phrase_needs_consecutive_words)
{
    const char *body = "The hackers quickly stole data.";
    const char *p[] = {"hackers", "stole"};
    quirei_unit u = phrase(p, 2, 0, 1.0);
    quirei_snippet s;
    make(&s, body, &u, 1, 250);
    cr_expect_eq(s.nhighlights, 0);
    cr_expect_not(s.has_quote);
    quirei_snippet_release(&s);
}

Test(snippet, tolerant_phrase_window)
{
    const char *body = "Later the hackers then slowly and quietly stole more. "
                       "First the hackers quickly stole data.";
    const char *p[] = {"hackers", "stole"};
    quirei_unit u = phrase(p, 2, 4, 1.0);
    quirei_snippet s;
    make(&s, body, &u, 1, 250);
    /* The first occurrence spans 6 positions > 4: only the second counts. */
    cr_assert_eq(s.nhighlights, 1);
    EXPECT_HL(&s, 0, "hackers quickly stole");
    expect_quote(&s, body, "First the hackers quickly stole data.");
    quirei_snippet_release(&s);
}

Test(snippet, phrase_outweighs_scattered_words)
{
    quirei_buf b = QUIREI_BUF_INIT;
    quirei_buf_adds(&b, "The cobalt beacon was found, then the strike was stopped. ");
    add_filler(&b, 500);
    quirei_buf_adds(&b, "Analysts saw cobalt strike on the host. ");
    add_filler(&b, 500);
    const char *t1[] = {"cobalt"}, *t2[] = {"strike"}, *p[] = {"cobalt", "strike"};
    quirei_unit u[] = {term(t1, 1, 1.0), term(t2, 1, 1.0), phrase(p, 2, 0, 1.0)};
    quirei_snippet s;
    make(&s, b.ptr, u, 3, 250);
    cr_expect_not_null(strstr(quirei_buf_cstr(&s.text), "Analysts saw cobalt strike"));
    cr_assert_eq(s.nhighlights, 1);
    EXPECT_HL(&s, 0, "cobalt strike");
    expect_quote(&s, b.ptr, "Analysts saw cobalt strike on the host.");
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}

/* ---- fragment choice and shape -------------------------------------- */

Test(snippet, best_window_beats_earlier_weaker_one)
{
    quirei_buf b = QUIREI_BUF_INIT;
    quirei_buf_adds(&b, "An early mention of ransomware. ");
    add_filler(&b, 700);
    quirei_buf_adds(&b, "Then ransomware operators used mimikatz and rclone. ");
    add_filler(&b, 700);
    const char *t1[] = {"ransomware"}, *t2[] = {"mimikatz"}, *t3[] = {"rclone"};
    quirei_unit u[] = {term(t1, 1, 1.0), term(t2, 1, 2.0), term(t3, 1, 2.0)};
    quirei_snippet s;
    make(&s, b.ptr, u, 3, 250);
    const char *text = quirei_buf_cstr(&s.text);
    cr_expect_eq(strncmp(text, "…", 3), 0, "text: %s", text);
    /* The window started at "ransomware" reaches back to its sentence. */
    cr_expect_eq(strncmp(text, "…Then ransomware operators", strlen("…Then ransomware operators")), 0,
                 "text: %s", text);
    cr_assert_eq(s.nhighlights, 3);
    EXPECT_HL(&s, 0, "ransomware");
    EXPECT_HL(&s, 1, "mimikatz");
    EXPECT_HL(&s, 2, "rclone");
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}

Test(snippet, near_sentence_start_is_included)
{
    quirei_buf b = QUIREI_BUF_INIT;
    add_filler(&b, 600);
    quirei_buf_adds(&b, "Attackers later deployed the mimikatz tool. ");
    add_filler(&b, 600);
    const char *t[] = {"mimikatz"};
    quirei_unit u = term(t, 1, 1.0);
    quirei_snippet s;
    make(&s, b.ptr, &u, 1, 250);
    const char *text = quirei_buf_cstr(&s.text);
    cr_expect_eq(strncmp(text, "…Attackers later deployed the mimikatz tool.",
                         strlen("…Attackers later deployed the mimikatz tool.")),
                 0, "text: %s", text);
    cr_assert_eq(s.nhighlights, 1);
    cr_expect_eq(s.highlights[0].start, 30);
    EXPECT_HL(&s, 0, "mimikatz");
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}

static void expect_whole_words(const char *body, const char *text);

Test(snippet, far_sentence_start_keeps_a_few_words_of_context)
{
    quirei_buf b = QUIREI_BUF_INIT;
    add_filler(&b, 300);
    quirei_buf_adds(&b, "And then a very long clause without any stop goes on and on "
                        "for well over sixty bytes until mimikatz appears here. ");
    add_filler(&b, 400);
    const char *t[] = {"mimikatz"};
    quirei_unit u = term(t, 1, 1.0);
    quirei_snippet s;
    make(&s, b.ptr, &u, 1, 250);
    const char *text = quirei_buf_cstr(&s.text);
    /* Starts on a word boundary a few words before the match, not at it,
     * and not at the sentence start far away. */
    cr_expect(strncmp(text, "…mimikatz", strlen("…mimikatz")) != 0, "text: %s", text);
    cr_expect(strncmp(text, "…And then", strlen("…And then")) != 0, "text: %s", text);
    const char *hit = strstr(text, "mimikatz appears");
    cr_assert_not_null(hit, "text: %s", text);
    cr_expect_leq(hit - text, 3 + 40, "text: %s", text);
    cr_assert_eq(s.nhighlights, 1);
    /* Highlights are code points: "…" is one, the rest ASCII. */
    cr_expect_eq(s.highlights[0].start, (uint32_t)(hit - text) - 2);
    expect_whole_words(b.ptr, text);
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}

/* The words of the text (without "…") must be whole words of the body. */
static void expect_whole_words(const char *body, const char *text)
{
    size_t len = strlen(text);
    const char *from = text, *to = text + len;
    if (len >= 3 && memcmp(from, "…", 3) == 0)
        from += 3;
    if (to - from >= 3 && memcmp(to - 3, "…", 3) == 0)
        to -= 3;
    char *frag = malloc((size_t)(to - from) + 1);
    cr_assert_not_null(frag);
    memcpy(frag, from, (size_t)(to - from));
    frag[to - from] = '\0';
    const char *at = strstr(body, frag);
    cr_assert_not_null(at, "fragment not in body: %s", frag);
    cr_expect(at == body || at[-1] == ' ', "cut inside a word before: %s", frag);
    char after = at[strlen(frag)];
    cr_expect(after == '\0' || after == ' ', "cut inside a word after: %s", frag);
    free(frag);
}

Test(snippet, fragment_length_and_word_boundaries)
{
    static const char *const words[] = {"alpha", "be", "gamma-ray", "delta", "epsilonic",
                                        "zeta", "etaeta", "theta", "io", "kappa",
                                        "lambdaesque", "mu"};
    quirei_buf b = QUIREI_BUF_INIT;
    for (size_t i = 0; i < 600; i++) {
        quirei_buf_adds(&b, words[(i * 7) % 12]);
        quirei_buf_addc(&b, ' ');
    }
    quirei_buf_adds(&b, "end");
    const size_t longest = strlen("lambdaesque");
    const char *t[][1] = {{"alpha"}, {"kappa"}, {"mu"}, {"end"}, {"zeta"}};
    for (size_t target = 40; target <= 400; target += 60) {
        for (size_t k = 0; k < 5; k++) {
            quirei_unit u = term(t[k], 1, 1.0);
            quirei_snippet s;
            make(&s, b.ptr, &u, 1, target);
            const char *text = quirei_buf_cstr(&s.text);
            cr_expect_leq(s.text.len, target + longest + 6, "target %zu: %zu bytes", target,
                          s.text.len);
            cr_expect_geq(s.text.len, target * 4 / 5, "target %zu: %zu bytes", target,
                          s.text.len);
            cr_expect_geq(s.nhighlights, 1);
            expect_whole_words(b.ptr, text);
            quirei_snippet_release(&s);
        }
    }
    quirei_buf_release(&b);
}

Test(snippet, whitespace_is_collapsed)
{
    const char *body = "  First line.\n\n  Second   line\twith\r\nthe loader.\n";
    const char *t[] = {"loader"};
    quirei_unit u = term(t, 1, 1.0);
    quirei_snippet s;
    make(&s, body, &u, 1, 250);
    cr_expect_str_eq(quirei_buf_cstr(&s.text), "First line. Second line with the loader.");
    cr_assert_eq(s.nhighlights, 1);
    cr_expect_eq(s.highlights[0].start, 33);
    EXPECT_HL(&s, 0, "loader");
    quirei_snippet_release(&s);
}

Test(snippet, no_match_gives_body_start)
{
    quirei_buf b = QUIREI_BUF_INIT;
    add_filler(&b, 1000);
    const char *t[] = {"absent"};
    quirei_unit u = term(t, 1, 1.0);
    quirei_snippet s;
    make(&s, b.ptr, &u, 1, 250);
    const char *text = quirei_buf_cstr(&s.text);
    cr_expect_eq(s.nhighlights, 0);
    cr_expect_not(s.has_quote);
    cr_expect_eq(strncmp(text, "The report notes", 16), 0, "text: %s", text);
    cr_expect_eq(strcmp(text + s.text.len - 3, "…"), 0, "text: %s", text);
    cr_expect_leq(s.text.len, 250 + 20);
    expect_whole_words(b.ptr, text);
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}

/* ---- quotes -------------------------------------------------------- */

Test(snippet, quote_keeps_abbreviations_inside)
{
    const char *body = "Intro sentence here. The U.S. government said state-sponsored hackers "
                       "attacked, e.g. banks. Next sentence follows.";
    const char *p[] = {"sponsored", "hackers"};
    quirei_unit u = phrase(p, 2, 0, 1.0);
    quirei_snippet s;
    make(&s, body, &u, 1, 250);
    expect_quote(&s, body,
                 "The U.S. government said state-sponsored hackers attacked, e.g. banks.");
    EXPECT_HL(&s, 0, "sponsored hackers");
    quirei_snippet_release(&s);
}

Test(snippet, quote_includes_closing_curly_quote)
{
    const char *body = "Before. He said “the breach is over.” Then the hackers returned! After.";
    const char *p1[] = {"breach", "is"};
    quirei_unit u = phrase(p1, 2, 0, 1.0);
    quirei_snippet s;
    make(&s, body, &u, 1, 250);
    expect_quote(&s, body, "He said “the breach is over.”");
    quirei_snippet_release(&s);

    /* A phrase across the sentence end quotes both sentences. */
    const char *p2[] = {"over", "then"};
    u = phrase(p2, 2, 0, 1.0);
    make(&s, body, &u, 1, 250);
    expect_quote(&s, body, "He said “the breach is over.” Then the hackers returned!");
    EXPECT_HL(&s, 0, "over.” Then");
    quirei_snippet_release(&s);
}

Test(snippet, quote_stops_at_newlines)
{
    const char *body = "Findings:\n- first host ran the ransomware payload\n- second host was "
                       "clean\n\nSummary follows.";
    const char *p[] = {"ransomware", "payload"};
    quirei_unit u = phrase(p, 2, 0, 1.0);
    quirei_snippet s;
    make(&s, body, &u, 1, 250);
    expect_quote(&s, body, "- first host ran the ransomware payload");
    quirei_snippet_release(&s);
}

Test(snippet, quote_of_heaviest_phrase_first_occurrence)
{
    const char *body = "Weak phrase here. Strong words once. Weak phrase again. Strong words twice.";
    const char *p1[] = {"weak", "phrase"}, *p2[] = {"strong", "words"};
    quirei_unit u[] = {phrase(p1, 2, 0, 1.0), phrase(p2, 2, 0, 3.0)};
    quirei_snippet s;
    make(&s, body, u, 2, 250);
    expect_quote(&s, body, "Strong words once.");
    cr_expect_eq(s.nhighlights, 4);
    quirei_snippet_release(&s);
}

/* ---- robustness ---------------------------------------------------- */

Test(snippet, empty_body_and_degenerate_units)
{
    const char *t[] = {"x"};
    const char *nul[] = {NULL};
    quirei_unit u[] = {term(t, 0, 1.0), phrase(t, 0, 0, 1.0), term(NULL, 3, 1.0),
                       phrase(nul, 1, 0, 1.0), term(nul, 1, 0.0)};
    quirei_snippet s;
    quirei_snippet_init(&s);
    cr_assert_eq(quirei_snippet_make("", 0, u, 5, NULL, NULL, 250, &s), 0);
    cr_expect_str_eq(quirei_buf_cstr(&s.text), "");
    cr_expect_not_null(s.text.ptr);
    cr_expect_eq(s.nhighlights, 0);
    cr_expect_not(s.has_quote);
    cr_assert_eq(quirei_snippet_make(NULL, 0, NULL, 0, NULL, NULL, 250, &s), 0);
    cr_assert_eq(quirei_snippet_make(" \n\t ", 4, u, 5, NULL, NULL, 250, &s), 0);
    cr_expect_str_eq(quirei_buf_cstr(&s.text), "");
    const char *body = "x marks the spot";
    cr_assert_eq(quirei_snippet_make(body, strlen(body), u, 5, NULL, NULL, 250, &s), 0);
    cr_expect_str_eq(quirei_buf_cstr(&s.text), body);
    cr_expect_eq(s.nhighlights, 0);
    cr_assert_eq(quirei_snippet_make(body, strlen(body), NULL, 0, NULL, NULL, 0, &s), 0);
    quirei_snippet_release(&s);
}

Test(snippet, invalid_utf8_is_survived)
{
    const char body[] = "Bad \xff\xfe bytes \xc3 then \xe2\x80 the loader\xc0\xaf ran \xed\xa0\x80.";
    const char *t[] = {"loader"};
    const char *p[] = {"the", "loader"};
    quirei_unit u[] = {term(t, 1, 1.0), phrase(p, 2, 0, 1.0)};
    quirei_snippet s;
    quirei_snippet_init(&s);
    cr_assert_eq(quirei_snippet_make(body, sizeof body - 1, u, 2, NULL, NULL, 250, &s), 0);
    cr_expect(valid_utf8(s.text.ptr, s.text.len));
    cr_assert_eq(s.nhighlights, 1);
    EXPECT_HL(&s, 0, "the loader");
    cr_assert(s.has_quote);
    cr_expect_eq(memcmp(body + s.quote_start, s.quote.ptr, s.quote.len), 0);
    /* Every prefix, so truncated sequences at the very end are hit too. */
    for (size_t n = 0; n < sizeof body - 1; n++)
        cr_assert_eq(quirei_snippet_make(body, n, u, 2, NULL, NULL, 8, &s), 0);
    quirei_snippet_release(&s);
}

Test(snippet, one_megabyte_body)
{
    quirei_buf b = QUIREI_BUF_INIT;
    while (b.len < (1u << 20)) {
        add_filler(&b, 2000);
        quirei_buf_adds(&b, "The loader beaconed to cobalt strike servers. ");
    }
    const char *t[] = {"loader"}, *p[] = {"cobalt", "strike"};
    quirei_unit u[] = {term(t, 1, 1.0), phrase(p, 2, 0, 2.0)};
    quirei_snippet s;
    make(&s, b.ptr, u, 2, 250);
    cr_expect_geq(s.nhighlights, 2);
    cr_expect_leq(s.text.len, 250 + 20);
    expect_quote(&s, b.ptr, "The loader beaconed to cobalt strike servers.");
    quirei_snippet_release(&s);

    /* One endless word: still a bounded fragment, cut on a character. */
    memset(b.ptr, 'a', b.len);
    memcpy(b.ptr + 5000, "\xc3\xa9", 2);
    make(&s, b.ptr, u, 2, 250);
    cr_expect_leq(s.text.len, 250 + 64 + 6);
    cr_expect_eq(s.nhighlights, 0);
    quirei_snippet_release(&s);
    quirei_buf_release(&b);
}
