/*
 * extract_markdown.c - Markdown (.md) extractor built on md4c (GitHub
 * dialect).
 *
 * Optional YAML front matter ("---" ... "---" at the very start) supplies
 * title/author/date/url and is not body text. Without a front-matter title
 * the first level-1 heading (else the first heading) is the title; headings
 * stay in the body. The body is the rendered plain text: markup dropped,
 * link text and image alt text kept, raw HTML dropped, entities decoded,
 * every block a paragraph separated by one blank line.
 */
#include "extract.h"
#include "utf8.h"

#include <md4c.h>

#include <limits.h>
#include <string.h>
#include <strings.h>

static int is_blank_char(char c)
{
    return c == ' ' || c == '\t';
}

/* Horizontal whitespace in rendered text. */
static int is_hspace(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/* ------------------------------------------------------------------------ */
/* Front matter.                                                             */

/* Length of the line at p without its "\n" / "\r\n"; *next is the offset
 * just past the line terminator. */
static size_t line_at(const char *p, size_t n, size_t *next)
{
    const char *nl = memchr(p, '\n', n);
    size_t len = nl ? (size_t)(nl - p) : n;
    *next = nl ? len + 1 : n;
    if (len > 0 && p[len - 1] == '\r')
        len--;
    return len;
}

/* A front-matter delimiter: "---" (or "..." to close), trailing blanks ok. */
static int is_delimiter(const char *p, size_t n, int closing)
{
    if (n < 3 || !(memcmp(p, "---", 3) == 0 || (closing && memcmp(p, "...", 3) == 0)))
        return 0;
    for (size_t i = 3; i < n; i++)
        if (!is_blank_char(p[i]))
            return 0;
    return 1;
}

/* The field a front-matter key fills, or NULL. */
static quirei_buf *fm_field(qx_fields *out, const char *key, size_t n)
{
    static const char *const keys[] = {"title", "author", "date", "url"};
    quirei_buf *fields[] = {&out->title, &out->author, &out->date, &out->url};
    for (size_t i = 0; i < 4; i++)
        if (strlen(keys[i]) == n && strncasecmp(key, keys[i], n) == 0)
            return fields[i];
    return NULL;
}

/* Parse one "key: value" line; -1 on OOM. Only the simple scalar forms are
 * understood: plain, 'single' or "double" quoted (quotes stripped). */
static int fm_line(const char *p, size_t n, qx_fields *out)
{
    if (n == 0 || is_blank_char(p[0])) /* nested or continuation line */
        return 0;
    const char *colon = memchr(p, ':', n);
    if (!colon)
        return 0;
    size_t klen = (size_t)(colon - p);
    while (klen > 0 && is_blank_char(p[klen - 1]))
        klen--;
    quirei_buf *field = fm_field(out, p, klen);
    if (!field)
        return 0;

    const char *v = colon + 1, *end = p + n;
    if (v < end && !is_blank_char(*v)) /* "key:value" is not a mapping */
        return 0;
    while (v < end && is_blank_char(*v))
        v++;
    while (end > v && is_blank_char(end[-1]))
        end--;
    size_t vlen = (size_t)(end - v);
    if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') && v[vlen - 1] == v[0]) {
        v++;
        vlen -= 2;
    } else if (vlen > 0 && (v[0] == '|' || v[0] == '>')) {
        return 0; /* block scalar: value on the following lines, unsupported */
    } else {
        /* A plain scalar ends at a " #" comment. */
        for (size_t i = 0; i + 1 < vlen; i++)
            if (is_blank_char(v[i]) && v[i + 1] == '#') {
                vlen = i;
                break;
            }
        while (vlen > 0 && is_blank_char(v[vlen - 1]))
            vlen--;
    }
    if (vlen == 0)
        return 0;
    return quirei_buf_set(field, v, vlen);
}

/* Could this line belong to a YAML mapping? Blank, indented (nested or
 * continued value), comment, list item or "key: value". Used to tell front
 * matter from a document that merely starts with a thematic break. */
static int yaml_like(const char *p, size_t n)
{
    if (n == 0 || is_blank_char(p[0]) || p[0] == '#' || p[0] == '-')
        return 1;
    return memchr(p, ':', n) != NULL;
}

/* If the input starts with front matter, fill fields from it and set
 * *body_start past it (else 0). -1 on OOM. */
static int front_matter(const char *data, size_t len, qx_fields *out, size_t *body_start)
{
    *body_start = 0;
    size_t next, first_next;
    size_t n = line_at(data, len, &first_next);
    if (!is_delimiter(data, n, 0) || first_next == len)
        return 0;
    /* Find the closing delimiter first: without one, or with lines that
     * cannot be YAML before it, this is not front matter (it is a thematic
     * break) and no field may be touched. */
    size_t pos = first_next, close = 0, after = 0;
    while (pos < len) {
        n = line_at(data + pos, len - pos, &next);
        if (is_delimiter(data + pos, n, 1)) {
            close = pos;
            after = pos + next;
            break;
        }
        if (!yaml_like(data + pos, n))
            return 0;
        pos += next;
    }
    if (!after)
        return 0;
    for (pos = first_next; pos < close;) {
        n = line_at(data + pos, close - pos, &next);
        if (fm_line(data + pos, n, out) < 0)
            return -1;
        pos += next;
    }
    *body_start = after;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Entities.                                                                 */

/* "&#123;" / "&#x1F;" -> its code point, or -1 if malformed. Invalid code
 * points (NUL, surrogates, past U+10FFFF) become U+FFFD, as CommonMark
 * says. */
static long numeric_code_point(const char *e, size_t n)
{
    size_t i = 2;
    int base = 10;
    if (i < n && (e[i] == 'x' || e[i] == 'X')) {
        base = 16;
        i++;
    }
    if (i >= n - 1)
        return -1;
    unsigned long cp = 0;
    for (; i < n - 1; i++) {
        char c = e[i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        cp = cp * (unsigned long)base + (unsigned long)d;
        if (cp > 0x10FFFF)
            cp = 0x110000; /* saturate: still invalid, never overflows */
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    return (long)cp;
}

/* Decode an entity ("&amp;", "&#65;", ...) into `out` (emptied first).
 * Returns 1 when decoded, 0 for an unknown or malformed entity (kept as
 * is), -1 on OOM. */
static int decode_entity(const char *e, size_t n, quirei_buf *out)
{
    static const struct {
        const char *name, *text;
    } named[] = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"},
        {"nbsp", " "}, {"copy", "\xC2\xA9"}, {"reg", "\xC2\xAE"},
        {"trade", "\xE2\x84\xA2"}, {"hellip", "\xE2\x80\xA6"},
        {"mdash", "\xE2\x80\x94"}, {"ndash", "\xE2\x80\x93"},
        {"lsquo", "\xE2\x80\x98"}, {"rsquo", "\xE2\x80\x99"},
        {"ldquo", "\xE2\x80\x9C"}, {"rdquo", "\xE2\x80\x9D"},
        {"laquo", "\xC2\xAB"}, {"raquo", "\xC2\xBB"}, {"middot", "\xC2\xB7"},
        {"bull", "\xE2\x80\xA2"}, {"deg", "\xC2\xB0"}, {"times", "\xC3\x97"},
        {"euro", "\xE2\x82\xAC"}, {"shy", ""},
    };
    quirei_buf_reset(out);
    if (n < 3 || e[0] != '&' || e[n - 1] != ';')
        return 0;
    if (e[1] == '#') {
        long cp = numeric_code_point(e, n);
        if (cp < 0)
            return 0;
        return quirei_utf8_put(out, (int32_t)cp) < 0 ? -1 : 1;
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t l = strlen(named[i].name);
        if (l == n - 2 && memcmp(e + 1, named[i].name, l) == 0)
            return quirei_buf_adds(out, named[i].text) < 0 ? -1 : 1; /* "" for &shy; */
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Rendering.                                                                */

typedef struct md_ctx {
    quirei_buf *body;
    int pending_break;   /* a block boundary since the last text */
    int heading_level;   /* level of the heading being rendered, 0 outside */
    quirei_buf heading;  /* raw text of that heading */
    quirei_buf title_h1; /* first level-1 heading, whitespace collapsed */
    quirei_buf title_any;/* first heading of any level */
    quirei_buf entity;   /* scratch: the text of the last decoded entity */
    int oom;
} md_ctx;

static void add(md_ctx *c, quirei_buf *b, const char *p, size_t n)
{
    if (!c->oom && quirei_buf_add(b, p, n) < 0)
        c->oom = 1;
}

/* Nothing but whitespace written since the last block boundary? */
static int at_block_start(const md_ctx *c)
{
    return c->body->len == 0 || c->pending_break;
}

static void body_newline(md_ctx *c)
{
    quirei_buf *b = c->body;
    if (at_block_start(c))
        return;
    size_t n = b->len;
    while (n > 0 && is_hspace(b->ptr[n - 1])) /* no trailing blanks on a line */
        n--;
    quirei_buf_truncate(b, n);
    if (n >= 2 && b->ptr[n - 1] == '\n' && b->ptr[n - 2] == '\n')
        return; /* at most one blank line in a row */
    add(c, b, "\n", 1);
}

/* Append rendered text to the body: blank-line separator written lazily
 * before the first non-space of a block, so there are never leading,
 * trailing or doubled blank lines. */
static void body_put(md_ctx *c, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && !c->oom) {
        char ch = p[i];
        if (ch == '\r') { /* only ever part of a line ending */
            i++;
        } else if (ch == '\n') {
            body_newline(c);
            i++;
        } else if (is_hspace(ch)) {
            if (!at_block_start(c))
                add(c, c->body, &ch, 1);
            i++;
        } else {
            size_t s = i;
            while (i < n && p[i] != '\r' && p[i] != '\n' && !is_hspace(p[i]))
                i++;
            if (c->pending_break) {
                quirei_buf_rtrim(c->body);
                if (c->body->len > 0)
                    add(c, c->body, "\n\n", 2);
            }
            c->pending_break = 0;
            add(c, c->body, p + s, i - s);
        }
    }
}

/* Append p to dst with whitespace runs collapsed to one space, trimmed. */
static void add_collapsed(md_ctx *c, quirei_buf *dst, const char *p, size_t n)
{
    int space = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (is_hspace(ch) || ch == '\n' || ch == '\r') {
            space = 1;
            continue;
        }
        if (space && dst->len > 0)
            add(c, dst, " ", 1);
        space = 0;
        add(c, dst, &ch, 1);
    }
}

static void finish_heading(md_ctx *c)
{
    int level = c->heading_level;
    c->heading_level = 0;
    if (c->title_h1.len > 0)
        return; /* nothing can replace a level-1 title */
    quirei_buf *dst = level == 1 ? &c->title_h1 : &c->title_any;
    if (dst->len > 0)
        return;
    add_collapsed(c, dst, c->heading.ptr ? c->heading.ptr : "", c->heading.len);
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    md_ctx *c = ud;
    switch (type) {
    case MD_BLOCK_DOC:
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        body_put(c, " ", 1); /* cell separator; dropped at row start */
        break;
    case MD_BLOCK_H:
        c->heading_level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
        quirei_buf_reset(&c->heading);
        c->pending_break = 1;
        break;
    default:
        c->pending_break = 1;
        break;
    }
    return c->oom ? -1 : 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    md_ctx *c = ud;
    (void)detail;
    if (type == MD_BLOCK_H)
        finish_heading(c);
    if (type != MD_BLOCK_TH && type != MD_BLOCK_TD)
        c->pending_break = 1;
    return c->oom ? -1 : 0;
}

static int span_noop(MD_SPANTYPE type, void *detail, void *ud)
{
    (void)type;
    (void)detail;
    (void)ud;
    return 0; /* spans only change styling; their text arrives via on_text */
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    md_ctx *c = ud;
    const char *p = text;
    size_t n = size;
    switch (type) {
    case MD_TEXT_HTML:
        return 0;
    case MD_TEXT_SOFTBR:
        p = " ";
        n = 1;
        break;
    case MD_TEXT_BR:
        p = "\n";
        n = 1;
        break;
    case MD_TEXT_NULLCHAR:
        p = "\xEF\xBF\xBD";
        n = 3;
        break;
    case MD_TEXT_ENTITY: {
        int r = decode_entity(text, size, &c->entity);
        if (r < 0) {
            c->oom = 1;
            return -1;
        }
        if (r > 0) {
            p = quirei_buf_cstr(&c->entity);
            n = c->entity.len;
        }
        break;
    }
    default: /* normal text, code, LaTeX math */
        break;
    }
    body_put(c, p, n);
    if (c->heading_level)
        add(c, &c->heading, p, n);
    return c->oom ? -1 : 0;
}

/* Render `data` into out->body and heading titles; -1 OOM, -2 md4c error. */
static int render(const char *data, size_t len, qx_fields *out)
{
    md_ctx c = {.body = &out->body}; /* the rest zero: empty buffers, no heading */
    MD_PARSER parser = {0, MD_DIALECT_GITHUB, enter_block, leave_block, span_noop,
                        span_noop, on_text, NULL, NULL};
    /* md4c 0.4.8 was seen (by fuzz/fuzz_markdown, not reproducibly) to hand
     * on_text a span reaching one byte past the end of an input that ends
     * inside an unterminated link. Parse a copy with newlines after the
     * end, so such a read stays in bounds and reads only a line break. */
    quirei_buf copy = QUIREI_BUF_INIT;
    if (quirei_buf_add(&copy, data, len) < 0 || quirei_buf_add(&copy, "\n\n\n\n\n\n\n\n", 8) < 0) {
        quirei_buf_release(&copy);
        return -1;
    }
    int r = md_parse(copy.ptr, (MD_SIZE)len, &parser, &c);
    quirei_buf_release(&copy);
    quirei_buf_rtrim(&out->body);
    if (!c.oom && r == 0 && out->title.len == 0) {
        quirei_buf *t = c.title_h1.len ? &c.title_h1 : &c.title_any;
        if (t->len && quirei_buf_set(&out->title, t->ptr, t->len) < 0)
            c.oom = 1;
    }
    quirei_buf_release(&c.heading);
    quirei_buf_release(&c.title_h1);
    quirei_buf_release(&c.title_any);
    quirei_buf_release(&c.entity);
    return c.oom ? -1 : r != 0 ? -2 : 0;
}

qx_extract_status qx_extract_markdown(const char *data, size_t len, qx_fields *out,
                                      char *err, size_t errlen)
{
    qx_fields_reset(out);
    if (!data)
        len = 0;
    /* A byte-order mark would hide a leading "---" or "# Title". */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    size_t start = 0;
    if (len > 0 && front_matter(data, len, out, &start) < 0)
        return qx_extract_fail(out, err, errlen, QX_EXTRACT_NOMEM, "out of memory");
    if (len - start > UINT_MAX)
        return qx_extract_fail(out, err, errlen, QX_TOO_LARGE, "file too large");

    int r = len > start ? render(data + start, len - start, out) : 0;
    if (r == -1)
        return qx_extract_fail(out, err, errlen, QX_EXTRACT_NOMEM, "out of memory");
    if (r < 0)
        return qx_extract_fail(out, err, errlen, QX_UNPARSABLE, "cannot parse markdown");
    if (out->body.len == 0)
        return qx_extract_fail(out, err, errlen, QX_NO_TEXT, "no text content");
    return QX_EXTRACTED;
}
