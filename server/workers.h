/*
 * workers.h - a fixed pool of threads running jobs in the order given:
 * where quire-serve answers its requests (daemon.c), so that every thread
 * searches whichever connection its request came on.
 *
 * Why: libmicrohttpd binds each connection to one of its threads when it
 * accepts it, and with two keep-alive clients both often landed on the same
 * thread, which then searched for both while the other core idled (at 2
 * connections, half the throughput of the same searches on 2 threads).
 */
#ifndef QUIRE_SERVE_WORKERS_H
#define QUIRE_SERVE_WORKERS_H

/* Start n threads (n >= 1). Returns 0, or -1 (errno-style message on
 * stderr) when no thread could be started; call once. */
int workers_start(unsigned n);

/* Queue fn(arg) for a worker. Returns 0, or -1 when the pool is not
 * running or draining (workers_drain()) or out of memory: the caller then
 * runs the job itself. */
int workers_submit(void (*fn)(void *), void *arg);

/* Take no more jobs and wait until every queued and running one has
 * finished. */
void workers_drain(void);

/* Drain, stop the threads and wait for them. */
void workers_stop(void);

#endif
