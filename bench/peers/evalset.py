"""evalset.py - the open eval set, scored as bench/eval_quotes.c scores Quire.

Shared by the peers (fts5_peer.py, sphinx_peer.py): reads the corpus as they index
it (records), reads SETDIR/expected.jsonl,
translates each query to the peer's syntax (see translate_words), runs it through a
callback that returns the top-10 ids, and prints eval_quotes' Markdown table:
| kind | queries | success@1 | MRR@10 | p50 ms | p99 ms | and an **all** row.

Scoring (the set's README): top1 - success when a wanted id ranks first (MRR@10 as a
second figure); all - success when every hit is in want or allowed and there are
at least min(10, |want|) hits. Latency: wall time of the peer's query call as seen by its
client (Python), over RUNS runs of the whole set; the first run warms the caches and
is not timed when RUNS > 1.
"""
import gzip
import json
import time
import unicodedata

OPEN_QUOTES = '"\u201c'
CLOSE_QUOTES = '"\u201d'


def records(paths):
    """(id, title, body) of every usable record of the .jsonl.gz files, in order:
    what quire-index indexes (id and body required; a bad line is skipped)."""
    for p in paths:
        with gzip.open(p, "rt", encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(r, dict):
                    continue
                i, b = r.get("id"), r.get("body")
                if not isinstance(i, str) or not i or not isinstance(b, str):
                    continue
                t = r.get("title")
                yield i, t if isinstance(t, str) else "", b


def load(setdir):
    cases = []
    with open(setdir + "/expected.jsonl", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                cases.append(json.loads(line))
    return cases


def is_word_char(ch):
    """A letter, digit or combining mark: what both peers' tokenizers keep."""
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def words_of(text):
    """text split at every character that is not a word character."""
    out, cur = [], []
    for ch in text:
        if is_word_char(ch):
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def translate_words(q):
    """The query as the user typed it, in the terms both peers share:
    ("phrase", [words]) for a query in straight or curly double quotes, else
    ("and", [[words of each whitespace-separated piece]]): a piece such as
    CVE-2021-44228 or T1059.001 becomes the phrase of its parts (both peers split
    it there, so a phrase is the only way to ask for the token), and the pieces
    are ANDed, each peer's default for several words."""
    s = q.strip()
    if len(s) >= 2 and s[0] in OPEN_QUOTES and s[-1] in CLOSE_QUOTES:
        return "phrase", words_of(s[1:-1])
    pieces = [words_of(p) for p in s.split()]
    return "and", [p for p in pieces if p]


def pct(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    i = int(p * (len(v) - 1) + 0.5)
    return v[min(i, len(v) - 1)]


def run(cases, search, runs=3, show_fail=False):
    """search(case) -> list of ids (top 10, best first); raises on error.
    Returns the Markdown table (str)."""
    kinds = {}
    order = []
    for r in range(runs):
        timed = runs == 1 or r > 0
        for c in cases:
            k = c["kind"]
            if k not in kinds:
                kinds[k] = {"n": 0, "ok": 0, "rr": 0.0, "lat": []}
                order.append(k)
            s = kinds[k]
            t0 = time.perf_counter()
            try:
                ids, err = search(c), None
            except Exception as e:  # a query the peer rejects counts as a failure
                ids, err = [], e
            dt = (time.perf_counter() - t0) * 1000.0
            if timed:
                s["lat"].append(dt)
            if r:
                continue
            s["n"] += 1
            want = set(c["want"])
            allowed = set(c.get("allowed", []))
            ok, rr = False, 0.0
            if c["mode"] in ("top1", "any"):
                for i, h in enumerate(ids):
                    if h in want or h in allowed:  # top1: allowed too (the set's README)
                        rr = 1.0 / (i + 1)
                        break
                ok = rr == 1.0
            else:
                need = min(10, len(want))
                # allowed hits are not wrong (the set's README): they count like wanted ones
                ok = len(ids) >= need and all(h in want or h in allowed for h in ids)
            s["ok"] += ok
            s["rr"] += rr
            if show_fail and not ok:
                import sys
                print("FAIL [%s] %s -> %s" % (k, c["q"], err or (ids[:1] or "(none)")),
                      file=sys.stderr)
    lines = ["| kind | queries | success@1 | MRR@10 | p50 ms | p99 ms |",
             "|---|---:|---:|---:|---:|---:|"]
    tn = tok = 0
    alllat = []
    for k in order:
        s = kinds[k]
        tn += s["n"]
        tok += s["ok"]
        alllat += s["lat"]
        mrr = "-" if k.startswith("token-") else "%.3f" % (s["rr"] / s["n"])
        lines.append("| %s | %d | %.3f | %s | %.3f | %.3f |" % (
            k, s["n"], s["ok"] / s["n"], mrr, pct(s["lat"], 0.5), pct(s["lat"], 0.99)))
    lines.append("| **all** | %d | %.3f | | %.3f | %.3f |" % (
        tn, tok / tn if tn else 0, pct(alllat, 0.5), pct(alllat, 0.99)))
    return "\n".join(lines)
