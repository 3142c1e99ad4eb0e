/*
 * result_cache.c - the LRU of search responses (see result_cache.h).
 */
#include "result_cache.h"

#include "hash.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    struct entry *hnext;      /* hash chain */
    struct entry *prev, *next; /* LRU list, most recent first */
    uint64_t hash;
    size_t keylen, len;
    const char *type;
    char data[];              /* key, then body */
} entry_t;

struct rcache {
    pthread_mutex_t mu;
    entry_t **buckets;
    size_t nbuckets; /* a power of two */
    entry_t *head, *tail;
    size_t bytes, max_bytes, entries;
    unsigned long long hits, misses;
};

/* What an entry costs against the budget: its allocation and its bucket
 * share, roughly. */
static size_t entry_cost(size_t keylen, size_t len)
{
    return sizeof(entry_t) + keylen + len + 2 * sizeof(void *);
}

rcache_t *rcache_new(size_t max_bytes)
{
    if (max_bytes == 0)
        return NULL;
    rcache_t *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->nbuckets = 1024;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    c->max_bytes = max_bytes;
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

void rcache_free(rcache_t *c)
{
    if (!c)
        return;
    for (entry_t *e = c->head, *n; e; e = n) {
        n = e->next;
        free(e);
    }
    free(c->buckets);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static void lru_unlink(rcache_t *c, entry_t *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push_front(rcache_t *c, entry_t *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    c->head = e;
    if (!c->tail)
        c->tail = e;
}

/* The link that points at the entry for key (or the chain's end). */
static entry_t **find_link(rcache_t *c, uint64_t h, const char *key, size_t keylen)
{
    entry_t **p = &c->buckets[h & (c->nbuckets - 1)];
    while (*p && !((*p)->hash == h && (*p)->keylen == keylen &&
                   memcmp((*p)->data, key, keylen) == 0))
        p = &(*p)->hnext;
    return p;
}

static void remove_entry(rcache_t *c, entry_t *e)
{
    entry_t **p = find_link(c, e->hash, e->data, e->keylen);
    if (*p == e)
        *p = e->hnext;
    lru_unlink(c, e);
    c->bytes -= entry_cost(e->keylen, e->len);
    c->entries--;
    free(e);
}

/* More buckets once chains grow past two on average; failing to grow
 * only makes chains longer. */
static void maybe_grow(rcache_t *c)
{
    if (c->entries <= 2 * c->nbuckets)
        return;
    size_t n = c->nbuckets * 2;
    entry_t **b = calloc(n, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < c->nbuckets; i++)
        for (entry_t *e = c->buckets[i], *next; e; e = next) {
            next = e->hnext;
            e->hnext = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = n;
}

char *rcache_get(rcache_t *c, const char *key, size_t keylen, size_t *len, const char **type)
{
    if (!c)
        return NULL;
    uint64_t h = quirei_fnv1a64(QUIREI_FNV64_INIT, key, keylen);
    char *copy = NULL;
    pthread_mutex_lock(&c->mu);
    entry_t *e = *find_link(c, h, key, keylen);
    if (e && (copy = malloc(e->len + 1))) {
        memcpy(copy, e->data + e->keylen, e->len);
        copy[e->len] = '\0';
        *len = e->len;
        *type = e->type;
        lru_unlink(c, e);
        lru_push_front(c, e);
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->mu);
    return copy;
}

void rcache_put(rcache_t *c, const char *key, size_t keylen, const char *body, size_t len,
                const char *type)
{
    if (!c)
        return;
    size_t cost = entry_cost(keylen, len);
    if (cost > c->max_bytes / 4)
        return;
    entry_t *e = malloc(sizeof *e + keylen + len);
    if (!e)
        return;
    e->hash = quirei_fnv1a64(QUIREI_FNV64_INIT, key, keylen);
    e->keylen = keylen;
    e->len = len;
    e->type = type;
    memcpy(e->data, key, keylen);
    memcpy(e->data + keylen, body, len);
    pthread_mutex_lock(&c->mu);
    entry_t *old = *find_link(c, e->hash, key, keylen);
    if (old)
        remove_entry(c, old);
    while (c->tail && c->bytes + cost > c->max_bytes)
        remove_entry(c, c->tail);
    entry_t **p = &c->buckets[e->hash & (c->nbuckets - 1)];
    e->hnext = *p;
    *p = e;
    lru_push_front(c, e);
    c->bytes += cost;
    c->entries++;
    maybe_grow(c);
    pthread_mutex_unlock(&c->mu);
}

void rcache_stats(rcache_t *c, rcache_stats_t *out)
{
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    out->hits = c->hits;
    out->misses = c->misses;
    out->entries = c->entries;
    out->bytes = c->bytes;
    out->max_bytes = c->max_bytes;
    pthread_mutex_unlock(&c->mu);
}
