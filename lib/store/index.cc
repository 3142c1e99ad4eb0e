/*
 * index.cc - the thin C++ wrapper over Xapian. The only C++ in Quire.
 *
 * It knows Xapian and nothing of Quire's schema: the prefixes, slots and
 * metadata keys it is given come from schema/schema.h (whose essay
 * describes what an index holds), and the shard list of an index
 * directory from store/layout.c (the one parser of the stub file).
 */
#include "store/index.h"
#include "store/layout.h"
#include "store/rdb.hh"

#include <xapian.h>

#include "hash.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

struct quirei_xdoc {
    Xapian::Document doc;
};

struct quirei_wdb {
    Xapian::WritableDatabase db;
};

namespace {

void note(quirei_buf *err, const char *what, const std::string &msg)
{
    if (!err)
        return;
    quirei_buf_reset(err);
    quirei_buf_addf(err, "%s: %s", what, msg.c_str());
}

} // namespace

/* The one place where exceptions become statuses (declared in rdb.hh). */
quire_status_t quirei_from_exception(quirei_buf *err, const char *what)
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        note(err, what, e.get_description());
        return QUIRE_ELOCKED;
    } catch (const Xapian::DatabaseNotFoundError &e) {
        note(err, what, e.get_description());
        return QUIRE_ENOTFOUND;
    } catch (const Xapian::DatabaseOpeningError &e) {
        note(err, what, e.get_description());
        return QUIRE_ENOTINDEX;
    } catch (const Xapian::DatabaseCorruptError &e) {
        note(err, what, "the index is damaged: " + e.get_description());
        return QUIRE_ECORRUPT;
    } catch (const Xapian::DatabaseModifiedError &e) {
        note(err, what, e.get_description());
        return QUIRE_EMODIFIED;
    } catch (const Xapian::DatabaseError &e) {
        /* Write failures (disk full, permissions) surface as DatabaseError
         * with the system's error; without one it is the data that is
         * wrong ("EOF reading block" of a truncated table, "inflate
         * failed" of a damaged one): damage, not I/O (issue 16). */
        if (!e.get_error_string()) {
            note(err, what, "the index is damaged: " + e.get_description());
            return QUIRE_ECORRUPT;
        }
        note(err, what, e.get_description());
        return QUIRE_EIO;
    } catch (const Xapian::Error &e) {
        note(err, what, e.get_description());
        return QUIRE_EXAPIAN;
    } catch (const std::bad_alloc &) {
        note(err, what, "out of memory");
        return QUIRE_ENOMEM;
    } catch (const std::exception &e) {
        note(err, what, e.what());
        return QUIRE_EINTERNAL;
    } catch (...) {
        note(err, what, "unknown exception");
        return QUIRE_EINTERNAL;
    }
}

namespace {

#define GUARD(what, body)                                                               \
    try {                                                                               \
        body;                                                                           \
        return QUIRE_OK;                                                                \
    } catch (...) {                                                                     \
        return quirei_from_exception(err, what);                                        \
    }

/* GUARD for reads of a quirei_rdb: a remote shard that went down is left
 * out (quirei_rdb_failed, rdb.hh). */
#define RDB_GUARD(db, what, body)                                                       \
    try {                                                                               \
        body;                                                                           \
        return QUIRE_OK;                                                                \
    } catch (...) {                                                                     \
        return quirei_rdb_failed(db, err, what);                                        \
    }

void append(quirei_buf *out, const std::string &s)
{
    if (quirei_buf_add(out, s.data(), s.size()) < 0)
        throw std::bad_alloc();
}

} // namespace

extern "C" {

/* ---------------------------------------------------------------- xdoc -- */

quirei_xdoc *quirei_xdoc_new(void)
{
    try {
        return new quirei_xdoc();
    } catch (...) {
        return nullptr;
    }
}

void quirei_xdoc_free(quirei_xdoc *d)
{
    delete d;
}

quire_status_t quirei_xdoc_clear(quirei_xdoc *d, quirei_buf *err)
{
    GUARD("clear document", d->doc = Xapian::Document())
}

quire_status_t quirei_xdoc_add_posting(quirei_xdoc *d, const char *term, size_t len,
                                       uint32_t pos, quirei_buf *err)
{
    GUARD("add posting", d->doc.add_posting(std::string(term, len), pos))
}

quire_status_t quirei_xdoc_add_term(quirei_xdoc *d, const char *term, size_t len,
                                    uint32_t wdfinc, quirei_buf *err)
{
    GUARD("add term", d->doc.add_term(std::string(term, len), wdfinc))
}

quire_status_t quirei_xdoc_add_boolean_term(quirei_xdoc *d, const char *term, size_t len,
                                            quirei_buf *err)
{
    GUARD("add boolean term", d->doc.add_boolean_term(std::string(term, len)))
}

quire_status_t quirei_xdoc_set_value(quirei_xdoc *d, unsigned slot, const char *v,
                                     size_t len, quirei_buf *err)
{
    GUARD("set value", d->doc.add_value(slot, std::string(v, len)))
}

quire_status_t quirei_xdoc_set_data(quirei_xdoc *d, const char *data, size_t len,
                                    quirei_buf *err)
{
    GUARD("set data", d->doc.set_data(std::string(data, len)))
}

/* ---------------------------------------------------------------- wdb --- */

quire_status_t quirei_wdb_open(const char *path, quirei_wdb **out, quirei_buf *err)
{
    return quirei_wdb_open_sync(path, 1, out, err);
}

quire_status_t quirei_wdb_open_sync(const char *path, int sync, quirei_wdb **out,
                                    quirei_buf *err)
{
    *out = nullptr;
    const int flags = Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS |
                      (sync ? 0 : Xapian::DB_NO_SYNC);
    GUARD("open shard for writing", *out = new quirei_wdb{Xapian::WritableDatabase(path, flags)})
}

void quirei_wdb_close(quirei_wdb *db)
{
    if (!db)
        return;
    try {
        /* Xapian commits pending changes on close(); errors were already
         * reported by the caller's explicit commit. */
        db->db.close();
    } catch (...) {
    }
    delete db;
}

quire_status_t quirei_wdb_get_metadata(quirei_wdb *db, const char *key, quirei_buf *val,
                                       quirei_buf *err)
{
    GUARD("read metadata", append(val, db->db.get_metadata(key)))
}

quire_status_t quirei_wdb_set_metadata(quirei_wdb *db, const char *key, const char *val,
                                       quirei_buf *err)
{
    GUARD("write metadata", db->db.set_metadata(key, val))
}

quire_status_t quirei_wdb_replace(quirei_wdb *db, const char *idterm, size_t idlen,
                                  quirei_xdoc *doc, int *replaced, quirei_buf *err)
{
    GUARD("index document", {
        std::string id(idterm, idlen);
        *replaced = db->db.term_exists(id);
        db->db.replace_document(id, doc->doc);
    })
}

quire_status_t quirei_wdb_add(quirei_wdb *db, quirei_xdoc *doc, quirei_buf *err)
{
    GUARD("index document", db->db.add_document(doc->doc))
}

quire_status_t quirei_wdb_delete(quirei_wdb *db, const char *idterm, size_t idlen, int *found,
                                 quirei_buf *err)
{
    GUARD("delete document", {
        std::string id(idterm, idlen);
        /* The writable database's own reads include its uncommitted
         * changes, so an add of this id earlier in the batch is found. */
        *found = db->db.term_exists(id);
        if (*found)
            db->db.delete_document(id);
    })
}

quire_status_t quirei_wdb_commit(quirei_wdb *db, quirei_buf *err)
{
    GUARD("commit", db->db.commit())
}

quire_status_t quirei_wdb_revision(quirei_wdb *db, uint64_t *rev, quirei_buf *err)
{
    GUARD("read revision", *rev = db->db.get_revision())
}

/* Compacted databases are written with 4 KB blocks rather than Xapian's
 * 8 KB: every postlist a query opens starts with a fresh cursor that
 * pread()s each block from the root down, and copying half as much per
 * level makes searches ~8% faster (open eval set, p50 0.231 -> 0.214 ms),
 * at no cost in size (563 MB against 567 MB for the shared corpus). */
#define QUIREI_COMPACT_BLOCK_SIZE 4096

quire_status_t quirei_compact(const char *src, const char *dst, quirei_buf *err)
{
    GUARD("compact shard",
          Xapian::Database(src).compact(dst, 0, QUIREI_COMPACT_BLOCK_SIZE))
}

quire_status_t quirei_merge(const char *const *srcs, size_t n, const char *dst, quirei_buf *err)
{
    GUARD("merge shards", {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++)
            all.add_database(Xapian::Database(srcs[i]));
        all.compact(dst, 0, QUIREI_COMPACT_BLOCK_SIZE);
    })
}

quire_status_t quirei_wdb_doc_count(quirei_wdb *db, uint64_t *n, quirei_buf *err)
{
    GUARD("count documents", *n = db->db.get_doccount())
}

/* ---------------------------------------------------------------- rdb --- */

quire_status_t quirei_rdb_doc_count(quirei_rdb *db, uint64_t *n, quirei_buf *err)
{
    RDB_GUARD(db, "count documents", *n = db->db.get_doccount())
}

quire_status_t quirei_rdb_get_metadata(quirei_rdb *db, const char *key, quirei_buf *val,
                                       quirei_buf *err)
{
    RDB_GUARD(db, "read metadata", append(val, db->db.get_metadata(key)))
}

quire_status_t quirei_rdb_term_freq(quirei_rdb *db, const char *term, uint64_t *freq,
                                    quirei_buf *err)
{
    RDB_GUARD(db, "read term frequency", *freq = quirei_rdb_termfreq(db, term))
}

quire_status_t quirei_rdb_terms(quirei_rdb *db, const char *prefix, quirei_term_want want,
                                quirei_term_fn fn, void *ctx, quirei_buf *err)
{
    RDB_GUARD(db, "list terms", for (Xapian::TermIterator t = db->db.allterms_begin(prefix),
                             e = db->db.allterms_end(prefix);
                             t != e; ++t) {
        const std::string s = *t;
        if (want && !want(s.data(), s.size(), ctx))
            continue;
        if (fn(s.data(), s.size(), t.get_termfreq(), ctx))
            break;
    })
}

quire_status_t quirei_rdb_get_data(quirei_rdb *db, const char *idterm, quirei_buf *data,
                                   quirei_buf *err)
{
    try {
        Xapian::PostingIterator p = db->db.postlist_begin(idterm);
        if (p == db->db.postlist_end(idterm))
            return QUIRE_ENOTFOUND;
        append(data, db->db.get_document(*p).get_data());
        return QUIRE_OK;
    } catch (...) {
        return quirei_rdb_failed(db, err, "read document");
    }
}

namespace {
/* quirei_rdb_expand()'s want as Xapian's ExpandDecider. */
struct want_decider : Xapian::ExpandDecider {
    quirei_term_want want;
    void *ctx;
    want_decider(quirei_term_want w, void *c) : want(w), ctx(c) {}
    bool operator()(const std::string &t) const override
    {
        return want(t.data(), t.size(), ctx) != 0;
    }
};
} // namespace

quire_status_t quirei_rdb_expand(quirei_rdb *db, const char *idterm, unsigned n,
                                 quirei_term_want want, quirei_eterm_fn fn, void *ctx,
                                 quirei_buf *err)
{
    try {
        Xapian::PostingIterator p = db->db.postlist_begin(idterm);
        if (p == db->db.postlist_end(idterm))
            return QUIRE_ENOTFOUND;
        Xapian::RSet rset;
        rset.add_document(*p);
        Xapian::Enquire enq(db->db);
        /* Bo1 (divergence from randomness) rather than the default
         * TradEWeight: with one relevant document TradEWeight is only an
         * idf, so the words found in this document alone (which match
         * nothing else) came first; Bo1 weighs how often the document uses
         * a word against how often the index does. */
        enq.set_expansion_scheme("bo1");
        want_decider decider(want, ctx);
        Xapian::ESet eset = enq.get_eset(n, rset, Xapian::Enquire::INCLUDE_QUERY_TERMS,
                                         want ? &decider : nullptr);
        for (Xapian::ESetIterator t = eset.begin(); t != eset.end(); ++t) {
            const std::string s = *t;
            if (fn(s.data(), s.size(), t.get_weight(), db->db.get_termfreq(s), ctx))
                break;
        }
        return QUIRE_OK;
    } catch (...) {
        return quirei_from_exception(err, "expand document");
    }
}

/* -------------------------------------------------------------- queries -- */

struct quirei_q {
    Xapian::Query q;
};

struct quirei_mset {
    Xapian::MSet m;
    quirei_value_counts *counts; /* NULL: no spies, or taken */
    quirei_rdb *db;              /* that ran it (outlives it) */
    /* The last hit read: its value and its data come with one read, which
     * on a remote shard is one round trip (Xapian 1.4 fetches a remote
     * document whole, and MSet::fetch() does not prefetch them). */
    Xapian::Document doc;
    Xapian::doccount doc_i;
};

namespace {

/* Hit i's document, read once for all its values and its data. */
const Xapian::Document &hit_document(quirei_mset *m, size_t i)
{
    if (m->doc_i != (Xapian::doccount)i) {
        m->doc = (m->m.begin() + (Xapian::doccount)i).get_document();
        m->doc_i = (Xapian::doccount)i;
    }
    return m->doc;
}

} // namespace

quirei_q *quirei_q_term(const char *term, size_t len)
{
    try {
        return new quirei_q{Xapian::Query(std::string(term, len))};
    } catch (...) {
        return nullptr;
    }
}

quirei_q *quirei_q_match_all(void)
{
    try {
        return new quirei_q{Xapian::Query::MatchAll};
    } catch (...) {
        return nullptr;
    }
}

quirei_q *quirei_q_combine(quirei_op op, quirei_q **subs, size_t n, unsigned window)
{
    static const Xapian::Query::op ops[] = {
        Xapian::Query::OP_AND,    Xapian::Query::OP_OR,     Xapian::Query::OP_AND_NOT,
        Xapian::Query::OP_AND_MAYBE, Xapian::Query::OP_FILTER, Xapian::Query::OP_PHRASE,
        Xapian::Query::OP_NEAR,  Xapian::Query::OP_SYNONYM,
    };
    quirei_q *out = nullptr;
    try {
        std::vector<Xapian::Query> v;
        v.reserve(n);
        for (size_t i = 0; i < n; i++)
            if (subs[i])
                v.push_back(subs[i]->q);
        out = new quirei_q{Xapian::Query(ops[op], v.begin(), v.end(), window)};
    } catch (...) {
        out = nullptr;
    }
    for (size_t i = 0; i < n; i++)
        delete subs[i];
    return out;
}

quirei_q *quirei_q_scale(quirei_q *q, double factor)
{
    if (!q)
        return nullptr;
    quirei_q *out = nullptr;
    try {
        out = new quirei_q{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor)};
    } catch (...) {
        out = nullptr;
    }
    delete q;
    return out;
}

quirei_q *quirei_q_wildcard(quirei_rdb *db, const char *prefix, unsigned limit)
{
    try {
        if (!db || quirei_rdb_shard_count(db) < 2)
            return new quirei_q{Xapian::Query(Xapian::Query::OP_WILDCARD, prefix, limit,
                                              Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT)};
        return new quirei_q{quirei_shards_wildcard(db, prefix, limit)};
    } catch (...) {
        return nullptr;
    }
}

quirei_q *quirei_q_value_range(unsigned slot, const char *lo, const char *hi)
{
    try {
        if (lo && hi)
            return new quirei_q{Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi)};
        if (lo)
            return new quirei_q{Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo)};
        if (hi)
            return new quirei_q{Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi)};
        return new quirei_q{Xapian::Query::MatchAll};
    } catch (...) {
        return nullptr;
    }
}

quirei_q *quirei_q_copy(const quirei_q *q)
{
    try {
        return new quirei_q{q->q};
    } catch (...) {
        return nullptr;
    }
}

void quirei_q_free(quirei_q *q)
{
    delete q;
}

namespace {

/* The documents of a list, for quirei_q_docids(). Xapian gives each shard
 * of a combined database its own clone, initialised with that shard alone,
 * whose document numbers are the combined ones d of that shard: shard
 * (d - 1) % n, number (d - 1) / n + 1. A clone tells its shard by uuid; one
 * it cannot tell (two shards with one uuid: a copied shard) passes every
 * document of its shard, so the filter never drops a listed one. */
class DocidSource : public Xapian::PostingSource {
    std::shared_ptr<const std::vector<Xapian::docid>> all_; /* sorted, combined */
    std::shared_ptr<const std::vector<std::string>> uuids_; /* of each shard */
    std::vector<Xapian::docid> ids_;                        /* this shard's, sorted */
    bool every_ = false;                                    /* the uuid was not told */
    Xapian::docid last_ = 0, cur_ = 0;
    size_t i_ = 0;
    bool started_ = false;

  public:
    DocidSource(std::shared_ptr<const std::vector<Xapian::docid>> all,
                std::shared_ptr<const std::vector<std::string>> uuids)
        : all_(std::move(all)), uuids_(std::move(uuids))
    {
    }
    PostingSource *clone() const override { return new DocidSource(all_, uuids_); }
    std::string name() const override { return std::string(); }
    void init(const Xapian::Database &db) override
    {
        started_ = false;
        i_ = 0;
        ids_.clear();
        every_ = false;
        size_t n = uuids_->size();
        if (n <= 1) {
            ids_ = *all_;
            return;
        }
        size_t k = n;
        std::string u = db.get_uuid();
        for (size_t j = 0; j < n; j++)
            if ((*uuids_)[j] == u) {
                if (k < n) { /* twice: cannot tell */
                    k = n;
                    break;
                }
                k = j;
            }
        if (k == n) {
            every_ = true;
            last_ = db.get_lastdocid();
            return;
        }
        for (Xapian::docid d : *all_)
            if ((d - 1) % n == k)
                ids_.push_back((d - 1) / (Xapian::docid)n + 1);
    }
    Xapian::doccount get_termfreq_min() const override { return every_ ? 0 : ids_.size(); }
    Xapian::doccount get_termfreq_est() const override { return every_ ? last_ : ids_.size(); }
    Xapian::doccount get_termfreq_max() const override { return every_ ? last_ : ids_.size(); }
    void next(double) override
    {
        if (every_)
            cur_ = started_ ? cur_ + 1 : 1;
        else if (started_)
            i_++;
        started_ = true;
    }
    void skip_to(Xapian::docid did, double) override
    {
        started_ = true;
        if (every_) {
            cur_ = cur_ > did ? cur_ : did;
            return;
        }
        i_ = std::lower_bound(ids_.begin() + (std::ptrdiff_t)i_, ids_.end(), did) - ids_.begin();
    }
    bool at_end() const override { return every_ ? cur_ > last_ : i_ >= ids_.size(); }
    Xapian::docid get_docid() const override { return every_ ? cur_ : ids_[i_]; }
};

} // namespace

quirei_q *quirei_q_docids(quirei_rdb *db, const unsigned *ids, size_t n, int *unsupported)
{
    *unsupported = 0;
    try {
        for (auto &s : db->shards)
            if (s.remote) {
                *unsupported = 1;
                return nullptr;
            }
        auto all = std::make_shared<std::vector<Xapian::docid>>(ids, ids + n);
        std::sort(all->begin(), all->end());
        all->erase(std::unique(all->begin(), all->end()), all->end());
        auto uuids = std::make_shared<std::vector<std::string>>();
        for (auto &s : db->shards)
            uuids->push_back(s.db.get_uuid());
        Xapian::Query src((new DocidSource(all, uuids))->release());
        return new quirei_q{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, src, 0.0)};
    } catch (...) {
        return nullptr;
    }
}

/* The postings q would read, if more than `max` (else 0): the sum of its
 * distinct terms' frequencies, counted until it passes max. (A prefix
 * query's terms are not among them: its expansion is bounded instead.) */
static uint64_t postings_over(quirei_rdb *db, const Xapian::Query &q, uint64_t max)
{
    uint64_t sum = 0;
    for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end() && sum <= max; ++t)
        sum += quirei_rdb_termfreq(db, *t);
    return sum > max ? sum : 0;
}

namespace {

/* One spy's values and counts into sl (malloc'd, for C to free), or
 * bad_alloc. */
void copy_slot(const Xapian::ValueCountMatchSpy &spy, quirei_slot_counts &sl)
{
    size_t n = 0, bytes = 0;
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it, n++)
        bytes += (*it).size() + 1;
    sl.v = static_cast<quirei_value_count *>(calloc(n + 1, sizeof *sl.v));
    sl.text = static_cast<char *>(malloc(bytes + 1));
    if (!sl.v || !sl.text)
        throw std::bad_alloc();
    char *p = sl.text;
    for (auto it = spy.values_begin(); it != spy.values_end() && sl.n < n; ++it) {
        const std::string v = *it;
        memcpy(p, v.data(), v.size());
        p[v.size()] = '\0';
        sl.v[sl.n++] = quirei_value_count{p, v.size(), it.get_termfreq()};
        p += v.size() + 1;
    }
}

/* The spies' counts as C arrays, for the C side to own. */
quirei_value_counts *copy_counts(const std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> &spies,
                                 const unsigned *slots)
{
    auto *c = static_cast<quirei_value_counts *>(calloc(1, sizeof(quirei_value_counts)));
    if (!c)
        throw std::bad_alloc();
    try {
        c->seen = spies.empty() ? 0 : spies[0]->get_total();
        for (size_t k = 0; k < spies.size(); k++) {
            c->nslots = k + 1;
            c->slots[k].slot = slots[k];
            copy_slot(*spies[k], c->slots[k]);
        }
    } catch (...) {
        quirei_value_counts_free(c);
        throw;
    }
    return c;
}

} // namespace

quirei_value_counts *quirei_mset_take_counts(quirei_mset *m)
{
    quirei_value_counts *c = m->counts;
    m->counts = nullptr;
    return c;
}

void quirei_value_counts_free(quirei_value_counts *c)
{
    if (!c)
        return;
    for (size_t k = 0; k < c->nslots; k++) {
        free(c->slots[k].v);
        free(c->slots[k].text);
    }
    free(c);
}

quire_status_t quirei_rdb_search(quirei_rdb *db, const quirei_q *q, const quirei_search_spec *s,
                                 quirei_mset **out, quirei_buf *err)
{
    *out = nullptr;
    try {
        if (s->max_postings) {
            uint64_t over = postings_over(db, q->q, s->max_postings);
            if (over) {
                quirei_buf_setf(err,
                                "query too expensive: its words would read %llu postings "
                                "(documents, counted word by word; the limit is %llu): use "
                                "fewer or rarer words",
                                (unsigned long long)over, (unsigned long long)s->max_postings);
                return QUIRE_EQUERY;
            }
        }
        Xapian::Enquire enq(db->db);
        enq.set_query(q->q);
        if (s->sort_slot >= 0)
            enq.set_sort_by_value_then_relevance((Xapian::valueno)s->sort_slot, true);
        else if (s->tie_slot >= 0)
            enq.set_sort_by_relevance_then_value((Xapian::valueno)s->tie_slot, false);
        size_t nspy = s->nspy < QUIREI_MAX_SPIES ? s->nspy : QUIREI_MAX_SPIES;
        /* add_matchspy() keeps pointers: the spies outlive the match. */
        std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
        for (size_t k = 0; k < nspy; k++) {
            spies.emplace_back(new Xapian::ValueCountMatchSpy((Xapian::valueno)s->spy_slots[k]));
            enq.add_matchspy(spies.back().get());
        }
        std::unique_ptr<quirei_mset> m(
            new quirei_mset{enq.get_mset(s->offset, s->limit, s->check_at_least), nullptr, db,
                            Xapian::Document(), (Xapian::doccount)-1});
        if (nspy)
            m->counts = copy_counts(spies, s->spy_slots);
        *out = m.release();
        return QUIRE_OK;
    } catch (...) {
        return quirei_rdb_failed(db, err, "search");
    }
}

uint64_t quirei_mset_estimate(const quirei_mset *m)
{
    return m->m.get_matches_estimated();
}

int quirei_mset_exact(const quirei_mset *m)
{
    return m->m.get_matches_lower_bound() == m->m.get_matches_upper_bound();
}

uint64_t quirei_mset_lower_bound(const quirei_mset *m)
{
    return m->m.get_matches_lower_bound();
}

size_t quirei_mset_size(const quirei_mset *m)
{
    return m->m.size();
}

unsigned quirei_mset_docid(const quirei_mset *m, size_t i)
{
    return *(m->m.begin() + (Xapian::doccount)i);
}

double quirei_mset_score(const quirei_mset *m, size_t i)
{
    return (m->m.begin() + (Xapian::doccount)i).get_weight();
}

quire_status_t quirei_mset_data(quirei_mset *m, size_t i, quirei_buf *data, quirei_buf *err)
{
    RDB_GUARD(m->db, "read hit", append(data, hit_document(m, i).get_data()))
}

quire_status_t quirei_mset_value(quirei_mset *m, size_t i, unsigned slot, quirei_buf *out,
                                 quirei_buf *err)
{
    RDB_GUARD(m->db, "read hit value", append(out, hit_document(m, i).get_value(slot)))
}

void quirei_mset_free(quirei_mset *m)
{
    if (m)
        quirei_value_counts_free(m->counts);
    delete m;
}

uint64_t quirei_rdb_doc_count_or_0(quirei_rdb *db)
{
    try {
        return db->db.get_doccount();
    } catch (...) {
        return 0;
    }
}

} // extern "C"
