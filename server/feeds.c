/*
 * feeds.c - GET /api/search?format=atom (an Atom feed of a query, newest
 * first) and GET /opensearch.xml (the OpenSearch 1.1 description that
 * lets browsers and feed readers find the search), both written by
 * libxml2 (the feed by quire_results_atom(), the description here with
 * xmlTextWriter), so that no string is escaped by hand.
 *
 * Their links are absolute URLs made from the request's Host header:
 * OpenSearch templates and feed links are read by clients away from the
 * request that fetched them.
 */
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_out.h"
#include "pct.h"
#include "strbuf.h"
#include "thread_reader.h"

#define OPENSEARCH_NS "http://a9.com/-/spec/opensearch/1.1/"

void api_base_url(const api_request_t *rq, char *buf, size_t size)
{
    const char *host = rq->header ? rq->header(rq, "Host") : NULL;
    const char *proto = rq->header ? rq->header(rq, "X-Forwarded-Proto") : NULL;
    /* A host, an IPv4 or [IPv6] address, and a port; nothing that could
     * end the authority or open a path, query or markup. */
    if (!host || !*host || strlen(host) > 255 ||
        host[strspn(host, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-:[]")])
        host = "localhost";
    snprintf(buf, size, "%s://%s", proto && strcmp(proto, "https") == 0 ? "https" : "http",
             host);
}

/* "&name=VALUE" (percent-encoded) into b when value is set. 0 or -1. */
static int add_param(quirei_buf *b, const char *name, const char *value)
{
    if (!value || !*value)
        return 0;
    return quirei_buf_addf(b, "&%s=", name) < 0 || quirei_pct_encode(b, value) < 0 ? -1 : 0;
}

/* The feed's names: self (base + its search), id (the query and filters,
 * not the page), alternate (the web page), search (/opensearch.xml); each
 * a buffer of links[]. 0, or -1 when out of memory. */
static int feed_links(const api_request_t *rq, const char *q, const quire_search_options_t *o,
                      quirei_buf links[4])
{
    char base[300];
    api_base_url(rq, base, sizeof base);
    quirei_buf *self = &links[0], *id = &links[1], *alt = &links[2], *search = &links[3];
    int bad = quirei_buf_addf(id, "tag:quire,2026:search:q=") < 0 ||
              quirei_pct_encode(id, q) < 0 || add_param(id, "source", o->source) < 0 ||
              add_param(id, "from", o->date_from) < 0 || add_param(id, "to", o->date_to) < 0;
    bad = bad || quirei_buf_addf(self, "%s/api/search?q=", base) < 0 ||
          quirei_pct_encode(self, q) < 0 || add_param(self, "source", o->source) < 0 ||
          add_param(self, "from", o->date_from) < 0 || add_param(self, "to", o->date_to) < 0 ||
          quirei_buf_addf(self, "&limit=%u&offset=%u&format=atom", o->limit ? o->limit : 10,
                          o->offset) < 0;
    bad = bad || quirei_buf_addf(alt, "%s/?q=", base) < 0 || quirei_pct_encode(alt, q) < 0;
    bad = bad || quirei_buf_addf(search, "%s/opensearch.xml", base) < 0;
    return bad ? -1 : 0;
}

void feed_handle(const api_config_t *cfg, const api_request_t *rq, const char *q,
                 const quire_search_options_t *opts, api_out_t *o)
{
    quire_search_options_t so = *opts;
    so.sort = QUIRE_SORT_DATE; /* a feed is newest first */
    so.facets = 0;             /* and has no facets to show */
    quire_reader_t *r;
    char err[512];
    quire_status_t st = thread_reader_get(cfg->db, &r, err, sizeof err);
    quire_results_t *res = NULL;
    if (st != QUIRE_OK) {
        o->fail = st;
        o->message = strdup(err);
        return;
    }
    if ((st = quire_search(r, q, &so, &res)) != QUIRE_OK) {
        api_out_search_error(o, r, st);
        return;
    }
    quirei_buf links[4] = {QUIREI_BUF_INIT, QUIREI_BUF_INIT, QUIREI_BUF_INIT, QUIREI_BUF_INIT};
    if (feed_links(rq, q, &so, links) == 0) {
        quire_feed_t feed = {.self = links[0].ptr, .id = links[1].ptr,
                             .alternate = links[2].ptr, .search = links[3].ptr};
        o->body = quire_results_atom(res, &feed);
    }
    o->status = 200;
    o->type = "application/atom+xml; charset=utf-8";
    api_partial_names(r, o->partial);
    for (int i = 0; i < 4; i++)
        quirei_buf_release(&links[i]);
    quire_results_free(res);
}

/* <Url type=TYPE template=BASE PATH [indexOffset="0"] [rel=REL]/> */
static int url_element(xmlTextWriterPtr w, const char *base, const char *type, const char *path,
                       const char *rel)
{
    quirei_buf t = QUIREI_BUF_INIT;
    int bad = quirei_buf_addf(&t, "%s%s", base, path) < 0 ||
              xmlTextWriterStartElement(w, BAD_CAST "Url") < 0 ||
              xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type) < 0 ||
              xmlTextWriterWriteAttribute(w, BAD_CAST "template", BAD_CAST t.ptr) < 0 ||
              (rel && xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST rel) < 0) ||
              /* startIndex counts from 0, as the API's offset does */
              (strstr(path, "{startIndex?}") &&
               xmlTextWriterWriteAttribute(w, BAD_CAST "indexOffset", BAD_CAST "0") < 0) ||
              xmlTextWriterEndElement(w) < 0;
    quirei_buf_release(&t);
    return bad ? -1 : 0;
}

/* The description's elements, after <OpenSearchDescription>. */
static int describe(xmlTextWriterPtr w, const char *base)
{
    return xmlTextWriterWriteElement(w, BAD_CAST "ShortName", BAD_CAST "Quire") < 0 ||
           xmlTextWriterWriteElement(w, BAD_CAST "Description",
                                     BAD_CAST "Full-text search of security commentary: "
                                              "news, opinion, vendor blogs, advisories") < 0 ||
           xmlTextWriterWriteElement(w, BAD_CAST "InputEncoding", BAD_CAST "UTF-8") < 0 ||
           xmlTextWriterWriteElement(w, BAD_CAST "OutputEncoding", BAD_CAST "UTF-8") < 0 ||
           url_element(w, base, "application/json",
                       "/api/search?q={searchTerms}&offset={startIndex?}&limit={count?}",
                       NULL) < 0 ||
           url_element(w, base, "application/atom+xml",
                       "/api/search?q={searchTerms}&offset={startIndex?}&limit={count?}"
                       "&format=atom",
                       NULL) < 0 ||
           url_element(w, base, "text/html", "/?q={searchTerms}", NULL) < 0 ||
           url_element(w, base, "application/opensearchdescription+xml", "/opensearch.xml",
                       "self") < 0
               ? -1
               : 0;
}

void opensearch_handle(const api_config_t *cfg, const api_request_t *rq, api_out_t *o)
{
    (void)cfg;
    char base[300];
    api_base_url(rq, base, sizeof base);
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    int bad = !w || xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
              xmlTextWriterStartElement(w, BAD_CAST "OpenSearchDescription") < 0 ||
              xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST OPENSEARCH_NS) < 0 ||
              describe(w, base) < 0 || xmlTextWriterEndDocument(w) < 0;
    if (w)
        xmlFreeTextWriter(w);
    o->status = 200;
    o->type = "application/opensearchdescription+xml; charset=utf-8";
    o->body = !bad ? strdup((const char *)xmlBufferContent(buf)) : NULL;
    xmlBufferFree(buf);
}
