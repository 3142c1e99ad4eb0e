/*
 * writer.c - quire_writer_t: parallel, sharded, crash-safe indexing.
 *
 * The caller's thread only copies documents (repairing their UTF-8) and
 * routes each to a shard by a hash of its id. Every shard has one worker
 * thread that owns all of that shard's state: its Xapian database and its
 * quirei_doc_terms (tokenizer, stemmer with cache, the document under
 * construction). No Xapian object is ever touched by two threads. Each
 * shard commits on its own every `batch_size` documents, so a crash loses
 * at most one batch per shard, and everything committed stays searchable.
 *
 * This file is the queue, the threads, open/close, add, delete, commit
 * and compact; merging the shards at close is write/merge.c. What a
 * document becomes is schema/doc_terms.c (the schema is the essay of
 * schema/schema.h); the directory (stub, shard names, orphans, lock) is
 * store/layout.c.
 */
#include <quire/quire.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schema/doc_terms.h"
#include "schema/schema.h"
#include "store/index.h"
#include "store/layout.h"
#include "text/stemmer.h"
#include "write/id_set.h"
#include "write/merge.h"
#include "write/sync_tree.h"
#include "write/verify.h"
#include "strbuf.h"
#include "utf8.h"

/* Records in flight per shard. The worker takes every queued record at
 * once (pop_all) and the caller refills the queue while the worker works:
 * one wake-up each way per QUEUE_CAP documents, not per document. Handing
 * documents over one by one (a futex wait and wake-up per document each
 * way) cost a worker 9-13 s of CPU and 6-9 s asleep on the shared corpus,
 * idle whenever the caller's thread waited for a core (bench/RESULTS.md,
 * issue 15, writer side). */
#define QUEUE_CAP 128
#define DEFAULT_SHARDS 2
/* 1000, not more: Xapian's inverter holds a batch's postings in std::maps
 * keyed by term, and beyond about 2000 documents they stop fitting in
 * cache. On the shared corpus (2 shards, merged): batch 500 55.9 s, 1000
 * 55.4 s, 4000 62.0 s; peak RSS 121 / 190 / 532 MB. A smaller batch also
 * loses less to a crash. */
#define DEFAULT_BATCH 1000
#define MAX_SHARDS 64

typedef enum rec_kind { REC_DOC, REC_DELETE, REC_COMMIT, REC_COMPACT, REC_STOP } rec_kind_t;

/* One queued document: a single allocation, strings in `text`. A
 * REC_DELETE has only the id, and the shard's answer (`done` set last,
 * under the shard's mutex); its caller frees it, since it waits for that. */
typedef struct rec {
    rec_kind_t kind;
    int done, found;
    quire_status_t status;
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
    char name[QUIREI_SHARD_NAME_MAX]; /* directory in the index: "shard0.3" */

    /* worker-only state; terms.err is the worker's one error buffer */
    quirei_doc_terms terms;
    unsigned since_commit;  /* documents added or replaced since the last commit */
    unsigned deletes_since; /* documents deleted since the last commit */
    int fresh;              /* held no document when opened: ids tells what is new */
    int no_sync;            /* created by this writer: commits not fsync'd (see below) */
    quirei_id_set ids;      /* hashes of the ids added since (write/id_set.h) */
} shard_t;

struct quire_writer {
    char *path;
    char language[64];
    unsigned nshards, batch;
    shard_t *shards;
    int lock_fd; /* the index lock (quirei_layout_lock): one writer per index */
    int merge_on_close;

    pthread_mutex_t mu; /* guards status and detail */
    quire_status_t sticky;
    atomic_int failed; /* sticky != QUIRE_OK: read without the mutex per document */
    quirei_buf detail;

    _Atomic uint64_t added, replaced, body_bytes, invalid, committed, deleted, dates_dropped;
};

/* ------------------------------------------------------------ errors ---- */

static void set_error(quire_writer_t *w, quire_status_t st, const char *msg)
{
    pthread_mutex_lock(&w->mu);
    if (w->sticky == QUIRE_OK) {
        w->sticky = st;
        quirei_buf_set(&w->detail, msg, strlen(msg));
        atomic_store(&w->failed, 1);
    }
    pthread_mutex_unlock(&w->mu);
}

/* The first error, or QUIRE_OK. Asked for every document by the caller
 * and by each worker: the usual answer comes from an atomic flag, not
 * from the mutex the three threads would contend for. */
static quire_status_t sticky(quire_writer_t *w)
{
    if (!atomic_load(&w->failed))
        return QUIRE_OK;
    pthread_mutex_lock(&w->mu);
    quire_status_t st = w->sticky;
    pthread_mutex_unlock(&w->mu);
    return st;
}

/* The message of a shard's failure: out-of-memory paths leave none. */
static const char *shard_msg(const shard_t *s, quire_status_t st, const char *oom)
{
    return st == QUIRE_ENOMEM && !s->terms.err.len ? oom : quirei_buf_cstr(&s->terms.err);
}

/* ------------------------------------------------------------ queue ----- */

/* One producer per shard (the caller's thread), one consumer (the worker).
 * Only the transitions wake the other side: empty -> not empty wakes the
 * worker, and the worker emptying the queue wakes a caller waiting for
 * room. */
static void push(shard_t *s, rec_t *r)
{
    pthread_mutex_lock(&s->mu);
    while (s->count == QUEUE_CAP)
        pthread_cond_wait(&s->not_full, &s->mu);
    s->queue[(s->head + s->count) % QUEUE_CAP] = r;
    if (s->count++ == 0)
        pthread_cond_signal(&s->not_empty);
    pthread_mutex_unlock(&s->mu);
}

/* Wait for records, then take all of them (oldest first) into out[];
 * returns how many (1..QUEUE_CAP). */
static unsigned pop_all(shard_t *s, rec_t *out[QUEUE_CAP])
{
    pthread_mutex_lock(&s->mu);
    while (s->count == 0)
        pthread_cond_wait(&s->not_empty, &s->mu);
    unsigned n = s->count;
    for (unsigned i = 0; i < n; i++)
        out[i] = s->queue[(s->head + i) % QUEUE_CAP];
    s->head = (s->head + n) % QUEUE_CAP;
    s->count = 0;
    pthread_cond_signal(&s->not_full);
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* ------------------------------------------------------------ worker ---- */

/* Store the document just made, by its id term (in s->terms.term): an id
 * that a fresh shard certainly does not hold yet is added without looking
 * it up (id_set.h), any other replaces what the shard holds. */
static quire_status_t store_doc(shard_t *s, int *replaced)
{
    int seen = 1;
    *replaced = 0;
    if (s->fresh && quirei_id_set_add(&s->ids, s->terms.term.ptr, s->terms.term.len, &seen) < 0)
        seen = 1; /* out of memory for the set: look it up */
    if (!seen)
        return quirei_wdb_add(s->db, s->terms.xdoc, &s->terms.err);
    return quirei_wdb_replace(s->db, s->terms.term.ptr, s->terms.term.len, s->terms.xdoc,
                              replaced, &s->terms.err);
}

static quire_status_t index_doc(shard_t *s, const rec_t *r)
{
    quire_status_t st = quirei_doc_terms_make(&s->terms, r->f, r->flen);
    if (st)
        return st;
    int replaced = 0;
    st = store_doc(s, &replaced);
    if (st)
        return st;
    atomic_fetch_add(replaced ? &s->w->replaced : &s->w->added, 1);
    atomic_fetch_add(&s->w->body_bytes, r->flen[QUIRE_FIELD_BODY]);
    return QUIRE_OK;
}

/* Commit, recording a commit counter in the shard's metadata (schema.h:
 * QUIREI_META_REVISION, for readers of remote shards): above both the
 * last one stored and the shard's revision. The counter must only grow: a
 * compaction keeps the metadata and the UUID a reader saw, but starts the
 * revision again, so "revision + 1" would repeat a value readers have
 * cached answers under. */
static quire_status_t commit_shard(shard_t *s)
{
    uint64_t rev = 0;
    quirei_buf v = QUIREI_BUF_INIT;
    quire_status_t st = quirei_wdb_revision(s->db, &rev, &s->terms.err);
    if (st == QUIRE_OK)
        st = quirei_wdb_get_metadata(s->db, QUIREI_META_REVISION, &v, &s->terms.err);
    /* Nothing to commit: leave the counter (and readers' caches) alone. */
    if (st == QUIRE_OK && (s->since_commit || s->deletes_since)) {
        unsigned long long stored = v.len ? strtoull(quirei_buf_cstr(&v), NULL, 10) : 0;
        char val[24];
        snprintf(val, sizeof val, "%llu", (stored > rev ? stored : rev) + 1);
        st = quirei_wdb_set_metadata(s->db, QUIREI_META_REVISION, val, &s->terms.err);
    }
    quirei_buf_release(&v);
    if (st == QUIRE_OK)
        st = quirei_wdb_commit(s->db, &s->terms.err);
    if (st == QUIRE_OK) {
        atomic_fetch_add(&s->w->committed, s->since_commit);
        s->since_commit = 0;
        s->deletes_since = 0;
    }
    return st;
}

/* Open the shard's database (in its current directory) for writing. */
static quire_status_t open_shard_db(shard_t *s, quirei_buf *err)
{
    quirei_buf p = QUIREI_BUF_INIT;
    quire_status_t st = quirei_layout_path(&p, s->w->path, s->name) < 0
                            ? QUIRE_ENOMEM
                            : quirei_wdb_open_sync(p.ptr, !s->no_sync, &s->db, err);
    quirei_buf_release(&p);
    return st;
}

/*
 * Commit, then rewrite the shard compactly into its next-generation
 * directory (glass B-trees filled by many commits are about 40% slack) and
 * continue writing there. The stub still names the old directory, so
 * readers and a crash see the old, complete shard until
 * quire_writer_compact() switches the stub.
 */
static quire_status_t compact_shard(shard_t *s)
{
    quire_status_t st = commit_shard(s);
    if (st)
        return st;
    char fresh[QUIREI_SHARD_NAME_MAX];
    quirei_shard_next_name(s->name, fresh);
    quirei_buf src = QUIREI_BUF_INIT, dst = QUIREI_BUF_INIT;
    if (quirei_layout_path(&src, s->w->path, s->name) < 0 ||
        quirei_layout_path(&dst, s->w->path, fresh) < 0) {
        st = QUIRE_ENOMEM; /* before closing anything: the shard stays usable */
        goto out;
    }
    quirei_layout_remove_tree(dst.ptr); /* left by a crash in an earlier compaction */
    quirei_wdb_close(s->db);
    s->db = NULL;
    st = quirei_compact(src.ptr, dst.ptr, &s->terms.err);
    if (st == QUIRE_OK)
        memcpy(s->name, fresh, sizeof s->name);
    else
        quirei_layout_remove_tree(dst.ptr);
    /* Writing goes on in whichever directory now holds the shard; the
     * compaction's own error, if any, is the one to report. */
    quirei_buf err2 = QUIREI_BUF_INIT;
    quire_status_t st2 = open_shard_db(s, st == QUIRE_OK ? &s->terms.err : &err2);
    if (st == QUIRE_OK)
        st = st2;
    quirei_buf_release(&err2);
out:
    quirei_buf_release(&src);
    quirei_buf_release(&dst);
    return st;
}

static void finish_barrier(shard_t *s, quire_status_t st)
{
    pthread_mutex_lock(&s->mu);
    s->commit_status = st;
    s->commit_gen++;
    pthread_cond_broadcast(&s->committed);
    pthread_mutex_unlock(&s->mu);
}

/* Delete the document of r's id term from this shard and answer the
 * caller, who waits on `committed` (a broadcast: barrier() waiters loop on
 * their generation and go back to sleep). Deletions count towards the
 * batch, so a long list of them is committed as it goes. */
static void delete_doc(shard_t *s, rec_t *r)
{
    int found = 0;
    quire_status_t st = sticky(s->w);
    quirei_buf *term = &s->terms.term; /* the worker's scratch */
    if (st == QUIRE_OK && quirei_buf_setf(term, "%s%.*s", QUIREI_PREFIX_ID,
                                          (int)r->flen[QUIRE_FIELD_ID], r->f[QUIRE_FIELD_ID]) < 0)
        st = QUIRE_ENOMEM;
    if (st == QUIRE_OK && s->db) {
        st = quirei_wdb_delete(s->db, term->ptr, term->len, &found, &s->terms.err);
        if (st == QUIRE_OK && found) {
            atomic_fetch_add(&s->w->deleted, 1);
            if (s->since_commit + ++s->deletes_since >= s->w->batch)
                st = commit_shard(s);
        }
        if (st)
            set_error(s->w, st, shard_msg(s, st, "out of memory while deleting"));
    }
    pthread_mutex_lock(&s->mu);
    r->found = found;
    r->status = st;
    r->done = 1;
    pthread_cond_broadcast(&s->committed);
    pthread_mutex_unlock(&s->mu);
}

/* Do what one record asks; 0 after REC_STOP. */
static int handle(shard_t *s, rec_t *r)
{
    if (r->kind == REC_STOP)
        return 0;
    if (r->kind == REC_COMMIT || r->kind == REC_COMPACT) {
        quire_status_t st = sticky(s->w);
        if (st == QUIRE_OK) {
            st = r->kind == REC_COMMIT ? commit_shard(s) : compact_shard(s);
            if (st)
                set_error(s->w, st, shard_msg(s, st, "out of memory"));
        }
        finish_barrier(s, st);
        return 1;
    }
    if (r->kind == REC_DELETE) {
        delete_doc(s, r); /* the caller frees r */
        return 1;
    }
    /* After an error, documents are dropped: the caller sees the sticky
     * status on its next call and stops. */
    if (sticky(s->w) == QUIRE_OK && s->db) {
        quire_status_t st = index_doc(s, r);
        if (st == QUIRE_OK && ++s->since_commit + s->deletes_since >= s->w->batch)
            st = commit_shard(s);
        if (st)
            set_error(s->w, st, shard_msg(s, st, "out of memory while indexing"));
    }
    free(r);
    return 1;
}

static void *worker_main(void *arg)
{
    shard_t *s = arg;
    rec_t *batch[QUEUE_CAP];
    for (;;) {
        unsigned n = pop_all(s, batch);
        for (unsigned i = 0; i < n; i++)
            if (!handle(s, batch[i]))
                return NULL; /* REC_STOP is the last record ever pushed */
    }
}

/* ------------------------------------------------------------ opening --- */

static quire_status_t fail(char **detail, quire_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static quire_status_t fail(char **detail, quire_status_t st, const char *fmt, ...)
{
    if (detail) {
        free(*detail); /* a later failure's message replaces an earlier one */
        quirei_buf b = QUIREI_BUF_INIT;
        va_list ap;
        va_start(ap, fmt);
        quirei_buf_vaddf(&b, fmt, ap);
        va_end(ap);
        *detail = quirei_buf_detach(&b, NULL);
    }
    return st;
}

/* Point names[0..nshards) at the shards' current directory names. */
static void shard_names(const quire_writer_t *w, const char *names[MAX_SHARDS])
{
    for (unsigned i = 0; i < w->nshards; i++)
        names[i] = w->shards[i].name;
}

/* Write the stub naming every shard's current directory. */
static quire_status_t write_stub(quire_writer_t *w, quirei_buf *err)
{
    const char *names[MAX_SHARDS];
    shard_names(w, names);
    return quirei_stub_write(w->path, names, w->nshards, err);
}

/* Remove the shard directories the stub does not name: old generations,
 * and what crashed creations or compactions left. Holds the lock. */
static quire_status_t remove_orphans(quire_writer_t *w, quirei_buf *err)
{
    const char *names[MAX_SHARDS];
    shard_names(w, names);
    return quirei_layout_remove_orphans(w->path, names, w->nshards, err);
}

/* A new shard gets the schema metadata; an existing one must have this
 * build's schema, and gives the writer its language. */
static quire_status_t init_metadata(quire_writer_t *w, shard_t *s, int creating, char **detail)
{
    quirei_buf v = QUIREI_BUF_INIT, *err = &s->terms.err;
    quire_status_t st = quirei_wdb_get_metadata(s->db, QUIREI_META_SCHEMA, &v, err);
    if (st == QUIRE_OK && v.len == 0) {
        char n[16], ns[16];
        snprintf(n, sizeof n, "%d", QUIRE_SCHEMA_VERSION);
        snprintf(ns, sizeof ns, "%u", w->nshards);
        if ((st = quirei_wdb_set_metadata(s->db, QUIREI_META_SCHEMA, n, err)) == QUIRE_OK &&
            (st = quirei_wdb_set_metadata(s->db, QUIREI_META_LANGUAGE, w->language, err)) ==
                QUIRE_OK &&
            (st = quirei_wdb_set_metadata(s->db, QUIREI_META_SHARDS, ns, err)) == QUIRE_OK)
            st = quirei_wdb_commit(s->db, err);
    } else if (st == QUIRE_OK &&
               (st = quirei_schema_check(w->path, v.ptr, v.len, err)) == QUIRE_OK &&
               !creating) {
        quirei_buf_reset(&v);
        st = quirei_wdb_get_metadata(s->db, QUIREI_META_LANGUAGE, &v, err);
        if (st == QUIRE_OK && v.len && v.len < sizeof w->language)
            memcpy(w->language, v.ptr, v.len + 1);
    }
    quirei_buf_release(&v);
    return st ? fail(detail, st, "%s", quirei_buf_cstr(err)) : QUIRE_OK;
}

/*
 * A shard this writer creates (a brand-new index) commits without fsync
 * (Xapian's DB_NO_SYNC): each commit is still atomic, reaches readers and
 * survives a kill of the process (the kernel holds the pages), and only an
 * OS crash or power loss during the build could lose or damage it (the
 * check before the next write says so; rebuild from the sources). What
 * the run ends with is synced before success is reported: the merged or
 * compacted generation before the stub names it, or, unmerged, the shards
 * at close. Saves one fdatasync per table per commit (52 commits per shard
 * on the shared corpus: ~7 s asleep per worker), during which its core idled.
 */
static quire_status_t open_shard(quire_writer_t *w, unsigned i, int creating, char **detail)
{
    shard_t *s = &w->shards[i];
    s->no_sync = creating;
    quire_status_t st = open_shard_db(s, &s->terms.err);
    if (st)
        return fail(detail, st, "%s", shard_msg(s, st, "out of memory"));
    if ((st = init_metadata(w, s, creating, detail)))
        return st;
    uint64_t docs = 0;
    if ((st = quirei_wdb_doc_count(s->db, &docs, &s->terms.err)))
        return fail(detail, st, "%s", shard_msg(s, st, "out of memory"));
    s->fresh = docs == 0;
    /* The language is known only now (an existing index keeps its own). */
    st = quirei_doc_terms_init(&s->terms, w->language);
    if (st == QUIRE_ELANG)
        return fail(detail, st, "no Snowball stemmer for language '%s'", w->language);
    return st ? fail(detail, st, "out of memory") : QUIRE_OK;
}

/* Stop the workers and close the shards (not the writer). */
static void stop_shards(quire_writer_t *w)
{
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
}

/* Free everything; the lock goes last, once nothing is written any more. */
static void writer_free(quire_writer_t *w)
{
    if (w->shards)
        stop_shards(w);
    for (unsigned i = 0; w->shards && i < w->nshards; i++) {
        shard_t *s = &w->shards[i];
        quirei_doc_terms_release(&s->terms);
        quirei_id_set_release(&s->ids);
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->not_empty);
        pthread_cond_destroy(&s->not_full);
        pthread_cond_destroy(&s->committed);
    }
    free(w->shards);
    quirei_layout_unlock(w->lock_fd);
    pthread_mutex_destroy(&w->mu);
    quirei_buf_release(&w->detail);
    free(w->path);
    free(w);
}

/* Check the options (*lang: the language asked for) and make sure `path`
 * is a directory, creating it if need be. */
static quire_status_t check_options_and_dir(const char *path, const quire_writer_options_t *o,
                                    const char **lang, char **detail)
{
    if (!path || !*path)
        return fail(detail, QUIRE_EINVAL, "no index path");
    *lang = o->language ? o->language : "english";
    if (strlen(*lang) >= 64 || !quirei_stemmer_language_ok(*lang))
        return fail(detail, QUIRE_ELANG, "no Snowball stemmer for language '%s'", *lang);
    if (o->shards > MAX_SHARDS)
        return fail(detail, QUIRE_EINVAL, "at most %d shards", MAX_SHARDS);
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return fail(detail, QUIRE_EIO, "%s: cannot create directory: %s", path,
                    strerror(errno));
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return fail(detail, QUIRE_ENOTINDEX, "%s: not a directory", path);
    return QUIRE_OK;
}

/* The shards the stub names (*existing of them), or 0 for a new index in a
 * directory that holds nothing else. */
static quire_status_t read_layout(const char *path, char (*names)[QUIREI_SHARD_NAME_MAX],
                                  unsigned *existing, char **detail)
{
    quirei_buf err = QUIREI_BUF_INIT;
    quire_status_t st = quirei_layout_shards(path, names, MAX_SHARDS, existing, &err);
    if (st == QUIRE_ENOTFOUND) {
        *existing = 0;
        st = quirei_layout_dir_is_fresh(path)
                 ? QUIRE_OK
                 : fail(detail, QUIRE_ENOTINDEX,
                        "%s: directory is not empty and holds no Quire index "
                        "(refusing to write into it)",
                        path);
    } else if (st) {
        st = fail(detail, st, "%s", quirei_buf_cstr(&err));
    }
    quirei_buf_release(&err);
    return st;
}

static quire_status_t writer_new(const char *path, const char *lang,
                                 const quire_writer_options_t *o,
                                 char (*names)[QUIREI_SHARD_NAME_MAX], unsigned existing,
                                 int lock_fd, quire_writer_t **out, char **detail)
{
    quire_writer_t *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        quirei_layout_unlock(lock_fd);
        return fail(detail, QUIRE_ENOMEM, "out of memory");
    }
    w->lock_fd = lock_fd;
    pthread_mutex_init(&w->mu, NULL);
    snprintf(w->language, sizeof w->language, "%s", lang);
    w->nshards = existing ? existing : (o->shards ? o->shards : DEFAULT_SHARDS);
    w->batch = o->batch_size ? o->batch_size : DEFAULT_BATCH;
    w->merge_on_close = o->merge_on_close;
    *out = w;
    if (!(w->shards = calloc(w->nshards, sizeof *w->shards))) {
        writer_free(w);
        *out = NULL;
        return fail(detail, QUIRE_ENOMEM, "out of memory");
    }
    for (unsigned i = 0; i < w->nshards; i++) {
        shard_t *s = &w->shards[i];
        s->w = w;
        s->index = i;
        if (existing)
            memcpy(s->name, names[i], sizeof s->name);
        else
            quirei_shard_name(i, 0, s->name);
        pthread_mutex_init(&s->mu, NULL);
        pthread_cond_init(&s->not_empty, NULL);
        pthread_cond_init(&s->not_full, NULL);
        pthread_cond_init(&s->committed, NULL);
    }
    return QUIRE_OK;
}

/* Tidy the directory, open every shard, name them in a stub if the index is
 * new, and start a worker per shard. */
static quire_status_t writer_start(quire_writer_t *w, int creating, char **detail)
{
    quirei_buf err = QUIREI_BUF_INIT;
    quire_status_t st = remove_orphans(w, &err);
    if (st)
        st = fail(detail, st, "%s", quirei_buf_cstr(&err));
    for (unsigned i = 0; st == QUIRE_OK && i < w->nshards; i++)
        st = open_shard(w, i, creating, detail);
    if (st == QUIRE_OK && creating && (st = write_stub(w, &err)))
        st = fail(detail, st, "%s", quirei_buf_cstr(&err));
    quirei_buf_release(&err);
    for (unsigned i = 0; st == QUIRE_OK && i < w->nshards; i++) {
        if (pthread_create(&w->shards[i].thread, NULL, worker_main, &w->shards[i]) != 0)
            st = fail(detail, QUIRE_ENOMEM, "cannot start writer thread");
        else
            w->shards[i].thread_started = 1;
    }
    return st;
}

quire_status_t quire_writer_open(const char *path, const quire_writer_options_t *opts,
                                 quire_writer_t **out, char **detail)
{
    if (detail)
        *detail = NULL;
    if (!out)
        return fail(detail, QUIRE_EINVAL, "no output handle");
    *out = NULL;
    quire_writer_options_t o = {0};
    if (opts)
        o = *opts;
    const char *lang = NULL;
    char names[MAX_SHARDS][QUIREI_SHARD_NAME_MAX];
    unsigned existing = 0;
    /* The layout is read once before the lock, so that a directory we
     * refuse is left untouched (no lock file), and again under it: another
     * writer may have compacted (renamed every shard) in between. */
    quire_status_t st = check_options_and_dir(path, &o, &lang, detail);
    if (st || (st = read_layout(path, names, &existing, detail)))
        return st;
    int lock_fd = -1;
    quirei_buf err = QUIREI_BUF_INIT;
    if ((st = quirei_layout_lock(path, &lock_fd, &err)))
        st = fail(detail, st, "%s", quirei_buf_cstr(&err));
    quirei_buf_release(&err);
    if (st)
        return st;
    if ((st = read_layout(path, names, &existing, detail))) {
        quirei_layout_unlock(lock_fd);
        return st;
    }
    /* Never write into a damaged index (issue 16; cached per revision). */
    if (existing && (st = quirei_verify_before_write(path, (const char(*)[QUIREI_SHARD_NAME_MAX])names,
                                                      existing, detail))) {
        quirei_layout_unlock(lock_fd);
        return st;
    }
    quire_writer_t *w = NULL;
    if ((st = writer_new(path, lang, &o, names, existing, lock_fd, &w, detail)))
        return st;
    if ((st = writer_start(w, existing == 0, detail))) {
        writer_free(w);
        return st;
    }
    *out = w;
    return QUIRE_OK;
}

/* ------------------------------------------------------------ adding ---- */

/* The record of doc: every field repaired into one allocation. *bad counts
 * the invalid UTF-8 sequences replaced. NULL when out of memory. */
static rec_t *rec_from_doc(const quire_doc_t *doc, long *bad)
{
    quirei_buf b = QUIREI_BUF_INIT;
    size_t off[QUIRE_FIELD_COUNT], len[QUIRE_FIELD_COUNT];
    *bad = 0;
    for (int i = 0; i < QUIRE_FIELD_COUNT; i++) {
        off[i] = b.len;
        const char *in = quire_doc_get(doc, (quire_field_t)i);
        if (!in)
            continue;
        long r = quirei_utf8_sanitize(&b, in, strlen(in));
        if (r < 0 || quirei_buf_addc(&b, '\0') < 0) {
            quirei_buf_release(&b);
            return NULL;
        }
        *bad += r;
        len[i] = b.len - off[i] - 1;
    }
    rec_t *r = malloc(sizeof *r + b.len + 1);
    if (r) {
        r->kind = REC_DOC;
        if (b.len)
            memcpy(r->text, b.ptr, b.len);
        for (int i = 0; i < QUIRE_FIELD_COUNT; i++) {
            int present = quire_doc_get(doc, (quire_field_t)i) != NULL;
            r->f[i] = present ? r->text + off[i] : NULL;
            r->flen[i] = present ? len[i] : 0;
        }
    }
    quirei_buf_release(&b);
    return r;
}

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
    /* Every writer path stores dates one way, so sorting, filters and the
     * API see only calendar dates; a date that is none is dropped, not the
     * document. */
    quire_doc_t d = *doc;
    char date[QUIRE_DATE_MAX];
    if (d.date) {
        int ok = quire_date_normalize(d.date, date, NULL, 0) == QUIRE_OK;
        d.date = ok ? date : NULL;
        atomic_fetch_add(&w->dates_dropped, (uint64_t)!ok);
    }
    long bad = 0;
    rec_t *r = rec_from_doc(&d, &bad);
    if (!r)
        return QUIRE_ENOMEM;
    atomic_fetch_add(&w->invalid, (uint64_t)bad);
    push(&w->shards[quirei_shard_of(r->f[QUIRE_FIELD_ID], r->flen[QUIRE_FIELD_ID], w->nshards)],
         r);
    return QUIRE_OK;
}

/* The id is repaired (rec_from_doc) as quire_writer_add() repairs it, so
 * an id indexed with invalid UTF-8 is deleted by the same bytes. It goes to
 * the shard that holds it, after everything queued there before (an add of
 * the same id included), and the caller waits for that shard's answer. */
quire_status_t quire_writer_delete(quire_writer_t *w, const char *id, bool *found)
{
    if (found)
        *found = false;
    if (!w || !id || !*id)
        return QUIRE_EINVAL;
    quire_status_t st = sticky(w);
    if (st || strlen(id) > QUIREI_MAX_ID_BYTES) /* no document has a longer id */
        return st;
    quire_doc_t doc = {.id = id};
    long bad = 0;
    rec_t *r = rec_from_doc(&doc, &bad);
    if (!r)
        return QUIRE_ENOMEM;
    r->kind = REC_DELETE;
    r->done = 0;
    shard_t *s =
        &w->shards[quirei_shard_of(r->f[QUIRE_FIELD_ID], r->flen[QUIRE_FIELD_ID], w->nshards)];
    push(s, r);
    pthread_mutex_lock(&s->mu);
    while (!r->done)
        pthread_cond_wait(&s->committed, &s->mu);
    pthread_mutex_unlock(&s->mu);
    if (found)
        *found = r->found != 0;
    st = r->status;
    free(r);
    return st;
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

/* Every shard's current directory checked before the stub names it
 * (write/verify.h; a sound one is remembered, so the close that follows
 * does not check it again). */
static quire_status_t verify_fresh(quire_writer_t *w, quirei_buf *err)
{
    quire_status_t st = QUIRE_OK;
    quirei_buf p = QUIREI_BUF_INIT;
    for (unsigned i = 0; i < w->nshards && st == QUIRE_OK; i++)
        st = quirei_layout_path(&p, w->path, w->shards[i].name) < 0
                 ? QUIRE_ENOMEM
                 : quirei_verify_generation(w->path, p.ptr, "its shards before compaction", err);
    quirei_buf_release(&p);
    return st;
}

/* fsync every shard's current directory (write/sync_tree.h). */
static quire_status_t sync_shards(quire_writer_t *w, quirei_buf *err)
{
    quire_status_t st = QUIRE_OK;
    quirei_buf p = QUIREI_BUF_INIT;
    for (unsigned i = 0; i < w->nshards && st == QUIRE_OK; i++)
        st = quirei_layout_path(&p, w->path, w->shards[i].name) < 0
                 ? QUIRE_ENOMEM
                 : quirei_sync_tree(p.ptr, err);
    quirei_buf_release(&p);
    return st;
}

quire_status_t quire_writer_compact(quire_writer_t *w)
{
    if (!w)
        return QUIRE_EINVAL;
    /* Shards compact in parallel, each on its own thread, into new
     * directories; then one rename of the stub switches readers over. */
    quire_status_t st = barrier(w, &rec_compact);
    quirei_buf err = QUIREI_BUF_INIT;
    quire_status_t st2 = st ? st : verify_fresh(w, &err);
    if (st2 == QUIRE_OK)
        st2 = sync_shards(w, &err); /* compaction does not sync what it writes */
    if (st2 == QUIRE_OK)
        st2 = write_stub(w, &err);
    /* Old generations are no longer named by the stub. Readers that still
     * have them open keep reading them (the files stay alive while open)
     * until they reopen. */
    if (st2 == QUIRE_OK)
        st2 = remove_orphans(w, &err);
    if (st2 != QUIRE_OK) {
        set_error(w, st2, err.len ? err.ptr : "cannot write the shard stub");
        st = st2;
    }
    quirei_buf_release(&err);
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
    st->dates_dropped = atomic_load(&w->dates_dropped);
    st->committed = atomic_load(&w->committed);
    st->deleted = atomic_load(&w->deleted);
}

const char *quire_writer_detail(const quire_writer_t *w)
{
    return w ? quirei_buf_cstr(&w->detail) : "";
}

const char *quire_writer_language(const quire_writer_t *w)
{
    return w ? w->language : "";
}

/* After the threads are stopped and the shards closed (merge.c). */
static quire_status_t merge_shards(quire_writer_t *w)
{
    const char *names[MAX_SHARDS];
    shard_names(w, names);
    quirei_buf err = QUIREI_BUF_INIT;
    quire_status_t st = quirei_merge_shards(w->path, names, w->nshards, &err);
    if (st)
        set_error(w, st, err.len ? err.ptr : "out of memory while merging");
    quirei_buf_release(&err);
    return st;
}

/* Unmerged shards, checked as committed (issue 16); those written
 * without syncing (open_shard) are synced first. */
static quire_status_t verify_written(quire_writer_t *w)
{
    stop_shards(w);
    const char *names[MAX_SHARDS];
    shard_names(w, names);
    quirei_buf err = QUIREI_BUF_INIT;
    int unsynced = 0;
    for (unsigned i = 0; i < w->nshards; i++)
        unsynced |= w->shards[i].no_sync;
    quire_status_t st = unsynced ? sync_shards(w, &err) : QUIRE_OK;
    if (st == QUIRE_OK)
        st = quirei_verify_shards(w->path, names, w->nshards, &err);
    if (st)
        set_error(w, st, err.len ? err.ptr : "out of memory while checking");
    quirei_buf_release(&err);
    return st;
}

quire_status_t quire_writer_close(quire_writer_t *w)
{
    return quire_writer_close_detail(w, NULL);
}

quire_status_t quire_writer_close_detail(quire_writer_t *w, char **detail)
{
    if (detail)
        *detail = NULL;
    if (!w)
        return QUIRE_OK;
    quire_status_t st = quire_writer_commit(w);
    if (st == QUIRE_OK && w->merge_on_close) {
        /* Stop the threads and close the shards first: merging reads them
         * as closed databases. */
        stop_shards(w);
        st = merge_shards(w);
    } else if (st == QUIRE_OK) {
        st = verify_written(w); /* no success after writing into damage */
    }
    if (st && detail)
        *detail = strdup(quirei_buf_cstr(&w->detail));
    writer_free(w); /* releases the index lock */
    return st;
}
