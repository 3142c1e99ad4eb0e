/*
 * quire-search - search an index from the command line (no server needed).
 * The JSON output is exactly what quire-serve's /api/search returns.
 */
#include <errno.h>
#include <getopt.h>
#include <quire/quire.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_NO_HITS = 1, EXIT_USAGE = 2, EXIT_FAIL = 3 };

static void usage(FILE *out)
{
    fputs("Usage: quire-search --db DIR [options] QUERY...\n"
          "\n"
          "Search the Quire index in DIR. Several QUERY arguments are joined with spaces.\n"
          "\n"
          "Options:\n"
          "  --db DIR                 the index directory (required)\n"
          "  --limit N                hits to show, 1-100 (default 10)\n"
          "  --offset N               hits to skip (offset + limit <= 10000)\n"
          "  --sort relevance|date    order (default relevance; date = newest first)\n"
          "  --source NAME            only documents from this source (or source prefix)\n"
          "  --from YYYY[-MM[-DD]]    only documents dated on or after\n"
          "  --to YYYY[-MM[-DD]]      only documents dated on or before\n"
          "  --format text|json       output (default text; json = the HTTP API's schema)\n"
          "  --help, --version\n"
          "\n"
          "Query syntax: words (all required, stemmed), \"exact phrase\" (straight or\n"
          "curly quotes), \"…\"~N, OR, AND, NOT, -word, +word, ( ), word*, title:,\n"
          "author:, source:, id:, date:2016-01-01..2016-06-30, date:>=2016.\n"
          "Security tokens (CVE-2021-44228, T1059.001, 121.50.43.175) match whole.\n"
          "See README.md, \"Query syntax\".\n"
          "\n"
          "Exit status: 0 hits found, 1 no hits, 2 usage or query error (the message\n"
          "gives the position), 3 the index could not be read.\n",
          out);
}

static int parse_num(const char *s, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || end == s || s[0] == '-' || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *format = "text";
    quire_search_options_t o = {0};
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},     {"limit", required_argument, NULL, 'l'},
        {"offset", required_argument, NULL, 'o'}, {"sort", required_argument, NULL, 's'},
        {"source", required_argument, NULL, 'S'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},     {"format", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "d:l:o:s:S:f:t:F:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'l':
            if (parse_num(optarg, QUIRE_MAX_LIMIT, &o.limit) < 0 || o.limit == 0) {
                fprintf(stderr, "quire-search: --limit takes a number from 1 to %d\n",
                        QUIRE_MAX_LIMIT);
                return EXIT_USAGE;
            }
            break;
        case 'o':
            if (parse_num(optarg, QUIRE_MAX_OFFSET, &o.offset) < 0) {
                fprintf(stderr, "quire-search: --offset takes a number from 0 to %d\n",
                        QUIRE_MAX_OFFSET);
                return EXIT_USAGE;
            }
            break;
        case 's':
            if (!strcmp(optarg, "date"))
                o.sort = QUIRE_SORT_DATE;
            else if (strcmp(optarg, "relevance") != 0) {
                fprintf(stderr, "quire-search: --sort takes relevance or date\n");
                return EXIT_USAGE;
            }
            break;
        case 'S': o.source = optarg; break;
        case 'f': o.date_from = optarg; break;
        case 't': o.date_to = optarg; break;
        case 'F':
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
                fprintf(stderr, "quire-search: --format takes text or json\n");
                return EXIT_USAGE;
            }
            format = optarg;
            break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("quire-search %s\n", QUIRE_VERSION); return 0;
        default: fprintf(stderr, "Try 'quire-search --help'.\n"); return EXIT_USAGE;
        }
    }
    if (!db || optind >= argc) {
        fprintf(stderr, "quire-search: %s\nTry 'quire-search --help'.\n",
                !db ? "--db DIR is required" : "no QUERY given");
        return EXIT_USAGE;
    }
    size_t qlen = 0;
    for (int i = optind; i < argc; i++)
        qlen += strlen(argv[i]) + 1;
    char *query = calloc(1, qlen + 1);
    if (!query)
        return EXIT_FAIL;
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            strcat(query, " ");
        strcat(query, argv[i]);
    }

    quire_reader_t *r = NULL;
    char *detail = NULL;
    quire_status_t st = quire_reader_open(db, &r, &detail);
    if (st != QUIRE_OK) {
        fprintf(stderr, "quire-search: %s\n", detail ? detail : quire_strerror(st));
        free(detail);
        free(query);
        return EXIT_FAIL;
    }
    quire_results_t *res = NULL;
    st = quire_search(r, query, &o, &res);
    int rc = 0;
    if (st == QUIRE_EQUERY) {
        fprintf(stderr, "quire-search: %s\n", quire_reader_detail(r));
        long pos = quire_reader_error_pos(r);
        if (pos >= 0)
            fprintf(stderr, "  %s\n  %*s^\n", query, (int)pos, "");
        rc = EXIT_USAGE;
    } else if (st != QUIRE_OK) {
        fprintf(stderr, "quire-search: %s: %s\n", quire_strerror(st), quire_reader_detail(r));
        rc = EXIT_FAIL;
    } else {
        char *out = strcmp(format, "json") == 0 ? quire_results_json(res)
                                                : quire_results_text(res, isatty(STDOUT_FILENO));
        if (!out) {
            fprintf(stderr, "quire-search: out of memory\n");
            rc = EXIT_FAIL;
        } else {
            puts(out);
            free(out);
            rc = res->nhits ? 0 : EXIT_NO_HITS;
        }
    }
    quire_results_free(res);
    quire_reader_close(r);
    free(query);
    return rc;
}
