/*
 * shard_servers.h - a sharded index served shard by shard by xapian-tcpsrv,
 * for the tests that read it through tcp:// sources (test_shards_serve,
 * test_shards_partial). Failures are Criterion assertions.
 */
#ifndef QUIRE_TEST_SHARD_SERVERS_H
#define QUIRE_TEST_SHARD_SERVERS_H

#include "tcpsrv_harness.h"

#define QT_URL_MAX 64

/* Index the JSON Lines file corpus into db as n shards kept apart
 * (quire-index --shards n --keep-shards), then serve shard k (db's
 * "shardK.1") with tcp[k] on a free port, its source in urls[k]
 * ("tcp://127.0.0.1:PORT"). Stop them with qt_tcpsrv_stop(). */
void qt_serve_shards(const char *db, const char *corpus, unsigned n, qt_tcpsrv *tcp,
                     char (*urls)[QT_URL_MAX]);

#endif
