/* crash_guard.c - see crash_guard.h. */
#define _GNU_SOURCE
#include "crash_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child_pid;
static int exit_fd = -1; /* the child's end of the pipe */

/* The child's exit() (or return from main) passes here: the parent reads
 * this byte as "ended by exiting", which a crash never writes. */
static void say_exited(void)
{
    char c = 'x';
    if (exit_fd >= 0 && write(exit_fd, &c, 1) < 0)
        return;
}

static void pass_on(int sig)
{
    if (child_pid > 0)
        kill(child_pid, sig);
}

static int is_crash(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
           sig == SIGABRT || sig == SIGTRAP;
}

const char *quirei_crash_signal_name(int signo)
{
    switch (signo) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    case SIGTRAP: return "SIGTRAP";
    default: return "no signal: ended without exiting";
    }
}

int quirei_crash_guard(int *signo)
{
    *signo = 0;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        /* The child is the program: when the parent is killed (kill -9
         * included), so is it, as if they were one process. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(128 + SIGKILL); /* the parent died before prctl() */
        close(fds[0]);
        exit_fd = fds[1];
        atexit(say_exited);
        return -1;
    }
    close(fds[1]);
    child_pid = pid;
    struct sigaction sa = {0};
    sa.sa_handler = pass_on;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    char c = 0;
    ssize_t got;
    while ((got = read(fds[0], &c, 1)) < 0 && errno == EINTR)
        ;
    close(fds[0]);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (is_crash(sig)) {
            *signo = sig;
            return -2;
        }
        /* Interrupted, not crashed: end the way the child did. */
        signal(sig, SIG_DFL);
        raise(sig);
        return 128 + sig;
    }
    if (got != 1)
        return -2; /* ended without exit(): a sanitizer's report */
    return WEXITSTATUS(status);
}
