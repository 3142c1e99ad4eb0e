#!/usr/bin/env bash
# bench/bench_common_words.sh [BUILD_DIR] — issue 15's common-words target: Quire with
# snippets against plain Xapian counting as much, on bench/common_words (100 queries of
# 2-6 of the corpus's 200 most frequent words; bench/common_words.py makes it).
#
#   BUILD_DIR   build tree with bin/eval_quotes and bin/baseline_xapian_query (default build)
#   QUIRE_DB    a Quire index of the shared corpus (default /tmp/quire-bench-query/quire,
#               what bench_query.sh builds)
#   BASE_DB     a plain Xapian index of it, by bin/baseline_xapian_index
#               (default /tmp/quire-bench-query/baseline)
#   SET         the query set (default bench/common_words)
#   ROUNDS      interleaved rounds of wall-time measurement (default 3)
#   RUNS        runs of the set per program and round, the first untimed (default 3)
#   ICOUNT      1 (default): also count instructions per query with callgrind; 0: don't
#
# Wall time: each round runs, one process after the other, Quire without snippets,
# Quire with snippets and quotes (eval_quotes), and plain Xapian (baseline_xapian_query
# --check-at-least 10001: QueryParser, AND, get_mset(0, 10, 10001), so it counts the
# matches exactly up to Quire's QUIRE_EXACT_TOTAL, as Quire's totals do); the table gives
# the median over the rounds of each p50/p99. The machine is shared, so the
# instruction counts (callgrind, second run of the set, one count per query: the
# inclusive cost of quire_search() and of the baseline's answer_query()) are the
# steadier comparison; they leave out time in the kernel (pread of index blocks).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD=${1:-build}
QUIRE_DB=${QUIRE_DB:-/tmp/quire-bench-query/quire}
BASE_DB=${BASE_DB:-/tmp/quire-bench-query/baseline}
SET=${SET:-bench/common_words}
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-3}
ICOUNT=${ICOUNT:-1}
[[ $BUILD = /* ]] || BUILD=$PWD/$BUILD
EQ=$BUILD/bin/eval_quotes
BQ=$BUILD/bin/baseline_xapian_query
CAL=10001 # QUIRE_EXACT_TOTAL + 1

die() { echo "bench_common_words.sh: $*" >&2; exit 1; }
[[ -x $EQ && -x $BQ ]] || die "build first ($EQ, $BQ)"
[[ -d $QUIRE_DB ]] || die "no Quire index at $QUIRE_DB (set QUIRE_DB, or run bench/bench_query.sh)"
[[ -d $BASE_DB ]] || die "no plain Xapian index at $BASE_DB (set BASE_DB, or run bench/bench_query.sh)"
[[ -f $SET/expected.jsonl ]] || die "no $SET/expected.jsonl (python3 bench/common_words.py)"

OUT=$(mktemp -d /tmp/quire-bench-cw.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# | kind | n | success | mrr | p50 | p99 | rows -> "kind p50 p99 success"
rows() { awk -F'|' 'NR > 2 { gsub(/[ *]/, "", $2); gsub(/ /, "", $4); gsub(/ /, "", $6);
                             gsub(/ /, "", $7); print $2, $6, $7, $4 }' "$1"; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= ROUNDS; i++)); do
  "$EQ" --db "$QUIRE_DB" --set "$SET" --runs "$RUNS" >"$OUT/engine.$i.md"
  "$EQ" --db "$QUIRE_DB" --set "$SET" --runs "$RUNS" --snippets >"$OUT/quire.$i.md"
  "$BQ" --db "$BASE_DB" --set "$SET" --runs "$RUNS" --check-at-least $CAL >"$OUT/plain.$i.md"
  echo "round $i done, load $(cut -d' ' -f1-3 /proc/loadavg)"
done

# median over rounds of column c (2 = p50, 3 = p99) for kind k of program p
med() {
  local p=$1 k=$2 c=$3
  for ((i = 1; i <= ROUNDS; i++)); do rows "$OUT/$p.$i.md" | awk -v k="$k" -v c="$c" '$1 == k { print $c }'; done |
    sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
succ() { rows "$OUT/$1.1.md" | awk -v k="$2" '$1 == k { print $4 }'; }

echo
echo "Wall time, ms (median of $ROUNDS interleaved rounds; each round $((RUNS - 1)) timed runs of the set):"
echo
echo "| kind | Quire engine p50 / p99 | Quire + snippets p50 / p99 | plain Xapian counting p50 / p99 | p50 ratio | p99 ratio | success Quire / plain |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for k in $(rows "$OUT/quire.1.md" | awk '{ print $1 }'); do
  e50=$(med engine "$k" 2); e99=$(med engine "$k" 3)
  q50=$(med quire "$k" 2); q99=$(med quire "$k" 3)
  b50=$(med plain "$k" 2); b99=$(med plain "$k" 3)
  awk -v k="$k" -v e50="$e50" -v e99="$e99" -v q50="$q50" -v q99="$q99" -v b50="$b50" -v b99="$b99" \
      -v sq="$(succ quire "$k")" -v sb="$(succ plain "$k")" 'BEGIN {
    printf "| %s | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.2fx | %.2fx | %s / %s |\n",
      k, e50, e99, q50, q99, b50, b99, q50 / b50, q99 / b99, sq, sb }'
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

[[ $ICOUNT == 1 ]] || exit 0
command -v valgrind >/dev/null || { echo "(valgrind not found: no instruction counts)"; exit 0; }

# Instructions per query: callgrind dumps after each call of the function; the
# second run of the set is kept (the first warms up).
count() {  # name function command...
  local name=$1 fn=$2
  shift 2
  mkdir -p "$OUT/cg.$name"
  (cd "$OUT/cg.$name" && valgrind --tool=callgrind --collect-atstart=no --toggle-collect="*$fn" \
      --dump-after="$fn" "$@" >/dev/null 2>"$OUT/cg.$name.err") ||
    { tail -5 "$OUT/cg.$name.err" >&2; die "callgrind of $name failed"; }
  # callgrind.out.PID.N, N = 1.. in call order. (--toggle-collect needs the
  # leading * to match the baseline's static C++ function, --dump-after
  # must not have it: callgrind 3.19.)
  (cd "$OUT/cg.$name" && for f in $(ls callgrind.out.*.* | sort -t. -k4 -n); do
    awk '/^totals:/ { print $2; exit }' "$f"
  done) >"$OUT/ic.$name"
}
ABS_SET=$(cd "$SET" && pwd)
ABS_QDB=$(cd "$QUIRE_DB" && pwd)
ABS_BDB=$(cd "$BASE_DB" && pwd)
count quire quire_search "$EQ" --db "$ABS_QDB" --set "$ABS_SET" --runs 2 --snippets
count engine quire_search "$EQ" --db "$ABS_QDB" --set "$ABS_SET" --runs 2
count plain 'answer_query*' "$BQ" --db "$ABS_BDB" --set "$ABS_SET" --runs 2 --check-at-least $CAL

python3 - "$OUT" "$SET/expected.jsonl" <<'EOF'
import json, sys
out, setf = sys.argv[1], sys.argv[2]
kinds = [json.loads(l)["kind"] for l in open(setf) if l.strip()]
n = len(kinds)
def load(name):
    v = [int(x) for x in open(f"{out}/ic.{name}")]
    if len(v) != 2 * n:
        sys.exit(f"{name}: {len(v)} counts for {n} queries x 2 runs")
    return v[n:]
ic = {p: load(p) for p in ("engine", "quire", "plain")}
def pct(v, p):
    v = sorted(v)
    return v[int(p * (len(v) - 1) + 0.5)]
print()
print("Instructions per query, millions (callgrind, second run of the set; user space only):")
print()
print("| kind | Quire engine p50 / p99 | Quire + snippets p50 / p99 | plain Xapian counting p50 / p99 | p50 ratio | p99 ratio |")
print("|---|---:|---:|---:|---:|---:|")
for k in list(dict.fromkeys(kinds)) + ["all"]:
    sel = [i for i in range(n) if k == "all" or kinds[i] == k]
    r = {p: [ic[p][i] / 1e6 for i in sel] for p in ic}
    e, q, b = r["engine"], r["quire"], r["plain"]
    print(f"| {'**all**' if k == 'all' else k} | {pct(e, .5):.1f} / {pct(e, .99):.1f} | "
          f"{pct(q, .5):.1f} / {pct(q, .99):.1f} | {pct(b, .5):.1f} / {pct(b, .99):.1f} | "
          f"{pct(q, .5) / pct(b, .5):.2f}x | {pct(q, .99) / pct(b, .99):.2f}x |")
EOF
