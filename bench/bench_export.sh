#!/usr/bin/env bash
# bench/bench_export.sh [BUILD_DIR] — batch search and exports (issue 11, sections 5
# and 6) against the real quire-serve:
#
#   - a batch of 1,000 queries (the 600 of ../shared/eval/open/queries.txt, the 200 of
#     open-hard, then the first 200 again) POSTed to /api/batch with limit=3: the
#     request's wall time, and p50/p99 of the queries' own took_ms;
#   - exports of 10,000 rows (`security`, which matches more than 10,000 documents) as
#     CSV and JSON Lines, and as CSV sorted by date: wall time, time to the first byte,
#     bytes, and the server's
#     peak RSS (VmHWM) before (after a warm-up search) and after the exports.
#
#   BUILD_DIR          build tree holding bin/quire-serve (default: build)
#   QUIRE_BENCH_INDEX  the index to serve (this build's schema), read only (default:
#                      /tmp/qbq/quire)
#   RUNS               repetitions of each measurement; the median is reported (default 3)
#
# The server runs with --threads 1 --cache-mb 0 --timeout 120 (so the batch's time
# budget, half the timeout, does not cut it short: `complete` is checked). Prints a
# Markdown section and appends it to bench/RESULTS.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BUILD=${1:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
INDEX=${QUIRE_BENCH_INDEX:-/tmp/qbq/quire}
RUNS=${RUNS:-3}
EVAL=$ROOT/../shared/eval
RESULTS=$ROOT/bench/RESULTS.md
SERVE=$BUILD/bin/quire-serve

die() { echo "bench_export: $*" >&2; exit 1; }
[[ -x $SERVE ]] || die "missing $SERVE"
command -v curl >/dev/null || die "curl is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
if [[ ! -d $INDEX || ! -f $EVAL/open/queries.txt ]]; then
  echo "bench_export: no index at $INDEX or no eval set at $EVAL; skipping."
  exit 0
fi

WORK=$(mktemp -d /tmp/quire-bench-export-XXXXXX)
PID=
cleanup() {
  if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- the batch ----------------------------------------------------------------------
python3 - "$EVAL" "$WORK/batch.json" <<'EOF'
import json, sys
ev, out = sys.argv[1], sys.argv[2]
qs = [l.rstrip("\n") for f in ("open", "open-hard") for l in open(f"{ev}/{f}/queries.txt") if l.strip()]
qs = (qs + qs)[:1000]
json.dump(qs, open(out, "w"))
EOF

"$SERVE" --db "$INDEX" --port 0 --threads 1 --cache-mb 0 --timeout 120 2>"$WORK/serve.log" &
PID=$!
for _ in $(seq 100); do grep -q listening "$WORK/serve.log" && break; sleep 0.1; done
URL=$(grep -o 'http://[0-9.:]*' "$WORK/serve.log" | head -1)
[[ -n $URL ]] || die "quire-serve did not start"
rss() { awk '/VmHWM/ {print $2}' "/proc/$PID/status"; }

curl -s -o /dev/null "$URL/api/search?q=security&limit=10"   # warm-up
RSS_BEFORE=$(rss)
for i in $(seq "$RUNS"); do
  curl -s -o "$WORK/batch.$i.out" -w '%{time_total}\n' -X POST -H 'Content-Type: application/json' \
       --data-binary @"$WORK/batch.json" "$URL/api/batch?limit=3" >>"$WORK/batch.times"
done
for fmt in csv jsonl csv-date; do
  args="format=${fmt%-date}"
  [[ $fmt = *-date ]] && args="$args&sort=date"
  for i in $(seq "$RUNS"); do
    curl -s -o "$WORK/export.$fmt" -w '%{time_total} %{time_starttransfer} %{size_download}\n' \
         "$URL/api/search?q=security&$args" >>"$WORK/export.$fmt.times"
  done
  wc -l <"$WORK/export.$fmt" >"$WORK/export.$fmt.lines"
done
RSS_AFTER=$(rss)

python3 - "$WORK" "$RUNS" "$RSS_BEFORE" "$RSS_AFTER" "$INDEX" >"$WORK/section.md" <<'EOF'
import json, os, statistics as st, subprocess, sys, time
work, runs, rss0, rss1, index = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def med(xs): return st.median(xs)
bt = [float(l) for l in open(f"{work}/batch.times")]
took, complete, nq, errors = [], [], 0, 0
for i in range(1, runs + 1):
    d = json.load(open(f"{work}/batch.{i}.out"))
    complete.append(d["complete"])
    r = d["results"]; nq = len(r)
    errors = sum(1 for x in r if x["error"])
    took.append(sorted(x["took_ms"] for x in r if x["took_ms"] is not None))
p = lambda xs, q: xs[min(len(xs) - 1, int(q * (len(xs) - 1) + 0.5))]
cpu = os.cpu_count()
model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
print(f"## Batch search and exports — {time.strftime('%a %b %d %H:%M UTC %Y', time.gmtime())} (issue 11, sections 5 and 6)\n")
print(f"- Machine: {cpu} CPU(s), {model}; load average {open('/proc/loadavg').read().split()[0]} at the end"
      " (the machine is shared with other builds).")
print(f"- Commit {commit}; index `{index}` (read only); `bench/bench_export.sh`, {runs} runs, medians;"
      " quire-serve --threads 1 --cache-mb 0 --timeout 120, curl on the same machine.")
print(f"- Batch: {nq} queries (eval open + open-hard, then the first 200 again), limit=3, JSON:"
      f" complete in every run: {all(complete)}; {errors} queries answered with an error.\n")
print("| measurement | value |\n|---|---:|")
print(f"| batch of {nq}: wall time | {med(bt):.3f} s ({med(bt) / nq * 1e3:.2f} ms a query) |")
print(f"| batch: p50 / p99 of the queries' took_ms | {med([p(t, .5) for t in took]):.3f} / {med([p(t, .99) for t in took]):.3f} ms |")
for fmt in ("csv", "jsonl", "csv-date"):
    rows = [l.split() for l in open(f"{work}/export.{fmt}.times")]
    lines = int(open(f"{work}/export.{fmt}.lines").read())
    name = f"format={fmt[:3]}&sort=date" if fmt.endswith("-date") else f"format={fmt}"
    print(f"| export `security` {name}: {lines} lines, wall / first byte | {med([float(r[0]) for r in rows]):.3f} s / {med([float(r[1]) * 1e3 for r in rows]):.1f} ms |")
    print(f"| export {name}: bytes | {int(med([float(r[2]) for r in rows])):,} |")
print(f"| server peak RSS (VmHWM): after a warm-up search / after the batches and exports | {rss0 / 1024:.1f} MB / {rss1 / 1024:.1f} MB |")
print()
EOF
cat "$WORK/section.md"
{ echo; cat "$WORK/section.md"; } >>"$RESULTS"
