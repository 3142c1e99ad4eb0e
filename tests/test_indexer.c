/*
 * test_indexer.c - the real quire-index binary: formats, ids, re-indexing,
 * every bad-input case, kill -9 in the middle of a run, and a slice of the
 * shared corpus; and, as unit tests, how the JSON Lines parser classifies a
 * bad line and the format table.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <quire/quire.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "formats.h"
#include "jsonl_reader.h"
#include "strbuf.h"

static char tmp[64];

static void setup(void)
{
    strcpy(tmp, "/tmp/quire-test-indexer-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(indexer, .init = setup, .fini = teardown, .timeout = 300);

static char *path_in(const char *rel)
{
    static char bufs[4][512];
    static int i;
    char *p = bufs[i++ % 4];
    snprintf(p, 512, "%s/%s", tmp, rel);
    return p;
}

static void write_file(const char *rel, const void *data, size_t len)
{
    char *p = path_in(rel);
    /* create parent directories */
    for (char *s = strchr(p + strlen(tmp) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(p, 0777);
        *s = '/';
    }
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f, "%s: %s", p, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void write_text(const char *rel, const char *text)
{
    write_file(rel, text, strlen(text));
}

static void write_gz(const char *rel, const char *text)
{
    gzFile g = gzopen(path_in(rel), "wb");
    cr_assert_not_null(g);
    cr_assert_eq(gzwrite(g, text, (unsigned)strlen(text)), (int)strlen(text));
    gzclose(g);
}

/* Run quire-index with args; return its exit status, stderr in *err. */
static int run_indexer(quirei_buf *err, const char *const *args)
{
    char errpath[600];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", tmp);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        const char *argv[32] = {QUIRE_BIN_DIR "/quire-index"};
        int n = 1;
        for (; args[n - 1] && n < 31; n++)
            argv[n] = args[n - 1];
        argv[n] = NULL;
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    if (err) {
        quirei_buf_reset(err);
        FILE *f = fopen(errpath, "r");
        char line[1024];
        while (f && fgets(line, sizeof line, f))
            quirei_buf_adds(err, line);
        if (f)
            fclose(f);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static quire_reader_t *reader(const char *db)
{
    quire_reader_t *r = NULL;
    char *detail = NULL;
    quire_status_t st = quire_reader_open(db, &r, &detail);
    cr_assert_eq(st, QUIRE_OK, "%s", detail ? detail : "");
    return r;
}

static uint64_t doc_count(const char *db)
{
    quire_reader_t *r = reader(db);
    uint64_t n = 0;
    cr_assert_eq(quire_reader_doc_count(r, &n), QUIRE_OK);
    quire_reader_close(r);
    return n;
}

static void expect_title(quire_reader_t *r, const char *id, const char *title)
{
    quire_stored_doc_t *d = NULL;
    cr_assert_eq(quire_reader_get(r, id, &d), QUIRE_OK, "no document '%s'", id);
    if (title)
        cr_expect_str_eq(d->doc.title ? d->doc.title : "(null)", title, "title of %s", id);
    quire_stored_doc_free(d);
}

#define JREC(id, body) "{\"id\":\"" id "\",\"title\":\"T " id "\",\"body\":\"" body "\"}\n"

Test(indexer, every_format_and_its_ids)
{
    write_text("in/notes/plain.txt", "\n  First line is the title  \n\nThe body text.\n");
    write_text("in/post.md", "---\ntitle: \"Front matter title\"\nauthor: Ann\n---\n"
                             "# Heading\n\nSome *markdown* text.\n");
    write_text("in/page.html", "<html><head><title>Page title</title>"
                               "<meta name=\"author\" content=\"Bob\"></head><body>"
                               "<nav>menu</nav><article><p>Article text.</p></article>"
                               "<script>var x;</script></body></html>");
    write_text("in/records.jsonl", JREC("rec-1", "one") JREC("rec-2", "two"));
    write_gz("in/more.jsonl.gz", JREC("gz-1", "three"));
    write_text("in/ignored.csv", "a,b\n");
    write_text("in/.hidden.txt", "Hidden\n\nnot indexed\n");

    const char *args[] = {"--db", path_in("db"), path_in("in"), NULL};
    quirei_buf err = QUIREI_BUF_INIT;
    cr_assert_eq(run_indexer(&err, args), 0, "stderr: %s", err.ptr);
    cr_expect(strstr(err.ptr, "indexed 6 documents (6 new, 0 replaced)"), "%s", err.ptr);
    quire_reader_t *r = reader(path_in("db"));
    uint64_t n = 0;
    quire_reader_doc_count(r, &n);
    cr_expect_eq(n, 6);
    expect_title(r, "notes/plain.txt", "First line is the title");
    expect_title(r, "post.md", "Front matter title");
    expect_title(r, "page.html", "Page title");
    expect_title(r, "rec-1", "T rec-1");
    expect_title(r, "rec-2", "T rec-2");
    expect_title(r, "gz-1", "T gz-1");
    quire_stored_doc_t *d = NULL;
    cr_assert_eq(quire_reader_get(r, "page.html", &d), QUIRE_OK);
    cr_expect_str_eq(d->doc.author, "Bob");
    cr_expect_str_eq(d->doc.body, "Article text.");
    quire_stored_doc_free(d);
    cr_assert_eq(quire_reader_get(r, "notes/plain.txt", &d), QUIRE_OK);
    cr_expect_str_eq(d->doc.body, "The body text.");
    quire_stored_doc_free(d);
    quire_reader_close(r);

    /* A file named directly gets its file name as id. */
    const char *one[] = {"--db", path_in("db2"), path_in("in/notes/plain.txt"), NULL};
    cr_assert_eq(run_indexer(NULL, one), 0);
    r = reader(path_in("db2"));
    expect_title(r, "plain.txt", "First line is the title");
    quire_reader_close(r);
    quirei_buf_release(&err);
}

Test(indexer, reindexing_keeps_the_count)
{
    write_text("in/a.txt", "A\n\nalpha\n");
    write_text("in/b.jsonl", JREC("b1", "beta") JREC("b2", "gamma"));
    const char *args[] = {"--db", path_in("db"), path_in("in"), NULL};
    quirei_buf err = QUIREI_BUF_INIT;
    cr_assert_eq(run_indexer(&err, args), 0, "%s", err.ptr);
    cr_assert_eq(run_indexer(&err, args), 0, "%s", err.ptr);
    cr_expect(strstr(err.ptr, "(0 new, 3 replaced)"), "%s", err.ptr);
    cr_expect_eq(doc_count(path_in("db")), 3);
    quirei_buf_release(&err);
}

/* Over 60 lines: one run over one directory that holds every kind of bad
 * input, then one expected report line each; splitting it would only
 * scatter that list. */
Test(indexer, bad_inputs_are_reported_and_skipped)
{
    write_text("in/good.txt", "Good\n\nfine text\n");
    write_text("in/empty.txt", "");
    write_text("in/blank.md", "   \n\n");
    write_file("in/binary.txt", "\x7f" "ELF\0\0\0binary", 13);
    cr_assert_eq(symlink("/nonexistent/target.txt", path_in("in/dangling.txt")), 0);
    write_text("in/records.jsonl", JREC("ok-1", "first")
                                   "{not json\n"
                                   "{\"title\":\"no id\",\"body\":\"x\"}\n"
                                   "{\"id\":\"no-body\"}\n"
                                   "[1,2]\n" JREC("ok-2", "last"));
    /* A gzip file cut in the middle: its first records still count. */
    {
        quirei_buf big = QUIREI_BUF_INIT;
        for (int i = 0; i < 2000; i++)
            quirei_buf_addf(&big, "{\"id\":\"t-%d\",\"body\":\"record %d with some text %d\"}\n",
                            i, i, i * 7919);
        write_gz("in/cut.jsonl.gz", big.ptr);
        struct stat sb;
        cr_assert_eq(stat(path_in("in/cut.jsonl.gz"), &sb), 0);
        cr_assert_eq(truncate(path_in("in/cut.jsonl.gz"), sb.st_size / 2), 0);
        quirei_buf_release(&big);
    }
    const char *args[] = {"--db", path_in("db"), path_in("in"), NULL};
    quirei_buf err = QUIREI_BUF_INIT;
    int rc = run_indexer(&err, args);
    cr_expect_eq(rc, 1, "exit status 1 when inputs were skipped; stderr: %s", err.ptr);
    const char *e = err.ptr;
    char want[700];
#define EXPECT_LINE(fmt, ...)                                                             \
    do {                                                                                  \
        snprintf(want, sizeof want, fmt, __VA_ARGS__);                                    \
        cr_expect(strstr(e, want), "missing '%s' in:\n%s", want, e);                      \
    } while (0)
    EXPECT_LINE("%s: empty file", path_in("in/empty.txt"));
    EXPECT_LINE("%s: empty file", path_in("in/blank.md"));
    EXPECT_LINE("%s: binary file", path_in("in/binary.txt"));
    EXPECT_LINE("%s: No such file or directory", path_in("in/dangling.txt"));
    EXPECT_LINE("%s:2: invalid JSON", path_in("in/records.jsonl"));
    EXPECT_LINE("%s:3: record has no \"id\"", path_in("in/records.jsonl"));
    EXPECT_LINE("%s:4: record has no \"body\"", path_in("in/records.jsonl"));
    EXPECT_LINE("%s:5: record is not a JSON object", path_in("in/records.jsonl"));
    EXPECT_LINE("%s:", path_in("in/cut.jsonl.gz"));
    cr_expect(strstr(e, "truncated gzip data after line"), "%s", e);
    /* Each problem once. */
    const char *first = strstr(e, "empty.txt: empty file");
    cr_expect(first && !strstr(first + 1, "empty.txt: empty file"), "%s", e);
    cr_expect(strstr(e, "skipped 9:"), "%s", e);

    quire_reader_t *r = reader(path_in("db"));
    expect_title(r, "good.txt", "Good");
    expect_title(r, "ok-1", NULL);
    expect_title(r, "ok-2", NULL);
    expect_title(r, "t-0", NULL);
    uint64_t n = 0;
    quire_reader_doc_count(r, &n);
    cr_expect_gt(n, 3 + 100, "the readable part of the cut gzip is indexed (%llu)",
                 (unsigned long long)n);
    quire_reader_close(r);
    quirei_buf_release(&err);
}

Test(indexer, usage_errors)
{
    quirei_buf err = QUIREI_BUF_INIT;
    const char *no_db[] = {path_in("x"), NULL};
    cr_expect_eq(run_indexer(&err, no_db), 2);
    cr_expect(strstr(err.ptr, "--db DIR is required"), "%s", err.ptr);
    const char *no_input[] = {"--db", path_in("db"), NULL};
    cr_expect_eq(run_indexer(&err, no_input), 2);
    const char *bad_shards[] = {"--db", path_in("db"), "--shards", "0", path_in("x"), NULL};
    cr_expect_eq(run_indexer(&err, bad_shards), 2);
    /* An unknown language is a usage error naming the ones there are, and
     * makes no index; an ISO code is a language. */
    write_text("one.txt", "Title\n\nSome text about cyber spying.\n");
    const char *klingon[] = {"--db", path_in("kl"), "--language", "klingon", path_in("one.txt"),
                             NULL};
    cr_expect_eq(run_indexer(&err, klingon), 2);
    cr_expect(strstr(err.ptr, "'klingon'") && strstr(err.ptr, " english") &&
                  strstr(err.ptr, " french"),
              "%s", err.ptr);
    cr_expect_neq(access(path_in("kl"), F_OK), 0, "no index made for a usage error");
    const char *en[] = {"--db", path_in("en"), "--language", "en", path_in("one.txt"), NULL};
    cr_expect_eq(run_indexer(&err, en), 0, "%s", err.ptr);
    const char *help[] = {"--help", NULL};
    cr_expect_eq(run_indexer(&err, help), 0);
    /* An explicit file of unknown type is reported. */
    write_text("data.csv", "a,b\n");
    const char *csv[] = {"--db", path_in("db"), path_in("data.csv"), NULL};
    cr_expect_eq(run_indexer(&err, csv), 1);
    cr_expect(strstr(err.ptr, "unsupported file type"), "%s", err.ptr);
    quirei_buf_release(&err);
}

Test(indexer, foreign_directory_is_fatal_and_untouched)
{
    write_text("notindex/keep.txt", "precious\n");
    write_text("in/a.txt", "A\n\nbody\n");
    quirei_buf err = QUIREI_BUF_INIT;
    const char *args[] = {"--db", path_in("notindex"), path_in("in"), NULL};
    cr_expect_eq(run_indexer(&err, args), 3);
    cr_expect(strstr(err.ptr, "not empty"), "%s", err.ptr);
    struct stat sb;
    cr_expect_eq(stat(path_in("notindex/keep.txt"), &sb), 0);
    cr_expect_eq(stat(path_in("notindex/XAPIANDB"), &sb), -1);
    quirei_buf_release(&err);
}

/* ---- kill -9 ---- */

static void write_many(const char *rel, int n)
{
    gzFile g = gzopen(path_in(rel), "wb1");
    cr_assert_not_null(g);
    for (int i = 0; i < n; i++)
        gzprintf(g,
                 "{\"id\":\"k-%d\",\"title\":\"Report %d\",\"body\":\"Document %d discusses "
                 "CVE-2021-%d and state-sponsored intrusions against sector %d, with "
                 "indicators 10.0.%d.%d and hash %08x%08x.\"}\n",
                 i, i, i, 10000 + i, i % 97, i % 250, i % 199, (unsigned)i * 2654435761u,
                 (unsigned)i);
    gzclose(g);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start the indexer, wait until readers see at least `min_docs` committed
 * documents, then SIGKILL it. Returns the count seen before the kill. */
static uint64_t index_and_kill(const char *db, const char *input, uint64_t min_docs)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(QUIRE_BIN_DIR "/quire-index", "quire-index", "--db", db, "--batch", "300",
              "--quiet", input, (char *)NULL);
        _exit(127);
    }
    uint64_t seen = 0;
    double deadline = now() + 120;
    while (now() < deadline) {
        quire_reader_t *r = NULL;
        if (quire_reader_open(db, &r, NULL) == QUIRE_OK) {
            quire_reader_doc_count(r, &seen);
            quire_reader_close(r);
            if (seen >= min_docs)
                break;
        }
        usleep(20000);
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "the indexer finished before it could be killed (saw %llu docs)",
              (unsigned long long)seen);
    return seen;
}

Test(indexer, kill_9_keeps_committed_and_rerun_completes)
{
    const int total = 60000;
    write_many("big.jsonl.gz", total);
    char *db = path_in("db");
    char *input = path_in("big.jsonl.gz");
    for (int round = 0; round < 3; round++) {
        /* Kill at a different point each time; commits so far must survive. */
        uint64_t before = index_and_kill(db, input, 600 + (uint64_t)round * 3000);
        uint64_t after = doc_count(db);
        cr_expect_geq(after, before, "round %d: %llu committed before kill, %llu after",
                      round, (unsigned long long)before, (unsigned long long)after);
        cr_expect_leq(after, (uint64_t)total);
    }
    quirei_buf err = QUIREI_BUF_INIT;
    const char *args[] = {"--db", db, "--quiet", input, NULL};
    cr_assert_eq(run_indexer(&err, args), 0, "%s", err.ptr);
    cr_expect_eq(doc_count(db), (uint64_t)total);
    quire_reader_t *r = reader(db);
    uint64_t f = 0;
    cr_assert_eq(quire_reader_term_freq(r, "cve-2021-10042", &f), QUIRE_OK);
    cr_expect_eq(f, 1);
    quire_reader_close(r);
    quirei_buf_release(&err);
}

/* ---- the shared corpus ---- */

Test(indexer, slice_of_shared_corpus)
{
    const char *casie = QUIRE_SHARED_DIR "/corpus/casie.jsonl.gz";
    if (access(casie, R_OK) != 0) {
        cr_skip_test("shared corpus not found at %s: skipping the corpus slice test", casie);
    }
    /* Count the records with our own reader, then index and compare. */
    char err[256];
    qx_jsonl *j = qx_jsonl_open(casie, err, sizeof err);
    cr_assert_not_null(j, "%s", err);
    uint64_t records = 0;
    quire_doc_t d;
    char first_id[256] = "";
    qx_jsonl_result res;
    while ((res = qx_jsonl_next(j, &d, NULL, err, sizeof err)) != QX_JSONL_EOF) {
        cr_assert_eq(res, QX_JSONL_RECORD, "%s", err);
        if (!records)
            snprintf(first_id, sizeof first_id, "%s", d.id);
        records++;
    }
    qx_jsonl_close(j);
    cr_assert_gt(records, 500);

    quirei_buf out = QUIREI_BUF_INIT;
    const char *args[] = {"--db", path_in("db"), casie, NULL};
    cr_assert_eq(run_indexer(&out, args), 0, "%s", out.ptr);
    quire_reader_t *r = reader(path_in("db"));
    uint64_t n = 0;
    quire_reader_doc_count(r, &n);
    cr_expect_eq(n, records);
    quire_stored_doc_t *sd = NULL;
    cr_assert_eq(quire_reader_get(r, first_id, &sd), QUIRE_OK);
    cr_expect_gt(sd->body_len, 40);
    quire_stored_doc_free(sd);
    uint64_t f = 0;
    cr_assert_eq(quire_reader_term_freq(r, "XScasie", &f), QUIRE_OK);
    cr_expect_eq(f, records);
    quire_reader_close(r);
    quirei_buf_release(&out);
}

/* ---- faults ---- */

/* A disk that fills up (simulated with RLIMIT_FSIZE: writes past the limit
 * fail with EFBIG) is reported, the exit status is 3, and the index as last
 * committed is intact. */
Test(indexer, disk_full_is_reported_and_index_kept)
{
    write_text("in/first.jsonl", JREC("f-1", "first document") JREC("f-2", "second document"));
    const char *args[] = {"--db", path_in("db"), "--quiet", path_in("in/first.jsonl"), NULL};
    cr_assert_eq(run_indexer(NULL, args), 0);
    cr_assert_eq(doc_count(path_in("db")), 2);

    write_many("big.jsonl.gz", 20000);
    char errpath[600];
    snprintf(errpath, sizeof errpath, "%s/full.txt", tmp);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        struct rlimit rl = {2 * 1024 * 1024, 2 * 1024 * 1024};
        setrlimit(RLIMIT_FSIZE, &rl);
        signal(SIGXFSZ, SIG_IGN); /* kept across exec: writes fail with EFBIG */
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        execl(QUIRE_BIN_DIR "/quire-index", "quire-index", "--db", path_in("db"), "--batch",
              "100000", "--quiet", path_in("big.jsonl.gz"), (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 3, "exit status %d", status);
    quirei_buf err = QUIREI_BUF_INIT;
    FILE *f = fopen(errpath, "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f))
        quirei_buf_adds(&err, line);
    if (f)
        fclose(f);
    cr_expect(strstr(quirei_buf_cstr(&err), "quire-index:"), "stderr: %s", quirei_buf_cstr(&err));
    /* The index opens and holds what was committed before. */
    cr_expect_eq(doc_count(path_in("db")), 2);
    quirei_buf_release(&err);
}

/* An index path that cannot be created is a clear, fatal error. */
Test(indexer, unwritable_index_path)
{
    write_text("plainfile", "x");
    write_text("in/a.txt", "A\n\nbody\n");
    char db[600];
    snprintf(db, sizeof db, "%s/plainfile/db", tmp);
    quirei_buf err = QUIREI_BUF_INIT;
    const char *args[] = {"--db", db, path_in("in"), NULL};
    cr_expect_eq(run_indexer(&err, args), 3);
    cr_expect(strstr(err.ptr, "cannot open index") && strstr(err.ptr, "Not a directory"), "%s",
              err.ptr);
    quirei_buf_release(&err);
}

/* ======================================================================== */
/* JSON Lines records: every bad line has its status (the indexer counts by
 * it, never by the message text).                                           */

/* Parse one line; the holder is released at once (only the status and
 * message are looked at). */
static qx_record_status parse(const char *line, char *err, size_t errlen)
{
    json_t *holder = (json_t *)1; /* must be reset by the parser */
    quire_doc_t doc;
    qx_record_status st = qx_jsonl_parse_line(line, strlen(line), &holder, &doc, err, errlen);
    if (st == QX_RECORD_OK) {
        cr_assert_not_null(holder);
        cr_assert_not_null(doc.id);
        cr_assert_not_null(doc.body);
    } else {
        cr_assert_null(holder, "no holder on failure");
        cr_assert_null(doc.id, "no dangling fields on failure");
    }
    json_decref(holder);
    return st;
}

/* Whether the index at db holds a document with this id. */
static bool has_doc(const char *db, const char *id)
{
    quire_reader_t *r = reader(db);
    quire_stored_doc_t *d = NULL;
    quire_status_t st = quire_reader_get(r, id, &d);
    cr_assert(st == QUIRE_OK || st == QUIRE_ENOTFOUND, "%s", quire_strerror(st));
    quire_stored_doc_free(d);
    quire_reader_close(r);
    return st == QUIRE_OK;
}

/* Over 60 lines: one index taken through every way of naming ids to
 * delete, each checked against what is left. */
Test(indexer, delete_and_delete_from_retract_documents)
{
    write_text("in/r.jsonl", JREC("a", "one") JREC("b", "two") JREC("c", "three")
                                 JREC("d", "four") JREC("e", "five") JREC("-dash", "six"));
    char db[600], in[600]; /* path_in() reuses its buffers */
    snprintf(db, sizeof db, "%s", path_in("db"));
    snprintf(in, sizeof in, "%s", path_in("in"));
    const char *index[] = {"--db", db, "--shards", "3", in, NULL};
    quirei_buf err = QUIREI_BUF_INIT;
    cr_assert_eq(run_indexer(&err, index), 0, "%s", err.ptr);

    /* Ids on the command line; one unknown: reported, exit 1, rest deleted. */
    const char *del[] = {"--db", db, "--delete", "a", "nope", "b", NULL};
    cr_expect_eq(run_indexer(&err, del), 1, "%s", err.ptr);
    cr_expect(strstr(err.ptr, "quire-index: unknown id 'nope', nothing deleted\n"), "%s",
              err.ptr);
    cr_expect(strstr(err.ptr, "deleted 2 documents"), "%s", err.ptr);
    cr_expect(strstr(err.ptr, "skipped 1: 1 unknown id"), "%s", err.ptr);
    cr_expect_not(has_doc(db, "a"));
    cr_expect_not(has_doc(db, "b"));
    cr_expect(has_doc(db, "c"));
    cr_expect_eq(doc_count(db), 4);

    /* A list: comments, blank lines, CRLF; every id known: exit 0. An id
     * that starts with '-' follows "--" on the command line. */
    write_text("ids.txt", "# retracted 2026-12-02\n\nc\r\n   \nd\n");
    const char *from[] = {"--db", db, "--delete-from", path_in("ids.txt"), "--delete", "--",
                          "-dash", NULL};
    cr_expect_eq(run_indexer(&err, from), 0, "%s", err.ptr);
    cr_expect(strstr(err.ptr, "deleted 3 documents"), "%s", err.ptr);
    cr_expect_eq(doc_count(db), 1);
    cr_expect(has_doc(db, "e"));

    /* An unknown id in a list is located by file and line. */
    write_text("ids2.txt", "e\nghost\n");
    const char *from2[] = {"--db", db, "--delete-from", path_in("ids2.txt"), NULL};
    cr_expect_eq(run_indexer(&err, from2), 1, "%s", err.ptr);
    char want[700];
    snprintf(want, sizeof want, "%s:2: unknown id 'ghost'", path_in("ids2.txt"));
    cr_expect(strstr(err.ptr, want), "%s", err.ptr);
    cr_expect_eq(doc_count(db), 0);

    /* Deleting never creates an index. */
    const char *none[] = {"--db", path_in("none"), "--delete", "a", NULL};
    cr_expect_eq(run_indexer(&err, none), 3, "%s", err.ptr);
    struct stat sb;
    cr_expect_neq(stat(path_in("none"), &sb), 0, "no directory was made");

    /* Usage: --delete without ids; INPUT in a --delete-from run. */
    const char *no_ids[] = {"--db", db, "--delete", NULL};
    cr_expect_eq(run_indexer(&err, no_ids), 2);
    cr_expect(strstr(err.ptr, "--delete needs at least one ID"), "%s", err.ptr);
    const char *mixed[] = {"--db", db, "--delete-from", path_in("ids.txt"), in, NULL};
    cr_expect_eq(run_indexer(&err, mixed), 2);
    cr_expect(strstr(err.ptr, "need --delete"), "%s", err.ptr);
    /* Re-indexing brings retracted ids back. */
    cr_assert_eq(run_indexer(&err, index), 0, "%s", err.ptr);
    cr_expect_eq(doc_count(db), 6);
    quirei_buf_release(&err);
}

Test(records, each_bad_line_has_its_status)
{
    char err[128];
    cr_assert_eq(parse("{\"id\":\"a\",\"body\":\"text\"}", err, sizeof err), QX_RECORD_OK);
    cr_assert_eq(parse("{\"id\":\"a\",\"title\":null,\"body\":\"text\"}", err, sizeof err),
                 QX_RECORD_OK);
    cr_assert_eq(parse("{not json", err, sizeof err), QX_RECORD_INVALID_JSON);
    cr_assert_eq(parse("{\"id\":\"a\",\"id\":\"b\",\"body\":\"x\"}", err, sizeof err),
                 QX_RECORD_INVALID_JSON, "duplicate keys are rejected");
    cr_assert_eq(parse("[1,2]", err, sizeof err), QX_RECORD_NOT_OBJECT);
    /* jansson decodes only arrays and objects at the top level. */
    cr_assert_eq(parse("\"a string\"", err, sizeof err), QX_RECORD_INVALID_JSON);
    cr_assert_eq(parse("{\"id\":\"a\",\"body\":7}", err, sizeof err), QX_RECORD_NOT_STRING);
    cr_assert_eq(parse("{\"id\":\"a\",\"date\":[],\"body\":\"x\"}", err, sizeof err),
                 QX_RECORD_NOT_STRING);
    /* jansson itself rejects \u0000 (no JSON_ALLOW_NUL): QX_RECORD_NUL_IN_FIELD
     * only guards against that flag being added. */
    cr_assert_eq(parse("{\"id\":\"a\",\"body\":\"x\\u0000y\"}", err, sizeof err),
                 QX_RECORD_INVALID_JSON);
    cr_assert_eq(parse("{\"id\":\"no-body\"}", err, sizeof err), QX_RECORD_MISSING_FIELD);
    cr_assert_eq(parse("{\"body\":\"no id\"}", err, sizeof err), QX_RECORD_MISSING_FIELD);
    cr_assert_eq(parse("{\"id\":\"\",\"body\":\"empty id\"}", err, sizeof err),
                 QX_RECORD_MISSING_FIELD);
    cr_assert_eq(parse("{\"id\":\"a\",\"body\":\" \\n\\t \"}", err, sizeof err),
                 QX_RECORD_MISSING_FIELD, "a blank body counts as missing");
    cr_assert_eq(parse("{\"id\":\"a\",\"body\":null}", err, sizeof err),
                 QX_RECORD_MISSING_FIELD, "null = absent");
}

Test(records, messages_stay_as_reported)
{
    char err[128];
    parse("{\"id\":\"no-body\"}", err, sizeof err);
    cr_assert_str_eq(err, "record has no \"body\"");
    parse("{\"title\":\"t\",\"body\":\"x\"}", err, sizeof err);
    cr_assert_str_eq(err, "record has no \"id\"");
    parse("{\"id\":\"a\",\"body\":\"  \"}", err, sizeof err);
    cr_assert_str_eq(err, "record has no \"body text\"");
    parse("[1]", err, sizeof err);
    cr_assert_str_eq(err, "record is not a JSON object");
    parse("{\"id\":1,\"body\":\"x\"}", err, sizeof err);
    cr_assert_str_eq(err, "field \"id\" is not a string");
    parse("{oops", err, sizeof err);
    cr_assert(strstr(err, "invalid JSON at column "), "%s", err);
}

Test(records, every_field_is_read_by_its_name)
{
    char err[128];
    json_t *holder = NULL;
    quire_doc_t doc;
    const char *line = "{\"id\":\"I\",\"title\":\"T\",\"source\":\"S\",\"url\":\"U\","
                       "\"author\":\"A\",\"date\":\"D\",\"body\":\"B\",\"extra\":5}";
    cr_assert_eq(qx_jsonl_parse_line(line, strlen(line), &holder, &doc, err, sizeof err),
                 QX_RECORD_OK, "%s", err);
    const char *want[QUIRE_FIELD_COUNT] = {"I", "T", "S", "U", "A", "D", "B"};
    for (quire_field_t f = 0; f < QUIRE_FIELD_COUNT; f++)
        cr_expect_str_eq(quire_doc_get(&doc, f), want[f], "field %s", quire_field_name(f));
    json_decref(holder);
}

/* ======================================================================== */
/* The format table.                                                         */

Test(formats, suffixes_pick_their_reader)
{
    static const struct {
        const char *path;
        qx_extract_fn extract; /* NULL: records */
    } cases[] = {
        {"a.txt", qx_extract_text},         {"dir/a.TXT", qx_extract_text},
        {"a.md", qx_extract_markdown},      {"a.markdown", qx_extract_markdown},
        {"a.html", qx_extract_html},        {"a.HTM", qx_extract_html},
        {"a.jsonl", NULL},                  {"a.jsonl.gz", NULL},
        {"a.ndjson", NULL},                 {"a.NDJSON.GZ", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const qi_format *f = qi_format_of(cases[i].path);
        cr_assert_not_null(f, "%s", cases[i].path);
        cr_expect_eq(qi_format_is_records(f), cases[i].extract == NULL, "%s", cases[i].path);
        cr_expect(f->extract == cases[i].extract, "%s", cases[i].path);
    }
    const char *unsupported[] = {"a.csv", "a.gz", "a.txt.bak", "txt", "a.json", ""};
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
        cr_expect_null(qi_format_of(unsupported[i]), "%s", unsupported[i]);
}

Test(formats, unsupported_message_lists_the_table)
{
    char msg[256];
    qi_unsupported_message(msg, sizeof msg);
    cr_assert_str_eq(msg, "unsupported file type (expected .txt .md .markdown .html .htm "
                          ".jsonl .jsonl.gz .ndjson .ndjson.gz)");
    for (size_t i = 0; i < qi_format_count; i++)
        cr_assert(strstr(msg, qi_formats[i].suffix), "%s", qi_formats[i].suffix);
    char tiny[10];
    qi_unsupported_message(tiny, sizeof tiny);
    cr_assert_eq(strlen(tiny), sizeof tiny - 1, "cut short, still terminated");
}
