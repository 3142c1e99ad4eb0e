/*
 * test_scrape_clean.c - how qx_extract_text reads scraped articles
 * (indexer/scrape_clean.c): the seed articles of corpus/, variants of each
 * rule, the negatives where nothing may be removed or named, and a
 * property: the cleaned body is always whole paragraphs of the input, in
 * order.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define CHECK_LEAKS() cr_assert_eq(__lsan_do_recoverable_leak_check(), 0, "memory leaked")
#else
#define CHECK_LEAKS() ((void)0)
#endif

static qx_fields F;
static char E[128];

#define SC_TEST(name)                                                          \
    static void name##_body(void);                                             \
    Test(scrape, name)                                                         \
    {                                                                          \
        qx_fields_init(&F);                                                    \
        name##_body();                                                         \
        qx_fields_release(&F);                                                 \
        CHECK_LEAKS();                                                         \
    }                                                                          \
    static void name##_body(void)

#define TITLE quirei_buf_cstr(&F.title)
#define AUTHOR quirei_buf_cstr(&F.author)
#define DATE quirei_buf_cstr(&F.date)
#define BODY quirei_buf_cstr(&F.body)

#define assert_contains(hay, needle) \
    cr_assert_not_null(strstr((hay), (needle)), "expected \"%s\" in \"%s\"", (needle), (hay))
#define assert_lacks(hay, needle) \
    cr_assert_null(strstr((hay), (needle)), "unexpected \"%s\" in \"%s\"", (needle), (hay))

static void clean(const char *s)
{
    cr_assert_eq(qx_extract_text(s, strlen(s), &F, E, sizeof E), QX_EXTRACTED, "%s", E);
}

static void raw(const char *s)
{
    cr_assert_eq(qx_extract_text_raw(s, strlen(s), &F, E, sizeof E), QX_EXTRACTED, "%s", E);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static char *read_seed(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/corpus/%s", QUIRE_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

#define SEED0 "000_b9d2c723326dce3c.txt"
#define SEED3 "003_edd2bdf7e4e26d6e.txt"

/* ---- the seeds ---- */

SC_TEST(seed_caption_standfirst_bio_and_cookie_footer)
{
    clean(read_seed(SEED0));
    cr_assert_str_eq(TITLE, "Comment: Cybersecurity calls for a united front not finger-pointing");
    cr_assert_str_eq(AUTHOR, "Greg Day");
    cr_assert_str_eq(DATE, "");
    cr_assert(strncmp(BODY, "Bringing order to the online world", 34) == 0, "%.60s", BODY);
    cr_assert(ends_with(BODY, "IT security firm FireEye ("), "%s", BODY + strlen(BODY) - 60);
    assert_lacks(BODY, "Cybercrime artwork");
    assert_lacks(BODY, "Recent articles");
    assert_lacks(BODY, "Info Message");
    assert_lacks(BODY, "cookies");
}

SC_TEST(seed_label_dateline_byline_and_teasers)
{
    clean(read_seed(SEED3));
    cr_assert_str_eq(TITLE, "In early June, the Eighth Round of the China-U.S. Strategic and "
                            "Economic\xe2\x80\xa6");
    cr_assert_str_eq(AUTHOR, "Emilio Iasiello");
    cr_assert_str_eq(DATE, "2016-06-30");
    cr_assert(strncmp(BODY, "In early June, the Eighth Round", 31) == 0, "%.60s", BODY);
    cr_assert(ends_with(BODY, "So far, the two are off to a promising start."));
    assert_lacks(BODY, "Threat Intelligence Blog");
    assert_lacks(BODY, "Posted June");
    assert_lacks(BODY, "LookingGlass");
    assert_lacks(BODY, "Additional Posts");
    assert_lacks(BODY, "hishing");
}

SC_TEST(seeds_read_raw_are_unchanged)
{
    raw(read_seed(SEED0));
    cr_assert_str_eq(TITLE, "Cybercrime artwork");
    cr_assert_str_eq(AUTHOR, "");
    cr_assert(ends_with(BODY, "Learn more about IET cookies and how to control them"));
    raw(read_seed(SEED3));
    cr_assert_str_eq(TITLE, "Threat Intelligence Blog");
    cr_assert(strncmp(BODY, "Posted June 30, 2016", 20) == 0);
    assert_contains(BODY, "Weekly Phishing Report");
}

SC_TEST(seed_with_crlf_line_ends_reads_the_same)
{
    const char *s = read_seed(SEED0);
    char *crlf = malloc(2 * strlen(s) + 1), *o = crlf;
    cr_assert_not_null(crlf);
    for (; *s; s++) {
        if (*s == '\n')
            *o++ = '\r';
        *o++ = *s;
    }
    *o = '\0';
    clean(crlf);
    free(crlf);
    cr_assert_str_eq(TITLE, "Comment: Cybersecurity calls for a united front not finger-pointing");
    cr_assert_str_eq(AUTHOR, "Greg Day");
    assert_lacks(BODY, "\r");
    assert_lacks(BODY, "Recent articles");
}

/* ---- the head ---- */

#define ARTICLE "Attackers moved through the network for weeks before anyone noticed, " \
                "and the logs that would have shown them had been switched off."

SC_TEST(captions_of_other_shapes_are_not_the_title)
{
    static const char *const captions[] = {
        "Photo: Getty Images", "Hacker at a keyboard illustration", "(Image: Reuters)",
        "Image credit: Shutterstock", "A server room, pictured in 2015 (photo)",
        "Stock photo of a padlock"};
    for (size_t i = 0; i < sizeof captions / sizeof *captions; i++) {
        char doc[512];
        snprintf(doc, sizeof doc, "%s\n\nBank breach went unseen for months\n\n" ARTICLE "\n",
                 captions[i]);
        clean(doc);
        cr_expect_str_eq(TITLE, "Bank breach went unseen for months", "caption %s", captions[i]);
        assert_lacks(BODY, captions[i]);
        cr_expect_str_eq(BODY, ARTICLE);
    }
}

SC_TEST(section_labels_and_kickers_are_not_the_title)
{
    static const char *const labels[] = {"Security News", "Exclusive", "Opinion:",
                                         "Threat Research Blog", "Industry Insights"};
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
        char doc[512];
        snprintf(doc, sizeof doc, "%s\n\nBank breach went unseen for months\n\n" ARTICLE, labels[i]);
        clean(doc);
        cr_expect_str_eq(TITLE, "Bank breach went unseen for months", "label %s", labels[i]);
        cr_expect_str_eq(BODY, ARTICLE);
    }
}

SC_TEST(a_caption_or_label_alone_stays_the_title)
{
    /* With nothing better and no byline, the first line is still the title. */
    clean("Hackers hide malware in image\n\n" ARTICLE);
    cr_assert_str_eq(TITLE, "Hackers hide malware in image");
    clean("Fake News\n\n" ARTICLE);
    cr_assert_str_eq(TITLE, "Fake News");
    cr_assert_str_eq(BODY, ARTICLE);
}

SC_TEST(subtitle_after_the_headline_stays_in_the_body)
{
    clean("Log4Shell explained\n\nWhy one logging library broke the internet\n\nBy Jane Doe\n\n" ARTICLE);
    cr_assert_str_eq(TITLE, "Log4Shell explained");
    cr_assert_str_eq(AUTHOR, "Jane Doe");
    cr_assert_str_eq(BODY, "Why one logging library broke the internet\n\n" ARTICLE);
}

SC_TEST(bylines_and_datelines_of_other_forms)
{
    static const struct {
        const char *meta, *author, *date;
    } cases[] = {
        {"By Jane Doe", "Jane Doe", ""},
        {"By: Jane Doe, Senior Editor", "Jane Doe", ""},
        {"BY JANE DOE", "JANE DOE", ""},
        {"Written by Jane Doe | June 30, 2016", "Jane Doe", "2016-06-30"},
        {"Posted by John Roe on 2016-06-30", "John Roe", "2016-06-30"},
        {"Author: Marie-Claire van der Berg", "Marie-Claire van der Berg", ""},
        {"By Jane Doe and John Roe - 4 May 2016", "Jane Doe and John Roe", "2016-05-04"},
        {"Posted on March 3, 2017 by Jane Doe", "", "2017-03-03"},
        {"Published: 2016-06-30T10:00:00Z", "", "2016-06-30"},
        {"Last updated: Wed, 04 May 2016 10:00:00 GMT", "", "2016-05-04"},
        {"June 30, 2016", "", "2016-06-30"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char doc[512];
        snprintf(doc, sizeof doc, "Bank breach went unseen for months\n\n%s\n\n" ARTICLE,
                 cases[i].meta);
        clean(doc);
        cr_expect_str_eq(TITLE, "Bank breach went unseen for months", "%s", cases[i].meta);
        cr_expect_str_eq(AUTHOR, cases[i].author, "%s", cases[i].meta);
        cr_expect_str_eq(DATE, cases[i].date, "%s", cases[i].meta);
        cr_expect_str_eq(BODY, ARTICLE, "%s", cases[i].meta);
    }
}

SC_TEST(by_sentences_and_bad_dates_are_not_meta)
{
    clean("Bank breach went unseen for months\n\nBy 2016, most banks logged everything.\n\n" ARTICLE);
    cr_assert_str_eq(AUTHOR, "");
    cr_assert(strncmp(BODY, "By 2016, most banks", 19) == 0);
    clean("Bank breach went unseen for months\n\nBy the end of the year attackers had left\n\n" ARTICLE);
    cr_assert_str_eq(AUTHOR, "");
    assert_contains(BODY, "By the end of the year");
    /* A "Posted" line whose date is no date stays text. */
    clean("Bank breach went unseen for months\n\nPosted 2016-02-30\n\n" ARTICLE);
    cr_assert_str_eq(DATE, "");
    assert_contains(BODY, "Posted 2016-02-30");
}

SC_TEST(only_meta_before_the_text_gives_the_first_sentence_as_title)
{
    clean("Posted June 30, 2016\n\nBy Jane Doe\n\nPatch now. The flaw is being exploited.");
    cr_assert_str_eq(TITLE, "Patch now.");
    cr_assert_str_eq(BODY, "Patch now. The flaw is being exploited.");
    cr_assert_str_eq(DATE, "2016-06-30");
}

/* ---- authors from the text ---- */

SC_TEST(standfirst_and_bio_authors)
{
    clean("Headline of the piece\n\nNations must act together, writes Ana María López.\n\n" ARTICLE);
    cr_assert_str_eq(AUTHOR, "Ana María López");
    clean("Headline of the piece\n\nNations must act together, says Greg Day, CTO of FireEye.\n\n" ARTICLE);
    cr_assert_str_eq(AUTHOR, "Greg Day");
    clean("Headline of the piece\n\n\"Nations must act together,\" says Greg Day.\"\n\n" ARTICLE);
    cr_assert_str_eq(AUTHOR, "Greg Day");
    clean("Headline of the piece\n\n" ARTICLE "\n\nJane Doe is a senior analyst at Acme Corp.");
    cr_assert_str_eq(AUTHOR, "Jane Doe");
    clean("Headline of the piece\n\n" ARTICLE "\n\nAbout the author: John van Roe is editor of this site.");
    cr_assert_str_eq(AUTHOR, "John van Roe");
    /* A byline wins over the text. */
    clean("Headline of the piece\n\nBy Jane Doe\n\nIt matters, says Greg Day.\n\n" ARTICLE);
    cr_assert_str_eq(AUTHOR, "Jane Doe");
}

SC_TEST(sentences_that_name_no_author)
{
    static const char *const docs[] = {
        "Headline of the piece\n\nBreaches doubled last year, says the report.\n\n" ARTICLE,
        "Headline of the piece\n\nBreaches doubled last year, says Microsoft.\n\n" ARTICLE,
        "Headline of the piece\n\nBreaches doubled last year, says Microsoft Research.\n\n" ARTICLE,
        "Headline of the piece\n\nBreaches doubled, says Greg Day. Nobody listened.\n\n" ARTICLE,
        "Headline of the piece\n\n" ARTICLE "\n\nMicrosoft is the vendor of Windows.",
        "Headline of the piece\n\n" ARTICLE "\n\nWindows Defender is a product that ships free.",
        "Headline of the piece\n\n" ARTICLE "\n\nThe Council of Europe is the head of nothing.",
        /* a name in a middle paragraph is not a bio */
        "Headline of the piece\n\n" ARTICLE "\n\nJane Doe is a senior analyst at Acme.\n\n" ARTICLE,
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        clean(docs[i]);
        cr_expect_str_eq(AUTHOR, "", "doc %zu", i);
    }
}

/* ---- the tail ---- */

SC_TEST(footers_of_other_shapes_are_left_out)
{
    static const char *const footers[] = {
        "Related\n\nRansomware hits hospital\n\nPatch Tuesday: 12 fixes",
        "Read more \xc2\xbb\n\nAnother story here...",
        "You may also like:\n\nSeven tips for passwords",
        "More from The Register\n\nA teaser\n\nAnother teaser",
        "This site uses cookies. By continuing to browse you agree.",
        "\xc2\xa9 2016 Acme Corp. All rights reserved.",
        "Share this article\n\nTweet\n\nEmail",
        "Related articles\n\nA teaser that goes on for a while but under the limit...\n\n"
        "We use cookies to improve your experience. Accept all",
    };
    for (size_t i = 0; i < sizeof footers / sizeof *footers; i++) {
        char doc[1024];
        snprintf(doc, sizeof doc, "Headline of the piece\n\n" ARTICLE "\n\n" ARTICLE "\n\n%s\n",
                 footers[i]);
        clean(doc);
        cr_expect_str_eq(BODY, ARTICLE "\n\n" ARTICLE, "footer %zu", i);
    }
}

SC_TEST(text_that_only_looks_like_a_footer_stays)
{
    static const char *const docs[] = {
        /* a last paragraph that starts with "Related" */
        "Headline of the piece\n\n" ARTICLE "\n\nRelated research by Kaspersky found the same.",
        /* a "Related" heading followed by the article going on */
        "Headline of the piece\n\n" ARTICLE "\n\nRelated\n\n" ARTICLE " " ARTICLE " " ARTICLE,
        /* a cookie sentence that is news, not a notice */
        "Headline of the piece\n\n" ARTICLE "\n\nBrowsers will block third-party cookies, Google said.",
        /* teasers longer than half the article */
        "Headline of the piece\n\nShort piece.\n\nRead more\n\nA teaser that is longer than the piece",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        clean(docs[i]);
        cr_expect_str_eq(BODY, strstr(docs[i], "\n\n") + 2, "doc %zu", i);
    }
}

/* ---- files the rules leave alone ---- */

SC_TEST(short_files_and_files_without_blank_lines_read_plainly)
{
    static const char *const docs[] = {
        "just one line",
        "Cybercrime artwork\n\nBy Jane Doe",
        "Quick note\n\nPatched today",
        "Cybercrime artwork\nComment: a headline\nBy Jane Doe\n" ARTICLE "\nRecent articles\nA teaser",
        ARTICLE "\n\nRelated\n\nA teaser",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        clean(docs[i]);
        char title[256], body[1024];
        snprintf(title, sizeof title, "%s", TITLE);
        snprintf(body, sizeof body, "%s", BODY);
        raw(docs[i]);
        cr_expect_str_eq(title, TITLE, "doc %zu", i);
        cr_expect_str_eq(body, BODY, "doc %zu", i);
        cr_expect_str_eq(AUTHOR, "");
    }
}

/* ---- a property ---- */

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Every paragraph of the cleaned body is a paragraph of the input, in the
 * input's order: the rules drop paragraphs (or move them into fields) but
 * never edit text. */
SC_TEST(the_body_is_whole_input_paragraphs_in_order)
{
    static const char *const pool[] = {
        "Cybercrime artwork", "Threat Intelligence Blog", "Posted June 30, 2016",
        "By: Emilio Iasiello, LookingGlass", "Comment: a headline here", ARTICLE,
        "It matters, says Greg Day.", "Recent articles", "Related", "A teaser...",
        "Our sites use cookies to support some functionality.", "Greg Day is VP at FireEye (",
        "line one\nline two", "", "Exclusive", "\xc2\xa9 2016 Acme"};
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (int round = 0; round < 3000; round++) {
        char doc[4096] = "", *paras[32];
        size_t np = 1 + next_rand(&seed) % 12;
        for (size_t i = 0; i < np; i++) {
            paras[i] = (char *)pool[next_rand(&seed) % (sizeof pool / sizeof *pool)];
            strcat(doc, paras[i]);
            strcat(doc, next_rand(&seed) % 4 ? "\n\n" : "\n");
        }
        qx_extract_status st = qx_extract_text(doc, strlen(doc), &F, E, sizeof E);
        if (st != QX_EXTRACTED)
            continue;
        cr_assert_gt(F.title.len, 0, "%s", doc);
        cr_assert_gt(F.body.len, 0, "%s", doc);
        const char *at = doc;
        for (char *b = F.body.ptr, *e; b; b = e ? e + 2 : NULL) {
            e = strstr(b, "\n\n");
            size_t n = e ? (size_t)(e - b) : strlen(b);
            char *found = NULL;
            for (const char *p = at; *p; p++)
                if (strncmp(p, b, n) == 0) {
                    found = (char *)p;
                    break;
                }
            cr_assert_not_null(found, "body paragraph '%.*s' not in order in:\n%s", (int)n, b, doc);
            at = found + n;
        }
    }
}
