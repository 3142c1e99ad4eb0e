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
/* quirei_wdb_open(), and with sync == 0, Xapian's DB_NO_SYNC: commits are
 * atomic and reach readers (and survive a kill of the writing process) as
 * usual, but are not fsync'd, so an OS crash or power loss may lose or
 * damage them. For a brand-new index only, synced once at the end
 * (write/sync_tree.h). */
quire_status_t quirei_wdb_open_sync(const char *path, int sync, quirei_wdb **out,
                                    quirei_buf *err);
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
/* The revision of the last commit (0 for a new database). */
quire_status_t quirei_wdb_revision(quirei_wdb *db, uint64_t *rev, quirei_buf *err);
quire_status_t quirei_wdb_doc_count(quirei_wdb *db, uint64_t *n, quirei_buf *err);

/* ---- the read side: the shards of one or more sources as one database ----
 * quirei_rdb_open_sources() resolves each source (an index directory, a
 * manifest, tcp://HOST:PORT: store/layout.h) into its shards and opens
 * them: local ones as Xapian databases, remote ones with
 * Xapian::Remote::open() and the timeouts of o. A remote shard that cannot
 * be reached is "down": left out of the combined database (reads answer
 * from the shards that are up; quirei_rdb_down() names those left out),
 * tried again by quirei_rdb_reopen() at most once every
 * QUIREI_SHARD_RETRY_MS once a background probe saw its port answer (so
 * that no read waits on a dead host), and by a read that meets a network
 * error (which
 * then returns QUIRE_EMODIFIED, so that the read side's retry reads again).
 * A local shard that fails to open is an error, not a shard down.
 * QUIRE_OK; QUIRE_EINVAL (no source); QUIRE_ENOTINDEX (a malformed stub or
 * manifest: the message names the line; a shard named twice);
 * QUIRE_ENOTFOUND (no such source, or no database); QUIRE_EIO (no shard is
 * up: the message names each with its reason); QUIRE_ENOMEM; or as
 * from_exception(). */
typedef struct quirei_rdb quirei_rdb;
typedef struct quirei_rdb_options {
    unsigned timeout_ms;         /* remote reads; 0 = QUIRE_SHARD_TIMEOUT_MS */
    unsigned connect_timeout_ms; /* 0 = QUIRE_SHARD_CONNECT_TIMEOUT_MS */
} quirei_rdb_options;
/* How often a down shard is tried again, at most. */
#define QUIREI_SHARD_RETRY_MS 1000
quire_status_t quirei_rdb_open_sources(const char *const *sources, size_t n,
                                       const quirei_rdb_options *o, quirei_rdb **out,
                                       quirei_buf *err);
/* One source, default options. */
quire_status_t quirei_rdb_open(const char *dir, quirei_rdb **out, quirei_buf *err);
void quirei_rdb_close(quirei_rdb *db);
/* Move every shard to its latest commit; when the sources name other
 * shards than before (a compaction or merge wrote a new stub, a manifest
 * was edited) open them all afresh; try down shards whose retry is due.
 * *changed: whether anything moved (a shard's revision, or a shard going
 * down or coming back). Statuses as quirei_rdb_open_sources(). */
quire_status_t quirei_rdb_reopen(quirei_rdb *db, int *changed, quirei_buf *err);
/* The number of shards the sources name, up or down. */
size_t quirei_rdb_shard_count(const quirei_rdb *db);
/* The labels (path, or tcp://HOST:PORT) of the shards down now, *n of
 * them; owned by db, valid until its next reopen or read. */
const char *const *quirei_rdb_down(const quirei_rdb *db, size_t *n);
quire_status_t quirei_rdb_doc_count(quirei_rdb *db, uint64_t *n, quirei_buf *err);
/* The sum of the revisions of the shards that are up: a local shard's own,
 * a remote one's as stored in its metadata under rev_key by its writer
 * (Xapian 1.4's remote protocol sends no revision; 0 when absent). */
quire_status_t quirei_rdb_revision(quirei_rdb *db, const char *rev_key, uint64_t *rev,
                                   quirei_buf *err);
/* A hash over every shard (see quire_reader_generation): a shard that is
 * up by its label, UUID and revision (a remote one's from rev_key; for an
 * index written before that key, what its server reports: document count,
 * last document id, total length, document length bounds, which miss a
 * re-indexing that changes none of them); a shard that is down by its
 * label and "down". So the generation moves with every commit to any
 * shard, and when a shard goes down or comes back. */
quire_status_t quirei_rdb_generation(quirei_rdb *db, const char *rev_key, uint64_t *gen,
                                     quirei_buf *err);
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
/* Relevance-set expansion (similar articles, lib/query/similar.c): the
 * terms that best tell the document holding `idterm` from the rest of the
 * index, by Xapian's Enquire::get_eset() over that one document (Bo1
 * scheme), best first: fn(term, len, weight, docfreq, ctx) for each of
 * the at most n best that want(term, len, ctx) accepts (checked before any
 * weight is computed), while fn returns 0; docfreq is the number of
 * documents holding the term. The document's termlist is read from the shard that
 * holds it, local or remote; want and fn run here, so nothing needs a
 * remote server's registry. QUIRE_ENOTFOUND when no document holds idterm;
 * QUIRE_EXAPIAN and kin. */
typedef int (*quirei_eterm_fn)(const char *term, size_t len, double weight, uint64_t docfreq,
                               void *ctx);
quire_status_t quirei_rdb_expand(quirei_rdb *db, const char *idterm, unsigned n,
                                 quirei_term_want want, quirei_eterm_fn fn, void *ctx,
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
/* Terms starting with `prefix`, expanded to at most `limit` most frequent
 * (ties: the first in byte order), weighed as one term (OP_SYNONYM). Over
 * several shards (db not NULL) the terms are listed here, from the
 * combined database: Xapian 1.4 expands OP_WILDCARD shard by shard and
 * then weighs the match unlike one database holding the same documents
 * (scores 2.2 times higher over 3 shards on a test index); an explicit
 * OP_SYNONYM is weighed alike. */
quirei_q *quirei_q_wildcard(quirei_rdb *db, const char *prefix, unsigned limit);
/* Documents whose value in `slot` is within [lo, hi]; NULL = open end. */
quirei_q *quirei_q_value_range(unsigned slot, const char *lo, const char *hi);
quirei_q *quirei_q_copy(const quirei_q *q);
/* A filter (weight 0) matching exactly the documents ids[0, n) of db, as
 * quirei_mset_docid() numbers them (in any order): what reranks a few
 * candidates with a costlier query (search.c). NULL when out of memory, and
 * with *unsupported set when db has a remote shard (a custom posting
 * source does not cross the wire). */
quirei_q *quirei_q_docids(quirei_rdb *db, const unsigned *ids, size_t n, int *unsupported);
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
