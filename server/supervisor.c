/* supervisor.c - the supervisor and its worker (see supervisor.h). */
#include "supervisor.h"

#include <errno.h>
#include <inttypes.h>
#include <quire/quire.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crash_guard.h"
#include "daemon.h"
#include "damage.h"
#include "strbuf.h"

/* A worker that crashes again this soon after a restart waits this long
 * before the next one, so that a crash loop does not spin. */
#define RESTART_PAUSE_S 1

static int ready_fd = -1; /* the worker's end of the "ready" pipe */

static void say_ready(void)
{
    char c = 'r';
    if (ready_fd >= 0 && write(ready_fd, &c, 1) == 1) {
        close(ready_fd);
        ready_fd = -1;
    }
}

/* The faults quire_index_check() names, in one line (a child does the
 * check: the supervisor never reads the index itself). */
void supervisor_name_damage(const char *db, quirei_buf *out)
{
    int fds[2];
    if (pipe(fds) != 0)
        return;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        char *report = NULL;
        quire_index_check(db, &report);
        /* Only the lines of faults: not "ok", not the per-shard header. */
        for (char *line = report ? strtok(report, "\n") : NULL; line; line = strtok(NULL, "\n"))
            if (line[0] == ' ' && !strstr(line, " ok")) {
                if (write(fds[1], line + 1, strlen(line + 1)) < 0 || write(fds[1], ";", 1) < 0)
                    break;
            }
        _exit(0);
    }
    close(fds[1]);
    char buf[1024];
    ssize_t n;
    while (pid > 0 && (n = read(fds[0], buf, sizeof buf)) > 0)
        quirei_buf_add(out, buf, (size_t)n);
    close(fds[0]);
    int status = 0;
    if (pid > 0 && waitpid(pid, &status, 0) == pid &&
        !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        quirei_buf_addf(out, "%sthe search engine (Xapian %s) crashed checking it too (%s)",
                        out->len ? " " : "", quire_xapian_version(),
                        quirei_crash_signal_name(WIFSIGNALED(status) ? WTERMSIG(status) : 0));
}

/* The mark a restarted worker reads (damage.h). */
static void mark_for_next(const char *db, int sig)
{
    uint64_t fp = 0;
    quire_index_fingerprint(db, &fp);
    char reason[256], hex[32];
    snprintf(reason, sizeof reason,
             "the index is damaged: the search engine (Xapian %s) crashed reading it (%s); "
             "run quire-index --check --db %s",
             quire_xapian_version(), quirei_crash_signal_name(sig), db);
    snprintf(hex, sizeof hex, "%" PRIx64, fp);
    setenv(DAMAGE_ENV_REASON, reason, 1);
    setenv(DAMAGE_ENV_FINGERPRINT, hex, 1);
}

int supervise(serve_options_t *o, worker_fn worker)
{
    o->listen_fd = daemon_listen_socket(o);
    if (o->listen_fd < 0)
        return 1;
    unsetenv(DAMAGE_ENV_REASON);
    unsetenv(DAMAGE_ENV_FINGERPRINT);
    for (int starts = 0;; starts++) {
        int fds[2];
        if (pipe(fds) != 0) {
            fprintf(stderr, "quire-serve: cannot start a worker: %s\n", strerror(errno));
            return 1;
        }
        int sig = 0;
        int rc = quirei_crash_guard(&sig);
        if (rc == -1) { /* the worker (or no fork: serve unguarded) */
            close(fds[0]);
            ready_fd = fds[1];
            return worker(o, say_ready);
        }
        close(fds[1]);
        char c = 0;
        int was_ready = read(fds[0], &c, 1) == 1;
        close(fds[0]);
        if (rc >= 0)
            return rc; /* stopped by a signal, or refused to start */
        if (!was_ready && starts == 0) {
            quirei_buf where = QUIREI_BUF_INIT;
            supervisor_name_damage(o->db, &where);
            fprintf(stderr,
                    "quire-serve: cannot serve %s: the index is damaged: the search engine "
                    "(Xapian %s) crashed reading it (%s)%s%s; restore it from a backup or "
                    "rebuild it from the sources\n",
                    o->db, quire_xapian_version(), quirei_crash_signal_name(sig),
                    where.len ? ": " : "", quirei_buf_cstr(&where));
            quirei_buf_release(&where);
            return 1;
        }
        fprintf(stderr,
                "quire-serve: the worker crashed inside the search engine (Xapian %s, %s) "
                "serving %s: the index is damaged; starting another, which answers 503 "
                "index_unavailable until the index changes\n",
                quire_xapian_version(), quirei_crash_signal_name(sig), o->db);
        mark_for_next(o->db, sig);
        if (!was_ready)
            sleep(RESTART_PAUSE_S);
    }
}
