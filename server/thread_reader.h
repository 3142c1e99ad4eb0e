/*
 * thread_reader.h - one quire_reader_t per worker thread of quire-serve.
 *
 * Xapian objects are never shared between threads, so every thread opens
 * its own reader of the index on first use and reopens it at most once a
 * second: commits by a running indexer become visible within a second or
 * two without a restart (a new generation is opened beside the current
 * one, which is kept to fall back to). A registry of every thread's reader lets
 * thread_readers_close_all() close them once the threads are gone.
 */
#ifndef QUIRE_SERVE_THREAD_READER_H
#define QUIRE_SERVE_THREAD_READER_H

#include <quire/quire.h>
#include <stddef.h>

/* The sources every reader opens (quire_reader_open_sources()): call
 * once before any thread uses thread_reader_get(). The arrays and
 * strings must outlive the readers. */
void thread_readers_configure(const char *const *sources, size_t n,
                              const quire_reader_options_t *opts);

/* A new reader of the configured sources (of db when none were
 * configured), not the thread's (the caller closes it): for a stream that
 * outlives one request (exports), and the check at start. Statuses and
 * *detail as quire_reader_open_sources(). */
quire_status_t thread_reader_open_new(const char *db, quire_reader_t **out, char **detail);

/* The calling thread's reader of the configured sources (db, the first of
 * them, names the index in messages), in *out (owned by the
 * thread; valid until this thread's next call). Returns QUIRE_OK; or, with
 * a message in err (errlen bytes), QUIRE_EIO when db is missing, QUIRE_ENOMEM,
 * or another status of quire_reader_open(). */
quire_status_t thread_reader_get(const char *db, quire_reader_t **out, char *err,
                                 size_t errlen);

/* A request on the calling thread's reader found the index damaged
 * (QUIRE_ECORRUPT; reason, may be NULL, goes to the log). When the thread
 * still holds the generation before its current one (it keeps that open
 * until the next generation, even if its files were removed), it goes back
 * to it and stays there until the index changes on disk: returns 1, and the
 * caller answers the request again. 0 when there is none (the thread's
 * first generation): the caller marks the index damaged (damage.h). */
int thread_reader_fall_back(const char *reason);

/* Close every thread's reader; call only after the threads that used
 * thread_reader_get() have stopped. */
void thread_readers_close_all(void);

#endif
