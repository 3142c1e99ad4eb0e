/* reader.c - quire_reader_t: opening, reopening and reading documents of
 * an index (the query side is in compile.c and search.c). */
#include <quire/quire.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schema/schema.h"
#include "store/index.h"
#include "store/layout.h"
#include "query/reader.h"
#include "schema/record.h"
#include "strbuf.h"

/* Does the stub of `path` name shards as Quire's writer names them? Then
 * a shard that cannot be opened, or holds no schema version, is a damaged
 * Quire index, not a foreign one (issue 16). */
static int quire_shards(const char *path)
{
    char names[64][QUIREI_SHARD_NAME_MAX];
    unsigned n = 0;
    return quirei_layout_shards(path, names, 64, &n, NULL) == QUIRE_OK && n > 0;
}

static quire_status_t fail(char **detail, quire_status_t st, const char *msg)
{
    if (detail)
        *detail = strdup(msg);
    return st;
}

quire_status_t quire_reader_open(const char *path, quire_reader_t **out, char **detail)
{
    if (detail)
        *detail = NULL;
    if (!out)
        return fail(detail, QUIRE_EINVAL, "no output handle");
    *out = NULL;
    if (!path || !*path)
        return fail(detail, QUIRE_EINVAL, "no index path");
    struct stat sb;
    quirei_buf msg = QUIREI_BUF_INIT;
    if (stat(path, &sb) != 0) {
        quirei_buf_addf(&msg, "%s: %s", path, strerror(errno));
        quire_status_t st = fail(detail, errno == ENOENT ? QUIRE_ENOTFOUND : QUIRE_EIO,
                                 quirei_buf_cstr(&msg));
        quirei_buf_release(&msg);
        return st;
    }
    quire_reader_t *r = calloc(1, sizeof *r);
    if (!r)
        return fail(detail, QUIRE_ENOMEM, "out of memory");
    r->errpos = -1;
    quire_status_t st = quirei_rdb_open(path, &r->db, &r->detail);
    if (st == QUIRE_ENOTFOUND) {
        /* The path exists (checked above) but holds no database. */
        quirei_buf_setf(&r->detail, "%s: not a Quire index (no XAPIANDB stub or database)",
                        path);
        st = QUIRE_ENOTINDEX;
    }
    quirei_buf v = QUIREI_BUF_INIT;
    if (st == QUIRE_OK)
        st = quirei_rdb_get_metadata(r->db, QUIREI_META_SCHEMA, &v, &r->detail);
    if (st == QUIRE_OK)
        st = quirei_schema_check(path, quirei_buf_cstr(&v), v.len, &r->detail);
    quirei_buf_reset(&v);
    if (st == QUIRE_OK)
        st = quirei_rdb_get_metadata(r->db, QUIREI_META_LANGUAGE, &v, &r->detail);
    if (st == QUIRE_OK)
        snprintf(r->language, sizeof r->language, "%s", v.len ? v.ptr : "english");
    quirei_buf_release(&v);
    if (st == QUIRE_ENOTINDEX && quire_shards(path)) {
        quirei_buf msg2 = QUIREI_BUF_INIT;
        if (strstr(quirei_buf_cstr(&r->detail), "no schema version"))
            quirei_buf_setf(&msg2,
                            "the index is damaged: %s: its schema version (metadata kept in "
                            "postlist.glass) cannot be read",
                            path);
        else
            quirei_buf_setf(&msg2, "the index is damaged: %s", quirei_buf_cstr(&r->detail));
        quirei_buf_set(&r->detail, msg2.ptr, msg2.len);
        quirei_buf_release(&msg2);
        st = QUIRE_ECORRUPT;
    }
    if (st != QUIRE_OK) {
        if (st == QUIRE_ENOTINDEX && r->detail.len == 0)
            quirei_buf_setf(&r->detail, "%s: not a Quire index", path);
        fail(detail, st, quirei_buf_cstr(&r->detail));
        quire_reader_close(r);
        return st;
    }
    *out = r;
    return QUIRE_OK;
}

quire_status_t quire_reader_reopen(quire_reader_t *r, bool *changed)
{
    if (!r)
        return QUIRE_EINVAL;
    int c = 0;
    r->gen_valid = 0;
    quire_status_t st = quirei_rdb_reopen(r->db, &c, &r->detail);
    if (changed)
        *changed = c != 0;
    return st;
}

quire_status_t quire_reader_doc_count(quire_reader_t *r, uint64_t *count)
{
    if (!r || !count)
        return QUIRE_EINVAL;
    return quirei_rdb_doc_count(r->db, count, &r->detail);
}

quire_status_t quire_reader_revision(quire_reader_t *r, uint64_t *rev)
{
    if (!r || !rev)
        return QUIRE_EINVAL;
    return quirei_rdb_revision(r->db, rev, &r->detail);
}

quire_status_t quire_reader_generation(quire_reader_t *r, uint64_t *gen)
{
    if (!r || !gen)
        return QUIRE_EINVAL;
    /* Hashing UUIDs and revisions on every request would be waste: only a
     * reopen can move the reader. */
    if (!r->gen_valid) {
        quire_status_t st = quirei_rdb_generation(r->db, &r->gen, &r->detail);
        if (st)
            return st;
        r->gen_valid = 1;
    }
    *gen = r->gen;
    return QUIRE_OK;
}

const char *quire_reader_language(const quire_reader_t *r)
{
    return r ? r->language : "";
}

quire_status_t quire_reader_term_freq(quire_reader_t *r, const char *term, uint64_t *freq)
{
    if (!r || !term || !freq)
        return QUIRE_EINVAL;
    return quirei_rdb_term_freq(r->db, term, freq, &r->detail);
}

int quirei_reader_retry(quire_reader_t *r, quire_status_t st, unsigned *retries)
{
    if (st != QUIRE_EMODIFIED || *retries >= QUIREI_MODIFIED_RETRIES)
        return 0;
    ++*retries;
    return quire_reader_reopen(r, NULL) == QUIRE_OK;
}

/* One try of quire_reader_get() (arguments checked). */
static quire_status_t get_once(quire_reader_t *r, const char *id, quire_stored_doc_t **out)
{
    quirei_buf term = QUIREI_BUF_INIT, data = QUIREI_BUF_INIT;
    if (quirei_buf_addf(&term, "%s%s", QUIREI_PREFIX_ID, id) < 0)
        return QUIRE_ENOMEM;
    quire_status_t st = quirei_rdb_get_data(r->db, term.ptr, &data, &r->detail);
    if (st == QUIRE_ENOTFOUND)
        quirei_buf_setf(&r->detail, "no document with id '%s'", id);
    if (st == QUIRE_OK) {
        st = quirei_record_decode(data.ptr, data.len, out);
        if (st == QUIRE_ECORRUPT)
            quirei_buf_setf(&r->detail, "stored data of '%s' is not a Quire record", id);
    }
    quirei_buf_release(&term);
    quirei_buf_release(&data);
    return st;
}

quire_status_t quire_reader_get(quire_reader_t *r, const char *id, quire_stored_doc_t **out)
{
    if (out)
        *out = NULL;
    if (!r || !id || !out)
        return QUIRE_EINVAL;
    quire_status_t st;
    unsigned retries = 0;
    do
        st = get_once(r, id, out);
    while (quirei_reader_retry(r, st, &retries));
    return st;
}

void quire_stored_doc_free(quire_stored_doc_t *d)
{
    free(d);
}

const char *quire_reader_detail(const quire_reader_t *r)
{
    return r ? quirei_buf_cstr(&r->detail) : "";
}

void quire_reader_close(quire_reader_t *r)
{
    if (!r)
        return;
    quirei_rdb_close(r->db);
    quirei_stemmer_free(r->stem);
    quirei_buf_release(&r->detail);
    free(r);
}
