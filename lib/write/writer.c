#define _XOPEN_SOURCE 700 /* nftw() */
/*
 * writer.c - quire_writer_t: parallel, sharded, crash-safe indexing.
 *
 * The caller's thread only copies documents (repairing their UTF-8) and
 * routes each to a shard by a hash of its id. Every shard has one worker
 * thread that owns all of that shard's state: its Xapian database, a
 * tokenizer, a stemmer (with cache) and a document under construction. No
 * Xapian object is ever touched by two threads. Each shard commits on its
 * own every `batch_size` documents, so a crash loses at most one batch per
 * shard, and everything committed stays searchable.
 *
 * The schema written here is described in index.cc.
 */
#include <quire/quire.h>
#include <quire/tokenizer.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/index.h"
#include "store/layout.h"
#include "schema/record.h"
#include "text/stemmer.h"
#include "strbuf.h"
#include "utf8.h"
#include "schema/schema.h"

#define QUEUE_CAP 64
#define DEFAULT_SHARDS 2
/* 1000, not more: Xapian's inverter holds a batch's postings in std::maps
 * keyed by term, and beyond about 2000 documents they stop fitting in
 * cache. On the shared corpus (2 shards, merged): batch 500 55.9 s, 1000
 * 55.4 s, 4000 62.0 s; peak RSS 121 / 190 / 532 MB. A smaller batch also
 * loses less to a crash. */
#define DEFAULT_BATCH 1000
#define MAX_SHARDS 64

typedef enum rec_kind { REC_DOC, REC_COMMIT, REC_COMPACT, REC_STOP } rec_kind_t;

/* One queued document: a single allocation, strings in `text`. */
typedef struct rec {
    rec_kind_t kind;
    const char *f[QUIRE_FIELD_COUNT]; /* NULL when absent */
    size_t flen[QUIRE_FIELD_COUNT];
    char text[];
} rec_t;

static rec_t rec_commit = {.kind = REC_COMMIT};
static rec_t rec_compact = {.kind = REC_COMPACT};
static rec_t rec_stop = {.kind = REC_STOP};

typedef struct shard {
    quire_writer_t *w;
    unsigned index;
    quirei_wdb *db;
    pthread_t thread;
    int thread_started;

    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full, committed;
    rec_t *queue[QUEUE_CAP];
    unsigned head, count;
    uint64_t commit_gen;          /* bumped after each REC_COMMIT/COMPACT */
    quire_status_t commit_status; /* of the last REC_COMMIT/COMPACT */
    char name[64];                /* directory in the index: "shard0.3" */
    char old_name[64];            /* before the last compaction, or "" */

    /* worker-only state */
    quire_tokenizer_t *tok;
    quirei_stemmer *stem;
    quirei_xdoc *xdoc;
    quirei_buf term, err;
    unsigned since_commit;
} shard_t;

struct quire_writer {
    char *path;
    char language[64];
    unsigned nshards, batch;
    shard_t *shards;
    int lock_fd; /* flock()ed DIR/writer.lock: one writer per index */
    int merge_on_close;

    pthread_mutex_t mu; /* guards status and detail */
    quire_status_t sticky;
    quirei_buf detail;

    _Atomic uint64_t added, replaced, body_bytes, invalid, committed;
};

/* ------------------------------------------------------------ errors ---- */

static void set_error(quire_writer_t *w, quire_status_t st, const char *msg)
{
    pthread_mutex_lock(&w->mu);
    if (w->sticky == QUIRE_OK) {
        w->sticky = st;
        quirei_buf_set(&w->detail, msg, strlen(msg));
    }
    pthread_mutex_unlock(&w->mu);
}

static quire_status_t sticky(quire_writer_t *w)
{
    pthread_mutex_lock(&w->mu);
    quire_status_t st = w->sticky;
    pthread_mutex_unlock(&w->mu);
    return st;
}

/* ------------------------------------------------------------ queue ----- */

static void push(shard_t *s, rec_t *r)
{
    pthread_mutex_lock(&s->mu);
    while (s->count == QUEUE_CAP)
        pthread_cond_wait(&s->not_full, &s->mu);
    s->queue[(s->head + s->count) % QUEUE_CAP] = r;
    s->count++;
    pthread_cond_signal(&s->not_empty);
    pthread_mutex_unlock(&s->mu);
}

static rec_t *pop(shard_t *s)
{
    pthread_mutex_lock(&s->mu);
    while (s->count == 0)
        pthread_cond_wait(&s->not_empty, &s->mu);
    rec_t *r = s->queue[s->head];
    s->head = (s->head + 1) % QUEUE_CAP;
    s->count--;
    pthread_cond_signal(&s->not_full);
    pthread_mutex_unlock(&s->mu);
    return r;
}

/* ------------------------------------------------------------ indexing -- */

typedef struct sink {
    shard_t *s;
    const char *prefix; /* "" for body, "S" for title, "A" for author */
    int also_plain;     /* title words are also unprefixed terms */
    quire_status_t st;
} sink_t;

static quire_status_t add_one(shard_t *s, const char *prefix, const quire_token_t *t)
{
    quirei_buf *b = &s->term;
    quirei_buf_reset(b);
    if (quirei_buf_adds(b, prefix) < 0 || quirei_buf_add(b, t->term, t->len) < 0)
        return QUIRE_ENOMEM;
    /* Only unprefixed terms carry positions: a phrase is matched on them,
     * and field terms (S, A) only need to say that the words are there. */
    quire_status_t st = t->positioned && !*prefix
                            ? quirei_xdoc_add_posting(s->xdoc, b->ptr, b->len, t->pos, &s->err)
                            : quirei_xdoc_add_term(s->xdoc, b->ptr, b->len, &s->err);
    if (st != QUIRE_OK || !t->stemmable)
        return st;
    size_t slen;
    const char *stem = quirei_stem(s->stem, t->term, t->len, &slen);
    if (!stem)
        return QUIRE_ENOMEM;
    quirei_buf_reset(b);
    if (quirei_buf_adds(b, QUIREI_PREFIX_STEM) < 0 || quirei_buf_adds(b, prefix) < 0 ||
        quirei_buf_add(b, stem, slen) < 0)
        return QUIRE_ENOMEM;
    return quirei_xdoc_add_term(s->xdoc, b->ptr, b->len, &s->err);
}

static int on_token(const quire_token_t *t, void *ctx)
{
    sink_t *k = ctx;
    k->st = add_one(k->s, k->prefix, t);
    if (k->st == QUIRE_OK && k->also_plain)
        k->st = add_one(k->s, "", t);
    return k->st != QUIRE_OK;
}

static quire_status_t tokenize_field(shard_t *s, const char *text, size_t len,
                                     const char *prefix, int also_plain)
{
    sink_t k = {s, prefix, also_plain, QUIRE_OK};
    int r = quire_tokenize(s->tok, text, len, on_token, &k);
    if (r < 0)
        return QUIRE_ENOMEM;
    return k.st;
}

static quire_status_t add_lower_boolean(shard_t *s, const char *prefix, const char *v,
                                        size_t len)
{
    quirei_buf *b = &s->term;
    quirei_buf_reset(b);
    if (quirei_buf_adds(b, prefix) < 0)
        return QUIRE_ENOMEM;
    for (size_t i = 0; i < len; i++)
        if (quirei_buf_addc(b, (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i])) < 0)
            return QUIRE_ENOMEM;
    if (b->len > QUIRE_MAX_TERM_BYTES)
        return QUIRE_OK; /* absurd source names are stored, not filterable */
    return quirei_xdoc_add_boolean_term(s->xdoc, b->ptr, b->len, &s->err);
}

static quire_status_t make_data(shard_t *s, const rec_t *r)
{
    /* The record's field order is the writer's: id, title, source, url,
     * author, date, body (record.h). */
    quirei_buf_reset(&s->term);
    if (quirei_record_encode(&s->term, r->f, r->flen) < 0)
        return QUIRE_ENOMEM;
    quire_status_t st = quirei_xdoc_set_data(s->xdoc, s->term.ptr, s->term.len, &s->err);
    if (st)
        return st;
    /* The same record without the body goes into one value, so a result
     * page without snippets never reads (and decompresses) the body, and
     * reads one value per hit, not six. */
    const char *f[QUIRE_FIELD_COUNT];
    size_t n[QUIRE_FIELD_COUNT];
    memcpy(f, r->f, sizeof f);
    memcpy(n, r->flen, sizeof n);
    f[QUIRE_FIELD_BODY] = "";
    n[QUIRE_FIELD_BODY] = 0;
    quirei_buf_reset(&s->term);
    if (quirei_record_encode(&s->term, f, n) < 0)
        return QUIRE_ENOMEM;
    return quirei_xdoc_set_value(s->xdoc, QUIREI_SLOT_FIELDS, s->term.ptr, s->term.len,
                                 &s->err);
}

static quire_status_t index_doc(shard_t *s, const rec_t *r)
{
    quire_status_t st = quirei_xdoc_clear(s->xdoc, &s->err);
    if (st)
        return st;
    quire_tokenizer_set_pos(s->tok, 1);
    if (r->f[QUIRE_FIELD_TITLE] && (st = tokenize_field(s, r->f[QUIRE_FIELD_TITLE], r->flen[QUIRE_FIELD_TITLE],
                                              QUIREI_PREFIX_TITLE, 1)))
        return st;
    quire_tokenizer_set_pos(s->tok, quire_tokenizer_get_pos(s->tok) + QUIREI_TITLE_GAP);
    if ((st = tokenize_field(s, r->f[QUIRE_FIELD_BODY], r->flen[QUIRE_FIELD_BODY], "", 0)))
        return st;
    if (r->f[QUIRE_FIELD_AUTHOR]) {
        quire_tokenizer_set_pos(s->tok, 1);
        if ((st = tokenize_field(s, r->f[QUIRE_FIELD_AUTHOR], r->flen[QUIRE_FIELD_AUTHOR], QUIREI_PREFIX_AUTHOR,
                                 0)))
            return st;
    }
    if (r->f[QUIRE_FIELD_SOURCE]) {
        const char *src = r->f[QUIRE_FIELD_SOURCE];
        if ((st = add_lower_boolean(s, QUIREI_PREFIX_SOURCE, src, r->flen[QUIRE_FIELD_SOURCE])))
            return st;
        const char *slash = memchr(src, '/', r->flen[QUIRE_FIELD_SOURCE]);
        if (slash && slash > src &&
            (st = add_lower_boolean(s, QUIREI_PREFIX_SOURCE, src, (size_t)(slash - src))))
            return st;
    }
    char date[11];
    size_t dlen = quirei_date_key(r->f[QUIRE_FIELD_DATE], date);
    if (dlen && (st = quirei_xdoc_set_value(s->xdoc, QUIREI_SLOT_DATE, date, dlen, &s->err)))
        return st;
    if ((st = make_data(s, r)))
        return st;

    quirei_buf_reset(&s->term);
    if (quirei_buf_adds(&s->term, QUIREI_PREFIX_ID) < 0 ||
        quirei_buf_add(&s->term, r->f[QUIRE_FIELD_ID], r->flen[QUIRE_FIELD_ID]) < 0)
        return QUIRE_ENOMEM;
    if ((st = quirei_xdoc_add_boolean_term(s->xdoc, s->term.ptr, s->term.len, &s->err)))
        return st;
    int replaced = 0;
    st = quirei_wdb_replace(s->db, s->term.ptr, s->term.len, s->xdoc, &replaced, &s->err);
    if (st)
        return st;
    atomic_fetch_add(replaced ? &s->w->replaced : &s->w->added, 1);
    atomic_fetch_add(&s->w->body_bytes, r->flen[QUIRE_FIELD_BODY]);
    return QUIRE_OK;
}

static quire_status_t commit_shard(shard_t *s)
{
    quire_status_t st = quirei_wdb_commit(s->db, &s->err);
    if (st == QUIRE_OK) {
        atomic_fetch_add(&s->w->committed, s->since_commit);
        s->since_commit = 0;
    }
    return st;
}

static void shard_path(const shard_t *s, const char *name, quirei_buf *out)
{
    quirei_buf_reset(out);
    quirei_buf_addf(out, "%s/%s", s->w->path, name);
}

/* The next generation's directory name: shard0 -> shard0.1 -> shard0.2 */
static void next_name(const shard_t *s, char out[64])
{
    const char *dot = strchr(s->name, '.');
    unsigned gen = dot ? (unsigned)strtoul(dot + 1, NULL, 10) : 0;
    snprintf(out, 64, "shard%u.%u", s->index, gen + 1);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Remove a directory tree (best effort). */
static void remove_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Commit, then rewrite the shard compactly into a new directory (glass
 * B-trees filled by many commits are about 40% slack) and continue writing
 * there. The stub still names the old directory, so readers and a crash see
 * the old, complete shard until quire_writer_compact() switches the stub.
 */
static quire_status_t compact_shard(shard_t *s)
{
    quire_status_t st = commit_shard(s);
    if (st)
        return st;
    char fresh[64];
    next_name(s, fresh);
    quirei_buf src = QUIREI_BUF_INIT, dst = QUIREI_BUF_INIT;
    shard_path(s, s->name, &src);
    shard_path(s, fresh, &dst);
    remove_tree(dst.ptr); /* left over by a crash during an earlier compaction */
    quirei_wdb_close(s->db);
    s->db = NULL;
    st = quirei_compact(src.ptr, dst.ptr, &s->err);
    if (st == QUIRE_OK) {
        memcpy(s->old_name, s->name, sizeof s->name);
        memcpy(s->name, fresh, sizeof s->name);
    } else {
        remove_tree(dst.ptr);
    }
    quirei_buf err2 = QUIREI_BUF_INIT;
    shard_path(s, s->name, &src);
    quire_status_t st2 = quirei_wdb_open(src.ptr, &s->db, &err2);
    if (st == QUIRE_OK && st2 != QUIRE_OK) {
        st = st2;
        quirei_buf_set(&s->err, err2.ptr, err2.len);
    }
    quirei_buf_release(&err2);
    quirei_buf_release(&src);
    quirei_buf_release(&dst);
    return st;
}

static void *worker_main(void *arg)
{
    shard_t *s = arg;
    for (;;) {
        rec_t *r = pop(s);
        if (r->kind == REC_STOP)
            break;
        if (r->kind == REC_COMMIT || r->kind == REC_COMPACT) {
            quire_status_t st = sticky(s->w);
            if (st == QUIRE_OK) {
                st = r->kind == REC_COMMIT ? commit_shard(s) : compact_shard(s);
                if (st)
                    set_error(s->w, st, quirei_buf_cstr(&s->err));
            }
            pthread_mutex_lock(&s->mu);
            s->commit_status = st;
            s->commit_gen++;
            pthread_cond_broadcast(&s->committed);
            pthread_mutex_unlock(&s->mu);
            continue;
        }
        /* After an error, documents are dropped: the caller sees the sticky
         * status on its next call and stops. */
        if (sticky(s->w) == QUIRE_OK && s->db) {
            quire_status_t st = index_doc(s, r);
            if (st == QUIRE_OK && ++s->since_commit >= s->w->batch)
                st = commit_shard(s);
            if (st) {
                if (st == QUIRE_ENOMEM && !s->err.len)
                    quirei_buf_adds(&s->err, "out of memory while indexing");
                set_error(s->w, st, quirei_buf_cstr(&s->err));
            }
        }
        free(r);
    }
    return NULL;
}

/* ------------------------------------------------------------ opening --- */

static quire_status_t fail(char **detail, quire_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static quire_status_t fail(char **detail, quire_status_t st, const char *fmt, ...)
{
    if (detail) {
        quirei_buf b = QUIREI_BUF_INIT;
        va_list ap;
        va_start(ap, fmt);
        quirei_buf_vaddf(&b, fmt, ap);
        va_end(ap);
        *detail = quirei_buf_detach(&b, NULL);
    }
    return st;
}

/*
 * Read the shard directory names from DIR/XAPIANDB ("auto NAME" lines) into
 * names[]; returns how many, 0 when there is no stub.
 */
static unsigned read_stub(const char *path, char names[][64], unsigned max)
{
    quirei_buf p = QUIREI_BUF_INIT;
    quirei_buf_addf(&p, "%s/%s", path, QUIREI_STUB_FILE);
    FILE *f = fopen(quirei_buf_cstr(&p), "r");
    quirei_buf_release(&p);
    if (!f)
        return 0;
    char line[512];
    unsigned n = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "auto shard", 10) == 0 && strlen(line + 5) < 64 && !strchr(line + 5, '/'))
            snprintf(names[n++], 64, "%s", line + 5);
    }
    fclose(f);
    return n;
}

/* Is DIR empty, or does it hold only what a creation that was interrupted
 * before the stub was written leaves behind? */
static int dir_is_fresh(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 1;
    int fresh = 1;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, QUIREI_LOCK_FILE) ||
            !strcmp(n, QUIREI_STUB_FILE ".tmp") || !strncmp(n, "shard", 5))
            continue;
        fresh = 0;
        break;
    }
    closedir(d);
    return fresh;
}

/* Remove shard directories the stub does not name: left-overs of crashed
 * creations or compactions. Only called while holding the writer lock. */
static void remove_orphans(quire_writer_t *w)
{
    DIR *d = opendir(w->path);
    if (!d)
        return;
    struct dirent *e;
    quirei_buf p = QUIREI_BUF_INIT;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "shard", 5) != 0)
            continue;
        int used = 0;
        for (unsigned i = 0; i < w->nshards; i++)
            used |= strcmp(e->d_name, w->shards[i].name) == 0;
        if (!used) {
            quirei_buf_reset(&p);
            quirei_buf_addf(&p, "%s/%s", w->path, e->d_name);
            remove_tree(p.ptr);
        }
    }
    quirei_buf_release(&p);
    closedir(d);
}

static quire_status_t write_stub(quire_writer_t *w, char **detail)
{
    const char *path = w->path;
    quirei_buf tmp = QUIREI_BUF_INIT, fin = QUIREI_BUF_INIT;
    quirei_buf_addf(&tmp, "%s/%s.tmp", path, QUIREI_STUB_FILE);
    quirei_buf_addf(&fin, "%s/%s", path, QUIREI_STUB_FILE);
    quire_status_t st = QUIRE_OK;
    FILE *f = fopen(quirei_buf_cstr(&tmp), "w");
    if (!f) {
        st = fail(detail, QUIRE_EIO, "%s: %s", quirei_buf_cstr(&tmp), strerror(errno));
        goto out;
    }
    for (unsigned i = 0; i < w->nshards; i++)
        fprintf(f, "auto %s\n", w->shards[i].name);
    /* Write-then-rename: readers and crashes see the old stub or the new
     * one, never half of one. This rename is what makes a compaction (or
     * a new index) visible. */
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        st = fail(detail, QUIRE_EIO, "%s: %s", quirei_buf_cstr(&tmp), strerror(errno));
        fclose(f);
        goto out;
    }
    if (fclose(f) != 0) {
        st = fail(detail, QUIRE_EIO, "%s: %s", quirei_buf_cstr(&tmp), strerror(errno));
        goto out;
    }
    if (rename(quirei_buf_cstr(&tmp), quirei_buf_cstr(&fin)) != 0)
        st = fail(detail, QUIRE_EIO, "%s: %s", quirei_buf_cstr(&fin), strerror(errno));
out:
    quirei_buf_release(&tmp);
    quirei_buf_release(&fin);
    return st;
}

static quire_status_t open_shard(quire_writer_t *w, unsigned i, int creating, char **detail)
{
    shard_t *s = &w->shards[i];

    quirei_buf p = QUIREI_BUF_INIT, v = QUIREI_BUF_INIT;
    quirei_buf_addf(&p, "%s/%s", w->path, s->name);
    quire_status_t st = quirei_wdb_open(quirei_buf_cstr(&p), &s->db, &s->err);
    if (st) {
        st = fail(detail, st, "%s", quirei_buf_cstr(&s->err));
        goto out;
    }
    if ((st = quirei_wdb_get_metadata(s->db, QUIREI_META_SCHEMA, &v, &s->err))) {
        st = fail(detail, st, "%s", quirei_buf_cstr(&s->err));
        goto out;
    }
    if (v.len == 0) {
        char n[16];
        snprintf(n, sizeof n, "%d", QUIRE_SCHEMA_VERSION);
        char ns[16];
        snprintf(ns, sizeof ns, "%u", w->nshards);
        if ((st = quirei_wdb_set_metadata(s->db, QUIREI_META_SCHEMA, n, &s->err)) ||
            (st = quirei_wdb_set_metadata(s->db, QUIREI_META_LANGUAGE, w->language,
                                          &s->err)) ||
            (st = quirei_wdb_set_metadata(s->db, QUIREI_META_SHARDS, ns, &s->err)) ||
            (st = quirei_wdb_commit(s->db, &s->err))) {
            st = fail(detail, st, "%s", quirei_buf_cstr(&s->err));
            goto out;
        }
    } else if (atoi(v.ptr) != QUIRE_SCHEMA_VERSION) {
        st = fail(detail, QUIRE_ESCHEMA,
                  "%s: schema version %s, this build reads %d (index into a new directory)",
                  w->path, v.ptr, QUIRE_SCHEMA_VERSION);
        goto out;
    } else if (!creating) {
        quirei_buf_reset(&v);
        if ((st = quirei_wdb_get_metadata(s->db, QUIREI_META_LANGUAGE, &v, &s->err))) {
            st = fail(detail, st, "%s", quirei_buf_cstr(&s->err));
            goto out;
        }
        if (v.len && v.len < sizeof w->language)
            memcpy(w->language, v.ptr, v.len + 1);
    }
    s->tok = quire_tokenizer_new();
    s->stem = quirei_stemmer_new(w->language);
    s->xdoc = quirei_xdoc_new();
    if (!s->tok || !s->xdoc)
        st = fail(detail, QUIRE_ENOMEM, "out of memory");
    else if (!s->stem)
        st = fail(detail, QUIRE_ELANG, "no Snowball stemmer for language '%s'", w->language);
out:
    quirei_buf_release(&p);
    quirei_buf_release(&v);
    return st;
}

static void free_shards(quire_writer_t *w)
{
    for (unsigned i = 0; w->shards && i < w->nshards; i++) {
        shard_t *s = &w->shards[i];
        if (s->thread_started) {
            push(s, &rec_stop);
            pthread_join(s->thread, NULL);
        }
        quirei_wdb_close(s->db);
        quire_tokenizer_free(s->tok);
        quirei_stemmer_free(s->stem);
        quirei_xdoc_free(s->xdoc);
        quirei_buf_release(&s->term);
        quirei_buf_release(&s->err);
        if (s->w) { /* initialised */
            pthread_mutex_destroy(&s->mu);
            pthread_cond_destroy(&s->not_empty);
            pthread_cond_destroy(&s->not_full);
            pthread_cond_destroy(&s->committed);
        }
    }
    free(w->shards);
    w->shards = NULL;
}

quire_status_t quire_writer_open(const char *path, const quire_writer_options_t *opts,
                                 quire_writer_t **out, char **detail)
{
    if (detail)
        *detail = NULL;
    if (!out)
        return fail(detail, QUIRE_EINVAL, "no output handle");
    *out = NULL;
    if (!path || !*path)
        return fail(detail, QUIRE_EINVAL, "no index path");
    quire_writer_options_t o = {0};
    if (opts)
        o = *opts;
    const char *lang = o.language ? o.language : "english";
    if (strlen(lang) >= 64 || !quirei_stemmer_language_ok(lang))
        return fail(detail, QUIRE_ELANG, "no Snowball stemmer for language '%s'", lang);
    if (o.shards > MAX_SHARDS)
        return fail(detail, QUIRE_EINVAL, "at most %d shards", MAX_SHARDS);

    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return fail(detail, QUIRE_EIO, "%s: cannot create directory: %s", path,
                    strerror(errno));
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return fail(detail, QUIRE_ENOTINDEX, "%s: not a directory", path);
    char names[MAX_SHARDS][64];
    unsigned existing = read_stub(path, names, MAX_SHARDS);
    int creating = existing == 0;
    if (creating && !dir_is_fresh(path))
        return fail(detail, QUIRE_ENOTINDEX,
                    "%s: directory is not empty and holds no Quire index "
                    "(refusing to write into it)",
                    path);

    /* One writer per index: Xapian locks each shard, but compaction swaps
     * shard directories, so the whole index needs a lock of its own. */
    quirei_buf lp = QUIREI_BUF_INIT;
    quirei_buf_addf(&lp, "%s/%s", path, QUIREI_LOCK_FILE);
    int lock_fd = open(quirei_buf_cstr(&lp), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    quirei_buf_release(&lp);
    if (lock_fd < 0)
        return fail(detail, QUIRE_EIO, "%s: cannot create lock file: %s", path,
                    strerror(errno));
    if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        close(lock_fd);
        return fail(detail, QUIRE_ELOCKED, "%s: another writer is using this index", path);
    }

    quire_writer_t *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        close(lock_fd);
        return fail(detail, QUIRE_ENOMEM, "out of memory");
    }
    w->lock_fd = lock_fd;
    pthread_mutex_init(&w->mu, NULL);
    snprintf(w->language, sizeof w->language, "%s", lang);
    w->nshards = existing ? existing : (o.shards ? o.shards : DEFAULT_SHARDS);
    w->batch = o.batch_size ? o.batch_size : DEFAULT_BATCH;
    w->merge_on_close = o.merge_on_close;
    w->shards = calloc(w->nshards, sizeof *w->shards);
    quire_status_t st = w->shards ? QUIRE_OK : fail(detail, QUIRE_ENOMEM, "out of memory");
    for (unsigned i = 0; st == QUIRE_OK && i < w->nshards; i++) {
        shard_t *s = &w->shards[i];
        s->w = w;
        s->index = i;
        if (existing)
            memcpy(s->name, names[i], sizeof s->name);
        else
            snprintf(s->name, sizeof s->name, "shard%u", i);
        pthread_mutex_init(&s->mu, NULL);
        pthread_cond_init(&s->not_empty, NULL);
        pthread_cond_init(&s->not_full, NULL);
        pthread_cond_init(&s->committed, NULL);
    }
    if (st == QUIRE_OK)
        remove_orphans(w);
    for (unsigned i = 0; st == QUIRE_OK && i < w->nshards; i++)
        st = open_shard(w, i, creating, detail);
    if (st == QUIRE_OK && creating)
        st = write_stub(w, detail);
    for (unsigned i = 0; st == QUIRE_OK && i < w->nshards; i++) {
        if (pthread_create(&w->shards[i].thread, NULL, worker_main, &w->shards[i]) != 0)
            st = fail(detail, QUIRE_ENOMEM, "cannot start writer thread");
        else
            w->shards[i].thread_started = 1;
    }
    if (st != QUIRE_OK) {
        free_shards(w);
        pthread_mutex_destroy(&w->mu);
        close(w->lock_fd);
        free(w->path);
        free(w);
        return st;
    }
    *out = w;
    return QUIRE_OK;
}

/* ------------------------------------------------------------ adding ---- */

quire_status_t quire_writer_add(quire_writer_t *w, const quire_doc_t *doc)
{
    if (!w || !doc)
        return QUIRE_EINVAL;
    quire_status_t st = sticky(w);
    if (st)
        return st;
    if (!doc->id || !*doc->id || !doc->body) {
        pthread_mutex_lock(&w->mu);
        quirei_buf_setf(&w->detail, "document has no %s", !doc->body ? "body" : "id");
        pthread_mutex_unlock(&w->mu);
        return QUIRE_EINVAL;
    }
    if (strlen(doc->id) > QUIREI_MAX_ID_BYTES) {
        pthread_mutex_lock(&w->mu);
        quirei_buf_setf(&w->detail, "document id longer than %d bytes", QUIREI_MAX_ID_BYTES);
        pthread_mutex_unlock(&w->mu);
        return QUIRE_EINVAL;
    }
    /* Repair every field into one buffer, then move it into the record. */
    quirei_buf b = QUIREI_BUF_INIT;
    size_t off[QUIRE_FIELD_COUNT], len[QUIRE_FIELD_COUNT];
    long bad = 0;
    for (int i = 0; i < QUIRE_FIELD_COUNT; i++) {
        off[i] = b.len;
        const char *in = quire_doc_get(doc, (quire_field_t)i);
        if (!in)
            continue;
        long r = quirei_utf8_sanitize(&b, in, strlen(in));
        if (r < 0 || quirei_buf_addc(&b, '\0') < 0) {
            quirei_buf_release(&b);
            return QUIRE_ENOMEM;
        }
        bad += r;
        len[i] = b.len - off[i] - 1;
    }
    rec_t *r = malloc(sizeof *r + b.len + 1);
    if (!r) {
        quirei_buf_release(&b);
        return QUIRE_ENOMEM;
    }
    r->kind = REC_DOC;
    if (b.len)
        memcpy(r->text, b.ptr, b.len);
    for (int i = 0; i < QUIRE_FIELD_COUNT; i++) {
        int present = quire_doc_get(doc, (quire_field_t)i) != NULL;
        r->f[i] = present ? r->text + off[i] : NULL;
        r->flen[i] = present ? len[i] : 0;
    }
    quirei_buf_release(&b);
    atomic_fetch_add(&w->invalid, (uint64_t)bad);
    push(&w->shards[quirei_shard_of(r->f[QUIRE_FIELD_ID], r->flen[QUIRE_FIELD_ID], w->nshards)], r);
    return QUIRE_OK;
}

/* Send `r` (commit or compact) to every shard and wait for all of them. */
static quire_status_t barrier(quire_writer_t *w, rec_t *r)
{
    uint64_t gen[MAX_SHARDS];
    for (unsigned i = 0; i < w->nshards; i++) {
        shard_t *s = &w->shards[i];
        pthread_mutex_lock(&s->mu);
        gen[i] = s->commit_gen;
        pthread_mutex_unlock(&s->mu);
        push(s, r);
    }
    quire_status_t first = QUIRE_OK;
    for (unsigned i = 0; i < w->nshards; i++) {
        shard_t *s = &w->shards[i];
        pthread_mutex_lock(&s->mu);
        while (s->commit_gen == gen[i])
            pthread_cond_wait(&s->committed, &s->mu);
        if (first == QUIRE_OK)
            first = s->commit_status;
        pthread_mutex_unlock(&s->mu);
    }
    return first != QUIRE_OK ? first : sticky(w);
}

quire_status_t quire_writer_commit(quire_writer_t *w)
{
    if (!w)
        return QUIRE_EINVAL;
    return barrier(w, &rec_commit);
}

quire_status_t quire_writer_compact(quire_writer_t *w)
{
    if (!w)
        return QUIRE_EINVAL;
    /* Shards compact in parallel, each on its own thread, into new
     * directories; then one rename of the stub switches readers over. */
    quire_status_t st = barrier(w, &rec_compact);
    char *detail = NULL;
    quire_status_t st2 = write_stub(w, &detail);
    if (st2 != QUIRE_OK) {
        set_error(w, st2, detail ? detail : "cannot write the shard stub");
        free(detail);
        return st2;
    }
    /* Old generations are no longer named by the stub. Readers that still
     * have them open keep reading them (the files stay alive while open)
     * until they reopen. */
    quirei_buf p = QUIREI_BUF_INIT;
    for (unsigned i = 0; i < w->nshards; i++) {
        shard_t *s = &w->shards[i];
        if (!s->old_name[0])
            continue;
        quirei_buf_setf(&p, "%s/%s", w->path, s->old_name);
        remove_tree(p.ptr);
        s->old_name[0] = '\0';
    }
    quirei_buf_release(&p);
    return st;
}

void quire_writer_stats(quire_writer_t *w, quire_writer_stats_t *st)
{
    memset(st, 0, sizeof *st);
    if (!w)
        return;
    st->added = atomic_load(&w->added);
    st->replaced = atomic_load(&w->replaced);
    st->body_bytes = atomic_load(&w->body_bytes);
    st->invalid_utf8 = atomic_load(&w->invalid);
    st->committed = atomic_load(&w->committed);
}

const char *quire_writer_detail(const quire_writer_t *w)
{
    return w ? quirei_buf_cstr(&w->detail) : "";
}

const char *quire_writer_language(const quire_writer_t *w)
{
    return w ? w->language : "";
}

/*
 * After the threads are stopped and the shards closed: compact all shards
 * into one new directory, switch the stub to it, delete the old ones.
 */
static quire_status_t merge_shards(quire_writer_t *w)
{
    quirei_buf paths = QUIREI_BUF_INIT, dst = QUIREI_BUF_INIT, err = QUIREI_BUF_INIT;
    const char *srcs[MAX_SHARDS];
    size_t offs[MAX_SHARDS];
    unsigned gen = 0;
    for (unsigned i = 0; i < w->nshards; i++) {
        const char *dot = strchr(w->shards[i].name, '.');
        unsigned g = dot ? (unsigned)strtoul(dot + 1, NULL, 10) : 0;
        gen = g > gen ? g : gen;
        offs[i] = paths.len;
        quirei_buf_addf(&paths, "%s/%s", w->path, w->shards[i].name);
        quirei_buf_addc(&paths, '\0');
    }
    for (unsigned i = 0; i < w->nshards; i++)
        srcs[i] = paths.ptr + offs[i];
    char name[64];
    snprintf(name, sizeof name, "shard0.%u", gen + 1);
    quirei_buf_addf(&dst, "%s/%s", w->path, name);
    remove_tree(dst.ptr);
    quire_status_t st = quirei_merge(srcs, w->nshards, dst.ptr, &err);
    if (st == QUIRE_OK) {
        /* Switch the stub to the single merged shard. */
        char old[MAX_SHARDS][64];
        unsigned n = w->nshards;
        for (unsigned i = 0; i < n; i++)
            memcpy(old[i], w->shards[i].name, 64);
        memcpy(w->shards[0].name, name, sizeof name);
        w->nshards = 1;
        char *detail = NULL;
        st = write_stub(w, &detail);
        if (st == QUIRE_OK) {
            for (unsigned i = 0; i < n; i++) {
                quirei_buf_setf(&err, "%s/%s", w->path, old[i]);
                remove_tree(err.ptr);
            }
        } else {
            set_error(w, st, detail ? detail : "cannot write the shard stub");
            remove_tree(dst.ptr);
        }
        free(detail);
        w->nshards = n; /* free_shards() walks every shard struct */
    } else {
        set_error(w, st, quirei_buf_cstr(&err));
        remove_tree(dst.ptr);
    }
    quirei_buf_release(&paths);
    quirei_buf_release(&dst);
    quirei_buf_release(&err);
    return st;
}

quire_status_t quire_writer_close(quire_writer_t *w)
{
    if (!w)
        return QUIRE_OK;
    quire_status_t st = quire_writer_commit(w);
    if (st == QUIRE_OK && w->merge_on_close) {
        /* Stop the threads and close the shards first: merging reads them
         * as closed databases. */
        for (unsigned i = 0; i < w->nshards; i++) {
            shard_t *s = &w->shards[i];
            if (s->thread_started) {
                push(s, &rec_stop);
                pthread_join(s->thread, NULL);
                s->thread_started = 0;
            }
            quirei_wdb_close(s->db);
            s->db = NULL;
        }
        st = merge_shards(w);
    }
    free_shards(w);
    close(w->lock_fd); /* releases the index lock */
    pthread_mutex_destroy(&w->mu);
    quirei_buf_release(&w->detail);
    free(w->path);
    free(w);
    return st;
}
