/* inputs.c - walk INPUT arguments, read each file by type, feed the writer. */
#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "jsonl_reader.h"
#include "strbuf.h"

const char *const qi_reason_names[QI_REASON_COUNT] = {
    [QI_UNREADABLE] = "unreadable",       [QI_EMPTY] = "empty",
    [QI_BINARY] = "binary",               [QI_BAD_JSON] = "invalid JSON",
    [QI_MISSING] = "missing id or body",  [QI_TRUNCATED] = "truncated or corrupt gzip",
    [QI_UNSUPPORTED] = "unsupported type", [QI_REJECTED] = "rejected",
};

#define MAX_FILE_BYTES (256u * 1024 * 1024) /* larger single articles are not articles */

typedef enum ftype { FT_NONE, FT_TEXT, FT_MARKDOWN, FT_HTML, FT_JSONL } ftype;

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static ftype type_of(const char *path)
{
    if (ends_with(path, ".jsonl") || ends_with(path, ".jsonl.gz") || ends_with(path, ".ndjson") ||
        ends_with(path, ".ndjson.gz"))
        return FT_JSONL;
    if (ends_with(path, ".txt"))
        return FT_TEXT;
    if (ends_with(path, ".md") || ends_with(path, ".markdown"))
        return FT_MARKDOWN;
    if (ends_with(path, ".html") || ends_with(path, ".htm"))
        return FT_HTML;
    return FT_NONE;
}

static void report(qi_run *run, qi_reason why, const char *path, unsigned long line,
                   const char *msg)
{
    run->skipped[why]++;
    if (line)
        fprintf(run->log, "%s:%lu: %s\n", path, line, msg);
    else
        fprintf(run->log, "%s: %s\n", path, msg);
}

/* Hand one document to the writer; 0, or -1 when the writer failed for good. */
static int add_doc(qi_run *run, const quire_doc_t *doc, const char *path, unsigned long line)
{
    quire_status_t st = quire_writer_add(run->writer, doc);
    if (st == QUIRE_EINVAL) {
        report(run, QI_REJECTED, path, line, quire_writer_detail(run->writer));
        return 0;
    }
    if (st != QUIRE_OK) {
        run->fatal = st;
        fprintf(run->log, "quire-index: %s: %s\n", quire_strerror(st),
                quire_writer_detail(run->writer));
        return -1;
    }
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
        qx_jsonl_result r = qx_jsonl_next(j, &doc, err, sizeof err);
        if (r == QX_JSONL_EOF)
            break;
        if (r == QX_JSONL_FATAL) {
            report(run, QI_TRUNCATED, path, qx_jsonl_line(j) + 1, err);
            any = 1;
            break;
        }
        any = 1;
        if (r == QX_JSONL_BAD_RECORD) {
            int missing = strncmp(err, "record has no", 13) == 0;
            report(run, missing ? QI_MISSING : QI_BAD_JSON, path, qx_jsonl_line(j), err);
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

static int index_document_file(qi_run *run, const char *path, const char *id, ftype t,
                               uint64_t size)
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
    int r = t == FT_HTML       ? qx_extract_html(data.ptr, data.len, &f, err, sizeof err)
            : t == FT_MARKDOWN ? qx_extract_markdown(data.ptr, data.len, &f, err, sizeof err)
                               : qx_extract_text(data.ptr, data.len, &f, err, sizeof err);
    if (r < 0) {
        report(run, strstr(err, "memory") ? QI_UNREADABLE : QI_EMPTY, path, 0, err);
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

/*
 * Visit `path` (id = its path relative to the INPUT argument). In
 * measure mode only sizes are added up.
 */
static int visit(qi_run *run, const char *path, const char *id, int top, int measure)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (!measure)
            report(run, QI_UNREADABLE, path, 0, strerror(errno));
        return 0;
    }
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        if (!d) {
            if (!measure)
                report(run, QI_UNREADABLE, path, 0, strerror(errno));
            return 0;
        }
        /* The names, as an array of char * kept in a growing buffer. */
        quirei_buf arr = QUIREI_BUF_INIT;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue; /* ., .., and hidden files (editor droppings, .git) */
            char *name = strdup(e->d_name);
            if (!name || quirei_buf_add(&arr, &name, sizeof name) < 0) {
                free(name);
                break;
            }
        }
        closedir(d);
        char **names = (char **)(void *)arr.ptr;
        size_t n = arr.len / sizeof *names;
        if (n)
            qsort(names, n, sizeof *names, cmp_names);
        int rc = 0;
        for (size_t i = 0; i < n; i++) {
            if (rc == 0 && !*run->stop) {
                quirei_buf child = QUIREI_BUF_INIT, cid = QUIREI_BUF_INIT;
                quirei_buf_addf(&child, "%s/%s", path, names[i]);
                if (top)
                    quirei_buf_adds(&cid, names[i]);
                else
                    quirei_buf_addf(&cid, "%s/%s", id, names[i]);
                rc = visit(run, child.ptr, cid.ptr, 0, measure);
                quirei_buf_release(&child);
                quirei_buf_release(&cid);
            }
            free(names[i]);
        }
        quirei_buf_release(&arr);
        return rc;
    }
    if (!S_ISREG(sb.st_mode))
        return 0;
    ftype t = type_of(path);
    if (t == FT_NONE) {
        /* Unknown files inside directories are passed over quietly; a file
         * named on the command line is the user's mistake: say so. */
        if (top && !measure)
            report(run, QI_UNSUPPORTED, path, 0,
                   "unsupported file type (expected .txt .md .html .htm .jsonl .jsonl.gz)");
        return 0;
    }
    if (measure) {
        run->bytes_total += (uint64_t)sb.st_size;
        return 0;
    }
    run->files++;
    if (t == FT_JSONL)
        return index_jsonl(run, path, (uint64_t)sb.st_size);
    return index_document_file(run, path, id, t, (uint64_t)sb.st_size);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

void qi_measure(qi_run *run, const char *input)
{
    visit(run, input, base_name(input), 1, 1);
}

int qi_index_input(qi_run *run, const char *input)
{
    /* A file named directly gets its own name as id; a directory's files
     * get their path below it. Strip trailing slashes for clean ids. */
    char *in = strdup(input);
    if (!in)
        return -1;
    size_t n = strlen(in);
    while (n > 1 && in[n - 1] == '/')
        in[--n] = '\0';
    int rc = visit(run, in, base_name(in), 1, 0);
    free(in);
    return rc;
}
