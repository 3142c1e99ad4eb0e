/*
 * layout.h - the on-disk layout of an index directory: the one owner of it.
 *
 * An index directory holds a stub file (QUIREI_STUB_FILE) naming its shards,
 * the shard directories themselves, and the writer's lock file (schema.h
 * tells the whole story). Everything that reads or writes those names goes
 * through here: the writer (write/writer.c) and the reader's Xapian side
 * (store/index.cc) parse the stub with the same C parser, so the two can
 * never disagree about which shards an index has.
 *
 * The stub syntax accepted: Xapian's own stub format for local and TCP
 * shards (none of its "remote :PROGRAM", "chert" or "inmemory" lines), so
 * Xapian's tools open the directory too. (Xapian's parser is stricter about blanks: a stub written by
 * quirei_stub_write() suits both.)
 *
 *     # a comment                  lines whose first non-blank is '#'
 *                                  blank lines are skipped too
 *     auto PATH                    a local shard (any backend Xapian detects)
 *     glass PATH                   a local glass shard
 *     remote HOST:PORT             a shard served by xapian-tcpsrv over TCP
 *     remote [IPV6]:PORT           the same, for an IPv6 address (as
 *                                  Xapian writes it; its 1.4 client may
 *                                  not reach one)
 *
 * PATH is absolute, or relative to the index directory; it runs to the end
 * of the line (blanks around the line, and a CR, are dropped). Anything
 * else (an unknown keyword, a missing PATH, a malformed HOST:PORT, Xapian's
 * "remote :PROGRAM" form) is an error naming the line number.
 *
 * Memory: quirei_stub owns its entries and text; free with
 * quirei_stub_release(). Messages go to `err` (reset first; may be NULL).
 * Nothing here calls exit() or keeps global state.
 */
#ifndef QUIRE_LAYOUT_H
#define QUIRE_LAYOUT_H

#include <quire/quire.h>
#include <stddef.h>

#include "array.h"
#include "strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The stub file naming the shards of an index directory. */
#define QUIREI_STUB_FILE "XAPIANDB"
/* The file a writer flock()s for the whole index. */
#define QUIREI_LOCK_FILE "writer.lock"
/* Bytes for a shard directory name written by Quire, NUL included. */
#define QUIREI_SHARD_NAME_MAX 64

/* ---- the stub ---- */

typedef enum quirei_stub_kind {
    QUIREI_STUB_LOCAL, /* "auto PATH" or "glass PATH" */
    QUIREI_STUB_REMOTE /* "remote HOST:PORT" */
} quirei_stub_kind;

typedef struct quirei_stub_entry {
    quirei_stub_kind kind;
    unsigned line; /* 1-based line of the stub it came from */
    char *path;    /* LOCAL: as written (absolute, or relative to the index
                      directory); NULL for REMOTE */
    char *host;    /* REMOTE: host name or address, IPv6 without brackets;
                      NULL for LOCAL */
    unsigned port; /* REMOTE: 1..65535 */
} quirei_stub_entry;

QUIREI_ARRAY(quirei_stub_entries, quirei_stub_entry);

typedef struct quirei_stub {
    quirei_stub_entries entries; /* in stub order: the shard order */
    quirei_buf text;             /* the stub as read, to tell a changed one */
} quirei_stub;

/* Parse stub text[0..len) and append its entries to out->entries (out->text
 * is left alone). `what` names the stub in messages ("DIR/XAPIANDB").
 * QUIRE_OK; QUIRE_ENOTINDEX for a malformed line ("WHAT line N: ...");
 * QUIRE_ENOMEM. On failure out holds the entries before the bad line. */
quire_status_t quirei_stub_parse(const char *text, size_t len, const char *what,
                                 quirei_stub *out, quirei_buf *err);

/* Read and parse DIR/XAPIANDB into *out (which must be empty: {0}).
 * QUIRE_OK (at least one entry); QUIRE_ENOTFOUND when there is no stub
 * file (*out stays empty); QUIRE_EIO when it cannot be read;
 * QUIRE_ENOTINDEX when it is malformed or names no shard; QUIRE_ENOMEM. */
quire_status_t quirei_stub_read(const char *dir, quirei_stub *out, quirei_buf *err);

/* Free what *s holds; *s is empty ({0}) afterwards. */
void quirei_stub_release(quirei_stub *s);

/* Set out to the path of local entry e of the index in `dir`. 0, or -1 when
 * out of memory. */
int quirei_stub_local_path(const char *dir, const quirei_stub_entry *e, quirei_buf *out);

/* Replace DIR/XAPIANDB atomically (write DIR/XAPIANDB.tmp, fsync, rename)
 * with one "auto NAME" line for each of names[0..n). Readers and crashes
 * see the old stub or the new one, never half of one.
 * QUIRE_OK, QUIRE_EIO, QUIRE_ENOMEM. */
quire_status_t quirei_stub_write(const char *dir, const char *const *names, size_t n,
                                 quirei_buf *err);

/* ---- what a reader is given: index directories, manifests, tcp:// ----
 *
 * A reader (quire-search, quire-serve: one or more --db) is given sources,
 * each of them one of:
 *
 *     DIR              an index directory: the shards its XAPIANDB stub
 *                      names (a directory without a stub is one plain
 *                      Xapian database)
 *     FILE             a manifest: a file in the stub syntax above, its
 *                      relative paths taken from the file's directory
 *     tcp://HOST:PORT  one shard served by xapian-tcpsrv
 *
 * A local entry of a stub or manifest that is itself an index directory
 * (holding a XAPIANDB) stands for that index's shards, so a manifest may
 * list whole indexes ("auto /srv/quire/2024") and still follow their
 * compactions. Nesting stops at QUIREI_SOURCE_DEPTH. Every source is
 * resolved into the flat list of its shards, in order. */

#define QUIREI_SOURCE_DEPTH 4
#define QUIREI_TCP_SCHEME "tcp://"

typedef struct quirei_shard_spec {
    quirei_stub_kind kind;
    char *path;    /* LOCAL: the database directory, absolute; NULL for REMOTE */
    char *host;    /* REMOTE: host name or address; NULL for LOCAL */
    unsigned port; /* REMOTE: 1..65535 */
    char *label;   /* how messages and partial answers name the shard: the
                      path, or "tcp://HOST:PORT" */
} quirei_shard_spec;

QUIREI_ARRAY(quirei_shard_spec_list, quirei_shard_spec);

/* Append the shards of `source` to *out. A shard already in *out (the same
 * label: the same directory, or the same HOST:PORT) is an error, since its
 * documents would be counted twice.
 * QUIRE_OK; QUIRE_ENOTFOUND (no such file or directory); QUIRE_EIO;
 * QUIRE_ENOTINDEX (a malformed stub or manifest, "tcp://" without a valid
 * HOST:PORT, nesting too deep, a shard named twice); QUIRE_ENOMEM. On
 * failure *out holds the shards resolved before the problem. */
quire_status_t quirei_source_resolve(const char *source, quirei_shard_spec_list *out,
                                     quirei_buf *err);

/* Free what *s holds; *s is empty ({0}) afterwards. */
void quirei_shard_specs_release(quirei_shard_spec_list *s);

/* ---- the shards a Quire writer writes ---- */

/* Shard `index`, generation `gen`: "shard3" for generation 0, else
 * "shard3.GEN". Every compaction moves a shard to the next generation. */
void quirei_shard_name(unsigned index, unsigned gen, char out[QUIREI_SHARD_NAME_MAX]);

/* Is `name` exactly what quirei_shard_name() writes? 0 with *index and *gen
 * set, or -1. */
int quirei_shard_name_parse(const char *name, unsigned *index, unsigned *gen);

/* The directory a compaction of shard `name` (a valid shard name) writes:
 * shard0 -> shard0.1 -> shard0.2 ... */
void quirei_shard_next_name(const char *name, char out[QUIREI_SHARD_NAME_MAX]);

/* The directory that merging shards names[0..n) (valid shard names) into
 * one writes: "shard0.G", G one above the highest generation among them, so
 * that it is none of them. */
void quirei_shard_merged_name(const char *const *names, size_t n,
                              char out[QUIREI_SHARD_NAME_MAX]);

/* Read DIR/XAPIANDB as a writer must: every entry local, named by
 * quirei_shard_name() with its index equal to its position (documents are
 * routed to shards by position: quirei_shard_of()), at most `max` of them.
 * Copies the names to names[0..*n).
 * QUIRE_OK; QUIRE_ENOTFOUND when there is no stub; QUIRE_EINVAL when it
 * names a remote shard (a writer writes only local shards); QUIRE_ENOTINDEX
 * when it is malformed, empty, or names a directory Quire did not write (an
 * absolute path, a foreign name, shards out of order, more than max);
 * QUIRE_EIO; QUIRE_ENOMEM. */
quire_status_t quirei_layout_shards(const char *dir, char (*names)[QUIREI_SHARD_NAME_MAX],
                                    unsigned max, unsigned *n, quirei_buf *err);

/* ---- the directory ---- */

/* Set out to "DIR/NAME". 0, or -1 when out of memory. */
int quirei_layout_path(quirei_buf *out, const char *dir, const char *name);

/* Is DIR empty, or does it hold only what a creation interrupted before the
 * stub was written leaves behind (the lock, XAPIANDB.tmp, shard*)? 1 or 0;
 * 1 when DIR cannot be listed (opening it will say why). */
int quirei_layout_dir_is_fresh(const char *dir);

/* Does DIR/XAPIANDB exist? 1 or 0. */
int quirei_layout_has_stub(const char *dir);

/* Remove every shard* entry of DIR that keep[0..n) does not name: what a
 * crashed creation or compaction left. Call only while holding the lock.
 * Removal is best effort; QUIRE_OK, or QUIRE_ENOMEM (nothing more removed). */
quire_status_t quirei_layout_remove_orphans(const char *dir, const char *const *keep,
                                            size_t n, quirei_buf *err);

/* Remove the tree at path (best effort: what cannot be removed stays). */
void quirei_layout_remove_tree(const char *path);

/* Take the one-writer lock of DIR: flock() of DIR/writer.lock, created if
 * need be. *fd is the lock (release with quirei_layout_unlock()).
 * QUIRE_OK, QUIRE_ELOCKED (another writer has it), QUIRE_EIO, QUIRE_ENOMEM. */
quire_status_t quirei_layout_lock(const char *dir, int *fd, quirei_buf *err);
void quirei_layout_unlock(int fd);

#ifdef __cplusplus
}
#endif
#endif
