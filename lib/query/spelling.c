/*
 * spelling.c - "did you mean" from the index's own vocabulary; see
 * spelling.h (which also says why the vocabulary is read at query time).
 */
#include "query/spelling.h"

#include <quire/tokenizer.h>
#include <stdlib.h>
#include <string.h>

#include "query/reader.h"
#include "schema/schema.h"
#include "strbuf.h"
#include "text/stemmer.h"
#include "text/stopwords.h"

#define MIN_WORD 4     /* shorter words have too many close neighbours */
#define MAX_WORD 40    /* longer "words" are tokens, not misspellings */
#define LONG_WORD 8    /* from this length, 2 edits are allowed */
/* A plain word used by fewer documents than RARE_DOCS is corrected to a
 * close word used by at least RARE_RATIO times as many (and never to one
 * of fewer than MIN_DOCS documents, itself likely a misspelling). */
#define RARE_DOCS 3
#define RARE_RATIO 20
#define MIN_DOCS 2
#define MAX_FIXES 16   /* corrected words of one query */
/* The walk reads the terms sharing the word's first FRONT letters; edits
 * of those letters are looked up one by one. */
#define FRONT 3

/* ------------------------------------------------------------ distance -- */

/* Optimal string alignment distance of a and b (bytes), or max + 1 when it
 * is over max. Both at most MAX_WORD + 2 bytes. */
static int edit_distance(const char *a, size_t na, const char *b, size_t nb, int max)
{
    int d[MAX_WORD + 3][MAX_WORD + 3];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        int row_min = max + 1;
        for (size_t j = 1; j <= nb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > max)
            return max + 1; /* every path is already too long */
    }
    return d[na][nb] <= max ? d[na][nb] : max + 1;
}

/* ---------------------------------------------------------- candidates -- */

typedef struct best {
    const char *w; /* the word corrected */
    size_t n;
    int maxd;
    uint64_t min_freq;
    char term[MAX_WORD + 3];
    size_t len;
    int dist;     /* of term; maxd + 1 = none yet */
    uint64_t freq;
} best_t;

/* A word term: letters (ASCII lower case, or UTF-8 beyond ASCII) and '
 * only, as the tokenizer's stemmable words; not a field or prefixed term. */
static int wordlike(const char *t, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if (!((c >= 'a' && c <= 'z') || c == '\'' || c >= 0x80))
            return 0;
    }
    return len > 0;
}

/* The distance of t from the word when it could win (as close as the best
 * so far, or closer), else 0. */
static int closeness(const best_t *b, const char *t, size_t len)
{
    if (len > MAX_WORD + 2 || (len > b->n ? len - b->n : b->n - len) > (size_t)b->maxd ||
        !wordlike(t, len))
        return 0;
    int d = edit_distance(b->w, b->n, t, len, b->maxd);
    return d > b->maxd || d > b->dist ? 0 : d;
}

static void consider(best_t *b, const char *t, size_t len, uint64_t freq)
{
    int d = closeness(b, t, len);
    if (!d || freq < b->min_freq || (d == b->dist && freq <= b->freq))
        return;
    memcpy(b->term, t, len);
    b->term[len] = '\0';
    b->len = len;
    b->dist = d;
    b->freq = freq;
}

static int want_term(const char *t, size_t len, void *ctx)
{
    return closeness(ctx, t, len) > 0;
}

static int on_term(const char *t, size_t len, uint64_t freq, void *ctx)
{
    consider(ctx, t, len, freq);
    return 0;
}

/* Looked up one by one: variant v (len bytes, room for a NUL) of b->w,
 * unless the walk over the terms sharing the word's first FRONT letters
 * sees it. */
static quire_status_t lookup(quire_reader_t *r, best_t *b, char *v, size_t len)
{
    if (len >= FRONT && !memcmp(v, b->w, FRONT))
        return QUIRE_OK;
    v[len] = '\0';
    uint64_t tf = 0;
    quire_status_t st = quirei_rdb_term_freq(r->db, v, &tf, &r->detail);
    if (st == QUIRE_OK && tf)
        consider(b, v, len, tf);
    return st;
}

/* The 1-edit variants of b->w that change its first FRONT letters (a
 * letter dropped, two swapped, one replaced, one added), which the walk
 * cannot see: at most FRONT * 54 lookups. */
static quire_status_t edits_at_front(quire_reader_t *r, best_t *b)
{
    const char *w = b->w;
    size_t n = b->n;
    char v[MAX_WORD + 4];
    quire_status_t st = QUIRE_OK;
    for (size_t p = 0; st == QUIRE_OK && p < FRONT; p++) {
        memcpy(v, w, p);
        memcpy(v + p, w + p + 1, n - p - 1);
        st = lookup(r, b, v, n - 1);
        memcpy(v, w, n);
        v[p] = w[p + 1];
        v[p + 1] = w[p];
        if (st == QUIRE_OK)
            st = lookup(r, b, v, n);
        for (int c = 'a'; st == QUIRE_OK && c <= 'z'; c++) {
            memcpy(v, w, n);
            v[p] = (char)c;
            st = lookup(r, b, v, n);
            memcpy(v, w, p);
            v[p] = (char)c;
            memcpy(v + p + 1, w + p, n - p);
            if (st == QUIRE_OK)
                st = lookup(r, b, v, n + 1);
        }
    }
    return st;
}

/* The documents that use w into *used: as typed, and for a plain word by
 * its stem too (a plural nobody writes is not a misspelling). */
static quire_status_t usage(quire_reader_t *r, const char *w, size_t n, int quoted,
                            uint64_t *used)
{
    uint64_t tf = 0, sf = 0;
    quire_status_t st = quirei_rdb_term_freq(r->db, w, &tf, &r->detail);
    *used = tf;
    if (st || quoted || tf >= RARE_DOCS)
        return st;
    size_t slen;
    const char *s = r->stem ? quirei_stem(r->stem, w, n, &slen) : NULL;
    char z[MAX_WORD + 8];
    if (s && slen + 2 < sizeof z) {
        z[0] = QUIREI_PREFIX_STEM[0];
        memcpy(z + 1, s, slen);
        z[slen + 1] = '\0';
        if ((st = quirei_rdb_term_freq(r->db, z, &sf, &r->detail)))
            return st;
    }
    *used = tf > sf ? tf : sf;
    return QUIRE_OK;
}

quire_status_t quirei_spell_word(quire_reader_t *r, const char *word, int quoted, char *out,
                                 size_t outsz, int *found)
{
    *found = 0;
    size_t n = strlen(word);
    if (n < MIN_WORD || n > MAX_WORD || !wordlike(word, n) ||
        quirei_is_stopword(r->language, word, n))
        return QUIRE_OK;
    if (!r->stem && !(r->stem = quirei_stemmer_new(r->language)))
        return QUIRE_ENOMEM;
    uint64_t used = 0;
    quire_status_t st = usage(r, word, n, quoted, &used);
    if (st || (quoted ? used > 0 : used >= RARE_DOCS))
        return st;
    best_t b = {.w = word, .n = n, .maxd = n >= LONG_WORD ? 2 : 1};
    b.min_freq = used ? used * RARE_RATIO : MIN_DOCS;
    b.dist = b.maxd + 1;
    char prefix[FRONT + 1];
    memcpy(prefix, word, FRONT);
    prefix[FRONT] = '\0';
    if ((st = quirei_rdb_terms(r->db, prefix, want_term, on_term, &b, &r->detail)) ||
        (st = edits_at_front(r, &b)))
        return st;
    if (b.dist <= b.maxd && b.len < outsz) {
        memcpy(out, b.term, b.len + 1);
        *found = 1;
    }
    return QUIRE_OK;
}

/* ---------------------------------------------------------- the query --- */

typedef struct fix {
    const char *from; /* a term of the tree */
    char to[MAX_WORD + 3];
} fix_t;

typedef struct fixes {
    fix_t v[MAX_FIXES];
    size_t n;
} fixes_t;

/* The corrections of the words of tree n into f. */
static quire_status_t collect_fixes(quire_reader_t *r, const qn *n, fixes_t *f)
{
    /* The other names of a group (aliases.h) are not what the user typed:
     * nothing to suggest there, and up to dozens of names to walk for. */
    if (n->alias || n->kind == QN_NOT || n->kind == QN_PREFIX || n->kind == QN_SOURCE ||
        n->kind == QN_ID || n->kind == QN_DATE)
        return QUIRE_OK;
    quire_status_t st = QUIRE_OK;
    for (size_t i = 0; st == QUIRE_OK && i < n->nkids; i++)
        st = collect_fixes(r, n->kids[i], f);
    /* Several tokens of one typed word (state-sponsored) are left alone. */
    if (!(n->kind == QN_PHRASE || (n->kind == QN_WORDS && n->nterms == 1)))
        return st;
    for (size_t i = 0; st == QUIRE_OK && i < n->nterms && f->n < MAX_FIXES; i++) {
        int found = 0;
        if (n->stemmable[i])
            st = quirei_spell_word(r, n->terms[i], n->kind == QN_PHRASE, f->v[f->n].to,
                                   sizeof f->v[f->n].to, &found);
        if (found)
            f->v[f->n++].from = n->terms[i];
    }
    return st;
}

typedef struct rewrite {
    const char *query;
    const fixes_t *f;
    quirei_buf out;
    size_t done; /* bytes of query copied to out */
    int changed, oom;
} rewrite_t;

static int on_token(const quire_token_t *tk, void *ctx)
{
    rewrite_t *w = ctx;
    if (tk->kind != QUIRE_TOK_WORD || !tk->stemmable || tk->start < w->done)
        return 0;
    for (size_t i = 0; i < w->f->n; i++) {
        if (strcmp(tk->term, w->f->v[i].from))
            continue;
        const char *to = w->f->v[i].to;
        char c = w->query[tk->start];
        if (quirei_buf_add(&w->out, w->query + w->done, tk->start - w->done) < 0 ||
            quirei_buf_addc(&w->out, c >= 'A' && c <= 'Z' && *to >= 'a' && *to <= 'z'
                                         ? (char)(*to - 32)
                                         : *to) < 0 ||
            quirei_buf_adds(&w->out, to + 1) < 0) {
            w->oom = 1;
            return 1;
        }
        w->done = tk->end;
        w->changed = 1;
        break;
    }
    return 0;
}

quire_status_t quirei_spell_suggest(quire_reader_t *r, const char *query, const qn *tree,
                                    char **out)
{
    *out = NULL;
    fixes_t f = {.n = 0};
    quire_status_t st = collect_fixes(r, tree, &f);
    if (st || !f.n)
        return st;
    rewrite_t w = {.query = query, .f = &f};
    quire_tokenizer_t *tok = quire_tokenizer_new();
    size_t qlen = strlen(query);
    if (!tok || quire_tokenize(tok, query, qlen, on_token, &w) < 0 || w.oom ||
        quirei_buf_add(&w.out, query + w.done, qlen - w.done) < 0) {
        quire_tokenizer_free(tok);
        quirei_buf_release(&w.out);
        return QUIRE_ENOMEM;
    }
    quire_tokenizer_free(tok);
    if (w.changed && !(*out = strdup(quirei_buf_cstr(&w.out)))) {
        quirei_buf_release(&w.out);
        return QUIRE_ENOMEM;
    }
    quirei_buf_release(&w.out);
    return QUIRE_OK;
}

qn *quirei_spell_parse(quire_reader_t *r, const char *suggestion)
{
    qn *t = NULL;
    if (quirei_parse_query(suggestion, strlen(suggestion), &t, &r->detail, &r->errpos)) {
        quirei_buf_reset(&r->detail);
        r->errpos = -1;
        return NULL;
    }
    return t;
}
