/* search_checks.c - a search's request against the limits of quire.h's
 * "Search" section; see search_checks.h. */
#include "query/search_checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "schema/date.h"

static quire_status_t query_error(quire_reader_t *r, long pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static quire_status_t query_error(quire_reader_t *r, long pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    quirei_buf_reset(&r->detail);
    quirei_buf_vaddf(&r->detail, fmt, ap);
    va_end(ap);
    r->errpos = pos;
    return QUIRE_EQUERY;
}

static quire_status_t option_error(quire_reader_t *r, const char *option, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A QUIRE_EOPTION for `option` (a static name): the message quotes the
 * value, so a client sees what it sent. */
static quire_status_t option_error(quire_reader_t *r, const char *option, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    quirei_buf_reset(&r->detail);
    quirei_buf_vaddf(&r->detail, fmt, ap);
    va_end(ap);
    r->erropt = option;
    return QUIRE_EOPTION;
}

/* A from/to option: empty (open) or a real date; its key into k. */
static quire_status_t check_date_opt(quire_reader_t *r, const char *d, const char *name,
                                     char k[11])
{
    char why[96];
    k[0] = '\0';
    if (d && *d && quirei_date_parse(d, strlen(d), 1, k, why, sizeof why) == 0)
        return option_error(r, name, "%s '%.64s' is not a date: %s", name, d, why);
    return QUIRE_OK;
}

quire_status_t quirei_search_check(quire_reader_t *r, size_t qlen,
                                   const quire_search_options_t *o, unsigned limit)
{
    if (qlen > QUIRE_MAX_QUERY_BYTES)
        return query_error(r, QUIRE_MAX_QUERY_BYTES, "query too long: more than %d bytes",
                           QUIRE_MAX_QUERY_BYTES);
    if (limit > QUIRE_MAX_LIMIT)
        return option_error(r, "limit", "limit %u is not from 1 to %d", limit, QUIRE_MAX_LIMIT);
    if (o->offset > QUIRE_MAX_OFFSET - limit)
        return option_error(r, "offset", "offset %u + limit %u is over %d", o->offset, limit,
                            QUIRE_MAX_OFFSET);
    if (o->sort != QUIRE_SORT_RELEVANCE && o->sort != QUIRE_SORT_DATE)
        return option_error(r, "sort", "sort %d is not QUIRE_SORT_RELEVANCE or QUIRE_SORT_DATE",
                            (int)o->sort);
    char from[11], to[11];
    quire_status_t st = check_date_opt(r, o->date_from, "from", from);
    if (!st)
        st = check_date_opt(r, o->date_to, "to", to);
    if (!st && from[0] && to[0] && quirei_date_after(from, to))
        st = option_error(r, "from", "from '%s' is after to '%s'", from, to);
    return st;
}
