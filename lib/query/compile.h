/*
 * compile.h - the query compiler: a parsed query tree (query_parser.h) made
 * into a Xapian query (store/index.h) and into the snippet units that
 * highlight its matches (render/snippet.h).
 *
 * Term mapping (the schema is in schema/schema.h):
 *   word w (stemmable)    Z<stem>   (Z<field prefix><stem> with a field)
 *   word w (digits, ID)   <w>
 *   "a b c"               OP_PHRASE(a, b, c) on unstemmed positional terms
 *   "a b c"~N             OP_NEAR(a, b, c), window 3 + N
 *   title:/author:        the same with S / A prefixes; those terms have
 *                         no positions, so a title phrase is the phrase
 *                         on the unprefixed terms (title and body)
 *                         filtered by its words' S terms, and an author
 *                         phrase is its words' A terms AND-ed (their
 *                         order unchecked: an author field is a name)
 *   source:x / id:x       boolean XS<x> / Q<x> filters
 *   date:…                value range on slot 0
 *   word*                 the prefix expanded to its 100 most frequent terms
 *
 * An implicit AND of two or more plain words also gets OP_AND_MAYBE with a
 * PHRASE of those words (window = words + 2), so documents where they stand
 * together rank above documents that merely hold them all.
 *
 * The compiler builds what a quirei_compile_t asks for: the phrase mode and
 * relaxation of the fallbacks and the tier of a quote-like query. When to
 * ask for which is search.c's business.
 */
#ifndef QUIRE_COMPILE_H
#define QUIRE_COMPILE_H

#include <quire/quire.h>
#include <stddef.h>

#include "array.h"
#include "query/query_parser.h"
#include "render/snippet.h"
#include "store/index.h"
#include "strbuf.h"

/* How phrases are matched: exactly, or by one of the fallbacks that run
 * when the exact query finds nothing (search.c). In this order. */
typedef enum quirei_phrase_mode {
    QUIREI_PHRASE_EXACT = 0,
    QUIREI_PHRASE_VARIANT,  /* singular/plural variants, one extra word */
    QUIREI_PHRASE_TOLERANT, /* n-1 of the n words within a window */
    QUIREI_PHRASE_BAG,      /* their stemmed words, AND-ed */
} quirei_phrase_mode;

/* Which part of a quote-like query to build (see quote_like() in search.c). */
typedef enum quirei_tier {
    QUIREI_TIER_ALL = 0, /* the whole query */
    QUIREI_TIER_NEAR,    /* only its plain words, as one exact phrase */
    QUIREI_TIER_BAG,     /* the query without the proximity phrase */
} quirei_tier;

/*
 * The state of one compilation. Zero-initialise it, set r (and the mode,
 * relaxed and tier fields as wanted), compile, read nterms and oom, and
 * release it with quirei_compile_release() (the scratch term buffer is
 * reused across compilations of one search).
 */
typedef struct quirei_compile {
    quire_reader_t *r;       /* the index (its stemmer is made on demand) */
    quirei_phrase_mode mode;
    int relaxed;             /* AND becomes OR for words not marked + */
    quirei_tier tier;
    /* Leave the proximity boost out; the compiler then sets boost_dropped
     * when the query would have had one (the rerank of search.c). */
    int no_boost, boost_dropped;
    size_t nterms;           /* term leaves built (with repeats), for the
                                work limit: counted up by each compilation,
                                reset by the caller */
    int oom;                 /* set when any allocation failed */
    quirei_buf term;         /* scratch: the term being built */
} quirei_compile_t;

/*
 * The Xapian query of tree n. Returns a new query (quirei_q_free() it), or
 * NULL: when out of memory (c->oom is then set), or for a tree with nothing
 * to search, which quirei_parse_query() never returns (it rejects queries
 * without a positive part). Callers treat NULL as out of memory.
 */
quirei_q *quirei_compile_query(quirei_compile_t *c, const qn *n);

/* The filters of the search options (source, date_from, date_to), AND-ed:
 * a new query, or NULL when there are none (or out of memory: c->oom). */
quirei_q *quirei_compile_option_filters(quirei_compile_t *c, const quire_search_options_t *o);

/* Free the scratch memory (c stays usable). */
void quirei_compile_release(quirei_compile_t *c);

/* ---- what the tree holds (for search.c's choice of tiers and fallbacks) ---- */

/* Is n a filter (source:, id:, date:)? */
int quirei_qn_is_filter(const qn *n);
/* Is n plain unquoted words without a field (the words that get the
 * proximity boost and make a query quote-like)? */
int quirei_qn_plain_word(const qn *n);
/* Does the tree hold a node of kind k outside a NOT? */
int quirei_qn_has_kind(const qn *n, qn_kind k);
/* Could OR-ing find more than AND did (an AND of 2+ positive parts)? */
int quirei_qn_relaxable(const qn *n);
/* Is n a part of a pasted fragment: a plain word, or a quoted phrase
 * without field or ~N (the whole fragment in order holds it)? */
int quirei_qn_fragment_part(const qn *n);
/* The terms of n's plain-word kids (with `phrases`, of its fragment parts),
 * in order, at most max of them; their count (the words of the proximity
 * phrase, and with `phrases` of a quote-like query's first tier). The
 * strings are the tree's. */
size_t quirei_qn_plain_word_terms(const qn *n, const char **out, size_t max, int phrases);

/* ---- snippet units ---- */

QUIREI_ARRAY(quirei_unit_array, quirei_unit)
QUIREI_ARRAY(quirei_alloc_array, void *)

/*
 * Snippet units and the memory behind them. The units point into the query
 * tree (their terms) and into `allocs` (stems, term arrays): keep the tree
 * alive while the units are used. Zero-initialise; release with
 * quirei_unit_set_release(), which frees every allocation it holds.
 */
typedef struct quirei_unit_set {
    quirei_unit_array units;
    quirei_alloc_array allocs; /* malloc'd blocks the units point into */
} quirei_unit_set;

void quirei_unit_set_release(quirei_unit_set *s);

/*
 * The units that highlight what tree n matches: each phrase (and each word
 * of several tokens) as a PHRASE unit, each plain word as a TERM unit with
 * its stem and an idf weight from r's index; for `approximate` results also
 * the words of phrases, and phrases with a looser window. Words under NOT,
 * filters and prefixes are not highlighted. TERM units of stop words
 * (text/stopwords.h, in the index's language) are marked `stop`, unless
 * every word of the query is one (then they are what it looks for).
 * Returns 0, or -1 when out of memory (units added so far stay in s).
 */
int quirei_collect_units(quire_reader_t *r, const qn *n, int approximate, quirei_unit_set *s);

/*
 * The unit of a quote-like query's exact-phrase tier: its plain words as one
 * exact phrase (at most QUIREI_MAX_PHRASE_WORDS words). Returns 0, or -1 when out of memory.
 */
int quirei_quote_units(const qn *n, quirei_unit_set *s);

#endif
