/*
 * quire.h - the public C API of libquire.
 *
 * Quire is a full-text search engine for security commentary. This header is
 * the manual for the library: every function says what it does, who owns the
 * memory it returns, and every status it can return.
 *
 * Conventions (as in notmuch and LMDB):
 *   - Every public name starts with quire_ / QUIRE_.
 *   - Handles are opaque. A writer (quire_writer_t) and a reader
 *     (quire_reader_t) are separate: many readers may be open while one writer
 *     writes; a reader sees the state of the last commit at open or reopen.
 *   - Functions return quire_status_t. QUIRE_OK is 0. On failure the handle
 *     (when there is one) keeps a human-readable detail string, available
 *     from quire_writer_detail() / quire_reader_detail() until the next call
 *     on that handle.
 *   - No function aborts or exits the process. C++ exceptions from Xapian
 *     never cross this API: they become QUIRE_EXAPIAN (or a more precise
 *     status) with the exception's message in the detail text.
 *   - Strings in and out are UTF-8. Strings returned through a const char *
 *     are owned by the handle unless the comment says otherwise.
 *   - Handles are not thread-safe: use one per thread (a quire_writer_t
 *     runs its own worker threads internally; call it from one thread).
 */
#ifndef QUIRE_QUIRE_H
#define QUIRE_QUIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QUIRE_VERSION "0.1.0"

/* Index schema version written to every index (see lib/schema/schema.h). */
#define QUIRE_SCHEMA_VERSION 3

/* The version of the JSON that quire-serve answers and quire_results_json()
 * writes, given as "api_version" in every JSON object they return (errors
 * too). MAJOR.MINOR, as a string: MINOR grows when fields or values are
 * added (clients ignore what they do not know), MAJOR when a field is
 * removed or changes meaning or type; "1" is "1.0". Every bump is recorded
 * in CHANGELOG.md. */
#define QUIRE_API_VERSION "1.2"

typedef enum quire_status {
    QUIRE_OK = 0,
    QUIRE_ENOMEM,        /* out of memory */
    QUIRE_EINVAL,        /* a bad argument (NULL handle, empty id, ...) */
    QUIRE_EIO,           /* a file or directory could not be read/written */
    QUIRE_ENOTFOUND,     /* no such document / database */
    QUIRE_ENOTINDEX,     /* path exists but is not a Quire index */
    QUIRE_ESCHEMA,       /* index written by an incompatible schema version */
    QUIRE_ELOCKED,       /* another writer holds the index lock */
    QUIRE_ECORRUPT,      /* the index is damaged */
    QUIRE_EMODIFIED,     /* the index changed under a reader; reopen and retry */
    QUIRE_EQUERY,        /* a malformed query */
    QUIRE_ELANG,         /* unknown stemming language */
    QUIRE_EXAPIAN,       /* any other error reported by Xapian */
    QUIRE_EINTERNAL,     /* an unexpected internal error (a bug) */
    /* A search option out of its range (limit, offset, sort, from, to):
     * quire_reader_error_option() names it, the detail text quotes the
     * value. A malformed query is QUIRE_EQUERY instead: callers tell a bad
     * parameter (HTTP "bad_parameter", quire-search exit 2) from a bad
     * query (HTTP "bad_query", exit 4). Added after the others, so their
     * values are unchanged. */
    QUIRE_EOPTION,
    QUIRE_STATUS_COUNT_  /* not a status: the number of statuses */
} quire_status_t;

/* A static English description of a status; never NULL. */
const char *quire_strerror(quire_status_t status);

/* ------------------------------------------------------------------------ */
/* Documents                                                                */
/* ------------------------------------------------------------------------ */

/*
 * One article. All fields are NUL-terminated UTF-8 or NULL when absent.
 * `id` and `body` are required. Invalid UTF-8 is replaced by U+FFFD (and
 * counted) when the document is added; nothing is truncated.
 * `date` is read by quire_date_normalize() when the document is added and
 * stored as it returns it ("YYYY", "YYYY-MM" or "YYYY-MM-DD"); a date it
 * refuses is dropped (the document is kept without a date, and counted in
 * quire_writer_stats_t.dates_dropped).
 */
typedef struct quire_doc {
    const char *id;
    const char *title;
    const char *source;
    const char *url;
    const char *author;
    const char *date;
    const char *body;
} quire_doc_t;

/*
 * The fields of a document, in the order above (and of the stored record,
 * the JSON Lines input and the JSON output). Loops over fields use these
 * instead of naming the seven members one by one.
 */
typedef enum quire_field {
    QUIRE_FIELD_ID = 0,
    QUIRE_FIELD_TITLE,
    QUIRE_FIELD_SOURCE,
    QUIRE_FIELD_URL,
    QUIRE_FIELD_AUTHOR,
    QUIRE_FIELD_DATE,
    QUIRE_FIELD_BODY,
    QUIRE_FIELD_COUNT /* not a field: the number of fields */
} quire_field_t;

/* The field's name as in JSON ("id", "title", ...); "" when out of range. */
const char *quire_field_name(quire_field_t f);

/* The value of field f of d (NULL when absent or f is out of range). */
const char *quire_doc_get(const quire_doc_t *d, quire_field_t f);

/* Set field f of d to v (not copied; NULL = absent). Does nothing when f
 * is out of range. */
void quire_doc_set(quire_doc_t *d, quire_field_t f, const char *v);

/* Bytes of the longest normalized date, its NUL included ("YYYY-MM-DD"). */
#define QUIRE_DATE_MAX 11

/*
 * Read a document's date as articles, feeds and HTML write it, check it
 * against the calendar (month 01-12, the days of that month, 29 February
 * in leap years only) and write it to `out` in ISO 8601 at the precision
 * given: "YYYY", "YYYY-MM" or "YYYY-MM-DD". Accepted:
 *   - ISO 8601 / RFC 3339: "2016", "2016-05", "2016-05-04", and a
 *     date-time "2016-05-04T10:00:00Z" ("T", "t" or a space before the
 *     time; seconds, fractions and a zone Z, +hh:mm, -hhmm, UTC, GMT
 *     optional): the date as written is kept, not converted to UTC (the
 *     day the article says), and the time is checked and dropped, since
 *     indexes, filters and sorting work by day;
 *   - "2016/05/04";
 *   - month names, in English, full or of three letters: "May 4, 2016",
 *     "4 May 2016", "May 4th, 2016", "Wed, 04 May 2016 10:00:00 GMT"
 *     (RFC 2822, as in RSS), "May 2016".
 * Refused: "04/05/2016" and the like (day and month order depends on the
 * writer's country), relative dates ("yesterday", "2 days ago"), anything
 * without a year or a month name.
 * Surrounding blanks are ignored. Returns QUIRE_OK, or QUIRE_EINVAL (out
 * is then "") with the reason, which does not quote the date (the caller
 * does, as it sees fit), in why[0..whylen) when why is not NULL
 * ("month 13 is not 01-12", "day 30: February 2016 has 29 days").
 */
quire_status_t quire_date_normalize(const char *date, char out[QUIRE_DATE_MAX], char *why,
                                    size_t whylen);

/* ------------------------------------------------------------------------ */
/* Writer                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct quire_writer quire_writer_t;

typedef struct quire_writer_options {
    /* Snowball language for stemming ("english" when NULL). Only used when
     * the index is created; an existing index keeps its own language. */
    const char *language;
    /* Number of shards (and writer threads) for a new index; 0 = 2. An
     * existing index keeps its shard count. Documents are routed to a shard
     * by a hash of their id, so re-adding an id always replaces it. */
    unsigned shards;
    /* Documents per shard between automatic commits; 0 = 1000. Everything
     * committed survives a crash (kill -9) of the writing process. */
    unsigned batch_size;
    /* quire_writer_close() merges all shards into one compacted database
     * (and switches readers to it atomically). Searches are about 30%
     * faster on one database than on two; the price is that later runs on
     * this index write with one thread. */
    bool merge_on_close;
} quire_writer_options_t;

typedef struct quire_writer_stats {
    uint64_t added;          /* documents new to the index */
    uint64_t replaced;       /* documents whose id was already present */
    uint64_t body_bytes;     /* bytes of body text indexed */
    uint64_t invalid_utf8;   /* invalid byte sequences replaced by U+FFFD */
    uint64_t committed;      /* documents covered by the last commit */
    uint64_t deleted;        /* documents removed by quire_writer_delete() */
    uint64_t dates_dropped;  /* documents added without the date they came
                                with: quire_date_normalize() refused it */
} quire_writer_stats_t;

/*
 * Open (creating if needed) the index in directory `path` for writing.
 * `opts` may be NULL for defaults. On success *out is a new writer, to be
 * freed with quire_writer_close(). On failure *out is NULL and, when
 * `detail` is not NULL, a malloc'd message is stored in *detail (free() it).
 * Returns QUIRE_OK, QUIRE_EINVAL, QUIRE_ENOMEM, QUIRE_EIO, QUIRE_ELOCKED,
 * QUIRE_ENOTINDEX, QUIRE_ESCHEMA, QUIRE_ELANG, QUIRE_ECORRUPT, QUIRE_EXAPIAN.
 */
quire_status_t quire_writer_open(const char *path,
                                 const quire_writer_options_t *opts,
                                 quire_writer_t **out, char **detail);

/*
 * Queue a document for indexing; it replaces any document with the same id.
 * The fields are copied: the caller may reuse them once this returns.
 * Indexing happens on the writer's threads; an error there (disk full, ...)
 * is sticky and returned by this and every later call.
 * The date is normalized by quire_date_normalize(); one it refuses is
 * dropped, the document added without it (check it first with
 * quire_date_normalize() to report it).
 * Returns QUIRE_OK, QUIRE_EINVAL (no id or body, or an id over 200 bytes),
 * QUIRE_ENOMEM, or a sticky error from a worker.
 */
quire_status_t quire_writer_add(quire_writer_t *w, const quire_doc_t *doc);

/*
 * Delete the document with this id (a retraction). The delete runs on the
 * thread of the shard that holds the id, after the documents queued there
 * before it (so an add then a delete of one id leaves it deleted, and an
 * add after the delete brings it back), and this call waits for it: *found
 * (may be NULL) tells whether the index held the id, counting documents
 * queued but not yet committed. An id longer than 200 bytes is never
 * found. Like an add, the deletion reaches readers with the next commit
 * (explicit, automatic every `batch_size` changes, or at close); a
 * reader's quire_reader_generation() then changes, so caches keyed on it
 * drop the document too.
 * Returns QUIRE_OK (found or not), QUIRE_EINVAL (NULL writer, no id),
 * QUIRE_ENOMEM, or a sticky error (QUIRE_EIO, QUIRE_EXAPIAN, ...).
 */
quire_status_t quire_writer_delete(quire_writer_t *w, const char *id, bool *found);

/* Wait until every queued document is indexed, then commit all shards.
 * Returns QUIRE_OK or the first error (QUIRE_EIO, QUIRE_EXAPIAN, ...). */
quire_status_t quire_writer_commit(quire_writer_t *w);

/*
 * Commit, then rewrite every shard compactly (in parallel, one thread per
 * shard) and switch the index over to the compacted shards atomically.
 * Incremental commits leave glass B-trees about 40% slack; compaction
 * removes it in seconds. Readers opened before keep working on the old
 * shards until they reopen. The writer stays usable.
 * Returns QUIRE_OK, QUIRE_EIO (disk full, ...), QUIRE_EXAPIAN, or a sticky
 * error.
 */
quire_status_t quire_writer_compact(quire_writer_t *w);

/* Counters so far (exact after quire_writer_commit()). */
void quire_writer_stats(quire_writer_t *w, quire_writer_stats_t *stats);

/* The detail text of the last failure, or "" (owned by the writer). */
const char *quire_writer_detail(const quire_writer_t *w);

/* The Snowball stemming languages this build knows ("english", ...; the
 * names quire_writer_options_t.language takes), a NULL-terminated static
 * list. */
const char *const *quire_languages(void);

/* Does this build stem `language`: one of quire_languages(), or its ISO
 * 639 code ("en")? */
bool quire_language_known(const char *language);

/* The stemming language of the index (owned by the writer). */
const char *quire_writer_language(const quire_writer_t *w);

/* Commit what is queued (and merge, with merge_on_close), stop the threads
 * and free the writer. Returns the commit's (or merge's) status. NULL is
 * accepted and returns QUIRE_OK. */
quire_status_t quire_writer_close(quire_writer_t *w);

/* quire_writer_close(), and on failure its detail (what failed, and for a
 * merged generation that failed its check, that the previous one is kept)
 * in a malloc'd *detail for the caller to free() (NULL when out of memory
 * or on success). */
quire_status_t quire_writer_close_detail(quire_writer_t *w, char **detail);

/* ------------------------------------------------------------------------ */
/* Reader                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct quire_reader quire_reader_t;

/*
 * Open the index at `path` for reading. Arguments and failure behaviour as
 * for quire_writer_open(). Returns QUIRE_OK, QUIRE_EINVAL, QUIRE_ENOMEM,
 * QUIRE_ENOTFOUND (no such directory), QUIRE_ENOTINDEX (not a Quire index),
 * QUIRE_ESCHEMA, QUIRE_ECORRUPT, QUIRE_EXAPIAN.
 */
quire_status_t quire_reader_open(const char *path, quire_reader_t **out,
                                 char **detail);

/*
 * Several indexes or shards as one (issue 14: scale-out). Each source is:
 *   - an index directory (the shards its XAPIANDB names);
 *   - a manifest file: one shard a line, "auto PATH" (a shard directory, or
 *     a whole index directory standing for its shards; relative to the
 *     file's directory) or "remote HOST:PORT" (a shard served by Xapian's
 *     xapian-tcpsrv), "#" comments (the syntax of an index's XAPIANDB);
 *   - "tcp://HOST:PORT": one shard served by xapian-tcpsrv.
 * Results are the same as from one index holding every document: scores
 * use statistics over all shards. A Quire id must live in one shard only
 * (a shard named twice is refused: QUIRE_ENOTINDEX).
 *
 * A remote shard that cannot be reached is down: searches answer from the
 * shards that are up and say so (quire_results_t.partial, missing_shards),
 * and the shard is tried again at most once a second (on reopen) until it
 * answers, once a background probe saw its port answer (a host that drops
 * packets never holds a search for the connect timeout); with
 * require_all_shards, searches and fetches fail with
 * QUIRE_EIO instead while a shard is down. With no shard up, opening
 * fails with QUIRE_EIO.
 */
#define QUIRE_SHARD_TIMEOUT_MS 10000        /* a remote read, by default */
#define QUIRE_SHARD_CONNECT_TIMEOUT_MS 2000 /* connecting to a remote shard */
typedef struct quire_reader_options {
    unsigned shard_timeout_ms;         /* 0 = QUIRE_SHARD_TIMEOUT_MS */
    unsigned shard_connect_timeout_ms; /* 0 = QUIRE_SHARD_CONNECT_TIMEOUT_MS */
    bool require_all_shards;
} quire_reader_options_t;

/* Open sources[0..n) (n >= 1) as one index; opts may be NULL (defaults).
 * Returns as quire_reader_open(), and QUIRE_EIO when no shard is up. */
quire_status_t quire_reader_open_sources(const char *const *sources, size_t n,
                                         const quire_reader_options_t *opts,
                                         quire_reader_t **out, char **detail);

/* The number of shards the reader's sources name (up or down). */
size_t quire_reader_shard_count(const quire_reader_t *r);

/* The shards down now (left out of searches), *n of them (n may be NULL):
 * their paths or "tcp://HOST:PORT". Owned by the reader; valid until its
 * next call. */
const char *const *quire_reader_missing_shards(const quire_reader_t *r, size_t *n);

/* Move to the latest commit. *changed (may be NULL) tells whether it moved.
 * Returns QUIRE_OK, QUIRE_ENOTFOUND, QUIRE_ECORRUPT, QUIRE_EXAPIAN. */
quire_status_t quire_reader_reopen(quire_reader_t *r, bool *changed);

/* Number of documents. Returns QUIRE_OK or QUIRE_EXAPIAN. */
quire_status_t quire_reader_doc_count(quire_reader_t *r, uint64_t *count);

/* The stemming language recorded in the index (owned by the reader). */
const char *quire_reader_language(const quire_reader_t *r);

/* A revision number that grows with every commit: the sum over the shards
 * that are up of a local shard's revision and a remote shard's commit
 * counter (which its writer stores in the shard: Xapian 1.4's remote
 * protocol reports no revision; 0 for an index written before it). */
quire_status_t quire_reader_revision(quire_reader_t *r, uint64_t *rev);

/* A number that changes whenever the documents this reader sees change: a
 * hash of every shard's UUID and revision. Unlike the revision, it also
 * changes when a compaction or merge replaces the shards (their revisions
 * start again from 1), and when a shard goes down or comes back. A remote
 * shard is hashed by its UUID and the commit counter its writer stores (an
 * index written before that counter: by document count, last document id
 * and lengths, which miss a re-indexing that changes none of them). Key
 * caches of results with it.
 * Returns QUIRE_OK, QUIRE_EINVAL or QUIRE_EXAPIAN. */
quire_status_t quire_reader_generation(quire_reader_t *r, uint64_t *gen);

/*
 * A stored document, as returned by quire_reader_get(). All strings are
 * NUL-terminated UTF-8 or NULL when absent; the struct and its strings are
 * one allocation owned by the caller: free it with quire_stored_doc_free().
 */
typedef struct quire_stored_doc {
    quire_doc_t doc;
    size_t body_len;
} quire_stored_doc_t;

/*
 * Fetch the document with id `id`. When a commit has discarded the revision
 * the reader is on, the reader moves to the newest one (as
 * quire_reader_reopen()) and the fetch runs again, up to 3 times: callers
 * need no retry loop of their own. Returns QUIRE_OK, QUIRE_ENOTFOUND,
 * QUIRE_EINVAL, QUIRE_ENOMEM, QUIRE_ECORRUPT, QUIRE_EXAPIAN, or
 * QUIRE_EMODIFIED when the retries did not help (the index changed on every
 * try, or the reopen failed: its message is in the detail).
 */
quire_status_t quire_reader_get(quire_reader_t *r, const char *id,
                                quire_stored_doc_t **out);

void quire_stored_doc_free(quire_stored_doc_t *d);

/*
 * Does any document hold this exact index term (as the tokenizer makes it,
 * see tokenizer.h)? *freq receives the number of documents holding it.
 * For tests and diagnostics. Returns QUIRE_OK or QUIRE_EXAPIAN.
 */
quire_status_t quire_reader_term_freq(quire_reader_t *r, const char *term,
                                      uint64_t *freq);

const char *quire_reader_detail(const quire_reader_t *r);

/* ------------------------------------------------------------------------ */
/* Search                                                                   */
/* ------------------------------------------------------------------------ */

#define QUIRE_MAX_LIMIT 100     /* most hits one search returns */
#define QUIRE_MAX_OFFSET 10000  /* deepest page: offset + limit <= this */
#define QUIRE_MAX_QUERY_BYTES 8192
/* Searches count their matches exactly up to this many (by default): the
 * count of a query over it is reported as "at least this many"
 * (QUIRE_TOTAL_GTE). Counting visits every match up to it: see
 * bench/RESULTS.md for the cost. */
#define QUIRE_EXACT_TOTAL 10000
/* The per-query work limit: the postings a query may read, counted as the
 * sum of the document frequencies of its distinct terms. About 0.1 us each
 * on the reference machine, so no query pins a core for more than ~0.2 s.
 * Over it: QUIRE_EQUERY ("query too expensive"). Counting costs a lookup a
 * term, so by default only queries of more than QUIRE_WORK_CHECK_TERMS
 * terms are counted (fewer cannot take long: a 40-word paste of common
 * words, relaxed to OR, takes ~60 ms on the shared corpus). A word* prefix
 * is bounded instead by its expansion to the 100 most frequent terms it
 * matches (~50 ms for "a*"). */
#define QUIRE_MAX_QUERY_POSTINGS 2000000
#define QUIRE_WORK_CHECK_TERMS 64

/*
 * Facets: how the matches of a search spread over the values of a field,
 * counted over the whole match set (never only the page): the sources and
 * authors the matches have, with how many matches have each, and how many
 * matches there are per year. Ask for them with the `facets` bit set of
 * quire_search_options_t (QUIRE_FACET(QUIRE_FACET_SOURCE) | ...); the
 * results then hold one quire_facet_t per field asked for.
 *
 * Values are the fields exactly as indexed (source "ti-corpus/theregister",
 * author "David Harley"; an author field naming several people is one
 * value), the year is the first four digits of the date. Filtering on a
 * value (the `source` option, source:NAME) ignores case, so a source
 * spelt in two cases is two values that one filter finds together.
 */
typedef enum quire_facet_field {
    QUIRE_FACET_SOURCE = 0,
    QUIRE_FACET_YEAR,
    QUIRE_FACET_AUTHOR,
    QUIRE_FACET_FIELD_COUNT /* not a field: the number of facet fields */
} quire_facet_field_t;

#define QUIRE_FACET(f) (1u << (f)) /* the bit of facet field f */
#define QUIRE_FACET_SIZE 10        /* values of a facet by default */
#define QUIRE_MAX_FACET_SIZE 100   /* most values of a facet (not the year) */
/* With facets, matches are counted exactly up to this many (unless the
 * exact_total option says otherwise), so facets and total cover every
 * match: about 0.1 us a match more than the QUIRE_EXACT_TOTAL count (see
 * bench/RESULTS.md). */
#define QUIRE_FACET_EXACT_TOTAL 1000000

/* The facet's name as in the API ("source", "year", "author"); "" when f
 * is out of range. */
const char *quire_facet_name(quire_facet_field_t f);

/* Parse a comma-separated list of facet names ("source,year,author", any
 * subset in any order; blanks around names and repeats are allowed; ""
 * is none) into the bit set *mask. Returns QUIRE_OK, or QUIRE_EINVAL for
 * an unknown or empty name (*mask is then 0) or a NULL argument. */
quire_status_t quire_facets_parse(const char *list, unsigned *mask);

/* One value of a facet (or one source) and the matches (documents) that
 * have it. */
typedef struct quire_facet_value {
    const char *value;
    uint64_t count;
} quire_facet_value_t;

/*
 * A facet of the matches. For source and author, `values` are the
 * facet_size values most matches have, by count (most first; equal counts
 * by value, bytewise); for year, every year the matches have, oldest
 * first (facet_size does not apply). `other` counts every match not
 * counted in `values`: those with another value and those with none
 * (`missing`, a part of `other`: undated, no author, no source). So the
 * counts of `values` plus `other` add up to the matches counted, which
 * is `total` whenever total_relation is QUIRE_TOTAL_EQ (with facets,
 * up to QUIRE_FACET_EXACT_TOTAL matches); when total is a bound, the
 * facets count the matches visited, at least `total` of them, in index
 * order: a sample, and they add up to more than `total`.
 */
typedef struct quire_facet {
    quire_facet_field_t field;
    const char *name;                   /* quire_facet_name(field) */
    const quire_facet_value_t *values;
    size_t nvalues;
    uint64_t other;
    uint64_t missing;
} quire_facet_t;

/*
 * A warning about a search that ran: a filter value that matches no
 * document of the index, which is almost always a misspelling (the search
 * itself answers what it finds, often nothing). `code` is one of
 *   "unknown_source"    the source option or a source: in the query names
 *                       a source (or prefix) no document has;
 *   "empty_date_range"  the from/to options or a date: in the query
 *                       select no dated document;
 *   "ambiguous_alias"   the query names a threat-actor name that belongs
 *                       to several groups (Grizzly Steppe): not expanded;
 *   "group_number"      the query names a group number (APT28): searched
 *                       as typed, not expanded; the message names the
 *                       group's other names;
 * and `message` says which filter, in words.
 */
typedef struct quire_warning {
    const char *code;
    const char *message;
} quire_warning_t;

typedef enum quire_sort {
    QUIRE_SORT_RELEVANCE = 0,
    QUIRE_SORT_DATE              /* newest first, relevance within a day */
} quire_sort_t;

typedef struct quire_search_options {
    unsigned offset;        /* hits to skip (<= QUIRE_MAX_OFFSET - limit) */
    unsigned limit;         /* 0 = 10; at most QUIRE_MAX_LIMIT */
    quire_sort_t sort;
    const char *source;     /* only this source (or source prefix before
                               '/'), NULL = all */
    const char *date_from;  /* YYYY[-MM[-DD]] inclusive, NULL or "" = open */
    const char *date_to;    /* YYYY[-MM[-DD]] inclusive, NULL or "" = open;
                               a real date (2016-02-30 is refused), not
                               before date_from: "--from 2017-05 --to 2017"
                               is May to December 2017 */
    bool no_snippets;       /* skip snippets and quotes (faster) */
    uint64_t max_postings;  /* work limit; 0 = QUIRE_MAX_QUERY_POSTINGS for
                               queries of > QUIRE_WORK_CHECK_TERMS terms; set,
                               it applies to every query */
    unsigned exact_total;   /* count matches exactly up to this many; 0 =
                               QUIRE_EXACT_TOTAL, or QUIRE_FACET_EXACT_TOTAL
                               with facets (see quire_results_t) */
    unsigned facets;        /* QUIRE_FACET() bits of the facets wanted
                               (quire_facets_parse()); 0 = none */
    unsigned facet_size;    /* values per facet; 0 = QUIRE_FACET_SIZE; at
                               most QUIRE_MAX_FACET_SIZE */
    bool no_aliases;        /* do not expand threat-actor names to the
                               group's other names (quire_results_t.expanded;
                               README.md, "Threat-actor aliases") */
} quire_search_options_t;

/* A highlighted range of a snippet, in Unicode code points, [start, end). */
typedef struct quire_span {
    uint32_t start, end;
} quire_span_t;

/* How a hit matched the query (quire_hit_t.match; "exact", "approximate"
 * or "relaxed" in the JSON and text results, see quire_match_name()). */
typedef enum quire_match {
    QUIRE_MATCH_EXACT = 0,   /* every word and every phrase as typed
                                (words stemmed) */
    QUIRE_MATCH_APPROXIMATE, /* a quoted phrase matched tolerantly (a word
                                dropped, added or inflected differently,
                                or its words apart): see
                                quire_results_t.approximate */
    QUIRE_MATCH_RELAXED      /* not every word: a best partial match (see
                                quire_results_t.relaxed); also when phrases
                                were loosened first */
} quire_match_t;

/* "exact", "approximate" or "relaxed" (static strings); "exact" for an
 * unknown value. */
const char *quire_match_name(quire_match_t m);

typedef struct quire_hit {
    unsigned rank;          /* 1-based, across pages */
    double score;           /* BM25-based relevance; orders hits within a tier (a
                               quote-like query ranks its exact-phrase hits first,
                               whatever their score). Hits of equal score (and,
                               sorted by date, equal date) come in the order of
                               their ids, shorter ids first, then byte by byte:
                               the same on every page, in every shard layout and
                               whatever order the documents were indexed in. */
    const char *id, *title, *source, *author, *date, *url; /* NULL = absent */
    const char *snippet;    /* best fragment of the body, about 250 bytes */
    const quire_span_t *highlights; /* matched words / whole phrases */
    size_t nhighlights;
    /* The sentence of the body that best matches the query, to cite, with
     * its byte offsets in the stored body (body[quote_start, quote_end)
     * is exactly quote): the sentence holding the most weight of whole
     * quoted phrases, then the most distinct query words (stems count,
     * stop words do not: "the", "of"...), then the most of them in the
     * query's order. A sentence that runs on for more than 400 bytes
     * before its first or after its last match is cut there, on word
     * boundaries. For every kind of hit: exact, approximate and relaxed.
     * NULL when the body holds no query word but stop words (a hit
     * matched on its title or author), or with no_snippets. */
    const char *quote;
    size_t quote_start, quote_end;
    /* How this hit matched; the same for every hit of one search today
     * (quire_results_t's flags), given per hit so that a hit taken out of
     * its results keeps it. approximate and relaxed are those of the
     * results: match is QUIRE_MATCH_RELAXED when relaxed,
     * QUIRE_MATCH_APPROXIMATE when only approximate. */
    quire_match_t match;
    bool approximate, relaxed;
    /* The response's corrected flag, on the hit: it matched the spelling
     * correction (quire_results_t.suggestion), not the query as typed. */
    bool corrected;
} quire_hit_t;

/* How quire_results_t.total relates to the number of matches. */
typedef enum quire_total_relation {
    QUIRE_TOTAL_EQ = 0, /* total is the number of matching documents */
    QUIRE_TOTAL_GTE     /* more match than counting went to: at least total */
} quire_total_relation_t;

typedef struct quire_results {
    const char *query;      /* as given */
    /* The number of matching documents (of the fallback that answered,
     * when one did), the same at every offset and limit: exact up to the
     * exact_total option (QUIRE_EXACT_TOTAL by default), and beyond it
     * that cap with total_relation QUIRE_TOTAL_GTE. */
    uint64_t total;
    quire_total_relation_t total_relation;
    unsigned offset, limit;
    bool relaxed;           /* no document held every word: best partial
                               matches are returned */
    bool approximate;       /* an exact phrase had no match: tolerant
                               matches (stems, proximity, one word missing)
                               are returned. Both flags are false when
                               nothing matched at all (total 0): they say
                               how the hits matched (see quire_hit_t.match) */
    double took_ms;
    size_t nhits;
    quire_hit_t *hits;
    /* The facets asked for (quire_search_options_t.facets), in
     * quire_facet_field_t order; none when none were asked. */
    const quire_facet_t *facets;
    size_t nfacets;
    /* Filters that match no document (see quire_warning_t), in the order
     * of the options (source, then dates) and then of the query. */
    const quire_warning_t *warnings;
    size_t nwarnings;
    /* "Did you mean": the query with its misspelt words corrected, or NULL
     * (owned by the results). A word is misspelt when the index does not
     * have it (nor its stem), or has it in fewer than 3 documents next to a
     * word 1 edit away (2 for 8+ letters) used by 20 times as many; the
     * correction is the closest word of the index's vocabulary, the one
     * most documents use among equally close ones. Never corrected:
     * security tokens (CVE IDs, hashes, IPs, versions: tokens with digits
     * or connectors), words under 4 letters, stop words, words under NOT,
     * and words in quotes that the index has. */
    /* Some shards were down (quire_reader_open_sources): the results are
     * those of the shards that are up, which missing_shards names. */
    bool partial;
    const char *const *missing_shards; /* owned by the results */
    size_t nmissing_shards;
    const char *suggestion;
    /* The query as typed found nothing (or only relaxed matches: not every
     * word) and its suggestion found hits (matching every word, in the
     * relaxed case): the hits and total are the suggestion's (each hit
     * says so too); match, approximate and relaxed say how they matched
     * it. False otherwise. */
    bool corrected;
    /* The other names of the threat-actor groups the query named that the
     * search added (Sofacy, Fancy Bear, ... for APT28), in the data's order;
     * none when the query named no group, with no_aliases, or when its
     * name belongs to several groups (then a warning "ambiguous_alias"
     * says which). Documents naming a group only by an added name rank
     * below those naming it as typed. Owned by the results. */
    const char *const *expanded;
    size_t nexpanded;
} quire_results_t;

/*
 * Run `query` (syntax in README.md, "Query syntax") against the reader's
 * index. A query of 8 or more words with no operator (AND, OR, NOT, a
 * leading - or +, a title:/author:/source:/id:/date: field, "…"~N) is a
 * pasted sentence: its parentheses, word-ending '*' and "name:" prefixes
 * are read as punctuation, never as groups, prefixes or (unknown) fields,
 * and it is searched as a fragment (its exact phrase first). A phrase
 * opened by a straight quote closes at the next straight quote (“ at ”,
 * « at », „ at “ or ”) when there is one, so a quotation may quote someone. `opts` may be NULL for defaults. On success *out holds the results
 * (free with quire_results_free()).
 * When a commit has discarded the revision the reader is on, the reader
 * moves to the newest one (as quire_reader_reopen()) and the search runs
 * again, up to 3 times: callers need no retry loop of their own. took_ms
 * covers every try.
 * Returns QUIRE_OK; QUIRE_EQUERY for a malformed query, or one over the
 * work limit (QUIRE_MAX_QUERY_POSTINGS), with the message in
 * quire_reader_detail() and the 0-based byte position of the problem (-1
 * when it has none) in quire_reader_error_pos(); QUIRE_EOPTION for an
 * option out of range (limit over QUIRE_MAX_LIMIT, offset + limit over
 * QUIRE_MAX_OFFSET, an unknown sort, a date_from or date_to that is not a
 * date, or date_from after date_to), with the option named by
 * quire_reader_error_option() and the message, quoting the value, in
 * quire_reader_detail(); QUIRE_EINVAL (bad arguments);
 * QUIRE_ENOMEM; QUIRE_ECORRUPT; QUIRE_EXAPIAN; QUIRE_EMODIFIED when the
 * retries did not help (the index changed on every try, or the reopen
 * failed: its message is in the detail).
 */
quire_status_t quire_search(quire_reader_t *r, const char *query,
                            const quire_search_options_t *opts,
                            quire_results_t **out);

void quire_results_free(quire_results_t *res);

/*
 * The results as JSON text (the schema served by quire-serve's
 * /api/search, byte for byte): {"api_version" (QUIRE_API_VERSION),
 * "query","total":{"value","relation":"eq"|"gte"},"offset",
 * "limit","relaxed","approximate",
 * "took_ms","hits":[{"rank","id","score","title","source","author","date",
 * "url","snippet","highlights":[[start,end],...],"quote":{"text","start",
 * "end"}|null,"match":"exact"|"approximate"|"relaxed","approximate",
 * "relaxed"}],"warnings":[{"code","message"}],"facets":{"source"|"year"|
 * "author":{"values":[{"value","count"}],"other","missing"}}} ("warnings"
 * always, [] when none; "facets" only when facets were asked for).
 * Absent fields are null; text that is not valid UTF-8 (a
 * query is echoed as given) has each bad sequence replaced by U+FFFD.
 * Returns a malloc'd string (free() it), NULL on OOM.
 */
char *quire_results_json(const quire_results_t *res);

/*
 * The results as text for a terminal: a header line ("N results for Q", or
 * "at least N results for Q" when total is a bound), a line per warning
 * ("warning: MESSAGE") and per facet ("source: a 12, b 3, other 4 (no
 * source: 2)", "year: 2015 3, 2016 40, no date 2"), then per hit its rank
 * and title, id | source | author | date | score (| approximate or
 * | relaxed when the hit did not match exactly), url, the snippet with
 * matches marked (ANSI bold-underline when `ansi`, else **like this**), and
 * a citation line when the hit has a quote:
 *   “The quote.” — Author, “Title”, source, 2016-05-04, https://…
 * (absent fields left out with their comma; a leading "…" when the quote
 * starts inside a sentence; whitespace runs as one space). The header says
 * in one notice how the hits matched (approximate, relaxed, or both).
 * Returns a malloc'd string (free() it), NULL on OOM.
 */
char *quire_results_text(const quire_results_t *res, int ansi);

/* ------------------------------------------------------------------------ */
/* Similar articles                                                         */
/* ------------------------------------------------------------------------ */

/* The similar articles of a document are its QUIRE_MAX_SIMILAR best
 * matches at most: offset + limit <= this. */
#define QUIRE_MAX_SIMILAR 100

/*
 * The articles most like the document with id `id`, as search results
 * (the same quire_results_t, JSON and text as quire_search()):
 * the document's 12 most telling words, by Xapian's relevance-set
 * expansion over it (words it uses often and the index rarely; stop
 * words, numbers, links, title/author/source terms, words no other
 * document holds and words held by over 5% of them, and over 100, left
 * out), searched OR-ed and stemmed, BM25-ranked, without the document
 * itself and without its near-duplicates: another document whose body
 * shares at least 60% of its word 4-grams with it (resemblance, over the
 * first 8 KiB of each), or that has the same title (compared in lower
 * case, letters and digits only) and whose shorter body shares at least
 * half of its 4-grams with the other. Hits with equal scores come in the order of their ids, as
 * in quire_search().
 * The results' `query` is the expansion's words, space-separated (what
 * the snippets highlight); `total` counts the matches up to
 * QUIRE_MAX_SIMILAR (GTE beyond, or when near-duplicates past the page
 * may be among them), minus the near-duplicates skipped on the way to the
 * page. No suggestion, expansion, facets or warnings; every hit's match
 * is "exact" and its flags are false (it matched no typed query).
 * Options used: offset and limit (offset + limit <= QUIRE_MAX_SIMILAR),
 * source, date_from, date_to (only documents within them), no_snippets;
 * sort, facets, exact_total, max_postings and no_aliases are checked as
 * quire_search() checks them and otherwise ignored. `opts` may be NULL.
 * Only Quire ids go in and out, and nothing the remote backend lacks is
 * used, so it works over remote shards. On success *out holds the
 * results (free with quire_results_free()).
 * Like quire_search(), a search that met a commit runs again after a
 * reopen (up to 3 times).
 * Returns QUIRE_OK; QUIRE_ENOTFOUND (no document has this id; the detail
 * says so); QUIRE_EOPTION (an option out of range, named by
 * quire_reader_error_option()); QUIRE_EINVAL (NULL arguments, an empty
 * id); QUIRE_ENOMEM; QUIRE_ECORRUPT; QUIRE_EXAPIAN; QUIRE_EMODIFIED.
 */
quire_status_t quire_similar(quire_reader_t *r, const char *id,
                             const quire_search_options_t *opts, quire_results_t **out);

/*
 * Every source of the index and its number of documents, as
 * quire_reader_sources() returns them. One allocation owned by the caller
 * (free it with quire_sources_free()); the strings are in it.
 */
typedef struct quire_sources {
    const quire_facet_value_t *values; /* by name, bytewise */
    size_t nvalues;
    uint64_t missing;                  /* documents without a source */
    /* As in quire_results_t: some shards were down, the counts are those
     * of the shards that answered; missing_shards names the ones left out
     * (nmissing_shards of them; NULL and 0 when none). */
    bool partial;
    const char *const *missing_shards;
    size_t nmissing_shards;
} quire_sources_t;

/*
 * The sources of the index (the source field exactly as indexed, like the
 * source facet) and how many documents each has: counted over every
 * document (a few milliseconds for 100,000), after a QUIRE_EMODIFIED
 * retry as quire_search() does. Returns QUIRE_OK, QUIRE_EINVAL,
 * QUIRE_ENOMEM, QUIRE_ECORRUPT, QUIRE_EXAPIAN, QUIRE_EMODIFIED.
 */
quire_status_t quire_reader_sources(quire_reader_t *r, quire_sources_t **out);

void quire_sources_free(quire_sources_t *s);

/* The sources as the JSON of /api/sources: {"api_version","sources":
 * [{"value","count"},...],"missing":N,"partial":B,"missing_shards":[...]};
 * as text, one line a source ("COUNT  NAME") after a header line (and a
 * "Partial results: ..." line under it when partial). malloc'd strings
 * (free() them), NULL on OOM. */
char *quire_sources_json(const quire_sources_t *s);
char *quire_sources_text(const quire_sources_t *s);

/* Byte position in the query of the last QUIRE_EQUERY error, or -1. */
long quire_reader_error_pos(const quire_reader_t *r);

/* The option of the last QUIRE_EOPTION error of quire_search(), as
 * quire-search and the HTTP API name it ("limit", "offset", "sort",
 * "from", "to"; a static string), or NULL after any other result. */
const char *quire_reader_error_option(const quire_reader_t *r);

void quire_reader_close(quire_reader_t *r);

/* ------------------------------------------------------------------------ */
/* Checking an index (a damaged index: issue 16)                            */
/* ------------------------------------------------------------------------ */

/*
 * Check the index at `path` fully: every local shard its stub names, with
 * Xapian's Database::check (every block and item of every table, the
 * tables against each other) and Quire's own checks (the four tables
 * postlist, termlist, position and docdata present, the schema version
 * metadata, every stored record parsing). Remote shards are listed as not
 * checked. Reads the whole index: 7-8.5 s of CPU for the shared corpus's
 * 606 MB (bench/RESULTS.md): a tool for quire-index --check and the
 * writer, not for every open.
 *
 * *report (when report is not NULL) receives a malloc'd text the caller
 * frees with free(): for each shard, one line per table, schema and
 * records ("ok" or what is wrong), then a line for the index (sound,
 * damaged) and, when it is not sound, what to do (restore from a backup,
 * or rebuild from the sources). NULL only when out of memory.
 *
 * Returns QUIRE_OK (sound); QUIRE_ECORRUPT (damaged: a table, the stub,
 * the metadata or a record); QUIRE_ESCHEMA (written by another schema
 * version); QUIRE_ENOTINDEX (no stub, or a stub Quire cannot read:
 * empty, foreign); QUIRE_ENOTFOUND (no such directory); QUIRE_EINVAL
 * (NULL or empty path); QUIRE_ENOMEM. Never modifies the index.
 *
 * The check runs in the calling process. Xapian 1.4.22 was seen to crash
 * (SIGSEGV) on damaged files while reading them, and once, under
 * AddressSanitizer, while checking them; programs that must survive that
 * run the check in a child process (quire-index, quire-serve).
 */
quire_status_t quire_index_check(const char *path, char **report);

/* A number that changes whenever the index at `path` changes on disk: its
 * stub, and the name, size, inode and change time of every file of its
 * local shards (a restore, a rebuild, a commit). Reads no index data, so
 * it cannot crash on a damaged one: quire-serve watches it to tell when an
 * index it found damaged was repaired. QUIRE_OK (also for a path with no
 * index: that has a fingerprint too), QUIRE_EINVAL, QUIRE_ENOMEM. */
quire_status_t quire_index_fingerprint(const char *path, uint64_t *fp);

/* The version of the Xapian library Quire runs on ("1.4.22"), to say in
 * reports which engine a crash was seen in. Static; never NULL. */
const char *quire_xapian_version(void);

#ifdef __cplusplus
}
#endif

/* Exports (every match, a page at a time), CSV, JSON Lines and Atom, and
 * batch search: the rest of the API, in a header of its own. */
#include <quire/export.h>

#endif
