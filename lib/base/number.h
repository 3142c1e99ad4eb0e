/*
 * number.h - the one parser for numbers typed by users: command-line
 * options of every program and the HTTP API's query parameters.
 *
 * Strict on purpose, so that every interface accepts the same spellings:
 * only decimal digits, at least one, no sign, no spaces, no suffix; "0100"
 * is 100. strtoul() alone would accept " 12", "+12", "-1" (as a huge
 * number) and "12abc" (with a check of the end pointer forgotten).
 */
#ifndef QUIRE_NUMBER_H
#define QUIRE_NUMBER_H

#include <stdint.h>

/* Parse s as a number in [lo, hi] into *out. Returns 0, or -1 (and leaves
 * *out alone) when s is NULL, not such a number, or out of range. */
int quirei_parse_number(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/*
 * For the programs' command-line options: parse `arg`, the value of option
 * `opt` ("--limit") of program `prog`, as a number in [lo, hi] into *out.
 * Returns 0, or -1 (leaving *out alone) after printing
 * "PROG: OPT takes a number from LO to HI, not 'ARG'" on stderr, so every
 * program refuses a bad number in the same words. libquire never calls it
 * (a library does not print).
 */
int quirei_option_number(const char *prog, const char *opt, const char *arg, long lo, long hi,
                         long *out);

#endif
