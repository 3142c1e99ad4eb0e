/*
 * atom.c - results as an Atom feed (RFC 4287; quire_results_atom() in
 * quire/export.h), written by libxml2's xmlTextWriter so that no string is ever
 * escaped by hand. What XML cannot hold at all (C0 controls, U+FFFE,
 * U+FFFF, bad UTF-8) is cleaned first (xml_text()): a writer escapes, it
 * does not repair.
 */
#include <libxml/xmlwriter.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pct.h"
#include "schema/schema.h"
#include "strbuf.h"
#include "utf8.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define OPENSEARCH_NS "http://a9.com/-/spec/opensearch/1.1/"
/* A tag: URI (RFC 4151) names entries by document id alone. */
#define TAG_PREFIX "tag:quire,2026:"
#define NO_DATE "1970-01-01T00:00:00Z"

/* prefix + s percent-encoded (pct.h); malloc'd, NULL on OOM. */
static char *pct_encoded(const char *prefix, const char *s)
{
    quirei_buf b = QUIREI_BUF_INIT;
    if (quirei_buf_adds(&b, prefix) < 0 || quirei_pct_encode(&b, s) < 0) {
        quirei_buf_release(&b);
        return NULL;
    }
    return quirei_buf_detach(&b, NULL);
}

char *quire_entry_id(const char *id)
{
    return id ? pct_encoded(TAG_PREFIX "doc:", id) : NULL;
}

/* s as text XML 1.0 can hold, into *b: bad UTF-8 becomes U+FFFD; C0
 * controls but tab, LF and CR, and U+FFFE and U+FFFF are dropped. 0, or
 * -1 when out of memory. */
static int xml_text(quirei_buf *b, const char *s)
{
    quirei_buf_reset(b);
    quirei_buf u = QUIREI_BUF_INIT;
    if (quirei_utf8_sanitize(&u, s, strlen(s)) < 0)
        return -1;
    int bad = quirei_buf_grow(b, u.len) < 0;
    for (size_t i = 0; !bad && i < u.len; i++) {
        unsigned char c = (unsigned char)u.ptr[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            continue;
        if (c == 0xEF && i + 2 < u.len && (unsigned char)u.ptr[i + 1] == 0xBF &&
            ((unsigned char)u.ptr[i + 2] & 0xFE) == 0xBE) {
            i += 2;
            continue;
        }
        bad = quirei_buf_addc(b, (char)c) < 0;
    }
    quirei_buf_release(&u);
    return bad ? -1 : 0;
}

/* The time of an ISO 8601 date-time after its date ("T10:30[:00[.5]]"
 * and a zone "Z", "+02:00" or "+0200"; none is UTC), as RFC 3339's
 * "HH:MM:SSZONE" into out; 0 when t is no such time. */
static int rfc3339_time(const char *t, char out[16])
{
    int h, m, s = 0, n = 0;
    if (sscanf(t, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 || h > 23 || m > 59)
        return 0;
    t += n;
    if (t[0] == ':' && sscanf(t, ":%2d%n", &s, &n) == 1 && n == 3 && s <= 60)
        t += 3;
    if (t[0] == '.')
        t += 1 + strspn(t + 1, "0123456789");
    const char *zone = "Z";
    char z[7];
    if ((t[0] == '+' || t[0] == '-') && strspn(t + 1, "0123456789") >= 2) {
        size_t d = strspn(t + 1, "0123456789");
        int colon = t[3] == ':';
        if (!(d == 4 || (d == 2 && colon && strspn(t + 4, "0123456789") == 2)))
            return 0;
        snprintf(z, sizeof z, "%c%.2s:%.2s", t[0], t + 1, t + (colon ? 4 : 3));
        zone = z;
        t += colon ? 6 : 5;
    } else if (t[0] == 'Z' || t[0] == 'z') {
        t++;
    }
    if (*t)
        return 0;
    snprintf(out, 16, "%02d:%02d:%02d%s", h, m, s, zone);
    return 1;
}

/* date as RFC 3339 ("2016-02-03T00:00:00Z"), or NO_DATE when it is none. */
static void rfc3339(const char *date, char out[32])
{
    char key[11], t[16];
    size_t n = quirei_date_key(date, key);
    if (!n) {
        snprintf(out, 32, "%s", NO_DATE);
        return;
    }
    int has_time = date[n] && rfc3339_time(date + n + 1, t);
    snprintf(out, 32, "%.4s-%.2s-%.2sT%s", key, n >= 7 ? key + 5 : "01",
             n == 10 ? key + 8 : "01", has_time ? t : "00:00:00Z");
}

/* The writer and a scratch buffer for cleaned text; `bad` sticks. */
typedef struct atom_out {
    xmlTextWriterPtr w;
    quirei_buf text;
    int bad;
} atom_out_t;

static void element(atom_out_t *o, const char *name, const char *value)
{
    if (o->bad || !value)
        return;
    o->bad = xml_text(&o->text, value) < 0 ||
             xmlTextWriterWriteElement(o->w, BAD_CAST name, BAD_CAST quirei_buf_cstr(&o->text)) < 0;
}

/* An empty element with attribute pairs (name, value; NULL ends them). A
 * NULL value leaves its attribute out. */
static void empty(atom_out_t *o, const char *name, const char *const *attrs)
{
    o->bad = o->bad || xmlTextWriterStartElement(o->w, BAD_CAST name) < 0;
    for (size_t i = 0; !o->bad && attrs[i]; i += 2) {
        if (attrs[i + 1])
            o->bad = xml_text(&o->text, attrs[i + 1]) < 0 ||
                     xmlTextWriterWriteAttribute(o->w, BAD_CAST attrs[i],
                                                 BAD_CAST quirei_buf_cstr(&o->text)) < 0;
    }
    o->bad = o->bad || xmlTextWriterEndElement(o->w) < 0;
}

static void start(atom_out_t *o, const char *name)
{
    o->bad = o->bad || xmlTextWriterStartElement(o->w, BAD_CAST name) < 0;
}

static void end(atom_out_t *o)
{
    o->bad = o->bad || xmlTextWriterEndElement(o->w) < 0;
}

/* A link, left out when there is no href. */
static void atom_link(atom_out_t *o, const char *rel, const char *type, const char *href)
{
    if (href)
        empty(o, "link", (const char *[]){"rel", rel, "type", type, "href", href, NULL});
}

static void author(atom_out_t *o, const char *name)
{
    start(o, "author");
    element(o, "name", name);
    end(o);
}

static void entry(atom_out_t *o, const quire_hit_t *h)
{
    char updated[32];
    rfc3339(h->date, updated);
    char *id = quire_entry_id(h->id);
    o->bad = o->bad || !id;
    start(o, "entry");
    element(o, "id", id);
    element(o, "title", h->title ? h->title : h->id);
    element(o, "updated", updated);
    if (h->author)
        author(o, h->author);
    if (h->url)
        atom_link(o, "alternate", NULL, h->url);
    if (h->source)
        empty(o, "category", (const char *[]){"term", h->source, NULL});
    element(o, "summary", h->quote ? h->quote : h->snippet);
    /* RFC 4287 4.1.2: an entry without an alternate link has content. */
    if (!h->url)
        element(o, "content", h->snippet ? h->snippet : h->title ? h->title : h->id);
    end(o);
    free(id);
}

/* The feed's head: everything before the entries. */
static void feed_head(atom_out_t *o, const quire_results_t *res, const quire_feed_t *f,
                      const char *updated)
{
    char *id = f->id ? strdup(f->id) : pct_encoded(TAG_PREFIX "search:", res->query);
    quirei_buf title = QUIREI_BUF_INIT;
    o->bad = o->bad || !id || (!f->title && quirei_buf_setf(&title, "Quire: %s", res->query) < 0);
    start(o, "feed");
    o->bad = o->bad || xmlTextWriterWriteAttribute(o->w, BAD_CAST "xmlns", BAD_CAST ATOM_NS) < 0 ||
             xmlTextWriterWriteAttribute(o->w, BAD_CAST "xmlns:opensearch",
                                         BAD_CAST OPENSEARCH_NS) < 0;
    element(o, "title", f->title ? f->title : quirei_buf_cstr(&title));
    element(o, "id", id);
    element(o, "updated", updated);
    author(o, "Quire");
    empty(o, "generator", (const char *[]){"version", QUIRE_VERSION, NULL});
    atom_link(o, "self", "application/atom+xml", f->self);
    atom_link(o, "alternate", "text/html", f->alternate);
    atom_link(o, "search", "application/opensearchdescription+xml", f->search);
    char num[3][24];
    snprintf(num[0], sizeof num[0], "%llu", (unsigned long long)res->total);
    snprintf(num[1], sizeof num[1], "%u", res->offset);
    snprintf(num[2], sizeof num[2], "%u", res->limit);
    element(o, "opensearch:totalResults", num[0]);
    element(o, "opensearch:startIndex", num[1]);
    element(o, "opensearch:itemsPerPage", num[2]);
    empty(o, "opensearch:Query", (const char *[]){"role", "request", "searchTerms", res->query,
                                                   "startIndex", num[1], NULL});
    free(id);
    quirei_buf_release(&title);
}

char *quire_results_atom(const quire_results_t *res, const quire_feed_t *feed)
{
    const quire_feed_t none = {0};
    const quire_feed_t *f = feed ? feed : &none;
    /* The newest entry's date (RFC 3339 strings of one zone sort as dates). */
    char updated[32] = NO_DATE, d[32];
    for (size_t i = 0; i < res->nhits; i++) {
        rfc3339(res->hits[i].date, d);
        if (strcmp(d, updated) > 0)
            memcpy(updated, d, sizeof d);
    }
    xmlBufferPtr buf = xmlBufferCreate();
    atom_out_t o = {.w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL};
    o.bad = !o.w || xmlTextWriterStartDocument(o.w, NULL, "UTF-8", NULL) < 0;
    feed_head(&o, res, f, updated);
    for (size_t i = 0; i < res->nhits; i++)
        entry(&o, &res->hits[i]);
    o.bad = o.bad || xmlTextWriterEndDocument(o.w) < 0;
    if (o.w)
        xmlFreeTextWriter(o.w); /* flushes into buf */
    char *out = !o.bad && buf ? strdup((const char *)xmlBufferContent(buf)) : NULL;
    xmlBufferFree(buf);
    quirei_buf_release(&o.text);
    return out;
}
