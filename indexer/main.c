/*
 * quire-index - the offline indexer.
 *
 * Reads articles (text, Markdown, HTML, JSON Lines, gzip), hands them to a
 * quire_writer_t (which tokenizes, stems and writes them on one thread per
 * shard), shows progress on a terminal and prints a summary.
 */
#include <errno.h>
#include <getopt.h>
#include <libxml/parser.h>
#include <quire/quire.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inputs.h"

enum { EXIT_SKIPPED = 1, EXIT_USAGE = 2, EXIT_FATAL = 3 };

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
        "\n"
        "Index articles into the Quire index in DIR (created when missing).\n"
        "INPUT is a file or a directory (recursed, hidden entries skipped).\n"
        "\n"
        "Formats, by extension:\n"
        "  .txt              first non-empty line is the title, the rest the body\n"
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
        "Options:\n"
        "  --db DIR          the index directory (required)\n"
        "  --language LANG   Snowball stemming language for a new index\n"
        "                    (default english; an existing index keeps its own)\n"
        "  --shards N        shards (= writer threads) for a new index (default 2)\n"
        "  --batch N         documents per shard between commits (default 1000);\n"
        "                    a crash or kill loses at most the uncommitted batch\n"
        "  --source NAME     the source recorded for .txt/.md/.html documents\n"
        "  --keep-shards     compact each shard but do not merge them (see below)\n"
        "  --no-compact      neither merge nor compact at the end\n"
        "  --quiet           no progress and no summary (problems still reported)\n"
        "  --help            this text\n"
        "  --version         the version\n"
        "\n"
        "Bad input never stops the run: an unreadable, empty or binary file, a\n"
        "truncated gzip, invalid JSON on line N, or a record without id or body\n"
        "is reported once on stderr as FILE:LINE: REASON (FILE: REASON for whole\n"
        "files), skipped, and counted in the summary.\n"
        "SIGINT/SIGTERM stop reading, commit what was read, and exit.\n"
        "\n"
        "At the end the shards are merged into one compacted database (without\n"
        "the ~40% slack that batched commits leave; a few seconds) and switched\n"
        "over atomically; servers pick it up on reopen. One database searches\n"
        "about 30% faster than two; later runs on it write with one thread. With\n"
        "--keep-shards each shard is compacted instead and stays a shard.\n"
        "\n"
        "Exit status:\n"
        "  0  every input was indexed and committed\n"
        "  1  the run completed and was committed, but some inputs or records were\n"
        "     skipped (each reported on stderr), or it was interrupted by a signal\n"
        "  2  usage error (bad option, no --db or no INPUT)\n"
        "  3  fatal: the index could not be opened or written (locked, disk full,\n"
        "     not a Quire index); documents committed before the error are kept\n",
        out);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double t_start, t_last;

static void show_progress(qi_run *run)
{
    double t = now();
    if (t - t_last < 0.5)
        return;
    t_last = t;
    quire_writer_stats_t st;
    quire_writer_stats(run->writer, &st);
    double el = t - t_start;
    double rate = el > 0 ? (double)run->docs / el : 0;
    double frac = run->bytes_total ? (double)run->bytes_done / (double)run->bytes_total : 0;
    char eta[32] = "?";
    if (frac > 0.01 && frac <= 1)
        snprintf(eta, sizeof eta, "%.0fs", el / frac - el);
    fprintf(stderr, "\r%llu docs  %.1f MB  %.0f docs/s  %.1f%%  ETA %s   ",
            (unsigned long long)run->docs, (double)st.body_bytes / 1e6, rate, frac * 100, eta);
    fflush(stderr);
}

static void summary(const qi_run *run, const quire_writer_stats_t *st, double secs)
{
    uint64_t skipped = 0;
    for (int i = 0; i < QI_REASON_COUNT; i++)
        skipped += run->skipped[i];
    double mb = (double)st->body_bytes / 1e6;
    fprintf(stderr,
            "indexed %llu documents (%llu new, %llu replaced) from %llu files: "
            "%.1f MB of text in %.1f s (%.2f MB/s, %.0f docs/s)\n",
            (unsigned long long)(st->added + st->replaced), (unsigned long long)st->added,
            (unsigned long long)st->replaced, (unsigned long long)run->files, mb, secs,
            secs > 0 ? mb / secs : 0, secs > 0 ? (double)(st->added + st->replaced) / secs : 0);
    if (st->invalid_utf8)
        fprintf(stderr, "repaired %llu invalid UTF-8 sequences\n",
                (unsigned long long)st->invalid_utf8);
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

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || end == s || v == 0 || v > max || s[0] == '-')
        return -1;
    *out = (unsigned)v;
    return 0;
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    quire_writer_options_t wo = {0};
    qi_run run = {0};
    int quiet = 0, compact = 1, keep_shards = 0;
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},    {"language", required_argument, NULL, 'l'},
        {"shards", required_argument, NULL, 's'}, {"batch", required_argument, NULL, 'b'},
        {"source", required_argument, NULL, 'S'}, {"quiet", no_argument, NULL, 'q'},
        {"no-compact", no_argument, NULL, 'C'},  {"keep-shards", no_argument, NULL, 'K'},
        {"help", no_argument, NULL, 'h'},        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "d:l:s:b:S:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'l': wo.language = optarg; break;
        case 's':
            if (parse_uint(optarg, 64, &wo.shards) < 0) {
                fprintf(stderr, "quire-index: --shards takes a number from 1 to 64\n");
                return EXIT_USAGE;
            }
            break;
        case 'b':
            if (parse_uint(optarg, 10000000, &wo.batch_size) < 0) {
                fprintf(stderr, "quire-index: --batch takes a number from 1 to 10000000\n");
                return EXIT_USAGE;
            }
            break;
        case 'S': run.source = optarg; break;
        case 'q': quiet = 1; break;
        case 'C': compact = 0; break;
        case 'K': keep_shards = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("quire-index %s\n", QUIRE_VERSION); return 0;
        default:
            fprintf(stderr, "Try 'quire-index --help'.\n");
            return EXIT_USAGE;
        }
    }
    if (!db || optind >= argc) {
        fprintf(stderr, "quire-index: %s\nTry 'quire-index --help'.\n",
                !db ? "--db DIR is required" : "no INPUT given");
        return EXIT_USAGE;
    }

    /* libxml2 must be initialised once, before any thread might use it. */
    xmlInitParser();

    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    wo.merge_on_close = compact && !keep_shards;
    char *detail = NULL;
    quire_status_t st = quire_writer_open(db, &wo, &run.writer, &detail);
    if (st != QUIRE_OK) {
        fprintf(stderr, "quire-index: cannot open index: %s\n",
                detail ? detail : quire_strerror(st));
        free(detail);
        return EXIT_FATAL;
    }
    run.log = stderr;
    run.stop = &stop_requested;
    int show = !quiet && isatty(STDERR_FILENO);
    if (show) {
        for (int i = optind; i < argc; i++)
            qi_measure(&run, argv[i]);
        run.progress = show_progress;
    }
    t_start = t_last = now();
    int rc = 0;
    for (int i = optind; i < argc && rc == 0 && !stop_requested; i++)
        rc = qi_index_input(&run, argv[i]);
    if (show)
        fputs("\r\033[K", stderr);

    /* Commit (and compact) first so the counters are exact, then close. */
    st = compact && keep_shards && !stop_requested ? quire_writer_compact(run.writer)
                                                   : quire_writer_commit(run.writer);
    quire_writer_stats_t ws;
    quire_writer_stats(run.writer, &ws);
    if (st != QUIRE_OK && run.fatal == QUIRE_OK) {
        fprintf(stderr, "quire-index: commit failed: %s: %s\n", quire_strerror(st),
                quire_writer_detail(run.writer));
        run.fatal = st;
    }
    quire_status_t cst = quire_writer_close(run.writer); /* merges by default */
    if (cst != QUIRE_OK && run.fatal == QUIRE_OK) {
        fprintf(stderr, "quire-index: closing the index failed: %s\n", quire_strerror(cst));
        run.fatal = cst;
    }
    double secs = now() - t_start;
    if (!quiet)
        summary(&run, &ws, secs);
    if (run.fatal != QUIRE_OK)
        return EXIT_FATAL;
    uint64_t skipped = 0;
    for (int i = 0; i < QI_REASON_COUNT; i++)
        skipped += run.skipped[i];
    if (stop_requested)
        fprintf(stderr, "quire-index: interrupted; everything read so far is committed\n");
    return skipped || stop_requested ? EXIT_SKIPPED : 0;
}
