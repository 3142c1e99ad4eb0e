/* term_counts.c - a document's unpositioned terms and their counts; see
 * term_counts.h. */
#include "schema/term_counts.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"

struct quirei_term_slot {
    uint32_t hash, off, len, count; /* count == 0: empty */
};

#define FIRST_CAP 1024 /* slots; a long article has a few thousand distinct terms */

static quirei_term_slot *find(quirei_term_slot *slots, size_t cap, const char *bytes,
                              uint32_t h, const char *term, size_t len)
{
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        quirei_term_slot *s = &slots[i];
        if (!s->count || (s->hash == h && s->len == len && !memcmp(bytes + s->off, term, len)))
            return s;
    }
}

/* Double the table (or make the first one); -1 when out of memory. */
static int grow(quirei_term_counts *c)
{
    size_t cap = c->cap ? c->cap * 2 : FIRST_CAP;
    quirei_term_slot *slots = calloc(cap, sizeof *slots);
    uint32_t *used = malloc(cap / 2 * sizeof *used);
    if (!slots || !used) {
        free(slots);
        free(used);
        return -1;
    }
    for (size_t i = 0; i < c->n; i++) {
        const quirei_term_slot *old = &c->slots[c->used[i]];
        quirei_term_slot *s = find(slots, cap, c->bytes.ptr, old->hash, c->bytes.ptr + old->off,
                                   old->len);
        *s = *old;
        used[i] = (uint32_t)(s - slots);
    }
    free(c->slots);
    free(c->used);
    c->slots = slots;
    c->used = used;
    c->cap = cap;
    return 0;
}

int quirei_term_counts_add(quirei_term_counts *c, const char *term, size_t len)
{
    if (len > UINT32_MAX || c->bytes.len + len > UINT32_MAX)
        return -1;
    /* At most half full: probes stay short. */
    if (c->n >= c->cap / 2 && grow(c) < 0)
        return -1;
    uint32_t h = quirei_fnv1a32(QUIREI_FNV32_INIT, term, len);
    quirei_term_slot *s = find(c->slots, c->cap, c->bytes.ptr, h, term, len);
    if (s->count) {
        s->count++;
        return 0;
    }
    uint32_t off = (uint32_t)c->bytes.len;
    if (quirei_buf_add(&c->bytes, term, len) < 0)
        return -1;
    *s = (quirei_term_slot){h, off, (uint32_t)len, 1};
    c->used[c->n++] = (uint32_t)(s - c->slots);
    return 0;
}

uint32_t quirei_term_counts_get(const quirei_term_counts *c, size_t i, const char **term,
                                size_t *len)
{
    const quirei_term_slot *s = &c->slots[c->used[i]];
    *term = c->bytes.ptr + s->off;
    *len = s->len;
    return s->count;
}

void quirei_term_counts_reset(quirei_term_counts *c)
{
    for (size_t i = 0; i < c->n; i++)
        c->slots[c->used[i]].count = 0;
    c->n = 0;
    quirei_buf_reset(&c->bytes);
}

void quirei_term_counts_release(quirei_term_counts *c)
{
    free(c->slots);
    free(c->used);
    quirei_buf_release(&c->bytes);
    memset(c, 0, sizeof *c);
}
