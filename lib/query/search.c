/*
 * search.c - quire_search(): query tree -> Xapian query -> ranked hits with
 * snippets, quotes and JSON.
 *
 * Term mapping (the schema is in index.cc):
 *   word w (stemmable)    Z<stem>  (see "Z<stem>" in index.cc)
 *   word w (digits, ID)   <w>
 *   "a b c"               OP_PHRASE(a, b, c) on unstemmed positional terms
 *   "a b c"~N             OP_NEAR(a, b, c), window 3 + N
 *   title:/author:        the same with S / A prefixes (no positions: a
 *                         title phrase is the phrase AND its S terms)
 *   source:x / id:x       boolean XS<x> / Q<x> filters
 *   date:…                value range on slot 0
 *
 * Ranking: BM25 (Xapian's default). An implicit AND of two or more plain
 * words gets OP_AND_MAYBE with a PHRASE of those words (window = words + 2),
 * so documents where they stand together rank above documents that merely
 * hold them all. Quote-like queries (4+ plain words) put the documents
 * holding them as one exact phrase first; see quote_like().
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
 */
#include <jansson.h>
#include <math.h>
#include <quire/quire.h>
#include <quire/tokenizer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/index.h"
#include "query/query_parser.h"
#include "schema/record.h"
#include "query/reader.h"
#include "render/snippet.h"
#include "text/stemmer.h"
#include "strbuf.h"
#include "utf8.h"
#include "schema/schema.h"

#define WILDCARD_LIMIT 100 /* terms a prefix expands to */
#define SNIPPET_BYTES 250

typedef enum mode {
    M_EXACT = 0,
    M_VARIANT = 1,  /* phrases: singular/plural variants, one extra word */
    M_TOLERANT = 2, /* phrases: n-1 of n words within a window */
    M_BAG = 3,      /* phrases: their stemmed words */
} mode_t_;

/* Quote-like queries are answered in two tiers (see quote_like()). */
typedef enum tier {
    TIER_ALL = 0, /* the whole query */
    TIER_NEAR,    /* only its words as one exact phrase */
    TIER_BAG,     /* the query without the proximity phrase */
} tier_t;

typedef struct build {
    quire_reader_t *r;
    mode_t_ mode;
    int relaxed;
    tier_t tier;
    size_t nterms; /* term leaves built (with repeats), for the work limit */
    int oom;
    quirei_buf term;
} build_t;

static quirei_q *term_q(build_t *b, const char *prefix, const char *t)
{
    quirei_buf_reset(&b->term);
    if (quirei_buf_adds(&b->term, prefix) < 0 || quirei_buf_adds(&b->term, t) < 0) {
        b->oom = 1;
        return NULL;
    }
    quirei_q *q = quirei_q_term(b->term.ptr, b->term.len);
    if (!q)
        b->oom = 1;
    b->nterms++;
    return q;
}

static quirei_q *combine(build_t *b, quirei_op op, quirei_q **subs, size_t n, unsigned window)
{
    if (n == 0)
        return NULL;
    if (n == 1 && op != QUIREI_OP_AND_NOT)
        return subs[0];
    quirei_q *q = quirei_q_combine(op, subs, n, window);
    if (!q)
        b->oom = 1;
    return q;
}

static quirei_q *combine2(build_t *b, quirei_op op, quirei_q *x, quirei_q *y)
{
    if (!x)
        return y;
    if (!y)
        return x;
    quirei_q *v[2] = {x, y};
    return combine(b, op, v, 2, 0);
}

static const char *field_prefix(qn_field f)
{
    return f == QF_TITLE ? QUIREI_PREFIX_TITLE : f == QF_AUTHOR ? QUIREI_PREFIX_AUTHOR : "";
}

/* One word, stemmed when it is a plain word. */
static quirei_q *word_q(build_t *b, const char *t, int stemmable, qn_field f)
{
    const char *prefix = field_prefix(f);
    if (!stemmable)
        return term_q(b, prefix, t);
    if (!b->r->stem && !(b->r->stem = quirei_stemmer_new(b->r->language))) {
        b->oom = 1;
        return NULL;
    }
    size_t n;
    const char *s = quirei_stem(b->r->stem, t, strlen(t), &n);
    if (!s) {
        b->oom = 1;
        return NULL;
    }
    char stem[QUIRE_MAX_TERM_BYTES + 1], zp[8]; /* "Z" + a field prefix */
    snprintf(stem, sizeof stem, "%.*s", (int)n, s);
    snprintf(zp, sizeof zp, "%s%s", QUIREI_PREFIX_STEM, prefix);
    return term_q(b, zp, stem);
}

/* The words of a node, AND-ed (each stemmed). */
static quirei_q *bag_q(build_t *b, const qn *n)
{
    quirei_q *v[64];
    size_t k = 0;
    for (size_t i = 0; i < n->nterms && k < 64; i++)
        v[k++] = word_q(b, n->terms[i], n->stemmable[i], n->field);
    return combine(b, b->relaxed && !n->required ? QUIREI_OP_OR : QUIREI_OP_AND, v, k, 0);
}

/* Unstemmed positional terms [from, to) of n, skipping index `skip`. */
static size_t plain_terms(build_t *b, const qn *n, size_t skip, quirei_q **v)
{
    size_t k = 0;
    for (size_t i = 0; i < n->nterms && k < 64; i++)
        if (i != skip)
            v[k++] = term_q(b, "", n->terms[i]);
    return k;
}

/* With a field, a phrase must also have its words in that field. */
static quirei_q *field_filter(build_t *b, const qn *n, quirei_q *q)
{
    if (n->field == QF_ANY || !q)
        return q;
    quirei_q *v[64];
    size_t k = 0;
    for (size_t i = 0; i < n->nterms && k < 64; i++)
        v[k++] = term_q(b, field_prefix(n->field), n->terms[i]);
    return combine2(b, QUIREI_OP_FILTER, q, combine(b, QUIREI_OP_AND, v, k, 0));
}

/* A word OR its English singular/plural forms (unstemmed terms). */
static quirei_q *variants_q(build_t *b, const char *w)
{
    char forms[5][QUIRE_MAX_TERM_BYTES + 4];
    size_t nf = 0, len = strlen(w);
    if (len + 3 >= sizeof forms[0])
        return term_q(b, "", w);
#define FORM(...) snprintf(forms[nf++], sizeof forms[0], __VA_ARGS__)
    FORM("%s", w);
    if (len > 3 && !strcmp(w + len - 3, "ies")) {
        FORM("%.*sy", (int)(len - 3), w);
    } else if (len > 2 && !strcmp(w + len - 2, "es")) {
        FORM("%.*s", (int)(len - 2), w);
        FORM("%.*s", (int)(len - 1), w);
    } else if (len > 1 && w[len - 1] == 's' && w[len - 2] != 's') {
        FORM("%.*s", (int)(len - 1), w);
    } else {
        FORM("%ss", w);
        FORM("%ses", w);
        if (len > 1 && w[len - 1] == 'y' && !strchr("aeiou", w[len - 2]))
            FORM("%.*sies", (int)(len - 1), w);
    }
#undef FORM
    quirei_q *v[5];
    for (size_t i = 0; i < nf; i++)
        v[i] = term_q(b, "", forms[i]);
    return combine(b, QUIREI_OP_OR, v, nf, 0);
}

static quirei_q *phrase_q(build_t *b, const qn *n)
{
    quirei_q *v[64];
    if (n->nterms == 1) {
        /* A quoted single word is exact (unstemmed). */
        return term_q(b, field_prefix(n->field), n->terms[0]);
    }
    if (b->mode == M_BAG)
        return bag_q(b, n);
    if (n->has_slop) {
        size_t k = plain_terms(b, n, (size_t)-1, v);
        return field_filter(b, n, combine(b, QUIREI_OP_NEAR, v, k, (unsigned)k + n->slop));
    }
    if (b->mode == M_VARIANT) {
        /* One query: every word or its singular/plural form, in order,
         * with room for one word the user left out. Cheap, and it covers
         * the commonest misquotes; the costlier any-n-1-of-n comes next. */
        quirei_q *w[64];
        size_t k = 0;
        for (size_t i = 0; i < n->nterms && k < 64; i++)
            w[k++] = n->stemmable[i] ? variants_q(b, n->terms[i]) : term_q(b, "", n->terms[i]);
        return field_filter(b, n, combine(b, QUIREI_OP_PHRASE, w, k, (unsigned)k + 1));
    }
    if (b->mode == M_TOLERANT) {
        if (n->nterms < 3) {
            size_t k = plain_terms(b, n, (size_t)-1, v);
            return field_filter(b, n, combine(b, QUIREI_OP_NEAR, v, k, (unsigned)k + 2));
        }
        /* Any n-1 of the n words, in order, within n+1 positions. */
        quirei_q *alts[64];
        size_t na = 0;
        for (size_t skip = 0; skip < n->nterms && na < 64; skip++) {
            size_t k = plain_terms(b, n, skip, v);
            alts[na++] = combine(b, QUIREI_OP_PHRASE, v, k, (unsigned)n->nterms + 1);
        }
        return field_filter(b, n, combine(b, QUIREI_OP_OR, alts, na, 0));
    }
    size_t k = plain_terms(b, n, (size_t)-1, v);
    return field_filter(b, n, combine(b, QUIREI_OP_PHRASE, v, k, 0));
}

static quirei_q *build_q(build_t *b, const qn *n);

static quirei_q *date_q(build_t *b, const qn *n)
{
    char lo[16], hi[16];
    quirei_q *q = NULL;
    /* Dates are strings YYYY[-MM[-DD]]; "\xff" after a bound reaches past
     * every longer date with that prefix (2016 -> all of 2016). */
    if (n->date_lo[0]) {
        snprintf(lo, sizeof lo, "%s%s", n->date_lo, n->lo_excl ? "\xff" : "");
        q = quirei_q_value_range(QUIREI_SLOT_DATE, lo, NULL);
    }
    if (n->date_hi[0]) {
        quirei_q *h;
        if (n->hi_excl) {
            /* < X: at most X, but not X or anything starting with X. */
            h = combine2(b, QUIREI_OP_AND_NOT,
                         quirei_q_value_range(QUIREI_SLOT_DATE, NULL, n->date_hi),
                         quirei_q_value_range(QUIREI_SLOT_DATE, n->date_hi, NULL));
        } else {
            snprintf(hi, sizeof hi, "%s\xff", n->date_hi);
            h = quirei_q_value_range(QUIREI_SLOT_DATE, NULL, hi);
        }
        q = q ? combine2(b, QUIREI_OP_AND, q, h) : h;
    }
    if (!q)
        b->oom = 1;
    return q;
}

static quirei_q *source_q(build_t *b, const char *v)
{
    char low[QUIRE_MAX_TERM_BYTES];
    size_t n = strlen(v);
    if (n >= sizeof low)
        n = sizeof low - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i]);
    low[n] = '\0';
    return term_q(b, QUIREI_PREFIX_SOURCE, low);
}

static int is_filter(const qn *n)
{
    return n->kind == QN_SOURCE || n->kind == QN_ID || n->kind == QN_DATE;
}

/* Plain unquoted words without field: the ones that get a proximity boost. */
static int plain_word(const qn *n)
{
    return n->kind == QN_WORDS && n->field == QF_ANY && n->nterms >= 1;
}

/* The terms of n's plain-word kids, in order, at most max of them; their
 * count. (The words of the proximity phrase and of a quote-like query.) */
static size_t plain_word_terms(const qn *n, const char **out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n->nkids; i++)
        if (plain_word(n->kids[i]))
            for (size_t j = 0; j < n->kids[i]->nterms && k < max; j++)
                out[k++] = n->kids[i]->terms[j];
    return k;
}

static quirei_q *and_q(build_t *b, const qn *n)
{
    /* Heap, not stack: and_q recurses up to QUIREI_MAX_DEPTH levels. */
    quirei_q **all = calloc(3 * n->nkids + 1, sizeof *all);
    if (!all) {
        b->oom = 1;
        return NULL;
    }
    quirei_q **pos = all, **neg = all + n->nkids, **req = all + 2 * n->nkids;
    quirei_q *filt = NULL;
    size_t np = 0, nn = 0, nr = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        const qn *k = n->kids[i];
        if (k->kind == QN_NOT) {
            neg[nn++] = build_q(b, k->kids[0]);
        } else if (is_filter(k)) {
            filt = combine2(b, QUIREI_OP_AND, filt, build_q(b, k));
        } else if (b->relaxed && k->required) {
            req[nr++] = build_q(b, k);
        } else if (b->tier == TIER_NEAR && plain_word(k)) {
            continue; /* only in the proximity phrase */
        } else {
            pos[np++] = build_q(b, k);
        }
    }
    quirei_q *q = combine(b, b->relaxed ? QUIREI_OP_OR : QUIREI_OP_AND, pos, np, 0);
    if (nr)
        q = q ? combine2(b, QUIREI_OP_AND_MAYBE, combine(b, QUIREI_OP_AND, req, nr, 0), q)
              : combine(b, QUIREI_OP_AND, req, nr, 0);

    /* Proximity: words standing together rank higher. */
    size_t nwords = 0, nplain = 0;
    for (size_t i = 0; i < n->nkids; i++)
        if (plain_word(n->kids[i])) {
            nplain++;
            nwords += n->kids[i]->nterms;
        }
    if ((q || b->tier == TIER_NEAR) && nplain >= 2 && nwords <= 64 && b->tier != TIER_BAG) {
        const char *words[64];
        quirei_q *v[64];
        size_t k = plain_word_terms(n, words, 64);
        for (size_t i = 0; i < k; i++)
            v[i] = term_q(b, "", words[i]);
        /* The first tier of a quote-like query wants the words exactly as
         * pasted (see quote_like()). */
        q = combine2(b, QUIREI_OP_AND_MAYBE, q,
                     combine(b, QUIREI_OP_PHRASE, v, k,
                             b->tier == TIER_NEAR ? 0 : (unsigned)k + 2));
    }
    if (!q && filt) {
        q = filt; /* only filters: every document they allow, unranked */
        filt = NULL;
    }
    if (filt)
        q = combine2(b, QUIREI_OP_FILTER, q, filt);
    if (nn && q) {
        quirei_q *any = combine(b, QUIREI_OP_OR, neg, nn, 0);
        quirei_q *v[2] = {q, any};
        q = combine(b, QUIREI_OP_AND_NOT, v, 2, 0);
    } else {
        for (size_t i = 0; i < nn; i++)
            quirei_q_free(neg[i]);
    }
    free(all);
    return q;
}

static quirei_q *build_q(build_t *b, const qn *n)
{
    switch (n->kind) {
    case QN_WORDS:
        if (n->nterms == 1)
            return word_q(b, n->terms[0], n->stemmable[0], n->field);
        /* state-sponsored, foo/bar: the parts side by side */
        if (b->mode == M_BAG)
            return bag_q(b, n);
        {
            quirei_q *v[64];
            size_t k = plain_terms(b, n, (size_t)-1, v);
            return field_filter(b, n, combine(b, QUIREI_OP_PHRASE, v, k, 0));
        }
    case QN_PHRASE:
        return phrase_q(b, n);
    case QN_PREFIX: {
        quirei_buf_reset(&b->term);
        quirei_buf_addf(&b->term, "%s%s", field_prefix(n->field), n->value);
        quirei_q *q = quirei_q_wildcard(b->term.ptr, WILDCARD_LIMIT);
        if (!q)
            b->oom = 1;
        return q;
    }
    case QN_AND:
        return and_q(b, n);
    case QN_OR: {
        quirei_q **v = calloc(n->nkids + 1, sizeof *v);
        if (!v) {
            b->oom = 1;
            return NULL;
        }
        for (size_t i = 0; i < n->nkids; i++)
            v[i] = build_q(b, n->kids[i]);
        quirei_q *q = combine(b, QUIREI_OP_OR, v, n->nkids, 0);
        free(v);
        return q;
    }
    case QN_NOT: {
        quirei_q *v[2] = {quirei_q_match_all(), build_q(b, n->kids[0])};
        return combine(b, QUIREI_OP_AND_NOT, v, 2, 0);
    }
    case QN_SOURCE:
        return source_q(b, n->value);
    case QN_ID:
        return term_q(b, QUIREI_PREFIX_ID, n->value);
    case QN_DATE:
        return date_q(b, n);
    }
    return NULL;
}

static int has_kind(const qn *n, qn_kind k)
{
    if (n->kind == k)
        return 1;
    if (n->kind == QN_NOT)
        return 0;
    for (size_t i = 0; i < n->nkids; i++)
        if (has_kind(n->kids[i], k))
            return 1;
    return 0;
}

/* Could OR-ing find more than AND did? (an AND with 2+ positive parts) */
static int relaxable(const qn *n)
{
    if (n->kind == QN_AND) {
        int pos = 0;
        for (size_t i = 0; i < n->nkids; i++)
            pos += n->kids[i]->kind != QN_NOT && !is_filter(n->kids[i]);
        return pos >= 2;
    }
    return (n->kind == QN_WORDS || n->kind == QN_PHRASE) && n->nterms >= 2;
}

/* ------------------------------------------------------------ snippets --- */

static void collect_units(quire_reader_t *r, const qn *n, int approximate, quirei_buf *units,
                          quirei_buf *owned)
{
    if (n->kind == QN_NOT || is_filter(n) || n->kind == QN_PREFIX)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        collect_units(r, n->kids[i], approximate, units, owned);
    if (n->kind != QN_WORDS && n->kind != QN_PHRASE)
        return;
    if (n->nterms == 0)
        return;
    uint64_t N = quirei_rdb_doc_count_or_0(r->db);
    if (n->kind == QN_PHRASE || n->nterms > 1) {
        quirei_unit u = {.kind = QUIREI_UNIT_PHRASE,
                         .terms = (const char *const *)n->terms,
                         .nterms = n->nterms,
                         .window = approximate ? (unsigned)n->nterms + 2
                                   : n->has_slop ? (unsigned)n->nterms + n->slop
                                                 : 0,
                         .weight = 1.0 * (double)n->nterms};
        quirei_buf_add(units, &u, sizeof u);
        if (!approximate && !(n->kind == QN_PHRASE && n->nterms > 1))
            return;
    }
    /* Single words (and the words of an approximate phrase). */
    for (size_t i = 0; i < n->nterms; i++) {
        const char **stems = NULL;
        size_t nstems = 0;
        if (n->stemmable[i] && r->stem) {
            size_t len;
            const char *s = quirei_stem(r->stem, n->terms[i], strlen(n->terms[i]), &len);
            char *copy = s ? strndup(s, len) : NULL;
            stems = copy ? malloc(sizeof *stems) : NULL;
            if (stems) {
                stems[0] = copy;
                nstems = 1;
                quirei_buf_add(owned, &copy, sizeof copy);
                quirei_buf_add(owned, &stems, sizeof stems);
            } else {
                free(copy);
            }
        }
        uint64_t tf = 0;
        quirei_rdb_term_freq(r->db, n->terms[i], &tf, NULL);
        double w = log((double)(N + 1) / (double)(tf + 1)) + 0.1;
        quirei_unit u = {.kind = QUIREI_UNIT_TERM,
                         .terms = (const char *const *)&n->terms[i],
                         .nterms = 1,
                         .stems = stems,
                         .nstems = nstems,
                         .weight = w};
        if (n->kind == QN_PHRASE && n->nterms > 1 && !approximate)
            break; /* exact phrases highlight as a whole */
        quirei_buf_add(units, &u, sizeof u);
    }
}

/* The snippet unit of a quote-like query's first tier: its plain words as
 * one exact phrase. The term array goes to `owned`. */
static int quote_units(const qn *n, quirei_buf *units, quirei_buf *owned)
{
    /* quote_like() allows at most 64 words. */
    const char **terms = malloc(64 * sizeof *terms);
    if (!terms || quirei_buf_add(owned, &terms, sizeof terms) < 0) {
        free(terms);
        return -1;
    }
    size_t k = plain_word_terms(n, terms, 64);
    quirei_unit u = {.kind = QUIREI_UNIT_PHRASE,
                     .terms = (const char *const *)terms,
                     .nterms = k,
                     .weight = (double)k};
    return quirei_buf_add(units, &u, sizeof u);
}

/* ------------------------------------------------------------ results ---- */

typedef struct hit_impl {
    quire_stored_doc_t *doc;
    quirei_snippet snip;
    quire_span_t *spans;
} hit_impl_t;

typedef struct results_impl {
    quire_results_t pub; /* first: the public pointer is this struct */
    char *query;
    hit_impl_t *impl;
} results_impl_t;

void quire_results_free(quire_results_t *res)
{
    if (!res)
        return;
    results_impl_t *ri = (results_impl_t *)res;
    for (size_t i = 0; i < res->nhits; i++) {
        quire_stored_doc_free(ri->impl[i].doc);
        quirei_snippet_release(&ri->impl[i].snip);
        free(ri->impl[i].spans);
    }
    free(ri->impl);
    free(res->hits);
    free(ri->query);
    free(ri);
}

/* The whole stored record (for snippets, which need the body). */
static quire_status_t hit_from_data(quire_reader_t *r, quirei_mset *m, size_t i,
                                    quirei_buf *data, quire_stored_doc_t **out)
{
    quirei_buf_reset(data);
    quire_status_t st = quirei_mset_data(m, i, data, &r->detail);
    return st ? st : quirei_record_decode(data->ptr, data->len, out);
}

/* Only the short fields, from their value: the body is never read. */
static quire_status_t hit_from_values(quire_reader_t *r, quirei_mset *m, size_t i,
                                      quirei_buf *data, quire_stored_doc_t **out)
{
    quirei_buf_reset(data);
    quire_status_t st = quirei_mset_value(m, i, QUIREI_SLOT_FIELDS, data, &r->detail);
    return st ? st : quirei_record_decode(data->ptr, data->len, out);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static quire_status_t query_error(quire_reader_t *r, long pos, const char *fmt, const char *a)
{
    quirei_buf_setf(&r->detail, fmt, a);
    r->errpos = pos;
    return QUIRE_EQUERY;
}

static quire_status_t check_date_opt(quire_reader_t *r, const char *d, const char *name)
{
    char k[11];
    if (d && *d && quirei_date_key(d, k) != strlen(d))
        return query_error(r, -1, "bad %s date: expected YYYY, YYYY-MM or YYYY-MM-DD", name);
    return QUIRE_OK;
}

/* The filters from the options, AND-ed, or NULL. */
static quirei_q *option_filters(build_t *b, const quire_search_options_t *o)
{
    quirei_q *f = NULL;
    if (o->source && *o->source)
        f = source_q(b, o->source);
    if ((o->date_from && *o->date_from) || (o->date_to && *o->date_to)) {
        qn d = {.kind = QN_DATE};
        if (o->date_from)
            snprintf(d.date_lo, sizeof d.date_lo, "%s", o->date_from);
        if (o->date_to)
            snprintf(d.date_hi, sizeof d.date_hi, "%s", o->date_to);
        f = combine2(b, QUIREI_OP_AND, f, date_q(b, &d));
    }
    return f;
}

static quire_status_t run(quire_reader_t *r, const qn *tree, build_t *b, quirei_q *filters,
                          const quire_search_options_t *o, unsigned offset, unsigned limit,
                          quirei_mset **out)
{
    b->nterms = 0;
    quirei_q *q = build_q(b, tree);
    if (q && filters) {
        quirei_q *fc = quirei_q_copy(filters);
        q = combine2(b, QUIREI_OP_FILTER, q, fc);
    }
    if (b->oom || !q) {
        quirei_q_free(q);
        return QUIRE_ENOMEM;
    }
    /* The work limit costs a lookup a term, so it is checked only for
     * queries of more than QUIRE_WORK_CHECK_TERMS terms that could reach it
     * (n terms read at most n * N postings). */
    uint64_t maxp = o->max_postings ? o->max_postings : QUIRE_MAX_QUERY_POSTINGS;
    if ((!o->max_postings && b->nterms <= QUIRE_WORK_CHECK_TERMS) ||
        (uint64_t)b->nterms * quirei_rdb_doc_count_or_0(r->db) <= maxp)
        maxp = 0;
    quire_status_t st = quirei_rdb_search(r->db, q, offset, limit,
                                          o->sort == QUIRE_SORT_DATE ? QUIREI_SLOT_DATE : -1, maxp, out, &r->detail);
    quirei_q_free(q);
    return st;
}

/* ------------------------------------------------------------ finding -- */

/* Hit i of mset m. */
typedef struct pick {
    quirei_mset *m;
    size_t i;
} pick_t;

/* What the search stage found: the page's hits in order. */
typedef struct found {
    quirei_mset *m;  /* the query's hits (or its fallback's) */
    quirei_mset *ma; /* quote-like queries: the words-together tier, or NULL */
    pick_t *picks;
    size_t npicks;
    uint64_t total;
    int approximate, relaxed;
} found_t;

static void found_release(found_t *f)
{
    quirei_mset_free(f->m);
    quirei_mset_free(f->ma);
    free(f->picks);
}

/*
 * Quote-like: an implicit AND of QUOTE_LIKE_WORDS or more plain words (and
 * nothing else but filters), what a user types who pastes a fragment
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
    size_t words = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        const qn *k = n->kids[i];
        if (is_filter(k))
            continue;
        if (!plain_word(k) || k->required)
            return 0;
        words += k->nterms;
    }
    return words >= QUOTE_LIKE_WORDS && words <= 64;
}

static int cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* The page from the two tiers: all of ma, then the hits of m not in ma. */
static quire_status_t pick_tiers(found_t *f, unsigned offset, unsigned limit)
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
    for (size_t i = 0; i < nm; i++) {
        unsigned id = quirei_mset_docid(f->m, i);
        if (!bsearch(&id, seen, na, sizeof *seen, cmp_unsigned))
            all[n++] = (pick_t){f->m, i};
    }
    free(seen);
    size_t first = offset < n ? offset : n;
    f->npicks = n - first < limit ? n - first : limit;
    memmove(all, all + first, f->npicks * sizeof *all);
    f->picks = all;
    uint64_t est = f->m ? quirei_mset_estimate(f->m) : quirei_mset_estimate(f->ma);
    f->total = est > n ? est : n;
    return QUIRE_OK;
}

/* Run the query and its fallbacks (see the top of this file). */
static quire_status_t find(quire_reader_t *r, const qn *tree, const quire_search_options_t *o,
                           unsigned limit, found_t *f)
{
    build_t b = {.r = r};
    quirei_q *filters = option_filters(&b, o);
    quire_status_t st = QUIRE_OK;
    if (o->sort != QUIRE_SORT_DATE && quote_like(tree)) {
        unsigned need = o->offset + limit;
        b.tier = TIER_NEAR;
        st = run(r, tree, &b, filters, o, 0, need, &f->ma);
        if (st == QUIRE_OK && quirei_mset_size(f->ma) == 0) {
            quirei_mset_free(f->ma);
            f->ma = NULL; /* no document has the words together */
        } else if (st == QUIRE_OK) {
            /* When the first tier fills the page, the second only counts
             * (an estimate from the posting lists' statistics; no document
             * is visited). */
            b.tier = TIER_BAG;
            st = run(r, tree, &b, filters, o, 0, quirei_mset_size(f->ma) < need ? need : 0,
                     &f->m);
        }
        if (st == QUIRE_OK && f->ma)
            st = pick_tiers(f, o->offset, limit);
        b.tier = TIER_ALL;
        if (st || f->ma) {
            quirei_q_free(filters);
            quirei_buf_release(&b.term);
            return st;
        }
    }
    st = run(r, tree, &b, filters, o, o->offset, limit, &f->m);
    if (st == QUIRE_OK && quirei_mset_estimate(f->m) == 0 && has_kind(tree, QN_PHRASE)) {
        for (int mode = M_VARIANT; mode <= M_BAG && st == QUIRE_OK; mode++) {
            quirei_mset_free(f->m);
            f->m = NULL;
            b.mode = (mode_t_)mode;
            f->approximate = 1;
            st = run(r, tree, &b, filters, o, o->offset, limit, &f->m);
            if (st || quirei_mset_estimate(f->m) > 0)
                break;
        }
    }
    if (st == QUIRE_OK && quirei_mset_estimate(f->m) == 0 && relaxable(tree)) {
        quirei_mset_free(f->m);
        f->m = NULL;
        b.relaxed = 1;
        f->relaxed = 1;
        st = run(r, tree, &b, filters, o, o->offset, limit, &f->m);
    }
    quirei_q_free(filters);
    quirei_buf_release(&b.term);
    if (st)
        return st;
    f->total = quirei_mset_estimate(f->m);
    f->npicks = quirei_mset_size(f->m);
    if (!(f->picks = calloc(f->npicks + 1, sizeof *f->picks)))
        return QUIRE_ENOMEM;
    for (size_t i = 0; i < f->npicks; i++)
        f->picks[i] = (pick_t){f->m, i};
    return QUIRE_OK;
}

quire_status_t quire_search(quire_reader_t *r, const char *query,
                            const quire_search_options_t *opts, quire_results_t **out)
{
    if (out)
        *out = NULL;
    if (!r || !query || !out)
        return QUIRE_EINVAL;
    double t0 = now_ms();
    r->errpos = -1;
    quire_search_options_t o = {0};
    if (opts)
        o = *opts;
    unsigned limit = o.limit ? o.limit : 10;
    size_t qlen = strlen(query);
    if (qlen > QUIRE_MAX_QUERY_BYTES)
        return query_error(r, QUIRE_MAX_QUERY_BYTES, "query too long: more than %s bytes",
                           "8192");
    if (limit > QUIRE_MAX_LIMIT)
        return query_error(r, -1, "limit must be from 1 to %s", "100");
    if (o.offset > QUIRE_MAX_OFFSET - limit)
        return query_error(r, -1, "offset + limit must be at most %s", "10000");
    quire_status_t st;
    if ((st = check_date_opt(r, o.date_from, "from")) || (st = check_date_opt(r, o.date_to, "to")))
        return st;

    qn *tree = NULL;
    st = quirei_parse_query(query, qlen, &tree, &r->detail, &r->errpos);
    if (st)
        return st;
    if (!r->stem && !(r->stem = quirei_stemmer_new(r->language))) {
        quirei_qn_free(tree);
        return QUIRE_ENOMEM;
    }

    found_t f = {0};
    st = find(r, tree, &o, limit, &f);
    int phrases = has_kind(tree, QN_PHRASE);
    results_impl_t *ri = NULL;
    quirei_buf units = QUIREI_BUF_INIT, units1 = QUIREI_BUF_INIT, owned = QUIREI_BUF_INIT,
               data = QUIREI_BUF_INIT;
    if (st)
        goto out;
    size_t nh = f.npicks;
    ri = calloc(1, sizeof *ri);
    if (!ri || !(ri->query = strdup(query)) ||
        (nh && (!(ri->pub.hits = calloc(nh, sizeof *ri->pub.hits)) ||
                !(ri->impl = calloc(nh, sizeof *ri->impl))))) {
        st = QUIRE_ENOMEM;
        goto out;
    }
    quire_results_t *res = &ri->pub;
    res->query = ri->query;
    res->total = f.total;
    res->offset = o.offset;
    res->limit = limit;
    res->relaxed = f.relaxed;
    res->approximate = f.approximate;
    if (!o.no_snippets)
        collect_units(r, tree, f.approximate, &units, &owned);
    /* A quote-like query's first-tier hits hold its words as one phrase:
     * highlight that as one span and cite its sentence, as for a quoted
     * query (the user pasted a fragment; the quote is what they want). */
    if (!o.no_snippets && f.ma && quote_units(tree, &units1, &owned) < 0) {
        st = QUIRE_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < nh; i++) {
        hit_impl_t *hi = &ri->impl[i];
        quirei_snippet_init(&hi->snip);
        res->nhits = i + 1; /* from here on, hit i is freed with the results */
        const pick_t *pk = &f.picks[i];
        if ((st = o.no_snippets ? hit_from_values(r, pk->m, pk->i, &data, &hi->doc)
                                : hit_from_data(r, pk->m, pk->i, &data, &hi->doc)))
            goto out;
        quire_hit_t *h = &res->hits[i];
        h->rank = o.offset + (unsigned)i + 1;
        h->score = quirei_mset_score(pk->m, pk->i);
        h->id = hi->doc->doc.id;
        h->title = hi->doc->doc.title;
        h->source = hi->doc->doc.source;
        h->author = hi->doc->doc.author;
        h->date = hi->doc->doc.date;
        h->url = hi->doc->doc.url;
        if (o.no_snippets)
            continue;
        int tier1 = f.ma && pk->m == f.ma;
        const quirei_buf *u = tier1 ? &units1 : &units;
        if (quirei_snippet_make(hi->doc->doc.body, hi->doc->body_len,
                                (const quirei_unit *)(void *)u->ptr, u->len / sizeof(quirei_unit),
                                r->stem, SNIPPET_BYTES, &hi->snip) < 0) {
            st = QUIRE_ENOMEM;
            goto out;
        }
        h->snippet = quirei_buf_cstr(&hi->snip.text);
        if (hi->snip.nhighlights) {
            hi->spans = malloc(hi->snip.nhighlights * sizeof *hi->spans);
            if (!hi->spans) {
                st = QUIRE_ENOMEM;
                goto out;
            }
            for (size_t k = 0; k < hi->snip.nhighlights; k++) {
                hi->spans[k].start = hi->snip.highlights[k].start;
                hi->spans[k].end = hi->snip.highlights[k].end;
            }
            h->highlights = hi->spans;
            h->nhighlights = hi->snip.nhighlights;
        }
        if (hi->snip.has_quote && (phrases || tier1)) { /* quotes are for quotes */
            h->quote = quirei_buf_cstr(&hi->snip.quote);
            h->quote_start = hi->snip.quote_start;
            h->quote_end = hi->snip.quote_end;
        }
    }
    res->took_ms = now_ms() - t0;
out:
    for (size_t i = 0; i + sizeof(void *) <= owned.len; i += sizeof(void *)) {
        void *p;
        memcpy(&p, owned.ptr + i, sizeof p);
        free(p);
    }
    quirei_buf_release(&owned);
    quirei_buf_release(&units);
    quirei_buf_release(&units1);
    quirei_buf_release(&data);
    found_release(&f);
    quirei_qn_free(tree);
    if (st != QUIRE_OK) {
        if (ri)
            quire_results_free(&ri->pub);
        if (st == QUIRE_ENOMEM && !r->detail.len)
            quirei_buf_setf(&r->detail, "out of memory");
        return st;
    }
    *out = &ri->pub;
    return QUIRE_OK;
}

long quire_reader_error_pos(const quire_reader_t *r)
{
    return r ? r->errpos : -1;
}

/* ------------------------------------------------------------ JSON ------- */

/* A JSON string of s, with invalid UTF-8 repaired: jansson refuses invalid
 * UTF-8, and the query is echoed exactly as the user sent it. */
static json_t *str_or_null(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    quirei_buf b = QUIREI_BUF_INIT;
    if (quirei_utf8_sanitize(&b, s, strlen(s)) >= 0)
        j = json_stringn(quirei_buf_cstr(&b), b.len);
    quirei_buf_release(&b);
    return j;
}

char *quire_results_json(const quire_results_t *res)
{
    json_t *hits = json_array();
    for (size_t i = 0; hits && i < res->nhits; i++) {
        const quire_hit_t *h = &res->hits[i];
        json_t *hl = json_array();
        for (size_t k = 0; hl && k < h->nhighlights; k++)
            json_array_append_new(hl, json_pack("[II]", (json_int_t)h->highlights[k].start,
                                                (json_int_t)h->highlights[k].end));
        json_t *quote = h->quote ? json_pack("{s:s, s:I, s:I}", "text", h->quote, "start",
                                             (json_int_t)h->quote_start, "end",
                                             (json_int_t)h->quote_end)
                                 : json_null();
        json_t *o = json_pack("{s:I, s:s, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                              "rank", (json_int_t)h->rank, "id", h->id, "score", h->score,
                              "title", str_or_null(h->title), "source", str_or_null(h->source),
                              "author", str_or_null(h->author), "date", str_or_null(h->date),
                              "url", str_or_null(h->url), "snippet", str_or_null(h->snippet),
                              "highlights", hl ? hl : json_array(), "quote", quote);
        if (!o || json_array_append_new(hits, o) < 0) {
            json_decref(hits);
            return NULL;
        }
    }
    if (!hits)
        return NULL;
    json_t *root = json_pack("{s:o, s:I, s:I, s:I, s:b, s:b, s:f, s:o}", "query",
                             str_or_null(res->query),
                             "total", (json_int_t)res->total, "offset", (json_int_t)res->offset,
                             "limit", (json_int_t)res->limit, "relaxed", res->relaxed,
                             "approximate", res->approximate, "took_ms", res->took_ms, "hits",
                             hits);
    if (!root)
        return NULL;
    char *s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}
