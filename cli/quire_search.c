/*
 * quire-search - search an index from the command line (no server needed).
 * The JSON output is exactly what quire-serve's /api/search returns.
 */
#include <getopt.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash_guard.h"
#include "number.h"
#include "search_output.h"
#include "strbuf.h"

/* The classes of quire-serve's errors: a bad option is bad_parameter, a
 * bad query bad_query. */
enum { EXIT_NO_HITS = 1, EXIT_USAGE = 2, EXIT_FAIL = 3, EXIT_BAD_QUERY = 4 };

static const char PROG[] = "quire-search";

static void usage(FILE *out)
{
    fputs("Usage: quire-search --db DIR [options] QUERY...\n"
          "       quire-search --db DIR --batch FILE [options]\n"
          "       quire-search --db DIR --sources [--format text|json]\n"
          "       quire-search --db DIR --similar ID [options]\n"
          "\n"
          "Search the Quire index in DIR. Several QUERY arguments are joined with spaces.\n"
          "\n"
          "Options:\n"
          "  --db DIR                 the index directory (required). Repeat it to search\n"
          "                           several indexes or shards as one: each an index\n"
          "                           directory, a manifest file (one shard a line: 'auto\n"
          "                           PATH' or 'remote HOST:PORT') or tcp://HOST:PORT (a\n"
          "                           shard served by xapian-tcpsrv; docs/scaling.md)\n"
          "  --shard-timeout MS       a remote shard slower than MS is down (default 10000)\n"
          "  --shard-connect-timeout MS  connecting to one may take MS (default 2000)\n"
          "  --require-all-shards     a shard down is an error (exit 3); without it, the\n"
          "                           shards that are up answer, flagged partial (on\n"
          "                           stderr for exports, feeds, text/CSV batches)\n"
          "  --limit N                hits to show, 1-100 (default 10)\n"
          "  --offset N               hits to skip (offset + limit <= 10000)\n"
          "  --sort relevance|date    order (default relevance; date = newest first)\n"
          "  --source NAME            only documents from this source (or source prefix)\n"
          "  --from YYYY[-MM[-DD]]    only documents dated on or after\n"
          "  --to YYYY[-MM[-DD]]      only documents dated on or before\n"
          "  --format text|json       output (default text; json = the HTTP API's schema)\n"
          "  --format csv|jsonl       every match up to 10000 (whatever --limit says), one\n"
          "                           row or JSON line a hit, honouring --sort and filters\n"
          "  --format atom            an Atom feed of the page, newest first\n"
          "  --batch FILE             run the queries of FILE (- = stdin): a JSON array of\n"
          "                           strings or one query a line, at most 1000; --limit is\n"
          "                           hits a query (default 3); --format text|json|csv\n"
          "  --facets LIST            count the matches by source, year, author (any of\n"
          "                           them, comma-separated): top values with counts, the\n"
          "                           rest as other; every year, oldest first. Matches are\n"
          "                           then counted exactly up to 1,000,000\n"
          "  --facet-size N           values per facet, 1-100 (default 10; not for year)\n"
          "  --no-aliases             do not expand a threat-actor group's name to its\n"
          "                           other names (APT28 = Fancy Bear = Sofacy ...)\n"
          "  --sources                list every source of the index with its number of\n"
          "                           documents (no QUERY)\n"
          "  --similar ID             the articles most like document ID (no QUERY): its\n"
          "                           most telling words searched, without ID itself and\n"
          "                           its near-duplicates (same text, or same title and\n"
          "                           most of the text); --limit, --offset (offset + limit\n"
          "                           <= 100), --source, --from, --to; --format text|json\n"
          "  --help, --version\n"
          "\n"
          "Query syntax: words (all required, stemmed), \"exact phrase\" (straight or\n"
          "curly quotes), \"…\"~N, OR, AND, NOT, -word, +word, ( ), word*, title:,\n"
          "author:, source:, id:, date:2016-01-01..2016-06-30, date:>=2016.\n"
          "Security tokens (CVE-2021-44228, T1059.001, 121.50.43.175) match whole.\n"
          "A pasted sentence of 8+ words without operators is searched as written:\n"
          "its ( ), * and name: are punctuation.\n"
          "\n"
          "Text output: per hit a citation line, \xe2\x80\x9cquote\xe2\x80\x9d \xe2\x80\x94 Author, \xe2\x80\x9cTitle\xe2\x80\x9d,\n"
          "source, date, URL (the sentence that best matches the query); hits that\n"
          "did not match exactly say approximate or relaxed.\n"
          "See README.md, \"Query syntax\".\n"
          "\n"
          "A query naming a threat-actor group (Fancy Bear, APT28, Sofacy) also finds\n"
          "the documents naming it by its other names, ranked below, listed as an\n"
          "\"aliases:\" line (\"expanded\" in JSON); quoted phrases are never expanded.\n"
          "\n"
          "A filter that matches no document (an unknown --source or source:, a date\n"
          "range with no document) is reported as a warning line after the header\n"
          "(\"warnings\" in JSON).\n"
          "\n"
          "A misspelt word (one the index lacks, or rare next to a close common word)\n"
          "gets \"Did you mean: ...\" (\"suggestion\" in JSON); when the query as typed\n"
          "finds nothing (or only partial matches), the suggestion's hits are shown,\n"
          "flagged corrected. CVE IDs, hashes, IPs and quoted words that exist are\n"
          "never corrected.\n"
          "\n"
          "Exit status: 0 hits found (--sources: listed), 1 no hits, 2 usage error (a\n"
          "bad option or value: --from 2016-02-30, --from after --to, --offset + --limit\n"
          "over 10000, --facets title), 3 the index could not be read (missing, or\n"
          "damaged: the search runs in a child process, so that even a crash of the\n"
          "search engine on a damaged index is reported; see quire-index --check),\n"
          "4 bad query (the message shows the position). With --batch: 0 some query\n"
          "found hits, 1 none did, 4 a query was refused (each is answered in the\n"
          "output, in order), 2 FILE is unreadable or malformed. With --similar: 1\n"
          "also when no document has ID.\n",
          out);
}

/* The command line. */
#define MAX_DBS 256

typedef struct search_options {
    const char *db;            /* the first --db */
    const char *dbs[MAX_DBS];  /* every --db */
    size_t ndb;
    quire_reader_options_t ro; /* --shard-timeout, ... */
    const char *format;        /* "text", "json", "csv", "jsonl" or "atom" */
    const char *batch;         /* --batch FILE, or NULL */
    quire_search_options_t so;
    int sources;               /* --sources: list them, no query */
    const char *similar;       /* --similar ID, or NULL */
    int first_word;            /* argv[first_word..argc) make the query */
} search_options;

/* What the options say together, once parsed (the words from
 * o->first_word on are the query): -1 when the search should go on, else
 * EXIT_USAGE after saying why. */
static int check_usage(search_options *o, int argc)
{
    int words = o->first_word < argc;
    const char *bad = !o->db                      ? "--db DIR is required"
                      : o->sources && o->batch    ? "--sources and --batch go apart"
                      : o->sources && words       ? "--sources takes no QUERY"
                      : o->sources && cli_is_export_format(o->format)
                          ? "--sources takes --format text or json"
                      : o->batch && words         ? "--batch FILE takes no QUERY"
                      : o->similar && (words || o->batch || o->sources)
                          ? "--similar ID takes no QUERY, --batch or --sources"
                      : o->similar && cli_is_export_format(o->format)
                          ? "--similar takes --format text or json"
                      : o->batch && cli_is_export_format(o->format) && strcmp(o->format, "csv")
                          ? "--batch takes --format text, json or csv"
                      : !o->batch && !o->sources && !o->similar && !words ? "no QUERY given"
                                                           : NULL;
    if (bad) {
        fprintf(stderr, "quire-search: %s\nTry 'quire-search --help'.\n", bad);
        return EXIT_USAGE;
    }
    if (o->batch && !o->so.limit)
        o->so.limit = 3; /* a batch wants the best few hits of many queries */
    return -1;
}

/* Fill *o from argv. Returns -1 when the search should go on, else the exit
 * status to return at once (--help, --version, a usage error). */
static int parse_options(int argc, char **argv, search_options *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},     {"limit", required_argument, NULL, 'l'},
        {"offset", required_argument, NULL, 'o'}, {"sort", required_argument, NULL, 's'},
        {"source", required_argument, NULL, 'S'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},     {"format", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
        {"batch", required_argument, NULL, 'B'},
        {"facets", required_argument, NULL, 'A'}, {"facet-size", required_argument, NULL, 'Z'},
        {"sources", no_argument, NULL, 'L'},
        {"no-aliases", no_argument, NULL, 'N'},
        {"similar", required_argument, NULL, 'M'},
        {"shard-timeout", required_argument, NULL, 1001},
        {"shard-connect-timeout", required_argument, NULL, 1002},
        {"require-all-shards", no_argument, NULL, 1003},
        {NULL, 0, NULL, 0},
    };
    *o = (search_options){.format = "text"};
    long n;
    int c;
    while ((c = getopt_long(argc, argv, "d:l:o:s:S:f:t:F:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (o->ndb == MAX_DBS) {
                fprintf(stderr, "quire-search: more than %d --db\n", MAX_DBS);
                return EXIT_USAGE;
            }
            o->dbs[o->ndb++] = optarg;
            o->db = o->dbs[0];
            break;
        case 1001:
        case 1002:
            if (quirei_option_number(PROG, c == 1001 ? "--shard-timeout" : "--shard-connect-timeout",
                                     optarg, 1, 3600000, &n) < 0)
                return EXIT_USAGE;
            *(c == 1001 ? &o->ro.shard_timeout_ms : &o->ro.shard_connect_timeout_ms) =
                (unsigned)n;
            break;
        case 1003: o->ro.require_all_shards = true; break;
        case 'l':
            if (quirei_option_number(PROG, "--limit", optarg, 1, QUIRE_MAX_LIMIT, &n) < 0)
                return EXIT_USAGE;
            o->so.limit = (unsigned)n;
            break;
        case 'o':
            if (quirei_option_number(PROG, "--offset", optarg, 0, QUIRE_MAX_OFFSET, &n) < 0)
                return EXIT_USAGE;
            o->so.offset = (unsigned)n;
            break;
        case 's':
            if (!strcmp(optarg, "date"))
                o->so.sort = QUIRE_SORT_DATE;
            else if (strcmp(optarg, "relevance") != 0) {
                fprintf(stderr, "quire-search: --sort takes relevance or date, not '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case 'S': o->so.source = optarg; break;
        case 'f': o->so.date_from = optarg; break;
        case 't': o->so.date_to = optarg; break;
        case 'F':
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0 &&
                !cli_is_export_format(optarg)) {
                fprintf(stderr,
                        "quire-search: --format takes text, json, csv, jsonl or atom, not '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            o->format = optarg;
            break;
        case 'B': o->batch = optarg; break;
        case 'A':
            if (quire_facets_parse(optarg, &o->so.facets) != QUIRE_OK) {
                fprintf(stderr, "quire-search: --facets takes source, year, author "
                                "(comma-separated)\n");
                return EXIT_USAGE;
            }
            break;
        case 'Z':
            if (quirei_option_number(PROG, "--facet-size", optarg, 1, QUIRE_MAX_FACET_SIZE, &n) < 0)
                return EXIT_USAGE;
            o->so.facet_size = (unsigned)n;
            break;
        case 'L': o->sources = 1; break;
        case 'N': o->so.no_aliases = true; break;
        case 'M': o->similar = optarg; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("quire-search %s\n", QUIRE_VERSION); return 0;
        default: fprintf(stderr, "Try 'quire-search --help'.\n"); return EXIT_USAGE;
        }
    }
    o->first_word = optind;
    return check_usage(o, argc);
}

/* The QUERY arguments joined with single spaces (malloc'd), or NULL on OOM. */
static char *join_query(int argc, char **argv, int first)
{
    quirei_buf q = QUIREI_BUF_INIT;
    for (int i = first; i < argc; i++) {
        if ((i > first && quirei_buf_addc(&q, ' ') < 0) || quirei_buf_adds(&q, argv[i]) < 0) {
            quirei_buf_release(&q);
            return NULL;
        }
    }
    return quirei_buf_detach(&q, NULL);
}

/* Print the results (or the error of the search) and return the exit
 * status. A query error shows where in the query it is. */
static int report(quire_reader_t *r, quire_status_t st, const quire_results_t *res,
                  const char *query, const char *format)
{
    if (st != QUIRE_OK)
        return cli_search_failed(r, st, query);
    char *out = strcmp(format, "json") == 0 ? quire_results_json(res)
                                            : quire_results_text(res, isatty(STDOUT_FILENO));
    if (!out) {
        fprintf(stderr, "quire-search: out of memory\n");
        return EXIT_FAIL;
    }
    puts(out);
    free(out);
    return res->nhits ? 0 : EXIT_NO_HITS;
}

/* --similar ID: the articles most like document ID, as search results. */
static int print_similar(quire_reader_t *r, const search_options *o)
{
    quire_results_t *res = NULL;
    quire_status_t st = quire_similar(r, o->similar, &o->so, &res);
    if (st == QUIRE_ENOTFOUND) {
        fprintf(stderr, "quire-search: %s\n", quire_reader_detail(r));
        return EXIT_NO_HITS;
    }
    int rc = report(r, st, res, NULL, o->format);
    quire_results_free(res);
    return rc;
}

/* --sources: every source of the index with its number of documents. */
static int list_sources(quire_reader_t *r, const char *format)
{
    quire_sources_t *s = NULL;
    quire_status_t st = quire_reader_sources(r, &s);
    if (st != QUIRE_OK) {
        fprintf(stderr, "quire-search: %s: %s\n", quire_strerror(st), quire_reader_detail(r));
        return EXIT_FAIL;
    }
    char *out = strcmp(format, "json") == 0 ? quire_sources_json(s) : quire_sources_text(s);
    quire_sources_free(s);
    if (!out) {
        fprintf(stderr, "quire-search: out of memory\n");
        return EXIT_FAIL;
    }
    fputs(out, stdout);
    if (strcmp(format, "json") == 0)
        putchar('\n');
    free(out); /* a partial answer says so in it, as search results do */
    return 0;
}

/* One search. A search that a concurrent commit interrupts (QUIRE_EMODIFIED)
 * is retried inside quire_search(), the one place for that retry, so the
 * CLI has no retry loop of its own. */
int main(int argc, char **argv)
{
    search_options o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    /* A damaged index can crash libxapian itself (Xapian 1.4.22 was seen to
     * die by SIGSEGV in get_metadata and Enquire::get_mset): the search
     * runs in a child, and a crash there is reported here (issue 16; a
     * fork costs ~0.3 ms of a search's ~5 ms start). */
    int sig = 0;
    rc = quirei_crash_guard(&sig);
    if (rc == -2) {
        fprintf(stderr,
                "quire-search: the index %s is damaged: the search engine (Xapian %s) crashed "
                "reading it (%s); run quire-index --check --db %s to see which files, then "
                "restore it from a backup or rebuild it from the sources\n",
                o.db, quire_xapian_version(), quirei_crash_signal_name(sig), o.db);
        return EXIT_FAIL;
    }
    if (rc >= 0)
        return rc;
    char *query = join_query(argc, argv, o.first_word);
    if (!query) {
        fprintf(stderr, "quire-search: out of memory\n");
        return EXIT_FAIL;
    }

    quire_reader_t *r = NULL;
    char *detail = NULL;
    quire_status_t st = quire_reader_open_sources(o.dbs, o.ndb, &o.ro, &r, &detail);
    if (st != QUIRE_OK) {
        fprintf(stderr, "quire-search: %s\n", detail ? detail : quire_strerror(st));
        free(detail);
        free(query);
        return EXIT_FAIL;
    }
    quire_results_t *res = NULL;
    if (o.sources) {
        rc = list_sources(r, o.format);
    } else if (o.similar) {
        rc = print_similar(r, &o);
    } else if (o.batch) {
        rc = cli_batch(r, o.batch, &o.so, o.format);
    } else if (cli_is_export_format(o.format)) {
        rc = cli_export(r, query, &o.so, o.format);
    } else {
        st = quire_search(r, query, &o.so, &res);
        rc = report(r, st, res, query, o.format);
    }
    quire_results_free(res);
    quire_reader_close(r);
    free(query);
    return rc;
}
