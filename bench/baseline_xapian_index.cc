// baseline_xapian_index — peer baseline for Quire's indexing benchmark.
//
// Usage: baseline_xapian_index DBDIR FILE.jsonl.gz...
//
// A deliberately plain Xapian indexer over the corpus' gzip JSON Lines files:
// one Xapian::Document per record, data = the raw JSON line, unique boolean
// term "Q"+id, value slot 0 = date (when present), and a TermGenerator with
// the English stemmer (default STEM_SOME) and positions, indexing the title,
// then a gap of 100 positions, then the body. Xapian's default flush
// behaviour is kept; db.commit() is called once at the end.
//
// Prints one summary line to stdout:
//   docs=N body_bytes=B seconds=S docs_per_s=X mb_per_s=Y
// (MB = 1e6 bytes of body text; wall clock via std::chrono::steady_clock).
// Malformed lines are skipped and counted on stderr.

#include <xapian.h>

#include <jansson.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

struct Stats {
    unsigned long long docs = 0;
    unsigned long long body_bytes = 0;
    unsigned long long malformed = 0;
};

}  // namespace

// Every function but main is file-local (static).

// Reads one line (without the trailing '\n' / "\r\n") into `line`, growing it
// as needed (lines may be several MB). Returns false at end of input with
// nothing read (an empty line returns true); sets `err` on a read error or a truncated gzip stream.
static bool read_line(gzFile gz, std::string &line, char *chunk, int chunk_size, bool &err) {
    line.clear();
    err = false;
    bool got = false;
    for (;;) {
        if (gzgets(gz, chunk, chunk_size) == nullptr) {
            int errnum = Z_OK;
            gzerror(gz, &errnum);
            if (errnum != Z_OK) err = true;
            break;  // EOF (or error): return whatever was read without a newline
        }
        got = true;
        size_t n = std::strlen(chunk);
        line.append(chunk, n);
        if (n > 0 && chunk[n - 1] == '\n') {
            line.pop_back();
            break;
        }
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return got;
}

// Returns the string value of `key` in `obj`, or nullptr when absent/null/not a string.
static const char *get_str(json_t *obj, const char *key, size_t *len) {
    json_t *v = json_object_get(obj, key);
    if (!v || !json_is_string(v)) return nullptr;
    *len = json_string_length(v);
    return json_string_value(v);
}

// Index one line (line number `lineno` of `path`) as one document, or count
// and report it as malformed.
static void index_line(Xapian::WritableDatabase &db, Xapian::TermGenerator &tg,
                       const std::string &line, const char *path, unsigned long long lineno,
                       Stats &st) {
    json_error_t jerr;
    json_t *rec = json_loadb(line.data(), line.size(), 0, &jerr);
    size_t id_len = 0, body_len = 0, title_len = 0, date_len = 0;
    const char *id = nullptr, *body = nullptr;
    if (rec && json_is_object(rec)) {
        id = get_str(rec, "id", &id_len);
        body = get_str(rec, "body", &body_len);
    }
    if (!rec || !id || id_len == 0 || !body) {
        ++st.malformed;
        std::fprintf(stderr, "baseline_xapian_index: %s:%llu: skipping malformed record%s%s\n",
                     path, lineno, rec ? "" : ": ", rec ? "" : jerr.text);
        if (rec) json_decref(rec);
        return;
    }
    const char *title = get_str(rec, "title", &title_len);
    const char *date = get_str(rec, "date", &date_len);

    Xapian::Document doc;
    doc.set_data(line);
    std::string idterm("Q");
    idterm.append(id, id_len);
    doc.add_boolean_term(idterm);
    if (date) doc.add_value(0, std::string(date, date_len));

    tg.set_document(doc);
    if (title) tg.index_text(std::string(title, title_len));
    tg.increase_termpos(100);
    tg.index_text(std::string(body, body_len));

    db.replace_document(idterm, doc);

    ++st.docs;
    st.body_bytes += body_len;
    json_decref(rec);
}

static bool index_file(Xapian::WritableDatabase &db, Xapian::TermGenerator &tg,
                       const char *path, Stats &st) {
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        std::fprintf(stderr, "baseline_xapian_index: cannot open %s: %s\n", path,
                     errno ? std::strerror(errno) : "gzopen failed");
        return false;
    }
    gzbuffer(gz, 1 << 17);

    static char chunk[1 << 16];
    std::string line;
    unsigned long long lineno = 0;
    bool err = false;
    while (read_line(gz, line, chunk, sizeof chunk, err)) {
        ++lineno;
        if (line.empty()) continue;
        index_line(db, tg, line, path, lineno, st);
    }
    if (err) {
        int errnum = 0;
        const char *msg = gzerror(gz, &errnum);
        std::fprintf(stderr, "baseline_xapian_index: %s: read error: %s\n", path,
                     errnum == Z_ERRNO ? std::strerror(errno) : msg);
        gzclose(gz);
        return false;
    }
    gzclose(gz);
    return true;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s DBDIR FILE.jsonl.gz...\n", argv[0]);
        return 2;
    }
    Stats st;
    bool ok = true;
    auto t0 = std::chrono::steady_clock::now();
    try {
        Xapian::WritableDatabase db(argv[1], Xapian::DB_CREATE_OR_OVERWRITE);
        Xapian::TermGenerator tg;
        tg.set_stemmer(Xapian::Stem("english"));
        for (int i = 2; i < argc; ++i) {
            if (!index_file(db, tg, argv[i], st)) ok = false;
        }
        db.commit();
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "baseline_xapian_index: Xapian error: %s\n",
                     e.get_description().c_str());
        return 1;
    }
    auto t1 = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(t1 - t0).count();
    if (st.malformed)
        std::fprintf(stderr, "baseline_xapian_index: skipped %llu malformed line(s)\n", st.malformed);
    std::printf("docs=%llu body_bytes=%llu seconds=%.3f docs_per_s=%.1f mb_per_s=%.3f\n",
                st.docs, st.body_bytes, secs, secs > 0 ? st.docs / secs : 0.0,
                secs > 0 ? st.body_bytes / 1e6 / secs : 0.0);
    return ok ? 0 : 1;
}
