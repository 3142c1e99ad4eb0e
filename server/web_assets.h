/*
 * web_assets.h - the journalist's page (server/web/), embedded in
 * quire-serve at build time (server/embed.cmake), so there is no build
 * step to run it and no file to install.
 *
 * The page is one app: "/" and every "/doc/{id}" answer with the same
 * index.html (the app reads the path and fetches /api/doc/{id} itself);
 * "/assets/NAME" answers with the named script or style sheet. Nothing
 * here reads the file system: an unknown NAME is simply not found.
 */
#ifndef QUIRE_SERVE_WEB_ASSETS_H
#define QUIRE_SERVE_WEB_ASSETS_H

#include <stddef.h>

typedef struct web_asset {
    const char *name; /* "index.html", "app.js", ... */
    const char *type; /* Content-Type */
    const char *body; /* static; never freed */
    size_t len;
} web_asset_t;

/* The asset a GET of path answers with, or NULL when path is none of the
 * page's ("/", "/doc/...", "/assets/NAME"). */
const web_asset_t *web_asset_for(const char *path);

/* The Content-Security-Policy of every answer: only this server's own
 * scripts, styles, images and connections, no inline script or style, and
 * framing by frame_ancestors (a CSP source list such as "'self'
 * https://portal.example"; NULL or "" = "'none'"). Written into out
 * (NUL-terminated); returns 0, or -1 when it does not fit. */
int web_csp(const char *frame_ancestors, char *out, size_t size);

/* The X-Frame-Options value that agrees with frame_ancestors, for
 * browsers that ignore CSP's frame-ancestors: "DENY" for none,
 * "SAMEORIGIN" for exactly 'self', else NULL (the header cannot name
 * other origins: CSP alone decides). */
const char *web_frame_options(const char *frame_ancestors);

#endif
