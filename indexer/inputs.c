/* inputs.c - walk INPUT arguments, read each file by type, feed the writer. */
#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "extract.h"
#include "formats.h"
#include "jsonl_reader.h"
#include "strbuf.h"

const char *const qi_reason_names[QI_REASON_COUNT] = {
    [QI_UNREADABLE] = "unreadable",       [QI_EMPTY] = "empty",
    [QI_BINARY] = "binary",               [QI_BAD_JSON] = "invalid JSON",
    [QI_MISSING] = "missing id or body",  [QI_TRUNCATED] = "truncated or corrupt gzip",
    [QI_UNSUPPORTED] = "unsupported type", [QI_REJECTED] = "rejected",
    [QI_UNKNOWN_ID] = "unknown id",
};

#define MAX_FILE_BYTES (256u * 1024 * 1024) /* larger single articles are not articles */

static void report(qi_run *run, qi_reason why, const char *path, unsigned long line,
                   const char *msg)
{
    run->skipped[why]++;
    if (line)
        fprintf(run->log, "%s:%lu: %s\n", path, line, msg);
    else
        fprintf(run->log, "%s: %s\n", path, msg);
}

/* How the summary counts a line the JSON Lines reader rejected. */
static qi_reason record_reason(qx_record_status st)
{
    switch (st) {
    case QX_RECORD_MISSING_FIELD:
        return QI_MISSING;
    case QX_RECORD_OK: /* not a rejection; listed so -Wswitch sees every status */
    case QX_RECORD_INVALID_JSON:
    case QX_RECORD_NOT_OBJECT:
    case QX_RECORD_NOT_STRING:
    case QX_RECORD_NUL_IN_FIELD:
    case QX_RECORD_STATUS_COUNT:
        break;
    }
    return QI_BAD_JSON;
}

/* How the summary counts a file an extractor rejected: out of memory means
 * the file could not be read; anything else, that it had no text to index. */
static qi_reason extract_reason(qx_extract_status st)
{
    switch (st) {
    case QX_EXTRACT_NOMEM:
        return QI_UNREADABLE;
    case QX_EXTRACTED: /* not a rejection; listed so -Wswitch sees every status */
    case QX_NO_TEXT:
    case QX_UNPARSABLE:
    case QX_TOO_LARGE:
    case QX_EXTRACT_STATUS_COUNT:
        break;
    }
    return QI_EMPTY;
}

/* A failure that stops the run (the writer failed for good, or memory ran
 * out): report it as "quire-index: STATUS: DETAIL" and record it in
 * run->fatal. Always returns -1. */
static int stop_run(qi_run *run, quire_status_t st, const char *detail)
{
    run->fatal = st;
    fprintf(run->log, "quire-index: %s: %s\n", quire_strerror(st), detail);
    return -1;
}

/* Out of memory while walking the inputs: what lies below `path` could not
 * be listed or named, so the run stops instead of losing files silently. */
static int out_of_memory(qi_run *run, const char *path)
{
    return stop_run(run, QUIRE_ENOMEM, path);
}

/* A date the writer will drop (quire_date_normalize refuses it, and the
 * writer counts it) is reported where it was read; the document is
 * indexed without it. */
static void check_date(qi_run *run, const char *date, const char *path, unsigned long line)
{
    char out[QUIRE_DATE_MAX], why[128];
    if (!date || quire_date_normalize(date, out, why, sizeof why) == QUIRE_OK)
        return;
    if (line)
        fprintf(run->log, "%s:%lu: bad date '%.80s': %s; indexed without a date\n", path, line,
                date, why);
    else
        fprintf(run->log, "%s: bad date '%.80s': %s; indexed without a date\n", path, date,
                why);
}

/* Hand one document to the writer; 0, or -1 when the writer failed for good. */
static int add_doc(qi_run *run, const quire_doc_t *doc, const char *path, unsigned long line)
{
    check_date(run, doc->date, path, line);
    quire_status_t st = quire_writer_add(run->writer, doc);
    if (st == QUIRE_EINVAL) {
        report(run, QI_REJECTED, path, line, quire_writer_detail(run->writer));
        return 0;
    }
    if (st != QUIRE_OK)
        return stop_run(run, st, quire_writer_detail(run->writer));
    run->docs++;
    if (run->progress)
        run->progress(run);
    return 0;
}

static int index_jsonl(qi_run *run, const char *path, uint64_t size)
{
    char err[256];
    qx_jsonl *j = qx_jsonl_open(path, err, sizeof err);
    if (!j) {
        report(run, QI_UNREADABLE, path, 0, err);
        return 0;
    }
    uint64_t base = run->bytes_done;
    int rc = 0, any = 0;
    while (!*run->stop) {
        quire_doc_t doc;
        qx_record_status why;
        qx_jsonl_result r = qx_jsonl_next(j, &doc, &why, err, sizeof err);
        if (r == QX_JSONL_EOF)
            break;
        if (r == QX_JSONL_FATAL) {
            report(run, QI_TRUNCATED, path, qx_jsonl_line(j) + 1, err);
            any = 1;
            break;
        }
        any = 1;
        if (r == QX_JSONL_BAD_RECORD) {
            report(run, record_reason(why), path, qx_jsonl_line(j), err);
            continue;
        }
        run->bytes_done = base + qx_jsonl_offset(j);
        if (add_doc(run, &doc, path, qx_jsonl_line(j)) < 0) {
            rc = -1;
            break;
        }
    }
    if (!any && !*run->stop)
        report(run, QI_EMPTY, path, 0, "empty file");
    run->bytes_done = base + size;
    qx_jsonl_close(j);
    return rc;
}

static int read_file(const char *path, quirei_buf *out, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    for (;;) {
        if (out->len > MAX_FILE_BYTES) {
            snprintf(err, errlen, "larger than %u MB", MAX_FILE_BYTES >> 20);
            close(fd);
            return -1;
        }
        if (quirei_buf_grow(out, 65536) < 0) {
            snprintf(err, errlen, "out of memory");
            close(fd);
            return -1;
        }
        ssize_t n = read(fd, out->ptr + out->len, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "read error: %s", strerror(errno));
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->ptr[out->len] = '\0';
    }
    close(fd);
    return 0;
}

static int index_document_file(qi_run *run, const char *path, const char *id,
                               qx_extract_fn extract, uint64_t size)
{
    quirei_buf data = QUIREI_BUF_INIT;
    char err[256];
    int rc = 0;
    qx_fields f;
    qx_fields_init(&f);
    if (read_file(path, &data, err, sizeof err) < 0) {
        report(run, QI_UNREADABLE, path, 0, err);
        goto out;
    }
    if (data.len == 0 || data.ptr[strspn(data.ptr, " \t\r\n")] == '\0') {
        report(run, QI_EMPTY, path, 0, "empty file");
        goto out;
    }
    if (memchr(data.ptr, '\0', data.len < 8192 ? data.len : 8192)) {
        report(run, QI_BINARY, path, 0, "binary file (contains NUL bytes), not text");
        goto out;
    }
    qx_extract_status xs = extract(data.ptr, data.len, &f, err, sizeof err);
    if (xs != QX_EXTRACTED) {
        report(run, extract_reason(xs), path, 0, err);
        goto out;
    }
    quire_doc_t doc = {
        .id = id,
        .title = f.title.len ? f.title.ptr : NULL,
        .source = run->source,
        .url = f.url.len ? f.url.ptr : NULL,
        .author = f.author.len ? f.author.ptr : NULL,
        .date = f.date.len ? f.date.ptr : NULL,
        .body = quirei_buf_cstr(&f.body),
    };
    rc = add_doc(run, &doc, path, 0);
out:
    run->bytes_done += size;
    qx_fields_release(&f);
    quirei_buf_release(&data);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

QUIREI_ARRAY(name_array, char *)

static void free_names(name_array *names)
{
    for (size_t i = 0; i < names->n; i++)
        free(names->v[i]);
    name_array_release(names);
}

/* The visible entries of directory `path` (hidden ones skipped: ., .., and
 * editor droppings, .git), sorted. 0, or -1 after out_of_memory(). A
 * directory that cannot be opened or read to the end is reported (not in
 * measure mode) and gives what could be read. */
static int list_dir(qi_run *run, const char *path, int measure, name_array *names)
{
    DIR *d = opendir(path);
    if (!d) {
        if (!measure)
            report(run, QI_UNREADABLE, path, 0, strerror(errno));
        return 0;
    }
    struct dirent *e;
    for (;;) {
        errno = 0;
        if (!(e = readdir(d)))
            break;
        if (e->d_name[0] == '.')
            continue;
        char *name = strdup(e->d_name);
        if (!name || name_array_push(names, name) < 0) {
            free(name);
            closedir(d);
            return out_of_memory(run, path);
        }
    }
    if (errno && !measure)
        report(run, QI_UNREADABLE, path, 0, strerror(errno));
    closedir(d);
    if (names->n)
        qsort(names->v, names->n, sizeof *names->v, cmp_names);
    return 0;
}

static int visit(qi_run *run, const char *path, const char *id, int top, int measure);

/* Visit the entries of directory `path` in name order; ids below a top
 * directory are paths relative to it. 0, or -1 when the run must stop. */
static int visit_dir(qi_run *run, const char *path, const char *id, int top, int measure)
{
    name_array names = {0};
    int rc = list_dir(run, path, measure, &names);
    quirei_buf child = QUIREI_BUF_INIT, cid = QUIREI_BUF_INIT;
    for (size_t i = 0; i < names.n && rc == 0 && !*run->stop; i++) {
        const char *name = names.v[i];
        if (quirei_buf_setf(&child, "%s/%s", path, name) < 0 ||
            (top ? quirei_buf_set(&cid, name, strlen(name))
                 : quirei_buf_setf(&cid, "%s/%s", id, name)) < 0) {
            rc = out_of_memory(run, path);
            break;
        }
        rc = visit(run, child.ptr, cid.ptr, 0, measure);
    }
    quirei_buf_release(&child);
    quirei_buf_release(&cid);
    free_names(&names);
    return rc;
}

/*
 * Visit `path` (id = its path relative to the INPUT argument; top = it is
 * the INPUT argument itself). In measure mode only sizes are added up.
 * 0, or -1 when the run must stop (run->fatal says why).
 */
static int visit(qi_run *run, const char *path, const char *id, int top, int measure)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (!measure)
            report(run, QI_UNREADABLE, path, 0, strerror(errno));
        return 0;
    }
    if (S_ISDIR(sb.st_mode))
        return visit_dir(run, path, id, top, measure);
    if (!S_ISREG(sb.st_mode))
        return 0;
    const qi_format *fmt = qi_format_of(path);
    if (!fmt) {
        /* Unknown files inside directories are passed over quietly; a file
         * named on the command line is the user's mistake: say so. */
        if (top && !measure) {
            char msg[256];
            qi_unsupported_message(msg, sizeof msg);
            report(run, QI_UNSUPPORTED, path, 0, msg);
        }
        return 0;
    }
    if (measure) {
        run->bytes_total += (uint64_t)sb.st_size;
        return 0;
    }
    run->files++;
    if (qi_format_is_records(fmt))
        return index_jsonl(run, path, (uint64_t)sb.st_size);
    qx_extract_fn extract = run->raw_text && fmt->extract_raw ? fmt->extract_raw : fmt->extract;
    return index_document_file(run, path, id, extract, (uint64_t)sb.st_size);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

int qi_measure(qi_run *run, const char *input)
{
    return visit(run, input, base_name(input), 1, 1);
}

int qi_index_input(qi_run *run, const char *input)
{
    /* A file named directly gets its own name as id; a directory's files
     * get their path below it. Strip trailing slashes for clean ids. */
    char *in = strdup(input);
    if (!in)
        return out_of_memory(run, input);
    size_t n = strlen(in);
    while (n > 1 && in[n - 1] == '/')
        in[--n] = '\0';
    int rc = visit(run, in, base_name(in), 1, 0);
    free(in);
    return rc;
}
