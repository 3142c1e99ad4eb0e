/*
 * schema.h - what a Quire index holds: terms, values, data and metadata.
 *
 * ===========================================================================
 * The Quire index, schema version 3
 * ===========================================================================
 *
 * An index is a directory (store/layout.c owns every name in it):
 *
 *     DIR/XAPIANDB        a Xapian stub file naming the shards, in order
 *     DIR/shard0/ ...     one glass database per shard ("shard0", after a
 *                         compaction "shard0.1", "shard0.2", ...; a merge
 *                         writes "shard0.G", G above every generation)
 *     DIR/writer.lock     flock()ed by the one writer
 *
 * The stub is the index's commit point for its layout: a compaction writes
 * each shard anew into its next-generation directory, then renames a new
 * stub into place, then deletes the old generation. Readers that open the
 * index after the rename see the new shards; a crash at any point leaves a
 * stub naming complete shards (orphans are removed by the next writer).
 *
 * The stub syntax (one parser, store/layout.c, for writer and reader alike;
 * Xapian's own syntax for local and TCP shards, so xapian-delve opens DIR
 * too; Quire's parser also forgives blanks around a line and a CR before
 * its end, which Xapian's does not):
 *
 *     # comment           and blank lines: skipped
 *     auto PATH           a local shard; PATH absolute or relative to DIR
 *     glass PATH          the same, glass named
 *     remote HOST:PORT    a shard served by xapian-tcpsrv ([IPV6]:PORT too)
 *
 * Any other line is an error naming its line number. The writer writes
 * "auto shardI[.G]" lines and writes only such indexes: it refuses a stub
 * that names a remote shard or a directory it did not make (documents are
 * routed by shard position, so a shard it cannot write would reroute
 * them). Readers open every shard, local or remote, as one database.
 *
 * Opening DIR with Xapian (or xapian-delve, or a remote xapian-tcpsrv) sees
 * all shards as one database. Documents are routed to a shard by a hash of
 * their id (FNV-1a mod shard count, see quirei_shard_of() below), so a
 * re-indexed id always lands in the shard that holds its previous version
 * and replaces it. The shard count is fixed when the index is created.
 * Shards exist so that one writer thread per core can index in parallel;
 * they can be merged with xapian-compact, or served from other hosts by
 * xapian-tcpsrv, the stub naming them with "remote" lines (index into a
 * remote shard on its own host). A reader's generation (the key of result
 * caches) covers remote shards by the commit counter each shard holds
 * (quire.revision below: Xapian 1.4's remote protocol sends no revision),
 * see quirei_rdb_generation() in store/index.h.
 *
 * Readers may also be given several sources (index directories, manifest
 * files in the stub syntax, tcp://HOST:PORT shards: store/layout.h) and
 * open all their shards as one database; a remote shard that is down is
 * left out and retried (store/shards.cc).
 *
 * Terms, values and data are made from a document by schema/doc_terms.c.
 *
 * Terms (all text terms come from the one tokenizer, text/tokenizer.c; they are
 * NFKC + case-folded, so they never begin with an ASCII capital, which keeps
 * them apart from the capital-letter prefixes below):
 *
 *   word        unprefixed, WITH positions: every WORD and COMPOUND token
 *               of the title and the body (title first, from position
 *               QUIREI_FIRST_POS, then a gap of QUIREI_TITLE_GAP positions
 *               so no phrase spans the two; why both are 256: below).
 *               Exact phrases and security tokens are matched on these.
 *   part        unprefixed, no positions: the PART tokens (pieces of a
 *               compound: "44228" of "cve-2021-44228") and HYPHENATED
 *               wholes ("state-sponsored").
 *   Z<stem>     stemmed form of every stemmable word, no positions (also
 *               when the stem equals the word), so a stemmed query for s
 *               is the one term Z<s>. Schema 1 left Z<stem> out when the
 *               stem equalled the word and queried OP_SYNONYM(Z<s>, <s>):
 *               5% smaller, but every stemmed word then merged two
 *               posting lists, and 7-word fragment queries (the open
 *               set's "bare") were 20% slower at the median (0.35 ->
 *               0.29 ms). The extra postings cost indexing time (57 ->
 *               66 s on the shared corpus), won back by committing
 *               every 1000 documents instead of 4000 (write/writer.c,
 *               DEFAULT_BATCH): 53-55 s. Stem terms carry no positions,
 *               unlike TermGenerator's, so the index is 0.68x its size.
 *   S<word>     title words, no positions (a title phrase is matched on
 *               the unprefixed terms, which hold the title's positions);
 *               ZS<stem> likewise.
 *   A<word>     author words, no positions; ZA<stem> likewise (so
 *               author:word is stemmed like any word; an author: phrase
 *               is matched as all of its A<word> terms, in any order).
 *   Q<id>       boolean, the document id (unique; replace_document key).
 *   XS<source>  boolean, the lower-cased source ("ti-corpus/theregister"),
 *               plus XS<top> for its part before the first '/'.
 *
 * Values:
 *   slot 0      the date as YYYY, YYYY-MM or YYYY-MM-DD (string order is
 *               date order); absent when the document has no parsable date.
 *
 *   slot 1      the document record (below) with an empty body, so a
 *               result page without snippets reads one value per hit and
 *               never the body.
 *
 *   slot 2      the source, exactly as given (after UTF-8 repair);
 *   slot 3      the author, exactly as given;
 *   slot 4      the year of the date (YYYY, the first four bytes of
 *               slot 0).
 *               A document without the field holds one NUL byte
 *               (QUIREI_FACET_NONE; no field holds a NUL), never no
 *               value: reading a slot's values in document order skips
 *               along its chunks, but a document with no value that lies
 *               between two chunks costs a B-tree lookup, and the three
 *               facets of a 54,000-match query took 92 ms instead of 22
 *               (p50, shared corpus) when absent fields had no value.
 *               These are the facets (query/facets.c): Xapian's
 *               ValueCountMatchSpy counts the distinct values of a slot
 *               over the matches, and it is the spy that a remote
 *               xapian-tcpsrv knows, so facets work on remote shards too
 *               (a spy of our own, decoding the record of slot 1, would
 *               not). The year has a slot of its own rather than
 *               counting slot 0's dates and adding them up by year: a
 *               few dozen values to count and send instead of thousands.
 *               The XS terms cannot serve: they are lower-cased and a
 *               source's XS<top> term counts its sub-sources too
 *               ("mitre-attack" and "mitre-attack/procedure").
 *               Schema 3 added them (0.6% of the index, see
 *               bench/RESULTS.md, "Facets"); an index of schema 2 has no
 *               facets, so it is refused rather than answering with
 *               empty ones.
 *
 * Document data:
 *   the record of record.h (quirei_record_encode): a version byte and the
 *   seven fields (quire_field_t order: id, title, source, url, author,
 *   date, body), each length-prefixed. The body
 *   is the text the terms were made from, byte for byte (after UTF-8
 *   repair), so term spans from the tokenizer are offsets into it: snippets
 *   and quotes cite it exactly.
 *
 * Metadata (in every shard):
 *   quire.schema    "3"; a reader refuses any other value (an index of
 *                   another version is rebuilt with quire-index)
 *   quire.language  the Snowball language of the Z terms ("english")
 *   quire.shards    the shard count
 *   quire.revision  a commit counter, written by every commit of changes:
 *                   above the last value and the shard's Xapian revision
 *                   (a compaction starts the revision again but keeps the
 *                   metadata, so the counter never repeats). Xapian 1.4's remote
 *                   protocol reports no revision, so this is how a reader
 *                   of a shard served by xapian-tcpsrv notices a commit
 *                   (its generation and revision, store/index.h). An
 *                   index without it still works: the generation then
 *                   hashes what the server reports instead.
 *
 * Any change to the above that an old reader would misread must bump
 * QUIRE_SCHEMA_VERSION.
 */
#ifndef QUIRE_SCHEMA_H
#define QUIRE_SCHEMA_H

#include <quire/quire.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Term prefixes (see above). */
#define QUIREI_PREFIX_ID "Q"        /* boolean: document id */
#define QUIREI_PREFIX_STEM "Z"      /* stemmed word (body; ZS title, ZA author) */
#define QUIREI_PREFIX_TITLE "S"     /* title words (no positions) */
#define QUIREI_PREFIX_AUTHOR "A"    /* author words (no positions) */
#define QUIREI_PREFIX_SOURCE "XS"   /* boolean: source, lower-cased */
#define QUIREI_SLOT_DATE 0          /* value: YYYY[-MM[-DD]] */
#define QUIREI_SLOT_FIELDS 1        /* value: the record (record.h) with an
                                       empty body */
#define QUIREI_SLOT_SOURCE 2        /* value: the source, as given */
#define QUIREI_SLOT_AUTHOR 3        /* value: the author, as given */
#define QUIREI_SLOT_YEAR 4          /* value: YYYY of the date */
#define QUIREI_FACET_NONE "\0"      /* the facet value of "no value" (one NUL) */

/* Is the facet value v (len bytes) QUIREI_FACET_NONE? */
static inline int quirei_facet_none(const char *v, size_t len)
{
    return len == 1 && v[0] == '\0';
}
/* Positions. Xapian 1.4 reads a term that a document holds without
 * positions (a part, "c" of "d.c") as if it stood at position 0 of that
 * document in a phrase or NEAR check: with the title at position 1,
 * "c major" matched a title starting "Major" in a document saying "D.C."
 * So the first position is above the widest window the query compiler
 * asks for (QUIREI_MAX_PHRASE_WORDS + QUIREI_MAX_SLOP, query/compile.c
 * asserts it), and the title-body gap is as wide, so that no window spans
 * the two either. Indexes written before this (schema 3 too) keep the old
 * positions until rebuilt; readers need not know which they have. */
#define QUIREI_FIRST_POS 256        /* position of the first title word */
#define QUIREI_TITLE_GAP 256        /* positions between title and body */

/* Metadata keys, stored in every shard. */
#define QUIREI_META_SCHEMA "quire.schema"
#define QUIREI_META_LANGUAGE "quire.language"
#define QUIREI_META_SHARDS "quire.shards"
/* A commit counter written with every commit of changes (see above): a
 * reader of a remote shard (whose protocol sends no revision) reads it. */
#define QUIREI_META_REVISION "quire.revision"

/* Longest document id, in bytes (the Q term must fit Xapian's term limit). */
#define QUIREI_MAX_ID_BYTES 200

/* The shard that holds document `id`: FNV-1a (base/hash.h) of the id, mod
 * nshards. Part of the format: a re-indexed id must land where it was. */
uint32_t quirei_shard_of(const char *id, size_t len, unsigned nshards);

/*
 * Is `version` (the quire.schema metadata of the index at `path`, len
 * bytes) this build's schema? QUIRE_OK when it is; else the reason goes to
 * msg and the status is QUIRE_ENOTINDEX (no version: not a Quire index)
 * or QUIRE_ESCHEMA (another version, or not a number), with the way out
 * (rebuild into a new directory). Reader and writer refuse alike.
 */
quire_status_t quirei_schema_check(const char *path, const char *version, size_t len,
                                   quirei_buf *msg);

/* Write the sortable date key (YYYY, YYYY-MM or YYYY-MM-DD) of a
 * document's date (any form quire_date_normalize() reads) to out; returns
 * its length, 0 when `date` is NULL or not a date. */
size_t quirei_date_key(const char *date, char out[11]);

#endif
