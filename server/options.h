/*
 * options.h - quire-serve's command line: getopt_long into a serve_options
 * struct, the --help text, and every check an option needs before the
 * server touches the index or the network.
 *
 * Numbers go through quire_base's quirei_parse_number (number.h), the one
 * parser for numbers users type: decimal digits only, no sign, no spaces.
 */
#ifndef QUIRE_SERVE_OPTIONS_H
#define QUIRE_SERVE_OPTIONS_H

#include <netinet/in.h>
#include <quire/quire.h>
#include <stddef.h>

/* The defaults and bounds of the numeric options, named once (the --help
 * text prints them from here). */
#define SERVE_DEFAULT_PORT 8080
#define SERVE_DEFAULT_MAX_CONNECTIONS 256
#define SERVE_MAX_CONNECTIONS 65536
#define SERVE_MAX_THREADS 256
#define SERVE_DEFAULT_TIMEOUT_S 10
#define SERVE_MAX_TIMEOUT_S 3600
#define SERVE_DEFAULT_CACHE_MB 64
#define SERVE_MAX_CACHE_MB 65536
#define SERVE_MAX_SHARD_TIMEOUT_MS 3600000

typedef struct serve_options {
    const char *db;          /* the first --db (argv's memory), for messages */
    /* Every --db, in order (the strings are argv's, the array is owned):
     * index directories, manifests, tcp://HOST:PORT shards, served as one
     * index. */
    const char **dbs;
    size_t ndb;
    /* --shard-timeout, --shard-connect-timeout, --require-all-shards. */
    quire_reader_options_t reader;
    const char *listen_addr; /* --listen as typed (argv's memory or a literal) */
    struct sockaddr_in addr; /* --listen and --port, ready for bind() */
    unsigned port;           /* --port; 0 = any free port */
    long threads;            /* >= 1 and <= max_connections */
    long max_connections;
    long timeout_s;
    long cache_mb;           /* 0 = no result cache */
    /* The --cors origins, NULL-terminated (never NULL itself after a
     * successful parse); the strings are argv's, the array is owned. */
    const char **cors;
    char *api_key;           /* --api-key / --api-key-file (owned), or NULL */
    /* --frame-ancestors: who may frame the page and the API's answers, a
     * CSP source list (argv's memory), or NULL: nobody ('none'). */
    const char *frame_ancestors;
    /* The listening socket the supervisor bound (supervisor.h), or -1:
     * the daemon binds addr itself. */
    int listen_fd;
} serve_options_t;

/* What serve_options_parse() returns when the server should run; any other
 * value is the exit status for main() to return. */
#define SERVE_OPTIONS_RUN (-1)

/* Parse and check the command line into *o. Returns SERVE_OPTIONS_RUN
 * (then *o owns memory: call serve_options_free()); otherwise the exit
 * status, with nothing left to free: 0 after --help or --version (printed
 * on stdout), 2 on a usage error (said on stderr), 1 when out of memory. */
int serve_options_parse(int argc, char **argv, serve_options_t *o);

/* Free what serve_options_parse() allocated; *o is then empty. */
void serve_options_free(serve_options_t *o);

#endif
