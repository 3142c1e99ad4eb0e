/*
 * eval_citations - how well libquire cites its hits on an evaluation set:
 * quotes on approximate and relaxed hits, what the quotes hold, and stop
 * words highlighted alone (issue 11, section 3).
 *
 *   eval_citations --db DIR [--set DIR] [--limit N] [--show N] [--relax WORD]
 *
 * Runs every query of SET/expected.jsonl once with snippets (top N, default
 * 10) and prints per kind: queries; answers flagged approximate or relaxed;
 * their hits and how many carry a quote; their top hits with a quote; the
 * mean share of the query's words (not stop words; folded terms, unstemmed)
 * that the top hit's quote holds; and, over every hit, highlights that
 * cover one stop word alone. --show N prints the first N top-hit citations
 * of approximate or relaxed answers on stderr. --relax WORD searches each
 * query without its quotes and with WORD (a word no document holds)
 * added: every answer is then relaxed, as when a user misremembers a word
 * of an unquoted fragment (the open set has no relaxed answers itself).
 */
#include <getopt.h>
#include <jansson.h>
#include <quire/quire.h>
#include <quire/tokenizer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text/stopwords.h"

#define MAX_KINDS 16
#define MAX_TERMS 256

typedef struct kstat {
    char name[32];
    int n, flagged, hits, quoted, top, top_quoted, lone_stop, highlights;
    double coverage;
} kstat;

typedef struct terms {
    char t[MAX_TERMS][64];
    int n;
} terms_t;

static int on_tok(const quire_token_t *tok, void *ctx)
{
    terms_t *ts = ctx;
    if (tok->positioned && ts->n < MAX_TERMS && tok->len < 64)
        snprintf(ts->t[ts->n++], 64, "%.*s", (int)tok->len, tok->term);
    return 0;
}

static void tokenize(quire_tokenizer_t *tk, const char *s, terms_t *out)
{
    out->n = 0;
    quire_tokenize(tk, s, strlen(s), on_tok, out);
}

/* Share of the query's distinct words (not stop words) that the quote holds. */
static double coverage(quire_tokenizer_t *tk, const char *q, const char *quote)
{
    static terms_t qt, ct;
    tokenize(tk, q, &qt);
    tokenize(tk, quote, &ct);
    int want = 0, have = 0;
    for (int i = 0; i < qt.n; i++) {
        if (quirei_is_stopword("english", qt.t[i], strlen(qt.t[i])))
            continue;
        int dup = 0;
        for (int j = 0; j < i && !dup; j++)
            dup = !strcmp(qt.t[i], qt.t[j]);
        if (dup)
            continue;
        want++;
        for (int j = 0; j < ct.n; j++)
            if (!strcmp(qt.t[i], ct.t[j])) {
                have++;
                break;
            }
    }
    return want ? (double)have / want : 1.0;
}

/* Highlights of h that cover a single stop word, and all of them. */
static void count_lone_stops(quire_tokenizer_t *tk, const quire_hit_t *h, kstat *s)
{
    static terms_t ht;
    const char *t = h->snippet;
    size_t len = strlen(t);
    for (size_t k = 0; k < h->nhighlights; k++) {
        /* code points -> bytes */
        size_t a = 0, e = 0, cp = 0;
        for (size_t i = 0; i <= len; i++) {
            if (i == len || ((unsigned char)t[i] & 0xC0) != 0x80) {
                if (cp == h->highlights[k].start)
                    a = i;
                if (cp == h->highlights[k].end)
                    e = i;
                cp++;
            }
        }
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)(e > a ? e - a : 0), t + a);
        tokenize(tk, buf, &ht);
        s->highlights++;
        s->lone_stop += ht.n == 1 && quirei_is_stopword("english", ht.t[0], strlen(ht.t[0]));
    }
}

/* q without its double quotes (straight or curly) and with `word` added,
 * in b; NULL when out of memory. */
static const char *relaxed_query(quirei_buf *b, const char *q, const char *word)
{
    static const char *const quotes[] = {"\"", "\xe2\x80\x9c", "\xe2\x80\x9d"};
    quirei_buf_reset(b);
    while (*q) {
        size_t skip = 0;
        for (size_t k = 0; k < 3 && !skip; k++)
            if (!strncmp(q, quotes[k], strlen(quotes[k])))
                skip = strlen(quotes[k]);
        if (!skip && quirei_buf_addc(b, *q) < 0)
            return NULL;
        q += skip ? skip : 1;
    }
    return quirei_buf_addf(b, " %s", word) < 0 ? NULL : quirei_buf_cstr(b);
}

/* SET/expected.jsonl, or NULL (said on stderr). */
static FILE *open_cases(const char *set)
{
    quirei_buf path = QUIREI_BUF_INIT;
    FILE *f = quirei_buf_setf(&path, "%s/expected.jsonl", set) < 0 ? NULL : fopen(path.ptr, "r");
    if (!f)
        fprintf(stderr, "eval_citations: %s/expected.jsonl: cannot open\n", set);
    quirei_buf_release(&path);
    return f;
}

/* What the run is asked to do. */
typedef struct run {
    const char *db, *set, *relax;
    int limit, show;
} run_t;

/* Count one answer of q (of its kind) into s. */
static void tally(kstat *s, quire_tokenizer_t *tk, const char *q, const quire_results_t *res,
                  int *show)
{
    s->n++;
    for (size_t i = 0; i < res->nhits; i++)
        count_lone_stops(tk, &res->hits[i], s);
    if (!(res->approximate || res->relaxed) || !res->nhits)
        return;
    s->flagged++;
    s->top++;
    for (size_t i = 0; i < res->nhits; i++)
        s->quoted += res->hits[i].quote != NULL;
    s->hits += (int)res->nhits;
    const char *quote = res->hits[0].quote;
    s->top_quoted += quote != NULL;
    s->coverage += quote ? coverage(tk, q, quote) : 0;
    if ((*show)-- > 0)
        fprintf(stderr, "%s\n  -> %s\n", q, quote ? quote : "(no quote)");
}

static void print_table(kstat *ks, int nk)
{
    printf("| kind | queries | approximate or relaxed | their hits with a quote | top hits "
           "with a quote | query words in the top quote | lone stop-word highlights |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|\n");
    kstat all = {.name = "**all**"};
    for (int k = 0; k <= nk; k++) {
        kstat *s = k < nk ? &ks[k] : &all;
        if (k < nk) {
            all.n += s->n, all.flagged += s->flagged, all.hits += s->hits;
            all.quoted += s->quoted, all.top += s->top, all.top_quoted += s->top_quoted;
            all.coverage += s->coverage, all.lone_stop += s->lone_stop;
            all.highlights += s->highlights;
        }
        printf("| %s | %d | %d | %d/%d | %d/%d | %.3f | %d/%d |\n", s->name, s->n, s->flagged,
               s->quoted, s->hits, s->top_quoted, s->top, s->top ? s->coverage / s->top : 0,
               s->lone_stop, s->highlights);
    }
}

/* Every case of f through r, counted per kind into ks (*nk of them). */
static void run_cases(FILE *f, quire_reader_t *r, const run_t *run, kstat *ks, int *nk)
{
    quire_tokenizer_t *tk = quire_tokenizer_new();
    quire_search_options_t o = {.limit = (unsigned)run->limit};
    char *line = NULL;
    size_t cap = 0;
    quirei_buf rq = QUIREI_BUF_INIT;
    int show = run->show;
    while (getline(&line, &cap, f) > 0) {
        json_t *c = json_loads(line, 0, NULL);
        const char *q = json_string_value(json_object_get(c, "q"));
        const char *kind = json_string_value(json_object_get(c, "kind"));
        quire_results_t *res = NULL;
        if (q && run->relax)
            q = relaxed_query(&rq, q, run->relax);
        if (q && kind && quire_search(r, q, &o, &res) == QUIRE_OK) {
            int k;
            for (k = 0; k < *nk && strcmp(ks[k].name, kind); k++)
                ;
            if (k == *nk && *nk < MAX_KINDS)
                snprintf(ks[(*nk)++].name, sizeof ks[k].name, "%s", kind);
            tally(k < MAX_KINDS ? &ks[k] : &ks[MAX_KINDS], tk, q, res, &show);
        }
        quire_results_free(res);
        json_decref(c);
    }
    free(line);
    quirei_buf_release(&rq);
    quire_tokenizer_free(tk);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},    {"set", required_argument, NULL, 's'},
        {"limit", required_argument, NULL, 'l'}, {"show", required_argument, NULL, 'w'},
        {"relax", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0},
    };
    run_t run = {.set = "../shared/eval/open", .limit = 10};
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': run.db = optarg; break;
        case 's': run.set = optarg; break;
        case 'l': run.limit = atoi(optarg); break;
        case 'w': run.show = atoi(optarg); break;
        case 'r': run.relax = optarg; break;
        default: run.db = NULL; optind = argc; break;
        }
    }
    if (!run.db || run.limit < 1 || run.limit > 100 || optind < argc) {
        fprintf(stderr, "usage: eval_citations --db DIR [--set DIR] [--limit N] [--show N] "
                        "[--relax WORD]\n");
        return 2;
    }
    FILE *f = open_cases(run.set);
    if (!f)
        return 2;
    quire_reader_t *r = NULL;
    char *detail = NULL;
    if (quire_reader_open(run.db, &r, &detail) != QUIRE_OK) {
        fprintf(stderr, "eval_citations: %s\n", detail);
        return 3;
    }
    kstat ks[MAX_KINDS + 1] = {0};
    int nk = 0;
    run_cases(f, r, &run, ks, &nk);
    fclose(f);
    print_table(ks, nk);
    quire_reader_close(r);
    return 0;
}
