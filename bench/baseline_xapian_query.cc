// baseline_xapian_query — peer baseline for Quire's query-latency benchmark.
//
// Usage: baseline_xapian_query --db DIR --set EVALDIR [--runs N] [--check-at-least N]
//
// Runs every query of EVALDIR/expected.jsonl ({"q","kind","want":[ids],
// "mode":"top1"|"all","allowed":[ids]?}) against a database built by
// baseline_xapian_index, the plain Xapian way: Xapian::QueryParser (database
// set, English stemmer, STEM_SOME, default operator OP_AND, flags
// FLAG_DEFAULT | FLAG_PHRASE | FLAG_LOVEHATE | FLAG_BOOLEAN; the query string
// is passed as is — xapian-core 1.4's QueryParser itself treats curly double
// quotes as phrase quotes and U+2019 as an apostrophe), then
// Enquire::get_mset(0, 10) (with --check-at-least N: get_mset(0, 10, N), so that
// the matches are counted exactly up to N as Quire counts its totals: give
// N = QUIRE_EXACT_TOTAL + 1 for the same counting work), then each hit's
// document data is read, as a result
// page would. The wall time of parse + search + data reads is measured per
// query with std::chrono::steady_clock over N runs of the whole set (the first
// run warms the caches and is not timed when N > 1; default N = 3).
//
// Quality is scored on the first run exactly as bench/eval_quotes.c does:
// top1 — success when the wanted id ranks first (MRR@10 as a second figure);
// all — success when every hit is in want or allowed and there are
// at least min(10, |want|) hits; hits — success when there is a hit. A hit's id is its "Q" boolean term (falling back to the
// "id" field of the JSON document data). A Xapian::QueryParserError counts as
// a failure; its latency is still recorded.
//
// Prints the same Markdown table as eval_quotes:
//   | kind | queries | success@1 | MRR@10 | p50 ms | p99 ms |  plus an **all** row.

#include <xapian.h>

#include <jansson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct KindStats {
    std::string name;
    int n = 0, ok = 0;
    double rr = 0;
    std::vector<double> lat;
};

// One query of the eval set.
struct Case {
    std::string q, mode;
    size_t kind;             // index into the KindStats
    json_t *want, *allowed;  // borrowed from obj
    json_t *obj;
    unsigned k = 10;         // hits asked for ("k" of the alias kind)
};

}  // namespace

// Every function but main is file-local (static).

// Same percentile rule as eval_quotes.c: nearest rank on the sorted sample.
static double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[i];
}

static bool in_list(json_t *arr, const std::string &id) {
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (json_is_string(v) && id == json_string_value(v)) return true;
    }
    return false;
}

// The document's id: its "Q" boolean term, else the "id" field of its JSON data.
static std::string doc_id(const Xapian::Document &doc, const std::string &data) {
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to("Q");
    if (t != doc.termlist_end()) {
        std::string term = *t;
        if (term.size() > 1 && term[0] == 'Q') return term.substr(1);
    }
    std::string id;
    json_t *rec = json_loadb(data.data(), data.size(), 0, nullptr);
    if (rec) {
        json_t *v = json_object_get(rec, "id");
        if (json_is_string(v)) id = json_string_value(v);
        json_decref(rec);
    }
    return id;
}

static int usage() {
    std::fprintf(stderr,
                 "usage: baseline_xapian_query --db DIR --set EVALDIR [--runs N] "
                 "[--check-at-least N]\n");
    return 2;
}

// Read EVALDIR/expected.jsonl into cases (and one KindStats per kind, in
// order of first appearance); lines that are not a well-formed case are
// skipped. False when the file cannot be opened.
static bool load_cases(const char *set, std::vector<Case> &cases, std::vector<KindStats> &ks) {
    std::string path = std::string(set) + "/expected.jsonl";
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "baseline_xapian_query: %s: cannot open\n", path.c_str());
        return false;
    }
    std::string line;
    while (std::getline(in, line)) {
        json_t *c = json_loadb(line.data(), line.size(), 0, nullptr);
        if (!c) continue;
        const char *q = json_string_value(json_object_get(c, "q"));
        const char *kind = json_string_value(json_object_get(c, "kind"));
        const char *mode = json_string_value(json_object_get(c, "mode"));
        json_t *want = json_object_get(c, "want");
        if (!q || !kind || !mode || !json_is_array(want)) {
            json_decref(c);
            continue;
        }
        size_t k = 0;
        while (k < ks.size() && ks[k].name != kind) ++k;
        if (k == ks.size()) {
            ks.emplace_back();
            ks.back().name = kind;
        }
        json_t *allowed = json_object_get(c, "allowed");
        cases.push_back({q, mode, k, want, json_is_array(allowed) ? allowed : nullptr, c});
        json_t *kj = json_object_get(c, "k");
        if (json_is_integer(kj)) cases.back().k = static_cast<unsigned>(json_integer_value(kj));
    }
    return true;
}

// Score one answered case into s (top1: reciprocal rank, success when first;
// all: every hit wanted or allowed and at least min(10, |want|) hits).
static void score(const Case &c, const std::vector<Xapian::Document> &docs,
                  const std::vector<std::string> &datas, KindStats &s) {
    std::vector<std::string> ids;
    for (size_t i = 0; i < docs.size(); ++i) ids.push_back(doc_id(docs[i], datas[i]));
    bool ok = false;
    double rr = 0;
    if (c.mode == "top1" || c.mode == "any") { // any: the first hit is one of want
        // top1: the wanted id or one listed in allowed (the set's README)
        for (size_t i = 0; i < ids.size(); ++i)
            if (in_list(c.want, ids[i]) || (c.allowed && in_list(c.allowed, ids[i]))) {
                rr = 1.0 / static_cast<double>(i + 1);
                break;
            }
        ok = rr == 1.0;
    } else if (c.mode == "hits") {
        ok = !ids.empty();
    } else if (c.mode == "alias") {
        // every hit wanted, and min(k, ceil(0.9 |want|)) of them
        size_t need = std::min<size_t>((json_array_size(c.want) * 9 + 9) / 10, c.k);
        ok = ids.size() >= need;
        for (size_t i = 0; ok && i < ids.size(); ++i) ok = in_list(c.want, ids[i]);
    } else {
        // allowed hits are not wrong (the set's README): they count like wanted ones
        size_t need = std::min<size_t>(json_array_size(c.want), 10);
        ok = ids.size() >= need;
        for (size_t i = 0; ok && i < ids.size(); ++i)
            ok = in_list(c.want, ids[i]) || (c.allowed && in_list(c.allowed, ids[i]));
    }
    s.ok += ok;
    s.rr += rr;
}

// One query answered: parsed, run, its hits' data read into docs and datas
// (what is timed). Returns the bytes of data read. A function of its own,
// never inlined, so that bench/bench_common_words.sh can count its
// instructions with callgrind (--toggle-collect='*answer_query*' --dump-after='answer_query*').
__attribute__((noinline)) static size_t answer_query(Xapian::QueryParser &qp, unsigned flags,
                                                     Xapian::Enquire &enquire, const Case &c,
                                                     unsigned check_at_least,
                                                     std::vector<Xapian::Document> &docs,
                                                     std::vector<std::string> &datas) {
    size_t bytes = 0;
    Xapian::Query query = qp.parse_query(c.q, flags);
    enquire.set_query(query);
    Xapian::MSet mset = enquire.get_mset(0, c.k, check_at_least);
    for (Xapian::MSetIterator m = mset.begin(); m != mset.end(); ++m) {
        Xapian::Document doc = m.get_document();
        datas.push_back(doc.get_data());
        bytes += datas.back().size();
        docs.push_back(std::move(doc));
    }
    return bytes;
}

// Run every case `runs` times (latency recorded on the timed runs, quality
// scored on the first). Returns the number of query parse errors. Throws
// Xapian::Error when the database cannot be read.
static int run_cases(const char *dbdir, int runs, unsigned check_at_least,
                     const std::vector<Case> &cases,
                     std::vector<KindStats> &ks) {
    int parse_errors = 0;
    Xapian::Database db(dbdir);
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(Xapian::Stem("english"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_AND);
    const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PHRASE |
                           Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_BOOLEAN;
    Xapian::Enquire enquire(db);

    std::vector<Xapian::Document> docs;
    std::vector<std::string> datas;
    size_t data_bytes = 0;  // keeps the data reads observable
    for (int run = 0; run < runs; ++run) {
        bool timed = runs == 1 || run > 0;
        for (const Case &c : cases) {
            KindStats &s = ks[c.kind];
            docs.clear();
            datas.clear();
            bool failed = false;
            auto t0 = std::chrono::steady_clock::now();
            try {
                data_bytes += answer_query(qp, flags, enquire, c, check_at_least, docs, datas);
            } catch (const Xapian::QueryParserError &e) {
                failed = true;
                if (run == 0)
                    std::fprintf(stderr, "baseline_xapian_query: [%s] %s: %s\n", s.name.c_str(),
                                 c.q.c_str(), e.get_msg().c_str());
            }
            double dt =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count();
            if (timed) s.lat.push_back(dt);
            if (run != 0) continue;

            s.n++;
            if (failed)
                parse_errors++;
            else
                score(c, docs, datas, s);
        }
    }
    if (data_bytes == 0 && !cases.empty())
        std::fprintf(stderr, "baseline_xapian_query: no document data read\n");
    return parse_errors;
}

// The Markdown table, one row per kind and an **all** row.
static void print_table(const std::vector<KindStats> &ks) {
    std::printf("| kind | queries | success@1 | MRR@10 | p50 ms | p99 ms |\n");
    std::printf("|---|---:|---:|---:|---:|---:|\n");
    int tn = 0, tok = 0;
    std::vector<double> all;
    for (const KindStats &s : ks) {
        tn += s.n;
        tok += s.ok;
        all.insert(all.end(), s.lat.begin(), s.lat.end());
        bool top1 = s.name.compare(0, 6, "token-") != 0 && s.name != "alias" &&
                    s.name.compare(0, 7, "common-") != 0;
        char mrr[16] = "-";
        if (top1 && s.n) std::snprintf(mrr, sizeof mrr, "%.3f", s.rr / s.n);
        std::printf("| %s | %d | %.3f | %s | %.3f | %.3f |\n", s.name.c_str(), s.n,
                    s.n ? static_cast<double>(s.ok) / s.n : 0.0, mrr, pct(s.lat, 0.5),
                    pct(s.lat, 0.99));
    }
    std::printf("| **all** | %d | %.3f | | %.3f | %.3f |\n", tn,
                tn ? static_cast<double>(tok) / tn : 0.0, pct(all, 0.5), pct(all, 0.99));
}

int main(int argc, char **argv) {
    const char *dbdir = nullptr, *set = nullptr;
    int runs = 3;
    unsigned check_at_least = 0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--db") && i + 1 < argc)
            dbdir = argv[++i];
        else if (!std::strcmp(argv[i], "--set") && i + 1 < argc)
            set = argv[++i];
        else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--check-at-least") && i + 1 < argc)
            check_at_least = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
        else
            return usage();
    }
    if (!dbdir || !set || runs < 1) return usage();

    std::vector<Case> cases;
    std::vector<KindStats> ks;
    if (!load_cases(set, cases, ks)) return 2;
    int parse_errors = 0;
    try {
        parse_errors = run_cases(dbdir, runs, check_at_least, cases, ks);
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "baseline_xapian_query: Xapian error: %s\n",
                     e.get_description().c_str());
        return 3;
    }
    if (parse_errors)
        std::fprintf(stderr, "baseline_xapian_query: %d query parse error(s) (counted as failures)\n",
                     parse_errors);
    print_table(ks);
    for (Case &c : cases) json_decref(c.obj);
    return 0;
}
