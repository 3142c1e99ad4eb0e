/*
 * test_web_assets.c - the page's embedded files (server/web_assets.c):
 * which paths answer with what, that the page keeps to its own CSP (no
 * inline script or style, every script it loads embedded), its weight, the
 * policy and framing headers, and quire-serve refusing a --frame-ancestors
 * value that would inject into the header. The page's behaviour in a
 * browser is tests/web/page.test.mjs's.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "server_harness.h"
#include "web_assets.h"

Test(web_assets, paths)
{
    const web_asset_t *root = web_asset_for("/");
    cr_assert(root);
    cr_expect_str_eq(root->name, "index.html");
    cr_expect_str_eq(root->type, "text/html; charset=utf-8");
    cr_expect_eq(web_asset_for("/doc/000_b9d2c723326dce3c.txt"), root, "the app routes /doc/ itself");
    cr_expect_eq(web_asset_for("/doc/"), root);
    const web_asset_t *js = web_asset_for("/assets/app.js");
    cr_assert(js);
    cr_expect_str_eq(js->type, "text/javascript; charset=utf-8");
    cr_expect_str_eq(web_asset_for("/assets/style.css")->type, "text/css; charset=utf-8");
    cr_expect_null(web_asset_for("/assets/index.html"), "the page lives at /, once");
    cr_expect_null(web_asset_for("/assets/"));
    cr_expect_null(web_asset_for("/assets/../openapi.json"));
    cr_expect_null(web_asset_for("/assets/app.js/"));
    cr_expect_null(web_asset_for("/index.html"));
    cr_expect_null(web_asset_for("/api/search"));
}

/* Every "/assets/NAME" the page names, and every "./NAME" a script
 * imports, is embedded. */
static void expect_references_embedded(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *p = strstr(text, prefix); p; p = strstr(p + n, prefix)) {
        char path[64] = "/assets/";
        size_t len = strcspn(p + n, "'\"");
        cr_assert_lt(len, sizeof path - 9);
        memcpy(path + 8, p + n, len);
        path[8 + len] = '\0';
        cr_expect(web_asset_for(path), "%s is not embedded", path);
    }
}

Test(web_assets, the_page_keeps_to_its_csp)
{
    const web_asset_t *html = web_asset_for("/");
    cr_assert(html);
    cr_expect_eq(strlen(html->body), html->len, "embedded whole");
    cr_expect_null(strstr(html->body, "<script>"), "no inline script");
    cr_expect_null(strstr(html->body, "style="), "no inline style");
    cr_expect_null(strstr(html->body, "<style"), "no style element");
    cr_expect_null(strstr(html->body, "http://"), "no external resource");
    cr_expect_null(strstr(html->body, "https://"), "no external resource");
    cr_expect(strstr(html->body, "<link rel=\"search\" type=\"application/opensearchdescription+xml\" "
                                 "href=\"/opensearch.xml\""));
    expect_references_embedded(html->body, "\"/assets/");
    size_t total = html->len;
    const char *names[] = {"app.js", "util.js", "results.js", "docview.js", "batch.js", "saved.js",
                           "style.css"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[64];
        snprintf(path, sizeof path, "/assets/%s", names[i]);
        const web_asset_t *a = web_asset_for(path);
        cr_assert(a, "%s", path);
        total += a->len;
        expect_references_embedded(a->body, "from './");
        cr_expect_null(strstr(a->body, "innerHTML"), "%s: index strings go in as text", path);
        cr_expect_null(strstr(a->body, "insertAdjacentHTML"), "%s", path);
        cr_expect_null(strstr(a->body, "eval("), "%s", path);
    }
    cr_expect_lt(total, 150 * 1024, "page and assets: %zu bytes", total);
}

Test(web_assets, policy_and_framing)
{
    char csp[512];
    cr_assert_eq(web_csp(NULL, csp, sizeof csp), 0);
    cr_expect(strstr(csp, "default-src 'self'"));
    cr_expect(strstr(csp, "script-src 'self';"));
    cr_expect(strstr(csp, "frame-ancestors 'none'"));
    cr_expect_null(strstr(csp, "unsafe"));
    cr_expect_str_eq(web_frame_options(NULL), "DENY");
    cr_expect_str_eq(web_frame_options(""), "DENY");
    cr_expect_str_eq(web_frame_options("'self'"), "SAMEORIGIN");
    cr_expect_null(web_frame_options("'self' https://portal.example"));
    cr_assert_eq(web_csp("'self' https://portal.example", csp, sizeof csp), 0);
    cr_expect(strstr(csp, "; frame-ancestors 'self' https://portal.example"));
    cr_expect_eq(web_csp("x", csp, 20), -1, "too small a buffer");
}

Test(web_assets, frame_ancestors_option)
{
    const char *bad[] = {"'self'; script-src *", "https://a.example, https://b.example",
                         "https://a.example\r\nSet-Cookie: x=1", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *argv[] = {QUIRE_BIN_DIR "/quire-serve", "--db", "/nonexistent",
                              "--frame-ancestors", bad[i], NULL};
        cr_expect_eq(qt_run_quiet(argv), 2, "--frame-ancestors '%s' is a usage error", bad[i]);
    }
    const char *help[] = {QUIRE_BIN_DIR "/quire-serve", "--frame-ancestors", "'self'", "--help",
                          NULL};
    cr_expect_eq(qt_run_quiet(help), 0);
}
