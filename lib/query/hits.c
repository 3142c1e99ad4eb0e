/*
 * hits.c - the page of a search made into results: each picked hit's
 * stored fields, and (unless snippets are off) its snippet, highlights and
 * quote; and quire_results_free(). The search that picks the page is
 * search.c; hits.h says what passes between them.
 */
#include <quire/quire.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "query/aliases.h"
#include "query/compile.h"
#include "query/facets.h"
#include "query/hits.h"
#include "query/reader.h"
#include "render/snippet.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "store/index.h"
#include "strbuf.h"

#define SNIPPET_BYTES 250



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
    free(ri->suggestion);
    for (size_t i = 0; i < res->nmissing_shards; i++)
        free(ri->missing[i]);
    free(ri->missing);
    quirei_extras_free(ri->extras);
    quirei_alias_info_free(ri->aliases);
    free(ri);
}

quire_status_t quirei_results_note_shards(quire_reader_t *r, results_impl_t *ri)
{
    size_t n = 0;
    const char *const *down = quire_reader_missing_shards(r, &n);
    if (!n)
        return QUIRE_OK;
    if (!(ri->missing = calloc(n, sizeof *ri->missing)))
        return QUIRE_ENOMEM;
    ri->pub.partial = true;
    ri->pub.missing_shards = (const char *const *)ri->missing;
    for (; ri->pub.nmissing_shards < n; ri->pub.nmissing_shards++)
        if (!(ri->missing[ri->pub.nmissing_shards] = strdup(down[ri->pub.nmissing_shards])))
            return QUIRE_ENOMEM;
    return QUIRE_OK;
}

/* The results with room for nhits hits (none filled yet), or NULL when out
 * of memory. */
results_impl_t *quirei_results_new(const char *query, size_t nhits)
{
    results_impl_t *ri = calloc(1, sizeof *ri);
    if (!ri || !(ri->query = strdup(query)) ||
        (nhits && (!(ri->pub.hits = calloc(nhits, sizeof *ri->pub.hits)) ||
                   !(ri->impl = calloc(nhits, sizeof *ri->impl))))) {
        quire_results_free(ri ? &ri->pub : NULL);
        return NULL;
    }
    ri->pub.query = ri->query;
    return ri;
}

/* The whole stored record of hit i (for snippets, which need the body), or
 * with `short_only` only the short fields, from their value: the body is
 * then never read. `data` is scratch. */
static quire_status_t hit_doc(quire_reader_t *r, const quirei_pick *pk, int short_only,
                              quirei_buf *data, quire_stored_doc_t **out)
{
    quirei_buf_reset(data);
    quire_status_t st = short_only
                            ? quirei_mset_value(pk->m, pk->i, QUIREI_SLOT_FIELDS, data, &r->detail)
                            : quirei_mset_data(pk->m, pk->i, data, &r->detail);
    if (st == QUIRE_OK && (st = quirei_record_decode(data->ptr, data->len, out)) == QUIRE_ECORRUPT)
        quirei_buf_setf(&r->detail,
                        "the index is damaged: the stored %s of document %u does not parse "
                        "(%s)",
                        short_only ? "fields" : "record", quirei_mset_docid(pk->m, pk->i),
                        short_only ? "postlist.glass, its values" : "docdata.glass");
    return st;
}

/* What every hit of one search shares. */
typedef struct hit_context {
    quire_reader_t *r;
    const quirei_page *f;
    quirei_unit_set units;  /* snippet units of the query */
    quirei_unit_set units1; /* of a quote-like query's first tier */
    int snippets;           /* snippets wanted */
    quirei_buf data;        /* scratch for stored records */
} hit_context_t;

/* Hit h's snippet, highlights and quote, made from its body. */
static quire_status_t fill_snippet(hit_context_t *hc, const quirei_pick *pk, hit_impl_t *hi,
                                   quire_hit_t *h)
{
    int tier1 = hc->f->ma && pk->m == hc->f->ma;
    const quirei_unit_array *u = tier1 ? &hc->units1.units : &hc->units.units;
    if (quirei_snippet_make(hi->doc->doc.body, hi->doc->body_len, u->v, u->n, hc->r->stem,
                            hc->r->language, SNIPPET_BYTES, &hi->snip) < 0)
        return QUIRE_ENOMEM;
    h->snippet = quirei_buf_cstr(&hi->snip.text);
    if (hi->snip.nhighlights) {
        hi->spans = malloc(hi->snip.nhighlights * sizeof *hi->spans);
        if (!hi->spans)
            return QUIRE_ENOMEM;
        for (size_t k = 0; k < hi->snip.nhighlights; k++) {
            hi->spans[k].start = hi->snip.highlights[k].start;
            hi->spans[k].end = hi->snip.highlights[k].end;
        }
        h->highlights = hi->spans;
        h->nhighlights = hi->snip.nhighlights;
    }
    if (hi->snip.has_quote) {
        h->quote = quirei_buf_cstr(&hi->snip.quote);
        h->quote_start = hi->snip.quote_start;
        h->quote_end = hi->snip.quote_end;
    }
    return QUIRE_OK;
}

/* Fill hit i of the page (rank = rank0 + i). From the first call on, hit i
 * is freed with the results, whatever this returns. */
static quire_status_t fill_hit(hit_context_t *hc, results_impl_t *ri, size_t i, unsigned rank0)
{
    hit_impl_t *hi = &ri->impl[i];
    quirei_snippet_init(&hi->snip);
    ri->pub.nhits = i + 1;
    const quirei_pick *pk = &hc->f->picks[i];
    quire_status_t st = hit_doc(hc->r, pk, !hc->snippets, &hc->data, &hi->doc);
    if (st)
        return st;
    quire_hit_t *h = &ri->pub.hits[i];
    h->rank = rank0 + (unsigned)i + 1;
    h->score = quirei_mset_score(pk->m, pk->i);
    h->id = hi->doc->doc.id;
    h->title = hi->doc->doc.title;
    h->source = hi->doc->doc.source;
    h->author = hi->doc->doc.author;
    h->date = hi->doc->doc.date;
    h->url = hi->doc->doc.url;
    /* Every hit of one answer matched the same way (the fallback that
     * answered; both tiers of a quote-like query hold every word): said
     * per hit too, so a hit taken out of its answer (batch, export) keeps
     * it. */
    h->approximate = hc->f->approximate;
    h->relaxed = hc->f->relaxed;
    h->corrected = hc->f->corrected;
    h->match = h->relaxed       ? QUIRE_MATCH_RELAXED
               : h->approximate ? QUIRE_MATCH_APPROXIMATE
                                : QUIRE_MATCH_EXACT;
    return hc->snippets ? fill_snippet(hc, pk, hi, h) : QUIRE_OK;
}

/* The results of the page f found for tree, into ri. */
quire_status_t quirei_results_fill(quire_reader_t *r, const qn *tree,
                                   const quire_search_options_t *o, const quirei_page *f,
                                   results_impl_t *ri)
{
    hit_context_t hc = {.r = r, .f = f, .snippets = !o->no_snippets};
    quire_status_t st = QUIRE_OK;
    if (hc.snippets && quirei_collect_units(r, tree, f->approximate, &hc.units) < 0)
        st = QUIRE_ENOMEM;
    /* A quote-like query's first-tier hits hold its words as one phrase:
     * highlight that as one span and cite its sentence, as for a quoted
     * query (the user pasted a fragment; the quote is what they want). */
    if (st == QUIRE_OK && hc.snippets && f->ma && quirei_quote_units(tree, &hc.units1) < 0)
        st = QUIRE_ENOMEM;
    for (size_t i = 0; st == QUIRE_OK && i < f->npicks; i++)
        st = fill_hit(&hc, ri, i, o->offset);
    quirei_unit_set_release(&hc.units);
    quirei_unit_set_release(&hc.units1);
    quirei_buf_release(&hc.data);
    return st;
}

quire_status_t quirei_results_finish(quire_reader_t *r, results_impl_t *ri, quire_status_t st,
                                     double t0, quire_results_t **out)
{
    if (st != QUIRE_OK) {
        quire_results_free(ri ? &ri->pub : NULL);
        if (st == QUIRE_ENOMEM && !r->detail.len)
            quirei_buf_setf(&r->detail, "out of memory");
        return st;
    }
    ri->pub.took_ms = quirei_now_ms() - t0;
    *out = &ri->pub;
    return QUIRE_OK;
}
