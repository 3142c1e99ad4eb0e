/*
 * similar.c - quire_similar(): the articles most like one article, for the
 * document view ("Similar articles") and quire-search --similar.
 *
 * How:
 *   1. The article's best SIMILAR_TERMS words, by Xapian's relevance-set
 *      expansion over that one document (quirei_rdb_expand(): Enquire::
 *      get_eset() with the Bo1 scheme, so words the article uses often
 *      and the index rarely come first). Only plain words are taken (see
 *      want_term()): no prefixed term (title, author, source, id), no stop
 *      word, nothing under 3 bytes, no number, no URL or e-mail address
 *      (one article's link matches nothing else); then (take_term()) none
 *      that no other document holds, nor one held by more than 1 in
 *      COMMON_SHARE documents (and COMMON_MIN). Words of one stem count
 *      once.
 *   2. One search: those words OR-ed (each stemmed, as the query compiler
 *      would: compile.h), BM25-ranked, minus the article itself (AND_NOT its
 *      id term), within the source/from/to options.
 *   3. The ranked matches, walked in order, minus the near-duplicates of the
 *      article (below), give the page.
 *
 * A near-duplicate is another copy of the same text: a syndicated copy, a
 * re-scrape with other boilerplate, a truncated feed version. Bodies are
 * compared as sets of shingles (every run of SHINGLE_WORDS words; words are
 * runs of ASCII letters and digits, lower-cased, or of non-ASCII bytes;
 * the first SHINGLE_BYTES of each body), and a match is a near-duplicate
 * when
 *   - the two sets' resemblance (shared / either) is at least 0.6, or
 *   - the normalized titles are equal (lower-cased, only letters and
 *     digits kept; not empty) and the shorter body shares at least half of
 *     its shingles with the other (the same headline over a cut version).
 * A title alone is not enough: scraped titles are often a site's name
 * ("trendmicro" titles 11 different articles of the shared corpus).
 *
 * Everything exposed is a Quire id; no Xapian document number leaves the
 * store layer, and neither a MatchDecider nor a KeyMaker is used (neither
 * works with remote shards): the expansion's decider runs in this process
 * and the near-duplicates are read from the stored records.
 */
#include <quire/quire.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hash.h"
#include "query/compile.h"
#include "query/hits.h"
#include "query/query_parser.h"
#include "query/reader.h"
#include "query/search_checks.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "store/index.h"
#include "strbuf.h"
#include "text/stemmer.h"
#include "text/stopwords.h"

/* Words the article is expanded to. The search's cost grows with them
 * (callgrind, 30 random articles of the shared corpus: 10.6 M instructions
 * a call with 12, 15.4 M with 16, 19.4 M with 20), and 12 already find the
 * articles on the same product, group or story (bench/RESULTS.md,
 * "Similar articles"). */
#define SIMILAR_TERMS 12
/* Words held by more than 1/COMMON_SHARE of the documents (and by more
 * than COMMON_MIN: in a small index every word is rare enough) are left
 * out: "said", "windows", "null" tell little and read long posting lists.
 * And words held by this document alone (a link's id, a hash) match
 * nothing. */
#define COMMON_SHARE 20
#define COMMON_MIN 100
/* Expansion terms asked for: words of one stem come in several forms, and
 * words no other document holds come first in a small index (Bo1 weighs
 * them by how rare they are). Asking for more costs little: the expansion
 * weighs every word of the document anyway, and the walk stops once
 * SIMILAR_TERMS are taken. */
#define EXPAND_ASK (4 * SIMILAR_TERMS)
/* Matches fetched past the page, for the near-duplicates skipped and the
 * ties at its end. */
#define FETCH_SLACK 8
#define SHINGLE_WORDS 4
#define SHINGLE_BYTES 8192 /* of each body: the cost is in sorting them */
#define SAME_TEXT 0.6   /* resemblance of a near-duplicate */
#define SAME_TITLE 0.5  /* containment of one under the same title */
#define LENGTH_RATIO 0.4 /* see near_duplicate() */

/* ------------------------------------------------------------ shingles -- */

typedef struct shingles {
    uint64_t *h; /* sorted, unique */
    size_t n;
} shingles_t;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c >= 0x80;
}

/* The shingles of text[0..len) (its first SHINGLE_BYTES) into s; a text of
 * fewer than SHINGLE_WORDS words is one shingle of them all. 0, or -1 when
 * out of memory. */
static int shingles_make(const char *text, size_t len, shingles_t *s)
{
    if (len > SHINGLE_BYTES)
        len = SHINGLE_BYTES;
    s->n = 0;
    s->h = malloc((len / 2 + 2) * sizeof *s->h); /* a word and a blank at least */
    if (!s->h)
        return -1;
    uint64_t ring[SHINGLE_WORDS] = {0};
    size_t words = 0;
    for (size_t i = 0; i < len;) {
        if (!word_byte((unsigned char)text[i])) {
            i++;
            continue;
        }
        uint64_t w = QUIREI_FNV64_INIT;
        for (; i < len && word_byte((unsigned char)text[i]); i++) {
            char c = text[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            w = quirei_fnv1a64(w, &c, 1);
        }
        ring[words++ % SHINGLE_WORDS] = w;
        if (words >= SHINGLE_WORDS)
            s->h[s->n++] = quirei_fnv1a64(QUIREI_FNV64_INIT, ring, sizeof ring) ^
                           (uint64_t)(words % SHINGLE_WORDS); /* the ring's rotation */
    }
    if (words && words < SHINGLE_WORDS)
        s->h[s->n++] = quirei_fnv1a64(QUIREI_FNV64_INIT, ring, words * sizeof *ring);
    qsort(s->h, s->n, sizeof *s->h, cmp_u64);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!k || s->h[k - 1] != s->h[i])
            s->h[k++] = s->h[i];
    s->n = k;
    return 0;
}

static size_t shingles_shared(const shingles_t *a, const shingles_t *b)
{
    size_t i = 0, j = 0, n = 0;
    while (i < a->n && j < b->n) {
        if (a->h[i] < b->h[j])
            i++;
        else if (a->h[i] > b->h[j])
            j++;
        else
            n++, i++, j++;
    }
    return n;
}

/* Lower-cased letters and digits of a title (as word_byte() reads them). */
static void title_key(const char *t, quirei_buf *out)
{
    quirei_buf_reset(out);
    for (; t && *t; t++)
        if (word_byte((unsigned char)*t)) {
            char c = (*t >= 'A' && *t <= 'Z') ? (char)(*t + 32) : *t;
            if (quirei_buf_add(out, &c, 1) < 0)
                return; /* out of memory: no title, so no title rule */
        }
}

/* The article the similar ones are like: its id, title key and shingles. */
typedef struct source_doc {
    const char *id;
    size_t body_len;
    quirei_buf title;
    shingles_t sh;
} source_doc_t;

/* Is d a near-duplicate of src (see the top of this file)? -1 when out of
 * memory. */
static int near_duplicate(const source_doc_t *src, const quire_stored_doc_t *d,
                          quirei_buf *title)
{
    title_key(d->doc.title, title);
    int same_title = src->title.len && title->len == src->title.len &&
                     memcmp(title->ptr, src->title.ptr, title->len) == 0;
    /* Two sets resemble at most as much as the smaller is of the larger:
     * bodies (as compared) of very different lengths under different
     * titles are no near-duplicates, and their shingles are not made
     * (most matches: half the cost of the check). LENGTH_RATIO is below
     * SAME_TEXT, as shingles a byte vary from text to text. */
    size_t a = src->body_len < SHINGLE_BYTES ? src->body_len : SHINGLE_BYTES;
    size_t b = d->body_len < SHINGLE_BYTES ? d->body_len : SHINGLE_BYTES;
    if (!same_title && (double)(a < b ? a : b) < LENGTH_RATIO * (double)(a < b ? b : a))
        return 0;
    shingles_t sh = {0};
    if (shingles_make(d->doc.body, d->body_len, &sh) < 0)
        return -1;
    size_t shared = shingles_shared(&src->sh, &sh);
    size_t either = src->sh.n + sh.n - shared, fewer = src->sh.n < sh.n ? src->sh.n : sh.n;
    free(sh.h);
    if (either && (double)shared >= SAME_TEXT * (double)either)
        return 1;
    return same_title && fewer && (double)shared >= SAME_TITLE * (double)fewer;
}

/* ------------------------------------------------------------ expansion -- */

/* The words of the expansion: their text (for the results' query and the
 * snippets) and their Xapian terms. */
typedef struct expansion {
    quire_reader_t *r;
    quirei_buf text;  /* "w1 w2 ..." */
    quirei_buf seen;  /* the terms taken, NUL-separated */
    quirei_q *terms[SIMILAR_TERMS];
    size_t n;
    uint64_t max_docfreq; /* commoner words are left out */
    int oom;
} expansion_t;

/* A plain word worth searching for (see the top of this file). */
static int want_term(const char *t, size_t len, void *ctx)
{
    expansion_t *e = ctx;
    if (len < 3 || (t[0] >= 'A' && t[0] <= 'Z'))
        return 0; /* short, or prefixed (schema.h) */
    int letter = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == ':' || c == '@' || c == '/')
            return 0;
        letter |= (c >= 'a' && c <= 'z') || c >= 0x80;
    }
    return letter && !quirei_is_stopword(e->r->language, t, len);
}

/* Is the NUL-terminated term in e->seen already? */
static int seen_term(const expansion_t *e, const char *term, size_t len)
{
    for (size_t i = 0; i < e->seen.len; i += strlen(e->seen.ptr + i) + 1)
        if (strlen(e->seen.ptr + i) == len && memcmp(e->seen.ptr + i, term, len) == 0)
            return 1;
    return 0;
}

/* Is t a word the compiler stems (letters and apostrophes, compile.h)? */
static int stemmable(const char *t, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((t[i] >= '0' && t[i] <= '9') || t[i] == '-' || t[i] == '.' || t[i] == '_')
            return 0;
    return 1;
}

/* One expansion word: searched as its stem term (Z<stem>) when stemmable,
 * else as itself; a word whose term was taken already is skipped. */
static int take_term(const char *t, size_t len, double weight, uint64_t docfreq, void *ctx)
{
    (void)weight; /* the order is the weight's; BM25 weighs the search */
    expansion_t *e = ctx;
    if (docfreq < 2 || docfreq > e->max_docfreq)
        return 0;
    quirei_buf term = QUIREI_BUF_INIT;
    size_t slen = len;
    const char *stem = stemmable(t, len) ? quirei_stem(e->r->stem, t, len, &slen) : t;
    if (!stem || quirei_buf_adds(&term, stem != t ? QUIREI_PREFIX_STEM : "") < 0 ||
        quirei_buf_add(&term, stem, slen) < 0) {
        e->oom = 1;
        quirei_buf_release(&term);
        return 1;
    }
    if (!seen_term(e, term.ptr, term.len)) {
        quirei_q *q = quirei_q_term(term.ptr, term.len);
        if (!q || quirei_buf_add(&e->seen, term.ptr, term.len + 1) < 0 ||
            (e->text.len && quirei_buf_adds(&e->text, " ") < 0) ||
            quirei_buf_add(&e->text, t, len) < 0) {
            quirei_q_free(q);
            e->oom = 1;
        } else {
            e->terms[e->n++] = q;
        }
    }
    quirei_buf_release(&term);
    return e->oom || e->n == SIMILAR_TERMS;
}

static void expansion_release(expansion_t *e)
{
    for (size_t i = 0; i < e->n; i++)
        quirei_q_free(e->terms[i]);
    quirei_buf_release(&e->text);
    quirei_buf_release(&e->seen);
}

/* The search: OR of the words, minus the article, within the options'
 * filters. NULL when out of memory. */
static quirei_q *similar_query(quire_reader_t *r, expansion_t *e, const quirei_buf *idterm,
                               const quire_search_options_t *o)
{
    quirei_q *any = quirei_q_combine(QUIREI_OP_OR, e->terms, e->n, 0);
    e->n = 0; /* taken by the combine */
    quirei_q *v[2] = {any, quirei_q_term(idterm->ptr, idterm->len)};
    quirei_q *q = any && v[1] ? quirei_q_combine(QUIREI_OP_AND_NOT, v, 2, 0) : NULL;
    if (!q) {
        quirei_q_free(any);
        quirei_q_free(v[1]);
        return NULL;
    }
    quirei_compile_t c = {.r = r};
    quirei_q *filters = quirei_compile_option_filters(&c, o);
    quirei_compile_release(&c);
    if (c.oom) {
        quirei_q_free(q);
        return NULL;
    }
    if (filters) {
        quirei_q *w[2] = {q, filters};
        q = quirei_q_combine(QUIREI_OP_FILTER, w, 2, 0);
    }
    return q;
}

/* ------------------------------------------------------------ the page --- */

/* A match kept: its place in the mset, score and id (ties by id). */
typedef struct kept {
    size_t i;
    double score;
    char *id;
} kept_t;

QUIREI_ARRAY(kept_array, kept_t)

static void kept_release(kept_array *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i].id);
    kept_array_release(k);
}

/* By score, ties by id as search.c orders them (shorter first, then byte
 * by byte). */
static int kept_cmp(const void *pa, const void *pb)
{
    const kept_t *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    size_t la = strlen(a->id), lb = strlen(b->id);
    return la != lb ? (la > lb) - (la < lb) : strcmp(a->id, b->id);
}

/* The matches of m in order minus src's near-duplicates, into k, until
 * `need` are kept and the next one scores less (a tie at the page's end is
 * kept whole); *dups counts the near-duplicates skipped. */
static quire_status_t walk(quire_reader_t *r, quirei_mset *m, const source_doc_t *src,
                           size_t need, kept_array *k, uint64_t *dups)
{
    quirei_buf data = QUIREI_BUF_INIT, title = QUIREI_BUF_INIT;
    quire_status_t st = QUIRE_OK;
    size_t n = quirei_mset_size(m);
    for (size_t i = 0; st == QUIRE_OK && i < n; i++) {
        double score = quirei_mset_score(m, i);
        if (k->n >= need && score < k->v[k->n - 1].score)
            break;
        quire_stored_doc_t *d = NULL;
        quirei_buf_reset(&data);
        if ((st = quirei_mset_data(m, i, &data, &r->detail)) ||
            (st = quirei_record_decode(data.ptr, data.len, &d)))
            break;
        int dup = near_duplicate(src, d, &title);
        char *id = dup == 0 ? strdup(d->doc.id) : NULL;
        if (dup < 0 || (dup == 0 && (!id || kept_array_push(k, (kept_t){i, score, id}) < 0))) {
            free(id);
            st = QUIRE_ENOMEM;
        }
        *dups += dup == 1;
        quire_stored_doc_free(d);
    }
    quirei_buf_release(&data);
    quirei_buf_release(&title);
    return st;
}

/* ------------------------------------------------------------ search ---- */

/* What quire_similar() checks: the search options, and offset + limit
 * within QUIRE_MAX_SIMILAR. */
static quire_status_t check(quire_reader_t *r, const quire_search_options_t *o, unsigned limit)
{
    quire_status_t st = quirei_search_check(r, 0, o, limit, QUIRE_MAX_LIMIT);
    if (st == QUIRE_OK && o->offset > QUIRE_MAX_SIMILAR - limit) {
        quirei_buf_setf(&r->detail, "offset %u + limit %u is over %d (similar articles)",
                        o->offset, limit, QUIRE_MAX_SIMILAR);
        r->erropt = "offset";
        st = QUIRE_EOPTION;
    }
    return st;
}

/* The article's record, title key and shingles into src. */
static quire_status_t load_source(quire_reader_t *r, const char *id, const quirei_buf *idterm,
                                  source_doc_t *src, quire_stored_doc_t **doc)
{
    quirei_buf data = QUIREI_BUF_INIT;
    quire_status_t st = quirei_rdb_get_data(r->db, idterm->ptr, &data, &r->detail);
    if (st == QUIRE_ENOTFOUND)
        quirei_buf_setf(&r->detail, "no document with id '%s'", id);
    if (st == QUIRE_OK && (st = quirei_record_decode(data.ptr, data.len, doc)) == QUIRE_ECORRUPT)
        quirei_buf_setf(&r->detail, "stored data of '%s' is not a Quire record", id);
    quirei_buf_release(&data);
    if (st)
        return st;
    src->id = (*doc)->doc.id;
    src->body_len = (*doc)->body_len;
    title_key((*doc)->doc.title, &src->title);
    return shingles_make((*doc)->doc.body, (*doc)->body_len, &src->sh) < 0 ? QUIRE_ENOMEM
                                                                           : QUIRE_OK;
}

/* The page's hits into results: kept [offset, offset + limit), filled as a
 * search fills its hits (snippets for the expansion's words). */
static quire_status_t make_results(quire_reader_t *r, const expansion_t *e, quirei_mset *m,
                                   const kept_array *k, const quire_search_options_t *o,
                                   unsigned limit, uint64_t total, int gte,
                                   results_impl_t **out)
{
    size_t first = o->offset < k->n ? o->offset : k->n;
    size_t n = k->n - first < limit ? k->n - first : limit;
    quirei_pick *picks = calloc(n + 1, sizeof *picks);
    results_impl_t *ri = picks ? quirei_results_new(quirei_buf_cstr(&e->text), n) : NULL;
    qn *tree = NULL;
    quire_status_t st = ri ? QUIRE_OK : QUIRE_ENOMEM;
    /* The snippets highlight the expansion's words, parsed as a query. */
    if (st == QUIRE_OK && !o->no_snippets && e->text.len) {
        long pos;
        st = quirei_parse_query(e->text.ptr, e->text.len, &tree, &r->detail, &pos);
    }
    for (size_t i = 0; i < n; i++)
        picks[i] = (quirei_pick){m, k->v[first + i].i};
    if (st == QUIRE_OK) {
        ri->pub.total = total;
        ri->pub.total_relation = gte ? QUIRE_TOTAL_GTE : QUIRE_TOTAL_EQ;
        ri->pub.offset = o->offset;
        ri->pub.limit = limit;
        quirei_page page = {.picks = picks, .npicks = n};
        quire_search_options_t fo = *o;
        fo.no_snippets = o->no_snippets || !tree;
        st = quirei_results_fill(r, tree, &fo, &page, ri);
    }
    quirei_qn_free(tree);
    free(picks);
    if (st)
        quire_results_free(ri ? &ri->pub : NULL);
    else
        *out = ri;
    return st;
}

/* One try of quire_similar() (arguments checked, *out NULL). */
static quire_status_t similar_once(quire_reader_t *r, const char *id,
                                   const quire_search_options_t *o, double t0,
                                   quire_results_t **out)
{
    r->errpos = -1;
    r->erropt = NULL;
    unsigned limit = o->limit ? o->limit : 10;
    quire_status_t st = check(r, o, limit);
    if (st)
        return st;
    if (!r->stem && !(r->stem = quirei_stemmer_new(r->language)))
        return QUIRE_ENOMEM;
    quirei_buf idterm = QUIREI_BUF_INIT;
    source_doc_t src = {0};
    quire_stored_doc_t *doc = NULL;
    expansion_t e = {.r = r};
    e.max_docfreq = quirei_rdb_doc_count_or_0(r->db) / COMMON_SHARE;
    if (e.max_docfreq < COMMON_MIN)
        e.max_docfreq = COMMON_MIN;
    quirei_mset *m = NULL;
    kept_array k = {0};
    results_impl_t *ri = NULL;
    if (quirei_buf_addf(&idterm, "%s%s", QUIREI_PREFIX_ID, id) < 0)
        st = QUIRE_ENOMEM;
    if (st == QUIRE_OK)
        st = load_source(r, id, &idterm, &src, &doc);
    if (st == QUIRE_OK)
        st = quirei_rdb_expand(r->db, idterm.ptr, EXPAND_ASK, want_term, take_term, &e,
                               &r->detail);
    if (st == QUIRE_OK && e.oom)
        st = QUIRE_ENOMEM;
    uint64_t dups = 0, total = 0;
    int gte = 0;
    size_t need = (size_t)o->offset + limit;
    for (unsigned fetch = (unsigned)need + FETCH_SLACK; st == QUIRE_OK && e.n;) {
        quirei_q *q = similar_query(r, &e, &idterm, o);
        quirei_search_spec spec = {.limit = fetch, .sort_slot = -1, .tie_slot = -1,
                                   .check_at_least = QUIRE_MAX_SIMILAR + 1};
        st = q ? quirei_rdb_search(r->db, q, &spec, &m, &r->detail) : QUIRE_ENOMEM;
        quirei_q_free(q);
        if (st == QUIRE_OK)
            st = walk(r, m, &src, need, &k, &dups);
        if (st || k.n >= need || quirei_mset_size(m) < fetch || fetch >= 8 * QUIRE_MAX_SIMILAR)
            break;
        /* Near-duplicates ate the page: fetch more (rare). */
        fetch *= 4;
        kept_release(&k);
        k = (kept_array){0};
        dups = 0;
        quirei_mset_free(m);
        m = NULL;
        /* e's terms were taken by the query: expand again. */
        quirei_buf_reset(&e.text);
        quirei_buf_reset(&e.seen);
        st = quirei_rdb_expand(r->db, idterm.ptr, EXPAND_ASK, want_term, take_term, &e,
                               &r->detail);
        if (st == QUIRE_OK && e.oom)
            st = QUIRE_ENOMEM;
    }
    if (st == QUIRE_OK && m) {
        /* Counted up to QUIRE_MAX_SIMILAR + 1: the similar articles are
         * the best QUIRE_MAX_SIMILAR at most. */
        uint64_t n = quirei_mset_lower_bound(m);
        n = n > dups ? n - dups : 0;
        gte = n > QUIRE_MAX_SIMILAR || !quirei_mset_exact(m);
        total = n > QUIRE_MAX_SIMILAR ? QUIRE_MAX_SIMILAR : n;
        if (k.n > 1)
            qsort(k.v, k.n, sizeof *k.v, kept_cmp);
    }
    if (st == QUIRE_OK)
        st = make_results(r, &e, m, &k, o, limit, total, gte, &ri);
    kept_release(&k);
    quirei_mset_free(m);
    expansion_release(&e);
    quire_stored_doc_free(doc);
    free(src.sh.h);
    quirei_buf_release(&src.title);
    quirei_buf_release(&idterm);
    return quirei_results_finish(r, st ? NULL : ri, st, t0, out);
}

quire_status_t quire_similar(quire_reader_t *r, const char *id,
                             const quire_search_options_t *opts, quire_results_t **out)
{
    if (out)
        *out = NULL;
    if (!r || !id || !*id || !out)
        return QUIRE_EINVAL;
    double t0 = quirei_now_ms();
    quire_search_options_t o = {0};
    if (opts)
        o = *opts;
    quire_status_t st;
    unsigned retries = 0;
    do
        st = similar_once(r, id, &o, t0, out);
    while (quirei_reader_retry(r, st, &retries));
    return st;
}
