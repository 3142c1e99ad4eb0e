/*
 * tokenizer.h - the one tokenizer Quire uses for indexing AND querying.
 *
 * Because both sides call the same code, a query always meets the terms that
 * were indexed. The tokenizer turns UTF-8 text into a stream of tokens:
 *
 *   - Text is decoded as UTF-8; an invalid byte sequence becomes U+FFFD (a
 *     separator) and is counted; decoding never stops early.
 *   - Every term is NFKC-normalised and case-folded (libutf8proc). Curly
 *     apostrophes (’ ‘ ʼ ＇) fold to ', so "China’s" and "China's" give the
 *     same term "china's".
 *   - A run of letters/digits joined by single connectors (- . @ : _ ') is one
 *     candidate token. It becomes:
 *       WORD      a plain word ("hackers", "apt28", "china's"); positioned.
 *       COMPOUND  a security token kept whole: CVE IDs (cve-2021-44228),
 *                 ATT&CK IDs (t1059.001), IPv4/IPv6 addresses, domains
 *                 (he.net), e-mail addresses, URLs, versions (14.9.0) and any
 *                 hyphenated run containing a digit; positioned (one
 *                 position for the whole token). Its parts follow as PART
 *                 tokens at the same position, unpositioned in the index, so
 *                 "44228" or "he" still find it, while the whole term matches
 *                 only the whole token.
 *                 A domain of three or more labels also yields its parent
 *                 domains as parts (www.example.com -> example.com). The
 *                 inside of a URL (after "scheme://") is tokenized like
 *                 prose and every token of it becomes a PART of the URL, so
 *                 a host or a CVE ID in a link is found as in text.
 *       hyphenated words of letters only ("state-sponsored") emit their parts
 *                 as positioned WORDs (so a phrase matches both
 *                 "state-sponsored hackers" and "state sponsored hackers"),
 *                 and then the whole word as a HYPHENATED token at the first
 *                 part's position, unpositioned.
 *   - Terms longer than QUIRE_MAX_TERM_BYTES are dropped (their position is
 *     still consumed so phrases keep their shape).
 *
 * Positions start at the value given to quire_tokenizer_set_pos() (default
 * 1) and advance by one per positioned token; they continue across calls so
 * several fields can share one position space.
 */
#ifndef QUIRE_TOKENIZER_H
#define QUIRE_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QUIRE_MAX_TERM_BYTES 200

typedef enum quire_token_kind {
    QUIRE_TOK_WORD = 0,
    QUIRE_TOK_COMPOUND,
    QUIRE_TOK_PART,
    QUIRE_TOK_HYPHENATED
} quire_token_kind_t;

typedef struct quire_token {
    const char *term;        /* folded term, NUL-terminated; valid only
                                during the callback */
    size_t len;              /* bytes in term */
    quire_token_kind_t kind;
    uint32_t pos;            /* position (for PART/HYPHENATED: the position
                                of the token they belong to) */
    int positioned;          /* 1 for WORD and COMPOUND */
    int stemmable;           /* 1 for WORDs made of letters (and ') only */
    size_t start, end;       /* byte span in the input text; for PART, the
                                span of the part */
} quire_token_t;

/* Return non-zero to stop tokenizing (quire_tokenize then returns that). */
typedef int (*quire_token_cb)(const quire_token_t *tok, void *ctx);

typedef struct quire_tokenizer quire_tokenizer_t;

/* A new tokenizer, or NULL when out of memory. Free with _free(). */
quire_tokenizer_t *quire_tokenizer_new(void);
void quire_tokenizer_free(quire_tokenizer_t *t);

void quire_tokenizer_set_pos(quire_tokenizer_t *t, uint32_t pos);
uint32_t quire_tokenizer_get_pos(const quire_tokenizer_t *t);

/* Invalid UTF-8 sequences seen since creation. */
uint64_t quire_tokenizer_invalid_utf8(const quire_tokenizer_t *t);

/*
 * Tokenize `len` bytes of `text` (need not be NUL-terminated), calling `cb`
 * for each token in order. Returns 0, -1 when out of memory, or the first
 * non-zero value returned by `cb`.
 */
int quire_tokenize(quire_tokenizer_t *t, const char *text, size_t len,
                   quire_token_cb cb, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
