/* id_set.c - hashes of the ids a writer thread added; see id_set.h. */
#include "write/id_set.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"

#define FIRST_CAP 4096

static uint64_t *slot_of(uint64_t *slots, size_t cap, uint64_t h)
{
    size_t i = (size_t)(h ^ (h >> 29)) & (cap - 1);
    while (slots[i] && slots[i] != h)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int grow(quirei_id_set *s)
{
    size_t cap = s->cap ? s->cap * 2 : FIRST_CAP;
    uint64_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i])
            *slot_of(slots, cap, s->slots[i]) = s->slots[i];
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

int quirei_id_set_add(quirei_id_set *s, const char *id, size_t len, int *seen)
{
    *seen = 1;
    if (s->n >= s->cap / 2 && grow(s) < 0)
        return -1;
    uint64_t h = quirei_fnv1a64(QUIREI_FNV64_INIT, id, len);
    if (!h)
        h = 1;
    uint64_t *sl = slot_of(s->slots, s->cap, h);
    *seen = *sl != 0;
    if (!*sl) {
        *sl = h;
        s->n++;
    }
    return 0;
}

void quirei_id_set_release(quirei_id_set *s)
{
    free(s->slots);
    memset(s, 0, sizeof *s);
}
