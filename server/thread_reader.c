/*
 * thread_reader.c - a reader per worker thread (see thread_reader.h).
 */
#include "thread_reader.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "array.h"
#include "clock.h"

#define REOPEN_INTERVAL_MS 1000.0

static _Thread_local quire_reader_t *tl_reader;
static _Thread_local double tl_reopened_ms;

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

static quire_status_t open_reader(const char *db, char *err, size_t errlen)
{
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

quire_status_t thread_reader_get(const char *db, quire_reader_t **out, char *err,
                                 size_t errlen)
{
    if (!tl_reader) {
        quire_status_t st = open_reader(db, err, errlen);
        if (st != QUIRE_OK)
            return st;
    } else if (quirei_now_ms() - tl_reopened_ms > REOPEN_INTERVAL_MS) {
        tl_reopened_ms = quirei_now_ms();
        quire_status_t rst = quire_reader_reopen(tl_reader, NULL);
        /* A new generation that is damaged: the reader is left on the last
         * good one, which goes on serving (issue 16). */
        if (rst != QUIRE_OK && rst != QUIRE_ECORRUPT) {
            /* The index went away or changed shape: start afresh. */
            registry_set(tl_reader, NULL); /* its slot exists: cannot fail */
            quire_reader_close(tl_reader);
            tl_reader = NULL;
            return thread_reader_get(db, out, err, errlen);
        }
    }
    *out = tl_reader;
    return QUIRE_OK;
}
