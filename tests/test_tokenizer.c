/* test_tokenizer.c - every rule of quire/tokenizer.h. */
#include <criterion/criterion.h>
#include <quire/tokenizer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Tokens rendered as "K:term@pos" separated by spaces, K = W C P H. */
typedef struct collect {
    quirei_buf out;
    int count;
} collect_t;

static int on_tok(const quire_token_t *t, void *ctx)
{
    collect_t *c = ctx;
    static const char kinds[] = "WCPH";
    if (c->out.len)
        quirei_buf_addc(&c->out, ' ');
    quirei_buf_addf(&c->out, "%c:%.*s@%u", kinds[t->kind], (int)t->len, t->term,
                    (unsigned)t->pos);
    c->count++;
    return 0;
}

static char *toks(const char *text)
{
    quire_tokenizer_t *t = quire_tokenizer_new();
    cr_assert_not_null(t);
    collect_t c = {QUIREI_BUF_INIT, 0};
    cr_assert_eq(quire_tokenize(t, text, strlen(text), on_tok, &c), 0);
    quire_tokenizer_free(t);
    return quirei_buf_detach(&c.out, NULL);
}

#define EXPECT_TOKS(text, want)                                                          \
    do {                                                                                 \
        char *got_ = toks(text);                                                         \
        cr_expect_str_eq(got_, want, "text: %s", text);                                  \
        free(got_);                                                                      \
    } while (0)

/* Does tokenizing `text` produce a token with this exact term? */
static int has_term(const char *text, const char *term)
{
    char *all = toks(text);
    int found = 0;
    for (char *p = strtok(all, " "); p; p = strtok(NULL, " ")) {
        char *at = strrchr(p, '@');
        *at = '\0';
        if (strcmp(p + 2, term) == 0)
            found = 1;
    }
    free(all);
    return found;
}

Test(tokenizer, plain_words_are_folded_and_positioned)
{
    EXPECT_TOKS("Cybersecurity calls for a united front",
                "W:cybersecurity@1 W:calls@2 W:for@3 W:a@4 W:united@5 W:front@6");
    EXPECT_TOKS("  \n\t", "");
    EXPECT_TOKS("", "");
}

Test(tokenizer, punctuation_separates)
{
    EXPECT_TOKS("(hello), world! \"quoted\"", "W:hello@1 W:world@2 W:quoted@3");
    EXPECT_TOKS("and/or", "W:and@1 W:or@2");
}

Test(tokenizer, nfkc_and_case_folding)
{
    EXPECT_TOKS("\xef\xac\x81le", "W:file@1");                           /* ﬁ ligature */
    EXPECT_TOKS("\xef\xbc\xa1\xef\xbc\xb0\xef\xbc\xb4\xef\xbc\x92\xef\xbc\x98", "W:apt28@1"); /* ＡＰＴ２８ */
    EXPECT_TOKS("STRASSE Stra\xc3\x9f" "e", "W:strasse@1 W:strasse@2");    /* ß folds to ss */
    EXPECT_TOKS("Caf\xc3\xa9 CAF\xc3\x89", "W:caf\xc3\xa9@1 W:caf\xc3\xa9@2");
    /* Decomposed e + combining acute composes to the same term. */
    EXPECT_TOKS("cafe\xcc\x81", "W:caf\xc3\xa9@1");
}

Test(tokenizer, curly_apostrophes_fold)
{
    EXPECT_TOKS("China\xe2\x80\x99s", "W:china's@1");
    EXPECT_TOKS("China's", "W:china's@1");
    EXPECT_TOKS("China\xca\xbcs", "W:china's@1");
    /* Quotes around a word are not apostrophes. */
    EXPECT_TOKS("\xe2\x80\x98" "cyber spying\xe2\x80\x99", "W:cyber@1 W:spying@2");
    EXPECT_TOKS("'quoted' hackers'", "W:quoted@1 W:hackers@2");
}

Test(tokenizer, cve_ids_stay_whole)
{
    EXPECT_TOKS("CVE-2021-44228", "C:cve-2021-44228@1 P:cve@1 P:2021@1 P:44228@1");
    /* One position for the whole token: the next word follows directly. */
    EXPECT_TOKS("CVE-2021-44228 exploited",
                "C:cve-2021-44228@1 P:cve@1 P:2021@1 P:44228@1 W:exploited@2");
    cr_expect(!has_term("CVE-2021-4422", "cve-2021-44228"));
    cr_expect(!has_term("CVE 2021 44228", "cve-2021-44228"));
    cr_expect(!has_term("2021-44228", "cve-2021-44228"));
    cr_expect(has_term("(CVE-2021-44228).", "cve-2021-44228"));
}

Test(tokenizer, possessive_of_an_id_is_the_id)
{
    EXPECT_TOKS("APT28's tools", "W:apt28@1 W:tools@2");
    EXPECT_TOKS("APT28\xe2\x80\x99s tools", "W:apt28@1 W:tools@2");
    cr_expect(has_term("CVE-2021-44228\xe2\x80\x99s impact", "cve-2021-44228"));
    /* Plain words keep it: the stemmer handles them. */
    EXPECT_TOKS("China's", "W:china's@1");
}

Test(tokenizer, attack_ids_and_groups)
{
    EXPECT_TOKS("T1059.001", "C:t1059.001@1 P:t1059@1 P:001@1");
    EXPECT_TOKS("APT28 and APT-28", "W:apt28@1 W:and@2 C:apt-28@3 P:apt@3 P:28@3");
}

Test(tokenizer, ipv4_versions_hashes)
{
    EXPECT_TOKS("121.50.43.175", "C:121.50.43.175@1 P:121@1 P:50@1 P:43@1 P:175@1");
    EXPECT_TOKS("version 14.9.0.", "W:version@1 C:14.9.0@2 P:14@2 P:9@2 P:0@2");
    EXPECT_TOKS("d41d8cd98f00b204e9800998ecf8427e", "W:d41d8cd98f00b204e9800998ecf8427e@1");
}

Test(tokenizer, tokens_inside_compounds)
{
    cr_expect(has_term("version 12.0.1.0-12.0.13.0: update", "12.0.13.0"));
    cr_expect(has_term("version 12.0.1.0-12.0.13.0: update", "12.0.1.0"));
    cr_expect(has_term("version 12.0.1.0-12.0.13.0: update", "12.0.1.0-12.0.13.0"));
    cr_expect(has_term("through v.7.32.0.3 allows", "7.32.0.3"));
    cr_expect(has_term("BIOS 87.0.0.0.0 06/13/2019", "87.0.0.0"));
    cr_expect(has_term("BIOS 87.0.0.0.0 06/13/2019", "0.0.0.0"));
    cr_expect(has_term("8.5.4.0.6.2.ip6.arpa", "4.0.6.2"));
    /* The whole token alone still matches only itself. */
    cr_expect(!has_term("CVE-2021-44228", "2021-44228"));
}

Test(tokenizer, ipv6)
{
    cr_expect(has_term("at 2001:db8::1 today", "2001:db8::1"));
    cr_expect(has_term("fe80:0:0:0:202:b3ff:fe1e:8329", "fe80:0:0:0:202:b3ff:fe1e:8329"));
    /* A colon in prose is a separator. */
    EXPECT_TOKS("Note:this at 10:30", "W:note@1 W:this@2 W:at@3 W:10@4 W:30@5");
}

Test(tokenizer, domains_emails_urls)
{
    EXPECT_TOKS("he.net", "C:he.net@1 P:he@1 P:net@1");
    EXPECT_TOKS("see example.com.", "W:see@1 C:example.com@2 P:example@2 P:com@2");
    EXPECT_TOKS("Mail John.Doe@Example.org now",
                "W:mail@1 C:john.doe@example.org@2 P:john@2 P:doe@2 P:example@2 P:org@2 "
                "P:example.org@2 W:now@3");
    cr_expect(has_term("Read https://www.example.com/a/b?x=1. Then", "https://www.example.com/a/b?x=1"));
    cr_expect(has_term("Read https://www.example.com/a/b?x=1. Then", "www.example.com"));
    cr_expect(has_term("Read https://www.example.com/a/b?x=1. Then", "then"));
    cr_expect(has_term("(https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/foo_(bar)"));
    cr_expect(has_term("(see https://x.org/a)", "https://x.org/a"));
    /* Inside a URL, tokens are found as in prose. */
    const char *ref = "https://exchange.xforce.ibmcloud.com/vulnerabilities/CVE-1999-0013";
    cr_expect(has_term(ref, "cve-1999-0013"));
    cr_expect(has_term(ref, "exchange.xforce.ibmcloud.com"));
    cr_expect(has_term(ref, "ibmcloud.com"));
    cr_expect(has_term(ref, "vulnerabilities"));
    EXPECT_TOKS("http://a.io/x y", "C:http://a.io/x@1 P:a.io@1 P:a@1 P:io@1 P:x@1 W:y@2");
    EXPECT_TOKS("www.example.com",
                "C:www.example.com@1 P:www@1 P:example@1 P:com@1 P:example.com@1");
}

Test(tokenizer, hyphenated_words)
{
    EXPECT_TOKS("state-sponsored hackers",
                "W:state@1 W:sponsored@2 H:state-sponsored@1 W:hackers@3");
    /* Same positions for the parts as the unhyphenated text. */
    EXPECT_TOKS("state sponsored hackers", "W:state@1 W:sponsored@2 W:hackers@3");
    EXPECT_TOKS("finger\xe2\x80\x90pointing", "W:finger@1 W:pointing@2 H:finger-pointing@1");
    /* Double hyphens and dashes separate. */
    EXPECT_TOKS("a -- b", "W:a@1 W:b@2");
    EXPECT_TOKS("2016\xe2\x80\x93" "2017", "W:2016@1 W:2017@2");
}

static int stem_flags(const quire_token_t *t, void *ctx)
{
    quirei_buf *b = ctx;
    quirei_buf_addf(b, "%.*s=%d ", (int)t->len, t->term, t->stemmable);
    return 0;
}

Test(tokenizer, only_letter_words_are_stemmable)
{
    quire_tokenizer_t *t = quire_tokenizer_new();
    quirei_buf b = QUIREI_BUF_INIT;
    const char *text = "hackers apt28 China\xe2\x80\x99s under_score state-sponsored";
    cr_assert_eq(quire_tokenize(t, text, strlen(text), stem_flags, &b), 0);
    cr_expect_str_eq(b.ptr, "hackers=1 apt28=0 china's=1 under_score=0 state=1 sponsored=1 "
                            "state-sponsored=0 ");
    quirei_buf_release(&b);
    quire_tokenizer_free(t);
}

Test(tokenizer, invalid_utf8_is_replaced_and_counted)
{
    quire_tokenizer_t *t = quire_tokenizer_new();
    collect_t c = {QUIREI_BUF_INIT, 0};
    const char text[] = "abc\xff" "def \xc3 ghi \xe2\x80 jkl \xed\xa0\x80 end";
    cr_assert_eq(quire_tokenize(t, text, sizeof text - 1, on_tok, &c), 0);
    /* Nothing after a bad byte is lost. */
    cr_expect_str_eq(c.out.ptr, "W:abc@1 W:def@2 W:ghi@3 W:jkl@4 W:end@5");
    cr_expect_eq(quire_tokenizer_invalid_utf8(t), 7); /* ff, c3, e2 80 (2), ed a0 80 (3) */
    quirei_buf_release(&c.out);
    quire_tokenizer_free(t);
}

Test(tokenizer, truncated_sequence_at_end)
{
    quire_tokenizer_t *t = quire_tokenizer_new();
    collect_t c = {QUIREI_BUF_INIT, 0};
    const char text[] = "word \xe2\x80";
    cr_assert_eq(quire_tokenize(t, text, sizeof text - 1, on_tok, &c), 0);
    cr_expect_str_eq(c.out.ptr, "W:word@1");
    quirei_buf_release(&c.out);
    quire_tokenizer_free(t);
}

Test(tokenizer, positions_continue_across_calls)
{
    quire_tokenizer_t *t = quire_tokenizer_new();
    collect_t c = {QUIREI_BUF_INIT, 0};
    quire_tokenizer_set_pos(t, 10);
    cr_assert_eq(quire_tokenize(t, "one two", 7, on_tok, &c), 0);
    cr_assert_eq(quire_tokenize(t, "three", 5, on_tok, &c), 0);
    cr_expect_str_eq(c.out.ptr, "W:one@10 W:two@11 W:three@12");
    cr_expect_eq(quire_tokenizer_get_pos(t), 13);
    quirei_buf_release(&c.out);
    quire_tokenizer_free(t);
}

Test(tokenizer, overlong_terms_dropped_position_kept)
{
    char text[600];
    memset(text, 'a', 300);
    strcpy(text + 300, " next");
    EXPECT_TOKS(text, "W:next@2");
}

static int check_span(const quire_token_t *tok, void *ctx)
{
    const char *text = ctx;
    /* The span, folded by hand for ASCII, must equal the term for words
     * and compounds (parts too). */
    size_t n = tok->end - tok->start;
    if (tok->kind == QUIRE_TOK_HYPHENATED)
        return 0;
    cr_expect_eq(n, tok->len, "span length of %s", tok->term);
    for (size_t i = 0; i < n && i < tok->len; i++) {
        char c = text[tok->start + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        cr_expect_eq(c, tok->term[i], "span of %s", tok->term);
    }
    return 0;
}

Test(tokenizer, token_spans_are_byte_exact)
{
    const char *text = "Say (state-sponsored) CVE-2021-44228, he.net and T1059.001 then.";
    quire_tokenizer_t *t = quire_tokenizer_new();
    cr_assert_eq(quire_tokenize(t, text, strlen(text), check_span, (void *)text), 0);
    quire_tokenizer_free(t);
}

static int stop_at_two(const quire_token_t *tok, void *ctx)
{
    int *n = ctx;
    (void)tok;
    return ++*n == 2 ? 42 : 0;
}

Test(tokenizer, callback_can_stop)
{
    quire_tokenizer_t *t = quire_tokenizer_new();
    int n = 0;
    cr_expect_eq(quire_tokenize(t, "a b c d", 7, stop_at_two, &n), 42);
    cr_expect_eq(n, 2);
    quire_tokenizer_free(t);
}

/* ---- properties ---- */

static unsigned rng_state = 12345;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 16) % n;
}

static const char *const pieces[] = {
    "hackers", "China\xe2\x80\x99s", "China's", "CVE-2021-44228", "T1059.001", "APT28",
    "121.50.43.175", "he.net", "state-sponsored", "14.9.0", "user@example.com",
    "https://example.org/x", "2001:db8::1", "Stra\xc3\x9f" "e", "\xef\xac\x81le", "e.g.",
    "U.S.", "don't", "(quoted)", "\xe2\x80\x9cquote\xe2\x80\x9d", "a-1", "x", "\xff",
};

static void random_text(quirei_buf *b, int words)
{
    quirei_buf_reset(b);
    for (int i = 0; i < words; i++) {
        if (i)
            quirei_buf_adds(b, rnd(4) ? " " : "  \n");
        quirei_buf_adds(b, pieces[rnd(sizeof pieces / sizeof *pieces)]);
    }
}

/* Terms only, without positions. */
static int terms_only(const quire_token_t *t, void *ctx)
{
    quirei_buf *b = ctx;
    quirei_buf_addf(b, "%d:%.*s|", t->kind, (int)t->len, t->term);
    return 0;
}

static char *terms_of(const char *text, size_t len)
{
    quire_tokenizer_t *t = quire_tokenizer_new();
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(quire_tokenize(t, text, len, terms_only, &b), 0);
    quire_tokenizer_free(t);
    return quirei_buf_detach(&b, NULL);
}

/*
 * A query is tokenized piece by piece (one call per word the user typed);
 * a document in one call. For the same text both must give the same terms.
 */
Test(tokenizer_property, piecewise_equals_whole)
{
    quirei_buf text = QUIREI_BUF_INIT;
    for (int round = 0; round < 500; round++) {
        random_text(&text, 1 + (int)rnd(12));
        char *whole = terms_of(text.ptr, text.len);
        quirei_buf pieces_out = QUIREI_BUF_INIT;
        const char *p = text.ptr;
        while (*p) {
            size_t sp = strspn(p, " \n");
            p += sp;
            size_t n = strcspn(p, " \n");
            char *part = terms_of(p, n);
            quirei_buf_adds(&pieces_out, part);
            free(part);
            p += n;
        }
        cr_assert_str_eq(pieces_out.ptr ? pieces_out.ptr : "", whole, "text: %s", text.ptr);
        quirei_buf_release(&pieces_out);
        free(whole);
    }
    quirei_buf_release(&text);
}

/* Case and apostrophe style never change the terms. */
Test(tokenizer_property, case_and_apostrophe_insensitive)
{
    quirei_buf text = QUIREI_BUF_INIT, alt = QUIREI_BUF_INIT;
    for (int round = 0; round < 300; round++) {
        random_text(&text, 1 + (int)rnd(10));
        quirei_buf_reset(&alt);
        for (size_t i = 0; i < text.len; i++) {
            unsigned char c = (unsigned char)text.ptr[i];
            if (c == '\'')
                quirei_buf_adds(&alt, "\xe2\x80\x99");
            else
                quirei_buf_addc(&alt, (char)(c >= 'a' && c <= 'z' ? c - 32 : c));
        }
        char *a = terms_of(text.ptr, text.len), *b = terms_of(alt.ptr, alt.len);
        cr_assert_str_eq(a, b, "text: %s / %s", text.ptr, alt.ptr);
        free(a);
        free(b);
    }
    quirei_buf_release(&text);
    quirei_buf_release(&alt);
}

/* Every ASCII character, one by one between two words: letters, digits and
 * '_' join them; '-', '.' and the apostrophe join them into a hyphenated
 * word, a dotted name or a contraction; '@' and ':' are connectors only in
 * an e-mail address or an IPv6 address (checked last), so between two plain
 * words they separate, as everything else does, controls included. Upper case folds to lower case. (The
 * ASCII classes are a table in tokenizer.c; this pins every entry.) */
Test(tokenizer, every_ascii_character_has_its_class)
{
    for (int c = 1; c < 128; c++) {
        char text[8], joined[8];
        snprintf(text, sizeof text, "ab%ccd", c);
        char *got = toks(text);
        int lower = c >= 'A' && c <= 'Z' ? c + 32 : c;
        snprintf(joined, sizeof joined, "ab%ccd", lower);
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            c == '_') {
            char want[32];
            snprintf(want, sizeof want, "W:%s@1", joined);
            cr_expect_str_eq(got, want, "character 0x%02x", c);
        } else if (c == '-' || c == '.' || c == '\'') {
            cr_expect(strstr(got, joined) != NULL, "character 0x%02x joins: %s", c, got);
        } else {
            cr_expect_str_eq(got, "W:ab@1 W:cd@2", "character 0x%02x separates", c);
        }
        free(got);
    }
    cr_expect(has_term("mail ab@cd.io now", "ab@cd.io"));
    cr_expect(has_term("host fe80::1 up", "fe80::1"));
}
