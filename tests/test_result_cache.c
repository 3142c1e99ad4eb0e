/*
 * test_result_cache.c - quire-serve's LRU of search responses
 * (server/result_cache.c): hits and misses, replacement, the byte budget,
 * least-recently-used eviction, and many threads at once.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result_cache.h"

static char *get(rcache_t *c, const char *key)
{
    size_t len = 0;
    const char *type = NULL;
    char *v = rcache_get(c, key, strlen(key), &len, &type);
    if (v) {
        cr_expect_eq(strlen(v), len);
        cr_expect_str_eq(type, "text/plain");
    }
    return v;
}

static void put(rcache_t *c, const char *key, const char *val)
{
    rcache_put(c, key, strlen(key), val, strlen(val), "text/plain");
}

Test(result_cache, no_budget_no_cache)
{
    rcache_t *c = rcache_new(0);
    cr_expect_null(c);
    put(c, "k", "v"); /* a NULL cache takes and forgets */
    cr_expect_null(get(c, "k"));
    rcache_stats_t s;
    rcache_stats(c, &s);
    cr_expect_eq(s.entries, 0);
}

Test(result_cache, hit_miss_and_replace)
{
    rcache_t *c = rcache_new(1 << 20);
    cr_assert_not_null(c);
    cr_expect_null(get(c, "q=a"));
    put(c, "q=a", "first");
    char *v = get(c, "q=a");
    cr_assert_not_null(v);
    cr_expect_str_eq(v, "first");
    free(v);
    put(c, "q=a", "second");
    v = get(c, "q=a");
    cr_expect_str_eq(v, "second");
    free(v);
    /* Keys are bytes: a prefix or a key with a NUL inside is another key. */
    rcache_put(c, "q=a\0x", 5, "nul", 3, "text/plain");
    size_t len;
    const char *type;
    v = rcache_get(c, "q=a\0x", 5, &len, &type);
    cr_expect_str_eq(v, "nul");
    free(v);
    cr_expect_null(get(c, "q="));
    rcache_stats_t s;
    rcache_stats(c, &s);
    cr_expect_eq(s.entries, 2);
    cr_expect_eq(s.hits, 3);
    cr_expect_eq(s.misses, 2);
    rcache_free(c);
}

Test(result_cache, stays_within_budget_and_evicts_least_recent)
{
    const size_t budget = 64 * 1024;
    rcache_t *c = rcache_new(budget);
    char val[1000], key[32];
    memset(val, 'x', sizeof val - 1);
    val[sizeof val - 1] = '\0';
    put(c, "keep", val);
    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put(c, key, val);
        char *v = get(c, "keep"); /* used all the time: never the oldest */
        cr_assert_not_null(v, "round %d: a recently used entry was evicted", i);
        free(v);
        rcache_stats_t s;
        rcache_stats(c, &s);
        cr_assert_leq(s.bytes, budget);
    }
    char *v = get(c, "k0");
    cr_expect_null(v, "the oldest entries went");
    free(v);
    v = get(c, "k499");
    cr_expect_not_null(v, "the newest stayed");
    free(v);
    /* An entry over a quarter of the budget is not stored. */
    char *big = malloc(budget / 2);
    memset(big, 'y', budget / 2 - 1);
    big[budget / 2 - 1] = '\0';
    put(c, "big", big);
    cr_expect_null(get(c, "big"));
    free(big);
    rcache_free(c);
}

static rcache_t *shared;

static void *worker(void *arg)
{
    long id = (long)arg;
    char key[32], val[64];
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "k%d", (int)((i * 7 + id) % 300));
        snprintf(val, sizeof val, "value of %s", key);
        if (i % 3 == 0) {
            put(shared, key, val);
        } else {
            char *v = get(shared, key);
            if (v && strcmp(v, val) != 0)
                return (void *)1; /* a value under the wrong key */
            free(v);
        }
    }
    return NULL;
}

Test(result_cache, many_threads)
{
    shared = rcache_new(16 * 1024); /* small: evictions all the time */
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, worker, (void *)i), 0);
    for (int i = 0; i < 4; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        cr_expect_null(ret, "thread %d read a wrong value", i);
    }
    rcache_stats_t s;
    rcache_stats(shared, &s);
    cr_expect_leq(s.bytes, 16 * 1024);
    cr_expect_gt(s.hits, 0);
    rcache_free(shared);
}
