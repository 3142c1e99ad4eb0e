/*
 * test_server_abuse.c - the real quire-serve, over an index built by the real
 * quire-index, against abusive clients on raw sockets: header floods, a
 * slowloris client, more connections than the limit, request bodies. Each
 * test checks what the abusive client gets (a 4xx or a closed connection,
 * within a bound) and that other clients keep getting 200 from /api/health
 * meanwhile.
 *
 * Servers listen on 127.0.0.1 on a port they pick (--port 0) and are killed
 * at the end of each test. Nothing here can hang: every socket operation is
 * bounded by poll() with a deadline (no Criterion .timeout, which leaks under
 * LeakSanitizer).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server_harness.h"
#include "strbuf.h"

static char tmp[64];
static char db[128];
static qt_server srv = {.pid = -1};
static unsigned port;

static void setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    strcpy(tmp, "/tmp/quire-test-abuse-XXXXXX");
    qt_index_sample(tmp, db, sizeof db);
}

/* Start quire-serve on the test index with extra options (NULL-terminated). */
static void start_server(const char *const *extra)
{
    qt_server_start(&srv, db, extra);
    port = srv.port;
}

static void teardown(void)
{
    qt_server_kill(&srv);
    qt_remove_tree(tmp);
}

/* Stop the server with SIGTERM: it must exit 0 (and, in the sanitizer build,
 * without a report). */
static void stop_server(void)
{
    int status = qt_server_stop(&srv, 5);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "SIGTERM exits 0 (status %d)",
              status);
}

TestSuite(abuse, .init = setup, .fini = teardown);

/* ------------------------------------------------------ raw sockets --- */

/* A connected TCP socket to the server (blocking connect: the kernel
 * completes it even when the server does not accept). */
static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

enum outcome { ANSWERED, CLOSED, HUNG };

typedef struct reply {
    enum outcome how;
    int status;       /* HTTP status when ANSWERED */
    int closed_after; /* the server closed the connection after answering */
    double secs;      /* from sending to the answer (or close) */
    quirei_buf raw;   /* every byte received */
} reply_t;

static void reply_free(reply_t *r)
{
    quirei_buf_release(&r->raw);
}

/* Bytes of a complete response in r->raw (headers and Content-Length body),
 * or 0 while incomplete. */
static size_t response_len(const quirei_buf *raw)
{
    const char *end = raw->ptr ? strstr(raw->ptr, "\r\n\r\n") : NULL;
    if (!end)
        return 0;
    size_t head = (size_t)(end - raw->ptr) + 4;
    size_t body = 0;
    for (const char *p = raw->ptr; p < end; p = strstr(p, "\r\n") + 2)
        if (strncasecmp(p, "Content-Length:", 15) == 0)
            body = strtoul(p + 15, NULL, 10);
    return raw->len >= head + body ? head + body : 0;
}

/* Send `req` (all of it, or as much as the server takes) and read the
 * answer, within max_s seconds in all. With wait_close, go on reading after
 * the answer until the server closes the connection (or the deadline). */
static reply_t exchange_fd(int fd, const char *req, size_t len, double max_s, int wait_close)
{
    reply_t r = {.how = HUNG};
    double t0 = qt_now(), deadline = t0 + max_s;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    size_t sent = 0;
    int answered = 0;
    for (;;) {
        double left = deadline - qt_now();
        if (left <= 0)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN | (sent < len ? POLLOUT : 0)};
        if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            continue;
        if ((p.revents & POLLOUT) && sent < len) {
            ssize_t k = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
            if (k > 0)
                sent += (size_t)k;
            else if (k < 0 && errno != EAGAIN && errno != EINTR)
                sent = len; /* the server stopped reading: just read now */
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[65536];
            ssize_t k = recv(fd, buf, sizeof buf, 0);
            if (k < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (k <= 0) { /* end of file, or reset */
                r.secs = qt_now() - t0;
                if (answered)
                    r.closed_after = 1;
                else
                    r.how = CLOSED;
                break;
            }
            quirei_buf_add(&r.raw, buf, (size_t)k);
            if (!answered && response_len(&r.raw)) {
                answered = 1;
                r.how = ANSWERED;
                r.secs = qt_now() - t0;
                sscanf(r.raw.ptr, "HTTP/1.%*d %d", &r.status);
                if (!wait_close)
                    break;
            }
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return r;
}

static reply_t exchange(const char *req, size_t len, double max_s, int wait_close)
{
    int fd = dial();
    cr_assert_geq(fd, 0, "connect: %s", strerror(errno));
    reply_t r = exchange_fd(fd, req, len, max_s, wait_close);
    close(fd);
    return r;
}

/* GET a path on a new connection; the status, or 0 if none came in max_s. */
static int get_status(const char *path, double max_s, double *secs)
{
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
    int fd = dial();
    if (fd < 0)
        return 0;
    reply_t r = exchange_fd(fd, req, (size_t)n, max_s, 0);
    close(fd);
    if (secs)
        *secs = r.secs;
    int st = r.how == ANSWERED ? r.status : 0;
    reply_free(&r);
    return st;
}

/* Wait until the server closes fd (end of file or reset), reading and
 * discarding anything; seconds waited, or -1 if still open after max_s.
 * *got counts the bytes received. */
static double wait_closed(int fd, double max_s, size_t *got)
{
    double t0 = qt_now();
    for (;;) {
        double left = t0 + max_s - qt_now();
        if (left <= 0)
            return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            continue;
        char buf[4096];
        ssize_t k = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (k <= 0)
            return qt_now() - t0;
        if (got)
            *got += (size_t)k;
    }
}

/* --------------------------------------------- a client on the side --- */

/* Asks /api/health on a new connection every 100 ms while a test abuses the
 * server, and records how that went. */
typedef struct prober {
    pthread_t th;
    atomic_int stop;
    atomic_int probes;
    int failures;
    double worst;
} prober_t;

static void *probe_loop(void *arg)
{
    prober_t *p = arg;
    while (!atomic_load(&p->stop)) {
        double secs = 0;
        int st = get_status("/api/health", 5.0, &secs);
        p->probes++;
        if (st != 200)
            p->failures++;
        if (secs > p->worst)
            p->worst = secs;
        qt_sleep(0.1);
    }
    return NULL;
}

static void prober_start(prober_t *p)
{
    memset(p, 0, sizeof *p);
    cr_assert_eq(pthread_create(&p->th, NULL, probe_loop, p), 0);
}

/* Stop it and check: at least min_probes answers, all 200, each within
 * max_s seconds. A test that ends quickly waits (up to 5 s) for the prober
 * to have made its probes: on a loaded machine its thread may not even
 * have started yet. */
static void prober_check(prober_t *p, int min_probes, double max_s)
{
    for (double t0 = qt_now(); atomic_load(&p->probes) < min_probes && qt_now() - t0 < 5.0;)
        qt_sleep(0.05);
    atomic_store(&p->stop, 1);
    pthread_join(p->th, NULL);
    cr_expect_eq(p->failures, 0, "%d of %d health probes failed", p->failures,
              atomic_load(&p->probes));
    cr_expect_geq(atomic_load(&p->probes), min_probes, "only %d health probes",
                  atomic_load(&p->probes));
    cr_expect_lt(p->worst, max_s, "a health probe took %.3f s", p->worst);
}

/* ------------------------------------------------------------- tests --- */

/* Send an over-limit request five times: each gets a 431 and a closed
 * connection, or (when the server resets first) just the close, within
 * 2 s, never a hang. Returns how many 431s arrived. */
static int expect_431(const quirei_buf *req, const char *what)
{
    int n431 = 0;
    for (int round = 0; round < 5; round++) {
        reply_t r = exchange(req->ptr, req->len, 5.0, 1);
        cr_expect(r.how != HUNG, "%s: no answer and still open after 5 s", what);
        if (r.how == ANSWERED) {
            n431 += r.status == 431;
            cr_expect_eq(r.status, 431, "%s: %.60s", what, r.raw.ptr);
            cr_expect(r.closed_after, "%s: the connection is closed after the 431", what);
        }
        cr_expect_lt(r.secs, 2.0, "%s: took %.3f s", what, r.secs);
        reply_free(&r);
    }
    return n431;
}

/* Thousands of headers, or one header of 1 MB: the request line and headers
 * must fit in the connection's 32 KB, so libmicrohttpd answers 431 and closes
 * the connection (or, if the client is still sending when the server closes,
 * the client sees the connection reset); never a hang. */
Test(abuse, header_flood)
{
    const char *opts[] = {"--threads", "2", NULL};
    start_server(opts);
    prober_t pr;
    prober_start(&pr);
    quirei_buf req = QUIREI_BUF_INIT;
    int answered431 = 0;

    quirei_buf_adds(&req, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < 5000; i++)
        quirei_buf_addf(&req, "X-Flood-%d: %d\r\n", i, i);
    quirei_buf_adds(&req, "\r\n");
    answered431 += expect_431(&req, "5000 headers");

    quirei_buf_setf(&req, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
    for (int i = 0; i < 1024 * 1024 / 8; i++)
        quirei_buf_adds(&req, "abcdefgh");
    quirei_buf_adds(&req, "\r\n\r\n");
    answered431 += expect_431(&req, "1 MB header");

    /* The 431 does arrive (here, every time: the client reads while it
     * sends, so the answer comes before the reset). */
    cr_expect_geq(answered431, 1, "never a 431, only closed connections");

    /* Just under the limit is still served: 200 headers, and one of 16 KB. */
    quirei_buf_setf(&req, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (int i = 0; i < 200; i++)
        quirei_buf_addf(&req, "X-H%d: v\r\n", i);
    quirei_buf_adds(&req, "\r\n");
    reply_t r = exchange(req.ptr, req.len, 5.0, 0);
    cr_expect(r.how == ANSWERED && r.status == 200, "200 headers: %d %.60s", r.how,
              quirei_buf_cstr(&r.raw));
    reply_free(&r);
    quirei_buf_setf(&req, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                          "X-Big: ");
    for (int i = 0; i < 16 * 1024; i++)
        quirei_buf_addc(&req, 'x');
    quirei_buf_adds(&req, "\r\n\r\n");
    r = exchange(req.ptr, req.len, 5.0, 0);
    cr_expect(r.how == ANSWERED && r.status == 200, "16 KB header: %d %.60s", r.how,
              quirei_buf_cstr(&r.raw));
    reply_free(&r);

    prober_check(&pr, 1, 1.0);
    cr_expect_eq(get_status("/api/health", 5.0, NULL), 200);
    quirei_buf_release(&req);
    stop_server();
}

/* A client sending one byte a second never lets libmicrohttpd's idle timeout
 * fire; quire-serve's request deadline closes it --timeout seconds after it
 * connected, without an answer. An idle keep-alive connection is closed the
 * same time after its last answer. Other clients are served throughout. */
Test(abuse, slowloris)
{
    const char *opts[] = {"--timeout", "2", "--threads", "2", NULL};
    start_server(opts);
    prober_t pr;
    prober_start(&pr);

    static const char req[] = "GET /api/search?q=cyber+spying HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              "X-Slow: one byte a second\r\n\r\n";
    int fd = dial();
    cr_assert_geq(fd, 0);
    double t0 = qt_now(), closed_at = -1;
    size_t got = 0;
    for (size_t i = 0; i < sizeof req - 1 && qt_now() - t0 < 10; i++) {
        if (send(fd, req + i, 1, MSG_NOSIGNAL) != 1) {
            closed_at = qt_now() - t0; /* reset by the server */
            break;
        }
        double w = wait_closed(fd, 1.0, &got);
        if (w >= 0) {
            closed_at = qt_now() - t0;
            break;
        }
    }
    close(fd);
    cr_expect_geq(closed_at, 1.8, "closed after %.3f s, before the 2 s timeout", closed_at);
    cr_expect_lt(closed_at, 3.5, "slowloris connection closed after %.3f s (timeout 2 s)",
                 closed_at);
    cr_expect_eq(got, 0, "the slow client got no answer, only a closed connection");

    /* An idle keep-alive connection: closed 2 s after its answer. */
    fd = dial();
    cr_assert_geq(fd, 0);
    static const char ka[] = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    reply_t r = exchange_fd(fd, ka, sizeof ka - 1, 5.0, 0);
    cr_expect(r.how == ANSWERED && r.status == 200, "keep-alive request: %d", r.how);
    cr_expect(!r.closed_after);
    reply_free(&r);
    double idle = wait_closed(fd, 6.0, NULL);
    close(fd);
    cr_expect(idle >= 1.8 && idle < 3.5, "idle keep-alive connection closed after %.3f s "
                                         "(timeout 2 s)",
              idle);

    prober_check(&pr, 10, 1.0);
    stop_server();
}

typedef struct keepalive {
    pthread_t th;
    int fd;
    atomic_int stop;
    int requests, failures;
    double worst;
} keepalive_t;

/* One client on one keep-alive connection, asking /api/health every 200 ms. */
static void *keepalive_loop(void *arg)
{
    keepalive_t *k = arg;
    static const char req[] = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    while (!atomic_load(&k->stop)) {
        reply_t r = exchange_fd(k->fd, req, sizeof req - 1, 5.0, 0);
        k->requests++;
        if (r.how != ANSWERED || r.status != 200)
            k->failures++;
        if (r.secs > k->worst)
            k->worst = r.secs;
        reply_free(&r);
        qt_sleep(0.2);
    }
    return NULL;
}

typedef struct newcomer {
    pthread_t th;
    int status;
    double secs;
} newcomer_t;

static void *newcomer_run(void *arg)
{
    newcomer_t *n = arg;
    n->status = get_status("/api/health", 12.0, &n->secs);
    return NULL;
}

/* More connections than --max-connections. What happens, precisely:
 * libmicrohttpd does not refuse the connections over the limit; it stops
 * accepting, so they wait, connected, in the kernel's listen queue. While
 * one waits, quire-serve closes the connections that have been waiting for
 * a request for 1 s, to make room; the last ones accepted are closed by the
 * request deadline (--timeout). A client already connected is served
 * throughout, and a newcomer within about two rounds of eviction rather than
 * after several timeouts. */
Test(abuse, more_connections_than_the_limit)
{
    enum { LIMIT = 8, IDLE = 20, TIMEOUT = 5 };
    const char *opts[] = {"--max-connections", "8", "--timeout", "5", "--threads", "2", NULL};
    start_server(opts);

    /* A client already connected (one of the 8), busy every 200 ms. */
    keepalive_t ka = {.fd = dial()};
    cr_assert_geq(ka.fd, 0);
    cr_assert_eq(pthread_create(&ka.th, NULL, keepalive_loop, &ka), 0);
    qt_sleep(0.3);

    /* 20 idle connections: 7 take the remaining places, 13 wait. */
    int fds[IDLE];
    double t0 = qt_now();
    for (int i = 0; i < IDLE; i++) {
        fds[i] = dial();
        cr_assert_geq(fds[i], 0, "connection %d was refused: %s", i, strerror(errno));
    }
    /* A newcomer, behind the 13 in the queue. */
    newcomer_t nc = {0};
    cr_assert_eq(pthread_create(&nc.th, NULL, newcomer_run, &nc), 0);

    /* Watch every idle connection until it is closed. */
    double closed_at[IDLE];
    size_t got = 0;
    int open = IDLE;
    for (int i = 0; i < IDLE; i++)
        closed_at[i] = -1;
    while (open && qt_now() - t0 < 3 * TIMEOUT) {
        struct pollfd p[IDLE];
        for (int i = 0; i < IDLE; i++)
            p[i] = (struct pollfd){.fd = closed_at[i] < 0 ? fds[i] : -1, .events = POLLIN};
        if (poll(p, IDLE, 100) <= 0)
            continue;
        for (int i = 0; i < IDLE; i++) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buf[512];
            ssize_t k = recv(fds[i], buf, sizeof buf, MSG_DONTWAIT);
            if (k > 0) {
                got += (size_t)k;
            } else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
                closed_at[i] = qt_now() - t0;
                open--;
            }
        }
    }
    pthread_join(nc.th, NULL);
    cr_expect_eq(nc.status, 200, "the newcomer got %d", nc.status);
    cr_expect(nc.secs > 0.9 && nc.secs < 4.0,
              "the newcomer waited %.3f s (expected about two 1 s rounds of eviction)",
              nc.secs);

    int evicted = 0, timed_out = 0;
    for (int i = 0; i < IDLE; i++) {
        close(fds[i]);
        cr_expect_geq(closed_at[i], 0, "idle connection %d still open after %d s", i,
                      3 * TIMEOUT);
        if (closed_at[i] < 0)
            continue;
        /* Nothing is closed at once: over the limit means waiting. */
        cr_expect_geq(closed_at[i], 0.9, "idle connection %d closed after %.3f s", i,
                      closed_at[i]);
        if (closed_at[i] < TIMEOUT - 0.5)
            evicted++;
        else if (closed_at[i] < 2 * TIMEOUT)
            timed_out++;
    }
    /* Two rounds of 7 (the places not held by the busy client) made room for
     * the 13 waiting and the newcomer; the last 6 met their deadline. */
    cr_expect_eq(evicted, 2 * (LIMIT - 1), "evicted %d", evicted);
    cr_expect_eq(timed_out, IDLE - 2 * (LIMIT - 1), "closed by the timeout: %d", timed_out);
    cr_expect_eq(got, 0, "idle connections got %zu bytes", got);

    /* The busy client was served all along. */
    atomic_store(&ka.stop, 1);
    pthread_join(ka.th, NULL);
    close(ka.fd);
    cr_expect_eq(ka.failures, 0, "%d of %d keep-alive requests failed", ka.failures,
                 ka.requests);
    cr_expect_geq(ka.requests, 20);
    cr_expect_lt(ka.worst, 1.0, "a keep-alive request took %.3f s", ka.worst);

    /* And with the idle connections gone, a new client is served at once. */
    double secs = 0;
    cr_expect_eq(get_status("/api/health", 5.0, &secs), 200);
    cr_expect_lt(secs, 1.0, "took %.3f s", secs);
    stop_server();
}

static long vm_rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* Requests with a body: every endpoint is GET, so quire-serve answers as soon
 * as the headers are in (405 for POST and the like, 413 for GET), never reads
 * the body and closes the connection. */
Test(abuse, request_bodies)
{
    const char *opts[] = {"--threads", "2", NULL};
    start_server(opts);
    prober_t pr;
    prober_start(&pr);
    static const struct {
        const char *req;
        int status;
        const char *code;
    } cases[] = {
        {"POST /api/search?q=x HTTP/1.1\r\nHost: h\r\nContent-Length: 10000000\r\n\r\n", 405,
         "method_not_allowed"},
        {"PUT /api/doc/x HTTP/1.1\r\nHost: h\r\nContent-Length: 10000000\r\n\r\n", 405,
         "method_not_allowed"},
        {"POST /api/search?q=x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 405,
         "method_not_allowed"},
        /* no 100 Continue first: the answer is final */
        {"POST /api/search?q=x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
         "Content-Length: 10000000\r\n\r\n",
         405, "method_not_allowed"},
        {"GET /api/search?q=x HTTP/1.1\r\nHost: h\r\nContent-Length: 10000000\r\n\r\n", 413,
         "payload_too_large"},
        {"POST /nowhere HTTP/1.1\r\nHost: h\r\nContent-Length: 10000000\r\n\r\n", 404,
         "not_found"},
        /* a body that is itself a request is not run as one */
        {"GET /api/health HTTP/1.1\r\nHost: h\r\nContent-Length: 36\r\n\r\n"
         "GET /api/stats HTTP/1.1\r\nHost: h\r\n\r\n",
         413, "payload_too_large"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        /* Only the headers are sent: the answer must not wait for the body. */
        reply_t r = exchange(cases[i].req, strlen(cases[i].req), 5.0, 1);
        cr_expect_eq(r.how, ANSWERED, "case %zu: no answer", i);
        cr_expect_eq(r.status, cases[i].status, "case %zu: %.60s", i, quirei_buf_cstr(&r.raw));
        cr_expect(strstr(quirei_buf_cstr(&r.raw), cases[i].code), "case %zu: %s", i,
                  quirei_buf_cstr(&r.raw));
        cr_expect_lt(r.secs, 1.0, "case %zu: answered after %.3f s", i, r.secs);
        cr_expect(r.closed_after, "case %zu: connection left open", i);
        /* one response only: no second one from a smuggled request */
        cr_expect_null(strstr(quirei_buf_cstr(&r.raw) + 1, "HTTP/1.1"), "case %zu: %s", i,
                       quirei_buf_cstr(&r.raw));
        reply_free(&r);
    }

    /* A client that pushes a 256 MB body: the server stops reading and closes;
     * the client's sends fail long before 256 MB, and the server's memory
     * does not grow by the body. */
    long rss0 = vm_rss_kb(srv.pid);
    int fd = dial();
    cr_assert_geq(fd, 0);
    static const char head[] = "POST /api/search?q=x HTTP/1.1\r\nHost: h\r\n"
                               "Content-Length: 268435456\r\n\r\n";
    cr_assert_eq(send_all(fd, head, sizeof head - 1), 0);
    static char chunk[65536];
    memset(chunk, 'x', sizeof chunk);
    size_t pushed = 0;
    double t0 = qt_now();
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    while (pushed < 268435456 && qt_now() - t0 < 10) {
        ssize_t k = send(fd, chunk, sizeof chunk, MSG_NOSIGNAL);
        if (k <= 0)
            break;
        pushed += (size_t)k;
    }
    close(fd);
    cr_expect_lt(pushed, (size_t)64 << 20, "the client pushed %zu bytes of body", pushed);
    cr_expect_lt(qt_now() - t0, 5.0, "pushing the body took %.3f s", qt_now() - t0);
    long rss1 = vm_rss_kb(srv.pid);
    cr_expect_lt(rss1 - rss0, 16 * 1024, "server RSS grew from %ld to %ld kB", rss0, rss1);

    /* Content-Length: 0 is no body: answered normally, connection kept. */
    int ka = dial();
    static const char zero[] =
        "GET /api/health HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n";
    reply_t r = exchange_fd(ka, zero, sizeof zero - 1, 5.0, 0);
    cr_expect(r.how == ANSWERED && r.status == 200, "Content-Length: 0 -> %d", r.status);
    reply_free(&r);
    r = exchange_fd(ka, zero, sizeof zero - 1, 5.0, 0);
    cr_expect(r.how == ANSWERED && r.status == 200, "the connection was kept: %d", r.how);
    reply_free(&r);
    close(ka);

    prober_check(&pr, 1, 1.0);
    stop_server();
}

/* --max-connections and --timeout are checked; --help documents them. */
Test(abuse, limit_options)
{
    static const char *const bad[][3] = {
        {"--max-connections", "0", "--max-connections"},
        {"--max-connections", "abc", "--max-connections"},
        {"--max-connections", "70000", "--max-connections"},
        {"--timeout", "0", "--timeout"},
        {"--timeout", "-3", "--timeout"},
        {"--timeout", "3601", "--timeout"},
        {"--timeout", "", "--timeout"},
        /* digits only (number.h): no sign, no spaces */
        {"--timeout", "+5", "--timeout"},
        {"--timeout", " 5", "--timeout"},
        {"--max-connections", "8k", "--max-connections"},
    };
    char cmd[512];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(cmd, sizeof cmd, "'%s/quire-serve' --db '%s' --port 0 %s '%s' 2>&1",
                 QUIRE_BIN_DIR, db, bad[i][0], bad[i][1]);
        FILE *p = popen(cmd, "r");
        char out[1024] = "";
        size_t n = fread(out, 1, sizeof out - 1, p);
        out[n] = '\0';
        int status = pclose(p);
        cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 2, "%s %s: status %d", bad[i][0],
                  bad[i][1], status);
        cr_expect(strstr(out, bad[i][2]), "%s %s: %s", bad[i][0], bad[i][1], out);
    }
    snprintf(cmd, sizeof cmd,
             "'%s/quire-serve' --db '%s' --port 0 --threads 4 --max-connections 2 2>&1",
             QUIRE_BIN_DIR, db);
    FILE *p = popen(cmd, "r");
    char out[1024] = "";
    out[fread(out, 1, sizeof out - 1, p)] = '\0';
    int status = pclose(p);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 2, "threads > connections: %d",
              status);
    cr_expect(strstr(out, "--threads"), "%s", out);

    snprintf(cmd, sizeof cmd, "'%s/quire-serve' --help", QUIRE_BIN_DIR);
    p = popen(cmd, "r");
    quirei_buf help = QUIREI_BUF_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        quirei_buf_add(&help, buf, n);
    cr_expect_eq(pclose(p), 0);
    const char *h = quirei_buf_cstr(&help);
    cr_expect(strstr(h, "--max-connections N"), "%s", h);
    cr_expect(strstr(h, "--timeout SECONDS"), "%s", h);
    cr_expect(strstr(h, "431"), "%s", h);
    cr_expect(strstr(h, "414"), "%s", h);
    quirei_buf_release(&help);

    /* One connection, one thread (the default thread count is lowered). */
    const char *opts[] = {"--max-connections", "1", "--timeout", "1", NULL};
    start_server(opts);
    cr_expect_eq(get_status("/api/health", 5.0, NULL), 200);
    cr_expect_eq(get_status("/api/health", 5.0, NULL), 200);
    stop_server();
}
