#!/usr/bin/env bash
# bench/bench_serve.sh [BUILD_DIR] — issue 15's serving target: quire-serve with its
# result cache off (--cache-mb 0), over the queries of an evaluation set in rotation at
# 2 connections (wrk -t1 -c2, bench/rotate.lua), against the same searches with
# snippets run in-process on 2 threads (bench/inproc_throughput.c), in interleaved rounds.
#
#   BUILD_DIR   build tree with bin/quire-serve and bin/inproc_throughput (default build)
#   QUIRE_DB    the index (default /tmp/quire-bench-query/quire, as bench_query.sh leaves it)
#   SET         evaluation set (default ../shared/eval/open)
#   ROUNDS      rounds (default 3); DUR seconds per measurement (default 10)
#   THREADS     quire-serve --threads (default: its own default, one per core)
#
# The server and wrk share the machine's cores (wrk -t1 takes part of one), as the
# in-process threads do not. On a loaded machine wall throughput follows each side's
# share of the cores (the server has more threads), so CPU time is measured too: the
# in-process tool's CPU time per search against the server's (all its threads, user +
# system, from /proc) per request; their ratio is the throughput ratio the two would
# reach on cores of their own, provided the server keeps both busy (workers.h).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
BUILD=${1:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
QUIRE_DB=${QUIRE_DB:-/tmp/quire-bench-query/quire}
SET=${SET:-../shared/eval/open}
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-10}
die() { echo "bench_serve.sh: $*" >&2; exit 1; }
[[ -x $BUILD/bin/quire-serve && -x $BUILD/bin/inproc_throughput ]] || die "build first"
command -v wrk >/dev/null || die "wrk is not installed"
[[ -d $QUIRE_DB ]] || die "no index at $QUIRE_DB (set QUIRE_DB)"
[[ -f $SET/expected.jsonl ]] || die "no $SET/expected.jsonl"

OUT=$(mktemp -d /tmp/quire-bench-serve.XXXXXX)
SERVE_PID=""
cleanup() {
  if [[ -n $SERVE_PID ]] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
  fi
  rm -rf "$OUT"
}
trap cleanup EXIT

python3 - "$SET/expected.jsonl" >"$OUT/paths" <<'PY'
import json, sys, urllib.parse
for line in open(sys.argv[1]):
    if line.strip():
        q = json.loads(line)["q"]
        print("/api/search?limit=10&q=" + urllib.parse.quote(q, safe=""))
PY

TARGS=()
[[ -n ${THREADS:-} ]] && TARGS=(--threads "$THREADS")
"$BUILD/bin/quire-serve" --db "$QUIRE_DB" --port 0 --cache-mb 0 "${TARGS[@]}" 2>"$OUT/serve.log" &
SERVE_PID=$!
PORT=""
for ((i = 0; i < 300; i++)); do
  line=$(head -n 1 "$OUT/serve.log" 2>/dev/null || true)
  if [[ $line =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then PORT=${BASH_REMATCH[1]}; break; fi
  kill -0 "$SERVE_PID" 2>/dev/null || die "quire-serve exited: $(cat "$OUT/serve.log")"
  sleep 0.1
done
[[ -n $PORT ]] || die "quire-serve did not start"
BASE=http://127.0.0.1:$PORT
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$(head -n 1 "$OUT/paths")")
[[ $code == 200 ]] || die "first query answered $code"
# quire-serve answers from a worker process under a supervisor (server/supervisor.c):
# the CPU to count is the worker's, the supervisor's child
WORK_PID=$(pgrep -P "$SERVE_PID" | head -n 1)
[[ -n $WORK_PID ]] || WORK_PID=$SERVE_PID

# "TID ticks" of each server thread, sorted for join
threads_cpu() {
  for t in /proc/$WORK_PID/task/*; do
    echo "${t##*/} $(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null || echo 0)"
  done | sort
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# warm-up: the set once over HTTP (the in-process tool warms up by itself)
PATHS=$OUT/paths wrk -t1 -c2 -d3s -s bench/rotate.lua "$BASE" >/dev/null
for ((r = 1; r <= ROUNDS; r++)); do
  "$BUILD/bin/inproc_throughput" --db "$QUIRE_DB" --set "$SET" --threads 2 --seconds "$DUR" >"$OUT/inproc.$r"
  inproc=$(awk '/^searches/ { print $2 }' "$OUT/inproc.$r")
  icpu=$(awk '/^cpu/ { print $3 }' "$OUT/inproc.$r")
  # the server's CPU time (every thread, user + system, in clock ticks) over the run
  t0=$(awk '{ print $14 + $15 }' /proc/$WORK_PID/stat)
  threads_cpu >"$OUT/threads0"
  PATHS=$OUT/paths wrk -t1 -c2 -d"${DUR}s" --latency -s bench/rotate.lua "$BASE" >"$OUT/wrk.$r"
  threads_cpu >"$OUT/threads1"
  t1=$(awk '{ print $14 + $15 }' /proc/$WORK_PID/stat)
  # the server's threads that did at least a fifth of its work: 2 when both cores serve
  busy=$(join "$OUT/threads0" "$OUT/threads1" | awk '{ d[$1] = $3 - $2; t += $3 - $2 }
    END { for (k in d) n += t > 0 && d[k] >= t / 5; print n + 0 }')
  http=$(awk '/^Requests\/sec:/ { print $2 }' "$OUT/wrk.$r")
  nreq=$(awk '/requests in/ { print $1 }' "$OUT/wrk.$r")
  bad=$(awk -F': *' '/Non-2xx/ { print $2 }' "$OUT/wrk.$r")
  hcpu=$(awk -v a="$t0" -v b="$t1" -v n="$nreq" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", (b - a) * 1000 / hz / n }')
  echo "$r $inproc $http ${bad:-0} $(cut -d' ' -f1 /proc/loadavg) $icpu $hcpu $busy" >>"$OUT/rounds"
  echo "round $r: in-process ${inproc}/s (${icpu} ms CPU each), HTTP ${http}/s (${hcpu} ms server CPU each; non-2xx: ${bad:-0}), load $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo
echo "| round | in-process 2 threads, searches/s | quire-serve --cache-mb 0, 2 connections, req/s | HTTP / in-process | in-process CPU ms / search | server CPU ms / request | CPU ratio (in-process / server) | server threads busy | load (1 min) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk '{ printf "| %d | %.1f | %.1f | %.0f%% | %.3f | %.3f | %.0f%% | %d | %s |\n", $1, $2, $3, 100 * $3 / $2, $6, $7, 100 * $6 / $7, $8, $5 }' "$OUT/rounds"
med() { sort -g | awk '{ v[NR] = $1 } END { printf "%.0f%%", 100 * v[int((NR + 1) / 2)] }'; }
echo
echo "median HTTP / in-process throughput: $(awk '{ print $3 / $2 }' "$OUT/rounds" | med);" \
     "median CPU ratio: $(awk '{ print $6 / $7 }' "$OUT/rounds" | med)"
