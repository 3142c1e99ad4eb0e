/*
 * daemon.c - quire-serve's libmicrohttpd glue (see daemon.h); the routes
 * themselves are http_api.c's.
 */
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "gzip_encode.h"
#include "http_api.h"
#include "number.h"
#include "strbuf.h"
#include "web_assets.h"
#include "workers.h"

/* The query parameter that may carry the API key (daemon.h). */
#define KEY_PARAM "key"

/* What the daemon was started with (daemon_start); read-only while it
 * runs. */
static struct {
    api_config_t api;
    const char *api_key; /* or NULL: no key needed */
    char csp[512];       /* Content-Security-Policy of every answer (web_csp) */
    const char *frame_options; /* X-Frame-Options, or NULL (web_frame_options) */
    long max_connections;
    int64_t timeout_ms;
    struct MHD_Daemon *mhd;
    pthread_t watchdog;
} srv;

static double now_us(void)
{
    return quirei_now_ms() * 1e3;
}

/* ---------------------------------------------------- request deadlines ---
 *
 * libmicrohttpd's own timeout is an idle timeout: every byte received resets
 * it, so a client sending one byte a second (slowloris) could hold its
 * connection for as long as it likes. So each connection also gets a
 * deadline: its whole request line and headers must arrive within the
 * timeout of the connection opening or of the previous answer being sent.
 *
 * And connections over the limit are not refused by libmicrohttpd: they wait
 * in the kernel's listen queue until one of the served connections closes,
 * so a client holding the limit's worth of idle sockets would make every
 * newcomer wait for a whole timeout, or several. So when all connections are
 * in use and another is waiting to be accepted, the connections that have
 * been waiting for a request for DAEMON_EVICT_AFTER_MS or more make room.
 *
 * A watchdog thread does both, by shutting down the sockets concerned;
 * libmicrohttpd then sees end-of-file and closes them itself. */

#define WATCHDOG_TICK_MS 100

typedef struct conn_slot {
    struct conn_slot *prev, *next;
    int fd;
    int shut;                    /* shutdown() done (under slots_mu) */
    _Atomic int64_t deadline_ms; /* 0 while a request is being answered */
    struct pending *pending;     /* the request a worker answers, or NULL */
} conn_slot_t;

static pthread_mutex_t slots_mu = PTHREAD_MUTEX_INITIALIZER;
static conn_slot_t *slots; /* the open connections */
static long nslots;
static atomic_int listen_fd = -1;
static atomic_int watchdog_stop;

static int64_t now_ms(void)
{
    return (int64_t)quirei_now_ms();
}

static conn_slot_t *slot_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void slot_add(struct MHD_Connection *conn, void **socket_context)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    conn_slot_t *s = calloc(1, sizeof *s);
    if (!s || !ci) {
        free(s);
        return; /* no deadline; the idle timeout still applies */
    }
    s->fd = ci->connect_fd;
    atomic_store(&s->deadline_ms, now_ms() + srv.timeout_ms);
    pthread_mutex_lock(&slots_mu);
    s->next = slots;
    if (slots)
        slots->prev = s;
    slots = s;
    nslots++;
    pthread_mutex_unlock(&slots_mu);
    *socket_context = s;
}

static void slot_remove(conn_slot_t *s)
{
    pthread_mutex_lock(&slots_mu);
    if (s->prev)
        s->prev->next = s->next;
    else
        slots = s->next;
    if (s->next)
        s->next->prev = s->prev;
    nslots--;
    pthread_mutex_unlock(&slots_mu);
    free(s);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode what)
{
    (void)cls;
    if (what == MHD_CONNECTION_NOTIFY_STARTED) {
        slot_add(conn, socket_context);
    } else if (what == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        /* Called before libmicrohttpd closes the socket, so the watchdog
         * never shuts down a descriptor already reused by another one. */
        slot_remove(*socket_context);
        *socket_context = NULL;
    }
}

/* What a request's state (libmicrohttpd's con_cls) points to: NULL before
 * the first call, then &headers_in (answered on the next call), &answered,
 * or an upload_t while a body is read (POST /api/batch). */
static int headers_in, answered;

typedef struct upload {
    quirei_buf body;
    int done; /* answered */
} upload_t;

static upload_t *upload_of(void *state)
{
    return state && state != &headers_in && state != &answered ? state : NULL;
}

/* The answer has been sent: the next request has the timeout to arrive. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)toe;
    upload_t *up = upload_of(*state);
    if (up) {
        quirei_buf_release(&up->body);
        free(up);
        *state = NULL;
    }
    conn_slot_t *s = slot_of(conn);
    if (s)
        atomic_store(&s->deadline_ms, now_ms() + srv.timeout_ms);
}

/* Is a connection waiting in the listen queue? */
static int connection_pending(void)
{
    struct pollfd p = {.fd = atomic_load(&listen_fd), .events = POLLIN};
    return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void *watchdog(void *arg)
{
    (void)arg;
    const struct timespec tick = {0, WATCHDOG_TICK_MS * 1000000L};
    int64_t timeout_ms = srv.timeout_ms;
    int64_t evict_after =
        timeout_ms / 2 < DAEMON_EVICT_AFTER_MS ? timeout_ms / 2 : DAEMON_EVICT_AFTER_MS;
    while (!atomic_load(&watchdog_stop)) {
        nanosleep(&tick, NULL);
        int64_t now = now_ms();
        pthread_mutex_lock(&slots_mu);
        int full = nslots >= srv.max_connections && connection_pending();
        for (conn_slot_t *s = slots; s; s = s->next) {
            int64_t d = atomic_load(&s->deadline_ms);
            /* d - timeout_ms: since when it has been waiting for a request */
            if (d && !s->shut && (now > d || (full && now - (d - timeout_ms) >= evict_after))) {
                shutdown(s->fd, SHUT_RDWR);
                s->shut = 1;
            }
        }
        pthread_mutex_unlock(&slots_mu);
    }
    return NULL;
}

/* ------------------------------------------------------------- requests --- */

/* One request being answered. */
typedef struct exchange {
    struct MHD_Connection *conn;
    const char *method, *url;
    const char *allow; /* the Access-Control-Allow-Origin value, or NULL */
    int closing;       /* a body was announced: close after the answer */
    const char *body;  /* a request body read (POST /api/batch), or NULL */
    size_t body_len;
    double t0;         /* when answering began (now_us) */
    struct timespec wall; /* the same moment on the calendar, for the log */
    double us;         /* set by queue(): microseconds the answer took */
} exchange_t;

static const char *header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static const char *get_arg(const api_request_t *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->ctx, MHD_GET_ARGUMENT_KIND, name);
}

static const char *get_header(const api_request_t *rq, const char *name)
{
    return header(rq->ctx, name);
}

typedef struct unknown_scan {
    const char *const *known;
    const char *found;
} unknown_scan_t;

static enum MHD_Result note_unknown(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    (void)value;
    unknown_scan_t *u = cls;
    if (strcmp(key, KEY_PARAM) == 0)
        return MHD_YES; /* the daemon's, taken on every request */
    for (size_t i = 0; u->known[i]; i++)
        if (strcmp(key, u->known[i]) == 0)
            return MHD_YES;
    u->found = key;
    return MHD_NO; /* the first one is enough */
}

static const char *get_unknown_arg(const api_request_t *rq, const char *const *known)
{
    unknown_scan_t u = {known, NULL};
    MHD_get_connection_values(rq->ctx, MHD_GET_ARGUMENT_KIND, note_unknown, &u);
    return u.found;
}

/* Does the request announce a body (Content-Length > 0, or chunked)? */
static int announces_body(struct MHD_Connection *conn)
{
    const char *len = header(conn, "Content-Length");
    if (header(conn, "Transfer-Encoding"))
        return 1;
    return len && strspn(len, "0 \t") != strlen(len);
}

/* Append s to b with every byte but RFC 3986's unreserved ones (and those
 * in `keep`) percent-encoded: the log line stays one line of fields without
 * blanks, whatever a client sends. */
static void log_encode(quirei_buf *b, const char *s, const char *keep)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p) || strchr(keep, *p))
            quirei_buf_addc(b, (char)*p);
        else
            quirei_buf_addf(b, "%%%02X", *p);
    }
}

typedef struct log_target {
    quirei_buf buf;
    int args; /* query parameters written so far */
} log_target_t;

static enum MHD_Result log_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    log_target_t *t = cls;
    quirei_buf *b = &t->buf;
    quirei_buf_addc(b, t->args++ ? '&' : '?');
    log_encode(b, key, "");
    if (strcmp(key, KEY_PARAM) == 0) {
        quirei_buf_adds(b, "=REDACTED"); /* the key never reaches a log */
    } else if (value) {
        quirei_buf_addc(b, '=');
        log_encode(b, value, "");
    }
    return MHD_YES;
}

/* The client's address as text ("-" when unknown). */
static void client_address(struct MHD_Connection *conn, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    snprintf(out, n, "-");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)n);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)n);
}

/* The access log: one line per answered request (README, "Access log"):
 * when it came (UTC, ms), the client, method, path and query (the key
 * redacted), status, bytes sent and the milliseconds the answer took. The
 * only place it is written; one fprintf, so lines of threads never mix. */
static void log_access(exchange_t *ex, unsigned status, size_t bytes)
{
    ex->us = now_us() - ex->t0;
    /* The calendar second, formatted once a second per thread (gmtime_r
     * takes glibc's time zone lock). */
    static _Thread_local time_t sec = -1;
    static _Thread_local char when[32] = "-";
    struct tm tm;
    if (ex->wall.tv_sec != sec && gmtime_r(&ex->wall.tv_sec, &tm) &&
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm))
        sec = ex->wall.tv_sec;
    char addr[INET6_ADDRSTRLEN];
    client_address(ex->conn, addr, sizeof addr);
    log_target_t target = {QUIREI_BUF_INIT, 0};
    log_encode(&target.buf, ex->url, "/:@!$'()*+,;=");
    MHD_get_connection_values(ex->conn, MHD_GET_ARGUMENT_KIND, log_arg, &target);
    fprintf(stderr, "%s.%03ldZ %s %s %s %u %zu %.3f\n", when, ex->wall.tv_nsec / 1000000, addr,
            ex->method, target.buf.ptr ? target.buf.ptr : "-", status, bytes, ex->us / 1e3);
    quirei_buf_release(&target.buf);
}

/* Queue resp (bytes long) with our usual headers, free it and log the
 * request. With a body announced, tell the client the connection closes
 * (we never read request bodies). */
static enum MHD_Result queue(exchange_t *ex, unsigned status, struct MHD_Response *resp,
                             size_t bytes, const char *type)
{
    if (type)
        MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    /* On every answer, not only the page's: a JSON or feed answer opened in
     * a tab or a frame gets the same protection. */
    MHD_add_response_header(resp, "Content-Security-Policy", srv.csp);
    if (srv.frame_options)
        MHD_add_response_header(resp, "X-Frame-Options", srv.frame_options);
    if (ex->allow) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", ex->allow);
        if (strcmp(ex->allow, "*") != 0)
            MHD_add_response_header(resp, "Vary", "Origin");
    }
    if (ex->closing)
        MHD_add_response_header(resp, "Connection", "close");
    enum MHD_Result r = MHD_queue_response(ex->conn, status, resp);
    MHD_destroy_response(resp);
    log_access(ex, status, bytes);
    return r;
}

static enum MHD_Result answer_preflight(exchange_t *ex)
{
    struct MHD_Response *pre = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    if (!pre)
        return MHD_NO;
    /* POST: /api/batch */
    MHD_add_response_header(pre, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    MHD_add_response_header(pre, "Access-Control-Allow-Headers", "Authorization, Content-Type");
    MHD_add_response_header(pre, "Access-Control-Max-Age", "86400");
    return queue(ex, 204, pre, 0, NULL);
}

/* The body limit, spelt once (http_api.h), in the 413's message. */
#define BODY_LIMIT_TEXT_(n) #n
#define BODY_LIMIT_TEXT(n) BODY_LIMIT_TEXT_(n)

/* Compare in time independent of where the strings differ, so the key
 * cannot be guessed byte by byte from response times. */
static int key_matches(const char *given)
{
    size_t n = strlen(srv.api_key), m = strlen(given);
    unsigned char diff = (unsigned char)(n != m);
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(srv.api_key[i] ^ (i < m ? given[i] : 0));
    return diff == 0;
}

/* Does the request carry our key: "Authorization: Bearer KEY", or (for
 * clients that cannot send headers: feed readers, links) ?key=KEY? */
static int authorized(struct MHD_Connection *conn)
{
    const char *auth = header(conn, "Authorization");
    if (auth && strncmp(auth, "Bearer ", 7) == 0)
        return key_matches(auth + 7);
    const char *key = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, KEY_PARAM);
    return key && key_matches(key);
}

/* A streamed body (api_stream_t) as libmicrohttpd reads it. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    api_stream_t *s = cls;
    long n = s->read(s->cls, buf, max);
    return n == API_STREAM_END     ? MHD_CONTENT_READER_END_OF_STREAM
           : n == API_STREAM_ERROR ? MHD_CONTENT_READER_END_WITH_ERROR
                                   : (ssize_t)n;
}

static void stream_free(void *cls)
{
    api_stream_t *s = cls;
    s->free(s->cls);
    free(s);
}

/* The request as the routes see it (http_api.h). */
static api_request_t request_of(exchange_t *ex)
{
    const char *accept = header(ex->conn, "Accept");
    return (api_request_t){
        .method = ex->method,
        .path = ex->url,
        .wants_text = accept && strstr(accept, "text/plain") && !strstr(accept, "json"),
        .accepts_gzip = accepts_gzip(header(ex->conn, "Accept-Encoding")),
        .if_none_match = header(ex->conn, "If-None-Match"),
        .arg = get_arg,
        .unknown_arg = get_unknown_arg,
        .header = get_header,
        .body = ex->body,
        .body_len = ex->body_len,
        .ctx = ex->conn,
    };
}

/* Queue an answer of the routes (or api_error's). */
static enum MHD_Result queue_api(exchange_t *ex, api_response_t r)
{
    struct MHD_Response *resp =
        r.stream ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, DAEMON_STREAM_BLOCK,
                                                     stream_read, r.stream, stream_free)
                 : MHD_create_response_from_buffer(r.len, r.body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(r.body);
        if (r.stream)
            stream_free(r.stream);
        return MHD_NO;
    }
    if (r.encoding)
        MHD_add_response_header(resp, "Content-Encoding", r.encoding);
    if (r.vary_encoding)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (r.etag[0]) {
        /* no-cache: a cache may keep the answer but must revalidate it, as
         * the index can change at any commit. */
        MHD_add_response_header(resp, "ETag", r.etag);
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
    }
    if (r.status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
    if (r.partial[0]) /* answered by the shards that are up only */
        MHD_add_response_header(resp, "X-Quire-Partial", r.partial);
    return queue(ex, r.status, resp, r.len, r.type);
}

/*
 * A request answered by a worker (workers.h): its connection is suspended
 * while a worker runs the routes, then resumed; libmicrohttpd then calls
 * on_request() again, which queues the answer (finish_pending()). The
 * request's strings (method, url, body) live until its answer is sent.
 */
typedef struct pending {
    exchange_t ex;
    api_response_t resp;
} pending_t;

/* A worker's job: the routes' answer, then the connection resumed. */
static void run_pending(void *arg)
{
    pending_t *p = arg;
    api_request_t rq = request_of(&p->ex);
    p->resp = api_handle(&srv.api, &rq);
    MHD_resume_connection(p->ex.conn);
}

/* Hand the request to the routes (http_api.h), on a worker when it can be,
 * and queue their answer. */
static enum MHD_Result answer_route(exchange_t *ex)
{
    conn_slot_t *slot = slot_of(ex->conn);
    pending_t *p = slot ? malloc(sizeof *p) : NULL;
    if (p) {
        p->ex = *ex;
        slot->pending = p;
        MHD_suspend_connection(ex->conn);
        /* No worker (stopping, out of memory): this thread answers, the
         * same way round. */
        if (workers_submit(run_pending, p) < 0)
            run_pending(p);
        return MHD_YES;
    }
    api_request_t rq = request_of(ex);
    enum MHD_Result ret = queue_api(ex, api_handle(&srv.api, &rq));
    api_record(ex->us);
    return ret;
}

/* The resumed call of a request a worker answered: queue the answer. */
static enum MHD_Result finish_pending(conn_slot_t *slot)
{
    pending_t *p = slot->pending;
    slot->pending = NULL;
    enum MHD_Result ret = queue_api(&p->ex, p->resp);
    api_record(p->ex.us);
    free(p);
    return ret;
}

/* An error the daemon answers by itself, in the form the client asked for. */
static enum MHD_Result answer_error(exchange_t *ex, unsigned status, const char *code,
                                    const char *message)
{
    api_request_t rq = request_of(ex);
    return queue_api(ex, api_error(&rq, status, code, message));
}

/* The paths answered without the API key: a path equal to an entry, or
 * under one that ends in '/'. Each reveals nothing of the index but that
 * the service is up (and how many documents it holds): the health check,
 * which load balancers call without credentials; the search description
 * and the web page with its assets and documentation, which browsers load
 * before a user can give a key. Add a line here for a new public path. */
static const char *const public_paths[] = {
    "/api/health",
    "/opensearch.xml",
    "/",
    "/assets/",
    "/doc/",
};

static int public_path(const char *url)
{
    for (size_t i = 0; i < sizeof public_paths / sizeof *public_paths; i++) {
        const char *p = public_paths[i];
        size_t n = strlen(p);
        if (strcmp(url, p) == 0 || (n > 1 && p[n - 1] == '/' && strncmp(url, p, n) == 0))
            return 1;
    }
    return 0;
}

/* The request line and headers are in (and the body, for a route that
 * takes one: `up`): answer. A body announced and not read (`closing`) is
 * never read. */
static enum MHD_Result answer(struct MHD_Connection *conn, const char *method, const char *url,
                              int closing, const upload_t *up)
{
    exchange_t ex = {.conn = conn, .method = method, .url = url, .closing = closing,
                     .body = up ? up->body.ptr : NULL, .body_len = up ? up->body.len : 0};
    ex.t0 = now_us();
    clock_gettime(CLOCK_REALTIME, &ex.wall);
    ex.allow = api_cors_origin(&srv.api, header(conn, "Origin"));
    if (ex.allow && strcmp(method, "OPTIONS") == 0)
        return answer_preflight(&ex);
    if (srv.api_key && !public_path(url) && !authorized(conn))
        return answer_error(&ex, 401, "unauthorized",
                            "this server needs its API key: the header Authorization: Bearer "
                            "KEY, or the parameter key=KEY");
    if (closing && (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
        return answer_error(&ex, 413, "payload_too_large",
                            "request bodies are not accepted: every endpoint is GET");
    if (closing && api_takes_body(method, url))
        return answer_error(&ex, 413, "payload_too_large",
                            "a request body holds at most " BODY_LIMIT_TEXT(
                                API_MAX_BODY_BYTES) " bytes");
    return answer_route(&ex);
}

/* Is the announced body (Content-Length) over API_MAX_BODY_BYTES? */
static int body_too_large(struct MHD_Connection *conn)
{
    uint64_t n;
    const char *len = header(conn, "Content-Length");
    return len && quirei_parse_number(len, 0, API_MAX_BODY_BYTES, &n) < 0;
}

/* Start reading the body of a route that takes one, into a new upload:
 * 1; 0 when the request is refused unread (no key, too large: answer()
 * says which); -1 when out of memory. The whole body must arrive within
 * the timeout (the watchdog holds it to that), so a slow sender cannot
 * hold a connection and a megabyte. */
static int start_upload(struct MHD_Connection *conn, void **state)
{
    if ((srv.api_key && !authorized(conn)) || body_too_large(conn))
        return 0;
    upload_t *up = calloc(1, sizeof *up);
    if (!up)
        return -1;
    *state = up;
    conn_slot_t *slot = slot_of(conn);
    if (slot)
        atomic_store(&slot->deadline_ms, now_ms() + srv.timeout_ms);
    return 1;
}

/* A call with (part of) the body of an upload, or its last call (no
 * data): keep the data, or answer. A body over API_MAX_BODY_BYTES that
 * Content-Length did not announce (chunked) closes the connection: an
 * answer cannot be queued once the body has begun. */
static enum MHD_Result continue_upload(struct MHD_Connection *conn, const char *method,
                                       const char *url, upload_t *up, const char *data,
                                       size_t *size)
{
    if (*size) {
        if (up->done || up->body.len + *size > API_MAX_BODY_BYTES ||
            quirei_buf_add(&up->body, data, *size) < 0)
            return MHD_NO;
        *size = 0;
        return MHD_YES;
    }
    if (up->done)
        return MHD_YES;
    up->done = 1;
    conn_slot_t *slot = slot_of(conn);
    if (slot)
        atomic_store(&slot->deadline_ms, 0); /* no deadline while answering */
    return answer(conn, method, url, 0, up);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **state)
{
    (void)cls;
    (void)version;
    conn_slot_t *slot = slot_of(conn);
    if (slot && slot->pending)
        return finish_pending(slot);
    if (*state == &answered) {
        /* libmicrohttpd offers the body of a request already answered:
         * drop the connection rather than read it. */
        return *upload_size ? MHD_NO : MHD_YES;
    }
    if (upload_of(*state))
        return continue_upload(conn, method, url, *state, upload_data, upload_size);
    if (*state == &headers_in && *upload_size)
        return MHD_NO; /* a body no header announced: drop the connection */
    int body = 0;
    if (*state == NULL) {
        /* First call: the request line and headers are in. */
        conn_slot_t *slot = slot_of(conn);
        if (slot)
            atomic_store(&slot->deadline_ms, 0); /* no deadline while answering */
        body = announces_body(conn);
        int up = body && api_takes_body(method, url) ? start_upload(conn, state) : 0;
        if (up)
            return up > 0 ? MHD_YES : MHD_NO; /* reading the body, or out of memory */
        if (!body) {
            /* Answer on the second call, which follows at once; answering
             * now would make libmicrohttpd close the connection. */
            *state = &headers_in;
            return MHD_YES;
        }
        /* A body we do not read: answer now, so it is never waited for,
         * read or buffered, and the connection closes. */
    }
    *state = &answered;
    return answer(conn, method, url, body, NULL);
}

/* ---------------------------------------------------------- the daemon --- */

static struct MHD_Daemon *start_mhd(const serve_options_t *o)
{
    /* A pool of one thread is no pool: libmicrohttpd warns about it, so the
     * option is left out (END) and its one internal thread serves alone. */
    struct MHD_OptionItem pool[] = {
        {o->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)o->threads,
         NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    /* The supervisor's socket (supervisor.h), or o->addr to bind. */
    struct MHD_OptionItem where[] = {
        o->listen_fd >= 0
            ? (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, o->listen_fd, NULL}
            : (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, (void *)&o->addr},
        {MHD_OPTION_END, 0, NULL},
    };
    return MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_POLL |
            MHD_ALLOW_SUSPEND_RESUME,
        0, NULL, NULL,
        on_request, NULL, MHD_OPTION_ARRAY, where,
        MHD_OPTION_ARRAY, pool, MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)DAEMON_CONNECTION_MEMORY,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_END);
}

static void stop_watchdog(void)
{
    atomic_store(&watchdog_stop, 1);
    pthread_join(srv.watchdog, NULL);
}

/* Why the address cannot be listened on, in the words a user needs. */
static const char *listen_error(int err)
{
    switch (err) {
    case EADDRINUSE:
        return "address already in use (another server? pick another port with --port, or "
               "QUIRE_PORT for scripts/run.sh)";
    case EACCES:
        return "permission denied (ports below 1024 need root; pick another with --port)";
    case EADDRNOTAVAIL:
        return "address not available (not an address of this machine? see --listen)";
    default:
        return strerror(err);
    }
}

/* Try binding o->addr before libmicrohttpd does: its own bind failure
 * comes as "Failed to bind to port 0: ..." (the port it was not given: the
 * address goes in MHD_OPTION_SOCK_ADDR) before any message of ours, so a
 * busy port would read as two confusing lines. SO_REUSEADDR as
 * libmicrohttpd sets it, so that a port in TIME_WAIT passes here as it
 * does there. Returns 0, or -1 after one line on stderr. */
static int probe_listen(const serve_options_t *o)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(stderr, "quire-serve: cannot open a socket: %s\n", strerror(errno));
        return -1;
    }
    int on = 1, err = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        bind(fd, (const struct sockaddr *)&o->addr, sizeof o->addr) != 0)
        err = errno;
    close(fd);
    if (err) {
        fprintf(stderr, "quire-serve: cannot listen on %s:%u: %s\n", o->listen_addr, o->port,
                listen_error(err));
        return -1;
    }
    return 0;
}

int daemon_listen_socket(const serve_options_t *o)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1, err = 0;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
        bind(fd, (const struct sockaddr *)&o->addr, sizeof o->addr) != 0 ||
        listen(fd, SOMAXCONN) != 0)
        err = errno;
    if (err) {
        if (fd >= 0)
            close(fd);
        fprintf(stderr, "quire-serve: cannot listen on %s:%u: %s\n", o->listen_addr, o->port,
                listen_error(err));
        return -1;
    }
    return fd;
}

int daemon_start(const serve_options_t *o)
{
    if (o->listen_fd < 0 && probe_listen(o) < 0)
        return -1;
    if (!o->api_key && (ntohl(o->addr.sin_addr.s_addr) >> 24) != 127)
        fprintf(stderr, "quire-serve: warning: listening on %s without --api-key: anyone "
                        "who can reach this address can search the index\n",
                o->listen_addr);
    srv.api = (api_config_t){.db = o->db, .cors = o->cors};
    srv.api_key = o->api_key;
    if (web_csp(o->frame_ancestors, srv.csp, sizeof srv.csp) < 0) {
        fprintf(stderr, "quire-serve: --frame-ancestors: too long\n");
        return -1;
    }
    srv.frame_options = web_frame_options(o->frame_ancestors);
    srv.max_connections = o->max_connections;
    srv.timeout_ms = (int64_t)o->timeout_s * 1000;
    /* A batch answers within half the timeout, well before libmicrohttpd
     * would give up on a connection that sent nothing for the timeout. */
    srv.api.batch_budget_ms = (double)srv.timeout_ms / 2;
    if (o->cache_mb && !(srv.api.cache = rcache_new((size_t)o->cache_mb << 20))) {
        fprintf(stderr, "quire-serve: out of memory for the result cache\n");
        return -1;
    }
    int err = pthread_create(&srv.watchdog, NULL, watchdog, NULL);
    if (err != 0) {
        fprintf(stderr, "quire-serve: cannot start a thread: %s\n", strerror(err));
        rcache_free(srv.api.cache);
        return -1;
    }
    api_init(); /* the uptime clock starts before the first request */
    /* The searching threads, as many as libmicrohttpd's (workers.h). */
    if (workers_start(o->threads > 0 ? (unsigned)o->threads : 1) < 0) {
        stop_watchdog();
        rcache_free(srv.api.cache);
        return -1;
    }
    if (!(srv.mhd = start_mhd(o))) {
        err = errno;
        fprintf(stderr, "quire-serve: cannot listen on %s:%u: %s\n", o->listen_addr, o->port,
                listen_error(err));
        workers_stop();
        stop_watchdog();
        rcache_free(srv.api.cache);
        return -1;
    }
    const union MHD_DaemonInfo *lfd = MHD_get_daemon_info(srv.mhd, MHD_DAEMON_INFO_LISTEN_FD);
    if (lfd)
        atomic_store(&listen_fd, lfd->listen_fd);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv.mhd, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "listening on http://%s:%u\n", o->listen_addr,
            info ? (unsigned)info->port : o->port);
    fflush(stderr);
    return 0;
}

void daemon_stop(void)
{
    atomic_store(&listen_fd, -1);
    /* Requests with a worker finish (and their connections resume) before
     * libmicrohttpd closes the connections; later ones are answered by its
     * own threads. */
    workers_drain();
    MHD_stop_daemon(srv.mhd); /* waits for the threads, so requests in flight finish */
    workers_stop();
    stop_watchdog();
    api_shutdown();
    rcache_free(srv.api.cache);
    srv.mhd = NULL;
    srv.api.cache = NULL;
}
