/*
 * compile.c - query tree -> Xapian query, and -> snippet units; see
 * compile.h (which also gives the term mapping).
 */
#include "query/compile.h"

#include <math.h>
#include <quire/tokenizer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/aliases.h"
#include "query/reader.h"
#include "schema/schema.h"
#include "text/stemmer.h"
#include "text/stopwords.h"

/* No window may reach from position 0 (where Xapian puts a term a
 * document holds without positions) to a real position (schema.h). */
_Static_assert(QUIREI_MAX_PHRASE_WORDS + QUIREI_MAX_SLOP + 2 < QUIREI_FIRST_POS &&
                   QUIREI_MAX_PHRASE_WORDS + QUIREI_MAX_SLOP + 2 < QUIREI_TITLE_GAP,
               "a phrase or NEAR window can reach position 0 or span title and body");

#define WILDCARD_LIMIT 100 /* terms a prefix expands to */

/* ------------------------------------------------------ tree predicates -- */

int quirei_qn_is_filter(const qn *n)
{
    return n->kind == QN_SOURCE || n->kind == QN_ID || n->kind == QN_DATE;
}

int quirei_qn_plain_word(const qn *n)
{
    return n->kind == QN_WORDS && n->field == QF_ANY && n->nterms >= 1;
}

int quirei_qn_fragment_part(const qn *n)
{
    return quirei_qn_plain_word(n) ||
           (n->kind == QN_PHRASE && n->field == QF_ANY && !n->has_slop && n->nterms >= 1);
}

size_t quirei_qn_plain_word_terms(const qn *n, const char **out, size_t max, int phrases)
{
    size_t k = 0;
    for (size_t i = 0; i < n->nkids; i++)
        if (phrases ? quirei_qn_fragment_part(n->kids[i]) : quirei_qn_plain_word(n->kids[i]))
            for (size_t j = 0; j < n->kids[i]->nterms && k < max; j++)
                out[k++] = n->kids[i]->terms[j];
    return k;
}

int quirei_qn_has_kind(const qn *n, qn_kind k)
{
    if (n->kind == k)
        return 1;
    if (n->kind == QN_NOT)
        return 0;
    for (size_t i = 0; i < n->nkids; i++)
        if (quirei_qn_has_kind(n->kids[i], k))
            return 1;
    return 0;
}

int quirei_qn_relaxable(const qn *n)
{
    if (n->kind == QN_AND) {
        int pos = 0;
        for (size_t i = 0; i < n->nkids; i++)
            pos += n->kids[i]->kind != QN_NOT && !quirei_qn_is_filter(n->kids[i]);
        return pos >= 2;
    }
    return (n->kind == QN_WORDS || n->kind == QN_PHRASE) && n->nterms >= 2;
}

/* ------------------------------------------------------- query leaves --- */

static quirei_q *term_q(quirei_compile_t *c, const char *prefix, const char *t)
{
    quirei_buf_reset(&c->term);
    if (quirei_buf_adds(&c->term, prefix) < 0 || quirei_buf_adds(&c->term, t) < 0) {
        c->oom = 1;
        return NULL;
    }
    quirei_q *q = quirei_q_term(c->term.ptr, c->term.len);
    if (!q)
        c->oom = 1;
    c->nterms++;
    return q;
}

static quirei_q *combine(quirei_compile_t *c, quirei_op op, quirei_q **subs, size_t n,
                        unsigned window)
{
    if (n == 0)
        return NULL;
    if (n == 1 && op != QUIREI_OP_AND_NOT)
        return subs[0];
    quirei_q *q = quirei_q_combine(op, subs, n, window);
    if (!q)
        c->oom = 1;
    return q;
}

static quirei_q *combine2(quirei_compile_t *c, quirei_op op, quirei_q *x, quirei_q *y)
{
    if (!x)
        return y;
    if (!y)
        return x;
    quirei_q *v[2] = {x, y};
    return combine(c, op, v, 2, 0);
}

static const char *field_prefix(qn_field f)
{
    return f == QF_TITLE ? QUIREI_PREFIX_TITLE : f == QF_AUTHOR ? QUIREI_PREFIX_AUTHOR : "";
}

/* One word, stemmed when it is a plain word. */
static quirei_q *word_q(quirei_compile_t *c, const char *t, int stemmable, qn_field f)
{
    const char *prefix = field_prefix(f);
    if (!stemmable)
        return term_q(c, prefix, t);
    if (!c->r->stem && !(c->r->stem = quirei_stemmer_new(c->r->language))) {
        c->oom = 1;
        return NULL;
    }
    size_t n;
    const char *s = quirei_stem(c->r->stem, t, strlen(t), &n);
    if (!s) {
        c->oom = 1;
        return NULL;
    }
    char stem[QUIRE_MAX_TERM_BYTES + 1], zp[8]; /* "Z" + a field prefix */
    snprintf(stem, sizeof stem, "%.*s", (int)n, s);
    snprintf(zp, sizeof zp, "%s%s", QUIREI_PREFIX_STEM, prefix);
    quirei_q *sq = term_q(c, zp, stem);
    /* Stem drift: hospital and hospitality share the stem hospit. The word
     * as typed (its unstemmed term) OR-ed in adds its weight to the
     * documents that hold it, so they outrank those that only share its
     * stem; and it finds the word where it has no stem term: as a part of
     * a compound token (cvename in a cve.mitre.org link). Not with a field
     * (S/A terms are few and short, and stem-only there), nor in a
     * quote-like query's second tier (ranked below the exact phrase, and
     * its AND of 4+ words read 40% more postings with it: bench/RESULTS.md). */
    if (*prefix || !sq || c->tier == QUIREI_TIER_BAG)
        return sq;
    return combine2(c, QUIREI_OP_OR, sq, term_q(c, "", t));
}

/* The words of a node, AND-ed (each stemmed). */
static quirei_q *bag_q(quirei_compile_t *c, const qn *n)
{
    quirei_q *v[QUIREI_MAX_PHRASE_WORDS];
    size_t k = 0;
    for (size_t i = 0; i < n->nterms && k < QUIREI_MAX_PHRASE_WORDS; i++)
        v[k++] = word_q(c, n->terms[i], n->stemmable[i], n->field);
    return combine(c, c->relaxed && !n->required ? QUIREI_OP_OR : QUIREI_OP_AND, v, k, 0);
}

/* Unstemmed positional terms [from, to) of n, skipping index `skip`. */
static size_t plain_terms(quirei_compile_t *c, const qn *n, size_t skip, quirei_q **v)
{
    size_t k = 0;
    for (size_t i = 0; i < n->nterms && k < QUIREI_MAX_PHRASE_WORDS; i++)
        if (i != skip)
            v[k++] = term_q(c, "", n->terms[i]);
    return k;
}

/* With a field, a phrase must also have its words in that field. */
static quirei_q *field_filter(quirei_compile_t *c, const qn *n, quirei_q *q)
{
    if (n->field == QF_ANY || !q)
        return q;
    quirei_q *v[QUIREI_MAX_PHRASE_WORDS];
    size_t k = 0;
    for (size_t i = 0; i < n->nterms && k < QUIREI_MAX_PHRASE_WORDS; i++)
        v[k++] = term_q(c, field_prefix(n->field), n->terms[i]);
    return combine2(c, QUIREI_OP_FILTER, q, combine(c, QUIREI_OP_AND, v, k, 0));
}

/* A word OR its English singular/plural forms (unstemmed terms). */
static quirei_q *variants_q(quirei_compile_t *c, const char *w)
{
    char forms[5][QUIRE_MAX_TERM_BYTES + 4];
    size_t nf = 0, len = strlen(w);
    if (len + 3 >= sizeof forms[0])
        return term_q(c, "", w);
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
        v[i] = term_q(c, "", forms[i]);
    return combine(c, QUIREI_OP_OR, v, nf, 0);
}

static quirei_q *phrase_q(quirei_compile_t *c, const qn *n)
{
    quirei_q *v[QUIREI_MAX_PHRASE_WORDS];
    if (n->nterms == 1) {
        /* A quoted single word is exact (unstemmed). */
        return term_q(c, field_prefix(n->field), n->terms[0]);
    }
    if (c->mode == QUIREI_PHRASE_BAG)
        return bag_q(c, n);
    if (n->field == QF_AUTHOR) {
        /* Author words have no positions (schema.h): an author: phrase is
         * every one of its words in the author field, exactly (unstemmed).
         * Checking the phrase on the body's positions instead found only
         * the articles that also name their author in the text, so
         * author:"graham cluley" fell back to approximate matches. */
        for (size_t i = 0; i < n->nterms && i < QUIREI_MAX_PHRASE_WORDS; i++)
            v[i] = term_q(c, QUIREI_PREFIX_AUTHOR, n->terms[i]);
        return combine(c, QUIREI_OP_AND, v,
                       n->nterms < QUIREI_MAX_PHRASE_WORDS ? n->nterms : QUIREI_MAX_PHRASE_WORDS,
                       0);
    }
    if (n->has_slop) {
        size_t k = plain_terms(c, n, (size_t)-1, v);
        return field_filter(c, n, combine(c, QUIREI_OP_NEAR, v, k, (unsigned)k + n->slop));
    }
    if (c->mode == QUIREI_PHRASE_VARIANT) {
        /* One query: every word or its singular/plural form, in order,
         * with room for one word the user left out. Cheap, and it covers
         * the commonest misquotes; the costlier any-n-1-of-n comes next. */
        quirei_q *w[QUIREI_MAX_PHRASE_WORDS];
        size_t k = 0;
        for (size_t i = 0; i < n->nterms && k < QUIREI_MAX_PHRASE_WORDS; i++)
            w[k++] = n->stemmable[i] ? variants_q(c, n->terms[i]) : term_q(c, "", n->terms[i]);
        return field_filter(c, n, combine(c, QUIREI_OP_PHRASE, w, k, (unsigned)k + 1));
    }
    if (c->mode == QUIREI_PHRASE_TOLERANT) {
        if (n->nterms < 3) {
            size_t k = plain_terms(c, n, (size_t)-1, v);
            return field_filter(c, n, combine(c, QUIREI_OP_NEAR, v, k, (unsigned)k + 2));
        }
        /* Any n-1 of the n words, in order, within n+1 positions. */
        quirei_q *alts[QUIREI_MAX_PHRASE_WORDS];
        size_t na = 0;
        for (size_t skip = 0; skip < n->nterms && na < QUIREI_MAX_PHRASE_WORDS; skip++) {
            size_t k = plain_terms(c, n, skip, v);
            alts[na++] = combine(c, QUIREI_OP_PHRASE, v, k, (unsigned)n->nterms + 1);
        }
        return field_filter(c, n, combine(c, QUIREI_OP_OR, alts, na, 0));
    }
    size_t k = plain_terms(c, n, (size_t)-1, v);
    return field_filter(c, n, combine(c, QUIREI_OP_PHRASE, v, k, 0));
}

static quirei_q *build_q(quirei_compile_t *c, const qn *n);

/* A value range on the date slot (NULL bound = open). */
static quirei_q *range_q(quirei_compile_t *c, const char *lo, const char *hi)
{
    quirei_q *q = quirei_q_value_range(QUIREI_SLOT_DATE, lo, hi);
    if (!q)
        c->oom = 1;
    return q;
}

static quirei_q *date_q(quirei_compile_t *c, const qn *n)
{
    char lo[16], hi[16];
    quirei_q *q = NULL;
    /* Dates are strings YYYY[-MM[-DD]]; "\xff" after a bound reaches past
     * every longer date with that prefix (2016 -> all of 2016). */
    if (n->date_lo[0]) {
        snprintf(lo, sizeof lo, "%s%s", n->date_lo, n->lo_excl ? "\xff" : "");
        q = range_q(c, lo, NULL);
    }
    if (n->date_hi[0]) {
        quirei_q *h;
        if (n->hi_excl) {
            /* < X: at most X, but not X or anything starting with X. */
            h = combine2(c, QUIREI_OP_AND_NOT, range_q(c, NULL, n->date_hi),
                         range_q(c, n->date_hi, NULL));
        } else {
            snprintf(hi, sizeof hi, "%s\xff", n->date_hi);
            h = range_q(c, NULL, hi);
        }
        q = q ? combine2(c, QUIREI_OP_AND, q, h) : h;
    }
    if (!q)
        c->oom = 1;
    return q;
}

static quirei_q *source_q(quirei_compile_t *c, const char *v)
{
    char low[QUIRE_MAX_TERM_BYTES];
    size_t n = strlen(v);
    if (n >= sizeof low)
        n = sizeof low - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i]);
    low[n] = '\0';
    return term_q(c, QUIREI_PREFIX_SOURCE, low);
}

/* ---------------------------------------------------------- operators -- */

/*
 * Proximity: words standing together rank higher. Returns q AND_MAYBE the
 * phrase of n's plain words within words + 2 positions (exactly as pasted
 * in the first tier of a quote-like query, see quote_like() in search.c,
 * where q is NULL: that tier's plain words are only in this phrase). Just
 * q when n has fewer than two plain words or more than
 * QUIREI_MAX_PHRASE_WORDS of them, and in the second tier (every document
 * holding the phrase is in the first).
 */
static quirei_q *proximity_q(quirei_compile_t *c, const qn *n, quirei_q *q)
{
    /* The first tier's phrase is the whole fragment, quoted parts too. */
    int near = c->tier == QUIREI_TIER_NEAR;
    size_t nwords = 0, nplain = 0;
    for (size_t i = 0; i < n->nkids; i++)
        if (near ? quirei_qn_fragment_part(n->kids[i]) : quirei_qn_plain_word(n->kids[i])) {
            nplain++;
            nwords += n->kids[i]->nterms;
        }
    if (!(q || near) || nplain < 2 || nwords > QUIREI_MAX_PHRASE_WORDS ||
        c->tier == QUIREI_TIER_BAG)
        return q;
    if (c->no_boost && !near) {
        c->boost_dropped = 1;
        return q;
    }
    const char *words[QUIREI_MAX_PHRASE_WORDS];
    quirei_q *v[QUIREI_MAX_PHRASE_WORDS];
    size_t k = quirei_qn_plain_word_terms(n, words, QUIREI_MAX_PHRASE_WORDS, near);
    for (size_t i = 0; i < k; i++)
        v[i] = term_q(c, "", words[i]);
    return combine2(c, QUIREI_OP_AND_MAYBE, q,
                    combine(c, QUIREI_OP_PHRASE, v, k,
                            c->tier == QUIREI_TIER_NEAR ? 0 : (unsigned)k + 2));
}

static quirei_q *and_q(quirei_compile_t *c, const qn *n)
{
    /* Heap, not stack: and_q recurses up to QUIREI_MAX_DEPTH levels. */
    quirei_q **all = calloc(3 * n->nkids + 1, sizeof *all);
    if (!all) {
        c->oom = 1;
        return NULL;
    }
    quirei_q **pos = all, **neg = all + n->nkids, **req = all + 2 * n->nkids;
    quirei_q *filt = NULL;
    size_t np = 0, nn = 0, nr = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        const qn *k = n->kids[i];
        if (k->kind == QN_NOT) {
            neg[nn++] = build_q(c, k->kids[0]);
        } else if (quirei_qn_is_filter(k)) {
            filt = combine2(c, QUIREI_OP_AND, filt, build_q(c, k));
        } else if (c->relaxed && k->required) {
            req[nr++] = build_q(c, k);
        } else if (c->tier == QUIREI_TIER_NEAR && quirei_qn_fragment_part(k)) {
            continue; /* only in the proximity phrase */
        } else {
            pos[np++] = build_q(c, k);
        }
    }
    quirei_q *q = combine(c, c->relaxed ? QUIREI_OP_OR : QUIREI_OP_AND, pos, np, 0);
    if (nr)
        q = q ? combine2(c, QUIREI_OP_AND_MAYBE, combine(c, QUIREI_OP_AND, req, nr, 0), q)
              : combine(c, QUIREI_OP_AND, req, nr, 0);

    q = proximity_q(c, n, q);
    if (!q && filt) {
        q = filt; /* only filters: every document they allow, unranked */
        filt = NULL;
    }
    if (filt)
        q = combine2(c, QUIREI_OP_FILTER, q, filt);
    if (nn && q) {
        quirei_q *any = combine(c, QUIREI_OP_OR, neg, nn, 0);
        quirei_q *v[2] = {q, any};
        q = combine(c, QUIREI_OP_AND_NOT, v, 2, 0);
    } else {
        for (size_t i = 0; i < nn; i++)
            quirei_q_free(neg[i]);
    }
    free(all);
    return q;
}

/* A threat-actor name (aliases.h): its words in order, unstemmed, the last
 * one also with 's ("Tropic Trooper's Back": the tokenizer keeps the
 * possessive in the term); never loosened by a fallback. */
static quirei_q *name_q(quirei_compile_t *c, const qn *n)
{
    quirei_q *v[QUIREI_MAX_PHRASE_WORDS];
    size_t k = n->nterms < QUIREI_MAX_PHRASE_WORDS ? n->nterms : QUIREI_MAX_PHRASE_WORDS;
    for (size_t i = 0; i < k; i++)
        v[i] = term_q(c, "", n->terms[i]);
    quirei_q *w[2] = {v[k - 1], term_q(c, n->terms[k - 1], "'s")};
    v[k - 1] = combine(c, QUIREI_OP_OR, w, 2, 0);
    return combine(c, QUIREI_OP_PHRASE, v, k, 0);
}

/* The other names of a group the query named (aliases.h): each exactly,
 * never loosened by a fallback (Red Salamander is no red salamander); the
 * best of them weighs, scaled down below the name typed (a page listing
 * fifteen names is not fifteen times about the group). */
static quirei_q *alias_q(quirei_compile_t *c, const qn *n)
{
    quirei_q **v = calloc(n->nkids + 1, sizeof *v);
    if (!v) {
        c->oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n->nkids; i++)
        v[i] = name_q(c, n->kids[i]);
    quirei_q *q = combine(c, QUIREI_OP_SYNONYM, v, n->nkids, 0);
    q = quirei_q_scale(q, QUIREI_ALIAS_WEIGHT);
    free(v);
    if (!q)
        c->oom = 1;
    return q;
}

static quirei_q *build_q(quirei_compile_t *c, const qn *n)
{
    switch (n->kind) {
    case QN_WORDS:
        if (n->nterms == 1)
            return word_q(c, n->terms[0], n->stemmable[0], n->field);
        /* state-sponsored, foo/bar: the parts side by side */
        if (c->mode == QUIREI_PHRASE_BAG)
            return bag_q(c, n);
        {
            quirei_q *v[QUIREI_MAX_PHRASE_WORDS];
            size_t k = plain_terms(c, n, (size_t)-1, v);
            return field_filter(c, n, combine(c, QUIREI_OP_PHRASE, v, k, 0));
        }
    case QN_PHRASE:
        return n->alias ? name_q(c, n) : phrase_q(c, n);
    case QN_PREFIX: {
        quirei_buf_reset(&c->term);
        quirei_q *q = NULL;
        if (quirei_buf_addf(&c->term, "%s%s", field_prefix(n->field), n->value) >= 0)
            q = quirei_q_wildcard(c->r->db, c->term.ptr, WILDCARD_LIMIT);
        if (!q)
            c->oom = 1;
        return q;
    }
    case QN_AND:
        return and_q(c, n);
    case QN_OR: {
        if (n->alias)
            return alias_q(c, n);
        quirei_q **v = calloc(n->nkids + 1, sizeof *v);
        if (!v) {
            c->oom = 1;
            return NULL;
        }
        for (size_t i = 0; i < n->nkids; i++)
            v[i] = build_q(c, n->kids[i]);
        quirei_q *q = combine(c, QUIREI_OP_OR, v, n->nkids, 0);
        free(v);
        return q;
    }
    case QN_NOT: {
        quirei_q *v[2] = {quirei_q_match_all(), build_q(c, n->kids[0])};
        return combine(c, QUIREI_OP_AND_NOT, v, 2, 0);
    }
    case QN_SOURCE:
        return source_q(c, n->value);
    case QN_ID:
        return term_q(c, QUIREI_PREFIX_ID, n->value);
    case QN_DATE:
        return date_q(c, n);
    }
    return NULL;
}

quirei_q *quirei_compile_query(quirei_compile_t *c, const qn *n)
{
    return build_q(c, n);
}

quirei_q *quirei_compile_option_filters(quirei_compile_t *c, const quire_search_options_t *o)
{
    quirei_q *f = NULL;
    if (o->source && *o->source)
        f = source_q(c, o->source);
    if ((o->date_from && *o->date_from) || (o->date_to && *o->date_to)) {
        qn d = {.kind = QN_DATE};
        if (o->date_from)
            snprintf(d.date_lo, sizeof d.date_lo, "%s", o->date_from);
        if (o->date_to)
            snprintf(d.date_hi, sizeof d.date_hi, "%s", o->date_to);
        f = combine2(c, QUIREI_OP_AND, f, date_q(c, &d));
    }
    return f;
}

void quirei_compile_release(quirei_compile_t *c)
{
    quirei_buf_release(&c->term);
}

/* ------------------------------------------------------ snippet units --- */

void quirei_unit_set_release(quirei_unit_set *s)
{
    for (size_t i = 0; i < s->allocs.n; i++)
        free(s->allocs.v[i]);
    quirei_alloc_array_release(&s->allocs);
    quirei_unit_array_release(&s->units);
}

/* malloc(size), owned by s from here on; NULL when out of memory. */
static void *unit_set_alloc(quirei_unit_set *s, size_t size)
{
    void *p = malloc(size);
    if (p && quirei_alloc_array_push(&s->allocs, p) < 0) {
        free(p);
        return NULL;
    }
    return p;
}

/* One stem as the one-element stem list of a TERM unit: the list and the
 * string in one block. */
typedef struct stem_list {
    const char *stem; /* -> text */
    char text[];
} stem_list_t;

/* The TERM unit of word i of n: its exact term, its stem when stemmable,
 * an idf weight (rarer words weigh more). Returns 0, or -1 when out of
 * memory. */
static int word_unit(quire_reader_t *r, const qn *n, size_t i, uint64_t ndocs,
                     quirei_unit_set *s)
{
    quirei_unit u = {.kind = QUIREI_UNIT_TERM,
                     .terms = (const char *const *)&n->terms[i],
                     .nterms = 1,
                     .stop = quirei_is_stopword(r->language, n->terms[i], strlen(n->terms[i]))};
    if (n->stemmable[i] && r->stem) {
        size_t len;
        const char *st = quirei_stem(r->stem, n->terms[i], strlen(n->terms[i]), &len);
        stem_list_t *sl = st ? unit_set_alloc(s, sizeof *sl + len + 1) : NULL;
        if (!sl)
            return -1;
        memcpy(sl->text, st, len);
        sl->text[len] = '\0';
        sl->stem = sl->text;
        u.stems = &sl->stem;
        u.nstems = 1;
    }
    uint64_t tf = 0;
    quirei_rdb_term_freq(r->db, n->terms[i], &tf, NULL);
    u.weight = log((double)(ndocs + 1) / (double)(tf + 1)) + 0.1;
    return quirei_unit_array_push(&s->units, u);
}

static int collect(quire_reader_t *r, const qn *n, int approximate, quirei_unit_set *s)
{
    if (n->kind == QN_NOT || quirei_qn_is_filter(n) || n->kind == QN_PREFIX)
        return 0;
    for (size_t i = 0; i < n->nkids; i++)
        if (collect(r, n->kids[i], approximate, s) < 0)
            return -1;
    if ((n->kind != QN_WORDS && n->kind != QN_PHRASE) || n->nterms == 0)
        return 0;
    if (n->kind == QN_PHRASE || n->nterms > 1) {
        quirei_unit u = {.kind = QUIREI_UNIT_PHRASE,
                         .terms = (const char *const *)n->terms,
                         .nterms = n->nterms,
                         .window = approximate ? (unsigned)n->nterms + 2
                                   : n->has_slop ? (unsigned)n->nterms + n->slop
                                                 : 0,
                         .weight = 1.0 * (double)n->nterms};
        if (quirei_unit_array_push(&s->units, u) < 0)
            return -1;
        /* Exact phrases (and words of several tokens) highlight as a
         * whole; an approximate match may hold only some of the words. */
        if (!approximate)
            return 0;
    }
    /* Single words (and the words of an approximate phrase). */
    uint64_t ndocs = quirei_rdb_doc_count_or_0(r->db);
    for (size_t i = 0; i < n->nterms; i++)
        if (word_unit(r, n, i, ndocs, s) < 0)
            return -1;
    return 0;
}

/* Is every word of the units a stop word? */
static int only_stop_words(const quire_reader_t *r, const quirei_unit_set *s)
{
    for (size_t i = 0; i < s->units.n; i++) {
        const quirei_unit *u = &s->units.v[i];
        if (u->kind == QUIREI_UNIT_TERM && !u->stop)
            return 0;
        for (size_t k = 0; u->kind == QUIREI_UNIT_PHRASE && k < u->nterms; k++)
            if (!quirei_is_stopword(r->language, u->terms[k], strlen(u->terms[k])))
                return 0;
    }
    return 1;
}

int quirei_collect_units(quire_reader_t *r, const qn *n, int approximate, quirei_unit_set *s)
{
    if (collect(r, n, approximate, s) < 0)
        return -1;
    /* "to be or not to be": when the query is only stop words, they are
     * what it looks for. */
    if (only_stop_words(r, s))
        for (size_t i = 0; i < s->units.n; i++)
            s->units.v[i].stop = 0;
    return 0;
}

int quirei_quote_units(const qn *n, quirei_unit_set *s)
{
    /* quote_like() (search.c) allows at most QUIREI_MAX_PHRASE_WORDS words. */
    const char **terms = unit_set_alloc(s, QUIREI_MAX_PHRASE_WORDS * sizeof *terms);
    if (!terms)
        return -1;
    size_t k = quirei_qn_plain_word_terms(n, terms, QUIREI_MAX_PHRASE_WORDS, 1);
    quirei_unit u = {.kind = QUIREI_UNIT_PHRASE,
                     .terms = (const char *const *)terms,
                     .nterms = k,
                     .weight = (double)k};
    return quirei_unit_array_push(&s->units, u);
}
