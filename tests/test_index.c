/* test_index.c - the writer and reader of libquire over a real Xapian index. */
#include <criterion/criterion.h>
#include <quire/quire.h>
#include <quire/tokenizer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/index.h"
#include "schema/record.h"
#include "text/stemmer.h"
#include "strbuf.h"
#include "schema/schema.h"
#include "open_index.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/quire-test-index-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(index, .init = make_dir, .fini = remove_dir);

static quire_writer_t *open_writer(unsigned shards)
{
    return test_open_writer(dir, shards);
}

static quire_reader_t *open_reader(void)
{
    return test_open_reader(dir);
}

static uint64_t count(quire_reader_t *r)
{
    uint64_t n = 0;
    cr_assert_eq(quire_reader_doc_count(r, &n), QUIRE_OK);
    return n;
}

static uint64_t freq(quire_reader_t *r, const char *term)
{
    uint64_t f = 0;
    cr_assert_eq(quire_reader_term_freq(r, term, &f), QUIRE_OK);
    return f;
}

Test(index, add_commit_read_back_all_fields)
{
    quire_writer_t *w = open_writer(2);
    quire_doc_t d = {.id = "doc-1", .title = "Cyber blame game", .source = "ti-corpus/theregister",
                     .url = "https://example.org/a", .author = "Greg Day", .date = "2015-09-30T10:00:00Z",
                     .body = "Cybersecurity calls for a united front, not finger-pointing."};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);

    quire_reader_t *r = open_reader();
    cr_expect_eq(count(r), 1);
    cr_expect_str_eq(quire_reader_language(r), "english");
    quire_stored_doc_t *s = NULL;
    cr_assert_eq(quire_reader_get(r, "doc-1", &s), QUIRE_OK);
    cr_expect_str_eq(s->doc.id, d.id);
    cr_expect_str_eq(s->doc.title, d.title);
    cr_expect_str_eq(s->doc.source, d.source);
    cr_expect_str_eq(s->doc.url, d.url);
    cr_expect_str_eq(s->doc.author, d.author);
    cr_expect_str_eq(s->doc.date, "2015-09-30"); /* normalized to the date (test_date.c) */
    cr_expect_str_eq(s->doc.body, d.body);
    cr_expect_eq(s->body_len, strlen(d.body));
    quire_stored_doc_free(s);
    /* Terms of the schema (schema/schema.h). */
    cr_expect_eq(freq(r, "Qdoc-1"), 1);
    cr_expect_eq(freq(r, "XSti-corpus/theregister"), 1);
    cr_expect_eq(freq(r, "XSti-corpus"), 1);
    cr_expect_eq(freq(r, "Sblame"), 1);
    cr_expect_eq(freq(r, "blame"), 1);     /* title words are body-searchable too */
    cr_expect_eq(freq(r, "Aday"), 1);
    cr_expect_eq(freq(r, "Zcall"), 1);     /* stem differs from "calls" */
    cr_expect_eq(freq(r, "Zunit"), 1);
    cr_expect_eq(freq(r, "Zfront"), 1);    /* stem == word: a Z term too (schema 2) */
    cr_expect_eq(freq(r, "front"), 1);
    cr_expect_eq(freq(r, "finger-pointing"), 1);
    cr_expect_eq(quire_reader_get(r, "nope", &s), QUIRE_ENOTFOUND);
    cr_expect_null(s);
    quire_reader_close(r);
}

Test(index, missing_fields_stay_absent)
{
    quire_writer_t *w = open_writer(1);
    quire_doc_t d = {.id = "x", .body = "just a body"};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    quire_reader_t *r = open_reader();
    quire_stored_doc_t *s = NULL;
    cr_assert_eq(quire_reader_get(r, "x", &s), QUIRE_OK);
    cr_expect_null(s->doc.title);
    cr_expect_null(s->doc.author);
    cr_expect_null(s->doc.date);
    cr_expect_str_eq(s->doc.body, "just a body");
    quire_stored_doc_free(s);
    quire_reader_close(r);
}

Test(index, reindexing_replaces)
{
    for (int round = 0; round < 2; round++) {
        quire_writer_t *w = open_writer(2);
        for (int i = 0; i < 120; i++) {
            char id[32], body[64];
            snprintf(id, sizeof id, "id-%d", i);
            snprintf(body, sizeof body, "round %d body of %d", round, i);
            quire_doc_t d = {.id = id, .body = body};
            cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
        }
        cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
        quire_writer_stats_t st;
        quire_writer_stats(w, &st);
        cr_expect_eq(st.added, round == 0 ? 120 : 0);
        cr_expect_eq(st.replaced, round == 0 ? 0 : 120);
        cr_expect_eq(st.committed, 120);
        cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    }
    quire_reader_t *r = open_reader();
    cr_expect_eq(count(r), 120);
    quire_stored_doc_t *s = NULL;
    cr_assert_eq(quire_reader_get(r, "id-7", &s), QUIRE_OK);
    cr_expect_str_eq(s->doc.body, "round 1 body of 7");
    quire_stored_doc_free(s);
    quire_reader_close(r);
}

Test(index, security_tokens_match_only_whole)
{
    quire_writer_t *w = open_writer(2);
    quire_doc_t docs[] = {
        {.id = "log4shell", .body = "Patch CVE-2021-44228 now; see he.net and T1059.001."},
        {.id = "near", .body = "An unrelated CVE-2021-4422 entry."},
        {.id = "apart", .body = "In 2021 there were 44228 reports."},
        {.id = "apt", .body = "APT28 (Fancy Bear) at 121.50.43.175, version 14.9.0."},
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        cr_assert_eq(quire_writer_add(w, &docs[i]), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    quire_reader_t *r = open_reader();
    cr_expect_eq(freq(r, "cve-2021-44228"), 1);
    cr_expect_eq(freq(r, "cve-2021-4422"), 1);
    cr_expect_eq(freq(r, "44228"), 2);  /* parts are searchable too */
    cr_expect_eq(freq(r, "t1059.001"), 1);
    cr_expect_eq(freq(r, "he.net"), 1);
    cr_expect_eq(freq(r, "apt28"), 1);
    cr_expect_eq(freq(r, "121.50.43.175"), 1);
    cr_expect_eq(freq(r, "14.9.0"), 1);
    quire_reader_close(r);
}

Test(index, invalid_utf8_is_repaired_not_truncated)
{
    quire_writer_t *w = open_writer(1);
    quire_doc_t d = {.id = "bad", .title = "T\xff", .body = "before \xc3\x28 after \xff end"};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    quire_writer_stats_t st;
    quire_writer_stats(w, &st);
    cr_expect_eq(st.invalid_utf8, 3);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    quire_reader_t *r = open_reader();
    quire_stored_doc_t *s = NULL;
    cr_assert_eq(quire_reader_get(r, "bad", &s), QUIRE_OK);
    cr_expect_str_eq(s->doc.body, "before \xef\xbf\xbd( after \xef\xbf\xbd end");
    cr_expect_eq(freq(r, "end"), 1);
    quire_stored_doc_free(s);
    quire_reader_close(r);
}

Test(index, rejects_bad_documents)
{
    quire_writer_t *w = open_writer(1);
    quire_doc_t no_id = {.body = "b"}, no_body = {.id = "a"}, empty_id = {.id = "", .body = "b"};
    cr_expect_eq(quire_writer_add(w, &no_id), QUIRE_EINVAL);
    cr_expect_eq(quire_writer_add(w, &no_body), QUIRE_EINVAL);
    cr_expect_str_eq(quire_writer_detail(w), "document has no body");
    cr_expect_eq(quire_writer_add(w, &empty_id), QUIRE_EINVAL);
    char long_id[300];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    quire_doc_t long_d = {.id = long_id, .body = "b"};
    cr_expect_eq(quire_writer_add(w, &long_d), QUIRE_EINVAL);
    /* The writer still works after rejecting. */
    quire_doc_t ok = {.id = "ok", .body = "fine"};
    cr_expect_eq(quire_writer_add(w, &ok), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
}

Test(index, language_is_recorded_and_kept)
{
    quire_writer_options_t o = {.language = "french"};
    quire_writer_t *w = NULL;
    cr_assert_eq(quire_writer_open(dir, &o, &w, NULL), QUIRE_OK);
    quire_doc_t d = {.id = "fr", .body = "les attaques informatiques"};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    /* Reopened with another language: the index keeps french. */
    quire_writer_options_t o2 = {.language = "english"};
    cr_assert_eq(quire_writer_open(dir, &o2, &w, NULL), QUIRE_OK);
    cr_expect_str_eq(quire_writer_language(w), "french");
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    quire_reader_t *r = open_reader();
    cr_expect_str_eq(quire_reader_language(r), "french");
    cr_expect_eq(freq(r, "Zattaqu"), 1);
    quire_reader_close(r);
}

Test(index, unknown_language_is_an_error)
{
    quire_writer_options_t o = {.language = "klingon"};
    quire_writer_t *w = NULL;
    char *detail = NULL;
    cr_expect_eq(quire_writer_open(dir, &o, &w, &detail), QUIRE_ELANG);
    cr_expect_null(w);
    cr_expect(detail && strstr(detail, "klingon"));
    free(detail);
}

Test(index, refuses_foreign_directories)
{
    char path[128];
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("my notes", f);
    fclose(f);
    quire_writer_t *w = NULL;
    char *detail = NULL;
    cr_expect_eq(quire_writer_open(dir, NULL, &w, &detail), QUIRE_ENOTINDEX);
    cr_expect(detail && strstr(detail, "not empty"));
    free(detail);
    quire_reader_t *r = NULL;
    cr_expect_eq(quire_reader_open(dir, &r, NULL), QUIRE_ENOTINDEX);
    cr_expect_null(r);
    /* The user's file is untouched. */
    struct stat sb;
    cr_expect_eq(stat(path, &sb), 0);
    cr_expect_eq(sb.st_size, 8);
}

/* An index of another schema version (here: one that says 2, the layout
 * before the facet values) is refused by readers and writers alike, with
 * a message that says what to do and what the old index lacks. */
Test(index, refuses_other_schema_versions)
{
    quire_writer_t *w = open_writer(1);
    quire_doc_t d = {.id = "old", .body = "front page"};
    cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    /* Every shard the stub names says schema 2. */
    char stub[128], line[256];
    snprintf(stub, sizeof stub, "%s/XAPIANDB", dir);
    FILE *f = fopen(stub, "r");
    cr_assert_not_null(f);
    int shards = 0;
    while (fgets(line, sizeof line, f)) {
        char name[128], path[256];
        if (sscanf(line, "auto %127s", name) != 1)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        quirei_wdb *db = NULL;
        quirei_buf err = QUIREI_BUF_INIT;
        cr_assert_eq(quirei_wdb_open(path, &db, &err), QUIRE_OK, "%s", quirei_buf_cstr(&err));
        cr_assert_eq(quirei_wdb_set_metadata(db, QUIREI_META_SCHEMA, "2", &err), QUIRE_OK);
        quirei_wdb_close(db);
        quirei_buf_release(&err);
        shards++;
    }
    fclose(f);
    cr_assert_geq(shards, 1);
    quire_reader_t *r = NULL;
    char *detail = NULL;
    cr_expect_eq(quire_reader_open(dir, &r, &detail), QUIRE_ESCHEMA);
    cr_expect_null(r);
    cr_expect(detail && strstr(detail, "schema version 2, this build reads 3") &&
                  strstr(detail, "rebuild") && strstr(detail, "facet values"),
              "%s", detail ? detail : "(none)");
    free(detail);
    detail = NULL;
    cr_expect_eq(quire_writer_open(dir, NULL, &w, &detail), QUIRE_ESCHEMA);
    cr_expect(detail && strstr(detail, "schema version 2"), "%s", detail ? detail : "(none)");
    free(detail);
}

Test(index, reader_on_missing_path)
{
    quire_reader_t *r = NULL;
    char *detail = NULL;
    cr_expect_eq(quire_reader_open("/nonexistent/quire/index", &r, &detail), QUIRE_ENOTFOUND);
    cr_expect(detail && strstr(detail, "/nonexistent/quire/index"));
    free(detail);
}

Test(index, second_writer_is_locked_out)
{
    quire_writer_t *w1 = open_writer(1), *w2 = NULL;
    char *detail = NULL;
    cr_expect_eq(quire_writer_open(dir, NULL, &w2, &detail), QUIRE_ELOCKED);
    cr_expect_null(w2);
    free(detail);
    cr_assert_eq(quire_writer_close(w1), QUIRE_OK);
}

/* A two-shard writer whose index holds one committed document. */
static quire_writer_t *writer_with_one(const char *id, const char *body)
{
    quire_writer_t *w = open_writer(2);
    quire_doc_t a = {.id = id, .body = body};
    cr_assert_eq(quire_writer_add(w, &a), QUIRE_OK);
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    return w;
}

Test(index, reader_reopen_sees_new_commits)
{
    quire_writer_t *w = writer_with_one("a", "first");
    quire_reader_t *r = open_reader();
    uint64_t rev1 = 0, rev2 = 0;
    cr_assert_eq(quire_reader_revision(r, &rev1), QUIRE_OK);
    cr_expect_eq(count(r), 1);
    quire_doc_t b = {.id = "b", .body = "second"};
    cr_assert_eq(quire_writer_add(w, &b), QUIRE_OK);
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    bool changed = false;
    cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK);
    cr_expect(changed);
    cr_expect_eq(count(r), 2);
    cr_assert_eq(quire_reader_revision(r, &rev2), QUIRE_OK);
    cr_expect_gt(rev2, rev1);
    quire_reader_close(r);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
}

Test(index_helpers, shard_routing_is_stable)
{
    /* FNV-1a: fixed values, so an index written by one build is routed the
     * same way by the next. */
    cr_expect_eq(quirei_shard_of("", 0, 7), 2166136261u % 7);
    cr_expect_eq(quirei_shard_of("a", 1, 1000), 3826002220u % 1000);
    cr_expect_eq(quirei_shard_of("anything", 8, 1), 0);
}

Test(index_helpers, date_keys)
{
    char k[11];
    cr_expect_eq(quirei_date_key("2016-06-30", k), 10);
    cr_expect_str_eq(k, "2016-06-30");
    cr_expect_eq(quirei_date_key("2016-06-30T12:00:00Z", k), 10);
    cr_expect_eq(quirei_date_key("2016-06", k), 7);
    cr_expect_eq(quirei_date_key("2016", k), 4);
    cr_expect_eq(quirei_date_key("2016-13-01", k), 0);
    cr_expect_eq(quirei_date_key("June 30, 2016", k), 10); /* more: test_date.c */
    cr_expect_eq(quirei_date_key("20160630", k), 0);
    cr_expect_eq(quirei_date_key(NULL, k), 0);
}

/* ---- property: what a query forms from a text, the index of that text holds ---- */

typedef struct qcheck {
    quire_reader_t *r;
    quirei_stemmer *stem;
    int checked;
} qcheck_t;

static int check_query_term(const quire_token_t *t, void *ctx)
{
    qcheck_t *q = ctx;
    char term[256];
    snprintf(term, sizeof term, "%.*s", (int)t->len, t->term);
    cr_expect_gt(freq(q->r, term), 0, "term %s", term);
    if (t->stemmable) {
        size_t n;
        const char *s = quirei_stem(q->stem, t->term, t->len, &n);
        char zterm[256];
        if (n == t->len && memcmp(s, t->term, n) == 0)
            snprintf(zterm, sizeof zterm, "%.*s", (int)n, s);
        else
            snprintf(zterm, sizeof zterm, "Z%.*s", (int)n, s);
        cr_expect_gt(freq(q->r, zterm), 0, "stem term %s of %s", zterm, term);
    }
    q->checked++;
    return 0;
}

Test(index, query_side_terms_exist_in_index)
{
    static const char *const words[] = {
        "hackers", "China\xe2\x80\x99s", "CVE-2021-44228", "T1059.001", "APT28", "attacks",
        "121.50.43.175", "he.net", "state-sponsored", "14.9.0", "user@example.com",
        "running", "espionage", "https://example.org/x", "2001:db8::1", "Stra\xc3\x9f" "e",
        "\xef\xac\x81le", "U.S.", "don't", "ransomware-as-a-service", "Caf\xc3\xa9s",
    };
    const size_t nw = sizeof words / sizeof *words;
    quirei_buf texts[20];
    unsigned seed = 7;
    quire_writer_t *w = open_writer(2);
    for (int d = 0; d < 20; d++) {
        quirei_buf *b = &texts[d];
        *b = (quirei_buf)QUIREI_BUF_INIT;
        for (int i = 0; i < 30; i++) {
            seed = seed * 1103515245u + 12345u;
            quirei_buf_addf(b, "%s%s", i ? " " : "", words[(seed >> 16) % nw]);
        }
        char id[16];
        snprintf(id, sizeof id, "p%d", d);
        quire_doc_t doc = {.id = id, .body = b->ptr};
        cr_assert_eq(quire_writer_add(w, &doc), QUIRE_OK);
    }
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);

    qcheck_t q = {open_reader(), quirei_stemmer_new("english"), 0};
    quire_tokenizer_t *tok = quire_tokenizer_new();
    for (int d = 0; d < 20; d++) {
        /* The query side: each word typed on its own. */
        const char *p = texts[d].ptr;
        while (*p) {
            size_t n = strcspn(p, " ");
            cr_assert_eq(quire_tokenize(tok, p, n, check_query_term, &q), 0);
            p += n + (p[n] == ' ');
        }
        quirei_buf_release(&texts[d]);
    }
    cr_expect_gt(q.checked, 600);
    quire_tokenizer_free(tok);
    quirei_stemmer_free(q.stem);
    quire_reader_close(q.r);
}

Test(index_helpers, record_round_trip_and_corruption)
{
    const char *f[QUIRE_FIELD_COUNT] = {"id-1", NULL, "src", NULL, NULL, "2016", "body text"};
    size_t n[QUIRE_FIELD_COUNT];
    for (int i = 0; i < QUIRE_FIELD_COUNT; i++)
        n[i] = f[i] ? strlen(f[i]) : 0;
    quirei_buf b = QUIREI_BUF_INIT;
    cr_assert_eq(quirei_record_encode(&b, f, n), 0);
    quire_stored_doc_t *d = NULL;
    cr_assert_eq(quirei_record_decode(b.ptr, b.len, &d), QUIRE_OK);
    cr_expect_str_eq(d->doc.id, "id-1");
    cr_expect_null(d->doc.title);
    cr_expect_str_eq(d->doc.source, "src");
    cr_expect_str_eq(d->doc.body, "body text");
    cr_expect_eq(d->body_len, 9);
    quire_stored_doc_free(d);
    /* Every truncation is detected, never read past the end. */
    for (size_t cut = 0; cut < b.len; cut++) {
        cr_expect_eq(quirei_record_decode(b.ptr, cut, &d), QUIRE_ECORRUPT, "cut at %zu", cut);
        cr_expect_null(d);
    }
    cr_expect_eq(quirei_record_decode("{\"id\":1}", 8, &d), QUIRE_ECORRUPT);
    quirei_buf_release(&b);
}

static int count_entries(const char *prefix)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls -d '%s'/%s* 2>/dev/null | wc -l", dir, prefix);
    FILE *p = popen(cmd, "r");
    int n = -1;
    cr_assert_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static void add_n(quire_writer_t *w, int n, const char *tag)
{
    for (int i = 0; i < n; i++) {
        char id[32], body[64];
        snprintf(id, sizeof id, "m-%d", i);
        snprintf(body, sizeof body, "%s text number %d", tag, i);
        quire_doc_t d = {.id = id, .body = body};
        cr_assert_eq(quire_writer_add(w, &d), QUIRE_OK);
    }
}

Test(index, compaction_keeps_shards_and_writer_usable)
{
    quire_writer_t *w = open_writer(2);
    add_n(w, 100, "first");
    cr_assert_eq(quire_writer_compact(w), QUIRE_OK);
    cr_expect_eq(count_entries("shard"), 2, "old generations are removed");
    add_n(w, 100, "second"); /* replaces, after the switch */
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    quire_reader_t *r = open_reader();
    cr_expect_eq(count(r), 100);
    cr_expect_eq(freq(r, "second"), 100);
    cr_expect_eq(freq(r, "first"), 0);
    quire_reader_close(r);
}

Test(index, merge_on_close_makes_one_database)
{
    quire_writer_options_t o = {.shards = 2, .merge_on_close = true};
    quire_writer_t *w = NULL;
    cr_assert_eq(quire_writer_open(dir, &o, &w, NULL), QUIRE_OK);
    add_n(w, 150, "first");
    /* A reader opened before the merge keeps working. */
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    quire_reader_t *before = open_reader();
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_expect_eq(count_entries("shard"), 1);
    char stub[128];
    snprintf(stub, sizeof stub, "%s/XAPIANDB", dir);
    FILE *f = fopen(stub, "r");
    char line[64] = "";
    cr_assert(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "auto shard0.1\n");
    cr_expect_null(fgets(line, sizeof line, f), "one shard in the stub");
    fclose(f);
    cr_expect_eq(count(before), 150);
    bool changed = false;
    cr_assert_eq(quire_reader_reopen(before, &changed), QUIRE_OK);
    cr_expect(changed);
    cr_expect_eq(count(before), 150);
    quire_reader_close(before);
    /* Re-indexing the merged index still replaces by id. */
    cr_assert_eq(quire_writer_open(dir, &o, &w, NULL), QUIRE_OK);
    add_n(w, 150, "second");
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    quire_reader_t *r = open_reader();
    cr_expect_eq(count(r), 150);
    cr_expect_eq(freq(r, "second"), 150);
    quire_reader_close(r);
}

/* ---- takedowns: quire_writer_delete ---- */

/* The ids that `query` finds, space-separated, in rank order. */
static void search_ids(quire_reader_t *r, const char *query, char *out, size_t size)
{
    quire_search_options_t o = {.limit = 100, .no_snippets = true};
    quire_results_t *res = NULL;
    cr_assert_eq(quire_search(r, query, &o, &res), QUIRE_OK, "%s", quire_reader_detail(r));
    out[0] = '\0';
    for (size_t i = 0; i < res->nhits; i++) {
        size_t n = strlen(out);
        snprintf(out + n, size - n, "%s%s", n ? " " : "", res->hits[i].id);
    }
    quire_results_free(res);
}

static bool delete_id(quire_writer_t *w, const char *id)
{
    bool found = false;
    cr_assert_eq(quire_writer_delete(w, id, &found), QUIRE_OK, "%s", quire_writer_detail(w));
    return found;
}

Test(index, delete_removes_a_document)
{
    quire_writer_t *w = open_writer(2);
    quire_doc_t a = {.id = "keep", .title = "Kept", .body = "a retracted zebra story"};
    quire_doc_t b = {.id = "gone", .title = "Gone", .body = "another retracted zebra story"};
    cr_assert_eq(quire_writer_add(w, &a), QUIRE_OK);
    cr_assert_eq(quire_writer_add(w, &b), QUIRE_OK);
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    quire_reader_t *r = open_reader();
    char ids[256];
    search_ids(r, "zebra", ids, sizeof ids);
    cr_assert(strstr(ids, "gone") && strstr(ids, "keep"), "before: %s", ids);
    uint64_t gen1 = 0, gen2 = 0;
    cr_assert_eq(quire_reader_generation(r, &gen1), QUIRE_OK);

    cr_expect(delete_id(w, "gone"));
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    quire_writer_stats_t st;
    quire_writer_stats(w, &st);
    cr_expect_eq(st.deleted, 1);
    bool changed = false;
    cr_assert_eq(quire_reader_reopen(r, &changed), QUIRE_OK);
    cr_expect(changed);
    cr_assert_eq(quire_reader_generation(r, &gen2), QUIRE_OK);
    cr_expect_neq(gen1, gen2, "result caches key on the generation");
    search_ids(r, "zebra", ids, sizeof ids);
    cr_expect_str_eq(ids, "keep");
    cr_expect_eq(count(r), 1);
    cr_expect_eq(freq(r, "retracted"), 1);
    quire_stored_doc_t *s = NULL;
    cr_expect_eq(quire_reader_get(r, "gone", &s), QUIRE_ENOTFOUND);
    cr_expect_null(s);
    quire_reader_close(r);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
}

Test(index, delete_of_unknown_id_reports_not_found)
{
    quire_writer_t *w = writer_with_one("a", "text");
    cr_expect_not(delete_id(w, "no-such-id"));
    char longid[300];
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    cr_expect_not(delete_id(w, longid), "an id over 200 bytes cannot exist");
    cr_expect(delete_id(w, "a"));
    cr_expect_not(delete_id(w, "a"), "already deleted (uncommitted)");
    cr_expect_eq(quire_writer_delete(w, "", NULL), QUIRE_EINVAL);
    cr_expect_eq(quire_writer_delete(w, NULL, NULL), QUIRE_EINVAL);
    cr_expect_eq(quire_writer_delete(NULL, "a", NULL), QUIRE_EINVAL);
    quire_writer_stats_t st;
    quire_writer_stats(w, &st);
    cr_expect_eq(st.deleted, 1);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    quire_reader_t *r = open_reader();
    cr_expect_eq(count(r), 0);
    quire_reader_close(r);
}

Test(index, delete_keeps_order_with_adds_and_readd_works)
{
    quire_writer_t *w = open_writer(2);
    /* Queued, not committed: the delete runs after the add on its shard. */
    quire_doc_t v1 = {.id = "story", .body = "first version walrus"};
    cr_assert_eq(quire_writer_add(w, &v1), QUIRE_OK);
    cr_expect(delete_id(w, "story"));
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    quire_reader_t *r = open_reader();
    cr_expect_eq(count(r), 0);
    /* Re-added after the delete: back, with the new text. */
    quire_doc_t v2 = {.id = "story", .body = "corrected version narwhal"};
    cr_assert_eq(quire_writer_add(w, &v2), QUIRE_OK);
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    cr_assert_eq(quire_reader_reopen(r, NULL), QUIRE_OK);
    char ids[256];
    search_ids(r, "narwhal", ids, sizeof ids);
    cr_expect_str_eq(ids, "story");
    search_ids(r, "walrus", ids, sizeof ids);
    cr_expect_str_eq(ids, "");
    quire_stored_doc_t *s = NULL;
    cr_assert_eq(quire_reader_get(r, "story", &s), QUIRE_OK);
    cr_expect_str_eq(s->doc.body, "corrected version narwhal");
    quire_stored_doc_free(s);
    quire_reader_close(r);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
}

Test(index, deletes_reach_every_shard_and_survive_a_merge)
{
    /* batch_size 50 (open_writer): deleting 150 also commits on the way. */
    quire_writer_t *w = open_writer(4);
    add_n(w, 300, "pangolin");
    cr_assert_eq(quire_writer_commit(w), QUIRE_OK);
    unsigned per_shard[4] = {0};
    for (int i = 0; i < 300; i += 2) {
        char id[32];
        snprintf(id, sizeof id, "m-%d", i);
        per_shard[quirei_shard_of(id, strlen(id), 4)]++;
        cr_expect(delete_id(w, id), "%s", id);
    }
    for (int i = 0; i < 4; i++)
        cr_expect_gt(per_shard[i], 0, "shard %d had deletions", i);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    quire_reader_t *r = open_reader();
    cr_expect_eq(count(r), 150);
    cr_expect_eq(freq(r, "pangolin"), 150);
    quire_stored_doc_t *s = NULL;
    cr_expect_eq(quire_reader_get(r, "m-10", &s), QUIRE_ENOTFOUND);
    cr_assert_eq(quire_reader_get(r, "m-11", &s), QUIRE_OK);
    quire_stored_doc_free(s);
    quire_reader_close(r);
    /* A merged index (one shard) deletes too. */
    quire_writer_options_t o = {.merge_on_close = true};
    cr_assert_eq(quire_writer_open(dir, &o, &w, NULL), QUIRE_OK);
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    cr_expect_eq(count_entries("shard"), 1);
    w = open_writer(0);
    cr_expect(delete_id(w, "m-11"));
    cr_expect_not(delete_id(w, "m-10"));
    cr_assert_eq(quire_writer_close(w), QUIRE_OK);
    r = open_reader();
    cr_expect_eq(count(r), 149);
    quire_reader_close(r);
}
