/*
 * query_parser.h - the query language, parsed into a small tree.
 *
 * Syntax (README.md, "Query syntax", is the user's version):
 *   words            all required (implicit AND), stemmed, BM25-ranked
 *   "exact phrase"   straight or curly quotes (" “ ” „ « » and ‘…’),
 *                    unstemmed; "…"~N: the words within N extra positions,
 *                    in any order
 *   a OR b, a AND b, NOT a, -a, +a, ( … )
 *   word*            prefix (expanded to the most frequent matching terms)
 *   title:w  title:"…"  author:w  source:NAME  id:ID
 *   date:2016-01-01..2016-06-30  date:>=2016  date:<2017-03  date:2016
 *
 * Leniency (documented in the README): an unclosed quote runs to the end of
 * the query; an unclosed '(' is closed at the end; AND/OR/NOT with nothing
 * to apply to are ignored; punctuation-only words are ignored. Errors
 * (QUIRE_EQUERY with a byte position): a ')' with no '(', an unknown field
 * name, a malformed date, a query with no searchable word, nesting deeper
 * than QUIREI_MAX_DEPTH, more than QUIREI_MAX_NODES words.
 */
#ifndef QUIRE_QUERY_PARSER_H
#define QUIRE_QUERY_PARSER_H

#include <quire/quire.h>
#include <stddef.h>

#include "strbuf.h"

#define QUIREI_MAX_DEPTH 32         /* nested parentheses and NOTs */
#define QUIREI_MAX_NODES 1024       /* words and operators of a query */
#define QUIREI_MAX_PHRASE_WORDS 64  /* tokens of one word or phrase; the
                                       compiler sizes its arrays by it */
#define QUIREI_MAX_SLOP 100         /* N of "..."~N */

typedef enum qn_kind {
    QN_WORDS,  /* one typed word: its positioned tokens (several = adjacent) */
    QN_PHRASE, /* quoted */
    QN_PREFIX, /* word* */
    QN_AND,
    QN_OR,
    QN_NOT,    /* one kid */
    QN_SOURCE, /* filter */
    QN_ID,     /* filter */
    QN_DATE    /* filter */
} qn_kind;

typedef enum qn_field { QF_ANY, QF_TITLE, QF_AUTHOR } qn_field;

typedef struct qn {
    qn_kind kind;
    qn_field field;
    int required;          /* +word: stays required when relaxed */
    size_t pos;            /* byte offset in the query */
    /* QN_WORDS / QN_PHRASE: folded terms of the positioned tokens */
    char **terms;
    unsigned char *stemmable;
    size_t nterms;
    unsigned slop;         /* QN_PHRASE: ~N, 0 = exact */
    int has_slop;
    int alias;             /* threat-actor names (aliases.h): QN_PHRASE,
                              a name (exact, possessive allowed, in every
                              fallback); QN_OR, the other names of the
                              group the query named (weighed down) */
    char *value;           /* QN_PREFIX (folded), QN_SOURCE, QN_ID */
    char date_lo[11], date_hi[11]; /* QN_DATE: YYYY[-MM[-DD]], "" = open */
    int lo_excl, hi_excl;  /* QN_DATE: > and < instead of >= and <= */
    struct qn **kids;
    size_t nkids;
    /* storage behind terms, stemmable and kids (strbuf.h: no bare realloc) */
    quirei_buf terms_buf, stemmable_buf, kids_buf;
} qn;

/*
 * Parse `query` (len bytes). On success *out is the tree (free with
 * quirei_qn_free). On QUIRE_EQUERY, `err` holds the message and *errpos the
 * byte position. Also QUIRE_ENOMEM.
 */
quire_status_t quirei_parse_query(const char *query, size_t len, qn **out, quirei_buf *err,
                                  long *errpos);
void quirei_qn_free(qn *n);

#endif
