/* libFuzzer target: query parsing, and the whole parse -> Xapian -> results
 * path on a small index built once. */
#include <quire/quire.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "query/query_parser.h"
#include "strbuf.h"

static quire_reader_t *reader;

static void build_index(void)
{
    char dir[] = "/tmp/quire-fuzz-query-XXXXXX";
    if (!mkdtemp(dir))
        abort();
    quire_writer_t *w = NULL;
    if (quire_writer_open(dir, NULL, &w, NULL) != QUIRE_OK)
        abort();
    static const quire_doc_t docs[] = {
        {.id = "a", .title = "Cyber blame game", .date = "2015-09-30", .source = "news/a",
         .body = "Nations keep playing the cyber blame game. CVE-2021-44228 and T1059.001."},
        {.id = "b", .title = "China\xe2\x80\x99s role", .date = "2016", .author = "Greg Day",
         .body = "State-sponsored hackers at 121.50.43.175 and he.net; \xe2\x80\x9cquotes\xe2\x80\x9d."},
    };
    for (size_t i = 0; i < 2; i++)
        quire_writer_add(w, &docs[i]);
    quire_writer_close(w);
    if (quire_reader_open(dir, &reader, NULL) != QUIRE_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!reader)
        build_index();
    char *q = malloc(size + 1);
    if (!q)
        return 0;
    memcpy(q, data, size);
    q[size] = '\0';
    qn *tree = NULL;
    quirei_buf err = QUIREI_BUF_INIT;
    long pos;
    if (quirei_parse_query(q, size, &tree, &err, &pos) == QUIRE_OK)
        quirei_qn_free(tree);
    quirei_buf_release(&err);
    quire_results_t *res = NULL;
    if (quire_search(reader, q, NULL, &res) == QUIRE_OK) {
        free(quire_results_json(res));
        free(quire_results_text(res, 1));
        quire_results_free(res);
    }
    free(q);
    return 0;
}
