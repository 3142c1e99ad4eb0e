/*
 * query_parser.c - recursive-descent parser for the query language (see
 * query_parser.h). Text inside words and phrases goes through the shared
 * tokenizer, so the terms are exactly those the indexer made.
 *
 * Grammar:
 *   query   := or_expr
 *   or_expr := and_expr ("OR" and_expr)*
 *   and_expr:= unary (["AND"] unary)*
 *   unary   := "NOT" unary | "-" primary | "+" primary | primary
 *   primary := "(" or_expr [")"] | FIELD ":" (word | phrase | range)
 *            | phrase ["~" N] | word ["*"]
 */
#include "query/query_parser.h"

#include <ctype.h>
#include <quire/tokenizer.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/date.h"
#include "schema/schema.h"

typedef struct parser {
    const char *q;
    size_t len, i;
    int depth, nodes;
    int pasted;            /* a pasted sentence (see pasted_sentence()) */
    quire_tokenizer_t *tok;
    quirei_buf *err;
    long *errpos;
    quire_status_t st;
} parser_t;

/* A QUIRE_EQUERY at byte pos: the message (printf-style), then the
 * 1-based character. The first failure wins. Returns -1. */
static int fail(parser_t *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(parser_t *p, size_t pos, const char *fmt, ...)
{
    if (p->st == QUIRE_OK) {
        p->st = QUIRE_EQUERY;
        va_list ap;
        va_start(ap, fmt);
        quirei_buf_reset(p->err);
        quirei_buf_vaddf(p->err, fmt, ap);
        va_end(ap);
        quirei_buf_addf(p->err, " (at character %zu)", pos + 1);
        *p->errpos = (long)pos;
    }
    return -1;
}

static int oom(parser_t *p)
{
    if (p->st == QUIRE_OK) {
        p->st = QUIRE_ENOMEM;
        quirei_buf_setf(p->err, "out of memory");
    }
    return -1;
}

void quirei_qn_free(qn *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nterms; i++)
        free(n->terms[i]);
    quirei_buf_release(&n->terms_buf);
    quirei_buf_release(&n->stemmable_buf);
    free(n->value);
    for (size_t i = 0; i < n->nkids; i++)
        quirei_qn_free(n->kids[i]);
    quirei_buf_release(&n->kids_buf);
    free(n);
}

static qn *new_node(parser_t *p, qn_kind k, size_t pos)
{
    if (++p->nodes > QUIREI_MAX_NODES) {
        fail(p, pos, "query too long: more than %d words and operators", QUIREI_MAX_NODES);
        return NULL;
    }
    qn *n = calloc(1, sizeof *n);
    if (!n) {
        oom(p);
        return NULL;
    }
    n->kind = k;
    n->pos = pos;
    return n;
}

static int add_kid(parser_t *p, qn *parent, qn *kid)
{
    if (quirei_buf_add(&parent->kids_buf, &kid, sizeof kid) < 0)
        return oom(p);
    parent->kids = (qn **)(void *)parent->kids_buf.ptr;
    parent->nkids++;
    return 0;
}

/* Move every kid of `from` to the end of `to`, and free `from`. Returns 0,
 * or -1 when out of memory (`from` is then freed, its kids with it). */
static int adopt_kids(parser_t *p, qn *to, qn *from)
{
    size_t i = 0;
    for (; i < from->nkids; i++)
        if (add_kid(p, to, from->kids[i]) < 0)
            break;
    int r = i < from->nkids ? -1 : 0;
    memmove(from->kids, from->kids + i, (from->nkids - i) * sizeof *from->kids);
    from->nkids -= i;
    quirei_qn_free(from);
    return r;
}

/* ---- characters ---- */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of a double-quote-like character at q[i] (" “ ” „ « »), else 0. */
static size_t dquote_at(const parser_t *p, size_t i)
{
    const unsigned char *u = (const unsigned char *)p->q + i;
    size_t left = p->len - i;
    if (left >= 1 && u[0] == '"')
        return 1;
    if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x9C || u[2] == 0x9D || u[2] == 0x9E))
        return 3;
    if (left >= 2 && u[0] == 0xC2 && (u[1] == 0xAB || u[1] == 0xBB))
        return 2;
    return 0;
}

/* Which double quote is at q[i]: its third (or second) UTF-8 byte, '"' for
 * the straight one, 0 for none. */
static int dquote_kind(const parser_t *p, size_t i)
{
    size_t n = dquote_at(p, i);
    return n ? (unsigned char)p->q[i + n - 1] : 0;
}

/* Does the quote at q[j] close the pair opened by a quote of kind
 * `opener` (dquote_kind())? " -> ", “ -> ”, „ -> “ or ”, « -> », and
 * » -> « (Danish). */
static int closes_pair(const parser_t *p, size_t j, int opener)
{
    int k = dquote_kind(p, j);
    switch (opener) {
    case '"': return k == '"';
    case 0x9C: return k == 0x9D;              /* “ ” */
    case 0x9E: return k == 0x9C || k == 0x9D; /* „ “ */
    case 0xAB: return k == 0xBB;              /* « » */
    case 0xBB: return k == 0xAB;              /* » « */
    default: return k == opener;              /* ” ” */
    }
}

/* ‘ (opening single curly quote) at q[i]? */
static int lsquote_at(const parser_t *p, size_t i)
{
    const unsigned char *u = (const unsigned char *)p->q + i;
    return p->len - i >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x98;
}

/* ’ at q[i] closing a ‘…’ phrase: followed by the end, space or punctuation. */
static int rsquote_closes(const parser_t *p, size_t i)
{
    const unsigned char *u = (const unsigned char *)p->q + i;
    if (!(p->len - i >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0x99))
        return 0;
    if (i + 3 >= p->len)
        return 1;
    unsigned char c = (unsigned char)p->q[i + 3];
    return is_space(c) || strchr(".,;:!?)]~", c) != NULL;
}

/* In a pasted sentence, parentheses are punctuation: skipped like space. */
static void skip_space(parser_t *p)
{
    while (p->i < p->len && (is_space((unsigned char)p->q[p->i]) ||
                             (p->pasted && (p->q[p->i] == '(' || p->q[p->i] == ')'))))
        p->i++;
}

/* A bare word runs to whitespace, a parenthesis or a quote. */
static size_t word_end(const parser_t *p, size_t i)
{
    while (i < p->len) {
        unsigned char c = (unsigned char)p->q[i];
        if (is_space(c) || c == '(' || c == ')' || dquote_at(p, i))
            break;
        i++;
    }
    return i;
}

static int keyword_at(const parser_t *p, const char *kw)
{
    size_t n = strlen(kw);
    if (p->len - p->i < n || memcmp(p->q + p->i, kw, n) != 0)
        return 0;
    size_t j = p->i + n;
    return j == p->len || is_space((unsigned char)p->q[j]) || p->q[j] == '(' ||
           dquote_at(p, j);
}

/* ---- tokenizing words and phrases ---- */

typedef struct collect {
    parser_t *p;
    qn *n;
    int fail;
} collect_t;

static int on_token(const quire_token_t *t, void *ctx)
{
    collect_t *c = ctx;
    if (!t->positioned)
        return 0;
    qn *n = c->n;
    char *term = malloc(t->len + 1);
    if (!term)
        return c->fail = 1;
    memcpy(term, t->term, t->len);
    term[t->len] = '\0';
    unsigned char stemmable = (unsigned char)t->stemmable;
    if (quirei_buf_add(&n->terms_buf, &term, sizeof term) < 0) {
        free(term);
        return c->fail = 1;
    }
    if (quirei_buf_add(&n->stemmable_buf, &stemmable, 1) < 0) {
        quirei_buf_truncate(&n->terms_buf, n->terms_buf.len - sizeof term);
        free(term);
        return c->fail = 1;
    }
    n->terms = (char **)(void *)n->terms_buf.ptr;
    n->stemmable = (unsigned char *)n->stemmable_buf.ptr;
    n->nterms++;
    return 0;
}

static int tokenize_into(parser_t *p, qn *n, const char *text, size_t len)
{
    collect_t c = {p, n, 0};
    quire_tokenizer_set_pos(p->tok, 1);
    if (quire_tokenize(p->tok, text, len, on_token, &c) != 0 || c.fail)
        return oom(p);
    if (n->nterms > QUIREI_MAX_PHRASE_WORDS)
        return fail(p, n->pos, "phrase too long: more than %d words", QUIREI_MAX_PHRASE_WORDS);
    return 0;
}

/* ---- fields ---- */

static const struct {
    const char *name;
    int kind; /* 0 text field, 1 source, 2 id, 3 date */
    qn_field field;
} fields[] = {
    {"title", 0, QF_TITLE}, {"author", 0, QF_AUTHOR}, {"source", 1, QF_ANY},
    {"id", 2, QF_ANY},      {"date", 3, QF_ANY},
};

/*
 * A field prefix is letters followed by ':' and then something that is not
 * space, ':' or '/' (so URLs, IPv6 addresses and times stay words).
 * Returns the name length, or 0.
 */
static size_t field_prefix(const parser_t *p)
{
    if (p->pasted)
        return 0; /* "Note:the" in a pasted sentence is text */
    size_t j = p->i;
    while (j < p->len && ((p->q[j] >= 'a' && p->q[j] <= 'z') || (p->q[j] >= 'A' && p->q[j] <= 'Z')))
        j++;
    if (j == p->i || j + 1 >= p->len || p->q[j] != ':')
        return 0;
    char next = p->q[j + 1];
    if (is_space((unsigned char)next) || next == ':' || next == '/')
        return 0;
    return j - p->i;
}

/*
 * The value of a source:, id: or date: field starting at p->i: a word, or
 * everything inside double quotes (straight or curly; an unclosed quote
 * runs to the end, as for phrases), so id:"a b.txt" and source:"x" work
 * like their unquoted forms. Sets [*start, *end) and returns where parsing
 * goes on.
 */
static size_t field_value(const parser_t *p, size_t *start, size_t *end)
{
    size_t open = dquote_at(p, p->i);
    if (!open) {
        *start = p->i;
        *end = word_end(p, p->i);
        return *end;
    }
    *start = p->i + open;
    for (size_t j = *start; j < p->len; j++) {
        size_t close = dquote_at(p, j);
        if (close) {
            *end = j;
            return j + close;
        }
    }
    *end = p->len;
    return p->len;
}

/* Parse one date bound "YYYY[-MM[-DD]]" from s[0..n) into out; -1 after
 * failing at pos with the reason, the bound quoted. */
static int parse_date(parser_t *p, size_t pos, const char *s, size_t n, char out[11])
{
    char why[96];
    if (quirei_date_parse(s, n, 1, out, why, sizeof why))
        return 0;
    return fail(p, pos, "bad date '%.*s': %s", (int)(n < 64 ? n : 64), s, why);
}

/* The bounds of a date: value v[0..n) at byte vpos: a date, FROM..TO
 * (either side open), or >=, <=, >, < and a date. 0, or -1 after failing. */
static int date_bounds(parser_t *p, qn *d, const char *v, size_t n, size_t vpos)
{
    const char *dots = NULL;
    for (size_t k = 0; k + 1 < n; k++)
        if (v[k] == '.' && v[k + 1] == '.') {
            dots = v + k;
            break;
        }
    if (dots) {
        size_t a = (size_t)(dots - v), b = n - a - 2;
        if ((a && parse_date(p, vpos, v, a, d->date_lo) < 0) ||
            (b && parse_date(p, vpos + a + 2, dots + 2, b, d->date_hi) < 0))
            return -1;
        if (!a && !b)
            return fail(p, vpos, "bad date range: '..' needs a date on one side at least");
        if (a && b && quirei_date_after(d->date_lo, d->date_hi))
            return fail(p, vpos, "bad date range: %s is after %s", d->date_lo, d->date_hi);
    } else if (n >= 2 && (v[0] == '>' || v[0] == '<')) {
        int eq = v[1] == '=';
        size_t skip = eq ? 2 : 1;
        char *bound = v[0] == '>' ? d->date_lo : d->date_hi;
        if (parse_date(p, vpos + skip, v + skip, n - skip, bound) < 0)
            return -1;
        if (v[0] == '>')
            d->lo_excl = !eq;
        else
            d->hi_excl = !eq;
    } else {
        if (parse_date(p, vpos, v, n, d->date_lo) < 0)
            return -1;
        snprintf(d->date_hi, sizeof d->date_hi, "%s", d->date_lo);
    }
    return 0;
}

static qn *parse_date_field(parser_t *p, size_t pos)
{
    size_t vstart, vend, end = field_value(p, &vstart, &vend);
    qn *d = new_node(p, QN_DATE, pos);
    if (!d)
        return NULL;
    if (date_bounds(p, d, p->q + vstart, vend - vstart, vstart) < 0) {
        quirei_qn_free(d);
        return NULL;
    }
    p->i = end;
    return d;
}

static qn *parse_phrase(parser_t *p, qn_field field);
static qn *parse_word(parser_t *p, qn_field field);

static qn *parse_field(parser_t *p, size_t name_len)
{
    size_t pos = p->i;
    int k = -1;
    for (size_t f = 0; f < sizeof fields / sizeof *fields; f++)
        if (strlen(fields[f].name) == name_len && strncasecmp(p->q + p->i, fields[f].name, name_len) == 0)
            k = (int)f;
    if (k < 0) {
        fail(p, pos, "unknown field: use title:, author:, source:, id: or date:");
        return NULL;
    }
    p->i += name_len + 1;
    switch (fields[k].kind) {
    case 0:
        if (dquote_at(p, p->i) || lsquote_at(p, p->i))
            return parse_phrase(p, fields[k].field);
        return parse_word(p, fields[k].field);
    case 3:
        return parse_date_field(p, pos);
    default: {
        size_t vstart, vend, end = field_value(p, &vstart, &vend);
        qn *n = new_node(p, fields[k].kind == 1 ? QN_SOURCE : QN_ID, pos);
        if (!n)
            return NULL;
        if (!(n->value = strndup(p->q + vstart, vend - vstart))) {
            quirei_qn_free(n);
            oom(p);
            return NULL;
        }
        p->i = end;
        return n;
    }
    }
}

static qn *parse_phrase(parser_t *p, qn_field field)
{
    size_t pos = p->i;
    int single = lsquote_at(p, p->i);
    p->i += single ? 3 : dquote_at(p, p->i);
    size_t start = p->i, end = p->len, next = p->len;
    /* A pasted quotation may quote someone inside it: "… and “anything
     * using ccRTP”, Dowd writes" is one phrase. So a double quote closes
     * at the next quote of its own pair (closer_of()) when there is one,
     * else at the next of any kind ("…” typed with mixed quotes). */
    int want = single ? 0 : dquote_kind(p, pos), found = 0;
    for (int pass = want ? 0 : 1; pass < 2 && !found; pass++)
        for (size_t j = start; j < p->len && !found; j++) {
            size_t q = single ? (rsquote_closes(p, j) ? 3 : 0) : dquote_at(p, j);
            if (q && (pass || closes_pair(p, j, want))) {
                end = j;
                next = j + q;
                found = 1;
            }
        }
    /* An unclosed quote runs to the end of the query. */
    qn *n = new_node(p, QN_PHRASE, pos);
    if (!n)
        return NULL;
    n->field = field;
    if (tokenize_into(p, n, p->q + start, end - start) < 0) {
        quirei_qn_free(n);
        return NULL;
    }
    p->i = next;
    /* "…"~N */
    if (p->i < p->len && p->q[p->i] == '~') {
        size_t j = p->i + 1;
        unsigned v = 0;
        while (j < p->len && p->q[j] >= '0' && p->q[j] <= '9' && v < 1000)
            v = v * 10 + (unsigned)(p->q[j++] - '0');
        if (j == p->i + 1 || v > QUIREI_MAX_SLOP) {
            quirei_qn_free(n);
            fail(p, p->i, "proximity needs a number from 0 to %d after '~'", QUIREI_MAX_SLOP);
            return NULL;
        }
        n->slop = v;
        n->has_slop = 1;
        p->i = j;
    }
    return n;
}

static qn *parse_word(parser_t *p, qn_field field)
{
    size_t pos = p->i, end = word_end(p, p->i);
    /* In a pasted sentence a '*' is a footnote or emphasis mark. */
    int prefix = !p->pasted && end > p->i + 1 && p->q[end - 1] == '*';
    qn *n = new_node(p, prefix ? QN_PREFIX : QN_WORDS, pos);
    if (!n)
        return NULL;
    n->field = field;
    if (tokenize_into(p, n, p->q + p->i, end - p->i - (size_t)prefix) < 0) {
        quirei_qn_free(n);
        return NULL;
    }
    if (prefix) {
        /* The prefix is the last token typed before the '*'. */
        if (n->nterms == 0 || strlen(n->terms[n->nterms - 1]) < 2) {
            quirei_qn_free(n);
            fail(p, pos, "a prefix search needs at least 2 letters before '*'");
            return NULL;
        }
        n->value = n->terms[n->nterms - 1];
        n->nterms--;
    }
    p->i = end;
    return n;
}

static qn *parse_or(parser_t *p);

static qn *parse_primary(parser_t *p)
{
    skip_space(p);
    if (p->i >= p->len)
        return NULL;
    char c = p->q[p->i];
    if (c == '(') {
        size_t pos = p->i++;
        if (++p->depth > QUIREI_MAX_DEPTH) {
            fail(p, pos, "parentheses nested too deeply (at most %d levels)", QUIREI_MAX_DEPTH);
            return NULL;
        }
        qn *n = parse_or(p);
        p->depth--;
        if (p->st)
            return n;
        skip_space(p);
        if (p->i < p->len && p->q[p->i] == ')')
            p->i++; /* an unclosed '(' is closed at the end */
        return n;
    }
    if (dquote_at(p, p->i) || lsquote_at(p, p->i))
        return parse_phrase(p, QF_ANY);
    size_t fl = field_prefix(p);
    if (fl)
        return parse_field(p, fl);
    return parse_word(p, QF_ANY);
}

/* Drop kids that carry nothing to search (punctuation-only words). */
static int empty_node(const qn *n)
{
    return (n->kind == QN_WORDS || n->kind == QN_PHRASE) && n->nterms == 0;
}

static qn *parse_unary(parser_t *p)
{
    skip_space(p);
    if (p->i >= p->len || p->q[p->i] == ')')
        return NULL;
    size_t pos = p->i;
    if (keyword_at(p, "NOT") || (p->q[p->i] == '-' && p->i + 1 < p->len &&
                                 !is_space((unsigned char)p->q[p->i + 1]))) {
        p->i += p->q[p->i] == '-' ? 1 : 3;
        if (++p->depth > QUIREI_MAX_DEPTH) {
            fail(p, pos, "operators nested too deeply");
            return NULL;
        }
        qn *kid = p->q[pos] == '-' ? parse_primary(p) : parse_unary(p);
        p->depth--;
        if (!kid || empty_node(kid)) {
            quirei_qn_free(kid); /* "NOT" with nothing after it is ignored */
            return NULL;
        }
        qn *n = new_node(p, QN_NOT, pos);
        if (!n || add_kid(p, n, kid) < 0) {
            quirei_qn_free(n);
            quirei_qn_free(kid);
            return NULL;
        }
        return n;
    }
    int required = 0;
    if (p->q[p->i] == '+') {
        p->i++;
        required = 1;
    }
    qn *n = parse_primary(p);
    if (n)
        n->required = required;
    return n;
}

/* Add kid (may be NULL) to list, which owns it from here on: dropped when
 * it carries nothing to search; an AND group's kids moved into an AND
 * list ("a (b c) d" is "a b c d", AND being associative), so a
 * parenthesised aside in a pasted fragment does not stop it from being
 * searched as one (quote_like() in search.c). Returns 0, or -1 when out
 * of memory. */
static int list_add(parser_t *p, qn *list, qn *kid)
{
    if (kid && list->kind == QN_AND && kid->kind == QN_AND && !kid->required)
        return adopt_kids(p, list, kid);
    if (!kid || empty_node(kid)) {
        quirei_qn_free(kid);
        return 0;
    }
    if (add_kid(p, list, kid) < 0) {
        quirei_qn_free(kid);
        return -1;
    }
    return 0;
}

static qn *parse_list(parser_t *p, qn_kind kind)
{
    qn *list = new_node(p, kind, p->i);
    if (!list)
        return NULL;
    for (;;) {
        skip_space(p);
        if (p->i >= p->len || p->q[p->i] == ')')
            break;
        if (kind == QN_OR) {
            /* Between two alternatives stands an OR: the AND list below
             * stops only at the end, at ')' or before an OR (when it has a
             * kid, which it returns). So this list, too, ends only at the
             * end of the query or at ')'. */
            if (list->nkids && keyword_at(p, "OR"))
                p->i += 2;
        } else if (keyword_at(p, "OR")) {
            if (list->nkids)
                break;
            p->i += 2; /* a leading OR means nothing */
            continue;
        } else if (keyword_at(p, "AND")) {
            p->i += 3;
            continue;
        }
        size_t before = p->i;
        qn *kid = kind == QN_OR ? parse_list(p, QN_AND) : parse_unary(p);
        if (p->st) {
            quirei_qn_free(kid);
            quirei_qn_free(list);
            return NULL;
        }
        if (list_add(p, list, kid) < 0) {
            quirei_qn_free(list);
            return NULL;
        }
        if (p->i == before)
            p->i++; /* never loop without progress */
    }
    if (list->nkids == 0) {
        quirei_qn_free(list);
        return NULL;
    }
    /* A list of one is that one. */
    if (list->nkids == 1) {
        qn *only = list->kids[0];
        list->nkids = 0;
        quirei_qn_free(list);
        return only;
    }
    return list;
}

static qn *parse_or(parser_t *p)
{
    return parse_list(p, QN_OR);
}

static int has_positive(const qn *n)
{
    switch (n->kind) {
    case QN_NOT:
        return 0;
    case QN_AND:
    case QN_OR:
        for (size_t i = 0; i < n->nkids; i++)
            if (has_positive(n->kids[i]))
                return 1;
        return 0;
    default:
        return 1;
    }
}

/* ---- pasted sentences ---- */

/* Does the chunk q[a, b) (no spaces) use query syntax that means something:
 * AND/OR/NOT, a leading - or + on a word, a known field, "…"~N? */
static int chunk_is_syntax(const parser_t *p, size_t a, size_t b)
{
    static const char *const ops[] = {"AND", "OR", "NOT"};
    for (size_t k = 0; k < 3; k++)
        if (b - a == strlen(ops[k]) && memcmp(p->q + a, ops[k], b - a) == 0)
            return 1;
    unsigned char c = (unsigned char)p->q[a];
    if ((c == '-' || c == '+') && b - a > 1 &&
        (isalnum((unsigned char)p->q[a + 1]) || (unsigned char)p->q[a + 1] >= 0x80 ||
         p->q[a + 1] == '"' || p->q[a + 1] == '('))
        return 1;
    parser_t at = *p;
    at.i = a;
    size_t name = field_prefix(&at);
    for (size_t f = 0; name && f < sizeof fields / sizeof *fields; f++)
        if (strlen(fields[f].name) == name && strncasecmp(p->q + a, fields[f].name, name) == 0)
            return 1;
    for (size_t j = a; j + 1 < b; j++) {
        size_t qlen = dquote_at(p, j);
        if (qlen && j + qlen < b && p->q[j + qlen] == '~')
            return 1;
    }
    return 0;
}

/*
 * A pasted sentence: PASTED_WORDS or more words and no syntax that means
 * something (chunk_is_syntax()). Such a query is read as the text it is:
 * its parentheses, a '*' ending a word and "name:" prefixes are
 * punctuation, not groups, prefixes or (unknown) fields, so a sentence
 * copied from an article is searched as a fragment (and cited) instead of
 * failing ("unknown field", "unbalanced ')'") or being searched word by
 * word. Quoted parts stay phrases. Shorter queries are taken as typed:
 * `ransom*` and `(a OR b)` mean what they say.
 */
#define PASTED_WORDS 8

static int pasted_sentence(const parser_t *p)
{
    size_t words = 0, i = 0;
    while (i < p->len) {
        while (i < p->len && is_space((unsigned char)p->q[i]))
            i++;
        size_t a = i;
        while (i < p->len && !is_space((unsigned char)p->q[i]))
            i++;
        size_t b = i;
        while (a < b && p->q[a] == '(')
            a++;
        while (b > a && p->q[b - 1] == ')')
            b--;
        if (a == b)
            continue;
        if (chunk_is_syntax(p, a, b))
            return 0;
        for (size_t j = a; j < b; j++)
            if (isalnum((unsigned char)p->q[j]) || (unsigned char)p->q[j] >= 0x80) {
                words++;
                break;
            }
    }
    return words >= PASTED_WORDS;
}

quire_status_t quirei_parse_query(const char *query, size_t len, qn **out, quirei_buf *err,
                                  long *errpos)
{
    *out = NULL;
    *errpos = -1;
    parser_t p = {.q = query, .len = len, .err = err, .errpos = errpos};
    p.pasted = pasted_sentence(&p);
    if (!(p.tok = quire_tokenizer_new()))
        return QUIRE_ENOMEM;
    qn *root = parse_or(&p);
    if (p.st == QUIRE_OK) {
        /* parse_or() reads up to the end of the query or to a ')' (see
         * parse_list()): a ')' left over has no '(' before it. */
        skip_space(&p);
        if (p.i < p.len)
            fail(&p, p.i, "unbalanced ')': no '(' before it");
    }
    quire_tokenizer_free(p.tok);
    if (p.st == QUIRE_OK && (!root || empty_node(root) || !has_positive(root)))
        fail(&p, 0, root ? "the query only excludes: add a word to search for"
                         : "empty query: no searchable words");
    if (p.st != QUIRE_OK) {
        quirei_qn_free(root);
        return p.st;
    }
    *out = root;
    return QUIRE_OK;
}
