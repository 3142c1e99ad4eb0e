// baseline_xapian_similar - the peer of bench_similar: "more like this" the
// plain Xapian way, on the same Quire index (a Xapian database to Xapian):
// the document's Q<id> term -> its docid -> Enquire::get_eset(12, RSet{it})
// (the default TradEWeight scheme, no decider) -> OP_OR of those terms
// AND_NOT the document -> get_mset(0, 8) -> each hit's data read, as a list
// of titles would. No near-duplicate check, no filtering of prefixed,
// unique or common terms. Wall time per id over N runs (the first warms
// the caches and is not timed when N > 1).
//
//   baseline_xapian_similar --db DIR --ids FILE [--runs N] [--show K]
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

static double pct(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[(size_t)(p * (double)(v.size() - 1) + 0.5)];
}

int main(int argc, char **argv)
{
    const char *db = nullptr, *ids_path = nullptr;
    int runs = 3, show = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--ids"))
            ids_path = argv[i + 1];
        else if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--show"))
            show = atoi(argv[i + 1]);
    }
    if (!db || !ids_path || runs < 1) {
        fprintf(stderr, "usage: baseline_xapian_similar --db DIR --ids FILE [--runs N] [--show K]\n");
        return 2;
    }
    std::vector<std::string> ids;
    std::ifstream in(ids_path);
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            ids.push_back(line);
    try {
        Xapian::Database d(db);
        std::vector<double> lat;
        size_t empty = 0;
        for (int run = 0; run < runs; run++) {
            for (size_t i = 0; i < ids.size(); i++) {
                auto t0 = std::chrono::steady_clock::now();
                std::string idterm = "Q" + ids[i];
                Xapian::PostingIterator p = d.postlist_begin(idterm);
                if (p == d.postlist_end(idterm))
                    continue;
                Xapian::RSet rset;
                rset.add_document(*p);
                Xapian::Enquire enq(d);
                Xapian::ESet eset = enq.get_eset(12, rset);
                Xapian::Query q(Xapian::Query::OP_AND_NOT,
                                Xapian::Query(Xapian::Query::OP_OR, eset.begin(), eset.end()),
                                Xapian::Query(idterm));
                enq.set_query(q);
                Xapian::MSet m = enq.get_mset(0, 8);
                size_t bytes = 0;
                for (auto h = m.begin(); h != m.end(); ++h)
                    bytes += h.get_document().get_data().size();
                double ms = std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - t0).count();
                if (run > 0 || runs == 1)
                    lat.push_back(ms);
                empty += run == 0 && m.empty();
                if (run == 0 && (int)i < show) {
                    printf("## %s (%zu bytes of hits)\n   terms:", ids[i].c_str(), bytes);
                    for (auto t = eset.begin(); t != eset.end(); ++t)
                        printf(" %s", (*t).c_str());
                    printf("\n");
                }
            }
        }
        printf("| ids | no hits | runs | p50 ms | p99 ms |\n|---|---|---|---|---|\n");
        printf("| %zu | %zu | %d | %.3f | %.3f |\n", ids.size(), empty, runs, pct(lat, 0.5),
               pct(lat, 0.99));
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "baseline_xapian_similar: %s\n", e.get_description().c_str());
        return 1;
    }
    return 0;
}
