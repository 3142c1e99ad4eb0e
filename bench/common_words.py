#!/usr/bin/env python3
"""common_words.py - the common-words query set of issue 15 (bench/common_words/).

    python3 bench/common_words.py [CORPUS_DIR] [OUT_DIR]

CORPUS_DIR defaults to ../shared/corpus, OUT_DIR to bench/common_words. Writes
OUT_DIR/expected.jsonl (the format of bench/eval_quotes.c and
bench/baseline_xapian_query.cc: {"q", "kind", "want": [], "mode": "hits"}) and
OUT_DIR/top200.txt (the words with their counts).

The words: the corpus's 200 most frequent words, counted over the title and
body of every document of CORPUS_DIR/*.jsonl.gz (files in name order), a word
being a maximal run of ASCII letters, lower-cased (the tokenizer's terms for
such words). 100 queries, each of 2 to 6 of those words, drawn with a fixed
seed (random.Random(15)), so the set is the same on every run over the same
corpus:
  - common-bag (34): words drawn at random from the 200 (no repeat), bare:
    "the and of to" (every document holding them all, none as a phrase);
  - common-run (33): a run of 2-6 consecutive words of some document that
    are all among the 200 ("security of the", "it is what it is"), bare;
  - common-quoted (33): such runs, in double quotes.
Runs are drawn uniformly among every run of each length in the corpus
(reservoir sampling), the length uniformly in 2-6.

Mode "hits": no answer is known; success means the query found something.
"""
import gzip
import json
import os
import random
import re
import sys
from collections import Counter

WORD = re.compile(r"[A-Za-z]+")
SEED = 15
TOP = 200
KINDS = (("common-bag", 34), ("common-run", 33), ("common-quoted", 33))
RESERVOIR = 400  # runs kept per length, drawn from below


def texts(corpus):
    for name in sorted(os.listdir(corpus)):
        if not name.endswith(".jsonl.gz"):
            continue
        with gzip.open(os.path.join(corpus, name), "rt", encoding="utf-8") as f:
            for line in f:
                try:
                    d = json.loads(line)
                except ValueError:
                    continue
                for field in ("title", "body"):
                    v = d.get(field)
                    if isinstance(v, str):
                        yield v


def words(text):
    return [w.lower() for w in WORD.findall(text)]


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "common_words")
    counts = Counter()
    for t in texts(corpus):
        counts.update(words(t))
    top = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]]
    topset = set(top)

    # Second pass: reservoirs of runs of top words, per length. A run is
    # taken within one text, words consecutive in it (no other word, not
    # even one of non-letters such as a number, between them: the
    # regex's gaps are only spaces and punctuation).
    rng = random.Random(SEED)
    seen = {n: 0 for n in range(2, 7)}
    res = {n: [] for n in range(2, 7)}
    gap = re.compile(r"^[\s,;:\"'()\-]*$")
    for t in texts(corpus):
        toks = [(m.group(0).lower(), m.start(), m.end()) for m in WORD.finditer(t)]
        i = 0
        while i < len(toks):
            if toks[i][0] not in topset:
                i += 1
                continue
            j = i + 1
            while (j < len(toks) and toks[j][0] in topset and
                   gap.match(t[toks[j - 1][2]:toks[j][1]])):
                j += 1
            # every run [a, a+n) of the stretch [i, j)
            for n in range(2, 7):
                for a in range(i, j - n + 1):
                    run = " ".join(w for w, _, _ in toks[a:a + n])
                    seen[n] += 1
                    if len(res[n]) < RESERVOIR:
                        res[n].append(run)
                    else:
                        k = rng.randrange(seen[n])
                        if k < RESERVOIR:
                            res[n][k] = run
            i = j

    pick = random.Random(SEED)
    queries = []
    used = set()
    for kind, n in KINDS:
        k = 0
        while k < n:
            length = pick.randint(2, 6)
            if kind == "common-bag":
                q = " ".join(pick.sample(top, length))
            else:
                q = pick.choice(res[length])
                if kind == "common-quoted":
                    q = '"%s"' % q
            if q in used:
                continue
            used.add(q)
            queries.append({"q": q, "kind": kind, "want": [], "mode": "hits"})
            k += 1

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "expected.jsonl"), "w", encoding="utf-8") as f:
        for q in queries:
            f.write(json.dumps(q) + "\n")
    with open(os.path.join(out, "top200.txt"), "w", encoding="utf-8") as f:
        for w in top:
            f.write("%s\t%d\n" % (w, counts[w]))
    print("wrote %d queries to %s" % (len(queries), out))


if __name__ == "__main__":
    main()
