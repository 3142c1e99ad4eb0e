/*
 * thread_reader.c - a reader per worker thread (see thread_reader.h).
 */
#include "thread_reader.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "array.h"
#include "clock.h"

#define REOPEN_INTERVAL_MS 1000.0

static _Thread_local quire_reader_t *tl_reader;
static _Thread_local double tl_reopened_ms;
/* The generation tl_reader replaced, held open (issue 16): a new
 * generation that opens but is found damaged by a search is left for this
 * one (thread_reader_fall_back()). Its files may be gone from the disk (a
 * merge or compaction removes the old shards once the stub names the new
 * ones); the open descriptors keep them readable. Closed when the next
 * generation replaces tl_reader. */
static _Thread_local quire_reader_t *tl_prev;
/* The sources' files (sources_fingerprint()) when tl_reader was opened
 * (or when its successor was found damaged); tl_fp_ok: they have one. */
static _Thread_local uint64_t tl_fp;
static _Thread_local int tl_fp_ok;
/* tl_reader is the previous generation, gone back to: a reopen in place
 * would move it to the damaged one the stub names, so none until the files
 * change. */
static _Thread_local int tl_fallen_back;

/* Every thread's reader, so that thread_readers_close_all() can close them
 * after the threads are gone. A slot whose reader was closed holds NULL
 * until a thread registers its new reader there. */
QUIREI_ARRAY(reader_list, quire_reader_t *)
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static reader_list registry;

/* Put `now` in the slot of `old` (NULL: any free slot), else in a new
 * slot. 0, or -1 when out of memory (the registry is unchanged). */
static int registry_set(quire_reader_t *old, quire_reader_t *now)
{
    pthread_mutex_lock(&registry_mu);
    size_t i;
    for (i = 0; i < registry.n && registry.v[i] != old; i++)
        ;
    int rc = 0;
    if (i < registry.n)
        registry.v[i] = now;
    else
        rc = reader_list_push(&registry, now);
    pthread_mutex_unlock(&registry_mu);
    return rc;
}

void thread_readers_close_all(void)
{
    pthread_mutex_lock(&registry_mu);
    for (size_t i = 0; i < registry.n; i++)
        quire_reader_close(registry.v[i]);
    reader_list_release(&registry);
    pthread_mutex_unlock(&registry_mu);
}

/* What readers open: set once, before the threads start. */
static const char *const *cfg_sources;
static size_t cfg_nsources;
static quire_reader_options_t cfg_opts;

void thread_readers_configure(const char *const *sources, size_t n,
                              const quire_reader_options_t *opts)
{
    cfg_sources = sources;
    cfg_nsources = n;
    cfg_opts = opts ? *opts : (quire_reader_options_t){0};
}

quire_status_t thread_reader_open_new(const char *db, quire_reader_t **out, char **detail)
{
    if (!cfg_nsources)
        return quire_reader_open(db, out, detail);
    return quire_reader_open_sources(cfg_sources, cfg_nsources, &cfg_opts, out, detail);
}

/* A hash of every configured source's files (quire_index_fingerprint()):
 * it changes with every commit, merge or compaction. 0, or -1 when a source
 * has none. Remote shards are not in it: their commits are followed by
 * reopening the reader in place, as before. */
static int sources_fingerprint(const char *db, uint64_t *fp)
{
    *fp = 0;
    size_t n = cfg_nsources ? cfg_nsources : 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t one = 0;
        if (quire_index_fingerprint(cfg_nsources ? cfg_sources[i] : db, &one) != QUIRE_OK)
            return -1;
        *fp = *fp * 1099511628211u ^ one;
    }
    return 0;
}

static void close_reader(quire_reader_t **r)
{
    if (*r) {
        registry_set(*r, NULL); /* its slot exists: cannot fail */
        quire_reader_close(*r);
        *r = NULL;
    }
}

static quire_status_t open_reader(const char *db, char *err, size_t errlen)
{
    tl_fp_ok = sources_fingerprint(db, &tl_fp) == 0;
    char *detail = NULL;
    quire_status_t st = thread_reader_open_new(db, &tl_reader, &detail);
    if (st != QUIRE_OK) {
        snprintf(err, errlen, "%s", detail ? detail : quire_strerror(st));
        free(detail);
        return st == QUIRE_ENOTFOUND ? QUIRE_EIO : st;
    }
    if (registry_set(NULL, tl_reader) < 0) {
        /* Unregistered, it would never be closed: do without it. */
        quire_reader_close(tl_reader);
        tl_reader = NULL;
        snprintf(err, errlen, "%s", quire_strerror(QUIRE_ENOMEM));
        return QUIRE_ENOMEM;
    }
    tl_reopened_ms = quirei_now_ms();
    return QUIRE_OK;
}

/* A new generation (the sources' files changed to `fp`): open it beside
 * the current reader, which becomes tl_prev. QUIRE_OK (also when the new
 * generation is damaged: the current reader goes on serving), or the
 * status of a failed open that is not damage (the caller starts afresh). */
static quire_status_t open_next(const char *db, uint64_t fp)
{
    quire_reader_t *fresh = NULL;
    char *detail = NULL;
    quire_status_t st = thread_reader_open_new(db, &fresh, &detail);
    free(detail);
    tl_fp = fp; /* a damaged generation is not opened again until it changes */
    if (st == QUIRE_ECORRUPT)
        return QUIRE_OK;
    if (st != QUIRE_OK)
        return st;
    if (registry_set(NULL, fresh) < 0) {
        quire_reader_close(fresh); /* out of memory: stay where we are */
        return QUIRE_OK;
    }
    close_reader(&tl_prev);
    tl_prev = tl_reader;
    tl_reader = fresh;
    tl_fallen_back = 0;
    return QUIRE_OK;
}

quire_status_t thread_reader_get(const char *db, quire_reader_t **out, char *err,
                                 size_t errlen)
{
    if (!tl_reader) {
        quire_status_t st = open_reader(db, err, errlen);
        if (st != QUIRE_OK)
            return st;
    } else if (quirei_now_ms() - tl_reopened_ms > REOPEN_INTERVAL_MS) {
        tl_reopened_ms = quirei_now_ms();
        uint64_t fp = 0;
        quire_status_t rst = QUIRE_OK;
        if (tl_fp_ok && sources_fingerprint(db, &fp) == 0 && fp != tl_fp) {
            rst = open_next(db, fp);
        } else if (!tl_fallen_back) {
            /* The local files are as they were (or have no fingerprint):
             * what may have moved is a remote shard's, reopened in place. */
            rst = quire_reader_reopen(tl_reader, NULL);
            /* A new generation that is damaged: the reader is left on the
             * last good one, which goes on serving (issue 16). */
            if (rst == QUIRE_ECORRUPT)
                rst = QUIRE_OK;
        }
        if (rst != QUIRE_OK) {
            /* The index went away or changed shape: start afresh. */
            close_reader(&tl_prev);
            close_reader(&tl_reader);
            tl_fallen_back = 0;
            return thread_reader_get(db, out, err, errlen);
        }
    }
    *out = tl_reader;
    return QUIRE_OK;
}

int thread_reader_fall_back(const char *reason)
{
    if (!tl_reader || !tl_prev)
        return 0;
    fprintf(stderr, "quire-serve: the index's newest generation is damaged (%s); this thread "
                    "serves the previous one until the index changes\n",
            reason && *reason ? reason : "a search failed");
    close_reader(&tl_reader);
    tl_reader = tl_prev;
    tl_prev = NULL;
    tl_fallen_back = 1;
    return 1;
}
