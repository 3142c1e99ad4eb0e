/*
 * tokenizer.c - the shared tokenizer; the rules are in quire/tokenizer.h.
 *
 * Two passes per candidate token:
 *   1. scan_run() walks the original bytes and finds a run: word characters
 *      joined by single connectors (- . @ :, or "::" for IPv6), or a URL.
 *      It records each segment (the word characters between connectors)
 *      with its byte span, and appends the segment's folded form to a
 *      scratch buffer, with the canonical connector between segments.
 *   2. classify() decides what the run is (word, hyphenated word, compound,
 *      or something to split at ':' / '@' and classify again) and emits the
 *      tokens.
 * The folded text of a whole run or of any sub-range of its segments is a
 * substring of the scratch buffer, so emitting never re-folds.
 */
#include <quire/tokenizer.h>

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "strbuf.h"
#include "utf8.h"

/* A run with more segments than this is not a security token; its segments
 * are emitted as plain words. */
#define MAX_SEGS 64

typedef struct seg {
    size_t start, end;   /* byte span in the input */
    size_t fstart, flen; /* folded bytes in t->fold */
    char conn;           /* connector after this segment ('\0' for last) */
    unsigned char has_digit;
    unsigned char plain;  /* letters and apostrophes only: stemmable */
} seg_t;

struct quire_tokenizer {
    uint32_t pos;
    uint64_t invalid;
    quirei_buf fold;     /* folded segments of the current run */
    quirei_buf term;     /* NUL-terminated term handed to the callback */
    quirei_buf scratch;  /* segment bytes to normalise with utf8proc */
    seg_t segs[MAX_SEGS];
    size_t nsegs;
    quire_tokenizer_t *sub; /* tokenizes the inside of URLs */
};

typedef enum cls { CL_SEP, CL_WORD, CL_APOS, CL_HYPHEN, CL_DOT, CL_AT, CL_COLON } cls_t;

/* ASCII classes, by table: classify_cp() runs once per character of every
 * body indexed or scanned for a snippet, and isalpha() is a locale lookup
 * through a function call. ('C' locale letters, as isalpha() gave.) */
#define W_ CL_WORD
#define S_ CL_SEP
static const unsigned char ascii_cls[128] = {
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_,
    S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_,
    /* space ! " # $ % & ' ( ) * + , - . / */
    S_, S_, S_, S_, S_, S_, S_, CL_APOS, S_, S_, S_, S_, S_, CL_HYPHEN, CL_DOT, S_,
    /* 0-9 : ; < = > ? */
    W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, CL_COLON, S_, S_, S_, S_, S_,
    /* @ A-O */
    CL_AT, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_,
    /* P-Z [ \ ] ^ _ */
    W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, S_, S_, S_, S_, W_,
    /* ` a-o */
    S_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_,
    /* p-z { | } ~ DEL */
    W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, W_, S_, S_, S_, S_, S_,
};
#undef W_
#undef S_

/* A hex digit, without the locale lookup of isxdigit() (the folded text
 * holds no capitals, but A-F are accepted all the same). */
static int ascii_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* ASCII lower case without the locale lookup of tolower(). */
static char ascii_lower(unsigned char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

static cls_t classify_cp(int32_t cp, int *digit)
{
    if ((uint32_t)cp < 0x80) {
        *digit = cp >= '0' && cp <= '9';
        return (cls_t)ascii_cls[cp];
    }
    *digit = 0;
    switch (cp) {
    case 0x2019: case 0x2018: case 0x02BC: case 0xFF07: case 0x2032:
        return CL_APOS;
    case 0x2010: case 0x2011:
        return CL_HYPHEN;
    default:
        break;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        *digit = 1;
        return CL_WORD;
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_PC:
        return CL_WORD;
    default:
        return CL_SEP;
    }
}

quire_tokenizer_t *quire_tokenizer_new(void)
{
    quire_tokenizer_t *t = calloc(1, sizeof *t);
    if (t)
        t->pos = 1;
    return t;
}

void quire_tokenizer_free(quire_tokenizer_t *t)
{
    if (!t)
        return;
    quirei_buf_release(&t->fold);
    quirei_buf_release(&t->term);
    quirei_buf_release(&t->scratch);
    quire_tokenizer_free(t->sub);
    free(t);
}

void quire_tokenizer_set_pos(quire_tokenizer_t *t, uint32_t pos) { t->pos = pos; }
uint32_t quire_tokenizer_get_pos(const quire_tokenizer_t *t) { return t->pos; }
uint64_t quire_tokenizer_invalid_utf8(const quire_tokenizer_t *t) { return t->invalid; }

/* Decode at text[i]; counts invalid sequences only once per byte position
 * by letting the caller decide whether this decode is the "real" one. */
static size_t decode_at(const char *text, size_t len, size_t i, int32_t *cp, int *bad)
{
    const unsigned char *u = (const unsigned char *)text + i;
    if (u[0] < 0x80) {
        *cp = u[0];
        *bad = 0;
        return 1;
    }
    return quirei_utf8_decode(u, len - i, cp, bad);
}

/* Fold text[start, end) (word characters and apostrophes) onto t->fold:
 * ASCII is lower-cased inline; anything else goes through utf8proc's
 * NFKC + case folding. Apostrophe variants become '. */
static int fold_segment(quire_tokenizer_t *t, const char *text, size_t start, size_t end,
                        seg_t *s)
{
    s->fstart = t->fold.len;
    int ascii = 1;
    for (size_t i = start; i < end; i++)
        if ((unsigned char)text[i] >= 0x80) {
            ascii = 0;
            break;
        }
    if (ascii) {
        if (quirei_buf_grow(&t->fold, end - start) < 0)
            return -1;
        char *o = t->fold.ptr + t->fold.len;
        for (size_t i = start; i < end; i++)
            o[i - start] = ascii_lower((unsigned char)text[i]);
        t->fold.len += end - start;
        t->fold.ptr[t->fold.len] = '\0';
    } else {
        quirei_buf_reset(&t->scratch);
        for (size_t i = start; i < end;) {
            int32_t cp;
            int bad;
            size_t n = decode_at(text, end, i, &cp, &bad);
            int d;
            if (classify_cp(cp, &d) == CL_APOS)
                cp = '\'';
            if (quirei_utf8_put(&t->scratch, cp) < 0)
                return -1;
            i += n;
        }
        utf8proc_uint8_t *out = NULL;
        utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)t->scratch.ptr,
                                          (utf8proc_ssize_t)t->scratch.len, &out,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                              UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
        if (n < 0) {
            /* Cannot happen for valid input; fall back to the raw bytes. */
            if (quirei_buf_add(&t->fold, t->scratch.ptr, t->scratch.len) < 0)
                return -1;
        } else {
            int r = quirei_buf_add(&t->fold, out, (size_t)n);
            free(out);
            if (r < 0)
                return -1;
        }
    }
    s->flen = t->fold.len - s->fstart;
    return 0;
}

static int is_url_scheme(const char *text, size_t start, size_t end)
{
    static const char *const schemes[] = {"http", "https", "ftp", "ftps", "sftp",
                                          "hxxp", "hxxps", "ws", "wss", NULL};
    size_t n = end - start;
    for (int i = 0; schemes[i]; i++)
        if (strlen(schemes[i]) == n && strncasecmp(text + start, schemes[i], n) == 0)
            return 1;
    return 0;
}

static int url_char(unsigned char c)
{
    return c > 0x20 && c != '<' && c != '>' && c != '"' && c != '`' && c != '{' &&
           c != '}' && c != '|' && c != '\\' && c != '^' && c != 0x7F;
}

/*
 * Scan a URL starting at `start` (scheme already checked). Returns its end
 * after trailing punctuation is trimmed.
 */
static size_t scan_url(const char *text, size_t len, size_t start)
{
    size_t end = start;
    while (end < len && url_char((unsigned char)text[end]))
        end++;
    /* Trim punctuation that ends a sentence rather than the URL; keep a
     * closing parenthesis when the URL opened one (Wikipedia links). */
    for (;;) {
        if (end <= start)
            break;
        char c = text[end - 1];
        if (strchr(".,;:!?]}'*", c)) {
            end--;
            continue;
        }
        if (c == ')') {
            int open = 0, close = 0;
            for (size_t i = start; i < end; i++)
                open += text[i] == '(', close += text[i] == ')';
            if (close > open) {
                end--;
                continue;
            }
        }
        /* UTF-8 closing quotes (” ’ ») */
        if (end - start >= 3 && (unsigned char)text[end - 3] == 0xE2 &&
            (unsigned char)text[end - 2] == 0x80 &&
            ((unsigned char)c == 0x9D || (unsigned char)c == 0x99)) {
            end -= 3;
            continue;
        }
        break;
    }
    return end;
}

static int emit(quire_tokenizer_t *t, quire_token_cb cb, void *ctx, const char *term,
                size_t tlen, quire_token_kind_t kind, uint32_t pos, size_t start,
                size_t end, int stemmable)
{
    if (tlen == 0 || tlen > QUIRE_MAX_TERM_BYTES)
        return 0;
    if (quirei_buf_set(&t->term, term, tlen) < 0)
        return -1;
    quire_token_t tok = {
        .term = t->term.ptr,
        .len = tlen,
        .kind = kind,
        .pos = pos,
        .positioned = kind == QUIRE_TOK_WORD || kind == QUIRE_TOK_COMPOUND,
        .stemmable = stemmable,
        .start = start,
        .end = end,
    };
    return cb(&tok, ctx);
}

static const char *fold_at(const quire_tokenizer_t *t, size_t off) { return t->fold.ptr + off; }

/* The folded text of segments [a, b) including the connectors between them. */
static size_t span_len(const quire_tokenizer_t *t, size_t a, size_t b)
{
    return t->segs[b - 1].fstart + t->segs[b - 1].flen - t->segs[a].fstart;
}

static int emit_words(quire_tokenizer_t *t, quire_token_cb cb, void *ctx, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        seg_t *s = &t->segs[i];
        int r = emit(t, cb, ctx, fold_at(t, s->fstart), s->flen, QUIRE_TOK_WORD, t->pos,
                     s->start, s->end, s->plain);
        t->pos++;
        if (r)
            return r;
    }
    return 0;
}

static int emit_span_part(quire_tokenizer_t *t, quire_token_cb cb, void *ctx, size_t a,
                          size_t b, uint32_t pos)
{
    return emit(t, cb, ctx, fold_at(t, t->segs[a].fstart), span_len(t, a, b), QUIRE_TOK_PART,
                pos, t->segs[a].start, t->segs[b - 1].end, 0);
}

static int all_digits(const quire_tokenizer_t *t, size_t i)
{
    const seg_t *s = &t->segs[i];
    for (size_t k = 0; k < s->flen; k++)
        if (t->fold.ptr[s->fstart + k] < '0' || t->fold.ptr[s->fstart + k] > '9')
            return 0;
    return s->flen > 0;
}

/*
 * Tokens a reader sees inside a compound are parts too, so that each is
 * found on its own: the pieces of a hyphenated range of IDs or versions
 * ("12.0.1.0-12.0.13.0" holds 12.0.13.0), a dotted number after a letter
 * ("v.7.32.0.3" holds 7.32.0.3), and every dotted quad inside a longer run
 * of numbers ("87.0.0.0.0", reversed ip6.arpa names).
 */
static int emit_inner_tokens(quire_tokenizer_t *t, quire_token_cb cb, void *ctx, size_t a,
                             size_t b, uint32_t pos)
{
    int r = 0, hyphen = 0, other = 0;
    for (size_t i = a; i + 1 < b; i++) {
        hyphen |= t->segs[i].conn == '-';
        other |= t->segs[i].conn != '-';
    }
    if (hyphen && other) {
        size_t from = a;
        for (size_t i = a; !r && i < b; i++)
            if (i + 1 == b || t->segs[i].conn == '-') {
                if (i + 1 - from >= 2)
                    r = emit_span_part(t, cb, ctx, from, i + 1, pos);
                from = i + 1;
            }
    }
    /* Maximal runs of numbers joined by dots. */
    for (size_t i = a; !r && i < b;) {
        size_t j = i;
        while (j < b && all_digits(t, j) && (j == i || t->segs[j - 1].conn == '.'))
            j++;
        if (j == i) {
            i++;
            continue;
        }
        size_t n = j - i;
        if (n >= 2 && !(i == a && j == b))
            r = emit_span_part(t, cb, ctx, i, j, pos);
        for (size_t w = i; !r && n > 4 && w + 4 <= j; w++)
            r = emit_span_part(t, cb, ctx, w, w + 4, pos);
        i = j;
    }
    return r;
}

/* Is [a, b) a domain-like name: letters joined by dots only? */
static int dotted_name(const quire_tokenizer_t *t, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (t->segs[i].has_digit || (i + 1 < b && t->segs[i].conn != '.'))
            return 0;
    return 1;
}

/* Whole token at one position, then each segment as an unpositioned PART;
 * for a domain of three or more labels also its parent domains, so that
 * "example.com" finds "www.example.com". */
static int emit_compound(quire_tokenizer_t *t, quire_token_cb cb, void *ctx, size_t a,
                         size_t b)
{
    uint32_t pos = t->pos++;
    int r = emit(t, cb, ctx, fold_at(t, t->segs[a].fstart), span_len(t, a, b),
                 QUIRE_TOK_COMPOUND, pos, t->segs[a].start, t->segs[b - 1].end, 0);
    for (size_t i = a; !r && i < b; i++) {
        seg_t *s = &t->segs[i];
        r = emit(t, cb, ctx, fold_at(t, s->fstart), s->flen, QUIRE_TOK_PART, pos, s->start,
                 s->end, 0);
    }
    if (b - a >= 3 && dotted_name(t, a, b))
        for (size_t i = a + 1; !r && i + 2 <= b; i++)
            r = emit_span_part(t, cb, ctx, i, b, pos);
    if (!r)
        r = emit_inner_tokens(t, cb, ctx, a, b, pos);
    return r;
}

static int is_hex_segment(const quire_tokenizer_t *t, const seg_t *s)
{
    if (s->flen == 0 || s->flen > 4)
        return 0;
    for (size_t i = 0; i < s->flen; i++)
        if (!ascii_hex((unsigned char)t->fold.ptr[s->fstart + i]))
            return 0;
    return 1;
}

static int looks_ipv6(const quire_tokenizer_t *t, size_t a, size_t b)
{
    size_t colons = 0;
    for (size_t i = a; i < b; i++) {
        if (!is_hex_segment(t, &t->segs[i]))
            return 0;
        if (i + 1 < b && t->segs[i].conn != ':')
            return 0;
    }
    for (size_t i = a; i + 1 < b; i++)
        colons++;
    /* "a::b" is recorded as two segments with a ':' connector whose folded
     * text holds "::"; count those too. */
    size_t len = span_len(t, a, b);
    const char *f = fold_at(t, t->segs[a].fstart);
    int dbl = 0;
    for (size_t i = 0; i + 1 < len; i++)
        dbl |= f[i] == ':' && f[i + 1] == ':';
    return (colons >= 2 || (dbl && colons >= 1)) && b - a <= 8;
}

static int classify(quire_tokenizer_t *t, quire_token_cb cb, void *ctx, size_t a, size_t b);

/* Split [a, b) at connectors equal to `c` and classify each piece. */
static int split_at(quire_tokenizer_t *t, quire_token_cb cb, void *ctx, size_t a, size_t b,
                    char c)
{
    size_t from = a;
    for (size_t i = a; i < b; i++) {
        if (i + 1 == b || t->segs[i].conn == c) {
            int r = classify(t, cb, ctx, from, i + 1);
            if (r)
                return r;
            from = i + 1;
        }
    }
    return 0;
}

static int classify(quire_tokenizer_t *t, quire_token_cb cb, void *ctx, size_t a, size_t b)
{
    if (b - a == 1)
        return emit_words(t, cb, ctx, a, b);
    int colon = 0, at = 0, dot = 0, digit = 0;
    for (size_t i = a; i < b; i++) {
        digit |= t->segs[i].has_digit;
        if (i + 1 < b) {
            colon += t->segs[i].conn == ':';
            at += t->segs[i].conn == '@';
            dot += t->segs[i].conn == '.';
        }
    }
    if (colon) {
        if (!at && !dot && looks_ipv6(t, a, b))
            return emit_compound(t, cb, ctx, a, b);
        return split_at(t, cb, ctx, a, b, ':');
    }
    if (at) {
        /* local@domain.tld: exactly one '@' with a dotted domain after it. */
        size_t atseg = a;
        while (t->segs[atseg].conn != '@')
            atseg++;
        int domain_dot = 0;
        for (size_t i = atseg + 1; i + 1 < b; i++)
            domain_dot |= t->segs[i].conn == '.';
        if (at == 1 && domain_dot) {
            int r = emit_compound(t, cb, ctx, a, b);
            /* The domain is searchable as a whole too. */
            if (!r)
                r = emit(t, cb, ctx, fold_at(t, t->segs[atseg + 1].fstart),
                         span_len(t, atseg + 1, b), QUIRE_TOK_PART, t->pos - 1,
                         t->segs[atseg + 1].start, t->segs[b - 1].end, 0);
            return r;
        }
        return split_at(t, cb, ctx, a, b, '@');
    }
    if (!dot && !digit) {
        /* state-sponsored: parts are words (phrases match with or without
         * the hyphen), the whole word is an extra unpositioned term. */
        uint32_t first = t->pos;
        int r = emit_words(t, cb, ctx, a, b);
        if (!r)
            r = emit(t, cb, ctx, fold_at(t, t->segs[a].fstart), span_len(t, a, b),
                     QUIRE_TOK_HYPHENATED, first, t->segs[a].start, t->segs[b - 1].end, 0);
        return r;
    }
    return emit_compound(t, cb, ctx, a, b);
}

/* Wraps the caller's callback while the inside of a URL is tokenized: every
 * token becomes an unpositioned PART of the URL. */
typedef struct url_ctx {
    quire_token_cb cb;
    void *ctx;
    uint32_t pos;
    size_t base;
} url_ctx_t;

static int url_part(const quire_token_t *tok, void *ctx)
{
    url_ctx_t *u = ctx;
    quire_token_t p = *tok;
    p.kind = QUIRE_TOK_PART;
    p.pos = u->pos;
    p.positioned = 0;
    p.stemmable = 0;
    p.start += u->base;
    p.end += u->base;
    return u->cb(&p, u->ctx);
}

static int emit_url(quire_tokenizer_t *t, quire_token_cb cb, void *ctx, const char *text,
                    size_t start, size_t end, size_t scheme_end)
{
    /* The whole URL, folded, is one positioned term (ASCII URLs only; an
     * IRI is still found through its parts). */
    uint32_t pos = t->pos++;
    int r = 0;
    int ascii = 1;
    if (scheme_end > end)
        scheme_end = end;
    for (size_t i = start; i < end; i++)
        ascii &= (unsigned char)text[i] < 0x80;
    if (ascii && end - start <= QUIRE_MAX_TERM_BYTES) {
        char tmp[QUIRE_MAX_TERM_BYTES];
        for (size_t i = start; i < end; i++)
            tmp[i - start] = ascii_lower((unsigned char)text[i]);
        r = emit(t, cb, ctx, tmp, end - start, QUIRE_TOK_COMPOUND, pos, start, end, 0);
    }
    if (r)
        return r;
    /* Everything after "scheme://" is tokenized like prose, so the host
     * (a domain), a CVE ID or a hash inside the path are found as the same
     * terms as in text; all of it as parts at the URL's position. */
    if (!t->sub && !(t->sub = quire_tokenizer_new()))
        return -1;
    url_ctx_t u = {cb, ctx, pos, scheme_end};
    r = quire_tokenize(t->sub, text + scheme_end, end - scheme_end, url_part, &u);
    return r;
}

/*
 * The connector at i that continues a run: '-', '.', '@', ':' (or "::" in
 * IPv6, then *dbl = 1), or 0 when there is none. A connector continues the
 * run only when a word character follows it; *next is where that starts.
 */
static char run_connector(const char *text, size_t len, size_t i, size_t *next, int *dbl)
{
    int32_t cp;
    int bad, digit;
    size_t n = decode_at(text, len, i, &cp, &bad);
    char conn;
    switch (classify_cp(cp, &digit)) {
    case CL_HYPHEN: conn = '-'; break;
    case CL_DOT: conn = '.'; break;
    case CL_AT: conn = '@'; break;
    case CL_COLON: conn = ':'; break;
    default: return 0;
    }
    *next = i + n;
    *dbl = 0;
    if (conn == ':' && *next < len && text[*next] == ':') {
        (*next)++; /* IPv6 "::" */
        *dbl = 1;
    }
    if (*next >= len)
        return 0;
    decode_at(text, len, *next, &cp, &bad);
    return classify_cp(cp, &digit) == CL_WORD && !bad ? conn : 0;
}

/*
 * Scan one run starting at `start` (a word character). Fills t->segs and
 * t->fold and returns the end of the run.
 */
static size_t scan_run(quire_tokenizer_t *t, const char *text, size_t len, size_t start,
                       int *oom)
{
    t->nsegs = 0;
    quirei_buf_reset(&t->fold);
    size_t i = start;
    for (;;) {
        /* One segment: word characters with single internal apostrophes. */
        size_t s0 = i;
        int has_digit = 0, plain = 1;
        while (i < len) {
            int32_t cp;
            int bad, digit;
            size_t n = decode_at(text, len, i, &cp, &bad);
            cls_t c = classify_cp(cp, &digit);
            if (c == CL_WORD) {
                has_digit |= digit;
                if (digit || cp == '_')
                    plain = 0;
                i += n;
                continue;
            }
            if (c == CL_APOS && i + n < len) {
                int32_t cp2;
                int bad2, d2;
                decode_at(text, len, i + n, &cp2, &bad2);
                if (classify_cp(cp2, &d2) == CL_WORD && !bad2) {
                    i += n;
                    continue;
                }
            }
            break;
        }
        seg_t *s = &t->segs[t->nsegs++];
        s->start = s0;
        s->end = i;
        s->conn = 0;
        s->has_digit = (unsigned char)has_digit;
        s->plain = (unsigned char)plain;
        if (fold_segment(t, text, s0, i, s) < 0) {
            *oom = 1;
            return i;
        }
        if (i >= len || t->nsegs == MAX_SEGS)
            return i;
        size_t next;
        int dbl;
        char conn = run_connector(text, len, i, &next, &dbl);
        if (!conn)
            return i;
        s->conn = conn;
        if (quirei_buf_add(&t->fold, dbl ? "::" : &conn, dbl ? 2 : 1) < 0) {
            *oom = 1;
            return i;
        }
        i = next;
    }
}

/*
 * "APT28's", "CVE-2021-44228’s": the possessive of an identifier is the
 * identifier. Plain words keep their 's (the stemmer removes it), but a
 * last segment with digits loses it, so the ID is found as itself.
 */
static void drop_possessive(quire_tokenizer_t *t, const char *text)
{
    if (t->nsegs == 0)
        return;
    seg_t *s = &t->segs[t->nsegs - 1];
    if (!s->has_digit || s->flen < 3 || t->fold.ptr[s->fstart + s->flen - 1] != 's' ||
        t->fold.ptr[s->fstart + s->flen - 2] != '\'')
        return;
    /* The apostrophe before the final 's' may be 1 to 3 bytes long. */
    size_t a = s->end - 1;
    do
        a--;
    while (a > s->start && ((unsigned char)text[a] & 0xC0) == 0x80);
    s->end = a;
    s->flen -= 2;
    quirei_buf_truncate(&t->fold, s->fstart + s->flen);
}

int quire_tokenize(quire_tokenizer_t *t, const char *text, size_t len, quire_token_cb cb,
                   void *ctx)
{
    size_t i = 0;
    while (i < len) {
        int32_t cp;
        int bad, digit;
        size_t n = decode_at(text, len, i, &cp, &bad);
        if (bad) {
            t->invalid++;
            i += n;
            continue;
        }
        if (classify_cp(cp, &digit) != CL_WORD) {
            i += n;
            continue;
        }
        int oom = 0;
        size_t end = scan_run(t, text, len, i, &oom);
        if (oom)
            return -1;
        drop_possessive(t, text);
        int r;
        /* "https" followed by "://": a URL, not a run split at ':'. */
        if (t->nsegs >= 1 && end + 2 < len && text[end] == ':' && text[end + 1] == '/' &&
            text[end + 2] == '/' && is_url_scheme(text, t->segs[0].start, t->segs[0].end) &&
            t->nsegs == 1) {
            size_t uend = scan_url(text, len, i);
            r = emit_url(t, cb, ctx, text, i, uend, end + 3);
            end = uend;
        } else if (t->nsegs == MAX_SEGS) {
            r = emit_words(t, cb, ctx, 0, t->nsegs);
        } else {
            r = classify(t, cb, ctx, 0, t->nsegs);
        }
        if (r)
            return r;
        /* Count invalid bytes inside the run as well (they ended it). */
        i = end;
    }
    return 0;
}
