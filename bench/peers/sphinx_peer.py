#!/usr/bin/python3
"""sphinx_peer.py - Sphinx 2.2 (Debian's sphinxsearch) as a peer of Quire (issue 15).

  sphinx_peer.py tsv FILE.jsonl.gz... > CORPUS.tsv     the corpus as Sphinx's tsvpipe input
  sphinx_peer.py conf DIR CORPUS.tsv PORT > DIR/sphinx.conf
  sphinx_peer.py query PORT SETDIR [RUNS]              score the eval set against searchd

The corpus is converted once to TSV (tsvpipe has no escapes: tab, CR, LF and backslash
in a text become spaces, which Sphinx's tokenizer treats as separators anyway); the
indexing time measured is `indexer --all` reading that file (`cat`), so it does not
include gzip and JSON. Columns: a running integer document id, the record id as a
string attribute (sid), title and body as full-text fields.

Index: morphology = stem_en (Porter), min_word_len = 1, no stop words, hit lists
(positions) kept (the default), default charset_table (Latin and Cyrillic letters and
digits; everything else separates words), indexer mem_limit = 256M.

Query: searchd on 127.0.0.1:PORT speaking SphinxQL (the MySQL protocol, via
python3-pymysql): SELECT sid FROM quire_peer WHERE MATCH(...) LIMIT 10, with
SphinxQL's default ranker (proximity_bm25). Translation (evalset.translate_words): a
quoted query becomes a phrase "w1 w2 ..."; otherwise each whitespace-separated piece is
a word, or the phrase of its parts when Sphinx splits it (CVE-2021-44228 ->
"cve 2021 44228"), ANDed (the implicit operator of the extended syntax). Every
character that is not a letter or digit becomes a space, so no query text is read as
an operator. The latency is the client's round trip (execute + fetchall) over loopback.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evalset  # noqa: E402

CLEAN = str.maketrans({"\t": " ", "\r": " ", "\n": " ", "\\": " "})


def tsv(paths):
    out = sys.stdout
    n = 0
    for i, t, b in evalset.records(paths):
        n += 1
        out.write("%d\t%s\t%s\t%s\n" % (n, i.translate(CLEAN), t.translate(CLEAN),
                                       b.translate(CLEAN)))

def conf(d, corpus, port):
    d = os.path.abspath(d)
    print("""source corpus
{
    type = tsvpipe
    tsvpipe_command = cat %(corpus)s
    tsvpipe_attr_string = sid
    tsvpipe_field = title
    tsvpipe_field = body
}

index quire_peer
{
    source = corpus
    path = %(d)s/quire_peer
    morphology = stem_en
    min_word_len = 1
}

indexer
{
    mem_limit = 256M
}

searchd
{
    listen = 127.0.0.1:%(port)s:mysql41
    log = %(d)s/searchd.log
    query_log = %(d)s/query.log
    pid_file = %(d)s/searchd.pid
    binlog_path =
    workers = threads
}""" % {"d": d, "corpus": os.path.abspath(corpus), "port": port})


def sphinx_words(words):
    return [w.lower() for w in words]


def to_sphinxql(q):
    kind, parts = evalset.translate_words(q)
    if kind == "phrase":
        return '"' + " ".join(sphinx_words(parts)) + '"'
    return " ".join(p[0] if len(p) == 1 else '"' + " ".join(p) + '"'
                    for p in (sphinx_words(x) for x in parts))


def query(port, setdir, runs):
    import pymysql
    con = pymysql.connect(host="127.0.0.1", port=int(port), user="", charset="utf8")
    cur = con.cursor()
    cases = evalset.load(setdir)
    sql = "SELECT sid FROM quire_peer WHERE MATCH(%s) LIMIT 10"

    def search(c):
        cur.execute(sql, (to_sphinxql(c["q"]),))
        return [r[0] for r in cur.fetchall()]

    print(evalset.run(cases, search, runs, show_fail=bool(os.environ.get("SHOW_FAIL"))))
    con.close()


def main(argv):
    if len(argv) >= 3 and argv[1] == "tsv":
        tsv(argv[2:])
    elif len(argv) == 5 and argv[1] == "conf":
        conf(argv[2], argv[3], argv[4])
    elif len(argv) in (4, 5) and argv[1] == "query":
        query(argv[2], argv[3], int(argv[4]) if len(argv) == 5 else 3)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
