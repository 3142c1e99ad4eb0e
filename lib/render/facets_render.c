/*
 * facets_render.c - facets, warnings and sources as JSON and text (see
 * facets_render.h). JSON through jansson, every string through
 * quirei_json_text() (a value that is not valid UTF-8 is repaired).
 */
#include "render/facets_render.h"
#include "render/partial_render.h"

#include <string.h>

#include "json_text.h"

/* [{"value": …, "count": N}, …], or NULL when out of memory. */
static json_t *values_json(const quire_facet_value_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_t *o = json_pack("{s:o, s:I}", "value", quirei_json_text(v[i].value), "count",
                              (json_int_t)v[i].count);
        if (!o || json_array_append_new(a, o) < 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *facets_json(const quire_results_t *res)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < res->nfacets; i++) {
        const quire_facet_t *f = &res->facets[i];
        json_t *values = values_json(f->values, f->nvalues);
        json_t *one = values ? json_pack("{s:o, s:I, s:I}", "values", values, "other",
                                         (json_int_t)f->other, "missing", (json_int_t)f->missing)
                             : NULL;
        if (!one || json_object_set_new(o, f->name, one) < 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

int quirei_facets_json_add(json_t *root, const quire_results_t *res)
{
    json_t *w = json_array();
    for (size_t i = 0; w && i < res->nwarnings; i++) {
        json_t *o = json_pack("{s:s, s:o}", "code", res->warnings[i].code, "message",
                              quirei_json_text(res->warnings[i].message));
        if (!o || json_array_append_new(w, o) < 0) {
            json_decref(w);
            w = NULL;
        }
    }
    if (!w || json_object_set_new(root, "warnings", w) < 0)
        return -1;
    if (!res->nfacets)
        return 0;
    json_t *f = facets_json(res);
    return f && json_object_set_new(root, "facets", f) == 0 ? 0 : -1;
}

/* "source: a 12, b 3, other 4 (no source: 2)"; the year's "2015 3, 2016
 * 40, no date 2". */
static int facet_line(quirei_buf *b, const quire_facet_t *f)
{
    int bad = quirei_buf_addf(b, "%s:", f->name) < 0;
    for (size_t i = 0; i < f->nvalues && !bad; i++)
        bad = quirei_buf_addf(b, "%s %s %llu", i ? "," : "", f->values[i].value,
                              (unsigned long long)f->values[i].count) < 0;
    const char *sep = f->nvalues ? "," : "";
    if (!bad && f->field == QUIRE_FACET_YEAR && f->missing)
        bad = quirei_buf_addf(b, "%s no date %llu", sep, (unsigned long long)f->missing) < 0;
    else if (!bad && f->other)
        bad = quirei_buf_addf(b, "%s other %llu", sep, (unsigned long long)f->other) < 0;
    if (!bad && !f->nvalues && !f->other)
        bad = quirei_buf_adds(b, " none") < 0; /* no match */
    if (!bad && f->field != QUIRE_FACET_YEAR && f->missing)
        bad = quirei_buf_addf(b, " (no %s: %llu)", f->name, (unsigned long long)f->missing) < 0;
    return bad || quirei_buf_addc(b, '\n') < 0 ? -1 : 0;
}

int quirei_facets_text_add(quirei_buf *b, const quire_results_t *res)
{
    for (size_t i = 0; i < res->nwarnings; i++)
        if (quirei_buf_addf(b, "warning: %s\n", res->warnings[i].message) < 0)
            return -1;
    for (size_t i = 0; i < res->nfacets; i++)
        if (facet_line(b, &res->facets[i]) < 0)
            return -1;
    return 0;
}

char *quire_sources_json(const quire_sources_t *s)
{
    json_t *v = values_json(s->values, s->nvalues);
    /* The API's version first, as in every answer of quire-serve. */
    json_t *root = v ? json_pack("{s:s, s:o, s:I}", "api_version", QUIRE_API_VERSION, "sources",
                                 v, "missing", (json_int_t)s->missing)
                     : NULL;
    if (root && quirei_partial_json_add(root, s->partial, s->missing_shards,
                                        s->nmissing_shards) < 0) {
        json_decref(root);
        root = NULL;
    }
    char *out = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    return out;
}

char *quire_sources_text(const quire_sources_t *s)
{
    quirei_buf b = QUIREI_BUF_INIT;
    uint64_t docs = s->missing;
    for (size_t i = 0; i < s->nvalues; i++)
        docs += s->values[i].count;
    int bad = quirei_buf_addf(&b, "%zu source%s, %llu document%s", s->nvalues,
                              s->nvalues == 1 ? "" : "s", (unsigned long long)docs,
                              docs == 1 ? "" : "s") < 0;
    if (!bad && s->missing)
        bad = quirei_buf_addf(&b, " (%llu without a source)", (unsigned long long)s->missing) < 0;
    bad = bad || quirei_buf_addc(&b, '\n') < 0 ||
          quirei_partial_text_add(&b, s->missing_shards, s->nmissing_shards) < 0;
    for (size_t i = 0; i < s->nvalues && !bad; i++)
        bad = quirei_buf_addf(&b, "%10llu  %s\n", (unsigned long long)s->values[i].count,
                              s->values[i].value) < 0;
    if (bad) {
        quirei_buf_release(&b);
        return NULL;
    }
    return quirei_buf_detach(&b, NULL);
}
