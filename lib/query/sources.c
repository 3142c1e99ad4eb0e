/*
 * sources.c - quire_reader_sources(): every source of an index with its
 * number of documents, counted by the same value spy as the source facet
 * (query/facets.c) over a match of every document.
 *
 * Why not the XS<source> terms, whose frequencies are free: they are
 * lower-cased, and a source's XS<top> term also counts its sub-sources
 * ("mitre-attack" would count "mitre-attack/procedure" too), so they
 * cannot say which sources there are, nor how many documents each has.
 */
#include <quire/quire.h>
#include <stdlib.h>
#include <string.h>

#include "query/reader.h"
#include "schema/schema.h"
#include "store/index.h"

/* The counts of c's one slot, and the shards that were down (ndown names
 * in down), as one caller-owned allocation. */
static quire_sources_t *sources_of(const quirei_value_counts *c, const char *const *down,
                                   size_t ndown)
{
    const quirei_slot_counts *sc = &c->slots[0];
    size_t bytes = sizeof(quire_sources_t) + (sc->n + 1) * sizeof(quire_facet_value_t) +
                   ndown * sizeof(char *),
           at;
    at = bytes;
    for (size_t i = 0; i < sc->n; i++)
        bytes += sc->v[i].len + 1;
    for (size_t i = 0; i < ndown; i++)
        bytes += strlen(down[i]) + 1;
    char *block = calloc(1, bytes);
    if (!block)
        return NULL;
    quire_sources_t *s = (quire_sources_t *)(void *)block;
    quire_facet_value_t *v = (quire_facet_value_t *)(void *)(block + sizeof *s);
    const char **names = (const char **)(void *)(v + sc->n + 1);
    for (size_t i = 0; i < ndown; i++) {
        size_t len = strlen(down[i]) + 1;
        names[i] = memcpy(block + at, down[i], len);
        at += len;
    }
    s->partial = ndown > 0;
    s->missing_shards = ndown ? names : NULL;
    s->nmissing_shards = ndown;
    uint64_t counted = 0;
    size_t n = 0;
    for (size_t i = 0; i < sc->n; i++) {
        if (quirei_facet_none(sc->v[i].value, sc->v[i].len))
            continue; /* no source: counted as missing */
        memcpy(block + at, sc->v[i].value, sc->v[i].len + 1);
        v[n++] = (quire_facet_value_t){block + at, sc->v[i].count};
        at += sc->v[i].len + 1;
        counted += sc->v[i].count;
    }
    s->values = v;
    s->nvalues = n;
    s->missing = c->seen > counted ? c->seen - counted : 0;
    return s;
}

/* One try of quire_reader_sources() (arguments checked). */
static quire_status_t sources_once(quire_reader_t *r, quire_sources_t **out)
{
    uint64_t docs = 0;
    quire_status_t st = quirei_rdb_doc_count(r->db, &docs, &r->detail);
    if (st)
        return st;
    quirei_q *all = quirei_q_match_all();
    if (!all)
        return QUIRE_ENOMEM;
    /* Visiting every document is what makes the counts whole. */
    unsigned slot = QUIREI_SLOT_SOURCE;
    quirei_search_spec spec = {
        .limit = 0,
        .sort_slot = -1,
        .tie_slot = -1,
        .check_at_least = docs < UINT32_MAX ? (unsigned)docs + 1 : UINT32_MAX,
        .spy_slots = &slot,
        .nspy = 1,
    };
    quirei_mset *m = NULL;
    st = quirei_rdb_search(r->db, all, &spec, &m, &r->detail);
    quirei_q_free(all);
    quirei_value_counts *c = st == QUIRE_OK ? quirei_mset_take_counts(m) : NULL;
    quirei_mset_free(m);
    size_t ndown = 0;
    const char *const *down = quire_reader_missing_shards(r, &ndown); /* as searched */
    if (st == QUIRE_OK && !(c && (*out = sources_of(c, down, ndown))))
        st = QUIRE_ENOMEM;
    quirei_value_counts_free(c);
    return st;
}

quire_status_t quire_reader_sources(quire_reader_t *r, quire_sources_t **out)
{
    if (out)
        *out = NULL;
    if (!r || !out)
        return QUIRE_EINVAL;
    quire_status_t st;
    unsigned retries = 0;
    do
        st = sources_once(r, out);
    while (quirei_reader_retry(r, st, &retries));
    if (st == QUIRE_ENOMEM && !r->detail.len)
        quirei_buf_setf(&r->detail, "out of memory");
    return st;
}

void quire_sources_free(quire_sources_t *s)
{
    free(s);
}
