/*
 * check.cc - the consistency check of one shard (see check.h): a thin
 * wrapper over Xapian's Database::check, the C++ of Quire besides
 * index.cc. Every extern "C" function catches Xapian::Error and `...`.
 */
#include "store/check.h"

#include <xapian.h>

#include <sys/stat.h>

#include <cstdio>

#include <new>
#include <sstream>
#include <string>

const char *const quirei_check_tables[QUIREI_CHECK_TABLES] = {"postlist", "termlist",
                                                              "position", "docdata"};

namespace {

void set(quirei_buf *b, const std::string &s)
{
    if (quirei_buf_set(b, s.data(), s.size()) < 0)
        throw std::bad_alloc();
}

/* An exception as a status and a message in err (as index.cc does). */
quire_status_t from_exception(quirei_buf *err, const char *what)
{
    std::string msg;
    quire_status_t st = QUIRE_EXAPIAN;
    try {
        throw;
    } catch (const Xapian::DatabaseCorruptError &e) {
        msg = e.get_description();
        st = QUIRE_ECORRUPT;
    } catch (const Xapian::DatabaseNotFoundError &e) {
        msg = e.get_description();
        st = QUIRE_ENOTFOUND;
    } catch (const Xapian::DatabaseOpeningError &e) {
        msg = e.get_description();
        st = QUIRE_ENOTINDEX;
    } catch (const Xapian::DatabaseError &e) {
        /* A truncated table reads as "EOF reading block": damage too. */
        msg = e.get_description();
        st = QUIRE_ECORRUPT;
    } catch (const Xapian::Error &e) {
        msg = e.get_description();
    } catch (const std::bad_alloc &) {
        msg = "out of memory";
        st = QUIRE_ENOMEM;
    } catch (...) {
        msg = "unknown exception";
        st = QUIRE_EINTERNAL;
    }
    if (err) {
        quirei_buf_reset(err);
        quirei_buf_addf(err, "%s: %s", what, msg.c_str());
    }
    return st;
}

/* The faults Database::check wrote to `out` (its lines that are neither
 * statistics nor "checked OK"), joined with "; ". */
std::string faults_of(const std::string &out)
{
    std::istringstream in(out);
    std::string line, faults;
    while (std::getline(in, line)) {
        if (line.empty() || line.back() == ':' || line.rfind("blocksize=", 0) == 0 ||
            line.find("checked OK") != std::string::npos ||
            line.find("checked okay") != std::string::npos ||
            line.find("Lazily created") != std::string::npos ||
            line.find("Not present") != std::string::npos ||
            line.find("No errors found") != std::string::npos)
            continue;
        faults += (faults.empty() ? "" : "; ") + line;
    }
    return faults;
}

/* Does the shard hold documents? Xapian creates a table at its first
 * entry, so an empty shard lacks termlist, position and docdata, and only
 * a shard with documents must have all four. (True when it cannot be
 * opened: the check says why.) */
bool has_documents(const std::string &dir)
{
    try {
        return Xapian::Database(dir).get_doccount() > 0;
    } catch (const Xapian::Error &) {
        return true;
    }
}

/* Check one table alone: "" when sound, else what is wrong. */
std::string check_table(const std::string &file, bool required, unsigned *errors)
{
    struct stat sb;
    if (stat(file.c_str(), &sb) != 0) {
        if (!required)
            return "";
        ++*errors;
        return "missing (" + file + ")";
    }
    std::ostringstream out;
    try {
        size_t n = Xapian::Database::check(file, Xapian::DBCHECK_SHOW_STATS, &out);
        if (n == 0)
            return "";
        *errors += (unsigned)n;
        std::string f = faults_of(out.str());
        return std::to_string(n) + " fault(s)" + (f.empty() ? "" : ": " + f);
    } catch (const Xapian::Error &e) {
        ++*errors;
        return e.get_description();
    }
}

} // namespace

extern "C" {

#if defined(__SANITIZE_ADDRESS__)
/* Xapian 1.4.22's Database::check deletes one of its own objects with the
 * size of another (AddressSanitizer: new-delete-type-mismatch, in
 * libxapian's check_, on every index, sound or not; not Quire's code).
 * Sanitized builds turn that one report off; every other stays on, and
 * ASAN_OPTIONS still overrides it. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "new_delete_type_mismatch=0";
}
#endif

void quirei_shard_report_release(quirei_shard_report *r)
{
    for (auto &b : r->table)
        quirei_buf_release(&b);
    quirei_buf_release(&r->other);
}

quire_status_t quirei_shard_check(const char *path, quirei_shard_report *r)
{
    try {
        const std::string dir(path);
        r->errors = 0;
        /* One check of the whole database first: every table, then the
         * tables against each other. The usual answer (sound) costs that
         * one pass. */
        std::ostringstream out;
        std::string whole;
        unsigned whole_errors = 0;
        try {
            size_t n = Xapian::Database::check(dir, Xapian::DBCHECK_SHOW_STATS, &out);
            if (n) {
                whole_errors = (unsigned)n;
                whole = std::to_string(n) + " fault(s): " + faults_of(out.str());
            }
        } catch (const Xapian::Error &e) {
            whole_errors = 1;
            whole = e.get_description();
        }
        /* Xapian accepts a database without a termlist, position or docdata
         * table (it creates them lazily); a Quire shard always has them. */
        bool tables_ok = true, required = has_documents(dir);
        for (auto t : quirei_check_tables) {
            struct stat sb;
            if (required && stat((dir + "/" + t + ".glass").c_str(), &sb) != 0)
                tables_ok = false;
        }
        if (whole_errors == 0 && tables_ok) {
            for (auto &b : r->table)
                set(&b, "ok");
            return QUIRE_OK;
        }
        /* A fault: check each table alone, to say which are damaged. */
        unsigned table_errors = 0;
        for (size_t i = 0; i < QUIREI_CHECK_TABLES; i++) {
            std::string f = check_table(dir + "/" + quirei_check_tables[i] + ".glass",
                                        required, &table_errors);
            set(&r->table[i], f.empty() ? "ok" : f);
        }
        r->errors = table_errors;
        if (table_errors == 0) {
            /* Every table is sound alone: the fault is between them, or in
             * the version file (iamglass). */
            r->errors = whole_errors ? whole_errors : 1;
            set(&r->other, whole);
        }
        return QUIRE_OK;
    } catch (...) {
        return from_exception(&r->other, "check");
    }
}

quire_status_t quirei_shard_each_data(const char *path, quirei_data_fn fn, void *ctx,
                                      quirei_buf *err)
{
    try {
        Xapian::Database db(path);
        for (Xapian::PostingIterator p = db.postlist_begin(""), e = db.postlist_end("");
             p != e; ++p) {
            const std::string data = db.get_document(*p).get_data();
            if (fn(*p, data.data(), data.size(), ctx))
                break;
        }
        return QUIRE_OK;
    } catch (...) {
        return from_exception(err, "read the stored documents");
    }
}

quire_status_t quirei_shard_identity(const char *path, const char *key, quirei_buf *val,
                                     char uuid[37], uint64_t *revision, quirei_buf *err)
{
    try {
        Xapian::Database db(path);
        std::string v = db.get_metadata(key);
        if (quirei_buf_add(val, v.data(), v.size()) < 0)
            throw std::bad_alloc();
        std::string u = db.get_uuid();
        snprintf(uuid, 37, "%s", u.c_str());
        *revision = db.get_revision();
        return QUIRE_OK;
    } catch (...) {
        return from_exception(err, "read the shard's metadata");
    }
}

const char *quirei_xapian_version(void)
{
    return Xapian::version_string();
}

} // extern "C"
