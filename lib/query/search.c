/*
 * search.c - quire_search(): a query tree run with its tiers and
 * fallbacks, the page picked, and its hits filled with their stored fields,
 * snippets and quotes. The tree is compiled to a Xapian query (and to
 * snippet units) in compile.c; results become JSON and text in render/.
 *
 * Ranking: BM25 (Xapian's default), with the proximity boost of compile.h.
 * Quote-like queries (4+ plain words) put the documents holding them as
 * one exact phrase first; see quote_like().
 *
 * Fallbacks, tried in order while a search finds nothing:
 *   1. exact query;
 *   2. if it has phrases: each phrase allows singular/plural variants of
 *      its words and one extra word inside (one cheap query; the commonest
 *      misquote); hits flagged `approximate`;
 *   3. each phrase of n >= 3 words becomes "any n-1 of its words in order
 *      within n+1 positions" (a word added or changed), shorter ones a
 *      NEAR (`approximate`);
 *   4. phrases become their stemmed words, AND-ed (`approximate`);
 *   5. AND becomes OR for words not marked + (`relaxed`).
 *
 * A search that fails with QUIRE_EMODIFIED (a commit discarded the
 * revision the reader was on) runs again after a reopen, as
 * quirei_reader_retry() decides.
 */
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "query/aliases.h"
#include "query/compile.h"
#include "query/facets.h"
#include "query/hits.h"
#include "query/query_parser.h"
#include "query/reader.h"
#include "query/search.h"
#include "query/search_checks.h"
#include "query/spelling.h"
#include "render/snippet.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "store/index.h"
#include "strbuf.h"

/* ------------------------------------------------------------ running --- */

/* The count cap of o (see quire_results_t.total): facets count every
 * match the count visits, so with facets it visits (nearly) all. */
static unsigned exact_cap(const quire_search_options_t *o)
{
    if (o->exact_total)
        return o->exact_total;
    return o->facets ? QUIRE_FACET_EXACT_TOTAL : QUIRE_EXACT_TOTAL;
}

/* run() flags: count the matches exactly up to the cap of o; order ties
 * by id in Xapian (see below). */
#define RUN_COUNT 1
#define RUN_TIES 2
/* Hits this far past the page are fetched, so that a tie at its end is
 * usually seen whole in one search. */
#define TIE_SLACK 8
/* Ranked by relevance, ties of more hits than the page and this many, or
 * that run past those fetched, are left to Xapian's sort (RUN_TIES). */
#define TIE_READ_MAX 256

/* Compile tree as c says (with the option filters, may be NULL) and run it
 * as `flags` say: hits [offset, offset + limit) into *out.
 *
 * Ties: hits of equal weight (and date, sorted by date) are ordered by the
 * QUIREI_SLOT_FIELDS value, not by Xapian's document number, which depends
 * on the shard layout and on the order documents were indexed in: so
 * paging, feeds and sharded indexes agree. That value is the record of
 * record.h: a version byte, then the id length-prefixed (a varint of
 * length + 1), so it orders ids shorter first, then byte by byte (for ids
 * up to 253 bytes the varint grows with the length; QUIREI_MAX_ID_BYTES is
 * 200), and ids are unique, so the rest of the record never decides. Why
 * this value and not a KeyMaker that decodes the bare id: a value sort
 * also runs on remote shards (xapian-tcpsrv knows no custom KeyMaker), and
 * a slot of its own for the id would change the schema.
 * Where: Xapian can sort by relevance then this value (RUN_TIES), but then
 * reads it for every candidate: counting 10,000 matches of one common word
 * took 12 ms instead of 2.4. So ties are ordered on the page (pick_ties():
 * a few more hits are fetched, and only the ties that touch the page are
 * read and sorted; order_second_tier() likewise for the second tier of a
 * quote-like query), and RUN_TIES is left for ties too many to read there
 * (a query of filters alone, which weighs nothing) and for the first tier
 * (the documents holding the exact phrase: few, and cheap to sort). */
_Static_assert(QUIREI_MAX_ID_BYTES <= 253, "the record's id prefix must grow with the length");

/* tree compiled as c says, with the filters (may be NULL): into *out, or
 * QUIRE_ENOMEM. */
static quire_status_t compile_run(const qn *tree, quirei_compile_t *c, const quirei_q *filters,
                                  quirei_q **out)
{
    c->nterms = 0;
    quirei_q *q = quirei_compile_query(c, tree);
    if (q && filters) {
        quirei_q *v[2] = {q, quirei_q_copy(filters)};
        q = v[1] ? quirei_q_combine(QUIREI_OP_FILTER, v, 2, 0) : NULL;
        if (!v[1])
            quirei_q_free(v[0]);
    }
    if (c->oom || !q) {
        quirei_q_free(q);
        return QUIRE_ENOMEM;
    }
    *out = q;
    return QUIRE_OK;
}

/* Run q (compiled by c) as `flags` say. */
static quire_status_t run_compiled(quire_reader_t *r, quirei_compile_t *c, quirei_q *q,
                                   const quire_search_options_t *o, unsigned offset,
                                   unsigned limit, int flags, quirei_mset **out)
{
    /* The work limit costs a lookup a term, so it is checked only for
     * queries of more than QUIRE_WORK_CHECK_TERMS terms that could reach it
     * (n terms read at most n * N postings). */
    uint64_t maxp = o->max_postings ? o->max_postings : QUIRE_MAX_QUERY_POSTINGS;
    if ((!o->max_postings && c->nterms <= QUIRE_WORK_CHECK_TERMS) ||
        (uint64_t)c->nterms * quirei_rdb_doc_count_or_0(r->db) <= maxp)
        maxp = 0;
    unsigned cap = exact_cap(o), slots[QUIREI_MAX_SPIES];
    /* The facets are counted on the run that counts the matches. */
    size_t nspy = flags & RUN_COUNT ? quirei_facet_slots(o, slots) : 0;
    /* One more than the cap: a query with exactly cap matches is exact. */
    quirei_search_spec spec = {
        .offset = offset,
        .limit = limit,
        .sort_slot = o->sort == QUIRE_SORT_DATE ? QUIREI_SLOT_DATE : -1,
        .tie_slot = flags & RUN_TIES ? QUIREI_SLOT_FIELDS : -1,
        .check_at_least = flags & RUN_COUNT ? (cap < UINT32_MAX ? cap + 1 : cap) : 0,
        .max_postings = maxp,
        .spy_slots = slots,
        .nspy = nspy,
    };
    return quirei_rdb_search(r->db, q, &spec, out, &r->detail);
}

static quire_status_t run(quire_reader_t *r, const qn *tree, quirei_compile_t *c,
                          const quirei_q *filters, const quire_search_options_t *o,
                          unsigned offset, unsigned limit, int flags, quirei_mset **out)
{
    quirei_q *q = NULL;
    quire_status_t st = compile_run(tree, c, filters, &q);
    if (st == QUIRE_OK)
        st = run_compiled(r, c, q, o, offset, limit, flags, out);
    quirei_q_free(q);
    return st;
}

/* ------------------------------------------------------------ finding --- */

typedef quirei_pick pick_t;

/* What the search stage found: the page's hits in order. */
typedef struct found {
    quirei_mset *m;  /* the query's hits (or its fallback's) */
    quirei_mset *ma; /* quote-like queries: the words-together tier, or NULL */
    quirei_mset *mc; /* NULL, or the run that counted when m is its candidates reranked */
    size_t *morder;  /* NULL, or the order of m's first nmorder hits (ties) */
    size_t nmorder;
    pick_t *picks;
    size_t npicks;
    uint64_t total;
    int total_gte; /* total is the cap: more match */
    quirei_value_counts *counts; /* the facets of the run that counted total */
    int approximate, relaxed, corrected; /* corrected: the spelling correction's hits */
} found_t;

static void found_release(found_t *f)
{
    quirei_mset_free(f->m);
    quirei_mset_free(f->ma);
    quirei_mset_free(f->mc);
    free(f->morder);
    free(f->picks);
    quirei_value_counts_free(f->counts);
}

/*
 * The proximity boost reranks the best candidates only. An AND of plain
 * words AND_MAYBE their phrase (compile.h) checks the words' positions in
 * every document holding them all, where the page needs only the best:
 * Xapian weighs each candidate whole before it can prune, and counting the
 * matches (RUN_COUNT) visits them all. For `the and of to` that was 40,000
 * position checks, 200 ms against plain Xapian's 3 ms. So the query is
 * first run without the boost (the AND's BM25 alone): it counts the matches
 * and gives its best RERANK_CANDIDATES hits (or the page's, when more);
 * then the whole query, boost and all, runs over those candidates only.
 * When every match is a candidate the ranking is exactly the one-pass
 * ranking; when there are more, a document outside the BM25 candidates
 * that holds the words together can no longer climb onto the page (its
 * BM25 weight was below that of RERANK_CANDIDATES others holding all the
 * words). bench/RESULTS.md (issue 15) has what it costs and saves.
 */
#define RERANK_CANDIDATES 200

/* The filters AND "one of the hits of cand" into *out (a new query); *out
 * NULL with QUIRE_OK when the index cannot filter so (remote shards). */
static quire_status_t candidates_only(quire_reader_t *r, const quirei_q *filters,
                                      const quirei_mset *cand, quirei_q **out)
{
    *out = NULL;
    size_t nc = quirei_mset_size(cand);
    unsigned *ids = calloc(nc + 1, sizeof *ids);
    if (!ids)
        return QUIRE_ENOMEM;
    for (size_t i = 0; i < nc; i++)
        ids[i] = quirei_mset_docid(cand, i);
    int unsupported = 0;
    quirei_q *only = quirei_q_docids(r->db, ids, nc, &unsupported);
    free(ids);
    if (!only)
        return unsupported ? QUIRE_OK : QUIRE_ENOMEM;
    if (filters) {
        quirei_q *v[2] = {only, quirei_q_copy(filters)};
        if (!v[1])
            quirei_q_free(v[0]);
        only = v[1] ? quirei_q_combine(QUIREI_OP_AND, v, 2, 0) : NULL;
        if (!only)
            return QUIRE_ENOMEM;
    }
    *out = only;
    return QUIRE_OK;
}

/* f->m: the hits [0, n) of tree (compiled whole, boost and all) among the
 * candidates, the hits of `cand`. */
static quire_status_t rerank(quire_reader_t *r, const qn *tree, quirei_compile_t *c,
                             const quirei_q *filters, const quire_search_options_t *o,
                             unsigned n, const quirei_mset *cand, found_t *f)
{
    quirei_q *only = NULL;
    quire_status_t st = candidates_only(r, filters, cand, &only);
    if (st == QUIRE_OK) /* remote shards (only NULL): the whole query, uncounted */
        st = run(r, tree, c, only ? only : filters, o, 0, n, 0, &f->m);
    quirei_q_free(only);
    return st;
}

/*
 * Run tree (relevance order, counting) for hits [0, n) into f->m: in one
 * pass, or reranked as said above, its count then in f->mc. (Counting in a
 * run of its own that weighs nothing, Xapian::BoolWeight, and ranking in
 * another that Xapian prunes took fewer instructions, 37 M against 47 M for
 * `at attacks`, but more CPU time, 1.31 s against 1.12 s for the
 * common-bag queries: reading the postings twice costs more in the kernel
 * and the caches than weighing them once. bench/RESULTS.md, issue 15.)
 */
static quire_status_t run_counted(quire_reader_t *r, const qn *tree, quirei_compile_t *c,
                                  const quirei_q *filters, const quire_search_options_t *o,
                                  unsigned n, found_t *f)
{
    quirei_mset_free(f->m);
    quirei_mset_free(f->mc);
    f->m = f->mc = NULL;
    if (o->sort == QUIRE_SORT_DATE)
        return run(r, tree, c, filters, o, 0, n, RUN_COUNT, &f->m);
    c->no_boost = 1;
    c->boost_dropped = 0;
    quirei_q *q = NULL;
    quire_status_t st = compile_run(tree, c, filters, &q);
    c->no_boost = 0;
    if (st)
        return st;
    if (!c->boost_dropped) { /* nothing to rerank: the query as it is */
        st = run_compiled(r, c, q, o, 0, n, RUN_COUNT, &f->m);
        quirei_q_free(q);
        return st;
    }
    unsigned want = n > RERANK_CANDIDATES ? n : RERANK_CANDIDATES;
    st = run_compiled(r, c, q, o, 0, want, RUN_COUNT, &f->mc);
    quirei_q_free(q);
    if (st == QUIRE_OK && quirei_mset_size(f->mc))
        st = rerank(r, tree, c, filters, o, n, f->mc, f);
    if (st == QUIRE_OK && !f->m) { /* nothing found: an empty page */
        f->m = f->mc;
        f->mc = NULL;
    }
    return st;
}

/* The run of f that counted the matches. */
static quirei_mset *counted(const found_t *f)
{
    return f->mc ? f->mc : f->m;
}

/*
 * Quote-like: an implicit AND of QUOTE_LIKE_WORDS or more plain words (and
 * nothing else but filters and quoted phrases without field or ~N, with at
 * least one plain word), what a user types who pastes a fragment
 * without quotes. Ranked by relevance, when some document holds the words
 * as one exact phrase, such a query is answered in two tiers: first the
 * documents holding that phrase, then the other documents holding every
 * word's stem, by BM25. When none does, it is an ordinary query (AND with
 * the proximity boost).
 *
 * Why: a pasted fragment found verbatim is the answer, and the exact
 * phrase ranks it first more reliably than a weight boost (bare success@1
 * on the open set 0.99 -> 1.00). And the one pass AND_MAYBE(AND, PHRASE)
 * checks the positions of every document holding all the (mostly common)
 * words: p99 6.2 ms on the open set's 7-word fragments, against 2.8 ms for
 * the two tiers (the exact phrase, median 0.17 ms, then the stemmed AND
 * with no position check, since every document holding the phrase is in
 * the first tier already, median 0.27 ms).
 */
#define QUOTE_LIKE_WORDS 4

static int quote_like(const qn *n)
{
    if (n->kind != QN_AND)
        return 0;
    size_t words = 0, plain = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        const qn *k = n->kids[i];
        if (quirei_qn_is_filter(k))
            continue;
        /* Quoted parts of a pasted sentence (He said "we will win" and)
         * are in the fragment too: the fragment holds them. */
        if (!quirei_qn_fragment_part(k) || k->required)
            return 0;
        words += k->nterms;
        plain += quirei_qn_plain_word(k);
    }
    return plain && words >= QUOTE_LIKE_WORDS && words <= QUIREI_MAX_PHRASE_WORDS;
}

static int cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* f's total from m, counted exactly up to the cap of o: either the exact
 * count (at most the cap), or the cap as a lower bound. Never Xapian's
 * estimate, which changes with the page asked for. */
static void set_total(found_t *f, quirei_mset *m, const quire_search_options_t *o)
{
    quirei_value_counts_free(f->counts);
    f->counts = quirei_mset_take_counts(m);
    uint64_t cap = exact_cap(o), n = quirei_mset_lower_bound(m);
    f->total_gte = !quirei_mset_exact(m) || n > cap;
    /* Not exact, counting went past the cap (n > cap): Xapian stops early
     * only with a time limit or a match decider, which are not used. The
     * min() keeps a bound true should it ever. */
    f->total = f->total_gte && n > cap ? cap : n;
}

/* The page from the two tiers: all of ma, then the hits of m not in ma. */
static quire_status_t pick_tiers(found_t *f, const quire_search_options_t *o, unsigned limit)
{
    size_t na = quirei_mset_size(f->ma), nm = f->m ? quirei_mset_size(f->m) : 0;
    pick_t *all = calloc(na + nm + 1, sizeof *all);
    unsigned *seen = calloc(na + 1, sizeof *seen);
    if (!all || !seen) {
        free(all);
        free(seen);
        return QUIRE_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < na; i++) {
        seen[i] = quirei_mset_docid(f->ma, i);
        all[n++] = (pick_t){f->ma, i};
    }
    qsort(seen, na, sizeof *seen, cmp_unsigned);
    for (size_t k = 0; k < (f->morder ? f->nmorder : nm); k++) {
        size_t i = f->morder ? f->morder[k] : k;
        unsigned id = quirei_mset_docid(f->m, i);
        if (!bsearch(&id, seen, na, sizeof *seen, cmp_unsigned))
            all[n++] = (pick_t){f->m, i};
    }
    free(seen);
    size_t first = o->offset < n ? o->offset : n;
    f->npicks = n - first < limit ? n - first : limit;
    memmove(all, all + first, f->npicks * sizeof *all);
    f->picks = all;
    /* Every document holding the words as one phrase holds each word (or
     * its stem), so the second tier's matches are all the query's. */
    set_total(f, f->m, o);
    return QUIRE_OK;
}

/* The page of one mset: its hits in order. */
static quire_status_t pick_all(found_t *f)
{
    f->npicks = quirei_mset_size(f->m);
    if (!(f->picks = calloc(f->npicks + 1, sizeof *f->picks)))
        return QUIRE_ENOMEM;
    for (size_t i = 0; i < f->npicks; i++)
        f->picks[i] = (pick_t){f->m, i};
    return QUIRE_OK;
}

static quire_status_t order_second_tier(quire_reader_t *r, const qn *tree, quirei_compile_t *c,
                                        const quirei_q *filters,
                                        const quire_search_options_t *o, size_t need,
                                        size_t asked, found_t *f);

/* A quote-like query in two tiers (see quote_like()). Leaves f->ma NULL,
 * and f otherwise empty, when no document holds the words together: the
 * query is then run as an ordinary one. */
static quire_status_t find_tiers(quire_reader_t *r, const qn *tree, quirei_compile_t *c,
                                 const quirei_q *filters, const quire_search_options_t *o,
                                 unsigned limit, found_t *f)
{
    /* The second tier first: it counts, and its best RERANK_CANDIDATES
     * hits are where the first looks for the exact phrase (as the
     * proximity boost does, above: `the and of to` checked positions in
     * nearly every document). With no more matches than that, the first
     * tier is exactly every document holding the phrase. */
    unsigned need = o->offset + limit;
    unsigned want = need + TIE_SLACK > RERANK_CANDIDATES ? need + TIE_SLACK : RERANK_CANDIDATES;
    c->tier = QUIREI_TIER_BAG;
    quire_status_t st = run(r, tree, c, filters, o, 0, want, RUN_COUNT, &f->m);
    size_t n2 = st == QUIRE_OK ? quirei_mset_size(f->m) : 0;
    quirei_q *only = NULL;
    int all = st == QUIRE_OK && quirei_mset_exact(f->m) && quirei_mset_lower_bound(f->m) <= n2;
    if (n2 && !all)
        st = candidates_only(r, filters, f->m, &only);
    if (st == QUIRE_OK && n2) {
        c->tier = QUIREI_TIER_NEAR;
        st = run(r, tree, c, only ? only : filters, o, 0, need, RUN_TIES, &f->ma);
        c->tier = QUIREI_TIER_BAG;
    }
    quirei_q_free(only);
    if (st == QUIRE_OK && (!f->ma || quirei_mset_size(f->ma) == 0)) {
        /* no candidate has the words together: an ordinary query */
        quirei_mset_free(f->ma);
        quirei_mset_free(f->m);
        f->ma = f->m = NULL;
    } else if (st == QUIRE_OK && quirei_mset_size(f->ma) < need) {
        st = order_second_tier(r, tree, c, filters, o, need, want, f);
    }
    if (st == QUIRE_OK && f->ma)
        st = pick_tiers(f, o, limit);
    c->tier = QUIREI_TIER_ALL;
    return st;
}

/* ------------------------------------------------------------- ties ----- */


/* A hit: its position in the mset, weight, date (sorted by date) and
 * record value (whose id orders ties, as in run()). */
typedef struct dated {
    size_t i;
    double w;
    quirei_buf date, fields;
} dated_t;

/* Bytewise, a prefix first: std::string's order, which Xapian's value
 * sort uses. */
static int buf_cmp(const quirei_buf *a, const quirei_buf *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->ptr, b->ptr, n) : 0;
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Newest first (when dates were read), then by weight, then by id. */
static int dated_cmp(const void *pa, const void *pb)
{
    const dated_t *a = pa, *b = pb;
    int c = buf_cmp(&b->date, &a->date);
    if (c)
        return c;
    if (a->w != b->w)
        return a->w > b->w ? -1 : 1;
    return buf_cmp(&a->fields, &b->fields);
}

/* Hit i of m into d: its weight and, when `by_date`, its date (the record
 * value is read only for hits that tie: sort_range()). */
static quire_status_t load_dated(quire_reader_t *r, quirei_mset *m, size_t i, int by_date,
                                 dated_t *d)
{
    d->i = i;
    d->w = quirei_mset_score(m, i);
    quirei_buf_reset(&d->date);
    quirei_buf_reset(&d->fields);
    quire_status_t st = QUIRE_OK;
    if (by_date)
        st = quirei_mset_value(m, i, QUIREI_SLOT_DATE, &d->date, &r->detail);
    return st;
}

/* [*lo, *hi): the hits of m from the first tied (by weight, and date when
 * `by_date`) with hit `first` to the last tied with hit `last`. */
static quire_status_t tie_range(quire_reader_t *r, quirei_mset *m, int by_date, size_t first,
                                size_t last, size_t *lo, size_t *hi)
{
    dated_t edge = {0}, d = {0};
    size_t n = quirei_mset_size(m);
    quire_status_t st = load_dated(r, m, first, by_date, &edge);
    for (*lo = first; st == QUIRE_OK && *lo > 0; --*lo)
        if ((st = load_dated(r, m, *lo - 1, by_date, &d)) || dated_cmp(&d, &edge))
            break;
    if (st == QUIRE_OK)
        st = load_dated(r, m, last, by_date, &edge);
    for (*hi = last + 1; st == QUIRE_OK && *hi < n; ++*hi)
        if ((st = load_dated(r, m, *hi, by_date, &d)) || dated_cmp(&d, &edge))
            break;
    quirei_buf_release(&edge.date);
    quirei_buf_release(&edge.fields);
    quirei_buf_release(&d.date);
    quirei_buf_release(&d.fields);
    return st;
}

/* idx[0, hi - lo): the positions of hits [lo, hi) of m in order, ties by
 * id. */
static quire_status_t sort_range(quire_reader_t *r, quirei_mset *m, int by_date, size_t lo,
                                 size_t hi, size_t *idx)
{
    dated_t *v = calloc(hi - lo + 1, sizeof *v);
    quire_status_t st = v ? QUIRE_OK : QUIRE_ENOMEM;
    size_t n = hi - lo;
    for (size_t k = 0; st == QUIRE_OK && k < n; k++)
        st = load_dated(r, m, lo + k, by_date, &v[k]);
    /* m is in (date,) weight order already: only the hits of a run that
     * ties need their id, so only they read the record value (the page's
     * hits are read again to be shown; reading every one here doubled it). */
    for (size_t a = 0, b; st == QUIRE_OK && a < n; a = b) {
        for (b = a + 1; b < n && dated_cmp(&v[a], &v[b]) == 0; b++)
            ;
        for (size_t k = a; b - a > 1 && st == QUIRE_OK && k < b; k++)
            st = quirei_mset_value(m, v[k].i, QUIREI_SLOT_FIELDS, &v[k].fields, &r->detail);
    }
    if (st == QUIRE_OK) {
        qsort(v, hi - lo, sizeof *v, dated_cmp);
        for (size_t k = 0; k < hi - lo; k++)
            idx[k] = v[k].i;
    }
    for (size_t k = 0; v && k < hi - lo; k++) {
        quirei_buf_release(&v[k].date);
        quirei_buf_release(&v[k].fields);
    }
    free(v);
    return st;
}

/* The page [first, end) from hits [lo, hi) of f->m (which hold it). */
static quire_status_t pick_sorted(quire_reader_t *r, found_t *f, int by_date, size_t lo,
                                  size_t hi, size_t first, size_t end)
{
    size_t *idx = calloc(hi - lo + 1, sizeof *idx);
    f->picks = calloc(end - first + 1, sizeof *f->picks);
    quire_status_t st = idx && f->picks ? sort_range(r, f->m, by_date, lo, hi, idx)
                                        : QUIRE_ENOMEM;
    for (size_t k = first; st == QUIRE_OK && k < end; k++)
        f->picks[f->npicks++] = (pick_t){f->m, idx[k - lo]};
    free(idx);
    return st;
}

/* A quote-like query's second tier f->m (hits [0, asked)): the order of its
 * first `need` hits, ties by id, into f->morder; or, when the tie at their
 * end runs past those fetched or is too long, f->m run again with Xapian
 * ordering ties (RUN_TIES: it read the record of each of 2,436 candidates
 * of "detail on the attack that was based", 13 ms against 4). */
static quire_status_t order_second_tier(quire_reader_t *r, const qn *tree, quirei_compile_t *c,
                                        const quirei_q *filters,
                                        const quire_search_options_t *o, size_t need,
                                        size_t asked, found_t *f)
{
    size_t n = quirei_mset_size(f->m), end = n < need ? n : need, lo = 0, hi = 0;
    if (!end)
        return QUIRE_OK;
    quire_status_t st = tie_range(r, f->m, 0, 0, end - 1, &lo, &hi);
    if (st == QUIRE_OK && (hi < n || n < asked) && hi <= need + TIE_READ_MAX) {
        if (!(f->morder = calloc(hi + 1, sizeof *f->morder)))
            return QUIRE_ENOMEM;
        f->nmorder = end;
        return sort_range(r, f->m, 0, 0, hi, f->morder);
    }
    if (st == QUIRE_OK) {
        quirei_mset_free(f->m);
        f->m = NULL;
        /* pick_tiers() takes the total (and facets) from this run. */
        st = run(r, tree, c, filters, o, 0, (unsigned)need, RUN_TIES | RUN_COUNT, &f->m);
    }
    return st;
}

/*
 * The page of f->m (hits [0, asked) of the query c compiled last), with
 * ties in id order (see run()). Xapian ranks by weight (sorted by date:
 * by date, then weight) and then by document number: the ties that touch
 * the page are read whole, fetching more hits while the last one runs past
 * those fetched, and sorted here (Xapian has no third key for dates).
 * Ties are rare where words are weighed; in a query of filters alone (all
 * weights 0) every hit ties (sorted by date, those of a day, or all the
 * undated ones): ranked by relevance, that is left to Xapian (RUN_TIES).
 */
static quire_status_t pick_ties(quire_reader_t *r, const qn *tree, quirei_compile_t *c,
                                const quirei_q *filters, const quire_search_options_t *o,
                                unsigned limit, unsigned asked, found_t *f)
{
    int by_date = o->sort == QUIRE_SORT_DATE;
    size_t need = (size_t)o->offset + limit, lo = 0, hi = 0;
    for (;;) {
        size_t n = quirei_mset_size(f->m), end = n < need ? n : need;
        if (end <= o->offset)
            return (f->picks = calloc(1, sizeof *f->picks)) ? QUIRE_OK : QUIRE_ENOMEM;
        quire_status_t st = tie_range(r, f->m, by_date, o->offset, end - 1, &lo, &hi);
        int whole = hi < n || n < asked; /* the last tie ends within m */
        if (st || (whole && (by_date || hi - lo <= limit + TIE_READ_MAX)))
            return st ? st : pick_sorted(r, f, by_date, lo, hi, o->offset, end);
        quirei_mset_free(f->m);
        f->m = NULL;
        if (!by_date) {
            st = run(r, tree, c, filters, o, o->offset, limit, RUN_TIES, &f->m);
            return st ? st : pick_all(f);
        }
        asked = asked < UINT32_MAX / 2 ? 2 * asked : UINT32_MAX;
        if ((st = run(r, tree, c, filters, o, 0, asked, 0, &f->m)))
            return st;
    }
}

/* The query, then its fallbacks while nothing is found (see the top of
 * this file). Hits are fetched from the first on, for pick_ties(). */
static quire_status_t find_with_fallbacks(quire_reader_t *r, const qn *tree,
                                          quirei_compile_t *c, const quirei_q *filters,
                                          const quire_search_options_t *o, unsigned limit,
                                          found_t *f)
{
    unsigned n = o->offset + limit + TIE_SLACK;
    quire_status_t st = run_counted(r, tree, c, filters, o, n, f);
    if (st == QUIRE_OK && quirei_mset_estimate(counted(f)) == 0 &&
        quirei_qn_has_kind(tree, QN_PHRASE)) {
        for (int mode = QUIREI_PHRASE_VARIANT; mode <= QUIREI_PHRASE_BAG; mode++) {
            c->mode = (quirei_phrase_mode)mode;
            f->approximate = 1;
            st = run_counted(r, tree, c, filters, o, n, f);
            if (st || quirei_mset_estimate(counted(f)) > 0)
                break;
        }
    }
    if (st == QUIRE_OK && quirei_mset_estimate(counted(f)) == 0 && quirei_qn_relaxable(tree)) {
        c->relaxed = 1;
        f->relaxed = 1;
        st = run_counted(r, tree, c, filters, o, n, f);
    }
    if (st)
        return st;
    set_total(f, counted(f), o);
    return pick_ties(r, tree, c, filters, o, limit, n, f);
}

/* Run the query in tiers or with its fallbacks; the page's hits into f. */
static quire_status_t find(quire_reader_t *r, const qn *tree, const quire_search_options_t *o,
                           unsigned limit, found_t *f)
{
    quirei_compile_t c = {.r = r};
    quirei_q *filters = quirei_compile_option_filters(&c, o);
    quire_status_t st = c.oom ? QUIRE_ENOMEM : QUIRE_OK;
    if (st == QUIRE_OK && o->sort != QUIRE_SORT_DATE && quote_like(tree))
        st = find_tiers(r, tree, &c, filters, o, limit, f);
    if (st == QUIRE_OK && !f->ma)
        st = find_with_fallbacks(r, tree, &c, filters, o, limit, f);
    quirei_q_free(filters);
    quirei_compile_release(&c);
    return st;
}

/* ------------------------------------------------------------ search ---- */

/* Nothing found, or only relaxed matches: the spelling correction's hits (flagged
 * corrected) replace f and *tree when it finds any (every word, for relaxed f). */
static quire_status_t find_corrected(quire_reader_t *r, const char *suggestion,
                                     const quire_search_options_t *o, unsigned limit, found_t *f,
                                     qn **tree)
{
    found_t g = {.corrected = 1};
    qn *ct = quirei_spell_parse(r, suggestion);
    quire_status_t st = ct ? find(r, ct, o, limit, &g) : QUIRE_OK;
    if (st == QUIRE_OK && g.total && (!f->total || !g.relaxed)) {
        found_release(f);
        *f = g;
        quirei_qn_free(*tree);
        *tree = ct;
        return st;
    }
    found_release(&g);
    quirei_qn_free(ct);
    return st;
}

/* One try of quire_search() (arguments checked, *out NULL). */
static quire_status_t search_once(quire_reader_t *r, const char *query,
                                  const quire_search_options_t *o, unsigned max_limit,
                                  double t0, quire_results_t **out)
{
    r->errpos = -1;
    r->erropt = NULL;
    unsigned limit = o->limit ? o->limit : 10;
    size_t qlen = strlen(query);
    quire_status_t st = quirei_search_check(r, qlen, o, limit, max_limit);
    if (st == QUIRE_OK)
        st = quirei_reader_check_shards(r);
    if (st)
        return st;
    qn *tree = NULL;
    if ((st = quirei_parse_query(query, qlen, &tree, &r->detail, &r->errpos)))
        return st;
    found_t f = {0};
    results_impl_t *ri = NULL;
    quirei_alias_info *aliases = NULL;
    if (!r->stem && !(r->stem = quirei_stemmer_new(r->language)))
        st = QUIRE_ENOMEM;
    char *suggestion = NULL;
    if (st == QUIRE_OK && !o->no_aliases)
        st = quirei_aliases_expand(r, &tree, &aliases);
    if (st == QUIRE_OK)
        st = find(r, tree, o, limit, &f);
    if (st == QUIRE_OK)
        st = quirei_spell_suggest(r, query, tree, &suggestion);
    if (st == QUIRE_OK && suggestion && (!f.total || f.relaxed))
        st = find_corrected(r, suggestion, o, limit, &f, &tree);
    if (st == QUIRE_OK && !(ri = quirei_results_new(query, f.npicks)))
        st = QUIRE_ENOMEM;
    if (ri && (ri->pub.suggestion = ri->suggestion = suggestion))
        ri->pub.corrected = f.corrected;
    else
        free(suggestion);
    if (st == QUIRE_OK) {
        ri->pub.total = f.total;
        ri->pub.total_relation = f.total_gte ? QUIRE_TOTAL_GTE : QUIRE_TOTAL_EQ;
        ri->pub.offset = o->offset;
        ri->pub.limit = limit;
        /* The flags say how the hits matched: when even the last
         * fallback found nothing, there is nothing approximate to flag. */
        ri->pub.relaxed = f.relaxed && f.total;
        ri->pub.approximate = f.approximate && f.total;
        quirei_page page = {f.picks, f.npicks, f.ma, f.approximate, f.relaxed, f.corrected};
        st = quirei_results_fill(r, tree, o, &page, ri);
    }
    if (st == QUIRE_OK) {
        st = quirei_extras_make(r, tree, o, f.counts, &ri->pub, &ri->extras);
        f.counts = NULL;
    }
    if (st == QUIRE_OK)
        st = quirei_results_note_shards(r, ri);
    if (st == QUIRE_OK) {
        ri->aliases = aliases;
        aliases = NULL;
        st = quirei_alias_info_apply(ri->aliases, &ri->pub);
    }
    quirei_alias_info_free(aliases);
    found_release(&f);
    quirei_qn_free(tree);
    return quirei_results_finish(r, ri, st, t0, out);
}

quire_status_t quire_search(quire_reader_t *r, const char *query,
                            const quire_search_options_t *opts, quire_results_t **out)
{
    return quirei_search_window(r, query, opts, QUIRE_MAX_LIMIT, out);
}

quire_status_t quirei_search_window(quire_reader_t *r, const char *query,
                                    const quire_search_options_t *opts, unsigned max_limit,
                                    quire_results_t **out)
{
    if (out)
        *out = NULL;
    if (!r || !query || !out)
        return QUIRE_EINVAL;
    double t0 = quirei_now_ms();
    quire_search_options_t o = {0};
    if (opts)
        o = *opts;
    quire_status_t st;
    unsigned retries = 0;
    do
        st = search_once(r, query, &o, max_limit, t0, out);
    while (quirei_reader_retry(r, st, &retries));
    return st;
}

long quire_reader_error_pos(const quire_reader_t *r)
{
    return r ? r->errpos : -1;
}

const char *quire_reader_error_option(const quire_reader_t *r)
{
    return r ? r->erropt : NULL;
}
