/*
 * daemon.h - quire-serve's HTTP daemon: the libmicrohttpd glue around the
 * routes of http_api.h.
 *
 * It owns what is HTTP-library specific: reading a request (never its
 * body), CORS preflights, the API key check (the Authorization header or
 * the key= parameter, and the table of public paths), queueing responses
 * with the usual headers, the access log (one line per request on stderr,
 * the key redacted; README "Access log"), and the
 * watchdog that enforces the request deadlines libmicrohttpd's idle timeout
 * cannot (daemon.c explains). One daemon per process.
 */
#ifndef QUIRE_SERVE_DAEMON_H
#define QUIRE_SERVE_DAEMON_H

#include "options.h"

/* libmicrohttpd's memory pool per connection: the request line and headers
 * must fit in it (with room left for the response headers). */
#define DAEMON_CONNECTION_MEMORY (32 * 1024)

/* With every connection in use and another waiting to be accepted,
 * connections that have waited this long for a request (or half the
 * timeout, if shorter) are closed to make room. */
#define DAEMON_EVICT_AFTER_MS 1000

/* The most bytes a streamed body (an export) hands libmicrohttpd at once. */
#define DAEMON_STREAM_BLOCK (64 * 1024)

/* Start serving o->db on o->addr: the result cache, the watchdog thread,
 * the daemon's threads; then print "listening on http://ADDR:PORT" on
 * stderr. Block SIGINT/SIGTERM first if they are to be taken by sigwait():
 * the threads inherit the signal mask. o must outlive the daemon. Returns
 * 0, or -1 after saying why on stderr (nothing is left running then). */
int daemon_start(const serve_options_t *o);

/* A socket bound to o->addr and listening (for the supervisor, whose
 * workers serve it: o->listen_fd), or -1 after saying why on stderr. */
int daemon_listen_socket(const serve_options_t *o);

/* Stop accepting, finish the requests in flight, stop the watchdog, close
 * every reader and free the cache. Only after a successful daemon_start(). */
void daemon_stop(void);

#endif
