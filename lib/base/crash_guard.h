/*
 * crash_guard.h - running a program's work in a child process, so that a
 * crash inside a library (libxapian reading a damaged index: issue 16) is
 * reported by the parent instead of killing the program.
 *
 * quirei_crash_guard() forks. The child returns -1 and goes on with the
 * program; the parent waits for it and returns its exit status, or -2 with
 * *signo set when it crashed: died by SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGABRT or SIGTRAP, or ended without passing exit() (a sanitizer ends a
 * process that way after its report). The parent passes SIGINT, SIGTERM
 * and SIGHUP on to the child, and when the child dies by another signal
 * (SIGINT at a terminal) it dies the same way. When fork() fails, the
 * program runs unguarded (-1). The child dies with the parent
 * (PR_SET_PDEATHSIG), so that killing the program (kill -9) kills both.
 */
#ifndef QUIRE_CRASH_GUARD_H
#define QUIRE_CRASH_GUARD_H

int quirei_crash_guard(int *signo);

/* The name of a crash signal ("SIGSEGV"; "no signal: ended without
 * exiting" for 0). Static. */
const char *quirei_crash_signal_name(int signo);

#endif
