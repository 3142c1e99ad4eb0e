/*
 * date.h - the one reader of dates: documents' dates (lenient: the forms
 * found in articles, feeds and HTML), and the dates of queries and search
 * options (strict: YYYY[-MM[-DD]]). Every date is checked against the
 * calendar (month 1-12, the days of that month, 29 February in leap years
 * only) and normalized to ISO 8601 at its own precision: "YYYY", "YYYY-MM"
 * or "YYYY-MM-DD". A date-time keeps the date as written (the day the
 * article says, not converted to UTC); its time is checked, then dropped,
 * as every index key, filter and sort is by day.
 *
 * quire_date_normalize() (quire.h) is this file's lenient reader; the
 * writer normalizes every document's date with it, the reader every stored
 * date (so indexes made before this check never show "yesterday").
 */
#ifndef QUIRE_SCHEMA_DATE_H
#define QUIRE_SCHEMA_DATE_H

#include <stddef.h>

/* Read s[0..n) as a date into out (NUL-terminated, at most 10 bytes);
 * strict: only YYYY, YYYY-MM, YYYY-MM-DD. Returns the length of out, or 0
 * with the reason (which quotes nothing of s) in why[0..whylen). */
size_t quirei_date_parse(const char *s, size_t n, int strict, char out[11], char *why,
                         size_t whylen);

/* Is the range [from, to] of two normalized dates empty (from after to)?
 * Each names a period (a year, a month, a day): "2017-05" is not after
 * "2017", which holds it. */
int quirei_date_after(const char *from, const char *to);

#endif
