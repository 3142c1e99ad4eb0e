/* workers.c - the job pool of workers.h. */
#include "workers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct job {
    struct job *next;
    void (*fn)(void *);
    void *arg;
} job_t;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t more; /* a job was queued, or stop */
    pthread_cond_t idle; /* the last job finished */
    job_t *head, *tail;
    unsigned running;    /* jobs being run */
    int draining, stop;
    pthread_t *threads;
    unsigned n;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER,
          .more = PTHREAD_COND_INITIALIZER,
          .idle = PTHREAD_COND_INITIALIZER};

static void *work(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&pool.mu);
    for (;;) {
        while (!pool.head && !pool.stop)
            pthread_cond_wait(&pool.more, &pool.mu);
        if (!pool.head)
            break; /* stop, and nothing left */
        job_t *j = pool.head;
        if (!(pool.head = j->next))
            pool.tail = NULL;
        pool.running++;
        pthread_mutex_unlock(&pool.mu);
        j->fn(j->arg);
        free(j);
        pthread_mutex_lock(&pool.mu);
        if (--pool.running == 0 && !pool.head)
            pthread_cond_broadcast(&pool.idle);
    }
    pthread_mutex_unlock(&pool.mu);
    return NULL;
}

int workers_start(unsigned n)
{
    if (!(pool.threads = calloc(n, sizeof *pool.threads)))
        return -1;
    for (pool.n = 0; pool.n < n; pool.n++) {
        int err = pthread_create(&pool.threads[pool.n], NULL, work, NULL);
        if (err) {
            if (pool.n)
                break; /* fewer threads than asked: still a pool */
            fprintf(stderr, "quire-serve: cannot start a thread: %s\n", strerror(err));
            free(pool.threads);
            pool.threads = NULL;
            return -1;
        }
    }
    return 0;
}

int workers_submit(void (*fn)(void *), void *arg)
{
    job_t *j = malloc(sizeof *j);
    if (!j)
        return -1;
    *j = (job_t){NULL, fn, arg};
    pthread_mutex_lock(&pool.mu);
    int ok = pool.n && !pool.draining && !pool.stop;
    if (ok) {
        if (pool.tail)
            pool.tail->next = j;
        else
            pool.head = j;
        pool.tail = j;
        pthread_cond_signal(&pool.more);
    }
    pthread_mutex_unlock(&pool.mu);
    if (!ok)
        free(j);
    return ok ? 0 : -1;
}

void workers_drain(void)
{
    pthread_mutex_lock(&pool.mu);
    pool.draining = 1;
    while (pool.head || pool.running)
        pthread_cond_wait(&pool.idle, &pool.mu);
    pthread_mutex_unlock(&pool.mu);
}

void workers_stop(void)
{
    workers_drain();
    pthread_mutex_lock(&pool.mu);
    pool.stop = 1;
    pthread_cond_broadcast(&pool.more);
    pthread_mutex_unlock(&pool.mu);
    for (unsigned i = 0; i < pool.n; i++)
        pthread_join(pool.threads[i], NULL);
    free(pool.threads);
    pool.threads = NULL;
    pool.n = 0;
}
