/*
 * export.h - the part of libquire's C API that answers many hits or many
 * queries at once: exports (every match of a query, a page at a time),
 * the hits as CSV, JSON Lines and Atom, and batch search. Included by
 * quire.h (include that); the conventions of quire.h hold here too.
 */
#ifndef QUIRE_EXPORT_H
#define QUIRE_EXPORT_H

#include <quire/quire.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Export: every match, a page at a time                                    */
/* ------------------------------------------------------------------------ */

/*
 * An export walks every match of a query, from opts->offset to the last
 * one counted (at most QUIRE_MAX_OFFSET, 10,000, as quire_results_t.total
 * says), in the order quire_search() gives them (opts->sort; ties by id),
 * QUIRE_EXPORT_PAGE hits a page whatever opts->limit says, with the same
 * filters and fallbacks. Only one page is in memory at a time: an export
 * of 10,000 hits holds 1,000 of them (their stored documents: a few MB),
 * never all. Each page is one search as quire_search() runs it (with its
 * work limit) but for the larger page, so the walk costs about ten
 * searches of growing depth (bench/RESULTS.md): a search sorted by date
 * reads every match's date at any depth, and pages of QUIRE_MAX_LIMIT
 * made an export of 10,000 such hits a hundred of them.
 *
 * The pages all come from one revision of the index: should a commit move
 * the reader on in the middle (quire_search() reopens it when its revision
 * is discarded), the next page fails with QUIRE_EMODIFIED rather than skip
 * or repeat hits. Use a reader of its own for a long export.
 *
 *     quire_export_t *e;
 *     const quire_results_t *page;
 *     if (quire_export_open(r, "ransomware", &opts, &e) == QUIRE_OK) {
 *         while (quire_export_next(e, &page) == QUIRE_OK && page)
 *             ... page->hits[0 .. page->nhits) ...
 *         quire_export_free(e);
 *     }
 */
typedef struct quire_export quire_export_t;

#define QUIRE_EXPORT_PAGE 1000 /* hits a page of an export */

/*
 * Start an export of `query` on r (which must outlive it; do not search
 * with r while the export is in use). The first page is searched now, so
 * a bad query fails here, before any output. Returns what quire_search()
 * returns (QUIRE_EQUERY with quire_reader_detail() and
 * quire_reader_error_pos(), QUIRE_ENOMEM, ...); on success *out is freed
 * with quire_export_free().
 */
quire_status_t quire_export_open(quire_reader_t *r, const char *query,
                                 const quire_search_options_t *opts,
                                 quire_export_t **out);

/*
 * The next page: *page (owned by the export, valid until the next call or
 * quire_export_free()) holds up to QUIRE_EXPORT_PAGE hits, ranks counting
 * on from the page before; *page is NULL once every hit was given. Its
 * total, relaxed and approximate are those of the whole export.
 * Returns QUIRE_OK, QUIRE_EMODIFIED (the index changed under the export:
 * the hits given so far stand, the rest cannot follow them), or another
 * status of quire_search() (detail in quire_reader_detail()).
 */
quire_status_t quire_export_next(quire_export_t *e, const quire_results_t **page);

/* The number of hits the export gives in all: min(total, 10,000) less the
 * starting offset. */
uint64_t quire_export_count(const quire_export_t *e);

void quire_export_free(quire_export_t *e);

/*
 * The hits of res as CSV (RFC 4180: fields with a comma, a quote, CR or LF
 * are quoted, quotes doubled; lines end with CRLF), one row a hit:
 * rank,id,score,title,source,author,date,url,quote,snippet (the snippet
 * without highlight marks; absent fields empty). With `header`, the row of
 * column names comes first. Text that is not valid UTF-8 is repaired with
 * U+FFFD. Returns a malloc'd string (free() it), NULL on OOM.
 */
char *quire_results_csv(const quire_results_t *res, bool header);

/*
 * The hits of res as JSON Lines: one hit a line, each the hit object of
 * quire_results_json() ("rank", "id", ..., "quote"), each line ended by
 * "\n". Returns a malloc'd string ("" for no hits), NULL on OOM.
 */
char *quire_results_jsonl(const quire_results_t *res);

/*
 * How an Atom feed names itself (quire_results_atom()). Every member is
 * an absolute URL (or NULL to leave that link out) except `title`.
 */
typedef struct quire_feed {
    const char *title;      /* the feed's title; NULL = "Quire: " + query */
    const char *id;         /* the feed's id (an IRI), stable for one query
                               and filters; NULL = a tag: URI of the query */
    const char *self;       /* rel="self": the feed's own URL */
    const char *alternate;  /* rel="alternate": the same search as a web page */
    const char *search;     /* rel="search": the OpenSearch description */
} quire_feed_t;

/*
 * res as an Atom feed (RFC 4287), entries in the order of res (search with
 * QUIRE_SORT_DATE for newest first). Each entry: id =
 * quire_entry_id(hit id), title, updated = the document's date in RFC
 * 3339 (a date alone is midnight UTC; undated documents
 * 1970-01-01T00:00:00Z), author (else the feed's, "Quire"), link
 * rel="alternate" to the article's URL, category = source, summary = the
 * quote or else the snippet (an entry without a URL carries the snippet as
 * content instead, as RFC 4287 asks). The feed also says
 * opensearch:totalResults, startIndex (= offset) and itemsPerPage. The
 * feed's updated is its newest entry's (1970-01-01T00:00:00Z with none:
 * the feed then changes only when an entry appears). Written by libxml2's xmlTextWriter, so every string is
 * escaped; characters XML cannot hold (C0 controls, U+FFFE, U+FFFF, bad
 * UTF-8) are dropped or replaced by U+FFFD first. `feed` may be NULL.
 * Returns a malloc'd string (free() it), NULL on OOM.
 */
char *quire_results_atom(const quire_results_t *res, const quire_feed_t *feed);

/*
 * The Atom entry id of document `id`: "tag:quire,2026:doc:" + the id,
 * percent-encoded outside [A-Za-z0-9._~-]. It depends on nothing but the
 * id (not the rank, URL or date), so a feed reader sees one entry per
 * document however often the feed is read. malloc'd; NULL on OOM.
 */
char *quire_entry_id(const char *id);

/* ------------------------------------------------------------------------ */
/* Batch search                                                             */
/* ------------------------------------------------------------------------ */

#define QUIRE_BATCH_MAX_QUERIES 1000 /* most queries one batch may hold */

/* The form of a batch's text (quire_batch_parse()). */
typedef enum quire_batch_input {
    QUIRE_BATCH_AUTO = 0, /* JSON when the first non-blank byte is '[' */
    QUIRE_BATCH_JSON,     /* a JSON array of query strings */
    QUIRE_BATCH_LINES     /* one query a line (LF or CRLF); blank lines skipped */
} quire_batch_input_t;

/* One query of a batch and its answer. */
typedef struct quire_batch_item {
    const char *query;
    bool run;                  /* false: not run (the batch's time ran out) */
    quire_status_t status;     /* run: QUIRE_OK, or QUIRE_EQUERY (a bad query) */
    const char *error;         /* the message, when status != QUIRE_OK */
    long error_pos;            /* byte position of the problem, or -1 */
    quire_results_t *results;  /* when run with QUIRE_OK */
} quire_batch_item_t;

typedef struct quire_batch {
    size_t n;                  /* queries, in the order given */
    quire_batch_item_t *items;
    size_t nrun;               /* items run (the first nrun) */
    bool complete;             /* every query was run */
    double budget_ms;          /* the time limit it ran with (0: none) */
    double took_ms;
} quire_batch_t;

/*
 * Read the queries of a batch from text[0, len) (as in `how`) into a new
 * batch (free with quire_batch_free()), nothing run yet. Any number of
 * queries is read: callers refuse more than QUIRE_BATCH_MAX_QUERIES as
 * they see fit (quire_batch_run() does). An empty query (a JSON "") is
 * kept and answered as a bad query. Returns QUIRE_OK, QUIRE_ENOMEM, or
 * QUIRE_EINVAL (not JSON, not an array of strings, a NUL byte in a line,
 * no query at all), with a malloc'd message in *detail when detail is not
 * NULL (free() it).
 */
quire_status_t quire_batch_parse(const char *text, size_t len, quire_batch_input_t how,
                                 quire_batch_t **out, char **detail);

/*
 * Run every query of b, in order, each as quire_search() with opts (so
 * each has the work limit; give opts->limit as the hits wanted a query).
 * A query that quire_search() refuses (QUIRE_EQUERY) keeps its error in
 * its item and the batch goes on. With budget_ms > 0 no query starts once
 * that many milliseconds have passed: the rest stay `run` = false and
 * b->complete false (the last query run may end up to its own work limit,
 * ~0.2 s, later). Returns QUIRE_OK (b->complete says whether all ran);
 * QUIRE_EINVAL for more than QUIRE_BATCH_MAX_QUERIES; or a status that is
 * not the query's fault (QUIRE_ENOMEM, QUIRE_EXAPIAN, QUIRE_EMODIFIED ...,
 * detail in quire_reader_detail()), which ends the batch.
 */
quire_status_t quire_batch_run(quire_reader_t *r, quire_batch_t *b,
                               const quire_search_options_t *opts, double budget_ms);

void quire_batch_free(quire_batch_t *b);

/*
 * The batch as JSON: {"api_version" (QUIRE_API_VERSION),
 * "results":[{"query","total":{"value","relation"}|null,
 * "relaxed","approximate","took_ms"|null,"hits":[{"id","title","source","date","url",
 * "quote":{"text","start","end"}|null}],"error":null|{"code","message"
 * [,"position"]}}],"complete":bool,"took_ms"}, results in the order of the
 * queries. error.code is "bad_query" (with "position" when there is one),
 * or "not_run" for a query the time limit left out. NULL on OOM; free().
 */
char *quire_batch_json(const quire_batch_t *b);

/*
 * The batch as CSV (RFC 4180, as quire_results_csv()): a header row, then
 * one row a hit: query_number (1-based, in the order given), query,
 * total, total_relation, error, rank, id, title, source, date, url, quote;
 * a query with no hit (or an error, or not run) has one row with the hit
 * columns empty, so every query appears. NULL on OOM; free().
 */
char *quire_batch_csv(const quire_batch_t *b);

/* The batch as text for a terminal: per query a line "N. QUERY: T results"
 * (or its error), then a line per hit (date | source | title, url, quote).
 * NULL on OOM; free(). */
char *quire_batch_text(const quire_batch_t *b);

#ifdef __cplusplus
}
#endif
#endif
