/* shard_servers.c - a sharded index served by xapian-tcpsrv (shard_servers.h). */
#include "shard_servers.h"

#include <criterion/criterion.h>
#include <stdio.h>

#include "server_harness.h"

void qt_serve_shards(const char *db, const char *corpus, unsigned n, qt_tcpsrv *tcp,
                     char (*urls)[QT_URL_MAX])
{
    char shards[16];
    snprintf(shards, sizeof shards, "%u", n);
    const char *idx[] = {QUIRE_BIN_DIR "/quire-index", "--db", db, "--shards", shards,
                         "--keep-shards", "--quiet", corpus, NULL};
    cr_assert_eq(qt_run_quiet(idx), 0, "quire-index failed");
    for (unsigned k = 0; k < n; k++) {
        char shard[512];
        snprintf(shard, sizeof shard, "%s/shard%u.1", db, k);
        qt_tcpsrv_start(&tcp[k], shard);
        snprintf(urls[k], QT_URL_MAX, "tcp://127.0.0.1:%u", tcp[k].port);
    }
}
