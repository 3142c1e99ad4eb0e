/*
 * supervisor.h - quire-serve as two processes (issue 16): a supervisor
 * that owns the listening socket and never touches the index, and a worker
 * that serves. A damaged index can crash libxapian itself (Xapian 1.4.22
 * was seen to die by SIGSEGV in Enquire::get_mset); a crash then takes
 * one worker down, not the service: the supervisor starts another on the
 * same socket (connections wait in its queue meanwhile), with the index
 * marked damaged (damage.h), and that worker answers 503 until the index
 * changes on disk. Costs: one fork at start and per crash; nothing per
 * request (docs/architecture.md, "A damaged index").
 */
#ifndef QUIRE_SERVE_SUPERVISOR_H
#define QUIRE_SERVE_SUPERVISOR_H

#include "options.h"
#include "strbuf.h"

/* The worker: serve o (o->listen_fd is the socket) until SIGTERM/SIGINT;
 * call ready() once listening. Returns the exit status. */
typedef int (*worker_fn)(const serve_options_t *o, void (*ready)(void));

/* Bind o's address, then run workers (fork) until one exits by itself or
 * on a signal; restart a worker that crashed after it was ready. A worker
 * that crashed before (the start probe of a damaged index) is reported
 * ("cannot serve DIR: the index is damaged", with the files a check names)
 * and the supervisor exits 1. Returns the exit status for main(). */
int supervise(serve_options_t *o, worker_fn worker);

/* The faults quire_index_check() finds in the index at db, as one line
 * appended to out ("" when it finds none). The check runs in a child, so
 * that even a crash of it leaves the caller standing. */
void supervisor_name_damage(const char *db, quirei_buf *out);

#endif
