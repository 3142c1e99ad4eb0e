/*
 * clock.h - the one clock of Quire for measuring durations.
 *
 * CLOCK_MONOTONIC, never the wall clock: durations (took_ms, access-log
 * microseconds, deadlines, progress rates) must not jump when the system
 * time is set.
 */
#ifndef QUIRE_CLOCK_H
#define QUIRE_CLOCK_H

#include <time.h>

/* Milliseconds since an arbitrary fixed point (fractional). */
static inline double quirei_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#endif
