/*
 * options.c - quire-serve's command line (see options.h).
 */
#include "options.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <quire/quire.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "daemon.h"
#include "number.h"

/* One text, the --help page (over 60 lines: it is one string), with the
 * limits printed from their constants so that it cannot drift from them. */
static void usage(FILE *out)
{
    fprintf(out,
            "Usage: quire-serve --db DIR [--db DIR...] [--listen ADDR] [--port N]\n"
            "                   [--threads N] [--max-connections N] [--timeout SECONDS]\n"
            "                   [--cache-mb N] [--shard-timeout MS]\n"
            "                   [--shard-connect-timeout MS] [--require-all-shards]\n"
            "\n"
            "Serve the Quire index in DIR over HTTP.\n"
            "\n"
            "Options:\n"
            "  --db DIR        the index directory (required; must be a Quire index).\n"
            "                  Repeat it to serve several indexes or shards as one; each\n"
            "                  is an index directory, a manifest file (one shard a line:\n"
            "                  'auto PATH' or 'remote HOST:PORT') or tcp://HOST:PORT (a\n"
            "                  shard served by xapian-tcpsrv). See docs/scaling.md\n"
            "  --shard-timeout MS\n"
            "                  a remote shard that takes longer than MS to answer counts\n"
            "                  as down (default %d, 1 to %d)\n"
            "  --shard-connect-timeout MS\n"
            "                  connecting to a remote shard may take MS (default %d)\n"
            "  --require-all-shards\n"
            "                  while a shard is down, answer searches and documents with\n"
            "                  503 index_unavailable. Without it, the shards that are up\n"
            "                  answer: \"partial\": true, \"missing_shards\" names the others\n"
            "                  (a 'Partial results' line in text; exports, feeds,\n"
            "                  batches, /api/sources: an X-Quire-Partial header), and a\n"
            "                  down shard is tried again every second\n"
            "  --listen ADDR   IPv4 address to bind (default 127.0.0.1)\n"
            "  --port N        TCP port (default %d; 0 picks a free port)\n"
            "  --threads N     worker threads (default: one per core, at most\n"
            "                  --max-connections)\n"
            "  --max-connections N\n"
            "                  connections served at once (default %d, 1 to %d; shared\n"
            "                  evenly between the threads). Further connections wait in the\n"
            "                  kernel's listen queue; while one waits, connections that have\n"
            "                  been waiting for a request for %d s (or half the timeout, if\n"
            "                  shorter) are closed to make room for it\n"
            "  --timeout SECONDS\n"
            "                  default %d, 1 to %d. A client must send its request line\n"
            "                  and headers within SECONDS of connecting or of its previous\n"
            "                  answer, else the connection is closed without an answer\n"
            "                  (idle keep-alive connections and slow senders alike); a\n"
            "                  connection whose answer makes no progress for SECONDS is\n"
            "                  closed too. The time a search takes does not count; a\n"
            "                  batch (POST /api/batch) starts no query after SECONDS/2\n"
            "  --cache-mb N    memory for cached search responses (default %d, 0 = no\n"
            "                  cache). A repeated search (same q and parameters) is\n"
            "                  answered from the cache until the index changes; its\n"
            "                  took_ms is the original search's\n"
            "  --cors ORIGIN   allow browser pages from ORIGIN (repeatable, or '*'):\n"
            "                  adds Access-Control-Allow-Origin and answers OPTIONS\n"
            "  --api-key KEY   every request needs 'Authorization: Bearer KEY' or, for\n"
            "                  clients that cannot send headers (feed readers), the\n"
            "                  parameter key=KEY (such a URL is a secret; the log shows\n"
            "                  key=REDACTED); else 401. Public: /api/health (load\n"
            "                  balancers), /opensearch.xml, the web page (/, /assets/,\n"
            "                  /doc/)\n"
            "  --api-key-file F  the same, the key being the first line of F (keeps it\n"
            "                  out of the process list)\n"
            "  --frame-ancestors SOURCES\n"
            "                  who may show the page (and the API's answers) in a frame,\n"
            "                  as a CSP source list, e.g. \"'self' https://portal.example\"\n"
            "                  (default 'none': nobody; sent as Content-Security-Policy\n"
            "                  frame-ancestors, and X-Frame-Options DENY or SAMEORIGIN)\n"
            "  --help, --version\n"
            "\n"
            "Numbers are decimal digits only (no sign, no spaces).\n"
            "On start it prints 'listening on http://ADDR:PORT' to stderr, then one\n"
            "access-log line per request: TIME (UTC, ISO 8601 with ms) CLIENT METHOD\n"
            "PATH?QUERY (percent-encoded, key redacted) STATUS BYTES MS, as in\n"
            "2026-12-02T08:17:09.123Z 127.0.0.1 GET /api/search?q=grid 200 1834 0.412\n"
            "Every JSON answer starts with \"api_version\" (the API's version, %s).\n"
            "SIGINT/SIGTERM stop accepting, finish requests in flight and exit 0.\n"
            "\n"
            "Request limits: the request line and headers must fit in %d KB together:\n"
            "a longer URL gets 414, longer or too many headers 431, and a request within\n"
            "a few hundred bytes of the limit is closed without an answer. A request\n"
            "with a body is answered as soon as its headers are in, without reading the\n"
            "body, and the connection is then closed: GET and HEAD get 413, other\n"
            "methods 405 (404 on an unknown path). Only POST /api/batch takes a body:\n"
            "at most 1 MiB (1048576 bytes; more announced gets 413 unread), to arrive\n"
            "within the timeout.\n"
            "Search queries (q) are limited to %d bytes (400).\n"
            "\n"
            "Errors: 400 bad_parameter (a parameter missing, unknown or out of range,\n"
            "named in error.parameter, its value quoted) or bad_query (the q text, with\n"
            "error.position), 401, 404, 405, 413, 503; as text with format=text or\n"
            "Accept: text/plain.\n"
            "\n"
            "The page: open http://ADDR:PORT/ in a browser (search, read, cite, batch\n"
            "search, history and saved searches with their feeds; README.md, \"The\n"
            "page\"). It and /doc/{id} are served without the API key; the page asks\n"
            "for the key when the API needs it.\n"
            "\n"
            "Endpoints (see README.md, \"HTTP API\"):\n"
            "  GET /api/search?q=...&limit=10&offset=0&sort=relevance|date&source=...\n"
            "                 &from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|text\n"
            "                 &facets=source,year,author&facet_size=10 (1-100): counts of\n"
            "                 the matches by value; a filter matching no document gives\n"
            "                 a \"warnings\" entry\n"
            "  GET /api/sources?format=json|text   every source and its documents\n"
            "  GET /api/search?...&format=csv|jsonl  every match up to 10000, whatever\n"
            "                 limit says, streamed (Accept: text/csv too)\n"
            "  GET /api/search?...&format=atom  an Atom feed of the query, newest first\n"
            "  POST /api/batch?limit=3&sort=&source=&from=&to=&format=json|csv\n"
            "                 up to 1000 queries: a JSON array of strings, or text with\n"
            "                 one query a line; answered in the order sent\n"
            "  GET /opensearch.xml  the OpenSearch 1.1 description\n"
            "  GET /api/doc/{id}\n"
            "  GET /api/similar/{id}?limit=10&offset=0&source=&from=&to=&snippets=0|1\n"
            "                 &format=json|text  the articles most like {id}, without\n"
            "                 it and its near-duplicates (offset + limit <= 100)\n"
            "  GET /api/health, GET /api/stats, GET /openapi.json\n"
            "Index updates by quire-index are picked up within about a second.\n"
            "\n"
            "A damaged index: quire-serve refuses to start on one (\"the index is\n"
            "damaged\", with the files a check names). It serves from a worker process\n"
            "under a supervisor that holds the socket: when the search engine crashes\n"
            "on a damaged index, another worker takes over; while the index is known\n"
            "damaged, requests that need it answer 503 index_unavailable with the\n"
            "reason and /api/health 503 {\"status\":\"damaged\"}, until the index\n"
            "changes on disk (restored, rebuilt). quire-index --check --db DIR says\n"
            "what is damaged.\n",
            QUIRE_SHARD_TIMEOUT_MS, SERVE_MAX_SHARD_TIMEOUT_MS, QUIRE_SHARD_CONNECT_TIMEOUT_MS,
            SERVE_DEFAULT_PORT, SERVE_DEFAULT_MAX_CONNECTIONS, SERVE_MAX_CONNECTIONS,
            DAEMON_EVICT_AFTER_MS / 1000, SERVE_DEFAULT_TIMEOUT_S, SERVE_MAX_TIMEOUT_S,
            SERVE_DEFAULT_CACHE_MB, QUIRE_API_VERSION, DAEMON_CONNECTION_MEMORY / 1024,
            QUIRE_MAX_QUERY_BYTES);
}

static const char PROG[] = "quire-serve";

/* The first line of the file at path (malloc'd), or NULL when it cannot be
 * read, is empty, or memory is short. */
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

/* A CSP source list goes into a header as it is: refuse what would end the
 * directive (';'), start another policy (','), or break the header (control
 * characters). 1 when arg is fine, else 0 (said why). */
static int frame_ancestors_ok(const char *arg)
{
    int ok = *arg != '\0';
    for (const char *p = arg; ok && *p; p++)
        ok = (*p >= 0x21 && *p <= 0x7e && *p != ';' && *p != ',') || *p == ' ';
    if (!ok)
        fprintf(stderr, "quire-serve: --frame-ancestors: not a CSP source list (no ';', ',' "
                        "or control characters): '%s'\n", arg);
    return ok;
}

QUIREI_ARRAY(origin_list, const char *)

/* The options parsed so far, and what parsing them owns. */
typedef struct parse_state {
    serve_options_t *o;
    origin_list cors;
    origin_list dbs; /* every --db */
    int threads_given;
} parse_state_t;

/* Apply option c (getopt_long's value) with argument arg. Returns
 * SERVE_OPTIONS_RUN to go on, else the exit status (see options.h). */
static int apply_option(parse_state_t *ps, int c, const char *arg)
{
    serve_options_t *o = ps->o;
    long port;
    switch (c) {
    case 'd':
        if (origin_list_push(&ps->dbs, arg) < 0)
            return 1;
        o->db = ps->dbs.v[0];
        break;
    case 'S':
    case 'N': {
        long ms;
        if (quirei_option_number(PROG, c == 'S' ? "--shard-timeout" : "--shard-connect-timeout",
                                 arg, 1, SERVE_MAX_SHARD_TIMEOUT_MS, &ms) < 0)
            return 2;
        *(c == 'S' ? &o->reader.shard_timeout_ms : &o->reader.shard_connect_timeout_ms) =
            (unsigned)ms;
        break;
    }
    case 'R': o->reader.require_all_shards = true; break;
    case 'l': o->listen_addr = arg; break;
    case 'p':
        if (quirei_option_number(PROG, "--port", arg, 0, UINT16_MAX, &port) < 0)
            return 2;
        o->port = (unsigned)port;
        break;
    case 'C':
        if (quirei_option_number(PROG, "--cache-mb", arg, 0, SERVE_MAX_CACHE_MB, &o->cache_mb) < 0)
            return 2;
        break;
    case 't':
        if (quirei_option_number(PROG, "--threads", arg, 1, SERVE_MAX_THREADS, &o->threads) < 0)
            return 2;
        ps->threads_given = 1;
        break;
    case 'm':
        if (quirei_option_number(PROG, "--max-connections", arg, 1, SERVE_MAX_CONNECTIONS,
                       &o->max_connections) < 0)
            return 2;
        break;
    case 'T':
        if (quirei_option_number(PROG, "--timeout", arg, 1, SERVE_MAX_TIMEOUT_S, &o->timeout_s) < 0)
            return 2;
        break;
    case 'c':
        if (origin_list_push(&ps->cors, arg) < 0)
            return 1;
        break;
    case 'k':
        free(o->api_key);
        if (!(o->api_key = strdup(arg)))
            return 1;
        break;
    case 'K':
        free(o->api_key);
        if (!(o->api_key = read_key_file(arg))) {
            fprintf(stderr, "quire-serve: --api-key-file: cannot read a key from %s\n", arg);
            return 2;
        }
        break;
    case 'F':
        if (!frame_ancestors_ok(arg))
            return 2;
        o->frame_ancestors = arg;
        break;
    case 'h': usage(stdout); return 0;
    case 'V': printf("quire-serve %s\n", QUIRE_VERSION); return 0;
    default: fprintf(stderr, "Try 'quire-serve --help'.\n"); return 2;
    }
    return SERVE_OPTIONS_RUN;
}

/* The checks that need every option; SERVE_OPTIONS_RUN or 2 (said why). */
static int check_options(parse_state_t *ps)
{
    serve_options_t *o = ps->o;
    if (!o->db) {
        fprintf(stderr, "quire-serve: --db DIR is required\nTry 'quire-serve --help'.\n");
        return 2;
    }
    if (o->threads < 1)
        o->threads = 1;
    /* libmicrohttpd shares the connection limit between the threads: each
     * needs at least one. */
    if (o->threads > o->max_connections) {
        if (ps->threads_given) {
            fprintf(stderr, "quire-serve: --threads %ld is more than --max-connections %ld: each "
                            "thread needs at least one connection\n",
                    o->threads, o->max_connections);
            return 2;
        }
        o->threads = o->max_connections;
    }
    o->addr.sin_family = AF_INET;
    o->addr.sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->listen_addr, &o->addr.sin_addr) != 1) {
        fprintf(stderr, "quire-serve: --listen: not an IPv4 address: %s\n", o->listen_addr);
        return 2;
    }
    if (o->api_key && !*o->api_key) {
        fprintf(stderr, "quire-serve: --api-key: the key is empty\n");
        return 2;
    }
    return SERVE_OPTIONS_RUN;
}

int serve_options_parse(int argc, char **argv, serve_options_t *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},      {"listen", required_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},    {"threads", required_argument, NULL, 't'},
        {"cors", required_argument, NULL, 'c'},    {"help", no_argument, NULL, 'h'},
        {"api-key", required_argument, NULL, 'k'}, {"api-key-file", required_argument, NULL, 'K'},
        {"version", no_argument, NULL, 'V'},       {"max-connections", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 'T'}, {"cache-mb", required_argument, NULL, 'C'},
        {"frame-ancestors", required_argument, NULL, 'F'},
        {"shard-timeout", required_argument, NULL, 'S'},
        {"shard-connect-timeout", required_argument, NULL, 'N'},
        {"require-all-shards", no_argument, NULL, 'R'},
        {NULL, 0, NULL, 0},
    };
    *o = (serve_options_t){
        .listen_addr = "127.0.0.1",
        .port = SERVE_DEFAULT_PORT,
        .threads = sysconf(_SC_NPROCESSORS_ONLN),
        .max_connections = SERVE_DEFAULT_MAX_CONNECTIONS,
        .timeout_s = SERVE_DEFAULT_TIMEOUT_S,
        .cache_mb = SERVE_DEFAULT_CACHE_MB,
        .listen_fd = -1,
    };
    parse_state_t ps = {.o = o};
    int rc = SERVE_OPTIONS_RUN, c;
    while (rc == SERVE_OPTIONS_RUN && (c = getopt_long(argc, argv, "d:l:p:t:c:hV", longopts,
                                                       NULL)) != -1)
        rc = apply_option(&ps, c, optarg);
    if (rc == SERVE_OPTIONS_RUN)
        rc = check_options(&ps);
    /* The list ends with NULL, as api_config_t wants it. */
    if (rc == SERVE_OPTIONS_RUN && origin_list_push(&ps.cors, NULL) < 0)
        rc = 1;
    if (rc == 1)
        fprintf(stderr, "quire-serve: out of memory\n");
    if (rc != SERVE_OPTIONS_RUN) {
        origin_list_release(&ps.cors);
        origin_list_release(&ps.dbs);
        serve_options_free(o);
        return rc;
    }
    o->cors = ps.cors.v;
    o->dbs = ps.dbs.v;
    o->ndb = ps.dbs.n;
    return rc;
}

void serve_options_free(serve_options_t *o)
{
    free(o->dbs);
    o->dbs = NULL;
    o->ndb = 0;
    free(o->cors);
    free(o->api_key);
    o->cors = NULL;
    o->api_key = NULL;
}
