/*
 * search_checks.h - what quire_search() checks before any work: the query's
 * length (QUIRE_EQUERY, at the position where it goes over) and the options
 * (QUIRE_EOPTION, naming the option in r->erropt and quoting its value in
 * the detail): limit, offset + limit, sort, from and to (calendar dates,
 * from not after to; schema/date.h).
 */
#ifndef QUIRE_QUERY_SEARCH_CHECKS_H
#define QUIRE_QUERY_SEARCH_CHECKS_H

#include <quire/quire.h>
#include <stddef.h>

#include "query/reader.h"

/* QUIRE_OK, or the status with r's detail, errpos and erropt set; `limit`
 * is o->limit with its default applied. */
quire_status_t quirei_search_check(quire_reader_t *r, size_t qlen,
                                   const quire_search_options_t *o, unsigned limit);

#endif
