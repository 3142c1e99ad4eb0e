/*
 * quire-serve - the HTTP query server (libmicrohttpd).
 *
 * main.c owns the process: options, the daemon, signals and the access
 * log; http_api.c owns the routes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gzip_encode.h"
#include "http_api.h"

#define DEFAULT_MAX_CONNECTIONS 256
#define DEFAULT_CACHE_MB 64
#define DEFAULT_TIMEOUT_S 10
/* libmicrohttpd's memory pool per connection: the request line and headers
 * must fit in it (with room left for the response headers). */
#define CONNECTION_MEMORY (32 * 1024)

static void usage(FILE *out)
{
    fputs("Usage: quire-serve --db DIR [--listen ADDR] [--port N] [--threads N]\n"
          "                   [--max-connections N] [--timeout SECONDS] [--cache-mb N]\n"
          "\n"
          "Serve the Quire index in DIR over HTTP.\n"
          "\n"
          "Options:\n"
          "  --db DIR        the index directory (required; must be a Quire index)\n"
          "  --listen ADDR   IPv4 address to bind (default 127.0.0.1)\n"
          "  --port N        TCP port (default 8080; 0 picks a free port)\n"
          "  --threads N     worker threads (default: one per core, at most\n"
          "                  --max-connections)\n"
          "  --max-connections N\n"
          "                  connections served at once (default 256, 1 to 65536; shared\n"
          "                  evenly between the threads). Further connections wait in the\n"
          "                  kernel's listen queue; while one waits, connections that have\n"
          "                  been waiting for a request for 1 s (or half the timeout, if\n"
          "                  shorter) are closed to make room for it\n"
          "  --timeout SECONDS\n"
          "                  default 10, 1 to 3600. A client must send its request line\n"
          "                  and headers within SECONDS of connecting or of its previous\n"
          "                  answer, else the connection is closed without an answer\n"
          "                  (idle keep-alive connections and slow senders alike); a\n"
          "                  connection whose answer makes no progress for SECONDS is\n"
          "                  closed too. The time a search takes does not count\n"
          "  --cache-mb N    memory for cached search responses (default 64, 0 = no\n"
          "                  cache). A repeated search (same q and parameters) is\n"
          "                  answered from the cache until the index changes; its\n"
          "                  took_ms is the original search's\n"
          "  --cors ORIGIN   allow browser pages from ORIGIN (repeatable, or '*'):\n"
          "                  adds Access-Control-Allow-Origin and answers OPTIONS\n"
          "  --api-key KEY   every request needs 'Authorization: Bearer KEY' (else 401)\n"
          "  --api-key-file F  the same, the key being the first line of F (keeps it\n"
          "                  out of the process list)\n"
          "  --help, --version\n"
          "\n"
          "On start it prints 'listening on http://ADDR:PORT' to stderr, then one\n"
          "access-log line per request: method, path, status, bytes, microseconds.\n"
          "SIGINT/SIGTERM stop accepting, finish requests in flight and exit 0.\n"
          "\n"
          "Request limits: the request line and headers must fit in 32 KB together:\n"
          "a longer URL gets 414, longer or too many headers 431, and a request within\n"
          "a few hundred bytes of the limit is closed without an answer. A request\n"
          "with a body is answered as soon as its headers are in, without reading the\n"
          "body, and the connection is then closed: GET and HEAD get 413, other\n"
          "methods 405 (404 on an unknown path).\n"
          "Search queries (q) are limited to 8192 bytes (400).\n"
          "\n"
          "Endpoints (see README.md, \"HTTP API\"):\n"
          "  GET /api/search?q=...&limit=10&offset=0&sort=relevance|date&source=...\n"
          "                 &from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|text\n"
          "  GET /api/doc/{id}\n"
          "  GET /api/health, GET /api/stats, GET /openapi.json\n"
          "Index updates by quire-index are picked up within about a second.\n",
          out);
}

static api_config_t config;
static char *api_key; /* --api-key / --api-key-file, or NULL */

/* Compare in time independent of where the strings differ, so the key
 * cannot be guessed byte by byte from response times. */
static int key_matches(const char *given)
{
    if (!given)
        return 0;
    size_t n = strlen(api_key), m = strlen(given);
    unsigned char diff = (unsigned char)(n != m);
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(api_key[i] ^ (i < m ? given[i] : 0));
    return diff == 0;
}

static char *read_key_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char line[1024];
    char *key = NULL;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (*line)
            key = strdup(line);
    }
    fclose(f);
    return key;
}

typedef struct request_ctx {
    struct MHD_Connection *conn;
} request_ctx_t;

static const char *get_arg(const api_request_t *rq, const char *name)
{
    request_ctx_t *c = rq->ctx;
    return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name);
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
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
 * been waiting for a request for EVICT_AFTER_MS or more make room.
 *
 * A watchdog thread does both, by shutting down the sockets concerned;
 * libmicrohttpd then sees end-of-file and closes them itself. */

#define WATCHDOG_TICK_MS 100
#define EVICT_AFTER_MS 1000

typedef struct conn_slot {
    struct conn_slot *prev, *next;
    int fd;
    int shut;                    /* shutdown() done (under slots_mu) */
    _Atomic int64_t deadline_ms; /* 0 while a request is being answered */
} conn_slot_t;

static pthread_mutex_t slots_mu = PTHREAD_MUTEX_INITIALIZER;
static conn_slot_t *slots; /* the open connections */
static long nslots;
static long max_connections = DEFAULT_MAX_CONNECTIONS;
static int64_t timeout_ms = DEFAULT_TIMEOUT_S * 1000;
static atomic_int listen_fd = -1;
static atomic_int watchdog_stop;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static conn_slot_t *slot_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode what)
{
    (void)cls;
    if (what == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn_slot_t *s = calloc(1, sizeof *s);
        if (!s || !ci) {
            free(s);
            return; /* no deadline; the idle timeout still applies */
        }
        s->fd = ci->connect_fd;
        atomic_store(&s->deadline_ms, now_ms() + timeout_ms);
        pthread_mutex_lock(&slots_mu);
        s->next = slots;
        if (slots)
            slots->prev = s;
        slots = s;
        nslots++;
        pthread_mutex_unlock(&slots_mu);
        *socket_context = s;
    } else if (what == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        /* Called before libmicrohttpd closes the socket, so the watchdog
         * never shuts down a descriptor already reused by another one. */
        conn_slot_t *s = *socket_context;
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
        *socket_context = NULL;
    }
}

/* The answer has been sent: the next request has the timeout to arrive. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **state,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)state;
    (void)toe;
    conn_slot_t *s = slot_of(conn);
    if (s)
        atomic_store(&s->deadline_ms, now_ms() + timeout_ms);
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
    int64_t evict_after = timeout_ms / 2 < EVICT_AFTER_MS ? timeout_ms / 2 : EVICT_AFTER_MS;
    while (!atomic_load(&watchdog_stop)) {
        nanosleep(&tick, NULL);
        int64_t now = now_ms();
        pthread_mutex_lock(&slots_mu);
        int full = nslots >= max_connections && connection_pending();
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

/* Does the request announce a body (Content-Length > 0, or chunked)? */
static int announces_body(struct MHD_Connection *conn)
{
    const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding"))
        return 1;
    return len && strspn(len, "0 \t") != strlen(len);
}

/* Queue a response with our usual headers; with a body announced, tell the
 * client the connection closes (we never read request bodies). */
static enum MHD_Result queue(struct MHD_Connection *conn, unsigned status,
                             struct MHD_Response *resp, const char *type, const char *allow,
                             int closing)
{
    if (type)
        MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (allow) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", allow);
        if (strcmp(allow, "*") != 0)
            MHD_add_response_header(resp, "Vary", "Origin");
    }
    if (closing)
        MHD_add_response_header(resp, "Connection", "close");
    enum MHD_Result r = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result queue_static(struct MHD_Connection *conn, unsigned status,
                                    const char *json, const char *allow, int closing,
                                    const char *method, const char *url, double t0)
{
    size_t n = strlen(json);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(n, (void *)json, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    if (status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
    enum MHD_Result r =
        queue(conn, status, resp, "application/json; charset=utf-8", allow, closing);
    fprintf(stderr, "%s %s %u %zu %.0f\n", method, url, status, n, now_us() - t0);
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **state)
{
    (void)cls;
    (void)version;
    (void)upload_data;
    static int headers_in, answered;
    if (*state == &answered) {
        /* libmicrohttpd offers the body of a request already answered:
         * drop the connection rather than read it. */
        return *upload_size ? MHD_NO : MHD_YES;
    }
    if (*state == &headers_in && *upload_size)
        return MHD_NO; /* a body no header announced: drop the connection */
    int body = 0;
    if (*state == NULL) {
        /* First call: the request line and headers are in. */
        conn_slot_t *slot = slot_of(conn);
        if (slot)
            atomic_store(&slot->deadline_ms, 0); /* no deadline while answering */
        body = announces_body(conn);
        if (!body) {
            /* Answer on the second call, which follows at once; answering
             * now would make libmicrohttpd close the connection. */
            *state = &headers_in;
            return MHD_YES;
        }
        /* No endpoint takes a body: answer now, so the body is never
         * waited for, read or buffered, and the connection closes. */
    }
    *state = &answered;
    double t0 = now_us();
    const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    const char *allow = api_cors_origin(&config, origin);
    if (allow && strcmp(method, "OPTIONS") == 0) {
        /* CORS preflight */
        struct MHD_Response *pre = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        if (!pre)
            return MHD_NO;
        MHD_add_response_header(pre, "Access-Control-Allow-Methods", "GET, OPTIONS");
        MHD_add_response_header(pre, "Access-Control-Allow-Headers", "Authorization, Content-Type");
        MHD_add_response_header(pre, "Access-Control-Max-Age", "86400");
        enum MHD_Result r = queue(conn, 204, pre, NULL, allow, body);
        fprintf(stderr, "%s %s 204 0 %.0f\n", method, url, now_us() - t0);
        return r;
    }
    if (api_key) {
        const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
        if (!auth || strncmp(auth, "Bearer ", 7) != 0 || !key_matches(auth + 7))
            return queue_static(conn, 401,
                                "{\"error\":{\"code\":\"unauthorized\",\"message\":"
                                "\"this server needs the header Authorization: Bearer KEY\"}}",
                                allow, body, method, url, t0);
    }
    if (body && (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
        return queue_static(conn, 413,
                            "{\"error\":{\"code\":\"payload_too_large\",\"message\":"
                            "\"request bodies are not accepted: every endpoint is GET\"}}",
                            allow, body, method, url, t0);
    const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
    request_ctx_t c = {conn};
    api_request_t rq = {
        .method = method,
        .path = url,
        .wants_text = accept && strstr(accept, "text/plain") && !strstr(accept, "json"),
        .accepts_gzip =
            accepts_gzip(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding")),
        .arg = get_arg,
        .ctx = &c,
    };
    api_response_t r = api_handle(&config, &rq);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r.len, r.body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(r.body);
        return MHD_NO;
    }
    if (r.encoding)
        MHD_add_response_header(resp, "Content-Encoding", r.encoding);
    if (r.vary_encoding)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    enum MHD_Result ret = queue(conn, r.status, resp, r.type, allow, body);
    double us = now_us() - t0;
    api_record(us);
    fprintf(stderr, "%s %s %u %zu %.0f\n", method, url, r.status, r.len, us);
    return ret;
}

/* The value of the numeric option `name` in [lo, hi]; else says why on
 * stderr and returns -1. */
static int number_arg(const char *name, const char *arg, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || !*arg || *end || v < lo || v > hi) {
        fprintf(stderr, "quire-serve: %s takes a number from %ld to %ld, not '%s'\n", name, lo,
                hi, arg);
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    const char *listen_addr = "127.0.0.1";
    unsigned port = 8080;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    int threads_given = 0;
    long timeout_s = DEFAULT_TIMEOUT_S;
    long cache_mb = DEFAULT_CACHE_MB;
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},      {"listen", required_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},    {"threads", required_argument, NULL, 't'},
        {"cors", required_argument, NULL, 'c'},    {"help", no_argument, NULL, 'h'},
        {"api-key", required_argument, NULL, 'k'}, {"api-key-file", required_argument, NULL, 'K'},
        {"version", no_argument, NULL, 'V'},       {"max-connections", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 'T'}, {"cache-mb", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0},
    };
    static const char *cors[33];
    size_t ncors = 0;
    config.cors = cors;
    int c;
    while ((c = getopt_long(argc, argv, "d:l:p:t:c:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': config.db = optarg; break;
        case 'l': listen_addr = optarg; break;
        case 'p': {
            long v;
            if (number_arg("--port", optarg, 0, 65535, &v) < 0)
                return 2;
            port = (unsigned)v;
            break;
        }
        case 'C':
            if (number_arg("--cache-mb", optarg, 0, 65536, &cache_mb) < 0)
                return 2;
            break;
        case 't':
            if (number_arg("--threads", optarg, 1, 256, &threads) < 0)
                return 2;
            threads_given = 1;
            break;
        case 'm':
            if (number_arg("--max-connections", optarg, 1, 65536, &max_connections) < 0)
                return 2;
            break;
        case 'T':
            if (number_arg("--timeout", optarg, 1, 3600, &timeout_s) < 0)
                return 2;
            break;
        case 'c':
            if (ncors == 32) {
                fprintf(stderr, "quire-serve: at most 32 --cors origins\n");
                return 2;
            }
            cors[ncors++] = optarg;
            break;
        case 'k':
            free(api_key);
            api_key = strdup(optarg);
            break;
        case 'K':
            free(api_key);
            if (!(api_key = read_key_file(optarg))) {
                fprintf(stderr, "quire-serve: --api-key-file: cannot read a key from %s\n",
                        optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("quire-serve %s\n", QUIRE_VERSION); return 0;
        default: fprintf(stderr, "Try 'quire-serve --help'.\n"); return 2;
        }
    }
    if (!config.db) {
        fprintf(stderr, "quire-serve: --db DIR is required\nTry 'quire-serve --help'.\n");
        return 2;
    }
    if (threads < 1)
        threads = 1;
    /* libmicrohttpd shares the connection limit between the threads: each
     * needs at least one. */
    if (threads > max_connections) {
        if (threads_given) {
            fprintf(stderr, "quire-serve: --threads %ld is more than --max-connections %ld: each "
                            "thread needs at least one connection\n",
                    threads, max_connections);
            return 2;
        }
        threads = max_connections;
    }
    /* Every connection is a file descriptor: make sure the limit can be
     * reached rather than fail accept() with EMFILE under load. */
    struct rlimit nofile;
    rlim_t fds_needed = (rlim_t)max_connections + 64;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < fds_needed) {
        if (nofile.rlim_max != RLIM_INFINITY && nofile.rlim_max < fds_needed) {
            fprintf(stderr, "quire-serve: --max-connections %ld needs %lu file descriptors, and "
                            "the hard limit (ulimit -Hn) is %lu\n",
                    max_connections, (unsigned long)fds_needed, (unsigned long)nofile.rlim_max);
            return 2;
        }
        nofile.rlim_cur = fds_needed;
        setrlimit(RLIMIT_NOFILE, &nofile);
    }
    /* Refuse to start on something that is not an index. */
    quire_reader_t *probe = NULL;
    char *detail = NULL;
    quire_status_t st = quire_reader_open(config.db, &probe, &detail);
    if (st != QUIRE_OK) {
        fprintf(stderr, "quire-serve: cannot serve %s: %s\n", config.db,
                detail ? detail : quire_strerror(st));
        free(detail);
        return 1;
    }
    quire_reader_close(probe);

    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, listen_addr, &sa.sin_addr) != 1) {
        fprintf(stderr, "quire-serve: --listen: not an IPv4 address: %s\n", listen_addr);
        return 2;
    }
    if (api_key && !*api_key) {
        fprintf(stderr, "quire-serve: --api-key: the key is empty\n");
        return 2;
    }
    if (!api_key && (ntohl(sa.sin_addr.s_addr) >> 24) != 127)
        fprintf(stderr, "quire-serve: warning: listening on %s without --api-key: anyone "
                        "who can reach this address can search the index\n",
                listen_addr);

    /* Signals are taken by sigwait() below, not by a handler. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    timeout_ms = (int64_t)timeout_s * 1000;
    if (cache_mb && !(config.cache = rcache_new((size_t)cache_mb << 20))) {
        fprintf(stderr, "quire-serve: out of memory for the result cache\n");
        return 1;
    }
    pthread_t watchdog_thread;
    if (pthread_create(&watchdog_thread, NULL, watchdog, NULL) != 0) {
        fprintf(stderr, "quire-serve: cannot start a thread: %s\n", strerror(errno));
        return 1;
    }
    /* A pool of one thread is no pool: libmicrohttpd warns about it, so the
     * option is left out (END) and its one internal thread serves alone. */
    struct MHD_OptionItem pool[] = {
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_POLL, 0, NULL, NULL,
        on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_ARRAY, pool,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "quire-serve: cannot listen on %s:%u: %s\n", listen_addr, port,
                strerror(errno));
        return 1;
    }
    const union MHD_DaemonInfo *lfd = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    if (lfd)
        atomic_store(&listen_fd, lfd->listen_fd);
    api_init();
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "listening on http://%s:%u\n", listen_addr,
            info ? (unsigned)info->port : port);
    fflush(stderr);

    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "quire-serve: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    atomic_store(&listen_fd, -1);
    MHD_stop_daemon(d); /* waits for the threads, so requests in flight finish */
    atomic_store(&watchdog_stop, 1);
    pthread_join(watchdog_thread, NULL);
    api_shutdown();
    rcache_free(config.cache);
    free(api_key);
    return 0;
}
