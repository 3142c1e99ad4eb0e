/*
 * web_assets.c - the page's files, embedded (see web_assets.h).
 */
#include "web_assets.h"

#include <stdio.h>
#include <string.h>

static const char index_html[] =
#include "web/index.html.inc"
    ;
static const char style_css[] =
#include "web/style.css.inc"
    ;
static const char app_js[] =
#include "web/app.js.inc"
    ;
static const char util_js[] =
#include "web/util.js.inc"
    ;
static const char results_js[] =
#include "web/results.js.inc"
    ;
static const char docview_js[] =
#include "web/docview.js.inc"
    ;
static const char batch_js[] =
#include "web/batch.js.inc"
    ;
static const char saved_js[] =
#include "web/saved.js.inc"
    ;

#define HTML "text/html; charset=utf-8"
#define JS "text/javascript; charset=utf-8"
#define CSS "text/css; charset=utf-8"
#define ASSET(name, type, arr) {name, type, arr, sizeof arr - 1}

static const web_asset_t assets[] = {
    ASSET("index.html", HTML, index_html), ASSET("style.css", CSS, style_css),
    ASSET("app.js", JS, app_js),           ASSET("util.js", JS, util_js),
    ASSET("results.js", JS, results_js),
    ASSET("docview.js", JS, docview_js),   ASSET("batch.js", JS, batch_js),
    ASSET("saved.js", JS, saved_js),
};

static const web_asset_t *asset_named(const char *name)
{
    for (size_t i = 0; i < sizeof assets / sizeof *assets; i++)
        if (strcmp(assets[i].name, name) == 0)
            return &assets[i];
    return NULL;
}

const web_asset_t *web_asset_for(const char *path)
{
    /* The app routes "/" and "/doc/{id}" itself (history.pushState), so a
     * reload or a shared link of either gets the same page. */
    if (strcmp(path, "/") == 0 || strncmp(path, "/doc/", 5) == 0)
        return &assets[0];
    if (strncmp(path, "/assets/", 8) == 0 && strcmp(path + 8, "index.html") != 0)
        return asset_named(path + 8);
    return NULL;
}

static const char *ancestors_or_none(const char *frame_ancestors)
{
    return frame_ancestors && *frame_ancestors ? frame_ancestors : "'none'";
}

int web_csp(const char *frame_ancestors, char *out, size_t size)
{
    int n = snprintf(out, size,
                     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' "
                     "data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                     "form-action 'self'; frame-ancestors %s",
                     ancestors_or_none(frame_ancestors));
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

const char *web_frame_options(const char *frame_ancestors)
{
    const char *fa = ancestors_or_none(frame_ancestors);
    if (strcmp(fa, "'none'") == 0)
        return "DENY";
    if (strcmp(fa, "'self'") == 0)
        return "SAMEORIGIN";
    return NULL;
}
