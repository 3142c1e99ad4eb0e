/* damage.c - the damaged-index mark of quire-serve (see damage.h). */
#include "damage.h"

#include <inttypes.h>
#include <pthread.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#define RECHECK_MS 1000.0

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static const char *index_path;
static int marked;
static char why[512];
static uint64_t marked_fp;  /* the index's fingerprint when it was marked */
static double checked_ms;   /* when the fingerprint was last looked at */

void damage_init(const char *db)
{
    index_path = db;
    const char *reason = getenv(DAMAGE_ENV_REASON);
    const char *fp = getenv(DAMAGE_ENV_FINGERPRINT);
    if (reason && *reason && fp) {
        marked = 1;
        snprintf(why, sizeof why, "%s", reason);
        marked_fp = strtoull(fp, NULL, 16);
        checked_ms = quirei_now_ms();
    }
}

void damage_mark(const char *reason)
{
    uint64_t fp = 0;
    quire_index_fingerprint(index_path, &fp);
    pthread_mutex_lock(&mu);
    if (!marked)
        fprintf(stderr, "quire-serve: the index %s is damaged: %s; answering 503 "
                        "index_unavailable until it changes (run quire-index --check --db %s)\n",
                index_path, reason, index_path);
    marked = 1;
    snprintf(why, sizeof why, "%s", reason && *reason ? reason : "the index is damaged");
    marked_fp = fp;
    checked_ms = quirei_now_ms();
    pthread_mutex_unlock(&mu);
}

int damage_current(char *reason, size_t len)
{
    pthread_mutex_lock(&mu);
    if (marked && quirei_now_ms() - checked_ms > RECHECK_MS) {
        uint64_t fp = 0;
        checked_ms = quirei_now_ms();
        if (quire_index_fingerprint(index_path, &fp) == QUIRE_OK && fp != marked_fp) {
            marked = 0;
            fprintf(stderr, "quire-serve: the index %s changed: serving it again\n",
                    index_path);
        }
    }
    int m = marked;
    if (m)
        snprintf(reason, len, "%s", why);
    pthread_mutex_unlock(&mu);
    return m;
}
