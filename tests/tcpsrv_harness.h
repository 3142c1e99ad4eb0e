/*
 * tcpsrv_harness.h - xapian-tcpsrv (Debian's xapian-tools) in tests: serve
 * one shard directory on a free loopback port, stop it, start it again on
 * the same port. Every server is the test's own child, in its own process
 * group (with the per-connection children it forks), killed with the test
 * process should that die. Failures are Criterion assertions.
 */
#ifndef QUIRE_TEST_TCPSRV_HARNESS_H
#define QUIRE_TEST_TCPSRV_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

typedef struct qt_tcpsrv {
    pid_t pid;     /* > 0 while running */
    unsigned port; /* kept across stop and start */
    char db[512];  /* the shard directory served */
} qt_tcpsrv;

/* The path of xapian-tcpsrv in buf, or NULL when it is not installed (the
 * caller then skips, saying what is not tested). */
const char *qt_tcpsrv_program(char *buf, size_t cap);

/* Serve db on 127.0.0.1: on s->port when it is not 0, else on a free port
 * (written to s->port). Returns when the port accepts connections. db may
 * be s->db (the shard served before, started again). */
void qt_tcpsrv_start(qt_tcpsrv *s, const char *db);

/* A TCP port on 127.0.0.1 that nobody listens on right now. */
unsigned qt_free_port(void);

/* SIGKILL the server and its children, and reap it; no-op when stopped. */
void qt_tcpsrv_stop(qt_tcpsrv *s);

#endif
