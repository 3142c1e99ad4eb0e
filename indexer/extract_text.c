/*
 * extract_text.c - plain-text (.txt) extractors, plus the qx_fields helpers
 * and qx_extract_fail (shared by all extractors).
 *
 * qx_extract_text reads the file as a scraped article when it has that
 * shape (scrape_clean.c: headline, byline, dateline, author, navigation
 * and notices after the article), and by the plain rule otherwise;
 * qx_extract_text_raw (quire-index --raw-text) always by the plain rule.
 *
 * The plain rule: the first non-empty line (trimmed) is the title; the body
 * is the text after that line with leading blank lines (and the first
 * line's indentation) dropped and trailing whitespace trimmed. Line endings
 * are normalised to "\n" (CRLF and lone CR both count as a line end). A file
 * with a title but no further text uses the title line as its body, so
 * one-line files are still searchable.
 */
#include "extract.h"
#include "scrape_clean.h"

#include <stdio.h>

void qx_fields_init(qx_fields *f)
{
    *f = (qx_fields){QUIREI_BUF_INIT, QUIREI_BUF_INIT, QUIREI_BUF_INIT,
                     QUIREI_BUF_INIT, QUIREI_BUF_INIT};
}

void qx_fields_reset(qx_fields *f)
{
    quirei_buf_reset(&f->title);
    quirei_buf_reset(&f->author);
    quirei_buf_reset(&f->date);
    quirei_buf_reset(&f->url);
    quirei_buf_reset(&f->body);
}

void qx_fields_release(qx_fields *f)
{
    quirei_buf_release(&f->title);
    quirei_buf_release(&f->author);
    quirei_buf_release(&f->date);
    quirei_buf_release(&f->url);
    quirei_buf_release(&f->body);
}

qx_extract_status qx_extract_fail(qx_fields *out, char *err, size_t errlen,
                                  qx_extract_status why, const char *msg)
{
    qx_fields_reset(out);
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    return why;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of the line starting at `p` (excluding its terminator), and via
 * *next the offset just past the terminator ("\n", "\r\n" or "\r"). */
static size_t line_len(const char *p, size_t n, size_t *next)
{
    size_t i = 0;
    while (i < n && p[i] != '\n' && p[i] != '\r')
        i++;
    size_t j = i;
    if (j < n && p[j] == '\r') {
        j++;
        if (j < n && p[j] == '\n')
            j++;
    } else if (j < n) {
        j++; /* '\n' */
    }
    *next = j;
    return i;
}

static int is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(p[i]))
            return 0;
    return 1;
}

/* Append `p[0..n)` converting CRLF and lone CR to "\n". */
static int add_normalised(quirei_buf *b, const char *p, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\r')
            continue;
        if (quirei_buf_add(b, p + start, i - start) < 0 || quirei_buf_addc(b, '\n') < 0)
            return -1;
        if (i + 1 < n && p[i + 1] == '\n')
            i++;
        start = i + 1;
    }
    return quirei_buf_add(b, p + start, n - start);
}

/* A UTF-8 byte-order mark would otherwise become part of the title. */
static void skip_bom(const char **data, size_t *len)
{
    if (!*data)
        *len = 0;
    if (*len >= 3 && (unsigned char)(*data)[0] == 0xEF && (unsigned char)(*data)[1] == 0xBB &&
        (unsigned char)(*data)[2] == 0xBF) {
        *data += 3;
        *len -= 3;
    }
}

qx_extract_status qx_extract_text_raw(const char *data, size_t len, qx_fields *out,
                                      char *err, size_t errlen)
{
    qx_fields_reset(out);
    skip_bom(&data, &len);

    /* Find the title: the first line with non-space content. */
    size_t pos = 0, next = 0, n = 0;
    for (;;) {
        if (pos >= len)
            return qx_extract_fail(out, err, errlen, QX_NO_TEXT, "empty file");
        n = line_len(data + pos, len - pos, &next);
        if (!is_blank(data + pos, n))
            break;
        pos += next;
    }
    const char *t = data + pos;
    while (n > 0 && is_space(*t)) {
        t++;
        n--;
    }
    while (n > 0 && is_space(t[n - 1]))
        n--;
    if (quirei_buf_add(&out->title, t, n) < 0)
        return qx_extract_fail(out, err, errlen, QX_EXTRACT_NOMEM, "out of memory");
    pos += next;

    /* Skip blank lines before the body, and the indentation of its first
     * line, so the body never starts with whitespace (like the other
     * extractors' bodies). */
    while (pos < len && is_space(data[pos]))
        pos++;
    if (add_normalised(&out->body, data + pos, len - pos) < 0)
        return qx_extract_fail(out, err, errlen, QX_EXTRACT_NOMEM, "out of memory");
    quirei_buf_rtrim(&out->body);
    if (out->body.len == 0 &&
        quirei_buf_set(&out->body, out->title.ptr, out->title.len) < 0)
        return qx_extract_fail(out, err, errlen, QX_EXTRACT_NOMEM, "out of memory");
    return QX_EXTRACTED;
}

qx_extract_status qx_extract_text(const char *data, size_t len, qx_fields *out, char *err,
                                  size_t errlen)
{
    qx_fields_reset(out);
    skip_bom(&data, &len);
    quirei_buf text = QUIREI_BUF_INIT;
    qx_scrape_result r = add_normalised(&text, data, len) < 0
                             ? QX_SCRAPE_NOMEM
                             : qx_scrape_read(text.ptr, text.len, out);
    quirei_buf_release(&text);
    if (r == QX_SCRAPE_NOMEM)
        return qx_extract_fail(out, err, errlen, QX_EXTRACT_NOMEM, "out of memory");
    if (r == QX_SCRAPE_DONE)
        return QX_EXTRACTED;
    return qx_extract_text_raw(data, len, out, err, errlen);
}
