/* test_extract.c - unit tests for the text, HTML and Markdown extractors. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

/* Under AddressSanitizer, check for leaks at the end of every test: the
 * report LeakSanitizer prints when a Criterion worker exits does not fail
 * the test by itself. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define CHECK_LEAKS() cr_assert_eq(__lsan_do_recoverable_leak_check(), 0, "memory leaked")
#else
#define CHECK_LEAKS() ((void)0)
#endif

typedef qx_extract_fn extract_fn;

/* A status an extractor may return. */
#define IS_STATUS(r) ((r) >= QX_EXTRACTED && (r) < QX_EXTRACT_STATUS_COUNT)

/* One fields object and error buffer per test (each test runs in its own
 * process). */
static qx_fields F;
static char E[128];

/* QX_TEST wraps a test body with set-up, clean-up and the leak check (an
 * assertion in a .fini fixture would not fail the test). */
#define QX_TEST(suite, name)                                                   \
    static void suite##_##name##_body(void);                                   \
    Test(suite, name)                                                          \
    {                                                                          \
        qx_fields_init(&F);                                                    \
        E[0] = '\0';                                                           \
        suite##_##name##_body();                                               \
        qx_fields_release(&F);                                                 \
        CHECK_LEAKS();                                                         \
    }                                                                          \
    static void suite##_##name##_body(void)

static qx_extract_status run(extract_fn fn, const char *s)
{
    return fn(s, strlen(s), &F, E, sizeof E);
}

#define TITLE quirei_buf_cstr(&F.title)
#define AUTHOR quirei_buf_cstr(&F.author)
#define DATE quirei_buf_cstr(&F.date)
#define URL quirei_buf_cstr(&F.url)
#define BODY quirei_buf_cstr(&F.body)

#define assert_contains(hay, needle) \
    cr_assert_not_null(strstr((hay), (needle)), "expected \"%s\" in \"%s\"", (needle), (hay))
#define assert_lacks(hay, needle) \
    cr_assert_null(strstr((hay), (needle)), "unexpected \"%s\" in \"%s\"", (needle), (hay))

/* Every buffer must be a valid NUL-terminated string of its stated length. */
static void assert_fields_valid(const qx_fields *f)
{
    const quirei_buf *bufs[] = {&f->title, &f->author, &f->date, &f->url, &f->body};
    for (size_t i = 0; i < 5; i++) {
        cr_assert(bufs[i]->len <= bufs[i]->cap);
        cr_assert_not_null(quirei_buf_cstr(bufs[i]));
        if (bufs[i]->ptr)
            cr_assert_eq(bufs[i]->ptr[bufs[i]->len], '\0');
        else
            cr_assert_eq(bufs[i]->len, 0);
    }
}

/* Body must follow the paragraph convention: no leading/trailing
 * whitespace, never three newlines in a row. */
static void assert_body_shape(const char *body)
{
    size_t n = strlen(body);
    if (n == 0)
        return;
    cr_assert(body[0] != '\n' && body[0] != ' ', "leading whitespace in \"%s\"", body);
    cr_assert(body[n - 1] != '\n' && body[n - 1] != ' ', "trailing whitespace in \"%s\"", body);
    assert_lacks(body, "\n\n\n");
}

/* ======================================================================== */
/* Plain text                                                               */

QX_TEST(text, title_and_paragraphs)
{
    cr_assert_eq(run(qx_extract_text, "My Title\n\nFirst para\nline two\n\nSecond para\n"), 0);
    cr_assert_str_eq(TITLE, "My Title");
    cr_assert_str_eq(BODY, "First para\nline two\n\nSecond para");
    cr_assert_str_eq(AUTHOR, "");
    cr_assert_str_eq(DATE, "");
    cr_assert_str_eq(URL, "");
}

QX_TEST(text, leading_blank_lines_and_trimming)
{
    cr_assert_eq(run(qx_extract_text, "\n   \n\t  Spaced Title \t\n\n \n\n  Body text\n"
                                      "  indented   \n\n \n"),
                 0);
    cr_assert_str_eq(TITLE, "Spaced Title");
    cr_assert_str_eq(BODY, "Body text\n  indented");
}

QX_TEST(text, body_directly_after_title)
{
    cr_assert_eq(run(qx_extract_text, "Title\nbody line"), 0);
    cr_assert_str_eq(TITLE, "Title");
    cr_assert_str_eq(BODY, "body line");
}

QX_TEST(text, crlf_line_endings)
{
    cr_assert_eq(run(qx_extract_text, "Title\r\n\r\nline one\r\nline two\r\n\r\npara two\r\n"), 0);
    cr_assert_str_eq(TITLE, "Title");
    cr_assert_str_eq(BODY, "line one\nline two\n\npara two");
    assert_lacks(BODY, "\r");
}

QX_TEST(text, one_line_file_is_a_document)
{
    cr_assert_eq(run(qx_extract_text, "  just one line  \n"), 0);
    cr_assert_str_eq(TITLE, "just one line");
    cr_assert_str_eq(BODY, "just one line");
}

QX_TEST(text, title_followed_by_blank_lines_only)
{
    cr_assert_eq(run(qx_extract_text, "Lonely\n\n   \n\t\n"), 0);
    cr_assert_str_eq(BODY, "Lonely");
}

QX_TEST(text, empty_file_fails)
{
    cr_assert_eq(qx_extract_text("", 0, &F, E, sizeof E), QX_NO_TEXT);
    cr_assert_str_eq(E, "empty file");
    cr_assert_eq(run(qx_extract_text, " \n\t\r\n  \n"), QX_NO_TEXT);
    cr_assert_str_eq(E, "empty file");
    cr_assert_eq(F.body.len, 0);
    cr_assert_eq(F.title.len, 0);
}

QX_TEST(text, input_not_nul_terminated)
{
    const char data[] = {'T', 'i', 't', 'l', 'e', '\n', 'B', 'o', 'd', 'y', 'X', 'Y', 'Z'};
    cr_assert_eq(qx_extract_text(data, 10, &F, E, sizeof E), 0);
    cr_assert_str_eq(TITLE, "Title");
    cr_assert_str_eq(BODY, "Body");
}

QX_TEST(text, utf8_bom_stripped_and_invalid_bytes_kept)
{
    cr_assert_eq(run(qx_extract_text, "\xEF\xBB\xBFTitre\ncaf\xE9 \xC3\xA9t\xC3\xA9"), 0);
    cr_assert_str_eq(TITLE, "Titre");
    cr_assert_str_eq(BODY, "caf\xE9 \xC3\xA9t\xC3\xA9");
}

QX_TEST(text, fields_reset_between_calls)
{
    cr_assert_eq(run(qx_extract_markdown, "---\nauthor: Someone\n---\n# T\n\ntext\n"), 0);
    cr_assert_str_eq(AUTHOR, "Someone");
    cr_assert_eq(run(qx_extract_text, "Other\nbody"), 0);
    cr_assert_str_eq(AUTHOR, "");
    cr_assert_str_eq(TITLE, "Other");
    qx_fields_reset(&F);
    cr_assert_str_eq(TITLE, "");
    cr_assert_str_eq(BODY, "");
}

/* ======================================================================== */
/* HTML                                                                     */

QX_TEST(html, title_element_whitespace_collapsed)
{
    cr_assert_eq(run(qx_extract_html, "<html><head><title>\n  Hello\n\t  World  </title></head>"
                                      "<body><p>text</p></body></html>"),
                 0);
    cr_assert_str_eq(TITLE, "Hello World");
    cr_assert_str_eq(BODY, "text");
}

QX_TEST(html, og_title_wins_over_title_element)
{
    cr_assert_eq(run(qx_extract_html, "<head><title>Site | Page</title>"
                                      "<meta property=\"og:title\" content=\"Real  Title\">"
                                      "</head><body><p>x</p></body>"),
                 0);
    cr_assert_str_eq(TITLE, "Real Title");
}

QX_TEST(html, author_meta_variants)
{
    static const char *const cases[][2] = {
        {"<meta name=\"author\" content=\"A One\">", "A One"},
        {"<meta property=\"article:author\" content=\"A Two\">", "A Two"},
        {"<meta name=\"article:author\" content=\"A Three\">", "A Three"},
        {"<meta name=\"byl\" content=\"A Four\">", "A Four"},
        {"<meta name=\"parsely-author\" content=\"A Five\">", "A Five"},
        {"<meta name=\"DC.creator\" content=\"A Six\">", "A Six"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[256];
        snprintf(doc, sizeof doc, "<head>%s</head><body><p>b</p></body>", cases[i][0]);
        cr_assert_eq(run(qx_extract_html, doc), 0);
        cr_assert_str_eq(AUTHOR, cases[i][1]);
    }
}

QX_TEST(html, author_priority_independent_of_order)
{
    cr_assert_eq(run(qx_extract_html, "<meta name=\"byl\" content=\"By Line\">"
                                      "<meta name=\"author\" content=\"Proper Author\">"
                                      "<p>b</p>"),
                 0);
    cr_assert_str_eq(AUTHOR, "Proper Author");
}

QX_TEST(html, date_meta_variants)
{
    static const char *const cases[][2] = {
        {"<meta property=\"article:published_time\" content=\"2024-01-01T10:00:00Z\">",
         "2024-01-01T10:00:00Z"},
        {"<meta name=\"date\" content=\"2024-01-02\">", "2024-01-02"},
        {"<meta name=\"pubdate\" content=\"2024-01-03\">", "2024-01-03"},
        {"<meta name=\"publishdate\" content=\"2024-01-04\">", "2024-01-04"},
        {"<meta name=\"dc.date\" content=\"2024-01-05\">", "2024-01-05"},
        {"<meta name=\"parsely-pub-date\" content=\"2024-01-06\">", "2024-01-06"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char doc[256];
        snprintf(doc, sizeof doc, "<head>%s</head><body><p>b</p></body>", cases[i][0]);
        cr_assert_eq(run(qx_extract_html, doc), 0);
        cr_assert_str_eq(DATE, cases[i][1]);
    }
}

QX_TEST(html, date_from_first_time_element)
{
    cr_assert_eq(run(qx_extract_html, "<body><p>Posted <time datetime=\"2023-03-04\">March 4</time>"
                                      " edited <time datetime=\"2023-05-06\">May</time></p></body>"),
                 0);
    cr_assert_str_eq(DATE, "2023-03-04");
    cr_assert_str_eq(BODY, "Posted March 4 edited May");
}

QX_TEST(html, date_meta_beats_time_element)
{
    cr_assert_eq(run(qx_extract_html, "<body><time datetime=\"2000-01-01\">x</time>"
                                      "<meta name=\"date\" content=\"2024-02-02\"><p>b</p></body>"),
                 0);
    cr_assert_str_eq(DATE, "2024-02-02");
}

QX_TEST(html, canonical_link_beats_og_url)
{
    cr_assert_eq(run(qx_extract_html, "<head><meta property=\"og:url\" content=\"https://e.x/og\">"
                                      "<link rel=\"canonical\" href=\"https://e.x/canon\"></head>"
                                      "<body><p>b</p></body>"),
                 0);
    cr_assert_str_eq(URL, "https://e.x/canon");
}

QX_TEST(html, og_url_alone)
{
    cr_assert_eq(run(qx_extract_html, "<head><meta property=\"og:url\" content=\"https://e.x/og\">"
                                      "<link rel=\"stylesheet\" href=\"s.css\"></head><p>b</p>"),
                 0);
    cr_assert_str_eq(URL, "https://e.x/og");
}

QX_TEST(html, skipped_elements_not_in_body)
{
    cr_assert_eq(run(qx_extract_html,
                     "<html><head><style>.css{}</style><script>var head=1;</script></head><body>"
                     "<nav>NAVTEXT</nav><header>HEADERTEXT</header>"
                     "<p>keep one</p><script>SCRIPTTEXT()</script><style>STYLETEXT{}</style>"
                     "<noscript>NOSCRIPTTEXT</noscript><template><p>TEMPLATETEXT</p></template>"
                     "<aside>ASIDETEXT</aside><form>FORMTEXT<input value=v></form>"
                     "<svg><title>SVGTITLE</title><text>SVGTEXT</text></svg>"
                     "<button>BUTTONTEXT</button><iframe>IFRAMETEXT</iframe>"
                     "<!-- COMMENTTEXT --><p>keep two</p><footer>FOOTERTEXT</footer>"
                     "</body></html>"),
                 0);
    cr_assert_str_eq(BODY, "keep one\n\nkeep two");
    cr_assert_str_eq(TITLE, "", "an <svg><title> is not the page title");
}

QX_TEST(html, article_preferred_over_main_and_body)
{
    cr_assert_eq(run(qx_extract_html, "<body><p>outside</p><main><p>in main</p>"
                                      "<article><p>in article</p></article>"
                                      "<article><p>second article</p></article></main></body>"),
                 0);
    cr_assert_str_eq(BODY, "in article");
}

QX_TEST(html, main_preferred_over_body)
{
    cr_assert_eq(run(qx_extract_html, "<body><div>sidebar</div><main><p>main text</p></main></body>"), 0);
    cr_assert_str_eq(BODY, "main text");
}

QX_TEST(html, whole_body_without_article_or_main)
{
    cr_assert_eq(run(qx_extract_html, "<title>T</title><div>one</div><div>two</div>"), 0);
    cr_assert_str_eq(BODY, "one\n\ntwo");
    cr_assert_str_eq(TITLE, "T");
}

QX_TEST(html, block_elements_make_paragraphs)
{
    cr_assert_eq(run(qx_extract_html,
                     "<body>\n\n  <h1> Heading </h1>\n<p>para   one\n spans <b>bold</b>"
                     "<i>ital</i></p><div><div><p>nested</p></div></div>"
                     "<ul><li>item 1</li><li>item 2</li></ul>line<br>break<hr>"
                     "<blockquote>quoted</blockquote><pre>pre   text</pre>\n\n</body>"),
                 0);
    cr_assert_str_eq(BODY, "Heading\n\npara one spans boldital\n\nnested\n\nitem 1\n\nitem 2"
                           "\n\nline\n\nbreak\n\nquoted\n\npre text");
    assert_body_shape(BODY);
}

QX_TEST(html, table_cells_separated)
{
    cr_assert_eq(run(qx_extract_html, "<table><tr><th>h1</th><th>h2</th></tr>"
                                      "<tr><td>a</td><td>b</td></tr></table>"),
                 0);
    cr_assert_str_eq(BODY, "h1 h2\n\na b");
}

QX_TEST(html, entities_decoded)
{
    cr_assert_eq(run(qx_extract_html, "<head><title>Tom &amp; Jerry</title></head>"
                                      "<body><p>a &lt;b&gt; &quot;c&quot; caf&eacute; &#x263A; "
                                      "&#65;&nbsp;z</p></body>"),
                 0);
    cr_assert_str_eq(TITLE, "Tom & Jerry");
    cr_assert_str_eq(BODY, "a <b> \"c\" caf\xC3\xA9 \xE2\x98\xBA A z");
}

QX_TEST(html, declared_charset_is_honoured)
{
    cr_assert_eq(run(qx_extract_html, "<meta charset=\"iso-8859-1\"><p>caf\xE9</p>"), 0);
    cr_assert_str_eq(BODY, "caf\xC3\xA9");
}

QX_TEST(html, declared_utf8_keeps_stray_bytes_local)
{
    /* One bad byte must not turn the rest of the page into Latin-1 mojibake. */
    cr_assert_eq(run(qx_extract_html, "<meta charset=\"UTF-8\"><p>caf\xE9 \xC3\xA9t\xC3\xA9</p>"), 0);
    cr_assert_str_eq(BODY, "caf\xE9 \xC3\xA9t\xC3\xA9");
}

QX_TEST(html, undeclared_utf8_and_invalid_bytes)
{
    cr_assert_eq(run(qx_extract_html, "<p>\xC3\xA9t\xC3\xA9 \xFF ok</p>"), 0);
    assert_contains(BODY, "\xC3\xA9t\xC3\xA9");
    assert_contains(BODY, "ok");
}

QX_TEST(html, empty_body_fails)
{
    cr_assert_eq(qx_extract_html("", 0, &F, E, sizeof E), QX_NO_TEXT);
    cr_assert_str_eq(E, "no text content");
    cr_assert_eq(run(qx_extract_html, "<html><head><title>Only title</title></head>"
                                      "<body><script>x()</script><nav>menu</nav>  </body></html>"),
                 QX_NO_TEXT);
    cr_assert_str_eq(E, "no text content");
    cr_assert_str_eq(TITLE, "", "fields are emptied on failure");
}

QX_TEST(html, empty_article_falls_back)
{
    cr_assert_eq(run(qx_extract_html, "<body><article> </article><p>page text</p></body>"), 0);
    cr_assert_str_eq(BODY, "page text");
}

QX_TEST(html, input_not_nul_terminated)
{
    const char doc[] = "<p>visible</p><p>hidden";
    cr_assert_eq(qx_extract_html(doc, strlen("<p>visible</p>"), &F, E, sizeof E), 0);
    cr_assert_str_eq(BODY, "visible");
}

/* ======================================================================== */
/* Markdown                                                                 */

QX_TEST(markdown, front_matter_fields)
{
    cr_assert_eq(run(qx_extract_markdown, "---\n"
                                          "title: \"Quoted: Title\"\n"
                                          "author: 'Jane Doe'\n"
                                          "date: 2024-06-01 # a comment\n"
                                          "url: https://example.org/post\n"
                                          "tags: [x, y]\n"
                                          "---\n"
                                          "\n"
                                          "Body text.\n"),
                 0);
    cr_assert_str_eq(TITLE, "Quoted: Title");
    cr_assert_str_eq(AUTHOR, "Jane Doe");
    cr_assert_str_eq(DATE, "2024-06-01");
    cr_assert_str_eq(URL, "https://example.org/post");
    cr_assert_str_eq(BODY, "Body text.");
}

QX_TEST(markdown, front_matter_title_beats_heading)
{
    cr_assert_eq(run(qx_extract_markdown, "---\ntitle: FM\n---\n# Heading\n\ntext\n"), 0);
    cr_assert_str_eq(TITLE, "FM");
    cr_assert_str_eq(BODY, "Heading\n\ntext");
}

QX_TEST(markdown, front_matter_crlf)
{
    cr_assert_eq(run(qx_extract_markdown, "---\r\ntitle: Win\r\nauthor: \"Bill\"\r\n---\r\n"
                                          "line one\r\nline two\r\n\r\npara\r\n"),
                 0);
    cr_assert_str_eq(TITLE, "Win");
    cr_assert_str_eq(AUTHOR, "Bill");
    cr_assert_str_eq(BODY, "line one line two\n\npara");
}

QX_TEST(markdown, unclosed_front_matter_is_markdown)
{
    cr_assert_eq(run(qx_extract_markdown, "---\ntitle: nope\n\nmore\n"), 0);
    cr_assert_str_eq(TITLE, "");
    assert_contains(BODY, "title: nope");
}

QX_TEST(markdown, leading_thematic_break_is_not_front_matter)
{
    cr_assert_eq(run(qx_extract_markdown, "---\nAn intro paragraph.\n\n## Part\n\n---\n\nrest\n"), 0);
    cr_assert_str_eq(BODY, "An intro paragraph.\n\nPart\n\nrest");
    cr_assert_str_eq(TITLE, "Part");
}

QX_TEST(markdown, title_is_first_h1)
{
    cr_assert_eq(run(qx_extract_markdown, "## Intro\n\n# The *Real* Title\n\n# Second H1\n\ntext\n"), 0);
    cr_assert_str_eq(TITLE, "The Real Title");
    cr_assert_str_eq(BODY, "Intro\n\nThe Real Title\n\nSecond H1\n\ntext");
}

QX_TEST(markdown, title_falls_back_to_any_heading)
{
    cr_assert_eq(run(qx_extract_markdown, "para\n\n### Third level\n\n## Second level\n"), 0);
    cr_assert_str_eq(TITLE, "Third level");
}

QX_TEST(markdown, setext_heading_title)
{
    cr_assert_eq(run(qx_extract_markdown, "Setext Title\n============\n\nbody\n"), 0);
    cr_assert_str_eq(TITLE, "Setext Title");
    cr_assert_str_eq(BODY, "Setext Title\n\nbody");
}

QX_TEST(markdown, links_and_images)
{
    cr_assert_eq(run(qx_extract_markdown, "See [the docs](https://docs.example/x \"t\") and "
                                          "![a cat photo](cat.png) and <https://auto.example>.\n"),
                 0);
    cr_assert_str_eq(BODY, "See the docs and a cat photo and https://auto.example.");
    assert_lacks(BODY, "docs.example");
    assert_lacks(BODY, "cat.png");
}

QX_TEST(markdown, html_dropped)
{
    cr_assert_eq(run(qx_extract_markdown, "<div class=\"x\">\nblock html\n</div>\n\n"
                                          "Inline <span class=\"y\">kept</span> text.\n"),
                 0);
    cr_assert_str_eq(BODY, "Inline kept text.");
}

QX_TEST(markdown, entities_decoded)
{
    cr_assert_eq(run(qx_extract_markdown, "&amp; &lt; &gt; &quot; &#65; &#x42; &#x263a; &copy; &bogus;\n"), 0);
    cr_assert_str_eq(BODY, "& < > \" A B \xE2\x98\xBA \xC2\xA9 &bogus;");
}

QX_TEST(markdown, invalid_numeric_entities_become_replacement_characters)
{
    /* CommonMark: NUL, surrogates and code points past U+10FFFF become
     * U+FFFD; every UTF-8 length is encoded; &shy; disappears. */
    cr_assert_eq(run(qx_extract_markdown, "a&#0;b &#xD800; &#x110000; &#9999999; "
                                          "&#x7F; &#x80; &#x7FF; &#xFFFF; &#x10000; "
                                          "&#x10FFFF; c&shy;d\n"),
                 0);
    cr_assert_str_eq(BODY, "a\xEF\xBF\xBD" "b \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD "
                           "\x7F \xC2\x80 \xDF\xBF \xEF\xBF\xBF \xF0\x90\x80\x80 "
                           "\xF4\x8F\xBF\xBF cd");
}

QX_TEST(markdown, soft_and_hard_breaks)
{
    cr_assert_eq(run(qx_extract_markdown, "one\ntwo  \nthree\\\nfour\n"), 0);
    cr_assert_str_eq(BODY, "one two\nthree\nfour");
}

QX_TEST(markdown, code_spans_and_blocks_are_text)
{
    cr_assert_eq(run(qx_extract_markdown, "Use `grep -r` here.\n\n```c\nint x;\n\n\n\nint y;\n```\n\n"
                                          "    indented code\n"),
                 0);
    cr_assert_str_eq(BODY, "Use grep -r here.\n\nint x;\n\nint y;\n\nindented code");
}

QX_TEST(markdown, every_block_is_a_paragraph)
{
    cr_assert_eq(run(qx_extract_markdown, "# H\n\n"
                                          "- item one\n- item two\n  - nested\n\n"
                                          "1. first\n\n"
                                          "> quoted\n> more\n\n"
                                          "---\n\n"
                                          "| a | b |\n|---|---|\n| c | d |\n\n"
                                          "- [x] done task\n\n"
                                          "last ~~struck~~ *em* **strong**\n"),
                 0);
    cr_assert_str_eq(BODY, "H\n\nitem one\n\nitem two\n\nnested\n\nfirst\n\nquoted more\n\n"
                           "a b\n\nc d\n\ndone task\n\nlast struck em strong");
    assert_body_shape(BODY);
}

QX_TEST(markdown, empty_inputs_fail)
{
    cr_assert_eq(qx_extract_markdown("", 0, &F, E, sizeof E), QX_NO_TEXT);
    cr_assert_str_eq(E, "no text content");
    cr_assert_eq(run(qx_extract_markdown, "\n\n   \n"), QX_NO_TEXT);
    cr_assert_str_eq(E, "no text content");
    cr_assert_eq(run(qx_extract_markdown, "---\ntitle: Only FM\n---\n\n"), QX_NO_TEXT);
    cr_assert_str_eq(E, "no text content");
    cr_assert_eq(run(qx_extract_markdown, "<!-- just a comment -->\n<div></div>\n"), QX_NO_TEXT);
    cr_assert_str_eq(TITLE, "");
}

QX_TEST(markdown, input_not_nul_terminated)
{
    const char doc[] = "# Head\n\nshown\n\nnot shown";
    cr_assert_eq(qx_extract_markdown(doc, strlen("# Head\n\nshown\n"), &F, E, sizeof E), 0);
    cr_assert_str_eq(BODY, "Head\n\nshown");
}

/* ======================================================================== */
/* Robustness: nothing may crash, hang or leak.                              */

/* Small deterministic PRNG (xorshift64*), so failures are reproducible. */
static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static void run_all(const char *data, size_t len)
{
    static const extract_fn fns[] = {qx_extract_text, qx_extract_html, qx_extract_markdown};
    for (size_t i = 0; i < 3; i++) {
        E[0] = '\0';
        qx_extract_status r = fns[i](data, len, &F, E, sizeof E);
        cr_assert(IS_STATUS(r), "unexpected return %d", (int)r);
        if (r != QX_EXTRACTED)
            cr_assert_neq(E[0], '\0', "failure without a reason");
        assert_fields_valid(&F);
    }
}

QX_TEST(robustness, truncated_html_prefixes)
{
    const char *doc = "<!DOCTYPE html><html><head><title>T &amp; t</title>"
                      "<meta name=\"author\" content=\"A\"><link rel=canonical href='u'>"
                      "<script>if (a < b) { x = '</p>'; }</script></head><body>"
                      "<article><h1>H</h1><p>Para &#x41; <a href=\"x\">link</a></p>"
                      "<!-- c --><table><tr><td>1</td></tr></table></article></body></html>";
    size_t len = strlen(doc);
    for (size_t n = 0; n <= len; n++) {
        /* A heap copy of exactly n bytes lets ASan catch reads past the end. */
        char *copy = malloc(n ? n : 1);
        cr_assert_not_null(copy);
        memcpy(copy, doc, n);
        run_all(copy, n);
        free(copy);
    }
}

QX_TEST(robustness, garbage_html)
{
    static const char *const docs[] = {
        "<<<>>><p<<a href=</",        "<html><body><p>unclosed <b><i>text",
        "</p></div></body></html>",    "<!-- never closed comment <p>x</p>",
        "<p attr=\"unterminated>text", "<![CDATA[ cdata ]]><p>&#xFFFFFFFF; &#0; &bogus</p>",
        "<script>",                    "<meta content=x><meta name=author><link rel=canonical>",
        "\xFE\xFF\x00<\x00p\x00>",     "<?xml version='1.0' encoding='nope'?><p>x</p>",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        run_all(docs[i], strlen(docs[i]));
    cr_assert_eq(run(qx_extract_html, "<html><body><p>unclosed <b><i>text"), 0);
    cr_assert_str_eq(BODY, "unclosed text");
}

QX_TEST(robustness, random_binary_bytes)
{
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    char buf[1024];
    for (int iter = 0; iter < 300; iter++) {
        size_t len = next_rand(&seed) % sizeof buf;
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)(next_rand(&seed) >> 56);
        run_all(buf, len);
    }
}

/* Random soup of markup tokens: reaches much deeper into the parsers than
 * uniform random bytes do. */
QX_TEST(robustness, random_markup_soup)
{
    static const char *const tok[] = {
        "<p>", "</p>", "<div>", "</div>", "<article>", "</article>", "<script>", "</script>",
        "<!--", "-->", "<br>", "<meta name=author content=", "\"", "'", "&amp;", "&#x",
        "&", ";", "# ", "## ", "---\n", "title: ", "\n", "\r\n", "\n\n", " ", "text",
        "`", "```\n", "[", "](", ")", "![", "*", "_", "> ", "- ", "1. ", "|", "\x00",
        "\xC3", "\xA9", "\xFF", "<title>", "</title>", "<time datetime=", ">", "<",
    };
    uint64_t seed = 42;
    char buf[2048];
    for (int iter = 0; iter < 300; iter++) {
        size_t len = 0, count = next_rand(&seed) % 120;
        for (size_t k = 0; k < count; k++) {
            const char *t = tok[next_rand(&seed) % (sizeof tok / sizeof tok[0])];
            size_t tl = t[0] ? strlen(t) : 1; /* "\x00" is one NUL byte */
            if (len + tl > sizeof buf)
                break;
            memcpy(buf + len, t, tl);
            len += tl;
        }
        run_all(buf, len);
    }
}

QX_TEST(robustness, deeply_nested_input)
{
    enum { DEPTH = 20000 };
    quirei_buf b = QUIREI_BUF_INIT;
    for (int i = 0; i < DEPTH; i++)
        cr_assert_eq(quirei_buf_adds(&b, "<div><b>"), 0);
    cr_assert_eq(quirei_buf_adds(&b, "deep"), 0);
    run_all(b.ptr, b.len);

    quirei_buf_reset(&b);
    for (int i = 0; i < DEPTH; i++)
        cr_assert_eq(quirei_buf_adds(&b, "> - "), 0);
    cr_assert_eq(quirei_buf_adds(&b, "deep [[[[ **__ ``"), 0);
    run_all(b.ptr, b.len);
    quirei_buf_release(&b);
}

/* Regression from fuzz/fuzz_markdown: front matter, then text ending inside
 * an unterminated link; md4c read one byte past the input (not reproducible
 * on its own, so the extractor now parses a padded copy). Exactly the bytes
 * the fuzzer found, run through a heap buffer of exactly their size. */
QX_TEST(markdown, regress_unterminated_link_at_end)
{
    static const unsigned char crash[] = {
        0x08, 0x00, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x0a, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x3a,
        0x20, 0x54, 0x0a, 0x2d, 0x2d, 0x2d, 0x54, 0x65, 0x74, 0x20, 0x2a, 0x65, 0x6d, 0x2a,
        0x20, 0x5b, 0x6c, 0x69, 0x6e, 0x6b, 0x5d, 0x28, 0x75, 0x29, 0x20, 0x21, 0x5b, 0x61,
        0x6c, 0x74, 0x5d, 0x28, 0x69, 0x0a, 0x23, 0x20, 0x48, 0x0a, 0x0a, 0x54, 0x65, 0x74,
        0x20, 0x2a, 0x65, 0x6d, 0x2a, 0x20, 0x5b, 0x6c, 0x69, 0x6e, 0x6b, 0x5d, 0x28, 0x75};
    char *heap = malloc(sizeof crash);
    cr_assert_not_null(heap);
    memcpy(heap, crash, sizeof crash);
    qx_extract_status r = qx_extract_markdown(heap, sizeof crash, &F, E, sizeof E);
    cr_expect(IS_STATUS(r));
    cr_expect(strlen(quirei_buf_cstr(&F.body)) == F.body.len);
    free(heap);
}

/* ======================================================================== */
/* Status codes: the indexer counts failures by these, never by the text.    */

QX_TEST(status, extractors_say_no_text_without_looking_at_the_message)
{
    cr_assert_eq(qx_extract_text("  \n", 3, &F, NULL, 0), QX_NO_TEXT);
    cr_assert_eq(qx_extract_html("<p> </p>", 8, &F, NULL, 0), QX_NO_TEXT);
    cr_assert_eq(qx_extract_markdown("<!-- -->\n", 9, &F, NULL, 0), QX_NO_TEXT);
    cr_assert_eq(qx_extract_text("T\nbody", 6, &F, NULL, 0), QX_EXTRACTED);
}

QX_TEST(status, extract_fail_empties_and_reports)
{
    cr_assert_eq(run(qx_extract_text, "Title\nbody"), QX_EXTRACTED);
    cr_assert_eq(qx_extract_fail(&F, E, sizeof E, QX_EXTRACT_NOMEM, "out of memory"),
                 QX_EXTRACT_NOMEM);
    cr_assert_str_eq(E, "out of memory");
    cr_assert_eq(F.title.len, 0);
    cr_assert_eq(F.body.len, 0);
}
