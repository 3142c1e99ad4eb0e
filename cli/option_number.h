/*
 * option_number.h - a number given to a command-line option of quire-index
 * or quire-search: checked by the one number parser (quirei_parse_number,
 * strict: decimal digits only) and refused with the same complaint by both
 * programs.
 */
#ifndef QUIRE_OPTION_NUMBER_H
#define QUIRE_OPTION_NUMBER_H

/*
 * Parse `arg`, the value of option --`opt` of program `prog`, as a number
 * in [lo, hi] into *out. Returns 0, or -1 (leaving *out alone) after
 * printing "PROG: --OPT takes a number from LO to HI" on stderr.
 */
int quirei_option_number(const char *prog, const char *opt, const char *arg, unsigned lo,
                         unsigned hi, unsigned *out);

#endif
