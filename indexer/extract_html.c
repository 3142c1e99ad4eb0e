/*
 * extract_html.c - HTML (.html/.htm) extractor built on libxml2's forgiving
 * HTML parser.
 *
 * Two passes over the parsed tree:
 *   1. metadata: <meta>, <link rel=canonical>, <title>, <time datetime>;
 *      every field keeps the best-ranked non-empty candidate seen so far
 *      (lower rank wins, the first one wins among equals);
 *   2. body text: the first <article>, else <main>, else <body>, else the
 *      whole document, skipping page furniture (nav, header, footer, ...)
 *      and non-content elements (script, style, ...). Whitespace is
 *      collapsed; block elements become paragraph breaks.
 *
 * Both passes walk the tree iteratively (parent/next pointers), so deeply
 * nested documents cannot exhaust the stack.
 */
#include "extract.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------ */
/* Element classes. libxml2's HTML parser lower-cases element names.        */

/* Subtrees whose text is never body text. head/title only matter when the
 * whole document is the container (no <body>). */
static const char *const SKIP_BODY[] = {
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside",
    "form", "svg", "button", "iframe", "head", "title", NULL};

/* Subtrees that cannot hold document metadata (an <svg><title> is not the
 * page title). */
static const char *const SKIP_META[] = {"script", "style", "noscript", "template", "svg", NULL};

/* Elements that start and end a paragraph. */
static const char *const BLOCKS[] = {
    "address", "article", "blockquote", "body", "br", "caption", "center", "dd",
    "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hgroup", "hr", "html", "legend", "li", "main",
    "menu", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead",
    "tr", "ul", NULL};

/* Table cells: separated by a space so "<td>a</td><td>b</td>" is not "ab". */
static const char *const CELLS[] = {"td", "th", NULL};

static int name_in(const xmlNode *n, const char *const *list)
{
    for (; *list; list++)
        if (strcmp((const char *)n->name, *list) == 0)
            return 1;
    return 0;
}

static int is_elem(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* ------------------------------------------------------------------------ */
/* Iterative pre-order walk.                                                 */

/* Called for every node under the root; returns non-zero to visit the
 * node's children (leave is then called after them). */
typedef int (*walk_enter_fn)(xmlNode *n, void *ctx);
typedef void (*walk_leave_fn)(xmlNode *n, void *ctx);

static void walk(xmlNode *root, walk_enter_fn enter, walk_leave_fn leave, void *ctx)
{
    xmlNode *n = root->children;
    while (n) {
        if (enter(n, ctx)) {
            if (n->children) {
                n = n->children;
                continue;
            }
            if (leave)
                leave(n, ctx);
        }
        while (!n->next) {
            n = n->parent;
            if (!n || n == root)
                return;
            if (leave)
                leave(n, ctx);
        }
        n = n->next;
    }
}

/* ------------------------------------------------------------------------ */
/* Whitespace-collapsing text sink.                                          */

typedef struct text_sink {
    quirei_buf *out;
    int pending_space; /* whitespace seen since the last word */
    int pending_break; /* block boundary seen since the last word */
    int oom;
} text_sink;

/* Length of the whitespace character at p (0 if none). U+00A0 (&nbsp;)
 * counts: for search it is just a space. */
static size_t space_len(const unsigned char *p, size_t n)
{
    switch (p[0]) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
        return 1;
    case 0xC2:
        return n >= 2 && p[1] == 0xA0 ? 2 : 0;
    default:
        return 0;
    }
}

/* Append text; runs of whitespace become one space, breaks become "\n\n",
 * and nothing is written before the first word. */
static void sink_text(text_sink *s, const char *text, size_t n)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    while (i < n && !s->oom) {
        size_t w = space_len(p + i, n - i);
        if (w) {
            s->pending_space = 1;
            i += w;
            continue;
        }
        size_t start = i;
        while (i < n && !space_len(p + i, n - i))
            i++;
        int r = 0;
        if (s->out->len > 0 && s->pending_break)
            r = quirei_buf_add(s->out, "\n\n", 2);
        else if (s->out->len > 0 && s->pending_space)
            r = quirei_buf_addc(s->out, ' ');
        if (r < 0 || quirei_buf_add(s->out, text + start, i - start) < 0)
            s->oom = 1;
        s->pending_space = s->pending_break = 0;
    }
}

/* ------------------------------------------------------------------------ */
/* Metadata pass.                                                            */

enum { F_TITLE, F_AUTHOR, F_DATE, F_URL, F_COUNT };

struct meta_key {
    const char *key; /* property= or name= value, compared case-insensitively */
    int field;
    int rank;
};

static const struct meta_key META_KEYS[] = {
    {"og:title", F_TITLE, 0},
    {"author", F_AUTHOR, 0},
    {"article:author", F_AUTHOR, 1},
    {"byl", F_AUTHOR, 2},
    {"parsely-author", F_AUTHOR, 3},
    {"dc.creator", F_AUTHOR, 4},
    {"article:published_time", F_DATE, 0},
    {"date", F_DATE, 1},
    {"pubdate", F_DATE, 2},
    {"publishdate", F_DATE, 3},
    {"dc.date", F_DATE, 4},
    {"parsely-pub-date", F_DATE, 5},
    {"og:url", F_URL, 1},
};

/* Ranks of the non-<meta> sources. */
enum { RANK_TITLE_ELEM = 1, RANK_TIME_ELEM = 6, RANK_CANONICAL = 0, RANK_NONE = INT_MAX };

typedef struct meta_ctx {
    quirei_buf *field[F_COUNT];
    int rank[F_COUNT];
    quirei_buf scratch;
    int oom;
} meta_ctx;

/* Offer a candidate value for a field; kept if it outranks the current one
 * and is not empty once whitespace is collapsed. */
static void offer(meta_ctx *m, int field, int rank, const xmlChar *value)
{
    if (!value || rank >= m->rank[field])
        return;
    quirei_buf_reset(&m->scratch);
    text_sink s = {&m->scratch, 0, 0, 0};
    sink_text(&s, (const char *)value, strlen((const char *)value));
    if (s.oom) {
        m->oom = 1;
        return;
    }
    if (m->scratch.len == 0)
        return;
    if (quirei_buf_set(m->field[field], m->scratch.ptr, m->scratch.len) < 0) {
        m->oom = 1;
        return;
    }
    m->rank[field] = rank;
}

static const struct meta_key *find_meta_key(const xmlChar *key)
{
    if (!key)
        return NULL;
    for (size_t i = 0; i < sizeof META_KEYS / sizeof META_KEYS[0]; i++)
        if (strcasecmp((const char *)key, META_KEYS[i].key) == 0)
            return &META_KEYS[i];
    return NULL;
}

static void on_meta(meta_ctx *m, xmlNode *n)
{
    xmlChar *content = xmlGetProp(n, BAD_CAST "content");
    if (!content)
        return;
    /* Sites mix up property= and name=, so both are looked up. */
    static const char *const attrs[] = {"property", "name"};
    for (size_t i = 0; i < 2; i++) {
        xmlChar *key = xmlGetProp(n, BAD_CAST attrs[i]);
        const struct meta_key *k = find_meta_key(key);
        if (k)
            offer(m, k->field, k->rank, content);
        xmlFree(key);
    }
    xmlFree(content);
}

/* Does the space-separated token list `list` contain `token`? */
static int has_token(const char *list, const char *token)
{
    size_t tl = strlen(token);
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
            p++;
        const char *start = p;
        while (*p && !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
            p++;
        if ((size_t)(p - start) == tl && strncasecmp(start, token, tl) == 0)
            return 1;
    }
    return 0;
}

static void on_link(meta_ctx *m, xmlNode *n)
{
    xmlChar *rel = xmlGetProp(n, BAD_CAST "rel");
    if (rel && has_token((const char *)rel, "canonical")) {
        xmlChar *href = xmlGetProp(n, BAD_CAST "href");
        offer(m, F_URL, RANK_CANONICAL, href);
        xmlFree(href);
    }
    xmlFree(rel);
}

static int meta_enter(xmlNode *n, void *ctx)
{
    meta_ctx *m = ctx;
    if (n->type != XML_ELEMENT_NODE || name_in(n, SKIP_META))
        return 0;
    if (is_elem(n, "meta")) {
        on_meta(m, n);
    } else if (is_elem(n, "link")) {
        on_link(m, n);
    } else if (is_elem(n, "title")) {
        if (m->rank[F_TITLE] > RANK_TITLE_ELEM) {
            xmlChar *text = xmlNodeGetContent(n);
            offer(m, F_TITLE, RANK_TITLE_ELEM, text);
            xmlFree(text);
        }
        return 0;
    } else if (is_elem(n, "time")) {
        xmlChar *dt = xmlGetProp(n, BAD_CAST "datetime");
        offer(m, F_DATE, RANK_TIME_ELEM, dt);
        xmlFree(dt);
    }
    return 1;
}

/* Fill title/author/date/url; -1 on OOM. */
static int extract_meta(xmlNode *root, qx_fields *out)
{
    meta_ctx m = {{&out->title, &out->author, &out->date, &out->url},
                  {RANK_NONE, RANK_NONE, RANK_NONE, RANK_NONE},
                  QUIREI_BUF_INIT,
                  0};
    walk(root, meta_enter, NULL, &m);
    quirei_buf_release(&m.scratch);
    return m.oom ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Body pass.                                                                */

typedef struct find_ctx {
    xmlNode *article, *main, *body;
} find_ctx;

static int find_enter(xmlNode *n, void *ctx)
{
    find_ctx *f = ctx;
    if (n->type != XML_ELEMENT_NODE || name_in(n, SKIP_BODY))
        return 0;
    if (!f->article && is_elem(n, "article"))
        f->article = n;
    else if (!f->main && is_elem(n, "main"))
        f->main = n;
    else if (!f->body && is_elem(n, "body"))
        f->body = n;
    return 1;
}

static int body_enter(xmlNode *n, void *ctx)
{
    text_sink *s = ctx;
    switch (n->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        if (n->content)
            sink_text(s, (const char *)n->content, strlen((const char *)n->content));
        return 0;
    case XML_ELEMENT_NODE:
        if (name_in(n, SKIP_BODY))
            return 0;
        if (name_in(n, BLOCKS))
            s->pending_break = 1;
        else if (name_in(n, CELLS))
            s->pending_space = 1;
        return 1;
    default: /* comments, processing instructions, ... */
        return 0;
    }
}

static void body_leave(xmlNode *n, void *ctx)
{
    text_sink *s = ctx;
    if (name_in(n, BLOCKS))
        s->pending_break = 1;
    else if (name_in(n, CELLS))
        s->pending_space = 1;
}

/* Write the text under `root` to out->body; -1 on OOM. */
static int render_body(xmlNode *root, quirei_buf *body)
{
    quirei_buf_reset(body);
    text_sink s = {body, 0, 0, 0};
    walk(root, body_enter, body_leave, &s);
    return s.oom ? -1 : 0;
}

/* Body from the first non-empty container among article, main, body and
 * the root element (an empty placeholder <article> must not hide the page
 * text). */
static int extract_body(xmlNode *root, quirei_buf *body)
{
    if (name_in(root, SKIP_BODY))
        return 0;
    find_ctx f = {NULL, NULL, NULL};
    walk(root, find_enter, NULL, &f);
    xmlNode *cand[] = {f.article, f.main, f.body, root};
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        if (!cand[i])
            continue;
        if (render_body(cand[i], body) < 0)
            return -1;
        if (body->len > 0)
            return 0;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */

/* Is data[i..i+dl) the keyword of a declaration like charset="iso-8859-1"?
 * If so, return 1 with the declared name in *name / *name_len. */
static int declared_encoding(const char *data, size_t n, size_t i, size_t dl,
                             const char **name, size_t *name_len)
{
    size_t j = i + dl;
    while (j < n && (data[j] == ' ' || data[j] == '\t'))
        j++;
    if (j >= n || data[j] != '=')
        return 0;
    j++;
    while (j < n && (data[j] == ' ' || data[j] == '\t' || data[j] == '"' || data[j] == '\''))
        j++;
    size_t k = j;
    while (k < n && (isalnum((unsigned char)data[k]) || strchr("-_.:", data[k])))
        k++;
    *name = data + j;
    *name_len = k - j;
    return 1;
}

/* The encoding to hand to libxml2: "UTF-8" unless the document declares
 * another one (BOM, <meta charset>, XML declaration), in which case NULL
 * lets libxml2 read the declaration itself. A declared UTF-8 is passed
 * explicitly: libxml2 then passes stray invalid bytes through instead of
 * switching the rest of the document to Latin-1. */
static const char *pick_encoding(const char *data, size_t len)
{
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
        return NULL;
    size_t n = len < 4096 ? len : 4096;
    static const char *const decls[] = {"charset", "encoding"};
    for (size_t d = 0; d < 2; d++) {
        size_t dl = strlen(decls[d]);
        for (size_t i = 0; i + dl <= n; i++) {
            const char *name;
            size_t nl;
            if (strncasecmp(data + i, decls[d], dl) != 0 ||
                !declared_encoding(data, n, i, dl, &name, &nl))
                continue;
            if ((nl == 5 && strncasecmp(name, "utf-8", 5) == 0) ||
                (nl == 4 && strncasecmp(name, "utf8", 4) == 0))
                return "UTF-8";
            return NULL;
        }
    }
    return "UTF-8";
}

qx_extract_status qx_extract_html(const char *data, size_t len, qx_fields *out,
                                  char *err, size_t errlen)
{
    qx_fields_reset(out);
    if (!data || len == 0)
        return qx_extract_fail(out, err, errlen, QX_NO_TEXT, "no text content");
    if (len > INT_MAX)
        return qx_extract_fail(out, err, errlen, QX_TOO_LARGE, "file too large");

    htmlDocPtr doc = htmlReadMemory(data, (int)len, NULL, pick_encoding(data, len),
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!doc)
        return qx_extract_fail(out, err, errlen, QX_UNPARSABLE, "cannot parse html");
    xmlNode *root = xmlDocGetRootElement(doc);
    int r = 0;
    if (root)
        r = extract_meta((xmlNode *)doc, out);
    if (r == 0 && root)
        r = extract_body(root, &out->body);
    xmlFreeDoc(doc);

    if (r < 0)
        return qx_extract_fail(out, err, errlen, QX_EXTRACT_NOMEM, "out of memory");
    if (out->body.len == 0)
        return qx_extract_fail(out, err, errlen, QX_NO_TEXT, "no text content");
    return QX_EXTRACTED;
}
