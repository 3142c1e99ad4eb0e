/*
 * shards.cc - which shards make up a reader's database (see index.h, "the
 * read side", and rdb.hh): the sources resolved into shards by
 * store/layout.c, local shards opened as Xapian databases and remote ones
 * with Xapian::Remote::open(); a remote shard that cannot be reached is
 * left out (down) and tried again at most once a second, once a
 * background probe saw its port answer (shard_probe.cc); revisions and
 * generations shard by shard.
 *
 * Why per-shard state: Xapian 1.4 has no failover. A combined database with
 * a dead remote shard throws NetworkError on open and on every search (its
 * ErrorHandler is ignored since 1.3.5), so answering from the shards that
 * are up means building the combined database from those alone, and
 * noticing when one comes back.
 */
#include "store/index.h"
#include "store/layout.h"
#include "store/rdb.hh"

#include <xapian.h>

#include "clock.h"
#include "hash.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {

/* The specs of store/layout.c, released however the scope is left. */
struct specs_holder {
    quirei_shard_spec_list s{};
    specs_holder() = default;
    specs_holder(const specs_holder &) = delete;
    specs_holder &operator=(const specs_holder &) = delete;
    ~specs_holder() { quirei_shard_specs_release(&s); }
};

void say(quirei_buf *err, const std::string &msg)
{
    if (err) {
        quirei_buf_reset(err);
        quirei_buf_add(err, msg.data(), msg.size());
    }
}

/* Every shard the sources name (not opened), or a status. */
quire_status_t resolve(const std::vector<std::string> &sources, std::vector<rdb_shard> &out,
                       quirei_buf *err)
{
    specs_holder sp;
    for (const std::string &s : sources) {
        quire_status_t st = quirei_source_resolve(s.c_str(), &sp.s, err);
        if (st)
            return st;
    }
    out.clear();
    for (size_t i = 0; i < sp.s.n; i++) {
        const quirei_shard_spec &e = sp.s.v[i];
        rdb_shard sh;
        sh.label = e.label;
        sh.remote = e.kind == QUIREI_STUB_REMOTE;
        if (sh.remote) {
            sh.host = e.host;
            sh.port = e.port;
        } else {
            sh.path = e.path;
        }
        out.push_back(std::move(sh));
    }
    return QUIRE_OK;
}

/* Open shard s afresh. A local shard that fails throws (a missing or
 * damaged directory is the index's problem, not a shard being down); a
 * remote one that cannot be reached is marked down. */
void connect(const quirei_rdb_options &o, rdb_shard &s)
{
    s.tried_ms = quirei_now_ms();
    if (!s.remote) {
        s.db = Xapian::Database(s.path);
        s.up = true;
        return;
    }
    try {
        s.db = Xapian::Remote::open(s.host, s.port, o.timeout_ms, o.connect_timeout_ms);
        s.up = true;
        s.why.clear();
    } catch (const Xapian::NetworkError &e) {
        s.db = Xapian::Database();
        s.up = false;
        s.why = e.get_description();
    }
}

/* The combined database of the shards that are up, and the list of those
 * that are down. */
void rebuild(quirei_rdb *r)
{
    Xapian::Database all;
    std::vector<std::string> down;
    for (rdb_shard &s : r->shards) {
        if (s.up)
            all.add_database(s.db);
        else
            down.push_back(s.label);
    }
    r->db = all;
    r->tf.clear();
    r->any_remote = false;
    for (const rdb_shard &s : r->shards)
        r->any_remote |= s.remote;
    r->down.swap(down);
    r->down_c.clear();
    for (const std::string &d : r->down)
        r->down_c.push_back(d.c_str());
}

/* QUIRE_EIO when no shard is up, naming each with its reason. */
quire_status_t check_some_up(const quirei_rdb *r, quirei_buf *err)
{
    for (const rdb_shard &s : r->shards)
        if (s.up)
            return QUIRE_OK;
    std::string msg = "no shard is up:";
    for (const rdb_shard &s : r->shards)
        msg += " " + s.label + " (" + s.why + ");";
    msg.pop_back();
    say(err, msg);
    return QUIRE_EIO;
}

/* Resolve r's sources and open every shard; r's state is replaced only when
 * some shard is up. Xapian errors of local shards are thrown. */
quire_status_t open_all(quirei_rdb *r, quirei_buf *err)
{
    std::vector<rdb_shard> fresh;
    quire_status_t st = resolve(r->sources, fresh, err);
    if (st)
        return st;
    for (rdb_shard &s : fresh)
        connect(r->opt, s);
    std::swap(r->shards, fresh);
    if ((st = check_some_up(r, err))) {
        std::swap(r->shards, fresh);
        return st;
    }
    rebuild(r);
    return QUIRE_OK;
}

bool same_shards(const std::vector<rdb_shard> &a, const std::vector<rdb_shard> &b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); i++)
        if (a[i].label != b[i].label)
            return false;
    return true;
}

/* Bring shard s up to date: reopen it when up (reconnecting once when its
 * server dropped the connection: xapian-tcpsrv closes idle ones), try it
 * again when down and its retry is due. Whether its state or revision
 * moved. */
bool refresh(const quirei_rdb_options &o, rdb_shard &s, double now)
{
    if (!s.up) {
        if (now - s.tried_ms < QUIREI_SHARD_RETRY_MS)
            return false;
        /* A remote shard is reconnected only once its port answers a
         * background probe: a dead host would hold this request for the
         * whole connect timeout (shard_probe.cc). */
        if (s.remote && !quirei_shard_answers(s.host, s.port, o.connect_timeout_ms, now)) {
            s.tried_ms = now;
            return false;
        }
        connect(o, s);
        return s.up;
    }
    if (!s.remote)
        return s.db.reopen();
    try {
        return s.db.reopen();
    } catch (const Xapian::NetworkError &) {
        connect(o, s);
        return true;
    }
}

/* After a NetworkError whose context was `context`: the shard it names
 * ("remote:tcp(HOST:PORT)") is reconnected (after a timeout its
 * connection may still hold the late answer, so it is not asked again);
 * every other up remote shard must answer a keep-alive, else it is
 * reconnected too. Those that cannot be are marked down. Whether any
 * changed. */
bool probe(quirei_rdb *r, const std::string &context)
{
    bool moved = false;
    for (rdb_shard &s : r->shards) {
        if (!s.remote || !s.up)
            continue;
        std::string me = "tcp(" + s.host + ":" + std::to_string(s.port) + ")";
        bool named = context.find(me) != std::string::npos;
        try {
            if (!named) {
                s.db.keep_alive();
                continue;
            }
        } catch (const Xapian::NetworkError &) {
        }
        connect(r->opt, s);
        moved = true;
    }
    return moved;
}

/* The revision a shard reports: its own when local; a remote one's from
 * the metadata key the writer keeps (Xapian 1.4's remote protocol sends no
 * revision); "" when it has none. */
std::string shard_revision(rdb_shard &s, const char *rev_key)
{
    if (!s.remote)
        return std::to_string(s.db.get_revision());
    return rev_key ? s.db.get_metadata(rev_key) : std::string();
}

} // namespace

quire_status_t quirei_rdb_failed(quirei_rdb *db, quirei_buf *err, const char *what)
{
    try {
        throw;
    } catch (const Xapian::NetworkError &e) {
        std::string first = std::string(what) + ": " + e.get_description();
        try {
            if (!probe(db, e.get_context())) {
                say(err, first);
                return QUIRE_EXAPIAN; /* every shard answers: a real failure */
            }
            quire_status_t st = check_some_up(db, err);
            if (st)
                return st;
            rebuild(db);
        } catch (...) {
            return quirei_from_exception(err, what);
        }
        say(err, first + " (a shard went down or reconnected: read again)");
        return QUIRE_EMODIFIED;
    } catch (...) {
        return quirei_from_exception(err, what);
    }
}

/* Enough for the words of many searches; emptied when full. */
#define TF_CACHE_MAX 100000

Xapian::doccount quirei_rdb_termfreq(quirei_rdb *db, const std::string &term)
{
    if (!db->any_remote)
        return db->db.get_termfreq(term);
    auto it = db->tf.find(term);
    if (it != db->tf.end())
        return it->second;
    Xapian::doccount n = db->db.get_termfreq(term);
    if (db->tf.size() >= TF_CACHE_MAX)
        db->tf.clear();
    db->tf.emplace(term, n);
    return n;
}

Xapian::Query quirei_shards_wildcard(quirei_rdb *db, const char *prefix, unsigned limit)
{
    std::vector<std::pair<Xapian::doccount, std::string>> terms;
    try {
        for (Xapian::TermIterator t = db->db.allterms_begin(prefix),
                                  e = db->db.allterms_end(prefix);
             t != e; ++t)
            terms.emplace_back(t.get_termfreq(), *t);
    } catch (const Xapian::Error &) {
        return Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, limit,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    }
    /* Most frequent first; allterms gave them in byte order, which
     * stable_sort keeps among equals. */
    std::stable_sort(terms.begin(), terms.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    if (limit && terms.size() > limit)
        terms.resize(limit);
    std::vector<Xapian::Query> v;
    v.reserve(terms.size());
    for (auto &t : terms)
        v.emplace_back(t.second);
    if (v.empty())
        return Xapian::Query::MatchNothing;
    return Xapian::Query(Xapian::Query::OP_SYNONYM, v.begin(), v.end());
}

extern "C" {

quire_status_t quirei_rdb_open_sources(const char *const *sources, size_t n,
                                       const quirei_rdb_options *o, quirei_rdb **out,
                                       quirei_buf *err)
{
    *out = nullptr;
    quirei_rdb *r = nullptr;
    try {
        r = new quirei_rdb();
        for (size_t i = 0; i < n; i++)
            r->sources.emplace_back(sources[i]);
        r->opt = o ? *o : quirei_rdb_options{};
        if (!r->opt.timeout_ms)
            r->opt.timeout_ms = QUIRE_SHARD_TIMEOUT_MS;
        if (!r->opt.connect_timeout_ms)
            r->opt.connect_timeout_ms = QUIRE_SHARD_CONNECT_TIMEOUT_MS;
        quire_status_t st = n ? open_all(r, err) : QUIRE_EINVAL;
        if (st) {
            if (!n)
                say(err, "no index path");
            delete r;
            return st;
        }
        *out = r;
        return QUIRE_OK;
    } catch (...) {
        delete r;
        return quirei_from_exception(err, "open index");
    }
}

quire_status_t quirei_rdb_open(const char *dir, quirei_rdb **out, quirei_buf *err)
{
    return quirei_rdb_open_sources(&dir, 1, nullptr, out, err);
}

void quirei_rdb_close(quirei_rdb *db)
{
    delete db;
}

quire_status_t quirei_rdb_reopen(quirei_rdb *db, int *changed, quirei_buf *err)
{
    *changed = 0;
    try {
        /* A new stub (compaction, merge, an edit of a manifest) names new
         * shards: open them all afresh. Otherwise bring each shard up to
         * date, and rebuild the combined database when one went down or
         * came back. */
        std::vector<rdb_shard> now;
        quire_status_t st = resolve(db->sources, now, err);
        if (st)
            return st;
        if (!same_shards(now, db->shards)) {
            if ((st = open_all(db, err)))
                return st;
            *changed = 1;
            return QUIRE_OK;
        }
        double t = quirei_now_ms();
        bool moved = false, updown = false;
        for (rdb_shard &s : db->shards) {
            bool was = s.up;
            moved |= refresh(db->opt, s, t);
            updown |= was != s.up;
        }
        if (moved || updown)
            rebuild(db);
        *changed = moved || updown;
        return check_some_up(db, err);
    } catch (...) {
        return quirei_from_exception(err, "reopen index");
    }
}

size_t quirei_rdb_shard_count(const quirei_rdb *db)
{
    return db->shards.size();
}

const char *const *quirei_rdb_down(const quirei_rdb *db, size_t *n)
{
    *n = db->down_c.size();
    return db->down_c.data();
}

quire_status_t quirei_rdb_revision(quirei_rdb *db, const char *rev_key, uint64_t *rev,
                                   quirei_buf *err)
{
    try {
        uint64_t sum = 0;
        for (rdb_shard &s : db->shards)
            if (s.up)
                sum += strtoull(shard_revision(s, rev_key).c_str(), nullptr, 10);
        *rev = sum;
        return QUIRE_OK;
    } catch (...) {
        return quirei_rdb_failed(db, err, "read revision");
    }
}

quire_status_t quirei_rdb_generation(quirei_rdb *db, const char *rev_key, uint64_t *gen,
                                     quirei_buf *err)
{
    try {
        /* Over "label=uuid:revision;" of each shard that is up, and
         * "label=down;" of each that is not: a shard going down or coming
         * back moves it too, so partial answers are never served once the
         * shard is back. A remote shard's revision is the one the writer
         * stores in its metadata; an index written before that key existed
         * falls back on what the server sends after each reopen (document
         * count, last document id, lengths), which misses a re-indexing
         * that changes none of them. */
        uint64_t h = QUIREI_FNV64_INIT;
        for (rdb_shard &s : db->shards) {
            std::string k = s.label + "=";
            if (!s.up) {
                k += "down";
            } else {
                k += s.db.get_uuid() + ":";
                std::string rev = shard_revision(s, rev_key);
                if (!rev.empty())
                    k += rev;
                else
                    k += "R:" + std::to_string(s.db.get_doccount()) + ":" +
                         std::to_string(s.db.get_lastdocid()) + ":" +
                         std::to_string(s.db.get_total_length()) + ":" +
                         std::to_string(s.db.get_doclength_lower_bound()) + ":" +
                         std::to_string(s.db.get_doclength_upper_bound());
            }
            k += ";";
            h = quirei_fnv1a64(h, k.data(), k.size());
        }
        *gen = h;
        return QUIRE_OK;
    } catch (...) {
        return quirei_rdb_failed(db, err, "read generation");
    }
}

} // extern "C"
