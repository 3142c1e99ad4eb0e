/*
 * doc_terms.c - document -> terms, values and data (see doc_terms.h; the
 * schema it writes is the essay of schema.h).
 */
#include "schema/doc_terms.h"

#include <string.h>

#include "schema/record.h"
#include "schema/schema.h"
#include "schema/term_counts.h"

quire_status_t quirei_doc_terms_init(quirei_doc_terms *t, const char *language)
{
    t->tok = quire_tokenizer_new();
    t->stem = quirei_stemmer_new(language);
    t->xdoc = quirei_xdoc_new();
    if (!t->tok || !t->xdoc)
        return QUIRE_ENOMEM;
    /* NULL: an unknown language (the one an index records is checked only
     * here) or, rarely, out of memory; ELANG names the likelier cause. */
    return t->stem ? QUIRE_OK : QUIRE_ELANG;
}

void quirei_doc_terms_release(quirei_doc_terms *t)
{
    quire_tokenizer_free(t->tok);
    quirei_stemmer_free(t->stem);
    quirei_xdoc_free(t->xdoc);
    quirei_term_counts_release(&t->counts);
    quirei_buf_release(&t->term);
    quirei_buf_release(&t->err);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------ per token (hot) -- */

typedef struct sink {
    quirei_doc_terms *t;
    const char *prefix; /* "" for body, "S" for title, "A" for author */
    int also_plain;     /* title words are also unprefixed terms */
    quire_status_t st;
} sink_t;

static quire_status_t add_one(quirei_doc_terms *t, const char *prefix, const quire_token_t *tk)
{
    quirei_buf *b = &t->term;
    quirei_buf_reset(b);
    if (quirei_buf_adds(b, prefix) < 0 || quirei_buf_add(b, tk->term, tk->len) < 0)
        return QUIRE_ENOMEM;
    /* Only unprefixed terms carry positions: a phrase is matched on them,
     * and field terms (S, A) only need to say that the words are there;
     * those are counted, and go to Xapian once each (add_counted_terms). */
    if (tk->positioned && !*prefix) {
        quire_status_t st = quirei_xdoc_add_posting(t->xdoc, b->ptr, b->len, tk->pos, &t->err);
        if (st != QUIRE_OK)
            return st;
    } else if (quirei_term_counts_add(&t->counts, b->ptr, b->len) < 0) {
        return QUIRE_ENOMEM;
    }
    if (!tk->stemmable)
        return QUIRE_OK;
    size_t slen;
    const char *stem = quirei_stem(t->stem, tk->term, tk->len, &slen);
    if (!stem)
        return QUIRE_ENOMEM;
    quirei_buf_reset(b);
    if (quirei_buf_adds(b, QUIREI_PREFIX_STEM) < 0 || quirei_buf_adds(b, prefix) < 0 ||
        quirei_buf_add(b, stem, slen) < 0 ||
        quirei_term_counts_add(&t->counts, b->ptr, b->len) < 0)
        return QUIRE_ENOMEM;
    return QUIRE_OK;
}

static int on_token(const quire_token_t *tk, void *ctx)
{
    sink_t *k = ctx;
    k->st = add_one(k->t, k->prefix, tk);
    if (k->st == QUIRE_OK && k->also_plain)
        k->st = add_one(k->t, "", tk);
    return k->st != QUIRE_OK;
}

/* --------------------------------------------------------- per document -- */

/* Every counted (unpositioned) term, once, with its count as its wdf: the
 * document Xapian gets is the one that adding each occurrence would make. */
static quire_status_t add_counted_terms(quirei_doc_terms *t)
{
    quire_status_t st = QUIRE_OK;
    for (size_t i = 0; st == QUIRE_OK && i < quirei_term_counts_size(&t->counts); i++) {
        const char *term;
        size_t len;
        uint32_t n = quirei_term_counts_get(&t->counts, i, &term, &len);
        st = quirei_xdoc_add_term(t->xdoc, term, len, n, &t->err);
    }
    quirei_term_counts_reset(&t->counts);
    return st;
}

static quire_status_t tokenize_field(quirei_doc_terms *t, const char *text, size_t len,
                                     const char *prefix, int also_plain)
{
    sink_t k = {t, prefix, also_plain, QUIRE_OK};
    int r = quire_tokenize(t->tok, text, len, on_token, &k);
    if (r < 0)
        return QUIRE_ENOMEM;
    return k.st;
}

static quire_status_t add_lower_boolean(quirei_doc_terms *t, const char *prefix, const char *v,
                                        size_t len)
{
    quirei_buf *b = &t->term;
    quirei_buf_reset(b);
    if (quirei_buf_adds(b, prefix) < 0)
        return QUIRE_ENOMEM;
    for (size_t i = 0; i < len; i++)
        if (quirei_buf_addc(b, (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i])) < 0)
            return QUIRE_ENOMEM;
    if (b->len > QUIRE_MAX_TERM_BYTES)
        return QUIRE_OK; /* absurd source names are stored, not filterable */
    return quirei_xdoc_add_boolean_term(t->xdoc, b->ptr, b->len, &t->err);
}

/* The document data (the whole record) and the fields value (the record
 * without its body). */
static quire_status_t make_data(quirei_doc_terms *t, const char *const f[QUIRE_FIELD_COUNT],
                                const size_t n[QUIRE_FIELD_COUNT])
{
    quirei_buf_reset(&t->term);
    if (quirei_record_encode(&t->term, f, n) < 0)
        return QUIRE_ENOMEM;
    quire_status_t st = quirei_xdoc_set_data(t->xdoc, t->term.ptr, t->term.len, &t->err);
    if (st)
        return st;
    /* The same record without the body goes into one value, so a result
     * page without snippets never reads (and decompresses) the body, and
     * reads one value per hit, not six. */
    const char *g[QUIRE_FIELD_COUNT];
    size_t m[QUIRE_FIELD_COUNT];
    memcpy(g, f, sizeof g);
    memcpy(m, n, sizeof m);
    g[QUIRE_FIELD_BODY] = "";
    m[QUIRE_FIELD_BODY] = 0;
    quirei_buf_reset(&t->term);
    if (quirei_record_encode(&t->term, g, m) < 0)
        return QUIRE_ENOMEM;
    return quirei_xdoc_set_value(t->xdoc, QUIREI_SLOT_FIELDS, t->term.ptr, t->term.len,
                                 &t->err);
}

/* XS<source>, and XS<top> for its part before the first '/'. */
static quire_status_t add_source(quirei_doc_terms *t, const char *src, size_t len)
{
    quire_status_t st = add_lower_boolean(t, QUIREI_PREFIX_SOURCE, src, len);
    if (st)
        return st;
    const char *slash = memchr(src, '/', len);
    if (slash && slash > src)
        st = add_lower_boolean(t, QUIREI_PREFIX_SOURCE, src, (size_t)(slash - src));
    return st;
}

/* The facet slots (schema.h): source and author as given, the year of the
 * date key (NULL when the document has no date). Empty fields get no
 * value, as absent ones: a facet counts them as missing. */
static quire_status_t add_facet_values(quirei_doc_terms *t, const char *const f[QUIRE_FIELD_COUNT],
                                       const size_t n[QUIRE_FIELD_COUNT], const char *date)
{
    static const struct {
        quire_field_t field;
        unsigned slot;
    } slots[] = {{QUIRE_FIELD_SOURCE, QUIREI_SLOT_SOURCE}, {QUIRE_FIELD_AUTHOR, QUIREI_SLOT_AUTHOR}};
    quire_status_t st = QUIRE_OK;
    for (size_t i = 0; st == QUIRE_OK && i < sizeof slots / sizeof *slots; i++) {
        quire_field_t fd = slots[i].field;
        int has = f[fd] && n[fd];
        st = quirei_xdoc_set_value(t->xdoc, slots[i].slot, has ? f[fd] : QUIREI_FACET_NONE,
                                   has ? n[fd] : 1, &t->err);
    }
    if (st == QUIRE_OK)
        st = quirei_xdoc_set_value(t->xdoc, QUIREI_SLOT_YEAR, date ? date : QUIREI_FACET_NONE,
                                   date ? 4 : 1, &t->err);
    return st;
}

quire_status_t quirei_doc_terms_make(quirei_doc_terms *t, const char *const f[QUIRE_FIELD_COUNT],
                                     const size_t n[QUIRE_FIELD_COUNT])
{
    quirei_term_counts_reset(&t->counts); /* what a failed document left */
    quire_status_t st = quirei_xdoc_clear(t->xdoc, &t->err);
    if (st)
        return st;
    /* Title and body share one position space, a gap apart (schema.h). */
    quire_tokenizer_set_pos(t->tok, QUIREI_FIRST_POS);
    if (f[QUIRE_FIELD_TITLE] &&
        (st = tokenize_field(t, f[QUIRE_FIELD_TITLE], n[QUIRE_FIELD_TITLE], QUIREI_PREFIX_TITLE, 1)))
        return st;
    quire_tokenizer_set_pos(t->tok, quire_tokenizer_get_pos(t->tok) + QUIREI_TITLE_GAP);
    if ((st = tokenize_field(t, f[QUIRE_FIELD_BODY], n[QUIRE_FIELD_BODY], "", 0)))
        return st;
    if (f[QUIRE_FIELD_AUTHOR]) {
        quire_tokenizer_set_pos(t->tok, 1);
        if ((st = tokenize_field(t, f[QUIRE_FIELD_AUTHOR], n[QUIRE_FIELD_AUTHOR],
                                 QUIREI_PREFIX_AUTHOR, 0)))
            return st;
    }
    if ((st = add_counted_terms(t)))
        return st;
    if (f[QUIRE_FIELD_SOURCE] &&
        (st = add_source(t, f[QUIRE_FIELD_SOURCE], n[QUIRE_FIELD_SOURCE])))
        return st;
    char date[11];
    size_t dlen = quirei_date_key(f[QUIRE_FIELD_DATE], date);
    if (dlen && (st = quirei_xdoc_set_value(t->xdoc, QUIREI_SLOT_DATE, date, dlen, &t->err)))
        return st;
    if ((st = add_facet_values(t, f, n, dlen ? date : NULL)))
        return st;
    if ((st = make_data(t, f, n)))
        return st;
    quirei_buf_reset(&t->term);
    if (quirei_buf_adds(&t->term, QUIREI_PREFIX_ID) < 0 ||
        quirei_buf_add(&t->term, f[QUIRE_FIELD_ID], n[QUIRE_FIELD_ID]) < 0)
        return QUIRE_ENOMEM;
    return quirei_xdoc_add_boolean_term(t->xdoc, t->term.ptr, t->term.len, &t->err);
}
