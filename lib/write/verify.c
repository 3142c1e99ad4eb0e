/*
 * verify.c - checking an index before it is written and a generation
 * before the stub names it (see verify.h), and quire_index_check().
 *
 * A shard's check is Xapian's (store/check.cc: every table's B-tree, the
 * tables against each other, each of the four tables present) and
 * Quire's: the schema version metadata, and every stored record parsing
 * (schema/record.h).
 */
#include "write/verify.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* As the writer: more shards than this are refused before. */
#define QUIREI_VERIFY_MAX_SHARDS 64

#include "hash.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "store/check.h"

void quirei_verify_advice(const char *dir, quirei_buf *err)
{
    quirei_buf_addf(err,
                    "; what to do: restore %s from a backup, or rebuild it from the sources "
                    "(quire-index --db NEW_DIR SOURCES..., then replace %s with NEW_DIR)",
                    dir, dir);
}

/* ------------------------------------------------------------- cache ---- */

static uint64_t hash_dir(uint64_t h, const char *dir);

/* The shard's state as the cache knows it: a hash of its files' names,
 * sizes, inodes and change times (hash_dir). A commit, a copy, a restore or
 * an edit by hand changes it; reading does not. Computed without opening
 * the shard: opening a damaged one can crash libxapian, and the check
 * must come first. */
static void files_line(const char *shard, char line[96])
{
    snprintf(line, 96, "files %016llx\n",
             (unsigned long long)hash_dir(QUIREI_FNV64_INIT, shard));
}

static int cached_sound(const char *shard, const char *line)
{
    quirei_buf p = QUIREI_BUF_INIT;
    char got[96] = "";
    if (quirei_buf_setf(&p, "%s/%s", shard, QUIREI_CHECKED_FILE) == 0) {
        FILE *f = fopen(p.ptr, "r");
        if (f) {
            if (!fgets(got, sizeof got, f))
                got[0] = '\0';
            fclose(f);
        }
    }
    quirei_buf_release(&p);
    return got[0] && strcmp(got, line) == 0;
}

/* Best effort: a cache that cannot be written costs a check next time. */
static void record_sound(const char *shard, const char *line)
{
    quirei_buf p = QUIREI_BUF_INIT, tmp = QUIREI_BUF_INIT;
    if (quirei_buf_setf(&p, "%s/%s", shard, QUIREI_CHECKED_FILE) == 0 &&
        quirei_buf_setf(&tmp, "%s.tmp", p.ptr) == 0) {
        FILE *f = fopen(tmp.ptr, "w");
        if (f) {
            int ok = fputs(line, f) >= 0;
            ok &= fclose(f) == 0;
            if (!ok || rename(tmp.ptr, p.ptr) != 0)
                unlink(tmp.ptr);
        }
    }
    quirei_buf_release(&p);
    quirei_buf_release(&tmp);
}

/* ----------------------------------------------------------- records ---- */

typedef struct records {
    uint64_t n, bad;
    unsigned first_bad;
} records_t;

static int check_record(unsigned docid, const char *data, size_t len, void *ctx)
{
    records_t *r = ctx;
    quire_stored_doc_t *doc = NULL;
    r->n++;
    if (quirei_record_decode(data, len, &doc) != QUIRE_OK) {
        if (!r->bad++)
            r->first_bad = docid;
    }
    free(doc);
    return 0;
}

/* ------------------------------------------------------------- shard ---- */

quire_status_t quirei_verify_shard(const char *shard, int use_cache, quirei_buf *report,
                                   quirei_buf *err)
{
    quirei_buf schema = QUIREI_BUF_INIT, msg = QUIREI_BUF_INIT;
    char line[96] = "";
    files_line(shard, line);
    if (use_cache && cached_sound(shard, line)) {
        if (report)
            quirei_buf_addf(report, "%s: sound (checked before, unchanged since)\n", shard);
        quirei_buf_release(&schema);
        quirei_buf_release(&msg);
        return QUIRE_OK;
    }
    quirei_shard_report xr = {0};
    quire_status_t st = quirei_shard_check(shard, &xr);
    if (st) {
        quirei_buf_setf(err, "%s: %s", shard, quirei_buf_cstr(&xr.other));
        goto out;
    }
    /* Quire's own checks, on a shard whose tables Xapian found sound. */
    records_t recs = {0};
    quirei_buf schema_line = QUIREI_BUF_INIT, rec_line = QUIREI_BUF_INIT;
    unsigned faults = xr.errors;
    char uuid[37];
    uint64_t rev = 0;
    quire_status_t id_st =
        xr.errors ? QUIRE_ECORRUPT
                  : quirei_shard_identity(shard, QUIREI_META_SCHEMA, &schema, uuid, &rev, &msg);
    if (xr.errors) {
        quirei_buf_setf(&schema_line, "not read (the tables are damaged)");
    } else if (id_st != QUIRE_OK) {
        quirei_buf_setf(&schema_line, "unreadable (%s)", quirei_buf_cstr(&msg));
        faults++;
    } else if (quirei_schema_check(shard, quirei_buf_cstr(&schema), schema.len, &msg)) {
        quirei_buf_setf(&schema_line, "%s", quirei_buf_cstr(&msg));
        faults++;
        if (schema.len && st == QUIRE_OK)
            st = QUIRE_ESCHEMA; /* a version, not damage: rebuild */
    } else {
        quirei_buf_setf(&schema_line, "ok (version %s)", schema.ptr);
    }
    if (xr.errors == 0) {
        quirei_buf_reset(&msg);
        quire_status_t rs = quirei_shard_each_data(shard, check_record, &recs, &msg);
        if (rs == QUIRE_ENOMEM) {
            st = rs;
        } else if (rs) {
            quirei_buf_setf(&rec_line, "unreadable after %llu (%s)",
                            (unsigned long long)recs.n, quirei_buf_cstr(&msg));
            faults++;
        } else if (recs.bad) {
            quirei_buf_setf(&rec_line, "%llu of %llu do not parse (the first: document %u)",
                            (unsigned long long)recs.bad, (unsigned long long)recs.n,
                            recs.first_bad);
            faults++;
        } else {
            quirei_buf_setf(&rec_line, "ok (%llu documents)", (unsigned long long)recs.n);
        }
    } else {
        quirei_buf_setf(&rec_line, "not read (the tables are damaged)");
    }
    if (report) {
        quirei_buf_addf(report, "%s:\n", shard);
        for (size_t i = 0; i < QUIREI_CHECK_TABLES; i++)
            quirei_buf_addf(report, "  %-9s %s\n", quirei_check_tables[i],
                            quirei_buf_cstr(&xr.table[i]));
        if (xr.other.len)
            quirei_buf_addf(report, "  %-9s %s\n", "database", xr.other.ptr);
        quirei_buf_addf(report, "  %-9s %s\n  %-9s %s\n", "schema",
                        quirei_buf_cstr(&schema_line), "records", quirei_buf_cstr(&rec_line));
    }
    if (faults && st == QUIRE_OK) {
        /* The summary: the first damaged part, by name. */
        st = QUIRE_ECORRUPT;
        quirei_buf_setf(err, "%s is damaged:", shard);
        for (size_t i = 0; i < QUIREI_CHECK_TABLES; i++)
            if (strcmp(quirei_buf_cstr(&xr.table[i]), "ok") != 0)
                quirei_buf_addf(err, " %s.glass: %s;", quirei_check_tables[i],
                                quirei_buf_cstr(&xr.table[i]));
        if (xr.other.len)
            quirei_buf_addf(err, " %s;", xr.other.ptr);
        if (xr.errors == 0 && strncmp(quirei_buf_cstr(&schema_line), "ok", 2) != 0)
            quirei_buf_addf(err, " schema: %s;", quirei_buf_cstr(&schema_line));
        if (rec_line.len && strncmp(rec_line.ptr, "ok", 2) != 0 && xr.errors == 0)
            quirei_buf_addf(err, " records: %s;", rec_line.ptr);
        quirei_buf_truncate(err, err->len - 1);
    } else if (st == QUIRE_ESCHEMA) {
        quirei_buf_setf(err, "%s", quirei_buf_cstr(&schema_line));
    } else if (st == QUIRE_OK && id_st == QUIRE_OK && use_cache) {
        record_sound(shard, line);
    }
    quirei_buf_release(&schema_line);
    quirei_buf_release(&rec_line);
out:
    quirei_shard_report_release(&xr);
    quirei_buf_release(&schema);
    quirei_buf_release(&msg);
    return st;
}

quire_status_t quirei_verify_shards(const char *dir, const char *const *names, unsigned n,
                                    quirei_buf *err)
{
    quirei_buf p = QUIREI_BUF_INIT;
    quire_status_t st = QUIRE_OK;
    for (unsigned i = 0; i < n && st == QUIRE_OK; i++) {
        if (quirei_layout_path(&p, dir, names[i]) < 0)
            st = QUIRE_ENOMEM;
        else
            st = quirei_verify_shard(p.ptr, 1, NULL, err);
    }
    if (st == QUIRE_ECORRUPT)
        quirei_verify_advice(dir, err);
    quirei_buf_release(&p);
    return st;
}

quire_status_t quirei_verify_before_write(const char *dir,
                                          const char (*names)[QUIREI_SHARD_NAME_MAX],
                                          unsigned n, char **detail)
{
    const char *v[QUIREI_VERIFY_MAX_SHARDS];
    if (n > QUIREI_VERIFY_MAX_SHARDS)
        n = QUIREI_VERIFY_MAX_SHARDS;
    for (unsigned i = 0; i < n; i++)
        v[i] = names[i];
    quirei_buf err = QUIREI_BUF_INIT;
    quire_status_t st = quirei_verify_shards(dir, v, n, &err);
    if (st && detail) {
        free(*detail);
        if (st == QUIRE_ECORRUPT)
            quirei_buf_addf(&err, " (nothing was written)");
        *detail = quirei_buf_detach(&err, NULL);
    }
    quirei_buf_release(&err);
    return st;
}

quire_status_t quirei_verify_generation(const char *dir, const char *fresh,
                                        const char *previous, quirei_buf *err)
{
    quirei_buf why = QUIREI_BUF_INIT;
    quire_status_t st = quirei_verify_shard(fresh, 1, NULL, &why);
    if (st == QUIRE_ESCHEMA || st == QUIRE_ENOTINDEX)
        st = QUIRE_ECORRUPT; /* the writer wrote it: anything wrong is damage */
    if (st == QUIRE_ECORRUPT) {
        quirei_buf_setf(err,
                        "the new generation %s failed its check (%s): the index keeps its "
                        "previous generation (%s/%s); run quire-index --check --db %s",
                        fresh, quirei_buf_cstr(&why), dir, previous, dir);
    } else if (st) {
        quirei_buf_setf(err, "%s", why.len ? why.ptr : quire_strerror(st));
    }
    quirei_buf_release(&why);
    return st;
}

/* ------------------------------------------------------------ public ---- */

quire_status_t quire_index_check(const char *path, char **report)
{
    if (report)
        *report = NULL;
    if (!path || !*path)
        return QUIRE_EINVAL;
    quirei_buf out = QUIREI_BUF_INIT, err = QUIREI_BUF_INIT, p = QUIREI_BUF_INIT;
    quirei_stub stub = {0};
    unsigned damaged = 0, checked = 0;
    quire_status_t st = quirei_stub_read(path, &stub, &err), worst = QUIRE_OK;
    if (st == QUIRE_ENOTFOUND) {
        quirei_buf_setf(&out, "%s: not a Quire index (no XAPIANDB stub)\n", path);
        st = access(path, F_OK) == 0 ? QUIRE_ENOTINDEX : QUIRE_ENOTFOUND;
        goto out;
    }
    if (st) {
        quirei_buf_setf(&out, "%s\n", quirei_buf_cstr(&err));
        if (st == QUIRE_ENOTINDEX)
            quirei_buf_addf(&out, "%s: the stub (XAPIANDB) names no shard Quire can read\n",
                            path);
        goto advise;
    }
    for (size_t i = 0; i < stub.entries.n; i++) {
        const quirei_stub_entry *e = &stub.entries.v[i];
        if (e->kind == QUIREI_STUB_REMOTE) {
            quirei_buf_addf(&out, "remote %s:%u: not checked (check it on its host)\n",
                            e->host, e->port);
            continue;
        }
        if (quirei_stub_local_path(path, e, &p) < 0) {
            st = QUIRE_ENOMEM;
            goto out;
        }
        quirei_buf_reset(&err);
        quire_status_t s1 = quirei_verify_shard(p.ptr, 0, &out, &err);
        if (s1 == QUIRE_ENOMEM) {
            st = s1;
            goto out;
        }
        checked++;
        if (s1 != QUIRE_OK) {
            damaged++;
            if (worst == QUIRE_OK || s1 == QUIRE_ECORRUPT)
                worst = s1;
        }
    }
    st = worst;
    if (st == QUIRE_OK) {
        quirei_buf_addf(&out, "%s: sound (%u shard%s checked)\n", path, checked,
                        checked == 1 ? "" : "s");
        goto out;
    }
    quirei_buf_addf(&out, "%s: %s (%u of %u shards)\n", path,
                    st == QUIRE_ESCHEMA ? "written by another schema version" : "damaged",
                    damaged, checked);
advise:
    if (st == QUIRE_ESCHEMA) {
        quirei_buf_addf(&out, "what to do: rebuild it from the sources with this quire-index "
                              "(quire-index --db NEW_DIR SOURCES...)\n");
    } else {
        quirei_buf_reset(&err);
        quirei_verify_advice(path, &err);
        quirei_buf_addf(&out, "%s\n", err.ptr + 2);
        if (st != QUIRE_ENOTINDEX)
            st = QUIRE_ECORRUPT;
    }
out:
    quirei_stub_release(&stub);
    quirei_buf_release(&err);
    quirei_buf_release(&p);
    if (report)
        *report = quirei_buf_detach(&out, NULL);
    quirei_buf_release(&out);
    return st;
}

/* Every entry of the shard directory `dir`: name, size, change time and
 * inode, into h. */
static uint64_t hash_dir(uint64_t h, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return quirei_fnv1a64(h, "-", 1);
    struct dirent *e;
    quirei_buf p = QUIREI_BUF_INIT;
    while ((e = readdir(d))) {
        struct stat sb;
        /* Not the cache itself (nor its .tmp), nor the lock Xapian's
         * writer creates. */
        if (e->d_name[0] == '.' ||
            strncmp(e->d_name, QUIREI_CHECKED_FILE, strlen(QUIREI_CHECKED_FILE)) == 0 ||
            strcmp(e->d_name, "flintlock") == 0 ||
            quirei_buf_setf(&p, "%s/%s", dir, e->d_name) < 0 || stat(p.ptr, &sb) != 0)
            continue;
        /* readdir's order is the directory's: the same while it is unchanged. */
        uint64_t v[5] = {(uint64_t)sb.st_size, (uint64_t)sb.st_ino, (uint64_t)sb.st_ctim.tv_sec,
                         (uint64_t)sb.st_ctim.tv_nsec, (uint64_t)sb.st_mtim.tv_nsec};
        h = quirei_fnv1a64(h, e->d_name, strlen(e->d_name));
        h = quirei_fnv1a64(h, v, sizeof v);
    }
    quirei_buf_release(&p);
    closedir(d);
    return h;
}

quire_status_t quire_index_fingerprint(const char *path, uint64_t *fp)
{
    if (!path || !fp)
        return QUIRE_EINVAL;
    quirei_stub stub = {0};
    quirei_buf p = QUIREI_BUF_INIT;
    quire_status_t st = quirei_stub_read(path, &stub, NULL);
    uint64_t h = QUIREI_FNV64_INIT;
    h = quirei_fnv1a64(h, quirei_buf_cstr(&stub.text), stub.text.len);
    h = quirei_fnv1a64(h, &st, sizeof st);
    for (size_t i = 0; i < stub.entries.n; i++) {
        const quirei_stub_entry *e = &stub.entries.v[i];
        if (e->kind != QUIREI_STUB_LOCAL)
            continue;
        if (quirei_stub_local_path(path, e, &p) < 0) {
            st = QUIRE_ENOMEM;
            break;
        }
        h = hash_dir(h, p.ptr);
    }
    if (st == QUIRE_ENOTFOUND)
        h = hash_dir(h, path); /* a plain database, or nothing */
    quirei_stub_release(&stub);
    quirei_buf_release(&p);
    *fp = h;
    return st == QUIRE_ENOMEM ? st : QUIRE_OK;
}

const char *quire_xapian_version(void)
{
    return quirei_xapian_version();
}
