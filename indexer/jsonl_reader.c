/* jsonl_reader.c - JSON Lines / gzip record reader; see jsonl_reader.h. */
#include "jsonl_reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "strbuf.h"

#define CHUNK (256 * 1024)

struct qx_jsonl {
    gzFile gz;
    quirei_buf buf;    /* bytes read but not yet consumed */
    size_t start;      /* start of the next line in buf */
    int eof;
    unsigned long line;
    json_t *holder;    /* owns the strings of the last record */
};

/* Set doc's fields from the object o; QX_RECORD_OK or the first bad field. */
static qx_record_status fill_fields(json_t *o, quire_doc_t *doc, char *err, size_t errlen)
{
    for (quire_field_t f = 0; f < QUIRE_FIELD_COUNT; f++) {
        const char *name = quire_field_name(f);
        json_t *v = json_object_get(o, name);
        if (!v || json_is_null(v))
            continue;
        if (!json_is_string(v)) {
            snprintf(err, errlen, "field \"%s\" is not a string", name);
            return QX_RECORD_NOT_STRING;
        }
        /* Strings holding NUL cannot be passed on as C strings. */
        if (strlen(json_string_value(v)) != json_string_length(v)) {
            snprintf(err, errlen, "field \"%s\" contains a NUL character", name);
            return QX_RECORD_NUL_IN_FIELD;
        }
        quire_doc_set(doc, f, json_string_value(v));
    }
    const char *missing = !doc->id || !*doc->id ? "id" : !doc->body ? "body" : NULL;
    if (!missing && doc->body[strspn(doc->body, " \t\r\n")] == '\0')
        missing = "body text";
    if (missing) {
        snprintf(err, errlen, "record has no \"%s\"", missing);
        return QX_RECORD_MISSING_FIELD;
    }
    return QX_RECORD_OK;
}

qx_record_status qx_jsonl_parse_line(const char *line, size_t len, json_t **holder,
                                     quire_doc_t *doc, char *err, size_t errlen)
{
    *holder = NULL;
    memset(doc, 0, sizeof *doc);
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        snprintf(err, errlen, "invalid JSON at column %d: %s", je.column, je.text);
        return QX_RECORD_INVALID_JSON;
    }
    qx_record_status st = QX_RECORD_NOT_OBJECT;
    if (!json_is_object(o))
        snprintf(err, errlen, "record is not a JSON object");
    else
        st = fill_fields(o, doc, err, errlen);
    if (st != QX_RECORD_OK) {
        memset(doc, 0, sizeof *doc); /* its strings die with o */
        json_decref(o);
        return st;
    }
    *holder = o;
    return QX_RECORD_OK;
}

qx_jsonl *qx_jsonl_open(const char *path, char *err, size_t errlen)
{
    qx_jsonl *j = calloc(1, sizeof *j);
    if (!j) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    errno = 0;
    j->gz = gzopen(path, "rb");
    if (!j->gz) {
        snprintf(err, errlen, "cannot open: %s", errno ? strerror(errno) : "out of memory");
        free(j);
        return NULL;
    }
    gzbuffer(j->gz, CHUNK);
    return j;
}

/* Read more input into j->buf; 1 if bytes were added, 0 at EOF, -1 on error. */
static int fill(qx_jsonl *j, char *err, size_t errlen)
{
    if (j->eof)
        return 0;
    /* Drop consumed bytes first so the buffer holds at most one partial
     * line plus one chunk. */
    if (j->start > 0) {
        memmove(j->buf.ptr, j->buf.ptr + j->start, j->buf.len - j->start);
        quirei_buf_truncate(&j->buf, j->buf.len - j->start);
        j->start = 0;
    }
    if (quirei_buf_grow(&j->buf, CHUNK) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int n = gzread(j->gz, j->buf.ptr + j->buf.len, CHUNK);
    if (n > 0) {
        /* Data first: on a truncated stream zlib hands over what it could
         * decode and reports the error on the next read. */
        j->buf.len += (size_t)n;
        j->buf.ptr[j->buf.len] = '\0';
        return 1;
    }
    int zerr = Z_OK;
    const char *msg = gzerror(j->gz, &zerr);
    if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
        if (zerr == Z_BUF_ERROR)
            snprintf(err, errlen, "truncated gzip data after line %lu", j->line);
        else if (zerr == Z_ERRNO)
            snprintf(err, errlen, "read error after line %lu: %s", j->line, strerror(errno));
        else
            snprintf(err, errlen, "corrupt gzip data after line %lu: %s", j->line, msg);
        return -1;
    }
    j->eof = 1;
    return 0;
}

qx_jsonl_result qx_jsonl_next(qx_jsonl *j, quire_doc_t *doc, qx_record_status *why, char *err,
                              size_t errlen)
{
    if (why)
        *why = QX_RECORD_OK;
    json_decref(j->holder);
    j->holder = NULL;
    for (;;) {
        char *line = j->buf.ptr ? j->buf.ptr + j->start : NULL;
        size_t avail = j->buf.len - j->start;
        char *nl = line ? memchr(line, '\n', avail) : NULL;
        size_t len;
        if (nl) {
            len = (size_t)(nl - line);
        } else {
            int r = fill(j, err, errlen);
            if (r < 0)
                return QX_JSONL_FATAL;
            if (r > 0)
                continue;
            if (avail == 0)
                return QX_JSONL_EOF;
            len = avail; /* last line without a newline */
        }
        j->start += len + (nl ? 1 : 0);
        j->line++;
        if (len > 0 && line[len - 1] == '\r')
            len--;
        if (strspn(line, " \t") >= len)
            continue; /* blank lines are allowed */
        qx_record_status st = qx_jsonl_parse_line(line, len, &j->holder, doc, err, errlen);
        if (st != QX_RECORD_OK) {
            if (why)
                *why = st;
            return QX_JSONL_BAD_RECORD;
        }
        return QX_JSONL_RECORD;
    }
}

unsigned long qx_jsonl_line(const qx_jsonl *j)
{
    return j->line;
}

uint64_t qx_jsonl_offset(qx_jsonl *j)
{
    long off = gzoffset(j->gz);
    return off > 0 ? (uint64_t)off : 0;
}

void qx_jsonl_close(qx_jsonl *j)
{
    if (!j)
        return;
    json_decref(j->holder);
    gzclose(j->gz);
    quirei_buf_release(&j->buf);
    free(j);
}
