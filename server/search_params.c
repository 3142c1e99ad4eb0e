/*
 * search_params.c - GET /api/search's parameters (see search_params.h).
 */
#include "search_params.h"

#include <string.h>

#include "number.h"

int search_params_accepts_csv(const char *accept)
{
    return accept && strstr(accept, "text/csv") && !strstr(accept, "json");
}

int search_params_number(const api_request_t *rq, const char *name, unsigned lo, unsigned hi,
                        unsigned *out, quirei_buf *msg)
{
    const char *s = rq->arg(rq, name);
    uint64_t v;
    if (!s || !*s)
        return 0;
    if (quirei_parse_number(s, lo, hi, &v) < 0) {
        quirei_buf_setf(msg, "%s must be a number from %u to %u, not '%.64s'", name, lo, hi, s);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

const char *const search_param_names[] = {"q",      "limit", "offset", "sort", "source",
                                         "from",   "to",    "format", "facets",
                                         "facet_size",
                                         "aliases", NULL};

/* Each check names the parameter it refuses in *param. */
int search_params_json_or_text(const api_request_t *rq, int *text, quirei_buf *msg)
{
    const char *format = rq->arg(rq, "format");
    if (format && !*format)
        format = NULL; /* format= (empty) is no format, as for /api/search */
    *text = format ? strcmp(format, "text") == 0 : rq->wants_text;
    if (format && !*text && strcmp(format, "json") != 0) {
        quirei_buf_setf(msg, "format must be json or text, not '%.64s'", format);
        return -1;
    }
    return 0;
}

int search_params_parse(const api_request_t *rq, search_params_t *p, quirei_buf *msg,
                        const char **param)
{
    *p = (search_params_t){.q = rq->arg(rq, "q"), .opts = {.limit = 10}};
    if (!p->q || !*p->q) {
        *param = "q";
        quirei_buf_setf(msg, "missing parameter q (the query)");
        return -1;
    }
    *param = "limit";
    if (search_params_number(rq, *param, 1, QUIRE_MAX_LIMIT, &p->opts.limit, msg) < 0)
        return -1;
    *param = "offset";
    if (search_params_number(rq, *param, 0, QUIRE_MAX_OFFSET, &p->opts.offset, msg) < 0)
        return -1;
    const char *sort = rq->arg(rq, "sort");
    if (sort && strcmp(sort, "date") == 0)
        p->opts.sort = QUIRE_SORT_DATE;
    else if (sort && *sort && strcmp(sort, "relevance") != 0) {
        *param = "sort";
        quirei_buf_setf(msg, "sort must be relevance or date, not '%.64s'", sort);
        return -1;
    }
    const char *facets = rq->arg(rq, "facets");
    if (facets && quire_facets_parse(facets, &p->opts.facets) != QUIRE_OK) {
        *param = "facets";
        quirei_buf_setf(msg, "facets must be a comma-separated list of source, year, author, "
                             "not '%.64s'", facets);
        return -1;
    }
    *param = "facet_size";
    if (search_params_number(rq, *param, 1, QUIRE_MAX_FACET_SIZE, &p->opts.facet_size, msg) < 0)
        return -1;
    /* aliases=0 turns threat-actor name expansion off (README.md). */
    const char *aliases = rq->arg(rq, "aliases");
    if (aliases && strcmp(aliases, "0") != 0 && strcmp(aliases, "1") != 0) {
        *param = "aliases";
        quirei_buf_setf(msg, "aliases must be 0 or 1, not '%.64s'", aliases);
        return -1;
    }
    p->opts.no_aliases = aliases && strcmp(aliases, "0") == 0;
    p->opts.source = rq->arg(rq, "source");
    p->opts.date_from = rq->arg(rq, "from");
    p->opts.date_to = rq->arg(rq, "to");
    /* format wins over the Accept header; format= (empty) is no format. */
    const char *format = rq->arg(rq, "format");
    if (format && !*format)
        format = NULL;
    p->text = format ? strcmp(format, "text") == 0 : rq->wants_text;
    if (format && (!strcmp(format, "csv") || !strcmp(format, "jsonl") || !strcmp(format, "atom")))
        p->export_format = format[0] == 'c' ? SP_EXPORT_CSV
                           : format[0] == 'j' ? SP_EXPORT_JSONL
                                              : SP_EXPORT_ATOM;
    else if (!format && rq->header && search_params_accepts_csv(rq->header(rq, "Accept")))
        p->export_format = SP_EXPORT_CSV;
    if (format && !p->text && !p->export_format && strcmp(format, "json") != 0) {
        *param = "format";
        quirei_buf_setf(msg, "format must be json, text, csv, jsonl or atom, not '%.64s'",
                        format);
        return -1;
    }
    p->gzip = rq->accepts_gzip;
    return 0;
}

int search_params_cache_key(const search_params_t *p, uint64_t generation, quirei_buf *key)
{
    const quire_search_options_t *o = &p->opts;
    /* The numbers, then the strings, each ended by its NUL: the strings
     * are C strings (no NUL inside), so fields cannot run into each other. */
    const char *strings[] = {p->q, o->source ? o->source : "",
                             o->date_from ? o->date_from : "", o->date_to ? o->date_to : ""};
    if (quirei_buf_setf(key, "%016llx %u %u %d %d %d %u %u", (unsigned long long)generation,
                        o->limit, o->offset, (int)o->sort, p->text, p->gzip, o->facets,
                        o->facet_size) < 0 ||
        quirei_buf_addf(key, " %d", (int)o->no_aliases) < 0 ||
        quirei_buf_addc(key, '\0') < 0)
        return -1;
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        if (quirei_buf_add(key, strings[i], strlen(strings[i]) + 1) < 0)
            return -1;
    return 0;
}
