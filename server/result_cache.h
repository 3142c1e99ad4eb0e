/*
 * result_cache.h - a bounded LRU of search responses, shared by the
 * worker threads of quire-serve.
 *
 * Portals send the same queries over and over (the front page's saved
 * searches, a journalist paging back and forth); a response that is
 * already made costs a hash lookup and a copy instead of a search and ten
 * snippets. Like Elasticsearch's request cache, it never serves stale
 * results: the caller puts the index generation (quire_reader_generation())
 * into the key, so a commit makes every older entry unreachable, and the
 * LRU ages them out.
 *
 * Invariants:
 *   - the bytes held (keys + bodies + per-entry overhead) never exceed the
 *     budget given to rcache_new(); an entry larger than a quarter of the
 *     budget is not stored at all;
 *   - every entry is in exactly one hash chain and in the LRU list, most
 *     recently used first;
 *   - all functions are safe to call from any thread (one mutex; the work
 *     under it is a hash lookup and a memcpy).
 */
#ifndef QUIRE_RESULT_CACHE_H
#define QUIRE_RESULT_CACHE_H

#include <stddef.h>

typedef struct rcache rcache_t;

/* A cache holding at most max_bytes; NULL when max_bytes is 0 (no cache)
 * or out of memory. Every function below accepts a NULL cache and then
 * does nothing (gets miss). */
rcache_t *rcache_new(size_t max_bytes);
void rcache_free(rcache_t *c);

/* On a hit: a malloc'd copy of the body (the caller frees it), its length
 * in *len and its content type (a static string given to rcache_put) in
 * *type. NULL on a miss or when out of memory. */
char *rcache_get(rcache_t *c, const char *key, size_t keylen, size_t *len, const char **type);

/* Store a copy of body under key, replacing any entry with that key and
 * evicting the least recently used entries to stay within the budget.
 * `type` must be a string that outlives the cache (a literal). Silently
 * does nothing when the entry is too large or memory is short: a cache
 * may always forget. */
void rcache_put(rcache_t *c, const char *key, size_t keylen, const char *body, size_t len,
                const char *type);

/* Counters for /api/stats. */
typedef struct rcache_stats {
    unsigned long long hits, misses, entries, bytes, max_bytes;
} rcache_stats_t;
void rcache_stats(rcache_t *c, rcache_stats_t *out);

#endif
