/* record.c - the stored document record; see record.h. */
#include "record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

int quirei_record_encode(quirei_buf *out, const char *const f[QUIREI_RECORD_FIELDS],
                         const size_t n[QUIREI_RECORD_FIELDS])
{
    if (quirei_buf_addc(out, RECORD_VERSION) < 0)
        return -1;
    for (int i = 0; i < QUIREI_RECORD_FIELDS; i++) {
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
    const unsigned char *start[QUIREI_RECORD_FIELDS];
    uint64_t flen[QUIREI_RECORD_FIELDS];
    size_t total = 0;
    for (int i = 0; i < QUIREI_RECORD_FIELDS; i++) {
        uint64_t v;
        if (get_varint(&p, end, &v) < 0 || (v && v - 1 > (uint64_t)(end - p)))
            return QUIRE_ECORRUPT;
        start[i] = v ? p : NULL;
        flen[i] = v ? v - 1 : 0;
        p += flen[i];
        total += v ? flen[i] + 1 : 0;
    }
    if (!start[0] || !start[QUIREI_RECORD_FIELDS - 1])
        return QUIRE_ECORRUPT;
    quire_stored_doc_t *d = malloc(sizeof *d + total);
    if (!d)
        return QUIRE_ENOMEM;
    char *w = (char *)(d + 1);
    const char **dst[QUIREI_RECORD_FIELDS] = {&d->doc.id,     &d->doc.title, &d->doc.source,
                                              &d->doc.url,    &d->doc.author, &d->doc.date,
                                              &d->doc.body};
    for (int i = 0; i < QUIREI_RECORD_FIELDS; i++) {
        if (!start[i]) {
            *dst[i] = NULL;
            continue;
        }
        memcpy(w, start[i], flen[i]);
        w[flen[i]] = '\0';
        *dst[i] = w;
        w += flen[i] + 1;
    }
    d->body_len = (size_t)flen[QUIREI_RECORD_FIELDS - 1];
    *out = d;
    return QUIRE_OK;
}
