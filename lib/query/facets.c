/*
 * facets.c - the facets of a search's matches, the warnings about filters
 * that match nothing, and the list of an index's sources (facets.h,
 * quire.h's "Facets").
 *
 * Facets are counted by the store's value spies (Xapian's
 * ValueCountMatchSpy) on the schema's facet slots (schema.h), on the run
 * of the query that counts its matches: so they cover exactly the matches
 * `total` counts, every one of them when total is exact.
 */
#include "query/facets.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "query/compile.h"
#include "query/reader.h"
#include "schema/schema.h"
#include "strbuf.h"

static const char *const facet_names[QUIRE_FACET_FIELD_COUNT] = {"source", "year", "author"};
static const unsigned facet_slots[QUIRE_FACET_FIELD_COUNT] = {
    QUIREI_SLOT_SOURCE, QUIREI_SLOT_YEAR, QUIREI_SLOT_AUTHOR};
_Static_assert(QUIRE_FACET_FIELD_COUNT <= QUIREI_MAX_SPIES, "a spy per facet");

const char *quire_facet_name(quire_facet_field_t f)
{
    return (unsigned)f < QUIRE_FACET_FIELD_COUNT ? facet_names[f] : "";
}

quire_status_t quire_facets_parse(const char *list, unsigned *mask)
{
    if (!mask)
        return QUIRE_EINVAL;
    *mask = 0;
    if (!list)
        return QUIRE_EINVAL;
    const char *p = list + strspn(list, " \t");
    if (!*p)
        return QUIRE_OK;
    unsigned bits = 0;
    for (;;) {
        p += strspn(p, " \t");
        size_t n = strcspn(p, ",");
        size_t len = n;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        int f = 0;
        while (f < QUIRE_FACET_FIELD_COUNT &&
               !(strlen(facet_names[f]) == len && memcmp(facet_names[f], p, len) == 0))
            f++;
        if (f == QUIRE_FACET_FIELD_COUNT)
            return QUIRE_EINVAL;
        bits |= QUIRE_FACET(f);
        if (!p[n])
            break;
        p += n + 1;
    }
    *mask = bits;
    return QUIRE_OK;
}

size_t quirei_facet_slots(const quire_search_options_t *o, unsigned *slots)
{
    size_t n = 0;
    for (int f = 0; f < QUIRE_FACET_FIELD_COUNT; f++)
        if (o->facets & QUIRE_FACET(f))
            slots[n++] = facet_slots[f];
    return n;
}

/* ------------------------------------------------------------- facets --- */

QUIREI_ARRAY(warning_array, quire_warning_t)

struct quirei_extras {
    quirei_value_counts *counts; /* the facet values point into it */
    quire_facet_t facets[QUIRE_FACET_FIELD_COUNT];
    quire_facet_value_t *values[QUIRE_FACET_FIELD_COUNT];
    warning_array warnings;      /* messages malloc'd, codes static */
};

void quirei_extras_free(quirei_extras *x)
{
    if (!x)
        return;
    quirei_value_counts_free(x->counts);
    for (size_t i = 0; i < QUIRE_FACET_FIELD_COUNT; i++)
        free(x->values[i]);
    for (size_t i = 0; i < x->warnings.n; i++)
        free((char *)x->warnings.v[i].message);
    warning_array_release(&x->warnings);
    free(x);
}

/* Most matches first; equal counts by value, bytewise (a prefix first). */
static int by_count(const void *pa, const void *pb)
{
    const quirei_value_count *a = *(const quirei_value_count *const *)pa;
    const quirei_value_count *b = *(const quirei_value_count *const *)pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->value, b->value, n) : 0;
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Facet k of x: field f from the counts sc of `seen` matches; its top
 * `size` values (every year, in order, for the year). */
static quire_status_t make_facet(quirei_extras *x, size_t k, quire_facet_field_t f,
                                 const quirei_slot_counts *sc, uint64_t seen, unsigned size)
{
    const quirei_value_count **order = calloc(sc->n + 1, sizeof *order);
    if (!order)
        return QUIRE_ENOMEM;
    uint64_t all = 0, top = 0;
    size_t n = 0;
    for (size_t i = 0; i < sc->n; i++) {
        if (quirei_facet_none(sc->v[i].value, sc->v[i].len))
            continue; /* counted as missing */
        order[n++] = &sc->v[i];
        all += sc->v[i].count;
    }
    size_t take = f == QUIRE_FACET_YEAR || n < size ? n : size;
    quire_facet_value_t *v = calloc(take + 1, sizeof *v);
    if (!v) {
        free(order);
        return QUIRE_ENOMEM;
    }
    /* The spy lists values in value order: years are already in order. */
    if (f != QUIRE_FACET_YEAR)
        qsort(order, n, sizeof *order, by_count);
    for (size_t i = 0; i < take; i++) {
        v[i] = (quire_facet_value_t){order[i]->value, order[i]->count};
        top += order[i]->count;
    }
    free(order);
    x->values[k] = v;
    x->facets[k] = (quire_facet_t){.field = f,
                                   .name = facet_names[f],
                                   .values = v,
                                   .nvalues = take,
                                   .other = seen > top ? seen - top : 0,
                                   .missing = seen > all ? seen - all : 0};
    return QUIRE_OK;
}

static quire_status_t make_facets(quirei_extras *x, const quire_search_options_t *o,
                                  quire_results_t *res)
{
    unsigned size = o->facet_size ? o->facet_size : QUIRE_FACET_SIZE;
    size_t k = 0;
    for (int f = 0; f < QUIRE_FACET_FIELD_COUNT && x->counts; f++) {
        if (!(o->facets & QUIRE_FACET(f)) || k >= x->counts->nslots)
            continue;
        quire_status_t st = make_facet(x, k, (quire_facet_field_t)f, &x->counts->slots[k],
                                       x->counts->seen, size);
        if (st)
            return st;
        k++;
    }
    res->facets = k ? x->facets : NULL;
    res->nfacets = k;
    return QUIRE_OK;
}

/* ----------------------------------------------------------- warnings --- */

static quire_status_t warn(quirei_extras *x, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static quire_status_t warn(quirei_extras *x, const char *code, const char *fmt, ...)
{
    quirei_buf b = QUIREI_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int bad = quirei_buf_vaddf(&b, fmt, ap) < 0;
    va_end(ap);
    char *msg = bad ? NULL : quirei_buf_detach(&b, NULL);
    if (!msg || warning_array_push(&x->warnings, (quire_warning_t){code, msg}) < 0) {
        free(msg);
        quirei_buf_release(&b);
        return QUIRE_ENOMEM;
    }
    return QUIRE_OK;
}

/* *none: does filter q (taken) match no document of r? One document is
 * enough to know, and a filter that matches none costs one lookup (a
 * term) or one pass over the slot's values (a date range within the
 * index's dates; one outside them costs nothing). */
static quire_status_t matches_none(quire_reader_t *r, quirei_q *q, int *none)
{
    if (!q)
        return QUIRE_ENOMEM;
    quirei_search_spec spec = {.limit = 1, .sort_slot = -1, .tie_slot = -1};
    quirei_mset *m = NULL;
    quire_status_t st = quirei_rdb_search(r->db, q, &spec, &m, &r->detail);
    quirei_q_free(q);
    if (st == QUIRE_OK)
        *none = quirei_mset_size(m) == 0;
    quirei_mset_free(m);
    return st;
}

/* The filters of the options: the source, then the date range. */
static quire_status_t warn_options(quire_reader_t *r, quirei_compile_t *c,
                                   const quire_search_options_t *o, quirei_extras *x)
{
    int none = 0;
    quire_status_t st = QUIRE_OK;
    if (o->source && *o->source) {
        quire_search_options_t only = {.source = o->source};
        st = matches_none(r, quirei_compile_option_filters(c, &only), &none);
        if (st == QUIRE_OK && none)
            st = warn(x, "unknown_source", "source=%s: no document has this source", o->source);
    }
    int from = o->date_from && *o->date_from, to = o->date_to && *o->date_to;
    if (st == QUIRE_OK && (from || to)) {
        quire_search_options_t only = {.date_from = o->date_from, .date_to = o->date_to};
        st = matches_none(r, quirei_compile_option_filters(c, &only), &none);
        if (st == QUIRE_OK && none)
            st = warn(x, "empty_date_range", "%s%s%s%s%s: no document is dated in this range",
                      from ? "from=" : "", from ? o->date_from : "", from && to ? " " : "",
                      to ? "to=" : "", to ? o->date_to : "");
    }
    return st;
}

/* The source: and date: filters of the tree, in query order. */
static quire_status_t warn_tree(quire_reader_t *r, quirei_compile_t *c, const qn *n,
                                quirei_extras *x)
{
    quire_status_t st = QUIRE_OK;
    int none = 0;
    if (n->kind == QN_SOURCE || n->kind == QN_DATE)
        st = matches_none(r, quirei_compile_query(c, n), &none);
    if (st == QUIRE_OK && none && n->kind == QN_SOURCE)
        st = warn(x, "unknown_source", "source:%s: no document has this source", n->value);
    if (st == QUIRE_OK && none && n->kind == QN_DATE) {
        const char *lo = n->date_lo, *hi = n->date_hi;
        if (*lo && *hi)
            st = warn(x, "empty_date_range", "date:%s%s%s: no document is dated in this range",
                      lo, strcmp(lo, hi) ? ".." : "", strcmp(lo, hi) ? hi : "");
        else
            st = warn(x, "empty_date_range", "date:%s%s: no document is dated in this range",
                      *lo ? (n->lo_excl ? ">" : ">=") : (n->hi_excl ? "<" : "<="),
                      *lo ? lo : hi);
    }
    for (size_t i = 0; st == QUIRE_OK && i < n->nkids; i++)
        st = warn_tree(r, c, n->kids[i], x);
    return st;
}

quire_status_t quirei_extras_make(quire_reader_t *r, const qn *tree,
                                  const quire_search_options_t *o, quirei_value_counts *counts,
                                  quire_results_t *res, quirei_extras **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out) {
        quirei_value_counts_free(counts);
        return QUIRE_ENOMEM;
    }
    quirei_extras *x = *out;
    x->counts = counts;
    quire_status_t st = make_facets(x, o, res);
    quirei_compile_t c = {.r = r};
    if (st == QUIRE_OK)
        st = warn_options(r, &c, o, x);
    if (st == QUIRE_OK)
        st = warn_tree(r, &c, tree, x);
    quirei_compile_release(&c);
    res->warnings = x->warnings.n ? x->warnings.v : NULL;
    res->nwarnings = x->warnings.n;
    return st;
}
