/* server_harness.c - child processes for the integration tests; see
 * server_harness.h. */
#include "server_harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"

double qt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void qt_sleep(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int qt_run_capture(const char *const *argv, const char *out_path, const char *err_path)
{
    pid_t pid = fork();
    if (pid == 0) {
        int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path ? err_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(out, 1);
        dup2(err, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int qt_run_output(const char *const *argv, const char *out_path, quirei_buf *out)
{
    int status = qt_run_capture(argv, out_path, NULL);
    quirei_buf_reset(out);
    FILE *f = fopen(out_path, "r");
    cr_assert_not_null(f, "%s", out_path);
    char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        cr_assert_geq(quirei_buf_add(out, buf, k), 0);
    fclose(f);
    return status;
}

int qt_run_quiet(const char *const *argv)
{
    return qt_run_capture(argv, NULL, NULL);
}

void qt_index_sample(char *tmpl, char *db, size_t dbsize)
{
    cr_assert_not_null(mkdtemp(tmpl));
    snprintf(db, dbsize, "%s/db", tmpl);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--quiet",
                         QUIRE_SOURCE_DIR "/corpus", NULL};
    cr_assert_eq(qt_run_quiet(idx), 0, "quire-index of the sample corpus failed");
}

void qt_index_jsonl(char *tmpl, char *db, size_t dbsize, const char *jsonl)
{
    cr_assert_not_null(mkdtemp(tmpl));
    char corpus[512];
    snprintf(corpus, sizeof corpus, "%s/corpus.jsonl", tmpl);
    snprintf(db, dbsize, "%s/db", tmpl);
    FILE *f = fopen(corpus, "w");
    cr_assert_not_null(f, "%s", corpus);
    cr_assert(fputs(jsonl, f) >= 0 && fclose(f) == 0, "writing %s", corpus);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--quiet", corpus, NULL};
    cr_assert_eq(qt_run_quiet(idx), 0, "quire-index of %s failed", corpus);
}

static void *drain(void *arg)
{
    qt_server *s = arg;
    char line[4096];
    while (fgets(line, sizeof line, s->err)) {
        if (s->log) {
            fputs(line, s->log);
            fflush(s->log);
        }
    }
    return NULL;
}

void qt_server_start(qt_server *s, const char *db, const char *const *extra)
{
    const char *argv[32] = {QUIRE_BIN_DIR "/quire-serve", "--db", db, "--port", "0"};
    size_t n = 5;
    for (size_t i = 0; extra && extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    s->pid = fork();
    if (s->pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    s->err = fdopen(fds[0], "r");
    char line[256] = "";
    cr_assert_not_null(fgets(line, sizeof line, s->err), "server printed nothing");
    cr_assert_eq(sscanf(line, "listening on http://127.0.0.1:%u", &s->port), 1, "line: %s",
                 line);
    cr_assert_eq(pthread_create(&s->drainer, NULL, drain, s), 0);
}

static void end_drain(qt_server *s)
{
    if (s->err) {
        pthread_join(s->drainer, NULL); /* ends at EOF: the server is gone */
        fclose(s->err);
        s->err = NULL;
    }
}

int qt_server_stop(qt_server *s, double max_s)
{
    cr_assert_gt(s->pid, 0);
    kill(s->pid, SIGTERM);
    int status = 0;
    double deadline = qt_now() + max_s;
    pid_t r;
    while ((r = waitpid(s->pid, &status, WNOHANG)) == 0 && qt_now() < deadline)
        qt_sleep(0.02);
    if (r == 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &status, 0);
        s->pid = -1;
        end_drain(s);
        cr_assert_fail("quire-serve did not exit within %.0f s of SIGTERM", max_s);
    }
    s->pid = -1;
    end_drain(s);
    return status;
}

void qt_server_kill(qt_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = -1;
    }
    end_drain(s);
}

void qt_server_finish(qt_server *s)
{
    if (s->pid > 0) {
        int status = qt_server_stop(s, 30);
        cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "SIGTERM exits 0");
    }
    qt_server_kill(s);
}

size_t qt_buf_sink(char *p, size_t size, size_t n, void *ctx)
{
    /* Out of memory: a short count makes libcurl fail the transfer. */
    return quirei_buf_add(ctx, p, size * n) < 0 ? 0 : size * n;
}

void qt_remove_tree(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}
