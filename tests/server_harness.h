/*
 * server_harness.h - what the integration tests share: running the real
 * binaries (quire-index, quire-serve) as child processes.
 *
 * A server is started with --port 0 on 127.0.0.1; the harness reads the
 * "listening on http://127.0.0.1:PORT" line it prints first, then keeps
 * draining its stderr (the access log) on a thread, so the server never
 * blocks on a full pipe. Every function reports failures with Criterion
 * assertions, so it is called from inside a test, .init or .fini.
 */
#ifndef QUIRE_TEST_SERVER_HARNESS_H
#define QUIRE_TEST_SERVER_HARNESS_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "strbuf.h"

typedef struct qt_server {
    pid_t pid;        /* > 0 while running */
    unsigned port;
    FILE *err;        /* the server's stderr, drained by `drainer` */
    pthread_t drainer;
    FILE *log;        /* set before qt_server_start (or NULL): every line of
                         stderr after the first is copied here, flushed */
} qt_server;

/* Run argv (argv[0] a path) with stdout and stderr to /dev/null; its exit
 * status, or -1 when it did not exit normally. */
int qt_run_quiet(const char *const *argv);

/* The same with stdout and stderr written to these files (NULL:
 * /dev/null). */
int qt_run_capture(const char *const *argv, const char *out_path, const char *err_path);

/* Run argv with stdout written to out_path, then read that file into out
 * (reset first); the exit status as qt_run_capture(). */
int qt_run_output(const char *const *argv, const char *out_path, quirei_buf *out);

/* Make a directory from `tmpl` (a mkdtemp() template, rewritten in place)
 * and index the sample corpus (corpus/) into tmpl/db with the real
 * quire-index; `db` (dbsize bytes) receives that path. */
void qt_index_sample(char *tmpl, char *db, size_t dbsize);

/* The same with the JSON Lines text `jsonl` as the corpus (written to
 * tmpl/corpus.jsonl first). */
void qt_index_jsonl(char *tmpl, char *db, size_t dbsize, const char *jsonl);

/* Start quire-serve --db DB --port 0, then the NULL-terminated `extra`
 * options (may be NULL), and wait for its first line. */
void qt_server_start(qt_server *s, const char *db, const char *const *extra);

/* SIGTERM, then wait up to max_s seconds for the exit. Returns the wait
 * status; on timeout kills the server and fails the test. */
int qt_server_stop(qt_server *s, double max_s);

/* SIGKILL and reap (for teardown after a failed test); no-op when not
 * running. Also ends the drainer and closes `err`. */
void qt_server_kill(qt_server *s);

/* Teardown of a suite's server: when it is running, SIGTERM and expect a
 * clean exit (status 0) within 30 s; then qt_server_kill(). */
void qt_server_finish(qt_server *s);

/* A libcurl write (or header) callback that appends what it is given to
 * the quirei_buf ctx: CURLOPT_WRITEFUNCTION, qt_buf_sink with
 * CURLOPT_WRITEDATA, &buf. */
size_t qt_buf_sink(char *p, size_t size, size_t n, void *ctx);

/* rm -rf dir (a directory made by qt_index_sample). */
void qt_remove_tree(const char *dir);

/* Seconds on the monotonic clock; sleep for s seconds (EINTR-safe). */
double qt_now(void);
void qt_sleep(double s);

#endif
