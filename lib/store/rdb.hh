/*
 * rdb.hh - the read database's state, shared by the two C++ files of the
 * store layer: index.cc (queries, documents, terms over the combined
 * database) and shards.cc (which shards make it up: opening, reopening,
 * shards going down and coming back, revisions and generations).
 * C++ only; C sees quirei_rdb as an opaque type (index.h).
 */
#ifndef QUIRE_RDB_HH
#define QUIRE_RDB_HH

#include "store/index.h"

#include <xapian.h>

#include <string>
#include <unordered_map>
#include <vector>

/* One shard of a reader. A remote shard that cannot be reached is "down":
 * left out of the combined database and tried again at most once every
 * QUIREI_SHARD_RETRY_MS (Xapian 1.4 has no failover: a search on a
 * combined database with a dead remote shard throws NetworkError). */
struct rdb_shard {
    std::string label; /* the path, or tcp://HOST:PORT (layout.h) */
    std::string path;  /* local: the database directory */
    std::string host;  /* remote */
    unsigned port = 0;
    bool remote = false;
    Xapian::Database db; /* shares its internals with quirei_rdb::db */
    bool up = false;
    double tried_ms = 0; /* the last try to connect (down shards) */
    std::string why;     /* why it is down */
};

/* Did a background probe see host:port accept a TCP connection lately
 * (shard_probe.cc)? When none did, starts one (connecting with timeout_ms)
 * unless one ran within QUIREI_SHARD_RETRY_MS, and waits for it 50 ms at
 * most: never for the connect timeout. Thread-safe; now is
 * quirei_now_ms(). */
bool quirei_shard_answers(const std::string &host, unsigned port, unsigned timeout_ms,
                          double now);

struct quirei_rdb {
    std::vector<std::string> sources; /* what the reader was given (layout.h) */
    quirei_rdb_options opt;           /* timeouts filled in */
    std::vector<rdb_shard> shards;    /* every shard the sources name, in order */
    Xapian::Database db;              /* the shards that are up, as one */
    std::vector<std::string> down;    /* labels of the shards that are down */
    std::vector<const char *> down_c; /* down[i].c_str(), for C */
    /* Term frequencies read since the shards last moved, when some shard
     * is remote: each lookup there is a round trip per remote shard, and a
     * search looks up its words several times (spelling, weights, the
     * work limit). Emptied by every move (rebuild in shards.cc). */
    bool any_remote = false;
    std::unordered_map<std::string, Xapian::doccount> tf;
};

/* The number of documents holding term, over the shards that are up;
 * cached when some shard is remote (see quirei_rdb::tf). Throws as
 * Xapian does. */
Xapian::doccount quirei_rdb_termfreq(quirei_rdb *db, const std::string &term);

/* The one place where exceptions become statuses (index.cc): call inside a
 * catch block; it rethrows the current exception to look at it. */
quire_status_t quirei_from_exception(quirei_buf *err, const char *what);

/* What a read of db that threw should return (call inside a catch block).
 * A NetworkError may mean a remote shard went down (or that its server
 * closed an idle connection): every remote shard is checked, those that
 * do not answer are reconnected or left out, and the read gets
 * QUIRE_EMODIFIED (the read side's retry reopens and reads again, on the
 * shards that are up) or QUIRE_EIO when none is left. Anything else:
 * quirei_from_exception(). */
quire_status_t quirei_rdb_failed(quirei_rdb *db, quirei_buf *err, const char *what);

/* OP_SYNONYM of the at most `limit` most frequent terms of db starting
 * with prefix (see quirei_q_wildcard in index.h); no term: a query that
 * matches nothing. A network error falls back on OP_WILDCARD (the search
 * then meets the error and deals with it). Throws std::bad_alloc. */
Xapian::Query quirei_shards_wildcard(quirei_rdb *db, const char *prefix, unsigned limit);

#endif
