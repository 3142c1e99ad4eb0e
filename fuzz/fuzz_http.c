/* libFuzzer target: HTTP path and query-string decoding, and quire-serve's
 * routes behind it (server/http_api.c, with the search parameters, the
 * per-thread reader and the result cache) on a small index built once.
 *
 * Input: a request target ("/api/search?q=...&limit=3"), optionally followed
 * by '\n' and one flags byte (bits 0-1: GET, HEAD, POST, OPTIONS; bit 2:
 * Accept: text/plain), then the request body (POST /api/batch). The
 * target is decoded the way libmicrohttpd 0.9.x decodes it for quire-serve: split at the first '?'; the path unescaped
 * with MHD_http_unescape; the query string split on '&' and then at the
 * first '=', '+' turned into a space and each key and value unescaped;
 * arguments looked up by name, case-insensitively, first match wins, a key
 * without '=' having no value. Targets with bytes that cannot occur in a
 * request line (space, CR, NUL) are rejected.
 *
 * Checked for every answer: a status from 200 to 599, a body and a content
 * type; JSON bodies parse; error bodies are {"error":{"code","message"}}.
 */
#define _GNU_SOURCE /* strncasecmp, nftw */
#include <ftw.h>
#include <jansson.h>
#include <microhttpd.h>
#include <quire/quire.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http_api.h"

static char dir[] = "/tmp/quire-fuzz-http-XXXXXX";
static api_config_t config;
static int print;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void cleanup(void)
{
    api_shutdown();
    rcache_free(config.cache);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

typedef struct arg {
    char *key;
    size_t keylen; /* as decoded: may hold a NUL */
    char *value;   /* NULL: no '=' */
} arg_t;

typedef struct args {
    arg_t *v;
    size_t n;
} args_t;

static const char *get_arg(const api_request_t *rq, const char *name)
{
    const args_t *a = rq->ctx;
    size_t len = strlen(name);
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].keylen == len && strncasecmp(a->v[i].key, name, len) == 0)
            return a->v[i].value;
    return NULL;
}

/* The first argument whose name is not in known[] (as MHD's iteration
 * sees it: up to a NUL), or NULL. */
static const char *get_unknown_arg(const api_request_t *rq, const char *const *known)
{
    const args_t *a = rq->ctx;
    for (size_t i = 0; i < a->n; i++) {
        size_t k = 0;
        while (known[k] && strcmp(a->v[i].key, known[k]) != 0)
            k++;
        if (!known[k])
            return a->v[i].key;
    }
    return NULL;
}

static void plus_to_space(char *s)
{
    for (; *s; s++)
        if (*s == '+')
            *s = ' ';
}

/* Split a query string in place, as libmicrohttpd does. */
static void parse_args(char *s, args_t *a)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == '&';
    a->v = calloc(cap, sizeof *a->v);
    a->n = 0;
    if (!a->v)
        abort();
    while (*s) {
        char *amp = strchr(s, '&');
        if (amp)
            *amp = '\0';
        char *eq = strchr(s, '=');
        if (eq)
            *eq++ = '\0';
        plus_to_space(s);
        arg_t *x = &a->v[a->n++];
        x->key = s;
        x->keylen = MHD_http_unescape(s);
        x->value = NULL;
        if (eq) {
            plus_to_space(eq);
            MHD_http_unescape(eq);
            x->value = eq;
        }
        if (!amp)
            break;
        s = amp + 1;
    }
}

static void fail(const char *what, const api_request_t *rq, const api_response_t *r)
{
    fprintf(stderr, "fuzz_http: %s\n  method %s path '%s'\n  status %u type %s len %zu\n  body %.500s\n",
            what, rq->method, rq->path, r->status, r->type ? r->type : "(null)", r->len,
            r->body ? r->body : "(null)");
    abort();
}

/* A streamed body (exports) read to its end, as the daemon would send it:
 * it must end, without error. */
static void drain(const api_request_t *rq, const api_response_t *r)
{
    char buf[4096];
    long n;
    while ((n = r->stream->read(r->stream->cls, buf, sizeof buf)) > 0)
        ;
    if (n != API_STREAM_END)
        fail("a stream ended with an error", rq, r);
    r->stream->free(r->stream->cls);
    free(r->stream);
}

static void check(const api_request_t *rq, const api_response_t *r)
{
    if (r->status < 200 || r->status > 599)
        fail("status out of range", rq, r);
    if (r->stream) {
        if (r->body || r->status != 200 || !r->type)
            fail("a stream with a body, a status other than 200 or no type", rq, r);
        drain(rq, r);
        return;
    }
    if (!r->body)
        fail("no body", rq, r);
    if (!r->type)
        fail("no content type", rq, r);
    if (!r->encoding && strlen(r->body) != r->len)
        fail("len is not the body's length", rq, r);
    if (strncmp(r->type, "application/json", 16) != 0)
        return;
    json_error_t e;
    json_t *o = json_loadb(r->body, r->len, 0, &e);
    if (!o) {
        fprintf(stderr, "fuzz_http: JSON error: %s at %d\n", e.text, e.position);
        fail("JSON body does not parse", rq, r);
    }
    if (r->status >= 400) {
        json_t *err = json_object_get(o, "error");
        if (!json_is_string(json_object_get(err, "code")) ||
            !json_is_string(json_object_get(err, "message")))
            fail("error body without error.code and error.message", rq, r);
    }
    json_decref(o);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dir))
        abort();
    quire_writer_t *w = NULL;
    if (quire_writer_open(dir, NULL, &w, NULL) != QUIRE_OK)
        abort();
    static const quire_doc_t docs[] = {
        {.id = "000_b9d2c723326dce3c.txt", .title = "Cyber blame game", .date = "2015-09-30",
         .source = "news/a", .url = "https://example.com/a",
         .body = "Nations keep playing the cyber blame game. CVE-2021-44228 and T1059.001 "
                 "were used by APT28 against 121.50.43.175."},
        {.id = "b c/\xc3\xa9t\xc3\xa9?x=1&y=%41", .title = "China\xe2\x80\x99s role",
         .date = "2016-02-01", .author = "Greg Day", .source = "news/b",
         .body = "State-sponsored hackers at he.net; \xe2\x80\x9crespective roles in cyber "
                 "spying\xe2\x80\x9d were discussed."},
        {.id = "CVE-2024-3400", .title = "PAN-OS", .date = "2024-04-12", .source = "cve",
         .body = "A command injection in GlobalProtect allows remote code execution."},
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        if (quire_writer_add(w, &docs[i]) != QUIRE_OK)
            abort();
    if (quire_writer_close(w) != QUIRE_OK)
        abort();
    print = getenv("FUZZ_HTTP_PRINT") != NULL;
    config.db = dir;
    config.cache = rcache_new(1 << 20);
    api_init();
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "HEAD", "POST", "OPTIONS"};
    const uint8_t *nl = memchr(data, '\n', size);
    size_t tlen = nl ? (size_t)(nl - data) : size;
    unsigned flags = nl && (size_t)(nl - data) + 1 < size ? nl[1] : 0;
    for (size_t i = 0; i < tlen; i++)
        if (data[i] == ' ' || data[i] == '\r' || data[i] == '\0')
            return -1; /* not in a request line */
    char *target = malloc(tlen + 1);
    if (!target)
        return 0;
    memcpy(target, data, tlen);
    target[tlen] = '\0';
    args_t args = {0};
    char *q = strchr(target, '?');
    if (q)
        *q++ = '\0';
    MHD_http_unescape(target);
    parse_args(q ? q : target + strlen(target), &args);
    api_request_t rq = {
        .method = methods[flags & 3],
        .path = target,
        .wants_text = (flags >> 2) & 1,
        .arg = get_arg,
        .unknown_arg = get_unknown_arg,
        .ctx = &args,
    };
    if (nl && (size_t)(nl - data) + 2 <= size) { /* the body, after the flags byte */
        rq.body = (const char *)nl + 2;
        rq.body_len = size - (size_t)(nl - data) - 2;
    }
    api_response_t r = api_handle(&config, &rq);
    check(&rq, &r);
    if (print) /* FUZZ_HTTP_PRINT=1: one line per input, to check seeds */
        fprintf(stderr, "%s %s -> %u %.120s\n", rq.method, rq.path, r.status,
                r.body ? r.body : "(streamed)");
    free(r.body);
    free(args.v);
    free(target);
    return 0;
}
