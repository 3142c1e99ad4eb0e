/* tcpsrv_harness.c - xapian-tcpsrv in tests (see tcpsrv_harness.h). */
#include "tcpsrv_harness.h"

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *qt_tcpsrv_program(char *buf, size_t cap)
{
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s:/usr/bin:/usr/local/bin", path ? path : "");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(buf, cap, "%s/xapian-tcpsrv", d);
        if (access(buf, X_OK) == 0)
            return buf;
    }
    return NULL;
}

/* A TCP port on 127.0.0.1 that nobody listens on right now. */
unsigned qt_free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(s, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    close(s);
    return ntohs(a.sin_port);
}

static int accepts(unsigned port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    if (s >= 0)
        close(s);
    return ok;
}

void qt_tcpsrv_stop(qt_tcpsrv *s)
{
    if (s->pid > 0) {
        kill(-s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = -1;
    }
}

/* One try on port; 1 when it serves. */
static int try_start(qt_tcpsrv *s, const char *prog, unsigned port)
{
    char ports[16];
    snprintf(ports, sizeof ports, "%u", port);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(prog, prog, "--port", ports, "--interface", "127.0.0.1", "--quiet", s->db,
              (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    s->pid = pid;
    for (int i = 0; i < 200; i++) { /* up to 20 s */
        if (accepts(port))
            return 1;
        if (waitpid(pid, NULL, WNOHANG) == pid) { /* died: port taken? */
            s->pid = -1;
            return 0;
        }
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
    qt_tcpsrv_stop(s);
    return 0;
}

void qt_tcpsrv_start(qt_tcpsrv *s, const char *db)
{
    char prog[512];
    cr_assert_not_null(qt_tcpsrv_program(prog, sizeof prog), "xapian-tcpsrv is not installed");
    if (db != s->db) /* again: qt_tcpsrv_start(s, s->db) */
        snprintf(s->db, sizeof s->db, "%s", db);
    if (s->port) { /* again on its port: a moment may pass before it is free */
        for (int attempt = 0; attempt < 50; attempt++) {
            if (try_start(s, prog, s->port))
                return;
            nanosleep(&(struct timespec){0, 200000000}, NULL);
        }
        cr_assert_fail("xapian-tcpsrv did not start again on port %u", s->port);
    }
    for (int attempt = 0; attempt < 3; attempt++) {
        unsigned port = qt_free_port();
        if (try_start(s, prog, port)) {
            s->port = port;
            return;
        }
    }
    cr_assert_fail("xapian-tcpsrv did not start");
}
