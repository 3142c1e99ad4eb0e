/*
 * quire-serve - the HTTP query server (libmicrohttpd).
 *
 * main.c is the life of the process: options (options.c), the file
 * descriptor limit, the supervisor (supervisor.c: a worker process serves,
 * so that a crash inside the search engine on a damaged index does not
 * take the service down), in the worker a probe that DIR is a sound index,
 * the daemon (daemon.c, which serves the routes of http_api.c), and
 * SIGINT/SIGTERM to stop.
 */
#include <pthread.h>
#include <quire/quire.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "daemon.h"
#include "damage.h"
#include "options.h"
#include "strbuf.h"
#include "supervisor.h"
#include "thread_reader.h"

/* Descriptors needed beyond one per connection (the index's files, the
 * listening socket, stdio). */
#define SPARE_FDS 64

/* Every connection is a file descriptor: make sure the limit can be
 * reached rather than fail accept() with EMFILE under load. Returns 0, or
 * -1 (said why) when the hard limit is too low. */
static int raise_fd_limit(long max_connections)
{
    struct rlimit nofile;
    rlim_t fds_needed = (rlim_t)max_connections + SPARE_FDS;
    if (getrlimit(RLIMIT_NOFILE, &nofile) != 0 || nofile.rlim_cur >= fds_needed)
        return 0;
    if (nofile.rlim_max != RLIM_INFINITY && nofile.rlim_max < fds_needed) {
        fprintf(stderr, "quire-serve: --max-connections %ld needs %lu file descriptors, and "
                        "the hard limit (ulimit -Hn) is %lu\n",
                max_connections, (unsigned long)fds_needed, (unsigned long)nofile.rlim_max);
        return -1;
    }
    nofile.rlim_cur = fds_needed;
    setrlimit(RLIMIT_NOFILE, &nofile);
    return 0;
}

/* Refuse to start on something that is not an index, or on a damaged one:
 * 0, or -1 (said why; for damage, which files a check finds damaged). The
 * probe opens the index and runs a search that reads every table (terms,
 * positions for the phrase tier, the stored records of its hits): a crash
 * there is the supervisor's to report. Shards down at start are served
 * around, and said once here. */
static int probe_index(const serve_options_t *o)
{
    quire_reader_t *probe = NULL;
    quire_results_t *res = NULL;
    char *detail = NULL;
    quire_status_t st = thread_reader_open_new(o->db, &probe, &detail);
    if (st == QUIRE_OK) {
        quire_search_options_t so = {.limit = 10};
        st = quire_search(probe, "security threat", &so, &res);
        if (st != QUIRE_OK)
            detail = strdup(quire_reader_detail(probe));
        quire_results_free(res);
    }
    if (st != QUIRE_OK) {
        quirei_buf where = QUIREI_BUF_INIT;
        if (st == QUIRE_ECORRUPT)
            supervisor_name_damage(o->db, &where);
        fprintf(stderr, "quire-serve: cannot serve %s%s: %s%s%s%s\n", o->db,
                o->ndb > 1 ? " (and the other --db)" : "", detail ? detail : quire_strerror(st),
                where.len ? " (" : "", quirei_buf_cstr(&where), where.len ? ")" : "");
        quirei_buf_release(&where);
    } else {
        size_t ndown = 0;
        const char *const *down = quire_reader_missing_shards(probe, &ndown);
        for (size_t i = 0; i < ndown; i++)
            fprintf(stderr, "quire-serve: shard %s is down; serving the others, trying it "
                            "every second\n", down[i]);
    }
    free(detail);
    quire_reader_close(probe);
    return st == QUIRE_OK ? 0 : -1;
}

/* The worker: serve until SIGINT or SIGTERM; the exit status. A worker
 * the supervisor restarted after a crash starts with the index marked
 * damaged (damage.h) and does not probe it. */
static int serve(const serve_options_t *o, void (*ready)(void))
{
    thread_readers_configure(o->dbs, o->ndb, &o->reader);
    damage_init(o->db);
    char why[8];
    if (!damage_current(why, sizeof why) && probe_index(o) < 0)
        return 1;
    /* Signals are taken by sigwait() below, not by a handler; blocked
     * before any thread starts, so that every thread inherits the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (daemon_start(o) < 0)
        return 1;
    ready();
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "quire-serve: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    daemon_stop();
    return 0;
}

int main(int argc, char **argv)
{
    serve_options_t o;
    int rc = serve_options_parse(argc, argv, &o);
    if (rc != SERVE_OPTIONS_RUN)
        return rc;
    if (raise_fd_limit(o.max_connections) < 0)
        rc = 2;
    else
        rc = supervise(&o, serve);
    serve_options_free(&o);
    return rc;
}
