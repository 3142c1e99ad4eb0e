/*
 * quire-index - the offline indexer.
 *
 * Reads articles (text, Markdown, HTML, JSON Lines, gzip), hands them to a
 * quire_writer_t (which tokenizes, stems and writes them on one thread per
 * shard), shows progress on a terminal and prints a summary. With --delete
 * or --delete-from it removes documents by id instead (deletes.c).
 */
#include <getopt.h>
#include <libxml/parser.h>
#include <quire/quire.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "crash_guard.h"
#include "deletes.h"
#include "inputs.h"
#include "number.h"

enum { EXIT_SKIPPED = 1, EXIT_USAGE = 2, EXIT_FATAL = 3 };

static const char PROG[] = "quire-index";

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *out)
{
    fputs(
        "Usage: quire-index --db DIR [options] INPUT...\n"
        "       quire-index --db DIR [options] --delete ID... [--delete-from FILE]\n"
        "       quire-index --db DIR [options] --delete-from FILE\n"
        "       quire-index --check --db DIR\n"
        "\n"
        "Index articles into the Quire index in DIR (created when missing).\n"
        "INPUT is a file or a directory (recursed, hidden entries skipped).\n"
        "\n"
        "Formats, by extension:\n"
        "  .txt              plain text: the headline is the title, the rest the body;\n"
        "                    text scraped from a web page is cleaned (see --raw-text)\n"
        "  .md .markdown     Markdown (front matter title/author/date/url honoured)\n"
        "  .html .htm        HTML: title, author, date and url from <title>/<meta>,\n"
        "                    body from <article>/<main>/<body> without scripts,\n"
        "                    navigation, headers, footers and asides\n"
        "  .jsonl .jsonl.gz  one JSON object a line: id, title, source, url,\n"
        "  .ndjson[.gz]      author, date, body (id and body required)\n"
        "Files in directories with other extensions are ignored.\n"
        "\n"
        "Document ids: the record's \"id\" for JSON Lines; for other files, the\n"
        "path relative to the INPUT argument (the file name for a file INPUT).\n"
        "Indexing an id again replaces the earlier document.\n"
        "\n"
        "Takedowns (retracting articles):\n"
        "  --delete          the arguments are document ids to delete, not INPUTs\n"
        "  --delete-from FILE  delete the ids in FILE (- = standard input): one id\n"
        "                    a line, exactly as indexed; blank lines and lines\n"
        "                    starting with # are skipped\n"
        "A run deletes or indexes, never both; the index must exist. Ids are\n"
        "deleted in order, committed (and the index merged or compacted, as after\n"
        "indexing, unless --no-compact), and servers stop returning them at their\n"
        "next reopen (within about a second), cached results included. An id\n"
        "the index does not hold is reported as FILE:LINE: unknown id 'ID' (or\n"
        "quire-index: unknown id 'ID') and counted as skipped. An id that starts\n"
        "with '-' follows '--': quire-index --db DIR --delete -- -odd-id\n"
        "\n"
        "Options:\n"
        "  --db DIR          the index directory (required)\n"
        "  --language LANG   Snowball stemming language for a new index\n"
        "                    (default english; an existing index keeps its own;\n"
        "                    an unknown name is a usage error listing the languages)\n"
        "  --shards N        shards (= writer threads) for a new index (default 2)\n"
        "  --batch N         documents per shard between commits (default 1000);\n"
        "                    a crash or kill loses at most the uncommitted batch\n"
        "  --source NAME     the source recorded for .txt/.md/.html documents\n"
        "  --raw-text        read .txt files as they are: first non-empty line the\n"
        "                    title, the rest the body. Without it, a .txt file shaped\n"
        "                    like a scraped web page is cleaned: the headline (not an\n"
        "                    image caption or section label) is the title; By:/Posted\n"
        "                    lines give author and date; an author named in the first\n"
        "                    paragraph (\", says Jane Doe.\") or a closing bio is read;\n"
        "                    navigation, teasers (Related, Read more...) and cookie\n"
        "                    notices after the article are left out. The file itself\n"
        "                    stays the raw text: index it again with --raw-text to\n"
        "                    search it unchanged\n"
        "  --keep-shards     compact each shard but do not merge them (see below)\n"
        "  --no-compact      neither merge nor compact at the end\n"
        "  --quiet           no progress and no summary (problems still reported)\n"
        "  --progress SECS   when stderr is not a terminal (a log, a CI job), a line\n"
        "                    of progress every SECS seconds (default 5; 0 = none);\n"
        "                    a terminal gets one line updated in place\n"
        "  --check           check the index in DIR instead (nothing is written):\n"
        "                    every table of every shard (Xapian's consistency\n"
        "                    check), the schema version, every stored record; a\n"
        "                    report per shard and table on stdout, and what to do\n"
        "                    when it is damaged (restore, or rebuild from the\n"
        "                    sources). Exit 0 when sound, 3 when not. It reads the\n"
        "                    whole index: about 8 s of CPU for 600 MB\n"
        "  --help            this text\n"
        "  --version         the version\n"
        "\n"
        "Bad input never stops the run: an unreadable, empty or binary file, a\n"
        "truncated gzip, invalid JSON on line N, or a record without id or body\n"
        "is reported once on stderr as FILE:LINE: REASON (FILE: REASON for whole\n"
        "files), skipped, and counted in the summary. A date that is not a calendar\n"
        "date (2016-02-30, yesterday, 04/05/2016: day and month order unknown) is\n"
        "reported the same way (FILE:LINE: bad date 'D': REASON) and the document\n"
        "indexed without it. Dates are stored as YYYY, YYYY-MM or YYYY-MM-DD:\n"
        "2016-05-04T10:00:00Z, \"May 4, 2016\" and RFC 2822 dates are read too.\n"
        "SIGINT/SIGTERM stop reading, commit what was read, and exit.\n"
        "A run that creates the index commits without fsync (a kill loses\n"
        "nothing committed; an OS crash during that first build may damage it)\n"
        "and syncs what it ends with before reporting success.\n"
        "QUIRE_INDEX_TRACE=1 in the environment: a timing trace on stderr\n"
        "(reading, the writer threads finishing, closing).\n"
        "\n"
        "At the end the shards are merged into one compacted database (without\n"
        "the ~40% slack that batched commits leave; a few seconds) and switched\n"
        "over atomically; servers pick it up on reopen. One database searches\n"
        "about 30% faster than two; later runs on it write with one thread. With\n"
        "--keep-shards each shard is compacted instead and stays a shard.\n"
        "DIR/XAPIANDB lists the shards (one 'auto shardN.G' line each): the\n"
        "manifest that quire-serve and quire-search read. A shard may be served\n"
        "from another host by xapian-tcpsrv (--db tcp://HOST:PORT, or a manifest of\n"
        "'remote HOST:PORT' lines); re-index such a shard in place with\n"
        "--no-compact, as a compaction writes new directories (docs/scaling.md).\n"
        "\n"
        "Exit status:\n"
        "  0  every input was indexed (every id deleted) and committed\n"
        "  1  the run completed and was committed, but some inputs or records were\n"
        "     skipped, or some ids to delete were unknown (each reported on\n"
        "     stderr), or it was interrupted by a signal\n"
        "  2  usage error (bad option, no --db, no INPUT or ID, INPUT with\n"
        "     --delete-from but without --delete)\n"
        "  3  fatal: the index could not be opened or written (locked, disk full,\n"
        "     not a Quire index, no index to delete from); changes committed\n"
        "     before the error are kept; or the index is damaged (--check finds\n"
        "     it so: it is checked before it is written, unless it was found sound\n"
        "     at its current revision, and every merged or compacted generation is\n"
        "     checked before it replaces the previous one, which is kept when the\n"
        "     check fails); or the search engine crashed on a damaged index\n"
        "     (--check: 3 when the index is damaged or is not one)\n",
        out);
}

static double t_start_ms, t_last_ms; /* quirei_now_ms() at the start, at the last progress line */

/* QUIRE_INDEX_TRACE=1: where a run's time went, on stderr, one line per
 * phase: wall seconds, and this thread's CPU seconds (the caller's thread
 * reads, parses and routes; the writer threads' CPU is the process's
 * total minus it). For measuring (bench/RESULTS.md), off by default. */
static int trace_on;
static double trace_t0_ms, trace_cpu0;

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void trace(const char *phase)
{
    if (!trace_on)
        return;
    double t = quirei_now_ms(), c = thread_cpu_s();
    fprintf(stderr, "quire-index trace: %-28s %8.2f s wall, %7.2f s CPU of the main thread\n",
            phase, (t - trace_t0_ms) / 1e3, c - trace_cpu0);
    trace_t0_ms = t;
    trace_cpu0 = c;
}
/* A terminal gets one line rewritten in place twice a second; a log (CI, a
 * service manager) a line every --progress seconds, since a run of an hour
 * must not look hung there either. */
static double progress_every_ms = 500;
static int progress_in_place = 1;

static void show_progress(qi_run *run)
{
    double t = quirei_now_ms();
    if (t - t_last_ms < progress_every_ms)
        return;
    t_last_ms = t;
    quire_writer_stats_t st;
    quire_writer_stats(run->writer, &st);
    double el = (t - t_start_ms) / 1e3;
    double rate = el > 0 ? (double)run->docs / el : 0;
    double frac = run->bytes_total ? (double)run->bytes_done / (double)run->bytes_total : 0;
    char eta[32] = "?";
    if (frac > 0.01 && frac <= 1)
        snprintf(eta, sizeof eta, "%.0fs", el / frac - el);
    fprintf(stderr, "%s%llu docs  %.1f MB  %.0f docs/s  %.1f%%  ETA %s%s",
            progress_in_place ? "\r" : "progress: ", (unsigned long long)run->docs,
            (double)st.body_bytes / 1e6, rate, frac * 100, eta, progress_in_place ? "   " : "\n");
    fflush(stderr);
}

static uint64_t total_skipped(const qi_run *run)
{
    uint64_t skipped = 0;
    for (int i = 0; i < QI_REASON_COUNT; i++)
        skipped += run->skipped[i];
    return skipped;
}

static void summary(const qi_run *run, const quire_writer_stats_t *st, double secs,
                    int deleting)
{
    uint64_t skipped = total_skipped(run);
    double mb = (double)st->body_bytes / 1e6;
    if (deleting) {
        fprintf(stderr, "deleted %llu documents in %.1f s\n", (unsigned long long)st->deleted,
                secs);
    } else {
        uint64_t docs = st->added + st->replaced;
        fprintf(stderr,
                "indexed %llu documents (%llu new, %llu replaced) from %llu files: "
                "%.1f MB of text in %.1f s (%.2f MB/s, %.0f docs/s)\n",
                (unsigned long long)docs, (unsigned long long)st->added,
                (unsigned long long)st->replaced, (unsigned long long)run->files, mb, secs,
                secs > 0 ? mb / secs : 0, secs > 0 ? (double)docs / secs : 0);
    }
    if (st->invalid_utf8)
        fprintf(stderr, "repaired %llu invalid UTF-8 sequences\n",
                (unsigned long long)st->invalid_utf8);
    if (st->dates_dropped)
        fprintf(stderr, "%llu bad dates: documents indexed without a date\n",
                (unsigned long long)st->dates_dropped);
    if (skipped) {
        fprintf(stderr, "skipped %llu:", (unsigned long long)skipped);
        const char *sep = " ";
        for (int i = 0; i < QI_REASON_COUNT; i++) {
            if (!run->skipped[i])
                continue;
            fprintf(stderr, "%s%llu %s", sep, (unsigned long long)run->skipped[i],
                    qi_reason_names[i]);
            sep = ", ";
        }
        fputc('\n', stderr);
    } else {
        fputs("skipped 0\n", stderr);
    }
}

/* The command line. */
typedef struct index_options {
    const char *db;
    quire_writer_options_t wo;
    const char *source;   /* --source, or NULL */
    int raw_text;         /* --raw-text: .txt files read as they are */
    int quiet, compact, keep_shards;
    long progress_s;      /* --progress: seconds between lines off a terminal */
    int delete_args;      /* --delete: the arguments are ids */
    const char *delete_from; /* --delete-from FILE, or NULL */
    int first_input;      /* argv[first_input..argc) are the INPUTs (or ids) */
    int check;            /* --check: check the index, write nothing */
} index_options;

/* What is wrong with the arguments left after the options (`have_args`:
 * whether there are any), or NULL. */
static const char *arguments_problem(const index_options *o, int have_args)
{
    if (!o->db)
        return "--db DIR is required";
    if (o->check)
        return have_args || o->delete_args || o->delete_from
                   ? "--check takes no INPUT, ID or --delete"
                   : NULL;
    if (o->delete_from && !o->delete_args && have_args)
        return "INPUT cannot be indexed in a --delete-from run "
               "(ids on the command line need --delete)";
    if (have_args || o->delete_from)
        return NULL;
    return o->delete_args ? "--delete needs at least one ID" : "no INPUT given";
}

/* Fill *o from argv. Returns -1 when the run should go on, else the exit
 * status to return at once (--help, --version, a usage error). */
/* Is `lang` a stemming language of this build? When not, says so with the
 * list of those that are (a typo is a usage error, not a fatal one). */
static int known_language(const char *lang)
{
    if (quire_language_known(lang))
        return 1;
    const char *const *all = quire_languages();
    fprintf(stderr, "quire-index: --language: no Snowball stemmer for '%s'; choose one of:", lang);
    for (size_t i = 0; all[i]; i++)
        fprintf(stderr, " %s", all[i]);
    fputc('\n', stderr);
    return 0;
}

static int parse_options(int argc, char **argv, index_options *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},    {"language", required_argument, NULL, 'l'},
        {"shards", required_argument, NULL, 's'}, {"batch", required_argument, NULL, 'b'},
        {"source", required_argument, NULL, 'S'}, {"quiet", no_argument, NULL, 'q'},
        {"no-compact", no_argument, NULL, 'C'},  {"keep-shards", no_argument, NULL, 'K'},
        {"help", no_argument, NULL, 'h'},        {"version", no_argument, NULL, 'V'},
        {"delete", no_argument, NULL, 'D'},      {"delete-from", required_argument, NULL, 'F'},
        {"progress", required_argument, NULL, 'P'}, {"raw-text", no_argument, NULL, 'R'},
        {"check", no_argument, NULL, 'X'},
        {NULL, 0, NULL, 0},
    };
    *o = (index_options){.compact = 1, .progress_s = 5};
    long n;
    int c;
    while ((c = getopt_long(argc, argv, "d:l:s:b:S:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'l': o->wo.language = optarg; break;
        case 's':
            if (quirei_option_number(PROG, "--shards", optarg, 1, 64, &n) < 0)
                return EXIT_USAGE;
            o->wo.shards = (unsigned)n;
            break;
        case 'b':
            if (quirei_option_number(PROG, "--batch", optarg, 1, 10000000, &n) < 0)
                return EXIT_USAGE;
            o->wo.batch_size = (unsigned)n;
            break;
        case 'S': o->source = optarg; break;
        case 'R': o->raw_text = 1; break;
        case 'q': o->quiet = 1; break;
        case 'C': o->compact = 0; break;
        case 'K': o->keep_shards = 1; break;
        case 'D': o->delete_args = 1; break;
        case 'F': o->delete_from = optarg; break;
        case 'X': o->check = 1; break;
        case 'P':
            if (quirei_option_number(PROG, "--progress", optarg, 0, 3600, &o->progress_s) < 0)
                return EXIT_USAGE;
            break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("quire-index %s\n", QUIRE_VERSION); return 0;
        default:
            fprintf(stderr, "Try 'quire-index --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (o->wo.language && !known_language(o->wo.language))
        return EXIT_USAGE;
    const char *problem = arguments_problem(o, optind < argc);
    if (problem) {
        fprintf(stderr, "quire-index: %s\nTry 'quire-index --help'.\n", problem);
        return EXIT_USAGE;
    }
    o->first_input = optind;
    o->wo.merge_on_close = o->compact && !o->keep_shards;
    return -1;
}

/* SIGINT/SIGTERM: stop reading, commit what was read, exit. */
static void catch_stop_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Read every INPUT into the open writer (with a progress line on a
 * terminal); stops early on a signal or when run->fatal is set. */
static void read_inputs(qi_run *run, const index_options *o, int argc, char **argv)
{
    progress_in_place = isatty(STDERR_FILENO);
    progress_every_ms = progress_in_place ? 500 : (double)o->progress_s * 1e3;
    int show = !o->quiet && o->progress_s > 0;
    int rc = 0;
    if (show) {
        for (int i = o->first_input; i < argc && rc == 0; i++)
            rc = qi_measure(run, argv[i]);
        run->progress = show_progress;
    }
    t_start_ms = t_last_ms = quirei_now_ms();
    for (int i = o->first_input; i < argc && rc == 0 && !stop_requested; i++)
        rc = qi_index_input(run, argv[i]);
    if (show && progress_in_place)
        fputs("\r\033[K", stderr);
}

/* Commit (and compact) first so the counters are exact, then close (which
 * merges by default), print the summary and return the exit status. */
static int finish(qi_run *run, const index_options *o)
{
    trace("read, parsed, queued");
    quire_status_t st = o->compact && o->keep_shards && !stop_requested
                            ? quire_writer_compact(run->writer)
                            : quire_writer_commit(run->writer);
    trace(o->compact && o->keep_shards ? "writers done, compacted" : "writers done, committed");
    quire_writer_stats_t ws;
    quire_writer_stats(run->writer, &ws);
    if (st != QUIRE_OK && run->fatal == QUIRE_OK) {
        fprintf(stderr, "quire-index: commit failed: %s: %s\n", quire_strerror(st),
                quire_writer_detail(run->writer));
        run->fatal = st;
    }
    char *why = NULL;
    quire_status_t cst = quire_writer_close_detail(run->writer, &why);
    run->writer = NULL;
    trace(o->wo.merge_on_close ? "closed: merged, checked, synced" : "closed: checked");
    if (cst != QUIRE_OK && run->fatal == QUIRE_OK) {
        fprintf(stderr, "quire-index: closing the index failed: %s: %s\n", quire_strerror(cst),
                why && *why ? why : "(no detail)");
        run->fatal = cst;
    }
    free(why);
    double secs = (quirei_now_ms() - t_start_ms) / 1e3;
    if (!o->quiet)
        summary(run, &ws, secs, o->delete_args || o->delete_from);
    if (run->fatal != QUIRE_OK)
        return EXIT_FATAL;
    if (stop_requested)
        fprintf(stderr, "quire-index: interrupted; everything read so far is committed\n");
    return total_skipped(run) || stop_requested ? EXIT_SKIPPED : 0;
}

/* --check: the report on stdout; 0 when sound, 3 when not. */
static int check_index(const char *db)
{
    char *report = NULL;
    quire_status_t st = quire_index_check(db, &report);
    if (report)
        fputs(report, stdout);
    free(report);
    if (st == QUIRE_ENOTFOUND)
        fprintf(stderr, "quire-index: %s: no such index\n", db);
    else if (st && !report)
        fprintf(stderr, "quire-index: --check: %s\n", quire_strerror(st));
    return st == QUIRE_OK ? 0 : EXIT_FATAL;
}

/* The parent's word when the run (in a child: quirei_crash_guard) died
 * inside the search engine. */
static int report_crash(const index_options *o, int sig)
{
    fprintf(stderr,
            "quire-index: the index %s is damaged: the search engine (Xapian %s) crashed %s "
            "it (%s)%s; run quire-index --check --db %s to see which files, then restore it "
            "from a backup or rebuild it from the sources\n",
            o->db, quire_xapian_version(), o->check ? "checking" : "writing",
            quirei_crash_signal_name(sig),
            o->check ? "" : "; nothing after its last commit was written", o->db);
    return EXIT_FATAL;
}

int main(int argc, char **argv)
{
    index_options o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    /* Xapian 1.4.22 was seen to crash (SIGSEGV, SIGABRT) writing into a
     * damaged index: the run goes on in a child, and a crash there is
     * reported here (issue 16). */
    int sig = 0;
    rc = quirei_crash_guard(&sig);
    if (rc == -2)
        return report_crash(&o, sig);
    if (rc >= 0)
        return rc;
    if (o.check)
        return check_index(o.db);
    const char *tr = getenv("QUIRE_INDEX_TRACE");
    trace_on = tr && *tr && strcmp(tr, "0") != 0;
    trace_t0_ms = quirei_now_ms();
    trace_cpu0 = thread_cpu_s();

    /* libxml2 must be initialised once, before any thread might use it. */
    xmlInitParser();
    catch_stop_signals();

    qi_run run = {.source = o.source, .raw_text = o.raw_text, .log = stderr,
                  .stop = &stop_requested};
    int deleting = o.delete_args || o.delete_from;
    if (deleting && !qi_index_exists(&run, o.db))
        return EXIT_FATAL;
    char *detail = NULL;
    quire_status_t st = quire_writer_open(o.db, &o.wo, &run.writer, &detail);
    if (st != QUIRE_OK) {
        fprintf(stderr, "quire-index: cannot open index: %s\n",
                detail ? detail : quire_strerror(st));
        free(detail);
        return EXIT_FATAL;
    }
    trace("opened");
    t_start_ms = quirei_now_ms();
    if (!deleting)
        read_inputs(&run, &o, argc, argv);
    else if (qi_delete_ids(&run, argv + o.first_input, argc - o.first_input) == 0 && o.delete_from)
        qi_delete_from(&run, o.delete_from); /* ids first, then the list */
    return finish(&run, &o);
}
