/* record.c - the stored document record; see record.h. */
#include "schema/record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema/date.h"

#define RECORD_VERSION 0x01

static int put_varint(quirei_buf *out, uint64_t v)
{
    char tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (char)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return quirei_buf_add(out, tmp, n);
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t r = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        unsigned char c = *(*p)++;
        r |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

int quirei_record_encode(quirei_buf *out, const char *const f[QUIRE_FIELD_COUNT],
                         const size_t n[QUIRE_FIELD_COUNT])
{
    if (quirei_buf_addc(out, RECORD_VERSION) < 0)
        return -1;
    for (int i = 0; i < QUIRE_FIELD_COUNT; i++) {
        if (put_varint(out, f[i] ? (uint64_t)n[i] + 1 : 0) < 0 ||
            (f[i] && quirei_buf_add(out, f[i], n[i]) < 0))
            return -1;
    }
    return 0;
}

quire_status_t quirei_record_decode(const char *data, size_t len, quire_stored_doc_t **out)
{
    *out = NULL;
    const unsigned char *p = (const unsigned char *)data, *end = p + len;
    if (len < 1 || *p++ != RECORD_VERSION)
        return QUIRE_ECORRUPT;
    const unsigned char *start[QUIRE_FIELD_COUNT];
    uint64_t flen[QUIRE_FIELD_COUNT];
    size_t total = 0;
    for (int i = 0; i < QUIRE_FIELD_COUNT; i++) {
        uint64_t v;
        if (get_varint(&p, end, &v) < 0 || (v && v - 1 > (uint64_t)(end - p)))
            return QUIRE_ECORRUPT;
        start[i] = v ? p : NULL;
        flen[i] = v ? v - 1 : 0;
        p += flen[i];
        total += v ? flen[i] + 1 : 0;
    }
    if (!start[QUIRE_FIELD_ID] || !start[QUIRE_FIELD_BODY])
        return QUIRE_ECORRUPT;
    quire_stored_doc_t *d = malloc(sizeof *d + total + QUIRE_DATE_MAX);
    if (!d)
        return QUIRE_ENOMEM;
    char *w = (char *)(d + 1);
    for (int i = 0; i < QUIRE_FIELD_COUNT; i++) {
        if (!start[i]) {
            quire_doc_set(&d->doc, (quire_field_t)i, NULL);
            continue;
        }
        memcpy(w, start[i], flen[i]);
        w[flen[i]] = '\0';
        quire_doc_set(&d->doc, (quire_field_t)i, w);
        w += flen[i] + 1;
    }
    /* Writers store dates normalized; an index made before they did may
     * hold any text ("yesterday"), which no reader may show as a date. */
    if (d->doc.date) {
        d->doc.date = quirei_date_parse(d->doc.date, (size_t)flen[QUIRE_FIELD_DATE], 0, w, NULL,
                                        0)
                          ? w
                          : NULL;
    }
    d->body_len = (size_t)flen[QUIRE_FIELD_BODY];
    *out = d;
    return QUIRE_OK;
}

/* ---- the fields of quire_doc_t, by number (quire.h) ---- */

static const char *const field_names[QUIRE_FIELD_COUNT] = {
    [QUIRE_FIELD_ID] = "id",         [QUIRE_FIELD_TITLE] = "title",
    [QUIRE_FIELD_SOURCE] = "source", [QUIRE_FIELD_URL] = "url",
    [QUIRE_FIELD_AUTHOR] = "author", [QUIRE_FIELD_DATE] = "date",
    [QUIRE_FIELD_BODY] = "body",
};

const char *quire_field_name(quire_field_t f)
{
    return (unsigned)f < QUIRE_FIELD_COUNT ? field_names[f] : "";
}

/* The member of d that holds field f, or NULL. */
static const char **field_slot(quire_doc_t *d, quire_field_t f)
{
    switch (f) {
    case QUIRE_FIELD_ID: return &d->id;
    case QUIRE_FIELD_TITLE: return &d->title;
    case QUIRE_FIELD_SOURCE: return &d->source;
    case QUIRE_FIELD_URL: return &d->url;
    case QUIRE_FIELD_AUTHOR: return &d->author;
    case QUIRE_FIELD_DATE: return &d->date;
    case QUIRE_FIELD_BODY: return &d->body;
    case QUIRE_FIELD_COUNT: break;
    }
    return NULL;
}

const char *quire_doc_get(const quire_doc_t *d, quire_field_t f)
{
    const char **slot = field_slot((quire_doc_t *)d, f);
    return slot ? *slot : NULL;
}

void quire_doc_set(quire_doc_t *d, quire_field_t f, const char *v)
{
    const char **slot = field_slot(d, f);
    if (slot)
        *slot = v;
}
