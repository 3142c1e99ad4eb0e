#!/usr/bin/env bash
# bench/bench_damage.sh NEW_BIN OLD_BIN INDEX [RUNS] - what issue 16's
# containment costs: quire-search (now in a child process) and quire-serve
# (a worker under a supervisor) against the same programs without it
# (OLD_BIN: a build of the commit before), interleaved run by run; and the
# full check (quire-index --check) of INDEX, the price of the other choice
# (check every generation before serving it). Never writes into INDEX.
# Medians of RUNS (default 11). The machine is shared and loaded and its
# virtual CPU counts no instructions (perf stat: not supported), so CPU
# time (user + system, of every process of the run: /usr/bin/time) is given
# beside wall time.
set -euo pipefail
NEW=$1 OLD=$2 DB=$3 RUNS=${4:-11}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(((t1 - t0) / 1000)); }
cpu() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f\n", ($1 + $2) * 1000}'; }
echo "load: $(uptime)"
for what in search; do
  : >/tmp/bd.new; : >/tmp/bd.old; : >/tmp/bd.newi; : >/tmp/bd.oldi
  for ((i = 0; i < RUNS; i++)); do
    ms "$OLD/quire-search" --db "$DB" cyber espionage >>/tmp/bd.old
    ms "$NEW/quire-search" --db "$DB" cyber espionage >>/tmp/bd.new
  done
  for ((i = 0; i < RUNS; i++)); do
    cpu "$OLD/quire-search" --db "$DB" cyber espionage >>/tmp/bd.oldi
    cpu "$NEW/quire-search" --db "$DB" cyber espionage >>/tmp/bd.newi
  done
  echo "quire-search 'cyber espionage' wall us: old $(median </tmp/bd.old) new $(median </tmp/bd.new)"
  echo "quire-search CPU ms (user+sys, all processes): old $(median </tmp/bd.oldi) new $(median </tmp/bd.newi)"
done
# Start-up: exec to "listening on" (the server's stderr goes to a file,
# read until that line appears).
LOG=$(mktemp)
serve() { "$@" 2>"$LOG" & SRV=$!; until grep -q "listening on" "$LOG" 2>/dev/null; do sleep 0.002; done; }
stop() { kill -TERM "$SRV" 2>/dev/null || true; wait "$SRV" 2>/dev/null || true; }
start_us() {
  local t0 t1
  t0=$(date +%s%N)
  serve "$1/quire-serve" --db "$DB" --port 0
  t1=$(date +%s%N)
  stop
  echo $(((t1 - t0) / 1000))
}
: >/tmp/bd.new; : >/tmp/bd.old
for ((i = 0; i < RUNS; i++)); do
  start_us "$OLD" >>/tmp/bd.old
  start_us "$NEW" >>/tmp/bd.new
done
echo "quire-serve start to listening, us: old $(median </tmp/bd.old) new $(median </tmp/bd.new)"
# Latency: one connection, one query, wrk's percentiles.
lat() {
  local port
  serve "$1/quire-serve" --db "$DB" --port 0 --threads 1 --cache-mb 0
  port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' "$LOG" | head -1)
  wrk -t1 -c1 -d5s --latency "http://127.0.0.1:$port/api/search?q=cyber+espionage" | awk '/ 50%/ {print $2} / 99%/ {print $2}' | paste -sd' '
  stop
}
for ((i = 0; i < 3; i++)); do
  echo "search latency p50 p99 (wrk, 5 s, 1 connection): old $(lat "$OLD") new $(lat "$NEW")"
done
# The full check: the alternative's price per generation.
t0=$(date +%s%N)
"$NEW/quire-index" --check --db "$DB" >/dev/null
t1=$(date +%s%N)
echo "quire-index --check: $(((t1 - t0) / 1000000)) ms wall; CPU ms $(cpu "$NEW/quire-index" --check --db "$DB")"
echo "xapian-check alone (the Xapian part): CPU ms $(cpu xapian-check "$(ls -d "$DB"/shard* | head -1)")"
rm -f /tmp/bd.new /tmp/bd.old /tmp/bd.newi /tmp/bd.oldi "$LOG"
