/* search_checks.c - a search's request against the limits of quire.h's
 * "Search" section; see search_checks.h. */
#include "query/search_checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "schema/date.h"

static quire_status_t refuse(quire_reader_t *r, quire_status_t st, long pos, const char *option,
                             const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A QUIRE_EQUERY at byte pos, or a QUIRE_EOPTION for `option` (a static
 * name) whose message quotes the value, so a client sees what it sent. */
static quire_status_t refuse(quire_reader_t *r, quire_status_t st, long pos, const char *option,
                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    quirei_buf_reset(&r->detail);
    quirei_buf_vaddf(&r->detail, fmt, ap);
    va_end(ap);
    r->errpos = pos;
    r->erropt = option;
    return st;
}

/* A from/to option: empty (open) or a calendar date; its key into k. */
static quire_status_t check_date_opt(quire_reader_t *r, const char *d, const char *name,
                                     char k[11])
{
    char why[96];
    k[0] = '\0';
    if (d && *d && quirei_date_parse(d, strlen(d), 1, k, why, sizeof why) == 0)
        return refuse(r, QUIRE_EOPTION, -1, name, "%s '%.64s' is not a date: %s", name, d, why);
    return QUIRE_OK;
}

quire_status_t quirei_search_check(quire_reader_t *r, size_t qlen,
                                   const quire_search_options_t *o, unsigned limit)
{
    if (qlen > QUIRE_MAX_QUERY_BYTES)
        return refuse(r, QUIRE_EQUERY, QUIRE_MAX_QUERY_BYTES, NULL,
                      "query too long: more than %d bytes", QUIRE_MAX_QUERY_BYTES);
    if (limit > QUIRE_MAX_LIMIT)
        return refuse(r, QUIRE_EOPTION, -1, "limit", "limit %u is not from 1 to %d", limit,
                      QUIRE_MAX_LIMIT);
    if (o->offset > QUIRE_MAX_OFFSET - limit)
        return refuse(r, QUIRE_EOPTION, -1, "offset", "offset %u + limit %u is over %d",
                      o->offset, limit, QUIRE_MAX_OFFSET);
    if (o->facets >> QUIRE_FACET_FIELD_COUNT)
        return refuse(r, QUIRE_EOPTION, -1, "facets",
                      "facets 0x%x: only QUIRE_FACET() bits of source, year, author", o->facets);
    if (o->facet_size > QUIRE_MAX_FACET_SIZE)
        return refuse(r, QUIRE_EOPTION, -1, "facet_size", "facet_size %u is not from 1 to %d",
                      o->facet_size, QUIRE_MAX_FACET_SIZE);
    if (o->sort != QUIRE_SORT_RELEVANCE && o->sort != QUIRE_SORT_DATE)
        return refuse(r, QUIRE_EOPTION, -1, "sort",
                      "sort %d is not QUIRE_SORT_RELEVANCE or QUIRE_SORT_DATE", (int)o->sort);
    char from[11], to[11];
    quire_status_t st = check_date_opt(r, o->date_from, "from", from);
    if (!st)
        st = check_date_opt(r, o->date_to, "to", to);
    if (!st && from[0] && to[0] && quirei_date_after(from, to))
        st = refuse(r, QUIRE_EOPTION, -1, "from", "from '%s' is after to '%s'", from, to);
    return st;
}
