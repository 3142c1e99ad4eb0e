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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_api.h"

#define CONNECTION_LIMIT 256
#define CONNECTION_TIMEOUT_S 10
#define MAX_URL_BYTES 16384

static void usage(FILE *out)
{
    fputs("Usage: quire-serve --db DIR [--listen ADDR] [--port N] [--threads N]\n"
          "\n"
          "Serve the Quire index in DIR over HTTP.\n"
          "\n"
          "Options:\n"
          "  --db DIR        the index directory (required; must be a Quire index)\n"
          "  --listen ADDR   IPv4 address to bind (default 127.0.0.1)\n"
          "  --port N        TCP port (default 8080; 0 picks a free port)\n"
          "  --threads N     worker threads (default: one per core)\n"
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
          "Limits: 256 connections, 10 s idle timeout per connection, URLs up to\n"
          "16 KB (longer requests get 414).\n"
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **state)
{
    (void)cls;
    (void)version;
    (void)upload_data;
    static int first_call_marker;
    if (*state == NULL) {
        /* First call: headers only. Answer on the second. */
        *state = &first_call_marker;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* bodies are ignored: every endpoint is GET */
        return MHD_YES;
    }
    double t0 = now_us();
    const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    const char *allow = api_cors_origin(&config, origin);
    if (allow && strcmp(method, "OPTIONS") == 0) {
        /* CORS preflight */
        struct MHD_Response *pre = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        if (!pre)
            return MHD_NO;
        MHD_add_response_header(pre, "Access-Control-Allow-Origin", allow);
        MHD_add_response_header(pre, "Access-Control-Allow-Methods", "GET, OPTIONS");
        MHD_add_response_header(pre, "Access-Control-Allow-Headers", "Authorization, Content-Type");
        MHD_add_response_header(pre, "Access-Control-Max-Age", "86400");
        if (strcmp(allow, "*") != 0)
            MHD_add_response_header(pre, "Vary", "Origin");
        enum MHD_Result r = MHD_queue_response(conn, 204, pre);
        MHD_destroy_response(pre);
        fprintf(stderr, "%s %s 204 0 %.0f\n", method, url, now_us() - t0);
        return r;
    }
    if (api_key) {
        const char *auth = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
        if (!auth || strncmp(auth, "Bearer ", 7) != 0 || !key_matches(auth + 7)) {
            static const char denied[] =
                "{\"error\":{\"code\":\"unauthorized\",\"message\":"
                "\"this server needs the header Authorization: Bearer KEY\"}}";
            struct MHD_Response *no = MHD_create_response_from_buffer(
                sizeof denied - 1, (void *)denied, MHD_RESPMEM_PERSISTENT);
            if (!no)
                return MHD_NO;
            MHD_add_response_header(no, "Content-Type", "application/json; charset=utf-8");
            MHD_add_response_header(no, "WWW-Authenticate", "Bearer");
            if (allow)
                MHD_add_response_header(no, "Access-Control-Allow-Origin", allow);
            enum MHD_Result r = MHD_queue_response(conn, 401, no);
            MHD_destroy_response(no);
            fprintf(stderr, "%s %s 401 %zu %.0f\n", method, url, sizeof denied - 1,
                    now_us() - t0);
            return r;
        }
    }
    const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
    request_ctx_t c = {conn};
    api_request_t rq = {
        .method = method,
        .path = url,
        .wants_text = accept && strstr(accept, "text/plain") && !strstr(accept, "json"),
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
    MHD_add_response_header(resp, "Content-Type", r.type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (allow) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", allow);
        if (strcmp(allow, "*") != 0)
            MHD_add_response_header(resp, "Vary", "Origin");
    }
    enum MHD_Result ret = MHD_queue_response(conn, r.status, resp);
    MHD_destroy_response(resp);
    double us = now_us() - t0;
    api_record(us);
    fprintf(stderr, "%s %s %u %zu %.0f\n", method, url, r.status, r.len, us);
    return ret;
}

int main(int argc, char **argv)
{
    const char *listen_addr = "127.0.0.1";
    unsigned port = 8080;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},      {"listen", required_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},    {"threads", required_argument, NULL, 't'},
        {"cors", required_argument, NULL, 'c'},    {"help", no_argument, NULL, 'h'},
        {"api-key", required_argument, NULL, 'k'}, {"api-key-file", required_argument, NULL, 'K'},
        {"version", no_argument, NULL, 'V'},       {NULL, 0, NULL, 0},
    };
    static const char *cors[33];
    size_t ncors = 0;
    config.cors = cors;
    int c;
    while ((c = getopt_long(argc, argv, "d:l:p:t:c:hV", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': config.db = optarg; break;
        case 'l': listen_addr = optarg; break;
        case 'p':
            port = (unsigned)strtoul(optarg, &end, 10);
            if (*end || !*optarg || port > 65535) {
                fprintf(stderr, "quire-serve: --port takes a number from 0 to 65535\n");
                return 2;
            }
            break;
        case 't':
            threads = strtol(optarg, &end, 10);
            if (*end || threads < 1 || threads > 256) {
                fprintf(stderr, "quire-serve: --threads takes a number from 1 to 256\n");
                return 2;
            }
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

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_POLL, 0, NULL, NULL,
        on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)CONNECTION_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(MAX_URL_BYTES + 16384), MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "quire-serve: cannot listen on %s:%u: %s\n", listen_addr, port,
                strerror(errno));
        return 1;
    }
    api_init();
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "listening on http://%s:%u\n", listen_addr,
            info ? (unsigned)info->port : port);
    fflush(stderr);

    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "quire-serve: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    MHD_stop_daemon(d); /* waits for the threads, so requests in flight finish */
    api_shutdown();
    free(api_key);
    return 0;
}
