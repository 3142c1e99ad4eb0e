/*
 * index.h - the C face of the Xapian wrapper (store/index.cc).
 *
 * This is the only boundary between C and C++ in Quire. Every function here
 * catches Xapian::Error and every other exception, and turns them into a
 * quire_status_t plus a message appended to `err` (which may be NULL).
 * These functions know nothing of Quire's schema (schema/schema.h): slots,
 * prefixes and metadata keys are the caller's.
 */
#ifndef QUIRE_INDEX_H
#define QUIRE_INDEX_H

#include <quire/quire.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- documents under construction (one per writer thread) ---- */
typedef struct quirei_xdoc quirei_xdoc;
quirei_xdoc *quirei_xdoc_new(void); /* NULL on OOM */
void quirei_xdoc_free(quirei_xdoc *d);
quire_status_t quirei_xdoc_clear(quirei_xdoc *d, quirei_buf *err);
quire_status_t quirei_xdoc_add_posting(quirei_xdoc *d, const char *term, size_t len,
                                       uint32_t pos, quirei_buf *err);
/* A term without positions; its wdf grows by wdfinc (a term counted n
 * times by the caller is added once with n). */
quire_status_t quirei_xdoc_add_term(quirei_xdoc *d, const char *term, size_t len,
                                    uint32_t wdfinc, quirei_buf *err);
quire_status_t quirei_xdoc_add_boolean_term(quirei_xdoc *d, const char *term, size_t len,
                                            quirei_buf *err);
quire_status_t quirei_xdoc_set_value(quirei_xdoc *d, unsigned slot, const char *v,
                                     size_t len, quirei_buf *err);
quire_status_t quirei_xdoc_set_data(quirei_xdoc *d, const char *data, size_t len,
                                    quirei_buf *err);

/* ---- one writable shard ---- */
typedef struct quirei_wdb quirei_wdb;
quire_status_t quirei_wdb_open(const char *path, quirei_wdb **out, quirei_buf *err);
void quirei_wdb_close(quirei_wdb *db); /* Xapian commits pending changes */
/* value is appended to `val`; a missing key appends nothing. */
quire_status_t quirei_wdb_get_metadata(quirei_wdb *db, const char *key, quirei_buf *val,
                                       quirei_buf *err);
quire_status_t quirei_wdb_set_metadata(quirei_wdb *db, const char *key, const char *val,
                                       quirei_buf *err);
/* Add or replace the document whose unique id term is `idterm`; *replaced
 * tells whether one existed. Invisible to readers (and lost on a crash)
 * until quirei_wdb_commit(). */
quire_status_t quirei_wdb_replace(quirei_wdb *db, const char *idterm, size_t idlen,
                                  quirei_xdoc *doc, int *replaced, quirei_buf *err);
/* Add a document the caller knows to be new (no document of the shard
 * holds its id term): quirei_wdb_replace() without the lookups. */
quire_status_t quirei_wdb_add(quirei_wdb *db, quirei_xdoc *doc, quirei_buf *err);
/* Delete the document whose unique id term is `idterm`; *found tells
 * whether there was one (a missing one is not an error). Like a replace,
 * invisible to readers until quirei_wdb_commit(). */
quire_status_t quirei_wdb_delete(quirei_wdb *db, const char *idterm, size_t idlen, int *found,
                                 quirei_buf *err);
quire_status_t quirei_wdb_commit(quirei_wdb *db, quirei_buf *err);
quire_status_t quirei_wdb_doc_count(quirei_wdb *db, uint64_t *n, quirei_buf *err);

/* ---- the read side: all shards of an index as one database ----
 * quirei_rdb_open() opens every shard that DIR/XAPIANDB names, parsed by
 * store/layout.c: local ones as Xapian databases, remote ones ("remote
 * HOST:PORT") with Xapian::Remote::open() (10 s timeout, 5 s to connect);
 * a directory without a stub is opened as one plain Xapian database.
 * QUIRE_OK; QUIRE_ENOTINDEX (malformed stub: the message names the line);
 * QUIRE_ENOTFOUND (no database); QUIRE_EIO; QUIRE_ENOMEM; QUIRE_EXAPIAN
 * (a remote shard that cannot be reached, ...); or as from_exception(). */
typedef struct quirei_rdb quirei_rdb;
quire_status_t quirei_rdb_open(const char *dir, quirei_rdb **out, quirei_buf *err);
void quirei_rdb_close(quirei_rdb *db);
/* Move to the latest commit of every shard; a changed stub (compaction,
 * merge, an edit) reopens all shards afresh. *changed: whether anything
 * moved. Statuses as quirei_rdb_open(). */
quire_status_t quirei_rdb_reopen(quirei_rdb *db, int *changed, quirei_buf *err);
quire_status_t quirei_rdb_doc_count(quirei_rdb *db, uint64_t *n, quirei_buf *err);
/* The sum of the local shards' revisions. Remote shards add nothing: Xapian
 * 1.4's remote backend does not report revisions. */
quire_status_t quirei_rdb_revision(quirei_rdb *db, uint64_t *rev, quirei_buf *err);
/* A hash over every shard (see quire_reader_generation): a local shard by
 * its UUID and revision; a remote one by its UUID, document count, last
 * document id, total length and document length bounds (all its server
 * reports). So the generation moves with every commit to a local shard, and
 * with a commit to a remote shard that changes one of those, which is any
 * that adds or deletes a document and nearly any that re-indexes one;
 * re-indexing that keeps them all (only a url or a date changed) is not
 * seen until something else moves. */
quire_status_t quirei_rdb_generation(quirei_rdb *db, uint64_t *gen, quirei_buf *err);
quire_status_t quirei_rdb_get_metadata(quirei_rdb *db, const char *key, quirei_buf *val,
                                       quirei_buf *err);
quire_status_t quirei_rdb_term_freq(quirei_rdb *db, const char *term, uint64_t *freq,
                                    quirei_buf *err);
/* Call fn(term, len, docfreq, ctx) for every term starting with `prefix`
 * (the term with the prefix, in byte order; docfreq over all shards) that
 * want(term, len, ctx) accepts (want NULL: every term), while fn returns
 * 0. A term's docfreq is read only for the terms wanted (it costs a read
 * of the term's postings header). One allterms walk: on a remote shard one
 * round trip, not one per term (the spelling corrector's candidates,
 * lib/query/spelling.c). QUIRE_OK (also when fn stopped the walk);
 * QUIRE_EXAPIAN and kin. */
typedef int (*quirei_term_want)(const char *term, size_t len, void *ctx);
typedef int (*quirei_term_fn)(const char *term, size_t len, uint64_t docfreq, void *ctx);
quire_status_t quirei_rdb_terms(quirei_rdb *db, const char *prefix, quirei_term_want want,
                                quirei_term_fn fn, void *ctx, quirei_buf *err);
/* Append the stored data of the document holding `idterm` to `data`;
 * QUIRE_ENOTFOUND when there is none. */
quire_status_t quirei_rdb_get_data(quirei_rdb *db, const char *idterm, quirei_buf *data,
                                   quirei_buf *err);


/* ---- queries (Xapian::Query behind an opaque pointer) ----
 * Constructors return NULL only when out of memory. quirei_q_combine()
 * takes ownership of subs[0..n) (NULL entries are skipped) whatever it
 * returns. */
typedef struct quirei_q quirei_q;
typedef enum quirei_op {
    QUIREI_OP_AND,
    QUIREI_OP_OR,
    QUIREI_OP_AND_NOT,
    QUIREI_OP_AND_MAYBE,
    QUIREI_OP_FILTER,
    QUIREI_OP_PHRASE, /* window 0 = number of subqueries */
    QUIREI_OP_NEAR,
    QUIREI_OP_SYNONYM /* the subqueries weighed as one term */
} quirei_op;
quirei_q *quirei_q_term(const char *term, size_t len);
quirei_q *quirei_q_match_all(void);
quirei_q *quirei_q_combine(quirei_op op, quirei_q **subs, size_t n, unsigned window);
/* Terms starting with `prefix`, expanded to at most `limit` most frequent. */
quirei_q *quirei_q_wildcard(const char *prefix, unsigned limit);
/* Documents whose value in `slot` is within [lo, hi]; NULL = open end. */
quirei_q *quirei_q_value_range(unsigned slot, const char *lo, const char *hi);
quirei_q *quirei_q_copy(const quirei_q *q);
/* q with its weights multiplied by factor (OP_SCALE_WEIGHT); takes q. NULL
 * when out of memory (q is then freed) or when q is NULL. */
quirei_q *quirei_q_scale(quirei_q *q, double factor);
void quirei_q_free(quirei_q *q);

/* ---- running a query ---- */
typedef struct quirei_mset quirei_mset;
/* What quirei_rdb_search() is asked for. */
typedef struct quirei_search_spec {
    unsigned offset, limit; /* hits [offset, offset + limit) */
    /* >= 0: order by this value, descending, then by relevance (equal
     * pairs by Xapian document number); < 0: by relevance. */
    int sort_slot;
    /* >= 0 and ranked by relevance: equal weights are ordered by this
     * value, ascending (bytewise, a prefix first). */
    int tie_slot;
    /* Visit at least this many matches (0 = only what the page needs), so
     * that up to this many the count is exact (quirei_mset_exact). */
    unsigned check_at_least;
    /* QUIRE_EQUERY (message in err) when q's terms' document frequencies
     * sum to more than this (0 = no limit; the lookups cost a B-tree
     * descent a term, so callers pass 0 when q is too small to reach it). */
    uint64_t max_postings;
    /* Count the values of these slots over the matches the matcher visits
     * (every match when check_at_least is above their number): nspy of
     * them, at most QUIREI_MAX_SPIES; see quirei_mset_take_counts(). */
    const unsigned *spy_slots;
    size_t nspy;
} quirei_search_spec;
quire_status_t quirei_rdb_search(quirei_rdb *db, const quirei_q *q, const quirei_search_spec *s,
                                 quirei_mset **out, quirei_buf *err);
/* Xapian's estimate of the number of matches (any order of magnitude). */
uint64_t quirei_mset_estimate(const quirei_mset *m);
/* Is the number of matches known exactly? Then it is the lower bound. */
int quirei_mset_exact(const quirei_mset *m);
/* At least this many documents match. */
uint64_t quirei_mset_lower_bound(const quirei_mset *m);
size_t quirei_mset_size(const quirei_mset *m);
double quirei_mset_score(const quirei_mset *m, size_t i);
/* The database's document number of hit i (to tell hits of two msets apart). */
unsigned quirei_mset_docid(const quirei_mset *m, size_t i);
quire_status_t quirei_mset_data(quirei_mset *m, size_t i, quirei_buf *data, quirei_buf *err);
/* Append value `slot` of hit i to out (nothing when absent). */
quire_status_t quirei_mset_value(quirei_mset *m, size_t i, unsigned slot, quirei_buf *out,
                                 quirei_buf *err);
void quirei_mset_free(quirei_mset *m);

/* ---- value counts (facets) ----
 * Xapian's ValueCountMatchSpy, one per spied slot: the distinct values of
 * the slot among the matches it saw, each with the number of those
 * matches holding it. Documents without a value in the slot are seen but
 * not counted under any value. It is the spy xapian-tcpsrv registers, so
 * remote shards count their part and Xapian adds the parts up. */
#define QUIREI_MAX_SPIES 4
typedef struct quirei_value_count {
    const char *value; /* NUL-terminated (values may hold NULs: len says) */
    size_t len;
    uint64_t count;
} quirei_value_count;
typedef struct quirei_slot_counts {
    unsigned slot;
    quirei_value_count *v; /* in value order (bytewise), malloc'd */
    size_t n;
    char *text;            /* the values, one malloc'd block */
} quirei_slot_counts;
typedef struct quirei_value_counts {
    uint64_t seen; /* the matches the spies saw */
    size_t nslots; /* spec.nspy */
    quirei_slot_counts slots[QUIREI_MAX_SPIES];
} quirei_value_counts;
/* The counts of the search that made m (the caller's now: free them with
 * quirei_value_counts_free()), or NULL when it spied on no slot. Taken
 * once: a second call returns NULL. */
quirei_value_counts *quirei_mset_take_counts(quirei_mset *m);
void quirei_value_counts_free(quirei_value_counts *c);
/* Number of documents in the index, for idf weights and the work limit;
 * 0 when Xapian fails (the caller then only loses a weight or a check). */
uint64_t quirei_rdb_doc_count_or_0(quirei_rdb *db);

/* Write a compacted copy of the (closed) shard at src to the new directory
 * dst. */
quire_status_t quirei_compact(const char *src, const char *dst, quirei_buf *err);
/* Write the (closed) shards srcs[0..n) compacted into ONE new database. */
quire_status_t quirei_merge(const char *const *srcs, size_t n, const char *dst, quirei_buf *err);

#ifdef __cplusplus
}
#endif
#endif
