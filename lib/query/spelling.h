/*
 * spelling.h - "did you mean": the corrected query of a query whose words
 * are absent from the index (or rare next to a close, common word).
 *
 * The correction data is the index's own vocabulary, read at query time:
 * candidates are the unstemmed terms within 1 edit (2 for words of 8+
 * letters; an edit is a letter dropped, added, replaced, or two adjacent
 * letters swapped) of the word, found by one allterms walk over the terms
 * sharing the word's first three letters, plus direct lookups of the
 * 1-edit variants that change one of those three letters (so a word 2
 * edits off is found when its first three letters are right). The closest
 * candidate wins, the one most documents use among equally close ones.
 * Three letters, not two: half the time (bench/RESULTS.md), as the walk is
 * most of it.
 *
 * Why not Xapian's spelling tables, or a table of our own written at
 * commit time: Xapian's spelling data is not served by the remote backend
 * (xapian-tcpsrv) the scale-out work uses, and a table of our own
 * (deletion neighbourhoods, trigrams) costs index size and indexing time
 * and goes stale across shard merges and deletions. allterms and term
 * frequencies are served remotely (one round trip a walk), cover every
 * shard as one, and are always the index's current vocabulary: the index
 * costs nothing more (0 bytes, 0 s of indexing); the cost is at query
 * time, and only for words that are absent or rare (bench/RESULTS.md).
 *
 * Never corrected: security tokens (CVE IDs, hashes, IPs, versions: any
 * token with a digit or a connector, which the tokenizer does not mark
 * stemmable), words under 4 or over 40 bytes, stop words, words under NOT
 * or in filters, and words in quotes that exist (a quoted word is checked
 * as typed, unstemmed; a plain word by its stem too).
 */
#ifndef QUIRE_SPELLING_H
#define QUIRE_SPELLING_H

#include <quire/quire.h>

#include "query/query_parser.h"

/*
 * The corrected text of `query` (parsed into `tree`) into *out: the query
 * with each misspelt word replaced by its correction (a capital first
 * letter kept), malloc'd (the caller frees it); *out NULL when no word
 * needs correcting. Returns QUIRE_OK, QUIRE_ENOMEM, or a status of the
 * index (QUIRE_EXAPIAN, QUIRE_EMODIFIED...).
 */
quire_status_t quirei_spell_suggest(quire_reader_t *r, const char *query, const qn *tree,
                                    char **out);

/* The tree of the suggestion, or NULL when it does not parse (or out of
 * memory: the correction is then not searched); r's detail and error
 * position are left clear. Free with quirei_qn_free(). */
qn *quirei_spell_parse(quire_reader_t *r, const char *suggestion);

/* The correction of one folded word (`quoted`: as a word of a quoted
 * phrase) into out (size outsz), *found 1; *found 0 when the word is fine
 * or nothing close is common enough. Returns QUIRE_OK, QUIRE_ENOMEM or a
 * status of the index (its message in r's detail). */
quire_status_t quirei_spell_word(quire_reader_t *r, const char *word, int quoted, char *out,
                                 size_t outsz, int *found);

#endif
