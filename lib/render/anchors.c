/*
 * anchors.c - where a unit's match can start in a long body; see anchors.h.
 *
 * The body is read once, a byte at a time: where a word starts (the byte
 * before is no ASCII letter or digit) with the first byte of a needle (in
 * either case), the needles starting so are compared. Text that is not ASCII is looked at only when the chunk holds
 * some, and then only its code points that fold to ASCII letters or digits
 * (fullwidth forms, ligatures, ß, the Kelvin sign...): the word around one
 * is folded as the tokenizer folds it and compared with the needles.
 */
#include "render/anchors.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "utf8.h"

/* Bytes read at a time: the caller usually wants only the start of a body. */
#define ANCHOR_CHUNK 8192
/* A word is folded from at most this many bytes (terms are shorter). */
#define FOLD_SPAN 256

/* Add the bytes a match of unit `unit` starts with: its term t, or (stem)
 * the start of the words that stem to t; of a term that is not all ASCII
 * or holds an apostrophe, its start up to there (a word folding to it
 * starts so, or holds a letter folding to ASCII, which
 * quirei_find_anchors() looks at apart). Returns
 * 0, or -1 when that cannot be said (a term starting with a letter that is
 * not ASCII). */
static int add_needle(quirei_needle *v, size_t *n, const char *t, int stem, size_t unit)
{
    size_t len = 0;
    /* ' stands for any apostrophe (’ ‘ ʼ ＇ ′ fold to it) */
    while (t[len] && (unsigned char)t[len] < 0x80 && t[len] != '\'')
        len++;
    if (t[len]) {
        stem = 0; /* cut before the end: no letter of it is rewritten */
    } else if (stem && len == 3 && !strcmp(t + 1, "ie")) {
        /* dying, lying, tying stem to die, lie, tie */
        const char *y = t[0] == 'd' ? "dyi" : t[0] == 'l' ? "lyi" : t[0] == 't' ? "tyi" : NULL;
        if (y && add_needle(v, n, y, 0, unit) < 0)
            return -1;
        stem = 0; /* and die, died, dies */
    }
    if (stem && len > 1 && strchr("eiy", t[len - 1]))
        len--;
    if (len < 1)
        return -1;
    for (size_t i = 0; i < *n; i++)
        if (v[i].len == len && !memcmp(v[i].s, t, len)) {
            v[i].units |= (uint64_t)1 << unit;
            return 0;
        }
    if (*n == QUIREI_MAX_NEEDLES)
        return -1;
    v[(*n)++] = (quirei_needle){t, len, (uint64_t)1 << unit};
    return 0;
}

/* A PHRASE unit's words stand within its window of the one looked for:
 * this many bytes a word of the window on each side. */
#define WINDOW_WORD_BYTES 40

int quirei_unit_needles(const quirei_unit *units, size_t nunits, int want_stems, size_t base,
                        quirei_needle *v, size_t *n, size_t *margin)
{
    *n = 0;
    *margin = base;
    if (nunits > QUIREI_ANCHOR_MAX_UNITS)
        return -1;
    for (size_t ui = 0; ui < nunits; ui++) {
        const quirei_unit *u = &units[ui];
        if (u->kind == QUIREI_UNIT_PHRASE) {
            if (u->nterms == 0 || !u->terms || u->window > 64)
                return -1;
            for (size_t k = 0; k < u->nterms; k++)
                if (!u->terms[k])
                    return -1;
            size_t span = (u->window > u->nterms ? u->window : u->nterms) * WINDOW_WORD_BYTES;
            if (span > *margin)
                *margin = span;
            /* Every match holds each term: the longest says most. */
            const char *best = u->terms[0];
            for (size_t k = 1; k < u->nterms; k++)
                if (strlen(u->terms[k]) > strlen(best))
                    best = u->terms[k];
            if (add_needle(v, n, best, 0, ui) < 0)
                return -1;
            continue;
        }
        /* A stop word counts only right after another match, which the
         * stretch around that match holds. */
        if (u->stop)
            continue;
        for (size_t k = 0; u->terms && k < u->nterms; k++)
            if (u->terms[k] && add_needle(v, n, u->terms[k], 0, ui) < 0)
                return -1;
        for (size_t k = 0; want_stems && u->stems && k < u->nstems; k++)
            if (u->stems[k] && add_needle(v, n, u->stems[k], 1, ui) < 0)
                return -1;
    }
    return *n ? 0 : -1;
}

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* ---- text that folds to ASCII ---------------------------------------- */

/* A word character as the tokenizer classes it (tokenizer.c classify_cp():
 * letters, marks, digits, connector punctuation; apostrophes and hyphens
 * join words but are not part of one here). */
static int word_cp(int32_t cp)
{
    if (cp < 0x80)
        return is_alnum((unsigned char)cp) || cp == '_';
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_PC:
        return 1;
    default:
        return 0;
    }
}

static int apostrophe_cp(int32_t cp)
{
    return cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0xFF07 || cp == 0x2032;
}

/* Does the word character cp fold (NFKC + case folding) to text holding an
 * ASCII letter, digit or '_'? */
static int folds_to_ascii(int32_t cp)
{
    if (!word_cp(cp))
        return 0;
    utf8proc_int32_t d[18];
    int last = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, d, 18, UTF8PROC_COMPAT | UTF8PROC_CASEFOLD,
                                                 &last);
    for (utf8proc_ssize_t k = 0; k < n && k < 18; k++)
        if (d[k] < 0x80 && (is_alnum((unsigned char)d[k]) || d[k] == '_'))
            return 1;
    return n > 18; /* cannot say: look */
}

/* A small cache of folds_to_ascii(): a body uses few distinct code points. */
typedef struct fold_cache {
    int32_t cp[64];
    unsigned char yes[64];
} fold_cache;

static int folds_cached(fold_cache *c, int32_t cp)
{
    unsigned h = (unsigned)cp * 2654435761u >> 26;
    if (c->cp[h] != cp) {
        c->cp[h] = cp;
        c->yes[h] = (unsigned char)folds_to_ascii(cp);
    }
    return c->yes[h];
}

/* The start of the run of word characters holding b[i] (a lead byte),
 * looking back at most FOLD_SPAN bytes. */
static size_t word_start(const unsigned char *b, size_t i)
{
    size_t lim = i > FOLD_SPAN ? i - FOLD_SPAN : 0, s = i;
    while (s > lim) {
        size_t p = s - 1;
        while (p > lim && (b[p] & 0xC0) == 0x80)
            p--;
        int32_t cp;
        int bad;
        quirei_utf8_decode(b + p, s - p, &cp, &bad);
        if (bad || !word_cp(cp))
            break;
        s = p;
    }
    return s;
}

/* The units of the needles the text at b[s..len) starts with once folded
 * as the tokenizer folds a word (up to whitespace, at most FOLD_SPAN
 * bytes); all units when it cannot be folded. -1 when out of memory. */
static int folded_units(const unsigned char *b, size_t len, size_t s, const quirei_needle *nd,
                        size_t nn, quirei_buf *scratch, uint64_t *units)
{
    size_t e = s, lim = len - s > FOLD_SPAN ? s + FOLD_SPAN : len;
    quirei_buf_reset(scratch);
    while (e < lim && !is_space(b[e])) {
        int32_t cp;
        int bad;
        size_t n = quirei_utf8_decode(b + e, len - e, &cp, &bad);
        if (bad || e + n > lim)
            break;
        if (apostrophe_cp(cp))
            cp = '\'';
        if (quirei_utf8_put(scratch, cp) < 0)
            return -1;
        e += n;
    }
    *units = 0;
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)scratch->ptr,
                                      (utf8proc_ssize_t)scratch->len, &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                          UTF8PROC_CASEFOLD);
    if (n < 0) {
        *units = ~(uint64_t)0;
        return 0;
    }
    for (size_t k = 0; k < nn; k++)
        if ((size_t)n >= nd[k].len && !memcmp(out, nd[k].s, nd[k].len))
            *units |= nd[k].units;
    free(out);
    return 0;
}

/* Anchors of the words in body[cs, ce) that hold a code point folding to
 * ASCII (the byte search cannot see them), onto out. */
static int folded_anchors(const char *body, size_t len, size_t cs, size_t ce,
                          const quirei_needle *nd, size_t nn, fold_cache *fc,
                          quirei_buf *scratch, quirei_buf *out)
{
    const unsigned char *b = (const unsigned char *)body;
    size_t last = SIZE_MAX; /* the word start looked at last */
    size_t i = cs;
    while (i < ce) {
        /* skip ASCII and continuation bytes, eight at a time when none */
        while (i + 8 <= ce) {
            uint64_t w;
            memcpy(&w, b + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        while (i < ce && b[i] < 0xC2)
            i++;
        if (i >= ce)
            break;
        int32_t cp;
        int bad;
        size_t n = quirei_utf8_decode(b + i, len - i, &cp, &bad);
        /* General punctuation (quotes, dashes) is the common case. */
        if (!bad && !(cp >= 0x2000 && cp <= 0x206F) && folds_cached(fc, cp)) {
            size_t s = word_start(b, i);
            if (s != last) {
                last = s;
                uint64_t units;
                if (folded_units(b, len, s, nd, nn, scratch, &units) < 0)
                    return -1;
                quirei_anchor a = {s, s + 1, units, 0}; /* folded: fewer bytes */
                if (units && quirei_buf_add(out, &a, sizeof a) < 0)
                    return -1;
            }
        }
        i += n;
    }
    return 0;
}

/* ---- the search ------------------------------------------------------ */

static int cmp_anchor(const void *a, const void *b)
{
    const quirei_anchor *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Is s[0..n) all ASCII? Eight bytes at a time. */
static int ascii_only(const unsigned char *s, size_t n)
{
    uint64_t any = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        any |= w;
    }
    for (; i < n; i++)
        any |= s[i];
    return !(any & 0x8080808080808080ull);
}

/* Does body[at..) start with needle n, in any ASCII case? */
static int needle_at(const unsigned char *b, size_t len, size_t at, const quirei_needle *n)
{
    if (len - at < n->len)
        return 0;
    for (size_t j = 0; j < n->len; j++) {
        unsigned char c = b[at + j];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)n->s[j])
            return 0;
    }
    return 1;
}

int quirei_find_anchors(const char *body, size_t len, size_t from, size_t to,
                        const quirei_needle *nd, size_t nn, size_t max, quirei_buf *out,
                        int *capped)
{
    const unsigned char *b = (const unsigned char *)body;
    if (to > len)
        to = len;
    /* first[c]: 1 + the first needle starting with byte c (either case),
     * next[k]: 1 + the next needle with the same first byte; 0: none. */
    unsigned char first[256] = {0}, next[QUIREI_MAX_NEEDLES];
    for (size_t k = nn; k-- > 0;) {
        unsigned char c = (unsigned char)nd[k].s[0];
        next[k] = first[c];
        first[c] = (unsigned char)(k + 1);
        if (c >= 'a' && c <= 'z')
            first[c - 32] = first[c];
    }
    quirei_buf found = QUIREI_BUF_INIT, scratch = QUIREI_BUF_INIT;
    fold_cache fc;
    memset(fc.cp, 0xFF, sizeof fc.cp); /* -1: no code point */
    int r = 0;
    size_t total = out->len / sizeof(quirei_anchor);
    for (size_t cs = from; r == 0 && cs < to && !*capped; cs += ANCHOR_CHUNK) {
        size_t ce = cs + ANCHOR_CHUNK < to ? cs + ANCHOR_CHUNK : to;
        found.len = 0;
        for (const unsigned char *p = b + cs, *e = b + ce; r == 0; p++) {
            /* the next byte a needle starts with, four at a time */
            while (p + 4 <= e && !(first[p[0]] | first[p[1]] | first[p[2]] | first[p[3]]))
                p += 4;
            while (p < e && !first[*p])
                p++;
            if (p >= e)
                break;
            if (p > b && is_alnum(p[-1]))
                continue; /* not where a word starts */
            size_t i = (size_t)(p - b);
            uint64_t units = 0;
            size_t end = SIZE_MAX;
            for (unsigned k = first[*p]; k; k = next[k - 1])
                if (needle_at(b, len, i, &nd[k - 1])) {
                    units |= nd[k - 1].units;
                    end = i + nd[k - 1].len < end ? i + nd[k - 1].len : end;
                }
            quirei_anchor an = {i, end, units, 0};
            if (units && quirei_buf_add(&found, &an, sizeof an) < 0)
                r = -1;
        }
        /* Anchors are found in order; those of folded words go between. */
        size_t nascii = found.len / sizeof(quirei_anchor);
        if (r == 0 && !ascii_only(b + cs, ce - cs))
            r = folded_anchors(body, len, cs, ce, nd, nn, &fc, &scratch, &found);
        size_t na = found.len / sizeof(quirei_anchor);
        quirei_anchor *av = (quirei_anchor *)(void *)found.ptr;
        if (r == 0 && na > nascii)
            qsort(av, na, sizeof *av, cmp_anchor);
        for (size_t i = 0; r == 0 && i < na; i++) {
            quirei_anchor *prev = total ? (quirei_anchor *)(void *)out->ptr + total - 1 : NULL;
            if (prev && prev->at == av[i].at) {
                prev->units |= av[i].units;
                prev->end = av[i].end < prev->end ? av[i].end : prev->end;
                continue;
            }
            if (total == max) {
                *capped = 1;
                break;
            }
            if (quirei_buf_add(out, &av[i], sizeof av[i]) < 0)
                r = -1;
            total++;
        }
    }
    quirei_buf_release(&found);
    quirei_buf_release(&scratch);
    return r;
}
