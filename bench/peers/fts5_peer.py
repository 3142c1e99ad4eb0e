#!/usr/bin/python3
"""fts5_peer.py - SQLite FTS5 as a peer of Quire (issue 15).

  fts5_peer.py index DB FILE.jsonl.gz...   build DB (a fresh SQLite file)
  fts5_peer.py query DB SETDIR [RUNS]      score the eval set SETDIR, print the table

Index: one FTS5 table docs(sid UNINDEXED, title, body), tokenize='porter unicode61'
(Porter stemmer over the default Unicode tokenizer; positions kept: detail=full, the
default), every record inserted in ONE transaction, FTS5's default automerge. Records
are read like Quire reads them (id and body required, title may be null); the time
includes gzip and json.loads in Python (single thread). Prints one line:
  docs=N body_bytes=B seconds=S

Query (translation in evalset.translate_words): a quoted query becomes one FTS5 string
("w1 w2 ...", a phrase); otherwise each whitespace-separated piece becomes one string
(a token such as CVE-2021-44228 is the phrase of its parts, as FTS5 splits it), ANDed
(FTS5's implicit operator). Ranked by FTS5's bm25 (ORDER BY rank), LIMIT 10. The
latency is the Python call (execute + fetchall) in-process.
"""
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evalset  # noqa: E402


def index(db, paths):
    if os.path.exists(db):
        os.unlink(db)
    t0 = time.monotonic()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(sid UNINDEXED, title, body, "
                "tokenize='porter unicode61')")
    n = nbytes = 0

    def counted():
        nonlocal n, nbytes
        for rec in evalset.records(paths):
            n += 1
            nbytes += len(rec[2].encode("utf-8"))
            yield rec

    con.execute("BEGIN")
    con.executemany("INSERT INTO docs(sid, title, body) VALUES (?, ?, ?)", counted())
    con.execute("COMMIT")
    con.close()
    print("docs=%d body_bytes=%d seconds=%.3f" % (n, nbytes, time.monotonic() - t0))


def fts5_string(words):
    return '"' + " ".join(words).replace('"', '""') + '"'


def to_fts5(q):
    kind, parts = evalset.translate_words(q)
    if kind == "phrase":
        return fts5_string(parts)
    return " ".join(fts5_string(p) for p in parts)


def query(db, setdir, runs):
    con = sqlite3.connect(db)
    cases = evalset.load(setdir)
    sql = "SELECT sid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10"

    def search(c):
        return [r[0] for r in con.execute(sql, (to_fts5(c["q"]),)).fetchall()]

    print(evalset.run(cases, search, runs, show_fail=bool(os.environ.get("SHOW_FAIL"))))


def main(argv):
    if len(argv) >= 4 and argv[1] == "index":
        index(argv[2], argv[3:])
    elif len(argv) in (4, 5) and argv[1] == "query":
        query(argv[2], argv[3], int(argv[4]) if len(argv) == 5 else 3)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
