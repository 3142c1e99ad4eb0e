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

/* The schema and language of a freshly opened r, as read from its
 * (first up) shard; path names the index in messages. */
static quire_status_t check_schema(quire_reader_t *r, const char *path)
{
    quirei_buf v = QUIREI_BUF_INIT;
    quire_status_t st = quirei_rdb_get_metadata(r->db, QUIREI_META_SCHEMA, &v, &r->detail);
    if (st == QUIRE_OK)
        st = quirei_schema_check(path, quirei_buf_cstr(&v), v.len, &r->detail);
    quirei_buf_reset(&v);
    if (st == QUIRE_OK)
        st = quirei_rdb_get_metadata(r->db, QUIREI_META_LANGUAGE, &v, &r->detail);
    if (st == QUIRE_OK)
        snprintf(r->language, sizeof r->language, "%s", v.len ? v.ptr : "english");
    quirei_buf_release(&v);
    if (st == QUIRE_ENOTINDEX && r->detail.len == 0)
        quirei_buf_setf(&r->detail, "%s: not a Quire index", path);
    return st;
}

quire_status_t quire_reader_open_sources(const char *const *sources, size_t n,
                                         const quire_reader_options_t *opts,
                                         quire_reader_t **out, char **detail)
{
    if (detail)
        *detail = NULL;
    if (!out)
        return fail(detail, QUIRE_EINVAL, "no output handle");
    *out = NULL;
    if (!sources || !n)
        return fail(detail, QUIRE_EINVAL, "no index path");
    for (size_t i = 0; i < n; i++)
        if (!sources[i] || !*sources[i])
            return fail(detail, QUIRE_EINVAL, "no index path");
    quire_reader_t *r = calloc(1, sizeof *r);
    if (!r)
        return fail(detail, QUIRE_ENOMEM, "out of memory");
    r->errpos = -1;
    quirei_rdb_options ro = {0};
    if (opts) {
        ro.timeout_ms = opts->shard_timeout_ms;
        ro.connect_timeout_ms = opts->shard_connect_timeout_ms;
        r->require_all = opts->require_all_shards;
    }
    quire_status_t st = quirei_rdb_open_sources(sources, n, &ro, &r->db, &r->detail);
    if (st == QUIRE_ENOTFOUND && n == 1 && strncmp(sources[0], "tcp://", 6) != 0) {
        struct stat sb;
        if (stat(sources[0], &sb) == 0) { /* it exists, but holds no database */
            quirei_buf_setf(&r->detail, "%s: not a Quire index (no XAPIANDB stub or database)",
                            sources[0]);
            st = QUIRE_ENOTINDEX;
        }
    }
    if (st == QUIRE_OK)
        st = check_schema(r, sources[0]);
    if (st == QUIRE_ENOTINDEX && n == 1 && quire_shards(sources[0])) {
        quirei_buf msg2 = QUIREI_BUF_INIT;
        if (strstr(quirei_buf_cstr(&r->detail), "no schema version"))
            quirei_buf_setf(&msg2,
                            "the index is damaged: %s: its schema version (metadata kept in "
                            "postlist.glass) cannot be read",
                            sources[0]);
        else
            quirei_buf_setf(&msg2, "the index is damaged: %s", quirei_buf_cstr(&r->detail));
        quirei_buf_set(&r->detail, msg2.ptr, msg2.len);
        quirei_buf_release(&msg2);
        st = QUIRE_ECORRUPT;
    }
    if (st != QUIRE_OK) {
        fail(detail, st, quirei_buf_cstr(&r->detail));
        quire_reader_close(r);
        return st;
    }
    *out = r;
    return QUIRE_OK;
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
    return quire_reader_open_sources(&path, 1, NULL, out, detail);
}

size_t quire_reader_shard_count(const quire_reader_t *r)
{
    return r ? quirei_rdb_shard_count(r->db) : 0;
}

const char *const *quire_reader_missing_shards(const quire_reader_t *r, size_t *n)
{
    size_t k = 0;
    const char *const *v = r ? quirei_rdb_down(r->db, &k) : NULL;
    if (n)
        *n = k;
    return v;
}

quire_status_t quirei_reader_check_shards(quire_reader_t *r)
{
    size_t n = 0;
    const char *const *down = quirei_rdb_down(r->db, &n);
    if (!n || !r->require_all)
        return QUIRE_OK;
    quirei_buf_setf(&r->detail, "%zu of %zu shards down (all are required):", n,
                    quirei_rdb_shard_count(r->db));
    for (size_t i = 0; i < n; i++)
        quirei_buf_addf(&r->detail, "%s %s", i ? "," : "", down[i]);
    return QUIRE_EIO;
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
    return quirei_rdb_revision(r->db, QUIREI_META_REVISION, rev, &r->detail);
}

quire_status_t quire_reader_generation(quire_reader_t *r, uint64_t *gen)
{
    if (!r || !gen)
        return QUIRE_EINVAL;
    /* Hashing UUIDs and revisions on every request would be waste: only a
     * reopen can move the reader. */
    if (!r->gen_valid) {
        quire_status_t st = quirei_rdb_generation(r->db, QUIREI_META_REVISION, &r->gen, &r->detail);
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
    quire_status_t st = quirei_reader_check_shards(r);
    if (st)
        return st;
    quirei_buf term = QUIREI_BUF_INIT, data = QUIREI_BUF_INIT;
    if (quirei_buf_addf(&term, "%s%s", QUIREI_PREFIX_ID, id) < 0)
        return QUIRE_ENOMEM;
    st = quirei_rdb_get_data(r->db, term.ptr, &data, &r->detail);
    size_t ndown = 0;
    const char *const *down = quirei_rdb_down(r->db, &ndown);
    if (st == QUIRE_ENOTFOUND && ndown) {
        /* It may be on a shard that is down: not a 404 that would say the
         * document is gone. */
        quirei_buf_setf(&r->detail, "no document with id '%s' on the shards that are up; "
                        "%zu down:", id, ndown);
        for (size_t i = 0; i < ndown; i++)
            quirei_buf_addf(&r->detail, "%s %s", i ? "," : "", down[i]);
        st = QUIRE_EIO;
    } else if (st == QUIRE_ENOTFOUND) {
        quirei_buf_setf(&r->detail, "no document with id '%s'", id);
    }
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
