/*
 * snippet.h - the best fragment of a body for a query, with highlights, and
 * the sentence that holds a quoted match (for citations).
 *
 * The caller describes what the query matches as a list of units:
 *   - a TERM unit matches a body token whose folded term is one of `terms`,
 *     or (for stemmable tokens) whose stem is one of `stems`;
 *   - a PHRASE unit matches a run of consecutive positioned body tokens whose
 *     folded terms equal `terms[0..nterms)` in order (after a match of the
 *     first term, PART and HYPHENATED tokens are ignored: only WORD and
 *     COMPOUND tokens advance). `window` > nterms allows up to
 *     window - nterms other tokens in between (a tolerant phrase); 0 means
 *     exactly consecutive.
 * A TERM unit marked `stop` (a stop word, text/stopwords.h) is neither
 * highlighted alone nor counted where the fragment or quote is chosen: it
 * only joins a run of query words (matches at consecutive positions
 * holding two or more words that are not stop words), which highlights
 * as one span. The compiler marks no unit `stop` when the query is only
 * stop words.
 * The body is tokenized with the shared tokenizer (quire/tokenizer.h), so
 * the terms are exactly those the query side makes.
 */
#ifndef QUIRE_SNIPPET_H
#define QUIRE_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

#include "text/stemmer.h"
#include "strbuf.h"

typedef enum quirei_unit_kind { QUIREI_UNIT_TERM, QUIREI_UNIT_PHRASE } quirei_unit_kind;

typedef struct quirei_unit {
    quirei_unit_kind kind;
    const char *const *terms; /* NUL-terminated folded terms */
    size_t nterms;
    const char *const *stems; /* TERM units only: stems to match, may be NULL */
    size_t nstems;
    unsigned window;          /* PHRASE units only */
    double weight;            /* importance (e.g. idf); > 0 */
    int stop;                 /* TERM units only: a stop word (see above) */
} quirei_unit;

typedef struct quirei_span {
    uint32_t start, end;      /* [start, end) */
} quirei_span;

typedef struct quirei_snippet {
    quirei_buf text;          /* the fragment, UTF-8, whole words, with "…"
                                 at a cut start/end */
    quirei_span *highlights;  /* offsets in CODE POINTS into text (JSON and
                                 JavaScript users index strings by code
                                 point); malloc'd */
    size_t nhighlights;
    /* The sentence of the body that best matches the units (most words of
     * whole PHRASE matches, then most TERM units that are not stop words,
     * then most of them in unit order, then most weight; the first of
     * equals; cut on word boundaries where it runs on, see
     * quirei_best_sentence() in matches.h); has_quote = 0 when nothing
     * but stop words matched. Offsets are BYTE offsets into the body. */
    int has_quote;
    quirei_buf quote;
    size_t quote_start, quote_end;
} quirei_snippet;

void quirei_snippet_init(quirei_snippet *s);
void quirei_snippet_release(quirei_snippet *s);

/*
 * Fill `out` for `body` (body_len bytes, valid UTF-8 as stored by the writer).
 * The fragment is about `target` bytes (250 recommended; never more than
 * target + one word, cut on word boundaries), chosen to cover the most unit
 * weight, a whole PHRASE match weighing more than its words apart; the
 * highlights cover each matched TERM token (but stop words alone), each
 * run of query words and each whole PHRASE match as ONE span. When nothing matches, the fragment is the start of the body.
 * `stemmer` may be NULL (stems are then not matched). `language` (the
 * index's, text/stopwords.h) makes a body token that is a stop word count
 * as one even when a unit that is not matched it by its stem ("coulds" ->
 * "could"); NULL: only units marked `stop` are.
 * Returns 0, or -1 when out of memory (out is then released).
 */
int quirei_snippet_make(const char *body, size_t body_len, const quirei_unit *units,
                        size_t nunits, quirei_stemmer *stemmer, const char *language,
                        size_t target, quirei_snippet *out);

#endif
